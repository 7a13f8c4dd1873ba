"""A real ``hub serve`` app on a loopback port, in a thread of the test process, over a
cache filled by ``hub import`` (shared by tests/test_serve*.py)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from feedgen import Item, arxiv_rss

HOSTILE_TITLE = 'Hostile $<script>window.__pwned=1$ and $<img src=x onerror="window.__pwned=2">$ title'


def papers_feed(tmp: Path, count: int = 30) -> Path:
    """An arXiv feed of ``count`` papers (cs.IR and cs.AI; Ada Lovelace wrote the even
    ones) and one hostile title."""
    items = [Item(f"2604.{10000 + i:05d}", f"Paper number {i} on bandits" if i % 3 == 0 else f"Paper number {i}",
                  ["Ada Lovelace", f"Author {i}"] if i % 2 == 0 else [f"Author {i}", "Grace Hopper"],
                  abstract=f"We study problem {i}. It matters.",
                  categories=["cs.IR"] if i % 2 else ["cs.AI"])
             for i in range(count)]
    items.append(Item("2604.09999", HOSTILE_TITLE, ["Mallory <b>Evil</b>"], abstract="$<script>x$ in the abstract",
                      categories=["cs.CR"]))
    path = tmp / "feed.xml"
    path.write_bytes(arxiv_rss("cs.IR", items))
    return path


class Live:
    """``create_app`` served by uvicorn on 127.0.0.1 (a free port); stop() ends it."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        import uvicorn

        from hubcli.cli.serve import listen
        from hubcli.config import load_settings
        from hubcli.web.app import create_app

        self.sock = listen(host, 0)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(load_settings(), host=host, port=self.port)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def keys(html: str) -> list[str]:
    """The paper keys of the cards on a page, in order."""
    return re.findall(r'<article class="card[^"]*" data-key="([^"]+)"', html)


def token(html: str) -> str:
    """The page's token for its state-changing forms."""
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found
    return found.group(1)
