"""Selections are closed: every condition goes through their API, so the fast plans stay on."""

from __future__ import annotations

from hubcli.store.query import Link, Selection


def test_conditions_added_through_the_api_keep_the_link_driver() -> None:
    sel = Selection()
    sel.add_link(Link("paper_authors", "author_id", [3]))
    sel.add_changed_since("2024-11-28T00:00:00Z")
    assert sel.driver() is not None and sel.driver() is sel.clauses[0].link
    where, params = sel.per_paper()
    assert where.startswith("EXISTS (SELECT 1 FROM paper_authors x WHERE x.paper_id = p.id")
    assert params == [3, "2024-11-28T00:00:00Z"]
    sel.where.append("1 = 0")  # the SQL text is derived, not a list to append to
    assert "1 = 0" not in sel.sql()


def test_any_of_several_selections_and_the_search_set_aside() -> None:
    a = Selection()
    a.add_link(Link("paper_categories", "category", ["cs.IR"]))
    b = Selection()
    b.add_search('"graph"')
    radar = Selection()
    radar.add_any([a, b])
    radar.add_changed_since("")
    assert radar.params == ["cs.IR", '"graph"', ""]
    assert radar.sql().startswith("((p.id IN (SELECT l.paper_id FROM paper_categories l")
    both = Selection()
    both.add_search('"graph"')
    both.add_changed_since("x")
    assert both.without_search() == (["p.changed_at > ?"], ["x"])
    assert not both.fts_only() and b.fts_only()
