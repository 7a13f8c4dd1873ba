"""``--tldr``: per-paper TL;DRs written by the REAL litellm against a loopback
OpenAI-compatible server that records every request (the one of tests/test_brief.py),
cached in a real SQLite cache, capped per day, and the abstract's key sentence whenever
there is no model, ``--offline``, or the model fails."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Result, run_on_a_terminal
from feedgen import Item, arxiv_rss
from hubcli.brief import tldr
from hubcli.models import Paper
from hubcli.render.formats import CSV_COLUMNS
from test_brief import PAPERS, LLMServer, Reply, _env, free_port, llm, write_config

__all__ = ["llm"]  # the loopback server fixture, shared with tests/test_brief.py

Hub = Callable[..., Result]
MATH = r"$\mathcal{O}(n \log n)$"
MATH_PAPER = Item("2604.10007", "Sorting lower bounds for comparison networks", ["Ada Lovelace"],
                  f"We prove that every comparison network needs {MATH} comparators. The bound is tight for "
                  "bitonic sorters.", categories=["cs.DS"])
RECORD_RE = re.compile(r'<paper n="(\d+)">\nTitle: (.*)\n')


def records(body: dict[str, Any]) -> dict[int, str]:
    """The paper records one request carried: number -> title."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return {int(n): title for n, title in RECORD_RE.findall(user)}


def is_tldr_request(body: dict[str, Any]) -> bool:
    return any(m["role"] == "system" and "You write TL;DRs" in m["content"] for m in body["messages"])


def answer_each(text: Callable[[str], str]) -> Callable[[dict[str, Any]], Reply]:
    """A server answer: one "[n] ..." line per paper record in the request."""
    def reply(body: dict[str, Any]) -> Reply:
        if not is_tldr_request(body):
            return Reply("## Overview\nA brief [P1].")
        return Reply("\n".join(f"[{n}] {text(title)}" for n, title in sorted(records(body).items())))
    return reply


def english(title: str) -> str:
    if title.startswith("Sorting"):
        return f"Proves a tight {MATH} bound on comparators in sorting networks."
    return f"Summary of {title}."


def chinese(title: str) -> str:
    if title.startswith("Sorting"):
        return f"证明比较网络需要 {MATH} 个比较器，且该下界对 bitonic 排序器是紧的。"
    return f"关于 {title} 的中文摘要。"


@pytest.fixture
def cache(hub: Hub, tmp_path: Path, hub_home: Path) -> Path:
    """The cache filled from a local feed of seven papers (one with mathematics)."""
    feed = tmp_path / "feed.xml"
    feed.write_bytes(arxiv_rss("cs.IR", [*PAPERS, MATH_PAPER]))
    result = hub("import", str(feed))
    assert result.exit_code == 0, result.stderr
    return feed


def import_twenty(hub: Hub, tmp_path: Path, prefix: str, topic: str) -> None:
    """Twenty papers ``Study N of TOPIC`` (ids ``PREFIX0000``...) in the cache: more than a request holds."""
    items = [Item(f"{prefix}{i:04d}", f"Study {i} of {topic}", ["Ada Lovelace"],
                  f"We study {topic} setting {i}. It helps.") for i in range(20)]
    feed = tmp_path / "many.xml"
    feed.write_bytes(arxiv_rss("cs.IR", items))
    assert hub("import", str(feed)).exit_code == 0


def configure(home: Path, server: LLMServer | str, **settings: object) -> None:
    base = server.base if isinstance(server, LLMServer) else server
    write_config(home, model="openai/test-model", api_base=base, **settings)


def as_json(result: Result) -> dict[str, dict[str, Any]]:
    assert result.exit_code == 0, result.stderr
    return {paper["title"]: paper for paper in json.loads(result.stdout)}


def chat_bodies(server: LLMServer) -> list[dict[str, Any]]:
    return [body for body in server.bodies if is_tldr_request(body)]


# --- a model writes them --------------------------------------------------------------------

