"""The chunk store of the ranking features, on disk beside the database.

Layout of ``<database>.features/`` (a cache: deleting it only costs a rebuild)::

    manifest.json            format, the change mark, the chunk list, the index files
    idf-00000.npy            the vocabulary's IDF (float32), by feature number
    terms-00000.txt          its terms, one a line, by feature number (the vectorizer is
                             rebuilt from these two: no pickle or other file that runs code)
    c00000/ ids.npy          paper ids of the chunk's rows, ascending
            indptr.npy indices.npy data.npy   CSR rows, L2-normalised float32 TF-IDF, int32 indices
            live.npy         False where a later chunk holds a newer row of the same paper
    ids-00007.npy loc-00007.npy   every live row: sorted paper ids, (chunk << 32 | row)

Every file but ``live.npy`` is written once under a new name and the manifest replaced
last, so readers (who do not lock) see the old features or the new, never half of an
update.  Rows are memory-mapped when read, so a query touches only the pages it needs,
and the sorted id index makes finding the rows of some papers a binary search.

Every array is read with ``allow_pickle=False``.  A store of an older format (format 2 kept
the vectorizer as a pickle) is rebuilt, never read; a damaged one (a truncated or missing
file, shapes that do not agree) fails :meth:`Features.verify` with :class:`Damaged`, and
``ensure_features`` rebuilds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from hubcli.rank.paths import features_dir
from hubcli.rank.vocabulary import load_vocabulary, vectorize
from hubcli.store.db import Store

FORMAT = 3  # 3: the vocabulary as terms + IDF arrays (2 pickled it: never read again)


class Damaged(Exception):
    """A feature store that cannot be read as written (the reason in English, for a log line)."""
CHUNK_ROWS = 50_000      # rows per chunk when building


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
            self._vectorizer = load_vocabulary(self.root / self.manifest["terms"], self.root / self.manifest["vocab"])
        return self._vectorizer

    def verify(self) -> None:
        """Raise :class:`Damaged` unless every file the manifest names reads back with the
        shapes it must have (memory-mapped: the headers and sizes are checked, not the rows)."""
        try:  # the vocabulary's files, not the vectorizer itself: building it imports scikit-learn
            idf = np.load(self.root / self.manifest["vocab"], mmap_mode="r", allow_pickle=False)
            if len(self.terms()) != self.n_features or idf.shape != (self.n_features,):
                raise ValueError("the vocabulary has the wrong size")
            for chunk in self.chunks:
                check_chunk(chunk)
            ids, loc = self._index_arrays()
            if ids.shape != loc.shape or ids.ndim != 1:
                raise ValueError("the id index files do not agree")
            if ids.size and int(np.asarray(loc[-1]) >> 32) >= len(self.chunks):
                raise ValueError("the id index names a chunk that is not there")
        except (OSError, ValueError, EOFError, KeyError, IndexError, TypeError) as exc:
            raise Damaged(f"{type(exc).__name__}: {exc}") from exc

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
            self._chunks = [load_chunk(self.root / name, self.n_features) for name in self.manifest["chunks"]]
        return self._chunks

    def __len__(self) -> int:
        return int(self._index_arrays()[0].size)

    def _index_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Every live row: (sorted paper ids, chunk number << 32 | row number), memory-mapped."""
        if self._index is None:
            name = self.manifest.get("index")
            if name:
                self._index = (np.load(self.root / f"ids-{name}.npy", mmap_mode="r", allow_pickle=False),
                               np.load(self.root / f"loc-{name}.npy", mmap_mode="r", allow_pickle=False))
            else:
                self._index = build_index(self.chunks)
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
            parts.append(take_rows(self.chunks[int(k)].matrix, row_of[sel]))
            order.append(sel)
        stacked = sp.vstack(parts, format="csr") if len(parts) > 1 else parts[0]
        inverse = np.empty(wanted.size, dtype=np.int64)
        inverse[np.concatenate(order)] = np.arange(wanted.size)
        return wanted, stacked[inverse]

    def iter_chunks(self) -> Iterator[Chunk]:
        yield from self.chunks

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        return vectorize(self.vectorizer, texts)


def take_rows(matrix: sp.csr_matrix, rows: np.ndarray) -> sp.csr_matrix:
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


def build_index(chunks: list[Chunk]) -> tuple[np.ndarray, np.ndarray]:
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


def check_chunk(chunk: Chunk) -> None:
    """A ValueError unless the chunk's arrays agree (a chunk cut short or mixed up)."""
    matrix, rows = chunk.matrix, int(chunk.ids.shape[0])
    if (chunk.ids.ndim != 1 or matrix.indptr.shape != (rows + 1,) or chunk.live.shape != (rows,)
            or matrix.indices.shape != matrix.data.shape
            or (rows and int(matrix.indptr[-1]) != matrix.data.shape[0])):
        raise ValueError(f"the arrays of chunk {chunk.name} do not agree")


def load_chunk(path: Path, n_features: int) -> Chunk:
    def arr(name: str) -> np.ndarray:
        loaded: np.ndarray = np.load(path / name, mmap_mode="r", allow_pickle=False)
        return loaded

    ids = arr("ids.npy")
    matrix = sp.csr_matrix((arr("data.npy"), arr("indices.npy"), arr("indptr.npy")),
                           shape=(ids.shape[0], n_features), copy=False)
    return Chunk(path.name, ids, matrix, np.load(path / "live.npy", allow_pickle=False))


def read_manifest(root: Path) -> dict[str, Any] | None:
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
    manifest = read_manifest(root)
    return Features(root, manifest) if manifest else None


@contextlib.contextmanager
def locked(root: Path, wait: bool = True) -> Iterator[bool]:
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


def write_json(path: Path, value: object) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value), "utf-8")
    os.replace(tmp, path)


def save_npy(path: Path, value: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        np.save(handle, value, allow_pickle=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_chunk(root: Path, name: str, ids: np.ndarray, matrix: sp.csr_matrix) -> None:
    path = root / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    ids = np.asarray(ids, dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    if not np.array_equal(order, np.arange(ids.size)):
        matrix = matrix[order]
    matrix.sort_indices()
    save_npy(path / "ids.npy", ids[order])
    save_npy(path / "indptr.npy", matrix.indptr.astype(np.int32))  # < 2**31 values a chunk: no upcast on read
    save_npy(path / "indices.npy", matrix.indices.astype(np.int32))
    save_npy(path / "data.npy", matrix.data.astype(np.float32))
    save_npy(path / "live.npy", np.ones(ids.size, dtype=bool))


def next_free(root: Path) -> int:
    """A number no file of the store uses yet (names are never reused)."""
    numbers = [int(digits) for p in root.iterdir()
               if (digits := "".join(ch for ch in p.name if ch.isdigit())[:5]).isdigit()]
    return max(numbers, default=-1) + 1


def compact(root: Path, manifest: dict[str, Any]) -> None:
    """Merge the small chunks made by many incremental updates into one (in the manifest
    passed; the caller writes it)."""
    features = Features(root, manifest)
    small = [c for c in features.chunks if c.ids.shape[0] < CHUNK_ROWS]
    if len(small) < 2:
        return
    ids = np.concatenate([np.asarray(c.ids[c.live]) for c in small])
    matrix = sp.vstack([take_rows(c.matrix, np.flatnonzero(c.live)) for c in small], format="csr")
    name = f"c{manifest['next']:05d}"
    manifest["next"] += 1
    write_chunk(root, name, ids, matrix)
    merged = {c.name for c in small}
    manifest["chunks"] = [n for n in manifest["chunks"] if n not in merged] + [name]
