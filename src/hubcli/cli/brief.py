"""``hub brief``: a cross-disciplinary briefing of the selected papers, as Markdown.

stdout carries the briefing (or the digest, or the dry-run listing) and nothing else;
every note, warning, progress line and usage figure goes to stderr.  Nothing is written
to stdout or to ``-o FILE`` until the whole document is ready.
"""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.cli.options import chips, with_filters
from hubcli.cli.papers import notify, open_for_reading, positive
from hubcli.errors import NotFoundError
from hubcli.filters import Filters
from hubcli.i18n import current_language, t
from hubcli.models import Paper
from hubcli.store.db import Store

if TYPE_CHECKING:
    from hubcli.brief.run import Document, LLMConfig, Usage
    from hubcli.brief.select import Budget, Numbered, Plan, Ranked
    from hubcli.brief.server import ServerInfo


class _Reporter:
    """stderr lines for the library; a progress line only on a terminal."""

    def __init__(self) -> None:
        self._width = 0

    def info(self, message: str) -> None:
        OUT.info(message)

    def warn(self, message: str) -> None:
        OUT.warn(message)

    def status(self, message: str) -> None:
        if OUT.stderr_is_terminal():
            OUT.info(message)

    def progress(self, message: Optional[str]) -> None:
        if not OUT.stderr_is_terminal():
            return
        if message is None:
            if self._width:
                sys.stderr.write("\r" + " " * self._width + "\r")
                sys.stderr.flush()
                self._width = 0
            return
        sys.stderr.write("\r" + message)
        sys.stderr.flush()
        self._width = max(self._width, _display_width(message))


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _emit(text: str, output: Optional[str]) -> None:
    if output and output != "-":
        from hubcli.outfile import atomic_write

        atomic_write(Path(output), text)
        OUT.info(t("brief_written", path=output))
    else:
        OUT.data(text)


def _check_output(output: Optional[str]) -> None:
    """Fail before any model call when ``-o FILE`` cannot be written."""
    if output and output != "-":
        from hubcli.outfile import check_target

        check_target(output)


def _number(value: int) -> str:
    return f"{value:,}"


def _line(number: str, paper: Paper, note: str) -> str:
    from hubcli.render.formats import display_id, safe

    parts = [paper.published or "----------", display_id(paper), note, safe(paper.title)]
    return f"[{number}] " + "  ".join(p for p in parts if p)


def _dry_run(cfg: "LLMConfig", budget: "Budget", plan: "Plan", matched: int, lang: str,
             server: Optional["ServerInfo"]) -> None:
    from hubcli.brief.run import estimate_prompt_tokens

    source = (t("brief_dry_window_server", where=server.source)
              if budget.window_source == "server" and server is not None
              else t(f"brief_dry_window_{budget.window_source}"))
    lines = [t("brief_dry_model", model=cfg.model, window=_number(budget.context_window),
               source=source, output=_number(budget.output_tokens)),
             t("brief_dry_papers", sent=len(plan.sent), matched=matched, budget=_number(budget.per_call),
               calls=plan.calls)]
    for index, group in enumerate(plan.groups, start=1):
        if plan.map_reduce:
            lines.append(t("brief_dry_group", index=index, first=group[0].number, last=group[-1].number))
        lines += [_line(str(n.number), n.paper, f"~{n.tokens} tok") for n in group]
    lines += [_line("-", paper, t("brief_dry_left_out")) for paper in plan.left_out]
    lines.append(t("brief_dry_estimate", prompt=_number(estimate_prompt_tokens(plan, lang=lang)),
                   output=_number(budget.output_tokens), calls=plan.calls))
    OUT.data("\n".join(lines) + "\n")


def _dry_run_offline(model: Optional[str], papers: list[Paper], matched: int) -> None:
    lines = [t("brief_dry_offline", model=model) if model else t("brief_dry_no_model"),
             t("brief_dry_offline_papers", count=len(papers), matched=matched)]
    lines += [_line(str(i), paper, "") for i, paper in enumerate(papers, start=1)]
    OUT.data("\n".join(lines) + "\n")


