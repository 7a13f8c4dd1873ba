"""An unknown ``--category`` says what arXiv calls it (``cs.LGG`` -> ``cs.LG``), in English and
Chinese, in ``hub papers`` and on the page; ``--since`` over dates known only to their month
or year (library imports) treats such a date as its period's first day."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from conftest import Result
from feedgen import Item, arxiv_rss
from hubcli.categories import unknown_arxiv
from hubcli.resolve import since_bound
from hubcli.sources.arxiv_taxonomy import close_categories
from serve_live import Live

Hub = Callable[..., Result]
ITEMS = [Item("2604.30001", "Learning to rank", ["Ada Lovelace"], categories=["cs.LG"]),
         Item("2604.30002", "Viscosity solutions", ["Grace Hopper"], categories=["math.AP"])]


@pytest.fixture
def cache(tmp_path: Path, hub: Hub) -> Path:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(arxiv_rss("cs.LG", ITEMS))
    assert hub("import", str(feed)).exit_code == 0
    return feed


@pytest.mark.parametrize(("typed", "close"), [
    ("cs.LGG", ["cs.LG"]), ("cs.AII", ["cs.AI"]), ("mathh.AP", ["math.AP"]), ("hep-thh", ["hep-th"]),
    ("stat.MLL", ["stat.ML"]), ("cond-mat.stat-mec", ["cond-mat.stat-mech"]), ("cs.XX", []),
])
def test_close_names_come_from_arxivs_own_list(typed: str, close: list[str]) -> None:
    assert close_categories(typed) == close
    assert unknown_arxiv([typed]) == [(typed, close)]


def test_what_is_not_a_typo_gets_no_hint() -> None:
    # arXiv's own names in any case, a journal's subject, a journal subject shaped like arXiv's
    assert unknown_arxiv(["cs.LG", "math.Ap", "hep-th", "Scientific Community", "Cell.Biology"]) == []


@pytest.mark.parametrize(("typed", "en", "zh"), [
    # the name as arXiv would spell it (an unknown subject's case as typed is not kept)
    ("cs.LGG", "hint: no arXiv category is named 'cs.lgg'; did you mean: cs.LG?",
     "提示：arXiv 没有名为 “cs.lgg” 的分类；您是否指：cs.LG？"),
    ("cs.XX", "hint: no arXiv category is named 'cs.XX' (arXiv's list: https://arxiv.org/category_taxonomy)",
     "提示：arXiv 没有名为 “cs.XX” 的分类（arXiv 的分类列表：https://arxiv.org/category_taxonomy）"),
])
def test_hub_papers_names_the_close_categories(cache: Path, hub: Hub, typed: str, en: str, zh: str) -> None:
    english = hub("papers", "--category", typed)
    assert english.exit_code == 0 and en in english.stderr
    assert "hint: no papers match" in english.stderr
    chinese = hub("papers", "--category", typed, "--lang", "zh")
    assert chinese.exit_code == 0 and zh in chinese.stderr


def test_a_category_in_another_case_is_the_same_category(cache: Path, hub: Hub) -> None:
    result = hub("papers", "--category", "math.Ap", "--format", "plain")
    assert result.exit_code == 0 and "Viscosity solutions" in result.stdout
    assert "category" not in result.stderr  # no hint


@pytest.fixture
def live(cache: Path) -> Iterator[Live]:
    server = Live()
    yield server
    server.stop()


def test_the_page_shows_the_hint_in_the_users_language(live: Live) -> None:
    english = requests.get(live.url + "/?category=cs.LGG", timeout=10)
    assert english.status_code == 200
    assert "no arXiv category is named &#39;cs.lgg&#39;; did you mean: cs.LG?" in english.text
    chinese = requests.get(live.url + "/?category=cs.LGG&lang=zh", timeout=10)
    assert html.unescape("arXiv 没有名为 “cs.lgg” 的分类；您是否指：cs.LG？") in html.unescape(chinese.text)
    shuffled = requests.get(live.url + "/shuffle?category=cs.XX", timeout=10)
    assert "no arXiv category is named &#39;cs.XX&#39;" in shuffled.text


# --- --since over month-only and year-only dates ---------------------------------------------

BIB = """@article{jan, title={Month only January}, author={Doe, Jane}, year={2017}, month={jan}, journal={J}}
@article{year, title={Year only}, author={Doe, Jane}, year={2017}, journal={J}}
@article{tenth, title={Precise January tenth}, author={Doe, Jane}, year={2017}, month={jan}, day={10}, journal={J}}
@article{dec, title={December month}, author={Doe, Jane}, year={2016}, month={dec}, journal={J}}
"""


@pytest.mark.parametrize(("since", "titles"), [
    ("2017-01-01", {"Month only January", "Year only", "Precise January tenth"}),  # all of 2017 and January
    ("2017-01-05", {"Precise January tenth"}),  # January may be before the 5th: left out, as it sorts
    ("2016-12-01", {"Month only January", "Year only", "Precise January tenth", "December month"}),
    ("2017-02-01", set()),
])
def test_since_counts_a_month_or_year_as_its_first_day(hub: Hub, tmp_path: Path, since: str,
                                                       titles: set[str]) -> None:
    bib = tmp_path / "dates.bib"
    bib.write_text(BIB, encoding="utf-8")
    assert hub("library", "import", str(bib)).exit_code == 0
    result = hub("papers", "--since", since, "--format", "json")
    assert result.exit_code == 0
    assert {paper["title"] for paper in json.loads(result.stdout or "[]")} == titles
    if not titles:
        assert "the newest paper in the cache is from 2017-01-10, before --since 2017-02-01" in result.stderr


def test_since_bound() -> None:
    assert [since_bound(d) for d in ("2017-01-01", "2017-02-01", "2017-01-15")] == ["2017", "2017-02", "2017-01-15"]
