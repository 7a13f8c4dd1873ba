"""LaTeX in titles and abstracts as text a reader reads: the ONE conversion for display.

``readable(r"NH$_3$ on Poincar\\'e \\textbf{maps}")`` is ``"NH₃ on Poincaré maps"``:
accents become letters, ``\\textbf{}``/``\\emph{}``/``\\textit{}`` their text, ``\\&`` an
ampersand, ``~`` a space, ``--`` an en dash, and inline math its text with the sub- and
superscripts Unicode has (``$x^2$`` -> ``x²``; ``$x_{\\mathrm{eff}}$`` stays ``x_eff``).

Used by the panels, plain and Markdown listings, the page, the digest and the brief's text;
JSON, JSONL, CSV, BibTeX and the database keep the text exactly as published.
:func:`pieces` splits a text into the same readable runs with each inline formula's TeX
beside its text: the page typesets those with KaTeX (``web/static/hub.js``), the HTML digest
as MathML (``render/mathml.py``).

- Plain text (no backslash, ``$``, ``{`` or ``~``) is returned as it is (only its control
  characters dropped), and pylatexenc
  is imported only when a text has one of them (``hub papers --format json`` never does).
- It never raises: on any converter error the original text is returned.
- The result has no control characters; it is still plain, untrusted text that each
  renderer escapes as before.
- A ``$`` is math only as pandoc reads it (``$x$``: no space inside either delimiter, the
  closing one not followed by a digit), so "costs $5 and $10" keeps its dollars; a bare
  ``%``, ``&`` or ``#`` is a character, not a comment or an alignment; URLs are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from hubcli.text import lazy_pattern, strip_controls

_TRIGGERS = ("\\", "$", "{", "~")

_SUPER = dict(zip(
    "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ", strict=True))
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
_SYMBOLS = {r"\prime": "′", r"\ast": "*", r"\star": "⋆", r"\dagger": "†", r"\circ": "°", r"\pm": "±"}

_PLACE = "\ue000"  # a private-use character marks where a link is put back
_SLOT = "\ue001"  # and one where a formula is (pieces)
_LINK = lazy_pattern(r"\\href\s*\{(?P<href>[^{}]*)\}\s*\{(?P<text>(?:[^{}]|\{[^{}]*\})*)\}|\\url\s*\{(?P<url>[^{}]*)\}"
                     r"|(?:https?://|www\.)[^\s{}]+")
# $…$ on one paragraph, but not money: "$5 and $" (a digit after the first, a space before the second)
_MATH = lazy_pattern(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$"
                     r"|(?<![\\$])\$(?!\$)(?!\d(?:\\.|[^$\\])*\s\$)((?:\\.|[^$\\\n])+?)(?<!\\)\$"
                     r"|\\\((.+?)\\\)", re.S)
_SCRIPT = lazy_pattern(r"(?<![_^\\])([_^])(?:\{([^{}]*)\}|(\\[A-Za-z]+)|([A-Za-z0-9+\-*']))")
_FUNCTIONS = lazy_pattern(r"(?<=[A-Za-z0-9)])\\(log|ln|exp|sin|cos|tan|max|min|sup|inf|lim|det|dim|deg|arg|ker)\b")
_BARE = lazy_pattern(r"(?<!\\)([%&#$])")
_SPACES = lazy_pattern(r"[ \t\u00a0]{2,}")
_SPACE_RUN = lazy_pattern(r"\s+")
MAX_TEX = 300  # characters of one formula a page typesets (a longer one is shown as text)


def readable(text: str) -> str:
    """``text`` with its LaTeX as readable text (plain text comes back as it is)."""
    if not text or not any(trigger in text for trigger in _TRIGGERS):
        return strip_controls(text)  # the same string when it has none
    return _converted(text)


@lru_cache(maxsize=4096)
def _converted(text: str) -> str:
    """A text with LaTeX, converted: with formulas, as its runs (one conversion that
    :func:`pieces` shares), else as a whole."""
    runs = _slotted(text)
    if runs is None:
        return _whole(text)
    return _SPACES.sub(" ", "".join(piece.text for piece in runs))


@lru_cache(maxsize=4096)
def _whole(text: str) -> str:
    try:
        links: list[str] = []
        kept = _LINK.sub(lambda m: _keep(m, links), text) if _PLACE not in text else text
        result = _chunk(kept)
        result = re.sub(f"{_PLACE}(\\d+){_PLACE}", lambda m: links[int(m.group(1))], result)
        return _SPACES.sub(" ", strip_controls(result.replace("\u00a0", " ")))
    except Exception:  # noqa: BLE001 - any converter failure shows the text as published
        return strip_controls(text)


@dataclass(frozen=True)
class Piece:
    """A run of a title or abstract as shown: its readable text, and for inline math its
    TeX source too (which a page may typeset; the text is what shows without it)."""

    text: str
    tex: str | None = None


def pieces(text: str, limit: int | None = None) -> tuple[Piece, ...]:
    """``text`` as runs of readable text and inline math (``$…$``, ``$$…$$``, ``\\(…\\)``,
    by the same rule as :func:`readable`), whitespace folded; with ``limit``, cut as a
    card cuts its abstract: at a word before ``limit`` characters of readable text, with
    " …" (a formula is kept whole or left out).  Math longer than :data:`MAX_TEX`
    characters, or in a link, stays text.  It never raises."""
    if not text:
        return ()
    found = _slotted(text) or (Piece(readable(text)),)
    folded = [Piece(_SPACE_RUN.sub(" ", piece.text), piece.tex) for piece in found if piece.text or piece.tex]
    if folded:
        folded[0] = Piece(folded[0].text.lstrip(), folded[0].tex)
        folded[-1] = Piece(folded[-1].text.rstrip(), folded[-1].tex)
    kept = tuple(piece for piece in folded if piece.text or piece.tex)
    return kept if limit is None else _cut(kept, limit)


@lru_cache(maxsize=4096)
def _slotted(text: str) -> tuple[Piece, ...] | None:
    """The runs of a text with formulas (None without one): each formula replaced by a
    numbered slot, the whole text converted at once (so ``\\emph{$k$-means}`` keeps its
    braces together), then split at the slots, each formula converted alone."""
    if _SLOT in text or not any(mark in text for mark in ("$", "\\(")):
        return None
    try:
        in_links = [m.span() for m in _LINK.finditer(text)]
        formulas: list[re.Match[str]] = []

        def slot(match: re.Match[str]) -> str:
            if any(start < match.end() and match.start() < end for start, end in in_links):
                return match.group(0)
            formulas.append(match)
            return f"{_SLOT}{len(formulas) - 1}{_SLOT}"

        marked = _MATH.sub(slot, text)
        if not formulas:
            return None
        parts = re.split(f"{_SLOT}(\\d+){_SLOT}", _whole(marked))
        out = [Piece(part) for part in parts[0::2]]
        for index, number in enumerate(parts[1::2]):
            match = formulas[int(number)]
            tex = _tex(match).strip()
            typeset = tex if 0 < len(tex) <= MAX_TEX and tex == strip_controls(tex) else None
            out.insert(2 * index + 1, Piece(_whole(match.group(0)), typeset))
        if len(out) != 2 * len(formulas) + 1:  # a slot the converter dropped: the text as a whole
            return None
        return tuple(out)
    except Exception:  # noqa: BLE001 - the text converted as a whole instead
        return None


def _cut(runs: tuple[Piece, ...], limit: int) -> tuple[Piece, ...]:
    out: list[Piece] = []
    used = 0
    for piece in runs:
        if used + len(piece.text) <= limit:
            out.append(piece)
            used += len(piece.text)
            continue
        if piece.tex is None:
            out.append(Piece(piece.text[:limit - used].rsplit(" ", 1)[0].rstrip() + " …"))
        else:
            out.append(Piece(" …"))
        break
    return tuple(out)


def _tex(match: re.Match[str]) -> str:
    """The TeX inside a math match's delimiters."""
    return str(match.group(1) or match.group(2) or match.group(3) or "")


