"""Messages of tldr (see the issue that introduced it), in English and Simplified Chinese."""

from __future__ import annotations

TLDR_MESSAGES: dict[str, dict[str, str]] = {
}
