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


_HTTP_RE = re.compile(r"\s*<?\s*https?://", re.IGNORECASE)
_LINK_DEST_RE = re.compile(r"\]\(")  # an inline link's destination starts here
_AUTOLINK_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s@]+)>")
_REFERENCE_RE = re.compile(r"^( {0,3})\[((?:[^\]\\\n]|\\.|\n(?![ \t]*\n))+)\]:[ \t]*\n?[ \t]*<?(\S*)", re.MULTILINE)


def _escaped(text: str, at: int) -> bool:
    """Whether the character at ``at`` is backslash-escaped (an odd run of ``\\`` before it)."""
    run = 0
    while at - run - 1 >= 0 and text[at - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def _cut(text: str, at: int, kind: str | None, prose: str, math: str, cuts: dict[int, str]) -> None:
    """Replace the character at ``at``: by ``prose`` outside code and mathematics (when it
    is not escaped already), by ``math`` inside mathematics, never inside code."""
    if kind is None and not _escaped(text, at):
        cuts[at] = prose
    elif kind == "math":
        cuts[at] = math


def defang_links(markdown: str) -> str:
    """Markdown someone else wrote (a model's answer) with every link that is not http(s)
    left as text: an inline link's ``](`` becomes ``]\\(``, an autolink's
    (``<javascript:…>``, ``<a@b.c>``) and an HTML tag's ``<`` becomes ``\\<``, a reference
    definition's ``[`` becomes ``\\[``.  Code is never touched; in mathematics only such a
    ``](`` or ``<`` is taken apart by a space (which TeX ignores), so a renderer without
    math makes no link of it either."""
    spans = protected(markdown)

    def kind(at: int) -> str | None:
        return next((span.kind for span in spans if span.start <= at < span.end), None)

    cuts: dict[int, str] = {}
    for match in _LINK_DEST_RE.finditer(markdown):
        if not _HTTP_RE.match(markdown, match.end()):
            _cut(markdown, match.start() + 1, kind(match.start() + 1), "\\(", " (", cuts)
    for match in _AUTOLINK_RE.finditer(markdown):
        if not _HTTP_RE.match(markdown, match.start() + 1):
            _cut(markdown, match.start(), kind(match.start()), "\\<", "< ", cuts)
    for match in _HTML_START_RE.finditer(markdown):
        _cut(markdown, match.start(), kind(match.start()), "\\<", "< ", cuts)
    for match in _REFERENCE_RE.finditer(markdown):
        if not _HTTP_RE.match(match.group(3)) and kind(match.start(2) - 1) is None:
            cuts[match.start(2) - 1] = "\\["
    out, last = [], 0
    for at in sorted(cuts):
        out += [markdown[last:at], cuts[at]]
        last = at + 1
    out.append(markdown[last:])
    return "".join(out)


def to_html(markdown: str) -> str:
    """Markdown as HTML (CommonMark): raw HTML in it is escaped, links other than http(s)
    are left as text."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = lambda url: safe_url(url) is not None  # type: ignore[method-assign]
    return str(md.render(strip_controls(markdown or "")))
