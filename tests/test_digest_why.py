"""A digest run that sends nothing says why — on stderr in one line, and in the ``--always``
digest — in English and Chinese: how many papers were new, how many matched or passed the
library's threshold, which sources failed or were empty, when the last digest went out.
Real CLI runs against a temp HUB_HOME, feeds served from loopback."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from conftest import FeedServer
from feedgen import Item, arxiv_rss

MON = "Mon, 27 Apr 2026 00:00:00 -0400"
TUE = "Tue, 28 Apr 2026 00:00:00 -0400"
FOLLOWED = [Item("2606.00001", "Two-tower retrieval for papers", ["Lichan Hong"], categories=["cs.IR"],
                 abstract="We propose a two-tower model. It retrieves papers quickly.")]
OTHERS = [Item("2606.00011", "Protein folding at scale", ["Someone Else"], categories=["cs.IR"]),
          Item("2606.00012", "Ocean wave spectra", ["Far Away"], categories=["cs.IR"])]


def _serve(mirror: FeedServer, items: list[Item], date: str) -> None:
    """cs.IR lists ``items``; the other default subscriptions are empty (a quiet day)."""
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        mirror.serve(f"/rss/{cat}", arxiv_rss(cat, items if cat == "cs.IR" else [], date=date))


def _why_line(stderr: str) -> str:
    lines = [x for x in stderr.splitlines() if "nothing sent" in x or "未发送" in x]
    assert len(lines) == 1, stderr
    return lines[0]


def _last_sent_local(home: Path) -> str:
    from hubcli.render.formats import local_time

    with sqlite3.connect(home / "hub.db") as conn:
        row = conn.execute("SELECT value FROM state WHERE key = 'digest_sent_at'").fetchone()
    assert row, "no digest went out"
    shown = local_time(row[0])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", shown)
    return shown


@pytest.fixture
def followed(hub: Any, arxiv_mirror: FeedServer) -> FeedServer:
    _serve(arxiv_mirror, FOLLOWED, MON)
    assert hub("follow", "Lichan Hong").exit_code == 0
    first = hub("digest")
    assert first.exit_code == 0 and "Two-tower retrieval" in first.stdout, first.stderr
    return arxiv_mirror


def test_nothing_new_names_the_count_the_empty_sources_and_the_last_digest(hub, followed, hub_home) -> None:  # type: ignore[no-untyped-def]
    again = hub("digest")
    assert again.exit_code == 0 and again.stdout == ""
    line = _why_line(again.stderr)
    when = _last_sent_local(hub_home)
    assert line == ("nothing new since the last digest: nothing sent (no new paper; "
                    "empty: arXiv (CS.AI), arXiv (CS.CL), arXiv (CS.LG); "
                    f"last digest {when})")
    zh = hub("--lang", "zh", "digest")
    assert zh.exit_code == 0 and zh.stdout == ""
    assert _why_line(zh.stderr) == ("自上次摘要以来没有新内容：未发送（没有新论文；"
                                    "内容为空：arXiv (CS.AI), arXiv (CS.CL), arXiv (CS.LG)；"
                                    f"上次摘要 {when}）")


def test_new_papers_that_match_no_follow(hub, followed, hub_home) -> None:  # type: ignore[no-untyped-def]
    _serve(followed, OTHERS, TUE)
    result = hub("digest")
    assert result.exit_code == 0 and result.stdout == ""
    line = _why_line(result.stderr)
    assert "(2 new papers, but none matches your follows or topics;" in line
    assert f"last digest {_last_sent_local(hub_home)})" in line
    assert "Protein folding" not in result.stderr  # counts, not titles


def test_a_failed_source_is_named_and_the_run_still_exits_0(hub, followed, hub_home) -> None:  # type: ignore[no-untyped-def]
    followed.serve("/journal.rss", b"server trouble", status=500)
    assert hub("feeds", "add", followed.url("/journal.rss"), "--label", "Broken Journal", "--no-check").exit_code == 0
    result = hub("digest")
    assert result.exit_code == 0, result.stderr
    line = _why_line(result.stderr)
    assert "failed to sync: Broken Journal;" in line and "no new paper" in line
    zh = hub("--lang", "zh", "digest")
    assert "同步失败：Broken Journal；" in _why_line(zh.stderr)


def test_no_sync_and_no_digest_yet(hub, arxiv_mirror) -> None:  # type: ignore[no-untyped-def]
    _serve(arxiv_mirror, OTHERS, MON)
    assert hub("follow", "Nobody Here").exit_code == 0
    assert hub("sync", "arxiv:cs.IR").exit_code == 0
    result = hub("digest", "--no-sync")
    assert result.exit_code == 0 and result.stdout == ""
    assert _why_line(result.stderr).endswith("(2 new papers, but none matches your follows or topics; "
                                             "not synced (--no-sync); no digest sent yet)")


def test_an_always_digest_carries_the_explanation(hub, followed, hub_home, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _serve(followed, OTHERS, TUE)
    page = tmp_path / "digest.html"
    text = tmp_path / "digest.txt"
    result = hub("digest", "--always", "--to", "-", "--to", str(page), "--to", str(text))
    assert result.exit_code == 0, result.stderr
    assert "nothing sent" not in result.stderr  # it was sent
    when = _last_sent_local(hub_home)
    assert "Nothing new for you since" in result.stdout
    assert "Why: 2 new papers, but none matches your follows or topics; " in result.stdout
    assert "Why: 2 new papers" in page.read_text(encoding="utf-8")
    assert "Why: 2 new papers" in text.read_text(encoding="utf-8")
    zh = hub("--lang", "zh", "digest", "--always")
    assert zh.exit_code == 0
    assert "原因：没有新论文；" in zh.stdout
    new_when = _last_sent_local(hub_home)  # the --always digest just went out: the next names it
    assert f"上次摘要 {when}。" in zh.stdout and new_when >= when


@pytest.mark.slow
def test_new_papers_below_the_librarys_threshold(hub, arxiv_mirror) -> None:  # type: ignore[no-untyped-def]
    liked = [Item(f"2606.0010{i}", f"Graph neural recommendation {topic}", ["Ann Other"], categories=["cs.IR"],
                  abstract=f"Graph neural networks for recommendation of {topic}: user item graphs, "
                           "collaborative filtering and message passing for recommender systems.")
             for i, topic in enumerate(["of music", "of news", "of products"])]
    topics = [("galaxy rotation curves", "radio telescopes, dark matter and galaxy halos"),
              ("protein folding kinetics", "fluorescence spectroscopy of protein folding and unfolding"),
              ("soil microbes in drought", "soil microbial communities, drought, rainfall and crops"),
              ("ocean wave spectra", "buoys measuring ocean surface waves in storms")]
    other = [Item(f"2606.02{i:03d}", f"{title.capitalize()}, study {i}", [f"Author {i}"], categories=["cs.IR"],
                  abstract=f"We study {title} with {about}; case {i}.")
             for i, (title, about) in enumerate(topics * 6)]
    _serve(arxiv_mirror, liked + other, MON)
    hub("follow", "Lichan Hong")
    assert hub("sync", "arxiv:cs.IR").exit_code == 0
    for item in liked:
        assert hub("save", f"arxiv:{item.arxiv_id}").exit_code == 0
    for item in other[:8]:  # not interested in these topics: new papers like them stay below the threshold
        assert hub("dismiss", f"arxiv:{item.arxiv_id}").exit_code == 0
    assert hub("digest", "--no-sync", "--always").exit_code == 0  # the mark: everything so far
    day2 = [Item(f"2606.03{i:03d}", f"{title.capitalize()}, new study", ["Far Away"], categories=["cs.IR"],
                 abstract=f"We study {title} with {about} once more.")
            for i, (title, about) in enumerate(topics[:2])]
    _serve(arxiv_mirror, day2, TUE)
    result = hub("digest")
    assert result.exit_code == 0 and result.stdout == "", result.stderr
    assert ("(2 new papers, but none matches your follows or topics and none passed your library's threshold;"
            in _why_line(result.stderr))
    zh = hub("--lang", "zh", "digest", "--no-sync", "--always")
    assert "原因：没有新论文" in zh.stdout
