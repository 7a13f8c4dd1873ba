"""The messages sent to the model, built from ``prompt_template.md``.

Paper text is untrusted: each paper is one delimited record with its id (``P3``), and
anything in a title or abstract that looks like one of the delimiters is defused, so a
paper cannot close its record and speak as the user.  The papers' own bracketed reference
numbers (``[1, 2]`` in an abstract) are neutralised to ``(ref. 1, 2)``, so the model
cannot copy them as hub markers (:func:`hubcli.brief.cite.neutralise`).  Instructions are
always English; the language sections say which language to answer in.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from hubcli.brief.cite import neutralise
from hubcli.brief.select import Numbered, estimate_tokens
from hubcli.models import Paper
from hubcli.text import strip_controls

TEMPLATE = "prompt_template.md"
_SECTION_RE = re.compile(r"^<!-- @([a-z][a-z-]*) -->[ \t]*$", re.MULTILINE)
_PLACEHOLDER_RE = re.compile(r"\{\{(\w+)\}\}")
_DELIMITER_RE = re.compile(r"<(?=\s*/?\s*(?:papers?|notes?|titles?|group)\b)", re.IGNORECASE)
_WS_RE = re.compile(r"\s+")
PROMPT_AUTHORS = 10
Messages = list[dict[str, str]]


@functools.cache
def sections() -> dict[str, str]:
    text = resources.files("hubcli.brief").joinpath(TEMPLATE).read_text(encoding="utf-8")
    parts = _SECTION_RE.split(text)
    # parts: [preamble, name1, body1, name2, body2, ...]
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def fill(template: str, **values: object) -> str:
    """Replace ``{{name}}`` in one pass: inserted text is never scanned again."""
    def replace(match: re.Match[str]) -> str:
        return str(values[match.group(1)]) if match.group(1) in values else match.group(0)

    return _PLACEHOLDER_RE.sub(replace, template)


def defuse(text: str) -> str:
    """One line of untrusted text: no controls, no newlines, no delimiter look-alikes."""
    clean = _WS_RE.sub(" ", strip_controls(text or "")).strip()
    return _DELIMITER_RE.sub("‹", clean)


def record(number: int, paper: Paper, abstract: str, summary: str = "", compact: bool = False) -> str:
    """One paper's record.  Its TL;DR sits on a line of its own, beside the paper's marker
    (``TL;DR [P3]: …``), so that even a small model has the marker in front of it where it
    writes about the paper; a ``compact`` record has no abstract."""
    authors = [defuse(a) for a in paper.authors]
    if len(authors) > PROMPT_AUTHORS:
        authors = authors[:PROMPT_AUTHORS] + [f"et al. ({len(paper.authors)} authors)"]
    lines = [f'<paper id="P{number}">', f"Title: {neutralise(defuse(paper.title))}"]
    tldr = neutralise(defuse(summary))
    if tldr:
        lines.append(f"TL;DR [P{number}]: {tldr}")
    if authors:
        lines.append("Authors: " + ", ".join(authors))
    if paper.published:
        lines.append(f"Published: {paper.published}")
    venue = paper.journal or ", ".join(paper.categories)
    if venue:
        lines.append(f"{'Journal' if paper.journal else 'Categories'}: {defuse(venue)}")
    if not compact:
        lines.append(f"Abstract: {neutralise(defuse(abstract)) or '(no abstract)'}")
    lines.append("</paper>")
    return "\n".join(lines)


def record_tokens(number: int, paper: Paper, abstract: str, summary: str = "", compact: bool = False) -> int:
    return estimate_tokens(record(number, paper, abstract, summary, compact)) + 1


def _language(lang: str) -> str:
    return sections()["lang-zh" if lang == "zh" else "lang-en"]


def target_words(output_tokens: int) -> int:
    return max(150, min(1200, int(output_tokens * 0.55)))


def _papers(group: list[Numbered]) -> str:
    return "\n".join(record(n.number, n.paper, n.abstract, n.summary, n.compact) for n in group)


def brief_messages(group: list[Numbered], *, lang: str, output_tokens: int) -> Messages:
    s = sections()
    structure = fill(s["structure"], words=target_words(output_tokens))
    user = fill(s["brief"], count=len(group), structure=structure, papers=_papers(group))
    return [{"role": "system", "content": fill(s["system"], language=_language(lang))},
            {"role": "user", "content": user}]


def map_messages(group: list[Numbered], *, total: int, summary_tokens: int) -> Messages:
    s = sections()
    user = fill(s["map"], first=group[0].number, last=group[-1].number, total=total,
                words=target_words(summary_tokens), papers=_papers(group))
    return [{"role": "system", "content": fill(s["system"], language=s["lang-notes"])},
            {"role": "user", "content": user}]


def titles(sent: list[Numbered]) -> str:
    return "\n".join(f"[P{n.number}] {neutralise(defuse(n.paper.title))[:160]}" for n in sent)


def reduce_messages(notes: list[str], sent: list[Numbered], *, lang: str, output_tokens: int,
                    with_titles: bool = True) -> Messages:
    s = sections()
    structure = fill(s["structure"], words=target_words(output_tokens))
    body = "\n".join(f'<group n="{i}">\n{_DELIMITER_RE.sub("‹", strip_controls(note).strip())}\n</group>'
                     for i, note in enumerate(notes, start=1))
    user = fill(s["reduce"], total=len(sent), groups=len(notes), structure=structure, notes=body,
                titles=titles(sent) if with_titles else "(omitted for length)")
    return [{"role": "system", "content": fill(s["system"], language=_language(lang))},
            {"role": "user", "content": user}]


def overhead_tokens(lang: str, output_tokens: int) -> int:
    """Tokens of the largest prompt around the paper records (brief or map)."""
    brief = brief_messages([], lang=lang, output_tokens=output_tokens)
    fake = Numbered(1, Paper(key="x", title=""), 0, "")  # (its TL;DR is counted in its record)
    mapped = map_messages([fake], total=1, summary_tokens=output_tokens)
    sizes = [sum(estimate_tokens(m["content"]) + 4 for m in msgs) for msgs in (brief, mapped)]
    return max(sizes) + 16


def messages_tokens(messages: Messages) -> int:
    return sum(estimate_tokens(m["content"]) + 4 for m in messages) + 3
