"""The message catalogue: every user-facing string in English and Simplified Chinese."""

from __future__ import annotations

from hubcli.i18n.help import HELP

MESSAGES: dict[str, dict[str, str]] = {
    # --- generic --------------------------------------------------------------------
    "error_prefix": {"en": "error: {message}", "zh": "错误：{message}"},
    "warning_prefix": {"en": "warning: {message}", "zh": "警告：{message}"},
    "hint_prefix": {"en": "hint: {message}", "zh": "提示：{message}"},
    "interrupted": {"en": "interrupted", "zh": "已中断"},
    "unexpected_error": {
        "en": "unexpected error: {error} (set HUB_DEBUG=1 for a traceback)",
        "zh": "意外错误：{error}（设置 HUB_DEBUG=1 可查看回溯）",
    },
    "usage_error": {"en": "{message}", "zh": "{message}"},
    "try_help": {"en": "Try '{command} --help' for help.", "zh": "运行 '{command} --help' 查看帮助。"},
    "cli_number_range": {"en": "{option} must be a whole number from {minimum} to {maximum}, not {value}",
                         "zh": "{option} 必须是 {minimum} 到 {maximum} 之间的整数，而不是 {value}"},
    "cli_argument_not_utf8": {"en": "argument {index} is not UTF-8 text ({argument}): hub takes UTF-8 arguments (check the terminal's encoding)",
                              "zh": "第 {index} 个参数不是 UTF-8 文本（{argument}）：hub 只接受 UTF-8 参数（请检查终端的编码）"},
    # --- config / store -------------------------------------------------------------
    "config_unreadable": {"en": "cannot read {path}: {reason}", "zh": "无法读取 {path}：{reason}"},
    "config_invalid": {"en": "{path} is not valid TOML: {reason}", "zh": "{path} 不是有效的 TOML：{reason}"},
    "config_bad_value": {"en": "{path}: bad value for '{key}': {value}", "zh": "{path}：'{key}' 的值无效：{value}"},
    "store_open_failed": {"en": "cannot open the database {path}: {reason}", "zh": "无法打开数据库 {path}：{reason}"},
    "store_write_failed": {"en": "cannot write the database {path}: {reason}", "zh": "无法写入数据库 {path}：{reason}"},
    "store_busy": {
        "en": "the database {path} is busy (another hub is writing); try again in a moment",
        "zh": "数据库 {path} 正忙（另一个 hub 正在写入）；请稍后再试",
    },
    "store_too_new": {
        "en": "the database {path} was written by a newer hub (schema {found} > {known}); upgrade hub",
        "zh": "数据库 {path} 由更新版本的 hub 写入（结构版本 {found} > {known}）；请升级 hub",
    },
    "store_corrupt": {"en": "the database {path} is damaged: {reason}", "zh": "数据库 {path} 已损坏：{reason}"},
    "store_corrupt_cache": {
        "en": "the database {path} is damaged: {reason}; your library is safe in {library}: move the damaged cache aside and run hub sync",
        "zh": "数据库 {path} 已损坏：{reason}；您的文库完好地保存在 {library}：请把损坏的缓存移到别处，再运行 hub sync",
    },
    "store_corrupt_library": {
        "en": "the library file {path} is damaged: {reason}; hub library restore brings back the newest backup",
        "zh": "文库文件 {path} 已损坏：{reason}；运行 hub library restore 可恢复最新的备份",
    },
    # --- options --------------------------------------------------------------------
    "bad_date": {
        "en": "bad date '{value}': use YYYY-MM-DD or a span like 7d, 2w, 3m, 1y",
        "zh": "无效日期 '{value}'：请使用 YYYY-MM-DD 或 7d、2w、3m、1y 这样的时间跨度",
    },
    "bad_type": {"en": "unknown announce type '{value}': use one of {choices}", "zh": "未知的公告类型 '{value}'：可选 {choices}"},
    "bad_format": {"en": "unknown format '{value}': use one of {choices}", "zh": "未知的格式 '{value}'：可选 {choices}"},
    "bad_sort": {"en": "unknown sort '{value}': use one of {choices}", "zh": "未知的排序方式 '{value}'：可选 {choices}"},
    "bad_lang": {"en": "unknown language '{value}': use en or zh", "zh": "未知语言 '{value}'：请使用 en 或 zh"},
    "bad_positive": {"en": "{option} must be a whole number of at least {minimum}", "zh": "{option} 必须是不小于 {minimum} 的整数"},
    "bad_category": {"en": "bad category '{value}' (e.g. cs.IR, hep-th, or a journal subject such as Editorials)",
                     "zh": "无效分类 '{value}'（例如 cs.IR、hep-th，或期刊主题如 Editorials）"},
    "since_after_until": {"en": "--since {since} is after --until {until}", "zh": "--since {since} 晚于 --until {until}"},
    "unknown_topic": {"en": "unknown topic '{name}'; known topics: {known}", "zh": "未知主题 '{name}'；已有主题：{known}"},
    "empty_search": {"en": "--search needs at least one word", "zh": "--search 至少需要一个词"},
    # --- sources --------------------------------------------------------------------
    "unknown_source": {
        "en": "'{spec}' is not a source: use arxiv:CAT, biorxiv:SUBJECT, medrxiv:SUBJECT, a URL or a feed file",
        "zh": "'{spec}' 不是有效来源：请使用 arxiv:分类、biorxiv:学科、medrxiv:学科、URL 或本地订阅文件",
    },
    "source_exists": {"en": "already subscribed: {label} ({spec})", "zh": "已订阅：{label}（{spec}）"},
    "source_added": {"en": "subscribed: {label} ({spec})", "zh": "已订阅：{label}（{spec}）"},
    "source_removed": {"en": "unsubscribed: {label} ({spec}); its papers stay in the cache", "zh": "已取消订阅：{label}（{spec}）；其论文仍保留在缓存中"},
    "source_not_subscribed": {"en": "not subscribed: {spec}", "zh": "未订阅：{spec}"},
    # --- feeds add: the feed read once; sync: offline, backfills counted apart
    "feeds_read": {"en": "read “{title}”: {items} items; its papers are in the cache", "zh": "已读取 “{title}”：{items} 个条目；其论文已存入缓存"},
    "feeds_read_one": {"en": "read “{title}”: 1 item; its paper is in the cache", "zh": "已读取 “{title}”：1 个条目；其论文已存入缓存"},
    "feeds_read_empty": {"en": "read “{title}”: the feed lists no items yet", "zh": "已读取 “{title}”：订阅中暂时没有条目"},
    "feeds_read_empty_arxiv": {"en": "read “{title}”: no items today (arXiv publishes nothing on weekends and holidays)", "zh": "已读取 “{title}”：今天没有条目（arXiv 在周末和节假日不发布）"},
    "feeds_not_checked": {"en": "not read (--no-check): 'hub sync' will fetch it", "zh": "未读取（--no-check）：'hub sync' 时再获取"},
    "feeds_add_unreadable": {"en": "not subscribed: {spec} cannot be read: {reason} (--no-check subscribes anyway)", "zh": "未订阅：无法读取 {spec}：{reason}（加 --no-check 可仍然订阅）"},
    "feeds_unknown_category": {"en": "not subscribed: arXiv has no category '{category}' (--no-check subscribes anyway)", "zh": "未订阅：arXiv 没有分类 '{category}'（加 --no-check 可仍然订阅）"},
    "feeds_unknown_category_close": {"en": "not subscribed: arXiv has no category '{category}'; did you mean: {close}? (--no-check subscribes anyway)", "zh": "未订阅：arXiv 没有分类 '{category}'；您是否指：{close}？（加 --no-check 可仍然订阅）"},
    "sync_offline": {"en": "you seem to be offline: none of the {count} sources could be reached ({hosts}: {reason}); nothing was synced", "zh": "您似乎处于离线状态：{count} 个来源都无法连接（{hosts}：{reason}）；没有同步任何内容"},
    "sync_offline_backfills": {"en": "you seem to be offline: none of the {count} sources could be reached ({hosts}: {reason}); nothing was synced and the author backfills wait for the next sync", "zh": "您似乎处于离线状态：{count} 个来源都无法连接（{hosts}：{reason}）；没有同步任何内容，作者回填留待下次同步"},
    "sync_count_feeds": {"en": "{count} sources", "zh": "{count} 个来源"},
    "sync_count_feed": {"en": "1 source", "zh": "1 个来源"},
    "sync_count_backfills": {"en": "{count} author backfills", "zh": "{count} 次作者回填"},
    "sync_count_backfill": {"en": "1 author backfill", "zh": "1 次作者回填"},
    "sync_count_and": {"en": "{feeds} and {backfills}", "zh": "{feeds}和{backfills}"},
    "sync_total_counted": {"en": "{counted}: {new} new, {updated} updated, {failed} failed", "zh": "{counted}：新增 {new}，更新 {updated}，失败 {failed}"},
    "sync_failed_counted": {"en": "{count} of {counted} failed: {names}", "zh": "{counted}中有 {count} 个失败：{names}"},
    "no_sources": {"en": "no subscriptions; add one with 'hub feeds add arxiv:cs.AI'", "zh": "没有订阅；用 'hub feeds add arxiv:cs.AI' 添加一个"},
    "feeds_heading": {"en": "Subscriptions", "zh": "订阅"},
    "col_source": {"en": "source", "zh": "来源"},
    "col_label": {"en": "label", "zh": "标签"},
    "col_papers": {"en": "papers", "zh": "论文"},
    "col_last_sync": {"en": "last sync", "zh": "上次同步"},
    "col_status": {"en": "status", "zh": "状态"},
    "never": {"en": "never", "zh": "从未"},
    # --- feeds list statuses, folders, catalogue fields, OPML duplicates
    "col_folder": {"en": "folder", "zh": "文件夹"},
    "status_ok": {"en": "ok", "zh": "正常"},
    "status_not_modified": {"en": "not modified", "zh": "无更新"},
    "status_failed": {"en": "failed", "zh": "失败"},
    "field_multidisciplinary": {"en": "multidisciplinary", "zh": "综合"},
    "field_ai": {"en": "AI", "zh": "人工智能"},
    "field_biology": {"en": "biology", "zh": "生物学"},
    "field_machine_learning": {"en": "machine learning", "zh": "机器学习"},
    "field_medicine": {"en": "medicine", "zh": "医学"},
    "field_robotics": {"en": "robotics", "zh": "机器人"},
    "opml_duplicates": {"en": "{count} duplicate {count|entry|entries} merged (the first label and folder kept)", "zh": "合并了 {count} 个重复条目（保留第一个的标签与文件夹）"},
    # --- fetch / parse --------------------------------------------------------------
    "http_status": {"en": "HTTP {status} from {url}", "zh": "{url} 返回 HTTP {status}"},
    "http_timeout": {"en": "timed out after {seconds:g} s ({url})", "zh": "{seconds:g} 秒后超时（{url}）"},
    "http_connect": {"en": "cannot connect to {host}: {reason}", "zh": "无法连接 {host}：{reason}"},
    "http_too_large": {"en": "response larger than {limit} bytes ({url})", "zh": "响应超过 {limit} 字节（{url}）"},
    "http_redirects": {"en": "too many redirects ({url})", "zh": "重定向次数过多（{url}）"},
    "http_failed": {"en": "request failed: {reason} ({url})", "zh": "请求失败：{reason}（{url}）"},
    "file_unreadable": {"en": "cannot read {path}: {reason}", "zh": "无法读取 {path}：{reason}"},
    "feed_not_a_feed": {"en": "not an RSS or Atom feed: {reason}", "zh": "不是 RSS 或 Atom 订阅：{reason}"},
    "feed_malformed": {"en": "malformed feed: {reason}", "zh": "订阅格式损坏：{reason}"},
    "feed_error_document": {"en": "the server sent an error feed: {reason}", "zh": "服务器返回了错误订阅：{reason}"},
    "arxiv_api_error": {"en": "arXiv API error: {reason}", "zh": "arXiv API 错误：{reason}"},
    # --- sync -----------------------------------------------------------------------
    "sync_progress": {"en": "Syncing", "zh": "同步中"},
    "sync_line": {
        "en": "{label}: {new} new, {updated} updated, {unchanged} unchanged",
        "zh": "{label}：新增 {new}，更新 {updated}，未变 {unchanged}",
    },
    "sync_not_modified": {"en": "{label}: not modified since last sync", "zh": "{label}：自上次同步以来没有变化"},
    "sync_empty": {
        "en": "{label}: the feed is empty today (arXiv publishes nothing on weekends and holidays)",
        "zh": "{label}：今天的订阅为空（arXiv 在周末和节假日不发布）",
    },
    "sync_failed": {"en": "{label}: failed: {reason}", "zh": "{label}：失败：{reason}"},
    "sync_skipped": {"en": "{label}: {count} {count|item|items} could not be read and {count|was|were} skipped", "zh": "{label}：{count} 个条目无法读取，已跳过"},
    "sync_total": {
        "en": "{sources} {sources|source|sources}: {new} new, {updated} updated, {failed} failed",
        "zh": "{sources} 个来源：新增 {new}，更新 {updated}，失败 {failed}",
    },
    "sync_some_failed": {"en": "{count} of {total} {total|source|sources} failed", "zh": "{total} 个来源中有 {count} 个失败"},
    "sync_locked": {
        "en": "another 'hub sync' is running; waiting for it to finish…",
        "zh": "另一个 'hub sync' 正在运行；等待其完成…",
    },
    # --- sync: honest summaries, links and progress --------
    "sync_fetching": {"en": "Fetching", "zh": "获取中"},
    "sync_empty_feed": {"en": "{label}: the feed lists no items", "zh": "{label}：订阅中没有条目"},
    "sync_skipped_one": {"en": "{label}: 1 item could not be read and was skipped", "zh": "{label}：1 个条目无法读取，已跳过"},
    "sync_unidentified": {
        "en": "{label}: {count} {count|entry|entries} without a link or id skipped",
        "zh": "{label}：跳过了 {count} 个没有链接或 id 的条目",
    },
    "sync_unidentified_one": {
        "en": "{label}: 1 entry without a link or id skipped",
        "zh": "{label}：跳过了 1 个没有链接或 id 的条目",
    },
    "feed_entries_unidentified": {
        "en": "none of its {count} {count|entry|entries} has a link or id",
        "zh": "其 {count} 个条目都没有链接或 id",
    },
    "feed_entries_unreadable": {
        "en": "none of its {count} {count|entry|entries} could be read",
        "zh": "其 {count} 个条目都无法读取",
    },
    # --- library core ---
    "library_unknown_id": {"en": "no paper '{id}' in the cache", "zh": "缓存中没有论文 '{id}'"},
    "library_no_card": {
        "en": "no card {number} in the last listing (cards {first}–{last})",
        "zh": "上次列表中没有第 {number} 张卡片（卡片 {first}–{last}）",
    },
    "library_no_listing": {
        "en": "no card {number}: no listing shown yet (run hub papers first, or give the paper's id)",
        "zh": "没有第 {number} 张卡片：尚未显示任何列表（请先运行 hub papers，或给出论文 id）",
    },
    "library_bad_tag": {"en": "bad tag '{tag}': a tag needs visible text", "zh": "无效标签 '{tag}'：标签需要可见文字"},
    "library_import_unreadable": {"en": "cannot read {path}: {reason}", "zh": "无法读取 {path}：{reason}"},
    "library_import_unknown": {
        "en": "{path}: not hub json, BibTeX or CSL-JSON",
        "zh": "{path}：不是 hub json、BibTeX 或 CSL-JSON",
    },
    "library_import_broken": {
        "en": "{path}, line {line}: {reason}; nothing was imported",
        "zh": "{path}，第 {line} 行：{reason}；未导入任何内容",
    },
    # --- end of library core ---
    # --- papers / render ------------------------------------------------------------
    "chip_authors": {"en": "Authors: {value}", "zh": "作者: {value}"},
    "chip_categories": {"en": "Categories: {value}", "zh": "分类: {value}"},
    "chip_source": {"en": "Source: {value}", "zh": "来源: {value}"},
    "chip_journal": {"en": "Journal: {value}", "zh": "期刊: {value}"},
    "chip_search": {"en": "Search: {value}", "zh": "搜索: {value}"},
    "chip_topic": {"en": "Topic: {value}", "zh": "主题: {value}"},
    "chip_since": {"en": "Since: {value}", "zh": "起始: {value}"},
    "chip_until": {"en": "Until: {value}", "zh": "截止: {value}"},
    "chip_type": {"en": "Type: {value}", "zh": "类型: {value}"},
    "chip_unseen": {"en": "Unseen", "zh": "未读"},
    "footer": {"en": "page {page} of {pages} · {total} {total|paper|papers}", "zh": "第 {page} / {pages} 页 · 共 {total} 篇论文"},
    "footer_shuffle": {"en": "{shown} of {total} {total|paper|papers} · {left} not shown yet", "zh": "共 {total} 篇中的 {shown} 篇 · 还有 {left} 篇未展示"},
    "footer_shuffle_seeded": {"en": "{shown} of {total} {total|paper|papers} · seed {seed}", "zh": "共 {total} 篇中的 {shown} 篇 · 种子 {seed}"},
    "shuffle_restart": {"en": "every paper in this selection has been shown; starting over", "zh": "此筛选中的论文已全部展示过；重新开始"},
    "no_papers": {"en": "no papers match", "zh": "没有匹配的论文"},
    "machine_one_page": {"en": "this is page {page} of {pages} ({shown} of {total} {total|paper|papers}): --page N for another, or hub export with the same filters for all", "zh": "这是第 {page} 页，共 {pages} 页（{total} 篇中的 {shown} 篇）：用 --page N 查看其他页，或用相同筛选条件运行 hub export 导出全部"},
    "since_past_newest": {"en": "the newest paper in the cache is from {newest}, before --since {since}: run hub sync, or widen --since", "zh": "缓存中最新的论文发表于 {newest}，早于 --since {since}：请运行 hub sync，或放宽 --since"},
    "source_did_you_mean": {"en": "no source is named '{name}'; did you mean: {suggestions}?", "zh": "没有名为 “{name}” 的来源；您是否指：{suggestions}？"},
    "category_did_you_mean": {"en": "no arXiv category is named '{name}'; did you mean: {suggestions}?", "zh": "arXiv 没有名为 “{name}” 的分类；您是否指：{suggestions}？"},
    "category_unknown": {"en": "no arXiv category is named '{name}' (arXiv's list: https://arxiv.org/category_taxonomy)", "zh": "arXiv 没有名为 “{name}” 的分类（arXiv 的分类列表：https://arxiv.org/category_taxonomy）"},
    "source_unknown": {"en": "no source is named '{name}' (hub feeds list shows them)", "zh": "没有名为 “{name}” 的来源（hub feeds list 可列出全部来源）"},
    "cli_no_such_option": {"en": "no such option: {option}", "zh": "没有此选项：{option}"},
    "cli_no_such_option_close": {"en": "no such option: {option}; did you mean {suggestions}?", "zh": "没有此选项：{option}；您是不是要找 {suggestions}？"},
    "card_first_version": {"en": "{date} (first version {first})", "zh": "{date}（首个版本 {first}）"},
    "search_try": {"en": "a wider search may find some: --search {queries}", "zh": "更宽的搜索也许能找到：--search {queries}"},
    "no_papers_cache_empty": {"en": "the cache is empty; run 'hub sync' first", "zh": "缓存为空；请先运行 'hub sync'"},
    "page_past_end": {"en": "page {page} is past the end (there {pages|is|are} {pages} {pages|page|pages})", "zh": "第 {page} 页超出范围（共 {pages} 页）"},
    "page_clamped": {"en": "page {page} is past the end: showing the last page, {pages}", "zh": "第 {page} 页超出范围：显示最后一页（第 {pages} 页）"},
    "did_you_mean": {"en": "no author matches '{name}'; did you mean: {suggestions}?", "zh": "没有作者匹配 '{name}'；您是不是要找：{suggestions}？"},
    "no_author": {"en": "no author matches '{name}'", "zh": "没有作者匹配 '{name}'"},
    "untitled": {"en": "(untitled)", "zh": "（无标题）"},
    "no_abstract": {"en": "(no abstract)", "zh": "（无摘要）"},
    "label_authors": {"en": "Authors", "zh": "作者"},
    "label_categories": {"en": "Categories", "zh": "分类"},
    "label_sources": {"en": "Sources", "zh": "来源"},
    "label_links": {"en": "Links", "zh": "链接"},
    "label_version": {"en": "Version", "zh": "版本"},
    "label_doi": {"en": "DOI", "zh": "DOI"},
    "label_journal": {"en": "Journal", "zh": "期刊"},
    "label_published": {"en": "Published", "zh": "发布"},
    "label_updated": {"en": "Updated", "zh": "更新"},
    "label_type": {"en": "Announce type", "zh": "公告类型"},
    "label_id": {"en": "ID", "zh": "编号"},
    "and_more_authors": {"en": "and {count} more", "zh": "等 {count} 人"},
    # --- paths / topics -------------------------------------------------------------
    "paths_config": {"en": "config", "zh": "配置"},
    "paths_database": {"en": "database", "zh": "数据库"},
    "paths_data": {"en": "data", "zh": "数据"},
    "paths_library": {"en": "library", "zh": "文库"},
    "paths_backups": {"en": "library backups", "zh": "文库备份"},
    "paths_cache": {"en": "cache", "zh": "缓存"},
    "topics_heading": {"en": "Topics", "zh": "主题"},
    "col_topic": {"en": "topic", "zh": "主题"},
    "col_query": {"en": "query", "zh": "查询"},
    "col_categories": {"en": "categories", "zh": "分类"},
    "col_origin": {"en": "from", "zh": "出处"},
    "origin_builtin": {"en": "built-in", "zh": "内置"},
    "origin_config": {"en": "config.toml", "zh": "config.toml"},
}
MESSAGES.update(HELP)
MESSAGES.update({
    "paper_not_found": {"en": "no paper '{ident}' in the cache", "zh": "缓存中没有论文 '{ident}'"},
    "paper_no_link": {"en": "paper '{ident}' has no link", "zh": "论文 '{ident}' 没有链接"},
    "opened": {"en": "opened {url}", "zh": "已打开 {url}"},
    "open_refused": {"en": "paper '{ident}' links to a '{scheme}' address, not a web page; hub opens http(s) links only",
                     "zh": "论文 '{ident}' 的链接是 '{scheme}' 地址而非网页；hub 只打开 http(s) 链接"},
})
MESSAGES.update({
    # --- daily-use conventions: pager, completion, open --pdf ---------
    "paper_no_pdf": {"en": "paper '{ident}' has no PDF link; 'hub open {ident}' opens its page",
                     "zh": "论文 '{ident}' 没有 PDF 链接；'hub open {ident}' 可打开其页面"},
    "pager_failed": {"en": "cannot run the pager '{command}': {reason}; printing instead",
                     "zh": "无法运行分页程序 '{command}'：{reason}；改为直接输出"},
    "completion_installed": {"en": "{shell} completion installed in {path}", "zh": "已为 {shell} 安装补全：{path}"},
    "completion_restart": {"en": "it takes effect in a new shell", "zh": "在新的 shell 中生效"},
    "completion_bad_shell": {"en": "unknown shell '{value}': use one of {choices}", "zh": "未知的 shell '{value}'：可选 {choices}"},
    "completion_no_shell": {"en": "cannot tell which shell this is; name it: {shells}",
                            "zh": "无法判断当前 shell；请指定：{shells}"},
    "completion_install_failed": {"en": "cannot install {shell} completion: {reason}",
                                  "zh": "无法安装 {shell} 补全：{reason}"},
})
MESSAGES.update({
    "backfill_label": {"en": "author backfill for {name}", "zh": "作者回填（{name}）"},
})
MESSAGES.update({
    "follow_one_target": {"en": "name exactly one thing to follow: NAME, --topic NAME or --category CAT", "zh": "请只指定一个关注对象：姓名、--topic 主题 或 --category 分类"},
    "followed": {"en": "following {what}", "zh": "已关注 {what}"},
    "already_following": {"en": "already following {what}", "zh": "已在关注 {what}"},
    "unfollowed": {"en": "no longer following {what}", "zh": "已取消关注 {what}"},
    "not_following": {"en": "not following {what}", "zh": "未关注 {what}"},
    "following_none": {"en": "you follow nothing yet; try 'hub follow \"Lichan Hong\"' or 'hub follow --topic recsys'", "zh": "尚未关注任何内容；试试 'hub follow \"Lichan Hong\"' 或 'hub follow --topic recsys'"},
    "follow_backfill_hint": {"en": "'hub sync' will also fetch this author's earlier papers from the arXiv API", "zh": "'hub sync' 还会从 arXiv API 获取该作者的早期论文"},
    "radar_footer": {"en": "{shown} of {total} new on your radar", "zh": "雷达上有 {total} 篇新论文，显示 {shown} 篇"},
    "radar_nothing_new": {"en": "nothing new on your radar since last time", "zh": "自上次以来雷达上没有新论文"},
    "radar_more": {"en": "{more} more not shown; they count as seen (use --limit to see more)", "zh": "还有 {more} 篇未显示，已记为已读（用 --limit 查看更多）"},
    "cmd_follow": {"en": "Follow an author, a topic or a category.\n\nExample: hub follow \"Lichan Hong\"; hub follow --topic recsys", "zh": "关注作者、主题或分类。\n\n示例：hub follow \"Lichan Hong\"；hub follow --topic recsys"},
    "cmd_unfollow": {"en": "Stop following an author, a topic or a category.\n\nExample: hub unfollow --category cs.IR", "zh": "取消关注作者、主题或分类。\n\n示例：hub unfollow --category cs.IR"},
    "cmd_following": {"en": "List what you follow.\n\nExample: hub following --json", "zh": "列出关注的内容。\n\n示例：hub following --json"},
    "cmd_radar": {"en": "What is new for what you follow since the last 'hub radar'.\n\nExample: hub radar", "zh": "自上次 'hub radar' 以来，关注内容的新论文。\n\n示例：hub radar"},
    "arg_follow_name": {"en": "An author's name.", "zh": "作者姓名。"},
    "opt_radar_limit": {"en": "Show at most this many papers.", "zh": "最多显示的论文数。"},
    "opt_peek": {"en": "Show without marking anything as seen.", "zh": "仅查看，不标记为已读。"},
})
MESSAGES.update({
    "cmd_export": {"en": "Write every paper matching the filters (no paging).\n\nExample: hub export --topic recsys --format bibtex > recsys.bib", "zh": "输出所有符合筛选条件的论文（不分页）。\n\n示例：hub export --topic recsys --format bibtex > recsys.bib"},
    "opt_export_format": {"en": "json, jsonl, csv, bibtex or markdown.", "zh": "json、jsonl、csv、bibtex 或 markdown。"},
    "exported": {"en": "{count} {count|paper|papers} written", "zh": "已输出 {count} 篇论文"},
    # --- export -o FILE and the shared atomic output file ---
    "opt_export_output": {"en": "Write to FILE (atomically: it is the old file or the complete new one, never half written) instead of stdout.", "zh": "写入 FILE 而非标准输出（原子写入：文件要么是旧的，要么是完整的新文件，绝不会写到一半）。"},
    "exported_to": {"en": "{count} {count|paper|papers} written to {path}", "zh": "已将 {count} 篇论文写入 {path}"},
    "output_write_failed": {"en": "cannot write {path}: {reason}", "zh": "无法写入 {path}：{reason}"},
    "output_is_a_directory": {"en": "it is a directory", "zh": "这是一个目录"},
    "output_no_such_directory": {"en": "{path} is not a writable directory", "zh": "{path} 不是可写的目录"},
    # --- end of export -o ---
    "cmd_feeds_export": {"en": "Write the subscriptions as OPML.\n\nExample: hub feeds export > radar.opml", "zh": "以 OPML 格式导出订阅。\n\n示例：hub feeds export > radar.opml"},
    "cmd_feeds_import": {"en": "Subscribe to every feed in an OPML file.\n\nExample: hub feeds import radar.opml", "zh": "订阅 OPML 文件中的所有订阅源。\n\n示例：hub feeds import radar.opml"},
    "cmd_feeds_catalog": {"en": "List well-known journal and preprint feeds that 'hub feeds add NAME' accepts.\n\nExample: hub feeds add nature", "zh": "列出 'hub feeds add 名称' 可用的知名期刊与预印本订阅。\n\n示例：hub feeds add nature"},
    "arg_opml": {"en": "An OPML file ('-' for standard input).", "zh": "OPML 文件（'-' 表示标准输入）。"},
    "opml_imported": {"en": "{added} new {added|subscription|subscriptions} from {total} {total|feed|feeds}", "zh": "从 {total} 个订阅源中新增 {added} 个订阅"},
    "opml_invalid": {"en": "not an OPML file: {reason}", "zh": "不是 OPML 文件：{reason}"},
})
MESSAGES.update({
    "import_unknown_format": {"en": "not a file hub can import: expected arXiv metadata JSON lines, an OAI-PMH ListRecords response or an RSS/Atom feed", "zh": "无法导入该文件：需要 arXiv 元数据 JSON lines、OAI-PMH ListRecords 响应或 RSS/Atom 订阅"},
    "import_malformed": {"en": "the file is not well-formed XML: {reason}", "zh": "文件不是格式良好的 XML：{reason}"},
    "import_dtd": {"en": "the file declares XML entities, which hub does not read", "zh": "文件声明了 XML 实体，hub 不予读取"},
    "import_too_large": {"en": "the feed file is larger than {limit} bytes", "zh": "订阅文件超过 {limit} 字节"},
    "import_done": {"en": "{source}: {new} new, {updated} updated, {unchanged} unchanged ({records} {records|record|records}, {seconds:.1f} s)", "zh": "{source}：新增 {new}，更新 {updated}，未变 {unchanged}（{records} 条记录，{seconds:.1f} 秒）"},
    "import_progress": {"en": "Importing", "zh": "导入中"},
    "import_indexing": {"en": "Indexing", "zh": "建立索引"},
    "cmd_import": {"en": "Load an arXiv metadata snapshot (Kaggle JSON lines), an OAI-PMH ListRecords response or an RSS/Atom file, plain, .gz or .zip.\n\nExample: hub import arxiv.zip", "zh": "导入 arXiv 元数据快照（Kaggle JSON lines）、OAI-PMH ListRecords 响应或 RSS/Atom 文件，可为原文件、.gz 或 .zip。\n\n示例：hub import arxiv.zip"},
    "arg_import_file": {"en": "The file to import ('-' for standard input; a FIFO, .gz or .zip works too).", "zh": "要导入的文件（'-' 表示标准输入；也可为 FIFO、.gz 或 .zip）。"},
})
MESSAGES.update({
    # XML guard and import inputs
    "opml_entities": {"en": "not an OPML file hub reads: it declares XML entities", "zh": "hub 不读取该 OPML 文件：其中声明了 XML 实体"},
    "import_stdin": {"en": "standard input", "zh": "标准输入"},
    "import_stdin_terminal": {"en": "'hub import -' reads standard input: pipe a file in, e.g. zcat snapshot.json.gz | hub import -", "zh": "'hub import -' 读取标准输入：请用管道输入文件，例如 zcat snapshot.json.gz | hub import -"},
    "import_corrupt": {"en": "cannot read {path}: the data is damaged or cut short ({reason})", "zh": "无法读取 {path}：数据损坏或不完整（{reason}）"},
    "import_zip_pipe": {"en": "a .zip cannot be read from a pipe (its index is at its end): give the file's path, or pipe 'unzip -p ARCHIVE' into 'hub import -'", "zh": "无法从管道读取 .zip（其索引在文件末尾）：请给出文件路径，或用 'unzip -p 压缩包' 通过管道输入 'hub import -'"},
    "import_zip_empty": {"en": "the .zip holds no file", "zh": ".zip 中没有文件"},
    "import_zip_members": {"en": "the .zip holds {count} {count|file|files} ({names}); hub imports a .zip of one file: extract one, e.g. unzip -p ARCHIVE NAME | hub import -", "zh": ".zip 中有 {count} 个文件（{names}）；hub 只导入单个文件的 .zip：请取出其中一个，例如 unzip -p 压缩包 文件名 | hub import -"},
})
from hubcli.i18n.brief import BRIEF_MESSAGES  # noqa: E402

