"""What ``hub papers`` and ``hub shuffle`` do once their options are read, without Typer.

``cli/papers.py`` declares the two commands to Typer and calls these; ``cli/direct.py``
calls them straight from the command line for the everyday reads, which then never
import Typer (see its docstring).  Every option arrives as Typer passes it: repeatable
options as a list or None, flags as bools, numbers as ints already held to their range.
"""

from typing import Optional

from hubcli.api import reading
from hubcli.cli.context import STATE
from hubcli.cli.output import positive, resolve_format, show_listing
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
