"""What a self-hosted OpenAI-compatible server reports about itself: its context window.

llama.cpp's ``llama-server`` answers ``GET /props`` at the server root (not under ``/v1``)
with ``default_generation_settings.n_ctx``, the context of one slot as it was started
(``-c``); vLLM answers ``GET /v1/models`` with ``max_model_len`` per model (llama.cpp's
``/v1/models`` also has ``meta.n_ctx``).  One short GET each, with a short timeout; a
server that answers neither is simply one hub knows nothing about.  The caller caches the
answer in hub's database (:func:`hubcli.brief.run.server_info`).

Only ``requests`` is used here (imported inside :func:`probe`), never litellm.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any

PROBE_TIMEOUT = (2.0, 3.0)  # connect, read: the server is local or it is not worth waiting for


@dataclass(frozen=True)
class ServerInfo:
    context: int | None  # tokens of context one request may use
    source: str  # "/props" or "/v1/models"; "" when the server reported nothing
    kind: str  # "llama.cpp", "vllm", "openai-compatible" or ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(data: object) -> ServerInfo | None:
        if not isinstance(data, dict):
            return None
        context = data.get("context")
        source, kind = data.get("source"), data.get("kind")
        if not (context is None or _positive(context)) or not isinstance(source, str) or not isinstance(kind, str):
            return None
        return ServerInfo(context, source, kind)


class Unreachable(Exception):
    """The server did not answer at all (nothing to remember)."""


def _positive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def root_of(api_base: str) -> str:
    base = api_base.rstrip("/")
    return base[:-3] if base.endswith("/v1") else base


def served_name(model: str) -> str:
    return model.split("/", 1)[1] if model.lower().startswith("openai/") else model


def _from_props(data: object) -> int | None:
    if not isinstance(data, dict):
        return None
    settings = data.get("default_generation_settings")
    nested = _int(settings.get("n_ctx")) if isinstance(settings, dict) else None
    return nested or _int(data.get("n_ctx"))


def _from_models(data: object, name: str) -> tuple[int | None, str]:
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None, ""
    entries = [e for e in entries if isinstance(e, dict)]
    chosen = next((e for e in entries if e.get("id") == name), entries[0] if len(entries) == 1 else None)
    if chosen is None:
        return None, ""
    meta = chosen.get("meta") if isinstance(chosen.get("meta"), dict) else {}
    for value, kind in ((chosen.get("max_model_len"), "vllm"), (meta.get("n_ctx"), "llama.cpp"),
                        (chosen.get("context_length"), "openai-compatible"),
                        (chosen.get("max_context_length"), "openai-compatible")):
        if _int(value):
            return _int(value), kind
    return None, ""


def probe(api_base: str, model: str, *, timeout: tuple[float, float] = PROBE_TIMEOUT) -> ServerInfo:
    """Ask the server for its context window; :class:`Unreachable` when it cannot be reached."""
    import requests

    headers = {"Accept": "application/json"}
    key = os.environ.get("OPENAI_API_KEY")
    if key:  # the same key litellm would send to this server
        headers["Authorization"] = f"Bearer {key}"
    reached = False

    def get(url: str) -> object:
        nonlocal reached
        try:
            response = requests.get(url, headers=headers, timeout=timeout, allow_redirects=False)
        except (requests.ConnectionError, requests.Timeout):
            return None
        except requests.RequestException:
            reached = True
            return None
        reached = True
        if response.status_code != 200:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    context = _from_props(get(root_of(api_base) + "/props"))
    if context:
        return ServerInfo(context, "/props", "llama.cpp")
    context, kind = _from_models(get(api_base.rstrip("/") + "/models"), served_name(model))
    if context:
        return ServerInfo(context, "/v1/models", kind)
    if not reached:
        raise Unreachable(api_base)
    return ServerInfo(None, "", "")
