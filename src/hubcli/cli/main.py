"""The ``hub`` entry point: global options, command registration, and the one place
where errors become messages and exit codes.

Start-up pays only for the command run: ``hub --version`` answers before Typer is
imported; ``hub papers``, ``hub shuffle`` and ``hub recommend`` are read and run without
Typer when their options are plain (``cli/direct.py``); and the command tree is a :class:`LazyGroup`
(Click's lazy-loading pattern) that imports a command's module only when that command
is invoked, or when every command is listed (``hub --help``, completion).  Help texts
stay catalogue keys until a command is loaded, then are translated into the run's
language.
"""

import gc
import os
import sys
from typing import TYPE_CHECKING, Any, Optional

from hubcli import __version__

if TYPE_CHECKING:
    import typer
    from typer.core import TyperGroup

    from hubcli.cli.typer_compat import ClickCommand, ClickException

VERSION_FLAGS = ("--version", "-V")

# Every command, in the order ``hub --help`` lists them, with the module that registers it
# (modules register several; a group's sub-commands come with it).  A new command goes here
# (and a new module in MODULE_ORDER): tests/test_startup_imports.py checks this table
# against the tree built eagerly from every module.
COMMAND_MODULES: dict[str, str] = {
    "sync": "sync_cmd", "papers": "papers", "shuffle": "papers", "show": "papers", "open": "papers",
    **dict.fromkeys(("save", "unsave", "tag", "untag", "tags", "note", "read", "unread", "dismiss", "undismiss"),
                    "library"),
    "recommend": "recommend", "similar": "recommend", "brief": "brief", "digest": "digest",
    **dict.fromkeys(("follow", "unfollow", "following", "radar"), "radar"),
    "export": "export", "import": "snapshot_import", "paths": "paths", "topics": "topics", "serve": "serve",
    "library": "library", "feeds": "feeds",
}
# the order the modules register in (the eager tree, build_app)
MODULE_ORDER = ("sync_cmd", "papers", "library", "recommend", "brief", "digest", "radar", "export",
                "snapshot_import", "feeds", "paths", "topics", "serve")


def _register(app: "typer.Typer", module_name: str) -> None:
    """Import one command module and add its commands to ``app``."""
    import importlib

    module: Any = importlib.import_module(f"hubcli.cli.{module_name}")
    if module_name == "feeds":  # hub feeds: its own commands, then the catalogue's (cli/export.py)
        from hubcli.cli import export

        export.register_feeds(module.register(app))
    else:
        module.register(app)


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
                from hubcli.errors import UsageError

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


def _asks_version_only(args: list[str], prog_name: str) -> bool:
    """``hub --version`` (global options around it allowed): answered before Typer and the
    settings are loaded.  Anything unusual takes the full path, which answers the same."""
    if len(args) > 8 or os.environ.get(f"_{prog_name.upper()}_COMPLETE"):
        return False
    if not any(flag in args for flag in VERSION_FLAGS):
        return False
    try:
        "".join(args).encode("utf-8")
        rest, lang = _take_global(args, "--lang")
        rest, _db = _take_global(rest, "--db")
        rest, _no_pager = _take_flag(rest, "--no-pager")
    except Exception:  # noqa: BLE001 - reported by the full path
        return False
    if lang is not None and lang.strip().lower() not in ("en", "zh"):  # i18n.LANGUAGES, not imported here
        return False
    return bool(rest) and rest[0] in VERSION_FLAGS and (len(rest) == 1 or not rest[1].startswith("-"))


def _configured_language() -> Optional[str]:
    from hubcli.cli.context import STATE
    from hubcli.errors import HubError

    try:
        return STATE.settings().lang
    except HubError:
        return None  # reported when a command needs the settings


def _new_app(**settings: Any) -> "typer.Typer":
    """A Typer application with hub's settings (plain Click help, no pretty tracebacks)."""
    import typer

    return typer.Typer(add_completion=False, pretty_exceptions_enable=False, pretty_exceptions_show_locals=False,
                       rich_markup_mode=None, **settings)