def _report_usage(usage: "Usage") -> None:
    if usage.cached and not usage.calls:
        OUT.info(t("brief_from_cache", when=max(usage.cached_at)))
        return
    tokens = (t("brief_tokens", total=_number(usage.prompt_tokens + usage.completion_tokens),
                prompt=_number(usage.prompt_tokens), completion=_number(usage.completion_tokens))
              if usage.tokens_known else t("brief_tokens_unknown"))
    cost = f"${usage.cost:.4f}" if usage.cost_known else t("brief_cost_unknown")
    OUT.info(t("brief_usage", calls=usage.calls, tokens=tokens, cost=cost, seconds=f"{usage.seconds:.1f}"))
    if usage.cached:
        OUT.info(t("brief_partly_cached", cached=usage.cached))


def _select(filters: Filters, limit: Optional[int], recommended: bool = False) -> tuple[Store, "Ranked"]:
    """The store and the ranked candidates (NotFoundError when there are none); with
    ``recommended``, the papers ``hub recommend`` would show, in its order."""
    from hubcli.api.reading import unmatched_authors
    from hubcli.brief.select import DEFAULT_LIMIT, Ranked, rank
    from hubcli.store.query import build_selection

    store = open_for_reading()
    if store is None:
        raise NotFoundError("brief_no_papers_cache_empty")
    if recommended:
        from hubcli.api import recommend

        found = recommend.recommend(STATE, filters, n=limit or DEFAULT_LIMIT)
        notify(found.before)
        if not found.papers:
            raise NotFoundError("brief_no_papers")
        return store, Ranked(found.papers, len(found.papers))
    sel = build_selection(store, filters, STATE.settings())
    notify(unmatched_authors(store, sel.unmatched_authors))
    wanted = limit or DEFAULT_LIMIT
    ranked = rank(store, sel, wanted)
    if not ranked.papers:
        raise NotFoundError("brief_no_papers")
    if ranked.matched > len(ranked.papers):
        OUT.info(t("brief_not_considered", more=ranked.matched - len(ranked.papers), limit=wanted))
    return store, ranked


def _offline(cfg: "LLMConfig", ranked: "Ranked", filter_text: str, output: Optional[str], dry_run: bool) -> None:
    """The digest: no model configured, or ``--offline``."""
    if dry_run:
        _dry_run_offline(cfg.model, ranked.papers, ranked.matched)
        return
    from hubcli.brief.digest import digest

    _emit(digest(ranked.papers, subtitle=filter_text), output)
    if cfg.model:
        OUT.hint(t("brief_offline_hint_model", model=cfg.model))
    else:
        OUT.hint(t("brief_no_model_hint", config=str(STATE.settings().paths.config_file)))


def _plan(store: Store, cfg: "LLMConfig", ranked: "Ranked", lang: str,
          server: Optional["ServerInfo"]) -> tuple["Budget", "Plan"]:
    from hubcli.brief import run

    budget = run.budget_for(store, cfg, lang, server)
    plan = run.make_plan(ranked, budget)
    if plan.left_out:
        OUT.warn(t("brief_left_out", count=len(plan.left_out), sent=len(plan.sent), calls=plan.calls,
                   window=_number(budget.context_window)))
    for numbered in plan.sent:
        if numbered.truncated:
            OUT.warn(t("brief_truncated", number=numbered.number, title=numbered.paper.title[:80]))
    if plan.map_reduce:
        OUT.info(t("brief_map_reduce", groups=len(plan.groups), count=len(plan.sent)))
    return budget, plan


def _subtitle(sent: list["Numbered"], filter_text: str, model: Optional[str]) -> str:
    dates = sorted(n.paper.published for n in sent if n.paper.published)
    span = f"{dates[0]} – {dates[-1]}" if dates and dates[0] != dates[-1] else (dates[0] if dates else "")
    count = t("brief_count_one") if len(sent) == 1 else t("brief_count", count=len(sent))
    return " · ".join(x for x in (count, span, filter_text, model) if x)


