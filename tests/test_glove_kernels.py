"""GloVe training kernel against a slow NumPy reference of glove.c's update."""

from __future__ import annotations

import numpy as np
import pytest

from wordspace.kernels import glove as k

D_PAD = 16  # padded row length used here (dim + 1 <= 16)


def _setup(n_words=7, dim=5, nnz=30, seed=0, big=False):
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n_words, nnz).astype(np.int32)
    cols = rng.integers(0, n_words, nnz).astype(np.int32)
    vals = rng.uniform(0.2, 300.0 if big else 150.0, nnz).astype(np.float32)
    W = np.zeros((n_words, D_PAD), np.float32)
    C = np.zeros((n_words, D_PAD), np.float32)
    W[:, : dim + 1] = rng.uniform(-0.5, 0.5, (n_words, dim + 1)) / (dim + 1)
    C[:, : dim + 1] = rng.uniform(-0.5, 0.5, (n_words, dim + 1)) / (dim + 1)
    GW = np.ones_like(W)
    GC = np.ones_like(C)
    return rows, cols, vals, W, C, GW, GC


X_MAX, ALPHA = 100.0, 0.75  # the weighting function of every test that trains records


def _records(rows, cols, vals):
    n = len(rows)
    rec_i = np.empty((n, k.RECORD_WIDTH), np.int32)
    rec_f = rec_i.view(np.float32)
    rec_i[:, 0] = rows
    rec_i[:, 1] = cols
    rec_f[:, 2] = np.log(vals.astype(np.float64))
    return rec_i, rec_f


def reference_train(rec_i, rec_f, W, C, GW, GC, dim, eta, clip, x_max=X_MAX, alpha=ALPHA):
    """glove.c's glove_thread, record by record, in float64 (f(x) from x = exp(log x))."""
    W, C, GW, GC = (a.astype(np.float64) for a in (W, C, GW, GC))
    cost = 0.0
    for t in range(len(rec_i)):
        i, c = int(rec_i[t, 0]), int(rec_i[t, 1])
        logx = float(rec_f[t, 2])
        x = np.exp(logx)
        fx = 1.0 if x > x_max else (x / x_max) ** alpha
        diff = W[i, :dim] @ C[c, :dim] + W[i, dim] + C[c, dim] - logx
        fdiff = fx * diff
        cost += 0.5 * fdiff * diff
        t1 = np.clip(fdiff * C[c, :dim], -clip, clip) * eta
        t2 = np.clip(fdiff * W[i, :dim], -clip, clip) * eta
        W[i, :dim] -= t1 / np.sqrt(GW[i, :dim])
        C[c, :dim] -= t2 / np.sqrt(GC[c, :dim])
        GW[i, :dim] += t1 * t1
        GC[c, :dim] += t2 * t2
        W[i, dim] -= fdiff / np.sqrt(GW[i, dim])
        C[c, dim] -= fdiff / np.sqrt(GC[c, dim])
        GW[i, dim] += fdiff * fdiff
        GC[c, dim] += fdiff * fdiff
    return cost, W, C, GW, GC


def _run(
    rec_i,
    rec_f,
    W,
    C,
    GW,
    GC,
    dim,
    eta,
    clip,
    lo=0,
    hi=None,
    seg_hi=0,
    seed=3,
    x_max=X_MAX,
    alpha=ALPHA,
):
    hi = len(rec_i) if hi is None else hi
    out = np.zeros(2)
    state = np.array([seed], np.uint64)
    k.train_records(
        rec_i,
        rec_f,
        lo,
        hi,
        seg_hi,
        W,
        C,
        GW,
        GC,
        dim,
        np.float32(eta),
        np.float32(clip),
        np.float32(np.log(x_max)),
        np.float32(alpha),
        state,
        out,
    )
    return out


