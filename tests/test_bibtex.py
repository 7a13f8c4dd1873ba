"""BibTeX that every BibTeX tool accepts (issue 9, item 1).

The whole 1,504-paper arXiv feed of the shared corpus is imported and exported, then read
by pybtex in strict mode (any error raises), by biber (``biber --tool``) and by classic
``bibtex`` where they are installed: every paper must come back as one entry with a key
of its own.  Smaller tests pin the rules one at a time: unbalanced braces from real arXiv
LaTeX, DOIs verbatim, corporate authors kept whole, keys unique across the export's chunks.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pybtex.errors
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import BibliographyData, parse_string

from conftest import corpus_file, run_hub
from hubcli.models import Paper
from hubcli.render.bibtex import to_bibtex

FEED = "arxiv-rss2024-all-archives-2024-11-28.xml"


@pytest.fixture(autouse=True)
def strict_pybtex() -> Iterator[None]:
    pybtex.errors.set_strict_mode(True)
    yield
    pybtex.errors.set_strict_mode(False)


def strict(text: str) -> BibliographyData:
    """Parse with pybtex in strict mode: a syntax error, a repeated key or a bad name raises."""
    pybtex.errors.set_strict_mode(True)
    return parse_string(text, "bibtex")


def bibtex_depths_ok(value: str) -> bool:
    """What BibTeX checks: every brace counts (``\\{`` too) and none closes more than opened."""
    depth = 0
    for ch in value:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@dataclass
class Export:
    bib: Path
    papers: list[dict[str, object]]
    stderr: str


@pytest.fixture(scope="module")
def corpus_export(tmp_path_factory: pytest.TempPathFactory) -> Export:
    feed = corpus_file(FEED)
    home = tmp_path_factory.mktemp("bibtex-corpus")
    env = {"HUB_HOME": str(home / "hub-home"), "HUB_ARXIV_RSS_BASE": "http://127.0.0.1:9/rss/",
           "HUB_ARXIV_API_URL": "http://127.0.0.1:9/api/query", "LANG": "C.UTF-8"}
    imported = run_hub("import", str(feed), env=env)
    assert imported.exit_code == 0, imported.stderr
    bib = home / "all.bib"
    exported = run_hub("export", "--format", "bibtex", env=env)
    assert exported.exit_code == 0, exported.stderr
    bib.write_text(exported.stdout, encoding="utf-8")
    papers = [json.loads(line) for line in run_hub("export", "--format", "jsonl", env=env).stdout.splitlines()]
    return Export(bib, papers, exported.stderr)


# --- the whole corpus through the real tools -------------------------------------------------

def test_whole_corpus_export_passes_pybtex_strict_with_every_entry_kept(corpus_export: Export) -> None:
    assert len(corpus_export.papers) == 1504
    assert "1504 papers written" in corpus_export.stderr
    db = strict(corpus_export.bib.read_text(encoding="utf-8"))
    assert len(db.entries) == len(corpus_export.papers)  # strict mode also raises on a repeated key
    assert {e.fields["eprint"] for e in db.entries.values()} == {p["arxiv_id"] for p in corpus_export.papers}
    # the keys the issue named: two papers, two keys (they sit in different chunks of 500)
    assert {"chen2024from", "chen2024from2"} <= set(db.entries)
    titles = {db.entries[k].fields["title"] for k in ("chen2024from", "chen2024from2")}
    assert len(titles) == 2
    for entry in db.entries.values():
        for name, value in entry.fields.items():
            assert bibtex_depths_ok(value), (entry.key, name)


def test_whole_corpus_export_keeps_real_latex_and_names(corpus_export: Export) -> None:
    db = strict(corpus_export.bib.read_text(encoding="utf-8"))
    by_eprint = {e.fields["eprint"]: e for e in db.entries.values()}
    # the NOvA paper: the collaboration is one name, its member R. Group a person
    nova = next(e for e in db.entries.values() if str(e.persons["author"][0]) == "{NOvA Collaboration}")
    assert nova.persons["author"][0].last_names == ["{NOvA Collaboration}"]
    assert nova.persons["author"][0].first_names == []
    group = next(p for p in nova.persons["author"] if p.last_names == ["Group"])
    assert group.first_names == ["R."]
    assert nova.key.startswith("nova2024")
    # DOIs verbatim: no \_ in 10.1007/978-3-031-72744-3_21
    dois = {e.fields.get("doi") for e in db.entries.values()}
    assert "10.1007/978-3-031-72744-3_21" in dois
    assert not any("\\" in d for d in dois if d)
    # an abstract with \left\{ ... \right. keeps its LaTeX groups, the lone \{ becomes \lbrace
    han = by_eprint["2405.14568"].fields["abstract"]
    assert r"\left\lbrace \begin{array}{ll}" in han and r"\Delta_{p}^{N}u=0" in han
    assert "\\{" not in han and "\\}" not in han


@pytest.mark.slow
def test_whole_corpus_export_passes_biber_tool(corpus_export: Export, tmp_path: Path) -> None:
    biber = shutil.which("biber")
    if biber is None:
        pytest.skip("biber is not installed (Debian package 'biber')")
    out = tmp_path / "biber-out.bib"
    run = subprocess.run([biber, "--tool", "--output-file", str(out), "--logfile", str(tmp_path / "biber"),
                          str(corpus_export.bib)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert not [line for line in log.splitlines() if line.startswith("ERROR")], log
    assert "Duplicate entry key" not in log
    assert len(re.findall(r"^@", out.read_text(encoding="utf-8"), re.MULTILINE)) == len(corpus_export.papers)


@pytest.mark.slow
def test_whole_corpus_export_passes_classic_bibtex(corpus_export: Export, tmp_path: Path) -> None:
    bibtex = shutil.which("bibtex")
    if bibtex is None:
        pytest.skip("bibtex is not installed (Debian package 'texlive-binaries')")
    if subprocess.run(["kpsewhich", "plain.bst"], capture_output=True).returncode != 0:
        pytest.skip("plain.bst is not installed")
    shutil.copy(corpus_export.bib, tmp_path / "all.bib")
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{all}\n")
    run = subprocess.run([bibtex, "doc"], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert "error message" not in log and "Repeated entry" not in log
    assert (tmp_path / "doc.bbl").read_text(encoding="utf-8").count("\\bibitem") == len(corpus_export.papers)


# --- the rules one at a time -----------------------------------------------------------------

def paper(n: int = 1, **fields: object) -> Paper:
    base: dict[str, object] = {"key": f"arxiv:2411.{n:05d}", "title": "Some Title", "authors": ["Ada Lovelace"],
                               "arxiv_id": f"2411.{n:05d}", "published": "2024-11-28",
                               "url": f"https://arxiv.org/abs/2411.{n:05d}"}
    return Paper(**{**base, **fields})  # type: ignore[arg-type]


def test_unbalanced_braces_from_real_arxiv_latex_are_balanced() -> None:
    abstract = (r"the set $\left\{ x \in \mathbb{R} : x > 0 \right.$ grows by 40-50% on StepGame} and"
                r" {an open group")
    text = to_bibtex([paper(1, abstract=abstract, title=r"On $\{a, b$ and {Braces"),
                      paper(2, abstract=r"a lone \} closer in text, and a lone \{ opener")])
    first, second = strict(text).entries.values()
    for value in [*first.fields.values(), *second.fields.values()]:
        assert bibtex_depths_ok(value)
    assert first.fields["abstract"] == (r"the set $\left\lbrace x \in \mathbb{R} : x > 0 \right.$ grows by"
                                        r" 40-50\% on StepGame and an open group")  # the stray braces dropped
    assert first.fields["title"] == r"{On $\lbrace a, b$ and Braces}"
    # in text, a lone \} or \{ still prints a brace
    assert second.fields["abstract"] == r"a lone \textbraceright{} closer in text, and a lone \textbraceleft{} opener"


def test_matched_escaped_braces_and_groups_are_kept() -> None:
    abstract = r"sets $\{x\}$, {\em groups}, \{text\}, 100\% and \& kept; a \\ break"
    entry = next(iter(strict(to_bibtex([paper(abstract=abstract)])).entries.values()))
    assert entry.fields["abstract"] == abstract


def test_doi_and_url_are_verbatim() -> None:
    doi = "10.1002/(SICI)1097-4636(199706)35:4<437::AID-JBM4>3.0.CO;2-J_x%#"
    p = paper(doi=doi, journal="J. Biomed_Mat & Res", arxiv_id=None, url="https://example.org/a_b?q=1%20#frag")
    entry = next(iter(strict(to_bibtex([p])).entries.values()))
    assert entry.type == "article"
    assert entry.fields["doi"] == doi  # biblatex reads doi verbatim: no \_ \% \#
    assert entry.fields["url"] == "https://example.org/a_b?q=1%20#frag"
    assert entry.fields["journal"] == r"J. Biomed\_Mat \& Res"  # not verbatim: escaped
    odd = next(iter(strict(to_bibtex([paper(doi="10.1000/a{b}\\c d")])).entries.values()))
    assert odd.fields["doi"] == "10.1000/a%7Bb%7D%5Cc%20d"  # what a .bib file cannot hold, URL-encoded


def test_corporate_authors_are_one_name() -> None:
    names = ["NOvA Collaboration", "the MeerTRAP collaboration", "KBTG Labs", "R. Group", "Tom and Jerry",
             "Smith, John", "Lovelace, Ada, Jr., Extra"]
    entry = next(iter(strict(to_bibtex([paper(authors=names)])).entries.values()))
    people = entry.persons["author"]
    assert len(people) == len(names)
    assert [p.last_names for p in people[:3]] == [["{NOvA Collaboration}"], ["{the MeerTRAP collaboration}"],
                                                  ["{KBTG Labs}"]]
    assert (people[3].first_names, people[3].last_names) == (["R."], ["Group"])
    assert people[4].last_names == ["{Tom and Jerry}"]
    assert (people[5].first_names, people[5].last_names) == (["John"], ["Smith"])
    assert people[6].last_names == ["{Lovelace, Ada, Jr., Extra}"]  # three commas: strict pybtex would refuse


def test_keys_are_unique_across_batches() -> None:
    from hubcli.render.bibtex import BibtexWriter

    writer = BibtexWriter()
    first = writer.write([paper(1, authors=["Wei Chen"], title="From A to B")])
    second = writer.write([paper(2, authors=["Li Chen"], title="From C to D"),
                           paper(3, authors=["Chen, Jie"], title="From E to F")])
    keys = list(strict(first + "\n" + second).entries)
    assert keys == ["chen2024from", "chen2024from2", "chen2024from3"]


_PIECES = [*"ab {}\\$%#&_~^@,=\"'()\né", "\\{", "\\}", "\\left\\{", "\\begin{array}", "\\\\", " and "]
bib_text = st.lists(st.sampled_from(_PIECES), max_size=24).map("".join)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(title=bib_text, abstract=bib_text, authors=st.lists(bib_text, max_size=4), journal=bib_text, doi=bib_text)
def test_any_text_makes_one_strictly_valid_entry(title: str, abstract: str, authors: list[str], journal: str,
                                                 doi: str) -> None:
    text = to_bibtex([paper(title=title, abstract=abstract, authors=authors, journal=journal, doi=doi)])
    db = strict(text)
    assert len(db.entries) == 1
    for value in next(iter(db.entries.values())).fields.values():
        assert bibtex_depths_ok(value)


def test_feed_text_cannot_add_fields_or_entries() -> None:
    abstract = "x}, note = {injected}, title = {y} } @misc{evil, title = {Evil}"
    text = to_bibtex([paper(abstract=abstract, authors=["A} and {B"], journal="J}, doi = {1"), paper(2)])
    db = strict(text)
    assert len(db.entries) == 2 and "evil" not in db.entries
    entry = next(iter(db.entries.values()))
    assert set(entry.fields) == {"title", "year", "month", "eprint", "archivePrefix", "note", "url", "abstract"}
    assert entry.fields["abstract"] == "x, note = {injected}, title = {y} @miscevil, title = {Evil}"
    assert entry.fields["title"] == "{Some Title}" and entry.fields["note"].startswith("J\\textbraceright{}, doi")
    assert len(entry.persons["author"]) == 1
