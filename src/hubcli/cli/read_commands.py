"""What ``hub papers``, ``hub shuffle`` and ``hub recommend`` do once their options are
read, without Typer.

``cli/papers.py`` and ``cli/recommend.py`` declare the commands to Typer and call these;
``cli/direct.py`` calls them straight from the command line for the everyday reads, which
then never import Typer (see its docstring).  Every option arrives as Typer passes it:
repeatable options as a list or None, flags as bools, numbers already held to their range.
"""

from typing import Optional

from hubcli.api import reading
from hubcli.cli.context import STATE
from hubcli.cli.output import notify, positive, resolve_format, show_listing
from hubcli.errors import UsageError
from hubcli.filters import SORTS, Filters


def papers(filters: Filters, *, page: int, per_page: Optional[int], sort: str, tldr: bool, offline: bool,
           format_: Optional[str]) -> None:
    """``hub papers``: one page of the listing."""
    fmt = resolve_format(format_)
    positive(page, "--page")
    positive(per_page, "--per-page")
    if sort not in SORTS:
        raise UsageError("bad_sort", value=sort, choices=", ".join(SORTS))
    result = reading.list_papers(STATE, filters, page=page, per_page=per_page, sort=sort, clamp=fmt == "panels")
    show_listing(result, fmt, filters, tldr=tldr, offline=offline)


def shuffle(filters: Filters, *, n: int, seed: Optional[int], include_dismissed: bool, tldr: bool, offline: bool,
            format_: Optional[str]) -> None:
    """``hub shuffle``: a fresh random batch."""
    fmt = resolve_format(format_)
    positive(n, "-n")
    result = reading.shuffle(STATE, filters, n=n, seed=seed, include_dismissed=include_dismissed)
    show_listing(result, fmt, filters, tldr=tldr, offline=offline)


def recommend(filters: Filters, *, like_tag: Optional[list[str]], n: int, min_score: Optional[float], all_: bool,
              explain: bool, include_dismissed: bool, tldr: bool, offline: bool, format_: Optional[str]) -> None:
    """``hub recommend``: new papers ranked by the library."""
    from hubcli.api import recommend as ranking

    fmt = resolve_format(format_)
    positive(n, "-n")
    announce_first_build()
    result = ranking.recommend(STATE, filters, like_tags=tuple(like_tag or ()), n=n, min_score=min_score,
                               explain=explain, include_dismissed=include_dismissed, all_matches=all_, remember=True)
    show_listing(result, fmt, filters, tldr=tldr, offline=offline)


def announce_first_build() -> None:
    """The line api gives before the ranking features' first build (minutes on a large cache)."""
    from hubcli.api.recommend import first_build_notice

    notice = first_build_notice(STATE)
    notify([notice] if notice else [])
