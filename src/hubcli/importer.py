"""``hub import FILE``: the Kaggle arXiv metadata snapshot (JSON lines), an OAI-PMH
``ListRecords`` response in arXiv format, or an RSS/Atom file — recognised by content.

Records stream: JSON lines one at a time, OAI-PMH with ``iterparse`` (elements cleared as
they are read), so memory does not grow with the file.  Papers are written in batches,
each batch one transaction, under the same identity rules as sync; re-importing a file
changes nothing, and an interrupted import can simply be run again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from hubcli.authors import tex_to_unicode
from hubcli.errors import UsageError
from hubcli.models import Paper
from hubcli.sources import arxiv
from hubcli.sources.parse import MAX_STORED_AUTHORS, date_of, extract_doi
from hubcli.text import clean_fast as clean

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
ARXIV_NS = "http://arxiv.org/OAI/arXiv/"
BATCH = 5000

@dataclass
class ImportProgress:
    bytes_read: int = 0
    total_bytes: int = 0
    records: int = 0


def detect_format(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "kaggle"
    if b"<OAI-PMH" in head or b"openarchives.org/OAI/2.0" in head:
        return "oai"
    low = head.lower()
    if b"<rss" in low or b"<feed" in low or b"<rdf:rdf" in low:
        return "feed"
    raise UsageError("import_unknown_format")


_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
_RFC_DATE_RE = re.compile(r"\s*(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) ")
_VERSION_RE = re.compile(r"v(\d+)")


def _date(raw: str) -> str | None:
    """:func:`date_of` for one string; arXiv's RFC 2822 dates without the email parser."""
    match = _RFC_DATE_RE.match(raw)
    if match:
        month = _MONTHS.get(match.group(2))
        day = int(match.group(1))
        if month and 1 <= day <= 31:
            return f"{match.group(3)}-{month:02d}-{day:02d}"
    return date_of(raw)


def _version_number(value: object) -> int | None:
    text = str(value)
    if text[1:].isdecimal() and text.startswith("v") and text.isascii():
        return int(text[1:])
    match = _VERSION_RE.match(text)
    return int(match.group(1)) if match else None


def kaggle_paper(record: dict[str, Any]) -> Paper | None:
    raw_id = str(record.get("id") or "").strip()
    parsed = arxiv.parse_id(raw_id)
    if not parsed:
        return None
    arxiv_id = parsed[0]
    versions = [v for v in record.get("versions") or [] if isinstance(v, dict)]
    numbers = [n for n in (_version_number(v.get("version", "")) for v in versions) if n is not None]
    version = max(numbers) if numbers else None
    first = _date(str(versions[0].get("created") or "")) if versions else None
    last = _date(str(versions[-1].get("created") or "")) if versions else None
    published = first or date_of(record.get("update_date"))
    updated = last or published
    authors: list[str] = []
    for parts in record.get("authors_parsed") or []:
        if not isinstance(parts, list) or not parts:
            continue
        keyname = str(parts[0] or "")
        forenames = str(parts[1] or "") if len(parts) > 1 else ""
        suffix = str(parts[2] or "") if len(parts) > 2 else ""
        name = clean(tex_to_unicode(" ".join(p for p in (forenames, keyname, suffix) if p)))
        if name:
            authors.append(name)
    if not authors and record.get("authors"):
        from hubcli.authors import split_authors

        authors = split_authors(tex_to_unicode(str(record["authors"])))
    cats = [arxiv.normalize_category(c) for c in str(record.get("categories") or "").split() if c]
    doi = extract_doi(str(record.get("doi") or "")) if record.get("doi") else None
    return Paper(
        key=f"arxiv:{arxiv_id}", arxiv_id=arxiv_id, version=version,
        title=clean(str(record.get("title") or ""))[:2000],
        abstract=clean(str(record.get("abstract") or ""))[:20000],
        authors=authors[:MAX_STORED_AUTHORS], doi=doi, published=published, updated=updated,
        categories=cats, primary_category=cats[0] if cats else None,
        url=arxiv.abs_url(arxiv_id), pdf_url=arxiv.pdf_url(arxiv_id, version),
        journal=clean(str(record.get("journal-ref") or "")) or None,
    )


def iter_kaggle(handle: IO[bytes], progress: ImportProgress) -> Iterator[Paper]:
    for line in handle:
        progress.bytes_read += len(line)
        line = line.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            progress.records += 1
            continue
        progress.records += 1
        if isinstance(record, dict):
            paper = kaggle_paper(record)
            if paper is not None:
                yield paper


