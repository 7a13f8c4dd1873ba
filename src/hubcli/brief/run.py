"""The steps of ``hub brief``: budget, plan, calls (cached), citation check and the final
Markdown.  No typer, no rich: the caller passes a :class:`CallReporter` for progress and
warnings, as catalogue keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from hubcli.brief import cache, prompt
from hubcli.brief.attribute import Attributed, attribute
from hubcli.brief.cite import Checked, check, clean_answer, labels, md_inline, references
from hubcli.brief.config import LLMConfig
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
from hubcli.brief.server import ServerInfo
from hubcli.errors import LLMError, StoreError
from hubcli.i18n import Message, translate
from hubcli.redaction import redact
from hubcli.store.briefs import forget, remember, remembered
from hubcli.store.db import Store


class CallReporter(Protocol):
    """Where a model call reports: warnings, what is happening now, and the progress line
    (``None`` clears it); every message a catalogue key, translated by the front end."""

    def warn(self, message: Message) -> None: ...
    def status(self, message: Message) -> None: ...
    def progress(self, message: Message | None) -> None: ...


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
        saved = remembered(store, state_key)
        if isinstance(saved, dict) and saved.get("litellm") == version:
            return saved.get("max_input"), saved.get("max_output")
    from hubcli.brief import llm

    max_in, max_out = llm.model_limits(model)
    if store is not None:  # a read-only database only costs the look-up next time
        remember(store, state_key, {"litellm": version, "max_input": max_in, "max_output": max_out})
    return max_in, max_out


def _server_key(cfg: LLMConfig) -> str:
    return f"brief_server_info:{cfg.api_base}|{cfg.model}"


def server_info(store: Store | None, cfg: LLMConfig, *, refresh: bool = False) -> ServerInfo | None:
    """What the OpenAI-compatible server at ``--api-base`` reports (its context window),
    asked once and remembered in the database; ``refresh`` (``--no-cache``) asks again.
    None without an API base, or when the server cannot be reached (nothing is remembered
    then)."""
    if not cfg.api_base or not cfg.model:
        return None
    key = _server_key(cfg)
    if store is not None and not refresh:
        saved = ServerInfo.from_json(remembered(store, key))
        if saved is not None:
            return saved
    from hubcli.brief.server import Unreachable, probe

    try:
        info = probe(cfg.api_base, cfg.model)
    except Unreachable:
        return None
    if store is not None:  # a read-only database only costs the question next time
        remember(store, key, info.to_json())
    return info


def forget_server_info(store: Store, cfg: LLMConfig) -> None:
    """Drop what the server said (it was restarted with another context, say)."""
    forget(store, _server_key(cfg))


def budget_for(store: Store | None, cfg: LLMConfig, lang: str, server: ServerInfo | None = None) -> Budget:
    max_in = max_out = None
    reported = server.context if server else None
    if cfg.model and not ((cfg.context_window or reported) and cfg.max_output_tokens):
        max_in, max_out = model_limits(store, cfg.model)
    if cfg.context_window:
        window, source = cfg.context_window, "config"
    elif reported:
        window, source = reported, "server"
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


def make_plan(ranked: Ranked, budget: Budget, summaries: Mapping[str, str] | None = None) -> Plan:
    """The plan; ``summaries`` (TL;DRs by paper key) go beside each paper's marker and let
    more papers into one call of a small context."""
    return plan(ranked.papers, budget, prompt.record_tokens, summaries=summaries)


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

    def spent(self) -> dict[str, Any]:
        """The usage line's parameters (``brief_usage``, ``tldr_usage``): calls, tokens, cost."""
        tokens = (Message("brief_tokens", {"total": f"{self.prompt_tokens + self.completion_tokens:,}",
                                           "prompt": f"{self.prompt_tokens:,}",
                                           "completion": f"{self.completion_tokens:,}"})
                  if self.tokens_known else Message("brief_tokens_unknown"))
        cost = f"${self.cost:.4f}" if self.cost_known else Message("brief_cost_unknown")
        return {"calls": self.calls, "tokens": tokens, "cost": cost}


