"""``hub feeds add|list|remove|export|import|catalog``: subscriptions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubcli.api.results import Data, Result
from hubcli.api.session import Session
from hubcli.config import DEFAULT_SUBSCRIPTIONS, Settings
from hubcli.errors import NotFoundError, UsageError
from hubcli.models import Source
from hubcli.sources import registry
from hubcli.store import write
from hubcli.store.db import Store

if TYPE_CHECKING:
    from hubcli.render.opml import Outline


def default_sources(settings: Settings) -> list[Source]:
    return [registry.resolve(spec, settings) for spec in DEFAULT_SUBSCRIPTIONS]


def writable_store(session: Session) -> Store:
    """The store, created when missing, with the default subscriptions seeded once."""
    store = session.store(create=True)
    assert store is not None
    write.ensure_default_sources(store, default_sources(session.settings()))
    return store


def add(session: Session, source: str, label: str | None) -> Result:
    resolved = registry.resolve(source, session.settings(), label=label.strip() if label and label.strip() else None)
    store = writable_store(session)
    result = Result()
    added = write.subscribe(store, resolved, custom_label=bool(label))
    result.note("info", "source_added" if added else "source_exists", label=resolved.label, spec=resolved.spec)
    return result


def subscriptions(session: Session) -> Data:
    from hubcli.store.sources import subscriptions as stored

    items: list[dict[str, Any]] = [
        {"source": s.spec, "label": s.label, "kind": s.kind, "url": s.url, "folder": s.folder,
         "papers": s.papers, "last_sync": s.last_sync, "status": s.status, "error": s.error}
        for s in stored(writable_store(session))
    ]
    result = Data(items=items)
    if not items:
        result.note("hint", "no_sources")
    return result


def remove(session: Session, source: str) -> Result:
    settings = session.settings()
    store = writable_store(session)
    spec = source.strip()
    try:
        spec = registry.resolve(source, settings).spec
    except Exception:  # noqa: BLE001 - a file that is gone can still be unsubscribed by name
        pass
    label = write.unsubscribe(store, spec)
    path = spec.removeprefix("file://")
    if label is None and "://" not in path:
        # a feed file that is gone was subscribed by its absolute path
        absolute = str(Path(path).expanduser().resolve())
        label = write.unsubscribe(store, absolute)
        spec = absolute if label is not None else spec
    if label is None:
        raise NotFoundError("source_not_subscribed", spec=source)
    result = Result()
    result.note("info", "source_removed", label=label, spec=spec)
    return result


def export_opml(session: Session) -> str:
    from hubcli.render.opml import Outline, to_opml
    from hubcli.store.sources import subscriptions as stored

    items = stored(writable_store(session), count_papers=False)
    return to_opml([Outline(s.spec, s.label, s.url, s.folder) for s in items])


def _subscribing(outline: Outline, settings: Settings) -> write.Subscribing:
    """The subscription one OPML outline asks for.  An outline's label is kept as the user's
    unless it is the feed's own arXiv title (``cs.IR updates on arXiv.org``) or the label
    hub gives the source anyway."""
    try:
        source = registry.resolve(outline.spec, settings)
    except UsageError:
        source = registry.resolve(outline.url, settings)
    label = outline.label.strip()
    custom = bool(label) and label != source.label and not (
        source.kind == "arxiv" and registry.is_arxiv_feed_title(label))
    if custom:
        source = replace(source, label=label)
    return write.Subscribing(source, custom, outline.folder)


def import_opml(session: Session, data: bytes) -> Result:
    from hubcli.render.opml import parse_opml

    outlines = parse_opml(data)
    settings = session.settings()
    feeds_in_file: dict[str, write.Subscribing] = {}
    for outline in outlines:
        feed = _subscribing(outline, settings)
        # the same feed twice (a spec and its URL, or one feed in two folders): the first wins
        feeds_in_file.setdefault(feed.source.spec, feed)
    # no write.ensure_default_sources here: on a fresh machine the file is the whole radar
    store = session.store(create=True)
    assert store is not None
    added = write.import_subscriptions(store, list(feeds_in_file.values()))
    result = Result()
    result.note("info", "opml_imported", added=added, total=len(feeds_in_file))
    if len(feeds_in_file) < len(outlines):
        result.note("info", "opml_duplicates", count=len(outlines) - len(feeds_in_file))
    return result
