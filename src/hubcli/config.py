"""Paths, config.toml and defaults.

Resolution order for every setting: command-line option, environment variable,
``config.toml``, built-in default.  ``HUB_HOME`` puts config, database and caches in one
folder; without it hub uses the platformdirs folders for the app name ``hub``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hubcli.errors import ConfigError

APP_NAME = "hub"
DEFAULT_SUBSCRIPTIONS = ("arxiv:cs.AI", "arxiv:cs.CL", "arxiv:cs.IR", "arxiv:cs.LG")
DEFAULT_ARXIV_RSS_BASE = "https://rss.arxiv.org/rss/"
DEFAULT_ARXIV_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_BIORXIV_RSS_BASE = "https://connect.biorxiv.org/biorxiv_xml/"
DEFAULT_MEDRXIV_RSS_BASE = "https://connect.medrxiv.org/medrxiv_xml/"
DEFAULT_PER_PAGE = 10
DEFAULT_JOBS = 4
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
DEFAULT_RETRIES = 2

_SOURCE_KEYS = {
    "arxiv_rss_base": ("HUB_ARXIV_RSS_BASE", DEFAULT_ARXIV_RSS_BASE),
    "arxiv_api_url": ("HUB_ARXIV_API_URL", DEFAULT_ARXIV_API_URL),
    "biorxiv_rss_base": ("HUB_BIORXIV_RSS_BASE", DEFAULT_BIORXIV_RSS_BASE),
    "medrxiv_rss_base": ("HUB_MEDRXIV_RSS_BASE", DEFAULT_MEDRXIV_RSS_BASE),
}


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    cache_dir: Path
    config_file: Path
    database: Path


def resolve_paths(db_option: str | None = None) -> Paths:
    home = os.environ.get("HUB_HOME")
    if home:
        base = Path(home).expanduser()
        config_dir = data_dir = base
        cache_dir = base / "cache"
    else:
        import platformdirs

        config_dir = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
        data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        cache_dir = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    db = db_option or os.environ.get("HUB_DB")
    database = Path(db).expanduser() if db else data_dir / "hub.db"
    return Paths(config_dir, data_dir, cache_dir, config_dir / "config.toml", database)


@dataclass(frozen=True)
class TopicConfig:
    name: str
    query: str
    categories: tuple[str, ...] = ()
    description: str = ""


@dataclass
class Settings:
    paths: Paths
    lang: str | None = None
    per_page: int = DEFAULT_PER_PAGE
    jobs: int = DEFAULT_JOBS
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = DEFAULT_RETRIES
    arxiv_rss_base: str = DEFAULT_ARXIV_RSS_BASE
    arxiv_api_url: str = DEFAULT_ARXIV_API_URL
    biorxiv_rss_base: str = DEFAULT_BIORXIV_RSS_BASE
    medrxiv_rss_base: str = DEFAULT_MEDRXIV_RSS_BASE
    topics: dict[str, TopicConfig] = field(default_factory=dict)
    llm: dict[str, Any] = field(default_factory=dict)


def read_config_file(path: Path) -> dict[str, Any]:
    """The parsed config.toml, ``{}`` when absent; a ConfigError names file and line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError("config_unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError("config_invalid", path=str(path), reason="not UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config_invalid", path=str(path), reason=str(exc)) from exc


def _number(data: dict[str, Any], key: str, default: float, path: Path, *, minimum: float) -> Any:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ConfigError("config_bad_value", path=str(path), key=key, value=repr(value))
    return value


def load_settings(db_option: str | None = None) -> Settings:
    paths = resolve_paths(db_option)
    data = read_config_file(paths.config_file)
    cfg = paths.config_file
    settings = Settings(paths=paths)
    lang = data.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise ConfigError("config_bad_value", path=str(cfg), key="lang", value=repr(lang))
    settings.lang = lang
    settings.per_page = int(_number(data, "per_page", DEFAULT_PER_PAGE, cfg, minimum=1))
    sync = data.get("sync", {})
    if not isinstance(sync, dict):
        raise ConfigError("config_bad_value", path=str(cfg), key="sync", value=repr(sync))
    settings.jobs = int(_number(sync, "jobs", DEFAULT_JOBS, cfg, minimum=1))
    settings.connect_timeout = float(_number(sync, "connect_timeout", DEFAULT_CONNECT_TIMEOUT, cfg, minimum=0.1))
    settings.read_timeout = float(_number(sync, "read_timeout", DEFAULT_READ_TIMEOUT, cfg, minimum=0.1))
    settings.max_bytes = int(_number(sync, "max_bytes", DEFAULT_MAX_BYTES, cfg, minimum=1024))
    settings.retries = int(_number(sync, "retries", DEFAULT_RETRIES, cfg, minimum=0))
    sources = data.get("sources", {})
    if not isinstance(sources, dict):
        raise ConfigError("config_bad_value", path=str(cfg), key="sources", value=repr(sources))
    for key, (env, default) in _SOURCE_KEYS.items():
        value = os.environ.get(env) or sources.get(key) or default
        if not isinstance(value, str):
            raise ConfigError("config_bad_value", path=str(cfg), key=f"sources.{key}", value=repr(value))
        setattr(settings, key, value)
    topics = data.get("topics", {})
    if not isinstance(topics, dict):
        raise ConfigError("config_bad_value", path=str(cfg), key="topics", value=repr(topics))
    for name, body in topics.items():
        if not isinstance(body, dict) or not isinstance(body.get("query", ""), str):
            raise ConfigError("config_bad_value", path=str(cfg), key=f"topics.{name}", value=repr(body))
        cats = body.get("categories", [])
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
            raise ConfigError("config_bad_value", path=str(cfg), key=f"topics.{name}.categories", value=repr(cats))
        settings.topics[name] = TopicConfig(
            name=name,
            query=body.get("query", ""),
            categories=tuple(cats),
            description=str(body.get("description", "")),
        )
    llm = data.get("llm", {})
    if not isinstance(llm, dict):
        raise ConfigError("config_bad_value", path=str(cfg), key="llm", value=repr(llm))
    settings.llm = llm
    return settings
