"""Secrets never printed, logged, cached or written (issue 19, item 4): a model answer that
echoes the API key, an SMTP server that echoes the password, a webhook URL given to
``--schedule``, a password for a host that is not this machine with ``security = "none"``.
Real parts: the loopback OpenAI-compatible server of test_brief, aiosmtpd, a crontab
stand-in, a loopback webhook."""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Result, fake_crontab
from test_brief import LLMServer, Reply, brief, llm, papers_db  # noqa: F401 - fixtures
from test_digest import SmtpRecorder, Webhook, _config, _free_port, followed, webhook  # noqa: F401 - fixtures

Hub = Callable[..., Result]
KEY = "sk-test-0123456789abcdefSECRETKEY"
PASSWORD = "correct-horse-battery"
HOOK_SECRET = "T000/B000/XXXXXXXXsecretXXXXXXXX"


def _all_text(home: Path) -> bytes:
    """Every byte hub wrote under HUB_HOME (the database, its cache tables, files)."""
    return b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())


# --- a model answer echoing the key ------------------------------------------------------------

@pytest.mark.slow  # the first litellm import
def test_a_model_echoing_the_api_key_is_redacted_before_printing_and_caching(
        hub: Hub, llm: LLMServer, papers_db: Path, hub_home: Path, monkeypatch: Any) -> None:  # noqa: F811
    monkeypatch.setenv("OPENAI_API_KEY", KEY)

    def echo(body: dict[str, Any]) -> Reply:
        key = llm.headers[-1].get("authorization", "").removeprefix("Bearer ")
        return Reply(f"Overview [P1]. The key you sent is {key} (base64 "
                     f"{base64.b64encode(key.encode()).decode()}).")

    llm.default = echo
    first = brief(hub, llm)
    cached = brief(hub, llm)

    assert first.exit_code == 0, first.stderr
    assert llm.headers[0].get("authorization") == f"Bearer {KEY}"  # the server did get the key
    assert first.exit_code == 0 and cached.exit_code == 0, first.stderr
    assert "The key you sent is ***" in first.stdout
    for result in (first, cached):
        assert KEY not in result.stdout + result.stderr
        assert base64.b64encode(KEY.encode()).decode() not in result.stdout
    assert "from the cache" in cached.stderr and len(llm.bodies) == 1
    assert KEY.encode() not in _all_text(hub_home)  # never cached


def test_an_answer_cached_by_an_older_hub_is_redacted_when_read(
        hub: Hub, llm: LLMServer, papers_db: Path, hub_home: Path, monkeypatch: Any) -> None:  # noqa: F811
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    llm.default = Reply("Overview [P1]. Plain answer.")
    assert brief(hub, llm).exit_code == 0
    with sqlite3.connect(hub_home / "hub.db") as conn:  # what an older hub cached
        table = next(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
                     if "brief" in r[0] and "cache" in r[0])
        column = next(c[1] for c in conn.execute(f"PRAGMA table_info({table})") if c[1] in ("text", "answer"))
        conn.execute(f"UPDATE {table} SET {column} = {column} || ' {KEY}'")

    again = brief(hub, llm)

    assert again.exit_code == 0 and "from the cache" in again.stderr
    assert KEY not in again.stdout and "Plain answer." in again.stdout


# --- SMTP ---------------------------------------------------------------------------------------

class EchoingSmtp(SmtpRecorder):
    """Takes the login, then refuses the message quoting the password (and its base64)."""

    password = ""

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        encoded = base64.b64encode(self.password.encode()).decode()
        return f"554 5.7.1 rejected: your password {self.password} ({encoded}) is weak"


def test_an_smtp_reply_echoing_the_password_is_redacted(hub: Hub, followed: Any, hub_home: Path) -> None:  # noqa: F811
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    recorder = EchoingSmtp()

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        assert isinstance(auth_data, LoginPassword)
        recorder.password = auth_data.password.decode()
        return AuthResult(success=True)

    port = _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        _config(hub_home, f'[digest.smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nuser = "me"\n')
        result = hub("digest", "--to", "mailto:reader@example.org", env={"HUB_SMTP_PASSWORD": PASSWORD})
    finally:
        controller.stop()

    assert recorder.password == PASSWORD  # the server had it, and echoed it
    assert result.exit_code == 1 and "554" in result.stderr and "***" in result.stderr, result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    assert base64.b64encode(PASSWORD.encode()).decode() not in result.stderr


