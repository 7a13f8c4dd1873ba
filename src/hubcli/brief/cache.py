"""Model answers cached in hub's own database (litellm's in-memory cache crashes on a hit).

One row per model call.  The key is a SHA-256 over everything that shapes the answer:
model, API base, the exact messages and the generation parameters (max tokens,
temperature).  The prompt includes the papers, the language and the template, so a new
paper, another ``--lang`` or an edited template is a new key.  API keys are never part
of it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from hubcli.errors import StoreError
from hubcli.store.db import Store, now_iso

KEY_VERSION = 1


def cache_key(model: str, api_base: str | None, messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    payload = {"v": KEY_VERSION, "model": model, "api_base": api_base or "", "messages": messages,
               "params": params}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass
class Cached:
    text: str
    usage: dict[str, Any]
    created_at: str


def get(store: Store, key: str) -> Cached | None:
    try:
        row = store.conn.execute("SELECT text, usage, created_at FROM brief_cache WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    try:
        usage = json.loads(row[1]) if row[1] else {}
    except ValueError:
        usage = {}
    return Cached(row[0], usage if isinstance(usage, dict) else {}, row[2])


def put(store: Store, key: str, model: str, text: str, usage: dict[str, Any]) -> None:
    """Keep an answer (replacing an older one for the same key); StoreError when the
    database cannot be written."""
    with store.transaction() as conn:
        try:
            conn.execute(
                "INSERT INTO brief_cache(key, model, created_at, text, usage) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET model = excluded.model, created_at = excluded.created_at,"
                " text = excluded.text, usage = excluded.usage",
                (key, model, now_iso(), text, json.dumps(usage, sort_keys=True)),
            )
        except sqlite3.Error as exc:
            raise StoreError("store_write_failed", path=str(store.path), reason=str(exc)) from exc
