"""What the one error edge of a front end needs from the core: a database error that
escaped the store's own mapping as a translated :class:`~hubcli.errors.StoreError`, and a
traceback text without secrets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hubcli.errors import StoreError


def store_error(exc: sqlite3.Error, path: Path | str) -> StoreError:
    """The error for a SQLite failure (never a raw 'database is locked')."""
    from hubcli.store.db import store_error as mapped

    return mapped(exc, path)


def redact(text: str) -> str:
    """Text (a traceback, a provider's message) without any secret value from the environment."""
    from hubcli.brief.llm import redact as redacted

    return redacted(text)
