"""The page's guards: the Host header (DNS rebinding), the size of every request (URL,
parameters, values), the security headers (CSP), the checks on every state-changing POST
(same site, the page's token) and where a POST may send the browser next."""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hubcli.web.view import MAX_PARAMS, MAX_URL_BYTES, MAX_VALUE_CHARS, accept_language

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make Chrome send "Origin: null"
    (b"cross-origin-opener-policy", b"same-origin"),
]
MAX_FORM_BYTES = 64_000


class Forbidden(Exception):
    """A cross-site or token-less state change."""


async def checked_form(request: Request, token: str) -> dict[str, str]:
    """The form of a state-changing POST, refused (403) when it comes from another site:
    the browser's Sec-Fetch-Site and Origin must name this page, the token must match."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise Forbidden()
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        raise Forbidden()
    declared = request.headers.get("content-length", "0")
    if not (declared.isascii() and declared.isdigit()) or len(declared) > 12 or int(declared) > MAX_FORM_BYTES:
        raise Forbidden()
    body = b""
    async for chunk in request.stream():  # read no further than the cap, whatever was declared
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise Forbidden()
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if not hmac.compare_digest(form.get("token", "").encode(), token.encode()):
        raise Forbidden()
    return form


# (path, language, whether lang= chose it, status, message key, its parameters) -> the page
Refuse = Callable[[str, str, bool, int, str, dict[str, Any]], Response]
_LANG = re.compile(rb"(?:^|&)lang=(en|zh)(?=&|$)", re.IGNORECASE)


def oversized(scope: Scope) -> tuple[int, str, dict[str, Any]] | None:
    """What is too big in a request, before anything parses it: a URL over
    ``MAX_URL_BYTES`` (414), more than ``MAX_PARAMS`` parameters or a value over
    ``MAX_VALUE_CHARS`` characters (400); None when it is within the caps."""
    raw_path: bytes = scope.get("raw_path") or str(scope.get("path", "")).encode()
    query: bytes = scope.get("query_string") or b""
    length = len(raw_path) + (len(query) + 1 if query else 0)
    if length > MAX_URL_BYTES:
        return 414, "serve_url_too_long", {"length": length, "maximum": MAX_URL_BYTES}
    parts = [part for part in query.split(b"&") if part]
    if len(parts) > MAX_PARAMS:
        return 400, "serve_too_many_params", {"count": len(parts), "maximum": MAX_PARAMS}
    for part in parts:
        name, _, value = part.partition(b"=")
        text = unquote_plus(value.decode("latin-1"), errors="replace")
        if len(text) > MAX_VALUE_CHARS:
            shown = unquote_plus(name.decode("latin-1"), errors="replace")[:40]
            return 400, "serve_value_too_long", {"name": shown, "length": len(text), "maximum": MAX_VALUE_CHARS}
    return None


def scope_language(scope: Scope) -> tuple[str, bool]:
    """The language of a request not parsed yet: its last ``lang=en|zh``, else the
    browser's ``Accept-Language``; and whether ``lang=`` chose it."""
    found = _LANG.findall(scope.get("query_string") or b"")
    if found:
        return found[-1].decode().lower(), True
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            return accept_language(value.decode("latin-1")), False
    return "en", False


class Bounds:
    """Every request within the caps before any work is done (an ``<img>`` on any website
    can send the page a URL): otherwise a small page in the user's language, drawn by
    ``refuse``, with a 414 or a 400."""

    def __init__(self, app: ASGIApp, refuse: Refuse) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = oversized(scope) if scope["type"] == "http" else None
        if problem is None:
            await self.app(scope, receive, send)
            return
        status, key, params = problem
        lang, chosen = scope_language(scope)
        path = str(scope.get("path", "/"))
        response = self.refuse(path if len(path) <= 200 else "/", lang, chosen, status, key, params)
        await response(scope, receive, send)


def local_path(target: str | None) -> str:
    """Where to go after a POST: a path on this site only (never ``//elsewhere``)."""
    text = (target or "/").strip()
    if not text.startswith("/") or text.startswith("//") or "\\" in text or any(ord(c) < 32 for c in text):
        return "/"
    return text


class Guard:
    """Every response: the security headers; every request: the Host header must be the
    served one (a DNS-rebinding page names its own host), else 421."""

    def __init__(self, app: ASGIApp, allowed_hosts: set[str]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = ""
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = value.decode("latin-1").strip().lower()
                break
        if host not in self.allowed:
            await misdirected(send)
            return

        started = time.perf_counter()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS, (b"server-timing", took)]
            await send(message)

        await self.app(scope, receive, with_headers)


async def misdirected(send: Send) -> None:
    """421, in both languages (the request's own language is not trusted yet)."""
    body = ("421 Misdirected Request: this hub page answers only to its own address.\n"
            "421：此 hub 页面只响应它自己的地址。\n").encode()
    await send({"type": "http.response.start", "status": 421,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers this server answers: its address, and the loopback names when it
    listens on loopback or everywhere (then the machine's own names and addresses too)."""
    import socket

    names = {host}
    loopback = {"127.0.0.1", "localhost", "[::1]"}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= loopback
    if host in ("0.0.0.0", "::", ""):
        names |= loopback
        try:
            hostname = socket.gethostname()
            names |= {hostname, socket.getfqdn()}
            names |= set(socket.gethostbyname_ex(hostname)[2])
        except OSError:
            pass
    out = set()
    for name in names:
        shown = f"[{name}]" if ":" in name and not name.startswith("[") else name
        out.add(f"{shown}:{port}")
        if port == 80:
            out.add(shown)
    return {h.lower() for h in out}
