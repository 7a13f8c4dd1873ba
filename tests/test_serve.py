"""``hub serve`` over HTTP: a real uvicorn on a loopback port, real SQLite, ``requests``.

What a browser user sees: status codes, pages in their language, escaped feed text,
state changes refused when cross-site or sent to a foreign Host.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path

import pytest
import requests

from serve_live import HOSTILE_TITLE, Live, keys, papers_feed, token


@pytest.fixture
def live(tmp_path: Path, hub: Callable[..., object]) -> Iterator[Live]:
    result = hub("import", str(papers_feed(tmp_path)))
    assert result.exit_code == 0, result.stderr
    server = Live()
    yield server
    server.stop()




def test_the_page_lists_papers_with_numbered_cards_and_hero(live: Live) -> None:
    page = requests.get(live.url + "/", timeout=10)
    assert page.status_code == 200
    assert "Explore the Frontier of Global Academia" in page.text
    assert "Academic Intelligence · Curated Daily" in page.text
    assert '<span class="num">01.</span>' in page.text
    assert "arXiv (CS.IR)" in page.text or "arXiv (CS.AI)" in page.text
    assert len(keys(page.text)) == 10  # the default page size
    assert 'rel="next"' in page.text and "page 1 of 4 · 31 papers" in page.text
    second = requests.get(live.url + "/?page=2", timeout=10)
    assert '<span class="num">11.</span>' in second.text
    assert not set(keys(page.text)) & set(keys(second.text))


def test_filters_are_chips_and_the_cross_removes_one(live: Live) -> None:
    page = requests.get(live.url + "/", params={"author": "Ada Lovelace", "category": "cs.AI", "search": "bandits"},
                        timeout=10)
    assert page.status_code == 200
    assert "Authors: Ada Lovelace" in page.text and "Categories: cs.AI" in page.text and "Search: bandits" in page.text
    found = keys(page.text)
    assert found and all(int(k.split(".")[1]) % 6 == 4 for k in found)  # even and a multiple of 3
    removes = [unescape(h) for h in re.findall(r'class="x" href="([^"]+)"', page.text)]
    assert len(removes) == 3
    without_search = next(h for h in removes if "search" not in h)
    wider = requests.get(live.url + without_search, timeout=10)
    assert "Search: bandits" not in wider.text and "Authors: Ada Lovelace" in wider.text
    assert len(keys(wider.text)) > len(found)


def test_feed_text_is_escaped(live: Live) -> None:
    page = requests.get(live.url + "/", params={"category": "cs.CR"}, timeout=10)
    assert "window.__pwned=1" in page.text
    assert "<script>window" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;window.__pwned=1" in page.text
    assert "&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;" in page.text
    title = re.search(r'<h2 class="title"><a href="[^"]+">(.+?)</a></h2>', page.text)
    # the title as a reader sees it (its $…$ read as math, render/latex.py, each formula in a
    # <span class="math"> for KaTeX: tests/test_math.py), still escaped
    assert title and unescape(re.sub(r"<span[^>]*>|</span>", "", title.group(1))) == HOSTILE_TITLE.replace("$", "")
    detail = requests.get(live.url + "/paper/arxiv:2604.09999", timeout=10)
    assert detail.status_code == 200 and "&lt;script&gt;" in detail.text and "<script>window" not in detail.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'")
    assert "object-src 'none'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/hub\.js\")", page.text)  # no inline script


@pytest.mark.parametrize(("query", "english", "chinese"), [
    ("since=yesterday", "bad date 'yesterday'", "无效日期 'yesterday'"),
    ("page=zero", "page=zero: expected a whole number", "page=zero：应为 1 到"),
    ("topic=nosuch", "unknown topic 'nosuch'", "未知主题 'nosuch'"),
    ("since=2026-05-01&until=2026-01-01", "since", "2026-05-01"),
])
def test_bad_parameters_are_a_400_page_in_the_users_language(live: Live, query: str, english: str,
                                                               chinese: str) -> None:
    page = requests.get(f"{live.url}/?{query}", timeout=10, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert page.status_code == 400
    assert english in unescape(page.text) and "Bad request" in page.text
    assert "Traceback" not in page.text
    zh = requests.get(f"{live.url}/?{query}", timeout=10, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert zh.status_code == 400 and chinese in unescape(zh.text) and "请求有误" in zh.text
    by_param = requests.get(f"{live.url}/?{query}&lang=zh", timeout=10)
    assert by_param.status_code == 400 and "请求有误" in by_param.text


def test_unknown_paper_and_page_are_404(live: Live) -> None:
    page = requests.get(live.url + "/paper/arxiv:2999.00001", timeout=10)
    assert page.status_code == 404 and "no paper &#39;arxiv:2999.00001&#39; in the cache" in page.text
    zh = requests.get(live.url + "/paper/arxiv:2999.00001?lang=zh", timeout=10)
    assert zh.status_code == 404 and "缓存中没有论文" in zh.text
    assert requests.get(live.url + "/no/such/page", timeout=10).status_code == 404
    wrong = requests.get(live.url + "/library/save", timeout=10)
    assert wrong.status_code == 405 and "does not take this method" in wrong.text
    assert requests.get(live.url + "/?lang=fr", timeout=10).status_code == 400


def test_language_follows_accept_language_then_lang(live: Live) -> None:
    zh = requests.get(live.url + "/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}, timeout=10)
    assert "探索全球前沿学术脉络" in zh.text and "换一批" in zh.text and '<html lang="zh-CN">' in zh.text
    en = requests.get(live.url + "/?lang=en", headers={"Accept-Language": "zh-CN"}, timeout=10)
    assert "Explore the Frontier of Global Academia" in en.text and ">Shuffle<" in en.text


def test_shuffle_brings_batches_not_shown_before(live: Live) -> None:
    """Each batch is drawn by a GET (which writes nothing) and recorded as shown by the
    page's own same-origin POST, as hub.js sends it once the page is loaded."""
    seen: set[str] = set()
    for _ in range(3):
        page = requests.get(live.url + "/shuffle", params={"n": "10"}, timeout=10)
        batch = keys(page.text)
        assert len(batch) == 10
        assert not seen & set(batch)
        seen |= set(batch)
        form = re.search(r'<form id="shuffle-shown".*?</form>', page.text, re.S)
        assert form
        data = {unescape(k): unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0))}
        assert requests.post(live.url + "/shuffle/shown", data=data, headers={"Origin": live.url},
                             timeout=10).json() == {"recorded": 10}


