"""A fitted library model kept beside the features, so the commands that rank the same
library again (a second ``hub recommend``, the page, the digest, the radar) load it
instead of fitting it: ``fitted-model.npz``, named by a hash of everything the fit reads.

Any update of the features removes it (:func:`hubcli.rank.update` keeps only the files
its manifest names); a file that does not read back as expected is fitted again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from hubcli.rank.chunks import Features
from hubcli.rank.score import Library

NAME = "fitted-model.npz"
_ARRAYS = ("coef", "author_pull", "centroids", "dismissed", "scale", "pos_ids", "pos_dense")


def fit_key(features: Features, *parts: object) -> str:
    """A hash of the features' state (vocabulary, rows) and of the fit's inputs."""
    state = [features.manifest.get(k) for k in ("vocab", "index", "mark", "rows")]
    return hashlib.sha256(json.dumps([state, *parts], sort_keys=True, default=str).encode()).hexdigest()


def load(features: Features, key: str, comps: np.ndarray) -> Library | None:
    """The library model fitted for ``key``, or None."""
    path = Path(features.root) / NAME
    try:
        with np.load(path, allow_pickle=False) as found:
            if str(found["key"]) != key:
                return None
            meta: dict[str, Any] = json.loads(str(found["meta"]))
            arrays = {name: np.asarray(found[name]) for name in _ARRAYS}
    except (OSError, KeyError, ValueError, EOFError):
        return None
    return Library(features=features, comps=comps, intercept=float(meta["intercept"]),
                   author_cols=meta["author_cols"], author_shown=meta["author_shown"],
                   category_cols=meta["category_cols"], levels=(float(meta["levels"][0]), float(meta["levels"][1])),
                   sizes=[int(s) for s in meta["sizes"]], interest_names=[str(n) for n in meta["names"]], **arrays)


def save(lib: Library, key: str) -> None:
    """Keep the model (atomically); a read-only cache only means fitting again next time."""
    path = Path(lib.features.root) / NAME
    meta = {"intercept": lib.intercept, "author_cols": lib.author_cols, "author_shown": lib.author_shown,
            "category_cols": lib.category_cols, "levels": list(lib.levels), "sizes": lib.sizes,
            "names": lib.interest_names}
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
    try:
        with open(tmp, "wb") as handle:
            np.savez(handle, key=np.array(key), meta=np.array(json.dumps(meta)),
                     **{name: getattr(lib, name) for name in _ARRAYS})
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
