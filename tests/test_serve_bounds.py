"""``hub serve`` bounded: the caps on a request (URL size, parameter count, value length,
values per filter, every number parameter) and the rule that a GET never writes.

A real uvicorn on a loopback port over a real SQLite cache, ``requests`` for the browser.
Any website the user visits can make the browser send these requests (an ``<img>`` tag),
so each is answered small, with a page in the user's language, and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from conftest import Result
from serve_live import Live, keys, papers_feed


@pytest.fixture
def live(tmp_path: Path, hub: Callable[..., Result]) -> Iterator[Live]:
    result = hub("import", str(papers_feed(tmp_path)))
    assert result.exit_code == 0
    server = Live()
    yield server
    server.stop()



def message(html: str) -> str:
    found = re.search(r'<p class="text" id="message">([^<]*)</p>', html)
    assert found, html[:400]
    return unescape(found.group(1))


def record_form(html: str) -> dict[str, str]:
    """The page's own record of its Shuffle batch (what hub.js POSTs after load)."""
    form = re.search(r'<form id="shuffle-shown".*?</form>', html, re.S)
    assert form, "the shuffle page carries no record of its batch"
    return {unescape(k): unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0))}


def stored(home: Path) -> dict[str, str]:
    """Every SQLite file under HUB_HOME, as the hash of its full logical dump."""
    out = {}
    for path in sorted(home.rglob("*.db")):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            out[str(path)] = hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
        finally:
            conn.close()
    assert out, f"no database under {home}"
    return out


def shuffle_memory(home: Path) -> set[tuple[str, int]]:
    from hubcli.config import load_settings

    conn = sqlite3.connect(f"file:{load_settings().paths.database}?mode=ro", uri=True)
    try:
        return {(str(s), int(p)) for s, p in conn.execute("SELECT selection, paper_id FROM shuffle_seen")}
    finally:
        conn.close()


# -- the caps --------------------------------------------------------------------------------

def test_a_5000_parameter_url_is_answered_small_with_a_414(live: Live, capfd: pytest.CaptureFixture[str]) -> None:
    """The reported case: category= repeated 5,000 times (an ~89 KB URL) made a 546 MB page."""
    query = "&".join(["category=cs.AI"] * 5000) + "&search=" + "x" * 14_000
    assert len(query) > 85_000
    page = requests.get(live.url + "/?" + query, timeout=30)
    assert page.status_code == 414
    assert len(page.content) < 8_000
    assert message(page.text).startswith("This address is too long")
    assert "content-security-policy" in page.headers
    zh = requests.get(live.url + "/shuffle?" + query, headers={"Accept-Language": "zh-CN,zh;q=0.9"}, timeout=30)
    assert zh.status_code == 414 and len(zh.content) < 8_000
    assert "此地址过长" in message(zh.text) and '<html lang="zh-CN">' in zh.text
    by_lang = requests.get(live.url + "/library?lang=zh&" + query, timeout=30)
    assert by_lang.status_code == 414 and "此地址过长" in message(by_lang.text)
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("path", ["/", "/shuffle", "/library", "/recommend", "/radar", "/brief",
                                  "/paper/arxiv:2604.10000", "/brief/status", "/static/hub.css", "/nowhere"])
def test_too_many_parameters_are_a_400_on_every_path(live: Live, path: str) -> None:
    query = "&".join(f"x{i}=1" for i in range(51))  # short (about 300 bytes), but 51 parameters
    page = requests.get(live.url + path + "?" + query, timeout=10)
    assert page.status_code == 400
    assert len(page.content) < 8_000
    assert message(page.text) == "Too many parameters (51; at most 50): remove some filters."
    fifty = requests.get(live.url + "/?" + "&".join(f"x{i}=1" for i in range(50)), timeout=10)
    assert fifty.status_code == 200 if path == "/" else True


def test_an_oversized_value_is_a_400_in_the_users_language(live: Live) -> None:
    page = requests.get(live.url + "/", params={"search": "bandit " * 200}, timeout=10)
    assert page.status_code == 400 and len(page.content) < 8_000
    assert message(page.text) == "search= is too long (1400 characters; at most 1000)."
    zh = requests.get(live.url + "/", params={"search": "bandit " * 150, "lang": "zh"}, timeout=10)
    assert zh.status_code == 400 and message(zh.text) == "search= 过长（1050 个字符；最多 1000 个）。"
    # a value is counted in characters; the URL in bytes (a Chinese character is 9 bytes encoded)
    long_zh = requests.get(live.url + "/", params={"search": "赌博机" * 200, "lang": "zh"}, timeout=10)
    assert long_zh.status_code == 414 and "此地址过长" in message(long_zh.text)
    fits = requests.get(live.url + "/", params={"search": "bandits " + "x" * 900}, timeout=10)
    assert fits.status_code == 200


