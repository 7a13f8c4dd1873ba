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
    """One connection to the cache, with the library file attached as ``lib``
    (``hubcli.store.library_file``).  Writes go through :meth:`transaction`; after a
    commit that changed the library, an automatic backup is made when one is due
    (``hubcli.store.backups``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, library: Path | None = None,
                 keep_backups: int = 10) -> None:
        from hubcli.store.library_file import library_path

        self.conn = conn
        self.path = path
        self.library = library or library_path(path)
        self.keep_backups = keep_backups
        self.created = False  # the cache was created by this open (its papers re-linked by the caller)
        self._lib_seen = ""

    @property
    def backups(self) -> Path:
        from hubcli.store.library_file import backups_dir

        return backups_dir(self.library)

    def committed(self) -> None:
        """After a commit: back the library up when it changed and a backup is due.  Best
        effort: a failed backup never fails the command that changed the library."""
        from hubcli.store import backups, library_file

        if self.keep_backups <= 0:
            return
        try:
            mark = library_file.changed_at(self.conn)
            if not mark or mark == self._lib_seen:
                return
            self._lib_seen = mark
            if backups.due(self.backups, mark):
                backups.make_backup(self.conn, self.backups, keep=self.keep_backups)
        except (sqlite3.Error, OSError):
            pass

    def restore_library(self, backup: Path) -> Path:
        """Bring a backup back into the library file (the current state set aside first
        as a backup, returned), then re-attach it."""
        from hubcli.store import backups, library_file

        try:
            aside = backups.restore(self.conn, self.library, backup, keep=max(self.keep_backups, 1))
        finally:
            if not _attached(self.conn):
                library_file.attach(self.conn, self.library)
                if _has_table(self.conn, "sources"):
                    library_file.mirror_subscriptions(self.conn)
        self._lib_seen = library_file.changed_at(self.conn)
        return aside

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
            self.store.committed()
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
        return _damaged(path, text)
    if "readonly" in text or "unable to open" in text:
        text = _why_not(path) or text
    return StoreError("store_write_failed", path=str(path), reason=text)


def _damaged(path: Path, reason: str) -> StoreError:
    """Which file is damaged, and how to recover: the cache (the library is safe beside
    it: move the cache aside and sync) or the library file (restore a backup)."""
    from hubcli.store.library_file import library_path

    library = path if path.name.endswith(".library.db") else library_path(path)
    if _healthy(library):
        if path == library:
            return StoreError("store_corrupt", path=str(path), reason=reason)
        return StoreError("store_corrupt_cache", path=str(path), reason=reason, library=str(library))
    return StoreError("store_corrupt_library", path=str(library), reason=reason)


def _healthy(path: Path) -> bool:
    """The library file passes SQLite's quick check (a missing one counts as healthy: nothing to lose)."""
    if not path.exists():
        return True
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return bool(conn.execute("PRAGMA quick_check").fetchone()[0] == "ok")
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def _attached(conn: sqlite3.Connection) -> bool:
    return any(row[1] == "lib" for row in conn.execute("PRAGMA database_list"))


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?", (name,)
                        ).fetchone() is not None


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


def open_store(path: Path, *, create: bool = True, library: Path | None = None,
               keep_backups: int = 10) -> Store | None:
    """Open (and migrate) the database with the library file attached; None when the
    database does not exist and ``create`` is off.  ``library`` defaults to the file
    beside the database (``hubcli.store.library_file.library_path``)."""
    from hubcli.store.library_file import library_path

    if not create and not path.exists():
        return None
    library = library or library_path(path)
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise StoreError("store_open_failed", path=str(path), reason=reason) from exc
    store = Store(conn, path, library, keep_backups)
    try:
        _prepare(store)
    except sqlite3.Error as exc:
        conn.close()
        error = _store_error(exc, path)
        if error.key == "store_write_failed":
            error = StoreError("store_open_failed", path=str(path), reason=_why_not(path) or str(exc))
        raise error from exc
    except BaseException:
        conn.close()
        raise
    return store


def _prepare(store: Store) -> None:
    """WAL, the library attached, migrations, the library moved out of an old cache, the
    subscriptions mirrored; a new cache seeded from the library file."""
    import hubcli.store.migrations as migrations
    from hubcli.store import library_file

    conn, path = store.conn, store.path
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > migrations.LATEST:
        raise StoreError("store_too_new", path=str(path), found=version, known=migrations.LATEST)
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        new_library = library_file.attach(conn, store.library)
    except sqlite3.Error as exc:
        raise _library_error(exc, store.library) from exc
    if version < migrations.LATEST:
        _migrate(conn, version)
    moved = library_file.has_moved_tables(conn)
    if moved:
        library_file.move_out(conn)
    library_file.mirror_subscriptions(conn)
    if version == 0:
        library_file.seed_cache(conn)
        store.created = True
    elif new_library and not moved:
        library_file.adopt_subscriptions(conn)
    upgraded = moved and version > 0  # an existing cache's library moved out (not a new cache's empty tables)
    store._lib_seen = "" if upgraded else library_file.changed_at(conn)
    if upgraded:
        store.committed()  # a first backup right after the move


def _library_error(exc: sqlite3.Error, library: Path) -> StoreError:
    error = _store_error(exc, library)
    if error.key == "store_write_failed":
        return StoreError("store_open_failed", path=str(library), reason=_why_not(library) or str(exc))
    return error
