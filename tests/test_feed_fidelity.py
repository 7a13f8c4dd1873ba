"""What a feed says reaches the user faithfully (issue 9, items 2, 3, 7 and the progress bar).

- Relative links and guids resolve against ``xml:base``, ``Content-Location`` and the URL a
  feed was finally fetched from, so two hosts' ``/papers/1`` stay two papers.
- Every tag goes from titles and abstracts, whatever its name; LaTeX stays as written.
- Sync summaries say what happened: an empty feed is empty (whatever its content type),
  only arXiv's empty listings mention weekends, items without a link or id are counted as
  such, and a source whose every item was dropped fails.
- The progress bar names each source being fetched and its bytes.

Feeds are in the publishers' own shapes (RSS 2.0 as journals and news sites write it, Atom
with ``xml:base``, RSS 1.0 with dc/prism, arXiv's RSS), served by the loopback server.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from conftest import FeedServer, Response, Result, run_on_a_terminal
from feedgen import Item, arxiv_rss

Hub = Callable[..., Result]


def rss2(title: str, items: list[str], *, link: str = "https://www.example-journal.test/") -> bytes:
    """An RSS 2.0 channel as journals and news sites publish it (the corpus' inovacaotecnologica
    and Stortinget feeds): channel title, link, description, language, then the items."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>{escape(title)}</title>\n<link>{escape(link)}</link>\n"
        "<description>Latest articles</description>\n<language>en</language>\n"
        "<lastBuildDate>Thu, 18 Jul 2024 09:00:00 GMT</lastBuildDate>\n"
        + "".join(items)
        + "</channel>\n</rss>\n"
    ).encode("utf-8")


def rss2_item(title: str, *, link: str | None = None, guid: str | None = None, permalink: bool = False,
              description: str = "An abstract.", author: str = "Ana Silva") -> str:
    parts = [f"<item>\n<title>{escape(title)}</title>\n"]
    if link is not None:
        parts.append(f"<link>{escape(link)}</link>\n")
    parts.append(f"<description>{escape(description)}</description>\n")
    if guid is not None:
        parts.append(f'<guid isPermaLink="{"true" if permalink else "false"}">{escape(guid)}</guid>\n')
    parts.append(f"<dc:creator>{escape(author)}</dc:creator>\n<pubDate>Thu, 18 Jul 2024 00:00:00 GMT</pubDate>\n"
                 "</item>\n")
    return "".join(parts)


def papers(hub: Hub) -> list[dict]:
    result = hub("papers", "--format", "json", "--per-page", "1000")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def summary(result: Result, label: str) -> str:
    found = [line for line in result.stderr.splitlines() if line.startswith(label + ":")]
    assert found, f"no summary line for {label!r} in:\n{result.stderr}"
    return "\n".join(found)


@pytest.fixture
def second_server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


# --- item 2: relative links and guids --------------------------------------------------------------------------

def test_the_same_relative_link_on_two_hosts_is_two_papers(feed_server: FeedServer, second_server: FeedServer,
                                                           hub: Hub) -> None:
    one = feed_server.serve("/rss.xml", rss2("Journal One", [rss2_item("Graphene at scale", link="/papers/1")]))
    two = second_server.serve("/rss.xml", rss2("Journal Two", [rss2_item("Soil microbes", link="/papers/1")]))

    result = hub("sync", one, two)

    assert result.exit_code == 0, result.stderr
    rows = {row["title"]: row for row in papers(hub)}
    assert set(rows) == {"Graphene at scale", "Soil microbes"}
    assert rows["Graphene at scale"]["url"] == feed_server.url("/papers/1")
    assert rows["Soil microbes"]["url"] == second_server.url("/papers/1")
    assert rows["Graphene at scale"]["id"] == "url:" + feed_server.url("/papers/1")


def test_relative_guids_used_as_keys_resolve_too(feed_server: FeedServer, second_server: FeedServer,
                                                 hub: Hub) -> None:
    """Items with only a non-permalink guid (no link): the guid is the key, made absolute."""
    one = feed_server.serve("/feed", rss2("One", [rss2_item("First", guid="/items/9")]))
    two = second_server.serve("/feed", rss2("Two", [rss2_item("Second", guid="/items/9")]))

    result = hub("sync", one, two)

    assert result.exit_code == 0, result.stderr
    rows = {row["title"]: row for row in papers(hub)}
    assert set(rows) == {"First", "Second"}
    assert rows["First"]["id"] == "url:" + feed_server.url("/items/9")
    assert rows["Second"]["id"] == "url:" + second_server.url("/items/9")
    assert rows["First"]["url"] is None  # a guid that is no permalink is no link to show


