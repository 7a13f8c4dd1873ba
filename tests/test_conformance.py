"""Conformance: real publishers' feeds from ``../shared/corpus/feeds`` against the facts of
its SOURCES.md.

The files are read where they are (never copied here); every test skips, with a reason,
when that folder is absent.  Each test names the fact it checks.  Independent oracles
(ElementTree over the raw bytes) are used where a fact is "as the publisher wrote it".
"""

from __future__ import annotations

import collections
import functools
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import CORPUS, corpus_file, corpus_missing
from hubcli.config import load_settings
from hubcli.errors import FeedError
from hubcli.models import Paper
from hubcli.sources.parse import parse_feed
from hubcli.sources.registry import label_from_feed_title, resolve
from hubcli.sync_models import ParsedFeed

BIG = "arxiv-rss2024-all-archives-2024-11-28.xml"
NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rss1": "http://purl.org/rss/1.0/",
    "arxiv": "http://arxiv.org/schemas/atom",
    "atom": "http://www.w3.org/2005/Atom",
}
# What SOURCES.md says about whether a file holds papers: "ok" (a feed), or the FeedError
# key for documents that must fail cleanly.
EXPECTED_OUTCOME = {
    BIG: "ok",
    "arxiv-rss2024-empty-test-archive.xml": "ok",
    "arxiv-rss2024-error-bad-archive.xml": FeedError,
    "arxiv-rss2026-cs.AI-excerpt-3items.xml": "ok",
    "arxiv-rss2026-cs.CL-excerpt-3items.xml": "ok",
    "arxiv-rss2026-cs.LG-excerpt-3items.xml": "ok",
    "arxiv-rss2026-multi-cs.LG+cs.AI+cs.CL+stat.ML-excerpt-4items.xml": "ok",
    "arxiv-atom2026-rss.arxiv.org-cs.LG-excerpt-3entries.xml": "ok",
    "arxiv-rss1-rdf-old-hep-ex-2018-05-23-excerpt-3items.xml": "ok",
    "arxiv-api-atom-2016-author-query-del_maestro.xml": "ok",
    "arxiv-api-atom-2016-author-and-title-query.xml": "ok",
    "arxiv-api-atom-2016-id_list-1111.2011v2.xml": "ok",
    "arxiv-api-atom-2026-search-testing-m10.xml": "ok",
    "arxiv-api-atom-2026-id_list-2104.12255v1.xml": "ok",
    "arxiv-api-atom-2026-empty-result-id-0000.0000.xml": "ok",
    "arxiv-api-atom-2026-error-bad-id-abc.xml": FeedError,
    "arxiv-api-atom-2026-category-query-cs.LG-OR-cs.AI.xml": "ok",
    "arxiv-api-atom-2021-author-query-TRUNCATED.xml": FeedError,
    # not RSS/Atom: `hub import` reads these (see the import tests below); parse_feed refuses them
    "arxiv-oai-pmh-listrecords-arXiv-format-hep-th-2017.xml": FeedError,
    "arxiv-oai-pmh-listrecords-arXiv-format-hep-ex-2017.xml": FeedError,
    "arxiv-kaggle-metadata-oai-snapshot-head.jsonl": FeedError,
    "nature-rss1-current-2024-07-18.xml": "ok",
    "science-rss1-current-issue-2021-05-21-2items.xml": "ok",
    "elsevier-jpeds-rss1-prism-2018-1item.xml": "ok",
    "mdpi-fluids-rss1-prism-2024-1item.xml": "ok",
    "biorxiv-rss1-genomics-2023-12-16-1item.xml": "ok",
    "odd-iso-8859-1-rss2-inovacaotecnologica-2020.xml": "ok",
    "odd-iso-8859-1-rss1-golem-2023.xml": "ok",
    "odd-windows-1252-rss2-stortinget-2024.xml": "ok",
    "odd-broken-rss2-reuters-server-exception.xml": FeedError,
}
# C0 (all of it: stored text is one line), DEL, C1, bidi marks/embeddings/overrides/isolates
CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ANNOUNCE_PREFIX_RE = re.compile(r"^arXiv:(\S+)v(\d+) Announce Type: (new|cross|replace|replace-cross) \nAbstract: ")


@functools.cache
def _parse_cached(name: str) -> ParsedFeed:
    return parse_feed(corpus_file(name).read_bytes())


def feed(name: str) -> ParsedFeed:
    return _parse_cached(name)


def papers(name: str) -> list[Paper]:
    return feed(name).papers


def by_id(name: str) -> dict[str, Paper]:
    return {p.arxiv_id or p.key: p for p in papers(name)}


