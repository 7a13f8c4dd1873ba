"""The library and recommendations as a user drives them (issue 12): every command and
filter, on the real 1,504-paper arXiv corpus feed, through the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, Response, Result, corpus_file, run_hub
from feedgen import Item, arxiv_api, arxiv_rss

FEED = "arxiv-rss2024-all-archives-2024-11-28.xml"
LIB = FIXTURES / "library"
Hub = Callable[..., Result]


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus imported once; each test gets a copy."""
    home = tmp_path_factory.mktemp("corpus-home")
    old = os.environ.get("HUB_HOME")
    os.environ["HUB_HOME"] = str(home)
    try:
        result = run_hub("import", str(corpus_file(FEED)))
    finally:
        if old is None:
            os.environ.pop("HUB_HOME", None)
        else:
            os.environ["HUB_HOME"] = old
    assert result.exit_code == 0, result.stderr
    return home / "hub.db"


@pytest.fixture
def corpus(corpus_db: Path, hub_home: Path) -> Path:
    hub_home.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(corpus_db) as src, sqlite3.connect(hub_home / "hub.db") as dst:
        src.backup(dst)
    return hub_home


def as_json(result: Result) -> list[dict[str, object]]:
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


def ids_of(result: Result) -> list[str]:
    return [str(p["id"]) for p in as_json(result)]


def listed(hub: Hub, *args: str) -> list[str]:
    """The ids of a listing shown as cards (plain), which the card numbers then refer to."""
    shown = hub(*args, "--format", "json")
    plain = hub(*args, "--format", "plain")
    assert plain.exit_code == 0, plain.stderr
    return ids_of(shown)


# --- save, tags, notes, read, dismiss -----------------------------------------------------

def test_save_by_card_number_and_by_id(hub: Hub, corpus: Path) -> None:
    cards = listed(hub, "papers", "--category", "cs.IR", "-n", "5")
    saved = hub("save", "1", "3", "--tag", "recsys")
    assert saved.exit_code == 0, saved.stderr
    assert saved.stdout == ""  # messages on stderr only
    assert saved.stderr.count("saved arxiv:") == 2
    assert hub("save", "2411.17719").exit_code == 0  # an id as hub show takes it
    library = as_json(hub("library", "--format", "json"))
    # newest saved first; cards 1 and 3 were saved at the same moment: the one stored last first
    with sqlite3.connect(corpus / "hub.db") as conn:
        together = [key for (key,) in conn.execute("SELECT key FROM papers WHERE key IN (?, ?) ORDER BY id DESC",
                                                   (cards[0], cards[2]))]
    assert [p["id"] for p in library] == ["arxiv:2411.17719", *together]
    by_id = {p["id"]: p for p in library}
    assert by_id[cards[0]]["saved"] is True and by_id[cards[0]]["tags"] == ["recsys"]
    assert by_id["arxiv:2411.17719"]["tags"] == [] and by_id["arxiv:2411.17719"]["note"] is None
    # every paper object carries the state fields
    other = as_json(hub("papers", "--category", "cs.IR", "-n", "5", "--format", "json"))[1]
    assert (other["saved"], other["tags"], other["note"], other["read"], other["dismissed"]) == (
        False, [], None, False, False)


def test_card_numbers_follow_the_page_shown(hub: Hub, corpus: Path) -> None:
    second_page = listed(hub, "papers", "--category", "cs.IR", "-n", "5", "--page", "2")
    assert hub("save", "7").exit_code == 0  # card 07 is the second card of page 2
    assert ids_of(hub("papers", "--saved", "--format", "json")) == [second_page[1]]
    wrong = hub("save", "3")
    assert wrong.exit_code == 1
    assert wrong.stderr.strip() == "error: no card 3 in the last listing (cards 6–10)"


