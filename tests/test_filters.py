"""Filters: ``--since/--until`` spans and dates, option validation, and full-text queries that
can never raise an FTS5 syntax error (checked against a real in-memory SQLite FTS5 table)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hubcli.errors import UsageError
from hubcli.filters import Filters, fts_query, make_filters, parse_when

TODAY = date(2026, 6, 19)

# --------------------------------------------------------------------------------------
# parse_when
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "iso"),
    [("7d", "2026-06-12"), ("0d", "2026-06-19"), ("1d", "2026-06-18"), ("30d", "2026-05-20"),
     ("2w", "2026-06-05"), ("1w", "2026-06-12"), ("3m", "2026-03-19"), ("1m", "2026-05-19"), ("6m", "2025-12-19"),
     ("12m", "2025-06-19"), ("1y", "2025-06-19"), ("2y", "2024-06-19"), (" 7D ", "2026-06-12"), ("2W", "2026-06-05"),
     ("7 d", "2026-06-12"),
     ("2024-02-29", "2024-02-29"), ("2026-06-19", "2026-06-19"), (" 2025-01-05 ", "2025-01-05")],
)
def test_parse_when(value: str, iso: str) -> None:
    assert parse_when(value, TODAY) == iso


@pytest.mark.parametrize(
    ("today", "value", "iso"),
    [(date(2024, 3, 31), "1m", "2024-02-29"), (date(2023, 3, 31), "1m", "2023-02-28"),
     (date(2026, 1, 15), "1m", "2025-12-15"), (date(2024, 2, 29), "1y", "2023-02-28"),
     (date(2026, 5, 31), "3m", "2026-02-28"), (date(2000, 3, 30), "1m", "2000-02-29"),
     (date(1900, 3, 30), "1m", "1900-02-28")],
)
def test_parse_when_month_ends(today: date, value: str, iso: str) -> None:
    assert parse_when(value, today) == iso


def test_parse_when_defaults_to_today() -> None:
    assert parse_when("0d") == date.today().isoformat()


@pytest.mark.parametrize(
    "value",
    ["", "   ", "7", "d", "7x", "-7d", "+7d", "7dd", "1.5m", "seven days", "7 days", "yesterday", "2024-02-30",
     "2024-13-01", "2024-1-5", "24-01-05", "2024/01/05", "20240105", "2024-01-05T00:00", "99999y", "99999m",
     "9999999d", "1e3d", "0x10d", "\x00", "7d; DROP TABLE papers"],
)
def test_parse_when_rejects(value: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_when(value, TODAY)
    assert info.value.key == "bad_date"
    assert info.value.exit_code == 2


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_parse_when_gives_an_iso_date_or_a_usage_error(value: str) -> None:
    try:
        result = parse_when(value, TODAY)
    except UsageError:
        return
    assert date.fromisoformat(result) <= TODAY or result == value.strip()


# --------------------------------------------------------------------------------------
# make_filters
# --------------------------------------------------------------------------------------


def test_make_filters_normalises() -> None:
    filters = make_filters(authors=[" Lichan Hong ", "", "  "], categories=["cs.ir", "CS.LG,cs.ir", "stat.ml+hep-th"],
                           types=["NEW", "cross,replace-cross"], since="7d", until="2026-06-19", search="  llm  ",
                           sources=[" arxiv:cs.AI "], today=TODAY)
    assert filters.authors == ("Lichan Hong",)
    assert filters.categories == ("cs.IR", "cs.LG", "stat.ML", "hep-th")
    assert filters.types == ("new", "cross", "replace-cross")
    assert (filters.since, filters.until) == ("2026-06-12", "2026-06-19")
    assert filters.search == "llm"
    assert filters.sources == ("arxiv:cs.AI",)


def test_make_filters_empty() -> None:
    assert make_filters(search="   ", topic="", today=TODAY) == Filters()
    assert Filters().is_empty


def test_selection_key_ignores_order() -> None:
    a = make_filters(authors=["A B", "C D"], categories=["cs.AI", "cs.IR"], today=TODAY)
    b = make_filters(authors=["C D", "A B"], categories=["cs.IR", "cs.AI"], today=TODAY)
    assert a.selection_key() == b.selection_key()


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [({"categories": ["cs AI!"]}, "bad_category"), ({"categories": ["1cs.AI"]}, "bad_category"),
     ({"types": ["newest"]}, "bad_type"), ({"since": "tomorrow"}, "bad_date"), ({"until": "2024-02-30"}, "bad_date"),
     ({"since": "2026-06-19", "until": "2026-01-01"}, "since_after_until")],
)
def test_make_filters_rejects(kwargs: dict[str, object], key: str) -> None:
    with pytest.raises(UsageError) as info:
        make_filters(today=TODAY, **kwargs)  # type: ignore[arg-type]
    assert info.value.key == key


# --------------------------------------------------------------------------------------
# fts_query against a real FTS5 table (the store's tokenizer)
# --------------------------------------------------------------------------------------

DOCS = [
    ("Generative Recommenders at Scale", "Sequential recommendation with trillion-parameter models.", "Lichan Hong"),
    ("Large Language Models for Retrieval", "LLM-based dense retrieval; a C++ toolkit (v2.0).", "Jürgen Schmidhuber"),
    ("Graph Neural Networks", "Message passing on graphs. AND OR NOT NEAR are words here.", "Ann Lee"),
    ("A Note on How to Remove the $\\ln\\ln T$ Term", "Squint bound.", "Francesco Orabona"),
]


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, authors, "
                 "tokenize='unicode61 remove_diacritics 2')")
    conn.executemany("INSERT INTO papers_fts(rowid, title, abstract, authors) VALUES (?, ?, ?, ?)",
                     [(i + 1, *doc) for i, doc in enumerate(DOCS)])
    yield conn
    conn.close()


def run(conn: sqlite3.Connection, query: str) -> list[int]:
    return [row[0] for row in conn.execute(
        "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rowid", (query,))]


def check_executes(conn: sqlite3.Connection, text: str) -> str | None:
    query = fts_query(text)
    if query is None:
        return None
    assert isinstance(query, str) and query.strip()
    run(conn, query)
    # the store wraps each query in parentheses and ANDs topic and search together
    run(conn, f"({query}) AND ({query})")
    return query


@pytest.mark.parametrize(
    ("text", "rows"),
    [("recommenders", [1]), ("Recommenders scale", [1]), ("recommend*", [1]), ('"language models"', [2]),
     ('"models language"', []), ("graph OR retrieval", [2, 3]), ("llm", [2]), ("jurgen", [2]), ("Jürgen", [2]),
     ("schmidhuber hong", []), ("AND", [3]), ("OR graph", [3]), ("NOT", [3]), ("near", [3]),
     ("C++", [2]), ("v2.0", [2]), ("title:graph", []), ("graph:", [3]), ("$\\ln\\ln T$", [4]), ("lichan", [1])],
)
def test_fts_query_semantics(fts: sqlite3.Connection, text: str, rows: list[int]) -> None:
    query = check_executes(fts, text)
    assert query is not None
    assert run(fts, query) == rows


@pytest.mark.parametrize(
    ("text", "query"),
    [("llm", '"llm"'), ("graph neural", '"graph" "neural"'), ('"exact phrase"', '"exact phrase"'),
     ("rec*", '"rec"*'), ("a OR b", '"a" OR "b"'), ("a OR OR b", '"a" OR "b"'), ("OR a", '"a"'), ("a OR", '"a"')],
)
def test_fts_query_shapes(text: str, query: str) -> None:
    assert fts_query(text) == query


@pytest.mark.parametrize("text", ["", "   ", "OR", "OR OR", '""', '"', "*", "***", "()", "-", "^", ":", "+", ";",
                                  "\x00", "\u202e", '" "', "* OR *"])
def test_fts_query_nothing_searchable(text: str) -> None:
    assert fts_query(text) is None


def test_fts_query_operators_alone_are_words(fts: sqlite3.Connection) -> None:
    # AND, NOT, NEAR are taken literally (quoted): no "malformed MATCH" for a lone operator
    for word in ("AND", "NOT", "NEAR", "NOT OR"):
        assert check_executes(fts, word) is not None


HOSTILE = [
    '"', '""', '"""', "'", "a'b", 'unclosed "phrase', 'say "hi', "a AND", "AND b", "a AND OR NOT b", "NOT a", "a NOT",
    "NEAR(a b)", "NEAR(a b, 3)", "a NEAR/2 b", "(a", "a)", "((a OR b)", "a:b", "title:", ":title", "-a", "a -b",
    "+a", "^a", "a^", "a*b", "*a", "**", "a**", "a * b", "{a b}", "{title abstract}: x", "[a]", "a;b", "a,b",
    "a/b", "a\\b", "$x<y$", "\\textbf{x}", "C++", "c#", "f(x)=y", "100%", "@user", "#tag", "a|b", "a&b", "a&&b",
    "a||b", "a=b", "<script>", "NULL", "'; DROP TABLE papers; --", "\x00a", "a\x00", "\x1b[31m", "\u202e\u2066",
    "中文 检索", "ÄÖÜ ß", "emoji 🚀 test", "ǅ ﬀ", "x" * 500, "OR " * 50, "a " * 200, "*" * 100, '"' * 101,
    "rowid", "rank", "papers_fts", "MATCH", "AND AND", "OR OR", "NOT NOT", "a OR (b", "a\nOR\nb", "\t\t",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_fts_query_hostile_strings_never_raise(fts: sqlite3.Connection, text: str) -> None:
    check_executes(fts, text)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(st.one_of(
    st.text(),
    st.lists(st.sampled_from(['"', "*", "OR", "AND", "NOT", "NEAR", "(", ")", ":", "^", "-", "+", "{", "}", " ",
                              "a", "b", "title", "é", "\x00", "中", "'", ",", "/"]), max_size=30).map("".join),
    st.lists(st.sampled_from(['"', "*", "OR", "AND", "NOT", "NEAR", "(", ")", ":", "^", "-", "+", "a", "b"]),
             max_size=15).map(" ".join),
))
@example('"a" OR "')
@example("a* OR *")
@example("NEAR(a, b)")
def test_fts_query_of_any_text_executes(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, authors, "
                     "tokenize='unicode61 remove_diacritics 2')")
        conn.execute("INSERT INTO papers_fts(rowid, title, abstract, authors) VALUES (1, ?, ?, ?)", DOCS[0])
        check_executes(conn, text)
    finally:
        conn.close()
