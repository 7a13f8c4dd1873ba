"""``hub brief``: a cross-disciplinary briefing of the selected papers, as Markdown.

stdout carries the briefing (or the digest, or the dry-run listing) and nothing else;
every note, warning, progress line and usage figure goes to stderr.  Nothing is written
to stdout or to ``-o FILE`` until the whole document is ready.
"""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from hubcli.api.results import Notice
from hubcli.cli.context import OUT, STATE, t
from hubcli.cli.options import with_filters
from hubcli.cli.output import notify, positive
from hubcli.filters import Filters
from hubcli.i18n import Message, translate


class BriefLines:
    """stderr lines for a brief (or a digest); status and progress lines only on a terminal."""

    def __init__(self) -> None:
        self._width = 0

    def notice(self, notice: Notice) -> None:
        notify([notice])

    def status(self, message: Message) -> None:
        if OUT.stderr_is_terminal():
            OUT.info(translate(message.key, STATE.lang, **message.params))

    def progress(self, message: Optional[Message]) -> None:
        if not OUT.stderr_is_terminal():
            return
        if message is None:
            if self._width:
                sys.stderr.write("\r" + " " * self._width + "\r")
                sys.stderr.flush()
                self._width = 0
            return
        text = translate(message.key, STATE.lang, **message.params)
        sys.stderr.write("\r" + text)
        sys.stderr.flush()
        self._width = max(self._width, _display_width(text))


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _emit(text: str, output: Optional[str]) -> None:
    if output and output != "-":
        from hubcli.outfile import atomic_write

        atomic_write(Path(output), text)
        OUT.info(t("brief_written", path=output))
    else:
        OUT.data(text)


def _check_output(output: Optional[str]) -> None:
    """Fail before any model call when ``-o FILE`` cannot be written."""
    if output and output != "-":
        from hubcli.outfile import check_target

        check_target(output)


LimitOption = Annotated[Optional[int], typer.Option("--limit", "-n", help="opt_brief_limit")]
ModelOption = Annotated[Optional[str], typer.Option("--model", "-m", help="opt_brief_model", metavar="MODEL")]
ApiBaseOption = Annotated[Optional[str], typer.Option("--api-base", help="opt_brief_api_base", metavar="URL")]
TimeoutOption = Annotated[Optional[float], typer.Option("--timeout", help="opt_brief_timeout", metavar="SECONDS")]
MaxTimeOption = Annotated[Optional[float], typer.Option("--max-time", help="opt_brief_max_time", metavar="SECONDS")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="opt_brief_dry_run")]
OfflineOption = Annotated[bool, typer.Option("--offline", help="opt_brief_offline")]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="opt_brief_no_cache")]
OutputOption = Annotated[Optional[str], typer.Option("--output", "-o", help="opt_brief_output", metavar="FILE")]
RecommendOption = Annotated[bool, typer.Option("--recommend", help="opt_brief_recommend")]


@with_filters
def brief_command(filters: Filters, limit: LimitOption = None, model: ModelOption = None,
                  api_base: ApiBaseOption = None, timeout: TimeoutOption = None, max_time: MaxTimeOption = None,
                  dry_run: DryRunOption = False,
                  offline: OfflineOption = False, no_cache: NoCacheOption = False,
                  output: OutputOption = None, recommend: RecommendOption = False) -> None:
    from hubcli.api import brief as api_brief

    positive(limit, "--limit")
    _check_output(output)
    request = api_brief.BriefRequest(filters, limit=limit, model=model, api_base=api_base, timeout=timeout,
                                     max_time=max_time, dry_run=dry_run, offline=offline, no_cache=no_cache,
                                     recommended=recommend)
    result = api_brief.write_brief(STATE, request, report=BriefLines())
    if result.kind == "dry-run":
        OUT.data(result.text)
    else:
        _emit(result.text, output)
    notify(result.after)


def register(app: typer.Typer) -> None:
    app.command("brief", help="cmd_brief")(brief_command)