def test_links_resolve_against_the_url_after_redirects(feed_server: FeedServer, hub: Hub) -> None:
    feed_server.serve("/journal/feed.xml", rss2("Moved", [rss2_item("Path relative", link="articles/7.html")]))
    old = feed_server.serve("/old-feed", b"", status=301, headers={"Location": "/journal/feed.xml"})

    result = hub("sync", old)

    assert result.exit_code == 0, result.stderr
    (row,) = papers(hub)
    assert row["url"] == feed_server.url("/journal/articles/7.html")


def test_links_resolve_against_content_location_and_xml_base(feed_server: FeedServer, hub: Hub) -> None:
    atom = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.test/science/">\n'
        "  <title>Lab notes</title>\n  <id>tag:blog.example.test,2024:feed</id>\n"
        "  <updated>2024-07-18T09:00:00Z</updated>\n"
        "  <entry>\n    <title>Relative to the feed's xml:base</title>\n"
        '    <link rel="alternate" type="text/html" href="posts/1"/>\n'
        "    <id>tag:blog.example.test,2024:1</id>\n    <updated>2024-07-18T09:00:00Z</updated>\n"
        "    <author><name>Ana Silva</name></author>\n    <summary>One.</summary>\n  </entry>\n"
        '  <entry xml:base="/archive/2024/">\n    <title>Relative to the entry\'s xml:base</title>\n'
        '    <link rel="alternate" type="text/html" href="two.html"/>\n'
        "    <id>tag:blog.example.test,2024:2</id>\n    <updated>2024-07-18T09:00:00Z</updated>\n"
        "    <author><name>Ana Silva</name></author>\n    <summary>Two.</summary>\n  </entry>\n"
        "</feed>\n"
    )
    base_feed = feed_server.serve("/atom.xml", atom, headers={"Content-Type": "application/atom+xml"})
    located = feed_server.serve("/cdn/123.xml", rss2("Mirrored", [rss2_item("Via Content-Location",
                                                                            link="papers/3")]),
                                headers={"Content-Location": "/journal/current/rss.xml"})

    result = hub("sync", base_feed, located)

    assert result.exit_code == 0, result.stderr
    urls = {row["title"]: row["url"] for row in papers(hub)}
    assert urls == {
        "Relative to the feed's xml:base": "https://blog.example.test/science/posts/1",
        "Relative to the entry's xml:base": "https://blog.example.test/archive/2024/two.html",
        "Via Content-Location": feed_server.url("/journal/current/papers/3"),
    }


def test_a_content_location_outside_http_is_ignored(feed_server: FeedServer, hub: Hub) -> None:
    url = feed_server.serve("/j/rss.xml", rss2("J", [rss2_item("Safe", link="p/1")]),
                            headers={"Content-Location": "file:///etc/"})

    result = hub("sync", url)

    assert result.exit_code == 0, result.stderr
    (row,) = papers(hub)
    assert row["url"] == feed_server.url("/j/p/1")


def test_rss1_items_with_relative_links_keep_their_dc_title_and_doi(feed_server: FeedServer, hub: Hub) -> None:
    """RSS 1.0 journal feeds (Nature, Science, MDPI) key their extra dc/prism fields by
    rdf:about: a relative one still finds them once links are resolved."""
    rdf = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/">\n'
        '  <channel rdf:about="/rss/current.xml">\n    <title>Fluids</title>\n    <link>/journal/fluids</link>\n'
        "    <description>Latest articles</description>\n"
        '    <items><rdf:Seq><rdf:li rdf:resource="/2311-5521/9/6/120"/></rdf:Seq></items>\n  </channel>\n'
        '  <item rdf:about="/2311-5521/9/6/120">\n'
        "    <title>Fluids, Vol. 9, Pages 120: Flow</title>\n    <link>/2311-5521/9/6/120</link>\n"
        "    <description>Abstract.</description>\n"
        "    <dc:title>Flow Past a Cylinder at Low Reynolds Number</dc:title>\n"
        "    <dc:identifier>doi: 10.3390/fluids9060120</dc:identifier>\n"
        "    <dc:identifier>doi: 10.9999/second-identifier</dc:identifier>\n"
        "    <dc:creator>Ana Silva</dc:creator>\n    <dc:date>2024-05-23</dc:date>\n"
        "  </item>\n</rdf:RDF>\n"
    )
    url = feed_server.serve("/rss/current.xml", rdf, headers={"Content-Type": "application/rdf+xml"})

    result = hub("sync", url)

    assert result.exit_code == 0, result.stderr
    (row,) = papers(hub)
    assert row["title"] == "Flow Past a Cylinder at Low Reynolds Number"
    assert row["doi"] == "10.3390/fluids9060120"
    assert row["url"] == feed_server.url("/2311-5521/9/6/120")


