"""``hub digest --schedule daily|weekly|github [--at HH:MM] [--install|--uninstall]``.

Where systemd runs (``systemctl --user`` answers), a user timer and service
(``~/.config/systemd/user/hub-digest.{timer,service}``, ``$XDG_CONFIG_HOME`` respected);
elsewhere one crontab line marked ``# hub-digest``.  ``--install`` with neither systemd nor
``crontab`` fails in one line; installing twice changes nothing.

A webhook target is never written into the unit or the crontab line (nor printed): its
URL holds a secret.  The scheduled command says ``--to env:HUB_DIGEST_WEBHOOK`` instead,
and the run reads the URL from that variable (``[digest] to`` in config.toml is the other
way: a scheduled ``hub digest`` without ``--to`` sends to the targets listed there).

``--schedule github`` writes a GitHub Actions workflow instead, for a digest where no
machine is always on: hub from PyPI at this version, ``HUB_HOME`` in the workspace kept
between runs by the Actions cache (a new key each run, restored by prefix), secrets only
as ``${{ secrets.NAME }}`` references.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from hubcli.errors import HubError, UsageError

NAME = "hub-digest"
CRON_MARK = f"# {NAME}"
DEFAULT_AT = "07:00"
WEEKDAY = ("Fri", "5")  # weekly: Friday morning, after the week's last arXiv announcement (Thu 20:00 ET)
SYSTEMD_RUNTIME = Path("/run/systemd/system")  # exists when systemd is the running init
_ENV_KEPT = ("HUB_HOME", "HUB_DB", "HUB_LANG", "HUB_MODEL", "HUB_API_BASE")


@dataclass(frozen=True)
class When:
    schedule: str  # daily | weekly
    hour: int
    minute: int

    @property
    def on_calendar(self) -> str:
        day = f"{WEEKDAY[0]} " if self.schedule == "weekly" else ""
        return f"{day}*-*-* {self.hour:02d}:{self.minute:02d}:00"

    @property
    def cron(self) -> str:
        return f"{self.minute} {self.hour} * * {WEEKDAY[1] if self.schedule == 'weekly' else '*'}"

    @property
    def at(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def when(schedule: str, at: str | None) -> When:
    if schedule not in ("daily", "weekly"):
        raise UsageError("digest_bad_schedule", value=schedule)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", (at or DEFAULT_AT).strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise UsageError("digest_bad_at", value=at or "")
    return When(schedule, int(match.group(1)), int(match.group(2)))


def hub_command() -> list[str]:
    """The running hub, by absolute path (``sys.argv[0]`` resolved), or this Python's
    ``-m hubcli`` when hub runs some other way (``python -m hubcli``, tests)."""
    argv0 = sys.argv[0] if sys.argv else ""
    if Path(argv0).name in ("hub", "hubcli"):
        found = argv0 if os.sep in argv0 else shutil.which(argv0)
        if found:
            return [str(Path(found).resolve())]
    return [str(Path(sys.executable).absolute()), "-m", "hubcli"]


WEBHOOK_ENV = "HUB_DIGEST_WEBHOOK"


def webhook_names(targets: list[str]) -> dict[str, str]:
    """The environment variable the scheduled run reads each webhook target from
    (``HUB_DIGEST_WEBHOOK``, ``HUB_DIGEST_WEBHOOK_2``, …, skipping names an ``env:NAME``
    target already uses): a webhook URL carries its secret in its path, so it is never
    written into a unit, a crontab, a workflow or printed."""
    taken = {t.strip()[len("env:"):] for t in targets if t.strip().lower().startswith("env:")}
    free = (WEBHOOK_ENV + (f"_{n}" if n > 1 else "") for n in range(1, len(targets) + len(taken) + 2))
    names = (name for name in free if name not in taken)
    return {t: next(names) for t in targets if secret_target(t)}


def digest_args(targets: list[str]) -> list[str]:
    names = webhook_names(targets)
    out = ["digest"]
    for target in targets:
        out += ["--to", f"env:{names[target]}" if target in names else target]
    return out


def environment() -> dict[str, str]:
    """The settings that say which hub data the scheduled run uses."""
    return {k: os.environ[k] for k in _ENV_KEPT if os.environ.get(k)}


# --- systemd ---------------------------------------------------------------------------------

def _systemd_quote(arg: str) -> str:
    """One ExecStart word: quoted when needed; ``%`` and ``$`` doubled (specifiers, variables)."""
    arg = arg.replace("%", "%%").replace("$", "$$")
    if arg and re.fullmatch(r"[A-Za-z0-9_@%+=:,./-]+", arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_units(command: list[str], at: When, env: dict[str, str]) -> tuple[str, str]:
    """(service, timer) unit files."""
    exec_start = " ".join(_systemd_quote(a) for a in command)
    environment_lines = "".join(f"Environment={_systemd_quote(f'{k}={v}')}\n" for k, v in env.items())
    service = ("[Unit]\nDescription=hub digest: what is new in your feeds\n\n"
               "[Service]\nType=oneshot\n" + environment_lines + f"ExecStart={exec_start}\n")
    timer = (f"[Unit]\nDescription=hub digest, {at.schedule} at {at.at}\n\n"
             f"[Timer]\nOnCalendar={at.on_calendar}\nPersistent=true\nUnit={NAME}.service\n\n"
             "[Install]\nWantedBy=timers.target\n")
    return service, timer


def unit_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "systemd" / "user"


def systemd_running() -> bool:
    """Whether a systemd user manager answers here."""
    systemctl = shutil.which("systemctl")
    if not systemctl or not SYSTEMD_RUNTIME.is_dir():
        return False
    try:
        done = subprocess.run([systemctl, "--user", "show-environment"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _systemctl(*args: str) -> None:
    systemctl = shutil.which("systemctl") or "systemctl"
    try:
        done = subprocess.run([systemctl, "--user", *args], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise HubError("digest_systemctl_failed", command=" ".join(args), reason=str(exc)) from exc
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise HubError("digest_systemctl_failed", command=" ".join(args),
                       reason=reason[-1] if reason else done.returncode)


def install_systemd(service: str, timer: str) -> list[Path]:
    folder = unit_dir()
    folder.mkdir(parents=True, exist_ok=True)
    from hubcli.outfile import atomic_write

    paths = [folder / f"{NAME}.service", folder / f"{NAME}.timer"]
    atomic_write(paths[0], service)
    atomic_write(paths[1], timer)
    _systemctl("daemon-reload")
    _systemctl("enable", "--now", f"{NAME}.timer")
    return paths


def uninstall_systemd() -> list[Path]:
    folder = unit_dir()
    paths = [folder / f"{NAME}.timer", folder / f"{NAME}.service"]
    if not any(p.exists() for p in paths):
        return []
    try:
        _systemctl("disable", "--now", f"{NAME}.timer")
    except HubError:
        pass  # not enabled, or no systemd running: the files still go
    removed = []
    for path in paths:
        if path.exists():
            path.unlink()
            removed.append(path)
    try:
        _systemctl("daemon-reload")
    except HubError:
        pass  # no systemd running: nothing had loaded them
    return removed


# --- cron ------------------------------------------------------------------------------------

def _cron_quote(arg: str) -> str:
    return shlex.quote(arg).replace("%", "\\%")  # cron turns a bare % into a newline


def cron_line(command: list[str], at: When, env: dict[str, str]) -> str:
    prefix = "".join(f"{k}={_cron_quote(v)} " for k, v in env.items())
    return f"{at.cron} {prefix}{' '.join(_cron_quote(a) for a in command)} {CRON_MARK}"


def _crontab() -> str:
    found = shutil.which("crontab")
    if not found:
        raise HubError("digest_no_scheduler")
    return found


def _read_crontab(crontab: str) -> list[str]:
    done = subprocess.run([crontab, "-l"], capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0:  # "no crontab for USER"
        return []
    return done.stdout.splitlines()


def _write_crontab(crontab: str, lines: list[str]) -> None:
    text = "\n".join(lines) + "\n" if lines else ""
    done = subprocess.run([crontab, "-"], input=text, capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0:
        raise HubError("digest_crontab_failed", reason=(done.stderr or "").strip() or done.returncode)


def install_cron(line: str) -> bool:
    """Put ``line`` in the user's crontab in place of any earlier hub-digest line; whether it changed."""
    crontab = _crontab()
    lines = _read_crontab(crontab)
    kept = [x for x in lines if not x.rstrip().endswith(CRON_MARK)]
    if line in lines and len(kept) == len(lines) - 1:
        return False
    _write_crontab(crontab, [*kept, line])
    return True