def test_papers_are_asked_in_batches_and_shown_in_english(hub: Hub, llm: LLMServer, cache: Path,
                                                          hub_home: Path) -> None:
    configure(hub_home, llm)
    llm.default = answer_each(english)
    shown = as_json(hub("papers", "--tldr", "-n", "7", "-f", "json"))
    bodies = chat_bodies(llm)
    assert len(bodies) == 1 and len(records(bodies[0])) == 7  # seven papers, one request
    system = next(m["content"] for m in bodies[0]["messages"] if m["role"] == "system")
    assert "untrusted data" in system and "Write in English." in system
    assert "<paper n=\"99\">" not in json.dumps(bodies[0])  # the injected delimiter was defused
    for title, paper in shown.items():
        assert paper["tldr_kind"] == "model"
        assert paper["tldr"] == english(title)
    assert shown[MATH_PAPER.title]["tldr"] == f"Proves a tight {MATH} bound on comparators in sorting networks."


def test_more_papers_than_a_request_holds_are_split(hub: Hub, llm: LLMServer, tmp_path: Path,
                                                    hub_home: Path) -> None:
    import_twenty(hub, tmp_path, "2604.2", "graph retrieval")
    configure(hub_home, llm)
    llm.default = answer_each(english)
    shown = as_json(hub("papers", "--tldr", "-n", "20", "-f", "json"))
    sizes = [len(records(body)) for body in chat_bodies(llm)]
    assert sum(sizes) == 20 and len(sizes) == 3 and max(sizes) <= tldr.MAX_PAPERS_PER_REQUEST
    assert all(paper["tldr_kind"] == "model" for paper in shown.values())


@pytest.mark.parametrize("hosted", [False, True])
def test_a_local_server_is_asked_one_request_at_a_time_a_hosted_one_concurrently(
        hub: Hub, llm: LLMServer, tmp_path: Path, hub_home: Path, monkeypatch: pytest.MonkeyPatch,
        hosted: bool) -> None:
    import_twenty(hub, tmp_path, "2604.3", "dense retrieval")
    configure(hub_home, llm)
    if hosted:  # the loopback server stands in for a provider on the network
        monkeypatch.setattr(tldr, "is_local", lambda model, api_base: False)
    lock = threading.Lock()
    active, most = [0], [0]
    answer = answer_each(english)

    def slow(body: dict[str, Any]) -> Reply:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        threading.Event().wait(1.0)  # long enough for the other requests to arrive when they are sent at once
        with lock:
            active[0] -= 1
        return answer(body)

    llm.default = slow
    shown = as_json(hub("papers", "--tldr", "-n", "20", "-f", "json"))
    assert len(chat_bodies(llm)) == 3 and all(paper["tldr_kind"] == "model" for paper in shown.values())
    assert most[0] == (3 if hosted else 1)


def test_chinese_run_asks_for_chinese_and_keeps_mathematics(hub: Hub, llm: LLMServer, cache: Path,
                                                            hub_home: Path) -> None:
    configure(hub_home, llm)
    llm.default = answer_each(chinese)
    shown = as_json(hub("--lang", "zh", "papers", "--tldr", "-n", "7", "-f", "json"))
    system = next(m["content"] for m in chat_bodies(llm)[0]["messages"] if m["role"] == "system")
    assert "Simplified Chinese" in system and "method" in system
    assert MATH in chat_bodies(llm)[0]["messages"][1]["content"]  # the abstract's math sent as written
    assert shown[MATH_PAPER.title]["tldr"] == chinese(MATH_PAPER.title)  # verbatim, $…$ included
    plain = hub("--lang", "zh", "papers", "--tldr", "-n", "7", "-f", "plain")
    assert "TL;DR 速览：证明比较网络需要 𝒪(n log n) 个比较器" in plain.stdout  # the card shows it readable


def test_a_second_run_asks_nothing(hub: Hub, llm: LLMServer, cache: Path, hub_home: Path) -> None:
    configure(hub_home, llm)
    llm.default = answer_each(english)
    first = as_json(hub("papers", "--tldr", "-f", "json"))
    asked = len(llm.bodies)
    again = hub("papers", "--tldr", "-f", "json")
    assert len(llm.bodies) == asked  # no request at all
    assert as_json(again) == first
    assert "from the cache" in again.stderr
    chinese_run = hub("--lang", "zh", "papers", "--tldr", "-f", "json")
    assert len(chat_bodies(llm)) == 2  # another language is another TL;DR
    assert chinese_run.exit_code == 0


