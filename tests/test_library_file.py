"""The library outlives the cache: its own file beside the cache, automatic backups and a
way back (``hubcli.store.library_file``, ``hubcli.store.backups``).

Real SQLite files and the real CLI: the cache deleted, truncated and corrupted with the
library intact, listed and exported; a backup made after a change and not more than once
an hour; a restore that brings a state back and keeps the current one aside; the move out
of a cache of the previous release (schema m007) with every field kept.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from conftest import FeedServer, Result, run_hub
from feedgen import Item, arxiv_api, arxiv_rss
from hubcli.store import migrations

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))

CATS = ("cs.AI", "cs.CL", "cs.IR", "cs.LG")
ITEMS = {
    "cs.AI": [Item("2501.00001", "Planning with language models", ["Ada Lovelace", "Alan Turing"]),
              Item("2501.00002", "A survey of agents", ["Grace Hopper"])],
    "cs.IR": [Item("2501.00003", "Dense retrieval at scale", ["Lichan Hong", "Ed H. Chi"]),
              Item("2501.00004", "Sequential recommenders", ["Jürgen Müller"])],
    "cs.CL": [Item("2501.00005", "Tokenisers considered harmful", ["Noam Chomsky"])],
    "cs.LG": [Item("2501.00006", "Regret bounds for bandits", ["Zoë Ångström"])],
}


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def as_json(result: Result) -> object:
    return json.loads(ok(result).stdout)


def serve_all(mirror: FeedServer) -> None:
    for cat, items in ITEMS.items():
        mirror.serve(f"/rss/{cat}", arxiv_rss(cat, items))
    mirror.serve("/api/query", arxiv_api([]))  # the followed author's backfill


@pytest.fixture
def home(hub_home: Path, arxiv_mirror: FeedServer) -> Path:
    """A synced cache and a library with every kind of state, a follow and custom feeds."""
    serve_all(arxiv_mirror)
    arxiv_mirror.serve("/journal.rss", arxiv_rss("cs.AI", []))
    ok(run_hub("sync"))
    ok(run_hub("save", "2501.00001", "2501.00003", "--tag", "rag", "--tag", "to read"))
    ok(run_hub("note", "2501.00003", "line one\n\tindented line"))
    ok(run_hub("read", "2501.00001", "2501.00005"))
    ok(run_hub("dismiss", "2501.00006"))
    ok(run_hub("follow", "Lichan Hong"))
    ok(run_hub("follow", "--category", "cs.IR"))
    ok(run_hub("feeds", "remove", "arxiv:cs.CL"))
    ok(run_hub("feeds", "add", "arxiv:cs.IR", "--label", "My IR"))
    return hub_home


def state_of(export: list[dict]) -> list[tuple]:
    """What the user made, per paper (not what the cache knows about its sources)."""
    return [(r["id"], r["title"], r["authors"], r["saved"], r["saved_at"], r["tags"], r["note"], r["read"],
             r["read_at"], r["dismissed"], r["dismissed_at"]) for r in export]


def remove_cache(home: Path) -> None:
    for name in ("hub.db", "hub.db-wal", "hub.db-shm"):
        (home / name).unlink(missing_ok=True)


# --- where it lives --------------------------------------------------------------------------

def test_paths_names_the_library_file_and_its_backups(hub_home: Path, tmp_path: Path) -> None:
    shown = as_json(run_hub("paths", "--json"))
    assert isinstance(shown, dict)
    assert shown["library"] == str(hub_home / "hub.library.db")
    assert shown["backups"] == str(hub_home / "hub.library-backups")
    plain = ok(run_hub("paths")).stdout
    assert f"library\t{hub_home / 'hub.library.db'}\n" in plain
    assert f"library backups\t{hub_home / 'hub.library-backups'}\n" in plain
    assert "文库" in ok(run_hub("--lang", "zh", "paths")).stdout
    moved = as_json(run_hub("--db", str(tmp_path / "elsewhere" / "mine.db"), "paths", "--json"))
    assert isinstance(moved, dict) and moved["library"] == str(tmp_path / "elsewhere" / "mine.library.db")


def test_the_library_lives_in_its_own_file(home: Path) -> None:
    with sqlite3.connect(home / "hub.db") as cache:
        tables = {r[0] for r in cache.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not {"library", "tags", "paper_tags", "follows"} & tables
    with sqlite3.connect(home / "hub.library.db") as lib:
        keys = [r[0] for r in lib.execute("SELECT key FROM library ORDER BY key")]
        follows = lib.execute("SELECT kind, value FROM follows ORDER BY kind").fetchall()
        subs = lib.execute("SELECT spec, label FROM subscriptions ORDER BY position").fetchall()
    assert keys == ["arxiv:2501.00001", "arxiv:2501.00003", "arxiv:2501.00005", "arxiv:2501.00006"]
    assert follows == [("author", "Lichan Hong"), ("category", "cs.IR")]
    assert subs == [("arxiv:cs.AI", "arXiv (CS.AI)"), ("arxiv:cs.IR", "My IR"), ("arxiv:cs.LG", "arXiv (CS.LG)")]


# --- the cache deleted, truncated, corrupted ---------------------------------------------------

def test_deleting_the_cache_keeps_library_subscriptions_and_follows(home: Path, arxiv_mirror: FeedServer) -> None:
    before = as_json(run_hub("library", "export"))
    feeds = as_json(run_hub("feeds", "list", "--json"))
    following = as_json(run_hub("following", "--json"))
    shown = [p["id"] for p in as_json(run_hub("library", "--format", "json"))]  # type: ignore[union-attr]
    assert sorted(shown) == ["arxiv:2501.00001", "arxiv:2501.00003"]
    remove_cache(home)

    alone = ok(run_hub("library", "export"))  # no cache at all: from the library file
    assert state_of(json.loads(alone.stdout)) == state_of(before)  # type: ignore[arg-type]
    assert "library file" in alone.stderr and "hub sync" in alone.stderr
    listed = ok(run_hub("library", "--format", "json"))
    assert [p["id"] for p in json.loads(listed.stdout)] == shown  # in the same order

    ok(run_hub("sync"))  # rm hub.db && hub sync: what users do to rebuild a cache

    def subscriptions(listed: object) -> list[tuple]:
        return [(f["source"], f["label"], f["kind"], f["folder"]) for f in listed]  # type: ignore[attr-defined]

    assert subscriptions(as_json(run_hub("feeds", "list", "--json"))) == subscriptions(feeds) == [
        ("arxiv:cs.AI", "arXiv (CS.AI)", "arxiv", None), ("arxiv:cs.IR", "My IR", "arxiv", None),
        ("arxiv:cs.LG", "arXiv (CS.LG)", "arxiv", None)]
    assert as_json(run_hub("following", "--json")) == following
    after = as_json(run_hub("library", "export"))
    assert state_of(after) == state_of(before)  # type: ignore[arg-type]
    saved = as_json(run_hub("papers", "--saved", "--format", "json"))
    assert {p["id"] for p in saved} == {"arxiv:2501.00001", "arxiv:2501.00003"}  # type: ignore[union-attr]
    tagged = as_json(run_hub("library", "--tag", "to read", "--format", "json"))
    assert sorted(str(p["note"]) for p in tagged) == sorted(  # type: ignore[union-attr]
        str(r["note"]) for r in before if r["saved"])  # type: ignore[union-attr]
    shuffled = as_json(run_hub("shuffle", "-n", "50", "--format", "json"))
    assert "arxiv:2501.00006" not in {p["id"] for p in shuffled}  # type: ignore[union-attr]  # still dismissed


def test_a_rebuilt_cache_gets_the_library_papers_back_before_any_sync(home: Path) -> None:
    before = as_json(run_hub("library", "--format", "json"))
    remove_cache(home)
    ok(run_hub("feeds", "add", "arxiv:cs.NE", "--no-check"))  # any command that creates the cache
    again = as_json(run_hub("library", "--format", "json"))
    assert [(p["id"], p["title"], p["tags"]) for p in again] == [  # type: ignore[union-attr]
        (p["id"], p["title"], p["tags"]) for p in before]  # type: ignore[union-attr]
    ok(run_hub("library", "--format", "plain"))
    assert "arxiv:" in ok(run_hub("read", "1")).stderr  # card numbers work on the put-back papers


def _truncate(db: Path) -> None:
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.truncate(size // 3)


def _garble_papers(db: Path) -> None:
    """Garbage over the pages of the papers table (its root page and the next ones)."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'papers'").fetchone()[0]
    with db.open("r+b") as handle:
        handle.seek((root - 1) * page)
        handle.write(b"\xde\xad\xbe\xef" * (page // 4) * 2)


@pytest.mark.parametrize("damage", [_truncate, _garble_papers], ids=["truncated", "garbled"])
def test_a_damaged_cache_leaves_the_library_listed_and_exported(home: Path, damage: object) -> None:
    before = as_json(run_hub("library", "export"))
    shown = [p["id"] for p in as_json(run_hub("library", "--format", "json"))]  # type: ignore[union-attr]
    with sqlite3.connect(home / "hub.db") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage(home / "hub.db")  # type: ignore[operator]

    broken = run_hub("papers", "--category", "cs.IR")
    assert broken.exit_code == 1
    assert broken.stderr.count("\n") == 1
    assert "damaged" in broken.stderr and str(home / "hub.library.db") in broken.stderr
    assert "hub sync" in broken.stderr
    zh = run_hub("--lang", "zh", "papers")
    assert zh.exit_code == 1 and "文库" in zh.stderr

    exported = ok(run_hub("library", "export"))
    assert state_of(json.loads(exported.stdout)) == state_of(before)  # type: ignore[arg-type]
    assert "hub sync" in exported.stderr
    bib = ok(run_hub("library", "export", "--format", "bibtex"))
    assert "Dense retrieval at scale" in bib.stdout and "Planning with language models" in bib.stdout
    listed = ok(run_hub("library", "--format", "json"))
    assert [p["id"] for p in json.loads(listed.stdout)] == shown
    tagged = ok(run_hub("library", "--tag", "rag", "--format", "plain"))
    assert "Dense retrieval at scale" in tagged.stdout

    for name in ("hub.db", "hub.db-wal", "hub.db-shm"):  # the advice: move it aside, sync
        if (home / name).exists():
            (home / name).rename(home / f"{name}.damaged")
    ok(run_hub("sync"))
    assert state_of(as_json(run_hub("library", "export"))) == state_of(before)  # type: ignore[arg-type]


# --- backups -----------------------------------------------------------------------------------

def backups_of(home: Path) -> list[Path]:
    folder = home / "hub.library-backups"
    return sorted(folder.glob("library-*.db")) if folder.exists() else []


def age(path: Path, hours: float) -> Path:
    """Rename a backup as if it had been made ``hours`` ago."""
    from datetime import UTC, datetime, timedelta

    stamp = (datetime.now(UTC) - timedelta(hours=hours)).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"library-{stamp}Z.db")
    path.rename(target)
    return target


def test_a_backup_after_a_change_at_most_one_an_hour(home: Path) -> None:
    first = backups_of(home)
    assert len(first) == 1  # made after the first change (the first sync's subscriptions)
    ok(run_hub("save", "2501.00002"))
    ok(run_hub("tag", "2501.00002", "later"))
    assert backups_of(home) == first  # not more than one an hour
    ok(run_hub("papers"))
    assert backups_of(home) == first

    old = age(first[0], 2)
    ok(run_hub("papers"))  # reading changes nothing: no backup
    assert backups_of(home) == [old]
    ok(run_hub("unread", "2501.00005"))
    made = backups_of(home)
    assert len(made) == 2 and made[0] == old
    with sqlite3.connect(made[1]) as conn:  # a consistent copy holding the latest change
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT read_at FROM library WHERE key = 'arxiv:2501.00005'").fetchone() in (None,)
        assert conn.execute("SELECT count(*) FROM library WHERE saved_at IS NOT NULL").fetchone() == (3,)

    listed = as_json(run_hub("library", "backups", "--json"))
    assert [(b["number"], b["file"], b["papers"]) for b in listed] == [  # type: ignore[union-attr]
        (1, made[1].name, 3), (2, old.name, 0)]
    assert all(b["size"] == Path(b["path"]).stat().st_size > 0 for b in listed)  # type: ignore[union-attr]
    plain = ok(run_hub("library", "backups")).stdout.splitlines()
    assert plain[0].startswith("1\t") and plain[0].endswith(made[1].name)


def test_only_the_last_n_backups_are_kept(home: Path) -> None:
    (home / "config.toml").write_text("[library]\nbackups = 2\n", encoding="utf-8")
    for n in range(4):
        for path in backups_of(home):
            if not path.name.startswith("library-2000"):
                age(path, 2 + n)
        ok(run_hub("note", "2501.00001", f"note {n}"))
    assert len(backups_of(home)) == 2
    (home / "config.toml").write_text("[library]\nbackups = -1\n", encoding="utf-8")
    bad = run_hub("papers")
    assert bad.exit_code == 1 and "library.backups" in bad.stderr and "config.toml:2" in bad.stderr


def test_restore_brings_a_backup_back_and_keeps_the_current_state_aside(home: Path) -> None:
    age(backups_of(home)[0], 2)
    ok(run_hub("tag", "2501.00001", "kept"))  # the newest backup is older than an hour: one now
    then = as_json(run_hub("library", "export"))
    first = backups_of(home)[-1]
    ok(run_hub("unsave", "2501.00001"))  # changes within the hour: no backup of their own
    ok(run_hub("note", "2501.00003", "rewritten"))
    ok(run_hub("follow", "Grace Hopper"))
    ok(run_hub("feeds", "add", "arxiv:cs.NE", "--no-check"))
    now = as_json(run_hub("library", "export"))

    restored = run_hub("library", "restore", first.name)

    assert restored.exit_code == 0, restored.stderr
    assert restored.stdout == ""
    assert "kept as the backup" in restored.stderr and "restored the library from" in restored.stderr
    assert state_of(as_json(run_hub("library", "export"))) == state_of(then)  # type: ignore[arg-type]
    assert "Grace Hopper" not in ok(run_hub("following")).stdout
    assert "arxiv:cs.NE" not in ok(run_hub("feeds", "list")).stdout
    aside = [b for b in as_json(run_hub("library", "backups", "--json")) if b["kind"] == "before-restore"]  # type: ignore[union-attr]
    assert len(aside) == 1

    back = ok(run_hub("library", "restore", aside[0]["file"], env={"HUB_DEBUG": "1"}))  # and the way back again
    assert "restored" in back.stderr
    assert state_of(as_json(run_hub("library", "export"))) == state_of(now)  # type: ignore[arg-type]
    assert "Grace Hopper" in ok(run_hub("following")).stdout
    assert "arxiv:cs.NE" in ok(run_hub("feeds", "list")).stdout


def test_restore_without_a_cache_and_bad_names(home: Path) -> None:
    age(backups_of(home)[0], 2)
    ok(run_hub("tag", "2501.00001", "kept"))  # backed up now
    newest = as_json(run_hub("library", "export"))
    ok(run_hub("unsave", "2501.00001", "2501.00003"))
    remove_cache(home)
    assert ok(run_hub("library", "restore")).exit_code == 0  # the newest
    assert state_of(as_json(run_hub("library", "export"))) == state_of(newest)  # type: ignore[arg-type]
    missing = run_hub("library", "restore", "nope.db")
    assert missing.exit_code == 1 and "nope.db" in missing.stderr and missing.stderr.count("\n") == 1
    junk = home / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    bad = run_hub("library", "restore", str(junk))
    assert bad.exit_code == 1 and "cannot be restored" in bad.stderr


def test_no_backups_yet(hub_home: Path) -> None:
    listed = ok(run_hub("library", "backups"))
    assert listed.stdout == "" and "no backups yet" in listed.stderr
    assert as_json(run_hub("library", "backups", "--json")) == []
    nothing = run_hub("library", "restore")
    assert nothing.exit_code == 1 and "no backup" in nothing.stderr


# --- the move out of a cache of the previous release --------------------------------------------

M007 = [name for name, _step in migrations.MIGRATIONS].index("m007_library") + 1


def previous_release_db(path: Path) -> Path:
    """hub-v1.db taken to the previous release's schema (m007) and given a library, tags,
    notes, read and dismissed marks, follows and subscriptions as that release wrote them."""
    import sqlite_utils

    shutil.copyfile(FIXTURES / "hub-v1.db", path)
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for number, (_name, step) in enumerate(migrations.MIGRATIONS[1:M007], start=2):
        conn.execute("BEGIN IMMEDIATE")
        step(db)
        conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    ids = dict(conn.execute("SELECT key, id FROM papers"))
    rows = [  # paper key, saved_at, note, read_at, dismissed_at, changed_at
        ("arxiv:2402.14035", "2024-03-02T09:00:00.000001Z", "Baseline for RQ2.\n\tsee §3", "2024-03-03T10:00:00Z",
         None, "2024-03-03T10:00:00Z"),
        ("arxiv:2401.00007", "2024-03-02T09:00:00.000002Z", None, None, None, "2024-03-02T09:00:00Z"),
        ("arxiv:2301.07041", None, "只是笔记", "2024-03-04T00:00:00Z", None, "2024-03-04T00:00:00Z"),
        ("doi:10.1038/s41586-024-00001-1", None, None, None, "2024-03-05T00:00:00Z", "2024-03-05T00:00:00Z"),
    ]
    conn.executemany("INSERT INTO library(paper_id, key, saved_at, note, read_at, dismissed_at, changed_at)"
                     " VALUES (?,?,?,?,?,?,?)", [(ids[r[0]], *r) for r in rows])
    conn.executemany("INSERT INTO tags(id, name) VALUES (?, ?)", [(1, "bandits"), (2, "to read"), (3, "图")])
    conn.executemany("INSERT INTO paper_tags(tag_id, paper_id) VALUES (?, ?)", [
        (1, ids["arxiv:2401.00007"]), (2, ids["arxiv:2401.00007"]), (2, ids["arxiv:2402.14035"]),
        (3, ids["arxiv:2402.14035"])])
    conn.executemany("INSERT INTO follows(kind, value, added_at) VALUES (?,?,?)", [
        ("author", "Lichan Hong", "2024-03-01T08:00:00Z"), ("topic", "recsys", "2024-03-01T08:00:01Z")])
    conn.execute("UPDATE sources SET folder = 'Journals', label = 'Nature!', label_custom = 1 WHERE kind = 'url'")
    conn.close()
    return path


EXPECTED_STATE = {
    "arxiv:2402.14035": (True, "2024-03-02T09:00:00.000001Z", ["to read", "图"], "Baseline for RQ2.\n\tsee §3",
                         True, "2024-03-03T10:00:00Z", False, None),
    "arxiv:2401.00007": (True, "2024-03-02T09:00:00.000002Z", ["bandits", "to read"], None, False, None, False, None),
    "arxiv:2301.07041": (False, None, [], "只是笔记", True, "2024-03-04T00:00:00Z", False, None),
    "doi:10.1038/s41586-024-00001-1": (False, None, [], None, False, None, True, "2024-03-05T00:00:00Z"),
}


def test_the_library_of_the_previous_release_moves_out_once_with_nothing_lost(hub_home: Path) -> None:
    hub_home.mkdir(parents=True, exist_ok=True)
    old = previous_release_db(hub_home / "hub.db")
    with sqlite3.connect(old) as conn:
        titles = dict(conn.execute("SELECT key, title FROM papers"))

    exported = as_json(run_hub("library", "export"))

    got = {r["id"]: (r["saved"], r["saved_at"], r["tags"], r["note"], r["read"], r["read_at"], r["dismissed"],
                     r["dismissed_at"]) for r in exported}  # type: ignore[union-attr]
    assert got == EXPECTED_STATE
    assert [r["id"] for r in exported][:2] == ["arxiv:2401.00007", "arxiv:2402.14035"]  # type: ignore[index]
    assert all(r["title"] == titles[r["id"]] for r in exported)  # type: ignore[union-attr]
    assert as_json(run_hub("following", "--json")) == [
        {"kind": "author", "value": "Lichan Hong", "since": "2024-03-01T08:00:00Z"},
        {"kind": "topic", "value": "recsys", "since": "2024-03-01T08:00:01Z"}]
    feeds = as_json(run_hub("feeds", "list", "--json"))
    assert [(f["source"], f["label"], f["folder"]) for f in feeds] == [  # type: ignore[union-attr]
        ("arxiv:cs.AI", "arXiv (CS.AI)", None), ("arxiv:cs.IR", "arXiv (CS.IR)", None),
        ("https://www.nature.com/nature.rss", "Nature!", "Journals")]
    with sqlite3.connect(old) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    assert not {"library", "tags", "paper_tags", "follows", "v7_library", "v7_tags", "v7_paper_tags",
                "v7_follows"} & tables
    with sqlite3.connect(hub_home / "hub.library.db") as lib:
        copy = lib.execute("SELECT title, authors, published, doi, journal FROM library"
                           " WHERE key = 'arxiv:2401.00007'").fetchone()
        subs = lib.execute("SELECT spec, label, folder FROM subscriptions ORDER BY position").fetchall()
    assert copy == ("Regret bounds of order $\\ln\\ln T$ for bandits", '["Zoë Ångström", "Sébastien Bubeck"]',
                    "2024-01-02", "10.1000/bandit.7", "J. Mach. Learn. Res. 25 (2024)")
    assert subs[-1] == ("https://www.nature.com/nature.rss", "Nature!", "Journals")
    assert len(backups_of(hub_home)) == 1  # a first backup right after the move

    remove_cache(hub_home)  # and from now on the cache can go
    assert {r["id"]: (r["saved"], r["saved_at"], r["tags"], r["note"], r["read"], r["read_at"], r["dismissed"],
                      r["dismissed_at"]) for r in as_json(run_hub("library", "export"))} == EXPECTED_STATE  # type: ignore[union-attr]
    ok(run_hub("feeds", "add", "arxiv:cs.NE", "--no-check"))
    assert [f["source"] for f in as_json(run_hub("feeds", "list", "--json"))] == [  # type: ignore[union-attr]
        "arxiv:cs.AI", "arxiv:cs.IR", "https://www.nature.com/nature.rss", "arxiv:cs.NE"]


def test_a_move_interrupted_after_the_copy_is_finished_next_time(hub_home: Path) -> None:
    """The copy into the library file commits before the old tables are dropped: a crash
    between leaves both, and the next open copies again (keeping what is there) and drops."""
    import sqlite_utils

    hub_home.mkdir(parents=True, exist_ok=True)
    old = previous_release_db(hub_home / "hub.db")
    conn = sqlite3.connect(old, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    migrations.m008_library_file(sqlite_utils.Database(conn))
    conn.execute(f"PRAGMA user_version = {M007 + 1}")
    conn.execute("COMMIT")
    from hubcli.store import library_file

    library_file.attach(conn, hub_home / "hub.library.db")
    library_file.copy_out(conn)  # the copy committed, then a crash before the drop
    conn.close()
    from hubcli.store.db import open_store

    store = open_store(old)
    assert store is not None
    store.close()
    store = open_store(old)  # twice: nothing doubled
    assert store is not None
    store.close()
    got = {r["id"]: (r["saved"], r["tags"], r["note"]) for r in as_json(run_hub("library", "export"))}  # type: ignore[union-attr]
    assert got == {k: (v[0], v[2], v[3]) for k, v in EXPECTED_STATE.items()}
    assert os.path.exists(hub_home / "hub.library.db")


def test_a_damaged_library_file_is_named_and_a_backup_brings_it_back(home: Path) -> None:
    age(backups_of(home)[0], 2)
    ok(run_hub("tag", "2501.00001", "kept"))  # backed up now
    then = as_json(run_hub("library", "export"))
    library = home / "hub.library.db"
    with sqlite3.connect(library) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(library.read_bytes())
    data[4096:] = b"\xab" * (len(data) - 4096)
    library.write_bytes(bytes(data))

    broken = run_hub("papers")
    assert broken.exit_code == 1 and broken.stderr.count("\n") == 1
    assert f"the library file {library} is damaged" in broken.stderr and "hub library restore" in broken.stderr

    restored = ok(run_hub("library", "restore"))
    assert "restored the library from" in restored.stderr
    assert state_of(as_json(run_hub("library", "export"))) == state_of(then)  # type: ignore[arg-type]
    assert len(list((home / "hub.library-backups").glob("damaged-*.db"))) == 1  # kept, never deleted
