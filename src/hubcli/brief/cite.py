"""Citation markers: checked against the papers sent; references written from the database.

Papers are sent as ``P1``, ``P2``, … and the model is asked to cite them as ``[P3]`` or
``[P3, P7]``.  A marker is read only outside mathematics and code
(:mod:`hubcli.brief.spans`): nothing inside ``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``,
inline code or a code block is ever changed.

- A **hub marker** (any item written ``P3``; lists ``[P3, P7]``, ``[P3; P7]``, ranges
  ``[P3-P5]``/``[P3–5]``) is always a citation: valid numbers are rewritten in one form
  (``[3]``, ``[3, 7]``), a number that names no paper sent becomes ``?`` (``[?]``,
  ``[3, ?]``) and is reported, so an invented citation is visible where it stands.
- A **plain** ``[3]``, ``[3, 7]`` or ``[3-5]`` is taken as a citation only where it cannot
  be anything else: it stands alone (not right after a letter, digit or closing bracket,
  as in ``a[2]`` or ``W[1]-hard``) and every number in it names a paper sent.  Anything
  else (``[0, 1]``, ``[135, 350]``, the in-range half of an interval) is left exactly as
  written, credited to no paper, and listed in the report.

The reference list is hub's, never the model's: a trailing references section the model
wrote anyway is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hubcli.brief.spans import pieces, protected
from hubcli.models import Paper
from hubcli.render.card import safe_url
from hubcli.render.dates import cited_date
from hubcli.render.latex import readable
from hubcli.render.markdown import defang_links
from hubcli.render.markdown import md_inline as md_inline  # the one Markdown escaper
from hubcli.text import strip_controls

_ITEM = r"P?\d{1,6}(?:\s*[-–]\s*P?\d{1,6})?"
MARKER_RE = re.compile(rf"\[\s*({_ITEM}(?:\s*[,;]\s*{_ITEM})*)\s*\](?!\()", re.IGNORECASE)
_P_ITEM = r"P\d{1,6}(?:\s*[-–]\s*P?\d{1,6})?"
# ``(P3)``/``(P3, P7)``: what small models write instead of ``[P3]``; every item has its P
PAREN_RE = re.compile(rf"\(\s*({_P_ITEM}(?:\s*[,;]\s*{_P_ITEM})*)\s*\)")
_RANGE_RE = re.compile(r"(P?\d+)\s*[-–]\s*(P?\d+)", re.IGNORECASE)
_ATTACHED = frozenset(")]}\\^_'$")  # a bracket right after these indexes or belongs to something
MAX_RANGE = 50
_REFS_HEADING_RE = re.compile(
    r"^\s{0,3}(?:#{1,6}\s*|\*\*)\s*(?:references|bibliography|sources|works cited|参考文献|参考资料|引用文献)"
    r"\s*:?\s*(?:\*\*)?\s*:?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_FENCE_RE = re.compile(r"^\s*```(?:markdown|md)?\s*\n(.*)\n```\s*$", re.DOTALL | re.IGNORECASE)
CITED_AUTHORS = 6
_OPEN, _CLOSE = "\x02", "\x03"  # around a rewritten marker while the check runs


@dataclass
class Checked:
    text: str
    cited: list[int] = field(default_factory=list)  # valid numbers, ascending
    invalid: list[str] = field(default_factory=list)  # numbers in hub markers that named no paper sent, as written
    markers: int = 0  # markers read as citations
    left: list[str] = field(default_factory=list)  # bracketed numbers left as written (not citations)
    protected: int = 0  # spans of mathematics and code, never changed
    # where each marker read as a citation stands in ``text`` (start, end) and the valid
    # numbers it names: what the attribution (:mod:`hubcli.brief.attribute`) reads
    marker_spans: list[tuple[int, int, tuple[int, ...]]] = field(default_factory=list)


def _number(token: str) -> int:
    return int(token.lstrip("Pp"))


def _attached(text: str, start: int) -> bool:
    """Whether the bracket at ``start`` belongs to what precedes it (``a[2]``, ``f(x)[1]``)."""
    if start == 0:
        return False
    before = text[start - 1]
    return before.isalnum() or before in _ATTACHED


def _numbers(item: str) -> list[int] | None:
    """The numbers one item names; None for a backwards or too wide range."""
    span = _RANGE_RE.fullmatch(item)
    if not span:
        return [_number(item)]
    low, high = _number(span.group(1)), _number(span.group(2))
    if high < low or high - low > MAX_RANGE:
        return None
    return list(range(low, high + 1))


def _items(marker: str) -> list[str]:
    return re.split(r"\s*[,;]\s*", marker.strip())


def is_hub_marker(marker: str) -> bool:
    return any(item[:1] in "Pp" for item in _items(marker))


def labels(texts: list[str]) -> set[str]:
    """The ``(P1)``-like labels papers use themselves (a problem ``(P1)`` in an abstract):
    such a parenthesis in the answer may be a copy, so it is never read as a marker."""
    return {re.sub(r"\s+", "", m.group(0)).upper() for text in texts for m in PAREN_RE.finditer(text)}


def check(text: str, valid: set[int], *, paper_labels: set[str] | frozenset[str] = frozenset()) -> Checked:
    text = text.replace(_OPEN, "").replace(_CLOSE, "")  # (controls the answer never holds)
    result = Checked(text)
    cited: set[int] = set()
    spans = protected(text)
    result.protected = len(spans)
    out: list[str] = []
    offset = 0
    for piece, span in pieces(text, spans):
        if span is None:
            out.append(_check_prose(text, offset, piece, valid, cited, result, paper_labels))
        else:
            out.append(piece)  # mathematics and code: verbatim, always
        offset += len(piece)
    result.text, result.marker_spans = _locate_markers("".join(out))
    result.cited = sorted(cited)
    return result


def _locate_markers(text: str) -> tuple[str, list[tuple[int, int, tuple[int, ...]]]]:
    """``text`` without the sentinels the rewrite put around each marker, and where the
    markers stand.  (The answer holds no control characters: :func:`clean_answer`.)"""
    out: list[str] = []
    spans: list[tuple[int, int, tuple[int, ...]]] = []
    length = 0
    for index, part in enumerate(text.split(_OPEN)):
        if index == 0:
            out.append(part)
            length += len(part)
            continue
        marker, _, rest = part.partition(_CLOSE)
        numbers = tuple(int(x) for x in re.findall(r"\d+", marker))
        spans.append((length, length + len(marker), numbers))
        out += [marker, rest]
        length += len(marker) + len(rest)
    return "".join(out), spans


def _check_prose(text: str, offset: int, piece: str, valid: set[int], cited: set[int], result: Checked,
                 paper_labels: set[str] | frozenset[str]) -> str:
    def rewrite(match: re.Match[str]) -> str:
        items = _items(match.group(1))
        if match.group(0).startswith("("):  # (P3): a marker unless the papers use that label themselves
            if re.sub(r"\s+", "", match.group(0)).upper() in paper_labels:
                result.left.append(match.group(0))
                return match.group(0)
        elif not is_hub_marker(match.group(1)):
            groups = [_numbers(item) for item in items]
            flat = [n for group in groups if group is not None for n in group]
            if (_attached(text, offset + match.start()) or any(group is None for group in groups)
                    or not flat or any(n not in valid for n in flat)):
                result.left.append(match.group(0))
                return match.group(0)
        result.markers += 1
        rendered: list[str] = []
        for item in items:
            numbers = _numbers(item)
            if numbers is None:
                result.invalid.append(item)
                rendered.append("?")
                continue
            for n in numbers:
                if n in valid:
                    cited.add(n)
                    if str(n) not in rendered:
                        rendered.append(str(n))
                else:
                    result.invalid.append(item if len(numbers) == 1 else str(n))
                    rendered.append("?")
        return _OPEN + "[" + ", ".join(rendered) + "]" + _CLOSE

    return PAREN_RE.sub(rewrite, MARKER_RE.sub(rewrite, piece))


def neutralise(text: str) -> str:
    """Untrusted text (an abstract) with its own bracketed reference numbers made
    unmistakable: ``[1, 2]`` becomes ``(ref. 1, 2)``, ``[P3]`` ``(ref. P3)``, so neither
    the model nor the check can take them for hub's paper markers.  Mathematics, code and
    brackets attached to a word (``W[1]-hard``, which the check never reads) are kept."""
    out: list[str] = []
    offset = 0
    for piece, span in pieces(text):
        out.append(piece if span is not None else _neutralise_prose(text, offset, piece))
        offset += len(piece)
    return "".join(out)


def _neutralise_prose(text: str, offset: int, piece: str) -> str:
    def swap(match: re.Match[str]) -> str:
        if _attached(text, offset + match.start()):
            return match.group(0)
        return f"(ref. {', '.join(_items(match.group(1)))})"

    return MARKER_RE.sub(swap, piece)


def clean_answer(text: str) -> str:
    """The model's Markdown without controls, an enclosing code fence, or its own reference
    list (hub writes that), and with its links that are not http(s) made text."""
    body = strip_controls(text or "").replace("\r\n", "\n").strip()
    fenced = _FENCE_RE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    headings = list(_REFS_HEADING_RE.finditer(body))
    if headings and headings[-1].start() > len(body) // 3:  # a references section ends the text
        body = body[: headings[-1].start()].rstrip()
    return defang_links(body)


def link(paper: Paper) -> str | None:
    """The paper's first http(s) link (its page, its DOI, its PDF), made safe for a
    Markdown autolink; None when it has none (a ``javascript:`` or ``data:`` link a feed
    wrote is never written)."""
    found = (safe_url(url) for url in (paper.url, f"https://doi.org/{paper.doi}" if paper.doi else None,
                                       paper.pdf_url) if url)
    return next((url for url in found if url), None)


def _sentence(text: str) -> str:
    """``text`` ending with exactly one full stop (or its own ``?``/``!``)."""
    text = text.rstrip()
    if text.endswith(("?", "!")):
        return text
    return text.rstrip(".") + "."


def reference(number: int, paper: Paper, *, et_al: str) -> str:
    names = [md_inline(a) for a in paper.authors]
    authors = ", ".join(names[:CITED_AUTHORS]) + (f", {et_al}" if len(names) > CITED_AUTHORS else "")
    parts = [f"[{number}] {_sentence(md_inline(readable(paper.title or '')))}"]
    if authors:
        parts.append(_sentence(authors))
    if paper.journal:
        journal = md_inline(paper.journal)
        parts.append(f"*{journal}*" if journal.endswith(".") else f"*{journal}*.")
    when = cited_date(paper)  # an arXiv paper's first version, not a replacement's announcement
    if when:
        parts.append(f"{when}.")
    url = link(paper)
    if url:
        parts.append(f"<{url}>")
    return "- " + " ".join(parts)


def references(numbers: list[int], by_number: dict[int, Paper], *, heading: str, et_al: str) -> str:
    """A section listing ``numbers`` (in that order) under ``heading``."""
    lines = [f"## {heading}", ""]
    lines += [reference(n, by_number[n], et_al=et_al) for n in numbers if n in by_number]
    return "\n".join(lines)
