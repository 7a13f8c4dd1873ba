"""Data formats: plain text, JSON, JSON lines, CSV, Markdown, BibTeX.

Every writer returns a string for stdout; all feed text passes :func:`safe` first, so no
control character reaches a terminal even when a user pipes into ``less -R``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable

from hubcli.i18n import t
from hubcli.models import Paper
from hubcli.text import strip_controls

CSV_COLUMNS = ("id", "arxiv_id", "version", "doi", "title", "authors", "abstract", "published", "updated",
               "announce_type", "categories", "primary_category", "sources", "url", "pdf_url", "journal")


def safe(text: str | None) -> str:
    return strip_controls(text or "")


def local_time(stamp: str | None) -> str:
    """A stored UTC timestamp (``2026-12-01T20:15:24.157865Z``) as a person reads it: local
    time to the minute (``2026-12-01 21:15``).  Anything unparsable is shown as it is."""
    from datetime import datetime

    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return safe(stamp)


def source_label(paper: Paper) -> str:
    """The card's source: the arXiv listing it came from (``arXiv (CS.AI)``), else the
    paper's primary category, else the journal feed's label."""
    if paper.arxiv_id:
        # a cross-listed paper shows its own (primary) listing, whichever feed was synced first
        if paper.primary_category:
            own = f"arXiv ({paper.primary_category.upper()})"
            if own in paper.sources:
                return own
        for label in paper.sources:
            if label.startswith("arXiv (") and len(label) <= 40:
                return label
        if paper.primary_category:
            return f"arXiv ({paper.primary_category.upper()})"
        return "arXiv"
    if paper.sources:
        return paper.sources[0]
    return paper.journal or ""


def display_id(paper: Paper) -> str:
    if paper.arxiv_id:
        return safe(f"arxiv:{paper.arxiv_id}" + (f"v{paper.version}" if paper.version else ""))
    return safe(paper.key)  # keys come from links and DOIs a feed wrote (older caches kept their controls)


def authors_line(paper: Paper, limit: int = 8) -> str:
    names = [safe(a) for a in paper.authors]
    if len(names) > limit:
        return ", ".join(names[:limit]) + ", " + t("and_more_authors", count=len(names) - limit)
    return ", ".join(names)


def sanitized_dict(paper: Paper) -> dict[str, object]:
    data = paper.to_dict()
    for key, value in data.items():
        if isinstance(value, str):
            data[key] = safe(value)
        elif isinstance(value, list):
            data[key] = [safe(v) if isinstance(v, str) else v for v in value]
    return data


def to_json(papers: Iterable[Paper]) -> str:
    return json.dumps([sanitized_dict(p) for p in papers], ensure_ascii=False, indent=2) + "\n"


def to_jsonl(papers: Iterable[Paper]) -> str:
    return "".join(json.dumps(sanitized_dict(p), ensure_ascii=False) + "\n" for p in papers)


def to_csv(papers: Iterable[Paper]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for paper in papers:
        data = sanitized_dict(paper)
        writer.writerow(
            ["; ".join(v) if isinstance((v := data[c]), list) else ("" if v is None else v) for c in CSV_COLUMNS]  # type: ignore[arg-type]
        )
    return buffer.getvalue()


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", safe(text))


def to_markdown(papers: Iterable[Paper], *, start: int = 1) -> str:
    lines: list[str] = []
    for number, paper in enumerate(papers, start=start):
        title = _md_escape(paper.title or t("untitled"))
        heading = f"[{title}]({safe(paper.url)})" if paper.url else title
        lines.append(f"{number}. **{heading}**  ")
        meta = " · ".join(x for x in (safe(source_label(paper)), paper.published or "", display_id(paper)) if x)
        lines.append(f"   {_md_escape(meta)}  ")
        if paper.authors:
            lines.append(f"   {_md_escape(authors_line(paper, limit=20))}")
        if paper.abstract:
            lines.append("")
            lines.append(f"   > {_md_escape(paper.abstract)}")
        lines.append("")
    return "\n".join(lines)


def plain_block(number: int, paper: Paper, *, width_hint: int = 0) -> str:
    head = f"{number:02d}. {safe(source_label(paper))} · {paper.published or '????-??-??'} · {display_id(paper)}"
    parts = [head, f"    {safe(paper.title) or t('untitled')}"]
    if paper.authors:
        parts.append(f"    {authors_line(paper)}")
    if paper.abstract:
        parts.append(f"    {safe(paper.abstract)}")
    if paper.url:
        parts.append(f"    {safe(paper.url)}")
    return "\n".join(parts)


def to_plain(papers: Iterable[Paper], *, start: int = 1) -> str:
    blocks = [plain_block(n, p) for n, p in enumerate(papers, start=start)]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


# --- BibTeX ----------------------------------------------------------------------------

_BIB_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "#": r"\#",
                "_": r"\_", "$": r"\$", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bib_escape(text: str, *, keep_math: bool = False) -> str:
    text = safe(text).replace("\n", " ")
    if keep_math:
        # LaTeX the publisher wrote stays LaTeX; only balance braces defensively
        if text.count("{") != text.count("}"):
            text = text.replace("{", r"\{").replace("}", r"\}")
        return text.replace("%", r"\%").replace("#", r"\#").replace("&", r"\&").replace(r"\\&", r"\&")
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in text)


def _bib_key(paper: Paper, used: set[str]) -> str:
    first = paper.authors[0] if paper.authors else "anon"
    surname = first.split(",")[0] if "," in first else (first.split() or ["anon"])[-1]
    ascii_surname = unicodedata.normalize("NFKD", surname).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z]", "", ascii_surname) or "anon"
    year = (paper.published or "")[:4]
    title_word = next((w for w in re.findall(r"[A-Za-z]{4,}", paper.title or "")), "paper").lower()
    key = f"{base}{year}{title_word}"
    candidate, n = key, 1
    while candidate in used:
        n += 1
        candidate = f"{key}{n}"
    used.add(candidate)
    return candidate


def to_bibtex(papers: Iterable[Paper]) -> str:
    used: set[str] = set()
    entries: list[str] = []
    for paper in papers:
        is_article = bool(paper.doi and paper.journal and not paper.arxiv_id)
        fields: list[tuple[str, str]] = [
            ("title", "{" + _bib_escape(paper.title, keep_math=True) + "}"),
            ("author", " and ".join(_bib_escape(a) for a in paper.authors) or "Anonymous"),
        ]
        if paper.published:
            fields.append(("year", paper.published[:4]))
            fields.append(("month", str(int(paper.published[5:7]))))
        if paper.arxiv_id:
            fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
            if paper.primary_category:
                fields.append(("primaryClass", paper.primary_category))
        if paper.doi:
            fields.append(("doi", _bib_escape(paper.doi)))
        if paper.journal:
            fields.append(("journal" if is_article else "note", _bib_escape(paper.journal)))
        if paper.url:
            fields.append(("url", safe(paper.url).replace("%", r"\%").replace("#", r"\#")))
        if paper.abstract:
            fields.append(("abstract", _bib_escape(paper.abstract, keep_math=True)))
        body = ",\n".join(f"  {name} = {{{value}}}" if not value.startswith("{") else f"  {name} = {{{value}}}"
                          for name, value in fields)
        kind = "article" if is_article else "misc"
        entries.append(f"@{kind}{{{_bib_key(paper, used)},\n{body}\n}}\n")
    return "\n".join(entries)
