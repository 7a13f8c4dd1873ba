"""Feed bytes -> papers, faithful to each publisher's habits.

feedparser reads every format (RSS 0.9x/1.0/2.0, Atom, the arXiv API's Atom); this module
turns its entries into :class:`~hubcli.models.Paper` objects: arXiv ids and versions from
guids, titles and descriptions, the announce-type prefix removed, comma-joined creators
split, DOIs found in every form publishers write them.  RSS 1.0 journal feeds get one
extra pass over the XML for what feedparser keeps only once (``dc:identifier``,
``dc:title``).
"""

from __future__ import annotations

import datetime
import email.utils
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from hubcli.authors import split_authors
from hubcli.categories import MAX_CATEGORY, category_key
from hubcli.errors import FeedError
from hubcli.keys import paper_key
from hubcli.models import Paper
from hubcli.sources import arxiv, xmlguard
from hubcli.sync_models import ParsedFeed
from hubcli.text import clean_text, strip_controls

DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+)")
_ISO_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_DC = "http://purl.org/dc/elements/1.1/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RSS1 = "http://purl.org/rss/1.0/"
_PRISM_DOI_TAGS = {
    "{http://prismstandard.org/namespaces/basic/2.0/}doi",
    "{http://prismstandard.org/namespaces/1.2/basic/}doi",
    "{http://purl.org/rss/1.0/modules/prism/}doi",
}
# "Fluids, Vol. 9, Pages 120: Title" (MDPI) when dc:title is missing
_JOURNAL_PREFIX_RE = re.compile(r"^[^:]{1,120}, Vol\. \d+, Pages? [\w\-–]+: ")
# Nature Portfolio: "Nature Physics, Published online: 18 July 2024; doi:10.1038/..." before the teaser
_PUBLISHED_ONLINE_RE = re.compile(r"^[^;]{0,160}?\bPublished online:\s*[^;]{1,60};\s*doi:\s*\S+\s*")
_MAX_TITLE = 2000
_MAX_ABSTRACT = 20000
MAX_STORED_AUTHORS = 20000  # collaborations sign with up to ~15,000 names; beyond this a feed is hostile
_MAX_NAME = 300  # one author's name
_SAX_LOCATION_RE = re.compile(r"^<unknown>:(\d+):(\d+):\s*")


def extract_doi(value: str | None) -> str | None:
    if not value:
        return None
    match = DOI_RE.search(value.replace("doi: ", "doi:"))
    if not match:
        return None
    doi = match.group(1).rstrip(".,;)]}")
    return doi if not doi.endswith("/") else None  # "10.1000/." names nothing


