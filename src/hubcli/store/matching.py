"""Finding the stored paper a library entry names: by arXiv key, then DOI, then title."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def paper_by_key(conn: sqlite3.Connection, key: str) -> int | None:
    row = conn.execute("SELECT id FROM papers WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else None


def paper_by_doi(conn: sqlite3.Connection, doi: str, key: str) -> int | None:
    """A paper with this DOI (without case), else the one keyed ``key``."""
    row = conn.execute("SELECT id FROM papers WHERE doi = ? COLLATE NOCASE LIMIT 1", (doi,)).fetchone()
    return int(row[0]) if row else paper_by_key(conn, key)


def paper_by_title(conn: sqlite3.Connection, words: list[str], same: Callable[[str], bool]) -> int | None:
    """A paper whose title holds these words (full-text, title column) and that ``same``
    accepts, among the first 50 hits."""
    phrase = "title : " + " ".join(f'"{w}"' for w in words)
    for pid, title in conn.execute(
        "SELECT p.id, p.title FROM papers_fts f JOIN papers p ON p.id = f.rowid WHERE papers_fts MATCH ? LIMIT 50",
        (phrase,),
    ):
        if same(str(title)):
            return int(pid)
    return None


def set_note_if_empty(conn: sqlite3.Connection, paper_id: int, note: str) -> None:
    """An imported note, kept only where the paper has none."""
    conn.execute("UPDATE lib.library SET note = ? WHERE key = (SELECT key FROM papers WHERE id = ?) AND note IS NULL",
                 (note, paper_id))
