"""Ranking at scale (issue 12, part 4), every figure a whole process.  Prints a table; asserts nothing.

    python bench/rank_speed.py [-n 1000000] [--runs 5] [--work DIR] [--reuse] [--no-build]

1. writes a synthetic Kaggle snapshot of N papers (bench/synth.py) and imports it with
   ``hub import`` (kept in --work; --reuse keeps a database built by an earlier run);
2. builds the ranking features from scratch (``update_features(rebuild=True)``): wall
   time and peak resident memory (``wait4``); --no-build keeps features already built;
3. a no-op update (what every ranking command pays first) and an incremental update
   after 10,000 papers changed (their ``changed_at`` moved: what a big sync costs);
4. seeds a library of 500 saved papers (and 20 dismissed) with ``hubcli.store.library``;
5. times, median of --runs after one warm-up run: ``similar`` of one paper over the whole
   cache, and ``recommend`` (explained, top 20) over the ~10,000 newest papers (about a
   week of arXiv), each through a small driver (``python -c``: opens the database, calls
   ``hubcli.rank``, prints the ranked papers with their titles, as the commands will);
   and, when the installed ``hub`` has them, the real ``hub similar`` and
   ``hub recommend`` commands.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402
from scale import machine  # noqa: E402

PY = sys.executable
# hub as its installed ``hub`` script runs it (see bench/startup.py)
HUB = [PY, "-c", "import sys\nfrom hubcli.cli.main import run\nsys.exit(run())"]
CANDIDATES = 22_000   # about a week of arXiv with its cross-lists (issue 20)
SAVED = 500
DISMISSED = 20

DRIVER = r"""
import json, sys
from hubcli.config import resolve_paths
from hubcli.store.db import open_store

store = open_store(resolve_paths().database)
what = sys.argv[1]

def titled(scored):
    ids = [s.paper_id for s in scored]
    title = dict(store.conn.execute(
        f"SELECT id, title FROM papers WHERE id IN ({','.join('?' * len(ids))})", ids).fetchall()) if ids else {}
    return [{"id": s.paper_id, "score": round(s.score, 4), "title": title.get(s.paper_id), "words": s.words,
             "like": s.like} for s in scored]

if what in ("build", "update"):
    from hubcli.rank import update_features
    result = update_features(store, rebuild=what == "build")
    print(json.dumps(result.__dict__))
elif what == "similar":
    from hubcli.rank import similar
    print(json.dumps(titled(similar(store, int(sys.argv[2]), n=10))))
elif what == "recommend":  # what hub recommend --since DATE --explain asks of the api
    from hubcli.api.recommend import recommend
    from hubcli.api.session import Session
    from hubcli.filters import make_filters
    got = recommend(Session(store=store), make_filters(since=sys.argv[2]), n=20, explain=True)
    print(json.dumps([{"id": p.rowid, "score": round((got.scores or {}).get(p.rowid or 0, 0.0), 4),
                       "title": p.title} for p in got.papers]))
"""


@dataclass
class Run:
    seconds: float
    cpu: float          # user + system seconds: the machine is shared, wall time is not all ours
    peak_mb: float
    stdout: bytes
    code: int
    stderr: bytes = b""


def run(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """One whole process: wall time, CPU time and peak resident memory (wait4), its output."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read() if proc.stdout else b""  # the drivers write little to stderr
    err = proc.stderr.read() if proc.stderr else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out, proc.returncode, err)


def driver(*args: str) -> list[str]:
    return [PY, "-c", DRIVER, *args]


def median_run(cmd: list[str], env: dict[str, str], runs: int) -> tuple[Run, float, float, float]:
    """One warm-up run, then ``runs``: (the warm-up, median seconds, median CPU seconds, max peak MB)."""
    first = run(cmd, env)
    if first.code != 0:
        return first, float("nan"), float("nan"), first.peak_mb
    timed = [run(cmd, env) for _ in range(runs)]
    return (first, statistics.median(t.seconds for t in timed), statistics.median(t.cpu for t in timed),
            max(t.peak_mb for t in timed))


