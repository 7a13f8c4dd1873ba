"""Reads: a resolved :class:`~hubcli.queries.Query` -> SQL, pages, random batches,
author look-ups.

What the user meant (topics, categories, sources, author names, search words) is resolved
before it comes here (``hubcli.resolve``); this module only writes SQL.  Only the
standard library's sqlite3 is used, so read commands start fast.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hubcli.models import Page, Paper
from hubcli.store.db import Store
from hubcli.store.papers import find_paper, load_papers, state_for

if TYPE_CHECKING:  # the rest is imported where it is used: every read command imports this module
    import random

    from hubcli.queries import AuthorMatch, Query, SourceMatch

__all__ = ["FTS_WEIGHTS", "Batch", "Link", "Selection", "author_names_near", "build_selection", "candidate_ids",
           "count", "find_author_ids", "find_paper", "ids_newest_first", "list_page", "load_papers", "sample",
           "state_for", "tag_condition"]

# full-text weights of title, abstract, authors: every bm25 ranking uses these
FTS_WEIGHTS = "5.0, 1.0, 2.0"
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
    unmatched_sources: list[str] = field(default_factory=list)
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

    def _add(self, sql: str, params: Sequence[object], *, link: Link | None = None,
             date: tuple[str, str] | None = None, on_id: bool = False, fts: bool = False) -> None:
        self.clauses.append(_Clause(sql, list(params), link, date, on_id, fts))

    def add_link(self, link: Link) -> None:
        cond, params = link.match("l")
        self._add(f"p.id IN (SELECT l.paper_id FROM {link.table} l WHERE {cond})", params, link=link, on_id=True)

    def add_authors(self, author_ids: Sequence[int]) -> None:
        """Papers by any of these authors (``authors`` row ids)."""
        self.add_link(Link("paper_authors", "author_id", list[object](sorted(set(author_ids)))))

    def add_categories(self, keys: Sequence[str]) -> None:
        """Papers in any of these categories (match keys, ``hubcli.categories``)."""
        self.add_link(Link("paper_categories", "category", list[object](keys)))

    def add_sources(self, source_ids: Sequence[int]) -> None:
        """Papers listed by any of these sources (``sources`` row ids)."""
        self._add(f"p.id IN (SELECT paper_id FROM paper_sources WHERE source_id IN ({_in(list(source_ids))}))",
                  list(source_ids), on_id=True)

    def add_search(self, query: str) -> None:
        """The full-text condition (one per selection: its queries ANDed)."""
        self.fts = query
        self._add("p.id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)", [query], on_id=True, fts=True)

    def add_published_since(self, day: str) -> None:
        self._add("p.published >= ?", [day], date=(">=", day))

    def add_published_until(self, day: str) -> None:
        self._add("p.published <= ?", [day], date=("<=", day))

    def add_types(self, types: Sequence[str]) -> None:
        """arXiv announce types (``new``, ``cross``, …)."""
        self._add(f"p.announce_type IN ({_in(list(types))})", list(types))

    def add_journal(self, name: str) -> None:
        """Papers of one journal (its name without case)."""
        self._add("p.journal = ? COLLATE NOCASE", [name])

    def add_changed_since(self, mark: str) -> None:
        """Papers new or changed after ``mark`` (a ``changed_at`` value; radar's "seen")."""
        self._add("p.changed_at > ?", [mark])

    def add_tags(self, names: Sequence[str]) -> None:
        """``--tag T`` (repeatable: any of them); tag names match without case."""
        self._add(*tag_condition(names), on_id=True)

    def add_saved(self) -> None:
        """``--saved``: papers in the library."""
        self._add(f"p.id IN ({_LIBRARY_IDS} WHERE l.saved_at IS NOT NULL)", [], on_id=True)

    def add_not_saved(self) -> None:
        """Papers not in the library (what recommend may offer)."""
        self._add(f"p.id NOT IN ({_LIBRARY_IDS} WHERE l.saved_at IS NOT NULL)", [], on_id=True)

    def add_unread(self) -> None:
        """``--unread``: papers not marked read."""
        self._add(f"p.id NOT IN ({_LIBRARY_IDS} WHERE l.read_at IS NOT NULL)", [], on_id=True)

    def add_not_dismissed(self) -> None:
        """Dismissed papers left out (shuffle, radar, recommend without ``--include-dismissed``)."""
        self._add(_NOT_DISMISSED, [], on_id=True)

    def add_any(self, parts: list[Selection]) -> None:
        """Papers matching any of ``parts`` (radar: any follow)."""
        self._add("(" + " OR ".join(f"({part.sql()})" for part in parts) + ")",
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


# the cache's ids of library papers (the library file, attached as ``lib``, is keyed by paper key)
_LIBRARY_IDS = "SELECT lp.id FROM lib.library l CROSS JOIN papers lp ON lp.key = l.key"
_DISMISSED_IDS = f"{_LIBRARY_IDS} WHERE l.dismissed_at IS NOT NULL"  # distinct: keys are unique on both sides
_NOT_DISMISSED = f"p.id NOT IN ({_DISMISSED_IDS})"


def _in(values: list[object]) -> str:
    return ",".join("?" * len(values))


def tag_condition(names: Sequence[str], column: str = "p.id") -> tuple[str, list[object]]:
    """Papers with any of the tags ``names`` (matched without case), over ``column``."""
    clean = [" ".join(n.split()) for n in names]
    return (f"{column} IN (SELECT lp.id FROM lib.paper_tags pt CROSS JOIN papers lp ON lp.key = pt.key"
            f" WHERE pt.tag_id IN (SELECT id FROM lib.tags WHERE name IN ({_in(list[object](clean))})))",
            list[object](clean))


def find_author_ids(conn: sqlite3.Connection, author: AuthorMatch) -> list[int]:
    """Row ids of the stored authors a name matches (see ``hubcli.queries.AuthorMatch``)."""
    if not author.surname:
        return []
    if author.given_initial:
        rows = conn.execute("SELECT id, folded FROM authors WHERE surname = ? AND given_initial = ?",
                            (author.surname, author.given_initial)).fetchall()
    else:
        rows = conn.execute("SELECT id, folded FROM authors WHERE surname = ?", (author.surname,)).fetchall()
    # ``folded`` is the stored name's key, given names then surname: no need to split it again
    return [int(aid) for aid, folded in rows if author.accepts(folded)]


def author_names_near(conn: sqlite3.Connection, surname: str, given_first: str = "") -> dict[str, str]:
    """Candidates of a "did you mean" hint, a bounded set: folded name -> display name of
    authors with this folded surname, one sharing its first three letters, or a surname
    equal to ``given_first`` (the name typed the other way round)."""
    prefix = surname[:3]
    rows = conn.execute("SELECT name, folded FROM authors WHERE surname = ? LIMIT 500", (surname,)).fetchall()
    rows += conn.execute(
        "SELECT name, folded FROM authors WHERE surname >= ? AND surname < ? LIMIT 2000",
        (prefix, prefix + "\uffff"),
    ).fetchall()
    if given_first:
        rows += conn.execute("SELECT name, folded FROM authors WHERE surname = ? LIMIT 500",
                             (given_first,)).fetchall()
    by_folded: dict[str, str] = {}
    for display, folded in rows:
        by_folded.setdefault(str(folded), str(display))
    return by_folded


def source_names(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every source's spec and label, as ``--source`` may name it."""
    return [(str(spec), str(label)) for spec, label in conn.execute("SELECT spec, label FROM sources ORDER BY id")]


def newest_published(conn: sqlite3.Connection) -> str | None:
    """The newest publication date in the cache (``YYYY-MM-DD``), None when it is empty."""
    row = conn.execute("SELECT max(published) FROM papers").fetchone()
    return str(row[0]) if row and row[0] else None


def _source_ids(conn: sqlite3.Connection, source: SourceMatch) -> list[int]:
    """Rows a --source value names: one of its specs, or its label (without case)."""
    rows = conn.execute(
        f"SELECT id FROM sources WHERE spec IN ({_in(list(source.specs))}) OR label = ? COLLATE NOCASE",
        (*source.specs, source.label),
    ).fetchall()
    return [int(r[0]) for r in rows]


def _add_authors(conn: sqlite3.Connection, sel: Selection, authors: Sequence[AuthorMatch]) -> None:
    ids: list[int] = []
    for author in authors:
        found = find_author_ids(conn, author)
        if not found:
            sel.unmatched_authors.append(author.name)
        ids.extend(found)
    if not ids:
        sel.impossible = True
    else:
        sel.add_authors(ids)


def build_selection(store: Store, query: Query) -> Selection:
    """The conditions of a resolved query over ``papers p``; names that match nobody are
    kept (``unmatched_authors``) and make the selection impossible when nothing is left."""
    conn = store.conn
    sel = Selection()
    if query.authors:
        _add_authors(conn, sel, query.authors)
    for keys in query.category_sets:
        sel.add_categories(keys)
    if query.sources:
        source_ids: list[int] = []
        for source in query.sources:
            found = _source_ids(conn, source)
            if not found:
                sel.unmatched_sources.append(source.label)
            source_ids += found
        if not source_ids:
            sel.impossible = True
        else:
            sel.add_sources(source_ids)
    if query.search:
        sel.add_search(query.search)
    if query.since:
        sel.add_published_since(query.since)
    if query.until:
        sel.add_published_until(query.until)
    if query.types:
        sel.add_types(query.types)
    if query.journal:
        sel.add_journal(query.journal)
    if query.unseen:
        sel.add_changed_since(store.get_state("radar_seen_at") or "")
    if query.tags:
        sel.add_tags(query.tags)
    if query.saved:
        sel.add_saved()
    if query.unread:
        sel.add_unread()
    return sel


def ids_newest_first(store: Store, sel: Selection, *, limit: int | None = None) -> list[int]:
    """Every matching paper's id (or the first ``limit``), newest first."""
    if sel.impossible:
        return []
    sql = f"SELECT p.id FROM papers p WHERE {sel.sql()} ORDER BY p.published DESC, p.id DESC"
    params = list(sel.params)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [int(r[0]) for r in store.conn.execute(sql, params)]


def candidate_ids(store: Store, query: Query, *, window_start: str, include_dismissed: bool,
                  mark: str | None = None) -> list[int]:
    """What recommend may offer, newest first: the query's papers, changed since ``mark``
    (None: the last radar; "" or no radar yet: published since ``window_start``) unless
    the query bounds dates itself, never saved ones, and dismissed ones only when asked."""
    sel = build_selection(store, query)
    if not (query.since or query.until or query.unseen):
        mark = store.get_state("radar_seen_at") if mark is None else mark
        if mark:
            sel.add_changed_since(mark)
        else:
            sel.add_published_since(window_start)
    if not include_dismissed:
        sel.add_not_dismissed()
    sel.add_not_saved()
    return ids_newest_first(store, sel)


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
    elif [c.sql for c in sel.clauses] == [_NOT_DISMISSED]:  # every paper but the dismissed (shuffle)
        row = store.conn.execute(  # two counts instead of a probe per paper (1M papers: ~50 ms)
            f"SELECT (SELECT count(*) FROM papers) - (SELECT count(*) FROM ({_DISMISSED_IDS}))").fetchone()
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
                f" ORDER BY bm25(papers_fts, {FTS_WEIGHTS}), p.published DESC, p.id DESC LIMIT ? OFFSET ?",
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
    score = f"bm25(papers_fts, {FTS_WEIGHTS})"
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


def sample(store: Store, sel: Selection, selection_key: str, *, n: int, seed: int | None = None,
           record: bool = True) -> Batch:
    """A random batch.  Without a seed, each call avoids papers earlier calls showed for the
    same selection until all were shown, then starts over; with a seed, the batch is a pure
    function of the seed and the data (history is neither read nor written).  ``record``
    false draws the same way but writes nothing (the page's GET; its batch is recorded
    afterwards by :func:`remember_shown`)."""
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
    left = unseen - len(ids)
    if len(ids) < n and len(ids) < total:  # every paper shown: a new round (the rest drawn from all)
        restarted = True
        ids += draw(n - len(ids), False, set(ids))
        left = total - len(ids)
    if record:
        remember_shown(store, selection_key, ids)
    return Batch(load_papers(conn, ids), total, left, restarted)


def remember_shown(store: Store, selection_key: str, ids: list[int]) -> int:
    """Record a batch as shown for a selection (``shuffle_seen``); a batch holding a paper
    already recorded starts a new round (that selection's memory cleared first).  Ids that
    name no stored paper are left out; how many were recorded."""
    known = [int(r[0]) for r in store.conn.execute(
        f"SELECT id FROM papers WHERE id IN ({_in(list[object](ids))})", ids)] if ids else []
    if not known:
        return 0
    with store.transaction() as wconn:
        again = wconn.execute(
            f"SELECT count(*) FROM shuffle_seen WHERE selection = ? AND paper_id IN ({_in(list[object](known))})",
            [selection_key, *known]).fetchone()[0]
        if again:
            wconn.execute("DELETE FROM shuffle_seen WHERE selection = ?", (selection_key,))
        wconn.executemany("INSERT OR IGNORE INTO shuffle_seen(selection, paper_id) VALUES (?, ?)",
                          [(selection_key, i) for i in known])
    return len(known)
