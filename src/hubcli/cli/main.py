"""The ``hub`` entry point: global options, command registration, and the one place
where errors become messages and exit codes."""

import os
import sqlite3
import sys
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from hubcli import __version__
from hubcli.cli.context import OUT, STATE, t
from hubcli.cli.options import bound_numbers, translate_help
from hubcli.cli.typer_compat import ClickCommand, ClickException
from hubcli.errors import ExitCode, HubError, UsageError
from hubcli.i18n import LANGUAGES, detect_language


def _take_global(argv: list[str], name: str) -> tuple[list[str], Optional[str]]:
    """Remove ``--name VALUE`` / ``--name=VALUE`` from argv (anywhere before ``--``)."""
    out: list[str] = []
    value: Optional[str] = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            out.extend(argv[i:])
            break
        if arg == name:
            if i + 1 >= len(argv):
                raise UsageError("usage_error", message=f"{name}: missing value")
            value = argv[i + 1]
            i += 2
            continue
        if arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
            i += 1
            continue
        out.append(arg)
        i += 1
    return out, value


def _take_flag(argv: list[str], name: str) -> tuple[list[str], bool]:
    """Remove the flag ``name`` from argv (anywhere before ``--``); whether it was there."""
    cut = argv.index("--") if "--" in argv else len(argv)
    head = [arg for arg in argv[:cut] if arg != name]
    return head + argv[cut:], len(head) < cut


def _shell_optional(argv: list[str]) -> list[str]:
    """``hub --install-completion`` / ``--show-completion`` with no shell named: detect it."""
    out = list(argv)
    for name in ("--install-completion", "--show-completion"):
        if name in out:
            from hubcli.cli.completion import AUTO

            i = out.index(name)
            if i + 1 >= len(out) or out[i + 1].startswith("-"):
                out.insert(i + 1, AUTO)
    return out


def _configured_language() -> Optional[str]:
    try:
        return STATE.settings().lang
    except HubError:
        return None  # reported when a command needs the settings


def _version_callback(value: bool) -> None:
    if value:
        OUT.data(f"hub {__version__}\n")
        raise typer.Exit()


def _show_completion_callback(ctx: typer.Context, value: Optional[str]) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from hubcli.cli import completion

    OUT.data(completion.script(ctx.find_root().info_name or "hub", completion.resolve_shell(value)))
    raise typer.Exit()


def _install_completion_callback(ctx: typer.Context, value: Optional[str]) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from hubcli.cli import completion

    shell = completion.resolve_shell(value)
    path = completion.install(ctx.find_root().info_name or "hub", shell)
    OUT.info(t("completion_installed", shell=shell, path=str(path)))
    OUT.hint(t("completion_restart"))
    raise typer.Exit()


VersionOption = Annotated[bool, typer.Option("--version", "-V", help="opt_version", is_eager=True,
                                             callback=_version_callback)]
LangOption = Annotated[Optional[str], typer.Option("--lang", help="opt_lang", metavar="en|zh")]
DbOption = Annotated[Optional[str], typer.Option("--db", help="opt_db", metavar="PATH")]
NoPagerOption = Annotated[bool, typer.Option("--no-pager", help="opt_no_pager")]
InstallCompletionOption = Annotated[Optional[str], typer.Option(
    "--install-completion", help="opt_install_completion", metavar="[SHELL]", is_eager=True, expose_value=False,
    callback=_install_completion_callback)]
ShowCompletionOption = Annotated[Optional[str], typer.Option(
    "--show-completion", help="opt_show_completion", metavar="SHELL", is_eager=True, expose_value=False,
    callback=_show_completion_callback)]


def main_callback(version: VersionOption = False, lang: LangOption = None, db: DbOption = None,
                  no_pager: NoPagerOption = False, install_completion: InstallCompletionOption = None,
                  show_completion: ShowCompletionOption = None) -> None:
    """Global options (also accepted after the command name)."""