def seed_library(db: Path, env: dict[str, str]) -> None:
    """500 saved papers from three neighbouring categories, saved over a year; 20 dismissed."""
    os.environ["HUB_HOME"] = env["HUB_HOME"]
    from hubcli.store import library
    from hubcli.store.db import open_store

    store = open_store(db)
    assert store is not None
    store.conn.execute("DELETE FROM library")
    pool = [int(r[0]) for r in store.conn.execute(
        "SELECT id FROM papers WHERE primary_category IN ('cs.CL', 'cs.IR', 'cs.AI') ORDER BY id")]
    rng = random.Random(12)
    picked = rng.sample(pool, SAVED)
    for pid in picked:  # one at a time: distinct saved_at, as a library grown over time
        library.save(store, [pid])
    others = [int(r[0]) for r in store.conn.execute(
        "SELECT id FROM papers WHERE primary_category = 'cs.CV' ORDER BY id DESC LIMIT 2000")]
    library.dismiss(store, rng.sample(others, DISMISSED))
    store.conn.close()


def touch_changed(db: Path, count: int) -> None:
    """``count`` papers changed (as a sync updating them would): the incremental update's work."""
    from hubcli.store.db import now_iso

    conn = sqlite3.connect(db)
    conn.execute("UPDATE papers SET changed_at = ? WHERE id IN (SELECT id FROM papers ORDER BY random() LIMIT ?)",
                 (now_iso(), count))
    conn.commit()
    conn.close()


