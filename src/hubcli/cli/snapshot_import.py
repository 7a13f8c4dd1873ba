"""``hub import FILE``: arXiv metadata snapshots, OAI-PMH responses and feed files (a progress
bar over the bulk writer)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE, t

ImportFileArgument = Annotated[Path, typer.Argument(help="arg_import_file", metavar="FILE")]

Hooks = tuple[Callable[..., None], Callable[[], None]]


@contextmanager
def _progress_bar(total_bytes: int) -> Iterator[Optional[Hooks]]:
    """A transient bar over the bytes read, on a terminal only: (on_batch, on_indexing)."""
    if not OUT.stderr_is_terminal():
        yield None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                   TextColumn("{task.fields[records]:,} papers"), TimeRemainingColumn(),
                   console=OUT.console(stderr=True), transient=True)
    bar.start()
    task = bar.add_task(t("import_progress"), total=total_bytes or None, records=0)
    try:
        yield (lambda p: bar.update(task, completed=min(p.bytes_read, p.total_bytes or p.bytes_read),
                                    records=p.records),
               lambda: bar.update(task, description=t("import_indexing")))
    finally:
        bar.stop()


def import_command(file: ImportFileArgument) -> None:
    from hubcli.api.snapshots import open_import, run_import
    from hubcli.cli.output import show_result

    job = open_import(STATE, file)
    with _progress_bar(job.progress.total_bytes) as hooks:
        outcome = run_import(job) if hooks is None else run_import(job, on_batch=hooks[0], on_indexing=hooks[1])
    show_result(outcome)
    if outcome.interrupted:
        raise KeyboardInterrupt


def register(app: typer.Typer) -> None:
    app.command("import", help="cmd_import")(import_command)
