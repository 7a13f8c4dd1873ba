"""The date a citation of a paper carries: an arXiv paper's first version (read from its
id), else the stored date, only as precise as it is.  Cards, references and BibTeX all
ask here."""

from __future__ import annotations

import re

from hubcli.models import Paper


def citation_date(paper: Paper) -> tuple[int, int | None] | None:
    """(year, month or None) a citation of the paper carries: an arXiv paper's first
    version, read from its id (an announcement of a replaced version carries the newest
    version's date), unless the stored date is older still (the API's ``published``);
    otherwise the stored date, only as precise as it is (``2017`` has no month)."""
    from hubcli.sources.arxiv import first_version_month

    stored = _stored_date(paper.published)
    first = first_version_month(paper.arxiv_id)
    if first is None:
        return stored
    if stored is not None and (stored[0] < first[0] or stored[1] is not None and stored < first):
        return stored
    return first


def cited_date(paper: Paper) -> str | None:
    """The date a reference to the paper shows: its stored date, unless its first arXiv
    version is older (a "replace" announcement), then that version's ``YYYY-MM``."""
    if paper.announce_type in ("new", "cross") and (paper.version or 1) == 1:
        return paper.published  # the announcement of a first version carries that version's date
    when, stored = citation_date(paper), _stored_date(paper.published)
    if when is None or stored is not None and (when[0], when[1] or 0) >= (stored[0], stored[1] or 0):
        return paper.published
    return f"{when[0]:04d}-{when[1]:02d}" if when[1] else f"{when[0]:04d}"


def _stored_date(published: str | None) -> tuple[int, int | None] | None:
    match = re.match(r"^(\d{4})(?:-(\d{2}))?", published or "")
    if not match:
        return None
    month = int(match.group(2)) if match.group(2) else None
    return int(match.group(1)), month if month and 1 <= month <= 12 else None
