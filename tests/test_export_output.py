"""``hub export -o FILE`` is written atomically, like ``hub brief -o`` (issue 9).

The export streams in chunks of 500; a driver runs the real CLI in a subprocess and stops
it as it loads the second chunk: paused there, the target still holds the old file (the
new one grows beside it, hidden); interrupted there (a real SIGINT), the old file stays and
no temporary file is left behind.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Result, corpus_file

FEED = "arxiv-rss2024-all-archives-2024-11-28.xml"
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")

# Pause (HUB_TEST_MARK names a file to wait on) or send SIGINT to itself when the export
# asks for its second chunk of papers.
DRIVER = r"""
import os, signal, sys, time
from pathlib import Path
import hubcli.store.papers as papers

mark, action, calls = os.environ["HUB_TEST_MARK"], os.environ["HUB_TEST_ACTION"], []
real = papers.load_papers

def load_papers(conn, ids):
    calls.append(len(ids))
    if len(calls) == 2:
        if action == "pause":
            Path(mark).write_text("paused")
            while Path(mark).exists():
                time.sleep(0.01)
        else:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(30)
    return real(conn, ids)

papers.load_papers = load_papers
from hubcli.cli.main import main
sys.exit(main(sys.argv[1:]))
"""

OLD = "old bibliography, kept until the new one is complete\n"


@pytest.fixture
def corpus_db(hub, hub_home: Path) -> Path:  # type: ignore[no-untyped-def]
    result = hub("import", str(corpus_file(FEED)))
    assert result.exit_code == 0, result.stderr
    return hub_home


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def driven(args: list[str], action: str, mark: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "HUB_TEST_MARK": str(mark), "HUB_TEST_ACTION": action}
    return subprocess.Popen([sys.executable, "-c", DRIVER, *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_export_output_file(hub, corpus_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "all.bib"
    result: Result = hub("export", "--format", "bibtex", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"1504 papers written to {target}" in result.stderr
    assert target.read_text(encoding="utf-8") == hub("export", "--format", "bibtex").stdout
    assert leftovers(tmp_path) == []
    # "-o -" is standard output, as for brief
    assert hub("export", "--format", "json", "-o", "-").stdout.startswith("[\n")


def test_export_output_is_the_old_file_until_complete(corpus_db: Path, tmp_path: Path) -> None:
    target, mark = tmp_path / "all.bib", tmp_path / "paused"
    target.write_text(OLD)
    target.chmod(0o640)
    proc = driven(["export", "--format", "bibtex", "-o", str(target)], "pause", mark)
    try:
        deadline = time.monotonic() + 120
        while not mark.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert mark.exists(), proc.communicate()
        # 500 entries are written by now, but not to the target
        assert target.read_text() == OLD
        partial = leftovers(tmp_path)
        assert len(partial) == 1 and partial[0].startswith(".all.bib.")
        assert (tmp_path / partial[0]).read_text(encoding="utf-8").count("\n@") >= 499
    finally:
        mark.unlink(missing_ok=True)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out == ""
    assert target.read_text(encoding="utf-8").count("@misc{") == 1504
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the old file's permissions are kept
    assert leftovers(tmp_path) == []


def test_interrupted_export_keeps_the_old_file(corpus_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.csv"
    target.write_text(OLD)
    proc = driven(["export", "--format", "csv", "-o", str(target)], "interrupt", tmp_path / "unused")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err.lower() and "Traceback" not in err
    assert out == ""
    assert target.read_text() == OLD
    assert leftovers(tmp_path) == []


def test_export_output_that_cannot_be_written(hub, corpus_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cases = ((tmp_path, "it is a directory"), (tmp_path / "missing" / "all.bib", "not a writable directory"))
    for bad, reason in cases:
        result = hub("export", "--format", "bibtex", "-o", str(bad))
        assert result.exit_code == 1 and result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot write" in lines[0] and reason in lines[0], result.stderr
    assert not (tmp_path / "missing").exists()
    assert leftovers(tmp_path) == []
    zh = hub("--lang", "zh", "export", "-o", str(tmp_path))
    assert zh.exit_code == 1 and "无法写入" in zh.stderr
