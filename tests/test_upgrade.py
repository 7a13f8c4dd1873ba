"""Upgrades (issue 6, item 4): a database written by the first release opens in this one
with its data intact.

``tests/fixtures/hub-v1.db`` was made by ``tests/fixtures/make_v1_db.py`` with only the
first migration (``MIGRATIONS[:1]``).  Every test works on a copy.  Each later migration
is applied step by step from it and checked; then the current code opens it: schema at
``LATEST``, every paper, author, source and link as it was, full-text search finding the
old papers, the new tables usable, a sync merging into the old rows, and a kill -9 at any
statement of the upgrade leaving either the old or the new schema, never a broken one.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FeedServer, run_hub
from feedgen import Item, arxiv_rss
from hubcli.store import migrations

FIXTURES = Path(__file__).parent / "fixtures"
V1 = FIXTURES / "hub-v1.db"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(FIXTURES))
import make_v1_db  # noqa: E402

EXPECTED = {str(p["id"]): p for p in make_v1_db.PAPERS}
ROW_TABLES = ("papers", "authors", "paper_authors", "paper_categories", "paper_sources", "sources", "state",
              "shuffle_seen")


@pytest.fixture
def old_db(hub_home: Path) -> Path:
    hub_home.mkdir(parents=True, exist_ok=True)
    target = hub_home / "hub.db"
    shutil.copyfile(V1, target)
    return target


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of the first release's tables, in the first release's columns (later
    migrations may add columns, such as ``sources.folder``)."""
    with sqlite3.connect(V1) as v1:
        columns = {table: ", ".join(row[1] for row in v1.execute(f"PRAGMA table_info({table})"))
                   for table in ROW_TABLES}
    with sqlite3.connect(db) as conn:
        return {table: sorted(conn.execute(f"SELECT {columns[table]} FROM {table}").fetchall(), key=repr)
                for table in ROW_TABLES}


M005 = [name for name, _step in migrations.MIGRATIONS].index("m005_categories") + 1


def converted(before: dict[str, list[tuple]], step: int = migrations.LATEST) -> dict[str, list[tuple]]:
    """A v1 snapshot as it reads after ``step``: from m005 on, ``papers.categories`` is a
    JSON list (the fixture's categories are arXiv's: single words, their own match keys)."""
    if step < M005:
        return before
    with sqlite3.connect(V1) as conn:
        column = [row[1] for row in conn.execute("PRAGMA table_info(papers)")].index("categories")
    papers = [(*row[:column], json.dumps(row[column].split()), *row[column + 1:]) for row in before["papers"]]
    return {**before, "papers": sorted(papers, key=repr)}


