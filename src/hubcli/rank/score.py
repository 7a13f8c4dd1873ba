"""The library model: what ``hub recommend`` ranks by (issue 20's recipe).

- **Features**: the stored TF-IDF rows (words of title and abstract), a block of author
  keys of its own (:mod:`hubcli.rank.authors`: surname + initial, one person) and a block
  of categories (primary 1, cross-listed ½): on the 1,504-paper day, the categories took
  P@10 of five saved papers from 0.61 to 0.84 and halved a dismissed topic's share.
- **A linear SVM** (:func:`hubcli.rank.model.fit_linear_svm`) of the saved papers (recent
  ones weighted more) against a sample of the cache; each dismissed paper weighs as much
  as a saved one.
- **A dense view** (:mod:`hubcli.rank.dense`, LSA): a candidate's mean cosine to the saved
  papers of an interest, minus half its largest cosine to a dismissed paper, so a
  dismissed paper pushes its whole topic down, and a single shared word does not win.
- **Score** = z(SVM) + z(dense), each standardised over the sampled papers of the cache,
  plus the author bonus: an author of the library's papers counts, one on several of
  them (someone followed) counts a lot.
- **Signals**: recently saved papers, those with a note and those marked read weigh more;
  tags, when they name the library's interests, are its interests.
- **Interests**: the saved papers clustered in the dense view; each candidate is scored
  for each interest, and the top of the list interleaves the interests, so a small one
  is not drowned by a large one.
- **Match levels**: the saved papers scored as new papers would be (held out, a fold at a
  time) say what a strong and a good match is for this library; lower is weak.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from hubcli.models import LibraryState
from hubcli.rank import dense
from hubcli.rank.authors import author_block, author_key, author_names
from hubcli.rank.chunks import Features
from hubcli.rank.svm import SVM_C, fit_linear_svm
from hubcli.store import features as reads
from hubcli.store.db import Store
from hubcli.store.papers import decode_list

__all__ = ["Library", "Scored", "fit_library", "rank_candidates"]

N_UNLABELED = 5_000      # sampled papers of the cache: the weak negatives and the scale of the z-scores
AUTHOR_BONUS = 1.5      # a paper by an author of the library: + this times the root of the saved papers sharing one
FOLLOWED_BONUS = 10.0    # ... and this for each saved paper with the author beyond the first: someone followed
CATEGORY_WEIGHT = 0.25   # the value of a category's feature (primary 1, cross-listed 0.5, times this)
AUTHOR_WEIGHT = 0.25     # the value of an author key's feature (a TF-IDF row has norm 1; 0.5 let the
                         # SVM tell the saved papers apart by their authors alone: fine P@10 0.58 -> 0.62)
DENSE_WEIGHT = 1.5       # score = z(SVM) + DENSE_WEIGHT * z(dense)
DISMISSED_PULL = 0.5     # dense view: minus this times the largest cosine to a dismissed paper (tuning
                         # seeds: papers of a dismissed nearby topic in the top 10, 0.96 none dismissed,
                         # 0.79 at 0.5 (the issue's), 0.67 at 2.0, which also sinks near-duplicates of
                         # one dismissed paper among the weak matches)
INTEREST_CUT = 0.9       # cosine distance at which two groups of saved papers are two interests (0.75
                         # split one subcategory in 19 of 34 libraries, 0.9 in 14; both serve two interests alike)
MAX_INTERESTS = 6
FOLDS = 3                # held-out folds of the saved papers for the match levels
STRONG_Q, GOOD_Q = 0.5, 0.1   # held-out quantiles: strong as the median saved paper, good as the 10th percentile
# a handful of held-out papers is a noisy measure: the levels stay within these bounds (on the
# scale of the score: z(SVM) + z(dense); on bench/rank_quality.py's splits, a paper of the
# library's subcategory is 1 in 25 below 2, 1 in 10 at 2-3, 1 in 3-5 above 4)
GOOD_RANGE, STRONG_RANGE = (3.0, 6.0), (5.0, 10.0)
FALLBACK_LEVELS = (6.0, 3.5)  # too few saved papers to hold out (an interest statement)
N_WORDS = 6
NOTE_WEIGHT, READ_WEIGHT = 1.5, 1.25  # a saved paper with a note, one marked read: the user spent time on it


@dataclass
class Scored:
    paper_id: int
    score: float
    words: list[str] = field(default_factory=list)
    like: int | None = None
    match: str = ""
    interest: int = 0
    interest_name: str = ""  # with explain, when the library has several interests


@dataclass
class Library:
    """A fitted model of one library."""

    features: Features
    coef: np.ndarray
    intercept: float
    author_cols: dict[str, int]
    author_shown: dict[str, str]
    category_cols: dict[str, int]
    author_pull: np.ndarray        # per author key: how many saved papers (recent ones more) less dismissed
    comps: np.ndarray
    centroids: np.ndarray          # interests x components: the mean dense vector of each interest
    dismissed: np.ndarray          # dismissed x components
    scale: np.ndarray              # (mean, sd) of the SVM score, then of each interest's dense score
    pos_ids: np.ndarray
    pos_dense: np.ndarray
    levels: tuple[float, float] = FALLBACK_LEVELS
    sizes: list[int] = field(default_factory=list)
    interest_names: list[str] = field(default_factory=list)


@dataclass
class Signals:
    """What else the library says of its saved papers: a weight each (a note, a read
    paper: the user spent time on it) and its first tag (an interest the user named)."""

    weight: dict[int, float] = field(default_factory=dict)
    tag: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, states: Mapping[int, LibraryState]) -> Signals:
        weight = {pid: (NOTE_WEIGHT if st.note else 1.0) * (READ_WEIGHT if st.read_at else 1.0)
                  for pid, st in states.items() if st.note or st.read_at}
        return cls(weight, {pid: st.tags[0] for pid, st in states.items() if st.tags})


def _recency(ids: np.ndarray, saved_at: dict[int, str] | None) -> np.ndarray:
    if not saved_at:
        return np.ones(ids.size)
    order = sorted(range(ids.size), key=lambda i: saved_at.get(int(ids[i]), ""), reverse=True)
    weights = np.empty(ids.size)
    for rank, i in enumerate(order):  # zotero-arxiv-daily: 1 / (1 + log10(rank + 1))
        weights[i] = 1.0 / (1.0 + math.log10(rank + 1))
    return weights


Meta = tuple[str, str, str]  # a paper's authors and categories (JSON lists) and its primary category


def _meta(store: Store, ids: np.ndarray) -> list[Meta]:
    found = reads.people_and_fields_of(store.conn, [int(i) for i in ids.tolist() if i >= 0])
    return [found.get(int(i), ("[]", "[]", "")) for i in ids.tolist()]


def _columns(meta: list[Meta]) -> tuple[dict[str, int], dict[str, str], dict[str, int]]:
    """A column per author key of these papers (and a name to show for each), and a
    column per category."""
    cols: dict[str, int] = {}
    shown: dict[str, str] = {}
    cats: dict[str, int] = {}
    for authors, categories, primary in meta:
        for name in author_names(authors):
            key = author_key(name)
            if key is not None and key not in cols:
                cols[key] = len(cols)
                shown[key] = name
        for cat in [primary, *decode_list(categories)]:
            if cat and cat not in cats:
                cats[cat] = len(cats)
    return cols, shown, cats


def category_block(meta: list[Meta], columns: dict[str, int]) -> sp.csr_matrix:
    """A paper's categories as features: its primary category 1, a cross-listing ½."""
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    for r, (_, categories, primary) in enumerate(meta):
        weights = dict.fromkeys(decode_list(categories), 0.5)
        if primary:
            weights[primary] = 1.0
        for cat, w in weights.items():
            if cat in columns:
                rows.append(r)
                cols.append(columns[cat])
                data.append(w)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(meta), max(len(columns), 1)))


