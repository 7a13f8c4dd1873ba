"""Reads: filters -> SQL, pages, random batches, single papers, author look-ups.

Only the standard library's sqlite3 is used here, so read commands start fast.
"""

from __future__ import annotations

import difflib
import json
import random
import sqlite3
from dataclasses import dataclass, field

from hubcli.authors import given_compatible, name_key
from hubcli.config import Settings
from hubcli.filters import Filters, fts_query
from hubcli.models import Page, Paper
from hubcli.sources import arxiv
from hubcli.sources.parse import extract_doi
from hubcli.store.db import Store
from hubcli.topics import resolve_topic

_PAPER_COLUMNS = (
    "p.id, p.key, p.arxiv_id, p.version, p.doi, p.title, p.abstract, p.authors, p.published, p.updated,"
    " p.announce_type, p.categories, p.primary_category, p.url, p.pdf_url, p.journal, p.first_seen"
)
_FTS_WEIGHTS = "5.0, 1.0, 2.0"  # title, abstract, authors
# beyond this many matches a random batch probes random row ids instead of listing ids
_LIST_ALL_LIMIT = 20_000


@dataclass
class Selection:
    """Filters turned into SQL conditions over ``papers p``."""

    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    fts: str | None = None
    unmatched_authors: list[str] = field(default_factory=list)
    impossible: bool = False  # a filter that matches nothing (unknown author, source)

    def sql(self) -> str:
        return " AND ".join(self.where) if self.where else "1"


def _in(values: list[object]) -> str:
    return ",".join("?" * len(values))


def find_author_ids(conn: sqlite3.Connection, name: str) -> list[int]:
    key = name_key(name)
    if not key.surname:
        return []
    if key.given_initial:
        rows = conn.execute(
            "SELECT id, name FROM authors WHERE surname = ? AND given_initial = ?", (key.surname, key.given_initial)
        ).fetchall()
    else:
        rows = conn.execute("SELECT id, name FROM authors WHERE surname = ?", (key.surname,)).fetchall()
    return [int(aid) for aid, stored in rows if given_compatible(key.given, name_key(stored).given)]


def author_suggestions(conn: sqlite3.Connection, name: str, limit: int = 3) -> list[str]:
    """Close names for a "did you mean" hint, from a bounded set of candidates."""
    key = name_key(name)
    if not key.surname:
        return []
    prefix = key.surname[:3]
    rows = conn.execute(
        "SELECT name, folded FROM authors WHERE surname = ? LIMIT 500", (key.surname,)
    ).fetchall()
    rows += conn.execute(
        "SELECT name, folded FROM authors WHERE surname >= ? AND surname < ? LIMIT 2000",
        (prefix, prefix + "\uffff"),
    ).fetchall()
    if key.given:
        rows += conn.execute(
            "SELECT name, folded FROM authors WHERE surname = ? LIMIT 500", (key.given[0],)
        ).fetchall()
    by_folded: dict[str, str] = {}
    for display, folded in rows:
        by_folded.setdefault(folded, display)
    close = difflib.get_close_matches(key.folded, list(by_folded), n=limit, cutoff=0.6)
    return [by_folded[f] for f in close]


def build_selection(store: Store, filters: Filters, settings: Settings) -> Selection:
    conn = store.conn
    sel = Selection()
    if filters.authors:
        ids: list[int] = []
        for name in filters.authors:
            found = find_author_ids(conn, name)
            if not found:
                sel.unmatched_authors.append(name)
            ids.extend(found)
        if not ids:
            sel.impossible = True
        else:
            ids = sorted(set(ids))
            sel.where.append(f"p.id IN (SELECT paper_id FROM paper_authors WHERE author_id IN ({_in(list(ids))}))")
            sel.params.extend(ids)
    categories = list(filters.categories)
    queries: list[str] = []
    if filters.topic:
        topic = resolve_topic(filters.topic, settings)
        topic_query = fts_query(topic.query) if topic.query else None
        if topic_query:
            queries.append(f"({topic_query})")
        if topic.categories:
            cats = [arxiv.normalize_category(c) for c in topic.categories]
            sel.where.append(f"p.id IN (SELECT paper_id FROM paper_categories WHERE category IN ({_in(list(cats))}))")
            sel.params.extend(cats)
    if categories:
        sel.where.append(f"p.id IN (SELECT paper_id FROM paper_categories WHERE category IN ({_in(list(categories))}))")
        sel.params.extend(categories)
    if filters.sources:
        source_ids: list[int] = []
        for spec in filters.sources:
            source_ids.extend(_source_ids(conn, spec, settings))
        if not source_ids:
            sel.impossible = True
        else:
            sel.where.append(
                f"p.id IN (SELECT paper_id FROM paper_sources WHERE source_id IN ({_in(list(source_ids))}))"
            )
            sel.params.extend(source_ids)
    if filters.search:
        user_query = fts_query(filters.search)
        if user_query is None:
            from hubcli.errors import UsageError

            raise UsageError("empty_search")
        queries.append(f"({user_query})")
    if queries:
        sel.fts = " AND ".join(queries)
        sel.where.append("p.id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)")
        sel.params.append(sel.fts)
    if filters.since:
        sel.where.append("p.published >= ?")
        sel.params.append(filters.since)
    if filters.until:
        sel.where.append("p.published <= ?")
        sel.params.append(filters.until)
    if filters.types:
        sel.where.append(f"p.announce_type IN ({_in(list(filters.types))})")
        sel.params.extend(filters.types)
    if filters.unseen:
        seen_at = store.get_state("radar_seen_at") or ""
        sel.where.append("p.changed_at > ?")
        sel.params.append(seen_at)
    return sel


