"""A paper's stable key: the one place that builds it.

``arxiv:ID`` (no version) for an arXiv paper, ``doi:DOI`` (lower-cased) for a journal item
with a DOI, ``url:LINK`` for one without, ``lib:HASH`` for a library entry known only by
its title.  The cache, the library, the digest's feed and every import key papers by it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_VERSION_RE = re.compile(r"v\d+$")


def normalise_title(title: str) -> str:
    """A title folded for matching: case, accents, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", title.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", text))


def arxiv_key(arxiv_id: str) -> str:
    return "arxiv:" + _VERSION_RE.sub("", arxiv_id)


def doi_key(doi: str) -> str:
    return "doi:" + doi.lower()


def paper_key(*, arxiv_id: str | None = None, doi: str | None = None, url: str | None = None,
              title: str | None = None) -> str:
    """The key of a paper from the first identity it has: arXiv id, DOI, link, title."""
    if arxiv_id:
        return arxiv_key(arxiv_id)
    if doi:
        return doi_key(doi)
    if url:
        return "url:" + url
    return "lib:" + hashlib.sha1(normalise_title(title or "").encode()).hexdigest()[:16]
