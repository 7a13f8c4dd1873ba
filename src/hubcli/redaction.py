"""Secrets never printed, logged, cached or written: the ONE redaction of secret values.

A secret is the value of an environment variable whose name says it is one (``…KEY``,
``…TOKEN``, ``…SECRET``, ``…PASSWORD``, ``…PASS``: the provider's ``OPENAI_API_KEY``,
``HUB_SMTP_PASSWORD``, ``HUB_DIGEST_WEBHOOK``'s kin), at least 8 characters long, plus any
value the caller knows (the SMTP password from the keyring, a webhook URL's path).  Each is
replaced by ``***`` wherever it appears, and so are its base64 forms (what SMTP ``AUTH
PLAIN``/``LOGIN`` send), so a server or a model echoing it gives nothing away.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable

MASK = "***"
MIN_LENGTH = 8
_SECRET_NAME_RE = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|WEBHOOK)$|_(KEY|TOKEN|SECRET)_", re.IGNORECASE)


def environment_secrets() -> list[str]:
    """The values of the environment variables named as secrets (long enough to be one)."""
    return [value for name, value in os.environ.items()
            if value and len(value) >= MIN_LENGTH and _SECRET_NAME_RE.search(name)]


def _forms(secret: str, user: str | None) -> list[str]:
    forms = [secret, base64.b64encode(secret.encode()).decode()]
    if user is not None:
        forms.append(base64.b64encode(f"\0{user}\0{secret}".encode()).decode())
    return forms


def redact(text: str, extra: Iterable[str | None] = (), *, user: str | None = None) -> str:
    """``text`` with every secret (the environment's and ``extra``) and its base64 forms
    (with ``user``, also ``AUTH PLAIN``'s) replaced by ``***``; longer secrets first."""
    if not text:
        return text
    secrets = {s for s in [*environment_secrets(), *extra] if s and len(s) >= 4}
    forms = {form for s in secrets for form in _forms(s, user)}
    for form in sorted(forms, key=len, reverse=True):
        if form in text:
            text = text.replace(form, MASK)
    return text
