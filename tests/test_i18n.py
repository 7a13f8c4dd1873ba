"""Every user-facing string exists in English and Simplified Chinese, with the same fields."""

from __future__ import annotations

import re
import string

import pytest

from hubcli.i18n import MESSAGES, translate

_FIELDS = string.Formatter()


def _fields(text: str) -> set[str]:
    # a plural form ``{count|paper|papers}`` reads the field ``count``
    return {name.split("|")[0] for _lit, name, _spec, _conv in _FIELDS.parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = MESSAGES[key]
    assert entry.get("en", "").strip(), key
    assert entry.get("zh", "").strip(), key
    assert _fields(entry["en"]) == _fields(entry["zh"]), key


def test_chinese_entries_are_chinese() -> None:
    cjk = re.compile(r"[\u4e00-\u9fff]")
    # entries that are the same in both languages by nature (labels such as DOI, config.toml)
    same = [k for k, v in MESSAGES.items() if v["en"] == v["zh"]]
    untranslated = [k for k, v in MESSAGES.items() if k not in same and not cjk.search(v["zh"])]
    assert untranslated == []
    assert len(same) < 10, same


def test_translate_falls_back_safely() -> None:
    assert translate("footer", "zh", page=1, pages=2, total=3) == "第 1 / 2 页 · 共 3 篇论文"
    assert translate("no-such-key", "en") == "no-such-key"
    assert translate("footer", "en", page=1).startswith("page {page} of {pages}")  # a missing field never raises


@pytest.mark.parametrize("count,text", [(0, "0 papers written"), (1, "1 paper written"), (2, "2 papers written")])
def test_english_counts_take_the_right_plural(count: int, text: str) -> None:
    assert translate("exported", "en", count=count) == text


def test_a_verb_agrees_with_its_count() -> None:
    assert translate("lib_fetch_hint", "en", count=1).startswith("1 arXiv paper is not in the cache yet")
    assert translate("lib_fetch_hint", "en", count=3).startswith("3 arXiv papers are not in the cache yet")
    assert translate("recommend_footer", "en", shown=1, total=1) == "1 recommended of 1 new paper"
    assert translate("recommend_footer", "zh", shown=1, total=1) == "从 1 篇新论文中推荐 1 篇"
