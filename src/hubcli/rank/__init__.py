"""Local, explainable ranking (issue 12).  Imports numpy, scipy and scikit-learn: only the
commands that rank use this package; ``hub papers`` never does.  The names below are
loaded on first use, so ``hubcli.rank.hooks`` (what sync and import call) stays free of
numpy for who never ranks."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hubcli.rank.features import UpdateResult, features_dir, open_features, update_features
    from hubcli.rank.model import MIN_SAVED, Scored, ensure_features, recommend, similar

__all__ = ["MIN_SAVED", "Scored", "UpdateResult", "ensure_features", "features_dir", "open_features",
           "recommend", "similar", "update_features"]

_HOME = {"UpdateResult": "features", "features_dir": "features", "open_features": "features",
         "update_features": "features", "MIN_SAVED": "model", "Scored": "model", "ensure_features": "model",
         "recommend": "model", "similar": "model"}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"hubcli.rank.{module}"), name)
    globals()[name] = value
    return value
