"""Users' mistakes (issue 6, item 5): a broken config.toml, an unwritable HUB_HOME, a full
disk, impossible dates, bad option values, unknown types and topics, FTS syntax in
--search, a page past the end, a busy database, Ctrl-C.  Each is one clear line on stderr
(no traceback), the right exit code, and nothing lost or half-written.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import FeedServer, Request, Response, Result, run_hub
from feedgen import Item, arxiv_rss

Hub = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[1]
ITEMS = [Item("2604.00001", "Scaling recommenders", ["Lichan Hong", "Ed H. Chi"], abstract="Sequential models."),
         Item("2604.00002", "Planning with language models", ["Ada Lovelace"], abstract="Plans and tools.")]


def lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def one_clear_line(result: Result, code: int, *needles: str) -> str:
    assert result.exit_code == code, result.stderr
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr, result.stderr
    found = lines(result)
    assert len(found) == 1 or (code == 2 and len(found) == 2 and found[1].startswith("Try ")), result.stderr
    for needle in needles:
        assert needle in found[0], (needle, found[0])
    return found[0]


@pytest.fixture
def synced(arxiv_mirror: FeedServer, hub: Hub) -> Hub:
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", ITEMS))
    assert hub("sync", "arxiv:cs.AI").exit_code == 0
    return hub


# --- config.toml ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,line", [
    ("per_page = [oops\n", 1),
    ('lang = "en"\n[sync]\njobs = 2\nmax_bytes 5\n', 4),
    ('lang = "en"\ntitle = "unterminated\n', 2),
    ("[sync]\njobs = 1\njobs = 2\n", 3),
    ("[topics.mine]\nquery = 'x'\n[topics.mine]\n", 3),
])
def test_a_config_syntax_error_names_the_file_and_line(synced: Hub, hub_home: Path, text: str, line: int) -> None:
    (hub_home / "config.toml").write_text(text, encoding="utf-8")

    for args in (("papers",), ("sync",), ("feeds", "list"), ("paths",)):
        message = one_clear_line(synced(*args), 1, str(hub_home / "config.toml"))
        assert f"line {line}" in message, message


@pytest.mark.parametrize("text,key,line", [
    ('lang = "en"\n[sync]\njobs = 2\nmax_bytes = "big"\n', "sync.max_bytes", 4),
    ("[sync]\nread_timeout = -1\n", "sync.read_timeout", 2),
    ("[sync]\nconnect_timeout = 0\n", "sync.connect_timeout", 2),
    ("[sync]\ntotal_timeout = false\n", "sync.total_timeout", 2),
    ('sync.retries = "x"\n', "sync.retries", 1),
    ("per_page = 0\n", "per_page", 1),
    ("lang = 5\n", "lang", 1),
    ('[topics.mine]\nquery = "x"\ncategories = "cs.IR"\n', "topics.mine.categories", 3),
    ("[topics]\nmine = 3\n", "topics.mine", 2),
    ('sources = "x"\n', "sources", 1),
    ("[sources]\nbiorxiv_rss_base = 5\n", "sources.biorxiv_rss_base", 2),
    ('llm = "gpt"\n', "llm", 1),
])
def test_a_bad_config_value_names_the_file_line_and_key(synced: Hub, hub_home: Path, text: str, key: str,
                                                        line: int) -> None:
    (hub_home / "config.toml").write_text(text, encoding="utf-8")

    message = one_clear_line(synced("papers"), 1, f"{hub_home / 'config.toml'}:{line}:", f"'{key}'")
    assert message.startswith("error: ")
    zh = synced("papers", "--lang", "zh")
    assert zh.exit_code == 1 and "Traceback" not in zh.stderr and f"config.toml:{line}" in zh.stderr


def test_a_config_that_is_not_utf8_names_the_line(synced: Hub, hub_home: Path) -> None:
    (hub_home / "config.toml").write_bytes(b'lang = "en"\n# caf\xe9\nper_page = 5\n')

    one_clear_line(synced("papers"), 1, f"{hub_home / 'config.toml'}:2", "not UTF-8")


def test_a_config_that_is_a_folder(hub: Hub, hub_home: Path) -> None:
    (hub_home / "config.toml").mkdir(parents=True)

    one_clear_line(hub("papers"), 1, "cannot read", "config.toml")


# --- where hub writes ------------------------------------------------------------------------------------------

def test_a_hub_home_under_a_file(hub: Hub, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    env = {"HUB_HOME": str(blocker / "hub")}

    for args in (("sync",), ("papers",), ("feeds", "add", "arxiv:cs.AI")):
        one_clear_line(hub(*args, env=env), 1, str(blocker / "hub"))


def test_a_database_option_pointing_at_a_folder_or_garbage(hub: Hub, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)

    one_clear_line(hub("--db", str(garbage), "papers"), 1, "damaged", str(garbage))
    one_clear_line(hub("--db", str(garbage), "sync"), 1, "damaged")
    one_clear_line(hub("--db", str(tmp_path), "papers"), 1, "cannot open the database", str(tmp_path))
    assert garbage.read_bytes() == b"this is not a database" * 100


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits (the mount test covers it)")
def test_an_unwritable_hub_home_by_permissions(hub: Hub, tmp_path: Path) -> None:
    home = tmp_path / "locked-home"
    home.mkdir()
    home.chmod(0o500)
    try:
        one_clear_line(hub("sync", env={"HUB_HOME": str(home)}), 1, "cannot open the database", "not writable")
    finally:
        home.chmod(0o700)


class Mount:
    """A tmpfs of a given size (root only); skipped with the reason where that is not allowed."""

    def __init__(self, where: Path, size: str) -> None:
        where.mkdir(parents=True, exist_ok=True)
        self.where = where
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(where)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small filesystem here: {done.stderr.strip() or done.returncode}")

    def read_only(self) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(self.where)], check=True, capture_output=True)

    def close(self) -> None:
        subprocess.run(["umount", "-l", str(self.where)], capture_output=True)


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[Mount]:
    if sys.platform != "linux" or shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("a real small filesystem needs Linux and root (the SQLITE_FULL test covers the logic)")
    mount = Mount(tmp_path / "tiny", "800k")  # a cache and its library file, with their WAL files
    yield mount
    mount.close()


def test_a_read_only_hub_home(tiny: Mount, arxiv_mirror: FeedServer) -> None:
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", ITEMS))
    env = {"HUB_HOME": str(tiny.where)}
    assert run_hub("sync", "arxiv:cs.AI", env=env).exit_code == 0
    tiny.read_only()

    for args in (("sync", "arxiv:cs.AI"), ("feeds", "add", "arxiv:math.CO", "--no-check")):
        assert "read-only file system" in one_clear_line(run_hub(*args, env=env), 1).lower()
    reading = run_hub("papers", "--format", "json", env=env)  # served when SQLite can read it, else one line
    if reading.exit_code == 0:
        assert len(json.loads(reading.stdout)) == 2
    else:
        assert "read-only file system" in one_clear_line(reading, 1, "cannot open the database").lower()
    fresh = {"HUB_HOME": str(tiny.where / "new")}
    one_clear_line(run_hub("sync", env=fresh), 1, str(tiny.where / "new"))


def test_a_full_disk_keeps_what_was_stored(tiny: Mount, arxiv_mirror: FeedServer) -> None:
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", ITEMS))
    arxiv_mirror.serve("/rss/cs.CL", arxiv_rss("cs.CL", [
        Item(f"2605.{i:05d}", f"Big paper {i}", [f"Author{i} Person"], abstract="long abstract words " * 200,
             categories=["cs.CL"]) for i in range(400)]))
    env = {"HUB_HOME": str(tiny.where)}
    assert run_hub("sync", "arxiv:cs.AI", env=env).exit_code == 0

    full = run_hub("sync", "arxiv:cs.CL", env=env)

    one_clear_line(full, 1, "cannot write the database", "database or disk is full")
    listed = run_hub("papers", "--format", "json", env=env)
    assert listed.exit_code == 0, listed.stderr
    assert sorted(p["id"] for p in json.loads(listed.stdout)) == ["arxiv:2604.00001", "arxiv:2604.00002"]
    with sqlite3.connect(tiny.where / "hub.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.fixture
def page_limit(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """SQLite's own "database or disk is full" (SQLITE_FULL), on any machine: every
    connection hub opens gets ``max_page_count`` just above the file's size."""
    limit: list[int] = []
    real = sqlite3.connect

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real(*args, **kwargs)  # type: ignore[arg-type]
        if limit:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages + limit[0]}")
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    return limit.append


