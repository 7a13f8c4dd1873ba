"""The page's paper cards: :mod:`hubcli.render.card`'s one card, with the page's links
(an author adds a chip, a tag opens the library, the title opens the paper's view)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from hubcli.api.results import Explanation, Listing, Notice
from hubcli.models import Paper, Tldr
from hubcli.render.card import ABSTRACT_LIMIT, Card, card
from hubcli.render.latex import pieces
from hubcli.text import safe
from hubcli.web.view import View


def paper_path(paper: Paper) -> str:
    return "/paper/" + quote(paper.key, safe=":")


def page_card(view: View, paper: Paper, number: int | None, *, full: bool = False, reasons: tuple[str, ...] = (),
              score: float | None = None, explanation: Explanation | None = None,
              tldr: Tldr | None = None) -> dict[str, Any]:
    """One card as the templates read it (``_card.html``); ``number`` None: no card
    number (the single-paper page and its similar papers); ``tldr`` its kept TL;DR."""
    shown = card(paper, number or 1, lang=view.lang, full=full, reasons=reasons, score=score,
                 words=tuple(explanation.words) if explanation else (),
                 like_title=explanation.like_title if explanation else None,
                 interest=explanation.interest if explanation else None, tldr=tldr)
    return {
        "number": f"{shown.number:02d}." if number is not None else "",
        "full": full,
        "note": shown.state.note or "",
        "key": shown.key,
        "id": shown.ident,
        "source": shown.source,
        "date": shown.date,
        "title": shown.title,
        "title_runs": pieces(paper.title or ""),  # inline math typeset by the page's script
        "authors": [{"name": a, "url": view.adding("author", a)} for a in shown.authors],
        "more_authors": shown.more_text,
        "abstract": shown.abstract,
        "abstract_runs": pieces(paper.abstract or "", None if full else ABSTRACT_LIMIT),
        "abs_url": shown.url,
        "pdf_url": shown.pdf_url,
        "detail_url": view.url(paper_path(paper), view.lang_pairs()),
        "categories": list(shown.categories),
        "journal": shown.journal,
        "saved": shown.state.saved,
        "dismissed": shown.state.dismissed,
        "tags": [{"name": safe(tag), "url": view.url("/library", [("tag", tag), *view.lang_pairs()])}
                 for tag in shown.state.tags],
        "reasons": [*shown.reasons, *_explained(view, shown)],
        "tldr": shown.tldr,
        "tldr_label": shown.tldr_label,
        "tldr_runs": pieces(tldr.text) if tldr is not None and shown.tldr else (),
    }


def _explained(view: View, shown: Card) -> list[str]:
    """A ranked card's score and why: the words that drove it, the saved paper it is most
    like, the interest it serves."""
    parts = []
    if shown.score is not None:
        parts.append(view._("serve_score", score=f"{shown.score:.2f}"))
    if shown.words:
        parts.append(view._("serve_recommend_words", words=", ".join(shown.words)))
    if shown.like_title:
        parts.append(view._("serve_recommend_like", title=shown.like_title))
    if shown.interest:
        parts.append(view._("card_interest", name=shown.interest))
    return parts


def page_cards(view: View, result: Listing, *, reasons: dict[int, str] | None = None,
               ranked: bool = False, numbered: bool = True, tldrs: Mapping[str, Tldr] | None = None
               ) -> list[dict[str, Any]]:
    """The cards of a listing; ``ranked`` shows each paper's score and explanation,
    ``tldrs`` the TL;DRs kept for its papers."""
    scores = (result.scores or {}) if ranked else {}
    explanations = (result.explanations or {}) if ranked else {}
    matches = (result.matches or {}) if ranked else {}
    out = []
    for index, paper in enumerate(result.papers):
        pid = paper.rowid if paper.rowid is not None else -1
        why = (reasons[pid],) if reasons and pid in reasons else ()
        if pid in matches:  # the match level first: strong, good, weak (hub recommend)
            why = (view._(f"card_match_{matches[pid]}"), *why)
        number = result.start + index if numbered else None
        out.append(page_card(view, paper, number, reasons=why, score=scores.get(pid),
                             explanation=explanations.get(pid), tldr=tldrs.get(paper.key) if tldrs else None))
    return out


def notices(view: View, items: list[Notice]) -> list[dict[str, str]]:
    return [{"level": n.level, "text": view._(n.key, **n.params)} for n in items]
