"""The seed page's look in Rich: a chips header, numbered cards, a footer.

Feed text only ever enters Rich as :class:`rich.text.Text` (never markup), after
control characters are stripped, so a title like ``[bold red]x`` or ``\\x1b[2J`` is shown
as the characters it is and cannot style or move the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from hubcli.i18n import t
from hubcli.models import Paper
from hubcli.render.formats import authors_line, display_id, safe, source_label, state_line

ABSTRACT_LIMIT = 700
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


def paper_card(number: int, paper: Paper, *, full: bool = False, reason: str | None = None,
               details: Sequence[str] = (), width: int = MAX_WIDTH) -> Panel:
    """One card; at ``width`` columns a long source label is shortened so the date always shows."""
    meta = Text()
    number_text = f"{number:02d}. "
    date_text = f" · {paper.published or '????-??-??'}"
    meta.append(number_text, style="bold magenta")
    label = Text(safe(source_label(paper)), style="bold blue")
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
    body: list[Text] = [Text(safe(paper.title) or t("untitled"), style="bold")]
    if paper.authors:
        body.append(Text(authors_line(paper, limit=1000 if full else 8), style="italic green"))
    state = state_line(paper)
    if state:
        body.append(Text(state, style="bold yellow"))
    for line in details:
        body.append(Text(safe(line), style="yellow"))
    abstract = safe(paper.abstract)
    if abstract:
        if not full and len(abstract) > ABSTRACT_LIMIT:
            abstract = abstract[: ABSTRACT_LIMIT - 1].rstrip() + "…"
        body.append(Text(abstract))
    elif full:
        body.append(Text(t("no_abstract"), style="dim"))
    body.append(Text(f"{display_id(paper)}  {safe(paper.url or '')}", style="dim"))
    return Panel(Group(*body), title=meta, title_align="left", border_style="blue", padding=(0, 1), width=width)


def render_papers(console: Console, papers: Sequence[Paper], *, chips: Sequence[str], footer: str,
                  start: int = 1, reasons: dict[int, str] | None = None,
                  details: dict[int, list[str]] | None = None) -> None:
    if chips:
        console.print(chips_line(chips))
    width = panel_width(console)
    for offset, paper in enumerate(papers):
        reason = reasons.get(paper.rowid or -1) if reasons else None
        lines = details.get(paper.rowid or -1, []) if details else []
        console.print(paper_card(start + offset, paper, reason=reason, details=lines, width=width))
    console.print(Text(footer, style="dim"))


def detail_rows(paper: Paper) -> list[tuple[str, str]]:
    rows = [(t("label_id"), display_id(paper))]
    if paper.authors:
        rows.append((t("label_authors"), "; ".join(safe(a) for a in paper.authors)))
    for label, value in (
        (t("label_published"), paper.published), (t("label_updated"), paper.updated),
        (t("label_version"), f"v{paper.version}" if paper.version else None),
        (t("label_type"), paper.announce_type), (t("label_categories"), ", ".join(paper.categories) or None),
        (t("label_doi"), paper.doi), (t("label_journal"), paper.journal),
        (t("label_sources"), "; ".join(paper.sources) or None),
        (t("label_links"), "  ".join(x for x in (paper.url, paper.pdf_url) if x) or None),
        (t("label_library"), state_line(paper) or None),
        (t("label_note"), paper.library.note),
    ):
        if value:
            rows.append((label, safe(str(value))))
    return rows


def render_detail(console: Console, paper: Paper) -> None:
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    for label, value in detail_rows(paper):
        table.add_row(Text(label), Text(value))
    body = Group(Text(safe(paper.title) or t("untitled"), style="bold"), Text(""), table, Text(""),
                 Text(safe(paper.abstract) or t("no_abstract")))
    console.print(Panel(body, title=Text(safe(source_label(paper)), style="bold blue"), title_align="left",
                        border_style="blue", padding=(0, 1), width=panel_width(console)))
