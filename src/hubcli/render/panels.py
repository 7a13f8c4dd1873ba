"""The seed page's look in Rich: a chips header, numbered cards, a footer.

Feed text only ever enters Rich as :class:`rich.text.Text` (never markup), after
control characters are stripped, so a title like ``[bold red]x`` or ``\\x1b[2J`` is shown
as the characters it is and cannot style or move the terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from hubcli.i18n import translate
from hubcli.models import Paper, Tldr
from hubcli.render.card import Card, card, display_id, source_label, state_line
from hubcli.render.latex import readable
from hubcli.text import safe

# cards stay readable on wide terminals: lines of abstract no longer than a book's
MAX_WIDTH = 100
# what a panel's top border takes around its title: "╭─ " and " ─╮"
_TITLE_FRAME = 6


def panel_width(console: Console) -> int:
    """The width cards are drawn at: the terminal's, capped at :data:`MAX_WIDTH`."""
    return max(1, min(console.width, MAX_WIDTH))


def chips_line(chips: Sequence[str]) -> Text:
    line = Text()
    for chip in chips:
        line.append(f" {safe(chip)} ×", style="bold cyan reverse")
        line.append("  ")
    return line


def paper_card(number: int, paper: Paper, *, lang: str, full: bool = False, reason: str | None = None,
               details: Sequence[str] = (), width: int = MAX_WIDTH, tldr: Tldr | None = None) -> Panel:
    """One card; at ``width`` columns a long source label is shortened so the date always shows."""
    return card_panel(card(paper, number, lang=lang, full=full, tldr=tldr), lang=lang, reason=reason,
                      details=details, width=width)


def _title(shown: Card, reason: str | None, width: int) -> Text:
    meta = Text()
    number_text = f"{shown.number:02d}. "
    date_text = f" · {shown.date or '????-??-??'}"
    meta.append(number_text, style="bold magenta")
    label = Text(shown.source, style="bold blue")
    room = width - _TITLE_FRAME - cell_len(number_text) - cell_len(date_text)
    if room < 2:  # a very narrow terminal: the number and the date only
        date_text = date_text.removeprefix(" · ")
    else:
        if label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        meta.append_text(label)
    meta.append(date_text, style="dim")
    if reason:
        meta.append(f" · {safe(reason)}", style="yellow")
    return meta


def card_panel(shown: Card, *, lang: str, reason: str | None = None, details: Sequence[str] = (),
               width: int = MAX_WIDTH) -> Panel:
    """A :class:`~hubcli.render.card.Card` as a Rich panel."""
    body: list[Text] = [Text(shown.title, style="bold")]
    if shown.authors:
        body.append(Text(shown.authors_text, style="italic green"))
    if shown.state_text:
        body.append(Text(shown.state_text, style="bold yellow"))
    for line in details:
        body.append(Text(safe(line), style="yellow"))
    if shown.tldr:
        head = translate("card_tldr_extracted_line" if shown.tldr_extracted else "card_tldr_line", lang, text="")
        tldr_line = Text(head, style="bold cyan")
        tldr_line.append(shown.tldr, style="dim cyan" if shown.tldr_extracted else "cyan")
        body.append(tldr_line)
    if shown.abstract:
        body.append(Text(shown.abstract))
    elif shown.full:
        body.append(Text(translate("no_abstract", lang), style="dim"))
    body.append(Text(f"{shown.ident}  {shown.url or ''}", style="dim"))
    return Panel(Group(*body), title=_title(shown, reason, width), title_align="left", border_style="blue",
                 padding=(0, 1), width=width)


def render_papers(console: Console, papers: Sequence[Paper], *, lang: str, chips: Sequence[str], footer: str,
                  start: int = 1, reasons: dict[int, str] | None = None,
                  details: dict[int, list[str]] | None = None, tldrs: Mapping[str, Tldr] | None = None) -> None:
    if chips:
        console.print(chips_line(chips))
    width = panel_width(console)
    for offset, paper in enumerate(papers):
        reason = reasons.get(paper.rowid or -1) if reasons else None
        lines = details.get(paper.rowid or -1, []) if details else []
        console.print(paper_card(start + offset, paper, lang=lang, reason=reason, details=lines, width=width,
                                 tldr=tldrs.get(paper.key) if tldrs else None))
    console.print(Text(footer, style="dim"))


def detail_rows(paper: Paper, lang: str) -> list[tuple[str, str]]:
    """The paper's own view as (label, value) rows, labels in ``lang``."""

    def name(key: str) -> str:
        return translate(key, lang)

    rows = [(name("label_id"), display_id(paper))]
    if paper.authors:
        rows.append((name("label_authors"), "; ".join(safe(a) for a in paper.authors)))
    for label, value in (
        (name("label_published"), paper.published), (name("label_updated"), paper.updated),
        (name("label_version"), f"v{paper.version}" if paper.version else None),
        (name("label_type"), paper.announce_type), (name("label_categories"), ", ".join(paper.categories) or None),
        (name("label_doi"), paper.doi), (name("label_journal"), paper.journal),
        (name("label_sources"), "; ".join(paper.sources) or None),
        (name("label_links"), "  ".join(x for x in (paper.url, paper.pdf_url) if x) or None),
        (name("label_library"), state_line(paper, lang) or None),
        (name("label_note"), paper.library.note),
    ):
        if value:
            rows.append((label, safe(str(value))))
    return rows


def render_detail(console: Console, paper: Paper, *, lang: str) -> None:
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    for label, value in detail_rows(paper, lang):
        table.add_row(Text(label), Text(value))
    body = Group(Text(safe(readable(paper.title or "")) or translate("untitled", lang), style="bold"), Text(""),
                 table, Text(""), Text(safe(readable(paper.abstract or "")) or translate("no_abstract", lang)))
    console.print(Panel(body, title=Text(safe(source_label(paper)), style="bold blue"), title_align="left",
                        border_style="blue", padding=(0, 1), width=panel_width(console)))
