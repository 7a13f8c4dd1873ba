"""The seed page as an ASGI app: routes, the view in the URL, safety checks.

Starlette runs the sync endpoints in a thread pool; each worker thread keeps its own
connection to the cache (sqlite3 connections are not thread-safe), so no connection is
ever shared.  Reads never wait for a concurrent ``hub sync`` (the database is in WAL
mode).  Writes are the library buttons (POST, refused when cross-site) and the shuffle
memory ``hub shuffle`` shares.
"""

from __future__ import annotations

import hmac
import secrets
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hubcli.api.results import Listing, Notice
from hubcli.api.session import Session
from hubcli.config import Settings
from hubcli.errors import HubError, NotFoundError, UsageError
from hubcli.filters import Filters, filter_fields, make_filters
from hubcli.i18n import LANGUAGES, translate
from hubcli.models import LibraryState, Paper
from hubcli.store.db import Store, open_store, store_error
from hubcli.web import briefs

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# query parameter -> Filters field (the CLI's option names; see SPEC "Serve")
FILTER_PARAMS = {"author": "authors", "category": "categories", "source": "sources", "search": "search",
                 "topic": "topic", "since": "since", "until": "until", "type": "types", "unseen": "unseen",
                 "tag": "tags", "saved": "saved", "unread": "unread"}
LIST_FIELDS = ("authors", "categories", "sources", "types", "tags")
FLAG_FIELDS = ("unseen", "saved", "unread")
VIEW_PARAMS = (*FILTER_PARAMS, "page", "n", "sort", "show", "lang")
SHUFFLE_N = 10
MAX_PER_PAGE = 100
ABSTRACT_CHARS = 900
CARD_AUTHORS = 12  # authors named on a card (the paper's page names them all)
CACHE_KIB = 32_768  # SQLite page cache of each worker thread's connection
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make Chrome send "Origin: null"
    (b"cross-origin-opener-policy", b"same-origin"),
]
LIBRARY_ACTIONS = ("save", "unsave", "tag", "dismiss", "undismiss")


# --- the view: language and query parameters ---------------------------------------------

