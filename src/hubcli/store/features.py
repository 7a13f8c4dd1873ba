"""The reads the ranking features are built from: papers' text by id, changed since a mark."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

# a paper's text for the features: title, abstract, authors (JSON list)
TextRow = tuple[str, str, str]


def changed_since(conn: sqlite3.Connection, mark: str, batch: int) -> Iterator[list[tuple[int, str, str, str, str]]]:
    """Batches of (id, title, abstract, authors, changed_at) of the papers changed after
    ``mark``, by id.  One statement: one snapshot (WAL), so a mark taken from the rows
    read matches them."""
    cur = conn.execute(
        "SELECT id, title, abstract, authors, changed_at FROM papers WHERE changed_at > ? ORDER BY id", (mark,))
    while rows := cur.fetchmany(batch):
        yield rows


def any_changed_since(conn: sqlite3.Connection, mark: str) -> bool:
    return conn.execute("SELECT 1 FROM papers WHERE changed_at > ? LIMIT 1", (mark,)).fetchone() is not None


def all_ids(conn: sqlite3.Connection) -> Iterator[int]:
    for (pid,) in conn.execute("SELECT id FROM papers"):
        yield int(pid)


def all_texts(conn: sqlite3.Connection, batch: int) -> Iterator[TextRow]:
    """Every paper's text, by id, read ``batch`` rows at a time."""
    cur = conn.execute("SELECT title, abstract, authors FROM papers ORDER BY id")
    while rows := cur.fetchmany(batch):
        yield from rows


def texts_of(conn: sqlite3.Connection, ids: list[int]) -> list[TextRow]:
    """The texts of these papers (at most a few hundred ids a call)."""
    return conn.execute(f"SELECT title, abstract, authors FROM papers WHERE id IN ({','.join('?' * len(ids))})",
                        ids).fetchall()


def paper_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM papers").fetchone()[0])


def people_and_fields_of(conn: sqlite3.Connection, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """The stored authors and categories (JSON lists) and the primary category of these
    papers, by id."""
    found: dict[int, tuple[str, str, str]] = {}
    for start in range(0, len(ids), 900):
        part = ids[start:start + 900]
        rows = conn.execute("SELECT id, authors, categories, primary_category FROM papers "
                            f"WHERE id IN ({','.join('?' * len(part))})", part)
        found.update((int(pid), (str(authors or "[]"), str(cats or "[]"), str(primary or "")))
                     for pid, authors, cats, primary in rows)
    return found
