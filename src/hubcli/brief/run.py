"""The steps of ``hub brief`` put together: configuration, budget, plan, calls (cached),
citation check and the final Markdown.  No typer, no rich: the CLI passes a
:class:`Reporter` for the lines that go to stderr.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hubcli.brief import cache, prompt
from hubcli.brief.cite import check, clean_answer, md_inline, references
from hubcli.brief.select import (
    DEFAULT_CONTEXT_WINDOW,
    MIN_PAPER_BUDGET,
    Budget,
    Numbered,
    Plan,
    Ranked,
    choose_output_tokens,
    estimate_tokens,
    plan,
)
from hubcli.errors import HubError, LLMError, StoreError, UsageError
from hubcli.i18n import t
from hubcli.store.db import Store

DEFAULT_TIMEOUT = 120.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_TEMPERATURE = 0.2


class Reporter(Protocol):
    def info(self, message: str) -> None: ...
    def warn(self, message: str) -> None: ...
    def status(self, message: str) -> None: ...  # what is happening now (terminal only)
    def progress(self, message: str | None) -> None: ...  # None clears the progress line


# --- configuration ---------------------------------------------------------------------------

@dataclass
class LLMConfig:
    model: str | None
    api_base: str | None = None
    context_window: int | None = None
    max_output_tokens: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    temperature: float = DEFAULT_TEMPERATURE
    stream: bool | None = None  # None: stream when stderr is a terminal


def _config_value(data: dict[str, Any], key: str, kind: type | tuple[type, ...], path: Path,
                  minimum: float | None = None) -> Any:
    from hubcli.config import checked_value

    return checked_value(data, key, kind, path, table="llm", minimum=minimum)


def normalize_api_base(value: str) -> str:
    """``http://host:port`` -> ``http://host:port/v1`` (OpenAI-compatible servers)."""
    base = value.strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", base):
        raise UsageError("brief_bad_api_base", value=value)
    return base if base.endswith("/v1") else base + "/v1"


def llm_config(data: dict[str, Any], config_file: Path, *, model: str | None, api_base: str | None,
               timeout: float | None) -> LLMConfig:
    """Options over environment (``HUB_MODEL``, ``HUB_API_BASE``) over config ``[llm]``."""
    cfg_model = _config_value(data, "model", str, config_file)
    cfg_base = _config_value(data, "api_base", str, config_file)
    chosen = (model or os.environ.get("HUB_MODEL") or cfg_model or "").strip() or None
    base = (api_base or os.environ.get("HUB_API_BASE") or cfg_base or "").strip() or None
    if base and not chosen:
        raise UsageError("brief_api_base_needs_model")
    if chosen and base:
        if "/" not in chosen:
            chosen = f"openai/{chosen}"  # any OpenAI-compatible server
        if chosen.lower().startswith("openai/"):
            base = normalize_api_base(base)
    cfg_timeout = _config_value(data, "timeout", (int, float), config_file, minimum=0.1)
    if timeout is not None and timeout <= 0:
        raise UsageError("brief_bad_timeout", value=f"{timeout:g}")
    cfg_temp = _config_value(data, "temperature", (int, float), config_file, minimum=0)
    cfg_retries = _config_value(data, "max_retries", int, config_file, minimum=0)
    return LLMConfig(
        model=chosen,
        api_base=base,
        context_window=_config_value(data, "context_window", int, config_file, minimum=512),
        max_output_tokens=_config_value(data, "max_output_tokens", int, config_file, minimum=16),
        timeout=float(timeout if timeout is not None else cfg_timeout if cfg_timeout is not None else DEFAULT_TIMEOUT),
        max_retries=cfg_retries if cfg_retries is not None else DEFAULT_MAX_RETRIES,
        temperature=float(cfg_temp) if cfg_temp is not None else DEFAULT_TEMPERATURE,
        stream=_config_value(data, "stream", bool, config_file),
    )


# --- budget ----------------------------------------------------------------------------------

def _litellm_version() -> str:
    try:
        from importlib.metadata import version

        return version("litellm")
    except Exception:  # noqa: BLE001 - not installed: nothing to cache against
        return ""