def build_app() -> typer.Typer:
    """Every command, declared with catalogue keys as help (see :func:`build_command`)."""
    app = typer.Typer(
        name="hub", help="app_help", epilog="app_epilog", no_args_is_help=True, add_completion=False,
        pretty_exceptions_enable=False, pretty_exceptions_show_locals=False, rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(main_callback)

    from hubcli.cli import (
        brief,
        digest,
        export,
        feeds,
        library,
        papers,
        paths,
        radar,
        recommend,
        serve,
        snapshot_import,
        sync_cmd,
        topics,
    )

    sync_cmd.register(app)
    papers.register(app)
    library.register(app)
    recommend.register(app)
    brief.register(app)
    digest.register(app)
    radar.register(app)
    export.register(app)
    snapshot_import.register(app)
    export.register_feeds(feeds.register(app))
    paths.register(app)
    topics.register(app)
    serve.register(app)
    return app


def build_command() -> TyperGroup:
    """The Click command tree, its help in the run's language."""
    command = typer.main.get_command(build_app())
    assert isinstance(command, TyperGroup)
    translate_help(command)
    bound_numbers(command)
    return command


def _complete(command: ClickCommand, prog_name: str) -> int:
    """Answer ``_HUB_COMPLETE=complete_SHELL`` (the scripts of ``--show-completion`` set it)."""
    from hubcli.cli.typer_compat import completion_init

    completion_init()  # Typer's bash/zsh/fish/PowerShell answers, which its scripts read
    try:
        command.main(args=[], prog_name=prog_name, standalone_mode=False)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    return 0


def _run_translating_help(command: ClickCommand, args: list[str], prog_name: str) -> int:
    """Click writes its help headings in English: capture the help and translate them."""
    import contextlib
    import io

    from hubcli.i18n.click_zh import translate_help

    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            result = command.main(args=args, prog_name=prog_name, standalone_mode=False)
    finally:
        OUT.data(translate_help(buffer.getvalue()))
    return int(result) if isinstance(result, int) else 0


def _text_arguments(args: list[str]) -> None:
    """Every argument must be text: bytes that are not UTF-8 (``$'\\xff'`` from a UTF-8
    shell) reach Python as lone surrogates, which no file, database or terminal takes."""
    for index, arg in enumerate(args, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            shown = shown.encode("ascii", "backslashreplace").decode("ascii")
            raise UsageError("cli_argument_not_utf8", index=index, argument=shown[:80]) from None


def _dispatch(args: list[str], prog_name: str) -> int:
    """Arguments checked, global options taken out, the language set, then the command run."""
    _text_arguments(args)
    args, lang = _take_global(args, "--lang")
    args, STATE.db_option = _take_global(args, "--db")
    args, STATE.no_pager = _take_flag(args, "--no-pager")
    args = _shell_optional(args)
    if lang is not None and lang.strip().lower() not in LANGUAGES:
        raise UsageError("bad_lang", value=lang)
    STATE.lang = detect_language(lang, None if lang else _configured_language())
    command = build_command()
    # a shell asking for completions (Typer's protocol; completion.complete_var names the variable)
    if os.environ.get(f"_{prog_name.upper()}_COMPLETE"):
        return _complete(command, prog_name)
    if not args:  # a bare "hub" shows the help (exit 0), like "hub --help"
        args = ["--help"]
    wants_help = any(a in ("--help", "-h") for a in args)
    if STATE.lang == "zh" and wants_help:
        return _run_translating_help(command, args, prog_name)
    result = command.main(args=args, prog_name=prog_name, standalone_mode=False)
    code = int(result) if isinstance(result, int) else 0
    if code == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C into a silent Exit(130)
        OUT.error(t("interrupted"))
    return code


def main(argv: Optional[list[str]] = None, prog_name: str = "hub") -> int:
    """Run hub; returns the exit code (``run`` exits with it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    STATE.reset()  # a fresh state per run (tests call main repeatedly)
    STATE.lang = detect_language()
    debug = bool(os.environ.get("HUB_DEBUG"))
    try:
        return _dispatch(args, prog_name)
    except HubError as exc:
        if debug:
            _print_traceback()
        OUT.error(t(exc.key, **{name: _cut(value) for name, value in exc.params.items()}))
        return int(exc.exit_code)
    except KeyboardInterrupt:
        OUT.error(t("interrupted"))
        return int(ExitCode.INTERRUPTED)
    except sqlite3.Error as exc:  # any database error that escaped the store's own mapping
        if debug:
            _print_traceback()
        from hubcli.api.errors import store_error

        error = store_error(exc, _database_path())
        OUT.error(t(error.key, **error.params))
        return int(error.exit_code)
    except BrokenPipeError:
        # the reader went away (hub papers | head): not an error
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        OUT.error(t("interrupted"))
        return int(ExitCode.INTERRUPTED)
    except ClickException as exc:  # usage errors: bad option, missing argument
        _usage_error(exc)
        return int(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - the one edge where everything becomes a message
        if debug:
            _print_traceback()
            return int(ExitCode.ERROR)
        OUT.error(t("unexpected_error", error=f"{type(exc).__name__}: {exc}"))
        return int(ExitCode.ERROR)
    finally:
        STATE.close()


def _cut(value: object, limit: int = 500) -> object:
    """A value quoted in an error line, cut short (a 100,000-character argument is not a
    clear line)."""
    return value[:limit] + "…" if isinstance(value, str) and len(value) > limit else value


def _no_such_option(exc: ClickException) -> str | None:
    """Click's "No such option" with only the close suggestions, in the run's language
    (Click lists up to three at a loose cutoff: ``--autor`` got ``--author, --category, --sort``)."""
    import difflib

    name, possible = getattr(exc, "option_name", None), getattr(exc, "possibilities", None)
    if not isinstance(name, str) or type(exc).__name__ != "NoSuchOption":
        return None
    ranked = sorted(((difflib.SequenceMatcher(None, name, p).ratio(), p) for p in possible or []), reverse=True)
    best = ranked[0][0] if ranked else 0.0
    close = [p for ratio, p in ranked[:3] if ratio >= max(0.6, best - 0.05)]
    if close:
        return t("cli_no_such_option_close", option=name, suggestions=", ".join(close))
    return t("cli_no_such_option", option=name)


def _usage_error(exc: ClickException) -> None:
    own = _no_such_option(exc)
    if own is not None:
        OUT.error(own)
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            OUT.info(t("try_help", command=ctx.command_path))
        return
    message = exc.format_message()
    if len(message) > 300:  # Click quotes the value: a 5,000-digit number is not one line
        message = message[:300] + "…"
    if STATE.lang == "zh":
        from hubcli.i18n.click_zh import translate_error

        message = translate_error(message)
    OUT.error(message)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None and exc.exit_code == 2:
        OUT.info(t("try_help", command=ctx.command_path))


def _print_traceback() -> None:
    """HUB_DEBUG=1: the traceback on stderr, without secrets.  The chained exceptions can
    quote what a provider answered, and providers echo API keys ("Incorrect API key
    provided: sk-...")."""
    import traceback

    from hubcli.api.errors import redact

    sys.stderr.write(redact(traceback.format_exc()))
    sys.stderr.flush()


def _database_path() -> str:
    try:
        return str(STATE.settings().paths.database)
    except HubError:
        return "?"


def run() -> None:
    # installed as both "hub" and "hubcli": usage lines and completion scripts name the one run
    prog_name = "hubcli" if os.path.basename(sys.argv[0]) == "hubcli" else "hub"
    try:
        code = main(prog_name=prog_name)
    except KeyboardInterrupt:  # a second Ctrl-C while hub was already cleaning up
        code = int(ExitCode.INTERRUPTED)
    sys.exit(code)
