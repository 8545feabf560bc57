"""The row exchange of data-parallel training (:mod:`wordspace.distributed._word2vec`).

A worker trains on a working copy ``work`` of the synchronised weights ``sync``; after a
round it sends the rows that changed with their deltas (or new values) and puts those rows
of ``work`` back to ``sync``; a merged step is then added to the copies. In NumPy each of
those is several passes with temporaries (compare, gather twice, subtract, scatter); here
each is one pass over the rows concerned, with the same float32 arithmetic, so the results
are the NumPy ones bit for bit (no ``fastmath``: a delta is ``work - sync`` exactly).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["add_rows", "merge_add", "take_changed"]


@njit(cache=True, nogil=True)
def take_changed(work, sync, candidates, use_all, absolute):  # pragma: no cover - compiled
    """The rows of ``work`` (float32, 2-D) that differ from ``sync`` among ``candidates``
    (int64; every row when ``use_all``), in order: ``(rows int32, values float32)`` with
    ``values`` the deltas ``work - sync`` (or ``work``'s rows when ``absolute``); those rows
    of ``work`` are set back to ``sync``'s. A NaN differs from everything, as in NumPy."""
    n = work.shape[0] if use_all else candidates.shape[0]
    d = work.shape[1]
    rows = np.empty(n, np.int32)
    vals = np.empty((n, d), np.float32)
    m = 0
    for j in range(n):
        r = j if use_all else candidates[j]
        diff = False
        for k in range(d):
            if work[r, k] != sync[r, k]:
                diff = True
                break
        if not diff:
            continue
        for k in range(d):
            if absolute:
                vals[m, k] = work[r, k]
            else:
                vals[m, k] = work[r, k] - sync[r, k]
            work[r, k] = sync[r, k]
        rows[m] = r
        m += 1
    return rows[:m], vals[:m]  # views: no copy of the (mostly kept) rows


@njit(cache=True, nogil=True)
def add_rows(W, rows, vals, absolute):  # pragma: no cover - compiled
    """``W[rows] += vals`` (float32; ``W[rows] = vals`` when ``absolute``), rows unique."""
    d = W.shape[1]
    for j in range(rows.shape[0]):
        r = rows[j]
        for k in range(d):
            if absolute:
                W[r, k] = vals[j, k]
            else:
                W[r, k] += vals[j, k]


@njit(cache=True, nogil=True)
def merge_add(sync, work, rows_t, deltas_t, expected, average):  # pragma: no cover - compiled
    """Merge a round's deltas and add the step to ``sync`` and ``work`` in one pass.

    ``rows_t``/``deltas_t``: a tuple of every part's changed rows (int32, ascending) and
    deltas (float32). For every row some part changed: the deltas summed in part order from
    zero, then times ``float32(1 / K)`` (``average``) or divided by ``float32(clip(expected
    [row], 1, K))`` (``expected`` non-empty) or by the number of parts that changed the row,
    then added to both matrices: bit for bit ``_merge_rows`` followed by ``add_rows`` twice,
    without the merged step in memory."""
    K = len(rows_t)
    d = sync.shape[1]
    pos = np.zeros(K, np.int64)
    acc = np.zeros(d, np.float32)
    inv = np.float32(1.0 / K)
    use_exp = expected.shape[0] > 0
    while True:
        r = -1
        for k in range(K):
            rk = rows_t[k]
            if pos[k] < rk.shape[0]:
                x = rk[pos[k]]
                if r < 0 or x < r:
                    r = x
        if r < 0:
            break
        for i in range(d):
            acc[i] = 0.0
        cnt = 0
        for k in range(K):
            rk = rows_t[k]
            j = pos[k]
            if j < rk.shape[0] and rk[j] == r:
                dl = deltas_t[k]
                for i in range(d):
                    acc[i] += dl[j, i]
                cnt += 1
                pos[k] = j + 1
        if average:
            for i in range(d):
                acc[i] *= inv
        else:
            if use_exp:
                dv = np.float32(min(max(expected[r], 1.0), float(K)))
            else:
                dv = np.float32(cnt)
            for i in range(d):
                acc[i] /= dv
        for i in range(d):
            sync[r, i] += acc[i]
            work[r, i] += acc[i]
