"""The page's handlers: each reads its view from the URL, makes one ``api`` call with a
request's session, and renders the result with the templates.

Starlette runs the sync handlers in a thread pool; each worker thread keeps its own
connection to the cache (``api.session.ThreadSessions``), so no connection is ever
shared.  Reads never wait for a concurrent ``hub sync`` (the database is in WAL mode).
A GET never writes: the writes are POSTs, refused when cross-site: the library buttons,
and the shuffle memory ``hub shuffle`` shares (a Shuffle batch is drawn by a GET and
recorded as shown by the page's own POST to ``/shuffle/shown`` once it is loaded).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from hubcli.api.results import Listing, Notice
from hubcli.api.session import Session, ThreadSessions
from hubcli.config import Settings
from hubcli.errors import UsageError
from hubcli.filters import Filters
from hubcli.i18n import LANGUAGES
from hubcli.models import Paper, Tldr
from hubcli.web import briefs
from hubcli.web.cards import notices, page_card, page_cards
from hubcli.web.security import checked_form, local_path
from hubcli.web.view import (
    MAX_PER_PAGE,
    VIEW_PARAMS,
    View,
    check_pairs,
    chips_of,
    filters_of,
    number,
    paper_ids,
    request_language,
    search_form,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
SHUFFLE_N = 10
CACHE_KIB = 32_768  # SQLite page cache of each worker thread's connection
LIBRARY_ACTIONS = ("save", "unsave", "tag", "dismiss", "undismiss", "note")
SEARCH_KINDS = ("papers", "shuffle", "library", "recommend")  # the listings with the search form
SIMILAR_N = 5  # similar papers under the single-paper page
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
            _=view._, view=view, nav=nav, langs=langs, token=self.token, here=view.here or view.url(),
            tldr_button=self.tldr_model(), **values)
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
        form = search_form(view, sorted(self.settings.topics)) if kind in SEARCH_KINDS else None
        return self.page(view, "listing.html", kind=kind, chips=chips_of(view), search=form,
                         before=notices(view, result.before), after=notices(view, result.after), footer=footer,
                         cards=page_cards(view, result, reasons=reasons, ranked=ranked,
                                          tldrs=self.kept_tldrs(view, result.papers)),
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
        """A batch not shown before (``hub shuffle``'s rounds), drawn without writing: the
        page records it with a same-origin POST once loaded (:meth:`shuffle_shown`);
        ``show=`` names a batch already drawn (where a library button on that batch comes
        back to)."""
        from hubcli.api import reading

        view = View.of(request)
        filters = filters_of(view)
        n = number(view, "n", SHUFFLE_N, maximum=MAX_PER_PAGE)
        shown = view.one("show")
        record = None
        with self.sessions.session(view.lang) as session:
            if shown is not None:
                papers = reading.papers_by_ids(session, paper_ids(shown))
                result = Listing(papers=papers, footer=Notice("info", "serve_batch_footer", {"shown": len(papers)}))
            else:
                result = reading.shuffle(session, filters, n=n, seed=None, record=False)
                ids = ",".join(str(p.rowid) for p in result.papers)
                view.here = view.url(pairs=[*view.kept(drop=("page", "show")), ("show", ids)])
                record = {"ids": ids, "view": urlencode(view.filter_pairs())} if ids else None
            return self.listing_page(view, result, kind="shuffle", record=record)

    async def shuffle_shown(self, request: Request) -> Response:
        """The page's record of a Shuffle batch it showed (POST, same origin, the page's
        token): what ``hub shuffle`` remembers of its own batches."""
        from urllib.parse import parse_qsl

        form = await checked_form(request, self.token)
        pairs = parse_qsl(form.get("view", ""), keep_blank_values=True)
        check_pairs(pairs)
        view = View("/shuffle", form_language(form, request), [(k, v) for k, v in pairs if k in VIEW_PARAMS])
        filters = filters_of(view)
        ids = paper_ids(form.get("ids", ""))
        recorded = await run_in_threadpool(self.record_shown, filters, ids)
        return JSONResponse({"recorded": recorded})

    def record_shown(self, filters: Filters, ids: list[int]) -> int:
        """Remember a batch as shown (``hub shuffle``'s memory), in a worker thread."""
        from hubcli.api import reading

        with self.sessions.session() as session:
            return reading.record_shown(session, filters, ids)

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
        every = view.one("all") == "1"
        with self.sessions.session(view.lang) as session:
            result = recommend(session, filters, like_tags=like, n=n, explain=True, all_matches=every)
            return self.listing_page(view, result, kind="recommend", ranked=True,
                                     window_links=_window_links(view, every))

    def paper(self, request: Request) -> Response:
        from hubcli.api import reading

        view = View.of(request)
        ident = request.path_params["ident"]
        with self.sessions.session(view.lang) as session:
            found = reading.find(session, ident)
            similar, hint = _similar(view, session, found.key)
            tldr = self.kept_tldrs(view, [found]).get(found.key)
            return self.page(view, "paper.html", kind="paper", card=page_card(view, found, None, full=True, tldr=tldr),
                             similar=similar, similar_hint=hint)

    # -- TL;DRs: kept ones on every card (a GET never asks a model), a card's button asks --

    def tldr_model(self) -> bool:
        """Whether a model is configured (the cards then offer their TL;DR button)."""
        from hubcli.api.brief import configured_model

        return configured_model(Session(settings=self.settings)) is not None

    def kept_tldrs(self, view: View, papers: list[Paper]) -> dict[str, Tldr]:
        from hubcli.api.tldr import cached_tldrs

        with self.sessions.session(view.lang) as session:
            return cached_tldrs(session, papers, view.lang)

    async def tldr_post(self, request: Request) -> Response:
        """A card's TL;DR button: the model writes (and hub keeps) the paper's TL;DR, then
        back to the page, which shows it."""
        form = await checked_form(request, self.token)
        await run_in_threadpool(self.tldr_write, (form.get("id") or "").strip(), form_language(form, request))
        return RedirectResponse(local_path(form.get("next")), status_code=303)

    def tldr_write(self, ident: str, lang: str) -> None:
        from hubcli.api import reading
        from hubcli.api.tldr import tldrs_for

        with self.sessions.session(lang) as session:
            tldrs_for(session, [reading.find(session, ident)], lang=lang)

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
            if action == "note":
                pid, _old = library.note_of(session, key)
                library.set_note(session, pid, form.get("note"))
            elif action == "tag":
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
        given = parse_qsl(form.get("view", ""), keep_blank_values=True)
        check_pairs(given)
        view = View("/brief", form_language(form, request), [(k, v) for k, v in given if k in VIEW_PARAMS])
        filters = filters_of(view)
        job = self.briefs.start(self.settings, filters, view.lang)
        return RedirectResponse(view.url("/brief", [*view.filter_pairs(), ("job", job)]), status_code=303)

    def brief_status(self, request: Request) -> Response:
        view = View.of(request)
        job = self.briefs.get(request.query_params.get("job", ""))
        if job is None:
            return JSONResponse({"state": "unknown", "message": view._("serve_brief_unknown_job")}, status_code=404)
        return JSONResponse({"state": job.state, "message": job.message_in(view.lang)})


def _similar(view: View, session: Session, key: str) -> tuple[list[dict[str, Any]], str | None]:
    """The single-paper page's similar papers (``hub similar ID -n 5``), unnumbered; a
    ranking that fails leaves the section empty with a hint, never an error page."""
    from hubcli.api.recommend import similar

    try:
        result = similar(session, key, Filters(), n=SIMILAR_N)
    except Exception:  # noqa: BLE001 - the paper is still shown when its neighbours cannot be
        return [], view._("serve_similar_failed")
    cards = page_cards(view, result, ranked=True, numbered=False)
    return cards, None if cards else view._("serve_similar_none")


def form_language(form: dict[str, str], request: Request) -> str:
    lang = (form.get("lang") or "").strip().lower()
    return lang if lang in LANGUAGES else request_language(request)


def _window_links(view: View, every: bool) -> list[dict[str, Any]]:
    """The window control of ``/recommend``: what is new (the default), the last days, and
    whether weak matches are shown too (``hub recommend --since``, ``--all``)."""
    since = view.one("since")
    links = [{"label": view._("serve_window_new"), "url": view.with_param("since", None), "on": since is None}]
    for days in (3, 7, 30):
        links.append({"label": view._("serve_window_days", days=days), "url": view.with_param("since", f"{days}d"),
                      "on": since == f"{days}d"})
    links.append({"label": view._("serve_window_all"), "url": view.with_param("all", None if every else "1"),
                  "on": every})
    return links
