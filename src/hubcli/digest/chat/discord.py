"""Discord: a webhook message with embeds (``POST ?wait=true`` so a refusal is said at once).

Limits (Discord's message and embed reference): ``content`` 2000 characters, 10 embeds a
message, an embed's title 256 and description 4096, and 6000 characters over all the
embeds of a message; a longer digest is split into several messages.

Markdown characters in untrusted text are backslash-escaped (``\\*``, ``\\[`` …, also
``<`` so no ``<@id>`` or ``<t:…>`` is written), ``@everyone``/``@here`` and mention-like
``@…`` get a zero-width space, and ``allowed_mentions`` is empty: nothing pings anyone."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from hubcli.digest.chat.common import (
    ChatCard,
    ChatDigest,
    Markup,
    brief_lines,
    card_details,
    chunks,
    cut,
    pack,
    post_json,
    refused,
)

SERVICE = "Discord"
CONTENT_CHARS = 2000
MAX_EMBEDS = 10
TITLE_CHARS = 256
DESCRIPTION_CHARS = 4096
TOTAL_CHARS = 6000
COLOR = 0x3B6FD4
_SPECIAL_RE = re.compile(r"([\\*_~`|>\[\]()<#:-])")
_MENTION_RE = re.compile(r"@(everyone|here|[!&]?[0-9]{6,})", re.IGNORECASE)


class DiscordMarkup(Markup):
    def escape(self, text: str) -> str:
        return _MENTION_RE.sub("@\u200b\\1", _SPECIAL_RE.sub(r"\\\1", text))

    def bold(self, inner: str) -> str:
        return f"**{inner}**" if inner.strip() else inner

    def italic(self, inner: str) -> str:
        return f"*{inner}*" if inner.strip() else inner

    def code(self, text: str) -> str:
        clean = text.replace("`", "'")
        return f"`{clean}`" if clean.strip() else clean

    def link(self, label: str, url: str) -> str:
        return f"[{label}](<{url}>)" if label.strip() else f"<{url}>"

    def quote(self, line: str) -> str:
        return "> " + line

    def heading(self, inner: str) -> str:
        return self.bold(inner)


MARKUP = DiscordMarkup()


def card_embed(card: ChatCard) -> dict[str, Any]:
    """A paper's embed: its title (the embed's link when http(s)), authors, why, TL;DR, links."""
    m = MARKUP
    lines = card_details(m, card, authors=400, reasons=300, summary=1200)
    embed: dict[str, Any] = {"title": _title(f"{card.number}. {card.title}"),
                             "description": "\n".join(lines)[:DESCRIPTION_CHARS], "color": COLOR}
    if card.url:
        embed["url"] = card.url
    return embed


def _title(text: str) -> str:
    """An embed title: escaped, within 256 characters (cut before escaping, so no escape
    is cut in half)."""
    room = TITLE_CHARS
    while True:
        title = MARKUP.escape(cut(text, room))
        if len(title) <= TITLE_CHARS:
            return title
        room = room * 3 // 4


def _chars(embed: dict[str, Any]) -> int:
    return len(embed.get("title", "")) + len(embed.get("description", ""))


def embeds(chat: ChatDigest) -> list[dict[str, Any]]:
    m = MARKUP
    out: list[dict[str, Any]] = []
    if chat.brief.strip():
        note = m.italic(m.escape(chat.note)) + "\n\n" if chat.note else ""
        texts = chunks(brief_lines(chat.brief, m), DESCRIPTION_CHARS - len(note) - 8, m)
        for number, text in enumerate(texts):
            out.append({"title": _title(chat.brief_heading) if number == 0 else _title(f"{chat.brief_heading} …"),
                        "description": (note if number == 0 else "") + text, "color": COLOR})
    out += [card_embed(card) for card in chat.cards]
    if chat.more:
        out.append({"description": m.escape(chat.more), "color": COLOR})
    return out


def messages(chat: ChatDigest) -> list[dict[str, Any]]:
    """The webhook bodies: a line naming the digest, then as many embeds as fit."""
    def fits(group: list[dict[str, Any]]) -> bool:
        return len(group) <= MAX_EMBEDS and sum(_chars(e) for e in group) <= TOTAL_CHARS

    groups = pack(embeds(chat), fits) or [[]]
    out = []
    for number, group in enumerate(groups, start=1):
        head = MARKUP.bold(MARKUP.escape(chat.part(number, len(groups))))
        content = head + ("\n" + MARKUP.escape(chat.intro) if number == 1 else "")
        out.append({"content": cut(content, CONTENT_CHARS) if len(content) > CONTENT_CHARS else content,
                    "embeds": group, "allowed_mentions": {"parse": []}})
    return out


def waiting(url: str) -> str:
    """The webhook URL with ``wait=true``: Discord then answers with the message, or why not."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "wait"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("wait", "true")])))


def send(chat: ChatDigest, url: str, *, shown: str, timeout: tuple[float, float]) -> None:
    target = waiting(url)
    for body in messages(chat):
        response = post_json(target, body, service=SERVICE, shown=shown, secrets=[url], timeout=timeout)
        with response:
            if not 200 <= response.status_code < 300:
                raise refused(response, service=SERVICE, shown=shown, secrets=[url])
