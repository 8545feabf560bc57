"""Compiled kernels for ValueVec: pair construction and the two training updates.

Pairs: :func:`build_pairs` lays out every center word's positive (window) and negative
(far end + random distant) pairs. Its random choices replay Python's ``random.sample`` exactly,
draw for draw, from a buffer of raw 32-bit Mersenne-Twister outputs, so a ``random.Random``
stream gives the same pairs as the article's row-by-row code (see ``values.ValuePairs``).

Training: :func:`pair_cosines` (cosine of every pair), :func:`averaged_step` (the article's
per-word averaged tangent update, deterministic for any thread count because each word's sum
runs over its own pairs in a fixed order) and :func:`adam_epoch` (mini-batch sparse Adam).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

# ------------------------------------------------------------------ Python-compatible sampling


@njit(cache=True, nogil=True, inline="always")
def _bit_length(m):
    k = 0
    while m > 0:
        m >>= 1
        k += 1
    return k


@njit(cache=True, nogil=True)
def _randbelow(m, buf, pos):
    """Python's ``Random._randbelow_with_getrandbits(m)`` on raw MT outputs ``buf[pos:]``.

    Returns ``(r, new_pos)``; ``r = -1`` when the buffer ran out."""
    k = _bit_length(m)
    shift = np.uint32(32 - k)
    while pos < buf.shape[0]:
        r = np.int64(buf[pos] >> shift)
        pos += 1
        if r < m:
            return r, pos
    return -1, pos


@njit(cache=True, nogil=True)
def _row_layout(i, n, window, md, n_rand, with_far, unique):
    """Counts for center ``i``: positives, the far-end index (or -1), the split of the distant
    population ``[0, a) + [b, n)``, positions excluded from it, and how many are sampled."""
    npos = 0
    for j in range(1, window + 1):
        if i - j >= 0:
            npos += 1
        if i + j < n:
            npos += 1
    far = -1
    if with_far:
        far = 0 if i > n / 2 else n - 1
    a = max(0, i - md)
    b = min(n - 1, i + md)
    m = a + (n - b)
    # positions (in the distant list) of the far word and of the center itself, when excluded
    ex0 = -1
    ex1 = -1
    if unique:
        for idx in (far, i):
            if idx < 0:
                continue
            p = -1
            if idx < a:
                p = idx
            elif idx >= b:
                p = a + (idx - b)
            if p >= 0 and p != ex0:
                if ex0 < 0:
                    ex0 = p
                else:
                    ex1 = p
        if ex0 >= 0 and ex1 >= 0 and ex1 < ex0:
            ex0, ex1 = ex1, ex0
    m_eff = m - (ex0 >= 0) - (ex1 >= 0)
    ns = min(n_rand, m_eff) if (m > 0 and n_rand > 0) else 0
    return npos, far, a, b, m_eff, ex0, ex1, ns


@njit(cache=True, nogil=True)
def build_pairs(n, window, md, n_rand, with_far, unique, setsize, buf):
    """All pairs for ``n`` words sorted by value (index 0 = highest).

    Per center ``i``: positives ``i-1, i+1, i-2, i+2 ...`` within ``window``; then the far end
    (``0 if i > n/2 else n-1``) when ``with_far``; then ``random.sample(distant, n_rand)`` with
    ``distant = range(0, max(0, i-md)) + range(min(n-1, i+md), n)``, minus the far word and
    ``i`` itself when ``unique``. ``setsize`` is ``random.sample``'s branch threshold for
    ``n_rand``. Returns ``(center, context, negative, consumed)``; ``consumed = -1`` means
    ``buf`` was too short (call again with a longer one).
    """
    counts = np.empty(n, dtype=np.int64)
    total = 0
    for i in range(n):
        npos, far, a, b, m_eff, ex0, ex1, ns = _row_layout(
            i, n, window, md, n_rand, with_far, unique
        )
        c = npos + ns + (1 if far >= 0 else 0)
        counts[i] = c
        total += c
    center = np.empty(total, dtype=np.int32)
    context = np.empty(total, dtype=np.int32)
    negative = np.zeros(total, dtype=np.bool_)
    pool = np.empty(max(setsize + 1, 1), dtype=np.int64)
    chosen = np.empty(max(n_rand, 1), dtype=np.int64)
    pos = 0
    o = 0
    for i in range(n):
        npos, far, a, b, m_eff, ex0, ex1, ns = _row_layout(
            i, n, window, md, n_rand, with_far, unique
        )
        for j in range(1, window + 1):
            if i - j >= 0:
                center[o] = i
                context[o] = i - j
                o += 1
            if i + j < n:
                center[o] = i
                context[o] = i + j
                o += 1
        if far >= 0:
            center[o] = i
            context[o] = far
            negative[o] = True
            o += 1
        if ns == 0:
            continue
        # random.sample(population of size m_eff, ns): positions 0..m_eff-1
        if m_eff <= setsize:
            for t in range(m_eff):
                pool[t] = t
            for t in range(ns):
                r, pos = _randbelow(m_eff - t, buf, pos)
                if r < 0:
                    return center, context, negative, -1
                chosen[t] = pool[r]
                pool[r] = pool[m_eff - t - 1]
        else:
            for t in range(ns):
                while True:
                    r, pos = _randbelow(m_eff, buf, pos)
                    if r < 0:
                        return center, context, negative, -1
                    dup = False
                    for q in range(t):
                        if chosen[q] == r:
                            dup = True
                            break
                    if not dup:
                        break
                chosen[t] = r
        for t in range(ns):
            p = chosen[t]
            # skip excluded positions (sorted) to get a position in the full distant list
            if ex0 >= 0 and p >= ex0:
                p += 1
            if ex1 >= 0 and p >= ex1:
                p += 1
            idx = p if p < a else b + (p - a)
            center[o] = i
            context[o] = idx
            negative[o] = True
            o += 1
    return center, context, negative, pos


# ------------------------------------------------------------------------------- training


@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def pair_cosines(main, ctx, center, context, label, sims, nchunks):
    """``sims[p] = main[center[p]] · ctx[context[p]]`` (rows are unit vectors); returns the
    mean absolute error of the mapped cosine ``(s + 1)/2`` against ``label``, summed in fixed
    chunks so the result does not depend on the number of threads."""
    n = center.shape[0]
    d = main.shape[1]
    step = (n + nchunks - 1) // nchunks
    part = np.zeros(nchunks, dtype=np.float64)
    for c in prange(nchunks):
        lo = c * step
        hi = min(n, lo + step)
        acc = 0.0
        for p in range(lo, hi):
            u = main[center[p]]
            v = ctx[context[p]]
            s = np.float32(0.0)
            for j in range(d):
                s += u[j] * v[j]
            sims[p] = s
            acc += abs((s + 1.0) * 0.5 - label[p])
        part[c] = acc
    total = 0.0
    for c in range(nchunks):
        total += part[c]
    return total / max(n, 1)


@njit(cache=True, nogil=True, fastmath=True)
def pair_cosines_serial(main, ctx, center, context, label, sims, nchunks):
    """:func:`pair_cosines` on one thread, with the same chunked sums (the same result): for
    small problems, where starting the threads costs more than the work."""
    n = center.shape[0]
    d = main.shape[1]
    step = (n + nchunks - 1) // nchunks
    part = np.zeros(nchunks, dtype=np.float64)
    for c in range(nchunks):
        lo = c * step
        hi = min(n, lo + step)
        acc = 0.0
        for p in range(lo, hi):
            u = main[center[p]]
            v = ctx[context[p]]
            s = np.float32(0.0)
            for j in range(d):
                s += u[j] * v[j]
            sims[p] = s
            acc += abs((s + 1.0) * 0.5 - label[p])
        part[c] = acc
    total = 0.0
    for c in range(nchunks):
        total += part[c]
    return total / max(n, 1)


@njit(cache=True, nogil=True)
def averaged_step(
    main, ctx, center, context, label, sims, lr, c_ptr, c_order, x_ptr, x_order, new_main, new_ctx
):
    """One epoch of the article's update, from the cosines ``sims`` of the current state.

    Per pair: ``e = 0.5 * ((s + 1)/2 - label)``; ``Δu = -lr·e·(v - s·u)`` for the center's
    main vector and ``Δv = -lr·e·(u - s·v)`` for the context's context vector. Each word's
    updates are averaged over its pairs, added, and the row re-normalised into ``new_main`` /
    ``new_ctx``. ``c_ptr/c_order`` (``x_ptr/x_order``) list each word's pairs as center
    (context), CSR-style."""
    _averaged_side(main, ctx, context, sims, label, lr, c_ptr, c_order, new_main)
    _averaged_side(ctx, main, center, sims, label, lr, x_ptr, x_order, new_ctx)


@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def _averaged_side(own, other, partner, sims, label, lr, ptr, order, out):
    """One side of :func:`averaged_step`: each row of ``own`` moves by the mean of
    ``-lr·e·(other[partner] - s·own)`` over its pairs, then is re-normalised into ``out``."""
    nw, d = own.shape
    for w in prange(nw):
        lo = ptr[w]
        hi = ptr[w + 1]
        acc = np.zeros(d, dtype=np.float32)
        u = own[w]
        for t in range(lo, hi):
            p = order[t]
            s = sims[p]
            e = np.float32(lr * 0.5) * ((s + np.float32(1.0)) * np.float32(0.5) - label[p])
            v = other[partner[p]]
            for j in range(d):
                acc[j] -= e * (v[j] - s * u[j])
        cnt = hi - lo
        nrm = np.float32(0.0)
        for j in range(d):
            x = u[j] + (acc[j] / cnt if cnt > 0 else np.float32(0.0))
            out[w, j] = x
            nrm += x * x
        nrm = np.sqrt(nrm)
        if nrm > 0:
            for j in range(d):
                out[w, j] /= nrm


@njit(cache=True, nogil=True, fastmath=True)
def adam_rows(rows, nt, w, state, a, beta1, beta2, eps):
    """Adam step for rows ``rows[:nt]`` (distinct) of ``w``; ``state[r]`` holds that row's
    first moment, second moment and accumulated gradient (zeroed here)."""
    d = w.shape[1]
    b1 = np.float32(beta1)
    b2 = np.float32(beta2)
    c1 = np.float32(1.0 - beta1)
    c2 = np.float32(1.0 - beta2)
    e = np.float32(eps)
    for t in range(nt):
        r = rows[t]
        st = state[r]
        wr = w[r]
        nrm = np.float32(0.0)
        for j in range(d):
            gj = st[2, j]
            mj = b1 * st[0, j] + c1 * gj
            vj = b2 * st[1, j] + c2 * gj * gj
            st[0, j] = mj
            st[1, j] = vj
            st[2, j] = 0.0
            x = wr[j] - a * mj / (np.sqrt(vj) + e)
            wr[j] = x
            nrm += x * x
        nrm = np.float32(1.0) / np.sqrt(nrm) if nrm > 0 else np.float32(1.0)
        for j in range(d):
            wr[j] *= nrm


@njit(cache=True, nogil=True, fastmath=True)
def adam_epoch(
    main,
    ctx,
    center,
    context,
    label,
    order,
    batch_size,
    lr,
    beta1,
    beta2,
    eps,
    state_main,
    state_ctx,
    stamp_main,
    stamp_ctx,
    touched_main,
    touched_ctx,
    step0,
):
    """One epoch of mini-batch Adam on the mapped-cosine squared error, in ``order``.

    Loss per batch: ``mean(((s + 1)/2 - label)²)`` with ``s = u·v`` for unit rows; its
    gradient on the sphere is ``(mapped - label)·(v - s·u)/B`` for ``u`` (and symmetrically for
    ``v``). Only the rows a batch touches get an Adam step (lazy/sparse Adam, bias-corrected
    with the global step count) and are re-normalised. ``state_*`` are ``(n, 3, d)``: per row
    the first and second moments and a gradient buffer (zero between batches), side by side
    so one row's state is one contiguous block. ``stamp_*`` mark rows touched in the current
    batch. Serial: a parallel region per batch costs more than it saves (and stalls badly on
    a busy machine), and the result is then trivially independent of the thread count.
    Returns the step count."""
    n = order.shape[0]
    d = main.shape[1]
    step = step0
    for lo in range(0, n, batch_size):
        hi = min(n, lo + batch_size)
        bsz = hi - lo
        step += 1
        nt_m = 0
        nt_c = 0
        for t in range(lo, hi):
            p = order[t]
            c = center[p]
            x = context[p]
            u = main[c]
            v = ctx[x]
            s = np.float32(0.0)
            for j in range(d):
                s += u[j] * v[j]
            g = ((s + np.float32(1.0)) * np.float32(0.5) - label[p]) / np.float32(bsz)
            if stamp_main[c] != step:
                stamp_main[c] = step
                touched_main[nt_m] = c
                nt_m += 1
            if stamp_ctx[x] != step:
                stamp_ctx[x] = step
                touched_ctx[nt_c] = x
                nt_c += 1
            gm = state_main[c, 2]
            gc = state_ctx[x, 2]
            for j in range(d):
                gm[j] += g * (v[j] - s * u[j])
                gc[j] += g * (u[j] - s * v[j])
        a = np.float32(lr * np.sqrt(1.0 - beta2**step) / (1.0 - beta1**step))
        adam_rows(touched_main, nt_m, main, state_main, a, beta1, beta2, eps)
        adam_rows(touched_ctx, nt_c, ctx, state_ctx, a, beta1, beta2, eps)
    return step