def model_limits(store: Store | None, model: str) -> tuple[int | None, int | None]:
    """litellm's limits for a model, remembered in the database per litellm version so a
    cached brief does not need litellm at all."""
    state_key = f"brief_model_info:{model}"
    version = _litellm_version()
    if store is not None:
        try:
            saved = json.loads(store.get_state(state_key) or "null")
        except ValueError:
            saved = None
        if isinstance(saved, dict) and saved.get("litellm") == version:
            return saved.get("max_input"), saved.get("max_output")
    from hubcli.brief import llm

    max_in, max_out = llm.model_limits(model)
    if store is not None:
        try:
            with store.transaction():
                store.set_state(state_key, json.dumps({"litellm": version, "max_input": max_in,
                                                       "max_output": max_out}))
        except (HubError, OSError, sqlite3.Error):
            pass  # a read-only database only costs the look-up next time
    return max_in, max_out


def budget_for(store: Store | None, cfg: LLMConfig, lang: str) -> Budget:
    max_in = max_out = None
    if cfg.model and not (cfg.context_window and cfg.max_output_tokens):
        max_in, max_out = model_limits(store, cfg.model)
    if cfg.context_window:
        window, source = cfg.context_window, "config"
    elif max_in:
        window, source = max_in, "litellm"
    else:
        window, source = DEFAULT_CONTEXT_WINDOW, "default"
    output = choose_output_tokens(cfg.max_output_tokens, max_out)
    draft = Budget.make(window, output, 0, source)
    budget = Budget.make(window, output, prompt.overhead_tokens(lang, draft.output_tokens), source)
    if budget.per_call < MIN_PAPER_BUDGET:
        raise LLMError("brief_window_too_small", window=window, output=budget.output_tokens)
    return budget


def make_plan(ranked: Ranked, budget: Budget) -> Plan:
    return plan(ranked.papers, budget, prompt.record_tokens)


# --- calls -----------------------------------------------------------------------------------

@dataclass
class Usage:
    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_known: bool = True
    cost: float = 0.0
    cost_known: bool = True
    seconds: float = 0.0
    cached_at: list[str] = field(default_factory=list)

    def add(self, usage: dict[str, Any], *, from_cache: bool) -> None:
        if from_cache:
            self.cached += 1
            return
        self.calls += 1
        p, c = usage.get("prompt_tokens"), usage.get("completion_tokens")
        if isinstance(p, int) and isinstance(c, int):
            self.prompt_tokens += p
            self.completion_tokens += c
        else:
            self.tokens_known = False
        cost = usage.get("cost")
        if isinstance(cost, int | float):
            self.cost += float(cost)
        else:
            self.cost_known = False
        self.seconds += float(usage.get("seconds") or 0.0)


@dataclass
class Caller:
    store: Store
    cfg: LLMConfig
    use_cache: bool
    reporter: Reporter
    stream: bool
    usage: Usage = field(default_factory=Usage)
    keys_checked: bool = False

    def __call__(self, messages: prompt.Messages, *, max_tokens: int, label: str, final: bool) -> str:
        assert self.cfg.model
        params = {"max_tokens": max_tokens, "temperature": self.cfg.temperature}
        key = cache.cache_key(self.cfg.model, self.cfg.api_base, messages, params)
        if self.use_cache:
            hit = cache.get(self.store, key)
            if hit is not None:
                self.usage.add(hit.usage, from_cache=True)
                self.usage.cached_at.append(hit.created_at)
                return hit.text
        from hubcli.brief import llm

        if not self.keys_checked:
            llm.check_keys(self.cfg.model, self.cfg.api_base)
            self.keys_checked = True
        self.reporter.status(label)
        stream = self.stream and final

        def progress(chars: int) -> None:
            self.reporter.progress(t("brief_receiving", chars=chars))

        try:
            answer = llm.complete(
                self.cfg.model, messages, api_base=self.cfg.api_base, max_tokens=max_tokens,
                temperature=self.cfg.temperature, timeout=self.cfg.timeout, max_retries=self.cfg.max_retries,
                stream=stream, progress=progress,
            )
        finally:
            if stream:
                self.reporter.progress(None)
        if answer.finish_reason == "length":
            self.reporter.warn(t("brief_cut_short", tokens=max_tokens))
        usage = answer.usage()
        self.usage.add(usage, from_cache=False)
        try:
            cache.put(self.store, key, self.cfg.model, answer.text, usage)
        except StoreError as exc:
            self.reporter.warn(t("brief_cache_write_failed", reason=t(exc.key, **exc.params)))
        return answer.text


