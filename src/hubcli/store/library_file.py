"""The library file: what the user made, in a SQLite file of its own beside the cache.

``<name>.library.db`` beside the database ``<name>.db`` (``hub.library.db`` beside
``hub.db``) holds the library (per paper, keyed by the paper's stable key: saved, tags,
note, read, dismissed, their times, and a copy of the paper's metadata so it can be
shown and exported alone), the subscriptions (spec, label, folder, order) and the
follows.  It is attached to every cache connection as ``lib``, so a listing that joins
the library (``--saved``, ``--tag``, ``--unread``, dismissed papers left out) stays one
SQL statement; the join is on the paper key (``papers.key`` is unique, ``library.key``
too).  Deleting, damaging or rebuilding the cache never touches this file.

The cache keeps a working copy of the subscriptions (its ``sources`` rows carry the feed
state: ETag, Last-Modified, last status); temporary triggers on each connection mirror
every subscription change into ``lib.subscriptions``, whatever code made it.  A new
cache takes its subscriptions from here (not the defaults) and gets the library's
papers back from their copies, so listings, card numbers and filters work at once; a
later sync merges the real records by key.

The file has its own schema version (``PRAGMA lib.user_version``) and its own
append-only steps below.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

# the paper's own columns as the library keeps a copy (the names of ``papers``' columns)
PAPER_COPY = ("arxiv_id", "version", "doi", "title", "abstract", "authors", "published", "updated",
              "announce_type", "categories", "primary_category", "url", "pdf_url", "journal")


def now_iso() -> str:
    """UTC with microseconds, as ``hubcli.store.db.now_iso`` writes it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def library_path(database: Path) -> Path:
    """``NAME.library.db`` beside the database ``NAME.db`` (as ``hubcli.config.Paths.library``)."""
    return database.with_name(f"{database.stem or database.name}.library.db")


def backups_dir(library: Path) -> Path:
    """``NAME.library-backups/`` beside the library file (as ``hubcli.config.Paths.backups``)."""
    return library.with_name(library.name.removesuffix(".db") + "-backups")


def _l001_initial(conn: sqlite3.Connection) -> None:
    copy = ", ".join(f"{c} {'INTEGER' if c == 'version' else 'TEXT'}" for c in PAPER_COPY if c != "title")
    for sql in (
        "CREATE TABLE lib.library_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE lib.library (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, saved_at TEXT, note TEXT,"
        f" read_at TEXT, dismissed_at TEXT, changed_at TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', {copy})",
        "CREATE INDEX lib.library_saved ON library(saved_at DESC, id DESC) WHERE saved_at IS NOT NULL",
        "CREATE INDEX lib.library_read ON library(key) WHERE read_at IS NOT NULL",
        "CREATE INDEX lib.library_dismissed ON library(key) WHERE dismissed_at IS NOT NULL",
        "CREATE TABLE lib.tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE)",
        "CREATE TABLE lib.paper_tags (tag_id INTEGER NOT NULL, key TEXT NOT NULL, PRIMARY KEY (tag_id, key))"
        " WITHOUT ROWID",
        "CREATE INDEX lib.paper_tags_key ON paper_tags(key, tag_id)",
        "CREATE TABLE lib.subscriptions (spec TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL,"
        " label_custom INTEGER NOT NULL DEFAULT 0, url TEXT NOT NULL, folder TEXT, position INTEGER NOT NULL,"
        " added_at TEXT NOT NULL)",
        "CREATE TABLE lib.follows (kind TEXT NOT NULL, value TEXT NOT NULL COLLATE NOCASE, added_at TEXT NOT NULL,"
        " PRIMARY KEY (kind, value))",
    ):
        conn.execute(sql)


def _l002_bib(conn: sqlite3.Connection) -> None:
    """An imported entry's own type and fields (JSON, see ``LibraryState.bib``), which
    BibTeX export writes back."""
    conn.execute("ALTER TABLE lib.library ADD COLUMN bib TEXT")


STEPS = [("l001_initial", _l001_initial), ("l002_bib", _l002_bib)]
LATEST = len(STEPS)


def attach(conn: sqlite3.Connection, path: Path) -> bool:
    """Attach the library file as ``lib`` (created when missing) and bring its schema up
    to date; True when it was created now."""
    from hubcli.errors import StoreError

    conn.execute("ATTACH DATABASE ? AS lib", (str(path),))
    version = int(conn.execute("PRAGMA lib.user_version").fetchone()[0])
    if version > LATEST:
        raise StoreError("store_too_new", path=str(path), found=version, known=LATEST)
    if conn.execute("PRAGMA lib.journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA lib.journal_mode = WAL")
    conn.execute("PRAGMA lib.synchronous = NORMAL")
    created = False
    while version < LATEST:
        conn.execute("BEGIN IMMEDIATE")
        try:
            now = int(conn.execute("PRAGMA lib.user_version").fetchone()[0])
            if now == version:  # another hub may have moved it on meanwhile
                STEPS[version][1](conn)
                conn.execute(f"PRAGMA lib.user_version = {version + 1}")
                created = created or version == 0
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        version = int(conn.execute("PRAGMA lib.user_version").fetchone()[0])
    return created


