"""``hub export`` and ``hub feeds export|import|catalog``."""

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE, t
from hubcli.cli.options import JsonOption, with_filters
from hubcli.cli.output import show_result
from hubcli.errors import UsageError
from hubcli.filters import Filters
from hubcli.models import Paper

if TYPE_CHECKING:
    from hubcli.render.bibtex import BibtexWriter

EXPORT_FORMATS = ("json", "jsonl", "csv", "bibtex", "markdown")

ExportFormatOption = Annotated[str, typer.Option("--format", "-f", help="opt_export_format", metavar="FORMAT")]


def _write_chunk(fmt: str, chunk: list[Paper], start: int, total: int, write: Callable[[str], object],
                 bibtex: "BibtexWriter") -> None:
    from hubcli.api import reading
    from hubcli.render import formats

    if fmt == "json":
        body = ",\n".join(json.dumps(formats.sanitized_dict(p), ensure_ascii=False) for p in chunk)
        write(body + (",\n" if body and start + reading.EXPORT_CHUNK < total else "\n" if body else ""))
    elif fmt == "csv":
        text = formats.to_csv(chunk)
        write(text if start == 0 else text.split("\n", 1)[1])
    elif fmt == "markdown":
        write(formats.to_markdown(chunk, lang=STATE.lang, start=start + 1))
    elif fmt == "bibtex":
        write(bibtex.write(chunk) + ("\n" if chunk else ""))
    else:
        write(formats.to_jsonl(chunk))


def _export(fmt: str, filters: Filters, write: Callable[[str], object]) -> int:
    """Write the selection in ``fmt`` through ``write``, chunk by chunk; the paper count."""
    from hubcli.api import reading
    from hubcli.render import formats
    from hubcli.render.bibtex import BibtexWriter

    found = reading.export(STATE, filters)
    if found is None:
        OUT.hint(t("no_papers_cache_empty"))
        write({"json": "[]\n", "csv": formats.to_csv([])}.get(fmt, ""))
        return 0
    total, chunks = found
    bibtex = BibtexWriter()  # one writer for every chunk: keys unique over the whole export
    if fmt == "json":
        write("[\n")
    for index, chunk in enumerate(chunks):
        _write_chunk(fmt, chunk, index * reading.EXPORT_CHUNK, total, write, bibtex)
    if fmt == "json":
        write("]\n")
    return total


ExportOutputOption = Annotated[Optional[str], typer.Option("--output", "-o", help="opt_export_output", metavar="FILE")]


@with_filters
def export_command(filters: Filters, format_: ExportFormatOption = "jsonl", output: ExportOutputOption = None) -> None:
    from hubcli.outfile import atomic_open, check_target

    fmt = format_.strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise UsageError("bad_format", value=format_, choices=", ".join(EXPORT_FORMATS))
    if not output or output == "-":
        count = _export(fmt, filters, OUT.data)
        OUT.info(t("exported", count=count))
        return
    check_target(output)
    # the file is the old one until the last chunk is written, then the complete new one
    with atomic_open(output) as handle:
        count = _export(fmt, filters, handle.write)
    OUT.info(t("exported_to", count=count, path=output))


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
    OUT.data("".join(f"{e.name}\t{e.label}\t{field_text(e.field)}\t{e.spec}\n" for e in CATALOG))


def field_text(field: str) -> str:
    """A catalogue field (``machine learning``) in the user's language."""
    key = "field_" + field.lower().replace(" ", "_")
    from hubcli.i18n.messages import MESSAGES

    return t(key) if key in MESSAGES else field


def register(app: typer.Typer) -> None:
    app.command("export", help="cmd_export")(export_command)


def register_feeds(group: typer.Typer) -> None:
    group.command("export", help="cmd_feeds_export")(feeds_export_command)
    group.command("import", help="cmd_feeds_import")(feeds_import_command)
    group.command("catalog", help="cmd_feeds_catalog")(feeds_catalog_command)
