"""Opening the database: WAL, a busy timeout, migrations applied on open.

Readers use the standard library's ``sqlite3`` only (sqlite-utils is imported by
migrations, which run just when the schema is behind), so ``hub papers`` starts fast.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hubcli.errors import StoreError

BUSY_TIMEOUT_MS = 30_000


def now_iso(ago: timedelta | None = None) -> str:
    """UTC (minus ``ago``) with microseconds: fixed width, so strings compare in time order."""
    return (datetime.now(UTC) - (ago or timedelta())).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Store:
    """One connection to the cache.  Writes go through :meth:`transaction`."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    def close(self) -> None:
        try:
            self.conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> _Transaction:
        return _Transaction(self)

    def get_state(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def paper_count(self) -> int:
        row = self.conn.execute("SELECT max(id) IS NOT NULL FROM papers").fetchone()
        if not row[0]:
            return 0
        return int(self.conn.execute("SELECT count(*) FROM papers").fetchone()[0])

    def keep_cache(self, kib: int) -> None:
        """A larger page cache for a connection kept open across requests (a server's)."""
        self.conn.execute(f"PRAGMA cache_size = -{int(kib)}")


class _Transaction:
    """``BEGIN IMMEDIATE`` .. ``COMMIT`` (rollback on any exception)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.store.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _store_error(exc, self.store.path) from exc
        return self.store.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        conn = self.store.conn
        if exc_type is None:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as error:
                _rollback(conn)
                raise _store_error(error, self.store.path) from error
            return
        _rollback(conn)
        if isinstance(exc, sqlite3.Error):  # a full disk, a read-only file, a lock: one clear line
            raise _store_error(exc, self.store.path) from exc


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:  # SQLite has rolled back already (e.g. after a full disk)
            pass


def store_error(exc: sqlite3.Error, path: Path | str) -> StoreError:
    """The translated error for a SQLite failure (never a raw 'database is locked')."""
    return _store_error(exc, Path(path) if not isinstance(path, Path) else path)


def _store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreError("store_busy", path=str(path))
    if "malformed" in text or "not a database" in text:
        return StoreError("store_corrupt", path=str(path), reason=text)
    if "readonly" in text or "unable to open" in text:
        text = _why_not(path) or text
    return StoreError("store_write_failed", path=str(path), reason=text)


def _why_not(path: Path) -> str | None:
    """Why SQLite "is unable to open" a database, in the user's terms (None: unknown).

    A WAL database needs its folder writable even to be read (the ``-shm`` file)."""
    import os

    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "read-only file system"
    except (OSError, AttributeError):
        return None
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} is not writable"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    return None


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Apply the missing migrations.  Two hubs opening the same new file at once race
    here: each step runs under ``BEGIN IMMEDIATE``, so the loser's step fails (the table
    exists) and rolls back; when ``user_version`` shows that the other hub has moved the
    schema on, carry on from there instead of reporting an error."""
    import hubcli.store.migrations as migrations

    while True:
        try:
            migrations.apply(conn, version)
            return
        except sqlite3.OperationalError:
            now = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if now <= version:
                raise
            version = now


def open_store(path: Path, *, create: bool = True) -> Store | None:
    """Open (and migrate) the database; None when it does not exist and ``create`` is off."""
    import hubcli.store.migrations as migrations

    if not create and not path.exists():
        return None
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise StoreError("store_open_failed", path=str(path), reason=reason) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > migrations.LATEST:
            raise StoreError("store_too_new", path=str(path), found=version, known=migrations.LATEST)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = OFF")
        if version < migrations.LATEST:
            _migrate(conn, version)
    except sqlite3.Error as exc:
        conn.close()
        error = _store_error(exc, path)
        if error.key == "store_write_failed":
            error = StoreError("store_open_failed", path=str(path), reason=_why_not(path) or str(exc))
        raise error from exc
    except BaseException:
        conn.close()
        raise
    return Store(conn, path)
