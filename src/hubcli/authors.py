"""Author names: splitting publishers' author strings, and folding names for matching.

Matching forgives case, accents, punctuation and spacing, understands ``Surname, Given``
and initials (``L. Hong`` finds ``Lichan Hong`` and the other way round), a compound
surname alone (``Demner-Fushman`` finds ``Dina Demner-Fushman``), and never matches on a
prefix of the surname (``Lichan Hong`` does not find ``Lichan Hongson``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from hubcli.text import clean_text, lazy_pattern

_SPECIAL = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l", "Ł": "l",
     "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_NON_ALNUM = lazy_pattern(r"[^\w]+|_")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# what joins the parts of a compound surname: hyphens, dashes, apostrophes
_JOINERS = frozenset("-\u2010\u2011\u2012\u2013'\u2019")
_INITIALS_ONLY = lazy_pattern(r"^(?:(?:[^\W\d_]{1,2}\.|[A-Z])(?:[\s\-]+|$)){1,4}$")


# TeX accents as arXiv writes them in dc:creator: J\"urgen, Sedl\'a\v{c}ek, Pawe{\l}, Bj\o rn
_TEX_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
                ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
                "r": "\u030a", "d": "\u0323", "b": "\u0331"}
_TEX_LETTERS = {"ss": "ß", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "o": "ø", "O": "Ø",
                "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ"}
_TEX_BASE = r"(?:\{\s*(?P<b1>\\[ij]|[A-Za-z])\s*\}|(?P<b2>\\[ij](?![A-Za-z])|[A-Za-z]))"
_TEX_SYMBOL_ACCENT_RE = lazy_pattern(r"\\(?P<acc>['`^\"~=.])\s*" + _TEX_BASE)
_TEX_LETTER_ACCENT_RE = lazy_pattern(
    r"\\(?P<acc>[uvHckrdb])(?:\s*\{\s*(?P<b1>\\[ij]|[A-Za-z])\s*\}|\s+(?P<b2>[A-Za-z]))"
)
_TEX_LETTER_RE = lazy_pattern(r"\\(?P<name>ss|aa|AA|ae|AE|oe|OE|dh|DH|th|TH|o|O|l|L|i|j)(?![A-Za-z])(?: (?=[a-z]))?")
_TEX_BRACES_RE = lazy_pattern(r"\{([^{}\\]*)\}")


def _tex_accent(match: re.Match[str]) -> str:
    base = match.group("b1") or match.group("b2")
    base = base[1:] if base.startswith("\\") else base  # \'\i -> í
    return base + _TEX_ACCENTS[match.group("acc")]


def tex_to_unicode(text: str) -> str:
    """``J\\"urgen`` -> ``Jürgen``, ``Pawe{\\l}`` -> ``Paweł``: the TeX accents arXiv keeps in names."""
    if "\\" not in text:
        return text
    text = _TEX_SYMBOL_ACCENT_RE.sub(_tex_accent, text)
    text = _TEX_LETTER_ACCENT_RE.sub(_tex_accent, text)
    text = _TEX_LETTER_RE.sub(lambda m: _TEX_LETTERS[m.group("name")], text)
    for _ in range(3):  # {\'e} -> {é} -> é
        text = _TEX_BRACES_RE.sub(r"\1", text)
    return unicodedata.normalize("NFC", text)


def _fold_once(text: str) -> str:
    text = unicodedata.normalize("NFKD", tex_to_unicode(text).casefold().translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_ALNUM.sub(" ", text.casefold().translate(_SPECIAL)).split())


def fold(text: str) -> str:
    """Lower-case ASCII-ish form: no accents, punctuation as spaces, spaces collapsed.

    Idempotent: a decomposition can uncover what another step folds (``ǿ`` -> ``ø`` -> ``o``).
    """
    for _ in range(4):
        folded = _fold_once(text)
        if folded == text:
            break
        text = folded
    return text


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
        """First letter of the first given name that is not a surname particle ("" if none)."""
        return next((tok[:1] for tok in self.given if tok not in _PARTICLES), "")


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _drop_parentheses(name: str) -> str:
    """Remove parenthesised parts (affiliations); a stray parenthesis is only a character."""
    if not _balanced(name):
        return name.replace("(", " ").replace(")", " ")
    out, depth = [], 0
    for ch in name:
        if ch == "(":
            depth += 1
        elif ch == ")":
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


def match_columns(name: str) -> tuple[str, str, str]:
    """What the authors table stores for matching a display name: folded, surname, initial."""
    key = name_key(name)
    return key.folded, key.surname, key.given_initial


# surname particles: "Adrian Del Maestro" is found by "Del Maestro" and by "Adrian Maestro"
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das", "le",
                        "la", "ter", "ten", "bin", "al", "el", "zu"})


def given_compatible(query: tuple[str, ...], candidate: tuple[str, ...]) -> bool:
    """Whether two given-name token lists can be the same person's (initials allowed)."""
    query_particles = [tok for tok in query if tok in _PARTICLES]
    if query_particles:
        if not all(tok in candidate for tok in query_particles):
            return False
        query = tuple(tok for tok in query if tok not in _PARTICLES)
        candidate = tuple(tok for tok in candidate if tok not in _PARTICLES)
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


def compound_surname(query: str) -> tuple[str, ...] | None:
    """A query that is one compound surname alone (``Demner-Fushman``, ``O'Connell``): its
    folded parts, which a name matches when it ends with them; None for any other query.

    Folding turns the hyphen into a space, so without this ``Demner-Fushman`` would read as
    given name ``demner`` and surname ``fushman`` and miss ``Dina Demner-Fushman``.
    """
    bare = _drop_parentheses(query).strip()
    if len(bare.split()) != 1 or "," in bare or "." in bare or not any(ch in _JOINERS for ch in bare):
        return None  # "L.Hong" stays an initial and a surname
    tokens = fold(bare).split()
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    return tuple(tokens) if len(tokens) > 1 else None


def surname_ends_with(folded_name: str, parts: tuple[str, ...]) -> bool:
    """Whether a folded stored name (given names, then surname) ends with these surname parts."""
    return tuple(folded_name.split()[-len(parts):]) == parts


def names_match(query: str, candidate: str) -> bool:
    compound = compound_surname(query)
    if compound is not None:
        return surname_ends_with(name_key(candidate).folded, compound)
    q, c = name_key(query), name_key(candidate)
    return bool(q.surname) and q.surname == c.surname and given_compatible(q.given, c.given)


def _split_top_level(text: str, sep: str = ",") -> list[str]:
    if not _balanced(text):  # a stray bracket must not swallow every later author
        return [p.strip() for p in text.split(sep)]
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
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
    text = clean_text(tex_to_unicode(raw))
    if not text:
        return []
    parts = [p for p in _split_top_level(text) if p]
    if len(parts) >= 2 and len(parts) % 2 == 0 and all(
        _INITIALS_ONLY.match(parts[i]) for i in range(1, len(parts), 2)
    ):
        parts = [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)]
    names: list[str] = []
    for part in parts:
        # "A and B" inside the last part; never inside an affiliation ("(School of Physics and Astronomy)")
        bare = _drop_parentheses(part)
        pieces = re.split(r"\s+and\s+", bare) if " and " in bare else [bare]
        for piece in pieces:
            name = " ".join(piece.split()).strip(" ;")
            if name:
                names.append(name)
    return names
