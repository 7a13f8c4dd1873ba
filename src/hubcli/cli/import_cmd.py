"""``hub import FILE``."""

import contextlib
import time
from pathlib import Path
from typing import Annotated

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.i18n import t


def register(app: typer.Typer) -> None:
    @app.command("import", help=t("cmd_import"))
    def import_command(file: Annotated[Path, typer.Argument(help=t("arg_import_file"), metavar="FILE")]) -> None:
        from hubcli.importer import ImportProgress, batched, estimate_records, iter_papers
        from hubcli.models import Source
        from hubcli.store.bulk import BulkWriter
        from hubcli.store.write import UpsertCounts

        settings = STATE.settings()
        store = STATE.store(create=True)
        assert store is not None
        progress = ImportProgress()
        fmt, papers, handle = iter_papers(file, progress, max_bytes=max(settings.max_bytes, 256 * 1024 * 1024))
        source = Source(f"import:{fmt}", "import", {"kaggle": "arXiv", "oai": "arXiv"}.get(fmt, progress.name),
                        str(file))
        shown = t("import_stdin") if str(file) == "-" else file.name
        totals = UpsertCounts()
        writer = BulkWriter(store, source, expected=estimate_records(fmt, progress.expanded_bytes))
        started = time.monotonic()
        bar = None
        if OUT.stderr_is_terminal():
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )

            bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                           TextColumn("{task.fields[records]:,} papers"), TimeRemainingColumn(),
                           console=OUT.console(stderr=True), transient=True)
            bar.start()
            task = bar.add_task(t("import_progress"), total=progress.total_bytes or None, records=0)
        interrupted = False
        try:
            try:
                with handle:
                    for batch in batched(papers):
                        counts = writer.write(batch)
                        totals.new += counts.new
                        totals.updated += counts.updated
                        totals.unchanged += counts.unchanged
                        if bar is not None:
                            done = min(progress.bytes_read, progress.total_bytes or progress.bytes_read)
                            bar.update(task, completed=done, records=progress.records)
            except KeyboardInterrupt:  # keep what is stored; a bulk load still gets its indexes
                if not writer.bulk_load:
                    raise
                interrupted = True
            except BaseException:
                if writer.bulk_load:  # a bad record late in the file: index what was loaded
                    with contextlib.suppress(Exception):
                        writer.finish()
                raise
            if bar is not None and writer.bulk_load:
                bar.update(task, description=t("import_indexing"))
            writer.finish()
        finally:
            if bar is not None:
                bar.stop()
        OUT.info(t("import_done", source=shown, new=totals.new, updated=totals.updated,
                   unchanged=totals.unchanged, records=progress.records, seconds=time.monotonic() - started))
        if interrupted:
            raise KeyboardInterrupt
