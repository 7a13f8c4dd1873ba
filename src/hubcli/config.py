"""Paths, config.toml and defaults.

Resolution order for every setting: command-line option, environment variable,
``config.toml``, built-in default.  ``HUB_HOME`` puts config, database and caches in one
folder; without it hub uses the platformdirs folders for the app name ``hub``.
"""

from __future__ import annotations

import os
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
DEFAULT_TOTAL_TIMEOUT = 600.0  # the whole of one sync, whatever the servers do
DEFAULT_LIBRARY_BACKUPS = 10  # [library] backups: automatic backups of the library file kept

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

    @property
    def library(self) -> Path:
        """The library file, beside the database (``hub.db`` -> ``hub.library.db``; with
        ``--db``/``HUB_DB`` beside that file): the user's own data, never the cache's."""
        return self.database.with_name(f"{self.database.stem or self.database.name}.library.db")

    @property
    def backups(self) -> Path:
        """The library's automatic backups (``hub.library-backups/``)."""
        return self.library.with_name(self.library.name.removesuffix(".db") + "-backups")


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
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT
    arxiv_rss_base: str = DEFAULT_ARXIV_RSS_BASE
    arxiv_api_url: str = DEFAULT_ARXIV_API_URL
    biorxiv_rss_base: str = DEFAULT_BIORXIV_RSS_BASE
    medrxiv_rss_base: str = DEFAULT_MEDRXIV_RSS_BASE
    topics: dict[str, TopicConfig] = field(default_factory=dict)
    llm: dict[str, Any] = field(default_factory=dict)
    digest: dict[str, Any] = field(default_factory=dict)  # [digest], checked by hub digest
    library_backups: int = DEFAULT_LIBRARY_BACKUPS  # [library] backups (0: none)
    rank_about: str = ""  # [rank] about: the user's interests in their own words (hub recommend)


