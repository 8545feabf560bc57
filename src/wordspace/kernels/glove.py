"""GloVe kernels: co-occurrence counting and the AdaGrad training step.

Co-occurrence counting is bucket-and-reduce over packed ``int32`` codes. A first pass over the
id array counts how many pairs each row receives; rows are then cut into blocks whose codes
fit the memory budget. For each block, one pass over the corpus scatters every pair
``(row, col, distance)`` of the block's rows as a code ``col << dbits | distance - 1`` into its
row's bucket (a counting sort by row, without any sort), and each row is then reduced with a
dense per-row accumulator into sorted CSR columns with weight ``sum(1 / distance)``. Only the
code buffer and the CSR output are in memory; never a dictionary entry per pair. Rows never
span blocks and codes keep corpus order, so any block size gives bit-identical results.

Training follows Stanford's ``glove.c`` (current master): weighted least squares
``f(X_ij) (w_i . w~_j + b_i + b~_j - log X_ij)^2`` with ``f(x) = min(1, (x / x_max)^alpha)``,
AdaGrad with squared-gradient accumulators initialised to 1, element-wise gradient clipping of
``f * diff * w`` at ``grad_clip`` before the learning rate is applied, and -- as in the C tool
-- bias steps ``f * diff / sqrt(G_b)`` without the learning rate. Records are processed in a
fused Fisher-Yates order: at step ``t`` a random record of ``[t, seg_hi)`` is swapped into
place ``t`` and trained on, so every epoch visits a fresh uniform permutation of a segment
without any extra memory. The trainer's segments are tiles (:func:`tile_records`: the
records of one slice of rows and one slice of columns), so the rows a segment touches stay in
the caches.

All functions are pure numba: arrays in, only the given arrays mutated, randomness from seeds.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

# fast-math without 'nnan'/'ninf', so that the NaN/inf guard of the training step survives;
# error_model="numpy" (no ZeroDivisionError check) lets the AdaGrad loop vectorise
_FM = {"nsz", "arcp", "contract", "afn", "reassoc"}

# int32 words per training record: row, col, log(x) bits. The weight f(x) is not stored: the
# training step computes it from log(x) (one exp), so a record takes 12 bytes instead of 16
# (the records are the largest share of the trainer's peak memory).
RECORD_WIDTH = 3


@intrinsic
def _prefetch(typingctx, arr, i, k):
    """Hint the CPU to fetch ``arr[i, k]`` into the caches (``llvm.prefetch``; no effect on
    results)."""
    sig = types.void(arr, i, k)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        idx = [
            context.cast(builder, args[1], signature.args[1], types.intp),
            context.cast(builder, args[2], signature.args[2], types.intp),
        ]
        ptr = cgutils.get_item_pointer(context, builder, aryty, ary, idx, wraparound=False)
        i8p = builder.bitcast(ptr, ir.IntType(8).as_pointer())
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p.type, i32, i32, i32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
        builder.call(fn, [i8p, i32(1), i32(3), i32(1)])  # for writing, keep, data
        return context.get_dummy_value()

    return sig, codegen


# ------------------------------------------------------------------------ co-occurrence
def code_bits(vocab_size: int, window: int) -> tuple[int, int]:
    """Bits for a column id and for ``distance - 1`` in a packed ``int32`` code."""
    cbits = max(1, int(vocab_size - 1).bit_length())
    dbits = max(1, int(window - 1).bit_length())
    return cbits, dbits


def codes_fit(vocab_size: int, window: int) -> bool:
    cbits, dbits = code_bits(vocab_size, window)
    return cbits + dbits <= 31


@njit(cache=True, nogil=True)
def row_emissions(ids, starts, window, symmetric, hist):
    """Add to ``hist[r]`` (int64, length V) the number of codes row ``r`` receives."""
    for s in range(starts.shape[0] - 1):
        a = starts[s]
        b = starts[s + 1]
        for k in range(a, b):
            n = min(window, b - 1 - k)  # right neighbours: k is their left context
            if symmetric:
                n += min(window, k - a)  # left neighbours, mirrored
            hist[ids[k]] += n


@njit(cache=True, nogil=True)
def emit_codes(ids, starts, window, symmetric, dbits, r0, r1, ptr, out):
    """Scatter the codes of rows ``[r0, r1)`` into ``out``, grouped by row.

    For each target position ``j`` and earlier word ``k`` of the same sentence with
    ``d = j - k <= window``, row ``ids[k]`` receives ``ids[j] << dbits | d - 1`` (the C tool's
    ``X[left, right]``) and, with ``symmetric``, row ``ids[j]`` receives
    ``ids[k] << dbits | d - 1``. ``ptr[r]`` is the next free slot of row ``r`` (advanced).
    Within a row, codes keep corpus order, so counting in row blocks is exact.
    """
    for s in range(starts.shape[0] - 1):
        a0 = starts[s]
        b0 = starts[s + 1]
        for j in range(a0, b0):
            b = ids[j]
            lo = max(a0, j - window)
            for k in range(j - 1, lo - 1, -1):
                a = ids[k]
                dd = j - k - 1
                if a >= r0 and a < r1:
                    out[ptr[a]] = (b << dbits) | dd
                    ptr[a] += 1
                if symmetric and b >= r0 and b < r1:
                    out[ptr[b]] = (a << dbits) | dd
                    ptr[b] += 1


@njit(cache=True, nogil=True)
def count_row_entries(codes, seg, r0, r1, dbits, mark, nnz_row):
    """Distinct columns of each row ``r`` in ``[r0, r1)``: its codes are
    ``codes[seg[r - r0]:seg[r - r0 + 1]]``; ``mark`` (int32, length V) must hold values
    outside ``[r0, r1)``. Writes ``nnz_row[r - r0]``; returns their sum."""
    total = 0
    for r in range(r0, r1):
        m = 0
        for p in range(seg[r - r0], seg[r - r0 + 1]):
            c = codes[p] >> dbits
            if mark[c] != r:
                mark[c] = r
                m += 1
        nnz_row[r - r0] = m
        total += m
    return total


@njit(cache=True, nogil=True)
def reduce_rows(
    codes, seg, r0, r1, dbits, weights, mark, acc, touched, out_ptr, indices, data, scale
):
    """Sum the weights of each row's codes per column into CSR arrays.

    Row ``r``'s entries go to ``indices/data[out_ptr[r - r0]:]`` with sorted columns;
    ``weights[d - 1]`` is the weight of distance ``d``. Sums are made in float64 (``acc``)
    and stored as ``sum / scale`` in ``data``'s dtype (float64 for exact partial sums with
    ``scale = 1``, or float32 for the final values: rounded once, as ``astype`` would).
    ``acc`` (float64) and ``touched`` (int32) are scratch arrays of length V; ``mark`` as in
    :func:`count_row_entries` (with values outside ``[r0, r1)``, e.g. -1).
    """
    V = mark.shape[0]
    dmask = (1 << dbits) - 1
    for r in range(r0, r1):
        m = 0
        for p in range(seg[r - r0], seg[r - r0 + 1]):
            code = codes[p]
            c = code >> dbits
            if mark[c] != r:
                mark[c] = r
                acc[c] = 0.0
                touched[m] = c
                m += 1
            acc[c] += weights[code & dmask]
        o = out_ptr[r - r0]
        if m * 16 > V:  # dense row: a scan is cheaper than a sort
            for c in range(V):
                if mark[c] == r:
                    indices[o] = c
                    data[o] = acc[c] / scale
                    o += 1
        else:
            t = touched[:m]
            t.sort()
            for q in range(m):
                c = t[q]
                indices[o] = c
                data[o] = acc[c] / scale
                o += 1


# ------------------------------------------------------------------------------ records
@njit(cache=True, nogil=True, fastmath=_FM, error_model="numpy")
def fill_records(indptr, indices, data, rec_i, rec_f, row0):
    """Training records from CSR rows: ``row, col, log(x)`` per non-zero.

    ``indptr`` (relative to ``indices``/``data``) describes rows ``row0, row0 + 1, ...``, so
    a matrix can be turned into records a slice of rows at a time. ``rec_i`` is an
    ``(nnz, RECORD_WIDTH)`` int32 array (one record per entry of ``indices``) and ``rec_f``
    the float32 view of the same memory; zeros and negative values must have been removed by
    the caller.
    """
    n_rows = indptr.shape[0] - 1
    for r in range(n_rows):
        for p in range(indptr[r], indptr[r + 1]):
            rec_i[p, 0] = row0 + r
            rec_i[p, 1] = indices[p]
            rec_f[p, 2] = np.float32(np.log(np.float64(data[p])))


@njit(cache=True, nogil=True, inline="always")
def weight_of_log(logx, log_x_max, alpha):
    """GloVe's weight ``f(x) = min(1, (x / x_max) ** alpha)`` from ``log(x)`` (float32):
    ``exp(alpha * (log x - log x_max))`` below ``x_max``, 1 from it on."""
    if logx >= log_x_max:
        return np.float32(1.0)
    return np.float32(np.exp(alpha * (logx - log_x_max)))


@njit(cache=True, nogil=True, inline="always")
def _next(state):
    """xorshift64* step on ``state[0]``; returns 64 random bits."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * np.uint64(0x2545F4914F6CDD1D)


