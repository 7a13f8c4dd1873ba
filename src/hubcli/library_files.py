"""Library files for ``hub library import FILE``: hub's json, BibTeX (Zotero, JabRef,
Mendeley) or CSL-JSON.

Entries are matched to stored papers by arXiv id (``eprint``/``archivePrefix``, an
``arxiv.org/abs`` URL, ``note = {arXiv:ID [cs]}``, ``journal = {arXiv preprint arXiv:ID}``,
an arXiv DOI ``10.48550/arXiv.ID``; CSL ``URL``, ``number``, ``note``), then DOI, then
normalised title; unmatched entries become papers of their own (key ``arxiv:ID`` or
``doi:…`` when they have one, else ``lib:<hash of the title>``, source "Library").  The
whole file is one transaction: a broken file stores nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubcli.errors import HubError
from hubcli.keys import arxiv_key, doi_key, normalise_title, paper_key
from hubcli.models import Paper
from hubcli.store import matching
from hubcli.store.db import Store
from hubcli.store.library import LIBRARY_SOURCE, restore_record, save_in


@dataclass
class Entry:
    title: str
    authors: list[str] = field(default_factory=list)
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    abstract: str = ""
    published: str | None = None
    journal: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    label: str = ""  # the citation key or CSL id, for the summary


@dataclass
class ImportSummary:
    format: str
    matched: int = 0
    added: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry, reason)
    missing_arxiv: list[str] = field(default_factory=list)  # matched arXiv ids not in the cache


_ARXIV = r"(\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Za-z\-]{2,})?/\d{7})(?:v\d+)?"
_ARXIV_TEXT_RE = re.compile(r"arxiv[:\s.]*" + _ARXIV, re.IGNORECASE)
_ARXIV_URL_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/" + _ARXIV, re.IGNORECASE)
_ARXIV_DOI_RE = re.compile(r"^10\.48550/arxiv\." + _ARXIV + "$", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"), start=1)}
# arXiv's subject tags Zotero adds by itself ("Computer Science - Machine Learning")
_AUTO_TAG_RE = re.compile(r"^(Computer Science|Statistics|Mathematics|Physics|Quantitative Biology|Quantitative "
                          r"Finance|Electrical Engineering and Systems Science|Economics|Condensed Matter|High "
                          r"Energy Physics|Astrophysics|Nuclear|General Relativity|Nonlinear Sciences) - ")


def arxiv_in(*values: str | None) -> str | None:
    for value in values:
        if not value:
            continue
        for pattern in (_ARXIV_URL_RE, _ARXIV_DOI_RE, _ARXIV_TEXT_RE):
            match = pattern.search(value.strip())
            if match:
                return match.group(1)
    return None


# --- reading ---------------------------------------------------------------------------

def _broken(path: str, line: int, reason: str) -> HubError:
    return HubError("library_import_broken", path=path, line=line, reason=reason)


def read_file(path: Path) -> tuple[str, list[Any]]:
    """(format, records): ``hub`` (paper objects), ``csl`` (CSL items) or ``bibtex`` (Entry)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HubError("library_import_unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    head = text.lstrip()
    if head.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            if head.startswith("{"):  # one object a line (jsonl)
                return _jsonl(str(path), text)
            raise _broken(str(path), exc.lineno, exc.msg) from exc
        items = data if isinstance(data, list) else [data]
        if not all(isinstance(i, dict) for i in items):
            raise HubError("library_import_unknown", path=str(path))
        if items and all("authors" in i and "id" in i and "title" in i for i in items):
            return "hub", items
        return "csl", [_csl_entry(i) for i in items]
    if "@" in text:
        return "bibtex", _bibtex(str(path), text)
    raise HubError("library_import_unknown", path=str(path))


def _jsonl(path: str, text: str) -> tuple[str, list[Any]]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise _broken(path, number, exc.msg) from exc
    return "hub", items


def _date(year: object, month: object = None, day: object = None) -> str | None:
    """``YYYY-MM-DD`` from BibTeX/CSL parts (a missing month or day counts as the first)."""
    import datetime

    def number(value: object) -> int:
        text = str(value or "").strip().lower()
        if text.isdigit():
            return int(text)
        return next((v for k, v in _MONTHS.items() if text and k.startswith(text[:3])), 1)

    try:
        return datetime.date(int(str(year)[:4]), number(month), number(day)).isoformat()
    except (TypeError, ValueError):
        return None


def _csl_entry(item: dict[str, Any]) -> Entry:
    authors = []
    for person in item.get("author") or []:
        if isinstance(person, dict):
            name = person.get("literal") or " ".join(
                str(person.get(k)) for k in ("given", "non-dropping-particle", "family") if person.get(k))
            if name:
                authors.append(str(name))
    parts = ((item.get("issued") or {}).get("date-parts") or [[None]])[0] or [None]
    doi = str(item.get("DOI") or "") or None
    arxiv_id = arxiv_in(str(item.get("URL") or ""), str(item.get("number") or ""), doi,
                        str(item.get("note") or ""), str(item.get("archive_location") or ""))
    container = item.get("container-title")
    return Entry(
        title=str(item.get("title") or ""), authors=authors, arxiv_id=arxiv_id, doi=doi,
        url=str(item.get("URL") or "") or None, abstract=str(item.get("abstract") or ""),
        published=_date(*(list(parts) + [None, None])[:3]), journal=str(container) if container else None,
        label=str(item.get("id") or ""),
    )


def _parse_bibtex(path: str, text: str) -> Any:
    """pybtex's reading of a BibTeX file, strict: a broken file is one clear error."""
    import pybtex.errors
    from pybtex.database import BibliographyDataError, parse_string
    from pybtex.scanner import PybtexSyntaxError

    previous = pybtex.errors.strict  # a process-wide switch: strict here, whatever it was
    pybtex.errors.set_strict_mode(True)
    try:
        return parse_string(text, "bibtex")
    except PybtexSyntaxError as exc:
        raise _broken(path, int(getattr(exc, "lineno", 0) or 0), str(exc).split(": ", 1)[-1]) from exc
    except BibliographyDataError as exc:
        key = str(exc).rsplit(": ", 1)[-1]
        found = [m.start() for m in re.finditer(r"@\w+\s*[{(]\s*" + re.escape(key) + r"\s*,", text)]
        line = text.count("\n", 0, found[-1]) + 1 if found else 0
        raise _broken(path, line, str(exc)) from exc
    finally:
        pybtex.errors.set_strict_mode(previous)


def _latex(value: str | None) -> str:
    """A BibTeX field as text: LaTeX accents decoded, braces dropped, spacing collapsed."""
    import codecs

    import latexcodec  # noqa: F401  (registers the "ulatex" codec)

    if not value:
        return ""
    try:
        out = str(codecs.decode(value, "ulatex"))  # type: ignore[call-overload]
    except (UnicodeError, ValueError):
        out = value
    return " ".join(out.replace("{", "").replace("}", "").split())


def _bib_arxiv(f: Any) -> str | None:
    """The arXiv id of an entry: ``eprint`` (with an arXiv prefix or none) or ``arxivId``,
    else any field that names one."""
    prefix = (f.get("archivePrefix") or f.get("eprinttype") or "").lower()
    eprint = f.get("eprint") or f.get("arxivId")
    arxiv_id = (arxiv_in("arXiv:" + eprint) if eprint and (prefix in ("arxiv", "") or f.get("arxivId")) else None)
    return arxiv_id or arxiv_in(f.get("url"), f.get("doi"), f.get("note"), f.get("journal"),
                                f.get("number"), f.get("howpublished"))


def _bib_entry(key: str, entry: Any) -> Entry:
    f = entry.fields
    people = entry.persons.get("author", [])
    authors = [_latex(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names
                               + p.lineage_names)) for p in people]
    journal = _latex(f.get("journal") or f.get("journaltitle") or f.get("booktitle")) or None
    if journal and arxiv_in(journal):
        journal = None
    date = f.get("date")
    published = (_date(*(date.split("-") + [None, None])[:3]) if date else
                 _date(f.get("year"), f.get("month"), f.get("day")))
    tags: list[str] = []
    for name in ("keywords", "groups", "mendeley-groups", "mendeley-tags"):
        tags.extend(t.strip() for t in _latex(f.get(name)).split(",") if t.strip())
    primary = f.get("primaryClass") or f.get("eprintclass")
    return Entry(
        title=_latex(f.get("title")), authors=[a for a in authors if a], arxiv_id=_bib_arxiv(f),
        doi=(f.get("doi") or None), url=f.get("url") or None, abstract=_latex(f.get("abstract")),
        published=published, journal=journal, category=primary if primary and "." in primary else None,
        tags=[t for t in dict.fromkeys(tags) if not _AUTO_TAG_RE.match(t)],
        note=_latex(f.get("annote")) or None, label=key,
    )


