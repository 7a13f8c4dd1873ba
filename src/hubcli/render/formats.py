"""Data formats: plain text, JSON, JSON lines, CSV, Markdown.

Every writer returns a string for stdout; all feed text passes :func:`safe` first, so no
control character reaches a terminal even when a user pipes into ``less -R``.  BibTeX is
written by :mod:`hubcli.render.bibtex`; the card rules (authors named, library state,
safe links) are :mod:`hubcli.render.card`'s.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from hubcli.i18n import translate
from hubcli.text import safe

if TYPE_CHECKING:
    from hubcli.models import Paper, Tldr

# The machine formats (JSON, JSON lines, CSV) need only the paper's fields made safe; the
# card rules (hubcli.render.card) and LaTeX as text (hubcli.render.latex) are imported by
# the writers a person reads, when they run.
__all__ = ["CSV_COLUMNS", "FORMULA_START", "csv_cell", "local_time", "plain_block", "safe", "sanitized_dict", "to_csv",
           "to_json", "to_jsonl", "to_markdown", "to_plain"]

CSV_COLUMNS = ("id", "arxiv_id", "version", "doi", "title", "authors", "abstract", "published", "updated",
               "announce_type", "categories", "primary_category", "sources", "url", "pdf_url", "journal")


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


def sanitized_dict(paper: Paper) -> dict[str, object]:
    data = paper.to_dict()
    for key, value in data.items():
        if isinstance(value, str):
            data[key] = safe(value)
        elif isinstance(value, list):
            data[key] = [safe(v) if isinstance(v, str) else v for v in value]
    return data


Extras = dict[int, dict[str, object]]  # paper row id -> fields a ranked listing adds (score, explain)
Tldrs = Mapping[str, "Tldr"]  # paper key -> its TL;DR (listings with --tldr)


def _tldr_fields(paper: Paper, tldrs: Tldrs) -> dict[str, object]:
    """``tldr`` (the text as written, LaTeX kept) and ``tldr_kind`` ("model" or
    "extracted"; None without one)."""
    tldr = tldrs.get(paper.key)
    return {"tldr": safe(tldr.text) if tldr else None, "tldr_kind": tldr.kind if tldr else None}


def _object(paper: Paper, extras: Extras | None, tldrs: Tldrs | None = None) -> dict[str, object]:
    data = sanitized_dict(paper)
    if extras and paper.rowid in extras:
        data.update(extras[paper.rowid])
    if tldrs is not None:
        data.update(_tldr_fields(paper, tldrs))
    return data


def to_json(papers: Iterable[Paper], extras: Extras | None = None, tldrs: Tldrs | None = None) -> str:
    return json.dumps([_object(p, extras, tldrs) for p in papers], ensure_ascii=False, indent=2) + "\n"


def to_jsonl(papers: Iterable[Paper], extras: Extras | None = None, tldrs: Tldrs | None = None) -> str:
    return "".join(json.dumps(_object(p, extras, tldrs), ensure_ascii=False) + "\n" for p in papers)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """One CSV cell a spreadsheet shows and never runs (OWASP's rule): text starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``.  Every cell
    is text (hub writes no negative numbers; a number is written as its digits)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(papers: Iterable[Paper], tldrs: Tldrs | None = None) -> str:
    """The papers as CSV, every cell through :func:`csv_cell` (the one CSV writer: listings,
    ``hub export`` and ``hub library export``); with ``tldrs``, the columns ``tldr`` and
    ``tldr_kind`` too."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = CSV_COLUMNS if tldrs is None else (*CSV_COLUMNS, "tldr", "tldr_kind")
    writer.writerow(columns)
    for paper in papers:
        data = sanitized_dict(paper)
        if tldrs is not None:
            data.update(_tldr_fields(paper, tldrs))
        writer.writerow(
            [csv_cell("; ".join(v) if isinstance((v := data[c]), list) else v) for c in columns]  # type: ignore[arg-type]
        )
    return buffer.getvalue()


def to_markdown(papers: Iterable[Paper], *, lang: str, start: int = 1, tldrs: Tldrs | None = None) -> str:
    """A numbered Markdown list; feed text escaped with its mathematics kept as written,
    links http(s) only."""
    from hubcli.render.card import (
        authors_line,
        date_text,
        display_id,
        safe_url,
        source_label,
        state_line,
        tldr_label,
        tldr_text,
    )
    from hubcli.render.latex import readable
    from hubcli.render.markdown import md_inline  # only when Markdown is asked for (start-up)

    lines: list[str] = []
    for number, paper in enumerate(papers, start=start):
        title = md_inline(readable(paper.title or "") or translate("untitled", lang))
        url = safe_url(paper.url)
        heading = f"[{title}]({url})" if url else title
        lines.append(f"{number}. **{heading}**  ")
        meta = " · ".join(x for x in (safe(source_label(paper)), date_text(paper, lang), display_id(paper)) if x)
        lines.append(f"   {md_inline(meta)}  ")
        if paper.authors:
            lines.append(f"   {md_inline(authors_line(paper, lang, limit=20))}")
        state = state_line(paper, lang)
        if state:
            lines.append(f"   {md_inline(state)}")
        tldr = tldrs.get(paper.key) if tldrs else None
        if tldr is not None and tldr_text(tldr):
            lines += ["", f"   **{md_inline(tldr_label(tldr, lang))}:** {md_inline(readable(tldr.text))}"]
        if paper.abstract:
            lines.append("")
            lines.append(f"   > {md_inline(readable(paper.abstract))}")
        lines.append("")
    return "\n".join(lines)


def plain_block(number: int, paper: Paper, *, lang: str, details: Sequence[str] = (), tldr: Tldr | None = None
                ) -> str:
    from hubcli.render.card import (
        AUTHORS_LIMIT,
        authors_line,
        date_text,
        display_id,
        source_label,
        state_line,
        tldr_line,
        tldr_text,
    )
    from hubcli.render.latex import readable

    head = f"{number:02d}. {safe(source_label(paper))} · {date_text(paper, lang) or '????-??-??'} · {display_id(paper)}"
    parts = [head, f"    {safe(readable(paper.title or '')) or translate('untitled', lang)}"]
    if paper.authors:
        parts.append(f"    {authors_line(paper, lang, limit=AUTHORS_LIMIT)}")
    state = state_line(paper, lang)
    if state:
        parts.append(f"    [{state}]")
    parts += [f"    {safe(line)}" for line in details]
    if tldr is not None and tldr_text(tldr):
        parts.append(f"    {tldr_line(tldr, lang, tldr_text(tldr))}")
    if paper.abstract:
        parts.append(f"    {safe(readable(paper.abstract))}")
    if paper.url:
        parts.append(f"    {safe(paper.url)}")
    return "\n".join(parts)


def to_plain(papers: Iterable[Paper], *, lang: str, start: int = 1, details: dict[int, list[str]] | None = None,
             tldrs: Tldrs | None = None) -> str:
    lines = details or {}
    blocks = [plain_block(n, p, lang=lang, details=lines.get(p.rowid or -1, ()),
                          tldr=tldrs.get(p.key) if tldrs else None)
              for n, p in enumerate(papers, start=start)]
    return "\n\n".join(blocks) + ("\n" if blocks else "")
