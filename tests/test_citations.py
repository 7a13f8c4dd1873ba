"""Bibliographic truth (issue 21, item 1).

- An arXiv paper's citation (year, month, key) carries its first version's date, read
  from the id: the corpus's "replace" announcements (569 of 1,504 papers of one day) are
  dated by their newest version, a 2014 paper announced again in 2024 is cited as 2014.
- A date known only to the year or the month stays that precise: json, cards, BibTeX.
- Imported library entries keep their own type, key, fields and persons: a Zotero, a
  JabRef and a Mendeley file go through ``hub library import`` and ``hub library export
  --format bibtex`` and come back with everything pybtex sees (strict mode) unchanged.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pybtex.database import Entry

from conftest import corpus_file, run_hub
from hubcli.models import Paper
from hubcli.render.bibtex import to_bibtex
from hubcli.sources.arxiv import first_version_month
from test_bibtex import strict, strict_pybtex  # noqa: F401  (an autouse fixture)

FEED = "arxiv-rss2024-all-archives-2024-11-28.xml"


# --- the first version's date ------------------------------------------------------------------

@pytest.mark.parametrize(("arxiv_id", "expected"), [
    ("2411.17719", (2024, 11)), ("1401.3665", (2014, 1)), ("1401.3665v3", (2014, 1)),
    ("0704.0001", (2007, 4)), ("2501.00001", (2025, 1)), ("arxiv:2402.14035v2", (2024, 2)),
    ("hep-th/9901001", (1999, 1)), ("math.GT/0309136", (2003, 9)), ("cs/0112017", (2001, 12)),
    ("hep-ph/9108001", (1991, 8)),
    # not an id, or a month no id of that style can have
    ("", None), ("10.1000/x", None), ("0612.1234", None), ("2413.00001", None), ("hep-th/0704001", None),
])
def test_first_version_month_from_the_id(arxiv_id: str, expected: tuple[int, int] | None) -> None:
    assert first_version_month(arxiv_id) == expected


def _arxiv(arxiv_id: str, published: str | None, **extra: Any) -> Paper:
    return Paper(key=f"arxiv:{arxiv_id}", title="The existence of designs", authors=["Peter Keevash"],
                 arxiv_id=arxiv_id, published=published, **extra)


@pytest.mark.parametrize(("arxiv_id", "published", "key", "year", "month"), [
    ("1401.3665", "2024-11-28", "keevash2014existence", "2014", "1"),  # a replace announcement
    ("2411.17719", "2024-11-28", "keevash2024existence", "2024", "11"),  # a new one
    ("hep-th/9901001", "2024-11-28", "keevash1999existence", "1999", "1"),
    ("2411.17719", "2024-10-31", "keevash2024existence", "2024", "10"),  # the API's older v1 date wins
    ("1401.3665", "2013", "keevash2013existence", "2013", None),  # an older year alone, as precise as it is
    ("1401.3665", "2014", "keevash2014existence", "2014", "1"),  # the id knows more
    ("1401.3665", None, "keevash2014existence", "2014", "1"),
])
def test_arxiv_citation_carries_the_first_version(arxiv_id: str, published: str | None, key: str, year: str,
                                                  month: str | None) -> None:
    entry = strict(to_bibtex([_arxiv(arxiv_id, published)])).entries[key]
    assert entry.fields["year"] == year
    assert entry.fields.get("month") == month


@pytest.mark.slow
def test_corpus_replace_entries_are_cited_by_their_first_version(tmp_path: Path) -> None:
    feed = corpus_file(FEED)
    env = {"HUB_HOME": str(tmp_path / "hub-home"), "HUB_ARXIV_RSS_BASE": "http://127.0.0.1:9/rss/",
           "HUB_ARXIV_API_URL": "http://127.0.0.1:9/api/query", "LANG": "C.UTF-8"}
    assert run_hub("import", str(feed), env=env).exit_code == 0
    exported = run_hub("export", "--format", "bibtex", env=env)
    assert exported.exit_code == 0, exported.stderr
    papers = [json.loads(line) for line in run_hub("export", "--format", "jsonl", env=env).stdout.splitlines()]
    db = strict(exported.stdout)
    by_eprint = {e.fields["eprint"]: (key, e) for key, e in db.entries.items()}
    replaced = [p for p in papers if p["announce_type"] in ("replace", "replace-cross")]
    assert len(replaced) == 569
    older = moved = 0
    for paper in papers:
        key, entry = by_eprint[paper["arxiv_id"]]
        year, month = first_version_month(paper["arxiv_id"]) or (0, 0)
        assert (entry.fields["year"], entry.fields["month"]) == (str(year), str(month)), paper["arxiv_id"]
        assert str(year) in key
        older += year < 2024
        moved += (year, month) != (2024, 11)
        assert paper["announce_type"] != "new" or (year, month) == (2024, 11)
    assert (older, moved) == (113, 435)  # papers first posted before 2024, before November 2024
    keevash = by_eprint["1401.3665"]
    assert keevash[0] == "keevash2014existence"
    # the paper object keeps the announcement's date (json keeps what the feed said)
    assert next(p for p in papers if p["arxiv_id"] == "1401.3665")["published"] == "2024-11-28"
    _real_tools(exported.stdout, tmp_path, len(papers))


def _real_tools(text: str, folder: Path, count: int) -> None:
    """biber (``--tool``) and classic BibTeX, where installed, read every entry."""
    bib = folder / "all.bib"
    bib.write_text(text, encoding="utf-8")
    biber = shutil.which("biber")
    if biber:
        out = folder / "biber-out.bib"
        run = subprocess.run([biber, "--tool", "--output-file", str(out), "--logfile", str(folder / "biber"),
                              str(bib)], capture_output=True, text=True, timeout=600, cwd=folder)
        log = run.stdout + run.stderr
        assert run.returncode == 0, log
        assert not [line for line in log.splitlines() if line.startswith("ERROR")], log
    bibtex = shutil.which("bibtex")
    if bibtex and subprocess.run(["kpsewhich", "plain.bst"], capture_output=True).returncode == 0:
        (folder / "doc.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{all}\n")
        run = subprocess.run([bibtex, "doc"], capture_output=True, text=True, timeout=600, cwd=folder)
        log = run.stdout + run.stderr
        assert run.returncode == 0, log
        assert "error message" not in log and "Repeated entry" not in log
        assert (folder / "doc.bbl").read_text(encoding="utf-8").count("\\bibitem") == count


# --- library files: fixtures as Zotero, JabRef and Mendeley write them -------------------------

ZOTERO = r"""
@inproceedings{smith_contextual_2019,
	address = {Tel Aviv, Israel},
	series = {Proceedings of {Machine} {Learning} {Research}},
	title = {Contextual {Bandits} with {Side} {Information}},
	volume = {115},
	url = {http://proceedings.mlr.press/v115/smith20a.html},
	abstract = {We study \emph{contextual} bandits where $K$ arms share side information.},
	booktitle = {Proceedings of {UAI}},
	publisher = {PMLR},
	author = {Smith, John and M{\"u}ller, Anna and van der Berg, Piet},
	editor = {Adams, Ryan P. and Gogate, Vibhav},
	month = jul,
	year = {2019},
	pages = {452--461},
	keywords = {bandits, to read},
	file = {Full Text PDF:/home/u/Zotero/storage/ABCD1234/Smith et al. - 2019.pdf:application/pdf},
}

@article{doe_study_2017,
	title = {A {Study} of {Things} \& {Stuff}},
	volume = {12},
	issn = {0000-0000},
	doi = {10.1000/things.2017.3},
	number = {3},
	journal = {Journal of Things},
	author = {Doe, Jane and {The Things Consortium}},
	year = {2017},
	pages = {1--20},
}

@book{knuth_art_1997,
	address = {Reading, Mass.},
	edition = {3},
	title = {The {Art} of {Computer} {Programming}, {Vol}. 1},
	isbn = {978-0-201-89683-1},
	publisher = {Addison-Wesley},
	author = {Knuth, Donald E.},
	year = {1997},
}

@misc{vaswani_attention_2017,
	title = {Attention {Is} {All} {You} {Need}},
	url = {http://arxiv.org/abs/1706.03762},
	doi = {10.48550/arXiv.1706.03762},
	publisher = {arXiv},
	author = {Vaswani, Ashish and Shazeer, Noam},
	month = dec,
	year = {2017},
	note = {arXiv:1706.03762 [cs]},
	keywords = {Computer Science - Computation and Language},
}
"""

JABREF = r"""% Encoding: UTF-8

@InProceedings{Lee2020,
  author    = {Lee, Kim and Park, Soo-Jin},
  booktitle = {Proceedings of the 14th ACM Conference on Recommender Systems},
  title     = {Sequential Recommendation with {T}ransformers},
  year      = {2020},
  address   = {New York, NY, USA},
  pages     = {328--337},
  publisher = {Association for Computing Machinery},
  series    = {RecSys '20},
  doi       = {10.1145/3383313.3412258},
  groups    = {recsys},
  isbn      = {9781450375832},
  location  = {Virtual Event, Brazil},
  numpages  = {10},
}

@Article{Garcia2018,
  author       = {Garc{\'\i}a, Mar{\'\i}a and O'Neil, Sean and others},
  journaltitle = {Physical Review D},
  title        = {Dark matter in the {Milky Way}},
  date         = {2018-03},
  number       = {6},
  volume       = {97},
  eid          = {063001},
  eprint       = {1711.00001},
  eprinttype   = {arXiv},
}

@TechReport{Brown2015,
  author      = {Brown, Bob},
  institution = {University of Somewhere},
  title       = {A Technical Report},
  year        = {2015},
  number      = {TR-2015-07},
  type        = {Technical Report},
}

@Comment{jabref-meta: databaseType:biblatex;}
"""

MENDELEY = r"""Automatically generated by Mendeley Desktop 1.19.8
Any changes to this file will be lost if it is regenerated by Mendeley.

BibTeX export options can be customized via Options -> BibTeX in Mendeley Desktop

@phdthesis{Wang2016,
author = {Wang, Li},
file = {:C$\backslash$:/Users/li/Mendeley/Wang - 2016 - Thesis.pdf:pdf},
mendeley-groups = {Thesis},
school = {Tsinghua University},
title = {{Learning to Rank for Information Retrieval}},
year = {2016}
}
@incollection{Chen2014,
abstract = {A chapter on graphs.},
author = {Chen, Wei and Zhao, Min},
booktitle = {Handbook of Graph Theory},
chapter = {7},
doi = {10.1007/978-1-4614-1234-5_7},
editor = {Gross, Jonathan L. and Yellen, Jay},
isbn = {978-1-4614-1234-5},
pages = {101--130},
publisher = {Springer},
title = {{Spectral Methods}},
year = {2014}
}
@article{Kim2021a,
archivePrefix = {arXiv},
arxivId = {2103.00020},
author = {Kim, Jae and Lopez, Ana},
eprint = {2103.00020},
journal = {Nature Machine Intelligence},
month = {mar},
number = {3},
pages = {200--210},
title = {{Protein folding at scale}},
volume = {3},
year = {2021}
}
"""


def _import_export(hub: Callable[..., Any], tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    imported = hub("library", "import", str(path))
    assert imported.exit_code == 0, imported.stderr
    exported = hub("library", "export", "--format", "bibtex")
    assert exported.exit_code == 0, exported.stderr
    return str(exported.stdout)


def _seen(entry: Entry) -> tuple[str, dict[str, str], dict[str, list[str]]]:
    """What pybtex sees of an entry: its type, its fields (names without case), its persons."""
    return (entry.type.lower(), {name.lower(): value for name, value in entry.fields.items()},
            {role.lower(): [str(p) for p in people] for role, people in entry.persons.items()})


FIXTURES = Path(__file__).parent / "fixtures" / "library"


@pytest.mark.parametrize(("name", "text"), [
    ("zotero.bib", ZOTERO), ("jabref.bib", JABREF), ("mendeley.bib", MENDELEY),
    *((f"fixture-{name}", (FIXTURES / name).read_text(encoding="utf-8"))
      for name in ("zotero.bib", "zotero-bbt.bib", "jabref.bib", "mendeley.bib")),
])
def test_library_round_trip_loses_nothing_pybtex_sees(hub: Callable[..., Any], hub_home: Path, tmp_path: Path,
                                                      name: str, text: str) -> None:
    before = strict(text)
    after = strict(_import_export(hub, tmp_path, name, text))
    assert set(after.entries) == set(before.entries)  # each entry keeps its own key
    for key, entry in before.entries.items():
        kind, fields, persons = _seen(entry)
        kind_after, fields_after, persons_after = _seen(after.entries[key])
        assert kind_after == kind, key
        assert persons_after == persons, key
        for field, value in fields.items():
            assert fields_after.get(field) == value, (key, field)
        # only identifiers hub knows may be added (the arXiv id an entry named elsewhere)
        assert set(fields_after) - set(fields) <= {"eprint", "archiveprefix", "primaryclass", "doi", "url"}, key
    _real_tools(_import_export(hub, tmp_path, name, text), tmp_path, len(before.entries))


def test_round_trip_again_changes_nothing_and_json_backup_keeps_the_entry(hub: Callable[..., Any], hub_home: Path,
                                                                           tmp_path: Path) -> None:
    first = _import_export(hub, tmp_path, "zotero.bib", ZOTERO)
    second = _import_export(hub, tmp_path, "again.bib", first)
    assert second == first
    backup = tmp_path / "library.json"
    assert hub("library", "export", "-o", str(backup)).exit_code == 0
    records = json.loads(backup.read_text(encoding="utf-8"))
    uai = next(r for r in records if r["title"] == "Contextual Bandits with Side Information")
    assert uai["bib"]["type"] == "inproceedings"
    assert uai["bib"]["fields"]["booktitle"] == "Proceedings of {UAI}"
    # a restore into a fresh home brings the entry's own type and fields back
    fresh = {"HUB_HOME": str(tmp_path / "other-home")}
    assert run_hub("library", "import", "--replace", str(backup), env=fresh).exit_code == 0
    restored = run_hub("library", "export", "--format", "bibtex", env=fresh)
    assert restored.exit_code == 0, restored.stderr
    again, before = strict(restored.stdout), strict(first)
    assert set(again.entries) == set(before.entries)
    assert all(_seen(again.entries[key]) == _seen(entry) for key, entry in before.entries.items())


def test_the_zotero_inproceedings_of_the_issue(hub: Callable[..., Any], hub_home: Path, tmp_path: Path) -> None:
    out = _import_export(hub, tmp_path, "zotero.bib", ZOTERO)
    assert "@inproceedings{smith_contextual_2019," in out
    assert "  booktitle = {Proceedings of {UAI}}," in out
    assert "  pages = {452--461}," in out
    assert "note = {Proceedings of UAI}" not in out
    assert "  month = jul," in out


def test_csl_entry_keeps_its_type_and_fields(hub: Callable[..., Any], hub_home: Path, tmp_path: Path) -> None:
    items = [{"id": "http://zotero.org/users/1/items/ABC", "type": "paper-conference",
              "title": "Contextual Bandits & Side Information", "container-title": "Proceedings of UAI",
              "page": "452-461", "volume": "115", "publisher": "PMLR", "publisher-place": "Tel Aviv",
              "author": [{"family": "Smith", "given": "John"}], "editor": [{"family": "Adams", "given": "Ryan P."}],
              "issued": {"date-parts": [[2019]]}},
             {"id": "b", "type": "article-journal", "title": "Only a month", "container-title": "J. Things",
              "volume": 3, "issue": "2", "author": [{"literal": "The Things Consortium"}],
              "issued": {"date-parts": [[2020, 5]]}}]
    path = tmp_path / "zotero.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    assert hub("library", "import", str(path)).exit_code == 0
    db = strict(hub("library", "export", "--format", "bibtex").stdout)
    uai = next(e for e in db.entries.values() if e.type == "inproceedings")
    assert uai.fields["booktitle"] == "Proceedings of UAI"
    assert uai.fields["pages"] == "452-461" and uai.fields["volume"] == "115"
    assert uai.fields["publisher"] == "PMLR" and uai.fields["address"] == "Tel Aviv"
    assert uai.fields["title"] == r"{Contextual Bandits \& Side Information}"
    assert "note" not in uai.fields and "journal" not in uai.fields
    assert uai.fields["year"] == "2019" and "month" not in uai.fields
    assert [str(p) for p in uai.persons["editor"]] == ["Adams, Ryan P."]
    journal = next(e for e in db.entries.values() if e.type == "article")
    assert journal.fields["journal"] == "J. Things" and journal.fields["number"] == "2"
    assert (journal.fields["year"], journal.fields["month"]) == ("2020", "5")
    assert journal.fields["volume"] == "3"


# --- a date as precise as it is known ------------------------------------------------------------

YEAR_ONLY = r"""
@article{doe2017, title = {Known to the Year}, author = {Doe, Jane}, journal = {J}, year = {2017}}
@article{roe2019, title = {Known to the Month}, author = {Roe, Rich}, journal = {J}, year = {2019}, month = mar}
@article{poe2020, title = {Known to the Day}, author = {Poe, Ed}, journal = {J}, date = {2020-02-29}}
"""


def test_a_date_known_to_the_year_or_month_stays_that_precise(hub: Callable[..., Any], hub_home: Path,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "dates.bib"
    path.write_text(YEAR_ONLY, encoding="utf-8")
    assert hub("library", "import", str(path)).exit_code == 0
    listed = json.loads(hub("library", "--format", "json").stdout)
    assert {p["title"]: p["published"] for p in listed} == {
        "Known to the Year": "2017", "Known to the Month": "2019-03", "Known to the Day": "2020-02-29"}
    plain = hub("library", "--format", "plain").stdout
    assert "2017-01-01" not in plain and "2019-03-01" not in plain
    assert "· 2017 ·" in plain and "· 2019-03 ·" in plain and "· 2020-02-29 ·" in plain
    # hub's own fields written for a paper without an imported entry: no invented month
    papers = [Paper.from_dict(p) for p in listed]
    for paper in papers:
        paper.library.bib = None
    db = strict(to_bibtex(papers))
    months = {e.fields["title"]: e.fields.get("month") for e in db.entries.values()}
    assert months == {"{Known to the Year}": None, "{Known to the Month}": "3", "{Known to the Day}": "2"}
    # --since and --until on dates of each precision, and sorting by date
    since = json.loads(hub("library", "--since", "2019-01-01", "--format", "json").stdout)
    assert sorted(p["title"] for p in since) == ["Known to the Day", "Known to the Month"]
    until = json.loads(hub("library", "--until", "2018-12-31", "--format", "json").stdout)
    assert [p["title"] for p in until] == ["Known to the Year"]


@pytest.mark.parametrize(("stored", "incoming", "kept"), [
    ("2017", "2017-05-03", "2017-05-03"),  # a library entry's year, then the feed's day
    ("2017-05-03", "2017", "2017-05-03"),
    ("2017-05", "2017-05-03", "2017-05-03"),
    ("2017-05", "2017-04-30", "2017-04-30"),  # earlier still: the earliest
    ("2018", "2017-12-31", "2017-12-31"),
    ("2024-11-20", "2024-10-01", "2024-10-01"),
])
def test_a_merge_keeps_the_precise_date_of_the_same_day(stored: str, incoming: str, kept: str) -> None:
    from hubcli.store.write import earliest_date

    assert earliest_date(stored, incoming) == kept


def test_a_brief_reference_gives_the_first_version_of_a_replaced_paper() -> None:
    from hubcli.brief.cite import reference

    replaced = reference(1, _arxiv("1401.3665", "2024-11-28"), et_al="et al.")
    assert replaced.endswith(" 2014-01.") and "2024-11-28" not in replaced
    new = reference(2, _arxiv("2411.17719", "2024-11-28"), et_al="et al.")
    assert new.endswith(" 2024-11-28.")
    year_only = reference(3, Paper(key="lib:x", title="Known to the Year", published="2017"), et_al="et al.")
    assert year_only.endswith(" 2017.") and "2017-01-01" not in year_only


def test_a_card_says_when_its_date_is_a_newer_versions_announcement() -> None:
    from hubcli.models import Paper
    from hubcli.render.card import card
    from hubcli.render.formats import plain_block

    replaced = Paper(key="arxiv:1401.3665", title="The existence of designs", arxiv_id="1401.3665", version=4,
                     published="2024-11-28", announce_type="replace", authors=["Peter Keevash"])
    assert card(replaced, 1, lang="en").date == "2024-11-28 (first version 2014-01)"
    assert card(replaced, 1, lang="zh").date == "2024-11-28（首个版本 2014-01）"
    assert "· 2024-11-28 (first version 2014-01) ·" in plain_block(1, replaced, lang="en")
    new = Paper(key="arxiv:2411.17719", title="New", arxiv_id="2411.17719", published="2024-11-28")
    assert card(new, 1, lang="en").date == "2024-11-28"
