"""Top-k selection for nearest-neighbour queries.

``topk_dot`` fuses the dot products with the selection, so one pass over the matrix answers a
query (the matrix is read once; no n-sized temporary is built or partitioned). Rows are split
into chunks processed in parallel; each keeps its own sorted top-k list, merged at the end. A
single query is bound by memory bandwidth: it cannot beat one read of the matrix
(``benchmarks/bench_vectors.py`` measures that read next to the query time).

Many queries are bound by arithmetic instead: the product of a batch with the matrix (a BLAS
product) costs about 50 multiply-adds a score, so selecting the best ``k`` of the scores must
cost next to nothing. :func:`topk_neighbors`, the one batched k-nearest-neighbour routine
(``WordVectors.most_similar_many``, value alignment), multiplies a batch with a block of rows
small enough that its scores stay in the core's cache, and ``topk_update`` merges them into
running top-k lists while they are there: each query's k-th best score so far is a threshold,
and a vectorised pass rejects a whole group of scores with one comparison each, so only the
rare group holding a better score is merged score by score. Threads each run their own
batches with single-threaded BLAS, so no thread waits for another between blocks.

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


#: scores per group in :func:`topk_update`: one vectorised pass counts the group's scores that
#: beat the threshold, and only a group with such a score is looked at score by score
GROUP = 64


@njit(cache=True, nogil=True, fastmath=FASTMATH, inline="always")
def _merge_group(row, lo, hi, offset, bs, bi, ex, k):
    for i in range(lo, hi):
        s = row[i]
        if s > bs[k - 1] and offset + i != ex:
            _insert(bs, bi, s, offset + i, k)


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def topk_update(block, offset, best_s, best_i, exclude):
    """Merge a block of scores (queries x rows starting at ``offset``) into running top-k
    lists; ``exclude[r]`` is a row index never selected for query r (-1 for none).

    Each query keeps its k-th best score as a threshold; a group of :data:`GROUP` scores is
    first compared with it in one vectorised pass (one comparison a score), and only a group
    holding a better score is merged one score at a time. Once the lists fill, almost every
    group is rejected by that pass, so selection costs a small fraction of the product that
    made the scores. Ties keep the smaller index (strict comparisons, rows in order), and NaN
    never beats the threshold. One thread: the caller's BLAS product uses the cores, and
    numba's worker threads would fight BLAS's spinning ones for them.
    """
    m, n = block.shape
    k = best_s.shape[1]
    full = n - n % GROUP
    for r in range(m):
        row = block[r]
        bs = best_s[r]
        bi = best_i[r]
        ex = exclude[r]
        thr = bs[k - 1]
        for lo in range(0, full, GROUP):
            hit = np.int32(0)
            for i in range(GROUP):
                hit += np.int32(row[lo + i] > thr)
            if hit:
                _merge_group(row, lo, lo + GROUP, offset, bs, bi, ex, k)
                thr = bs[k - 1]
        _merge_group(row, full, n, offset, bs, bi, ex, k)


def _workers() -> int:
    import numba

    return max(1, int(numba.get_num_threads()))


def topk_neighbors(
    mat: np.ndarray,
    rows: np.ndarray,
    k: int,
    limit: int | None = None,
    *,
    batch_size: int = 256,
    block: int = 2048,
    workers: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows of ``mat[:limit]`` with the largest dot product with ``mat[r]``, for each
    ``r`` in ``rows``, the row itself excluded: ``(indices, scores)``, both ``(len(rows), k)``,
    best first, ties by smaller index; index -1 (score -inf) where fewer rows qualify. Rows
    whose scores are NaN (vectors holding NaN or inf) are never returned.

    The queries are cut into batches of at most ``batch_size`` (fewer when that leaves a
    worker idle), handled by ``workers`` threads (default: numba's thread count). A batch is
    multiplied with one block of ``block`` rows at a time, a single-threaded BLAS product into
    a buffer that stays in the core's cache, and :func:`topk_update` merges those scores while
    they are cached, rejecting most of them with one comparison against each query's running
    k-th best. BLAS is held to one thread meanwhile (``threadpoolctl``): its own threads would
    meet at a barrier after every block and spin while the scores are merged, which on a
    loaded machine costs several times the work itself. ``mat`` should be float32 and
    C-contiguous (unit vectors give cosines).
    """
    n = mat.shape[0] if limit is None else min(int(limit), mat.shape[0])
    rows = np.asarray(rows, dtype=np.int64)
    k = max(0, int(k))
    best_s = np.full((len(rows), k), -np.inf, dtype=np.float32)
    best_i = np.full((len(rows), k), -1, dtype=np.int64)
    if k == 0 or n == 0 or len(rows) == 0:
        return best_i, best_s
    nw = _workers() if workers is None else max(1, int(workers))
    block = max(1, min(int(block), n))
    size = max(1, min(int(batch_size), -(-len(rows) // nw)))
    starts = range(0, len(rows), size)

    def run(s: int) -> None:
        b = rows[s : s + size]
        q = mat[b]
        bs, bi = best_s[s : s + len(b)], best_i[s : s + len(b)]
        buf = np.empty(len(b) * block, dtype=mat.dtype)
        for o in range(0, n, block):
            part = mat[o : min(n, o + block)]
            scores = buf[: len(b) * len(part)].reshape(len(b), len(part))
            np.matmul(q, part.T, out=scores)
            topk_update(scores, o, bs, bi, b)

    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        if nw == 1 or len(starts) == 1:
            for s in starts:
                run(s)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(nw, len(starts))) as pool:
                list(pool.map(run, starts))
    return best_i, best_s
