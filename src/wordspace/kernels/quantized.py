"""Exact top-k from a reduced-precision scan (int8 or float16 codes of the unit vectors).

A query reads the codes instead of the float32 matrix (a quarter or half of the bytes), bounds
every row's exact score from above and below, and re-ranks in float32 only the rows that may
belong to the exact top-k. The result is the float32 scan's top-k by proof, not by luck:

- **int8**, one scale per row ``s_i = max_j |x_ij| / 127``: ``|x_ij - s_i c_ij| <= s_i / 2``, so
  the approximate score ``a_i = s_i (c_i . q)`` is within ``e_i = s_i ||q||_1 / 2`` of ``x_i . q``.
- **float16**: each component is rounded with a relative error of at most ``2**-11`` (or by
  ``2**-25`` absolutely where it is subnormal), so for a unit row ``|x_i . q - a_i| <= 2**-11
  + 2**-25 ||q||_1``; the same formula with ``s_i = 1``.

Both add ``g = 4 d 2**-24`` for float32 summation (the scan's and the float32 scores'). With
``lo_i = a_i - e_i - g`` and ``up_i = a_i + e_i + g``, let ``T`` be the k-th largest ``lo_i``:
``k`` rows score at least ``T``, so every row of the exact top-k has ``up_i >= T``. Each chunk of
the parallel scan keeps its k best lower bounds so far (a short sorted list) and records, with
its upper bound, every row whose upper bound reaches the chunk's k-th best lower bound at that
moment: that running threshold only grows and never exceeds ``T``, so every row with
``up_i >= T`` is recorded, and after the first block few others are (no n-sized array of upper
bounds is written, and no serial pass reads one). The candidates are the recorded rows with
``up_i >= T``, re-ranked with float32 scores. The
candidate count is not fixed but follows from the bounds: on GloVe 6B 50d it is a few dozen
for int8 and about ``k`` for float16; a crowd of near-duplicates makes it larger, never wrong.
There is no retry and no fallback.

Layout: rows in blocks of :data:`BLOCK`, each stored column-major (``(d, BLOCK)``), so the
inner loop runs over the block's rows with a fixed trip count and vectorises (one SIMD
accumulator per 16 rows, two dimensions an iteration), where a row-major dot product of
``d = 50`` would leave most of it to the scalar remainder. The last block is padded; padded
rows and rows holding NaN/inf have a NaN scale and are never selected (every comparison with
NaN is false). float16 codes are widened by bit arithmetic (numba has no float16): the bits
shifted into a float32 are the value divided by ``2**112``, so the query is multiplied by
``2**112`` instead, which also keeps subnormal float16 values exact. The shifted bits become a
float32 through an LLVM ``bitcast`` (:func:`_as_float32`) inside the multiply-add loop, which
then vectorises as the int8 one does (through a buffer of widened codes it did not: 27 to 77 ms
against 3.4 ms a scan of 400,000 x 50).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.extending import intrinsic

from wordspace.kernels.topk import FASTMATH

#: rows per block: the inner loop's trip count (a multiple of the widest SIMD register's lanes)
BLOCK = 128
#: rows per block for float16 (the layout of format version 2; a multiple of the SIMD lanes)
BLOCK_F16 = 64


def pack_int8(unit: np.ndarray, bad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Blocked int8 codes ``(nblocks, d, BLOCK)`` and the per-row scales (NaN: never selected)
    of the float32 unit matrix; ``bad``: rows holding NaN/inf."""
    n, d = unit.shape
    nb = -(-n // BLOCK)
    scale = np.full(nb * BLOCK, np.nan, dtype=np.float32)
    codes = np.zeros((nb * BLOCK, d), dtype=np.int8)
    step = 65536
    for lo in range(0, n, step):
        u = np.asarray(unit[lo : lo + step], dtype=np.float32)
        with np.errstate(invalid="ignore"):
            amax = np.max(np.abs(u), axis=1) if d else np.zeros(len(u), np.float32)
        s = np.where(np.isfinite(amax) & (amax > 0), amax, np.float32(1)) / np.float32(127)
        with np.errstate(invalid="ignore"):
            c = np.rint(np.nan_to_num(u) / s[:, None])
        codes[lo : lo + len(u)] = np.clip(c, -127, 127)
        scale[lo : lo + len(u)] = s
    if len(bad):
        scale[bad] = np.nan
    blocks = np.ascontiguousarray(codes.reshape(nb, BLOCK, d).transpose(0, 2, 1))
    return blocks, scale


def pack_f16(unit: np.ndarray, bad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Blocked float16 codes (their bits, ``(nblocks, d, BLOCK_F16)`` uint16) and the row
    flags (1, or NaN: never selected) of the float32 unit matrix."""
    n, d = unit.shape
    nb = -(-n // BLOCK_F16)
    scale = np.full(nb * BLOCK_F16, np.nan, dtype=np.float32)
    scale[:n] = 1
    if len(bad):
        scale[bad] = np.nan
    codes = np.zeros((nb * BLOCK_F16, d), dtype=np.float16)
    with np.errstate(invalid="ignore", over="ignore"):
        codes[:n] = np.nan_to_num(np.asarray(unit, dtype=np.float32))
    blocks = codes.view(np.uint16).reshape(nb, BLOCK_F16, d).transpose(0, 2, 1)
    return np.ascontiguousarray(blocks), scale


@njit(cache=True, nogil=True, fastmath=FASTMATH, inline="always")
def _bounds(acc, scale, base, h, g, upb, low, bs, bi, k, cu, cidx, cnt):  # pragma: no cover
    # a block's bounds: the rows whose upper bound reaches the chunk's k-th best lower bound
    # so far join the chunk's candidates (that threshold only grows and never exceeds the
    # final one, so every row of the exact top-k joins), the lower bounds merge into the
    # chunk's k best; returns the chunk's candidate count
    nb = acc.shape[0]
    thr = bs[k - 1]
    hit = np.int32(0)
    join = np.int32(0)
    for r in range(nb):
        s = scale[base + r]
        a = acc[r] * s
        e = s * h + g
        upb[r] = a + e
        low[r] = a - e
        hit += np.int32(low[r] > thr)
        join += np.int32(upb[r] >= thr)
    if join:
        for r in range(nb):
            if upb[r] >= thr:
                cu[cnt] = upb[r]
                cidx[cnt] = base + r
                cnt += 1
    if hit:
        for r in range(nb):
            v = low[r]
            if v > bs[k - 1]:
                j = k - 1
                while j > 0 and bs[j - 1] < v:
                    bs[j] = bs[j - 1]
                    bi[j] = bi[j - 1]
                    j -= 1
                bs[j] = v
                bi[j] = base + r
    return cnt


@njit(cache=True, nogil=True, parallel=True, fastmath=FASTMATH)
def scan_int8(blocks, scale, q, h, g, k, nchunks, cu, cidx):  # pragma: no cover - compiled
    """Each chunk's ``k`` best lower bounds (``(nchunks, k)`` scores and rows) and candidates
    for the int8 blocks of :func:`pack_int8`: chunk ``c`` writes the upper bounds and rows of
    its candidates to ``cu``/``cidx`` (room for every row) from ``starts[c]``, ``counts[c]``
    of them. Returns ``(cs, ci, starts, counts)``."""
    nblk, d, bw = blocks.shape
    cs = np.full((nchunks, k), -np.inf, dtype=np.float32)
    ci = np.full((nchunks, k), -1, dtype=np.int64)
    step = (nblk + nchunks - 1) // nchunks
    starts = np.arange(nchunks) * (step * BLOCK)
    counts = np.zeros(nchunks, dtype=np.int64)
    dd = d - d % 2
    for c in prange(nchunks):
        acc = np.empty(BLOCK, dtype=np.float32)
        low = np.empty(BLOCK, dtype=np.float32)
        upb = np.empty(BLOCK, dtype=np.float32)
        bs = cs[c]
        bi = ci[c]
        cnt = starts[c]
        for b in range(c * step, min(nblk, c * step + step)):
            for r in range(BLOCK):
                acc[r] = 0.0
            for j in range(0, dd, 2):
                q0 = q[j]
                q1 = q[j + 1]
                for r in range(BLOCK):
                    acc[r] += (
                        np.float32(blocks[b, j, r]) * q0 + np.float32(blocks[b, j + 1, r]) * q1
                    )
            for j in range(dd, d):
                q0 = q[j]
                for r in range(BLOCK):
                    acc[r] += np.float32(blocks[b, j, r]) * q0
            cnt = _bounds(acc, scale, b * BLOCK, h, g, upb, low, bs, bi, k, cu, cidx, cnt)
        counts[c] = cnt - starts[c]
    return cs, ci, starts, counts


@intrinsic
def _as_float32(typingctx, bits):  # pragma: no cover - compiled
    """The float32 whose bits are the low 32 of the unsigned integer ``bits`` (LLVM's
    ``trunc`` and ``bitcast``: no memory, no instruction once vectorised), so a float16 code
    widens inside the multiply-add loop (numba types ``uint32 << uint32`` as uint64)."""
    if not isinstance(bits, types.Integer) or bits.signed or bits.bitwidth < 32:
        return None

    def codegen(context, builder, signature, args):
        v = args[0]
        if bits.bitwidth > 32:
            v = builder.trunc(v, ir.IntType(32))
        return builder.bitcast(v, ir.FloatType())

    return types.float32(bits), codegen


@njit(cache=True, nogil=True, parallel=True, fastmath=FASTMATH)
def scan_f16(blocks, scale, q112, h, g, k, nchunks, cu, cidx):  # pragma: no cover - compiled
    """:func:`scan_int8` for the float16 blocks of :func:`pack_f16`; ``q112``: the query times
    ``2**112``. Each code widens in registers: its bits shifted into a float32 are the value
    divided by ``2**112`` (sign, then exponent and mantissa moved into place)."""
    nblk, d, bw = blocks.shape
    cs = np.full((nchunks, k), -np.inf, dtype=np.float32)
    ci = np.full((nchunks, k), -1, dtype=np.int64)
    step = (nblk + nchunks - 1) // nchunks
    starts = np.arange(nchunks) * (step * BLOCK_F16)
    counts = np.zeros(nchunks, dtype=np.int64)
    for c in prange(nchunks):
        acc = np.empty(BLOCK_F16, dtype=np.float32)
        low = np.empty(BLOCK_F16, dtype=np.float32)
        upb = np.empty(BLOCK_F16, dtype=np.float32)
        bs = cs[c]
        bi = ci[c]
        cnt = starts[c]
        for b in range(c * step, min(nblk, c * step + step)):
            for r in range(BLOCK_F16):
                acc[r] = 0.0
            for j in range(d):
                q0 = q112[j]
                for r in range(BLOCK_F16):
                    hb = np.uint32(blocks[b, j, r])
                    x = _as_float32(
                        ((hb & np.uint32(0x8000)) << np.uint32(16))
                        | ((hb & np.uint32(0x7FFF)) << np.uint32(13))
                    )
                    acc[r] += x * q0
            cnt = _bounds(acc, scale, b * BLOCK_F16, h, g, upb, low, bs, bi, k, cu, cidx, cnt)
        counts[c] = cnt - starts[c]
    return cs, ci, starts, counts


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def select_exact(cs, ci, starts, counts, cu, cidx, unit, q, k, cand):  # pragma: no cover
    """The exact float32 top-k from a scan's output: the threshold ``T`` (the k-th best lower
    bound), the chunks' candidates with ``up >= T`` re-scored from ``unit``
    (``s += unit[i, j] * q[j]``) and the best ``k`` by score, ties by index (``cand``: scratch
    room for the candidates). Returns ``(rows, scores, candidates)``, best first; rows whose
    float32 score is NaN are dropped."""
    # the k-th best lower bound over all chunks
    best = np.full(k, -np.inf, dtype=np.float32)
    for c in range(cs.shape[0]):
        for t in range(k):
            v = cs[c, t]
            if ci[c, t] >= 0 and v > best[k - 1]:
                j = k - 1
                while j > 0 and best[j - 1] < v:
                    best[j] = best[j - 1]
                    j -= 1
                best[j] = v
    thr = best[k - 1]
    cnt = 0
    for c in range(starts.shape[0]):  # chunks in row order, each ascending: rows ascend
        for t in range(starts[c], starts[c] + counts[c]):
            if cu[t] >= thr:
                cand[cnt] = cidx[t]
                cnt += 1
    rows, scores = rerank(unit, cand[:cnt], q, k)
    return rows, scores, cnt


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def rerank(unit, cand, q, k):  # pragma: no cover - compiled
    """The best ``k`` of the rows ``cand`` (ascending; -1 and repeats skipped) by float32 score
    ``s += unit[i, j] * q[j]``, ties by index, best first; NaN scores dropped."""
    d = unit.shape[1]
    out_s = np.full(k, -np.inf, dtype=np.float32)
    out_i = np.full(k, -1, dtype=np.int64)
    prev = -1
    for i in cand:  # ascending: a later row enters only with a strictly better score
        if i <= prev:
            continue
        prev = i
        s = np.float32(0.0)
        for j in range(d):
            s += unit[i, j] * q[j]
        if s > out_s[k - 1]:
            j = k - 1
            while j > 0 and out_s[j - 1] < s:
                out_s[j] = out_s[j - 1]
                out_i[j] = out_i[j - 1]
                j -= 1
            out_s[j] = s
            out_i[j] = i
    m = 0
    while m < k and out_i[m] >= 0:
        m += 1
    return out_i[:m], out_s[:m]


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def rerank_keys(unit, keys, count, q, k):  # pragma: no cover - compiled
    """:func:`rerank` of the first ``count`` of an index's ``keys`` (unsigned, any order): the
    best ``k`` by float32 score, ties by index, best first."""
    cand = np.empty(count, dtype=np.int64)
    for t in range(count):
        cand[t] = np.int64(keys[t])
    cand.sort()
    return rerank(unit, cand, q, k)
