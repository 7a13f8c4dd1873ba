"""Plain data: what a feed item becomes, what a query returns (what a sync reads and reports
is ``hubcli.sync_models``'s, so a read does not build those classes)."""

from __future__ import annotations

from collections.abc import Mapping
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
    # the user's own bibliographic record of the paper, as a library file gave it:
    # {"type": "inproceedings", "key": "…", "fields": {name: value}, "persons": {role: [name]},
    #  "plain": bool (CSL text, not LaTeX)}; BibTeX export writes it back (not in ``to_dict``:
    #  ``hub library export`` json carries it as ``bib``)
    bib: dict[str, Any] | None = field(default=None, compare=False)

    @staticmethod
    def bib_from(text: object) -> dict[str, Any] | None:
        """The stored JSON of :attr:`bib` (None when absent or not an entry)."""
        import json

        if not isinstance(text, str) or not text:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, dict) and isinstance(value.get("fields"), dict) else None

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
        """``saved``, ``tags``, ``note``, ``read``, ``dismissed``: the library fields of a paper object."""
        return {"saved": self.saved, "tags": list(self.tags), "note": self.note, "read": self.read,
                "dismissed": self.dismissed}

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> LibraryState:
        """The state of :meth:`to_dict`'s shape (a flag without its time: an empty time)."""

        def when(flag: str) -> str | None:
            stamp = record.get(f"{flag}_at")
            if isinstance(stamp, str) and stamp:
                return stamp
            return "" if record.get(flag) is True else None

        tags = record.get("tags")
        note = record.get("note")
        return cls(when("saved"), [str(t) for t in tags] if isinstance(tags, list) else [],
                   note if isinstance(note, str) else None, when("read"), when("dismissed"))


@dataclass
class Paper:
    """One paper as parsed from a source or read from the store.

    ``key`` is the identity: ``arxiv:ID`` (no version), ``doi:DOI`` (lower-cased) or
    ``url:LINK``.  Dates are ``YYYY-MM-DD`` strings, or ``YYYY-MM`` / ``YYYY`` when only
    the month or the year is known (an imported entry's).
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
        """The paper object of ``--format json``/``jsonl``: every field a user's tools may read."""
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

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> Paper:
        """A paper object of :meth:`to_dict`'s shape back into a :class:`Paper` (with the
        library's ``saved_at``, ``read_at``, ``dismissed_at`` when the record has them, as
        ``hub library export`` writes); ValueError when it is not a paper object."""
        key, title = record.get("id"), record.get("title")
        if not isinstance(key, str) or not key or not isinstance(title, str):
            raise ValueError("a paper needs an id and a title")
        authors = record.get("authors") or []
        cats = record.get("categories") or []
        if not isinstance(authors, list) or not isinstance(cats, list):
            raise ValueError("authors and categories are lists")

        def text(name: str) -> str | None:
            value = record.get(name)
            return value if isinstance(value, str) and value else None

        version = record.get("version")
        return cls(
            key=key, title=title, abstract=text("abstract") or "", authors=[str(a) for a in authors],
            arxiv_id=text("arxiv_id"), version=version if isinstance(version, int) else None, doi=text("doi"),
            published=text("published"), updated=text("updated"), announce_type=text("announce_type"),
            categories=[str(c) for c in cats], primary_category=text("primary_category"), url=text("url"),
            pdf_url=text("pdf_url"), journal=text("journal"),
            sources=[str(s) for s in record.get("sources") or [] if isinstance(s, str)],
            library=LibraryState.from_dict(record),
        )


@dataclass(frozen=True)
class Tldr:
    """A paper's one- or two-sentence summary: written by a model (``kind="model"``, in
    ``lang``, by ``model``) or the abstract's key sentence (``kind="extracted"``)."""

    text: str
    kind: str  # "model" | "extracted"
    lang: str = "en"
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "lang": self.lang, "model": self.model}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Tldr:
        return cls(str(data.get("text", "")), str(data.get("kind", "extracted")), str(data.get("lang", "en")),
                   data.get("model") if isinstance(data.get("model"), str) else None)


@dataclass
class Page:
    papers: list[Paper]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1
