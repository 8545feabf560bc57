"""fastText kernels (numba): character n-grams hashed into buckets, and skip-gram / CBOW
training over word + n-gram rows with negative sampling and/or hierarchical softmax.

**Subwords.** A word ``w`` is represented by the rows of the input matrix ``wi`` listed for it:
its own row ``i`` (for vocabulary words) and, for every character n-gram of ``"<" + w + ">"``
with ``minn <= n <= maxn``, the row ``nwords + hash(ngram) % bucket``. Exactly as the official
tool (``Dictionary::computeSubwords``): n-grams are cut on UTF-8 *characters* (continuation
bytes ``10xxxxxx`` never start an n-gram and are taken along with their lead byte); an n-gram
of one character is skipped when it is the ``<`` or the ``>`` marker; duplicates are kept; the
hash is 32-bit FNV-1a over the *bytes*, with fastText's quirk that each byte is read as a
signed ``char`` and sign-extended before the xor (``h ^= uint32(int8(c))``), so bytes >= 0x80
hash differently from textbook FNV-1a. The end-of-sentence token ``</s>`` has no n-grams.

The subword lists of the whole vocabulary are computed once, before training, as CSR arrays
(``sub_ptr`` int64, ``sub_idx`` int32): the hot loops only read them.

**Training.** The hidden vector of a word is the mean of its subword rows. Skip-gram: the
centre word's hidden vector predicts each context word (as fastText and gensim do), pair by
pair as the official tool (``FastText::skipgram``, ``Model::update``): after each context word
the gradient is added to every entry of the centre word's list, and the next context word sees
the updated mean. Instead of re-reading ~20 rows per pair, the kernel moves the hidden vector
by ``gain * gradient`` (exactly what re-reading would give: ``gain = sum(m_r**2) / n``, 1 when
no row repeats, see :func:`subword_gains`) and writes the rows once per centre word with the
gradients' sum (the same sum the official tool adds one by one). CBOW: the mean of all subword
rows of all context words predicts the centre word, and the gradient is added to every one of
those rows (fastText's unsupervised update: not divided by their number). Negative sampling,
the sigmoid table, the random number generator, subsampling and the dynamic window are those
of ``kernels.word2vec`` (imported, not copied), so a run with one worker is bit-for-bit
reproducible. With the default five noise words, when the five are distinct, a skip-gram pair
touches its six output rows in two loops over the dimensions (the six dot products together,
then every update: the rows, the hidden vector, the window's gradient sum) instead of two per
row plus the per-pair passes: the same arithmetic reordered (with the draws one centre word
ahead, below: 0.69-0.78x the CPU time of the row-by-row kernel, one thread, 1M tokens of
wiki100m, loaded machine); a repeat among the five keeps the row-by-row order, where the
second copy sees the first's update. The input matrix is initialised by :func:`uniform_rows`
(uniform in ``[-1/d, 1/d)``, as the official tool; the output matrix starts at zero).

**Memory latency.** The n-gram rows are random rows of a matrix far larger than the caches
(2M x 100 float32 = 800 MB), and so, to a lesser degree, are the negative samples' output rows.
The training loop prefetches (``llvm.prefetch``, a hint with no effect on results) the subword
rows of the word the next step will read and, in skip-gram, draws the next centre word's window
and noise words one step ahead (the same random sequence) and prefetches their output rows, so
the loads overlap with arithmetic: with 2M buckets this trains as fast as with 200k.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from wordspace.kernels._intrinsics import prefetch_row
from wordspace.kernels.word2vec import (
    _MASK32,
    _SH16,
    LCG_ADD,
    LCG_MUL,
    _draw_negatives,
    _hs_update,
    _log1pexp,
    _neg_update,
    _sigmoid,
)

__all__ = [
    "ft_hash",
    "word_ngrams",
    "build_subwords",
    "sg_update",
    "cbow_update",
    "train_job",
    "compose_vectors",
    "mean_rows",
    "subword_gains",
    "uniform_rows",
]

_FNV_OFFSET = np.uint64(2166136261)
_FNV_PRIME = np.uint64(16777619)
_SIGN_EXT = np.uint64(0xFFFFFF00)
_BOW = 60  # "<"
_EOW = 62  # ">"


@njit(cache=True, nogil=True, inline="always")
def _prefetch_rows(wi, sub_ptr, sub_idx, w):
    """Prefetch every cache line of word ``w``'s subword rows."""
    for p in range(sub_ptr[w], sub_ptr[w + 1]):
        prefetch_row(wi, sub_idx[p])


