"""``hub follow``, ``hub unfollow``, ``hub following``, ``hub radar``."""

import json
from typing import Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.errors import NotFoundError, UsageError
from hubcli.i18n import t


def _target(name: Optional[str], topic: Optional[str], category: Optional[str]) -> tuple[str, str]:
    given = [(k, v.strip()) for k, v in (("author", name), ("topic", topic), ("category", category)) if v and v.strip()]
    if len(given) != 1:
        raise UsageError("follow_one_target")
    kind, value = given[0]
    if kind == "category":
        from hubcli.filters import make_filters

        value = make_filters(categories=[value]).categories[0]
    elif kind == "topic":
        from hubcli.topics import resolve_topic

        value = resolve_topic(value, STATE.settings()).name
    else:
        value = " ".join(value.split())
    return kind, value


def reason_label(kind: str, value: str) -> str:
    return t({"author": "chip_authors", "topic": "chip_topic", "category": "chip_categories"}[kind], value=value)


def register(app: typer.Typer) -> None:
    name_arg = Annotated[Optional[str], typer.Argument(help=t("arg_follow_name"), metavar="NAME")]
    topic_opt = Annotated[Optional[str], typer.Option("--topic", "-t", help=t("opt_topic"), metavar="NAME")]
    cat_opt = Annotated[Optional[str], typer.Option("--category", "-c", help=t("opt_category"), metavar="CAT")]

    @app.command("follow", help=t("cmd_follow"))
    def follow_command(name: name_arg = None, topic: topic_opt = None, category: cat_opt = None) -> None:
        from hubcli.store.follows import add_follow

        kind, value = _target(name, topic, category)
        store = STATE.store(create=True)
        assert store is not None
        if add_follow(store, kind, value):
            OUT.info(t("followed", what=reason_label(kind, value)))
        else:
            OUT.info(t("already_following", what=reason_label(kind, value)))
        if kind == "author":
            OUT.hint(t("follow_backfill_hint"))

    @app.command("unfollow", help=t("cmd_unfollow"))
    def unfollow_command(name: name_arg = None, topic: topic_opt = None, category: cat_opt = None) -> None:
        from hubcli.store.follows import remove_follow

        kind, value = _target(name, topic, category)
        store = STATE.store(create=False)
        if store is None or not remove_follow(store, kind, value):
            raise NotFoundError("not_following", what=reason_label(kind, value))
        OUT.info(t("unfollowed", what=reason_label(kind, value)))

    @app.command("following", help=t("cmd_following"))
    def following_command(json_: Annotated[bool, typer.Option("--json", help=t("opt_json"))] = False) -> None:
        from hubcli.store.follows import list_follows

        store = STATE.store(create=False)
        follows = list_follows(store) if store else []
        if json_:
            OUT.data(json.dumps([{"kind": f.kind, "value": f.value, "since": f.added_at} for f in follows],
                                ensure_ascii=False, indent=2) + "\n")
            return
        if not follows:
            OUT.hint(t("following_none"))
            return
        OUT.data("".join(f"{f.kind}\t{f.value}\n" for f in follows))

    @app.command("radar", help=t("cmd_radar"))
    def radar_command(
        format_: Annotated[Optional[str], typer.Option("--format", "-f", help=t("opt_format"),
                                                       metavar="FORMAT")] = None,
        limit: Annotated[int, typer.Option("--limit", "-n", help=t("opt_radar_limit"))] = 100,
        peek: Annotated[bool, typer.Option("--peek", help=t("opt_peek"))] = False,
    ) -> None:
        from hubcli.cli.papers import emit, positive, resolve_format
        from hubcli.filters import Filters
        from hubcli.store.follows import mark_radar_seen, radar_selection, reasons_for
        from hubcli.store.query import list_page

        fmt = resolve_format(format_)
        positive(limit, "--limit")
        store = STATE.store(create=False)
        if store is None:
            OUT.hint(t("no_papers_cache_empty"))
            emit([], fmt, filters=Filters(), footer="")
            return
        radar = radar_selection(store, STATE.settings())
        if not radar.parts:
            OUT.hint(t("following_none"))
            emit([], fmt, filters=Filters(), footer="")
            return
        mark = store.conn.execute("SELECT max(changed_at) FROM papers").fetchone()[0]
        page = list_page(store, radar.selection, page=1, per_page=limit)
        why = reasons_for(store, radar, [p.rowid for p in page.papers if p.rowid is not None])
        reasons = {pid: ", ".join(reason_label(f.kind, f.value) for f in fs) for pid, fs in why.items()}
        footer = t("radar_footer", shown=len(page.papers), total=page.total)
        emit(page.papers, fmt, filters=Filters(), footer=footer, reasons=reasons)
        if page.total == 0:
            OUT.info(t("radar_nothing_new"))
        if page.total > len(page.papers):
            OUT.hint(t("radar_more", more=page.total - len(page.papers)))
        if not peek:
            mark_radar_seen(store, mark)
