"""The offline brief groups papers by meaning, on a real arXiv day of every archive.

The corpus feed (1,504 papers of 2024-11-28, all archives) is synced into a real SQLite
cache and ``hub brief --offline`` is read as a user reads it: the group headings and each
paper's line, with its primary category.  Papers of clearly different fields (algebraic
geometry and radio astronomy, say) never share a named group.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from conftest import Result, corpus_file
from hubcli.brief import offline
from hubcli.models import Paper

Hub = Callable[..., Result]
FEED = "arxiv-rss2024-all-archives-2024-11-28.xml"
FIELDS = {"astro-ph": "astronomy", "math": "mathematics", "q-bio": "biology", "cs": "computing", "stat": "statistics",
          "econ": "economics", "q-fin": "finance", "eess": "engineering"}
# fields a group may join: neighbours, not strangers
NEIGHBOURS = {frozenset(pair) for pair in [
    ("physics", "astronomy"), ("physics", "mathematics"), ("mathematics", "statistics"), ("computing", "statistics"),
    ("computing", "engineering"), ("computing", "mathematics"), ("statistics", "economics"),
    ("economics", "finance"), ("statistics", "finance"), ("biology", "computing"), ("biology", "statistics"),
    ("physics", "engineering"), ("physics", "computing")]}
_CATEGORY_RE = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z\-]+)?$")


def field_of(category: str) -> str:
    archive = category.split(".", 1)[0]
    if category in ("math-ph", "math.MP"):
        return "physics"
    return FIELDS.get(archive, "physics")  # hep-*, gr-qc, nucl-*, cond-mat, quant-ph, physics, nlin


def groups_seen(markdown: str) -> dict[str, list[tuple[str, str]]]:
    """Heading label -> [(title, primary category)] as the digest shows them."""
    found: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in markdown.splitlines():
        heading = re.match(r"^## (.*) \(\d+ papers?\)$", line)
        if heading:
            current = heading.group(1)
            found[current] = []
        elif current and line.startswith("- **"):
            title = line[4:line.index("**", 4)]
            categories = [part for part in line.split(" · ") if _CATEGORY_RE.match(part)]
            found[current].append((title, categories[0] if categories else ""))
    return found


def test_papers_of_clearly_different_fields_never_share_a_group(hub: Hub) -> None:
    feed = corpus_file(FEED)
    assert hub("sync", str(feed)).exit_code == 0
    result = hub("brief", "--offline", "--limit", "300")
    assert result.exit_code == 0, result.stderr
    seen = groups_seen(result.stdout)
    assert list(seen)[-1] == "Other papers"
    named = {label: members for label, members in seen.items() if label != "Other papers"}
    assert len(named) >= 10 and sum(len(m) for m in seen.values()) == 300
    for label, members in named.items():
        assert len(members) >= 2 and label.strip()
        fields = {field_of(category) for _, category in members}
        for a in fields:
            for b in fields - {a}:
                assert frozenset((a, b)) in NEIGHBOURS, (label, members)
    # the day the issue saw: a Tjurina-spectrum paper and a star-planet radio paper in one "image" group
    day = groups_seen(hub("brief", "--offline", "--limit", "50").stdout)
    for label, members in day.items():
        titles = " ".join(title for title, _ in members)
        if label != "Other papers":
            assert not ("Tjurina" in titles and "star-planet" in titles), label
            assert len({field_of(category) for _, category in members} - {"physics", "astronomy"}) <= 1, label


def test_groups_are_named_by_the_terms_their_papers_share() -> None:
    def paper(i: int, title: str, abstract: str, category: str) -> Paper:
        return Paper(key=f"k{i}", title=title, abstract=abstract, primary_category=category, categories=[category])

    papers = [
        paper(1, "Diffusion models for protein structure", "A diffusion model samples protein structures.", "q-bio.BM"),
        paper(2, "Protein structure prediction by diffusion", "Protein structures predicted by a diffusion model.",
              "q-bio.BM"),
        paper(3, "Bandit algorithms for recommendation", "Multi-armed bandits recommend items online.", "cs.IR"),
        paper(4, "Contextual bandits in recommendation", "Contextual bandits for online recommendation.", "cs.IR"),
        paper(5, "Tjurina spectrum of plane curves", "The Tjurina spectrum of an isolated singularity.", "math.AG"),
    ]
    groups = offline.group(papers, "en")
    labels = [label for label, _ in groups]
    assert [sorted(p.key for p in members) for _, members in groups] == [["k1", "k2"], ["k3", "k4"], ["k5"]]
    assert "protein" in labels[0] and "diffusion" in labels[0] and "bandit" in labels[1]
    assert labels[2] == "Other papers"
    assert offline.group(papers, "zh")[-1][0] == "其他论文"