def test_usage_is_reported_like_the_brief(hub: Hub, llm: LLMServer, cache: Path, hub_home: Path) -> None:
    configure(hub_home, llm)
    llm.default = answer_each(english)
    result = hub("papers", "--tldr", "-f", "json")
    assert result.exit_code == 0
    line = next(x for x in result.stderr.splitlines() if x.startswith("TL;DRs:"))
    assert "7 papers by openai/test-model · 1 request ·" in line and "tokens (" in line and " s" in line


def test_the_daily_cap_bounds_what_is_asked(hub: Hub, llm: LLMServer, cache: Path, hub_home: Path) -> None:
    configure(hub_home, llm, tldr_per_day=3)
    llm.default = answer_each(english)
    shown = as_json(run := hub("papers", "--tldr", "-f", "json"))
    assert [len(records(body)) for body in chat_bodies(llm)] == [3]
    assert sorted(paper["tldr_kind"] for paper in shown.values()) == ["extracted"] * 4 + ["model"] * 3
    assert "daily TL;DR cap of 3 papers" in run.stderr and len(run.stderr.splitlines()) == 2
    again = as_json(hub("papers", "--tldr", "-f", "json"))
    assert len(chat_bodies(llm)) == 1  # the cap is reached for today: nothing more is asked
    assert again == shown


def test_papers_missing_from_the_answer_or_with_invented_numbers_fall_back(hub: Hub, llm: LLMServer, cache: Path,
                                                                          hub_home: Path) -> None:
    configure(hub_home, llm)

    def partial(body: dict[str, Any]) -> Reply:
        found = records(body)
        lines = [f"{n}. Summary of {title}." for n, title in found.items() if n not in (2, 3, 4)]
        lines.append("[3] It improves accuracy by 47% on 12 benchmarks.")  # numbers the abstract does not give
        lines.append(f"[2] {found[2]}")  # the title again: no summary
        return Reply("Here are the TL;DRs:\n" + "\n".join(lines))

    llm.default = partial
    result = hub("papers", "--tldr", "-f", "json")
    shown = as_json(result)
    kinds = sorted(paper["tldr_kind"] for paper in shown.values())
    assert kinds == ["extracted", "extracted", "extracted", "model", "model", "model", "model"]
    assert "no usable TL;DR for 3 of 7 papers" in result.stderr
    assert not any("47%" in (paper["tldr"] or "") for paper in shown.values())


# --- no model, --offline, a failing model ---------------------------------------------------------

def test_without_a_model_the_key_sentence_is_shown_marked_extracted(hub: Hub, cache: Path) -> None:
    result = hub("papers", "--tldr", "-f", "json")
    shown = as_json(result)
    assert shown[PAPERS[0].title]["tldr"] == "We propose a graph neural network for session-based recommendation."
    assert {paper["tldr_kind"] for paper in shown.values()} == {"extracted"}
    assert MATH in shown[MATH_PAPER.title]["tldr"]  # the sentence as published, math kept
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "no model configured" in lines[0] and "HUB_MODEL" in lines[0]
    panels = hub("papers", "--tldr", "-n", "1", "--search", "session-based", "-f", "plain")
    assert "TL;DR (extracted): We propose a graph neural network" in panels.stdout


def test_offline_asks_nothing_and_gives_no_model_hint(hub: Hub, llm: LLMServer, cache: Path, hub_home: Path) -> None:
    configure(hub_home, llm)
    result = hub("papers", "--tldr", "--offline", "-f", "json")
    assert {paper["tldr_kind"] for paper in as_json(result).values()} == {"extracted"}
    assert llm.bodies == []
    assert result.stderr.strip() == '--offline: 7 TL;DRs are the abstracts\' key sentences (marked "extracted")'


@pytest.mark.parametrize("failure", ["500", "closed"])
def test_a_failing_server_falls_back_to_extracted_sentences(hub: Hub, llm: LLMServer, cache: Path, hub_home: Path,
                                                           failure: str) -> None:
    if failure == "500":
        configure(hub_home, llm)
        llm.default = Reply(status=500, error={"message": "model crashed", "type": "server_error"})
    else:
        configure(hub_home, f"http://127.0.0.1:{free_port()}/v1")
    result = hub("papers", "--tldr", "-f", "json")
    assert result.exit_code == 0
    assert {paper["tldr_kind"] for paper in as_json(result).values()} == {"extracted"}
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "7 TL;DRs are the abstracts' key sentences instead" in warnings[0]
    assert ("server error" in warnings[0]) if failure == "500" else ("cannot reach" in warnings[0] or
                                                                       "127.0.0.1" in warnings[0])
    assert "Traceback" not in result.stderr