def _oai_text(elem: ElementTree.Element, tag: str) -> str:
    found = elem.find(f"{{{ARXIV_NS}}}{tag}")
    return (found.text or "").strip() if found is not None and found.text else ""


def oai_paper(meta: ElementTree.Element) -> Paper | None:
    parsed = arxiv.parse_id(_oai_text(meta, "id"))
    if not parsed:
        return None
    arxiv_id = parsed[0]
    authors = []
    for author in meta.iter(f"{{{ARXIV_NS}}}author"):
        parts = [_oai_text(author, "forenames"), _oai_text(author, "keyname"), _oai_text(author, "suffix")]
        name = clean(tex_to_unicode(" ".join(p for p in parts if p)))
        if name:
            authors.append(name)
    cats = [arxiv.normalize_category(c) for c in _oai_text(meta, "categories").split()]
    created = date_of(_oai_text(meta, "created"))
    updated = date_of(_oai_text(meta, "updated")) or created
    doi_text = _oai_text(meta, "doi")
    return Paper(
        key=f"arxiv:{arxiv_id}", arxiv_id=arxiv_id, version=None,
        title=clean(_oai_text(meta, "title"))[:2000], abstract=clean(_oai_text(meta, "abstract"))[:20000],
        authors=authors[:MAX_STORED_AUTHORS], doi=extract_doi(doi_text) if doi_text else None, published=created,
        updated=updated, categories=cats, primary_category=cats[0] if cats else None,
        url=arxiv.abs_url(arxiv_id), pdf_url=arxiv.pdf_url(arxiv_id),
        journal=clean(_oai_text(meta, "journal-ref")) or None,
    )


class _CountingReader:
    def __init__(self, handle: IO[bytes], progress: ImportProgress) -> None:
        self.handle = handle
        self.progress = progress

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.progress.bytes_read += len(chunk)
        if b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk:
            raise UsageError("import_dtd")
        return chunk


def iter_oai(handle: IO[bytes], progress: ImportProgress) -> Iterator[Paper]:
    reader = _CountingReader(handle, progress)
    record_tag = f"{{{OAI_NS}}}record"
    parents: list[ElementTree.Element] = []
    try:
        for event, elem in ElementTree.iterparse(reader, events=("start", "end")):
            if event == "start":
                parents.append(elem)
                continue
            parents.pop()
            if elem.tag == record_tag:
                meta = elem.find(f".//{{{ARXIV_NS}}}arXiv")
                progress.records += 1
                if meta is not None:
                    paper = oai_paper(meta)
                    if paper is not None:
                        yield paper
                # drop the record from its parent too: memory stays flat however long the file
                elem.clear()
                if parents:
                    parents[-1].remove(elem)
    except ElementTree.ParseError as exc:
        raise UsageError("import_malformed", reason=str(exc)) from None


def iter_feed(path: Path, progress: ImportProgress, max_bytes: int) -> Iterator[Paper]:
    from hubcli.sources.parse import parse_feed

    size = path.stat().st_size
    if size > max_bytes:
        raise UsageError("import_too_large", limit=max_bytes)
    data = path.read_bytes()
    progress.bytes_read = len(data)
    parsed = parse_feed(data)
    progress.records = len(parsed.papers)
    yield from parsed.papers


def iter_papers(path: Path, progress: ImportProgress, *, max_bytes: int) -> tuple[str, Iterator[Paper], IO[bytes]]:
    """(format, papers, open handle to close).  UsageError for an unknown format."""
    try:
        handle = path.open("rb")
        progress.total_bytes = path.stat().st_size
    except OSError as exc:
        raise UsageError("file_unreadable", path=str(path), reason=exc.strerror or str(exc)) from None
    fmt = detect_format(handle.read(4096))
    handle.seek(0)
    if fmt == "kaggle":
        return fmt, iter_kaggle(handle, progress), handle
    if fmt == "oai":
        return fmt, iter_oai(handle, progress), handle
    return fmt, iter_feed(path, progress, max_bytes), handle


def estimate_records(fmt: str, size: int) -> int:
    """Roughly how many papers a file holds (Kaggle lines ~1.5-2 KB, OAI records ~3 KB):
    large imports are bulk loads (see :mod:`hubcli.store.bulk`)."""
    per_record = {"kaggle": 2000, "oai": 3000}.get(fmt)
    return size // per_record if per_record else 0


def batched(papers: Iterator[Paper], size: int | None = None) -> Iterator[list[Paper]]:
    size = size or BATCH
    batch: list[Paper] = []
    for paper in papers:
        batch.append(paper)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


ProgressHook = Callable[[ImportProgress], None]
