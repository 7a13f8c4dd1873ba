"""``hub import FILE``: an arXiv metadata snapshot, OAI-PMH response or feed file streamed
into the cache in batches (reading the file: ``hubcli.snapshots``)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubcli.api.results import Result
from hubcli.api.session import Session
from hubcli.i18n import Message
from hubcli.models import Paper
from hubcli.snapshots import ImportProgress
from hubcli.store.bulk import BulkWriter
from hubcli.store.write import UpsertCounts


@dataclass
class ImportJob:
    """An import opened (format detected, file open), not yet written."""

    file: Path
    writer: BulkWriter
    papers: Iterator[Paper]
    handle: AbstractContextManager[Any]  # closed when the import ends
    progress: ImportProgress
    totals: UpsertCounts = field(default_factory=UpsertCounts)
    started: float = field(default_factory=time.monotonic)


def open_import(session: Session, file: Path) -> ImportJob:
    from hubcli.snapshots import estimate_records, iter_papers
    from hubcli.sync_models import Source

    settings = session.settings()
    store = session.store(create=True)
    assert store is not None
    progress = ImportProgress()
    fmt, papers, handle = iter_papers(file, progress, max_bytes=max(settings.max_bytes, 256 * 1024 * 1024))
    source = Source(f"import:{fmt}", "import", {"kaggle": "arXiv", "oai": "arXiv"}.get(fmt, progress.name),
                    str(file))
    writer = BulkWriter(store, source, expected=estimate_records(fmt, progress.expanded_bytes))
    return ImportJob(file, writer, papers, handle, progress)


@dataclass
class ImportOutcome(Result):
    interrupted: bool = False  # Ctrl-C during a bulk load: what was read is stored and indexed


def run_import(job: ImportJob, *, on_batch: Callable[[ImportProgress], None] = lambda _p: None,
               on_indexing: Callable[[], None] = lambda: None) -> ImportOutcome:
    """Write every batch (each in one transaction), then finish a bulk load's indexes."""
    from hubcli.snapshots import batched

    writer, totals = job.writer, job.totals
    outcome = ImportOutcome()
    try:
        with job.handle:
            for batch in batched(job.papers):
                counts = writer.write(batch)
                totals.new += counts.new
                totals.updated += counts.updated
                totals.unchanged += counts.unchanged
                on_batch(job.progress)
    except KeyboardInterrupt:  # keep what is stored; a bulk load still gets its indexes
        if not writer.bulk_load:
            raise
        outcome.interrupted = True
    except BaseException:
        if writer.bulk_load:  # a bad record late in the file: index what was loaded
            with contextlib.suppress(Exception):
                writer.finish()
        raise
    if writer.bulk_load:
        on_indexing()
    writer.finish()
    from hubcli.rank.hooks import refresh_if_enabled  # numpy and sklearn only where features exist

    refresh_if_enabled(writer.store)
    shown: object = Message("import_stdin") if str(job.file) == "-" else job.file.name
    outcome.note("info", "import_done", source=shown, new=totals.new, updated=totals.updated,
                 unchanged=totals.unchanged, records=job.progress.records, seconds=time.monotonic() - job.started)
    return outcome
