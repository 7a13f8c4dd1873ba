"""``/brief``: the offline digest of the selection, or a model's brief made in a
background thread (the page polls its progress; no request waits for the model).

The brief and digest code translates with the process-wide language (``hubcli.i18n.t``):
the parts that write the document run under :data:`LANG_LOCK` with the page's language
set.  A model brief's progress lines are kept as they come.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hubcli.config import Settings
from hubcli.errors import HubError
from hubcli.filters import Filters
from hubcli.i18n import current_language, set_language, translate
from hubcli.store.db import Store, open_store

if TYPE_CHECKING:
    from hubcli.web.app import Server

LANG_LOCK = threading.Lock()
MAX_JOBS = 20
BRIEF_LIMIT = 50


@contextmanager
def language(lang: str) -> Iterator[None]:
    with LANG_LOCK:
        before = current_language()
        set_language(lang)
        try:
            yield
        finally:
            set_language(before)


# --- Markdown to blocks the template escapes (no HTML is ever built from feed text) ------

_LINK_RE = re.compile(r"<(https?://[^>\s]+)>|\[([^\]]*)\]\((https?://[^)\s]+)\)")
_UNESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~$])")


def _plain(text: str) -> str:
    text = text.replace("**", "")
    if len(text) > 1 and text.startswith("_") and text.endswith("_"):
        text = text[1:-1]
    return _UNESCAPE_RE.sub(r"\1", text)


def inline(text: str) -> list[dict[str, str]]:
    """Text and http(s) links of one Markdown line."""
    parts: list[dict[str, str]] = []
    at = 0
    for match in _LINK_RE.finditer(text):
        if match.start() > at:
            parts.append({"text": _plain(text[at:match.start()])})
        url = match.group(1) or match.group(3)
        parts.append({"text": _plain(match.group(2) or url), "url": url})
        at = match.end()
    if at < len(text):
        parts.append({"text": _plain(text[at:])})
    return parts


def blocks(markdown: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for line in markdown.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        kind = "p"
        for prefix, name in (("### ", "h4"), ("## ", "h3"), ("# ", "h2"), ("> ", "quote"), ("- ", "li"),
                             ("* ", "li")):
            if stripped.startswith(prefix):
                kind, stripped = name, stripped[len(prefix):]
                break
        else:
            numbered = re.match(r"^(\d+)\.\s+(.*)$", stripped)
            if numbered:
                kind, stripped = "li", f"{numbered.group(1)}. {numbered.group(2)}"
        out.append({"kind": kind, "parts": inline(stripped)})
    return out


# --- the offline digest -----------------------------------------------------------------

def digest_of(store: Store, settings: Settings, filters: Filters, lang: str) -> tuple[str, int, int]:
    """The digest's Markdown, the papers it covers and those matching."""
    from hubcli.brief.digest import digest
    from hubcli.brief.select import rank
    from hubcli.store.query import build_selection

    sel = build_selection(store, filters, settings)
    ranked = rank(store, sel, BRIEF_LIMIT)
    if not ranked.papers:
        return "", 0, ranked.matched
    subtitle = " · ".join(translate(key, lang, **params) for key, params in filters.chips())
    with language(lang):
        text = digest(ranked.papers, subtitle=subtitle)
    return text, len(ranked.papers), ranked.matched


# --- model briefs in the background ---------------------------------------------------------

@dataclass
class Job:
    id: str
    lang: str
    selection: str = ""  # Filters.selection_key() of what it briefs
    state: str = "running"  # running | done | failed
    key: str = "serve_brief_running"
    params: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    markdown: str = ""

    def message_in(self, lang: str) -> str:
        text = translate(self.key, lang, **self.params)
        return " · ".join([text, *self.lines[-1:]]) if self.lines and self.state == "running" else text