def uninstall_cron() -> bool:
    crontab = shutil.which("crontab")
    if not crontab:
        return False
    lines = _read_crontab(crontab)
    kept = [x for x in lines if not x.rstrip().endswith(CRON_MARK)]
    if len(kept) == len(lines):
        return False
    _write_crontab(crontab, kept)
    return True


# --- GitHub Actions --------------------------------------------------------------------------

WORKFLOW = Path(".github") / "workflows" / f"{NAME}.yml"  # under the current directory (a repository)
WORKFLOW_MARK = f"# {NAME}: "  # the first line of a workflow hub wrote
REPO_FOLDER = NAME  # the repository's folder with config.toml and, optionally, the library file
DATA = ".hub"  # HUB_HOME inside the workspace: config, cache (hub.db), library (hub.library.db), outbox
PYTHON = "3.12"
# secrets hub reads from the environment: mail, chat tokens, model keys (each from a repository secret)
SECRETS = ("HUB_SMTP_PASSWORD", "HUB_TELEGRAM_TOKEN", "HUB_FEISHU_SECRET", "OPENAI_API_KEY", "ANTHROPIC_API_KEY",
           "GEMINI_API_KEY", "DEEPSEEK_API_KEY", "OPENROUTER_API_KEY")
_ENV_CARRIED = ("HUB_LANG", "HUB_MODEL")  # settings (not secrets) that travel into the workflow


