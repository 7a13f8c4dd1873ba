"""The user's library: saved (with tags), note, read, dismissed — per paper, kept forever.

State lives in ``library`` (one row per paper with any state, keyed by the paper's row id,
which re-syncs, newer versions and re-imports keep: papers are updated in place by key)
and ``tags`` / ``paper_tags`` (migration ``m007_library``).  A row whose state is all
cleared is deleted, so "every paper with state" is exactly the rows of ``library``.

Rules where the issue is silent: tagging a paper saves it; unsaving removes its tags
(tags are named parts of the saved set) but keeps its note and read mark; save and
dismiss exclude each other (saving undismisses, dismissing unsaves).

Functions take paper row ids (``Paper.rowid``); :func:`last_listing` holds the cards of
the last listing, so a card number the user typed can name one.  Every
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
from hubcli.models import LibraryState, Page, Paper, Source
from hubcli.store.db import Store, now_iso
from hubcli.store.papers import load_papers, state_for
from hubcli.store.query import tag_condition
from hubcli.text import clean_text

if TYPE_CHECKING:
    from hubcli.store.query import Selection

__all__ = ["LIBRARY_SOURCE", "MIN_SAVED", "PaperState", "TagCount", "clear_note", "dismiss", "dismissed_ids",
           "export_records", "last_listing", "library_size", "mark_read", "mark_unread", "remember_listing",
           "restore_record", "save", "save_in", "saved_ids", "saved_page", "set_note", "state_for", "tag", "tags",
           "undismiss", "unsave", "untag"]

# library-imported papers that match nothing in the cache are listed by this source
LIBRARY_SOURCE = Source("library:", "library", "Library", "")
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

_LISTING_KEY = "library_last_listing"


def remember_listing(store: Store, paper_ids: Sequence[int], start: int = 1) -> None:
    """Keep the row ids of the cards just shown (card ``start`` is the first) for ``hub save 3``."""
    with store.transaction():
        store.set_state(_LISTING_KEY, json.dumps({"start": start, "ids": list(paper_ids)}))


def last_listing(store: Store) -> tuple[int, list[int]]:
    """The cards of the last listing: (the first card's number, their row ids)."""
    try:
        data = json.loads(store.get_state(_LISTING_KEY) or "{}")
    except ValueError:
        data = {}
    if isinstance(data, list):  # the first form: the ids alone, from card 1
        data = {"start": 1, "ids": data}
    start = data.get("start", 1) if isinstance(data, dict) else 1
    ids = data.get("ids", []) if isinstance(data, dict) else []
    return (start if isinstance(start, int) else 1), [int(i) for i in ids if isinstance(i, int)]


# --- writes ------------------------------------------------------------------------------

def _clean_tag(tag: str) -> str:
    name = " ".join((clean_text(tag) or "").split())
    if not name:
        raise UsageError("library_bad_tag", tag=tag)
    return name[:MAX_TAG]


def _ensure_rows(conn: sqlite3.Connection, paper_ids: Sequence[int], now: str) -> None:
    missing = [pid for pid in paper_ids
               if conn.execute("SELECT 1 FROM library WHERE paper_id = ?", (pid,)).fetchone() is None]
    for pid in missing:
        row = conn.execute("SELECT key FROM papers WHERE id = ?", (pid,)).fetchone()
        if row is None:
            raise NotFoundError("library_unknown_id", id=str(pid))
        conn.execute("INSERT INTO library(paper_id, key, changed_at) VALUES (?, ?, ?)", (pid, row[0], now))


def _prune(conn: sqlite3.Connection, paper_ids: Sequence[int]) -> None:
    """Delete rows left without any state (and tags of papers no longer saved)."""
    marks = ",".join("?" * len(paper_ids))
    conn.execute(f"DELETE FROM paper_tags WHERE paper_id IN ({marks}) AND paper_id NOT IN"
                 " (SELECT paper_id FROM library WHERE saved_at IS NOT NULL)", list(paper_ids))
    conn.execute(f"DELETE FROM library WHERE paper_id IN ({marks}) AND saved_at IS NULL AND note IS NULL"
                 " AND read_at IS NULL AND dismissed_at IS NULL", list(paper_ids))
    conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")


def _tag_id(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    return int(conn.execute("INSERT INTO tags(name) VALUES (?)", (name,)).lastrowid or 0)


def save_in(conn: sqlite3.Connection, paper_ids: Sequence[int], tags: Sequence[str], now: str,
          saved_at: str | None = None) -> int:
    """Save (keeping an earlier ``saved_at``), undismiss, add tags; the number newly saved."""
    _ensure_rows(conn, paper_ids, now)
    newly = 0
    for pid in paper_ids:
        cur = conn.execute("UPDATE library SET saved_at = ?, changed_at = ? WHERE paper_id = ? AND saved_at IS NULL",
                           (saved_at or now, now, pid))
        newly += cur.rowcount
        conn.execute("UPDATE library SET dismissed_at = NULL WHERE paper_id = ?", (pid,))
    for name in dict.fromkeys(_clean_tag(t) for t in tags):
        tid = _tag_id(conn, name)
        conn.executemany("INSERT OR IGNORE INTO paper_tags(tag_id, paper_id) VALUES (?, ?)",
                         [(tid, pid) for pid in paper_ids])
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
        changed = sum(conn.execute("UPDATE library SET saved_at = NULL, changed_at = ? WHERE paper_id = ?"
                                   " AND saved_at IS NOT NULL", (now, pid)).rowcount for pid in paper_ids)
        _prune(conn, paper_ids)
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
        marks = ",".join("?" * len(paper_ids))
        for name in tags:
            row = conn.execute("SELECT id FROM tags WHERE name = ?", (" ".join(name.split()),)).fetchone()
            if row:
                removed += conn.execute(f"DELETE FROM paper_tags WHERE tag_id = ? AND paper_id IN ({marks})",
                                        (row[0], *paper_ids)).rowcount
        conn.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")
        return removed


def tags(store: Store) -> list[TagCount]:
    """Every tag with its number of papers, most used first, then by name."""
    rows = store.conn.execute(
        "SELECT t.name, count(pt.paper_id) AS n FROM tags t JOIN paper_tags pt ON pt.tag_id = t.id"
        " GROUP BY t.id ORDER BY n DESC, t.name COLLATE NOCASE"
    ).fetchall()
    return [TagCount(str(name), int(n)) for name, n in rows]


def set_note(store: Store, paper_id: int, text: str | None) -> None:
    """Set (or with None or blank text, clear) a paper's note.  Notes are kept as written,
    without control characters other than newlines and tabs."""
    note = _clean_note(text)
    with store.transaction() as conn:
        now = now_iso()
        _ensure_rows(conn, [paper_id], now)
        conn.execute("UPDATE library SET note = ?, changed_at = ? WHERE paper_id = ?", (note, now, paper_id))
        _prune(conn, [paper_id])


def clear_note(store: Store, paper_id: int) -> None:
    set_note(store, paper_id, None)


def _clean_note(text: str | None) -> str | None:
    if text is None:
        return None
    from hubcli.text import strip_controls

    lines = [strip_controls(line.replace("\t", "    ")).rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    note = "\n".join(lines).strip("\n")
    return note[:MAX_NOTE] if note.strip() else None


def _set_flag(store: Store, column: str, paper_ids: Sequence[int], on: bool) -> int:
    if not paper_ids:
        return 0
    with store.transaction() as conn:
        now = now_iso()
        changed = 0
        if on:
            _ensure_rows(conn, paper_ids, now)
        for pid in paper_ids:
            if on:
                changed += conn.execute(f"UPDATE library SET {column} = ?, changed_at = ? WHERE paper_id = ?"
                                        f" AND {column} IS NULL", (now, now, pid)).rowcount
                if column == "dismissed_at":  # "not interested" leaves the library
                    conn.execute("UPDATE library SET saved_at = NULL WHERE paper_id = ?", (pid,))
            else:
                changed += conn.execute(f"UPDATE library SET {column} = NULL, changed_at = ? WHERE paper_id = ?"
                                        f" AND {column} IS NOT NULL", (now, pid)).rowcount
        _prune(conn, paper_ids)
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
    sql = "SELECT l.paper_id FROM library l WHERE l.saved_at IS NOT NULL"
    params: list[object] = []
    if names:
        cond, params = tag_condition(names, column="l.paper_id")
        sql += " AND " + cond
    sql += " ORDER BY l.saved_at DESC, l.paper_id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [int(r[0]) for r in store.conn.execute(sql, params)]


def library_size(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM library WHERE saved_at IS NOT NULL").fetchone()[0])


def dismissed_ids(store: Store) -> list[int]:
    return [int(r[0]) for r in store.conn.execute("SELECT paper_id FROM library WHERE dismissed_at IS NOT NULL")]


# --- export and restore (hub's own json) ---------------------------------------------------

EXPORT_FIELDS = ("saved", "saved_at", "tags", "note", "read", "read_at", "dismissed", "dismissed_at", "origins")


def export_records(store: Store) -> list[dict[str, Any]]:
    """Every paper with any library state, as the paper object of ``--format json`` plus its
    state (``saved``, ``saved_at``, ``tags``, ``note``, ``read``, ``read_at``, ``dismissed``,
    ``dismissed_at``) and ``origins`` (the sources that listed it: spec, kind, label, url,
    first_seen), newest saved first, then by id: what :func:`restore_records` restores."""
    conn = store.conn
    ids = [int(r[0]) for r in conn.execute(
        "SELECT l.paper_id FROM library l JOIN papers p ON p.id = l.paper_id"
        " ORDER BY l.saved_at IS NULL, l.saved_at DESC, p.key")]
    states = state_for(conn, ids)
    records = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        origins = _origins(conn, chunk)
        for paper in load_papers(conn, chunk):
            assert paper.rowid is not None
            records.append(export_record(paper, states[paper.rowid], origins.get(paper.rowid, [])))
    return records


def export_record(paper: Paper, state: PaperState, origins: list[dict[str, str]]) -> dict[str, Any]:
    return {**paper.to_dict(), **state.to_dict(), "saved_at": state.saved_at, "read_at": state.read_at,
            "dismissed_at": state.dismissed_at, "origins": origins}


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
    row = conn.execute("SELECT key FROM papers WHERE id = ?", (paper_id,)).fetchone()
    conn.execute(
        "INSERT INTO library(paper_id, key, saved_at, note, read_at, dismissed_at, changed_at)"
        " VALUES (?,?,?,?,?,?,?) ON CONFLICT(paper_id) DO UPDATE SET saved_at = excluded.saved_at,"
        " note = excluded.note, read_at = excluded.read_at, dismissed_at = excluded.dismissed_at,"
        " changed_at = excluded.changed_at",
        (paper_id, row[0], saved_at, note, read_at, dismissed_at, now),
    )
    conn.execute("DELETE FROM paper_tags WHERE paper_id = ?", (paper_id,))
    names = record.get("tags") or []
    if saved and isinstance(names, list):
        for name in dict.fromkeys(_clean_tag(str(n)) for n in names if str(n).strip()):
            conn.execute("INSERT OR IGNORE INTO paper_tags(tag_id, paper_id) VALUES (?, ?)",
                         (_tag_id(conn, name), paper_id))
    _prune(conn, [paper_id])
    return paper_id


def _stamp(value: object, default: str) -> str:
    return value if isinstance(value, str) and value else default


def saved_page(store: Store, sel: Selection, *, page: int, per_page: int) -> Page:
    """One page of the saved papers matching a :class:`~hubcli.store.query.Selection`,
    newest saved first (driven by the library's own index, whatever the cache's size)."""
    if sel.impossible:
        return Page([], 0, page, per_page)
    where, params = sel.per_paper()
    source = f"FROM library l CROSS JOIN papers p ON p.id = l.paper_id WHERE l.saved_at IS NOT NULL AND {where}"
    total = int(store.conn.execute(f"SELECT count(*) {source}", params).fetchone()[0])
    ids = [int(r[0]) for r in store.conn.execute(
        f"SELECT p.id {source} ORDER BY l.saved_at DESC, l.paper_id DESC LIMIT ? OFFSET ?",
        [*params, per_page, (page - 1) * per_page])]
    return Page(load_papers(store.conn, ids), total, page, per_page)
