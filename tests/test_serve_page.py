"""The page's search form, notes and single-paper view (issue 21), over a real uvicorn on
a loopback port and a cache filled by ``hub import``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from serve_live import Live, keys, papers_feed, token


@pytest.fixture
def live(tmp_path: Path, hub: Callable[..., object]) -> Iterator[Live]:
    result = hub("import", str(papers_feed(tmp_path)))
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    server = Live()
    yield server
    server.stop()




def search_form(html: str) -> str:
    found = re.search(r'<form class="search" id="search" method="get" action="([^"]*)".*?</form>', html, re.S)
    assert found, "no search form"
    return found.group(0)


def hidden_inputs(form: str) -> list[tuple[str, str]]:
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    return [(unescape(k), unescape(v)) for k, v in found]


def test_listing_pages_have_a_search_form_keeping_the_other_parameters(live: Live) -> None:
    page = requests.get(live.url + "/", params=[("author", "Ada Lovelace"), ("page", "2"), ("search", "bandits"),
                                                ("since", "7d"), ("lang", "en")], timeout=10)
    assert page.status_code == 200
    form = search_form(page.text)
    assert 'action="/"' in form
    assert sorted(hidden_inputs(form)) == [("author", "Ada Lovelace"), ("lang", "en")]  # page dropped
    assert 'name="search" id="search-box" value="bandits"' in form
    assert '<option value="7d" selected>' in form
    assert 'name="category"' in form
    for path in ("/library", "/shuffle"):
        assert 'id="search"' in requests.get(live.url + path, timeout=10).text, path
    assert 'id="search"' not in requests.get(live.url + "/radar", timeout=10).text


def test_the_forms_parameters_filter_as_the_cli_does(live: Live) -> None:
    every = requests.get(live.url + "/", params={"n": "100"}, timeout=10)
    found = requests.get(live.url + "/", params={"n": "100", "search": "bandits", "category": "cs.AI", "since": "",
                                                  "topic": ""}, timeout=10)
    assert found.status_code == 200
    shown = keys(found.text)
    assert shown and len(shown) < len(keys(every.text))
    assert all((int(k.split(".")[1]) - 10000) % 6 == 0 for k in shown)  # "bandits" (i % 3) in cs.AI (even)
    assert "Search: bandits" in found.text and "Categories: cs.AI" in found.text


def test_hostile_parameters_are_escaped_in_the_form(live: Live) -> None:
    page = requests.get(live.url + "/", params={"search": '"><script>x()</script>', "source": '"><b>'}, timeout=10)
    form = search_form(page.text)
    assert "<script>x()" not in form and "<b>" not in form
    assert ("source", '"><b>') in hidden_inputs(form)


def library_note(live: Live, session: requests.Session, key: str, text: str, **headers: str) -> requests.Response:
    page = session.get(live.url + "/", timeout=10)
    return session.post(live.url + "/library/note", data={"token": token(page.text), "id": key, "note": text,
                                                          "next": "/library"}, headers=headers, timeout=10)


def test_a_note_is_written_shown_escaped_and_cleared(live: Live, hub: Callable[..., object]) -> None:
    session = requests.Session()
    page = session.get(live.url + "/", timeout=10)
    key = keys(page.text)[1]
    saved = session.post(live.url + "/library/save", data={"token": token(page.text), "id": key, "next": "/"},
                         timeout=10)
    assert saved.status_code == 200
    done = library_note(live, session, key, "read <b>section 3</b>\nthen 4", Origin=live.url)
    assert done.status_code == 200 and done.url == live.url + "/library"
    assert "read &lt;b&gt;section 3&lt;/b&gt;\nthen 4" in done.text and "<b>section" not in done.text
    for path in ("/", "/library", f"/paper/{key}"):
        shown_page = requests.get(live.url + path, params={"n": "100"} if path == "/" else None, timeout=10)
        assert '<span class="note-text">read &lt;b&gt;section 3&lt;/b&gt;' in shown_page.text, path
    shown = hub("library")
    assert "section 3" in shown.stdout  # type: ignore[attr-defined]
    unsaved = keys(page.text)[2]  # a note needs no save: shown on the listing and the paper page
    library_note(live, session, unsaved, "ask Ada")
    assert '<span class="note-text">ask Ada</span>' in requests.get(live.url + f"/paper/{unsaved}", timeout=10).text
    assert '<span class="note-text">ask Ada</span>' in requests.get(live.url + "/", timeout=10).text
    cleared = library_note(live, session, key, "  ")
    assert cleared.status_code == 200
    page = requests.get(live.url + f"/paper/{key}", timeout=10)
    assert 'class="note-text"' not in page.text and "section 3" not in page.text


def test_a_cross_site_note_is_refused(live: Live) -> None:
    session = requests.Session()
    key = keys(session.get(live.url + "/", timeout=10).text)[0]
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        refused = library_note(live, session, key, "forged note 42", **headers)
        assert refused.status_code == 403, headers
    page = session.get(live.url + "/", timeout=10)
    no_token = session.post(live.url + "/library/note", data={"id": key, "note": "forged note 42"}, timeout=10)
    assert no_token.status_code == 403
    assert "forged note 42" not in requests.get(live.url + f"/paper/{key}", timeout=10).text
    assert "forged note 42" not in page.text


def test_a_get_never_writes_a_note(live: Live) -> None:
    key = keys(requests.get(live.url + "/", timeout=10).text)[0]
    got = requests.get(live.url + "/library/note", params={"id": key, "note": "x"}, timeout=10)
    assert got.status_code == 405
    assert 'class="note-text"' not in requests.get(live.url + f"/paper/{key}", timeout=10).text


def test_the_paper_page_has_no_number_its_categories_in_the_card_and_similar_papers(live: Live) -> None:
    key = "arxiv:2604.10006"
    page = requests.get(live.url + f"/paper/{key}", timeout=10)
    assert page.status_code == 200
    assert "01." not in page.text and 'class="num"' not in page.text
    card = re.search(r'<article class="card[^"]*" data-key="arxiv:2604.10006">.*?</article>', page.text, re.S)
    assert card and '<span class="category">cs.AI</span>' in card.group(0)
    similar = page.text.split('id="similar"', 1)
    assert len(similar) == 2 and "Similar papers" in similar[1]
    neighbours = keys(similar[1])
    assert 1 <= len(neighbours) <= 5 and key not in neighbours
    zh = requests.get(live.url + f"/paper/{key}", params={"lang": "zh"}, timeout=10)
    assert "相似论文" in zh.text


def test_the_shuffle_form_searches_all_papers(live: Live) -> None:
    form = search_form(requests.get(live.url + "/shuffle", params={"show": "1,2"}, timeout=10).text)
    assert 'action="/"' in form and all(k != "show" for k, _v in hidden_inputs(form))


def test_a_submitted_form_url_is_the_clis_option_names(live: Live) -> None:
    """What a browser sends for the form (every control, empty ones too) is a valid listing."""
    page = requests.get(live.url + "/", params={"author": "Ada Lovelace"}, timeout=10)
    form = search_form(page.text)
    data = [*hidden_inputs(form), ("search", "bandits"), ("category", ""), ("since", ""), ]
    sent = requests.get(live.url + "/", params=data, timeout=10)
    assert sent.status_code == 200
    query = dict(parse_qsl(urlsplit(sent.url).query))
    assert query["author"] == "Ada Lovelace" and query["search"] == "bandits"
    assert "Authors: Ada Lovelace" in sent.text and "Search: bandits" in sent.text


def test_the_topic_control_lists_the_configured_topics(tmp_path: Path, hub: Callable[..., object],
                                                       hub_home: Path) -> None:
    hub_home.mkdir(parents=True, exist_ok=True)
    (hub_home / "config.toml").write_text('[topics.bandits]\nquery = "bandits"\n[topics.recsys]\nquery = "ranking"\n')
    assert hub("import", str(papers_feed(tmp_path))).exit_code == 0  # type: ignore[attr-defined]
    server = Live()
    try:
        form = search_form(requests.get(server.url + "/", timeout=10).text)
        assert '<select name="topic" id="filter-topic"' in form
        assert '<option value="bandits">bandits</option>' in form and '<option value="recsys">recsys</option>' in form
        chosen = requests.get(server.url + "/", params={"topic": "bandits", "n": "100"}, timeout=10)
        assert '<option value="bandits" selected>' in search_form(chosen.text)
        shown = keys(chosen.text)
        assert shown and all((int(k.split(".")[1]) - 10000) % 3 == 0 for k in shown)
    finally:
        server.stop()


def test_the_paper_page_stands_when_similar_papers_cannot_be_computed(live: Live) -> None:
    """The features beside the database cannot be written (a file where their folder goes):
    the paper is shown with a hint, never an error page."""
    from hubcli.config import load_settings

    database = load_settings().paths.database
    blocker = database.with_name(database.name + ".features")
    if blocker.is_dir():
        import shutil

        shutil.rmtree(blocker)
    blocker.write_text("not a folder")
    page = requests.get(live.url + "/paper/arxiv:2604.10006", timeout=10)
    assert page.status_code == 200
    assert keys(page.text) == ["arxiv:2604.10006"]
    assert "similar papers cannot be shown now" in page.text
