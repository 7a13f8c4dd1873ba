"""``hub brief``, the page's brief and the digest's brief: one pipeline.

The selection (or the papers handed in), the model's configuration, what its server says,
the token budget, the plan, the calls (answers cached in the database), the citation check
and the document.  Without a model (or with ``offline``) the offline extractive digest is
written instead; with ``dry_run`` a listing of what would be sent.  Everything the user is
told while it runs goes to a :class:`Reporter` as catalogue keys; what is told after the
document (usage, hints) comes back in the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from hubcli.api.results import Notice, Result
from hubcli.api.session import Session
from hubcli.errors import NotFoundError
from hubcli.filters import Filters
from hubcli.i18n import Message, translate
from hubcli.models import Paper
from hubcli.render.latex import readable

if TYPE_CHECKING:
    from hubcli.brief.cite import Checked
    from hubcli.brief.config import LLMConfig
    from hubcli.brief.run import Usage
    from hubcli.brief.select import Budget, Numbered, Plan, Ranked
    from hubcli.brief.server import ServerInfo
    from hubcli.store.db import Store

DEFAULT_LIMIT = 50  # candidates considered without a limit


class Reporter(Protocol):
    """Where a brief reports while it is written: notices (a terminal prints them, the
    page keeps them), what is happening now, and the progress line (``None`` clears it)."""

    def notice(self, notice: Notice) -> None: ...
    def status(self, message: Message) -> None: ...
    def progress(self, message: Message | None) -> None: ...


class Quiet:
    """A reporter that keeps nothing."""

    def notice(self, notice: Notice) -> None:
        pass

    def status(self, message: Message) -> None:
        pass

    def progress(self, message: Message | None) -> None:
        pass


@dataclass(frozen=True)
class BriefRequest:
    """What to brief and how.  ``papers``, when given, are briefed as they are (the
    digest's top cards) instead of a selection by ``filters``; ``recommended`` briefs what
    ``hub recommend`` would show.  ``subtitle`` replaces the standard one (count, dates,
    filters) under the title; the model's name is always added to a model's brief."""

    filters: Filters = field(default_factory=Filters)
    limit: int | None = None
    model: str | None = None
    api_base: str | None = None
    timeout: float | None = None
    max_time: float | None = None
    dry_run: bool = False
    offline: bool = False
    no_cache: bool = False
    recommended: bool = False
    papers: list[Paper] | None = None
    subtitle: str | None = None


@dataclass
class BriefResult(Result):
    """The document (``text``: a model's brief, the offline digest or the dry-run listing),
    the papers it covers, how many matched, the model, its usage and the citation check.
    ``before`` holds the notices already given to the reporter; ``after`` those to show
    once the document is out."""

    text: str = ""
    kind: Literal["model", "offline", "dry-run"] = "offline"
    papers: list[Paper] = field(default_factory=list)
    matched: int = 0
    model: str | None = None
    usage: Usage | None = None
    check: Checked | None = None


class _Told:
    """The reporter, with every notice also recorded in the result."""

    def __init__(self, report: Reporter, result: BriefResult) -> None:
        self.report = report
        self.result = result

    def __call__(self, level: Literal["info", "hint", "warn"], key: str, **params: object) -> None:
        notice = Notice(level, key, dict(params))
        self.result.before.append(notice)
        self.report.notice(notice)

    # a model call's reporter
    def warn(self, message: Message) -> None:
        self("warn", message.key, **message.params)

    def status(self, message: Message) -> None:
        self.report.status(message)

    def progress(self, message: Message | None) -> None:
        self.report.progress(message)


def llm_config(session: Session, request: BriefRequest | None = None) -> LLMConfig:
    """The model a brief would ask: the request's options over the environment over
    config ``[llm]``."""
    from hubcli.brief.config import llm_config as configured

    request = request or BriefRequest()
    settings = session.settings()
    return configured(settings.llm, settings.paths.config_file, model=request.model, api_base=request.api_base,
                      timeout=request.timeout, max_time=request.max_time)


def configured_model(session: Session) -> str | None:
    """The model configured for briefs (None without one, or when ``[llm]`` is broken)."""
    from hubcli.errors import HubError

    try:
        return llm_config(session).model
    except HubError:
        return None


def _config(session: Session, request: BriefRequest) -> LLMConfig:
    """The model's configuration; an offline digest needs none, so a broken ``[llm]``
    table does not stop one (unless a model was asked for by option)."""
    from hubcli.errors import HubError

    try:
        return llm_config(session, request)
    except HubError:
        if not request.offline or request.model or request.api_base:
            raise
    from hubcli.brief.config import LLMConfig

    return LLMConfig(model=None)


def write_brief(session: Session, request: BriefRequest, *, report: Reporter) -> BriefResult:
    """The brief the request asks for (NotFoundError when no paper matches)."""
    cfg = _config(session, request)
    result = BriefResult(model=cfg.model)
    told = _Told(report, result)
    store, ranked = _select(session, request, told)
    result.matched = ranked.matched
    if request.offline or not cfg.model:
        _offline(session, request, cfg, ranked, result)
        return result
    from hubcli.brief import run

    server = run.server_info(store, cfg, refresh=request.no_cache)
    budget, plan = _plan(store, cfg, ranked, session, server, told)
    result.papers = [n.paper for n in plan.sent]
    if request.dry_run:
        result.kind = "dry-run"
        result.text = _dry_run(cfg, budget, plan, ranked.matched, session.lang, server)
        return result
    _online(session, request, store, cfg, (budget, plan, server), told)
    return result


# --- selection -------------------------------------------------------------------------------

def _select(session: Session, request: BriefRequest, told: _Told) -> tuple[Store, Ranked]:
    """The store and the ranked candidates (NotFoundError when there are none)."""
    from hubcli.brief.select import Ranked, rank

    store = session.reader()
    if store is None:
        raise NotFoundError("brief_no_papers_cache_empty")
    wanted = request.limit or DEFAULT_LIMIT
    if request.papers is not None:
        ranked = Ranked(list(request.papers), len(request.papers))
    elif request.recommended:
        from hubcli.api.recommend import recommend

        found = recommend(session, request.filters, n=wanted)
        for notice in found.before:
            told(notice.level, notice.key, **notice.params)
        ranked = Ranked(found.papers, len(found.papers))
    else:
        from hubcli.api.reading import unmatched_authors
        from hubcli.resolve import resolve
        from hubcli.store.query import build_selection

        sel = build_selection(store, resolve(request.filters, session.settings()))
        sel.add_not_dismissed()  # a paper the reader dismissed is never briefed
        for notice in unmatched_authors(store, sel.unmatched_authors):
            told(notice.level, notice.key, **notice.params)
        ranked = rank(store, sel, wanted)
        if ranked.matched > len(ranked.papers):
            told("info", "brief_not_considered", more=ranked.matched - len(ranked.papers), limit=wanted)
    if not ranked.papers:
        raise NotFoundError("brief_no_papers")
    return store, ranked


def _filter_text(session: Session, request: BriefRequest) -> str:
    return " · ".join(translate(key, session.lang, **params) for key, params in request.filters.chips())


# --- the offline digest ------------------------------------------------------------------------

def _offline(session: Session, request: BriefRequest, cfg: LLMConfig, ranked: Ranked, result: BriefResult) -> None:
    """The offline digest (no model configured, or ``offline``), or its dry-run listing."""
    result.papers = list(ranked.papers)
    result.model = None
    lang = session.lang
    if request.dry_run:
        result.kind = "dry-run"
        lines = [translate("brief_dry_offline", lang, model=cfg.model) if cfg.model
                 else translate("brief_dry_no_model", lang),
                 translate("brief_dry_offline_papers", lang, count=len(ranked.papers), matched=ranked.matched)]
        lines += [_line(str(i), paper, "") for i, paper in enumerate(ranked.papers, start=1)]
        result.text = "\n".join(lines) + "\n"
        return
    from hubcli.brief.offline import digest

    subtitle = request.subtitle if request.subtitle is not None else _filter_text(session, request)
    result.text = digest(ranked.papers, subtitle=subtitle, lang=lang)
    if cfg.model:
        result.note("hint", "brief_offline_hint_model", after=True, model=cfg.model)
    elif not request.offline:  # --offline asked for this digest: nothing to say about configuring a model
        result.note("hint", "brief_no_model_hint", after=True, config=str(session.settings().paths.config_file))


# --- the model's brief -----------------------------------------------------------------------

def _number(value: int) -> str:
    return f"{value:,}"


def _summaries(session: Session, papers: list[Paper]) -> dict[str, str]:
    """Each paper's TL;DR by key, sent beside its marker: the model's when one is cached
    in the run's language, else the abstract's key sentence (no model is asked here)."""
    from hubcli.api.tldr import cached_tldrs
    from hubcli.brief.tldr import key_sentence

    found = {key: tldr.text for key, tldr in cached_tldrs(session, papers, session.lang).items() if tldr.text.strip()}
    return {paper.key: found.get(paper.key) or key_sentence(paper) for paper in papers}


def _plan(store: Store, cfg: LLMConfig, ranked: Ranked, session: Session, server: ServerInfo | None,
          told: _Told) -> tuple[Budget, Plan]:
    from hubcli.brief import run

    lang = session.lang
    summaries = _summaries(session, ranked.papers)

    budget = run.budget_for(store, cfg, lang, server)
    plan = run.make_plan(ranked, budget, summaries)
    if plan.left_out:
        told("warn", "brief_left_out", count=len(plan.left_out), sent=len(plan.sent), calls=plan.calls,
             window=_number(budget.context_window))
    for numbered in plan.sent:
        if numbered.truncated:
            told("warn", "brief_truncated", number=numbered.number, title=readable(numbered.paper.title)[:80])
    if plan.map_reduce:
        told("info", "brief_map_reduce", groups=len(plan.groups), count=len(plan.sent))
    compact = sum(1 for n in plan.sent if n.compact)
    if compact:
        told("info", "brief_compact", compact=compact, count=len(plan.sent), window=_number(budget.context_window))
    return budget, plan


def _subtitle(session: Session, request: BriefRequest, sent: list[Numbered], model: str | None) -> str:
    """Under the title: the count, the dates and the filters (or the request's own
    subtitle), then the model."""
    if request.subtitle is not None:
        return " · ".join(x for x in (request.subtitle, model) if x)
    lang = session.lang
    dates = sorted(n.paper.published for n in sent if n.paper.published)
    span = f"{dates[0]} – {dates[-1]}" if dates and dates[0] != dates[-1] else (dates[0] if dates else "")
    count = (translate("brief_count_one", lang) if len(sent) == 1
             else translate("brief_count", lang, count=len(sent)))
    return " · ".join(x for x in (count, span, _filter_text(session, request), model) if x)


def _online(session: Session, request: BriefRequest, store: Store, cfg: LLMConfig,
            planned: tuple[Budget, Plan, ServerInfo | None], told: _Told) -> None:
    from hubcli.brief import run

    budget, plan, server = planned
    result = told.result
    caller = run.Caller(store=store, cfg=cfg, use_cache=not request.no_cache, reporter=told, stream=cfg.stream,
                        budget=budget, server=server)
    answer = run.generate(caller, plan, lang=session.lang)
    caller.report_notes()
    doc = run.document(answer, plan.sent, subtitle=_subtitle(session, request, plan.sent, cfg.model),
                       lang=session.lang)
    if doc.invalid:
        told("warn", "brief_invalid_markers", markers=", ".join(f"[{m}]" for m in dict.fromkeys(doc.invalid)),
             count=len(plan.sent))
    attributed = doc.attributed
    if not doc.model_cited and attributed and attributed.hub:
        told("warn", "brief_no_model_citations", hub=attributed.hub)
    elif not doc.model_cited:
        told("warn", "brief_no_citations")
    _check_report(doc.check, len(plan.sent), told)
    if attributed is not None:
        told("info", "brief_attribution_report", model=attributed.model, hub=attributed.hub, none=attributed.none,
             papers=len(attributed.papers))
    result.kind, result.text, result.usage, result.check = "model", doc.markdown, caller.usage, doc.check
    result.after += _usage_notices(caller.usage)


def _check_report(checked: Checked | None, count: int, told: _Told) -> None:
    """The citation check's one-line report, and what was left as written."""
    if checked is None:
        return
    told("info", "brief_check_report", markers=checked.markers, cited=len(checked.cited), count=count,
         rejected=len(checked.invalid), left=len(checked.left), spans=checked.protected)
    left = list(dict.fromkeys(checked.left))
    if left:
        from hubcli.render.formats import safe

        shown = ", ".join(safe(m) for m in left[:6]) + (", …" if len(left) > 6 else "")
        told("info", "brief_left_as_written", items=shown)


def _usage_notices(usage: Usage) -> list[Notice]:
    """What the calls cost (or when the cached answers were made)."""
    if usage.cached and not usage.calls:
        return [Notice("info", "brief_from_cache", {"when": max(usage.cached_at)})]
    notices = [Notice("info", "brief_usage", {**usage.spent(), "seconds": f"{usage.seconds:.1f}"})]
    if usage.cached:
        notices.append(Notice("info", "brief_partly_cached", {"cached": usage.cached}))
    return notices


# --- the dry run -----------------------------------------------------------------------------

def _line(number: str, paper: Paper, note: str) -> str:
    from hubcli.render.card import display_id
    from hubcli.text import safe

    parts = [paper.published or "----------", display_id(paper), note, safe(readable(paper.title or ""))]
    return f"[{number}] " + "  ".join(p for p in parts if p)


def _dry_run(cfg: LLMConfig, budget: Budget, plan: Plan, matched: int, lang: str, server: ServerInfo | None) -> str:
    """What would be sent: the model and its window, the papers by group, the estimate."""
    from hubcli.brief.run import estimate_prompt_tokens

    source = (translate("brief_dry_window_server", lang, where=server.source)
              if budget.window_source == "server" and server is not None
              else translate(f"brief_dry_window_{budget.window_source}", lang))
    lines = [translate("brief_dry_model", lang, model=cfg.model, window=_number(budget.context_window),
                       source=source, output=_number(budget.output_tokens)),
             translate("brief_dry_papers", lang, sent=len(plan.sent), matched=matched,
                       budget=_number(budget.per_call), calls=plan.calls)]
    for index, group in enumerate(plan.groups, start=1):
        if plan.map_reduce:
            lines.append(translate("brief_dry_group", lang, index=index, first=group[0].number,
                                   last=group[-1].number))
        lines += [_line(str(n.number), n.paper, f"~{n.tokens} tok" + (
            f" ({translate('brief_dry_compact', lang)})" if n.compact else "")) for n in group]
    lines += [_line("-", paper, translate("brief_dry_left_out", lang)) for paper in plan.left_out]
    lines.append(translate("brief_dry_estimate", lang, prompt=_number(estimate_prompt_tokens(plan, lang=lang)),
                           output=_number(budget.output_tokens), calls=plan.calls))
    return "\n".join(lines) + "\n"
