"""Digests in chat apps, each in its own native message: ``slack:URL`` (Block Kit),
``discord:URL`` (embeds), ``feishu:URL``/``lark:URL`` (an interactive card) and
``telegram:CHAT_ID`` (the Bot API, HTML).  The services' own webhook URLs are recognised
by their host without a prefix.  One module per platform; :mod:`.common` holds what they
share (the chat cards, the brief's Markdown as lines, cutting and packing, one POST)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from hubcli.config import Settings
from hubcli.digest.compose import Digest

PLATFORMS = ("slack", "discord", "feishu", "telegram")
PREFIXES = {"slack": "slack", "discord": "discord", "feishu": "feishu", "lark": "feishu", "telegram": "telegram"}
_DISCORD_HOSTS = ("discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com")
_DISCORD_PATH_RE = re.compile(r"/api(/v\d+)?/webhooks/")


def platform_of(url: str) -> str | None:
    """The chat platform whose webhook ``url`` is, by its host (and path), else None:
    hooks.slack.com; discord.com (or discordapp.com) ``/api/webhooks/``; open.feishu.cn or
    open.larksuite.com ``/open-apis/bot/``."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "https":
        return None
    if host == "hooks.slack.com":
        return "slack"
    if host in _DISCORD_HOSTS and _DISCORD_PATH_RE.match(parts.path):
        return "discord"
    if host in ("open.feishu.cn", "open.larksuite.com") and parts.path.startswith("/open-apis/bot/"):
        return "feishu"
    return None


def send(digest: Digest, platform: str, value: str, *, shown: str, settings: Settings) -> None:
    """Deliver ``digest`` to a chat (``value`` the webhook URL, or Telegram's chat id), or
    raise ``HubError("digest_target_failed", ...)``."""
    from hubcli.digest.chat.common import chat_digest

    chat = chat_digest(digest)
    timeout = (settings.connect_timeout, settings.read_timeout)
    if platform == "telegram":
        from hubcli.digest.chat import telegram
        from hubcli.digest.config import telegram_api, telegram_token

        telegram.send(chat, value, shown=shown, api=telegram_api(settings), token=telegram_token(), timeout=timeout)
    elif platform == "slack":
        from hubcli.digest.chat import slack

        slack.send(chat, value, shown=shown, timeout=timeout)
    elif platform == "discord":
        from hubcli.digest.chat import discord

        discord.send(chat, value, shown=shown, timeout=timeout)
    elif platform == "feishu":
        from hubcli.digest.chat import feishu

        feishu.send(chat, value, shown=shown, timeout=timeout)
