"""Long listings on a terminal go through a pager, as git's and gh's do.

The pager is ``$HUB_PAGER``, else ``$PAGER``, else ``less -R``; an empty value or ``cat``
turns it off, and so does ``--no-pager``.  Output is only paged when stdout is a terminal
and the listing is taller than the screen; ``LESS`` defaults to ``FRX`` (quit when it fits,
keep colours, leave the text on the screen), as git sets it.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Optional, TextIO

from hubcli.cli.context import OUT, STATE, t

if TYPE_CHECKING:
    import signal

# the modules a pager needs (shutil, subprocess, shlex, signal, re) are imported only when
# stdout is a terminal: piped output pays nothing for them

DEFAULT_PAGER = "less -R"
DEFAULT_LESS = "FRX"
# an escape sequence (colours, links); compiled when a terminal's listing is measured
_ANSI = r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
_SHELL_CHARS = set("|&;<>()$`\\\"'*?[]#~=%")


def pager_command() -> Optional[str]:
    """The pager to run for this run's output, or None to write straight to stdout."""
    if STATE.no_pager or not sys.stdout.isatty():
        return None
    for var in ("HUB_PAGER", "PAGER"):
        value = os.environ.get(var)
        if value is not None:
            value = value.strip()
            return None if value in ("", "cat") else value
    import shutil

    return DEFAULT_PAGER if shutil.which("less") else None


class _Capture(io.StringIO):
    """Collects a listing while it is written; still a terminal to whoever asks, so the
    listing is drawn (panels, colours, width) as it would be on the screen."""

    def __init__(self, terminal: TextIO) -> None:
        super().__init__()
        self._terminal = terminal

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._terminal.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._terminal, "encoding", None) or "utf-8"


def _rows(text: str, columns: int) -> int:
    """How many screen rows the text takes at this width."""
    import re

    from rich.cells import cell_len

    ansi = re.compile(_ANSI)
    rows = 0
    for line in text.splitlines():
        width = cell_len(ansi.sub("", line))
        rows += max(1, -(-width // max(columns, 1)))
    return rows


@contextmanager
def paged() -> Iterator[None]:
    """Everything written to stdout inside goes through the pager when it is taller than
    the terminal (and straight to the terminal otherwise, or when something fails)."""
    command = pager_command()
    if command is None:
        yield
        return
    terminal = sys.stdout
    capture = _Capture(terminal)
    sys.stdout = capture
    try:
        yield
    except BaseException:
        sys.stdout = terminal
        OUT.data(capture.getvalue())
        raise
    sys.stdout = terminal
    text = capture.getvalue()
    import shutil

    size = shutil.get_terminal_size()
    if not text or _rows(text, size.columns) < size.lines:
        OUT.data(text)
        return
    _run_pager(command, text, terminal)


def _run_pager(command: str, text: str, terminal: TextIO) -> None:
    import shlex
    import signal
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", DEFAULT_LESS)
    env.setdefault("LV", "-c")  # lv: keep colours
    # like git: a plain command is run directly (so a missing one is reported), the rest by the shell
    argv: list[str] | str = command if _SHELL_CHARS & set(command) else shlex.split(command)
    try:
        proc = subprocess.Popen(argv, shell=isinstance(argv, str), stdin=subprocess.PIPE, env=env)
    except OSError as exc:
        OUT.warn(t("pager_failed", command=command, reason=exc.strerror or str(exc)))
        OUT.data(text)
        return
    previous = _ignore_interrupts()  # Ctrl-C belongs to the pager while it runs
    try:
        assert proc.stdin is not None
        try:
            proc.stdin.write(text.encode(getattr(terminal, "encoding", None) or "utf-8", "replace"))
            proc.stdin.close()
        except BrokenPipeError:  # the reader quit before reading everything
            pass
        proc.wait()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _ignore_interrupts() -> Optional[signal._HANDLER]:
    import signal

    try:
        return signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        return None
