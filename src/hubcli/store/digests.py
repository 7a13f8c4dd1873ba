"""What ``hub digest`` keeps and reads: its own "since" mark (separate from radar's) and
the newest papers of a selection."""

from __future__ import annotations

from hubcli.store.db import Store
from hubcli.store.query import Selection

MARK_KEY = "digest_seen_at"  # the digest's own "since", separate from radar's radar_seen_at


def digest_mark(store: Store) -> str:
    """What the last delivered digest covered up to (``""`` before the first one)."""
    return store.get_state(MARK_KEY) or ""


def move_digest_mark(store: Store, up_to: str) -> None:
    """Move the mark forward to ``up_to`` (never back)."""
    with store.transaction():
        current = store.get_state(MARK_KEY) or ""
        if up_to > current:
            store.set_state(MARK_KEY, up_to)


def newest_changed(store: Store, sel: Selection, limit: int) -> list[int]:
    """Up to ``limit`` matching papers' ids, newest first (then most recently changed)."""
    if sel.impossible:
        return []
    rows = store.conn.execute(
        f"SELECT p.id FROM papers p WHERE {sel.sql()} ORDER BY p.published DESC, p.changed_at DESC, p.id DESC"
        " LIMIT ?", [*sel.params, limit]).fetchall()
    return [int(r[0]) for r in rows]
