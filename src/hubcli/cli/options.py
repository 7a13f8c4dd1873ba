"""Reusable option aliases, built per run so their help is in the run's language."""

from types import SimpleNamespace
from typing import Annotated, Optional

import typer

from hubcli.filters import Filters, make_filters
from hubcli.i18n import t


def filter_options() -> SimpleNamespace:
    return SimpleNamespace(
        author=Annotated[Optional[list[str]], typer.Option("--author", "-a", help=t("opt_author"), metavar="NAME")],
        category=Annotated[Optional[list[str]], typer.Option("--category", "-c", help=t("opt_category"),
                                                             metavar="CAT")],
        source=Annotated[Optional[list[str]], typer.Option("--source", help=t("opt_source"), metavar="SOURCE")],
        search=Annotated[Optional[str], typer.Option("--search", "-s", help=t("opt_search"), metavar="QUERY")],
        topic=Annotated[Optional[str], typer.Option("--topic", "-t", help=t("opt_topic"), metavar="NAME")],
        since=Annotated[Optional[str], typer.Option("--since", help=t("opt_since"), metavar="WHEN")],
        until=Annotated[Optional[str], typer.Option("--until", help=t("opt_until"), metavar="WHEN")],
        type=Annotated[Optional[list[str]], typer.Option("--type", help=t("opt_type"), metavar="TYPE")],
        unseen=Annotated[bool, typer.Option("--unseen", help=t("opt_unseen"))],
        format=Annotated[Optional[str], typer.Option("--format", "-f", help=t("opt_format"), metavar="FORMAT")],
    )


def filters_from(author: Optional[list[str]], category: Optional[list[str]], source: Optional[list[str]],
                 search: Optional[str], topic: Optional[str], since: Optional[str], until: Optional[str],
                 type_: Optional[list[str]], unseen: bool) -> Filters:
    return make_filters(authors=author, categories=category, sources=source, search=search, topic=topic,
                        since=since, until=until, types=type_, unseen=unseen)


def chips(filters: Filters) -> list[str]:
    out: list[str] = []
    if filters.authors:
        out.append(t("chip_authors", value=", ".join(filters.authors)))
    if filters.categories:
        out.append(t("chip_categories", value=", ".join(filters.categories)))
    if filters.sources:
        out.append(t("chip_source", value=", ".join(filters.sources)))
    if filters.topic:
        out.append(t("chip_topic", value=filters.topic))
    if filters.search:
        out.append(t("chip_search", value=filters.search))
    if filters.since:
        out.append(t("chip_since", value=filters.since))
    if filters.until:
        out.append(t("chip_until", value=filters.until))
    if filters.types:
        out.append(t("chip_type", value=", ".join(filters.types)))
    if filters.unseen:
        out.append(t("chip_unseen"))
    return out
