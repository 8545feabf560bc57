"""Top-k selection for nearest-neighbour queries.

``topk_dot`` fuses the dot products with the selection, so one pass over the matrix answers a
query (the matrix is read once; no n-sized temporary is built or partitioned). Rows are split
into chunks processed in parallel; each keeps its own sorted top-k list, merged at the end.

``topk_update`` merges a block of precomputed scores (queries x rows, one BLAS product) into
running top-k lists; :func:`topk_neighbors` drives it over blocks of rows and batches of queries
and is the one batched k-nearest-neighbour routine (``WordVectors.most_similar_many``, value
alignment).

A NaN score (the row of a vector holding NaN or inf) is never selected: every comparison with
NaN is false. The kernels therefore use fast-math without the "no NaNs"/"no infs" assumptions
(``FASTMATH``), which would make those comparisons undefined.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

#: fast-math flags that keep NaN and inf comparisons exact (all of LLVM's but nnan and ninf)
FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}


@njit(cache=True, nogil=True, inline="always")
def _insert(best_s, best_i, s, i, k):
    # best_s is sorted descending; insert s if it beats the last entry
    j = k - 1
    while j > 0 and best_s[j - 1] < s:
        best_s[j] = best_s[j - 1]
        best_i[j] = best_i[j - 1]
        j -= 1
    best_s[j] = s
    best_i[j] = i


@njit(cache=True, nogil=True, parallel=True, fastmath=FASTMATH)
def topk_dot(mat, q, k, limit, nchunks):
    """Indices and scores of the ``k`` largest ``mat[:limit] @ q``, best first (index -1 and
    score -inf where fewer than ``k`` rows have a score that is not NaN)."""
    n = min(limit, mat.shape[0])
    d = mat.shape[1]
    k = min(k, n)
    if k <= 0:
        return np.full(0, -1, dtype=np.int64), np.full(0, -np.inf, dtype=np.float32)
    cs = np.full((nchunks, k), -np.inf, dtype=np.float32)
    ci = np.full((nchunks, k), -1, dtype=np.int64)
    step = (n + nchunks - 1) // nchunks
    for c in prange(nchunks):
        lo = c * step
        hi = min(n, lo + step)
        bs = cs[c]
        bi = ci[c]
        for i in range(lo, hi):
            s = np.float32(0.0)
            for j in range(d):
                s += mat[i, j] * q[j]
            if s > bs[k - 1]:
                _insert(bs, bi, s, i, k)
    return _merge(cs, ci, k)


@njit(cache=True, nogil=True)
def _merge(cs, ci, k):
    out_s = np.full(k, -np.inf, dtype=np.float32)
    out_i = np.full(k, -1, dtype=np.int64)
    for c in range(cs.shape[0]):
        for t in range(k):
            if ci[c, t] >= 0 and cs[c, t] > out_s[k - 1]:
                _insert(out_s, out_i, cs[c, t], ci[c, t], k)
    return out_i, out_s


@njit(cache=True, nogil=True, parallel=True)
def topk_update(block, offset, best_s, best_i, exclude):
    """Merge a block of scores (queries x rows starting at ``offset``) into running top-k
    lists; ``exclude[r]`` is a row index never selected for query r (-1 for none)."""
    m, n = block.shape
    k = best_s.shape[1]
    for r in prange(m):
        bs = best_s[r]
        bi = best_i[r]
        ex = exclude[r]
        row = block[r]
        for i in range(n):
            s = row[i]
            if s > bs[k - 1] and offset + i != ex:
                _insert(bs, bi, s, offset + i, k)


def topk_neighbors(
    mat: np.ndarray,
    rows: np.ndarray,
    k: int,
    limit: int | None = None,
    *,
    batch_size: int = 256,
    block: int = 32768,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows of ``mat[:limit]`` with the largest dot product with ``mat[r]``, for each
    ``r`` in ``rows``, the row itself excluded: ``(indices, scores)``, both ``(len(rows), k)``,
    best first; index -1 (score -inf) where fewer rows qualify.

    Each batch of queries is multiplied with each block of rows (one BLAS product of at most
    ``batch_size x block`` scores), then merged by :func:`topk_update`. ``mat`` should be
    float32 and C-contiguous (unit vectors give cosines).
    """
    n = mat.shape[0] if limit is None else min(int(limit), mat.shape[0])
    rows = np.asarray(rows, dtype=np.int64)
    k = max(0, int(k))
    best_s = np.full((len(rows), k), -np.inf, dtype=np.float32)
    best_i = np.full((len(rows), k), -1, dtype=np.int64)
    if k == 0 or n == 0:
        return best_i, best_s
    for s in range(0, len(rows), batch_size):
        b = rows[s : s + batch_size]
        q = mat[b]
        bs, bi = best_s[s : s + len(b)], best_i[s : s + len(b)]
        for o in range(0, n, block):
            scores = q @ mat[o : min(n, o + block)].T
            topk_update(scores, o, bs, bi, b)
    return best_i, best_s
