"""Word-word co-occurrence matrices (as GloVe's ``cooccur`` tool counts them), memory-bounded.

:func:`cooccurrence_matrix` turns the id array of a corpus (``Corpus.to_ids``) into a
``scipy.sparse.csr_matrix`` ``X`` with ``X[i, j] = sum over occurrences of word j with word i
at most `window` words to its left of 1 / distance`` (and the mirror image when
``symmetric``). Counting works in blocks of rows whose packed pair codes fit the ``memory``
budget (GiB, like the C tool's ``-memory``); see :mod:`wordspace.kernels.glove`.

:func:`save_cooccurrence` / :func:`load_cooccurrence` store a matrix (with its vocabulary and
how it was counted) as ``.npz`` of the COO arrays; no pickle.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from wordspace._base import is_int as _is_int
from wordspace.errors import ParameterError

__all__ = ["cooccurrence_matrix"]

logger = logging.getLogger(__name__)

_GIB = 1 << 30
# fraction of the memory budget given to the buffer of packed codes; the rest is left to the
# CSR output
_BUFFER_SHARE = 0.5
_MIN_BUFFER = 1 << 10
# The code buffer is the largest array while counting (4 bytes a pair: 2 * window per token
# when symmetric), larger than the matrix it reduces to. Above _ONE_BLOCK codes the rows are
# cut into at least _MIN_BLOCKS blocks: each costs one more pass over the id array (cheap
# next to scattering the codes), and the buffer shrinks to a fraction of the pairs while the
# number of passes stays independent of the corpus size. 8 rather than 4: on wiki100m
# (window 10) counting's peak RSS fell from 899 to 740 MB and its one-thread CPU time from
# 8.3-8.8 s to 7.7-7.8 s (a smaller buffer scatters within the caches; 12 and 16 blocks took
# 8.5 and 9.2 s).
_MIN_BLOCKS = 8
_ONE_BLOCK = 1 << 24


def cooccurrence_matrix(
    ids: np.ndarray,
    starts: np.ndarray | None,
    vocab_size: int,
    *,
    window: int = 10,
    symmetric: bool = True,
    distance_weighting: bool = True,
    memory: float = 4.0,
    progress: Callable[..., None] | None = None,
):
    """Count co-occurrences of the ids ``ids`` (``int32`` in ``[0, vocab_size)``).

    ``starts``: sentence start offsets into ``ids`` followed by ``len(ids)`` (as returned by
    ``Corpus.to_ids``); windows never cross a sentence boundary. ``None``: one sentence.
    ``symmetric=False`` counts left contexts only: ``X[i, j]`` sums over word ``i`` occurring
    before word ``j``. ``distance_weighting=False`` counts 1 per pair instead of 1/distance.
    ``memory``: GiB budget; half of it holds the buffer of 4-byte pair codes (rows are
    counted in blocks whose codes fit it; a single row larger than that gets its own block),
    and above 2**24 codes the rows are cut into at least 8 blocks (one pass over ``ids``
    each), so that the buffer holds at most about an eighth of all codes. Each block is
    reduced straight into the growing float32 output, never held twice.
    ``progress(done_blocks, total_blocks, rows=..., pairs=...)`` is called after every block.

    Returns a ``float32`` ``scipy.sparse.csr_matrix`` of shape ``(vocab_size, vocab_size)``
    with sorted indices and no explicit zeros.
    """
    import scipy.sparse as sp

    from wordspace.kernels import glove as k

    if not _is_int(window) or window < 1:
        raise ParameterError(f"window must be an integer >= 1, got {window!r}")
    if not _is_int(vocab_size) or vocab_size < 1:
        raise ParameterError(f"vocab_size must be an integer >= 1, got {vocab_size!r}")
    if not isinstance(memory, int | float) or isinstance(memory, bool) or not memory > 0:
        raise ParameterError(f"memory must be a number of GiB > 0, got {memory!r}")
    if not k.codes_fit(vocab_size, window):
        raise ParameterError(
            f"a vocabulary of {vocab_size:,} words with window {window} is too large to count "
            "(pair codes need more than 31 bits); raise min_count or lower window"
        )
    ids = np.ascontiguousarray(ids, dtype=np.int32)
    n = int(ids.shape[0])
    if starts is None:
        starts = np.array([0, n], dtype=np.int64)
    starts = np.ascontiguousarray(starts, dtype=np.int64)
    if starts.ndim != 1 or len(starts) < 1 or starts[0] != 0 or starts[-1] != n:
        raise ParameterError("starts must begin with 0 and end with len(ids)")
    if n and (int(ids.min()) < 0 or int(ids.max()) >= vocab_size):
        raise ParameterError(f"ids must lie in [0, {vocab_size}); got {ids.min()}..{ids.max()}")
    V = int(vocab_size)
    _, dbits = k.code_bits(V, window)
    t0 = time.perf_counter()
    hist = np.zeros(V, dtype=np.int64)
    k.row_emissions(ids, starts, window, bool(symmetric), hist)
    total = int(hist.sum())
    weights, scale = distance_weights(window, distance_weighting, dbits, int(hist.max(initial=0)))
    cap = _block_cap(memory, total)
    blocks = row_blocks(hist, 0, V, cap)
    if len(blocks) > 16:
        logger.warning(
            "memory=%s GiB: counting in %d row blocks, one corpus pass each; "
            "a larger memory budget is faster",
            memory,
            len(blocks),
        )
    indptr = np.zeros(V + 1, dtype=np.int64)
    # the CSR arrays grow block by block in place (realloc), so that the output is never
    # held twice (no list of pieces to concatenate); each block is reduced straight into
    # its float32 slice
    out = _GrowingCSR()

    def done(bi: int, r0: int, r1: int, nnz_row, ind_b, dat_b) -> None:
        indptr[r0 + 1 : r1 + 1] = nnz_row
        if progress is not None:
            progress(bi + 1, len(blocks), rows=r1, pairs=total)

    count_blocks(
        ids,
        starts,
        V,
        window,
        symmetric,
        dbits,
        weights,
        hist,
        blocks,
        done,
        alloc=out.extend,
        scale=scale,
    )
    np.cumsum(indptr, out=indptr)
    indices, data = out.indices, out.data
    del out
    if indptr[-1] < np.iinfo(np.int32).max:
        indptr = indptr.astype(np.int32)
    X = sp.csr_matrix((data, indices, indptr), shape=(V, V), copy=False)
    X.has_sorted_indices = True
    logger.info(
        "co-occurrence: %d tokens, %d pair codes in %d block(s) -> %d non-zeros in %.1fs",
        n,
        total,
        len(blocks),
        X.nnz,
        time.perf_counter() - t0,
    )
    return X


class _GrowingCSR:
    """``indices`` (int32) and ``data`` (float32) that grow at their end in place:
    ``ndarray.resize`` reallocates, which for large arrays remaps pages instead of copying,
    so that appending a block never holds the matrix twice. Only this object may refer to
    the arrays while they grow (the views handed out are filled before the next call)."""

    def __init__(self) -> None:
        self.indices = np.empty(0, dtype=np.int32)
        self.data = np.empty(0, dtype=np.float32)

    def extend(self, nb: int) -> tuple[np.ndarray, np.ndarray]:
        """Room for ``nb`` more entries: the two views to fill."""
        n0 = self.indices.shape[0]
        self.indices.resize(n0 + nb, refcheck=False)
        self.data.resize(n0 + nb, refcheck=False)
        return self.indices[n0:], self.data[n0:]


# Distance weights are summed as integers: weight(d) = L / d with L = lcm(1..window), held
# exactly in float64 while every sum stays below 2**53, then divided by L once. The result
# is independent of the order in which pairs are added, so partial matrices of corpus shards
# (summed exactly, in float64) give the very matrix one process counts (wordspace.distributed).
_EXACT = float(2**53)


def distance_weights(
    window: int, distance_weighting: bool, dbits: int, max_pairs: int
) -> tuple[np.ndarray, float]:
    """``(weights by distance - 1, scale)``: codes add ``weights[d - 1]``; a sum divided by
    ``scale`` is the co-occurrence value. ``max_pairs`` bounds the pairs of one entry: with
    ``scale * max_pairs`` below 2**53 the sums are exact integers (``scale > 1``); otherwise
    plain ``1 / d`` weights (``scale == 1``; sums then depend, in the last bits, on order)."""
    import math

    weights = np.ones(1 << dbits, dtype=np.float64)
    if not distance_weighting:
        return weights, 1.0
    lcm = math.lcm(*range(1, window + 1))
    if lcm * max(max_pairs, 1) < _EXACT:
        weights[:window] = lcm // np.arange(1, window + 1, dtype=np.int64)
        return weights, float(lcm)
    weights[:window] = 1.0 / np.arange(1, window + 1, dtype=np.float64)
    return weights, 1.0


def finish_sums(data: np.ndarray, scale: float) -> np.ndarray:
    """float64 sums -> float32 values (divided by ``scale``)."""
    if scale != 1.0:
        data = data / scale
    return data.astype(np.float32)


def row_blocks(hist: npt.ArrayLike, r0: int, r1: int, cap: int) -> list[tuple[int, int]]:
    """Rows ``[r0, r1)`` cut into blocks whose codes (``hist`` per row) fit ``cap`` (a single
    row larger than ``cap`` gets a block of its own)."""
    cum = np.cumsum(hist)
    blocks: list[tuple[int, int]] = []
    while r0 < r1:
        base = int(cum[r0 - 1]) if r0 else 0
        b = int(np.searchsorted(cum, base + cap, side="right"))
        b = min(max(b, r0 + 1), r1)
        blocks.append((r0, b))
        r0 = b
    return blocks


def count_blocks(
    ids, starts, V, window, symmetric, dbits, weights, hist, blocks, done, alloc=None, scale=1.0
):
    """Count the rows of each block of ``blocks`` (one corpus pass each) and hand
    ``done(block_index, r0, r1, nnz_per_row, indices, data)`` each block's CSR pieces
    (columns sorted). ``alloc(nb)`` gives the ``(indices, data)`` arrays of ``nb`` entries
    a block is reduced into, ``data`` holding ``sums / scale`` in its dtype; default: new
    int32 and float64 arrays (exact sums with ``scale=1``, for adding partials)."""
    from wordspace.kernels import glove as k

    if alloc is None:

        def alloc(nb: int) -> tuple[np.ndarray, np.ndarray]:
            return np.empty(nb, dtype=np.int32), np.empty(nb, dtype=np.float64)

    cum = np.cumsum(hist)
    biggest = max((int(cum[b - 1]) - (int(cum[a - 1]) if a else 0) for a, b in blocks), default=0)
    buf = np.empty(max(biggest, 1), dtype=np.int32)
    mark = np.full(V, -1, dtype=np.int32)
    acc = np.zeros(V, dtype=np.float64)
    touched = np.empty(V, dtype=np.int32)
    for bi, (r0, r1) in enumerate(blocks):
        seg = np.zeros(r1 - r0 + 1, dtype=np.int64)
        np.cumsum(hist[r0:r1], out=seg[1:])
        ptr = np.zeros(V, dtype=np.int64)
        ptr[r0:r1] = seg[:-1]
        k.emit_codes(ids, starts, window, bool(symmetric), dbits, r0, r1, ptr, buf)
        nnz_row = np.empty(r1 - r0, dtype=np.int64)
        nb = int(k.count_row_entries(buf, seg, r0, r1, dbits, mark, nnz_row))
        mark.fill(-1)
        out_ptr = np.zeros(r1 - r0 + 1, dtype=np.int64)
        np.cumsum(nnz_row, out=out_ptr[1:])
        ind_b, dat_b = alloc(nb)
        k.reduce_rows(
            buf,
            seg,
            r0,
            r1,
            dbits,
            weights,
            mark,
            acc,
            touched,
            out_ptr,
            ind_b,
            dat_b,
            float(scale),
        )
        mark.fill(-1)
        done(bi, r0, r1, nnz_row, ind_b, dat_b)
        del ind_b, dat_b  # alloc may reallocate the arrays these view


def buffer_codes(memory: float) -> int:
    """Codes the code buffer may hold within ``_BUFFER_SHARE`` of ``memory`` GiB (4 bytes a
    code; at least ``_MIN_BUFFER``)."""
    return max(int(memory * _GIB * _BUFFER_SHARE) // 4, _MIN_BUFFER)


def _block_cap(memory: float, total: int) -> int:
    """Codes per row block: within ``_BUFFER_SHARE`` of the ``memory`` budget, and at most
    a ``_MIN_BLOCKS``-th of all ``total`` codes once there are more than ``_ONE_BLOCK``."""
    cap = buffer_codes(memory)
    if total > _ONE_BLOCK:
        cap = min(cap, max(-(-total // _MIN_BLOCKS), _ONE_BLOCK))
    return cap


# ------------------------------------------------------------------------- persistence
