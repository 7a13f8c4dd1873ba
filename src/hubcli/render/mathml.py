"""Inline math as MathML for the HTML digest: mail clients run no scripts, so a formula
that needs a layout (a fraction, a root, limits) is typeset where it is written
(latex2mathml), and shown as its readable text (:func:`hubcli.render.latex.readable`)
when it cannot be; one whose readable text is exact (``NH₃``, ``x²``, ``α``) stays text.

latex2mathml writes what its input asks for: ``\\href{…}`` and ``\\style{…}`` become
attributes and ``\\text{<b>…</b>}`` raw markup.  So its output is never passed on: it is
parsed (defusedxml) and written again from a closed list of MathML elements, each with
only the attributes hub knows and values it recognises (``mathvariant="bold"``, a small
length); every text is escaped, and any element outside the list (or a command it kept
as text, ``\\unknown``) gives the readable text instead.  Nothing of the input becomes an attribute.
"""

from __future__ import annotations

import html
import re
from typing import Any

from hubcli.render.latex import Piece

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
MAX_MATHML = 20_000  # characters of one formula's MathML (more: its readable text)
MAX_DEPTH = 40  # nested elements
_ELEMENTS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mover munder munderover mstyle"
    " mtable mtr mtd mpadded mphantom menclose merror".split())
_BOOLEAN = frozenset({"true", "false"})
_VARIANTS = frozenset(
    "normal bold italic bold-italic double-struck script bold-script fraktur bold-fraktur sans-serif"
    " bold-sans-serif sans-serif-italic sans-serif-bold-italic monospace".split())
_LENGTH = re.compile(r"-?(?:[0-4](?:\.\d{1,4})?|\.\d{1,4})(?:em|ex|mu)?")  # under 5em: no page-wide rules
_ALLOWED: dict[str, Any] = {
    "mathvariant": _VARIANTS,
    "stretchy": _BOOLEAN, "fence": _BOOLEAN, "separator": _BOOLEAN, "largeop": _BOOLEAN,
    "movablelimits": _BOOLEAN, "accent": _BOOLEAN, "accentunder": _BOOLEAN, "displaystyle": _BOOLEAN,
    "symmetric": _BOOLEAN,
    "form": frozenset({"prefix", "infix", "postfix"}),
    "notation": frozenset({"box", "roundedbox", "circle", "left", "right", "top", "bottom",
                           "updiagonalstrike", "downdiagonalstrike", "horizontalstrike", "verticalstrike"}),
    "scriptlevel": re.compile(r"[+-]?[0-3]"),
    **dict.fromkeys(("width", "height", "depth", "lspace", "rspace", "linethickness", "minsize", "maxsize",
                     "voffset"), _LENGTH),
}


_LAYOUT = re.compile(r"\\(?:[dt]?frac|sqrt|sum|prod|coprod|int|iint|oint|lim|over|choose|binom|begin|stackrel|"
                     r"overset|underset|mathbb|mathcal|mathfrak|mathscr|hat|widehat|bar|overline|vec|tilde|"
                     r"widetilde|dot|ddot|underbrace|overbrace)(?![A-Za-z])")


class _Refused(Exception):
    """latex2mathml wrote something outside what hub passes on."""


def html_runs(runs: tuple[Piece, ...]) -> str:
    """A title's or abstract's runs as HTML: text escaped, each formula that needs a
    layout as MathML (see :func:`needs_layout`; its readable text, escaped, when it cannot
    be written)."""
    out = []
    for piece in runs:
        typeset = mathml(piece.tex) if piece.tex and needs_layout(piece) else None
        out.append(typeset if typeset is not None else html.escape(piece.text, quote=True))
    return "".join(out)


def needs_layout(piece: Piece) -> bool:
    """Whether a formula needs MathML: its readable text is not already exact (empty, a
    script Unicode has no character for, a command left), or it is laid out in two dimensions
    (a fraction, a root, a sum's limits, a matrix, a blackboard letter).  ``NH$_3$``,
    ``$x^2$`` and ``$\\alpha$`` stay the text ``NH₃``, ``x²``, ``α``, which every mail
    client shows (several show no MathML)."""
    if not piece.tex:
        return False
    return not piece.text or any(mark in piece.text for mark in "_^\\") or bool(_LAYOUT.search(piece.tex))


def mathml(tex: str) -> str | None:
    """``tex`` (inline math, without delimiters) as safe MathML; None when it cannot be."""
    try:
        from latex2mathml.converter import convert

        written = convert(tex, display="inline")
        if len(written) > MAX_MATHML:
            return None
        from defusedxml.ElementTree import fromstring

        root = fromstring(written)
        if _name(root) != "math":
            return None
        body = "".join(_element(child, 1) for child in root)
    except Exception:  # noqa: BLE001 - a formula latex2mathml cannot write (or hub refuses) shows as text
        return None
    return f'<math xmlns="{MATHML_NS}" display="inline">{body}</math>'


def _name(node: Any) -> str:
    tag = str(node.tag)
    if not tag.startswith("{"):
        raise _Refused(tag)
    namespace, _, name = tag[1:].partition("}")
    if namespace != MATHML_NS or name not in _ELEMENTS:
        raise _Refused(tag)
    return name


def _element(node: Any, depth: int) -> str:
    name = _name(node)
    texts = (node.text or "", node.tail or "")
    if depth > MAX_DEPTH or any("\\" in text for text in texts):  # a command latex2mathml did not know
        raise _Refused(name)
    attributes = "".join(f' {key}="{html.escape(value, quote=True)}"'
                         for key, value in sorted(node.attrib.items()) if _allowed(key, value))
    inner = html.escape(node.text or "", quote=False) + "".join(
        _element(child, depth + 1) + html.escape(child.tail or "", quote=False) for child in node)
    return f"<{name}{attributes}>{inner}</{name}>"


def _allowed(key: str, value: str) -> bool:
    rule = _ALLOWED.get(key)
    if rule is None:
        return False
    if isinstance(rule, re.Pattern):
        return rule.fullmatch(value) is not None
    return value in rule