@njit(cache=True, nogil=True)
def ft_hash(buf, a, b):
    """fastText's FNV-1a of ``buf[a:b]`` (uint8), each byte sign-extended as a signed char."""
    # uint64 arithmetic masked to 32 bits (numba widens uint32 products)
    h = _FNV_OFFSET
    for k in range(a, b):
        c = np.uint64(buf[k])
        if c >= 128:
            c |= _SIGN_EXT
        h = ((h ^ c) * _FNV_PRIME) & _MASK32
    return h


@njit(cache=True, nogil=True)
def word_ngrams(buf, a, b, minn, maxn, bucket, offset, out, n0):
    """Write ``offset + hash % bucket`` of every n-gram of the (already marked) word
    ``buf[a:b]`` into ``out[n0:]``; return the new count. ``out`` must hold
    ``(b - a) * maxn`` more entries (an upper bound)."""
    n_out = n0
    if maxn <= 0 or bucket <= 0:
        return n_out
    for i in range(a, b):
        if (buf[i] & 0xC0) == 0x80:
            continue
        j = i
        n = 1
        while j < b and n <= maxn:
            j += 1
            while j < b and (buf[j] & 0xC0) == 0x80:
                j += 1
            if n >= minn and not (n == 1 and (i == a or j == b)):
                out[n_out] = offset + np.int64(ft_hash(buf, i, j) % np.uint64(bucket))
                n_out += 1
            n += 1
    return n_out


@njit(cache=True)
def build_subwords(buf, offsets, no_ngrams, with_word, minn, maxn, bucket, nwords):
    """Subword rows of many words, as CSR arrays ``(ptr int64, idx int32)``.

    Word ``k`` is ``buf[offsets[k]:offsets[k+1]]``, already wrapped in ``<``/``>``. Its list
    starts with ``k`` itself when ``with_word`` (vocabulary words), followed by the bucket
    rows ``nwords + hash % bucket`` of its n-grams (none where ``no_ngrams[k]``).
    """
    n = offsets.shape[0] - 1
    ptr = np.zeros(n + 1, dtype=np.int64)
    scratch = np.empty(
        max(1, (np.int64(np.max(offsets[1:] - offsets[:-1])) if n else 1) * max(maxn, 1)),
        dtype=np.int64,
    )
    for k in range(n):
        c = 1 if with_word else 0
        if not no_ngrams[k]:
            c += word_ngrams(
                buf, offsets[k], offsets[k + 1], minn, maxn, bucket, nwords, scratch, np.int64(0)
            )
        ptr[k + 1] = ptr[k] + c
    idx = np.empty(ptr[n], dtype=np.int32)
    for k in range(n):
        p = ptr[k]
        if with_word:
            idx[p] = k
            p += 1
        if not no_ngrams[k]:
            m = word_ngrams(
                buf, offsets[k], offsets[k + 1], minn, maxn, bucket, nwords, scratch, np.int64(0)
            )
            for t in range(m):
                idx[p + t] = scratch[t]
    return ptr, idx


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True, nogil=True)
def uniform_rows(out, r0, r1, seed):
    """Fill rows ``r0:r1`` of ``out`` (float32) uniformly in ``[-1/d, 1/d)``, ``d`` its
    columns (the official tool's and gensim's initialisation of the input matrix). Each row
    has its own stream (an LCG seeded by splitmix64 of ``(seed, row)``), so the result does
    not depend on how rows are split between threads."""
    d = out.shape[1]
    scale = np.float32(2.0) / np.float32(d)
    lo = np.float32(1.0) / np.float32(d)
    unit = np.float32(1.0 / 16777216.0)  # 2**-24: the top 24 bits give a float32 in [0, 1)
    for r in range(r0, r1):
        z = np.uint64(seed) ^ (np.uint64(r) * _GOLDEN)
        z = z + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        state = z ^ (z >> np.uint64(31))
        for k in range(d):
            state = state * LCG_MUL + LCG_ADD
            u = np.float32(state >> np.uint64(40)) * unit
            out[r, k] = u * scale - lo


