"""Messages of schedule (see the issue that introduced it), in English and Simplified Chinese."""

from __future__ import annotations

SCHEDULE_MESSAGES: dict[str, dict[str, str]] = {
}
