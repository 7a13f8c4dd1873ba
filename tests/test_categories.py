"""Journal subjects and names as published (issue 9, item 6).

The real publisher feeds of ``../shared/corpus/feeds`` (read in place, served unchanged on
the loopback server) are synced by the real CLI and read back as the user reads them:
``hub papers --format json``.  A subject with a space (Science's ``Scientific Community``)
is one category, ``--category`` finds journal subjects whatever their case and spacing,
and a journal named only on the channel (``prism:publicationName``) is shown by that
name, not by the feed's title.  Databases of the first release (categories space-joined)
are converted by ``m005_categories`` without loss.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FeedServer, corpus_file, run_hub
from hubcli.store import migrations

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
import make_v1_db  # noqa: E402

SCIENCE = "science-rss1-current-issue-2021-05-21-2items.xml"
BIORXIV = "biorxiv-rss1-genomics-2023-12-16-1item.xml"
NATURE = "nature-rss1-current-2024-07-18.xml"
ELSEVIER = "elsevier-jpeds-rss1-prism-2018-1item.xml"
MDPI = "mdpi-fluids-rss1-prism-2024-1item.xml"
JOURNALS = (SCIENCE, BIORXIV, NATURE, ELSEVIER, MDPI)


def papers(*args: str) -> list[dict]:
    result = run_hub("papers", "--format", "json", "--per-page", "200", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def ids(*args: str) -> list[str]:
    return sorted(p["id"] for p in papers(*args))


def sync(feed_server: FeedServer, *names: str) -> None:
    urls = [feed_server.serve(f"/{name}", corpus_file(name).read_bytes()) for name in names]
    result = run_hub("sync", *urls)
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def journals(feed_server: FeedServer) -> FeedServer:
    sync(feed_server, *JOURNALS)
    return feed_server


# --------------------------------------------------------------------------------------
# what the user sees: journal and categories of every real journal feed


def test_each_journal_is_named_as_published(journals: FeedServer) -> None:
    """SOURCES.md: Science's channel is titled ``Science current issue`` and bioRxiv's
    ``bioRxiv Subject Collection: Genomics``; both name the journal only on the channel
    (``prism:publicationName`` ``Science``, ``bioRxiv``).  Nature, Elsevier and MDPI name it
    on every item."""
    by_journal: dict[str, list[str]] = {}
    for paper in papers():
        by_journal.setdefault(paper["journal"], []).append(paper["id"])
    assert {name: len(found) for name, found in by_journal.items()} == {
        "Science": 2, "bioRxiv": 1, "Nature": 75, "The Journal of Pediatrics": 1, "Fluids": 1}
    assert sorted(by_journal["Science"]) == ["doi:10.1126/science.372.6544.770", "doi:10.1126/science.abj4606"]
    assert by_journal["bioRxiv"] == ["doi:10.1101/2023.12.16.571984"]


def test_subjects_are_stored_whole(journals: FeedServer) -> None:
    """Science's ``dc:subject``: ``Editorials`` and ``Scientific Community`` (one subject,
    not two).  Nature, bioRxiv, Elsevier and MDPI items carry no subject."""
    listed = {p["id"]: p for p in papers()}
    assert listed["doi:10.1126/science.abj4606"]["categories"] == ["Editorials"]
    assert listed["doi:10.1126/science.372.6544.770"]["categories"] == ["Scientific Community"]
    others = [p for key, p in listed.items() if not key.startswith("doi:10.1126/")]
    assert len(others) == 78 and all(p["categories"] == [] for p in others)
    assert all(p["primary_category"] is None for p in listed.values())


@pytest.mark.parametrize("given", ["Scientific Community", "scientific community", "SCIENTIFIC  COMMUNITY",
                                   " Scientific\tCommunity ", "ScientificCommunity"])
def test_a_subject_with_a_space_matches_whatever_its_case_and_spacing(journals: FeedServer, given: str) -> None:
    assert ids("--category", given) == ["doi:10.1126/science.372.6544.770"]


@pytest.mark.parametrize("given", ["Editorials", "editorials", "EDITORIALS"])
def test_a_one_word_subject_matches_whatever_its_case(journals: FeedServer, given: str) -> None:
    assert ids("--category", given) == ["doi:10.1126/science.abj4606"]


def test_a_word_of_a_subject_is_not_the_subject(journals: FeedServer) -> None:
    assert ids("--category", "Scientific") == []
    assert ids("--category", "Community") == []


def test_subjects_and_arxiv_categories_together(journals: FeedServer) -> None:
    both = ["doi:10.1126/science.372.6544.770", "doi:10.1126/science.abj4606"]
    assert ids("--category", "editorials, scientific community") == both
    assert ids("--category", "Editorials", "--category", "Scientific Community", "--category", "cs.LG") == both


def test_the_filter_chip_shows_the_subject_as_typed(journals: FeedServer) -> None:
    result = run_hub("papers", "--format", "panels", "--category", "scientific   community")
    assert result.exit_code == 0, result.stderr
    assert "Categories: scientific community ×" in result.stdout


def test_show_lists_the_subjects_and_the_journal(journals: FeedServer) -> None:
    for fmt in ("panels", "plain"):
        result = run_hub("show", "doi:10.1126/science.372.6544.770", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        lines = [" ".join(line.strip("│ ").split()) for line in result.stdout.splitlines()]
        assert any(re.fullmatch(r"Categories:? Scientific Community", line) for line in lines), result.stdout
        assert any(re.fullmatch(r"Journal:? Science", line) for line in lines), result.stdout


def test_a_second_sync_keeps_the_subjects_whole(journals: FeedServer) -> None:
    """The same items again (and once more with the subject in other case) change nothing:
    no ``Scientific``/``Community`` fragments, no second ``EDITORIALS``."""
    sync(journals, SCIENCE)
    data = corpus_file(SCIENCE).read_bytes().replace(b"[Editorials]", b"[EDITORIALS]")
    journals.serve("/again.xml", data)
    assert run_hub("sync", journals.url("/again.xml")).exit_code == 0
    listed = {p["id"]: p for p in papers()}
    assert listed["doi:10.1126/science.abj4606"]["categories"] == ["Editorials"]
    assert listed["doi:10.1126/science.372.6544.770"]["categories"] == ["Scientific Community"]
    assert ids("--category", "Scientific Community") == ["doi:10.1126/science.372.6544.770"]


def test_follow_a_journal_subject(journals: FeedServer) -> None:
    assert run_hub("follow", "--category", "scientific community").exit_code == 0
    radar = run_hub("radar", "--format", "json")
    assert radar.exit_code == 0, radar.stderr
    assert [p["id"] for p in json.loads(radar.stdout)] == ["doi:10.1126/science.372.6544.770"]


# --------------------------------------------------------------------------------------
# arXiv categories: exact, canonical, still driven by the link index


def test_arxiv_categories_are_their_own_match_keys() -> None:
    from hubcli.categories import category_key, parse_option

    for cat in ("cs.LG", "cs.AI", "stat.ML", "hep-th", "physics.flu-dyn", "math.GT", "astro-ph.CO", "q-bio.GN"):
        assert category_key(cat) == cat
    assert category_key("CS.lg") == "cs.LG" and category_key("HEP-TH") == "hep-th"
    assert parse_option("cs.LG cs.AI") == ["cs.LG", "cs.AI"]
    assert parse_option("cs.lg+cs.ai,hep-th") == ["cs.LG", "cs.AI", "hep-th"]
    assert parse_option("Scientific Community") == ["Scientific Community"]
    assert parse_option("cs/../IR") is None and parse_option("1cs.AI") is None


_SUBJECT_TEXT = st.text(alphabet=st.sampled_from("abcXYZ.-&' \t\u00a0éÉßÖö"), max_size=24)


@settings(max_examples=300, deadline=None)
@given(_SUBJECT_TEXT)
def test_match_keys_ignore_case_and_spacing_and_are_stable(text: str) -> None:
    from hubcli.categories import category_key

    key = category_key(text)
    assert category_key(key) == key  # keys are keys of themselves (the migration relies on it)
    assert category_key(text.upper()) == key == category_key(text.lower())
    assert category_key(" ".join(text.split())) == key == category_key("".join(text.split()))
    assert category_key(f"  {text}\n") == key


def test_an_arxiv_category_filter_still_drives_from_the_link_index(journals: FeedServer) -> None:
    from hubcli.config import load_settings
    from hubcli.filters import make_filters
    from hubcli.resolve import resolve
    from hubcli.store import query
    from hubcli.store.db import open_store

    settings = load_settings()
    store = open_store(settings.paths.database)
    assert store is not None
    with store:
        for given, key in (("cs.lg", "cs.LG"), ("Scientific Community", "scientificcommunity")):
            sel = query.build_selection(store, resolve(make_filters(categories=[given]), settings))
            driver = sel.driver()
            assert driver is not None and driver.table == "paper_categories" and driver.values == [key]
            sql, params = query._page_query(sel, "date", 1)
            plan = " ".join(str(row[-1]) for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}",
                                                                        [*params, 20, 0]))
            assert "paper_categories_category" in plan and "SCAN" not in plan, plan


# --------------------------------------------------------------------------------------
# upgrading a first-release database (categories space-joined, link rows whole)


def _v1_with_science(path: Path) -> Path:
    """hub-v1.db plus Science's two papers as the first release stored them: the column
    space-joined, the link rows whole; the second paper re-synced once (which appended the
    subject to its own split words: ``Scientific Community Scientific Community``)."""
    make_v1_db.build(path)
    rows = [(101, "doi:10.1126/science.abj4606", "Editorials", ["Editorials"]),
            (102, "doi:10.1126/science.372.6544.770", "Scientific Community Scientific Community",
             ["Scientific", "Community", "Scientific Community"]),
            (103, "doi:10.5555/odd", 'Ökologie "Quoted" Subject', ["Ökologie", '"Quoted" Subject'])]
    with sqlite3.connect(path) as conn:
        for paper_id, key, joined, links in rows:
            conn.execute(
                "INSERT INTO papers(id, key, title, abstract, authors, published, categories, journal, first_seen,"
                " changed_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (paper_id, key, f"Paper {paper_id}", "", "[]", "2021-05-21", joined, "Science current issue",
                 "2021-05-21T00:00:00Z", "2021-05-21T00:00:00Z"),
            )
            conn.executemany("INSERT INTO paper_categories(paper_id, category, published) VALUES (?,?,?)",
                             [(paper_id, link, "2021-05-21") for link in links])
    return path


def test_an_old_database_is_converted_without_loss(hub_home: Path, tmp_path: Path) -> None:
    hub_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_v1_with_science(tmp_path / "v1.db"), hub_home / "hub.db")

    listed = {p["id"]: p for p in papers()}

    with sqlite3.connect(hub_home / "hub.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        stored = dict(conn.execute("SELECT id, categories FROM papers").fetchall())
        links = sorted(conn.execute("SELECT paper_id, category FROM paper_categories").fetchall())
    assert listed["doi:10.1126/science.abj4606"]["categories"] == ["Editorials"]
    assert listed["doi:10.1126/science.372.6544.770"]["categories"] == ["Scientific Community"]
    assert listed["doi:10.5555/odd"]["categories"] == ["Ökologie", '"Quoted" Subject']
    for expected in make_v1_db.PAPERS:  # the first release's arXiv papers, in their order
        assert listed[str(expected["id"])]["categories"] == expected["categories"]
    assert all(json.loads(text) is not None for text in stored.values())  # every column is JSON now
    assert stored[1] == '["cs.IR", "cs.AI"]' and stored[4] == "[]"
    assert links == [(1, "cs.AI"), (1, "cs.IR"), (2, "cs.LG"), (2, "stat.ML"), (3, "cs.IR"),
                     (101, "editorials"), (102, "scientificcommunity"), (103, "\"quoted\"subject"), (103, "ökologie")]
    assert ids("--category", "scientific community") == ["doi:10.1126/science.372.6544.770"]
    assert ids("--category", "EDITORIALS") == ["doi:10.1126/science.abj4606"]
    assert ids("--category", "cs.IR") == ["arxiv:2301.07041", "arxiv:2402.14035"]


def test_rejoin_takes_the_longest_stored_subject() -> None:
    whole = ["Cell Biology", "Genomics", "Cell"]
    assert migrations.rejoin_categories("Cell Biology Genomics", whole) == ["Cell Biology", "Genomics"]
    assert migrations.rejoin_categories("Cell Genomics", whole) == ["Cell", "Genomics"]
    assert migrations.rejoin_categories("cs.IR cs.AI", []) == ["cs.IR", "cs.AI"]
    assert migrations.rejoin_categories("", []) == []