def _source_ids(conn: sqlite3.Connection, spec: str, settings: Settings) -> list[int]:
    """Rows a --source value names: a spec (canonicalised when it parses) or a label."""
    from hubcli.errors import UsageError
    from hubcli.sources import registry

    candidates = {spec}
    try:
        candidates.add(registry.resolve(spec, settings).spec)
    except UsageError:
        pass
    marks = _in(list(candidates))
    rows = conn.execute(
        f"SELECT id FROM sources WHERE spec IN ({marks}) OR label = ? COLLATE NOCASE", (*candidates, spec)
    ).fetchall()
    return [int(r[0]) for r in rows]


def _row_to_paper(row: tuple, sources: dict[int, list[str]]) -> Paper:  # type: ignore[type-arg]
    (pid, key, arxiv_id, version, doi, title, abstract, authors, published, updated, announce, cats, primary,
     url, pdf_url, journal, first_seen) = row
    return Paper(
        key=key, arxiv_id=arxiv_id, version=version, doi=doi, title=title, abstract=abstract,
        authors=json.loads(authors) if authors else [], published=published, updated=updated,
        announce_type=announce, categories=cats.split() if cats else [], primary_category=primary,
        url=url, pdf_url=pdf_url, journal=journal, sources=sources.get(pid, []), rowid=pid, first_seen=first_seen,
    )