def raw_items(name: str) -> list[ElementTree.Element]:
    root = ElementTree.parse(corpus_file(name)).getroot()
    return list(root.iter("item")) or list(root.iter(f"{{{NS['rss1']}}}item")) or list(
        root.iter(f"{{{NS['atom']}}}entry"))


def corpus_names() -> list[str]:
    if not CORPUS.is_dir():
        return sorted(EXPECTED_OUTCOME)
    return sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "SOURCES.md")


def strings_of(paper: Paper) -> list[str]:
    values: list[str | None] = [paper.key, paper.title, paper.abstract, paper.arxiv_id, paper.doi, paper.published,
                                paper.updated, paper.announce_type, paper.primary_category, paper.url,
                                paper.pdf_url, paper.journal]
    values += paper.authors + paper.categories + paper.sources
    return [v for v in values if v is not None]


# --------------------------------------------------------------------------------------
# the whole corpus
# --------------------------------------------------------------------------------------


def test_every_corpus_file_has_an_expected_outcome() -> None:
    if not CORPUS.is_dir():
        corpus_missing()
    assert set(corpus_names()) == set(EXPECTED_OUTCOME)


@pytest.mark.parametrize("name", corpus_names())
def test_whole_corpus_parses_or_fails_cleanly(name: str) -> None:
    """No unexpected exception anywhere; documents that are no feed raise FeedError."""
    data = corpus_file(name).read_bytes()
    expected = EXPECTED_OUTCOME[name]
    if expected is FeedError:
        with pytest.raises(FeedError) as info:
            parse_feed(data)
        message = str(info.value)
        assert message and not CONTROL_RE.search(message)
        return
    parsed = parse_feed(data)
    assert isinstance(parsed, ParsedFeed)
    assert parsed.skipped == 0
    if parsed.title is not None:
        assert not CONTROL_RE.search(parsed.title)


@pytest.mark.parametrize("name", [n for n, outcome in EXPECTED_OUTCOME.items() if outcome == "ok"])
def test_no_stored_string_holds_control_characters(name: str) -> None:
    for paper in papers(name):
        for value in strings_of(paper):
            assert not CONTROL_RE.search(value), (paper.key, value)
            assert value == value.strip(), (paper.key, value)
        assert all(paper.authors), paper.key
        assert paper.title != "", paper.key
        assert paper.key.startswith(("arxiv:", "doi:", "url:"))
        if paper.published:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", paper.published)
        if paper.updated:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", paper.updated)


@pytest.mark.parametrize("name", [n for n, outcome in EXPECTED_OUTCOME.items() if outcome == "ok"])
def test_arxiv_papers_keep_ids_without_version(name: str) -> None:
    for paper in papers(name):
        if paper.arxiv_id is None:
            continue
        assert paper.key == f"arxiv:{paper.arxiv_id}"
        assert not re.search(r"v\d+$", paper.arxiv_id)
        assert paper.version is None or paper.version >= 1
        assert paper.url == f"https://arxiv.org/abs/{paper.arxiv_id}"
        assert paper.primary_category in paper.categories


# --------------------------------------------------------------------------------------
# arXiv new RSS 2.0 (2024+): the complete 1504-item union feed
# --------------------------------------------------------------------------------------


def test_big_feed_title_count_and_announce_types() -> None:
    parsed = feed(BIG)
    assert parsed.title == ("astro-ph, cond-mat, physics, quant-ph, math, cs, econ, eess, gr-qc, hep-ex, hep-lat, "
                            "hep-ph, hep-th, math-ph, nlin, nucl-ex, nucl-th, q-bio, q-fin, stat updates on arXiv.org")
    assert len(parsed.papers) == 1504
    assert parsed.is_empty_day is False
    counts = collections.Counter(p.announce_type for p in parsed.papers)
    assert counts == {"new": 926, "replace": 569, "cross": 9}
    assert counts["replace-cross"] == 0


def test_big_feed_every_date_is_the_day_of_the_feed() -> None:
    # every pubDate is "Thu, 28 Nov 2024 00:00:00 -0500": the date as written, not shifted to UTC
    assert {p.published for p in papers(BIG)} == {"2024-11-28"}


def test_big_feed_item0() -> None:
    p = papers(BIG)[0]
    assert (p.key, p.arxiv_id, p.version) == ("arxiv:2411.17700", "2411.17700", 1)
    assert p.url == "https://arxiv.org/abs/2411.17700"
    assert p.pdf_url == "https://arxiv.org/pdf/2411.17700v1"
    assert p.authors == ["Jun Cui"]
    assert p.categories == ["cs.CY"] and p.primary_category == "cs.CY"
    assert p.announce_type == "new"


