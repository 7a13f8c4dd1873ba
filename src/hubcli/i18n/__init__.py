"""English and Simplified Chinese message catalogues.

``translate(key, lang, **params)`` formats one message in the language passed: what
``render/``, ``web/`` and ``digest/`` use (a page, a digest and a terminal may each have
their own language at once).  There is no process-wide language: the CLI's ``t`` (in
``cli/context.py``) translates into its session's language.  Every key exists in both languages (a test
checks it), so a missing translation is a bug, not a fallback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import re

LANGUAGES = ("en", "zh")


def detect_language(explicit: str | None = None, configured: str | None = None) -> str:
    """--lang, then HUB_LANG, then config ``lang``, then the locale (zh* -> zh)."""
    for candidate in (explicit, os.environ.get("HUB_LANG"), configured):
        if candidate:
            return normalize_language(candidate)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def normalize_language(value: str) -> str:
    low = value.strip().lower().replace("_", "-")
    if low.startswith("zh"):
        return "zh"
    if low.startswith("en"):
        return "en"
    return "en" if low not in LANGUAGES else low



@dataclass(frozen=True)
class Message:
    """A message not yet translated: a catalogue key and its parameters.  As a parameter
    of another message it is translated in the same language."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@cache
def _plural_re() -> re.Pattern[str]:
    """Plural forms, ngettext-style: ``{count|paper|papers}`` is "paper" when ``count`` is 1
    (compiled the first time a message has one)."""
    import re

    return re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def _plurals(text: str, params: dict[str, Any]) -> str:
    def form(match: re.Match[str]) -> str:
        value = params.get(match.group(1))
        return match.group(2) if value == 1 or value == "1" else match.group(3)

    return _plural_re().sub(form, text) if "|" in text else text


def translate(key: str, lang: str, /, **params: Any) -> str:
    from hubcli.i18n.messages import MESSAGES  # the catalogues, loaded by the first message

    params = {k: translate(v.key, lang, **v.params) if isinstance(v, Message) else v for k, v in params.items()}
    entry = MESSAGES.get(key)
    if entry is None:
        text = key
    else:
        text = _plurals(entry.get(lang) or entry["en"], params)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text



def __getattr__(name: str) -> Any:
    """``hubcli.i18n.MESSAGES``: the catalogues, imported when first asked for."""
    if name == "MESSAGES":
        from hubcli.i18n.messages import MESSAGES

        return MESSAGES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
