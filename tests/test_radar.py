"""Follow, radar, show/open, author backfill: against a loopback arXiv mirror."""

from __future__ import annotations

import json
from pathlib import Path

from feedgen import Item, arxiv_api, arxiv_rss


def _ids(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [p["id"] for p in json.loads(result.stdout)]


def test_follow_list_unfollow(hub) -> None:  # type: ignore[no-untyped-def]
    assert hub("follow", "Lichan Hong").exit_code == 0
    assert hub("follow", "--topic", "recsys").exit_code == 0
    assert hub("follow", "--category", "cs.ir").exit_code == 0
    again = hub("follow", "Lichan  Hong")
    assert again.exit_code == 0 and "already" in again.stderr
    listed = json.loads(hub("following", "--json").stdout)
    assert {(f["kind"], f["value"]) for f in listed} == {
        ("author", "Lichan Hong"), ("topic", "recsys"), ("category", "cs.IR")}
    assert hub("unfollow", "--category", "cs.IR").exit_code == 0
    missing = hub("unfollow", "--category", "cs.IR")
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1
    assert hub("follow", "--topic", "no-such-topic").exit_code == 2
    assert hub("follow").exit_code == 2


def test_radar_shows_new_then_nothing_then_a_new_day(hub, arxiv_mirror) -> None:  # type: ignore[no-untyped-def]
    day1 = [Item("2606.00001", "Two-tower retrieval", ["Lichan Hong", "Ed H. Chi"], categories=["cs.IR"]),
            Item("2606.00002", "Protein folding", ["Someone Else"], categories=["q-bio.BM"]),
            Item("2606.00003", "A recommender for papers", ["Ann Other"], categories=["cs.LG"])]
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, day1 if cat == "cs.IR" else []))
    hub("follow", "Lichan Hong")
    hub("follow", "--topic", "recsys")
    hub("sync")
    first = hub("radar", "--format", "json")
    assert first.exit_code == 0
    assert sorted(_ids(first)) == ["arxiv:2606.00001", "arxiv:2606.00003"]
    panels = hub("radar", "--format", "panels", "--peek")
    assert panels.exit_code == 0 and panels.stdout.strip() == ""  # peek after a real radar: nothing new, said once
    assert panels.stderr == "nothing new on your radar since last time\n"
    second = hub("radar", "--format", "json")
    assert _ids(second) == [] and "nothing new" in second.stderr
    # a new day: a new paper and a new version of a followed author's paper
    day2 = [Item("2606.00001", "Two-tower retrieval, revised", ["Lichan Hong", "Ed H. Chi"], version=2,
                 announce="replace", categories=["cs.IR"]),
            Item("2606.00009", "Unrelated optics", ["Nobody Known"], categories=["physics.optics"])]
    arxiv_mirror.serve("/rss/cs.IR", arxiv_rss("cs.IR", day2, date="Tue, 28 Apr 2026 00:00:00 -0400"))
    hub("sync")
    third = hub("radar", "--format", "json")
    papers = json.loads(third.stdout)
    assert [p["id"] for p in papers] == ["arxiv:2606.00001"]
    assert papers[0]["version"] == 2 and papers[0]["title"] == "Two-tower retrieval, revised"


def test_radar_panels_say_why(hub, arxiv_mirror) -> None:  # type: ignore[no-untyped-def]
    items = [Item("2606.00011", "Sequential recommendation", ["Lichan Hong"], categories=["cs.IR"])]
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, items if cat == "cs.IR" else []))
    hub("follow", "Lichan Hong")
    hub("follow", "--topic", "recsys")
    hub("sync")
    shown = hub("radar", "--format", "panels")
    assert "Authors: Lichan Hong" in shown.stdout and "Topic: recsys" in shown.stdout
    assert "\x1b" not in shown.stdout


