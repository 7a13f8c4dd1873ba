"""Messages of chat (see the issue that introduced it), in English and Simplified Chinese."""

from __future__ import annotations

CHAT_MESSAGES: dict[str, dict[str, str]] = {
}
