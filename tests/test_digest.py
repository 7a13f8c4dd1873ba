"""hub digest: sync -> what is new since the last digest -> delivered to real loopback
servers (SMTP by aiosmtpd, a webhook by http.server), files and an Atom feed that
feedparser and hub itself read back."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import CORPUS, FeedServer, corpus_file, fake_crontab, run_hub
from feedgen import Item, arxiv_rss

DAY1 = [Item("2606.00001", "Two-tower retrieval for papers", ["Lichan Hong", "Ed H. Chi"], categories=["cs.IR"],
             abstract="We propose a two-tower model. It retrieves papers quickly."),
        Item("2606.00002", "Protein folding at scale", ["Someone Else"], categories=["q-bio.BM"]),
        Item("2606.00003", "A recommender for research papers", ["Ann Other"], categories=["cs.LG"],
             abstract="We present a recommender system for papers. It learns from a library.")]
DAY2 = [Item("2606.00010", "Sequential recommendation with transformers", ["Lichan Hong"], categories=["cs.IR"])]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_day(mirror: FeedServer, items: list[Item], date: str = "Mon, 27 Apr 2026 00:00:00 -0400") -> None:
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        mirror.serve(f"/rss/{cat}", arxiv_rss(cat, items if cat == "cs.IR" else [], date=date))


def _config(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _mark(home: Path) -> str | None:
    with sqlite3.connect(home / "hub.db") as conn:
        row = conn.execute("SELECT value FROM state WHERE key = 'digest_seen_at'").fetchone()
    return row[0] if row else None


def _outbox(home: Path) -> list[Path]:
    return sorted((home / "digest-outbox").glob("*.json"))


@pytest.fixture
def followed(hub, arxiv_mirror):  # type: ignore[no-untyped-def]
    _serve_day(arxiv_mirror, DAY1)
    assert hub("follow", "Lichan Hong").exit_code == 0
    assert hub("follow", "--topic", "recsys").exit_code == 0
    return arxiv_mirror


# --- loopback servers ------------------------------------------------------------------------

class SmtpRecorder:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        data = envelope.content  # type: ignore[attr-defined]
        self.messages.append(email.message_from_bytes(data, policy=email.policy.default))  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpRecorder, int]]:
    from aiosmtpd.controller import Controller

    recorder = SmtpRecorder()
    port = _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    yield recorder, port
    controller.stop()


class Webhook:
    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self.status = 200
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                hook.posts.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(hook.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.httpd.shutdown()
    hook.httpd.server_close()


# --- stdout, the mark ------------------------------------------------------------------------

def test_digest_to_stdout_then_nothing_new_then_only_the_new(hub, followed) -> None:  # type: ignore[no-untyped-def]
    first = hub("digest")
    assert first.exit_code == 0, first.stderr
    out = first.stdout
    assert out.startswith("# hub digest · ")
    assert "## Brief" in out and "## Papers" in out
    assert "[Two-tower retrieval for papers](https://arxiv.org/abs/2606.00001)" in out
    assert "A recommender for research papers" in out
    assert "Protein folding" not in out  # matches no follow
    assert "you follow Lichan Hong" in out and "topic recsys" in out
    assert "(https://arxiv.org/pdf/2606.00001v1)" in out
    assert "arXiv (CS.IR): 3 new" in first.stderr  # the sync's own lines, on stderr

    again = hub("digest")
    assert again.exit_code == 0 and again.stdout == ""
    assert again.stderr.strip().splitlines()[-1].startswith("nothing new since the last digest: nothing sent (")

    _serve_day(followed, DAY2, date="Tue, 28 Apr 2026 00:00:00 -0400")
    third = hub("digest")
    assert third.exit_code == 0
    assert "Sequential recommendation with transformers" in third.stdout
    assert "Two-tower retrieval" not in third.stdout
    always = hub("digest", "--no-sync", "--always")
    assert always.exit_code == 0 and "Nothing new for you since" in always.stdout


def test_digest_mark_is_its_own_not_radars(hub, followed) -> None:  # type: ignore[no-untyped-def]
    hub("sync")
    assert json.loads(hub("radar", "--format", "json").stdout)  # radar marks its papers seen
    digest = hub("digest", "--no-sync")
    assert digest.exit_code == 0 and "Two-tower retrieval" in digest.stdout


def test_digest_in_chinese(hub, followed) -> None:  # type: ignore[no-untyped-def]
    result = hub("digest", "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# hub 摘要 · ")
    assert "## 简报" in result.stdout and "## 论文" in result.stdout
    assert "你关注了 Lichan Hong" in result.stdout and "推荐理由" in result.stdout


# --- files and HTML --------------------------------------------------------------------------

def test_files_by_extension_and_html_self_contained(hub, arxiv_mirror, tmp_path) -> None:  # type: ignore[no-untyped-def]
    hostile = [Item("2606.00021", "<script>alert(1)</script> When a < b & c > d: <img src=x onerror=alert(2)> "
                    "retrieval",
                    ["Eve <b>Bold</b>"], categories=["cs.IR"],
                    abstract="We propose <iframe src='https://evil.example/'></iframe> a [link](javascript:alert(3)).")]
    _serve_day(arxiv_mirror, hostile)
    html_file, text_file, md_file = tmp_path / "d.html", tmp_path / "d.txt", tmp_path / "d.md"
    result = hub("digest", "--to", str(html_file), "--to", str(text_file), "--to", str(md_file))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # no "-" target: nothing on stdout
    page = html_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "prefers-color-scheme: dark" in page
    lowered = page.lower()
    assert "<script" not in lowered and "<iframe" not in lowered and "<img" not in lowered
    assert "javascript:" not in lowered.replace("[link](javascript:alert(3))", "")
    assert "When a &lt; b &amp; c &gt; d:" in page
    assert 'rel="stylesheet"' not in page and "src=" not in lowered.replace("src=x", "")
    assert 'href="https://arxiv.org/abs/2606.00021"' in page
    text = text_file.read_text(encoding="utf-8")
    assert text.startswith("hub digest · ") and "https://arxiv.org/abs/2606.00021" in text and "<b>" not in text.split(
        "Eve")[0]
    assert md_file.read_text(encoding="utf-8").startswith("# hub digest")
    bad = hub("digest", "--to", str(tmp_path / "d.pdf"))
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


# --- mail ------------------------------------------------------------------------------------

def test_mail_to_a_real_smtp_server(hub, followed, hub_home, smtp_server) -> None:  # type: ignore[no-untyped-def]
    recorder, port = smtp_server
    _config(hub_home, f'[digest.smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                      'from = "hub <hub@example.org>"\n')
    result = hub("digest", "--to", "mailto:reader@example.org")
    assert result.exit_code == 0, result.stderr
    assert "delivered to mailto:reader@example.org" in result.stderr
    assert len(recorder.messages) == 1
    mail = recorder.messages[0]
    assert recorder.envelopes[0][1] == ["reader@example.org"]
    assert mail["Subject"].startswith("hub digest · ") and mail["To"] == "reader@example.org"
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(("plain",))
    rich = mail.get_body(("html",))
    assert plain is not None and rich is not None
    text, page = plain.get_content(), rich.get_content()
    assert "Two-tower retrieval for papers" in text and "https://arxiv.org/abs/2606.00001" in text
    assert 'href="https://arxiv.org/abs/2606.00001"' in page and "prefers-color-scheme" in page
    assert "<script" not in page.lower()


def test_unreachable_smtp_keeps_the_digest_and_the_mark_then_resends(hub, followed, hub_home,  # type: ignore[no-untyped-def]
                                                                      smtp_server) -> None:
    recorder, port = smtp_server
    closed = _free_port()
    _config(hub_home, f'[digest]\nto = ["mailto:reader@example.org"]\n[digest.smtp]\nhost = "127.0.0.1"\n'
                      f'port = {closed}\nsecurity = "none"\n')
    failed = hub("digest")
    assert failed.exit_code == 1
    errors = [line for line in failed.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "mailto:reader@example.org" in errors[0] and "resends" in errors[0]
    assert "HUB_SMTP_PASSWORD" not in failed.stderr
    assert len(_outbox(hub_home)) == 1 and _mark(hub_home) is None
    still = hub("digest", "--no-sync")  # still down: kept again, the mark stays
    assert still.exit_code == 1 and len(_outbox(hub_home)) == 1 and _mark(hub_home) is None
    _config(hub_home, f'[digest]\nto = ["mailto:reader@example.org"]\n[digest.smtp]\nhost = "127.0.0.1"\n'
                      f'port = {port}\nsecurity = "none"\n')
    resent = hub("digest")  # nothing new, but the kept digest goes out
    assert resent.exit_code == 0, resent.stderr
    assert len(recorder.messages) == 1 and "Two-tower retrieval" in recorder.messages[0].get_body(
        ("plain",)).get_content()
    assert _outbox(hub_home) == [] and _mark(hub_home)
    assert hub("digest").exit_code == 0 and len(recorder.messages) == 1  # nothing new: nothing sent


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback, on purpose
def test_login_with_the_password_from_the_environment(hub, followed, hub_home) -> None:  # type: ignore[no-untyped-def]
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    logins: list[tuple[str, str]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"s3cret")

    recorder, port = SmtpRecorder(), _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        _config(hub_home, f'[digest.smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nuser = "me"\n')
        missing = hub("digest", "--to", "mailto:reader@example.org")
        assert missing.exit_code == 1 and "no password for me" in missing.stderr and not recorder.messages
        right = hub("digest", "--no-sync", env={"HUB_SMTP_PASSWORD": "s3cret"})
        assert right.exit_code == 0, right.stderr
        assert logins[-1] == ("me", "s3cret") and len(recorder.messages) == 1  # the kept digest, sent once
        assert "s3cret" not in right.stderr
    finally:
        controller.stop()


def test_password_in_the_config_file_is_refused(hub, followed, hub_home) -> None:  # type: ignore[no-untyped-def]
    path = _config(hub_home, '[digest.smtp]\nhost = "127.0.0.1"\nuser = "me"\npassword = "hunter2"\n')
    result = hub("digest", "--no-sync", "--to", "mailto:reader@example.org")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert f"{path}:4" in result.stderr and "HUB_SMTP_PASSWORD" in result.stderr and "hunter2" not in result.stderr


# --- webhook ---------------------------------------------------------------------------------

def test_webhook_gets_json_and_the_second_digest_only_when_new(hub, followed, webhook) -> None:  # type: ignore[no-untyped-def]
    url = webhook.url("/services/T000/B000/secret")
    first = hub("digest", "--to", url)
    assert first.exit_code == 0, first.stderr
    assert len(webhook.posts) == 1
    path, headers, body = webhook.posts[0]
    assert path == "/services/T000/B000/secret" and headers["content-type"] == "application/json"
    data = json.loads(body)
    assert data["title"].startswith("hub digest · ")
    assert "Two-tower retrieval for papers" in data["text"]  # Slack shows `text`
    papers = {p["id"]: p for p in data["papers"]}
    assert set(papers) == {"arxiv:2606.00001", "arxiv:2606.00003"}
    assert papers["arxiv:2606.00001"]["url"] == "https://arxiv.org/abs/2606.00001"
    assert papers["arxiv:2606.00001"]["reasons"] == ["you follow Lichan Hong"]
    assert "secret" not in first.stderr  # the webhook's path is its key: never shown

    assert hub("digest", "--to", url).exit_code == 0 and len(webhook.posts) == 1  # nothing new: no POST
    _serve_day(followed, DAY2, date="Tue, 28 Apr 2026 00:00:00 -0400")
    webhook.status = 500
    down = hub("digest", "--to", url)
    assert down.exit_code == 1 and down.stderr.count("error") == 1 and "HTTP 500" in down.stderr
    assert "secret" not in down.stderr
    webhook.status = 200
    again = hub("digest", "--to", url)
    assert again.exit_code == 0
    ids = [[p["id"] for p in json.loads(post[2])["papers"]] for post in webhook.posts]
    assert ids[-1] == ["arxiv:2606.00010"] and ids[-2] == ["arxiv:2606.00010"]  # the kept one, resent once
    assert len(webhook.posts) == 3


# --- Atom ------------------------------------------------------------------------------------

def test_atom_feed_read_back_by_feedparser_and_by_hub(hub, followed, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import feedparser

    feed = tmp_path / "digest.xml"
    assert hub("digest", "--to", f"atom:{feed}").exit_code == 0
    _serve_day(followed, DAY2, date="Tue, 28 Apr 2026 00:00:00 -0400")
    assert hub("digest", "--to", f"atom:{feed}").exit_code == 0
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo
    digests = [e for e in parsed.entries if e.id.startswith("tag:hub.digest,")]
    assert len(digests) == 2 and len({e.id for e in parsed.entries}) == len(parsed.entries)
    assert "Sequential recommendation" in digests[0].content[0].value  # the newest first, its HTML digest
    links = {e.link for e in parsed.entries if not e.id.startswith("tag:")}
    assert links == {f"https://arxiv.org/abs/{n}" for n in ("2606.00001", "2606.00003", "2606.00010")}

    monkeypatch.setenv("HUB_HOME", str(tmp_path / "reader"))  # someone else subscribes to the feed
    assert run_hub("feeds", "add", str(feed), "--no-check").exit_code == 0
    for spec in ("arxiv:cs.AI", "arxiv:cs.CL", "arxiv:cs.IR", "arxiv:cs.LG"):  # the defaults, unreachable here
        assert run_hub("feeds", "remove", spec).exit_code == 0
    synced = run_hub("sync")
    assert synced.exit_code == 0 and "3 new" in synced.stderr, synced.stderr
    papers = json.loads(run_hub("papers", "--format", "json").stdout)
    assert {p["id"] for p in papers} == {"arxiv:2606.00001", "arxiv:2606.00003", "arxiv:2606.00010"}
    one = next(p for p in papers if p["id"] == "arxiv:2606.00001")
    assert one["title"] == "Two-tower retrieval for papers" and one["authors"] == ["Lichan Hong", "Ed H. Chi"]
    assert one["url"] == "https://arxiv.org/abs/2606.00001" and "cs.IR" in one["categories"]
    assert one["abstract"].startswith("We propose a two-tower model.")


def test_end_to_end_on_corpus_feeds(hub, feed_server, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    names = ["arxiv-rss2026-cs.AI-excerpt-3items.xml", "arxiv-rss2026-cs.LG-excerpt-3items.xml",
             "nature-rss1-current-2024-07-18.xml"]
    for name in names:
        feed_server.serve(f"/{name}", corpus_file(name).read_bytes())
        assert hub("feeds", "add", feed_server.url(f"/{name}")).exit_code == 0
    for spec in ("arxiv:cs.AI", "arxiv:cs.CL", "arxiv:cs.IR", "arxiv:cs.LG"):
        hub("feeds", "remove", spec)
    page = tmp_path / "digest.html"
    feed = tmp_path / "digest.xml"
    result = hub("digest", "--to", "-", "--to", str(page), "--to", f"atom:{feed}")
    assert result.exit_code == 0, result.stderr
    assert "3 sources" in result.stderr
    import feedparser

    parsed = feedparser.parse(feed.read_bytes())
    shown = [e for e in parsed.entries if not e.id.startswith("tag:hub.digest,")]
    import re

    count = len(re.findall(r"^### \d+\. \[", result.stdout, re.MULTILINE))
    assert count == len(shown) == 25  # [digest] limit's default
    assert page.read_text(encoding="utf-8").count('<div class="card">') == count
    assert CORPUS.is_dir()
    # hub reads the Atom file back with every paper, arXiv's and Nature's alike
    export = {p["id"]: p for p in json.loads(hub("export", "--format", "json").stdout)}
    carded = [p for p in export.values() if f"]({p['url']})" in result.stdout]
    assert len(carded) == 25 and any(p["id"].startswith("doi:") for p in carded)
    monkeypatch.setenv("HUB_HOME", str(tmp_path / "reader"))
    assert run_hub("feeds", "add", str(feed)).exit_code == 0
    for spec in ("arxiv:cs.AI", "arxiv:cs.CL", "arxiv:cs.IR", "arxiv:cs.LG"):
        run_hub("feeds", "remove", spec)
    assert run_hub("sync").exit_code == 0
    back = {p["id"]: p for p in json.loads(run_hub("export", "--format", "json").stdout)}
    assert set(back) == {p["id"] for p in carded}
    for ident, paper in back.items():
        original = export[ident]
        assert (paper["title"], paper["url"], paper["authors"]) == (original["title"], original["url"],
                                                                   original["authors"])
        assert paper["journal"] == original["journal"] and paper["published"] == original["published"]


# --- schedule --------------------------------------------------------------------------------

def test_schedule_prints_a_crontab_line_without_systemd(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "bin"
    empty.mkdir()
    result = hub("digest", "--schedule", "daily", "--at", "06:30", "--to", "mailto:me@example.org",
                 env={"PATH": str(empty)})
    assert result.exit_code == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith("30 6 * * * ") and line.endswith("# hub-digest")
    assert " digest --to mailto:me@example.org " in line and "HUB_HOME=" in line
    assert line.split()[6].startswith("/") or line.split()[5].startswith("HUB_HOME=")
    weekly = hub("digest", "--schedule", "weekly", env={"PATH": str(empty)})
    assert weekly.stdout.startswith("0 7 * * 5 ")
    assert hub("digest", "--schedule", "hourly").exit_code == 2
    assert hub("digest", "--schedule", "daily", "--at", "25:00").exit_code == 2


def test_systemd_units_text() -> None:
    from hubcli.digest import schedule

    at = schedule.when("weekly", "21:05")
    service, timer = schedule.systemd_units(["/opt/hub env/bin/hub", "digest", "--to", "atom:/srv/100%.xml"], at,
                                            {"HUB_HOME": "/data/hub"})
    assert "OnCalendar=Fri *-*-* 21:05:00" in timer and "Persistent=true" in timer
    assert "WantedBy=timers.target" in timer
    assert 'ExecStart="/opt/hub env/bin/hub" digest --to atom:/srv/100%%.xml' in service
    assert "Environment=HUB_HOME=/data/hub" in service and "Type=oneshot" in service
    assert schedule.when("daily", None).on_calendar == "*-*-* 07:00:00"


def test_install_without_systemd_or_crontab_says_so(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "bin"
    empty.mkdir()
    result = hub("digest", "--schedule", "daily", "--install", env={"PATH": str(empty),
                                                                    "XDG_CONFIG_HOME": str(tmp_path / "cfg")})
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "systemd is not running" in result.stderr
    assert not (tmp_path / "cfg").exists()


def test_install_falls_back_to_crontab_idempotently(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env, table = fake_crontab(tmp_path)
    table.write_text("0 1 * * * /usr/bin/true\n")
    first = hub("digest", "--schedule", "daily", "--at", "08:15", "--install", env=env)
    assert first.exit_code == 0, first.stderr
    lines = table.read_text().splitlines()
    assert lines[0] == "0 1 * * * /usr/bin/true" and lines[1].startswith("15 8 * * * ") and len(lines) == 2
    again = hub("digest", "--schedule", "daily", "--at", "08:15", "--install", env=env)
    assert again.exit_code == 0 and "already" in again.stderr and len(table.read_text().splitlines()) == 2
    removed = hub("digest", "--uninstall", env=env)
    assert removed.exit_code == 0 and table.read_text().splitlines() == ["0 1 * * * /usr/bin/true"]


# --- a model's brief -------------------------------------------------------------------------

@pytest.mark.slow
def test_model_brief_in_the_digest_in_chinese(hub, followed, hub_home) -> None:  # type: ignore[no-untyped-def]
    from test_brief import LLMServer, Reply

    server = LLMServer()
    try:
        server.default = Reply("## 概览\n\n双塔检索 [P1]，以及论文推荐 [P2]。<script>alert(1)</script> "
                               "[看这里](javascript:alert(2)) <img src=x onerror=alert(3)>")
        _config(hub_home, f'[llm]\nmodel = "openai/test-model"\napi_base = "{server.base}"\nmax_retries = 0\n'
                          "context_window = 16000\n")
        page = hub_home / "digest.html"
        result = hub("digest", "--lang", "zh", "--to", "-", "--to", str(page))
        assert result.exit_code == 0, result.stderr
        html = page.read_text(encoding="utf-8")
        assert "双塔检索" in html and "&lt;script&gt;" in html  # the model's text is escaped, never markup
        assert "<script" not in html.lower() and "<img" not in html.lower() and 'href="javascript' not in html
        briefs = [b for b in server.bodies if "You write TL;DRs" not in b["messages"][0]["content"]]
        assert len(briefs) == 1  # the brief's one call (the cards' TL;DRs are asked apart)
        assert "Chinese" in server.system_prompt() or "中文" in server.system_prompt()
        out = result.stdout
        assert "## 简报" in out and "由 openai/test-model 撰写" in out
        assert "### 概览" in out and "双塔检索 [1]" in out  # hub's citation check numbered it
        assert "Two-tower retrieval for papers" in out.split("## 论文")[1]
    finally:
        server.close()


def test_a_failing_model_falls_back_to_the_offline_digest(hub, followed, hub_home) -> None:  # type: ignore[no-untyped-def]
    closed = _free_port()
    _config(hub_home, f'[llm]\nmodel = "openai/test-model"\napi_base = "http://127.0.0.1:{closed}/v1"\n'
                      "max_retries = 0\ncontext_window = 16000\n")
    result = hub("digest")
    assert result.exit_code == 0, result.stderr
    assert "the offline digest is used instead" in result.stderr
    assert "Computed locally" in result.stdout and "## Papers" in result.stdout


# --- the library's recommendations -----------------------------------------------------------

@pytest.mark.slow
def test_library_recommendations_join_the_follows(hub, arxiv_mirror) -> None:  # type: ignore[no-untyped-def]
    liked = [Item(f"2606.0010{i}", f"Graph neural recommendation {topic}", ["Ann Other"], categories=["cs.IR"],
                  abstract=f"Graph neural networks for recommendation of {topic}: user item graphs, "
                           "collaborative filtering and message passing for recommender systems.")
             for i, topic in enumerate(["of music", "of news", "of products"])]
    other = [Item(f"2606.0020{i}", title, ["Someone Else"], categories=["cs.IR"], abstract=abstract)
             for i, (title, abstract) in enumerate([
                 ("Galaxy rotation curves", "We measure galaxy rotation curves with radio telescopes and dark matter."),
                 ("Protein folding kinetics", "Protein folding kinetics measured by fluorescence spectroscopy."),
                 ("Ocean wave spectra", "Ocean surface wave spectra from buoys in storms."),
                 ("Soil microbes in drought", "Soil microbial communities respond to drought and rainfall.")])]
    _serve_day(arxiv_mirror, liked + other)
    hub("follow", "Lichan Hong")
    assert hub("sync", "arxiv:cs.IR").exit_code == 0
    for item in liked:
        assert hub("save", f"arxiv:{item.arxiv_id}").exit_code == 0
    assert hub("digest", "--no-sync", "--always").exit_code == 0  # the mark: everything so far
    day2 = [Item("2606.00301", "Graph neural recommendation of movies", ["New Author"], categories=["cs.IR"],
                 abstract="Graph neural networks for recommendation of movies with collaborative filtering and "
                          "message passing on user item graphs."),
            Item("2606.00302", "Galaxy clusters and lensing", ["Far Away"], categories=["cs.IR"],
                 abstract="Weak lensing of galaxy clusters measured with telescopes."),
            Item("2606.00303", "Optical fibres at low loss", ["Lichan Hong"], categories=["cs.IR"],
                 abstract="Low-loss optical fibres drawn from new glass.")]
    _serve_day(arxiv_mirror, day2, date="Tue, 28 Apr 2026 00:00:00 -0400")
    result = hub("digest")
    assert result.exit_code == 0, result.stderr
    cards = result.stdout.split("## Papers", 1)[1]
    assert "Graph neural recommendation of movies" in cards and "recommended by your library" in cards
    assert "Optical fibres at low loss" in cards and "you follow Lichan Hong" in cards
    assert "Galaxy clusters and lensing" not in cards
    first = cards.split("### 2.")[0]
    assert "Graph neural recommendation of movies" in first  # ranked by the library first


def test_install_and_uninstall_with_systemd(hub, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """systemd is not running in the test machine: a stand-in ``systemctl`` on PATH records
    what hub asks of it (the real one's interface: ``--user`` verbs, exit 0)."""
    from hubcli.digest import schedule

    runtime = tmp_path / "run-systemd-system"
    runtime.mkdir()
    monkeypatch.setattr(schedule, "SYSTEMD_RUNTIME", runtime)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "systemctl.log"
    fake = bin_dir / "systemctl"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    fake.chmod(0o755)
    env = {"PATH": str(bin_dir), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    shown = hub("digest", "--schedule", "weekly", "--at", "06:45", "--to", "atom:/srv/d.xml", env=env)
    assert shown.exit_code == 0, shown.stderr
    assert "OnCalendar=Fri *-*-* 06:45:00" in shown.stdout and "--to atom:/srv/d.xml" in shown.stdout
    assert f"# {tmp_path / 'cfg' / 'systemd' / 'user' / 'hub-digest.timer'}" in shown.stdout
    installed = hub("digest", "--schedule", "weekly", "--at", "06:45", "--to", "atom:/srv/d.xml", "--install",
                    env=env)
    assert installed.exit_code == 0, installed.stderr
    units = tmp_path / "cfg" / "systemd" / "user"
    assert "OnCalendar=Fri *-*-* 06:45:00" in (units / "hub-digest.timer").read_text()
    exec_start = next(x for x in (units / "hub-digest.service").read_text().splitlines() if x.startswith("ExecStart="))
    assert exec_start.split("=", 1)[1].startswith("/") and exec_start.endswith("digest --to atom:/srv/d.xml")
    assert calls.read_text().splitlines()[-3:] == ["--user show-environment", "--user daemon-reload",
                                                   "--user enable --now hub-digest.timer"]
    removed = hub("digest", "--uninstall", env=env)
    assert removed.exit_code == 0 and "removed" in removed.stderr
    assert not (units / "hub-digest.timer").exists() and not (units / "hub-digest.service").exists()
    assert calls.read_text().splitlines()[-2:] == ["--user disable --now hub-digest.timer", "--user daemon-reload"]


def test_the_digest_package_imports_neither_typer_nor_rich() -> None:
    import subprocess
    import sys

    code = ("import sys, hubcli.digest.compose, hubcli.digest.render, hubcli.digest.deliver, hubcli.digest.atom, "
            "hubcli.digest.outbox, hubcli.digest.schedule, hubcli.digest.config; "
            "print(sorted(m for m in ('typer', 'rich', 'litellm', 'sklearn') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