def test_sqlite_full_mid_sync_is_one_line_and_loses_nothing(synced: Hub, arxiv_mirror: FeedServer,
                                                            page_limit: Callable[[int], None],
                                                            hub_home: Path) -> None:
    arxiv_mirror.serve("/rss/cs.CL", arxiv_rss("cs.CL", [
        Item(f"2605.{i:05d}", f"Big paper {i}", [f"Author{i} Person"], abstract="long abstract words " * 100,
             categories=["cs.CL"]) for i in range(200)]))
    page_limit(4)

    full = synced("sync", "arxiv:cs.CL")

    one_clear_line(full, 1, "cannot write the database", "database or disk is full")
    with sqlite3.connect(hub_home / "hub.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT key FROM papers ORDER BY key").fetchall() == [
            ("arxiv:2604.00001",), ("arxiv:2604.00002",)]


def test_a_database_busy_beyond_the_timeout_is_one_translated_line(synced: Hub, hub_home: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program holds an exclusive lock for longer than hub waits."""
    import hubcli.store.db

    monkeypatch.setattr(hubcli.store.db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(hub_home / "hub.db", isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE state SET value = value")
    try:
        for args in (("papers",), ("sync", "arxiv:cs.AI"), ("feeds", "list")):
            message = one_clear_line(synced(*args), 1, "is busy")
            assert "locked" not in message
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert synced("papers").exit_code == 0


@pytest.mark.parametrize("where", ["hubcli.store.query.list_page", "hubcli.store.write.PaperWriter.upsert"])
def test_database_is_locked_never_reaches_the_user_raw(synced: Hub, arxiv_mirror: FeedServer,
                                                      monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """Wherever SQLite says "database is locked" (a read, a write inside a transaction),
    the user reads hub's own sentence, in their language."""
    module_name, _, attribute = where.rpartition(".")
    if attribute == "upsert":
        module_name, attribute = "hubcli.store.write", "PaperWriter"
    import importlib

    module = importlib.import_module(module_name)

    def locked(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    if attribute == "PaperWriter":
        monkeypatch.setattr(module.PaperWriter, "upsert", locked)
        arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", [*ITEMS, Item("2604.00003", "New", ["Ana Silva"])]))
        args: tuple[str, ...] = ("sync", "arxiv:cs.AI")
    else:
        monkeypatch.setattr(module, attribute, locked)
        args = ("papers",)

    for lang, expected in (("en", "is busy"), ("zh", "正忙")):
        result = synced(*args, "--lang", lang)
        message = one_clear_line(result, 1, expected)
        assert "database is locked" not in message


# --- option values ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args,needle", [
    (("papers", "--since", "2026-02-30"), "2026-02-30"),
    (("papers", "--until", "2026-13-01"), "2026-13-01"),
    (("papers", "--since", "2025-00-10"), "2025-00-10"),
    (("papers", "--since", "7x"), "7x"),
    (("papers", "--since", "99999y"), "99999y"),
    (("papers", "--since", "-5d"), "-5d"),
    (("papers", "--since", "2026-01-01", "--until", "2025-01-01"), "after"),
    (("papers", "--per-page", "0"), "--per-page"),
    (("papers", "--per-page", "-3"), "--per-page"),
    (("papers", "--per-page", "abc"), "abc"),
    (("papers", "--page", "0"), "--page"),
    (("shuffle", "-n", "0"), "-n"),
    (("sync", "--jobs", "0"), "--jobs"),
    (("papers", "--type", "bogus"), "bogus"),
    (("papers", "--type", "new,weird"), "new,weird"),
    (("papers", "--topic", "no-such-topic"), "no-such-topic"),
    (("papers", "--format", "xml"), "xml"),
    (("papers", "--sort", "random"), "random"),
    (("papers", "--category", "cs AI!"), "cs AI!"),
    (("papers", "--lang", "fr"), "fr"),
    (("papers", "--search", '"'), "--search"),
    (("papers", "--search", "*** ---"), "--search"),
    (("papers", "--no-such-option"), "--no-such-option"),
    (("sync", "ftp://example.org/feed"), "ftp://example.org/feed"),
    (("feeds", "add", "arxiv:"), "arxiv:"),
])
def test_a_bad_option_value_is_a_usage_error(synced: Hub, args: tuple[str, ...], needle: str) -> None:
    one_clear_line(synced(*args), 2, needle)


