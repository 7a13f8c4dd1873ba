"""The offline digest: an extractive summary computed locally, no model involved.

Papers are grouped by meaning: clusters (average linkage) of their TF-IDF vectors (words
and two-word phrases of titles and abstracts) with their categories beside, each group
named by the distinctive terms its members share and kept only when its members are
alike enough; the papers alike to no other are listed under "Other papers".  Each paper
contributes its most informative abstract sentence and its link.  Nothing is
paraphrased, so nothing can be invented.  numpy, scipy and scikit-learn are imported
only when a digest is grouped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from hubcli.brief.cite import link, md_inline
from hubcli.i18n import translate
from hubcli.models import Paper
from hubcli.render.latex import readable

MAX_GROUPS = 10  # named groups (or one per 12 papers of a larger digest); the rest go under "Other papers"
MAX_CLUSTERED = 3000  # papers clustered (a similarity matrix of this many squared); the rest are "Other"
MIN_SIMILARITY = 0.10  # average cosine similarity of a group's members: below it, no group
CATEGORY_WEIGHT = 0.3  # categories beside the words (length 1): the same categories alone are no group
LABEL_TERMS = 3
MAX_SENTENCE = 320  # characters of a key sentence before it is cut
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
extensive suggest suggests suggesting suggested near depend depends argue argues argued primary main mainly
around able robust overall whose find found yield yields lead leads led obtain associated related relevant
research technique techniques superior intuitive physically effectively directly high-quality extensively
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


# --- groups by meaning ----------------------------------------------------------------------------

def _archive(category: str) -> str:
    return category.split(".", 1)[0].lower()


def _vectors(papers: list[Paper]) -> Any:
    """Each paper as a unit vector: the TF-IDF of its terms (title twice, then abstract)
    and, with a smaller weight, its categories and their archives (math, astro-ph, cs):
    fields that share words by chance (an "image" in optics and in algebraic geometry)
    stay apart."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    texts = [readable(f"{p.title}. {p.title}. {p.abstract}") for p in papers]
    words = TfidfVectorizer(analyzer=terms, sublinear_tf=True, max_df=0.5 if len(papers) >= 6 else 1.0)
    try:
        x = words.fit_transform(texts)
    except ValueError:  # no term at all (every text empty or stopwords)
        x = sp.csr_matrix((len(papers), 1))
    labels = [sorted({c.lower() for c in p.categories + [p.primary_category or ""] if c}
                     | {f"@{_archive(c)}" for c in p.categories + [p.primary_category or ""] if c}) for p in papers]
    vocabulary = {label: i for i, label in enumerate(sorted({label for row in labels for label in row}))}
    rows = [i for i, row in enumerate(labels) for _ in row]
    cols = [vocabulary[label] for row in labels for label in row]
    cats = sp.csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(papers), max(1, len(vocabulary))))
    return normalize(sp.hstack([x, normalize(cats) * CATEGORY_WEIGHT]).tocsr()), words


def _clusters(x: Any) -> list[list[int]]:
    """Average-linkage clusters of the vectors whose members are, on average, at least
    :data:`MIN_SIMILARITY` alike (cosine); largest first."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = x.shape[0]
    if n < 2:
        return [[i] for i in range(n)]
    similarity = (x @ x.T).toarray()
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    found: dict[int, list[int]] = {}
    for index, label in enumerate(fcluster(tree, t=1.0 - MIN_SIMILARITY, criterion="distance")):
        found.setdefault(int(label), []).append(index)
    return sorted(found.values(), key=lambda members: (-len(members), members[0]))


def _name(members: list[int], bags: list[set[str]], titles: list[set[str]], df: Counter[str], n: int) -> str | None:
    """The group's most distinctive shared terms ("diffusion model · protein structure"):
    terms used by at least half of the members (two at least), those of their titles and
    those rarer in the whole set first; None when the members share no such term (then
    they are no group)."""
    need = max(2, math.ceil(len(members) / 2))
    shared = Counter(term for i in members for term in bags[i])
    in_titles = Counter(term for i in members for term in titles[i])
    scored = sorted(((k / len(members)) * math.log(n / df[term] + 1) * (1.2 if " " in term else 1.0)
                     * (1 + in_titles[term] / len(members)), term)
                    for term, k in shared.items() if k >= need)
    chosen: list[str] = []
    for _, term in reversed(scored):
        if any(term in c or c in term or term[:5] == c[:5] for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == LABEL_TERMS:
            break
    return " · ".join(chosen) or None


def group(papers: list[Paper], lang: str) -> list[tuple[str, list[Paper]]]:
    """(label, papers) groups of papers alike in meaning, each named by the distinctive
    terms its members share; the papers alike to no other under "Other papers"."""
    if not papers:
        return []
    clustered = papers[:MAX_CLUSTERED]
    x, _ = _vectors(clustered)
    bags = [_paper_terms(p) for p in clustered]
    titles = [set(terms(p.title)) for p in clustered]
    df: Counter[str] = Counter(term for bag in bags for term in bag)
    groups: list[tuple[str, list[Paper]]] = []
    rest: list[Paper] = list(papers[MAX_CLUSTERED:])
    for members in _clusters(x):
        label = _name(members, bags, titles, df, len(clustered)) if len(members) >= 2 else None
        if label is None or len(groups) >= max(MAX_GROUPS, len(clustered) // 12):
            rest += [clustered[i] for i in members]
        else:
            groups.append((label, [clustered[i] for i in members]))
    if rest:
        rest.sort(key=lambda p: (p.primary_category or (p.categories[0] if p.categories else "") or p.journal or "~"))
        groups.append((translate("brief_digest_other_papers", lang), rest))
    return groups


def best_sentence(options: list[str], weight: Callable[[list[str]], float]) -> str:
    """The sentence of ``options`` that ``weight`` (of its terms) rates highest, one with a
    cue phrase ("we propose", "we show") counting 1.5 times and the first 1.1 times: the
    one rule of a paper's key sentence (the offline brief's and the extracted TL;DR's)."""
    best, best_score = options[0], -1.0
    for index, sentence in enumerate(options):
        words = terms(sentence)
        if not words:
            continue
        score = weight(words)
        if len(sentence) > MAX_SENTENCE:  # a sentence that must be cut reads worse than a whole one
            score *= 0.7
        lowered = sentence.lower()
        if any(cue in lowered for cue in _CUES):
            score *= 1.5
        if index == 0:
            score *= 1.1
        if score > best_score:
            best, best_score = sentence, score
    return best


def key_sentence(paper: Paper, df: Counter[str], n: int) -> str:
    """The abstract sentence carrying the most shared, specific terms (cue phrases help)."""
    options = sentences(readable(paper.abstract or ""))
    if not options:
        return ""

    def weight(words: list[str]) -> float:
        return sum(math.log(1 + n / df[w]) for w in set(words) if df.get(w)) / math.sqrt(len(words) + 4)

    best = best_sentence(options, weight)
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
