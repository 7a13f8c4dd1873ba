"""Shared fixtures: an isolated HUB_HOME, a loopback feed server, and a CLI runner.

No test reaches the internet or the user's real folders: ``HUB_HOME`` points at a temp
dir for every test, and every mirror setting points at a loopback server.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NoReturn

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "feeds"


@pytest.fixture(autouse=True)
def hub_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "hub-home"
    monkeypatch.setenv("HUB_HOME", str(home))
    for var in ("HUB_DB", "HUB_LANG", "HUB_MODEL", "HUB_DEBUG", "HUB_PAGER", "LC_ALL", "LC_MESSAGES", "NO_COLOR",
                "HUB_ARXIV_RSS_BASE", "HUB_ARXIV_API_URL", "HUB_BIORXIV_RSS_BASE", "HUB_MEDRXIV_RSS_BASE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    # any accidental network use goes nowhere
    monkeypatch.setenv("HUB_ARXIV_RSS_BASE", "http://127.0.0.1:9/rss/")
    monkeypatch.setenv("HUB_ARXIV_API_URL", "http://127.0.0.1:9/api/query")
    # the arXiv API pace is process-wide; tests that measure it set their own interval
    from hubcli.sources import arxiv_api

    monkeypatch.setattr(arxiv_api.PACER, "interval", 0.0)
    monkeypatch.setattr(arxiv_api.PACER, "_last", None)
    return home


@dataclass
class Response:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    etag: str | None = None  # answer 304 when If-None-Match matches


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    time: float


class FeedServer:
    """A real HTTP server on 127.0.0.1 serving programmable responses per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Response | Callable[[Request], Response] | list[Response]] = {}
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                server.requests.append(request)
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if route is None:
                    response = Response(b"not found", 404)
                elif callable(route):
                    response = route(request)
                elif isinstance(route, list):
                    response = route.pop(0) if len(route) > 1 else route[0]
                else:
                    response = route
                if response.delay:
                    time.sleep(response.delay)
                if response.etag and request.headers.get("if-none-match") == response.etag:
                    self.send_response(304)
                    self.send_header("ETag", response.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(response.status)
                headers = {"Content-Type": "application/rss+xml", **response.headers}
                if response.etag:
                    headers["ETag"] = response.etag
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                try:
                    self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, client_address: None  # clients hanging up early
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: bytes | str = b"", **kwargs: object) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Response(data, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path.split("?")[0] == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def arxiv_mirror(feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> FeedServer:
    """The arXiv RSS and API mirrors pointed at the loopback server."""
    monkeypatch.setenv("HUB_ARXIV_RSS_BASE", feed_server.url("/rss/"))
    monkeypatch.setenv("HUB_ARXIV_API_URL", feed_server.url("/api/query"))
    return feed_server


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_hub(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the real CLI in-process (same code path as the ``hub`` script)."""
    from hubcli.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def hub() -> Callable[..., Result]:
    return run_hub


def corpus_required() -> bool:
    """CI (``CI=true``) and ``HUB_REQUIRE_CORPUS=1`` need the corpus: no test skips for want of it."""
    return os.environ.get("HUB_REQUIRE_CORPUS") == "1" or os.environ.get("CI", "").lower() == "true"


def corpus_missing(reason: str = f"the shared corpus is not beside the project ({CORPUS})") -> NoReturn:
    """Skip a test that needs the corpus on a checkout without it; fail it where it is required."""
    if corpus_required():
        pytest.fail(f"{reason}; it is required here (HUB_REQUIRE_CORPUS=1 or CI=true): "
                    "put the corpus at ../shared/corpus beside the project", pytrace=False)
    pytest.skip(reason)


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        corpus_missing(f"the shared corpus is not beside the project ({path} is missing)")
    return path


def python_exe() -> str:
    return sys.executable


def run_on_a_terminal(args: list[str], extra_env: dict[str, str] | None = None, *,
                      timeout: float = 120) -> tuple[int, str]:
    """Run ``python -m hubcli`` with stdin, stdout and stderr on a real pseudo-terminal
    (with ``PAGER=cat``, so a long listing is not held in ``less``, unless the test sets it)."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LANG": "C.UTF-8", "PAGER": "cat",
           **(extra_env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "hubcli", *args], stdin=slave, stdout=slave, stderr=slave,
                            env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=timeout)
    os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$BROWSER records the URL instead of launching anything."""
    import webbrowser

    record = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(f"import sys; open({str(record)!r}, 'a').write(sys.argv[1] + '\\n')\n")
    monkeypatch.setenv("BROWSER", f"{sys.executable} {script} %s")
    monkeypatch.setattr(webbrowser, "_tryorder", None, raising=False)
    monkeypatch.setattr(webbrowser, "_browsers", {}, raising=False)
    return record


def fake_crontab(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A ``crontab`` command on PATH with the real one's interface (``-l`` prints, ``-``
    replaces) over a file: the environment to run hub with, and that file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    table = tmp_path / "crontab.txt"
    fake = bin_dir / "crontab"
    fake.write_text(f'#!/bin/sh\nif [ "$1" = "-l" ]; then [ -f {table} ] || exit 1; exec /bin/cat {table}; fi\n'
                    f"exec /bin/cat > {table}\n")
    fake.chmod(0o755)
    return {"PATH": str(bin_dir)}, table