@njit(cache=True)
def subword_gains(sub_ptr, sub_idx):
    """For each word, how far the mean of its subword rows moves per unit of a gradient added
    to every entry of its list: ``sum(m_r**2) / len(list)`` over its distinct rows ``r`` of
    multiplicity ``m_r`` (1.0 when no row repeats). Lets skip-gram follow the official
    tool's per-pair updates without re-reading the rows (``sg_update``)."""
    n = sub_ptr.shape[0] - 1
    out = np.ones(n, dtype=np.float32)
    for w in range(n):
        a = sub_ptr[w]
        b = sub_ptr[w + 1]
        if b <= a:
            continue
        same = 0
        for p in range(a, b):
            r = sub_idx[p]
            for q in range(a, b):
                if sub_idx[q] == r:
                    same += 1
        out[w] = np.float32(same / (b - a))
    return out


@njit(cache=True, nogil=True, fastmath=True)
def _hidden(wi, sub_ptr, sub_idx, w, h, add):
    """``h`` (+)= sum of word ``w``'s subword rows; returns how many rows were summed."""
    size = wi.shape[1]
    if not add:
        for d in range(size):
            h[d] = np.float32(0.0)
    a = sub_ptr[w]
    b = sub_ptr[w + 1]
    for p in range(a, b):
        r = sub_idx[p]
        for d in range(size):
            h[d] += wi[r, d]
    return b - a


@njit(cache=True, nogil=True, fastmath=True)
def _add_rows(wi, sub_ptr, sub_idx, w, work):
    size = wi.shape[1]
    for p in range(sub_ptr[w], sub_ptr[w + 1]):
        r = sub_idx[p]
        for d in range(size):
            wi[r, d] += work[d]


@njit(cache=True, nogil=True, fastmath=True)
def mean_rows(wi, rows, out):
    """``out`` = mean of ``wi[rows]`` (zeros when ``rows`` is empty): an OOV word's vector."""
    size = wi.shape[1]
    for d in range(size):
        out[d] = np.float32(0.0)
    n = rows.shape[0]
    for p in range(n):
        r = rows[p]
        for d in range(size):
            out[d] += wi[r, d]
    if n > 0:
        inv = np.float32(1.0) / np.float32(n)
        for d in range(size):
            out[d] *= inv


@njit(cache=True, nogil=True, fastmath=True)
def compose_vectors(wi, sub_ptr, sub_idx, out):
    """``out[k]`` = mean of word ``k``'s subword rows of ``wi``, for every word."""
    n = out.shape[0]
    size = wi.shape[1]
    for k in range(n):
        a = sub_ptr[k]
        b = sub_ptr[k + 1]
        for d in range(size):
            out[k, d] = np.float32(0.0)
        for p in range(a, b):
            r = sub_idx[p]
            for d in range(size):
                out[k, d] += wi[r, d]
        if b > a:
            inv = np.float32(1.0) / np.float32(b - a)
            for d in range(size):
                out[k, d] *= inv


@njit(cache=True, nogil=True, inline="always")
def _distinct5(negs):
    """Whether the five noise words ``negs[:5]`` are all different."""
    for a in range(4):
        for b in range(a + 1, 5):
            if negs[a] == negs[b]:
                return False
    return True


