"""``hub follow``, ``hub unfollow``, ``hub following``, ``hub radar``."""

from typing import Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.cli.options import FormatOption, JsonOption, TldrOfflineOption, TldrOption
from hubcli.cli.output import notify, positive, resolve_format, show_items, show_listing, show_result
from hubcli.cli.papers import IncludeDismissedOption
from hubcli.filters import Filters

NameArgument = Annotated[Optional[str], typer.Argument(help="arg_follow_name", metavar="NAME")]
TopicOption = Annotated[Optional[str], typer.Option("--topic", "-t", help="opt_topic", metavar="NAME")]
CategoryOption = Annotated[Optional[str], typer.Option("--category", "-c", help="opt_category", metavar="CAT")]


def follow_command(name: NameArgument = None, topic: TopicOption = None, category: CategoryOption = None) -> None:
    from hubcli.api import follows

    show_result(follows.follow(STATE, name, topic, category))


def unfollow_command(name: NameArgument = None, topic: TopicOption = None, category: CategoryOption = None) -> None:
    from hubcli.api import follows

    show_result(follows.unfollow(STATE, name, topic, category))


def following_command(json_: JsonOption = False) -> None:
    from hubcli.api import follows

    result = follows.following(STATE)
    if show_items(result, json_):
        return
    OUT.data("".join(f"{item['kind']}\t{item['value']}\n" for item in result.items))


RadarLimitOption = Annotated[int, typer.Option("--limit", "-n", help="opt_radar_limit")]
PeekOption = Annotated[bool, typer.Option("--peek", help="opt_peek")]


def radar_command(format_: FormatOption = None, limit: RadarLimitOption = 100, peek: PeekOption = False,
                  include_dismissed: IncludeDismissedOption = False, tldr: TldrOption = False,
                  offline: TldrOfflineOption = False) -> None:
    from hubcli.api import reading, recommend
    fmt = resolve_format(format_)
    positive(limit, "--limit")
    notice = recommend.first_build_notice(STATE, ranking_only=True)
    notify([notice] if notice else [])
    result = reading.radar(STATE, limit=limit, peek=peek, include_dismissed=include_dismissed)
    total = result.footer.params.get("total", 0) if result.footer else 0
    if total > len(result.papers):  # the terminal's radar marks them seen too (not the page's peek)
        result.note("hint", "radar_more", after=True, more=total - len(result.papers))
    show_listing(result, fmt, Filters(), tldr=tldr, offline=offline)


def register(app: typer.Typer) -> None:
    app.command("follow", help="cmd_follow")(follow_command)
    app.command("unfollow", help="cmd_unfollow")(unfollow_command)
    app.command("following", help="cmd_following")(following_command)
    app.command("radar", help="cmd_radar")(radar_command)
