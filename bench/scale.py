"""hub at scale, measured against the floor.  Prints a table; asserts nothing.

    python bench/scale.py [-n 1000000] [--runs 7] [--work DIR] [--reuse]

1. writes a synthetic Kaggle snapshot of N papers (bench/synth.py; kept in --work);
2. builds the floor database with bench/floor.py (standard library sqlite3 only) and
   imports the same file with ``hub import``, each as a whole process: wall time and peak
   memory (``wait4``), then database bytes per paper;
3. times each command as a whole process (start to exit, JSON on a pipe) against the
   floor doing the same query in the same run: median of --runs, hub and floor
   interleaved, after one warm-up run each; checks both print the same papers;
4. prints the table with the targets of issue 23: CPU time (user + system, ``wait4``:
   a shared machine's load does not count) as a ratio to the floor's, import time as a
   ratio of wall times, peak memory as VmHWM.

--reuse keeps the databases of an earlier run in --work (only the queries are timed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

PY = sys.executable
# hub as its installed ``hub`` script runs it (pip's console-script wrapper, here as text so a
# checkout on PYTHONPATH is timed without installing it); ``python -m hubcli`` adds runpy (~3 ms)
ENTRY_POINT = "import sys\nfrom hubcli.cli.main import run\nsys.exit(run())"
HUB = [PY, "-c", ENTRY_POINT]
FLOOR = [PY, str(HERE / "floor.py")]


@dataclass
class Run:
    seconds: float
    peak_mb: float
    stdout: bytes
    code: int
    stderr: bytes = b""
    cpu_seconds: float = 0.0


def _peak_kib(pid: int, known: int) -> int:
    """The process's peak resident memory so far (VmHWM), or ``known`` once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return max(known, int(line.split()[1]))
    except (OSError, ValueError):
        pass
    return known


def run(cmd: list[str], env: dict[str, str] | None = None, *, watch: bool = False) -> Run:
    """One whole process: wall time, CPU time (user + system, ``wait4``), its output; with
    ``watch``, peak resident memory as the kernel counts it (VmHWM, read from /proc every
    50 ms while it runs; ``ru_maxrss`` would count the Python that forked it)."""
    import threading

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.05):
            peak[0] = _peak_kib(proc.pid, peak[0])

    watcher = threading.Thread(target=poll, daemon=True)
    if watch:
        watcher.start()
    err_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read() if proc.stderr else b""))
    reader.start()
    out = proc.stdout.read() if proc.stdout else b""
    reader.join()
    peak[0] = _peak_kib(proc.pid, peak[0])  # still readable: the child is not reaped yet
    _pid, status, usage = os.wait4(proc.pid, 0)
    done.set()
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    peak_mb = (peak[0] if watch else usage.ru_maxrss) / 1024
    return Run(seconds, peak_mb, out, proc.returncode, b"".join(err_chunks), usage.ru_utime + usage.ru_stime)


def db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        mem = 0.0
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM; {platform.system()} {platform.release()};"
            f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def ids_of(out: bytes) -> list[str] | None:
    try:
        return [p["id"] for p in json.loads(out)]
    except (ValueError, TypeError, KeyError):
        return None


def pick_typical_author(db: Path) -> str:
    conn = sqlite3.connect(db)
    row = conn.execute(
        "SELECT a.name FROM authors a JOIN paper_authors pa ON pa.author_id = a.id WHERE a.name NOT LIKE '%.%'"
        " GROUP BY a.id HAVING count(*) BETWEEN 20 AND 40 ORDER BY a.id LIMIT 1"
    ).fetchone()
    conn.close()
    return str(row[0])


