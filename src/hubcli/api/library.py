"""The library commands: save, tag, note, read, dismiss (and their undo), ``hub library``
listings, export and import.  The state itself lives in ``hubcli.store.library``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hubcli.api.results import Data, Listing, Notice, Result
from hubcli.api.session import Session
from hubcli.config import Settings
from hubcli.errors import NotFoundError
from hubcli.filters import Filters
from hubcli.i18n import Message
from hubcli.store import library
from hubcli.store.db import Store
from hubcli.store.papers import load_papers, state_for

# action -> (the store call, the message for each paper it changed, for one left as it was)
_ACTIONS: dict[str, tuple[Callable[..., Any], str, str]] = {
    "save": (library.save, "lib_saved", "lib_already_saved"),
    "unsave": (library.unsave, "lib_unsaved", "lib_not_saved"),
    "read": (library.mark_read, "lib_read", "lib_already_read"),
    "unread": (library.mark_unread, "lib_unread", "lib_not_read"),
    "dismiss": (library.dismiss, "lib_dismissed", "lib_already_dismissed"),
    "undismiss": (library.undismiss, "lib_undismissed", "lib_not_dismissed"),
}


def _store(session: Session) -> Store:
    store = session.store(create=False)
    if store is None:
        raise NotFoundError("library_no_cache")
    return store


def resolve_refs(store: Store, refs: Sequence[str]) -> list[int]:
    """Row ids for what the user typed: anything ``hub show`` takes, or a card number of
    the last listing (a plain number: arXiv ids always have a dot or a slash).  An unknown
    one raises :class:`NotFoundError` naming it; repeats are kept once, in order."""
    from hubcli.resolve import paper_ref
    from hubcli.store.papers import find_paper_id

    listing: tuple[int, list[int]] | None = None
    found: list[int] = []
    for ref in refs:
        text = ref.strip()
        if text.isdigit():
            listing = listing or library.last_listing(store)
            pid = _card(listing, text)
        else:
            found_id = find_paper_id(store.conn, paper_ref(text))
            if found_id is None:
                raise NotFoundError("library_unknown_id", id=text)
            pid = found_id
        if pid not in found:
            found.append(pid)
    return found


def _card(listing: tuple[int, list[int]], text: str) -> int:
    start, ids = listing
    if not ids:
        raise NotFoundError("library_no_listing", number=text)
    number = int(text)
    if not start <= number < start + len(ids):
        raise NotFoundError("library_no_card", number=text, first=start, last=start + len(ids) - 1)
    return ids[number - start]


def remember_cards(session: Session, paper_ids: Sequence[int], start: int = 1) -> None:
    """The cards just shown (card ``start`` first), for ``hub save 3``: best effort, so a
    busy or read-only database only loses the numbers, never the listing."""
    if not paper_ids:
        return
    import sqlite3

    from hubcli.errors import HubError

    try:
        store = session.store(create=False)
        if store is not None:
            library.remember_listing(store, paper_ids, start)
    except (sqlite3.Error, HubError, OSError):
        pass


def _named(store: Store, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Each paper's id as hub prints it and its title, for the messages."""
    from hubcli.render.card import display_id

    return {p.rowid: (display_id(p), p.title) for p in load_papers(store.conn, list(ids)) if p.rowid is not None}


def change(session: Session, action: str, refs: Sequence[str], tags: Sequence[str] = ()) -> Result:
    """``hub save|unsave|read|unread|dismiss|undismiss ID...``: one line per paper."""
    store = _store(session)
    ids = resolve_refs(store, refs)
    call, done_key, same_key = _ACTIONS[action]
    before = state_for(store.conn, ids)
    if action == "save":
        call(store, ids, tags)
    else:
        call(store, ids)
    after = state_for(store.conn, ids)
    names = _named(store, ids)
    result = Result()
    for pid in ids:
        changed = before[pid].to_dict() != after[pid].to_dict() or (action == "save" and bool(tags))
        ident, title = names.get(pid, (str(pid), ""))
        result.note("info", done_key if changed else same_key, id=ident, title=title)
    return result


def tag(session: Session, ref: str, names: Sequence[str], *, remove: bool = False) -> Result:
    """``hub tag ID TAG...`` (saves the paper) and ``hub untag ID TAG...``."""
    store = _store(session)
    ids = resolve_refs(store, [ref])
    result = Result()
    ident, title = _named(store, ids).get(ids[0], (ref, ""))
    if remove:
        removed = library.untag(store, ids, names)
        result.note("info", "lib_untagged" if removed else "lib_untag_none", id=ident, title=title,
                    tags=", ".join(names))
    else:
        library.tag(store, ids, names)
        result.note("info", "lib_tagged", id=ident, title=title, tags=", ".join(names))
    return result


def tags(session: Session) -> Data:
    store = session.store(create=False)
    found = library.tags(store) if store is not None else []
    result = Data(items=[{"tag": t.name, "papers": t.papers} for t in found])
    if not found:
        result.note("hint", "lib_no_tags")
    return result