def test_big_feed_item3_comma_joined_creators() -> None:
    p = papers(BIG)[3]
    assert p.arxiv_id == "2411.17703" and p.version == 1
    assert p.authors == ["Rutuja Gurav", "Elena Massara", "Xiaomei Song", "Kimberly Sinclair", "Edward Brown",
                         "Matt Kusner", "Bala Poduval", "Atilim Gunes Baydin"]


def test_big_feed_first_cross_list() -> None:
    p = papers(BIG)[926]
    assert (p.arxiv_id, p.version, p.announce_type) == ("2202.06515", 3, "cross")
    assert p.categories == ["astro-ph.CO", "astro-ph.GA", "physics.flu-dyn"]
    assert p.primary_category == "astro-ph.CO"
    assert p.doi == "10.1063/5.0236964"
    assert p.journal == "Physics of Fluids 36, 117158 (2024)"
    assert [q.announce_type for q in papers(BIG)[:926]] == ["new"] * 926


def test_big_feed_first_replace() -> None:
    p = papers(BIG)[935]
    assert (p.arxiv_id, p.version, p.announce_type) == ("1401.3665", 4, "replace")
    assert p.title == "The existence of designs"
    assert p.authors == ["Peter Keevash"]


def test_big_feed_doi_journal_and_latex_counts() -> None:
    assert sum(1 for p in papers(BIG) if p.doi) == 111
    assert sum(1 for p in papers(BIG) if p.journal) == 97
    assert sum(1 for p in papers(BIG) if "$" in p.title) == 83


def test_big_feed_latex_escape_kept_in_title() -> None:
    assert "\\&" in by_id(BIG)["2411.18380"].title


def test_big_feed_escaped_ampersand_decoded_once() -> None:
    p = by_id(BIG)["2307.10544"]
    assert p.version == 2
    assert p.title == "Design & Optimization of the HV divider for JUNO 20-inch PMT"


def test_big_feed_largest_author_list() -> None:
    p = by_id(BIG)["2403.07266"]
    assert p.version == 2
    assert len(p.authors) == 207
    assert max(len(q.authors) for q in papers(BIG)) == 207


def test_big_feed_affiliations_with_commas_do_not_split_names() -> None:
    # "Tianliang Yan (University of Birmingham, School of Physics and Astronomy, ...), ..."
    p = by_id(BIG)["2411.17817"]
    assert p.authors == ["Tianliang Yan", "Yubao Liu", "Leonid Prokhorov", "Jiri Smetana", "Haixing Miao",
                         "Yiqiu Ma", "Vincent Boyer", "Denis Martynov"]


def test_big_feed_no_author_is_an_affiliation_fragment() -> None:
    for p in papers(BIG):
        for name in p.authors:
            assert "(" not in name and ")" not in name and "," not in name, (p.arxiv_id, name)
            assert len(name) <= 60, (p.arxiv_id, name)


def test_big_feed_matches_raw_items_one_to_one() -> None:
    """Against ElementTree over the raw bytes: id, version, announce type from the guid and the
    description prefix; the title and the abstract exactly as written (whitespace collapsed,
    LaTeX such as ``$T<T_{RW}$`` untouched); every description carries the prefix."""
    items = raw_items(BIG)
    assert len(items) == len(papers(BIG)) == 1504
    for item, paper in zip(items, papers(BIG), strict=True):
        guid = item.findtext("guid") or ""
        match = re.fullmatch(r"oai:arXiv\.org:(\S+)v(\d+)", guid)
        assert match, guid
        assert (paper.arxiv_id, paper.version) == (match.group(1), int(match.group(2)))
        description = item.findtext("description") or ""
        prefix = ANNOUNCE_PREFIX_RE.match(description)
        assert prefix, description[:80]
        assert (prefix.group(1), int(prefix.group(2))) == (paper.arxiv_id, paper.version)
        assert paper.announce_type == prefix.group(3) == item.findtext(f"{{{NS['arxiv']}}}announce_type")
        assert paper.abstract == " ".join(description[prefix.end():].split()), paper.arxiv_id
        assert "Announce Type" not in paper.abstract
        assert paper.title == " ".join((item.findtext("title") or "").split()), paper.arxiv_id
        assert paper.categories == [c.text for c in item.findall("category")]
        doi = item.findtext(f"{{{NS['arxiv']}}}DOI")
        # some arxiv:DOI hold two DOIs separated by a space: the first one is kept
        assert paper.doi == (doi.split()[0] if doi else None)


