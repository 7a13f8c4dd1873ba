"""``hub library import FILE``: a library file merged into the library (``--replace``: hub's
json restored exactly), then (``--fetch``) the arXiv papers it names that the cache lacks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hubcli.api.results import Result
from hubcli.api.session import Session
from hubcli.config import Settings
from hubcli.i18n import Message
from hubcli.store.db import Store

# the kinds of change an import reports, in this order (a catalogue key each, and its "_one")
_CHANGES = ("papers_saved", "tags_added", "notes_added", "notes_merged", "notes_kept", "read_added",
            "dismissed_added", "marks_kept")


def import_file(session: Session, path: Path, *, tags: Sequence[str] = (), fetch: bool = False, replace: bool = False,
                on_fetch: Callable[[int, int], None] = lambda _done, _total: None) -> Result:
    """``hub library import FILE``: one transaction, then (``--fetch``) the arXiv papers
    it named that the cache has only from library files, through the arXiv API at its pace."""
    from hubcli.library_files import import_library

    store = session.store(create=True)
    assert store is not None
    summary = import_library(store, path, tags=tuple(tags), replace=replace)
    from hubcli.rank.hooks import refresh_if_enabled  # the imported papers teach the ranking at once

    refresh_if_enabled(store)
    result = Result()
    for line, entry in summary.undecodable:
        result.note("warn", "lib_import_not_utf8", path=path.name, line=line, entry=entry)
    result.note("info", "lib_import_summary", path=path.name, format=summary.format, matched=summary.matched,
                added=summary.added, skipped=len(summary.skipped) + len(summary.undecodable))
    if not replace:
        result.note("info", "lib_import_changes", changes=changes_message(dict(summary.changes.items())))
    for label, reason in summary.skipped[:20]:
        result.note("info", "lib_import_skipped", entry=label or "?", reason=_reason(reason))
    if len(summary.skipped) > 20:
        result.note("info", "lib_import_skipped_more", more=len(summary.skipped) - 20)
    if summary.missing_arxiv:
        if fetch:
            fetched, failed = fetch_arxiv(store, session.settings(), summary.missing_arxiv, on_fetch=on_fetch)
            result.note("info", "lib_fetched", count=fetched)
            if failed:
                result.note("warn", "lib_fetch_failed", reason=failed)
                result.status = 1
        else:
            result.note("hint", "lib_fetch_hint", count=len(summary.missing_arxiv))
    return result


def changes_message(counts: dict[str, int]) -> Message:
    """"1 paper saved, 5 tags added, 3 notes kept" (the kinds that changed), or "nothing
    changed", as one message translated in the reader's language."""
    parts = [Message(f"lib_change_{kind}_one" if counts[kind] == 1 else f"lib_change_{kind}", {"count": counts[kind]})
             for kind in _CHANGES if counts.get(kind)]
    if not parts:
        return Message("lib_change_nothing")
    joined = parts[-1]
    for part in reversed(parts[:-1]):
        joined = Message("lib_change_join", {"first": part, "rest": joined})
    return joined


def _reason(reason: str) -> Any:
    return Message(reason) if reason.startswith("lib_skip_") else reason


FETCH_BATCH = 100  # ids per arXiv API request


def fetch_arxiv(store: Store, settings: Settings, arxiv_ids: Sequence[str], *,
                on_fetch: Callable[[int, int], None] = lambda _done, _total: None) -> tuple[int, Message | None]:
    """The arXiv API's records of these ids (``id_list``, 100 a request, one request every
    3 seconds), merged into the cache like a sync: papers imported from a library file
    gain their abstract, categories and versions.  Returns (papers stored, the error that
    stopped it or None)."""
    from hubcli.errors import HubError
    from hubcli.sources.arxiv_api import fetch_ids
    from hubcli.sources.fetch import Fetcher
    from hubcli.store.write import store_papers
    from hubcli.sync import policy_from
    from hubcli.sync_models import Source

    fetcher = Fetcher(policy_from(settings))
    source = Source(f"arxiv-api:{settings.arxiv_api_url}", "api", "arXiv API", settings.arxiv_api_url)
    ids = list(dict.fromkeys(arxiv_ids))
    stored = 0
    for start in range(0, len(ids), FETCH_BATCH):
        try:
            papers = fetch_ids(fetcher, settings.arxiv_api_url, ids[start:start + FETCH_BATCH])
        except HubError as exc:
            return stored, Message(exc.key, exc.params)
        counts = store_papers(store, source, papers)
        stored += counts.new + counts.updated + counts.unchanged
        on_fetch(min(start + FETCH_BATCH, len(ids)), len(ids))
    from hubcli.rank.hooks import refresh_if_enabled

    refresh_if_enabled(store)
    return stored, None
