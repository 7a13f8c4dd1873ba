"""``hub serve`` in a real headless browser (Debian's chromium + chromedriver, Selenium):
chips, Shuffle, the language switch, the library, and a hostile title that never runs.

Skipped, with the reason, only when chromium or chromedriver is not installed
(CI installs both: .ci/run).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from serve_live import HOSTILE_TITLE, Live, papers_feed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
DOCS = Path(__file__).resolve().parents[1] / "docs"

pytestmark = [pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)",
), pytest.mark.slow]


def make_driver(lang: str = "en-US", width: int = 1280, height: int = 1600) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", f"--lang={lang}", "--no-first-run"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": lang})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture
def live(tmp_path: Path, hub: Callable[..., Any]) -> Iterator[Live]:
    assert hub("import", str(papers_feed(tmp_path))).exit_code == 0
    server = Live()
    yield server
    server.stop()


@pytest.fixture
def browser_en() -> Iterator[Any]:
    driver = make_driver("en-US")
    yield driver
    driver.quit()


def card_keys(driver: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [c.get_attribute("data-key") for c in driver.find_elements(By.CSS_SELECTOR, "article.card")]


def test_chips_shuffle_language_and_library_in_a_browser(live: Live, browser_en: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser_en
    driver.get(live.url + "/?author=Ada+Lovelace&category=cs.AI")
    assert "Explore the Frontier of Global Academia" in driver.find_element(By.TAG_NAME, "h1").text
    chips = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#chips .chip")]
    assert any("Authors: Ada Lovelace" in c for c in chips) and any("Categories: cs.AI" in c for c in chips)
    assert driver.find_element(By.CSS_SELECTOR, ".card .num").text == "01."

    # remove the author chip with its ×
    chip = next(c for c in driver.find_elements(By.CSS_SELECTOR, "#chips .chip") if "Ada Lovelace" in c.text)
    chip.find_element(By.CSS_SELECTOR, "a.x").click()
    chips = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#chips .chip")]
    assert not any("Ada Lovelace" in c for c in chips) and any("cs.AI" in c for c in chips)
    assert "author=" not in driver.current_url

    # an author's name adds an author chip
    driver.find_element(By.CSS_SELECTOR, ".card .authors a.author").click()
    assert any("Authors:" in c.text for c in driver.find_elements(By.CSS_SELECTOR, "#chips .chip"))
    driver.get(live.url + "/")

    # Shuffle twice: two batches, no paper twice (each batch is drawn by a GET, which never
    # writes, and recorded as shown by the page's script with a same-origin POST)
    def recorded(d: Any) -> bool:
        return bool(d.find_element(By.ID, "shuffle-shown").get_attribute("data-state") == "recorded")

    driver.find_element(By.ID, "shuffle").click()
    first = card_keys(driver)
    WebDriverWait(driver, 20).until(recorded)
    driver.find_element(By.ID, "shuffle").click()
    second = card_keys(driver)
    WebDriverWait(driver, 20).until(recorded)
    assert len(first) == 10 and len(second) == 10
    assert not set(first) & set(second)
    driver.find_element(By.ID, "shuffle").click()
    third = card_keys(driver)
    assert len(third) == 10 and not set(third) & (set(first) | set(second))

    # switch to Chinese
    driver.find_element(By.ID, "lang-zh").click()
    assert driver.find_element(By.TAG_NAME, "h1").text == "探索全球前沿学术脉络"
    assert driver.find_element(By.ID, "shuffle").text == "换一批"
    assert "lang=zh" in driver.current_url

    # save the first card and find it in the library
    saved_key = card_keys(driver)[0]
    driver.find_element(By.CSS_SELECTOR, "article.card .save-button").click()
    saved = WebDriverWait(driver, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "article.card.saved"))
    assert saved.get_attribute("data-key") == saved_key
    library = next(a for a in driver.find_elements(By.CSS_SELECTOR, "nav.nav a") if a.text == "文献库")
    library.click()
    WebDriverWait(driver, 20).until(lambda d: "/library" in d.current_url)
    assert card_keys(driver) == [saved_key]
    assert driver.find_element(By.TAG_NAME, "h1").text == "探索全球前沿学术脉络"


def test_a_hostile_title_is_text_and_never_runs(live: Live, browser_en: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = browser_en
    for path in ("/?category=cs.CR", "/paper/arxiv:2604.09999", "/shuffle?category=cs.CR",
                 "/brief?category=cs.CR"):
        driver.get(live.url + path)
        assert driver.execute_script("return window.__pwned === undefined")
        assert not driver.find_elements(By.CSS_SELECTOR, "main img")
        assert not driver.find_elements(By.CSS_SELECTOR, "main script")
        if "brief" not in path:
            # the title as a reader sees it (its $…$ read as math, render/latex.py), as text
            assert driver.find_element(By.CSS_SELECTOR, ".card .title").text == HOSTILE_TITLE.replace("$", "")
    driver.get(live.url + "/?category=cs.CR")
    assert "Mallory Evil" in driver.find_element(By.CSS_SELECTOR, ".card .authors").text


def test_screenshots_of_the_english_and_chinese_pages(tmp_path: Path, hub: Callable[..., Any]) -> None:
    """docs/serve-en.png and docs/serve-zh.png: the page over a real arXiv feed of the corpus
    (written only when HUB_SCREENSHOTS=1, so a test run leaves the tree as it was)."""
    import os

    from selenium.webdriver.support.ui import WebDriverWait

    from conftest import corpus_file

    feed = corpus_file("arxiv-rss2024-all-archives-2024-11-28.xml")
    assert hub("import", str(feed)).exit_code == 0
    from test_math import stand_in_tldrs

    stand_in_tldrs(hub, Path(os.environ["HUB_HOME"]))  # the first cards with a TL;DR
    server = Live()
    try:
        for lang, accept in (("en", "en-US"), ("zh", "zh-CN")):
            driver = make_driver(accept, width=1200, height=1500)
            try:
                driver.get(server.url + "/?category=math.CO")  # titles and abstracts with inline math
                WebDriverWait(driver, 20).until(  # typeset by KaTeX (tests/test_math.py)
                    lambda d: d.find_element("tag name", "html").get_attribute("data-math") == "typeset")
                target = DOCS / f"serve-{lang}.png" if os.environ.get("HUB_SCREENSHOTS") else tmp_path / f"{lang}.png"
                driver.save_screenshot(str(target))
                assert target.stat().st_size > 10_000
                heading = "Explore the Frontier of Global Academia" if lang == "en" else "探索全球前沿学术脉络"
                assert driver.find_element("tag name", "h1").text == heading
            finally:
                driver.quit()
    finally:
        server.stop()


def _across_a_new_page(driver: Any) -> Any:
    """A wait that reads elements while the page is replaced: a gone element is stale, and
    this Chromium sometimes says so as "Node with given id does not belong to the document"
    (a plain WebDriverException); either way the wait reads again, until its 20 s are up."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 20, ignored_exceptions=(WebDriverException,))


