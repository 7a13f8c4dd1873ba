"""hub digest in chat apps: the real `hub digest --to slack:|discord:|feishu:|telegram:` sending
to loopback receivers (http.server) that check each platform's payload against its
documented shape and limits, escaping of hostile paper text, splitting of a long digest,
secrets never shown, failures kept in the outbox and resent."""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import FeedServer
from feedgen import Item, arxiv_rss

PLATFORMS = ("slack", "discord", "feishu", "telegram")
TOKEN = "123456789:AAE-telegram-SECRET-token"
SECRET = "SECRETPATH"
ZWSP = "\u200b"
DAY = [Item("2606.00001", "Two-tower retrieval for papers", ["Lichan Hong", "Ed H. Chi"], categories=["cs.IR"],
            abstract="We propose a two-tower model. It retrieves papers quickly."),
       Item("2606.00002", "A recommender for research papers", ["Ann Other"], categories=["cs.IR"],
            abstract="We present a recommender system for papers. It learns from a library.")]
HOSTILE = ["<script>alert(1)</script> in titles", "@everyone look at this", "<http://evil.example|click> here",
           "*bold* _it_ ~strike~ `code` claims", "[x](javascript:alert(1)) trick", "<at id=all></at> ping"]


# --- a loopback receiver ---------------------------------------------------------------------

