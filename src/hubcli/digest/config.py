"""The ``[digest]`` settings of config.toml, checked when ``hub digest`` runs.

    [digest]
    to = ["mailto:me@example.org", "atom:~/digest.xml"]
    limit = 25          # paper cards
    brief = 10          # of which the brief covers the top ones

    [digest.smtp]
    host = "smtp.example.org"
    port = 587
    user = "me@example.org"
    from = "hub <me@example.org>"
    security = "starttls"   # or "ssl" or "none"

    [digest.telegram]
    api_base = "https://api.telegram.org"   # the Bot API server (env HUB_TELEGRAM_API wins)

The SMTP password never comes from the file: ``HUB_SMTP_PASSWORD``, else the system
keyring (service ``hub-smtp``, the user name), when the ``keyring`` package is installed.
Chat secrets neither: the Telegram bot token from ``HUB_TELEGRAM_TOKEN``, else the keyring
(service ``hub-telegram``, user ``token``); a Feishu/Lark bot's signing secret, when the
bot has one, from ``HUB_FEISHU_SECRET``, else the keyring (service ``hub-feishu``, user
``secret``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hubcli.config import Settings, checked_value, located
from hubcli.digest.compose import DEFAULT_BRIEF, DEFAULT_LIMIT
from hubcli.errors import ConfigError

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
KEYRING_SERVICE = "hub-smtp"
TELEGRAM_KEYRING = ("hub-telegram", "token")
FEISHU_KEYRING = ("hub-feishu", "secret")
TELEGRAM_API = "https://api.telegram.org"
_SECRET_KEYS = ("password", "pass", "passwd", "secret", "token")


@dataclass(frozen=True)
class SmtpConfig:
    host: str | None = None
    port: int | None = None
    user: str | None = None
    sender: str | None = None
    security: str = "starttls"

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


@dataclass(frozen=True)
class DigestConfig:
    to: list[str] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT
    brief: int = DEFAULT_BRIEF
    smtp: SmtpConfig = SmtpConfig()


def digest_config(settings: Settings) -> DigestConfig:
    data = settings.digest
    path = settings.paths.config_file
    to = data.get("to", [])
    if isinstance(to, str):
        to = [to]
    if not isinstance(to, list) or not all(isinstance(x, str) and x.strip() for x in to):
        raise ConfigError("config_bad_value", path=located(path, "digest.to"), key="digest.to", value=repr(to))
    limit = checked_value(data, "limit", int, path, table="digest", minimum=1)
    brief = checked_value(data, "brief", int, path, table="digest", minimum=0)
    smtp = data.get("smtp", {})
    if not isinstance(smtp, dict):
        raise ConfigError("config_bad_value", path=located(path, "digest.smtp"), key="digest.smtp",
                          value=repr(smtp))
    return DigestConfig([x.strip() for x in to], limit or DEFAULT_LIMIT,
                        DEFAULT_BRIEF if brief is None else brief, _smtp(smtp, path))


def _smtp(data: dict[str, Any], path: Path) -> SmtpConfig:
    for key in data:
        if key.lower() in _SECRET_KEYS:
            raise ConfigError("digest_password_in_file", path=located(path, f"digest.smtp.{key}"), key=key)

    def text(key: str) -> str | None:
        value = checked_value(data, key, str, path, table="digest.smtp")
        return value.strip() or None if isinstance(value, str) else None

    port = checked_value(data, "port", int, path, table="digest.smtp", minimum=1)
    security = (text("security") or "starttls").lower()
    if security not in SECURITY or (port is not None and port > 65535):
        key = "security" if security not in SECURITY else "port"
        raise ConfigError("config_bad_value", path=located(path, f"digest.smtp.{key}"), key=f"digest.smtp.{key}",
                          value=repr(data.get(key)))
    return SmtpConfig(text("host"), port, text("user"), text("from"), security)


def smtp_password(smtp: SmtpConfig) -> str | None:
    """``HUB_SMTP_PASSWORD``, else the keyring's entry (when ``keyring`` is installed)."""
    value = os.environ.get("HUB_SMTP_PASSWORD")
    if value:
        return value
    if not smtp.user:
        return None
    return keyring_secret(KEYRING_SERVICE, smtp.user)


def telegram_token() -> str | None:
    """``HUB_TELEGRAM_TOKEN``, else the keyring's ``hub-telegram``/``token`` entry."""
    return os.environ.get("HUB_TELEGRAM_TOKEN", "").strip() or keyring_secret(*TELEGRAM_KEYRING)


def feishu_secret() -> str | None:
    """A Feishu/Lark bot's signing secret (only bots with signature verification have one):
    ``HUB_FEISHU_SECRET``, else the keyring's ``hub-feishu``/``secret`` entry."""
    return os.environ.get("HUB_FEISHU_SECRET", "").strip() or keyring_secret(*FEISHU_KEYRING)


def telegram_api(settings: Settings) -> str:
    """The Bot API server: ``HUB_TELEGRAM_API``, else ``[digest.telegram] api_base``, else
    Telegram's own.  A token is never in the file: a ``token`` key there is a config error."""
    path = settings.paths.config_file
    data = settings.digest.get("telegram", {})
    if not isinstance(data, dict):
        raise ConfigError("config_bad_value", path=located(path, "digest.telegram"), key="digest.telegram",
                          value=repr(data))
    for key in data:
        if key.lower() in _SECRET_KEYS:
            raise ConfigError("chat_token_in_file", path=located(path, f"digest.telegram.{key}"), key=key)
    configured = checked_value(data, "api_base", str, path, table="digest.telegram")
    base = os.environ.get("HUB_TELEGRAM_API", "").strip() or (configured or "").strip() or TELEGRAM_API
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("config_bad_value", path=located(path, "digest.telegram.api_base"),
                          key="digest.telegram.api_base", value=repr(base))
    return base.rstrip("/")


def keyring_secret(service: str, user: str) -> str | None:
    """The system keyring's entry, when the optional ``keyring`` package is installed and
    has a usable backend; else None."""
    try:
        import keyring  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    try:
        found = keyring.get_password(service, user)
    except Exception:  # noqa: BLE001 - no usable keyring backend: as if none were installed
        return None
    return str(found) if found else None
