"""``hub digest``: sync, compose what is new since the last digest, deliver it.

stdout carries the digest when ``-`` is a target (the default) or the schedule's files
with ``--schedule``; sync lines, notes and errors go to stderr.  A target that fails
keeps the digest in the outbox and the "since" mark where it was; the next run resends.
"""

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from hubcli.api.results import Notice
from hubcli.cli.brief import BriefLines
from hubcli.cli.context import OUT, STATE, t
from hubcli.cli.output import notify
from hubcli.cli.sync_cmd import SyncLines, total_line
from hubcli.errors import HubError, UsageError
from hubcli.sync_models import SyncReport

if TYPE_CHECKING:
    from hubcli.digest.schedule import When


class _Lines(BriefLines, SyncLines):
    """The digest's lines on stderr: its sync (with the total), its brief, its deliveries."""

    def __init__(self) -> None:
        BriefLines.__init__(self)
        SyncLines.__init__(self)

    def notice(self, notice: Notice) -> None:
        notify([notice])

    def stored(self, report: SyncReport) -> None:
        SyncLines.stored(self, report)
        total_line(report)


def run_digest(*, no_sync: bool, always: bool, to: list[str]) -> None:
    from hubcli.api import digest

    lines = _Lines()
    try:
        done = digest.run(STATE, to=to, no_sync=no_sync, always=always, report=lines, stdout=OUT.data)
    finally:
        lines.close()
    if done.nothing is not None and not always and not done.errors:
        OUT.info(t("digest_nothing_new", why=done.nothing.text(STATE.lang)))  # exit 0: an empty day is no error
    for error in done.errors[:-1]:
        OUT.error(t(error.key, **error.params))
    if done.errors:
        raise done.errors[-1]


def run_schedule(*, schedule: Optional[list[str]], at: Optional[str], install: bool, uninstall: bool,
                 to: list[str]) -> None:
    from hubcli.digest import schedule as sched

    cadence, github = sched.parse_schedules(schedule) if schedule else (None, False)
    if github:
        run_github(cadence or "daily", at=at, install=install, uninstall=uninstall, to=to)
        return
    if uninstall:
        removed = [str(p) for p in sched.uninstall_systemd()] if sched.unit_dir().exists() else []
        if sched.uninstall_cron():
            removed.append("crontab")
        OUT.info(t("digest_uninstalled", what=", ".join(removed)) if removed else t("digest_nothing_installed"))
        return
    if cadence is None:
        raise UsageError("digest_needs_schedule")
    when = sched.when(cadence, at)
    command = sched.hub_command() + sched.digest_args(to)
    hooks = sorted(sched.webhook_names(to).values())
    if hooks:
        OUT.hint(t("digest_schedule_webhook_env", names=", ".join(hooks), name=hooks[0]))
    env = sched.environment()
    if sched.systemd_running():
        _systemd(sched.systemd_units(command, when, env), when, install=install)
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
    OUT.hint(t("digest_schedule_cron_hint", schedule=cadence, at=when.at))


def _systemd(units: tuple[str, str], when: "When", *, install: bool) -> None:
    from hubcli.digest import schedule as sched

    service, timer = units
    if install:
        paths = sched.install_systemd(service, timer)
        OUT.info(t("digest_installed_systemd", paths=", ".join(str(p) for p in paths), at=when.on_calendar))
        return
    folder = sched.unit_dir()
    OUT.data(f"# {folder / (sched.NAME + '.service')}\n{service}\n# {folder / (sched.NAME + '.timer')}\n{timer}")
    OUT.hint(t("digest_schedule_install_hint", schedule=when.schedule, at=when.at))


def run_github(cadence: str, *, at: Optional[str], install: bool, uninstall: bool, to: list[str]) -> None:
    """``--schedule github``: the workflow on stdout, or in ``.github/workflows/`` of the
    current directory with ``--install`` (``--uninstall`` removes the one hub wrote)."""
    from pathlib import Path

    from hubcli import __version__
    from hubcli.digest import schedule as sched

    if uninstall:
        removed = sched.uninstall_workflow(Path.cwd())
        OUT.info(t("digest_uninstalled", what=str(removed)) if removed else t("digest_nothing_installed"))
        return
    when = sched.when(cadence, at)
    files = _file_targets(to)
    plan = sched.workflow_plan(to, files)
    text = sched.workflow(plan, when, __version__, sched.workflow_env())
    if install:
        path, changed = sched.install_workflow(text, Path.cwd())
        OUT.info(t("digest_workflow_written" if changed else "digest_workflow_unchanged", path=str(path)))
    else:
        OUT.data(text)
    needed = [name for name in plan.secrets if name not in sched.SECRETS]  # the targets' (webhooks)
    OUT.hint(t("digest_workflow_hint", folder=sched.REPO_FOLDER, at=when.at,
               secrets=", ".join([*needed, "HUB_SMTP_PASSWORD", "HUB_TELEGRAM_TOKEN", "OPENAI_API_KEY", "…"])))


def _file_targets(to: list[str]) -> list[str]:
    """The paths of the file and Atom targets (the workflow keeps them as the run's artifact)."""
    from hubcli.digest.deliver import parse_target

    paths = []
    for spec in to:
        if spec.strip().lower().startswith("env:"):
            continue
        target = parse_target(spec)
        if target.kind in ("file", "atom"):
            paths.append(target.value if target.kind == "atom" else spec.strip())
    return paths


NoSyncOption = Annotated[bool, typer.Option("--no-sync", help="opt_digest_no_sync")]
AlwaysOption = Annotated[bool, typer.Option("--always", help="opt_digest_always")]
ToOption = Annotated[Optional[list[str]], typer.Option("--to", help="opt_digest_to", metavar="TARGET")]
ScheduleOption = Annotated[Optional[list[str]], typer.Option("--schedule", help="opt_digest_schedule",
                                                             metavar="daily|weekly|github")]
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
                if not (spec.strip().lower().startswith("env:") and _for_github(schedule)):
                    parse_target(spec)  # a bad target fails now, not every morning (env: is GitHub's secret)
        run_schedule(schedule=schedule, at=at, install=install, uninstall=uninstall, to=list(to or []))
        return
    run_digest(no_sync=no_sync, always=always, to=list(to or []))


def _for_github(schedule: Optional[list[str]]) -> bool:
    return any("github" in value.lower() for value in schedule or [])


def register(app: typer.Typer) -> None:
    app.command("digest", help="cmd_digest")(digest_command)