class _Reporter:
    """The brief's progress lines, kept for the page to poll."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def _keep(self, message: str | None) -> None:
        if message:
            from hubcli.render.formats import safe

            self.job.lines = [*self.job.lines[-19:], safe(message)]

    def info(self, message: str) -> None:
        self._keep(message)

    def warn(self, message: str) -> None:
        self._keep(message)

    def status(self, message: str) -> None:
        self._keep(message)

    def progress(self, message: str | None) -> None:
        self._keep(message)


class Jobs:
    """Model briefs this server started, newest last (the oldest forgotten past MAX_JOBS)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str | None) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id or "")

    def latest_done(self, selection: str, lang: str) -> Job | None:
        """The newest finished brief of this selection in this language."""
        with self._lock:
            done = [j for j in self._jobs.values() if j.state == "done" and j.selection == selection
                    and j.lang == lang]
        return done[-1] if done else None

    def start(self, settings: Settings, filters: Filters, lang: str) -> str:
        job = Job(secrets.token_urlsafe(12), lang, filters.selection_key())
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_JOBS:
                self._jobs.pop(next(iter(self._jobs)))
        threading.Thread(target=self._run, args=(job, settings, filters), name=f"hub-brief-{job.id}",
                         daemon=True).start()
        return job.id

    @staticmethod
    def _run(job: Job, settings: Settings, filters: Filters) -> None:
        store = None
        try:
            store = open_store(settings.paths.database, create=False)
            if store is None:
                raise HubError("brief_no_papers_cache_empty")
            job.markdown = model_brief(store, settings, filters, job)
            job.state, job.key, job.params = "done", "serve_brief_done", {}
        except HubError as exc:
            job.state, job.key, job.params = "failed", exc.key, dict(exc.params)
        except Exception as exc:  # noqa: BLE001 - the thread's one edge: the page shows a line
            job.state, job.key, job.params = "failed", "serve_unexpected", {"error": type(exc).__name__}
        finally:
            if store is not None:
                store.close()


def model_brief(store: Store, settings: Settings, filters: Filters, job: Job) -> str:
    """What ``hub brief`` writes, with the configured model (answers cached as there)."""
    from hubcli.brief import run
    from hubcli.brief.select import rank
    from hubcli.store.query import build_selection

    cfg = run.llm_config(settings.llm, settings.paths.config_file, model=None, api_base=None, timeout=None,
                         max_time=None)
    if not cfg.model:
        raise HubError("serve_brief_no_model")
    sel = build_selection(store, filters, settings)
    ranked = rank(store, sel, BRIEF_LIMIT)
    if not ranked.papers:
        raise HubError("brief_no_papers")
    server = run.server_info(store, cfg)
    budget = run.budget_for(store, cfg, job.lang, server)
    plan = run.make_plan(ranked, budget)
    caller = run.Caller(store=store, cfg=cfg, use_cache=True, reporter=_Reporter(job), stream=cfg.stream,
                        budget=budget, server=server)
    answer = run.generate(caller, plan, lang=job.lang)
    subtitle = " · ".join(translate(key, job.lang, **params) for key, params in filters.chips())
    with language(job.lang):
        doc = run.document(answer, plan.sent, subtitle=" · ".join(x for x in (subtitle, cfg.model) if x))
    return doc.markdown


def configured_model(settings: Settings) -> str | None:
    from hubcli.brief import run

    try:
        return run.llm_config(settings.llm, settings.paths.config_file, model=None, api_base=None, timeout=None,
                              max_time=None).model
    except HubError:
        return None


def page_brief(server: Server, store: Store | None, filters: Filters, lang: str,
               job_id: str | None) -> dict[str, Any]:
    """What ``/brief`` shows: the job asked for (running: its progress; done: its brief),
    else the latest brief of this selection made here, else the offline digest.  (A model
    brief asked again is answered from hub's cache of model answers, as ``hub brief`` is.)"""
    model = configured_model(server.settings)
    shown: dict[str, Any] = {"model": model, "job": None, "blocks": [], "note": "", "source": "digest"}
    job = server.briefs.get(job_id) if job_id else server.briefs.latest_done(filters.selection_key(), lang)
    if job is not None:
        shown["job"] = {"id": job.id, "state": job.state, "message": job.message_in(lang)}
        if job.state == "done":
            shown.update(blocks=blocks(job.markdown), source="model")
            return shown
    if store is None:
        shown["note"] = translate("no_papers_cache_empty", lang)
        return shown
    text, count, matched = digest_of(store, server.settings, filters, lang)
    if not text:
        shown["note"] = translate("brief_no_papers", lang)
        return shown
    shown["blocks"] = blocks(text)
    shown["note"] = translate("serve_brief_digest_note", lang, count=count, matched=matched)
    return shown
