"""TL;DRs on the page (kept ones on every card, never a model call on a GET; a card's
same-site POST button asks) and on the digest's cards, against a real ``hub serve`` on a
loopback port and the loopback OpenAI-compatible server of tests/test_brief.py."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path

import pytest
import requests

from conftest import Result
from serve_live import Live, token
from test_brief import LLMServer, llm
from test_tldr import MATH, answer_each, cache, chat_bodies, configure, english, records

__all__ = ["cache", "llm"]  # fixtures shared with tests/test_tldr.py and tests/test_brief.py

Hub = Callable[..., Result]
FIRST = "arxiv:2604.10001"


@pytest.fixture
def live(cache: Path, llm: LLMServer, hub_home: Path) -> Iterator[Live]:
    configure(hub_home, llm)
    llm.default = answer_each(english)
    server = Live()
    yield server
    server.stop()


def card_of(html: str, key: str) -> str:
    found = re.search(rf'<article class="card[^"]*" data-key="{re.escape(key)}">.*?</article>', html, re.S)
    assert found, key
    return found.group(0)


def test_the_page_shows_kept_tldrs_and_asks_no_model(live: Live, llm: LLMServer, hub: Hub) -> None:
    assert hub("papers", "--tldr", "-f", "json").exit_code == 0  # the CLI asks once, hub keeps them
    asked = len(llm.bodies)
    html = requests.get(live.url + "/", timeout=10).text
    card = card_of(html, FIRST)
    assert '<p class="tldr"><span class="label">TL;DR</span> Summary of Graph neural networks' in card
    assert "tldr-button" not in card  # it has one already
    detail = requests.get(live.url + "/paper/" + FIRST, timeout=10).text
    assert "Summary of Graph neural networks for session-based recommendation." in detail
    assert len(llm.bodies) == asked  # a GET never asks a model


def test_a_cards_button_asks_for_its_tldr(live: Live, llm: LLMServer) -> None:
    session = requests.Session()
    page = session.get(live.url + "/?lang=zh", timeout=10).text
    card = card_of(page, FIRST)
    assert 'action="/tldr"' in card and '<p class="tldr">' not in card and llm.bodies == []
    form = {"token": token(page), "id": FIRST, "next": "/?lang=zh", "lang": "zh"}
    refused = session.post(live.url + "/tldr", data=form, headers={"Origin": "http://evil.example"}, timeout=10)
    assert refused.status_code == 403 and llm.bodies == []
    done = session.post(live.url + "/tldr", data=form, timeout=60)
    assert done.status_code == 200 and done.url.endswith("/?lang=zh")
    assert [len(records(body)) for body in chat_bodies(llm)] == [1]
    assert "Simplified Chinese" in llm.system_prompt()
    shown = unescape(card_of(done.text, FIRST))
    assert "TL;DR 速览</span> Summary of Graph neural networks for session-based recommendation." in shown


def test_math_in_a_tldr_is_typeset_like_the_abstracts(live: Live, hub: Hub) -> None:
    assert hub("papers", "--tldr", "-f", "json").exit_code == 0
    html = requests.get(live.url + "/", timeout=10).text
    card = card_of(html, "arxiv:2604.10007")
    tldr = re.search(r'<p class="tldr">.*?</p>', card, re.S)
    assert tldr and f'data-tex="{MATH.strip("$")}"' in unescape(tldr.group(0))


# --- the digest --------------------------------------------------------------------------------

def test_digest_cards_carry_tldrs_when_a_model_is_configured(hub: Hub, llm: LLMServer, cache: Path,
                                                             hub_home: Path, tmp_path: Path) -> None:
    configure(hub_home, llm)
    llm.default = answer_each(english)
    html_file = tmp_path / "digest.html"
    result = hub("digest", "--no-sync", "--to", "-", "--to", str(html_file))
    assert result.exit_code == 0, result.stderr
    assert f"**TL;DR:** {english('Graph neural networks for session-based recommendation')}" in result.stdout
    html = html_file.read_text(encoding="utf-8")
    assert '<p class="tldr"><strong>TL;DR:</strong> Summary of Graph neural networks' in html
    assert sum(len(records(body)) for body in chat_bodies(llm)) == 7


def test_digest_without_a_model_has_no_tldrs(hub: Hub, cache: Path) -> None:
    result = hub("digest", "--no-sync")
    assert result.exit_code == 0, result.stderr
    assert "TL;DR" not in result.stdout