def test_every_command_that_takes_an_id_takes_a_card_number(hub: Hub, corpus: Path, tmp_path: Path) -> None:
    shown = listed(hub, "papers", "--category", "cs.IR", "-n", "5", "--page", "2")
    third = shown[2]  # card 08

    assert [p["id"] for p in as_json(hub("show", "8", "--format", "json"))] == [third]
    assert third.split(":", 1)[1] in hub("show", "8", "--format", "plain").stdout
    similar = as_json(hub("similar", "8", "-n", "3", "--format", "json"))
    assert similar and third not in [p["id"] for p in similar]
    assert hub("note", "8", "read this first").exit_code == 0
    assert [p["note"] for p in as_json(hub("show", third, "--format", "json"))] == ["read this first"]
    recorder = tmp_path / "browser.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f"#!/bin/sh\nprintf '%s' \"$1\" > {recorder}\n")
    browser.chmod(0o755)
    assert hub("open", "8", env={"BROWSER": str(browser)}).exit_code == 0
    assert recorder.read_text() == "https://arxiv.org/abs/" + third.split(":", 1)[1]
    for command in (("show", "3"), ("similar", "3"), ("open", "3")):
        wrong = hub(*command)  # card 03 is not on the page shown (cards 6–10)
        assert wrong.exit_code == 1 and wrong.stderr.strip() == "error: no card 3 in the last listing (cards 6–10)"


def test_bad_references_are_one_line_and_change_nothing(hub: Hub, corpus: Path) -> None:
    first = hub("save", "4")
    assert first.exit_code == 1 and first.stderr.startswith("error: no card 4: no listing shown yet")
    listed(hub, "papers", "-n", "3")
    unknown = hub("save", "1", "9999.99999")
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "error: no paper '9999.99999' in the cache"
    assert "Traceback" not in unknown.stderr
    assert ids_of(hub("library", "--format", "json")) == []  # card 1 was not saved either
    assert hub("save").exit_code == 2  # usage error: no ID


def test_tag_untag_tags_and_unsave(hub: Hub, corpus: Path) -> None:
    assert hub("tag", "2411.17719", "slides", "to-read").exit_code == 0  # tagging saves
    assert hub("tag", "2411.18583", "to-read").exit_code == 0
    tags = hub("tags", "--json")
    assert json.loads(tags.stdout) == [{"tag": "to-read", "papers": 2}, {"tag": "slides", "papers": 1}]
    assert hub("tags").stdout == "to-read\t2\nslides\t1\n"
    assert ids_of(hub("papers", "--tag", "slides", "--format", "json")) == ["arxiv:2411.17719"]
    assert sorted(ids_of(hub("library", "--tag", "to-read", "--format", "json"))) == [
        "arxiv:2411.17719", "arxiv:2411.18583"]
    assert hub("untag", "2411.17719", "to-read").exit_code == 0
    assert ids_of(hub("papers", "--tag", "to-read", "--format", "json")) == ["arxiv:2411.18583"]
    assert hub("unsave", "2411.17719").exit_code == 0
    assert json.loads(hub("tags", "--json").stdout) == [{"tag": "to-read", "papers": 1}]
    again = hub("unsave", "2411.17719")
    assert again.exit_code == 0 and "not in the library" in again.stderr


def test_notes_from_text_editor_and_clear(hub: Hub, corpus: Path, tmp_path: Path) -> None:
    assert hub("note", "2411.17719", "baseline for RQ2").exit_code == 0
    paper = as_json(hub("show", "2411.17719", "--format", "json"))[0]
    assert paper["note"] == "baseline for RQ2" and paper["saved"] is False  # a note alone does not save
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\np = sys.argv[1]\ntext = open(p).read()\n"
                      "open(p, 'w').write(text + '\\nsecond line\\x1b[2J\\n')\n")
    edited = hub("note", "2411.17719", env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""})
    assert edited.exit_code == 0, edited.stderr
    paper = as_json(hub("show", "2411.17719", "--format", "json"))[0]
    assert paper["note"] == "baseline for RQ2\nsecond line[2J"  # kept as written, without controls
    shown = hub("show", "2411.17719", "--format", "plain")
    assert "Note: baseline for RQ2" in shown.stdout
    assert hub("note", "2411.17719", "--clear").exit_code == 0
    assert as_json(hub("show", "2411.17719", "--format", "json"))[0]["note"] is None
    no_editor = hub("note", "2411.17719", env={"EDITOR": "", "VISUAL": ""})
    assert no_editor.exit_code == 2 and "EDITOR" in no_editor.stderr
    assert hub("note", "2411.17719", "x", "--clear").exit_code == 2


