"""The vocabulary of the ranking features: a paper's text, its terms (the analyzer), the
TF-IDF vectorizer fitted in bounded memory, and vectorising texts with it.

The vocabulary and IDF are fitted once on a sample of papers and then frozen; the fit
counts terms without sklearn's dictionary of every word pair of the sample
(:func:`fit_vectorizer`: hashed counts first, exact counts only for the candidates).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import chain, pairwise
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

HASH_BITS = 22           # buckets of the first, hashed count of the vocabulary fit
CANDIDATES = 3           # exact counts for this many times max_features of the top buckets

VECTORIZER_PARAMS: dict[str, Any] = {
    # arxiv-sanity-lite's settings (word 1-2-grams, sublinear tf, max_df 0.1), min_df relaxed for small caches
    "ngram_range": (1, 2), "max_features": 20_000, "max_df": 0.1, "sublinear_tf": True,
    "stop_words": "english", "strip_accents": "unicode", "dtype": np.float32,
}


def paper_text(title: str, abstract: str, authors_json: str) -> str:  # noqa: ARG001 - one signature for the reads
    """A paper's words: the title twice and the abstract.  Its authors are not words (their
    names split into tokens such as ``matthew_j``, shared by strangers): the model gives
    them a block of features of their own (``hubcli.rank.authors``)."""
    return f"{title}\n{title}\n{abstract}"


def min_df(n_docs: int) -> int:
    return 5 if n_docs >= 5_000 else 2 if n_docs >= 200 else 1


def _count_vocabulary(texts: Callable[[], Iterable[str]], params: dict[str, Any],
                      n_docs: int) -> tuple[list[str], np.ndarray]:
    """The vocabulary sklearn's TfidfVectorizer would fit with ``params`` (min_df, max_df,
    then the max_features most frequent terms; ties at the cut broken by the term) and
    each term's document frequency, in bounded memory: a first pass counts the terms
    hashed into 2**HASH_BITS buckets, a second counts exactly only the terms of the
    buckets that can hold a selected term.  sklearn's own fit keeps a dictionary of
    every distinct term (millions of word pairs: ~460 MB for 50,000 abstracts)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyze = analyzer(TfidfVectorizer(**params))
    low = params["min_df"] if isinstance(params["min_df"], int) else params["min_df"] * n_docs
    high = params["max_df"] if isinstance(params["max_df"], int) else params["max_df"] * n_docs
    limit = params.get("max_features")
    candidate = _candidate_buckets(texts, analyze, low, limit)
    mask = candidate.size - 1
    tf: Counter[str] = Counter()
    df: Counter[str] = Counter()
    for text in texts():
        tokens = list(analyze(text))
        h = np.fromiter((hash(t) for t in tokens), dtype=np.int64, count=len(tokens)) & mask
        kept = [tokens[i] for i in np.flatnonzero(candidate[h]).tolist()]
        tf.update(kept)
        df.update(set(kept))
    terms = [t for t, f in df.items() if low <= f <= high]
    if limit is not None and len(terms) > limit:
        terms.sort(key=lambda t: (-tf[t], t))
        terms = terms[:limit]
    terms.sort()
    return terms, np.array([df[t] for t in terms], dtype=np.float64)


_TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # sklearn's default


