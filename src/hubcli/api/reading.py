"""Reading the cache: ``hub papers``, ``shuffle``, ``show``, ``radar`` and ``export``."""

from __future__ import annotations

from collections.abc import Iterator

from hubcli.api.lookup import find
from hubcli.api.results import Listing, Notice, Result
from hubcli.api.session import Session
from hubcli.filters import Filters
from hubcli.i18n import Message
from hubcli.models import Paper
from hubcli.store.db import Store
from hubcli.store.query import Selection

__all__ = ["EXPORT_CHUNK", "author_suggestions", "export", "find", "follow_reason", "list_papers", "radar",
           "record_shown", "shuffle", "unmatched_authors"]


def author_suggestions(store: Store, name: str, limit: int = 3) -> list[str]:
    """Close names for a "did you mean" hint, from a bounded set of candidates."""
    import difflib

    from hubcli.authors import name_key
    from hubcli.store.query import author_names_near

    key = name_key(name)
    if not key.surname:
        return []
    by_folded = author_names_near(store.conn, key.surname, key.given_first)
    close = difflib.get_close_matches(key.folded, list(by_folded), n=limit, cutoff=0.6)
    return [by_folded[f] for f in close]


def unmatched_authors(store: Store, names: list[str]) -> list[Notice]:
    """A "did you mean" hint for each author name that matched nobody."""
    notices = []
    for name in names:
        suggestions = author_suggestions(store, name)
        if suggestions:
            notices.append(Notice("hint", "did_you_mean", {"name": name, "suggestions": ", ".join(suggestions)}))
        else:
            notices.append(Notice("hint", "no_author", {"name": name}))
    return notices


def _unmatched(result: Result, store: Store, sel: Selection, filters: Filters) -> None:
    from hubcli.categories import unknown_arxiv

    result.before += unmatched_authors(store, sel.unmatched_authors)
    result.before += unmatched_sources(store, sel.unmatched_sources)
    for name, close in unknown_arxiv(list(filters.categories)):  # a typo'd --category: the close ones
        result.note("hint", "category_did_you_mean" if close else "category_unknown", name=name,
                    suggestions=", ".join(close))


def unmatched_sources(store: Store, names: list[str]) -> list[Notice]:
    """A hint for each ``--source`` that names no source, with the close ones (by spec or
    label, each source once)."""
    if not names:
        return []
    import difflib

    from hubcli.store.query import source_names

    known = source_names(store.conn)
    notices = []
    for name in names:
        wanted = name.casefold()

        def closeness(source: tuple[str, str], wanted: str = wanted) -> float:
            texts = [text.casefold() for text in source]
            inside = any(wanted in text for text in texts)
            return max(difflib.SequenceMatcher(None, wanted, text).ratio() for text in texts) + inside

        ranked = sorted(known, key=closeness, reverse=True)
        best = closeness(ranked[0]) if ranked else 0.0
        close = [f"{label} ({spec})" for spec, label in ranked[:3]
                 if closeness((spec, label)) >= max(0.6, best - 0.05)]
        if close:
            notices.append(Notice("hint", "source_did_you_mean", {"name": name, "suggestions": "; ".join(close)}))
        else:
            notices.append(Notice("hint", "source_unknown", {"name": name}))
    return notices


def _nothing(result: Result, store: Store, filters: Filters) -> None:
    """Why nothing is listed: an empty cache, a --since past the newest paper, and for a
    search, what would find more."""
    from hubcli.store.query import newest_published

    if not store.paper_count():
        result.note("hint", "no_papers_cache_empty", after=True)
        return
    result.note("hint", "no_papers", after=True)
    newest = newest_published(store.conn) if filters.since else None
    if newest is not None and filters.since is not None and newest < filters.since:
        result.note("hint", "since_past_newest", after=True, since=filters.since, newest=newest)
    wider = search_alternatives(filters.search) if filters.search else []
    if wider:
        result.note("hint", "search_try", after=True, queries="; ".join(f"'{q}'" if " " in q else q for q in wider))


