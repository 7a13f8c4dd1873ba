"""fetch -> parse -> store for many sources at once; returns a report.

Fetching and parsing run in a thread pool; every source's papers and its new feed state
are written in one transaction from the calling thread, so one failing source never
touches what the others gave, and an interrupted sync keeps every source already stored.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

from hubcli.config import Settings
from hubcli.errors import FeedError, HubError
from hubcli.models import ParsedFeed, Source, SourceResult, SyncReport
from hubcli.sources import registry
from hubcli.sources.fetch import Fetcher, FetchPolicy, FetchResult
from hubcli.sources.parse import parse_feed
from hubcli.store import write
from hubcli.store.db import Store

ProgressCallback = Callable[[SourceResult], None]


def policy_from(settings: Settings) -> FetchPolicy:
    return FetchPolicy(settings.connect_timeout, settings.read_timeout, settings.max_bytes, settings.retries)


def subscribed_sources(store: Store) -> list[Source]:
    rows = store.conn.execute(
        "SELECT spec, kind, label, url FROM sources WHERE subscribed = 1 ORDER BY id"
    ).fetchall()
    return [Source(*row) for row in rows]


def _validators(store: Store, spec: str) -> tuple[str | None, str | None]:
    row = store.conn.execute("SELECT etag, last_modified FROM sources WHERE spec = ?", (spec,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _fetch_and_parse(fetcher: Fetcher, source: Source, etag: str | None, last_modified: str | None
                     ) -> tuple[FetchResult, ParsedFeed | None]:
    fetched = fetcher.fetch(source.url, etag=etag, last_modified=last_modified)
    if fetched.status == 304:
        return fetched, None
    return fetched, parse_feed(fetched.content, content_type=fetched.content_type, location=source.url)


@contextlib.contextmanager
def sync_lock(lock_path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """One sync at a time per database: a second one waits (and says so) instead of racing."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: SQLite's own locking still keeps data safe
        yield
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_sync(store: Store, settings: Settings, sources: list[Source], *, jobs: int,
             on_result: ProgressCallback | None = None, fetcher: Fetcher | None = None) -> SyncReport:
    fetcher = fetcher or Fetcher(policy_from(settings))
    report = SyncReport()
    if not sources:
        return report
    validators = {s.spec: _validators(store, s.spec) for s in sources}
    started: dict[Future[tuple[FetchResult, ParsedFeed | None]], tuple[Source, float]] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(sources))), thread_name_prefix="hub-sync")
    try:
        for source in sources:
            etag, modified = validators[source.spec]
            started[pool.submit(_fetch_and_parse, fetcher, source, etag, modified)] = (source, time.monotonic())
        pending = set(started)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                source, t0 = started[future]
                result = _store_one(store, source, future)
                result.seconds = time.monotonic() - t0
                report.results.append(result)
                if on_result:
                    on_result(result)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    order = {s.spec: i for i, s in enumerate(sources)}
    report.results.sort(key=lambda r: order.get(r.source.spec, 0))
    return report


def _store_one(store: Store, source: Source, future: Future[tuple[FetchResult, ParsedFeed | None]]) -> SourceResult:
    result = SourceResult(source)
    try:
        fetched, parsed = future.result()
    except HubError as exc:
        result.error = exc
        write.record_fetch(store, source.spec, status="failed", error=str(exc), keep_validators=True)
        return result
    except Exception as exc:  # noqa: BLE001 - one broken source must not stop the others
        if os.environ.get("HUB_DEBUG"):
            raise
        result.error = FeedError("http_failed", reason=f"{type(exc).__name__}: {exc}"[:200], url=source.url)
        write.record_fetch(store, source.spec, status="failed", error=str(result.error), keep_validators=True)
        return result
    if parsed is None:
        result.not_modified = True
        write.record_fetch(store, source.spec, status="not-modified", keep_validators=True)
        return result
    state = {"status": "ok", "error": None, "etag": fetched.etag, "last_modified": fetched.last_modified,
             "feed_title": registry.label_from_feed_title(parsed.title)}
    counts = write.store_papers(store, source, parsed.papers, fetch_state=state)
    result.new, result.updated, result.unchanged = counts.new, counts.updated, counts.unchanged
    result.empty = parsed.is_empty_day
    result.skipped = parsed.skipped
    return result
