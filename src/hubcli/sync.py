"""fetch -> parse -> store for many sources at once; returns a report.

Fetching and parsing run on worker threads; every source's papers and its new feed state
are written in one transaction from the calling thread, so one failing source never
touches what the others gave, and an interrupted sync keeps every source already stored.

The workers are daemon threads and the calling thread waits for them with a deadline
(``[sync] total_timeout``): a server that stalls in a way no socket timeout sees (a name
look-up that hangs, headers dripped a byte at a time) can hold neither Ctrl-C nor the
whole sync past that bound.  Parsing takes one lock, so only one feed's parse tree is in
memory at a time, whatever ``--jobs`` is.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from hubcli.config import Settings
from hubcli.errors import FeedError, HubError, StoreError
from hubcli.sources import registry
from hubcli.sources.fetch import Fetcher, FetchPolicy, FetchResult
from hubcli.sources.parse import parse_feed
from hubcli.store import write
from hubcli.store.db import Store
from hubcli.store.sources import source_label
from hubcli.store.syncing import validators
from hubcli.sync_models import ParsedFeed, Source, SourceResult, SyncReport

ProgressCallback = Callable[[SourceResult], None]
# from a worker thread: a source's bytes received so far, and its size when announced
FetchCallback = Callable[[Source, int, "int | None"], None]
T = TypeVar("T")
# feedparser holds a whole document's tree (about 20 times its size): one parse at a time
_PARSE_LOCK = threading.Lock()


def policy_from(settings: Settings) -> FetchPolicy:
    return FetchPolicy(settings.connect_timeout, settings.read_timeout, settings.max_bytes, settings.retries)


def fetch_and_parse(fetcher: Fetcher, source: Source, etag: str | None = None, last_modified: str | None = None,
                    on_fetch: FetchCallback | None = None) -> tuple[FetchResult, ParsedFeed | None]:
    """One source fetched (conditionally, when validators are given) and parsed: ``None``
    for the feed when the server answered 304.  FeedError for anything unreadable."""
    on_bytes = None
    if on_fetch is not None:
        on_fetch(source, 0, None)
        on_bytes = lambda received, size: on_fetch(source, received, size)  # noqa: E731
    fetched = fetcher.fetch(source.url, etag=etag, last_modified=last_modified, on_bytes=on_bytes)
    if fetched.status == 304:
        return fetched, None
    with _PARSE_LOCK:
        # relative links resolve against where the feed really came from (after redirects)
        return fetched, parse_feed(fetched.content, content_type=fetched.content_type,
                                   location=fetched.url or source.url, content_location=fetched.content_location)


class _Workers:
    """A minimal pool of daemon threads returning :class:`Future` objects.

    ``ThreadPoolExecutor`` joins its threads when the interpreter exits, so Ctrl-C during
    a stalled fetch would wait for the server; daemon threads are simply dropped.  They
    only fetch and parse: every write happens in the calling thread.
    """

    def __init__(self, jobs: int) -> None:
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"hub-sync-{i}", daemon=True)
                         for i in range(jobs)]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._queue.put((future, fn))
        return future

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            future, fn = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn()
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self, futures: Iterator[Future[Any]] | list[Future[Any]]) -> None:
        """Cancel what has not started; running fetches finish (or die with the process)."""
        for future in futures:
            future.cancel()
        for _ in self._threads:
            self._queue.put(None)


@contextlib.contextmanager
def sync_lock(lock_path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """One sync at a time per database: a second one waits (and says so) instead of racing."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: SQLite's own locking still keeps data safe
        yield
        return
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")  # noqa: SIM115 - closed below
    except OSError as exc:  # a read-only HUB_HOME: one clear line, not a traceback
        raise StoreError("store_write_failed", path=str(lock_path), reason=exc.strerror or str(exc)) from None
    with handle:
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
             on_result: ProgressCallback | None = None, fetcher: Fetcher | None = None,
             on_fetch: FetchCallback | None = None) -> SyncReport:
    """Sync ``sources``; ``on_result`` hears of each one as it is stored (calling thread),
    ``on_fetch`` of its bytes as they arrive (worker threads: it must be thread-safe)."""
    fetcher = fetcher or Fetcher(policy_from(settings))
    report = SyncReport()
    if not sources:
        return report
    known = {s.spec: validators(store, s.spec) for s in sources}
    started: dict[Future[tuple[FetchResult, ParsedFeed | None]], tuple[Source, float]] = {}
    pool = _Workers(max(1, min(jobs, len(sources))))
    deadline = time.monotonic() + settings.total_timeout
    try:
        for source in sources:
            etag, modified = known[source.spec]
            task = _bind(fetcher, source, etag, modified, on_fetch)
            started[pool.submit(task)] = (source, time.monotonic())
        pending = set(started)
        while pending:
            left = deadline - time.monotonic()
            done, pending = wait(pending, timeout=max(0.0, left), return_when=FIRST_COMPLETED)
            if not done and left <= 0:  # the whole sync is over its bound: the rest fail
                for future in sorted(pending, key=lambda f: started[f][1]):
                    source, t0 = started[future]
                    result = _timed_out(store, source, settings.total_timeout)
                    result.seconds = time.monotonic() - t0
                    report.results.append(result)
                    if on_result:
                        on_result(result)
                break
            for future in done:
                source, t0 = started[future]
                result = _store_one(store, source, future)
                result.seconds = time.monotonic() - t0
                report.results.append(result)
                if on_result:
                    on_result(result)
    finally:
        pool.shutdown(list(started))
    order = {s.spec: i for i, s in enumerate(sources)}
    report.results.sort(key=lambda r: order.get(r.source.spec, 0))
    from hubcli.rank.hooks import refresh_if_enabled  # numpy and sklearn only where features exist

    refresh_if_enabled(store)
    return report


