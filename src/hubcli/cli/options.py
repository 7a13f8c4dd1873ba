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
from hubcli.filters import Filters, filter_fields, make_filters
from hubcli.i18n.messages import MESSAGES

FormatOption = Annotated[Optional[str], typer.Option("--format", "-f", help="opt_format", metavar="FORMAT")]
JsonOption = Annotated[bool, typer.Option("--json", help="opt_json")]
IdArgument = Annotated[str, typer.Argument(help="arg_id", metavar="ID")]
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
    and call it with the validated :class:`Filters` (see ``make_filters``)."""
    signature = inspect.signature(command)
    params = list(signature.parameters.values())
    at = [p.name for p in params].index("filters")
    rest = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params[at + 1:]]
    parameters = [*params[:at], *_filter_parameters(), *rest]
    names = [spec.name for spec, _option in filter_fields()]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        raw = {name: kwargs.pop(name) for name in names if name in kwargs}
        return command(*args, filters=make_filters(**raw), **kwargs)

    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    return wrapper


def chips(filters: Filters) -> list[str]:
    return [t(key, **params) for key, params in filters.chips()]


def _translated(text: Optional[str]) -> Optional[str]:
    if text and text in MESSAGES:
        return inspect.cleandoc(t(text))
    return text


def translate_help(command: ClickCommand) -> None:
    """Replace the catalogue keys of a Click command tree by texts in the run's language."""
    command.help = _translated(command.help)
    command.epilog = _translated(command.epilog)
    for param in command.params:
        if isinstance(param, (TyperOption, TyperArgument)):
            param.help = _translated(param.help)
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            translate_help(sub)
