"""The feature store: TF-IDF rows for every paper, on disk beside the database.

Layout of ``<database>.features/`` (a cache: deleting it only costs a rebuild)::

    manifest.json            format, the change mark, the chunk list, the index files
    vocab-00000.pkl          the TfidfVectorizer (fixed vocabulary + IDF, frozen)
    terms-00000.txt          its terms, one a line, by feature number (explanations)
    c00000/ ids.npy          paper ids of the chunk's rows, ascending
            indptr.npy indices.npy data.npy   CSR rows, L2-normalised float32 TF-IDF, int32 indices
            live.npy         False where a later chunk holds a newer row of the same paper
    ids-00007.npy loc-00007.npy   every live row: sorted paper ids, (chunk << 32 | row)

The vocabulary and IDF are fitted once on a sample of up to :data:`FIT_SAMPLE` papers and
then frozen, so an update only *adds* rows (the papers whose ``changed_at`` is past the
mark, appended as a new chunk; their older rows are masked out of ``live``): nothing
already stored is recomputed.  Every file but ``live.npy`` is written once under a new
name and the manifest replaced last, so readers (who do not lock) see the old features
or the new, never half of an update; a refit builds beside the old features, which stay
in use until it is done.  Many small update chunks are merged into one
(:data:`MAX_CHUNKS`).  The vocabulary is refitted (and every row rebuilt) only when the
cache has grown to :data:`REFIT_GROWTH` times the papers it was fitted on.

Memory is bounded whatever the size of the cache: papers are streamed from SQLite in
batches of :data:`READ_BATCH`, written in chunks of :data:`CHUNK_ROWS` rows, and the
vocabulary is counted without sklearn's dictionary of every word pair of the sample
(:func:`fit_vectorizer`: hashed counts first, exact counts only for the candidates).
Rows are memory-mapped when read, so a query touches only the pages it needs, and the
sorted id index makes finding the rows of some papers a binary search.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pickle
import re
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, pairwise
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from hubcli.rank.hooks import features_dir, refresh_if_enabled
from hubcli.store.db import Store

__all__ = ["Features", "UpdateResult", "analyzer", "features_dir", "fit_vectorizer", "open_features",
           "refresh_if_enabled", "update_features", "vectorize"]

FORMAT = 2
FIT_SAMPLE = 50_000      # papers the vocabulary is fitted on
REFIT_GROWTH = 4         # refit when the cache holds this many times the fitted papers
CHUNK_ROWS = 50_000      # rows per chunk when building
MAX_CHUNKS = 64          # more small chunks than this: compacted into one on update
READ_BATCH = 2_000       # papers read from SQLite and vectorised at a time
HASH_BITS = 22           # buckets of the first, hashed count of the vocabulary fit
CANDIDATES = 3           # exact counts for this many times max_features of the top buckets

VECTORIZER_PARAMS: dict[str, Any] = {
    # arxiv-sanity-lite's settings (DESIGN.md), min_df relaxed for small caches
    "ngram_range": (1, 2), "max_features": 20_000, "max_df": 0.1, "sublinear_tf": True,
    "stop_words": "english", "strip_accents": "unicode", "dtype": np.float32,
}


def paper_text(title: str, abstract: str, authors_json: str) -> str:
    try:
        authors = json.loads(authors_json or "[]")
    except ValueError:
        authors = []
    names = " ".join(str(a).replace(" ", "_") for a in authors if a) if isinstance(authors, list) else ""
    return f"{title}\n{title}\n{abstract}\n{names}"


def _min_df(n_docs: int) -> int:
    return 5 if n_docs >= 5_000 else 2 if n_docs >= 200 else 1


@dataclass
class Chunk:
    name: str
    ids: np.ndarray
    matrix: sp.csr_matrix
    live: np.ndarray


class Features:
    """A read view of the feature store (memory-mapped)."""

    def __init__(self, root: Path, manifest: dict[str, Any]) -> None:
        self.root = root
        self.manifest = manifest
        self._vectorizer: Any = None
        self._chunks: list[Chunk] | None = None
        self._index: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def vectorizer(self) -> Any:
        if self._vectorizer is None:
            with open(self.root / self.manifest["vocab"], "rb") as handle:
                self._vectorizer = pickle.load(handle)  # our own cache file, written by update_features
        return self._vectorizer

    @property
    def n_features(self) -> int:
        return int(self.manifest["n_features"])

    def terms(self) -> np.ndarray:
        """The vocabulary, by feature number (read without unpickling the vectorizer, so
        without importing scikit-learn)."""
        return np.array((self.root / self.manifest["terms"]).read_text("utf-8").split("\n"), dtype=object)

    @property
    def chunks(self) -> list[Chunk]:
        if self._chunks is None:
            self._chunks = [_load_chunk(self.root / name, self.n_features) for name in self.manifest["chunks"]]
        return self._chunks

    def __len__(self) -> int:
        return int(self._index_arrays()[0].size)

    def _index_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Every live row: (sorted paper ids, chunk number << 32 | row number), memory-mapped."""
        if self._index is None:
            name = self.manifest.get("index")
            if name:
                self._index = (np.load(self.root / f"ids-{name}.npy", mmap_mode="r"),
                               np.load(self.root / f"loc-{name}.npy", mmap_mode="r"))
            else:
                self._index = _build_index(self.chunks)
        return self._index

    def _locations(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All live rows as (sorted ids, chunk number, row number)."""
        ids, loc = self._index_arrays()
        loc = np.asarray(loc)
        return ids, (loc >> 32).astype(np.int32), loc & 0xFFFFFFFF

    def live_ids(self) -> np.ndarray:
        """The ids of every paper with a row, ascending (memory-mapped)."""
        return self._index_arrays()[0]

    def find(self, paper_ids: list[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the ids that have a row, in the order asked; their packed locations)."""
        wanted = np.asarray(paper_ids, dtype=np.int64).ravel()
        ids, loc = self._index_arrays()
        if ids.size == 0 or wanted.size == 0:
            return wanted[:0], np.empty(0, np.int64)
        pos = np.minimum(np.searchsorted(ids, wanted), ids.size - 1)
        found = ids[pos] == wanted
        return wanted[found], np.asarray(loc[pos[found]], dtype=np.int64)

    def rows(self, paper_ids: list[int] | np.ndarray) -> tuple[np.ndarray, sp.csr_matrix]:
        """The rows of the papers that have one: (their ids, in the order asked, and the matrix)."""
        wanted, loc = self.find(paper_ids)
        if wanted.size == 0:
            return wanted, sp.csr_matrix((0, self.n_features), dtype=np.float32)
        chunk_of, row_of = loc >> 32, loc & 0xFFFFFFFF
        parts, order = [], []
        for k in np.unique(chunk_of):
            sel = np.flatnonzero(chunk_of == k)
            parts.append(_take_rows(self.chunks[int(k)].matrix, row_of[sel]))
            order.append(sel)
        stacked = sp.vstack(parts, format="csr") if len(parts) > 1 else parts[0]
        inverse = np.empty(wanted.size, dtype=np.int64)
        inverse[np.concatenate(order)] = np.arange(wanted.size)
        return wanted, stacked[inverse]

    def iter_chunks(self) -> Iterator[Chunk]:
        yield from self.chunks

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        return vectorize(self.vectorizer, texts)


def _take_rows(matrix: sp.csr_matrix, rows: np.ndarray) -> sp.csr_matrix:
    """Rows of a memory-mapped CSR matrix, copying only those rows' values."""
    indptr = matrix.indptr
    starts = np.asarray(indptr[rows], dtype=np.int64)
    ends = np.asarray(indptr[rows + 1], dtype=np.int64)
    lengths = ends - starts
    new_indptr = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_indptr[1:])
    total = int(new_indptr[-1])
    # positions of every value: start of its row + offset within it
    take = np.repeat(starts - new_indptr[:-1], lengths) + np.arange(total, dtype=np.int64)
    return sp.csr_matrix((np.asarray(matrix.data[take]), np.asarray(matrix.indices[take]), new_indptr),
                         shape=(rows.size, matrix.shape[1]))