def _root_app(group_class: Optional[type] = None) -> "typer.Typer":
    """hub itself: its help and global options, no commands yet."""
    from typing import Annotated

    import typer

    from hubcli.cli.context import OUT, t

    def version_callback(value: bool) -> None:
        if value:
            OUT.data(f"hub {__version__}\n")
            raise typer.Exit()

    def show_completion_callback(ctx: typer.Context, value: Optional[str]) -> None:
        if value is None or ctx.resilient_parsing:
            return
        from hubcli.cli import completion

        OUT.data(completion.script(ctx.find_root().info_name or "hub", completion.resolve_shell(value)))
        raise typer.Exit()

    def install_completion_callback(ctx: typer.Context, value: Optional[str]) -> None:
        if value is None or ctx.resilient_parsing:
            return
        from hubcli.cli import completion

        shell = completion.resolve_shell(value)
        path = completion.install(ctx.find_root().info_name or "hub", shell)
        OUT.info(t("completion_installed", shell=shell, path=str(path)))
        OUT.hint(t("completion_restart"))
        raise typer.Exit()

    def main_callback(
        version: Annotated[bool, typer.Option("--version", "-V", help="opt_version", is_eager=True,
                                              callback=version_callback)] = False,
        lang: Annotated[Optional[str], typer.Option("--lang", help="opt_lang", metavar="en|zh")] = None,
        db: Annotated[Optional[str], typer.Option("--db", help="opt_db", metavar="PATH")] = None,
        no_pager: Annotated[bool, typer.Option("--no-pager", help="opt_no_pager")] = False,
        install_completion: Annotated[Optional[str], typer.Option(
            "--install-completion", help="opt_install_completion", metavar="[SHELL]", is_eager=True,
            expose_value=False, callback=install_completion_callback)] = None,
        show_completion: Annotated[Optional[str], typer.Option(
            "--show-completion", help="opt_show_completion", metavar="SHELL", is_eager=True, expose_value=False,
            callback=show_completion_callback)] = None,
    ) -> None:
        """Global options (also accepted after the command name)."""

    app = _new_app(name="hub", help="app_help", epilog="app_epilog", no_args_is_help=True, cls=group_class,
                   context_settings={"help_option_names": ["-h", "--help"]})
    app.callback()(main_callback)
    return app


def build_app() -> "typer.Typer":
    """Every command, declared with catalogue keys as help (see :func:`build_command`)."""
    app = _root_app()
    for module_name in MODULE_ORDER:
        _register(app, module_name)
    return app


def _ready(command: "ClickCommand") -> "ClickCommand":
    """A command tree as hub runs it: help in the run's language, numbers held to range."""
    from hubcli.cli.options import bound_numbers, translate_help

    translate_help(command)
    bound_numbers(command)
    return command


def build_command() -> "TyperGroup":
    """The whole Click command tree, every module imported, its help in the run's language
    (the docs and tests walk it; a run uses :func:`build_lazy_command`)."""
    import typer
    from typer.core import TyperGroup

    command = _ready(typer.main.get_command(build_app()))
    assert isinstance(command, TyperGroup)
    return command


def _lazy_group_class() -> type:
    """The root group's class, made when Typer is imported (its base is Typer's group)."""
    from difflib import get_close_matches

    import typer
    from typer.core import TyperGroup

    from hubcli.cli.typer_compat import ClickUsageError

    registered: dict[str, typer.Typer] = {}  # command module -> the app it registered into

    class LazyGroup(TyperGroup):
        """Click's lazy group: lists every command from :data:`COMMAND_MODULES` and imports
        a command's module the first time the command is asked for."""

        def list_commands(self, ctx: Any) -> list[str]:
            return list(COMMAND_MODULES)

        def get_command(self, ctx: Any, cmd_name: str) -> Any:
            if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
                module_name = COMMAND_MODULES[cmd_name]
                if module_name not in registered:
                    registered[module_name] = _new_app()
                    _register(registered[module_name], module_name)
                self.commands[cmd_name] = _ready(_one_command(registered[module_name], cmd_name))
            return self.commands.get(cmd_name)

        def resolve_command(self, ctx: Any, args: list[str]) -> Any:
            try:
                return self._click_resolve_command(ctx, args)
            except ClickUsageError as exc:  # Typer's "Did you mean", over every command
                matches = get_close_matches(args[0], list(COMMAND_MODULES)) if args and self.suggest_commands else []
                if matches:
                    exc.message = f"{exc.message.rstrip('.')}. Did you mean {', '.join(repr(m) for m in matches)}?"
                raise

    return LazyGroup


