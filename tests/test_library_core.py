"""The library core (issue 12, first part): state per paper that survives re-sync, new
versions and re-import; hub json export/restore; BibTeX and CSL-JSON imports as Zotero,
JabRef and Mendeley write them, matched against the real arXiv corpus feed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, corpus_file, run_hub
from feedgen import Item, arxiv_rss
from hubcli.errors import HubError
from hubcli.library_files import import_library
from hubcli.store import library
from hubcli.store.db import Store, open_store
from hubcli.store.query import Selection

LIB = FIXTURES / "library"
FEED = "arxiv-rss2024-all-archives-2024-11-28.xml"


def store_at(home: Path) -> Store:
    store = open_store(home / "hub.db")
    assert store is not None
    return store


def pid(store: Store, key: str) -> int:
    return int(store.conn.execute("SELECT id FROM papers WHERE key = ?", (key,)).fetchone()[0])


@pytest.fixture
def corpus(hub_home: Path) -> Path:
    result = run_hub("import", str(corpus_file(FEED)))
    assert result.exit_code == 0, result.stderr
    return hub_home


def test_bibtex_and_csl_imports_match_the_corpus(corpus: Path) -> None:
    with store_at(corpus) as store:
        bbt = import_library(store, LIB / "zotero-bbt.bib")
        assert (bbt.format, bbt.matched, bbt.added) == ("bibtex", 1, 1)
        assert bbt.missing_arxiv == ["1706.03762"]  # journal = {arXiv preprint arXiv:ID}
        zot = import_library(store, LIB / "zotero.bib")
        assert (zot.matched, zot.added) == (1, 1)  # url/note arXiv id; a DOI-only paper added
        jab = import_library(store, LIB / "jabref.bib")
        men = import_library(store, LIB / "mendeley.bib")
        csl = import_library(store, LIB / "zotero-csl.json")
        assert (jab.matched, men.matched) == (1, 1)
        assert (csl.format, csl.matched, csl.added) == ("csl", 2, 0)  # arXiv DOI/number, then title
        slide = pid(store, "arxiv:2411.17719")
        state = library.state_for(store.conn, [slide])[slide]
        assert state.saved and state.tags == ["slides", "to-read"]  # Zotero's arXiv subject tag left out
        assert [t.name for t in library.tags(store)][:1] and {"alignment", "Architectures", "mllm"} <= {
            t.name for t in library.tags(store)}
        assert len(library.saved_ids(store)) == 8
        added = store.conn.execute("SELECT authors, published FROM papers WHERE key = 'doi:10.5555/things.2020.1'"
                                   ).fetchone()
        # the entry gives the year alone: no day invented
        assert json.loads(added[0]) == ["Jane Smith", "Jörg Müller"] and added[1] == "2020"
        again = import_library(store, LIB / "zotero.bib")  # idempotent
        assert (again.matched, again.added) == (2, 0) and len(library.saved_ids(store)) == 8


def test_state_survives_reimport_and_filters(corpus: Path) -> None:
    with store_at(corpus) as store:
        a, b, c = (pid(store, k) for k in ("arxiv:2411.17719", "arxiv:2411.17760", "arxiv:2411.17792"))
        library.save(store, [a, b], ["rag"])
        library.set_note(store, a, "read the eval\x1b[31m section")
        library.mark_read(store, [a])
        library.dismiss(store, [c])
    assert run_hub("import", str(corpus_file(FEED))).exit_code == 0
    with store_at(corpus) as store:
        state = library.state_for(store.conn, [a, b, c])
        assert state[a].to_dict() == {"saved": True, "tags": ["rag"], "note": "read the eval[31m section",
                                      "read": True, "dismissed": False}
        assert state[c].dismissed and not state[c].saved
        conn = store.conn

        def ids(condition: Callable[[Selection], None]) -> set[int]:
            sel = Selection()
            condition(sel)
            return {r[0] for r in conn.execute(f"SELECT p.id FROM papers p WHERE {sel.sql()}", sel.params)}

        assert ids(Selection.add_saved) == {a, b}
        assert ids(lambda sel: sel.add_tags(["RAG"])) == {a, b}
        assert a not in ids(Selection.add_unread) and b in ids(Selection.add_unread)
        assert c not in ids(Selection.add_not_dismissed)
        library.unsave(store, [b])
        assert library.saved_ids(store, "rag") == [a]


def test_state_survives_a_new_version_from_sync(arxiv_mirror, hub_home: Path) -> None:  # type: ignore[no-untyped-def]
    v1 = Item("2604.00001", "First title", ["Ana Silva"], abstract="One.", version=1, categories=["cs.IR"])
    v2 = Item("2604.00001", "Second title", ["Ana Silva"], abstract="Two.", version=2, announce="replace",
              categories=["cs.IR"])
    arxiv_mirror.serve("/rss/cs.IR", arxiv_rss("cs.IR", [v1]))
    assert run_hub("sync", "arxiv:cs.IR").exit_code == 0
    with store_at(hub_home) as store:
        library.save(store, [pid(store, "arxiv:2604.00001")], ["mine"])
    arxiv_mirror.serve("/rss/cs.IR", arxiv_rss("cs.IR", [v2]))
    assert run_hub("sync", "arxiv:cs.IR").exit_code == 0
    with store_at(hub_home) as store:
        paper_id = pid(store, "arxiv:2604.00001")
        assert store.conn.execute("SELECT title, version FROM papers WHERE id = ?", (paper_id,)).fetchone() == (
            "Second title", 2)
        assert library.state_for(store.conn, [paper_id])[paper_id].tags == ["mine"]


def test_export_restores_exactly_in_a_fresh_home(corpus: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with store_at(corpus) as store:
        import_library(store, LIB / "zotero.bib")
        import_library(store, LIB / "jabref.bib")
        library.mark_read(store, [pid(store, "arxiv:2411.17792")])
        library.dismiss(store, [pid(store, "arxiv:2411.17838")])
        library.set_note(store, pid(store, "arxiv:2411.17760"), "line one\nline two")
        exported = library.export_records(store)
    backup = tmp_path / "library.json"
    backup.write_text(json.dumps(exported), encoding="utf-8")
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("HUB_HOME", str(fresh))
    fresh.mkdir()
    with store_at(fresh) as store:
        summary = import_library(store, backup)
        assert summary.format == "hub" and summary.matched == len(exported)
        assert library.export_records(store) == exported
        import_library(store, backup)  # idempotent
        assert library.export_records(store) == exported


def test_a_broken_bib_names_file_and_line_and_stores_nothing(corpus: Path) -> None:
    with store_at(corpus) as store:
        with pytest.raises(HubError) as caught:
            import_library(store, LIB / "broken.bib")
        message = str(caught.value)
        assert "broken.bib" in message and "line 10" in message and "\n" not in message
        assert library.saved_ids(store) == []


def test_an_empty_library(hub_home: Path) -> None:
    with store_at(hub_home) as store:
        assert library.tags(store) == [] and library.export_records(store) == []


KILLER = r"""
import os, signal, sqlite3, sys
from pathlib import Path
kill_at = int(sys.argv[3]); count = 0
def trace(statement):
    global count
    count += 1
    if count == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
