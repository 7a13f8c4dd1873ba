"""Reading the files of ``hub import FILE`` (arXiv metadata snapshots, OAI-PMH, feed
files): the Kaggle arXiv metadata snapshot (JSON lines), an OAI-PMH
``ListRecords`` response in arXiv format, or an RSS/Atom file — recognised by content.
FILE may be ``-`` (standard input) or a FIFO, and any of them gzip-compressed; a regular
file may also be a zip of one file.  Compression is recognised by its magic bytes, and
progress counts bytes of the input as given (compressed).

Records stream: JSON lines one at a time, OAI-PMH with ``iterparse`` (elements cleared as
they are read), and decompression as they are read (no temporary copy), so memory does
not grow with the file.  Papers are written in batches,
each batch one transaction, under the same identity rules as sync; re-importing a file
changes nothing, and an interrupted import can simply be run again.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import re
import stat
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast
from xml.etree import ElementTree

from hubcli.authors import tex_to_unicode
from hubcli.errors import UsageError
from hubcli.keys import arxiv_key
from hubcli.models import Paper
from hubcli.sources import arxiv, xmlguard
from hubcli.sources.parse import MAX_STORED_AUTHORS, date_of, extract_doi
from hubcli.text import clean_fast as clean

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
ARXIV_NS = "http://arxiv.org/OAI/arXiv/"
BATCH = 5000

@dataclass
class ImportProgress:
    bytes_read: int = 0  # of the input as given: compressed bytes for a .gz or .zip
    total_bytes: int = 0  # the input's size; 0 when unknown (standard input, a FIFO)
    records: int = 0
    expanded_bytes: int = 0  # roughly how many bytes the records take once decompressed; 0 when unknown
    name: str = ""  # the file's name inside any compression ("stdin" for standard input)


def detect_format(head: bytes) -> str:
    """The format from the first bytes: the first 4 KiB, then all of ``head`` (a long
    prolog of comments or a DTD can push the root element further)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "kaggle"
    for window in (head[:4096], head):
        if b"<OAI-PMH" in window or b"openarchives.org/OAI/2.0" in window:
            return "oai"
        low = window.lower()
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


def _kaggle_versions(record: dict[str, Any]) -> tuple[int | None, str | None, str | None]:
    """(the latest version number, the first version's date, the last one's)."""
    versions = [v for v in record.get("versions") or [] if isinstance(v, dict)]
    numbers = [n for n in (_version_number(v.get("version", "")) for v in versions) if n is not None]
    first = _date(str(versions[0].get("created") or "")) if versions else None
    last = _date(str(versions[-1].get("created") or "")) if versions else None
    return (max(numbers) if numbers else None), first, last


def _kaggle_authors(record: dict[str, Any]) -> list[str]:
    """``authors_parsed`` ([keyname, forenames, suffix] each), else the ``authors`` string."""
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
    return authors


def kaggle_paper(record: dict[str, Any]) -> Paper | None:
    """One record of the Kaggle snapshot; None when it has no arXiv id."""
    parsed = arxiv.parse_id(str(record.get("id") or "").strip())
    if not parsed:
        return None
    arxiv_id = parsed[0]
    version, first, last = _kaggle_versions(record)
    published = first or date_of(record.get("update_date"))
    cats = [arxiv.normalize_category(c) for c in str(record.get("categories") or "").split() if c]
    doi = extract_doi(str(record.get("doi") or "")) if record.get("doi") else None
    return Paper(
        key=arxiv_key(arxiv_id), arxiv_id=arxiv_id, version=version,
        title=clean(str(record.get("title") or ""))[:2000],
        abstract=clean(str(record.get("abstract") or ""))[:20000],
        authors=_kaggle_authors(record)[:MAX_STORED_AUTHORS], doi=doi, published=published,
        updated=last or published, categories=cats, primary_category=cats[0] if cats else None,
        url=arxiv.abs_url(arxiv_id), pdf_url=arxiv.pdf_url(arxiv_id, version),
        journal=clean(str(record.get("journal-ref") or "")) or None,
    )


def iter_kaggle(handle: IO[bytes], progress: ImportProgress) -> Iterator[Paper]:
    for line in handle:
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
        key=arxiv_key(arxiv_id), arxiv_id=arxiv_id, version=None,
        title=clean(_oai_text(meta, "title"))[:2000], abstract=clean(_oai_text(meta, "abstract"))[:20000],
        authors=authors[:MAX_STORED_AUTHORS], doi=extract_doi(doi_text) if doi_text else None, published=created,
        updated=updated, categories=cats, primary_category=cats[0] if cats else None,
        url=arxiv.abs_url(arxiv_id), pdf_url=arxiv.pdf_url(arxiv_id),
        journal=clean(_oai_text(meta, "journal-ref")) or None,
    )


def iter_oai(handle: IO[bytes], progress: ImportProgress) -> Iterator[Paper]:
    record_tag = f"{{{OAI_NS}}}record"
    parents: list[ElementTree.Element] = []
    try:
        for event, elem in xmlguard.iterparse(handle, events=("start", "end")):
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
    except xmlguard.Refused:  # declarations precede the first record: nothing was stored
        raise UsageError("import_dtd") from None
    except ElementTree.ParseError as exc:
        raise UsageError("import_malformed", reason=str(exc)) from None


def iter_feed(handle: IO[bytes], progress: ImportProgress, max_bytes: int) -> Iterator[Paper]:
    from hubcli.sources.parse import parse_feed

    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UsageError("import_too_large", limit=max_bytes)
    parsed = parse_feed(data)
    progress.records = len(parsed.papers)
    yield from parsed.papers


