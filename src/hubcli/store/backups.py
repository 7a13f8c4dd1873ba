"""Automatic backups of the library file, as Zotero and Anki keep them.

After a write that changed the library, when the newest backup is more than an hour
old (or there is none), a consistent copy is made with SQLite's online backup API from
the live connection (readers and writers elsewhere are not disturbed) into
``NAME.library-backups/library-YYYYMMDDTHHMMSSZ.db``: written under a temporary name,
switched out of WAL mode (one self-contained file), then renamed into place.  The last
``[library] backups`` (default 10) are kept.  ``restore`` copies a backup back into the
library file with the same API, after setting the current state aside as a backup of
its own (``…-before-restore.db``).
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hubcli.errors import NotFoundError, StoreError
from hubcli.store import library_file

INTERVAL = timedelta(hours=1)
DEFAULT_KEEP = 10
_NAME = re.compile(r"^library-(?P<stamp>\d{8}T\d{6})Z(?:-(?P<n>\d+))?(?P<aside>-before-restore)?\.db$")


@dataclass(frozen=True)
class Backup:
    path: Path
    time: datetime
    kind: str  # "auto" | "before-restore"
    size: int
    papers: int | None  # saved papers in it (None: unreadable)

    @property
    def stamp(self) -> str:
        return self.time.strftime("%Y-%m-%dT%H:%M:%SZ")


def _found(folder: Path) -> list[tuple[datetime, int, Path, bool]]:
    """(time, sequence, path, set aside before a restore) of every backup, newest first."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = []
    for name in names:
        match = _NAME.match(name)
        if match:
            when = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
            found.append((when, int(match["n"] or 0), folder / name, bool(match["aside"])))
    found.sort(key=lambda item: (item[0], item[1], item[2].name), reverse=True)
    return found


def newest(folder: Path) -> datetime | None:
    found = _found(folder)
    return found[0][0] if found else None


def _saved_in(path: Path) -> int | None:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except (sqlite3.Error, ValueError):
        return None
    try:
        return int(conn.execute("SELECT count(*) FROM library WHERE saved_at IS NOT NULL").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def list_backups(folder: Path) -> list[Backup]:
    """Every backup, newest first, with its size and how many saved papers it holds."""
    out = []
    for when, _n, path, aside in _found(folder):
        try:
            size = path.stat().st_size
        except OSError:
            continue
        out.append(Backup(path, when, "before-restore" if aside else "auto", size, _saved_in(path)))
    return out


def _target(folder: Path, now: datetime, aside: bool) -> Path:
    stamp = now.strftime("%Y%m%dT%H%M%S")
    suffix = "-before-restore" if aside else ""
    path = folder / f"library-{stamp}Z{suffix}.db"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"library-{stamp}Z-{n}{suffix}.db"
    return path


def make_backup(conn: sqlite3.Connection, folder: Path, *, keep: int, aside: bool = False) -> Path:
    """A consistent copy of the attached library (``lib``) into ``folder``; the oldest
    beyond ``keep`` removed.  Returns the new file."""
    folder.mkdir(parents=True, exist_ok=True)
    target = _target(folder, datetime.now(UTC), aside)
    temporary = folder / f".{target.name}.tmp"
    dest = sqlite3.connect(temporary)
    try:
        conn.backup(dest, name="lib")
        dest.execute("PRAGMA journal_mode = DELETE")
        dest.close()
        os.replace(temporary, target)
    except BaseException:
        dest.close()
        temporary.unlink(missing_ok=True)
        raise
    prune(folder, keep)
    return target


def prune(folder: Path, keep: int) -> None:
    for _when, _n, path, _aside in _found(folder)[max(keep, 1):]:
        path.unlink(missing_ok=True)


def due(folder: Path, changed: str, *, now: datetime | None = None) -> bool:
    """A backup is due when the library changed after the newest backup and that one is
    at least an hour old (or there is none)."""
    last = newest(folder)
    if last is None:
        return True
    moment = now or datetime.now(UTC)
    try:
        changed_at = datetime.fromisoformat(changed)
    except ValueError:
        changed_at = moment
    if changed_at.tzinfo is None:
        changed_at = changed_at.replace(tzinfo=UTC)
    return changed_at >= last and moment - last >= INTERVAL


def find(folder: Path, name: str | None) -> Path:
    """The backup a user named (a file name from ``hub library backups``, a path, or
    its number in that list, 1 the newest); the newest when None."""
    found = _found(folder)
    if name is None:
        if not found:
            raise NotFoundError("lib_no_backups", folder=str(folder))
        return found[0][2]
    text = name.strip()
    if text.isdigit() and 1 <= int(text) <= len(found) and not (folder / text).exists():
        return found[int(text) - 1][2]
    for candidate in (folder / text, Path(text).expanduser()):
        if candidate.is_file():
            return candidate
    raise NotFoundError("lib_no_such_backup", backup=name, folder=str(folder))


def _check(path: Path) -> None:
    """A backup worth restoring: a readable SQLite file holding a library this hub knows."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute("SELECT count(*) FROM library").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError("lib_bad_backup", path=str(path), reason=str(exc)) from exc
    if not ok:
        raise StoreError("lib_bad_backup", path=str(path), reason="integrity check failed")
    if version > library_file.LATEST:
        raise StoreError("store_too_new", path=str(path), found=version, known=library_file.LATEST)


def restore(conn: sqlite3.Connection, library: Path, backup: Path, *, keep: int) -> Path:
    """Bring ``backup`` back into the library file; the current state is set aside first
    as a backup (returned).  ``conn`` has the library attached as ``lib``."""
    _check(backup)
    folder = library_file.backups_dir(library)
    aside = make_backup(conn, folder, keep=keep + 1, aside=True)
    conn.execute("DETACH DATABASE lib")  # this connection must not hold the file meanwhile
    _copy(backup, library, timeout=30)
    return aside


def replace_damaged(library: Path, backup: Path) -> Path:
    """A damaged library file (SQLite cannot read it) moved aside into the backups folder
    as ``damaged-…`` (with its ``-wal``/``-shm``), and the backup copied into its place.
    Returns where the damaged file went."""
    _check(backup)
    folder = library_file.backups_dir(library)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = folder / f"damaged-{stamp}-{library.name}"
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{library}{suffix}")
        if part.exists():
            os.replace(part, Path(f"{aside}{suffix}"))
    _copy(backup, library)
    return aside


def _copy(backup: Path, library: Path, *, timeout: float = 5.0) -> None:
    """The backup copied over the library file with SQLite's online backup (read-only source)."""
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(library, timeout=timeout)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
