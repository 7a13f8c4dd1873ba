"""The seed page as an ASGI app: the routes over the handlers (``web/pages.py``), the
error pages (``web/errors.py``) and the Host guard (``web/security.py``).

The rooms: ``view.py`` (what a page shows, kept in its URL: language, filters, chips),
``cards.py`` (the one paper card, with the page's links), ``pages.py`` (the handlers),
``security.py`` (Host, the caps on a request, CSP, same-site POSTs), ``errors.py``, ``briefs.py`` (``/brief``).
"""

from __future__ import annotations

import mimetypes
import threading
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from hubcli.api.session import Session
from hubcli.config import Settings
from hubcli.web.errors import make_handlers, refusal
from hubcli.web.pages import Server as Server
from hubcli.web.security import Bounds, Guard, allowed_hosts

STATIC = Path(__file__).resolve().parent / "static"
# KaTeX's fonts (static/katex/fonts) with their type whatever the system's mime.types says
mimetypes.add_type("font/woff2", ".woff2")


def warm_features(settings: Settings) -> threading.Thread:
    """Bring the library's feature store up to date in a background thread (the radar and
    ``/recommend`` rank with it once the library holds enough papers; after a large import
    its first build takes minutes, and would otherwise fall on the first ``/radar``)."""

    def run() -> None:
        from hubcli.api.recommend import warm_features as warm

        session = Session(settings=settings)
        try:
            warm(session)
        except Exception:  # noqa: BLE001 - a warm-up only: the pages build the store on demand
            pass
        finally:
            session.close()

    thread = threading.Thread(target=run, name="hub-warm-features", daemon=True)
    thread.start()
    return thread


def create_app(settings: Settings, *, host: str = "127.0.0.1", port: int = 8765) -> Starlette:
    hosts = allowed_hosts(host, port)
    server = Server(settings, host=host, port=port, allowed_hosts=hosts)
    routes = [
        Route("/", server.papers),
        Route("/shuffle", server.shuffle),
        Route("/shuffle/shown", server.shuffle_shown, methods=["POST"]),
        Route("/radar", server.radar),
        Route("/library", server.library),
        Route("/library/{action}", server.library_post, methods=["POST"]),
        Route("/tldr", server.tldr_post, methods=["POST"]),
        Route("/recommend", server.recommend),
        Route("/brief", server.brief),
        Route("/brief/start", server.brief_start, methods=["POST"]),
        Route("/brief/status", server.brief_status),
        Route("/paper/{ident:path}", server.paper),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers=make_handlers(server))
    app.state.server = server
    app.add_middleware(Bounds, refuse=refusal(server))  # inside the Guard: the Host checked first
    app.add_middleware(Guard, allowed_hosts=hosts)
    return app
