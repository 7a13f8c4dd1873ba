"""``hub papers``, ``hub shuffle``, ``hub show``, ``hub open``."""

import sys
from typing import Annotated, Any, Optional

import typer

from hubcli.api import reading
from hubcli.api.results import Data, Listing, Notice, Result
from hubcli.cli.context import OUT, STATE
from hubcli.cli.options import FormatOption, IdArgument, chips, with_filters
from hubcli.errors import NotFoundError, UsageError
from hubcli.filters import SORTS, Filters
from hubcli.i18n import t
from hubcli.models import Paper
from hubcli.render import FORMATS
from hubcli.store.db import Store


def resolve_format(value: Optional[str]) -> str:
    if value is None:
        return "panels" if OUT.stdout_is_terminal() else "plain"
    fmt = value.strip().lower()
    if fmt not in FORMATS:
        raise UsageError("bad_format", value=value, choices=", ".join(FORMATS))
    return fmt


def positive(value: Optional[int], option: str, minimum: int = 1) -> None:
    if value is not None and value < minimum:
        raise UsageError("bad_positive", option=option, minimum=minimum)


def emit(papers: list[Paper], fmt: str, *, filters: Filters, footer: str, start: int = 1,
         reasons: Optional[dict[int, str]] = None, details: Optional[dict[int, list[str]]] = None,
         extras: Optional[dict[int, dict[str, object]]] = None) -> None:
    """Write papers in a format; chips and footer go to stdout only with panels.  On a
    terminal a listing taller than the screen goes through the pager.  ``reasons`` and
    ``details`` are shown on cards, ``extras`` added to JSON objects (scores)."""
    from hubcli.cli.pager import paged
    from hubcli.render import formats

    if fmt == "panels":
        from hubcli.render.panels import render_papers

        with paged():
            render_papers(OUT.console(), papers, chips=chips(filters), footer=footer, start=start, reasons=reasons,
                          details=details)
        return
    writers: dict[str, Any] = {
        "plain": lambda ps: formats.to_plain(ps, start=start, details=_plain_details(reasons, details)),
        "json": lambda ps: formats.to_json(ps, extras), "jsonl": lambda ps: formats.to_jsonl(ps, extras),
        "csv": formats.to_csv, "markdown": lambda ps: formats.to_markdown(ps, start=start),
        "bibtex": formats.to_bibtex,
    }
    with paged():
        OUT.data(writers[fmt](papers))
    if fmt == "plain" and footer:
        OUT.info(footer)


def _plain_details(reasons: Optional[dict[int, str]], details: Optional[dict[int, list[str]]]
                   ) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {pid: [why] for pid, why in (reasons or {}).items() if why}
    for pid, lines in (details or {}).items():
        out.setdefault(pid, []).extend(lines)
    return out


def notify(notices: list[Notice]) -> None:
    """A result's notices, in the run's language, on stderr."""
    for notice in notices:
        getattr(OUT, notice.level)(t(notice.key, **notice.params))


def show_result(result: Result) -> None:
    notify(result.before)
    notify(result.after)


def show_items(result: Data, as_json: bool) -> bool:
    """A listing of items as JSON, or its notices when it has none: True when nothing is
    left for the caller to render."""
    if as_json:
        import json

        OUT.data(json.dumps(result.items, ensure_ascii=False, indent=2) + "\n")
        return True
    if not result.items:
        show_result(result)
        return True
    return False


def show_listing(result: Listing, fmt: str, filters: Filters) -> None:
    notify(result.before)
    footer = t(result.footer.key, **result.footer.params) if result.footer else ""
    reasons: dict[int, str] = {}
    if result.reasons is not None:
        reasons = {pid: ", ".join(t(m.key, **m.params) for m in why) for pid, why in result.reasons.items()}
    details: dict[int, list[str]] = {}
    extras: dict[int, dict[str, object]] = {}
    for pid, score in (result.scores or {}).items():
        reasons[pid] = ", ".join(x for x in (t("card_score", score=f"{score:.2f}"), reasons.get(pid)) if x)
        extras[pid] = {"score": score}
    for pid, why in (result.explanations or {}).items():
        extras.setdefault(pid, {})["explain"] = {"words": why.words, "like": why.like_key}
        if why.words:
            details.setdefault(pid, []).append(t("card_words", words=", ".join(why.words)))
        if why.like_title:
            details.setdefault(pid, []).append(t("card_like", title=why.like_title))
    emit(result.papers, fmt, filters=filters, footer=footer, start=result.start, reasons=reasons or None,
         details=details or None, extras=extras or None)
    if fmt in ("panels", "plain", "markdown"):
        remember_cards(result)
    notify(result.after)


