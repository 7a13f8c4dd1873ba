"""``hub sync`` against a real loopback HTTP server and a real SQLite file.

Every test runs the real CLI in-process (the ``hub`` fixture) with ``HUB_HOME`` in a temp
dir and the arXiv mirror pointed at the loopback ``feed_server``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import hubcli
from conftest import FeedServer, Request, Response, Result
from feedgen import Item, arxiv_api, arxiv_rss, journal_rss1

DEFAULT_CATS = ("cs.AI", "cs.CL", "cs.IR", "cs.LG")
Hub = Callable[..., Result]




def serve_defaults(server: FeedServer, items: dict[str, list[Item]] | None = None, **kwargs: object) -> None:
    """Serve an arXiv RSS feed for each default subscription (missing ones: empty feeds)."""
    items = items or {}
    for cat in DEFAULT_CATS:
        server.serve(f"/rss/{cat}", arxiv_rss(cat, items.get(cat, [])), **kwargs)


def papers(hub: Hub, *args: str) -> list[dict]:
    result = hub("papers", "--format", "json", "--per-page", "1000", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["id"]: row for row in rows}


def write_config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def line_for(result: Result, label: str) -> str:
    found = [line for line in stderr_lines(result) if line.startswith(label + ":")]
    assert len(found) == 1, f"no single summary line for {label!r} in:\n{result.stderr}"
    return found[0]


ITEMS = {
    "cs.AI": [Item("2604.00001", "Scaling recommenders", ["Lichan Hong", "Ed H. Chi"]),
              Item("2604.00002", "Planning with language models", ["Ada Lovelace"])],
    "cs.CL": [Item("2604.00003", "Machine translation at scale", ["Ana Silva"], categories=["cs.CL"])],
    "cs.IR": [Item("2604.00004", "Dense retrieval", ["Maria Garcia"], categories=["cs.IR"])],
    # cs.LG: an empty feed, as arXiv publishes on weekends
}


# --- the default subscriptions -----------------------------------------------------------

def test_first_sync_of_the_defaults_reports_each_source_on_stderr(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror, ITEMS)

    result = hub("sync")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert line_for(result, "arXiv (CS.AI)") == "arXiv (CS.AI): 2 new, 0 updated, 0 unchanged"
    assert line_for(result, "arXiv (CS.CL)") == "arXiv (CS.CL): 1 new, 0 updated, 0 unchanged"
    assert line_for(result, "arXiv (CS.IR)") == "arXiv (CS.IR): 1 new, 0 updated, 0 unchanged"
    lg = line_for(result, "arXiv (CS.LG)")
    assert "empty" in lg and "weekends" in lg
    assert "4 sources: 4 new, 0 updated, 0 failed" in result.stderr
    # every default feed was fetched once, from the mirror
    assert sorted(r.path for r in arxiv_mirror.requests) == [f"/rss/{c}" for c in DEFAULT_CATS]
    assert sorted(by_id(papers(hub))) == ["arxiv:2604.00001", "arxiv:2604.00002", "arxiv:2604.00003",
                                          "arxiv:2604.00004"]


def test_second_sync_counts_unchanged_papers(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror, ITEMS)
    assert hub("sync").exit_code == 0

    result = hub("sync")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert line_for(result, "arXiv (CS.AI)") == "arXiv (CS.AI): 0 new, 0 updated, 2 unchanged"
    assert len(papers(hub)) == 4


def test_quiet_sync_prints_nothing_when_all_is_well(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror, ITEMS)

    result = hub("sync", "--quiet")

    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert len(papers(hub)) == 4


def test_one_failing_source_exits_1_and_keeps_the_others(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror, ITEMS)
    arxiv_mirror.serve("/rss/cs.CL", b"<h1>Internal Server Error</h1>", status=500,
                       headers={"Content-Type": "text/html"})

    result = hub("sync")

    assert result.exit_code == 1
    assert result.stdout == ""
    failed = line_for(result, "arXiv (CS.CL)")
    assert "failed" in failed and "HTTP 500" in failed
    assert line_for(result, "arXiv (CS.AI)") == "arXiv (CS.AI): 2 new, 0 updated, 0 unchanged"
    assert "error: 1 of 4 sources failed" in result.stderr
    assert "Traceback" not in result.stderr
    ids = set(by_id(papers(hub)))
    assert ids == {"arxiv:2604.00001", "arxiv:2604.00002", "arxiv:2604.00004"}


def test_sync_of_one_named_source_fetches_only_it(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror, ITEMS)

    result = hub("sync", "arxiv:cs.ir")

    assert result.exit_code == 0, result.stderr
    assert [r.path for r in arxiv_mirror.requests] == ["/rss/cs.IR"]
    assert stderr_lines(result) == ["arXiv (CS.IR): 1 new, 0 updated, 0 unchanged"]


def test_unreachable_mirror_fails_with_a_connection_reason(hub: Hub) -> None:
    # the autouse fixture points the arXiv mirror at 127.0.0.1:9, where nothing listens
    result = hub("sync", "arxiv:cs.AI")

    assert result.exit_code == 1
    assert "arXiv (CS.AI): failed: cannot connect to 127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


# --- conditional GET ------------------------------------------------------------------------

def test_etag_is_sent_back_and_304_reports_not_modified(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror, ITEMS, etag='"v1-abc"')
    assert hub("sync").exit_code == 0
    assert all("if-none-match" not in r.headers for r in arxiv_mirror.requests)

    result = hub("sync")

    assert result.exit_code == 0, result.stderr
    second = arxiv_mirror.hits("/rss/cs.AI")[-1]
    assert second.headers.get("if-none-match") == '"v1-abc"'
    assert line_for(result, "arXiv (CS.AI)") == "arXiv (CS.AI): not modified since last sync"
    assert len(papers(hub)) == 4  # nothing lost on a 304


def test_a_changed_etag_brings_the_new_items(arxiv_mirror: FeedServer, hub: Hub) -> None:
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", ITEMS["cs.AI"]), etag='"one"')
    assert hub("sync", "arxiv:cs.AI").exit_code == 0
    more = [*ITEMS["cs.AI"], Item("2604.00009", "A third paper", ["Ada Lovelace"])]
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", more), etag='"two"')

    result = hub("sync", "arxiv:cs.AI")

    assert arxiv_mirror.hits("/rss/cs.AI")[-1].headers.get("if-none-match") == '"one"'
    assert stderr_lines(result) == ["arXiv (CS.AI): 1 new, 0 updated, 2 unchanged"]


def test_last_modified_is_sent_back_as_if_modified_since(arxiv_mirror: FeedServer, hub: Hub) -> None:
    stamp = "Mon, 27 Apr 2026 04:00:00 GMT"
    body = arxiv_rss("cs.AI", ITEMS["cs.AI"])

    def route(request: Request) -> Response:
        if request.headers.get("if-modified-since") == stamp:
            return Response(b"", 304)
        return Response(body, headers={"Last-Modified": stamp})

    arxiv_mirror.routes["/rss/cs.AI"] = route
    assert hub("sync", "arxiv:cs.AI").exit_code == 0

    result = hub("sync", "arxiv:cs.AI")

    assert result.exit_code == 0, result.stderr
    first, second = arxiv_mirror.hits("/rss/cs.AI")
    assert "if-modified-since" not in first.headers
    assert second.headers.get("if-modified-since") == stamp
    assert stderr_lines(result) == ["arXiv (CS.AI): not modified since last sync"]
    assert len(papers(hub)) == 2


def test_a_failed_fetch_keeps_the_validators(arxiv_mirror: FeedServer, hub: Hub) -> None:
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", ITEMS["cs.AI"]), etag='"keep"')
    assert hub("sync", "arxiv:cs.AI").exit_code == 0
    arxiv_mirror.serve("/rss/cs.AI", b"oops", status=500)
    assert hub("sync", "arxiv:cs.AI").exit_code == 1
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", ITEMS["cs.AI"]), etag='"keep"')

    result = hub("sync", "arxiv:cs.AI")

    assert arxiv_mirror.hits("/rss/cs.AI")[-1].headers.get("if-none-match") == '"keep"'
    assert stderr_lines(result) == ["arXiv (CS.AI): not modified since last sync"]


# --- slowness, redirects, throttling, size, garbage ------------------------------------------

def test_a_slow_source_times_out_and_the_others_are_kept(arxiv_mirror: FeedServer, hub: Hub,
                                                           hub_home: Path) -> None:
    write_config(hub_home, "[sync]\nread_timeout = 0.5\nconnect_timeout = 0.5\n")
    serve_defaults(arxiv_mirror, ITEMS)
    arxiv_mirror.serve("/rss/cs.CL", arxiv_rss("cs.CL", ITEMS["cs.CL"]), delay=2.0)

    result = hub("sync")

    assert result.exit_code == 1
    failed = line_for(result, "arXiv (CS.CL)")
    assert "failed" in failed and "timed out" in failed
    assert "Traceback" not in result.stderr
    assert set(by_id(papers(hub))) == {"arxiv:2604.00001", "arxiv:2604.00002", "arxiv:2604.00004"}


def test_a_permanent_redirect_is_followed(arxiv_mirror: FeedServer, hub: Hub) -> None:
    arxiv_mirror.serve("/rss/cs.AI", b"", status=301, headers={"Location": "/moved/cs.AI"})
    arxiv_mirror.serve("/moved/cs.AI", arxiv_rss("cs.AI", ITEMS["cs.AI"]))

    result = hub("sync", "arxiv:cs.AI")

    assert result.exit_code == 0, result.stderr
    assert stderr_lines(result) == ["arXiv (CS.AI): 2 new, 0 updated, 0 unchanged"]
    assert [r.path for r in arxiv_mirror.requests] == ["/rss/cs.AI", "/moved/cs.AI"]
    assert all(row["sources"] == ["arXiv (CS.AI)"] for row in papers(hub))


def test_a_redirect_loop_fails_with_a_clear_reason(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror, ITEMS)
    arxiv_mirror.serve("/rss/cs.IR", b"", status=302, headers={"Location": "/loop/b"})
    arxiv_mirror.serve("/loop/b", b"", status=302, headers={"Location": "/rss/cs.IR"})

    result = hub("sync")

    assert result.exit_code == 1
    failed = line_for(result, "arXiv (CS.IR)")
    assert "failed" in failed and "too many redirects" in failed
    assert len(arxiv_mirror.requests) < 30  # gave up, did not spin
    assert "arxiv:2604.00001" in by_id(papers(hub))


def test_429_with_retry_after_is_retried(arxiv_mirror: FeedServer, hub: Hub) -> None:
    arxiv_mirror.routes["/rss/cs.AI"] = [
        Response(b"slow down", 429, headers={"Retry-After": "0"}),
        Response(arxiv_rss("cs.AI", ITEMS["cs.AI"])),
    ]

    result = hub("sync", "arxiv:cs.AI")

    assert result.exit_code == 0, result.stderr
    assert len(arxiv_mirror.hits("/rss/cs.AI")) == 2
    assert stderr_lines(result) == ["arXiv (CS.AI): 2 new, 0 updated, 0 unchanged"]


def test_429_that_never_ends_fails_after_the_retries(arxiv_mirror: FeedServer, hub: Hub, hub_home: Path) -> None:
    write_config(hub_home, "[sync]\nretries = 1\n")
    arxiv_mirror.serve("/rss/cs.AI", b"slow down", status=429, headers={"Retry-After": "0"})

    result = hub("sync", "arxiv:cs.AI")

    assert result.exit_code == 1
    assert len(arxiv_mirror.hits("/rss/cs.AI")) == 2
    assert "HTTP 429" in line_for(result, "arXiv (CS.AI)")


def test_503_with_an_http_date_retry_after_is_retried(arxiv_mirror: FeedServer, hub: Hub) -> None:
    arxiv_mirror.routes["/rss/cs.AI"] = [
        Response(b"busy", 503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),  # in the past: now
        Response(arxiv_rss("cs.AI", ITEMS["cs.AI"])),
    ]

    result = hub("sync", "arxiv:cs.AI")

    assert result.exit_code == 0, result.stderr
    assert len(arxiv_mirror.hits("/rss/cs.AI")) == 2


@pytest.mark.slow
def test_a_malformed_retry_after_falls_back_to_backoff(arxiv_mirror: FeedServer, hub: Hub) -> None:
    arxiv_mirror.routes["/rss/cs.AI"] = [
        Response(b"slow down", 429, headers={"Retry-After": "soon"}),
        Response(arxiv_rss("cs.AI", ITEMS["cs.AI"])),
    ]

    result = hub("sync", "arxiv:cs.AI")

    assert result.exit_code == 0, result.stderr
    assert len(arxiv_mirror.hits("/rss/cs.AI")) == 2
    assert stderr_lines(result) == ["arXiv (CS.AI): 2 new, 0 updated, 0 unchanged"]


def test_a_local_file_over_the_size_cap_fails(hub: Hub, hub_home: Path, tmp_path: Path) -> None:
    write_config(hub_home, "[sync]\nmax_bytes = 2048\n")
    feed = tmp_path / "big.xml"
    feed.write_bytes(arxiv_rss("cs.AI", [Item(f"2604.{i:05d}", f"P {i}", ["A B"], abstract="y" * 300)
                                         for i in range(10)]))

    result = hub("sync", str(feed))

    assert result.exit_code == 1
    assert "larger than 2048 bytes" in result.stderr
    assert papers(hub) == []


def test_a_body_over_the_size_cap_fails(arxiv_mirror: FeedServer, hub: Hub, hub_home: Path) -> None:
    write_config(hub_home, "[sync]\nmax_bytes = 2048\n")
    serve_defaults(arxiv_mirror, {"cs.CL": ITEMS["cs.CL"]})
    big = [Item(f"2604.{i:05d}", f"Paper number {i}", ["Ada Lovelace"], abstract="x" * 200) for i in range(20)]
    body = arxiv_rss("cs.AI", big)
    assert len(body) > 2048
    arxiv_mirror.serve("/rss/cs.AI", body)

    result = hub("sync")

    assert result.exit_code == 1
    failed = line_for(result, "arXiv (CS.AI)")
    assert "failed" in failed and "larger than 2048 bytes" in failed
    assert set(by_id(papers(hub))) == {"arxiv:2604.00003"}


def test_an_html_page_is_not_a_feed(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror, ITEMS)
    arxiv_mirror.serve("/rss/cs.LG", b"<!DOCTYPE html><html><head><title>Maintenance</title></head>"
                                     b"<body><h1>We'll be back soon</h1><p>arXiv is down.</p></body></html>",
                       headers={"Content-Type": "text/html; charset=utf-8"})

    result = hub("sync")

    assert result.exit_code == 1
    failed = line_for(result, "arXiv (CS.LG)")
    assert "failed" in failed and "not an RSS or Atom feed" in failed
    assert "Traceback" not in result.stderr
    assert len(papers(hub)) == 4


def test_user_agent_names_hub_and_its_version(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror, ITEMS)

    assert hub("sync").exit_code == 0

    agents = {r.headers.get("user-agent", "") for r in arxiv_mirror.requests}
    assert len(agents) == 1
    agent = agents.pop()
    assert agent.startswith(f"hub/{hubcli.__version__}")
    assert "python-requests" not in agent


# --- one identity per paper --------------------------------------------------------------------

def test_a_cross_listed_paper_is_one_row_with_both_sources(arxiv_mirror: FeedServer, hub: Hub) -> None:
    shared: dict = {"arxiv_id": "2604.01234", "title": "Sequential recommenders", "authors": ["Lichan Hong"],
                    "categories": ["cs.AI", "cs.IR"]}
    serve_defaults(arxiv_mirror, {"cs.AI": [Item(**shared, announce="new")],
                                  "cs.IR": [Item(**shared, announce="cross")]})

    result = hub("sync")

    assert result.exit_code == 0, result.stderr
    rows = papers(hub)
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == "arxiv:2604.01234"
    assert row["arxiv_id"] == "2604.01234"
    assert sorted(row["sources"]) == ["arXiv (CS.AI)", "arXiv (CS.IR)"]
    assert row["categories"] == ["cs.AI", "cs.IR"]
    # the sync summary counts it once as new, once as already known (whichever came first)
    lines = sorted([line_for(result, "arXiv (CS.AI)").split(": ", 1)[1],
                    line_for(result, "arXiv (CS.IR)").split(": ", 1)[1]])
    assert lines == ["0 new, 0 updated, 1 unchanged", "1 new, 0 updated, 0 unchanged"]
    assert "4 sources: 1 new, 0 updated, 0 failed" in result.stderr
    # both listings find it
    assert [r["id"] for r in papers(hub, "--source", "arxiv:cs.IR")] == ["arxiv:2604.01234"]
    assert [r["id"] for r in papers(hub, "--source", "arXiv (CS.AI)")] == ["arxiv:2604.01234"]


@pytest.mark.parametrize("order", [("arxiv:cs.IR", "arxiv:cs.AI"), ("arxiv:cs.AI", "arxiv:cs.IR")])
def test_announce_type_of_a_cross_list_does_not_depend_on_sync_order(arxiv_mirror: FeedServer, hub: Hub,
                                                                      order: tuple[str, str]) -> None:
    shared: dict = {"arxiv_id": "2604.01234", "title": "Sequential recommenders", "authors": ["Lichan Hong"],
                    "categories": ["cs.AI", "cs.IR"]}
    serve_defaults(arxiv_mirror, {"cs.AI": [Item(**shared, announce="new")],
                                  "cs.IR": [Item(**shared, announce="cross")]})

    first, second = (hub("sync", spec) for spec in order)

    assert first.exit_code == second.exit_code == 0
    # the second listing of the same version is no update
    assert second.stderr.endswith(": 0 new, 0 updated, 1 unchanged\n")
    row = papers(hub)[0]
    assert row["announce_type"] == "new"  # what its own (primary) listing says
    assert [r["id"] for r in papers(hub, "--type", "new")] == ["arxiv:2604.01234"]
    assert papers(hub, "--type", "cross") == []


def test_a_new_version_updates_in_place_and_an_old_one_never_reverts(arxiv_mirror: FeedServer, hub: Hub) -> None:
    v1 = Item("2604.01234", "Original title", ["Lichan Hong"], abstract="First abstract.",
              categories=["cs.AI", "cs.IR"])
    serve_defaults(arxiv_mirror, {"cs.AI": [v1]})
    assert hub("sync").exit_code == 0
    first = papers(hub)
    assert [(r["version"], r["title"], r["announce_type"]) for r in first] == [(1, "Original title", "new")]

    v2 = Item("2604.01234", "Revised title", ["Lichan Hong", "Ed H. Chi"], abstract="Second abstract.",
              version=2, announce="replace", categories=["cs.AI", "cs.IR"])
    serve_defaults(arxiv_mirror, {"cs.AI": [v1], "cs.IR": [v2]})
    result = hub("sync")

    assert result.exit_code == 0, result.stderr
    assert line_for(result, "arXiv (CS.IR)") == "arXiv (CS.IR): 0 new, 1 updated, 0 unchanged"
    rows = papers(hub)
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == "arxiv:2604.01234"
    assert (row["version"], row["title"], row["abstract"]) == (2, "Revised title", "Second abstract.")
    assert row["announce_type"] == "replace"
    assert row["authors"] == ["Lichan Hong", "Ed H. Chi"]
    assert row["pdf_url"].endswith("2604.01234v2")
    assert sorted(row["sources"]) == ["arXiv (CS.AI)", "arXiv (CS.IR)"]

    # a feed still carrying v1 afterwards changes nothing
    serve_defaults(arxiv_mirror, {"cs.AI": [v1]})
    again = hub("sync")
    assert line_for(again, "arXiv (CS.AI)") == "arXiv (CS.AI): 0 new, 0 updated, 1 unchanged"
    after = papers(hub)
    assert len(after) == 1
    assert (after[0]["version"], after[0]["title"], after[0]["abstract"]) == (2, "Revised title", "Second abstract.")
    assert after[0]["authors"] == ["Lichan Hong", "Ed H. Chi"]
    # the new version's author is searchable, and only the current title is indexed
    assert [r["id"] for r in papers(hub, "--author", "Ed Chi")] == ["arxiv:2604.01234"]
    assert papers(hub, "--search", "Original") == []
    assert [r["id"] for r in papers(hub, "--search", "Revised")] == ["arxiv:2604.01234"]


def test_show_accepts_an_id_with_any_version(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror, ITEMS)
    assert hub("sync").exit_code == 0

    for ident in ("2604.00001", "2604.00001v1", "arxiv:2604.00001", "2604.00001v7"):
        result = hub("show", ident, "--format", "json")
        assert result.exit_code == 0, (ident, result.stderr)
        assert [p["id"] for p in json.loads(result.stdout)] == ["arxiv:2604.00001"]


def test_sync_author_backfills_from_the_api_mirror(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror, ITEMS)
    arxiv_mirror.serve("/api/query", arxiv_api([
        Item("2604.00001", "Scaling recommenders, revised", ["Lichan Hong", "Ed H. Chi"], version=2),
        Item("2301.00077", "An older paper", ["Lichan Hong"], categories=["cs.IR"]),
    ]), headers={"Content-Type": "application/atom+xml"})

    result = hub("sync", "arxiv:cs.AI", "--author", "Lichan Hong")

    assert result.exit_code == 0, result.stderr
    api_calls = arxiv_mirror.hits("/api/query")
    assert len(api_calls) == 1
    query = parse_qs(urlsplit(api_calls[0].path).query)
    assert query["search_query"] == ['au:"Lichan Hong"']
    assert "Lichan Hong: 1 new, 1 updated, 0 unchanged" in result.stderr
    rows = by_id(papers(hub, "--author", "Lichan Hong"))
    assert set(rows) == {"arxiv:2604.00001", "arxiv:2301.00077"}
    assert rows["arxiv:2604.00001"]["version"] == 2
    assert rows["arxiv:2301.00077"]["published"] == "2024-01-15"


# --- journals --------------------------------------------------------------------------------------

def test_journal_items_are_keyed_by_doi_else_by_link(feed_server: FeedServer, hub: Hub) -> None:
    nature = feed_server.serve("/nature.rss", journal_rss1("Nature", [
        {"link": "http://example.test/articles/s41586-024-00001-1", "title": "Ocean heat records",
         "doi": "10.1038/s41586-024-00001-1", "authors": ["Ana Silva", "Wei Zhang"], "abstract": "Warm."},
        {"link": "http://example.test/articles/editorial-7", "title": "Editorial without a DOI"},
    ]), headers={"Content-Type": "application/rdf+xml"})
    assert hub("feeds", "add", nature, "--label", "Nature", "--no-check").exit_code == 0

    result = hub("sync", nature)

    assert result.exit_code == 0, result.stderr
    assert stderr_lines(result) == ["Nature: 2 new, 0 updated, 0 unchanged"]
    rows = by_id(papers(hub))
    assert set(rows) == {"doi:10.1038/s41586-024-00001-1", "url:http://example.test/articles/editorial-7"}
    article = rows["doi:10.1038/s41586-024-00001-1"]
    assert article["doi"] == "10.1038/s41586-024-00001-1"
    assert article["journal"] == "Nature"
    assert article["authors"] == ["Ana Silva", "Wei Zhang"]
    assert article["arxiv_id"] is None
    assert article["sources"] == ["Nature"]
    assert rows["url:http://example.test/articles/editorial-7"]["doi"] is None
    # show finds it by DOI in every spelling
    for ident in ("10.1038/s41586-024-00001-1", "doi:10.1038/S41586-024-00001-1",
                  "https://doi.org/10.1038/s41586-024-00001-1"):
        shown = hub("show", ident, "--format", "json")
        assert shown.exit_code == 0, (ident, shown.stderr)
        assert json.loads(shown.stdout)[0]["id"] == "doi:10.1038/s41586-024-00001-1"


def test_the_same_doi_from_two_feeds_is_one_row(feed_server: FeedServer, hub: Hub) -> None:
    one = feed_server.serve("/a.rss", journal_rss1("Journal A", [
        {"link": "http://a.test/1", "title": "Shared article", "doi": "10.1000/XYZ.1"}]))
    two = feed_server.serve("/b.rss", journal_rss1("Journal B", [
        {"link": "http://b.test/other-link", "title": "Shared article", "doi": "10.1000/xyz.1"}]))

    result = hub("sync", one, two)

    assert result.exit_code == 0, result.stderr
    rows = papers(hub)
    assert len(rows) == 1
    assert rows[0]["id"] == "doi:10.1000/xyz.1"
    assert sorted(rows[0]["sources"]) == ["Journal A", "Journal B"]


def test_a_local_feed_file_syncs(tmp_path: Path, hub: Hub) -> None:
    feed = tmp_path / "saved feed.xml"
    feed.write_bytes(arxiv_rss("cs.AI", ITEMS["cs.AI"]))
    assert hub("feeds", "add", str(feed), "--no-check").exit_code == 0

    result = hub("sync", str(feed))

    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith("2 new, 0 updated, 0 unchanged\n")
    assert sorted(by_id(papers(hub))) == ["arxiv:2604.00001", "arxiv:2604.00002"]


@pytest.mark.parametrize("missing", ["arxiv:", "arxiv:not a/cat", "ftp://x", "no/such/file.xml"])
def test_sync_of_a_bad_source_is_a_usage_error(hub: Hub, missing: str) -> None:
    result = hub("sync", missing)

    assert result.exit_code == 2
    assert len(stderr_lines(result)) == 1
    assert "is not a source" in result.stderr