def _calendar(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD`` for a real date (no 2026-02-30, no year 0), else None."""
    if not 1000 <= year <= 9999:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def date_of(raw: str | None, parsed: time.struct_time | None = None) -> str | None:
    """``YYYY-MM-DD`` as the publisher wrote it (no shift to UTC), or None.  Impossible
    dates (``2026-02-30``, month 13) are no dates."""
    if raw:
        iso = _ISO_DATE_RE.match(raw)
        if iso:
            found = _calendar(*(int(part) for part in iso.groups()))
            if found:
                return found
        else:
            try:
                tup = email.utils.parsedate_tz(raw)
            except (TypeError, ValueError, IndexError, OverflowError):
                tup = None
            found = _calendar(tup[0], tup[1], tup[2]) if tup else None
            if found:
                return found
    if parsed:
        return _calendar(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def _entry_date(entry: Any, *names: str) -> str | None:
    for name in names:
        # dict.get: FeedParserDict.get maps updated<->published with a DeprecationWarning
        value = dict.get(entry, name)
        if value:
            found = date_of(value, dict.get(entry, f"{name}_parsed"))
            if found:
                return found
    return None


def _names(entry: Any) -> list[str]:
    names: list[str] = []
    for author in entry.get("authors") or []:
        raw = author.get("name") if isinstance(author, dict) else None
        if raw:
            names.extend(split_authors(raw))
        if len(names) >= MAX_STORED_AUTHORS:
            break
    if not names and entry.get("author"):
        names = split_authors(entry["author"])
    return [name[:_MAX_NAME].rstrip() for name in names[:MAX_STORED_AUTHORS]]


def _tags(entry: Any) -> list[str]:
    cats: list[str] = []
    for tag in entry.get("tags") or []:
        term = (tag.get("term") or "").strip()
        if term and term not in cats:
            cats.append(term)
    return cats


def _subjects(entry: Any) -> list[str]:
    """A journal item's subjects (``dc:subject``, ``category``) as written, whole
    (``Scientific Community`` is one), one per match key, at most 20."""
    subjects: dict[str, str] = {}
    for term in _tags(entry):
        text = clean_text(term)[:MAX_CATEGORY].rstrip()
        key = category_key(text) if text else ""
        if key and len(subjects) < 20:
            subjects.setdefault(key, text)
    return list(subjects.values())


def _text(value: str | None, limit: int) -> str:
    return clean_text(value)[:limit]


def _summary(entry: Any) -> str:
    summary = entry.get("summary")
    if summary is None:
        content = entry.get("content") or []
        summary = content[0].get("value") if content else ""
    return summary or ""


def _arxiv_categories(entry: Any) -> tuple[list[str], str | None]:
    cats = [arxiv.normalize_category(c) for c in _tags(entry) if arxiv.CATEGORY_RE.match(c)]
    primary = entry.get("arxiv_primary_category")
    primary_term = primary.get("term") if isinstance(primary, dict) else None
    primary_cat = arxiv.normalize_category(primary_term) if primary_term else (cats[0] if cats else None)
    if primary_cat and primary_cat not in cats:
        cats.insert(0, primary_cat)
    return cats, primary_cat


def _arxiv_paper(entry: Any, arxiv_id: str, version: int | None, abstract: str, announce: str | None) -> Paper:
    cats, primary = _arxiv_categories(entry)
    doi = extract_doi(entry.get("arxiv_doi"))
    journal_ref = entry.get("arxiv_journal_reference") or entry.get("arxiv_journal_ref")
    published = _entry_date(entry, "published", "updated")
    updated = _entry_date(entry, "updated", "published")
    return Paper(
        key=paper_key(arxiv_id=arxiv_id),
        arxiv_id=arxiv_id,
        version=version,
        title=_text(entry.get("title"), _MAX_TITLE),
        abstract=_text(abstract, _MAX_ABSTRACT),
        authors=_names(entry),
        doi=doi,
        published=published,
        updated=updated,
        announce_type=announce,
        categories=cats,
        primary_category=primary,
        url=arxiv.abs_url(arxiv_id),
        pdf_url=arxiv.pdf_url(arxiv_id, version),
        journal=clean_text(journal_ref) or None,
    )


def _parse_arxiv_entry(entry: Any) -> Paper | None:
    """A paper from any arXiv format, or None when the entry is not an arXiv paper."""
    guid = entry.get("id") or ""
    summary = _summary(entry)
    if guid.lower().startswith("oai:arxiv.org:"):  # RSS/Atom since 2024
        parsed = arxiv.parse_id(guid.split(":", 2)[2])
        if not parsed:
            return None
        arxiv_id, version = parsed
        announce = entry.get("arxiv_announce_type")
        prefix = arxiv.DESCRIPTION_PREFIX_RE.match(summary)
        if prefix:
            announce = announce or prefix.group("type")
            version = version or (int(prefix.group("version")) if prefix.group("version") else None)
            summary = summary[prefix.end():]
        announce = (announce or "").strip().lower() or None
        return _arxiv_paper(entry, arxiv_id, version, summary, announce)
    title = entry.get("title") or ""
    old = arxiv.OLD_RDF_TITLE_RE.match(title)
    if old:  # RSS 1.0 before 2024: id, version, category and status live in the title
        paper = _arxiv_paper(entry, old.group("id"), int(old.group("version") or 0) or None, summary,
                             arxiv.old_status_to_type(old.group("status")))
        paper.title = _text(old.group("title"), _MAX_TITLE).removesuffix(".")
        cat = arxiv.normalize_category(old.group("cat"))
        if not paper.categories and arxiv.CATEGORY_RE.match(cat):  # never a category made of stray text
            paper.categories = [cat]
            paper.primary_category = cat
        return paper
    from_url = arxiv.id_from_url(guid) or arxiv.id_from_url(entry.get("link") or "")
    if from_url and ("arxiv_primary_category" in entry or "/abs/" in guid):  # the arXiv API
        arxiv_id, version = from_url
        return _arxiv_paper(entry, arxiv_id, version, summary, None)
    return None


def _is_api_error(entry: Any) -> bool:
    guid = entry.get("id") or ""
    return "arxiv.org/api/errors" in guid or (
        entry.get("title") == "Error" and any((a.get("name") == "arXiv api core") for a in entry.get("authors") or [])
    )


def _rss1_extras(content: bytes, base: str = "") -> dict[str, dict[str, list[str]]]:
    """Per-item ``dc:identifier``, ``dc:title`` and ``prism:doi`` of an RSS 1.0 feed.

    feedparser keeps one ``dc:identifier`` per item (Science sends two, the DOI first).
    Keyed by the item's ``rdf:about`` and its ``link``, as written and resolved against
    ``base`` (feedparser resolves them).  Never raises.
    """
    extras: dict[str, dict[str, list[str]]] = {}
    try:
        for _event, elem in xmlguard.iterparse(_BytesReader(content), events=("end",)):
            if elem.tag != f"{{{_RSS1}}}item":
                continue
            found: dict[str, list[str]] = {"identifier": [], "title": [], "doi": []}
            for child in elem:
                text = (child.text or "").strip()
                if not text:
                    continue
                if child.tag == f"{{{_DC}}}identifier":
                    found["identifier"].append(text)
                elif child.tag == f"{{{_DC}}}title":
                    found["title"].append(text)
                elif child.tag in _PRISM_DOI_TAGS:
                    found["doi"].append(text)
            for key in (elem.get(f"{{{_RDF}}}about"), elem.findtext(f"{{{_RSS1}}}link")):
                if key:
                    extras[_link(key)] = found
                    if base:
                        extras[_link(urljoin(base, key.strip()))] = found
            elem.clear()
    except Exception:  # noqa: BLE001 - an extra pass: a document it cannot read keeps feedparser's view
        pass
    return extras


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            size = len(self._data) - self._pos
        chunk = self._data[self._pos : self._pos + size]
        self._pos += len(chunk)
        return bytes(chunk)


def _link(value: object) -> str:
    """A link or guid as one clean token: no controls (they become the paper's key)."""
    return "".join(strip_controls(value).split()) if isinstance(value, str) else ""


class _NoIdentity(Exception):
    """An entry with neither a link nor an id (nor a DOI): nothing to key a paper by."""


def document_base(location: str, content_location: str | None = None) -> str:
    """The URL relative links resolve against, as feed readers do (RFC 3986 section 5.1):
    the ``Content-Location`` of the response, resolved against the URL the document was
    finally fetched from (after redirects), else that URL; a local file's own
    ``file://`` URL.  ``xml:base`` inside the document applies on top (feedparser).
    "" when nothing is known (``hub import`` of stdin): links stay as written."""
    if location and not location.lower().startswith(("http://", "https://")):
        try:  # "file://localhost/...": feedparser turns "file:///a" into "file://a" (see _local)
            base = "file://localhost" + Path(location).absolute().as_uri()[len("file://"):]
        except ValueError:
            base = ""
    else:
        base = location
    if content_location and base.lower().startswith(("http://", "https://")):
        try:
            resolved = urljoin(base, "".join(strip_controls(content_location).split()))
            if urlsplit(resolved).scheme in ("http", "https"):  # a header cannot point a feed at a file
                base = resolved
        except ValueError:  # "http://[::1" and the like: the fetched URL stays the base
            pass
    return base


def _local(url: str) -> str:
    """``file://localhost/a`` as ``file:///a`` (the same file, as everyone writes it)."""
    return "file:///" + url[len("file://localhost/"):] if url.startswith("file://localhost/") else url


def _key_guid(guid: str, base: str) -> str:
    """A guid as a key: a relative one (``/papers/1``, ``1234``) is resolved against the
    document, so two feeds on two hosts using the same guid keep two papers.  Guids with a
    scheme (``tag:``, ``urn:``, ``https:``) are left as they are."""
    try:
        if not guid or not base or urlsplit(guid).scheme:
            return guid
        return _link(urljoin(base, guid))
    except ValueError:
        return guid


def _journal_paper(entry: Any, extras: dict[str, list[str]], feed_title: str | None,
                   base: str = "", *, publication: str | None = None) -> Paper | None:
    link = _local(_link(entry.get("link")))  # feedparser resolved it (xml:base, then the document's URL)
    raw_guid = _link(entry.get("id"))
    guid = _local(_key_guid(raw_guid, base))
    doi = None
    for candidate in [*extras.get("doi", []), entry.get("prism_doi"), *extras.get("identifier", []),
                      entry.get("dc_identifier"), guid, link]:
        doi = extract_doi(candidate)
        if doi:
            break
    title_raw = extras["title"][0] if extras.get("title") else entry.get("title")
    title = _text(title_raw, _MAX_TITLE)
    if not extras.get("title"):
        title = _JOURNAL_PREFIX_RE.sub("", title)
    if not (doi or link or guid):
        raise _NoIdentity
    key = paper_key(doi=doi, url=link or guid)
    if not title and not link:
        return None
    abstract = _text(_summary(entry), _MAX_ABSTRACT)
    # Nature: "Nature, Published online: 18 July 2024; doi:10.1038/... <teaser or the title again>"
    boilerplate = _PUBLISHED_ONLINE_RE.match(abstract)
    if boilerplate:
        abstract = abstract[boilerplate.end():].strip()
    if title and abstract == title:
        abstract = ""
    version = None
    version_match = re.search(r"\d(v(\d+))(?:[?#]|$)", link)
    if version_match:
        version = int(version_match.group(2))
    # the journal's own name (prism:publicationName, on the item or the channel) before the
    # feed's title: "Science", not "Science current issue"; "bioRxiv", not "bioRxiv Subject
    # Collection: Genomics".  dc:source is often a citation ("The Journal of Pediatrics 203, (2018)").
    journal = clean_text(entry.get("prism_publicationname")) or publication or entry.get("dc_source") or feed_title
    published = _entry_date(entry, "published", "prism_publicationdate", "updated", "created")
    return Paper(
        key=key,
        title=title,
        abstract=abstract,
        authors=_names(entry),
        doi=doi,
        version=version,
        published=published,
        updated=_entry_date(entry, "updated", "published") or published,
        categories=_subjects(entry),
        url=link or (raw_guid if raw_guid.startswith("http") else None),
        journal=clean_text(journal) or None,
    )


# feedparser's e-mail pattern for plain-text authors, from "@" on (see _guard_feedparser)
_EMAIL_TAIL_RE = re.compile(
    r"@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?)(\?subject=\S+)?"
)
_EMAIL_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.+")


def _find_email(text: str) -> str | None:
    """What feedparser's ``re.search`` finds, in linear time.

    Its pattern starts with ``[a-zA-Z0-9_\\-.+]+@``: searched from every position, a long
    run of those characters costs quadratic time (a 1 MB author string: hours).  The
    leftmost match is the whole run before the first ``@`` whose domain part matches.
    """
    at = text.find("@")
    while at != -1:
        start = at
        while start > 0 and text[start - 1] in _EMAIL_LOCAL:
            start -= 1
        if start < at:
            tail = _EMAIL_TAIL_RE.match(text, at)
            if tail:
                return text[start:tail.end()]
        at = text.find("@", at + 1)
    return None


def _sync_author_detail(self: Any, key: str = "author") -> None:
    """feedparser's ``_FeedParserMixin._sync_author_detail`` (BSD licence), unchanged but
    for the e-mail search, which is :func:`_find_email` instead of a quadratic regex."""
    from feedparser.util import FeedParserDict

    context = self._get_context()
    detail = context.get(f"{key}s", [FeedParserDict()])[-1]
    if detail:
        name = detail.get("name")
        email = detail.get("email")
        if name and email:
            context[key] = f"{name} ({email})"
        elif name:
            context[key] = name
        elif email:
            context[key] = email
        return
    author, email = context.get(key), None
    if not author:
        return
    email = _find_email(author)
    if email:
        author = author.replace(email, "")
        author = author.replace("()", "").replace("<>", "").replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    if author or email:
        context.setdefault(f"{key}_detail", detail)
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email


def _guard_feedparser() -> None:
    """Swap in the linear :func:`_sync_author_detail` (once; a feedparser without the
    method is left alone)."""
    try:
        from feedparser.mixin import _FeedParserMixin
    except ImportError:
        return
    if getattr(_FeedParserMixin, "_sync_author_detail", None) not in (None, _sync_author_detail):
        _FeedParserMixin._sync_author_detail = _sync_author_detail


def patches_active() -> dict[str, bool]:
    """Which of the feedparser internals hub relies on are in place, by name.

    pyproject bounds feedparser to the releases these target (6.0.x from 6.0.11): the
    linear e-mail search swapped into ``_FeedParserMixin`` (once :func:`parse_feed` ran),
    defusedxml's parser as feedparser's XML parser (the same), its charset conversion
    ``encodings.convert_to_utf8`` and its header-note exception class.  A feedparser that
    moves one of them turns its entry False (tests/test_feedparser_patches.py)."""
    import importlib

    def attribute(module: str, name: str) -> Any:
        try:
            return getattr(importlib.import_module(module), name, None)
        except ImportError:
            return None

    mixin = attribute("feedparser.mixin", "_FeedParserMixin")
    note = attribute("feedparser.exceptions", "ThingsNobodyCaresAboutButMe")
    return {
        "sync_author_detail": getattr(mixin, "_sync_author_detail", None) is _sync_author_detail,
        "xml_parser": attribute("feedparser.api", "PREFERRED_XML_PARSERS") == [xmlguard.__name__],
        "convert_to_utf8": callable(attribute("feedparser.encodings", "convert_to_utf8")),
        "header_note": isinstance(note, type) and issubclass(note, Exception),
    }


def _as_xml_parser_reads_it(content: bytes, headers: dict[str, str]) -> bytes:
    """The document as feedparser hands it to its XML parser: converted to UTF-8 by
    feedparser's own charset rules (BOM, HTTP charset, XML declaration, fallbacks)."""
    try:
        from feedparser.encodings import convert_to_utf8
    except ImportError:  # a feedparser without this helper: the raw checks below still apply
        return content
    try:
        converted = convert_to_utf8(dict(headers), content, {})
    except Exception:  # noqa: BLE001 - feedparser reports the same problem when it parses
        return content
    return converted if isinstance(converted, bytes) else content


def _xml_reason(exc: object) -> str:
    """An XML error as one clean line: ``line 8, column 79: not well-formed``."""
    text = " ".join(strip_controls(str(exc)).split())  # a parser's message, not HTML: "<unknown>:8:79"
    where = _SAX_LOCATION_RE.match(text)
    if where:
        text = f"line {where.group(1)}, column {where.group(2)}: {text[where.end():]}"
    return text[:200]


def _partial_reason(exc: object) -> str | None:
    """Why a feed that gave items is suspect: an XML error, not a charset note."""
    import xml.sax

    return _xml_reason(exc) if isinstance(exc, xml.sax.SAXParseException) else None


def _feedparser(feedparser: Any, content: bytes, headers: dict[str, str], base: str = "") -> Any:
    """feedparser's result; its own bugs on malformed input (an ``int(None)`` deep in a
    namespace handler) become one clear failure of this feed, not a crash.  Links and ids
    are resolved against ``xml:base`` and ``base`` (given to feedparser as the document's
    Content-Location); links inside HTML text are not (hub keeps only the text)."""
    if base:
        headers = {**headers, "content-location": base}
    try:
        return feedparser.parse(content, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    except xmlguard.Refused:  # feedparser's XML parser is the guard's (see parse_feed)
        raise FeedError("feed_dtd") from None
    except Exception as exc:  # noqa: BLE001 - any parser failure is this feed's problem only
        raise FeedError("feed_malformed", reason=f"the feed parser gave up ({type(exc).__name__})") from None


def _header_note(exc: object) -> bool:
    """A note of feedparser's about the HTTP headers (a content type that is not XML's, a
    charset that was wrong or unknown), not about the document: it is read all the same."""
    from feedparser.exceptions import ThingsNobodyCaresAboutButMe

    return isinstance(exc, ThingsNobodyCaresAboutButMe)


def _broken(doc: Any) -> bool:
    """No feed was recognised, or the XML itself is broken (not a mere header note)."""
    return not doc.get("version") or (bool(doc.get("bozo")) and not _header_note(doc.get("bozo_exception")))


def _refuse_no_feed(doc: Any, entries: list[Any], feed_title: str | None) -> None:
    """FeedError for a document that is no feed, an error document, or broken XML with no items."""
    if not doc.get("version") and not entries:
        reason = doc.get("bozo_exception")
        raise FeedError("feed_not_a_feed", reason=_xml_reason(reason) if reason else "no RSS or Atom found")
    if feed_title and feed_title.startswith("Feed error for query"):
        raise FeedError("feed_error_document", reason=feed_title)
    if _broken(doc) and not entries:
        raise FeedError("feed_malformed", reason=_xml_reason(doc.get("bozo_exception") or "malformed XML"))
    api_errors = [e for e in entries if _is_api_error(e)]
    if api_errors:
        raise FeedError("arxiv_api_error", reason=clean_text(api_errors[0].get("summary")) or "error")


def _entries_to_papers(entries: list[Any], extras: dict[str, dict[str, list[str]]], feed_title: str | None,
                       base: str, publication: str | None, feed_date: str | None) -> tuple[list[Paper], int, int]:
    """The papers of a feed's items, with how many were skipped and, of those, unidentified."""
    papers: list[Paper] = []
    skipped = unidentified = 0
    for entry in entries:
        if (entry.get("id") or "").startswith("tag:hub.digest,"):  # a digest hub wrote (atom:PATH), not a paper
            continue
        try:
            paper = _parse_arxiv_entry(entry)
            if paper is None:
                item_extras = extras.get(_link(entry.get("id"))) or extras.get(_link(entry.get("link"))) or {}
                paper = _journal_paper(entry, item_extras, feed_title, base, publication=publication)
        except _NoIdentity:
            skipped += 1
            unidentified += 1
            continue
        except (ValueError, TypeError, AttributeError, KeyError):
            paper = None
        if paper is None:
            skipped += 1
            continue
        if not paper.published and feed_date:  # old arXiv RDF dates only the channel (dc:date)
            paper.published = feed_date
            paper.updated = paper.updated or feed_date
        papers.append(paper)
    return papers, skipped, unidentified


def parse_feed(content: bytes, *, content_type: str | None = None, location: str = "",
               content_location: str | None = None) -> ParsedFeed:
    """Parse one feed document.  Raises FeedError for documents that are no feed at all
    and for arXiv's error documents; a feed with a recoverable error keeps its papers.

    ``location`` is where the document came from (the URL after redirects, or a file
    path) and ``content_location`` the response's Content-Location header: relative links
    and ids resolve against them (see :func:`document_base`).  A wrong content type or
    charset in the headers is ignored, for an empty feed as for a full one.

    Documents that declare XML entities are refused (:mod:`hubcli.sources.xmlguard`): the
    prolog is checked as raw bytes and as feedparser decodes it, so no charset hides a
    declaration, and feedparser's own XML parser is defusedxml's.
    """
    import feedparser  # heavy; only sync and import need it

    _guard_feedparser()
    xmlguard.guard_feedparser()
    headers = {"content-type": content_type} if content_type else {}
    # servers often lie about the charset: a feed that fails under the header's charset
    # gets one more try with its own (BOM, XML declaration)
    bare = {"content-type": content_type.split(";", 1)[0].strip()} if content_type and ";" in content_type else None
    as_read = _as_xml_parser_reads_it(content, headers)
    as_declared = _as_xml_parser_reads_it(content, bare) if bare is not None else as_read
    try:
        for view in (content, as_read, as_declared):
            xmlguard.check(view)
    except xmlguard.Refused:
        raise FeedError("feed_dtd") from None
    base = document_base(location, content_location)
    doc = _feedparser(feedparser, content, headers, base)
    if bare is not None and not doc.get("entries"):
        retry = _feedparser(feedparser, content, bare, base)
        if retry.get("entries") or (_broken(doc) and not _broken(retry)):
            doc, as_read = retry, as_declared
    feed_title = clean_text(doc.feed.get("title")) or None
    entries = doc.get("entries") or []
    _refuse_no_feed(doc, entries, feed_title)
    extras: dict[str, dict[str, list[str]]] = {}
    if doc.get("version") == "rss10" and b"purl.org/dc/elements" in as_read[:200_000]:
        extras = _rss1_extras(as_read, base)  # the bytes checked above, decoded as feedparser decoded them
    feed_date = _entry_date(doc.feed, "published", "updated")
    publication = clean_text(doc.feed.get("prism_publicationname")) or None  # the channel's journal name
    papers, skipped, unidentified = _entries_to_papers(entries, extras, feed_title, base, publication, feed_date)
    partial = _partial_reason(doc.get("bozo_exception")) if doc.get("bozo") and entries else None
    return ParsedFeed(title=feed_title, papers=papers, is_empty_day=not entries and not _broken(doc),
                      skipped=skipped, partial=partial, unidentified=unidentified, entries=len(entries))
