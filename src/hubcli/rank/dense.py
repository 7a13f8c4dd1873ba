"""The dense view of the features (LSA): a truncated SVD of the TF-IDF rows, fitted once
per vocabulary on a sample of papers and then frozen like the IDF.

Two papers that share one chance word ("skyrmion" in optics and in magnetism) are close
in TF-IDF and far apart here, where a paper is its position among the main directions of
the whole cache's text.  The components live beside the vocabulary as
``lsa-<vocabulary file>`` (a float32 ``.npy`` array, read with ``allow_pickle=False``);
a missing or damaged file is fitted again (seconds), a new vocabulary gets new ones.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from hubcli.rank.chunks import Features

__all__ = ["COMPONENTS", "components", "lsa_name", "project"]

COMPONENTS = 200       # the measured setting
FIT_ROWS = 20_000      # papers the SVD is fitted on (seeded sample of the live rows)
POWER_ITERATIONS = 4


def lsa_name(manifest: dict[str, object]) -> str:
    """The file of a vocabulary's components (update.py keeps it beside the vocabulary)."""
    return f"lsa-{manifest['vocab']}"


def _randomized_svd(x: sp.csr_matrix, k: int, seed: int = 0) -> np.ndarray:
    """The top ``k`` right singular vectors of ``x`` (k x n_features), Halko et al.'s
    randomized range finder with power iterations (what sklearn's TruncatedSVD does)."""
    rng = np.random.default_rng(seed)
    xt = x.T.tocsr()
    q = x @ rng.standard_normal((x.shape[1], min(k + 10, min(x.shape))))
    q, _ = np.linalg.qr(q)
    for _ in range(POWER_ITERATIONS):
        q, _ = np.linalg.qr(xt @ q)
        q, _ = np.linalg.qr(x @ q)
    b = np.asarray((xt @ q).T)
    _, _, vt = np.linalg.svd(b, full_matrices=False)
    signs = np.sign(vt[:, np.argmax(np.abs(vt), axis=1)].diagonal())  # a stable sign per component
    signs[signs == 0] = 1.0
    return np.asarray(vt[:k] * signs[:k, None], dtype=np.float32)


def _fit(features: Features) -> np.ndarray:
    ids = np.asarray(features.live_ids())
    if ids.size > FIT_ROWS:
        ids = np.sort(np.random.default_rng(0).choice(ids, FIT_ROWS, replace=False))
    _, x = features.rows(ids.tolist())
    k = max(1, min(COMPONENTS, x.shape[0] - 1, x.shape[1] - 1))
    return _randomized_svd(x.astype(np.float64), k)


def components(features: Features) -> np.ndarray:
    """The components of this vocabulary (k x n_features, float32), fitted and written the
    first time they are asked for."""
    path = Path(features.root) / lsa_name(features.manifest)
    try:
        found = np.load(path, allow_pickle=False)
        if found.dtype == np.float32 and found.ndim == 2 and found.shape[1] == features.n_features:
            return np.asarray(found)
    except (OSError, ValueError, EOFError):
        pass
    fitted = _fit(features)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            np.save(handle, fitted, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:  # a read-only cache still ranks, fitting again next time
        tmp.unlink(missing_ok=True)
    return fitted


def project(x: sp.csr_matrix, comps: np.ndarray) -> np.ndarray:
    """The rows' LSA vectors, L2-normalised (a row with no known word: zeros)."""
    dense = np.asarray(x @ comps.T, dtype=np.float32)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    return dense / np.where(norms > 0, norms, 1.0)