def test_big_feed_latex_comparisons_are_not_taken_for_html() -> None:
    # 2103.07442: "$T<T_{RW}$, we find ... At $T>T_{RW}$" once lost everything between < and >
    abstract = by_id(BIG)["2103.07442"].abstract
    assert "$T<T_{RW}$, we find that the cluster expansion model" in abstract
    assert "At $T>T_{RW}$ we show" in abstract
    assert "(Fe1-xS, 0<x<0.125)" in by_id(BIG)["2406.13637"].abstract
    assert "(E&E)" in by_id(BIG)["2411.17942"].abstract


def test_big_feed_tex_accents_in_creators_become_letters() -> None:
    # arXiv writes "J\"urgen"-style TeX accents in dc:creator; stored names are readable
    names = {name for p in papers(BIG) for name in p.authors}
    assert not any("\\" in name or "{" in name for name in names)
    assert "Šimon Sedláček" in by_id(BIG)["2411.18294"].authors


# --------------------------------------------------------------------------------------
# arXiv new RSS: empty and error feeds, 2026 excerpts
# --------------------------------------------------------------------------------------


def test_empty_feed_is_an_empty_day() -> None:
    parsed = feed("arxiv-rss2024-empty-test-archive.xml")
    assert parsed.title == "test updates on arXiv.org"
    assert parsed.papers == []
    assert parsed.is_empty_day is True


def test_error_feed_for_bad_archive_raises() -> None:
    with pytest.raises(FeedError) as info:
        feed("arxiv-rss2024-error-bad-archive.xml")
    assert "astroph" in str(info.value) or "astroph" in json.dumps(info.value.params)


def test_cs_ai_excerpt() -> None:
    items = papers("arxiv-rss2026-cs.AI-excerpt-3items.xml")
    assert len(items) == 3
    p = items[0]
    assert (p.arxiv_id, p.version) == ("2604.21935", 1)
    assert p.title == "Math Takes Two: A test for emergent mathematical reasoning in communication"
    assert p.authors == ["Michael Cooper", "Samuel Cooper"]
    assert p.categories == ["cs.AI", "cs.LG"] and p.primary_category == "cs.AI"
    assert p.published == "2026-04-27"  # Mon, 27 Apr 2026 00:00:00 -0400
    assert len(items[1].authors) == 18
    assert "\\textbf{adaptability}" in items[1].abstract
    assert {q.announce_type for q in items} == {"new"}


def test_cs_cl_excerpt_double_space_mononym() -> None:
    items = papers("arxiv-rss2026-cs.CL-excerpt-3items.xml")
    assert items[0].arxiv_id == "2604.22002"
    assert items[0].authors == ["Anamta Khan", "Ratna Kandala", "Deepti", "Sheza Munir", "Joyojeet Pal"]
    p = items[2]
    assert p.arxiv_id == "2604.22038"
    assert p.title == "Source-Modality Monitoring in Vision-Language Models"
    assert p.authors == ["Etha Tianze Hua", "Tian Yun", "Ellie Pavlick"]


def test_cs_lg_excerpt() -> None:
    items = papers("arxiv-rss2026-cs.LG-excerpt-3items.xml")
    assert items[0].arxiv_id == "2604.21952"
    assert items[0].categories == ["cs.LG", "cs.AI", "cs.AR", "cs.NE", "cs.RO"]
    assert items[2].arxiv_id == "2604.21956"
    assert items[2].authors[-1] == "Milos Hauskrecht"


MULTI = "arxiv-rss2026-multi-cs.LG+cs.AI+cs.CL+stat.ML-excerpt-4items.xml"


def test_multi_category_feed() -> None:
    items = papers(MULTI)
    assert [p.announce_type for p in items] == ["new", "new", "cross", "replace"]
    p = items[2]
    assert (p.arxiv_id, p.version) == ("2205.06398", 2)
    assert p.title == "Outlier Detection for Multi-Network Data"
    assert p.authors == ["Pritam Dey", "Zhengwu Zhang", "David B. Dunson"]
    assert p.categories == ["stat.ME", "stat.AP", "stat.ML"]
    assert p.primary_category == "stat.ME"
    assert p.doi == "10.1093/bioinformatics/btac431"
    assert (items[3].arxiv_id, items[3].version, items[3].announce_type) == ("2009.13987", 3, "replace")


def test_multi_category_source_resolves_to_the_feeds_own_link(monkeypatch: pytest.MonkeyPatch) -> None:
    root = ElementTree.parse(corpus_file(MULTI)).getroot()
    link = root.findtext("channel/link")
    assert link == "http://rss.arxiv.org/rss/cs.LG+cs.AI+cs.CL+stat.ML"
    monkeypatch.setenv("HUB_ARXIV_RSS_BASE", "http://rss.arxiv.org/rss/")
    source = resolve("arxiv:cs.lg+cs.ai+cs.cl+stat.ml", load_settings())
    assert source.url == link
    assert source.spec == "arxiv:cs.LG+cs.AI+cs.CL+stat.ML"
    assert source.label == "arXiv (CS.LG+CS.AI+CS.CL+STAT.ML)"
    assert label_from_feed_title(feed(MULTI).title) == source.label
    assert label_from_feed_title(feed("arxiv-rss2026-cs.AI-excerpt-3items.xml").title) == "arXiv (CS.AI)"