def _keep(match: re.Match[str], links: list[str]) -> str:
    """A link taken out of the LaTeX (its ``~``, ``%`` and ``_`` are the URL's), as a
    placeholder; ``\\href{URL}{text}`` keeps its text before the URL."""
    url = match.group("href") or match.group("url") or match.group(0)
    links.append(re.sub(r"\\([_%&#~$])", r"\1", url))  # Cloud\_Map is Cloud_Map in a link too
    place = f"{_PLACE}{len(links) - 1}{_PLACE}"
    if match.group("href"):
        return f"{{{match.group('text')}}} ({place})"
    return place


def _chunk(text: str) -> str:
    """Text without links, converted: its math with Unicode scripts, then pylatexenc."""
    parts = []
    last = 0
    for match in _MATH.finditer(text):
        parts.append(_BARE.sub(r"\\\1", text[last:match.start()]))
        parts.append("$" + _scripts(_tex(match)) + "$")
        last = match.end()
    parts.append(_BARE.sub(r"\\\1", text[last:]))
    return _latex_to_text("".join(parts))


# what pylatexenc changes in text without a backslash, math or braces: a run of words with
# none of these comes back as it went in (tests/test_latex.py checks it on every kind)
_LATEX_SPECIAL = lazy_pattern(r"[\\$%&#^_{}~]|''|--|``|[!?]`")
_WORD = lazy_pattern(r"\s*\S+\s*|\s+")
_ENDS_WITH_COMMAND = lazy_pattern(r"\\(?:[A-Za-z]+\*?|[^A-Za-z])\s*$")
# what reaches across words other than braces and $…$ (hub has made every formula $…$ and
# escaped a bare $ or % first, so only a malformed text has these): converted whole
_CONVERT_WHOLE = lazy_pattern(r"\\begin|\\verb|\$\$|\\[()\[\]]|(?<!\\)%")
_MERGE_GAP = 40  # characters of plain text between two LaTeX runs that are converted with them


