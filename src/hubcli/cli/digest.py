"""``hub digest``: sync, compose what is new since the last digest, deliver it.

stdout carries the digest when ``-`` is a target (the default) or the schedule's files
with ``--schedule``; sync lines, notes and errors go to stderr.  A target that fails
keeps the digest in the outbox and the "since" mark where it was; the next run resends.
"""

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from hubcli.cli.brief import _Reporter
from hubcli.cli.context import OUT, STATE
from hubcli.config import Settings
from hubcli.errors import HubError, UsageError
from hubcli.i18n import current_language, t
from hubcli.store.db import Store

if TYPE_CHECKING:
    from hubcli.digest.compose import Digest
    from hubcli.digest.config import DigestConfig
    from hubcli.digest.deliver import Target


def _sync(store: Store, settings: Settings) -> None:
    """``hub sync`` of the subscriptions (its own lines on stderr); a failing source is
    reported and the digest goes on with what the others gave."""
    from hubcli.cli.sync_cmd import SyncProgress, describe, dropped_lines
    from hubcli.sync import run_sync, subscribed_sources, sync_lock

    sources = subscribed_sources(store)
    if not sources:
        return
    lock = settings.paths.database.with_name(settings.paths.database.name + ".sync-lock")
    with sync_lock(lock, on_wait=lambda: OUT.info(t("sync_locked"))):
        progress = SyncProgress(len(sources)) if OUT.stderr_is_terminal() else None
        if progress:
            progress.start()
        try:
            report = run_sync(store, settings, sources, jobs=settings.jobs,
                              on_result=progress.finished if progress else None,
                              on_fetch=progress.fetching if progress else None)
        finally:
            if progress:
                progress.stop()
    for result in report.results:
        OUT.info(describe(result))
        for line in [] if result.failed else dropped_lines(result):
            OUT.info(line)
    if len(report.results) > 1:
        OUT.info(t("sync_total", sources=len(report.results), new=report.new, updated=report.updated,
                   failed=len(report.failed)))


def _send(digest: "Digest", targets: list["Target"], settings: Settings, cfg: "DigestConfig",
          failures: list[tuple["Target", HubError]]) -> list[str]:
    """Deliver to each target; the specs of those that failed (their errors appended)."""
    from hubcli.digest.deliver import deliver

    failed: list[str] = []
    for target in targets:
        try:
            deliver(digest, target, settings, cfg.smtp, stdout=OUT.data)
        except HubError as exc:
            failed.append(target.spec)
            failures.append((target, exc))
        else:
            if target.kind != "stdout":
                key = "digest_delivered_one" if len(digest.cards) == 1 else "digest_delivered"
                OUT.info(t(key, target=target.shown, count=len(digest.cards)))
    return failed


def _move_mark(store: Store, up_to: str) -> None:
    from hubcli.digest.compose import MARK_KEY

    with store.transaction():
        current = store.get_state(MARK_KEY) or ""
        if up_to > current:
            store.set_state(MARK_KEY, up_to)


def _report_failures(failures: list[tuple["Target", HubError]], settings: Settings) -> None:
    """One line per failed target, the last raised (the exit code)."""
    from hubcli.digest.outbox import folder

    errors = [HubError("digest_kept", target=target.shown, reason=exc.params.get("reason") or t(exc.key, **exc.params),
                       path=str(folder(settings))) for target, exc in failures]
    for error in errors[:-1]:
        OUT.error(t(error.key, **error.params))
    raise errors[-1]


def run_digest(*, no_sync: bool, always: bool, to: list[str]) -> None:
    from hubcli.api.feeds import writable_store
    from hubcli.digest.config import digest_config
    from hubcli.digest.deliver import parse_target
    from hubcli.sync import sync_lock

    settings = STATE.settings()
    cfg = digest_config(settings)
    targets = [parse_target(spec) for spec in (to or cfg.to or ["-"])]
    store = writable_store(STATE)
    lock = settings.paths.database.with_name(settings.paths.database.name + ".digest-lock")
    with sync_lock(lock, on_wait=lambda: OUT.info(t("digest_locked"))):  # the timer and a manual run
        _deliver_new(store, settings, cfg, targets, no_sync=no_sync, always=always)


