"""What one page shows, kept in its URL: the language and the query parameters.

The filter parameters are the ``Filters`` declaration's own (each filter's long option
without ``--``: ``--author`` -> ``author``), validated by ``make_filters`` as the CLI's
options are, and shown as the same chips.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from hubcli.errors import UsageError
from hubcli.filters import FilterOption, Filters, filter_fields, make_filters
from hubcli.i18n import LANGUAGES, translate

MAX_PER_PAGE = 100
# the caps on a request (web/security.py:Bounds refuses the rest before any work is done)
MAX_URL_BYTES = 4096  # path and query string as sent: more is a 414
MAX_PARAMS = 50  # query parameters (or a form's view) of one request: more is a 400
MAX_VALUE_CHARS = 1000  # one parameter's value, decoded: more is a 400
MAX_FILTER_VALUES = 20  # values of one repeatable filter (category=…&category=…): more is a 400
MAX_PAGE = 1_000_000_000  # the largest page= (as the CLI's --page)
MAX_ID = 2**63 - 1  # SQLite's largest row id
_DIGITS = re.compile(r"[0-9]{1,19}")
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
    for index, part in enumerate(header[:500].split(",")[:20]):
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
        given = request.query_params.multi_items()
        check_pairs(given)
        pairs = [(k, v) for k, v in given if k in VIEW_PARAMS]
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
            if len(values) > MAX_FILTER_VALUES:
                raise UsageError("serve_too_many_values", name=param, count=len(values), maximum=MAX_FILTER_VALUES)
            raw[name] = values
        elif option.kind == "flag":
            raw[name] = any(v.strip().lower() in _TRUE for v in values)
        elif values:
            raw[name] = values[-1]
    return make_filters(**raw)


def whole_number(text: str, maximum: int) -> int | None:
    """``text`` as a whole number from 1 to ``maximum`` (ASCII digits only: no sign, no
    exponent, no ``²``), else None."""
    text = text.strip()
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= maximum else None


def number(view: View, name: str, default: int, *, maximum: int = MAX_PAGE) -> int:
    """A number parameter (``page``, ``n``): absent or empty is the default, anything
    but a whole number from 1 to ``maximum`` a 400."""
    raw = view.one(name)
    if raw is None or raw.strip() == "":
        return default
    value = whole_number(raw, maximum)
    if value is None:
        raise UsageError("serve_bad_number", name=name, value=_shown(raw), maximum=maximum)
    return value


def paper_ids(text: str) -> list[int]:
    """A shown batch's paper numbers (``show=``, the recorded batch): at most
    ``MAX_PER_PAGE`` row ids separated by commas, else a 400."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    ids = [whole_number(p, MAX_ID) for p in parts[:MAX_PER_PAGE + 1]]
    if len(parts) > MAX_PER_PAGE or any(i is None for i in ids):
        raise UsageError("serve_bad_batch", value=_shown(text))
    return [i for i in ids if i is not None]


def check_pairs(pairs: list[tuple[str, str]]) -> None:
    """The caps on one request's parameters (a form's ``view`` too): how many, how long."""
    if len(pairs) > MAX_PARAMS:
        raise UsageError("serve_too_many_params", count=len(pairs), maximum=MAX_PARAMS)
    for name, value in pairs:
        if len(value) > MAX_VALUE_CHARS:
            raise UsageError("serve_value_too_long", name=_shown(name), length=len(value), maximum=MAX_VALUE_CHARS)


def _shown(text: str, limit: int = 40) -> str:
    """A parameter quoted in an error page: cut short."""
    return text if len(text) <= limit else text[:limit] + "…"


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


# the listing pages' search box and filter controls: a GET form writing the CLI's own
# parameter names (``/?search=bandit&category=cs.IR&since=7d&topic=recsys``)
FORM_PARAMS = ("search", "category", "since", "topic")
SINCE_CHOICES = ("1d", "3d", "7d", "30d", "90d")


def search_form(view: View, topics: list[str]) -> dict[str, Any]:
    """What the search form shows: each control's current value, the choices of ``since``
    and ``topic``, and the other parameters kept as hidden inputs (``page`` dropped).  A
    repeatable filter given more than once (``category=a&category=b``) is kept hidden and
    its box left empty for one more."""
    values: dict[str, str] = {}
    hidden: list[tuple[str, str]] = []
    for name in FORM_PARAMS:
        given = [v for v in view.values(name) if v.strip()]
        if len(given) > 1 and BY_PARAM[name][1].kind == "list":
            hidden.extend((name, v) for v in given)
            values[name] = ""
        else:
            values[name] = given[-1] if given else ""
    hidden = [(k, v) for k, v in view.kept(drop=("page", "show", *FORM_PARAMS)) if v.strip() or k in _FLAGS] + hidden
    since = list(SINCE_CHOICES)
    if values["since"] and values["since"] not in since:
        since.insert(0, values["since"])
    topic_choices = list(topics)
    if values["topic"] and values["topic"] not in topic_choices:
        topic_choices.insert(0, values["topic"])
    return {"values": values, "hidden": hidden, "since": since, "topics": topic_choices}


_FLAGS = tuple(param for param, (_name, option) in BY_PARAM.items() if option.kind == "flag")