# --------------------------------------------------------------------------------------
# arXiv new Atom feed
# --------------------------------------------------------------------------------------


def test_new_atom_feed() -> None:
    items = papers("arxiv-atom2026-rss.arxiv.org-cs.LG-excerpt-3entries.xml")
    assert [(p.arxiv_id, p.version) for p in items][0] == ("2609.28553", 1)
    assert [p.announce_type for p in items] == ["new", "cross", "replace"]
    assert items[0].doi == "10.1109/MAPR72750.2026.11685822"
    assert items[0].journal
    # authors come from a comma-joined dc:creator, not <author>
    assert len(items[0].authors) > 1 and not any("," in a for a in items[0].authors)
    # <updated>2026-09-25T04:00:11.600680+00:00 (microseconds)
    assert {p.published for p in items} == {"2026-09-25"}
    for p in items:
        assert not p.abstract.startswith("arXiv:") and "Announce Type" not in p.abstract


# --------------------------------------------------------------------------------------
# arXiv old RSS 1.0 / RDF
# --------------------------------------------------------------------------------------

OLD = "arxiv-rss1-rdf-old-hep-ex-2018-05-23-excerpt-3items.xml"


def test_old_rdf_titles_carry_id_version_category_and_status() -> None:
    items = papers(OLD)
    assert [(p.arxiv_id, p.version, p.announce_type) for p in items] == [
        ("1805.08875", 1, "new"), ("1805.09166", 1, "cross"), ("1805.06430", 2, "replace")]
    assert [p.title for p in items] == ["Measurement of Transverse Single Spin Asymmetries",
                                        "Recent Top quark results from the Tevatron",
                                        "New Perspective on Hybrid Mesons"]
    assert items[2].categories == ["nucl-th"] and items[2].primary_category == "nucl-th"
    assert items[0].categories == ["hep-ex"]


def test_old_rdf_html_link_creators() -> None:
    items = papers(OLD)
    assert items[0].authors == ["Christopher Dilks"]  # "(STAR Collaboration)" is not a name
    assert items[1].authors == ["Boris Tuchming"]
    assert items[2].authors == ["Shu-Sheng Xu", "Zhu-Fang Cui", "Lei Chang", "Joannis Papavassiliou",
                                "Craig D. Roberts", "Hong-Shi Zong"]


def test_old_rdf_double_escaped_description() -> None:
    abstract = papers(OLD)[0].abstract
    assert "$2.6<\\eta<4$" in abstract
    assert "&lt;" not in abstract and "<p>" not in abstract
    assert abstract.startswith("In 2015 the first collisions")


def test_old_rdf_items_take_the_channel_date() -> None:
    # items carry no date; the channel's dc:date is 2018-05-23T20:30:00-05:00
    assert {p.published for p in papers(OLD)} == {"2018-05-23"}


# --------------------------------------------------------------------------------------
# arXiv API
# --------------------------------------------------------------------------------------


def test_api_2016_author_query() -> None:
    parsed = feed("arxiv-api-atom-2016-author-query-del_maestro.xml")
    assert parsed.title == "ArXiv Query: search_query=au:del_maestro&id_list=&start=0&max_results=10"
    assert len(parsed.papers) == 10
    p = parsed.papers[0]
    assert (p.arxiv_id, p.version) == ("1201.4869", 1)
    assert p.title == "A Luttinger Liquid Core Inside Helium-4 Filled Nanopores"
    assert p.authors == ["Adrian Del Maestro"]
    assert p.doi == "10.1142/S021797921244002X"
    assert p.primary_category == "cond-mat.mes-hall"
    q = parsed.papers[1]
    assert (q.key, q.arxiv_id, q.version) == ("arxiv:cond-mat/0412498", "cond-mat/0412498", 1)
    assert q.authors == ["Adrian Del Maestro", "Subir Sachdev"]
    for paper in parsed.papers:  # summaries start with two spaces and are hard-wrapped
        assert paper.abstract == paper.abstract.strip() and "\n" not in paper.abstract and "  " not in paper.abstract
        assert paper.announce_type is None


def test_api_2016_author_and_title_query() -> None:
    (p,) = papers("arxiv-api-atom-2016-author-and-title-query.xml")
    assert (p.arxiv_id, p.version) == ("cond-mat/0603029", 1)
    assert p.title == "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    assert len(p.authors) == 3
    assert p.doi == "10.1103/PhysRevB.74.024520"


