"""``hub feeds add|list|remove|export|import|catalog``: subscriptions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hubcli.api.results import Data, Result
from hubcli.api.session import Session
from hubcli.config import DEFAULT_SUBSCRIPTIONS, Settings
from hubcli.errors import FeedError, HubError, NotFoundError, UsageError
from hubcli.i18n import Message
from hubcli.sources import registry
from hubcli.sources.fetch import Fetcher, FetchResult
from hubcli.store import write
from hubcli.store.db import Store
from hubcli.store.syncing import is_subscribed
from hubcli.sync_models import ParsedFeed, Source

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


def add(session: Session, source: str, label: str | None, *, check: bool = True) -> Result:
    """Subscribe to ``source``.  A new subscription's feed is read once first (unless not
    ``check``): one that cannot be read is refused (FeedError, nothing stored); one that
    can is named by its own title (a URL or file feed without ``label``), and its papers
    are stored as ``hub sync SOURCE`` would store them, validators included, so the next
    sync asks the server only for what changed."""
    custom = label.strip() if label and label.strip() else None
    settings = session.settings()
    resolved = registry.resolve(source, settings, label=custom)
    store = writable_store(session)
    result = Result()
    if is_subscribed(store, resolved.spec):
        write.subscribe(store, resolved, custom_label=bool(custom))
        result.note("info", "source_exists", label=resolved.label if custom else _stored_label(store, resolved),
                    spec=resolved.spec)
        return result
    if not check:
        write.subscribe(store, resolved, custom_label=bool(custom))
        result.note("info", "source_added", label=resolved.label, spec=resolved.spec)
        result.note("info", "feeds_not_checked")
        return result
    fetched, parsed = _read_once(settings, resolved)
    title = parsed.title if parsed is not None else None
    if not custom and resolved.kind in ("url", "file") and title:
        resolved = replace(resolved, label=registry.label_from_feed_title(title) or resolved.label)
    write.subscribe(store, resolved, custom_label=bool(custom))
    _store_read(store, resolved, fetched, parsed)
    result.note("info", "source_added", label=_stored_label(store, resolved), spec=resolved.spec)
    result.note("info", _read_notice(resolved, parsed), title=title or resolved.label,
                items=parsed.entries if parsed is not None else 0)
    if parsed is not None and parsed.partial:
        result.note("warn", "sync_partial", label=_stored_label(store, resolved), reason=parsed.partial,
                    count=len(parsed.papers))
    return result


def _stored_label(store: Store, source: Source) -> str:
    from hubcli.store.sources import source_label

    return source_label(store, source.spec) or source.label


def _read_once(settings: Settings, source: Source) -> tuple[FetchResult, ParsedFeed | None]:
    """The feed fetched and parsed with sync's fetcher, limits and parser; a FeedError
    naming the source when it cannot be read."""
    from hubcli.sync import fetch_and_parse, policy_from, unusable

    if source.kind == "arxiv":
        _known_categories(source)
    error: HubError | None
    try:
        fetched, parsed = fetch_and_parse(Fetcher(policy_from(settings)), source)
        error = unusable(parsed) if parsed is not None else None
    except HubError as exc:
        error = exc
    if error is not None:
        raise FeedError("feeds_add_unreadable", spec=source.spec, reason=Message(error.key, error.params))
    return fetched, parsed


def _known_categories(source: Source) -> None:
    """arXiv answers an unknown category with an empty feed: the taxonomy tells."""
    from hubcli.sources.arxiv_taxonomy import close_categories, is_known

    for category in source.spec.split(":", 1)[1].split("+"):
        if not is_known(category):
            close = close_categories(category)
            if close:
                raise NotFoundError("feeds_unknown_category_close", category=category, close=", ".join(close))
            raise NotFoundError("feeds_unknown_category", category=category)


def _store_read(store: Store, source: Source, fetched: FetchResult, parsed: ParsedFeed | None) -> None:
    from hubcli.rank.hooks import refresh_if_enabled
    from hubcli.sync import store_fetched

    stored = store_fetched(store, source, fetched, parsed)
    if stored.new or stored.updated:
        refresh_if_enabled(store)


def _read_notice(source: Source, parsed: ParsedFeed | None) -> str:
    """What reading the feed found: its title and number of items."""
    items = parsed.entries if parsed is not None else 0
    if items:
        return "feeds_read_one" if items == 1 else "feeds_read"
    return "feeds_read_empty_arxiv" if source.kind == "arxiv" else "feeds_read_empty"


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
