"""What ``hub sync`` and the author backfill read and keep: the subscriptions to fetch,
each source's HTTP validators, the followed authors and when each was last backfilled."""

from __future__ import annotations

from datetime import timedelta

from hubcli.store.db import Store, now_iso
from hubcli.sync_models import Source


def subscribed_sources(store: Store) -> list[Source]:
    """The subscriptions, in the order they were added."""
    rows = store.conn.execute(
        "SELECT spec, kind, label, url FROM sources WHERE subscribed = 1 ORDER BY id"
    ).fetchall()
    return [Source(*row) for row in rows]


def validators(store: Store, spec: str) -> tuple[str | None, str | None]:
    """The ``ETag`` and ``Last-Modified`` a source last answered with (None, None when unknown)."""
    row = store.conn.execute("SELECT etag, last_modified FROM sources WHERE spec = ?", (spec,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _backfill_key(name: str) -> str:
    from hubcli.authors import fold

    return f"backfill:{fold(name)}"


def authors_not_backfilled_since(store: Store, hours: float) -> list[str]:
    """Followed authors (in the order they were followed) not backfilled in the last ``hours``."""
    cutoff = now_iso(ago=timedelta(hours=hours))
    rows = store.conn.execute("SELECT value FROM lib.follows WHERE kind = 'author' ORDER BY added_at").fetchall()
    return [name for (name,) in rows if (store.get_state(_backfill_key(name)) or "") < cutoff]


def mark_backfilled(store: Store, name: str) -> None:
    """Remember that an author was backfilled now."""
    with store.transaction():
        store.set_state(_backfill_key(name), now_iso())


def is_subscribed(store: Store, spec: str) -> bool:
    """Whether ``spec`` is one of the subscriptions."""
    row = store.conn.execute("SELECT 1 FROM sources WHERE spec = ? AND subscribed = 1", (spec,)).fetchone()
    return row is not None
