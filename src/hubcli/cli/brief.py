"""``hub brief``: a cross-disciplinary briefing of the selected papers, as Markdown.

stdout carries the briefing (or the digest, or the dry-run listing) and nothing else;
every note, warning, progress line and usage figure goes to stderr.  Nothing is written
to stdout or to ``-o FILE`` until the whole document is ready.
"""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.cli.options import chips, filter_options, filters_from
from hubcli.cli.papers import open_for_reading, positive, report_unmatched
from hubcli.errors import HubError, NotFoundError
from hubcli.i18n import current_language, t


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
        from hubcli.brief.run import atomic_write

        atomic_write(Path(output), text)
        OUT.info(t("brief_written", path=output))
    else:
        OUT.data(text)


def _check_output(output: Optional[str]) -> None:
    """Fail before any model call when ``-o FILE`` cannot be written."""
    import os

    if not output or output == "-":
        return
    target = Path(output).expanduser()
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise HubError("brief_write_failed", path=output, reason=t("brief_is_a_directory"))
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise HubError("brief_write_failed", path=output, reason=t("brief_no_such_directory", path=str(parent)))


def _number(value: int) -> str:
    return f"{value:,}"


def register(app: typer.Typer) -> None:
    F = filter_options()

    @app.command("brief", help=t("cmd_brief"))
    def brief_command(
        author: F.author = None, category: F.category = None, source: F.source = None, search: F.search = None,
        topic: F.topic = None, since: F.since = None, until: F.until = None, type_: F.type = None,
        unseen: F.unseen = False,
        limit: Annotated[Optional[int], typer.Option("--limit", "-n", help=t("opt_brief_limit"))] = None,
        model: Annotated[Optional[str], typer.Option("--model", "-m", help=t("opt_brief_model"),
                                                     metavar="MODEL")] = None,
        api_base: Annotated[Optional[str], typer.Option("--api-base", help=t("opt_brief_api_base"),
                                                        metavar="URL")] = None,
        timeout: Annotated[Optional[float], typer.Option("--timeout", help=t("opt_brief_timeout"),
                                                         metavar="SECONDS")] = None,
        max_time: Annotated[Optional[float], typer.Option("--max-time", help=t("opt_brief_max_time"),
                                                          metavar="SECONDS")] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help=t("opt_brief_dry_run"))] = False,
        offline: Annotated[bool, typer.Option("--offline", help=t("opt_brief_offline"))] = False,
        no_cache: Annotated[bool, typer.Option("--no-cache", help=t("opt_brief_no_cache"))] = False,
        output: Annotated[Optional[str], typer.Option("--output", "-o", help=t("opt_brief_output"),
                                                      metavar="FILE")] = None,
    ) -> None:
        from hubcli.brief import run
        from hubcli.brief.select import DEFAULT_LIMIT, rank

        positive(limit, "--limit")
        _check_output(output)
        filters = filters_from(author, category, source, search, topic, since, until, type_, unseen)
        settings = STATE.settings()
        cfg = run.llm_config(settings.llm, settings.paths.config_file, model=model, api_base=api_base,
                             timeout=timeout, max_time=max_time)
        lang = current_language()
        store = open_for_reading()
        if store is None:
            raise NotFoundError("brief_no_papers_cache_empty")
        from hubcli.store.query import build_selection

        sel = build_selection(store, filters, settings)
        if sel.unmatched_authors:
            report_unmatched(store, sel.unmatched_authors)
        wanted = limit or DEFAULT_LIMIT
        ranked = rank(store, sel, wanted)
        if not ranked.papers:
            raise NotFoundError("brief_no_papers")
        if ranked.matched > len(ranked.papers):
            OUT.info(t("brief_not_considered", more=ranked.matched - len(ranked.papers), limit=wanted))
        filter_text = " · ".join(chips(filters))

        if offline or not cfg.model:
            if dry_run:
                _dry_run_offline(cfg.model, ranked.papers, ranked.matched)
                return
            from hubcli.brief.digest import digest

            text = digest(ranked.papers, subtitle=filter_text)
            _emit(text, output)
            if cfg.model:
                OUT.hint(t("brief_offline_hint_model", model=cfg.model))
            else:
                OUT.hint(t("brief_no_model_hint", config=str(settings.paths.config_file)))
            return

        server = run.server_info(store, cfg, refresh=no_cache)
        budget = run.budget_for(store, cfg, lang, server)
        plan = run.make_plan(ranked, budget)
        sent = plan.sent
        if plan.left_out:
            OUT.warn(t("brief_left_out", count=len(plan.left_out), sent=len(sent), calls=plan.calls,
                       window=_number(budget.context_window)))
        for numbered in sent:
            if numbered.truncated:
                OUT.warn(t("brief_truncated", number=numbered.number, title=numbered.paper.title[:80]))
        if plan.map_reduce:
            OUT.info(t("brief_map_reduce", groups=len(plan.groups), count=len(sent)))

        if dry_run:
            _dry_run(cfg, budget, plan, ranked.matched, lang, server)
            return

        caller = run.Caller(store=store, cfg=cfg, use_cache=not no_cache, reporter=_Reporter(),
                            stream=cfg.stream, budget=budget, server=server)
        answer = run.generate(caller, plan, lang=lang)
        caller.report_notes()
        dates = sorted(n.paper.published for n in sent if n.paper.published)
        span = f"{dates[0]} – {dates[-1]}" if dates and dates[0] != dates[-1] else (dates[0] if dates else "")
        count = t("brief_count_one") if len(sent) == 1 else t("brief_count", count=len(sent))
        subtitle = " · ".join(x for x in (count, span, filter_text, cfg.model) if x)
        doc = run.document(answer, sent, subtitle=subtitle)
        if doc.invalid:
            OUT.warn(t("brief_invalid_markers", markers=", ".join(f"[{m}]" for m in dict.fromkeys(doc.invalid)),
                       count=len(sent)))
        if not doc.cited:
            OUT.warn(t("brief_no_citations"))
        _report_check(doc, len(sent))
        _emit(doc.markdown, output)
        _report_usage(caller.usage)

    def _line(number: str, paper, note: str) -> str:  # type: ignore[no-untyped-def]
        from hubcli.render.formats import display_id, safe

        parts = [paper.published or "----------", display_id(paper), note, safe(paper.title)]
        return f"[{number}] " + "  ".join(p for p in parts if p)

    def _report_check(doc, count: int) -> None:  # type: ignore[no-untyped-def]
        checked = doc.check
        left = list(dict.fromkeys(checked.left))
        OUT.info(t("brief_check_report", markers=checked.markers, cited=len(checked.cited), count=count,
                   rejected=len(checked.invalid), left=len(checked.left), spans=checked.protected))
        if left:
            from hubcli.render.formats import safe

            shown = ", ".join(safe(m) for m in left[:6]) + (", …" if len(left) > 6 else "")
            OUT.info(t("brief_left_as_written", items=shown))

    def _dry_run(cfg, budget, plan, matched, lang, server):  # type: ignore[no-untyped-def]
        from hubcli.brief.run import estimate_prompt_tokens

        source = (t("brief_dry_window_server", where=server.source) if budget.window_source == "server"
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

    def _dry_run_offline(model, papers, matched) -> None:  # type: ignore[no-untyped-def]
        lines = [t("brief_dry_offline", model=model) if model else t("brief_dry_no_model"),
                 t("brief_dry_offline_papers", count=len(papers), matched=matched)]
        lines += [_line(str(i), paper, "") for i, paper in enumerate(papers, start=1)]
        OUT.data("\n".join(lines) + "\n")

    def _report_usage(usage) -> None:  # type: ignore[no-untyped-def]
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