def _one_command(app: "typer.Typer", name: str) -> "ClickCommand":
    """The Click command (or group) ``name`` of an application, built alone: a module
    registers several commands, a run needs one."""
    import typer

    for info in app.registered_commands:
        if info.name == name:
            return typer.main.get_command_from_info(info, pretty_exceptions_short=app.pretty_exceptions_short,
                                                    rich_markup_mode=app.rich_markup_mode)
    for group_info in app.registered_groups:  # a group's name may be its Typer's own (hub library)
        group = typer.main.get_group_from_info(group_info, pretty_exceptions_short=app.pretty_exceptions_short,
                                               rich_markup_mode=app.rich_markup_mode,
                                               suggest_commands=app.suggest_commands)
        if group.name == name:
            return group
    raise LookupError(name)


def build_lazy_command() -> "TyperGroup":
    """The root group of a run: global options now, each command when it is asked for."""
    import typer
    from typer.core import TyperGroup

    command = _ready(typer.main.get_group(_root_app(_lazy_group_class())))
    assert isinstance(command, TyperGroup)
    return command


def _complete(command: "ClickCommand", prog_name: str) -> int:
    """Answer ``_HUB_COMPLETE=complete_SHELL`` (the scripts of ``--show-completion`` set it)."""
    from hubcli.cli.typer_compat import completion_init

    completion_init()  # Typer's bash/zsh/fish/PowerShell answers, which its scripts read
    try:
        command.main(args=[], prog_name=prog_name, standalone_mode=False)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    return 0


def _run_translating_help(command: "ClickCommand", args: list[str], prog_name: str) -> int:
    """Click writes its help headings in English: capture the help and translate them."""
    import contextlib
    import io

    from hubcli.cli.context import OUT
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
            from hubcli.errors import UsageError

            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            shown = shown.encode("ascii", "backslashreplace").decode("ascii")
            raise UsageError("cli_argument_not_utf8", index=index, argument=shown[:80]) from None


def _dispatch(args: list[str], prog_name: str) -> int:
    """Arguments checked, global options taken out, the language set, then the command run."""
    from hubcli.cli.context import OUT, STATE, t
    from hubcli.errors import ExitCode, UsageError
    from hubcli.i18n import LANGUAGES, detect_language

    _text_arguments(args)
    args, lang = _take_global(args, "--lang")
    args, STATE.db_option = _take_global(args, "--db")
    args, STATE.no_pager = _take_flag(args, "--no-pager")
    args = _shell_optional(args)
    if lang is not None and lang.strip().lower() not in LANGUAGES:
        raise UsageError("bad_lang", value=lang)
    STATE.lang = detect_language(lang, None if lang else _configured_language())
    completing = bool(os.environ.get(f"_{prog_name.upper()}_COMPLETE"))
    from hubcli.cli import direct

    if completing or not args or args[0] not in direct.QUICK_READS:
        gc.enable()  # every command but a quick listing collects cycles as usual (see run)
    if not completing and direct.answer(args):  # the everyday reads, without Typer (cli/direct.py)
        STATE.answered_directly = True
        return 0
    command = build_lazy_command()
    # a shell asking for completions (Typer's protocol; completion.complete_var names the variable)
    if completing:
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
    if _asks_version_only(args, prog_name):
        sys.stdout.write(f"hub {__version__}\n")
        sys.stdout.flush()
        return 0
    from hubcli.cli.context import OUT, STATE, t
    from hubcli.errors import ExitCode, HubError
    from hubcli.i18n import detect_language

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
    except Exception as exc:  # noqa: BLE001 - the one edge where everything becomes a message
        return _exit_code_of(exc, debug)
    finally:
        STATE.close()


