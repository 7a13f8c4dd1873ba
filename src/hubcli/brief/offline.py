"""The offline digest: an extractive summary computed locally, no model involved.

Papers are grouped by the terms they share (words and two-word phrases of titles and
abstracts that several papers use, but not most of them), the rest by primary category;
each paper contributes its most informative abstract sentence and its link.  Nothing
is paraphrased, so nothing can be invented.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from hubcli.brief.cite import link, md_inline
from hubcli.i18n import translate
from hubcli.models import Paper
from hubcli.render.latex import readable

MAX_GROUPS = 8
MAX_SENTENCE = 320
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
_CUES = ("we propose", "we introduce", "we present", "we show", "we find", "we demonstrate", "this paper",
         "our results", "outperform", "achieves", "we develop", "in this work")
STOPWORDS = frozenset("""
a about above across after again against all almost also although always among an and another any are around
as at based be because been before being below between both but by can could did do does doing done due during
each either enough especially etc even every few first for from further given had has have having here how
however i if in into is it its itself just large less like made make many may might more most much must new
no nor not novel now of off often on once one only or other our ours out over own paper papers per present
propose proposed provide rather recent s same several should show shows shown since so some such than that the
their them then there these they this those through thus to too two under until up upon use used uses using
various very via was we well were what when where whether which while who whose why will with within without
would yet approach approaches method methods result results work works study studies task tasks problem
problems model models data performance existing framework demonstrate demonstrates significant significantly
state-of-the-art introduce introduces different however including experiments experimental effective three
various achieve achieves address addresses based leverage leverages able across key achieving understanding
challenge challenges system systems example examples specifically source sources set sets power state states
information particularly compare compared comparison enhance enhanced enhancing finding findings practical
http https www github com org code available publicly remain remains remaining recently improve improved
improves improving improvement improvements analysis analyze propose proposes proposing novel first second
consider considered considering obtain obtained provide provides providing allow allows allowing level levels
need needs new based-on well-known important importantly require requires required requiring typically often
high low higher lower best better good large-scale small even still thereby therefore hence way ways thing
aim aims goal goals general generally common commonly widely wide range case cases point points part parts
term terms type types form forms number numbers order show showing study studied investigate investigates
evaluate evaluated evaluation evaluations significant key towards toward beyond despite one four five
""".split())
_URL_RE = re.compile(r"\S*(?:https?://|www\.)\S*|\S+\.(?:com|org|io|net)\S*", re.IGNORECASE)


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Content words (stemmed) and two-word phrases of consecutive content words."""
    words = [w.lower() for w in _WORD_RE.findall(_URL_RE.sub(" ", text))]
    out: list[str] = []
    previous: str | None = None
    for word in words:
        if word in STOPWORDS or len(word) < 3 or word.isdigit():
            previous = None
            continue
        stem = _stem(word)
        out.append(stem)
        if previous:
            out.append(f"{previous} {stem}")
        previous = stem
    return out


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(re.sub(r"\s+", " ", text or "").strip()) if s.strip()]


def _paper_terms(paper: Paper) -> set[str]:
    return set(terms(f"{paper.title}. {paper.abstract}"))


def _candidates(papers: list[Paper], bags: list[set[str]]) -> tuple[set[str], Counter[str], Counter[str]]:
    """Terms that may name a group (shared by at least two papers but not by most, and
    found in a title: titles name topics, abstracts also hold generic prose), with each
    term's document frequency and its frequency among titles."""
    in_titles: Counter[str] = Counter(term for p in papers for term in set(terms(p.title)))
    df: Counter[str] = Counter(term for bag in bags for term in bag)
    n = len(papers)
    ceiling = max(2, int(n * 0.4)) if n >= 5 else n
    return {term for term, k in df.items() if 2 <= k <= ceiling and in_titles[term]}, df, in_titles


def _best_term(candidates: set[str], unassigned: set[int], bags: list[set[str]], df: Counter[str],
               in_titles: Counter[str]) -> str | None:
    """The term covering the most papers still unassigned, weighted by how specific it is
    (a tf-idf of sorts; phrases say more than words); None when none covers two."""
    n = len(bags)
    best, best_key = None, (0.0, 0, "")
    for term in candidates:
        hits = sum(1 for i in unassigned if term in bags[i])
        if hits < 2:
            continue
        weight = math.log(1 + n / df[term]) * (1.3 if " " in term else 1.0) * (1 + in_titles[term] / df[term])
        key = (hits * weight, len(term), term)
        if key > best_key:
            best, best_key = term, key
    return best


