"""HTTP fetching for feeds: conditional GET, timeouts, a size cap, a redirect cap,
retries that honour ``Retry-After`` on 429/503, and an honest User-Agent.

Local feed files are read with the same size cap.  Every failure becomes a FeedError
whose message is one line naming the URL.
"""

from __future__ import annotations

import datetime
import email.utils
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from hubcli import __version__
from hubcli.errors import FeedError
from hubcli.text import strip_controls

if TYPE_CHECKING:
    import requests

USER_AGENT = f"hub/{__version__} (hubcli research radar; feeds are fetched at most once per sync)"
MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 503})
MAX_RETRY_AFTER = 120.0
_CHUNK = 64 * 1024
# told the bytes of a body received so far and its size when the server announced one
BytesCallback = Callable[[int, "int | None"], None]


@dataclass
class FetchResult:
    status: int  # 200, or 304 when not modified
    content: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    url: str = ""  # where the document was finally fetched from (after redirects), or the file path
    content_location: str | None = None  # the Content-Location header, as sent


@dataclass(frozen=True)
class FetchPolicy:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 32 * 1024 * 1024
    retries: int = 2
    backoff: float = 1.0

    @property
    def deadline(self) -> float:
        """Wall-clock bound for one response body (a server that drips bytes slowly)."""
        return self.connect_timeout + 4 * self.read_timeout


def _retry_after(value: str | None, attempt: int, backoff: float) -> float:
    if value:
        value = value.strip()
        if value.isdigit():
            return min(float(value), MAX_RETRY_AFTER)
        try:  # an HTTP-date; anything unreadable falls back to the backoff below
            parsed = email.utils.parsedate_to_datetime(value) if value else None
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None:  # "-0000": UTC, not local time
                parsed = parsed.replace(tzinfo=datetime.UTC)
            return float(max(0.0, min(parsed.timestamp() - time.time(), MAX_RETRY_AFTER)))
    return float(backoff * (2**attempt))


class Fetcher:
    """Thread-safe: each thread gets its own requests.Session."""

    def __init__(self, policy: FetchPolicy, *, sleep: object = time.sleep) -> None:
        self.policy = policy
        self._local = threading.local()
        self._sleep = sleep

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            import requests

            session = requests.Session()
            session.max_redirects = MAX_REDIRECTS
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept"] = (
                "application/rss+xml, application/rdf+xml, application/atom+xml, application/xml;q=0.9,"
                " text/xml;q=0.8, */*;q=0.1"
            )
            self._local.session = session
        return session

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              on_bytes: BytesCallback | None = None) -> FetchResult:
        if not url.lower().startswith(("http://", "https://")):
            local = self._read_file(url)
            if on_bytes is not None:
                on_bytes(len(local.content), len(local.content))
            return local
        attempt = 0
        while True:
            result, retry_after = self._fetch_once(url, etag, last_modified, on_bytes)
            if result is not None:
                return result
            if attempt >= self.policy.retries:
                raise FeedError("http_status", status=retry_after[1], url=url)
            self._sleep(_retry_after(retry_after[0], attempt, self.policy.backoff))  # type: ignore[operator]
            attempt += 1

    def _fetch_once(self, url: str, etag: str | None, last_modified: str | None,
                    on_bytes: BytesCallback | None = None) -> tuple[FetchResult | None, tuple[str | None, int]]:
        import requests

        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        policy = self.policy
        started = time.monotonic()  # the deadline covers connecting, headers and body
        try:
            response = self._session().get(
                url, headers=headers, timeout=(policy.connect_timeout, policy.read_timeout), stream=True
            )
        except requests.TooManyRedirects:
            raise FeedError("http_redirects", url=url) from None
        except requests.Timeout:
            raise FeedError("http_timeout", seconds=policy.read_timeout, url=url) from None
        except requests.ConnectionError as exc:
            reason = _short_reason(exc)
            if reason in _ANSWER_REASONS:  # connected, but what came back was no HTTP answer
                raise FeedError("http_failed", reason=reason, url=url) from None
            raise FeedError("http_connect", host=urlsplit(url).netloc, reason=reason) from None
        except requests.RequestException as exc:
            raise FeedError("http_failed", reason=_short_reason(exc), url=url) from None
        with response:
            if response.status_code == 304:
                return FetchResult(304, url=response.url, etag=etag, last_modified=last_modified), (None, 304)
            if response.status_code in RETRY_STATUSES:
                return None, (response.headers.get("Retry-After"), response.status_code)
            if response.status_code >= 400:
                raise FeedError("http_status", status=response.status_code, url=url)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                raise FeedError("http_too_large", limit=policy.max_bytes, url=url)
            # the announced size is of the body as sent: compressed, it says nothing of the decoded size
            encoded = response.headers.get("Content-Encoding", "").strip().lower() not in ("", "identity")
            size = int(declared) if declared and declared.isdigit() and not encoded else None
            body = _read_body(response, policy, started, url, on_bytes, size)
            return FetchResult(
                200, bytes(body), response.headers.get("Content-Type"), response.headers.get("ETag"),
                response.headers.get("Last-Modified"), response.url, response.headers.get("Content-Location"),
            ), (None, 200)

    def _read_file(self, path: str) -> FetchResult:
        file = Path(path)
        try:
            info = file.stat()
            if not stat.S_ISREG(info.st_mode):  # a FIFO would block forever, a device never end
                raise FeedError("file_unreadable", path=path, reason="not a regular file")
            size = info.st_size
            if size > self.policy.max_bytes:
                raise FeedError("http_too_large", limit=self.policy.max_bytes, url=path)
            with file.open("rb") as handle:
                data = handle.read(self.policy.max_bytes + 1)
        except OSError as exc:
            raise FeedError("file_unreadable", path=path, reason=exc.strerror or str(exc)) from None
        if len(data) > self.policy.max_bytes:
            raise FeedError("http_too_large", limit=self.policy.max_bytes, url=path)
        return FetchResult(200, data, None, None, None, path)


