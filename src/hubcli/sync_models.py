"""Plain data of a sync: the sources read, what a feed parses into, what each source and
the whole sync report.  (Apart from ``hubcli.models`` so that a read, which never syncs,
does not build these classes at start-up.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hubcli.models import Paper


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
