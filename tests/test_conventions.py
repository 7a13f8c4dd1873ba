"""Daily-use conventions (issue 9 item 9): ``-V``, shell completion, a compound surname
alone, card width on wide and narrow terminals, the pager, ``hub open --pdf``.

Completion runs the real ``hub`` process (and real bash where there is one); the pager is
observed on a real pseudo-terminal through a recorder script given as ``$PAGER``; the
browser through ``$BROWSER``.

Then the conventions of the code itself, read with ``ast``: function length and
complexity, no import cycles, the front ends going through ``hubcli.api``, SQL only in
``hubcli.store``."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

import hubcli
from conftest import FeedServer, Result, run_on_a_terminal
from feedgen import Item, arxiv_rss, journal_rss1
from hubcli.models import Paper
from hubcli.render.panels import MAX_WIDTH, render_detail, render_papers

Hub = Callable[..., Result]
CATS = ("cs.AI", "cs.CL", "cs.IR", "cs.LG")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


def hub_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hubcli", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def sync_items(mirror: FeedServer, hub: Hub, items: list[Item]) -> None:
    for cat in CATS:
        mirror.serve(f"/rss/{cat}", arxiv_rss(cat, items if cat == "cs.AI" else []))
    result = hub("sync")
    assert result.exit_code == 0, result.stderr


# --- -V ------------------------------------------------------------------------------------------

def test_short_version_flag() -> None:
    result = hub_process("-V")

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"hub {hubcli.__version__}\n"
    assert result.stderr == ""


# --- shell completion ----------------------------------------------------------------------------

@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o default -F _hub_completion hub"),
    ("zsh", "#compdef hub"),
    ("fish", "complete --command hub"),
])
def test_show_completion_prints_the_shells_script(shell: str, marker: str) -> None:
    result = hub_process("--show-completion", shell)

    assert result.returncode == 0, result.stderr
    assert marker in result.stdout
    assert "_HUB_COMPLETE=complete_" + shell in result.stdout
    assert result.stderr == ""


def test_show_completion_names_the_shell_even_when_another_one_runs_hub() -> None:
    # Typer's own option would print the script of the shell it detects, whatever was named
    assert "#compdef hub" in hub_process("--show-completion", "zsh", env={"SHELL": "/bin/bash"}).stdout
    assert "complete --command hub" in hub_process("--show-completion", "FISH").stdout


def test_show_completion_of_an_unknown_shell_is_a_usage_error() -> None:
    result = hub_process("--show-completion", "tcsh")

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["error: unknown shell 'tcsh': use one of bash, zsh, fish, powershell, pwsh"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_show_completion_without_a_shell_detects_the_one_running_hub() -> None:
    # "; true" keeps bash from exec-ing python, so python's parent is bash
    result = subprocess.run(["bash", "-c", f"'{sys.executable}' -m hubcli --show-completion; true"],
                            capture_output=True, text=True, timeout=60)

    assert "complete -o default -F _hub_completion hub" in result.stdout, result.stderr


def test_the_completion_protocol_completes_commands_and_options() -> None:
    words = hub_process(env={"_HUB_COMPLETE": "complete_bash", "COMP_WORDS": "hub pa", "COMP_CWORD": "1"})
    assert words.returncode == 0, words.stderr
    assert words.stdout.split() == ["papers", "paths"]

    options = hub_process(env={"_HUB_COMPLETE": "complete_bash", "COMP_WORDS": "hub papers --au",
                               "COMP_CWORD": "2"})
    assert options.stdout.split() == ["--author"]

    zsh = hub_process(env={"_HUB_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "hub shu"})
    assert zsh.returncode == 0 and "shuffle" in zsh.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_script_completes_in_real_bash(tmp_path: Path) -> None:
    # a "hub" command on PATH, as pip installs it
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "hub").write_text(f"#!/bin/sh\nexec '{sys.executable}' -m hubcli \"$@\"\n")
    (bin_dir / "hub").chmod(0o755)
    script = (
        'eval "$(hub --show-completion bash)"\n'
        "COMP_WORDS=(hub sh); COMP_CWORD=1; _hub_completion hub\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                            timeout=60, env=env)

    assert result.stdout.split() == ["shuffle", "show"], result.stderr


def test_install_completion_writes_the_script_where_bash_reads_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# mine\n")

    result = hub_process("--install-completion", "bash", env={"HOME": str(home)})

    assert result.returncode == 0, result.stderr
    script = home / ".bash_completions" / "hub.sh"
    assert "complete -o default -F _hub_completion hub" in script.read_text()
    bashrc = (home / ".bashrc").read_text()
    assert bashrc.startswith("# mine\n") and f"source '{script}'" in bashrc
    assert f"bash completion installed in {script}" in result.stderr
    assert result.stdout == ""


def test_completion_help_in_both_languages() -> None:
    en = hub_process("--help").stdout
    zh = hub_process("--lang", "zh", "--help").stdout

    assert "--show-completion SHELL" in en and "--install-completion [SHELL]" in en and "-V, --version" in en
    assert "补全脚本" in zh and "安装补全" in zh and "--no-pager" in zh


# --- a compound surname alone --------------------------------------------------------------------

def test_a_hyphenated_surname_alone_finds_the_author(arxiv_mirror: FeedServer, hub: Hub) -> None:
    sync_items(arxiv_mirror, hub, [
        Item("2606.00101", "Clinical question answering", ["Dina Demner-Fushman", "Kirk Roberts"]),
        Item("2606.00102", "Someone else entirely", ["Ann Fushman"]),
        Item("2606.00103", "Another Demner", ["Dina Demner"]),
        Item("2606.00104", "Recommenders", ["Lichan Hong"]),
        Item("2606.00105", "Planning", ["Lichan Hongson"]),
    ])

    def found(name: str) -> list[str]:
        result = hub("papers", "--format", "json", "--author", name)
        assert result.exit_code == 0, result.stderr
        return sorted(p["id"] for p in json.loads(result.stdout))

    for name in ("Demner-Fushman", "demner-fushman", "Demner\u2013Fushman", "Dina Demner-Fushman",
                 "D. Demner-Fushman", "Demner-Fushman, Dina"):
        assert found(name) == ["arxiv:2606.00101"], name
    assert found("Fushman") == ["arxiv:2606.00101", "arxiv:2606.00102"]
    assert found("Hong") == ["arxiv:2606.00104"]  # the old rules hold: no surname prefix
    assert found("Lichan Hongson") == ["arxiv:2606.00105"]


# --- card width ----------------------------------------------------------------------------------

def _paper(label: str = "Nature Machine Intelligence", *, arxiv_id: str | None = None) -> Paper:
    return Paper(key=f"arxiv:{arxiv_id}" if arxiv_id else "doi:10.1038/s42256-026-00001-x",
                 title="A paper with a title", abstract="Words about the work. " * 40, authors=["Ann Author"],
                 arxiv_id=arxiv_id, version=1 if arxiv_id else None, doi=None, published="2026-06-19",
                 updated=None, announce_type=None, categories=["physics.comp-ph"] if arxiv_id else [],
                 primary_category="physics.comp-ph" if arxiv_id else None, url="https://example.org/p",
                 pdf_url=None, journal=None, sources=[] if arxiv_id else [label])


def _screen(width: int, papers: list[Paper], start: int = 1) -> list[str]:
    out = io.StringIO()
    render_papers(Console(file=out, width=width, force_terminal=False), papers, lang="en",
                  chips=["Authors: Ann Author"], footer="page 1 of 1", start=start)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("start", [1, 100])
def test_at_40_columns_the_card_date_is_never_clipped(start: int) -> None:
    lines = _screen(40, [_paper(), _paper(arxiv_id="2606.00001"), _paper("中华医学杂志（英文版）预印本")], start)
    titles = [line for line in lines if line.startswith("╭")]

    assert len(titles) == 3
    for line in titles:
        assert "2026-06-19 ─" in line, line
        assert cell_len(line) == 40
    assert "…" in titles[0]  # the label gave way, not the date


def test_cards_are_capped_in_width_on_a_wide_terminal() -> None:
    lines = _screen(200, [_paper(), _paper(arxiv_id="2606.00001")])
    out = io.StringIO()
    render_detail(Console(file=out, width=200, force_terminal=False), _paper(), lang="en")

    assert max(cell_len(line) for line in lines + out.getvalue().splitlines()) == MAX_WIDTH
    assert 100 <= MAX_WIDTH <= 120
    assert max(cell_len(line) for line in _screen(60, [_paper()])) == 60  # narrower terminals: their width


@POSIX_ONLY
def test_on_a_wide_terminal_the_cards_stay_readable(arxiv_mirror: FeedServer, hub: Hub) -> None:
    sync_items(arxiv_mirror, hub, [Item("2606.00201", "Wide", ["Ann Author"], abstract="word " * 200)])

    code, screen = run_on_a_terminal(["papers"], {"COLUMNS": "200", "NO_COLOR": "1"})

    assert code == 0
    cards = [line for line in screen.splitlines() if line[:1] in "╭│╰"]
    assert cards and max(cell_len(line.rstrip("\r")) for line in cards) == MAX_WIDTH


# --- the pager -----------------------------------------------------------------------------------

@pytest.fixture
def recorder(tmp_path: Path) -> tuple[str, Path]:
    """A pager that records what it was given (and its LESS) instead of showing it."""
    record = tmp_path / "paged.json"
    script = tmp_path / "pager.py"
    script.write_text(
        "import json, os, sys\n"
        f"json.dump({{'text': sys.stdin.read(), 'less': os.environ.get('LESS'), 'argv': sys.argv[1:]}},"
        f" open({str(record)!r}, 'w'))\n")
    return f"{sys.executable} {script} --flag", record


@pytest.fixture
def many(arxiv_mirror: FeedServer, hub: Hub) -> Hub:
    sync_items(arxiv_mirror, hub, [Item(f"2606.{i:05d}", f"Paged paper number {i}", ["Ann Author"])
                                   for i in range(1, 13)])
    return hub


@POSIX_ONLY
def test_a_long_listing_on_a_terminal_goes_through_the_pager(many: Hub, recorder: tuple[str, Path]) -> None:
    pager, record = recorder

    code, screen = run_on_a_terminal(["papers"], {"PAGER": pager, "LINES": "20"})

    assert code == 0
    paged = json.loads(record.read_text())
    assert paged["argv"] == ["--flag"]
    assert paged["less"] == "FRX"  # as git sets it when LESS is unset
    text = ANSI.sub("", paged["text"])
    assert "01. arXiv (CS.AI)" in text and "10. arXiv (CS.AI)" in text and "page 1 of 2 · 12 papers" in text
    assert "\x1b[" in paged["text"]  # styles kept: the pager is on the terminal
    assert "Paged paper number" not in screen  # the pager showed it, not hub


@POSIX_ONLY
def test_hub_pager_wins_over_pager_and_less_keeps_the_users_less(many: Hub, recorder: tuple[str, Path]) -> None:
    pager, record = recorder

    code, _screen = run_on_a_terminal(["shuffle", "--seed", "1"], {"PAGER": "false", "HUB_PAGER": pager,
                                                                   "LESS": "-i", "LINES": "20"})

    assert code == 0
    paged = json.loads(record.read_text())
    assert paged["less"] == "-i" and "Paged paper number" in paged["text"]


@POSIX_ONLY
@pytest.mark.parametrize(("args", "env"), [
    (["papers", "--no-pager"], {"LINES": "20"}),
    (["--no-pager", "papers"], {"LINES": "20"}),
    (["papers"], {"LINES": "400"}),  # fits on the screen
    (["papers"], {"LINES": "20", "PAGER": ""}),  # an empty PAGER turns it off, as in git
])
def test_no_pager_when_asked_or_when_it_fits(many: Hub, recorder: tuple[str, Path], args: list[str],
                                              env: dict[str, str]) -> None:
    pager, record = recorder

    code, screen = run_on_a_terminal(args, {"PAGER": pager, **env})

    assert code == 0
    assert not record.exists()
    assert "Paged paper number 12" in screen and "Paged paper number 3" in screen


def test_piped_output_never_goes_through_the_pager(many: Hub, recorder: tuple[str, Path]) -> None:
    pager, record = recorder

    result = many("papers", "--format", "panels", env={"PAGER": pager, "LINES": "5"})

    assert result.exit_code == 0 and "Paged paper number 12" in result.stdout
    assert not record.exists()


@POSIX_ONLY
def test_a_pager_that_cannot_run_is_reported_and_the_listing_printed(many: Hub) -> None:
    code, screen = run_on_a_terminal(["papers"], {"PAGER": "no-such-pager-xyz", "LINES": "20", "NO_COLOR": "1"})

    assert code == 0
    assert "warning: cannot run the pager 'no-such-pager-xyz'" in screen
    assert "Paged paper number 12" in screen


# --- hub open --pdf ------------------------------------------------------------------------------


def test_open_pdf_opens_the_pdf(arxiv_mirror: FeedServer, hub: Hub, browser: Path) -> None:
    sync_items(arxiv_mirror, hub, [Item("2606.00021", "Shown paper", ["Ann Author"], version=2)])

    pdf = hub("open", "2606.00021", "--pdf")
    page = hub("open", "arxiv:2606.00021")

    assert pdf.exit_code == 0 and page.exit_code == 0, pdf.stderr
    assert browser.read_text().splitlines() == ["https://arxiv.org/pdf/2606.00021v2",
                                                "https://arxiv.org/abs/2606.00021"]
    assert "opened https://arxiv.org/pdf/2606.00021v2" in pdf.stderr


def test_open_pdf_of_a_paper_without_one_says_so(feed_server: FeedServer, hub: Hub, browser: Path) -> None:
    url = feed_server.serve("/journal.rss", journal_rss1("Journal of Tests", [
        {"link": "http://j.test/1", "title": "An article", "doi": "10.5555/jt.1"}]))
    assert hub("sync", url).exit_code == 0

    result = hub("open", "10.5555/jt.1", "--pdf")
    zh = hub("--lang", "zh", "open", "10.5555/jt.1", "--pdf")

    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == ["error: paper '10.5555/jt.1' has no PDF link; "
                                          "'hub open 10.5555/jt.1' opens its page"]
    assert zh.exit_code == 1 and "没有 PDF 链接" in zh.stderr
    assert not browser.exists()


# --- code conventions of src/hubcli (issue 18) ---------------------------------------------------
# Read with ``ast`` from the source files; no module is imported.

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "hubcli"
MAX_FUNCTION_LINES = 60
MAX_COMPLEXITY = 25


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _decisions(node: ast.AST) -> int:
    """The decision points under ``node``, counted as radon counts cyclomatic complexity:
    each ``if``/``elif``/ternary/``with``/``assert``/``case``, each loop (and its ``else``),
    each ``except`` (and a ``try``'s ``else``), each extra operand of ``and``/``or``, each
    ``for`` and ``if`` of a comprehension.  Nested functions and classes count on their own."""
    count = 0
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(child, (ast.If, ast.IfExp, ast.With, ast.AsyncWith, ast.Assert, ast.match_case)):
            count += 1
        elif isinstance(child, (ast.For, ast.AsyncFor, ast.While)):
            count += 1 + bool(child.orelse)
        elif isinstance(child, (ast.Try, ast.TryStar)):
            count += len(child.handlers) + bool(child.orelse)
        elif isinstance(child, ast.BoolOp):
            count += len(child.values) - 1
        elif isinstance(child, ast.comprehension):
            count += 1 + len(child.ifs)
        count += _decisions(child)
    return count


def test_complexity_is_counted_as_radon_counts_it() -> None:
    source = ("def f(a, b):\n"
              "    if a and b or a:\n        return [x for x in a if x]\n"
              "    elif b:\n        pass\n"
              "    for x in a:\n        pass\n    else:\n        pass\n"
              "    try:\n        pass\n    except ValueError:\n        pass\n    except KeyError:\n        pass\n"
              "    with open(a):\n        assert b\n"
              "    def g():\n        if a:\n            pass\n"
              "    return 1 if a else 2\n")
    function = ast.parse(source).body[0]
    # 1 + if, elif, 2 boolean operands, comprehension for + if, loop + else, 2 excepts, with, assert, ternary
    assert 1 + _decisions(function) == 14


def _functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """(``module:qualified.name``, node) of every function and method, nested ones too."""
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []

    def visit(node: ast.AST, module: str, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((f"{module}:{prefix}{child.name}", child))
                visit(child, module, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, module, f"{prefix}{child.name}.")
            else:
                visit(child, module, prefix)

    for module, path in _modules().items():
        visit(_tree(path), module, "")
    return found


def test_no_function_is_over_60_lines_or_of_complexity_over_25() -> None:
    offenders = []
    for name, node in _functions():
        lines = (node.end_lineno or node.lineno) - node.lineno + 1
        complexity = 1 + _decisions(node)
        if lines > MAX_FUNCTION_LINES or complexity > MAX_COMPLEXITY:
            offenders.append(f"{name} ({lines} lines, complexity {complexity})")

    assert offenders == []


def _imports(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, int]]:
    """(hubcli module imported, line) for every import of ``module``: those inside functions
    and under ``if TYPE_CHECKING:`` too.  ``from package import submodule`` imports the
    submodule; ``from module import name`` the module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, one level up per extra dot
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - (node.level - 1)] + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append((submodule if submodule in modules else base, node.lineno))
    return [(name, line) for name, line in found if name in modules and name != module]


