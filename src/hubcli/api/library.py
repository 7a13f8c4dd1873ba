"""The library commands: save, tag, note, read, dismiss (and their undo), ``hub library``
listings, export and import.  The state itself lives in ``hubcli.store.library``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hubcli.api.lookup import resolve_refs
from hubcli.api.results import Data, Listing, Notice, Result
from hubcli.api.session import Session
from hubcli.errors import NotFoundError
from hubcli.filters import Filters
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


def listing(session: Session, filters: Filters, *, page: int, per_page: int | None, clamp: bool = False) -> Listing:
    """``hub library``: saved papers matching the filters, newest saved first; from the
    library file alone (``--tag`` only) when the cache is missing or damaged.  A page past
    the end: as :func:`hubcli.api.reading.list_papers` says."""
    from hubcli.api.library_file import unreadable

    try:
        return _listing(session, filters, page=page, per_page=per_page, clamp=clamp)
    except Exception as exc:
        reason = unreadable(exc)
        if reason is None:
            raise
        return _listing_alone(session, filters, page=page, per_page=per_page, reason=reason)


def _listing_alone(session: Session, filters: Filters, *, page: int, per_page: int | None,
                   reason: str | None) -> Listing:
    """The saved papers as the library file keeps them (the cache missing or damaged)."""
    from hubcli.api.library_file import alone, papers_alone

    per = per_page or session.settings().per_page
    result = Listing()
    with alone(session, reason) as (conn, notice):
        found = papers_alone(conn, saved_only=True, tags=tuple(filters.tags), listing=True)
    if notice is None and not found:
        result.note("hint", "lib_empty", after=True)
        return result
    if notice is not None:
        result.before.append(notice)
    if any(value for name, value in vars(filters).items() if name not in ("tags", "saved")):
        result.note("warn", "lib_alone_filters")
    pages = max(1, -(-len(found) // per))
    result.papers = found[(page - 1) * per:page * per]
    result.start = (page - 1) * per + 1
    result.footer = Notice("info", "footer_one" if len(found) == 1 else "footer",
                           {"page": page, "pages": pages, "total": len(found)})
    if not found:
        result.note("hint", "lib_none_match", after=True)
    return result


def _listing(session: Session, filters: Filters, *, page: int, per_page: int | None, clamp: bool) -> Listing:
    store, settings = session.reader(), session.settings()
    per = per_page or settings.per_page
    result = Listing()
    if store is None:
        return _listing_alone(session, filters, page=page, per_page=per_page, reason=None)
    if library.library_size(store) == 0:
        result.note("hint", "lib_empty", after=True)
        return result
    from hubcli.api.reading import unmatched_authors
    from hubcli.resolve import resolve
    from hubcli.store.query import build_selection

    sel = build_selection(store, resolve(filters, settings))
    result.before += unmatched_authors(store, sel.unmatched_authors)
    found = library.saved_page(store, sel, page=page, per_page=per)
    if clamp and found.total and page > found.pages:  # the last page, and a word saying so
        result.note("hint", "page_clamped", page=page, pages=found.pages)
        page = found.pages
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
    count, text, _result = export(session, fmt)
    return count, text


def export(session: Session, fmt: str) -> tuple[int, str, Result]:
    """:func:`export_text` with its notices: when the cache is missing or damaged, the
    papers and their state come from the library file alone, and a warning says so."""
    from hubcli.api.library_file import alone, papers_alone, unreadable

    result = Result()
    try:
        store = session.store(create=False)
        if store is not None:
            return (*_export_from(session, fmt, store, None), result)
        reason = None
    except Exception as exc:
        reason = unreadable(exc)
        if reason is None:
            raise
    with alone(session, reason) as (conn, notice):
        papers = papers_alone(conn, saved_only=fmt not in ("json", "jsonl"))
    if notice is not None:
        result.before.append(notice)
    return (*_export_from(session, fmt, None, papers), result)


def _export_from(session: Session, fmt: str, store: Store | None, papers: list[Any] | None) -> tuple[int, str]:
    """The export text from the cache (``store``) or from the library's own ``papers``."""
    import json

    from hubcli.render import bibtex, formats

    if fmt in ("json", "jsonl"):
        if store is not None:
            records = library.export_records(store)
        else:
            records = [library.export_record(p, p.library, []) for p in papers or []]
        clean = [_sanitized(r) for r in records]
        if fmt == "json":
            return len(clean), json.dumps(clean, ensure_ascii=False, indent=2) + "\n"
        return len(clean), "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in clean)
    if store is not None:
        papers = load_papers(store.conn, library.saved_ids(store))
    papers = papers or []
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


from hubcli.api.library_import import FETCH_BATCH as FETCH_BATCH  # noqa: E402  (import in its own module)
from hubcli.api.library_import import fetch_arxiv as fetch_arxiv  # noqa: E402
from hubcli.api.library_import import import_file as import_file  # noqa: E402