def _label(best: str, members: list[int], bags: list[set[str]], candidates: set[str]) -> str:
    """The group's label: its term, and a second term every member shares when there is
    one ("retrieval · ranking")."""
    shared = Counter(term for i in members for term in bags[i] if term != best and term in candidates
                     and term not in best and best not in term and term[:5] != best[:5])
    extra = [term for term, k in shared.most_common(3) if k == len(members)][:1]
    return " · ".join([best, *extra])


def _by_category(papers: list[Paper], indexes: set[int], lang: str) -> list[tuple[str, list[Paper]]]:
    """The papers no shared term grouped, by primary category (largest group first)."""
    by_category: dict[str, list[int]] = {}
    for i in sorted(indexes):
        paper = papers[i]
        category = paper.primary_category or (paper.categories[0] if paper.categories else "") or paper.journal or ""
        by_category.setdefault(category, []).append(i)
    result = []
    for category, members in sorted(by_category.items(), key=lambda item: (-len(item[1]), item[0])):
        label = (translate("brief_digest_other_category", lang, category=category) if category
                 else translate("brief_digest_other", lang))
        result.append((label, [papers[i] for i in members]))
    return result


def group(papers: list[Paper], lang: str) -> list[tuple[str, list[Paper]]]:
    """(label, papers) groups: shared terms first, then primary categories."""
    bags = [_paper_terms(p) for p in papers]
    candidates, df, in_titles = _candidates(papers, bags)
    unassigned = set(range(len(papers)))
    groups: list[tuple[str, list[int]]] = []
    while len(groups) < MAX_GROUPS and candidates:
        best = _best_term(candidates, unassigned, bags, df, in_titles)
        if best is None:
            break
        members = sorted(i for i in unassigned if best in bags[i])
        groups.append((_label(best, members, bags, candidates), members))
        unassigned -= set(members)
        candidates.discard(best)
    return [(label, [papers[i] for i in indexes]) for label, indexes in groups] + _by_category(
        papers, unassigned, lang)


def key_sentence(paper: Paper, df: Counter[str], n: int) -> str:
    """The abstract sentence carrying the most shared, specific terms (cue phrases help)."""
    options = sentences(readable(paper.abstract or ""))
    if not options:
        return ""
    best, best_score = options[0], -1.0
    for index, sentence in enumerate(options):
        words = terms(sentence)
        if not words:
            continue
        weight = sum(math.log(1 + n / df[w]) for w in set(words) if df.get(w))
        score = weight / math.sqrt(len(words) + 4)
        lowered = sentence.lower()
        if any(cue in lowered for cue in _CUES):
            score *= 1.5
        if index == 0:
            score *= 1.1
        if score > best_score:
            best, best_score = sentence, score
    return best if len(best) <= MAX_SENTENCE else best[: MAX_SENTENCE - 1].rstrip() + "…"


def _entry(paper: Paper, lang: str) -> str:
    """A paper's line: title, the first authors, date, category or journal, and its link."""
    meta = [m for m in (paper.published, paper.primary_category or paper.journal) if m]
    authors = ", ".join(md_inline(a) for a in paper.authors[:4]) + (
        f", {translate('brief_digest_et_al', lang)}" if len(paper.authors) > 4 else "")
    head = f"- **{md_inline(readable(paper.title or ''))}**"
    if authors:
        head += f" — {authors}"
    if meta:
        head += " · " + " · ".join(md_inline(m) for m in meta)
    url = link(paper)
    if url:
        head += f" · <{url}>"
    return head


def digest(papers: list[Paper], *, subtitle: str, lang: str) -> str:
    """The whole digest as Markdown, in ``lang``."""
    df: Counter[str] = Counter(term for p in papers for term in _paper_terms(p))
    dates = sorted(p.published for p in papers if p.published)
    span = f"{dates[0]} – {dates[-1]}" if dates and dates[0] != dates[-1] else (dates[0] if dates else "")
    lines = [f"# {translate('brief_digest_title', lang)}", "",
             f"_{translate('brief_digest_note', lang, count=len(papers), span=span or '-')}_"]
    if subtitle:
        lines += ["", f"_{md_inline(subtitle)}_"]
    for label, members in group(papers, lang):
        count = (translate("brief_digest_count_one", lang) if len(members) == 1
                 else translate("brief_digest_count", lang, count=len(members)))
        lines += ["", f"## {md_inline(label)} ({count})", ""]
        for paper in members:
            lines.append(_entry(paper, lang))
            sentence = key_sentence(paper, df, len(papers))
            if sentence:
                lines.append(f"  > {md_inline(sentence)}")
    return "\n".join(lines) + "\n"