def newest_published(db: Path, count: int) -> str:
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT published FROM papers ORDER BY published DESC LIMIT 1 OFFSET ?", (count,)).fetchone()
    conn.close()
    return str(row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/rank-bench"))
    parser.add_argument("--reuse", action="store_true", help="keep the database built by an earlier run")
    parser.add_argument("--no-build", action="store_true", help="keep the features built by an earlier run")
    args = parser.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    n = args.n
    snapshot = work / f"snap-{n}.jsonl"
    hub_home = work / f"hub-{n}"
    db = hub_home / "hub.db"
    env = {**os.environ, "HUB_HOME": str(hub_home), "NO_COLOR": "1", "LANG": "C.UTF-8", "HUB_LANG": "en"}
    print(f"# hub ranking at N = {n:,} papers")
    print(f"machine: {machine()}")
    import hubcli

    subprocess.run([PY, "-m", "compileall", "-q", str(Path(hubcli.__file__).parent)], check=True)
    rows: list[tuple[str, str, str, str, str]] = []
    if not (args.reuse and db.exists()):
        if not snapshot.exists():
            started = time.perf_counter()
            synth.generate(n, snapshot)
            print(f"snapshot: generated in {time.perf_counter() - started:.0f} s")
        for path in hub_home.glob("hub.db*"):
            if path.is_dir():
                import shutil

                shutil.rmtree(path)
            else:
                path.unlink()
        imported = run([*HUB, "import", str(snapshot)], env)
        if imported.code != 0:
            raise SystemExit(f"import failed ({imported.code}): {imported.stderr.decode()[-2000:]}")
        rows.append(("hub import (no features yet)", f"{imported.seconds:.1f} s", f"{imported.cpu:.1f} s",
                     f"{imported.peak_mb:.0f}", ""))
    papers = sqlite3.connect(db).execute("SELECT count(*) FROM papers").fetchone()[0]
    print(f"database: {papers:,} papers")

    features = db.with_name(db.name + ".features")
    if not (args.no_build and (features / "manifest.json").exists()):
        built = run(driver("build"), env)
        if built.code != 0:
            raise SystemExit(f"feature build failed: {built.stderr.decode()[-2000:]}")
        rows.append(("feature build, from scratch", f"{built.seconds:.1f} s", f"{built.cpu:.1f} s",
                     f"{built.peak_mb:.0f}", "peak < 2048 MB"))
    size = sum(p.stat().st_size for p in features.rglob("*") if p.is_file())
    print(f"features: {size / 1e6:,.0f} MB on disk ({size / papers:,.0f} bytes a paper)")
    noop = run(driver("update"), env)
    rows.append(("feature update, nothing changed", f"{noop.seconds:.2f} s", f"{noop.cpu:.2f} s",
                 f"{noop.peak_mb:.0f}", ""))
    touch_changed(db, 10_000)
    incremental = run(driver("update"), env)
    rows.append(("feature update, 10,000 papers changed", f"{incremental.seconds:.1f} s", f"{incremental.cpu:.1f} s",
                 f"{incremental.peak_mb:.0f}", incremental.stdout.decode().strip()))

    seed_library(db, env)
    since = newest_published(db, CANDIDATES)
    conn = sqlite3.connect(db)
    candidates = conn.execute("SELECT count(*) FROM papers WHERE published >= ?", (since,)).fetchone()[0]
    query, arxiv_id = conn.execute("SELECT id, arxiv_id FROM papers WHERE published >= ? ORDER BY id LIMIT 1 OFFSET 7",
                                   (since,)).fetchone()
    conn.close()

    sim, sim_s, sim_cpu, sim_mb = median_run(driver("similar", str(query)), env, args.runs)
    rows.append((f"similar {query} (driver), {papers:,} papers", f"{sim_s:.2f} s", f"{sim_cpu:.2f} s",
                 f"{sim_mb:.0f}", "<= 3 s"))
    rec, rec_s, rec_cpu, rec_mb = median_run(driver("recommend", since), env, args.runs)
    rows.append((f"recommend (driver), {SAVED} saved, {candidates:,} candidates", f"{rec_s:.2f} s",
                 f"{rec_cpu:.2f} s", f"{rec_mb:.0f}", "<= 2 s"))
    json_ = ["--format", "json"]
    outputs: list[str] = []
    for label, cmd in ((f"hub similar {arxiv_id} -f json", [*HUB, "similar", str(arxiv_id), *json_]),
                       (f"hub recommend --since {since} --explain -f json",
                        [*HUB, "recommend", "--since", since, "--explain", *json_]),
                       ("hub recommend, nothing new (--since 2100-01-01)",
                        [*HUB, "recommend", "--since", "2100-01-01", *json_])):
        has = subprocess.run([*cmd[:4], "--help"], env=env, capture_output=True, check=False).returncode == 0
        if not has:
            rows.append((label, "not in this hub", "", "", ""))
            continue
        real, real_s, real_cpu, real_mb = median_run(cmd, env, args.runs)
        shown = f"{real_s:.2f} s" if real.code == 0 else f"exit {real.code}"
        outputs.append(f"{label}: {(real.stdout if real.code == 0 else real.stderr).decode()[-300:].strip()}")
        target = "<= 1 s" if "similar" in label else "<= 0.3 s" if "nothing" in label else "<= 1 s"
        rows.append((label, shown, f"{real_cpu:.2f} s", f"{real_mb:.0f}", target))
        if "--explain" in label:  # the warm-up fitted the model; the timed runs load the kept one
            rows.append(("  its first run (fits the model and keeps it)", f"{real.seconds:.2f} s", "", "", ""))

    print()
    print(f"{'whole process (median of --runs for similar, recommend)':56} {'wall':>9} {'cpu':>9} {'peak MB':>8}"
          "  target / note")
    for label, seconds, cpu, peak, note in rows:
        print(f"{label:56} {seconds:>9} {cpu:>9} {peak:>8}  {note}")
    print("(peak MB counts the memory-mapped feature files' pages as resident: page cache, shared, not heap)")
    print()
    print(f"similar {query}: {sim.stdout.decode()[:300]}")
    print(f"recommend: {rec.stdout.decode()[:300]}")
    for line in outputs:
        print(line)
    if rec.code or sim.code:
        print(sim.stderr.decode()[-1000:], rec.stderr.decode()[-1000:])


if __name__ == "__main__":
    main()
