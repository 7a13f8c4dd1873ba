"""Which model a brief asks and how: ``--model``/``--api-base``/``--timeout``/``--max-time``
over the environment (``HUB_MODEL``, ``HUB_API_BASE``) over config ``[llm]``."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubcli.errors import UsageError

DEFAULT_TIMEOUT = 120.0  # seconds of silence accepted while waiting for (the rest of) an answer
DEFAULT_MAX_TIME = 600.0  # seconds one model call may take in total, retries included
DEFAULT_MAX_RETRIES = 2
DEFAULT_TEMPERATURE = 0.2


@dataclass
class LLMConfig:
    model: str | None
    api_base: str | None = None
    context_window: int | None = None
    max_output_tokens: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    temperature: float = DEFAULT_TEMPERATURE
    stream: bool = True  # [llm] stream = false for a server that cannot stream
    max_time: float = DEFAULT_MAX_TIME


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


def _model_and_base(data: dict[str, Any], config_file: Path, model: str | None,
                    api_base: str | None) -> tuple[str | None, str | None]:
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
    return chosen, base


def llm_config(data: dict[str, Any], config_file: Path, *, model: str | None, api_base: str | None,
               timeout: float | None, max_time: float | None = None) -> LLMConfig:
    """Options over environment (``HUB_MODEL``, ``HUB_API_BASE``) over config ``[llm]``."""
    chosen, base = _model_and_base(data, config_file, model, api_base)
    cfg_timeout = _config_value(data, "timeout", (int, float), config_file, minimum=0.1)
    if timeout is not None and timeout <= 0:
        raise UsageError("brief_bad_timeout", value=f"{timeout:g}")
    if max_time is not None and max_time <= 0:
        raise UsageError("brief_bad_max_time", value=f"{max_time:g}")
    cfg_max_time = _config_value(data, "max_time", (int, float), config_file, minimum=1)
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
        stream=_config_value(data, "stream", bool, config_file) is not False,
        max_time=float(max_time if max_time is not None else cfg_max_time if cfg_max_time is not None
                       else DEFAULT_MAX_TIME),
    )