def test_a_local_feed_file_resolves_against_its_own_location(tmp_path: Path, hub: Hub) -> None:
    folder = tmp_path / "saved feeds"
    folder.mkdir()
    feed = folder / "journal.xml"
    feed.write_bytes(rss2("Saved", [rss2_item("Kept offline", link="articles/5.html")]))

    result = hub("sync", str(feed))

    assert result.exit_code == 0, result.stderr
    (row,) = papers(hub)
    assert row["url"] == (folder / "articles" / "5.html").as_uri()


# --- item 3: all markup out of titles and abstracts ------------------------------------------------------------

def test_markup_of_any_tag_is_removed_and_latex_kept(feed_server: FeedServer, arxiv_mirror: FeedServer,
                                                     hub: Hub) -> None:
    html = ('<p>We report <time datetime="2024-07-18">18 July</time> results.</p>'
            '<iframe src="https://www.youtube.com/embed/abc" width="560" allowfullscreen></iframe>'
            '<figure><svg viewBox="0 0 10 10"><path d="M0 0h10"/></svg><figcaption>Fig. 1</figcaption></figure>'
            '<video controls><source src="clip.mp4" type="video/mp4"></video>'
            '<embed src="x.swf"><object data="y.pdf"></object><form action="/s"><input name="q"></form>'
            "<script>document.write('<b>tracker</b>')</script><style>p { color: red }</style>")
    journal = feed_server.serve("/rss.xml", rss2("Journal", [rss2_item(
        'A <span class="ital">trans</span>-acting <my-marker>factor</my-marker>', link="https://j.test/a/1",
        description=html)]))
    arxiv_mirror.serve("/rss/math.AP", arxiv_rss("math.AP", [Item(
        "2604.01234", "Uniqueness for $1<p<2+\\varepsilon$ when a < b",
        ["Ana Silva"], abstract="Firstly, when $2+\\frac{4}{N}<q<p\\leq2^*$ and $x<y$, with $T<T_{RW}$ and "
                                "$T>T_{RW}$, the problem a < b is solvable.", categories=["math.AP"])]))

    result = hub("sync", journal, "arxiv:math.AP")

    assert result.exit_code == 0, result.stderr
    rows = {row["id"]: row for row in papers(hub)}
    paper = rows["url:https://j.test/a/1"]
    assert paper["title"] == "A trans-acting factor"
    assert paper["abstract"] == "We report 18 July results. Fig. 1"
    arxiv = rows["arxiv:2604.01234"]
    assert arxiv["title"] == "Uniqueness for $1<p<2+\\varepsilon$ when a < b"
    assert arxiv["abstract"] == ("Firstly, when $2+\\frac{4}{N}<q<p\\leq2^*$ and $x<y$, with $T<T_{RW}$ and "
                                 "$T>T_{RW}$, the problem a < b is solvable.")


# --- item 7: honest summaries ----------------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", ["text/plain", "text/html; charset=utf-8", "application/octet-stream",
                                          "application/rss+xml; charset=utf-16", "text/xml; charset=x-no-such"])
def test_an_empty_feed_with_a_wrong_content_type_or_charset_is_empty_not_failed(
        arxiv_mirror: FeedServer, hub: Hub, content_type: str) -> None:
    """The same feed with one item was always accepted; empty, it failed as "malformed"."""
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", []), headers={"Content-Type": content_type})
    journal = arxiv_mirror.serve("/journal.xml", rss2("Quiet Journal", []), headers={"Content-Type": content_type})

    result = hub("sync", "arxiv:cs.AI", journal)

    assert result.exit_code == 0, result.stderr
    assert summary(result, "arXiv (CS.AI)") == (
        "arXiv (CS.AI): the feed is empty today (arXiv publishes nothing on weekends and holidays)")
    assert summary(result, "Quiet Journal") == "Quiet Journal: the feed lists no items"
    assert ": failed" not in result.stderr


