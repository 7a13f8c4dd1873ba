"""What the user meant, resolved once into plain values the store turns into SQL.

A :class:`~hubcli.filters.Filters` value names things the way a person does: a topic, a
category as typed, a source by spec or label, an author's name, words to search.
:func:`resolve` turns them, in one place, into a :class:`Query`: the topic into its
full-text query and categories, categories into match keys, sources into the specs and
label to look up, author names into folded name keys, the search into a safe FTS5 query.
``store/query.py`` reads only that value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hubcli.authors import compound_surname, name_key
from hubcli.categories import category_keys
from hubcli.config import Settings
from hubcli.errors import UsageError
from hubcli.filters import Filters, fts_query
from hubcli.queries import AuthorMatch, PaperRef, Query, SourceMatch
from hubcli.store.db import Store

if TYPE_CHECKING:
    from hubcli.store import follows as stored_follows

__all__ = ["AuthorMatch", "PaperRef", "Query", "SourceMatch", "author_match", "follow_filters", "paper_ref",
           "radar_selection", "resolve", "since_bound"]


def author_match(name: str) -> AuthorMatch:
    compound = compound_surname(name)
    if compound is not None:  # "Demner-Fushman": stored names whose surname ends with both parts
        return AuthorMatch(name, compound[-1], compound=compound)
    key = name_key(name)
    return AuthorMatch(name, key.surname, key.given_initial, key.given)


def _source_match(spec: str, settings: Settings) -> SourceMatch:
    from hubcli.sources import registry

    candidates = {spec}
    try:
        candidates.add(registry.resolve(spec, settings).spec)
    except UsageError:
        pass
    return SourceMatch(tuple(sorted(candidates)), spec)


def resolve(filters: Filters, settings: Settings) -> Query:
    """The query ``filters`` mean (UsageError for an unknown topic or an empty search)."""
    category_sets: list[tuple[str, ...]] = []
    queries: list[str] = []
    if filters.topic:
        from hubcli.topics import resolve_topic

        topic = resolve_topic(filters.topic, settings)
        topic_query = fts_query(topic.query) if topic.query else None
        if topic_query:
            queries.append(f"({topic_query})")
        if topic.categories:
            category_sets.append(tuple(category_keys(list(topic.categories))))
    if filters.categories:  # the link table holds match keys (hubcli.categories)
        category_sets.append(tuple(category_keys(list(filters.categories))))
    if filters.search:
        user_query = fts_query(filters.search)
        if user_query is None:
            raise UsageError("empty_search")
        queries.append(f"({user_query})")
    return Query(
        authors=tuple(author_match(name) for name in filters.authors),
        category_sets=tuple(category_sets),
        sources=tuple(_source_match(spec, settings) for spec in filters.sources),
        search=" AND ".join(queries) if queries else None,
        since=since_bound(filters.since) if filters.since else None, until=filters.until, types=tuple(filters.types),
        journal=filters.journal,
        unseen=filters.unseen, tags=tuple(filters.tags), saved=filters.saved, unread=filters.unread,
    )


def since_bound(day: str) -> str:
    """The lower bound ``--since DAY`` puts on stored dates.  A date known only to its
    month or year (an import's ``2017-01`` or ``2017``) counts as that period's first day,
    as it sorts: ``--since 2017-01-01`` keeps ``2017-01`` and ``2017``, ``--since
    2017-02-01`` keeps ``2017-02`` but not ``2017``, ``--since 2017-01-15`` neither (it may
    be earlier).  One string bound, so the date indexes still bound the scan; ``--until``
    needs nothing (``2017-01`` <= ``2017-01-15`` already)."""
    if day.endswith("-01-01"):
        return day[:4]
    if day.endswith("-01"):
        return day[:7]
    return day


def follow_filters(kind: str, value: str) -> Filters:
    """The filters a follow stands for (an author, a topic, a category)."""
    if kind == "author":
        return Filters(authors=(value,))
    if kind == "topic":
        return Filters(topic=value)
    return Filters(categories=(value,))


def paper_ref(ident: str) -> PaperRef:
    """An id as ``hub show`` takes it: a stored key, an arXiv id (with or without version,
    ``arxiv:`` or a URL), a DOI (``doi:`` or bare), or a URL key."""
    from hubcli.keys import arxiv_key, doi_key
    from hubcli.sources import arxiv
    from hubcli.sources.parse import extract_doi

    text = ident.strip()
    parsed = arxiv.parse_id(text) or arxiv.id_from_url(text)
    if parsed:
        return PaperRef(text, key=arxiv_key(parsed[0]))
    if text.lower().startswith("doi:") or extract_doi(text):
        doi = extract_doi(text[4:] if text.lower().startswith("doi:") else text)
        return PaperRef(text, key=doi_key(doi) if doi else None, doi=doi)
    return PaperRef(text)


def radar_selection(store: Store, settings: Settings, *, only_new: bool = True) -> stored_follows.Radar:
    """The radar over every follow: papers matching any of them (with ``only_new``, only
    those changed since the last radar)."""
    from hubcli.store import follows as stored_follows  # radar only: not every listing's start-up

    found = [(f, resolve(follow_filters(f.kind, f.value), settings)) for f in stored_follows.list_follows(store)]
    return stored_follows.radar_selection(store, found, only_new=only_new)
