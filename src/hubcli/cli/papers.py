"""``hub papers``, ``hub shuffle``, ``hub show``, ``hub open``."""

import sys
from typing import Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.cli.options import chips, filter_options, filters_from
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
         reasons: Optional[dict] = None) -> None:  # type: ignore[type-arg]
    """Write papers in a format; chips and footer go to stdout only with panels.  On a
    terminal a listing taller than the screen goes through the pager."""
    from hubcli.cli.pager import paged
    from hubcli.render import formats

    if fmt == "panels":
        from hubcli.render.panels import render_papers

        with paged():
            render_papers(OUT.console(), papers, chips=chips(filters), footer=footer, start=start, reasons=reasons)
        return
    writers = {"plain": lambda ps: formats.to_plain(ps, start=start), "json": formats.to_json,
               "jsonl": formats.to_jsonl, "csv": formats.to_csv,
               "markdown": lambda ps: formats.to_markdown(ps, start=start), "bibtex": formats.to_bibtex}
    with paged():
        OUT.data(writers[fmt](papers))
    if fmt == "plain" and footer:
        OUT.info(footer)


def open_for_reading() -> Optional[Store]:
    """The store, or None when there is no cache yet (read commands never create one)."""
    return STATE.store(create=False)


def report_unmatched(store: Store, names: list[str]) -> None:
    from hubcli.store.query import author_suggestions

    for name in names:
        suggestions = author_suggestions(store.conn, name)
        if suggestions:
            OUT.hint(t("did_you_mean", name=name, suggestions=", ".join(suggestions)))
        else:
            OUT.hint(t("no_author", name=name))


def register(app: typer.Typer) -> None:
    F = filter_options()

    @app.command("papers", help=t("cmd_papers"))
    def papers_command(
        author: F.author = None, category: F.category = None, source: F.source = None, search: F.search = None,
        topic: F.topic = None, since: F.since = None, until: F.until = None, type_: F.type = None,
        unseen: F.unseen = False,
        page: Annotated[int, typer.Option("--page", "-p", help=t("opt_page"))] = 1,
        per_page: Annotated[Optional[int], typer.Option("--per-page", "-n", help=t("opt_per_page"))] = None,
        sort: Annotated[str, typer.Option("--sort", help=t("opt_sort"), metavar="date|relevance")] = "date",
        format_: F.format = None,
    ) -> None:
        fmt = resolve_format(format_)
        positive(page, "--page")
        positive(per_page, "--per-page")
        if sort not in SORTS:
            raise UsageError("bad_sort", value=sort, choices=", ".join(SORTS))
        filters = filters_from(author, category, source, search, topic, since, until, type_, unseen)
        settings = STATE.settings()
        per = per_page or settings.per_page
        store = open_for_reading()
        if store is None:
            emit([], fmt, filters=filters, footer=t("footer", page=page, pages=1, total=0))
            OUT.hint(t("no_papers_cache_empty"))
            return
        from hubcli.store.query import build_selection, list_page

        sel = build_selection(store, filters, settings)
        if sel.unmatched_authors:
            report_unmatched(store, sel.unmatched_authors)
        result = list_page(store, sel, page=page, per_page=per, sort=sort)
        footer = t("footer_one" if result.total == 1 else "footer", page=page, pages=result.pages,
                   total=result.total)
        emit(result.papers, fmt, filters=filters, footer=footer, start=(page - 1) * per + 1)
        if result.total == 0:
            OUT.hint(t("no_papers") if store.paper_count() else t("no_papers_cache_empty"))
        elif page > result.pages:
            OUT.hint(t("page_past_end", page=page, pages=result.pages))

    @app.command("shuffle", help=t("cmd_shuffle"))
    def shuffle_command(
        author: F.author = None, category: F.category = None, source: F.source = None, search: F.search = None,
        topic: F.topic = None, since: F.since = None, until: F.until = None, type_: F.type = None,
        unseen: F.unseen = False,
        n: Annotated[int, typer.Option("-n", "--number", help=t("opt_n"))] = 10,
        seed: Annotated[Optional[int], typer.Option("--seed", help=t("opt_seed"))] = None,
        format_: F.format = None,
    ) -> None:
        fmt = resolve_format(format_)
        positive(n, "-n")
        filters = filters_from(author, category, source, search, topic, since, until, type_, unseen)
        settings = STATE.settings()
        store = open_for_reading()
        if store is None:
            emit([], fmt, filters=filters, footer=t("footer_shuffle", shown=0, total=0, left=0))
            OUT.hint(t("no_papers_cache_empty"))
            return
        from hubcli.store.query import build_selection, sample

        sel = build_selection(store, filters, settings)
        if sel.unmatched_authors:
            report_unmatched(store, sel.unmatched_authors)
        batch = sample(store, sel, filters.selection_key(), n=n, seed=seed)
        if batch.restarted:
            OUT.info(t("shuffle_restart"))
        if seed is not None:
            footer = t("footer_shuffle_seeded", shown=len(batch.papers), total=batch.total, seed=seed)
        else:
            footer = t("footer_shuffle", shown=len(batch.papers), total=batch.total, left=batch.left)
        emit(batch.papers, fmt, filters=filters, footer=footer)
        if batch.total == 0:
            OUT.hint(t("no_papers") if store.paper_count() else t("no_papers_cache_empty"))

    def _find(ident: str) -> Paper:
        store = open_for_reading()
        from hubcli.store.query import find_paper

        paper = find_paper(store, ident) if store else None
        if paper is None:
            raise NotFoundError("paper_not_found", ident=ident)
        return paper

    @app.command("show", help=t("cmd_show"))
    def show_command(
        ident: Annotated[str, typer.Argument(help=t("arg_id"), metavar="ID")],
        format_: F.format = None,
    ) -> None:
        paper = _find(ident)
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

    @app.command("open", help=t("cmd_open"))
    def open_command(
        ident: Annotated[str, typer.Argument(help=t("arg_id"), metavar="ID")],
        pdf: Annotated[bool, typer.Option("--pdf", help=t("opt_open_pdf"))] = False,
    ) -> None:
        paper = _find(ident)
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