def _report_check(doc: "Document", count: int) -> None:
    """The citation check's one-line report, and what was left as written."""
    checked = doc.check
    if checked is None:
        return
    left = list(dict.fromkeys(checked.left))
    OUT.info(t("brief_check_report", markers=checked.markers, cited=len(checked.cited), count=count,
               rejected=len(checked.invalid), left=len(checked.left), spans=checked.protected))
    if left:
        from hubcli.render.formats import safe

        shown = ", ".join(safe(m) for m in left[:6]) + (", …" if len(left) > 6 else "")
        OUT.info(t("brief_left_as_written", items=shown))


def _online(store: Store, cfg: "LLMConfig", budget: "Budget", plan: "Plan", server: Optional["ServerInfo"], *,
            filter_text: str, output: Optional[str], no_cache: bool, lang: str) -> None:
    from hubcli.brief import run

    caller = run.Caller(store=store, cfg=cfg, use_cache=not no_cache, reporter=_Reporter(),
                        stream=cfg.stream, budget=budget, server=server)
    answer = run.generate(caller, plan, lang=lang)
    caller.report_notes()
    doc = run.document(answer, plan.sent, subtitle=_subtitle(plan.sent, filter_text, cfg.model))
    if doc.invalid:
        OUT.warn(t("brief_invalid_markers", markers=", ".join(f"[{m}]" for m in dict.fromkeys(doc.invalid)),
                   count=len(plan.sent)))
    if not doc.cited:
        OUT.warn(t("brief_no_citations"))
    _report_check(doc, len(plan.sent))
    _emit(doc.markdown, output)
    _report_usage(caller.usage)


LimitOption = Annotated[Optional[int], typer.Option("--limit", "-n", help="opt_brief_limit")]
ModelOption = Annotated[Optional[str], typer.Option("--model", "-m", help="opt_brief_model", metavar="MODEL")]
ApiBaseOption = Annotated[Optional[str], typer.Option("--api-base", help="opt_brief_api_base", metavar="URL")]
TimeoutOption = Annotated[Optional[float], typer.Option("--timeout", help="opt_brief_timeout", metavar="SECONDS")]
MaxTimeOption = Annotated[Optional[float], typer.Option("--max-time", help="opt_brief_max_time", metavar="SECONDS")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="opt_brief_dry_run")]
OfflineOption = Annotated[bool, typer.Option("--offline", help="opt_brief_offline")]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="opt_brief_no_cache")]
OutputOption = Annotated[Optional[str], typer.Option("--output", "-o", help="opt_brief_output", metavar="FILE")]
RecommendOption = Annotated[bool, typer.Option("--recommend", help="opt_brief_recommend")]


@with_filters
def brief_command(filters: Filters, limit: LimitOption = None, model: ModelOption = None,
                  api_base: ApiBaseOption = None, timeout: TimeoutOption = None, max_time: MaxTimeOption = None,
                  dry_run: DryRunOption = False,
                  offline: OfflineOption = False, no_cache: NoCacheOption = False,
                  output: OutputOption = None, recommend: RecommendOption = False) -> None:
    from hubcli.brief import run

    positive(limit, "--limit")
    _check_output(output)
    settings = STATE.settings()
    cfg = run.llm_config(settings.llm, settings.paths.config_file, model=model, api_base=api_base,
                         timeout=timeout, max_time=max_time)
    lang = current_language()
    store, ranked = _select(filters, limit, recommend)
    filter_text = " · ".join(chips(filters))
    if offline or not cfg.model:
        _offline(cfg, ranked, filter_text, output, dry_run)
        return
    server = run.server_info(store, cfg, refresh=no_cache)
    budget, plan = _plan(store, cfg, ranked, lang, server)
    if dry_run:
        _dry_run(cfg, budget, plan, ranked.matched, lang, server)
        return
    _online(store, cfg, budget, plan, server, filter_text=filter_text, output=output, no_cache=no_cache, lang=lang)


def register(app: typer.Typer) -> None:
    app.command("brief", help="cmd_brief")(brief_command)
