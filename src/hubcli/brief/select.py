"""Which papers a briefing covers: ranking (relevance and recency) and the token budget.

Token counts are estimated locally (no tokenizer download, no litellm import): about 3.5
characters per token for Latin text and one token per other character, which slightly
over-counts English for every common tokenizer, so a plan that fits here fits the model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from hubcli.models import Paper
from hubcli.store.briefs import newest_ids, search_hits
from hubcli.store.db import Store
from hubcli.store.papers import load_papers
from hubcli.store.query import Selection, count

DEFAULT_CONTEXT_WINDOW = 8192  # for models litellm does not know (local, self-hosted)
DEFAULT_OUTPUT_TOKENS = 2048  # reserved for the answer unless [llm] max_output_tokens says otherwise
DEFAULT_LIMIT = 50  # candidates considered without --limit
MAX_PAPER_TOKENS_PER_CALL = 48_000  # even 1M-token models get at most this much abstract text per call
MAX_GROUPS = 4  # map-reduce: at most this many group summaries before the synthesis
SAFETY = 0.9  # share of the computed room actually filled (estimates are estimates)
MIN_PAPER_BUDGET = 300  # below this a context window cannot hold a useful prompt
RELEVANCE_WEIGHT = 0.7  # with --search/--topic: score = 0.7 relevance + 0.3 recency
RECENCY_HALF_LIFE_DAYS = 14.0
_RANK_POOL = 2000  # best full-text matches scored for relevance and recency



class RecordSize(Protocol):
    """Tokens of a paper's record as the prompt writes it (``compact``: title and TL;DR
    only, no abstract)."""

    def __call__(self, number: int, paper: Paper, abstract: str, summary: str = "", compact: bool = False) -> int: ...


def estimate_tokens(text: str) -> int:
    if not text:
        return 0
    ascii_chars = sum(1 for ch in text if ord(ch) < 128)
    return math.ceil(ascii_chars / 3.5 + (len(text) - ascii_chars))


@dataclass(frozen=True)
class Budget:
    """Token arithmetic for one model."""

    context_window: int
    output_tokens: int  # max_tokens asked for the answer
    per_call: int  # tokens of paper records one call may carry
    window_source: str  # "config", "litellm" or "default"

    @staticmethod
    def make(context_window: int, output_tokens: int, overhead: int, window_source: str) -> Budget:
        output = max(64, min(output_tokens, context_window // 4))
        room = int((context_window - output) * SAFETY) - overhead
        return Budget(context_window, output, min(room, MAX_PAPER_TOKENS_PER_CALL), window_source)


def choose_output_tokens(configured: int | None, model_max: int | None) -> int:
    if configured:
        return configured
    if model_max:
        return min(model_max, DEFAULT_OUTPUT_TOKENS)
    return DEFAULT_OUTPUT_TOKENS


@dataclass
class Ranked:
    papers: list[Paper]  # best first, at most the limit
    matched: int  # papers matching the filters


def rank(store: Store, sel: Selection, limit: int, *, today: date | None = None) -> Ranked:
    """The best ``limit`` papers: by relevance blended with recency when there is a full-text
    query (``--search``/``--topic``), else newest first."""
    matched = count(store, sel)
    if matched == 0:
        return Ranked([], 0)
    if not sel.fts:
        return Ranked(load_papers(store.conn, newest_ids(store, sel, limit)), matched)
    scored = score(search_hits(store, sel, _RANK_POOL))
    return Ranked(load_papers(store.conn, [pid for pid, _ in scored[:limit]]), matched)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def score(rows: list[tuple[int, float, str | None]]) -> list[tuple[int, float]]:
    """``(id, bm25, published)`` -> ``(id, score)`` best first.  bm25 is lower-is-better;
    relevance is rescaled to 0..1 within the pool, recency halves every 14 days before the
    newest paper of the pool."""
    if not rows:
        return []
    best = min(r[1] for r in rows)
    worst = max(r[1] for r in rows)
    span = worst - best
    days = [_day(r[2]) for r in rows]
    known = [d for d in days if d]
    newest = max(known) if known else None
    out: list[tuple[int, float]] = []
    for (pid, bm25, _published), day in zip(rows, days, strict=True):
        relevance = 1.0 if span <= 0 else (worst - bm25) / span
        if newest and day:
            recency = 0.5 ** ((newest - day).days / RECENCY_HALF_LIFE_DAYS)
        else:
            recency = 0.0
        out.append((int(pid), RELEVANCE_WEIGHT * relevance + (1 - RELEVANCE_WEIGHT) * recency))
    out.sort(key=lambda item: (-item[1], -item[0]))
    return out


@dataclass
class Numbered:
    """A paper as sent: its marker number and its estimated size in the prompt."""

    number: int
    paper: Paper
    tokens: int
    abstract: str  # possibly shortened to fit a tiny budget
    truncated: bool = False
    summary: str = ""  # its TL;DR (the model's, cached, or the abstract's key sentence), sent beside its marker
    compact: bool = False  # sent as title and TL;DR only, so that more papers fit one call


@dataclass
class Plan:
    groups: list[list[Numbered]]  # one group: a single call; several: map-reduce
    left_out: list[Paper] = field(default_factory=list)  # ranked below what the budget holds
    budget: Budget | None = None

    @property
    def sent(self) -> list[Numbered]:
        return [n for group in self.groups for n in group]

    @property
    def map_reduce(self) -> bool:
        return len(self.groups) > 1

    @property
    def calls(self) -> int:
        return len(self.groups) + 1 if self.map_reduce else len(self.groups)

    @property
    def paper_tokens(self) -> int:
        return sum(n.tokens for n in self.sent)


def plan(papers: list[Paper], budget: Budget, size: RecordSize, *, max_groups: int = MAX_GROUPS,
         summaries: Mapping[str, str] | None = None) -> Plan:
    """The papers a brief sends, and how.  Whole abstracts (each with its TL;DR from
    ``summaries``, by paper key) in one call when they fit; else, when the TL;DRs let
    at least as many papers into one call as map-reduce would send, one call where every
    paper has its title and TL;DR and the best ranked keep their abstracts as room allows
    (one call is what a small model does best); else map-reduce over whole abstracts."""
    summaries = summaries or {}
    whole = _whole(papers, budget, size, max_groups, summaries)
    if not whole.map_reduce and not whole.left_out or not summaries:
        return whole
    compact = _compact(papers, budget, size, summaries)
    return compact if len(compact.sent) >= len(whole.sent) else whole


def _whole(papers: list[Paper], budget: Budget, size: RecordSize, max_groups: int,
           summaries: Mapping[str, str]) -> Plan:
    """Pack whole abstracts, best first, into at most ``max_groups`` groups of
    ``budget.per_call`` tokens.  Papers beyond the last group are left out (and reported
    by the caller); an abstract alone larger than a group is shortened."""
    groups: list[list[Numbered]] = [[]]
    used = 0
    left_out: list[Paper] = []
    number = 0
    for index, paper in enumerate(papers):
        abstract, summary = paper.abstract or "", summaries.get(paper.key, "")
        tokens = size(number + 1, paper, abstract, summary)
        truncated = False
        if tokens > budget.per_call:
            abstract, tokens = _shorten(number + 1, paper, summary, budget.per_call, size)
            truncated = True
        if used + tokens > budget.per_call and groups[-1]:
            if len(groups) >= max_groups:
                left_out = papers[index:]
                break
            groups.append([])
            used = 0
        number += 1
        groups[-1].append(Numbered(number, paper, tokens, abstract, truncated, summary))
        used += tokens
    if not groups[-1]:
        groups.pop()
    return Plan(groups, left_out, budget)


def _compact(papers: list[Paper], budget: Budget, size: RecordSize, summaries: Mapping[str, str]) -> Plan:
    """One call: every paper that fits as title and TL;DR, best first; then the best
    ranked get their whole abstracts back while the room lasts."""
    sent: list[Numbered] = []
    used = 0
    for paper in papers:
        number, summary = len(sent) + 1, summaries.get(paper.key, "")
        tokens = size(number, paper, "", summary, True)
        if used + tokens > budget.per_call:
            break
        sent.append(Numbered(number, paper, tokens, "", False, summary, True))
        used += tokens
    for index, numbered in enumerate(sent):
        whole = size(numbered.number, numbered.paper, numbered.paper.abstract or "", numbered.summary)
        if used - numbered.tokens + whole <= budget.per_call:
            used += whole - numbered.tokens
            sent[index] = Numbered(numbered.number, numbered.paper, whole, numbered.paper.abstract or "", False,
                                   numbered.summary)
    return Plan([sent] if sent else [], papers[len(sent):], budget)


def _shorten(number: int, paper: Paper, summary: str, limit: int, size: RecordSize) -> tuple[str, int]:
    words = (paper.abstract or "").split()
    low, high = 0, len(words)
    while low < high:  # the most words that still fit
        mid = (low + high + 1) // 2
        if size(number, paper, " ".join(words[:mid]) + " …", summary) <= limit:
            low = mid
        else:
            high = mid - 1
    text = " ".join(words[:low]) + " …"
    return text, size(number, paper, text, summary)
