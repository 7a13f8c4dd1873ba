"""Ranking over the stored features: a linear classifier per library, and "more like this"."""

from __future__ import annotations

import sys

import numpy as np

from hubcli.rank.chunks import Damaged, Features, open_features
from hubcli.rank.paths import features_dir
from hubcli.rank.score import Library, Scored, Signals
from hubcli.rank.svm import SVM_C, fit_linear_svm
from hubcli.rank.update import update_features
from hubcli.store.db import Store
from hubcli.store.library import MIN_SAVED  # fewer saved papers: the caller falls back to follows and topics
from hubcli.text import strip_controls

__all__ = ["MIN_SAVED", "SVM_C", "Scored", "Signals", "ensure_features", "fit_linear_svm", "recommend", "similar"]



def ensure_features(store: Store) -> Features:
    """The features, brought up to date first (cheap when nothing changed; while another
    process is updating them, as they are).  A damaged store (a file cut short, missing or
    not what the manifest says) is rebuilt from the database, with one line on stderr."""
    try:
        update_features(store, wait=False)
        features = open_features(store)
        assert features is not None
        features.verify()
        return features
    except (Damaged, OSError, ValueError, EOFError, KeyError, IndexError) as exc:
        reason = str(exc) if isinstance(exc, Damaged) else f"{type(exc).__name__}: {exc}"
    sys.stderr.write(f"warning: the ranking features in {features_dir(store)} were damaged "
                     f"({strip_controls(reason)[:160]}); rebuilding them from the database\n")
    sys.stderr.flush()
    update_features(store, rebuild=True)
    features = open_features(store)
    assert features is not None
    features.verify()
    return features


def recommend(store: Store, saved_ids: list[int], dismissed_ids: list[int], candidate_ids: list[int], *,
              saved_at: dict[int, str] | None = None, n: int = 20, min_score: float | None = None,
              explain: bool = False, seed: int = 0, about: str | None = None,
              signals: Signals | None = None) -> list[Scored]:
    """Candidates ranked by the library model (:mod:`hubcli.rank.score`: a linear SVM over
    words and author keys, the dense view, interests interleaved), each with its match
    level.  Saved and dismissed papers are never returned.  Fewer than MIN_SAVED saved
    and no interest statement (``about``): an empty list."""
    from hubcli.rank.score import rank_candidates

    if len(saved_ids) < MIN_SAVED and not (about and about.strip()):
        return []
    features = ensure_features(store)
    lib = _library(store, features, saved_ids, dismissed_ids, saved_at=saved_at, about=about, seed=seed,
                   signals=signals or Signals())
    if lib is None or (int((lib.pos_ids >= 0).sum()) < MIN_SAVED and not about):
        return []
    dismissed = set(dismissed_ids)
    return rank_candidates(store, lib, [c for c in candidate_ids if c not in dismissed], n=n,
                           min_score=min_score, explain=explain)


def _library(store: Store, features: Features, saved_ids: list[int], dismissed_ids: list[int], *,
             saved_at: dict[int, str] | None, about: str | None, seed: int, signals: Signals) -> Library | None:
    """The library's model: the one fitted last when nothing it reads has changed since
    (:mod:`hubcli.rank.fitted`), else fitted now and kept."""
    from hubcli.rank import dense, fitted
    from hubcli.rank.score import fit_library, settings_of_the_fit

    key = fitted.fit_key(features, sorted(saved_ids), sorted((saved_at or {}).items()), sorted(dismissed_ids),
                         about or "", seed, sorted(signals.weight.items()), sorted(signals.tag.items()),
                         settings_of_the_fit())
    found = fitted.load(features, key, dense.components(features))
    if found is not None:
        return found
    lib = fit_library(store, features, saved_ids, dismissed_ids, saved_at=saved_at, about=about, seed=seed,
                      signals=signals)
    if lib is not None:
        fitted.save(lib, key)
    return lib


def similar(store: Store, paper_id: int, candidate_ids: list[int] | None = None, n: int = 10) -> list[Scored]:
    """The papers most like one paper, by cosine over the stored (L2-normalised) rows,
    chunk by chunk over memory-mapped features: the paper itself excluded."""
    features = ensure_features(store)
    qid, q = features.rows([paper_id])
    if qid.size == 0:
        return []
    qv = q.toarray().ravel()
    if candidate_ids is not None:
        ids, x = features.rows([c for c in candidate_ids if c != paper_id])
        scores = x @ qv
        order = np.argsort(-scores, kind="stable")[:n]
        return [Scored(int(ids[i]), float(scores[i])) for i in order.tolist()]
    best: list[tuple[float, int]] = []
    for chunk in features.iter_chunks():
        scores = chunk.matrix @ qv
        scores[~chunk.live] = -np.inf
        scores[np.asarray(chunk.ids) == paper_id] = -np.inf
        k = min(n, scores.size)
        if k == 0:
            continue
        top = np.argpartition(-scores, k - 1)[:k]
        best.extend((float(scores[i]), int(chunk.ids[i])) for i in top.tolist() if np.isfinite(scores[i]))
    best.sort(key=lambda t: (-t[0], t[1]))
    return [Scored(pid, score) for score, pid in best[:n]]
