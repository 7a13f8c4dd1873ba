"""Merging imported library state into the stored state: an import adds, it never silently
overwrites.

The rules (:func:`merge_states`, pure):

- tags are a union;
- a read, dismissed or saved time present on both sides: the newer stays; a mark only one
  side has is kept;
- saved and dismissed exclude each other: a paper saved in the library stays saved (with its
  tags) whatever the file says; a paper dismissed in the library is saved again only by a
  save newer than its dismissal;
- notes: the stored note when the file has none or the same one; the file's when the store
  has none; when they differ both are kept (the stored note, :data:`NOTE_SEPARATOR`, the
  imported note), unless one already holds the other (then the longer one, nothing lost).

:func:`merge_record` applies them to a record of hub's json, :func:`merge_entry` to a
BibTeX/CSL entry (saved, with tags and a note); both write through the library's
``restore_record`` (or ``save_in``: no SQL on the library's tables here).
:class:`MergeCounts` says what changed, per kind.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from hubcli.models import LibraryState, Paper
from hubcli.store.papers import paper_id_by_key, state_for

NOTE_SEPARATOR = "\n\n---\n\n"


@dataclass
class MergeCounts:
    """What an import changed in the library (and what the library kept over the file)."""

    papers_saved: int = 0
    tags_added: int = 0
    notes_added: int = 0
    notes_merged: int = 0  # both notes kept
    notes_kept: int = 0  # the file's note differed; the stored one (holding it) stayed
    read_added: int = 0
    dismissed_added: int = 0
    marks_kept: int = 0  # a newer mark of the library stayed over the file's

    def items(self) -> list[tuple[str, int]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]


def normal_note(text: str | None) -> str | None:
    """A note as the library keeps it (lines without trailing blanks, no blank ends)."""
    if text is None:
        return None
    note = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip("\n")
    return note if note.strip() else None


def merge_notes(stored: str | None, incoming: str | None) -> str | None:
    mine, theirs = normal_note(stored), normal_note(incoming)
    if theirs is None or mine == theirs:
        return mine
    if mine is None:
        return theirs
    if theirs in mine:
        return mine
    if mine in theirs:
        return theirs
    return mine + NOTE_SEPARATOR + theirs


def _newer(a: str | None, b: str | None, now: str) -> str | None:
    """The later of two times (an empty time, a mark without its time, counts as ``now``
    only when the other side has none)."""
    if not a:
        return b or (now if a == "" or b == "" else None)
    if not b:
        return a
    return max(a, b)


def merge_states(stored: LibraryState, incoming: LibraryState, now: str) -> LibraryState:
    """The state after importing ``incoming`` over ``stored`` (see the module docstring)."""
    saved = _newer(stored.saved_at, incoming.saved_at, now)
    dismissed = _newer(stored.dismissed_at, incoming.dismissed_at, now)
    if saved and dismissed:
        if stored.saved_at:
            dismissed = None
        elif stored.dismissed_at and not (incoming.saved_at or now) > stored.dismissed_at:
            saved = None
        else:
            dismissed = None
    tags = list(dict.fromkeys([*stored.tags, *incoming.tags])) if saved else []
    return LibraryState(saved, tags, merge_notes(stored.note, incoming.note),
                        _newer(stored.read_at, incoming.read_at, now), dismissed)


def count_changes(counts: MergeCounts, before: LibraryState, incoming: LibraryState, after: LibraryState) -> None:
    counts.papers_saved += int(not before.saved and after.saved)
    counts.tags_added += len(set(after.tags) - set(before.tags))
    counts.read_added += int(not before.read and after.read)
    counts.dismissed_added += int(not before.dismissed and after.dismissed)
    counts.marks_kept += int(incoming.dismissed and not after.dismissed)
    counts.marks_kept += int(incoming.saved and not after.saved)
    counts.marks_kept += int(bool(incoming.read_at and before.read_at and incoming.read_at < before.read_at))
    old, new, theirs = normal_note(before.note), normal_note(after.note), normal_note(incoming.note)
    if old is None and new is not None:
        counts.notes_added += 1
    elif old is not None and new != old:
        counts.notes_merged += 1
    elif theirs is not None and theirs != old:
        counts.notes_kept += 1


def merge_record(conn: sqlite3.Connection, writer: Any, record: dict[str, Any], now: str,
                 counts: MergeCounts) -> int:
    """One record of hub's json merged into the library (inside the caller's transaction);
    returns the paper's row id."""
    from hubcli.store.library import restore_record

    key = Paper.from_dict(record).key
    pid = paper_id_by_key(conn, key) if key else None
    before = state_for(conn, [pid])[pid] if pid is not None else LibraryState()
    incoming = LibraryState.from_dict({**record, "saved": record.get("saved", True) is not False})
    merged = merge_states(before, incoming, now)
    pid = restore_record(conn, writer, {**record, **_state_fields(merged)}, now)
    count_changes(counts, before, incoming, state_for(conn, [pid])[pid])
    return pid


def _state_fields(state: LibraryState) -> dict[str, Any]:
    return {**state.to_dict(), "saved_at": state.saved_at, "read_at": state.read_at,
            "dismissed_at": state.dismissed_at}


def merge_entry(conn: sqlite3.Connection, writer: Any, paper_id: int, tags: Sequence[str], note: str | None,
                now: str, counts: MergeCounts) -> None:
    """A BibTeX/CSL entry's stored paper saved (now), with its tags (a union) and its note
    merged, through the library's own writer (``restore_record`` of the stored paper)."""
    from hubcli.store.library import restore_record, save_in
    from hubcli.store.papers import load_papers

    before = state_for(conn, [paper_id])[paper_id]
    incoming = LibraryState("", list(dict.fromkeys(tags)), note)  # saved, at no time of its own
    merged = merge_states(before, incoming, now)
    if merged == before:
        return
    if before == LibraryState() and merged.note is None:  # nothing to merge with: saved as it is
        save_in(conn, [paper_id], merged.tags, now)
    else:
        paper = load_papers(conn, [paper_id])[0]
        restore_record(conn, writer, {**paper.to_dict(), **_state_fields(merged)}, now)
    count_changes(counts, before, incoming, state_for(conn, [paper_id])[paper_id])


def library_only(conn: sqlite3.Connection, paper_ids: Sequence[int]) -> set[int]:
    """The papers no source but a library file listed (the cache lacks their own record)."""
    import json

    return {int(r[0]) for r in conn.execute(
        "SELECT p.id FROM papers p WHERE p.id IN (SELECT value FROM json_each(?)) AND NOT EXISTS"
        " (SELECT 1 FROM paper_sources ps JOIN sources s ON s.id = ps.source_id"
        "  WHERE ps.paper_id = p.id AND s.spec != 'library:')", (json.dumps(list(paper_ids)),))}
