"""Papers as stored: the one column list of the ``papers`` table, reading rows back into
:class:`~hubcli.models.Paper` (with their source labels and library state), and finding
one paper by a resolved reference.

Only the standard library's sqlite3 is used here, so read commands start fast.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from hubcli.models import LibraryState, Paper
from hubcli.queries import PaperRef
from hubcli.store.db import Store

# a paper's own columns, in the order of its fields: what is written and what is read back
PAPER_COLUMNS = ("key", "arxiv_id", "version", "doi", "title", "abstract", "authors", "published", "updated",
                 "announce_type", "categories", "primary_category", "url", "pdf_url", "journal")
# a stored row: its id, the paper's columns, when it was first seen
_READ_COLUMNS = ", ".join(f"p.{c}" for c in ("id", *PAPER_COLUMNS, "first_seen"))


def insert_sql(*, with_id: bool = False) -> str:
    """``INSERT INTO papers`` of the paper's columns, ``first_seen`` and ``changed_at``
    (with ``with_id``: the row id first), values as :func:`paper_values` gives them."""
    columns = ("id",) * with_id + PAPER_COLUMNS + ("first_seen", "changed_at")
    return f"INSERT INTO papers({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})"


def encode_list(values: list[str]) -> str:
    """``authors`` and ``categories`` as stored: a JSON list."""
    return json.dumps(values, ensure_ascii=False)


def decode_list(raw: str | None) -> list[str]:
    """A stored JSON list (``authors``, ``categories``) back as strings; [] for anything else."""
    try:
        values = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in values if v] if isinstance(values, list) else []


def paper_values(paper: Paper) -> tuple[object, ...]:
    """The paper's columns (:data:`PAPER_COLUMNS`) in storage encoding; ``updated``
    defaults to ``published``."""
    return (paper.key, paper.arxiv_id, paper.version, paper.doi, paper.title, paper.abstract,
            encode_list(paper.authors), paper.published, paper.updated or paper.published, paper.announce_type,
            encode_list(paper.categories), paper.primary_category, paper.url, paper.pdf_url, paper.journal)


def _row_to_paper(row: Sequence[object], sources: dict[int, list[str]]) -> Paper:
    pid = int(str(row[0]))
    values = dict(zip(PAPER_COLUMNS, row[1:-1], strict=True))
    for name in ("authors", "categories"):
        raw = values[name]
        values[name] = json.loads(str(raw)) if raw else []
    paper = Paper(**values)  # type: ignore[arg-type]
    paper.sources = sources.get(pid, [])
    paper.rowid = pid
    paper.first_seen = None if row[-1] is None else str(row[-1])
    return paper


def load_papers(conn: sqlite3.Connection, ids: list[int]) -> list[Paper]:
    """Papers by row id, in the order given, with their source labels and library state."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT {_READ_COLUMNS} FROM papers p WHERE p.id IN ({marks})", ids).fetchall()
    labels: dict[int, list[str]] = {}
    for pid, label in conn.execute(
        f"SELECT ps.paper_id, s.label FROM paper_sources ps JOIN sources s ON s.id = ps.source_id"
        f" WHERE ps.paper_id IN ({marks}) ORDER BY ps.first_seen, s.id",
        ids,
    ):
        labels.setdefault(pid, []).append(label)
    by_id = {int(row[0]): _row_to_paper(row, labels) for row in rows}
    for pid, state in state_for(conn, list(by_id)).items():
        by_id[pid].library = state
    return [by_id[i] for i in ids if i in by_id]


def state_for(conn: sqlite3.Connection, paper_ids: Sequence[int]) -> dict[int, LibraryState]:
    """The library state of each given paper (papers without state get an empty one)."""
    out = {int(pid): LibraryState() for pid in paper_ids}
    if not out:
        return out
    ids = json.dumps(list(out))
    # the library file (attached as ``lib``) is keyed by the paper's key
    for pid, saved_at, note, read_at, dismissed_at, bib in conn.execute(
        "SELECT p.id, l.saved_at, l.note, l.read_at, l.dismissed_at, l.bib FROM papers p CROSS JOIN lib.library l"
        " ON l.key = p.key WHERE p.id IN (SELECT value FROM json_each(?))", (ids,)
    ):
        out[int(pid)] = LibraryState(saved_at, [], note, read_at, dismissed_at, LibraryState.bib_from(bib))
    for pid, name in conn.execute(
        "SELECT p.id, t.name FROM papers p CROSS JOIN lib.paper_tags pt ON pt.key = p.key"
        " JOIN lib.tags t ON t.id = pt.tag_id"
        " WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY t.name COLLATE NOCASE", (ids,)
    ):
        out[int(pid)].tags.append(str(name))
    return out


def paper_id_by_key(conn: sqlite3.Connection, key: str) -> int | None:
    row = conn.execute("SELECT id FROM papers WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else None


def find_paper_id(conn: sqlite3.Connection, ref: PaperRef | str) -> int | None:
    """The row id of the paper a reference names (a plain string: a stored key)."""
    if isinstance(ref, str):
        ref = PaperRef(ref)
    exact = paper_id_by_key(conn, ref.text)
    if exact is not None:  # a stored key as printed by hub (arxiv:…, doi:…, url:…)
        return exact
    if ref.doi:
        row = conn.execute("SELECT id FROM papers WHERE doi = ? COLLATE NOCASE LIMIT 1", (ref.doi,)).fetchone()
        if row:
            return int(row[0])
    return paper_id_by_key(conn, ref.key) if ref.key else None


def find_paper(store: Store, ref: PaperRef | str) -> Paper | None:
    """The paper a reference names (see :func:`find_paper_id`), or None."""
    pid = find_paper_id(store.conn, ref)
    return load_papers(store.conn, [pid])[0] if pid is not None else None