MESSAGES.update(BRIEF_MESSAGES)
MESSAGES["footer_one"] = {"en": "page {page} of {pages} · 1 paper", "zh": "第 {page} / {pages} 页 · 共 1 篇论文"}
MESSAGES.update({
    "feed_dtd": {"en": "the feed declares XML entities (a DTD), which hub does not read", "zh": "订阅声明了 XML 实体（DTD），hub 不予读取"},
    "sync_partial": {"en": "{label}: the feed is not well-formed XML ({reason}); {count} {count|item|items} could be read from it", "zh": "{label}：订阅不是格式良好的 XML（{reason}）；从中读出了 {count} 个条目"},
})
from hubcli.i18n.library import LIBRARY_MESSAGES  # noqa: E402

MESSAGES.update(LIBRARY_MESSAGES)
from hubcli.i18n.digest import DIGEST_MESSAGES  # noqa: E402

MESSAGES.update(DIGEST_MESSAGES)
from hubcli.i18n.serve import SERVE_MESSAGES  # noqa: E402

MESSAGES.update(SERVE_MESSAGES)
from hubcli.i18n.tldr import TLDR_MESSAGES  # noqa: E402

MESSAGES.update(TLDR_MESSAGES)
from hubcli.i18n.chat import CHAT_MESSAGES  # noqa: E402

MESSAGES.update(CHAT_MESSAGES)
from hubcli.i18n.schedule import SCHEDULE_MESSAGES  # noqa: E402

MESSAGES.update(SCHEDULE_MESSAGES)
