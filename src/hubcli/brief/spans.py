"""Mathematics and code in Markdown: the spans nothing in hub may ever change.

:func:`protected` finds, in one left-to-right pass, fenced code blocks (```` ``` ```` or
``~~~``), inline code (a run of backticks up to the next run of the same length, as
CommonMark reads it), display math ``$$…$$`` and ``\\[…\\]``, and inline math ``\\(…\\)``
and ``$…$``.  An inline ``$…$`` follows pandoc's rule, so prices are not mathematics: the
opening ``$`` is not followed by a space, the closing one is not preceded by a space nor
followed by a digit, and the span does not cross a blank line.  ``\\$`` is a dollar sign.

The citation check (:mod:`hubcli.brief.cite`) reads markers only outside these spans,
the prompt neutralises the abstracts' own reference numbers only outside them, and titles
keep their mathematics verbatim in the reference list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*", re.MULTILINE)
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
_TICKS_RE = re.compile(r"`+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # exclusive
    kind: str  # "math" or "code"


def _fence(text: str, i: int) -> Span | None:
    """A fenced code block opening at ``i`` (a line start), up to its closing fence or the
    end of the text."""
    match = _FENCE_RE.match(text, i)
    if not match:
        return None
    fence = match.group(1)
    if fence[0] == "`" and "`" in text[match.end(1):match.end()]:
        return None  # backticks in the info string: inline code, not a fence
    closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
    end = closing.search(text, match.end())
    return Span(i, end.end() if end else len(text), "code")


def _backticks(text: str, i: int) -> tuple[Span | None, int]:
    """Inline code opening with the backtick run at ``i``, closed by the next run of exactly
    the same length; (None, end of the run) when there is none."""
    run = _TICKS_RE.match(text, i)
    assert run is not None
    for closer in _TICKS_RE.finditer(text, run.end()):
        if len(closer.group(0)) == len(run.group(0)):
            return Span(i, closer.end(), "code"), closer.end()
    return None, run.end()


def _inline_dollar(text: str, i: int) -> Span | None:
    if i + 1 >= len(text) or text[i + 1].isspace():
        return None
    j = i + 1
    limit = _BLANK_LINE_RE.search(text, i)
    stop = limit.start() if limit else len(text)
    while True:
        k = text.find("$", j, stop)
        if k < 0:
            return None
        escaped = text[k - 1] == "\\" and (k < 2 or text[k - 2] != "\\")
        if not escaped and not text[k - 1].isspace() and not (k + 1 < len(text) and text[k + 1].isdigit()):
            return Span(i, k + 1, "math")
        j = k + 1


def _closing(text: str, i: int, opener: str, closer: str, kind: str) -> Span | None:
    k = text.find(closer, i + len(opener))
    return Span(i, k + len(closer), kind) if k >= 0 else None


def protected(text: str) -> list[Span]:
    """Every span of mathematics or code in ``text``, in order, none overlapping."""
    spans: list[Span] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if (i == 0 or text[i - 1] == "\n") and ch in " `~":
            fence = _fence(text, i)
            if fence:
                spans.append(fence)
                i = fence.end
                continue
        span: Span | None = None
        if ch == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt == "(":
                span = _closing(text, i, "\\(", "\\)", "math")
            elif nxt == "[":
                span = _closing(text, i, "\\[", "\\]", "math")
            if span is None:
                i += 2  # an escaped character (\$ included) is plain text
                continue
        elif ch == "`":
            span, after = _backticks(text, i)
            if span is None:
                i = after
                continue
        elif ch == "$":
            if text.startswith("$$", i):
                span = _closing(text, i, "$$", "$$", "math")
                if span is None:
                    i += 2
                    continue
            else:
                span = _inline_dollar(text, i)
        if span is not None:
            spans.append(span)
            i = span.end
        else:
            i += 1
    return spans


def pieces(text: str, spans: list[Span] | None = None) -> Iterator[tuple[str, Span | None]]:
    """``text`` cut into consecutive pieces: (piece, its span) for mathematics and code,
    (piece, None) for everything else."""
    pos = 0
    for span in protected(text) if spans is None else spans:
        if span.start > pos:
            yield text[pos:span.start], None
        yield text[span.start:span.end], span
        pos = span.end
    if pos < len(text):
        yield text[pos:], None


def math_spans(text: str) -> list[str]:
    """The text of every mathematics span, in order (what must come out unchanged)."""
    return [text[s.start:s.end] for s in protected(text) if s.kind == "math"]