def search_alternatives(text: str) -> list[str]:
    """Searches that find more than ``text``: its words as prefixes (``bandit*``), and each
    word alone when there are several."""
    words = [w for w in text.replace('"', " ").split() if w != "OR"]
    if not words:
        return []
    out = [" ".join(w if w.endswith("*") else w + "*" for w in words)]
    if len(words) > 1:
        out.append(" OR ".join(words))
    return [q for q in out if q != text.strip()][:2]


def list_papers(session: Session, filters: Filters, *, page: int, per_page: int | None, sort: str,
                clamp: bool = False) -> Listing:
    """One page of the papers matching ``filters``, newest first (or by relevance).  A page
    past the end is empty with a hint (a script paging until nothing is left stops there),
    or with ``clamp`` (a person reading cards) the last page with a word saying so."""
    store, settings = session.reader(), session.settings()
    per = per_page or settings.per_page
    if store is None:
        result = Listing(footer=Notice("info", "footer", {"page": page, "pages": 1, "total": 0}))
        result.note("hint", "no_papers_cache_empty", after=True)
        return result
    from hubcli.resolve import resolve
    from hubcli.store.query import build_selection, list_page

    sel = build_selection(store, resolve(filters, settings))
    result = Listing()
    _unmatched(result, store, sel, filters)
    found = list_page(store, sel, page=page, per_page=per, sort=sort)
    if clamp and found.total and page > found.pages:
        result.note("hint", "page_clamped", page=page, pages=found.pages)
        page = found.pages
        found = list_page(store, sel, page=page, per_page=per, sort=sort)
    result.papers = found.papers
    result.footer = Notice("info", "footer_one" if found.total == 1 else "footer",
                           {"page": page, "pages": found.pages, "total": found.total})
    result.start = (page - 1) * per + 1
    if found.total == 0:
        _nothing(result, store, filters)
    elif page > found.pages:
        result.note("hint", "page_past_end", after=True, page=page, pages=found.pages)
    return result


def shuffle(session: Session, filters: Filters, *, n: int, seed: int | None, include_dismissed: bool = False,
            record: bool = True) -> Listing:
    """A random batch; without a seed, one that avoids what earlier batches showed (and is
    remembered as shown, unless ``record`` is false: the page draws with a GET, which never
    writes, and records its batch with :func:`record_shown`); dismissed papers left out
    unless asked."""
    store, settings = session.reader(), session.settings()
    if store is None:
        result = Listing(footer=Notice("info", "footer_shuffle", {"shown": 0, "total": 0, "left": 0}))
        result.note("hint", "no_papers_cache_empty", after=True)
        return result
    from hubcli.resolve import resolve
    from hubcli.store.query import build_selection, sample

    sel = build_selection(store, resolve(filters, settings))
    if not include_dismissed:
        sel.add_not_dismissed()
    result = Listing()
    _unmatched(result, store, sel, filters)
    batch = sample(store, sel, filters.selection_key(), n=n, seed=seed, record=record)
    if batch.restarted:
        result.note("info", "shuffle_restart")
    result.papers = batch.papers
    if seed is not None:
        result.footer = Notice("info", "footer_shuffle_seeded",
                               {"shown": len(batch.papers), "total": batch.total, "seed": seed})
    else:
        result.footer = Notice("info", "footer_shuffle",
                               {"shown": len(batch.papers), "total": batch.total, "left": batch.left})
    if batch.total == 0:
        _nothing(result, store, filters)
    return result


def record_shown(session: Session, filters: Filters, ids: list[int]) -> int:
    """Remember a batch the page showed for these filters (what ``hub shuffle`` remembers
    of its own batches); how many papers were recorded."""
    from hubcli.store.query import remember_shown

    store = session.reader()
    if store is None or not ids:
        return 0
    return remember_shown(store, filters.selection_key(), ids)


