"""Messages of ``hub brief``, in English and Simplified Chinese."""

from __future__ import annotations

BRIEF_MESSAGES: dict[str, dict[str, str]] = {
    # --- help -----------------------------------------------------------------------
    "cmd_brief": {
        "en": "Write a cross-disciplinary briefing of the selected papers as Markdown, by a language model "
              "(or, with no model or --offline, an extractive digest computed locally). The model is --model, "
              "env HUB_MODEL or config [llm] model; keys come from the provider's usual variables "
              "(OPENAI_API_KEY, ...).\n\nExample: hub brief --topic recsys --since 1w --model openai/gpt-4o-mini -o brief.md",
        "zh": "用语言模型为所选论文撰写跨学科简报（Markdown）；未配置模型或使用 --offline 时，在本地生成抽取式摘要。"
              "模型由 --model、环境变量 HUB_MODEL 或配置 [llm] model 指定；密钥取自服务商常用的环境变量（OPENAI_API_KEY 等）。"
              "\n\n示例：hub brief --topic recsys --since 1w --model openai/gpt-4o-mini -o brief.md",
    },
    "opt_brief_limit": {"en": "Consider at most N papers, best ranked first (default 50).",
                        "zh": "最多考虑 N 篇论文，按排名优先（默认 50）。"},
    "opt_brief_model": {"en": "litellm model string: openai/gpt-4o-mini, anthropic/..., ollama_chat/qwen2.5, or openai/NAME with --api-base.",
                        "zh": "litellm 模型名：openai/gpt-4o-mini、anthropic/…、ollama_chat/qwen2.5，或配合 --api-base 使用 openai/名称。"},
    "opt_brief_api_base": {"en": "Base URL of an OpenAI-compatible server, e.g. http://localhost:8000/v1 (/v1 is added when missing).",
                           "zh": "OpenAI 兼容服务的地址，例如 http://localhost:8000/v1（缺少 /v1 时自动补上）。"},
    "opt_brief_timeout": {"en": "Longest wait, in seconds, for the next part of the answer, the first one included "
                                "(config [llm] timeout; default 120).",
                          "zh": "等待回答下一部分（包括第一部分）的最长秒数（配置 [llm] timeout；默认 120）。"},
    "opt_brief_dry_run": {"en": "Print the selected papers and the token estimate; call no model.",
                          "zh": "只列出所选论文和 token 估算，不调用模型。"},
    "opt_brief_offline": {"en": "Write the local extractive digest instead of asking a model.",
                          "zh": "不调用模型，改为生成本地抽取式摘要。"},
    "opt_brief_no_cache": {"en": "Ask the model again even when the same request is cached.",
                           "zh": "即使已有相同请求的缓存，也重新调用模型。"},
    "opt_brief_output": {"en": "Write the Markdown to FILE (atomically) instead of stdout.",
                         "zh": "将 Markdown 写入 FILE（原子写入），而不是标准输出。"},
    # --- selection ------------------------------------------------------------------
    "brief_no_papers_cache_empty": {"en": "no papers to brief: the cache is empty; run 'hub sync' first",
                                    "zh": "没有可写简报的论文：缓存为空；请先运行 'hub sync'"},
    "brief_no_papers": {"en": "no papers match these filters; nothing to brief",
                        "zh": "没有符合筛选条件的论文；无法生成简报"},
    "brief_not_considered": {"en": "{more} more matching {more|paper|papers} {more|ranks|rank} below the first {limit} and {more|is|are} not considered (--limit)",
                             "zh": "另有 {more} 篇符合条件的论文排在前 {limit} 篇之后，未纳入（--limit）"},
    "brief_left_out": {
        "en": "{count} lower-ranked {count|paper|papers} left out: {sent} {sent|paper|papers} fill {calls} {calls|call|calls} within the {window}-token context window "
              "(narrow the filters, lower --limit, or raise [llm] context_window)",
        "zh": "排名靠后的 {count} 篇论文未纳入：{sent} 篇论文已占满 {window} token 上下文窗口下的 {calls} 次调用"
              "（可收窄筛选条件、调低 --limit，或调大 [llm] context_window）",
    },
    "brief_truncated": {"en": "the abstract of [{number}] {title} was shortened to fit the context window",
                        "zh": "[{number}] {title} 的摘要过长，已截短以适应上下文窗口"},
    "brief_map_reduce": {"en": "{count} {count|paper|papers} {count|does|do} not fit one call: summarising {groups} {groups|group|groups} first, then combining them",
                         "zh": "{count} 篇论文无法放入一次调用：先分 {groups} 组总结，再综合成简报"},
    "brief_window_too_small": {"en": "a context window of {window} tokens leaves no room for papers after {output} output tokens; "
                                     "set [llm] context_window or [llm] max_output_tokens",
                               "zh": "{window} token 的上下文窗口在预留 {output} 个输出 token 后已无空间放论文；"
                                     "请设置 [llm] context_window 或 [llm] max_output_tokens"},
    # --- configuration ----------------------------------------------------------------
    "brief_bad_api_base": {"en": "bad --api-base '{value}': use a URL such as http://localhost:8000/v1",
                           "zh": "无效的 --api-base '{value}'：请使用 http://localhost:8000/v1 这样的 URL"},
    "brief_bad_max_time": {"en": "--max-time must be a number of seconds above 0, not {value}",
                           "zh": "--max-time 必须是大于 0 的秒数，而不是 {value}"},
    "brief_bad_timeout": {"en": "--timeout must be a number of seconds above 0, not {value}", "zh": "--timeout 必须是大于 0 的秒数，而不是 {value}"},
    "brief_api_base_needs_model": {"en": "--api-base needs a model name: add --model NAME (the name the server serves)",
                                   "zh": "--api-base 需要模型名：请加上 --model 名称（服务端提供的模型名）"},
    "brief_no_model_hint": {
        "en": "no model configured, so this is the offline extractive digest. For an LLM briefing use --model "
              "(e.g. openai/gpt-4o-mini with OPENAI_API_KEY set, or ollama_chat/qwen2.5), env HUB_MODEL, "
              "or [llm] model in {config}",
        "zh": "未配置模型，因此输出的是离线抽取式摘要。如需 LLM 简报，请使用 --model"
              "（例如设置 OPENAI_API_KEY 后用 openai/gpt-4o-mini，或 ollama_chat/qwen2.5）、环境变量 HUB_MODEL，"
              "或在 {config} 中设置 [llm] model",
    },
    "brief_offline_hint_model": {"en": "offline digest written; drop --offline to ask {model} for a briefing",
                                 "zh": "已生成离线摘要；去掉 --offline 即可让 {model} 撰写简报"},
    # --- the call ---------------------------------------------------------------------
    "brief_asking": {"en": "asking {model} about {count} {count|paper|papers} (≈{tokens} prompt tokens)…",
                     "zh": "正在请 {model} 阅读 {count} 篇论文（约 {tokens} 个提示 token）…"},
    "brief_asking_group": {"en": "asking {model} to summarise group {index} of {groups} (papers [{first}]–[{last}])…",
                           "zh": "正在请 {model} 总结第 {index}/{groups} 组（论文 [{first}]–[{last}]）…"},
    "brief_asking_synthesis": {"en": "asking {model} to combine the {groups} group summaries…",
                               "zh": "正在请 {model} 综合 {groups} 组总结…"},
    "brief_receiving": {"en": "receiving… {chars} characters", "zh": "接收中… {chars} 个字符"},
    "brief_cut_short": {"en": "the answer reached the {tokens}-token output limit and may be cut short (raise [llm] max_output_tokens)",
                        "zh": "回答达到 {tokens} 个输出 token 的上限，可能不完整（可调大 [llm] max_output_tokens）"},
    "brief_cache_write_failed": {"en": "the answer could not be cached: {reason}", "zh": "无法缓存回答：{reason}"},
    "brief_from_cache": {"en": "from the cache (answered {when}); no model call was made; --no-cache asks again",
                         "zh": "来自缓存（回答于 {when}）；未调用模型；使用 --no-cache 可重新请求"},
    "brief_partly_cached": {"en": "{cached} more answers came from the cache", "zh": "另有 {cached} 个回答来自缓存"},
    "brief_usage": {"en": "{calls} model call(s) · {tokens} · cost {cost} · {seconds} s",
                    "zh": "{calls} 次模型调用 · {tokens} · 费用 {cost} · {seconds} 秒"},
    "brief_tokens": {"en": "{total} tokens ({prompt} in, {completion} out)",
                     "zh": "{total} 个 token（输入 {prompt}，输出 {completion}）"},
    "brief_tokens_unknown": {"en": "tokens not reported", "zh": "未报告 token 数"},
    "brief_cost_unknown": {"en": "unknown", "zh": "未知"},
    # --- errors -----------------------------------------------------------------------
    "brief_no_key": {"en": "no API key for {model}: set {keys} in the environment (hub never stores keys)",
                     "zh": "{model} 缺少 API 密钥：请在环境变量中设置 {keys}（hub 从不保存密钥）"},
    "brief_auth": {"en": "{model}: authentication failed (HTTP {status}); check the provider's API key variable, e.g. OPENAI_API_KEY, or use --offline for the offline digest",
                   "zh": "{model}：认证失败（HTTP {status}）；请检查服务商的 API 密钥环境变量，例如 OPENAI_API_KEY，或用 --offline 生成离线摘要"},
    "brief_timeout": {"en": "{model} sent nothing for {seconds} s (--timeout or [llm] timeout)",
                      "zh": "{model} 已有 {seconds} 秒没有发送任何内容（--timeout 或 [llm] timeout）"},
    "brief_rate_limit": {"en": "{model}: rate limit or quota reached (HTTP 429); try again later",
                         "zh": "{model}：达到速率限制或配额（HTTP 429）；请稍后再试"},
    "brief_context": {"en": "the prompt is longer than {model}'s context window; lower --limit or set [llm] context_window",
                      "zh": "提示超出 {model} 的上下文窗口；请调低 --limit 或设置 [llm] context_window"},
    "brief_model_not_found": {"en": "model {model} not found at {where}: {detail}", "zh": "在 {where} 找不到模型 {model}：{detail}"},
    "brief_unreachable": {"en": "cannot reach the model server at {where} (is it running? check --api-base, or use --offline for the offline digest)",
                          "zh": "无法连接模型服务 {where}（服务是否在运行？请检查 --api-base，或用 --offline 生成离线摘要）"},
    "brief_bad_request": {"en": "{model} rejected the request: {detail}", "zh": "{model} 拒绝了请求：{detail}"},
    "brief_server_error": {"en": "{model}: server error (HTTP {status}): {detail}", "zh": "{model}：服务端错误（HTTP {status}）：{detail}"},
    "brief_failed": {"en": "the call to {model} failed: {detail}", "zh": "调用 {model} 失败：{detail}"},
    "brief_empty_answer": {"en": "{model} returned an empty answer", "zh": "{model} 返回了空回答"},
    # --- real-model hardening: time, budgets from the server, the check's report ----
    "opt_brief_max_time": {"en": "Seconds one model call may take in total, retries included (config [llm] max_time; default 600).",
                           "zh": "一次模型调用（含重试）总共最多用时的秒数（配置 [llm] max_time；默认 600）。"},
    "brief_timeout_retried": {"en": "{model} sent nothing for {seconds} s, {tries} times ({total} s in total); "
                                    "raise --timeout for a slow model",
                              "zh": "{model} 已 {tries} 次在 {seconds} 秒内没有发送任何内容（共 {total} 秒）；"
                                    "模型较慢时请调大 --timeout"},
    "brief_deadline": {"en": "{model} did not finish within {seconds} s in total (attempts: {tries}; --max-time or [llm] max_time; "
                             "the wait for each part is --timeout, {timeout} s)",
                       "zh": "{model} 未能在总共 {seconds} 秒内完成（尝试次数：{tries}；--max-time 或 [llm] max_time；"
                             "每部分的等待时间为 --timeout，{timeout} 秒）"},
    "brief_retrying": {"en": "{reason}; trying again ({attempt} of {retries}, {left} s left)",
                       "zh": "{reason}；正在重试（第 {attempt}/{retries} 次，剩余 {left} 秒）"},
    "brief_repeated": {"en": "{message} ({count} {count|call|calls})", "zh": "{message}（{count} 次调用）"},
    "brief_context_full": {
        "en": "the server stopped the answer after {completion} of {tokens} tokens: the prompt ({prompt} tokens) and the "
              "answer filled the model's context window ({window} tokens planned); start the server with a larger context "
              "(llama-server -c, vLLM --max-model-len) or lower --limit",
        "zh": "服务端在输出 {completion}/{tokens} 个 token 后停止了回答：提示（{prompt} 个 token）和回答占满了模型的上下文窗口"
              "（按 {window} token 规划）；请以更大的上下文启动服务（llama-server -c、vLLM --max-model-len），或调低 --limit",
    },
    "brief_cut_short_unknown": {"en": "the server stopped the answer early (finish_reason \"length\"): the {tokens}-token output "
                                      "limit or the context window was reached",
                                "zh": "服务端提前结束了回答（finish_reason \"length\"）：达到了 {tokens} 个输出 token 的上限或上下文窗口"},
    "brief_check_report": {"en": "citation check: {markers} {markers|marker|markers} for {cited} of {count} {count|paper|papers}, {rejected} rejected; "
                                 "{left} bracketed numbers left as written; {spans} math/code spans untouched",
                           "zh": "引用核对：{markers} 处引用，涉及 {count} 篇中的 {cited} 篇，{rejected} 处被拒绝；"
                                 "{left} 处方括号数字保持原样；{spans} 段数学公式或代码未作改动"},
    "brief_left_as_written": {"en": "left as written, not read as citations: {items}",
                              "zh": "保持原样、未视为引用：{items}"},
    "brief_dry_window_server": {"en": "reported by the server, {where}", "zh": "服务端报告，{where}"},
    "brief_also_covered": {"en": "Also covered (not cited)", "zh": "其他纳入的论文（未引用）"},
    "brief_papers_covered": {"en": "Papers covered", "zh": "本简报涵盖的论文"},
    # --- the document -----------------------------------------------------------------
    "brief_title": {"en": "Research briefing", "zh": "研究简报"},
    "brief_count": {"en": "{count} {count|paper|papers}", "zh": "{count} 篇论文"},
    "brief_count_one": {"en": "1 paper", "zh": "1 篇论文"},
    "brief_references": {"en": "References", "zh": "参考文献"},
    "brief_et_al": {"en": "et al.", "zh": "等"},
    "brief_written": {"en": "wrote {path}", "zh": "已写入 {path}"},
    "brief_invalid_markers": {"en": "the model cited {markers}, but no such paper was sent (papers are P1–P{count}); marked [?] in the text",
                              "zh": "模型引用了 {markers}，但并未发送这样的论文（论文编号为 P1–P{count}）；已在正文中标记为 [?]"},
    "brief_no_citations": {"en": "the briefing cites no paper; the papers it covered are listed at the end",
                           "zh": "简报没有引用任何论文；文末列出了它涵盖的论文"},
    # --- TL;DRs in the prompt, hub's attribution ------------------------------------
    "brief_compact": {"en": "{compact} of {count} papers sent as title and TL;DR only, so that they fit one call in the "
                            "{window}-token context window",
                      "zh": "{count} 篇论文中有 {compact} 篇只发送标题和 TL;DR，以便在 {window} token 的上下文窗口内一次调用完成"},
    "brief_dry_compact": {"en": "title and TL;DR only", "zh": "仅标题和 TL;DR"},
    "brief_no_model_citations": {"en": "the model cited no paper; hub attributed {hub} {hub|statement|statements} itself, marked [≈N]",
                                 "zh": "模型没有引用任何论文；hub 自行为 {hub} 处陈述标注了出处，标记为 [≈N]"},
    "brief_attribution_report": {
        "en": "statements: {model} cited by the model, {hub} attributed by hub ([≈N], to {papers} {papers|paper|papers}), "
              "{none} unattributed",
        "zh": "陈述：{model} 处由模型引用，{hub} 处由 hub 标注出处（[≈N]，涉及 {papers} 篇论文），{none} 处无出处",
    },
    "brief_hub_marker_note": {
        "en": "[≈N]: attributed by hub, not cited by the model: the statement shares distinctive terms with paper N's "
              "title, TL;DR or abstract. Check it like any citation.",
        "zh": "[≈N]：由 hub 标注出处，并非模型引用：该陈述与论文 N 的标题、TL;DR 或摘要有共同的特征术语。请像核对其他引用一样核对。",
    },
    # --- offline digest ---------------------------------------------------------------
    "brief_digest_title": {"en": "Offline digest (extractive, no language model)", "zh": "离线摘要（抽取式，未使用语言模型）"},
    "brief_digest_note": {
        "en": "Computed locally from {count} {count|paper|papers} ({span}): grouped by meaning (papers that share distinctive "
              "terms and categories, each group named by the terms its papers share), with one key sentence quoted from each "
              "abstract. No model wrote or checked this text.",
        "zh": "在本地根据 {count} 篇论文（{span}）计算：按含义分组（共享特征术语和分类的论文归为一组，组名取自组内论文共有的术语），"
              "每篇引用摘要中的一句关键句。本文未经任何模型撰写或核对。",
    },
    "brief_digest_count": {"en": "{count} {count|paper|papers}", "zh": "{count} 篇"},
    "brief_digest_count_one": {"en": "1 paper", "zh": "1 篇"},
    "brief_digest_other_papers": {"en": "Other papers", "zh": "其他论文"},
    "brief_digest_et_al": {"en": "et al.", "zh": "等"},
    # --- dry run ----------------------------------------------------------------------
    "brief_dry_model": {"en": "model: {model} · context window {window} tokens ({source}) · {output} reserved for the answer",
                        "zh": "模型：{model} · 上下文窗口 {window} token（{source}）· 为回答预留 {output}"},
    "brief_dry_window_config": {"en": "from [llm] context_window", "zh": "来自 [llm] context_window"},
    "brief_dry_window_litellm": {"en": "from litellm's model map", "zh": "来自 litellm 模型表"},
    "brief_dry_window_default": {"en": "default for models litellm does not know", "zh": "litellm 未收录模型的默认值"},
    "brief_dry_papers": {"en": "papers: {sent} selected of {matched} matching · up to {budget} tokens of papers per call · {calls} call(s)",
                         "zh": "论文：从 {matched} 篇符合条件的论文中选出 {sent} 篇 · 每次调用最多 {budget} 个论文 token · {calls} 次调用"},
    "brief_dry_group": {"en": "group {index}: papers [{first}]–[{last}]", "zh": "第 {index} 组：论文 [{first}]–[{last}]"},
    "brief_dry_left_out": {"en": "left out", "zh": "未纳入"},
    "brief_dry_estimate": {"en": "estimate: ≈{prompt} prompt tokens, up to {output} output tokens per call, {calls} call(s); no model was called",
                           "zh": "估算：约 {prompt} 个提示 token，每次调用最多 {output} 个输出 token，共 {calls} 次调用；未调用模型"},
    "brief_dry_offline": {"en": "--offline: the local digest would be written; {model} would not be called",
                          "zh": "--offline：将生成本地摘要，不会调用 {model}"},
    "brief_dry_no_model": {"en": "no model configured: the local digest would be written (no tokens, no call)",
                           "zh": "未配置模型：将生成本地摘要（不消耗 token，不调用模型）"},
    "brief_dry_offline_papers": {"en": "papers: {count} of {matched} matching", "zh": "论文：{matched} 篇符合条件，选取 {count} 篇"},
}
