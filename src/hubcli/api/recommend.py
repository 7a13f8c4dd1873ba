"""``hub recommend``, ``hub similar``, and the library's ranking of radar, brief and digest.

The model (``hubcli.rank``: scikit-learn and numpy) is imported inside these functions
only, so the read path never loads it.  Candidates are chosen with the same filters as
every listing; what is new by default is what changed since the last ``hub radar`` (else
the last :data:`DEFAULT_WINDOW_DAYS` days).
"""

from __future__ import annotations

from datetime import date, timedelta

from hubcli.api.lookup import find
from hubcli.api.results import Explanation, Listing, Notice
from hubcli.api.session import Session
from hubcli.config import Settings
from hubcli.errors import NotFoundError
from hubcli.filters import Filters
from hubcli.models import LibraryState
from hubcli.store.db import Store
from hubcli.store.library import MIN_SAVED

__all__ = ["DEFAULT_N", "DEFAULT_WINDOW_DAYS", "FIRST_BUILD_NOTICE", "MIN_SAVED", "first_build_notice",
           "library_ranks", "order_by_library", "rank_ids", "recommend", "similar", "similar_match", "warm_features"]

DEFAULT_WINDOW_DAYS = 7
DEFAULT_N = 20
FIRST_BUILD_NOTICE = 20_000  # papers: below this the features' first build takes seconds, said nothing


def _new_papers(store: Store, settings: Settings, filters: Filters, *, include_dismissed: bool,
                mark: str | None = None) -> list[int]:
    """Ids of the candidates, newest first: the filters, over what is new unless a date
    filter says otherwise (changed since ``mark``, else the newest announcement days in
    the cache), without saved papers (and dismissed ones unless asked)."""
    from hubcli.resolve import resolve
    from hubcli.store.query import candidate_ids

    return candidate_ids(store, resolve(filters, settings), window_start=_window_start(store),
                         include_dismissed=include_dismissed, mark=mark)


def _window_start(store: Store) -> str:
    """Where "new" starts without a mark: the last :data:`DEFAULT_WINDOW_DAYS` days up to
    the newest paper in the cache (today's week after a sync; an imported archive's last
    week after an import of older papers)."""
    from hubcli.store.follows import newest_published

    newest = newest_published(store)
    end = date.today()
    if newest:
        try:
            end = min(end, date.fromisoformat(newest[:10]) + timedelta(days=1))
        except ValueError:
            pass
    return (end - timedelta(days=DEFAULT_WINDOW_DAYS)).isoformat()


def _new_mark(store: Store, *, remember: bool) -> str | None:
    """Where "new" starts: the later of the last ``hub radar`` and the last ``hub recommend``
    that had something new (so running it twice shows the same papers); None: no mark yet.
    With ``remember`` this run counts as a ``hub recommend``."""
    from hubcli.store.follows import latest_change

    radar = store.get_state("radar_seen_at") or ""
    since, upto = store.get_state("recommend_since") or "", store.get_state("recommend_upto") or ""
    latest = latest_change(store) or ""
    if remember and latest and latest != upto:
        since, upto = upto, latest
        with store.transaction():
            store.set_state("recommend_since", since)
            store.set_state("recommend_upto", upto)
    return max(radar, since) or None


def library_ranks(session: Session) -> bool:
    """Whether the library holds enough saved papers (:data:`MIN_SAVED`) to rank by."""
    from hubcli.store.library import library_size

    store = session.reader()
    return store is not None and library_size(store) >= MIN_SAVED


def first_build_notice(session: Session, *, ranking_only: bool = False) -> Notice | None:
    """A notice for the line a front end may show before the ranking features' first
    build, which takes minutes on a large cache (:data:`FIRST_BUILD_NOTICE` papers).
    With ``ranking_only`` (the radar), only when the library is big enough to rank by."""
    from hubcli.rank.hooks import has_features

    store = session.reader()
    if store is None or has_features(store) or (ranking_only and not library_ranks(session)):
        return None
    count = store.paper_count()
    return Notice("info", "rank_first_build", {"count": count}) if count >= FIRST_BUILD_NOTICE else None


def order_by_library(session: Session, ids: list[int], limit: int | None = None
                     ) -> list[tuple[int, float | None]] | None:
    """``ids`` (newest first) in the library's order, the first ``limit`` of them, each
    with its score: by the model's score, papers it does not score (the saved ones) after
    the others, ties newest first.  None when the library is too small to rank by."""
    store = session.reader()
    if store is None or not library_ranks(session):
        return None
    scores = rank_ids(store, session.settings(), ids) or {}
    order = sorted(range(len(ids)), key=lambda i: (ids[i] not in scores, -scores.get(ids[i], 0.0), i))
    return [(ids[i], scores.get(ids[i])) for i in order[:limit]]


