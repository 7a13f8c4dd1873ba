"""Bulk writes for ``hub import``: large batches, one transaction each.

Every batch is committed whole, so an interrupted import keeps each finished batch,
leaves nothing half-written, and a re-run skips what is already stored (same identity
rules as sync: papers already stored go through :meth:`PaperWriter.merge`).

Two ways to keep the secondary indexes and the full-text index in step:

*incremental* (small imports, or into a large cache): each batch adds its papers, links
and sources with ``executemany`` and then its full-text rows with one ``INSERT … SELECT``
in the same transaction; the per-row insert trigger stands aside for that (the ``fts_from``
mark below, set and cleared inside the batch's transaction, invisible to anyone else).

*bulk load* (50,000 papers or more, and at least twice as many as are stored):
one transaction records the load in ``state`` and drops the secondary indexes; batches
then only append rows; at the end the indexes are created again (sorting once instead of
inserting row by row) and the full-text rows of everything new are added in a few large
chunks.  The record is two ``state`` rows:

- ``fts_from``: papers with ``id >= fts_from`` are not in the full-text index yet (the
  triggers of ``m004_bulk_fts`` leave them alone; a chunked ``INSERT … SELECT`` adds them);
- ``bulk_indexes``: the ``CREATE INDEX`` statements of the dropped indexes.

Ctrl-C stops reading and still finishes the load (a second Ctrl-C, a crash or a kill
leave the record behind); the next ``hub import``, of any file, takes an unfinished load
over and finishes it.  Readers and other writers see a correct database all along (only
slower queries, and search misses the papers not indexed yet), and any number of imports
may run at once: every step re-reads the record inside its own transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3

from hubcli.authors import match_columns
from hubcli.categories import category_keys
from hubcli.models import Paper
from hubcli.store.db import Store, now_iso
from hubcli.store.papers import insert_sql, paper_values
from hubcli.store.write import (
    SELECT_STORED,
    PaperWriter,
    StoredRow,
    UpsertCounts,
    source_id,
)
from hubcli.sync_models import Source
from hubcli.text import clean_fast

AUTHOR_CACHE_LIMIT = 100_000  # names remembered between batches (~150 bytes each)
# SQLite page cache of the import connection (the sorter of CREATE INDEX uses as much
# again): the identity indexes' pages stay cached in the OS either way; 32 MB instead of
# 128 MB took the peak of a 1M import from 384 to ~250 MB at the same CPU time (issue 23)
IMPORT_CACHE_KIB = 32 * 1024
BULK_MIN_PAPERS = 50_000  # smallest import worth dropping and re-creating the indexes for
FTS_CHUNK = 250_000  # papers per transaction when the full-text index catches up
# secondary indexes a bulk load drops and creates again (unique ones stay: they are identity)
DEFERRED_INDEXES = ("papers_published", "papers_doi", "papers_changed", "paper_authors_author",
                    "paper_categories_category", "paper_sources_source", "idx_authors_surname_given_initial")

_SELECT_STORED = SELECT_STORED + " WHERE key IN (SELECT value FROM json_each(?))"
_INSERT_PAPER = insert_sql(with_id=True)
_FTS_CATCH_UP = (
    "INSERT INTO papers_fts(rowid, title, abstract, authors)"
    " SELECT id, title, abstract, authors FROM papers WHERE id >= ? AND id < ?"
)


def load_pending(conn: sqlite3.Connection) -> bool:
    """Whether a bulk load is recorded (running, or abandoned by a crash)."""
    return conn.execute("SELECT 1 FROM state WHERE key IN ('fts_from', 'bulk_indexes') LIMIT 1").fetchone() is not None


def finish_load(store: Store) -> bool:
    """Create the dropped indexes again and bring the full-text index up to date.

    Safe to run at any time, by any process, even while another import is running: each
    step is its own transaction and re-reads the record.  True when a load was finished.
    """
    conn = store.conn
    did = False
    while True:
        with store.transaction():
            pending = store.get_state("bulk_indexes")
            if pending is None:
                break
            statements = json.loads(pending)
            if statements:
                sql = statements.pop(0)
                conn.execute(re.sub(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+", r"CREATE \1INDEX IF NOT EXISTS ", sql))
            if statements:
                store.set_state("bulk_indexes", json.dumps(statements))
            else:
                conn.execute("DELETE FROM state WHERE key = 'bulk_indexes'")
        did = True
    while True:
        with store.transaction():
            start = store.get_state("fts_from")
            if start is None:
                break
            first = int(start)
            last = int(conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0])
            upto = min(first + FTS_CHUNK, last + 1)
            if upto > first:
                conn.execute(_FTS_CATCH_UP, (first, upto))
            if upto > last:
                conn.execute("DELETE FROM state WHERE key = 'fts_from'")
            else:
                store.set_state("fts_from", str(upto))
        did = True
    return did


class BulkWriter:
    """Writes batches of papers from one source; use one for a whole import.

    ``expected``: roughly how many papers the import brings; from 50,000 up, and when at
    least twice as many as are stored, the import is a bulk load (see the module doc)."""

    def __init__(self, store: Store, source: Source, *, expected: int = 0,
                 author_cache_limit: int | None = None) -> None:
        self.store = store
        self.source = source
        self.author_cache_limit = author_cache_limit or AUTHOR_CACHE_LIMIT
        self._author_ids: dict[str, int] = {}
        self._source_id: int | None = None
        self.bulk_load = False
        self.inserted = 0
        conn = store.conn
        conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        stored = int(conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0])
        if load_pending(conn) or (expected >= BULK_MIN_PAPERS and expected >= 2 * stored):
            self._start_load()

    def _start_load(self) -> None:
        self.bulk_load = True
        with self.store.transaction() as conn:
            if load_pending(conn):  # an abandoned load (or a concurrent one): carry on with it
                return
            first = int(conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]) + 1
            marks = ",".join("?" * len(DEFERRED_INDEXES))
            found = conn.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})", DEFERRED_INDEXES
            ).fetchall()
            self.store.set_state("fts_from", str(first))
            self.store.set_state("bulk_indexes", json.dumps([sql for _name, sql in found]))
            for name, _sql in found:
                conn.execute(f'DROP INDEX "{name}"')

    def finish(self) -> None:
        """After the last batch (or Ctrl-C): finish a bulk load, refresh the planner's statistics."""
        finished = False
        if self.bulk_load:
            finished = finish_load(self.store)
            self.bulk_load = False
        if self.inserted or finished:  # sampled statistics: a second or so, however large the cache
            conn = self.store.conn
            conn.execute("PRAGMA analysis_limit = 2000")
            conn.execute("ANALYZE")
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    # --- one batch ------------------------------------------------------------------

    def write(self, papers: list[Paper]) -> UpsertCounts:
        counts = UpsertCounts()
        if not papers:
            return counts
        with self.store.transaction() as conn:
            if self._source_id is None:
                self._source_id = source_id(conn, self.source)
            sid = self._source_id
            for paper in papers:
                paper.authors = [a for a in (clean_fast(n) for n in paper.authors) if a]
            keys = list(dict.fromkeys(p.key for p in papers))
            rows = conn.execute(_SELECT_STORED, (json.dumps(keys),))
            stored = {row.key: row for row in map(StoredRow.from_row, rows)}
            fresh: list[Paper] = []
            known: list[Paper] = []
            repeated: list[Paper] = []
            taken: set[str] = set()
            for paper in papers:
                if paper.key in taken:
                    repeated.append(paper)
                    continue
                taken.add(paper.key)
                (known if paper.key in stored else fresh).append(paper)
            if fresh:
                self._insert(conn, fresh, sid)
                counts.new += len(fresh)
                self.inserted += len(fresh)
            if known or repeated:
                writer = PaperWriter(conn)
                for paper in known:
                    if writer.merge(stored[paper.key], paper):
                        counts.updated += 1
                    else:
                        counts.unchanged += 1
                conn.executemany(
                    "INSERT OR IGNORE INTO paper_sources(paper_id, source_id, first_seen) VALUES (?,?,?)",
                    [(stored[p.key].id, sid, writer.now) for p in known],
                )
                for paper in repeated:  # the same paper twice in one batch: merged in file order
                    writer.upsert(paper, sid, counts)
        return counts

    def _insert(self, conn: sqlite3.Connection, papers: list[Paper], sid: int) -> None:
        now = now_iso()
        first = int(conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]) + 1
        author_ids = self._resolve_authors(conn, papers)
        rows = []
        links = []
        categories = []
        for paper_id, paper in enumerate(papers, start=first):
            published = paper.published
            rows.append((paper_id, *paper_values(paper), now, now))
            names = paper.authors
            if len(names) == len(set(names)):
                links += [(paper_id, position, author_ids[name], published) for position, name in enumerate(names)]
            else:  # a name listed twice keeps its first position (as PaperWriter does)
                seen: set[str] = set()
                for position, name in enumerate(names):
                    if name not in seen:
                        seen.add(name)
                        links.append((paper_id, position, author_ids[name], published))
            categories += [(paper_id, key, published) for key in category_keys(paper.categories)]
        end = first + len(papers)
        # rows at or past fts_from are left alone by the full-text triggers (m004)
        in_load = self.store.get_state("fts_from") is not None
        if not in_load:
            self.store.set_state("fts_from", str(first))
        conn.executemany(_INSERT_PAPER, rows)
        if not in_load:
            conn.execute(_FTS_CATCH_UP, (first, end))
            conn.execute("DELETE FROM state WHERE key = 'fts_from'")
        conn.executemany(
            "INSERT INTO paper_authors(paper_id, position, author_id, published) VALUES (?,?,?,?)", links
        )
        conn.executemany(
            "INSERT OR IGNORE INTO paper_categories(paper_id, category, published) VALUES (?,?,?)", categories
        )
        conn.executemany(
            "INSERT INTO paper_sources(paper_id, source_id, first_seen) VALUES (?,?,?)",
            [(paper_id, sid, now) for paper_id in range(first, end)],
        )

    def _resolve_authors(self, conn: sqlite3.Connection, papers: list[Paper]) -> dict[str, int]:
        cache = self._author_ids
        found: dict[str, int] = {}
        missing: list[str] = []
        for paper in papers:
            for name in paper.authors:
                if name not in found:
                    aid = cache.get(name)
                    if aid is None:
                        found[name] = 0
                        missing.append(name)
                    else:
                        found[name] = aid
        if missing:
            for name, aid in conn.execute(
                "SELECT name, id FROM authors WHERE name IN (SELECT value FROM json_each(?))",
                (json.dumps(missing, ensure_ascii=False),),
            ):
                found[name] = int(aid)
            new = [name for name in missing if not found[name]]
            if new:
                first = int(conn.execute("SELECT coalesce(max(id), 0) FROM authors").fetchone()[0]) + 1
                rows = []
                for aid, name in enumerate(new, start=first):
                    rows.append((aid, name, *match_columns(name)))
                    found[name] = aid
                conn.executemany(
                    "INSERT INTO authors(id, name, folded, surname, given_initial) VALUES (?,?,?,?,?)", rows
                )
            if len(cache) + len(missing) > self.author_cache_limit:
                cache.clear()  # bounded memory: the frequent names come back within a batch or two
            for name in missing:
                cache[name] = found[name]
        return found

