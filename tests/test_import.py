"""hub import: Kaggle snapshot and OAI-PMH from the real corpus, idempotence, interruption,
the bulk load (indexes and full text built at the end), streaming memory."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from conftest import corpus_file

INDEXED = ("papers_published", "papers_doi", "papers_changed", "paper_authors_author", "paper_categories_category",
           "paper_sources_source", "idx_authors_surname_given_initial")


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
    assert paper["journal"] == "Phys.Rev.D76:013009,2007" and paper["categories"] == ["hep-ph"]
    assert paper["pdf_url"] == "https://arxiv.org/pdf/0704.0001v2" and paper["sources"] == ["arXiv"]
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


@pytest.mark.slow
def test_interrupted_import_can_be_rerun(tmp_path: Path, hub_home: Path) -> None:
    snapshot = tmp_path / "snap.jsonl"
    _synthetic_snapshot(snapshot, 40_000)
    env = {**os.environ, "HUB_HOME": str(hub_home)}
    db = hub_home / "hub.db"
    proc = _kill_after_first_batch([sys.executable, "-m", "hubcli", "import", str(snapshot)], env, db,
                                   signal.SIGKILL)
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


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["papers"], ["papers", "--format", "json"], ["shuffle"], ["show", "x"], ["show", "doi:10.1/x"],
    ["papers", "--author", "Ada Lovelace", "--category", "cs.AI", "--since", "2020-01-01"],
    ["papers", "--search", "agents", "--sort", "relevance"], ["export", "--format", "json"],
])
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


# --- what a database holds, for comparing two imports ----------------------------------

def _dump(db: Path) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every stored fact except the wall-clock bookkeeping (first_seen, changed_at)."""
    queries = {
        "papers": "SELECT id, key, arxiv_id, version, doi, title, abstract, authors, published, updated,"
                  " announce_type, categories, primary_category, url, pdf_url, journal FROM papers ORDER BY id",
        "authors": "SELECT * FROM authors ORDER BY id",
        "paper_authors": "SELECT * FROM paper_authors ORDER BY paper_id, position",
        "paper_categories": "SELECT * FROM paper_categories ORDER BY paper_id, category",
        "paper_sources": "SELECT paper_id, source_id FROM paper_sources ORDER BY paper_id, source_id",
        "fts": "SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'graphs OR study OR paper' ORDER BY rowid",
    }
    with sqlite3.connect(db) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in queries.items()}