def secret_target(target: str) -> bool:
    """Whether a target holds a secret: a URL (a webhook's or a chat app's) carries its key in its path."""
    return "://" in target


def parse_schedules(values: list[str]) -> tuple[str, bool]:
    """``--schedule`` given once or twice (``daily``/``weekly``, ``github``; commas too):
    (daily|weekly, whether for GitHub Actions)."""
    words = [w.strip().lower() for value in values for w in value.split(",") if w.strip()]
    cadences = [w for w in words if w in ("daily", "weekly")]
    unknown = [w for w in words if w not in ("daily", "weekly", "github")]
    if unknown or len(cadences) > 1 or not words:
        raise UsageError("digest_bad_schedule", value=", ".join(unknown or words or [""]))
    return (cadences[0] if cadences else "daily"), "github" in words


@dataclass(frozen=True)
class Workflow:
    """What the workflow runs: the digest's targets as the job gives them, the secrets it
    passes to the digest, the files it keeps as the run's artifact."""

    targets: list[str]
    secrets: list[str]
    artifacts: list[str]


def workflow_plan(targets: list[str], file_targets: list[str]) -> Workflow:
    """Secret targets become ``env:NAME`` read from a repository secret of that name
    (``HUB_DIGEST_WEBHOOK``, …); an ``env:NAME`` target reads the secret ``NAME``."""
    for target in targets:
        if "${{" in target or "\n" in target:  # never an expression GitHub would evaluate
            raise UsageError("digest_bad_target", target=target)
    names = webhook_names(targets)
    given = [f"env:{names[t]}" if t in names else t for t in targets]
    named = [m.group(1) for t in given if (m := re.fullmatch(r"env:([A-Za-z_][A-Za-z0-9_]*)", t.strip()))]
    return Workflow(given, list(dict.fromkeys([*SECRETS, *named])), file_targets)


