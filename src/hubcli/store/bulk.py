"""Bulk writes for ``hub import``: large batches, one transaction each.

Each batch is committed whole, so an interrupted import keeps every finished batch and a
re-run skips what is already stored (same identity rules as sync).
"""

from __future__ import annotations

from hubcli.models import Paper, Source
from hubcli.store.db import Store
from hubcli.store.write import PaperWriter, UpsertCounts, source_id


def import_batch(store: Store, source: Source, papers: list[Paper]) -> UpsertCounts:
    counts = UpsertCounts()
    with store.transaction() as conn:
        sid = source_id(conn, source)
        writer = PaperWriter(conn)
        for paper in papers:
            writer.upsert(paper, sid, counts)
    return counts