def _import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {module: {name for name, _line in _imports(module, path, modules)} for module, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                connect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)

    cycles = []
    for component in components:
        start = min(component)
        paths = {start: [start]}
        queue = [start]
        while queue:  # the shortest way from start back to start inside the component
            node = queue.pop(0)
            for succ in sorted(graph[node] & component):
                if succ == start:
                    cycles.append(paths[node] + [start])
                    queue = []
                    break
                if succ not in paths:
                    paths[succ] = paths[node] + [succ]
                    queue.append(succ)
    return sorted(cycles)


def test_the_cycle_finder_names_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_among_hubcli_modules() -> None:
    """Every import counts: those inside functions (a lazy import hides a cycle, it does not
    remove it) and those under ``if TYPE_CHECKING:`` (a type that goes both ways is one too).
    ``from package import submodule`` depends on the submodule."""
    cycles = [" -> ".join(cycle) for cycle in _cycles(_import_graph())]

    assert cycles == []


def test_the_front_ends_import_nothing_from_store_rank_or_brief() -> None:
    """``hubcli.cli``, ``hubcli.web`` and ``hubcli.digest`` go through ``hubcli.api``
    (imports inside functions and under ``if TYPE_CHECKING:`` count too)."""
    modules = _modules()
    front = ("hubcli.cli", "hubcli.web", "hubcli.digest")
    inner = ("hubcli.store", "hubcli.rank", "hubcli.brief")
    offenders = sorted({f"{module}:{line} imports {name}"
                        for module, path in modules.items() if module.startswith(front)
                        for name, line in _imports(module, path, modules)
                        if name in inner or name.startswith(tuple(f"{p}." for p in inner))})

    assert offenders == []


SQL_WORDS = ("SELECT ", "INSERT ", "UPDATE ", "DELETE ", "CREATE ")


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def test_no_sql_outside_the_store() -> None:
    """SQL text (in string literals and f-strings, docstrings aside) and ``.execute(``
    calls live in ``hubcli.store`` only."""
    offenders = []
    for module, path in _modules().items():
        if module == "hubcli.store" or module.startswith("hubcli.store."):
            continue
        tree = _tree(path)
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                    and any(word in node.value for word in SQL_WORDS)):
                offenders.append(f"{module}:{node.lineno} {node.value.strip()[:50]!r}")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("execute", "executemany", "executescript")):
                offenders.append(f"{module}:{node.lineno} .{node.func.attr}(")

    assert sorted(set(offenders)) == []
