"""Cleaning feed text: HTML out, entities decoded, whitespace collapsed, no control
characters, LaTeX untouched — and ``clean_text`` is idempotent."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hubcli.text import clean_text, html_to_text, strip_controls, truncate

# what stored text must never hold: C0 (all of it: clean_text gives one line), DEL, C1,
# and the bidi marks, embeddings, overrides and isolates
FORBIDDEN_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# strip_controls keeps TAB and LF (multi-line text)
FORBIDDEN_MULTILINE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        # HTML removed
        ("Catalysis of an S<sub>N</sub>2 pathway", "Catalysis of an SN2 pathway"),
        ("<p>First.</p><p>Second.</p>", "First. Second."),
        ("line<br/>break", "line break"),
        ('<a href="http://x">Christopher Dilks</a> (STAR)', "Christopher Dilks (STAR)"),
        ("<b>bold</b> and <I>it</I>", "bold and it"),
        ("<script>alert(1)</script>safe<style>p{}</style>", "safe"),
        ("x <!-- comment --> y", "x y"),
        ("<jats:p>JATS abstract</jats:p>", "JATS abstract"),
        # entities decoded
        ("AI &amp; robotics", "AI & robotics"),
        ("Psilocybin desynchronizes the&#xa0;human brain", "Psilocybin desynchronizes the human brain"),
        ("&lt;10 Hz &#x3B1; &#946;", "<10 Hz α β"),
        ("caf&eacute;", "café"),
        # double-escaped (old arXiv RDF)
        ("<p>$2.6&lt;\\eta&lt;4$</p>", "$2.6<\\eta<4$"),
        ("&amp;lt;p&amp;gt;text", "text"),
        # whitespace collapsed
        ("  A Luttinger Liquid\n  Core  \t Inside ", "A Luttinger Liquid Core Inside"),
        ("a\u00a0b\u2028c", "a b c"),
        # LaTeX left as written
        ("A Note on How to Remove the $\\ln\\ln T$ Term", "A Note on How to Remove the $\\ln\\ln T$ Term"),
        ("Optimization \\& Control", "Optimization \\& Control"),
        ("\\textbf{adaptability}", "\\textbf{adaptability}"),
        ("$T<T_{RW}$, we find. At $T>T_{RW}$ we show", "$T<T_{RW}$, we find. At $T>T_{RW}$ we show"),
        ("for $p<1$ and $q>2$", "for $p<1$ and $q>2$"),
        ("$0<x<0.125$ and <p>html</p>", "$0<x<0.125$ and html"),
        ("$\\langle \\kappa_\\alpha: \\alpha < \\omega_2 \\rangle$",
         "$\\langle \\kappa_\\alpha: \\alpha < \\omega_2 \\rangle$"),
        ("Design & Optimization", "Design & Optimization"),
        ("AT&T; R&D", "AT&T; R&D"),
        ("<unknown>:19:84: no element found", ":19:84: no element found"),  # a tag, whatever its name
        # falsy-looking but real
        ("0", "0"),
        ("", ""),
        (None, ""),
        # control characters and terminal escapes out
        ("Evil\x1b[31mred\x1b[0m", "Evil[31mred[0m"),
        ("bell\x07 nul\x00 del\x7f c1\x9b", "bell nul del c1"),
        ("left\u202eright\u2066iso\u2069 \u200fmark", "leftrightiso mark"),
        ("&#x202e;esrever &#27;[2J &#1;x", "esrever [2J x"),
    ],
)
def test_clean_text(raw: str | None, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        # any tag goes, whatever its name (issue 9, item 3: these were printed verbatim)
        ('<p>Watch <iframe src="https://www.youtube.com/embed/x" allowfullscreen></iframe>the talk</p>',
         "Watch the talk"),
        ('Flash <embed src="movie.swf" type="application/x-shockwave-flash"> and <object data="x.pdf">PDF</object>',
         "Flash and PDF"),
        ('<svg width="10" height="10" viewBox="0 0 10 10"><path d="M0 0h10v10z"/></svg>Figure 1',
         "Figure 1"),
        ("<video controls><source src=v.mp4 type=video/mp4>Your browser cannot play it</video>",
         "Your browser cannot play it"),
        ('Published <time datetime="2024-07-18T00:00:00Z">18 July 2024</time>', "Published 18 July 2024"),
        ('<form action="/search"><input name="q" value="x"><button>Go</button></form>Abstract', "Go Abstract"),
        ('<!DOCTYPE html><html lang="en"><head><title>Paper</title><style>p { color: red }</style></head>'
         "<body>Body<script>if (a < b && c > d) { alert(1) }</script></body></html>", "Paper Body"),
        ('<?xml version="1.0"?><my-widget data-id="7">custom</my-widget> <foo>bar</foo>', "custom bar"),
        ("a <![CDATA[x < y]]> b", "a x < y b"),
        ("<SCRIPT type='text/javascript'>document.write('<b>x</b>')</SCRIPT>text", "text"),
        # LaTeX stays as written, "<" that opens no tag is text (arXiv abstracts, Kaggle snapshot)
        ("where $\\frac{1}{3}<s<1$ and $V(x):\\mathbb{R}^4\\rightarrow \\mathbb{R}$",
         "where $\\frac{1}{3}<s<1$ and $V(x):\\mathbb{R}^4\\rightarrow \\mathbb{R}$"),
        ("Secondly, when $2<q<2+\\frac{4}{N}<p=2^*$ and $\\beta=1$",
         "Secondly, when $2<q<2+\\frac{4}{N}<p=2^*$ and $\\beta=1$"),
        ("for $x<y$ and a < b", "for $x<y$ and a < b"),
        ("the order $a<b>c$ of $$i<j \\text{ and } j>k$$ and \\(u<v w>z\\)",
         "the order $a<b>c$ of $$i<j \\text{ and } j>k$$ and \\(u<v w>z\\)"),
        ("costs $5 and <b>more</b> than $10", "costs $5 and more than $10"),  # prose between prices, not math
        ("Ana Silva <ana@example.org>", "Ana Silva <ana@example.org>"),
    ],
)
def test_clean_text_removes_every_tag_and_keeps_latex(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_html_to_text_leaves_plain_text_alone() -> None:
    for plain in ["no markup", "$a<b$ and $c>d$", "x < y > z", "Fe1-xS, 0<x<0.125"]:
        assert html_to_text(plain) == plain


def test_strip_controls_keeps_newlines_and_tabs() -> None:
    assert strip_controls("a\tb\nc\r\x1b[1m\u202ed\x85") == "a\tb\nc[1md"


def test_truncate() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("a long title here", 8) == "a long…"
    assert len(truncate("x" * 100, 10)) == 10
    assert truncate("abc", 0) == "…"


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------

# pieces that make HTML, entities, controls and LaTeX collide
_PIECES = st.sampled_from([
    "<", ">", "&", ";", "#", "x", "/", "p", "b", "a", "<p>", "</p>", "<br/>", "<sub>", "</sub>", "<a href='x'>",
    "</a>", "<script>", "</script>", "<!--", "-->", "&lt;", "&gt;", "&amp;", "&amp;lt;", "&#x202e;", "&#27;",
    "&#1;", "&#xa0;", "&nbsp;", "&#", "&#x", "\x1b", "\x00", "\x07", "\x7f", "\x85", "\x9b", "\u202e", "\u2066",
    "\u200f", "\u061c", "\u00a0", "\u2028", " ", "  ", "\n", "\t", "\r", "$", "\\", "{", "}", "_", "T", "é", "0",
])
HOSTILE = st.one_of(st.text(), st.lists(_PIECES, max_size=40).map("".join),
                    st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=30).map("".join))


@settings(max_examples=600, deadline=None)
@given(HOSTILE)
@example("&amp;lt;p&amp;gt;")
@example("&l\x00t;p&g\x01t;x")
@example("<\x01p>x")
@example("&#x202e;&#27;&#1;")
def test_clean_text_never_outputs_control_characters(raw: str) -> None:
    out = clean_text(raw)
    assert not FORBIDDEN_RE.search(out)
    assert out == out.strip()
    assert "  " not in out


@settings(max_examples=600, deadline=None)
@given(HOSTILE)
@example("&amp;lt;p&amp;gt;x")
@example("&amp;amp;amp;lt;")
@example("&l\x00t;b&gt;x")
@example("<script>a")
@example("x <a")
def test_clean_text_is_idempotent(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_clean_text_keeps_plain_text(raw: str) -> None:
    """Text without markup is only stripped of controls and re-spaced: every word survives."""
    if "<" in raw or "&" in raw:
        return
    expected = " ".join(re.sub(r"\s+", " ", strip_controls(raw).replace("\u00a0", " ")).split(" ")).strip()
    assert clean_text(raw) == re.sub(" +", " ", expected)


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_strip_controls_output_and_idempotence(raw: str) -> None:
    out = strip_controls(raw)
    assert not FORBIDDEN_MULTILINE_RE.search(out)
    assert strip_controls(out) == out


@pytest.mark.parametrize("raw,clean", [
    ('<div notRealAttribute="value "onmouseover="alert(1)">Title</div>', "Title"),  # feedparser's test corpus
    ("<a href='u'title='t'>link</a> text", "link text"),
    ('a<"b"c>d', 'a<"b"c>d'),  # no tag name: text
])
def test_a_tag_whose_attributes_lack_a_space_is_still_markup(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
