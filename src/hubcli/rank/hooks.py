"""What sync and import call when they have stored papers: standard library only, so a
user who never ranks pays nothing (no numpy, no scikit-learn) for the ranking package."""

from __future__ import annotations

import logging

from hubcli.rank.paths import features_dir, has_features
from hubcli.store.db import Store

__all__ = ["features_dir", "has_features", "refresh_if_enabled"]

log = logging.getLogger("hubcli.rank.update")


def refresh_if_enabled(store: Store) -> None:
    """Bring the features up to date if this database has a feature store (someone ranked
    before); else do nothing, without importing numpy.  Called at the end of ``hub sync``
    and ``hub import``.  It never fails them: an error is only logged (debug level; the
    papers are stored, and the next ranking command updates the features anyway, through
    ``ensure_features``, so a failure here costs only that command's time)."""
    if not has_features(store):
        return
    try:
        from hubcli.rank.update import update_features

        update_features(store)
    except Exception:  # noqa: BLE001 - stale features only cost the next ranking command time
        log.debug("updating the ranking features failed", exc_info=True)