@njit(cache=True, nogil=True, fastmath=True)
def _sg_pair6(h, wo, target, negs, alpha, gain, work, compute_loss):
    """One skip-gram pair by negative sampling alone, for a target and five *distinct* noise
    words (the default ``negative=5``), the six output rows in one pass each: their six dot
    products in one loop over the dimensions, then one loop that updates the rows, moves the
    hidden vector by ``gain`` times the pair's gradient and adds that gradient to ``work``.
    With distinct rows this is ``_neg_update`` and ``sg_update``'s per-pair step reordered (no
    row's update is read by another row's dot). Returns the loss."""
    size = h.shape[0]
    r0 = wo[target]
    r1 = wo[negs[0]]
    r2 = wo[negs[1]]
    r3 = wo[negs[2]]
    r4 = wo[negs[3]]
    r5 = wo[negs[4]]
    f0 = np.float32(0.0)
    f1 = np.float32(0.0)
    f2 = np.float32(0.0)
    f3 = np.float32(0.0)
    f4 = np.float32(0.0)
    f5 = np.float32(0.0)
    for d in range(size):
        x = h[d]
        f0 += x * r0[d]
        f1 += x * r1[d]
        f2 += x * r2[d]
        f3 += x * r3[d]
        f4 += x * r4[d]
        f5 += x * r5[d]
    one = np.float32(1.0)
    g0 = (one - _sigmoid(f0)) * alpha
    g1 = -_sigmoid(f1) * alpha
    g2 = -_sigmoid(f2) * alpha
    g3 = -_sigmoid(f3) * alpha
    g4 = -_sigmoid(f4) * alpha
    g5 = -_sigmoid(f5) * alpha
    loss = 0.0
    if compute_loss:
        loss = (
            _log1pexp(-f0) + _log1pexp(f1) + _log1pexp(f2) + _log1pexp(f3) + _log1pexp(f4)
            + _log1pexp(f5)
        )  # fmt: skip
    for d in range(size):
        x = h[d]
        a0 = r0[d]
        a1 = r1[d]
        a2 = r2[d]
        a3 = r3[d]
        a4 = r4[d]
        a5 = r5[d]
        gd = g0 * a0 + g1 * a1 + g2 * a2 + g3 * a3 + g4 * a4 + g5 * a5
        h[d] = x + gain * gd
        work[d] += gd
        r0[d] = a0 + g0 * x
        r1[d] = a1 + g1 * x
        r2[d] = a2 + g2 * x
        r3[d] = a3 + g3 * x
        r4[d] = a4 + g4 * x
        r5[d] = a5 + g5 * x
    return loss


@njit(cache=True, nogil=True, fastmath=True)
def sg_update(
    wi,
    wo,
    syn1,
    sub_ptr,
    sub_idx,
    gains,
    word,
    targets,
    n_targets,
    negs,
    n_negs,
    codes,
    points,
    codelens,
    alpha,
    h,
    work,
    gt,
    use_neg,
    use_hs,
    compute_loss,
):
    """Skip-gram for one centre ``word``: its hidden vector predicts ``targets[:n_targets]``
    (negatives of target ``t`` in ``negs[t, :n_negs[t]]``), pair after pair as the official
    tool: the hidden vector each target sees includes the updates of the targets before it.
    The rows themselves are written once, with the gradients' sum (same result: each row
    receives the same sum). Returns the loss."""
    size = wi.shape[1]
    ns = _hidden(wi, sub_ptr, sub_idx, word, h, False)
    if ns == 0 or n_targets == 0:
        return 0.0
    inv = np.float32(1.0) / np.float32(ns)
    for d in range(size):
        h[d] *= inv
        work[d] = np.float32(0.0)
    loss = 0.0
    gain = gains[word]
    for t in range(n_targets):
        target = targets[t]
        if use_neg and not use_hs and n_negs[t] == 5 and _distinct5(negs[t]):
            loss += _sg_pair6(h, wo, target, negs[t], alpha, gain, work, compute_loss)
            continue
        for d in range(size):
            gt[d] = np.float32(0.0)
        if use_hs:
            loss += _hs_update(
                h, syn1, codes[target], points[target], codelens[target], alpha, gt, compute_loss
            )
        if use_neg:
            loss += _neg_update(h, wo, target, negs[t], n_negs[t], alpha, gt, compute_loss)
        # the official tool adds gt to every subword row now and recomputes the mean for the
        # next target: the mean moves by exactly gain * gt (gains: see subword_gains)
        for d in range(size):
            h[d] += gain * gt[d]
            work[d] += gt[d]
    _add_rows(wi, sub_ptr, sub_idx, word, work)
    return loss


