"""What goes into a digest: the papers new since the last one that match the user's
interests (follows and configured topics), in the user's order, and the brief of the top
ones (a model's when one is configured, else the offline extractive digest)."""

from __future__ import annotations

import dataclasses
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hubcli.brief.run import Reporter
from hubcli.config import Settings
from hubcli.errors import HubError
from hubcli.filters import Filters
from hubcli.i18n import t
from hubcli.models import LibraryState, Paper
from hubcli.store.db import Store
from hubcli.store.follows import Follow, Radar, latest_change, list_follows, radar_selection, reasons_for
from hubcli.store.query import Selection, build_selection, count, load_papers

MARK_KEY = "digest_seen_at"  # the digest's own "since", separate from radar's radar_seen_at
DEFAULT_LIMIT = 25  # paper cards in one digest
DEFAULT_BRIEF = 10  # of which the brief covers the top ones
POOL = 500  # new papers considered for ranking


@dataclass
class Card:
    """A paper in the digest and why it is there: ``(kind, value)`` pairs, kind one of
    ``author``, ``topic``, ``category`` (a follow or a configured topic) or ``new``."""

    paper: Paper
    reasons: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Digest:
    id: str  # stable: the same digest keeps its id when resent
    created: str  # UTC, ISO 8601
    lang: str
    since: str  # the mark it covers from ("" for the first digest)
    up_to: str  # the mark that moves once every target has it
    cards: list[Card]
    total: int  # new papers matching, cards or not
    brief: str = ""  # Markdown, its headings from level 3 down
    brief_kind: str = "none"  # "model" | "offline" | "none"
    model: str | None = None

    @property
    def day(self) -> str:
        """The local date the digest was made (what its title says)."""
        try:
            return datetime.fromisoformat(self.created).astimezone().date().isoformat()
        except ValueError:
            return self.created[:10]

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Digest:
        cards = [Card(_paper(c["paper"]), [(str(k), str(v)) for k, v in c["reasons"]]) for c in data["cards"]]
        return cls(**{**data, "cards": cards})


def _paper(data: dict[str, Any]) -> Paper:
    library = data.get("library")
    fields = {k: v for k, v in data.items() if k != "library"}
    return Paper(**fields, library=LibraryState(**library) if isinstance(library, dict) else LibraryState())


@dataclass
class Interests:
    selection: Selection  # new since the mark and matching any interest
    radar: Radar  # the parts, for the reasons
    any: bool  # whether the user has any follow or configured topic


def interests(store: Store, settings: Settings, since: str) -> Interests:
    """radar's follows plus the configured topics (``[topics.NAME]``) not followed already;
    with none of either, every new paper."""
    radar = radar_selection(store, settings, only_new=False)
    parts = list(radar.parts)
    followed = {f.value.lower() for f, _ in parts if f.kind == "topic"}
    for name in settings.topics:
        if name.lower() in followed:
            continue
        sel = build_selection(store, Filters(topic=name), settings)
        if not sel.impossible:
            parts.append((Follow("topic", name, ""), sel))
    any_interest = bool(parts) or bool(list_follows(store))
    combined = Selection()
    if parts:
        combined.add_any([sel for _follow, sel in parts])
    elif any_interest:  # follows that match nothing stored
        combined.impossible = True
    combined.add_changed_since(since)
    return Interests(combined, Radar(combined, parts, since), any_interest)


def library_scores(store: Store, settings: Settings, ids: list[int]) -> dict[int, float] | None:
    """The library model's scores of ``ids`` (``hubcli.api.recommend.rank_ids``); None when
    the library is too small to rank by.  Saved and dismissed papers get no score."""
    from hubcli.api.recommend import MIN_SAVED, rank_ids
    from hubcli.store.library import library_size

    if not ids or library_size(store) < MIN_SAVED:
        return None
    return rank_ids(store, settings, ids) or {}


def order(ids: list[int], scores: dict[int, float] | None) -> list[int]:
    """THE order of a digest's papers (``ids`` come newest first): by the library's score
    when there is a library (unscored papers, the saved ones, after the others; ties
    newest first), else newest first."""
    if scores is None:
        return list(ids)
    position = {pid: i for i, pid in enumerate(ids)}
    return sorted(ids, key=lambda pid: (pid not in scores, -scores.get(pid, 0.0), position[pid]))