@njit(cache=True, nogil=True, inline="always")
def _below(state, n):
    """Uniform integer in ``[0, n)`` for ``0 < n < 2**32`` (Lemire's multiply-shift)."""
    r = _next(state) >> np.uint64(32)
    return np.int64((r * np.uint64(n)) >> np.uint64(32))


@njit(cache=True, nogil=True, inline="always")
def _swap_records(rec_i, a, b):
    if a == b:
        return
    for q in range(RECORD_WIDTH):
        t = rec_i[a, q]
        rec_i[a, q] = rec_i[b, q]
        rec_i[b, q] = t


@njit(cache=True, nogil=True, inline="always")
def _draw(t, seg_hi, state):
    """The Fisher-Yates draw of position ``t``: a uniform slot of ``[t, seg_hi)``."""
    span = seg_hi - t
    if span > 1:
        return t + _below(state, span)
    return t


@njit(cache=True, nogil=True)
def shuffle_records(rec_i, lo, hi, state):
    """Fisher-Yates shuffle of the records ``[lo, hi)`` in place.

    The draws of the next 16 positions are made ahead and their slots prefetched, so the
    random accesses overlap; the permutation is the plain Fisher-Yates one of the draws.
    """
    K = 16
    ring = np.empty(K, dtype=np.int64)
    for p in range(lo, min(hi, lo + K)):
        ring[p % K] = _draw(p, hi, state)
    for p in range(lo, hi):
        _swap_records(rec_i, p, ring[p % K])
        q = p + K
        if q < hi:
            j = _draw(q, hi, state)
            ring[q % K] = j
            _prefetch(rec_i, j, 0)


