"""The arXiv API (``HUB_ARXIV_API_URL``): author backfill, newest first, politely paced.

arXiv asks for at most one request every 3 seconds; :class:`Pacer` enforces that across
every thread of the process.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

from hubcli.models import Paper
from hubcli.sources.fetch import Fetcher
from hubcli.sources.parse import parse_feed

API_INTERVAL = 3.0
PAGE_SIZE = 100
DEFAULT_CAP = 300


class Pacer:
    """At most one call every ``interval`` seconds, process-wide."""

    def __init__(self, interval: float = API_INTERVAL, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last: float | None = None

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold the API for one request.  The interval runs from the end of the previous
        request, so the server never sees two requests closer than ``interval``."""
        with self._lock:
            if self._last is not None:
                remaining = self.interval - (self._clock() - self._last)
                if remaining > 0:
                    self._sleep(remaining)
            try:
                yield
            finally:
                self._last = self._clock()


PACER = Pacer()


def author_query(name: str) -> str:
    cleaned = " ".join(name.replace('"', " ").split())
    return f'au:"{cleaned}"'


def author_url(api_url: str, name: str, start: int, size: int) -> str:
    params = {"search_query": author_query(name), "start": start, "max_results": size,
              "sortBy": "submittedDate", "sortOrder": "descending"}
    return f"{api_url}{'&' if '?' in api_url else '?'}{urlencode(params)}"


def backfill_author(fetcher: Fetcher, api_url: str, name: str, *, cap: int = DEFAULT_CAP,
                    pacer: Pacer = PACER) -> list[Paper]:
    """The author's papers, newest first, up to ``cap``; FeedError on API errors."""
    papers: list[Paper] = []
    start = 0
    while start < cap:
        size = min(PAGE_SIZE, cap - start)
        with pacer.slot():
            fetched = fetcher.fetch(author_url(api_url, name, start, size))
        page = parse_feed(fetched.content, content_type=fetched.content_type).papers
        papers.extend(page)
        if len(page) < size:
            break
        start += size
    return papers


def ids_url(api_url: str, arxiv_ids: list[str]) -> str:
    params = {"id_list": ",".join(arxiv_ids), "start": 0, "max_results": len(arxiv_ids)}
    return f"{api_url}{'&' if '?' in api_url else '?'}{urlencode(params)}"


def fetch_ids(fetcher: Fetcher, api_url: str, arxiv_ids: list[str], *, pacer: Pacer = PACER) -> list[Paper]:
    """The API's records of these arXiv ids (one request, paced); FeedError on API errors."""
    if not arxiv_ids:
        return []
    with pacer.slot():
        fetched = fetcher.fetch(ids_url(api_url, arxiv_ids))
    return parse_feed(fetched.content, content_type=fetched.content_type).papers
