"""Author keys for the ranking: one key per person as far as a name can tell, in a block
of features of its own (never words of the text, never shown as words).

A key is the folded surname, its particles kept (``Del Maestro``, ``van der Waals``), and
the first initial of the given names: ``Adrian Del Maestro`` and ``A. Del Maestro`` are
``del maestro|a``; ``Matthew J. Powell-Palm`` is ``powellpalm|m`` (not ``matthew_j``,
which the old tokens shared with every Matthew J.).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from hubcli.authors import fold
from hubcli.store.papers import decode_list

__all__ = ["author_block", "author_key", "author_names"]

PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "dei", "degli", "di", "da", "du", "dos",
                       "das", "do", "le", "la", "ter", "ten", "bin", "al", "el", "zu", "st", "mac", "af"})
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


# every ASCII character but a letter or a digit, deleted by str.translate (C speed)
_ASCII_NOT_ALNUM = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum()))


def _fold_word(word: str) -> str:
    """One word folded to letters and digits; plain ASCII (most names) without the
    Unicode and TeX work of :func:`fold`, to the same result."""
    if word.isascii() and "\\" not in word and "{" not in word:
        return word.lower().translate(_ASCII_NOT_ALNUM)
    return "".join(fold(word).split())


def _words(text: str) -> list[str]:
    """Each word folded, its hyphens and apostrophes dropped (``Powell-Palm`` -> ``powellpalm``)."""
    return [w for w in map(_fold_word, text.split()) if w]


@lru_cache(maxsize=1 << 17)  # a candidate list repeats its authors: each name folded once
def author_key(name: str) -> str | None:
    """``surname|initial`` for a display name (``Surname, Given`` understood); None when
    nothing is left of it."""
    if name.count(",") == 1:
        surname_part, given_part = name.split(",")
        first, last = _words(given_part), _words(surname_part)
        tokens = _words(name.replace(",", " ")) if first and first[0] in SUFFIXES else first + last
    else:
        tokens = _words(name)
    while len(tokens) > 1 and tokens[-1] in SUFFIXES:
        tokens.pop()
    if not tokens:
        return None
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1] in PARTICLES:
        start -= 1
    surname, given = " ".join(tokens[start:]), tokens[:start]
    return f"{surname}|{given[0][0]}" if given else surname


def author_names(authors_json: str | None) -> list[str]:
    """The names of a paper's stored authors (a JSON list)."""
    return decode_list(authors_json)


def _last_word(name: str) -> str:
    """The last word of a name's surname, roughly folded: a quick test before :func:`author_key`."""
    part = name.split(",")[0] if name.count(",") == 1 else name
    words = part.split()
    word = words[-1] if words else ""
    return word.lower().translate(_ASCII_NOT_ALNUM) if word.isascii() else "".join(fold(word).split())


# a stored author list (JSON) as words: its quotes part the names, every other mark is
# dropped inside a word as _last_word drops it (``Powell-Palm`` -> ``powellpalm``); a comma
# also parts words, as "Surname,Given" is read
_JSON_WORDS = str.maketrans({**dict.fromkeys('"', " "),
                             **{chr(c): None for c in range(128)
                                if not chr(c).isalnum() and not chr(c).isspace() and chr(c) != '"'}})
_JSON_WORDS_COMMA = {**_JSON_WORDS, ord(","): " "}


def _shares_no_surname(raw: str, lasts: set[str]) -> bool:
    """True when no name of a stored author list can end in one of ``lasts``
    (:func:`_last_word`): most candidates share no author with the library, and one
    C-speed pass over the whole list answers for all its names.  Only plain ASCII lists
    are judged; any other goes through its names one by one."""
    if not raw.isascii() or "\\" in raw:
        return False
    lowered = raw.lower()
    return (lasts.isdisjoint(lowered.translate(_JSON_WORDS).split())
            and lasts.isdisjoint(lowered.translate(_JSON_WORDS_COMMA).split()))


def author_block(authors: Iterable[str | None], columns: dict[str, int]) -> sp.csr_matrix:
    """Rows of indicator features, one row per paper (its authors, as JSON), a column per
    key in ``columns`` (the keys of the papers the model learns from; others are left out)."""
    lasts = {key.split("|")[0].split()[-1] for key in columns}
    indptr: list[int] = [0]
    indices: list[int] = []
    for raw in authors:
        if not raw or raw == "[]" or _shares_no_surname(raw, lasts):
            indptr.append(len(indices))
            continue
        names = [name for name in author_names(raw) if _last_word(name) in lasts]
        found = {columns[k] for k in map(author_key, names) if k is not None and k in columns}
        indices.extend(sorted(found))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)),
                         shape=(len(indptr) - 1, max(len(columns), 1)))