def note_of(session: Session, ref: str) -> tuple[int, str | None]:
    """The paper a note is for and its note now (for ``$EDITOR``)."""
    store = _store(session)
    pid = resolve_refs(store, [ref])[0]
    return pid, state_for(store.conn, [pid])[pid].note


def set_note(session: Session, paper_id: int, text: str | None) -> Result:
    store = _store(session)
    library.set_note(store, paper_id, text)
    ident, title = _named(store, [paper_id]).get(paper_id, (str(paper_id), ""))
    note = state_for(store.conn, [paper_id])[paper_id].note
    result = Result()
    result.note("info", "lib_note_set" if note else "lib_note_cleared", id=ident, title=title)
    return result


def listing(session: Session, filters: Filters, *, page: int, per_page: int | None) -> Listing:
    """``hub library``: saved papers matching the filters, newest saved first."""
    store, settings = session.reader(), session.settings()
    per = per_page or settings.per_page
    result = Listing()
    if store is None or library.library_size(store) == 0:
        result.note("hint", "lib_empty", after=True)
        return result
    from hubcli.api.reading import unmatched_authors
    from hubcli.resolve import resolve
    from hubcli.store.query import build_selection

    sel = build_selection(store, resolve(filters, settings))
    result.before += unmatched_authors(store, sel.unmatched_authors)
    found = library.saved_page(store, sel, page=page, per_page=per)
    result.papers = found.papers
    result.start = (page - 1) * per + 1
    result.footer = Notice("info", "footer_one" if found.total == 1 else "footer",
                           {"page": page, "pages": found.pages, "total": found.total})
    if found.total == 0:
        result.note("hint", "lib_none_match", after=True)
    elif page > found.pages:
        result.note("hint", "page_past_end", after=True, page=page, pages=found.pages)
    return result


EXPORT_FORMATS = ("json", "jsonl", "csv", "bibtex", "markdown")


def export_text(session: Session, fmt: str) -> tuple[int, str]:
    """``hub library export``: json/jsonl hold every paper with any state, exactly what
    ``hub library import`` restores; csv, bibtex and markdown list the saved papers,
    newest saved first.  Returns (papers, text)."""
    import json

    from hubcli.render import bibtex, formats

    store = session.store(create=False)
    if fmt in ("json", "jsonl"):
        records = library.export_records(store) if store is not None else []
        clean = [_sanitized(r) for r in records]
        if fmt == "json":
            return len(clean), json.dumps(clean, ensure_ascii=False, indent=2) + "\n"
        return len(clean), "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in clean)
    papers = load_papers(store.conn, library.saved_ids(store)) if store is not None else []
    writer: dict[str, Callable[[list[Any]], str]] = {
        "csv": formats.to_csv, "markdown": lambda papers: formats.to_markdown(papers, lang=session.lang),
        "bibtex": bibtex.to_bibtex}
    return len(papers), writer[fmt](papers)


def _sanitized(record: dict[str, Any]) -> dict[str, Any]:
    """Feed text without control characters (the note keeps its newlines and tabs)."""
    from hubcli.text import strip_controls

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return strip_controls(value)  # keeps a note's newlines and tabs
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return {k: clean(v) for k, v in record.items()}


def import_file(session: Session, path: Path, *, tags: Sequence[str] = (), fetch: bool = False,
                on_fetch: Callable[[int, int], None] = lambda _done, _total: None) -> Result:
    """``hub library import FILE``: one transaction, then (``--fetch``) the arXiv papers
    it named that the cache lacks, through the arXiv API at its pace."""
    from hubcli.library_files import import_library

    store = session.store(create=True)
    assert store is not None
    summary = import_library(store, path, tags=tuple(tags))
    from hubcli.rank.hooks import refresh_if_enabled  # the imported papers teach the ranking at once

    refresh_if_enabled(store)
    result = Result()
    result.note("info", "lib_import_summary", path=path.name, format=summary.format, matched=summary.matched,
                added=summary.added, skipped=len(summary.skipped))
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


def _reason(reason: str) -> Any:
    from hubcli.i18n import Message

    return Message(reason) if reason.startswith("lib_skip_") else reason


FETCH_BATCH = 100  # ids per arXiv API request


def fetch_arxiv(store: Store, settings: Settings, arxiv_ids: Sequence[str], *,
                on_fetch: Callable[[int, int], None] = lambda _done, _total: None) -> tuple[int, Message | None]:
    """The arXiv API's records of these ids (``id_list``, 100 a request, one request every
    3 seconds), merged into the cache like a sync: papers imported from a library file
    gain their abstract, categories and versions.  Returns (papers stored, the error that
    stopped it or None)."""
    from hubcli.errors import HubError
    from hubcli.models import Source
    from hubcli.sources.arxiv_api import fetch_ids
    from hubcli.sources.fetch import Fetcher
    from hubcli.store.write import store_papers
    from hubcli.sync import policy_from

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
