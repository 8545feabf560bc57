"""The one sparse Adam row step, ``kernels.valuevec.adam_rows`` (both ValueVec objectives'
epochs use it), against a NumPy reference."""

from __future__ import annotations

import numpy as np

from wordspace.kernels import valuevec, valuevec_rank


def _reference(rows, w, state, a, b1, b2, eps):
    w, state = w.astype(np.float64), state.astype(np.float64)
    for r in rows:
        g = state[r, 2].copy()
        state[r, 0] = b1 * state[r, 0] + (1 - b1) * g
        state[r, 1] = b2 * state[r, 1] + (1 - b2) * g * g
        state[r, 2] = 0.0
        w[r] -= a * state[r, 0] / (np.sqrt(state[r, 1]) + eps)
        w[r] /= np.linalg.norm(w[r])
    return w, state


def test_adam_rows_matches_numpy_and_touches_only_its_rows():
    rng = np.random.default_rng(0)
    n, d = 7, 5
    w = rng.standard_normal((n, d)).astype(np.float32)
    state = np.abs(rng.standard_normal((n, 3, d))).astype(np.float32)
    rows = np.array([4, 1, 6, 0], dtype=np.int64)
    want_w, want_state = _reference(rows, w, state, 0.05, 0.9, 0.999, 1e-8)
    got_w, got_state = w.copy(), state.copy()
    valuevec.adam_rows(rows, 3, got_w, got_state, np.float32(0.05), 0.9, 0.999, 1e-8)
    done = rows[:3]
    np.testing.assert_allclose(got_w[done], want_w[done], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_state[done], want_state[done], rtol=1e-5, atol=1e-7)
    rest = np.setdiff1d(np.arange(n), done)  # rows[3] is past nt: untouched like the others
    np.testing.assert_array_equal(got_w[rest], w[rest])
    np.testing.assert_array_equal(got_state[rest], state[rest])


def test_one_copy():
    assert valuevec_rank.adam_rows is valuevec.adam_rows
    assert not hasattr(valuevec_rank, "_adam_rows") and not hasattr(valuevec, "_adam_rows")
