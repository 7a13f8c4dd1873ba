"""What an ``api`` call returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from hubcli.i18n import Message
from hubcli.models import Paper

Level = Literal["info", "hint", "warn"]


@dataclass(frozen=True)
class Notice:
    """A message for the user (stderr in the CLI): a catalogue key and its parameters."""

    level: Level
    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    """Notices shown before the data, notices shown after it, and the exit status."""

    before: list[Notice] = field(default_factory=list)
    after: list[Notice] = field(default_factory=list)
    status: int = 0

    def note(self, level: Level, key: str, *, after: bool = False, **params: Any) -> None:
        (self.after if after else self.before).append(Notice(level, key, params))


@dataclass(frozen=True)
class Explanation:
    """Why a paper was recommended: the words that drove its score, the saved paper it is
    most like (its id and title), and the interest it serves."""

    words: list[str]
    like_key: str | None = None
    like_title: str | None = None
    interest: str | None = None  # the library's interest it serves (a tag, or its words), when it has several


@dataclass
class Listing(Result):
    """Papers to show, with a footer (a catalogue key and parameters) and, for radar, why
    each paper is there (paper id -> its reasons); ranked listings carry each paper's
    score (higher is better) and, with ``--explain``, its explanation."""

    papers: list[Paper] = field(default_factory=list)
    footer: Notice | None = None
    start: int = 1
    reasons: dict[int, list[Message]] | None = None
    scores: dict[int, float] | None = None
    matches: dict[int, str] | None = None  # ranked listings: each paper's match level (strong, good, weak)
    explanations: dict[int, Explanation] | None = None


@dataclass
class Data(Result):
    """Records to print (a list of JSON-ready dicts), as ``--json`` or as lines."""

    items: list[dict[str, Any]] = field(default_factory=list)
