"""``train_job`` (a whole job: subsampling, dynamic windows, noise draws, updates) against a
slow NumPy reference that replays the C tool's random number sequence, on a tiny corpus.

The kernel draws a window's noise words before its updates (so their rows can be prefetched);
the reference draws them pair by pair, as the C tool: both must give the same numbers.
"""

import numpy as np
import pytest

from test_word2vec_kernels import _ref_ns
from wordspace.kernels.word2vec import train_job

_MASK = (1 << 64) - 1


def _lcg(x):
    return (x * 25214903917 + 11) & _MASK


def _ref_job(
    ids,
    starts,
    syn0,
    syn1neg,
    keep_int,
    thr,
    alias,
    sg,
    negative,
    cbow_mean,
    window,
    shrink,
    alpha0,
    span,
    gpos0,
    denom,
    seed,
    shared,
):
    syn0 = syn0.astype(np.float64)
    syn1neg = syn1neg.astype(np.float64)
    nr = seed
    base = starts[0]
    trained = 0
    for s in range(len(starts) - 1):
        sent, pos = [], []
        for p in range(starts[s], starts[s + 1]):
            w = int(ids[p])
            nr = _lcg(nr)
            if keep_int[w] < ((nr >> 16) & 0xFFFFFFFF):
                continue
            sent.append(w)
            pos.append(p - base)
        trained += len(sent)
        for i, word in enumerate(sent):
            alpha = float(np.float32(alpha0 - span * (gpos0 + pos[i]) / denom))
            red = 0
            if shrink:
                nr = _lcg(nr)
                red = (nr >> 16) % window
            lo, hi = max(i - window + red, 0), min(i + window + 1 - red, len(sent))
            ctx = [sent[j] for j in range(lo, hi) if j != i]
            if not ctx:
                continue

            def draw(word=word):
                nonlocal nr
                out = []
                for _ in range(negative):
                    r1 = _lcg(nr)
                    nr = _lcg(r1)
                    b = ((r1 >> 32) * len(thr)) >> 32
                    t = b if ((nr >> 16) & 0xFFFFFFFF) < thr[b] else int(alias[b])
                    if t != word:
                        out.append(t)
                return out

            if sg:
                negs = None
                for c in ctx:
                    if negs is None or not shared:
                        negs = draw()
                    work, syn1neg, _ = _ref_ns(syn0[c], syn1neg, word, negs, alpha)
                    syn0[c] += work
            else:
                negs = draw()
                l1 = syn0[ctx].sum(axis=0)
                if cbow_mean:
                    l1 /= len(ctx)
                work, syn1neg, _ = _ref_ns(l1, syn1neg, word, negs, alpha)
                if not cbow_mean:
                    work /= len(ctx)
                for c in ctx:
                    syn0[c] += work
    return syn0, syn1neg, trained


@pytest.mark.parametrize(
    "sg,shared,cbow_mean,V",
    [
        (1, False, 1, 12),
        (1, True, 1, 12),
        (0, False, 1, 12),
        (0, False, 0, 12),
        (1, True, 1, 300),
        (0, False, 1, 300),
        (0, False, 0, 300),
    ],
)
def test_train_job_matches_reference(sg, shared, cbow_mean, V):
    # V=300: most words draw five distinct noise words (skip-gram with shared noise words:
    # one pass per context word; CBOW: two passes); V=12: repeats (target by target)
    rng = np.random.default_rng(3)
    D, window, negative = 8, 3, 5
    ids = rng.integers(0, V, 90).astype(np.int32)
    starts = np.array([0, 25, 26, 60, 90], dtype=np.int64)
    syn0 = rng.normal(0, 0.3, (V, D)).astype(np.float32)
    syn1neg = rng.normal(0, 0.3, (V, D)).astype(np.float32)
    syn1 = np.zeros((V - 1, D), np.float32)
    # subsampling drops some words (thresholds below 2**32) and keeps others
    keep_int = rng.integers(2**31, 2**32, V).astype(np.int64)
    keep_int[:3] = 2**32 - 1
    thr = rng.integers(0, 2**32, V).astype(np.int64)
    alias = rng.integers(0, V, V).astype(np.int32)
    codes, points, lens = (
        np.zeros((1, 1), np.uint8),
        np.zeros((1, 1), np.int32),
        np.zeros(1, np.int32),
    )
    args = (sg, negative, cbow_mean, window, True, 0.05, 0.04, 7, 200.0, 12345, shared)
    ref0, ref1, trained = _ref_job(ids, starts, syn0, syn1neg, keep_int, thr, alias, *args)
    a, b = syn0.copy(), syn1neg.copy()
    seen, got_trained, _, _ = train_job(
        ids,
        starts,
        0,
        len(starts) - 1,
        a,
        b,
        syn1,
        keep_int,
        thr,
        alias,
        codes,
        points,
        lens,
        sg,
        False,
        negative,
        cbow_mean,
        window,
        True,
        0.05,
        0.04,
        7,
        200.0,
        np.uint64(12345),
        False,
        shared,
    )
    assert seen == len(ids)
    assert got_trained == trained and 0 < trained < len(ids)
    assert not np.allclose(a, syn0)  # it trained
    np.testing.assert_allclose(a, ref0, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(b, ref1, rtol=1e-4, atol=1e-6)