def _with_blocks(x: sp.csr_matrix, people: sp.csr_matrix, meta: list[Meta], cats: dict[str, int]) -> sp.csr_matrix:
    """The text's features, then the author keys', then the categories'."""
    return sp.hstack([x, people * AUTHOR_WEIGHT, category_block(meta, cats) * CATEGORY_WEIGHT], format="csr")


def _people(meta: list[Meta], cols: dict[str, int]) -> sp.csr_matrix:
    return author_block([m[0] for m in meta], cols)


def _author_bonus(people: sp.csr_matrix, pull: np.ndarray) -> np.ndarray:
    """Papers by the library's authors.  ``shared``: how many saved papers (recent ones
    more) share an author with it, less the dismissed ones; its root times
    :data:`AUTHOR_BONUS`; and :data:`FOLLOWED_BONUS` for each saved paper beyond the first
    of its most frequent author in the library:
    an author on several saved papers is someone the user follows (even when the same
    name is two people, which a name cannot tell apart)."""
    if pull.size == 0 or people.shape[1] != pull.size:
        return np.zeros(people.shape[0])
    shared = np.asarray(people @ pull).ravel()
    most = np.asarray(sp.csr_matrix(people.multiply(pull[None, :])).max(axis=1).todense()).ravel()
    return np.asarray(AUTHOR_BONUS * np.sign(shared) * np.sqrt(np.abs(shared))
                      + FOLLOWED_BONUS * np.maximum(most - 1.0, 0.0))


