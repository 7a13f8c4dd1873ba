"""Author backfill from the arXiv API: ``hub sync --author NAME`` and followed authors.

Results merge under the same identity rules as feeds (versions update in place), and the
API's error documents are errors, not papers.  Followed authors are backfilled on a full
``hub sync`` at most once every :data:`REFRESH_HOURS`.
"""

from __future__ import annotations

from collections.abc import Callable

from hubcli.config import Settings
from hubcli.errors import HubError
from hubcli.sources.arxiv_api import backfill_author
from hubcli.sources.fetch import Fetcher
from hubcli.store import write
from hubcli.store.db import Store
from hubcli.store.syncing import authors_not_backfilled_since, mark_backfilled
from hubcli.sync import policy_from
from hubcli.sync_models import Source, SourceResult

REFRESH_HOURS = 20


def due_followed_authors(store: Store) -> list[str]:
    """Followed authors not backfilled in the last REFRESH_HOURS."""
    return authors_not_backfilled_since(store, REFRESH_HOURS)


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
            mark_backfilled(store, name)
        results.append(result)
        if on_result:
            on_result(result)
    return results
