"""The everyday reads, answered without Typer.

Importing Typer and building its Click command costs more CPU than the read itself on a
million papers.  ``hub papers``, ``hub shuffle`` and ``hub recommend``, the commands a
researcher runs dozens of times a day, are read here instead, from a table of their options that
``python -m hubcli.tools.gendocs`` writes from the Typer command tree
(``cli/direct_table.py``; tests/test_docs.py fails when the table is stale), and run by the
functions Typer's commands call (``cli/read_commands.py``).

The reader takes only what it understands exactly as Click does: known options as
``--name VALUE``, ``--name=VALUE``, ``-x VALUE`` or ``-xVALUE``, flags, a value repeated
(the last one counts, a repeatable option keeps all), whole numbers within their range,
plain decimals.
Anything else -- help, completion, an unknown or misspelt option, an argument, ``--``, a
value that starts with a dash, a number it would not take -- is left to Typer, which gives
the answer or the error message it always gave.  So the command line keeps one definition
(Typer's) and gets two readers that agree; tests/test_direct.py checks that both pass the
same values for every option.
"""

from collections.abc import Callable
from typing import Any, Optional

DIRECT_COMMANDS = ("papers", "shuffle", "recommend")
# the listings that end in milliseconds and run without the cyclic garbage collector
# (cli/main.run); recommend may first build the ranking features, minutes on a large cache
QUICK_READS = ("papers", "shuffle")


def parse(command: str, args: list[str]) -> Optional[dict[str, Any]]:
    """The values Typer would pass ``command`` for ``args`` (every parameter, defaults
    included), or None when Typer must read them."""
    from hubcli.cli.direct_table import BOUNDS, DEFAULTS, OPTIONS

    options = OPTIONS.get(command)
    if options is None:
        return None
    values: dict[str, Any] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        value: Optional[str]
        if arg.startswith("--"):
            name, equals, attached = arg.partition("=")
            value = attached if equals else None
        elif arg.startswith("-") and len(arg) > 1:
            name, value = arg[:2], arg[2:] or None
        else:
            return None  # an argument (or "-"): none of these commands takes one
        known = options.get(name)
        if known is None:
            return None
        param, kind = known
        if kind == "flag":
            if value is not None:
                return None
            values[param] = True
            continue
        if value is None:
            if index >= len(args) or args[index].startswith("-"):
                return None  # missing, or a value Click would take and a person may not have meant
            value = args[index]
            index += 1
        if kind == "int":
            number = _whole_number(value)
            smallest, largest = BOUNDS[command][param]
            if number is None or not smallest <= number <= largest:
                return None
            values[param] = number
        elif kind == "float":
            decimal = _decimal(value)
            if decimal is None:
                return None
            values[param] = decimal
        elif kind == "texts":
            values.setdefault(param, []).append(value)
        else:
            values[param] = value
    return {**DEFAULTS[command], **values}


def _whole_number(text: str) -> Optional[int]:
    """A plain decimal whole number (``12``, ``+3``, ``-5``) of at most 19 digits (every
    bound is within 64 bits); None for anything else, which Python's ``int`` would read
    some other way (spaces, ``1_000``, other scripts' digits) or refuse (4,300 digits)."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    return int(text) if len(digits) <= 19 and digits.isascii() and digits.isdigit() else None


def _decimal(text: str) -> Optional[float]:
    """A plain decimal number (``0.5``, ``-2``, ``+1.25``, ``.5``); None for anything else
    Python's ``float`` would read some other way (``1e3``, ``inf``, ``nan``, ``1_0``)."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    whole, _point, fraction = digits.partition(".")
    if not (whole or fraction) or len(digits) > 40 or not (whole + fraction).isascii():
        return None
    if (whole and not whole.isdigit()) or (fraction and not fraction.isdigit()):
        return None
    return float(text)


def answer(args: list[str]) -> bool:
    """Run ``args`` (the command line after the global options) when it is a read this
    module takes; False, having done nothing, when Typer must."""
    if not args or args[0] not in DIRECT_COMMANDS:
        return False
    values = parse(args[0], args[1:])
    if values is None:
        return False
    from hubcli.cli import read_commands
    from hubcli.filters import take_filters

    commands: dict[str, Callable[..., None]] = {
        "papers": read_commands.papers, "shuffle": read_commands.shuffle, "recommend": read_commands.recommend}
    filters = take_filters(values)
    commands[args[0]](filters, **values)
    return True
