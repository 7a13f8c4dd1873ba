"""Writes: subscriptions, feed state, and paper upserts under one identity per paper.

Identity rules: the key (``arxiv:ID`` without version, ``doi:…``, ``url:…``) is unique.
A newer version replaces title, abstract, authors and announce type in place; an older or
equal one only fills gaps.  Every source that listed a paper is remembered.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from hubcli.authors import match_columns
from hubcli.categories import category_key, category_keys
from hubcli.models import Paper
from hubcli.store.db import Store, now_iso
from hubcli.store.papers import encode_list, insert_sql, paper_values
from hubcli.sync_models import Source
from hubcli.text import clean_text, strip_controls


@dataclass
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


# --- sources ---------------------------------------------------------------------------

def ensure_default_sources(store: Store, sources: list[Source]) -> None:
    """Subscribe the defaults once, on first use (removing them later sticks)."""
    if store.get_state("defaults_seeded"):
        return
    with store.transaction():
        if store.get_state("defaults_seeded"):
            return
        for source in sources:
            _insert_source(store.conn, source, subscribed=True, custom_label=False)
        store.set_state("defaults_seeded", now_iso())


def _clean_label(source: Source) -> Source:
    """Labels come from users, OPML files and feed titles: stored as one clean line."""
    label = clean_text(source.label) or strip_controls(source.spec)
    return source if label == source.label else replace(source, label=label)


def _insert_source(conn: sqlite3.Connection, source: Source, *, subscribed: bool, custom_label: bool) -> int:
    source = _clean_label(source)
    row = conn.execute("SELECT id FROM sources WHERE spec = ?", (source.spec,)).fetchone()
    if row:
        return int(row[0])
    cur = conn.execute(
        "INSERT INTO sources(spec, kind, label, label_custom, url, subscribed, added_at) VALUES (?,?,?,?,?,?,?)",
        (source.spec, source.kind, source.label, int(custom_label), source.url, int(subscribed), now_iso()),
    )
    return int(cur.lastrowid or 0)


def subscribe(store: Store, source: Source, *, custom_label: bool, folder: str | None = None) -> bool:
    """Subscribe; False when already subscribed.  Re-subscribing revives an old row.
    ``folder`` (when given) files the subscription there."""
    with store.transaction() as conn:
        added = _subscribe(conn, source, custom_label=custom_label, folder=folder)
        store.set_state("defaults_seeded", store.get_state("defaults_seeded") or now_iso())
    return added


def _subscribe(conn: sqlite3.Connection, source: Source, *, custom_label: bool, folder: str | None) -> bool:
    source = _clean_label(source)
    folder = clean_text(folder) or None if folder is not None else None
    row = conn.execute("SELECT id, subscribed FROM sources WHERE spec = ?", (source.spec,)).fetchone()
    if row and row[1]:
        if custom_label:
            conn.execute("UPDATE sources SET label = ?, label_custom = 1 WHERE id = ?", (source.label, row[0]))
        if folder:
            conn.execute("UPDATE sources SET folder = ? WHERE id = ?", (folder, row[0]))
        return False
    if row:
        conn.execute(
            "UPDATE sources SET subscribed = 1, url = ?, label = CASE WHEN ? THEN ? ELSE label END,"
            " label_custom = max(label_custom, ?), folder = coalesce(?, folder) WHERE id = ?",
            (source.url, int(custom_label), source.label, int(custom_label), folder, row[0]),
        )
    else:
        sid = _insert_source(conn, source, subscribed=True, custom_label=custom_label)
        if folder:
            conn.execute("UPDATE sources SET folder = ? WHERE id = ?", (folder, sid))
    return True


@dataclass(frozen=True)
class Subscribing:
    """One feed of an OPML file: the source, whether its label is the user's, its folder."""

    source: Source
    custom_label: bool
    folder: str | None


def import_subscriptions(store: Store, feeds: list[Subscribing]) -> int:
    """Subscribe to every feed of an imported file in one transaction; the number added.

    On a machine where the defaults were never seeded, the file is the whole radar: the
    defaults are marked seeded without being added."""
    with store.transaction() as conn:
        added = sum(_subscribe(conn, f.source, custom_label=f.custom_label, folder=f.folder) for f in feeds)
        if feeds:
            store.set_state("defaults_seeded", store.get_state("defaults_seeded") or now_iso())
    return added