def _fit_svm(x: sp.csr_matrix, n_pos: int, n_neg: int, recency: np.ndarray,
             start: np.ndarray | None = None, tol: float = 1e-6) -> tuple[np.ndarray, float]:
    """Saved (first ``n_pos`` rows) against the rest; a dismissed paper (the next ``n_neg``)
    costs as much as a saved one, a sampled one as the balanced class weight says."""
    n = x.shape[0]
    pos_w = n / (2.0 * max(n_pos, 1))
    unl_w = n / (2.0 * max(n - n_pos, 1))
    weight = np.r_[recency * pos_w, np.full(n_neg, pos_w), np.full(n - n_pos - n_neg, unl_w)]
    y = np.r_[np.ones(n_pos), np.zeros(n - n_pos)]
    return fit_linear_svm(x, y, weight, c=SVM_C, class_weight=None, start=start, tol=tol)


def _tagged_interests(tags: list[str]) -> list[np.ndarray] | None:
    """The saved papers grouped by their first tag, when the tags say what the interests
    are: at least two tags of two papers each, covering half of the library."""
    groups: dict[str, list[int]] = {}
    for i, tag in enumerate(tags):
        if tag:
            groups.setdefault(tag, []).append(i)
    big = [np.asarray(g) for g in groups.values() if len(g) >= 2]
    if len(big) < 2 or sum(g.size for g in big) * 2 < len(tags):
        return None
    return big[:MAX_INTERESTS]


def _interests(pos_dense: np.ndarray, tags: list[str]) -> np.ndarray:
    """The interest (0..k-1) of each saved paper: its tag's, when the library's tags name
    its interests; else average-linkage clusters of their dense vectors cut at
    :data:`INTEREST_CUT`.  A paper of no group joins the nearest one."""
    n = pos_dense.shape[0]
    tagged = _tagged_interests(tags)
    if tagged is not None:
        return _joined(pos_dense, tagged)
    if n < 4:
        return np.zeros(n, dtype=np.int64)
    from scipy.cluster.hierarchy import fcluster, linkage

    tree = linkage(pos_dense.astype(np.float64), method="average", metric="cosine")
    labels = fcluster(tree, INTEREST_CUT, criterion="distance")
    if labels.max() > MAX_INTERESTS:
        labels = fcluster(tree, MAX_INTERESTS, criterion="maxclust")
    groups = [np.flatnonzero(labels == g) for g in np.unique(labels)]
    return _joined(pos_dense, [g for g in groups if g.size >= 2] or [np.arange(n)])