@pytest.mark.parametrize("clip", [100.0, 0.01])
def test_train_records_matches_reference_in_order(clip):
    dim, x_max, alpha, eta = 5, 100.0, 0.6, 0.05  # values on both sides of x_max
    rows, cols, vals, W, C, GW, GC = _setup(dim=dim, big=True)
    rec_i, rec_f = _records(rows, cols, vals)
    cost_ref, W2, C2, GW2, GC2 = reference_train(
        rec_i, rec_f, W, C, GW, GC, dim, eta, clip, x_max=x_max, alpha=alpha
    )
    # seg_hi=0: no shuffle
    out = _run(rec_i, rec_f, W, C, GW, GC, dim, eta, clip, seg_hi=0, x_max=x_max, alpha=alpha)
    assert out[1] == 0
    assert out[0] == pytest.approx(cost_ref, rel=1e-4)
    np.testing.assert_allclose(W[:, : dim + 1], W2[:, : dim + 1], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(C[:, : dim + 1], C2[:, : dim + 1], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(GW[:, : dim + 1], GW2[:, : dim + 1], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(GC[:, : dim + 1], GC2[:, : dim + 1], rtol=1e-4, atol=1e-6)
    assert (W[:, dim + 1 :] == 0).all() and (GW[:, dim + 1 :] == 1).all()  # padding untouched


@pytest.mark.parametrize("clip", [100.0, 0.01])
def test_update_is_float32_whatever_the_scalars_type(clip):
    """The trainer passes the learning rate, clip and weighting as Python floats: the AdaGrad
    loop must still run in float32 (a float64 loop is half as wide and divides in double
    precision), so it gives exactly the results of float32 scalars."""
    dim, eta = 5, 0.05
    rows, cols, vals, W, C, GW, GC = _setup(dim=dim, nnz=60, big=True)
    rec_i, rec_f = _records(rows, cols, vals)
    got = []
    lxm = float(np.log(X_MAX))
    for e, c, m, a in ((eta, clip, lxm, ALPHA), (*np.float32([eta, clip, lxm, ALPHA]),)):
        Wx, Cx, GWx, GCx = W.copy(), C.copy(), GW.copy(), GC.copy()
        out = np.zeros(2)
        k.train_records(
            rec_i, rec_f, 0, len(rec_i), 0, Wx, Cx, GWx, GCx, dim, e, c, m, a,
            np.array([3], np.uint64), out,
        )  # fmt: skip
        got.append((Wx, Cx, GWx, GCx))
    assert not np.array_equal(got[0][0], W)  # it trained
    for a, b in zip(got[0], got[1], strict=True):
        np.testing.assert_array_equal(a, b)


def test_clipping_is_active():
    dim = 5
    rows, cols, vals, W, C, GW, GC = _setup(dim=dim, nnz=1)
    C[cols[0], :dim] = 50.0  # huge context vector: fdiff * c exceeds the clip value
    rec_i, rec_f = _records(rows, cols, vals)
    Wc, Cc, GWc, GCc = W.copy(), C.copy(), GW.copy(), GC.copy()
    _, W2, *_ = reference_train(rec_i, rec_f, W, C, GW, GC, dim, 0.05, 1.0)
    _, W3, *_ = reference_train(rec_i, rec_f, W, C, GW, GC, dim, 0.05, 1e9)
    assert not np.allclose(W2, W3)  # the clip matters for this record
    _run(rec_i, rec_f, Wc, Cc, GWc, GCc, dim, 0.05, 1.0)
    np.testing.assert_allclose(Wc[:, : dim + 1], W2[:, : dim + 1], rtol=1e-4, atol=1e-6)


def test_step_follows_the_gradient_of_the_loss():
    """The first AdaGrad step (G = 1) is -eta * dJ/dw for the vectors and -dJ/db for the
    biases (glove.c applies no learning rate to biases); dJ by finite differences."""
    dim, x_max, alpha, eta = 4, 10.0, 0.75, 0.05
    rows, cols, vals, W, C, GW, GC = _setup(n_words=3, dim=dim, nnz=1, seed=4)
    vals[:] = 3.0
    rec_i, rec_f = _records(rows, cols, vals)
    i, c = int(rows[0]), int(cols[0])

    def loss(Wx, Cx):
        return k.glove_loss(rows, cols, vals, Wx, Cx, dim, x_max, alpha)

    h = 1e-3
    grad_w = np.zeros(dim + 1)
    for q in range(dim + 1):
        Wp, Wm = W.astype(np.float64), W.astype(np.float64)
        Wp[i, q] += h
        Wm[i, q] -= h
        grad_w[q] = (loss(Wp, C.astype(np.float64)) - loss(Wm, C.astype(np.float64))) / (2 * h)
    W0 = W.copy()
    C0 = C.copy()
    out = _run(rec_i, rec_f, W, C, GW, GC, dim, eta, 100.0, x_max=x_max, alpha=alpha)
    assert out[0] == pytest.approx(loss(W0, C0), rel=1e-5)
    assert not np.allclose(C[c], C0[c])  # the context row moved too
    step = W0[i, : dim + 1] - W[i, : dim + 1]
    np.testing.assert_allclose(step[:dim], eta * grad_w[:dim], rtol=2e-3, atol=1e-7)
    assert step[dim] == pytest.approx(grad_w[dim], rel=2e-3)


def test_loss_matches_numpy():
    dim, x_max, alpha = 5, 50.0, 0.6
    rows, cols, vals, W, C, _, _ = _setup(dim=dim)
    Wd, Cd = W.astype(np.float64), C.astype(np.float64)
    diff = (Wd[rows, :dim] * Cd[cols, :dim]).sum(1) + Wd[rows, dim] + Cd[cols, dim] - np.log(vals)
    f = np.minimum(1.0, (vals.astype(np.float64) / x_max) ** alpha)
    expected = 0.5 * (f * diff**2).sum()
    assert k.glove_loss(rows, cols, vals, W, C, dim, x_max, alpha) == pytest.approx(
        expected, rel=1e-5
    )
    # the cost the training kernel reports is the loss before each record's own update
    rec_i, rec_f = _records(rows[:1], cols[:1], vals[:1])
    out = _run(
        rec_i, rec_f, W.copy(), C.copy(), np.ones_like(W), np.ones_like(C), dim, 0.05, 100.0,
        x_max=x_max, alpha=alpha,
    )  # fmt: skip
    assert out[0] == pytest.approx(
        k.glove_loss(rows[:1], cols[:1], vals[:1], W, C, dim, x_max, alpha), rel=1e-5
    )


def test_fused_shuffle_trains_a_permutation_in_final_order():
    """With shuffling, position t holds the record trained at step t once the call returns:
    training the reference in that order gives the same weights."""
    dim, eta = 5, 0.05
    rows, cols, vals, W, C, GW, GC = _setup(dim=dim, nnz=40)
    rec_i, rec_f = _records(rows, cols, vals)
    original = [tuple(r) for r in rec_i.tolist()]
    before = set(original)
    Wr, Cr, GWr, GCr = W.copy(), C.copy(), GW.copy(), GC.copy()
    # two pieces of one segment, as the trainer calls it
    _run(rec_i, rec_f, W, C, GW, GC, dim, eta, 100.0, lo=0, hi=17, seg_hi=40, seed=9)
    out = np.zeros(2)
    state = np.array([77], np.uint64)
    k.train_records(
        rec_i, rec_f, 17, 40, 40, W, C, GW, GC, dim, np.float32(eta), np.float32(100.0),
        np.float32(np.log(X_MAX)), np.float32(ALPHA), state, out,
    )  # fmt: skip
    after = [tuple(r) for r in rec_i.tolist()]
    assert set(after) == before and len(after) == 40
    assert after != original  # the order changed
    _, W2, C2, _, _ = reference_train(rec_i, rec_f, Wr, Cr, GWr, GCr, dim, eta, 100.0)
    np.testing.assert_allclose(W[:, : dim + 1], W2[:, : dim + 1], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(C[:, : dim + 1], C2[:, : dim + 1], rtol=1e-4, atol=1e-6)


def test_shuffle_is_seeded_and_a_permutation():
    n = 1000
    a = np.arange(n * 3, dtype=np.int32).reshape(n, 3)
    b = a.copy()
    c = a.copy()
    k.shuffle_records(a, 0, n, np.array([5], np.uint64))
    k.shuffle_records(b, 0, n, np.array([5], np.uint64))
    k.shuffle_records(c, 0, n, np.array([6], np.uint64))
    assert (a == b).all() and not (a == c).all()
    assert sorted(a[:, 0].tolist()) == list(range(0, 3 * n, 3))
    assert (a[:, 1] == a[:, 0] + 1).all() and (a[:, 2] == a[:, 0] + 2).all()  # records move whole
    # roughly uniform: the first slot's record is spread over the range
    firsts = []
    for s in range(200):
        x = np.arange(40, dtype=np.int32).repeat(3).reshape(40, 3)
        k.shuffle_records(x, 0, 40, np.array([s + 1], np.uint64))
        firsts.append(int(x[0, 0]))
    assert len(set(firsts)) > 30


def test_non_finite_error_is_skipped():
    dim = 5
    rows, cols, vals, W, C, GW, GC = _setup(dim=dim, nnz=2)
    rec_i, rec_f = _records(rows, cols, vals)
    rec_f[0, 2] = np.inf  # log x = inf: the record is skipped as the C tool does
    W0 = W.copy()
    out = _run(rec_i[:1], rec_f[:1], W, C, GW, GC, dim, 0.05, 100.0)
    assert out[1] == 1 and out[0] == 0 and (W == W0).all()


def test_fill_records_from_csr():
    import scipy.sparse as sp

    X = sp.csr_matrix(np.array([[0, 2.0, 0], [150.0, 0, 1.0], [0, 0, 0]], np.float32))
    rec_i = np.empty((X.nnz, k.RECORD_WIDTH), np.int32)
    rec_f = rec_i.view(np.float32)
    k.fill_records(X.indptr.astype(np.int64), X.indices, X.data, rec_i, rec_f, 0)
    assert rec_i[:, :2].tolist() == [[0, 1], [1, 0], [1, 2]]
    np.testing.assert_allclose(rec_f[:, 2], np.log([2.0, 150.0, 1.0]), rtol=1e-6)
    # the weight the training step derives from log x: min(1, (x / 100) ** 0.5)
    lxm, half = np.float32(np.log(100.0)), np.float32(0.5)
    fx = [k.weight_of_log(v, lxm, half) for v in rec_f[:, 2]]
    np.testing.assert_allclose(fx, [np.sqrt(0.02), 1.0, 0.1], rtol=1e-6)
    assert k.weight_of_log(np.float32(np.log(100.0)), lxm, half) == 1.0  # f(x_max) = 1
    # a slice of rows at a time (rows 1..2 only): the same records, rows numbered from row0
    part = np.empty((2, k.RECORD_WIDTH), np.int32)
    lo = X.indptr[1]
    k.fill_records(
        (X.indptr[1:] - lo).astype(np.int64),
        X.indices[lo:],
        X.data[lo:],
        part,
        part.view(np.float32),
        1,
    )
    assert (part == rec_i[1:]).all()


def test_tile_records_groups_in_place_and_keeps_grouped_records():
    rng = np.random.default_rng(4)
    n, words, rows = 5000, 37, 5
    groups = -(-words // rows)
    rec = np.empty((n, k.RECORD_WIDTH), np.int32)
    rec[:, 0] = rng.integers(0, words, n)
    rec[:, 1] = rng.integers(0, words, n)
    rec[:, 2] = np.arange(n)  # a record's identity: records must move whole
    original = rec.copy()
    before = sorted(map(tuple, rec.tolist()))
    bounds = np.empty(groups * groups + 1, np.int64)
    k.tile_records(rec, rows, groups, bounds)
    assert sorted(map(tuple, rec.tolist())) == before
    assert (rec[:, :2] == original[rec[:, 2], :2]).all()
    tile = (rec[:, 0] // rows) * groups + rec[:, 1] // rows
    expected = np.bincount(tile, minlength=groups * groups)
    assert bounds[0] == 0 and (np.diff(bounds) == expected).all()
    for b in range(groups * groups):
        assert (tile[bounds[b] : bounds[b + 1]] == b).all()
    # records already grouped (a checkpoint's, shuffled within their tiles) stay put
    k.shuffle_records(rec, int(bounds[3]), int(bounds[4]), np.array([5], np.uint64))
    again = rec.copy()
    k.tile_records(again, rows, groups, bounds)
    assert (again == rec).all()
