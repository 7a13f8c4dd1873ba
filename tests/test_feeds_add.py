"""``hub feeds add`` reads the feed once before subscribing, feeds are named by their own
titles, ``feeds list`` shows whole identifiers, and ``hub sync`` says plainly when it
seems to be offline and which author backfill failed.

Every feed is served by the loopback server (or is a closed loopback port); no test
resolves a host name.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

import pytest

from conftest import FeedServer, Result, run_on_a_terminal
from feedgen import Item, arxiv_api, arxiv_rss, journal_rss1

Hub = Callable[..., Result]
DEFAULTS = ["arxiv:cs.AI", "arxiv:cs.CL", "arxiv:cs.IR", "arxiv:cs.LG"]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def feeds(hub: Hub) -> list[dict]:
    result = hub("feeds", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def papers(hub: Hub) -> list[dict]:
    result = hub("papers", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else []


def lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def journal(title: str, n: int, prefix: str = "j") -> bytes:
    return journal_rss1(title, [{"link": f"http://{prefix}.test/{i}", "title": f"{title} article {i}",
                                 "doi": f"10.5555/{prefix}.{i}"} for i in range(n)])


# --- 1. the feed is read once; what cannot be read is refused ---------------------------------

def test_add_reads_the_feed_once_names_it_and_stores_its_papers(feed_server: FeedServer, hub: Hub) -> None:
    url = feed_server.serve("/journal.rss", journal("Journal of Tests", 3), etag='"v1"')

    added = hub("feeds", "add", url)

    assert added.exit_code == 0, added.stderr
    assert lines(added) == [f"subscribed: Journal of Tests ({url})",
                            "read “Journal of Tests”: 3 items; its papers are in the cache"]
    assert {f["source"]: f["label"] for f in feeds(hub)}[url] == "Journal of Tests"
    assert len(papers(hub)) == 3
    assert len(feed_server.hits("/journal.rss")) == 1
    # the next sync asks only for what changed: the ETag read when adding is sent
    synced = hub("sync", url)
    assert synced.exit_code == 0, synced.stderr
    assert lines(synced) == ["Journal of Tests: not modified since last sync"]
    assert feed_server.hits("/journal.rss")[-1].headers.get("if-none-match") == '"v1"'


def test_an_arxiv_feed_shows_its_title_and_count(arxiv_mirror: FeedServer, hub: Hub) -> None:
    arxiv_mirror.serve("/rss/math.CO", arxiv_rss("math.CO", [Item("2612.00011", "Graphs", ["Ana Silva"],
                                                                  categories=["math.CO"])]))
    arxiv_mirror.serve("/rss/hep-th", arxiv_rss("hep-th", []))

    one = hub("feeds", "add", "arxiv:math.co")
    empty = hub("feeds", "add", "arxiv:hep-th")

    assert one.exit_code == 0 and empty.exit_code == 0, (one.stderr, empty.stderr)
    assert lines(one) == ["subscribed: arXiv (MATH.CO) (arxiv:math.CO)",
                          "read “math.CO updates on arXiv.org”: 1 item; its paper is in the cache"]
    assert lines(empty)[1] == ("read “hep-th updates on arXiv.org”: no items today"
                               " (arXiv publishes nothing on weekends and holidays)")
    assert [p["id"] for p in papers(hub)] == ["arxiv:2612.00011"]


@pytest.mark.parametrize("case", ["404", "closed port", "not a feed", "HTML page", "unknown category"])
def test_an_unreadable_feed_is_refused_and_nothing_is_stored(arxiv_mirror: FeedServer, hub: Hub,
                                                             case: str) -> None:
    arxiv_mirror.serve("/rss/cs.XYZ", arxiv_rss("cs.XYZ", []))  # what arXiv answers for a category it lacks
    arxiv_mirror.serve("/plain", b"just some words, not a feed", headers={"Content-Type": "text/plain"})
    arxiv_mirror.serve("/page", b"<!doctype html><html><body><h1>Welcome</h1></body></html>",
                       headers={"Content-Type": "text/html"})
    spec, reason = {
        "404": (arxiv_mirror.url("/gone.rss"), "HTTP 404 from"),
        "closed port": (f"http://127.0.0.1:{closed_port()}/feed.rss", "Connection refused"),
        "not a feed": (arxiv_mirror.url("/plain"), "not an RSS or Atom feed"),
        "HTML page": (arxiv_mirror.url("/page"), "not an RSS or Atom feed"),
        "unknown category": ("arxiv:cs.XYZ", "arXiv has no category 'cs.xyz'; did you mean: cs.SY"),
    }[case]
    before = feeds(hub)

    result = hub("feeds", "add", spec)

    assert result.exit_code == 1, result.stderr
    assert len(lines(result)) == 1 and lines(result)[0].startswith("error: not subscribed: ")
    assert reason in result.stderr and "--no-check" in result.stderr
    assert "Traceback" not in result.stderr
    assert feeds(hub) == before
    assert papers(hub) == []
    if case == "unknown category":
        assert arxiv_mirror.hits("/rss/cs.XYZ") == []  # the taxonomy tells; no fetch needed


def test_a_malformed_spec_is_a_usage_error(hub: Hub) -> None:
    for spec in ("arxiv:", "arxiv:cs AI!", "http://"):
        result = hub("feeds", "add", spec)
        assert result.exit_code == 2 and "is not a source" in result.stderr, spec


def test_no_check_subscribes_without_reading(feed_server: FeedServer, hub: Hub) -> None:
    down = f"http://127.0.0.1:{closed_port()}/feed.rss"

    offline = hub("feeds", "add", down, "--no-check")
    unknown = hub("feeds", "add", "arxiv:cs.XYZ", "--no-check")
    missing = hub("feeds", "add", feed_server.url("/later.rss"), "--no-check")

    for result in (offline, unknown, missing):
        assert result.exit_code == 0, result.stderr
        assert "not read (--no-check)" in result.stderr
    assert feed_server.requests == []
    assert [f["source"] for f in feeds(hub)] == [*DEFAULTS, down, "arxiv:cs.xyz", feed_server.url("/later.rss")]


def test_an_existing_subscription_is_not_read_again(arxiv_mirror: FeedServer, hub: Hub) -> None:
    again = hub("feeds", "add", "arxiv:cs.AI")

    assert again.exit_code == 0 and "already subscribed: arXiv (CS.AI)" in again.stderr
    assert arxiv_mirror.requests == []


# --- 2. feeds are named by their own titles ---------------------------------------------------

def test_five_loopback_feeds_are_five_names_in_the_sync_summary(feed_server: FeedServer, hub: Hub) -> None:
    names = ["Nature", "Science current issue", "Cell Reports", "PLOS ONE", "The Lancet"]
    urls = [feed_server.serve(f"/f{i}.rss", journal(name, 1, prefix=f"f{i}")) for i, name in enumerate(names)]
    for spec in DEFAULTS:
        assert hub("feeds", "remove", spec).exit_code == 0
    for url in urls:  # offline: named by host until read
        assert hub("feeds", "add", url, "--no-check").exit_code == 0
    assert {f["label"] for f in feeds(hub)} == {"127.0.0.1"}

    result = hub("sync")

    assert result.exit_code == 0, result.stderr
    assert lines(result)[:5] == [f"{name}: 1 new, 0 updated, 0 unchanged" for name in names]
    assert [f["label"] for f in feeds(hub)] == names


def test_label_wins_and_stays(feed_server: FeedServer, hub: Hub) -> None:
    url = feed_server.serve("/j.rss", journal("Journal of Tests", 1))
    other = feed_server.serve("/k.rss", journal("Another Journal", 1, prefix="k"))

    assert hub("feeds", "add", url, "--label", "My journal").exit_code == 0
    assert hub("feeds", "add", other).exit_code == 0
    again = hub("feeds", "add", other)  # an existing subscription keeps its name
    assert hub("sync").exit_code in (0, 1)

    assert "already subscribed: Another Journal" in again.stderr
    listed = {f["source"]: f["label"] for f in feeds(hub)}
    assert (listed[url], listed[other]) == ("My journal", "Another Journal")


# --- 3. feeds list never cuts an identifier ---------------------------------------------------

LONG = "/" + "/".join(f"segment-{i:02d}-of-a-long-feed-address" for i in range(8)) + "/feed.rss?jc=sciadv&type=etoc"


def test_feeds_list_shows_whole_identifiers(feed_server: FeedServer, hub: Hub) -> None:
    url = feed_server.url(LONG)
    assert hub("feeds", "add", url, "--no-check", "--label", "L" * 150).exit_code == 0

    plain = hub("feeds", "list")
    assert url in plain.stdout.split("\n")[-2].split("\t")
    assert url in [f["source"] for f in feeds(hub)]
    removed = hub("feeds", "remove", url)
    assert removed.exit_code == 0, removed.stderr


@pytest.mark.slow
def test_feeds_list_on_a_narrow_terminal_folds_the_identifier(feed_server: FeedServer, hub: Hub) -> None:
    url = feed_server.url(LONG)
    for spec in DEFAULTS:
        assert hub("feeds", "remove", spec).exit_code == 0
    assert hub("feeds", "add", url, "--no-check", "--label", "A label " * 10).exit_code == 0

    code, screen = run_on_a_terminal(["feeds", "list"], {"NO_COLOR": "1", "COLUMNS": "80"})

    assert code == 0, screen
    rows = [row for row in screen.splitlines()[2:] if row.strip()]
    assert "".join(row.split()[0] for row in rows) == url  # the source column, line after line
    assert "…" not in "".join(row.split()[0] for row in rows)


# --- 4. offline is said once, plainly ---------------------------------------------------------

def test_every_source_unreachable_says_offline_once(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_ARXIV_RSS_BASE", f"http://127.0.0.1:{closed_port()}/rss/")
    monkeypatch.setenv("HUB_ARXIV_API_URL", f"http://127.0.0.1:{closed_port()}/api/query")
    assert hub("follow", "Lichan Hong").exit_code == 0

    result = hub("sync")

    assert result.exit_code == 1
    assert len(lines(result)) == 1, result.stderr
    assert lines(result)[0].startswith("error: you seem to be offline: none of the 4 sources could be reached"
                                       " (127.0.0.1:")
    assert "Connection refused" in result.stderr and "author backfills wait for the next sync" in result.stderr
    zh = hub("--lang", "zh", "sync")
    assert zh.exit_code == 1 and lines(zh)[0].startswith("错误") and "离线" in zh.stderr


def test_one_reachable_source_is_not_offline(arxiv_mirror: FeedServer, hub: Hub) -> None:
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", []))
    down = f"http://127.0.0.1:{closed_port()}/feed.rss"
    assert hub("feeds", "add", down, "--no-check").exit_code == 0

    result = hub("sync")

    assert result.exit_code == 1
    assert "offline" not in result.stderr
    assert "127.0.0.1: failed: cannot connect to" in result.stderr
    assert "error: 4 of 5 sources failed: arXiv (CS.CL), arXiv (CS.IR), arXiv (CS.LG) (+1)" in result.stderr


def test_the_offline_rule_is_about_network_reasons_only() -> None:
    from hubcli.errors import FeedError
    from hubcli.sync import offline
    from hubcli.sync_models import Source, SourceResult

    def failed(key: str, **params: object) -> SourceResult:
        return SourceResult(Source("x", "url", "x", "http://x.test/"), error=FeedError(key, **params))

    dns = failed("http_connect", host="rss.arxiv.org", reason="Temporary failure in name resolution")
    unknown = failed("http_connect", host="nature.com", reason="Name or service not known")
    tls = failed("http_connect", host="nature.com", reason="certificate verify failed")
    status = failed("http_status", status=503, url="http://x.test/")
    assert offline([dns, unknown]) == [dns, unknown]
    assert offline([dns]) is None  # one unreachable source is that source's problem
    assert offline([dns, tls]) is None
    assert offline([dns, status]) is None


# --- 5. a failing backfill names itself; the counts say what they count -----------------------

def test_a_failing_backfill_names_itself(arxiv_mirror: FeedServer, hub: Hub) -> None:
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, []))
    arxiv_mirror.serve("/api/query", b"upstream down", status=500)
    assert hub("follow", "Lichan Hong").exit_code == 0

    result = hub("sync")

    assert result.exit_code == 1
    assert "author backfill for Lichan Hong: failed: HTTP 500 from" in result.stderr
    assert "4 sources and 1 author backfill: 0 new, 0 updated, 1 failed" in result.stderr
    assert lines(result)[-1] == "error: 1 of 4 sources and 1 author backfill failed: author backfill for Lichan Hong"


def test_a_good_backfill_is_counted_apart(arxiv_mirror: FeedServer, hub: Hub) -> None:
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, []))
    arxiv_mirror.serve("/api/query", arxiv_api([Item("2001.00042", "Earlier work", ["Ana Silva"])]))

    result = hub("sync", "--author", "Ana Silva", "--author", "Bo Li")

    assert result.exit_code == 0, result.stderr
    assert "4 sources and 2 author backfills: 1 new, 0 updated, 0 failed" in result.stderr
