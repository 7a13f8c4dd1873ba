"""The command layer: filters declared once, help keys translated, results carry keys."""

from __future__ import annotations

import pytest

from hubcli.api import reading
from hubcli.api.session import Session
from hubcli.cli.context import STATE
from hubcli.filters import filter_fields, make_filters
from hubcli.i18n.messages import MESSAGES


def _tree():  # type: ignore[no-untyped-def]
    from hubcli.cli.main import build_command

    return build_command()


@pytest.mark.parametrize("name", ["papers", "shuffle", "brief", "export"])
def test_every_listing_command_has_every_declared_filter(name: str) -> None:
    STATE.lang = "en"
    command = _tree().commands[name]
    flags = {opt for param in command.params for opt in param.opts}
    for _field, option in filter_fields():
        assert set(option.flags) <= flags, (name, option.flags)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_help_text_is_left_a_catalogue_key(lang: str) -> None:
    STATE.lang = lang

    def walk(command):  # type: ignore[no-untyped-def]
        yield command.help
        yield from (getattr(p, "help", None) for p in command.params)
        for sub in getattr(command, "commands", {}).values():
            yield from walk(sub)

    texts = [text for text in walk(_tree()) if text]
    assert texts and not [text for text in texts if text in MESSAGES]
    STATE.lang = "en"


def test_chips_follow_the_declaration() -> None:
    filters = make_filters(authors=["Ada"], search="graph", topic="recsys", unseen=True)
    assert filters.chips() == [("chip_authors", {"value": "Ada"}), ("chip_topic", {"value": "recsys"}),
                               ("chip_search", {"value": "graph"}), ("chip_unseen", {})]


def test_results_carry_message_keys_not_text() -> None:
    result = reading.list_papers(Session(), make_filters(), page=1, per_page=None, sort="date")
    assert result.papers == [] and result.footer is not None and result.footer.key == "footer"
    assert [(n.level, n.key) for n in result.after] == [("hint", "no_papers_cache_empty")]


def test_usage_lines_name_arguments_without_braces() -> None:
    def walk(command, path):  # type: ignore[no-untyped-def]
        with command.context_class(command, info_name=path) as ctx:
            yield path, command.get_usage(ctx)
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    usages = dict(walk(_tree(), "hub"))
    assert usages["hub show"] == "Usage: hub show [OPTIONS] ID"
    assert usages["hub tag"] == "Usage: hub tag [OPTIONS] ID TAG..."
    assert [path for path, usage in usages.items() if "{" in usage] == []
