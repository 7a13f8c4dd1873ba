"""``hub sync``."""

from dataclasses import replace
from typing import Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.cli.feeds import writable_store
from hubcli.errors import HubError
from hubcli.i18n import t
from hubcli.models import Source, SourceResult
from hubcli.sources import registry
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
    row = store.conn.execute("SELECT label FROM sources WHERE spec = ?", (source.spec,)).fetchone()
    return replace(source, label=row[0]) if row and row[0] else source


def register(app: typer.Typer) -> None:
    @app.command("sync", help=t("cmd_sync"))
    def sync_command(
        sources: Annotated[Optional[list[str]], typer.Argument(help=t("arg_sources"), metavar="[SOURCE]...")] = None,
        author: Annotated[Optional[list[str]], typer.Option("--author", "-a", help=t("opt_sync_author"),
                                                            metavar="NAME")] = None,
        jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help=t("opt_jobs"))] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help=t("opt_quiet"))] = False,
    ) -> None:
        from hubcli.cli.papers import positive
        from hubcli.sync import run_sync, subscribed_sources, sync_lock

        positive(jobs, "--jobs")
        settings = STATE.settings()
        chosen = [registry.resolve(spec, settings) for spec in sources or []]
        store = writable_store()
        # a named source that is already known keeps its label (``--label`` or the feed's title)
        chosen = [_known(store, source) for source in chosen]
        targets = chosen or subscribed_sources(store)
        if not targets and not author:
            OUT.hint(t("no_sources"))
            return
        lock = settings.paths.database.with_name(settings.paths.database.name + ".sync-lock")
        with sync_lock(lock, on_wait=lambda: OUT.info(t("sync_locked"))):
            show_progress = OUT.stderr_is_terminal() and not quiet
            progress = None
            task = None
            if show_progress:
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

                progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                    TimeElapsedColumn(), console=OUT.console(stderr=True), transient=True)
                progress.start()
                task = progress.add_task(t("sync_progress"), total=len(targets))

            def on_result(result: SourceResult) -> None:
                if progress is not None and task is not None:
                    progress.advance(task)

            try:
                report = run_sync(store, settings, targets, jobs=jobs or settings.jobs, on_result=on_result)
            finally:
                if progress is not None:
                    progress.stop()
            for result in report.results:
                if result.failed or not quiet:
                    OUT.info(describe(result))
                if result.skipped and not quiet:
                    OUT.info(t("sync_skipped", label=result.source.label, count=result.skipped))
                if result.partial:
                    OUT.warn(t("sync_partial", label=result.source.label, reason=result.partial,
                               count=result.new + result.updated + result.unchanged))
            names = list(author or [])
            if not chosen:  # a full sync also backfills followed authors (at most daily)
                from hubcli.backfill import due_followed_authors

                names += [n for n in due_followed_authors(store) if n not in names]
            if names:
                from hubcli.backfill import backfill_authors

                def show(result: SourceResult) -> None:
                    if result.failed or not quiet:
                        OUT.info(describe(result))

                report.results += backfill_authors(store, settings, names, on_result=show,
                                                   label=lambda n: t("backfill_label", name=n))
            if not quiet and len(report.results) > 1:
                OUT.info(t("sync_total", sources=len(report.results), new=report.new, updated=report.updated,
                           failed=len(report.failed)))
        if report.failed:
            raise HubError("sync_some_failed", count=len(report.failed), total=len(report.results))
