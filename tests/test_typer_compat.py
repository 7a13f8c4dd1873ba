"""The private Typer names of ``hubcli.cli.typer_compat`` resolve and behave on the
installed Typer (pyproject bounds it; a Typer that moves them fails here first).

Every private Typer import of the package goes through that one module: no other module
of ``src/hubcli`` names ``typer._…``."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup

from conftest import run_hub
from hubcli.cli import typer_compat
from hubcli.cli.main import build_command

SRC = Path(__file__).resolve().parents[1] / "src" / "hubcli"


def test_no_module_but_typer_compat_imports_private_typer_names() -> None:
    private = re.compile(r"^\s*(from|import)\s+typer\._", re.MULTILINE)
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                 if p.name != "typer_compat.py" and private.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_command_tree_is_made_of_click_commands() -> None:
    command = build_command()

    assert isinstance(command, TyperGroup) and isinstance(command, typer_compat.ClickCommand)
    assert all(isinstance(sub, typer_compat.ClickCommand) for sub in command.commands.values())
    assert isinstance(typer.main.get_command(typer.Typer(add_completion=False, callback=lambda: None)),
                      typer_compat.ClickCommand)


def test_a_usage_error_is_a_click_exception() -> None:
    with pytest.raises(typer_compat.ClickException) as raised:
        build_command().main(args=["papers", "--no-such-option"], prog_name="hub", standalone_mode=False)
    assert raised.value.exit_code == 2
    assert issubclass(typer.BadParameter, typer_compat.ClickException)

    result = run_hub("papers", "--no-such-option")  # main() catches it: one line, exit code 2
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "--no-such-option" in result.stderr


@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o default -F _hub_completion hub"),
    ("zsh", "#compdef hub"),
    ("fish", "complete --command hub"),
    ("powershell", "Register-ArgumentCompleter"),
])
def test_the_completion_script_is_produced(shell: str, marker: str) -> None:
    script = typer_compat.get_completion_script(prog_name="hub", complete_var="_HUB_COMPLETE", shell=shell)

    assert marker in script
    assert "_HUB_COMPLETE" in script and "complete_" + shell in script


def test_completion_init_answers_a_bash_completion_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_HUB_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "hub pa")
    monkeypatch.setenv("COMP_CWORD", "1")
    out = io.StringIO()

    with redirect_stdout(out):
        typer_compat.completion_init()
        with pytest.raises(SystemExit) as done:
            build_command().main(args=[], prog_name="hub", standalone_mode=True)

    assert done.value.code == 0
    assert out.getvalue().split() == ["papers", "paths"]


def test_get_shell_name_names_a_shell_or_none() -> None:
    name = typer_compat.get_shell_name()

    assert name is None or (isinstance(name, str) and name == name.lower())


def test_install_completion_writes_the_bash_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    (tmp_path / ".bashrc").write_text("# mine\n")

    shell, path = typer_compat.install_completion(shell="bash", prog_name="hub", complete_var="_HUB_COMPLETE")

    assert shell == "bash"
    assert path == tmp_path / ".bash_completions" / "hub.sh"
    assert "complete -o default -F _hub_completion hub" in path.read_text()
    assert f"source '{path}'" in (tmp_path / ".bashrc").read_text()