@njit(cache=True, nogil=True, fastmath=True)
def cbow_update(
    wi,
    wo,
    syn1,
    sub_ptr,
    sub_idx,
    ctx,
    n_ctx,
    word,
    negs,
    n_negs,
    code,
    point,
    length,
    alpha,
    h,
    work,
    cbow_mean,
    use_neg,
    use_hs,
    compute_loss,
):
    """CBOW: the mean (or sum) of every subword row of the context words ``ctx[:n_ctx]``
    predicts ``word``; the gradient goes to each of those rows (divided by their number only
    when summing). Returns the loss."""
    size = wi.shape[1]
    for d in range(size):
        h[d] = np.float32(0.0)
        work[d] = np.float32(0.0)
    rows = 0
    for m in range(n_ctx):
        rows += _hidden(wi, sub_ptr, sub_idx, ctx[m], h, True)
    if rows == 0:
        return 0.0
    inv = np.float32(1.0) / np.float32(rows)
    if cbow_mean:
        for d in range(size):
            h[d] *= inv
    loss = 0.0
    if use_hs:
        loss += _hs_update(h, syn1, code, point, length, alpha, work, compute_loss)
    if use_neg:
        loss += _neg_update(h, wo, word, negs, n_negs, alpha, work, compute_loss)
    if not cbow_mean:
        for d in range(size):
            work[d] *= inv
    for m in range(n_ctx):
        _add_rows(wi, sub_ptr, sub_idx, ctx[m], work)
    return loss


@njit(cache=True, nogil=True, inline="always")
def _sg_window(
    wo,
    sent,
    n,
    i,
    window,
    shrink,
    use_neg,
    negative,
    noise_thr,
    noise_alias,
    ctx,
    negs,
    n_negs,
    next_random,
):
    """Skip-gram's draws for centre ``i`` of ``sent[:n]``: its window (the shrink draw), its
    context words into ``ctx`` and, for each of them, the noise words into ``negs[t]``
    (``n_negs[t]`` kept), in the order a pair-by-pair loop draws them; every output row they
    name is prefetched. Returns ``(n_ctx, next_random)``."""
    if shrink:
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
    n_ctx = 0
    for j in range(lo, hi):
        if j != i:
            ctx[n_ctx] = sent[j]
            n_ctx += 1
    if n_ctx > 0 and use_neg:
        for t in range(n_ctx):
            prefetch_row(wo, ctx[t])
            k, next_random = _draw_negatives(
                noise_thr, noise_alias, negative, ctx[t], negs[t], next_random
            )
            n_negs[t] = k
            for q in range(k):
                prefetch_row(wo, negs[t, q])
    return n_ctx, next_random


