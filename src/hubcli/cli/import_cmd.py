"""``hub import FILE``."""

import time
from pathlib import Path
from typing import Annotated

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.i18n import t


def register(app: typer.Typer) -> None:
    @app.command("import", help=t("cmd_import"))
    def import_command(file: Annotated[Path, typer.Argument(help=t("arg_import_file"), metavar="FILE")]) -> None:
        from hubcli.importer import ImportProgress, batched, iter_papers
        from hubcli.models import Source
        from hubcli.store.bulk import import_batch
        from hubcli.store.write import UpsertCounts

        settings = STATE.settings()
        store = STATE.store(create=True)
        assert store is not None
        progress = ImportProgress()
        fmt, papers, handle = iter_papers(file, progress, max_bytes=max(settings.max_bytes, 256 * 1024 * 1024))
        source = Source(f"import:{fmt}", "import", {"kaggle": "arXiv", "oai": "arXiv"}.get(fmt, file.name),
                        str(file))
        totals = UpsertCounts()
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
        try:
            with handle:
                for batch in batched(papers):
                    counts = import_batch(store, source, batch)
                    totals.new += counts.new
                    totals.updated += counts.updated
                    totals.unchanged += counts.unchanged
                    if bar is not None:
                        bar.update(task, completed=progress.bytes_read, records=progress.records)
        finally:
            if bar is not None:
                bar.stop()
        OUT.info(t("import_done", source=file.name, new=totals.new, updated=totals.updated,
                   unchanged=totals.unchanged, records=progress.records, seconds=time.monotonic() - started))
