"""Reads: filters -> SQL, pages, random batches, single papers, author look-ups.

Only the standard library's sqlite3 is used here, so read commands start fast.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hubcli.authors import compound_surname, given_compatible, name_key, surname_ends_with
from hubcli.categories import category_keys
from hubcli.filters import Filters, fts_query
from hubcli.models import Page, Paper
from hubcli.store.db import Store

if TYPE_CHECKING:  # the rest is imported where it is used: every read command imports this module
    import random

    from hubcli.config import Settings

_PAPER_COLUMNS = (
    "p.id, p.key, p.arxiv_id, p.version, p.doi, p.title, p.abstract, p.authors, p.published, p.updated,"
    " p.announce_type, p.categories, p.primary_category, p.url, p.pdf_url, p.journal, p.first_seen"
)
_FTS_WEIGHTS = "5.0, 1.0, 2.0"  # title, abstract, authors
# beyond this many matches a random batch probes random row ids instead of listing ids
_LIST_ALL_LIMIT = 20_000


@dataclass
class Link:
    """A filter on a link table (``paper_authors``, ``paper_categories``): any of ``values``.

    Both link tables carry the paper's date and have a ``(key, published DESC, paper_id)``
    index, so a link filter can drive a query: its papers come newest first straight from
    the index, and counting them never touches ``papers``."""

    table: str
    column: str
    values: list[object]

    def match(self, alias: str) -> tuple[str, list[object]]:
        if len(self.values) == 1:
            return f"{alias}.{self.column} = ?", list(self.values)
        return f"{alias}.{self.column} IN ({_in(self.values)})", list(self.values)

    def exists(self, paper_id: str) -> tuple[str, list[object]]:
        """The same filter for one paper: a primary-key probe, never a scan of the link table."""
        cond, params = self.match("x")
        return f"EXISTS (SELECT 1 FROM {self.table} x WHERE x.paper_id = {paper_id} AND {cond})", params


@dataclass
class _Clause:
    """One condition of a selection, with what the planner-facing code needs to know of it."""

    sql: str
    params: list[object]
    link: Link | None = None
    date: tuple[str, str] | None = None  # (operator, value): also true of a link row's date
    on_id: bool = False  # ``p.id IN (…)``: needs nothing of the paper but its id
    fts: bool = False


@dataclass
class Selection:
    """Filters turned into SQL conditions over ``papers p``.

    Closed: every condition comes through one of its methods, so each keeps what the query
    planning code needs to know of it (a link filter can drive a query, a date bound applies
    to a link row's date, a full-text clause can be ranked); ``sql()`` and ``params`` are
    read from the conditions, never appended to."""

    fts: str | None = None
    unmatched_authors: list[str] = field(default_factory=list)
    impossible: bool = False  # a filter that matches nothing (unknown author, source)
    clauses: list[_Clause] = field(default_factory=list)

    @property
    def where(self) -> list[str]:
        return [c.sql for c in self.clauses]

    @property
    def params(self) -> list[object]:
        return [v for c in self.clauses for v in c.params]

    def sql(self) -> str:
        return " AND ".join(self.where) if self.clauses else "1"

    def add(self, sql: str, params: list[object], *, link: Link | None = None, date: tuple[str, str] | None = None,
            on_id: bool = False, fts: bool = False) -> None:
        self.clauses.append(_Clause(sql, list(params), link, date, on_id, fts))

    def add_link(self, link: Link) -> None:
        cond, params = link.match("l")
        self.add(f"p.id IN (SELECT l.paper_id FROM {link.table} l WHERE {cond})", params, link=link, on_id=True)

    def add_search(self, query: str) -> None:
        """The full-text condition (one per selection: its queries ANDed)."""
        self.fts = query
        self.add("p.id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)", [query], on_id=True, fts=True)

    def add_changed_since(self, mark: str) -> None:
        """Papers new or changed after ``mark`` (a ``changed_at`` value; radar's "seen")."""
        self.add("p.changed_at > ?", [mark])

    def add_any(self, parts: list[Selection]) -> None:
        """Papers matching any of ``parts`` (radar: any follow)."""
        self.add("(" + " OR ".join(f"({part.sql()})" for part in parts) + ")",
                 [v for part in parts for v in part.params])

    def without_search(self) -> tuple[list[str], list[object]]:
        """The conditions other than the full-text one (for queries driven by ``papers_fts``)."""
        others = [c for c in self.clauses if not c.fts]
        return [c.sql for c in others], [v for c in others for v in c.params]

    def driver(self) -> Link | None:
        """The link filter that should drive a query: an author filter before a category one."""
        links = [c.link for c in self.clauses if c.link is not None]
        links.sort(key=lambda link: link.table != "paper_authors")
        return links[0] if links else None

    def per_paper(self) -> tuple[str, list[object]]:
        """The conditions for testing given papers (random ids, the shown ones): link filters
        become primary-key probes instead of lists of every paper they match."""
        where: list[str] = []
        params: list[object] = []
        for clause in self.clauses:
            sql, values = clause.link.exists("p.id") if clause.link is not None else (clause.sql, clause.params)
            where.append(sql)
            params.extend(values)
        return " AND ".join(where) or "1", params

    def fts_only(self) -> bool:
        return len(self.clauses) == 1 and self.clauses[0].fts


def _in(values: list[object]) -> str:
    return ",".join("?" * len(values))


def find_author_ids(conn: sqlite3.Connection, name: str) -> list[int]:
    compound = compound_surname(name)
    if compound is not None:  # "Demner-Fushman": stored names whose surname ends with both parts
        rows = conn.execute("SELECT id, folded FROM authors WHERE surname = ?", (compound[-1],)).fetchall()
        return [int(aid) for aid, folded in rows if surname_ends_with(folded, compound)]
    key = name_key(name)
    if not key.surname:
        return []
    if key.given_initial:
        rows = conn.execute(
            "SELECT id, folded FROM authors WHERE surname = ? AND given_initial = ?", (key.surname, key.given_initial)
        ).fetchall()
    else:
        rows = conn.execute("SELECT id, folded FROM authors WHERE surname = ?", (key.surname,)).fetchall()
    if not key.given:
        return [int(aid) for aid, _folded in rows]
    # ``folded`` is the stored name's key, given names then surname: no need to split it again
    return [int(aid) for aid, folded in rows if given_compatible(key.given, tuple(folded.split()[:-1]))]


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
    import difflib

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
            sel.add_link(Link("paper_authors", "author_id", list[object](sorted(set(ids)))))
    categories = list(filters.categories)
    queries: list[str] = []
    if filters.topic:
        from hubcli.topics import resolve_topic

        topic = resolve_topic(filters.topic, settings)
        topic_query = fts_query(topic.query) if topic.query else None
        if topic_query:
            queries.append(f"({topic_query})")
        if topic.categories:
            sel.add_link(Link("paper_categories", "category", list[object](category_keys(list(topic.categories)))))
    if categories:  # the link table holds match keys (hubcli.categories)
        sel.add_link(Link("paper_categories", "category", list[object](category_keys(categories))))
    if filters.sources:
        source_ids: list[int] = []
        for spec in filters.sources:
            source_ids.extend(_source_ids(conn, spec, settings))
        if not source_ids:
            sel.impossible = True
        else:
            sel.add(f"p.id IN (SELECT paper_id FROM paper_sources WHERE source_id IN ({_in(list(source_ids))}))",
                    list(source_ids), on_id=True)
    if filters.search:
        user_query = fts_query(filters.search)
        if user_query is None:
            from hubcli.errors import UsageError

            raise UsageError("empty_search")
        queries.append(f"({user_query})")
    if queries:
        sel.add_search(" AND ".join(queries))
    if filters.since:
        sel.add("p.published >= ?", [filters.since], date=(">=", filters.since))
    if filters.until:
        sel.add("p.published <= ?", [filters.until], date=("<=", filters.until))
    if filters.types:
        sel.add(f"p.announce_type IN ({_in(list(filters.types))})", list(filters.types))
    if filters.unseen:
        sel.add_changed_since(store.get_state("radar_seen_at") or "")
    if filters.tags or filters.saved or filters.unread:
        from hubcli.store import library

        if filters.tags:
            sel.add(*library.tag_condition(filters.tags), on_id=True)
        if filters.saved:
            sel.add(*library.saved_condition(), on_id=True)
        if filters.unread:
            sel.add(*library.unread_condition(), on_id=True)
    return sel


def hide_dismissed(sel: Selection) -> None:
    """Leave out the papers the user dismissed (shuffle, radar, recommend)."""
    from hubcli.store.library import not_dismissed_condition

    sel.add(*not_dismissed_condition(), on_id=True)


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
        announce_type=announce, categories=json.loads(cats) if cats else [], primary_category=primary,
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
    from hubcli.store.library import state_for

    for pid, state in state_for(conn, list(by_id)).items():
        by_id[pid].library = state
    return [by_id[i] for i in ids if i in by_id]


def ids_newest_first(store: Store, sel: Selection) -> list[int]:
    """Every matching paper's id, newest first (for exports)."""
    if sel.impossible:
        return []
    sql = f"SELECT p.id FROM papers p WHERE {sel.sql()} ORDER BY p.published DESC, p.id DESC"
    return [int(r[0]) for r in store.conn.execute(sql, sel.params)]


def _driven(sel: Selection, link: Link) -> tuple[str, list[object]]:
    """``FROM … WHERE …`` over the driving link table ``d``: the other link filters become
    primary-key probes, date bounds apply to the link row's own date, and ``papers`` is
    joined (as the inner loop) only when a condition needs its columns."""
    cond, params = link.match("d")
    where = [cond]
    join = False
    for clause in sel.clauses:
        if clause.link is link:
            continue
        if clause.link is not None:
            sql, values = clause.link.exists("d.paper_id")
        elif clause.date is not None:
            sql, values = f"d.published {clause.date[0]} ?", [clause.date[1]]
        elif clause.on_id:
            sql, values = "d.paper_id" + clause.sql.removeprefix("p.id"), clause.params
        else:
            sql, values = clause.sql, clause.params
            join = True
        where.append(sql)
        params.extend(values)
    source = f"{link.table} d" + (" CROSS JOIN papers p ON p.id = d.paper_id" if join else "")
    return f"FROM {source} WHERE {' AND '.join(where)}", params


def count(store: Store, sel: Selection) -> int:
    if sel.impossible:
        return 0
    link = sel.driver()
    if link is not None:
        what = "count(*)" if len(link.values) == 1 else "count(DISTINCT d.paper_id)"
        source, params = _driven(sel, link)
        row = store.conn.execute(f"SELECT {what} {source}", params).fetchone()
    elif sel.fts_only():  # every full-text row has its paper: no need to visit them
        row = store.conn.execute("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?", (sel.fts,)).fetchone()
    else:
        row = store.conn.execute(f"SELECT count(*) FROM papers p WHERE {sel.sql()}", sel.params).fetchone()
    return int(row[0])


# a driver with several values (ids of one ambiguous name, a topic's categories) sorts what
# it finds; beyond this many papers, walking the date index of all papers is cheaper
_SORT_LIMIT = 50_000


def list_page(store: Store, sel: Selection, *, page: int, per_page: int, sort: str = "date") -> Page:
    total = count(store, sel)
    if total == 0:
        return Page([], 0, page, per_page)
    offset = (page - 1) * per_page
    if sort == "relevance" and sel.fts_only():
        ids = _top_by_relevance(store.conn, str(sel.fts), offset, per_page)
    else:
        sql, params = _page_query(sel, sort, total)
        ids = [int(r[0]) for r in store.conn.execute(sql, [*params, per_page, offset])]
    return Page(load_papers(store.conn, ids), total, page, per_page)


def _page_query(sel: Selection, sort: str, total: int) -> tuple[str, list[object]]:
    """SQL for one page of ids (``LIMIT ? OFFSET ?`` last) and its parameters."""
    link = sel.driver()
    if sort == "relevance" and sel.fts:
        others, other_params = sel.without_search()
        where = " AND ".join(["papers_fts MATCH ?", *others])
        return (f"SELECT p.id FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid WHERE {where}"
                f" ORDER BY bm25(papers_fts, {_FTS_WEIGHTS}), p.published DESC, p.id DESC LIMIT ? OFFSET ?",
                [sel.fts, *other_params])
    if link is not None and (len(link.values) == 1 or total <= _SORT_LIMIT):
        # newest first straight from the link index (author_id|category, published DESC, paper_id)
        source, params = _driven(sel, link)
        columns = "d.paper_id" if len(link.values) == 1 else "DISTINCT d.paper_id, d.published"
        return f"SELECT {columns} {source} ORDER BY d.published DESC, d.paper_id DESC LIMIT ? OFFSET ?", params
    # no driver, or one matching too many papers to sort: walk all papers newest first and
    # test each (link filters as primary-key probes) until the page is full
    where, params = sel.per_paper()
    return f"SELECT p.id FROM papers p WHERE {where} ORDER BY p.published DESC, p.id DESC LIMIT ? OFFSET ?", params


def _top_by_relevance(conn: sqlite3.Connection, fts: str, offset: int, limit: int) -> list[int]:
    """A page ranked by bm25, then newest first, without visiting ``papers`` for every hit.

    FTS5 ranks its own rows, so the full-text index alone gives the best scores; only those
    rows (and any that tie with the last of them) are looked up for their dates."""
    want = offset + limit
    spare = 256  # ties with the page's last score are common in short, similar records
    score = f"bm25(papers_fts, {_FTS_WEIGHTS})"
    ranked = conn.execute(
        f"SELECT rowid, {score} AS score FROM papers_fts WHERE papers_fts MATCH ? ORDER BY score LIMIT ?",
        (fts, want + spare),
    ).fetchall()
    if len(ranked) > want:
        edge = ranked[want - 1][1]
        if len(ranked) == want + spare and ranked[-1][1] == edge:  # the tie may go on: all of it
            ranked = conn.execute(
                f"SELECT rowid, score FROM (SELECT rowid, {score} AS score FROM papers_fts"
                " WHERE papers_fts MATCH ?) WHERE score <= ?",
                (fts, edge),
            ).fetchall()
        ranked = [r for r in ranked if r[1] <= edge]
    dates = dict(conn.execute(
        "SELECT p.id, p.published FROM papers p WHERE p.id IN (SELECT value FROM json_each(?))",
        (json.dumps([r[0] for r in ranked]),),
    ).fetchall())
    # by score, then newest first, then the higher id (as ORDER BY bm25, published DESC, id DESC)
    ranked.sort(key=lambda r: (dates.get(r[0]) or "", r[0]), reverse=True)
    ranked.sort(key=lambda r: r[1])  # stable
    return [int(r[0]) for r in ranked[offset:want]]


@dataclass
class Batch:
    papers: list[Paper]
    total: int
    left: int  # papers of this selection not shown yet in the current round
    restarted: bool = False


def _matching(conn: sqlite3.Connection, sel: Selection, extra: str = "", extra_params: tuple = (),  # type: ignore[type-arg]
              *, probe: bool = False) -> list[int]:
    where, params = sel.per_paper() if probe else (sel.sql(), sel.params)
    sql = f"SELECT p.id FROM papers p WHERE {where}{extra}"
    return [int(r[0]) for r in conn.execute(sql, [*params, *extra_params])]


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
        hits = _matching(conn, sel, extra, params, probe=True)
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
    import random

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
    shown, shown_params = sel.per_paper()  # tested paper by paper against what was shown
    if not remember:
        ids = draw(n, False, set())
        return Batch(load_papers(conn, ids), total, total - len(ids))
    seen = int(conn.execute(
        f"SELECT count(*) FROM shuffle_seen s JOIN papers p ON p.id = s.paper_id WHERE s.selection = ? AND {shown}",
        [selection_key, *shown_params],
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
        f"SELECT count(*) FROM shuffle_seen s JOIN papers p ON p.id = s.paper_id WHERE s.selection = ? AND {shown}",
        [selection_key, *shown_params],
    ).fetchone()
    return Batch(load_papers(conn, ids), total, total - int(left_row[0]), restarted)


def find_paper(store: Store, ident: str) -> Paper | None:
    """By arXiv id (with or without version), ``arxiv:``/``doi:`` id, a DOI, or a URL key."""
    from hubcli.sources import arxiv
    from hubcli.sources.parse import extract_doi

    text = ident.strip()
    conn = store.conn
    exact = conn.execute("SELECT id FROM papers WHERE key = ?", (text,)).fetchone()
    if exact:  # a stored key as printed by hub (arxiv:…, doi:…, url:…)
        return load_papers(conn, [int(exact[0])])[0]
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