def _bibtex(path: str, text: str) -> list[Entry]:
    data = _parse_bibtex(path, text)
    return [_bib_entry(key, entry) for key, entry in data.entries.items()]


# --- matching and storing ----------------------------------------------------------------

def _find(conn: Any, entry: Entry) -> tuple[int | None, str | None]:
    """(row id, how) of the stored paper an entry names."""
    if entry.arxiv_id:
        pid = matching.paper_by_key(conn, arxiv_key(entry.arxiv_id))
        if pid is not None:
            return pid, "arxiv"
    if entry.doi:
        pid = matching.paper_by_doi(conn, entry.doi, doi_key(entry.doi))
        if pid is not None:
            return pid, "doi"
    norm = normalise_title(entry.title)
    words = norm.split()
    if len(words) >= 2:
        pid = matching.paper_by_title(conn, words, lambda title: normalise_title(title) == norm)
        if pid is not None:
            return pid, "title"
    return None, None


def _paper_of(entry: Entry) -> Paper:
    from hubcli.sources import arxiv

    return Paper(
        key=paper_key(arxiv_id=entry.arxiv_id, doi=entry.doi, title=entry.title), title=entry.title,
        abstract=entry.abstract, authors=entry.authors, arxiv_id=entry.arxiv_id,
        doi=entry.doi, published=entry.published, categories=[entry.category] if entry.category else [],
        primary_category=entry.category, url=entry.url or (arxiv.abs_url(entry.arxiv_id) if entry.arxiv_id else None),
        pdf_url=arxiv.pdf_url(entry.arxiv_id) if entry.arxiv_id else None, journal=entry.journal,
    )


