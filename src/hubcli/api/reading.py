"""Reading the cache: ``hub papers``, ``shuffle``, ``show``, ``radar`` and ``export``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from hubcli.api.results import Listing, Notice, Result
from hubcli.api.session import Session
from hubcli.config import Settings
from hubcli.errors import NotFoundError
from hubcli.filters import Filters
from hubcli.i18n import Message
from hubcli.models import Paper
from hubcli.store.db import Store

if TYPE_CHECKING:
    from hubcli.store.query import Selection


def unmatched_authors(store: Store, names: list[str]) -> list[Notice]:
    """A "did you mean" hint for each author name that matched nobody."""
    from hubcli.store.query import author_suggestions

    notices = []
    for name in names:
        suggestions = author_suggestions(store.conn, name)
        if suggestions:
            notices.append(Notice("hint", "did_you_mean", {"name": name, "suggestions": ", ".join(suggestions)}))
        else:
            notices.append(Notice("hint", "no_author", {"name": name}))
    return notices


def _unmatched(result: Result, store: Store, names: list[str]) -> None:
    result.before += unmatched_authors(store, names)


def _nothing(result: Result, store: Store) -> None:
    result.note("hint", "no_papers" if store.paper_count() else "no_papers_cache_empty", after=True)


def list_papers(session: Session, filters: Filters, *, page: int, per_page: int | None, sort: str) -> Listing:
    """One page of the papers matching ``filters``, newest first (or by relevance)."""
    store, settings = session.reader(), session.settings()
    per = per_page or settings.per_page
    if store is None:
        result = Listing(footer=Notice("info", "footer", {"page": page, "pages": 1, "total": 0}))
        result.note("hint", "no_papers_cache_empty", after=True)
        return result
    from hubcli.store.query import build_selection, list_page

    sel = build_selection(store, filters, settings)
    result = Listing()
    _unmatched(result, store, sel.unmatched_authors)
    found = list_page(store, sel, page=page, per_page=per, sort=sort)
    result.papers = found.papers
    result.footer = Notice("info", "footer_one" if found.total == 1 else "footer",
                           {"page": page, "pages": found.pages, "total": found.total})
    result.start = (page - 1) * per + 1
    if found.total == 0:
        _nothing(result, store)
    elif page > found.pages:
        result.note("hint", "page_past_end", after=True, page=page, pages=found.pages)
    return result


def shuffle(session: Session, filters: Filters, *, n: int, seed: int | None, include_dismissed: bool = False
            ) -> Listing:
    """A random batch; without a seed, one that avoids what earlier batches showed;
    dismissed papers left out unless asked."""
    store, settings = session.reader(), session.settings()
    if store is None:
        result = Listing(footer=Notice("info", "footer_shuffle", {"shown": 0, "total": 0, "left": 0}))
        result.note("hint", "no_papers_cache_empty", after=True)
        return result
    from hubcli.store.query import build_selection, hide_dismissed, sample

    sel = build_selection(store, filters, settings)
    if not include_dismissed:
        hide_dismissed(sel)
    result = Listing()
    _unmatched(result, store, sel.unmatched_authors)
    batch = sample(store, sel, filters.selection_key(), n=n, seed=seed)
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
        _nothing(result, store)
    return result


def find(session: Session, ident: str) -> Paper:
    """One paper by any id hub prints or accepts (NotFoundError when it is not stored)."""
    from hubcli.store.query import find_paper

    store = session.reader()
    paper = find_paper(store, ident) if store else None
    if paper is None:
        raise NotFoundError("paper_not_found", ident=ident)
    return paper


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
    from hubcli.store.follows import latest_change, mark_radar_seen, radar_selection, reasons_for
    from hubcli.store.query import hide_dismissed, list_page

    selection = radar_selection(store, settings)
    if not selection.parts:
        result = Listing()
        result.note("hint", "following_none")
        return result
    mark = latest_change(store)
    if not include_dismissed:
        hide_dismissed(selection.selection)
    scores = _library_order(store, settings, selection.selection, limit)
    if scores is None:
        page = list_page(store, selection.selection, page=1, per_page=limit)
    else:
        from hubcli.models import Page
        from hubcli.store.query import load_papers

        ranked, total = scores
        page = Page(load_papers(store.conn, [pid for pid, _score in ranked]), total, 1, limit)
    why = reasons_for(store, selection, [p.rowid for p in page.papers if p.rowid is not None])
    result = Listing(papers=page.papers, footer=Notice("info", "radar_footer",
                                                       {"shown": len(page.papers), "total": page.total}))
    if scores is not None:
        result.scores = {pid: score for pid, score in scores[0] if score is not None}
    result.reasons = {pid: [follow_reason(f.kind, f.value) for f in follows] for pid, follows in why.items()}
    if page.total == 0:
        result.note("info", "radar_nothing_new", after=True)
    if page.total > len(page.papers):
        result.note("hint", "radar_more", after=True, more=page.total - len(page.papers))
    if not peek:
        mark_radar_seen(store, mark)
    return result


def _library_order(store: Store, settings: Settings, sel: Selection, limit: int
                   ) -> tuple[list[tuple[int, float | None]], int] | None:
    """The radar's first ``limit`` papers by the library's score (papers the model does not
    score, the saved ones, after the others, newest first) and how many match; None when
    there is no library to rank by."""
    from hubcli.api.recommend import MIN_SAVED, rank_ids
    from hubcli.store.library import library_size
    from hubcli.store.query import ids_newest_first

    if library_size(store) < MIN_SAVED:
        return None
    ids = ids_newest_first(store, sel)
    scores = rank_ids(store, settings, ids) or {}
    order = sorted(range(len(ids)), key=lambda i: (ids[i] not in scores, -scores.get(ids[i], 0.0), i))
    return [(ids[i], scores.get(ids[i])) for i in order[:limit]], len(ids)


EXPORT_CHUNK = 500


def export(session: Session, filters: Filters) -> tuple[int, Iterator[list[Paper]]] | None:
    """How many papers match, and the papers newest first in chunks (memory stays flat);
    at least one chunk, maybe empty.  None when there is no cache yet."""
    from hubcli.store.query import build_selection, ids_newest_first, load_papers

    store, settings = session.reader(), session.settings()
    if store is None:
        return None
    sel = build_selection(store, filters, settings)
    ids = ids_newest_first(store, sel)

    def chunks() -> Iterator[list[Paper]]:
        for start in range(0, max(len(ids), 1), EXPORT_CHUNK):
            yield load_papers(store.conn, ids[start:start + EXPORT_CHUNK])

    return len(ids), chunks()