def unsubscribe(store: Store, spec: str) -> str | None:
    """Unsubscribe; returns the label, or None when not subscribed.  Papers stay."""
    with store.transaction() as conn:
        row = conn.execute("SELECT id, label FROM sources WHERE spec = ? AND subscribed = 1", (spec,)).fetchone()
        if not row:
            return None
        conn.execute("UPDATE sources SET subscribed = 0, etag = NULL, last_modified = NULL WHERE id = ?", (row[0],))
        store.set_state("defaults_seeded", store.get_state("defaults_seeded") or now_iso())
        return str(row[1])


def source_id(conn: sqlite3.Connection, source: Source) -> int:
    """The row id for any source, creating an unsubscribed row for ad-hoc ones."""
    return _insert_source(conn, source, subscribed=False, custom_label=False)


def record_fetch(store: Store, spec: str, *, status: str, error: str | None = None, etag: str | None = None,
                 last_modified: str | None = None, feed_title: str | None = None,
                 keep_validators: bool = False) -> None:
    with store.transaction() as conn:
        _record_fetch(conn, spec, status=status, error=error, etag=etag, last_modified=last_modified,
                      feed_title=feed_title, keep_validators=keep_validators)


def _record_fetch(conn: sqlite3.Connection, spec: str, *, status: str, error: str | None, etag: str | None,
                  last_modified: str | None, feed_title: str | None, keep_validators: bool) -> None:
    if error:  # reasons can quote a server (a bad status line): one line, no controls
        error = " ".join(strip_controls(error).split())[:500]
    if keep_validators:
        conn.execute(
            "UPDATE sources SET last_sync_at = ?, last_status = ?, last_error = ? WHERE spec = ?",
            (now_iso(), status, error, spec),
        )
        return
    conn.execute(
        "UPDATE sources SET last_sync_at = ?, last_status = ?, last_error = ?, etag = ?, last_modified = ?,"
        " feed_title = coalesce(?, feed_title),"
        " label = CASE WHEN label_custom = 0 AND kind IN ('url', 'file') AND ? IS NOT NULL THEN ? ELSE label END"
        " WHERE spec = ?",
        (now_iso(), status, error, etag, last_modified, feed_title, feed_title, feed_title, spec),
    )


# --- papers ---------------------------------------------------------------------------

def encode_authors(authors: list[str]) -> str:
    return encode_list(authors)


def encode_categories(categories: list[str]) -> str:
    return encode_list(categories)


def decode_categories(stored: str | None) -> list[str]:
    return list(json.loads(stored)) if stored else []


@dataclass(frozen=True)
class StoredRow:
    """A stored paper as the merge sees it: its columns in storage encoding (``authors`` and
    ``categories`` as JSON text), so a comparison is with exactly what is stored."""

    id: int
    version: int | None
    title: str
    abstract: str
    authors: str
    published: str | None
    updated: str | None
    announce_type: str | None
    categories: str
    primary_category: str | None
    doi: str | None
    journal: str | None
    url: str | None
    pdf_url: str | None
    arxiv_id: str | None
    key: str

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> StoredRow:
        """From a row of :data:`SELECT_STORED`."""
        return cls(*row)

    def value(self, column: str) -> object:
        return getattr(self, column, None)

    @property
    def category_list(self) -> list[str]:
        return decode_categories(self.categories)


# the columns of a stored paper that the merge reads: its fields (the row id and every
# column of PAPER_COLUMNS), in their order
STORED_COLUMNS = tuple(f.name for f in fields(StoredRow))
SELECT_STORED = "SELECT " + ", ".join(STORED_COLUMNS) + " FROM papers"


# --- the merge rules: a stored paper and the same paper listed again --------------------

def is_newer(stored: int | None, incoming: int | None) -> bool:
    """A newer arXiv version (any version beats an unknown stored one)."""
    return incoming is not None and (stored is None or incoming > stored)


def is_same_or_unknown(stored: int | None, incoming: int | None) -> bool:
    return incoming is None or incoming == stored


def newer_version_replaces(stored: StoredRow, paper: Paper) -> dict[str, object]:
    """A newer version replaces version, announce type, title, abstract, authors, a later
    ``updated`` date and the PDF link (each only when the newer listing has it)."""
    changes: dict[str, object] = {"version": paper.version,
                                  "announce_type": paper.announce_type or stored.announce_type}
    if paper.title:
        changes["title"] = paper.title
    if paper.abstract:
        changes["abstract"] = paper.abstract
    if paper.authors:
        changes["authors"] = encode_authors(paper.authors)
    if paper.updated and (not stored.updated or paper.updated > stored.updated):
        changes["updated"] = paper.updated
    if paper.pdf_url:
        changes["pdf_url"] = paper.pdf_url
    return changes


