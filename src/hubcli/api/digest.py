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
from hubcli.i18n import Message
from hubcli.models import Paper

if TYPE_CHECKING:
    from hubcli.digest.config import DigestConfig
    from hubcli.digest.deliver import Target
    from hubcli.store.db import Store
    from hubcli.store.follows import Radar
    from hubcli.store.query import Selection


class DigestReporter(Reporter, SyncReporter, Protocol):
    """Where a digest reports: its sync, its brief and its deliveries."""


@dataclass
class DigestRun(Result):
    """What a run did: the digest it composed (None when it made none) and, for each
    target that failed, the error saying the digest was kept (the last one is the run's
    outcome)."""

    digest: Digest | None = None
    errors: list[HubError] = field(default_factory=list)


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


def _chosen(session: Session, store: Store, found: _Interests, since: str
            ) -> tuple[list[int], dict[int, float], int]:
    """The papers of the digest in the library's order (the library's recommendations
    among everything new joining what matches an interest), their scores, and how many
    new papers match in all."""
    from hubcli.api.recommend import order_by_library
    from hubcli.store.digests import newest_changed
    from hubcli.store.query import Selection, count

    matched = newest_changed(store, found.selection, POOL)
    total = 0 if found.selection.impossible else count(store, found.selection)
    everything = Selection()
    everything.add_changed_since(since)
    everything.add_not_dismissed()
    pool = newest_changed(store, everything, POOL) if found.any else []
    ranked = order_by_library(session, list(dict.fromkeys(matched + pool)))
    if ranked is None:
        return matched, {}, total
    scores = {pid: score for pid, score in ranked if score is not None}
    chosen = set(matched)
    recommended = {pid for pid in pool if pid not in chosen and scores.get(pid, 0.0) > 0}
    return [pid for pid, _ in ranked if pid in chosen or pid in recommended], scores, total + len(recommended)


def compose(session: Session, *, since: str, limit: int = DEFAULT_LIMIT, brief_count: int = DEFAULT_BRIEF,
            report: Reporter, offline: bool = False) -> Digest:
    """The digest of what changed after ``since``, in the session's language (no cards
    when nothing is new)."""
    from hubcli.store.follows import latest_change, reasons_for
    from hubcli.store.papers import load_papers

    store = session.existing()
    found = _interests(store, session, since)
    found.selection.add_not_dismissed()
    up_to = latest_change(store) or since
    ids, scores, total = _chosen(session, store, found, since)
    ids = ids[:limit]
    why = reasons_for(store, found.radar, ids) if found.any else {}
    cards = []
    for paper in load_papers(store.conn, ids):
        pid = paper.rowid or -1
        reasons = [(f.kind, f.value) for f in why.get(pid, [])]
        if scores.get(pid, 0.0) > 0:
            reasons.append(("recommended", f"{scores[pid]:.2f}"))
        cards.append(Card(paper, reasons or [("new", "")]))
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = Digest(new_id(created), created, session.lang, since, up_to, cards, total)
    if cards and brief_count > 0:
        digest.brief, digest.brief_kind, digest.model = brief_of(
            session, [c.paper for c in cards[:brief_count]], report=report, offline=offline)
    return digest


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
                move_digest_mark(store, item.digest.up_to)
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
    # the timer and a manual run
    with sync_lock(lock_path(settings, "digest"), on_wait=lambda: report.notice(Notice("info", "digest_locked"))):
        digest = _deliver_new(store, delivery, targets, no_sync=no_sync, always=always)
    return DigestRun(digest=digest, errors=delivery.errors())


def _deliver_new(store: Store, delivery: _Delivery, targets: list[Target], *, no_sync: bool,
                 always: bool) -> Digest:
    from hubcli.digest import outbox
    from hubcli.store.digests import digest_mark, move_digest_mark

    session, report = delivery.session, delivery.report
    if not no_sync:
        from hubcli.api.sync import sync

        sync(session, [], followed=False, report=report)
    still_owed = delivery.resend(store)
    since = max([digest_mark(store), *still_owed])
    digest = compose(session, since=since, limit=delivery.cfg.limit, brief_count=delivery.cfg.brief, report=report)
    if not digest.cards and not always:
        if not delivery.failures and not still_owed:
            report.notice(Notice("info", "digest_nothing_new"))
            move_digest_mark(store, digest.up_to)  # what changed matched no interest: not looked at again
        return digest
    failed = delivery.send(digest, targets)
    if failed:
        outbox.keep(session.settings(), digest, failed)
    else:  # every target has it (an older digest still owed keeps its own record)
        move_digest_mark(store, digest.up_to)
    return digest
