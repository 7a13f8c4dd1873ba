"""Cleaning text that came from a feed: HTML out, entities decoded, no control characters.

Feed text is untrusted.  Everything stored passes :func:`clean_text` (or
:func:`strip_controls` for multi-line text), so neither the database nor any output
holds terminal escape sequences, C0/C1 controls or bidirectional overrides.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, cast


class _LazyPattern:
    """A regular expression compiled the first time it is used: a module's patterns cost
    nothing at import time, so a command that never uses them never compiles them."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        value = getattr(self._compiled, name)
        self.__dict__[name] = value  # found directly next time (a hot loop calls .sub a million times)
        return value


def lazy_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled on first use (see :class:`_LazyPattern`)."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))


# C0 and C1 controls except TAB/LF, DEL, and the bidi marks/embeddings/overrides/isolates
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WS_RE = lazy_pattern(r"\s+")
# What counts as markup is decided by syntax, whatever the tag's name (``<iframe>``,
# ``<svg>``, ``<time>``, ``<jats:p>``, ``<my-widget>``): a ``<`` opens a tag only when a
# letter follows it and the rest is a well-formed tag up to its ``>`` (``<T_{RW}$``, ``<y$``
# and ``a < b`` are text).  ``<`` inside LaTeX math (``$...$``, ``$$...$$``, ``\(...\)``,
# ``\[...\]``) is always text.  Comments, ``<!DOCTYPE ...>`` and ``<?...?>`` go;
# CDATA sections keep their text.  Every quantifier is possessive and no pattern crosses a
# ``<``, so hostile megabyte fields cost linear time.
_NAME = r"[A-Za-z][A-Za-z0-9:._\-]*+"
# an attribute follows whitespace, or directly a quoted value (``a="x"b=1``: browsers read two)
_ATTR = r"""(?:\s++|(?<=["']))[^\s"'<>/=]++(?:\s*+=\s*+(?:"[^"<]*+"|'[^'<]*+'|[^\s"'=<>`]++))?+"""
_START_TAG_RE = lazy_pattern(rf"<{_NAME}(?:{_ATTR})*+\s*+/?>")
_END_TAG_RE = lazy_pattern(rf"</{_NAME}\s*+>")
_DECLARATION_RE = lazy_pattern(r"<![A-Za-z][^<>]*+>|<\?[^<>]*+>")
_MARKUP_HINT_RE = lazy_pattern(r"</?[A-Za-z]|<[!?]|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_MATH_TOKEN_RE = lazy_pattern(r"\\[()\[\]$\\]|\$\$|\$")
_MATH_CLOSER = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}
_MAX_ROUNDS = 8
_SKIP_TAGS = frozenset({"script", "style"})
# tags that separate words (inline ones such as <sub>, <i>, <a> do not: S<sub>N</sub>2 is SN2)
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
    "title", "tr", "ul",
})


