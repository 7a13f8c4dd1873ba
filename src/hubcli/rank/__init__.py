"""Local, explainable ranking (issue 12).  Imports numpy, scipy and scikit-learn: only the
commands that rank import this package; ``hub papers`` never does."""

from hubcli.rank.features import UpdateResult, features_dir, open_features, update_features
from hubcli.rank.model import MIN_SAVED, Scored, ensure_features, recommend, similar

__all__ = ["MIN_SAVED", "Scored", "UpdateResult", "ensure_features", "features_dir", "open_features",
           "recommend", "similar", "update_features"]
