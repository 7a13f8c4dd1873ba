"""What ``hub brief`` keeps and reads: model answers (``brief_cache``), facts about models
and servers (``state``), and the ranked selection a briefing covers."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from hubcli.errors import HubError, StoreError
from hubcli.store.db import Store, now_iso
from hubcli.store.query import FTS_WEIGHTS, Selection


@dataclass
class CachedAnswer:
    """A model answer kept for one cache key: its text, the usage reported, and when."""

    text: str
    usage: dict[str, Any]
    created_at: str


def cached_answer(store: Store, key: str) -> CachedAnswer | None:
    """The answer kept under ``key``; None when there is none or it cannot be read."""
    try:
        row = store.conn.execute("SELECT text, usage, created_at FROM brief_cache WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    try:
        usage = json.loads(row[1]) if row[1] else {}
    except ValueError:
        usage = {}
    return CachedAnswer(row[0], usage if isinstance(usage, dict) else {}, row[2])


def keep_answer(store: Store, key: str, model: str, text: str, usage: dict[str, Any]) -> None:
    """Keep an answer (replacing an older one for the same key); StoreError when the
    database cannot be written."""
    with store.transaction() as conn:
        try:
            conn.execute(
                "INSERT INTO brief_cache(key, model, created_at, text, usage) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET model = excluded.model, created_at = excluded.created_at,"
                " text = excluded.text, usage = excluded.usage",
                (key, model, now_iso(), text, json.dumps(usage, sort_keys=True)),
            )
        except sqlite3.Error as exc:
            raise StoreError("store_write_failed", path=str(store.path), reason=str(exc)) from exc


def remembered(store: Store, key: str) -> Any:
    """A JSON fact kept in ``state`` (None when absent, unreadable or not JSON)."""
    try:
        return json.loads(store.get_state(key) or "null")
    except (ValueError, sqlite3.Error):
        return None


def remember(store: Store, key: str, value: Any) -> None:
    """Keep a JSON fact in ``state``; a database that cannot be written only costs asking
    again next time."""
    try:
        with store.transaction():
            store.set_state(key, json.dumps(value))
    except (HubError, OSError, sqlite3.Error):
        pass


def forget(store: Store, key: str) -> None:
    """Drop a fact kept in ``state`` (quietly when the database cannot be written)."""
    try:
        with store.transaction() as conn:
            conn.execute("DELETE FROM state WHERE key = ?", (key,))
    except (HubError, OSError, sqlite3.Error):
        pass


def newest_ids(store: Store, sel: Selection, limit: int) -> list[int]:
    """Up to ``limit`` matching papers' ids, newest first."""
    if sel.impossible:
        return []
    rows = store.conn.execute(
        f"SELECT p.id FROM papers p WHERE {sel.sql()} ORDER BY p.published DESC, p.id DESC LIMIT ?",
        [*sel.params, limit],
    ).fetchall()
    return [int(r[0]) for r in rows]


def search_hits(store: Store, sel: Selection, limit: int) -> list[tuple[int, float, str | None]]:
    """The best ``limit`` full-text hits of a selection with a search: ``(id, bm25,
    published)``, best first (bm25 is lower-is-better; title, abstract and authors
    weighted as ``hub papers --sort relevance`` does)."""
    others, other_params = sel.without_search()
    where = " AND ".join(["papers_fts MATCH ?", *others])
    rows = store.conn.execute(
        f"SELECT p.id, bm25(papers_fts, {FTS_WEIGHTS}), p.published FROM papers_fts"
        f" JOIN papers p ON p.id = papers_fts.rowid WHERE {where}"
        f" ORDER BY bm25(papers_fts, {FTS_WEIGHTS}), p.published DESC, p.id DESC LIMIT ?",
        [sel.fts, *other_params, limit],
    ).fetchall()
    return [(int(r[0]), float(r[1]), r[2]) for r in rows]