def import_library(store: Store, path: Path, *, tags: tuple[str, ...] = ()) -> ImportSummary:
    """Import one file into the library in one transaction; see the module docstring."""
    from hubcli.store.write import PaperWriter

    fmt, records = read_file(path)
    summary = ImportSummary(fmt)
    with store.transaction() as conn:
        writer = PaperWriter(conn)
        if fmt == "hub":
            _restore(conn, writer, records, path, tags, summary)
        else:
            _store_entries(conn, writer, records, tags, summary)
    return summary


def _restore(conn: Any, writer: Any, records: list[dict[str, Any]], path: Path, tags: tuple[str, ...],
             summary: ImportSummary) -> None:
    """hub's own json: every record restored exactly (and given ``tags``)."""
    for number, record in enumerate(records, start=1):
        try:
            pid = restore_record(conn, writer, record, writer.now)
        except ValueError as exc:
            raise _broken(str(path), number, str(exc)) from exc
        if tags:
            save_in(conn, [pid], tags, writer.now)
        summary.matched += 1


def _store_entries(conn: Any, writer: Any, entries: list[Entry], tags: tuple[str, ...],
                   summary: ImportSummary) -> None:
    """BibTeX or CSL entries: matched to stored papers, or stored as library papers; all saved."""
    from hubcli.store.write import UpsertCounts, source_id

    seen: set[int] = set()
    sid = None
    for entry in entries:
        if not entry.title and not entry.arxiv_id and not entry.doi:
            summary.skipped.append((entry.label, "lib_skip_no_id"))
            continue
        found, _how = _find(conn, entry)
        if found is None:
            if not entry.title:
                summary.skipped.append((entry.label, "lib_skip_no_title"))
                continue
            sid = sid if sid is not None else source_id(conn, LIBRARY_SOURCE)
            pid = writer.upsert(_paper_of(entry), sid, UpsertCounts())
            summary.added += 1
            if entry.arxiv_id:
                summary.missing_arxiv.append(entry.arxiv_id)
        else:
            pid = found
            if pid in seen:
                summary.skipped.append((entry.label, "lib_skip_duplicate"))
            else:
                summary.matched += 1
        seen.add(pid)
        save_in(conn, [pid], [*entry.tags, *tags], writer.now)
        if entry.note:
            matching.set_note_if_empty(conn, pid, entry.note)
