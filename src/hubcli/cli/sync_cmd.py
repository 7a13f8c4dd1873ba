"""``hub sync``."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.cli.papers import positive
from hubcli.config import Settings
from hubcli.errors import HubError
from hubcli.i18n import t
from hubcli.models import Source, SourceResult, SyncReport
from hubcli.store.db import Store


def describe(result: SourceResult) -> str:
    label = result.source.label
    if result.error is not None:
        err = result.error
        reason = t(err.key, **err.params) if isinstance(err, HubError) else str(err)
        return t("sync_failed", label=label, reason=reason)
    if result.not_modified:
        return t("sync_not_modified", label=label)
    if result.empty:
        return t("sync_empty", label=label)
    return t("sync_line", label=label, new=result.new, updated=result.updated, unchanged=result.unchanged)


def _known(store: Store, source: Source) -> Source:
    """The stored label for a source named on the command line, when hub knows it."""
    from hubcli.store.query import source_label

    label = source_label(store, source.spec)
    return replace(source, label=label) if label else source


@contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Callable[[SourceResult], None]]:
    """A transient bar on stderr advanced once per source (a no-op when not ``enabled``)."""
    if not enabled:
        yield lambda _result: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=OUT.console(stderr=True), transient=True)
    progress.start()
    task = progress.add_task(t("sync_progress"), total=total)
    try:
        yield lambda _result: progress.advance(task)
    finally:
        progress.stop()


def _report_sources(report: SyncReport, quiet: bool) -> None:
    for result in report.results:
        if result.failed or not quiet:
            OUT.info(describe(result))
        if result.skipped and not quiet:
            OUT.info(t("sync_skipped", label=result.source.label, count=result.skipped))
        if result.partial:
            OUT.warn(t("sync_partial", label=result.source.label, reason=result.partial,
                       count=result.new + result.updated + result.unchanged))


def _backfill(store: Store, settings: Settings, report: SyncReport, authors: list[str], *, full: bool,
              quiet: bool) -> None:
    """``--author`` names, and on a full sync the followed authors that are due."""
    names = list(authors)
    if full:  # a full sync also backfills followed authors (at most daily)
        from hubcli.backfill import due_followed_authors

        names += [n for n in due_followed_authors(store) if n not in names]
    if not names:
        return
    from hubcli.backfill import backfill_authors

    def show(result: SourceResult) -> None:
        if result.failed or not quiet:
            OUT.info(describe(result))

    report.results += backfill_authors(store, settings, names, on_result=show,
                                       label=lambda n: t("backfill_label", name=n))


SourcesArgument = Annotated[Optional[list[str]], typer.Argument(help="arg_sources", metavar="[SOURCE]...")]
SyncAuthorOption = Annotated[Optional[list[str]], typer.Option("--author", "-a", help="opt_sync_author",
                                                               metavar="NAME")]
JobsOption = Annotated[Optional[int], typer.Option("--jobs", "-j", help="opt_jobs")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="opt_quiet")]


def sync_command(sources: SourcesArgument = None, author: SyncAuthorOption = None, jobs: JobsOption = None,
                 quiet: QuietOption = False) -> None:
    from hubcli.api.feeds import writable_store
    from hubcli.sources import registry
    from hubcli.sync import run_sync, subscribed_sources, sync_lock

    positive(jobs, "--jobs")
    settings = STATE.settings()
    chosen = [registry.resolve(spec, settings) for spec in sources or []]
    store = writable_store(STATE)
    # a named source that is already known keeps its label (``--label`` or the feed's title)
    chosen = [_known(store, source) for source in chosen]
    targets = chosen or subscribed_sources(store)
    if not targets and not author:
        OUT.hint(t("no_sources"))
        return
    lock = settings.paths.database.with_name(settings.paths.database.name + ".sync-lock")
    with sync_lock(lock, on_wait=lambda: OUT.info(t("sync_locked"))):
        with _progress_bar(len(targets), OUT.stderr_is_terminal() and not quiet) as advance:
            report = run_sync(store, settings, targets, jobs=jobs or settings.jobs, on_result=advance)
        _report_sources(report, quiet)
        _backfill(store, settings, report, author or [], full=not chosen, quiet=quiet)
        if not quiet and len(report.results) > 1:
            OUT.info(t("sync_total", sources=len(report.results), new=report.new, updated=report.updated,
                       failed=len(report.failed)))
    if report.failed:
        raise HubError("sync_some_failed", count=len(report.failed), total=len(report.results))


def register(app: typer.Typer) -> None:
    app.command("sync", help="cmd_sync")(sync_command)


