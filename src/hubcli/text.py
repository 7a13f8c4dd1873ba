"""Cleaning text that came from a feed: HTML out, entities decoded, no control characters.

Feed text is untrusted.  Everything stored passes :func:`clean_text` (or
:func:`strip_controls` for multi-line text), so neither the database nor any output
holds terminal escape sequences, C0/C1 controls or bidirectional overrides.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# C0 and C1 controls except TAB/LF, DEL, and the bidi embedding/override/isolate marks
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WS_RE = re.compile(r"\s+")
_TAG_HINT_RE = re.compile(r"</?[A-Za-z][^<>]*>|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def strip_controls(value: str) -> str:
    """Remove control characters (keeps newlines and tabs)."""
    return _CONTROL_RE.sub("", value)


def html_to_text(value: str) -> str:
    """Text content of an HTML fragment; plain text passes through unchanged."""
    if not _TAG_HINT_RE.search(value):
        return value
    parser = _TextExtractor()
    try:
        parser.feed(value)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup: fall back to unescaping
        return html.unescape(value)
    text = "".join(parser.parts)
    # a second round for double-escaped feeds (old arXiv RDF: "$2.6&lt;\eta$")
    if "&" in text and re.search(r"&(lt|gt|amp|quot|#\d+);", text):
        text = html.unescape(text)
    return text


def clean_text(value: str | None) -> str:
    """One line of display text: HTML removed, entities decoded, whitespace collapsed.

    LaTeX (``$\\ln\\ln T$``, ``\\&``) is left exactly as the publisher wrote it.
    """
    if not value:
        return ""
    text = html_to_text(value)
    text = strip_controls(text.replace("\u00a0", " "))
    return _WS_RE.sub(" ", text).strip()


def truncate(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: max(0, limit - 1)].rstrip() + "…"