@njit(cache=True, nogil=True, inline="always")
def _tile_of(rec_i, p, rows_per_group, n_groups):
    return (rec_i[p, 0] // rows_per_group) * n_groups + rec_i[p, 1] // rows_per_group


@njit(cache=True, nogil=True)
def tile_records(rec_i, rows_per_group, n_groups, bounds):
    """Group the records by tile in place: tile ``(row // rows_per_group, col //
    rows_per_group)`` (row-major over ``n_groups`` x ``n_groups`` tiles) takes the records
    ``bounds[tile]:bounds[tile + 1]`` (``bounds``: int64, length ``n_groups**2 + 1``, written).

    An in-place bucket sort (American flag sort): no memory beyond ``bounds``, every record
    moved at most once, and records already grouped are left where they are (so a
    checkpoint's records come back unchanged). A tile's rows and columns are two slices of
    ``rows_per_group`` words, so training a tile at a time keeps the rows it touches in the
    caches.
    """
    nb = n_groups * n_groups
    n = rec_i.shape[0]
    bounds[:] = 0
    for p in range(n):
        bounds[_tile_of(rec_i, p, rows_per_group, n_groups) + 1] += 1
    for b in range(nb):
        bounds[b + 1] += bounds[b]
    nxt = bounds[:nb].copy()
    for b in range(nb):
        end = bounds[b + 1]
        while nxt[b] < end:
            p = nxt[b]
            kk = _tile_of(rec_i, p, rows_per_group, n_groups)
            if kk == b:
                nxt[b] = p + 1
            else:
                _swap_records(rec_i, p, nxt[kk])
                nxt[kk] += 1


@njit(cache=True, nogil=True, fastmath=_FM, error_model="numpy")
def train_records(
    rec_i, rec_f, lo, hi, seg_hi, W, C, GW, GC, dim, eta, grad_clip, log_x_max, alpha, state, out
):
    """One AdaGrad step per record ``t`` in ``[lo, hi)``, in fused Fisher-Yates order.

    Before record ``t`` is trained, a uniformly chosen record of ``[t, seg_hi)`` is swapped
    into place ``t`` (``state`` is the thread's xorshift64* state; a thread owns its segment
    ``[.., seg_hi)``, so concurrent calls on disjoint segments never touch the same records).
    ``W``/``C`` hold word/context vectors with the bias in column ``dim``; ``GW``/``GC`` the
    AdaGrad accumulators of the same shape. A record's weight ``f(x)`` comes from its
    ``log(x)`` (:func:`weight_of_log` with ``log_x_max = log(x_max)`` and ``alpha``, the
    weighting exponent). ``out[0]`` += cost ``sum 0.5 f diff^2`` (float64),
    ``out[1]`` += records skipped because their error was not finite.
    """
    cost = 0.0
    skipped = 0
    ncol = W.shape[1]
    # float32 scalars: a Python float would make the update loop float64 (half the vector
    # width, and double-precision divides), where every operand it stores is float32
    eta32 = np.float32(eta)
    clip32 = np.float32(grad_clip)
    lxm32 = np.float32(log_x_max)
    alpha32 = np.float32(alpha)
    # Fisher-Yates run AHEAD steps ahead of training: at step t, record t + AHEAD is placed
    # (its slot was drawn and prefetched one step earlier) and its rows are prefetched, and
    # the slot of t + AHEAD + 1 is drawn and prefetched; then record t is trained. Draws are
    # made in position order, so cutting a segment into pieces does not change them.
    AHEAD = 3
    for p in range(lo, min(hi, lo + AHEAD)):
        _swap_records(rec_i, p, _draw(p, seg_hi, state))
    jn = _draw(lo + AHEAD, seg_hi, state) if lo + AHEAD < hi else -1
    for t in range(lo, hi):
        u = t + AHEAD
        if u < hi:
            _swap_records(rec_i, u, jn)
            if u + 1 < hi:
                jn = _draw(u + 1, seg_hi, state)
                _prefetch(rec_i, jn, 0)
            i1 = rec_i[u, 0]
            c1 = rec_i[u, 1]
            for q in range(0, ncol, 16):
                _prefetch(W, i1, q)
                _prefetch(C, c1, q)
                _prefetch(GW, i1, q)
                _prefetch(GC, c1, q)
        i = rec_i[t, 0]
        c = rec_i[t, 1]
        logx = rec_f[t, 2]
        fx = weight_of_log(logx, lxm32, alpha32)
        # no row views here: a view costs reference counting on the shared arrays
        dot = np.float32(0.0)
        for k in range(dim):
            dot += W[i, k] * C[c, k]
        diff = dot + W[i, dim] + C[c, dim] - logx
        fdiff = fx * diff
        if not (np.isfinite(diff) and np.isfinite(fdiff)):
            skipped += 1
            continue
        cost += 0.5 * np.float64(fdiff) * np.float64(diff)
        for k in range(dim):
            a = W[i, k]
            b = C[c, k]
            t1 = min(max(fdiff * b, -clip32), clip32) * eta32
            t2 = min(max(fdiff * a, -clip32), clip32) * eta32
            W[i, k] = a - t1 / np.sqrt(GW[i, k])
            C[c, k] = b - t2 / np.sqrt(GC[c, k])
            GW[i, k] += t1 * t1
            GC[c, k] += t2 * t2
        # biases: as glove.c, the step is fdiff / sqrt(G) (no learning rate)
        ui = fdiff / np.sqrt(GW[i, dim])
        uc = fdiff / np.sqrt(GC[c, dim])
        if np.isfinite(ui):
            W[i, dim] -= ui
        if np.isfinite(uc):
            C[c, dim] -= uc
        f2 = fdiff * fdiff
        GW[i, dim] += f2
        GC[c, dim] += f2
    out[0] += cost
    out[1] += skipped


@njit(cache=True, nogil=True, fastmath=_FM, error_model="numpy")
def glove_loss(rows, cols, vals, W, C, dim, x_max, alpha):
    """Total cost ``sum 0.5 f(x) (w_i . c_j + b_i + b~_j - log x)^2`` (float64) over COO
    entries (no update): for monitoring and tests."""
    total = 0.0
    for p in range(rows.shape[0]):
        i = rows[p]
        c = cols[p]
        x = np.float64(vals[p])
        dot = 0.0
        for k in range(dim):
            dot += np.float64(W[i, k]) * np.float64(C[c, k])
        diff = dot + W[i, dim] + C[c, dim] - np.log(x)
        f = 1.0 if x > x_max else (x / x_max) ** alpha
        total += 0.5 * f * diff * diff
    return total
