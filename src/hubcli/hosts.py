"""Which host is this machine (standard library only)."""

from __future__ import annotations


def loopback(host: str | None) -> bool:
    """Whether ``host`` is this machine (``localhost``, 127.0.0.0/8, ::1): the one place a
    password or a token may travel unencrypted, and a model server that computes one
    request at a time."""
    import ipaddress

    name = (host or "").strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
