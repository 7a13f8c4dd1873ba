"""OPML 2.0 for moving a radar between machines and feed readers.

Folders are nested ``<outline>`` elements without ``xmlUrl`` (as Feedly, Thunderbird and
Inoreader write them); a feed's folder is the path of their names joined with ``/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree
from xml.sax.saxutils import quoteattr

from hubcli.errors import UsageError


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
    tree: dict[str, object] = {}  # folder name -> subtree; "" -> feeds at this level
    for o in outlines:
        node = tree
        for name in _folder_path(o.folder):
            node = node.setdefault(name, {})  # type: ignore[assignment]
        node.setdefault("", []).append(o)  # type: ignore[attr-defined]
    lines.extend(_outline_lines(tree, "    "))
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _folder_path(folder: str | None) -> list[str]:
    return [part.strip() for part in (folder or "").split(FOLDER_SEP) if part.strip()]


def _outline_lines(tree: dict[str, object], indent: str) -> Iterator[str]:
    for o in tree.get("", []):  # type: ignore[attr-defined]
        yield (f"{indent}<outline type=\"rss\" text={quoteattr(o.label)} title={quoteattr(o.label)}"
               f" xmlUrl={quoteattr(o.url)} hubSource={quoteattr(o.spec)}/>")
    for name, sub in tree.items():
        if name:
            yield f"{indent}<outline text={quoteattr(name)} title={quoteattr(name)}>"
            yield from _outline_lines(sub, indent + "  ")  # type: ignore[arg-type]
            yield f"{indent}</outline>"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parse_opml(data: bytes) -> list[Outline]:
    """Every feed outline (nested folders included).  UsageError if it is not OPML."""
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data[:65536].upper():
        raise UsageError("opml_invalid", reason="DTDs are not accepted")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
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
