"""The library: ``hub save|unsave|tag|untag|tags|note|read|unread|dismiss|undismiss`` and
``hub library [list|export|import|backups|restore]``."""

import os
import shlex
import shutil
from pathlib import Path
from typing import Annotated, Optional

import typer

from hubcli.api import library
from hubcli.cli.context import OUT, STATE, t
from hubcli.cli.options import FormatOption, IdArgument, JsonOption, TldrOfflineOption, TldrOption, with_filters
from hubcli.cli.output import positive, resolve_format, show_items, show_listing, show_result
from hubcli.cli.papers import PageOption, PerPageOption
from hubcli.errors import UsageError
from hubcli.filters import Filters

IdsArgument = Annotated[list[str], typer.Argument(help="arg_lib_ids", metavar="ID...")]
SaveTagOption = Annotated[Optional[list[str]], typer.Option("--tag", help="opt_save_tag", metavar="TAG")]
TagsArgument = Annotated[list[str], typer.Argument(help="arg_lib_tags", metavar="TAG...")]


def save_command(ids: IdsArgument, tag: SaveTagOption = None) -> None:
    show_result(library.change(STATE, "save", ids, tag or []))


def unsave_command(ids: IdsArgument) -> None:
    show_result(library.change(STATE, "unsave", ids))


def read_command(ids: IdsArgument) -> None:
    show_result(library.change(STATE, "read", ids))


def unread_command(ids: IdsArgument) -> None:
    show_result(library.change(STATE, "unread", ids))


def dismiss_command(ids: IdsArgument) -> None:
    show_result(library.change(STATE, "dismiss", ids))


def undismiss_command(ids: IdsArgument) -> None:
    show_result(library.change(STATE, "undismiss", ids))


def tag_command(ident: IdArgument, tags: TagsArgument) -> None:
    show_result(library.tag(STATE, ident, tags))


def untag_command(ident: IdArgument, tags: TagsArgument) -> None:
    show_result(library.tag(STATE, ident, tags, remove=True))


def tags_command(json_: JsonOption = False) -> None:
    result = library.tags(STATE)
    if show_items(result, json_):
        return
    OUT.data("".join(f"{item['tag']}\t{item['papers']}\n" for item in result.items))


NoteTextArgument = Annotated[Optional[str], typer.Argument(help="arg_note_text", metavar="TEXT")]
ClearOption = Annotated[bool, typer.Option("--clear", help="opt_note_clear")]


def note_command(ident: IdArgument, text: NoteTextArgument = None, clear: ClearOption = False) -> None:
    if clear and text is not None:
        raise UsageError("note_clear_and_text")
    paper_id, current = library.note_of(STATE, ident)
    if clear:
        show_result(library.set_note(STATE, paper_id, None))
        return
    if text is not None:
        show_result(library.set_note(STATE, paper_id, text))
        return
    edited = _edit(current or "", ident)
    if edited is None:
        OUT.info(t("lib_note_unchanged"))
        return
    text, kept = edited
    try:
        result = library.set_note(STATE, paper_id, text)
    except BaseException:  # the note is the user's: its file stays until the store has it
        OUT.warn(t("note_kept", path=shlex.quote(str(kept)), id=shlex.quote(ident)))
        raise
    shutil.rmtree(kept.parent, ignore_errors=True)
    show_result(result)


def _edit(current: str, ident: str) -> Optional[tuple[str, Path]]:
    """The note from ``$VISUAL``/``$EDITOR`` and the file that holds it (kept until the
    note is stored; None, the file removed, when the editor left the note unchanged)."""
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise UsageError("note_no_editor")
    path = Path(tempfile.mkdtemp(prefix="hub-note-")) / "note.md"
    path.write_text(current, encoding="utf-8")
    try:
        done = subprocess.run([*shlex.split(editor), str(path)], check=False)
    except OSError as exc:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise UsageError("note_editor_failed", editor=editor, reason=exc.strerror or str(exc)) from None
    text = path.read_text(encoding="utf-8", errors="replace")
    if done.returncode != 0:
        if text.strip() != current.strip():  # something was written: keep it
            OUT.warn(t("note_kept", path=shlex.quote(str(path)), id=shlex.quote(ident)))
        else:
            shutil.rmtree(path.parent, ignore_errors=True)
        raise UsageError("note_editor_failed", editor=editor, reason=f"exit {done.returncode}")
    if text.strip() == current.strip():
        shutil.rmtree(path.parent, ignore_errors=True)
        return None
    return text, path