def _text_of(driver: Any, element_id: str) -> str:
    """An element's text read in one script (no element reference to go stale)."""
    return str(driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.innerText : '';", element_id))


def _job_state(driver: Any) -> str:
    return str(driver.execute_script(
        "const e = document.getElementById('brief-job'); return e ? e.dataset.state : '';"))


def test_a_model_brief_runs_in_the_background_and_the_page_polls_it(tmp_path: Path, hub: Callable[..., Any],
                                                                     hub_home: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from test_brief import LLMServer, Reply, write_config

    llm = LLMServer()
    try:
        llm.default = Reply("The week in one line [P1].", delay=2.0)
        write_config(hub_home, model="openai/test-model", api_base=llm.base)
        assert hub("import", str(papers_feed(tmp_path))).exit_code == 0
        server = Live()
        driver = make_driver("en-US")
        try:
            driver.get(server.url + "/brief?category=cs.IR")
            assert "Offline digest" in driver.find_element(By.ID, "brief").text
            other = server.url + "/?category=cs.IR"
            driver.find_element(By.ID, "brief-start").click()
            job = WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "brief-job"))
            assert job.get_attribute("data-state") == "running"
            # the rest of the page answers while the model works
            assert "Paper number" in requests.get(other, timeout=5).text
            WebDriverWait(driver, 60).until(lambda d: "The week in one line" in _text_of(d, "brief"))
            assert _job_state(driver) == "done"
            assert driver.execute_script("return window.__pwned === undefined")
            calls = len(llm.bodies)
            # the selection's brief stays on its page; asked again, the answer comes from the cache
            driver.get(server.url + "/brief?category=cs.IR")
            assert "The week in one line" in driver.find_element(By.ID, "brief").text
            driver.find_element(By.ID, "brief-start").click()
            # read in one script each time: the page replaces these elements while it polls
            WebDriverWait(driver, 60).until(lambda d: _job_state(d) == "done")
            WebDriverWait(driver, 20).until(lambda d: "The week in one line" in _text_of(d, "brief"))
            assert len(llm.bodies) == calls
        finally:
            driver.quit()
            server.stop()
    finally:
        llm.close()


