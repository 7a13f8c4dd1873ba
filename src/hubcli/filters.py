"""The filters every listing command shares, validated into one value object."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import Field, asdict, dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from hubcli.categories import category_key
from hubcli.categories import parse_option as parse_category_option
from hubcli.errors import UsageError
from hubcli.sources import arxiv
from hubcli.text import lazy_pattern

_SPAN_RE = lazy_pattern(r"^\s*(\d{1,5})\s*([dwmy])\s*$", re.IGNORECASE)
SORTS = ("date", "relevance")


Clean = Callable[[Any, date | None], Any]  # (raw value, today) -> the field's value


@dataclass(frozen=True)
class FilterOption:
    """How one filter is offered on the command line and on the page, validated and shown
    above a listing.

    ``help`` and ``chip`` are catalogue keys; ``chip_rank`` orders the chips; ``kind`` is
    ``list`` (repeatable), ``flag`` or ``text``; ``clean`` turns the raw value into the
    field's value (UsageError on anything wrong)."""

    flags: tuple[str, ...]
    help: str
    metavar: str | None
    chip: str
    chip_rank: int
    kind: str
    clean: Clean

    @property
    def param(self) -> str:
        """The page's query parameter: the long flag without ``--`` (``--author`` -> ``author``)."""
        return next(flag[2:] for flag in self.flags if flag.startswith("--"))