def test_save_from_the_page_and_see_it_in_the_library(live: Live) -> None:
    session = requests.Session()
    page = session.get(live.url + "/", timeout=10)
    key = keys(page.text)[0]
    done = session.post(live.url + "/library/save", data={"token": token(page.text), "id": key, "next": "/library"},
                        headers={"Origin": live.url}, timeout=10)
    assert done.status_code == 200 and done.url == live.url + "/library"
    assert keys(done.text) == [key]
    tagged = session.post(live.url + "/library/tag", data={"token": token(page.text), "id": key, "tag": "to-read",
                                                          "next": "/library?tag=to-read"}, timeout=10)
    assert keys(tagged.text) == [key] and "Tag: to-read" in tagged.text
    from hubcli.config import load_settings
    from hubcli.store import library
    from hubcli.store.db import open_store
    from hubcli.store.query import find_paper

    store = open_store(load_settings().paths.database, create=False)
    assert store is not None
    with store:
        paper = find_paper(store, key)
        assert paper is not None and library.saved_ids(store) == [paper.rowid]
        assert library.state_for(store.conn, [paper.rowid or 0])[paper.rowid or 0].tags == ["to-read"]


def test_cross_site_posts_are_refused(live: Live) -> None:
    page = requests.get(live.url + "/", timeout=10)
    key, good = keys(page.text)[0], token(page.text)
    form = {"token": good, "id": key, "next": "/"}
    for headers, data in [
        ({"Origin": "http://evil.example"}, form),
        ({"Sec-Fetch-Site": "cross-site"}, form),
        ({"Sec-Fetch-Site": "same-site"}, form),
        ({"Origin": "null"}, form),
        ({}, {**form, "token": "guessed"}),
        ({}, {"id": key, "next": "/"}),
    ]:
        refused = requests.post(live.url + "/library/save", data=data, headers=headers, timeout=10,
                                allow_redirects=False)
        assert refused.status_code == 403, headers
        assert "refused" in refused.text
    library = requests.get(live.url + "/library", timeout=10)
    assert keys(library.text) == []
    zh = requests.post(live.url + "/library/save?lang=zh", data=form, headers={"Origin": "http://evil.example"},
                       timeout=10)
    assert zh.status_code == 403 and "已拒绝此修改" in zh.text