def _healthy(db: Path) -> None:
    """Integrity, the full-text index in step with the papers, every index back, no load pending."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)")
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert set(INDEXED) <= names
        assert conn.execute("SELECT count(*) FROM state WHERE key IN ('fts_from', 'bulk_indexes')").fetchone()[0] == 0
        papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM papers_fts_docsize").fetchone()[0] == papers


def test_kaggle_reimport_changes_nothing(hub, hub_home: Path) -> None:  # type: ignore[no-untyped-def]
    path = corpus_file("arxiv-kaggle-metadata-oai-snapshot-head.jsonl")
    assert hub("import", str(path)).exit_code == 0
    before = _dump(hub_home / "hub.db")
    assert hub("import", str(path)).exit_code == 0
    assert _dump(hub_home / "hub.db") == before
    _healthy(hub_home / "hub.db")


def test_oai_reimport_changes_nothing_and_merges_with_kaggle(hub, hub_home: Path) -> None:  # type: ignore[no-untyped-def]
    files = [corpus_file(n) for n in ("arxiv-oai-pmh-listrecords-arXiv-format-hep-th-2017.xml",
                                      "arxiv-oai-pmh-listrecords-arXiv-format-hep-ex-2017.xml")]
    for path in files:
        assert "3 new" in hub("import", str(path)).stderr
    before = _dump(hub_home / "hub.db")
    for path in files:
        assert "0 new, 0 updated, 3 unchanged" in hub("import", str(path)).stderr
    assert _dump(hub_home / "hub.db") == before
    # the same identity as sync: a paper from two sources is one row remembering both
    kaggle = corpus_file("arxiv-kaggle-metadata-oai-snapshot-head.jsonl")
    assert hub("import", str(kaggle)).exit_code == 0
    assert _count(hub) == 206
    _healthy(hub_home / "hub.db")


# --- a richer synthetic snapshot: shared authors, TeX names, repeats, newer versions ---------

_SURNAMES = ["M\\\"uller", "Smith", "Wang", "Garc\\'ia", "Nguyen", "Dvo\\v{r}\\'ak", "Lee", "O'Brien", "Zhang"]


def _rich_snapshot(path: Path, n: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    people = [[rng.choice(_SURNAMES), rng.choice(["A.", "Bo", "J\\\"urgen", "Li", "Maria", "Q. R."]), ""]
              for _ in range(max(20, n // 4))]
    with path.open("w") as out:
        for i in range(n):
            authors = rng.sample(people, rng.randint(1, 6))
            if rng.random() < 0.05:
                authors.append(authors[0])  # a name listed twice
            versions = [{"version": f"v{v + 1}", "created": f"Mon, {v + 1} Jun 2020 10:00:00 GMT"}
                        for v in range(rng.randint(1, 3))]
            record = {
                "id": f"2006.{i:05d}", "title": f"Paper {i} on graphs\n  and more", "abstract": "  We study. " * 8,
                "categories": " ".join(rng.sample(["cs.LG", "stat.ML", "hep-th", "math.CO"], rng.randint(1, 3))),
                "authors": "", "authors_parsed": authors, "versions": versions, "update_date": "2020-06-09",
                "doi": f"10.1000/x{i}" if i % 3 == 0 else None, "journal-ref": "J. Phys. 1 (2020)" if i % 4 else None,
            }
            out.write(json.dumps(record) + "\n")
            if rng.random() < 0.02:  # the same paper again later in the file, one version newer
                record = {**record, "title": f"Paper {i} on graphs, revised",
                          "versions": [*versions, {"version": f"v{len(versions) + 1}",
                                                   "created": "Fri, 9 Oct 2020 10:00:00 GMT"}]}
                out.write(json.dumps(record) + "\n")


def _import_in_process(hub_home: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch, *, bulk: bool,
                       cache: int = 250_000) -> str:
    from hubcli.cli.main import main
    from hubcli.store import bulk as bulk_module

    monkeypatch.setenv("HUB_HOME", str(hub_home))
    monkeypatch.setattr(bulk_module, "BULK_MIN_PAPERS", 10 if bulk else 10**12)
    monkeypatch.setattr(bulk_module, "AUTHOR_CACHE_LIMIT", cache)
    from contextlib import redirect_stderr
    from io import StringIO

    err = StringIO()
    with redirect_stderr(err):
        assert main(["import", str(snapshot)]) == 0
    return err.getvalue()


def test_bulk_load_stores_exactly_what_incremental_import_stores(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot = tmp_path / "rich.jsonl"
    _rich_snapshot(snapshot, 3000)
    incremental = _import_in_process(tmp_path / "a", snapshot, monkeypatch, bulk=False)
    bulk = _import_in_process(tmp_path / "b", snapshot, monkeypatch, bulk=True, cache=7)  # tiny author cache
    assert incremental.split("(")[0] == bulk.split("(")[0]  # same new/updated/unchanged counts
    assert "updated" in bulk and " 0 updated" not in bulk  # the repeated records were merged
    assert _dump(tmp_path / "a" / "hub.db") == _dump(tmp_path / "b" / "hub.db")
    _healthy(tmp_path / "a" / "hub.db")
    _healthy(tmp_path / "b" / "hub.db")
    # and re-importing into the bulk-loaded cache changes nothing
    again = _import_in_process(tmp_path / "b", snapshot, monkeypatch, bulk=False)
    assert " 0 new, 0 updated" in again
    assert _dump(tmp_path / "a" / "hub.db") == _dump(tmp_path / "b" / "hub.db")


def test_sync_during_a_bulk_load_keeps_the_full_text_index_right(tmp_path: Path, hub_home: Path) -> None:
    """Writers that are not the import (sync, here PaperWriter directly) work while a load is
    pending: new papers wait for the catch-up, updates of indexed papers re-index them."""
    from hubcli.models import Paper
    from hubcli.store.bulk import BulkWriter
    from hubcli.store.db import open_store
    from hubcli.store.write import store_papers
    from hubcli.sync_models import Source

    store = open_store(hub_home / "hub.db")
    assert store is not None
    source = Source("import:kaggle", "import", "arXiv", "x")
    first = [Paper(key=f"arxiv:2001.{i:05d}", title=f"old title {i}", abstract="alpha", authors=["A B"],
                   version=1, published="2020-01-01") for i in range(20)]
    BulkWriter(store, source).write(first)  # indexed the ordinary way
    writer = BulkWriter(store, source, expected=10**9)  # a bulk load: indexes dropped, fts_from set
    assert writer.bulk_load
    writer.write([Paper(key=f"arxiv:2002.{i:05d}", title="bulk beta", authors=["C D"], published="2020-02-01")
                  for i in range(30)])
    feed = Source("arxiv:cs.LG", "arxiv", "arXiv (CS.LG)", "http://x")
    store_papers(store, feed, [
        Paper(key="arxiv:2001.00003", title="gamma renamed", abstract="alpha", authors=["A B"], version=2,
              published="2020-01-01"),
        Paper(key="arxiv:2002.00004", title="delta renamed", authors=["C D"], version=2, published="2020-02-01"),
        Paper(key="arxiv:2003.00001", title="epsilon from sync", authors=["E F"], published="2020-03-01"),
    ])
    writer.finish()
    store.close()
    _healthy(hub_home / "hub.db")
    with sqlite3.connect(hub_home / "hub.db") as conn:
        def hits(term: str) -> int:
            return conn.execute("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?", (term,)).fetchone()[0]

        assert (hits("gamma"), hits("delta"), hits("epsilon"), hits("beta"), hits("old")) == (1, 1, 1, 29, 19)


def _kill_after_first_batch(args: list[str], env: dict[str, str], db: Path, sig: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if db.exists():
            try:
                with sqlite3.connect(db) as conn:
                    if conn.execute("SELECT count(*) FROM papers").fetchone()[0] > 0:
                        break
            except sqlite3.Error:
                pass
        time.sleep(0.02)
    proc.send_signal(sig)
    proc.wait(timeout=120)
    return proc


_BULK_IMPORT = (
    "import sys\nimport hubcli.store.bulk as b\nb.BULK_MIN_PAPERS = 1000\n"
    "import hubcli.snapshots as i\ni.BATCH = 2000\nfrom hubcli.cli.main import main\n"
    "sys.exit(main(['import', sys.argv[1]]))\n"
)


@pytest.mark.slow
def test_bulk_load_killed_then_rerun(tmp_path: Path, hub_home: Path) -> None:
    snapshot = tmp_path / "snap.jsonl"
    _synthetic_snapshot(snapshot, 30_000)
    env = {**os.environ, "HUB_HOME": str(hub_home)}
    db = hub_home / "hub.db"
    _kill_after_first_batch([sys.executable, "-c", _BULK_IMPORT, str(snapshot)], env, db, signal.SIGKILL)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
        pending = dict(conn.execute("SELECT key, value FROM state WHERE key IN ('fts_from', 'bulk_indexes')"))
    assert 0 < partial < 30_000 and pending["fts_from"] == "1"  # the load is recorded, not finished
    # the cache is usable meanwhile (without its secondary indexes, and search finds nothing yet)
    listed = subprocess.run([sys.executable, "-m", "hubcli", "papers", "--author", "A. Author", "--format", "json"],
                            env=env, capture_output=True, text=True, check=True)
    assert len(json.loads(listed.stdout)) == 10
    rerun = subprocess.run([sys.executable, "-c", _BULK_IMPORT, str(snapshot)], env=env, capture_output=True,
                           text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{30_000 - partial} new, 0 updated, {partial} unchanged" in rerun.stderr
    _healthy(db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'graphs'").fetchone()[0] == 30_000


def test_bulk_load_ctrl_c_still_builds_the_indexes(tmp_path: Path, hub_home: Path) -> None:
    snapshot = tmp_path / "snap.jsonl"
    _synthetic_snapshot(snapshot, 30_000)
    env = {**os.environ, "HUB_HOME": str(hub_home)}
    proc = _kill_after_first_batch([sys.executable, "-c", _BULK_IMPORT, str(snapshot)], env, hub_home / "hub.db",
                                   signal.SIGINT)
    assert proc.returncode == 130
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert "new, 0 updated" in stderr and stderr.strip().splitlines()[-1].lower().startswith("error")
    _healthy(hub_home / "hub.db")  # what was loaded is indexed and searchable


def _write_oai(path: Path, n: int) -> None:
    record = (
        "<record><header><identifier>oai:arXiv.org:{id}</identifier></header><metadata>"
        '<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>{id}</id><created>2017-01-02</created>'
        "<authors><author><keyname>Hoehn</keyname><forenames>Philipp</forenames></author></authors>"
        "<title>Title {id}</title><categories>hep-th</categories><abstract>" + "words " * 150 +
        "</abstract></arXiv></metadata></record>\n"
    )
    with path.open("w") as out:
        out.write('<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>\n')
        for i in range(n):
            out.write(record.format(id=f"1701.{i:05d}"))
        out.write("</ListRecords></OAI-PMH>\n")


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "packed"), [("kaggle", ""), ("oai", ""), ("kaggle", "gz"), ("oai", "zip")])
def test_reading_a_file_streams(fmt: str, packed: str, tmp_path: Path) -> None:
    """Python memory while reading stays flat whatever the file's length (compressed too)."""
    import gzip
    import shutil
    import zipfile

    from hubcli.snapshots import ImportProgress, iter_papers

    def peak(n: int) -> int:
        path = tmp_path / f"{fmt}-{n}"
        (_synthetic_snapshot if fmt == "kaggle" else _write_oai)(path, n)
        if packed == "gz":
            with path.open("rb") as plain, gzip.open(path.with_suffix(".gz"), "wb") as out:
                shutil.copyfileobj(plain, out)
            path = path.with_suffix(".gz")
        elif packed == "zip":
            with zipfile.ZipFile(path.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(path, path.name)
            path = path.with_suffix(".zip")
        tracemalloc.start()
        _fmt, papers, handle = iter_papers(path, ImportProgress(), max_bytes=1 << 30)
        with handle:
            for _ in papers:
                pass
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    small, large = peak(2_000), peak(20_000)
    assert large < small * 1.5 + 256 * 1024, (small, large)


@pytest.mark.slow
def test_importing_streams(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole import (reading, batching, writing) holds about one batch in memory."""
    import hubcli.snapshots as importer

    monkeypatch.setattr(importer, "BATCH", 1000)

    def peak(n: int) -> int:
        snapshot = tmp_path / f"snap-{n}.jsonl"
        _synthetic_snapshot(snapshot, n)
        tracemalloc.start()
        _import_in_process(tmp_path / f"home-{n}", snapshot, monkeypatch, bulk=False, cache=20)
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    peak(100)  # first: the one-time cost of importing modules and creating the schema
    small, large = peak(2_000), peak(12_000)
    assert large < small * 1.5, (small, large)


# --- the XML guard on the OAI-PMH path (issue 9, item 4) --------------------------------

READ_SIZE = 16 * 1024  # what ElementTree's iterparse reads at a time


def _straddling_oai(tmp_path: Path) -> Path:
    """The real OAI-PMH response with an entity used in the first title, declared so that
    ``<!DOCTYPE`` straddles the first 16 KiB read and ``<!ENTITY`` the second (a harvester's
    long comment and a commented DTD pad the prolog, as both may)."""
    real = corpus_file("arxiv-oai-pmh-listrecords-arXiv-format-hep-th-2017.xml").read_bytes()
    decl, rest = real.split(b"\n", 1)
    head = decl + b"\n<!-- ListRecords harvested from export.arxiv.org/oai2 (http://www.openarchives.org/OAI/2.0/) "
    head += b"x" * (READ_SIZE - 4 - len(head) - len(b" -->\n")) + b" -->\n"
    head += b"<!DOCTYPE OAI-PMH [\n<!-- "
    head += b"y" * (2 * READ_SIZE - 4 - len(head) - len(b" -->\n")) + b" -->\n"
    head += b'<!ENTITY x "HUB-CANARY-STRADDLE">\n]>\n'
    assert head.index(b"<!DOCTYPE") == READ_SIZE - 4 and head.index(b"<!ENTITY") == 2 * READ_SIZE - 4
    rest = rest.replace(b"<title>Toolbox", b"<title>&x; Toolbox", 1)
    path = tmp_path / "listrecords.xml"
    path.write_bytes(head + rest)
    return path


def test_an_entity_declared_across_a_read_boundary_is_refused_and_nothing_stored(
        hub, tmp_path: Path, hub_home: Path) -> None:  # type: ignore[no-untyped-def]
    result = hub("import", str(_straddling_oai(tmp_path)))
    assert result.exit_code == 2
    assert result.stderr == "error: the file declares XML entities, which hub does not read\n"
    assert _count(hub) == 0
    stored = b"".join(p.read_bytes() for p in hub_home.glob("hub.db*"))
    assert b"HUB-CANARY-STRADDLE" not in stored


def test_an_oai_pmh_response_with_a_plain_doctype_is_imported(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    real = corpus_file("arxiv-oai-pmh-listrecords-arXiv-format-hep-th-2017.xml").read_bytes()
    decl, rest = real.split(b"\n", 1)
    path = tmp_path / "listrecords.xml"
    path.write_bytes(decl + b'\n<!DOCTYPE OAI-PMH SYSTEM "http://127.0.0.1:9/OAI-PMH.dtd">\n' + rest)
    result = hub("import", str(path))
    assert result.exit_code == 0 and "3 new" in result.stderr, result.stderr


# --- where snapshots come from: stdin, FIFOs, .gz, .zip (issue 9, item 8) ---------------

KAGGLE = "arxiv-kaggle-metadata-oai-snapshot-head.jsonl"
OAI = "arxiv-oai-pmh-listrecords-arXiv-format-hep-th-2017.xml"


def _compressed(tmp_path: Path, name: str, kind: str, *, suffix: str = "") -> Path:
    """A corpus file gzip- or zip-compressed into tmp (``suffix`` replaces the usual one)."""
    import gzip
    import zipfile

    data = corpus_file(name).read_bytes()
    path = tmp_path / (name + (suffix or f".{kind}"))
    if kind == "gz":
        path.write_bytes(gzip.compress(data))
    else:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"arxiv/{name}", data)  # Kaggle's one member, here in a folder
    return path


def _assert_kaggle_head_stored(hub) -> None:  # type: ignore[no-untyped-def]
    assert _count(hub) == 200
    paper = json.loads(hub("show", "0704.0001", "--format", "json").stdout)[0]
    assert paper["authors"][0] == "C. Balázs" and paper["doi"] == "10.1103/PhysRevD.76.013009"


@pytest.mark.parametrize("kind", ["gz", "zip"])
@pytest.mark.parametrize("suffix", ["", ".data"], ids=["usual-suffix", "no-telling-suffix"])
def test_gzip_and_zip_snapshots_are_imported(kind: str, suffix: str, hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kaggle = _compressed(tmp_path, KAGGLE, kind, suffix=suffix)
    first = hub("import", str(kaggle))
    assert first.exit_code == 0, first.stderr
    assert first.stderr.startswith(f"{kaggle.name}: 200 new, 0 updated, 0 unchanged (200 records")
    _assert_kaggle_head_stored(hub)
    oai = _compressed(tmp_path, OAI, kind, suffix=suffix)
    assert "3 new" in hub("import", str(oai)).stderr
    assert json.loads(hub("show", "1412.8323", "--format", "json").stdout)[0]["authors"] == ["Philipp A Hoehn"]
    again = hub("import", str(kaggle))
    assert "0 new, 0 updated, 200 unchanged" in again.stderr


def _hub_process(args: list[str], hub_home: Path, stdin: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "HUB_HOME": str(hub_home)}
    return subprocess.run([sys.executable, "-m", "hubcli", *args], env=env, stdin=stdin,  # type: ignore[call-overload]
                          capture_output=True, check=False, timeout=120)


@pytest.mark.parametrize("kind", ["plain", "gz"])
def test_standard_input_is_imported(kind: str, hub, tmp_path: Path, hub_home: Path) -> None:  # type: ignore[no-untyped-def]
    source = corpus_file(KAGGLE) if kind == "plain" else _compressed(tmp_path, KAGGLE, "gz")
    with source.open("rb") as piped:
        result = _hub_process(["import", "-"], hub_home, piped)
    assert result.returncode == 0, result.stderr
    assert result.stderr.decode().startswith("standard input: 200 new, 0 updated, 0 unchanged")
    assert result.stdout == b""
    _assert_kaggle_head_stored(hub)
    _healthy(hub_home / "hub.db")  # no size to go by: loaded in bulk into the empty cache, indexes back
    # a real pipe (not a file handed as stdin), an OAI-PMH response
    oai = corpus_file(OAI).read_bytes()
    piped_oai = subprocess.run([sys.executable, "-m", "hubcli", "import", "-"], input=oai, capture_output=True,
                               env={**os.environ, "HUB_HOME": str(hub_home)}, check=False, timeout=120)
    assert piped_oai.returncode == 0 and b"3 new" in piped_oai.stderr, piped_oai.stderr


def _through_a_fifo(tmp_path: Path, data: bytes, run) -> object:  # type: ignore[no-untyped-def]
    """``run(fifo)`` while a writer thread feeds ``data`` into a real FIFO."""
    import threading

    fifo = tmp_path / "snapshot.fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as out:  # blocks until hub opens the FIFO
            for start in range(0, len(data), 4096):  # a pipe gives what is written, in pieces
                out.write(data[start:start + 4096])

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    result = run(fifo)
    writer.join(30)
    assert not writer.is_alive(), "hub did not read the FIFO to its end"
    return result


@pytest.mark.parametrize("kind", ["plain", "gz"])
def test_a_fifo_is_imported(kind: str, hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import gzip

    data = corpus_file(KAGGLE).read_bytes()
    result = _through_a_fifo(tmp_path, gzip.compress(data) if kind == "gz" else data,
                             lambda fifo: hub("import", str(fifo)))
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert result.stderr.startswith("snapshot.fifo: 200 new")  # type: ignore[attr-defined]
    _assert_kaggle_head_stored(hub)


def test_progress_counts_bytes_of_the_compressed_input(tmp_path: Path) -> None:
    import gzip

    from hubcli.snapshots import ImportProgress, iter_papers

    for kind in ("gz", "zip"):
        path = _compressed(tmp_path, KAGGLE, kind)
        progress = ImportProgress()
        _fmt, papers, handle = iter_papers(path, progress, max_bytes=1 << 30)
        with handle:
            assert sum(1 for _ in papers) == 200
        size = path.stat().st_size
        assert progress.total_bytes == size < corpus_file(KAGGLE).stat().st_size / 2
        assert 0.9 * size < progress.bytes_read <= size + 64 * 1024, (kind, progress.bytes_read, size)
    data = gzip.compress(corpus_file(KAGGLE).read_bytes())

    def read(fifo: Path) -> ImportProgress:
        progress = ImportProgress()
        _fmt, papers, handle = iter_papers(fifo, progress, max_bytes=1 << 30)
        with handle:
            assert sum(1 for _ in papers) == 200
        return progress

    progress = _through_a_fifo(tmp_path, data, read)
    assert progress.total_bytes == 0 and progress.bytes_read == len(data)  # type: ignore[attr-defined]


def test_compressed_inputs_hub_cannot_read_are_one_line_and_keep_what_is_stored(
        hub, tmp_path: Path, hub_home: Path) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    assert hub("import", str(corpus_file(OAI))).exit_code == 0
    several = tmp_path / "two.zip"
    with zipfile.ZipFile(several, "w") as archive:
        archive.write(corpus_file(KAGGLE), KAGGLE)
        archive.write(corpus_file(OAI), OAI)
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(_compressed(tmp_path, KAGGLE, "gz").read_bytes()[:20_000])
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    expected = {
        several: f"error: the .zip holds 2 files ({KAGGLE}, {OAI}); hub imports a .zip of one file",
        cut: "error: cannot read " + str(cut) + ": the data is damaged or cut short (Compressed file ended",
        empty: "error: the .zip holds no file",
    }
    for path, start in expected.items():
        result = hub("import", str(path))
        assert result.exit_code == 2 and result.stderr.startswith(start), result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    with _compressed(tmp_path, KAGGLE, "zip").open("rb") as piped:
        on_a_pipe = _hub_process(["import", "-"], hub_home, piped)
    assert on_a_pipe.returncode == 2
    assert on_a_pipe.stderr.decode().startswith("error: a .zip cannot be read from a pipe")
    assert on_a_pipe.stderr.count(b"\n") == 1
    assert json.loads(hub("show", "1412.8323", "--format", "json").stdout)[0]["authors"] == ["Philipp A Hoehn"]


def test_standard_input_on_a_terminal_is_one_line_not_a_wait(hub_home: Path) -> None:
    from conftest import run_on_a_terminal

    code, screen = run_on_a_terminal(["import", "-"], {"HUB_HOME": str(hub_home)}, timeout=60)
    assert code == 2
    assert "'hub import -' reads standard input: pipe a file in" in screen and "Traceback" not in screen
