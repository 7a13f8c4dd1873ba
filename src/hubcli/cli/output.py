"""The CLI's output: formats, listings, notices and results of ``api`` calls, written to
stdout (data) and stderr (notices) in the run's language."""

from typing import TYPE_CHECKING, Any, Optional

from hubcli.api.results import Data, Listing, Notice, Result
from hubcli.cli.context import OUT, STATE, t
from hubcli.errors import UsageError
from hubcli.filters import Filters
from hubcli.models import Paper
from hubcli.render import FORMATS

if TYPE_CHECKING:
    from hubcli.render.formats import Tldrs


def resolve_format(value: Optional[str]) -> str:
    if value is None:
        return "panels" if OUT.stdout_is_terminal() else "plain"
    fmt = value.strip().lower()
    if fmt not in FORMATS:
        raise UsageError("bad_format", value=value, choices=", ".join(FORMATS))
    return fmt


def chips(filters: Filters) -> list[str]:
    """The active filters, as the chips above a listing, in the run's language."""
    return [t(key, **params) for key, params in filters.chips()]


def positive(value: Optional[int], option: str, minimum: int = 1) -> None:
    if value is not None and value < minimum:
        raise UsageError("bad_positive", option=option, minimum=minimum)


def emit(papers: list[Paper], fmt: str, *, filters: Filters, footer: str, start: int = 1,
         reasons: Optional[dict[int, str]] = None, details: Optional[dict[int, list[str]]] = None,
         extras: Optional[dict[int, dict[str, object]]] = None, tldrs: Optional["Tldrs"] = None) -> None:
    """Write papers in a format; chips and footer go to stdout only with panels.  On a
    terminal a listing taller than the screen goes through the pager.  ``reasons`` and
    ``details`` are shown on cards, ``extras`` added to JSON objects (scores), ``tldrs``
    (``--tldr``) on cards and as fields."""
    from hubcli.cli.pager import paged

    if fmt == "panels":
        from hubcli.render.panels import render_papers

        with paged():
            render_papers(OUT.console(), papers, lang=STATE.lang, chips=chips(filters), footer=footer, start=start,
                          reasons=reasons, details=details, tldrs=tldrs)
        return
    if fmt == "bibtex":
        from hubcli.render import bibtex  # only when asked for: it loads the card helpers

        with paged():
            OUT.data(bibtex.to_bibtex(papers))
        return
    from hubcli.render import formats

    writers: dict[str, Any] = {
        "plain": lambda ps: formats.to_plain(ps, lang=STATE.lang, start=start,
                                             details=_plain_details(reasons, details), tldrs=tldrs),
        "json": lambda ps: formats.to_json(ps, extras, tldrs), "jsonl": lambda ps: formats.to_jsonl(ps, extras, tldrs),
        "csv": lambda ps: formats.to_csv(ps, tldrs),
        "markdown": lambda ps: formats.to_markdown(ps, lang=STATE.lang, start=start, tldrs=tldrs),
    }
    with paged():
        OUT.data(writers[fmt](papers))
    if fmt == "plain" and footer:
        OUT.info(footer)


def _plain_details(reasons: Optional[dict[int, str]], details: Optional[dict[int, list[str]]]
                   ) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {pid: [why] for pid, why in (reasons or {}).items() if why}
    for pid, lines in (details or {}).items():
        out.setdefault(pid, []).extend(lines)
    return out


def notify(notices: list[Notice]) -> None:
    """A result's notices, in the run's language, on stderr."""
    for notice in notices:
        params = {k: v[:200] + "…" if isinstance(v, str) and len(v) > 200 else v for k, v in notice.params.items()}
        getattr(OUT, notice.level)(t(notice.key, **params))


def show_result(result: Result) -> None:
    notify(result.before)
    notify(result.after)


def show_items(result: Data, as_json: bool) -> bool:
    """A listing of items as JSON, or its notices when it has none: True when nothing is
    left for the caller to render."""
    if as_json:
        import json

        OUT.data(json.dumps(result.items, ensure_ascii=False, indent=2) + "\n")
        return True
    if not result.items:
        show_result(result)
        return True
    return False


