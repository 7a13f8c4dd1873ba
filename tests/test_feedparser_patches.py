"""The feedparser internals ``sources/parse.py`` and ``sources/xmlguard.py`` patch or call
are there, are patched once hub parses, and the patches do what they are for.

pyproject bounds feedparser to the releases these internals belong to; a feedparser that
moves one of them fails here rather than silently losing a guard."""

from __future__ import annotations

import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import feedparser
import feedparser.api
import feedparser.mixin
import pytest

from hubcli.sources import parse, xmlguard
from hubcli.sources.parse import parse_feed

ROOT = Path(__file__).resolve().parents[1]


def rss(author: str = "", title: str = "A paper") -> bytes:
    item = f"<title>{title}</title><link>http://j.test/1</link>" + (f"<author>{author}</author>" if author else "")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Journal</title>'
            f"<item>{item}</item></channel></rss>").encode()


@pytest.fixture(autouse=True)
def parsed_once() -> None:
    parse_feed(rss())  # the patches are applied by the first parse


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def test_the_installed_feedparser_is_within_the_bound_pyproject_declares() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    spec = next(d for d in dependencies if d.startswith("feedparser"))
    low, high = re.fullmatch(r"feedparser>=([\d.]+),<([\d.]+)", spec).groups()  # type: ignore[union-attr]

    assert _release(low) <= _release(version("feedparser")) < _release(high)


def test_every_patch_is_active_after_a_parse() -> None:
    assert parse.patches_active() == {"sync_author_detail": True, "xml_parser": True, "convert_to_utf8": True,
                                      "header_note": True}
    assert feedparser.mixin._FeedParserMixin._sync_author_detail is parse._sync_author_detail
    assert feedparser.api.PREFERRED_XML_PARSERS == ["hubcli.sources.xmlguard"]


def test_patching_is_idempotent() -> None:
    for _ in range(2):
        parse_feed(rss())
    assert feedparser.mixin._FeedParserMixin._sync_author_detail is parse._sync_author_detail
    assert feedparser.api.PREFERRED_XML_PARSERS == [xmlguard.__name__]


# --- the linear e-mail search in _sync_author_detail -----------------------------------------------

def _feedparsers_email_pattern() -> re.Pattern[str]:
    """The pattern feedparser's own ``_sync_author_detail`` searches with (from its source)."""
    source = inspect.getsource(feedparser.mixin)
    found = re.search(r"emailmatch = re\.search\(r'''(.+?)''', author\)", source)
    assert found, "feedparser's _sync_author_detail changed: re-check the patch in sources/parse.py"
    return re.compile(found.group(1))


@pytest.mark.parametrize("text", [
    "ann@example.org (Ann Author)", "Ann Author (ann@example.org)", "Ann Author <ann.author+x@mail.example.co.uk>",
    "Ann Author", "", "@", "a@b", "x@y.z", "first @ last", "Ann a@b.cd and bo@ex.org", "mailto:ann@[192.168.1.1]",
    "ann@example.org?subject=Hello there", "one@two@three.org", "Bo -.+_x@x-y.example.info (Bo)",
    "Zoë Author (zoë@example.org)", "ann@example.o", "ann@example.museum", "ann@1.2.3.4",
])
def test_the_linear_search_finds_what_feedparsers_pattern_finds(text: str) -> None:
    match = _feedparsers_email_pattern().search(text)

    assert parse._find_email(text) == (match.group(0) if match else None)


def test_an_author_with_an_email_is_split_as_feedparser_splits_it() -> None:
    doc = feedparser.parse(rss("ann@example.org (Ann Author)"))

    assert doc.entries[0].author_detail == {"name": "Ann Author", "email": "ann@example.org"}
    assert parse_feed(rss("ann@example.org (Ann Author)")).papers[0].authors == ["Ann Author"]


def test_a_huge_author_string_parses_in_linear_time() -> None:
    # feedparser's own pattern searches from every position: 200,000 such characters cost hours
    hostile = "a" * 200_000 + " x@"
    parsed = parse_feed(rss(hostile))  # returns at all: the quadratic search would take hours

    assert len(parsed.papers) == 1


# --- defusedxml as feedparser's XML parser (sources/xmlguard.py) ------------------------------------

def test_feedparsers_own_parser_refuses_entities() -> None:
    doc = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "HUB-CANARY">]><rss version="2.0"><channel>'
           b"<title>T &x;</title><item><title>A &x;</title><link>http://j.test/1</link></item></channel></rss>")

    with pytest.raises(xmlguard.Refused):
        feedparser.parse(doc)


# --- feedparser's charset conversion and its header notes -------------------------------------------

def test_the_document_is_seen_as_feedparser_decodes_it() -> None:
    latin1 = '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Café</title>'
    as_read = parse._as_xml_parser_reads_it(latin1.encode("iso-8859-1"), {})

    assert "Café".encode() in as_read and "Café".encode("iso-8859-1") not in as_read


def test_a_wrong_content_type_is_a_header_note_and_the_feed_is_read() -> None:
    from feedparser.exceptions import NonXMLContentType

    parsed = parse_feed(rss(), content_type="text/plain")

    assert parse._header_note(NonXMLContentType("text/plain"))
    assert [p.title for p in parsed.papers] == ["A paper"] and parsed.partial is None
