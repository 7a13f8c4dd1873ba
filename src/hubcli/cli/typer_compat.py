"""Every name hub takes from Typer's private modules, in one place.

Typer 0.26 stopped depending on Click and vendors it as ``typer._click``; it re-exports
only a few of its names (``typer.BadParameter``, ``typer.echo``, …) and none of these:

- ``ClickCommand``: the base class of Typer's commands and groups (``typer.main.get_command``
  returns one), the type the command tree is walked and run as;
- ``ClickException``: the base class of Click's usage errors (bad option, missing
  argument), which ``hub`` turns into one ``error:`` line and exit code 2 (the public
  ``typer.TyperException`` is its base but not a usage error's contract);
- ``completion_init``, ``get_completion_script``, ``install_completion`` and
  ``get_shell_name``: Typer's shell-completion protocol (``_HUB_COMPLETE=complete_bash``)
  and scripts.  Its public ``--install-completion``/``--show-completion`` options ignore
  a shell named after them and cost every start-up, so hub declares its own options and
  calls these (each imports its Typer module when called, so start-up does not pay for them).

No public path exists for them in the Typer versions pyproject allows (``>=0.26,<0.29``);
that upper bound is what keeps them working, and tests/test_typer_compat.py checks that
each one resolves and behaves (a usage error is a ``ClickException``, the bash script is
produced, a completion request is answered) on the installed Typer.
"""

from __future__ import annotations

from pathlib import Path

from typer._click.core import Command as ClickCommand
from typer._click.exceptions import ClickException
from typer._click.exceptions import UsageError as ClickUsageError

__all__ = ["ClickCommand", "ClickException", "ClickUsageError", "completion_init", "get_completion_script",
           "get_shell_name", "install_completion"]


# the completion modules are imported only when completion is used (not at every start-up)

def completion_init() -> None:
    """Register Typer's bash/zsh/fish/PowerShell answers to ``_HUB_COMPLETE=complete_SHELL``."""
    from typer._completion_classes import completion_init as init

    init()


def get_shell_name() -> str | None:
    """The shell hub runs under (Typer asks shellingham, else ``$SHELL``), or None."""
    from typer._completion_shared import _get_shell_name

    return _get_shell_name()


def get_completion_script(*, prog_name: str, complete_var: str, shell: str) -> str:
    """The completion script of ``shell`` for ``prog_name``."""
    from typer._completion_shared import get_completion_script as script

    return script(prog_name=prog_name, complete_var=complete_var, shell=shell)


def install_completion(*, shell: str, prog_name: str, complete_var: str) -> tuple[str, Path]:
    """Write the script where ``shell`` reads it; (the shell, the script's path)."""
    from typer._completion_shared import install

    return install(shell=shell, prog_name=prog_name, complete_var=complete_var)
