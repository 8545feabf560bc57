"""The reduced-precision scan kernels (wordspace.kernels.quantized) against NumPy references:
the bounds hold every row's float32 score, the selection equals the float32 top-k, padded and
non-finite rows are never selected, and an index in the old layout is refused."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

import wordspace as ws
from wordspace.errors import FormatError
from wordspace.kernels import quantized as qz
from wordspace.vectors.index import load_index


def unit_rows(n, d, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    x[::7] *= np.float32(1e-3)  # tiny components: float16 subnormals after normalising
    x[3, :] = 0
    x[3, 0] = 1  # one component only: the int8 scale's extreme
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)


def scan(method, unit, q, k, nchunks=3):
    """The scan's output and, from its candidates, each row's upper bound (NaN: not a
    candidate) and the threshold ``T`` (the k-th best lower bound over the chunks)."""
    d = unit.shape[1]
    bad = np.flatnonzero(~np.isfinite(unit).all(axis=1))
    q1, qn = float(np.abs(q).sum()), float(np.linalg.norm(q))
    g = np.float32((4 * d + 8) * 2.0**-24 * qn * 1.001)
    if method == "int8":
        blocks, scale = qz.pack_int8(unit, bad)
        h = np.float32(0.5 * q1 * 1.0001)
        cu, cidx = np.empty(len(scale), np.float32), np.empty(len(scale), np.int64)
        out = qz.scan_int8(blocks, scale, q, h, g, k, nchunks, cu, cidx)
    else:
        blocks, scale = qz.pack_f16(unit, bad)
        cu, cidx = np.empty(len(scale), np.float32), np.empty(len(scale), np.int64)
        h = np.float32(2.0**-11 * qn * 1.0001 + 2.0**-25 * q1)
        q112 = q * np.float32(2.0**112)
        out = qz.scan_f16(blocks, scale, q112, h, g, k, nchunks, cu, cidx)
    cs, ci, starts, counts = out
    up = np.full(len(scale), np.nan, np.float32)
    for c0, m in zip(starts, counts, strict=True):
        assert np.all(np.diff(cidx[c0 : c0 + m]) > 0)  # each chunk's rows ascend
        up[cidx[c0 : c0 + m]] = cu[c0 : c0 + m]
    ok = ci >= 0
    thr = np.sort(cs[ok])[::-1][k - 1] if ok.sum() >= k else -np.inf
    return out, cu, cidx, up, thr


@pytest.mark.parametrize("method", ["int8", "f16"])
@pytest.mark.parametrize("n,d", [(1000, 50), (300, 7), (129, 1)])
def test_bounds_hold_every_score(method, n, d):
    unit = unit_rows(n, d, seed=n + d)
    q = unit[5] * np.float32(1.3)  # not a unit query: the bounds scale with |q|
    (cs, ci, _, _), _, _, up, thr = scan(method, unit, q, k=10)
    exact = unit.astype(np.float64) @ q.astype(np.float64)
    cand = ~np.isnan(up[:n])
    assert np.all(up[:n][cand] >= exact[cand])
    assert np.all(np.isnan(up[n:]))  # padding: never a candidate
    # every row that can reach the threshold is a candidate (what makes the result exact),
    # and the scan did not keep every row
    assert np.all(cand[exact >= thr]) and np.isfinite(thr)
    assert cand.sum() < n or n <= 3 * 128
    # the lower bounds kept are below the scores of their rows, and are the chunks' best
    ok = ci >= 0
    assert np.all(cs[ok] <= exact[ci[ok]])
    width = float(np.nanmax(up[:n] - exact))
    assert width < (0.05 if method == "int8" else 2e-3) * np.linalg.norm(q)


@pytest.mark.parametrize("method", ["int8", "f16"])
def test_selection_equals_float32_top_k(method):
    unit = unit_rows(5000, 24, seed=1)
    unit[100:160] = unit[9] + np.float32(1e-5)  # a crowd tied within the rounding bound
    unit[100:160] /= np.linalg.norm(unit[100:160], axis=1, keepdims=True)
    unit[200] = np.nan  # a row holding NaN: never returned
    for qi in (0, 9, 200 - 1, 4999):
        q = np.ascontiguousarray(unit[qi])
        for k in (1, 10, 80):
            (cs, ci, starts, counts), cu, cidx, _, _ = scan(method, unit, q, k)
            rows, scores, cand = qz.select_exact(
                cs, ci, starts, counts, cu, cidx, unit, q, k, np.empty(len(cu), np.int64)
            )
            ref = unit @ q
            ref[~np.isfinite(ref)] = -np.inf
            order = np.lexsort((np.arange(len(ref)), -ref))[:k]
            np.testing.assert_allclose(scores, ref[order], atol=2e-6)
            assert 200 not in rows.tolist() and k <= cand < len(unit)
            # the same rows wherever the float32 scores are not tied within their last bits
            gaps = np.diff(ref[order])
            if k == 1 or gaps.max() < -1e-5:
                assert rows.tolist() == order.tolist()


def test_fewer_rows_than_k():
    unit = unit_rows(5, 8, seed=2)
    q = np.ascontiguousarray(unit[0])
    out, cu, cidx, _, _ = scan("int8", unit, q, k=9)
    rows, scores, cand = qz.select_exact(*out, cu, cidx, unit, q, 9, np.empty(len(cu), np.int64))
    assert sorted(rows.tolist()) == list(range(5)) and cand == 5
    assert rows[0] == 0 and np.all(np.diff(scores) <= 0)


def test_an_index_in_the_old_layout_is_refused(tmp_path):
    wv = ws.WordVectors([f"w{i}" for i in range(300)], unit_rows(300, 8, seed=3))
    path = tmp_path / "m.index"
    wv.build_index("exact-int8").save(path)
    raw = path.read_bytes()
    (hlen,) = struct.unpack("<Q", raw[8:16])
    head = json.loads(raw[16 : 16 + hlen])
    assert head["version"] == 2 and [b["name"] for b in head["blobs"]] == ["blocks", "scale"]
    head["version"] = 1
    new = json.dumps(head).encode().ljust(hlen)
    path.write_bytes(raw[:16] + new + raw[16 + hlen :])
    with pytest.raises(FormatError, match="older wordspace.*rebuild"):
        load_index(path)
