"""``hub export`` and ``hub feeds export|import|catalog``."""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.cli.options import JsonOption, with_filters
from hubcli.cli.papers import show_result
from hubcli.errors import UsageError
from hubcli.filters import Filters
from hubcli.i18n import t
from hubcli.models import Paper

EXPORT_FORMATS = ("json", "jsonl", "csv", "bibtex", "markdown")

ExportFormatOption = Annotated[str, typer.Option("--format", "-f", help="opt_export_format", metavar="FORMAT")]


def _write_chunk(fmt: str, chunk: list[Paper], start: int, total: int) -> None:
    from hubcli.api import reading
    from hubcli.render import formats

    if fmt == "json":
        body = ",\n".join(json.dumps(formats.sanitized_dict(p), ensure_ascii=False) for p in chunk)
        OUT.data(body + (",\n" if body and start + reading.EXPORT_CHUNK < total else "\n" if body else ""))
    elif fmt == "csv":
        text = formats.to_csv(chunk)
        OUT.data(text if start == 0 else text.split("\n", 1)[1])
    elif fmt == "markdown":
        OUT.data(formats.to_markdown(chunk, start=start + 1))
    elif fmt == "bibtex":
        OUT.data(formats.to_bibtex(chunk) + ("\n" if chunk else ""))
    else:
        OUT.data(formats.to_jsonl(chunk))


@with_filters
def export_command(filters: Filters, format_: ExportFormatOption = "jsonl") -> None:
    fmt = format_.strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise UsageError("bad_format", value=format_, choices=", ".join(EXPORT_FORMATS))
    store = STATE.store(create=False)
    if store is None:
        from hubcli.render import formats

        OUT.hint(t("no_papers_cache_empty"))
        OUT.data({"json": "[]\n", "csv": formats.to_csv([])}.get(fmt, ""))
        return
    from hubcli.api import reading

    total, chunks = reading.export(store, STATE.settings(), filters)
    if fmt == "json":
        OUT.data("[\n")
    for index, chunk in enumerate(chunks):
        _write_chunk(fmt, chunk, index * reading.EXPORT_CHUNK, total)
    if fmt == "json":
        OUT.data("]\n")
    OUT.info(t("exported", count=total))


def feeds_export_command() -> None:
    from hubcli.api import feeds

    OUT.data(feeds.export_opml(STATE))


OpmlArgument = Annotated[Path, typer.Argument(help="arg_opml", metavar="FILE")]


def feeds_import_command(file: OpmlArgument) -> None:
    try:
        data = file.read_bytes() if str(file) != "-" else sys.stdin.buffer.read()
    except OSError as exc:
        raise UsageError("file_unreadable", path=str(file), reason=exc.strerror or str(exc)) from None
    from hubcli.api import feeds

    show_result(feeds.import_opml(STATE, data))


def feeds_catalog_command(json_: JsonOption = False) -> None:
    from hubcli.sources.catalog import CATALOG

    if json_:
        OUT.data(json.dumps([e.__dict__ for e in CATALOG], ensure_ascii=False, indent=2) + "\n")
        return
    OUT.data("".join(f"{e.name}\t{e.label}\t{e.field}\t{e.spec}\n" for e in CATALOG))


def register(app: typer.Typer) -> None:
    app.command("export", help="cmd_export")(export_command)


def register_feeds(group: typer.Typer) -> None:
    group.command("export", help="cmd_feeds_export")(feeds_export_command)
    group.command("import", help="cmd_feeds_import")(feeds_import_command)
    group.command("catalog", help="cmd_feeds_catalog")(feeds_catalog_command)
