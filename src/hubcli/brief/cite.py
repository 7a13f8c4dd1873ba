"""Citation markers: checked against the papers sent; references written from the database.

A marker is ``[3]``, ``[P3]``, ``[3, 7]``, ``[3; 7]`` or a range ``[3-5]``/``[3–5]``.  Every
number is checked against the numbers of the papers sent.  Valid markers are rewritten
in one form (``[3]``, ``[3, 7]``); a number that names no paper sent becomes ``?``
(``[?]``, ``[3, ?]``) and is reported, so an invented citation is visible where it stands.
The reference list is hub's, never the model's: a trailing references section the model
wrote anyway is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hubcli.models import Paper
from hubcli.text import strip_controls

_ITEM = r"P?\d{1,6}(?:\s*[-–]\s*P?\d{1,6})?"
MARKER_RE = re.compile(rf"\[\s*({_ITEM}(?:\s*[,;]\s*{_ITEM})*)\s*\](?!\()", re.IGNORECASE)
_RANGE_RE = re.compile(r"(P?\d+)\s*[-–]\s*(P?\d+)", re.IGNORECASE)
MAX_RANGE = 50
_REFS_HEADING_RE = re.compile(
    r"^\s{0,3}(?:#{1,6}\s*|\*\*)\s*(?:references|bibliography|sources|works cited|参考文献|参考资料|引用文献)"
    r"\s*:?\s*(?:\*\*)?\s*:?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_FENCE_RE = re.compile(r"^\s*```(?:markdown|md)?\s*\n(.*)\n```\s*$", re.DOTALL | re.IGNORECASE)
CITED_AUTHORS = 6


@dataclass
class Checked:
    text: str
    cited: list[int] = field(default_factory=list)  # valid numbers, ascending
    invalid: list[str] = field(default_factory=list)  # numbers that named no paper sent, as written
    markers: int = 0


def _number(token: str) -> int:
    return int(token.lstrip("Pp"))


def check(text: str, valid: set[int]) -> Checked:
    cited: set[int] = set()
    invalid: list[str] = []
    markers = 0

    def rewrite(match: re.Match[str]) -> str:
        nonlocal markers
        markers += 1
        out: list[str] = []
        for item in re.split(r"\s*[,;]\s*", match.group(1).strip()):
            numbers: list[int]
            span = _RANGE_RE.fullmatch(item)
            if span:
                low, high = _number(span.group(1)), _number(span.group(2))
                if high < low or high - low > MAX_RANGE:
                    invalid.append(item)
                    out.append("?")
                    continue
                numbers = list(range(low, high + 1))
            else:
                numbers = [_number(item)]
            for n in numbers:
                if n in valid:
                    cited.add(n)
                    if str(n) not in out:
                        out.append(str(n))
                else:
                    invalid.append(item if not span else str(n))
                    out.append("?")
        return "[" + ", ".join(out) + "]"

    new_text = MARKER_RE.sub(rewrite, text)
    return Checked(new_text, sorted(cited), invalid, markers)


def clean_answer(text: str) -> str:
    """The model's Markdown without controls, an enclosing code fence, or its own reference
    list (hub writes that)."""
    body = strip_controls(text or "").replace("\r\n", "\n").strip()
    fenced = _FENCE_RE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    headings = list(_REFS_HEADING_RE.finditer(body))
    if headings and headings[-1].start() > len(body) // 3:  # a references section ends the text
        body = body[: headings[-1].start()].rstrip()
    return body


def md_inline(text: str) -> str:
    """Feed text made safe for one Markdown line."""
    clean = re.sub(r"\s+", " ", strip_controls(text or "")).strip()
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", clean)


def link(paper: Paper) -> str | None:
    if paper.url:
        return paper.url
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    return paper.pdf_url


def reference(number: int, paper: Paper, *, et_al: str) -> str:
    names = [md_inline(a) for a in paper.authors]
    authors = ", ".join(names[:CITED_AUTHORS]) + (f", {et_al}" if len(names) > CITED_AUTHORS else "")
    parts = [f"[{number}] {md_inline(paper.title).rstrip('.')}."]
    if authors:
        parts.append(f"{authors}.")
    if paper.journal:
        parts.append(f"*{md_inline(paper.journal)}*.")
    if paper.published:
        parts.append(f"{paper.published}.")
    url = link(paper)
    if url:
        parts.append(f"<{strip_controls(url).strip()}>")
    return "- " + " ".join(parts)


def references(cited: list[int], by_number: dict[int, Paper], *, heading: str, et_al: str) -> str:
    lines = [f"## {heading}", ""]
    lines += [reference(n, by_number[n], et_al=et_al) for n in cited if n in by_number]
    return "\n".join(lines)