def _deliver_new(store: Store, settings: Settings, cfg: "DigestConfig", targets: list["Target"], *,
                 no_sync: bool, always: bool) -> None:
    from hubcli.digest import outbox
    from hubcli.digest.compose import MARK_KEY, compose
    from hubcli.digest.deliver import parse_target

    if not no_sync:
        _sync(store, settings)
    failures: list[tuple[Target, HubError]] = []
    still_owed = []
    for item in outbox.pending(settings):
        left = _send(item.digest, [parse_target(spec) for spec in item.targets], settings, cfg, failures)
        if left:
            outbox.keep(settings, item.digest, left)
            still_owed.append(item.digest.up_to)
        else:
            outbox.drop(item)
            _move_mark(store, item.digest.up_to)
            OUT.info(t("digest_resent", id=item.digest.id))
    since = max([store.get_state(MARK_KEY) or "", *still_owed])
    digest = compose(store, settings, since=since, lang=current_language(), limit=cfg.limit,
                     brief_count=cfg.brief, reporter=_Reporter())
    if not digest.cards and not always:
        if not failures and not still_owed:
            OUT.info(t("digest_nothing_new"))
            _move_mark(store, digest.up_to)  # what changed matched no interest: not looked at again
    else:
        failed = _send(digest, targets, settings, cfg, failures)
        if failed:
            outbox.keep(settings, digest, failed)
        else:  # every target has it (an older digest still owed keeps its own record)
            _move_mark(store, digest.up_to)
    if failures:
        _report_failures(failures, settings)


def run_schedule(*, schedule: Optional[str], at: Optional[str], install: bool, uninstall: bool,
                 to: list[str]) -> None:
    from hubcli.digest import schedule as sched

    if uninstall:
        removed = [str(p) for p in sched.uninstall_systemd()] if sched.unit_dir().exists() else []
        if sched.uninstall_cron():
            removed.append("crontab")
        OUT.info(t("digest_uninstalled", what=", ".join(removed)) if removed else t("digest_nothing_installed"))
        return
    if schedule is None:
        raise UsageError("digest_needs_schedule")
    when = sched.when(schedule, at)
    command = sched.hub_command() + sched.digest_args(to)
    env = sched.environment()
    systemd = sched.systemd_running()
    if systemd:
        service, timer = sched.systemd_units(command, when, env)
        if install:
            paths = sched.install_systemd(service, timer)
            OUT.info(t("digest_installed_systemd", paths=", ".join(str(p) for p in paths), at=when.on_calendar))
            return
        folder = sched.unit_dir()
        OUT.data(f"# {folder / (sched.NAME + '.service')}\n{service}\n# {folder / (sched.NAME + '.timer')}\n{timer}")
        OUT.hint(t("digest_schedule_install_hint", schedule=schedule, at=when.at))
        return
    line = sched.cron_line(command, when, env)
    if install:
        import shutil

        if not shutil.which("crontab"):
            raise HubError("digest_no_scheduler")
        changed = sched.install_cron(line)
        OUT.info(t("digest_installed_cron" if changed else "digest_cron_unchanged", line=line))
        return
    OUT.data(line + "\n")
    OUT.hint(t("digest_schedule_cron_hint", schedule=schedule, at=when.at))


NoSyncOption = Annotated[bool, typer.Option("--no-sync", help="opt_digest_no_sync")]
AlwaysOption = Annotated[bool, typer.Option("--always", help="opt_digest_always")]
ToOption = Annotated[Optional[list[str]], typer.Option("--to", help="opt_digest_to", metavar="TARGET")]
ScheduleOption = Annotated[Optional[str], typer.Option("--schedule", help="opt_digest_schedule",
                                                       metavar="daily|weekly")]
AtOption = Annotated[Optional[str], typer.Option("--at", help="opt_digest_at", metavar="HH:MM")]
InstallOption = Annotated[bool, typer.Option("--install", help="opt_digest_install")]
UninstallOption = Annotated[bool, typer.Option("--uninstall", help="opt_digest_uninstall")]


def digest_command(no_sync: NoSyncOption = False, always: AlwaysOption = False, to: ToOption = None,
                   schedule: ScheduleOption = None, at: AtOption = None, install: InstallOption = False,
                   uninstall: UninstallOption = False) -> None:
    if install and uninstall:
        raise UsageError("digest_install_or_uninstall")
    if schedule is not None or at is not None or install or uninstall:
        if to:
            from hubcli.digest.deliver import parse_target

            for spec in to:
                parse_target(spec)  # a bad target fails now, not every morning
        run_schedule(schedule=schedule, at=at, install=install, uninstall=uninstall, to=list(to or []))
        return
    run_digest(no_sync=no_sync, always=always, to=list(to or []))


def register(app: typer.Typer) -> None:
    app.command("digest", help="cmd_digest")(digest_command)
