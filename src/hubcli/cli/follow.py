"""Author backfill from the arXiv API (``hub sync --author``)."""

from hubcli.cli.context import OUT
from hubcli.config import Settings
from hubcli.errors import HubError
from hubcli.i18n import t
from hubcli.models import Source, SourceResult, SyncReport
from hubcli.store import write
from hubcli.store.db import Store


def backfill_authors(store: Store, settings: Settings, names: list[str], *, quiet: bool, report: SyncReport) -> None:
    from hubcli.sources.arxiv_api import backfill_author
    from hubcli.sync import Fetcher, policy_from

    fetcher = Fetcher(policy_from(settings))
    for name in names:
        source = Source(f"arxiv-api:{settings.arxiv_api_url}", "api", "arXiv API", settings.arxiv_api_url)
        result = SourceResult(Source(source.spec, source.kind, t("backfill_label", name=name), source.url))
        try:
            papers = backfill_author(fetcher, settings.arxiv_api_url, name)
        except HubError as exc:
            result.error = exc
        else:
            counts = write.store_papers(store, source, papers)
            result.new, result.updated, result.unchanged = counts.new, counts.updated, counts.unchanged
        report.results.append(result)
        if result.failed or not quiet:
            from hubcli.cli.sync_cmd import describe

            OUT.info(describe(result))
