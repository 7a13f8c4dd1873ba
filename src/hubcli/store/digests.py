"""What ``hub digest`` keeps and reads: its own "since" mark (separate from radar's) and
the newest papers of a selection."""

from __future__ import annotations

from datetime import UTC, datetime

from hubcli.store.db import Store
from hubcli.store.query import Selection

MARK_KEY = "digest_seen_at"  # the digest's own "since", separate from radar's radar_seen_at
SENT_KEY = "digest_sent_at"  # when the last digest went out (UTC): what "nothing sent" lines name


def digest_mark(store: Store) -> str:
    """What the last delivered digest covered up to (``""`` before the first one)."""
    return store.get_state(MARK_KEY) or ""


def move_digest_mark(store: Store, up_to: str, *, sent: bool = False) -> None:
    """Move the mark forward to ``up_to`` (never back); with ``sent``, a digest went out now."""
    with store.transaction():
        current = store.get_state(MARK_KEY) or ""
        if up_to > current:
            store.set_state(MARK_KEY, up_to)
        if sent:
            store.set_state(SENT_KEY, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


def last_sent(store: Store) -> str | None:
    """When the last digest went out (UTC, ISO 8601), None before the first (or when an
    earlier release sent it)."""
    return store.get_state(SENT_KEY) or None


def newest_changed(store: Store, sel: Selection, limit: int) -> list[int]:
    """Up to ``limit`` matching papers' ids, newest first (then most recently changed)."""
    if sel.impossible:
        return []
    rows = store.conn.execute(
        f"SELECT p.id FROM papers p WHERE {sel.sql()} ORDER BY p.published DESC, p.changed_at DESC, p.id DESC"
        " LIMIT ?", [*sel.params, limit]).fetchall()
    return [int(r[0]) for r in rows]
