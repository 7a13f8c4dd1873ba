"""Every filter is declared once (``Filters``) and works the same as a CLI option and as a
page parameter: ``hub papers --X v`` and ``/?X=v`` list the same papers, ``hub library
--X v`` and ``/library?X=v`` too."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from conftest import Result
from feedgen import journal_rss1
from hubcli.filters import filter_fields
from serve_live import Live, keys, papers_feed

Hub = Callable[..., Result]

# one value per declared filter (a flag: None), each matching some papers of the fixture
EXAMPLES: dict[str, str | None] = {
    "author": "Ada Lovelace",
    "category": "cs.AI",
    "source": "feed.xml",
    "journal": "journal of tests",
    "search": "bandits",
    "topic": "bandits",
    "since": "2026-04-27",
    "until": "2026-04-27",
    "type": "new",
    "unseen": None,
    "tag": "reading",
    "saved": None,
    "unread": None,
}


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cache for the module: the serve fixture's papers, a journal article, a topic, a
    small library (two saved papers, one tagged)."""
    from conftest import run_hub

    tmp = tmp_path_factory.mktemp("filters")
    home = tmp / "hub-home"
    home.mkdir()
    (home / "config.toml").write_text('[topics.bandits]\nquery = "bandits"\n')
    mp = pytest.MonkeyPatch()
    mp.setenv("HUB_HOME", str(home))
    for var in ("HUB_DB", "HUB_LANG", "LC_ALL", "LC_MESSAGES"):
        mp.delenv(var, raising=False)
    mp.setenv("LANG", "C.UTF-8")
    journal = tmp / "journal.xml"
    journal.write_bytes(journal_rss1("Journal of Tests", [
        {"link": "http://j.test/1", "title": "An article", "doi": "10.5555/jt.1"}]))
    for path in (papers_feed(tmp), journal):
        assert run_hub("import", str(path)).exit_code == 0
    assert run_hub("tag", "arxiv:2604.10002", "reading").exit_code == 0
    assert run_hub("save", "arxiv:2604.10005", "doi:10.5555/jt.1").exit_code == 0
    yield home
    mp.undo()


@pytest.fixture(scope="module")
def live(cache: Path) -> Iterator[Live]:
    server = Live()
    yield server
    server.stop()



def cli_keys(home: Path, *args: str) -> list[str]:
    from conftest import run_hub

    result = run_hub(*args, "--per-page", "100", "--format", "json", env={"HUB_HOME": str(home)})
    assert result.exit_code == 0, result.stderr
    return [paper["id"] for paper in json.loads(result.stdout)]


def page_keys(live: Live, path: str, params: dict[str, str]) -> list[str]:
    page = requests.get(live.url + path, params={**params, "n": "100"}, timeout=20)
    assert page.status_code == 200, page.text
    return keys(page.text)


def option_and_param() -> list[tuple[str, str, str | None]]:
    return [(next(f for f in option.flags if f.startswith("--")), option.param, EXAMPLES.get(option.param, "?"))
            for _spec, option in filter_fields()]


def test_every_declared_filter_has_an_example() -> None:
    assert sorted(EXAMPLES) == sorted(option.param for _spec, option in filter_fields())


@pytest.mark.parametrize(("flag", "param", "value"), option_and_param(), ids=lambda x: str(x))
def test_every_filter_lists_the_same_papers_on_the_cli_and_the_page(cache: Path, live: Live, flag: str,
                                                                   param: str, value: str | None) -> None:
    args = [flag] if value is None else [flag, value]
    expected = cli_keys(cache, "papers", *args)
    assert expected, f"{flag} matches nothing in the fixture: the comparison would prove nothing"
    got = page_keys(live, "/", {param: "1" if value is None else value})
    assert got == expected
    # the chip names the filter as the CLI's chip does
    page = requests.get(live.url + "/", params={param: "1" if value is None else value}, timeout=20)
    assert 'class="x"' in page.text


@pytest.mark.parametrize(("flag", "param", "value"),
                         [case for case in option_and_param() if case[1] not in ("unseen",)], ids=lambda x: str(x))
def test_every_filter_filters_the_library_on_the_cli_and_the_page(cache: Path, live: Live, flag: str,
                                                                  param: str, value: str | None) -> None:
    args = [flag] if value is None else [flag, value]
    expected = cli_keys(cache, "library", *args)
    assert page_keys(live, "/library", {param: "1" if value is None else value}) == expected


def test_library_author_filters_like_the_cli(cache: Path, live: Live) -> None:
    """``/library?author=X`` filters like ``hub library --author X``."""
    everything = cli_keys(cache, "library")
    assert sorted(everything) == ["arxiv:2604.10002", "arxiv:2604.10005", "doi:10.5555/jt.1"]
    by_ada = cli_keys(cache, "library", "--author", "Ada Lovelace")
    assert by_ada == ["arxiv:2604.10002"]
    page = requests.get(live.url + "/library", params={"author": "Ada Lovelace"}, timeout=20)
    assert keys(page.text) == by_ada and "Authors: Ada Lovelace" in page.text


def test_journal_filters_papers_on_the_cli_and_the_page(cache: Path, live: Live) -> None:
    """The worked example of docs/architecture.md: ``--journal NAME``, any case."""
    assert cli_keys(cache, "papers", "--journal", "journal of tests") == ["doi:10.5555/jt.1"]
    assert cli_keys(cache, "papers", "--journal", "Journal of Nothing") == []
    page = requests.get(live.url + "/", params={"journal": "JOURNAL OF TESTS"}, timeout=20)
    assert keys(page.text) == ["doi:10.5555/jt.1"]
    assert "Journal: JOURNAL OF TESTS" in page.text
    zh = requests.get(live.url + "/", params={"journal": "journal of tests", "lang": "zh"}, timeout=20)
    assert "期刊: journal of tests" in zh.text


def test_recommend_learns_from_like_tag_and_shows_no_tag_chip(live: Live) -> None:
    page = requests.get(live.url + "/recommend", params={"like_tag": "reading", "since": "2000-01-01"}, timeout=60)
    assert page.status_code == 200
    assert "Tag: reading" not in page.text
