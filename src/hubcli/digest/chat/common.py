"""What the chat platforms' messages share: the digest as chat cards (plain text, links
http(s) only), the brief's Markdown as lines in a platform's markup, cutting and packing
within a platform's limits, and one POST with one retry when the service asks to wait.

A platform is a :class:`Markup` (how its text is escaped, how bold, links and quotes are
written) plus a module that builds its native message from these parts.  Untrusted text
(titles, authors, abstracts, TL;DRs, a model's brief) only ever passes through
:meth:`Markup.escape`; links come from :func:`hubcli.render.card.safe_url`."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from hubcli.digest import render
from hubcli.digest.compose import Digest
from hubcli.errors import HubError
from hubcli.i18n import Message, translate
from hubcli.redaction import redact
from hubcli.render import card as cards
from hubcli.render.formats import safe

SUMMARY_LIMIT = 320  # the start of an abstract shown when a card has no TL;DR
MAX_WAIT = 30.0  # seconds: a longer "retry after" fails the target (the next run resends)
ELLIPSIS = "…"

T = TypeVar("T")


# --- the digest as chat cards ----------------------------------------------------------------

@dataclass(frozen=True)
class ChatCard:
    """One paper as every chat message shows it; plain text, to be escaped by the platform."""

    number: int
    title: str
    url: str | None  # http(s) only
    authors: str
    reasons: str
    summary: str  # the TL;DR, else the start of the abstract
    summary_label: str  # "TL;DR" / "Key sentence"; "" for an abstract
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ChatDigest:
    title: str
    intro: str
    note: str  # over a model's brief
    brief: str  # Markdown
    brief_heading: str
    papers_heading: str
    more: str
    cards: tuple[ChatCard, ...]
    lang: str

    def part(self, number: int, total: int) -> str:
        """The title of message ``number`` of ``total``."""
        if total <= 1:
            return self.title
        return f"{self.title} · {translate('chat_part', self.lang, part=number, parts=total)}"


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", safe(text)).strip()


def chat_digest(digest: Digest) -> ChatDigest:
    lang = digest.lang
    out = []
    for number, item in enumerate(digest.cards, start=1):
        reasons = tuple(render.reason_text(k, v, lang) for k, v in item.reasons)
        shown = cards.card(item.paper, number, lang=lang, reasons=reasons, tldr=item.tldr)
        if shown.tldr:  # the card's own TL;DR text and label ("TL;DR", or marked as extracted)
            label, summary = shown.tldr_label, shown.tldr
        else:
            label, summary = "", cut(fold(shown.abstract), SUMMARY_LIMIT)
        out.append(ChatCard(number, fold(shown.title) or translate("untitled", lang), shown.url,
                            fold(shown.authors_text), " · ".join(fold(r) for r in reasons), summary, label,
                            tuple(render.links(item.paper, lang))))
    more = digest.total - len(digest.cards)
    return ChatDigest(fold(render.title(digest)), fold(render.intro(digest)), fold(render.brief_note(digest)),
                      safe(digest.brief), translate("digest_brief_heading", lang),
                      translate("digest_papers_heading", lang),
                      translate("digest_more", lang, more=more) if more > 0 else "", tuple(out), lang)


# --- markup ----------------------------------------------------------------------------------

class Markup:
    """A platform's text format.  ``escape`` makes untrusted text literal; the others wrap
    text that is already escaped (``url`` is an http(s) URL from ``safe_url``)."""

    def escape(self, text: str) -> str:
        raise NotImplementedError

    def bold(self, inner: str) -> str:
        return inner

    def italic(self, inner: str) -> str:
        return inner

    def code(self, text: str) -> str:
        return self.escape(text)

    def link(self, label: str, url: str) -> str:
        return label

    def quote(self, line: str) -> str:
        return line

    def heading(self, inner: str) -> str:
        return self.bold(inner)

    def bullet(self, marker: str, depth: int) -> str:
        return "    " * depth + self.escape(marker) + " "


def card_details(m: Markup, card: ChatCard, *, authors: int = 400, reasons: int = 300, summary: int = 1200,
                 quoted: bool = True) -> list[str]:
    """The lines of a paper card under its title, in one platform's markup: authors, why
    it is there, its TL;DR (or abstract; quoted where the platform quotes), its links."""
    lines = []
    if card.authors:
        lines.append(m.escape(cut(card.authors, authors)))
    if card.reasons:
        lines.append(m.italic(m.escape(cut(card.reasons, reasons))))
    if card.summary:
        label = m.bold(m.escape(card.summary_label)) + " " if card.summary_label else ""
        text = label + m.escape(cut(card.summary, summary))
        lines.append(m.quote(text) if quoted else text)
    if card.links:
        lines.append(" · ".join(m.link(m.escape(label), url) for label, url in card.links))
    return lines


@dataclass(frozen=True)
class Line:
    """One line of text in a platform's markup, and the same without markup (what a cut
    falls back to, and what Telegram counts)."""

    markup: str
    plain: str


BLANK = Line("", "")


def cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut at a word when one is near, with "…"."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    head = text[:limit - 1]
    space = head.rfind(" ")
    if space > limit * 0.7:
        head = head[:space]
    return head.rstrip() + ELLIPSIS


def fitted(plain: str, limit: int, markup: Markup, size: Callable[[str], int] = len) -> str:
    """``plain`` escaped for ``markup``, cut so that its ``size`` is at most ``limit``."""
    room = limit
    while True:
        text = markup.escape(cut(plain, room))
        if size(text) <= limit or room <= 1:
            return text
        room = max(1, room * 3 // 4)


def split_words(plain: str, limit: int, markup: Markup, size: Callable[[str], int] = len) -> list[str]:
    """A line too long for one text, as escaped pieces of at most ``limit`` split between
    words (its markup dropped: markup is never cut in half); nothing of its text is lost
    but a single word longer than a whole text."""
    pieces: list[str] = []
    current = ""
    for word in plain.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and size(markup.escape(candidate)) > limit:
            pieces.append(markup.escape(current))
            candidate = word
        current = candidate
    if current:
        pieces.append(fitted(current, limit, markup, size))
    return pieces


def chunks(lines: Sequence[Line], limit: int, markup: Markup, size: Callable[[str], int] = len) -> list[str]:
    """Lines joined into texts of at most ``limit`` (by ``size``), split between lines; a
    line too long alone is split between words (as plain text)."""
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        texts = [line.markup] if size(line.markup) <= limit else split_words(line.plain, limit, markup, size)
        for text in texts:
            if current and size("\n".join([*current, text])) > limit:
                out.append("\n".join(current).strip("\n"))
                current = []
            if current or text:
                current.append(text)
    if current and "\n".join(current).strip():
        out.append("\n".join(current).strip("\n"))
    return out


def pack(units: Sequence[T], fits: Callable[[list[T]], bool]) -> list[list[T]]:
    """Units in order, as few messages as ``fits`` allows (each unit fits a message alone)."""
    messages: list[list[T]] = []
    current: list[T] = []
    for unit in units:
        if current and not fits([*current, unit]):
            messages.append(current)
            current = []
        current.append(unit)
    if current:
        messages.append(current)
    return messages


# --- the brief's Markdown as lines -----------------------------------------------------------

def brief_lines(markdown: str, markup: Markup) -> list[Line]:
    """The brief (Markdown, raw HTML off) as lines in ``markup``: headings bold, lists with
    their markers, quotes, code literal, links only to http(s) addresses."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark", {"html": False}).parse(markdown)
    return _BriefWalker(markup).walk(tokens)