def test_api_2016_id_list_with_version() -> None:
    (p,) = papers("arxiv-api-atom-2016-id_list-1111.2011v2.xml")
    assert (p.arxiv_id, p.version) == ("1111.2011", 2)
    assert (p.published, p.updated) == ("2011-11-08", "2012-04-02")
    assert p.authors == ["James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"]
    assert p.doi == "10.1103/PhysRevB.85.115117"
    assert p.pdf_url == "https://arxiv.org/pdf/1111.2011v2"


def test_api_2026_search_utf8_names() -> None:
    parsed = feed("arxiv-api-atom-2026-search-testing-m10.xml")
    assert parsed.title == "arXiv Query: search_query=all:testing&id_list=&start=0&max_results=10"
    assert len(parsed.papers) == 10
    p = parsed.papers[0]
    assert (p.arxiv_id, p.version) == ("2202.12139", 1)
    assert p.doi == "10.1109/ICSTW55395.2022.00035"
    assert p.primary_category == "cs.SE"
    assert "Aurora Ramírez" in parsed.papers[1].authors
    assert "José Raúl Romero" in parsed.papers[1].authors
    for paper in parsed.papers:  # no mojibake anywhere
        assert not any(marker in value for value in strings_of(paper) for marker in ("Ã", "Â", "\ufffd"))


def test_api_2026_title_literally_zero() -> None:
    (p,) = papers("arxiv-api-atom-2026-id_list-2104.12255v1.xml")
    assert p.title == "0"
    assert p.authors == ["Quan Thoi Minh Nguyen"]
    assert p.primary_category == "cs.CR"
    assert (p.arxiv_id, p.version) == ("2104.12255", 1)


def test_api_2026_empty_result() -> None:
    parsed = feed("arxiv-api-atom-2026-empty-result-id-0000.0000.xml")
    assert parsed.papers == []
    assert parsed.is_empty_day is True


def test_api_error_document_raises_and_is_no_paper() -> None:
    """The HTTP 400 body: one entry titled ``Error`` by ``arXiv api core``."""
    with pytest.raises(FeedError) as info:
        feed("arxiv-api-atom-2026-error-bad-id-abc.xml")
    assert info.value.params.get("reason") == "incorrect id format for abc"


def test_api_category_query() -> None:
    items = papers("arxiv-api-atom-2026-category-query-cs.LG-OR-cs.AI.xml")
    assert len(items) == 20
    p = items[0]
    assert (p.arxiv_id, p.version) == ("2604.26951", 1)
    assert p.title == "Turning the TIDE: Cross-Architecture Distillation for Diffusion Large Language Models"
    assert p.primary_category == "cs.CL"  # queried by cs.LG/cs.AI
    assert p.authors == ["Gongbo Zhang", "Wen Wang", "Ye Tian", "Li Yuan"]
    assert "$\\ln\\ln T$" in items[3].title


def test_api_truncated_document_fails_cleanly() -> None:
    with pytest.raises(FeedError):
        feed("arxiv-api-atom-2021-author-query-TRUNCATED.xml")


# --------------------------------------------------------------------------------------
# OAI-PMH and the Kaggle snapshot: `hub import` formats
# --------------------------------------------------------------------------------------

def imported(name: str) -> list[Paper]:
    """Papers ``hub import`` reads from a corpus file; skipped while no importer exists."""
    path = corpus_file(name)
    try:
        from hubcli.snapshots import ImportProgress, iter_papers
    except ImportError as exc:
        pytest.skip(f"import issue: no parser for `hub import` formats (OAI-PMH ListRecords, Kaggle JSONL) yet: {exc}")
    fmt, found, handle = iter_papers(path, ImportProgress(), max_bytes=64 * 1024 * 1024)
    try:
        items = list(found)
    finally:
        handle.close()
    assert fmt in ("oai", "kaggle")
    assert all(isinstance(p, Paper) for p in items)
    return items


def test_oai_pmh_hep_th() -> None:
    items = imported("arxiv-oai-pmh-listrecords-arXiv-format-hep-th-2017.xml")
    assert [p.arxiv_id for p in items] == ["1412.8323", "1507.07790", "1607.01710"]
    first = items[0]
    assert (first.published, first.updated) == ("2014-12-29", "2017-12-13")
    assert first.authors == ["Philipp A Hoehn"]  # keyname Hoehn, forenames Philipp A
    assert len(first.categories) == 6 and "physics.hist-ph" in first.categories
    assert items[1].doi == "10.1088/1751-8121/aa9c53"
    assert items[2].doi == "10.1002/andp.201700188"