def _training(store: Store, tags: tuple[str, ...]) -> tuple[list[int], dict[int, LibraryState]]:
    """The saved papers the model learns from (all, or those with any of ``tags``) and
    their library state (when saved, tags, note, read)."""
    from hubcli.store import library
    from hubcli.store.papers import state_for

    ids = library.saved_ids(store, list(tags) or None)
    return ids, (state_for(store.conn, ids) if ids else {})


def _follow_scores(store: Store, settings: Settings, ids: list[int]) -> dict[int, float]:
    """Cold start: how many follows (authors, topics, categories) each paper matches."""
    from hubcli.resolve import radar_selection
    from hubcli.store.follows import reasons_for

    radar = radar_selection(store, settings)
    scores: dict[int, float] = {}
    if not radar.parts:
        return scores
    for start in range(0, len(ids), 500):
        for pid, follows in reasons_for(store, radar, ids[start:start + 500]).items():
            scores[pid] = float(len(follows))
    return scores


def recommend(session: Session, filters: Filters, *, like_tags: tuple[str, ...] = (), n: int = DEFAULT_N,
              min_score: float | None = None, explain: bool = False, include_dismissed: bool = False,
              all_matches: bool = False, remember: bool = False) -> Listing:
    """New papers matching ``filters`` ranked by the library: all saved papers, or those
    with any of ``like_tags`` (what the model learns from, not a filter on the
    candidates), and the interest statement (``[rank] about``).  Each has a match level;
    weak matches are held back unless ``all_matches`` (a notice says how many).  The
    filters mean what they mean everywhere; as candidates are never saved papers,
    ``--saved`` and ``--tag`` (tagged papers are saved) leave none.  With ``remember``
    (the command, not the page) this run marks what the next one calls new."""
    store, settings = session.reader(), session.settings()
    result = Listing()
    if store is None:
        result.note("hint", "no_papers_cache_empty", after=True)
        return result
    from hubcli.store.papers import load_papers

    train_tags = tuple(dict.fromkeys(" ".join(tag.split()) for tag in like_tags if tag.strip()))
    mark = _new_mark(store, remember=remember)
    candidates = _new_papers(store, settings, filters, include_dismissed=include_dismissed, mark=mark or "")
    saved, states = _training(store, train_tags)
    if train_tags and not saved:
        raise NotFoundError("recommend_unknown_tag", tag=", ".join(train_tags))
    about = settings.rank_about
    explanations: dict[int, Explanation] = {}
    matches: dict[int, str] = {}
    if len(saved) < MIN_SAVED and not about:
        chosen = _cold_start(store, settings, result, candidates, len(saved), n=n, min_score=min_score)
    else:
        if len(saved) < MIN_SAVED:
            result.note("info", "recommend_by_about", saved=len(saved))
        found = _by_model(store, candidates, saved, states, explanations, n=n, min_score=min_score,
                          explain=explain, include_dismissed=include_dismissed, about=about) if candidates else []
        chosen = _held_back(result, found, matches, all_matches=all_matches, total=len(candidates))
    result.papers = load_papers(store.conn, [pid for pid, _ in chosen])
    result.scores = dict(chosen)
    result.matches = matches or None
    result.explanations = {pid: e for pid, e in explanations.items() if pid in result.scores} if explain else None
    result.footer = Notice("info", "recommend_footer", {"shown": len(result.papers), "total": len(candidates)})
    if not candidates:
        result.note("hint", "recommend_nothing_new", after=True)
    elif not result.papers and not any(note.key == "recommend_nothing_strong" for note in result.after):
        result.note("hint", "recommend_below_min", after=True)
    return result


def _held_back(result: Listing, found: list[tuple[int, float, str]], matches: dict[int, str], *,
               all_matches: bool, total: int) -> list[tuple[int, float]]:
    """The ranked papers to show: weak matches held back unless ``all_matches``, said so
    (and "nothing strong today" when none is left)."""
    shown = [(pid, score, level) for pid, score, level in found if all_matches or level != "weak"]
    held = len(found) - len(shown)
    matches.update({pid: level for pid, _, level in shown})
    if not shown and found:
        result.note("info", "recommend_nothing_strong", after=True, total=total)
    elif held:
        result.note("info", "recommend_held_back", after=True, count=held)
    return [(pid, score) for pid, score, _ in shown]


def _cold_start(store: Store, settings: Settings, result: Listing, candidates: list[int], saved: int, *,
                n: int, min_score: float | None) -> list[tuple[int, float]]:
    """Too few saved papers: the candidates by how many follows each matches (said so)."""
    result.note("warn", "recommend_cold_start", saved=saved, need=MIN_SAVED)
    follow = _follow_scores(store, settings, candidates)
    if not follow:
        result.note("hint", "recommend_cold_hint")
    order = sorted(range(len(candidates)), key=lambda i: (-follow.get(candidates[i], 0.0), i))
    ranked = [(candidates[i], follow.get(candidates[i], 0.0)) for i in order]
    if min_score is not None:
        ranked = [(pid, s) for pid, s in ranked if s >= min_score]
    return ranked[:n]