def _text(value: Any, _today: date | None) -> str | None:
    """Text stripped of surrounding spaces; None when nothing is left."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def _names(values: Any, _today: date | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in values or [] if v.strip())


def _flag(value: Any, _today: date | None) -> bool:
    return bool(value)


def _categories(values: Any, _today: date | None) -> tuple[str, ...]:
    """Category options (a group names several), one per match key: "Editorials" and
    "editorials" are one."""
    unique: dict[str, str] = {}
    for raw in values or []:
        named = parse_category_option(raw)
        if named is None:
            raise UsageError("bad_category", value=raw)
        for cat in named:
            unique.setdefault(category_key(cat), cat)
    return tuple(unique.values())


def _types(values: Any, _today: date | None) -> tuple[str, ...]:
    """Announce types, comma- or space-separated, each one arXiv knows."""
    kinds: list[str] = []
    for raw in values or []:
        for kind in re.split(r"[,\s]+", raw.strip().lower()):
            if not kind:
                continue
            if kind not in arxiv.ANNOUNCE_TYPES:
                raise UsageError("bad_type", value=raw, choices=", ".join(arxiv.ANNOUNCE_TYPES))
            kinds.append(kind)
    return tuple(dict.fromkeys(kinds))


def _when(value: Any, today: date | None) -> str | None:
    return parse_when(value, today) if value else None


def _tags(values: Any, _today: date | None) -> tuple[str, ...]:
    """Tags with their inner whitespace folded to one space, each once."""
    return tuple(dict.fromkeys(" ".join(tag.split()) for tag in values or [] if tag.strip()))


_CLEAN: dict[str, Clean] = {"list": _names, "flag": _flag, "text": _text}


def _filter(default: Any, *flags: str, help: str, chip: str, rank: int, metavar: str | None = None,
            clean: Clean | None = None) -> Any:
    kind = "flag" if default is False else "list" if default == () else "text"
    option = FilterOption(flags, help, metavar, chip, rank, kind, clean or _CLEAN[kind])
    return field(default=default, metadata={"option": option})


@dataclass(frozen=True)
class Filters:
    """The filters every listing command shares: the ONE declaration of the filter set.

    Each field carries its command-line option (and so the page's query parameter), its
    validation and its chip; ``cli/options.py`` builds every listing command's options
    from these fields, the page its parameters, :func:`make_filters` validates the raw
    values (keyword = field name), ``store/query.py`` turns them into SQL."""

    authors: tuple[str, ...] = _filter((), "--author", "-a", help="opt_author", metavar="NAME", chip="chip_authors",
                                       rank=1)
    categories: tuple[str, ...] = _filter((), "--category", "-c", help="opt_category", metavar="CAT",
                                          chip="chip_categories", rank=2, clean=_categories)
    sources: tuple[str, ...] = _filter((), "--source", help="opt_source", metavar="SOURCE", chip="chip_source",
                                       rank=3)
    journal: str | None = _filter(None, "--journal", help="opt_journal", metavar="NAME", chip="chip_journal",
                                  rank=4)
    search: str | None = _filter(None, "--search", "-s", help="opt_search", metavar="QUERY", chip="chip_search",
                                 rank=6)
    topic: str | None = _filter(None, "--topic", "-t", help="opt_topic", metavar="NAME", chip="chip_topic", rank=5)
    since: str | None = _filter(None, "--since", help="opt_since", metavar="WHEN", chip="chip_since", rank=7,
                                clean=_when)
    until: str | None = _filter(None, "--until", help="opt_until", metavar="WHEN", chip="chip_until", rank=8,
                                clean=_when)
    types: tuple[str, ...] = _filter((), "--type", help="opt_type", metavar="TYPE", chip="chip_type", rank=9,
                                     clean=_types)
    unseen: bool = _filter(False, "--unseen", help="opt_unseen", chip="chip_unseen", rank=10)
    # the library (hubcli.store.library)
    tags: tuple[str, ...] = _filter((), "--tag", help="opt_tag", metavar="TAG", chip="chip_tag", rank=11,
                                    clean=_tags)
    saved: bool = _filter(False, "--saved", help="opt_saved", chip="chip_saved", rank=12)
    unread: bool = _filter(False, "--unread", help="opt_unread", chip="chip_unread", rank=13)

    def selection_key(self) -> str:
        """A canonical string naming this selection (shuffle remembers per selection)."""
        data = asdict(self)
        if data["journal"] is None:  # absent from the keys of selections made before it existed
            del data["journal"]
        data["categories"] = [category_key(c) for c in data["categories"]]  # as matched
        for spec, option in filter_fields():
            if option.kind == "list":
                data[spec.name] = sorted(data[spec.name])
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    @property
    def is_empty(self) -> bool:
        return self == Filters()

    def chips(self) -> list[tuple[str, dict[str, str]]]:
        """The active filters as (catalogue key, parameters), in chip order."""
        out: list[tuple[int, str, dict[str, str]]] = []
        for spec, option in filter_fields():
            value = getattr(self, spec.name)
            if not value:
                continue
            params = {} if value is True else {"value": ", ".join(value) if isinstance(value, tuple) else value}
            out.append((option.chip_rank, option.chip, params))
        return [(key, params) for _rank, key, params in sorted(out, key=lambda item: item[0])]


def filter_fields() -> list[tuple[Field[Any], FilterOption]]:
    """The declared filters, in declaration (and ``--help``) order."""
    return [(f, f.metadata["option"]) for f in fields(Filters)]


def _months_back(today: date, months: int) -> date:
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(today.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
                          31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month])
    return date(year, month + 1, day)


def parse_when(value: str, today: date | None = None) -> str:
    """``YYYY-MM-DD`` or a span back from today (``7d``, ``2w``, ``3m``, ``1y``) -> ISO date."""
    today = today or date.today()
    text = value.strip()
    span = _SPAN_RE.match(text)
    if span:
        amount, unit = int(span.group(1)), span.group(2).lower()
        try:
            if unit == "d":
                return (today - timedelta(days=amount)).isoformat()
            if unit == "w":
                return (today - timedelta(weeks=amount)).isoformat()
            return _months_back(today, amount * (12 if unit == "y" else 1)).isoformat()
        except (OverflowError, ValueError):
            raise UsageError("bad_date", value=value) from None
    try:
        return date.fromisoformat(text).isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else _bad(value)
    except ValueError:
        raise UsageError("bad_date", value=value) from None


def _bad(value: str) -> str:
    raise UsageError("bad_date", value=value)


def make_filters(*, today: date | None = None, **raw: Any) -> Filters:
    """Validate raw option values, keyword = field name (UsageError on anything wrong;
    TypeError for a keyword that names no filter).  Each field is cleaned by its own
    declaration; then ``since`` must not be after ``until``."""
    options = {spec.name: option for spec, option in filter_fields()}
    unknown = set(raw) - set(options)
    if unknown:
        raise TypeError(f"make_filters() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    values = {name: option.clean(raw.get(name), today) for name, option in options.items()}
    since, until = values["since"], values["until"]
    if since and until and since > until:
        raise UsageError("since_after_until", since=since, until=until)
    return Filters(**values)


def take_filters(options: dict[str, Any]) -> Filters:
    """The validated :class:`Filters` of a command's option values (keyword = parameter
    name), removed from ``options``; what is left are the command's own options."""
    return make_filters(**{spec.name: options.pop(spec.name) for spec, _option in filter_fields()
                           if spec.name in options})


_TOKEN_RE = lazy_pattern(r'"([^"]*)"?|(\S+)')


def fts_query(text: str) -> str | None:
    """A safe FTS5 query from user text: words and "quoted phrases" ANDed, ``OR`` between
    terms, ``word*`` for a prefix.  Any other syntax is taken literally, so no user text
    can raise an FTS syntax error.  None when nothing searchable is left."""
    parts: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        phrase, word = match.group(1), match.group(2)
        if word is not None and word == "OR":
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        raw = phrase if phrase is not None else word
        prefix = word is not None and word.endswith("*") and len(word.strip("*")) > 0
        cleaned = re.sub(r"[^\w]+", " ", raw or "").strip()
        if not cleaned:
            continue
        term = '"' + cleaned.replace('"', '""') + '"'
        parts.append(term + ("*" if prefix else ""))
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts) or None