def test_no_password_in_clear_to_a_host_that_is_not_this_machine(hub: Hub, followed: Any,  # noqa: F811
                                                                 hub_home: Path) -> None:
    """``0.0.0.0`` is not a loopback address by name (so hub must refuse), yet a connection
    to it would reach this machine: a listener here proves nothing was ever sent."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    _config(hub_home, f'[digest.smtp]\nhost = "0.0.0.0"\nport = {port}\nsecurity = "none"\nuser = "me"\n')
    try:
        result = hub("digest", "--to", "mailto:reader@example.org", env={"HUB_SMTP_PASSWORD": PASSWORD})
        try:
            connection, _ = listener.accept()
            connection.close()
            connected = True
        except TimeoutError:
            connected = False
    finally:
        listener.close()

    assert not connected  # refused before any connection
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "0.0.0.0" in lines[0] and "unencrypted" in lines[0], result.stderr
    assert PASSWORD not in result.stderr


# --- a webhook URL given to --schedule ------------------------------------------------------------

def test_schedule_never_prints_or_installs_the_webhook_url(hub: Hub, tmp_path: Path) -> None:
    env, table = fake_crontab(tmp_path)
    url = f"https://hooks.example.test/services/{HOOK_SECRET}"

    shown = hub("digest", "--schedule", "daily", "--to", url, "--to", "mailto:me@example.org", env=env)
    installed = hub("digest", "--schedule", "daily", "--to", url, "--install", env=env)

    assert shown.exit_code == 0 and installed.exit_code == 0, installed.stderr
    for result in (shown, installed):
        assert HOOK_SECRET not in result.stdout + result.stderr
        assert "HUB_DIGEST_WEBHOOK" in result.stderr  # the hint says where the run reads it
    assert "--to env:HUB_DIGEST_WEBHOOK --to mailto:me@example.org" in shown.stdout
    assert HOOK_SECRET not in table.read_text() and "env:HUB_DIGEST_WEBHOOK" in table.read_text()


def test_systemd_units_never_carry_the_webhook_url() -> None:
    from hubcli.digest import schedule

    url = f"https://hooks.example.test/{HOOK_SECRET}"
    service, timer = schedule.systemd_units(["/usr/bin/hub", *schedule.digest_args([url, url + "2"])],
                                            schedule.when("daily", None), {"HUB_HOME": "/data/hub"})
    assert HOOK_SECRET not in service + timer
    assert "--to env:HUB_DIGEST_WEBHOOK --to env:HUB_DIGEST_WEBHOOK_2" in service


def test_the_scheduled_run_reads_the_webhook_from_the_environment(hub: Hub, followed: Any,  # noqa: F811
                                                                  webhook: Webhook) -> None:  # noqa: F811
    url = webhook.url(f"/hook/{HOOK_SECRET}")

    sent = hub("digest", "--to", "env:HUB_DIGEST_WEBHOOK", env={"HUB_DIGEST_WEBHOOK": url})
    missing = hub("digest", "--no-sync", "--to", "env:HUB_DIGEST_WEBHOOK_9")

    assert sent.exit_code == 0, sent.stderr
    assert webhook.posts and webhook.posts[0][0] == f"/hook/{HOOK_SECRET}"
    assert HOOK_SECRET not in sent.stderr + sent.stdout
    assert missing.exit_code == 2 and "HUB_DIGEST_WEBHOOK_9" in missing.stderr


def test_a_model_answer_with_hostile_links_is_written_with_http_links_only(
        hub: Hub, llm: LLMServer, papers_db: Path, tmp_path: Path) -> None:  # noqa: F811
    from test_untrusted import _links_in

    llm.default = Reply("Overview [P1]: see [the demo](javascript:alert(1)), <data:text/html,x>, "
                        "<a href=\"javascript:alert(2)\">here</a> and [the code](https://code.test/x).\n\n"
                        "[evil]: vscode://file/etc/passwd\n")
    out = tmp_path / "brief.md"

    result = brief(hub, llm, "--output", str(out))

    assert result.exit_code == 0, result.stderr
    for text in (out.read_text("utf-8"),):
        links = _links_in(text)
        assert "https://code.test/x" in links and all(x.startswith(("https://", "http://")) for x in links), links
        assert "javascript:alert(1)" in text  # kept as text
