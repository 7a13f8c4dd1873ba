"""Errors hub raises on purpose, each with the exit code the CLI maps it to.

Messages are catalogue keys (see :mod:`hubcli.i18n`) plus parameters, so the one edge
that prints them (``hubcli.cli.main``) can say them in the user's language.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    INTERRUPTED = 130


class HubError(Exception):
    """An error the user should see as one line on stderr."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:  # English, for logs and tracebacks
        from hubcli.i18n import translate

        return translate(self.key, "en", **self.params)


class UsageError(HubError):
    """Bad option values or arguments (exit 2)."""

    exit_code = ExitCode.USAGE


class ConfigError(HubError):
    """config.toml cannot be read or holds a bad value."""


class StoreError(HubError):
    """The database cannot be opened or written."""


class NotFoundError(HubError):
    """An id, source or topic that hub does not know."""


class FeedError(HubError):
    """A source could not be fetched or parsed."""


class LLMError(HubError):
    """The model call failed."""
