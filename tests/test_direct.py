"""``hub papers``, ``hub shuffle`` and ``hub recommend`` are read without Typer when their
options are plain (``cli/direct.py``): both readers must hand the command the same values, and whatever the
direct reader does not take exactly as Click does must reach Typer, unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from feedgen import Item, arxiv_rss
from hubcli.cli import direct, read_commands
from hubcli.cli.main import main

_DIRECT_ANSWER = direct.answer

# command lines both readers take; each is run through both and must give the same call
TAKEN = [
    ["papers"],
    ["papers", "--author", "Ada Lovelace", "-a", "Hong, Lichan", "--author=L. Hong"],
    ["papers", "-aSmith", "-a=Jones", "--author="],
    ["papers", "-c", "cs.IR", "--category", "Scientific Community", "--source", "arxiv:cs.IR"],
    ["papers", "--journal", "Nature", "--search", 'graph "neural nets" OR gnn*', "-t", "recsys"],
    ["papers", "--since", "2w", "--until", "2026-12-01", "--type", "new,cross", "--type", "replace"],
    ["papers", "--unseen", "--saved", "--unread", "--tag", "to read", "--tag", "x"],
    ["papers", "-p", "3", "-n", "25", "--sort", "relevance", "-f", "json"],
    ["papers", "--page=2", "--per-page=7", "--format=csv", "--tldr", "--offline"],
    ["papers", "-p2", "-n7", "-fjsonl", "--sort=date"],
    ["papers", "--page", "+4", "-n", "007", "-p", "5"],  # the last value counts, as in Click
    ["papers", "-p", "0"],  # in range for both readers; the command itself says it is too small
    ["papers", "-n", "1000000000"],
    ["papers", "--format", "nonsense"],  # the command reports it, whichever reader
    ["papers", "--search", "a=b", "--author", "O'Brien, Séamus", "--tag", "数学"],
    ["shuffle"],
    ["shuffle", "-n", "3", "--seed", "42", "--include-dismissed", "-f", "json"],
    ["shuffle", "--number=5", "--seed=-9223372036854775808", "--category", "math.AP", "--saved"],
    ["shuffle", "-n5", "--seed", "9223372036854775807", "--tldr", "--offline", "-a", "Ada"],
    ["recommend"],
    ["recommend", "--since", "7d", "--explain", "-n", "5", "-f", "json", "--min-score", "0.25"],
    ["recommend", "--like-tag", "rl", "--like-tag", "to read", "--all", "--include-dismissed", "--min-score=-1"],
    ["recommend", "--min-score", "2", "--min-score=.5", "-c", "cs.IR", "--tldr"],
]

# command lines only Typer reads: help, mistakes, and what the direct reader would guess at
LEFT_TO_TYPER = [
    ["papers", "--help"],
    ["papers", "-h"],
    ["papers", "--autor", "Ada"],  # misspelt: Typer says which option was meant
    ["papers", "extra"],  # an argument
    ["papers", "--", "--author"],
    ["papers", "-"],
    ["papers", "--author"],  # a missing value
    ["papers", "-n"],
    ["papers", "--search", "-graphs"],  # a value starting with a dash
    ["papers", "-p", "x"],
    ["papers", "-p", "1_000"],
    ["papers", "-p", " 3"],
    ["papers", "-p", "٣"],  # a digit of another script: int() takes it, Click's message is Typer's to give
    ["papers", "-n", "1000000001"],  # out of range: Typer's error names the range
    ["papers", "-p", "9" * 5000],  # more digits than Python's int reads
    ["papers", "-p=-1000000001"],
    ["shuffle", "--seed", "9223372036854775808"],
    ["papers", "--tldr=yes"],  # a flag with a value
    ["papers", "--offline="],
    ["papers", "--version"],  # a global option after the command is Typer's error to report
    ["papers", "--number", "3"],  # shuffle's option, not papers'
    ["shuffle", "--page", "2"],
    ["recommend", "--min-score", "1e3"],  # float() reads these; Typer's message is the one to give
    ["recommend", "--min-score", "inf"],
    ["recommend", "--min-score", "nan"],
    ["recommend", "--min-score", "1_0"],
    ["recommend", "--min-score", "."],
    ["recommend", "--min-score=+"],
    ["recommend", "--page", "2"],
    ["show", "2411.00001"],  # not a command the direct reader takes
    ["sync"],
    [],
]


def _recorded(monkeypatch: pytest.MonkeyPatch, args: list[str], *, typer_only: bool) -> dict[str, Any]:
    """The call ``read_commands`` gets for ``hub ARGS`` (the command not run)."""
    calls: list[dict[str, Any]] = []

    def record(name: str) -> Any:
        def call(filters: Any, **options: Any) -> None:
            calls.append({"command": name, "filters": filters, **options})

        return call

    for name in direct.DIRECT_COMMANDS:
        monkeypatch.setattr(read_commands, name, record(name))
    taken: list[bool] = []

    def answer(argv: list[str]) -> bool:
        taken.append(False if typer_only else _DIRECT_ANSWER(argv))
        return taken[-1]

    monkeypatch.setattr(direct, "answer", answer)
    assert main(list(args)) == 0
    assert taken == [not typer_only], args
    assert len(calls) == 1, args
    return calls[0]


@pytest.mark.parametrize("args", TAKEN, ids=" ".join)
def test_both_readers_hand_the_command_the_same_values(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    through_typer = _recorded(monkeypatch, args, typer_only=True)
    through_direct = _recorded(monkeypatch, args, typer_only=False)
    assert through_direct == through_typer


@pytest.mark.parametrize("args", LEFT_TO_TYPER, ids=lambda a: " ".join(a) or "(nothing)")
def test_what_the_direct_reader_cannot_take_exactly_is_left_to_typer(args: list[str]) -> None:
    if args[:1] and args[0] in direct.DIRECT_COMMANDS:
        assert direct.parse(args[0], args[1:]) is None
    assert direct.answer(list(args)) is False  # nothing run: the full command line reads it


def test_every_option_typer_declares_is_in_the_direct_table() -> None:
    """The generated table names each option of the two commands, with the parameter
    Typer passes it as (``gendocs --check`` keeps the file itself current)."""
    from hubcli.cli.direct_table import DEFAULTS, OPTIONS
    from hubcli.cli.main import build_command

    tree = build_command()
    for name in direct.DIRECT_COMMANDS:
        params = tree.commands[name].params
        assert set(DEFAULTS[name]) == {str(p.name) for p in params}
        assert set(OPTIONS[name]) == {opt for p in params for opt in p.opts}


@pytest.fixture
def cache(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "HUB_HOME": str(tmp_path / "home"), "NO_COLOR": "1", "HUB_LANG": "en"}
    env.pop("HUB_DB", None)
    feed = tmp_path / "feed.xml"
    feed.write_bytes(arxiv_rss("cs.AI", [Item(f"2604.{i:05d}", f"Paper {i} on $x^2$ graphs", ["Ada Lovelace"])
                                         for i in range(1, 13)]))
    subprocess.run([sys.executable, "-m", "hubcli", "sync", "--quiet", str(feed)], env=env, check=True,
                   capture_output=True, timeout=120)
    return env


def _hub(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hubcli", *args], env=env, capture_output=True, text=True,
                          check=False, timeout=120)


@pytest.mark.slow
def test_a_user_sees_the_same_listing_whichever_reader_ran(cache: dict[str, str]) -> None:
    """``-n 3`` is read directly, ``-n3`` too; ``--per-page 03 --no-pager`` too.  The
    same listing and the same hint, in every format, as when Typer read the line
    (``--page=1 --`` sends it to Typer: ``--`` is Click's)."""
    for fmt in ("json", "plain", "csv", "markdown"):
        direct_run = _hub(cache, "papers", "-n", "3", "-f", fmt)
        typer_run = _hub(cache, "papers", "-n", "3", "-f", fmt, "--")
        assert direct_run.returncode == typer_run.returncode == 0
        assert direct_run.stdout == typer_run.stdout and direct_run.stderr == typer_run.stderr
    listed = json.loads(_hub(cache, "papers", "-n3", "-f", "json").stdout)
    assert [paper["title"] for paper in listed] == [f"Paper {i} on $x^2$ graphs" for i in (12, 11, 10)]


@pytest.mark.slow
def test_mistakes_read_directly_are_reported_as_before(cache: dict[str, str]) -> None:
    """A value the command itself refuses reads the same error line and exit code both ways."""
    for args in (["papers", "-p", "0"], ["papers", "--format", "xml"], ["papers", "--since", "yesterday"],
                 ["shuffle", "-n", "-2"], ["papers", "--sort", "best"]):
        direct_run = _hub(cache, *args)
        typer_run = _hub(cache, *args, "--")
        assert direct_run.returncode == typer_run.returncode == 2, args
        assert direct_run.stderr == typer_run.stderr and direct_run.stderr.startswith("error: "), args


@pytest.mark.slow
def test_a_direct_read_ends_at_once_with_everything_written(cache: dict[str, str], tmp_path: Path) -> None:
    """A direct read skips the interpreter's teardown: its whole output still arrives (to a
    pipe and to a file) and what it wrote to the database is kept (shuffle's "shown")."""
    listed = json.loads(_hub(cache, "papers", "-n", "100", "-f", "json").stdout)
    assert len(listed) == 12
    out = tmp_path / "papers.csv"
    with out.open("w") as handle:
        subprocess.run([sys.executable, "-m", "hubcli", "papers", "-n", "100", "-f", "csv"], env=cache,
                       stdout=handle, stderr=subprocess.DEVNULL, check=True, timeout=120)
    assert len(out.read_text().splitlines()) == 13
    first = {paper["id"] for paper in json.loads(_hub(cache, "shuffle", "-n", "6", "-f", "json").stdout)}
    second = {paper["id"] for paper in json.loads(_hub(cache, "shuffle", "-n", "6", "-f", "json").stdout)}
    assert len(first) == len(second) == 6 and not first & second  # the first batch was remembered