real = sqlite3.connect
def connect(*a, **k):
    conn = real(*a, **k); conn.set_trace_callback(trace); return conn
sqlite3.connect = connect
from hubcli.library_files import import_library
from hubcli.store.db import open_store
store = open_store(Path(sys.argv[1]))
import_library(store, Path(sys.argv[2]))
print("done")
"""


def test_kill_9_mid_import_leaves_the_library_intact(corpus: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    with store_at(corpus) as store:
        import_library(store, LIB / "jabref.bib")
        before = library.export_records(store)
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "HUB_HOME": str(corpus)}
    killed = 0
    for kill_at in (3, 12, 25, 40):
        proc = subprocess.run([sys.executable, "-c", KILLER, str(corpus / "hub.db"), str(LIB / "zotero.bib"),
                               str(kill_at)], env=env, capture_output=True, text=True, timeout=120)
        if proc.returncode == 0:
            break
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        killed += 1
        with store_at(corpus) as store:
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert library.export_records(store) == before  # all or nothing: nothing of the killed import
    assert killed >= 2


def test_the_state_is_keyed_by_paper_key_and_relinks_in_another_cache(corpus: Path, tmp_path: Path) -> None:
    """The library file is keyed by the paper's key: a second cache (other row ids) over the
    same library file sees the same state, first from the library's copies, then merged
    with the real records by key when the corpus is imported into it."""
    keys = ("arxiv:2411.17719", "arxiv:2411.17760", "arxiv:2411.17792")
    with store_at(corpus) as store:
        a, b, c = (pid(store, k) for k in keys)
        library.save(store, [a, b], ["rag"])
        library.set_note(store, a, "kept by key")
        library.dismiss(store, [c])
        before = {k: library.state_for(store.conn, [i])[i].to_dict() for k, i in zip(keys, (a, b, c), strict=True)}
        shared = store.library
    other = open_store(tmp_path / "other" / "cache.db", library=shared)
    assert other is not None
    with other:
        assert other.created and library.relink_papers(other) == 3
        ids = {k: pid(other, k) for k in keys}
        after = {k: library.state_for(other.conn, [i])[i].to_dict() for k, i in ids.items()}
        assert after == before
        assert set(library.saved_ids(other, "rag")) == {ids[keys[0]], ids[keys[1]]}
        assert library.dismissed_ids(other) == [ids[keys[2]]]
        title = other.conn.execute("SELECT title FROM papers WHERE key = ?", (keys[0],)).fetchone()[0]
    with store_at(corpus) as store:
        assert title == store.conn.execute("SELECT title FROM papers WHERE key = ?", (keys[0],)).fetchone()[0]
