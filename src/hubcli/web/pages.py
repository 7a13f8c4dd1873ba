"""The page's handlers: each reads its view from the URL, makes one ``api`` call with a
request's session, and renders the result with the templates.

Starlette runs the sync handlers in a thread pool; each worker thread keeps its own
connection to the cache (``api.session.ThreadSessions``), so no connection is ever
shared.  Reads never wait for a concurrent ``hub sync`` (the database is in WAL mode).
Writes are the library buttons (POST, refused when cross-site) and the shuffle memory
``hub shuffle`` shares.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from hubcli.api.results import Listing, Notice
from hubcli.api.session import ThreadSessions
from hubcli.config import Settings
from hubcli.errors import UsageError
from hubcli.i18n import LANGUAGES
from hubcli.web import briefs
from hubcli.web.cards import notices, page_card, page_cards
from hubcli.web.security import checked_form, local_path
from hubcli.web.view import MAX_PER_PAGE, VIEW_PARAMS, View, chips_of, filters_of, number, request_language

TEMPLATES = Path(__file__).resolve().parent / "templates"
SHUFFLE_N = 10
CACHE_KIB = 32_768  # SQLite page cache of each worker thread's connection
LIBRARY_ACTIONS = ("save", "unsave", "tag", "dismiss", "undismiss")
# the library page's own words for what the CLI words as commands and counts
LIBRARY_WORDS = {"lib_empty": "serve_library_empty", "footer": "serve_library_footer",
                 "footer_one": "serve_library_footer"}


def _worded(notice: Notice | None, words: dict[str, str]) -> Notice | None:
    return Notice(notice.level, words.get(notice.key, notice.key), notice.params) if notice else None


class Server:
    """What every request needs: settings, the templates, the served host and port, a
    session per request over the worker thread's connection."""

    def __init__(self, settings: Settings, *, host: str, port: int, allowed_hosts: set[str]) -> None:
        self.settings = settings
        self.host = host
        self.port = port
        self.allowed_hosts = allowed_hosts
        self.token = secrets.token_urlsafe(32)
        self.briefs = briefs.Jobs()
        self.sessions = ThreadSessions(settings, cache_kib=CACHE_KIB)
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                               autoescape=select_autoescape(default=True, default_for_string=True),
                               trim_blocks=True, lstrip_blocks=True)

    def page(self, view: View, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        nav = [(path, view._(key), view.listing_url(path))
               for path, key in (("/", "serve_nav_papers"), ("/radar", "serve_nav_radar"),
                                 ("/library", "serve_nav_library"), ("/recommend", "serve_nav_recommend"),
                                 ("/brief", "serve_nav_brief"))]
        langs = [(code, view._(f"serve_lang_{code}"), view.with_param("lang", code)) for code in LANGUAGES]
        html = self.env.get_template(template).render(
            _=view._, view=view, nav=nav, langs=langs, token=self.token, here=view.here or view.url(), **values)
        return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})

    def listing_page(self, view: View, result: Listing, *, kind: str, page: int | None = None,
                     pages: int | None = None, reasons: dict[int, str] | None = None, ranked: bool = False,
                     **extra: Any) -> HTMLResponse:
        footer = view._(result.footer.key, **result.footer.params) if result.footer else ""
        pager = None
        if page is not None and pages is not None and pages > 1:
            pager = {"prev": view.with_param("page", str(page - 1)) if page > 1 else None,
                     "next": view.with_param("page", str(page + 1)) if page < pages else None,
                     "text": footer}
        return self.page(view, "listing.html", kind=kind, chips=chips_of(view),
                         before=notices(view, result.before), after=notices(view, result.after), footer=footer,
                         cards=page_cards(view, result, reasons=reasons, ranked=ranked),
                         pager=pager, shuffle_url=view.url("/shuffle", view.filter_pairs()), **extra)

    # -- listings --

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
        with self.sessions.session(view.lang) as session:
            result = reading.list_papers(session, filters, page=page, per_page=per_page, sort=sort)
            pages = int(result.footer.params.get("pages", 1)) if result.footer else 1
            return self.listing_page(view, result, kind="papers", page=page, pages=pages)

    def shuffle(self, request: Request) -> Response:
        """A batch not shown before (``hub shuffle``'s rounds); ``show=`` names a batch
        already drawn (where a library button on that batch comes back to)."""
        from hubcli.api import reading

        view = View.of(request)
        filters = filters_of(view)
        n = number(view, "n", SHUFFLE_N, maximum=MAX_PER_PAGE)
        shown = view.one("show")
        with self.sessions.session(view.lang) as session:
            if shown is not None:
                parts = [p.strip() for p in shown.split(",") if p.strip()]
                if len(parts) > MAX_PER_PAGE or not all(p.isdigit() for p in parts):
                    raise UsageError("serve_bad_batch", value=shown[:80])
                papers = reading.papers_by_ids(session, [int(p) for p in parts])
                result = Listing(papers=papers, footer=Notice("info", "serve_batch_footer", {"shown": len(papers)}))
            else:
                result = reading.shuffle(session, filters, n=n, seed=None)
                ids = ",".join(str(p.rowid) for p in result.papers)
                view.here = view.url(pairs=[*view.kept(drop=("page", "show")), ("show", ids)])
            return self.listing_page(view, result, kind="shuffle")

    def radar(self, request: Request) -> Response:
        """What ``hub radar --peek`` shows: the page only peeks, nothing is marked seen."""
        from hubcli.api import follows, reading

        view = View.of(request)
        limit = number(view, "n", 50, maximum=500)
        with self.sessions.session(view.lang) as session:
            result = reading.radar(session, limit=limit, peek=True)
            total = result.footer.params.get("total", 0) if result.footer else 0
            if total > len(result.papers):
                result.note("hint", "serve_radar_more", after=True, more=total - len(result.papers))
            followed = [{"label": view._(chip.key, **chip.params),
                         "url": view.url("/", [(item["kind"], item["value"]), *view.lang_pairs()])}
                        for item in follows.following(session).items
                        for chip in (reading.follow_reason(item["kind"], item["value"]),)]
            reasons = None
            if result.reasons is not None:
                reasons = {pid: view._("serve_because", why=", ".join(view._(m.key, **m.params) for m in why))
                           for pid, why in result.reasons.items()}
            return self.listing_page(view, result, kind="radar", reasons=reasons, follows=followed)

    def library(self, request: Request) -> Response:
        """``hub library`` with the same filters: saved papers, newest saved first."""
        from hubcli.api import library

        view = View.of(request)
        filters = filters_of(view)
        page = number(view, "page", 1)
        per = number(view, "n", self.settings.per_page, maximum=MAX_PER_PAGE)
        with self.sessions.session(view.lang) as session:
            result = library.listing(session, filters, page=page, per_page=per)
            result.footer = _worded(result.footer, LIBRARY_WORDS)
            result.after = [n for n in (_worded(n, LIBRARY_WORDS) for n in result.after) if n is not None]
            pages = int(result.footer.params.get("pages", 1)) if result.footer else 1
            active = set(filters.tags)
            tag_chips = [{"label": f"{item['tag']} ({item['papers']})",
                          "url": view.url("/library", [("tag", item["tag"]), *view.lang_pairs()])}
                         for item in library.tags(session).items if item["tag"] not in active]
            return self.listing_page(view, result, kind="library", page=page, pages=pages, tag_chips=tag_chips)

    def recommend(self, request: Request) -> Response:
        """New papers ranked by the library (``hub recommend --explain``); ``like_tag=``
        names the saved papers the model learns from (``--like-tag``), the filters mean
        what they mean everywhere."""
        from hubcli.api.recommend import recommend

        view = View.of(request)
        filters = filters_of(view)
        n = number(view, "n", 20, maximum=MAX_PER_PAGE)
        like = tuple(view.values("like_tag"))
        with self.sessions.session(view.lang) as session:
            result = recommend(session, filters, like_tags=like, n=n, explain=True)
            return self.listing_page(view, result, kind="recommend", ranked=True)

    def paper(self, request: Request) -> Response:
        from hubcli.api import reading

        view = View.of(request)
        ident = request.path_params["ident"]
        with self.sessions.session(view.lang) as session:
            found = reading.find(session, ident)
            return self.page(view, "paper.html", kind="paper", card=page_card(view, found, 1, full=True))

    # -- the library buttons --

    async def library_post(self, request: Request) -> Response:
        action = request.path_params["action"]
        form = await checked_form(request, self.token)
        if action not in LIBRARY_ACTIONS:
            raise HTTPException(404)
        await run_in_threadpool(self.library_change, action, form)
        return RedirectResponse(local_path(form.get("next")), status_code=303)

    def library_change(self, action: str, form: dict[str, str]) -> None:
        """One library button: ``hub save|unsave|dismiss|undismiss ID`` or ``hub tag ID TAG``."""
        from hubcli.api import library, reading

        ident = (form.get("id") or "").strip()
        with self.sessions.session() as session:
            key = reading.find(session, ident).key
            if action == "tag":
                names = [n for n in (form.get("tag") or "").split(",") if n.strip()]
                if not names:
                    raise UsageError("library_bad_tag", tag=form.get("tag") or "")
                library.tag(session, key, names)
            else:
                library.change(session, action, [key])

    # -- briefs --

    def brief(self, request: Request) -> Response:
        view = View.of(request)
        filters = filters_of(view)
        job_id = view.one("job") or request.query_params.get("job")
        with self.sessions.session(view.lang) as session:
            shown = briefs.page_brief(self, session, filters, job_id)
        return self.page(view, "brief.html", kind="brief", chips=chips_of(view), brief=shown,
                         start_url="/brief/start", filter_pairs=view.filter_pairs())

    async def brief_start(self, request: Request) -> Response:
        from urllib.parse import parse_qsl

        form = await checked_form(request, self.token)
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


def form_language(form: dict[str, str], request: Request) -> str:
    lang = (form.get("lang") or "").strip().lower()
    return lang if lang in LANGUAGES else request_language(request)
