"""The merge rules of store/write.py, one by one (sync and bulk import share them)."""

from __future__ import annotations

from dataclasses import replace

from hubcli.models import Paper
from hubcli.store.write import (
    StoredRow,
    earliest_date,
    gaps_filled,
    is_newer,
    merged_categories,
    newer_version_replaces,
    plan_merge,
    primary_category_update,
    same_version_fills,
)

STORED = StoredRow(
    id=7, version=1, title="Old title", abstract="Old abstract", authors='["Ada Lovelace"]', published="2024-11-20",
    updated="2024-11-20", announce_type="cross", categories='["cs.IR", "cs.AI"]', primary_category="cs.IR", doi=None,
    journal=None, url="https://arxiv.org/abs/2411.00001", pdf_url=None, arxiv_id="2411.00001", key="arxiv:2411.00001",
)


def listing(**kw: object) -> Paper:
    base = Paper(key="arxiv:2411.00001", title="Old title", abstract="Old abstract", authors=["Ada Lovelace"],
                 arxiv_id="2411.00001", version=1, published="2024-11-20", announce_type="cross",
                 categories=["cs.IR"])
    return replace(base, **kw)  # type: ignore[arg-type]


def test_a_newer_version_replaces_text_authors_and_type() -> None:
    assert is_newer(1, 2) and is_newer(None, 1) and not is_newer(2, 2) and not is_newer(2, None)
    changes = newer_version_replaces(STORED, listing(version=2, title="New title", abstract="", authors=["A B"],
                                                     announce_type="replace", updated="2024-11-25"))
    assert changes == {"version": 2, "announce_type": "replace", "title": "New title", "authors": '["A B"]',
                       "updated": "2024-11-25"}
    assert "abstract" not in changes  # an empty abstract never wipes the stored one


def test_the_same_version_only_fills_gaps_and_takes_its_own_listing_type() -> None:
    empty = replace(STORED, abstract="", authors="[]")
    assert same_version_fills(empty, listing(abstract="Now known", authors=["Ada Lovelace"], announce_type="new")) \
        == {"abstract": "Now known", "authors": '["Ada Lovelace"]', "announce_type": "new"}
    assert same_version_fills(STORED, listing(title="Other", announce_type="cross")) == {}
    assert same_version_fills(replace(STORED, announce_type="new"), listing(announce_type="cross")) == {}


def test_any_listing_fills_a_missing_doi_journal_link_or_id() -> None:
    older = listing(version=0, doi="10.1/x", journal="J. Test", url="https://elsewhere", arxiv_id="other")
    assert gaps_filled(STORED, older) == {"doi": "10.1/x", "journal": "J. Test"}


def test_categories_are_merged_newer_first() -> None:
    assert merged_categories(["cs.IR", "cs.AI"], ["cs.LG", "cs.IR"], newer=True) == ["cs.LG", "cs.IR"]
    assert merged_categories(["cs.IR", "cs.AI"], ["cs.LG", "cs.IR"], newer=False) == ["cs.IR", "cs.AI", "cs.LG"]
    assert merged_categories(["cs.IR"], [], newer=True) == ["cs.IR"]


def test_the_primary_category_of_a_newer_version_wins() -> None:
    assert primary_category_update("cs.IR", "cs.LG", newer=True) == "cs.LG"
    assert primary_category_update("cs.IR", "cs.LG", newer=False) is None
    assert primary_category_update(None, "cs.LG", newer=False) == "cs.LG"


def test_the_earliest_date_is_kept() -> None:
    assert earliest_date("2024-11-20", "2024-10-01") == "2024-10-01"
    assert earliest_date("2024-11-20", "2024-12-01") == "2024-11-20"
    assert earliest_date(None, "2024-12-01") == "2024-12-01"
    assert earliest_date("2024-11-20", None) == "2024-11-20"


def test_an_earlier_date_alone_is_bookkeeping_not_an_update() -> None:
    plan = plan_merge(STORED, listing(published="2024-10-01"))
    assert plan.changes == {"published": "2024-10-01"} and not plan.substantive
    own = plan_merge(STORED, listing(announce_type="new"))
    assert own.changes == {"announce_type": "new"} and not own.substantive
    assert plan_merge(STORED, listing()).changes == {}
    assert plan_merge(STORED, listing(version=2, title="New")).substantive
