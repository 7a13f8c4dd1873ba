"""One paper card (``hubcli.render.card``): one rule per concept for the terminal, the page
and the digest; one safe-URL rule; one Markdown escaper that keeps mathematics; the
language passed, never the process-wide one."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from rich.console import Console

import hubcli.i18n
from hubcli.models import LibraryState, Paper
from hubcli.render.card import ABSTRACT_LIMIT, AUTHORS_LIMIT, card, safe_url
from hubcli.render.formats import to_markdown
from hubcli.render.markdown import md_inline, to_html
from hubcli.render.panels import paper_card


def _paper(**changes: object) -> Paper:
    paper = Paper(key="arxiv:2604.00001", arxiv_id="2604.00001", version=1, title="On $\\alpha_1$ *bounds*",
                  authors=[f"Author {i}" for i in range(20)], abstract=" ".join(["word"] * 400),
                  published="2026-04-27", url="https://arxiv.org/abs/2604.00001", pdf_url="javascript:alert(1)",
                  categories=["cs.LG"], sources=["arXiv (CS.LG)"], primary_category="cs.LG")
    return replace(paper, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(("url", "safe"), [
    ("https://arxiv.org/abs/1", "https://arxiv.org/abs/1"),
    ("HTTP://example.org/a b", "HTTP://example.org/ab"),
    ('https://example.org/"onmouseover', "https://example.org/%22onmouseover"),
    ("javascript:alert(1)", None),
    ("data:text/html,<script>", None),
    (" jav\nascript:alert(1)", None),
    ("/relative", None),
    (None, None),
])
def test_one_safe_url_rule(url: str | None, safe: str | None) -> None:
    assert safe_url(url) == safe


def test_markdown_escaper_keeps_mathematics() -> None:
    assert md_inline("On $\\alpha_1$ *bounds* [x]") == "On $\\alpha_1$ \\*bounds\\* \\[x\\]"
    # a Markdown listing shows the title readably (render/latex.py), still escaped
    assert "On α₁ \\*bounds\\*" in to_markdown([_paper()], lang="en")
    assert "$\\alpha_1$" not in to_markdown([_paper()], lang="en")


def test_markdown_to_html_drops_unsafe_links_and_raw_html() -> None:
    html = to_html("[a](javascript:alert(1)) [b](https://x.org) <script>x</script>")
    assert 'href="https://x.org"' in html and 'href="javascript:' not in html and "<script>" not in html


def test_one_card_rule_for_authors_abstract_and_links() -> None:
    shown = card(_paper(), 3, lang="en")
    assert len(shown.authors) == AUTHORS_LIMIT and shown.more_authors == 20 - AUTHORS_LIMIT
    assert shown.more_text == f"and {20 - AUTHORS_LIMIT} more"
    assert len(shown.abstract) <= ABSTRACT_LIMIT + 2 and shown.abstract.endswith(" …")
    assert shown.url == "https://arxiv.org/abs/2604.00001" and shown.pdf_url is None
    assert [link.kind for link in shown.links] == ["page"]
    assert shown.meta == "arXiv (CS.LG) · 2026-04-27 · arxiv:2604.00001v1"
    full = card(_paper(), 1, lang="en", full=True)
    assert len(full.authors) == 20 and full.more_text == "" and not full.abstract.endswith("…")


def test_panels_draw_the_card_in_the_language_passed() -> None:
    out = io.StringIO()
    paper = _paper(library=LibraryState(saved_at="2026-04-28T00:00:00Z"))
    Console(file=out, width=100, force_terminal=False).print(paper_card(1, paper, lang="zh"))
    text = out.getvalue()
    assert f"等 {20 - AUTHORS_LIMIT} 人" in text
    assert not hasattr(hubcli.i18n, "current_language")  # there is no process-wide language


def test_the_digest_renders_in_its_language_without_touching_the_global_one() -> None:
    from hubcli.digest import render
    from hubcli.digest.compose import Card, Digest

    digest = Digest(id="d1", created="2026-04-28T00:00:00Z", lang="zh", since="", up_to="",
                    cards=[Card(_paper(), [("author", "Author 1")])], total=1)
    text = render.to_markdown(digest)
    assert f"等 {20 - AUTHORS_LIMIT} 人" in text and "On α₁ \\*bounds\\*" in text
    assert not hasattr(hubcli.i18n, "current_language")  # there is no process-wide language


def test_render_web_and_digest_never_use_the_process_wide_language() -> None:
    """They take the language passed (``translate(key, lang)``), so no lock and no
    save-and-restore is ever needed."""
    import ast
    from pathlib import Path

    import hubcli

    root = Path(hubcli.__file__).parent
    offenders = []
    for folder in ("render", "web", "digest"):
        for path in sorted((root / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module == "hubcli.i18n":
                    used = {alias.name for alias in node.names} & {"t", "set_language", "current_language"}
                    offenders += [f"{path.relative_to(root)}: {name}" for name in sorted(used)]
    assert offenders == []
