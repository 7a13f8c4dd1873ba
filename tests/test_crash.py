"""Crash safety and concurrency (issue 6, item 3).

``kill -9`` at any moment of a sync or an import: a driver runs the real CLI with a
SQLite trace callback that SIGKILLs the process just before its N-th statement (every
kind of point: before BEGIN, between the rows of a transaction, before COMMIT, between
sources), and further kills land at random times (inside SQLite's own I/O).  After each
kill the database must pass ``PRAGMA integrity_check`` and the FTS index check, keep
everything committed before, hold each source all-or-nothing, and a re-run must complete
with no duplicates.

Then: a reader (``hub papers``) is served while a writer is stopped inside a write
transaction, and two or three ``hub sync`` at once wait their turn (one says another sync
is running) and never print a raw "database is locked".
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import FeedServer, Result, run_hub
from feedgen import Item, arxiv_rss, journal_rss1

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals"), pytest.mark.slow]

DRIVER = r"""
import os, signal, sqlite3, sys, time
from pathlib import Path

kill_at = int(os.environ.get("HUB_TEST_KILL_AT") or 0)
pause_on = os.environ.get("HUB_TEST_PAUSE_ON") or ""
mark = os.environ.get("HUB_TEST_MARK") or ""
count_file = os.environ.get("HUB_TEST_COUNT") or ""
count = 0
paused = False

def trace(statement):
    global count, paused
    count += 1
    if count == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    if pause_on and not paused and statement.startswith(pause_on):
        paused = True
        Path(mark).write_text(statement)
        while Path(mark).exists():
            time.sleep(0.01)

real_connect = sqlite3.connect

def connect(*args, **kwargs):
    conn = real_connect(*args, **kwargs)
    conn.set_trace_callback(trace)
    return conn

sqlite3.connect = connect
from hubcli.cli.main import main
code = main(sys.argv[1:])
if count_file:
    Path(count_file).write_text(str(count))
