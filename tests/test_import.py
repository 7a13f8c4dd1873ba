"""hub import: Kaggle snapshot and OAI-PMH from the real corpus, idempotence, interruption."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import corpus_file


def _count(hub) -> int:  # type: ignore[no-untyped-def]
    return len(json.loads(hub("export", "--format", "json").stdout))


def test_kaggle_snapshot_import_and_reimport(hub) -> None:  # type: ignore[no-untyped-def]
    path = corpus_file("arxiv-kaggle-metadata-oai-snapshot-head.jsonl")
    first = hub("import", str(path))
    assert first.exit_code == 0 and "200 new" in first.stderr
    assert first.stdout == ""
    again = hub("import", str(path))
    assert "0 new, 0 updated, 200 unchanged" in again.stderr
    paper = json.loads(hub("show", "0704.0001", "--format", "json").stdout)[0]
    assert paper["authors"][0] == "C. Balázs"
    assert paper["version"] == 2 and paper["published"] == "2007-04-02" and paper["updated"] == "2007-07-24"
    assert paper["doi"] == "10.1103/PhysRevD.76.013009"
    evans = json.loads(hub("show", "0704.0009", "--format", "json").stdout)[0]
    assert "Neal J. Evans II" in evans["authors"] and "Nicholas Chapman" in evans["authors"]
    assert json.loads(hub("papers", "--author", "C. Balazs", "--format", "json").stdout)[0]["id"] == "arxiv:0704.0001"


def test_oai_pmh_import(hub) -> None:  # type: ignore[no-untyped-def]
    for name in ("arxiv-oai-pmh-listrecords-arXiv-format-hep-th-2017.xml",
                 "arxiv-oai-pmh-listrecords-arXiv-format-hep-ex-2017.xml"):
        assert hub("import", str(corpus_file(name))).exit_code == 0
    hoehn = json.loads(hub("show", "1412.8323", "--format", "json").stdout)[0]
    assert hoehn["authors"] == ["Philipp A Hoehn"] and "physics.hist-ph" in hoehn["categories"]
    assert hoehn["published"] == "2014-12-29"
    rpv = json.loads(hub("show", "1706.09418", "--format", "json").stdout)[0]
    assert rpv["doi"] == "10.1140/epjc/s10052-017-5414-4"


def test_feed_file_import_and_bad_input(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert hub("import", str(corpus_file("arxiv-rss2026-cs.AI-excerpt-3items.xml"))).exit_code == 0
    assert _count(hub) == 3
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not a feed")
    bad = hub("import", str(junk))
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1
    assert hub("import", str(tmp_path / "missing.json")).exit_code == 2
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">&a;</OAI-PMH>')
    assert hub("import", str(bomb)).exit_code == 2
    assert _count(hub) == 3  # nothing already stored was lost


def _synthetic_snapshot(path: Path, n: int) -> None:
    with path.open("w") as out:
        for i in range(n):
            out.write(json.dumps({
                "id": f"2001.{i:05d}", "title": f"Paper {i} on graphs", "abstract": "We study graphs. " * 20,
                "categories": "cs.LG stat.ML", "authors": "A. Author",
                "authors_parsed": [["Author", "A.", ""], [f"Writer{i % 50}", "B.", ""]],
                "versions": [{"version": "v1", "created": "Mon, 6 Jan 2020 10:00:00 GMT"}],
                "update_date": "2020-01-06", "doi": None, "journal-ref": None,
            }) + "\n")


def test_interrupted_import_can_be_rerun(tmp_path: Path, hub_home: Path) -> None:
    snapshot = tmp_path / "snap.jsonl"
    _synthetic_snapshot(snapshot, 40_000)
    env = {**os.environ, "HUB_HOME": str(hub_home)}
    proc = subprocess.Popen([sys.executable, "-m", "hubcli", "import", str(snapshot)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    db = hub_home / "hub.db"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until at least one batch is committed
        if db.exists():
            try:
                with sqlite3.connect(db) as conn:
                    if conn.execute("SELECT count(*) FROM papers").fetchone()[0] > 0:
                        break
            except sqlite3.Error:
                pass
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    assert 0 < partial <= 40_000
    rerun = subprocess.run([sys.executable, "-m", "hubcli", "import", str(snapshot)], env=env,
                           capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 40_000
        assert conn.execute("SELECT count(DISTINCT key) FROM papers").fetchone()[0] == 40_000
        fts = conn.execute("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'graphs'").fetchone()[0]
    assert fts == 40_000


@pytest.mark.parametrize("args", [["papers"], ["papers", "--format", "json"], ["shuffle"], ["show", "x"]])
def test_read_commands_import_no_heavy_module(args: list[str], hub_home: Path) -> None:
    code = (
        "import sys, io, contextlib\nfrom hubcli.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main({args!r})\n"
        "print(sorted(m for m in ('litellm', 'feedparser', 'requests', 'sqlite_utils') if m in sys.modules))\n"
    )
    env = {**os.environ, "HUB_HOME": str(hub_home)}
    subprocess.run([sys.executable, "-m", "hubcli", "import",
                    str(corpus_file("arxiv-rss2026-cs.AI-excerpt-3items.xml"))], env=env, check=True,
                   capture_output=True)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
