"""The one XML guard (sources/xmlguard.py, defusedxml) on the OPML path; the feed and
OAI-PMH paths are in test_hostile.py and test_import.py."""

from __future__ import annotations

import json
from pathlib import Path


def _exported_opml(hub, tmp_path: Path) -> bytes:  # type: ignore[no-untyped-def]
    hub("feeds", "add", "https://example.test/journal.rss", "--label", "My Journal", "--no-check")
    return hub("feeds", "export").stdout.encode()


def _subscriptions(hub) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(f["source"], f["label"]) for f in json.loads(hub("feeds", "list", "--json").stdout)}


def test_opml_with_a_doctype_and_no_entities_is_imported(hub, tmp_path: Path, hub_home: Path,
                                                         monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opml = _exported_opml(hub, tmp_path)
    before = _subscriptions(hub)
    decl, rest = opml.split(b"\n", 1)
    path = tmp_path / "radar.opml"
    path.write_bytes(decl + b'\n<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/opml.dtd">\n' + rest)
    monkeypatch.setenv("HUB_HOME", str(tmp_path / "other-machine"))
    result = hub("feeds", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert _subscriptions(hub) == before


def test_opml_declaring_an_entity_anywhere_in_its_prolog_is_refused(hub, tmp_path: Path,
                                                                   hub_home: Path) -> None:  # type: ignore[no-untyped-def]
    """A long comment and a commented DTD put the declarations past where a byte search
    looked (the first 4 KiB for the DOCTYPE, 64 KiB for entities)."""
    opml = _exported_opml(hub, tmp_path)
    before = _subscriptions(hub)
    decl, rest = opml.split(b"\n", 1)
    prolog = (b"\n<!-- exported by a feed reader " + b"x" * 8192 + b" -->\n<!DOCTYPE opml [\n<!-- "
              + b"y" * 70_000 + b' -->\n<!ENTITY x "HUB-CANARY-OPML">\n]>\n')
    path = tmp_path / "radar.opml"
    path.write_bytes(decl + prolog + rest.replace(b'"My Journal"', b'"&x;"'))
    result = hub("feeds", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr == "error: not an OPML file hub reads: it declares XML entities\n"
    assert _subscriptions(hub) == before
    assert b"HUB-CANARY-OPML" not in b"".join(p.read_bytes() for p in hub_home.glob("hub.db*"))
