"""The filters every listing command shares, validated into one value object."""

from __future__ import annotations

import json
import re
from dataclasses import Field, asdict, dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from hubcli.categories import category_key
from hubcli.categories import parse_option as parse_category_option
from hubcli.errors import UsageError
from hubcli.sources import arxiv

_SPAN_RE = re.compile(r"^\s*(\d{1,5})\s*([dwmy])\s*$", re.IGNORECASE)
SORTS = ("date", "relevance")


@dataclass(frozen=True)
class FilterOption:
    """How one filter is offered on the command line and shown above a listing.

    ``help`` and ``chip`` are catalogue keys; ``chip_rank`` orders the chips."""

    flags: tuple[str, ...]
    help: str
    metavar: str | None
    chip: str
    chip_rank: int


def _filter(default: Any, *flags: str, help: str, chip: str, rank: int, metavar: str | None = None) -> Any:
    return field(default=default, metadata={"option": FilterOption(flags, help, metavar, chip, rank)})


@dataclass(frozen=True)
class Filters:
    """The filters every listing command shares: the ONE declaration of the filter set.

    Each field carries its command-line option and its chip; ``cli/options.py`` builds
    every listing command's options from these fields, :func:`make_filters` validates the
    raw values (keyword = field name), ``store/query.py`` turns them into SQL."""

    authors: tuple[str, ...] = _filter((), "--author", "-a", help="opt_author", metavar="NAME", chip="chip_authors",
                                       rank=1)
    categories: tuple[str, ...] = _filter((), "--category", "-c", help="opt_category", metavar="CAT",
                                          chip="chip_categories", rank=2)
    sources: tuple[str, ...] = _filter((), "--source", help="opt_source", metavar="SOURCE", chip="chip_source",
                                       rank=3)
    search: str | None = _filter(None, "--search", "-s", help="opt_search", metavar="QUERY", chip="chip_search",
                                 rank=5)
    topic: str | None = _filter(None, "--topic", "-t", help="opt_topic", metavar="NAME", chip="chip_topic", rank=4)
    since: str | None = _filter(None, "--since", help="opt_since", metavar="WHEN", chip="chip_since", rank=6)
    until: str | None = _filter(None, "--until", help="opt_until", metavar="WHEN", chip="chip_until", rank=7)
    types: tuple[str, ...] = _filter((), "--type", help="opt_type", metavar="TYPE", chip="chip_type", rank=8)
    unseen: bool = _filter(False, "--unseen", help="opt_unseen", chip="chip_unseen", rank=9)
    # the library (hubcli.store.library)
    tags: tuple[str, ...] = _filter((), "--tag", help="opt_tag", metavar="TAG", chip="chip_tag", rank=10)
    saved: bool = _filter(False, "--saved", help="opt_saved", chip="chip_saved", rank=11)
    unread: bool = _filter(False, "--unread", help="opt_unread", chip="chip_unread", rank=12)

    def selection_key(self) -> str:
        """A canonical string naming this selection (shuffle remembers per selection)."""
        data = asdict(self)
        data["categories"] = [category_key(c) for c in data["categories"]]  # as matched
        for key in ("authors", "categories", "sources", "types", "tags"):
            data[key] = sorted(data[key])
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


def make_filters(
    *,
    authors: list[str] | None = None,
    categories: list[str] | None = None,
    sources: list[str] | None = None,
    search: str | None = None,
    topic: str | None = None,
    since: str | None = None,
    until: str | None = None,
    types: list[str] | None = None,
    unseen: bool = False,
    tags: list[str] | None = None,
    saved: bool = False,
    unread: bool = False,
    today: date | None = None,
) -> Filters:
    """Validate raw option values (UsageError on anything wrong)."""
    cats: list[str] = []
    for raw in categories or []:
        named = parse_category_option(raw)
        if named is None:
            raise UsageError("bad_category", value=raw)
        cats.extend(named)
    unique_cats: dict[str, str] = {}  # one per match key: "Editorials" and "editorials" are one
    for cat in cats:
        unique_cats.setdefault(category_key(cat), cat)
    kinds: list[str] = []
    for raw in types or []:
        for kind in re.split(r"[,\s]+", raw.strip().lower()):
            if not kind:
                continue
            if kind not in arxiv.ANNOUNCE_TYPES:
                raise UsageError("bad_type", value=raw, choices=", ".join(arxiv.ANNOUNCE_TYPES))
            kinds.append(kind)
    since_iso = parse_when(since, today) if since else None
    until_iso = parse_when(until, today) if until else None
    if since_iso and until_iso and since_iso > until_iso:
        raise UsageError("since_after_until", since=since_iso, until=until_iso)
    clean_authors = tuple(a.strip() for a in authors or [] if a.strip())
    return Filters(
        authors=clean_authors,
        categories=tuple(unique_cats.values()),
        sources=tuple(s.strip() for s in sources or [] if s.strip()),
        search=search.strip() if search and search.strip() else None,
        topic=topic.strip() if topic and topic.strip() else None,
        since=since_iso,
        until=until_iso,
        types=tuple(dict.fromkeys(kinds)),
        unseen=unseen,
        tags=tuple(dict.fromkeys(" ".join(tag.split()) for tag in tags or [] if tag.strip())),
        saved=saved,
        unread=unread,
    )


_TOKEN_RE = re.compile(r'"([^"]*)"?|(\S+)')


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
