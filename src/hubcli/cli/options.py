"""Option declarations shared by commands, and the filter options built from ``Filters``.

Help texts are catalogue *keys* here (``help="opt_author"``): commands are declared once,
at module level, and :func:`translate_help` puts the run's language into the Click
command tree when it is built (``cli/main.py``).
"""

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from hubcli.cli.context import t
from hubcli.cli.typer_compat import ClickCommand
from hubcli.errors import UsageError
from hubcli.filters import filter_fields, take_filters
from hubcli.i18n.messages import MESSAGES

FormatOption = Annotated[Optional[str], typer.Option("--format", "-f", help="opt_format", metavar="FORMAT")]
JsonOption = Annotated[bool, typer.Option("--json", help="opt_json")]
IdArgument = Annotated[str, typer.Argument(help="arg_id", metavar="ID")]
TldrOption = Annotated[bool, typer.Option("--tldr", help="opt_tldr")]
TldrOfflineOption = Annotated[bool, typer.Option("--offline", help="opt_tldr_offline")]
SourceArgument = Annotated[str, typer.Argument(help="arg_source", metavar="SOURCE")]

Command = Callable[..., Any]


def _filter_parameters() -> list[inspect.Parameter]:
    params = []
    kinds: dict[str, Any] = {"flag": bool, "list": Optional[list[str]], "text": Optional[str]}
    for spec, option in filter_fields():
        kind, default = kinds[option.kind], (False if option.kind == "flag" else None)
        info = typer.Option(*option.flags, help=option.help, metavar=option.metavar)
        params.append(inspect.Parameter(spec.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                        annotation=Annotated[kind, info]))
    return params


def with_filters(command: Command) -> Command:
    """Give a command every filter option in place of its ``filters: Filters`` parameter,
    and call it with the validated :class:`Filters` (see ``take_filters``)."""
    signature = inspect.signature(command)
    params = list(signature.parameters.values())
    at = [p.name for p in params].index("filters")
    rest = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params[at + 1:]]
    parameters = [*params[:at], *_filter_parameters(), *rest]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        filters = take_filters(kwargs)
        return command(*args, filters=filters, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper


COUNT_MAX = 1_000_000_000  # the largest count, page or size an option takes
# (the smallest value shown, the largest, the smallest taken here) by parameter name; any
# other whole number is a count, its lower bound left to the command (``output.positive``)
NUMBER_RANGES: dict[str, tuple[int, int, int]] = {
    "seed": (-(2**63), 2**63 - 1, -(2**63)),  # SQLite's 64-bit range
    "port": (0, 65535, 0),
}
COUNT_RANGE = (1, COUNT_MAX, -COUNT_MAX)  # (shown, largest, taken) of a count


def bound_numbers(command: ClickCommand) -> None:
    """Hold every whole-number option and argument of a Click command tree to its range
    (``NUMBER_RANGES``, else 1..``COUNT_MAX``) as it is parsed: a value out of range is a
    usage error naming the option and the range (exit 2), never an overflow further on."""
    for param in command.params:
        if getattr(param.type, "name", None) in ("int", "integer"):  # Click's INT (not a declared range)
            name = "/".join(sorted(param.opts, key=lambda o: not o.startswith("--"))) or str(param.name)
            param.callback = _bounded(param.callback, name, *NUMBER_RANGES.get(param.name or "", COUNT_RANGE))
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            bound_numbers(sub)


def _bounded(callback: Optional[Callable[..., Any]], option: str, minimum: int, maximum: int, floor: int
             ) -> Callable[..., Any]:
    def check(ctx: Any, param: Any, value: Any) -> Any:
        for number in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(number, int) and not floor <= number <= maximum:
                shown = str(number) if len(str(number)) <= 30 else str(number)[:30] + "…"
                raise UsageError("cli_number_range", option=option, value=shown, minimum=minimum, maximum=maximum)
        return callback(ctx, param, value) if callback is not None else value

    return check


def _translated(text: Optional[str]) -> Optional[str]:
    if text and text in MESSAGES:
        return inspect.cleandoc(t(text))
    return text


def _plain_usage_metavar(argument: TyperArgument) -> None:
    """A required argument shows as ``ID`` in the usage line, as Click and every Unix tool
    write it (Typer writes ``{ID}``); optional ones keep their ``[TEXT]``."""
    metavar = argument.metavar

    def make_metavar(ctx: Any, *, usage: bool = False) -> str:
        return str(metavar)

    argument.make_metavar = make_metavar  # type: ignore[method-assign]


def translate_help(command: ClickCommand) -> None:
    """Replace the catalogue keys of a Click command tree by texts in the run's language."""
    command.help = _translated(command.help)
    command.epilog = _translated(command.epilog)
    for param in command.params:
        if isinstance(param, (TyperOption, TyperArgument)):
            param.help = _translated(param.help)
        if isinstance(param, TyperArgument) and param.metavar and param.required:
            _plain_usage_metavar(param)
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            translate_help(sub)
