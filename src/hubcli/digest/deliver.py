"""Where a digest goes: ``-`` (stdout, Markdown), a file (``.md``, ``.html``, ``.txt``),
``mailto:ADDRESS`` (SMTP), ``atom:PATH`` (a feed of the last 30 digests), an
``http(s)://`` webhook (POST, JSON with ``text``, ``title`` and ``papers``) or a chat app's
native message (``slack:URL``, ``discord:URL``, ``feishu:URL``/``lark:URL``,
``telegram:CHAT_ID``: :mod:`hubcli.digest.chat`; those services' webhook URLs are
recognised by their host without the prefix).

Each :func:`deliver` either completes or raises a :class:`HubError` naming the target
(webhook URLs shown without their path: they are often secret)."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hubcli.config import Settings
from hubcli.digest import render
from hubcli.digest.compose import Digest
from hubcli.digest.config import SmtpConfig, smtp_password
from hubcli.errors import HubError, UsageError
from hubcli.hosts import loopback
from hubcli.i18n import Message
from hubcli.redaction import redact
from hubcli.render.formats import safe, sanitized_dict

FILE_FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".txt": "text"}
_PRIVATE = ("saved", "tags", "note", "read", "dismissed")  # the user's library state: not for a channel
_ADDRESS_RE = re.compile(r"[^@\s,;<>()\"'?&=]+@[^@\s,;<>()\"'?&=/]+\.[^@\s,;<>()\"'?&=/]+")


@dataclass(frozen=True)
class Target:
    kind: str  # stdout | file | mailto | atom | webhook | slack | discord | feishu | telegram
    spec: str  # as given (what the outbox keeps)
    value: str  # the path, address, URL or (telegram) chat id

    @property
    def shown(self) -> str:
        """How the target is named in messages: a webhook without its (secret) path."""
        if self.kind == "webhook" or (self.kind in CHAT_PLATFORMS and self.kind != "telegram"):
            parts = urlsplit(self.value)
            where = f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}/…"
            return where if self.kind == "webhook" else f"{self.kind}:{where}"
        if self.kind == "telegram":
            return f"telegram:{safe(self.value)}"
        return safe(self.spec)


ENV_TARGET_RE = re.compile(r"env:([A-Za-z_][A-Za-z0-9_]*)")
CHAT_PLATFORMS = ("slack", "discord", "feishu", "telegram")


def _chat_target(spec: str, value: str) -> Target | None:
    """``slack:URL``, ``discord:URL``, ``feishu:URL``/``lark:URL``, ``telegram:CHAT_ID``, or a
    Slack, Discord, Feishu or Lark webhook URL recognised by its host; None for anything else."""
    from hubcli.digest.chat import PREFIXES, platform_of

    prefix, _, rest = value.partition(":")
    platform = PREFIXES.get(prefix.lower()) if rest else None
    if platform is None:
        found = platform_of(value)
        return Target(found, spec, value) if found else None
    rest = rest.strip()
    if platform == "telegram":
        from hubcli.digest.chat.telegram import CHAT_RE

        if not CHAT_RE.fullmatch(rest):
            raise UsageError("chat_bad_chat", target=safe(spec))
        return Target(platform, spec, rest)
    parts = urlsplit(rest)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError("chat_bad_url", target=f"{safe(prefix)}:…", prefix=safe(prefix.lower()))
    return Target(platform, spec, rest)


def parse_target(spec: str) -> Target:
    value = spec.strip()
    low = value.lower()
    named = ENV_TARGET_RE.fullmatch(value)
    if named:  # a target kept out of command lines (a webhook URL is a secret): read when the digest runs
        found = os.environ.get(named.group(1), "").strip()
        if not found or ENV_TARGET_RE.fullmatch(found):
            raise UsageError("digest_env_target_missing", name=named.group(1))
        target = parse_target(found)
        return Target(target.kind, value, target.value)
    if value == "-":
        return Target("stdout", value, value)
    chat = _chat_target(value, value)
    if chat:
        return chat
    if low.startswith("mailto:"):
        address = value[len("mailto:"):].strip()
        if not _ADDRESS_RE.fullmatch(address):
            raise UsageError("digest_bad_address", target=safe(spec))
        return Target("mailto", value, address)
    if low.startswith("atom:"):
        path = value[len("atom:"):].strip()
        if not path:
            raise UsageError("digest_bad_target", target=safe(spec))
        return Target("atom", value, str(Path(path).expanduser()))
    if low.startswith(("http://", "https://")):
        if not urlsplit(value).hostname:
            raise UsageError("digest_bad_target", target=safe(spec))
        return Target("webhook", value, value)
    if re.match(r"^[a-z][a-z0-9+.-]*:", low) and not re.match(r"^[a-z]:[\\/]", low):
        raise UsageError("digest_bad_target", target=safe(spec))
    if Path(value).suffix.lower() not in FILE_FORMATS:
        raise UsageError("digest_bad_extension", target=safe(spec))
    return Target("file", value, str(Path(value).expanduser()))


def rendered(digest: Digest, fmt: str) -> str:
    if fmt == "html":
        return render.to_html(digest)
    if fmt == "text":
        return render.to_text(digest)
    return render.to_markdown(digest)


def deliver(digest: Digest, target: Target, settings: Settings, smtp: SmtpConfig, *,
            stdout: Callable[[str], None]) -> None:
    """Send ``digest`` to ``target`` or raise ``HubError("digest_target_failed", ...)``."""
    try:
        if target.kind == "stdout":
            stdout(render.to_markdown(digest))
        elif target.kind == "file":
            from hubcli.outfile import atomic_write

            atomic_write(target.value, rendered(digest, FILE_FORMATS[Path(target.value).suffix.lower()]))
        elif target.kind == "mailto":
            send_mail(digest, target.value, smtp, timeout=settings.connect_timeout + settings.read_timeout)
        elif target.kind == "atom":
            from hubcli.digest.atom import write_atom

            write_atom(Path(target.value), digest)
        elif target.kind == "webhook":
            post_webhook(digest, target.value, timeout=(settings.connect_timeout, settings.read_timeout))
        elif target.kind in CHAT_PLATFORMS:
            from hubcli.digest.chat import send

            send(digest, target.kind, target.value, shown=target.shown, settings=settings)
    except HubError as exc:
        if exc.key == "digest_target_failed":
            raise
        raise HubError("digest_target_failed", target=target.shown, reason=Message(exc.key, dict(exc.params))) from exc


def _failed(target: str, reason: str | Message) -> HubError:
    return HubError("digest_target_failed", target=target, reason=reason)


# --- mail ------------------------------------------------------------------------------------

def message(digest: Digest, address: str, sender: str) -> Any:
    """The mail: plain text and HTML alternatives of the same digest."""
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    mail = EmailMessage()
    mail["Subject"] = render.title(digest)
    mail["From"] = sender
    mail["To"] = address
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(idstring=digest.id, domain="hub.digest")
    mail["X-Hub-Digest"] = digest.id
    mail.set_content(render.to_text(digest))
    mail.add_alternative(render.to_html(digest), subtype="html")
    return mail


def send_mail(digest: Digest, address: str, smtp: SmtpConfig, *, timeout: float) -> None:
    shown = f"mailto:{address}"
    if not smtp.host:
        raise _failed(shown, _t("digest_smtp_no_host"))
    sender = smtp.sender or smtp.user or address
    password = smtp_password(smtp)
    if smtp.user and not password:
        raise _failed(shown, _t("digest_smtp_no_password", user=smtp.user))
    if smtp.user and smtp.security == "none" and not loopback(smtp.host):
        raise _failed(shown, _t("digest_smtp_plain_auth", host=safe(smtp.host)))
    mail = message(digest, address, sender)
    port = smtp.effective_port
    where = f"{smtp.host}:{port}"
    try:
        _send(smtp, port, timeout, password, mail)
    except smtplib.SMTPAuthenticationError as exc:
        raise _failed(shown, _t("digest_smtp_auth", where=where, code=exc.smtp_code)) from None
    except smtplib.SMTPResponseException as exc:
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        detail = redact(safe(detail), [password], user=smtp.user)  # a server echoing the password
        raise _failed(shown, _t("digest_smtp_refused", where=where, code=exc.smtp_code, detail=detail[:160])) from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:  # refused, timed out, TLS
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        reason = redact(safe(reason), [password], user=smtp.user)
        raise _failed(shown, _t("digest_smtp_unreachable", where=where, reason=reason[:160])) from None


def _send(smtp: SmtpConfig, port: int, timeout: float, password: str | None, mail: Any) -> None:
    """One SMTP session: connect (TLS as configured), log in when there is a user, send."""
    assert smtp.host
    client: smtplib.SMTP
    if smtp.security == "ssl":
        client = smtplib.SMTP_SSL(smtp.host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(smtp.host, port, timeout=timeout)
    with client:
        if smtp.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if smtp.user and password:
            client.login(smtp.user, password)
        client.send_message(mail)


def _t(key: str, **params: Any) -> Message:
    """A reason, translated where it is shown (in that front end's language)."""
    return Message(key, params)


# --- webhook ---------------------------------------------------------------------------------

def payload(digest: Digest) -> dict[str, Any]:
    """``text`` (Slack and the like show it), ``title``, and the papers as data."""
    papers = []
    for rank, card in enumerate(digest.cards, start=1):
        data = {k: v for k, v in sanitized_dict(card.paper).items() if k not in _PRIVATE}
        data["rank"] = rank
        data["reasons"] = [render.reason_text(k, v, digest.lang) for k, v in card.reasons]
        papers.append(data)
    return {"title": render.title(digest), "text": render.to_text(digest), "markdown": render.to_markdown(digest),
            "id": digest.id, "date": digest.created, "papers": papers}


def post_webhook(digest: Digest, url: str, *, timeout: tuple[float, float]) -> None:
    import requests

    shown = Target("webhook", url, url).shown
    try:
        response = requests.post(url, json=payload(digest), timeout=timeout, allow_redirects=False,
                                 headers={"User-Agent": "hub-digest"})
    except requests.RequestException as exc:
        raise _failed(shown, _t("digest_webhook_unreachable", reason=type(exc).__name__)) from None
    with response:
        if not 200 <= response.status_code < 300:
            raise _failed(shown, _t("digest_webhook_status", status=response.status_code))