def map_shape(the_plan: Plan) -> tuple[int, bool]:
    """(max tokens of each group summary, whether the synthesis also gets all titles): the
    summaries and the titles together fit what one call may carry."""
    budget = the_plan.budget
    assert budget is not None
    title_tokens = estimate_tokens(prompt.titles(the_plan.sent))
    with_titles = title_tokens <= budget.per_call // 3
    room = budget.per_call - (title_tokens if with_titles else 0)
    return min(budget.output_tokens, max(64, room // len(the_plan.groups))), with_titles


def generate(caller: Caller, the_plan: Plan, *, lang: str) -> str:
    """The model's briefing text: one call, or a summary per group then a synthesis."""
    budget = the_plan.budget
    assert budget is not None
    sent = the_plan.sent
    if not the_plan.map_reduce:
        messages = prompt.brief_messages(sent, lang=lang, output_tokens=budget.output_tokens)
        return caller(messages, max_tokens=budget.output_tokens, final=True,
                      label=t("brief_asking", model=caller.cfg.model, count=len(sent),
                              tokens=f"{prompt.messages_tokens(messages):,}"))
    groups = len(the_plan.groups)
    summary_tokens, with_titles = map_shape(the_plan)
    notes = []
    for index, group in enumerate(the_plan.groups, start=1):
        messages = prompt.map_messages(group, total=len(sent), summary_tokens=summary_tokens)
        notes.append(caller(messages, max_tokens=summary_tokens, final=False,
                            label=t("brief_asking_group", model=caller.cfg.model, index=index, groups=groups,
                                    first=group[0].number, last=group[-1].number)))
    messages = prompt.reduce_messages(notes, sent, lang=lang, output_tokens=budget.output_tokens,
                                      with_titles=with_titles)
    return caller(messages, max_tokens=budget.output_tokens, final=True,
                  label=t("brief_asking_synthesis", model=caller.cfg.model, groups=groups))


def estimate_prompt_tokens(the_plan: Plan, *, lang: str) -> int:
    budget = the_plan.budget
    assert budget is not None
    sent = the_plan.sent
    if not the_plan.map_reduce:
        return prompt.messages_tokens(prompt.brief_messages(sent, lang=lang, output_tokens=budget.output_tokens))
    summary, with_titles = map_shape(the_plan)
    total = sum(prompt.messages_tokens(prompt.map_messages(g, total=len(sent), summary_tokens=summary))
                for g in the_plan.groups)
    placeholder = ["x" * int(summary * 3.5)] * len(the_plan.groups)
    return total + prompt.messages_tokens(prompt.reduce_messages(placeholder, sent, lang=lang,
                                                                 output_tokens=budget.output_tokens,
                                                                 with_titles=with_titles))


# --- the document ----------------------------------------------------------------------------

@dataclass
class Document:
    markdown: str
    cited: list[int]
    invalid: list[str]


def document(answer: str, sent: list[Numbered], *, subtitle: str) -> Document:
    """Title, the checked answer, and hub's reference list for the cited papers."""
    by_number = {n.number: n.paper for n in sent}
    checked = check(clean_answer(answer), set(by_number))
    parts = [f"# {t('brief_title')}", "", f"_{md_inline(subtitle)}_", "", checked.text.strip(), ""]
    if checked.cited:
        parts += [references(checked.cited, by_number, heading=t("brief_references"), et_al=t("brief_et_al")), ""]
    return Document("\n".join(parts), checked.cited, checked.invalid)