def show_listing(result: Listing, fmt: str, filters: Filters, *, tldr: bool = False, offline: bool = False) -> None:
    """A listing as ``fmt``; with ``tldr`` (``--tldr``), each paper's TL;DR too (``offline``:
    the extracted ones only)."""
    notify(result.before)
    tldrs: Optional[Tldrs] = None
    if tldr:
        tldrs = listing_tldrs(result.papers, offline=offline)
    footer = t(result.footer.key, **result.footer.params) if result.footer else ""
    reasons: dict[int, str] = {}
    if result.reasons is not None:
        reasons = {pid: ", ".join(t(m.key, **m.params) for m in why) for pid, why in result.reasons.items()}
    details: dict[int, list[str]] = {}
    extras: dict[int, dict[str, object]] = {}
    matches = result.matches or {}
    for pid, score in (result.scores or {}).items():
        level = t(f"card_match_{matches[pid]}") if pid in matches else ""
        reasons[pid] = ", ".join(x for x in (level, t("card_score", score=f"{score:.2f}"), reasons.get(pid)) if x)
        extras[pid] = {"score": score, "match": matches[pid]} if pid in matches else {"score": score}
    for pid, why in (result.explanations or {}).items():
        extras.setdefault(pid, {})["explain"] = {"words": why.words, "like": why.like_key, "interest": why.interest}
        if why.words:
            details.setdefault(pid, []).append(t("card_words", words=", ".join(why.words)))
        if why.like_title:
            details.setdefault(pid, []).append(t("card_like", title=why.like_title))
        if why.interest:
            details.setdefault(pid, []).append(t("card_interest", name=why.interest))
    emit(result.papers, fmt, filters=filters, footer=footer, start=result.start, reasons=reasons or None,
         details=details or None, extras=extras or None, tldrs=tldrs)
    if fmt in ("panels", "plain", "markdown"):
        remember_cards(result)
    notify(result.after)
    _one_page_of_data(result, fmt)


def _one_page_of_data(result: Listing, fmt: str) -> None:
    """A machine format of a paged listing says it holds one page, and how to get all."""
    params = result.footer.params if result.footer and result.footer.key in ("footer", "footer_one") else {}
    pages, page = int(params.get("pages", 1)), int(params.get("page", 1))
    if fmt in ("json", "jsonl", "csv", "bibtex") and pages > 1 and page <= pages:
        OUT.hint(t("machine_one_page", page=page, pages=pages, shown=len(result.papers), total=params.get("total", 0)))


def remember_cards(result: Listing) -> None:
    """The cards just shown, for ``hub save 3``."""
    from hubcli.api.lookup import remember_cards as remember

    remember(STATE, [p.rowid for p in result.papers if p.rowid is not None], result.start)


# --- --tldr: the TL;DRs of a listing, a progress bar while a model writes them ----------------

class TldrLines:
    """The terminal's reporter: a Rich progress bar (papers done of all) while the model
    writes, started on the first report and only when stderr is a terminal; notices as
    lines on stderr (above the bar while it shows)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None

    def notice(self, notice: Notice) -> None:
        notify([notice])

    def progress(self, done: int, total: int) -> None:
        if total <= 0 or not OUT.stderr_is_terminal():
            return
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=OUT.console(stderr=True), transient=True)
            self.task = self.bar.add_task(t("tldr_progress"), total=total)
            self.bar.start()
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        bar, self.bar = self.bar, None
        if bar is not None:
            bar.stop()


def listing_tldrs(papers: list[Paper], *, offline: bool) -> "Tldrs":
    """The TL;DRs to show with a listing (``--tldr``)."""
    from hubcli.api.tldr import tldrs_for

    lines = TldrLines()
    try:
        return tldrs_for(STATE, papers, lang=STATE.lang, offline=offline, report=lines)
    finally:
        lines.close()
