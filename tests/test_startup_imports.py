"""Start-up pays only for the command run (issue 23): the modules ``hub --version``,
``hub papers --format json`` and ``hub papers --format panels`` import may not grow, and
the everyday reads never import Typer (``cli/direct.py``).

Each command runs as its own process (``python -c``, output to a pipe) and writes the
names in ``sys.modules`` to a file at exit; nothing is timed.  The limits are the counts
measured when the command tree became lazy, plus a little slack: a new import on these
paths should be a decision, made here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from feedgen import Item, arxiv_rss

# hubcli modules loaded, measured (3, 43 and 51) + slack
LIMITS = {"version": 4, "json": 46, "panels": 54}
NEVER = ("litellm", "feedparser", "requests", "numpy", "sklearn", "scipy", "httpx", "jinja2")

_DRIVER = """
import atexit, json, sys
dump = sys.argv[1]
atexit.register(lambda: open(dump, "w").write(json.dumps(sorted(sys.modules))))
from hubcli.cli.main import run
sys.argv = ["hub", *sys.argv[2:]]
run()
"""


def _modules(tmp_path: Path, env: dict[str, str], *args: str) -> tuple[set[str], str]:
    dump = tmp_path / f"modules-{len(list(tmp_path.glob('modules-*')))}.json"
    done = subprocess.run([sys.executable, "-c", _DRIVER, str(dump), *args], env=env, capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(dump.read_text())), done.stdout


def _command_modules(loaded: set[str]) -> set[str]:
    from hubcli.cli.main import COMMAND_MODULES

    return {f"hubcli.cli.{name}" for name in set(COMMAND_MODULES.values()) | {"export"}} & loaded


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    environment = {**os.environ, "HUB_HOME": str(home), "NO_COLOR": "1", "HUB_LANG": "en"}
    environment.pop("HUB_DB", None)
    return environment


@pytest.mark.slow
def test_version_imports_neither_typer_nor_the_settings(tmp_path: Path, env: dict[str, str]) -> None:
    loaded, out = _modules(tmp_path, env, "--version")
    assert out.startswith("hub ")
    hub_modules = {m for m in loaded if m.startswith("hubcli")}
    assert len(hub_modules) <= LIMITS["version"], sorted(hub_modules)
    for name in ("typer", "rich", "sqlite3", "tomllib", "hubcli.config", "hubcli.i18n.messages", *NEVER):
        assert name not in loaded


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "limit"), [("json", LIMITS["json"]), ("panels", LIMITS["panels"])])
def test_papers_imports_no_command_module_and_no_typer(tmp_path: Path, env: dict[str, str], fmt: str,
                                                       limit: int) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(arxiv_rss("cs.AI", [Item(f"2604.{i:05d}", f"Paper {i} on graphs", ["Ada Lovelace"])
                                         for i in range(1, 13)]))
    subprocess.run([sys.executable, "-m", "hubcli", "sync", "--quiet", str(feed)], env=env, check=True,
                   capture_output=True, timeout=120)
    loaded, out = _modules(tmp_path, env, "papers", "--format", fmt)
    assert "Paper 12 on graphs" in out
    assert _command_modules(loaded) == set()  # read and run by cli/direct.py and cli/read_commands.py
    assert "typer" not in loaded
    hub_modules = {m for m in loaded if m.startswith("hubcli")}
    assert len(hub_modules) <= limit, sorted(hub_modules)
    for name in NEVER:
        assert name not in loaded, name
    assert ("rich" in loaded) == (fmt == "panels")  # Rich only when a panel is drawn
    assert "pylatexenc" not in loaded  # no text here has LaTeX, and JSON keeps it as published


@pytest.mark.slow
def test_a_command_line_the_direct_reader_leaves_to_typer_still_runs_it(tmp_path: Path, env: dict[str, str]) -> None:
    """``hub shuffle`` with a plain option runs without Typer; with a misspelt option Typer
    reads it and says what is wrong, as it always did."""
    loaded, out = _modules(tmp_path, env, "shuffle", "-n", "3", "--format", "json")
    assert out.startswith("[") and "typer" not in loaded
    done = subprocess.run([sys.executable, "-m", "hubcli", "shuffle", "--numbr", "3"], env=env, capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 2
    assert "--numbr" in done.stderr and "--number" in done.stderr


def test_the_lazy_command_table_is_the_tree_built_from_every_module() -> None:
    """``hub --help`` lists the lazy table: the same commands, in the same order, as the
    tree every module registers into, and each from the module named for it."""
    from hubcli.cli.main import COMMAND_MODULES, build_command, build_lazy_command

    eager = build_command()
    assert list(COMMAND_MODULES) == list(eager.commands)
    lazy = build_lazy_command()
    for name, command in eager.commands.items():
        loaded = lazy.get_command(None, name)  # type: ignore[arg-type]
        assert loaded is not None and loaded.help == command.help, name
        callback = getattr(command, "callback", None)
        if callback is not None and name not in ("library", "feeds"):
            assert callback.__module__ == f"hubcli.cli.{COMMAND_MODULES[name]}", name


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_help_from_the_lazy_tree_is_the_help_of_the_whole_tree(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """Every ``--help`` (what docs/cli*.md hold) reads the same whether the run loads one
    command's module or every module first."""
    from hubcli.cli import main as cli_main
    from hubcli.tools import gendocs

    lazy = gendocs.render(lang)
    monkeypatch.setattr(cli_main, "build_lazy_command", cli_main.build_command)
    assert gendocs.render(lang) == lazy
