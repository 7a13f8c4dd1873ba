"""``hub sync``: the progress bar, then one line per source (the sync itself is ``api.sync``)."""

import threading
import time
from typing import Annotated, Any, Optional

import typer

from hubcli.api.results import Notice
from hubcli.cli.context import OUT, STATE, t
from hubcli.cli.output import notify, positive
from hubcli.errors import HubError
from hubcli.sync_models import Source, SourceResult, SyncReport


def describe(result: SourceResult) -> str:
    label = result.source.label
    if result.error is not None:
        err = result.error
        reason = t(err.key, **err.params) if isinstance(err, HubError) else str(err)
        return t("sync_failed", label=label, reason=reason)
    if result.not_modified:
        return t("sync_not_modified", label=label)
    if result.empty:  # only arXiv's listings are empty for a reason hub knows (weekends, holidays)
        return t("sync_empty" if result.source.kind == "arxiv" else "sync_empty_feed", label=label)
    return t("sync_line", label=label, new=result.new, updated=result.updated, unchanged=result.unchanged)


def dropped_lines(result: SourceResult) -> list[str]:
    """What a source that was stored left out, and why."""
    label = result.source.label
    lines = []
    if result.unidentified:
        lines.append(t("sync_unidentified_one", label=label) if result.unidentified == 1
                     else t("sync_unidentified", label=label, count=result.unidentified))
    unreadable = result.skipped - result.unidentified
    if unreadable:
        lines.append(t("sync_skipped_one", label=label) if unreadable == 1
                     else t("sync_skipped", label=label, count=unreadable))
    return lines


class SyncProgress:
    """The progress bar: sources done of all, and one line per source being fetched with
    its label and the bytes received so far (of its size, when the server announced one).

    ``fetching`` is called from the worker threads; Rich's Progress takes its own lock.
    Labels reach Rich as Text (never markup) through :class:`_LabelColumn`.
    """

    _REFRESH = 0.1  # seconds between forced redraws of one source's line

    def __init__(self, total: int) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("{task.description}"), _label_column(), BarColumn(), _amount_column(),
                                 TimeElapsedColumn(), console=OUT.console(stderr=True), transient=True)
        self.overall = self.progress.add_task(t("sync_progress"), total=total, label="", bytes=False)
        self._tasks: dict[str, Any] = {}
        self._done: set[str] = set()
        self._drawn: dict[str, float] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        self.progress.start()

    def stop(self) -> None:
        self.progress.stop()

    def fetching(self, source: Source, received: int, size: int | None) -> None:
        with self._lock:
            if source.spec in self._done:  # a worker still running after its source timed out
                return
            task = self._tasks.get(source.spec)
            if task is None:
                task = self._tasks[source.spec] = self.progress.add_task(
                    t("sync_fetching"), total=size, label=source.label, bytes=True)
            now = time.monotonic()
            # the first bytes and then at most every _REFRESH: a slow large feed is seen moving
            redraw = received > 0 and now - self._drawn.get(source.spec, -self._REFRESH) >= self._REFRESH
            if redraw:
                self._drawn[source.spec] = now
            self.progress.update(task, completed=received, total=size)  # under the lock: never a removed task
        if redraw:
            self.progress.refresh()

    def finished(self, result: SourceResult) -> None:
        with self._lock:
            self._done.add(result.source.spec)
            task = self._tasks.pop(result.source.spec, None)
            if task is not None:
                self.progress.remove_task(task)
        self.progress.advance(self.overall)


def _label_column() -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    from hubcli.render.formats import safe

    class _LabelColumn(ProgressColumn):
        """The source's label, as the characters it is (labels can come from feed titles)."""

        def render(self, task: Any) -> Text:
            return Text(safe(str(task.fields.get("label") or "")), overflow="ellipsis", no_wrap=True)

    return _LabelColumn()


def _amount_column() -> Any:
    from rich.filesize import decimal
    from rich.progress import ProgressColumn
    from rich.text import Text

    class _AmountColumn(ProgressColumn):
        """``3/4`` sources overall; ``1.2 MB`` (or ``1.2 MB/3.4 MB``) for a source being fetched."""

        def render(self, task: Any) -> Text:
            if not task.fields.get("bytes"):
                return Text(f"{int(task.completed)}/{int(task.total or 0)}")
            done = decimal(int(task.completed))
            return Text(f"{done}/{decimal(int(task.total))}" if task.total else done)

    return _AmountColumn()


