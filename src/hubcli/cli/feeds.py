"""``hub feeds add|list|remove``."""

import json
from typing import Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.cli.options import JsonOption, SourceArgument
from hubcli.cli.papers import show_result
from hubcli.i18n import t

LabelOption = Annotated[Optional[str], typer.Option("--label", help="opt_label")]


def feeds_add_command(source: SourceArgument, label: LabelOption = None) -> None:
    from hubcli.api import feeds

    show_result(feeds.add(STATE, source, label))


def feeds_list_command(json_: JsonOption = False) -> None:
    from hubcli.api import feeds

    result = feeds.subscriptions(STATE)
    if json_:
        OUT.data(json.dumps(result.items, ensure_ascii=False, indent=2) + "\n")
        return
    if not result.items:
        show_result(result)
        return
    from hubcli.render.formats import safe

    lines = []
    for item in result.items:
        status = item["status"] or t("never")
        lines.append("\t".join([safe(item["source"]), safe(item["label"]), str(item["papers"]),
                                item["last_sync"] or t("never"), safe(status)]))
    OUT.data("\n".join(lines) + "\n")


def feeds_remove_command(source: SourceArgument) -> None:
    from hubcli.api import feeds

    show_result(feeds.remove(STATE, source))


def register(app: typer.Typer) -> typer.Typer:
    group = typer.Typer(help="cmd_feeds", no_args_is_help=True)
    app.add_typer(group, name="feeds")
    group.command("add", help="cmd_feeds_add")(feeds_add_command)
    group.command("list", help="cmd_feeds_list")(feeds_list_command)
    group.command("remove", help="cmd_feeds_remove")(feeds_remove_command)
    return group
