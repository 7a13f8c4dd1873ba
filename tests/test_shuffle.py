"""``hub shuffle`` (the seed page's 换一批 button) over a real cache filled by ``hub sync``."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from conftest import FeedServer, Result
from feedgen import Item, arxiv_rss

Hub = Callable[..., Result]
DEFAULT_CATS = ("cs.AI", "cs.CL", "cs.IR", "cs.LG")




def make_items() -> dict[str, list[Item]]:
    """25 papers: 15 in cs.AI (5 of them by Lichan Hong), 10 in cs.IR."""
    ai = [Item(f"2604.{i:05d}", f"AI paper {i}", ["Lichan Hong" if i <= 5 else "Ada Lovelace"],
               categories=["cs.AI"]) for i in range(1, 16)]
    ir = [Item(f"2604.{i:05d}", f"IR paper {i}", ["Maria Garcia"], categories=["cs.IR"]) for i in range(16, 26)]
    return {"cs.AI": ai, "cs.IR": ir}


@pytest.fixture
def cache(arxiv_mirror: FeedServer, hub: Hub) -> Hub:
    items = make_items()
    for cat in DEFAULT_CATS:
        arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, items.get(cat, [])))
    result = hub("sync")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(hub("papers", "--format", "json", "--per-page", "100").stdout)) == 25
    return hub


def shuffle(hub: Hub, *args: str) -> tuple[list[str], Result]:
    result = hub("shuffle", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return [p["id"] for p in json.loads(result.stdout)], result


def test_each_call_shows_papers_the_previous_calls_did_not(cache: Hub) -> None:
    first, r1 = shuffle(cache, "-n", "10")
    second, r2 = shuffle(cache, "-n", "10")
    third, r3 = shuffle(cache, "-n", "10")

    assert len(first) == len(set(first)) == 10
    assert len(second) == len(set(second)) == 10
    assert not set(first) & set(second)
    # the round ends: the 5 not shown yet come first, the batch is filled from a new round
    assert len(third) == len(set(third)) == 10
    remainder = third[:5]
    assert not set(remainder) & (set(first) | set(second))
    assert len(set(first) | set(second) | set(third)) == 25
    assert "starting over" not in r1.stderr + r2.stderr
    assert "every paper in this selection has been shown; starting over" in r3.stderr


def test_the_new_round_does_not_repeat_what_it_already_showed(cache: Hub) -> None:
    shuffle(cache, "-n", "10")
    shuffle(cache, "-n", "10")
    third, _ = shuffle(cache, "-n", "10")  # 5 left over + 5 that start the new round
    fourth, r4 = shuffle(cache, "-n", "10")
    fifth, r5 = shuffle(cache, "-n", "5")

    # the new round goes on with the 15 papers the third call did not show
    assert len(fourth) == 10 and len(fifth) == 5
    assert not set(fourth) & set(fifth)
    assert not (set(fourth) | set(fifth)) & set(third)
    assert len(set(third) | set(fourth) | set(fifth)) == 25
    assert "starting over" not in r4.stderr + r5.stderr


def test_footer_counts_what_is_left_in_plain(cache: Hub) -> None:
    result = cache("shuffle", "-n", "10", "--format", "plain")

    assert result.exit_code == 0
    assert result.stdout.count("\n01. ") + result.stdout.startswith("01. ") == 1
    assert "10 of 25 papers · 15 not shown yet" in result.stderr
    second = cache("shuffle", "-n", "10", "--format", "plain")
    assert "10 of 25 papers · 5 not shown yet" in second.stderr


def test_default_batch_is_10(cache: Hub) -> None:
    batch, _ = shuffle(cache)

    assert len(batch) == 10


def test_a_batch_larger_than_the_set_shows_it_all_once(cache: Hub) -> None:
    batch, result = shuffle(cache, "-n", "100")

    assert sorted(batch) == sorted(set(batch))
    assert len(batch) == 25
    assert "starting over" not in result.stderr


def test_seed_makes_a_batch_reproducible_and_leaves_history_alone(cache: Hub) -> None:
    one, _ = shuffle(cache, "-n", "10", "--seed", "7")
    two, _ = shuffle(cache, "-n", "10", "--seed", "7")
    other, _ = shuffle(cache, "-n", "10", "--seed", "8")

    assert one == two
    assert len(set(one)) == 10
    assert other != one
    # seeded calls did not use up the round
    plain = cache("shuffle", "-n", "10", "--format", "plain")
    assert "10 of 25 papers · 15 not shown yet" in plain.stderr


def test_seeded_footer_names_the_seed(cache: Hub) -> None:
    result = cache("shuffle", "-n", "3", "--seed", "7", "--format", "plain")

    assert "3 of 25 papers · seed 7" in result.stderr


def test_filters_apply_to_shuffle(cache: Hub) -> None:
    batch, result = shuffle(cache, "-n", "50", "--category", "cs.IR")
    assert sorted(batch) == [f"arxiv:2604.{i:05d}" for i in range(16, 26)]

    by_author, _ = shuffle(cache, "-n", "50", "--author", "Hong, Lichan")
    assert sorted(by_author) == [f"arxiv:2604.{i:05d}" for i in range(1, 6)]

    searched, _ = shuffle(cache, "-n", "50", "--search", "IR", "--source", "arXiv (CS.IR)")
    assert len(searched) == 10


def test_history_is_per_selection(cache: Hub) -> None:
    everything_1, _ = shuffle(cache, "-n", "10")
    # the cs.IR selection has its own, untouched round: all 10 in two calls, no restart
    ir_1, r1 = shuffle(cache, "-n", "5", "--category", "cs.IR")
    ir_2, r2 = shuffle(cache, "-n", "5", "--category", "cs.IR")
    assert sorted(ir_1 + ir_2) == [f"arxiv:2604.{i:05d}" for i in range(16, 26)]
    assert "starting over" not in r1.stderr + r2.stderr
    # ... and did not eat into the unfiltered round
    everything_2, _ = shuffle(cache, "-n", "10")
    assert not set(everything_1) & set(everything_2)
    ir_3, r3 = shuffle(cache, "-n", "5", "--category", "cs.IR")
    assert "starting over" in r3.stderr
    assert len(set(ir_3)) == 5


def test_the_same_selection_spelt_differently_shares_its_history(cache: Hub) -> None:
    first, _ = shuffle(cache, "-n", "5", "--category", "cs.IR")
    second, r2 = shuffle(cache, "-n", "5", "--category", "cs.ir")

    assert not set(first) & set(second)
    assert "starting over" not in r2.stderr


def test_shuffle_panels_have_numbered_cards(cache: Hub) -> None:
    result = cache("shuffle", "-n", "3", "--format", "panels", "--category", "cs.IR")

    assert result.exit_code == 0
    out = result.stdout
    assert "Categories: cs.IR ×" in out
    for label in ("01. arXiv (CS.IR)", "02. arXiv (CS.IR)", "03. arXiv (CS.IR)"):
        assert label in out
    assert "04. arXiv" not in out
    assert "\x1b" not in out


def test_shuffle_on_an_empty_cache_hints(hub: Hub) -> None:
    result = hub("shuffle", "--format", "json")

    assert result.exit_code == 0
    assert result.stdout == "[]\n"
    assert "the cache is empty; run 'hub sync' first" in result.stderr


def test_shuffle_of_an_empty_selection(cache: Hub) -> None:
    batch, result = shuffle(cache, "--search", "nothingmatchesthis")

    assert batch == []
    assert "no papers match" in result.stderr


def test_shuffle_in_chinese(cache: Hub) -> None:
    result = cache("shuffle", "-n", "10", "--format", "plain", "--lang", "zh")

    assert "共 25 篇中的 10 篇 · 还有 15 篇未展示" in result.stderr


@pytest.mark.parametrize("n", ["0", "-3", "many"])
def test_bad_batch_size_is_a_usage_error(cache: Hub, n: str) -> None:
    result = cache("shuffle", "-n", n)

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
