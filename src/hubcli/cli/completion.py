"""Shell completion: ``hub --show-completion SHELL`` and ``hub --install-completion [SHELL]``.

Typer's own completion options ignore a shell named after them (they detect the shell and
print its script whatever follows), and building them costs every start-up; hub declares
its two options itself and only reaches Typer's completion scripts and installers when one
of them is used.  Completing a command line (``_HUB_COMPLETE=complete_bash``) is Typer's
protocol, answered in :func:`hubcli.cli.main.main`.
"""

from __future__ import annotations

from pathlib import Path

from hubcli.errors import HubError, UsageError

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
AUTO = "auto"  # the value main() supplies when the option is given without a shell


def complete_var(prog_name: str) -> str:
    """The environment variable the completion scripts set: ``_HUB_COMPLETE`` for ``hub``."""
    return "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())


def resolve_shell(value: str) -> str:
    """The shell named (any case), or the one hub runs under for ``auto``."""
    if value == AUTO:
        from hubcli.cli.typer_compat import get_shell_name

        detected = get_shell_name()
        if detected not in SHELLS:
            raise UsageError("completion_no_shell", shells=", ".join(SHELLS[:3]))
        return str(detected)
    shell = value.strip().lower()
    if shell not in SHELLS:
        raise UsageError("completion_bad_shell", value=value, choices=", ".join(SHELLS))
    return shell


def script(prog_name: str, shell: str) -> str:
    from hubcli.cli.typer_compat import get_completion_script

    return get_completion_script(prog_name=prog_name, complete_var=complete_var(prog_name), shell=shell) + "\n"


def install(prog_name: str, shell: str) -> Path:
    """Write the script where the shell reads it (Typer's places: ~/.bash_completions,
    ~/.zfunc, ~/.config/fish/completions) and return that path."""
    from hubcli.cli.typer_compat import install_completion as typer_install

    try:
        _shell, path = typer_install(shell=shell, prog_name=prog_name, complete_var=complete_var(prog_name))
    except OSError as exc:
        raise HubError("completion_install_failed", shell=shell, reason=exc.strerror or str(exc)) from exc
    return path
