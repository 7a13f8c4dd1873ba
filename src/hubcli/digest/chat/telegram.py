"""Telegram: the Bot API's ``sendMessage`` with ``parse_mode=HTML`` to one chat.

The limit (the Bot API reference): a message's text is 1-4096 characters after entity
parsing, i.e. what is shown, counted in UTF-16 code units; a message here holds at most
:data:`MESSAGE_CHARS` and a longer digest is split into several messages.  Text is
HTML-escaped (``<``, ``>``, ``&``); the only tags written are ``b``, ``i``, ``code``,
``blockquote`` and ``a`` with an http(s) ``href``.

The bot token comes from ``HUB_TELEGRAM_TOKEN`` or the keyring, never from the file; it
is part of every request's path, so it is redacted from anything a failure shows.  The
server is ``HUB_TELEGRAM_API``, else ``[digest.telegram] api_base``, else
https://api.telegram.org; the token is never sent over plain HTTP except to this machine."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

from hubcli.digest.chat.common import (
    ChatCard,
    ChatDigest,
    Markup,
    brief_lines,
    card_details,
    chunks,
    cut,
    detail,
    failed,
    pack,
    post_json,
)
from hubcli.hosts import loopback

SERVICE = "Telegram"
MESSAGE_CHARS = 4000  # of Telegram's 4096, a margin
CHAT_RE = re.compile(r"-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,64}")
_TAG_RE = re.compile(r"<[^>]*>")


class TelegramMarkup(Markup):
    def escape(self, text: str) -> str:
        return html.escape(text, quote=False)

    def bold(self, inner: str) -> str:
        return f"<b>{inner}</b>"

    def italic(self, inner: str) -> str:
        return f"<i>{inner}</i>"

    def code(self, text: str) -> str:
        return f"<code>{html.escape(text, quote=False)}</code>"

    def link(self, label: str, url: str) -> str:
        return f'<a href="{html.escape(url, quote=True)}">{label or html.escape(url, quote=False)}</a>'

    def quote(self, line: str) -> str:
        return f"<blockquote>{line}</blockquote>"


MARKUP = TelegramMarkup()


def visible(markup: str) -> int:
    """What Telegram counts: the text once its tags and entities are parsed, in UTF-16 units."""
    shown = html.unescape(_TAG_RE.sub("", markup))
    return len(shown.encode("utf-16-le")) // 2


def card_text(card: ChatCard) -> str:
    m = MARKUP
    title = m.escape(cut(card.title, 300))
    lines = [m.bold(f"{card.number}. " + (m.link(title, card.url) if card.url else title))]
    lines += card_details(m, card, authors=400, reasons=300, summary=1200)
    return "\n".join(lines)


def units(chat: ChatDigest) -> list[str]:
    m = MARKUP
    out: list[str] = []
    if chat.brief.strip():
        head = m.bold(m.escape(chat.brief_heading)) + ("\n" + m.italic(m.escape(chat.note)) if chat.note else "")
        texts = chunks(brief_lines(chat.brief, m), MESSAGE_CHARS - 300, m, visible)
        out += [(head + "\n" if n == 0 else "") + text for n, text in enumerate(texts)]
    if chat.cards:
        out.append(m.bold(m.escape(chat.papers_heading)))
        out += [card_text(card) for card in chat.cards]
    if chat.more:
        out.append(m.italic(m.escape(chat.more)))
    return out


def messages(chat: ChatDigest) -> list[str]:
    """The texts of the messages: a heading, then as many units as fit."""
    m = MARKUP

    def top(title: str, first: bool) -> str:
        return m.bold(m.escape(title)) + ("\n" + m.italic(m.escape(chat.intro)) if first else "")

    def fits(group: list[str]) -> bool:
        return visible("\n\n".join([top(chat.title + " · 10/10", True), *group])) <= MESSAGE_CHARS

    groups = pack(units(chat), fits) or [[]]
    return ["\n\n".join([top(chat.part(n, len(groups)), n == 1), *group]) for n, group in enumerate(groups, start=1)]


def send(chat: ChatDigest, chat_id: str, *, shown: str, api: str, token: str | None,
         timeout: tuple[float, float]) -> None:
    if not token:
        raise failed(shown, "chat_no_token")
    parts = urlsplit(api)
    if parts.scheme != "https" and not loopback(parts.hostname):
        raise failed(shown, "chat_plain_token", base=f"{parts.scheme}://{parts.hostname}")
    url = f"{api}/bot{token}/sendMessage"
    secrets = [token, url]
    target: Any = int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
    for text in messages(chat):
        body = {"chat_id": target, "text": text, "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}
        response = post_json(url, body, service=SERVICE, shown=shown, secrets=secrets, timeout=timeout)
        with response:
            try:
                data = response.json()
            except ValueError:
                data = None
            if not (200 <= response.status_code < 300 and isinstance(data, dict) and data.get("ok") is True):
                said = data.get("description") if isinstance(data, dict) else response.text
                raise failed(shown, "chat_refused", service=SERVICE, status=response.status_code,
                             detail=detail(str(said or "-"), secrets) or "-")
