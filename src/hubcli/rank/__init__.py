"""Local, explainable ranking of papers by the user's library.  Imports numpy, scipy and scikit-learn: only the
commands that rank use this package; ``hub papers`` never does.  The names below are
loaded on first use, so ``hubcli.rank.hooks`` (what sync and import call) stays free of
numpy for who never ranks."""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

# OpenBLAS on one thread unless the user chose otherwise (set before numpy loads it): the
# dense products here are small (a library's interests against a week of papers) and its
# other threads only spin; measured at 22,000 candidates: 1.09 -> 0.83 s of CPU for
# ``hub recommend``, the same wall time, and the feature build is single-threaded anyway.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if TYPE_CHECKING:
    from hubcli.rank.chunks import open_features
    from hubcli.rank.model import MIN_SAVED, Scored, Signals, ensure_features, recommend, similar
    from hubcli.rank.paths import features_dir
    from hubcli.rank.update import UpdateResult, update_features

__all__ = ["MIN_SAVED", "Scored", "Signals", "UpdateResult", "ensure_features", "features_dir", "open_features",
           "recommend", "similar", "update_features"]

_HOME = {"UpdateResult": "update", "features_dir": "paths", "open_features": "chunks",
         "update_features": "update", "MIN_SAVED": "model", "Scored": "model", "Signals": "model",
         "ensure_features": "model", "recommend": "model", "similar": "model"}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"hubcli.rank.{module}"), name)
    globals()[name] = value
    return value
