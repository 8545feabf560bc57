"""kernels/deltas.py (the row exchange of data-parallel training) against NumPy references,
and the merge of a round's deltas against its plain definition."""

from __future__ import annotations

import numpy as np
import pytest

from wordspace.distributed._word2vec import _distinct, _merge_rows
from wordspace.kernels.deltas import add_rows, take_changed


def _pair(seed=0, n=40, d=7):
    rng = np.random.default_rng(seed)
    sync = rng.standard_normal((n, d)).astype(np.float32)
    work = sync.copy()
    touched = rng.choice(n, size=n // 3, replace=False)
    work[touched] += rng.standard_normal((len(touched), d)).astype(np.float32) * 1e-3
    work[touched[0], 0] = np.nan  # a NaN differs, as in NumPy
    work[touched[1]] = sync[touched[1]]  # touched but unchanged
    return work, sync


@pytest.mark.parametrize("absolute", [False, True])
@pytest.mark.parametrize("use_all", [False, True])
def test_take_changed_matches_numpy(absolute, use_all):
    work, sync = _pair()
    cand = np.arange(0, 40, 2, dtype=np.int64) if not use_all else np.zeros(0, np.int64)
    look = np.arange(40) if use_all else cand
    diff = np.any(work[look] != sync[look], axis=1)
    want_rows = look[diff].astype(np.int32)
    want = work[want_rows] if absolute else work[want_rows] - sync[want_rows]
    before = work.copy()
    rows, vals = take_changed(work, sync, cand, use_all, absolute)
    assert rows.dtype == np.int32 and vals.dtype == np.float32
    np.testing.assert_array_equal(rows, want_rows)
    np.testing.assert_array_equal(vals, want)  # bit for bit (NaN where NaN)
    np.testing.assert_array_equal(work[rows], sync[rows])  # set back
    other = np.setdiff1d(np.arange(40), rows)
    np.testing.assert_array_equal(work[other], before[other])  # nothing else touched


@pytest.mark.parametrize("absolute", [False, True])
def test_add_rows_matches_numpy(absolute):
    rng = np.random.default_rng(1)
    W = rng.standard_normal((30, 5)).astype(np.float32)
    rows = np.array([3, 0, 29, 17], np.int32)
    vals = rng.standard_normal((4, 5)).astype(np.float32)
    want = W.copy()
    if absolute:
        want[rows] = vals
    else:
        want[rows] += vals
    add_rows(W, rows, vals, absolute)
    np.testing.assert_array_equal(W, want)


def test_distinct_is_unique():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 50, size=300).astype(np.int32)
    np.testing.assert_array_equal(_distinct(x, 50), np.unique(x))
    np.testing.assert_array_equal(_distinct(x), np.unique(x))  # bound unknown
    assert _distinct(np.zeros(0, np.int32), 10).size == 0


@pytest.mark.parametrize("merge", ["average", "frequency"])
def test_merge_rows_is_the_plain_definition(merge):
    """Sum of the parts' deltas per row (in part order), divided by K (average) or by the
    row's expected occurrences clipped to [1, K] (frequency)."""
    rng = np.random.default_rng(3)
    K, n, d = 3, 25, 4
    rows_list = [np.sort(rng.choice(n, size=8, replace=False)).astype(np.int32) for _ in range(K)]
    deltas = [rng.standard_normal((8, d)).astype(np.float32) for _ in range(K)]
    expected = rng.uniform(0, 5, size=n)
    rows, step = _merge_rows(rows_list, deltas, merge, expected)
    want_rows = np.unique(np.concatenate(rows_list))
    np.testing.assert_array_equal(rows, want_rows)
    acc = {int(r): np.zeros(d, np.float32) for r in want_rows}
    for rl, dl in zip(rows_list, deltas, strict=True):
        for r, v in zip(rl, dl, strict=True):
            acc[int(r)] = acc[int(r)] + v
    for i, r in enumerate(want_rows):
        div = K if merge == "average" else np.clip(expected[r], 1.0, K)
        if merge == "average":
            want = acc[int(r)] * np.float32(1.0 / K)
        else:
            want = acc[int(r)] / np.float32(div)
        np.testing.assert_array_equal(step[i], want)


@pytest.mark.parametrize("merge", ["average", "frequency", "by_parts"])
@pytest.mark.parametrize("K", [2, 3])
def test_merge_add_is_merge_then_add_bit_for_bit(merge, K):
    """The fused merge (workers merging a round themselves) adds to both copies exactly what
    the merged step of _merge_rows adds with add_rows: rows some part changed only, a row
    in one part, in several, a -0.0 delta, a NaN."""
    from wordspace.kernels.deltas import merge_add

    rng = np.random.default_rng(4 + K)
    n, d = 30, 5
    rows_list = [np.sort(rng.choice(n, size=9, replace=False)).astype(np.int32) for _ in range(K)]
    deltas = [rng.standard_normal((9, d)).astype(np.float32) * 1e-2 for _ in range(K)]
    deltas[0][0, 0] = -0.0
    deltas[-1][1, 2] = np.nan
    expected = rng.uniform(0, 5, size=n) if merge == "frequency" else None
    sync = rng.standard_normal((n, d)).astype(np.float32)
    work = sync.copy()
    want = sync.copy()
    rows, step = _merge_rows(
        rows_list, deltas, "average" if merge == "average" else "frequency", expected
    )
    add_rows(want, rows, step, False)
    exp = expected if expected is not None else np.zeros(0, np.float64)
    merge_add(sync, work, tuple(rows_list), tuple(deltas), exp, merge == "average")
    np.testing.assert_array_equal(sync.view(np.int32), want.view(np.int32))
    np.testing.assert_array_equal(work.view(np.int32), want.view(np.int32))
    untouched = np.setdiff1d(np.arange(n), rows)
    assert untouched.size > 0 and not np.isnan(want[rows]).all()
