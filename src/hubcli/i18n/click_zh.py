"""Chinese for the strings Click (vendored in Typer) writes itself: help headings and its
usage errors.  Click hard-codes them in English, so hub translates its output."""

from __future__ import annotations

import re
from collections.abc import Callable

_HELP = [
    (re.compile(r"^Usage: ", re.M), "用法："),
    (re.compile(r"^Options:$", re.M), "选项："),
    (re.compile(r"^Commands:$", re.M), "命令："),
    (re.compile(r"^Arguments:$", re.M), "参数："),
    (re.compile(r"Show this message and exit\."), "显示此帮助并退出。"),
    (re.compile(r"\[default: ([^\]]*)\]"), r"[默认：\1]"),
    (re.compile(r"\[required\]"), "[必填]"),
    (re.compile(r"\[env var: ([^\]]*)\]"), r"[环境变量：\1]"),
]

_ERRORS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^No such option: (.*?)(?:\s+Did you mean (.*)\?)?$"),
     lambda m: f"没有此选项：{m.group(1)}" + (f"，您是不是要找 {m.group(2)}？" if m.group(2) else "")),
    (re.compile(r"^No such command (.*)\.$"), lambda m: f"没有此命令：{m.group(1)}"),
    (re.compile(r"^Missing command\.$"), lambda m: "缺少命令"),
    (re.compile(r"^Missing argument (.*)\.$"), lambda m: f"缺少参数 {m.group(1)}"),
    (re.compile(r"^Missing option (.*)\.$"), lambda m: f"缺少选项 {m.group(1)}"),
    (re.compile(r"^Option (.*) requires an argument\.$"), lambda m: f"选项 {m.group(1)} 需要一个值"),
    (re.compile(r"^Got unexpected extra arguments? \((.*)\)$"), lambda m: f"多余的参数：{m.group(1)}"),
    (re.compile(r"^Invalid value for (.*?): (.*?) is not a valid (integer|int|float|boolean)\.?$"),
     lambda m: f"{m.group(1)} 的值无效：{m.group(2)} 不是有效的"
               + {"integer": "整数", "int": "整数", "float": "数字", "boolean": "布尔值"}[m.group(3)]),
    (re.compile(r"^Invalid value for (.*?): (.*)$"), lambda m: f"{m.group(1)} 的值无效：{m.group(2)}"),
]


def translate_help(text: str) -> str:
    for pattern, replacement in _HELP:
        text = pattern.sub(replacement, text)
    return text


def translate_error(message: str) -> str:
    for pattern, replace in _ERRORS:
        match = pattern.match(message.strip())
        if match:
            return replace(match)
    return message
