"""Unit tests for feed parsing: arXiv ids/versions/announce types, journal habits, DOIs,
dates and failure modes, on small feeds written to the publishers' real formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedgen import Item, arxiv_api, arxiv_rss, journal_rss1
from hubcli.errors import FeedError
from hubcli.sources import arxiv
from hubcli.sources.parse import date_of, extract_doi, parse_feed

# --------------------------------------------------------------------------------------
# arXiv identifiers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2402.14035", ("2402.14035", None)),
        ("2402.14035v2", ("2402.14035", 2)),
        ("arxiv:2402.14035v12", ("2402.14035", 12)),
        ("arXiv:0704.0001", ("0704.0001", None)),
        ("1412.6529", ("1412.6529", None)),
        ("hep-th/9901001v1", ("hep-th/9901001", 1)),
        ("cond-mat/0412498", ("cond-mat/0412498", None)),
        ("math.GT/0309136v3", ("math.GT/0309136", 3)),
        (" 2402.14035 ", ("2402.14035", None)),
    ],
)
def test_parse_id(text: str, expected: tuple[str, int | None]) -> None:
    assert arxiv.parse_id(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "2402.140", "2402.140355", "10.1038/x", "2402.14035v", "hep-th/99"])
def test_parse_id_rejects(text: str) -> None:
    assert arxiv.parse_id(text) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2411.17700", ("2411.17700", None)),
        ("http://arxiv.org/abs/1201.4869v1", ("1201.4869", 1)),
        ("https://arxiv.org/pdf/2104.12255v1", ("2104.12255", 1)),
        ("http://arxiv.org/abs/cond-mat/0412498v1", ("cond-mat/0412498", 1)),
        ("https://www.nature.com/articles/s41586-024-07811-4", None),
        ("", None),
    ],
)
def test_id_from_url(url: str, expected: tuple[str, int | None] | None) -> None:
    assert arxiv.id_from_url(url) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("cs.ai", "cs.AI"), ("CS.LG", "cs.LG"), ("stat.ml", "stat.ML"), ("physics.flu-dyn", "physics.flu-dyn"),
     ("hep-th", "hep-th"), ("astro-ph.CO", "astro-ph.CO"), ("math.GT", "math.GT"), (" q-bio.GN ", "q-bio.GN")],
)
def test_normalize_category(raw: str, expected: str) -> None:
    assert arxiv.normalize_category(raw) == expected


@pytest.mark.parametrize(
    ("status", "kind"),
    [("", "new"), ("CROSS LISTED", "cross"), ("UPDATED", "replace"), ("CROSS LISTED UPDATED", "replace-cross"),
     ("UPDATED CROSS LISTED", "replace-cross"), (" updated ", "replace")],
)
def test_old_rdf_status_to_announce_type(status: str, kind: str) -> None:
    assert arxiv.old_status_to_type(status) == kind


@pytest.mark.parametrize("kind", arxiv.ANNOUNCE_TYPES)
def test_description_prefix(kind: str) -> None:
    text = f"arXiv:2402.14035v3 Announce Type: {kind} \nAbstract: We study."
    match = arxiv.DESCRIPTION_PREFIX_RE.match(text)
    assert match and match.group("type") == kind and match.group("version") == "3"
    assert text[match.end():] == "We study."


# --------------------------------------------------------------------------------------
# the old RDF format: id, version, category and status in the title
# --------------------------------------------------------------------------------------


def _old_rdf(*titles: str, date: str = "2018-05-23T20:30:00-05:00") -> bytes:
    items = "".join(
        f'<item rdf:about="http://arxiv.org/abs/1805.0{i}000">\n<title>{t}</title>\n'
        f"<link>http://arxiv.org/abs/1805.0{i}000</link>\n"
        '<description rdf:parseType="Literal">&lt;p&gt;Text with $a&amp;lt;b$.\n&lt;/p&gt;</description>\n'
        "<dc:creator> &lt;a href=&quot;http://arxiv.org/find/hep-ex/1/au:+Doe_J/0/1/0/all/0/1&quot;&gt;Jane Doe"
        "&lt;/a&gt;, &lt;a href=&quot;http://arxiv.org/find/hep-ex/1/au:+Roe_R/0/1/0/all/0/1&quot;&gt;Rick Roe"
        "&lt;/a&gt; (ATLAS Collaboration)</dc:creator>\n</item>\n"
        for i, t in enumerate(titles)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        '<channel rdf:about="http://arxiv.org/">\n<title>hep-ex updates on arXiv.org</title>\n'
        f"<link>http://arxiv.org/</link>\n<description>x</description>\n<dc:date>{date}</dc:date>\n</channel>\n"
        + items + "</rdf:RDF>\n"
    ).encode()


def test_old_rdf_title_status_becomes_announce_type() -> None:
    parsed = parse_feed(_old_rdf(
        "A. (arXiv:1805.00001v1 [hep-ex])",
        "B b. (arXiv:1805.00002v1 [hep-ph] CROSS LISTED)",
        "C. (arXiv:1805.00003v2 [nucl-th] UPDATED)",
        "D. (arXiv:1805.00004v5 [hep-ph] CROSS LISTED UPDATED)",
    ))
    got = [(p.arxiv_id, p.version, p.announce_type, p.title, p.categories) for p in parsed.papers]
    assert got == [
        ("1805.00001", 1, "new", "A", ["hep-ex"]),
        ("1805.00002", 1, "cross", "B b", ["hep-ph"]),
        ("1805.00003", 2, "replace", "C", ["nucl-th"]),
        ("1805.00004", 5, "replace-cross", "D", ["hep-ph"]),
    ]
    for p in parsed.papers:
        assert p.authors == ["Jane Doe", "Rick Roe"]
        assert p.abstract == "Text with $a<b$."
        assert p.published == "2018-05-23"
        assert p.primary_category == p.categories[0]


def test_old_rdf_title_keeps_inner_parentheses_and_dots() -> None:
    (p,) = parse_feed(_old_rdf("The (g-2) of the muon at 1.5 GeV. (arXiv:1805.00001v1 [hep-ex])")).papers
    assert p.title == "The (g-2) of the muon at 1.5 GeV"


# --------------------------------------------------------------------------------------
# arXiv new RSS and API
# --------------------------------------------------------------------------------------


def test_new_rss_item_fields() -> None:
    feed = arxiv_rss("cs.IR", [
        Item("2402.14035", "Generative  Recommenders\n at Scale", ["Lichan Hong", "Ed H. Chi"], version=3,
             announce="replace-cross", categories=["cs.IR", "cs.LG"], doi="10.1145/1234.5678",
             journal_ref="RecSys 2024", abstract="We scale $O(n<m)$ models &amp; more."),
    ])
    parsed = parse_feed(feed)
    (p,) = parsed.papers
    assert parsed.title == "cs.IR updates on arXiv.org" and not parsed.is_empty_day
    assert (p.key, p.arxiv_id, p.version, p.announce_type) == ("arxiv:2402.14035", "2402.14035", 3, "replace-cross")
    assert p.title == "Generative Recommenders at Scale"
    assert p.authors == ["Lichan Hong", "Ed H. Chi"]
    assert p.abstract == "We scale $O(n<m)$ models & more."
    assert p.categories == ["cs.IR", "cs.LG"] and p.primary_category == "cs.IR"
    assert (p.doi, p.journal) == ("10.1145/1234.5678", "RecSys 2024")
    assert p.published == p.updated == "2026-04-27"
    assert p.pdf_url == "https://arxiv.org/pdf/2402.14035v3"


def test_new_rss_affiliations_and_mononyms() -> None:
    feed = arxiv_rss("cs.AI", [Item("2411.17817", "T", [
        "Tianliang Yan (University of Birmingham, School of Physics and Astronomy, Birmingham, United Kingdom)",
        "Yubao Liu (Center for Gravitational Experiment, Huazhong University of Science and Technology, Wuhan)",
        " Deepti",
    ])])
    (p,) = parse_feed(feed).papers
    assert p.authors == ["Tianliang Yan", "Yubao Liu", "Deepti"]


def test_control_characters_never_reach_papers() -> None:
    nasty = "Evil\x1b[31m title\u202e \x07bell\x9b"
    feed = arxiv_rss("cs.AI", [Item("2402.00001", nasty, ["A\x1b]0;pwned\x07 B"], abstract="x\x00y\u2066z")])
    # \x00 and \x1b are not allowed in XML 1.0: publishers cannot send them raw, but escape-looking
    # text and C1/bidi characters can arrive; a feed with raw C0 fails cleanly or loses them
    try:
        parsed = parse_feed(feed)
    except FeedError:
        return
    for p in parsed.papers:
        for value in [p.title, p.abstract, *p.authors]:
            assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u2066" for c in value)


def test_bidi_and_c1_in_wellformed_xml_are_removed() -> None:
    feed = arxiv_rss("cs.AI", [Item("2402.00001", "Left\u202eright\u0085 end", ["Ann\u2066 Lee"], abstract="a\u009bb")])
    (p,) = parse_feed(feed).papers
    # feedparser reads a stray C1 byte as windows-1252 (U+0085 -> "…"); either way no control is left
    assert p.title in ("Leftright end", "Leftright\u2026 end")
    assert p.authors == ["Ann Lee"]
    assert p.abstract in ("ab", "a\u203ab")


def test_api_entries() -> None:
    data = arxiv_api([Item("2104.12255", "0", ["Quan Thoi Minh Nguyen"], version=1, categories=["cs.CR"]),
                      Item("hep-th/9901001", "Old style", ["A. Person"], version=2, categories=["hep-th"],
                           doi="10.1000/xyz")])
    first, second = parse_feed(data).papers
    assert first.title == "0" and first.key == "arxiv:2104.12255" and first.primary_category == "cs.CR"
    assert (second.arxiv_id, second.version, second.doi) == ("hep-th/9901001", 2, "10.1000/xyz")
    assert first.announce_type is None
    assert first.published == "2024-01-15"


def test_api_error_entry_is_an_error_even_with_another_id() -> None:
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        b"<id>https://arxiv.org/api/x</id><title>arXiv Search Results</title><updated>2026-01-01T00:00:00Z</updated>\n"
        b"<entry><id>https://example.test/e</id><title>Error</title><summary>max_results too large</summary>"
        b"<updated>2026-01-01T00:00:00Z</updated><author><name>arXiv api core</name></author></entry>\n</feed>\n"
    )
    with pytest.raises(FeedError) as info:
        parse_feed(data, content_type="application/atom+xml")
    assert info.value.key == "arxiv_api_error"
    assert info.value.params["reason"] == "max_results too large"


def test_empty_api_answer_and_empty_rss_day() -> None:
    assert parse_feed(arxiv_api([], total=0)).is_empty_day
    parsed = parse_feed(arxiv_rss("cs.AI", []))
    assert parsed.papers == [] and parsed.is_empty_day and parsed.title == "cs.AI updates on arXiv.org"


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"<html><head><title>502</title></head><body>Bad gateway</body></html>", b'{"papers": []}',
     b"\x89PNG\r\n\x1a\n\x00\x00", b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>"],
)
def test_no_feed_raises_feed_error(data: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(data)


def test_feed_error_document() -> None:
    data = (b"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
            b"<title>Feed error for query: http://rss.arxiv.org/rss/astroph</title>"
            b"<description>x</description></channel></rss>")
    with pytest.raises(FeedError) as info:
        parse_feed(data)
    assert info.value.key == "feed_error_document"


# --------------------------------------------------------------------------------------
# journals
# --------------------------------------------------------------------------------------


def _rss1_item(body: str, about: str = "https://www.mdpi.com/2311-5521/9/6/120") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF xmlns="http://purl.org/rss/1.0/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<channel rdf:about="https://example.test/rss"><title>Fluids</title><link>https://example.test/</link>'
        "<description>x</description></channel>\n"
        f'<item rdf:about="{about}">\n<link>{about}</link>\n{body}\n</item>\n</rdf:RDF>\n'
    ).encode()


def test_mdpi_journal_prefix_removed_without_dc_title() -> None:
    (p,) = parse_feed(_rss1_item(
        "<title>Fluids, Vol. 9, Pages 120: Environmental Hydraulics, Turbulence</title>"
        "<dc:identifier>doi: 10.3390/fluids9060120</dc:identifier><pubDate>2024-05-22</pubDate>"
    )).papers
    assert p.title == "Environmental Hydraulics, Turbulence"
    assert p.doi == "10.3390/fluids9060120"  # "doi: " with a space, no prism:doi
    assert p.published == "2024-05-22"


@pytest.mark.parametrize("pages", ["Pages 120", "Pages 120-135", "Page 7"])
def test_mdpi_prefix_variants(pages: str) -> None:
    (p,) = parse_feed(_rss1_item(f"<title>Sensors, Vol. 24, {pages}: A Title: With Colon</title>")).papers
    assert p.title == "A Title: With Colon"


def test_title_with_colon_is_not_a_journal_prefix() -> None:
    (p,) = parse_feed(_rss1_item("<title>Attention: Is It All You Need?</title>")).papers
    assert p.title == "Attention: Is It All You Need?"


def test_dc_title_preferred_over_title() -> None:
    (p,) = parse_feed(_rss1_item(
        "<title>Fluids, Vol. 9, Pages 120: Shown</title><dc:title>Clean Title</dc:title>"
    )).papers
    assert p.title == "Clean Title"


def test_nature_published_online_boilerplate() -> None:
    about = "https://www.nature.com/articles/d41586-024-02352-2"
    teaser = (
        "<title>Long COVID lung damage</title><content:encoded><![CDATA[<p>Nature, Published online: 18 July 2024; "
        f'<a href="{about}">doi:10.1038/d41586-024-02352-2</a></p>Inhibiting a protein improves lung health.]]>'
        "</content:encoded><prism:doi>10.1038/d41586-024-02352-2</prism:doi>"
    )
    (p,) = parse_feed(_rss1_item(teaser, about)).papers
    assert p.abstract == "Inhibiting a protein improves lung health."
    title_again = (
        "<title><![CDATA[Catalysis of an S<sub>N</sub>2 pathway]]></title><content:encoded><![CDATA[<p>Nature "
        "Physics, Published online: 18 July 2024; <a href=\"x\">doi:10.1038/s41586-024-07811-4</a></p>Catalysis of an "
        "S<sub>N</sub>2 pathway]]></content:encoded>"
    )
    (q,) = parse_feed(_rss1_item(title_again, "https://www.nature.com/articles/s41586-024-07811-4")).papers
    assert q.title == "Catalysis of an SN2 pathway"
    assert q.abstract == ""


def test_real_abstract_mentioning_publication_is_kept() -> None:
    body = ("<title>T</title><description>Results were published online: see doi:10.1/x for the data; "
            "we show more.</description>")
    (p,) = parse_feed(_rss1_item(body)).papers
    assert "we show more" in p.abstract


@pytest.mark.parametrize(
    ("link", "version"),
    [("http://biorxiv.org/cgi/content/short/2023.12.16.571984v1?rss=1", 1),
     ("https://www.biorxiv.org/content/10.1101/2023.12.16.571984v2", 2),
     ("https://www.medrxiv.org/content/10.1101/2024.01.01.24300001v12?rss=1", 12),
     ("https://www.biorxiv.org/content/10.1101/2023.12.16.571984", None),
     ("https://www.mdpi.com/2311-5521/9/6/120", None)],
)
def test_versions_from_preprint_links(link: str, version: int | None) -> None:
    (p,) = parse_feed(_rss1_item("<title>T</title>", about=link)).papers
    assert p.version == version


def test_biorxiv_whitespace_in_cdata_is_stripped() -> None:
    link = "http://biorxiv.org/cgi/content/short/2023.12.16.571984v1?rss=1"
    body = ("<title>\n   <![CDATA[\n A title.\n ]]>\n</title>"
            "<dc:creator>\n <![CDATA[ LAPALU, N., SIMON, A., O'Connell, R. J. ]]></dc:creator>"
            "<dc:identifier>doi:10.1101/2023.12.16.571984</dc:identifier><dc:date>2023-12-16</dc:date>")
    data = _rss1_item(body, about=link).replace(f"<link>{link}</link>".encode(), f"<link>\n  {link}\n </link>".encode())
    (p,) = parse_feed(data).papers
    assert p.title == "A title."
    assert p.url == link and p.version == 1
    assert p.authors == ["LAPALU, N.", "SIMON, A.", "O'Connell, R. J."]
    assert p.key == "doi:10.1101/2023.12.16.571984"


def test_science_info_doi_and_second_identifier() -> None:
    body = ("<title>T</title><dc:identifier>info:doi/10.1126/science.abj4606</dc:identifier>"
            "<dc:identifier>hwp:resource-id:sci;372/6544/769</dc:identifier><dc:creator><![CDATA[]]></dc:creator>")
    (p,) = parse_feed(_rss1_item(body, "http://science.sciencemag.org/cgi/content/short/372/6544/769?rss=1")).papers
    assert p.doi == "10.1126/science.abj4606" and p.key == "doi:10.1126/science.abj4606"
    assert p.authors == []


def test_journal_item_without_doi_is_keyed_by_link() -> None:
    (p,) = parse_feed(_rss1_item("<title>News</title>", "https://news.example.test/a?id=1&amp;x=2")).papers
    assert p.key == "url:https://news.example.test/a?id=1&x=2"
    assert p.doi is None


def test_doi_keys_are_lower_cased_but_doi_kept() -> None:
    feed = journal_rss1("J", [{"link": "https://j.test/1", "title": "T", "doi": "10.1103/PhysRevB.85.115117"}])
    (p,) = parse_feed(feed).papers
    assert p.key == "doi:10.1103/physrevb.85.115117"
    assert p.doi == "10.1103/PhysRevB.85.115117"


def test_journal_one_creator_per_author_and_none() -> None:
    feed = journal_rss1("Nature", [
        {"link": "https://n.test/1", "title": "A", "authors": ["Gabriel J. Lovinger", "Marcus H. Sak"]},
        {"link": "https://n.test/2", "title": "B", "authors": []},
    ])
    first, second = parse_feed(feed).papers
    assert first.authors == ["Gabriel J. Lovinger", "Marcus H. Sak"]
    assert second.authors == []
    assert first.journal == "Nature"


def test_item_with_neither_title_nor_link_is_skipped() -> None:
    data = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title><link>http://x.test/</link>"
            b"<description>d</description><item><description>orphan</description></item>"
            b"<item><title>Kept</title><link>http://x.test/1</link></item></channel></rss>")
    parsed = parse_feed(data)
    assert [p.title for p in parsed.papers] == ["Kept"]
    assert parsed.skipped == 1


# --------------------------------------------------------------------------------------
# DOIs and dates
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "doi"),
    [("10.1038/s41586-024-07811-4", "10.1038/s41586-024-07811-4"),
     ("doi:10.1101/2023.12.16.571984", "10.1101/2023.12.16.571984"),
     ("doi: 10.3390/fluids9060120", "10.3390/fluids9060120"),
     ("info:doi/10.1126/science.abj4606", "10.1126/science.abj4606"),
     ("https://doi.org/10.1145/3395363.3397376.", "10.1145/3395363.3397376"),
     ("10.1007/978-3-031-85252-7_10", "10.1007/978-3-031-85252-7_10"),
     ("(doi:10.1000/xyz)", "10.1000/xyz"),
     ("hwp:resource-id:sci;372/6544/769", None), ("", None), (None, None), ("10.12/short", None)],
)
def test_extract_doi(value: str | None, doi: str | None) -> None:
    assert extract_doi(value) == doi


@pytest.mark.parametrize(
    ("raw", "date"),
    [("Thu, 28 Nov 2024 00:00:00 -0500", "2024-11-28"),
     ("Mon, 27 Apr 2026 23:30:00 -0400", "2026-04-27"),  # not shifted to UTC
     ("2026-09-25T04:00:11.600680+00:00", "2026-09-25"),
     ("2023-01-25T19:03:02+01:00", "2023-01-25"),
     ("2024-07-18", "2024-07-18"),
     ("2018-12-17-08:00", "2018-12-17"),
     ("Thu, 13 Aug 2020 06:57:55 -0300", "2020-08-13"),
     ("May 21 2021 12:00:00:000AM", None),
     ("yesterday", None), ("", None), (None, None)],
)
def test_date_of(raw: str | None, date: str | None) -> None:
    assert date_of(raw) == date


# --------------------------------------------------------------------------------------
# source specs (registry)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "canonical", "label", "tail"),
    [("arxiv:cs.AI", "arxiv:cs.AI", "arXiv (CS.AI)", "cs.AI"),
     ("arxiv:cs.ai", "arxiv:cs.AI", "arXiv (CS.AI)", "cs.AI"),
     (" ARXIV:cs.AI+cs.cl ", "arxiv:cs.AI+cs.CL", "arXiv (CS.AI+CS.CL)", "cs.AI+cs.CL"),
     ("arxiv:hep-th", "arxiv:hep-th", "arXiv (HEP-TH)", "hep-th")],
)
def test_resolve_arxiv(monkeypatch: pytest.MonkeyPatch, spec: str, canonical: str, label: str, tail: str) -> None:
    from hubcli.config import load_settings
    from hubcli.sources.registry import resolve

    monkeypatch.setenv("HUB_ARXIV_RSS_BASE", "http://127.0.0.1:8080/mirror/rss")  # no final slash
    source = resolve(spec, load_settings())
    assert (source.spec, source.kind, source.label) == (canonical, "arxiv", label)
    assert source.url == "http://127.0.0.1:8080/mirror/rss/" + tail


def test_resolve_other_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from hubcli.config import load_settings
    from hubcli.sources.registry import resolve

    monkeypatch.setenv("HUB_BIORXIV_RSS_BASE", "http://127.0.0.1:8080/biorxiv/")
    settings = load_settings()
    bio = resolve("biorxiv:Genomics", settings)
    assert (bio.spec, bio.kind, bio.url) == ("biorxiv:genomics", "biorxiv", "http://127.0.0.1:8080/biorxiv/genomics")
    assert bio.label == "bioRxiv (Genomics)"
    url = resolve("https://www.nature.com/nature.rss", settings)
    assert (url.kind, url.url, url.label) == ("url", "https://www.nature.com/nature.rss", "www.nature.com")
    assert resolve("http://x.test/feed", settings, label="Mine").label == "Mine"
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes(arxiv_rss("cs.AI", []))
    local = resolve(str(feed_file), settings)
    assert (local.kind, local.spec, local.url) == ("file", str(feed_file.resolve()), str(feed_file.resolve()))
    assert resolve("file://" + str(feed_file), settings).spec == local.spec


@pytest.mark.parametrize("spec", ["", "arxiv:", "arxiv:cs AI!", "arxiv:+", "biorxiv:", "biorxiv:../etc",
                                  "http://", "ftp://x.test/feed", "/no/such/file.xml", "naturee"])
def test_resolve_rejects(spec: str) -> None:
    from hubcli.config import load_settings
    from hubcli.errors import UsageError
    from hubcli.sources.registry import resolve

    with pytest.raises(UsageError):
        resolve(spec, load_settings())
