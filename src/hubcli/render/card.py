"""A paper card: the ONE view of a paper in a listing that every front end draws (the
terminal's panels, the page, the digest), with one rule per concept.

- a card names the first :data:`AUTHORS_LIMIT` authors and says how many more there are
  (a full card, the paper's own view, names them all);
- a card's abstract is cut at a word before :data:`ABSTRACT_LIMIT` characters, with " …"
  (a full card keeps it whole);
- links are http(s) only (:func:`safe_url`);
- feed text has no control characters (:func:`safe`);
- a title and an abstract show their LaTeX as readable text (:func:`hubcli.render.latex.readable`:
  ``NH$_3$`` -> ``NH₃``, ``Poincar\\'e`` -> ``Poincaré``); machine formats keep the source.

Texts (the library state, "and N more", "(untitled)") are in the language passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from hubcli.i18n import translate
from hubcli.models import LibraryState, Paper, Tldr
from hubcli.render.dates import cited_date
from hubcli.render.latex import readable
from hubcli.text import safe

AUTHORS_LIMIT = 8
ABSTRACT_LIMIT = 700


def safe_url(url: str | None) -> str | None:
    """An ``http(s)`` URL, without controls or spaces, with the characters that would end
    a Markdown link or an HTML attribute percent-encoded; None for anything else (never
    ``javascript:`` or ``data:``)."""
    value = re.sub(r"\s+", "", safe(url))
    try:
        if urlsplit(value).scheme.lower() not in ("http", "https"):
            return None
    except ValueError:
        return None
    return quote(value, safe=":/?#[]@!$&*+,;=%~-._")


def url_scheme(url: str | None) -> str:
    """A link's scheme as a person reads it (``javascript:``), for a refusal; ``?`` when it has none."""
    value = re.sub(r"\s+", "", safe(url))
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        scheme = ""
    return f"{scheme[:20]}:" if scheme else "?"


def source_label(paper: Paper) -> str:
    """The card's source: the arXiv listing it came from (``arXiv (CS.AI)``), else the
    paper's primary category, else the journal feed's label."""
    if paper.arxiv_id:
        # a cross-listed paper shows its own (primary) listing, whichever feed was synced first
        if paper.primary_category:
            own = f"arXiv ({paper.primary_category.upper()})"
            if own in paper.sources:
                return own
        for label in paper.sources:
            if label.startswith("arXiv (") and len(label) <= 40:
                return label
        if paper.primary_category:
            return f"arXiv ({paper.primary_category.upper()})"
        return "arXiv"
    if paper.sources:
        return paper.sources[0]
    return paper.journal or ""


def display_id(paper: Paper) -> str:
    if paper.arxiv_id:
        return safe(f"arxiv:{paper.arxiv_id}" + (f"v{paper.version}" if paper.version else ""))
    return safe(paper.key)  # keys come from links and DOIs a feed wrote (older caches kept their controls)


def authors_line(paper: Paper, lang: str, *, limit: int = AUTHORS_LIMIT) -> str:
    """The authors, the first ``limit`` of them named, then "and N more"."""
    names = [safe(a) for a in paper.authors]
    if len(names) > limit:
        return ", ".join(names[:limit]) + ", " + translate("and_more_authors", lang, count=len(names) - limit)
    return ", ".join(names)


def state_line(paper: Paper, lang: str) -> str:
    """The paper's library state as a card shows it (``★ saved · tags: a, b · note``), or ""."""
    state = paper.library
    parts = []
    if state.saved:
        parts.append(translate("card_saved", lang))
    if state.tags:
        parts.append(translate("card_tags", lang, tags=", ".join(safe(tag) for tag in state.tags)))
    if state.note:
        first = safe(state.note).strip().split("\n", 1)[0]
        parts.append(translate("card_note", lang, note=first[:60] + ("…" if len(first) > 60 else "")))
    if state.read:
        parts.append(translate("card_read", lang))
    if state.dismissed:
        parts.append(translate("card_dismissed", lang))
    return " · ".join(parts)


def cut_abstract(text: str | None, limit: int = ABSTRACT_LIMIT) -> str:
    """An abstract for a card: whitespace folded, cut at a word before ``limit``
    characters with " …"."""
    clean = re.sub(r"\s+", " ", safe(readable(text or ""))).strip()
    if len(clean) > limit:
        clean = clean[:limit].rsplit(" ", 1)[0] + " …"
    return clean


@dataclass(frozen=True)
class Link:
    """One of a paper's pages: ``page`` (its abstract page), ``pdf`` or ``doi``."""

    kind: str
    url: str