def same_version_fills(stored: StoredRow, paper: Paper) -> dict[str, object]:
    """The same version (or one of unknown version) fills a missing abstract or author list,
    and its own listing's announce type replaces a cross-list's."""
    changes: dict[str, object] = {}
    if not stored.abstract and paper.abstract:
        changes["abstract"] = paper.abstract
    if stored.authors == "[]" and paper.authors:
        changes["authors"] = encode_authors(paper.authors)
    if paper.announce_type and (not stored.announce_type or own_listing(stored.announce_type, paper.announce_type)):
        changes["announce_type"] = paper.announce_type
    return changes


def gaps_filled(stored: StoredRow, paper: Paper) -> dict[str, object]:
    """Any listing, even of an older version, fills a missing DOI, journal, link or arXiv id."""
    changes: dict[str, object] = {}
    for column in ("doi", "journal", "url", "arxiv_id"):
        incoming = getattr(paper, column)
        if incoming and not stored.value(column):
            changes[column] = incoming
    return changes


def merged_categories(stored: list[str], incoming: list[str], *, newer: bool) -> list[str]:
    """A newer version's categories come first (in its order); every category either
    listing had is kept, one per match key ("Editorials" then "EDITORIALS" is one)."""
    merged = list(incoming) if newer and incoming else list(stored)
    keys = set(category_keys(merged))
    for category in incoming:
        if category_key(category) not in keys:
            merged.append(category)
            keys.add(category_key(category))
    return merged


def primary_category_update(stored: str | None, incoming: str | None, *, newer: bool) -> str | None:
    """The new primary category, or None to keep the stored one: a newer version's wins,
    any listing's fills a gap."""
    if incoming and (newer or not stored) and incoming != stored:
        return incoming
    return None


def earliest_date(stored: str | None, incoming: str | None) -> str | None:
    """The earliest publication date either listing gives (the API knows v1's date); of
    the same date known to the year or month and to the day, the precise one."""
    if incoming and stored and (incoming.startswith(stored) or stored.startswith(incoming)):
        return incoming if len(incoming) > len(stored) else stored
    if incoming and (not stored or incoming < stored):
        return incoming
    return stored


@dataclass
class Merge:
    """What merging a listing into a stored paper changes (columns in storage encoding)."""

    changes: dict[str, object]
    categories: list[str]
    published: str | None
    substantive: bool  # False: only bookkeeping (an earlier date, the own listing's type)


def plan_merge(stored: StoredRow, paper: Paper) -> Merge:
    """The merge rules applied to one stored paper; nothing is written."""
    newer = is_newer(stored.version, paper.version)
    same_or_unknown = is_same_or_unknown(stored.version, paper.version)
    changes: dict[str, object] = {}
    if newer:
        changes.update(newer_version_replaces(stored, paper))
    elif same_or_unknown:
        changes.update(same_version_fills(stored, paper))
    changes.update(gaps_filled(stored, paper))
    categories = merged_categories(stored.category_list, paper.categories, newer=newer)
    if categories != stored.category_list:
        changes["categories"] = encode_categories(categories)
    primary = primary_category_update(stored.primary_category, paper.primary_category, newer=newer)
    if primary is not None:
        changes["primary_category"] = primary
    published = earliest_date(stored.published, paper.published)
    if published != stored.published:
        changes["published"] = published
    changes = {k: v for k, v in changes.items() if stored.value(k) != v}
    # an earlier date alone (the API knows v1's date), or the same version's own listing
    # after a cross-list ("cross" -> "new"), is bookkeeping, not an update
    bookkeeping = {"published"} | ({"announce_type"} if same_or_unknown and stored.announce_type else set())
    return Merge(changes, categories, published, bool(changes) and not set(changes) <= bookkeeping)


