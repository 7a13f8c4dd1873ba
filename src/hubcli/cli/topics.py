"""``hub topics``: the built-in and configured topics (named searches)."""

import json
from typing import Any

import typer

from hubcli.cli.context import OUT, STATE, t
from hubcli.cli.options import JsonOption


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
    app.command("topics", help="cmd_topics")(topics_command)
