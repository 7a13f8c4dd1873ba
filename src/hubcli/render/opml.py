"""OPML 2.0 for moving a radar between machines and feed readers."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from hubcli.errors import UsageError
from hubcli.sources import xmlguard


@dataclass(frozen=True)
class Outline:
    spec: str  # hub's source spec (arxiv:cs.AI) or the feed URL
    label: str
    url: str


def to_opml(outlines: list[Outline], *, title: str = "hub radar") -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_text(title)}</title></head>",
        "  <body>",
    ]
    for o in outlines:
        lines.append(
            f"    <outline type=\"rss\" text={quoteattr(o.label)} title={quoteattr(o.label)}"
            f" xmlUrl={quoteattr(o.url)} hubSource={quoteattr(o.spec)}/>"
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parse_opml(data: bytes) -> list[Outline]:
    """Every feed outline (nested folders included).  UsageError if it is not OPML."""
    try:
        root = xmlguard.fromstring(data)
    except xmlguard.Refused:
        raise UsageError("opml_entities") from None
    except xmlguard.ParseError as exc:
        raise UsageError("opml_invalid", reason=str(exc)) from None
    if root.tag.lower() != "opml":
        raise UsageError("opml_invalid", reason=f"root element is <{root.tag}>")
    outlines: list[Outline] = []
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        if not url:
            continue
        label = (node.get("title") or node.get("text") or url).strip()
        spec = (node.get("hubSource") or url).strip()
        outlines.append(Outline(spec, label, url))
    return outlines