def _read_body(response: requests.Response, policy: FetchPolicy, started: float, url: str,
               on_bytes: BytesCallback | None = None, size: int | None = None) -> bytes:
    """The body, stopped as soon as it passes the size cap or the wall-clock deadline.

    ``read1`` returns after each network read (``iter_content`` would wait to fill a whole
    chunk), so a server dripping a byte at a time under the read timeout is cut off at
    the deadline, and a body with no Content-Length (or a decompression bomb: sizes are
    counted after decoding) is stopped while it streams, not after.
    """
    from urllib3.exceptions import HTTPError as TransportError
    from urllib3.exceptions import ReadTimeoutError

    body = bytearray()
    raw = response.raw
    try:
        while True:
            if time.monotonic() - started > policy.deadline:
                raise FeedError("http_timeout", seconds=policy.deadline, url=url)
            chunk = raw.read1(_CHUNK, decode_content=True)
            if not chunk:
                break
            body += chunk
            if len(body) > policy.max_bytes:
                raise FeedError("http_too_large", limit=policy.max_bytes, url=url)
            if on_bytes is not None:
                on_bytes(len(body), size)
    except (ReadTimeoutError, TimeoutError):
        raise FeedError("http_timeout", seconds=policy.read_timeout, url=url) from None
    except (TransportError, OSError) as exc:
        raise FeedError("http_failed", reason=_short_reason(exc), url=url) from None
    return bytes(body)


_ANSWER_REASONS = frozenset({"Remote end closed connection", "Connection reset", "not an HTTP response",
                             "incomplete body"})


def _short_reason(exc: BaseException) -> str:
    """The innermost, shortest useful reason (requests nests urllib3 errors deeply).

    Never quotes what a server sent (a status line can hold escape sequences)."""
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "No route to host",
                   "Temporary failure in name resolution", "No address associated with hostname",
                   "nodename nor servname provided", "getaddrinfo failed", "Network is unreachable",
                   "Connection reset", "certificate verify failed", "Read timed out",
                   "Remote end closed connection"):
        if marker in text:
            return marker
    if "BadStatusLine" in text or "LineTooLong" in text or "got more than" in text:
        return "not an HTTP response"
    if "IncompleteRead" in text:
        return "incomplete body"
    return " ".join(strip_controls(text).split())[:200] if text else type(exc).__name__
