"""docs/cli.md and docs/cli.zh.md are generated from --help: they must agree with it."""

from __future__ import annotations

import pytest

from hubcli.tools import gendocs


def test_the_command_reference_matches_help_in_both_languages() -> None:
    assert gendocs.main(["--check"]) == 0, "run: python -m hubcli.tools.gendocs"


def test_a_changed_help_text_is_caught(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from hubcli.i18n.messages import MESSAGES

    monkeypatch.setitem(MESSAGES, "opt_author", {"en": "Renamed.", "zh": "改名。"})
    assert gendocs.main(["--check"]) == 1
    assert "cli.md differs from --help" in capsys.readouterr().err


def test_every_command_is_documented() -> None:
    text = (gendocs.DOCS / "cli.md").read_text(encoding="utf-8")
    for path in gendocs.command_paths():
        assert f"## {' '.join(['hub', *path])}\n" in text
    assert "## hub feeds import\n" in text and "--unseen" in text
