"""Compiled kernels for ValueVec's ranking objective and for joint (text + value) training.

CoSENT (Su 2022; sentence-transformers' ``CoSENTLoss``) over a mini-batch of pairs with
cosines ``s`` and labels ``y``::

    L = log(1 + Σ_{a, b: y_a > y_b} exp(λ·(s_b − s_a)))

It only asks that a pair with a higher label get a higher cosine, which is what a rank
measure of value alignment checks. :func:`cosent_grad` computes ``L`` and ``dL/ds`` in
``O(B log B)``: sorted by label, ``Σ exp(λ s_b)·exp(−λ s_a)`` over ordered pairs factorises
into prefix sums (ties contribute nothing), shifted by the largest exponents for range.

:func:`adam_epoch_objective` is the mini-batch sparse Adam epoch of ``kernels.valuevec`` with
the pair gradient taken from a chosen objective (0: squared error of the mapped cosine, 1:
CoSENT). :func:`value_sgd` applies the same objectives to the *unnormalised* rows of one
matrix (the word2vec input vectors) by SGD on their directions: the value half of joint
training.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wordspace.kernels.valuevec import adam_rows

MSE = 0
COSENT = 1


@njit(cache=True, nogil=True)
def cosent_grad(s, y, scale, g):
    """CoSENT loss of one batch (cosines ``s``, labels ``y``, scale ``λ``); writes
    ``dL/ds`` into ``g`` and returns ``L`` (float64). Ties in ``y`` are not ordered."""
    b = s.shape[0]
    for p in range(b):
        g[p] = 0.0
    if b < 2:
        return 0.0
    lam = np.float64(scale)
    order = np.argsort(-y.astype(np.float64), kind="mergesort")
    me = -np.inf
    mf = -np.inf
    for p in range(b):
        x = lam * np.float64(s[p])
        if x > me:
            me = x
        if -x > mf:
            mf = -x
    e = np.empty(b, dtype=np.float64)
    f = np.empty(b, dtype=np.float64)
    for p in range(b):
        x = lam * np.float64(s[p])
        e[p] = np.exp(x - me)
        f[p] = np.exp(-x - mf)
    # a[p] = Σ f over strictly higher labels; c[p] = Σ e over strictly lower labels
    a = np.zeros(b, dtype=np.float64)
    c = np.zeros(b, dtype=np.float64)
    acc = 0.0
    t = 0
    while t < b:
        u = t
        while u + 1 < b and y[order[u + 1]] == y[order[t]]:
            u += 1
        for k in range(t, u + 1):
            a[order[k]] = acc
        for k in range(t, u + 1):
            acc += f[order[k]]
        t = u + 1
    acc = 0.0
    t = b - 1
    while t >= 0:
        u = t
        while u - 1 >= 0 and y[order[u - 1]] == y[order[t]]:
            u -= 1
        for k in range(u, t + 1):
            c[order[k]] = acc
        for k in range(u, t + 1):
            acc += e[order[k]]
        t = u - 1
    total = 0.0
    for p in range(b):
        total += e[p] * a[p]
    if total == 0.0:
        return 0.0
    k = me + mf  # = λ·(max s − min s) >= 0; Σ exp(λ(s_b − s_a)) = exp(k)·total
    z = np.exp(-k) + total
    loss = k + np.log(z)
    for p in range(b):
        g[p] = lam * (e[p] * a[p] - f[p] * c[p]) / z
    return loss


@njit(cache=True, nogil=True, fastmath=True)
def _batch_sims(u_rows, v_rows, center, context, order, lo, hi, s, y, label):
    d = u_rows.shape[1]
    for t in range(lo, hi):
        p = order[t]
        u = u_rows[center[p]]
        v = v_rows[context[p]]
        acc = np.float32(0.0)
        for j in range(d):
            acc += u[j] * v[j]
        s[t - lo] = acc
        y[t - lo] = label[p]


@njit(cache=True, nogil=True)
def _objective_grad(s, y, bsz, objective, scale, g):
    """Per-pair ``dL/ds`` for one batch into ``g[:bsz]``; returns the batch loss."""
    if objective == COSENT:
        return cosent_grad(s[:bsz], y[:bsz], scale, g[:bsz])
    loss = 0.0
    for p in range(bsz):
        r = (np.float64(s[p]) + 1.0) * 0.5 - np.float64(y[p])
        loss += r * r
        g[p] = r / bsz  # d mean(r²)/ds = 2·r·(1/2)/B
    return loss / max(bsz, 1)


@njit(cache=True, nogil=True, fastmath=True)
def adam_epoch_objective(
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
    objective,
    scale,
):
    """One epoch of mini-batch sparse Adam (as ``kernels.valuevec.adam_epoch``) on unit rows,
    with ``dL/ds`` per pair from ``objective`` (``MSE``: mean squared error of the mapped
    cosine; ``COSENT``: the batch's CoSENT loss with scale ``scale``). The gradient of a pair
    on the sphere is ``dL/ds·(v − s·u)`` for ``u`` (and symmetrically for ``v``).
    Returns ``(step count, mean batch loss)``."""
    n = order.shape[0]
    d = main.shape[1]
    step = step0
    s = np.empty(batch_size, dtype=np.float32)
    y = np.empty(batch_size, dtype=np.float32)
    g = np.empty(batch_size, dtype=np.float64)
    total = 0.0
    batches = 0
    for lo in range(0, n, batch_size):
        hi = min(n, lo + batch_size)
        bsz = hi - lo
        step += 1
        batches += 1
        _batch_sims(main, ctx, center, context, order, lo, hi, s, y, label)
        total += _objective_grad(s, y, bsz, objective, scale, g)
        nt_m = 0
        nt_c = 0
        for t in range(lo, hi):
            p = order[t]
            c = center[p]
            x = context[p]
            if stamp_main[c] != step:
                stamp_main[c] = step
                touched_main[nt_m] = c
                nt_m += 1
            if stamp_ctx[x] != step:
                stamp_ctx[x] = step
                touched_ctx[nt_c] = x
                nt_c += 1
            gp = np.float32(g[t - lo])
            sp = s[t - lo]
            u = main[c]
            v = ctx[x]
            gm = state_main[c, 2]
            gc = state_ctx[x, 2]
            for j in range(d):
                gm[j] += gp * (v[j] - sp * u[j])
                gc[j] += gp * (u[j] - sp * v[j])
        a = np.float32(lr * np.sqrt(1.0 - beta2**step) / (1.0 - beta1**step))
        adam_rows(touched_main, nt_m, main, state_main, a, beta1, beta2, eps)
        adam_rows(touched_ctx, nt_c, ctx, state_ctx, a, beta1, beta2, eps)
    return step, total / max(batches, 1)


@njit(cache=True, nogil=True, fastmath=True)
def value_sgd(w, rows, center, context, label, order, lo, hi, batch_size, lr, objective, scale):
    """The value half of joint training: steps on the *directions* of unnormalised rows.

    Pairs ``order[lo:hi]`` in batches of ``batch_size``; pair ``p`` links rows
    ``rows[center[p]]`` and ``rows[context[p]]`` of ``w`` (the same matrix on both sides, so
    the vectors themselves carry the value geometry). With ``x̂ = x/‖x‖`` and
    ``s = x̂_i·x̂_j``, the row ``x_i`` moves by ``−lr·g·(x̂_j − s·x̂_i)·‖x_i‖``: the tangent
    direction of ``ds/dx̂_i`` scaled by the row's own norm, so the *angle* turned is
    ``lr·g`` whatever the norm (skip-gram changes the norms); after each batch every moved
    row is rescaled to its norm from before the batch, so value steps only rotate rows and
    the norms stay skip-gram's. ``g = dL/ds`` per pair:
    ``(s + 1)/2 − label`` for ``MSE`` (the squared error summed over pairs), the batch's
    CoSENT gradient for ``COSENT``. All gradients of a batch are computed before any row
    moves. Returns the summed batch loss."""
    d = w.shape[1]
    s = np.empty(batch_size, dtype=np.float32)
    y = np.empty(batch_size, dtype=np.float32)
    g = np.empty(batch_size, dtype=np.float64)
    nrm = np.empty(batch_size * 2, dtype=np.float32)
    delta = np.empty((batch_size * 2, d), dtype=np.float32)
    total = 0.0
    for b0 in range(lo, hi, batch_size):
        b1 = min(hi, b0 + batch_size)
        bsz = b1 - b0
        for t in range(b0, b1):
            p = order[t]
            xi = w[rows[center[p]]]
            xj = w[rows[context[p]]]
            ni = np.float32(0.0)
            nj = np.float32(0.0)
            dot = np.float32(0.0)
            for k in range(d):
                ni += xi[k] * xi[k]
                nj += xj[k] * xj[k]
                dot += xi[k] * xj[k]
            ni = np.sqrt(ni) if ni > 0 else np.float32(1.0)
            nj = np.sqrt(nj) if nj > 0 else np.float32(1.0)
            nrm[2 * (t - b0)] = ni
            nrm[2 * (t - b0) + 1] = nj
            s[t - b0] = dot / (ni * nj)
            y[t - b0] = label[p]
        loss = _objective_grad(s, y, bsz, objective, scale, g)
        if objective == MSE:  # per pair, not the batch mean
            loss *= bsz
            for q in range(bsz):
                g[q] *= bsz
        total += loss
        for t in range(b0, b1):
            p = order[t]
            q = t - b0
            xi = w[rows[center[p]]]
            xj = w[rows[context[p]]]
            ni = nrm[2 * q]
            nj = nrm[2 * q + 1]
            sp = s[q]
            gp = np.float32(g[q])
            for k in range(d):
                ui = xi[k] / ni
                uj = xj[k] / nj
                delta[2 * q, k] = -gp * (uj - sp * ui) * ni
                delta[2 * q + 1, k] = -gp * (ui - sp * uj) * nj
        a = np.float32(lr)
        for t in range(b0, b1):
            p = order[t]
            q = t - b0
            xi = w[rows[center[p]]]
            xj = w[rows[context[p]]]
            for k in range(d):
                xi[k] += a * delta[2 * q, k]
                xj[k] += a * delta[2 * q + 1, k]
        # a rotation, not a stretch: every moved row gets its norm from before the batch back
        for t in range(b0, b1):
            p = order[t]
            q = t - b0
            for r, n0 in ((rows[center[p]], nrm[2 * q]), (rows[context[p]], nrm[2 * q + 1])):
                x = w[r]
                cur = np.float32(0.0)
                for k in range(d):
                    cur += x[k] * x[k]
                if cur > 0:
                    f = n0 / np.sqrt(cur)
                    for k in range(d):
                        x[k] *= f
    return total