class SyncLines:
    """How the terminal follows a sync: the progress bar while sources are fetched (on a
    terminal, unless ``quiet``), then one line per source, then each author backfilled.
    With ``quiet`` only failures and partial feeds are reported."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet
        self.bar: Optional[SyncProgress] = None
        self.offline: Optional[Notice] = None

    def notice(self, notice: Notice) -> None:
        from hubcli.api.sync import OFFLINE_NOTICES

        if notice.key in OFFLINE_NOTICES:  # said once, as the run's error, for every source
            self.offline = notice
            return
        notify([notice])

    def started(self, total: int) -> None:
        if OUT.stderr_is_terminal() and not self.quiet:
            self.bar = SyncProgress(total)
            self.bar.start()

    def fetching(self, source: Source, received: int, size: Optional[int]) -> None:
        if self.bar is not None:
            self.bar.fetching(source, received, size)

    def finished(self, result: SourceResult) -> None:
        if self.bar is not None:
            self.bar.finished(result)

    def close(self) -> None:
        """The progress bar removed (also when the sync is interrupted)."""
        bar, self.bar = self.bar, None
        if bar is not None:
            bar.stop()

    def stored(self, report: SyncReport) -> None:
        self.close()
        for result in report.results:
            if self.offline is not None and result.failed:
                continue
            if result.failed or not self.quiet:
                OUT.info(describe(result))
            if not result.failed and not self.quiet:
                for line in dropped_lines(result):
                    OUT.info(line)
            if result.partial:
                OUT.warn(t("sync_partial", label=result.source.label, reason=result.partial,
                           count=result.new + result.updated + result.unchanged))

    def backfilled(self, result: SourceResult) -> None:
        if result.failed or not self.quiet:
            OUT.info(describe(result))


def counted(report: SyncReport, backfills: int = 0) -> str:
    """What a sync's results are: ``7 sources`` or ``7 sources and 1 author backfill``."""
    feeds = len(report.results) - backfills
    text = t("sync_count_feed") if feeds == 1 else t("sync_count_feeds", count=feeds)
    if not backfills:
        return text
    more = t("sync_count_backfill") if backfills == 1 else t("sync_count_backfills", count=backfills)
    return t("sync_count_and", feeds=text, backfills=more) if feeds else more


def total_line(report: SyncReport, backfills: int = 0) -> None:
    """The sum over several sources (and author backfills)."""
    if len(report.results) > 1:
        OUT.info(t("sync_total_counted", counted=counted(report, backfills), new=report.new,
                   updated=report.updated, failed=len(report.failed)))


def failed_error(report: SyncReport, backfills: int = 0) -> HubError:
    """The run's error: how many of what failed, and which (the first few by name)."""
    names = [r.source.label for r in report.failed]
    shown = ", ".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else "")
    return HubError("sync_failed_counted", count=len(names), counted=counted(report, backfills), names=shown)


SourcesArgument = Annotated[Optional[list[str]], typer.Argument(help="arg_sources", metavar="[SOURCE]...")]
SyncAuthorOption = Annotated[Optional[list[str]], typer.Option("--author", "-a", help="opt_sync_author",
                                                               metavar="NAME")]
JobsOption = Annotated[Optional[int], typer.Option("--jobs", "-j", help="opt_jobs")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="opt_quiet")]


def sync_command(sources: SourcesArgument = None, author: SyncAuthorOption = None, jobs: JobsOption = None,
                 quiet: QuietOption = False) -> None:
    from hubcli.api.sync import sync

    positive(jobs, "--jobs")
    lines = SyncLines(quiet=quiet)
    try:
        result = sync(STATE, list(sources or []), authors=list(author or []), jobs=jobs, report=lines)
    finally:
        lines.close()
    notify(result.before)
    if result.offline is not None:
        raise HubError(result.offline.key, **result.offline.params)
    report = result.report
    if not quiet:
        total_line(report, result.backfills)
    if report.failed:
        raise failed_error(report, result.backfills)


def register(app: typer.Typer) -> None:
    app.command("sync", help="cmd_sync")(sync_command)