def load_papers(conn: sqlite3.Connection, ids: list[int]) -> list[Paper]:
    """Papers by row id, in the order given, with their source labels."""
    if not ids:
        return []
    marks = _in(list(ids))
    rows = conn.execute(f"SELECT {_PAPER_COLUMNS} FROM papers p WHERE p.id IN ({marks})", ids).fetchall()
    labels: dict[int, list[str]] = {}
    for pid, label in conn.execute(
        f"SELECT ps.paper_id, s.label FROM paper_sources ps JOIN sources s ON s.id = ps.source_id"
        f" WHERE ps.paper_id IN ({marks}) ORDER BY ps.first_seen, s.id",
        ids,
    ):
        labels.setdefault(pid, []).append(label)
    by_id = {row[0]: _row_to_paper(row, labels) for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def count(store: Store, sel: Selection) -> int:
    if sel.impossible:
        return 0
    row = store.conn.execute(f"SELECT count(*) FROM papers p WHERE {sel.sql()}", sel.params).fetchone()
    return int(row[0])


def list_page(store: Store, sel: Selection, *, page: int, per_page: int, sort: str = "date") -> Page:
    total = count(store, sel)
    if total == 0:
        return Page([], 0, page, per_page)
    offset = (page - 1) * per_page
    if sort == "relevance" and sel.fts:
        others = [w for w in sel.where if "papers_fts" not in w]
        other_params = [p for p in sel.params if p != sel.fts]
        where = " AND ".join(["papers_fts MATCH ?", *others])
        sql = (f"SELECT p.id FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid WHERE {where}"
               f" ORDER BY bm25(papers_fts, {_FTS_WEIGHTS}), p.published DESC LIMIT ? OFFSET ?")
        params = [sel.fts, *other_params, per_page, offset]
    else:
        sql = (f"SELECT p.id FROM papers p WHERE {sel.sql()}"
               " ORDER BY p.published DESC, p.id DESC LIMIT ? OFFSET ?")
        params = [*sel.params, per_page, offset]
    ids = [int(r[0]) for r in store.conn.execute(sql, params)]
    return Page(load_papers(store.conn, ids), total, page, per_page)


@dataclass
class Batch:
    papers: list[Paper]
    total: int
    left: int  # papers of this selection not shown yet in the current round
    restarted: bool = False


def _matching(conn: sqlite3.Connection, sel: Selection, extra: str = "", extra_params: tuple = ()) -> list[int]:  # type: ignore[type-arg]
    sql = f"SELECT p.id FROM papers p WHERE {sel.sql()}{extra}"
    return [int(r[0]) for r in conn.execute(sql, [*sel.params, *extra_params])]


def _probe(conn: sqlite3.Connection, sel: Selection, rng: random.Random, n: int, density: float,
           exclude_selection: str | None, chosen: set[int]) -> list[int]:
    """Random row ids tested against the filters: fast for large, dense selections."""
    max_id = conn.execute("SELECT max(id) FROM papers").fetchone()[0] or 0
    found: list[int] = []
    for _round in range(12):
        want = n - len(found)
        if want <= 0:
            break
        k = min(20_000, max(64, int(want * 4 / max(density, 1e-4))))
        ids = sorted({rng.randint(1, max_id) for _ in range(k)} - chosen - set(found))
        if not ids:
            continue
        extra = f" AND p.id IN ({_in(list(ids))})"
        params: tuple = tuple(ids)  # type: ignore[type-arg]
        if exclude_selection is not None:
            extra += " AND p.id NOT IN (SELECT paper_id FROM shuffle_seen WHERE selection = ?)"
            params += (exclude_selection,)
        hits = _matching(conn, sel, extra, params)
        rng.shuffle(hits)
        found.extend(hits[:want])
    return found


def sample(store: Store, sel: Selection, selection_key: str, *, n: int, seed: int | None = None) -> Batch:
    """A random batch.  Without a seed, each call avoids papers earlier calls showed for the
    same selection until all were shown, then starts over; with a seed, the batch is a pure
    function of the seed and the data (history is neither read nor written)."""
    conn = store.conn
    total = count(store, sel)
    if total == 0:
        return Batch([], 0, 0)
    rng = random.Random(seed)
    max_id = conn.execute("SELECT max(id) FROM papers").fetchone()[0] or 1
    density = total / max_id
    remember = seed is None

    def unseen_clause(exclude_seen: bool) -> tuple[str, tuple[object, ...]]:
        if not exclude_seen:
            return "", ()
        return " AND p.id NOT IN (SELECT paper_id FROM shuffle_seen WHERE selection = ?)", (selection_key,)

    def draw(k: int, exclude_seen: bool, chosen: set[int]) -> list[int]:
        if k <= 0:
            return []
        if total <= _LIST_ALL_LIMIT or density < 0.01:
            pool = [i for i in _matching(conn, sel, *unseen_clause(exclude_seen)) if i not in chosen]
            pool.sort()
            return rng.sample(pool, min(k, len(pool)))
        picked = _probe(conn, sel, rng, k, density, selection_key if exclude_seen else None, chosen)
        if len(picked) < k:  # unlucky probes: fall back to listing
            pool = sorted(set(_matching(conn, sel, *unseen_clause(exclude_seen))) - chosen - set(picked))
            picked += rng.sample(pool, min(k - len(picked), len(pool)))
        return picked

    restarted = False
    if not remember:
        ids = draw(n, False, set())
        return Batch(load_papers(conn, ids), total, total - len(ids))
    seen = int(conn.execute(
        f"SELECT count(*) FROM shuffle_seen s JOIN papers p ON p.id = s.paper_id WHERE s.selection = ? AND {sel.sql()}",
        [selection_key, *sel.params],
    ).fetchone()[0])
    unseen = total - seen
    ids = draw(min(n, unseen), True, set()) if unseen > 0 else []
    with store.transaction() as wconn:
        if len(ids) < n and len(ids) < total:
            restarted = True
            wconn.execute("DELETE FROM shuffle_seen WHERE selection = ?", (selection_key,))
            ids += draw(n - len(ids), True, set(ids))
        wconn.executemany(
            "INSERT OR IGNORE INTO shuffle_seen(selection, paper_id) VALUES (?, ?)",
            [(selection_key, i) for i in ids],
        )
    left_row = conn.execute(
        f"SELECT count(*) FROM shuffle_seen s JOIN papers p ON p.id = s.paper_id WHERE s.selection = ? AND {sel.sql()}",
        [selection_key, *sel.params],
    ).fetchone()
    return Batch(load_papers(conn, ids), total, total - int(left_row[0]), restarted)


def find_paper(store: Store, ident: str) -> Paper | None:
    """By arXiv id (with or without version), ``arxiv:``/``doi:`` id, a DOI, or a URL key."""
    text = ident.strip()
    conn = store.conn
    key = None
    parsed = arxiv.parse_id(text) or arxiv.id_from_url(text)
    if parsed:
        key = f"arxiv:{parsed[0]}"
    elif text.lower().startswith("doi:") or extract_doi(text):
        doi = extract_doi(text[4:] if text.lower().startswith("doi:") else text)
        if doi:
            row = conn.execute("SELECT id FROM papers WHERE doi = ? COLLATE NOCASE LIMIT 1", (doi,)).fetchone()
            if row:
                return load_papers(conn, [int(row[0])])[0]
            key = f"doi:{doi.lower()}"
    else:
        key = text
    if key is None:
        return None
    row = conn.execute("SELECT id FROM papers WHERE key = ?", (key,)).fetchone()
    return load_papers(conn, [int(row[0])])[0] if row else None
