"""The user's library: saved (with tags), note, read, dismissed — per paper, kept forever.

State lives in the library file (``hubcli.store.library_file``, attached as ``lib``):
``lib.library`` (one row per paper with any state, keyed by the paper's stable key, with
a copy of the paper's metadata) and ``lib.tags`` / ``lib.paper_tags``.  A rebuilt cache
finds the state again by key.  A row whose state is all cleared is deleted, so "every
paper with state" is exactly the rows of ``lib.library``.

Rules where the issue is silent: tagging a paper saves it; unsaving removes its tags
(tags are named parts of the saved set) but keeps its note and read mark; save and
dismiss exclude each other (saving undismisses, dismissing unsaves).

Functions take paper row ids (``Paper.rowid``) of the cache and turn them into keys (a
card number the user typed names a paper through ``hubcli.store.cards``).  Every
write is one transaction.  The library's filters (``--saved``, ``--tag``, ``--unread``,
dismissed papers left out) are conditions of :class:`hubcli.store.query.Selection`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hubcli.errors import NotFoundError, UsageError
from hubcli.models import LibraryState, Page, Paper
from hubcli.store.db import Store, now_iso
from hubcli.store.library_file import PAPER_COPY, mark_changed
from hubcli.store.papers import load_papers, state_for
from hubcli.store.query import tag_condition
from hubcli.sync_models import Source
from hubcli.text import strip_controls

if TYPE_CHECKING:
    from hubcli.store.query import Selection

# papers kept by the library alone (imported entries matching nothing, copies put back
# into a new cache) are listed by this source
LIBRARY_SOURCE = Source("library:", "library", "Library", "")

__all__ = ["LIBRARY_SOURCE", "MIN_SAVED", "PaperState", "TagCount", "clear_note", "dismiss", "dismissed_ids",
           "export_records", "library_papers", "library_size", "mark_read", "mark_unread",
           "relink_papers", "restore_record", "save", "save_in", "saved_ids", "saved_page",
           "set_bib", "set_note", "state_for", "tag", "tags", "undismiss", "unsave", "untag"]

MAX_TAG = 100
MAX_NOTE = 100_000
# saved papers a library needs before it ranks anything (fewer: follows and topics instead)
MIN_SAVED = 3


PaperState = LibraryState  # the state of one paper (hubcli.models)


@dataclass(frozen=True)
class TagCount:
    name: str
    papers: int


# --- ids ---------------------------------------------------------------------------------

# --- writes ------------------------------------------------------------------------------

def _clean_tag(tag: str) -> str:
    name = " ".join(strip_controls(tag).split())  # the user's words: no HTML decoding or stripping
    if not name:
        raise UsageError("library_bad_tag", tag=tag)
    return name[:MAX_TAG]


def _keys(conn: sqlite3.Connection, paper_ids: Sequence[int]) -> list[str]:
    """The stable keys of papers given by row id, in the order given (NotFoundError for an
    unknown id)."""
    found = dict(conn.execute("SELECT id, key FROM papers WHERE id IN (SELECT value FROM json_each(?))",
                              (json.dumps([int(i) for i in paper_ids]),)).fetchall())
    missing = [pid for pid in paper_ids if pid not in found]
    if missing:
        raise NotFoundError("library_unknown_id", id=str(missing[0]))
    return [str(found[pid]) for pid in paper_ids]


_COPY = ", ".join(PAPER_COPY)
_COPY_SET = ", ".join(f"{c} = excluded.{c}" for c in PAPER_COPY)


def _ensure_rows(conn: sqlite3.Connection, paper_ids: Sequence[int], now: str) -> list[str]:
    """A library row for each paper (its metadata copy refreshed from the cache); their
    keys, in the order given.  New rows are made in row-id order, so papers saved together
    list the one stored last first, as before."""
    keys = _keys(conn, paper_ids)
    for pid in sorted(set(paper_ids)):
        conn.execute(
            f"INSERT INTO library(key, changed_at, {_COPY}) SELECT key, ?, {_COPY} FROM papers WHERE id = ?"
            f" ON CONFLICT(key) DO UPDATE SET {_COPY_SET}", (now, pid))
    mark_changed(conn)
    return keys


def _prune(conn: sqlite3.Connection, keys: Sequence[str]) -> None:
    """Delete rows left without any state (and tags of papers no longer saved)."""
    given = json.dumps(list(keys))
    conn.execute("DELETE FROM lib.paper_tags WHERE key IN (SELECT value FROM json_each(?)) AND key NOT IN"
                 " (SELECT key FROM lib.library WHERE saved_at IS NOT NULL)", (given,))
    conn.execute("DELETE FROM lib.library WHERE key IN (SELECT value FROM json_each(?)) AND saved_at IS NULL"
                 " AND note IS NULL AND read_at IS NULL AND dismissed_at IS NULL", (given,))
    conn.execute("DELETE FROM lib.tags WHERE id NOT IN (SELECT tag_id FROM lib.paper_tags)")
    mark_changed(conn)


def _tag_id(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM lib.tags WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    return int(conn.execute("INSERT INTO lib.tags(name) VALUES (?)", (name,)).lastrowid or 0)


def save_in(conn: sqlite3.Connection, paper_ids: Sequence[int], tags: Sequence[str], now: str,
          saved_at: str | None = None) -> int:
    """Save (keeping an earlier ``saved_at``), undismiss, add tags; the number newly saved."""
    keys = _ensure_rows(conn, paper_ids, now)
    newly = 0
    for key in keys:
        cur = conn.execute("UPDATE lib.library SET saved_at = ?, changed_at = ? WHERE key = ? AND saved_at IS NULL",
                           (saved_at or now, now, key))
        newly += cur.rowcount
        conn.execute("UPDATE lib.library SET dismissed_at = NULL WHERE key = ?", (key,))
    for name in dict.fromkeys(_clean_tag(t) for t in tags):
        tid = _tag_id(conn, name)
        conn.executemany("INSERT OR IGNORE INTO lib.paper_tags(tag_id, key) VALUES (?, ?)", [(tid, k) for k in keys])
    return newly


def save(store: Store, paper_ids: Sequence[int], tags: Sequence[str] = ()) -> int:
    """Save papers (with tags); an already saved paper keeps its date and gains the tags.
    Returns how many were not saved before."""
    with store.transaction() as conn:
        return save_in(conn, paper_ids, tags, now_iso())


def unsave(store: Store, paper_ids: Sequence[int]) -> int:
    """Remove from the library (and from every tag); note and read mark stay.  Returns how
    many were saved."""
    if not paper_ids:
        return 0
    with store.transaction() as conn:
        now = now_iso()
        keys = _keys(conn, paper_ids)
        changed = sum(conn.execute("UPDATE lib.library SET saved_at = NULL, changed_at = ? WHERE key = ?"
                                   " AND saved_at IS NOT NULL", (now, key)).rowcount for key in keys)
        _prune(conn, keys)
        return changed


def tag(store: Store, paper_ids: Sequence[int], tags: Sequence[str]) -> None:
    """Add tags (saving the papers that were not saved)."""
    if not tags:
        raise UsageError("library_bad_tag", tag="")
    with store.transaction() as conn:
        save_in(conn, paper_ids, tags, now_iso())


def untag(store: Store, paper_ids: Sequence[int], tags: Sequence[str]) -> int:
    """Remove tags from papers (they stay saved); returns the number of links removed."""
    if not paper_ids or not tags:
        return 0
    with store.transaction() as conn:
        removed = 0
        given = json.dumps(_keys(conn, paper_ids))
        for name in tags:
            row = conn.execute("SELECT id FROM lib.tags WHERE name = ?", (" ".join(name.split()),)).fetchone()
            if row:
                removed += conn.execute("DELETE FROM lib.paper_tags WHERE tag_id = ? AND key IN"
                                        " (SELECT value FROM json_each(?))", (row[0], given)).rowcount
        conn.execute("DELETE FROM lib.tags WHERE id NOT IN (SELECT tag_id FROM lib.paper_tags)")
        mark_changed(conn)
        return removed


def tags(store: Store) -> list[TagCount]:
    """Every tag with its number of papers, most used first, then by name."""
    rows = store.conn.execute(
        "SELECT t.name, count(pt.key) AS n FROM lib.tags t JOIN lib.paper_tags pt ON pt.tag_id = t.id"
        " GROUP BY t.id ORDER BY n DESC, t.name COLLATE NOCASE"
    ).fetchall()
    return [TagCount(str(name), int(n)) for name, n in rows]


def set_note(store: Store, paper_id: int, text: str | None) -> None:
    """Set (or with None or blank text, clear) a paper's note.  Notes are kept as written,
    without control characters other than newlines and tabs."""
    note = _clean_note(text)
    with store.transaction() as conn:
        now = now_iso()
        keys = _ensure_rows(conn, [paper_id], now)
        conn.execute("UPDATE lib.library SET note = ?, changed_at = ? WHERE key = ?", (note, now, keys[0]))
        _prune(conn, keys)


def clear_note(store: Store, paper_id: int) -> None:
    set_note(store, paper_id, None)


def _clean_note(text: str | None) -> str | None:
    if text is None:
        return None
    lines = [strip_controls(line).rstrip() for line in text.replace("\r\n", "\n").split("\n")]  # tabs kept
    note = "\n".join(lines).strip("\n")
    return note[:MAX_NOTE] if note.strip() else None


def _set_flag(store: Store, column: str, paper_ids: Sequence[int], on: bool) -> int:
    if not paper_ids:
        return 0
    with store.transaction() as conn:
        now = now_iso()
        changed = 0
        keys = _ensure_rows(conn, paper_ids, now) if on else _keys(conn, paper_ids)
        for key in keys:
            if on:
                changed += conn.execute(f"UPDATE lib.library SET {column} = ?, changed_at = ? WHERE key = ?"
                                        f" AND {column} IS NULL", (now, now, key)).rowcount
                if column == "dismissed_at":  # "not interested" leaves the library
                    conn.execute("UPDATE lib.library SET saved_at = NULL WHERE key = ?", (key,))
            else:
                changed += conn.execute(f"UPDATE lib.library SET {column} = NULL, changed_at = ? WHERE key = ?"
                                        f" AND {column} IS NOT NULL", (now, key)).rowcount
        _prune(conn, keys)
        return changed


def mark_read(store: Store, paper_ids: Sequence[int]) -> int:
    return _set_flag(store, "read_at", paper_ids, True)


def mark_unread(store: Store, paper_ids: Sequence[int]) -> int:
    return _set_flag(store, "read_at", paper_ids, False)


def dismiss(store: Store, paper_ids: Sequence[int]) -> int:
    """"Not interested": hidden from shuffle, radar and recommendations; unsaves."""
    return _set_flag(store, "dismissed_at", paper_ids, True)


def undismiss(store: Store, paper_ids: Sequence[int]) -> int:
    return _set_flag(store, "dismissed_at", paper_ids, False)


# --- reads -------------------------------------------------------------------------------

def saved_ids(store: Store, tag: str | Sequence[str] | None = None, *, limit: int | None = None) -> list[int]:
    """Row ids of saved papers, newest saved first (with ``tag``: papers with any of them)."""
    names = [tag] if isinstance(tag, str) else list(tag or [])
    sql = "SELECT p.id FROM lib.library l CROSS JOIN papers p ON p.key = l.key WHERE l.saved_at IS NOT NULL"
    params: list[object] = []
    if names:
        cond, params = tag_condition(names, column="p.id")
        sql += " AND " + cond
    sql += " ORDER BY l.saved_at DESC, l.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [int(r[0]) for r in store.conn.execute(sql, params)]


def library_size(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM lib.library WHERE saved_at IS NOT NULL").fetchone()[0])


def dismissed_ids(store: Store) -> list[int]:
    return [int(r[0]) for r in store.conn.execute(
        "SELECT p.id FROM lib.library l CROSS JOIN papers p ON p.key = l.key WHERE l.dismissed_at IS NOT NULL")]


# --- export and restore (hub's own json) ---------------------------------------------------

EXPORT_FIELDS = ("saved", "saved_at", "tags", "note", "read", "read_at", "dismissed", "dismissed_at", "origins")


def export_records(store: Store) -> list[dict[str, Any]]:
    """Every paper with any library state, as the paper object of ``--format json`` plus its
    state (``saved``, ``saved_at``, ``tags``, ``note``, ``read``, ``read_at``, ``dismissed``,
    ``dismissed_at``) and ``origins`` (the sources that listed it: spec, kind, label, url,
    first_seen), newest saved first, then by id: what :func:`restore_records` restores.
    A paper the cache lacks comes from the library's own copy (without origins)."""
    conn = store.conn
    rows = conn.execute(
        "SELECT l.key, p.id FROM lib.library l LEFT JOIN papers p ON p.key = l.key"
        " ORDER BY l.saved_at IS NULL, l.saved_at DESC, l.key").fetchall()
    ids = [int(pid) for _key, pid in rows if pid is not None]
    states = state_for(conn, ids)
    cached: dict[str, Paper] = {}
    origins: dict[int, list[dict[str, str]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        origins.update(_origins(conn, chunk))
        cached.update((paper.key, paper) for paper in load_papers(conn, chunk))
    alone = {paper.key: paper for paper in library_papers(store.conn, [key for key, pid in rows if pid is None])}
    records = []
    for key, pid in rows:
        paper = cached.get(key) if pid is not None else alone.get(key)
        if paper is None:
            continue
        if pid is not None:
            records.append(export_record(paper, states[int(pid)], origins.get(int(pid), [])))
        else:
            records.append(export_record(paper, paper.library, []))
    return records


def library_papers(conn: sqlite3.Connection, keys: Sequence[str] | None = None, *,
                   saved_only: bool = False, tag: Sequence[str] = (), listing: bool = False) -> list[Paper]:
    """Papers from the library file alone (their copies, their state): the given keys, or
    every paper with state (``saved_only``: the saved ones, ``tag``: with any of these
    tags), newest saved first, then by key as the export orders them (``listing``: as
    ``hub library`` does).  Works on a connection with only the library attached."""
    where, params = ["1"], []
    if keys is not None:
        where.append("l.key IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(keys)))
    if saved_only:
        where.append("l.saved_at IS NOT NULL")
    if tag:
        clean = [" ".join(n.split()) for n in tag]
        where.append("l.key IN (SELECT pt.key FROM lib.paper_tags pt JOIN lib.tags t ON t.id = pt.tag_id"
                     " WHERE t.name IN (SELECT value FROM json_each(?)))")
        params.append(json.dumps(clean))
    bib = "l.bib" if _has_bib(conn) else "NULL"  # a library file of before l002, opened read-only
    rows = conn.execute(
        f"SELECT l.key, l.saved_at, l.note, l.read_at, l.dismissed_at, {bib},"
        f" {', '.join('l.' + c for c in PAPER_COPY)}"
        f" FROM lib.library l WHERE {' AND '.join(where)}"
        f" ORDER BY l.saved_at IS NULL, l.saved_at DESC, {'l.id DESC' if listing else 'l.key'}", params).fetchall()
    tags_of: dict[str, list[str]] = {}
    for key, name in conn.execute("SELECT pt.key, t.name FROM lib.paper_tags pt JOIN lib.tags t ON t.id = pt.tag_id"
                                  " ORDER BY t.name COLLATE NOCASE"):
        tags_of.setdefault(str(key), []).append(str(name))
    papers = []
    for row in rows:
        values = dict(zip(PAPER_COPY, row[6:], strict=True))
        for name in ("authors", "categories"):
            try:
                values[name] = json.loads(values[name] or "[]")
            except ValueError:
                values[name] = []
        values["title"] = values["title"] or row[0]
        paper = Paper(key=row[0], **values)
        paper.sources = [LIBRARY_SOURCE.label]
        paper.library = PaperState(row[1], tags_of.get(row[0], []), row[2], row[3], row[4],
                                   PaperState.bib_from(row[5]))
        papers.append(paper)
    return papers


def _has_bib(conn: sqlite3.Connection) -> bool:
    return any(row[1] == "bib" for row in conn.execute("PRAGMA lib.table_info(library)"))


def set_bib(conn: sqlite3.Connection, paper_id: int, bib: dict[str, Any] | None) -> None:
    """Keep an imported entry's own type and fields with the paper's library row (made
    when missing), inside the caller's transaction: the newest import's entry, except
    that a CSL item's few fields never replace a whole BibTeX entry; None keeps what is
    there."""
    if not bib:
        return
    key = _ensure_rows(conn, [paper_id], now_iso())[0]
    row = conn.execute("SELECT bib FROM lib.library WHERE key = ?", (key,)).fetchone()
    stored = PaperState.bib_from(row[0] if row else None)
    if bib.get("extra") and stored and not stored.get("extra"):
        return  # a CSL item's few fields never replace a whole BibTeX entry
    _keep_bib(conn, key, bib)


def relink_papers(store: Store) -> int:
    """Library papers the cache lacks (a cache just rebuilt, a library just restored) put
    back from the library's copies, listed by the "Library" source; a later sync merges
    the real records by key.  Returns how many were put back."""
    from hubcli.store.write import PaperWriter, UpsertCounts, source_id

    missing = [row[0] for row in store.conn.execute(
        "SELECT l.key FROM lib.library l WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.key = l.key)")]
    if not missing:
        return 0
    papers = library_papers(store.conn, missing)
    with store.transaction() as conn:
        writer = PaperWriter(conn)
        sid = source_id(conn, LIBRARY_SOURCE)
        for paper in papers:
            paper.library = PaperState()
            paper.sources = []
            writer.upsert(paper, sid, UpsertCounts())
    return len(papers)


def export_record(paper: Paper, state: PaperState, origins: list[dict[str, str]]) -> dict[str, Any]:
    """A paper object with its state and origins (and ``bib``, the imported entry's own
    type and fields, when it has them)."""
    record = {**paper.to_dict(), **state.to_dict(), "saved_at": state.saved_at, "read_at": state.read_at,
              "dismissed_at": state.dismissed_at, "origins": origins}
    if state.bib:
        record["bib"] = state.bib
    return record


def _origins(conn: sqlite3.Connection, ids: list[int]) -> dict[int, list[dict[str, str]]]:
    out: dict[int, list[dict[str, str]]] = {}
    for pid, spec, kind, label, url, first_seen in conn.execute(
        "SELECT ps.paper_id, s.spec, s.kind, s.label, s.url, ps.first_seen FROM paper_sources ps"
        " JOIN sources s ON s.id = ps.source_id WHERE ps.paper_id IN (SELECT value FROM json_each(?))"
        " ORDER BY ps.first_seen, s.id", (json.dumps(ids),)
    ):
        out.setdefault(int(pid), []).append(
            {"spec": spec, "kind": kind, "label": label, "url": url, "first_seen": first_seen})
    return out


def restore_record(conn: sqlite3.Connection, writer: Any, record: dict[str, Any], now: str) -> int:
    """One record of hub's json, inside the caller's transaction: the paper (inserted with
    the record's metadata when the cache lacks it, else merged as a sync would), its
    origins, and its state set exactly as recorded.  Returns the paper's row id."""
    from hubcli.store.write import UpsertCounts, source_id

    paper = Paper.from_dict(record)
    paper.library = PaperState()  # the record's state is set below, exactly as recorded
    origins = [o for o in record.get("origins") or [] if isinstance(o, dict) and o.get("spec")]
    paper_id = int(writer.upsert(paper, None, UpsertCounts()))
    for origin in origins:
        sid = source_id(conn, Source(str(origin["spec"]), str(origin.get("kind") or "import"),
                                     str(origin.get("label") or origin["spec"]), str(origin.get("url") or "")))
        conn.execute("INSERT OR IGNORE INTO paper_sources(paper_id, source_id, first_seen) VALUES (?,?,?)",
                     (paper_id, sid, str(origin.get("first_seen") or now)))
    saved = record.get("saved", True) is not False  # a plain `hub papers --format json` object: saved
    saved_at = _stamp(record.get("saved_at"), now) if saved else None
    read_at = _stamp(record.get("read_at"), now) if record.get("read") else None
    dismissed_at = _stamp(record.get("dismissed_at"), now) if record.get("dismissed") else None
    note = record.get("note")
    note = _clean_note(note) if isinstance(note, str) else None
    key = _ensure_rows(conn, [paper_id], now)[0]
    conn.execute("UPDATE lib.library SET saved_at = ?, note = ?, read_at = ?, dismissed_at = ?, changed_at = ?"
                 " WHERE key = ?", (saved_at, note, read_at, dismissed_at, now, key))
    conn.execute("DELETE FROM lib.paper_tags WHERE key = ?", (key,))
    names = record.get("tags") or []
    if saved and isinstance(names, list):
        for name in dict.fromkeys(_clean_tag(str(n)) for n in names if str(n).strip()):
            conn.execute("INSERT OR IGNORE INTO lib.paper_tags(tag_id, key) VALUES (?, ?)", (_tag_id(conn, name), key))
    _prune(conn, [key])
    _keep_bib(conn, key, record.get("bib"))
    return paper_id


def _keep_bib(conn: sqlite3.Connection, key: str, bib: object) -> None:
    """A record's ``bib`` (an imported entry's own type and fields) on its library row."""
    if isinstance(bib, dict) and isinstance(bib.get("fields"), dict):
        conn.execute("UPDATE lib.library SET bib = ? WHERE key = ?", (json.dumps(bib, ensure_ascii=False), key))


def _stamp(value: object, default: str) -> str:
    return value if isinstance(value, str) and value else default


def saved_page(store: Store, sel: Selection, *, page: int, per_page: int) -> Page:
    """One page of the saved papers matching a :class:`~hubcli.store.query.Selection`,
    newest saved first (driven by the library's own index, whatever the cache's size;
    each row finds its paper by key)."""
    if sel.impossible:
        return Page([], 0, page, per_page)
    where, params = sel.per_paper()
    source = (f"FROM lib.library l CROSS JOIN papers p ON p.key = l.key WHERE l.saved_at IS NOT NULL AND {where}")
    total = int(store.conn.execute(f"SELECT count(*) {source}", params).fetchone()[0])
    ids = [int(r[0]) for r in store.conn.execute(
        f"SELECT p.id {source} ORDER BY l.saved_at DESC, l.id DESC LIMIT ? OFFSET ?",
        [*params, per_page, (page - 1) * per_page])]
    return Page(load_papers(store.conn, ids), total, page, per_page)
