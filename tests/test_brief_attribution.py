"""A brief that cites whatever the model: TL;DRs beside the markers in the prompt, and
hub's own attribution (``[≈N]``) of the statements a model left uncited.

Against the REAL litellm and the loopback OpenAI-compatible server of tests/test_brief.py;
the papers are synced from a local feed into a real SQLite cache.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from conftest import Result
from hubcli.brief import attribute, cite
from hubcli.brief.select import Numbered
from hubcli.models import Paper
from test_brief import LLMServer, Reply, _twelve_studies, brief, llm, papers_db, references

__all__ = ["llm", "papers_db"]  # the loopback model server and the synced cache of tests/test_brief.py
Hub = Callable[..., Result]
MATH = r"$\mathrm{graph\ neural\ network} = \sum_i x_i$"
CODE = "`session-based recommendation on MovieLens-1M`"
# one statement per paper, none with a marker; key: the paper's title in PAPERS
UNCITED = {
    "Graph neural networks for session-based recommendation":
        "A graph neural network improves session-based recommendation on MovieLens-1M over BERT4Rec.",
    "Protein folding with diffusion models":
        "A diffusion model predicts protein structures and matches AlphaFold on CASP15 targets.",
    "Retrieval-augmented generation for clinical notes":
        "Dense retrieval reduces hallucinated medication names in clinical notes.",
    "Reinforcement learning for recommendation slates":
        "Slate recommendation is cast as reinforcement learning with an off-policy correction.",
}


def _answer() -> str:
    body = "\n".join(f"- {sentence}" for sentence in UNCITED.values())
    return ("## Overview\nThese papers range widely, and a reader will find much to compare.\n\n"
            "## Graph neural network and session-based recommendation\n"
            f"{body}\n\nThe loss {MATH} is shared, and {CODE} is quoted as code.\n\n"
            "```\nA diffusion model predicts protein structures on CASP15 targets.\n```\n")


def _numbers(llm: LLMServer) -> dict[str, int]:
    """Title -> the number the papers were sent with."""
    return {title: number for number, title in llm.numbered_titles().items()}


def _statement_line(markdown: str, sentence: str) -> str:
    return next(line for line in markdown.splitlines() if sentence[:40] in line)


def test_an_answer_without_markers_gets_hub_attributions(hub: Hub, llm: LLMServer, papers_db: Path) -> None:
    llm.default = Reply(_answer())
    result = brief(hub, llm)
    assert result.exit_code == 0, result.stderr
    numbers, out = _numbers(llm), result.stdout
    for title, sentence in UNCITED.items():  # each statement credited to the paper it restates, and to it alone
        line = _statement_line(out, sentence)
        assert re.findall(r"\[≈([\d, ]+)\]", line) == [str(numbers[title])], line
    assert MATH in out and CODE in out  # never inside mathematics or code
    assert "```\nA diffusion model predicts protein structures on CASP15 targets.\n```" in out
    assert all("≈" not in line for line in out.splitlines() if line.startswith("#"))  # nor in headings
    assert "range widely" in out and "[≈" not in _statement_line(out, "These papers range widely")
    # hub's markers are explained under the text, and their papers are the references
    assert "[≈N]: attributed by hub, not cited by the model" in out
    assert sorted(references(out)) == sorted(numbers[title] for title in UNCITED)
    assert "statements: 0 cited by the model, 4 attributed by hub ([≈N], to 4 papers), 2 unattributed" in result.stderr
    assert "the model cited no paper; hub attributed 4 statements itself" in result.stderr
    # every paper was sent with its TL;DR beside its marker
    prompt = llm.user_prompt()
    assert all(f"TL;DR [P{n}]: " in prompt for n in numbers.values())


def test_never_a_paper_that_was_not_sent(hub: Hub, llm: LLMServer, papers_db: Path) -> None:
    llm.default = Reply(_answer())
    result = brief(hub, llm, "--limit", "2")
    assert result.exit_code == 0, result.stderr
    numbers = _numbers(llm)
    assert len(numbers) == 2
    for title, sentence in UNCITED.items():
        found = re.findall(r"\[≈([\d, ]+)\]", _statement_line(result.stdout, sentence))
        assert found == ([str(numbers[title])] if title in numbers else []), (title, found)
    assert set(references(result.stdout)) <= set(numbers.values())


def test_the_models_markers_are_kept_and_counted_apart(hub: Hub, llm: LLMServer, papers_db: Path) -> None:
    llm.default = Reply("## Overview\nGraph neural networks improve session-based recommendation [P1]. "
                        "A diffusion model predicts protein structures and matches AlphaFold on CASP15 targets.\n\n"
                        "## Notable papers\n- Dense retrieval grounds clinical notes (P3).\n")
    result = brief(hub, llm)
    assert result.exit_code == 0, result.stderr
    numbers = _numbers(llm)
    assert "Graph neural networks improve session-based recommendation [1]. " in result.stdout
    assert "Dense retrieval grounds clinical notes [3]." in result.stdout
    protein = numbers["Protein folding with diffusion models"]
    assert f"matches AlphaFold on CASP15 targets [≈{protein}]." in result.stdout
    assert "statements: 2 cited by the model, 1 attributed by hub ([≈N], to 1 paper), 0 unattributed" in result.stderr
    assert "cites no paper" not in result.stderr and "cited no paper" not in result.stderr


def test_a_chinese_answer_gets_attributions(hub: Hub, llm: LLMServer, papers_db: Path) -> None:
    llm.default = Reply("## 概述\n这些论文涉及多个领域。\n\n## 值得关注的论文\n"
                        "- 一篇论文提出用于 session-based recommendation 的 graph neural network，"
                        "在 MovieLens-1M 上优于 BERT4Rec。\n"
                        "- 另一篇用 diffusion model 预测 protein structures，在 CASP15 上与 AlphaFold 相当。\n")
    result = hub("--lang", "zh", "brief", "--model", "test-model", "--api-base", llm.base)
    assert result.exit_code == 0, result.stderr
    numbers = _numbers(llm)
    graph = numbers["Graph neural networks for session-based recommendation"]
    protein = numbers["Protein folding with diffusion models"]
    assert f"优于 BERT4Rec [≈{graph}]。" in result.stdout and f"与 AlphaFold 相当[≈{protein}]。" in result.stdout
    assert "[≈N]：由 hub 标注出处" in result.stdout
    assert "陈述：0 处由模型引用，2 处由 hub 标注出处" in result.stderr


def test_chinese_statements_match_a_chinese_tldr_by_character_bigrams() -> None:
    papers = [Paper(key="a", title="Protein folding with diffusion models", abstract="We predict protein structures."),
              Paper(key="b", title="Slate recommendation", abstract="Slates are recommended by RL."),
              Paper(key="c", title="Clinical notes", abstract="Retrieval for clinical notes.")]
    summaries = ["该文提出一种扩散模型来预测蛋白质结构，采样速度快十倍。", "把推荐列表建模为强化学习并做离策略校正。",
                 "检索增强生成减少了临床记录中的药名幻觉。"]
    sent = [Numbered(i + 1, p, 0, p.abstract, summary=s)
            for i, (p, s) in enumerate(zip(papers, summaries, strict=True))]
    text = "## 主题\n扩散模型可以预测蛋白质结构。强化学习用于推荐列表的离策略校正。这很有意思。\n"
    checked = cite.check(text, {1, 2, 3})
    done = attribute.attribute(checked.text, checked.marker_spans, sent)
    assert done.text == "## 主题\n扩散模型可以预测蛋白质结构[≈1]。强化学习用于推荐列表的离策略校正[≈2]。这很有意思。\n"
    assert (done.model, done.hub, done.papers) == (0, 2, [1, 2])


def test_statements_skip_math_code_blocks_and_headings() -> None:
    sent = [Numbered(1, Paper(key="a", title="Protein folding with diffusion models",
                              abstract="A diffusion model predicts protein structures."), 0, "")]
    text = ("# Protein folding with diffusion models\n$$\nprotein folding diffusion model structures\n$$\n"
            "Diffusion predicts protein structures $a.b$ in folding `x.y`\n")
    done = attribute.attribute(text, [], sent)
    assert done.text == text.replace("`x.y`", "`x.y` [≈1]")
    assert done.hub == 1


def test_tldrs_let_more_papers_into_one_call_of_a_small_context(hub: Hub, llm: LLMServer, tmp_path: Path,
                                                                hub_home: Path) -> None:
    _twelve_studies(hub, tmp_path, hub_home, "2604.7")  # a 2,400-token window: 12 whole abstracts need 3 calls
    dry = brief(hub, llm, "--dry-run")
    assert dry.exit_code == 0 and llm.bodies == []
    assert "group 2:" not in dry.stdout and "1 call(s)" in dry.stdout
    assert dry.stdout.count("(title and TL;DR only)") >= 6
    assert re.search(r"\d+ of 12 papers sent as title and TL;DR only, so that they fit one call", dry.stderr)
    llm.default = Reply("## Overview\nSparse attention kernels and memory bandwidth, study after study.")
    result = brief(hub, llm)
    assert result.exit_code == 0, result.stderr
    assert len(llm.bodies) == 1 and len(llm.numbered_titles()) == 12
    prompt = llm.user_prompt()
    assert prompt.count("TL;DR [P") == 12 and 1 <= prompt.count("Abstract: ") < 12


def test_a_sentence_about_the_whole_set_or_a_themes_name_needs_a_titles_evidence() -> None:
    # what Qwen2.5-Coder 1.5B wrote on 8 math.AP papers: an overview and a theme's bold name
    papers = [Paper(key="a", title="Removing singularities for fully nonlinear PDEs",
                    abstract="We show removability of half-line singularities for viscosity solutions of fully "
                             "nonlinear elliptic PDEs."),
              Paper(key="b", title="Uniqueness of semigraphical translators",
                    abstract="We prove the uniqueness of pitchfork and helicoid translators of the mean "
                             "curvature flow.")]
    sent = [Numbered(i + 1, p, 0, p.abstract) for i, p in enumerate(papers)]
    text = ("This set of papers focuses on partial differential equations, including nonlinear PDEs.\n"
            "1. **Nonlinear PDEs and Fractional PDEs**\n"
            "   - Removability of half-line singularities holds for viscosity solutions of fully nonlinear PDEs.\n"
            "2. **Uniqueness of semigraphical translators**\n")
    done = attribute.attribute(text, [], sent)
    assert done.text == text.replace("PDEs.\n2", "PDEs [≈1].\n2").replace("translators**\n", "translators** [≈2]\n")
    assert (done.hub, done.none) == (2, 1)  # the theme's name is no statement; the overview stays unattributed
