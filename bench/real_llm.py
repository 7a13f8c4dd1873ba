"""``hub brief`` on the real corpus against a real OpenAI-compatible server.  Prints figures;
asserts nothing.

    python bench/real_llm.py --base http://127.0.0.1:8871/v1 --model qwen2.5-coder-1.5b-instruct \\
        [--run "--limit 8" --run "--limit 8 --category hep-ph" ...] [--lang zh] [--out-dir /tmp/briefs]

``--base`` and ``--model`` default to ``HUB_REAL_LLM_BASE`` and ``HUB_REAL_LLM_MODEL``; with
no base the script says so and exits 0 (nothing to measure).  ``../shared/tools/real-llm.sh``
sets up and serves llama.cpp's ``llama-server`` with Qwen2.5-Coder 1.5B/0.5B on 127.0.0.1.

Each run: a fresh ``HUB_HOME`` in a temp dir, the 1,504-paper arXiv feed of the shared
corpus synced into it, then ``hub brief --no-cache -o FILE`` as a whole process.  Reported
per run: wall time, calls and tokens (hub's usage line), the citation check's report
(markers found, rejected, bracketed numbers left as written, math/code spans untouched),
and whether any mathematics changed: every ``$…$`` (and ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``)
span of the model's raw answer, read back from hub's answer cache, must appear unchanged
and in order in the brief.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS_FEED = ROOT.parent / "shared" / "corpus" / "feeds" / "arxiv-rss2024-all-archives-2024-11-28.xml"
DEFAULT_RUNS = ["--limit 8", "--limit 8 --category hep-ph", "--limit 8 --category math.AP"]

sys.path.insert(0, str(ROOT / "src"))


def hub(home: Path, *args: str, timeout: float = 3600) -> tuple[int, str, str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_HOME": str(home), "PYTHONPATH": str(ROOT / "src"), "LANG": "C.UTF-8"})
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "hubcli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return done.returncode, done.stdout, done.stderr, time.monotonic() - start


def raw_answers(home: Path) -> list[str]:
    """The model's answers as received (hub's cache), oldest first."""
    paths = list(home.rglob("*.db"))
    texts: list[str] = []
    for path in paths:
        conn = sqlite3.connect(path)
        try:
            texts += [r[0] for r in conn.execute("SELECT text FROM brief_cache ORDER BY created_at")]
        except sqlite3.Error:
            pass
        finally:
            conn.close()
    return texts


def figure(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    return match.group(1) if match else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default=os.environ.get("HUB_REAL_LLM_BASE"))
    parser.add_argument("--model", default=os.environ.get("HUB_REAL_LLM_MODEL", "qwen2.5-coder-1.5b-instruct"))
    parser.add_argument("--run", action="append", help="hub brief arguments of one run (repeatable)")
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    parser.add_argument("--out-dir", default=tempfile.gettempdir())
    parser.add_argument("--corpus", default=str(CORPUS_FEED))
    args = parser.parse_args()
    if not args.base:
        print("no server: set HUB_REAL_LLM_BASE or --base (see ../shared/tools/real-llm.sh); nothing measured")
        return 0
    if not Path(args.corpus).exists():
        print(f"no corpus at {args.corpus}; nothing measured")
        return 0
    from hubcli.brief.cite import clean_answer
    from hubcli.brief.spans import math_spans

    model = args.model if "/" in args.model else f"openai/{args.model}"
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", args.model).strip("-")
    print(f"server {args.base} · model {model} · lang {args.lang} · corpus {Path(args.corpus).name}")
    for index, run in enumerate(args.run or DEFAULT_RUNS, start=1):
        with tempfile.TemporaryDirectory(prefix="hub-real-llm-") as tmp:
            home = Path(tmp) / "home"
            hub(home, "feeds", "add", args.corpus)
            code, _, err, _ = hub(home, "sync", args.corpus)
            if code != 0:
                print(f"sync failed: {err.strip()}")
                return 1
            out = Path(args.out_dir) / f"hub-brief-{slug}-{args.lang}-{index}.md"
            code, _, err, seconds = hub(home, "--lang", args.lang, "brief", "--model", model, "--api-base", args.base,
                                        "--no-cache", "-o", str(out), *shlex.split(run))
            print(f"\n## run {index}: hub brief {run}  (exit {code}, {seconds:.1f} s wall)")
            for line in err.strip().splitlines():
                print(f"  stderr | {line}")
            if code != 0 or not out.exists():
                continue
            brief = out.read_text(encoding="utf-8")
            answers = raw_answers(home)
            final = clean_answer(answers[-1]) if answers else ""
            before, after = math_spans(final), math_spans(brief)
            missing = [s for s in before if s not in after]
            in_order = after[:len(before)] == before or all(s in after for s in before)
            raw_markers = len(re.findall(r"\[\s*P?\d+(?:\s*[-–,;]\s*P?\d+)*\s*\]|\(\s*P\d+(?:\s*[-–,;]\s*P?\d+)*\s*\)",
                                         final, re.IGNORECASE))
            f = {name: figure(pattern, err) for name, pattern in {
                "calls": r"(\d+) model call", "tokens": r"([\d,]+) tokens", "in": r"([\d,]+) in,",
                "out": r"([\d,]+) out", "markers": r"citation check: (\d+) markers", "rejected": r"(\d+) rejected",
                "left": r"(\d+) bracketed numbers", "cited": r"markers for (\d+ of \d+) papers"}.items()}
            print(f"  time {seconds:.1f} s · calls {f['calls']} · tokens {f['tokens']} (in {f['in']}, out {f['out']})")
            print(f"  markers found {f['markers']} (bracketed numbers and (Pn) in the raw answer, math included: "
                  f"{raw_markers}) · rejected {f['rejected']} · left as written {f['left']} · "
                  f"papers cited {f['cited']}")
            print(f"  math spans in the answer {len(before)} · in the brief {len(after)} · changed or lost "
                  f"{len(missing)}{' · ' + ', '.join(missing[:5]) if missing else ''} · "
                  f"{'no mathematics changed' if not missing and in_order else 'MATHEMATICS CHANGED'}")
            print(f"  brief: {out} ({len(brief):,} characters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
