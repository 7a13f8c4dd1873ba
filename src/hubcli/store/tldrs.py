"""What ``--tldr`` keeps: one model-written TL;DR per paper key, paper version, model and
language (table ``tldrs``, migration ``m010_tldrs``), and how many were written since a
moment (the daily cap, ``[llm] tldr_per_day``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from hubcli.errors import StoreError
from hubcli.store.db import Store, now_iso

_CHUNK = 400  # keys per SELECT: well under SQLite's bound-parameter limit


@dataclass(frozen=True)
class TldrKey:
    """Which TL;DR: the paper's key and version (``v3`` or a content hash)."""

    paper_key: str
    version: str


def cached(store: Store, keys: Iterable[TldrKey], *, model: str | None, lang: str) -> dict[TldrKey, tuple[str, str]]:
    """The stored TL;DRs of ``keys`` in ``lang``: ``{key: (text, model)}``.  With ``model``
    only that model's; without one, any model's (the newest).  An unreadable table reads as
    empty (a TL;DR is never worth failing a listing for)."""
    wanted = list(dict.fromkeys(keys))
    newest: dict[TldrKey, tuple[str, str, str]] = {}  # key -> (created_at, text, model)
    for start in range(0, len(wanted), _CHUNK):
        for paper_key, version, text, model_name, created_at in _rows(store, wanted[start:start + _CHUNK],
                                                                       model=model, lang=lang):
            key = TldrKey(paper_key, version)
            if key not in newest or newest[key][0] < created_at:
                newest[key] = (created_at, text, model_name)
    return {key: (text, model_name) for key, (_, text, model_name) in newest.items()}


def _rows(store: Store, chunk: list[TldrKey], *, model: str | None, lang: str) -> list[tuple[str, str, str, str, str]]:
    if not chunk:
        return []
    pairs = " OR ".join("(paper_key = ? AND version = ?)" for _ in chunk)
    params: list[str] = [value for key in chunk for value in (key.paper_key, key.version)]
    sql = f"SELECT paper_key, version, text, model, created_at FROM tldrs WHERE lang = ? AND ({pairs})"
    head = [lang]
    if model is not None:
        sql += " AND model = ?"
        params.append(model)
    try:
        rows = store.conn.execute(sql, [*head, *params]).fetchall()
    except sqlite3.Error:
        return []
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]


def keep(store: Store, items: Iterable[tuple[TldrKey, str]], *, model: str, lang: str) -> None:
    """Keep model-written TL;DRs (replacing older ones for the same paper version, model and
    language); StoreError when the database cannot be written."""
    rows = [(key.paper_key, key.version, model, lang, text, now_iso()) for key, text in items]
    if not rows:
        return
    with store.transaction() as conn:
        try:
            conn.executemany(
                "INSERT INTO tldrs(paper_key, version, model, lang, text, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(paper_key, version, model, lang) DO UPDATE SET text = excluded.text,"
                " created_at = excluded.created_at",
                rows,
            )
        except sqlite3.Error as exc:
            raise StoreError("store_write_failed", path=str(store.path), reason=str(exc)) from exc


def written_since(store: Store, since: str) -> int:
    """How many TL;DRs were written at or after ``since`` (an ISO time as :func:`now_iso`
    writes it); 0 when the table cannot be read."""
    try:
        row = store.conn.execute("SELECT count(*) FROM tldrs WHERE created_at >= ?", (since,)).fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0]) if row else 0
