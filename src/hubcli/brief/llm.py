"""The model call: the only module that imports litellm, and only inside its functions.

litellm takes about 3 s to import, so nothing else in hub imports it and ``hub papers``
never pays for it.  Before the import the price-map download is switched off
(``LITELLM_LOCAL_MODEL_COST_MAP``); after it, litellm's "Give Feedback" banner is
suppressed, its loggers write to stderr (only with ``HUB_DEBUG=1``; otherwise they are
silent), tokenizer downloads are off, and every call runs with stdout pointed at stderr,
so nothing litellm prints can reach ``hub brief > brief.md``.

Time: answers are streamed (unless ``[llm] stream = false``), ``timeout`` is the longest
wait for the next bytes of the answer (the first ones included: it is httpx's read
timeout, which every byte resets), and ``max_time`` bounds one call in total, retries
included: the call runs in a worker thread and the caller stops waiting at the deadline,
whatever the socket is doing.  Retries are hub's own (the OpenAI client's silent
``max_retries`` is set to 0; litellm's ``num_retries`` needs tenacity, which is not
installed): each one is announced through ``notify`` with the reason and the time left.
Failures become :class:`~hubcli.errors.LLMError` with one clear message each.  API keys
come from the providers' usual environment variables; they are never passed around,
stored or printed (messages are scrubbed of their values).
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import re
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hubcli.errors import LLMError
from hubcli.i18n import Message

_LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy")
_PLACEHOLDER_KEY = "sk-no-key-needed"  # self-hosted OpenAI-compatible servers ignore the key
_SECRET_ENV_RE = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)
_PREFIX_RE = re.compile(r"^(?:litellm\.\w+:\s*)?(?:\w+Error:\s*)*(?:litellm\.\w+:\s*)?(?:\w+Exception\s*-\s*)?")


@dataclass
class Answer:
    text: str
    prompt_tokens: int | None
    completion_tokens: int | None
    cost: float | None
    seconds: float
    finish_reason: str | None = None
    attempts: int = 1

    def usage(self) -> dict[str, Any]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "cost": self.cost, "seconds": round(self.seconds, 3), "finish_reason": self.finish_reason}


RETRYABLE = frozenset({"brief_timeout", "brief_rate_limit", "brief_server_error", "brief_unreachable"})
MAX_BACKOFF = 8.0


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def _debug() -> bool:
    return bool(os.environ.get("HUB_DEBUG"))


def _route_logs() -> None:
    debug = _debug()
    for name in _LITELLM_LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        if debug:
            handler = _StderrHandler()
            handler.setFormatter(logging.Formatter("%(name)s %(levelname)s: %(message)s"))
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
        else:
            logger.addHandler(logging.NullHandler())
            logger.setLevel(logging.CRITICAL + 1)
        logger.propagate = False


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Anything printed while litellm runs goes to stderr, never to stdout; its Python
    warnings (pydantic deprecations and the like) are shown only with ``HUB_DEBUG=1``."""
    with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        if not _debug():
            warnings.simplefilter("ignore")
        yield


def load() -> Any:
    """Import and configure litellm (cheap after the first time)."""
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    with _quiet():
        import litellm
    litellm.suppress_debug_info = True
    litellm.set_verbose = False  # type: ignore[attr-defined]
    litellm.disable_hf_tokenizer_download = True
    litellm.drop_params = True  # parameters a provider does not take are dropped, not fatal
    _route_logs()
    return litellm


def provider(model: str) -> str:
    return model.split("/", 1)[0].lower() if "/" in model else ""


def model_limits(model: str) -> tuple[int | None, int | None]:
    """(max input tokens, max output tokens) as litellm knows them; ``(None, None)`` for
    models it has not mapped (local and self-hosted ones)."""
    litellm = load()
    try:
        with _quiet():
            info = litellm.get_model_info(model)
    except Exception:  # noqa: BLE001 - unmapped models raise; the caller uses a default
        return None, None
    max_in = info.get("max_input_tokens") or info.get("max_tokens")
    max_out = info.get("max_output_tokens") or info.get("max_tokens")
    return (int(max_in) if max_in else None), (int(max_out) if max_out else None)


def check_keys(model: str, api_base: str | None) -> None:
    """Fail early, with the variable's name, when a hosted provider's key is missing."""
    if api_base:
        return
    litellm = load()
    try:
        with _quiet():
            found = litellm.validate_environment(model)
    except Exception:  # noqa: BLE001 - an unknown provider: let the call say what is wrong
        return
    missing = [k for k in found.get("missing_keys") or [] if re.search(r"(_KEY|_TOKEN)$", k)]
    if missing:
        raise LLMError("brief_no_key", model=model, keys=", ".join(missing))


