"""Where a database's ranking features live (standard library only: no numpy)."""

from __future__ import annotations

from pathlib import Path

from hubcli.store.db import Store


def features_dir(store: Store) -> Path:
    """Where the features of this database live: beside it, so HUB_HOME or --db moves both."""
    return store.path.with_name(store.path.name + ".features")


def has_features(store: Store) -> bool:
    """Whether this database has a feature store (someone ranked before)."""
    return (features_dir(store) / "manifest.json").exists()
