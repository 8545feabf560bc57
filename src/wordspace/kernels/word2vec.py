"""word2vec kernels (numba): skip-gram and CBOW with negative sampling and/or hierarchical
softmax, subsampling, dynamic windows, linearly decaying learning rate.

``train_job`` trains on a run of sentences of one int32 id array and mutates only the weight
arrays it is given (``syn0`` input vectors, ``syn1neg`` negative-sampling output vectors,
``syn1`` hierarchical-softmax inner-node vectors). It releases the GIL, so the trainer runs
several jobs at once on threads, Hogwild-style, as the C tool does. Random numbers come from
the C tool's linear congruential generator seeded per job, so a run with one worker is
bit-for-bit reproducible. Negative samples are drawn in O(1) from a Walker alias table
(``Vocabulary.noise_alias``) rather than by binary search or the C tool's 1e8-entry table;
the sigmoid is read from a 4096-bin table over [-8, 8].

Training is bound by memory latency: the rows a window touches (its context words' input
rows, the centre's and the noise words' output rows) are random rows of matrices larger than
the caches. ``train_job`` therefore collects a window's context words and draws all of its
noise words first (the same random sequence as drawing pair by pair: nothing else draws in
between), issues a prefetch for every row, and only then updates; the results are bit-for-bit
those of the pair-by-pair order (measured on wiki10m, one thread: skip-gram 1.5x, CBOW 1.45x
less CPU time). CBOW goes one word further: the next word's window and noise words are drawn
while this word trains (the same random sequence, so the same results) and their output rows
are prefetched, and only the rows a later window adds are prefetched (the word ``window``
ahead and the next centre), since the rest of a window was fetched for the words before it.

Skip-gram with shared noise words (``shared_negatives``: one draw per centre word) draws one
word ahead as CBOW does (its sequence is the same: window, then noise words). Its pairs are
fused (``_sg_shared_window``): a target's update and the next target's dot product share one
pass over the dimensions, so a pair costs one pass per target instead of two plus a copy and
a final add. When the five noise words (``negative=5``) are distinct and differ from the centre,
as they mostly are, a target's row changes only with its own update, so a pair's six dot
products do not depend on each other: ``_sg_window6`` trains a context word in ONE pass (six
output updates, the input update, and the next context word's six dot products from the rows
just written). CBOW's ``_cbow6`` does the same in two passes (dot products, then updates). Both
give the numbers of the target-by-target order up to float rounding (the order of the sums);
repeated targets, other ``negative`` values, hierarchical softmax and ``compute_loss`` take
the target-by-target path. One-thread CPU time of ``train_job`` (``bench_word2vec.py
--kernel-ab``, medians of 5 alternating rounds, loaded machine): skip-gram fused and drawing
ahead 0.61x of the pair-by-pair kernel (wiki100m's first 3M words), then six targets in one
pass 0.66x of that (together 0.40x); CBOW 0.84x (first 2M words).

The single-update functions (``sg_update``, ``cbow_update``) take their negative samples as
an argument; the tests compare them with a NumPy reference.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wordspace.kernels._intrinsics import prefetch_row as _prefetch_row

__all__ = ["train_job", "sg_update", "cbow_update", "LCG_MUL", "LCG_ADD"]

LCG_MUL = np.uint64(25214903917)
LCG_ADD = np.uint64(11)
_MASK32 = np.uint64(0xFFFFFFFF)
_SH16 = np.uint64(16)
_SH32 = np.uint64(32)


EXP_TABLE_SIZE = 4096
_SIG_MAX = np.float32(8.0)
_SIG_SCALE = np.float32(EXP_TABLE_SIZE / 16.0)
# sigmoid at the centres of EXP_TABLE_SIZE bins over [-8, 8): max error 5e-4
_SIG_TABLE = (
    1.0 / (1.0 + np.exp(-((np.arange(EXP_TABLE_SIZE) + 0.5) / EXP_TABLE_SIZE * 16.0 - 8.0)))
).astype(np.float32)


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _sigmoid(f):
    """Sigmoid from a table (as the C tool; finer: 4096 bins over [-8, 8]), 0/1 outside."""
    if f >= _SIG_MAX:
        return np.float32(1.0)
    if f <= -_SIG_MAX:
        return np.float32(0.0)
    i = np.int64((f + _SIG_MAX) * _SIG_SCALE)
    # integer clamp: stays in bounds even for NaN/inf (a diverging run must not crash)
    if i < 0:
        i = 0
    elif i >= EXP_TABLE_SIZE:
        i = EXP_TABLE_SIZE - 1
    return _SIG_TABLE[i]


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _log1pexp(x):
    """log(1 + exp(x)) in float64, safe for large |x| (loss only)."""
    x = np.float64(x)
    if x > 30.0:
        return x
    return np.log1p(np.exp(x))


@njit(cache=True, nogil=True, fastmath=True)
def _neg_update(l1, syn1neg, word, negs, n_negs, alpha, work, compute_loss):
    """Negative sampling for one (input vector ``l1``, target ``word``) pair.

    Output vectors are updated in place; the input's gradient is added to ``work``.
    Returns the loss (float64; 0 unless ``compute_loss``)."""
    return _neg_update_at(l1, syn1neg, word, negs, np.int64(0), n_negs, alpha, work, compute_loss)


@njit(cache=True, nogil=True, fastmath=True)
def _neg_update_at(l1, syn1neg, word, negs, off, n_negs, alpha, work, compute_loss):
    """``_neg_update`` with the noise words at ``negs[off:off + n_negs]``.

    Output vectors are updated in place; the input's gradient is added to ``work``.
    Returns the loss (float64; 0 unless ``compute_loss``)."""
    size = l1.shape[0]
    loss = 0.0
    for k in range(n_negs + 1):
        if k == 0:
            target = word
            label = np.float32(1.0)
        else:
            target = negs[off + k - 1]
            label = np.float32(0.0)
        f = np.float32(0.0)
        for d in range(size):
            f += l1[d] * syn1neg[target, d]
        g = (label - _sigmoid(f)) * alpha
        if compute_loss:
            loss += _log1pexp(-f) if k == 0 else _log1pexp(f)
        for d in range(size):
            work[d] += g * syn1neg[target, d]
            syn1neg[target, d] += g * l1[d]
    return loss


@njit(cache=True, nogil=True, fastmath=True)
def _hs_update(l1, syn1, code, point, length, alpha, work, compute_loss):
    """Hierarchical softmax for one (input vector ``l1``, target word's path) pair."""
    size = l1.shape[0]
    loss = 0.0
    for k in range(length):
        p = point[k]
        f = np.float32(0.0)
        for d in range(size):
            f += l1[d] * syn1[p, d]
        c = np.float32(code[k])
        g = (np.float32(1.0) - c - _sigmoid(f)) * alpha
        if compute_loss:
            # P(code) = sigmoid((1 - 2 code) f)
            loss += _log1pexp(-f) if code[k] == 0 else _log1pexp(f)
        for d in range(size):
            work[d] += g * syn1[p, d]
            syn1[p, d] += g * l1[d]
    return loss


@njit(cache=True, nogil=True, fastmath=True)
def sg_update(
    syn0,
    syn1neg,
    syn1,
    ctx,
    word,
    negs,
    n_negs,
    code,
    point,
    length,
    alpha,
    l1,
    work,
    use_neg,
    use_hs,
    compute_loss,
):
    """Skip-gram: input vector of context word ``ctx`` predicts ``word``. Returns the loss.

    ``l1`` and ``work`` are scratch vectors of length ``vector_size``."""
    return _sg_pair(
        syn0,
        syn1neg,
        syn1,
        ctx,
        word,
        negs,
        0,
        n_negs,
        code,
        point,
        length,
        alpha,
        l1,
        work,
        use_neg,
        use_hs,
        compute_loss,
    )


@njit(cache=True, nogil=True, fastmath=True)
def _sg_pair(
    syn0,
    syn1neg,
    syn1,
    ctx,
    word,
    negs,
    off,
    n_negs,
    code,
    point,
    length,
    alpha,
    l1,
    work,
    use_neg,
    use_hs,
    compute_loss,
):
    """``sg_update`` with the noise words at ``negs[off:off + n_negs]``."""
    size = syn0.shape[1]
    for d in range(size):
        l1[d] = syn0[ctx, d]
        work[d] = np.float32(0.0)
    loss = 0.0
    if use_hs:
        loss += _hs_update(l1, syn1, code, point, length, alpha, work, compute_loss)
    if use_neg:
        loss += _neg_update_at(l1, syn1neg, word, negs, off, n_negs, alpha, work, compute_loss)
    for d in range(size):
        syn0[ctx, d] += work[d]
    return loss


@njit(cache=True, nogil=True, fastmath=True)
def _sg_shared_window(
    syn0, syn1neg, ctx, n_ctx, word, negs, off, n_negs, alpha, work, compute_loss
):
    """Skip-gram with negative sampling over one window whose context words share the noise
    words ``negs[off:off + n_negs]``: for each context word in turn, exactly ``_sg_pair`` (the same
    updates in the same order), with the passes over the vectors fused. Returns the loss.

    A pair's targets are the centre ``word`` and the noise words; for each target one pass
    over the dimensions applies its update and, in the same pass, takes the next target's
    dot product (with the row as just written: a target may repeat). The first target's pass
    starts ``work`` (no zeroing pass), the last one adds ``work`` into the context word's
    input row and takes the next context word's first dot product (no copy of the input row:
    ``syn0[c]`` does not change until its pair ends). Against the unfused order: about half
    the passes over the vectors per pair."""
    if n_negs == 5 and not compute_loss and _five_distinct(negs, off):
        _sg_window6(
            syn0,
            syn1neg,
            ctx,
            n_ctx,
            word,
            negs[off],
            negs[off + 1],
            negs[off + 2],
            negs[off + 3],
            negs[off + 4],
            alpha,
        )
        return 0.0
    size = syn0.shape[1]
    nt = n_negs + 1
    loss = 0.0
    c = ctx[0]
    f = np.float32(0.0)
    for d in range(size):
        f += syn0[c, d] * syn1neg[word, d]
    for m in range(n_ctx):
        c = ctx[m]
        for k in range(nt):
            if k == 0:
                t = word
                g = (np.float32(1.0) - _sigmoid(f)) * alpha
                if compute_loss:
                    loss += _log1pexp(-f)
            else:
                t = negs[off + k - 1]
                g = -_sigmoid(f) * alpha
                if compute_loss:
                    loss += _log1pexp(f)
            fn = np.float32(0.0)
            if k + 1 < nt:
                tn = negs[off + k]
                if k == 0:
                    for d in range(size):
                        sv = syn1neg[t, d]
                        work[d] = g * sv
                        syn1neg[t, d] = sv + g * syn0[c, d]
                        fn += syn0[c, d] * syn1neg[tn, d]
                else:
                    for d in range(size):
                        sv = syn1neg[t, d]
                        work[d] += g * sv
                        syn1neg[t, d] = sv + g * syn0[c, d]
                        fn += syn0[c, d] * syn1neg[tn, d]
            else:
                cn = ctx[m + 1] if m + 1 < n_ctx else c
                if k == 0:
                    for d in range(size):
                        sv = syn1neg[t, d]
                        x = syn0[c, d]
                        syn1neg[t, d] = sv + g * x
                        syn0[c, d] = x + g * sv
                        fn += syn0[cn, d] * syn1neg[word, d]
                else:
                    for d in range(size):
                        sv = syn1neg[t, d]
                        x = syn0[c, d]
                        syn1neg[t, d] = sv + g * x
                        syn0[c, d] = x + (work[d] + g * sv)
                        fn += syn0[cn, d] * syn1neg[word, d]
            f = fn
    return loss


@njit(cache=True, nogil=True, fastmath=True)
def _sg_window6(syn0, syn1neg, ctx, n_ctx, t0, t1, t2, t3, t4, t5, alpha):
    """``_sg_shared_window`` for six distinct targets (the centre ``t0`` and five noise
    words, ``negative=5``'s usual case): one pass over the dimensions per context word.

    With distinct targets a pair's six dot products do not depend on each other's updates
    (a target's row changes only with its own update), so they are all known before the pair
    updates anything; one pass then applies the six output updates and the input update and
    takes the next context word's six dot products from the rows just written: the same
    numbers as target by target, with one pass instead of six."""
    size = syn0.shape[1]
    one = np.float32(1.0)
    c = ctx[0]
    f0 = f1 = f2 = f3 = f4 = f5 = np.float32(0.0)
    for d in range(size):
        x = syn0[c, d]
        f0 += x * syn1neg[t0, d]
        f1 += x * syn1neg[t1, d]
        f2 += x * syn1neg[t2, d]
        f3 += x * syn1neg[t3, d]
        f4 += x * syn1neg[t4, d]
        f5 += x * syn1neg[t5, d]
    for m in range(n_ctx):
        c = ctx[m]
        g0 = (one - _sigmoid(f0)) * alpha
        g1 = -_sigmoid(f1) * alpha
        g2 = -_sigmoid(f2) * alpha
        g3 = -_sigmoid(f3) * alpha
        g4 = -_sigmoid(f4) * alpha
        g5 = -_sigmoid(f5) * alpha
        f0 = f1 = f2 = f3 = f4 = f5 = np.float32(0.0)
        if m + 1 < n_ctx:
            cn = ctx[m + 1]
            for d in range(size):
                x = syn0[c, d]
                s0 = syn1neg[t0, d]
                s1 = syn1neg[t1, d]
                s2 = syn1neg[t2, d]
                s3 = syn1neg[t3, d]
                s4 = syn1neg[t4, d]
                s5 = syn1neg[t5, d]
                syn0[c, d] = x + (g0 * s0 + g1 * s1 + g2 * s2 + g3 * s3 + g4 * s4 + g5 * s5)
                s0 += g0 * x
                s1 += g1 * x
                s2 += g2 * x
                s3 += g3 * x
                s4 += g4 * x
                s5 += g5 * x
                syn1neg[t0, d] = s0
                syn1neg[t1, d] = s1
                syn1neg[t2, d] = s2
                syn1neg[t3, d] = s3
                syn1neg[t4, d] = s4
                syn1neg[t5, d] = s5
                y = syn0[cn, d]  # after the write above: the next context may be ``c`` again
                f0 += y * s0
                f1 += y * s1
                f2 += y * s2
                f3 += y * s3
                f4 += y * s4
                f5 += y * s5
        else:
            for d in range(size):
                x = syn0[c, d]
                s0 = syn1neg[t0, d]
                s1 = syn1neg[t1, d]
                s2 = syn1neg[t2, d]
                s3 = syn1neg[t3, d]
                s4 = syn1neg[t4, d]
                s5 = syn1neg[t5, d]
                syn0[c, d] = x + (g0 * s0 + g1 * s1 + g2 * s2 + g3 * s3 + g4 * s4 + g5 * s5)
                syn1neg[t0, d] = s0 + g0 * x
                syn1neg[t1, d] = s1 + g1 * x
                syn1neg[t2, d] = s2 + g2 * x
                syn1neg[t3, d] = s3 + g3 * x
                syn1neg[t4, d] = s4 + g4 * x
                syn1neg[t5, d] = s5 + g5 * x


@njit(cache=True, nogil=True, inline="always")
def _five_distinct(negs, off):
    """Whether ``negs[off:off + 5]`` are five different words."""
    t1 = negs[off]
    t2 = negs[off + 1]
    t3 = negs[off + 2]
    t4 = negs[off + 3]
    t5 = negs[off + 4]
    return (
        t1 != t2
        and t1 != t3
        and t1 != t4
        and t1 != t5
        and t2 != t3
        and t2 != t4
        and t2 != t5
        and t3 != t4
        and t3 != t5
        and t4 != t5
    )


@njit(cache=True, nogil=True, fastmath=True)
def _cbow6(syn0, syn1neg, ctx_ids, n_ctx, word, negs, off, alpha, neu1, work, cbow_mean):
    """``_cbow_at`` with negative sampling only and six distinct targets (the centre and five
    noise words): the six dot products in one pass (a target's row changes only with its
    own update, so none depends on another's), then one pass for the six output updates and
    the input gradient: the same numbers as target by target, with two passes instead of
    twelve."""
    size = syn0.shape[1]
    one = np.float32(1.0)
    t0 = word
    t1 = negs[off]
    t2 = negs[off + 1]
    t3 = negs[off + 2]
    t4 = negs[off + 3]
    t5 = negs[off + 4]
    for d in range(size):
        neu1[d] = np.float32(0.0)
    for m in range(n_ctx):
        c = ctx_ids[m]
        for d in range(size):
            neu1[d] += syn0[c, d]
    if cbow_mean:
        inv = one / np.float32(n_ctx)
        for d in range(size):
            neu1[d] *= inv
    f0 = f1 = f2 = f3 = f4 = f5 = np.float32(0.0)
    for d in range(size):
        x = neu1[d]
        f0 += x * syn1neg[t0, d]
        f1 += x * syn1neg[t1, d]
        f2 += x * syn1neg[t2, d]
        f3 += x * syn1neg[t3, d]
        f4 += x * syn1neg[t4, d]
        f5 += x * syn1neg[t5, d]
    g0 = (one - _sigmoid(f0)) * alpha
    g1 = -_sigmoid(f1) * alpha
    g2 = -_sigmoid(f2) * alpha
    g3 = -_sigmoid(f3) * alpha
    g4 = -_sigmoid(f4) * alpha
    g5 = -_sigmoid(f5) * alpha
    scale = one if cbow_mean else one / np.float32(n_ctx)
    for d in range(size):
        x = neu1[d]
        s0 = syn1neg[t0, d]
        s1 = syn1neg[t1, d]
        s2 = syn1neg[t2, d]
        s3 = syn1neg[t3, d]
        s4 = syn1neg[t4, d]
        s5 = syn1neg[t5, d]
        work[d] = (g0 * s0 + g1 * s1 + g2 * s2 + g3 * s3 + g4 * s4 + g5 * s5) * scale
        syn1neg[t0, d] = s0 + g0 * x
        syn1neg[t1, d] = s1 + g1 * x
        syn1neg[t2, d] = s2 + g2 * x
        syn1neg[t3, d] = s3 + g3 * x
        syn1neg[t4, d] = s4 + g4 * x
        syn1neg[t5, d] = s5 + g5 * x
    for m in range(n_ctx):
        c = ctx_ids[m]
        for d in range(size):
            syn0[c, d] += work[d]


@njit(cache=True, nogil=True, fastmath=True)
def cbow_update(
    syn0,
    syn1neg,
    syn1,
    ctx_ids,
    n_ctx,
    word,
    negs,
    n_negs,
    code,
    point,
    length,
    alpha,
    neu1,
    work,
    cbow_mean,
    use_neg,
    use_hs,
    compute_loss,
):
    """CBOW: the sum (or mean) of the context words' input vectors predicts ``word``; the
    input gradient goes to every context word (divided by their number when summing, as
    gensim does). Returns the loss."""
    return _cbow_at(
        syn0,
        syn1neg,
        syn1,
        ctx_ids,
        n_ctx,
        word,
        negs,
        0,
        n_negs,
        code,
        point,
        length,
        alpha,
        neu1,
        work,
        cbow_mean,
        use_neg,
        use_hs,
        compute_loss,
    )


@njit(cache=True, nogil=True, fastmath=True)
def _cbow_at(
    syn0,
    syn1neg,
    syn1,
    ctx_ids,
    n_ctx,
    word,
    negs,
    off,
    n_negs,
    code,
    point,
    length,
    alpha,
    neu1,
    work,
    cbow_mean,
    use_neg,
    use_hs,
    compute_loss,
):
    """``cbow_update`` with the noise words at ``negs[off:off + n_negs]``."""
    size = syn0.shape[1]
    if n_ctx == 0:
        return 0.0
    for d in range(size):
        neu1[d] = np.float32(0.0)
        work[d] = np.float32(0.0)
    for m in range(n_ctx):
        c = ctx_ids[m]
        for d in range(size):
            neu1[d] += syn0[c, d]
    if cbow_mean:
        inv = np.float32(1.0) / np.float32(n_ctx)
        for d in range(size):
            neu1[d] *= inv
    loss = 0.0
    if use_hs:
        loss += _hs_update(neu1, syn1, code, point, length, alpha, work, compute_loss)
    if use_neg:
        loss += _neg_update_at(neu1, syn1neg, word, negs, off, n_negs, alpha, work, compute_loss)
    if not cbow_mean:
        inv = np.float32(1.0) / np.float32(n_ctx)
        for d in range(size):
            work[d] *= inv
    for m in range(n_ctx):
        c = ctx_ids[m]
        for d in range(size):
            syn0[c, d] += work[d]
    return loss


@njit(cache=True, nogil=True, inline="always")
def _draw(thr, alias, r1, r2):
    """A noise word from the alias table, given two LCG states (O(1), no branches on data
    beyond one compare): bucket from the top 32 bits of ``r1``, coin from ``r2``."""
    n = np.uint64(thr.shape[0])
    i = np.int64(((r1 >> _SH32) * n) >> _SH32)
    u = np.int64((r2 >> _SH16) & _MASK32)
    if u < thr[i]:
        return np.int32(i)
    return alias[i]


@njit(cache=True, nogil=True, inline="always")
def _draw_negatives(thr, alias, negative, word, negs, next_random):
    """Draw ``negative`` noise words into ``negs``, skipping ``word`` itself (as the C tool).
    Returns ``(how many were kept, the new RNG state)``."""
    return _draw_negatives_at(thr, alias, negative, word, negs, 0, next_random)


@njit(cache=True, nogil=True, inline="always")
def _draw_negatives_at(thr, alias, negative, word, negs, off, next_random):
    """``_draw_negatives`` into ``negs[off:]``."""
    n = 0
    for _k in range(negative):
        r1 = next_random * LCG_MUL + LCG_ADD
        next_random = r1 * LCG_MUL + LCG_ADD
        t = _draw(thr, alias, r1, next_random)
        if t != word:
            negs[off + n] = t
            n += 1
    return n, next_random


@njit(cache=True, nogil=True, fastmath=True)
def train_job(
    ids,
    starts,
    s_begin,
    s_end,
    syn0,
    syn1neg,
    syn1,
    keep_int,
    noise_thr,
    noise_alias,
    codes,
    points,
    codelens,
    sg,
    use_hs,
    negative,
    cbow_mean,
    window,
    shrink,
    alpha0,
    alpha_span,
    gpos0,
    denom,
    seed,
    compute_loss,
    shared_negatives,
):
    """Train on sentences ``s_begin:s_end`` (``ids[starts[s]:starts[s+1]]`` each).

    ``keep_int[w]``: subsampling threshold (keep when >= a uniform 32-bit draw).
    Learning rate of a word at global position ``p = gpos0 + (its offset from
    starts[s_begin])``: ``alpha0 - alpha_span * p / denom``.
    ``shared_negatives`` (skip-gram): one draw of negative samples per centre word serves
    every context word of its window (faster; not the C tool's behaviour).
    Returns ``(words_seen, words_trained, loss, alpha at the job's last word)``.
    """
    size = syn0.shape[1]
    next_random = np.uint64(seed)
    use_neg = negative > 0
    maxlen = 1
    for s in range(s_begin, s_end):
        n = starts[s + 1] - starts[s]
        if n > maxlen:
            maxlen = n
    sent = np.empty(maxlen, dtype=np.int32)
    spos = np.empty(maxlen, dtype=np.int64)
    negs = np.empty(max(negative, 1) * 2 * window, dtype=np.int32)
    n_negs_of = np.zeros(2 * window, dtype=np.int64)
    ctx = np.empty(2 * window + 1, dtype=np.int32)
    work = np.empty(size, dtype=np.float32)
    neu1 = np.empty(size, dtype=np.float32)
    dummy_code = np.zeros(1, dtype=np.uint8)
    dummy_point = np.zeros(1, dtype=np.int32)
    base = starts[s_begin]
    words_seen = 0
    words_trained = 0
    loss = 0.0
    alpha = np.float32(alpha0)
    for s in range(s_begin, s_end):
        a = starts[s]
        b = starts[s + 1]
        words_seen += b - a
        # subsampling: keep the surviving words, remember their corpus positions
        n = 0
        for p in range(a, b):
            w = ids[p]
            next_random = next_random * LCG_MUL + LCG_ADD
            if keep_int[w] < np.int64((next_random >> _SH16) & _MASK32):
                continue
            sent[n] = w
            spos[n] = p - base
            n += 1
        words_trained += n
        # CBOW: the next word's draws (its window, then its noise words: the same sequence)
        # are made one word ahead, so that its noise rows are fetched while this word trains
        # so is skip-gram's with shared noise words (one draw per centre word, after its
        # window: the same sequence as CBOW's)
        ahead = use_neg and ((not sg) or (shared_negatives and not use_hs))
        red_nx = 0
        nn_nx = 0
        off_nx = 0
        if ahead and n > 0:
            if shrink:
                next_random = next_random * LCG_MUL + LCG_ADD
                red_nx = np.int64((next_random >> _SH16) % np.uint64(window))
            if n > 1:
                nn_nx, next_random = _draw_negatives_at(
                    noise_thr, noise_alias, negative, sent[0], negs, 0, next_random
                )
        for i in range(n):
            word = sent[i]
            alpha = np.float32(alpha0 - alpha_span * (gpos0 + spos[i]) / denom)
            if ahead:
                red = red_nx
                n_negs = nn_nx
                off = off_nx
                if i + 1 < n:
                    off_nx = negative - off
                    if shrink:
                        next_random = next_random * LCG_MUL + LCG_ADD
                        red_nx = np.int64((next_random >> _SH16) % np.uint64(window))
                    nn_nx, next_random = _draw_negatives_at(
                        noise_thr, noise_alias, negative, sent[i + 1], negs, off_nx, next_random
                    )
                    for k in range(nn_nx):
                        _prefetch_row(syn1neg, negs[off_nx + k])
            elif shrink:
                next_random = next_random * LCG_MUL + LCG_ADD
                red = np.int64((next_random >> _SH16) % np.uint64(window))
            else:
                red = 0
            lo = i - window + red
            if lo < 0:
                lo = 0
            hi = i + window + 1 - red
            if hi > n:
                hi = n
            if use_hs:
                code = codes[word]
                point = points[word]
                length = codelens[word]
            else:
                code = dummy_code
                point = dummy_point
                length = 0
            # the window's context words; their rows are fetched while the noise is drawn
            n_ctx = 0
            for j in range(lo, hi):
                if j != i:
                    ctx[n_ctx] = sent[j]
                    n_ctx += 1
            if n_ctx == 0:
                continue
            if sg and ahead:
                # the window's rows were fetched for the words before it, except at the start
                # of a sentence; a later window adds the word ``window`` ahead; the next
                # centre's output row is fetched one word ahead
                if i == 0:
                    for j in range(min(n, window + 1)):
                        _prefetch_row(syn0, sent[j])
                    _prefetch_row(syn1neg, word)
                elif i + window < n:
                    _prefetch_row(syn0, sent[i + window])
                if i + 1 < n:
                    _prefetch_row(syn1neg, sent[i + 1])
            elif sg:
                for m in range(n_ctx):
                    _prefetch_row(syn0, ctx[m])
                if use_neg:
                    _prefetch_row(syn1neg, word)
            else:
                # CBOW: a window's rows were fetched for the words before it; only the rows a
                # later window adds are new: the word ``window`` ahead (the farthest any later
                # context reaches first) and the next centre's output row
                if i == 0:
                    for j in range(min(n, window + 1)):
                        _prefetch_row(syn0, sent[j])
                    if use_neg:
                        _prefetch_row(syn1neg, word)
                elif i + window < n:
                    _prefetch_row(syn0, sent[i + window])
                if use_neg and i + 1 < n:
                    _prefetch_row(syn1neg, sent[i + 1])
            if sg and ahead:
                loss += _sg_shared_window(
                    syn0, syn1neg, ctx, n_ctx, word, negs, off, n_negs, alpha, work, compute_loss
                )
            elif sg:
                # all draws of the window first (the same RNG sequence as drawing pair by
                # pair: nothing else draws in between), so their rows can be prefetched
                n_draws = 1 if shared_negatives else n_ctx
                for m in range(n_draws):
                    cnt, next_random = _draw_negatives_at(
                        noise_thr, noise_alias, negative, word, negs, m * negative, next_random
                    )
                    n_negs_of[m] = cnt
                    for k in range(cnt):
                        _prefetch_row(syn1neg, negs[m * negative + k])
                for m in range(n_ctx):
                    q = 0 if shared_negatives else m
                    loss += _sg_pair(
                        syn0,
                        syn1neg,
                        syn1,
                        ctx[m],
                        word,
                        negs,
                        q * negative,
                        n_negs_of[q],
                        code,
                        point,
                        length,
                        alpha,
                        neu1,
                        work,
                        use_neg,
                        use_hs,
                        compute_loss,
                    )
            else:
                if not ahead:
                    off = 0
                    n_negs, next_random = _draw_negatives(
                        noise_thr, noise_alias, negative, word, negs, next_random
                    )
                    for k in range(n_negs):
                        _prefetch_row(syn1neg, negs[k])
                if n_negs == 5 and not use_hs and not compute_loss and _five_distinct(negs, off):
                    _cbow6(syn0, syn1neg, ctx, n_ctx, word, negs, off, alpha, neu1, work, cbow_mean)
                    continue
                loss += _cbow_at(
                    syn0,
                    syn1neg,
                    syn1,
                    ctx,
                    n_ctx,
                    word,
                    negs,
                    off,
                    n_negs,
                    code,
                    point,
                    length,
                    alpha,
                    neu1,
                    work,
                    cbow_mean,
                    use_neg,
                    use_hs,
                    compute_loss,
                )
    # the schedule's rate at the job's last word (whether or not subsampling kept it)
    last = starts[s_end] - 1 - base
    if last < 0:
        last = 0
    alpha = np.float32(alpha0 - alpha_span * (gpos0 + last) / denom)
    return words_seen, words_trained, loss, alpha
