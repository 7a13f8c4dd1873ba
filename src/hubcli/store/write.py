"""Writes: subscriptions, feed state, and paper upserts under one identity per paper.

Identity rules: the key (``arxiv:ID`` without version, ``doi:…``, ``url:…``) is unique.
A newer version replaces title, abstract, authors and announce type in place; an older or
equal one only fills gaps.  Every source that listed a paper is remembered.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from hubcli.authors import match_columns
from hubcli.categories import category_key, category_keys
from hubcli.models import Paper, Source
from hubcli.store.db import Store, now_iso
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


# --- papers ----------------------------------------------------------------------------

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
        row = self.conn.execute(
            "SELECT id, version, title, abstract, authors, published, updated, announce_type, categories,"
            " primary_category, doi, journal, url, pdf_url, arxiv_id FROM papers WHERE key = ?",
            (paper.key,),
        ).fetchone()
        if row is None:
            paper_id = self._insert(paper)
            counts.new += 1
        else:
            paper_id = int(row[0])
            if self._merge(paper_id, row, paper):
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
        cur = self.conn.execute(
            "INSERT INTO papers(key, arxiv_id, version, doi, title, abstract, authors, published, updated,"
            " announce_type, categories, primary_category, url, pdf_url, journal, first_seen, changed_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                paper.key, paper.arxiv_id, paper.version, paper.doi, paper.title, paper.abstract,
                json.dumps(paper.authors, ensure_ascii=False), paper.published, paper.updated or paper.published,
                paper.announce_type, json.dumps(paper.categories, ensure_ascii=False), paper.primary_category,
                paper.url, paper.pdf_url, paper.journal, self.now, self.now,
            ),
        )
        paper_id = int(cur.lastrowid or 0)
        self._set_authors(paper_id, paper.authors, paper.published)
        self._set_categories(paper_id, paper.categories, paper.published)
        return paper_id

    def _merge(self, paper_id: int, row: tuple, paper: Paper) -> bool:  # type: ignore[type-arg]
        (_id, version, title, abstract, authors_json, published, updated, announce, cats, primary, doi,
         journal, url, pdf_url, arxiv_id) = row
        stored_cats: list[str] = json.loads(cats) if cats else []
        newer = paper.version is not None and (version is None or paper.version > version)
        same_or_unknown = paper.version is None or paper.version == version
        changes: dict[str, object] = {}
        if newer:
            changes.update(version=paper.version, announce_type=paper.announce_type or announce)
            if paper.title:
                changes["title"] = paper.title
            if paper.abstract:
                changes["abstract"] = paper.abstract
            if paper.authors:
                changes["authors"] = json.dumps(paper.authors, ensure_ascii=False)
            if paper.updated and (not updated or paper.updated > updated):
                changes["updated"] = paper.updated
            if paper.pdf_url:
                changes["pdf_url"] = paper.pdf_url
        elif same_or_unknown:
            if not abstract and paper.abstract:
                changes["abstract"] = paper.abstract
            if authors_json == "[]" and paper.authors:
                changes["authors"] = json.dumps(paper.authors, ensure_ascii=False)
            if paper.announce_type and (not announce or _own_listing(announce, paper.announce_type)):
                changes["announce_type"] = paper.announce_type
        if paper.doi and not doi:
            changes["doi"] = paper.doi
        if paper.journal and not journal:
            changes["journal"] = paper.journal
        if paper.url and not url:
            changes["url"] = paper.url
        if paper.arxiv_id and not arxiv_id:
            changes["arxiv_id"] = paper.arxiv_id
        merged_cats = list(paper.categories) if newer and paper.categories else list(stored_cats)
        merged_keys = set(category_keys(merged_cats))
        for cat in paper.categories:  # one per match key: "Editorials" then "EDITORIALS" is one
            if category_key(cat) not in merged_keys:
                merged_cats.append(cat)
                merged_keys.add(category_key(cat))
        if merged_cats != stored_cats:
            changes["categories"] = json.dumps(merged_cats, ensure_ascii=False)
        if paper.primary_category and (newer or not primary) and paper.primary_category != primary:
            changes["primary_category"] = paper.primary_category
        new_published = published
        if paper.published and (not published or paper.published < published):
            new_published = changes["published"] = paper.published
        changes = {k: v for k, v in changes.items() if row_value(row, k) != v}
        if not changes:
            return False
        # an earlier date alone (the API knows v1's date), or the same version's own listing
        # after a cross-list ("cross" -> "new"), is bookkeeping, not an update
        bookkeeping = {"published"} | ({"announce_type"} if same_or_unknown and announce else set())
        substantive = not set(changes) <= bookkeeping
        if substantive:
            changes["changed_at"] = self.now
        assignments = ", ".join(f"{column} = ?" for column in changes)
        self.conn.execute(f"UPDATE papers SET {assignments} WHERE id = ?", (*changes.values(), paper_id))
        if "authors" in changes:
            self._set_authors(paper_id, json.loads(str(changes["authors"])), new_published)
        elif "published" in changes:
            self.conn.execute("UPDATE paper_authors SET published = ? WHERE paper_id = ?", (new_published, paper_id))
        if "categories" in changes or "published" in changes:
            self._set_categories(paper_id, merged_cats, new_published)
        return substantive


def _own_listing(stored: str, incoming: str) -> bool:
    """Whether ``incoming`` is the paper's own listing of a version first seen as a cross-list
    (``cross`` -> ``new``, ``replace-cross`` -> ``replace``), so the stored type does not
    depend on which feed a sync happened to store first."""
    return stored.endswith("cross") and not incoming.endswith("cross")


_ROW_COLUMNS = ("id", "version", "title", "abstract", "authors", "published", "updated", "announce_type",
                "categories", "primary_category", "doi", "journal", "url", "pdf_url", "arxiv_id")


def row_value(row: tuple, column: str) -> object:  # type: ignore[type-arg]
    return row[_ROW_COLUMNS.index(column)] if column in _ROW_COLUMNS else None


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