def test_oai_pmh_hep_ex() -> None:
    items = imported("arxiv-oai-pmh-listrecords-arXiv-format-hep-ex-2017.xml")
    assert [p.arxiv_id for p in items] == ["1706.05371", "1706.09418", "1707.00874"]
    assert items[1].title == "R-Parity Violation at the LHC"
    assert items[1].doi == "10.1140/epjc/s10052-017-5414-4"
    assert "$B-L$" in items[2].title


def test_kaggle_snapshot() -> None:
    items = imported("arxiv-kaggle-metadata-oai-snapshot-head.jsonl")
    assert len(items) == 200
    assert [p.arxiv_id for p in items] == [f"0704.{i:04d}" for i in range(1, 201)]
    first = items[0]
    assert first.authors[0] == "C. Balázs"  # TeX "Bal\'azs" in the string, "Balázs" in authors_parsed
    assert first.version == 2 and first.published == "2007-04-02"  # v1: Mon, 2 Apr 2007 19:18:42 GMT
    assert first.doi == "10.1103/PhysRevD.76.013009"
    assert sum(1 for p in items if p.doi) == 117
    ninth = items[8]
    assert ninth.arxiv_id == "0704.0009"
    assert "Nicholas Chapman" in ninth.authors  # "Nicholas\n  Chapman" in the string
    assert "Neal J. Evans II" in ninth.authors  # suffix from authors_parsed
    for paper in items:
        for value in strings_of(paper):
            assert not CONTROL_RE.search(value), (paper.key, value)


# --------------------------------------------------------------------------------------
# journals and preprint servers
# --------------------------------------------------------------------------------------

NATURE = "nature-rss1-current-2024-07-18.xml"


def test_nature_counts_and_keys() -> None:
    items = papers(NATURE)
    assert len(items) == 75
    assert sum(1 for p in items if p.key.startswith("doi:10.1038/s41586-")) == 31
    assert sum(1 for p in items if p.key.startswith("doi:10.1038/d41586-")) == 44
    assert {p.journal for p in items} == {"Nature"}
    assert all(p.arxiv_id is None and p.announce_type is None for p in items)


def test_nature_one_creator_element_per_author() -> None:
    items = papers(NATURE)
    raw = raw_items(NATURE)
    assert len(raw) == len(items)
    for item, paper in zip(raw, items, strict=True):
        creators = [" ".join((c.text or "").split()) for c in item.findall("dc:creator", NS)]
        assert paper.authors == [c for c in creators if c], paper.key
    counts = [len(p.authors) for p in items]
    assert max(counts) == 137
    assert len(by_id(NATURE)["doi:10.1038/s41586-024-07657-w"].authors) == 137
    assert counts.count(0) == 4
    death = [p for p in items if p.title == "The death forecast: how weather affects human mortality"]
    assert len(death) == 1 and death[0].authors == []


def test_nature_item0() -> None:
    p = papers(NATURE)[0]
    assert p.title == "Catalysis of an SN2 pathway by geometric preorganization"  # <sub> removed
    assert p.authors == ["Gabriel J. Lovinger", "Marcus H. Sak", "Eric N. Jacobsen"]
    assert p.doi == "10.1038/s41586-024-07811-4" and p.key == "doi:10.1038/s41586-024-07811-4"
    assert p.published == "2024-07-18"
    assert p.url == "https://www.nature.com/articles/s41586-024-07811-4"
    assert p.abstract == ""  # the content is boilerplate plus the title again


def test_nature_entities_inside_cdata_titles_are_decoded() -> None:
    titles = {p.title for p in papers(NATURE)}
    assert "Psilocybin desynchronizes the human brain" in titles  # the&#xa0;human
    assert "AI & robotics briefing: What is AI, really?" in titles  # AI &amp; robotics
    assert not any("&#" in t or "&amp;" in t or "<" in t for t in titles)


def test_nature_published_online_boilerplate_is_no_abstract() -> None:
    for p in papers(NATURE):
        assert "Published online" not in p.abstract, p.key
        assert not p.abstract.startswith("Nature,"), p.key
    p = by_id(NATURE)["doi:10.1038/d41586-024-02352-2"]
    assert p.abstract == "Inhibiting a protein associated with chronic inflammation improves lung health in mice " \
                         "with COVID-19."


