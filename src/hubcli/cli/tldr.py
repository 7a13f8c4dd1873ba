"""``--tldr`` in the terminal: the TL;DRs of the papers a listing shows (``api.tldr``),
with a progress bar on stderr while a model writes them (on a terminal only) and each
notice once, on stderr."""

from typing import TYPE_CHECKING, Any, Optional

from hubcli.api.results import Notice
from hubcli.cli.context import OUT, STATE, t
from hubcli.cli.output import notify
from hubcli.models import Paper

if TYPE_CHECKING:
    from hubcli.models import Tldr


class TldrLines:
    """The terminal's reporter: a Rich progress bar (papers done of all) while the model
    writes, started on the first report and only when stderr is a terminal; notices as
    lines on stderr (above the bar while it shows)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None

    def notice(self, notice: Notice) -> None:
        notify([notice])

    def progress(self, done: int, total: int) -> None:
        if total <= 0 or not OUT.stderr_is_terminal():
            return
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=OUT.console(stderr=True), transient=True)
            self.task = self.bar.add_task(t("tldr_progress"), total=total)
            self.bar.start()
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        bar, self.bar = self.bar, None
        if bar is not None:
            bar.stop()


def listing_tldrs(papers: list[Paper], *, tldr: bool, offline: bool) -> Optional[dict[str, "Tldr"]]:
    """The TL;DRs to show with a listing (None without ``--tldr``: the output stays as it
    was)."""
    if not tldr:
        return None
    from hubcli.api.tldr import tldrs_for

    lines = TldrLines()
    try:
        return tldrs_for(STATE, papers, lang=STATE.lang, offline=offline, report=lines)
    finally:
        lines.close()
