"""Per-paper TL;DRs: the one door for ``--tldr``, the page and the digest.

:func:`cached_tldrs` reads what is kept (no model call: the page's GET and the brief use
it); :func:`tldrs_for` gives every paper one, asking the configured model for the papers it
has not summarised yet, the abstract's key sentence (``kind="extracted"``) otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from hubcli.api.results import Notice
from hubcli.api.session import Session
from hubcli.i18n import Message
from hubcli.models import Paper, Tldr

if TYPE_CHECKING:
    from hubcli.brief.config import LLMConfig
    from hubcli.brief.tldr import Outcome
    from hubcli.digest.compose import Card
    from hubcli.store.db import Store


def cached_tldrs(session: Session, papers: Sequence[Paper], lang: str) -> dict[str, Tldr]:
    """The model-written TL;DRs kept for ``papers`` in ``lang`` (any model's, the newest),
    by paper key; papers without one are absent (:func:`hubcli.brief.tldr.key_sentence`
    gives their extracted sentence).  No model is asked, nothing is written."""
    return _kept(session, papers, lang, None)


def _kept(session: Session, papers: Sequence[Paper], lang: str, model: str | None) -> dict[str, Tldr]:
    """The kept TL;DRs of ``papers``: ``model``'s, or any model's (the newest) for None."""
    store = session.reader()
    if store is None or not papers:
        return {}
    from hubcli.brief.tldr import version_of
    from hubcli.store.tldrs import TldrKey, cached

    wanted = {TldrKey(paper.key, version_of(paper)): paper.key for paper in papers}
    found = cached(store, wanted, model=model, lang=lang)
    return {wanted[key]: Tldr(text, "model", lang, name) for key, (text, name) in found.items()}


DEFAULT_PER_DAY = 200  # papers a day a model summarises unless [llm] tldr_per_day says otherwise


class TldrReporter(Protocol):
    """Where TL;DRs report while they are written: notices (catalogue keys; the terminal
    prints them on stderr) and papers done of all (the progress bar)."""

    def notice(self, notice: Notice) -> None: ...
    def progress(self, done: int, total: int) -> None: ...


class QuietTldrs:
    """A reporter that keeps nothing."""

    def notice(self, notice: Notice) -> None:
        pass

    def progress(self, done: int, total: int) -> None:
        pass


def extracted(paper: Paper, lang: str) -> Tldr:
    """The abstract's key sentence as a paper's TL;DR, marked as extracted."""
    from hubcli.brief.tldr import key_sentence

    return Tldr(key_sentence(paper), "extracted", lang, None)


def per_day(session: Session) -> int:
    """``[llm] tldr_per_day``: papers a model may summarise a day (ConfigError when not a
    whole number >= 0)."""
    from hubcli.config import checked_value

    settings = session.settings()
    value = checked_value(settings.llm, "tldr_per_day", int, settings.paths.config_file, table="llm", minimum=0)
    return DEFAULT_PER_DAY if value is None else int(value)


def _configured(session: Session) -> LLMConfig:
    """The model briefs ask (``HUB_MODEL``/``HUB_API_BASE`` over config ``[llm]``): the
    same configuration as ``api.brief.llm_config`` without options (this module is one
    the brief reads, so it does not import the brief's)."""
    from hubcli.brief.config import llm_config

    settings = session.settings()
    return llm_config(settings.llm, settings.paths.config_file, model=None, api_base=None, timeout=None)


def _model(session: Session, offline: bool) -> LLMConfig | None:
    """The configured model (None without one, or ``offline``: then a broken ``[llm]``
    table does not matter)."""
    if offline:
        return None
    cfg = _configured(session)
    return cfg if cfg.model else None


def tldrs_for(session: Session, papers: Sequence[Paper], *, lang: str, offline: bool = False,
              report: TldrReporter | None = None) -> dict[str, Tldr]:
    """A TL;DR for every paper, by paper key: kept ones first (the configured model's; any
    model's without one or ``offline``), then the model's for the rest, within the daily
    cap; the abstract's key sentence (``kind="extracted"``) where there is no model, it
    failed, or the cap is reached.  What happened is told to ``report`` (each once)."""
    report = report or QuietTldrs()
    unique = list({paper.key: paper for paper in papers}.values())
    cfg = _model(session, offline)
    store = session.reader()
    found = _kept(session, unique, lang, cfg.model if cfg else None)
    missing = [paper for paper in unique if paper.key not in found]
    if not missing:
        if found and cfg is not None:
            report.notice(Notice("info", "tldr_from_cache", {"count": len(found)}))
        return found
    if store is None:  # papers handed in without a cache to keep anything in
        return found | {paper.key: extracted(paper, lang) for paper in missing}
    if cfg is None:
        if offline:
            report.notice(Notice("info", "tldr_extracted_offline", {"count": len(missing)}))
        else:
            report.notice(Notice("hint", "tldr_extracted_no_model",
                                 {"count": len(missing), "config": str(session.settings().paths.config_file)}))
        return found | {paper.key: extracted(paper, lang) for paper in missing}
    asked = _within_cap(session, store, missing, report)
    written = _written(store, cfg, asked, lang, report) if asked else {}
    for paper in missing:
        found[paper.key] = written.get(paper.key) or extracted(paper, lang)
    return found


def _start_of_today() -> str:
    """Local midnight as a stored (UTC) time stamp: the daily cap's day is the user's."""
    from datetime import UTC, datetime

    midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _within_cap(session: Session, store: Store, missing: list[Paper], report: TldrReporter) -> list[Paper]:
    """The papers the model may still summarise today (the rest: one notice)."""
    from hubcli.store.tldrs import written_since

    cap = per_day(session)
    left = max(0, cap - written_since(store, _start_of_today()))
    if len(missing) > left:
        report.notice(Notice("warn", "tldr_daily_cap", {"cap": cap, "count": len(missing) - left}))
    return missing[:left]


def _window(store: Store, cfg: LLMConfig) -> tuple[int, bool]:
    """Tokens one request may use (config, else what the server reports, else litellm's
    map, else the brief's default) and whether the server is llama.cpp."""
    from hubcli.brief import run
    from hubcli.brief.select import DEFAULT_CONTEXT_WINDOW

    server = run.server_info(store, cfg)
    llama = server is not None and server.kind == "llama.cpp"
    if cfg.context_window:
        return cfg.context_window, llama
    if server is not None and server.context:
        return server.context, llama
    assert cfg.model
    return run.model_limits(store, cfg.model)[0] or DEFAULT_CONTEXT_WINDOW, llama


def _written(store: Store, cfg: LLMConfig, papers: list[Paper], lang: str, report: TldrReporter) -> dict[str, Tldr]:
    """The model's TL;DRs of ``papers`` (kept in the database as they come), with the
    usage, a failure and the papers left without one told to ``report``."""
    import time

    from hubcli.brief import tldr
    from hubcli.errors import StoreError
    from hubcli.store.tldrs import TldrKey, keep

    assert cfg.model
    window, llama = _window(store, cfg)
    groups = tldr.batches(papers, window=window, lang=lang)
    total = len(papers)
    version = {paper.key: tldr.version_of(paper) for paper in papers}
    unkept: list[StoreError] = []

    def answered(tldrs: dict[str, str]) -> None:  # kept batch by batch: an interrupted run loses little
        try:
            keep(store, [(TldrKey(key, version[key]), text) for key, text in tldrs.items()], model=model, lang=lang)
        except StoreError as exc:
            unkept.append(exc)

    model = cfg.model
    report.progress(0, total)
    started = time.monotonic()
    outcome = tldr.write(cfg, groups, lang=lang, llama=llama, answered=answered,
                         notify=lambda message: report.notice(Notice("warn", message.key, dict(message.params))),
                         progress=lambda done: report.progress(done, total))
    seconds = time.monotonic() - started
    if unkept:
        report.notice(Notice("warn", "tldr_cache_write_failed", {"reason": Message(unkept[0].key,
                                                                                    dict(unkept[0].params))}))
    _tell(report, model, outcome, total, seconds)
    return {key: Tldr(text, "model", lang, cfg.model) for key, text in outcome.answers.items()}


def _tell(report: TldrReporter, model: str, outcome: Outcome, total: int, seconds: float) -> None:
    """The failure, the papers without a usable answer, and the usage: one line each."""
    if outcome.error is not None:
        left = total - len(outcome.answers)
        report.notice(Notice("warn", "tldr_model_failed", {
            "reason": Message(outcome.error.key, dict(outcome.error.params)), "count": left}))
    elif outcome.unusable:
        report.notice(Notice("warn", "tldr_unusable", {"model": model, "count": outcome.unusable, "total": total}))
    if outcome.usage.calls:
        report.notice(Notice("info", "tldr_usage", {"count": len(outcome.answers), "model": model,
                                                    **outcome.usage.spent(), "seconds": f"{seconds:.1f}"}))


class LineReporter(Protocol):
    """A brief's reporter as the digest passes it (``api.brief.Reporter``): notices, and a
    progress line (``None`` clears it)."""

    def notice(self, notice: Notice) -> None: ...
    def progress(self, message: Message | None) -> None: ...


class _BriefLines:
    """A brief's reporter (the digest's) as a TL;DR reporter: notices as they are,
    progress as its progress line."""

    def __init__(self, report: LineReporter) -> None:
        self.report = report

    def notice(self, notice: Notice) -> None:
        self.report.notice(notice)

    def progress(self, done: int, total: int) -> None:
        self.report.progress(Message("tldr_progress_count", {"done": done, "total": total}) if done < total else None)


def digest_tldrs(session: Session, cards: Sequence[Card], *, report: LineReporter, offline: bool = False) -> None:
    """Give each digest card its TL;DR when a model is configured (cards stay without one
    otherwise); a broken ``[llm]`` table leaves them without one too (the brief says why)."""
    from hubcli.errors import HubError

    try:
        if not cards or not _configured(session).model:
            return
    except HubError:
        return
    found = tldrs_for(session, [card.paper for card in cards], lang=session.lang, offline=offline,
                      report=_BriefLines(report))
    for card in cards:
        card.tldr = found.get(card.paper.key)