sys.exit(code)
"""

CATS = ("cs.AI", "cs.CL", "cs.IR")
CONFIG = "[sync]\nread_timeout = 5\nretries = 0\njobs = 4\n"


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_TEST_")}
    env.update({"HUB_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), "LANG": "C.UTF-8", **extra})
    return env


def driver(home: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", DRIVER, *args], env=env_for(home, **extra), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def in_home(home: Path, *args: str) -> Result:
    return run_hub(*args, env={"HUB_HOME": str(home)})


def integrity(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)")  # raises if corrupt
        papers, indexed = conn.execute("SELECT (SELECT count(*) FROM papers), (SELECT count(*) FROM papers_fts)"
                                       ).fetchone()
        assert papers == indexed


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# --- the sync data ----------------------------------------------------------------------------------------

def _arxiv_items(c: int, *, second: bool) -> list[Item]:
    items = []
    for i in range(40 if second else 25):
        revised = second and i < 5
        items.append(Item(f"2604.{c}{i:04d}", f"Paper {c}-{i}" + (" revised" if revised else ""),
                          [f"Author {c}{i}", "Ana Silva"], abstract=f"Abstract about topic{c}x{i}.",
                          version=2 if revised else 1, announce="replace" if revised else "new",
                          categories=[CATS[c]]))
    return items


def _journal(second: bool) -> bytes:
    return journal_rss1("Journal of Crashes", [
        {"link": f"http://j.test/{i}", "title": f"Article {i}", "doi": f"10.5555/crash.{i}", "authors": ["Wei Zhang"],
         "abstract": f"Journal abstract {i}."} for i in range(25 if second else 15)])


def serve_round(server: FeedServer, second: bool) -> list[str]:
    for c, cat in enumerate(CATS):
        server.serve(f"/rss/{cat}", arxiv_rss(cat, _arxiv_items(c, second=second)))
    return [f"arxiv:{cat}" for cat in CATS] + [server.serve("/journal.rss", _journal(second))]


def new_in_round_two() -> dict[str, set[str]]:
    """Per source label: the keys only the second round brings."""
    out = {f"arXiv ({cat.upper()})": {f"arxiv:2604.{c}{i:04d}" for i in range(25, 40)} for c, cat in enumerate(CATS)}
    out["Journal of Crashes"] = {f"doi:10.5555/crash.{i}" for i in range(15, 25)}
    return out


def check_after_kill(db: Path, before: dict[str, str]) -> None:
    integrity(db)
    now = dict(rows(db, "SELECT key, title FROM papers"))
    for key, title in before.items():  # everything committed before is there, old or updated
        assert key in now, key
        assert now[key] in (title, title + " revised"), (key, now[key])
    linked = {(k, label) for k, label in rows(
        db, "SELECT p.key, s.label FROM papers p JOIN paper_sources ps ON ps.paper_id = p.id"
            " JOIN sources s ON s.id = ps.source_id")}
    for label, keys in new_in_round_two().items():  # each source: all of its transaction or none
        present = {k for k in keys if (k, label) in linked}
        assert present in (set(), keys), (label, len(present), len(keys))
    for c in range(len(CATS)):  # a source's updates land with its new papers, never apart
        revised = sum(now.get(f"arxiv:2604.{c}{i:04d}", "").endswith("revised") for i in range(5))
        new = sum(f"arxiv:2604.{c}{i:04d}" in now for i in range(25, 40))
        assert (revised, new) in ((0, 0), (5, 15)), (c, revised, new)


def check_complete(db: Path) -> None:
    integrity(db)
    assert rows(db, "SELECT count(*), count(DISTINCT key) FROM papers") == [(145, 145)]
    assert rows(db, "SELECT count(*) FROM papers WHERE title LIKE '% revised'") == [(15,)]
    assert rows(db, "SELECT count(*) FROM paper_sources") == [(145,)]
    assert rows(db, "SELECT count(*) FROM (SELECT name FROM authors GROUP BY name HAVING count(*) > 1)") == [(0,)]
    assert rows(db, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'topic2x39'") == [(1,)]


@pytest.fixture
def base(arxiv_mirror: FeedServer, tmp_path: Path) -> tuple[Path, list[str], dict[str, str]]:
    """A home synced once (round one, committed), kept as a template; round two served."""
    home = tmp_path / "template"
    home.mkdir()
    (home / "config.toml").write_text(CONFIG, encoding="utf-8")
    specs = serve_round(arxiv_mirror, second=False)
    first = in_home(home, "sync", *specs)
    assert first.exit_code == 0, first.stderr
    before = dict(rows(home / "hub.db", "SELECT key, title FROM papers"))
    assert len(before) == 90
    serve_round(arxiv_mirror, second=True)
    return home, specs, before


def fresh_copy(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


def run_all(jobs: list[tuple[Path, list[str], dict[str, str]]]) -> list[subprocess.CompletedProcess[str]]:
    """Run drivers a few at a time (each in its own home)."""
    def one(job: tuple[Path, list[str], dict[str, str]]) -> subprocess.CompletedProcess[str]:
        home, args, extra = job
        proc = driver(home, *args, **extra)
        out, err = proc.communicate(timeout=120)
        return subprocess.CompletedProcess(args, proc.returncode, out, err)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, jobs))


def timed_kills(jobs: list[tuple[Path, list[str], float]]) -> list[int]:
    def one(job: tuple[Path, list[str], float]) -> int:
        home, args, delay = job
        proc = driver(home, *args)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        return proc.returncode

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, jobs))


SYNC_KILL_POINTS = 24
SYNC_TIMED_KILLS = 8
IMPORT_KILL_POINTS = 14
IMPORT_TIMED_KILLS = 4


def test_kill_9_at_any_point_of_a_sync_loses_nothing(base: tuple[Path, list[str], dict[str, str]],
                                                      tmp_path: Path) -> None:
    template, specs, before = base
    calibrate = fresh_copy(template, tmp_path / "calibrate")
    started = time.monotonic()
    done = run_all([(calibrate, ["sync", *specs], {"HUB_TEST_COUNT": str(tmp_path / "count")})])[0]
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    total = int((tmp_path / "count").read_text())
    check_complete(calibrate / "hub.db")
    assert total > 500
    # every kind of point: the first statements (open, migrations check, BEGIN), evenly
    # spread ones (inside and between the sources' transactions), and the very last ones
    points = sorted({1, 2, 3, 5, 8, total - 2, total - 1, total}
                    | {round(total * k / (SYNC_KILL_POINTS - 7)) for k in range(1, SYNC_KILL_POINTS - 7)})
    homes = [fresh_copy(template, tmp_path / f"kill-{n}") for n in points]

    results = run_all([(home, ["sync", *specs], {"HUB_TEST_KILL_AT": str(n)})
                       for home, n in zip(homes, points, strict=True)])

    killed = 0
    for home, n, result in zip(homes, points, results, strict=True):
        assert result.returncode in (-signal.SIGKILL, 0), (n, result.returncode, result.stderr)
        killed += result.returncode == -signal.SIGKILL
        check_after_kill(home / "hub.db", before)
        again = in_home(home, "sync", *specs)
        assert again.exit_code == 0, (n, again.stderr)
        assert "locked" not in again.stderr
        check_complete(home / "hub.db")
    assert killed >= SYNC_KILL_POINTS - 2
    print(f"sync: {total} statements, {killed} kill points survived")

    rng = random.Random("hub-kill-timing")
    timed = [fresh_copy(template, tmp_path / f"timed-{i}") for i in range(SYNC_TIMED_KILLS)]
    codes = timed_kills([(home, ["sync", *specs], rng.uniform(0.05, duration * 0.9)) for home in timed])
    print(f"sync: {sum(c == -signal.SIGKILL for c in codes)} timed kills survived")
    for home, code in zip(timed, codes, strict=True):
        assert code in (-signal.SIGKILL, 0)
        check_after_kill(home / "hub.db", before)
        assert in_home(home, "sync", *specs).exit_code == 0
        check_complete(home / "hub.db")


# --- import ---------------------------------------------------------------------------------------------------

def kaggle_records(start: int, stop: int, *, revised_below: int = -1) -> str:
    lines = []
    for i in range(start, stop):
        revised = i < revised_below
        lines.append(json.dumps({
            "id": f"2301.{i:05d}", "title": f"Imported paper {i}" + (" revised" if revised else ""),
            "abstract": f"Imported abstract about subject{i}.", "authors": f"Author {i % 300}, Ana Silva",
            "authors_parsed": [["Author", str(i % 300), ""], ["Silva", "Ana", ""]], "categories": "cs.IR cs.AI",
            "versions": [{"version": "v1", "created": "Mon, 2 Jan 2023 10:00:00 GMT"}]
            + ([{"version": "v2", "created": "Tue, 3 Jan 2023 10:00:00 GMT"}] if revised else []),
            "update_date": "2023-01-03", "doi": None, "journal-ref": None,
        }))
    return "\n".join(lines) + "\n"


def check_import_after_kill(db: Path, before: dict[str, str]) -> None:
    integrity(db)
    now = dict(rows(db, "SELECT key, title FROM papers"))
    for key, title in before.items():
        assert now.get(key) in (title, title + " revised"), key
    assert rows(db, "SELECT count(*) - count(DISTINCT key) FROM papers") == [(0,)]


def check_import_complete(db: Path, total: int) -> None:
    integrity(db)
    assert rows(db, "SELECT count(*), count(DISTINCT key) FROM papers") == [(total, total)]
    assert rows(db, "SELECT count(*) FROM papers WHERE title LIKE '% revised'") == [(500,)]
    assert rows(db, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'subject3999'") == [(1,)]


def test_kill_9_at_any_point_of_an_import_loses_nothing(tmp_path: Path) -> None:
    template = tmp_path / "template"
    template.mkdir()
    (template / "config.toml").write_text(CONFIG, encoding="utf-8")
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text(kaggle_records(0, 1000), encoding="utf-8")
    second.write_text(kaggle_records(0, 4000, revised_below=500), encoding="utf-8")
    done = in_home(template, "import", str(first))
    assert done.exit_code == 0, done.stderr
    before = dict(rows(template / "hub.db", "SELECT key, title FROM papers"))
    assert len(before) == 1000
    calibrate = fresh_copy(template, tmp_path / "calibrate")
    started = time.monotonic()
    result = run_all([(calibrate, ["import", str(second)], {"HUB_TEST_COUNT": str(tmp_path / "count")})])[0]
    duration = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    total = int((tmp_path / "count").read_text())
    check_import_complete(calibrate / "hub.db", 4000)
    points = sorted({1, 2, 3, total - 1, total}
                    | {max(1, round(total * k / (IMPORT_KILL_POINTS - 4))) for k in range(1, IMPORT_KILL_POINTS - 4)})
    homes = [fresh_copy(template, tmp_path / f"kill-{n}") for n in points]

    results = run_all([(home, ["import", str(second)], {"HUB_TEST_KILL_AT": str(n)})
                       for home, n in zip(homes, points, strict=True)])

    assert total > 100
    assert sum(r.returncode == -signal.SIGKILL for r in results) >= len(points) - 2
    print(f"import: {total} statements, {sum(r.returncode == -signal.SIGKILL for r in results)} kill points survived")
    for home, n, killed in zip(homes, points, results, strict=True):
        assert killed.returncode in (-signal.SIGKILL, 0), (n, killed.returncode, killed.stderr)
        check_import_after_kill(home / "hub.db", before)
        again = in_home(home, "import", str(second))
        assert again.exit_code == 0, (n, again.stderr)
        check_import_complete(home / "hub.db", 4000)

    rng = random.Random("hub-kill-import-timing")
    timed = [fresh_copy(template, tmp_path / f"timed-{i}") for i in range(IMPORT_TIMED_KILLS)]
    codes = timed_kills([(h, ["import", str(second)], rng.uniform(0.05, duration * 0.9)) for h in timed])
    print(f"import: {sum(c == -signal.SIGKILL for c in codes)} timed kills survived")
    for home, code in zip(timed, codes, strict=True):
        assert code in (-signal.SIGKILL, 0)
        check_import_after_kill(home / "hub.db", before)
        assert in_home(home, "import", str(second)).exit_code == 0
        check_import_complete(home / "hub.db", 4000)


# --- readers and writers at once ---------------------------------------------------------------------------------

class Lines:
    """Collects a subprocess's stderr lines as they come."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self.thread.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            self.lines.append(line)

    def wait_for(self, text: str, limit: float = 30) -> None:
        end = time.monotonic() + limit
        while not any(text in line for line in self.lines):
            assert time.monotonic() < end, f"no {text!r} in {self.lines}"
            time.sleep(0.02)