@cache
def _text_extractor() -> Any:
    """The HTML text extractor's class, made when a text first has markup (html.parser
    is not imported at start-up)."""
    from html.parser import HTMLParser

    class _TextExtractor(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self._skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in _SKIP_TAGS:
                self._skip += 1
            elif tag in _BLOCK_TAGS:
                self.parts.append(" ")

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in _BLOCK_TAGS:  # <br/>; a self-closed <script/> opens nothing
                self.parts.append(" ")

        def handle_endtag(self, tag: str) -> None:
            if tag in _SKIP_TAGS and self._skip:
                self._skip -= 1
            elif tag in _BLOCK_TAGS:
                self.parts.append(" ")

        def handle_data(self, data: str) -> None:
            if not self._skip:
                self.parts.append(data)

    return _TextExtractor


def _math_spans(value: str) -> list[tuple[int, int]]:
    """Where LaTeX math is: ``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]`` (one pass;
    ``\\$`` is a dollar sign; a span holding ``</`` is prose between two prices, not math)."""
    spans: list[tuple[int, int]] = []
    opener: str | None = None
    begin = 0
    for token in _MATH_TOKEN_RE.finditer(value):
        text = token.group(0)
        if opener is None:
            if text in _MATH_CLOSER:
                opener, begin = text, token.start()
        elif text == _MATH_CLOSER[opener]:
            if "</" not in value[begin : token.end()]:
                spans.append((begin, token.end()))
            opener = None
    return spans


def _escape_non_markup(value: str) -> str:
    """The text with every ``<`` that opens no tag, comment or declaration as ``&lt;``:
    what is left for the HTML parser is markup it reads as the markup it is."""
    spans = _math_spans(value) if "$" in value or "\\" in value else []
    pieces: list[str] = []
    last = 0
    span = 0
    pos = value.find("<")
    comments_close = cdata_close = True  # once no "-->" follows, none can: "<!--" is text from there on
    while pos != -1:
        while span < len(spans) and spans[span][1] <= pos:
            span += 1
        end = -1
        drop = False
        if span < len(spans) and spans[span][0] <= pos:
            pass  # inside math: text
        elif value.startswith("<!--", pos) and comments_close:
            close = value.find("-->", pos + 4)
            if close == -1:
                comments_close = False
            else:
                end, drop = close + 3, True
        elif value.startswith("<![CDATA[", pos) and cdata_close:
            close = value.find("]]>", pos + 9)
            cdata_close = close != -1
            if cdata_close:  # its text, as text
                pieces.append(value[last:pos].replace("<", "&lt;"))
                pieces.append(value[pos + 9 : close].replace("&", "&amp;").replace("<", "&lt;"))
                last = close + 3
                pos = value.find("<", last)
                continue
        else:
            match = (_START_TAG_RE.match(value, pos) or _END_TAG_RE.match(value, pos)
                     or _DECLARATION_RE.match(value, pos))
            if match:
                end, drop = match.end(), match.group(0)[1] in "!?"
        if end == -1:
            pieces.append(value[last : pos + 1].replace("<", "&lt;"))
            last = pos + 1
            pos = value.find("<", last)
            continue
        pieces.append(value[last:pos])
        pieces.append(" " if drop else value[pos:end])
        last = end
        pos = value.find("<", last)
    pieces.append(value[last:])
    return "".join(pieces)


def safe(text: str | None) -> str:
    """Feed text without control characters (None as empty): what every writer shows."""
    return strip_controls(text or "")


def strip_controls(value: str) -> str:
    """Remove control characters (keeps newlines and tabs)."""
    return _CONTROL_RE.sub("", value)


def html_to_text(value: str) -> str:
    """Text content of an HTML fragment; plain text passes through unchanged.

    Any tag goes, whatever its name; script and style contents go with their tags.  A
    ``<`` that does not open a tag (``$p<1$``, ``a < b``) is text and is kept.
    """
    if not _MARKUP_HINT_RE.search(value):
        return value
    parser = _text_extractor()()
    try:
        parser.feed(_escape_non_markup(value))
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup: fall back to unescaping
        import html  # with html.entities' tables: only for markup that does not parse

        return html.unescape(value)
    return "".join(parser.parts)


def _clean_once(text: str) -> str:
    text = strip_controls(text)
    text = strip_controls(html_to_text(text))
    return _WS_RE.sub(" ", text.replace("\u00a0", " ")).strip()


def clean_text(value: str | None) -> str:
    """One line of display text: HTML removed, entities decoded, whitespace collapsed.

    LaTeX (``$\\ln\\ln T$``, ``\\&``, ``$p<1$``) is left exactly as the publisher wrote it.
    Escaped markup is decoded until nothing is left to decode, so double-escaped feeds (old
    arXiv RDF: ``$2.6&amp;lt;\\eta$``) come out right and ``clean_text`` is idempotent.
    """
    if not value:
        return ""
    text = value
    for _ in range(_MAX_ROUNDS):
        cleaned = _clean_once(text)
        if cleaned == text:
            break
        text = cleaned
    return text


def clean_fast(value: str) -> str:
    """:func:`clean_text` for bulk work: the same result, several times faster on the
    common case (no markup, no entities, no controls, only spaces and newlines)."""
    if "<" in value or "&" in value:
        return clean_text(value)
    text = value.strip().replace("\n", " ")
    if "  " not in text and text.isprintable():  # no controls, no other whitespace, no runs
        return text
    if _CONTROL_RE.search(value):
        return clean_text(value)
    return " ".join(value.split())


def truncate(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: max(0, limit - 1)].rstrip() + "…"