def analyzer(vectorizer: Any) -> Callable[[str], Iterable[str]]:
    """``vectorizer.build_analyzer()``: the terms of a text.  For VECTORIZER_PARAMS' word
    settings, the same terms (tests compare them) about 1.5 times as fast: stop words
    filtered with one set test, the word pairs joined by ``map`` instead of a Python loop."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, strip_accents_unicode

    v = vectorizer
    if not (v.analyzer == "word" and v.ngram_range == (1, 2) and v.stop_words == "english"
            and v.strip_accents == "unicode" and v.lowercase and v.token_pattern == _TOKEN_PATTERN
            and v.tokenizer is None and v.preprocessor is None and v.input == "content"):
        return v.build_analyzer()  # type: ignore[no-any-return]
    find = re.compile(_TOKEN_PATTERN).findall
    stop = frozenset(ENGLISH_STOP_WORDS)
    # accents stripped from the runs of non-ASCII characters only: the same text, as ASCII
    # characters decompose to themselves and start a new combining sequence (sklearn
    # strips the whole text, character by character, when it holds one accented name)
    non_ascii = re.compile(r"[^\x00-\x7f]+")

    def strip(match: re.Match[str]) -> str:
        return strip_accents_unicode(match.group())  # type: ignore[no-any-return]

    def analyze(text: str) -> Iterable[str]:
        text = text.lower()
        if not text.isascii():
            text = non_ascii.sub(strip, text)
        words = [w for w in find(text) if w not in stop]
        return chain(words, map(" ".join, pairwise(words)))

    return analyze


def vectorize(vectorizer: Any, texts: list[str]) -> sp.csr_matrix:
    """``vectorizer.transform(texts)`` as float32 CSR with sorted int32 indices, about 1.7
    times as fast for our settings (sublinear TF, IDF, L2 norm): the terms are looked up
    with ``dict.get`` (sklearn catches a KeyError for every word pair outside the
    vocabulary, most of them) and counted for the whole batch at once with numpy."""
    v = vectorizer
    if not (v.sublinear_tf and v.use_idf and v.norm == "l2" and not v.binary):
        return v.transform(texts).astype(np.float32).tocsr()  # type: ignore[no-any-return]
    analyze = analyzer(v)
    get = v.vocabulary_.get
    n, width = len(texts), len(v.vocabulary_)
    found: list[int] = []
    lengths: list[int] = []
    for text in texts:
        ids = [i for i in map(get, analyze(text)) if i is not None]
        found.extend(ids)
        lengths.append(len(ids))
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    keys, counts = np.unique(rows * width + np.asarray(found, dtype=np.int64), return_counts=True)
    row, col = keys // width, (keys % width).astype(np.int32)
    values = (np.log(counts) + 1.0) * np.asarray(v.idf_, dtype=np.float64)[col]
    values /= np.sqrt(np.bincount(row, weights=values * values, minlength=n))[row]
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])
    return sp.csr_matrix((values.astype(np.float32), col, indptr), shape=(n, width))


def _candidate_buckets(texts: Callable[[], Iterable[str]], analyze: Callable[[str], Iterable[str]],
                       low: float, limit: int | None) -> np.ndarray:
    """The hash buckets that can hold a term of the vocabulary (first pass)."""
    buckets = 1 << HASH_BITS
    mask = buckets - 1
    tf_b = np.zeros(buckets, dtype=np.int64)
    df_b = np.zeros(buckets, dtype=np.int64)
    hashes: list[np.ndarray] = []
    docs: list[np.ndarray] = []
    pending = 0

    def flush() -> None:
        nonlocal pending
        if not hashes:
            return
        h, d = np.concatenate(hashes), np.concatenate(docs)
        tf_b[:] += np.bincount(h, minlength=buckets)
        pairs = np.sort(d * buckets + h)  # each (paper, bucket) once: sorted, not np.unique's hash (6x slower)
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
        df_b[:] += np.bincount(pairs & mask, minlength=buckets)
        hashes.clear()
        docs.clear()
        pending = 0

    for d, text in enumerate(texts()):
        tokens = list(analyze(text))
        h = np.fromiter((hash(t) for t in tokens), dtype=np.int64, count=len(tokens)) & mask
        hashes.append(h)
        docs.append(np.full(h.size, d, dtype=np.int64))
        pending += h.size
        if pending >= 2_000_000:
            flush()
    flush()
    # a bucket's counts are at least those of each term in it: buckets below min_df hold no
    # term of the vocabulary, and with max_features, only the most frequent buckets can
    score = np.where(df_b >= low, tf_b, 0)
    wanted = np.flatnonzero(score)
    if limit is not None and wanted.size > CANDIDATES * limit:
        wanted = np.argpartition(-score, CANDIDATES * limit)[:CANDIDATES * limit]
        wanted = wanted[score[wanted] > 0]
    candidate = np.zeros(buckets, dtype=bool)
    candidate[wanted] = True
    return candidate


def fit_vectorizer(texts: Callable[[], Iterable[str]], n_docs: int) -> Any:
    """A TfidfVectorizer with VECTORIZER_PARAMS fitted on ``texts()`` (called twice), as
    a fixed vocabulary and IDF (sklearn's smooth IDF: ln((1 + n) / (1 + df)) + 1)."""
    params = dict(VECTORIZER_PARAMS, min_df=min_df(n_docs))
    if n_docs < 50:
        params["max_df"] = 1.0
    terms, df = _count_vocabulary(texts, params, n_docs)
    if not terms:  # too few papers or words for the thresholds: keep every word
        params = dict(params, min_df=1, max_df=1.0)
        terms, df = _count_vocabulary(texts, params, n_docs)
    if not terms:
        terms, df = ["empty"], np.zeros(1)
    return frozen_vectorizer(terms, (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32))


def frozen_vectorizer(terms: list[str], idf: np.ndarray) -> Any:
    """A TfidfVectorizer with VECTORIZER_PARAMS' analysis, a fixed vocabulary (``terms``,
    by feature number) and IDF: what the store keeps is only these two (no pickle)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    fixed = {k: v for k, v in VECTORIZER_PARAMS.items() if k not in ("min_df", "max_df", "max_features")}
    vectorizer = TfidfVectorizer(**fixed, vocabulary={t: i for i, t in enumerate(terms)})
    vectorizer.fit([""])
    vectorizer.idf_ = np.asarray(idf, dtype=np.float32)
    return vectorizer


def save_vocabulary(terms_path: Path, idf_path: Path, vectorizer: Any) -> None:
    """The vocabulary as plain data: its terms (UTF-8 text, one a line, by feature number)
    and its IDF (a ``.npy`` array of float32), each written under a temporary name first."""
    tmp = terms_path.with_name(terms_path.name + ".tmp")
    tmp.write_text("\n".join(vectorizer.get_feature_names_out().tolist()), "utf-8")
    os.replace(tmp, terms_path)
    tmp = idf_path.with_name(idf_path.name + ".tmp")
    with open(tmp, "wb") as handle:
        np.save(handle, np.asarray(vectorizer.idf_, dtype=np.float32), allow_pickle=False)
    os.replace(tmp, idf_path)


def load_vocabulary(terms_path: Path, idf_path: Path) -> Any:
    """The vectorizer :func:`save_vocabulary` wrote; a ValueError when the files do not
    hold it (never unpickled: ``allow_pickle=False``)."""
    terms = terms_path.read_text("utf-8").split("\n")
    idf = np.load(idf_path, allow_pickle=False)
    if idf.dtype != np.float32 or idf.ndim != 1 or idf.shape[0] != len(terms) or len(set(terms)) != len(terms):
        raise ValueError(f"{idf_path.name} does not match {terms_path.name}")
    return frozen_vectorizer(terms, idf)