@njit(cache=True, nogil=True, fastmath=True)
def train_job(
    ids,
    starts,
    s_begin,
    s_end,
    wi,
    wo,
    syn1,
    sub_ptr,
    sub_idx,
    gains,
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
):
    """Train on sentences ``s_begin:s_end`` (``ids[starts[s]:starts[s+1]]`` each), as
    ``kernels.word2vec.train_job`` (same subsampling, window, schedule and random numbers).

    Skip-gram draws one centre word ahead: the window and noise words of centre ``i + 1``
    are drawn (and their output rows, like its subword rows, prefetched) before centre ``i``
    is trained. Nothing else draws in between, so the random sequence, and the result, are
    those of drawing each centre's numbers just before its updates; the loads of the next
    centre's rows overlap this centre's arithmetic.

    Returns ``(words_seen, words_trained, loss, alpha at the job's last word)``.
    """
    size = wi.shape[1]
    next_random = np.uint64(seed)
    use_neg = negative > 0
    maxlen = 1
    for s in range(s_begin, s_end):
        n = starts[s + 1] - starts[s]
        if n > maxlen:
            maxlen = n
    sent = np.empty(maxlen, dtype=np.int32)
    spos = np.empty(maxlen, dtype=np.int64)
    # two sets of window buffers: the centre being trained and the next one (skip-gram)
    negs2 = np.empty((2, 2 * window + 1, max(negative, 1)), dtype=np.int32)
    n_negs2 = np.zeros((2, 2 * window + 1), dtype=np.int64)
    ctx2 = np.empty((2, 2 * window + 1), dtype=np.int32)
    n_ctx2 = np.zeros(2, dtype=np.int64)
    work = np.empty(size, dtype=np.float32)
    h = np.empty(size, dtype=np.float32)
    gt = np.empty(size, dtype=np.float32)
    base = starts[s_begin]
    words_seen = 0
    words_trained = 0
    loss = 0.0
    alpha = np.float32(alpha0)
    for s in range(s_begin, s_end):
        a = starts[s]
        b = starts[s + 1]
        words_seen += b - a
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
        if sg:
            if n > 0:
                n_ctx2[0], next_random = _sg_window(
                    wo, sent, n, 0, window, shrink, use_neg, negative, noise_thr,
                    noise_alias, ctx2[0], negs2[0], n_negs2[0], next_random,
                )  # fmt: skip
            for i in range(n):
                cur = i & 1
                if i + 1 < n:  # the next centre's draws and rows, fetched meanwhile
                    nx = 1 - cur
                    _prefetch_rows(wi, sub_ptr, sub_idx, sent[i + 1])
                    n_ctx2[nx], next_random = _sg_window(
                        wo, sent, n, i + 1, window, shrink, use_neg, negative, noise_thr,
                        noise_alias, ctx2[nx], negs2[nx], n_negs2[nx], next_random,
                    )  # fmt: skip
                n_ctx = n_ctx2[cur]
                if n_ctx == 0:
                    continue
                alpha = np.float32(alpha0 - alpha_span * (gpos0 + spos[i]) / denom)
                loss += sg_update(
                    wi,
                    wo,
                    syn1,
                    sub_ptr,
                    sub_idx,
                    gains,
                    sent[i],
                    ctx2[cur],
                    n_ctx,
                    negs2[cur],
                    n_negs2[cur],
                    codes,
                    points,
                    codelens,
                    alpha,
                    h,
                    work,
                    gt,
                    use_neg,
                    use_hs,
                    compute_loss,
                )
            continue
        ctx = ctx2[0]
        negs = negs2[0]
        for i in range(n):
            word = sent[i]
            alpha = np.float32(alpha0 - alpha_span * (gpos0 + spos[i]) / denom)
            if shrink:
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
            # the rows the next step will read, fetched while this one computes
            nxt = i + window + 1
            if nxt < n:
                _prefetch_rows(wi, sub_ptr, sub_idx, sent[nxt])
            n_ctx = np.int64(0)  # typed, not Literal[int](0): cbow_update compiles once
            for j in range(lo, hi):
                if j != i:
                    ctx[n_ctx] = sent[j]
                    n_ctx += 1
            if n_ctx == 0:
                continue
            if use_hs:
                code = codes[word]
                point = points[word]
                length = codelens[word]
            else:
                code = codes[0]
                point = points[0]
                length = 0
            k = np.int64(0)
            if use_neg:
                k, next_random = _draw_negatives(
                    noise_thr, noise_alias, negative, word, negs[0], next_random
                )
                for q in range(k):
                    prefetch_row(wo, negs[0, q])
            loss += cbow_update(
                wi,
                wo,
                syn1,
                sub_ptr,
                sub_idx,
                ctx,
                n_ctx,
                word,
                negs[0],
                k,
                code,
                point,
                length,
                alpha,
                h,
                work,
                cbow_mean,
                use_neg,
                use_hs,
                compute_loss,
            )
    last = starts[s_end] - 1 - base
    if last < 0:
        last = 0
    alpha = np.float32(alpha0 - alpha_span * (gpos0 + last) / denom)
    return words_seen, words_trained, loss, alpha