@dataclass
class Caller:
    """One model call at a time: answered from the cache when it may, else asked (and
    kept); warnings about the answers are gathered and said once each."""

    store: Store
    cfg: LLMConfig
    use_cache: bool
    reporter: CallReporter
    stream: bool = True
    budget: Budget | None = None
    server: ServerInfo | None = None
    usage: Usage = field(default_factory=Usage)
    keys_checked: bool = False
    notes: list[tuple[Message, int]] = field(default_factory=list)  # warnings about answers, said once each

    def note(self, key: str, **params: Any) -> None:
        message = Message(key, params)
        for index, (known, count) in enumerate(self.notes):
            if known == message:
                self.notes[index] = (known, count + 1)
                return
        self.notes.append((message, 1))

    def report_notes(self) -> None:
        """Each warning about the answers once, however many calls it concerned."""
        for message, count in self.notes:
            self.reporter.warn(message if count == 1 else Message("brief_repeated", {"message": message,
                                                                                     "count": count}))
        self.notes.clear()

    def _check_finish(self, usage: dict[str, Any], max_tokens: int) -> None:
        """Why an answer stopped early, as the server says (``finish_reason``)."""
        if usage.get("finish_reason") != "length":
            return
        completion, prompt_tokens = usage.get("completion_tokens"), usage.get("prompt_tokens")
        if not isinstance(completion, int):
            self.note("brief_cut_short_unknown", tokens=max_tokens)
        elif completion < max_tokens:  # stopped before the output limit: the context is full
            window = self.budget.context_window if self.budget else None
            self.note("brief_context_full", completion=completion, tokens=max_tokens,
                      prompt=prompt_tokens if isinstance(prompt_tokens, int) else "?",
                      window=f"{window:,}" if window else "?")
            forget_server_info(self.store, self.cfg)
        else:
            self.note("brief_cut_short", tokens=max_tokens)

    def __call__(self, messages: prompt.Messages, *, max_tokens: int, label: Message, final: bool) -> str:
        assert self.cfg.model
        params = {"max_tokens": max_tokens, "temperature": self.cfg.temperature}
        key = cache.cache_key(self.cfg.model, self.cfg.api_base, messages, params)
        if self.use_cache:
            hit = cache.get(self.store, key)
            if hit is not None:
                self.usage.add(hit.usage, from_cache=True)
                self.usage.cached_at.append(hit.created_at)
                self._check_finish(hit.usage, max_tokens)
                return redact(hit.text)  # (an answer cached by an older hub may hold a key)
        from hubcli.brief import llm

        if not self.keys_checked:
            llm.check_keys(self.cfg.model, self.cfg.api_base)
            self.keys_checked = True
        self.reporter.status(label)

        def progress(chars: int) -> None:
            self.reporter.progress(Message("brief_receiving", {"chars": chars}))

        def notify(message: Message) -> None:
            self.reporter.progress(None)
            self.reporter.warn(message)

        # llama.cpp streams its prompt processing too (return_progress): bytes keep coming
        # while a CPU model reads a long prompt, so the read timeout measures real silence
        extra = {"return_progress": True} if self.stream and self.server and self.server.kind == "llama.cpp" else None
        try:
            answer = llm.complete(
                self.cfg.model, messages, api_base=self.cfg.api_base, max_tokens=max_tokens,
                temperature=self.cfg.temperature, timeout=self.cfg.timeout, max_time=self.cfg.max_time,
                max_retries=self.cfg.max_retries, stream=self.stream, progress=progress, notify=notify,
                extra_body=extra,
            )
        except LLMError as exc:
            if exc.key == "brief_context":
                forget_server_info(self.store, self.cfg)
            raise
        finally:
            if self.stream:
                self.reporter.progress(None)
        usage = answer.usage()
        self._check_finish(usage, max_tokens)
        self.usage.add(usage, from_cache=False)
        text = redact(answer.text)  # a model echoing the API key: never printed nor cached
        try:
            cache.put(self.store, key, self.cfg.model, text, usage)
        except StoreError as exc:
            self.note("brief_cache_write_failed", reason=Message(exc.key, dict(exc.params)))
        return text


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
                      label=Message("brief_asking", {"model": caller.cfg.model, "count": len(sent),
                                                     "tokens": f"{prompt.messages_tokens(messages):,}"}))
    groups = len(the_plan.groups)
    summary_tokens, with_titles = map_shape(the_plan)
    notes = []
    for index, group in enumerate(the_plan.groups, start=1):
        messages = prompt.map_messages(group, total=len(sent), summary_tokens=summary_tokens)
        notes.append(caller(messages, max_tokens=summary_tokens, final=False,
                            label=Message("brief_asking_group", {
                                "model": caller.cfg.model, "index": index, "groups": groups,
                                "first": group[0].number, "last": group[-1].number})))
    messages = prompt.reduce_messages(notes, sent, lang=lang, output_tokens=budget.output_tokens,
                                      with_titles=with_titles)
    return caller(messages, max_tokens=budget.output_tokens, final=True,
                  label=Message("brief_asking_synthesis", {"model": caller.cfg.model, "groups": groups}))


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
    cited: list[int]  # by the model or by hub
    invalid: list[str]
    check: Checked | None = None
    attributed: Attributed | None = None

    @property
    def model_cited(self) -> list[int]:
        return self.check.cited if self.check else self.cited


def document(answer: str, sent: list[Numbered], *, subtitle: str, lang: str) -> Document:
    """Title, the checked answer with hub's attributions where the model cited nothing,
    and hub's list of the papers the brief covered: the cited ones first (References),
    then the others, so a reader always gets every paper sent."""
    by_number = {n.number: n.paper for n in sent}
    own = labels([f"{n.paper.title} {n.abstract}" for n in sent])
    checked = check(clean_answer(answer), set(by_number), paper_labels=own)
    attributed = attribute(checked.text, checked.marker_spans, sent)
    cited = sorted(set(checked.cited) | set(attributed.papers))
    parts = [f"# {translate('brief_title', lang)}", "", f"_{md_inline(subtitle)}_", "", attributed.text.strip(), ""]
    if attributed.hub:
        parts += [f"_{translate('brief_hub_marker_note', lang)}_", ""]
    others = [n.number for n in sent if n.number not in set(cited)]
    et_al = translate("brief_et_al", lang)
    if cited:
        parts += [references(cited, by_number, heading=translate("brief_references", lang), et_al=et_al), ""]
    if others:
        heading = translate("brief_also_covered" if cited else "brief_papers_covered", lang)
        parts += [references(others, by_number, heading=heading, et_al=et_al), ""]
    return Document("\n".join(parts), cited, checked.invalid, checked, attributed)
