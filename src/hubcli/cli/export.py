"""``hub export`` and ``hub feeds export|import|catalog``."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.cli.options import filter_options, filters_from
from hubcli.errors import UsageError
from hubcli.filters import Filters
from hubcli.i18n import t

EXPORT_FORMATS = ("json", "jsonl", "csv", "bibtex", "markdown")
_CHUNK = 500


def register(app: typer.Typer) -> None:
    F = filter_options()

    @app.command("export", help=t("cmd_export"))
    def export_command(
        author: F.author = None, category: F.category = None, source: F.source = None, search: F.search = None,
        topic: F.topic = None, since: F.since = None, until: F.until = None, type_: F.type = None,
        unseen: F.unseen = False,
        format_: Annotated[str, typer.Option("--format", "-f", help=t("opt_export_format"),
                                             metavar="FORMAT")] = "jsonl",
        output: Annotated[Optional[str], typer.Option("--output", "-o", help=t("opt_export_output"),
                                                      metavar="FILE")] = None,
    ) -> None:
        from hubcli.outfile import atomic_open, check_target

        fmt = format_.strip().lower()
        if fmt not in EXPORT_FORMATS:
            raise UsageError("bad_format", value=format_, choices=", ".join(EXPORT_FORMATS))
        filters = filters_from(author, category, source, search, topic, since, until, type_, unseen)
        if not output or output == "-":
            count = _export(fmt, filters, OUT.data)
            OUT.info(t("exported", count=count))
            return
        check_target(output)
        # the file is the old one until the last chunk is written, then the complete new one
        with atomic_open(output) as handle:
            count = _export(fmt, filters, handle.write)
        OUT.info(t("exported_to", count=count, path=output))


def _export(fmt: str, filters: Filters, write: Callable[[str], object]) -> int:
    """Write the selection in ``fmt`` through ``write``, chunk by chunk; the paper count."""
    from hubcli.render import formats
    from hubcli.store.query import build_selection, load_papers

    store = STATE.store(create=False)
    if store is None:
        OUT.hint(t("no_papers_cache_empty"))
        write({"json": "[]\n", "csv": formats.to_csv([])}.get(fmt, ""))
        return 0
    sel = build_selection(store, filters, STATE.settings())
    ids: list[int] = [] if sel.impossible else [
        int(r[0]) for r in store.conn.execute(
            f"SELECT p.id FROM papers p WHERE {sel.sql()} ORDER BY p.published DESC, p.id DESC", sel.params)
    ]
    bibtex = formats.BibtexWriter()  # one writer for every chunk: keys unique over the whole export
    # stream in chunks so memory stays flat on large exports
    if fmt == "json":
        write("[\n")
    for start in range(0, max(len(ids), 1), _CHUNK):
        chunk = load_papers(store.conn, ids[start:start + _CHUNK])
        if fmt == "json":
            body = ",\n".join(json.dumps(formats.sanitized_dict(p), ensure_ascii=False) for p in chunk)
            write(body + (",\n" if body and start + _CHUNK < len(ids) else "\n" if body else ""))
        elif fmt == "csv":
            text = formats.to_csv(chunk)
            write(text if start == 0 else text.split("\n", 1)[1])
        elif fmt == "markdown":
            write(formats.to_markdown(chunk, start=start + 1))
        elif fmt == "bibtex":
            write(bibtex.write(chunk) + ("\n" if chunk else ""))
        else:
            write(formats.to_jsonl(chunk))
    if fmt == "json":
        write("]\n")
    return len(ids)


def register_feeds(feeds: typer.Typer) -> None:
    @feeds.command("export", help=t("cmd_feeds_export"))
    def feeds_export() -> None:
        from hubcli.cli.feeds import writable_store
        from hubcli.render.opml import Outline, to_opml

        store = writable_store()
        rows = store.conn.execute("SELECT spec, label, url FROM sources WHERE subscribed = 1 ORDER BY id").fetchall()
        OUT.data(to_opml([Outline(spec, label, url) for spec, label, url in rows]))

    @feeds.command("import", help=t("cmd_feeds_import"))
    def feeds_import(file: Annotated[Path, typer.Argument(help=t("arg_opml"), metavar="FILE")]) -> None:
        from hubcli.cli.feeds import writable_store
        from hubcli.render.opml import parse_opml
        from hubcli.sources import registry
        from hubcli.store import write

        try:
            data = file.read_bytes() if str(file) != "-" else __import__("sys").stdin.buffer.read()
        except OSError as exc:
            raise UsageError("file_unreadable", path=str(file), reason=exc.strerror or str(exc)) from None
        outlines = parse_opml(data)
        store = writable_store()
        settings = STATE.settings()
        added = 0
        for outline in outlines:
            try:
                source = registry.resolve(outline.spec, settings, label=outline.label)
            except UsageError:
                source = registry.resolve(outline.url, settings, label=outline.label)
            if write.subscribe(store, source, custom_label=True):
                added += 1
        OUT.info(t("opml_imported", added=added, total=len(outlines)))

    @feeds.command("catalog", help=t("cmd_feeds_catalog"))
    def feeds_catalog(json_: Annotated[bool, typer.Option("--json", help=t("opt_json"))] = False) -> None:
        from hubcli.sources.catalog import CATALOG

        if json_:
            OUT.data(json.dumps([e.__dict__ for e in CATALOG], ensure_ascii=False, indent=2) + "\n")
            return
        OUT.data("".join(f"{e.name}\t{e.label}\t{e.field}\t{e.spec}\n" for e in CATALOG))
