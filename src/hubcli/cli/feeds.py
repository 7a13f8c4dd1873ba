"""``hub feeds add|list|remove``."""

from collections.abc import Sequence
from typing import Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE, t
from hubcli.cli.options import JsonOption, SourceArgument
from hubcli.cli.output import show_items, show_result

LabelOption = Annotated[Optional[str], typer.Option("--label", help="opt_label")]
NoCheckOption = Annotated[bool, typer.Option("--no-check", help="opt_feeds_no_check")]


def feeds_add_command(source: SourceArgument, label: LabelOption = None, no_check: NoCheckOption = False) -> None:
    from hubcli.api import feeds

    show_result(feeds.add(STATE, source, label, check=not no_check))


STATUS_KEYS = {"ok": "status_ok", "not-modified": "status_not_modified", "failed": "status_failed"}


def status_text(status: Optional[str]) -> str:
    """A stored sync status in the user's language (``never`` before the first sync)."""
    if not status:
        return t("never")
    return t(STATUS_KEYS[status]) if status in STATUS_KEYS else status


def _table(rows: Sequence[tuple[str, ...]]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(t("feeds_heading")), title_justify="left", box=None, pad_edge=False)
    for key in ("col_source", "col_label", "col_folder", "col_papers", "col_last_sync", "col_status"):
        # the source is what `hub feeds remove` needs: wrapped whole, never cut with "…"
        table.add_column(Text(t(key)), justify="right" if key == "col_papers" else "left",
                         overflow="fold" if key == "col_source" else "ellipsis")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    OUT.console().print(table)


def feeds_list_command(json_: JsonOption = False) -> None:
    from hubcli.api import feeds

    result = feeds.subscriptions(STATE)
    if show_items(result, json_):
        return
    from hubcli.render.formats import local_time, safe

    rows = [(safe(i["source"]), safe(i["label"]), safe(i["folder"]), str(i["papers"]),
             local_time(i["last_sync"]) or t("never"), status_text(i["status"])) for i in result.items]
    if OUT.stdout_is_terminal():
        _table(rows)
        return
    # plain: one tab-separated line a feed (the folder last, so older scripts keep their columns)
    OUT.data("".join("\t".join([spec, lbl, n, last, status, folder]) + "\n"
                     for spec, lbl, folder, n, last, status in rows))


SourcesArgument = Annotated[list[str], typer.Argument(help="arg_subscribed", metavar="SOURCE...")]


def feeds_remove_command(sources: SourcesArgument) -> None:
    from hubcli.api import feeds

    for source in dict.fromkeys(sources):
        show_result(feeds.remove(STATE, source))


def register(app: typer.Typer) -> typer.Typer:
    group = typer.Typer(help="cmd_feeds", no_args_is_help=True)
    app.add_typer(group, name="feeds")
    group.command("add", help="cmd_feeds_add")(feeds_add_command)
    group.command("list", help="cmd_feeds_list")(feeds_list_command)
    group.command("remove", help="cmd_feeds_remove")(feeds_remove_command)
    return group