def redact(text: str) -> str:
    """A provider message without any secret value from the environment."""
    from hubcli.redaction import redact as redact_secrets

    text = redact_secrets(text)
    text = re.sub(r"\b(sk|pk|rk|gsk|xai|key)-[A-Za-z0-9_\-*]{8,}", r"\1-***", text)
    return text


def _detail(exc: BaseException) -> str:
    first = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
    first = _PREFIX_RE.sub("", first).strip() or type(exc).__name__
    first = redact(first)
    return first if len(first) <= 200 else first[:199] + "…"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 12:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _names(exc: BaseException) -> set[str]:
    return {f"{type(e).__module__}.{type(e).__name__}" for e in _chain(exc)}


def map_error(exc: BaseException, *, model: str, api_base: str | None, timeout: float) -> LLMError:
    """One clear message per failure kind."""
    litellm = sys.modules.get("litellm")
    where = api_base or provider(model) or model
    detail = _detail(exc)
    names = _names(exc)

    def isa(name: str) -> bool:
        cls = getattr(litellm, name, None) if litellm else None
        return isinstance(cls, type) and isinstance(exc, cls)

    if isa("Timeout") or any(n.endswith(("APITimeoutError", "ReadTimeout", "ConnectTimeout")) for n in names):
        return LLMError("brief_timeout", model=model, seconds=f"{timeout:g}")
    status = getattr(exc, "status_code", None)
    if (isa("AuthenticationError") or isa("PermissionDeniedError") or status in (401, 403)
            or "Missing credentials" in str(exc)):
        return LLMError("brief_auth", model=model, status=status if status in (401, 403) else 401)
    if isa("RateLimitError") or status == 429:
        return LLMError("brief_rate_limit", model=model)
    if isa("ContextWindowExceededError") or (
        status == 400 and re.search(r"context[ _](length|window|size)|maximum context|too many tokens", str(exc), re.I)
    ):
        return LLMError("brief_context", model=model)
    if isa("NotFoundError"):
        return LLMError("brief_model_not_found", model=model, where=where, detail=detail)
    if isa("APIConnectionError") or any(
        n in names for n in ("openai.APIConnectionError", "httpx.ConnectError", "httpcore.ConnectError")
    ) or "Connection error" in str(exc):
        return LLMError("brief_unreachable", where=where)
    if isa("BadRequestError") or isa("UnprocessableEntityError"):
        return LLMError("brief_bad_request", model=model, detail=detail)
    if isinstance(status, int) and status >= 500:
        return LLMError("brief_server_error", model=model, status=status, detail=detail)
    return LLMError("brief_failed", model=model, detail=f"{type(exc).__name__}: {detail}")


def _retry_after(exc: BaseException) -> float | None:
    """Seconds a ``Retry-After`` header asks for, when the failure carries one."""
    for link in _chain(exc):
        response = getattr(link, "response", None)
        headers = getattr(response, "headers", None)
        value = headers.get("retry-after") if headers is not None else None
        if value is not None:
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return None
    return None


def _close(response: Any) -> None:
    """Best effort: hang up on a stream we stopped waiting for."""
    for target in (getattr(response, "completion_stream", None), response):
        close = getattr(target, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):
                close()


class _Deadline(Exception):
    pass


def _attempt(litellm: Any, kwargs: dict[str, Any], *, stream: bool, deadline: float,
             progress: Callable[[int], None] | None) -> Any:
    """One request, run in a daemon thread; this thread waits for its pieces no later than
    ``deadline`` (then raises :class:`_Deadline`).  Returns the whole response."""
    pieces: queue.Queue[tuple[str, Any]] = queue.Queue()

    def work() -> None:
        try:
            if not stream:
                pieces.put(("done", litellm.completion(**kwargs)))
                return
            response = litellm.completion(**kwargs, stream=True, stream_options={"include_usage": True})
            pieces.put(("open", response))
            for chunk in response:
                pieces.put(("chunk", chunk))
            pieces.put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            pieces.put(("error", exc))

    threading.Thread(target=work, name="hub-llm-call", daemon=True).start()
    chunks: list[Any] = []
    opened: Any = None
    chars = 0
    while True:
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise queue.Empty
            kind, value = pieces.get(timeout=left)
        except queue.Empty:
            _close(opened)
            raise _Deadline from None
        if kind == "error":
            raise value
        if kind == "done":
            return value
        if kind == "open":
            opened = value
        elif kind == "chunk":
            chunks.append(value)
            choices = getattr(value, "choices", None) or []
            piece = getattr(getattr(choices[0], "delta", None), "content", None) if choices else None
            if piece:
                chars += len(piece)
                if progress:
                    progress(chars)
        else:  # end of the stream
            if not chunks:
                return None
            return litellm.stream_chunk_builder(chunks, messages=kwargs["messages"])