def test_too_many_values_of_one_filter_are_a_400(live: Live) -> None:
    for path in ("/", "/shuffle", "/library", "/recommend", "/brief"):
        page = requests.get(live.url + path, params=[("category", f"cs.{c}") for c in "ABCDEFGHIJKLMNOPQRSTU"],
                            timeout=10)
        assert page.status_code == 400, path
        assert message(page.text) == "Too many category= values (21; at most 20).", path
    twenty = requests.get(live.url + "/", params=[("category", f"cs.{c}") for c in "ABCDEFGHIJKLMNOPQRIT"],
                          timeout=10)
    assert twenty.status_code == 200


def test_the_largest_query_within_the_caps_gives_a_bounded_page(tmp_path: Path, hub: Callable[..., Result]) -> None:
    """Every card links its authors with the page's filters: the caps bound that too
    (100 cards of a query just under the URL cap: about 2.3 MB, against 210 KB for the
    same cards without filters)."""
    assert hub("import", str(papers_feed(tmp_path, 120))).exit_code == 0
    pairs = [("category", "cs.AI"), ("category", "cs.IR")]
    pairs += [("category", f"cs.{'Z' * 180}{i}") for i in range(18)]
    pairs += [("n", "100")]
    query = urlencode(pairs)
    assert 3_500 < len(query) < 4_000
    server = Live()
    try:
        for path in ("/", "/shuffle", "/library", "/recommend", "/radar"):
            page = requests.get(server.url + path + "?" + query, timeout=60)
            assert page.status_code == 200
            assert len(keys(page.text)) == (100 if path in ("/", "/shuffle") else len(keys(page.text)))
            assert len(page.content) < 3_000_000, path
    finally:
        server.stop()


# -- every number parameter ------------------------------------------------------------------

BAD_NUMBERS = ["99999999999999999999999", "-1", "0", "abc", "1e3", "²", "１", "0x10", "1.5", " 2 3", "+3",
               "9" * 999]


@pytest.mark.parametrize("path,name", [("/", "page"), ("/", "n"), ("/library", "page"), ("/library", "n"),
                                       ("/shuffle", "n"), ("/recommend", "n"), ("/radar", "n")])
def test_every_number_parameter_is_validated(live: Live, path: str, name: str,
                                             capfd: pytest.CaptureFixture[str]) -> None:
    for value in BAD_NUMBERS:
        page = requests.get(live.url + path, params={name: value}, timeout=10)
        assert page.status_code == 400, (path, name, value)
        assert len(page.content) < 8_000
        if len(value) < 100:
            assert f"{name}=" in message(page.text) and "expected a whole number from 1 to" in message(page.text)
    zh = requests.get(live.url + path, params={name: "99999999999999999999999", "lang": "zh"}, timeout=10)
    assert zh.status_code == 400 and "之间的整数" in message(zh.text)
    assert requests.get(live.url + path, params={name: "2"}, timeout=10).status_code == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err and "OverflowError" not in err


def test_a_page_past_the_end_and_the_largest_page_are_answered(live: Live) -> None:
    page = requests.get(live.url + "/", params={"page": "1000000000"}, timeout=10)
    assert page.status_code == 200 and keys(page.text) == []
    assert requests.get(live.url + "/", params={"page": "1000000001"}, timeout=10).status_code == 400


def test_a_shown_batch_takes_paper_numbers_only(live: Live, capfd: pytest.CaptureFixture[str]) -> None:
    for value in ("99999999999999999999999", "1,-2", "²", ",".join(["1"] * 101), "1;2", "9223372036854775808"):
        page = requests.get(live.url + "/shuffle", params={"show": value}, timeout=10)
        assert page.status_code == 400, value
        assert message(page.text).startswith("show=")
    largest = requests.get(live.url + "/shuffle", params={"show": "9223372036854775807,1"}, timeout=10)
    assert largest.status_code == 200 and len(keys(largest.text)) == 1
    assert requests.get(live.url + "/paper/99999999999999999999999", timeout=10).status_code == 404
    assert "Traceback" not in capfd.readouterr().err


# -- a GET never writes ----------------------------------------------------------------------

