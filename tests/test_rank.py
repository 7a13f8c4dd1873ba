"""Ranking (hubcli.rank) on the real 1,504-paper arXiv feed, imported through the CLI."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Result, corpus_file

pytestmark = pytest.mark.slow  # each test imports the corpus and fits a model

FEED = "arxiv-rss2024-all-archives-2024-11-28.xml"


def _store_and_archives(hub: Callable[..., Result]):  # type: ignore[no-untyped-def]
    from hubcli.config import resolve_paths
    from hubcli.store.db import open_store

    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    store = open_store(resolve_paths().database)
    assert store is not None
    by: dict[str, list[int]] = defaultdict(list)
    for pid, cat in store.conn.execute("SELECT id, primary_category FROM papers"):
        by[(cat or "").split(".")[0]].append(int(pid))
    return store, by


def test_saving_ten_papers_of_an_archive_ranks_that_archive_first(hub: Callable[..., Result]) -> None:
    from hubcli import rank

    store, by = _store_and_archives(hub)
    math_ids = by["math"]
    saved = random.Random(3).sample(math_ids, 10)
    rest = [i for ids in by.values() for i in ids if i not in saved]
    got = rank.recommend(store, saved, [], rest, n=20)
    assert len(got) == 20
    precision = sum(s.paper_id in set(math_ids) for s in got) / 20
    base = (len(math_ids) - 10) / len(rest)  # what a random pick of 20 gets on average
    assert precision > base + 0.4, (precision, base)


def test_dismissed_papers_are_negatives_and_never_recommended(hub: Callable[..., Result]) -> None:
    from hubcli import rank

    store, by = _store_and_archives(hub)
    saved = by["math"][:10]
    rest = [i for ids in by.values() for i in ids if i not in saved]
    first = rank.recommend(store, saved, [], rest, n=20)
    dismissed = [s.paper_id for s in first[:5]]
    again = rank.recommend(store, saved, dismissed, rest, n=20)
    assert len(dismissed) == 5 and len(again) == 20
    assert not {s.paper_id for s in again} & set(dismissed)


def test_explain_gives_words_of_the_paper_and_a_saved_paper(hub: Callable[..., Result]) -> None:
    from hubcli import rank

    store, by = _store_and_archives(hub)
    saved = by["quant-ph"][:10]
    rest = [i for ids in by.values() for i in ids if i not in saved]
    found = rank.recommend(store, saved, [], rest, n=5, explain=True)
    assert len(found) == 5  # a loop over nothing would pass
    for item in found:
        title, abstract, authors = store.conn.execute(
            "SELECT title, abstract, authors FROM papers WHERE id = ?", (item.paper_id,)).fetchone()
        words = set(re.findall(r"\w+", f"{title} {abstract} {authors}".lower().replace(" ", " ")))
        assert item.words
        for term in item.words:
            if term.startswith("author: "):  # an author is named as the paper names them
                assert term.removeprefix("author: ") in json.loads(authors), term
            else:  # words of the paper, never an internal token such as matthew_j
                assert "_" not in term and set(term.split()) <= words, term
        assert item.like in saved


def test_a_new_sync_adds_rows_without_refitting(hub: Callable[..., Result], hub_home: Path) -> None:
    from hubcli import rank

    store, by = _store_and_archives(hub)
    first = rank.update_features(store)
    assert first.refitted and first.total == 1504
    vocab = rank.open_features(store).manifest["vocab"]  # type: ignore[union-attr]
    feed = corpus_file("arxiv-rss2026-cs.AI-excerpt-3items.xml")
    assert hub("import", str(feed)).exit_code == 0  # the import itself adds their rows (rank.hooks)
    features = rank.open_features(store)
    assert features is not None and len(features) > 1504
    second = rank.update_features(store)
    assert not second.refitted and second.added == 0 and second.total == len(features)
    assert features.manifest["vocab"] == vocab
    assert rank.update_features(store).added == 0


def test_similar_returns_neighbours_without_the_paper_itself(hub: Callable[..., Result]) -> None:
    from hubcli import rank

    store, by = _store_and_archives(hub)
    pid = by["astro-ph"][0]
    got = rank.similar(store, pid, n=10)
    assert len(got) == 10 and pid not in {s.paper_id for s in got}
    assert [s.score for s in got] == sorted((s.score for s in got), reverse=True)
    assert sum(s.paper_id in set(by["astro-ph"]) for s in got) >= 5


def test_the_read_path_does_not_load_numpy_or_sklearn(hub: Callable[..., Result]) -> None:
    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    code = ("import sys\nfrom hubcli.cli.main import main\ncode = main(['papers', '--format', 'json'])\n"
            "print(sorted(m for m in ('numpy', 'sklearn', 'scipy') if m in sys.modules), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "[]"
    assert json.loads(proc.stdout)


# --- the author block's quick test never drops a paper the names would keep -----------------

_NAME = st.text(alphabet=st.sampled_from(list("abcXYZ019 ,.-'[]\"éß\\")), min_size=1, max_size=16)


@settings(max_examples=500, deadline=None)
@given(names=st.lists(_NAME, min_size=1, max_size=5), other=st.lists(st.text("abcxyz019", min_size=1, max_size=6),
                                                                        max_size=4),
       take=st.integers(min_value=0, max_value=5), compact=st.booleans())
def test_the_quick_surname_test_agrees_with_reading_each_name(names: list[str], other: list[str], take: int,
                                                              compact: bool) -> None:
    """``_shares_no_surname`` lets the author block skip a candidate's names in one pass;
    it may only say "no" when no name's last word (``_last_word``) is one the library has."""
    from hubcli.rank.authors import _last_word, _shares_no_surname

    lasts = set(other) | {_last_word(name) for name in names[:take]} - {""}
    raw = json.dumps(names, separators=(",", ":") if compact else (", ", ": "), ensure_ascii=not compact)
    if _shares_no_surname(raw, lasts):
        assert not {_last_word(name) for name in names} & lasts


def test_the_author_block_is_the_same_with_the_quick_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real names (the corpus's shapes: "Surname, Given", particles, hyphens, accents,
    TeX) give the same block with the quick test as name by name."""
    from hubcli.rank import authors

    lists = [["Ada Lovelace", "Matthew J. Powell-Palm"], ["Del Maestro, Adrian", "van der Waals, J. D."],
             ["Müller, Jürgen"], ["O'Brien, Séamus", "Smith,John"], ["Poincar\\'e, H."], [], ["A,B,C"],
             ["Hong, Lichan", "Lichan Hong", "L. Hong"], ["Grace Hopper Jr."]]
    raws = [json.dumps(names) for names in lists] + [json.dumps(names, ensure_ascii=False) for names in lists]
    keys = {k for names in lists for k in map(authors.author_key, names) if k}
    columns = {key: i for i, key in enumerate(sorted(keys)[::2])}
    quick = authors.author_block(raws, columns)
    monkeypatch.setattr(authors, "_shares_no_surname", lambda raw, lasts: False)  # every name read
    slow = authors.author_block(raws, columns)
    assert (quick != slow).nnz == 0 and quick.nnz > 0