def test_science_current_issue() -> None:
    first, second = papers("science-rss1-current-issue-2021-05-21-2items.xml")
    assert first.title == '"The Descent of Man," 150 years on'
    assert first.authors == ["Fuentes, A."]  # surname-first, kept as one name
    assert first.doi == "10.1126/science.abj4606"  # only as dc:identifier info:doi/...
    assert first.key == "doi:10.1126/science.abj4606"
    assert first.abstract == ""
    assert first.published == "2021-05-21"  # prism:publicationDate
    assert first.updated == "2021-05-20"  # dc:date 2021-05-20T10:40:55-07:00, as written
    assert second.title == "News at a glance"
    assert second.authors == []  # empty dc:creator
    assert second.doi == "10.1126/science.372.6544.770"


def test_elsevier_bare_doi_identifier() -> None:
    (p,) = papers("elsevier-jpeds-rss1-prism-2018-1item.xml")
    assert p.title == ("HIV Exposure and Formula Feeding Predict Under-2 Mortality in HIV-Uninfected Children, "
                       "Botswana")
    assert p.authors[:2] == ["Gbolahan Ajibola", "Jean Leidner"]
    assert len(p.authors) == 13 and p.authors[-1] == "Shahin Lockman"
    assert p.doi == "10.1016/j.jpeds.2018.08.009"
    assert p.journal == "The Journal of Pediatrics"
    assert p.published == "2018-10-11"


def test_mdpi_title_prefix_and_doi_with_space() -> None:
    (p,) = papers("mdpi-fluids-rss1-prism-2024-1item.xml")
    assert p.title == "Environmental Hydraulics, Turbulence, and Sediment Transport, Second Edition"
    assert p.authors == ["Jaan H. Pu", "Manish Pandey", "Prashanth Reddy Hanmaiahgari"]
    assert p.doi == "10.3390/fluids9060120"
    assert p.published == "2024-05-22"
    assert p.journal == "Fluids"


def test_biorxiv_whitespace_version_and_surname_initials() -> None:
    (p,) = papers("biorxiv-rss1-genomics-2023-12-16-1item.xml")
    assert p.title == ("Complete genome of the Medicago anthracnose fungus, Colletotrichum destructivum, reveals a "
                       "mini-chromosome-like region within a core chromosome.")
    assert p.url == "http://biorxiv.org/cgi/content/short/2023.12.16.571984v1?rss=1"
    assert p.version == 1
    assert p.authors == ["LAPALU, N.", "SIMON, A.", "Lu, A.", "Plaumann, P.-L.", "Amselem, J.", "Pigne, S.",
                         "Auger, A.", "Koch, C.", "Dallery, J.-F.", "O'Connell, R. J."]
    assert p.doi == "10.1101/2023.12.16.571984" and p.key == "doi:10.1101/2023.12.16.571984"
    assert p.published == "2023-12-16"
    assert p.abstract.startswith("Colletotrichum destructivum (Cd) is a phytopathogenic fungus")


# --------------------------------------------------------------------------------------
# odd and broken real-world feeds
# --------------------------------------------------------------------------------------

# the charset is only in the XML prolog; HTTP may say nothing, or a bare XML media type
CONTENT_TYPES = [None, "application/rss+xml", "application/xml", "text/xml"]


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_iso_8859_1_rss2(content_type: str | None) -> None:
    data = corpus_file("odd-iso-8859-1-rss2-inovacaotecnologica-2020.xml").read_bytes()
    (p,) = parse_feed(data, content_type=content_type).papers
    assert p.title == "Revolução nas telas com pontos quânticos impressos em 3D"
    assert p.published == "2020-08-13"
    assert p.key.startswith("url:https://www.inovacaotecnologica.com.br/")


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_iso_8859_1_rss1(content_type: str | None) -> None:
    data = corpus_file("odd-iso-8859-1-rss1-golem-2023.xml").read_bytes()
    (p,) = parse_feed(data, content_type=content_type).papers
    assert p.title == "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"
    assert p.authors == ["Achim Sawall"]
    assert p.published == "2023-01-25"


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_windows_1252_rss2(content_type: str | None) -> None:
    data = corpus_file("odd-windows-1252-rss2-stortinget-2024.xml").read_bytes()
    (p,) = parse_feed(data, content_type=content_type).papers
    assert p.title == "Skriftlig spørsmål fra Tage Pettersen (H) til helse- og omsorgsministeren. Til behandling"
    assert p.published == "2024-03-13"  # only dc:date
    assert p.key.startswith("url:https://www.stortinget.no/")  # no guid, no DOI


def test_broken_server_exception_feed_fails_cleanly() -> None:
    with pytest.raises(FeedError):
        feed("odd-broken-rss2-reuters-server-exception.xml")


def test_corpus_is_read_in_place_not_copied() -> None:
    project = Path(__file__).resolve().parents[1]
    names = set(EXPECTED_OUTCOME)
    copies = [p for p in project.rglob("*") if p.name in names and ".venv" not in p.parts]
    assert copies == []