def test_the_search_box_and_filter_controls_write_the_clis_parameters(live: Live, browser_en: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    wait = _across_a_new_page  # a submitted form loads a new page: the old one's elements go stale

    def chips(d: Any) -> list[str]:
        return [c.text for c in d.find_elements(By.CSS_SELECTOR, "#chips .chip")]

    driver = browser_en
    driver.get(live.url + "/?author=Ada+Lovelace&page=2")
    before = card_keys(driver)
    driver.find_element(By.ID, "search-box").send_keys("bandits")
    driver.find_element(By.ID, "search-go").click()
    wait(driver).until(lambda d: "search=bandits" in d.current_url and any("Search: bandits" in c for c in chips(d)))
    url = driver.current_url
    assert "author=Ada+Lovelace" in url and "page=" not in url and "since=" not in url and "category=" not in url
    found = card_keys(driver)
    assert found and found != before and all((int(k.split(".")[1]) - 10000) % 6 == 0 for k in found)
    assert any("Ada Lovelace" in c for c in chips(driver))

    # a filter control: clear the search, ask for one category
    driver.get(live.url + "/")
    driver.find_element(By.ID, "filter-category").send_keys("cs.IR")
    driver.find_element(By.ID, "search-go").click()
    wait(driver).until(lambda d: "category=cs.IR" in d.current_url and any("cs.IR" in c for c in chips(d)))
    odd = card_keys(driver)
    assert odd and all(int(k.split(".")[1]) % 2 == 1 for k in odd)
    assert driver.find_element(By.ID, "filter-category").get_attribute("value") == "cs.IR"

    # the since control keeps the category
    Select(driver.find_element(By.ID, "filter-since")).select_by_value("30d")
    driver.find_element(By.ID, "search-go").click()
    wait(driver).until(lambda d: "since=30d" in d.current_url and any("30d" in c for c in chips(d)))
    assert "category=cs.IR" in driver.current_url
    assert Select(driver.find_element(By.ID, "filter-since")).first_selected_option.get_attribute("value") == "30d"


def test_notes_are_shown_and_edited_in_a_browser(live: Live, browser_en: Any) -> None:
    from selenium.webdriver.common.by import By

    wait = _across_a_new_page  # a POST then a redirect: the old page's elements go stale

    driver = browser_en
    key = "arxiv:2604.10004"
    driver.get(live.url + "/paper/" + key)
    box = driver.find_element(By.CSS_SELECTOR, f'article.card[data-key="{key}"] .noteform textarea')
    box.send_keys("<i>check</i> the proof")
    driver.find_element(By.CSS_SELECTOR, f'article.card[data-key="{key}"] .note-button').click()
    wait(driver).until(lambda d: d.find_element(
        By.CSS_SELECTOR, f'article.card[data-key="{key}"] .note-text').text == "<i>check</i> the proof")  # text
    assert "/paper/" in driver.current_url
    assert driver.execute_script("return document.querySelectorAll('main i').length") == 0

    # on the listing too, edited there: open the card's note form, replace the note
    driver.get(live.url + "/?n=100")
    card = driver.find_element(By.CSS_SELECTOR, f'article.card[data-key="{key}"]')
    assert card.find_element(By.CSS_SELECTOR, ".note-text").text == "<i>check</i> the proof"
    card.find_element(By.CSS_SELECTOR, ".note-edit summary").click()
    box = card.find_element(By.CSS_SELECTOR, ".noteform textarea")
    box.clear()
    box.send_keys("read twice")
    card.find_element(By.CSS_SELECTOR, ".note-button").click()
    wait(driver).until(lambda d: d.find_element(
        By.CSS_SELECTOR, f'article.card[data-key="{key}"] .note-text').text == "read twice")

    # cleared: no note left
    card = driver.find_element(By.CSS_SELECTOR, f'article.card[data-key="{key}"]')
    card.find_element(By.CSS_SELECTOR, ".note-edit summary").click()
    card.find_element(By.CSS_SELECTOR, ".noteform textarea").clear()
    card.find_element(By.CSS_SELECTOR, ".note-button").click()
    wait(driver).until(lambda d: not d.find_elements(
        By.CSS_SELECTOR, f'article.card[data-key="{key}"] .note-text') and "n=100" in d.current_url)
