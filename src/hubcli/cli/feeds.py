"""``hub feeds add|list|remove``."""

import json
from typing import Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.config import DEFAULT_SUBSCRIPTIONS, Settings
from hubcli.errors import NotFoundError
from hubcli.i18n import t
from hubcli.models import Source
from hubcli.sources import registry
from hubcli.store import write
from hubcli.store.db import Store


def default_sources(settings: Settings) -> list[Source]:
    return [registry.resolve(spec, settings) for spec in DEFAULT_SUBSCRIPTIONS]


STATUS_KEYS = {"ok": "status_ok", "not-modified": "status_not_modified", "failed": "status_failed"}


def status_text(status: Optional[str]) -> str:
    """A stored sync status in the user's language (``never`` before the first sync)."""
    if not status:
        return t("never")
    return t(STATUS_KEYS[status]) if status in STATUS_KEYS else status


def writable_store() -> Store:
    store = STATE.store(create=True)
    assert store is not None
    write.ensure_default_sources(store, default_sources(STATE.settings()))
    return store


def register(app: typer.Typer) -> typer.Typer:
    feeds = typer.Typer(help=t("cmd_feeds"), no_args_is_help=True)
    app.add_typer(feeds, name="feeds")

    @feeds.command("add", help=t("cmd_feeds_add"))
    def add(
        source: Annotated[str, typer.Argument(help=t("arg_source"), metavar="SOURCE")],
        label: Annotated[Optional[str], typer.Option("--label", help=t("opt_label"))] = None,
    ) -> None:
        settings = STATE.settings()
        resolved = registry.resolve(source, settings, label=label.strip() if label and label.strip() else None)
        store = writable_store()
        if write.subscribe(store, resolved, custom_label=bool(label)):
            OUT.info(t("source_added", label=resolved.label, spec=resolved.spec))
        else:
            OUT.info(t("source_exists", label=resolved.label, spec=resolved.spec))

    @feeds.command("list", help=t("cmd_feeds_list"))
    def list_(json_: Annotated[bool, typer.Option("--json", help=t("opt_json"))] = False) -> None:
        from hubcli.store.sources import subscriptions

        items = subscriptions(writable_store())
        if json_:
            OUT.data(json.dumps([
                {"source": s.spec, "label": s.label, "kind": s.kind, "url": s.url, "folder": s.folder,
                 "papers": s.papers, "last_sync": s.last_sync, "status": s.status, "error": s.error}
                for s in items
            ], ensure_ascii=False, indent=2) + "\n")
            return
        if not items:
            OUT.hint(t("no_sources"))
            return
        from hubcli.render.formats import local_time, safe

        rows = [(safe(s.spec), safe(s.label), safe(s.folder), str(s.papers),
                 local_time(s.last_sync) or t("never"), status_text(s.status)) for s in items]
        if OUT.stdout_is_terminal():
            from rich.table import Table
            from rich.text import Text

            table = Table(title=Text(t("feeds_heading")), title_justify="left", box=None, pad_edge=False)
            for key in ("col_source", "col_label", "col_folder", "col_papers", "col_last_sync", "col_status"):
                table.add_column(Text(t(key)), justify="right" if key == "col_papers" else "left")
            for row in rows:
                table.add_row(*(Text(cell) for cell in row))
            OUT.console().print(table)
            return
        # plain: one tab-separated line a feed (the folder last, so older scripts keep their columns)
        OUT.data("".join("\t".join([spec, lbl, n, last, status, folder]) + "\n"
                         for spec, lbl, folder, n, last, status in rows))

    @feeds.command("remove", help=t("cmd_feeds_remove"))
    def remove(source: Annotated[str, typer.Argument(help=t("arg_source"), metavar="SOURCE")]) -> None:
        settings = STATE.settings()
        store = writable_store()
        spec = source.strip()
        try:
            spec = registry.resolve(source, settings).spec
        except Exception:  # noqa: BLE001 - a file that is gone can still be unsubscribed by name
            pass
        label = write.unsubscribe(store, spec)
        path = spec.removeprefix("file://")
        if label is None and "://" not in path:
            # a feed file that is gone was subscribed by its absolute path
            from pathlib import Path

            absolute = str(Path(path).expanduser().resolve())
            label = write.unsubscribe(store, absolute)
            spec = absolute if label is not None else spec
        if label is None:
            raise NotFoundError("source_not_subscribed", spec=source)
        OUT.info(t("source_removed", label=label, spec=spec))

    return feeds
