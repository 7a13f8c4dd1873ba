"""Inline math typeset where a reader reads it: on the page by the KaTeX shipped in hub
(served from loopback, under the page's CSP), in the HTML digest as MathML written on the
server (mail clients run no scripts), and as readable text wherever it cannot be."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from conftest import FeedServer, Result
from feedgen import Item, arxiv_rss
from hubcli.render.latex import Piece, pieces, readable
from hubcli.render.mathml import html_runs, mathml, needs_layout
from serve_live import HOSTILE_TITLE, Live
from test_serve_browser import CHROMEDRIVER, CHROMIUM, make_driver

Hub = Callable[..., Result]
STATIC = Path(__file__).resolve().parents[1] / "src" / "hubcli" / "web" / "static"
DOCS = Path(__file__).resolve().parents[1] / "docs"
MATH_TITLE = r"Sharp bounds for $\alpha$-stable NH$_3$ masers and \(x^2\) on Poincar\'e maps"
ITEMS = [Item("2604.20001", MATH_TITLE, ["Ada Lovelace"], categories=["math.PR"],
              abstract=r"We show $\sum_{i=1}^n x_i \le \sqrt{n}$ for costs $5 and $10. " + "Long words. " * 80
              + r"Late $\beta$ math."),
         Item("2604.20003", r"Flows of $\vec{v}$ fields", ["Emmy Noether"], categories=["math.PR"]),
         Item("2604.20002", HOSTILE_TITLE, ["Mallory"], categories=["math.PR"], abstract=r"$\href{javascript:x}{y}$.")]


# --- the runs a page and a digest draw -----------------------------------------------------

def test_pieces_split_math_from_text_by_the_readable_rule() -> None:
    runs = pieces(MATH_TITLE)
    assert [p.tex for p in runs if p.tex] == [r"\alpha", "_3", "x^2"]
    assert "".join(p.text for p in runs) == readable(MATH_TITLE) == \
        "Sharp bounds for α-stable NH₃ masers and x² on Poincaré maps"
    # a formula inside a command's braces: the text around it converted as a whole
    assert pieces(r"\emph{$k$-means} and Young--Fibonacci") == (
        Piece("k", "k"), Piece("-means and Young–Fibonacci"))
    assert pieces(r"Let $\Bbbk$ be") == (Piece("Let "), Piece("", r"\Bbbk"), Piece(" be"))  # typeset, no text
    assert pieces("costs $5 and $10") == (Piece("costs $5 and $10"),)  # money is not math
    assert pieces("see https://example.org/$a$b") == (Piece("see https://example.org/$a$b"),)  # nor a link
    assert pieces("") == () and pieces("plain") == (Piece("plain"),)
    assert all(p.tex is None for p in pieces("$" + "x+" * 200 + "x$"))  # too long to typeset: text


def test_a_cut_abstract_keeps_a_formula_whole_or_leaves_it_out() -> None:
    text = "word " * 50 + r"$\alpha$ and more words after it"
    assert pieces(text, limit=251)[-2:] == (Piece("α", r"\alpha"), Piece(" …"))
    cut = pieces(text, limit=120)
    assert all(p.tex is None for p in cut) and cut[-1].text.endswith("word …") and len(cut[-1].text) <= 122


# --- MathML for the digest -------------------------------------------------------------------

def test_mathml_only_where_text_cannot_say_it() -> None:
    assert not needs_layout(Piece("₃", "_3")) and not needs_layout(Piece("α", r"\alpha"))
    assert needs_layout(Piece("a/b", r"\frac{a}{b}")) and needs_layout(Piece("x_eff", r"x_{\mathrm{eff}}"))
    assert needs_layout(Piece("R", r"\mathbb{R}")) and not needs_layout(Piece("barn", r"\barn"))
    assert needs_layout(Piece("", r"\Bbbk")) and not needs_layout(Piece("text"))


def test_mathml_is_written_again_from_a_closed_list() -> None:
    alpha = mathml(r"\alpha")
    assert alpha == '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><mrow><mi>α</mi></mrow></math>'
    assert 'mathvariant="normal"' in (mathml(r"\mathrm{eff}") or "")
    # nothing of the input becomes an attribute; raw markup gives the readable text instead
    for hostile in (r"\href{javascript:alert(1)}{x}", r"\style{color:red}{x}", r"\class{evil}{x}",
                    r"\color{red}{x}", r"\rule{1000em}{1000em}"):
        written = mathml(hostile) or ""
        assert not re.search(r'(href|style|class|mathcolor|mathbackground)="|javascript|1000em', written), written
    assert mathml(r"\text{<b>bold</b>}") is None and mathml(r"\text{<script>}") is None
    assert mathml(r"\unknowncommand x") is None and mathml("{" * 300 + "x" + "}" * 300) is None
    assert html_runs(pieces(r"a < b & $\text{<b>x</b>}$")) == "a &lt; b &amp; &lt;b&gt;x&lt;/b&gt;"


def test_the_html_digest_typesets_math_without_scripts(hub: Hub, arxiv_mirror: FeedServer, tmp_path: Path) -> None:
    for cat in ("cs.AI", "cs.CL", "cs.IR", "cs.LG"):
        arxiv_mirror.serve(f"/rss/{cat}", arxiv_rss(cat, ITEMS if cat == "cs.IR" else []))
    html_file, text_file = tmp_path / "d.html", tmp_path / "d.txt"
    result = hub("digest", "--to", str(html_file), "--to", str(text_file))
    assert result.exit_code == 0, result.stderr
    page = html_file.read_text(encoding="utf-8")
    # a formula whose readable text is exact stays text (several mail clients show no MathML)
    assert "Sharp bounds for α-stable NH₃ masers and x² on Poincaré maps" in page
    # one laid out in two dimensions is MathML
    assert "We show <math" in page and "<mo>∑</mo>" in page and "<msqrt>" in page
    assert "costs $5 and $10" in page  # money stays money
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered and 'href="javascript' not in lowered
    assert "Hostile <math" in page and "<mo>&lt;</mo>" in page  # a < in a formula is an operator, escaped
    assert "α-stable NH₃ masers and x² on Poincaré maps" in text_file.read_text(encoding="utf-8")


# --- the page --------------------------------------------------------------------------------

@pytest.fixture
def live(tmp_path: Path, hub: Hub) -> Iterator[Live]:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(arxiv_rss("math.PR", ITEMS))
    assert hub("import", str(feed)).exit_code == 0
    server = Live()
    yield server
    server.stop()


def test_the_page_marks_math_for_the_script_and_shows_readable_text(live: Live) -> None:
    page = requests.get(live.url + "/?category=math.PR", timeout=10)
    assert page.status_code == 200
    assert '<span class="math" data-tex="\\alpha">α</span>-stable' in page.text
    assert 'data-tex="_3">₃</span>' in page.text
    assert 'Hostile <span class="math" data-tex="&lt;script&gt;window.__pwned=1">&lt;script&gt;' in page.text
    assert 'data-tex="&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;"' in page.text
    assert "<script>window" not in page.text and "<img" not in page.text
    # the listing cuts the abstract: the formula after the cut is left out
    assert "Late " not in page.text and "data-tex=\"\\beta\"" not in page.text


def test_katex_is_served_from_loopback_with_its_types_and_the_csp(live: Live) -> None:
    page = requests.get(live.url + "/", timeout=10)
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "font-src 'self';" in csp and "style-src 'self';" in csp
    assert "http" not in csp and "unsafe" not in csp and "*" not in csp
    expected = {"/static/katex/katex.min.js": "text/javascript", "/static/katex/katex.min.css": "text/css",
                "/static/katex/fonts/KaTeX_Main-Regular.woff2": "font/woff2", "/static/hub.js": "text/javascript"}
    for path, kind in expected.items():
        got = requests.get(live.url + path, timeout=10)
        assert got.status_code == 200 and got.headers["content-type"].startswith(kind), (path, got.headers)
    assert requests.get(live.url + "/static/katex/../../app.py", timeout=10).status_code == 404


def test_every_font_katex_asks_for_first_is_shipped_with_its_license() -> None:
    css = (STATIC / "katex" / "katex.min.css").read_text(encoding="utf-8")
    fonts = re.findall(r"url\((fonts/[^)]+\.woff2)\)", css)
    assert len(fonts) == 20 and all((STATIC / "katex" / font).is_file() for font in fonts)
    assert "MIT License" in (STATIC / "katex" / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
                    reason="chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
def test_math_is_typeset_in_a_real_browser_and_markup_stays_text(live: Live) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = make_driver("en-US")
    try:
        driver.get(live.url + "/?category=math.PR")
        WebDriverWait(driver, 20).until(
            lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("data-math") == "typeset")
        title = next(t for t in driver.find_elements(By.CSS_SELECTOR, ".card .title") if "Sharp" in t.text)
        formulas = title.find_elements(By.CSS_SELECTOR, "span.math .katex")
        assert len(formulas) == 3
        assert "α" in formulas[0].find_element(By.CSS_SELECTOR, ".katex-html").text
        assert driver.execute_script(  # KaTeX's own font, from loopback under the CSP
            "return Array.from(document.fonts).some(f => f.family.includes('KaTeX_Main') && f.status === 'loaded')")
        abstract = driver.find_element(By.CSS_SELECTOR, ".card .abstract .katex")
        assert abstract.find_elements(By.CSS_SELECTOR, ".sqrt")
        # markup in a title is text, in the formula and outside it; nothing ran
        hostile = next(t for t in driver.find_elements(By.CSS_SELECTOR, ".card .title") if "Hostile" in t.text)
        assert hostile.text == HOSTILE_TITLE.replace("$", "")  # formulas KaTeX cannot read keep their text
        assert not driver.find_elements(By.CSS_SELECTOR, "main script, main a[href^='javascript']")
        assert driver.execute_script("return window.__pwned === undefined")
        # KaTeX writes an SVG's width as a style attribute the CSP refuses; hub.js sets it through the DOM
        arrow = driver.execute_script(
            "var t = Array.from(document.querySelectorAll('.card .title')).find(e => e.textContent.includes('Flows'));"
            "var svg = t.querySelector('.katex svg'); return svg ? svg.getBoundingClientRect().width : -1")
        assert arrow > 3
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]
                  and "Applying inline style violates" not in e["message"]]
        assert not errors, errors  # no other CSP refusal, no missing file
    finally:
        driver.quit()


@pytest.mark.slow
@pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
                    reason="chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
def test_screenshot_of_latex_made_readable_in_the_panels(hub: Hub, tmp_path: Path) -> None:
    """docs/panels-latex.png: ``hub papers`` on a real terminal over LaTeX-heavy arXiv papers
    of the corpus, recorded by Rich as SVG and drawn by chromium (written only when
    HUB_SCREENSHOTS=1, so a test run leaves the tree as it was)."""
    import io
    import os

    from rich._export_format import CONSOLE_SVG_FORMAT
    from rich.console import Console
    from rich.text import Text

    from conftest import corpus_file, run_on_a_terminal

    assert hub("import", str(corpus_file("arxiv-rss2024-all-archives-2024-11-28.xml"))).exit_code == 0
    args = ["papers", "--search", "kagome OR Poschl OR Mader", "-n", "3"]
    code, shown = run_on_a_terminal(args, {"HUB_HOME": os.environ["HUB_HOME"]})
    assert code == 0 and "ZnCu₃(OH)₆Cl₂" in shown and "kagomé" in shown and "Mader's 𝒮-Path" in shown
    assert "$" not in shown and "\\'" not in shown and "\\mathcal" not in shown
    console = Console(record=True, width=100, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(Text.from_ansi(shown.replace("\r\n", "\n")))
    # the terminal's own monospace font: no web font fetched from a CDN
    offline = re.sub(r',\s*url\("https://[^"]+"\) format\("[^"]+"\)', "", CONSOLE_SVG_FORMAT)
    svg = tmp_path / "panels.svg"
    svg.write_text(console.export_svg(title="hub " + " ".join(args), code_format=offline), encoding="utf-8")
    assert "https://" not in svg.read_text(encoding="utf-8").split("<!-- Generated")[0]
    found = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg.read_text(encoding="utf-8"))
    assert found
    driver = make_driver("en-US", width=int(float(found.group(1))), height=int(float(found.group(2))))
    try:
        driver.get(svg.as_uri())
        target = DOCS / "panels-latex.png" if os.environ.get("HUB_SCREENSHOTS") else tmp_path / "panels.png"
        driver.save_screenshot(str(target))
        assert target.stat().st_size > 10_000
    finally:
        driver.quit()


# TL;DRs for the docs' screenshots of the page over math.CO (tests/test_serve_browser.py), as a
# stand-in model on loopback answers them: written from each paper's abstract, with its math
STAND_IN_TLDRS = {
    "Simple operators": ("A new proof of the Bender–Coley–Robbins–Rumsey count of subspaces with a given profile, "
                         "through the $q$-Whittaker coefficients of power sum symmetric functions.",
                         "借助幂和对称函数的 $q$-Whittaker 系数，"
                         "给出 Bender–Coley–Robbins–Rumsey 子空间计数定理的新证明。"),
    "Ramsey Number": ("Extends counterexample graphs one vertex at a time to show that $\\mathcal{R}(4,6,36)$ and "
                      "$\\mathcal{R}(5,5,43)$ are empty, in time linear in $s$ and $t$.",
                      "逐个顶点扩展反例图，证明 $\\mathcal{R}(4,6,36)$ 与 $\\mathcal{R}(5,5,43)$ 为空，"
                      "运行时间对 $s$ 与 $t$ 为线性。"),
    "Periodic colorings": ("A graph with a periodic coloring or orientation must be quasi-transitive; Cayley graphs "
                           "and graphs of treewidth 2 show that this is not enough.",
                           "具有周期染色或定向的图必是拟传递的；Cayley 图与树宽为 2 的图表明这并不充分。"),
}


def stand_in_tldrs(hub: Hub, home: Path) -> None:
    """Keep TL;DRs (English and Chinese) of the first three math.CO papers of the corpus, as
    ``hub papers --tldr`` asks a model for them: here a stand-in on loopback, stopped after."""
    from test_brief import LLMServer
    from test_tldr import answer_each, configure

    server = LLMServer()
    try:
        configure(home, server)
        for lang, index in (("en", 0), ("zh", 1)):
            server.default = answer_each(lambda title, i=index: next(  # type: ignore[misc]
                (texts[i] for start, texts in STAND_IN_TLDRS.items() if title.startswith(start)), ""))
            done = hub("papers", "--tldr", "--category", "math.CO", "-n", "3", "--lang", lang, "-f", "json")
            assert done.exit_code == 0, done.stderr
    finally:
        server.close()