def test_read_unread_and_the_unread_filter(hub: Hub, corpus: Path) -> None:
    cards = listed(hub, "papers", "--category", "cs.IR", "-n", "3")
    assert hub("read", "1", "2").exit_code == 0
    unread = ids_of(hub("papers", "--category", "cs.IR", "-n", "3", "--unread", "--format", "json"))
    assert cards[0] not in unread and cards[1] not in unread and cards[2] in unread
    assert hub("unread", cards[0].removeprefix("arxiv:")).exit_code == 0
    assert cards[0] in ids_of(hub("papers", "--category", "cs.IR", "-n", "3", "--unread", "--format", "json"))


def test_cards_show_the_state(hub: Hub, corpus: Path) -> None:
    hub("save", "2411.17719", "--tag", "slides")
    hub("note", "2411.17719", "read the related work")
    panels = hub("library", "--format", "panels")
    assert panels.exit_code == 0
    assert "★ saved · tags: slides · note: read the related work" in panels.stdout
    plain = hub("papers", "--saved", "--format", "plain")
    assert "[★ saved · tags: slides · note: read the related work]" in plain.stdout
    assert "Saved ×" in hub("papers", "--saved", "--format", "panels").stdout  # the filter's chip
    zh = hub("--lang", "zh", "library", "--format", "panels")
    assert "★ 已收藏 · 标签：slides · 笔记：read the related work" in zh.stdout


def test_library_lists_newest_saved_first_with_filters(hub: Hub, corpus: Path) -> None:
    for ident in ("2411.17719", "2411.18583", "2411.18216"):
        assert hub("save", ident).exit_code == 0
        time.sleep(0.002)  # distinct saved_at stamps (microseconds) even on a fast machine
    assert ids_of(hub("library", "--format", "json")) == ["arxiv:2411.18216", "arxiv:2411.18583", "arxiv:2411.17719"]
    only = ids_of(hub("library", "--search", "SlideSpawn", "--format", "json"))
    assert only == ["arxiv:2411.17719"]
    empty = hub("library", "--author", "Nobody Atall", "--format", "plain")
    assert empty.exit_code == 0 and empty.stdout == ""


def test_empty_library_says_how_to_fill_it(hub: Hub, corpus: Path) -> None:
    result = hub("library")
    assert result.exit_code == 0 and result.stdout == ""
    assert "your library is empty" in result.stderr


# --- dismissed papers ----------------------------------------------------------------------

def test_dismissed_papers_leave_shuffle_and_radar(hub: Hub, corpus: Path) -> None:
    cards = listed(hub, "papers", "--category", "cs.IR", "-n", "4")
    assert hub("dismiss", "1", "2").exit_code == 0
    seen: list[str] = []
    total = len(ids_of(hub("export", "--category", "cs.IR", "--format", "json")))
    for _ in range(0, total, 10):  # one whole no-repeat round of the category
        seen += ids_of(hub("shuffle", "--category", "cs.IR", "--format", "json"))
    assert cards[0] not in seen and cards[1] not in seen and len(set(seen)) == total - 2
    kept = {pid for seed in range(40)
            for pid in ids_of(hub("shuffle", "--category", "cs.IR", "--seed", str(seed), "--include-dismissed",
                                  "--format", "json"))}
    assert cards[0] in kept
    assert cards[0] in ids_of(hub("papers", "--category", "cs.IR", "-n", "4", "--format", "json"))  # papers lists all
    assert hub("follow", "--category", "cs.IR").exit_code == 0
    radar = ids_of(hub("radar", "--peek", "--limit", "1000", "--format", "json"))
    assert cards[0] not in radar and cards[2] in radar
    assert cards[0] in ids_of(hub("radar", "--peek", "--limit", "1000", "--include-dismissed", "--format", "json"))
    assert hub("undismiss", cards[0]).exit_code == 0
    assert cards[0] in ids_of(hub("radar", "--peek", "--limit", "1000", "--format", "json"))


