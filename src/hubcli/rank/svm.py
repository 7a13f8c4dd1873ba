"""The linear SVM of the ranking, without scikit-learn (see :func:`fit_linear_svm`)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["SVM_C", "fit_linear_svm"]

SVM_C = 0.01   # arxiv-sanity-lite's; measured on bench/rank_quality.py: 0.01 0.74, 0.1 0.71, 1.0 0.66


def fit_linear_svm(x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray, c: float = SVM_C,
                   class_weight: str | None = "balanced", tol: float = 1e-6,
                   max_iter: int = 500, start: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """A linear SVM as scikit-learn's ``LinearSVC(C=c, class_weight=..., loss="squared_hinge")``
    fits it (liblinear's L2-regularised squared hinge, the intercept a regularised feature
    of value 1), without importing scikit-learn (about a second of every ``recommend``):

        min over w, b of  ½(w·w + b²) + Σ cᵢ max(0, 1 − yᵢ(w·xᵢ + b))²,  cᵢ = c · weightᵢ · class weight

    The objective is convex and continuously differentiable: scipy's L-BFGS-B minimises it
    from its value and gradient (tests/test_rank_store.py checks the ranking against
    LinearSVC's).  ``y`` holds 1 and 0; returns (w, b).  ``start``: (w, b) to start from
    (a fit of nearly the same data converges in a few steps)."""
    from scipy.optimize import minimize

    n = x.shape[0]
    sign = np.where(y > 0, 1.0, -1.0)
    costs = c * np.asarray(weight, dtype=np.float64)
    if class_weight == "balanced":
        for label in (1.0, -1.0):
            members = sign == label
            if members.any():
                costs[members] *= n / (2.0 * members.sum())
    xb = sp.hstack([x.astype(np.float64), np.ones((n, 1))], format="csr")

    def objective(v: np.ndarray) -> tuple[float, np.ndarray]:
        margin = np.maximum(1.0 - sign * (xb @ v), 0.0)
        value = 0.5 * float(v @ v) + float(np.sum(costs * margin ** 2))
        return value, v - 2.0 * (xb.T @ (costs * sign * margin))

    x0 = np.zeros(xb.shape[1]) if start is None else np.asarray(start, dtype=np.float64)
    found = minimize(objective, x0, jac=True, method="L-BFGS-B",
                     options={"maxiter": max_iter, "gtol": tol})
    w = np.asarray(found.x)
    return w[:-1], float(w[-1])
