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

__all__ = ["add_rows", "take_changed"]


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
    return rows[:m].copy(), vals[:m].copy()


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