def test_an_unknown_id_is_one_line(synced: Hub) -> None:
    one_clear_line(synced("show", "2604.99999"), 1, "2604.99999")
    one_clear_line(synced("show", "\x1b[2Jweird"), 1, "weird")


def test_a_page_past_the_end_is_empty_with_a_hint(synced: Hub) -> None:
    for fmt, empty in (("plain", ""), ("json", "[]\n"), ("jsonl", "")):
        result = synced("papers", "--page", "9", "--format", fmt)
        assert result.exit_code == 0
        assert result.stdout == empty
        assert "hint: page 9 is past the end (there is 1 page)" in result.stderr


_FTS = st.lists(st.sampled_from(['"', "*", "OR", "AND", "NOT", "NEAR", "(", ")", ":", "^", "-", "+", "{", "}", " ",
                                 "title:", "abstract:", "NEAR(", "Hong", "recommenders", "é", "中", "'", ",", "\\",
                                 "\x00", "\x1b[2J", "[bold]", "%", "_", ";", "--", "/*"]), max_size=14).map("".join)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(_FTS, st.text(max_size=20)))
@example('title:Hong OR "unbalanced')
@example("NEAR(Hong recommenders, 2)")
@example("Hong AND NOT")
@example("recommenders*")
def test_fts_syntax_in_search_never_breaks(synced: Hub, query: str) -> None:
    result = synced("papers", "--search", query, "--format", "json")

    assert result.exit_code in (0, 2), result.stderr
    assert "Traceback" not in result.stderr and "fts5" not in result.stderr.lower()
    assert "syntax error" not in result.stderr
    if result.exit_code == 0:
        json.loads(result.stdout)
    else:
        assert "--search needs at least one word" in result.stderr