def _latex_to_text(text: str) -> str:
    """pylatexenc's text of ``text``, converting only the runs of words that hold LaTeX:
    its parser reads a character at a time, and an abstract is mostly prose.  The text is
    cut only between words outside every brace and formula and not after a command (whose
    arguments may follow a space), so each run converts as it would inside the whole."""
    convert = _converter().latex_to_text
    if _CONVERT_WHOLE.search(text):
        return str(convert(text))
    runs: list[str] = []
    holds_latex: list[bool] = []  # of each run
    depth, math, joined = 0, False, False  # joined: the next word belongs to this run
    for match in _WORD.finditer(text):
        word = match.group(0)
        latex = bool(_LATEX_SPECIAL.search(word))
        if runs and (joined or holds_latex[-1] == latex):
            runs[-1] += word
            holds_latex[-1] = holds_latex[-1] or latex
        else:
            runs.append(word)
            holds_latex.append(latex)
        if latex:
            depth, math = _scan(word, depth, math)
        joined = depth > 0 or math or bool(_ENDS_WITH_COMMAND.search(word))
    out: list[str] = []
    pending = ""  # LaTeX runs with the short plain gaps between them, converted in one call
    for index, (chunk, latex) in enumerate(zip(runs, holds_latex, strict=True)):
        if latex:
            pending += chunk
        elif pending and len(chunk) < _MERGE_GAP and index + 1 < len(runs):
            pending += chunk
        else:
            if pending:
                out.append(str(convert(pending)))
                pending = ""
            out.append(chunk)
    if pending:
        out.append(str(convert(pending)))
    return "".join(out)


def _scan(word: str, depth: int, math: bool) -> tuple[int, bool]:
    """Brace depth and whether inside ``$…$`` after ``word`` (escaped characters skipped)."""
    index = 0
    while index < len(word):
        char = word[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == "$":
            math = not math
        index += 1
    return depth, math


def _scripts(math: str) -> str:
    """Inline math with the sub- and superscripts Unicode has written as those characters."""
    math = _FUNCTIONS.sub(r" \\\1", math)

    def one(match: re.Match[str]) -> str:
        table = _SUPER if match.group(1) == "^" else _SUB
        body = match.group(2) if match.group(2) is not None else (match.group(3) or match.group(4))
        body = body.strip()
        if match.group(1) == "^" and body in _SYMBOLS:
            return _SYMBOLS[body]
        if match.group(1) == "^" and body in ("*", "'"):
            return "′" if body == "'" else "*"
        if body and all(ch in table for ch in body):
            return "".join(table[ch] for ch in body)
        return match.group(0)

    return _SCRIPT.sub(one, math)


@lru_cache(maxsize=1)
def _converter() -> Any:
    # imported only when a text has LaTeX
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    context = get_default_latex_context_db()
    # pylatexenc 2.x drops the text of these (an abstract's \\texttt{MoCE-IR} is a name)
    context.add_context_category("hub", prepend=True, macros=[
        MacroTextSpec(name, "%(1)s") for name in ("texttt", "textsf", "textup", "textnormal")])
    return LatexNodes2Text(latex_context=context, math_mode="text")