def mark_changed(conn: sqlite3.Connection) -> None:
    """Record that the library changed (what the automatic backup looks at)."""
    conn.execute("INSERT INTO lib.library_info(key, value) VALUES ('changed_at', ?)"
                 " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (now_iso(),))


def changed_at(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM lib.library_info WHERE key = 'changed_at'").fetchone()
    return str(row[0]) if row else ""


# --- subscriptions: mirrored from the cache's working copy ---------------------------------

_STAMP = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
# no conflict clauses inside the triggers: an outer statement's (an upsert, OR IGNORE)
# would override them; each row is deleted, then inserted
_PUT = (
    "DELETE FROM subscriptions WHERE spec = old.spec OR spec = new.spec;"
    " INSERT INTO subscriptions(spec, kind, label, label_custom, url, folder, position, added_at)"
    " SELECT new.spec, new.kind, new.label, new.label_custom, new.url, new.folder, new.id, new.added_at"
    " WHERE new.subscribed = 1;"
)
_MARK = (
    "DELETE FROM library_info WHERE key = 'changed_at';"
    f" INSERT INTO library_info(key, value) VALUES ('changed_at', {_STAMP});"
    f" INSERT INTO library_info(key, value) SELECT 'subscriptions_seeded', {_STAMP}"
    " WHERE NOT EXISTS (SELECT 1 FROM library_info WHERE key = 'subscriptions_seeded');"
)
_CHANGED = " OR ".join(f"new.{c} IS NOT old.{c}" for c in ("spec", "subscribed", "kind", "label", "label_custom",
                                                            "url", "folder"))
TRIGGERS = (
    "CREATE TEMP TRIGGER IF NOT EXISTS hub_lib_sources_ai AFTER INSERT ON main.sources WHEN new.subscribed = 1"
    f" BEGIN {_PUT.replace('old.spec', 'new.spec')} {_MARK} END",
    "CREATE TEMP TRIGGER IF NOT EXISTS hub_lib_sources_au AFTER UPDATE OF spec, subscribed, kind, label,"
    f" label_custom, url, folder ON main.sources WHEN {_CHANGED} BEGIN {_PUT} {_MARK} END",
    "CREATE TEMP TRIGGER IF NOT EXISTS hub_lib_sources_ad AFTER DELETE ON main.sources WHEN old.subscribed = 1"
    f" BEGIN DELETE FROM subscriptions WHERE spec = old.spec; {_MARK} END",
)


def mirror_subscriptions(conn: sqlite3.Connection) -> None:
    """Keep ``lib.subscriptions`` in step with the cache's ``sources`` on this connection."""
    for sql in TRIGGERS:
        conn.execute(sql)


def adopt_subscriptions(conn: sqlite3.Connection) -> None:
    """A new library file beside an existing cache: the cache's subscriptions are copied in."""
    with _immediate(conn):
        _copy_subscriptions(conn)


def _copy_subscriptions(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO lib.subscriptions(spec, kind, label, label_custom, url, folder, position, added_at)"
        " SELECT spec, kind, label, label_custom, url, folder, id, added_at FROM main.sources WHERE subscribed = 1"
        " ORDER BY id ON CONFLICT(spec) DO NOTHING")
    seeded = conn.execute("SELECT value FROM main.state WHERE key = 'defaults_seeded'").fetchone()
    if seeded:
        conn.execute("INSERT OR IGNORE INTO lib.library_info(key, value) VALUES ('subscriptions_seeded', ?)",
                     (seeded[0],))


class _immediate:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *_rest: object) -> None:
        self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")


# --- the move out of a cache of the previous release (m008) -------------------------------

MOVED = ("v7_library", "v7_tags", "v7_paper_tags", "v7_follows")


def has_moved_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'v7_library'"
                        ).fetchone() is not None


def move_out(conn: sqlite3.Connection) -> None:
    """The previous release's library (m008 set its tables aside as ``v7_*``) into the
    library file, then the old tables dropped: two transactions, the copy first, so a
    crash between them only repeats the copy (which keeps what is there) next time."""
    copy_out(conn)
    with _immediate(conn):
        for table in MOVED:
            conn.execute(f"DROP TABLE IF EXISTS main.{table}")


