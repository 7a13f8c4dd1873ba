"""``hub recommend`` and ``hub similar``: papers ranked by the library (``hubcli.rank``), as
Typer commands (``hub recommend`` runs ``cli/read_commands.py``, which ``cli/direct.py``
also calls without Typer)."""

from typing import Annotated, Optional

import typer

from hubcli.cli import read_commands
from hubcli.cli.context import STATE
from hubcli.cli.options import FormatOption, IdArgument, TldrOfflineOption, TldrOption, with_filters
from hubcli.cli.output import positive, resolve_format, show_listing
from hubcli.cli.papers import IncludeDismissedOption
from hubcli.filters import Filters

RecommendNumberOption = Annotated[int, typer.Option("-n", "--number", help="opt_recommend_n")]
MinScoreOption = Annotated[Optional[float], typer.Option("--min-score", help="opt_min_score", metavar="S")]
ExplainOption = Annotated[bool, typer.Option("--explain", help="opt_explain")]
AllOption = Annotated[bool, typer.Option("--all", help="opt_recommend_all")]
LikeTagOption = Annotated[Optional[list[str]], typer.Option("--like-tag", help="opt_like_tag", metavar="TAG")]


@with_filters
def recommend_command(filters: Filters, like_tag: LikeTagOption = None, n: RecommendNumberOption = 20,
                      min_score: MinScoreOption = None, all_: AllOption = False, explain: ExplainOption = False,
                      include_dismissed: IncludeDismissedOption = False, tldr: TldrOption = False,
                      offline: TldrOfflineOption = False, format_: FormatOption = None) -> None:
    read_commands.recommend(filters, like_tag=like_tag, n=n, min_score=min_score, all_=all_, explain=explain,
                            include_dismissed=include_dismissed, tldr=tldr, offline=offline, format_=format_)


SimilarNumberOption = Annotated[int, typer.Option("-n", "--number", help="opt_similar_n")]


@with_filters
def similar_command(ident: IdArgument, filters: Filters, n: SimilarNumberOption = 10,
                    include_dismissed: IncludeDismissedOption = False, tldr: TldrOption = False,
                    offline: TldrOfflineOption = False, format_: FormatOption = None) -> None:
    from hubcli.api import recommend
    fmt = resolve_format(format_)
    positive(n, "-n")
    read_commands.announce_first_build()
    result = recommend.similar(STATE, ident, filters, n=n, include_dismissed=include_dismissed)
    show_listing(result, fmt, filters, tldr=tldr, offline=offline)


def register(app: typer.Typer) -> None:
    app.command("recommend", help="cmd_recommend")(recommend_command)
    app.command("similar", help="cmd_similar")(similar_command)
