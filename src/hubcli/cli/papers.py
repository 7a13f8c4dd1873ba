"""``hub papers``, ``hub shuffle``, ``hub show``, ``hub open``, as Typer commands (the first
two run ``cli/read_commands.py``, which ``cli/direct.py`` also calls without Typer)."""

import sys
from typing import Annotated, Optional

import typer

from hubcli.api import reading
from hubcli.cli import read_commands
from hubcli.cli.context import OUT, STATE, t
from hubcli.cli.options import FormatOption, IdArgument, TldrOfflineOption, TldrOption, with_filters
from hubcli.cli.output import emit, resolve_format
from hubcli.errors import HubError, NotFoundError
from hubcli.filters import Filters

PageOption = Annotated[int, typer.Option("--page", "-p", help="opt_page")]
PerPageOption = Annotated[Optional[int], typer.Option("--per-page", "-n", help="opt_per_page")]
SortOption = Annotated[str, typer.Option("--sort", help="opt_sort", metavar="date|relevance")]


@with_filters
def papers_command(filters: Filters, page: PageOption = 1, per_page: PerPageOption = None, sort: SortOption = "date",
                   tldr: TldrOption = False, offline: TldrOfflineOption = False, format_: FormatOption = None) -> None:
    read_commands.papers(filters, page=page, per_page=per_page, sort=sort, tldr=tldr, offline=offline,
                         format_=format_)


NumberOption = Annotated[int, typer.Option("-n", "--number", help="opt_n")]
SeedOption = Annotated[Optional[int], typer.Option("--seed", help="opt_seed")]


IncludeDismissedOption = Annotated[bool, typer.Option("--include-dismissed", help="opt_include_dismissed")]


@with_filters
def shuffle_command(filters: Filters, n: NumberOption = 10, seed: SeedOption = None,
                    include_dismissed: IncludeDismissedOption = False, tldr: TldrOption = False,
                    offline: TldrOfflineOption = False, format_: FormatOption = None) -> None:
    read_commands.shuffle(filters, n=n, seed=seed, include_dismissed=include_dismissed, tldr=tldr, offline=offline,
                          format_=format_)


def show_command(ident: IdArgument, format_: FormatOption = None) -> None:
    paper = reading.find(STATE, ident)
    fmt = resolve_format(format_)
    if fmt == "panels":
        from hubcli.cli.pager import paged
        from hubcli.render.panels import render_detail

        with paged():
            render_detail(OUT.console(), paper, lang=STATE.lang)
    elif fmt == "plain":
        from hubcli.cli.pager import paged
        from hubcli.render.formats import safe
        from hubcli.render.latex import readable
        from hubcli.render.panels import detail_rows

        lines = [safe(readable(paper.title or "")), ""] + [f"{label}: {value}"
                                                          for label, value in detail_rows(paper, STATE.lang)]
        lines += ["", safe(readable(paper.abstract or "")) or t("no_abstract")]
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
    from hubcli.render.card import safe_url, url_scheme

    if safe_url(url) is None:  # never hand a data:, javascript:, file: or app link to the browser
        raise HubError("open_refused", ident=ident, scheme=url_scheme(url))
    url = str(safe_url(url))
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
