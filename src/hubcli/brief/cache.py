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
from typing import Any

from hubcli.store.briefs import CachedAnswer, cached_answer, keep_answer
from hubcli.store.db import Store

KEY_VERSION = 1


def cache_key(model: str, api_base: str | None, messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    payload = {"v": KEY_VERSION, "model": model, "api_base": api_base or "", "messages": messages,
               "params": params}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def get(store: Store, key: str) -> CachedAnswer | None:
    """The answer kept for ``key`` (None when there is none)."""
    return cached_answer(store, key)


def put(store: Store, key: str, model: str, text: str, usage: dict[str, Any]) -> None:
    """Keep an answer (replacing an older one for the same key); StoreError when the
    database cannot be written."""
    keep_answer(store, key, model, text, usage)
