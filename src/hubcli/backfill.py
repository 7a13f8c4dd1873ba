"""Author backfill from the arXiv API: ``hub sync --author NAME`` and followed authors.

Results merge under the same identity rules as feeds (versions update in place), and the
API's error documents are errors, not papers.  Followed authors are backfilled on a full
``hub sync`` at most once every :data:`REFRESH_HOURS`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from hubcli.config import Settings
from hubcli.errors import HubError
from hubcli.models import Source, SourceResult
from hubcli.sources.arxiv_api import backfill_author
from hubcli.sources.fetch import Fetcher
from hubcli.store import write
from hubcli.store.db import Store, now_iso
from hubcli.sync import policy_from

REFRESH_HOURS = 20


def _state_key(name: str) -> str:
    from hubcli.authors import fold

    return f"backfill:{fold(name)}"


def due_followed_authors(store: Store) -> list[str]:
    """Followed authors not backfilled in the last REFRESH_HOURS."""
    cutoff = now_iso(ago=timedelta(hours=REFRESH_HOURS))
    rows = store.conn.execute("SELECT value FROM follows WHERE kind = 'author' ORDER BY added_at").fetchall()
    return [name for (name,) in rows if (store.get_state(_state_key(name)) or "") < cutoff]


def backfill_authors(store: Store, settings: Settings, names: list[str], *,
                     label: Callable[[str], str] = lambda n: n, fetcher: Fetcher | None = None,
                     on_result: Callable[[SourceResult], None] | None = None) -> list[SourceResult]:
    fetcher = fetcher or Fetcher(policy_from(settings))
    source = Source(f"arxiv-api:{settings.arxiv_api_url}", "api", "arXiv API", settings.arxiv_api_url)
    results = []
    for name in names:
        result = SourceResult(Source(source.spec, source.kind, label(name), source.url))
        try:
            papers = backfill_author(fetcher, settings.arxiv_api_url, name)
        except HubError as exc:
            result.error = exc
        else:
            counts = write.store_papers(store, source, papers)
            result.new, result.updated, result.unchanged = counts.new, counts.updated, counts.unchanged
            with store.transaction():
                store.set_state(_state_key(name), now_iso())
        results.append(result)
        if on_result:
            on_result(result)
    return results
