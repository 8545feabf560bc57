"""Top-k selection for nearest-neighbour queries.

``topk_dot`` fuses the dot products with the selection, so one pass over the matrix answers a
query (the matrix is read once; no n-sized temporary is built or partitioned). Rows are split
into chunks processed in parallel; each keeps its own sorted top-k list, merged at the end.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


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


@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def topk_dot(mat, q, k, limit, nchunks):
    """Indices and scores of the ``k`` largest ``mat[:limit] @ q``, best first."""
    n = min(limit, mat.shape[0])
    d = mat.shape[1]
    k = min(k, n)
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
def topk_rows(scores, k):
    """Row-wise top-k of a score matrix (indices and scores, best first)."""
    m, n = scores.shape
    k = min(k, n)
    oi = np.full((m, k), -1, dtype=np.int64)
    os_ = np.full((m, k), -np.inf, dtype=np.float32)
    for r in prange(m):
        bs = os_[r]
        bi = oi[r]
        row = scores[r]
        for i in range(n):
            s = row[i]
            if s > bs[k - 1]:
                _insert(bs, bi, s, i, k)
    return oi, os_


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
