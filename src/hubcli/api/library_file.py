"""The library file from the front ends: ``hub library backups``, ``hub library restore``,
and the library read alone (export and listing) when the cache is missing or damaged."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from hubcli.api.results import Data, Notice, Result
from hubcli.api.session import Session
from hubcli.errors import StoreError
from hubcli.models import Paper

if TYPE_CHECKING:
    from pathlib import Path

    from hubcli.store.db import Store

# the StoreError keys that mean "the cache cannot be read" (the library file may still be)
_UNREADABLE = ("store_corrupt", "store_corrupt_cache", "store_open_failed")


def unreadable(exc: BaseException) -> str | None:
    """Why the cache cannot be read (None: another failure, e.g. a busy database)."""
    if isinstance(exc, StoreError) and exc.key in _UNREADABLE:
        return str(exc.params.get("reason") or exc.key)
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc)
        if "malformed" in text or "not a database" in text or "disk I/O" in text:
            return text
    return None


@contextmanager
def alone(session: Session, reason: str | None) -> Iterator[tuple[sqlite3.Connection | None, Notice | None]]:
    """The library file alone (None when there is none) and the warning that says so
    (none when the library is empty: nothing was lost)."""
    from hubcli.store.library_file import counts, open_alone

    paths = session.settings().paths
    conn = open_alone(paths.library)
    try:
        notice = None
        if conn is not None and counts(conn)[0]:
            if reason is None:
                notice = Notice("warn", "lib_alone_missing", {"path": str(paths.database),
                                                              "library": str(paths.library)})
            else:
                notice = Notice("warn", "lib_alone", {"path": str(paths.database), "library": str(paths.library),
                                                      "reason": reason})
        yield conn, notice
    finally:
        if conn is not None:
            conn.close()


def papers_alone(conn: sqlite3.Connection | None, *, saved_only: bool, tags: tuple[str, ...] = (),
                 listing: bool = False) -> list[Paper]:
    """The library's papers from its own copies (none without a library file)."""
    from hubcli.store.library import library_papers

    if conn is None:
        return []
    return library_papers(conn, saved_only=saved_only, tag=tags, listing=listing)


def backups(session: Session) -> Data:
    """``hub library backups``: newest first (number, file, time, size, saved papers)."""
    from hubcli.store.backups import list_backups

    folder = session.settings().paths.backups
    result = Data(items=[{"number": n, "file": b.path.name, "path": str(b.path), "time": b.stamp, "size": b.size,
                          "papers": b.papers, "kind": b.kind}
                         for n, b in enumerate(list_backups(folder), start=1)])
    if not result.items:
        result.note("hint", "lib_backups_none", folder=str(folder))
    return result


def restore(session: Session, name: str | None) -> Result:
    """``hub library restore [BACKUP]``: the current state set aside as a backup first, then
    the backup copied back into the library file; the cache follows (its subscriptions, and
    the restored library's papers it lacks put back).  A library file SQLite cannot read is
    moved aside as a file instead; with no readable cache, only the library file changes."""
    from hubcli.store import backups as store_backups
    from hubcli.store.library_file import open_writable

    paths = session.settings().paths
    backup = store_backups.find(paths.backups, name)
    keep = max(session.settings().library_backups, 1)
    result = Result()
    try:
        store = session.store(create=False)
    except (StoreError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, StoreError) and exc.key == "store_corrupt_library":
            aside = store_backups.replace_damaged(paths.library, backup)  # SQLite cannot read it: as a file
            session.close()
            return _restored(result, session, session.store(create=False), backup, aside)
        if unreadable(exc) is None:
            raise
        store = None
    if store is not None:
        return _restored(result, session, store, backup, store.restore_library(backup))
    conn = open_writable(paths.library)
    try:
        aside = store_backups.restore(conn, paths.library, backup, keep=keep)
    finally:
        conn.close()
    return _restored(result, session, None, backup, aside)


def _restored(result: Result, session: Session, store: Store | None, backup: Path, aside: Path) -> Result:
    """After the library file was restored: the cache follows (its subscriptions, the
    restored papers it lacks put back); the notices."""
    from hubcli.store.library import library_size, relink_papers
    from hubcli.store.library_file import apply_subscriptions, counts, open_alone

    if store is not None:
        apply_subscriptions(store.conn)
        relink_papers(store)
        saved = library_size(store)
    else:
        reader = open_alone(session.settings().paths.library)
        saved = 0 if reader is None else counts(reader)[1]
        if reader is not None:
            reader.close()
    result.note("info", "lib_restore_aside", path=str(aside))
    result.note("info", "lib_restored", path=str(backup), papers=saved)
    return result