class PaperWriter:
    """Upserts papers inside the caller's transaction, caching author ids."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._author_ids: dict[str, int] = {}
        self.now = now_iso()

    def author_id(self, name: str) -> int:
        cached = self._author_ids.get(name)
        if cached is not None:
            return cached
        row = self.conn.execute("SELECT id FROM authors WHERE name = ?", (name,)).fetchone()
        if row:
            aid = int(row[0])
        else:
            cur = self.conn.execute(
                "INSERT INTO authors(name, folded, surname, given_initial) VALUES (?,?,?,?)",
                (name, *match_columns(name)),
            )
            aid = int(cur.lastrowid or 0)
        self._author_ids[name] = aid
        return aid

    def _set_authors(self, paper_id: int, authors: list[str], published: str | None) -> None:
        self.conn.execute("DELETE FROM paper_authors WHERE paper_id = ?", (paper_id,))
        seen: set[str] = set()
        rows = []
        for position, name in enumerate(authors):
            if name in seen:
                continue
            seen.add(name)
            rows.append((paper_id, position, self.author_id(name), published))
        self.conn.executemany(
            "INSERT INTO paper_authors(paper_id, position, author_id, published) VALUES (?,?,?,?)", rows
        )

    def _set_categories(self, paper_id: int, categories: list[str], published: str | None) -> None:
        """The link rows of a paper's categories: one per match key (hubcli.categories)."""
        self.conn.execute("DELETE FROM paper_categories WHERE paper_id = ?", (paper_id,))
        self.conn.executemany(
            "INSERT INTO paper_categories(paper_id, category, published) VALUES (?,?,?)",
            [(paper_id, key, published) for key in category_keys(categories)],
        )

    def upsert(self, paper: Paper, source_id: int | None, counts: UpsertCounts) -> int:
        paper.authors = [a for a in (clean_text(n) for n in paper.authors) if a]
        row = self.conn.execute(SELECT_STORED + " WHERE key = ?", (paper.key,)).fetchone()
        if row is None:
            paper_id = self._insert(paper)
            counts.new += 1
        else:
            stored = StoredRow.from_row(row)
            paper_id = stored.id
            if self.merge(stored, paper):
                counts.updated += 1
            else:
                counts.unchanged += 1
        if source_id is not None:
            self.conn.execute(
                "INSERT OR IGNORE INTO paper_sources(paper_id, source_id, first_seen) VALUES (?,?,?)",
                (paper_id, source_id, self.now),
            )
        return paper_id

    def _insert(self, paper: Paper) -> int:
        cur = self.conn.execute(insert_sql(), (*paper_values(paper), self.now, self.now))
        paper_id = int(cur.lastrowid or 0)
        self._set_authors(paper_id, paper.authors, paper.published)
        self._set_categories(paper_id, paper.categories, paper.published)
        return paper_id

    def merge(self, stored: StoredRow, paper: Paper) -> bool:
        """Merge a listing into its stored paper (see :func:`plan_merge`); True when the
        paper changed in substance (it counts as updated)."""
        plan = plan_merge(stored, paper)
        changes = dict(plan.changes)
        if not changes:
            return False
        if plan.substantive:
            changes["changed_at"] = self.now
        assignments = ", ".join(f"{column} = ?" for column in changes)
        self.conn.execute(f"UPDATE papers SET {assignments} WHERE id = ?", (*changes.values(), stored.id))
        if "authors" in changes:
            self._set_authors(stored.id, json.loads(str(changes["authors"])), plan.published)
        elif "published" in changes:
            self.conn.execute("UPDATE paper_authors SET published = ? WHERE paper_id = ?", (plan.published, stored.id))
        if "categories" in changes or "published" in changes:
            self._set_categories(stored.id, plan.categories, plan.published)
        return plan.substantive


def own_listing(stored: str, incoming: str) -> bool:
    """Whether ``incoming`` is the paper's own listing of a version first seen as a cross-list
    (``cross`` -> ``new``, ``replace-cross`` -> ``replace``), so the stored type does not
    depend on which feed a sync happened to store first."""
    return stored.endswith("cross") and not incoming.endswith("cross")


def store_papers(store: Store, source: Source | None, papers: list[Paper], *,
                 fetch_state: dict[str, Any] | None = None) -> UpsertCounts:
    """All of one source's papers (and its new feed state) in one transaction."""
    counts = UpsertCounts()
    with store.transaction() as conn:
        sid = source_id(conn, source) if source else None
        writer = PaperWriter(conn)
        for paper in papers:
            writer.upsert(paper, sid, counts)
        if source and fetch_state is not None:
            _record_fetch(conn, source.spec, keep_validators=False, **fetch_state)
    return counts