def _exit_code_of(exc: Exception, debug: bool) -> int:
    """Any other exception as a message and an exit code: a database error that escaped the
    store's own mapping, a closed pipe, Click's exits and usage errors, then the rest.
    (Typer and sqlite3 are looked up only when loaded: an exception of theirs means they are.)"""
    from hubcli.cli.context import OUT, t
    from hubcli.errors import ExitCode

    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(exc, sqlite3.Error):
        if debug:
            _print_traceback()
        from hubcli.api.errors import store_error

        error = store_error(exc, _database_path())
        OUT.error(t(error.key, **error.params))
        return int(error.exit_code)
    if isinstance(exc, BrokenPipeError):
        # the reader went away (hub papers | head): not an error
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0
    if "typer" in sys.modules:
        import typer

        from hubcli.cli.typer_compat import ClickException

        if isinstance(exc, typer.Exit):
            return int(exc.exit_code)
        if isinstance(exc, typer.Abort):
            OUT.error(t("interrupted"))
            return int(ExitCode.INTERRUPTED)
        if isinstance(exc, ClickException):  # usage errors: bad option, missing argument
            _usage_error(exc)
            return int(exc.exit_code)
    if debug:
        _print_traceback()
        return int(ExitCode.ERROR)
    OUT.error(t("unexpected_error", error=f"{type(exc).__name__}: {exc}"))
    return int(ExitCode.ERROR)


def _cut(value: object, limit: int = 500) -> object:
    """A value quoted in an error line, cut short (a 100,000-character argument is not a
    clear line)."""
    return value[:limit] + "…" if isinstance(value, str) and len(value) > limit else value


def _no_such_option(exc: "ClickException") -> Optional[str]:
    """Click's "No such option" with only the close suggestions, in the run's language
    (Click lists up to three at a loose cutoff: ``--autor`` got ``--author, --category, --sort``)."""
    import difflib

    from hubcli.cli.context import t

    name, possible = getattr(exc, "option_name", None), getattr(exc, "possibilities", None)
    if not isinstance(name, str) or type(exc).__name__ != "NoSuchOption":
        return None
    ranked = sorted(((difflib.SequenceMatcher(None, name, p).ratio(), p) for p in possible or []), reverse=True)
    best = ranked[0][0] if ranked else 0.0
    close = [p for ratio, p in ranked[:3] if ratio >= max(0.6, best - 0.05)]
    if close:
        return t("cli_no_such_option_close", option=name, suggestions=", ".join(close))
    return t("cli_no_such_option", option=name)


def _usage_error(exc: "ClickException") -> None:
    from hubcli.cli.context import OUT, STATE, t

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
    from hubcli.cli.context import STATE
    from hubcli.errors import HubError

    try:
        return str(STATE.settings().paths.database)
    except HubError:
        return "?"


def run() -> None:
    """The ``hub`` command.  A quick listing (``cli/direct.QUICK_READS``) runs without the
    cyclic garbage collector (a process that lives for a few milliseconds and makes no
    cycles worth collecting; ``_dispatch`` turns it back on for every other command), and
    a read answered by ``cli/direct.py`` ends without the interpreter's teardown
    (:func:`_end_at_once`): together a fifth of what such a read costs."""
    gc.disable()
    # installed as both "hub" and "hubcli": usage lines and completion scripts name the one run
    prog_name = "hubcli" if os.path.basename(sys.argv[0]) == "hubcli" else "hub"
    try:
        code = main(prog_name=prog_name)
    except KeyboardInterrupt:  # a second Ctrl-C while hub was already cleaning up
        code = 130  # ExitCode.INTERRUPTED
    context = sys.modules.get("hubcli.cli.context")
    if context is not None and context.STATE.answered_directly:
        _end_at_once(code)
    sys.exit(code)


def _end_at_once(code: int) -> None:
    """Exit now, as a finished read may: its output written and flushed, the database
    closed (``main``), the exit handlers run, no other thread left; what the interpreter
    would still do is free every object and module one by one.  Returns (and the normal
    exit follows) when another thread still runs."""
    import atexit

    threading = sys.modules.get("threading")  # never imported: no thread was started
    if threading is not None and threading.active_count() > 1:
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader went away, or the stream is closed
            pass
    os._exit(code)