CROSS_SITE = [{}, {"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
              {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image",
               "Referer": "http://evil.example/"}]


def test_a_get_of_shuffle_never_writes(live: Live, hub_home: Path) -> None:
    before = stored(hub_home)
    memory = shuffle_memory(hub_home)
    for headers in CROSS_SITE:
        for query in ("", "?n=100", "?category=cs.AI", "?lang=zh&n=5"):
            page = requests.get(live.url + "/shuffle" + query, headers=headers, timeout=10)
            assert page.status_code == 200 and keys(page.text)
    for path in ("/", "/radar", "/library", "/recommend", "/brief", "/paper/arxiv:2604.10000"):
        assert requests.get(live.url + path, headers=CROSS_SITE[1], timeout=10).status_code == 200
    assert shuffle_memory(hub_home) == memory
    assert stored(hub_home) == before


RESTART = "every paper in this selection has been shown; starting over"


def test_the_page_records_its_batch_with_a_same_origin_post(live: Live, hub_home: Path) -> None:
    seen: set[str] = set()
    for _ in range(3):
        page = requests.get(live.url + "/shuffle", params={"n": "10"}, timeout=10)
        batch = keys(page.text)
        assert len(batch) == 10 and not seen & set(batch)
        seen |= set(batch)
        form = record_form(page.text)
        done = requests.post(live.url + "/shuffle/shown", data=form, headers={"Origin": live.url}, timeout=10)
        assert done.status_code == 200 and done.json() == {"recorded": 10}
    assert len(shuffle_memory(hub_home)) == 30
    # the fourth batch: the one paper left, then a new round (as hub shuffle)
    page = requests.get(live.url + "/shuffle", params={"n": "10"}, timeout=10)
    assert len(keys(page.text)) == 10 and len(set(keys(page.text)) - seen) == 1
    assert RESTART in page.text
    requests.post(live.url + "/shuffle/shown", data=record_form(page.text), headers={"Origin": live.url}, timeout=10)
    assert len(shuffle_memory(hub_home)) == 10


def test_hub_shuffle_and_the_page_share_one_memory(live: Live, hub: Callable[..., Result]) -> None:
    import json

    page = requests.get(live.url + "/shuffle", params={"n": "10", "category": "cs.IR"}, timeout=10)
    shown = set(keys(page.text))
    assert len(shown) == 10  # of the 15 cs.IR papers
    requests.post(live.url + "/shuffle/shown", data=record_form(page.text), timeout=10)
    result = hub("shuffle", "-n", "5", "--category", "cs.IR", "--format", "json")
    cli_keys = {p["id"] for p in json.loads(result.stdout)}
    assert len(cli_keys) == 5 and not cli_keys & shown  # the five the page did not show


def test_a_cross_site_record_is_refused_and_writes_nothing(live: Live, hub_home: Path) -> None:
    page = requests.get(live.url + "/shuffle", timeout=10)
    form = record_form(page.text)
    before = stored(hub_home)
    for headers, data in [({"Origin": "http://evil.example"}, form), ({"Sec-Fetch-Site": "cross-site"}, form),
                          ({"Origin": "null"}, form), ({}, {**form, "token": "guessed"}),
                          ({}, {k: v for k, v in form.items() if k != "token"})]:
        refused = requests.post(live.url + "/shuffle/shown", data=data, headers=headers, timeout=10)
        assert refused.status_code == 403, headers
        assert "refused" in message(refused.text)
    for bad in ("1,x", ",".join(str(i) for i in range(1, 102)), "99999999999999999999999"):
        wrong = requests.post(live.url + "/shuffle/shown", data={**form, "ids": bad}, timeout=10)
        assert wrong.status_code == 400, bad
    oversized = requests.post(live.url + "/shuffle/shown", timeout=10,
                              data={**form, "view": "&".join(["category=cs.AI"] * 60)})
    assert oversized.status_code == 400
    assert requests.get(live.url + "/shuffle/shown", timeout=10).status_code == 405
    assert stored(hub_home) == before


def test_an_oversized_post_is_refused_without_reading_it_all(live: Live, hub_home: Path) -> None:
    page = requests.get(live.url + "/shuffle", timeout=10)
    form = record_form(page.text)
    before = stored(hub_home)
    big = urlencode({**form, "pad": "x" * 10_000_000})
    refused = requests.post(live.url + "/shuffle/shown", data=big, timeout=30,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert refused.status_code == 403 and len(refused.content) < 8_000

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked, read only up to the cap
        yield urlencode(form).encode()
        for _ in range(200):
            yield b"&pad=" + b"x" * 50_000

    chunked = requests.post(live.url + "/library/save", data=chunks(), timeout=30,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert chunked.status_code == 403
    assert stored(hub_home) == before


def test_ranked_pages_never_write_the_database(tmp_path: Path, hub: Callable[..., Result], hub_home: Path) -> None:
    """With a library to rank by, /radar and /recommend read it; only the derived feature
    store beside the cache is brought up to date (as ``hub serve`` does at start)."""
    assert hub("import", str(papers_feed(tmp_path))).exit_code == 0
    assert hub("papers").exit_code == 0
    assert hub("save", "1", "2", "3", "4").exit_code == 0
    assert hub("follow", "Ada Lovelace").exit_code == 0
    server = Live()
    try:
        before = stored(hub_home)
        for path in ("/recommend", "/radar", "/radar?n=500", "/", "/shuffle", "/library", "/brief"):
            page = requests.get(server.url + path, headers=CROSS_SITE[2], timeout=120)
            assert page.status_code == 200, path
            assert keys(page.text) or path in ("/recommend", "/brief"), path
        assert stored(hub_home) == before
    finally:
        server.stop()
