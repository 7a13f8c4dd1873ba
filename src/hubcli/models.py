"""Plain data: what a feed item becomes, what a query returns, what a sync reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class LibraryState:
    """A paper's state in the user's library (``hubcli.store.library`` keeps it); empty
    for papers the user never touched."""

    saved_at: str | None = None
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    read_at: str | None = None
    dismissed_at: str | None = None

    @property
    def saved(self) -> bool:
        return self.saved_at is not None

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def dismissed(self) -> bool:
        return self.dismissed_at is not None

    def to_dict(self) -> dict[str, Any]:
        """``saved``, ``tags``, ``note``, ``read``, ``dismissed`` (SPEC, Library)."""
        return {"saved": self.saved, "tags": list(self.tags), "note": self.note, "read": self.read,
                "dismissed": self.dismissed}


@dataclass
class Paper:
    """One paper as parsed from a source or read from the store.

    ``key`` is the identity: ``arxiv:ID`` (no version), ``doi:DOI`` (lower-cased) or
    ``url:LINK``.  Dates are ``YYYY-MM-DD`` strings.
    """

    key: str
    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    arxiv_id: str | None = None
    version: int | None = None
    doi: str | None = None
    published: str | None = None
    updated: str | None = None
    announce_type: str | None = None
    categories: list[str] = field(default_factory=list)
    primary_category: str | None = None
    url: str | None = None
    pdf_url: str | None = None
    journal: str | None = None
    sources: list[str] = field(default_factory=list)
    # store-only
    rowid: int | None = None
    first_seen: str | None = None
    library: LibraryState = field(default_factory=LibraryState)

    def to_dict(self) -> dict[str, Any]:
        """The paper object of SPEC.md (json, jsonl)."""
        return {
            "id": self.key,
            "arxiv_id": self.arxiv_id,
            "version": self.version,
            "doi": self.doi,
            "title": self.title,
            "authors": list(self.authors),
            "abstract": self.abstract,
            "published": self.published,
            "updated": self.updated,
            "announce_type": self.announce_type,
            "categories": list(self.categories),
            "primary_category": self.primary_category,
            "sources": list(self.sources),
            "url": self.url,
            "pdf_url": self.pdf_url,
            "journal": self.journal,
            **self.library.to_dict(),
        }


@dataclass(frozen=True)
class Source:
    """A subscription or any other origin of papers (a file, the arXiv API)."""

    spec: str  # canonical: arxiv:cs.AI, biorxiv:genomics, https://..., /abs/path.xml
    kind: str  # arxiv | biorxiv | medrxiv | url | file | api | import
    label: str
    url: str  # what is fetched (URL or file path)


@dataclass
class ParsedFeed:
    title: str | None
    papers: list[Paper]
    is_empty_day: bool = False  # a well-formed feed with no items (weekends, holidays)
    skipped: int = 0  # items that could not become papers (the unidentified ones among them)
    partial: str | None = None  # why a malformed feed gave only the items before the error
    unidentified: int = 0  # skipped for having neither a link nor an id (nor a DOI)
    entries: int = 0  # items in the document, papers or not


@dataclass
class SourceResult:
    source: Source
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: bool = False
    empty: bool = False
    error: Exception | None = None  # a HubError (translated by the CLI) or another error
    skipped: int = 0
    partial: str | None = None  # the feed was malformed: only the items before the error were read
    seconds: float = 0.0
    unidentified: int = 0  # of the skipped: those with neither a link nor an id

    @property
    def failed(self) -> bool:
        return self.error is not None


@dataclass
class SyncReport:
    results: list[SourceResult] = field(default_factory=list)

    @property
    def failed(self) -> list[SourceResult]:
        return [r for r in self.results if r.failed]

    @property
    def new(self) -> int:
        return sum(r.new for r in self.results)

    @property
    def updated(self) -> int:
        return sum(r.updated for r in self.results)


@dataclass
class Page:
    papers: list[Paper]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1