def version(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def integrity(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)")


def papers(*args: str) -> list[dict]:
    result = run_hub("papers", "--format", "json", "--per-page", "100", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_fixture_is_a_small_first_release_database() -> None:
    assert V1.stat().st_size < 64 * 1024
    assert version(V1) == 1
    assert "brief_cache" not in tables(V1) and "follows" not in tables(V1)
    assert len(snapshot(V1)["papers"]) == len(EXPECTED) == 5


def test_the_builder_still_makes_the_same_database(tmp_path: Path) -> None:
    rebuilt = make_v1_db.build(tmp_path / "again.db")
    assert snapshot(rebuilt) == snapshot(V1)
    with sqlite3.connect(rebuilt) as new, sqlite3.connect(V1) as old:
        schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
        assert new.execute(schema).fetchall() == old.execute(schema).fetchall()


@pytest.mark.parametrize("step", range(2, migrations.LATEST + 1))
def test_each_migration_step_from_v1_keeps_the_data(step: int, old_db: Path) -> None:
    import sqlite_utils

    before = snapshot(old_db)
    conn = sqlite3.connect(old_db, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for number, (_name, migrate) in enumerate(migrations.MIGRATIONS[1:step], start=2):
        conn.execute("BEGIN IMMEDIATE")
        migrate(db)
        conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    conn.close()

    assert version(old_db) == step
    integrity(old_db)
    assert snapshot(old_db) == converted(before, step)
    with sqlite3.connect(old_db) as conn:
        hits = conn.execute("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'recommendation'").fetchall()
    assert len(hits) == 2
    # and the current code takes it from there
    assert [p["id"] for p in papers("--search", "bandits")] == ["arxiv:2401.00007"]
    assert version(old_db) == migrations.LATEST


def test_the_current_code_opens_it_with_every_paper_intact(old_db: Path) -> None:
    before = snapshot(old_db)

    listed = {p["id"]: p for p in papers()}

    assert version(old_db) == migrations.LATEST
    integrity(old_db)
    assert set(listed) == set(EXPECTED)
    for key, expected in EXPECTED.items():
        got = listed[key]
        for field, value in expected.items():
            assert got[field] == value or (field == "sources" and sorted(got[field]) == sorted(value)), (key, field)
    assert snapshot(old_db) == converted(before)  # reading changed no row (m005 re-wrote categories)
    with sqlite3.connect(old_db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("query,expected", [
    ("sequential recommendation", ["arxiv:2402.14035"]),
    ("Jurgen", ["arxiv:2402.14035"]),  # diacritics folded in the old index
    ("Ångström", ["arxiv:2401.00007"]),
    ("ocean heat", ["doi:10.1038/s41586-024-00001-1"]),
    ("graph neural", ["arxiv:2301.07041"]),
    ("sequential recommenders", ["arxiv:2402.14035"]),  # stemmed: the index was rebuilt (m009)
])
def test_full_text_search_finds_the_old_papers(old_db: Path, query: str, expected: list[str]) -> None:
    assert [p["id"] for p in papers("--search", query)] == expected


@pytest.mark.parametrize("name", ["Jurgen Muller", "Hong, Lichan", "L. Hong", "zoe angstrom", "李华"])
def test_author_matching_works_on_the_old_authors(old_db: Path, name: str) -> None:
    assert len(papers("--author", name)) == 1


def test_the_new_tables_are_usable(old_db: Path) -> None:
    from hubcli.brief import cache
    from hubcli.store.db import open_store

    assert run_hub("follow", "Lichan Hong").exit_code == 0
    following = run_hub("following", "--json")
    assert following.exit_code == 0 and "Lichan Hong" in following.stdout
    radar = run_hub("radar", "--format", "json")
    assert radar.exit_code == 0, radar.stderr
    assert [p["id"] for p in json.loads(radar.stdout)] == ["arxiv:2402.14035"]
    store = open_store(old_db)
    assert store is not None
    with store:
        cache.put(store, "k1", "test-model", "# cached", {"prompt_tokens": 1})
        cached = cache.get(store, "k1")
        assert cached is not None and cached.text == "# cached"
    assert "brief_cache" in tables(old_db) and "follows" not in tables(old_db)
    assert {"follows", "library", "tags", "paper_tags", "subscriptions"} <= tables(old_db.with_name("hub.library.db"))


def test_old_state_is_kept(old_db: Path) -> None:
    """The defaults were seeded by the old release: removing them then stays removed, and
    the subscriptions and their validators are the old ones."""
    listed = json.loads(run_hub("feeds", "list", "--json").stdout)
    assert [entry["source"] for entry in listed] == [spec for spec, *_ in make_v1_db.SOURCES]
    with sqlite3.connect(old_db) as conn:
        assert conn.execute("SELECT etag FROM sources WHERE spec = 'arxiv:cs.AI'").fetchone() == ('"etag-arxiv"',)


def test_stored_arxiv_url_subscriptions_merge_into_the_shortcut(old_db: Path) -> None:
    """Issue 9, item 5: before the upgrade arXiv's own feed URLs were subscriptions of their
    own beside the shortcut.  The upgrade leaves one row per feed: the URL beside
    ``arxiv:cs.IR`` merges into it (its papers' links too), and the one with no shortcut
    becomes the shortcut with the user's label."""
    with sqlite3.connect(old_db) as conn:
        conn.executemany(
            "INSERT INTO sources(id, spec, kind, label, label_custom, url, subscribed, added_at, etag)"
            " VALUES (?, ?, 'url', ?, ?, ?, 1, '2024-03-02T08:00:00.000000Z', ?)",
            [(4, "https://rss.arxiv.org/rss/cs.IR", "arXiv (CS.IR)", 0, "https://rss.arxiv.org/rss/cs.IR", '"x"'),
             (5, "http://export.arxiv.org/rss/hep-th", "String theory", 1, "http://export.arxiv.org/rss/hep-th",
              '"y"')])
        conn.executemany("INSERT INTO paper_sources VALUES (?, 4, '2024-03-02T08:00:00.000000Z')", [(2,), (3,)])

    listed = json.loads(run_hub("feeds", "list", "--json").stdout)

    assert [(f["source"], f["label"], f["kind"]) for f in listed] == [
        ("arxiv:cs.AI", "arXiv (CS.AI)", "arxiv"), ("arxiv:cs.IR", "arXiv (CS.IR)", "arxiv"),
        ("https://www.nature.com/nature.rss", "Nature", "url"), ("arxiv:hep-th", "String theory", "arxiv")]
    by_id = {p["id"]: p for p in papers()}
    assert sorted(by_id["arxiv:2401.00007"]["sources"]) == ["arXiv (CS.AI)", "arXiv (CS.IR)"]
    assert by_id["arxiv:2301.07041"]["sources"] == ["arXiv (CS.IR)"]  # not listed twice
    with sqlite3.connect(old_db) as conn:
        assert conn.execute("SELECT count(*) FROM paper_sources WHERE source_id = 4").fetchone() == (0,)
        assert conn.execute("SELECT url, etag FROM sources WHERE id = 5").fetchone() == (
            "https://rss.arxiv.org/rss/hep-th", None)
    integrity(old_db)


def test_a_sync_merges_into_the_old_rows(old_db: Path, arxiv_mirror: FeedServer) -> None:
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", [
        Item("2402.14035", "Scaling Sequential Recommenders, revised", ["Lichan Hong", "Ed H. Chi", "Jürgen Müller"],
             version=2, announce="replace", categories=["cs.IR", "cs.AI"]),
        Item("2604.00001", "A new paper", ["Ana Silva"]),
    ]))

    result = run_hub("sync", "arxiv:cs.AI")

    assert result.exit_code == 0, result.stderr
    assert "arXiv (CS.AI): 1 new, 1 updated, 0 unchanged" in result.stderr
    listed = {p["id"]: p for p in papers()}
    assert len(listed) == 6
    updated = listed["arxiv:2402.14035"]
    assert (updated["version"], updated["title"]) == (2, "Scaling Sequential Recommenders, revised")
    assert sorted(updated["sources"]) == ["arXiv (CS.AI)", "arXiv (CS.IR)"]
    assert [p["id"] for p in papers("--author", "Jurgen Muller")] == ["arxiv:2402.14035"]
    integrity(old_db)


def test_a_database_from_a_newer_hub_is_refused_untouched(old_db: Path) -> None:
    with sqlite3.connect(old_db) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    before = old_db.read_bytes()

    result = run_hub("papers")

    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "written by a newer hub" in result.stderr
    assert old_db.read_bytes() == before


_KILL_DRIVER = """
import os, signal, sqlite3, sys
kill_at, count = int(sys.argv[1]), 0
def trace(statement):
    global count
    count += 1
    if count == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
real = sqlite3.connect
def connect(*args, **kwargs):
    conn = real(*args, **kwargs)
    conn.set_trace_callback(trace)
    return conn
sqlite3.connect = connect
from hubcli.cli.main import main
code = main(["papers", "--format", "json"])
print("STATEMENTS", count, file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")
def test_kill_9_at_every_statement_of_the_upgrade(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def run(kill_at: int, home: Path) -> subprocess.CompletedProcess[str]:
        home.mkdir()
        shutil.copyfile(V1, home / "hub.db")
        env = {**os.environ, "HUB_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), "LANG": "C.UTF-8"}
        return subprocess.run([sys.executable, "-c", _KILL_DRIVER, str(kill_at)], env=env, capture_output=True,
                              text=True, timeout=120)

    whole = run(0, tmp_path / "whole")
    assert whole.returncode == 0, whole.stderr
    total = int(whole.stderr.split("STATEMENTS")[-1])
    points = list(range(1, total + 1))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda n: run(n, tmp_path / f"kill-{n}"), points))

    killed = 0
    for n, result in zip(points, results, strict=True):
        db = tmp_path / f"kill-{n}" / "hub.db"
        killed += result.returncode == -signal.SIGKILL
        integrity(db)
        assert 1 <= version(db) <= migrations.LATEST
        reopened = run_hub("papers", "--format", "json", env={"HUB_HOME": str(db.parent)})
        assert reopened.exit_code == 0, (n, reopened.stderr)
        assert {p["id"] for p in json.loads(reopened.stdout)} == set(EXPECTED)
        assert version(db) == migrations.LATEST
        integrity(db)
    assert killed >= total - 1
    print(f"upgrade: {total} statements, {killed} kill points survived")
    assert total >= 10  # the upgrade's statements, then the read