def test_a_foreign_host_header_is_refused(live: Live) -> None:
    """DNS rebinding: evil.example resolving to 127.0.0.1 sends its own name as Host."""
    for host in ("evil.example", f"evil.example:{live.port}", "127.0.0.1:1", f"192.168.1.5:{live.port}"):
        page = requests.get(live.url + "/", headers={"Host": host}, timeout=10)
        assert page.status_code == 421, host
        assert "papers" not in page.text.lower()
    page = requests.get(live.url + "/", timeout=10)
    post = requests.post(live.url + "/library/save", data={"token": token(page.text), "id": keys(page.text)[0]},
                         headers={"Host": "evil.example"}, timeout=10)
    assert post.status_code == 421
    for host in (f"localhost:{live.port}", f"127.0.0.1:{live.port}"):
        assert requests.get(live.url + "/", headers={"Host": host}, timeout=10).status_code == 200


def test_next_after_a_post_stays_on_this_site(live: Live) -> None:
    page = requests.get(live.url + "/", timeout=10)
    done = requests.post(live.url + "/library/save", allow_redirects=False, timeout=10,
                         data={"token": token(page.text), "id": keys(page.text)[0], "next": "//evil.example/x"})
    assert done.status_code == 303 and done.headers["location"] == "/"


def test_radar_peeks_and_does_not_move_the_cli_mark(live: Live, hub: Callable[..., object]) -> None:
    assert hub("follow", "Ada Lovelace").exit_code == 0
    page = requests.get(live.url + "/radar?n=10", timeout=10)
    assert page.status_code == 200 and "Authors: Ada Lovelace" in page.text
    assert len(keys(page.text)) == 10 and "5 more not shown" in page.text
    assert "count as seen" not in page.text  # the terminal's notice, which the CLI adds
    peek = hub("radar", "--peek", "--limit", "10", "--format", "plain")
    assert "5 more not shown; they count as seen" in peek.stderr
    assert "Because you follow Authors: Ada Lovelace" in page.text
    again = requests.get(live.url + "/radar?n=10", timeout=10)
    assert keys(again.text) == keys(page.text)  # nothing marked as seen
    cli = hub("radar", "--format", "json", "--limit", "50")
    assert len(re.findall(r'"id": "arxiv:', cli.stdout)) == 15


def test_brief_shows_the_offline_digest(live: Live) -> None:
    page = requests.get(live.url + "/brief", params={"category": "cs.IR"}, timeout=30)
    assert page.status_code == 200
    assert "Offline digest" in page.text and "Paper number 1" in page.text
    assert "No language model is configured" in page.text
    zh = requests.get(live.url + "/brief", params={"category": "cs.IR", "lang": "zh"}, timeout=30)
    assert "离线摘要" in zh.text


def test_the_command_prints_its_url_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "hubcli", "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url), url
        page = requests.get(url, timeout=20)
        assert page.status_code == 200 and "the cache is empty" in page.text
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "stopped" in err


