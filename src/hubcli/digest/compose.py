"""What a digest is: its paper cards (each with why it is there), the brief of the top
ones, and the marks it covers; the order of its papers.  ``hubcli.api.digest`` composes
one from the store."""

from __future__ import annotations

import dataclasses
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubcli.models import LibraryState, Paper, Tldr

DEFAULT_LIMIT = 25  # paper cards in one digest
DEFAULT_BRIEF = 10  # of which the brief covers the top ones
POOL = 500  # new papers considered for ranking


@dataclass
class Card:
    """A paper in the digest and why it is there: ``(kind, value)`` pairs, kind one of
    ``author``, ``topic``, ``category`` (a follow or a configured topic) or ``new``."""

    paper: Paper
    reasons: list[tuple[str, str]] = field(default_factory=list)
    tldr: Tldr | None = None  # when TL;DRs were asked for (a model is configured)


@dataclass
class Digest:
    id: str  # stable: the same digest keeps its id when resent
    created: str  # UTC, ISO 8601
    lang: str
    since: str  # the mark it covers from ("" for the first digest)
    up_to: str  # the mark that moves once every target has it
    cards: list[Card]
    total: int  # new papers matching, cards or not
    brief: str = ""  # Markdown, its headings from level 3 down
    brief_kind: str = "none"  # "model" | "offline" | "none"
    model: str | None = None
    note: str = ""  # with no card: why nothing was sent (counts, sources, the last digest), in ``lang``

    @property
    def day(self) -> str:
        """The local date the digest was made (what its title says)."""
        try:
            return datetime.fromisoformat(self.created).astimezone().date().isoformat()
        except ValueError:
            return self.created[:10]

    def to_json(self) -> dict[str, Any]:
        """The digest as the outbox keeps it; each paper in the one JSON shape of a paper
        (:meth:`Paper.to_dict`, the shape of ``--format json``)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "cards"}
        data["cards"] = [{"paper": c.paper.to_dict(), "reasons": [list(r) for r in c.reasons],
                          **({"tldr": c.tldr.to_dict()} if c.tldr else {})} for c in self.cards]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Digest:
        cards = [Card(_paper(c["paper"]), [(str(k), str(v)) for k, v in c["reasons"]],
                      Tldr.from_dict(c["tldr"]) if isinstance(c.get("tldr"), dict) else None)
                 for c in data["cards"]]
        return cls(**{**data, "cards": cards})


def _paper(data: dict[str, Any]) -> Paper:
    """A paper of the outbox: :meth:`Paper.from_dict`'s shape, or the field-by-field shape
    outboxes written by earlier releases kept (``key`` instead of ``id``)."""
    if "id" in data:
        return Paper.from_dict(data)
    library = data.get("library")
    fields = {k: v for k, v in data.items() if k != "library"}
    return Paper(**fields, library=LibraryState(**library) if isinstance(library, dict) else LibraryState())


def new_id(created: str) -> str:
    """``20261201T070002Z-1a2b3c4d``: sorts by time; a resent digest keeps it."""
    return f"{re.sub(r'[^0-9TZ]', '', created)[:16]}-{secrets.token_hex(4)}"


def demote(markdown: str, *, drop_title: bool) -> str:
    """The brief's headings one level down (its ``#`` title dropped): it sits in a section."""
    out: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            if drop_title and re.match(r"#\s", line):
                continue
            line = "#" + line
        out.append(line)
    return "\n".join(out).strip() + "\n"