def wait_for_file(path: Path, limit: float = 30) -> None:
    end = time.monotonic() + limit
    while not path.exists():
        assert time.monotonic() < end, f"{path} never appeared"
        time.sleep(0.02)


@pytest.fixture
def paused_writer(base: tuple[Path, list[str], dict[str, str]], tmp_path: Path
                  ) -> Iterator[tuple[Path, list[str], dict[str, str], subprocess.Popen[str], Path]]:
    """A sync stopped inside its first write transaction (after its first paper insert)."""
    template, specs, before = base
    home = fresh_copy(template, tmp_path / "live")
    mark = tmp_path / "paused"
    proc = driver(home, "sync", *specs, HUB_TEST_PAUSE_ON="INSERT INTO papers(", HUB_TEST_MARK=str(mark))
    wait_for_file(mark)
    yield home, specs, before, proc, mark
    mark.unlink(missing_ok=True)
    proc.communicate(timeout=60)


def test_readers_are_served_while_a_sync_writes(paused_writer: tuple) -> None:
    home, specs, before, writer, mark = paused_writer

    listed = in_home(home, "papers", "--format", "json", "--per-page", "1000")
    shown = in_home(home, "show", "2604.00001", "--format", "json")
    searched = in_home(home, "papers", "--search", "topic1x3", "--format", "json")
    feeds = in_home(home, "feeds", "list", "--json")

    for result in (listed, shown, searched, feeds):
        assert result.exit_code == 0, result.stderr
        assert "locked" not in result.stderr and "busy" not in result.stderr
    assert {p["id"] for p in json.loads(listed.stdout)} == set(before)  # what was committed, nothing half-done
    assert [p["id"] for p in json.loads(searched.stdout)] == ["arxiv:2604.10003"]
    mark.unlink()
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    check_complete(home / "hub.db")