def _build_index(chunks: list[Chunk]) -> tuple[np.ndarray, np.ndarray]:
    ids, loc = [], []
    for k, chunk in enumerate(chunks):
        live = np.flatnonzero(chunk.live)
        ids.append(np.asarray(chunk.ids[live], dtype=np.int64))
        loc.append((np.int64(k) << 32) | live.astype(np.int64))
    if not ids:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    all_ids, all_loc = np.concatenate(ids), np.concatenate(loc)
    order = np.argsort(all_ids, kind="stable")
    return all_ids[order], all_loc[order]


def _load_chunk(path: Path, n_features: int) -> Chunk:
    def arr(name: str) -> np.ndarray:
        loaded: np.ndarray = np.load(path / name, mmap_mode="r")
        return loaded

    ids = arr("ids.npy")
    matrix = sp.csr_matrix((arr("data.npy"), arr("indices.npy"), arr("indptr.npy")),
                           shape=(ids.shape[0], n_features), copy=False)
    return Chunk(path.name, ids, matrix, np.load(path / "live.npy"))


def _read_manifest(root: Path) -> dict[str, Any] | None:
    try:
        manifest: dict[str, Any] = json.loads((root / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("format") != FORMAT or not all((root / str(manifest.get(k))).is_file() for k in ("vocab", "terms")):
        return None
    return manifest


def open_features(store: Store) -> Features | None:
    """The stored features, or None when none were built yet."""
    root = features_dir(store)
    manifest = _read_manifest(root)
    return Features(root, manifest) if manifest else None


@contextlib.contextmanager
def _locked(root: Path, wait: bool = True) -> Iterator[bool]:
    """Hold the writer's lock; without ``wait``, yields False when another process has it."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_json(path: Path, value: object) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value), "utf-8")
    os.replace(tmp, path)


def _save_npy(path: Path, value: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        np.save(handle, value)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@dataclass
class UpdateResult:
    added: int          # rows written
    refitted: bool      # the vocabulary was (re)fitted, every row rebuilt
    total: int          # live rows afterwards


def _iter_changed(conn: sqlite3.Connection, mark: str) -> Iterator[tuple[list[int], list[str], str]]:
    """Batches of (ids, texts, max changed_at) of the papers changed after ``mark``."""
    # one statement: one snapshot (WAL), so the mark matches the rows read
    cur = conn.execute(
        "SELECT id, title, abstract, authors, changed_at FROM papers WHERE changed_at > ? ORDER BY id", (mark,))
    while True:
        rows = cur.fetchmany(READ_BATCH)
        if not rows:
            return
        ids = [int(r[0]) for r in rows]
        texts = [paper_text(r[1], r[2], r[3]) for r in rows]
        top = max(str(r[4]) for r in rows)
        yield ids, texts, top


def _sample_texts(conn: sqlite3.Connection, total: int) -> tuple[Callable[[], Iterator[str]], int]:
    """A re-iterable stream of the texts the vocabulary is fitted on, and their number:
    every paper, or an even random sample of FIT_SAMPLE across ids (every period and
    source; seeded), read in batches so the texts are never all in memory."""
    sample: list[int] | None = None
    if total > FIT_SAMPLE:  # seeded: the same papers give the same vocabulary
        every = np.fromiter((r[0] for r in conn.execute("SELECT id FROM papers")), dtype=np.int64)
        picked = np.random.default_rng(0).choice(every.size, min(FIT_SAMPLE, every.size), replace=False)
        sample = np.sort(every[picked]).tolist()

    def texts() -> Iterator[str]:
        if sample is None:
            cur = conn.execute("SELECT title, abstract, authors FROM papers ORDER BY id")
            while rows := cur.fetchmany(READ_BATCH):
                yield from (paper_text(*r) for r in rows)
            return
        for start in range(0, len(sample), 500):
            part = sample[start:start + 500]
            rows = conn.execute("SELECT title, abstract, authors FROM papers WHERE id IN"
                                f" ({','.join('?' * len(part))})", part).fetchall()
            yield from (paper_text(*r) for r in rows)

    count = len(sample) if sample is not None else int(
        conn.execute("SELECT count(*) FROM papers").fetchone()[0])
    return texts, count


def _count_vocabulary(texts: Callable[[], Iterable[str]], params: dict[str, Any],
                      n_docs: int) -> tuple[list[str], np.ndarray]:
    """The vocabulary sklearn's TfidfVectorizer would fit with ``params`` (min_df, max_df,
    then the max_features most frequent terms; ties at the cut broken by the term) and
    each term's document frequency, in bounded memory: a first pass counts the terms
    hashed into 2**HASH_BITS buckets, a second counts exactly only the terms of the
    buckets that can hold a selected term.  sklearn's own fit keeps a dictionary of
    every distinct term (millions of word pairs: ~460 MB for 50,000 abstracts)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyze = analyzer(TfidfVectorizer(**params))
    low = params["min_df"] if isinstance(params["min_df"], int) else params["min_df"] * n_docs
    high = params["max_df"] if isinstance(params["max_df"], int) else params["max_df"] * n_docs
    limit = params.get("max_features")
    candidate = _candidate_buckets(texts, analyze, low, limit)
    mask = candidate.size - 1
    tf: Counter[str] = Counter()
    df: Counter[str] = Counter()
    for text in texts():
        tokens = list(analyze(text))
        h = np.fromiter((hash(t) for t in tokens), dtype=np.int64, count=len(tokens)) & mask
        kept = [tokens[i] for i in np.flatnonzero(candidate[h]).tolist()]
        tf.update(kept)
        df.update(set(kept))
    terms = [t for t, f in df.items() if low <= f <= high]
    if limit is not None and len(terms) > limit:
        terms.sort(key=lambda t: (-tf[t], t))
        terms = terms[:limit]
    terms.sort()
    return terms, np.array([df[t] for t in terms], dtype=np.float64)


_TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # sklearn's default


def analyzer(vectorizer: Any) -> Callable[[str], Iterable[str]]:
    """``vectorizer.build_analyzer()``: the terms of a text.  For VECTORIZER_PARAMS' word
    settings, the same terms (tests compare them) about 1.5 times as fast: stop words
    filtered with one set test, the word pairs joined by ``map`` instead of a Python loop."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, strip_accents_unicode

    v = vectorizer
    if not (v.analyzer == "word" and v.ngram_range == (1, 2) and v.stop_words == "english"
            and v.strip_accents == "unicode" and v.lowercase and v.token_pattern == _TOKEN_PATTERN
            and v.tokenizer is None and v.preprocessor is None and v.input == "content"):
        return v.build_analyzer()  # type: ignore[no-any-return]
    find = re.compile(_TOKEN_PATTERN).findall
    stop = frozenset(ENGLISH_STOP_WORDS)
    # accents stripped from the runs of non-ASCII characters only: the same text, as ASCII
    # characters decompose to themselves and start a new combining sequence (sklearn
    # strips the whole text, character by character, when it holds one accented name)
    non_ascii = re.compile(r"[^\x00-\x7f]+")

    def strip(match: re.Match[str]) -> str:
        return strip_accents_unicode(match.group())  # type: ignore[no-any-return]

    def analyze(text: str) -> Iterable[str]:
        text = text.lower()
        if not text.isascii():
            text = non_ascii.sub(strip, text)
        words = [w for w in find(text) if w not in stop]
        return chain(words, map(" ".join, pairwise(words)))

    return analyze


def vectorize(vectorizer: Any, texts: list[str]) -> sp.csr_matrix:
    """``vectorizer.transform(texts)`` as float32 CSR with sorted int32 indices, about 1.7
    times as fast for our settings (sublinear TF, IDF, L2 norm): the terms are looked up
    with ``dict.get`` (sklearn catches a KeyError for every word pair outside the
    vocabulary, most of them) and counted for the whole batch at once with numpy."""
    v = vectorizer
    if not (v.sublinear_tf and v.use_idf and v.norm == "l2" and not v.binary):
        return v.transform(texts).astype(np.float32).tocsr()  # type: ignore[no-any-return]
    analyze = analyzer(v)
    get = v.vocabulary_.get
    n, width = len(texts), len(v.vocabulary_)
    found: list[int] = []
    lengths: list[int] = []
    for text in texts:
        ids = [i for i in map(get, analyze(text)) if i is not None]
        found.extend(ids)
        lengths.append(len(ids))
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    keys, counts = np.unique(rows * width + np.asarray(found, dtype=np.int64), return_counts=True)
    row, col = keys // width, (keys % width).astype(np.int32)
    values = (np.log(counts) + 1.0) * np.asarray(v.idf_, dtype=np.float64)[col]
    values /= np.sqrt(np.bincount(row, weights=values * values, minlength=n))[row]
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])
    return sp.csr_matrix((values.astype(np.float32), col, indptr), shape=(n, width))


def _candidate_buckets(texts: Callable[[], Iterable[str]], analyze: Callable[[str], Iterable[str]],
                       low: float, limit: int | None) -> np.ndarray:
    """The hash buckets that can hold a term of the vocabulary (first pass)."""
    buckets = 1 << HASH_BITS
    mask = buckets - 1
    tf_b = np.zeros(buckets, dtype=np.int64)
    df_b = np.zeros(buckets, dtype=np.int64)
    hashes: list[np.ndarray] = []
    docs: list[np.ndarray] = []
    pending = 0

    def flush() -> None:
        nonlocal pending
        if not hashes:
            return
        h, d = np.concatenate(hashes), np.concatenate(docs)
        tf_b[:] += np.bincount(h, minlength=buckets)
        pairs = np.sort(d * buckets + h)  # each (paper, bucket) once: sorted, not np.unique's hash (6x slower)
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
        df_b[:] += np.bincount(pairs & mask, minlength=buckets)
        hashes.clear()
        docs.clear()
        pending = 0

    for d, text in enumerate(texts()):
        tokens = list(analyze(text))
        h = np.fromiter((hash(t) for t in tokens), dtype=np.int64, count=len(tokens)) & mask
        hashes.append(h)
        docs.append(np.full(h.size, d, dtype=np.int64))
        pending += h.size
        if pending >= 2_000_000:
            flush()
    flush()
    # a bucket's counts are at least those of each term in it: buckets below min_df hold no
    # term of the vocabulary, and with max_features, only the most frequent buckets can
    score = np.where(df_b >= low, tf_b, 0)
    wanted = np.flatnonzero(score)
    if limit is not None and wanted.size > CANDIDATES * limit:
        wanted = np.argpartition(-score, CANDIDATES * limit)[:CANDIDATES * limit]
        wanted = wanted[score[wanted] > 0]
    candidate = np.zeros(buckets, dtype=bool)
    candidate[wanted] = True
    return candidate


def fit_vectorizer(texts: Callable[[], Iterable[str]], n_docs: int) -> Any:
    """A TfidfVectorizer with VECTORIZER_PARAMS fitted on ``texts()`` (called twice), as
    a fixed vocabulary and IDF (sklearn's smooth IDF: ln((1 + n) / (1 + df)) + 1)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    params = dict(VECTORIZER_PARAMS, min_df=_min_df(n_docs))
    if n_docs < 50:
        params["max_df"] = 1.0
    terms, df = _count_vocabulary(texts, params, n_docs)
    if not terms:  # too few papers or words for the thresholds: keep every word
        params = dict(params, min_df=1, max_df=1.0)
        terms, df = _count_vocabulary(texts, params, n_docs)
    if not terms:
        terms, df = ["empty"], np.zeros(1)
    fixed = {k: v for k, v in params.items() if k not in ("min_df", "max_df", "max_features")}
    vectorizer = TfidfVectorizer(**fixed, vocabulary={t: i for i, t in enumerate(terms)})
    vectorizer.fit([""])
    vectorizer.idf_ = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
    return vectorizer


def _fit(conn: sqlite3.Connection, total: int) -> tuple[Any, int]:
    texts, count = _sample_texts(conn, total)
    return fit_vectorizer(texts, count), count


def _write_chunk(root: Path, name: str, ids: np.ndarray, matrix: sp.csr_matrix) -> None:
    path = root / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    ids = np.asarray(ids, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    if not np.array_equal(order, np.arange(ids.size)):
        matrix = matrix[order]
    matrix.sort_indices()
    _save_npy(path / "ids.npy", ids[order])
    _save_npy(path / "indptr.npy", matrix.indptr.astype(np.int32))  # < 2**31 values a chunk: no upcast on read
    _save_npy(path / "indices.npy", matrix.indices.astype(np.int32))
    _save_npy(path / "data.npy", matrix.data.astype(np.float32))
    _save_npy(path / "live.npy", np.ones(ids.size, dtype=bool))


def update_features(store: Store, *, rebuild: bool = False, wait: bool = True) -> UpdateResult:
    """Add feature rows for the papers changed since the last update.

    Cheap when nothing changed (one indexed query).  The first call (or ``rebuild``, or a
    cache grown :data:`REFIT_GROWTH`-fold since the fit) fits the vocabulary and builds
    every row, in chunks, with bounded memory.  Without ``wait``, when another process is
    updating the features right now, the stored features are used as they are (the
    result says nothing was added) instead of waiting for it.
    """
    root = features_dir(store)
    with _locked(root, wait=wait or _read_manifest(root) is None) as locked:
        if not locked:
            stored = _read_manifest(root) or {"rows": 0}
            return UpdateResult(0, False, int(stored["rows"]))
        return _update(store, root, rebuild)


def _next_free(root: Path) -> int:
    """A number no file of the store uses yet (names are never reused)."""
    numbers = [int(digits) for p in root.iterdir()
               if (digits := "".join(ch for ch in p.name if ch.isdigit())[:5]).isdigit()]
    return max(numbers, default=-1) + 1


def _update(store: Store, root: Path, rebuild: bool) -> UpdateResult:
    conn = store.conn
    manifest = None if rebuild else _read_manifest(root)
    if manifest and not conn.execute("SELECT 1 FROM papers WHERE changed_at > ? LIMIT 1",
                                     (manifest["mark"],)).fetchone():
        return UpdateResult(0, False, int(manifest["rows"]))
    if manifest and manifest["fitted_on"] < FIT_SAMPLE and \
            store.paper_count() >= REFIT_GROWTH * max(manifest["fitted_on"], 50):
        manifest = None
    refitted = manifest is None
    if manifest is None:
        vectorizer, fitted_on = _fit(conn, store.paper_count())
        number = _next_free(root)  # beside the old files: readers use those until the manifest moves
        vocab, terms = f"vocab-{number:05d}.pkl", f"terms-{number:05d}.txt"
        tmp = root / (vocab + ".tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(vectorizer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, root / vocab)
        tmp = root / (terms + ".tmp")
        tmp.write_text("\n".join(vectorizer.get_feature_names_out().tolist()), "utf-8")
        os.replace(tmp, root / terms)
        manifest = {"format": FORMAT, "fitted_on": fitted_on, "n_features": len(vectorizer.vocabulary_),
                    "vocab": vocab, "terms": terms, "mark": "", "chunks": [], "rows": 0, "next": number + 1,
                    "index": None}
    else:
        with open(root / manifest["vocab"], "rb") as source:
            vectorizer = pickle.load(source)
    features = Features(root, manifest)
    added = 0
    buf_ids: list[int] = []
    buf_rows: list[sp.csr_matrix] = []
    mark = manifest["mark"]
    new_chunks: list[str] = []

    def flush() -> None:
        nonlocal added
        if not buf_ids:
            return
        name = f"c{manifest['next']:05d}"
        manifest["next"] += 1
        _write_chunk(root, name, np.asarray(buf_ids, dtype=np.int64), sp.vstack(buf_rows, format="csr"))
        new_chunks.append(name)
        added += len(buf_ids)
        buf_ids.clear()
        buf_rows.clear()

    for ids, texts, top in _iter_changed(conn, manifest["mark"]):
        buf_ids.extend(ids)
        buf_rows.append(vectorize(vectorizer, texts))
        mark = max(mark, top)
        if len(buf_ids) >= CHUNK_ROWS:
            flush()
    flush()
    # rows superseded by the new ones (a paper's new version): no longer live
    if new_chunks and manifest["chunks"]:
        new_ids = np.concatenate([np.load(root / n / "ids.npy") for n in new_chunks])
        _, loc = features.find(new_ids)
        for k in np.unique(loc >> 32).tolist():
            chunk = features.chunks[k]
            live = chunk.live.copy()
            live[loc[(loc >> 32) == k] & 0xFFFFFFFF] = False
            _save_npy(root / chunk.name / "live.npy", live)
    manifest["chunks"] = list(manifest["chunks"]) + new_chunks
    manifest["mark"] = mark
    if len(manifest["chunks"]) > MAX_CHUNKS:
        _compact(root, manifest)
    final = Features(root, manifest)
    index_ids, index_loc = _build_index(final.chunks)
    index = f"{manifest['next']:05d}"
    manifest["next"] += 1
    _save_npy(root / f"ids-{index}.npy", index_ids)
    _save_npy(root / f"loc-{index}.npy", index_loc)
    manifest["index"] = index
    manifest["rows"] = int(index_ids.size)
    _write_json(root / "manifest.json", manifest)
    keep = {*manifest["chunks"], f"ids-{index}.npy", f"loc-{index}.npy", manifest["vocab"], manifest["terms"],
            "manifest.json", "lock"}
    for stale in root.iterdir():  # replaced files, leftovers of an interrupted update
        if stale.name in keep:
            continue
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    return UpdateResult(added, refitted, int(manifest["rows"]))


def _compact(root: Path, manifest: dict[str, Any]) -> None:
    """Merge the small chunks made by many incremental updates into one (in the manifest
    passed; the caller writes it)."""
    features = Features(root, manifest)
    small = [c for c in features.chunks if c.ids.shape[0] < CHUNK_ROWS]
    if len(small) < 2:
        return
    ids = np.concatenate([np.asarray(c.ids[c.live]) for c in small])
    matrix = sp.vstack([_take_rows(c.matrix, np.flatnonzero(c.live)) for c in small], format="csr")
    name = f"c{manifest['next']:05d}"
    manifest["next"] += 1
    _write_chunk(root, name, ids, matrix)
    merged = {c.name for c in small}
    manifest["chunks"] = [n for n in manifest["chunks"] if n not in merged] + [name]

