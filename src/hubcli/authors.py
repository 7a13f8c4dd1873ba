"""Author names: splitting publishers' author strings, and folding names for matching.

Matching forgives case, accents, punctuation and spacing, understands ``Surname, Given``
and initials (``L. Hong`` finds ``Lichan Hong`` and the other way round), and never
matches on a prefix of the surname (``Lichan Hong`` does not find ``Lichan Hongson``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from hubcli.text import clean_text

_SPECIAL = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l",
     "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_NON_ALNUM = re.compile(r"[^\w]+|_")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_INITIALS_ONLY = re.compile(r"^(?:(?:[^\W\d_]{1,2}\.|[A-Z])(?:[\s\-]+|$)){1,4}$")


def fold(text: str) -> str:
    """Lower-case ASCII-ish form: no accents, punctuation as spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_ALNUM.sub(" ", text.casefold()).split())


@dataclass(frozen=True)
class NameKey:
    """A name split for matching: given-name tokens and surname, all folded."""

    given: tuple[str, ...]
    surname: str

    @property
    def folded(self) -> str:
        return " ".join((*self.given, self.surname)).strip()

    @property
    def given_first(self) -> str:
        return self.given[0] if self.given else ""

    @property
    def given_initial(self) -> str:
        return self.given[0][:1] if self.given else ""


def _drop_parentheses(name: str) -> str:
    out, depth = [], 0
    for ch in name:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def name_key(name: str) -> NameKey:
    """Split a display name (``Lichan Hong``, ``Hong, Lichan``, ``L. Hong``) for matching."""
    bare = _drop_parentheses(name)
    if bare.count(",") == 1:
        surname_part, given_part = (p.strip() for p in bare.split(","))
        if fold(given_part) in _SUFFIXES:  # "Evans Jr, Neal"? keep order as written
            tokens = fold(bare).split()
        else:
            tokens = fold(given_part).split() + fold(surname_part).split()
    else:
        tokens = fold(bare).split()
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    if not tokens:
        return NameKey((), "")
    return NameKey(tuple(tokens[:-1]), tokens[-1])


def given_compatible(query: tuple[str, ...], candidate: tuple[str, ...]) -> bool:
    """Whether two given-name token lists can be the same person's (initials allowed)."""
    if not query:
        return True
    if not candidate:
        return False
    a, b = query[0], candidate[0]
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    # "chenping" vs "chen ping"
    return "".join(query) == "".join(candidate)


def names_match(query: str, candidate: str) -> bool:
    q, c = name_key(query), name_key(candidate)
    return bool(q.surname) and q.surname == c.surname and given_compatible(q.given, c.given)


def _split_top_level(text: str, sep: str = ",") -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def split_authors(raw: str) -> list[str]:
    """Split one publisher author string into names, in order.

    Handles arXiv's comma-joined ``dc:creator`` with affiliations in parentheses (which
    may hold commas), ``A, B and C``, and bioRxiv/Science ``SURNAME, I., SURNAME2, I.``.
    Affiliations are dropped from the names.
    """
    text = clean_text(raw)
    if not text:
        return []
    parts = [p for p in _split_top_level(text) if p]
    if len(parts) >= 2 and len(parts) % 2 == 0 and all(
        _INITIALS_ONLY.match(parts[i]) for i in range(1, len(parts), 2)
    ):
        parts = [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)]
    names: list[str] = []
    for part in parts:
        # "A and B" inside the last part
        pieces = re.split(r"\s+and\s+", part) if " and " in part else [part]
        for piece in pieces:
            name = " ".join(_drop_parentheses(piece).split()).strip(" ;")
            if name:
                names.append(name)
    return names
