"""Library files for ``hub library import FILE``: hub's json, BibTeX (Zotero, JabRef,
Mendeley) or CSL-JSON.

Entries are matched to stored papers by arXiv id (``eprint``/``archivePrefix``, an
``arxiv.org/abs`` URL, ``note = {arXiv:ID [cs]}``, ``journal = {arXiv preprint arXiv:ID}``,
an arXiv DOI ``10.48550/arXiv.ID``; CSL ``URL``, ``number``, ``note``), then DOI, then
normalised title; unmatched entries become papers of their own (key ``arxiv:ID`` or
``doi:…`` when they have one, else ``lib:<hash of the title>``, source "Library").  The
whole file is one transaction: a broken file stores nothing.

An import merges (``hubcli.store.merge``): tags are a union, newer marks and notes in the
library stay, differing notes are both kept; ``replace`` restores hub's json exactly.
json is streamed (ijson) and refused past :data:`MAX_FILE_BYTES` or :data:`MAX_DEPTH`; a
malformed CSL item is one error naming its index (1 = the first); a .bib is decoded entry
by entry, an entry that is not UTF-8 left out and reported with its line.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from hubcli.errors import HubError, UsageError
from hubcli.i18n import Message
from hubcli.keys import arxiv_key, doi_key, normalise_title, paper_key
from hubcli.models import Paper
from hubcli.store import matching, merge
from hubcli.store.db import Store
from hubcli.store.library import LIBRARY_SOURCE, restore_record, save_in, set_bib, state_for


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
    bib: dict[str, Any] | None = None  # its own type and fields (``LibraryState.bib``)


@dataclass
class ImportSummary:
    format: str
    matched: int = 0
    added: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry, reason)
    missing_arxiv: list[str] = field(default_factory=list)  # arXiv ids the cache has only from library files
    changes: merge.MergeCounts = field(default_factory=merge.MergeCounts)
    undecodable: list[tuple[int, str]] = field(default_factory=list)  # (line, key) of .bib entries not UTF-8


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

# a library file is at most this large (a Zotero library of 20,000 items is ~40 MB of CSL)
MAX_FILE_BYTES = 64 * 1024 * 1024
# json nested deeper than this is no library file (CSL items are 4 levels deep)
MAX_DEPTH = 32
_BOM = b"\xef\xbb\xbf"


def _msg(key: str, **params: Any) -> Message:
    return Message(key, params)


def _broken(path: str, line: int, reason: object) -> HubError:
    return HubError("library_import_broken", path=path, line=line, reason=reason)


def _bad_entry(path: str, index: int, reason: Message) -> HubError:
    return HubError("library_import_bad_entry", path=path, index=index, reason=reason)


@dataclass
class LibraryFile:
    """A library file being read: its format and its records, read one at a time (json is
    streamed; a .bib is read whole, decoded entry by entry)."""

    format: str
    records: Iterator[Any]
    undecodable: list[tuple[int, str]] = field(default_factory=list)  # (line, entry key) of a .bib


def open_file(path: Path) -> LibraryFile:
    """The format (``hub`` paper objects, ``csl`` items as :class:`Entry`, or ``bibtex``
    entries) and the records of a library file.  A json record that is malformed raises
    :class:`HubError` naming its index when it is reached."""
    source = _Source.of(path)
    with source.open() as handle:
        head = handle.read(4096)
    first = head.removeprefix(_BOM).lstrip()[:1]
    if first in (b"[", b"{"):
        return _json_file(source)
    if b"@" in head or b"@" in source.read():
        return _bibtex_file(source)
    raise HubError("library_import_unknown", path=source.name)


def read_file(path: Path) -> tuple[str, list[Any]]:
    """(format, records) of a whole library file (see :func:`open_file`)."""
    found = open_file(path)
    return found.format, list(found.records)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


@dataclass
class _Source:
    """A library file that can be read more than once: a regular file by its path, anything
    else (a pipe, ``/dev/stdin``) read once into memory; never more than :data:`MAX_FILE_BYTES`."""

    name: str
    path: Path
    size: int
    data: bytes | None = None

    @classmethod
    def of(cls, path: Path) -> _Source:
        try:
            if path.is_file():
                source = cls(str(path), path, path.stat().st_size)
            else:
                with path.open("rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
                source = cls(str(path), path, len(data), data)
        except OSError as exc:
            raise HubError("library_import_unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
        if source.size > MAX_FILE_BYTES:
            raise HubError("library_import_too_large", path=str(path), size=_megabytes(source.size),
                           limit=_megabytes(MAX_FILE_BYTES))
        return source

    def open(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        try:
            return self.path.open("rb")
        except OSError as exc:
            raise self.unreadable(exc) from exc

    def read(self) -> bytes:
        with self.open() as handle:
            try:
                return handle.read()
            except OSError as exc:
                raise self.unreadable(exc) from exc

    def unreadable(self, exc: OSError) -> HubError:
        return HubError("library_import_unreadable", path=self.name, reason=exc.strerror or str(exc))


def _json_file(source: _Source) -> LibraryFile:
    values = _json_values(source)
    first = next(values, None)
    if first is None:
        return LibraryFile("hub", iter(()))
    if not first[1] and not _is_hub(first[2]):  # one object alone: only a hub paper object (jsonl)
        raise HubError("library_import_csl_object", path=source.name)
    fmt = "hub" if _is_hub(first[2]) else "csl"
    return LibraryFile(fmt, _checked(source.name, fmt, itertools.chain([first], values)))


def _is_hub(value: object) -> bool:
    return isinstance(value, dict) and "authors" in value and "id" in value and "title" in value


def _checked(path: str, fmt: str, values: Iterator[tuple[int, bool, Any]]) -> Iterator[Any]:
    for index, _listed, value in values:
        if fmt == "hub":
            if not _is_hub(value):
                raise _bad_entry(path, index, _msg("lib_entry_not_hub", type=_json_type(value)))
            yield value
        else:
            yield _csl_entry(path, index, value)


def _json_values(source: _Source) -> Iterator[tuple[int, bool, Any]]:
    """(1-based index, whether inside one top-level list, value) of the records of a json
    file (one list of records, or one record a line), parsed incrementally (ijson) in
    bounded memory, never nested deeper than :data:`MAX_DEPTH`."""
    import ijson

    with source.open() as handle:
        try:
            if handle.read(3) != _BOM:
                handle.seek(0)
            yield from _build(source.name, ijson.basic_parse(handle, multiple_values=True, use_float=True))
        except ijson.JSONError as exc:
            raise _json_broken(source, exc) from None
        except OSError as exc:
            raise source.unreadable(exc) from exc


def _build(path: str, events: Iterator[tuple[str, Any]]) -> Iterator[tuple[int, bool, Any]]:
    import ijson

    stack: list[list[Any]] = []  # [container, its pending key]
    listed: bool | None = None  # the file is one list (True) or values one after another (False)
    closed = False  # the one top-level list has ended
    index = 0
    for event, value in events:
        if closed:
            raise ijson.JSONError("extra data after the list")
        if event == "map_key":
            stack[-1][1] = value
            continue
        if event in ("start_map", "start_array"):
            if listed is None:
                listed = event == "start_array"
                if listed:
                    continue
            if len(stack) >= MAX_DEPTH:
                raise _bad_entry(path, index + 1, _msg("lib_entry_too_deep", depth=MAX_DEPTH))
            stack.append([{} if event == "start_map" else [], None])
            continue
        if event in ("end_map", "end_array"):
            if not stack:  # the end of the top-level list
                closed = True
                continue
            value = stack.pop()[0]
        if stack:
            container, key = stack[-1]
            if isinstance(container, list):
                container.append(value)
            else:
                container[key] = value
            continue
        index += 1
        yield index, bool(listed), value


def _json_broken(source: _Source, exc: Exception) -> HubError:
    """A json syntax error as ``file, line N: reason`` (the line found by the standard
    parser for a file small enough, else ijson's reason alone)."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if reason.startswith("b'"):
        reason = reason[2:]
    line = 0
    if source.size <= 16 * 1024 * 1024:
        raw = source.read().removeprefix(_BOM)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            return _broken(source.name, raw.count(b"\n", 0, bad.start) + 1, _msg("lib_not_utf8"))
        line, reason = _json_line(text, reason)
    return _broken(source.name, line, reason)


def _json_line(text: str, reason: str) -> tuple[int, str]:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        if not exc.msg.startswith("Extra data"):
            return exc.lineno, exc.msg
    except (RecursionError, ValueError):
        return 0, reason
    for number, line in enumerate(text.splitlines(), start=1):  # one object a line
        try:
            if line.strip():
                json.loads(line)
        except json.JSONDecodeError as exc:
            return number, exc.msg
        except (RecursionError, ValueError):
            return number, reason
    return 0, reason


def _json_type(value: object) -> Message:
    for kind, name in ((bool, "boolean"), (str, "string"), ((int, float), "number"), (list, "list"),
                       (dict, "object")):
        if isinstance(value, kind):
            return _msg(f"lib_json_{name}")
    return _msg("lib_json_null")


def _date(year: object, month: object = None, day: object = None) -> str | None:
    """``YYYY-MM-DD`` from BibTeX/CSL parts, as precise as they are: ``YYYY-MM`` without a
    day, ``YYYY`` without a month (nothing invented)."""
    import datetime

    def number(value: object) -> int | None:
        text = str(value or "").strip().lower()
        if text.isdigit():
            return int(text)
        return next((v for k, v in _MONTHS.items() if len(text) >= 3 and k.startswith(text[:3])), None)

    try:
        whole = str(year or "").strip()[:4]
        if not (len(whole) == 4 and whole.isdigit()):
            return None
        first, mon, d = int(whole), number(month), number(day)
        if mon is None:
            return f"{first:04d}"
        if d is None:
            datetime.date(first, mon, 1)
            return f"{first:04d}-{mon:02d}"
        return datetime.date(first, mon, d).isoformat()
    except (TypeError, ValueError):
        return None


_CSL_TEXT = ("id", "title", "DOI", "URL", "abstract", "container-title", "note", "number", "archive_location")


def _csl_entry(path: str, index: int, item: object) -> Entry:
    """A CSL item as an :class:`Entry`; a malformed one raises naming its index and field."""
    if not isinstance(item, dict):
        raise _bad_entry(path, index, _msg("lib_entry_not_object", type=_json_type(item)))
    for name in _CSL_TEXT:
        value = item.get(name)
        if value is not None and not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise _bad_entry(path, index, _msg("lib_csl_not_text", field=name, type=_json_type(value)))
    text = {name: str(item[name]) if item.get(name) is not None else "" for name in _CSL_TEXT}
    doi = text["DOI"] or None
    arxiv_id = arxiv_in(text["URL"], text["number"], doi, text["note"], text["archive_location"])
    return Entry(
        title=text["title"], authors=_csl_authors(path, index, item.get("author")), arxiv_id=arxiv_id, doi=doi,
        url=text["URL"] or None, abstract=text["abstract"], published=_csl_issued(path, index, item.get("issued")),
        journal=text["container-title"] or None, label=text["id"], bib=_csl_bib(item),
    )


# CSL item types as BibTeX entry types; CSL variables as BibTeX fields
_CSL_TYPES = {"article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
              "paper-conference": "inproceedings", "book": "book", "chapter": "incollection",
              "thesis": "phdthesis", "report": "techreport", "manuscript": "unpublished"}
_CSL_FIELDS = {"page": "pages", "volume": "volume", "issue": "number", "publisher": "publisher",
               "publisher-place": "address", "ISBN": "isbn", "ISSN": "issn", "edition": "edition",
               "collection-title": "series", "event-place": "venue", "language": "language"}


def _csl_bib(item: dict[str, Any]) -> dict[str, Any] | None:
    """A CSL item's type and the fields BibTeX has but hub's paper lacks (pages, volume,
    number, publisher, editor, …), as plain text; None for an item with none of them."""
    kind = _CSL_TYPES.get(str(item.get("type") or ""), "misc")
    fields = {bib: str(item[csl]) for csl, bib in _CSL_FIELDS.items()
              if isinstance(item.get(csl), (str, int)) and not isinstance(item.get(csl), bool) and str(item[csl])}
    container = item.get("container-title")
    if isinstance(container, str) and container and kind != "misc":
        fields["journal" if kind == "article" else "booktitle"] = container
    editors = [name for name in _csl_names(item.get("editor")) if name]
    if kind == "misc" and not fields and not editors:
        return None
    key = item.get("citation-key") or item.get("citationKey")  # Better BibTeX's; a CSL id is no citation key
    return {"type": kind, "key": key if isinstance(key, str) else "", "fields": fields,
            "persons": {"editor": editors} if editors else {}, "plain": True, "extra": True}


def _csl_names(people: object) -> list[str]:
    """``Family, Given`` of each CSL person (a literal name as it is)."""
    if not isinstance(people, list):
        return []
    names = []
    for person in people:
        if isinstance(person, dict):
            literal, family, given = (person.get(k) for k in ("literal", "family", "given"))
            if isinstance(literal, str) and literal:
                names.append(literal)
            elif isinstance(family, str) and family:
                names.append(f"{family}, {given}" if isinstance(given, str) and given else family)
    return names


def _csl_authors(path: str, index: int, people: object) -> list[str]:
    if people is None:
        return []
    if not isinstance(people, list):
        raise _bad_entry(path, index, _msg("lib_csl_author", type=_json_type(people)))
    authors = []
    for person in people:
        if not isinstance(person, dict):
            raise _bad_entry(path, index, _msg("lib_csl_person", type=_json_type(person)))
        parts = {k: person.get(k) for k in ("literal", "given", "non-dropping-particle", "family")}
        for name, value in parts.items():
            if value is not None and not isinstance(value, str):
                raise _bad_entry(path, index, _msg("lib_csl_not_text", field=f"author.{name}",
                                                      type=_json_type(value)))
        name = parts["literal"] or " ".join(str(v) for k, v in parts.items() if k != "literal" and v)
        if name:
            authors.append(str(name))
    return authors


def _csl_issued(path: str, index: int, issued: object) -> str | None:
    """``issued``: ``{"date-parts": [[year, month, day]]}`` (or ``{"raw": "2024-05-01"}``)."""
    if issued is None:
        return None
    if not isinstance(issued, dict):
        raise _bad_entry(path, index, _msg("lib_csl_issued", type=_json_type(issued)))
    parts = issued.get("date-parts")
    if parts is None:
        raw = issued.get("raw") or issued.get("literal")
        return _date(*(str(raw).split("-") + [None, None])[:3]) if isinstance(raw, str) else None
    if not isinstance(parts, list) or not all(isinstance(p, list) for p in parts):
        raise _bad_entry(path, index, _msg("lib_csl_date_parts", type=_json_type(parts)))
    first = parts[0] if parts else []
    if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in first):
        raise _bad_entry(path, index, _msg("lib_csl_date_parts", type=_json_type(first)))
    return _date(*(list(first) + [None, None, None])[:3]) if first else None


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
        note=_latex(f.get("annote")) or None, label=key, bib=_bib_record(key, entry),
    )