def test_only_arxiv_empty_feeds_mention_weekends(feed_server: FeedServer, hub: Hub) -> None:
    journal = feed_server.serve("/rss.xml", rss2("Quiet Journal", []))

    result = hub("sync", journal)

    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == "Quiet Journal: the feed lists no items"

    zh = hub("--lang", "zh", "sync", journal)
    assert zh.exit_code == 0, zh.stderr
    assert "订阅中没有条目" in zh.stderr and "周末" not in zh.stderr


def test_entries_without_a_link_or_id_are_counted_and_named(feed_server: FeedServer, hub: Hub) -> None:
    items = [rss2_item("Has a link", link="https://j.test/1"), rss2_item("Has a guid", guid="https://j.test/2",
                                                                          permalink=True)]
    items += [rss2_item(f"Orphan {i}") for i in range(3)]
    url = feed_server.serve("/rss.xml", rss2("Journal", items))

    result = hub("sync", url)

    assert result.exit_code == 0, result.stderr
    assert summary(result, "Journal") == ("Journal: 2 new, 0 updated, 0 unchanged\n"
                                          "Journal: 3 entries without a link or id skipped")
    assert "could not be read" not in result.stderr
    assert sorted(row["title"] for row in papers(hub)) == ["Has a guid", "Has a link"]


def test_one_entry_without_a_link_or_id_is_said_in_the_singular(feed_server: FeedServer, hub: Hub) -> None:
    url = feed_server.serve("/rss.xml", rss2("Journal", [rss2_item("Kept", link="https://j.test/1"),
                                                         rss2_item("Orphan")]))

    result = hub("sync", url)

    assert "Journal: 1 entry without a link or id skipped" in result.stderr.splitlines()


def test_a_source_whose_every_entry_was_dropped_fails(feed_server: FeedServer, arxiv_mirror: FeedServer,
                                                      hub: Hub) -> None:
    arxiv_mirror.serve("/rss/cs.AI", arxiv_rss("cs.AI", [Item("2604.00001", "Fine", ["Ana Silva"])]))
    url = feed_server.serve("/rss.xml", rss2("Linkless", [rss2_item(f"Orphan {i}") for i in range(3)]))

    result = hub("sync", "arxiv:cs.AI", url)

    assert result.exit_code == 1
    assert summary(result, "127.0.0.1") == "127.0.0.1: failed: none of its 3 entries has a link or id"
    assert "2 sources: 1 new, 0 updated, 1 failed" in result.stderr
    assert "error: 1 of 2 sources failed" in result.stderr
    assert [row["id"] for row in papers(hub)] == ["arxiv:2604.00001"]


def test_a_subscription_whose_every_entry_was_dropped_is_recorded_as_failed(feed_server: FeedServer, hub: Hub,
                                                                           hub_home: Path) -> None:
    url = feed_server.serve("/rss.xml", rss2("Linkless", [rss2_item("Orphan"), rss2_item("Other orphan")]))
    assert hub("feeds", "add", url, "--no-check").exit_code == 0

    result = hub("sync", url)

    assert result.exit_code == 1
    with sqlite3.connect(hub_home / "hub.db") as conn:
        status, error = conn.execute("SELECT last_status, last_error FROM sources WHERE spec = ?", (url,)).fetchone()
    assert (status, error) == ("failed", "none of its 2 entries has a link or id")


# --- item 9: the progress bar names the source being fetched and its bytes ------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_the_progress_bar_names_the_source_being_fetched_and_its_bytes(feed_server: FeedServer, hub: Hub) -> None:
    label = "Big [bold]Journal[/bold]"  # a label from a feed title: shown as the characters it is
    small = rss2(label, [rss2_item("First", link="https://j.test/0")])
    url = feed_server.serve("/big.xml", small)
    assert hub("sync", url).exit_code == 0  # the source now has its feed title as its label
    # ~400 kB: more than one network read, so the bar shows bytes before the body is complete
    items = [rss2_item(f"Paper {i}", link=f"https://j.test/{i}", description="word " * 150) for i in range(400)]
    feed_server.routes["/big.xml"] = Response(rss2(label, items))

    code, screen = run_on_a_terminal(["sync", url])

    assert code == 0, screen
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    assert "Fetching" in plain and label in plain, plain[:3000]
    assert re.search(r"\d+(\.\d)? kB/\d+(\.\d)? kB", plain), plain[:3000]
    assert f"{label}: 399 new, 0 updated, 1 unchanged" in plain

