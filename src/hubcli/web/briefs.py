"""``/brief``: the offline digest of the selection, or a model's brief made in a
background thread (the page polls its progress; no request waits for the model).

Both are written by ``hubcli.api.brief`` in the page's language, and their Markdown
becomes HTML through the one Markdown renderer (raw HTML escaped, only http(s) links).
A model brief's progress lines are kept as they come.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from hubcli.api import brief as api_brief
from hubcli.api.results import Notice
from hubcli.api.session import Session
from hubcli.config import Settings
from hubcli.errors import HubError
from hubcli.filters import Filters
from hubcli.i18n import Message, translate

if TYPE_CHECKING:
    from markupsafe import Markup

MAX_JOBS = 20
BRIEF_LIMIT = 50


def html_of(markdown: str) -> Markup:
    """A brief's Markdown as HTML the template inserts as it is."""
    from markupsafe import Markup

    from hubcli.render.markdown import to_html

    return Markup(to_html(markdown))  # noqa: S704 - markdown-it escapes raw HTML and drops unsafe links


# --- the offline digest -----------------------------------------------------------------

def digest_of(session: Session, filters: Filters) -> tuple[str, int, int]:
    """The digest's Markdown, the papers it covers and those matching ("" when none match)."""
    request = api_brief.BriefRequest(filters, limit=BRIEF_LIMIT, offline=True)
    try:
        found = api_brief.write_brief(session, request, report=api_brief.Quiet())
    except HubError as exc:
        if exc.key != "brief_no_papers":
            raise
        return "", 0, 0
    return found.text, len(found.papers), found.matched


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
    """The brief's progress lines, in the job's language, kept for the page to poll."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def _keep(self, message: Message | None) -> None:
        if message is not None:
            from hubcli.render.formats import safe

            line = safe(translate(message.key, self.job.lang, **message.params))
            self.job.lines = [*self.job.lines[-19:], line]

    def notice(self, notice: Notice) -> None:
        self._keep(Message(notice.key, notice.params))

    def status(self, message: Message) -> None:
        self._keep(message)

    def progress(self, message: Message | None) -> None:
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
        session = Session(settings=settings, lang=job.lang)  # the thread's own connection, closed here
        try:
            job.markdown = model_brief(session, filters, job)
            job.state, job.key, job.params = "done", "serve_brief_done", {}
        except HubError as exc:
            job.state, job.key, job.params = "failed", exc.key, dict(exc.params)
        except Exception as exc:  # noqa: BLE001 - the thread's one edge: the page shows a line
            job.state, job.key, job.params = "failed", "serve_unexpected", {"error": type(exc).__name__}
        finally:
            session.close()


def model_brief(session: Session, filters: Filters, job: Job) -> str:
    """What ``hub brief`` writes, with the configured model (answers cached as there)."""
    if api_brief.configured_model(session) is None:
        raise HubError("serve_brief_no_model")
    request = api_brief.BriefRequest(filters, limit=BRIEF_LIMIT)
    return api_brief.write_brief(session, request, report=_Reporter(job)).text


def configured_model(settings: Settings) -> str | None:
    return api_brief.configured_model(Session(settings=settings))


class Server(Protocol):
    """What the page's server holds for briefs: its settings and its jobs."""

    settings: Settings
    briefs: Jobs


def page_brief(server: Server, session: Session, filters: Filters, job_id: str | None) -> dict[str, Any]:
    """What ``/brief`` shows, in the session's language: the job asked for (running: its
    progress; done: its brief), else the latest brief of this selection made here, else
    the offline digest.  (A model brief asked again is answered from hub's cache of model
    answers, as ``hub brief`` is.)"""
    lang = session.lang
    model = configured_model(server.settings)
    shown: dict[str, Any] = {"model": model, "job": None, "html": "", "note": "", "source": "digest"}
    job = server.briefs.get(job_id) if job_id else server.briefs.latest_done(filters.selection_key(), lang)
    if job is not None:
        shown["job"] = {"id": job.id, "state": job.state, "message": job.message_in(lang)}
        if job.state == "done":
            shown.update(html=html_of(job.markdown), source="model")
            return shown
    if session.reader() is None:
        shown["note"] = translate("no_papers_cache_empty", lang)
        return shown
    text, count, matched = digest_of(session, filters)
    if not text:
        shown["note"] = translate("brief_no_papers", lang)
        return shown
    shown["html"] = html_of(text)
    shown["note"] = translate("serve_brief_digest_note", lang, count=count, matched=matched)
    return shown
