"""Feishu and Lark: an interactive card through a custom bot's webhook
(``POST {"msg_type": "interactive", "card": …}``, answered ``{"code": 0}``; a refusal is
HTTP 200 too, with another code, so the code is what counts).

Limits: the request body at most 30 KB (code 19036 otherwise); a card here holds at most
:data:`CARD_BYTES` of JSON and :data:`MAX_ELEMENTS` elements, and a longer digest is split
into several cards.  A bot with signature verification gets ``timestamp`` and ``sign``
(HMAC-SHA256 keyed by ``timestamp\\nsecret``), the secret from ``HUB_FEISHU_SECRET`` or the
keyring.

lark_md has no backslash escape: Feishu's card reference says to write its special
characters as HTML entities (``&#42;`` for ``*``, ``&#60;`` for ``<`` …), which is what
:meth:`FeishuMarkup.escape` does — so no ``<at id=all></at>`` and no link come from a
paper's text.  The header is ``plain_text``, shown as it is."""

from __future__ import annotations

import json
import re
from typing import Any

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
    refused,
)

SERVICE = "Feishu/Lark"
CARD_BYTES = 20_000
MAX_ELEMENTS = 50
TEXT_CHARS = 2000  # per lark_md text (markup), so no element is huge
TITLE_CHARS = 100
_SPECIAL_RE = re.compile(r"[&<>*~_\[\]()#`$\\:!+\-\"'|]")


class FeishuMarkup(Markup):
    def escape(self, text: str) -> str:
        return _SPECIAL_RE.sub(lambda m: f"&#{ord(m.group(0))};", text)

    def bold(self, inner: str) -> str:
        return f"**{inner}**" if inner.strip() else inner

    def italic(self, inner: str) -> str:
        return f"*{inner}*" if inner.strip() else inner

    def link(self, label: str, url: str) -> str:
        return f"[{label or self.escape(url)}]({url})"

    def quote(self, line: str) -> str:
        return "┃ " + line  # lark_md has no quote


MARKUP = FeishuMarkup()


def _text(content: str) -> dict[str, Any]:
    return {"tag": "div", "text": {"tag": "lark_md", "content": content}}


def _note(content: str) -> dict[str, Any]:
    return {"tag": "note", "elements": [{"tag": "lark_md", "content": content}]}


def card_element(card: ChatCard) -> dict[str, Any]:
    """A paper: its title (linked when http(s)), authors, why, TL;DR, links, in one lark_md text."""
    m = MARKUP
    title = m.escape(cut(card.title, 300))
    lines = [m.bold(f"{card.number}. " + (m.link(title, card.url) if card.url else title))]
    lines += card_details(m, card, authors=300, reasons=200, summary=700, quoted=False)
    return _text("\n".join(lines))


def elements(chat: ChatDigest) -> list[list[dict[str, Any]]]:
    """The card's elements in groups that stay together."""
    m = MARKUP
    out: list[list[dict[str, Any]]] = []
    if chat.brief.strip():
        head = [_text(m.bold(m.escape(chat.brief_heading)))] + ([_note(m.escape(chat.note))] if chat.note else [])
        texts = chunks(brief_lines(chat.brief, m), TEXT_CHARS, m)
        out += [[*(head if n == 0 else []), _text(text)] for n, text in enumerate(texts)]
        out.append([{"tag": "hr"}])
    if chat.cards:
        out.append([_text(m.bold(m.escape(chat.papers_heading)))])
        out += [[card_element(card)] for card in chat.cards]
    if chat.more:
        out.append([_note(m.escape(chat.more))])
    return out


def _card(title: str, intro: str, body: list[dict[str, Any]]) -> dict[str, Any]:
    return {"msg_type": "interactive",
            "card": {"config": {"wide_screen_mode": True},
                     "header": {"title": {"tag": "plain_text", "content": cut(title, TITLE_CHARS)},
                                "template": "blue"},
                     "elements": [_note(MARKUP.escape(intro)), *body]}}


def size(body: dict[str, Any]) -> int:
    """The request body's bytes (what Feishu's limit counts)."""
    return len(json.dumps(body, ensure_ascii=False).encode("utf-8"))


def messages(chat: ChatDigest) -> list[dict[str, Any]]:
    def fits(group: list[list[dict[str, Any]]]) -> bool:
        body = [e for unit in group for e in unit]
        widest = _card(chat.title + " · 10/10", chat.intro, body)
        return len(body) + 1 <= MAX_ELEMENTS and size(widest) <= CARD_BYTES - 200

    groups = pack(elements(chat), fits) or [[]]
    return [_card(chat.part(number, len(groups)), chat.intro, [e for unit in group for e in unit])
            for number, group in enumerate(groups, start=1)]


def signed(body: dict[str, Any], secret: str | None, now: int) -> dict[str, Any]:
    """The body with ``timestamp`` and ``sign`` for a bot that checks signatures."""
    if not secret:
        return body
    import base64
    import hashlib
    import hmac

    sign = base64.b64encode(hmac.new(f"{now}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    return {"timestamp": str(now), "sign": sign, **body}


def send(chat: ChatDigest, url: str, *, shown: str, timeout: tuple[float, float]) -> None:
    import time

    from hubcli.digest.config import feishu_secret

    secret = feishu_secret()
    secrets = [url, *([secret] if secret else [])]
    for body in messages(chat):
        response = post_json(url, signed(body, secret, int(time.time())), service=SERVICE, shown=shown,
                             secrets=secrets, timeout=timeout)
        with response:
            if not 200 <= response.status_code < 300:
                raise refused(response, service=SERVICE, shown=shown, secrets=secrets)
            try:
                data = response.json()
            except ValueError:
                data = {}
            code = data.get("code", data.get("StatusCode")) if isinstance(data, dict) else None
            if code != 0:
                said = detail(str(data.get("msg") or data.get("StatusMessage") or response.text or "-")
                              if isinstance(data, dict) else response.text, secrets)
                raise failed(shown, "chat_code", service=SERVICE, code=code if code is not None else "?",
                             detail=said or "-")
