"""Reads of the subscription list (``hub feeds list`` and ``hub feeds export``) and of
known sources (``hub sync SOURCE`` keeps a known label).

The cache's ``sources`` rows are the working copy (with the feed state); every change to
a subscription is mirrored into the library file (``hubcli.store.library_file``), which a
new cache takes its subscriptions from."""

from __future__ import annotations

from dataclasses import dataclass

from hubcli.store.db import Store


@dataclass(frozen=True)
class Subscription:
    spec: str
    label: str
    kind: str
    url: str
    folder: str | None
    papers: int
    last_sync: str | None  # UTC ISO-8601, as stored
    status: str | None  # ok | not-modified | failed | None (never synced)
    error: str | None


def subscriptions(store: Store, *, count_papers: bool = True) -> list[Subscription]:
    """Every subscribed source in the order it was added."""
    papers = "(SELECT count(*) FROM paper_sources ps WHERE ps.source_id = s.id)" if count_papers else "0"
    rows = store.conn.execute(
        f"SELECT s.spec, s.label, s.kind, s.url, s.folder, {papers}, s.last_sync_at, s.last_status, s.last_error"
        " FROM sources s WHERE s.subscribed = 1 ORDER BY s.id"
    ).fetchall()
    return [Subscription(*row) for row in rows]


def source_label(store: Store, spec: str) -> str | None:
    """The stored label of a known source (subscribed or not)."""
    row = store.conn.execute("SELECT label FROM sources WHERE spec = ?", (spec,)).fetchone()
    return str(row[0]) if row and row[0] else None
