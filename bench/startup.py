"""Cold-start cost of hub commands beside Python's own start-up, and the sync parse rate.
Prints figures; asserts nothing.

    python bench/startup.py [--runs 7]

Every command runs as a whole process, as the installed ``hub`` script runs it, with HUB_HOME in a temp dir,
output to a pipe (panels on a pseudo-terminal).  Each figure is the CPU time (user + system,
from ``wait4``) of the whole process, median of --runs after one warm-up, printed beside
``python -c pass`` measured in the same run, interleaved: "+ms" is what hub adds to the
interpreter's own start-up.  The targets are issue 23's.  The package is byte-compiled
first, as pip installs it (this sandbox sets PYTHONDONTWRITEBYTECODE).  The parse-rate
figures use the real 1,504-item arXiv feed from ../shared/corpus when it is there, else a
synthetic feed of the same shape.
"""

from __future__ import annotations

import argparse
import os
import pty
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# hub as its installed ``hub`` script runs it (pip's console-script wrapper, here as text so a
# checkout on PYTHONPATH is timed without installing it); ``python -m hubcli`` adds runpy (~3 ms)
ENTRY_POINT = "import sys\nfrom hubcli.cli.main import run\nsys.exit(run())"
CORPUS_FEED = HERE.parent.parent / "shared" / "corpus" / "feeds" / "arxiv-rss2024-all-archives-2024-11-28.xml"


def synthetic_feed(n: int = 1500) -> bytes:
    items = []
    for i in range(n):
        items.append(
            f"<item><title>Synthetic paper {i} on graph learning</title>"
            f"<link>https://arxiv.org/abs/2411.{i:05d}</link>"
            f"<description>arXiv:2411.{i:05d}v1 Announce Type: new \nAbstract: {'We study learning. ' * 60}"
            "</description>"
            f"<guid isPermaLink=\"false\">oai:arXiv.org:2411.{i:05d}v1</guid><category>cs.LG</category>"
            "<pubDate>Thu, 28 Nov 2024 00:00:00 -0500</pubDate>"
            "<dc:creator>Ada Lovelace, Alan Turing, Grace Hopper</dc:creator></item>"
        )
    return (
        '<?xml version="1.0"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>'
        "<title>cs.LG updates on arXiv.org</title>" + "".join(items) + "</channel></rss>"
    ).encode()


