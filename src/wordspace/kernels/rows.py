"""Row arithmetic over embedding matrices that is not worth compiling: one sparse product."""

from __future__ import annotations

import numpy as np

__all__ = ["mean_rows"]


def mean_rows(
    matrix: np.ndarray, ids: np.ndarray, weights: np.ndarray, starts: np.ndarray
) -> np.ndarray:
    """The weighted means of groups of rows of ``matrix``: row g of the result is
    ``sum(weights[j] * matrix[ids[j]]) / (number of j)`` over ``j`` in
    ``starts[g]:starts[g + 1]`` (zeros for an empty group), float32.

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
    return out / np.maximum(sizes, 1).astype(np.float32)[:, None]