def test_exposed_host_warns(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "hubcli", "serve", "--host", "0.0.0.0", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert requests.get(url, timeout=20).status_code == 200
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "listening on 0.0.0.0" in err and "anyone who can reach this machine" in err


def test_hub_papers_does_not_import_the_web_stack() -> None:
    code = ("import sys\nfrom hubcli.cli.main import main\nmain(['papers'])\n"
            "bad = [m for m in ('starlette', 'jinja2', 'uvicorn', 'hubcli.web') if m in sys.modules]\n"
            "print(','.join(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1:] in ([], [""]), done.stdout


def test_recommend_explains_from_the_library(live: Live, hub: Callable[..., object]) -> None:
    cold = requests.get(live.url + "/recommend", params={"since": "2000-01-01"}, timeout=60)
    assert cold.status_code == 200 and "recommendations need at least 3" in cold.text
    assert hub("save", "arxiv:2604.10000", "arxiv:2604.10003", "arxiv:2604.10006").exit_code == 0
    page = requests.get(live.url + "/recommend", params={"since": "2000-01-01"}, timeout=120)
    assert page.status_code == 200
    found = keys(page.text)
    assert found and not {"arxiv:2604.10000", "arxiv:2604.10003", "arxiv:2604.10006"} & set(found)
    assert "in your library" in page.text and "score " in page.text
    zh = requests.get(live.url + "/recommend", params={"since": "2000-01-01", "lang": "zh"}, timeout=120)
    assert "与文献库中的《" in zh.text


def test_recommend_names_the_interest_each_paper_serves(live: Live, hub: Callable[..., object]) -> None:
    assert hub("save", "arxiv:2604.10000", "arxiv:2604.10003", "--tag", "alpha").exit_code == 0
    assert hub("save", "arxiv:2604.10006", "arxiv:2604.10009", "--tag", "beta").exit_code == 0
    page = requests.get(live.url + "/recommend", params={"since": "2000-01-01", "all": "1"}, timeout=120)
    assert page.status_code == 200 and keys(page.text)
    assert "for your interest: alpha" in page.text or "for your interest: beta" in page.text
    zh = requests.get(live.url + "/recommend", params={"since": "2000-01-01", "all": "1", "lang": "zh"}, timeout=120)
    assert "对应兴趣：" in zh.text


def test_library_filters_as_query_parameters(live: Live, hub: Callable[..., object]) -> None:
    assert hub("tag", "arxiv:2604.10001", "bandits").exit_code == 0
    assert hub("save", "arxiv:2604.10002").exit_code == 0
    saved = requests.get(live.url + "/", params={"saved": "1"}, timeout=10)
    assert sorted(keys(saved.text)) == ["arxiv:2604.10001", "arxiv:2604.10002"] and ">Saved <" in saved.text
    tagged = requests.get(live.url + "/", params={"tag": "bandits"}, timeout=10)
    assert keys(tagged.text) == ["arxiv:2604.10001"] and "Tag: bandits" in tagged.text
    library = requests.get(live.url + "/library", params={"tag": "bandits"}, timeout=10)
    assert keys(library.text) == ["arxiv:2604.10001"]
    assert "#bandits" in library.text


def test_open_opens_the_page_in_the_browser(browser: Path) -> None:
    import time

    proc = subprocess.Popen([sys.executable, "-m", "hubcli", "serve", "--port", "0", "--open"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        deadline = time.monotonic() + 30
        while not (browser.exists() and browser.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert browser.read_text().split() == [url]
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0


def test_a_busy_port_is_one_clear_line(hub: Callable[..., object]) -> None:
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        result = hub("serve", "--port", str(taken.getsockname()[1]))
    finally:
        taken.close()
    assert result.exit_code == 1
    assert "cannot listen on 127.0.0.1:" in result.stderr
    assert "Traceback" not in result.stderr


def test_pages_answer_while_hub_sync_holds_the_write_lock(live: Live) -> None:
    import sqlite3

    from hubcli.config import load_settings

    writer = sqlite3.connect(load_settings().paths.database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE papers SET title = title || '' WHERE id = 1")
        for path in ("/", "/?page=2", "/radar", "/library", "/paper/arxiv:2604.10001", "/brief"):
            page = requests.get(live.url + path, timeout=20)
            assert page.status_code == 200, path
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_collaboration_paper_names_eight_authors_on_its_card(live: Live, tmp_path: Path,
                                                                 hub: Callable[..., object]) -> None:
    from feedgen import Item, arxiv_rss

    feed = tmp_path / "big.xml"
    feed.write_bytes(arxiv_rss("hep-ex", [Item("2604.20000", "A big collaboration", [f"Member {i}" for i in range(30)],
                                               categories=["hep-ex"])]))
    assert hub("import", str(feed)).exit_code == 0
    page = requests.get(live.url + "/", params={"category": "hep-ex"}, timeout=10)
    assert page.text.count('class="author"') == 8 and "and 22 more" in page.text
    detail = requests.get(live.url + "/paper/arxiv:2604.20000", timeout=10)
    own = detail.text.split('id="similar"', 1)[0]  # the paper's card, not its similar papers
    assert own.count('class="author"') == 30


@pytest.mark.slow
def test_serve_warms_the_library_features_in_the_background(tmp_path: Path, hub: Callable[..., object],
                                                             hub_home: Path) -> None:
    import time

    from hubcli.config import load_settings

    assert hub("import", str(papers_feed(tmp_path))).exit_code == 0
    assert hub("save", "arxiv:2604.10000", "arxiv:2604.10001", "arxiv:2604.10002").exit_code == 0
    database = load_settings().paths.database
    manifest = database.with_name(database.name + ".features") / "manifest.json"
    assert not manifest.exists()
    proc = subprocess.Popen([sys.executable, "-m", "hubcli", "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        proc.stdout.readline()
        deadline = time.monotonic() + 120
        while not manifest.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert manifest.exists()  # built with no request made
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
