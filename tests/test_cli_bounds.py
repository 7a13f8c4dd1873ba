"""Bad input on the command line gets one clear line and the documented exit code: whole
numbers out of range (every int option of every command, found by walking the command
tree), arguments that are not UTF-8 (bytes passed to a real ``python -m hubcli``), and
other hostile arguments (huge values, names no file system takes)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import Result
from serve_live import papers_feed

HUGE = "99999999999999999999999"
Hub = Callable[..., Result]


@pytest.fixture
def cache(tmp_path: Path, hub: Hub) -> Hub:
    assert hub("import", str(papers_feed(tmp_path))).exit_code == 0
    return hub


def one_line(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr[:2000]
    assert "unexpected" not in lines[0] and "Traceback" not in result.stderr
    return lines[0]


def int_options() -> Iterator[tuple[list[str], str, str]]:
    """(command path, the option as typed, its parameter name) for every whole-number
    option of every command."""
    from hubcli.cli.main import build_command

    def walk(command: Any, path: list[str]) -> Iterator[tuple[list[str], str, str]]:
        for param in command.params:
            if getattr(param.type, "name", None) in ("int", "integer") and param.opts:
                yield path, param.opts[0], str(param.name)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, [*path, name])

    return walk(build_command(), [])


INT_OPTIONS = list(int_options())


def test_the_walk_finds_the_int_options() -> None:
    found = {(" ".join(path), name) for path, _opt, name in INT_OPTIONS}
    assert {("papers", "page"), ("papers", "per_page"), ("shuffle", "n"), ("shuffle", "seed"),
            ("recommend", "n"), ("similar", "n"), ("radar", "limit"), ("brief", "limit"), ("sync", "jobs"),
            ("serve", "port")} <= found


@pytest.mark.parametrize("path,option,name", INT_OPTIONS, ids=[f"{' '.join(p)} {o}" for p, o, _n in INT_OPTIONS])
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, str(2**64)])
def test_every_int_option_out_of_range_is_a_usage_error(cache: Hub, path: list[str], option: str, name: str,
                                                        value: str) -> None:
    result = cache(*path, option, value)
    assert result.exit_code == 2
    line = one_line(result)
    assert line.startswith("error: ") and "must be a whole number from" in line and value[:20] in line
    assert "OverflowError" not in result.stderr


def test_the_ranges_are_counts_seeds_and_ports(cache: Hub) -> None:
    assert "--page/-p must be a whole number from 1 to 1000000000" in cache("papers", "--page", HUGE).stderr
    assert cache("papers", "--page", "1000000000").exit_code == 0  # past the end: a hint, not an error
    assert cache("shuffle", "-n", "1", "--seed", str(2**63 - 1)).exit_code == 0
    assert cache("shuffle", "-n", "1", "--seed", str(-(2**63))).exit_code == 0
    for seed in (str(2**63), str(-(2**63) - 1)):
        result = cache("shuffle", "--seed", seed)
        assert result.exit_code == 2
        assert "from -9223372036854775808 to 9223372036854775807" in one_line(result)
    assert "--port must be a whole number from 0 to 65535, not 70000" in one_line(cache("serve", "--port", "70000"))
    # small values keep their own message
    assert one_line(cache("papers", "--page", "0")) == "error: --page must be a whole number of at least 1"
    zh = cache("--lang", "zh", "papers", "--page", HUGE)
    assert zh.exit_code == 2 and "必须是 1 到 1000000000 之间的整数" in one_line(zh)


def test_a_5000_digit_number_is_answered_in_a_short_line(cache: Hub) -> None:
    result = cache("papers", "--page", "9" * 5000)
    assert result.exit_code == 2
    assert len(result.stderr) < 1000 and "Traceback" not in result.stderr


def test_a_long_value_is_quoted_short(cache: Hub) -> None:
    for args in (("papers", "--topic", "x" * 100_000), ("papers", "--format", "x" * 100_000),
                 ("show", "x" * 100_000)):
        result = cache(*args)
        assert result.exit_code in (1, 2), args[:2]
        assert len(one_line(result)) < 700, args[:2]
    for args in (("papers", "--author", "x" * 100_000), ("papers", "--source", "x" * 100_000)):
        hint = cache(*args)  # a name no file system takes is no file: a source matching nothing
        assert hint.exit_code == 0 and len(hint.stderr) < 1000 and "unexpected" not in hint.stderr


def run_bytes(*args: bytes) -> subprocess.CompletedProcess[bytes]:
    """``python -m hubcli`` with raw bytes for arguments, as a shell in a UTF-8 locale passes them."""
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "hubcli", *args], capture_output=True, env=env, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("args", [(b"papers", b"--author", b"\xff"), (b"follow", b"\xff"), (b"show", b"\xff"),
                                  (b"papers", b"--search", b"caf\xe9"), (b"tag", b"1", b"\xfe\xff"),
                                  (b"--lang", b"zh", b"show", b"\xff")])
def test_an_argument_that_is_not_utf8_is_one_clear_line(cache: Hub, args: tuple[bytes, ...]) -> None:
    result = run_bytes(*args)
    assert result.returncode == 2
    lines = result.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1 and "\\x" in lines[0], lines
    assert "UnicodeEncodeError" not in lines[0] and "unexpected" not in lines[0]
    assert "UTF-8" in lines[0]
    assert f"argument {len(args)} " in lines[0] or f"第 {len(args)} 个参数" in lines[0]  # the last one
    assert result.stdout == b""


@pytest.mark.slow
def test_utf8_arguments_still_work(cache: Hub) -> None:
    result = run_bytes(b"papers", b"--search", "café".encode(), b"--format", b"json")
    assert result.returncode == 0 and result.stdout.startswith(b"[")


HOSTILE_VALUES = ["", " ", HUGE, "-1", "0", "²", "１", "1" * 5000, "x" * 100_000, "\u202e", "%s%n", "..", "arxiv:",
                  "doi:", "NEAR(", '"', "*", "^", "(", "NOT", "2024-02-30", "9999-99-99", "1000000000000d", "-1d"]
HOSTILE = ([("papers", option, value) for option in ("--since", "--until", "--search", "--category", "--author",
                                                      "--topic", "--source", "--journal", "--tag", "--type",
                                                      "--sort", "--format")
            for value in HOSTILE_VALUES]
           + [(command, value) for command in ("show", "save", "unsave", "dismiss", "note", "similar", "open")
              for value in HOSTILE_VALUES if value.strip()]
           + [("tag", value, "x") for value in HOSTILE_VALUES if value.strip()])


def test_hostile_arguments_get_one_clear_line(cache: Hub, browser: Path) -> None:
    """Every case answered with the documented exit code and a short message: no
    "unexpected error", no traceback, no line of 100,000 characters."""
    failures = []
    for args in HOSTILE:
        result = cache(*args)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        wrong = (result.exit_code not in (0, 1, 2) or "unexpected" in result.stderr or "Traceback" in result.stderr
                 or any(len(line) > 700 for line in lines)
                 or (result.exit_code != 0 and not 1 <= len(lines) <= 2))  # Click adds "Try 'hub … --help'"
        if wrong:
            failures.append((args[0], args[1][:20], args[-1][:20], result.exit_code, result.stderr[:200]))
    assert len(HOSTILE) > 400
    assert failures == []