def _bib_record(key: str, entry: Any) -> dict[str, Any]:
    """An entry's own type, key, fields (as written, LaTeX kept) and persons (author,
    editor, …), for BibTeX export to write back."""
    return {
        "type": str(entry.type).lower(), "key": key,
        "fields": {str(name): str(value) for name, value in entry.fields.items()},
        "persons": {str(role): [str(person) for person in people] for role, people in entry.persons.items()},
    }


def _bibtex(path: str, text: str) -> list[Entry]:
    data = _parse_bibtex(path, text)
    return [_bib_entry(key, entry) for key, entry in data.entries.items()]


_BIB_ENTRY_RE = re.compile(rb"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_BIB_KEY_RE = re.compile(rb"@[A-Za-z]+[ \t]*[{(][ \t\r\n]*([^,\s{}()]{1,100})")


def _bibtex_file(source: _Source) -> LibraryFile:
    """A .bib decoded entry by entry: an entry that is not UTF-8 is left out (its lines kept
    blank, so pybtex's line numbers stay the file's) and reported, never mis-decoded."""
    text, undecodable = decode_bibtex(source.read())
    return LibraryFile("bibtex", iter(_bibtex(source.name, text)), undecodable)


def decode_bibtex(raw: bytes) -> tuple[str, list[tuple[int, str]]]:
    """The text of a .bib's UTF-8 entries, and (line, key) of each entry that is not UTF-8."""
    raw = raw.removeprefix(_BOM)
    starts = [0, *(m.start() for m in _BIB_ENTRY_RE.finditer(raw)), len(raw)]
    parts: list[str] = []
    undecodable: list[tuple[int, str]] = []
    for start, end in itertools.pairwise(dict.fromkeys(starts)):
        chunk = raw[start:end]
        try:
            parts.append(chunk.decode("utf-8"))
        except UnicodeDecodeError:
            parts.append("\n" * chunk.count(b"\n"))
            key = _BIB_KEY_RE.match(chunk.lstrip())
            if key or start:  # text before the first entry is a comment: left out silently
                label = key.group(1).decode("utf-8", "replace") if key else "?"
                undecodable.append((raw.count(b"\n", 0, start) + 1, label))
    return "".join(parts), undecodable


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


def import_library(store: Store, path: Path, *, tags: tuple[str, ...] = (), replace: bool = False) -> ImportSummary:
    """Import one file into the library in one transaction, merged into the stored state
    (``replace``: hub's json restored exactly); see the module docstring."""
    from hubcli.store.write import PaperWriter

    source = open_file(path)
    if replace and source.format != "hub":
        raise UsageError("lib_replace_needs_json", path=str(path), format=source.format)
    summary = ImportSummary(source.format, undecodable=source.undecodable)
    arxiv_of: dict[int, str] = {}
    with store.transaction() as conn:
        writer = PaperWriter(conn)
        if source.format == "hub":
            _restore(conn, writer, str(path), source.records, tags, summary, arxiv_of, replace=replace)
        else:
            _store_entries(conn, writer, source.records, tags, summary, arxiv_of)
        missing = merge.library_only(conn, list(arxiv_of))
    summary.missing_arxiv = list(dict.fromkeys(arxiv_of[pid] for pid in arxiv_of if pid in missing))
    return summary


def _restore(conn: Any, writer: Any, path: str, records: Iterator[dict[str, Any]], tags: tuple[str, ...],
             summary: ImportSummary, arxiv_of: dict[int, str], *, replace: bool) -> None:
    """hub's own json: each record merged into the stored state (``replace``: restored
    exactly), and given ``tags``."""
    for record in records:
        try:
            if replace:
                pid = restore_record(conn, writer, record, writer.now)
            else:
                pid = merge.merge_record(conn, writer, record, writer.now, summary.changes)
        except ValueError as exc:
            raise _bad_entry(path, summary.matched + 1, _msg("lib_entry_bad", reason=str(exc))) from exc
        if tags:
            before = len(state_for(conn, [pid])[pid].tags)
            save_in(conn, [pid], tags, writer.now)
            summary.changes.tags_added += len(state_for(conn, [pid])[pid].tags) - before
        arxiv = record.get("arxiv_id")
        if isinstance(arxiv, str) and arxiv:
            arxiv_of[pid] = arxiv
        summary.matched += 1


def _store_entries(conn: Any, writer: Any, entries: Iterator[Entry], tags: tuple[str, ...],
                   summary: ImportSummary, arxiv_of: dict[int, str]) -> None:
    """BibTeX or CSL entries: matched to stored papers, or stored as library papers; all
    saved, their tags and notes merged into the stored ones."""
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
        else:
            pid = found
            if pid in seen:
                summary.skipped.append((entry.label, "lib_skip_duplicate"))
            else:
                summary.matched += 1
        seen.add(pid)
        if entry.arxiv_id:
            arxiv_of[pid] = entry.arxiv_id
        merge.merge_entry(conn, writer, pid, [*entry.tags, *tags], entry.note, writer.now, summary.changes)
        set_bib(conn, pid, entry.bib)
