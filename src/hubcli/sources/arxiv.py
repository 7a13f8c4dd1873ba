"""arXiv identifiers, versions, categories and announce types."""

from __future__ import annotations

import re

from hubcli.text import lazy_pattern

# the patterns are compiled when first used (most commands use none of them)
# new style 2402.14035 (4 or 5 digits after the dot); old style hep-th/9901001, math.GT/0309136
_ID = r"(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Za-z\-]{2,})?/\d{7})"
ARXIV_ID_RE = lazy_pattern(rf"(?P<id>{_ID})(?:v(?P<version>\d+))?")
_FULL_ID_RE = lazy_pattern(rf"^(?:arxiv:)?(?P<id>{_ID})(?:v(?P<version>\d+))?$", re.IGNORECASE)
_ABS_URL_RE = lazy_pattern(rf"arxiv\.org/(?:abs|pdf)/(?P<id>{_ID})(?:v(?P<version>\d+))?", re.IGNORECASE)
CATEGORY_RE = lazy_pattern(r"^[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?$", re.IGNORECASE)
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")

# old RSS 1.0 titles: "Title. (arXiv:1805.09166v1 [hep-ex] CROSS LISTED)"
OLD_RDF_TITLE_RE = lazy_pattern(
    rf"^(?P<title>.*?)\s*\(arXiv:(?P<id>{_ID})(?:v(?P<version>\d+))?\s*\[(?P<cat>[^\]]+)\]\s*(?P<status>[A-Z ]*)\)\s*$",
    re.DOTALL,
)
# new RSS/Atom descriptions: "arXiv:2402.14035v1 Announce Type: new \nAbstract: ..."
DESCRIPTION_PREFIX_RE = lazy_pattern(
    rf"^\s*arXiv:(?P<id>{_ID})(?:v(?P<version>\d+))?\s+Announce Type:\s*(?P<type>[\w\-]+)\s*(?:Abstract:\s*)?",
    re.IGNORECASE,
)


def parse_id(text: str) -> tuple[str, int | None] | None:
    """``2402.14035v2`` / ``arxiv:2402.14035`` -> (``2402.14035``, 2); None if not an id."""
    match = _FULL_ID_RE.match(text.strip())
    if not match:
        return None
    version = match.group("version")
    return match.group("id"), int(version) if version else None


def id_from_url(url: str) -> tuple[str, int | None] | None:
    match = _ABS_URL_RE.search(url or "")
    if not match:
        return None
    version = match.group("version")
    return match.group("id"), int(version) if version else None


def normalize_category(cat: str) -> str:
    """``cs.ai`` -> ``cs.AI``; ``physics.flu-dyn`` and ``hep-th`` stay as they are."""
    cat = cat.strip()
    if "." not in cat:
        return cat.lower()
    archive, sub = cat.split(".", 1)
    sub = sub.upper() if len(sub) == 2 else sub.lower()
    return f"{archive.lower()}.{sub}"


def old_status_to_type(status: str) -> str:
    status = status.strip().upper()
    if "CROSS" in status and "UPDATED" in status:
        return "replace-cross"
    if "CROSS" in status:
        return "cross"
    if "UPDATED" in status:
        return "replace"
    return "new"


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str, version: int | None = None) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}" + (f"v{version}" if version else "")


_NEW_STYLE_MONTH = lazy_pattern(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.\d{4,5}$")
_OLD_STYLE_MONTH = lazy_pattern(r"^[a-z][a-z\-]*(?:\.[A-Za-z\-]{2,})?/(?P<yy>\d{2})(?P<mm>\d{2})\d{3}$")


def first_version_month(arxiv_id: str | None) -> tuple[int, int] | None:
    """(year, month) of an arXiv paper's first version, read from its id: ``2411.17719``
    -> (2024, 11), ``hep-th/9901001`` -> (1999, 1); None when the id says nothing (or
    names a month before arXiv's first, August 1991)."""
    text = (arxiv_id or "").strip()
    parsed = parse_id(text)
    if parsed:
        text = parsed[0]
    match = _NEW_STYLE_MONTH.match(text)
    if match:  # new-style ids began in April 2007
        year, month = 2000 + int(match["yy"]), int(match["mm"])
        valid = (year, month) >= (2007, 4)
    else:
        match = _OLD_STYLE_MONTH.match(text)
        if not match:
            return None
        yy = int(match["yy"])
        year, month = (1900 + yy if yy >= 91 else 2000 + yy), int(match["mm"])
        valid = (1991, 8) <= (year, month) <= (2007, 3)
    return (year, month) if valid and 1 <= month <= 12 else None