def test_sync_author_backfills_from_the_api_paced(hub, arxiv_mirror, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from hubcli.sources import arxiv_api

    monkeypatch.setattr(arxiv_api, "PAGE_SIZE", 2)
    monkeypatch.setattr(arxiv_api.PACER, "interval", 0.3)
    monkeypatch.setattr(arxiv_api.PACER, "_last", None)
    pages = [
        arxiv_api_page([Item("2101.00001", "Old work one", ["Lichan Hong"], version=3),
                        Item("2101.00002", "Old work two", ["Lichan Hong", "X Y"])]),
        arxiv_api_page([Item("2101.00003", "Older work", ["Lichan Hong"])]),
    ]
    arxiv_mirror.routes["/api/query"] = lambda req: pages.pop(0) if len(pages) > 1 else pages[0]
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, []))
    result = hub("sync", "--author", "Lichan Hong")
    assert result.exit_code == 0, result.stderr
    assert "Lichan Hong" in result.stderr
    hits = arxiv_mirror.hits("/api/query")
    assert len(hits) == 2
    assert "au%3A%22Lichan+Hong%22" in hits[0].path and "sortOrder=descending" in hits[0].path
    # the pace is measured between the requests the server saw, not slept by the test
    assert hits[1].time - hits[0].time >= 0.3
    listed = json.loads(hub("papers", "--author", "Hong, Lichan", "--format", "json").stdout)
    assert sorted(p["id"] for p in listed) == ["arxiv:2101.00001", "arxiv:2101.00002", "arxiv:2101.00003"]
    assert next(p for p in listed if p["id"] == "arxiv:2101.00001")["version"] == 3


def arxiv_api_page(items):  # type: ignore[no-untyped-def]
    from conftest import Response

    return Response(arxiv_api(items), headers={"Content-Type": "application/atom+xml"})


def test_api_error_document_is_an_error_not_a_paper(hub, arxiv_mirror) -> None:  # type: ignore[no-untyped-def]
    from conftest import Response

    error_doc = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        b"<id>https://arxiv.org/api/x</id><title>arXiv Search Results</title>"
        b"<entry><id>https://arxiv.org/api/errors#incorrect_id_format_for_abc</id><title>Error</title>"
        b"<summary>incorrect id format for abc</summary><author><name>arXiv api core</name></author></entry></feed>"
    )
    arxiv_mirror.routes["/api/query"] = Response(error_doc, status=200)
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, []))
    result = hub("sync", "--author", "abc")
    assert result.exit_code == 1
    assert "incorrect id format for abc" in result.stderr
    assert json.loads(hub("papers", "--format", "json").stdout) == []


def test_show_and_open(hub, arxiv_mirror, browser: Path) -> None:  # type: ignore[no-untyped-def]
    items = [Item("2606.00021", "Shown paper", ["Lichan Hong", "Jürgen Schmidhuber"], version=2,
                  doi="10.1000/xyz.1", journal_ref="Journal of Tests 1 (2026)", categories=["cs.IR", "cs.LG"])]
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, items if cat in ("cs.IR", "cs.LG") else []))
    hub("sync")
    for ident in ("2606.00021", "2606.00021v1", "arxiv:2606.00021", "10.1000/xyz.1", "doi:10.1000/XYZ.1"):
        shown = hub("show", ident)
        assert shown.exit_code == 0, ident
        for text in ("Shown paper", "Jürgen Schmidhuber", "v2", "10.1000/xyz.1", "Journal of Tests",
                     "arXiv (CS.IR)", "arXiv (CS.LG)", "https://arxiv.org/abs/2606.00021"):
            assert text in shown.stdout, (ident, text)
    missing = hub("show", "2699.99999")
    assert missing.exit_code == 1 and missing.stdout == "" and "Traceback" not in missing.stderr
    # the browser call is observed through $BROWSER, not launched (the browser fixture)
    opened = hub("open", "2606.00021")
    assert opened.exit_code == 0
    assert browser.read_text().strip() == "https://arxiv.org/abs/2606.00021"


def test_followed_authors_are_backfilled_by_a_full_sync_once_a_day(hub, arxiv_mirror, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from hubcli.sources import arxiv_api

    monkeypatch.setattr(arxiv_api.PACER, "interval", 0.0)
    arxiv_mirror.routes["/api/query"] = arxiv_api_page([Item("2001.00042", "Earlier work", ["Lichan Hong"])])
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, []))
    hub("follow", "Lichan Hong")
    first = hub("sync")
    assert first.exit_code == 0, first.stderr
    assert len(arxiv_mirror.hits("/api/query")) == 1
    assert "author backfill for Lichan Hong: 1 new" in first.stderr
    radar = json.loads(hub("radar", "--format", "json").stdout)
    assert [p["id"] for p in radar] == ["arxiv:2001.00042"]  # the followed author's earlier work
    hub("sync")
    assert len(arxiv_mirror.hits("/api/query")) == 1  # not again within the day
    hub("sync", "arxiv:cs.IR")
    assert len(arxiv_mirror.hits("/api/query")) == 1  # a partial sync never backfills
