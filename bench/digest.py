"""hub digest on a large cache: the first digest (everything is new), the next one
(nothing new), and an Atom file grown to its 30 digests.  Prints the figures.

    python bench/digest.py [N]        # N synthetic papers (default 50,000), via bench/synth.py

Runs the real ``hub`` (this Python's ``-m hubcli``) in a temporary HUB_HOME, with
``--no-sync`` (no network) and the offline brief (no model configured).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import synth  # noqa: E402


def hub(home: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {**os.environ, "HUB_HOME": str(home), "LANG": "C.UTF-8"}
    env.pop("HUB_MODEL", None)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "hubcli", *args], env=env, capture_output=True, text=True,
                          check=False)
    return time.perf_counter() - start, done


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory(prefix="hub-digest-bench-") as tmp:
        root = Path(tmp)
        home = root / "home"
        home.mkdir()
        (home / "config.toml").write_text('[topics.graphene]\nquery = "graphene"\n', encoding="utf-8")
        snapshot = root / "snapshot.jsonl"
        synth.generate(n, snapshot)
        seconds, done = hub(home, "import", str(snapshot))
        assert done.returncode == 0, done.stderr
        print(f"import of {n:,} synthetic papers: {seconds:.1f} s")
        hub(home, "follow", "--category", "cs.LG")
        page, feed = root / "digest.html", root / "digest.xml"
        seconds, done = hub(home, "digest", "--no-sync", "--to", str(page), "--to", f"atom:{feed}")
        assert done.returncode == 0, done.stderr
        print(f"first digest (everything new; cs.LG or 'graphene'): {seconds:.2f} s wall, "
              f"HTML {page.stat().st_size / 1024:.0f} KiB, Atom {feed.stat().st_size / 1024:.0f} KiB")
        seconds, done = hub(home, "digest", "--no-sync", "--to", str(page))
        assert done.returncode == 0 and "nothing new" in done.stderr, done.stderr
        print(f"next digest (nothing new): {seconds:.2f} s wall  [{done.stderr.strip()}]")
        times = []
        for _ in range(31):
            seconds, done = hub(home, "digest", "--no-sync", "--always", "--to", f"atom:{feed}")
            assert done.returncode == 0, done.stderr
            times.append(seconds)
        text = feed.read_text(encoding="utf-8")
        print(f"Atom after 32 digests: {text.count('tag:hub.digest,')} digest entries kept, "
              f"{text.count('<entry>')} entries, {feed.stat().st_size / 1024:.0f} KiB; "
              f"one --always run {min(times):.2f}-{max(times):.2f} s wall")
        seconds, done = hub(home, "--version")
        print(f"for scale: hub --version {seconds:.2f} s wall")


if __name__ == "__main__":
    main()
