"""Value predictions from any word vectors: the k-NN and ridge probes.

:meth:`~wordspace.ValueVec.predict_value` uses them on a model's vectors, and
:func:`~wordspace.analysis.evaluate.value_holdout` on plain vectors (skip-gram, CBOW,
pretrained) as baselines, so the joint model and its baselines are probed by the same code.
Arrays in, arrays out: this module imports nothing of the package.
"""

from __future__ import annotations

import numpy as np

__all__ = ["predict_from_vectors"]


def predict_from_vectors(
    unit: np.ndarray,
    rows: np.ndarray,
    vals: np.ndarray,
    idx: np.ndarray,
    method: str,
    k: int,
    ridge_alpha: float,
) -> np.ndarray:
    """Values of the rows ``idx`` of the unit vectors ``unit`` from the valued rows ``rows``
    (values ``vals``): ``"knn"``, the cosine-weighted mean of the ``k`` most similar valued
    rows (negative cosines count 0), or ``"ridge"``, a ridge regression of the value on the
    vectors (penalty ``ridge_alpha``). A query that is itself a valued row is predicted from
    the others (leave-one-out). :meth:`ValueVec.predict_value` and the probes of
    :func:`~wordspace.analysis.evaluate.value_holdout` on plain vectors share it."""
    rows = np.asarray(rows, dtype=np.int64)
    idx = np.asarray(idx, dtype=np.int64)
    vals = np.asarray(vals, dtype=np.float64)
    q = unit[idx].astype(np.float64)
    ref = unit[rows].astype(np.float64)
    self_hit = idx[:, None] == rows[None, :]
    if method == "knn":
        sims = q @ ref.T  # (queries, valued words)
        sims[self_hit] = -np.inf
        kk = min(k, max(len(rows) - 1, 1))
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        s_top = np.take_along_axis(sims, top, axis=1)
        wts = np.clip(s_top, 0.0, None)
        wts[~np.isfinite(s_top)] = 0.0
        plain = vals[top].mean(axis=1)
        tot = wts.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tot > 0, (wts * vals[top]).sum(axis=1) / tot, plain)
    pred = _ridge_predict(ref, vals, q, ridge_alpha)
    for t in np.flatnonzero(self_hit.any(axis=1)).tolist():  # valued: leave one out
        keep = ~self_hit[t]
        pred[t] = _ridge_predict(ref[keep], vals[keep], q[t : t + 1], ridge_alpha)[0]
    return pred


def _ridge_predict(x: np.ndarray, y: np.ndarray, q: np.ndarray, alpha: float) -> np.ndarray:
    """Ridge regression of ``y`` on ``x`` (centred, intercept unpenalised), applied to ``q``."""
    mx = x.mean(axis=0)
    my = float(y.mean())
    xc = x - mx
    a = xc.T @ xc + alpha * np.eye(x.shape[1])
    coef = np.linalg.solve(a, xc.T @ (y - my))
    return (q - mx) @ coef + my
