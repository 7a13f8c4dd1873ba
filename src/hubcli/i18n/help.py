"""Help texts for commands and options, in English and Simplified Chinese."""

from __future__ import annotations

HELP: dict[str, dict[str, str]] = {
    "app_help": {
        "en": "hub: a research radar for the terminal. Sync arXiv and journal feeds into a local cache, "
              "list and filter papers, shuffle a fresh batch, and write LLM briefings.",
        "zh": "hub：终端里的科研雷达。将 arXiv 与期刊订阅同步到本地缓存，按条件列出和筛选论文，换一批随机论文，并生成 LLM 简报。",
    },
    "app_epilog": {
        "en": "Example: hub sync && hub papers --author \"Lichan Hong\"",
        "zh": "示例：hub sync && hub papers --author \"Lichan Hong\"",
    },
    "opt_version": {"en": "Show the version and exit.", "zh": "显示版本并退出。"},
    "opt_lang": {"en": "Language of every screen: en or zh (env HUB_LANG).", "zh": "界面语言：en 或 zh（环境变量 HUB_LANG）。"},
    "opt_db": {"en": "Database file to use (env HUB_DB).", "zh": "使用的数据库文件（环境变量 HUB_DB）。"},
    # --- daily-use conventions: pager, completion, open --pdf ---------
    "opt_no_pager": {"en": "Do not page long listings through $PAGER (default: less -R on a terminal).",
                     "zh": "不通过 $PAGER 分页显示长列表（终端上默认 less -R）。"},
    "opt_install_completion": {"en": "Install completion for bash, zsh or fish (default: the shell you use).",
                               "zh": "为 bash、zsh 或 fish 安装补全（默认：当前使用的 shell）。"},
    "opt_show_completion": {"en": "Print the completion script for bash, zsh or fish, e.g. eval \"$(hub --show-completion bash)\".",
                            "zh": "输出 bash、zsh 或 fish 的补全脚本，例如 eval \"$(hub --show-completion bash)\"。"},
    "opt_open_pdf": {"en": "Open the PDF instead of the abstract page.", "zh": "打开 PDF，而不是摘要页面。"},
    "opt_author": {"en": "Papers by this author (repeatable; any of them). Forgives case, accents, 'Hong, Lichan', 'L. Hong'.",
                   "zh": "该作者的论文（可重复，任一匹配即可）。忽略大小写与重音，支持 'Hong, Lichan'、'L. Hong'。"},
    "opt_category": {"en": "arXiv category such as cs.IR, or a journal subject such as \"Scientific Community\" "
                            "(any case and spacing; repeatable).",
                     "zh": "arXiv 分类（例如 cs.IR）或期刊主题（例如 \"Scientific Community\"，不分大小写和空格；可重复）。"},
    "opt_source": {"en": "Only papers listed by this source (spec or label).", "zh": "仅显示该来源（订阅或标签）列出的论文。"},
    "opt_journal": {"en": "Only papers of this journal (its name, any case).", "zh": "仅显示该期刊的论文（期刊名，不区分大小写）。"},
    "opt_search": {"en": "Full text over title, abstract and authors; \"phrases\", OR, prefix*.",
                   "zh": "在标题、摘要和作者中全文搜索；支持 \"短语\"、OR、前缀*。"},
    "opt_topic": {"en": "A saved topic (see 'hub topics').", "zh": "已保存的主题（见 'hub topics'）。"},
    "opt_since": {"en": "On or after this date: YYYY-MM-DD, or 7d, 2w, 3m, 1y ago.", "zh": "不早于该日期：YYYY-MM-DD，或 7d、2w、3m、1y 之前。"},
    "opt_until": {"en": "On or before this date: YYYY-MM-DD, or 7d, 2w, 3m, 1y ago.", "zh": "不晚于该日期：YYYY-MM-DD，或 7d、2w、3m、1y 之前。"},
    "opt_type": {"en": "Announce type: new, cross, replace, replace-cross (repeatable).", "zh": "公告类型：new、cross、replace、replace-cross（可重复）。"},
    "opt_unseen": {"en": "Only papers new or changed since the last 'hub radar'.", "zh": "仅显示上次 'hub radar' 之后新增或更新的论文。"},
    "opt_page": {"en": "Page number (from 1).", "zh": "页码（从 1 开始）。"},
    "opt_per_page": {"en": "Papers per page (config per_page; default 10).", "zh": "每页论文数（配置 per_page；默认 10）。"},
    "opt_sort": {"en": "date (newest first) or relevance (with --search or --topic).", "zh": "date（最新在前）或 relevance（配合 --search 或 --topic）。"},
    "opt_format": {"en": "panels, plain, json, jsonl, csv, markdown or bibtex (default: panels on a terminal, plain when piped).",
                   "zh": "panels、plain、json、jsonl、csv、markdown 或 bibtex（默认：终端为 panels，管道为 plain）。"},
    "opt_n": {"en": "How many papers in the batch.", "zh": "每批论文数量。"},
    "opt_seed": {"en": "Seed for a reproducible batch (does not touch the shuffle history).", "zh": "可复现批次的随机种子（不影响换一批的历史）。"},
    "opt_jobs": {"en": "How many sources to fetch at once.", "zh": "同时抓取的来源数量。"},
    "opt_quiet": {"en": "Print only failures.", "zh": "只输出失败信息。"},
    "opt_sync_author": {"en": "Also backfill this author's papers from the arXiv API (repeatable).",
                        "zh": "同时从 arXiv API 回填该作者的论文（可重复）。"},
    "opt_label": {"en": "Label shown on cards (default: the seed page's style, or the feed's title).",
                  "zh": "卡片上显示的标签（默认：种子页风格或订阅标题）。"},
    "opt_json": {"en": "Print JSON.", "zh": "输出 JSON。"},
    "arg_sources": {"en": "Sources to sync (default: every subscription).", "zh": "要同步的来源（默认：全部订阅）。"},
    "arg_subscribed": {"en": "One or more sources as they are subscribed (see hub feeds list).", "zh": "一个或多个已订阅的来源（见 hub feeds list）。"},
    "arg_source": {"en": "arxiv:cs.AI, arxiv:cs.AI+cs.CL, biorxiv:SUBJECT, medrxiv:SUBJECT, a URL or a feed file.",
                   "zh": "arxiv:cs.AI、arxiv:cs.AI+cs.CL、biorxiv:学科、medrxiv:学科、URL 或订阅文件。"},
    "arg_id": {"en": "arXiv id (with or without version), arxiv:/doi: id, a DOI, or a card number of the last listing.", "zh": "arXiv 编号（可带版本）、arxiv:/doi: 编号、DOI，或上一次列表中的卡片编号。"},
    "cmd_sync": {"en": "Fetch every subscribed feed (or the ones named) into the cache.\n\nExample: hub sync arxiv:cs.IR --jobs 8",
                 "zh": "抓取所有订阅（或指定来源）到本地缓存。\n\n示例：hub sync arxiv:cs.IR --jobs 8"},
    "cmd_papers": {"en": "List papers, newest first, filtered.\n\nExample: hub papers --author \"Lichan Hong\" --since 2w",
                   "zh": "按条件列出论文，最新在前。\n\n示例：hub papers --author \"Lichan Hong\" --since 2w"},
    "cmd_shuffle": {"en": "Show a fresh random batch (换一批): each call avoids papers shown before.\n\nExample: hub shuffle --category cs.IR -n 5",
                    "zh": "换一批：随机展示一批论文，每次避开之前展示过的。\n\n示例：hub shuffle --category cs.IR -n 5"},
    "cmd_show": {"en": "Print one paper in full.\n\nExample: hub show 2402.14035", "zh": "完整显示一篇论文。\n\n示例：hub show 2402.14035"},
    "cmd_open": {"en": "Open a paper's page (or its PDF) in the browser.\n\nExample: hub open 2402.14035 --pdf",
                 "zh": "在浏览器中打开论文页面（或 PDF）。\n\n示例：hub open 2402.14035 --pdf"},
    "cmd_paths": {"en": "Print where hub keeps its config, database and caches.\n\nExample: hub paths",
                  "zh": "显示 hub 的配置、数据库和缓存位置。\n\n示例：hub paths"},
    "cmd_topics": {"en": "List the topics --topic accepts.\n\nExample: hub topics", "zh": "列出 --topic 可用的主题。\n\n示例：hub topics"},
    "cmd_feeds": {"en": "Manage subscriptions.\n\nExample: hub feeds add arxiv:cs.IR", "zh": "管理订阅。\n\n示例：hub feeds add arxiv:cs.IR"},
    "cmd_feeds_add": {"en": "Subscribe to a source. Its feed is read once first, as 'hub sync' reads it: a feed that"
                            " cannot be read is refused (unless --no-check), a web or file feed is named by its own"
                            " title (unless --label), and the papers it lists are stored in the cache.\n\n"
                            "Example: hub feeds add https://www.nature.com/nature.rss --label Nature",
                      "zh": "订阅一个来源。先像 'hub sync' 一样读取一次订阅：无法读取的订阅会被拒绝（除非加 --no-check），"
                            "网址或文件订阅以其自身标题命名（除非加 --label），其中的论文存入缓存。\n\n"
                            "示例：hub feeds add https://www.nature.com/nature.rss --label Nature"},
    "opt_feeds_no_check": {"en": "Subscribe without reading the feed first (offline); 'hub sync' fetches it later.",
                           "zh": "不先读取订阅即订阅（离线时使用）；之后由 'hub sync' 获取。"},
    "cmd_feeds_list": {"en": "List subscriptions.\n\nExample: hub feeds list --json", "zh": "列出订阅。\n\n示例：hub feeds list --json"},
    "cmd_feeds_remove": {"en": "Unsubscribe (papers stay in the cache).\n\nExample: hub feeds remove arxiv:cs.LG",
                         "zh": "取消订阅（论文保留在缓存中）。\n\n示例：hub feeds remove arxiv:cs.LG"},
}