def _round(seconds: float) -> str:
    return f"{seconds:.0f}" if seconds >= 10 else f"{seconds:.1f}".rstrip("0").rstrip(".")


def complete(
    model: str,
    messages: list[dict[str, str]],
    *,
    api_base: str | None,
    max_tokens: int,
    temperature: float,
    timeout: float,
    max_time: float,
    max_retries: int,
    stream: bool,
    progress: Callable[[int], None] | None = None,
    notify: Callable[[Message], None] | None = None,
    extra_body: dict[str, Any] | None = None,
) -> Answer:
    """One chat completion, streamed (with ``progress(chars)``) or not, retried up to
    ``max_retries`` times (each retry announced through ``notify``), never longer than
    ``max_time`` seconds in total."""
    litellm = load()
    kwargs = _request(model, messages, api_base=api_base, max_tokens=max_tokens, temperature=temperature,
                      extra_body=extra_body)
    start = time.monotonic()
    deadline = start + max_time
    attempt = 0
    while True:
        attempt += 1
        left = deadline - time.monotonic()
        # the read timeout never outlasts the deadline: a blocked read ends by itself too
        kwargs["timeout"] = read_timeout = max(0.5, min(timeout, left))
        try:
            with _quiet():
                full = _attempt(litellm, kwargs, stream=stream, deadline=deadline, progress=progress)
            if full is None:
                raise LLMError("brief_empty_answer", model=model)
            break
        except LLMError:
            raise
        except _Deadline:
            raise LLMError("brief_deadline", model=model, seconds=_round(max_time), tries=attempt,
                           timeout=_round(timeout)) from None
        except Exception as exc:  # noqa: BLE001 - every provider failure becomes one message
            error = map_error(exc, model=model, api_base=api_base, timeout=timeout)
            left = deadline - time.monotonic()
            if error.key == "brief_timeout" and read_timeout < timeout and left < 1.0:
                raise LLMError("brief_deadline", model=model, seconds=_round(max_time), tries=attempt,
                               timeout=_round(timeout)) from exc
            wait = _retry_after(exc)
            if wait is None:
                wait = 0.0 if error.key == "brief_timeout" else min(MAX_BACKOFF, 2.0 ** (attempt - 1))
            if error.key not in RETRYABLE or attempt > max_retries or wait >= left - 0.5:
                if attempt > 1 and error.key == "brief_timeout":
                    raise LLMError("brief_timeout_retried", model=model, seconds=_round(timeout), tries=attempt,
                                   total=_round(time.monotonic() - start)) from exc
                raise error from exc
            if notify:
                notify(Message("brief_retrying", {"reason": Message(error.key, dict(error.params)), "attempt": attempt,
                                                  "retries": max_retries, "left": _round(left - wait)}))
            time.sleep(wait)
    return _answer(litellm, full, model=model, seconds=time.monotonic() - start, attempts=attempt)


def _request(model: str, messages: list[dict[str, str]], *, api_base: str | None, max_tokens: int,
             temperature: float, extra_body: dict[str, Any] | None) -> dict[str, Any]:
    """litellm's keyword arguments for one call (retries are hub's own: ``max_retries`` 0)."""
    kwargs: dict[str, Any] = {
        "model": model, "messages": messages, "max_tokens": max_tokens, "temperature": temperature,
        "max_retries": 0,
    }
    if api_base:
        kwargs["api_base"] = api_base
        if provider(model) == "openai" and not os.environ.get("OPENAI_API_KEY"):
            kwargs["api_key"] = _PLACEHOLDER_KEY
    if extra_body:
        kwargs["extra_body"] = extra_body
    return kwargs


def _answer(litellm: Any, full: Any, *, model: str, seconds: float, attempts: int) -> Answer:
    """The text, usage and cost of a finished response (LLMError when it says nothing)."""
    choice = full.choices[0] if getattr(full, "choices", None) else None
    text = (getattr(getattr(choice, "message", None), "content", None) or "") if choice else ""
    if not text.strip():
        raise LLMError("brief_empty_answer", model=model)
    usage = getattr(full, "usage", None)
    prompt_tokens = getattr(usage, "prompt_tokens", None) or None
    completion_tokens = getattr(usage, "completion_tokens", None) or None
    cost: float | None = None
    if prompt_tokens:
        try:
            with _quiet():
                cost = float(litellm.completion_cost(completion_response=full, model=model))
        except Exception:  # noqa: BLE001 - unmapped models have no price
            cost = None
    return Answer(text, prompt_tokens, completion_tokens, cost, seconds, getattr(choice, "finish_reason", None),
                  attempts=attempts)
