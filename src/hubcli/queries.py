"""The plain values a selection of papers is resolved into (``hubcli.resolve`` makes them,
``hubcli.store`` turns them into SQL): every value is what the store matches as it is."""

from __future__ import annotations

from dataclasses import dataclass

from hubcli.authors import given_compatible, surname_ends_with


@dataclass(frozen=True)
class AuthorMatch:
    """One author name, folded for matching the ``authors`` table: stored names with this
    ``surname`` (and, when given, this first initial), then accepted one by one."""

    name: str  # as typed, for the "did you mean" hint
    surname: str  # folded; empty: the name matches nobody
    given_initial: str = ""
    given: tuple[str, ...] = ()
    compound: tuple[str, ...] = ()  # a compound surname alone: names ending with these parts

    def accepts(self, folded: str) -> bool:
        """Whether a stored folded name (given names, then surname) is this author."""
        if self.compound:
            return surname_ends_with(folded, self.compound)
        if not self.given:
            return True
        return given_compatible(self.given, tuple(folded.split()[:-1]))


@dataclass(frozen=True)
class SourceMatch:
    """A ``--source`` value: the specs it may be (as typed, canonicalised) or a label."""

    specs: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class Query:
    """A selection of papers, resolved: every value is what the store matches as it is."""

    authors: tuple[AuthorMatch, ...] = ()
    category_sets: tuple[tuple[str, ...], ...] = ()  # match keys; each set one condition (any of it)
    sources: tuple[SourceMatch, ...] = ()
    search: str | None = None  # a safe FTS5 query
    since: str | None = None
    until: str | None = None
    types: tuple[str, ...] = ()
    journal: str | None = None
    unseen: bool = False
    tags: tuple[str, ...] = ()
    saved: bool = False
    unread: bool = False


@dataclass(frozen=True)
class PaperRef:
    """What an id the user typed can name, resolved: the text as a stored key, else an
    arXiv key, else a DOI (matched without case) and its key."""

    text: str
    key: str | None = None
    doi: str | None = None
