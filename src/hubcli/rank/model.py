"""Ranking over the stored features: a linear classifier per library, and "more like this"."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from hubcli.rank.chunks import Features, open_features
from hubcli.rank.update import update_features
from hubcli.store.db import Store
from hubcli.store.library import MIN_SAVED  # fewer saved papers: the caller falls back to follows and topics

__all__ = ["MIN_SAVED", "Scored", "ensure_features", "fit_linear_svm", "recommend", "similar"]

N_UNLABELED = 5_000      # sampled unlabeled papers, the weak negatives
DISMISSED_WEIGHT = 5.0   # dismissed papers: strong negatives (as the forks of zotero-arxiv-daily)
SVM_C = 0.01   # arxiv-sanity-lite's; measured on bench/rank_quality.py: 0.01 0.74, 0.1 0.71, 1.0 0.66
N_WORDS = 6


@dataclass
class Scored:
    paper_id: int
    score: float
    words: list[str] = field(default_factory=list)
    like: int | None = None


def ensure_features(store: Store) -> Features:
    """The features, brought up to date first (cheap when nothing changed; while another
    process is updating them, as they are)."""
    update_features(store, wait=False)
    features = open_features(store)
    assert features is not None
    return features


def _recency_weights(ids: np.ndarray, saved_at: dict[int, str] | None) -> np.ndarray:
    if not saved_at:
        return np.ones(ids.size)
    order = sorted(range(ids.size), key=lambda i: saved_at.get(int(ids[i]), ""), reverse=True)
    weights = np.empty(ids.size)
    for rank, i in enumerate(order):  # zotero-arxiv-daily: 1 / (1 + log10(rank + 1))
        weights[i] = 1.0 / (1.0 + math.log10(rank + 1))
    return weights


def fit_linear_svm(x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray, c: float = SVM_C,
                   class_weight: str | None = "balanced", tol: float = 1e-6,
                   max_iter: int = 500) -> tuple[np.ndarray, float]:
    """A linear SVM as scikit-learn's ``LinearSVC(C=c, class_weight=..., loss="squared_hinge")``
    fits it (liblinear's L2-regularised squared hinge, the intercept a regularised feature
    of value 1), without importing scikit-learn (about a second of every ``recommend``):

        min over w, b of  ½(w·w + b²) + Σ cᵢ max(0, 1 − yᵢ(w·xᵢ + b))²,  cᵢ = c · weightᵢ · class weight

    The objective is convex and continuously differentiable: scipy's L-BFGS-B minimises it
    from its value and gradient (tests/test_rank_store.py checks the ranking against
    LinearSVC's).  ``y`` holds 1 and 0; returns (w, b)."""
    from scipy.optimize import minimize

    n = x.shape[0]
    sign = np.where(y > 0, 1.0, -1.0)
    costs = c * np.asarray(weight, dtype=np.float64)
    if class_weight == "balanced":
        for label in (1.0, -1.0):
            members = sign == label
            if members.any():
                costs[members] *= n / (2.0 * members.sum())
    xb = sp.hstack([x.astype(np.float64), np.ones((n, 1))], format="csr")

    def objective(v: np.ndarray) -> tuple[float, np.ndarray]:
        margin = np.maximum(1.0 - sign * (xb @ v), 0.0)
        value = 0.5 * float(v @ v) + float(np.sum(costs * margin ** 2))
        return value, v - 2.0 * (xb.T @ (costs * sign * margin))

    found = minimize(objective, np.zeros(xb.shape[1]), jac=True, method="L-BFGS-B",
                     options={"maxiter": max_iter, "gtol": tol})
    w = np.asarray(found.x)
    return w[:-1], float(w[-1])


def recommend(store: Store, saved_ids: list[int], dismissed_ids: list[int], candidate_ids: list[int], *,
              saved_at: dict[int, str] | None = None, n: int = 20, min_score: float | None = None,
              explain: bool = False, seed: int = 0) -> list[Scored]:
    """Candidates ranked by a linear SVM (:func:`fit_linear_svm`) trained on the saved papers (weighted by recency)
    against sampled unlabeled papers, dismissed papers as strong negatives.  Saved and
    dismissed papers are never returned.  Fewer than MIN_SAVED saved: an empty list."""
    features = ensure_features(store)
    pos_ids, pos = features.rows(saved_ids)
    if pos_ids.size < MIN_SAVED:
        return []
    neg_ids, neg = features.rows(dismissed_ids)
    known = set(pos_ids.tolist()) | set(neg_ids.tolist())
    all_ids = features.live_ids()
    rng = np.random.default_rng(seed)
    sample = np.asarray(all_ids) if all_ids.size <= N_UNLABELED else \
        all_ids[np.sort(rng.choice(all_ids.size, N_UNLABELED, replace=False))]
    sample = np.array([i for i in sample.tolist() if i not in known], dtype=np.int64)
    unl_ids, unl = features.rows(sample)
    x = sp.vstack([pos, neg, unl], format="csr")
    y = np.r_[np.ones(pos.shape[0]), np.zeros(neg.shape[0] + unl.shape[0])]
    w = np.r_[_recency_weights(pos_ids, saved_at), np.full(neg.shape[0], DISMISSED_WEIGHT), np.ones(unl.shape[0])]
    coef, intercept = fit_linear_svm(x, y, w)
    cand = [c for c in candidate_ids if c not in known]
    cand_ids, cx = features.rows(cand)
    if cand_ids.size == 0:
        return []
    scores = cx @ coef + intercept
    order = np.argsort(-scores, kind="stable")
    if min_score is not None:
        order = order[scores[order] >= min_score]
    order = order[:n]
    terms = features.terms() if explain else None
    out = []
    for i in order.tolist():
        item = Scored(int(cand_ids[i]), float(scores[i]))
        if terms is not None:
            row = cx[i]
            contrib = row.data * coef[row.indices]
            top = np.argsort(-contrib)[:N_WORDS]
            item.words = [str(terms[row.indices[j]]) for j in top if contrib[j] > 0]
            sims = (pos @ row.T).toarray().ravel()
            item.like = int(pos_ids[int(np.argmax(sims))])
        out.append(item)
    return out


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