def copy_out(conn: sqlite3.Connection) -> None:
    """The copy of :func:`move_out`, one transaction; rows the library file has already
    are kept as they are."""
    copy = ", ".join(f"p.{c}" for c in PAPER_COPY)
    with _immediate(conn):
        conn.execute(
            f"INSERT INTO lib.library(key, saved_at, note, read_at, dismissed_at, changed_at, {', '.join(PAPER_COPY)})"
            f" SELECT coalesce(p.key, l.key), l.saved_at, l.note, l.read_at, l.dismissed_at, l.changed_at, {copy}"
            " FROM main.v7_library l LEFT JOIN main.papers p ON p.id = l.paper_id ORDER BY l.paper_id"
            " ON CONFLICT(key) DO NOTHING")
        conn.execute("UPDATE lib.library SET title = '' WHERE title IS NULL")
        conn.execute("INSERT INTO lib.tags(name) SELECT name FROM main.v7_tags WHERE true ORDER BY id"
                     " ON CONFLICT(name) DO NOTHING")
        conn.execute(
            "INSERT OR IGNORE INTO lib.paper_tags(tag_id, key)"
            " SELECT lt.id, coalesce(p.key, l.key) FROM main.v7_paper_tags pt JOIN main.v7_tags t ON t.id = pt.tag_id"
            " JOIN lib.tags lt ON lt.name = t.name LEFT JOIN main.v7_library l ON l.paper_id = pt.paper_id"
            " LEFT JOIN main.papers p ON p.id = pt.paper_id WHERE coalesce(p.key, l.key) IS NOT NULL")
        conn.execute("INSERT OR IGNORE INTO lib.follows(kind, value, added_at)"
                     " SELECT kind, value, added_at FROM main.v7_follows")
        _copy_subscriptions(conn)
        mark_changed(conn)


# --- a new cache: its subscriptions and the library's papers from the library file --------

def seed_cache(conn: sqlite3.Connection) -> None:
    """A cache created now takes the library file's subscriptions, when the library has
    any record of them (removing every default stays removed).  The library's papers are
    put back by ``hubcli.store.library.relink_papers``."""
    with _immediate(conn):
        if not conn.execute("SELECT 1 FROM lib.library_info WHERE key = 'subscriptions_seeded'").fetchone():
            return
        rows = conn.execute("SELECT spec, kind, label, label_custom, url, folder, added_at FROM lib.subscriptions"
                            " ORDER BY position, spec").fetchall()
        for spec, kind, label, custom, url, folder, added in rows:
            conn.execute("INSERT OR IGNORE INTO main.sources(spec, kind, label, label_custom, url, subscribed,"
                         " added_at, folder) VALUES (?,?,?,?,?,1,?,?)", (spec, kind, label, custom, url, added, folder))
        conn.execute("INSERT OR IGNORE INTO main.state(key, value) VALUES ('defaults_seeded', ?)", (now_iso(),))


def open_alone(path: Path) -> sqlite3.Connection | None:
    """The library file alone (an in-memory main database, the file attached as ``lib``,
    read-only): what export and listings read when the cache is missing or damaged.
    None when there is no library file."""
    if not path.is_file():
        return None
    conn = sqlite3.connect(":memory:", isolation_level=None, uri=True)  # uri: the attach below is one
    conn.execute("ATTACH DATABASE ? AS lib", (f"{path.resolve().as_uri()}?mode=ro",))
    return conn


def apply_subscriptions(conn: sqlite3.Connection) -> None:
    """Make the cache's subscriptions those of the library file (after a restore)."""
    if not conn.execute("SELECT 1 FROM lib.library_info WHERE key = 'subscriptions_seeded'").fetchone():
        return
    with _immediate(conn):
        conn.execute("UPDATE main.sources SET subscribed = 0 WHERE subscribed = 1"
                     " AND spec NOT IN (SELECT spec FROM lib.subscriptions)")
        rows = conn.execute("SELECT spec, kind, label, label_custom, url, folder, added_at FROM lib.subscriptions"
                            " ORDER BY position, spec").fetchall()
        for spec, kind, label, custom, url, folder, added in rows:
            updated = conn.execute(
                "UPDATE main.sources SET subscribed = 1, kind = ?, label = ?, label_custom = ?, url = ?, folder = ?"
                " WHERE spec = ?", (kind, label, custom, url, folder, spec)).rowcount
            if not updated:
                conn.execute("INSERT INTO main.sources(spec, kind, label, label_custom, url, subscribed, added_at,"
                             " folder) VALUES (?,?,?,?,?,1,?,?)", (spec, kind, label, custom, url, added, folder))


def open_writable(path: Path) -> sqlite3.Connection:
    """The library file alone, attached as ``lib`` for writing (a restore without a cache)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    attach(conn, path)
    return conn


def counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """(papers with any state, saved papers) in the attached library."""
    row = conn.execute("SELECT count(*), count(saved_at) FROM lib.library").fetchone()
    return int(row[0]), int(row[1])
