"""``hub export`` and ``hub feeds export|import|catalog``."""

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from hubcli.cli.context import OUT, STATE
from hubcli.cli.options import filter_options, filters_from
from hubcli.errors import UsageError
from hubcli.filters import Filters
from hubcli.i18n import t

if TYPE_CHECKING:
    from hubcli.config import Settings
    from hubcli.render.opml import Outline
    from hubcli.store.write import Subscribing

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
        from hubcli.store.sources import subscriptions

        items = subscriptions(writable_store(), count_papers=False)
        OUT.data(to_opml([Outline(s.spec, s.label, s.url, s.folder) for s in items]))

    @feeds.command("import", help=t("cmd_feeds_import"))
    def feeds_import(file: Annotated[Path, typer.Argument(help=t("arg_opml"), metavar="FILE")]) -> None:
        from hubcli.render.opml import parse_opml
        from hubcli.store import write

        try:
            data = file.read_bytes() if str(file) != "-" else __import__("sys").stdin.buffer.read()
        except OSError as exc:
            raise UsageError("file_unreadable", path=str(file), reason=exc.strerror or str(exc)) from None
        outlines = parse_opml(data)
        settings = STATE.settings()
        feeds_in_file: dict[str, write.Subscribing] = {}
        for outline in outlines:
            feed = _subscribing(outline, settings)
            # the same feed twice (a spec and its URL, or one feed in two folders): the first wins
            feeds_in_file.setdefault(feed.source.spec, feed)
        # no write.ensure_default_sources here: on a fresh machine the file is the whole radar
        store = STATE.store(create=True)
        assert store is not None
        added = write.import_subscriptions(store, list(feeds_in_file.values()))
        OUT.info(t("opml_imported", added=added, total=len(feeds_in_file)))
        if len(feeds_in_file) < len(outlines):
            OUT.info(t("opml_duplicates", count=len(outlines) - len(feeds_in_file)))

    @feeds.command("catalog", help=t("cmd_feeds_catalog"))
    def feeds_catalog(json_: Annotated[bool, typer.Option("--json", help=t("opt_json"))] = False) -> None:
        from hubcli.sources.catalog import CATALOG

        if json_:
            OUT.data(json.dumps([e.__dict__ for e in CATALOG], ensure_ascii=False, indent=2) + "\n")
            return
        OUT.data("".join(f"{e.name}\t{e.label}\t{field_text(e.field)}\t{e.spec}\n"
                         for e in CATALOG))


def field_text(field: str) -> str:
    """A catalogue field (``machine learning``) in the user's language."""
    key = "field_" + field.lower().replace(" ", "_")
    from hubcli.i18n.messages import MESSAGES

    return t(key) if key in MESSAGES else field


def _subscribing(outline: "Outline", settings: "Settings") -> "Subscribing":
    """The subscription one OPML outline asks for.  An outline's label is kept as the user's
    unless it is the feed's own arXiv title (``cs.IR updates on arXiv.org``) or the label
    hub gives the source anyway."""
    from hubcli.sources import registry
    from hubcli.store.write import Subscribing

    try:
        source = registry.resolve(outline.spec, settings)
    except UsageError:
        source = registry.resolve(outline.url, settings)
    label = outline.label.strip()
    custom = bool(label) and label != source.label and not (
        source.kind == "arxiv" and registry.is_arxiv_feed_title(label))
    if custom:
        source = replace(source, label=label)
    return Subscribing(source, custom, outline.folder)
