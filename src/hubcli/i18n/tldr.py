"""Messages of tldr (see the issue that introduced it), in English and Simplified Chinese."""

from __future__ import annotations

TLDR_MESSAGES: dict[str, dict[str, str]] = {
    # --- options -------------------------------------------------------------------------
    "opt_tldr": {
        "en": "Show a one- or two-sentence TL;DR per paper, written by the configured model in the run's "
              "language (cached: each paper is asked once; [llm] tldr_per_day caps a day's). Without a model: "
              "the abstract's key sentence, marked \"extracted\".",
        "zh": "为每篇论文显示一到两句的 TL;DR，由已配置的模型以本次运行的语言撰写（有缓存：每篇只询问一次；"
              "[llm] tldr_per_day 限制每天的数量）。未配置模型时：显示摘要中的关键句，标注为“摘录”。",
    },
    "opt_tldr_offline": {
        "en": "With --tldr: ask no model; TL;DRs already kept are shown, the abstract's key sentence for the rest.",
        "zh": "与 --tldr 同用：不询问模型；显示已缓存的 TL;DR，其余显示摘要中的关键句。",
    },
    # --- what happened -------------------------------------------------------------------
    "tldr_progress": {"en": "TL;DRs", "zh": "TL;DR 速览"},
    "tldr_progress_count": {"en": "TL;DRs: {done} of {total} papers…", "zh": "TL;DR：{done}/{total} 篇…"},
    "tldr_from_cache": {"en": "TL;DRs of {count} {count|paper|papers} from the cache (no model call)",
                        "zh": "{count} 篇论文的 TL;DR 来自缓存（未调用模型）"},
    "tldr_usage": {
        "en": "TL;DRs: {count} {count|paper|papers} by {model} · {calls} {calls|request|requests} · {tokens} · "
              "cost {cost} · {seconds} s",
        "zh": "TL;DR：{model} 撰写了 {count} 篇 · {calls} 次请求 · {tokens} · 费用 {cost} · {seconds} 秒",
    },
    "tldr_extracted_no_model": {
        "en": "no model configured, so the {count} {count|TL;DR is|TL;DRs are} the abstracts' key sentences "
              "(marked \"extracted\"). To have a model write them, set env HUB_MODEL (e.g. openai/gpt-4o-mini "
              "with OPENAI_API_KEY set, or ollama_chat/qwen2.5) or [llm] model in {config}",
        "zh": "未配置模型，因此这 {count} 条 TL;DR 是摘要中的关键句（标注为“摘录”）。如需由模型撰写，请设置环境变量 "
              "HUB_MODEL（例如 openai/gpt-4o-mini 并设置 OPENAI_API_KEY，或 ollama_chat/qwen2.5），"
              "或在 {config} 中设置 [llm] model",
    },
    "tldr_extracted_offline": {
        "en": "--offline: {count} {count|TL;DR is|TL;DRs are} the abstracts' key sentences (marked \"extracted\")",
        "zh": "--offline：{count} 条 TL;DR 是摘要中的关键句（标注为“摘录”）",
    },
    "tldr_model_failed": {
        "en": "{reason}; {count} {count|TL;DR is|TL;DRs are} the abstracts' key sentences instead "
              "(marked \"extracted\")",
        "zh": "{reason}；改为显示 {count} 条摘要关键句作为 TL;DR（标注为“摘录”）",
    },
    "tldr_unusable": {
        "en": "{model} gave no usable TL;DR for {count} of {total} papers (missing from its answer, only the "
              "title again, or with a number the abstract does not give); their abstracts' key sentences are shown "
              "(marked \"extracted\")",
        "zh": "{model} 没有为 {total} 篇中的 {count} 篇给出可用的 TL;DR（回答中缺失、只重复标题，或含有摘要中没有的数字）；"
              "改为显示其摘要关键句（标注为“摘录”）",
    },
    "tldr_daily_cap": {
        "en": "the daily TL;DR cap of {cap} papers is reached ([llm] tldr_per_day): {count} "
              "{count|TL;DR is|TL;DRs are} the abstracts' key sentences (marked \"extracted\")",
        "zh": "已达到每日 TL;DR 上限 {cap} 篇（[llm] tldr_per_day）：{count} 条 TL;DR 为摘要关键句（标注为“摘录”）",
    },
    "tldr_cache_write_failed": {"en": "TL;DRs not kept for next time: {reason}",
                                "zh": "TL;DR 未能缓存：{reason}"},
    # --- cards ---------------------------------------------------------------------------
    "card_tldr": {"en": "TL;DR", "zh": "TL;DR 速览"},
    "card_tldr_extracted": {"en": "TL;DR (extracted)", "zh": "TL;DR 速览（摘录原句）"},
    "card_tldr_line": {"en": "TL;DR: {text}", "zh": "TL;DR 速览：{text}"},
    "card_tldr_extracted_line": {"en": "TL;DR (extracted): {text}", "zh": "TL;DR 速览（摘录原句）：{text}"},
    # --- the page ------------------------------------------------------------------------
    "web_tldr_button": {"en": "TL;DR", "zh": "TL;DR 速览"},
    "web_tldr_button_title": {"en": "Ask the configured model for this paper's TL;DR",
                              "zh": "请已配置的模型为这篇论文撰写 TL;DR"},
}
