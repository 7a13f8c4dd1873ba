"""``hub digest``: sync, resend what a target did not get, compose what is new since the
last digest, deliver it.

A digest holds the papers new since the digest's own mark (separate from radar's) that
match the user's interests (follows and configured topics, or every new paper without
any), plus the library's recommendations among everything new, in the library's order,
and the brief of the top ones.  A target that fails keeps the digest in the outbox; the
mark moves only when every target received the digest that covers it, so the next run
resends instead of skipping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from hubcli.api.brief import Reporter
from hubcli.api.results import Notice, Result
from hubcli.api.session import Session
from hubcli.api.sync import SyncReporter
from hubcli.digest.compose import DEFAULT_BRIEF, DEFAULT_LIMIT, POOL, Card, Digest, demote, new_id
from hubcli.errors import HubError
from hubcli.filters import Filters
from hubcli.i18n import Message, translate
from hubcli.models import Paper
from hubcli.render.formats import local_time, safe
from hubcli.sync_models import SyncReport

if TYPE_CHECKING:
    from hubcli.digest.config import DigestConfig
    from hubcli.digest.deliver import Target
    from hubcli.store.db import Store
    from hubcli.store.follows import Radar
    from hubcli.store.query import Selection


class DigestReporter(Reporter, SyncReporter, Protocol):
    """Where a digest reports: its sync, its brief and its deliveries."""


_SEPARATOR = {"zh": "；"}  # between the reasons: punctuation, not words (else "; ")


@dataclass(frozen=True)
class NothingSent:
    """Why a run had nothing to send (and what an ``--always`` digest with no paper says):
    a daily run that succeeds and sends nothing must say why, or the user cannot tell an
    empty day from a broken setup."""

    new: int  # papers new or changed since the last digest (dismissed ones left out)
    matched: int | None  # of them, matching a follow or a configured topic (None: the user has neither)
    passed: int | None  # of them, above the library's threshold (None: the library is too small to rank by)
    failed: tuple[str, ...] = ()  # sources whose sync failed in this run
    empty: tuple[str, ...] = ()  # sources that were empty in this run's sync (no items: weekends, holidays)
    synced: bool = True  # False with --no-sync
    last_sent: str | None = None  # when the last digest went out (UTC, ISO 8601); None: none yet

    def parts(self) -> list[Message]:
        """The reasons, each one message: the counts, the sources, the last digest."""
        parts = [self._counts()]
        if not self.synced:
            parts.append(Message("digest_why_no_sync"))
        if self.failed:
            parts.append(Message("digest_why_failed", {"sources": ", ".join(self.failed)}))
        if self.empty:
            parts.append(Message("digest_why_empty", {"sources": ", ".join(self.empty)}))
        if self.last_sent:
            parts.append(Message("digest_why_last", {"when": local_time(self.last_sent)}))
        elif self.last_sent is None:
            parts.append(Message("digest_why_never"))
        return parts

    def _counts(self) -> Message:
        if not self.new:
            return Message("digest_why_none_new")
        if self.matched is None and self.passed is None:
            return Message("digest_why_new", {"count": self.new})
        pieces = []
        if self.matched is not None:
            pieces.append(Message("digest_why_matched" if self.matched else "digest_why_matched_none",
                                  {"count": self.matched}))
        if self.passed is not None:
            pieces.append(Message("digest_why_passed" if self.passed else "digest_why_passed_none",
                                  {"count": self.passed}))
        key = "digest_why_new_but" if len(pieces) == 1 else "digest_why_new_but_two"
        return Message(key, {"count": self.new, **{f"part{n}": m for n, m in enumerate(pieces, start=1)}})

    def text(self, lang: str) -> str:
        """The reasons in ``lang``, as one clause (what the digest and the line say)."""
        separator = _SEPARATOR.get(lang, "; ")
        return separator.join(translate(m.key, lang, **m.params) for m in self.parts())


@dataclass
class DigestRun(Result):
    """What a run did: the digest it composed (None when it made none), why nothing was
    sent (``nothing``: when the digest had no paper, sent with ``--always`` or not) and,
    for each target that failed, the error saying the digest was kept (the last one is
    the run's outcome)."""

    digest: Digest | None = None
    errors: list[HubError] = field(default_factory=list)
    nothing: NothingSent | None = None


# --- composing --------------------------------------------------------------------------------

@dataclass
class _Interests:
    selection: Selection  # new since the mark and matching any interest
    radar: Radar  # the parts, for the reasons
    any: bool  # whether the user has any follow or configured topic


def _interests(store: Store, session: Session, since: str) -> _Interests:
    """radar's follows plus the configured topics (``[topics.NAME]``) not followed already;
    with none of either, every new paper."""
    from hubcli.resolve import radar_selection, resolve
    from hubcli.store.follows import Follow, Radar, list_follows
    from hubcli.store.query import Selection, build_selection

    settings = session.settings()
    radar = radar_selection(store, settings, only_new=False)
    parts = list(radar.parts)
    followed = {f.value.lower() for f, _ in parts if f.kind == "topic"}
    for name in settings.topics:
        if name.lower() in followed:
            continue
        sel = build_selection(store, resolve(Filters(topic=name), settings))
        if not sel.impossible:
            parts.append((Follow("topic", name, ""), sel))
    any_interest = bool(parts) or bool(list_follows(store))
    combined = Selection()
    if parts:
        combined.add_any([sel for _follow, sel in parts])
    elif any_interest:  # follows that match nothing stored
        combined.impossible = True
    combined.add_changed_since(since)
    return _Interests(combined, Radar(combined, parts, since), any_interest)


@dataclass
class _Chosen:
    ids: list[int]  # the digest's papers, in the library's order
    scores: dict[int, float]
    total: int  # new papers matching in all (the recommended ones included)
    new: int  # new papers, matching or not
    matched: int | None  # of them matching an interest (None: no follow and no topic)
    passed: int | None  # of them above the library's threshold (None: the library does not rank)


def _chosen(session: Session, store: Store, found: _Interests, since: str) -> _Chosen:
    """The papers of the digest in the library's order (the library's recommendations
    among everything new joining what matches an interest), their scores, and the counts
    that say why a digest is empty."""
    from hubcli.api.recommend import order_by_library
    from hubcli.store.digests import newest_changed
    from hubcli.store.query import Selection, count

    matched = newest_changed(store, found.selection, POOL)
    total = 0 if found.selection.impossible else count(store, found.selection)
    everything = Selection()
    everything.add_changed_since(since)
    everything.add_not_dismissed()
    new = count(store, everything)
    pool = newest_changed(store, everything, POOL) if found.any else []
    ranked = order_by_library(session, list(dict.fromkeys(matched + pool)))
    interest = total if found.any else None
    if ranked is None:
        return _Chosen(matched, {}, total, new, interest, None)
    scores = {pid: score for pid, score in ranked if score is not None}
    chosen = set(matched)
    recommended = {pid for pid in pool if pid not in chosen and scores.get(pid, 0.0) > 0}
    passed = sum(1 for pid in pool if scores.get(pid, 0.0) > 0) if found.any else None
    ids = [pid for pid, _ in ranked if pid in chosen or pid in recommended]
    return _Chosen(ids, scores, total + len(recommended), new, interest, passed)


def compose(session: Session, *, since: str, limit: int = DEFAULT_LIMIT, brief_count: int = DEFAULT_BRIEF,
            report: Reporter, offline: bool = False) -> Digest:
    """The digest of what changed after ``since``, in the session's language (no cards
    when nothing is new)."""
    return _compose(session, since=since, limit=limit, brief_count=brief_count, report=report, offline=offline)[0]


def _compose(session: Session, *, since: str, limit: int, brief_count: int, report: Reporter,
             offline: bool = False) -> tuple[Digest, _Chosen]:
    """:func:`compose`, with the counts behind it."""
    from hubcli.store.follows import latest_change, reasons_for
    from hubcli.store.papers import load_papers

    store = session.existing()
    found = _interests(store, session, since)
    found.selection.add_not_dismissed()
    up_to = latest_change(store) or since
    chosen = _chosen(session, store, found, since)
    ids, scores = chosen.ids[:limit], chosen.scores
    why = reasons_for(store, found.radar, ids) if found.any else {}
    cards = []
    for paper in load_papers(store.conn, ids):
        pid = paper.rowid or -1
        reasons = [(f.kind, f.value) for f in why.get(pid, [])]
        if scores.get(pid, 0.0) > 0:
            reasons.append(("recommended", f"{scores[pid]:.2f}"))
        cards.append(Card(paper, reasons or [("new", "")]))
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = Digest(new_id(created), created, session.lang, since, up_to, cards, chosen.total)
    from hubcli.api.tldr import digest_tldrs  # the cards' TL;DRs, when a model is configured

    digest_tldrs(session, cards, report=report, offline=offline)
    if cards and brief_count > 0:
        digest.brief, digest.brief_kind, digest.model = brief_of(
            session, [c.paper for c in cards[:brief_count]], report=report, offline=offline)
    return digest, chosen


def brief_of(session: Session, papers: list[Paper], *, report: Reporter,
             offline: bool = False) -> tuple[str, str, str | None]:
    """(Markdown, kind, model): the model's brief when one is configured (a model that fails
    is reported and the offline digest used instead: a scheduled digest still goes out)."""
    from hubcli.api.brief import BriefRequest, llm_config, write_brief

    model = llm_config(session).model
    if model and not offline:
        try:
            found = write_brief(session, BriefRequest(papers=papers, subtitle=""), report=report)
            return demote(found.text, drop_title=True), "model", found.model
        except HubError as exc:
            report.notice(Notice("warn", "digest_model_failed",
                                 {"model": model, "reason": Message(exc.key, dict(exc.params))}))
    found = write_brief(session, BriefRequest(papers=papers, subtitle="", offline=True), report=report)
    return demote(found.text, drop_title=True), "offline", None


# --- delivering -------------------------------------------------------------------------------

@dataclass
class _Delivery:
    """One run's deliveries: the settings and targets, where stdout goes, what failed."""

    session: Session
    cfg: DigestConfig
    report: DigestReporter
    stdout: Callable[[str], None]
    failures: list[tuple[Target, HubError]] = field(default_factory=list)

    def send(self, digest: Digest, targets: list[Target]) -> list[str]:
        """Deliver to each target; the specs of those that failed."""
        from hubcli.digest.deliver import deliver

        failed: list[str] = []
        for target in targets:
            try:
                deliver(digest, target, self.session.settings(), self.cfg.smtp, stdout=self.stdout)
            except HubError as exc:
                failed.append(target.spec)
                self.failures.append((target, exc))
            else:
                if target.kind != "stdout":
                    key = "digest_delivered_one" if len(digest.cards) == 1 else "digest_delivered"
                    self.report.notice(Notice("info", key, {"target": target.shown, "count": len(digest.cards)}))
        return failed

    def resend(self, store: Store) -> list[str]:
        """What the outbox holds, resent; the marks of the digests still owed."""
        from hubcli.digest import outbox
        from hubcli.digest.deliver import parse_target
        from hubcli.store.digests import move_digest_mark

        settings = self.session.settings()
        still_owed = []
        for item in outbox.pending(settings):
            left = self.send(item.digest, [parse_target(spec) for spec in item.targets])
            if left:
                outbox.keep(settings, item.digest, left)
                still_owed.append(item.digest.up_to)
            else:
                outbox.drop(item)
                move_digest_mark(store, item.digest.up_to, sent=True)
                self.report.notice(Notice("info", "digest_resent", {"id": item.digest.id}))
        return still_owed

    def errors(self) -> list[HubError]:
        from hubcli.digest.outbox import folder

        where = str(folder(self.session.settings()))
        return [HubError("digest_kept", target=target.shown, path=where,
                         reason=exc.params.get("reason") or Message(exc.key, dict(exc.params)))
                for target, exc in self.failures]


def run(session: Session, *, to: list[str], no_sync: bool, always: bool, report: DigestReporter,
        stdout: Callable[[str], None]) -> DigestRun:
    """One ``hub digest``: (sync,) resend the outbox, compose what is new, deliver it to
    ``to`` (else the configured targets, else stdout).  One digest at a time per database."""
    from hubcli.api.feeds import writable_store
    from hubcli.api.sync import lock_path
    from hubcli.digest.config import digest_config
    from hubcli.digest.deliver import parse_target
    from hubcli.sync import sync_lock

    settings = session.settings()
    cfg = digest_config(settings)
    targets = [parse_target(spec) for spec in (to or cfg.to or ["-"])]
    store = writable_store(session)
    delivery = _Delivery(session, cfg, report, stdout)
    # the timer and a manual run: one at a time
    with sync_lock(lock_path(settings, "digest"), on_wait=lambda: report.notice(Notice("info", "digest_locked"))):
        done = _deliver_new(store, delivery, targets, no_sync=no_sync, always=always)
    done.errors = delivery.errors()
    return done


def _deliver_new(store: Store, delivery: _Delivery, targets: list[Target], *, no_sync: bool,
                 always: bool) -> DigestRun:
    from hubcli.digest import outbox
    from hubcli.store.digests import digest_mark, last_sent, move_digest_mark

    session = delivery.session
    synced = None if no_sync else _sync(delivery)
    still_owed = delivery.resend(store)
    since = max([digest_mark(store), *still_owed])
    sent_before = last_sent(store)
    digest, chosen = _compose(session, since=since, limit=delivery.cfg.limit, brief_count=delivery.cfg.brief,
                              report=delivery.report)
    nothing = None if digest.cards else _nothing_sent(chosen, synced, sent_before if sent_before
                                                      else ("" if since else None))
    if nothing is not None:
        digest.note = nothing.text(digest.lang)
    if not digest.cards and not always:
        if not delivery.failures and not still_owed:
            move_digest_mark(store, digest.up_to)  # what changed matched no interest: not looked at again
        # a digest still owed to a target is the run's news, not "nothing new"
        return DigestRun(digest=digest, nothing=None if delivery.failures or still_owed else nothing)
    failed = delivery.send(digest, targets)
    if failed:
        outbox.keep(session.settings(), digest, failed)
    else:  # every target has it (an older digest still owed keeps its own record)
        move_digest_mark(store, digest.up_to, sent=True)
    return DigestRun(digest=digest, nothing=nothing)


def _sync(delivery: _Delivery) -> SyncReport:
    """This run's sync: what it says goes to the reporter; its report, for why nothing was sent."""
    from hubcli.api.sync import sync

    return sync(delivery.session, [], followed=False, report=delivery.report).report


def _nothing_sent(chosen: _Chosen, synced: SyncReport | None, last: str | None) -> NothingSent:
    """Why the digest holds no paper: the counts, the sources of this run's sync that
    failed or were empty, and when the last digest went out."""
    results = synced.results if synced is not None else []
    return NothingSent(new=chosen.new, matched=chosen.matched, passed=chosen.passed,
                       failed=tuple(safe(r.source.label or r.source.spec) for r in results if r.failed),
                       empty=tuple(safe(r.source.label or r.source.spec) for r in results if r.empty and not r.failed),
                       synced=synced is not None, last_sent=last)
