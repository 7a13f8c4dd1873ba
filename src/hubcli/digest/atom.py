"""``atom:PATH``: an Atom feed of the last 30 digests.

Each digest is one entry (id ``tag:hub.digest,DATE:ID``, its content the HTML digest),
followed by one entry per paper, so that any feed reader lists the papers and hub itself
(``hub feeds add FILE``, ``hub sync``) reads every paper back: an arXiv paper's entry has
arXiv's own id (``oai:arXiv.org:ID``), categories and abstract, as arXiv's feeds do;
another paper's has its DOI or link.  hub's parser skips the digest entries themselves.
A paper in a newer digest moves there (one entry per paper in the feed).
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET  # noqa: S405 - writing only; reading goes through defusedxml
from pathlib import Path

from hubcli.digest import render
from hubcli.digest.compose import Card, Digest
from hubcli.errors import HubError
from hubcli.keys import arxiv_key
from hubcli.models import Paper
from hubcli.render.card import safe_url
from hubcli.render.formats import safe

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
PRISM = "http://prismstandard.org/namespaces/basic/2.0/"  # prism:publicationName, as journals write it
DIGEST_ID_PREFIX = "tag:hub.digest,"  # hubcli.sources.parse skips these entries
SCHEME = "https://hub.invalid/digest"  # the category marking hub's entries: digest / paper
KEEP = 30

ET.register_namespace("", ATOM)
ET.register_namespace("arxiv", ARXIV)
ET.register_namespace("prism", PRISM)


def _q(name: str, ns: str = ATOM) -> str:
    return f"{{{ns}}}{name}"


def _sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(name), attrs)
    if text is not None:
        element.text = safe(text)
    return element


def digest_entry_id(digest: Digest) -> str:
    return f"{DIGEST_ID_PREFIX}{digest.day}:{digest.id}"


def paper_entry_id(paper: Paper) -> str:
    if paper.arxiv_id:
        return f"oai:arXiv.org:{paper.arxiv_id}" + (f"v{paper.version}" if paper.version else "")
    if paper.doi:
        return f"https://doi.org/{paper.doi}"
    return safe_url(paper.url) or paper.key


def _paper_key(entry: ET.Element) -> str:
    """An entry's paper, whatever its version (``oai:arXiv.org:2401.00001v2`` -> ``2401.00001``)."""
    ident = (entry.findtext(_q("id")) or "").strip()
    if ident.startswith("oai:arXiv.org:"):
        return arxiv_key(ident.split(":", 2)[2])
    return ident


def _stamp(day: str | None, fallback: str) -> str:
    return f"{day}T00:00:00Z" if day and len(day) == 10 else fallback


def _digest_entry(digest: Digest) -> ET.Element:
    entry = ET.Element(_q("entry"))
    _sub(entry, "id", digest_entry_id(digest))
    _sub(entry, "title", render.title(digest))
    _sub(entry, "updated", digest.created)
    _sub(entry, "published", digest.created)
    author = _sub(entry, "author")
    _sub(author, "name", "hub")
    _sub(entry, "category", term="digest", scheme=SCHEME)
    _sub(entry, "summary", render.intro(digest))
    content = _sub(entry, "content", type="html")
    content.text = render.html_fragment(digest)
    return entry


def _paper_entry(digest: Digest, number: int, card: Card) -> ET.Element:
    paper = card.paper
    entry = ET.Element(_q("entry"))
    _sub(entry, "id", paper_entry_id(paper))
    _sub(entry, "title", paper.title or "")
    _sub(entry, "updated", _stamp(paper.updated or paper.published, digest.created))
    _sub(entry, "published", _stamp(paper.published, digest.created))
    for name in paper.authors:
        _sub(_sub(entry, "author"), "name", name)
    page = safe_url(paper.url)
    if page:
        _sub(entry, "link", rel="alternate", type="text/html", href=page)
    pdf = safe_url(paper.pdf_url)
    if pdf:
        _sub(entry, "link", rel="related", type="application/pdf", href=pdf, title="pdf")
    for category in paper.categories:
        _sub(entry, "category", term=category)
    if paper.arxiv_id and paper.primary_category:
        ET.SubElement(entry, _q("primary_category", ARXIV), {"term": paper.primary_category})
    if paper.doi:
        doi = ET.SubElement(entry, _q("doi", ARXIV))
        doi.text = safe(paper.doi)
    if paper.journal and not paper.arxiv_id:
        journal = ET.SubElement(entry, _q("publicationName", PRISM))
        journal.text = safe(paper.journal)
    if paper.abstract:
        _sub(entry, "summary", paper.abstract, type="text")
    content = _sub(entry, "content", type="html")
    content.text = render.card_html(number, card, digest.lang)
    return entry


def _is_digest(entry: ET.Element) -> bool:
    return (entry.findtext(_q("id")) or "").startswith(DIGEST_ID_PREFIX)


def _existing(path: Path) -> list[ET.Element]:
    """The entries of the feed hub wrote before (none when there is no file yet)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise HubError("output_write_failed", path=str(path), reason=exc.strerror or str(exc)) from exc
    if not raw.strip():
        return []
    import defusedxml.ElementTree as SafeET

    try:
        root = SafeET.fromstring(raw)
    except Exception as exc:  # noqa: BLE001 - any parse failure: not a feed hub wrote
        raise HubError("digest_atom_foreign", path=str(path)) from exc
    if root.tag != _q("feed") or not (root.findtext(_q("id")) or "").startswith("urn:hub:digest:"):
        raise HubError("digest_atom_foreign", path=str(path))
    return list(root.findall(_q("entry")))


def feed_document(path: Path, digest: Digest) -> bytes:
    new = [_digest_entry(digest)] + [_paper_entry(digest, n, c) for n, c in enumerate(digest.cards, start=1)]
    fresh = {_paper_key(e) for e in new[1:]}
    new_id = digest_entry_id(digest)
    kept: list[ET.Element] = []
    digests = 1
    for entry in _existing(path):
        if _is_digest(entry):
            if (entry.findtext(_q("id")) or "") == new_id:  # the same digest again (resent)
                continue
            digests += 1
            if digests > KEEP:
                break
        elif _paper_key(entry) in fresh:
            continue
        kept.append(entry)
    root = ET.Element(_q("feed"))
    ident = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    _sub(root, "id", f"urn:hub:digest:{ident}")
    from hubcli.i18n import translate

    _sub(root, "title", translate("digest_feed_title", digest.lang))
    _sub(root, "updated", digest.created)
    _sub(_sub(root, "author"), "name", "hub")
    _sub(root, "generator", "hub digest")
    root.extend(new + kept)
    ET.indent(root, space=" ")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)) + b"\n"


def write_atom(path: Path, digest: Digest) -> None:
    from hubcli.outfile import atomic_open

    data = feed_document(path, digest).decode("utf-8")
    with atomic_open(path) as handle:
        handle.write(data)
