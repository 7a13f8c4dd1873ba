"""Follows (authors, topics, categories) and the radar: what matches them and is new.

The follows live in the library file (``lib.follows``, ``hubcli.store.library_file``): a
rebuilt cache keeps them.  The radar's "seen" mark is the cache's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hubcli.store.db import Store, now_iso
from hubcli.store.library_file import mark_changed
from hubcli.store.query import Selection, build_selection

if TYPE_CHECKING:
    from hubcli.queries import Query

KINDS = ("author", "topic", "category")


@dataclass(frozen=True)
class Follow:
    kind: str
    value: str
    added_at: str


def add_follow(store: Store, kind: str, value: str) -> bool:
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT OR IGNORE INTO lib.follows(kind, value, added_at) VALUES (?, ?, ?)", (kind, value, now_iso())
        )
        if cur.rowcount > 0:
            mark_changed(conn)
        return cur.rowcount > 0


def remove_follow(store: Store, kind: str, value: str) -> bool:
    with store.transaction() as conn:
        cur = conn.execute("DELETE FROM lib.follows WHERE kind = ? AND value = ? COLLATE NOCASE", (kind, value))
        if cur.rowcount > 0:
            mark_changed(conn)
        return cur.rowcount > 0


def list_follows(store: Store) -> list[Follow]:
    rows = store.conn.execute("SELECT kind, value, added_at FROM lib.follows ORDER BY kind, added_at, value"
                              ).fetchall()
    return [Follow(*row) for row in rows]


@dataclass
class Radar:
    selection: Selection
    parts: list[tuple[Follow, Selection]]
    seen_at: str


def radar_selection(store: Store, follows: list[tuple[Follow, Query]], *, only_new: bool = True) -> Radar:
    """Papers matching any follow (each given with its resolved query); with
    ``only_new``, only those changed since the last radar."""
    parts = []
    for follow, query in follows:
        sel = build_selection(store, query)
        if not sel.impossible:
            parts.append((follow, sel))
    seen_at = store.get_state("radar_seen_at") or ""
    combined = Selection()
    if not parts:
        combined.impossible = True
    else:
        combined.add_any([sel for _follow, sel in parts])
    if only_new:
        combined.add_changed_since(seen_at)
    return Radar(combined, parts, seen_at)


def reasons_for(store: Store, radar: Radar, paper_ids: list[int]) -> dict[int, list[Follow]]:
    """Which follows put each paper on the radar."""
    found: dict[int, list[Follow]] = {}
    if not paper_ids:
        return found
    marks = ",".join("?" * len(paper_ids))
    for follow, sel in radar.parts:
        rows = store.conn.execute(
            f"SELECT p.id FROM papers p WHERE p.id IN ({marks}) AND {sel.sql()}", [*paper_ids, *sel.params]
        )
        for (pid,) in rows:
            found.setdefault(int(pid), []).append(follow)
    return found


def latest_change(store: Store) -> str | None:
    """The newest ``changed_at`` stored (what a radar run marks seen when it ends)."""
    row = store.conn.execute("SELECT max(changed_at) FROM papers").fetchone()
    return None if row is None or row[0] is None else str(row[0])


def newest_published(store: Store) -> str | None:
    """The newest publication date stored (where a first ``hub recommend`` looks for new papers)."""
    row = store.conn.execute("SELECT max(published) FROM papers").fetchone()
    return None if row is None or row[0] is None else str(row[0])


def mark_radar_seen(store: Store, up_to: str | None = None) -> None:
    """Everything changed up to now (or ``up_to``) counts as seen by the next radar."""
    with store.transaction() as conn:
        mark = up_to or conn.execute("SELECT max(changed_at) FROM papers").fetchone()[0] or ""
        store.set_state("radar_seen_at", mark)