class Receiver:
    """One HTTP server on 127.0.0.1 recording each POST (path, JSON) and answering the
    platform's success unless told otherwise (``answers``: the next answers, in order)."""

    OK: dict[str, tuple[int, bytes]] = {
        "slack": (200, b"ok"), "discord": (200, b'{"id": "1", "type": 0}'),
        "feishu": (200, b'{"code": 0, "msg": "success", "data": {}}'),
        "telegram": (200, b'{"ok": true, "result": {"message_id": 1}}')}

    def __init__(self) -> None:
        self.posts: list[tuple[str, Any]] = []
        self.answers: list[tuple[int, bytes]] = []
        self.always: tuple[int, bytes] | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.posts.append((self.path, json.loads(body)))
                status, answer = receiver.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if answer.startswith(b"{") else "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def answer(self, path: str) -> tuple[int, bytes]:
        if self.answers:
            return self.answers.pop(0)
        if self.always:
            return self.always
        platform = next(p for p in PLATFORMS if path.startswith(f"/{p}"))
        return self.OK[platform]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def target(self, platform: str) -> str:
        if platform == "telegram":
            return "telegram:-1001234567890"
        paths = {"slack": f"/slack/services/T000/B000/{SECRET}", "discord": f"/discord/api/webhooks/42/{SECRET}",
                 "feishu": f"/feishu/open-apis/bot/v2/hook/{SECRET}"}
        return f"{platform}:{self.url(paths[platform])}"


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    server = Receiver()
    monkeypatch.setenv("HUB_TELEGRAM_API", server.url("/telegram"))
    monkeypatch.setenv("HUB_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.delenv("HUB_FEISHU_SECRET", raising=False)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _serve(mirror: FeedServer, items: list[Item], date: str = "Mon, 27 Apr 2026 00:00:00 -0400") -> None:
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        mirror.serve(f"/rss/{cat}", arxiv_rss(cat, items if cat == "cs.IR" else [], date=date))


def _config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")


def _outbox(home: Path) -> list[Path]:
    return sorted((home / "digest-outbox").glob("*.json"))


# --- each platform's documented shape and limits ---------------------------------------------

_SLACK_LINK_RE = re.compile(r"<(https?://[^\s|<>]+)(\|[^<>]*)?>")


def _mrkdwn(text: str) -> None:
    """Slack mrkdwn: the only raw `<…>` are http(s) links; `&` only in the three entities."""
    assert 0 < len(text) <= 3000
    rest = _SLACK_LINK_RE.sub("", text)
    assert "<" not in rest and ">" not in rest.replace("\n> ", "\n").removeprefix("> "), text
    assert not re.search(r"&(?!amp;|lt;|gt;)", text), text


def validate_slack(body: dict[str, Any]) -> None:
    assert set(body) <= {"text", "blocks", "unfurl_links", "unfurl_media"}
    assert isinstance(body["text"], str) and body["text"]
    blocks = body["blocks"]
    assert isinstance(blocks, list) and 0 < len(blocks) <= 50
    for block in blocks:
        kind = block["type"]
        assert kind in ("header", "section", "context", "divider")
        if kind == "header":
            assert block["text"]["type"] == "plain_text" and 0 < len(block["text"]["text"]) <= 150
        elif kind == "section":
            assert block["text"]["type"] == "mrkdwn"
            _mrkdwn(block["text"]["text"])
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10
            for element in block["elements"]:
                assert element["type"] == "mrkdwn"
                _mrkdwn(element["text"])


def validate_discord(body: dict[str, Any]) -> None:
    assert set(body) <= {"content", "embeds", "allowed_mentions"}
    assert body["allowed_mentions"] == {"parse": []}  # nobody is pinged, whatever the text says
    assert isinstance(body["content"], str) and 0 < len(body["content"]) <= 2000
    embeds = body["embeds"]
    assert isinstance(embeds, list) and len(embeds) <= 10
    total = 0
    for embed in embeds:
        assert set(embed) <= {"title", "description", "url", "color"}
        assert len(embed.get("title", "")) <= 256 and len(embed.get("description", "")) <= 4096
        assert "url" not in embed or re.match(r"https?://", embed["url"])
        assert isinstance(embed["color"], int) and 0 <= embed["color"] <= 0xFFFFFF
        total += len(embed.get("title", "")) + len(embed.get("description", ""))
        for text in (embed.get("title", ""), embed.get("description", "")):
            for link in re.findall(r"\]\(([^)]*)\)", text):
                assert re.fullmatch(r"<https?://[^\s<>]+>", link), link
    assert total <= 6000


def _lark_md(text: str) -> None:
    assert "<" not in text and ">" not in text, text  # no <at id=all>, no <a>: all escaped
    for link in re.findall(r"\]\(([^)]*)\)", text):
        assert re.fullmatch(r"https?://\S+", link), link


def validate_feishu(body: dict[str, Any]) -> None:
    assert len(json.dumps(body, ensure_ascii=False).encode()) <= 30 * 1024  # Feishu's request body limit
    assert set(body) <= {"msg_type", "card", "timestamp", "sign"} and body["msg_type"] == "interactive"
    card = body["card"]
    assert card["header"]["title"]["tag"] == "plain_text" and card["header"]["title"]["content"]
    assert isinstance(card["elements"], list) and 0 < len(card["elements"]) <= 50
    for element in card["elements"]:
        assert element["tag"] in ("div", "hr", "note")
        if element["tag"] == "div":
            assert element["text"]["tag"] == "lark_md"
            _lark_md(element["text"]["content"])
        elif element["tag"] == "note":
            for part in element["elements"]:
                assert part["tag"] == "lark_md"
                _lark_md(part["content"])


class _TelegramHTML(HTMLParser):
    ALLOWED = {"b", "i", "code", "a", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.shown: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in self.ALLOWED, tag
        if tag == "a":
            assert [k for k, _ in attrs] == ["href"] and re.match(r"https?://", attrs[0][1] or "")
        else:
            assert not attrs
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        self.shown.append(data)


def telegram_shown(text: str) -> str:
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    assert not parser.open
    return "".join(parser.shown)


def validate_telegram(path: str, body: dict[str, Any]) -> None:
    assert path == f"/telegram/bot{TOKEN}/sendMessage"
    assert set(body) <= {"chat_id", "text", "parse_mode", "link_preview_options"}
    assert body["chat_id"] == -1001234567890 and body["parse_mode"] == "HTML"
    text = body["text"]
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;)", text)  # the only entities Telegram names
    shown = telegram_shown(text)
    assert 0 < len(shown.encode("utf-16-le")) // 2 <= 4096  # "1-4096 characters after entities parsing"


def validated(platform: str, receiver: Receiver) -> list[dict[str, Any]]:
    bodies = []
    for path, body in receiver.posts:
        if not path.startswith(f"/{platform}"):
            continue
        if platform == "telegram":
            validate_telegram(path, body)
        else:
            {"slack": validate_slack, "discord": validate_discord, "feishu": validate_feishu}[platform](body)
        bodies.append(body)
    return bodies


def shown_text(platform: str, bodies: list[dict[str, Any]]) -> str:
    """What a reader sees (markup removed, escapes undone), to check the text is all there."""
    out = []
    for body in bodies:
        if platform == "slack":
            texts = [b["text"]["text"] for b in body["blocks"] if "text" in b]
            texts += [e["text"] for b in body["blocks"] for e in b.get("elements", [])]
            out += [_SLACK_LINK_RE.sub(lambda m: (m.group(2) or "|")[1:], t) for t in texts]
        elif platform == "discord":
            out += [body["content"], *(e.get("title", "") + "\n" + e.get("description", "") for e in body["embeds"])]
        elif platform == "feishu":
            card = body["card"]
            out += [card["header"]["title"]["content"], json.dumps(card["elements"], ensure_ascii=False)]
        else:
            out.append(telegram_shown(body["text"]))
    text = "\n".join(out).replace(ZWSP, "")
    if platform == "discord":
        text = re.sub(r"\\(.)", r"\1", text)
    return html.unescape(text)


# --- the tests -------------------------------------------------------------------------------

@pytest.mark.parametrize("platform", PLATFORMS)
def test_each_platform_gets_its_native_message(hub, arxiv_mirror, receiver, platform) -> None:  # type: ignore[no-untyped-def]
    _serve(arxiv_mirror, DAY)
    result = hub("digest", "--to", receiver.target(platform))
    assert result.exit_code == 0, result.stderr
    bodies = validated(platform, receiver)
    assert len(bodies) == 1
    seen = shown_text(platform, bodies)
    assert "hub digest · " in seen and "Two-tower retrieval for papers" in seen
    assert "A recommender for research papers" in seen and "Lichan Hong, Ed H. Chi" in seen
    assert "new in your feeds" in seen  # why it is there
    raw = json.dumps(bodies, ensure_ascii=False)
    assert "https://arxiv.org/abs/2606.00001" in raw and "https://arxiv.org/pdf/2606.00001v1" in raw
    assert SECRET not in result.stderr and TOKEN not in result.stderr and SECRET not in result.stdout
    assert f"{platform}:" in result.stderr  # "delivered to slack:http://127.0.0.1:…/…"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_long_digest_is_split_within_the_limits(hub, arxiv_mirror, receiver, hub_home, platform) -> None:  # type: ignore[no-untyped-def]
    items = [Item(f"2606.{n:05d}", f"Paper {n}: " + "a rather long title about representation learning " * 4,
                  [f"Author {n}-{k}" for k in range(12)], categories=["cs.IR"],
                  abstract="We study representation learning at scale. " * 40) for n in range(1, 41)]
    _config(hub_home, "[digest]\nlimit = 40\nbrief = 40\n")
    _serve(arxiv_mirror, items)
    result = hub("digest", "--to", receiver.target(platform))
    assert result.exit_code == 0, result.stderr
    bodies = validated(platform, receiver)
    assert len(bodies) > 1  # split, not refused
    seen = shown_text(platform, bodies)
    for n in range(1, 41):
        assert f"Paper {n}: a rather long" in seen
    assert f"1/{len(bodies)}" in seen and f"{len(bodies)}/{len(bodies)}" in seen


@pytest.mark.parametrize("platform", PLATFORMS)
def test_hostile_titles_are_text_not_markup(hub, arxiv_mirror, receiver, platform) -> None:  # type: ignore[no-untyped-def]
    _serve(arxiv_mirror, [Item(f"2606.{n:05d}", title, ["Eve @here"], categories=["cs.IR"],
                               abstract="An abstract with <b>tags</b> & [a link](javascript:alert(2)).")
                          for n, title in enumerate(HOSTILE, start=1)])
    assert hub("digest", "--to", receiver.target(platform)).exit_code == 0
    bodies = validated(platform, receiver)  # the validators refuse any raw markup of these
    raw = json.dumps(bodies, ensure_ascii=False)
    seen = shown_text(platform, bodies)
    for title in ("alert(1)", "look at this", "click> here", "claims", "trick", "ping"):
        assert title in seen  # (the feed parser already dropped the tags: <script>, <at>)
    assert 'href="javascript' not in raw  # Telegram's links, and no other platform writes a link from text
    if platform in ("discord", "feishu"):  # the two with [label](url) links (Slack's and Telegram's differ)
        assert "](javascript" not in raw
    if platform == "slack":
        assert "<http://evil.example|click>" not in raw and "&lt;http://evil.example|click&gt;" in raw
        assert "*bold*" not in raw and f"{ZWSP}*{ZWSP}bold{ZWSP}*{ZWSP}" in raw
    elif platform == "discord":
        assert "@everyone" not in raw and "@here" not in raw  # and allowed_mentions is empty anyway
        assert "\\\\*bold\\\\*" in raw and "\\\\[x\\\\]\\\\(javascript" in raw
    elif platform == "feishu":
        assert "&#60;http&#58;//evil.example&#124;click&#62;" in raw and "&#42;bold&#42;" in raw
    else:
        assert "&lt;http://evil.example|click&gt;" in raw and "*bold*" in seen


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_failing_receiver_keeps_the_digest_and_the_next_run_resends(hub, arxiv_mirror, receiver, hub_home,  # type: ignore[no-untyped-def]
                                                                      platform) -> None:
    refusals = {"slack": (400, b"invalid_blocks"), "discord": (400, b'{"message": "Invalid Form Body", "code": 50035}'),
                "feishu": (200, b'{"code": 19036, "msg": "The message exceeds the size limit of 30KB"}'),
                "telegram": (400, b'{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}')}
    _serve(arxiv_mirror, DAY)
    receiver.always = refusals[platform]
    down = hub("digest", "--to", receiver.target(platform))
    assert down.exit_code == 1
    errors = [line for line in down.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and f"{platform}:" in errors[0]
    assert {"slack": "invalid_blocks", "discord": "Invalid Form Body", "feishu": "19036",
            "telegram": "chat not found"}[platform] in errors[0]
    assert SECRET not in down.stderr and TOKEN not in down.stderr
    kept = _outbox(hub_home)
    assert len(kept) == 1 and TOKEN not in kept[0].read_text(encoding="utf-8")

    receiver.always = None
    receiver.posts.clear()
    again = hub("digest", "--no-sync", "--to", receiver.target(platform))
    assert again.exit_code == 0, again.stderr
    assert "Two-tower retrieval for papers" in shown_text(platform, validated(platform, receiver))
    assert _outbox(hub_home) == []


def test_telegram_token_from_the_environment_never_shown(hub, arxiv_mirror, receiver, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _serve(arxiv_mirror, DAY)
    echo = json.dumps({"ok": False, "error_code": 401,
                       "description": f"Unauthorized: https://api.telegram.org/bot{TOKEN}/sendMessage"}).encode()
    receiver.always = (401, echo)
    failed = hub("digest", "--to", "telegram:-1001234567890")
    assert failed.exit_code == 1 and TOKEN not in failed.stderr + failed.stdout and "***" in failed.stderr
    assert receiver.posts[0][0] == f"/telegram/bot{TOKEN}/sendMessage"  # the token went to the API only

    monkeypatch.delenv("HUB_TELEGRAM_TOKEN")
    receiver.posts.clear()
    missing = hub("digest", "--no-sync", "--to", "telegram:-1001234567890")
    assert missing.exit_code == 1 and "HUB_TELEGRAM_TOKEN" in missing.stderr and receiver.posts == []


def test_telegram_waits_once_when_rate_limited(hub, arxiv_mirror, receiver) -> None:  # type: ignore[no-untyped-def]
    _serve(arxiv_mirror, DAY)
    limited = (429, b'{"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 0", '
                    b'"parameters": {"retry_after": 0}}')
    receiver.answers = [limited]
    result = hub("digest", "--to", "telegram:-1001234567890")
    assert result.exit_code == 0, result.stderr
    assert len(receiver.posts) == 2 and receiver.posts[0][1] == receiver.posts[1][1]

    _serve(arxiv_mirror, [Item("2606.00009", "Another recommender", ["Ann Other"], categories=["cs.IR"])],
           date="Tue, 28 Apr 2026 00:00:00 -0400")
    receiver.posts.clear()
    receiver.always = limited
    again = hub("digest", "--to", "telegram:-1001234567890")
    assert again.exit_code == 1 and "rate limit" in again.stderr and len(receiver.posts) == 2


def test_a_plain_http_telegram_api_elsewhere_gets_no_token(hub, arxiv_mirror, receiver, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _serve(arxiv_mirror, DAY)
    monkeypatch.setenv("HUB_TELEGRAM_API", "http://telegram-proxy.example")
    result = hub("digest", "--to", "telegram:@hubdigest")
    assert result.exit_code == 1 and "plain HTTP" in result.stderr and TOKEN not in result.stderr


def test_tldrs_kept_in_the_outbox_are_on_every_platform(hub, receiver, hub_home) -> None:  # type: ignore[no-untyped-def]
    from hubcli.digest.compose import Card, Digest
    from hubcli.models import Paper, Tldr

    paper = Paper(key="arxiv:2606.00001", title="Two-tower retrieval for papers", authors=["Lichan Hong"],
                  arxiv_id="2606.00001", version=1, url="https://arxiv.org/abs/2606.00001",
                  abstract="We propose a two-tower model.", published="2026-04-27")
    odd = Paper(key="https://example.org/p", title="<script>x</script> <at id=all></at> @everyone *odd*",
                url="javascript:alert(1)")
    digest = Digest("20261207T070000Z-0badc0de", "2026-12-07T07:00:00+00:00", "en", "", "2026-12-07T07:00:00+00:00",
                    [Card(paper, [("author", "Lichan Hong")], Tldr("Two towers <b>retrieve</b> papers 3x faster.",
                                                                   "model", "en", "qwen")),
                     Card(odd, [("new", "")], Tldr("The key sentence.", "extracted"))], 2,
                    brief="### Retrieval\n\n- **Two towers** [1](https://arxiv.org/abs/2606.00001) `x<y`\n"
                          "- [click](javascript:alert(3)) <img src=x onerror=alert(4)> @everyone\n\n"
                          "```\ncode <b>\n```\n")
    (hub_home / "digest-outbox").mkdir(parents=True)
    targets = [receiver.target(p) for p in PLATFORMS]
    (hub_home / "digest-outbox" / f"{digest.id}.json").write_text(
        json.dumps({"digest": digest.to_json(), "targets": targets}), encoding="utf-8")
    result = hub("digest", "--no-sync", "--to", "-")
    assert result.exit_code == 0, result.stderr
    for platform in PLATFORMS:
        server_posts = [post for post in receiver.posts if post[0].startswith(f"/{platform}")]
        seen = shown_text(platform, validated(platform, receiver))
        assert "Two towers" in seen and "x<y" in seen and "<img src=x onerror=alert(4)>" in seen
        assert "code <b>" in seen
        assert "Two towers <b>retrieve</b> papers 3x faster." in seen and "TL;DR" in seen
        assert "The key sentence." in seen and "extracted" in seen
        assert "<script>x</script> <at id=all></at> @everyone *odd*" in seen  # shown as text
        raw = json.dumps([body for _, body in server_posts], ensure_ascii=False)
        assert "javascript:alert(1)" not in raw  # the paper's link: not a link anywhere
        live = {"slack": r"<javascript", "discord": r"\]\(<?javascript", "feishu": r"\]\(javascript",
                "telegram": r'href="javascript'}[platform]
        assert not re.search(live, raw)  # nor the brief's [click](javascript:…): text, never a link
        escaped = {"slack": "&lt;script&gt;x&lt;/script&gt; &lt;at id=all&gt;",
                   "discord": "\\\\<script\\\\>x\\\\</script\\\\> \\\\<at id=all\\\\>",
                   "feishu": "&#60;script&#62;x&#60;/script&#62; &#60;at id=all&#62;",
                   "telegram": "&lt;script&gt;x&lt;/script&gt; &lt;at id=all&gt;"}[platform]
        assert escaped in raw, platform
    discord = [body for path, body in receiver.posts if path.startswith("/discord")]
    assert "@everyone" not in json.dumps(discord)  # Discord's has a zero-width space (and pings nobody)
    assert _outbox(hub_home) == []


def test_feishu_signs_when_the_bot_has_a_secret(hub, arxiv_mirror, receiver, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import base64
    import hashlib
    import hmac

    monkeypatch.setenv("HUB_FEISHU_SECRET", "feishu-signing-secret")
    _serve(arxiv_mirror, DAY)
    assert hub("digest", "--to", receiver.target("feishu")).exit_code == 0
    body = validated("feishu", receiver)[0]
    expected = hmac.new(f"{body['timestamp']}\nfeishu-signing-secret".encode(), b"", hashlib.sha256).digest()
    assert body["sign"] == base64.b64encode(expected).decode()


def test_the_services_webhook_urls_are_recognised_by_host(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from hubcli.digest.deliver import parse_target
    from hubcli.errors import UsageError

    found = {
        "https://hooks.slack.com/services/T000/B000/XXXX": ("slack", "slack:https://hooks.slack.com/…"),
        "https://discord.com/api/webhooks/123/abc": ("discord", "discord:https://discord.com/…"),
        "https://discordapp.com/api/webhooks/123/abc": ("discord", "discord:https://discordapp.com/…"),
        "https://open.feishu.cn/open-apis/bot/v2/hook/abc": ("feishu", "feishu:https://open.feishu.cn/…"),
        "https://open.larksuite.com/open-apis/bot/v2/hook/abc": ("feishu", "feishu:https://open.larksuite.com/…"),
        "lark:https://open.larksuite.com/open-apis/bot/v2/hook/abc": ("feishu", "feishu:https://open.larksuite.com/…"),
        "https://discord.com/channels/1/2": ("webhook", "https://discord.com/…"),  # not a webhook of Discord's
        "https://example.org/hooks.slack.com": ("webhook", "https://example.org/…"),
        "telegram:@hubdigest": ("telegram", "telegram:@hubdigest"),
        "telegram:-1001234567890": ("telegram", "telegram:-1001234567890"),
    }
    for spec, (kind, shown) in found.items():
        target = parse_target(spec)
        assert (target.kind, target.shown) == (kind, shown), spec
    monkeypatch.setenv("HUB_DIGEST_WEBHOOK", "slack:https://hooks.slack.com/services/T/B/SECRET")
    from_env = parse_target("env:HUB_DIGEST_WEBHOOK")
    assert from_env.kind == "slack" and from_env.spec == "env:HUB_DIGEST_WEBHOOK" and "SECRET" not in from_env.shown
    for bad in ("telegram:not a chat", "slack:hooks.slack.com/services/SECRET", "discord:"):
        with pytest.raises(UsageError) as caught:
            parse_target(bad)
        assert "SECRET" not in str(caught.value.params)


def test_a_schedule_never_writes_a_chat_webhook(hub) -> None:  # type: ignore[no-untyped-def]
    result = hub("digest", "--schedule", "daily", "--to", "slack:https://hooks.slack.com/services/T/B/SECRET",
                 "--to", "telegram:@hubdigest")
    assert result.exit_code == 0, result.stderr
    assert "SECRET" not in result.stdout + result.stderr
    assert "env:HUB_DIGEST_WEBHOOK" in result.stdout and "telegram:@hubdigest" in result.stdout
