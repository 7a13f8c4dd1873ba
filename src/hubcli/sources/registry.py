"""Source specs: ``arxiv:cs.AI+cs.CL``, ``biorxiv:genomics``, URLs and feed files.

A spec is canonicalised (``arxiv:cs.ai`` -> ``arxiv:cs.AI``, files -> absolute paths) so
one subscription is one row, and gets the label the seed page shows (``arXiv (CS.AI)``).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hubcli.config import Settings
from hubcli.errors import UsageError
from hubcli.sources import arxiv
from hubcli.sync_models import Source

_SUBJECT_RE = re.compile(r"^[a-z0-9][a-z0-9_\- ]*$", re.IGNORECASE)


def _url_join(base: str, tail: str) -> str:
    """``<base><tail>`` (``arxiv:cs.AI+cs.CL`` fetches ``<base>cs.AI+cs.CL``); a base without a final slash gets one."""
    return (base if base.endswith(("/", "=")) else base + "/") + tail


def arxiv_categories(text: str) -> list[str]:
    cats = [c for c in text.replace(" ", "+").split("+") if c]
    if not cats or not all(arxiv.CATEGORY_RE.match(c) for c in cats):
        raise UsageError("unknown_source", spec=f"arxiv:{text}")
    return [arxiv.normalize_category(c) for c in cats]


def arxiv_label(cats: list[str]) -> str:
    return f"arXiv ({'+'.join(c.upper() for c in cats)})"


# arXiv's own feed addresses: rss.arxiv.org/rss/CAT and /atom/CAT (2024 on), and the older
# export.arxiv.org/rss/CAT and arxiv.org/rss/CAT (which now redirect to rss.arxiv.org)
ARXIV_FEED_HOSTS = ("rss.arxiv.org", "export.arxiv.org", "arxiv.org", "www.arxiv.org")
_ARXIV_FEED_PATH_RE = re.compile(r"^/(?:rss|atom)/(?P<cats>[^/]+)/?$")


def arxiv_feed_categories(url: str, settings: Settings | None = None) -> list[str] | None:
    """The categories an arXiv feed URL (or a URL under ``HUB_ARXIV_RSS_BASE``) is for.

    None for any other URL.  ``https://rss.arxiv.org/atom/cs.IR`` gives ``["cs.IR"]``: the
    shortcut fetches arXiv's RSS, which announces the same papers as the Atom feed.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    tail: str | None = None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() in ("http", "https") and host in ARXIV_FEED_HOSTS and parts.query in ("", "version=2.0"):
        match = _ARXIV_FEED_PATH_RE.match(parts.path)
        tail = match.group("cats") if match else None
    elif settings is not None and not parts.query:
        base = _url_join(settings.arxiv_rss_base, "")
        if url.strip().startswith(base) and "/" not in url.strip()[len(base):].rstrip("/"):
            tail = url.strip()[len(base):].rstrip("/")
    if not tail:
        return None
    try:
        return arxiv_categories(unquote(tail))
    except UsageError:
        return None


def _subject_label(server: str, subject: str) -> str:
    return f"{server} ({subject.replace('_', ' ').title()})"


def resolve(spec: str, settings: Settings, *, label: str | None = None) -> Source:
    """The Source a spec names; UsageError for anything that is not one."""
    raw = spec.strip()
    low = raw.lower()
    from hubcli.sources.catalog import lookup

    entry = lookup(raw)
    if entry is not None:
        return resolve(entry.spec, settings, label=label or entry.label)
    if low.startswith("arxiv:"):
        cats = arxiv_categories(raw.split(":", 1)[1])
        joined = "+".join(cats)
        url = _url_join(settings.arxiv_rss_base, joined)
        return Source(f"arxiv:{joined}", "arxiv", label or arxiv_label(cats), url)
    for server, base, name in (("biorxiv", settings.biorxiv_rss_base, "bioRxiv"),
                               ("medrxiv", settings.medrxiv_rss_base, "medRxiv")):
        if low.startswith(server + ":"):
            subject = raw.split(":", 1)[1].strip().lower().replace(" ", "_")
            if not subject or not _SUBJECT_RE.match(subject):
                raise UsageError("unknown_source", spec=raw)
            return Source(f"{server}:{subject}", server, label or _subject_label(name, subject),
                          _url_join(base, subject))
    if low.startswith(("http://", "https://")):
        feed_cats = arxiv_feed_categories(raw, settings)
        if feed_cats is not None:  # arXiv's own feed address: the shortcut, not a second subscription
            return resolve("arxiv:" + "+".join(feed_cats), settings, label=label)
        parts = urlsplit(raw)
        if not parts.netloc:
            raise UsageError("unknown_source", spec=raw)
        return Source(raw, "url", label or parts.hostname or raw, raw)
    if low.startswith("file://"):
        raw = raw[len("file://"):]
    path = Path(raw).expanduser()
    try:
        is_file = path.is_file()
    except OSError:  # a name no file system takes (too long): no file
        is_file = False
    if is_file:
        resolved = str(path.resolve())
        return Source(resolved, "file", label or path.name, resolved)
    raise UsageError("unknown_source", spec=spec)


def label_for_spec(spec: str) -> str:
    """A label for a spec known only by name (sources seen before subscriptions existed)."""
    if spec.startswith("arxiv:"):
        return arxiv_label(spec.split(":", 1)[1].split("+"))
    return spec


_ARXIV_TITLE_RE = re.compile(r"^(?P<cats>[\w.\-]+(?:,\s*[\w.\-]+)*) updates on arXiv\.org$")


def is_arxiv_feed_title(title: str) -> bool:
    """Whether a title is one arXiv gives its feeds (``cs.IR updates on arXiv.org``)."""
    return _ARXIV_TITLE_RE.match(title.strip()) is not None


def label_from_feed_title(title: str | None) -> str | None:
    """A card label from a feed's own title: ``cs.AI updates on arXiv.org`` -> ``arXiv (CS.AI)``."""
    if not title:
        return None
    match = _ARXIV_TITLE_RE.match(title.strip())
    if match:
        cats = [c.strip() for c in match.group("cats").split(",")]
        return arxiv_label(cats) if len(cats) <= 4 else "arXiv"
    return title.strip()[:80]
