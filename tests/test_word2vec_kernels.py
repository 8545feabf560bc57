"""The word2vec update kernels against a slow NumPy reference, on tiny inputs."""

import numpy as np
import pytest

from wordspace.kernels.word2vec import _SIG_TABLE, EXP_TABLE_SIZE, cbow_update, sg_update


def _sig_exact(x):
    return 1.0 / (1.0 + np.exp(-x))


def _sig(x):
    """The kernels' sigmoid: a 4096-bin table over [-8, 8], 0/1 outside."""
    if x >= 8:
        return 1.0
    if x <= -8:
        return 0.0
    assert abs(_SIG_TABLE[int((x + 8) * EXP_TABLE_SIZE / 16)] - _sig_exact(x)) < 1e-3
    return float(_SIG_TABLE[int((x + 8) * EXP_TABLE_SIZE / 16)])


def _ref_ns(l1, syn1neg, word, negs, alpha):
    """Reference negative-sampling step: returns (grad for input, new syn1neg, loss)."""
    syn1neg = syn1neg.astype(np.float64).copy()
    l1 = l1.astype(np.float64)
    work = np.zeros_like(l1)
    loss = 0.0
    for k, (t, label) in enumerate([(word, 1.0)] + [(n, 0.0) for n in negs]):
        f = l1 @ syn1neg[t]
        g = (label - _sig(f)) * alpha
        loss += -np.log(_sig_exact(f)) if k == 0 else -np.log(_sig_exact(-f))
        work += g * syn1neg[t]
        syn1neg[t] += g * l1
    return work, syn1neg, loss


def _ref_hs(l1, syn1, code, point, alpha):
    syn1 = syn1.astype(np.float64).copy()
    l1 = l1.astype(np.float64)
    work = np.zeros_like(l1)
    loss = 0.0
    for c, p in zip(code.astype(np.float64), point, strict=True):
        f = l1 @ syn1[p]
        g = (1.0 - c - _sig(f)) * alpha
        loss += -np.log(_sig_exact(f * (1 - 2 * c)))
        work += g * syn1[p]
        syn1[p] += g * l1
    return work, syn1, loss


@pytest.fixture
def weights():
    rng = np.random.default_rng(7)
    V, D = 7, 5
    syn0 = rng.normal(0, 0.5, (V, D)).astype(np.float32)
    syn1neg = rng.normal(0, 0.5, (V, D)).astype(np.float32)
    syn1 = rng.normal(0, 0.5, (V - 1, D)).astype(np.float32)
    return syn0, syn1neg, syn1


def test_skipgram_negative_sampling(weights):
    syn0, syn1neg, syn1 = weights
    ctx, word, negs, alpha = 2, 4, np.array([0, 6, 0], np.int32), 0.1
    work_ref, syn1neg_ref, loss_ref = _ref_ns(syn0[ctx], syn1neg, word, negs, alpha)
    syn0_ref = syn0.astype(np.float64).copy()
    syn0_ref[ctx] += work_ref
    work = np.zeros(5, np.float32)
    nothing = np.zeros(1, np.uint8), np.zeros(1, np.int32)
    loss = sg_update(
        syn0,
        syn1neg,
        syn1,
        ctx,
        word,
        negs,
        3,
        nothing[0],
        nothing[1],
        0,
        np.float32(alpha),
        np.zeros(5, np.float32),
        work,
        True,
        False,
        True,
    )
    np.testing.assert_allclose(syn0, syn0_ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(syn1neg, syn1neg_ref, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(loss_ref, rel=1e-5)


def test_skipgram_hierarchical_softmax_and_both(weights):
    syn0, syn1neg, syn1 = weights
    ctx, word, alpha = 1, 3, 0.05
    code = np.array([1, 0, 1], np.uint8)
    point = np.array([5, 2, 0], np.int32)
    negs = np.array([6, 5], np.int32)
    w_hs, syn1_ref, l_hs = _ref_hs(syn0[ctx], syn1, code, point, alpha)
    w_ns, syn1neg_ref, l_ns = _ref_ns(syn0[ctx], syn1neg, word, negs, alpha)
    syn0_ref = syn0.astype(np.float64).copy()
    syn0_ref[ctx] += w_hs + w_ns
    work = np.zeros(5, np.float32)
    loss = sg_update(
        syn0,
        syn1neg,
        syn1,
        ctx,
        word,
        negs,
        2,
        code,
        point,
        3,
        np.float32(alpha),
        np.zeros(5, np.float32),
        work,
        True,
        True,
        True,
    )
    np.testing.assert_allclose(syn1, syn1_ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(syn1neg, syn1neg_ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(syn0, syn0_ref, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(l_hs + l_ns, rel=1e-5)


@pytest.mark.parametrize("cbow_mean", [1, 0])
def test_cbow_negative_sampling(weights, cbow_mean):
    syn0, syn1neg, syn1 = weights
    ctx = np.array([0, 2, 5, 2], np.int32)  # a repeated context word gets both updates
    word, negs, alpha = 3, np.array([1, 6], np.int32), 0.1
    h = syn0[ctx].astype(np.float64).sum(axis=0)
    if cbow_mean:
        h /= len(ctx)
    work_ref, syn1neg_ref, loss_ref = _ref_ns(h, syn1neg, word, negs, alpha)
    if not cbow_mean:
        work_ref /= len(ctx)
    syn0_ref = syn0.astype(np.float64).copy()
    for c in ctx:
        syn0_ref[c] += work_ref
    neu1 = np.zeros(5, np.float32)
    work = np.zeros(5, np.float32)
    nothing = np.zeros(1, np.uint8), np.zeros(1, np.int32)
    loss = cbow_update(
        syn0,
        syn1neg,
        syn1,
        ctx,
        4,
        word,
        negs,
        2,
        nothing[0],
        nothing[1],
        0,
        np.float32(alpha),
        neu1,
        work,
        cbow_mean,
        True,
        False,
        True,
    )
    np.testing.assert_allclose(syn0, syn0_ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(syn1neg, syn1neg_ref, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(loss_ref, rel=1e-5)