def follow_reason(kind: str, value: str) -> Message:
    """A follow as a chip."""
    return Message({"author": "chip_authors", "topic": "chip_topic", "category": "chip_categories"}[kind],
                   {"value": value})


def radar(session: Session, *, limit: int, peek: bool, include_dismissed: bool = False) -> Listing:
    """What matches a follow and is new since the last radar (then marked seen unless
    ``peek``); dismissed papers left out unless asked; ordered by the library's score
    when there is a library (see ``api/recommend.py``), else newest first."""
    store, settings = session.reader(), session.settings()
    if store is None:
        result = Listing()
        result.note("hint", "no_papers_cache_empty")
        return result
    from hubcli.resolve import radar_selection
    from hubcli.store.follows import latest_change, mark_radar_seen, reasons_for
    from hubcli.store.query import list_page

    selection = radar_selection(store, settings)
    if not selection.parts:
        result = Listing()
        result.note("hint", "following_none")
        return result
    mark = latest_change(store)
    if not include_dismissed:
        selection.selection.add_not_dismissed()
    scores = _library_order(session, selection.selection, limit)
    if scores is None:
        page = list_page(store, selection.selection, page=1, per_page=limit)
    else:
        from hubcli.models import Page
        from hubcli.store.papers import load_papers

        ranked, total = scores
        page = Page(load_papers(store.conn, [pid for pid, _score in ranked]), total, 1, limit)
    why = reasons_for(store, selection, [p.rowid for p in page.papers if p.rowid is not None])
    result = Listing(papers=page.papers, footer=Notice("info", "radar_footer",
                                                       {"shown": len(page.papers), "total": page.total}))
    if scores is not None:
        result.scores = {pid: score for pid, score in scores[0] if score is not None}
    result.reasons = {pid: [follow_reason(f.kind, f.value) for f in follows] for pid, follows in why.items()}
    if page.total == 0:  # one line says it: no "0 of 0 new" footer before it
        result.footer = None
        result.note("info", "radar_nothing_new", after=True)
    if not peek:
        mark_radar_seen(store, mark)
    return result


def _library_order(session: Session, sel: Selection, limit: int
                   ) -> tuple[list[tuple[int, float | None]], int] | None:
    """The radar's first ``limit`` papers in the library's order and how many match;
    None when there is no library to rank by."""
    from hubcli.api.recommend import library_ranks, order_by_library
    from hubcli.store.query import ids_newest_first

    store = session.reader()
    if store is None or not library_ranks(session):
        return None
    ids = ids_newest_first(store, sel)
    ranked = order_by_library(session, ids, limit)
    return (ranked, len(ids)) if ranked is not None else None


EXPORT_CHUNK = 500


def export(session: Session, filters: Filters) -> tuple[int, Iterator[list[Paper]]] | None:
    """How many papers match, and the papers newest first in chunks (memory stays flat);
    at least one chunk, maybe empty.  None when there is no cache yet."""
    from hubcli.resolve import resolve
    from hubcli.store.papers import load_papers
    from hubcli.store.query import build_selection, ids_newest_first

    store, settings = session.reader(), session.settings()
    if store is None:
        return None
    sel = build_selection(store, resolve(filters, settings))
    ids = ids_newest_first(store, sel)

    def chunks() -> Iterator[list[Paper]]:
        for start in range(0, max(len(ids), 1), EXPORT_CHUNK):
            yield load_papers(store.conn, ids[start:start + EXPORT_CHUNK])

    return len(ids), chunks()


def papers_by_ids(session: Session, ids: list[int]) -> list[Paper]:
    """The stored papers with these ids, in this order (ids not stored are left out)."""
    from hubcli.store.papers import load_papers

    store = session.reader()
    return load_papers(store.conn, ids) if store is not None and ids else []
