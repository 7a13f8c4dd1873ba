"""Resolve, then query: what the user meant becomes a plain value once (``hubcli.resolve``),
and the store turns only that value into SQL; selections are closed; one column list and
one JSON shape of a paper; the library's order and size rule live in ``api.recommend``."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hubcli.api.session import Session
from hubcli.config import load_settings
from hubcli.errors import UsageError
from hubcli.filters import make_filters
from hubcli.keys import paper_key
from hubcli.models import LibraryState, Paper
from hubcli.queries import Query
from hubcli.resolve import paper_ref, resolve
from hubcli.store import library, query
from hubcli.store.db import Store, open_store
from hubcli.store.papers import PAPER_COLUMNS, find_paper
from hubcli.store.write import STORED_COLUMNS, store_papers
from hubcli.sync_models import Source


def _paper(n: int, title: str, authors: list[str], cats: list[str], day: str) -> Paper:
    arxiv_id = f"2401.{n:05d}"
    return Paper(key=paper_key(arxiv_id=arxiv_id), title=title, abstract=f"About {title.lower()}.",
                 authors=authors, arxiv_id=arxiv_id, version=1, published=day, categories=cats,
                 primary_category=cats[0], url=f"https://arxiv.org/abs/{arxiv_id}")


@pytest.fixture
def fresh(hub_home: Path) -> Store:
    store = open_store(load_settings().paths.database)
    assert store is not None
    store_papers(store, Source("arxiv:cs.IR", "arxiv", "arXiv (CS.IR)", "http://x/cs.IR"), [
        _paper(1, "Dense retrieval at scale", ["Lichan Hong", "Ed Chi"], ["cs.IR"], "2024-01-03"),
        _paper(2, "Graph learning", ["Dina Demner-Fushman"], ["cs.LG", "cs.IR"], "2024-01-02"),
        _paper(3, "Retrieval for recommendation", ["L. Hong"], ["cs.IR"], "2024-01-01"),
    ])
    return store


def _ids(store: Store, filters_query: Query) -> list[str]:
    sel = query.build_selection(store, filters_query)
    return [p.key for p in query.list_page(store, sel, page=1, per_page=10).papers]


def test_resolve_gives_a_plain_value_the_store_reads_alone() -> None:
    settings = load_settings()
    resolved = resolve(make_filters(authors=["Demner-Fushman", "Hong, Lichan"], categories=["CS.ir"],
                                    topic="nlp", search='dense "retrieval"'), settings)

    assert dataclasses.is_dataclass(resolved) and resolved.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert resolved.category_sets == (("cs.CL",), ("cs.IR",))  # the topic's categories, then --category
    assert resolved.search is not None and resolved.search.endswith('("dense" "retrieval")')
    compound, plain = resolved.authors
    assert compound.compound == ("demner", "fushman") and compound.surname == "fushman"
    assert (plain.surname, plain.given_initial, plain.given) == ("hong", "l", ("lichan",))
    with pytest.raises(UsageError):
        resolve(make_filters(search="***"), settings)


def test_the_store_matches_what_was_resolved(fresh: Store) -> None:
    settings = load_settings()
    with fresh:
        by = lambda **kw: _ids(fresh, resolve(make_filters(**kw), settings))  # noqa: E731
        assert by(authors=["Lichan Hong"]) == ["arxiv:2401.00001", "arxiv:2401.00003"]
        assert by(authors=["Demner-Fushman"]) == ["arxiv:2401.00002"]
        assert by(categories=["cs.lg"]) == ["arxiv:2401.00002"]
        assert by(sources=["arXiv (cs.ir)"]) == ["arxiv:2401.00001", "arxiv:2401.00002", "arxiv:2401.00003"]
        assert by(search="retrieval", until="2024-01-02") == ["arxiv:2401.00003"]
        missing = query.build_selection(fresh, resolve(make_filters(authors=["Nobody Known"]), settings))
        assert missing.impossible and missing.unmatched_authors == ["Nobody Known"]


def test_a_selection_has_no_raw_sql_door() -> None:
    import inspect

    public = {name for name in dir(query.Selection) if not name.startswith("_")}
    assert "add" not in public
    adders = [name for name in public if name.startswith("add_")]
    assert "add_saved" in adders and "add_not_dismissed" in adders and "add_journal" in adders
    for name in adders:  # one method per condition: none takes SQL text
        assert "sql" not in inspect.signature(getattr(query.Selection, name)).parameters, name


def test_one_column_list_and_one_json_shape() -> None:
    assert set(STORED_COLUMNS) == {"id", *PAPER_COLUMNS}
    paper = _paper(7, "A title", ["Ana Silva"], ["cs.IR"], "2024-02-01")
    paper.sources = ["arXiv (CS.IR)"]
    paper.library = LibraryState(saved_at="2024-02-02T00:00:00Z", tags=["x"], note="n")
    again = Paper.from_dict(paper.to_dict())
    assert again.to_dict() == paper.to_dict()
    with pytest.raises(ValueError):
        Paper.from_dict({"title": "no id"})


def test_ids_find_papers_through_their_resolved_reference(fresh: Store) -> None:
    with fresh:
        for ident in ("2401.00002", "2401.00002v3", "arxiv:2401.00002", "https://arxiv.org/abs/2401.00002"):
            found = find_paper(fresh, paper_ref(ident))
            assert found is not None and found.key == "arxiv:2401.00002", ident
        assert find_paper(fresh, paper_ref("10.1000/none")) is None


def test_the_library_order_needs_a_library(fresh: Store, hub_home: Path) -> None:
    from hubcli.api import recommend

    session = Session(settings=load_settings(), store=fresh)
    assert recommend.order_by_library(session, [1, 2, 3]) is None
    assert not recommend.library_ranks(session)
    assert recommend.first_build_notice(session) is None  # a small cache builds in seconds
    library.save(fresh, [1, 2])
    assert not recommend.library_ranks(session)  # fewer than MIN_SAVED
    assert recommend.MIN_SAVED == library.MIN_SAVED == 3
