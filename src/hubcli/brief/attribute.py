"""Hub's own attribution: the statements a model's briefing left without a citation,
matched to the papers sent that they restate.

A small model often writes a readable overview that cites nothing.  Each statement
(a sentence, or a bullet without one) that carries no valid marker of the model's is
compared with every paper sent: the distinctive terms they share (words and two-word
phrases of the title, the TL;DR and the abstract, weighted title > TL;DR > abstract and
by how few of the papers use them), and for Chinese text the character bigrams shared
with a Chinese TL;DR or title (method and dataset names stay in English there, and
match as words).  A statement whose evidence passes a threshold gets a marker written
``[≈3]`` — visibly not the model's ``[3]`` — for its best paper and for any other that
scores close to it (at most :data:`MAX_PAPERS`).

Never inside mathematics or code (:mod:`hubcli.brief.spans`), never in a heading, never a
paper that was not sent: only the papers sent are candidates.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from hubcli.brief.offline import terms
from hubcli.brief.select import Numbered
from hubcli.brief.spans import protected
from hubcli.render.latex import readable

HUB_MARK = "≈"  # [≈3]: attributed by hub, not cited by the model
MAX_PAPERS = 3  # papers one statement may be attributed to
MIN_SCORE = 2.0  # evidence needed: about two distinctive abstract terms, or one title phrase
MIN_STRENGTH = 2.0  # shared terms needed: a word counts 1, a two-word phrase 2, a CJK bigram 0.5
CLOSE = 0.6  # another paper scoring this share of the best one is attributed too,
STRONG = 4 * MIN_SCORE  # and so is one whose evidence is this strong on its own ("A, and B")
LABEL_SCORE = 6 * MIN_SCORE  # a bold label alone (a theme's name) or a sentence about the whole set: near a title
MIN_WORDS = 4  # shorter lines (a bold theme name) are not statements unless they match or cite
WEIGHTS = {"title": 3.0, "summary": 2.0, "abstract": 1.0}
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
_SKIP_LINE_RE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$|^\s*\|?[\s:|-]*-[\s:|-]*$|^\s*\|")  # rules, tables
_PREFIX_RE = re.compile(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d{1,3}[.)])\s+)?")
# a sentence ends at its punctuation and the markers right after it ("faster. [3] Next")
_SPLIT_RE = re.compile(r"([.!?](?:\s*\[[^\]\n]{1,40}\])*)\s+(?=[A-Z\"'(*_\d])|([。！？；](?:\s*\[[^\]\n]{1,40}\])*)\s*")
_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "vs.", "fig.", "eq.", "cf.", "resp.", "approx.", "ref.", "no.")
_END_PUNCTUATION = ".!?:;。！？：；"
_LABEL_RE = re.compile(r"^(\*\*|__)[^*_]+\1\s*[:：]?$")
# "These papers study PDEs": about the set, not one paper, unless the evidence is a title's
_SET_RE = re.compile(r"\b(?:these|the|all|both|several|many)\s+(?:\w+\s+)?(?:papers|studies|works|articles)\b"
                     r"|\bthis\s+(?:set|collection|batch|group)\b|这些(?:论文|研究|工作)|\d+\s*篇论文|本组论文",
                     re.IGNORECASE)
# bigrams of Chinese prose that say nothing about which paper a sentence is about
CJK_STOP = frozenset("""
论文 本文 文章 研究 提出 方法 模型 结果 一种 通过 使用 进行 问题 数据 基于 这些 以及 可以 我们 他们 它们 其中
并且 此外 同时 主要 相关 方面 领域 工作 表明 显示 发现 实验 性能 效果 提高 提升 改进 分析 评估 应用 能够 如何 之间
这篇 该文 作者 不同 多个 一个 两个 新的 新型 重要 有效 更好 较好 进一步 未来 开放 跨领域 简报 概述 主题 论述
""".split())


@dataclass
class Attributed:
    """The text with hub's markers, and how its statements are cited."""

    text: str
    model: int = 0  # statements citing a paper by the model's own marker
    hub: int = 0  # statements hub attributed ([≈N])
    none: int = 0  # statements neither cited nor attributed
    papers: list[int] = field(default_factory=list)  # numbers hub attributed, ascending


@dataclass
class _Profile:
    number: int
    weights: dict[str, float]  # term -> weight (its best field)


def cjk_bigrams(text: str) -> set[str]:
    """Bigrams of the runs of Chinese characters, less the stock phrases of prose."""
    grams = {run[i:i + 2] for run in _CJK_RE.findall(text) for i in range(len(run) - 1)}
    return grams - CJK_STOP


def _terms(text: str) -> set[str]:
    return set(terms(text)) | cjk_bigrams(text)


def _profile(numbered: Numbered) -> _Profile:
    fields = {"title": readable(numbered.paper.title or ""), "summary": numbered.summary,
              "abstract": readable(numbered.paper.abstract or "")}
    weights: dict[str, float] = {}
    for name, text in fields.items():
        for term in _terms(text):
            weights[term] = max(weights.get(term, 0.0), WEIGHTS[name])
    return _Profile(numbered.number, weights)


