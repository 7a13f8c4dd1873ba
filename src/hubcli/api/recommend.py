"""``hub recommend``, ``hub similar``, and the library's ranking of radar, brief and digest.

The model (``hubcli.rank``: scikit-learn and numpy) is imported inside these functions
only, so the read path never loads it.  Candidates are chosen with the same filters as
every listing; what is new by default is what changed since the last ``hub radar`` (else
the last :data:`DEFAULT_WINDOW_DAYS` days).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hubcli.api.results import Explanation, Listing, Notice
from hubcli.api.session import Session
from hubcli.config import Settings
from hubcli.errors import NotFoundError
from hubcli.filters import Filters
from hubcli.store.db import Store
from hubcli.store.library import MIN_SAVED_TO_RANK

DEFAULT_WINDOW_DAYS = 7
DEFAULT_N = 20
MIN_SAVED = MIN_SAVED_TO_RANK


def _new_papers(store: Store, settings: Settings, filters: Filters, *, include_dismissed: bool) -> list[int]:
    """Ids of the candidates, newest first: the filters, over what is new unless a date
    filter says otherwise, without saved papers (and dismissed ones unless asked)."""
    from hubcli.store import library
    from hubcli.store.query import build_selection, hide_dismissed, ids_newest_first

    sel = build_selection(store, filters, settings)
    if not (filters.since or filters.until or filters.unseen):
        mark = store.get_state("radar_seen_at")
        if mark:
            sel.add_changed_since(mark)
        else:
            since = (date.today() - timedelta(days=DEFAULT_WINDOW_DAYS)).isoformat()
            sel.add("p.published >= ?", [since], date=(">=", since))
    if not include_dismissed:
        hide_dismissed(sel)
    sel.add(*library.not_saved_condition(), on_id=True)
    return ids_newest_first(store, sel)


def _training(store: Store, tags: tuple[str, ...]) -> tuple[list[int], dict[int, str]]:
    """The saved papers the model learns from (all, or those with any of ``tags``) and
    when each was saved."""
    from hubcli.store import library

    ids = library.saved_ids(store, list(tags) or None)
    if not ids:
        return [], {}
    states = library.state_for(store.conn, ids)
    return ids, {pid: st.saved_at or "" for pid, st in states.items()}


def _follow_scores(store: Store, settings: Settings, ids: list[int]) -> dict[int, float]:
    """Cold start: how many follows (authors, topics, categories) each paper matches."""
    from hubcli.store.follows import radar_selection, reasons_for

    radar = radar_selection(store, settings)
    scores: dict[int, float] = {}
    if not radar.parts:
        return scores
    for start in range(0, len(ids), 500):
        for pid, follows in reasons_for(store, radar, ids[start:start + 500]).items():
            scores[pid] = float(len(follows))
    return scores


def recommend(session: Session, filters: Filters, *, n: int = DEFAULT_N, min_score: float | None = None,
              explain: bool = False, include_dismissed: bool = False) -> Listing:
    """New papers ranked by the library (all saved papers, or ``filters.tags``: the tags the
    model learns from here, not a filter on the candidates)."""
    store, settings = session.reader(), session.settings()
    result = Listing()
    if store is None:
        result.note("hint", "no_papers_cache_empty", after=True)
        return result
    from hubcli.store.query import load_papers

    train_tags = filters.tags
    candidates = _new_papers(store, settings, replace(filters, tags=(), saved=False),
                             include_dismissed=include_dismissed)
    saved, saved_at = _training(store, train_tags)
    if train_tags and not saved:
        raise NotFoundError("recommend_unknown_tag", tag=", ".join(train_tags))
    scores: dict[int, float]
    explanations: dict[int, Explanation] = {}
    if len(saved) < MIN_SAVED:
        result.note("warn", "recommend_cold_start", saved=len(saved), need=MIN_SAVED)
        follow = _follow_scores(store, settings, candidates)
        if not follow:
            result.note("hint", "recommend_cold_hint")
        order = sorted(range(len(candidates)), key=lambda i: (-follow.get(candidates[i], 0.0), i))
        ranked = [(candidates[i], follow.get(candidates[i], 0.0)) for i in order]
        if min_score is not None:
            ranked = [(pid, s) for pid, s in ranked if s >= min_score]
        chosen = ranked[:n]
        scores = dict(chosen)
    else:
        from hubcli.rank import recommend as rank_recommend
        from hubcli.store.library import dismissed_ids

        # kept dismissed papers are ranked as if nothing were dismissed (the model drops its negatives)
        negatives = [] if include_dismissed else dismissed_ids(store)
        found = rank_recommend(store, saved, negatives, candidates, saved_at=saved_at, n=n,
                               min_score=min_score, explain=explain)
        chosen = [(s.paper_id, s.score) for s in found]
        scores = dict(chosen)
        if explain:
            likes = {p.rowid: p for p in load_papers(store.conn, sorted({s.like for s in found if s.like}))}
            for s in found:
                like = likes.get(s.like) if s.like is not None else None
                explanations[s.paper_id] = Explanation(list(s.words), like.key if like else None,
                                                       like.title if like else None)
    result.papers = load_papers(store.conn, [pid for pid, _ in chosen])
    result.scores = scores
    result.explanations = explanations if explain else None
    result.footer = Notice("info", "recommend_footer", {"shown": len(result.papers), "total": len(candidates)})
    if not candidates:
        result.note("hint", "recommend_nothing_new", after=True)
    elif not result.papers:
        result.note("hint", "recommend_below_min", after=True)
    return result


def rank_ids(store: Store, settings: Settings, paper_ids: list[int]) -> dict[int, float] | None:
    """Scores of the given papers by the library model (higher is better), or None when
    the library holds fewer than :data:`MIN_SAVED` papers.  Saved and dismissed papers get
    no score (the model never recommends them)."""
    saved, saved_at = _training(store, ())
    if len(saved) < MIN_SAVED or not paper_ids:
        return None
    from hubcli.rank import recommend as rank_recommend
    from hubcli.store.library import dismissed_ids

    found = rank_recommend(store, saved, dismissed_ids(store), paper_ids, saved_at=saved_at, n=len(paper_ids))
    return {s.paper_id: s.score for s in found}


def similar(session: Session, ident: str, filters: Filters, *, n: int = 10, include_dismissed: bool = False
            ) -> Listing:
    """The papers most like one paper (cosine over the stored features), within the
    filters when any are given; dismissed papers left out unless asked."""
    from hubcli.api.reading import find

    paper = find(session, ident)
    store, settings = session.reader(), session.settings()
    assert store is not None and paper.rowid is not None
    from hubcli.rank import similar as rank_similar
    from hubcli.store.query import build_selection, hide_dismissed, ids_newest_first, load_papers

    candidates: list[int] | None = None
    hidden: set[int] = set()
    if not filters.is_empty:
        sel = build_selection(store, filters, settings)
        if not include_dismissed:
            hide_dismissed(sel)
        candidates = ids_newest_first(store, sel)
    elif not include_dismissed:
        from hubcli.store.library import dismissed_ids

        hidden = set(dismissed_ids(store))
    found = rank_similar(store, paper.rowid, candidates, n=n + len(hidden))
    chosen = [s for s in found if s.paper_id not in hidden][:n]
    result = Listing(papers=load_papers(store.conn, [s.paper_id for s in chosen]),
                     scores={s.paper_id: s.score for s in chosen})
    result.footer = Notice("info", "similar_footer", {"shown": len(result.papers), "title": paper.title})
    if not result.papers:
        result.note("hint", "similar_none", after=True)
    return result
