"""``hub recommend`` and ``hub similar``: papers ranked by the library (``hubcli.rank``)."""

from typing import Annotated, Optional

import typer

from hubcli.cli.context import STATE
from hubcli.cli.options import FormatOption, IdArgument, with_filters
from hubcli.cli.papers import IncludeDismissedOption, positive, resolve_format, show_listing
from hubcli.filters import Filters
from hubcli.store.db import Store

FIRST_BUILD_NOTICE = 20_000  # papers: below this the first build takes seconds, said nothing


def announce_first_build(store: Store | None) -> None:
    """One line before the feature store's first build, which takes minutes on a large cache."""
    from hubcli.rank.hooks import features_dir

    if store is None or (features_dir(store) / "manifest.json").exists():
        return
    count = store.paper_count()
    if count >= FIRST_BUILD_NOTICE:
        from hubcli.cli.context import OUT
        from hubcli.i18n import t

        OUT.info(t("rank_first_build", count=count))

RecommendNumberOption = Annotated[int, typer.Option("-n", "--number", help="opt_recommend_n")]
MinScoreOption = Annotated[Optional[float], typer.Option("--min-score", help="opt_min_score", metavar="S")]
ExplainOption = Annotated[bool, typer.Option("--explain", help="opt_explain")]


@with_filters
def recommend_command(filters: Filters, n: RecommendNumberOption = 20, min_score: MinScoreOption = None,
                      explain: ExplainOption = False, include_dismissed: IncludeDismissedOption = False,
                      format_: FormatOption = None) -> None:
    from hubcli.api import recommend

    fmt = resolve_format(format_)
    positive(n, "-n")
    store = STATE.store(create=False)
    announce_first_build(store)
    result = recommend.recommend(STATE, filters, n=n, min_score=min_score,
                                 explain=explain, include_dismissed=include_dismissed)
    show_listing(result, fmt, filters)


SimilarNumberOption = Annotated[int, typer.Option("-n", "--number", help="opt_similar_n")]


@with_filters
def similar_command(ident: IdArgument, filters: Filters, n: SimilarNumberOption = 10,
                    include_dismissed: IncludeDismissedOption = False, format_: FormatOption = None) -> None:
    from hubcli.api import recommend

    fmt = resolve_format(format_)
    positive(n, "-n")
    store = STATE.store(create=False)
    announce_first_build(store)
    result = recommend.similar(STATE, ident, filters, n=n, include_dismissed=include_dismissed)
    show_listing(result, fmt, filters)


def register(app: typer.Typer) -> None:
    app.command("recommend", help="cmd_recommend")(recommend_command)
    app.command("similar", help="cmd_similar")(similar_command)
