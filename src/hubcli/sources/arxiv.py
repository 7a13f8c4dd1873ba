"""arXiv identifiers, versions, categories and announce types."""

from __future__ import annotations

import re

# new style 2402.14035 (4 or 5 digits after the dot); old style hep-th/9901001, math.GT/0309136
_ID = r"(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Za-z\-]{2,})?/\d{7})"
ARXIV_ID_RE = re.compile(rf"(?P<id>{_ID})(?:v(?P<version>\d+))?")
_FULL_ID_RE = re.compile(rf"^(?:arxiv:)?(?P<id>{_ID})(?:v(?P<version>\d+))?$", re.IGNORECASE)
_ABS_URL_RE = re.compile(rf"arxiv\.org/(?:abs|pdf)/(?P<id>{_ID})(?:v(?P<version>\d+))?", re.IGNORECASE)
CATEGORY_RE = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?$", re.IGNORECASE)
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")

# old RSS 1.0 titles: "Title. (arXiv:1805.09166v1 [hep-ex] CROSS LISTED)"
OLD_RDF_TITLE_RE = re.compile(
    rf"^(?P<title>.*?)\s*\(arXiv:(?P<id>{_ID})(?:v(?P<version>\d+))?\s*\[(?P<cat>[^\]]+)\]\s*(?P<status>[A-Z ]*)\)\s*$",
    re.DOTALL,
)
# new RSS/Atom descriptions: "arXiv:2402.14035v1 Announce Type: new \nAbstract: ..."
DESCRIPTION_PREFIX_RE = re.compile(
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
