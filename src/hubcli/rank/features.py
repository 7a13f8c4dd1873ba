"""The feature store: TF-IDF rows for every paper, on disk beside the database.

Layout of ``<database>.features/`` (a cache: deleting it only costs a rebuild)::

    manifest.json            vocabulary version, the change mark, the chunk list
    vocab.pkl                the fitted TfidfVectorizer (vocabulary + IDF, frozen)
    c00000/ ids.npy          paper ids of the chunk's rows, ascending
            indptr.npy indices.npy data.npy   CSR rows, L2-normalised float32 TF-IDF
            live.npy         False where a later chunk holds a newer row of the same paper

The vocabulary and IDF are fitted once on a sample of up to :data:`FIT_SAMPLE` papers and
then frozen, so an update only *adds* rows (the papers whose ``changed_at`` is past the
mark): nothing already stored is recomputed.  The vocabulary is refitted (and every row
rebuilt) only when the cache has grown to :data:`REFIT_GROWTH` times the papers it was
fitted on.  Rows are memory-mapped when read, so a query touches only the pages it needs.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pickle
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from hubcli.store.db import Store

FORMAT = 1
FIT_SAMPLE = 50_000      # papers the vocabulary is fitted on
REFIT_GROWTH = 4         # refit when the cache holds this many times the fitted papers
CHUNK_ROWS = 100_000     # rows per chunk when building
MAX_CHUNKS = 64          # more small chunks than this: compacted into one on update
READ_BATCH = 5_000       # papers read from SQLite and vectorised at a time

VECTORIZER_PARAMS: dict[str, Any] = {
    # arxiv-sanity-lite's settings (DESIGN.md), min_df relaxed for small caches
    "ngram_range": (1, 2), "max_features": 20_000, "max_df": 0.1, "sublinear_tf": True,
    "stop_words": "english", "strip_accents": "unicode", "dtype": np.float32,
}


def features_dir(store: Store) -> Path:
    """Where the features of this database live: beside it, so HUB_HOME or --db moves both."""
    return store.path.with_name(store.path.name + ".features")


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
        self._index: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def vectorizer(self) -> Any:
        if self._vectorizer is None:
            with open(self.root / "vocab.pkl", "rb") as handle:
                self._vectorizer = pickle.load(handle)  # our own cache file, written by update_features
        return self._vectorizer

    @property
    def n_features(self) -> int:
        return int(self.manifest["n_features"])

    def terms(self) -> np.ndarray:
        return self.vectorizer.get_feature_names_out()  # type: ignore[no-any-return]

    @property
    def chunks(self) -> list[Chunk]:
        if self._chunks is None:
            self._chunks = [_load_chunk(self.root / name, self.n_features) for name in self.manifest["chunks"]]
        return self._chunks

    def __len__(self) -> int:
        return sum(int(c.live.sum()) for c in self.chunks)

    def _locations(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All live rows as (sorted ids, chunk number, row number)."""
        if self._index is None:
            ids, where, rows = [], [], []
            for k, chunk in enumerate(self.chunks):
                live = np.flatnonzero(chunk.live)
                ids.append(np.asarray(chunk.ids[live]))
                where.append(np.full(live.size, k, dtype=np.int32))
                rows.append(live.astype(np.int64))
            all_ids = np.concatenate(ids) if ids else np.empty(0, np.int64)
            order = np.argsort(all_ids, kind="stable")
            self._index = (all_ids[order],
                           (np.concatenate(where) if where else np.empty(0, np.int32))[order],
                           (np.concatenate(rows) if rows else np.empty(0, np.int64))[order])
        return self._index

    def rows(self, paper_ids: list[int] | np.ndarray) -> tuple[np.ndarray, sp.csr_matrix]:
        """The rows of the papers that have one: (their ids, in the order asked, and the matrix)."""
        wanted = np.asarray(paper_ids, dtype=np.int64)
        ids, where, rows = self._locations()
        pos = np.searchsorted(ids, wanted)
        pos = np.minimum(pos, max(ids.size - 1, 0))
        found = (ids.size > 0) & (ids[pos] == wanted) if ids.size else np.zeros(wanted.size, bool)
        wanted, pos = wanted[found], pos[found]
        if wanted.size == 0:
            return wanted, sp.csr_matrix((0, self.n_features), dtype=np.float32)
        chunk_of, row_of = where[pos], rows[pos]
        parts, order = [], []
        for k in np.unique(chunk_of):
            sel = np.flatnonzero(chunk_of == k)
            parts.append(self.chunks[int(k)].matrix[row_of[sel]])
            order.append(sel)
        stacked = sp.vstack(parts, format="csr")
        inverse = np.empty(wanted.size, dtype=np.int64)
        inverse[np.concatenate(order)] = np.arange(wanted.size)
        return wanted, stacked[inverse]

    def iter_chunks(self) -> Iterator[Chunk]:
        yield from self.chunks

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        return self.vectorizer.transform(texts).astype(np.float32).tocsr()  # type: ignore[no-any-return]


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
    if manifest.get("format") != FORMAT or not (root / "vocab.pkl").exists():
        return None
    return manifest


def open_features(store: Store) -> Features | None:
    """The stored features, or None when none were built yet."""
    root = features_dir(store)
    manifest = _read_manifest(root)
    return Features(root, manifest) if manifest else None


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # one writer at a time; readers use the manifest
        try:
            yield
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