def _library_list(filters: Filters, page: int, per_page: Optional[int], format_: Optional[str],
                  tldr: bool = False, offline: bool = False) -> None:
    fmt = resolve_format(format_)
    positive(page, "--page")
    positive(per_page, "--per-page")
    result = library.listing(STATE, filters, page=page, per_page=per_page, clamp=fmt == "panels")
    show_listing(result, fmt, filters, tldr=tldr, offline=offline)


@with_filters
def library_command(ctx: typer.Context, filters: Filters, page: PageOption = 1, per_page: PerPageOption = None,
                    tldr: TldrOption = False, offline: TldrOfflineOption = False, format_: FormatOption = None) -> None:
    if ctx.invoked_subcommand is None:
        _library_list(filters, page, per_page, format_, tldr, offline)


LibFormatOption = Annotated[str, typer.Option("--format", "-f", help="opt_lib_export_format", metavar="FORMAT")]
OutputOption = Annotated[Optional[str], typer.Option("--output", "-o", help="opt_export_output", metavar="FILE")]


def library_export_command(format_: LibFormatOption = "json", output: OutputOption = None) -> None:
    from hubcli.outfile import atomic_write, check_target

    fmt = format_.strip().lower()
    if fmt not in library.EXPORT_FORMATS:
        raise UsageError("bad_format", value=format_, choices=", ".join(library.EXPORT_FORMATS))
    if output and output != "-":
        check_target(output)
    count, text, notices = library.export(STATE, fmt)
    show_result(notices)
    if not output or output == "-":
        OUT.data(text)
        OUT.info(t("exported", count=count))
        return
    atomic_write(output, text)
    OUT.info(t("exported_to", count=count, path=output))


FileArgument = Annotated[Path, typer.Argument(help="arg_lib_import_file", metavar="FILE")]
FetchOption = Annotated[bool, typer.Option("--fetch", help="opt_lib_fetch")]
ImportTagOption = Annotated[Optional[list[str]], typer.Option("--tag", help="opt_lib_import_tag", metavar="TAG")]
ReplaceOption = Annotated[bool, typer.Option("--replace", help="opt_lib_replace")]


def library_import_command(file: FileArgument, tag: ImportTagOption = None, fetch: FetchOption = False,
                           replace: ReplaceOption = False) -> None:
    def progress(done: int, total: int) -> None:
        OUT.info(t("lib_fetching", done=done, total=total))

    result = library.import_file(STATE, file, tags=tag or [], fetch=fetch, replace=replace, on_fetch=progress)
    show_result(result)
    if result.status:
        raise typer.Exit(result.status)


def library_backups_command(json_: JsonOption = False) -> None:
    from hubcli.api import library_file

    result = library_file.backups(STATE)
    if show_items(result, json_):
        return
    OUT.data("".join(f"{item['number']}\t{item['time']}\t{item['size']}\t"
                     f"{'?' if item['papers'] is None else item['papers']}\t{item['file']}\n"
                     for item in result.items))


BackupArgument = Annotated[Optional[str], typer.Argument(help="arg_lib_backup", metavar="BACKUP")]


def library_restore_command(backup: BackupArgument = None) -> None:
    from hubcli.api import library_file

    show_result(library_file.restore(STATE, backup))


def register(app: typer.Typer) -> None:
    app.command("save", help="cmd_save")(save_command)
    app.command("unsave", help="cmd_unsave")(unsave_command)
    app.command("tag", help="cmd_tag")(tag_command)
    app.command("untag", help="cmd_untag")(untag_command)
    app.command("tags", help="cmd_tags")(tags_command)
    app.command("note", help="cmd_note")(note_command)
    app.command("read", help="cmd_read")(read_command)
    app.command("unread", help="cmd_unread")(unread_command)
    app.command("dismiss", help="cmd_dismiss")(dismiss_command)
    app.command("undismiss", help="cmd_undismiss")(undismiss_command)
    group = typer.Typer(name="library", help="cmd_library", invoke_without_command=True, no_args_is_help=False,
                        rich_markup_mode=None)
    group.callback()(library_command)
    group.command("export", help="cmd_library_export")(library_export_command)
    group.command("import", help="cmd_library_import")(library_import_command)
    group.command("backups", help="cmd_library_backups")(library_backups_command)
    group.command("restore", help="cmd_library_restore")(library_restore_command)
    app.add_typer(group)
