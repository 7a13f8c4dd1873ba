"""Subscriptions (issue 9, items 5 and 9): arXiv's own feed URLs are the ``arxiv:`` shortcut,
OPML files as feed readers write them keep their folders and import exactly what they hold,
and ``feeds list`` / ``feeds catalog`` read well in Chinese.

Syncs go to the loopback arXiv mirror; OPML files are written the way Feedly, Thunderbird
and newsboat export them (nested ``<outline>`` folders with ``text``/``title``, ``xmlUrl``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import FeedServer, Result, run_on_a_terminal
from feedgen import Item, arxiv_rss

Hub = Callable[..., Result]

OPML = Path(__file__).parent / "fixtures" / "opml"
DEFAULTS = ["arxiv:cs.AI", "arxiv:cs.CL", "arxiv:cs.IR", "arxiv:cs.LG"]

# Written in the layout each reader's export uses (tests/fixtures/README.md).
# Feedly's "Export OPML": one level of folders ("categories"), text and title both set,
# arXiv feeds by their old export.arxiv.org addresses as arXiv listed them for years.
FEEDLY = (OPML / "feedly.opml").read_text(encoding="utf-8")

# Thunderbird's "Export as OPML" with the folder structure: nested folders, description,
# type="rss", the Atom address of an arXiv feed.
THUNDERBIRD = (OPML / "thunderbird.opml").read_text(encoding="utf-8")

# newsboat -e: flat, title only (empty for a feed never fetched), htmlUrl
NEWSBOAT = (OPML / "newsboat.opml").read_text(encoding="utf-8")


def feeds(hub: Hub, *args: str) -> list[dict]:
    result = hub(*args, "feeds", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- arXiv feed URLs are the shortcut ----------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://rss.arxiv.org/rss/cs.IR",
    "https://rss.arxiv.org/atom/cs.IR",
    "http://export.arxiv.org/rss/cs.IR",
    "http://export.arxiv.org/rss/cs.IR?version=2.0",
    "https://rss.arxiv.org/rss/cs.ir/",
])
def test_an_arxiv_feed_url_is_the_subscription_to_its_shortcut(hub: Hub, url: str) -> None:
    added = hub("feeds", "add", url)

    assert added.exit_code == 0, added.stderr
    assert "already subscribed: arXiv (CS.IR) (arxiv:cs.IR)" in added.stderr
    assert [f["source"] for f in feeds(hub)] == DEFAULTS
    removed = hub("feeds", "remove", url)
    assert removed.exit_code == 0 and "unsubscribed: arXiv (CS.IR) (arxiv:cs.IR)" in removed.stderr
    assert [f["source"] for f in feeds(hub)] == ["arxiv:cs.AI", "arxiv:cs.CL", "arxiv:cs.LG"]


def test_a_combined_arxiv_feed_url_is_the_combined_shortcut(hub: Hub) -> None:
    added = hub("feeds", "add", "https://rss.arxiv.org/rss/cs.RO+eess.SY", "--label", "Control", "--no-check")

    assert "subscribed: Control (arxiv:cs.RO+eess.SY)" in added.stderr
    listed = {f["source"]: f for f in feeds(hub)}
    assert listed["arxiv:cs.RO+eess.SY"]["kind"] == "arxiv"
    assert not [s for s in listed if s.startswith("http")]


def test_an_arxiv_url_is_fetched_once_from_the_mirror(arxiv_mirror: FeedServer, hub: Hub) -> None:
    """The Atom address is fetched as the shortcut's RSS (the same announcements), from
    HUB_ARXIV_RSS_BASE, and the papers name the source once."""
    arxiv_mirror.serve("/rss/cs.RO", arxiv_rss("cs.RO", [Item("2612.00001", "Robots that fetch", ["Ken Ito"],
                                                              categories=["cs.RO"])]))
    for spec in DEFAULTS:
        assert hub("feeds", "remove", spec).exit_code == 0
    assert hub("feeds", "add", "arxiv:cs.RO", "--no-check").exit_code == 0
    assert hub("feeds", "add", "https://rss.arxiv.org/atom/cs.RO").exit_code == 0
    assert hub("feeds", "add", "https://rss.arxiv.org/rss/cs.RO").exit_code == 0
    assert [f["source"] for f in feeds(hub)] == ["arxiv:cs.RO"]  # checked before any fetch

    result = hub("sync")

    assert result.exit_code == 0, result.stderr
    assert [r.path for r in arxiv_mirror.requests] == ["/rss/cs.RO"]
    papers = json.loads(hub("papers", "--format", "json").stdout)
    assert [p["sources"] for p in papers] == [["arXiv (CS.RO)"]]
    named = hub("papers", "--format", "json", "--source", "http://export.arxiv.org/rss/cs.RO")
    assert [p["id"] for p in json.loads(named.stdout)] == ["arxiv:2612.00001"]


def test_other_urls_stay_urls(hub: Hub) -> None:
    for url in ("https://arxiv.org/abs/2401.00001", "https://rss.arxiv.org/rss/", "https://www.nature.com/nature.rss"):
        assert hub("feeds", "add", url, "--no-check").exit_code == 0
    assert {f["source"] for f in feeds(hub)} - set(DEFAULTS) == {
        "https://arxiv.org/abs/2401.00001", "https://rss.arxiv.org/rss/", "https://www.nature.com/nature.rss"}


# --- OPML: exactly what the file holds, folders, first label of a duplicate ---------------------

def test_a_feedly_file_on_a_fresh_machine_is_the_whole_radar(hub: Hub, tmp_path: Path) -> None:
    result = hub("feeds", "import", str(write(tmp_path, "feedly.opml", FEEDLY)))

    assert result.exit_code == 0, result.stderr
    assert "3 new subscriptions from 3 feeds" in result.stderr
    assert "1 duplicate entry merged" in result.stderr
    listed = [(f["source"], f["label"], f["folder"], f["kind"]) for f in feeds(hub)]
    assert listed == [
        ("arxiv:cs.IR", "IR preprints", "Retrieval", "arxiv"),  # the first label of the two cs.IR entries
        ("arxiv:cs.RO", "arXiv (CS.RO)", "Retrieval", "arxiv"),  # arXiv's own title: hub's label
        ("https://www.nature.com/nature.rss", "Nature", "Journals", "url"),
    ]
    exported = hub("feeds", "export").stdout
    assert exported.count("xmlUrl=") == 3


def test_thunderbird_nested_folders_survive_a_round_trip(hub: Hub, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert hub("feeds", "import", str(write(tmp_path, "tb.opml", THUNDERBIRD))).exit_code == 0
    listed = [(f["source"], f["folder"]) for f in feeds(hub)]
    science = "https://www.science.org/action/showFeed?type=etoc&feed=rss&jc=sciadv"
    assert listed == [("arxiv:cs.CV", "Science/Preprints"), (science, "Science")]

    exported = hub("feeds", "export").stdout
    body = ElementTree.fromstring(exported).find("body")
    assert body is not None
    science_folder = body.find("outline[@text='Science']")
    assert science_folder is not None and science_folder.get("xmlUrl") is None
    assert [o.get("xmlUrl") for o in science_folder.findall("outline[@xmlUrl]")] == [science]
    preprints = science_folder.find("outline[@text='Preprints']")
    assert preprints is not None
    assert [o.get("hubSource") for o in preprints.findall("outline")] == ["arxiv:cs.CV"]

    monkeypatch.setenv("HUB_HOME", str(tmp_path / "another-machine"))
    assert hub("feeds", "import", str(write(tmp_path, "back.opml", exported))).exit_code == 0
    assert [(f["source"], f["label"], f["folder"]) for f in feeds(hub)] == [
        ("arxiv:cs.CV", "arXiv (CS.CV)", "Science/Preprints"), (science, "Science Advances", "Science")]


def test_a_flat_newsboat_file_adds_to_an_existing_radar(hub: Hub, tmp_path: Path) -> None:
    assert [f["source"] for f in feeds(hub)] == DEFAULTS  # a machine in use: the defaults are there

    result = hub("feeds", "import", str(write(tmp_path, "newsboat.opml", NEWSBOAT)))

    assert result.exit_code == 0, result.stderr
    assert "1 new subscription from 2 feeds" in result.stderr
    listed = {f["source"]: f for f in feeds(hub)}
    assert list(listed) == [*DEFAULTS, "https://journals.plos.org/plosone/feed/atom"]
    assert listed["arxiv:cs.AI"]["label"] == "arXiv (CS.AI)"
    plos = listed["https://journals.plos.org/plosone/feed/atom"]
    assert (plos["label"], plos["folder"]) == ("journals.plos.org", None)  # title="" -> hub's own label


def test_folders_show_in_the_plain_listing(hub: Hub, tmp_path: Path) -> None:
    assert hub("feeds", "import", str(write(tmp_path, "feedly.opml", FEEDLY))).exit_code == 0

    lines = [line.split("\t") for line in hub("feeds", "list").stdout.splitlines()]

    assert [(cols[0], cols[-1]) for cols in lines] == [
        ("arxiv:cs.IR", "Retrieval"), ("arxiv:cs.RO", "Retrieval"), ("https://www.nature.com/nature.rss", "Journals")]


def test_an_empty_opml_file_leaves_the_defaults_to_come(hub: Hub, tmp_path: Path) -> None:
    empty = write(tmp_path, "empty.opml", '<?xml version="1.0"?><opml version="2.0"><head/><body/></opml>')
    assert hub("feeds", "import", str(empty)).exit_code == 0
    assert [f["source"] for f in feeds(hub)] == DEFAULTS


# --- feeds list in Chinese; the catalogue's fields --------------------------------------------

def serve_defaults(server: FeedServer) -> None:
    server.serve("/rss/cs.AI", arxiv_rss("cs.AI", [Item("2612.00002", "Agents", ["Ana Silva"])]), etag='"ai-1"')
    server.serve("/rss/cs.CL", b"not found", status=404)
    server.serve("/rss/cs.IR", arxiv_rss("cs.IR", []))
    server.serve("/rss/cs.LG", arxiv_rss("cs.LG", []))


def test_feeds_list_in_chinese_after_a_sync(arxiv_mirror: FeedServer, hub: Hub) -> None:
    serve_defaults(arxiv_mirror)
    hub("sync")
    hub("sync", "arxiv:cs.AI")  # 304 this time

    plain = hub("--lang", "zh", "feeds", "list")

    assert plain.exit_code == 0, plain.stderr
    rows = {cols[0]: cols for cols in (line.split("\t") for line in plain.stdout.splitlines())}
    assert rows["arxiv:cs.AI"][4] == "无更新"
    assert rows["arxiv:cs.CL"][4] == "失败"
    assert rows["arxiv:cs.IR"][4] == "正常"
    stored = {f["source"]: f for f in feeds(hub)}
    for spec, cols in rows.items():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", cols[3]), cols  # no T, no seconds, no Z
        local = datetime.fromisoformat(stored[spec]["last_sync"]).astimezone()
        assert cols[3] == local.strftime("%Y-%m-%d %H:%M")
    assert not re.search(r"ok|failed|not-modified", plain.stdout)
    assert stored["arxiv:cs.CL"]["status"] == "failed"  # JSON keeps the stable codes


def test_feeds_list_on_a_terminal_is_a_table_with_folders(hub: Hub, tmp_path: Path) -> None:
    assert hub("feeds", "import", str(write(tmp_path, "feedly.opml", FEEDLY))).exit_code == 0

    code, screen = run_on_a_terminal(["--lang", "zh", "feeds", "list"], {"NO_COLOR": "1"})

    assert code == 0, screen
    assert "订阅" in screen and "文件夹" in screen and "上次同步" in screen
    line = next(row for row in screen.splitlines() if "arxiv:cs.IR" in row)
    assert "IR preprints" in line and "Retrieval" in line and "从未" in line


def test_the_catalogue_fields_are_translated(hub: Hub) -> None:
    rows = {cols[0]: cols for cols in (line.split("\t") for line in hub("--lang", "zh", "feeds", "catalog")
                                       .stdout.splitlines())}

    assert rows["nature"][2] == "综合"
    assert rows["jmlr"][2] == "机器学习"
    assert rows["arxiv-ro"][2] == "机器人"
    assert not re.search(r"\t(?:multidisciplinary|biology|medicine|machine learning)\t",
                         hub("--lang", "zh", "feeds", "catalog").stdout)
    assert json.loads(hub("--lang", "zh", "feeds", "catalog", "--json").stdout)[0]["field"] == "multidisciplinary"


def test_hostile_folder_and_label_names_reach_no_terminal(hub: Hub, tmp_path: Path) -> None:
    hostile = write(tmp_path, "hostile.opml", (
        '<?xml version="1.0"?><opml version="1.0"><body>'
        # XML 1.0 has no ESC or BEL: C1 controls (CSI, OSC) and bidi overrides are what an OPML can carry
        '<outline text="[bold red]Evil&#155;31m Sub&#8238;" title="x">'
        '<outline type="rss" text="Feed&#157;0;pwned&#156;" xmlUrl="https://example.test/feed.rss"/>'
        '</outline></body></opml>'))
    assert hub("feeds", "import", str(hostile)).exit_code == 0

    listed = feeds(hub)
    plain = hub("feeds", "list").stdout
    code, screen = run_on_a_terminal(["feeds", "list"], {"NO_COLOR": "1"})

    assert [(f["label"], f["folder"]) for f in listed] == [("Feed0;pwned", "[bold red]Evil31m Sub")]
    for text in (plain, screen):
        assert not re.search("[\x9b\x9c\x9d\u202e]", text)
    assert code == 0 and "[bold red]Evil31m Sub" in screen  # markup shown as the characters it is