def _joined(pos_dense: np.ndarray, big: list[np.ndarray]) -> np.ndarray:
    """Each paper's group: its own among ``big``, else the one with the nearest centroid."""
    centroids = np.stack([pos_dense[g].mean(axis=0) for g in big])
    out = np.asarray(np.argmax(pos_dense @ centroids.T, axis=1))
    for k, g in enumerate(big):
        out[g] = k
    return out


def _dense_scores(lib: Library, d: np.ndarray) -> np.ndarray:
    """Each row's dense score for each interest (rows x interests), unscaled."""
    s = d @ lib.centroids.T
    if lib.dismissed.shape[0]:
        s = s - DISMISSED_PULL * np.max(d @ lib.dismissed.T, axis=1, keepdims=True)
    return np.asarray(s)


def _combined(lib: Library, svm: np.ndarray, dense_s: np.ndarray) -> np.ndarray:
    """z(SVM) + z(dense), per interest (rows x interests)."""
    mu, sd = lib.scale[0], lib.scale[1]
    return np.asarray((svm[:, None] - mu[0]) / sd[0] + DENSE_WEIGHT * (dense_s - mu[1:]) / sd[1:])


def fit_library(store: Store, features: Features, saved_ids: list[int], dismissed_ids: list[int], *,
                saved_at: dict[int, str] | None = None, about: str | None = None, seed: int = 0,
                signals: Signals | None = None) -> Library | None:
    """The model of a library, or None when nothing is left to learn from."""
    pos_ids, pos = features.rows(saved_ids)
    if about and about.strip():
        extra = features.transform([about])
        if extra.nnz:
            pos_ids, pos = np.r_[pos_ids, -1], sp.vstack([pos, extra], format="csr")
    if pos_ids.size == 0:
        return None
    neg_ids, neg = features.rows(dismissed_ids)
    known = set(pos_ids.tolist()) | set(neg_ids.tolist())
    every = np.asarray(features.live_ids())
    rng = np.random.default_rng(seed)
    sample = every if every.size <= N_UNLABELED else every[np.sort(rng.choice(every.size, N_UNLABELED, False))]
    unl_ids, unl = features.rows(np.array([i for i in sample.tolist() if i not in known], dtype=np.int64))
    meta = _meta(store, np.r_[pos_ids, neg_ids, unl_ids])
    n_pos, n_neg = pos.shape[0], neg.shape[0]
    cols, shown, cats = _columns(meta[:n_pos + n_neg])
    people = _people(meta, cols)
    x = _with_blocks(sp.vstack([pos, neg, unl], format="csr"), people, meta, cats)
    signals = signals or Signals()
    recency = _recency(pos_ids, saved_at) * np.array([signals.weight.get(int(i), 1.0) for i in pos_ids])
    coef, intercept = _fit_svm(x, n_pos, n_neg, recency)
    pull = _pull(people, n_pos, n_neg, recency)
    comps = dense.components(features)
    pos_dense = dense.project(pos, comps)
    tags = [signals.tag.get(int(i), "") for i in pos_ids]
    groups = _interests(pos_dense, tags)
    centroids = np.stack([pos_dense[groups == g].mean(axis=0) for g in range(int(groups.max()) + 1)])
    lib = Library(features, coef, intercept, cols, shown, cats, pull, comps, centroids, dense.project(neg, comps),
                  np.zeros((2, 1)), pos_ids, pos_dense, sizes=np.bincount(groups).tolist())
    svm_u = x[n_pos + n_neg:] @ coef + intercept
    dense_u = _dense_scores(lib, dense.project(unl, comps))
    lib.scale = np.array([np.r_[svm_u.mean(), dense_u.mean(axis=0)],
                          np.r_[svm_u.std() or 1.0, np.where(dense_u.std(axis=0) > 0, dense_u.std(axis=0), 1.0)]])
    lib.levels = _levels(lib, x, people, n_pos, n_neg, recency, groups)
    lib.interest_names = _interest_names(features, pos, groups, tags)
    return lib


