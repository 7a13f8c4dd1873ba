"""Messages of ``hub digest``, in English and Simplified Chinese."""

from __future__ import annotations

DIGEST_MESSAGES: dict[str, dict[str, str]] = {
    # --- help -----------------------------------------------------------------------
    "cmd_digest": {
        "en": "Sync, then deliver what is new since the last digest, chosen and ranked for you (follows, topics, your library), with the "
              "brief of the top papers (a model's when one is configured, else the offline digest) and each "
              "paper's card. Targets: - (stdout, Markdown), FILE.md|.html|.txt, mailto:ADDRESS, atom:PATH, an "
              "http(s):// webhook, or a chat app's native message: slack:URL, discord:URL, feishu:URL (Lark too), "
              "telegram:CHAT_ID (token from HUB_TELEGRAM_TOKEN); also [digest] to in config.toml. Nothing new: one line, nothing sent. "
              "--schedule prints (or --install installs) a systemd timer or a crontab line; --schedule github a "
              "GitHub Actions workflow."
              "\n\nExample: hub digest --to mailto:me@example.org --to atom:~/digest.xml",
        "zh": "先同步，再投递自上次摘要以来的新内容：按你的关注、主题与文库挑选并排序，附上排名靠前论文的简报（已配置模型时由模型撰写，"
              "否则为离线摘要）和每篇论文的卡片。目标：-（标准输出，Markdown）、FILE.md|.html|.txt、mailto:地址、"
              "atom:路径、http(s):// webhook，或聊天应用的原生消息：slack:URL、discord:URL、feishu:URL（也支持 Lark）、"
              "telegram:会话ID（令牌取自 HUB_TELEGRAM_TOKEN）；也可在 config.toml 的 [digest] to 中设置。没有新内容时只输出一行，不投递。"
              "--schedule 打印（--install 安装）systemd 定时器或 crontab 行；--schedule github 生成 GitHub Actions 工作流。"
              "\n\n示例：hub digest --to mailto:me@example.org --to atom:~/digest.xml",
    },
    "opt_digest_no_sync": {"en": "Do not sync first; use what is stored.", "zh": "不先同步，直接使用已存储的内容。"},
    "opt_digest_always": {"en": "Send a digest even when nothing is new.", "zh": "即使没有新内容也发送摘要。"},
    "opt_digest_to": {"en": "Where to deliver (repeatable): -, FILE.md|.html|.txt, mailto:ADDRESS, atom:PATH, "
                            "https://WEBHOOK, slack:URL, discord:URL, feishu:URL, telegram:CHAT_ID. "
                            "Default: [digest] to, else -.",
                      "zh": "投递目标（可重复）：-、FILE.md|.html|.txt、mailto:地址、atom:路径、https://WEBHOOK、"
                            "slack:URL、discord:URL、feishu:URL、telegram:会话ID。"
                            "默认：[digest] to，否则为 -。"},
    "opt_digest_schedule": {"en": "Print a systemd user timer and service (or a crontab line) running hub digest "
                                  "daily or weekly; github: a GitHub Actions workflow instead (daily, or weekly "
                                  "with --schedule weekly too).",
                            "zh": "打印每天或每周运行 hub digest 的 systemd 用户定时器与服务（或 crontab 行）；"
                                  "github：改为 GitHub Actions 工作流（每天；同时给出 --schedule weekly 则每周）。"},
    "opt_digest_at": {"en": "Time of day for --schedule (local time, UTC for github; default 07:00).",
                      "zh": "--schedule 的运行时刻（本地时间，github 为 UTC；默认 07:00）。"},
    "opt_digest_install": {"en": "Install the schedule (systemctl --user enable --now, or the crontab line; "
                                 "github: .github/workflows/hub-digest.yml here).",
                           "zh": "安装定时任务（systemctl --user enable --now，或写入 crontab 行；"
                                 "github：写入当前目录的 .github/workflows/hub-digest.yml）。"},
    "opt_digest_uninstall": {"en": "Remove an installed schedule.", "zh": "移除已安装的定时任务。"},
    # --- the document -----------------------------------------------------------------
    "digest_title": {"en": "hub digest · {date}", "zh": "hub 摘要 · {date}"},
    "digest_feed_title": {"en": "hub digest", "zh": "hub 摘要"},
    "digest_count": {"en": "{count} new {count|paper|papers} for you", "zh": "为你找到 {count} 篇新论文"},
    "digest_count_one": {"en": "1 new paper for you", "zh": "为你找到 1 篇新论文"},
    "digest_since": {"en": "since {since}", "zh": "自 {since} 以来"},
    "digest_top": {"en": "the top {shown} below", "zh": "以下为前 {shown} 篇"},
    "digest_intro_nothing": {"en": "Nothing new for you since {since}.", "zh": "自 {since} 以来没有你的新论文。"},
    "digest_intro_empty": {"en": "Nothing for you yet.", "zh": "暂时还没有你的论文。"},
    "digest_brief_heading": {"en": "Brief", "zh": "简报"},
    "digest_papers_heading": {"en": "Papers", "zh": "论文"},
    "digest_brief_model": {"en": "Written by {model}; every claim cites its paper below.",
                           "zh": "由 {model} 撰写；每条内容都引用了下方的论文。"},
    "digest_why": {"en": "Why:", "zh": "推荐理由："},
    "digest_reason_author": {"en": "you follow {value}", "zh": "你关注了 {value}"},
    "digest_reason_topic": {"en": "topic {value}", "zh": "主题 {value}"},
    "digest_reason_category": {"en": "category {value}", "zh": "分类 {value}"},
    "digest_reason_recommended": {"en": "recommended by your library", "zh": "根据你的文库推荐"},
    "digest_reason_new": {"en": "new in your feeds", "zh": "订阅中的新论文"},
    "digest_link_page": {"en": "Page", "zh": "页面"},
    "digest_more": {"en": "{more} more new {more|paper|papers}: hub radar, or hub papers --since 1d",
                    "zh": "另有 {more} 篇新论文：hub radar，或 hub papers --since 1d"},
    # --- what the run says ------------------------------------------------------------
    "digest_nothing_new": {"en": "nothing new since the last digest: nothing sent ({why})",
                           "zh": "自上次摘要以来没有新内容：未发送（{why}）"},
    # why nothing was sent: the stderr line and the --always digest
    "digest_intro_why": {"en": "{intro} Why: {why}.", "zh": "{intro}原因：{why}。"},
    "digest_why_none_new": {"en": "no new paper", "zh": "没有新论文"},
    "digest_why_new": {"en": "{count} new {count|paper|papers}", "zh": "{count} 篇新论文"},
    "digest_why_new_but": {"en": "{count} new {count|paper|papers}, but {part1}", "zh": "有 {count} 篇新论文，但{part1}"},
    "digest_why_new_but_two": {"en": "{count} new {count|paper|papers}, but {part1} and {part2}",
                               "zh": "有 {count} 篇新论文，但{part1}，{part2}"},
    "digest_why_matched_none": {"en": "none matches your follows or topics", "zh": "没有一篇符合你的关注或主题"},
    "digest_why_matched": {"en": "only {count} {count|matches|match} your follows or topics",
                           "zh": "只有 {count} 篇符合你的关注或主题"},
    "digest_why_passed_none": {"en": "none passed your library's threshold", "zh": "没有一篇达到文库的推荐阈值"},
    "digest_why_passed": {"en": "only {count} passed your library's threshold", "zh": "只有 {count} 篇达到文库的推荐阈值"},
    "digest_why_no_sync": {"en": "not synced (--no-sync)", "zh": "未同步（--no-sync）"},
    "digest_why_failed": {"en": "failed to sync: {sources}", "zh": "同步失败：{sources}"},
    "digest_why_empty": {"en": "empty: {sources}", "zh": "内容为空：{sources}"},
    "digest_why_last": {"en": "last digest {when}", "zh": "上次摘要 {when}"},
    "digest_why_never": {"en": "no digest sent yet", "zh": "尚未发送过摘要"},
    "digest_delivered": {"en": "digest ({count} {count|paper|papers}) delivered to {target}",
                         "zh": "摘要（{count} 篇论文）已投递到 {target}"},
    "digest_delivered_one": {"en": "digest (1 paper) delivered to {target}", "zh": "摘要（1 篇论文）已投递到 {target}"},
    "digest_locked": {"en": "another hub digest is running: waiting for it", "zh": "另一个 hub digest 正在运行：等待其结束"},
    "digest_resent": {"en": "an earlier digest ({id}) was delivered", "zh": "之前未送达的摘要（{id}）已投递"},
    "digest_kept": {"en": "{target}: the digest was not delivered ({reason}); it is kept in {path} and the next "
                          "hub digest resends it",
                    "zh": "{target}：摘要未送达（{reason}）；已保存在 {path}，下次运行 hub digest 时会重新发送"},
    "digest_target_failed": {"en": "{target}: not delivered: {reason}", "zh": "{target}：未送达：{reason}"},
    "digest_model_failed": {"en": "the model {model} failed ({reason}): the offline digest is used instead",
                            "zh": "模型 {model} 调用失败（{reason}）：改用离线摘要"},
    "digest_bad_target": {"en": "not a digest target: {target} (use -, FILE.md|.html|.txt, mailto:ADDRESS, "
                                "atom:PATH, an http(s):// URL, slack:URL, discord:URL, feishu:URL or "
                                "telegram:CHAT_ID)",
                          "zh": "不是有效的摘要目标：{target}（可用 -、FILE.md|.html|.txt、mailto:地址、atom:路径、"
                                "http(s):// 地址、slack:URL、discord:URL、feishu:URL 或 telegram:会话ID）"},
    "digest_bad_extension": {"en": "{target}: a digest file ends in .md, .html or .txt (the format follows it)",
                             "zh": "{target}：摘要文件须以 .md、.html 或 .txt 结尾（据此决定格式）"},
    "digest_bad_address": {"en": "not a mail address: {target}", "zh": "不是有效的邮件地址：{target}"},
    "digest_password_in_file": {"en": "{path}: '{key}' does not belong in the config file: set HUB_SMTP_PASSWORD "
                                      "or store the password in the system keyring (service hub-smtp)",
                                "zh": "{path}：'{key}' 不应写在配置文件中：请设置 HUB_SMTP_PASSWORD，"
                                      "或将密码存入系统密钥环（服务名 hub-smtp）"},
    "digest_smtp_no_host": {"en": "no SMTP server: set [digest.smtp] host in config.toml",
                            "zh": "未设置 SMTP 服务器：请在 config.toml 的 [digest.smtp] 中设置 host"},
    "digest_smtp_no_password": {"en": "no password for {user}: set HUB_SMTP_PASSWORD or store it in the keyring "
                                      "(service hub-smtp)",
                                "zh": "{user} 没有密码：请设置 HUB_SMTP_PASSWORD，或将其存入密钥环（服务名 hub-smtp）"},
    "digest_smtp_auth": {"en": "{where} refused the login (SMTP {code})", "zh": "{where} 拒绝登录（SMTP {code}）"},
    "digest_env_target_missing": {
        "en": "the digest target env:{name} needs the environment variable {name} (a target such as a webhook URL)",
        "zh": "摘要目标 env:{name} 需要环境变量 {name}（例如一个 webhook 地址）"},
    "digest_schedule_webhook_env": {
        "en": "the webhook URL is a secret, so it is not in the schedule: the scheduled run reads it from {names}; "
              "set it where that run sees it (systemd: 'systemctl --user edit hub-digest.service', "
              "[Service] Environment={name}=URL; cron: a line {name}=URL in 'crontab -e'), "
              "or list the webhook in config.toml's [digest] to and schedule without --to",
        "zh": "webhook 地址是机密，不写入定时任务：定时运行时从 {names} 读取；请在该运行可见之处设置"
              "（systemd：'systemctl --user edit hub-digest.service'，[Service] Environment={name}=URL；"
              "cron：在 'crontab -e' 中加一行 {name}=URL），或把 webhook 写进 config.toml 的 [digest] to 并在定时时不加 --to"},
    "digest_smtp_plain_auth": {
        "en": "not sending the SMTP password unencrypted to {host} (security = \"none\" is for this machine only): "
              "set [digest.smtp] security = \"starttls\" or \"ssl\"",
        "zh": "不会把 SMTP 密码以明文发送到 {host}（security = \"none\" 只用于本机）：请在 [digest.smtp] 中设置 "
              "security = \"starttls\" 或 \"ssl\""},
    "digest_smtp_refused": {"en": "{where} refused the message (SMTP {code} {detail})",
                            "zh": "{where} 拒收邮件（SMTP {code} {detail}）"},
    "digest_smtp_unreachable": {"en": "cannot reach the SMTP server {where}: {reason}",
                                "zh": "无法连接 SMTP 服务器 {where}：{reason}"},
    "digest_webhook_unreachable": {"en": "the webhook cannot be reached ({reason})",
                                   "zh": "无法连接 webhook（{reason}）"},
    "digest_webhook_status": {"en": "the webhook answered HTTP {status}", "zh": "webhook 返回 HTTP {status}"},
    "digest_atom_foreign": {"en": "{path} is not an Atom feed hub digest wrote: it is left as it is",
                            "zh": "{path} 不是 hub digest 写入的 Atom 订阅：保持原样"},
    # --- schedule -------------------------------------------------------------------
    "digest_needs_schedule": {"en": "--at and --install need --schedule daily|weekly|github",
                              "zh": "--at 和 --install 需要配合 --schedule daily|weekly|github 使用"},
    "digest_install_or_uninstall": {"en": "--install or --uninstall, not both", "zh": "--install 与 --uninstall 只能选一个"},
    "digest_bad_schedule": {"en": "--schedule takes daily or weekly, and github (given twice for a weekly workflow), "
                                  "not {value}",
                            "zh": "--schedule 只接受 daily 或 weekly，以及 github（每周的工作流可同时给出两者），"
                                  "而不是 {value}"},
    "digest_bad_at": {"en": "--at takes a time of day as HH:MM (00:00 to 23:59), not {value}",
                      "zh": "--at 需要 HH:MM 格式的时刻（00:00 至 23:59），而不是 {value}"},
    "digest_no_scheduler": {"en": "systemd is not running here (systemctl --user does not answer) and there is no "
                                  "crontab command: nothing installed",
                            "zh": "此处未运行 systemd（systemctl --user 无响应），也没有 crontab 命令：未安装任何内容"},
    "digest_systemctl_failed": {"en": "systemctl --user {command} failed: {reason}",
                                "zh": "systemctl --user {command} 失败：{reason}"},
    "digest_crontab_failed": {"en": "crontab failed: {reason}", "zh": "crontab 失败：{reason}"},
    "digest_installed_systemd": {"en": "installed and started hub-digest.timer ({at}): {paths}",
                                 "zh": "已安装并启动 hub-digest.timer（{at}）：{paths}"},
    "digest_installed_cron": {"en": "systemd is not running here: added to your crontab: {line}",
                              "zh": "此处未运行 systemd：已加入你的 crontab：{line}"},
    "digest_cron_unchanged": {"en": "your crontab already has: {line}", "zh": "你的 crontab 中已有：{line}"},
    "digest_uninstalled": {"en": "removed: {what}", "zh": "已移除：{what}"},
    "digest_nothing_installed": {"en": "no hub digest schedule is installed", "zh": "未安装 hub digest 定时任务"},
    "digest_schedule_install_hint": {"en": "install them with: hub digest --schedule {schedule} --at {at} --install",
                                     "zh": "安装方法：hub digest --schedule {schedule} --at {at} --install"},
    "digest_schedule_cron_hint": {"en": "systemd is not running here: add this line with crontab -e, or: "
                                        "hub digest --schedule {schedule} --at {at} --install",
                                  "zh": "此处未运行 systemd：请用 crontab -e 加入这一行，或运行："
                                        "hub digest --schedule {schedule} --at {at} --install"},
}
