"""Markdown in and out: the ONE inline escaper for feed text going into Markdown, and the
ONE renderer (markdown-it) wherever Markdown becomes HTML.

Mathematics is never touched: ``$\\alpha_1$`` stays as written (a math renderer reads it),
only the two things a renderer without math would take for markup are taken apart by a
space, which TeX ignores in math: the start of an HTML tag and a link's ``](``.
"""

from __future__ import annotations

import re

from hubcli.brief.spans import pieces, protected
from hubcli.render.card import safe_url
from hubcli.text import strip_controls

_HTML_START_RE = re.compile(r"<(?=[A-Za-z][A-Za-z0-9-]*(?:\s|/?>)|/[A-Za-z]|[!?])")  # what CommonMark may read as HTML
_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>|])")


def _escape(text: str) -> str:
    return _SPECIAL_RE.sub(r"\\\1", text)


def _math(span: str) -> str:
    return _HTML_START_RE.sub("< ", span).replace("](", "] (")


def md_inline(text: str | None) -> str:
    """Feed text made safe for one Markdown line: whitespace folded, controls dropped, its
    ``$…$`` mathematics kept as written, everything else with Markdown's special
    characters escaped."""
    clean = re.sub(r"\s+", " ", strip_controls(text or "")).strip()
    return "".join(_math(piece) if span is not None and span.kind == "math" else _escape(piece)
                   for piece, span in pieces(clean, [s for s in protected(clean) if s.kind == "math"]))


def to_html(markdown: str) -> str:
    """Markdown as HTML (CommonMark): raw HTML in it is escaped, links other than http(s)
    are left as text."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = lambda url: safe_url(url) is not None  # type: ignore[method-assign]
    return str(md.render(strip_controls(markdown or "")))