def _yaml_str(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    import json

    return json.dumps(value)


def workflow(plan: Workflow, at: When, version: str, env: dict[str, str]) -> str:
    """The GitHub Actions workflow, as text: times in UTC; no secret value, only
    ``${{ secrets.NAME }}`` references."""
    weekly = at.schedule == "weekly"
    sync_cron = f"{at.minute} {at.hour} * * 0-4,6"  # weekly: a sync on the other days keeps every announcement
    lines = [f"{WORKFLOW_MARK}`hub digest` on GitHub Actions, written by hub {version}.",
             f"# Runs {at.schedule} at {at.at} UTC (GitHub's schedules are in UTC and may start late).",
             f"# Commit it; put config.toml (and your library file, hub.library.db) in {REPO_FOLDER}/;",
             "# set the secrets you use under Settings > Secrets and variables > Actions.",
             "name: hub digest", "", "on:", "  schedule:",
             f"    - cron: {_yaml_str(at.cron)}",
             *([f"    - cron: {_yaml_str(sync_cron)}"] if weekly else []),
             "  workflow_dispatch:", "",
             "permissions:", "  contents: read", "",
             "concurrency:", f"  group: {NAME}", "  cancel-in-progress: false", "",
             "jobs:", "  digest:", "    runs-on: ubuntu-latest", "    timeout-minutes: 30", "    env:",
             f"      HUB_HOME: ${{{{ github.workspace }}}}/{DATA}",
             *[f"      {k}: {_yaml_str(v)}" for k, v in env.items() if k in _ENV_CARRIED],
             "    steps:", *_setup_steps(version), *_run_steps(plan, at, sync_cron if weekly else None)]
    return "\n".join(lines) + "\n"


def _setup_steps(version: str) -> list[str]:
    """Check out (the configuration), Python, hub pinned to this version, the last run's data."""
    return ["      - uses: actions/checkout@v4", "        with:", "          persist-credentials: false",
            "      - uses: actions/setup-python@v5", "        with:", f"          python-version: {_yaml_str(PYTHON)}",
            "      - name: Install hub",
            f"        run: python -m pip install {shlex.quote(f'hubcli=={version}')}",
            "      - name: Restore hub's data (cache and library) from the last run",
            "        uses: actions/cache/restore@v4", "        with:", f"          path: {DATA}",
            f"          key: {NAME}-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}",
            "          restore-keys: |", f"            {NAME}-",
            "      - name: Put the repository's config.toml and library file in place",
            "        run: |", '          mkdir -p "$HUB_HOME"',
            f"          if [ -f {REPO_FOLDER}/config.toml ]; then",
            f"            cp {REPO_FOLDER}/config.toml \"$HUB_HOME/config.toml\"", "          fi",
            "          # a library file committed anew replaces the one kept from the last run",
            f"          if [ -f {REPO_FOLDER}/hub.library.db ] && "
            f"! cmp -s {REPO_FOLDER}/hub.library.db \"$HUB_HOME/committed.library.db\"; then",
            f"            cp {REPO_FOLDER}/hub.library.db \"$HUB_HOME/hub.library.db\"",
            f"            cp {REPO_FOLDER}/hub.library.db \"$HUB_HOME/committed.library.db\"", "          fi"]


def _run_steps(plan: Workflow, at: When, sync_cron: str | None) -> list[str]:
    """Sync between weekly digests, the digest (its secrets on its step only), save the data, keep the files."""
    command = " ".join(["hub", "digest", *[f"--to {shlex.quote(t)}" for t in plan.targets]])
    steps = []
    if sync_cron:
        steps += ["      - name: Sync (the days between weekly digests)",
                  f"        if: github.event.schedule == '{sync_cron}'", "        run: hub sync"]
    steps += ["      - name: Digest", *([f"        if: github.event.schedule != '{sync_cron}'"] if sync_cron else []),
              "        env:", *[f"          {name}: ${{{{ secrets.{name} }}}}" for name in plan.secrets],
              "        run: |", f"          {command}",
              "      - name: Save hub's data for the next run", "        if: always()",
              "        uses: actions/cache/save@v4", "        with:", f"          path: {DATA}",
              f"          key: {NAME}-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}"]
    if plan.artifacts:
        steps += ["      - name: Keep the digest's files", "        uses: actions/upload-artifact@v4", "        with:",
                  f"          name: {NAME}", "          path: |", *[f"            {p}" for p in plan.artifacts]]
    return steps


def workflow_env() -> dict[str, str]:
    """The settings of this shell that travel into the workflow (never a secret)."""
    return {k: os.environ[k] for k in _ENV_CARRIED if os.environ.get(k)}


def install_workflow(text: str, folder: Path) -> tuple[Path, bool]:
    """Write the workflow under ``folder`` (the repository); whether it changed.  A different
    file already there is never overwritten: it may be the user's own."""
    from hubcli.outfile import atomic_write

    path = folder / WORKFLOW
    if path.exists():
        current = path.read_text(encoding="utf-8", errors="replace")
        if current == text:
            return path, False
        raise HubError("digest_workflow_exists", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)
    return path, True


def uninstall_workflow(folder: Path) -> Path | None:
    """Remove the workflow hub wrote (its first line says so); a file of the user's stays."""
    path = folder / WORKFLOW
    if not path.exists():
        return None
    if not path.read_text(encoding="utf-8", errors="replace").startswith(WORKFLOW_MARK):
        raise HubError("digest_workflow_foreign", path=str(path))
    path.unlink()
    return path
