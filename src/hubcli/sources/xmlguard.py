"""The one XML guard: every XML document hub reads (feeds, OAI-PMH imports, OPML) is
parsed by, or first checked with, defusedxml.

The rule is the same everywhere: a document that declares an entity (internal, external
or parameter) is refused; a plain ``<!DOCTYPE rss ...>``, even one naming an external
DTD, is read and the DTD is never fetched.  Internal entities are how a "billion laughs"
grows a few kilobytes into gigabytes; external ones are the way to local files and the
network.

- :func:`iterparse` and :func:`fromstring` are ElementTree's, from defusedxml: the parser
  itself refuses a declaration wherever it sits, however the input is split into reads.
- :func:`check` reads a document's prolog with the same parser and stops at the root
  element (entities can only be declared before it), so it costs one small read whatever
  the document's length.  It is for documents another parser (feedparser) will read.
- :func:`guard_feedparser` makes feedparser's own strict XML parser defusedxml's expat
  reader, so what feedparser itself rewrites (it strips and re-adds declarations) is
  guarded too.

Each raises :data:`Refused` (defusedxml's exception); callers turn it into their own
error.  Documents that are not well-formed pass :func:`check` (the real parser reports
them); the parse that follows is guarded all the same.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any, Protocol
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException as Refused

__all__ = ["ParseError", "Refused", "check", "create_parser", "fromstring", "guard_feedparser", "iterparse"]


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


# Every call below passes forbid_dtd=False (real feeds carry a DOCTYPE), forbid_entities=True.

def iterparse(source: Readable, events: Sequence[str] = ("end",)) -> Iterator[tuple[str, Any]]:
    """ElementTree's ``iterparse`` under the guard: raises :data:`Refused` or ParseError."""
    from defusedxml.ElementTree import iterparse as defused_iterparse

    return defused_iterparse(source, events=events, forbid_dtd=False, forbid_entities=True,  # type: ignore[arg-type]
                             forbid_external=True)


def fromstring(data: bytes) -> Element:
    """ElementTree's ``fromstring`` under the guard: raises :data:`Refused` or ParseError."""
    from defusedxml.ElementTree import fromstring as defused_fromstring

    return defused_fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)


def check(data: bytes) -> None:
    """Raise :data:`Refused` when the document's prolog declares an entity.

    Stops at the root element's start tag; a document that is not well-formed, or in an
    encoding expat does not know, is left to the parser that reads it next."""
    try:
        for _event in iterparse(io.BytesIO(data), events=("start",)):
            return
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - not well-formed: the real parser reports it (and is guarded)
        return


def create_parser() -> Any:
    """The ``xml.sax`` driver entry point (``xml.sax.make_parser`` calls it): defusedxml's
    expat reader.  External references are not forbidden here only because ``xml.sax``
    counts a DOCTYPE's external DTD as one; ``xml.sax`` never reads it while the
    ``feature_external_ges`` feature is off (the default, and feedparser turns it off)."""
    from defusedxml.expatreader import DefusedExpatParser

    return DefusedExpatParser(forbid_dtd=False, forbid_entities=True, forbid_external=False)


def guard_feedparser() -> None:
    """Make feedparser's strict XML parser this module's (idempotent)."""
    try:
        import feedparser.api
    except ImportError:
        return
    if getattr(feedparser.api, "PREFERRED_XML_PARSERS", None) != [__name__]:
        feedparser.api.PREFERRED_XML_PARSERS = [__name__]