def _newest(store: Store, sel: Selection) -> list[int]:
    if sel.impossible:
        return []
    rows = store.conn.execute(
        f"SELECT p.id FROM papers p WHERE {sel.sql()} ORDER BY p.published DESC, p.changed_at DESC, p.id DESC"
        " LIMIT ?", [*sel.params, POOL]).fetchall()
    return [int(r[0]) for r in rows]


def new_id(created: str) -> str:
    """``20261201T070002Z-1a2b3c4d``: sorts by time; a resent digest keeps it."""
    return f"{re.sub(r'[^0-9TZ]', '', created)[:16]}-{secrets.token_hex(4)}"


def compose(store: Store, settings: Settings, *, since: str, lang: str, limit: int = DEFAULT_LIMIT,
            brief_count: int = DEFAULT_BRIEF, reporter: Reporter | None = None,
            offline: bool = False) -> Digest:
    """The digest of what changed after ``since`` (no cards when nothing is new)."""
    from hubcli.store.query import hide_dismissed

    found = interests(store, settings, since)
    hide_dismissed(found.selection)
    up_to = latest_change(store) or since
    matched = _newest(store, found.selection)
    total = 0 if found.selection.impossible else count(store, found.selection)
    # the library's recommendations among everything new, beyond the follows and topics
    everything = Selection()
    everything.add_changed_since(since)
    hide_dismissed(everything)
    pool = _newest(store, everything) if found.any else []
    scores = library_scores(store, settings, list(dict.fromkeys(matched + pool)) if pool else matched)
    chosen = set(matched)
    recommended = [pid for pid in pool if pid not in chosen and (scores or {}).get(pid, 0.0) > 0]
    total += len(recommended)
    ids = order(matched + recommended, scores)[:limit]
    papers = load_papers(store.conn, ids)
    why = reasons_for(store, found.radar, ids) if found.any else {}
    cards = []
    for paper in papers:
        pid = paper.rowid or -1
        reasons = [(f.kind, f.value) for f in why.get(pid, [])]
        if scores and scores.get(pid, 0.0) > 0:
            reasons.append(("recommended", f"{scores[pid]:.2f}"))
        cards.append(Card(paper, reasons or [("new", "")]))
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = Digest(new_id(created), created, lang, since, up_to, cards, total)
    if cards and brief_count > 0:
        digest.brief, digest.brief_kind, digest.model = brief_of(
            store, settings, [c.paper for c in cards[:brief_count]], lang=lang, reporter=reporter, offline=offline)
    return digest


def _demote(markdown: str, *, drop_title: bool) -> str:
    """The brief's headings one level down (its ``#`` title dropped): it sits in a section."""
    out: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            if drop_title and re.match(r"#\s", line):
                continue
            line = "#" + line
        out.append(line)
    return "\n".join(out).strip() + "\n"


def brief_of(store: Store, settings: Settings, papers: list[Paper], *, lang: str, reporter: Reporter | None,
             offline: bool = False) -> tuple[str, str, str | None]:
    """(Markdown, kind, model): the model's brief when one is configured (a model that fails
    is reported and the offline digest used instead: a scheduled digest still goes out)."""
    from hubcli.brief import run
    from hubcli.brief.digest import digest as offline_digest
    from hubcli.brief.select import Ranked

    cfg = run.llm_config(settings.llm, settings.paths.config_file, model=None, api_base=None, timeout=None)
    if cfg.model and not offline:
        try:
            server = run.server_info(store, cfg)
            budget = run.budget_for(store, cfg, lang, server)
            plan = run.make_plan(Ranked(papers, len(papers)), budget)
            caller = run.Caller(store=store, cfg=cfg, use_cache=True, reporter=reporter or _Quiet(),
                                stream=cfg.stream, budget=budget, server=server)
            answer = run.generate(caller, plan, lang=lang)
            caller.report_notes()
            doc = run.document(answer, plan.sent, subtitle=cfg.model)
            return _demote(doc.markdown, drop_title=True), "model", cfg.model
        except HubError as exc:
            if reporter is not None:
                reporter.warn(t("digest_model_failed", model=cfg.model, reason=t(exc.key, **exc.params)))
    return _demote(offline_digest(papers, subtitle=""), drop_title=True), "offline", None


class _Quiet:
    def info(self, message: str) -> None:
        pass

    def warn(self, message: str) -> None:
        pass

    def status(self, message: str) -> None:
        pass

    def progress(self, message: str | None) -> None:
        pass
