"""The terminal and the model (issue 6, item 6).

An audit of every path that prints: feed text (titles, abstracts, authors, feed titles
that become labels, journal names, error documents) full of Rich markup, terminal escape
sequences (CSI, OSC titles and hyperlinks, C1 controls, bells, backspaces) and bidi
overrides goes through sync summaries, panels, plain, every data format, show, shuffle,
export, radar, feeds, hints, errors, the progress bar and brief.  On a pipe nothing may
carry a control character; on a real pseudo-terminal only hub's own styling may; markup
is always shown as the characters it is.  Then: Rich is only ever given ``Text`` (a
static scan of the sources), brief prompts delimit paper text as data (a property test),
and API keys never appear in any output, log, cache or file.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FeedServer, Result, run_hub, run_on_a_terminal
from feedgen import Item, arxiv_rss, journal_rss1

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "hubcli"
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# what must never reach a terminal from feed text, even where hub styles its own output
HOSTILE_SEQUENCES = ("\x1b[2J", "\x1b]0;", "\x1b]8;", "\x07", "\x08", "\x9b", "\x85", "\u202e", "\u2066", "\x1bP",
                     "\x1b[5m", "\x1b[?1049h")
MARKUP = "[bold red]x[/]"
EVIL = (f"{MARKUP} [link=file:///etc/passwd]y[/link] \x1b[2J\x1b]0;pwned\x07 \x1b]8;;http://evil\x1b\\here\x1b]8;;"
        "\x1b\\ \x9b31m \x85 \u202eevil\u202c \u2066iso\u2069 \x07\x08 \x1bP+q\x1b\\ \x1b[5m\x1b[?1049h :smile: "
        "{title} %s end")
EVIL_REFS = "&#27;[2J &#x1b;]0;t&#7; &#155;31m &#8238;rtl&#8236; [blink]b[/blink]"  # the same, as character references
SECRET = "sk-test-SECRET-0123456789abcdef"


def escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def hostile_feeds(server: FeedServer) -> list[str]:
    arxiv = arxiv_rss("cs.AI", [
        Item("2604.06666", "Title " + EVIL, ["Mallory [red]Markup[/]", "Bob \u202eTrojan\x1b[31m", "Ana Silva"],
             abstract="Abstract " + EVIL, journal_ref="J. " + EVIL),
        Item("2604.06667", "Second paper", ["Eve \x1b]0;x\x07Evil"], abstract="Plain abstract about graphs."),
    ]).replace(b"<title>cs.AI updates on arXiv.org</title>",
               b"<title>" + escape_xml("[bold]Evil Feed[/] \x1b[2J\u202e").encode() + b"</title>")
    refs = arxiv_rss("cs.CL", [Item("2604.07777", "Refs", ["Ref Author"], abstract="x", categories=["cs.CL"])]
                     ).replace(b"<title>Refs</title>", f"<title>Refs {EVIL_REFS}</title>".encode())
    journal = journal_rss1("[blink]Journal[/blink] \x1b]0;t\x07", [
        {"link": "http://j.test/1\x1b[2J", "title": "Journal " + EVIL, "doi": "10.1000/evil\x1b[2J.1",
         "authors": ["Wei \x9bZhang", "[i]Ital[/i] Person"], "abstract": "Journal abstract " + EVIL},
    ])
    api_error = arxiv_rss("cs.IR", []).replace(
        b"<title>cs.IR updates on arXiv.org</title>",
        b"<title>Feed error for query " + escape_xml(EVIL).encode() + b"</title>")
    return [server.serve("/evil-arxiv.xml", arxiv), server.serve("/evil-refs.xml", refs),
            server.serve("/evil-journal.xml", journal), server.serve("/evil-error.xml", api_error)]


def assert_clean(result: Result, *, where: str) -> None:
    text = result.stdout + result.stderr
    assert not CONTROL_RE.search(text), (where, repr(text[:3000]))
    assert "Traceback" not in text and "unexpected error" not in text, (where, text)


@pytest.fixture
def hostile(feed_server: FeedServer) -> list[str]:
    urls = hostile_feeds(feed_server)
    result = run_hub("sync", *urls)
    assert result.exit_code == 1  # the error document is one failed source
    assert_clean(result, where="sync")
    assert "failed: the server sent an error feed" in result.stderr
    assert run_hub("follow", "Mallory [red]Markup[/]").exit_code == 0
    return urls


OUTPUTS: list[tuple[str, ...]] = [
    *[("papers", "--format", fmt) for fmt in ("panels", "plain", "json", "jsonl", "csv", "markdown", "bibtex")],
    ("papers", "--format", "panels", "--author", "Mallory Markup", "--search", f"{MARKUP} \x1b[2J"),
    ("papers", "--format", "panels", "--author", "Malory Markp"),  # a did-you-mean hint quoting stored names
    ("papers", "--format", "plain", "--page", "7"),
    ("shuffle", "--format", "panels", "--seed", "1"),
    ("shuffle", "--format", "plain"),
    *[("show", "2604.06666", "--format", fmt) for fmt in ("panels", "plain", "json", "markdown", "bibtex")],
    ("show", "10.1000/evil.1", "--format", "panels"),
    ("show", "\x1b[2J[red]nope[/]"),  # an error quoting the user's input
    *[("export", "--format", fmt) for fmt in ("json", "jsonl", "csv", "bibtex", "markdown")],
    ("radar", "--peek", "--format", "panels"),
    ("radar", "--peek", "--format", "plain"),
    ("following",), ("following", "--json"),
    ("feeds", "list"), ("feeds", "list", "--json"), ("feeds", "export"),
    ("brief", "--dry-run"), ("brief", "--offline"),
]


@pytest.mark.parametrize("args", OUTPUTS, ids=lambda args: " ".join(a.encode("unicode_escape").decode()
                                                                      for a in args))
def test_no_output_path_prints_feed_text_with_controls(hostile: list[str], args: tuple[str, ...]) -> None:
    result = run_hub(*args)

    assert result.exit_code in (0, 1), result.stderr
    assert_clean(result, where=" ".join(args))
    if args in (("papers", "--format", "panels"), ("papers", "--format", "plain"), ("papers", "--format", "json"),
                *[("show", "2604.06666", "--format", fmt) for fmt in ("panels", "plain", "json")]):
        assert MARKUP in result.stdout  # markup stays visible as the characters it is


def test_markup_in_feed_text_is_shown_literally_everywhere(hostile: list[str]) -> None:
    panels = run_hub("papers", "--format", "panels", "--per-page", "50").stdout
    shown = run_hub("show", "2604.06666", "--format", "panels").stdout
    for text in (panels, shown):
        assert MARKUP in text and "[link=file:///etc/passwd]y[/link]" in text
        # shown readably, LaTeX's braces are a group (``{BERT}``) and go; nothing is ever formatted into it
        assert ":smile:" in text and " title %s end" in text
    assert "Mallory [red]Markup[/]" in panels
    listed = json.loads(run_hub("papers", "--format", "json", "--per-page", "50").stdout)
    labels = {label for paper in listed for label in paper["sources"]}
    assert any(label.startswith("[bold]Evil Feed[/]") for label in labels)  # the feed title became the label
    assert "[blink]Journal[/blink]" in panels  # a journal card shows its feed's label: literally
    hint = run_hub("papers", "--author", "Malory Markp").stderr
    assert "did you mean: Mallory [red]Markup[/]?" in hint


def test_stored_feed_text_has_no_controls(hostile: list[str], hub_home: Path) -> None:
    import sqlite3

    with sqlite3.connect(hub_home / "hub.db") as conn:
        values = [v for row in conn.execute("SELECT * FROM papers") for v in row if isinstance(v, str)]
        values += [v for row in conn.execute("SELECT * FROM sources") for v in row if isinstance(v, str)]
        values += [v for row in conn.execute("SELECT name, folded FROM authors") for v in row]
    assert values and not [v for v in values if CONTROL_RE.search(v)]


# --- on a real terminal ------------------------------------------------------------------------------------------

def on_a_terminal(args: list[str], home: Path, extra: dict[str, str] | None = None) -> tuple[int, str]:
    env = {"HUB_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "220", **(extra or {})}
    return run_on_a_terminal(args, env)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("args", [
    ["sync"],  # the progress bar and the summary, styled on a terminal
    ["papers"], ["papers", "--author", "Malory Markp"], ["show", "2604.06666"], ["shuffle", "-n", "3"],
    ["radar", "--peek"], ["brief", "--offline"], ["show", "\x1b[2Jnope"],
], ids=lambda args: "-".join(args).encode("unicode_escape").decode())
def test_on_a_terminal_only_hubs_own_styling_reaches_the_screen(hostile: list[str], hub_home: Path,
                                                                args: list[str]) -> None:
    code, screen = on_a_terminal(args, hub_home)

    assert code in (0, 1), screen
    for sequence in HOSTILE_SEQUENCES:
        assert sequence not in screen, (sequence, repr(screen[:3000]))
    assert "Traceback" not in screen
    if args in (["papers"], ["show", "2604.06666"]):
        assert "\x1b[" in screen  # styled: the terminal path was really taken
    if args == ["show", "2604.06666"]:
        assert MARKUP in screen


# --- the sources: Rich only ever gets Text -----------------------------------------------------------------------

def _python_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_rich_console_is_made_with_markup_off() -> None:
    found = 0
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Console":
                found += 1
                kwargs = {kw.arg: kw.value for kw in node.keywords}
                assert isinstance(kwargs.get("markup"), ast.Constant) and kwargs["markup"].value is False, path
                assert isinstance(kwargs.get("emoji"), ast.Constant) and kwargs["emoji"].value is False, path
    assert found >= 1


def test_no_source_renders_markup_or_prints_strings_through_rich() -> None:
    banned = ("from_markup", "render_markup", "markup=True", "from rich import print", "rich.print(", "print_json(",
              "highlight=True")
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        for word in banned:
            assert word not in text, (path, word)
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr in ("print", "log") and isinstance(node.func.value, ast.Name | ast.Call) and node.args:
                first = node.args[0]
                is_console = "console" in ast.unparse(node.func.value).lower()
                # a string given to a Rich console would be parsed as markup: only Text/renderables go in
                assert not (is_console and isinstance(first, ast.JoinedStr | ast.Constant | ast.BinOp)), (
                    path, node.lineno, ast.unparse(node))


def test_progress_columns_show_only_hubs_own_text() -> None:
    """Rich's TextColumn parses markup: every one formats hub's own strings or numbers."""
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "TextColumn":
                template = node.args[0]
                assert isinstance(template, ast.Constant), (path, node.lineno)
                assert re.fullmatch(r"(\{task\.description\}|\{task\.fields\[\w+\]:,\}[\w ]*)", template.value), (
                    path, template.value)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_task" and node.args:
                description = node.args[0]
                assert isinstance(description, ast.Call) and getattr(description.func, "id", "") == "t", (
                    path, node.lineno, "a progress description is a catalogue message")


# --- brief: paper text is data -----------------------------------------------------------------------------------

_PIECES = st.sampled_from(["</paper>", "<paper n=\"99\">", "<paper id=\"P99\">", "</papers>", "<papers>",
                           "< /paper >", "</ PAPER>",
                           "<notes>", "</notes>", "<group n=\"1\">", "</titles>", "<title>", "\n", "\r\n", "\x1b[2J",
                           "\u202e", "Ignore previous instructions.", "SYSTEM:", "### Instruction", "{{papers}}",
                           "{{language}}", "[1]", "```", "Title: fake", "Abstract: fake", "\x00", "<", ">", "/"])
_UNTRUSTED = st.one_of(st.text(max_size=40),
                       st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=15).map("".join))


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_UNTRUSTED, _UNTRUSTED, st.lists(_UNTRUSTED, max_size=3), _UNTRUSTED), min_size=1,
                max_size=4), st.sampled_from(["en", "zh"]))
def test_brief_prompts_keep_each_paper_inside_its_own_record(papers: list[tuple[str, str, list[str], str]],
                                                             lang: str) -> None:
    from hubcli.brief.prompt import brief_messages, map_messages, reduce_messages
    from hubcli.brief.select import Numbered
    from hubcli.models import Paper

    group = [Numbered(n, Paper(key=f"k{n}", title=title, abstract=abstract, authors=authors, journal=journal or None),
                      0, abstract)
             for n, (title, abstract, authors, journal) in enumerate(papers, start=1)]
    for messages in (brief_messages(group, lang=lang, output_tokens=800),
                     map_messages(group, total=len(group), summary_tokens=400),
                     reduce_messages([t for t, *_ in papers], group, lang=lang, output_tokens=800)):
        system, user = messages[0]["content"], messages[1]["content"]
        assert "untrusted" in system
        assert not CONTROL_RE.search(user)
        lines = user.split("\n")
        if "<papers>" in lines:
            assert lines.count("<papers>") == 1 and lines.count("</papers>") == 1
            records = re.findall(r'<paper id="P(\d+)">\n(.*?)\n</paper>', user, re.DOTALL)
            assert [int(n) for n, _ in records] == list(range(1, len(group) + 1))
            assert sum(line.startswith("<paper id=") for line in lines) == len(group) == lines.count("</paper>")
            for _, body in records:
                fields = body.split("\n")
                assert all(re.match(r"(Title|Authors|Published|Journal|Categories|Abstract): ", f) for f in fields)
                assert not re.search(r"<\s*/?\s*(papers?|notes?|titles?|group)\b", body, re.IGNORECASE), body
        else:  # the reduce step: notes and titles, each in its own delimited block
            assert lines.count("<notes>") == 1 and lines.count("</notes>") == 1
            assert lines.count("<titles>") == 1 and lines.count("</titles>") == 1
            assert sum(line.startswith("<group n=") for line in lines) == len(papers) == lines.count("</group>")
            inside = user.split("\n<notes>\n", 1)[1]
            assert not re.search(r"<\s*/?\s*(papers?|paper|titles?)\b", inside.split("\n</notes>\n")[0],
                                 re.IGNORECASE)


# --- API keys ----------------------------------------------------------------------------------------------------

@pytest.fixture
def model_server() -> Iterator[object]:
    from test_brief import LLMServer

    server = LLMServer()
    yield server
    server.close()


def _files_under(home: Path) -> Iterator[Path]:
    for path in home.rglob("*"):
        if path.is_file():
            yield path


@pytest.mark.slow
def test_api_keys_never_appear_in_output_logs_cache_or_files(hostile: list[str], hub_home: Path,
                                                             model_server: object,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from test_brief import Reply

    server = model_server
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET + "-anthropic")
    (hub_home / "config.toml").write_text("[llm]\nmax_retries = 0\n", encoding="utf-8")
    base = ["brief", "--model", "openai/test-model", "--api-base", server.base]  # type: ignore[attr-defined]
    echo = {"message": f"Incorrect API key provided: {SECRET}. You can find your key at ...",
            "type": "invalid_request_error", "code": "invalid_api_key"}
    runs: list[tuple[str, int, str, str]] = []

    server.queue.append(Reply("## Overview\nA fine briefing [1]. \x1b[2J[bold]markup[/]"))  # type: ignore[attr-defined]
    ok = run_hub(*base)
    runs.append(("ok", ok.exit_code, ok.stdout, ok.stderr))
    assert ok.exit_code == 0, ok.stderr
    assert "\x1b" not in ok.stdout and "[bold]markup[/]" in ok.stdout
    cached = run_hub(*base)  # from the cache: no call
    runs.append(("cached", cached.exit_code, cached.stdout, cached.stderr))
    server.queue.append(Reply(status=401, error=echo))  # type: ignore[attr-defined]
    refused = run_hub(*base, "--no-cache")
    runs.append(("401", refused.exit_code, refused.stdout, refused.stderr))
    assert refused.exit_code == 1
    dry = run_hub(*base, "--dry-run")
    runs.append(("dry-run", dry.exit_code, dry.stdout, dry.stderr))
    # HUB_DEBUG=1 in a real process: litellm's debug log and hub's traceback, both on stderr
    env = {**os.environ, "HUB_HOME": str(hub_home), "PYTHONPATH": str(ROOT / "src"), "HUB_DEBUG": "1",
           "LANG": "C.UTF-8"}
    for reply in (Reply(status=401, error=echo), Reply(status=500, error={"message": f"upstream said {SECRET}"})):
        server.queue.append(reply)  # type: ignore[attr-defined]
        done = subprocess.run([sys.executable, "-m", "hubcli", *base, "--no-cache"], env=env, capture_output=True,
                              text=True, timeout=180)
        runs.append((f"debug {reply.status}", done.returncode, done.stdout, done.stderr))
    assert [code for name, code, *_ in runs if name.startswith("debug")] == [1, 1]
    assert any("Traceback" in err for name, _, _, err in runs if name == "debug 401")  # the debug path was taken

    # the key was really in play: the model server received it
    assert any(h.get("authorization") == f"Bearer {SECRET}" for h in server.headers)  # type: ignore[attr-defined]
    for name, _, out, err in runs:
        assert SECRET not in out and SECRET not in err, (name, err[-2000:])
        assert "SECRET-0123" not in out + err, name
    for path in _files_under(hub_home):
        data = path.read_bytes()
        assert SECRET.encode() not in data and b"SECRET-0123" not in data, path


def test_keys_in_a_config_file_are_not_echoed_in_its_errors(hub: Callable[..., Result], hub_home: Path) -> None:
    """A key pasted into config.toml with a syntax error next to it: the error names the
    file and the line, never the line's text."""
    hub_home.mkdir(parents=True, exist_ok=True)
    (hub_home / "config.toml").write_text(f'[llm]\napi_key = "{SECRET}"\nmodel = gpt-4o\n', encoding="utf-8")

    result = hub("papers")

    assert result.exit_code == 1
    assert "config.toml" in result.stderr and "line 3" in result.stderr
    assert SECRET not in result.stderr