class _BriefWalker:
    def __init__(self, markup: Markup) -> None:
        self.markup = markup
        self.lines: list[Line] = []
        self.lists: list[list[Any]] = []  # per open list: [ordered, next number]
        self.quote = 0
        self.heading = False
        self.marker = ""

    def walk(self, tokens: Sequence[Any]) -> list[Line]:
        for token in tokens:
            self.token(token)
        while self.lines and self.lines[-1] == BLANK:
            self.lines.pop()
        return self.lines

    def blank(self) -> None:
        if self.lines and self.lines[-1] != BLANK:
            self.lines.append(BLANK)

    def token(self, token: Any) -> None:
        kind = token.type
        if kind == "heading_open":
            self.blank()
            self.heading = True
        elif kind == "heading_close":
            self.heading = False
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 0
            self.lists.append([kind == "ordered_list_open", start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            if not self.lists:
                self.blank()
        elif kind == "list_item_open" and self.lists:
            ordered, number = self.lists[-1]
            self.marker = f"{number}." if ordered else "•"
            self.lists[-1][1] = number + 1
        elif kind == "blockquote_open":
            self.quote += 1
        elif kind == "blockquote_close":
            self.quote -= 1
        elif kind == "paragraph_close" and not self.lists:
            self.blank()
        elif kind == "inline":
            self.inline(token)
        elif kind in ("fence", "code_block"):
            self.lines += [Line(self.markup.code(line), line) for line in token.content.rstrip("\n").splitlines()]
            self.blank()
        elif kind == "hr":
            self.lines.append(Line("———", "———"))

    def inline(self, token: Any) -> None:
        markup, plain = inline(token.children or [], self.markup)
        if self.heading:
            markup = self.markup.heading(markup)
        depth = max(len(self.lists) - 1, 0)
        if self.marker:
            markup = self.markup.bullet(self.marker, depth) + markup
            plain = "    " * depth + self.marker + " " + plain
            self.marker = ""
        elif self.lists:
            markup, plain = "    " * (depth + 1) + markup, "    " * (depth + 1) + plain
        if self.quote:
            markup = self.markup.quote(markup)
        self.lines.append(Line(markup, plain))


def inline(children: Sequence[Any], markup: Markup) -> tuple[str, str]:
    """An inline run as (markup, plain): emphasis kept, links only to http(s) addresses."""
    stack: list[tuple[str, list[str], list[str], str | None]] = [("", [], [], None)]
    for child in children:
        kind = child.type
        if kind in ("text", "html_inline"):
            stack[-1][1].append(markup.escape(child.content))
            stack[-1][2].append(child.content)
        elif kind == "code_inline":
            stack[-1][1].append(markup.code(child.content))
            stack[-1][2].append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            stack[-1][1].append(" ")
            stack[-1][2].append(" ")
        elif kind == "image":
            alt = child.content or ""
            stack[-1][1].append(markup.escape(alt))
            stack[-1][2].append(alt)
        elif kind in ("strong_open", "em_open", "link_open"):
            href = cards.safe_url(str(child.attrGet("href") or "")) if kind == "link_open" else None
            stack.append((kind, [], [], href))
        elif kind in ("strong_close", "em_close", "link_close") and len(stack) > 1:
            opened, parts, plain, href = stack.pop()
            text = "".join(parts)
            if opened == "strong_open":
                text = markup.bold(text)
            elif opened == "em_open":
                text = markup.italic(text)
            elif href:
                text = markup.link(text, href)
            stack[-1][1].append(text)
            stack[-1][2].append("".join(plain))
    while len(stack) > 1:  # unbalanced: keep the text
        _, parts, plain, _ = stack.pop()
        stack[-1][1].extend(parts)
        stack[-1][2].extend(plain)
    return "".join(stack[0][1]), "".join(stack[0][2])


# --- sending ---------------------------------------------------------------------------------

def failed(shown: str, key: str, **params: Any) -> HubError:
    return HubError("digest_target_failed", target=shown, reason=Message(key, params))


def detail(text: str, secrets: Sequence[str]) -> str:
    """A service's own words (an error body) made safe to show: no controls, no secret, short."""
    return cut(redact(fold(text), list(secrets)), 160)


def _retry_after(response: Any) -> float | None:
    """Seconds a 429 asks to wait: the ``Retry-After`` header, Discord's ``retry_after``,
    Telegram's ``parameters.retry_after``; None when it says nothing."""
    found: Any = response.headers.get("Retry-After")
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        params = data.get("parameters")
        said = data.get("retry_after", params.get("retry_after") if isinstance(params, dict) else None)
        found = said if said is not None else found
    try:
        return max(0.0, float(found)) if found is not None else None
    except (TypeError, ValueError):
        return None


def post_json(url: str, body: dict[str, Any], *, service: str, shown: str, secrets: Sequence[str],
              timeout: tuple[float, float]) -> Any:
    """POST ``body`` as JSON; a 429 is retried once after the wait it asks for (at most
    :data:`MAX_WAIT` seconds).  The response, whatever its status; a failure to reach the
    service raises (its reason named by type: request errors quote the secret URL)."""
    import requests

    for attempt in (1, 2):
        try:
            response = requests.post(url, json=body, timeout=timeout, allow_redirects=False,
                                     headers={"User-Agent": "hub-digest"})
        except requests.RequestException as exc:
            raise failed(shown, "chat_unreachable", service=service, reason=type(exc).__name__) from None
        if response.status_code != 429:
            return response
        wait = _retry_after(response)
        response.close()
        if attempt == 2 or wait is None or wait > MAX_WAIT:
            raise failed(shown, "chat_rate_limited", service=service,
                         seconds=f"{wait:g}" if wait is not None else "?")
        time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def refused(response: Any, *, service: str, shown: str, secrets: Sequence[str]) -> HubError:
    """The target failed with the service's HTTP status and its own short explanation."""
    said = detail(response.text or "", secrets)
    return failed(shown, "chat_refused", service=service, status=response.status_code, detail=said or "-")
