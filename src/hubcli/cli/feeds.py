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
        store = writable_store()
        rows = store.conn.execute(
            "SELECT s.spec, s.label, s.kind, s.url, s.last_sync_at, s.last_status, s.last_error,"
            " (SELECT count(*) FROM paper_sources ps WHERE ps.source_id = s.id)"
            " FROM sources s WHERE s.subscribed = 1 ORDER BY s.id"
        ).fetchall()
        items = [
            {"source": spec, "label": label, "kind": kind, "url": url, "papers": n, "last_sync": last,
             "status": status, "error": error}
            for spec, label, kind, url, last, status, error, n in rows
        ]
        if json_:
            OUT.data(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
            return
        if not items:
            OUT.hint(t("no_sources"))
            return
        from hubcli.render.formats import safe

        lines = []
        for item in items:
            status = item["status"] or t("never")
            lines.append("\t".join([safe(item["source"]), safe(item["label"]), str(item["papers"]),
                                    item["last_sync"] or t("never"), safe(status)]))
        OUT.data("\n".join(lines) + "\n")

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
