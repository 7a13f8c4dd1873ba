"""Messages of chat (see the issue that introduced it), in English and Simplified Chinese."""

from __future__ import annotations

CHAT_MESSAGES: dict[str, dict[str, str]] = {
    # --- in the messages ------------------------------------------------------------
    "chat_part": {"en": "{part}/{parts}", "zh": "{part}/{parts}"},
    # --- targets --------------------------------------------------------------------
    "chat_bad_chat": {"en": "{target}: a Telegram chat is its id (a number, -100… for a group or channel) or "
                            "@channelname",
                      "zh": "{target}：Telegram 会话应为其 id（数字，群组或频道为 -100…）或 @频道名"},
    "chat_bad_url": {"en": "{target}: a {prefix} target is {prefix}:https://… (the webhook URL)",
                     "zh": "{target}：{prefix} 目标的形式为 {prefix}:https://…（webhook 地址）"},
    "chat_token_in_file": {"en": "{path}: '{key}' does not belong in the config file: set HUB_TELEGRAM_TOKEN or "
                                 "store the token in the system keyring (keyring set hub-telegram token)",
                           "zh": "{path}：'{key}' 不应写在配置文件中：请设置 HUB_TELEGRAM_TOKEN，"
                                 "或存入系统密钥环（keyring set hub-telegram token）"},
    # --- failures -------------------------------------------------------------------
    "chat_unreachable": {"en": "{service} cannot be reached ({reason})", "zh": "无法连接 {service}（{reason}）"},
    "chat_refused": {"en": "{service} refused the message (HTTP {status}: {detail})",
                     "zh": "{service} 拒绝了消息（HTTP {status}：{detail}）"},
    "chat_code": {"en": "{service} refused the message (code {code}: {detail})",
                  "zh": "{service} 拒绝了消息（代码 {code}：{detail}）"},
    "chat_rate_limited": {"en": "{service} asks to wait (rate limit; retry after {seconds} s)",
                          "zh": "{service} 要求稍后再试（频率限制；{seconds} 秒后重试）"},
    "chat_no_token": {"en": "no Telegram bot token: set HUB_TELEGRAM_TOKEN, or keyring set hub-telegram token",
                      "zh": "没有 Telegram 机器人令牌：请设置 HUB_TELEGRAM_TOKEN，或 keyring set hub-telegram token"},
    "chat_plain_token": {"en": "not sending the bot token over plain HTTP to {base}: use https "
                               "([digest.telegram] api_base or HUB_TELEGRAM_API)",
                         "zh": "不会以明文 HTTP 把机器人令牌发送到 {base}：请使用 https"
                               "（[digest.telegram] api_base 或 HUB_TELEGRAM_API）"},
}