def test_search_words_in_fts_syntax_still_find_papers(synced: Hub) -> None:
    for query in ('"Scaling recommenders', "recommend*", "Scaling OR nothing", "(recommenders)", "recommenders^",
                  "-recommenders", "recommenders:", "{recommenders}"):
        result = synced("papers", "--search", query, "--format", "json")
        assert result.exit_code == 0, (query, result.stderr)
        assert [p["id"] for p in json.loads(result.stdout)] == ["arxiv:2604.00001"], query


# --- Ctrl-C ------------------------------------------------------------------------------------------------------

def _env(home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "HUB_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), "LANG": "C.UTF-8", **extra}


def _count(db: Path, sql: str = "SELECT count(*) FROM papers") -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return 0


def _wait(predicate: Callable[[], bool], limit: float = 30) -> None:
    end = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.02)


def test_ctrl_c_mid_sync_exits_130_at_once_and_keeps_finished_sources(arxiv_mirror: FeedServer, hub_home: Path
                                                                       ) -> None:
    """One source is stored, another stalls (its server answers in two minutes): SIGINT
    ends hub at once with exit 130 and one line, the stored source complete, the other
    untouched, the database sound; a re-run completes."""
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", ITEMS))
    stalled = arxiv_rss("cs.CL", [Item("2604.00003", "Stalled", ["Ana Silva"], categories=["cs.CL"])])
    arxiv_mirror.serve("/rss/cs.CL", stalled, delay=120)
    env = _env(hub_home, HUB_ARXIV_RSS_BASE=arxiv_mirror.url("/rss/"))
    proc = subprocess.Popen([sys.executable, "-m", "hubcli", "sync", "arxiv:cs.AI", "arxiv:cs.CL"], env=env,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait(lambda: _count(hub_home / "hub.db") == 2)  # the first source is committed

    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)  # the stalled fetch must not hold it

    assert proc.returncode == 130
    assert out == "" and err == "error: interrupted\n"
    with sqlite3.connect(hub_home / "hub.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT key FROM papers ORDER BY key").fetchall() == [
            ("arxiv:2604.00001",), ("arxiv:2604.00002",)]
        assert conn.execute("SELECT last_status FROM sources WHERE spec = 'arxiv:cs.CL'").fetchone() in (None, (None,))
    arxiv_mirror.serve("/rss/cs.CL", stalled)
    again = run_hub("sync", "arxiv:cs.AI", "arxiv:cs.CL", env={"HUB_ARXIV_RSS_BASE": arxiv_mirror.url("/rss/")})
    assert again.exit_code == 0, again.stderr
    assert _count(hub_home / "hub.db") == 3