def _bind(fetcher: Fetcher, source: Source, etag: str | None, modified: str | None,
          on_fetch: FetchCallback | None = None) -> Callable[[], tuple[FetchResult, ParsedFeed | None]]:
    return lambda: fetch_and_parse(fetcher, source, etag, modified, on_fetch)


def _timed_out(store: Store, source: Source, seconds: float) -> SourceResult:
    result = SourceResult(source, error=FeedError("http_timeout", seconds=seconds, url=source.url))
    write.record_fetch(store, source.spec, status="failed", error=str(result.error), keep_validators=True)
    return result


def _store_one(store: Store, source: Source, future: Future[tuple[FetchResult, ParsedFeed | None]]) -> SourceResult:
    try:
        fetched, parsed = future.result()
    except HubError as exc:
        return _failed(store, source, exc)
    except Exception as exc:  # noqa: BLE001 - one broken source must not stop the others
        if os.environ.get("HUB_DEBUG"):
            raise
        return _failed(store, source, FeedError("http_failed", reason=f"{type(exc).__name__}: {exc}"[:200],
                                                url=source.url))
    return store_fetched(store, source, fetched, parsed)


def _failed(store: Store, source: Source, error: HubError) -> SourceResult:
    write.record_fetch(store, source.spec, status="failed", error=str(error), keep_validators=True)
    return SourceResult(source, error=error)


def unusable(parsed: ParsedFeed) -> FeedError | None:
    """Why a parsed feed gives nothing to store although it has items (every one dropped)."""
    if parsed.entries and not parsed.papers:
        key = "feed_entries_unidentified" if parsed.unidentified == parsed.entries else "feed_entries_unreadable"
        return FeedError(key, count=parsed.entries)
    return None


def store_fetched(store: Store, source: Source, fetched: FetchResult, parsed: ParsedFeed | None) -> SourceResult:
    """What one fetch gave, stored as a sync stores it (papers, validators, the feed's title)
    in one transaction.  A URL or file feed without a label of the user's is named by its
    own title, and the result carries that name."""
    result = SourceResult(source)
    if parsed is None:
        result.not_modified = True
        write.record_fetch(store, source.spec, status="not-modified", keep_validators=True)
        return result
    result.skipped, result.unidentified = parsed.skipped, parsed.unidentified
    error = unusable(parsed)
    if error is not None:  # every item was dropped: that is no success
        return _failed(store, source, error)
    state = {"status": "ok", "error": None, "etag": fetched.etag, "last_modified": fetched.last_modified,
             "feed_title": registry.label_from_feed_title(parsed.title)}
    counts = write.store_papers(store, source, parsed.papers, fetch_state=state)
    result.new, result.updated, result.unchanged = counts.new, counts.updated, counts.unchanged
    result.empty = parsed.is_empty_day
    result.partial = parsed.partial
    if source.kind in ("url", "file"):
        label = source_label(store, source.spec)
        if label and label != source.label:
            result.source = replace(source, label=label)
    return result


# why a request never reached a server: no network (or every server down), not one bad feed
OFFLINE_REASONS = frozenset({"Name or service not known", "Temporary failure in name resolution",
                             "No address associated with hostname", "nodename nor servname provided",
                             "getaddrinfo failed", "Connection refused", "No route to host",
                             "Network is unreachable"})


def network_failure(result: SourceResult) -> str | None:
    """The host a source failed to reach for a network reason (no name look-up, no connection)."""
    error = result.error
    if isinstance(error, FeedError) and error.key == "http_connect" and error.params.get("reason") in OFFLINE_REASONS:
        return str(error.params.get("host") or result.source.url)
    return None


def offline(results: list[SourceResult]) -> list[SourceResult] | None:
    """The results when every one of at least two failed for a network reason (hub seems
    to be offline), else None.  One unreachable source alone is that source's problem."""
    if len(results) < 2 or any(network_failure(r) is None for r in results):
        return None
    return results