def _fit(conn: sqlite3.Connection, total: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if total > FIT_SAMPLE:
        # an even sample across ids: papers of every period and source
        rows = conn.execute(
            "SELECT title, abstract, authors FROM papers WHERE id IN"
            " (SELECT id FROM papers ORDER BY random() LIMIT ?)", (FIT_SAMPLE,)).fetchall()
    else:
        rows = conn.execute("SELECT title, abstract, authors FROM papers").fetchall()
    texts = [paper_text(*r) for r in rows]
    params = dict(VECTORIZER_PARAMS, min_df=_min_df(len(texts)))
    if len(texts) < 50:
        params["max_df"] = 1.0
    vectorizer = TfidfVectorizer(**params)
    try:
        vectorizer.fit(texts)
    except ValueError:  # too few papers or words for the thresholds: keep every word
        vectorizer = TfidfVectorizer(**dict(params, min_df=1, max_df=1.0))
        vectorizer.fit(texts or ["empty"])
    return vectorizer, len(texts)


def _write_chunk(root: Path, name: str, ids: list[int], matrix: sp.csr_matrix) -> None:
    path = root / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    order = np.argsort(np.asarray(ids, dtype=np.int64), kind="stable")
    matrix = matrix[order]
    matrix.sort_indices()
    _save_npy(path / "ids.npy", np.asarray(ids, dtype=np.int64)[order])
    _save_npy(path / "indptr.npy", matrix.indptr.astype(np.int32))  # < 2**31 values a chunk: no upcast on read
    _save_npy(path / "indices.npy", matrix.indices.astype(np.int32))
    _save_npy(path / "data.npy", matrix.data.astype(np.float32))
    _save_npy(path / "live.npy", np.ones(len(ids), dtype=bool))


def update_features(store: Store, *, rebuild: bool = False) -> UpdateResult:
    """Add feature rows for the papers changed since the last update.

    Cheap when nothing changed (one indexed query).  The first call (or ``rebuild``, or a
    cache grown :data:`REFIT_GROWTH`-fold since the fit) fits the vocabulary and builds
    every row, in chunks, with bounded memory.
    """
    root = features_dir(store)
    conn = store.conn
    with _locked(root):
        manifest = None if rebuild else _read_manifest(root)
        total = store.paper_count()
        if manifest and manifest["fitted_on"] < FIT_SAMPLE and total >= REFIT_GROWTH * max(manifest["fitted_on"], 50):
            manifest = None
        if manifest and not conn.execute("SELECT 1 FROM papers WHERE changed_at > ? LIMIT 1",
                                         (manifest["mark"],)).fetchone():
            return UpdateResult(0, False, int(manifest["rows"]))
        refitted = manifest is None
        if manifest is None:
            for old in root.glob("c*"):
                shutil.rmtree(old, ignore_errors=True)
            vectorizer, fitted_on = _fit(conn, total)
            tmp = root / "vocab.pkl.tmp"
            with open(tmp, "wb") as handle:
                pickle.dump(vectorizer, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, root / "vocab.pkl")
            manifest = {"format": FORMAT, "fitted_on": fitted_on, "n_features": len(vectorizer.vocabulary_),
                        "mark": "", "chunks": [], "rows": 0, "next": 0}
        else:
            with open(root / "vocab.pkl", "rb") as source:
                vectorizer = pickle.load(source)
        features = Features(root, manifest)
        old_ids, _, _ = features._locations()
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
            _write_chunk(root, name, buf_ids, sp.vstack(buf_rows, format="csr"))
            new_chunks.append(name)
            added += len(buf_ids)
            buf_ids.clear()
            buf_rows.clear()

        for ids, texts, top in _iter_changed(conn, manifest["mark"]):
            buf_ids.extend(ids)
            buf_rows.append(vectorizer.transform(texts).astype(np.float32).tocsr())
            mark = max(mark, top)
            if len(buf_ids) >= CHUNK_ROWS:
                flush()
        flush()
        # rows superseded by the new ones (a paper's new version): no longer live
        new_ids = np.concatenate([np.load(root / n / "ids.npy") for n in new_chunks]) if new_chunks else None
        if new_ids is not None and old_ids.size:
            for chunk in features.chunks:
                dead = np.isin(chunk.ids, new_ids, assume_unique=False) & chunk.live
                if dead.any():
                    _save_npy(root / chunk.name / "live.npy", chunk.live & ~dead)
        manifest["chunks"] = list(manifest["chunks"]) + new_chunks
        manifest["mark"] = mark
        manifest["rows"] = int(sum(int(np.load(root / n / "live.npy").sum()) for n in manifest["chunks"]))
        _write_json(root / "manifest.json", manifest)
        if len(manifest["chunks"]) > MAX_CHUNKS:
            _compact(root, manifest)
        for stale in root.iterdir():  # leftovers of an interrupted update
            if stale.is_dir() and stale.name.startswith("c") and stale.name not in manifest["chunks"]:
                shutil.rmtree(stale, ignore_errors=True)
        return UpdateResult(added, refitted, int(manifest["rows"]))


def _compact(root: Path, manifest: dict[str, Any]) -> None:
    """Merge the small chunks made by many incremental updates into one."""
    features = Features(root, manifest)
    small = [c for c in features.chunks if c.ids.shape[0] < CHUNK_ROWS]
    if len(small) < 2:
        return
    ids = np.concatenate([np.asarray(c.ids[c.live]) for c in small])
    matrix = sp.vstack([c.matrix[np.flatnonzero(c.live)] for c in small], format="csr")
    name = f"c{manifest['next']:05d}"
    manifest["next"] += 1
    _write_chunk(root, name, ids.tolist(), matrix)
    merged = {c.name for c in small}
    manifest["chunks"] = [n for n in manifest["chunks"] if n not in merged] + [name]
    _write_json(root / "manifest.json", manifest)