def accept_language(header: str) -> str:
    """The first of en/zh the browser prefers (``Accept-Language``), else en."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        rest = rest.strip()
        if rest.startswith("q="):
            try:
                quality = float(rest[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()))
    for _q, _i, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "en"


def request_language(request: Request) -> str:
    """``lang=`` when valid, else the browser's preference (an invalid ``lang=`` is a 400
    raised by :func:`View.of`, in this language)."""
    lang = (request.query_params.get("lang") or "").strip().lower()
    if lang in LANGUAGES:
        return lang
    return accept_language(request.headers.get("accept-language", ""))


@dataclass
class View:
    """What one page shows: the language, the query parameters kept in links."""

    path: str
    lang: str
    pairs: list[tuple[str, str]] = field(default_factory=list)
    here: str | None = None  # where a library button comes back to (default: this URL)

    @classmethod
    def of(cls, request: Request) -> View:
        pairs = [(k, v) for k, v in request.query_params.multi_items() if k in VIEW_PARAMS]
        view = cls(request.url.path, request_language(request), pairs)
        raw_lang = request.query_params.get("lang")
        if raw_lang is not None and raw_lang.strip().lower() not in LANGUAGES:
            raise UsageError("bad_lang", value=raw_lang)
        return view

    def _(self, key: str, /, **params: Any) -> str:
        return translate(key, self.lang, **params)

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def one(self, name: str) -> str | None:
        found = self.values(name)
        return found[-1] if found else None

    def url(self, path: str | None = None, pairs: list[tuple[str, str]] | None = None) -> str:
        query = urlencode(self.pairs if pairs is None else pairs)
        return (path or self.path) + ("?" + query if query else "")

    def kept(self, *, drop: tuple[str, ...] = ("page",)) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.pairs if k not in drop]

    def without(self, name: str, value: str) -> str:
        """This page without one filter value (a chip's ×); back to page 1."""
        return self.url(pairs=[(k, v) for k, v in self.kept() if not (k == name and v == value)])

    def adding(self, name: str, value: str, path: str = "/") -> str:
        """The listing with one more filter value (an author's link adds an author chip)."""
        pairs = self.kept(drop=("page", "n"))
        if (name, value) not in pairs:
            pairs.append((name, value))
        return self.url(path, pairs)

    def with_param(self, name: str, value: str | None, path: str | None = None) -> str:
        pairs = [(k, v) for k, v in self.pairs if k != name]
        if value is not None:
            pairs.append((name, value))
        return self.url(path, pairs)

    def lang_pairs(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.pairs if k == "lang"]

    def filter_pairs(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.pairs if k in FILTER_PARAMS or k == "lang"]

    def listing_url(self, path: str) -> str:
        """Another page over the same filters (and language)."""
        return self.url(path, self.filter_pairs())


def filters_of(view: View) -> Filters:
    """The query's filters, validated as the CLI validates its options (UsageError)."""
    raw: dict[str, Any] = {}
    for name, field_name in FILTER_PARAMS.items():
        values = view.values(name)
        if field_name in LIST_FIELDS:
            raw[field_name] = values
        elif field_name in FLAG_FIELDS:
            raw[field_name] = any(v.strip().lower() in ("", "1", "true", "yes", "on") for v in values)
        elif values:
            raw[field_name] = values[-1]
    return make_filters(**raw)


def number(view: View, name: str, default: int, *, maximum: int | None = None) -> int:
    raw = view.one(name)
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if not text.isdigit() or int(text) < 1 or (maximum is not None and int(text) > maximum):
        raise UsageError("serve_bad_number", name=name, value=raw, maximum=maximum or "∞")
    return int(text)


def chips_of(view: View) -> list[dict[str, str]]:
    """One chip per filter value, each with the URL that removes it."""
    keys = {spec.name: option.chip for spec, option in filter_fields()}
    ranks = {spec.name: option.chip_rank for spec, option in filter_fields()}
    out: list[tuple[int, int, dict[str, str]]] = []
    for index, (name, value) in enumerate(view.pairs):
        field_name = FILTER_PARAMS.get(name)
        if field_name is None or (field_name not in FLAG_FIELDS and not value.strip()):
            continue
        label = view._(keys[field_name], value=value.strip())
        out.append((ranks[field_name], index, {"label": label, "remove": view.without(name, value),
                                               "remove_label": view._("serve_remove_filter", label=label)}))
    return [chip for _rank, _index, chip in sorted(out, key=lambda item: (item[0], item[1]))]


# --- cards ------------------------------------------------------------------------------

def link_or_none(url: str | None) -> str | None:
    """A feed's link for an ``href``: http(s) only (never ``javascript:`` or ``data:``)."""
    from hubcli.render.formats import safe

    text = safe(url).strip()
    return text if text.lower().startswith(("https://", "http://")) else None


def library_states(papers: list[Paper]) -> dict[int, LibraryState]:
    """The library state of each paper (the ONE place the page reads it): what
    ``load_papers`` filled in."""
    return {p.rowid: p.library for p in papers if p.rowid is not None}


def paper_path(paper: Paper) -> str:
    return "/paper/" + quote(paper.key, safe=":")


def card(view: View, paper: Paper, number_: int, state: LibraryState | None, *, full: bool = False,
         reasons: list[str] | None = None) -> dict[str, Any]:
    from hubcli.render.formats import display_id, safe, source_label

    abstract = safe(paper.abstract)
    if not full and len(abstract) > ABSTRACT_CHARS:
        abstract = abstract[:ABSTRACT_CHARS].rsplit(" ", 1)[0] + " …"
    names = [safe(a) for a in paper.authors]
    authors = [a for a in names if a]
    more = 0
    if not full and len(authors) > CARD_AUTHORS:  # a collaboration paper lists hundreds
        authors, more = authors[:CARD_AUTHORS], len(authors) - CARD_AUTHORS
    return {
        "number": f"{number_:02d}.",
        "key": paper.key,
        "id": display_id(paper),
        "source": safe(source_label(paper)),
        "date": safe(paper.published),
        "title": safe(paper.title) or view._("serve_untitled"),
        "authors": [{"name": a, "url": view.adding("author", a)} for a in authors],
        "more_authors": view._("and_more_authors", count=more) if more else "",
        "abstract": abstract,
        "abs_url": link_or_none(paper.url),
        "pdf_url": link_or_none(paper.pdf_url),
        "detail_url": view.url(paper_path(paper), view.lang_pairs()),
        "categories": [safe(c) for c in paper.categories],
        "journal": safe(paper.journal),
        "saved": bool(state is not None and state.saved),
        "dismissed": bool(state is not None and state.dismissed),
        "tags": [{"name": safe(tag), "url": view.url("/library", [("tag", tag), *view.lang_pairs()])}
                 for tag in (state.tags if state is not None else [])],
        "reasons": reasons or [],
    }


def cards(view: View, store: Store | None, papers: list[Paper], *, start: int = 1,
          reasons: dict[int, str] | None = None) -> list[dict[str, Any]]:
    states = library_states(papers)
    return [card(view, p, start + i, states.get(p.rowid or -1),
                 reasons=[reasons[p.rowid]] if reasons and p.rowid in reasons else None)
            for i, p in enumerate(papers)]


def notices(view: View, items: list[Notice]) -> list[dict[str, str]]:
    return [{"level": n.level, "text": view._(n.key, **n.params)} for n in items]


# --- the app ----------------------------------------------------------------------------

class Server:
    """What every request needs: settings, the templates, the served host and port."""

    def __init__(self, settings: Settings, *, host: str, port: int, allowed_hosts: set[str]) -> None:
        self.settings = settings
        self.host = host
        self.port = port
        self.allowed_hosts = allowed_hosts
        self.token = secrets.token_urlsafe(32)
        self.briefs = briefs.Jobs()
        self._local = threading.local()
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                               autoescape=select_autoescape(default=True, default_for_string=True),
                               trim_blocks=True, lstrip_blocks=True)

    @contextmanager
    def store(self) -> Iterator[Store | None]:
        """This thread's connection to the cache (None while there is no cache yet).

        sqlite3 connections are not shared between threads; each worker thread of the pool
        keeps its own, so its page cache stays warm from one request to the next."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.settings.paths.database, create=False)
            if store is not None:
                store.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
                self._local.store = store
        try:
            yield store
        except sqlite3.Error:
            if store is not None:  # a damaged or replaced file: open afresh next time
                self._local.store = None
                store.conn.close()
            raise

    def session(self, store: Store | None) -> Session:
        """A request's way into ``api``: this thread's connection (never closed by it)."""
        return Session(settings=self.settings, store=store)

    def page(self, view: View, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        nav = [(path, view._(key), view.listing_url(path))
               for path, key in (("/", "serve_nav_papers"), ("/radar", "serve_nav_radar"),
                                 ("/library", "serve_nav_library"), ("/recommend", "serve_nav_recommend"),
                                 ("/brief", "serve_nav_brief"))]
        langs = [(code, view._(f"serve_lang_{code}"), view.with_param("lang", code)) for code in LANGUAGES]
        html = self.env.get_template(template).render(
            _=view._, view=view, nav=nav, langs=langs, token=self.token, here=view.here or view.url(), **values)
        return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})

    # -- listings --

    def listing_page(self, view: View, result: Listing, store: Store | None, *, kind: str,
                     page: int | None = None, pages: int | None = None, reasons: dict[int, str] | None = None,
                     **extra: Any) -> HTMLResponse:
        footer = view._(result.footer.key, **result.footer.params) if result.footer else ""
        pager = None
        if page is not None and pages is not None and pages > 1:
            pager = {"prev": view.with_param("page", str(page - 1)) if page > 1 else None,
                     "next": view.with_param("page", str(page + 1)) if page < pages else None,
                     "text": footer}
        return self.page(view, "listing.html", kind=kind, chips=chips_of(view),
                         before=notices(view, result.before), after=notices(view, result.after), footer=footer,
                         cards=cards(view, store, result.papers, start=result.start, reasons=reasons),
                         pager=pager, shuffle_url=view.url("/shuffle", view.filter_pairs()), **extra)

    def papers(self, request: Request) -> Response:
        from hubcli.api import reading
        from hubcli.filters import SORTS

        view = View.of(request)
        filters = filters_of(view)
        page = number(view, "page", 1)
        per_page = number(view, "n", self.settings.per_page, maximum=MAX_PER_PAGE)
        sort = view.one("sort") or "date"
        if sort not in SORTS:
            raise UsageError("bad_sort", value=sort, choices=", ".join(SORTS))
        with self.store() as store:
            result = reading.list_papers(self.session(store), filters, page=page, per_page=per_page, sort=sort)
            pages = int(result.footer.params.get("pages", 1)) if result.footer else 1
            return self.listing_page(view, result, store, kind="papers", page=page, pages=pages)

    def shuffle(self, request: Request) -> Response:
        """A batch not shown before (``hub shuffle``'s rounds); ``show=`` names a batch
        already drawn (where a library button on that batch comes back to)."""
        from hubcli.api import reading

        view = View.of(request)
        filters = filters_of(view)
        n = number(view, "n", SHUFFLE_N, maximum=MAX_PER_PAGE)
        shown = view.one("show")
        with self.store() as store:
            if shown is not None:
                result = self.batch(view, store, shown)
            else:
                result = reading.shuffle(self.session(store), filters, n=n, seed=None)
                ids = ",".join(str(p.rowid) for p in result.papers)
                view.here = view.url(pairs=[*view.kept(drop=("page", "show")), ("show", ids)])
            return self.listing_page(view, result, store, kind="shuffle")

    @staticmethod
    def batch(view: View, store: Store | None, shown: str) -> Listing:
        from hubcli.store.query import load_papers

        parts = [p.strip() for p in shown.split(",") if p.strip()]
        if len(parts) > MAX_PER_PAGE or not all(p.isdigit() for p in parts):
            raise UsageError("serve_bad_batch", value=shown[:80])
        papers = load_papers(store.conn, [int(p) for p in parts]) if store is not None else []
        return Listing(papers=papers, footer=Notice("info", "serve_batch_footer", {"shown": len(papers)}))

    def radar(self, request: Request) -> Response:
        from hubcli.api import reading

        view = View.of(request)
        limit = number(view, "n", 50, maximum=500)
        with self.store() as store:
            result = reading.radar(self.session(store), limit=limit, peek=True)
            # the CLI's "more ... count as seen" does not hold here: the page only peeks
            result.after = [n for n in result.after if n.key != "radar_more"]
            if result.footer and result.footer.params.get("total", 0) > len(result.papers):
                result.note("hint", "serve_radar_more", after=True,
                            more=result.footer.params["total"] - len(result.papers))
            follows = self.follows(view, store)
            reasons = None
            if result.reasons is not None:
                reasons = {pid: view._("serve_because", why=", ".join(view._(m.key, **m.params) for m in why))
                           for pid, why in result.reasons.items()}
            return self.listing_page(view, result, store, kind="radar", reasons=reasons, follows=follows)

    @staticmethod
    def follows(view: View, store: Store | None) -> list[dict[str, str]]:
        if store is None:
            return []
        from hubcli.store.follows import list_follows

        param = {"author": "author", "topic": "topic", "category": "category"}
        return [{"label": view._({"author": "chip_authors", "topic": "chip_topic",
                                  "category": "chip_categories"}[f.kind], value=f.value),
                 "url": view.url("/", [(param[f.kind], f.value), *view.lang_pairs()])}
                for f in list_follows(store)]

    def library(self, request: Request) -> Response:
        from hubcli.store import library
        from hubcli.store.query import load_papers

        view = View.of(request)
        tag = (view.one("tag") or "").strip() or None
        page = number(view, "page", 1)
        per = number(view, "n", self.settings.per_page, maximum=MAX_PER_PAGE)
        with self.store() as store:
            ids = library.saved_ids(store, tag) if store is not None else []
            tags = library.tags(store) if store is not None else []
            pages = max(1, -(-len(ids) // per))
            papers = load_papers(store.conn, ids[(page - 1) * per:page * per]) if store is not None else []
            result = Listing(papers=papers, start=(page - 1) * per + 1,
                             footer=Notice("info", "serve_library_footer",
                                           {"page": page, "pages": pages, "total": len(ids)}))
            if not ids:
                result.note("hint", "serve_library_empty_tag" if tag else "serve_library_empty", after=True,
                            tag=tag or "")
            lang_pairs = view.lang_pairs()
            tag_chips = [{"label": f"{t.name} ({t.papers})", "active": t.name == tag,
                          "url": view.url("/library", [("tag", t.name), *lang_pairs])} for t in tags]
            active = [{"label": view._("serve_chip_tag", value=tag), "remove": view.url("/library", lang_pairs),
                       "remove_label": view._("serve_remove_filter", label=tag)}] if tag else []
            return self.listing_page(view, result, store, kind="library", page=page, pages=pages,
                                     tag_chips=tag_chips, tag_active=active)

    def recommend(self, request: Request) -> Response:
        """New papers ranked by the library (``hub recommend --explain``); ``tag=`` names
        the saved papers the model learns from, as there."""
        from hubcli.api.recommend import recommend
        from hubcli.render.formats import safe

        view = View.of(request)
        filters = filters_of(view)
        n = number(view, "n", 20, maximum=MAX_PER_PAGE)
        with self.store() as store:
            result = recommend(self.session(store), filters, n=n, explain=True)
            reasons: dict[int, str] = {}
            for paper in result.papers:
                pid = paper.rowid or -1
                why = (result.explanations or {}).get(pid)
                score = (result.scores or {}).get(pid)
                parts = []
                if score is not None:
                    parts.append(view._("serve_score", score=f"{score:.2f}"))
                if why is not None and why.words:
                    parts.append(view._("serve_recommend_words", words=", ".join(safe(w) for w in why.words)))
                if why is not None and why.like_title:
                    parts.append(view._("serve_recommend_like", title=safe(why.like_title)))
                if parts:
                    reasons[pid] = " · ".join(parts)
            return self.listing_page(view, result, store, kind="recommend", reasons=reasons)

    def paper(self, request: Request) -> Response:
        from hubcli.api import reading

        view = View.of(request)
        ident = request.path_params["ident"]
        with self.store() as store:
            found = reading.find(self.session(store), ident)
            state = library_states([found]).get(found.rowid or -1)
            return self.page(view, "paper.html", kind="paper", card=card(view, found, 1, state, full=True))

    # -- the library buttons --

    async def library_post(self, request: Request) -> Response:
        action = request.path_params["action"]
        form = await self.checked_form(request)
        if action not in LIBRARY_ACTIONS:
            raise HTTPException(404)
        await run_in_threadpool(self.library_change, action, form)
        return RedirectResponse(local_path(form.get("next")), status_code=303)

    def library_change(self, action: str, form: dict[str, str]) -> None:
        from hubcli.store import library
        from hubcli.store.query import find_paper

        ident = (form.get("id") or "").strip()
        with self.store() as store:
            paper = find_paper(store, ident) if store is not None else None
            if store is None or paper is None or paper.rowid is None:
                raise NotFoundError("paper_not_found", ident=ident)
            ids = [paper.rowid]
            if action == "save":
                library.save(store, ids)
            elif action == "unsave":
                library.unsave(store, ids)
            elif action == "tag":
                names = [n for n in (form.get("tag") or "").split(",") if n.strip()]
                if not names:
                    raise UsageError("library_bad_tag", tag=form.get("tag") or "")
                library.tag(store, ids, names)
            elif action == "dismiss":
                library.dismiss(store, ids)
            else:
                library.undismiss(store, ids)

    async def checked_form(self, request: Request) -> dict[str, str]:
        """The form of a state-changing POST, refused (403) when it comes from another site:
        the browser's Sec-Fetch-Site and Origin must name this page, the token must match."""
        site = request.headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            raise Forbidden()
        origin = request.headers.get("origin")
        if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
            raise Forbidden()
        body = await request.body()
        if len(body) > 64_000:
            raise Forbidden()
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if not hmac.compare_digest(form.get("token", "").encode(), self.token.encode()):
            raise Forbidden()
        return form

    # -- briefs --

    def brief(self, request: Request) -> Response:
        view = View.of(request)
        filters = filters_of(view)
        job_id = view.one("job") or request.query_params.get("job")
        with self.store() as store:
            shown = briefs.page_brief(self, store, filters, view.lang, job_id)
        return self.page(view, "brief.html", kind="brief", chips=chips_of(view), brief=shown,
                         start_url="/brief/start", filter_pairs=view.filter_pairs())

    async def brief_start(self, request: Request) -> Response:
        form = await self.checked_form(request)
        pairs = [(k, v) for k, v in parse_qsl(form.get("view", ""), keep_blank_values=True) if k in VIEW_PARAMS]
        view = View("/brief", form_language(form, request), pairs)
        filters = filters_of(view)
        job = self.briefs.start(self.settings, filters, view.lang)
        return RedirectResponse(view.url("/brief", [*view.filter_pairs(), ("job", job)]), status_code=303)

    def brief_status(self, request: Request) -> Response:
        view = View.of(request)
        job = self.briefs.get(request.query_params.get("job", ""))
        if job is None:
            return JSONResponse({"state": "unknown", "message": view._("serve_brief_unknown_job")}, status_code=404)
        return JSONResponse({"state": job.state, "message": job.message_in(view.lang)})


class Forbidden(Exception):
    """A cross-site or token-less state change."""


def form_language(form: dict[str, str], request: Request) -> str:
    lang = (form.get("lang") or "").strip().lower()
    return lang if lang in LANGUAGES else request_language(request)


def local_path(target: str | None) -> str:
    """Where to go after a POST: a path on this site only (never ``//elsewhere``)."""
    text = (target or "/").strip()
    if not text.startswith("/") or text.startswith("//") or "\\" in text or any(ord(c) < 32 for c in text):
        return "/"
    return text


# --- errors -----------------------------------------------------------------------------

def error_page(server: Server, request: Request, status: int, key: str, **params: Any) -> HTMLResponse:
    lang = request_language(request)
    view = View(request.url.path, lang, [("lang", lang)] if request.query_params.get("lang") == lang else [])
    return server.page(view, "message.html", status=status, kind="error",
                       title=view._(f"serve_status_{status}"), message=view._(key, **params))


def make_handlers(server: Server) -> dict[Any, Callable[[Request, Exception], Awaitable[Response]]]:
    async def usage(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HubError)
        return error_page(server, request, 400, exc.key, **exc.params)

    async def not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HubError)
        return error_page(server, request, 404, exc.key, **exc.params)

    async def hub_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HubError)
        return error_page(server, request, 500, exc.key, **exc.params)

    async def forbidden(request: Request, exc: Exception) -> Response:
        return error_page(server, request, 403, "serve_cross_site")

    async def database(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, sqlite3.Error)
        error = store_error(exc, server.settings.paths.database)
        return error_page(server, request, 503, error.key, **error.params)

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        status = exc.status_code if exc.status_code in (404, 405) else 400
        return error_page(server, request, status, f"serve_status_{status}_text", path=request.url.path)

    async def unexpected(request: Request, exc: Exception) -> Response:
        return error_page(server, request, 500, "serve_unexpected", error=type(exc).__name__)

    return {UsageError: usage, NotFoundError: not_found, HubError: hub_error, Forbidden: forbidden,
            sqlite3.Error: database, HTTPException: http, Exception: unexpected}


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
            body = ("421 Misdirected Request: this hub page answers only to its own address.\n"
                    "421：此 hub 页面只响应它自己的地址。\n").encode()
            await send({"type": "http.response.start", "status": 421,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
            await send({"type": "http.response.body", "body": body})
            return

        started = time.perf_counter()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS, (b"server-timing", took)]
            await send(message)

        await self.app(scope, receive, with_headers)


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


def warm_features(settings: Settings) -> threading.Thread:
    """Bring the library's feature store up to date in a background thread (the radar and
    ``/recommend`` rank with it once the library holds enough papers; after a large import
    its first build takes minutes, and would otherwise fall on the first ``/radar``)."""

    def run() -> None:
        try:
            store = open_store(settings.paths.database, create=False)
            if store is None:
                return
            try:
                from hubcli.api.recommend import MIN_SAVED
                from hubcli.store.library import library_size

                if library_size(store) >= MIN_SAVED:
                    from hubcli.rank.model import ensure_features

                    ensure_features(store)
            finally:
                store.close()
        except Exception:  # noqa: BLE001 - a warm-up only: the pages build the store on demand
            pass

    thread = threading.Thread(target=run, name="hub-warm-features", daemon=True)
    thread.start()
    return thread


def create_app(settings: Settings, *, host: str = "127.0.0.1", port: int = 8765) -> Starlette:
    hosts = allowed_hosts(host, port)
    server = Server(settings, host=host, port=port, allowed_hosts=hosts)
    routes = [
        Route("/", server.papers),
        Route("/shuffle", server.shuffle),
        Route("/radar", server.radar),
        Route("/library", server.library),
        Route("/library/{action}", server.library_post, methods=["POST"]),
        Route("/recommend", server.recommend),
        Route("/brief", server.brief),
        Route("/brief/start", server.brief_start, methods=["POST"]),
        Route("/brief/status", server.brief_status),
        Route("/paper/{ident:path}", server.paper),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers=make_handlers(server))
    app.state.server = server
    app.add_middleware(Guard, allowed_hosts=hosts)
    return app
