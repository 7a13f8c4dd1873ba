"""Ranking quality on the real 1,504-paper arXiv feed (issue 12, item 5).

For each archive (primary category's archive) with at least 40 papers: save 10 of its
papers, rank the rest, and report precision@20 (the share of the top 20 from that
archive) for the model, a random pick and a full-text search (FTS5, OR of the saved
papers' title words, best bm25 first), averaged over several seeds.

    python bench/rank_quality.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

FEED = Path(__file__).resolve().parents[2] / "shared/corpus/feeds/arxiv-rss2024-all-archives-2024-11-28.xml"
STOP = {"a", "an", "the", "of", "for", "and", "in", "on", "with", "to", "by", "via", "from", "is", "at", "as"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--feed", type=Path, default=Path("/work/shared/corpus/feeds") / FEED.name)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="hub-rankq-")
    os.environ["HUB_HOME"] = home
    subprocess.run([sys.executable, "-m", "hubcli", "import", str(args.feed)], check=True, capture_output=True)
    from hubcli import rank
    from hubcli.config import resolve_paths
    from hubcli.store.db import open_store

    store = open_store(resolve_paths().database)
    assert store is not None
    rank.update_features(store)
    by: dict[str, list[int]] = defaultdict(list)
    for pid, cat in store.conn.execute("SELECT id, primary_category FROM papers"):
        by[(cat or "").split(".")[0]].append(int(pid))
    every = [i for ids in by.values() for i in ids]
    print(f"{'archive':10} {'papers':>6} {'model':>6} {'random':>6} {'fts':>6}")
    means: dict[str, list[float]] = defaultdict(list)
    for arch, ids in sorted(by.items()):
        if len(ids) < 40:
            continue
        members = set(ids)
        got: dict[str, list[float]] = defaultdict(list)
        for seed in range(args.seeds):
            rng = random.Random(seed)
            saved = rng.sample(ids, 10)
            rest = [i for i in every if i not in set(saved)]
            top = rank.recommend(store, saved, [], rest, n=20, seed=seed)
            got["model"].append(sum(s.paper_id in members for s in top) / 20)
            got["random"].append(sum(i in members for i in rng.sample(rest, 20)) / 20)
            words = set()
            for (title,) in store.conn.execute(
                    f"SELECT title FROM papers WHERE id IN ({','.join('?' * len(saved))})", saved):
                words |= {w for w in re.findall(r"[a-z]{3,}", title.lower()) if w not in STOP}
            match = " OR ".join(f'"{w}"' for w in sorted(words))
            hits = [int(r[0]) for r in store.conn.execute(
                "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts) LIMIT 40", (match,))]
            hits = [h for h in hits if h not in set(saved)][:20]
            got["fts"].append(sum(h in members for h in hits) / 20)
        row = {k: sum(v) / len(v) for k, v in got.items()}
        for k, v in row.items():
            means[k].append(v)
        print(f"{arch:10} {len(ids):>6} {row['model']:>6.2f} {row['random']:>6.2f} {row['fts']:>6.2f}")
    mean = " ".join(f"{sum(means[k]) / len(means[k]):>6.2f}" for k in ("model", "random", "fts"))
    print(f"{'mean':10} {'':>6} {mean}")


if __name__ == "__main__":
    main()