# --- export, import, restore ---------------------------------------------------------------

def build_library(hub: Hub) -> None:
    assert hub("save", "2411.17719", "2411.18583", "--tag", "slides").exit_code == 0
    assert hub("tag", "2411.18583", "rag").exit_code == 0
    assert hub("note", "2411.18583", "line one\nline two").exit_code == 0
    assert hub("read", "2411.17719").exit_code == 0
    assert hub("dismiss", "2411.18216").exit_code == 0
    assert hub("note", "2411.16872", "a note on an unsaved paper").exit_code == 0


def test_export_json_restores_exactly_into_a_new_cache(hub: Hub, corpus: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    build_library(hub)
    out = tmp_path / "library.json"
    done = hub("library", "export", "-o", str(out))
    assert done.exit_code == 0 and done.stdout == ""
    records = json.loads(out.read_text())
    assert len(records) == 4  # every paper with any state
    by_id = {r["id"]: r for r in records}
    assert by_id["arxiv:2411.18583"]["tags"] == ["rag", "slides"]
    assert by_id["arxiv:2411.18216"]["dismissed"] is True and by_id["arxiv:2411.18216"]["saved"] is False
    assert by_id["arxiv:2411.17719"]["read"] is True and by_id["arxiv:2411.17719"]["saved_at"]
    # a new machine: an empty cache, the file imported, the same export back
    monkeypatch.setenv("HUB_HOME", str(tmp_path / "new-home"))
    restored = hub("library", "import", str(out))
    assert restored.exit_code == 0, restored.stderr
    assert "4 matched, 0 added, 0 skipped" in restored.stderr
    again = tmp_path / "again.json"
    assert hub("library", "export", "-o", str(again)).exit_code == 0
    assert json.loads(again.read_text()) == records
    assert hub("library", "import", str(out)).exit_code == 0  # importing twice changes nothing
    assert hub("library", "export").stdout == out.read_text()


def test_export_formats_of_the_saved_papers(hub: Hub, corpus: Path, tmp_path: Path) -> None:
    import pybtex.database
    from pybtex import errors as pybtex_errors

    build_library(hub)
    bib = hub("library", "export", "--format", "bibtex")
    assert bib.exit_code == 0
    pybtex_errors.set_strict_mode(True)
    try:
        parsed = pybtex.database.parse_string(bib.stdout, "bibtex")
    finally:
        pybtex_errors.set_strict_mode(False)
    assert len(parsed.entries) == 2  # the saved papers
    csv_text = hub("library", "export", "--format", "csv").stdout
    assert csv_text.splitlines()[0].startswith("id,") and len(csv_text.splitlines()) == 3
    assert "SlideSpawn" in hub("library", "export", "--format", "markdown").stdout
    lines = hub("library", "export", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 4 and all(json.loads(line)["id"] for line in lines)
    bad = hub("library", "export", "--format", "docx")
    assert bad.exit_code == 2 and "docx" in bad.stderr


def test_import_bibtex_and_csl_with_a_summary(hub: Hub, corpus: Path) -> None:
    bbt = hub("library", "import", str(LIB / "zotero-bbt.bib"), "--tag", "zotero")
    assert bbt.exit_code == 0, bbt.stderr
    assert "zotero-bbt.bib (bibtex): 1 matched, 1 added, 0 skipped" in bbt.stderr
    assert "1 arXiv paper is not in the cache yet" in bbt.stderr and "--fetch" in bbt.stderr
    jab = hub("library", "import", str(LIB / "jabref.bib"))
    assert jab.exit_code == 0 and "1 matched" in jab.stderr
    csl = hub("library", "import", str(LIB / "zotero-csl.json"))
    assert csl.exit_code == 0 and "(csl): 2 matched, 0 added" in csl.stderr
    slides = as_json(hub("show", "2411.17719", "--format", "json"))[0]
    assert slides["saved"] and "zotero" in slides["tags"] and "slides" in slides["tags"]
    added = as_json(hub("library", "--search", '"Attention Is All You Need"', "--format", "json"))
    assert [p["id"] for p in added] == ["arxiv:1706.03762"]  # kept as a library paper
    zh = hub("--lang", "zh", "library", "import", str(LIB / "mendeley.bib"))
    assert zh.exit_code == 0 and "匹配 1 条" in zh.stderr


def test_a_broken_file_is_one_line_and_imports_nothing(hub: Hub, corpus: Path) -> None:
    hub("save", "2411.17719")
    before = hub("library", "export").stdout
    broken = hub("library", "import", str(LIB / "broken.bib"))
    assert broken.exit_code == 1
    assert len(broken.stderr.strip().splitlines()) == 1
    assert "broken.bib, line" in broken.stderr and "nothing was imported" in broken.stderr
    assert hub("library", "export").stdout == before
    missing = hub("library", "import", "/nonexistent/file.bib")
    assert missing.exit_code == 1 and len(missing.stderr.strip().splitlines()) == 1


def test_fetch_gets_missing_arxiv_papers_from_the_api(hub: Hub, corpus: Path, arxiv_mirror) -> None:  # type: ignore[no-untyped-def]
    arxiv_mirror.routes["/api/query"] = Response(arxiv_api([Item(
        "1706.03762", "Attention Is All You Need", ["Ashish Vaswani", "Noam Shazeer"],
        abstract="The dominant sequence transduction models are based on recurrent networks.", version=7,
        categories=["cs.CL", "cs.LG"])]), headers={"Content-Type": "application/atom+xml"})
    result = hub("library", "import", str(LIB / "zotero-bbt.bib"), "--fetch")
    assert result.exit_code == 0, result.stderr
    assert "fetched 1 paper from the arXiv API" in result.stderr
    hits = arxiv_mirror.hits("/api/query")
    assert len(hits) == 1 and "id_list=1706.03762" in hits[0].path
    paper = as_json(hub("show", "1706.03762", "--format", "json"))[0]
    assert paper["abstract"].startswith("The dominant sequence") and paper["version"] == 7
    assert paper["saved"] is True and paper["tags"] == ["transformers"]


@pytest.mark.slow
def test_fetch_failure_keeps_the_import(hub: Hub, corpus: Path, arxiv_mirror) -> None:  # type: ignore[no-untyped-def]
    arxiv_mirror.routes["/api/query"] = Response(b"busy", status=503)
    result = hub("library", "import", str(LIB / "zotero-bbt.bib"), "--fetch")
    assert result.exit_code == 1
    assert "the import is kept" in result.stderr and "Traceback" not in result.stderr
    assert "arxiv:1706.03762" in ids_of(hub("library", "--format", "json"))
    # run again later, as the message says: the entry is matched now, and still fetched
    arxiv_mirror.routes["/api/query"] = Response(arxiv_api([Item(
        "1706.03762", "Attention Is All You Need", ["Ashish Vaswani"], abstract="The dominant sequence models.",
        version=7, categories=["cs.CL"])]), headers={"Content-Type": "application/atom+xml"})
    again = hub("library", "import", str(LIB / "zotero-bbt.bib"), "--fetch")
    assert again.exit_code == 0, again.stderr
    assert "2 matched, 0 added" in again.stderr and "fetched 1 paper from the arXiv API" in again.stderr
    assert as_json(hub("show", "1706.03762", "--format", "json"))[0]["version"] == 7


def test_state_survives_a_new_version_and_a_resync(hub: Hub, arxiv_mirror) -> None:  # type: ignore[no-untyped-def]
    def serve(version: int, title: str) -> None:
        for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
            items = [Item("2604.00001", title, ["Lichan Hong"], version=version,
                          announce="new" if version == 1 else "replace")] if cat == "cs.IR" else []
            arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, items))

    serve(1, "Bandits for feeds")
    assert hub("sync").exit_code == 0
    assert hub("save", "2604.00001", "--tag", "bandits").exit_code == 0
    assert hub("note", "2604.00001", "compare with LinUCB").exit_code == 0
    serve(2, "Bandits for feeds, revised")
    assert hub("sync").exit_code == 0
    paper = as_json(hub("show", "2604.00001", "--format", "json"))[0]
    assert paper["version"] == 2 and paper["title"] == "Bandits for feeds, revised"
    assert (paper["saved"], paper["tags"], paper["note"]) == (True, ["bandits"], "compare with LinUCB")
    assert hub("sync").exit_code == 0  # unchanged feeds: still there
    assert as_json(hub("library", "--format", "json"))[0]["tags"] == ["bandits"]


