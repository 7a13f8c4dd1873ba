"""Error pages: every failure a request meets becomes one page in the user's language,
with the status it deserves (never a traceback)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from hubcli.api.session import database_error
from hubcli.errors import HubError, NotFoundError, UsageError
from hubcli.web.pages import Server
from hubcli.web.security import Forbidden, Refuse
from hubcli.web.view import View, request_language

Handler = Callable[[Request, Exception], Awaitable[Response]]


def error_page(server: Server, request: Request, status: int, key: str, **params: Any) -> HTMLResponse:
    lang = request_language(request)
    view = View(request.url.path, lang, [("lang", lang)] if request.query_params.get("lang") == lang else [])
    return server.page(view, "message.html", status=status, kind="error",
                       title=view._(f"serve_status_{status}"), message=view._(key, **params))


def refusal(server: Server) -> Refuse:
    """How ``security.Bounds`` answers a request over the caps: the same small error page,
    in the language the request asked for."""

    def refuse(path: str, lang: str, chosen: bool, status: int, key: str, params: dict[str, Any]) -> Response:
        view = View(path, lang, [("lang", lang)] if chosen else [])
        return server.page(view, "message.html", status=status, kind="error",
                           title=view._(f"serve_status_{status}"), message=view._(key, **params))

    return refuse


def make_handlers(server: Server) -> dict[Any, Handler]:
    """The app's exception handlers: a usage error is a 400, a missing paper a 404, a
    cross-site change a 403, a busy or damaged cache a 503, anything else a 500."""

    def hub_error(status: int) -> Handler:
        async def handle(request: Request, exc: Exception) -> Response:
            assert isinstance(exc, HubError)
            return error_page(server, request, status, exc.key, **exc.params)

        return handle

    async def forbidden(request: Request, exc: Exception) -> Response:
        return error_page(server, request, 403, "serve_cross_site")

    async def database(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, sqlite3.Error)
        error = database_error(exc, server.settings)
        return error_page(server, request, 503, error.key, **error.params)

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        status = exc.status_code if exc.status_code in (404, 405) else 400
        return error_page(server, request, status, f"serve_status_{status}_text", path=request.url.path)

    async def unexpected(request: Request, exc: Exception) -> Response:
        return error_page(server, request, 500, "serve_unexpected", error=type(exc).__name__)

    return {UsageError: hub_error(400), NotFoundError: hub_error(404), HubError: hub_error(500),
            Forbidden: forbidden, sqlite3.Error: database, HTTPException: http, Exception: unexpected}
