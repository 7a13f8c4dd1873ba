"""Cold-start time of hub commands and the sync parse rate.  Prints figures; asserts nothing.

    python bench/startup.py [--runs 15]

Every command runs as a whole process (``python -m hubcli``), with HUB_HOME in a temp dir.
The parse-rate figures use the real 1,504-item arXiv feed from ../shared/corpus when it is
there, else a synthetic feed of the same shape.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
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


def timed(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000, min(samples) * 1000


def loaded_modules(env: dict[str, str], args: list[str]) -> list[str]:
    code = (
        "import sys, io, contextlib\n"
        "from hubcli.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main({args!r})\n"
        "heavy = ['litellm', 'feedparser', 'requests', 'sqlite_utils', 'rich', 'platformdirs', 'pydantic']\n"
        "print(' '.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    return out.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    feed_bytes = CORPUS_FEED.read_bytes() if CORPUS_FEED.exists() else synthetic_feed()
    feed_name = CORPUS_FEED.name if CORPUS_FEED.exists() else "synthetic feed"

    with tempfile.TemporaryDirectory() as tmp:
        empty_env = {**os.environ, "HUB_HOME": str(Path(tmp) / "empty"), "NO_COLOR": "1"}
        full_env = {**os.environ, "HUB_HOME": str(Path(tmp) / "full"), "NO_COLOR": "1"}
        feed_path = Path(tmp) / "feed.xml"
        feed_path.write_bytes(feed_bytes)

        hub = [sys.executable, "-m", "hubcli"]
        print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores; {args.runs} runs each, whole processes")
        print(f"{'command':44} {'median ms':>10} {'min ms':>8}")
        baseline = timed([sys.executable, "-c", "pass"], empty_env, args.runs)
        print(f"{'python -c pass (interpreter floor)':44} {baseline[0]:10.1f} {baseline[1]:8.1f}")
        for label, cmd in (("hub --version", [*hub, "--version"]),
                           ("hub papers (no cache yet)", [*hub, "papers"])):
            med, low = timed(cmd, empty_env, args.runs)
            print(f"{label:44} {med:10.1f} {low:8.1f}")

        t0 = time.perf_counter()
        subprocess.run([*hub, "sync", "--quiet", str(feed_path)], env=full_env, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sync_seconds = time.perf_counter() - t0
        for label, cmd in (("hub papers (1.5k papers, plain)", [*hub, "papers"]),
                           ("hub papers --format json", [*hub, "papers", "--format", "json"]),
                           ("hub papers --author 'Alan Turing'", [*hub, "papers", "--author", "Alan Turing"]),
                           ("hub papers --search learning --sort relevance",
                            [*hub, "papers", "--search", "learning", "--sort", "relevance"]),
                           ("hub shuffle -n 10 --format json", [*hub, "shuffle", "-n", "10", "--format", "json"])):
            med, low = timed(cmd, full_env, args.runs)
            print(f"{label:44} {med:10.1f} {low:8.1f}")
        print(f"modules loaded by 'hub papers': {' '.join(loaded_modules(full_env, ['papers'])) or '(none heavy)'}")

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
