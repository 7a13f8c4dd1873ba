"""A digest as Markdown, as one self-contained HTML file (mail clients, light and dark), and
as plain text.  All feed text is escaped for the format it goes into; control characters
never pass; only ``http(s)`` links are written."""

from __future__ import annotations

import html
import re
from typing import Any

from hubcli.digest.compose import Card, Digest
from hubcli.i18n import translate
from hubcli.models import Paper
from hubcli.render import card as cards
from hubcli.render.formats import local_time, safe
from hubcli.render.latex import pieces
from hubcli.render.markdown import md_inline
from hubcli.render.markdown import to_html as markdown_html
from hubcli.render.mathml import html_runs


def _card(number: int, card: Card, lang: str) -> cards.Card:
    """The paper card of one digest entry (why it is there: the reasons, in ``lang``)."""
    return cards.card(card.paper, number, lang=lang,
                      reasons=tuple(reason_text(k, v, lang) for k, v in card.reasons), tldr=card.tldr)


def links(paper: Paper, lang: str) -> list[tuple[str, str]]:
    """(label, URL) of a paper's pages: the abstract page, the PDF, the DOI."""
    labels = {"page": "arXiv" if paper.arxiv_id else translate("digest_link_page", lang), "pdf": "PDF", "doi": "DOI"}
    return [(labels[link.kind], link.url) for link in cards.links(paper)]


def reason_text(kind: str, value: str, lang: str) -> str:
    return translate(f"digest_reason_{kind}", lang, value=safe(value))


def title(digest: Digest) -> str:
    return translate("digest_title", digest.lang, date=digest.day)


def intro(digest: Digest) -> str:
    lang = digest.lang
    if not digest.cards:
        if digest.since:
            empty = translate("digest_intro_nothing", lang, since=local_time(digest.since))
        else:
            empty = translate("digest_intro_empty", lang)
        return translate("digest_intro_why", lang, intro=empty, why=safe(digest.note)) if digest.note else empty
    count = (translate("digest_count_one", lang) if digest.total == 1
             else translate("digest_count", lang, count=digest.total))
    parts = [count]
    if digest.since:
        parts.append(translate("digest_since", lang, since=local_time(digest.since)))
    if digest.total > len(digest.cards):
        parts.append(translate("digest_top", lang, shown=len(digest.cards)))
    return " · ".join(parts)


def brief_note(digest: Digest) -> str:
    """A line over a model's brief (the offline digest says what it is itself)."""
    if digest.brief_kind != "model":
        return ""
    return translate("digest_brief_model", digest.lang, model=safe(digest.model))


def _more(digest: Digest) -> str | None:
    more = digest.total - len(digest.cards)
    return translate("digest_more", digest.lang, more=more) if more > 0 else None


# --- Markdown --------------------------------------------------------------------------------

def to_markdown(digest: Digest) -> str:
    lang = digest.lang
    lines = [f"# {md_inline(title(digest))}", "", f"_{md_inline(intro(digest))}_", ""]
    if digest.brief:
        note = brief_note(digest)
        lines += [f"## {translate('digest_brief_heading', lang)}", "",
                  *([f"_{md_inline(note)}_", ""] if note else []), digest.brief.strip(), ""]
    if digest.cards:
        lines += [f"## {translate('digest_papers_heading', lang)}", ""]
        for number, card in enumerate(digest.cards, start=1):
            lines += _md_card(_card(number, card, lang), card.paper, lang)
    more = _more(digest)
    if more:
        lines += [f"_{md_inline(more)}_", ""]
    return "\n".join(lines).rstrip() + "\n"


def _md_card(shown: cards.Card, paper: Paper, lang: str) -> list[str]:
    name = md_inline(shown.title)
    lines = [f"### {shown.number}. [{name}]({shown.url})" if shown.url else f"### {shown.number}. {name}", ""]
    if shown.authors:
        lines.append(f"{md_inline(shown.authors_text)}  ")
    lines.append(f"{md_inline(shown.meta)}  ")
    lines.append(f"**{translate('digest_why', lang)}** " + " · ".join(md_inline(r) for r in shown.reasons) + "  ")
    found = links(paper, lang)
    if found:
        lines.append(" · ".join(f"[{label}]({url})" for label, url in found))
    if shown.tldr:
        lines += ["", f"**{md_inline(shown.tldr_label)}:** {md_inline(shown.tldr)}"]
    if shown.abstract:
        lines += ["", f"> {md_inline(shown.abstract)}"]
    return [*lines, ""]


