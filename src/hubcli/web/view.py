"""What one page shows, kept in its URL: the language and the query parameters.

The filter parameters are the ``Filters`` declaration's own (each filter's long option
without ``--``: ``--author`` -> ``author``), validated by ``make_filters`` as the CLI's
options are, and shown as the same chips.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from hubcli.errors import UsageError
from hubcli.filters import FilterOption, Filters, filter_fields, make_filters
from hubcli.i18n import LANGUAGES, translate

MAX_PER_PAGE = 100
# page parameters that are not filters: paging, batch size, order, a shown batch, the
# language, and the tags /recommend learns from
OTHER_PARAMS = ("page", "n", "sort", "show", "lang", "like_tag")


def filter_params() -> dict[str, tuple[str, FilterOption]]:
    """Query parameter -> (``Filters`` field, its declaration), in declaration order."""
    return {option.param: (spec.name, option) for spec, option in filter_fields()}


BY_PARAM = filter_params()
VIEW_PARAMS = (*BY_PARAM, *OTHER_PARAMS)
_TRUE = ("", "1", "true", "yes", "on")


def accept_language(header: str) -> str:
    """The first of en/zh the browser prefers (``Accept-Language``), else en."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        rest = rest.strip()
        if rest.startswith("q="):
            try:
                quality = float(rest[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()))
    for _q, _i, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "en"


def request_language(request: Request) -> str:
    """``lang=`` when valid, else the browser's preference (an invalid ``lang=`` is a 400
    raised by :func:`View.of`, in this language)."""
    lang = (request.query_params.get("lang") or "").strip().lower()
    if lang in LANGUAGES:
        return lang
    return accept_language(request.headers.get("accept-language", ""))


@dataclass
class View:
    """What one page shows: the language, the query parameters kept in links."""

    path: str
    lang: str
    pairs: list[tuple[str, str]] = field(default_factory=list)
    here: str | None = None  # where a library button comes back to (default: this URL)

    @classmethod
    def of(cls, request: Request) -> View:
        pairs = [(k, v) for k, v in request.query_params.multi_items() if k in VIEW_PARAMS]
        view = cls(request.url.path, request_language(request), pairs)
        raw_lang = request.query_params.get("lang")
        if raw_lang is not None and raw_lang.strip().lower() not in LANGUAGES:
            raise UsageError("bad_lang", value=raw_lang)
        return view

    def _(self, key: str, /, **params: Any) -> str:
        return translate(key, self.lang, **params)

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def one(self, name: str) -> str | None:
        found = self.values(name)
        return found[-1] if found else None

    def url(self, path: str | None = None, pairs: list[tuple[str, str]] | None = None) -> str:
        query = urlencode(self.pairs if pairs is None else pairs)
        return (path or self.path) + ("?" + query if query else "")

    def kept(self, *, drop: tuple[str, ...] = ("page",)) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.pairs if k not in drop]

    def without(self, name: str, value: str) -> str:
        """This page without one filter value (a chip's ×); back to page 1."""
        return self.url(pairs=[(k, v) for k, v in self.kept() if not (k == name and v == value)])

    def adding(self, name: str, value: str, path: str = "/") -> str:
        """The listing with one more filter value (an author's link adds an author chip)."""
        pairs = self.kept(drop=("page", "n"))
        if (name, value) not in pairs:
            pairs.append((name, value))
        return self.url(path, pairs)

    def with_param(self, name: str, value: str | None, path: str | None = None) -> str:
        pairs = [(k, v) for k, v in self.pairs if k != name]
        if value is not None:
            pairs.append((name, value))
        return self.url(path, pairs)

    def lang_pairs(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.pairs if k == "lang"]

    def filter_pairs(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.pairs if k in BY_PARAM or k == "lang"]

    def listing_url(self, path: str) -> str:
        """Another page over the same filters (and language)."""
        return self.url(path, self.filter_pairs())


def filters_of(view: View) -> Filters:
    """The query's filters, validated as the CLI validates its options (UsageError): a
    repeatable option's parameter may be given several times, a flag's is on when present
    (``saved``, ``saved=1``), any other's last value counts."""
    raw: dict[str, Any] = {}
    for param, (name, option) in BY_PARAM.items():
        values = view.values(param)
        if option.kind == "list":
            raw[name] = values
        elif option.kind == "flag":
            raw[name] = any(v.strip().lower() in _TRUE for v in values)
        elif values:
            raw[name] = values[-1]
    return make_filters(**raw)


def number(view: View, name: str, default: int, *, maximum: int | None = None) -> int:
    raw = view.one(name)
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if not text.isdigit() or int(text) < 1 or (maximum is not None and int(text) > maximum):
        raise UsageError("serve_bad_number", name=name, value=raw, maximum=maximum or "∞")
    return int(text)


def chips_of(view: View) -> list[dict[str, str]]:
    """One chip per filter value given, in the declared chip order, each with the URL that
    removes it."""
    out: list[tuple[int, int, dict[str, str]]] = []
    for index, (param, value) in enumerate(view.pairs):
        found = BY_PARAM.get(param)
        if found is None or (found[1].kind != "flag" and not value.strip()):
            continue
        option = found[1]
        label = view._(option.chip, value=value.strip())
        out.append((option.chip_rank, index, {"label": label, "remove": view.without(param, value),
                                              "remove_label": view._("serve_remove_filter", label=label)}))
    return [chip for _rank, _index, chip in sorted(out, key=lambda item: (item[0], item[1]))]
