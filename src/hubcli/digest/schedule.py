"""``hub digest --schedule daily|weekly [--at HH:MM] [--install|--uninstall]``.

Where systemd runs (``systemctl --user`` answers), a user timer and service
(``~/.config/systemd/user/hub-digest.{timer,service}``, ``$XDG_CONFIG_HOME`` respected);
elsewhere one crontab line marked ``# hub-digest``.  ``--install`` with neither systemd nor
``crontab`` fails in one line; installing twice changes nothing.

A webhook target is never written into the unit or the crontab line (nor printed): its
URL holds a secret.  The scheduled command says ``--to env:HUB_DIGEST_WEBHOOK`` instead,
and the run reads the URL from that variable (``[digest] to`` in config.toml is the other
way: a scheduled ``hub digest`` without ``--to`` sends to the targets listed there).
"""

from __future__ import annotations

import os
import re
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
    (``HUB_DIGEST_WEBHOOK``, ``HUB_DIGEST_WEBHOOK_2``, …): a webhook URL carries its
    secret in its path, so it is never written into a unit, a crontab or printed."""
    hooks = [t for t in targets if t.strip().lower().startswith(("http://", "https://"))]
    return {t: WEBHOOK_ENV + (f"_{n}" if n > 1 else "") for n, t in enumerate(hooks, start=1)}


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
    import shlex

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