def test_a_missing_provider_key_falls_back_too(hub: Hub, cache: Path, hub_home: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    write_config(hub_home, model="openai/gpt-4o-mini")
    result = hub("papers", "--tldr", "-f", "json")
    assert {paper["tldr_kind"] for paper in as_json(result).values()} == {"extracted"}
    assert result.stderr.startswith("warning: no API key for openai/gpt-4o-mini: set OPENAI_API_KEY")
    assert len(result.stderr.splitlines()) == 1


def test_offline_tldrs_import_no_model_or_network_library(cache: Path, hub_home: Path) -> None:
    code = ("import sys\nfrom hubcli.cli.main import main\ncode = main(['papers', '--tldr', '--offline'])\n"
            "heavy = sorted(m for m in ('litellm', 'feedparser', 'requests', 'numpy', 'openai') if m in sys.modules)\n"
            "print(code, ','.join(heavy), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], env=_env(hub_home), capture_output=True, text=True,
                          timeout=60)
    assert "TL;DR (extracted): We propose a graph neural network" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "0"  # exit code 0 and no heavy module


@pytest.mark.slow
def test_on_a_terminal_the_tldrs_come_with_a_progress_bar(llm: LLMServer, cache: Path, hub_home: Path) -> None:
    configure(hub_home, llm)
    llm.default = answer_each(english)
    code, screen = run_on_a_terminal(["papers", "--tldr", "-n", "3"], {"HUB_HOME": str(hub_home)})
    assert code == 0, screen
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    assert re.search(r"TL;DRs ━+ 0/3", text)  # the bar, on stderr (a terminal), before the cards
    assert "TL;DR: Summary of" in text and "TL;DRs: 3 papers by openai/test-model" in text


# --- formats ---------------------------------------------------------------------------------

def test_formats_carry_the_tldr_only_when_asked(hub: Hub, llm: LLMServer, cache: Path, hub_home: Path) -> None:
    configure(hub_home, llm)
    llm.default = answer_each(english)
    before = {fmt: hub("papers", "-f", fmt).stdout for fmt in ("json", "jsonl", "csv", "plain", "markdown")}
    assert "tldr" not in before["json"] and "TL;DR" not in before["plain"] + before["markdown"]
    assert next(csv.reader(io.StringIO(before["csv"]))) == list(CSV_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(hub("papers", "--tldr", "-f", "csv").stdout)))
    assert {row["tldr_kind"] for row in rows} == {"model"}
    assert {row["tldr"] for row in rows} == {english(row["title"]) for row in rows}
    lines = [json.loads(line) for line in hub("papers", "--tldr", "-f", "jsonl").stdout.splitlines()]
    assert all(line["tldr"] == english(line["title"]) for line in lines)
    markdown = hub("papers", "--tldr", "-f", "markdown").stdout
    assert f"**TL;DR:** {english(PAPERS[0].title)}" in markdown
    assert {fmt: hub("papers", "-f", fmt).stdout for fmt in before} == before  # unchanged without --tldr


@pytest.mark.parametrize("command", [["shuffle", "-n", "3"], ["radar", "--peek"], ["library"],
                                     ["recommend", "--all"], ["similar", "arxiv:2604.10001"]])
def test_every_listing_command_takes_tldr(hub: Hub, cache: Path, command: list[str]) -> None:
    hub("save", "arxiv:2604.10001", "arxiv:2604.10002", "arxiv:2604.10006")
    hub("follow", "--category", "cs.IR")
    result = hub(*command, "--tldr", "--offline", "-f", "json")
    assert result.exit_code == 0, result.stderr
    papers = json.loads(result.stdout)
    assert all(paper["tldr_kind"] == "extracted" and paper["tldr"] for paper in papers)


