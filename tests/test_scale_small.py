"""The scale benchmark's pieces at a small N: a synthetic snapshot (bench/synth.py) bulk-loaded
by hub gives the same answers as the stdlib floor (bench/floor.py), and the query plans
that drive from the link tables give the same pages and counts as the plain SQL."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import floor  # noqa: E402
import synth  # noqa: E402

N = 4000


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(hub database, floor database) holding the same synthetic snapshot."""
    from hubcli.cli.main import main
    from hubcli.store import bulk

    work = tmp_path_factory.mktemp("scale")
    snapshot = work / "snap.jsonl"
    synth.generate(N, snapshot, seed=11)
    floor_db = work / "floor.db"
    with contextlib.redirect_stderr(io.StringIO()):
        floor.build(str(snapshot), str(floor_db))
    hub_db = work / "hub.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "BULK_MIN_PAPERS", 100)  # the bulk load, as for a real snapshot
        patch.setenv("HUB_HOME", str(work / "home"))
        with contextlib.redirect_stderr(io.StringIO()) as err:
            assert main(["--db", str(hub_db), "import", str(snapshot)]) == 0
    assert f"{N} new" in err.getvalue()
    yield hub_db, floor_db


def _hub_ids(hub_db: Path, *args: str) -> list[str]:
    from conftest import run_hub

    result = run_hub("--db", str(hub_db), *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [p["id"] for p in json.loads(result.stdout)]


def _floor_ids(floor_db: Path, *args: str) -> list[str]:
    out = io.StringIO()
    saved = sys.argv
    sys.argv = ["floor.py", *args[:1], str(floor_db), *args[1:]]
    try:
        with contextlib.redirect_stdout(out):
            floor.main()
    finally:
        sys.argv = saved
    return [p["id"] for p in json.loads(out.getvalue())]


def _since(floor_db: Path) -> str:
    with sqlite3.connect(floor_db) as conn:
        return str(conn.execute("SELECT published FROM papers ORDER BY published DESC LIMIT 1 OFFSET ?",
                                (N // 20,)).fetchone()[0])


@pytest.mark.parametrize("query", [
    ["--author", "Jurgen Prolifico"], ["--author", "Jürgen Prolifico", "--page", "3"], ["--author", "S. Wang"],
    ["--category", "cs.LG"], ["--category", "cs.LG", "--page", "7"], ["--category", "hep-th"], ["since"],
    ["--search", "graphene", "--sort", "relevance"], ["--search", "graphene", "--sort", "relevance", "--page", "4"],
])
def test_hub_answers_like_the_floor(built: tuple[Path, Path], query: list[str]) -> None:
    hub_db, floor_db = built
    if query == ["since"]:
        query = ["--since", _since(floor_db)]
    hub_args = ["-p" if a == "--page" else a for a in query]
    expected = _floor_ids(floor_db, "papers", *query)
    assert expected, "the query should match something"
    assert _hub_ids(hub_db, "papers", *hub_args) == expected


def test_the_snapshot_has_the_promised_shape(built: tuple[Path, Path]) -> None:
    hub_db, _ = built
    with sqlite3.connect(hub_db) as conn:
        links = conn.execute("SELECT count(*) FROM paper_authors").fetchone()[0]
        prolific = conn.execute("SELECT count(*) FROM paper_authors pa JOIN authors a ON a.id = pa.author_id"
                                " WHERE a.name = 'Jürgen Prolifico'").fetchone()[0]
        accented = conn.execute("SELECT count(*) FROM authors WHERE name LIKE '%ü%' OR name LIKE '%á%'").fetchone()[0]
        searchable = conn.execute("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'graphene'").fetchone()[0]
    assert 4.0 < links / N < 6.5  # ~5 authors a paper
    assert prolific > N * 0.01 and accented > 0
    assert N * 0.02 < searchable < N * 0.06


COMBINATIONS = [
    {"authors": ["S. Wang"], "categories": ["cs.LG"]},
    {"authors": ["Jurgen Prolifico"], "since": "2015-01-01", "until": "2022-12-31"},
    {"authors": ["Jurgen Prolifico", "S. Wang"]},
    {"categories": ["cs.LG", "cs.CV"]},
    {"categories": ["cs.LG"], "search": "graphene"},
    {"categories": ["hep-th"], "since": "2020-01-01"},
    {"authors": ["S. Wang"], "search": "the"},
    {"categories": ["cs.LG"], "unseen": True},
    {"search": "graphene", "since": "2018-01-01"},
    {"since": "2024-01-01"},
    {},
]


@pytest.mark.parametrize(("spec", "sort"), [(spec, "date") for spec in COMBINATIONS]
                         + [(spec, "relevance") for spec in COMBINATIONS if "search" in spec],
                         ids=lambda value: value if isinstance(value, str) else ",".join(value) or "none")
def test_driven_plans_match_plain_sql(built: tuple[Path, Path], spec: dict[str, object], sort: str) -> None:
    """Counts and pages from the link-table plans equal the plain ``papers p WHERE …`` SQL."""
    from hubcli.config import load_settings
    from hubcli.filters import Filters
    from hubcli.resolve import resolve
    from hubcli.store.db import open_store
    from hubcli.store.query import build_selection, count, list_page

    hub_db, _ = built
    store = open_store(hub_db, create=False)
    assert store is not None
    try:
        filters = Filters(**{k: tuple(v) if isinstance(v, list) else v for k, v in spec.items()})  # type: ignore[arg-type]
        sel = build_selection(store, resolve(filters, load_settings(None)))
        if sort == "relevance":
            order = "bm25(papers_fts, 5.0, 1.0, 2.0), p.published DESC, p.id DESC"
            sql = (f"SELECT p.id FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid"
                   f" WHERE papers_fts MATCH ? AND {sel.sql()} ORDER BY {order}")
            expected = [r[0] for r in store.conn.execute(sql, [sel.fts, *sel.params])]
        else:
            sql = f"SELECT p.id FROM papers p WHERE {sel.sql()} ORDER BY p.published DESC, p.id DESC"
            expected = [r[0] for r in store.conn.execute(sql, sel.params)]
        assert count(store, sel) == len(expected)
        got: list[int] = []
        for page in range(1, 4):
            got += [p.rowid for p in list_page(store, sel, page=page, per_page=7, sort=sort).papers]  # type: ignore[misc]
        assert got == expected[:21]
    finally:
        store.close()


def test_shuffle_goes_round_a_driven_selection(built: tuple[Path, Path]) -> None:
    from conftest import run_hub

    hub_db, _ = built
    total = len(_floor_ids_all(built[1]))
    seen: list[str] = []
    for _ in range(-(-total // 10)):
        result = run_hub("--db", str(hub_db), "shuffle", "--author", "Jurgen Prolifico", "-n", "10", "--format", "json")
        seen += [p["id"] for p in json.loads(result.stdout)]
    assert len(set(seen[:total])) == total  # every paper once before any comes back


def _floor_ids_all(floor_db: Path) -> list[int]:
    with sqlite3.connect(floor_db) as conn:
        return [r[0] for r in conn.execute(
            "SELECT pa.paper_id FROM paper_authors pa JOIN authors a ON a.id = pa.author_id"
            " WHERE a.name = 'Jürgen Prolifico'")]
