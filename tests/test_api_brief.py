"""``api.brief``, ``api.digest`` and ``api.sync`` called directly: a fresh store, no
subprocess, no network (the offline digest needs no model)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import hubcli.i18n
from hubcli.api import brief, digest
from hubcli.api.results import Notice
from hubcli.api.session import Session
from hubcli.errors import NotFoundError
from hubcli.filters import Filters
from hubcli.i18n import Message
from hubcli.models import Paper
from hubcli.sync_models import Source, SourceResult, SyncReport

SOURCE = Source("arxiv:cs.IR", "arxiv", "arXiv (CS.IR)", "https://rss.arxiv.org/rss/cs.IR")


def _papers() -> list[Paper]:
    return [Paper(key=f"arxiv:2601.0000{i}", title=f"Graph recommender number {i}",
                  abstract=f"We propose a graph recommender. Variant {i} ranks items.", authors=["Ada Lovelace"],
                  arxiv_id=f"2601.0000{i}", published=f"2026-01-0{i}", primary_category="cs.IR",
                  categories=["cs.IR"], url=f"https://arxiv.org/abs/2601.0000{i}")
            for i in range(1, 4)]


@pytest.fixture
def session() -> Iterator[Session]:
    """A session over a fresh cache holding three papers."""
    from hubcli.store import write

    made = Session(lang="en")
    store = made.store(create=True)
    assert store is not None
    write.store_papers(store, SOURCE, _papers())
    yield made
    made.close()


@dataclass
class Recorder:
    """A reporter that keeps what it is told."""

    notices: list[Notice] = field(default_factory=list)
    lines: list[Message] = field(default_factory=list)

    def notice(self, notice: Notice) -> None:
        self.notices.append(notice)

    def status(self, message: Message) -> None:
        self.lines.append(message)

    def progress(self, message: Message | None) -> None:
        if message is not None:
            self.lines.append(message)

    def started(self, total: int) -> None:
        pass

    def fetching(self, source: Source, received: int, size: int | None) -> None:
        pass

    def finished(self, result: SourceResult) -> None:
        pass

    def stored(self, report: SyncReport) -> None:
        pass

    def backfilled(self, result: SourceResult) -> None:
        pass


def test_without_a_model_the_offline_digest_is_written(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_MODEL", raising=False)
    found = brief.write_brief(session, brief.BriefRequest(Filters()), report=Recorder())

    assert found.kind == "offline" and found.model is None
    assert found.text.startswith("# Offline digest")
    assert [p.title for p in found.papers] == [f"Graph recommender number {i}" for i in (3, 2, 1)]
    assert found.matched == 3
    assert [n.key for n in found.after] == ["brief_no_model_hint"]


def test_the_language_is_the_sessions_and_the_process_keeps_its_own(session: Session) -> None:
    zh = Session(store=session.reader(), lang="zh")

    found = brief.write_brief(zh, brief.BriefRequest(Filters(), offline=True), report=brief.Quiet())

    assert found.text.startswith("# 离线摘要")
    assert not hasattr(hubcli.i18n, "current_language")  # there is no process-wide language


def test_a_dismissed_paper_is_never_briefed_and_offline_says_nothing_about_models(session: Session) -> None:
    from hubcli.store import library
    from hubcli.store.papers import find_paper_id

    store = session.existing()
    dismissed = find_paper_id(store.conn, "arxiv:2601.00002")
    assert dismissed is not None
    library.dismiss(store, [dismissed])

    found = brief.write_brief(session, brief.BriefRequest(Filters(), offline=True), report=Recorder())

    assert [p.title for p in found.papers] == ["Graph recommender number 3", "Graph recommender number 1"]
    assert "number 2" not in found.text
    assert found.after == []  # --offline was asked for: no hint about configuring a model


def test_an_author_that_matches_nobody_is_reported_as_it_happens(session: Session) -> None:
    told = Recorder()
    with pytest.raises(NotFoundError) as raised:
        brief.write_brief(session, brief.BriefRequest(Filters(authors=("Nobody Here",)), offline=True), report=told)

    assert raised.value.key == "brief_no_papers"
    assert [n.key for n in told.notices] == ["no_author"]


def test_given_papers_are_briefed_as_they_are_with_the_subtitle_given(session: Session) -> None:
    papers = _papers()[:2]
    found = brief.write_brief(session, brief.BriefRequest(papers=papers, subtitle="", offline=True),
                              report=brief.Quiet())

    assert [p.key for p in found.papers] == [p.key for p in papers]
    assert "Graph recommender number 3" not in found.text


def test_the_digest_mark_moves_only_when_every_target_has_it(session: Session, tmp_path: Path) -> None:
    from hubcli.store.digests import digest_mark

    store = session.existing()
    out: list[str] = []
    failing = str(tmp_path / "missing" / "folder" / "digest.md")
    kept = digest.run(session, to=["-", failing], no_sync=True, always=False, report=Recorder(),
                      stdout=out.append)

    assert kept.digest is not None and len(kept.digest.cards) == 3
    assert [e.key for e in kept.errors] == ["digest_kept"]
    assert digest_mark(store) == ""
    assert out and "Graph recommender number 1" in out[0]

    (tmp_path / "missing" / "folder").mkdir(parents=True)
    told = Recorder()
    again = digest.run(session, to=["-"], no_sync=True, always=False, report=told, stdout=out.append)

    assert again.errors == []
    assert "digest_resent" in [n.key for n in told.notices]
    assert Path(failing).exists()
    assert digest_mark(store) == kept.digest.up_to