def _by_model(store: Store, candidates: list[int], saved: list[int], states: dict[int, LibraryState],
              explanations: dict[int, Explanation], *, n: int, min_score: float | None, explain: bool,
              include_dismissed: bool, about: str = "") -> list[tuple[int, float, str]]:
    """The candidates ranked by the library model, each with its match level (with
    ``explain``, why, into ``explanations``)."""
    from hubcli.rank import Signals
    from hubcli.rank import recommend as rank_recommend
    from hubcli.store.library import dismissed_ids
    from hubcli.store.papers import load_papers

    saved_at = {pid: st.saved_at or "" for pid, st in states.items()}
    # kept dismissed papers are ranked as if nothing were dismissed (the model drops its negatives)
    negatives = [] if include_dismissed else dismissed_ids(store)
    found = rank_recommend(store, saved, negatives, candidates, saved_at=saved_at, n=n,
                           min_score=min_score, explain=explain, about=about or None, signals=Signals.of(states))
    if explain:
        likes = {p.rowid: p for p in load_papers(store.conn, sorted({s.like for s in found if s.like}))}
        for s in found:
            like = likes.get(s.like) if s.like is not None else None
            explanations[s.paper_id] = Explanation(list(s.words), like.key if like else None,
                                                   like.title if like else None, s.interest_name or None)
    return [(s.paper_id, s.score, s.match) for s in found]


def rank_ids(store: Store, settings: Settings, paper_ids: list[int]) -> dict[int, float] | None:
    """Scores of the given papers by the library model (higher is better), or None when
    the library holds fewer than :data:`MIN_SAVED` papers.  Saved and dismissed papers get
    no score (the model never recommends them)."""
    saved, states = _training(store, ())
    if len(saved) < MIN_SAVED or not paper_ids:
        return None
    from hubcli.rank import Signals
    from hubcli.rank import recommend as rank_recommend
    from hubcli.store.library import dismissed_ids

    found = rank_recommend(store, saved, dismissed_ids(store), paper_ids, n=len(paper_ids),
                           saved_at={pid: st.saved_at or "" for pid, st in states.items()},
                           about=settings.rank_about or None, signals=Signals.of(states))
    return {s.paper_id: s.score for s in found}


def similar(session: Session, ident: str, filters: Filters, *, n: int = 10, include_dismissed: bool = False
            ) -> Listing:
    """The papers most like one paper (cosine over the stored features), within the
    filters when any are given; dismissed papers left out unless asked."""
    paper = find(session, ident)
    store, settings = session.reader(), session.settings()
    assert store is not None and paper.rowid is not None
    from hubcli.rank import similar as rank_similar
    from hubcli.resolve import resolve
    from hubcli.store.papers import load_papers
    from hubcli.store.query import build_selection, ids_newest_first

    candidates: list[int] | None = None
    hidden: set[int] = set()
    if not filters.is_empty:
        sel = build_selection(store, resolve(filters, settings))
        if not include_dismissed:
            sel.add_not_dismissed()
        candidates = ids_newest_first(store, sel)
    elif not include_dismissed:
        from hubcli.store.library import dismissed_ids

        hidden = set(dismissed_ids(store))
    found = rank_similar(store, paper.rowid, candidates, n=n + len(hidden))
    chosen = [s for s in found if s.paper_id not in hidden][:n]
    result = Listing(papers=load_papers(store.conn, [s.paper_id for s in chosen]),
                     scores={s.paper_id: s.score for s in chosen},
                     matches={s.paper_id: similar_match(s.score) for s in chosen})
    result.footer = Notice("info", "similar_footer", {"shown": len(result.papers), "title": paper.title})
    if not result.papers:
        result.note("hint", "similar_none", after=True)
    return result


SIMILAR_LEVELS = (0.3, 0.15)  # cosine of the TF-IDF rows: strong, good (below: weak)


def similar_match(cosine: float) -> str:
    """The match level of a ``hub similar`` neighbour, by its cosine to the paper."""
    strong, good = SIMILAR_LEVELS
    return "strong" if cosine >= strong else "good" if cosine >= good else "weak"


def warm_features(session: Session) -> None:
    """Bring the library's feature store up to date when the library is big enough to rank
    by (a server does it at start, so the first ranked page does not wait for it)."""
    store = session.reader()
    if store is not None and library_ranks(session):
        from hubcli.rank.model import ensure_features

        ensure_features(store)