def since_for(db: Path, share: float) -> str:
    conn = sqlite3.connect(db)
    total = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    row = conn.execute("SELECT published FROM papers ORDER BY published DESC LIMIT 1 OFFSET ?",
                       (int(total * share),)).fetchone()
    conn.close()
    return str(row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/hub-scale"))
    parser.add_argument("--reuse", action="store_true", help="keep databases built by an earlier run")
    parser.add_argument("--no-reimport", action="store_true", help="skip timing a second import of the same file")
    args = parser.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    n = args.n
    snapshot = work / f"snap-{n}.jsonl"
    floor_db = work / f"floor-{n}.db"
    hub_home = work / f"hub-{n}"
    hub_db = hub_home / "hub.db"
    env = {**os.environ, "HUB_HOME": str(hub_home), "NO_COLOR": "1", "LANG": "C.UTF-8", "HUB_LANG": "en"}
    empty_env = {**env, "HUB_HOME": str(work / "empty-home")}
    print(f"# hub at N = {n:,} papers")
    print(f"machine: {machine()}")
    # as installed (pip/pipx byte-compile the package): without .pyc files every hub process
    # would compile its own modules first (this sandbox sets PYTHONDONTWRITEBYTECODE)
    import hubcli

    subprocess.run([PY, "-m", "compileall", "-q", str(Path(hubcli.__file__).parent)], check=True)

    if not snapshot.exists():
        started = time.perf_counter()
        synth.generate(n, snapshot)
        print(f"snapshot: generated in {time.perf_counter() - started:.0f} s")
    print(f"snapshot: {snapshot} ({snapshot.stat().st_size / 1e6:,.0f} MB)")

    builds: dict[str, Run] = {}
    if not (args.reuse and floor_db.exists() and hub_db.exists()):
        for path in (*floor_db.parent.glob(floor_db.name + "*"), *hub_db.parent.glob("hub.db*")):
            path.unlink()
        builds["floor"] = run([*FLOOR, "build", str(snapshot), str(floor_db)], watch=True)
        builds["hub"] = run([*HUB, "import", str(snapshot)], env, watch=True)
        for name, result in builds.items():
            if result.code != 0:
                raise SystemExit(f"{name} build failed ({result.code}): {result.stderr.decode()[-2000:]}")
        if not args.no_reimport:
            builds["reimport"] = run([*HUB, "import", str(snapshot)], env, watch=True)
    papers = sqlite3.connect(hub_db).execute("SELECT count(*) FROM papers").fetchone()[0]
    links = sqlite3.connect(hub_db).execute("SELECT count(*) FROM paper_authors").fetchone()[0]
    print(f"hub database: {papers:,} papers, {links:,} author links")

    typical = pick_typical_author(floor_db)
    since = since_for(floor_db, 0.05)
    prolific = "Jurgen Prolifico"
    prolific_pages = -(-int(sqlite3.connect(floor_db).execute(
        "SELECT count(*) FROM paper_authors pa JOIN authors a ON a.id = pa.author_id WHERE a.name = ?",
        ("Jürgen Prolifico",)).fetchone()[0]) // 10)
    deep = min(500, prolific_pages)
    json_ = ["--format", "json"]
    # (label, hub, floor, target): a target above 10 is milliseconds above the floor
    # (python -c pass), else at most that many times the floor's time (issue 23)
    queries: list[tuple[str, list[str], list[str], float]] = [
        ("hub --version", [*HUB, "--version"], [PY, "-c", "pass"], 25),
        ("hub papers (empty cache)", [*HUB, "papers", *json_], [PY, "-c", "pass"], 60),
        (f"papers --author '{prolific}' (p. 1)", [*HUB, "papers", "--author", prolific, *json_],
         [*FLOOR, "papers", str(floor_db), "--author", prolific], 2.0),
        (f"papers --author '{prolific}' -p {deep}", [*HUB, "papers", "--author", prolific, "-p", str(deep), *json_],
         [*FLOOR, "papers", str(floor_db), "--author", prolific, "--page", str(deep)], 2.0),
        (f"papers --author '{typical}'", [*HUB, "papers", "--author", typical, *json_],
         [*FLOOR, "papers", str(floor_db), "--author", typical], 2.0),
        ("papers --author 'S. Wang' (many ids)", [*HUB, "papers", "--author", "S. Wang", *json_],
         [*FLOOR, "papers", str(floor_db), "--author", "S. Wang"], 2.0),
        ("papers --category cs.LG", [*HUB, "papers", "--category", "cs.LG", *json_],
         [*FLOOR, "papers", str(floor_db), "--category", "cs.LG"], 2.0),
        ("papers --category cs.DL (small)", [*HUB, "papers", "--category", "cs.DL", *json_],
         [*FLOOR, "papers", str(floor_db), "--category", "cs.DL"], 2.0),
        (f"papers --since {since}", [*HUB, "papers", "--since", since, *json_],
         [*FLOOR, "papers", str(floor_db), "--since", since], 2.0),
        ("papers --search graphene --sort relevance",
         [*HUB, "papers", "--search", "graphene", "--sort", "relevance", *json_],
         [*FLOOR, "papers", str(floor_db), "--search", "graphene", "--sort", "relevance"], 1.5),
        ("shuffle -n 10", [*HUB, "shuffle", "-n", "10", *json_], [*FLOOR, "shuffle", str(floor_db), "-n", "10"], 2.0),
    ]
    rows = []
    for label, hub_cmd, floor_cmd, target in queries:
        command_env = empty_env if "empty" in label or "version" in label else env
        first_hub, first_floor = run(hub_cmd, command_env), run(floor_cmd, command_env)
        same = "-"
        if floor_cmd[1] != "-c" and "shuffle" not in label:
            same = "yes" if ids_of(first_hub.stdout) == ids_of(first_floor.stdout) else "NO"
        hub_times, floor_times = [], []
        for _ in range(args.runs):
            hub_times.append(run(hub_cmd, command_env).cpu_seconds * 1000)
            floor_times.append(run(floor_cmd, command_env).cpu_seconds * 1000)
        h, f = statistics.median(hub_times), statistics.median(floor_times)
        ok = h - f <= target if target > 10 else h <= target * f
        rows.append((label, h, f, target, same, ok))

    print()
    print(f"{'command (whole process, JSON to a pipe; CPU ms)':48} {'hub ms':>7} {'floor ms':>8} {'+ms':>5}"
          f" {'x':>5} {'target':>8} {'same':>4}  ok")
    for label, h, f, target, same, ok in rows:
        shown = f"+{target:.0f} ms" if target > 10 else f"<={target:.1f}x"
        print(f"{label:48} {h:7.0f} {f:8.0f} {h - f:5.0f} {h / f:5.2f} {shown:>8}"
              f" {same:>4}  {'yes' if ok else 'NO'}")
    hub_size, floor_size = db_bytes(hub_db), db_bytes(floor_db)
    print()
    if builds:
        hub_b, floor_b = builds["hub"], builds["floor"]
        ratio = hub_b.seconds / floor_b.seconds
        print(f"{'import, wall (s)':48} {hub_b.seconds:7.1f} {floor_b.seconds:8.1f} {'':5} {ratio:5.2f}"
              f" {'<=1.5x':>8} {'':>4}  {'yes' if ratio <= 1.5 else 'NO'}")
        print(f"{'import, CPU (s)':48} {hub_b.cpu_seconds:7.1f} {floor_b.cpu_seconds:8.1f} {'':5}"
              f" {hub_b.cpu_seconds / floor_b.cpu_seconds:5.2f}")
        print(f"{'import peak memory, VmHWM (MB)':48} {hub_b.peak_mb:7.0f} {floor_b.peak_mb:8.0f} {'':5} {'':5}"
              f" {'<=250':>8} {'':>4}  {'yes' if hub_b.peak_mb <= 250 else 'NO'}")
        print(f"{'import rate (papers/s)':48} {n / hub_b.seconds:7.0f} {n / floor_b.seconds:8.0f}")
        if "reimport" in builds:
            again = builds["reimport"]
            print(f"{'re-import of the same file (s)':48} {again.seconds:7.1f}   ({again.stderr.decode().strip()};"
                  f" peak {again.peak_mb:.0f} MB)")
    size_ratio = (hub_size / papers) / (floor_size / n)
    print(f"{'database bytes per paper':48} {hub_size / papers:7.0f} {floor_size / n:8.0f} {'':5}"
          f" {size_ratio:5.2f} {'<=1.1x':>8} {'':>4}  {'yes' if size_ratio <= 1.1 else 'NO'}")
    print(f"{'database size (MB)':48} {hub_size / 1e6:7.0f} {floor_size / 1e6:8.0f}")

if __name__ == "__main__":
    main()