# --- HTML ------------------------------------------------------------------------------------

CSS = """
:root { color-scheme: light dark; }
body { margin: 0; padding: 0; background: #f4f5f7; color: #1c2230;
  font: 16px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "PingFang SC",
  "Microsoft YaHei", sans-serif; }
.wrap { max-width: 720px; margin: 0 auto; padding: 24px 16px 40px; }
h1 { font-size: 24px; line-height: 1.25; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #d9dde3; }
h3 { font-size: 16px; margin: 18px 0 6px; }
h4, h5, h6 { font-size: 15px; margin: 14px 0 4px; }
a { color: #0b57d0; }
.intro, .note, .meta, .more { color: #5a6270; font-size: 14px; }
.brief { background: #ffffff; border: 1px solid #e1e4e9; border-radius: 8px; padding: 4px 18px 10px; }
.brief blockquote { margin: 4px 0 10px; padding-left: 10px; border-left: 3px solid #c9ced6; color: #3c4452; }
.brief ul { padding-left: 20px; }
.card { background: #ffffff; border: 1px solid #e1e4e9; border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
.card h3 { margin: 0 0 4px; font-size: 17px; line-height: 1.3; }
.card h3 a { text-decoration: none; }
.authors { font-size: 14px; margin: 2px 0; }
.why { margin: 6px 0; font-size: 13px; }
.chip { display: inline-block; background: #e8eefc; color: #1e3a8a; border-radius: 10px; padding: 1px 9px;
  margin: 0 4px 2px 0; }
.links { font-size: 14px; margin: 4px 0; }
.links a { margin-right: 12px; }
.abstract { font-size: 14px; color: #3c4452; margin: 6px 0 0; }
.tldr { font-size: 15px; margin: 6px 0 0; }
code { font-size: 13px; }
@media (prefers-color-scheme: dark) {
  body { background: #101318; color: #e4e7ec; }
  h2 { border-bottom-color: #2c333d; }
  a { color: #8ab4f8; }
  .intro, .note, .meta, .more { color: #9aa3b0; }
  .brief, .card { background: #181c23; border-color: #2c333d; }
  .brief blockquote { border-left-color: #3a424e; color: #c3c9d2; }
  .chip { background: #243049; color: #c7d7fe; }
  .abstract { color: #c3c9d2; }
}
"""


def _e(text: str) -> str:
    return html.escape(safe(text), quote=True)


def brief_html(markdown: str) -> str:
    """The brief's Markdown as HTML: raw HTML in it is escaped, unsafe links dropped."""
    return markdown_html(markdown)