def remember_cards(result: Listing) -> None:
    """The cards just shown, for ``hub save 3`` (best effort: a busy or read-only
    database only loses the numbers, never the listing)."""
    ids = [p.rowid for p in result.papers if p.rowid is not None]
    if not ids:
        return
    import sqlite3

    from hubcli.errors import HubError
    from hubcli.store.library import remember_listing

    try:
        store = STATE.store(create=False)
        if store is not None:
            remember_listing(store, ids, result.start)
    except (sqlite3.Error, HubError, OSError):
        pass


def open_for_reading() -> Optional[Store]:
    """The store, or None when there is no cache yet (read commands never create one)."""
    return STATE.store(create=False)


PageOption = Annotated[int, typer.Option("--page", "-p", help="opt_page")]
PerPageOption = Annotated[Optional[int], typer.Option("--per-page", "-n", help="opt_per_page")]
SortOption = Annotated[str, typer.Option("--sort", help="opt_sort", metavar="date|relevance")]


@with_filters
def papers_command(filters: Filters, page: PageOption = 1, per_page: PerPageOption = None, sort: SortOption = "date",
                   format_: FormatOption = None) -> None:
    fmt = resolve_format(format_)
    positive(page, "--page")
    positive(per_page, "--per-page")
    if sort not in SORTS:
        raise UsageError("bad_sort", value=sort, choices=", ".join(SORTS))
    result = reading.list_papers(STATE, filters, page=page, per_page=per_page, sort=sort)
    show_listing(result, fmt, filters)


NumberOption = Annotated[int, typer.Option("-n", "--number", help="opt_n")]
SeedOption = Annotated[Optional[int], typer.Option("--seed", help="opt_seed")]


IncludeDismissedOption = Annotated[bool, typer.Option("--include-dismissed", help="opt_include_dismissed")]


@with_filters
def shuffle_command(filters: Filters, n: NumberOption = 10, seed: SeedOption = None,
                    include_dismissed: IncludeDismissedOption = False, format_: FormatOption = None) -> None:
    fmt = resolve_format(format_)
    positive(n, "-n")
    result = reading.shuffle(STATE, filters, n=n, seed=seed, include_dismissed=include_dismissed)
    show_listing(result, fmt, filters)


def show_command(ident: IdArgument, format_: FormatOption = None) -> None:
    paper = reading.find(STATE, ident)
    fmt = resolve_format(format_)
    if fmt == "panels":
        from hubcli.cli.pager import paged
        from hubcli.render.panels import render_detail

        with paged():
            render_detail(OUT.console(), paper)
    elif fmt == "plain":
        from hubcli.cli.pager import paged
        from hubcli.render.formats import safe
        from hubcli.render.panels import detail_rows

        lines = [safe(paper.title), ""] + [f"{label}: {value}" for label, value in detail_rows(paper)]
        lines += ["", safe(paper.abstract) or t("no_abstract")]
        with paged():
            OUT.data("\n".join(lines) + "\n")
    else:
        emit([paper], fmt, filters=Filters(), footer="")


PdfOption = Annotated[bool, typer.Option("--pdf", help="opt_open_pdf")]


def open_command(ident: IdArgument, pdf: PdfOption = False) -> None:
    paper = reading.find(STATE, ident)
    if pdf:
        url = paper.pdf_url
        if not url:
            raise NotFoundError("paper_no_pdf", ident=ident)
    else:
        url = paper.url or paper.pdf_url
    if not url:
        raise NotFoundError("paper_no_link", ident=ident)
    import webbrowser

    if not webbrowser.open(url):
        OUT.info(url)
    else:
        OUT.info(t("opened", url=url))
    sys.stderr.flush()


def register(app: typer.Typer) -> None:
    app.command("papers", help="cmd_papers")(papers_command)
    app.command("shuffle", help="cmd_shuffle")(shuffle_command)
    app.command("show", help="cmd_show")(show_command)
    app.command("open", help="cmd_open")(open_command)
