"""Imports merge (issue 19): an older export, a .bib or CSL file imported over newer state
loses nothing (tags a union, newer notes and marks stay, differing notes both kept) and
the summary says what changed; ``--replace`` restores a json export exactly.  Bad input
(a .bib with a non-UTF-8 entry, malformed CSL, deep nesting, huge files) is one clear
line; the user's own words are stored as typed; an editor's note survives a busy
database; ``--fetch`` backfills what an earlier import left library-only."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import FeedServer, Response, Result
from feedgen import Item, arxiv_api, arxiv_rss

Hub = Callable[..., Result]
ITEMS = [Item("2604.00001", "Scaling recommenders", ["Lichan Hong", "Ed H. Chi"], abstract="Sequential models."),
         Item("2604.00002", "Planning with language models", ["Ada Lovelace"], abstract="Plans and tools."),
         Item("2604.00003", "Retrieval for agents", ["Grace Hopper"], abstract="Retrieval.")]
A, B, C = "arxiv:2604.00001", "arxiv:2604.00002", "arxiv:2604.00003"


@pytest.fixture
def synced(arxiv_mirror: FeedServer, hub: Hub) -> Hub:
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", ITEMS))
    assert hub("sync", "arxiv:cs.AI").exit_code == 0
    return hub


def show(hub: Hub, ident: str) -> dict[str, object]:
    result = hub("show", ident, "--format", "json")
    assert result.exit_code == 0, result.stderr
    paper = json.loads(result.stdout)[0]
    assert isinstance(paper, dict)
    return paper


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def one_line(result: Result, code: int, *needles: str) -> str:
    assert result.exit_code == code, result.stderr
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def export(hub: Hub) -> str:
    return ok(hub("library", "export")).stdout


# --- merging -------------------------------------------------------------------------------------------

def test_an_older_export_over_newer_state_loses_nothing(synced: Hub, tmp_path: Path) -> None:
    hub = synced
    ok(hub("save", "2604.00001", "--tag", "slides"))
    ok(hub("note", "2604.00001", "first thoughts"))
    ok(hub("note", "2604.00002", "old note on B"))
    old = tmp_path / "old.json"
    ok(hub("library", "export", "-o", str(old)))
    time.sleep(0.01)
    # newer state: a tag, a rewritten note, an extended note, a read mark
    ok(hub("tag", "2604.00001", "rag"))
    ok(hub("untag", "2604.00001", "slides"))
    ok(hub("note", "2604.00001", "first thoughts\nand a second line"))
    ok(hub("note", "2604.00002", "a different note on B"))
    ok(hub("read", "2604.00002"))
    newer = json.loads(export(hub))

    done = ok(hub("library", "import", str(old)))

    a, b = show(hub, "2604.00001"), show(hub, "2604.00002")
    assert a["tags"] == ["rag", "slides"]  # a union: the newer tag stays, the old one comes back
    assert a["note"] == "first thoughts\nand a second line"  # the newer note holds the old one: kept
    assert b["note"] == "a different note on B\n\n---\n\nold note on B"  # differing notes: both kept
    assert b["read"] is True  # a mark the file lacks stays
    assert "2 matched, 0 added, 0 skipped" in done.stderr
    assert "1 tag added, 1 note merged (both texts kept), 1 note kept" in done.stderr
    by_id = {r["id"]: r for r in json.loads(export(hub))}
    assert by_id[B]["read_at"] == {r["id"]: r for r in newer}[B]["read_at"]

    again = ok(hub("library", "import", str(old)))  # the same file again: nothing new
    assert again.stderr.splitlines()[1:] == ["library: 2 notes kept"]
    assert show(hub, "2604.00002")["note"] == "a different note on B\n\n---\n\nold note on B"

    zh = ok(hub("--lang", "zh", "library", "import", str(old)))
    assert "保留 2 条笔记" in zh.stderr
    now = tmp_path / "now.json"
    now.write_text(export(hub))
    assert "没有变化" in ok(hub("--lang", "zh", "library", "import", str(now))).stderr


def test_replace_restores_a_json_export_exactly(synced: Hub, tmp_path: Path) -> None:
    hub = synced
    ok(hub("save", "2604.00001", "--tag", "slides"))
    ok(hub("note", "2604.00001", "first"))
    old = tmp_path / "old.json"
    ok(hub("library", "export", "-o", str(old)))
    ok(hub("tag", "2604.00001", "rag"))
    ok(hub("note", "2604.00001", "second"))

    done = ok(hub("library", "import", str(old), "--replace"))

    assert "1 matched" in done.stderr and "changed" not in done.stderr
    assert export(hub) == old.read_text()
    bib = tmp_path / "one.bib"
    bib.write_text("@article{x, title={Scaling recommenders}, author={Hong, Lichan}, year={2026}}\n")
    one_line(hub("library", "import", str(bib), "--replace"), 2, "--replace", "bibtex")


def test_summary_counts_each_kind_with_plurals_in_both_languages(synced: Hub, tmp_path: Path) -> None:
    hub = synced
    records = [{"id": key, "title": title, "authors": ["X Y"], "tags": ["t1", "t2"], "note": f"note {key}",
                "read": True, "saved": True}
               for key, title in ((A, "Scaling recommenders"), (B, "Planning with language models"))]
    path = tmp_path / "lib.json"
    path.write_text(json.dumps(records))

    en = ok(hub("library", "import", str(path)))
    assert "2 papers saved, 4 tags added, 2 notes added, 2 papers marked read" in en.stderr

    one = tmp_path / "one.json"
    one.write_text(json.dumps([{**records[0], "tags": ["t3"], "note": None, "read": False}]))
    zh = ok(hub("--lang", "zh", "library", "import", str(one)))
    assert "新增 1 个标签" in zh.stderr
    en_one = ok(hub("library", "import", str(one)))
    assert "nothing changed" in en_one.stderr


def test_a_dismissal_in_the_file_never_unsaves_a_saved_paper(synced: Hub, tmp_path: Path) -> None:
    hub = synced
    ok(hub("save", "2604.00001", "--tag", "keep"))
    record = {"id": A, "title": "Scaling recommenders", "authors": ["Lichan Hong"], "saved": False,
              "dismissed": True, "dismissed_at": "2099-01-01T00:00:00.000000Z"}
    path = tmp_path / "d.json"
    path.write_text(json.dumps([record]))

    done = ok(hub("library", "import", str(path)))

    paper = show(hub, "2604.00001")
    assert paper["saved"] is True and paper["tags"] == ["keep"] and paper["dismissed"] is False
    assert "1 newer mark of the library kept" in done.stderr


def test_bibtex_and_csl_merge_tags_and_notes(synced: Hub, tmp_path: Path) -> None:
    hub = synced
    ok(hub("save", "2604.00001", "--tag", "mine"))
    ok(hub("note", "2604.00001", "my own note"))
    bib = tmp_path / "z.bib"
    bib.write_text("@article{hong, title={Scaling recommenders}, author={Hong, Lichan}, eprint={2604.00001},"
                   " archivePrefix={arXiv}, keywords={zotero, mine}, annote={from zotero}}\n")

    done = ok(hub("library", "import", str(bib)))

    paper = show(hub, "2604.00001")
    assert paper["tags"] == ["mine", "zotero"]
    assert paper["note"] == "my own note\n\n---\n\nfrom zotero"
    assert "1 tag added, 1 note merged" in done.stderr
    saved_at = json.loads(export(hub))[0]["saved_at"]
    assert "nothing changed" in ok(hub("library", "import", str(bib))).stderr
    assert json.loads(export(hub))[0]["saved_at"] == saved_at  # a re-import does not move it

    csl = tmp_path / "z.json"
    csl.write_text(json.dumps([{"id": "p", "type": "article", "title": "Planning with language models",
                                "URL": "https://arxiv.org/abs/2604.00002", "issued": {"date-parts": [[2026, 4]]}}]))
    assert "1 paper saved" in ok(hub("library", "import", str(csl))).stderr


def _states() -> object:
    from hypothesis import strategies as st

    from hubcli.models import LibraryState

    stamp = st.one_of(st.none(), st.just(""), st.sampled_from(
        ["2026-01-01T00:00:00.000000Z", "2026-03-01T00:00:00.000000Z", "2026-06-01T00:00:00.000000Z"]))
    text = st.one_of(st.none(), st.sampled_from(["a", "b", "a\nmore", "x\ty", "  ", "b\n\n---\n\na"]))
    tags = st.lists(st.sampled_from(["rag", "slides", "a&amp;b", "x"]), max_size=3, unique=True)
    return st.builds(LibraryState, stamp, tags, text, stamp, stamp)


def test_merge_never_loses_what_the_library_had() -> None:
    from hypothesis import given, settings

    from hubcli.store.merge import merge_states, normal_note

    now = "2026-12-01T00:00:00.000000Z"

    def stored_like(state) -> bool:  # type: ignore[no-untyped-def]
        """As the library keeps it: real times, never saved and dismissed at once."""
        times = (state.saved_at, state.read_at, state.dismissed_at)
        return "" not in times and not (state.saved_at and state.dismissed_at)

    @settings(max_examples=1000, deadline=None)
    @given(_states().filter(stored_like), _states())  # type: ignore[attr-defined]
    def check(stored, incoming) -> None:  # type: ignore[no-untyped-def]
        merged = merge_states(stored, incoming, now)
        assert not (merged.saved and merged.dismissed)
        if stored.saved:  # a saved paper stays saved with its tags
            assert merged.saved and set(stored.tags) <= set(merged.tags)
        if merged.saved and incoming.saved:
            assert set(incoming.tags) <= set(merged.tags)
        for note in (normal_note(stored.note), normal_note(incoming.note)):  # neither note lost
            assert note is None or note in (merged.note or "")
        if stored.read_at:
            assert merged.read_at and merged.read_at >= stored.read_at
        if stored.dismissed_at and not merged.dismissed:  # only a save newer than the dismissal
            assert incoming.saved and not stored.saved
        assert merge_states(merged, incoming, now) == merged  # importing again changes nothing

    check()


# --- the user's own words --------------------------------------------------------------------------------

@pytest.mark.parametrize("tag", ["a&amp;b", 'a"><b>x', "<script>alert(1)</script>", "R&D", "x &lt; y"])
def test_tags_are_stored_exactly_as_typed(synced: Hub, tag: str) -> None:
    ok(synced("tag", "2604.00001", tag))
    assert show(synced, "2604.00001")["tags"] == [tag]
    assert json.loads(ok(synced("tags", "--json")).stdout) == [{"tag": tag, "papers": 1}]


def test_a_note_keeps_tabs_and_markup_but_not_terminal_controls(synced: Hub) -> None:
    ok(synced("note", "2604.00001", "col1\tcol2\n<b>bold</b> &amp; more\x1b[2J"))
    assert show(synced, "2604.00001")["note"] == "col1\tcol2\n<b>bold</b> &amp; more[2J"


def test_an_imported_tag_and_note_are_kept_as_written(synced: Hub, tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    path.write_text(json.dumps([{"id": A, "title": "Scaling recommenders", "authors": ["Lichan Hong"],
                                 "tags": ["a&amp;b"], "note": "x\ty"}]))
    ok(synced("library", "import", str(path)))
    paper = show(synced, "2604.00001")
    assert paper["tags"] == ["a&amp;b"] and paper["note"] == "x\ty"


# --- a .bib decoded entry by entry ------------------------------------------------------------------------

def test_a_non_utf8_entry_is_skipped_with_its_line_and_the_others_kept(synced: Hub, tmp_path: Path) -> None:
    bib = tmp_path / "mixed.bib"
    bib.write_bytes("@article{good,\n  title = {Café Müller},\n  author = {Bausch, Pina},\n  year = {1978}\n}\n\n"
                    .encode() + b"@article{bad,\n  title = {Caf\xe9 \xff},\n  year = {1999}\n}\n")

    done = ok(synced("library", "import", str(bib)))

    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert any("mixed.bib, line 7" in line and "bad" in line and "UTF-8" in line for line in lines), done.stderr
    assert "0 matched, 1 added, 1 skipped" in done.stderr
    titles = [p["title"] for p in json.loads(export(synced))]
    assert titles == ["Café Müller"]  # never mis-decoded as CafÃ© MÃ¼ller
    zh = ok(synced("--lang", "zh", "library", "import", str(bib)))
    assert "第 7 行" in zh.stderr


def test_a_broken_entry_after_a_skipped_one_names_its_own_line(synced: Hub, tmp_path: Path) -> None:
    bib = tmp_path / "broken.bib"
    bib.write_bytes(b"@article{bad,\n  title = {\xff}\n}\n\n@article{good,\n  title = {Fine},\n  year = {2020\n}\n")
    before = export(synced)
    one_line(synced("library", "import", str(bib)), 1, "broken.bib, line", "nothing was imported")
    assert export(synced) == before


def test_decode_bibtex_keeps_line_numbers() -> None:
    from hubcli.library_files import decode_bibtex

    raw = "% comment é\n@article{a, title={é}}\n@misc{b,\n title={\xff}}\n@book{c, title={ok}}\n".encode()
    raw = raw.replace("\xff".encode(), b"\xff")
    text, bad = decode_bibtex(raw)
    assert bad == [(3, "b")]
    assert text.splitlines()[3] == "" and text.splitlines()[4] == "@book{c, title={ok}}"
    assert text.count("\n") == raw.count(b"\n")


def test_a_library_file_through_a_pipe_is_imported(synced: Hub, tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "lib.fifo"
    os.mkfifo(fifo)
    data = json.dumps([{"id": "p", "type": "article", "title": "Planning with language models"}]).encode()

    def write() -> None:
        with fifo.open("wb") as handle:
            handle.write(data)

    writer = threading.Thread(target=write)
    writer.start()
    done = ok(synced("library", "import", str(fifo)))
    writer.join(5)
    assert "(csl): 1 matched" in done.stderr and show(synced, "2604.00002")["saved"] is True


# --- CSL-JSON and json validated, streamed, bounded ------------------------------------------------------

CSL_OK = {"id": "ok", "type": "article", "title": "A fine paper", "issued": {"date-parts": [[2024, 5, 1]]}}


@pytest.mark.parametrize(("items", "needles"), [
    ([CSL_OK, {**CSL_OK, "id": "s", "issued": "2024-05-01"}], ("entry 2", '"issued"', "a string")),
    ([{**CSL_OK, "issued": {"date-parts": 2024}}], ("entry 1", '"date-parts"', "a number")),
    ([{**CSL_OK, "issued": {"date-parts": [["x", {}]]}}], ("entry 1", '"date-parts"')),
    ([CSL_OK, CSL_OK, {**CSL_OK, "author": "Ada Lovelace"}], ("entry 3", '"author"', "a string")),
    ([{**CSL_OK, "author": ["Ada"]}], ("entry 1", '"author"', "a string")),
    ([{**CSL_OK, "title": ["A", "B"]}], ("entry 1", '"title"', "a list")),
    ([CSL_OK, "just text"], ("entry 2", "object", "a string")),
    ([CSL_OK, 7], ("entry 2", "a number")),
])
def test_malformed_csl_is_one_line_naming_the_entry(synced: Hub, tmp_path: Path, items: list[object],
                                                      needles: tuple[str, ...]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(items))
    before = export(synced)
    one_line(synced("library", "import", str(path)), 1, "bad.json", "nothing was imported", *needles)
    assert export(synced) == before
    zh = synced("--lang", "zh", "library", "import", str(path))
    assert zh.exit_code == 1 and "未导入任何内容" in zh.stderr


@pytest.mark.parametrize("shape", ["list", "in-item", "object"])
def test_deep_nesting_is_one_line(synced: Hub, tmp_path: Path, shape: str) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    text = {"list": deep, "in-item": json.dumps([CSL_OK])[:-1] + ', {"title": "x", "a": ' + deep + "}]",
            "object": '{"a": ' + deep + "}"}[shape]
    path = tmp_path / "deep.json"
    path.write_text(text)
    line = one_line(synced("library", "import", str(path)), 1, "deep.json")
    assert "nested" in line or "one object" in line


def test_a_csl_object_instead_of_a_list_is_refused(synced: Hub, tmp_path: Path) -> None:
    path = tmp_path / "item.json"
    path.write_text(json.dumps(CSL_OK))
    one_line(synced("library", "import", str(path)), 1, "item.json", "list", "one object")
    assert json.loads(export(synced)) == []


@pytest.mark.parametrize(("text", "needle"), [
    ('[{"id": "a", "title": "x"}', "line 1"),
    ('[{"id": "a",\n "title": "x"},\n]', "line 3"),
    ('[] []', "line 1"),
    ('{"id": "a", "title": "x", "authors": []}\n{"id": "b", "title": "y", "authors": [],\n', "line 2"),
])
def test_broken_json_names_the_line(synced: Hub, tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text)
    one_line(synced("library", "import", str(path)), 1, "broken.json", needle, "nothing was imported")


def test_json_that_is_not_utf8_is_one_line(synced: Hub, tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b'[{"id": "x",\n "title": "Caf\xe9"}]')
    one_line(synced("library", "import", str(path)), 1, "latin.json", "line 2", "UTF-8")


def test_a_huge_file_is_refused_at_once(synced: Hub, tmp_path: Path) -> None:
    from hubcli.library_files import MAX_FILE_BYTES

    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b"[")
        handle.truncate(MAX_FILE_BYTES + 1)
    one_line(synced("library", "import", str(path)), 1, "huge.json", "MB", "split")


def _csl_items(n: int) -> Iterator[bytes]:
    yield b"["
    for i in range(n):
        item = {"id": f"i{i}", "type": "article-journal", "title": f"Paper number {i} about things",
                "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2020, 1, 2]]},
                "DOI": f"10.1234/{i}", "abstract": "words " * 150}
        yield (b"," if i else b"") + json.dumps(item).encode()
    yield b"]"


def test_a_large_csl_file_is_read_in_bounded_memory(tmp_path: Path) -> None:
    import tracemalloc

    from hubcli.library_files import open_file

    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.writelines(_csl_items(20_000))
    assert path.stat().st_size > 15_000_000
    tracemalloc.start()
    try:
        found = open_file(path)
        count = sum(1 for _ in found.records)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found.format == "csl" and count == 20_000
    assert peak < 5_000_000, peak  # a few items at a time, never the file


# the process's own peak (VmHWM: ru_maxrss also counts the parent's size at fork and exec)
PEAK_DRIVER = """import re, sys
from hubcli.cli.main import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    sys.stderr.write("PEAK_KB " + re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1) + "\\n")
sys.exit(code)
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak from /proc (Linux)")
def test_a_large_csl_import_is_bounded_in_memory(tmp_path: Path, hub_home: Path) -> None:
    """30,000 items (~35 MB) through the real ``hub`` in a process of its own, which reports
    its own peak memory (the file is streamed, never held whole)."""
    import os
    import subprocess

    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.writelines(_csl_items(30_000))
    done = subprocess.run([sys.executable, "-c", PEAK_DRIVER, "library", "import", str(path)], capture_output=True,
                          text=True, env={**os.environ, "HUB_HOME": str(hub_home)}, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "0 matched, 30000 added, 0 skipped" in done.stderr and "30000 papers saved" in done.stderr
    peak_mb = int(done.stderr.rsplit("PEAK_KB ", 1)[1].split()[0]) / 1024
    assert peak_mb < 300, peak_mb


# --- a note written in the editor ---------------------------------------------------------------------------

def test_an_edited_note_survives_a_busy_database(synced: Hub, hub_home: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import hubcli.store.db

    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'w').write('three hours of thinking\\n\\twith a tab\\n')\n")
    env = {"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""}
    ok(synced("papers"))  # the database and its library exist
    monkeypatch.setattr(hubcli.store.db, "BUSY_TIMEOUT_MS", 200)
    holders = []
    for db in sorted(hub_home.glob("*.db")):  # the cache and any file of its own the library has
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        holders.append(holder)
    try:
        failed = synced("note", "2604.00001", env=env)
    finally:
        for holder in holders:
            holder.execute("ROLLBACK")
            holder.close()

    assert failed.exit_code == 1 and "Traceback" not in failed.stderr
    assert "is busy" in failed.stderr
    kept = next(line for line in failed.stderr.splitlines() if "note is kept" in line)
    path = Path(kept.split("kept in ", 1)[1].split(";", 1)[0])
    assert path.read_text() == "three hours of thinking\n\twith a tab\n"
    assert f'hub note 2604.00001 "$(cat {path})"' in kept
    assert show(synced, "2604.00001")["note"] is None

    ok(synced("note", "2604.00001", path.read_text()))  # the retry the message gives
    assert show(synced, "2604.00001")["note"] == "three hours of thinking\n\twith a tab"


def test_an_edited_note_stored_leaves_no_file(synced: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'w').write('edited')\n")
    ok(synced("note", "2604.00001", env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""}))
    assert show(synced, "2604.00001")["note"] == "edited"
    assert list((tmp_path / "tmp").iterdir()) == []


# --- --fetch backfills what an earlier import left library-only ------------------------------------------------

def test_a_second_fetch_gets_what_the_first_could_not(synced: Hub, arxiv_mirror: FeedServer, tmp_path: Path) -> None:
    bib = tmp_path / "att.bib"
    bib.write_text("@article{vaswani, title={Attention Is All You Need}, author={Vaswani, Ashish},"
                   " eprint={1706.03762}, archivePrefix={arXiv}, year={2017}}\n")
    ok(synced("library", "import", str(bib)))  # offline: kept with the file's metadata
    assert show(synced, "1706.03762")["abstract"] == ""
    arxiv_mirror.routes["/api/query"] = Response(arxiv_api([Item(
        "1706.03762", "Attention Is All You Need", ["Ashish Vaswani"], abstract="The dominant sequence models.",
        version=7, categories=["cs.CL"])]), headers={"Content-Type": "application/atom+xml"})

    again = ok(synced("library", "import", str(bib), "--fetch"))

    assert "fetched 1 paper from the arXiv API" in again.stderr
    assert len(arxiv_mirror.hits("/api/query")) == 1
    paper = show(synced, "1706.03762")
    assert paper["abstract"] == "The dominant sequence models." and paper["version"] == 7 and paper["saved"]
    third = ok(synced("library", "import", str(bib), "--fetch"))  # now the cache has it: nothing to fetch
    assert "fetched" not in third.stderr and len(arxiv_mirror.hits("/api/query")) == 1