def to_html(digest: Digest) -> str:
    lang = "zh-Hans" if digest.lang == "zh" else "en"
    out = ["<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           '<meta name="color-scheme" content="light dark">',
           '<meta name="supported-color-schemes" content="light dark">',
           f"<title>{_e(title(digest))}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           '<div class="wrap">', f"<h1>{_e(title(digest))}</h1>", f'<p class="intro">{_e(intro(digest))}</p>']
    out += [_html_body(digest), "</div>", "</body>", "</html>", ""]
    return "\n".join(out)


def html_fragment(digest: Digest) -> str:
    """The digest's body (no document around it): an Atom entry's content."""
    return f"<h1>{_e(title(digest))}</h1>\n<p>{_e(intro(digest))}</p>\n" + _html_body(digest)


def _html_body(digest: Digest) -> str:
    lang = digest.lang
    out: list[str] = []
    if digest.brief:
        note = brief_note(digest)
        out += [f"<h2>{_e(translate('digest_brief_heading', lang))}</h2>",
                *([f'<p class="note">{_e(note)}</p>'] if note else []),
                f'<div class="brief">{brief_html(digest.brief)}</div>']
    if digest.cards:
        out.append(f"<h2>{_e(translate('digest_papers_heading', lang))}</h2>")
        out += [card_html(number, card, lang) for number, card in enumerate(digest.cards, start=1)]
    more = _more(digest)
    if more:
        out.append(f'<p class="more">{_e(more)}</p>')
    return "\n".join(out)


def card_html(number: int, card: Card, lang: str) -> str:
    shown = _card(number, card, lang)
    name = html_runs(pieces(card.paper.title or "")) or _e(shown.title)  # inline math as MathML
    head = f'<a href="{html.escape(shown.url, quote=True)}">{name}</a>' if shown.url else name
    parts = ['<div class="card">', f"<h3>{number}. {head}</h3>"]
    if shown.authors:
        parts.append(f'<div class="authors">{_e(shown.authors_text)}</div>')
    parts.append(f'<div class="meta">{_e(shown.meta)}</div>')
    chips = "".join(f'<span class="chip">{_e(reason)}</span>' for reason in shown.reasons)
    parts.append(f'<div class="why">{_e(translate("digest_why", lang))} {chips}</div>')
    found = links(card.paper, lang)
    if found:
        parts.append('<div class="links">' + "".join(
            f'<a href="{html.escape(url, quote=True)}">{_e(label)}</a>' for label, url in found) + "</div>")
    if shown.tldr and card.tldr is not None:
        tldr = html_runs(pieces(card.tldr.text))  # inline math as MathML, as the abstract's
        parts.append(f'<p class="tldr"><strong>{_e(shown.tldr_label)}:</strong> {tldr}</p>')
    if shown.abstract:
        parts.append(f'<p class="abstract">{html_runs(pieces(card.paper.abstract or "", cards.ABSTRACT_LIMIT))}</p>')
    parts.append("</div>")
    return "\n".join(parts)


# --- plain text ------------------------------------------------------------------------------

def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _heading(text: str, char: str) -> list[str]:
    return [text, char * _width(text)]


def to_text(digest: Digest) -> str:
    lang = digest.lang
    lines = [*_heading(safe(title(digest)), "="), safe(intro(digest)), ""]
    if digest.brief:
        note = brief_note(digest)
        lines += [*_heading(translate("digest_brief_heading", lang), "-"), *([note, ""] if note else []),
                  brief_text(digest.brief).rstrip(), ""]
    if digest.cards:
        lines += [*_heading(translate("digest_papers_heading", lang), "-"), ""]
        for number, card in enumerate(digest.cards, start=1):
            lines += _text_card(number, card, lang)
    more = _more(digest)
    if more:
        lines += [more, ""]
    return "\n".join(lines).rstrip() + "\n"


def _text_card(number: int, card: Card, lang: str) -> list[str]:
    shown = _card(number, card, lang)
    name = re.sub(r"\s+", " ", shown.title).strip() or translate("untitled", lang)
    lines = [f"{number}. {name}"]
    if shown.authors:
        lines.append(f"   {shown.authors_text}")
    lines.append(f"   {shown.meta}")
    lines.append(f"   {translate('digest_why', lang)} " + " · ".join(shown.reasons))
    lines += [f"   {label}: {url}" for label, url in links(card.paper, lang)]
    if shown.tldr:
        lines.append(f"   {shown.tldr_label}: {shown.tldr}")
    if shown.abstract:
        lines.append(f"   {shown.abstract}")
    return [*lines, ""]


def brief_text(markdown: str) -> str:
    """The brief's Markdown as plain text (headings underlined, links spelled out)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark", {"html": False}).parse(safe(markdown))
    lines: list[str] = []
    prefix: list[str] = []
    bullets: list[str | int] = []
    pending_bullet = ""
    heading: str | None = None
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            heading = "-" if token.tag in ("h1", "h2") else ""
        elif kind == "heading_close":
            heading = None
            lines.append("")
        elif kind == "bullet_list_open":
            bullets.append("-")
        elif kind == "ordered_list_open":
            bullets.append(int(token.attrGet("start") or 1))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            bullets.pop()
            if not bullets:
                lines.append("")
        elif kind == "list_item_open" and bullets:
            top = bullets[-1]
            if isinstance(top, int):
                pending_bullet = f"{top}. "
                bullets[-1] = top + 1
            else:
                pending_bullet = "- "
        elif kind == "blockquote_open":
            prefix.append("  ")
        elif kind == "blockquote_close":
            prefix.pop()
        elif kind == "inline":
            text = _inline_text(token.children or [])
            indent = "".join(prefix) + "  " * max(len(bullets) - 1, 0)
            lines.append(indent + pending_bullet + text)
            pending_bullet = ""
            if heading is not None:
                lines.append(indent + ("=" if heading == "-" else "-") * min(_width(text), 72))
        elif kind in ("fence", "code_block"):
            lines += ["    " + line for line in token.content.rstrip("\n").splitlines()]
        elif kind == "paragraph_close" and not bullets:
            lines.append("")
    return "\n".join(lines).strip() + "\n"


def _inline_text(children: list[Any]) -> str:
    out: list[str] = []
    href: str | None = None
    start = 0
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            start = len(out)
        elif child.type == "link_close" and href:
            label = "".join(out[start:])
            if label.strip() != href:
                out.append(f" <{href}>")
            href = None
    return "".join(out)
