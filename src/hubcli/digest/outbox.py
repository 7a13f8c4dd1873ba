"""Digests that some target did not receive, kept under the data folder until it does.

One JSON file per digest (``digest-outbox/ID.json``): the digest as composed and the
targets still owed it.  The next ``hub digest`` resends them first, whether or not
anything new arrived."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hubcli.config import Settings
from hubcli.digest.compose import Digest
from hubcli.errors import HubError


@dataclass
class Pending:
    digest: Digest
    targets: list[str]
    path: Path


def folder(settings: Settings) -> Path:
    return settings.paths.data_dir / "digest-outbox"


def pending(settings: Settings) -> list[Pending]:
    """What is owed, oldest first (ids start with their UTC time); unreadable files are left alone."""
    where = folder(settings)
    if not where.is_dir():
        return []
    out = []
    for path in sorted(where.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            out.append(Pending(Digest.from_json(data["digest"]), [str(x) for x in data["targets"]], path))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return out


def keep(settings: Settings, digest: Digest, targets: list[str]) -> Path:
    from hubcli.outfile import atomic_write

    where = folder(settings)
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HubError("output_write_failed", path=str(where), reason=exc.strerror or str(exc)) from exc
    path = where / f"{digest.id}.json"
    atomic_write(path, json.dumps({"digest": digest.to_json(), "targets": targets}, ensure_ascii=False, indent=1))
    try:
        path.chmod(0o600)  # a webhook's URL is its key: for the user's eyes only
    except OSError:
        pass
    return path


def drop(item: Pending) -> None:
    try:
        item.path.unlink()
    except FileNotFoundError:
        pass