def _interest_names(features: Features, pos: sp.csr_matrix, groups: np.ndarray, tags: list[str]) -> list[str]:
    """What each interest is called: the tag its papers share, else the words that weigh
    most in their mean TF-IDF row."""
    terms = features.terms()
    names: list[str] = []
    for g in range(int(groups.max()) + 1):
        members = np.flatnonzero(groups == g)
        shared = {tags[i] for i in members.tolist()}
        if len(shared) == 1 and "" not in shared:
            names.append(shared.pop())
            continue
        mean = np.asarray(pos[members].mean(axis=0)).ravel()
        words = [str(terms[j]) for j in np.argsort(-mean)[:12].tolist()
                 if mean[j] > 0 and j < terms.size and "_" not in str(terms[j]) and len(str(terms[j])) > 2]
        names.append(", ".join(words[:3]))
    return names


def _pull(people: sp.csr_matrix, n_pos: int, n_neg: int, recency: np.ndarray) -> np.ndarray:
    """Per author key: the saved papers with it (weighted by recency) less the dismissed."""
    saved = np.asarray(people[:n_pos].T @ recency).ravel()
    dismissed = np.asarray(people[n_pos:n_pos + n_neg].sum(axis=0)).ravel()
    return np.asarray(saved - dismissed)


def _levels(lib: Library, x: sp.csr_matrix, people: sp.csr_matrix, n_pos: int, n_neg: int, recency: np.ndarray,
            groups: np.ndarray) -> tuple[float, float]:
    """(strong, good) thresholds: how the saved papers score when held out of the model,
    a fold at a time (each against its interest's other papers in the dense view)."""
    real = np.flatnonzero(lib.pos_ids >= 0)
    if real.size < 3:
        return FALLBACK_LEVELS
    folds = np.arange(real.size) % min(FOLDS, real.size)
    held: list[float] = []
    for f in range(int(folds.max()) + 1):
        out = real[folds == f]
        keep = np.setdiff1d(np.arange(n_pos), out)
        rows = np.r_[keep, np.arange(n_pos, x.shape[0])]
        coef, intercept = _fit_svm(x[rows], keep.size, n_neg, recency[keep], start=np.r_[lib.coef, lib.intercept],
                                   tol=1e-3)
        svm = x[out] @ coef + intercept
        svm_u = x[n_pos + n_neg:] @ coef + intercept
        svm_z = (svm - svm_u.mean()) / (svm_u.std() or 1.0)
        bonus = _author_bonus(people[out], _pull(people[rows], keep.size, n_neg, recency[keep]))
        for j, i in enumerate(out.tolist()):
            others = keep[groups[keep] == groups[i]]
            others = others if others.size else keep
            centroid = lib.pos_dense[others].mean(axis=0)
            d = lib.pos_dense[i]
            s = float(d @ centroid)
            if lib.dismissed.shape[0]:
                s -= DISMISSED_PULL * float(np.max(lib.dismissed @ d))
            g = int(groups[i]) + 1
            held.append(float(svm_z[j]) + DENSE_WEIGHT * (s - lib.scale[0][g]) / lib.scale[1][g] + float(bonus[j]))
    values = np.asarray(held)
    good = float(np.clip(np.quantile(values, GOOD_Q), *GOOD_RANGE))
    strong = float(np.clip(np.quantile(values, STRONG_Q), max(STRONG_RANGE[0], good + 1.5), STRONG_RANGE[1]))
    return strong, good