def one_run(cmd: list[str], env: dict[str, str], terminal: bool) -> tuple[float, float]:
    """(CPU ms, wall ms) of one whole process; on a pseudo-terminal when ``terminal``."""
    started = time.perf_counter()
    if terminal:
        leader, follower = pty.openpty()
        proc = subprocess.Popen(cmd, env={**env, "PAGER": "cat", "COLUMNS": "100", "LINES": "1000"},
                                stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
        os.close(follower)
        while True:  # drain the terminal, or the child blocks on a full buffer
            try:
                if not os.read(leader, 65536):
                    break
            except OSError:
                break
        os.close(leader)
    else:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        proc.stdout.read()
        proc.stdout.close()
    _pid, _status, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return (usage.ru_utime + usage.ru_stime) * 1000, (time.perf_counter() - started) * 1000


def measure(commands: list[tuple[str, list[str], dict[str, str], bool]], runs: int
            ) -> dict[str, tuple[float, float]]:
    """Median (CPU ms, wall ms) of each command, the commands interleaved run by run."""
    cpu: dict[str, list[float]] = {label: [] for label, *_ in commands}
    wall: dict[str, list[float]] = {label: [] for label, *_ in commands}
    for round_ in range(runs + 1):
        for label, cmd, env, terminal in commands:
            c, w = one_run(cmd, env, terminal)
            if round_:  # the first round warms the page cache
                cpu[label].append(c)
                wall[label].append(w)
    return {label: (statistics.median(cpu[label]), statistics.median(wall[label])) for label in cpu}


def loaded_modules(env: dict[str, str], args: list[str]) -> list[str]:
    code = (
        "import sys, io, contextlib\n"
        "from hubcli.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main({args!r})\n"
        "heavy = ['litellm', 'feedparser', 'requests', 'sqlite_utils', 'rich', 'platformdirs', 'pydantic', 'numpy']\n"
        "print(' '.join(m for m in heavy if m in sys.modules),"
        " '| hubcli modules:', sum(m.startswith('hubcli') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    return out.stdout.split()


TARGETS = {"hub --version": 25, "hub papers --format json": 60, "hub papers (panels, terminal)": 90}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    feed_bytes = CORPUS_FEED.read_bytes() if CORPUS_FEED.exists() else synthetic_feed()
    feed_name = CORPUS_FEED.name if CORPUS_FEED.exists() else "synthetic feed"
    import hubcli

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(hubcli.__file__).parent)], check=True)

    with tempfile.TemporaryDirectory() as tmp:
        base = {**os.environ, "NO_COLOR": "1", "HUB_LANG": "en"}
        base.pop("HUB_DB", None)
        empty_env = {**base, "HUB_HOME": str(Path(tmp) / "empty")}
        full_env = {**base, "HUB_HOME": str(Path(tmp) / "full")}
        feed_path = Path(tmp) / "feed.xml"
        feed_path.write_bytes(feed_bytes)
        hub = [sys.executable, "-c", ENTRY_POINT]

        t0 = time.perf_counter()
        subprocess.run([*hub, "sync", "--quiet", str(feed_path)], env=full_env, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sync_seconds = time.perf_counter() - t0
        floor = "python -c pass (interpreter floor)"
        commands = [
            (floor, [sys.executable, "-c", "pass"], empty_env, False),
            ("hub --version", [*hub, "--version"], empty_env, False),
            ("hub --help", [*hub, "--help"], empty_env, False),
            ("hub papers (no cache yet)", [*hub, "papers"], empty_env, False),
            ("hub papers (plain, piped)", [*hub, "papers"], full_env, False),
            ("hub papers --format json", [*hub, "papers", "--format", "json"], full_env, False),
            ("hub papers (panels, terminal)", [*hub, "papers"], full_env, True),
            ("hub papers --author 'Alan Turing' -f json", [*hub, "papers", "--author", "Alan Turing", "-f", "json"],
             full_env, False),
            ("hub papers --search learning --sort relevance",
             [*hub, "papers", "--search", "learning", "--sort", "relevance"], full_env, False),
            ("hub shuffle -n 10 --format json", [*hub, "shuffle", "-n", "10", "--format", "json"], full_env, False),
        ]
        results = measure(commands, args.runs)
        python_cpu = results[floor][0]
        print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores; median of {args.runs} runs each after"
              f" a warm-up, whole processes, interleaved; CPU = user + system time")
        print(f"{'command':48} {'CPU ms':>7} {'+ms':>6} {'target':>7} {'wall ms':>8}")
        for label, (cpu, wall) in results.items():
            extra = "" if label == floor else f"{cpu - python_cpu:6.1f}"
            target = TARGETS.get(label)
            met = target is not None and cpu - python_cpu <= target
            verdict = "" if target is None else f"{'<=' + str(target):>5} {'ok' if met else 'NO'}"
            print(f"{label:48} {cpu:7.1f} {extra:>6} {verdict:>7} {wall:8.1f}")
        print(f"modules loaded by 'hub papers -f json': {' '.join(loaded_modules(full_env, ['papers', '-f', 'json']))}")

        sys.path.insert(0, str(HERE.parent / "src"))
        from hubcli.sources.parse import parse_feed

        parse_feed(feed_bytes[:2000] + b"</channel></rss>")  # warm imports
        t0 = time.perf_counter()
        parsed = parse_feed(feed_bytes)
        parse_seconds = time.perf_counter() - t0
        n = len(parsed.papers)
        mb = len(feed_bytes) / 1e6
        print(f"\nparse ({feed_name}): {n} papers, {mb:.1f} MB in {parse_seconds:.2f} s"
              f" = {n / parse_seconds:,.0f} papers/s, {mb / parse_seconds:.1f} MB/s")
        print(f"sync of that file into a new database (process start to exit): {sync_seconds:.2f} s"
              f" = {n / sync_seconds:,.0f} papers/s")


if __name__ == "__main__":
    main()
