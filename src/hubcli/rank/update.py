"""Bringing the ranking features up to date: the papers changed since the last update get
rows, appended as a new chunk (their older rows masked out of ``live``).

The vocabulary and IDF are fitted once on up to :data:`FIT_SAMPLE` papers and frozen, so
an update only *adds* rows: nothing already stored is recomputed.  The vocabulary is
refitted (and every row rebuilt, beside the old features, which stay in use until it is
done) only when the cache has grown to :data:`REFIT_GROWTH` times the papers it was
fitted on.  Many small update chunks are merged into one (:data:`MAX_CHUNKS`).  Memory is
bounded whatever the size of the cache: papers are streamed from SQLite in batches of
:data:`READ_BATCH` and written in chunks of ``CHUNK_ROWS`` rows.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from hubcli.rank import chunks as chunk_store
from hubcli.rank.chunks import CHUNK_ROWS, FORMAT, Features, build_index, locked, read_manifest, save_npy
from hubcli.rank.paths import features_dir
from hubcli.rank.vocabulary import fit_vectorizer, load_vocabulary, paper_text, save_vocabulary, vectorize
from hubcli.store import features as reads
from hubcli.store.db import Store

FIT_SAMPLE = 50_000      # papers the vocabulary is fitted on
REFIT_GROWTH = 4         # refit when the cache holds this many times the fitted papers
MAX_CHUNKS = 64          # more small chunks than this: compacted into one on update
READ_BATCH = 2_000       # papers read from SQLite and vectorised at a time


@dataclass
class UpdateResult:
    added: int          # rows written
    refitted: bool      # the vocabulary was (re)fitted, every row rebuilt
    total: int          # live rows afterwards


def _iter_changed(conn: sqlite3.Connection, mark: str) -> Iterator[tuple[list[int], list[str], str]]:
    """Batches of (ids, texts, max changed_at) of the papers changed after ``mark``."""
    for rows in reads.changed_since(conn, mark, READ_BATCH):
        yield ([int(r[0]) for r in rows], [paper_text(r[1], r[2], r[3]) for r in rows],
               max(str(r[4]) for r in rows))


def _sample_texts(conn: sqlite3.Connection, total: int) -> tuple[Callable[[], Iterator[str]], int]:
    """A re-iterable stream of the texts the vocabulary is fitted on, and their number:
    every paper, or an even random sample of FIT_SAMPLE across ids (every period and
    source; seeded), read in batches so the texts are never all in memory."""
    sample: list[int] | None = None
    if total > FIT_SAMPLE:  # seeded: the same papers give the same vocabulary
        every = np.fromiter(reads.all_ids(conn), dtype=np.int64)
        picked = np.random.default_rng(0).choice(every.size, min(FIT_SAMPLE, every.size), replace=False)
        sample = np.sort(every[picked]).tolist()

    def texts() -> Iterator[str]:
        if sample is None:
            yield from (paper_text(*r) for r in reads.all_texts(conn, READ_BATCH))
            return
        for start in range(0, len(sample), 500):
            yield from (paper_text(*r) for r in reads.texts_of(conn, sample[start:start + 500]))

    count = len(sample) if sample is not None else reads.paper_count(conn)
    return texts, count


def _fit(conn: sqlite3.Connection, total: int) -> tuple[Any, int]:
    texts, count = _sample_texts(conn, total)
    return fit_vectorizer(texts, count), count


def update_features(store: Store, *, rebuild: bool = False, wait: bool = True) -> UpdateResult:
    """Add feature rows for the papers changed since the last update.

    Cheap when nothing changed (one indexed query).  The first call (or ``rebuild``, or a
    cache grown :data:`REFIT_GROWTH`-fold since the fit) fits the vocabulary and builds
    every row, in chunks, with bounded memory.  Without ``wait``, when another process is
    updating the features right now, the stored features are used as they are (the
    result says nothing was added) instead of waiting for it.
    """
    root = features_dir(store)
    with locked(root, wait=wait or read_manifest(root) is None) as got:
        if not got:
            stored = read_manifest(root) or {"rows": 0}
            return UpdateResult(0, False, int(stored["rows"]))
        return _update(store, root, rebuild)


def _write_vocabulary(root: Path, store: Store) -> tuple[Any, dict[str, Any]]:
    """Fit the vocabulary and write it (and its terms) under new names, beside the old
    files (readers use those until the manifest moves); a fresh manifest for it."""
    vectorizer, fitted_on = _fit(store.conn, store.paper_count())
    number = chunk_store.next_free(root)
    vocab, terms = f"idf-{number:05d}.npy", f"terms-{number:05d}.txt"
    save_vocabulary(root / terms, root / vocab, vectorizer)
    return vectorizer, {"format": FORMAT, "fitted_on": fitted_on, "n_features": len(vectorizer.vocabulary_),
                        "vocab": vocab, "terms": terms, "mark": "", "chunks": [], "rows": 0, "next": number + 1,
                        "index": None}


@dataclass
class _Writer:
    """Rows of changed papers, gathered and written as new chunks."""

    root: Path
    manifest: dict[str, Any]
    added: int = 0
    ids: list[int] = field(default_factory=list)
    rows: list[sp.csr_matrix] = field(default_factory=list)
    new_chunks: list[str] = field(default_factory=list)

    def add(self, ids: list[int], matrix: sp.csr_matrix) -> None:
        self.ids.extend(ids)
        self.rows.append(matrix)
        if len(self.ids) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.ids:
            return
        name = f"c{self.manifest['next']:05d}"
        self.manifest["next"] += 1
        chunk_store.write_chunk(self.root, name, np.asarray(self.ids, dtype=np.int64),
                                sp.vstack(self.rows, format="csr"))
        self.new_chunks.append(name)
        self.added += len(self.ids)
        self.ids.clear()
        self.rows.clear()


def _supersede(root: Path, features: Features, new_chunks: list[str]) -> None:
    """Rows superseded by the new ones (a paper's new version): no longer live."""
    new_ids = np.concatenate([np.load(root / n / "ids.npy", allow_pickle=False) for n in new_chunks])
    _, loc = features.find(new_ids)
    for k in np.unique(loc >> 32).tolist():
        chunk = features.chunks[k]
        live = chunk.live.copy()
        live[loc[(loc >> 32) == k] & 0xFFFFFFFF] = False
        save_npy(root / chunk.name / "live.npy", live)


def _finish(root: Path, manifest: dict[str, Any]) -> None:
    """A new id index, the manifest written last, then every file it no longer names removed."""
    if len(manifest["chunks"]) > MAX_CHUNKS:
        chunk_store.compact(root, manifest)
    index_ids, index_loc = build_index(Features(root, manifest).chunks)
    index = f"{manifest['next']:05d}"
    manifest["next"] += 1
    save_npy(root / f"ids-{index}.npy", index_ids)
    save_npy(root / f"loc-{index}.npy", index_loc)
    manifest["index"] = index
    manifest["rows"] = int(index_ids.size)
    chunk_store.write_json(root / "manifest.json", manifest)
    keep = {*manifest["chunks"], f"ids-{index}.npy", f"loc-{index}.npy", manifest["vocab"], manifest["terms"],
            "manifest.json", "lock", f"lsa-{manifest['vocab']}"}  # the dense view's components (rank/dense.py)
    for stale in root.iterdir():  # replaced files, leftovers of an interrupted update
        if stale.name in keep:
            continue
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def _update(store: Store, root: Path, rebuild: bool) -> UpdateResult:
    conn = store.conn
    manifest = None if rebuild else read_manifest(root)
    if manifest and not reads.any_changed_since(conn, manifest["mark"]):
        return UpdateResult(0, False, int(manifest["rows"]))
    if manifest and manifest["fitted_on"] < FIT_SAMPLE and \
            store.paper_count() >= REFIT_GROWTH * max(manifest["fitted_on"], 50):
        manifest = None
    refitted = manifest is None
    if manifest is None:
        vectorizer, manifest = _write_vocabulary(root, store)
    else:
        vectorizer = load_vocabulary(root / manifest["terms"], root / manifest["vocab"])
    features = Features(root, manifest)
    writer = _Writer(root, manifest)
    mark = manifest["mark"]
    for ids, texts, top in _iter_changed(conn, manifest["mark"]):
        writer.add(ids, vectorize(vectorizer, texts))
        mark = max(mark, top)
    writer.flush()
    if writer.new_chunks and manifest["chunks"]:
        _supersede(root, features, writer.new_chunks)
    manifest["chunks"] = list(manifest["chunks"]) + writer.new_chunks
    manifest["mark"] = mark
    _finish(root, manifest)
    return UpdateResult(writer.added, refitted, int(manifest["rows"]))