def _interleave(best: np.ndarray, interest: np.ndarray, weak: np.ndarray, sizes: list[int], n: int) -> list[int]:
    """The first ``n`` rows: by score within each interest, the interests taking turns
    (shares in proportion to the square root of their sizes), weak matches after the rest."""
    queues = [[int(i) for i in np.argsort(-np.where(interest == g, best, -np.inf), kind="stable")
               if interest[i] == g] for g in range(len(sizes))]
    share = np.sqrt(np.maximum(np.asarray(sizes, dtype=np.float64), 1.0))
    taken = np.zeros(len(sizes))
    out: list[int] = []
    heads = [0] * len(sizes)
    while len(out) < n:
        ready = [g for g in range(len(sizes)) if heads[g] < len(queues[g]) and not weak[queues[g][heads[g]]]]
        if not ready:
            break
        g = min(ready, key=lambda k: (taken[k] / share[k], -best[queues[k][heads[k]]]))
        out.append(queues[g][heads[g]])
        heads[g] += 1
        taken[g] += 1
    rest = [int(i) for i in np.argsort(-best, kind="stable") if weak[i]]
    return out + rest[:n - len(out)]


def _level(lib: Library, score: float) -> str:
    strong, good = lib.levels
    return "strong" if score >= strong else "good" if score >= good else "weak"


def rank_candidates(store: Store, lib: Library, candidate_ids: list[int], *, n: int,
                    min_score: float | None = None, explain: bool = False) -> list[Scored]:
    """The best ``n`` candidates (saved and dismissed papers never among them), each with
    its score, match level and interest; with ``explain``, its words and nearest saved paper."""
    known = set(lib.pos_ids.tolist())
    cand_ids, cx = lib.features.rows([c for c in candidate_ids if c not in known])
    if cand_ids.size == 0:
        return []
    meta = _meta(store, cand_ids)
    people = _people(meta, lib.author_cols)
    x = _with_blocks(cx, people, meta, lib.category_cols)
    svm = x @ lib.coef + lib.intercept
    d = dense.project(cx, lib.comps)
    per = _combined(lib, svm, _dense_scores(lib, d)) + _author_bonus(people, lib.author_pull)[:, None]
    interest = np.argmax(per, axis=1)
    best = per[np.arange(per.shape[0]), interest]
    weak = best < lib.levels[1]
    order = _interleave(best, interest, weak, lib.sizes, n if min_score is None else per.shape[0])
    if min_score is not None:
        order = [i for i in order if best[i] >= min_score][:n]
    out = []
    for i in order:
        item = Scored(int(cand_ids[i]), float(best[i]), match=_level(lib, float(best[i])), interest=int(interest[i]))
        if explain:
            _explain(lib, item, x[i], people[i], d[i])
            if len(lib.interest_names) > 1:
                item.interest_name = lib.interest_names[item.interest]
        out.append(item)
    return out


def _explain(lib: Library, item: Scored, row: sp.csr_matrix, people: sp.csr_matrix, d: np.ndarray) -> None:
    """The library's authors on the paper and the words that drove the score, in the
    user's words, and the saved paper it is most like (in the dense view)."""
    terms = lib.features.terms()
    width = terms.size
    names = {col: lib.author_shown[key] for key, col in lib.author_cols.items()}
    words = [f"author: {names[int(c)]}" for c in people.indices if lib.author_pull[int(c)] > 0]
    contrib = row.data * lib.coef[row.indices]
    for j in np.argsort(-contrib).tolist():
        if contrib[j] <= 0 or len(words) >= N_WORDS:
            break
        col = int(row.indices[j])
        if col < width and "_" not in str(terms[col]):  # text words only (no tokens of a store built before)
            words.append(str(terms[col]))
    item.words = words[:N_WORDS]
    real = np.flatnonzero(lib.pos_ids >= 0)
    if real.size:
        item.like = int(lib.pos_ids[real[int(np.argmax(lib.pos_dense[real] @ d))]])


def settings_of_the_fit() -> list[float]:
    """The settings a fitted model depends on (part of its key in :mod:`hubcli.rank.fitted`)."""
    return [N_UNLABELED, AUTHOR_BONUS, FOLLOWED_BONUS, CATEGORY_WEIGHT, AUTHOR_WEIGHT, DENSE_WEIGHT, DISMISSED_PULL,
            INTEREST_CUT, MAX_INTERESTS, FOLDS, STRONG_Q, GOOD_Q, *GOOD_RANGE, *STRONG_RANGE, *FALLBACK_LEVELS, SVM_C]
