"""Export formats parsed back by real readers; OPML round trip; the feeds catalogue."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import bibtexparser
import pytest

from feedgen import Item, arxiv_rss, journal_rss1

ITEMS = [
    Item("2606.00031", "Braces {and} 100% of $\\alpha$ & more", ["Jürgen Schmidhuber", "Lichan Hong"],
         categories=["cs.LG", "cs.AI"], doi="10.1000/abc.2", journal_ref="Proc. Tests 2026"),
    Item("2606.00032", "Plain title", ["Ed H. Chi"], categories=["cs.IR"]),
]


@pytest.fixture
def stocked(hub, tmp_path: Path):  # type: ignore[no-untyped-def]
    feed = tmp_path / "cs.LG.xml"
    feed.write_bytes(arxiv_rss("cs.LG", ITEMS))
    journal = tmp_path / "nature.xml"
    journal.write_bytes(journal_rss1("Nature", [
        {"title": "Catalysis of an S<sub>N</sub>2 pathway", "link": "https://www.nature.com/articles/s1",
         "doi": "10.1038/s1", "authors": ["Gabriel J. Lovinger", "Eric N. Jacobsen"], "abstract": "An abstract."}]))
    assert hub("sync", str(feed), str(journal)).exit_code == 0
    return tmp_path


def test_json_and_jsonl(hub, stocked) -> None:  # type: ignore[no-untyped-def]
    papers = json.loads(hub("export", "--format", "json").stdout)
    assert len(papers) == 3
    lines = hub("export", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [p["id"] for p in papers]
    fields = {"id", "arxiv_id", "version", "doi", "title", "authors", "abstract", "published", "updated",
              "announce_type", "categories", "primary_category", "sources", "url", "pdf_url", "journal"}
    assert all(fields <= set(p) for p in papers)
    assert json.loads(hub("export", "--format", "json", "--author", "nobody at all").stdout) == []


def test_csv_has_a_header_and_reads_back(hub, stocked) -> None:  # type: ignore[no-untyped-def]
    rows = list(csv.DictReader(io.StringIO(hub("export", "--format", "csv").stdout)))
    assert len(rows) == 3
    row = next(r for r in rows if r["id"] == "arxiv:2606.00031")
    assert row["authors"] == "Jürgen Schmidhuber; Lichan Hong"
    assert row["title"] == "Braces {and} 100% of $\\alpha$ & more"


def test_bibtex_reads_back_with_a_real_parser(hub, stocked) -> None:  # type: ignore[no-untyped-def]
    text = hub("export", "--format", "bibtex").stdout
    db = bibtexparser.loads(text)
    assert len(db.entries) == 3
    by_eprint = {e.get("eprint"): e for e in db.entries}
    entry = by_eprint["2606.00031"]
    assert entry["archiveprefix"] == "arXiv" and entry["primaryclass"] == "cs.LG"
    assert entry["doi"] == "10.1000/abc.2"
    assert "Schmidhuber" in entry["author"] and " and " in entry["author"]
    assert text.count("{") == text.count("}")  # braces stay balanced, so JabRef/Zotero accept it
    article = next(e for e in db.entries if e.get("doi") == "10.1038/s1")
    assert article["ENTRYTYPE"] == "article" and article["journal"] == "Nature"
    assert len({e["ID"] for e in db.entries}) == 3


def test_markdown_links(hub, stocked) -> None:  # type: ignore[no-untyped-def]
    text = hub("export", "--format", "markdown").stdout
    assert "(https://arxiv.org/abs/2606.00032)" in text
    assert "(https://www.nature.com/articles/s1)" in text


def test_papers_format_matches_export(hub, stocked) -> None:  # type: ignore[no-untyped-def]
    assert json.loads(hub("papers", "--format", "json", "--per-page", "50").stdout) == json.loads(
        hub("export", "--format", "json").stdout)
    assert hub("export", "--format", "yaml").exit_code == 2


def test_opml_round_trip(hub, tmp_path: Path, hub_home: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    hub("feeds", "add", "arxiv:cs.ro", "--no-check")
    hub("feeds", "add", "https://example.test/journal.rss", "--label", "My Journal", "--no-check")
    hub("feeds", "remove", "arxiv:cs.CL")
    exported = hub("feeds", "export").stdout
    opml = tmp_path / "radar.opml"
    opml.write_text(exported)
    before = json.loads(hub("feeds", "list", "--json").stdout)
    # another machine
    monkeypatch.setenv("HUB_HOME", str(tmp_path / "other-machine"))
    for spec in ("arxiv:cs.AI", "arxiv:cs.CL", "arxiv:cs.IR", "arxiv:cs.LG"):
        hub("feeds", "remove", spec)
    assert hub("feeds", "import", str(opml)).exit_code == 0
    after = json.loads(hub("feeds", "list", "--json").stdout)
    assert {(f["source"], f["label"]) for f in after} == {(f["source"], f["label"]) for f in before}
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline")
    result = hub("feeds", "import", str(broken))
    assert result.exit_code == 2 and "OPML" in result.stderr


def test_catalog_names_are_accepted(hub) -> None:  # type: ignore[no-untyped-def]
    names = [line.split("\t")[0] for line in hub("feeds", "catalog").stdout.splitlines()]
    assert {"nature", "science", "cell", "pnas", "jmlr", "biorxiv-genomics"} <= set(names)
    added = hub("feeds", "add", "nature", "--no-check")
    assert added.exit_code == 0
    listed = json.loads(hub("feeds", "list", "--json").stdout)
    assert any(f["label"] == "Nature" and f["url"] == "https://www.nature.com/nature.rss" for f in listed)
