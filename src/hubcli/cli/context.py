"""Per-run state: global options, settings, the store, and the output sink."""

import os
import sys
from typing import TYPE_CHECKING, Any

from hubcli.api.session import Session
from hubcli.i18n import translate

if TYPE_CHECKING:
    from rich.console import Console


class RunState(Session):
    """The CLI's session: one per run, plus the terminal-only ``--no-pager`` and whether
    the run was a read ``cli/direct.py`` answered (it then ends without the interpreter's
    teardown: ``cli/main.run``)."""

    def __init__(self) -> None:
        super().__init__()
        self.no_pager = False
        self.answered_directly = False

    def reset(self) -> None:
        """A fresh session for a new run (``main`` may run many times in one process)."""
        self.close()
        self.__init__()  # type: ignore[misc]


STATE = RunState()


def t(key: str, /, **params: Any) -> str:
    """A message in this run's language (``STATE.lang``)."""
    return translate(key, STATE.lang, **params)


def color_enabled(stream: object) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)()) and "NO_COLOR" not in os.environ


class Output:
    """stdout carries data only; messages, hints and progress go to stderr."""

    @staticmethod
    def data(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    @staticmethod
    def _err(line: str) -> None:
        from hubcli.text import strip_controls  # not at start-up: hubcli.text imports html.parser

        sys.stderr.write(strip_controls(line) + "\n")
        sys.stderr.flush()

    def info(self, message: str) -> None:
        self._err(message)

    def warn(self, message: str) -> None:
        self._err(t("warning_prefix", message=message))

    def hint(self, message: str) -> None:
        self._err(t("hint_prefix", message=message))

    def error(self, message: str) -> None:
        self._err(t("error_prefix", message=message))

    @staticmethod
    def stdout_is_terminal() -> bool:
        return sys.stdout.isatty()

    @staticmethod
    def stderr_is_terminal() -> bool:
        return sys.stderr.isatty()

    @staticmethod
    def console(*, stderr: bool = False) -> "Console":
        """A Rich console: styled only on a terminal without NO_COLOR."""
        from rich.console import Console

        stream = sys.stderr if stderr else sys.stdout
        styled = color_enabled(stream)
        return Console(file=stream, force_terminal=styled, no_color=not styled, highlight=False,
                       markup=False, emoji=False, soft_wrap=False,
                       width=None if stream.isatty() else 100)


OUT = Output()