@dataclass(frozen=True)
class Card:
    """A paper as a card shows it; every text is safe feed text or already translated."""

    number: int
    key: str
    ident: str
    title: str
    untitled: bool
    authors: tuple[str, ...]
    more_authors: int
    more_text: str
    abstract: str
    source: str
    date: str
    state: LibraryState
    state_text: str
    url: str | None
    pdf_url: str | None
    links: tuple[Link, ...]
    categories: tuple[str, ...]
    journal: str
    is_arxiv: bool
    full: bool = False
    score: float | None = None
    words: tuple[str, ...] = ()
    like_title: str | None = None
    interest: str | None = None  # the library's interest it serves (a ranked card of a library with several)
    reasons: tuple[str, ...] = field(default_factory=tuple)
    tldr: str = ""  # the paper's TL;DR as shown (readable, safe), "" without one
    tldr_label: str = ""  # "TL;DR", or "TL;DR (extracted)" for the abstract's key sentence
    tldr_extracted: bool = False

    @property
    def authors_text(self) -> str:
        """The named authors, then "and N more" when some are not named."""
        return ", ".join([*self.authors, *([self.more_text] if self.more_text else [])])

    @property
    def meta(self) -> str:
        """``source · date · id``."""
        return " · ".join(x for x in (self.source, self.date, self.ident) if x)


def links(paper: Paper) -> tuple[Link, ...]:
    """A paper's pages, http(s) only: the abstract page, the PDF, the DOI (each once)."""
    out: list[Link] = []
    page = safe_url(paper.url)
    if page:
        out.append(Link("page", page))
    pdf = safe_url(paper.pdf_url)
    if pdf and pdf != page:
        out.append(Link("pdf", pdf))
    doi = safe_url(f"https://doi.org/{paper.doi}") if paper.doi else None
    if doi and doi != page:
        out.append(Link("doi", doi))
    return tuple(out)


def date_text(paper: Paper, lang: str) -> str:
    """The card's date: as announced, and when that announced a newer version of an older
    arXiv paper, its first version's month too (what a citation of it carries)."""
    shown = safe(paper.published)
    first = cited_date(paper)
    if first and first != paper.published:
        return translate("card_first_version", lang, date=shown, first=safe(first))
    return shown


def tldr_label(tldr: Tldr, lang: str) -> str:
    """The TL;DR's label: "TL;DR", or "TL;DR (extracted)" for the abstract's key sentence."""
    return translate("card_tldr_extracted" if tldr.kind == "extracted" else "card_tldr", lang)


def tldr_line(tldr: Tldr, lang: str, text: str) -> str:
    """The line ``TL;DR: text`` (``TL;DR (extracted): text``) in ``lang``."""
    return translate("card_tldr_extracted_line" if tldr.kind == "extracted" else "card_tldr_line", lang, text=text)


def tldr_text(tldr: Tldr | None) -> str:
    """A TL;DR as a card shows it (its LaTeX readable, whitespace folded); "" without one."""
    return re.sub(r"\s+", " ", safe(readable(tldr.text))).strip() if tldr is not None else ""


def card(paper: Paper, number: int, *, lang: str, full: bool = False, reasons: tuple[str, ...] = (),
         score: float | None = None, words: tuple[str, ...] = (), like_title: str | None = None,
         interest: str | None = None, tldr: Tldr | None = None) -> Card:
    """The card of ``paper``, numbered ``number``; ``full`` keeps every author and the whole
    abstract (the paper's own view); ``tldr`` its TL;DR, when one is shown."""
    names = [name for name in (safe(a) for a in paper.authors) if name]
    more = 0
    if not full and len(names) > AUTHORS_LIMIT:  # a collaboration paper lists hundreds
        names, more = names[:AUTHORS_LIMIT], len(names) - AUTHORS_LIMIT
    title = safe(readable(paper.title or ""))
    return Card(
        number=number, key=paper.key, ident=display_id(paper),
        title=title or translate("untitled", lang), untitled=not title,
        authors=tuple(names), more_authors=more,
        more_text=translate("and_more_authors", lang, count=more) if more else "",
        abstract=safe(readable(paper.abstract or "")).strip() if full else cut_abstract(paper.abstract),
        source=safe(source_label(paper)), date=date_text(paper, lang),
        state=paper.library, state_text=state_line(paper, lang),
        url=safe_url(paper.url), pdf_url=safe_url(paper.pdf_url), links=links(paper),
        categories=tuple(safe(c) for c in paper.categories), journal=safe(paper.journal),
        is_arxiv=bool(paper.arxiv_id), full=full, score=score, words=tuple(safe(w) for w in words),
        like_title=safe(readable(like_title)) if like_title is not None else None,
        interest=safe(interest) if interest else None, reasons=tuple(reasons),
        tldr=tldr_text(tldr), tldr_label=tldr_label(tldr, lang) if tldr is not None and tldr_text(tldr) else "",
        tldr_extracted=tldr is not None and tldr.kind == "extracted",
    )
