"""Row arithmetic over embedding matrices that is not worth compiling: one sparse product."""

from __future__ import annotations

import numpy as np

from wordspace.errors import ParameterError

__all__ = ["mean_rows"]


def mean_rows(
    matrix: np.ndarray,
    ids: np.ndarray,
    weights: np.ndarray,
    starts: np.ndarray,
    divide_by: str = "count",
) -> np.ndarray:
    """The weighted means of groups of rows of ``matrix``: row g of the result is
    ``sum(weights[j] * matrix[ids[j]]) / d`` over ``j`` in ``starts[g]:starts[g + 1]``
    (zeros for an empty group), float32, where ``d`` is the number of rows of the group
    (``divide_by="count"``: SIF's weighted sum per word) or the sum of their absolute weights
    (``divide_by="weights"``: the weighted mean, as gensim's ``get_mean_vector``; zeros when
    the weights sum to 0).

    The one mean-vector computation: :meth:`WordVectors.get_mean_vector` (one group) and the
    text similarity functions (one group per document) use it. Many groups go through one
    sparse product, so no Python runs per document or per word.
    """
    starts = np.asarray(starts, dtype=np.int64)
    ids = np.asarray(ids, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float32)
    sizes = np.diff(starts)
    if len(sizes) == 1:
        out = (w @ np.asarray(matrix[ids], dtype=np.float32))[None, :]
    else:
        from scipy import sparse

        m = sparse.csr_matrix((w, ids, starts), shape=(len(sizes), matrix.shape[0]))
        out = np.asarray(m @ np.asarray(matrix, dtype=np.float32), dtype=np.float32)
    out = np.asarray(out, dtype=np.float32)
    if divide_by == "weights":
        csum = np.concatenate([[0.0], np.cumsum(np.abs(w.astype(np.float64)))])
        total = csum[starts[1:]] - csum[starts[:-1]]
        safe = np.where(total > 0, total, 1.0)
        return np.where((total > 0)[:, None], out / safe[:, None], 0.0).astype(np.float32)
    if divide_by != "count":
        raise ParameterError(f"divide_by must be 'count' or 'weights', got {divide_by!r}")
    return out / np.maximum(sizes, 1).astype(np.float32)[:, None]