def test_ctrl_c_while_waiting_for_another_sync(arxiv_mirror: FeedServer, hub_home: Path) -> None:
    hub_home.mkdir(parents=True, exist_ok=True)
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", ITEMS))
    assert run_hub("sync", "arxiv:cs.AI", env={"HUB_ARXIV_RSS_BASE": arxiv_mirror.url("/rss/")}).exit_code == 0
    with open(hub_home / "hub.db.sync-lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another sync is running
        proc = subprocess.Popen([sys.executable, "-m", "hubcli", "sync", "arxiv:cs.AI"], text=True,
                                env=_env(hub_home, HUB_ARXIV_RSS_BASE=arxiv_mirror.url("/rss/")),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen: list[str] = []
        reader = threading.Thread(target=lambda: seen.extend(iter(proc.stderr.readline, "")), daemon=True)  # type: ignore[union-attr]
        reader.start()
        _wait(lambda: any("waiting" in line for line in seen))

        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
        reader.join(5)

    assert proc.returncode == 130
    assert seen == ["another 'hub sync' is running; waiting for it to finish…\n", "error: interrupted\n"]


@pytest.mark.slow
def test_ctrl_c_mid_import_keeps_whole_batches(hub_home: Path, tmp_path: Path) -> None:
    """The records come through a FIFO that is never closed: once two whole batches (hub
    imports 5,000 papers at a time) are stored and every record written, hub is mid-import,
    waiting for more, and cannot finish before the signal lands."""
    lines = [json.dumps({"id": f"2302.{i:05d}", "title": f"Paper {i}", "abstract": "Words.",
                         "authors_parsed": [["Silva", "Ana", ""]], "categories": "cs.AI",
                         "versions": [{"version": "v1", "created": "Mon, 2 Jan 2023 10:00:00 GMT"}]}) + "\n"
             for i in range(12_000)]
    fifo = tmp_path / "snapshot.jsonl"
    os.mkfifo(fifo)
    proc = subprocess.Popen([sys.executable, "-m", "hubcli", "import", str(fifo)], env=_env(hub_home), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    writers: list[io.TextIOWrapper] = []

    def write() -> None:
        writers.append(open(fifo, "w", encoding="utf-8"))  # noqa: SIM115 - held open: no end of input
        writers[0].writelines(lines)
        writers[0].flush()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        _wait(lambda: (not writer.is_alive() and _count(hub_home / "hub.db") == 10_000) or proc.poll() is not None,
              limit=60)
        assert proc.poll() is None, proc.communicate()

        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        with contextlib.suppress(BrokenPipeError):
            for handle in writers:
                handle.close()

    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "error: interrupted" and "Traceback" not in err
    with sqlite3.connect(hub_home / "hub.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*), count(DISTINCT key) FROM papers").fetchone() == (10_000, 10_000)
        assert conn.execute("SELECT count(*) FROM papers_fts").fetchone()[0] == 10_000
    records = tmp_path / "snapshot-file.jsonl"
    records.write_text("".join(lines), encoding="utf-8")
    again = run_hub("import", str(records))
    assert again.exit_code == 0, again.stderr
    assert _count(hub_home / "hub.db") == 12_000


# kept for readers: a route may be a callable taking the Request
_ = (Request, Response)
