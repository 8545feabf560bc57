"""Value predictions from any word vectors: the k-NN and ridge probes.

:meth:`~wordspace.ValueVec.predict_value` uses them on a model's vectors, and
:func:`~wordspace.analysis.evaluate.value_holdout` on plain vectors (skip-gram, CBOW,
pretrained) as baselines, so the joint model and its baselines are probed by the same code.
Arrays in, arrays out: this module imports nothing of the package but the text values'
arithmetic (:mod:`~wordspace.train.valuevec.propagation`).
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
    if x.shape[1] == 0:  # no features: the mean
        return np.full(len(q), float(y.mean()))
    mx = x.mean(axis=0)
    my = float(y.mean())
    xc = x - mx
    a = xc.T @ xc + alpha * np.eye(x.shape[1])
    coef = np.linalg.solve(a, xc.T @ (y - my))
    return (q - mx) @ coef + my


#: the predictors that use text values as well as (or instead of) the vectors
TEXT_PREDICTORS = ("text", "text+ridge", "text+blend")


def predict_with_text(
    unit: np.ndarray,
    text: np.ndarray,
    rows: np.ndarray,
    vals: np.ndarray,
    idx: np.ndarray,
    method: str,
    ridge_alpha: float,
    *,
    folds: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """Values of the rows ``idx`` from the valued rows ``rows`` (values ``vals``) with the
    words' text values ``text`` (:func:`~wordspace.train.valuevec.propagation.text_values`:
    leave-one-out for the valued rows, NaN where a word is in no document with a valued
    word):

    - ``"text"``: the text value on the values' scale (a least-squares line over the valued
      rows), no vectors;
    - ``"text+ridge"``: ridge (penalty ``ridge_alpha``) on ``[unit vector, standardised
      text value]``, fitted on the valued rows with their leave-one-out text values;
    - ``"text+blend"``: ``w·z(text) + (1 − w)·z(ridge on the vectors)``, ``w`` chosen by
      ``folds``-fold cross-validation on the valued rows (Spearman), put back on the values'
      scale by a least-squares line.

    A row with no text value is predicted by ridge on the vectors alone; a valued row is
    predicted from the others (leave-one-out), as in :func:`predict_from_vectors`."""
    from wordspace.train.valuevec.propagation import calibrate

    rows = np.asarray(rows, dtype=np.int64)
    idx = np.asarray(idx, dtype=np.int64)
    vals = np.asarray(vals, dtype=np.float64)
    text = np.asarray(text, dtype=np.float64)
    has_q = np.isfinite(text[idx])
    has_r = np.isfinite(text[rows])
    out = np.empty(len(idx), dtype=np.float64)
    if (~has_q).any() or method == "text+blend":
        vec = predict_from_vectors(unit, rows, vals, idx, "ridge", 1, ridge_alpha)
        out[~has_q] = vec[~has_q]
    if not has_q.any():
        return out
    if has_r.sum() < 3:  # too few valued words with a text value to use it
        out[has_q] = predict_from_vectors(unit, rows, vals, idx[has_q], "ridge", 1, ridge_alpha)
        return out
    a, b = calibrate(text, rows, vals)
    if method == "text":
        out[has_q] = a + b * text[idx[has_q]]
        return out
    r_ok = rows[has_r]
    mu, sd = float(text[r_ok].mean()), float(text[r_ok].std()) or 1.0
    if method == "text+ridge":
        feats = np.zeros((unit.shape[0], unit.shape[1] + 1), dtype=np.float64)
        feats[:, :-1] = unit
        good = np.isfinite(text)
        feats[good, -1] = (text[good] - mu) / sd
        out[has_q] = predict_from_vectors(
            feats, r_ok, vals[has_r], idx[has_q], "ridge", 1, ridge_alpha
        )
        return out
    if method != "text+blend":
        raise ValueError(f"unknown text predictor {method!r}; one of {TEXT_PREDICTORS}")
    w = _blend_weight(unit, text, r_ok, vals[has_r], ridge_alpha, folds, seed)
    zt = (text[idx[has_q]] - mu) / sd
    # the vector probe's z-scores from the valued rows' cross-validated predictions
    cv = _cv_ridge(unit, r_ok, vals[has_r], ridge_alpha, folds, seed)
    vm, vs = float(cv.mean()), float(cv.std()) or 1.0
    blend_r = w * (text[r_ok] - mu) / sd + (1 - w) * (cv - vm) / vs
    c = np.cov(blend_r, vals[has_r], bias=True)[0, 1] / (float(np.var(blend_r)) or 1.0)
    blend_q = w * zt + (1 - w) * (vec[has_q] - vm) / vs
    out[has_q] = float(vals[has_r].mean()) + c * (blend_q - float(blend_r.mean()))
    return out


def _cv_ridge(
    unit: np.ndarray, rows: np.ndarray, vals: np.ndarray, alpha: float, folds: int, seed: int
) -> np.ndarray:
    """Cross-validated ridge predictions of the valued rows (each fold from the others)."""
    part = np.random.default_rng(seed).permutation(len(rows)) % max(2, folds)
    x = unit[rows].astype(np.float64)
    pred = np.empty(len(rows), dtype=np.float64)
    for f in range(max(2, folds)):
        te = part == f
        pred[te] = _ridge_predict(x[~te], vals[~te], x[te], alpha)
    return pred


def _blend_weight(
    unit: np.ndarray,
    text: np.ndarray,
    rows: np.ndarray,
    vals: np.ndarray,
    alpha: float,
    folds: int,
    seed: int,
) -> float:
    """The weight of the text value in ``"text+blend"``: the best of 0, 0.1, ..., 1 by the
    Spearman of the blend (leave-one-out text values, cross-validated ridge) on the valued
    rows."""
    from scipy.stats import spearmanr

    cv = _cv_ridge(unit, rows, vals, alpha, folds, seed)
    zt = (text[rows] - text[rows].mean()) / (float(text[rows].std()) or 1.0)
    zv = (cv - cv.mean()) / (float(cv.std()) or 1.0)
    best, best_rho = 1.0, -np.inf
    for w in np.linspace(0.0, 1.0, 11):
        rho = float(spearmanr(w * zt + (1 - w) * zv, vals).statistic)
        if np.isfinite(rho) and rho > best_rho + 1e-12:
            best, best_rho = float(w), rho
    return best