def test_hostile_model_text_is_never_markup_or_control(hub: Hub, llm: LLMServer, cache: Path, hub_home: Path) -> None:
    configure(hub_home, llm)
    llm.default = answer_each(lambda title: "[bold red]styled[/] \x1b[H cleared")
    result = hub("papers", "--tldr", "-n", "1", "-f", "plain")
    assert "[bold red]styled[/]" in result.stdout and "\x1b" not in result.stdout


# --- units -----------------------------------------------------------------------------------

def _paper(abstract: str, title: str = "A title") -> Paper:
    return Paper(key="arxiv:1", title=title, abstract=abstract)


def test_answers_are_read_in_the_shapes_models_write() -> None:
    assert tldr.parse_answer("[1] One.\n[2] Two,\ncontinued.\n[9] out of range\n", 2) == {1: "One.",
                                                                                        2: "Two, continued."}
    assert tldr.parse_answer('```json\n{"1": "One.", "2": "Two."}\n```', 2) == {1: "One.", 2: "Two."}
    assert tldr.parse_answer('[{"n": 2, "tldr": "Two."}]', 2) == {2: "Two."}
    assert tldr.parse_answer("1. **TL;DR:** One.\n2) \"Two.\"", 2) == {1: "One.", 2: "Two."}
    assert tldr.parse_answer("【1】一。\n【2】二。", 2) == {1: "一。", 2: "二。"}
    assert tldr.parse_answer("nothing numbered here", 2) == {}


def test_a_tldr_that_only_repeats_the_title_is_not_used() -> None:
    paper = _paper("We whiten embeddings.", title="Isotropy Matters: Soft-ZCA Whitening of Embeddings")
    assert tldr.echoes_title("Isotropy Matters: Soft-ZCA Whitening of Embeddings", paper)
    assert tldr.echoes_title("isotropy matters", paper)
    assert not tldr.echoes_title("Soft-ZCA whitening makes code search embeddings more isotropic.", paper)


def test_invented_numbers_are_found() -> None:
    paper = _paper("We train on three datasets with 1,000 images and gain 12.5% in $L^2$ error.")
    assert tldr.invented_numbers("Gains 12.5% on 3 datasets of 1000 images; L^2 error.", paper) == set()
    assert tldr.invented_numbers("Gains 40% on 7 datasets.", paper) == {"40", "7"}


def test_the_key_sentence_keeps_mathematics_whole() -> None:
    paper = _paper(r"Background first. We prove a bound $a. B \le c$ for sorting networks. Done.",
                   title="A bound for sorting networks")
    assert tldr.key_sentence(paper) == r"We prove a bound $a. B \le c$ for sorting networks."
    assert tldr.key_sentence(_paper("", title="Only a title")) == "Only a title"
    long = _paper("We propose " + " ".join(["word"] * 120) + r" and $x^2 + y^2$ too.")
    cut = tldr.key_sentence(long)
    assert len(cut) <= tldr.MAX_SENTENCE and cut.endswith("…") and cut.count("$") % 2 == 0


def test_batches_fit_the_window() -> None:
    papers = [_paper("word " * 300, title=f"Paper {i}") for i in range(10)]
    for window in (1400, 2048, 8192):
        room = int(window * 0.9) - tldr.overhead_tokens("en") - 64
        groups = tldr.batches(papers, window=window, lang="en")
        assert sum(len(group) for group in groups) == 10
        for group in groups:
            assert sum(tldr.paper_tokens(p) + tldr.OUTPUT_TOKENS_PER_PAPER for p in group) <= room
    assert [len(group) for group in tldr.batches(papers, window=128_000, lang="en")] == [8, 2]
    tiny = tldr.batches(papers, window=900, lang="en")  # a paper larger than a request: its abstract cut
    assert len(tiny) == 10 and all(p.abstract.endswith(" …") for group in tiny for p in group)


def test_local_servers_are_asked_one_at_a_time() -> None:
    assert tldr.is_local("openai/x", "http://127.0.0.1:8080/v1")
    assert tldr.is_local("openai/x", "http://localhost:11434/v1")
    assert tldr.is_local("ollama_chat/qwen2.5", None)
    assert not tldr.is_local("openai/gpt-4o-mini", None)
    assert not tldr.is_local("openai/x", "https://api.example.com/v1")
