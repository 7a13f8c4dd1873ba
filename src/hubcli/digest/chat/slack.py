"""Slack: Block Kit through an incoming webhook (``POST {"text", "blocks"}``, answered ``ok``).

Limits (Slack's Block Kit reference): 50 blocks a message, a section's text 3000
characters, a header's 150, a context's elements 10.  Slack also refuses a message whose
blocks are long in total (``msg_blocks_too_long`` near 13,000 characters), so a message
here holds at most :data:`MESSAGE_CHARS`; a longer digest is split into several messages.

mrkdwn has no escape character: ``&``, ``<`` and ``>`` become entities (so nobody's text
writes ``<url|label>`` or ``<!channel>``), and ``*``, ``_``, ``~`` and backticks in
untrusted text are fenced with zero-width spaces so they never format."""

from __future__ import annotations

import re
from typing import Any

from hubcli.digest.chat.common import ChatCard, ChatDigest, Markup, brief_lines, chunks, cut, pack, post_json, refused

SERVICE = "Slack"
MAX_BLOCKS = 50
SECTION_CHARS = 3000
HEADER_CHARS = 150
MESSAGE_CHARS = 12000
ZWSP = "\u200b"
_FORMAT_RE = re.compile(r"([*_~`])")


class SlackMarkup(Markup):
    def escape(self, text: str) -> str:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return _FORMAT_RE.sub(ZWSP + r"\1" + ZWSP, text)

    def bold(self, inner: str) -> str:
        return f"*{inner}*" if inner.strip() else inner

    def italic(self, inner: str) -> str:
        return f"_{inner}_" if inner.strip() else inner

    def code(self, text: str) -> str:
        clean = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")
        return f"`{clean}`" if clean.strip() else clean

    def link(self, label: str, url: str) -> str:
        return f"<{url}|{label}>" if label.strip() else f"<{url}>"

    def quote(self, line: str) -> str:
        return "> " + line  # the one raw ">" written: escaped text never has one


MARKUP = SlackMarkup()


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def card_text(card: ChatCard, share: float = 1.0) -> str:
    """A paper's section: its title (linked when http(s)), authors, why, TL;DR, links;
    with less of each text (``share``) when escaping made it longer than a section holds."""
    m = MARKUP
    title = m.escape(cut(card.title, int(300 * share)))
    head = f"*{card.number}. {m.link(title, card.url) if card.url else title}*"
    lines = [head]
    if card.authors:
        lines.append(m.escape(cut(card.authors, int(400 * share))))
    if card.reasons:
        lines.append(m.italic(m.escape(cut(card.reasons, int(300 * share)))))
    if card.summary:
        label = f"*{m.escape(card.summary_label)}* " if card.summary_label else ""
        lines.append(m.quote(label + m.escape(cut(card.summary, int(1200 * share)))))
    if card.links:
        lines.append(" · ".join(m.link(m.escape(label), url) for label, url in card.links))
    text = "\n".join(lines)
    return text if len(text) <= SECTION_CHARS or share < 0.1 else card_text(card, share / 2)


def _size(blocks: list[dict[str, Any]]) -> int:
    total = 0
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            total += len(text["text"])
        total += sum(len(e["text"]) for e in block.get("elements", []))
    return total


def units(chat: ChatDigest) -> list[list[dict[str, Any]]]:
    """The digest as groups of blocks that stay together (a heading with its first text)."""
    m = MARKUP
    out: list[list[dict[str, Any]]] = []
    if chat.brief.strip():
        head = [_section(m.bold(m.escape(chat.brief_heading)))]
        if chat.note:
            head.append(_context(m.italic(m.escape(chat.note))))
        texts = chunks(brief_lines(chat.brief, m), SECTION_CHARS, m)
        out += [[*(head if n == 0 else []), _section(text)] for n, text in enumerate(texts)]
        out.append([{"type": "divider"}])
    if chat.cards:
        out.append([_section(m.bold(m.escape(chat.papers_heading)))])
        out += [[_section(card_text(card))] for card in chat.cards]
    if chat.more:
        out.append([_context(m.escape(chat.more))])
    return out


def messages(chat: ChatDigest) -> list[dict[str, Any]]:
    """The webhook bodies: each a header, the intro, then as many units as fit."""
    def top(title: str) -> list[dict[str, Any]]:
        header = {"type": "header", "text": {"type": "plain_text", "text": cut(title, HEADER_CHARS), "emoji": True}}
        return [header, _context(MARKUP.escape(chat.intro))]

    room = MAX_BLOCKS - 2

    def fits(group: list[list[dict[str, Any]]]) -> bool:
        blocks = [b for unit in group for b in unit]
        return len(blocks) <= room and _size(blocks) <= MESSAGE_CHARS - 600

    groups = pack(units(chat), fits) or [[]]
    out = []
    for number, group in enumerate(groups, start=1):
        title = chat.part(number, len(groups))
        blocks = [*top(title), *(b for unit in group for b in unit)]
        out.append({"text": cut(f"{title}: {chat.intro}", 300), "blocks": blocks,
                    "unfurl_links": False, "unfurl_media": False})
    return out


def send(chat: ChatDigest, url: str, *, shown: str, timeout: tuple[float, float]) -> None:
    for body in messages(chat):
        response = post_json(url, body, service=SERVICE, shown=shown, secrets=[url], timeout=timeout)
        with response:
            if response.status_code != 200:
                raise refused(response, service=SERVICE, shown=shown, secrets=[url])

