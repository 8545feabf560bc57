"""The top-k kernels against a NumPy reference, on inputs whose dot products are exact.

Every vector has four entries of +-0.5 and zeros elsewhere (a unit vector), so every score is
a multiple of 0.25 whatever order the products are summed in: BLAS, numba and the float64
reference agree bit for bit, and ties are everywhere, which checks that equal scores come in
index order.
"""

from __future__ import annotations

import numpy as np
import pytest

from wordspace import WordVectors
from wordspace.kernels.topk import GROUP, topk_dot, topk_neighbors, topk_update


def tied_unit_rows(n: int, d: int = 8, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mat = np.zeros((n, d), dtype=np.float32)
    for r in range(n):
        cols = rng.choice(d, 4, replace=False)
        mat[r, cols] = rng.choice([-0.5, 0.5], 4)
    return mat


def reference(mat: np.ndarray, rows, k: int, limit: int | None = None):
    """Brute force: all scores in float64, NaN and the query's own row dropped, ordered by
    score descending then index ascending."""
    n = len(mat) if limit is None else min(limit, len(mat))
    idx = np.full((len(rows), k), -1, dtype=np.int64)
    sc = np.full((len(rows), k), -np.inf, dtype=np.float32)
    for t, r in enumerate(rows):
        s = mat[:n].astype(np.float64) @ mat[r].astype(np.float64)
        cand = np.array([i for i in range(n) if i != r and not np.isnan(s[i])], dtype=np.int64)
        if len(cand):
            order = cand[np.lexsort((cand, -s[cand]))][:k]
            idx[t, : len(order)] = order
            sc[t, : len(order)] = s[order]
    return idx, sc


@pytest.mark.parametrize(
    ("n", "k", "limit", "batch_size", "block", "workers"),
    [
        (300, 10, None, 256, 2048, None),  # one block, one group tail
        (300, 7, None, 16, 50, 2),  # many batches and blocks, two threads
        (300, 5, 130, 7, 64, 3),  # restricted: queries beyond the limit, odd sizes
        (40, 100, None, 256, 2048, 1),  # k larger than the rows: padded with -1
        (3 * GROUP + 5, 3, None, 2, 3 * GROUP, 2),  # full groups then a tail
    ],
)
def test_topk_neighbors_matches_reference(n, k, limit, batch_size, block, workers):
    mat = tied_unit_rows(n)
    rows = np.array([0, 1, n // 2, n - 1, 5, 5], dtype=np.int64)  # a repeated query too
    got = topk_neighbors(mat, rows, k, limit, batch_size=batch_size, block=block, workers=workers)
    want = reference(mat, rows, k, limit)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


def test_topk_neighbors_ties_come_in_index_order():
    base = np.zeros((1, 8), dtype=np.float32)
    base[0, :4] = 0.5
    mat = np.repeat(base, 200, axis=0)  # every score is 1.0
    idx, sc = topk_neighbors(mat, np.array([0, 150, 199]), 4, block=64, workers=2)
    np.testing.assert_array_equal(idx, [[1, 2, 3, 4], [0, 1, 2, 3], [0, 1, 2, 3]])
    assert (sc == 1.0).all()


def test_topk_neighbors_never_returns_nan_rows():
    mat = tied_unit_rows(200, seed=1)
    bad = np.array([0, 3, 64, 65, 130, 199])
    mat[bad] = np.nan
    rows = np.array([1, 2, 100, 198], dtype=np.int64)
    for k in (5, 200):
        got = topk_neighbors(mat, rows, k, batch_size=3, block=70, workers=2)
        want = reference(mat, rows, k)
        np.testing.assert_array_equal(got[0], want[0])
        assert not np.isin(got[0], bad).any()
        found = min(k, 200 - len(bad) - 1)  # all good rows but the query itself
        assert (got[0] >= 0).sum(axis=1).tolist() == [found] * len(rows)
    # a NaN query has no neighbours at all
    idx, sc = topk_neighbors(mat, np.array([3]), 4)
    assert (idx == -1).all() and np.isneginf(sc).all()


def test_topk_neighbors_empty_cases():
    mat = tied_unit_rows(20)
    for k, rows in ((0, [1, 2]), (3, [])):
        idx, sc = topk_neighbors(mat, np.array(rows, dtype=np.int64), k)
        assert idx.shape == sc.shape == (len(rows), k)
    idx, _ = topk_neighbors(mat, np.array([0]), 3, limit=1)  # only the query itself
    assert (idx == -1).all()


def test_topk_update_skips_groups_without_a_better_score():
    # only scores above the running threshold are merged; a group tail is handled too
    n = 2 * GROUP + 9
    block = np.zeros((1, n), dtype=np.float32)
    block[0, [5, GROUP + 1, n - 1]] = [3.0, 2.0, 4.0]
    bs = np.array([[1.0, 1.0, 0.5]], dtype=np.float32)
    bi = np.array([[900, 901, 902]], dtype=np.int64)
    topk_update(block, 10, bs, bi, np.array([10 + n - 1]))  # the 4.0 is excluded
    np.testing.assert_array_equal(bi, [[15, 10 + GROUP + 1, 900]])
    np.testing.assert_array_equal(bs, [[3.0, 2.0, 1.0]])


@pytest.mark.parametrize("limit", [300, 77])
def test_topk_dot_matches_reference(limit):
    mat = tied_unit_rows(300, seed=2)
    mat[[10, 200]] = np.nan
    q = mat[4]
    idx, sc = topk_dot(mat, q, 12, limit, 5)
    s = mat[:limit].astype(np.float64) @ q.astype(np.float64)
    cand = np.flatnonzero(~np.isnan(s))
    want = cand[np.lexsort((cand, -s[cand]))][:12]
    np.testing.assert_array_equal(idx, want)
    np.testing.assert_array_equal(sc, s[want])


def test_most_similar_many_is_brute_force_order_with_ties():
    mat = tied_unit_rows(150, seed=3)
    mat[[7, 80]] = np.nan
    words = [f"w{i}" for i in range(len(mat))]
    wv = WordVectors(words, mat)
    queries = ["w0", "w1", "w149", "w100"]
    for topn, restrict in ((10, None), (200, None), (6, 60), (0, None)):
        got = wv.most_similar_many(queries, topn=topn, restrict_vocab=restrict)
        k = max(0, min(topn, restrict or len(wv)))
        want_i, want_s = reference(mat, [wv.get_index(q) for q in queries], k, restrict)
        want = [
            [(words[i], float(s)) for i, s in zip(wi, ws_, strict=True) if i >= 0]
            for wi, ws_ in zip(want_i, want_s, strict=True)
        ]
        assert got == want
        assert got == [wv.most_similar(q, topn=topn, restrict_vocab=restrict) for q in queries]


def _tie_matrix(rng, n=300, d=6):
    # small integers: every dot product is exact in float32, so ties are real ties
    m = rng.integers(-2, 3, size=(n, d)).astype(np.float32)
    m[7] = np.nan
    m[11, 2] = np.inf
    return m


@pytest.mark.parametrize(
    "k,limit", [(1, 300), (10, 300), (25, 120), (299, 300), (400, 300), (5, 3), (0, 300)]
)
def test_numpy_single_query_matches_the_fused_kernel(k, limit):
    from wordspace.kernels.topk import topk_dot
    from wordspace.vectors import keyed as vectors

    rng = np.random.default_rng(3)
    m = _tie_matrix(rng)
    for _ in range(5):
        q = rng.integers(-2, 3, size=m.shape[1]).astype(np.float32)
        want_i, want_s = topk_dot(m, q, k, limit, 4)
        old = vectors._SINGLE_QUERY_ENGINE
        vectors._SINGLE_QUERY_ENGINE = "numpy"
        try:
            got_i, got_s = vectors._top_one(m, q, k, limit)
        finally:
            vectors._SINGLE_QUERY_ENGINE = old
        np.testing.assert_array_equal(got_i, want_i)
        np.testing.assert_array_equal(got_s, want_s)
        assert 7 not in got_i.tolist()  # a NaN row is never returned


def test_cli_similar_answers_without_numba(tmp_path):
    """A one-shot CLI query does not start numba (about a second) for the fused kernel."""
    import subprocess
    import sys

    import wordspace as ws

    words = [f"w{i}" for i in range(50)]
    vecs = np.random.default_rng(0).normal(size=(50, 8)).astype(np.float32)
    path = tmp_path / "v.txt"
    ws.WordVectors(words, vecs).save_word2vec_format(path)
    code = (
        "import sys, json\n"
        "from wordspace.cli import main\n"
        f"try:\n    main(['similar', {str(path)!r}, 'w3', '-n', '5', '--json', '--no-cache'])\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "m = sys.modules.get('wordspace.kernels.topk')\n"
        "print('FUSED', m is not None and bool(m.topk_dot.signatures))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[-1] == "FUSED False"
    got = [r["word"] for r in __import__("json").loads("\n".join(lines[:-1]))["w3"]]
    want = [w for w, _ in ws.WordVectors(words, vecs).most_similar("w3", topn=5)]
    assert got == want
