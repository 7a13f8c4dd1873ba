"""``hub paths`` and ``hub topics``."""

import json
from typing import Any

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.cli.options import JsonOption
from hubcli.i18n import t


def paths_command(json_: JsonOption = False) -> None:
    paths = STATE.settings().paths
    items = {"config": str(paths.config_file), "database": str(paths.database), "data": str(paths.data_dir),
             "cache": str(paths.cache_dir)}
    if json_:
        OUT.data(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    labels = {"config": t("paths_config"), "database": t("paths_database"), "data": t("paths_data"),
              "cache": t("paths_cache")}
    OUT.data("".join(f"{labels[k]}\t{v}\n" for k, v in items.items()))


def topics_command(json_: JsonOption = False) -> None:
    from hubcli.topics import all_topics

    topics = all_topics(STATE.settings())
    items: list[dict[str, Any]] = [{"name": name, "query": topic.query, "categories": list(topic.categories),
              "description": topic.description, "from": origin}
             for name, (topic, origin) in sorted(topics.items())]
    if json_:
        OUT.data(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    origin_label = {"builtin": t("origin_builtin"), "config": t("origin_config")}
    OUT.data("".join(
        f"{i['name']}\t{' '.join(i['categories']) or '-'}\t{origin_label[i['from']]}\t{i['query']}\n" for i in items
    ))


def register(app: typer.Typer) -> None:
    app.command("paths", help="cmd_paths")(paths_command)
    app.command("topics", help="cmd_topics")(topics_command)
