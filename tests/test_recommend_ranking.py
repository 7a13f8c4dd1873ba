"""``hub recommend`` as a user sees it (issue 20), through the real commands on the real
1,504-paper arXiv day of 2024-11-28: match levels and the held-back line, "nothing strong
today" (en and zh), a dismissed topic pushed down, two interests both served, the first
run after an import, the interest statement, explanations in the reader's words, and
author keys that name one person."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result, corpus_file

FEED = "arxiv-rss2024-all-archives-2024-11-28.xml"
WIDE = ("--since", "2000-01-01")  # every paper of the day is a candidate


def _imported(hub: Callable[..., Result], hub_home: Path) -> sqlite3.Connection:
    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    return sqlite3.connect(hub_home / "hub.db")


def _keys(conn: sqlite3.Connection, category: str, k: int, skip: int = 0) -> list[str]:
    rows = conn.execute("SELECT key FROM papers WHERE primary_category = ? ORDER BY id LIMIT ? OFFSET ?",
                        (category, k, skip)).fetchall()
    assert len(rows) == k
    return [str(r[0]) for r in rows]


def _listed(conn: sqlite3.Connection, category: str) -> set[str]:
    return {str(r[0]) for r in conn.execute(
        "SELECT p.key FROM papers p JOIN paper_categories c ON c.paper_id = p.id WHERE c.category = ?", (category,))}


def _recommend(hub: Callable[..., Result], *args: str) -> tuple[list[dict[str, object]], str]:
    got = hub("recommend", *args, "--format", "json")
    assert got.exit_code == 0, got.stderr
    return json.loads(got.stdout), got.stderr


def _key(paper: dict[str, object]) -> str:
    return f"arxiv:{paper['arxiv_id']}" if paper.get("arxiv_id") else str(paper.get("doi"))


def test_author_keys_name_one_person() -> None:
    from hubcli.rank.authors import author_key

    assert author_key("Adrian Del Maestro") == author_key("A. Del Maestro") == author_key("Del Maestro, Adrian")
    assert author_key("Adrian Del Maestro") != author_key("Adrian Maestro")
    assert author_key("Johannes Diderik van der Waals") == author_key("J. D. van der Waals") == "van der waals|j"
    assert author_key("Matthew J. Powell-Palm") == "powellpalm|m"
    assert author_key("Matthew J. Powell-Palm") != author_key("Matthew J. Smith")  # not `matthew_j`
    assert author_key("José García-Pérez") == author_key("Jose Garcia-Perez")
    assert author_key("Neal Evans Jr.") == author_key("Evans Jr, Neal") == "evans|n"
    assert author_key("") is None


@pytest.mark.slow
def test_every_card_has_a_match_and_weak_ones_are_held_back(hub: Callable[..., Result], hub_home: Path) -> None:
    conn = _imported(hub, hub_home)
    assert hub("save", *_keys(conn, "math.CO", 5)).exit_code == 0
    shown, err = _recommend(hub, *WIDE, "-n", "300")
    every, err_all = _recommend(hub, *WIDE, "-n", "300", "--all")
    assert shown and all(p["match"] in ("strong", "good") for p in shown)
    assert all(isinstance(p["score"], float) for p in every)
    weak = [p for p in every if p["match"] == "weak"]
    assert weak and len(every) == 300 and len(shown) == 300 - len(weak)
    assert f"{len(weak)} weak matches held back (--all shows them)" in err
    assert "held back" not in err_all
    scores = [p["score"] for p in shown]
    assert min(scores) > max(p["score"] for p in weak)  # the held-back ones are the lower scores
    # the levels mean something: papers of the library's subcategory are far more often
    # strong matches than weak ones
    listed = _listed(conn, "math.CO")
    strong = [p for p in shown if p["match"] == "strong"]
    assert strong
    assert sum(_key(p) in listed for p in strong) / len(strong) > 3 * sum(_key(p) in listed for p in weak) / len(weak)
    cards = hub("recommend", *WIDE, "-n", "3", "--format", "plain")
    assert cards.exit_code == 0 and ("strong match" in cards.stdout or "good match" in cards.stdout)


@pytest.mark.slow
def test_nothing_strong_today_is_said_plainly_in_both_languages(hub: Callable[..., Result], hub_home: Path) -> None:
    conn = _imported(hub, hub_home)
    assert hub("save", *_keys(conn, "math.CO", 5)).exit_code == 0
    far = (*WIDE, "--category", "astro-ph.HE")  # no astrophysics paper is a match for combinatorics
    shown, err = _recommend(hub, *far)
    assert shown == []
    assert "nothing strong today" in err and "--all" in err
    zh = hub("--lang", "zh", "recommend", *far)
    assert zh.exit_code == 0 and "今天没有值得一读的强匹配" in zh.stderr
    every, _ = _recommend(hub, *far, "--all")
    assert every and {p["match"] for p in every} == {"weak"}


@pytest.mark.slow
def test_a_dismissed_topic_is_pushed_down(hub: Callable[..., Result], hub_home: Path) -> None:
    conn = _imported(hub, hub_home)
    assert hub("save", *_keys(conn, "cond-mat.mtrl-sci", 5)).exit_code == 0
    near = _listed(conn, "cond-mat.str-el") - _listed(conn, "cond-mat.mtrl-sci")
    before, _ = _recommend(hub, *WIDE, "-n", "100", "--all")
    leaked = [_key(p) for p in before if _key(p) in near]
    assert len(leaked) >= 4  # the nearby topic is there before dismissing
    gone, rest = leaked[:len(leaked) // 2], leaked[len(leaked) // 2:]
    assert hub("dismiss", *gone).exit_code == 0
    after, _ = _recommend(hub, *WIDE, "-n", "100", "--all")

    def place(listing: list[dict[str, object]], key: str) -> int:
        keys = [_key(p) for p in listing]
        return keys.index(key) if key in keys else len(keys)

    # the papers of the topic not dismissed go down the list; the dismissed ones are gone
    assert sum(place(after, k) for k in rest) > sum(place(before, k) for k in rest)
    assert not {_key(p) for p in after} & set(gone)


@pytest.mark.slow
def test_two_unrelated_interests_are_both_served(hub: Callable[..., Result], hub_home: Path) -> None:
    conn = _imported(hub, hub_home)
    assert hub("save", *_keys(conn, "math.CO", 5), *_keys(conn, "astro-ph.GA", 5)).exit_code == 0
    top, _ = _recommend(hub, *WIDE, "-n", "20", "--all")
    assert len(top) == 20
    assert sum(_key(p) in _listed(conn, "math.CO") for p in top) >= 3
    assert sum(_key(p) in _listed(conn, "astro-ph.GA") for p in top) >= 3


@pytest.mark.slow
def test_the_first_run_after_an_import_shows_the_newest_day(hub: Callable[..., Result], hub_home: Path) -> None:
    conn = _imported(hub, hub_home)  # papers of 2024: long before "the last 7 days"
    assert hub("save", *_keys(conn, "quant-ph", 5)).exit_code == 0
    first, err = _recommend(hub, "--all")
    assert len(first) == 20, err
    assert all(str(p["published"]).startswith("2024-11-28") for p in first)
    again, _ = _recommend(hub, "--all")  # nothing new since: the same window, not "0 new papers"
    assert [_key(p) for p in again] == [_key(p) for p in first]


@pytest.mark.slow
def test_an_interest_statement_ranks_an_empty_library(hub: Callable[..., Result], hub_home: Path) -> None:
    conn = _imported(hub, hub_home)
    (hub_home / "config.toml").write_text(
        '[rank]\nabout = "galaxies: star formation, the interstellar medium and dark matter halos of galaxies"\n',
        "utf-8")
    top, err = _recommend(hub, *WIDE, "-n", "10", "--all")
    assert "interest statement" in err and "too few" not in err.lower()
    assert len(top) == 10
    astro = _listed(conn, "astro-ph.GA") | _listed(conn, "astro-ph.CO")  # 4% of the day's papers
    assert sum(_key(p) in astro for p in top) >= 5  # ranked by the statement, not by date


@pytest.mark.slow
def test_explanations_are_in_the_readers_words(hub: Callable[..., Result], hub_home: Path) -> None:
    conn = _imported(hub, hub_home)
    saved = _keys(conn, "cs.CL", 6)
    assert hub("save", *saved).exit_code == 0
    top, _ = _recommend(hub, *WIDE, "-n", "10", "--all", "--explain")
    assert len(top) == 10
    for paper in top:
        why = paper["explain"]
        assert isinstance(why, dict) and why["words"] and why["like"] in saved
        text = f"{paper['title']} {paper['abstract']}".lower()
        for word in why["words"]:
            if word.startswith("author: "):
                assert word.removeprefix("author: ") in paper["authors"]  # type: ignore[operator]
            else:
                assert "_" not in word and all(part in text for part in word.split()), word


@pytest.mark.slow
def test_the_fitted_model_is_kept_until_the_library_changes(hub: Callable[..., Result], hub_home: Path) -> None:
    conn = _imported(hub, hub_home)
    assert hub("save", *_keys(conn, "hep-th", 5)).exit_code == 0
    first, _ = _recommend(hub, *WIDE, "--all")
    kept = hub_home / "hub.db.features" / "fitted-model.npz"
    assert kept.exists()
    stamp = kept.stat().st_mtime_ns
    again, _ = _recommend(hub, *WIDE, "--all")  # the same library: the kept model, the same answer
    assert [_key(p) for p in again] == [_key(p) for p in first]
    assert kept.stat().st_mtime_ns == stamp
    assert hub("save", *_keys(conn, "hep-th", 1, skip=5)).exit_code == 0
    changed, _ = _recommend(hub, *WIDE, "--all")  # one more saved paper: fitted again
    assert kept.stat().st_mtime_ns != stamp
    assert _keys(conn, "hep-th", 1, skip=5)[0] not in {_key(p) for p in changed}
    kept.write_bytes(b"not a model")  # a damaged file is fitted again, not an error
    assert [_key(p) for p in _recommend(hub, *WIDE, "--all")[0]] == [_key(p) for p in changed]


@pytest.mark.slow
def test_nothing_new_answers_without_loading_the_model(hub: Callable[..., Result], hub_home: Path) -> None:
    conn = _imported(hub, hub_home)
    assert hub("save", *_keys(conn, "hep-th", 5)).exit_code == 0
    code = ("import sys\nfrom hubcli.cli.main import main\n"
            "code = main(['recommend', '--since', '2030-01-01', '--format', 'json'])\n"
            "print(sorted(m for m in ('numpy', 'sklearn', 'scipy', 'hubcli.rank.score') if m in sys.modules),"
            " file=sys.stderr)\nsys.exit(code)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          env={**os.environ, "HUB_HOME": str(hub_home)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "[]"
    assert json.loads(proc.stdout) == []


@pytest.mark.slow
def test_tags_name_the_interests_each_paper_serves(hub: Callable[..., Result], hub_home: Path) -> None:
    conn = _imported(hub, hub_home)
    assert hub("save", *_keys(conn, "math.CO", 5), "--tag", "combinatorics").exit_code == 0
    assert hub("save", *_keys(conn, "astro-ph.GA", 5), "--tag", "galaxies").exit_code == 0
    top, _ = _recommend(hub, *WIDE, "-n", "20", "--all", "--explain")
    served = {str(p["explain"]["interest"]) for p in top}  # type: ignore[index]
    assert served == {"combinatorics", "galaxies"}
    for paper in top:
        if paper["explain"]["interest"] == "galaxies":  # type: ignore[index]
            assert _key(paper) not in _listed(conn, "math.CO")
    shown = hub("recommend", *WIDE, "-n", "3", "--all", "--explain", "--format", "plain")
    assert "for your interest: " in shown.stdout