# --- opening the input: a path, '-', a FIFO; plain, gzip or zip -----------------------------

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; the end record of an empty zip
_GZIP_RATIO = 3  # Kaggle's JSON lines shrink about 3 times under gzip: for the bulk-load estimate
_READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError)


class _Counting(io.RawIOBase):
    """The input as given, counting the bytes read from it (the progress bar's)."""

    def __init__(self, raw: IO[bytes], progress: ImportProgress) -> None:
        self.raw = raw
        self.progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.progress.bytes_read += len(data)
        return len(data)

    def seekable(self) -> bool:
        return self.raw.seekable()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()


class _Rewound(io.RawIOBase):
    """A stream whose first bytes were already read (to recognise it), given back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _head(stream: IO[bytes], size: int) -> tuple[bytes, IO[bytes]]:
    """The first ``size`` bytes (fewer at the end) and the whole stream again, unseekable ones too."""
    chunks: list[bytes] = []
    got = 0
    while got < size:
        chunk = stream.read(size - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    head = b"".join(chunks)
    return head, io.BufferedReader(_Rewound(head, stream), buffer_size=1 << 16)


def _single_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    members = [i for i in archive.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
    if not members:
        raise UsageError("import_zip_empty")
    if len(members) > 1:
        names = ", ".join(i.filename for i in members[:5]) + (", …" if len(members) > 5 else "")
        raise UsageError("import_zip_members", count=len(members), names=names)
    return members[0]


def open_input(path: Path, progress: ImportProgress, stack: contextlib.ExitStack) -> tuple[str, IO[bytes]]:
    """(the inner file's name, its decompressed bytes); closed with ``stack``.

    ``-`` is standard input.  A path is opened as it is: a FIFO waits for its writer."""
    display = str(path)
    if display == "-":
        raw: IO[bytes] = sys.stdin.buffer
        if raw.isatty():
            raise UsageError("import_stdin_terminal")
        name, regular = "stdin", False
    else:
        try:
            raw = stack.enter_context(path.open("rb"))
            info = os.fstat(raw.fileno())
        except OSError as exc:
            raise UsageError("file_unreadable", path=display, reason=exc.strerror or str(exc)) from None
        name, regular = path.name, stat.S_ISREG(info.st_mode)
        if regular:
            progress.total_bytes = progress.expanded_bytes = info.st_size
    counted = _Counting(raw, progress)
    try:
        if regular:  # seekable: look, then go back (a zip's index is at its end)
            magic = counted.read(4) or b""
            counted.seek(0)
            progress.bytes_read = 0
            stream: IO[bytes] = io.BufferedReader(counted, buffer_size=1 << 16)
        else:
            magic, stream = _head(cast(IO[bytes], counted), 4)
        if magic.startswith(GZIP_MAGIC):
            progress.expanded_bytes *= _GZIP_RATIO
            unzipped = stack.enter_context(gzip.GzipFile(fileobj=stream, mode="rb"))
            return name.removesuffix(".gz"), cast(IO[bytes], unzipped)
        if magic in ZIP_MAGICS:
            if not regular:
                raise UsageError("import_zip_pipe")
            archive = stack.enter_context(zipfile.ZipFile(counted))
            member = _single_member(archive)
            progress.expanded_bytes = member.file_size
            return member.filename.rsplit("/", 1)[-1], stack.enter_context(archive.open(member))
    except _READ_ERRORS as exc:
        raise UsageError("import_corrupt", path=display, reason=_read_reason(exc)) from None
    return name, stream


def _read_reason(exc: BaseException) -> str:
    return (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)[:200]


def _reading(papers: Iterator[Paper], display: str) -> Iterator[Paper]:
    """The papers; a read or decompression error on the way is one clear line."""
    try:
        yield from papers
    except _READ_ERRORS as exc:
        raise UsageError("import_corrupt", path=display, reason=_read_reason(exc)) from None


def iter_papers(path: Path, progress: ImportProgress, *,
                max_bytes: int) -> tuple[str, Iterator[Paper], contextlib.ExitStack]:
    """(format, papers, what to close).  UsageError for an input hub cannot read."""
    stack = contextlib.ExitStack()
    try:
        inner, stream = open_input(path, progress, stack)
        try:
            head, stream = _head(stream, 64 * 1024)  # past a long prolog (comments, a DTD)
        except _READ_ERRORS as exc:
            raise UsageError("import_corrupt", path=str(path), reason=_read_reason(exc)) from None
        fmt = detect_format(head)
        if fmt == "feed" and progress.expanded_bytes > max_bytes and progress.expanded_bytes == progress.total_bytes:
            raise UsageError("import_too_large", limit=max_bytes)  # a plain file: refused before it is read
    except BaseException:
        stack.close()
        raise
    progress.name = inner
    if fmt == "kaggle":
        papers = iter_kaggle(stream, progress)
    elif fmt == "oai":
        papers = iter_oai(stream, progress)
    else:
        papers = iter_feed(stream, progress, max_bytes)
    return fmt, _reading(papers, str(path)), stack


def estimate_records(fmt: str, size: int) -> int:
    """Roughly how many papers ``size`` bytes hold once decompressed (Kaggle lines ~1.5-2
    KB, OAI records ~3 KB): large imports are bulk loads (see :mod:`hubcli.store.bulk`).

    Size 0 is unknown (standard input, a FIFO): a snapshot format then counts as the
    smallest bulk load, so one piped into an empty or small cache is still loaded in bulk."""
    from hubcli.store.bulk import BULK_MIN_PAPERS

    per_record = {"kaggle": 2000, "oai": 3000}.get(fmt)
    if not per_record:
        return 0
    return size // per_record if size else BULK_MIN_PAPERS


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
