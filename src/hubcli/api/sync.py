"""``hub sync`` and the digest's sync: one call, one sync at a time per database.

The named sources (or every subscription) are fetched and stored (``hubcli.sync``), then
the ``--author`` names and, on a full sync, the followed authors that are due are
backfilled from the arXiv API (``hubcli.backfill``).  What happens is told to a
:class:`SyncReporter` as it happens; the front end renders the per-source summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from hubcli.api.results import Notice, Result
from hubcli.api.session import Session
from hubcli.errors import HubError
from hubcli.i18n import translate
from hubcli.sync_models import Source, SourceResult, SyncReport

if TYPE_CHECKING:
    from pathlib import Path

    from hubcli.config import Settings
    from hubcli.store.db import Store


class SyncReporter(Protocol):
    """Where a sync reports: notices, the fetches (``started`` with the number of sources,
    ``fetching`` from worker threads with the bytes received so far, ``finished`` as each
    source is stored, ``stored`` once every source is), then each author backfilled."""

    def notice(self, notice: Notice) -> None: ...
    def started(self, total: int) -> None: ...
    def fetching(self, source: Source, received: int, size: int | None) -> None: ...
    def finished(self, result: SourceResult) -> None: ...
    def stored(self, report: SyncReport) -> None: ...
    def backfilled(self, result: SourceResult) -> None: ...


@dataclass
class Synced(Result):
    """The sources synced (``report``; the authors backfilled come last in it), how many
    of its results are backfills, and ``offline`` (the notice said once) when every
    source failed for a network reason."""

    report: SyncReport = field(default_factory=SyncReport)
    backfills: int = 0
    offline: Notice | None = None


# the notices that say hub seems to be offline (a front end may let them stand for every
# source's own failure line)
OFFLINE_NOTICES = ("sync_offline", "sync_offline_backfills")


def lock_path(settings: Settings, what: str) -> Path:
    """The lock file beside the database that keeps one ``what`` (sync, digest) at a time."""
    database = settings.paths.database
    return database.with_name(f"{database.name}.{what}-lock")


def _known(store: Store, source: Source) -> Source:
    """The stored label for a source named on the command line, when hub knows it."""
    from hubcli.store.sources import source_label

    label = source_label(store, source.spec)
    return replace(source, label=label) if label else source


def sync(session: Session, specs: Sequence[str], *, authors: Sequence[str] = (), jobs: int | None = None,
         followed: bool = True, report: SyncReporter) -> Synced:
    """Sync the sources ``specs`` name (every subscription when none), then backfill
    ``authors`` and, on a full sync with ``followed``, the followed authors that are due.
    A hint (no status) when there is nothing to sync."""
    from hubcli.api.feeds import writable_store
    from hubcli.sources import registry
    from hubcli.store.syncing import subscribed_sources
    from hubcli.sync import run_sync, sync_lock

    settings = session.settings()
    chosen = [registry.resolve(spec, settings) for spec in specs]
    store = writable_store(session)
    # a named source that is already known keeps its label (``--label`` or the feed's title)
    chosen = [_known(store, source) for source in chosen]
    targets = chosen or subscribed_sources(store)
    result = Synced()
    if not targets and not authors:
        result.note("hint", "no_sources")
        return result
    with sync_lock(lock_path(settings, "sync"), on_wait=lambda: report.notice(Notice("info", "sync_locked"))):
        report.started(len(targets))
        result.report = run_sync(store, settings, targets, jobs=jobs or settings.jobs, on_result=report.finished,
                                 on_fetch=report.fetching)
        result.offline = _offline(store, result.report, authors=bool(authors), followed=followed and not chosen)
        if result.offline is not None:
            # every source failed to reach its server: backfills would too (and at the API's pace)
            report.notice(result.offline)
            report.stored(result.report)
            return result
        report.stored(result.report)
        done = _backfill(session, store, list(authors), full=followed and not chosen, report=report)
    result.report.results += done
    result.backfills = len(done)
    return result


def _offline(store: Store, report: SyncReport, *, authors: bool, followed: bool) -> Notice | None:
    """"You seem to be offline", once, when every source failed for a network reason
    (saying so when author backfills were due: they wait for the next sync)."""
    from hubcli.backfill import due_followed_authors
    from hubcli.sync import network_failure, offline

    gone = offline(report.results)
    if gone is None:
        return None
    waiting = authors or (followed and bool(due_followed_authors(store)))
    hosts = list(dict.fromkeys(host for r in gone if (host := network_failure(r))))
    first = gone[0].error
    reason = first.params.get("reason", "") if isinstance(first, HubError) else ""
    shown = ", ".join(hosts[:3]) + (f" (+{len(hosts) - 3})" if len(hosts) > 3 else "")
    return Notice("warn", OFFLINE_NOTICES[1] if waiting else OFFLINE_NOTICES[0], {
        "count": len(gone), "hosts": shown, "reason": reason})


def _backfill(session: Session, store: Store, authors: list[str], *, full: bool,
              report: SyncReporter) -> list[SourceResult]:
    """``--author`` names, and on a full sync the followed authors that are due (at most daily)."""
    names = list(authors)
    if full:
        from hubcli.backfill import due_followed_authors

        names += [n for n in due_followed_authors(store) if n not in names]
    if not names:
        return []
    from hubcli.backfill import backfill_authors

    return backfill_authors(store, session.settings(), names, on_result=report.backfilled,
                            label=lambda n: translate("backfill_label", session.lang, name=n))
