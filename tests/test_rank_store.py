"""The feature store at scale (issue 12, part 4): kept up to date by import and sync, rows
replaced when a paper changes, small chunks compacted, and the bounded-memory vocabulary
fit giving sklearn's vocabulary."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from conftest import FeedServer, Result, corpus_file

pytestmark = pytest.mark.slow  # each test fits or updates the features of a real corpus

FEED = "arxiv-rss2024-all-archives-2024-11-28.xml"
EXCERPT = "arxiv-rss2026-cs.AI-excerpt-3items.xml"


def _store():  # type: ignore[no-untyped-def]
    from hubcli.config import resolve_paths
    from hubcli.store.db import open_store

    store = open_store(resolve_paths().database)
    assert store is not None
    return store


def _current_rows_match_their_text(store) -> None:  # type: ignore[no-untyped-def]
    """Every paper has exactly one live row: the vectorised text it has now."""
    from hubcli.rank import open_features
    from hubcli.rank.vocabulary import paper_text

    features = open_features(store)
    assert features is not None
    rows = store.conn.execute("SELECT id, title, abstract, authors FROM papers ORDER BY id").fetchall()
    assert len(features) == len(rows)
    ids, matrix = features.rows([r[0] for r in rows])
    assert ids.tolist() == [r[0] for r in rows]
    fresh = features.transform([paper_text(*r[1:]) for r in rows])
    assert abs(matrix - fresh).max() < 1e-6


def _edited(tmp_path: Path, old: str, new: str, name: str, version: int = 2) -> Path:
    """The excerpt with a new version of its first paper (``old`` replaced by ``new``)."""
    text = corpus_file(EXCERPT).read_text("utf-8").replace("2604.21935v1", f"2604.21935v{version}")
    assert old in text
    out = tmp_path / name
    out.write_text(text.replace(old, new), "utf-8")
    return out


def test_import_without_features_builds_none_and_loads_no_ranking(hub: Callable[..., Result],
                                                                   hub_home: Path) -> None:
    # (numpy itself is loaded by sqlite-utils, which the bulk import uses)
    code = ("import sys\nfrom hubcli.cli.main import main\ncode = main(['import', sys.argv[1]])\n"
            "print(sorted(m for m in ('sklearn', 'scipy', 'hubcli.rank.update') if m in sys.modules),"
            " file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(corpus_file(EXCERPT))],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "[]"
    assert not list(hub_home.rglob("*.features"))


def test_import_brings_existing_features_up_to_date(hub: Callable[..., Result]) -> None:
    from hubcli import rank

    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    store = _store()
    assert rank.update_features(store).total == 1504
    result = hub("import", str(corpus_file(EXCERPT)))
    assert result.exit_code == 0, result.stderr
    features = rank.open_features(store)
    assert features is not None and len(features) == 1507
    assert rank.update_features(store).added == 0  # the import did it
    newest = store.conn.execute("SELECT id FROM papers ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert [s.paper_id for s in rank.similar(store, newest, n=3)]
    _current_rows_match_their_text(store)


def test_sync_brings_existing_features_up_to_date(hub: Callable[..., Result], feed_server: FeedServer) -> None:
    from hubcli import rank

    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    store = _store()
    rank.update_features(store)
    url = feed_server.serve("/cs.AI", corpus_file(EXCERPT).read_bytes(),
                            headers={"Content-Type": "application/rss+xml"})
    result = hub("sync", url)
    assert result.exit_code == 0, result.stderr
    features = rank.open_features(store)
    assert features is not None and len(features) == 1507
    assert rank.update_features(store).added == 0


def test_a_changed_paper_gets_its_new_row_and_loses_the_old(hub: Callable[..., Result], tmp_path: Path) -> None:
    from hubcli import rank

    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    assert hub("import", str(corpus_file(EXCERPT))).exit_code == 0
    store = _store()
    rank.update_features(store)
    pid = store.conn.execute("SELECT id FROM papers WHERE title LIKE 'Math Takes Two%'").fetchone()[0]
    before = rank.open_features(store).rows([pid])[1]  # type: ignore[union-attr]
    edited = _edited(tmp_path, "mathematical reasoning", "galaxy cluster spectroscopy", "edited.xml")
    result = hub("import", str(edited))
    assert result.exit_code == 0 and "1 updated" in result.stderr, result.stderr
    features = rank.open_features(store)
    assert features is not None and len(features) == 1507
    after = features.rows([pid])[1]
    assert abs(after - before).max() > 0.01
    _current_rows_match_their_text(store)


def test_many_small_updates_are_compacted(hub: Callable[..., Result], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from hubcli import rank
    from hubcli.rank import update as store_features

    monkeypatch.setattr(store_features, "MAX_CHUNKS", 3)
    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    store = _store()
    rank.update_features(store)
    for n, word in enumerate(["galaxy", "protein", "lattice", "neutrino", "theorem", "robot"]):
        edited = _edited(tmp_path, "mathematical reasoning", f"{word} reasoning", f"edit{n}.xml", n + 2)
        assert hub("import", str(edited)).exit_code == 0
        manifest = rank.open_features(store).manifest  # type: ignore[union-attr]
        assert len(manifest["chunks"]) <= 3
    _current_rows_match_their_text(store)
    root = rank.features_dir(store)
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == sorted(manifest["chunks"])


def test_broken_features_never_fail_an_import(hub: Callable[..., Result]) -> None:
    from hubcli import rank

    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    store = _store()
    rank.update_features(store)
    vocab = rank.open_features(store).manifest["vocab"]  # type: ignore[union-attr]
    (rank.features_dir(store) / vocab).write_bytes(b"not a pickle")
    result = hub("import", str(corpus_file(EXCERPT)))
    assert result.exit_code == 0, result.stderr
    assert "3 new" in result.stderr
    assert store.paper_count() == 1507


@pytest.mark.parametrize("max_features,hash_bits", [(20_000, 22), (2_000, 22), (2_000, 10)])
def test_the_bounded_fit_gives_sklearns_vocabulary_and_idf(hub: Callable[..., Result],
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          max_features: int, hash_bits: int) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from hubcli.rank import update
    from hubcli.rank import vocabulary as store_features

    monkeypatch.setattr(store_features, "HASH_BITS", hash_bits)  # 10: every bucket shared by many terms
    monkeypatch.setitem(store_features.VECTORIZER_PARAMS, "max_features", max_features)
    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    store = _store()
    texts, n = update._sample_texts(store.conn, store.paper_count())
    ours = store_features.fit_vectorizer(texts, n)
    params = dict(store_features.VECTORIZER_PARAMS, min_df=store_features.min_df(n))
    theirs = TfidfVectorizer(**params).fit(list(texts()))
    mine, ref = set(ours.vocabulary_), set(theirs.vocabulary_)
    assert len(mine) == len(ref) <= max_features
    if mine != ref:  # only terms tied at the max_features cut may differ
        analyze = theirs.build_analyzer()
        tf = Counter(t for text in texts() for t in analyze(text))
        cut = min(tf[t] for t in ref)
        assert all(tf[t] == cut for t in mine ^ ref)
    common = sorted(mine & ref)
    a = np.array([ours.vocabulary_[t] for t in common])
    b = np.array([theirs.vocabulary_[t] for t in common])
    assert np.allclose(ours.idf_[a], theirs.idf_[b], rtol=1e-5)


def test_ranking_uses_the_stored_features_while_another_process_updates_them(hub: Callable[..., Result]) -> None:
    import fcntl

    from hubcli import rank

    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    store = _store()
    rank.update_features(store)
    pid = store.conn.execute("SELECT id FROM papers ORDER BY id LIMIT 1").fetchone()[0]
    with open(rank.features_dir(store) / "lock", "w") as other:  # as a sync updating them holds it
        fcntl.flock(other, fcntl.LOCK_EX)
        assert len(rank.similar(store, pid, n=5)) == 5
        fcntl.flock(other, fcntl.LOCK_UN)


def test_a_rebuild_leaves_the_old_features_readable_until_it_is_done(hub: Callable[..., Result]) -> None:
    from hubcli import rank

    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    store = _store()
    rank.update_features(store)
    old = rank.open_features(store)
    assert old is not None
    ids, before = old.rows([1, 2, 3])
    result = rank.update_features(store, rebuild=True)
    assert result.refitted and result.total == 1504
    assert abs(old.rows([1, 2, 3])[1] - before).max() == 0  # still the old files, memory-mapped
    new = rank.open_features(store)
    assert new is not None and new.manifest["vocab"] != old.manifest["vocab"]
    root = rank.features_dir(store)
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [*new.manifest["chunks"], new.manifest["vocab"], new.manifest["terms"], "manifest.json", "lock",
         f"ids-{new.manifest['index']}.npy", f"loc-{new.manifest['index']}.npy"])
    _current_rows_match_their_text(store)


def test_the_fast_analyzer_and_vectorizer_give_sklearns_terms_and_rows(hub: Callable[..., Result]) -> None:
    from hubcli import rank
    from hubcli.rank import vocabulary as store_features

    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    store = _store()
    rank.update_features(store)
    features = rank.open_features(store)
    assert features is not None
    vectorizer = features.vectorizer
    texts = [store_features.paper_text(*r) for r in store.conn.execute(
        "SELECT title, abstract, authors FROM papers ORDER BY id")]
    texts += ["", "the of and", "Ünïcödé ÀCCENTS café naïve — x y", "graphene graphene graphene",
              "ﬁnal ½ x² Ｆｕｌｌ ｗｉｄｔｈ", "Müller and Schröder, Dvořák; Erdős", "e\u0301te\u0301 combining",
              "İstanbul ǅungla ß straße 𝐀𝔸 日本語"]
    fast, slow = store_features.analyzer(vectorizer), vectorizer.build_analyzer()
    assert all(sorted(fast(t)) == sorted(slow(t)) for t in texts)
    ours = store_features.vectorize(vectorizer, texts)
    theirs = vectorizer.transform(texts)
    assert ours.shape == theirs.shape and ours.dtype == np.float32 and ours.has_sorted_indices
    assert abs(ours - theirs).max() < 1e-6


def test_a_sampled_fit_is_the_same_every_time(hub: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    from hubcli import rank
    from hubcli.rank import update as store_features

    monkeypatch.setattr(store_features, "FIT_SAMPLE", 600)  # the cache holds more: a sample is fitted on
    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    store = _store()
    first = rank.update_features(store)
    terms = rank.open_features(store).terms().tolist()  # type: ignore[union-attr]
    again = rank.update_features(store, rebuild=True)
    assert first.refitted and again.refitted and again.total == 1504
    features = rank.open_features(store)
    assert features is not None and features.manifest["fitted_on"] == 600
    assert features.terms().tolist() == terms
    _current_rows_match_their_text(store)


def test_the_linear_svm_ranks_as_sklearns_linearsvc(hub: Callable[..., Result]) -> None:
    """recommend's solver (scipy's L-BFGS-B on LinearSVC's objective) against LinearSVC itself,
    on the corpus features: the same top 20 and scores within a small tolerance."""
    import scipy.sparse as sp
    from sklearn.svm import LinearSVC

    from hubcli.rank import ensure_features
    from hubcli.rank.model import SVM_C, fit_linear_svm

    assert hub("import", str(corpus_file(FEED))).exit_code == 0
    store = _store()
    features = ensure_features(store)
    ids, matrix = features.rows(features.live_ids().tolist())
    rng = np.random.default_rng(7)
    labels = np.zeros(ids.size)
    labels[rng.choice(ids.size, 12, replace=False)] = 1.0
    weights = np.where(labels > 0, 1.0, 1.0)
    weights[rng.choice(ids.size, 10, replace=False)] = 5.0
    x = sp.csr_matrix(matrix)
    coef, intercept = fit_linear_svm(x, labels, weights)
    reference = LinearSVC(C=SVM_C, class_weight="balanced", max_iter=10_000, tol=1e-8)
    reference.fit(x, labels, sample_weight=weights)
    ours = x @ coef + intercept
    theirs = reference.decision_function(x)
    assert list(np.argsort(-ours)[:20]) == list(np.argsort(-theirs)[:20])
    assert np.max(np.abs(ours - theirs)) < 0.02
    # LinearSVC's documented objective: ours reaches it at least as low as liblinear does
    sign = np.where(labels > 0, 1.0, -1.0)
    costs = SVM_C * weights * np.where(labels > 0, ids.size / (2 * labels.sum()), ids.size / (2 * (1 - labels).sum()))

    def objective(w: np.ndarray, b: float) -> float:
        return float(0.5 * (w @ w + b * b) + np.sum(costs * np.maximum(1 - sign * (x @ w + b), 0) ** 2))

    assert objective(coef, intercept) <= objective(reference.coef_.ravel(), float(reference.intercept_[0])) + 1e-9
    store.close()