def test_a_second_sync_waits_its_turn_and_says_so(paused_writer: tuple) -> None:
    home, specs, before, writer, mark = paused_writer
    second = subprocess.Popen([sys.executable, "-m", "hubcli", "sync", *specs], env=env_for(home), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = Lines(second)
    lines.wait_for("another 'hub sync' is running; waiting")

    mark.unlink()

    assert writer.wait(timeout=60) == 0
    assert second.wait(timeout=60) == 0
    lines.thread.join(10)
    text = "".join(lines.lines)
    assert "locked" not in text and "Traceback" not in text and "busy" not in text
    assert "arXiv (CS.AI): 0 new, 0 updated, 40 unchanged" in text  # it ran after the first, in full
    check_complete(home / "hub.db")


def test_an_import_during_a_sync_waits_for_the_database(paused_writer: tuple, tmp_path: Path) -> None:
    home, specs, before, writer, mark = paused_writer
    records = tmp_path / "more.jsonl"
    records.write_text(kaggle_records(0, 300), encoding="utf-8")
    importer = subprocess.Popen([sys.executable, "-m", "hubcli", "import", str(records)], env=env_for(home),
                                text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0)  # the import now waits on SQLite's busy timeout (30 s)
    assert importer.poll() is None

    mark.unlink()

    out, err = importer.communicate(timeout=60)
    assert importer.returncode == 0, err
    assert "locked" not in err and "busy" not in err
    assert writer.wait(timeout=60) == 0
    integrity(home / "hub.db")
    assert rows(home / "hub.db", "SELECT count(*), count(DISTINCT key) FROM papers") == [(445, 445)]


def test_three_syncs_at_once_on_a_new_home(arxiv_mirror: FeedServer, tmp_path: Path) -> None:
    """Three first-ever syncs race for the same new database (migrations included)."""
    home = tmp_path / "new-home"
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, [Item(f"2604.{i:05d}", f"{cat} paper {i}", ["Ana Silva"],
                                                               categories=[cat]) for i in range(60)]), delay=0.5)
    env = env_for(home, HUB_ARXIV_RSS_BASE=arxiv_mirror.url("/rss/"))
    procs = [subprocess.Popen([sys.executable, "-m", "hubcli", "sync"], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]

    outputs = [proc.communicate(timeout=120) for proc in procs]

    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert out == ""
        assert "locked" not in err and "Traceback" not in err and "busy" not in err and "already exists" not in err
    assert any("another 'hub sync' is running; waiting" in err for _, err in outputs)
    db = home / "hub.db"
    integrity(db)
    # the four feeds all list the same 60 ids: one row each, listed by four sources
    assert rows(db, "SELECT count(*), count(DISTINCT key) FROM papers") == [(60, 60)]
    assert rows(db, "SELECT count(*) FROM paper_sources") == [(240,)]
    assert rows(db, "SELECT count(*) FROM sources") == [(4,)]


def test_the_kill_point_figures() -> None:
    """The figures the issue asks for: kill points per run (each checked as above)."""
    assert SYNC_KILL_POINTS + SYNC_TIMED_KILLS + IMPORT_KILL_POINTS + IMPORT_TIMED_KILLS >= 50