class Matcher:
    """Scores a statement against every paper sent (IDF over those papers only)."""

    def __init__(self, sent: list[Numbered]) -> None:
        self.profiles = [_profile(n) for n in sent]
        self.n = len(sent)
        self.df: Counter[str] = Counter(term for p in self.profiles for term in p.weights)
        self.ceiling = max(2, math.ceil(self.n * 0.25))  # used by more papers: not distinctive

    def _idf(self, term: str) -> float:
        return math.log(1 + self.n / self.df[term]) / math.log(1 + self.n)

    def scores(self, statement: str) -> list[tuple[float, int]]:
        """(score, paper number) of the papers whose evidence passes, best first."""
        words = _terms(statement)
        found: list[tuple[float, int]] = []
        for profile in self.profiles:
            score = strength = 0.0
            for term in words:
                weight = profile.weights.get(term)
                if weight is None or self.df[term] > self.ceiling:
                    continue
                cjk = bool(_CJK_RE.match(term))
                kind = 0.5 if cjk else 1.5 if " " in term else 1.0
                score += weight * self._idf(term) * kind
                strength += 0.5 if cjk else 2.0 if " " in term else 1.0
            if score >= MIN_SCORE and strength >= MIN_STRENGTH:
                found.append((score, profile.number))
        found.sort(key=lambda item: (-item[0], item[1]))
        return found

    def match(self, statement: str) -> list[int]:
        """The papers ``statement`` restates (none when the evidence is weak); a bold label
        alone (a theme's name) or a sentence about the set ("these papers") needs the
        evidence of a title."""
        found = self.scores(statement)
        general = _LABEL_RE.match(statement.strip()) or _SET_RE.search(statement)
        if not found or (general and found[0][0] < LABEL_SCORE):
            return []
        best = found[0][0]
        return sorted(number for score, number in found[:MAX_PAPERS] if score >= min(CLOSE * best, STRONG))


# --- statements ---------------------------------------------------------------------------------

def _masked(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with mathematics and code blanked (same length), and where they are."""
    spans = [(s.start, s.end) for s in protected(text)]
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars), spans


def _sentences(masked: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of one line's content, as (start, end) offsets."""
    out: list[tuple[int, int]] = []
    begin = start
    for match in _SPLIT_RE.finditer(masked, start, end):
        before = masked[begin:match.start() + 1].lower()
        if match.group(0)[0] == "." and (before.endswith(_ABBREVIATIONS) or re.search(r"(?:^|\s)[a-z]\.$", before)):
            continue
        cut = match.end(1) if match.group(1) else match.end(2)
        if masked[begin:cut].strip():
            out.append((begin, cut))
        begin = match.end()
    if masked[begin:end].strip():
        out.append((begin, end))
    return out


def statements(text: str) -> list[tuple[int, int]]:
    """Every statement outside headings, rules, tables, mathematics and code blocks."""
    masked, spans = _masked(text)
    out: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip() or not masked[start:end].strip() or _HEADING_RE.match(line) or _SKIP_LINE_RE.match(line):
            continue
        if any(s <= start and end <= e for s, e in spans):  # a line of a code block or display math
            continue
        prefix = _PREFIX_RE.match(masked, start, end)
        out += _sentences(masked, prefix.end() if prefix else start, end)
    return out


def _insertion(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> int:
    """Where the marker goes: before the statement's closing punctuation (inside any bold
    around it), else at its end; never inside mathematics or code."""
    pos = end
    while pos > start and text[pos - 1].isspace():
        pos -= 1
    stop = pos
    while stop > start and text[stop - 1] in "*_":
        stop -= 1
    if stop > start and text[stop - 1] in _END_PUNCTUATION:
        pos = stop - 1
    for s, e in spans:
        if s < pos < e:
            pos = e
    return pos


def _words(text: str) -> int:
    return len(_LATIN_WORD_RE.findall(text)) + len("".join(_CJK_RE.findall(text))) // 2


def _marker(numbers: list[int], before: str) -> str:
    space = "" if not before or before.isspace() or _CJK_RE.match(before) else " "
    return f"{space}[{HUB_MARK}{', '.join(str(n) for n in numbers)}]"


def attribute(text: str, markers: list[tuple[int, int, tuple[int, ...]]], sent: list[Numbered]) -> Attributed:
    """``text`` (checked: ``markers`` are where its valid citations stand) with hub's
    markers after the statements it could attribute; the counts of each kind."""
    result = Attributed(text)
    if not sent:
        return result
    matcher = Matcher(sent)
    masked, spans = _masked(text)
    inserts: list[tuple[int, str]] = []
    attributed: set[int] = set()
    for start, end in statements(text):
        own = [m for m in markers if start <= m[0] < end and m[2]]
        kind = "model"
        if not own:
            plain = "".join(ch for i, ch in enumerate(masked[start:end], start)
                            if not any(s <= i < e for s, e, _ in markers))
            numbers = matcher.match(plain)
            if numbers:
                kind = "hub"
                pos = _insertion(text, start, end, spans)
                inserts.append((pos, _marker(numbers, text[pos - 1] if pos else "")))
                attributed.update(numbers)
            elif _words(plain) < MIN_WORDS or _LABEL_RE.match(plain.strip()):
                continue  # a theme's bold name, a stray word: not a statement
            else:
                kind = "none"
        setattr(result, kind, getattr(result, kind) + 1)
    out = text
    for pos, marker in sorted(inserts, reverse=True):
        out = out[:pos] + marker + out[pos:]
    result.text, result.papers = out, sorted(attributed)
    return result
