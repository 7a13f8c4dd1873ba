"""Ranking over the stored features: a linear classifier per library, and "more like this"."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from hubcli.rank.features import Features, open_features, update_features
from hubcli.store.db import Store

MIN_SAVED = 3            # fewer saved papers: the caller falls back to follows and topics
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


def recommend(store: Store, saved_ids: list[int], dismissed_ids: list[int], candidate_ids: list[int], *,
              saved_at: dict[int, str] | None = None, n: int = 20, min_score: float | None = None,
              explain: bool = False, seed: int = 0) -> list[Scored]:
    """Candidates ranked by a LinearSVC trained on the saved papers (weighted by recency)
    against sampled unlabeled papers, dismissed papers as strong negatives.  Saved and
    dismissed papers are never returned.  Fewer than MIN_SAVED saved: an empty list."""
    from sklearn.svm import LinearSVC

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
    clf = LinearSVC(C=SVM_C, class_weight="balanced", max_iter=5000)
    clf.fit(x, y, sample_weight=w)
    cand = [c for c in candidate_ids if c not in known]
    cand_ids, cx = features.rows(cand)
    if cand_ids.size == 0:
        return []
    scores = clf.decision_function(cx)
    order = np.argsort(-scores, kind="stable")
    if min_score is not None:
        order = order[scores[order] >= min_score]
    order = order[:n]
    coef = np.asarray(clf.coef_).ravel()
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