def read_config_file(path: Path) -> dict[str, Any]:
    """The parsed config.toml, ``{}`` when absent; a ConfigError names file and line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError("config_unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
    import tomllib  # only when there is a file to read (~3 ms of start-up otherwise)

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError("config_invalid", path=f"{path}:{line}", reason="not UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config_invalid", path=str(path), reason=str(exc)) from exc


def located(path: Path, key: str) -> str:
    """``path:LINE`` where a dotted key is set in config.toml (best effort; else the path).

    ``sync.max_bytes`` is found as ``max_bytes = ...`` under ``[sync]`` or as a dotted
    ``sync.max_bytes = ...``; ``topics.mine`` also as the header ``[topics.mine]``.
    """
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return str(path)
    import re

    parts = key.split(".")

    def dotted(names: list[str]) -> str:
        return r"\s*\.\s*".join(r"[\"']?" + re.escape(name) + r"[\"']?" for name in names)

    header = re.compile(r"^\s*\[\s*" + dotted(parts) + r"\s*\]")
    for number, text in enumerate(lines, start=1):
        if header.match(text):
            return f"{path}:{number}"
    for depth in range(len(parts) - 1, -1, -1):
        table, rest = parts[:depth], parts[depth:]
        first = 0
        if table:
            table_header = re.compile(r"^\s*\[\s*" + dotted(table) + r"\s*\]")
            found = next((i for i, text in enumerate(lines) if table_header.match(text)), None)
            if found is None:
                continue
            first = found + 1
        assignment = re.compile(r"^\s*" + dotted(rest) + r"\s*=")
        for index in range(first, len(lines)):
            if lines[index].lstrip().startswith("["):  # the next table: the key is not here
                break
            if assignment.match(lines[index]):
                return f"{path}:{index + 1}"
    return str(path)


def _bad(path: Path, key: str, value: object) -> ConfigError:
    return ConfigError("config_bad_value", path=located(path, key), key=key, value=repr(value))


def _number(data: dict[str, Any], key: str, default: float, path: Path, *, minimum: float,
            table: str = "") -> Any:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise _bad(path, f"{table}.{key}" if table else key, value)
    return value


def checked_value(data: dict[str, Any], key: str, kind: type | tuple[type, ...], path: Path, *,
                  table: str, minimum: float | None = None) -> Any:
    """An optional value of a config table, checked when a command needs it (``[llm]`` is
    read only by ``hub brief``): None when unset, ConfigError pointing at its line when
    of the wrong type or below ``minimum``."""
    value = data.get(key)
    if value is None:
        return None
    ok = isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)
    if not ok or (minimum is not None and value < minimum):
        raise _bad(path, f"{table}.{key}", value)
    return value


def load_settings(db_option: str | None = None) -> Settings:
    paths = resolve_paths(db_option)
    data = read_config_file(paths.config_file)
    cfg = paths.config_file
    settings = Settings(paths=paths)
    lang = data.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise _bad(cfg, "lang", lang)
    settings.lang = lang
    settings.per_page = int(_number(data, "per_page", DEFAULT_PER_PAGE, cfg, minimum=1))
    sync = data.get("sync", {})
    if not isinstance(sync, dict):
        raise _bad(cfg, "sync", sync)
    def sync_number(key: str, default: float, minimum: float) -> Any:
        return _number(sync, key, default, cfg, minimum=minimum, table="sync")

    settings.jobs = int(sync_number("jobs", DEFAULT_JOBS, 1))
    settings.connect_timeout = float(sync_number("connect_timeout", DEFAULT_CONNECT_TIMEOUT, 0.1))
    settings.read_timeout = float(sync_number("read_timeout", DEFAULT_READ_TIMEOUT, 0.1))
    settings.max_bytes = int(sync_number("max_bytes", DEFAULT_MAX_BYTES, 1024))
    settings.retries = int(sync_number("retries", DEFAULT_RETRIES, 0))
    settings.total_timeout = float(sync_number("total_timeout", DEFAULT_TOTAL_TIMEOUT, 1))
    sources = data.get("sources", {})
    if not isinstance(sources, dict):
        raise _bad(cfg, "sources", sources)
    for key, (env, default) in _SOURCE_KEYS.items():
        value = os.environ.get(env) or sources.get(key) or default
        if not isinstance(value, str):
            raise _bad(cfg, f"sources.{key}", value)
        setattr(settings, key, value)
    topics = data.get("topics", {})
    if not isinstance(topics, dict):
        raise _bad(cfg, "topics", topics)
    for name, body in topics.items():
        if not isinstance(body, dict) or not isinstance(body.get("query", ""), str):
            raise _bad(cfg, f"topics.{name}", body)
        cats = body.get("categories", [])
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
            raise _bad(cfg, f"topics.{name}.categories", cats)
        settings.topics[name] = TopicConfig(
            name=name,
            query=body.get("query", ""),
            categories=tuple(cats),
            description=str(body.get("description", "")),
        )
    llm = data.get("llm", {})
    if not isinstance(llm, dict):
        raise _bad(cfg, "llm", llm)
    settings.llm = llm
    digest = data.get("digest", {})
    if not isinstance(digest, dict):
        raise _bad(cfg, "digest", digest)
    settings.digest = digest
    settings.library_backups = _library_backups(data, cfg)
    settings.rank_about = _rank_about(data, cfg)
    return settings


def _rank_about(data: dict[str, Any], cfg: Path) -> str:
    """``[rank] about = "..."``: an interest statement that ranks a small library and steers a larger one."""
    table = data.get("rank", {})
    if not isinstance(table, dict):
        raise _bad(cfg, "rank", table)
    value = table.get("about", "")
    if not isinstance(value, str) or len(value) > 10_000:
        raise _bad(cfg, "rank.about", value)
    return value.strip()


def _library_backups(data: dict[str, Any], cfg: Path) -> int:
    """``[library] backups = N``: how many automatic backups of the library file to keep."""
    table = data.get("library", {})
    if not isinstance(table, dict):
        raise _bad(cfg, "library", table)
    value = table.get("backups", DEFAULT_LIBRARY_BACKUPS)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
        raise _bad(cfg, "library.backups", value)
    return value
