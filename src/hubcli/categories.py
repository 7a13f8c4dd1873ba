"""Categories as stored, as matched, and as given to ``--category``.

A paper keeps its categories as its feed wrote them (arXiv's ``cs.LG``, Science's
``Scientific Community``): a JSON list in ``papers.categories``.  The ``paper_categories``
link table holds one *match key* per category, and ``--category`` values become keys too:

- an arXiv-shaped name takes arXiv's canonical spelling (``cs.lg`` -> ``cs.LG``,
  ``HEP-TH`` -> ``hep-th``).  arXiv papers store exactly that, so their key is the category
  itself and an arXiv filter stays one exact look-up in the link index;
- anything else (a journal subject) loses its whitespace and its case
  (``Scientific Community`` -> ``scientificcommunity``), so ``--category "scientific
  community"`` and ``--category editorials`` find ``Scientific Community`` and
  ``Editorials``.

Both rules give the same key for the same text whatever its case and spacing (a subject
squeezed to one arXiv-shaped word, ``ScientificCommunity``, lower-cases the same way).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from hubcli.sources import arxiv
from hubcli.text import lazy_pattern

_SPACE_RE = lazy_pattern(r"\s+")
# what splits one option value into several arXiv categories: "cs.LG cs.AI", "hep-th+gr-qc"
_ARXIV_TOKEN_RE = lazy_pattern(r"^(?:[a-z]+(?:-[a-z]+)+|[a-z][a-z\-]*\.[a-z][a-z\-]*)$", re.IGNORECASE)
# a journal subject as typed: starts with a letter; letters, digits, spaces and & ' ’ . ( ) - :
_SUBJECT_RE = lazy_pattern(r"^[^\W\d_][\w &'’.():\-]*$")
MAX_CATEGORY = 200  # characters of one stored category


@functools.lru_cache(maxsize=8192)
def category_key(text: str) -> str:
    """The match key of a category (see the module docstring); idempotent."""
    squeezed = _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))
    if not arxiv.CATEGORY_RE.match(squeezed):
        squeezed = unicodedata.normalize("NFKC", squeezed.casefold())
        if not arxiv.CATEGORY_RE.match(squeezed):  # ("Straße" folds to the arXiv-shaped "strasse")
            return squeezed
    return arxiv.normalize_category(squeezed)


def category_keys(categories: list[str]) -> list[str]:
    """Distinct keys of a paper's categories, in order."""
    return list(dict.fromkeys(key for key in map(category_key, categories) if key))


def parse_option(raw: str) -> list[str] | None:
    """The categories one ``--category`` value names, or None when it names none validly.

    Commas separate categories; ``+`` and spaces separate arXiv categories only
    (``cs.LG cs.AI``, ``hep-th+gr-qc``), so ``Scientific Community`` stays one subject.
    arXiv categories come back canonical, subjects as typed with their spacing collapsed.
    """
    found: list[str] = []
    for piece in raw.split(","):
        for part in piece.split("+"):
            tokens = part.split()
            if not tokens:
                continue
            if all(_ARXIV_TOKEN_RE.match(token) for token in tokens):
                found.extend(arxiv.normalize_category(token) for token in tokens)
                continue
            subject = " ".join(tokens)
            if len(subject) > MAX_CATEGORY or not _SUBJECT_RE.match(subject):
                return None
            found.append(subject)
    return found


def unknown_arxiv(categories: list[str]) -> list[tuple[str, list[str]]]:
    """The ``--category`` values shaped like arXiv's (``cs.LGG``, ``cs.XX``, ``mathh.AP``)
    that name none of its categories, each with the known ones closest to it: what a
    "did you mean" hint says when a typo would otherwise list nothing.  A value of a known
    archive is named even with nothing close (``cs.XX``); any other only with a close one,
    so a journal's own subject (``Cell.Biology``) is left alone.  Case is not a typo:
    ``math.Ap`` is ``math.AP``."""
    if not categories:
        return []
    from hubcli.sources.arxiv_taxonomy import KNOWN_CATEGORIES, close_categories, is_known

    archives = {name.split(".", 1)[0] for name in KNOWN_CATEGORIES}
    found: list[tuple[str, list[str]]] = []
    for value in dict.fromkeys(categories):
        name = arxiv.normalize_category(value)
        if not _ARXIV_TOKEN_RE.match(name) or is_known(name):
            continue
        close = close_categories(name)
        if close or name.split(".", 1)[0] in archives:
            found.append((value, close))
    return found
