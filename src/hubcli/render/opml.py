"""OPML 2.0 for moving a radar between machines and feed readers.

Folders are nested ``<outline>`` elements without ``xmlUrl`` (as Feedly, Thunderbird and
Inoreader write them); a feed's folder is the path of their names joined with ``/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

from hubcli.errors import UsageError
from hubcli.sources import xmlguard

if TYPE_CHECKING:
    from xml.etree import ElementTree


@dataclass(frozen=True)
class Outline:
    spec: str  # hub's source spec (arxiv:cs.AI) or the feed URL
    label: str  # "" when the file names none (newsboat writes title="" for unread feeds)
    url: str
    folder: str | None = None  # "Research/Retrieval" for nested folders

FOLDER_SEP = "/"


def to_opml(outlines: list[Outline], *, title: str = "hub radar") -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_text(title)}</title></head>",
        "  <body>",
    ]
    root = _Folder()
    for o in outlines:
        node = root
        for name in _folder_path(o.folder):
            node = node.folder(name)
        node.items.append(o)
    lines.extend(root.lines("    "))
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _folder_path(folder: str | None) -> list[str]:
    return [part.strip() for part in (folder or "").split(FOLDER_SEP) if part.strip()]


class _Folder:
    """Feeds and subfolders in the order they first appear (so a round trip keeps the order)."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.items: list[Outline | _Folder] = []

    def folder(self, name: str) -> _Folder:
        for item in self.items:
            if isinstance(item, _Folder) and item.name == name:
                return item
        sub = _Folder(name)
        self.items.append(sub)
        return sub

    def lines(self, indent: str) -> Iterator[str]:
        for item in self.items:
            if isinstance(item, _Folder):
                yield f"{indent}<outline text={quoteattr(item.name)} title={quoteattr(item.name)}>"
                yield from item.lines(indent + "  ")
                yield f"{indent}</outline>"
            else:
                yield (f"{indent}<outline type=\"rss\" text={quoteattr(item.label)} title={quoteattr(item.label)}"
                       f" xmlUrl={quoteattr(item.url)} hubSource={quoteattr(item.spec)}/>")


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
    return list(_feeds(root, []))


def _feeds(parent: ElementTree.Element, folders: list[str]) -> Iterator[Outline]:
    """Feed outlines in document order; an outline without ``xmlUrl`` is a folder."""
    for node in parent:
        if not isinstance(node.tag, str):
            continue
        tag = node.tag.lower()
        if tag == "body":
            yield from _feeds(node, folders)
        if tag != "outline":
            continue
        url = (node.get("xmlUrl") or node.get("xmlurl") or "").strip()
        # "text" is the name the user gave, "title" the feed's own (OPML 2.0); readers write both
        name = " ".join((node.get("text") or node.get("title") or "").split())
        if not url:
            # a "/" inside one folder's name would read as a subfolder: it becomes "-"
            yield from _feeds(node, [*folders, name.replace(FOLDER_SEP, "-")] if name else folders)
            continue
        spec = (node.get("hubSource") or url).strip()
        yield Outline(spec, name, url, FOLDER_SEP.join(folders) or None)
        yield from _feeds(node, folders)  # a feed outline holding others: keep those too