# hub with every SQLite statement traced: at the AT-th statement starting with PREFIX it
# writes MARK and stops there (mid-transaction) until it is killed
PAUSING_HUB = r"""
import sqlite3, sys, time
from pathlib import Path

mark, prefix, at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
seen = 0

def trace(statement):
    global seen
    if statement.startswith(prefix):
        seen += 1
        if seen == at:
            mark.write_text(statement)
            while True:
                time.sleep(1)

real_connect = sqlite3.connect

def connect(*args, **kwargs):
    conn = real_connect(*args, **kwargs)
    conn.set_trace_callback(trace)
    return conn

sqlite3.connect = connect
from hubcli.cli.main import main
sys.exit(main(sys.argv[4:]))
"""


@pytest.mark.slow
def test_kill_9_mid_import_loses_nothing(hub: Hub, corpus: Path, tmp_path: Path) -> None:
    hub("save", "2411.17719", "--tag", "kept")
    before = hub("library", "export").stdout
    assert [r["tags"] for r in json.loads(before)] == [["kept"]]
    big = tmp_path / "big.bib"
    with big.open("w") as handle:
        for i in range(10_000):
            handle.write(f"@article{{k{i},\n  title = {{A study of topic number {i}}},\n"
                         f"  author = {{Doe, Jane and Roe, Richard}},\n  year = {{2020}},\n"
                         f"  doi = {{10.5555/big.{i}}},\n  keywords = {{bulk}}\n}}\n\n")
    mark = tmp_path / "paused"
    env = {**os.environ, "HUB_HOME": str(corpus)}
    # paused after 5,000 of the 10,000 papers went into the library, inside the one transaction
    proc = subprocess.Popen([sys.executable, "-c", PAUSING_HUB, str(mark), "INSERT INTO library", "5000",
                             "library", "import", str(big)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not mark.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert mark.exists() and proc.poll() is None, proc.communicate()

    proc.send_signal(signal.SIGKILL)

    assert proc.wait(timeout=30) == -signal.SIGKILL
    after = hub("library", "export")
    assert after.exit_code == 0
    assert after.stdout == before  # the one transaction never committed: the library is as it was
    assert hub("papers", "--search", '"a study of topic number"', "--format", "json").stdout == "[]\n"
    again = hub("library", "import", str(LIB / "jabref.bib"))  # the database is not left locked
    assert again.exit_code == 0, again.stderr


# --- recommend, similar, radar, brief ------------------------------------------------------

def save_archive(hub: Hub, archive: str, count: int = 10) -> list[str]:
    """Save ``count`` papers of one archive (as the quality bench does); their ids."""
    papers = as_json(hub("export", "--category", archive, "--format", "json"))
    chosen = [str(p["id"]) for p in papers if p["primary_category"] == archive][:count]
    assert len(chosen) == count
    assert hub("save", *chosen).exit_code == 0
    return chosen


@pytest.mark.slow
def test_recommend_learns_the_library_and_explains(hub: Hub, corpus: Path) -> None:
    saved = save_archive(hub, "astro-ph.GA")
    result = hub("recommend", "--since", "2024-01-01", "-n", "10", "--explain", "--format", "json")
    papers = as_json(result)
    assert len(papers) == 10
    assert not set(saved) & {p["id"] for p in papers}  # saved papers are not recommended
    scores = [p["score"] for p in papers]
    assert scores == sorted(scores, reverse=True)
    assert sum("astro-ph" in str(p["primary_category"]) for p in papers) >= 7
    for paper in papers:
        explain = paper["explain"]
        assert isinstance(explain, dict) and explain["like"] in saved and explain["words"]
    panels = hub("recommend", "--since", "2024-01-01", "-n", "2", "--explain", "--format", "plain")
    assert "like: " in panels.stdout and "words: " in panels.stdout and "score " in panels.stdout
    cut = as_json(hub("recommend", "--since", "2024-01-01", "--min-score", str(scores[4]), "--format", "json"))
    assert [p["id"] for p in cut] == [p["id"] for p in papers[:5]]


@pytest.mark.slow
def test_a_dismissed_paper_is_never_recommended_again(hub: Hub, corpus: Path) -> None:
    save_archive(hub, "astro-ph.GA")
    top = ids_of(hub("recommend", "--since", "2024-01-01", "-n", "3", "--format", "json"))
    assert hub("dismiss", top[0]).exit_code == 0
    again = ids_of(hub("recommend", "--since", "2024-01-01", "-n", "1000", "--format", "json"))
    assert top[0] not in again and top[1] in again
    assert top[0] in ids_of(hub("recommend", "--since", "2024-01-01", "-n", "1000", "--include-dismissed",
                                "--format", "json"))


@pytest.mark.slow
def test_recommend_by_tag(hub: Hub, corpus: Path) -> None:
    astro = save_archive(hub, "astro-ph.GA", 5)
    assert hub("tag", astro[0], "galaxies").exit_code == 0
    for ident in astro[1:3]:
        assert hub("tag", ident, "galaxies").exit_code == 0
    save_archive(hub, "cs.CL", 5)
    tagged = as_json(hub("recommend", "--like-tag", "galaxies", "--since", "2024-01-01", "-n", "5", "--format", "json"))
    assert sum("astro-ph" in str(p["primary_category"]) for p in tagged) >= 4
    unknown = hub("recommend", "--like-tag", "nope", "--since", "2024-01-01")
    assert unknown.exit_code == 1 and "no saved paper has the tag 'nope'" in unknown.stderr


def test_cold_start_says_so_and_ranks_by_follows(hub: Hub, corpus: Path) -> None:
    hub("save", "2411.17719")
    assert hub("follow", "--category", "astro-ph.GA").exit_code == 0
    result = hub("recommend", "--since", "2024-01-01", "-n", "5", "--format", "json")
    assert result.exit_code == 0
    assert "your library has 1 saved paper; recommendations need at least 3" in result.stderr
    papers = as_json(result)
    assert papers and all("astro-ph.GA" in p["categories"] for p in papers)
    zh = hub("--lang", "zh", "recommend", "--since", "2024-01-01", "-n", "1")
    assert "推荐至少需要 3 篇" in zh.stderr


@pytest.mark.slow
def test_recommend_over_what_is_new_by_default(hub: Hub, corpus: Path) -> None:
    save_archive(hub, "astro-ph.GA", 3)
    assert hub("follow", "--category", "cs.IR").exit_code == 0
    assert hub("radar", "--format", "json").exit_code == 0  # everything is seen now
    nothing = hub("recommend", "--format", "json")
    assert nothing.exit_code == 0 and nothing.stdout == "[]\n"
    assert "nothing new since the last hub radar" in nothing.stderr


@pytest.mark.slow
def test_similar_papers(hub: Hub, corpus: Path) -> None:
    target = save_archive(hub, "astro-ph.GA", 1)[0]
    result = as_json(hub("similar", target, "-n", "5", "--format", "json"))
    assert len(result) == 5 and target not in {p["id"] for p in result}
    assert [p["score"] for p in result] == sorted((p["score"] for p in result), reverse=True)
    assert sum("astro-ph" in str(p["primary_category"]) for p in result) >= 3
    within = as_json(hub("similar", target, "--category", "cs.CL", "-n", "3", "--format", "json"))
    assert within and all("cs.CL" in p["categories"] for p in within)
    assert hub("dismiss", result[0]["id"]).exit_code == 0  # type: ignore[arg-type]
    assert result[0]["id"] not in ids_of(hub("similar", target, "-n", "5", "--format", "json"))
    missing = hub("similar", "9999.99999")
    assert missing.exit_code == 1 and "9999.99999" in missing.stderr


@pytest.mark.slow
def test_radar_is_ranked_by_the_library(hub: Hub, corpus: Path) -> None:
    save_archive(hub, "astro-ph.GA", 5)
    assert hub("follow", "--category", "astro-ph.GA").exit_code == 0
    assert hub("follow", "--category", "cs.CL").exit_code == 0
    radar = as_json(hub("radar", "--peek", "--limit", "20", "--format", "json"))
    scores = [p["score"] for p in radar]
    assert scores == sorted(scores, reverse=True)
    assert sum("astro-ph.GA" in p["categories"] for p in radar[:10]) >= 8  # not newest first: the model's order


@pytest.mark.slow
def test_brief_selects_the_recommended_papers(hub: Hub, corpus: Path) -> None:
    save_archive(hub, "astro-ph.GA")
    top = as_json(hub("recommend", "--since", "2024-01-01", "-n", "5", "--format", "json"))
    brief = hub("brief", "--recommend", "--since", "2024-01-01", "--limit", "5", "--offline")
    assert brief.exit_code == 0, brief.stderr
    from hubcli.render.latex import readable

    for paper in top:  # the brief shows titles readably (LaTeX as text, Markdown escapes aside)
        assert readable(str(paper["title"]))[:40] in brief.stdout.replace("\\", "")


def test_library_filters_on_every_listing_command(hub: Hub, corpus: Path) -> None:
    hub("save", "2411.17719", "--tag", "slides")
    for command in (["papers"], ["shuffle"], ["export"], ["library"]):
        got = ids_of(hub(*command, "--tag", "slides", "--format", "json"))
        assert got == ["arxiv:2411.17719"], command
    dry = hub("brief", "--saved", "--dry-run", "--offline")
    assert dry.exit_code == 0 and "SlideSpawn" in dry.stdout + dry.stderr


@pytest.mark.slow
def test_ranking_commands_are_the_only_ones_loading_sklearn(hub: Hub, corpus: Path) -> None:
    save_archive(hub, "astro-ph.GA", 3)
    code = ("import sys\nfrom hubcli.cli.main import main\ncode = main(sys.argv[1:])\n"
            "print(sorted(m for m in ('numpy', 'sklearn') if m in sys.modules), file=sys.stderr)\n")
    env = {**os.environ, "HUB_HOME": str(corpus)}
    for args, loads in ((["papers", "--saved", "--tag", "x"], False), (["library"], False),
                        (["recommend", "--since", "2024-01-01"], True)):
        proc = subprocess.run([sys.executable, "-c", code, *args, "--format", "json"], capture_output=True,
                              text=True, check=False, env=env)
        assert proc.returncode == 0, proc.stderr
        assert (proc.stderr.strip().splitlines()[-1] != "[]") is loads, args
    shutil.rmtree(corpus / "hub.db.features", ignore_errors=True)
