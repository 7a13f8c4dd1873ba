"""The listing side of the CLI: filters, pages, formats, hostile text, languages, exit
codes, feeds and paths.  Papers get into the real SQLite cache through a real ``hub sync``
from the loopback arXiv mirror, never by writing rows directly."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import hubcli
from conftest import FeedServer, Result, run_on_a_terminal
from feedgen import Item, arxiv_rss, journal_rss1

Hub = Callable[..., Result]


DEFAULT_CATS = ("cs.AI", "cs.CL", "cs.IR", "cs.LG")
ANSI_RE = re.compile(r"\x1b|\x9b")
# C0 (except TAB/LF), DEL, C1, bidi embeddings/overrides/isolates
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

TODAY = date.today()
RECENT = TODAY - timedelta(days=2)
OLD = TODAY - timedelta(days=40)


def rss_date(day: date) -> str:
    return format_datetime(datetime(day.year, day.month, day.day, tzinfo=timezone(timedelta(hours=-4))))


def serve_feeds(server: FeedServer, feeds: dict[str, tuple[list[Item], date]]) -> None:
    for cat in DEFAULT_CATS:
        items, day = feeds.get(cat, ([], RECENT))
        server.serve(f"/rss/{cat}", arxiv_rss(cat, items, date=rss_date(day)))


A1 = Item("2604.00001", "Scaling sequential recommenders", ["Lichan Hong", "Ed H. Chi"],
          abstract="We study collaborative filtering for recommendation at scale.", categories=["cs.AI", "cs.IR"])
A2 = Item("2604.00002", "Long short-term memory revisited", ["Jürgen Schmidhuber"],
          abstract="Recurrent networks remember.", categories=["cs.AI", "cs.LG"])
A3 = Item("2604.00003", "Graph networks for molecules", ["Hong Li", "Wei Zhang"], abstract="Molecules as graphs.")
A4 = Item("2604.00004", "Planning agents", ["Lichan Hongson"], abstract="Agents that plan.", version=2,
          announce="replace")
I1 = Item("2604.00005", "Dense passage ranking", ["María García"],
          abstract="A study of ranking in which retrieval appears once.", categories=["cs.IR"])
X1 = Item("2604.00006", "Robots that fetch", ["Ken Ito"], abstract="Grasping.", announce="cross",
          categories=["cs.RO", "cs.IR"])
C1 = Item("2603.00010", "Cross-lingual retrieval for low-resource languages", ["Ana Silva"],
          abstract="We translate queries.", categories=["cs.CL"])
CORPUS = {
    "cs.AI": ([A1, A2, A3, A4], RECENT),
    "cs.IR": ([Item(**{**A1.__dict__, "announce": "cross"}), I1, X1], RECENT),
    "cs.CL": ([C1], OLD),
}
ALL_IDS = {"arxiv:2604.00001", "arxiv:2604.00002", "arxiv:2604.00003", "arxiv:2604.00004", "arxiv:2604.00005",
           "arxiv:2604.00006", "arxiv:2603.00010"}


@pytest.fixture
def synced(arxiv_mirror: FeedServer, hub: Hub) -> Hub:
    """A cache filled by ``hub sync`` from the mirror with the CORPUS feeds."""
    serve_feeds(arxiv_mirror, CORPUS)
    result = hub("sync")
    assert result.exit_code == 0, result.stderr
    return hub


def ids(hub: Hub, *args: str, env: dict[str, str] | None = None) -> list[str]:
    result = hub("papers", "--format", "json", "--per-page", "100", *args, env=env)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return [p["id"] for p in json.loads(result.stdout)]


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_usage_error(result: Result, *needles: str) -> None:
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


# --- authors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Lichan Hong", "lichan hong", "Lichan  Hong", "LICHAN HONG", "Hong, Lichan",
                                  "L. Hong", "  Lichan Hong  "])
def test_author_variants_find_the_same_person(synced: Hub, name: str) -> None:
    assert ids(synced, "--author", name) == ["arxiv:2604.00001"]


@pytest.mark.parametrize("name", ["Jurgen Schmidhuber", "jürgen schmidhuber", "Schmidhuber, Jurgen", "J. Schmidhuber"])
def test_author_matching_forgives_accents(synced: Hub, name: str) -> None:
    assert ids(synced, "--author", name) == ["arxiv:2604.00002"]


def test_author_does_not_match_a_longer_surname_or_swapped_names(synced: Hub) -> None:
    found = ids(synced, "--author", "Lichan Hong")
    assert "arxiv:2604.00004" not in found  # Lichan Hongson
    assert "arxiv:2604.00003" not in found  # Hong Li
    assert ids(synced, "--author", "Lichan Hongson") == ["arxiv:2604.00004"]
    assert ids(synced, "--author", "Hong Li") == ["arxiv:2604.00003"]


def test_several_authors_match_any_of_them(synced: Hub) -> None:
    assert sorted(ids(synced, "--author", "Lichan Hong", "--author", "Maria Garcia")) == [
        "arxiv:2604.00001", "arxiv:2604.00005"]


def test_an_unknown_author_gets_a_did_you_mean_hint(synced: Hub) -> None:
    result = synced("papers", "--author", "Lichen Hong", "--format", "json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "hint: no author matches 'Lichen Hong'; did you mean: Lichan Hong" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_misspelt_surname_still_gets_a_hint(synced: Hub) -> None:
    result = synced("papers", "--author", "Jurgen Schmidhubr", "--format", "json")

    assert json.loads(result.stdout) == []
    assert "did you mean: Jürgen Schmidhuber" in result.stderr


# --- categories, sources, types, dates, topics ------------------------------------------------

@pytest.mark.parametrize("cat", ["cs.IR", "cs.ir", "CS.IR"])
def test_category_filter(synced: Hub, cat: str) -> None:
    assert sorted(ids(synced, "--category", cat)) == ["arxiv:2604.00001", "arxiv:2604.00005", "arxiv:2604.00006"]


def test_categories_are_ored(synced: Hub) -> None:
    assert sorted(ids(synced, "--category", "cs.RO", "--category", "cs.CL")) == [
        "arxiv:2603.00010", "arxiv:2604.00006"]


def test_bad_category_is_a_usage_error(synced: Hub) -> None:
    assert_usage_error(synced("papers", "--category", "cs/../IR"), "bad category")


@pytest.mark.parametrize("source", ["arxiv:cs.IR", "arxiv:cs.ir", "arXiv (CS.IR)", "arxiv (cs.ir)"])
def test_source_filter_by_spec_or_label(synced: Hub, source: str) -> None:
    assert sorted(ids(synced, "--source", source)) == ["arxiv:2604.00001", "arxiv:2604.00005", "arxiv:2604.00006"]


def test_unknown_source_matches_nothing(synced: Hub) -> None:
    result = synced("papers", "--source", "Nature", "--format", "json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "no papers match" in result.stderr


def test_type_filter(synced: Hub) -> None:
    assert ids(synced, "--type", "replace") == ["arxiv:2604.00004"]
    crosses = synced("papers", "--type", "cross", "--format", "json")
    found = json.loads(crosses.stdout)
    assert "arxiv:2604.00006" in [p["id"] for p in found]
    assert {p["announce_type"] for p in found} == {"cross"}


def test_bad_type_is_a_usage_error(synced: Hub) -> None:
    assert_usage_error(synced("papers", "--type", "retracted"), "unknown announce type 'retracted'", "replace-cross")


def test_since_and_until_with_dates_and_spans(synced: Hub) -> None:
    recent = ALL_IDS - {"arxiv:2603.00010"}
    assert set(ids(synced, "--since", "7d")) == recent
    assert set(ids(synced, "--since", "1w")) == recent
    assert set(ids(synced, "--since", "3m")) == ALL_IDS
    assert ids(synced, "--until", "7d") == ["arxiv:2603.00010"]
    assert ids(synced, "--since", OLD.isoformat(), "--until", OLD.isoformat()) == ["arxiv:2603.00010"]
    assert set(ids(synced, "--since", RECENT.isoformat())) == recent
    assert ids(synced, "--since", (RECENT + timedelta(days=1)).isoformat()) == []


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "2024-02-30", "24-01-01", "7x", "-3d"])
def test_a_bad_date_is_one_line_and_exit_2(synced: Hub, value: str) -> None:
    result = synced("papers", "--since", value)

    assert_usage_error(result, f"bad date '{value}'")
    assert len(stderr_lines(result)) == 1


def test_since_after_until_is_a_usage_error(synced: Hub) -> None:
    assert_usage_error(synced("papers", "--since", "2025-02-01", "--until", "2025-01-01"), "is after")


def test_builtin_topic(synced: Hub) -> None:
    assert ids(synced, "--topic", "recsys") == ["arxiv:2604.00001"]
    assert ids(synced, "--topic", "RecSys") == ["arxiv:2604.00001"]


def test_user_topic_from_config(synced: Hub, hub_home: Path) -> None:
    (hub_home / "config.toml").write_text('[topics.memory]\nquery = "memory OR remember"\ncategories = ["cs.LG"]\n')

    assert ids(synced, "--topic", "memory") == ["arxiv:2604.00002"]


def test_unknown_topic_lists_the_known_ones(synced: Hub) -> None:
    result = synced("papers", "--topic", "astrology")

    assert_usage_error(result, "unknown topic 'astrology'", "recsys", "llm", "ml-theory")
    assert len(stderr_lines(result)) == 1


# --- full text -------------------------------------------------------------------------------------

def test_search_over_title_abstract_and_authors(synced: Hub) -> None:
    assert ids(synced, "--search", "molecules") == ["arxiv:2604.00003"]           # title
    assert ids(synced, "--search", "collaborative filtering") == ["arxiv:2604.00001"]  # abstract
    assert ids(synced, "--search", "Schmidhuber") == ["arxiv:2604.00002"]         # authors
    assert ids(synced, "--search", '"sequential recommenders"') == ["arxiv:2604.00001"]
    assert sorted(ids(synced, "--search", "molecules OR grasping")) == ["arxiv:2604.00003", "arxiv:2604.00006"]
    assert ids(synced, "--search", "recommend*") == ["arxiv:2604.00001"]


def test_search_forgives_word_forms(synced: Hub) -> None:
    assert ids(synced, "--search", "molecule") == ["arxiv:2604.00003"]  # "molecules"
    assert ids(synced, "--search", "recommendations") == ["arxiv:2604.00001"]  # "recommenders", "recommendation"
    assert ids(synced, "--search", "planned") == ["arxiv:2604.00004"]  # "Planning", "plan"
    assert ids(synced, "--search", '"networks for molecules"') == ["arxiv:2604.00003"]  # a phrase: in order
    assert ids(synced, "--search", '"molecules for networks"') == []


def test_empty_results_name_the_reason(synced: Hub) -> None:
    unknown = synced("papers", "--source", "arxiv cs.ir")
    assert unknown.exit_code == 0
    assert "hint: no source is named 'arxiv cs.ir'; did you mean: arXiv (CS.IR) (arxiv:cs.IR)?" in unknown.stderr
    later = synced("papers", "--since", "2099-01-01")
    assert later.exit_code == 0
    assert "hint: the newest paper in the cache is from 2026-" in later.stderr and "before --since 2099-01-01" \
        in later.stderr


def test_a_paged_machine_format_says_it_is_one_page(synced: Hub) -> None:
    paged = synced("papers", "--format", "json", "--per-page", "2")
    assert len(json.loads(paged.stdout)) == 2
    assert ("hint: this is page 1 of 4 (2 of 7 papers): --page N for another, or hub export with the same"
            " filters for all") in paged.stderr
    whole = synced("papers", "--format", "json", "--per-page", "100")
    assert len(json.loads(whole.stdout)) == 7 and "this is page" not in whole.stderr


def test_a_search_that_finds_nothing_says_what_would(synced: Hub) -> None:
    result = synced("papers", "--search", "molec graphz")

    assert result.exit_code == 0 and json.loads(synced("papers", "--search", "molec graphz",
                                                        "--format", "json").stdout) == []
    assert "hint: a wider search may find some: --search 'molec* graphz*'; 'molec OR graphz'" in result.stderr
    assert ids(synced, "--search", "molec*") == ["arxiv:2604.00003"]  # the hint's first suggestion finds it


@pytest.mark.parametrize("query", ['"unbalanced', "AND OR NOT", "col:x", "title:graph", "NEAR(", "NEAR(a b, 2)",
                                   "a AND", "OR", "-graph", "^graph", "(graph", "graph)", "{title}: x", "'", "\\",
                                   "graph*a", "**", "\"\"", "x\x00y"])
def test_hostile_search_syntax_never_breaks(synced: Hub, query: str) -> None:
    result = synced("papers", "--search", query, "--format", "json")

    assert "Traceback" not in result.stderr
    assert "unexpected error" not in result.stderr
    if result.exit_code == 2:  # nothing searchable left: a clear usage error
        assert "--search needs at least one word" in result.stderr
    else:
        assert result.exit_code == 0, result.stderr
        assert isinstance(json.loads(result.stdout), list)


def test_search_terms_in_hostile_syntax_are_taken_literally(synced: Hub) -> None:
    assert ids(synced, "--search", "title:graph") == []  # no column filter: "title graph" as a phrase
    assert ids(synced, "--search", "(molecules") == ["arxiv:2604.00003"]
    assert ids(synced, "--search", '"graph networks') == ["arxiv:2604.00003"]


def test_search_with_nothing_searchable_is_a_usage_error(synced: Hub) -> None:
    result = synced("papers", "--search", "*")

    assert_usage_error(result, "--search needs at least one word")
    assert len(stderr_lines(result)) == 1


def test_sort_by_relevance_puts_title_matches_first(synced: Hub) -> None:
    # C1 (older) has "retrieval" in its title, I1 (newer) only in its abstract
    assert ids(synced, "--search", "retrieval") == ["arxiv:2604.00005", "arxiv:2603.00010"]
    assert ids(synced, "--search", "retrieval", "--sort", "relevance") == ["arxiv:2603.00010", "arxiv:2604.00005"]


def test_relevance_combines_with_other_filters(synced: Hub) -> None:
    assert ids(synced, "--search", "retrieval", "--sort", "relevance", "--category", "cs.IR") == ["arxiv:2604.00005"]
    assert ids(synced, "--search", "retrieval", "--sort", "relevance", "--since", "7d",
               "--author", "Maria Garcia") == ["arxiv:2604.00005"]


def test_relevance_without_search_falls_back_to_date(synced: Hub) -> None:
    assert ids(synced, "--sort", "relevance")[-1] == "arxiv:2603.00010"


def test_bad_sort_is_a_usage_error(synced: Hub) -> None:
    assert_usage_error(synced("papers", "--sort", "random"), "unknown sort 'random'")


def test_filters_combine(synced: Hub) -> None:
    assert sorted(ids(synced, "--category", "cs.AI", "--search", "graphs OR memory", "--since", "7d")) == [
        "arxiv:2604.00002", "arxiv:2604.00003"]
    assert ids(synced, "--category", "cs.CL", "--search", "graphs OR memory OR queries", "--until", "7d") == [
        "arxiv:2603.00010"]
    assert ids(synced, "--author", "Lichan Hong", "--category", "cs.CL") == []


# --- pages -------------------------------------------------------------------------------------------

@pytest.fixture
def many(arxiv_mirror: FeedServer, hub: Hub) -> Hub:
    items = [Item(f"2604.{i:05d}", f"Paper {i:02d}", ["Ada Lovelace"]) for i in range(1, 28)]
    serve_feeds(arxiv_mirror, {"cs.LG": (items, RECENT)})
    assert hub("sync", "arxiv:cs.LG").exit_code == 0
    return hub


def test_pages_and_footer(many: Hub) -> None:
    first = many("papers", "--per-page", "10", "--format", "plain")
    assert first.exit_code == 0
    assert stderr_lines(first) == ["page 1 of 3 · 27 papers"]
    assert re.findall(r"^(\d\d)\. ", first.stdout, re.M) == [f"{n:02d}" for n in range(1, 11)]

    last = many("papers", "--per-page", "10", "--page", "3", "--format", "plain")
    assert stderr_lines(last) == ["page 3 of 3 · 27 papers"]
    assert re.findall(r"^(\d\d)\. ", last.stdout, re.M) == [f"{n:02d}" for n in range(21, 28)]

    panels = many("papers", "--per-page", "10", "--page", "2", "--format", "panels").stdout
    assert re.findall(r"\b(\d\d)\. arXiv", panels) == [f"{n:02d}" for n in range(11, 21)]
    assert "page 2 of 3 · 27 papers" in panels

    pages = [ids(many, "--per-page", "10", "--page", str(p)) for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [10, 10, 7]
    assert len({i for p in pages for i in p}) == 27


def test_default_page_size_is_10_and_configurable(many: Hub, hub_home: Path) -> None:
    assert len(json.loads(many("papers", "--format", "json").stdout)) == 10
    (hub_home / "config.toml").write_text("per_page = 5\n")
    result = many("papers", "--format", "plain")
    assert stderr_lines(result) == ["page 1 of 6 · 27 papers"]


def test_a_page_past_the_end_is_empty_with_a_hint(many: Hub) -> None:
    result = many("papers", "--per-page", "10", "--page", "4", "--format", "plain")

    assert result.exit_code == 0
    assert result.stdout == ""
    assert "page 4 is past the end (there are 3 pages)" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_on_a_terminal_a_page_past_the_end_shows_the_last_page_with_a_word(many: Hub) -> None:
    code, screen = run_on_a_terminal(["papers", "--per-page", "10", "--page", "999"], {"NO_COLOR": "1"})

    assert code == 0
    assert "page 999 is past the end: showing the last page, 3" in screen
    assert "21. " in screen and "27. " in screen and "page 3 of 3 · 27 papers" in screen


@pytest.mark.parametrize("args", [("--per-page", "0"), ("--per-page", "-1"), ("--page", "0"), ("--per-page", "x")])
def test_bad_page_options_are_usage_errors(many: Hub, args: tuple[str, str]) -> None:
    assert_usage_error(many("papers", *args), args[0])


# --- formats ----------------------------------------------------------------------------------------

def test_plain_is_the_default_when_piped_and_has_no_escapes(synced: Hub) -> None:
    result = synced("papers")

    assert result.exit_code == 0
    assert not ANSI_RE.search(result.stdout)
    assert not ANSI_RE.search(result.stderr)
    assert result.stdout.startswith("01. ")
    assert "Scaling sequential recommenders" in result.stdout
    assert "Lichan Hong, Ed H. Chi" in result.stdout
    assert f"arXiv (CS.AI) · {RECENT.isoformat()} · arxiv:2604.00001v1" in result.stdout
    assert stderr_lines(result) == ["page 1 of 1 · 7 papers"]


def test_newest_first(synced: Hub) -> None:
    assert ids(synced)[-1] == "arxiv:2603.00010"


SPEC_FIELDS = {"id", "arxiv_id", "version", "doi", "title", "authors", "abstract", "published", "updated",
               "announce_type", "categories", "primary_category", "sources", "url", "pdf_url", "journal"}


def test_json_is_one_array_of_spec_paper_objects(synced: Hub) -> None:
    result = synced("papers", "--format", "json", "--author", "Lichan Hong")

    assert result.exit_code == 0
    assert result.stderr == ""  # no footer outside plain and panels
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 1
    paper = data[0]
    assert SPEC_FIELDS <= set(paper)
    assert paper["id"] == "arxiv:2604.00001"
    assert paper["arxiv_id"] == "2604.00001"
    assert paper["version"] == 1
    assert paper["title"] == "Scaling sequential recommenders"
    assert paper["authors"] == ["Lichan Hong", "Ed H. Chi"]
    assert paper["abstract"] == "We study collaborative filtering for recommendation at scale."
    assert paper["published"] == RECENT.isoformat()
    assert paper["categories"] == ["cs.AI", "cs.IR"]
    assert paper["primary_category"] == "cs.AI"
    assert sorted(paper["sources"]) == ["arXiv (CS.AI)", "arXiv (CS.IR)"]
    assert paper["url"] == "https://arxiv.org/abs/2604.00001"
    assert paper["pdf_url"] == "https://arxiv.org/pdf/2604.00001v1"


def test_jsonl_is_one_object_per_line(synced: Hub) -> None:
    result = synced("papers", "--format", "jsonl")

    lines = result.stdout.splitlines()
    assert len(lines) == 7
    objects = [json.loads(line) for line in lines]
    assert all(SPEC_FIELDS <= set(o) for o in objects)
    assert {o["id"] for o in objects} == ALL_IDS


def test_empty_json_selection_is_an_empty_array(synced: Hub) -> None:
    assert synced("papers", "--format", "json", "--search", "nothingmatchesthis").stdout == "[]\n"
    assert synced("papers", "--format", "jsonl", "--search", "nothingmatchesthis").stdout == ""


def test_csv_has_a_header_and_one_row_per_paper(synced: Hub) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(synced("papers", "--format", "csv").stdout)))
    assert len(rows) == 7
    assert {r["id"] for r in rows} == ALL_IDS


def test_unknown_format_is_a_usage_error(synced: Hub) -> None:
    assert_usage_error(synced("papers", "--format", "yaml"), "unknown format 'yaml'")


def test_panels_look_like_the_seed_page(synced: Hub) -> None:
    result = synced("papers", "--format", "panels", "--author", "Lichan Hong", "--author", "Jurgen Schmidhuber")

    assert result.exit_code == 0
    out = result.stdout
    assert not ANSI_RE.search(out)  # stdout is not a terminal
    assert "Authors: Lichan Hong, Jurgen Schmidhuber ×" in out
    assert "01. arXiv (CS.AI)" in out
    assert "02. arXiv (CS.AI)" in out
    assert RECENT.isoformat() in out
    assert "Scaling sequential recommenders" in out
    assert "Long short-term memory revisited" in out
    assert "page 1 of 1 · 2 papers" in out


def test_panels_chip_for_one_author(synced: Hub) -> None:
    out = synced("papers", "--format", "panels", "--author", "Lichan Hong").stdout

    assert "Authors: Lichan Hong ×" in out
    assert out.index("Authors: Lichan Hong ×") < out.index("01.")


@pytest.mark.slow
def test_card_of_a_cross_listed_paper_names_its_primary_listing(arxiv_mirror: FeedServer, hub: Hub) -> None:
    # the cs.IR listing is seen first, then the paper's own cs.AI listing
    serve_feeds(arxiv_mirror, CORPUS)
    assert hub("sync", "arxiv:cs.IR").exit_code == 0
    stamp = time.strftime("%S")
    while time.strftime("%S") == stamp:
        time.sleep(0.05)
    assert hub("sync", "arxiv:cs.AI").exit_code == 0

    plain = hub("papers", "--author", "Lichan Hong", "--format", "plain").stdout
    panels = hub("papers", "--author", "Lichan Hong", "--format", "panels").stdout

    assert plain.startswith("01. arXiv (CS.AI) · ")
    assert "01. arXiv (CS.AI)" in panels


# --- hostile feed text -------------------------------------------------------------------------------

EVIL = "[bold red]x[/] \x1b[2J\x1b]0;pwned\x07 \x9b31m \x85 \u202eevil\u202c \u2066iso\u2069 \x07\x08end"


@pytest.fixture
def hostile(arxiv_mirror: FeedServer, hub: Hub) -> Hub:
    item = Item("2604.06666", "Title " + EVIL, ["Mallory Markup", "Bob \u202eTrojan"], abstract="Abstract " + EVIL)
    serve_feeds(arxiv_mirror, {"cs.AI": ([item], RECENT)})
    result = hub("sync", "arxiv:cs.AI")
    assert result.exit_code == 0, result.stderr
    return hub


@pytest.mark.parametrize("fmt", ["panels", "plain", "json", "jsonl", "csv", "markdown", "bibtex"])
def test_hostile_text_never_reaches_output_with_controls(hostile: Hub, fmt: str) -> None:
    result = hostile("papers", "--format", fmt)

    assert result.exit_code == 0
    assert "2604.06666" in result.stdout
    assert not CONTROL_RE.search(result.stdout), repr(result.stdout)
    assert not CONTROL_RE.search(result.stderr), repr(result.stderr)
    if fmt in ("panels", "plain", "json", "jsonl", "csv"):
        # Rich markup is shown as the characters it is, not applied
        assert "[bold red]x[/]" in result.stdout


def test_hostile_text_is_stored_clean(hostile: Hub, hub_home: Path) -> None:
    paper = json.loads(hostile("papers", "--format", "json").stdout)[0]

    assert paper["title"].startswith("Title [bold red]x[/]")
    assert paper["title"].endswith("end")
    assert "Bob Trojan" in paper["authors"]
    with sqlite3.connect(hub_home / "hub.db") as conn:
        stored = conn.execute("SELECT title || abstract || authors FROM papers").fetchone()[0]
    assert not CONTROL_RE.search(stored), repr(stored)


def test_hostile_text_in_show(hostile: Hub) -> None:
    for fmt in ("panels", "plain"):
        result = hostile("show", "2604.06666", "--format", fmt)
        assert result.exit_code == 0
        assert "[bold red]x[/]" in result.stdout
        assert not CONTROL_RE.search(result.stdout), repr(result.stdout)


def test_an_escape_remnant_in_one_author_does_not_drop_the_next(arxiv_mirror: FeedServer, hub: Hub) -> None:
    item = Item("2604.06667", "Title", ["Eve Evil\x1b[31m", "Bob Builder"])
    serve_feeds(arxiv_mirror, {"cs.AI": ([item], RECENT)})
    assert hub("sync", "arxiv:cs.AI").exit_code == 0

    paper = json.loads(hub("papers", "--format", "json").stdout)[0]

    assert "Bob Builder" in paper["authors"]


def test_markup_in_an_author_name_is_shown_literally(arxiv_mirror: FeedServer, hub: Hub) -> None:
    item = Item("2604.06668", "Title", ["Mallory [bold red]Markup[/]", "Bob Builder"])
    serve_feeds(arxiv_mirror, {"cs.AI": ([item], RECENT)})
    assert hub("sync", "arxiv:cs.AI").exit_code == 0

    paper = json.loads(hub("papers", "--format", "json").stdout)[0]

    assert paper["authors"] == ["Mallory [bold red]Markup[/]", "Bob Builder"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_on_a_terminal_panels_are_styled_but_feed_text_is_inert(hostile: Hub) -> None:
    code, screen = run_on_a_terminal(["papers"], {})

    assert code == 0
    assert "\x1b[" in screen  # Rich styling: stdout is a terminal
    assert "01. " in screen and "arXiv (CS.AI)" in screen
    assert "[bold red]x[/]" in screen
    assert "\x1b[2J" not in screen and "\x1b]0;" not in screen and "\x07" not in screen
    assert "\u202e" not in screen and "\x9b" not in screen

    code, plain = run_on_a_terminal(["papers"], {"NO_COLOR": "1"})
    assert code == 0
    assert "\x1b" not in plain
    assert "01. arXiv (CS.AI)" in plain


def test_hostile_filter_values_are_not_markup_either(synced: Hub) -> None:
    result = synced("papers", "--format", "panels", "--search", "[bold]x\x1b[2J", "--author", "[red]Eve[/]")

    assert result.exit_code == 0
    assert "[bold]x" in result.stdout
    assert "Authors: [red]Eve[/] ×" in result.stdout
    assert not CONTROL_RE.search(result.stdout + result.stderr)


# --- languages ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args,env", [
    (("--lang", "zh", "papers", "--format", "plain"), None),
    (("papers", "--format", "plain", "--lang", "zh"), None),
    (("papers", "--format", "plain", "--lang=zh"), None),
    (("papers", "--format", "plain"), {"HUB_LANG": "zh"}),
    (("papers", "--format", "plain"), {"LANG": "zh_CN.UTF-8"}),
])
def test_chinese_footer(synced: Hub, args: tuple[str, ...], env: dict[str, str] | None) -> None:
    result = synced(*args, env=env)

    assert result.exit_code == 0
    assert stderr_lines(result) == ["第 1 / 1 页 · 共 7 篇论文"]


def test_lang_option_beats_the_environment(synced: Hub) -> None:
    result = synced("papers", "--format", "plain", "--lang", "en", env={"HUB_LANG": "zh"})

    assert stderr_lines(result) == ["page 1 of 1 · 7 papers"]


def test_config_lang(synced: Hub, hub_home: Path) -> None:
    (hub_home / "config.toml").write_text('lang = "zh"\n')

    assert stderr_lines(synced("papers", "--format", "plain")) == ["第 1 / 1 页 · 共 7 篇论文"]


def test_chinese_hints_and_errors(synced: Hub) -> None:
    hint = synced("papers", "--lang", "zh", "--author", "Lichen Hong", "--format", "json")
    assert "提示：没有作者匹配 'Lichen Hong'；您是不是要找：Lichan Hong" in hint.stderr

    bad = synced("papers", "--lang", "zh", "--since", "yesterday")
    assert_usage_error(bad, "错误：无效日期 'yesterday'")

    missing = synced("--lang", "zh", "show", "2401.99999")
    assert missing.exit_code == 1
    assert stderr_lines(missing) == ["错误：缓存中没有论文 '2401.99999'"]

    sync = synced("--lang", "zh", "sync", "arxiv:cs.AI")
    assert "arXiv (CS.AI)：新增 0，更新 0，未变 4" in sync.stderr


def test_chinese_help(hub: Hub) -> None:
    result = hub("papers", "--help", "--lang", "zh")

    assert result.exit_code == 0
    assert "按条件列出论文" in result.stdout
    assert "示例：hub papers" in result.stdout
    assert "该作者的论文" in result.stdout
    assert "List papers" not in result.stdout
    top = hub("--lang", "zh", "--help")
    assert "终端里的科研雷达" in top.stdout


def test_chinese_help_has_no_english_left(hub: Hub) -> None:
    result = hub("papers", "--help", "--lang", "zh")

    assert "Show this message and exit." not in result.stdout
    assert "Options:" not in result.stdout
    assert "Usage:" not in result.stdout
    bad = hub("--lang", "zh", "papers", "--bogus")
    assert bad.exit_code == 2
    assert "No such option" not in bad.stderr


@pytest.mark.parametrize("lang,line", [
    ("en", "error: no such option: --autor; did you mean --author?"),
    ("zh", "错误：没有此选项：--autor；您是不是要找 --author？"),
])
def test_a_mistyped_option_suggests_only_the_close_one_in_the_users_language(hub: Hub, lang: str, line: str) -> None:
    bad = hub("--lang", lang, "papers", "--autor", "x")

    assert bad.exit_code == 2
    assert stderr_lines(bad)[0] == line


@pytest.mark.parametrize("args", [("--lang", "xx", "papers"), ("papers", "--lang", "fr"), ("papers", "--lang")])
def test_unknown_language_is_a_usage_error(hub: Hub, args: tuple[str, ...]) -> None:
    result = hub(*args)

    assert_usage_error(result)
    assert len(stderr_lines(result)) == 1


# --- exit codes --------------------------------------------------------------------------------------

def test_unknown_command_and_option_exit_2(hub: Hub) -> None:
    cmd = hub("frobnicate")
    assert_usage_error(cmd, "frobnicate")
    opt = hub("papers", "--frobnicate")
    assert_usage_error(opt, "--frobnicate")


def test_show_of_an_unknown_id_is_one_line_and_exit_1(synced: Hub) -> None:
    result = synced("show", "2401.99999")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert stderr_lines(result) == ["error: no paper '2401.99999' in the cache"]


def test_show_on_an_empty_cache_is_exit_1(hub: Hub) -> None:
    result = hub("show", "2401.99999")

    assert result.exit_code == 1
    assert stderr_lines(result) == ["error: no paper '2401.99999' in the cache"]


def test_show_prints_one_paper_in_full(synced: Hub) -> None:
    result = synced("show", "2604.00001v1", "--format", "plain")

    assert result.exit_code == 0
    assert result.stdout.startswith("Scaling sequential recommenders\n")
    assert "Lichan Hong; Ed H. Chi" in result.stdout
    assert "We study collaborative filtering" in result.stdout
    assert "Categories: cs.AI, cs.IR" in result.stdout


def test_a_broken_config_is_one_line_exit_1(synced: Hub, hub_home: Path) -> None:
    (hub_home / "config.toml").write_text("per_page = [oops\n")

    result = synced("papers")

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert len(stderr_lines(result)) == 1
    assert "config.toml" in result.stderr


def test_papers_on_an_empty_cache_hints_to_sync(hub: Hub, hub_home: Path) -> None:
    result = hub("papers", "--format", "json")

    assert result.exit_code == 0
    assert result.stdout == "[]\n"
    assert "run 'hub sync' first" in result.stderr
    assert not (hub_home / "hub.db").exists()  # reading never creates the cache


def test_no_arguments_shows_help_not_a_traceback(hub: Hub) -> None:
    result = hub()

    assert result.exit_code in (0, 2)  # Click versions differ; help is shown either way
    shown = result.stdout + result.stderr
    assert "Usage: hub" in shown
    for command in ("sync", "papers", "shuffle", "show", "feeds", "paths"):
        assert re.search(rf"^\s+{command}\s", shown, re.M), command
    assert "Traceback" not in result.stderr


# --- feeds ---------------------------------------------------------------------------------------

def feeds_json(hub: Hub) -> list[dict]:
    result = hub("feeds", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_defaults_are_listed(hub: Hub) -> None:
    assert [(f["source"], f["label"]) for f in feeds_json(hub)] == [
        ("arxiv:cs.AI", "arXiv (CS.AI)"), ("arxiv:cs.CL", "arXiv (CS.CL)"), ("arxiv:cs.IR", "arXiv (CS.IR)"),
        ("arxiv:cs.LG", "arXiv (CS.LG)")]


def test_feeds_add_canonicalises(hub: Hub) -> None:
    again = hub("feeds", "add", "arxiv:cs.ai")
    assert again.exit_code == 0
    assert "already subscribed: arXiv (CS.AI) (arxiv:cs.AI)" in again.stderr

    combo = hub("feeds", "add", "arxiv:cs.ai+cs.cl", "--no-check")
    assert combo.exit_code == 0
    assert "subscribed: arXiv (CS.AI+CS.CL) (arxiv:cs.AI+cs.CL)" in combo.stderr

    bio = hub("feeds", "add", "biorxiv:Genomics", "--no-check")
    assert bio.exit_code == 0

    listed = {f["source"]: f for f in feeds_json(hub)}
    assert listed["arxiv:cs.AI+cs.CL"]["label"] == "arXiv (CS.AI+CS.CL)"
    assert listed["biorxiv:genomics"]["label"] == "bioRxiv (Genomics)"
    assert listed["biorxiv:genomics"]["url"].endswith("/genomics")
    assert "arxiv:cs.ai" not in listed
    assert len(listed) == 6


def test_combined_arxiv_source_fetches_the_joined_path(arxiv_mirror: FeedServer, hub: Hub) -> None:
    arxiv_mirror.serve("/rss/cs.AI+cs.CL", arxiv_rss("cs.AI, cs.CL", [A2]))
    assert hub("feeds", "add", "arxiv:cs.AI+cs.CL", "--no-check").exit_code == 0

    result = hub("sync", "arxiv:cs.AI+cs.CL")

    assert result.exit_code == 0, result.stderr
    assert stderr_lines(result) == ["arXiv (CS.AI+CS.CL): 1 new, 0 updated, 0 unchanged"]
    assert [r.path for r in arxiv_mirror.requests] == ["/rss/cs.AI+cs.CL"]


def test_feeds_add_url_and_file_with_labels(feed_server: FeedServer, hub: Hub, tmp_path: Path) -> None:
    url = feed_server.serve("/science.rss", journal_rss1("Science", []))
    feed = tmp_path / "my-feed.xml"
    feed.write_bytes(arxiv_rss("cs.AI", [A1]))

    assert hub("feeds", "add", url, "--label", "Science").exit_code == 0
    assert hub("feeds", "add", str(feed)).exit_code == 0

    listed = {f["source"]: f for f in feeds_json(hub)}
    assert listed[url]["label"] == "Science"
    assert listed[url]["kind"] == "url"
    assert listed[str(feed.resolve())]["label"] == "arXiv (CS.AI)"  # the file's own title
    assert listed[str(feed.resolve())]["kind"] == "file"


def test_feed_title_becomes_the_label_of_an_unlabelled_url(feed_server: FeedServer, hub: Hub) -> None:
    url = feed_server.serve("/journal.rss", journal_rss1("Journal of Tests", [
        {"link": "http://j.test/1", "title": "An article", "doi": "10.5555/jt.1"}]))
    assert hub("feeds", "add", url).exit_code == 0
    assert hub("sync", url).exit_code == 0

    assert {f["source"]: f["label"] for f in feeds_json(hub)}[url] == "Journal of Tests"
    assert json.loads(hub("papers", "--format", "json").stdout)[0]["sources"] == ["Journal of Tests"]
    assert hub("sync", url).stderr.startswith("Journal of Tests: ")


def test_label_option_relabels_an_existing_subscription(hub: Hub) -> None:
    assert hub("feeds", "add", "arxiv:cs.IR", "--label", "Retrieval").exit_code == 0

    assert {f["source"]: f["label"] for f in feeds_json(hub)}["arxiv:cs.IR"] == "Retrieval"


@pytest.mark.parametrize("spec", ["nonsense", "arxiv:", "arxiv:cs AI!", "biorxiv:", "ftp://example.com/x",
                                  "/no/such/feed.xml", "http://"])
def test_bad_source_spec_exits_2(hub: Hub, spec: str) -> None:
    result = hub("feeds", "add", spec)

    assert_usage_error(result, "is not a source")
    assert len(stderr_lines(result)) == 1


def test_feeds_remove(hub: Hub) -> None:
    result = hub("feeds", "remove", "arxiv:cs.lg")
    assert result.exit_code == 0
    assert "unsubscribed: arXiv (CS.LG)" in result.stderr
    assert "arxiv:cs.LG" not in {f["source"] for f in feeds_json(hub)}

    again = hub("feeds", "remove", "arxiv:cs.LG")
    assert again.exit_code == 1
    assert stderr_lines(again) == ["error: not subscribed: arxiv:cs.LG"]


def test_feeds_remove_takes_several(hub: Hub) -> None:
    result = hub("feeds", "remove", "arxiv:cs.LG", "arxiv:cs.IR")

    assert result.exit_code == 0, result.stderr
    assert stderr_lines(result) == [
        "unsubscribed: arXiv (CS.LG) (arxiv:cs.LG); its papers stay in the cache",
        "unsubscribed: arXiv (CS.IR) (arxiv:cs.IR); its papers stay in the cache"]
    assert {f["source"] for f in feeds_json(hub)} == {"arxiv:cs.AI", "arxiv:cs.CL"}


def test_a_feed_file_that_is_gone_can_be_removed_by_the_name_it_was_added_with(
        hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("local.xml").write_bytes(arxiv_rss("cs.AI", [A1]))
    assert hub("feeds", "add", "local.xml").exit_code == 0
    Path("local.xml").unlink()

    result = hub("feeds", "remove", "local.xml")

    assert result.exit_code == 0, result.stderr
    assert "unsubscribed: arXiv (CS.AI) (" in result.stderr and "local.xml)" in result.stderr
    assert [f["source"] for f in feeds_json(hub)] == [f"arxiv:{c}" for c in DEFAULT_CATS]


def test_removing_every_default_sticks(arxiv_mirror: FeedServer, hub: Hub) -> None:
    for cat in DEFAULT_CATS:
        assert hub("feeds", "remove", f"arxiv:{cat}").exit_code == 0

    assert feeds_json(hub) == []
    plain = hub("feeds", "list")
    assert plain.stdout == ""
    assert "no subscriptions" in plain.stderr
    sync = hub("sync")
    assert sync.exit_code == 0
    assert "no subscriptions" in sync.stderr
    assert arxiv_mirror.requests == []
    assert feeds_json(hub) == []


def test_removed_then_added_again(hub: Hub) -> None:
    assert hub("feeds", "remove", "arxiv:cs.IR").exit_code == 0
    back = hub("feeds", "add", "arxiv:cs.IR", "--no-check")
    assert back.exit_code == 0
    assert "subscribed: arXiv (CS.IR)" in back.stderr
    assert "arxiv:cs.IR" in {f["source"] for f in feeds_json(hub)}


def test_feeds_list_plain_is_tab_separated(synced: Hub) -> None:
    result = synced("feeds", "list")

    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].split("\t")[:3] == ["arxiv:cs.AI", "arXiv (CS.AI)", "4"]


# --- paths and the database option ---------------------------------------------------------------

def test_paths_are_under_hub_home(hub: Hub, hub_home: Path) -> None:
    result = hub("paths", "--json")

    assert result.exit_code == 0
    paths = json.loads(result.stdout)
    assert paths["config"] == str(hub_home / "config.toml")
    assert paths["database"] == str(hub_home / "hub.db")
    assert Path(paths["cache"]).is_relative_to(hub_home)
    plain = hub("paths").stdout
    assert str(hub_home / "hub.db") in plain


@pytest.mark.parametrize("how", ["option-before", "option-after", "env"])
def test_db_option_and_env_move_the_database(arxiv_mirror: FeedServer, hub: Hub, hub_home: Path, tmp_path: Path,
                                             how: str) -> None:
    serve_feeds(arxiv_mirror, CORPUS)
    db = tmp_path / "elsewhere" / "my.db"

    def run(*args: str) -> Result:
        if how == "option-before":
            return hub("--db", str(db), *args)
        if how == "option-after":
            return hub(*args, "--db", str(db))
        return hub(*args, env={"HUB_DB": str(db)})

    assert run("sync", "arxiv:cs.CL").exit_code == 0
    assert db.exists()
    assert not (hub_home / "hub.db").exists()
    assert json.loads(run("paths", "--json").stdout)["database"] == str(db)
    assert [p["id"] for p in json.loads(run("papers", "--format", "json").stdout)] == ["arxiv:2603.00010"]
    # the default database knows nothing of it
    assert json.loads(hub("papers", "--format", "json").stdout) == []


# --- entry points ----------------------------------------------------------------------------------

def test_python_m_hubcli_version() -> None:
    result = subprocess.run([sys.executable, "-m", "hubcli", "--version"], capture_output=True, text=True,
                            timeout=60)

    assert result.returncode == 0
    assert result.stdout.strip() == f"hub {hubcli.__version__}"
    assert result.stderr == ""


def test_python_m_hubcli_usage_error_exit_code() -> None:
    result = subprocess.run([sys.executable, "-m", "hubcli", "frobnicate"], capture_output=True, text=True,
                            timeout=60)

    assert result.returncode == 2
    assert result.stdout == ""


def test_hub_and_hubcli_console_scripts_exist() -> None:
    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts") if ep.name in ("hub", "hubcli")}

    assert scripts == {"hub": "hubcli.cli.main:run", "hubcli": "hubcli.cli.main:run"}
    beside = Path(sys.executable).parent
    for name in ("hub", "hubcli"):
        script = beside / name
        if script.exists():  # installed into this environment's bin/
            result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
            assert result.stdout.strip() == f"hub {hubcli.__version__}"
