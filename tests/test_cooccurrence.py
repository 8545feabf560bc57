"""Co-occurrence counting against a brute-force count; chunking; persistence."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from wordspace.errors import FormatError, ParameterError
from wordspace.io.cooccurrence import load_cooccurrence, save_cooccurrence
from wordspace.text.cooccurrence import cooccurrence_matrix


def brute_force(sentences, V, window, symmetric=True, distance_weighting=True):
    """glove's cooccur.c, pair by pair, in a dense float64 matrix."""
    X = np.zeros((V, V))
    for s in sentences:
        for j in range(len(s)):
            for kk in range(max(0, j - window), j):
                w = 1.0 / (j - kk) if distance_weighting else 1.0
                X[s[kk], s[j]] += w
                if symmetric:
                    X[s[j], s[kk]] += w
    return X


def flat(sentences):
    ids = np.concatenate([np.asarray(s, np.int32) for s in sentences])
    starts = np.concatenate([[0], np.cumsum([len(s) for s in sentences])]).astype(np.int64)
    return ids, starts


@pytest.fixture
def sentences():
    rng = np.random.default_rng(1)
    V = 23
    # Zipf-like ids so some rows are dense; sentences of varied length, some of length 0/1
    lens = [0, 1, 2, 5, 17, 40, 3, 60, 1, 9]
    p = 1.0 / np.arange(1, V + 1)
    p /= p.sum()
    return V, [rng.choice(V, size=n, p=p).tolist() for n in lens]


@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("distance_weighting", [True, False])
@pytest.mark.parametrize("window", [1, 3, 10])
def test_counts_match_brute_force(sentences, symmetric, distance_weighting, window):
    V, sents = sentences
    ids, starts = flat(sents)
    X = cooccurrence_matrix(
        ids, starts, V, window=window, symmetric=symmetric, distance_weighting=distance_weighting
    )
    assert sp.isspmatrix_csr(X) and X.dtype == np.float32 and X.shape == (V, V)
    assert X.has_sorted_indices and (X.data > 0).all()
    ref = brute_force(sents, V, window, symmetric, distance_weighting)
    np.testing.assert_allclose(X.toarray(), ref, rtol=1e-6)
    assert X.nnz == int((ref > 0).sum())
    if symmetric:
        np.testing.assert_allclose(X.toarray(), X.toarray().T, rtol=1e-6)
    else:
        assert not np.allclose(X.toarray(), X.toarray().T)


def test_left_context_orientation():
    # "a b": X[a, b] (a is left of b) = 1; with distance 2 for "a x b": 1/2
    X = cooccurrence_matrix(np.array([0, 1], np.int32), None, 3, window=2, symmetric=False)
    assert X[0, 1] == 1.0 and X[1, 0] == 0.0
    X = cooccurrence_matrix(np.array([0, 2, 1], np.int32), None, 3, window=2, symmetric=False)
    assert X[0, 1] == 0.5 and X[0, 2] == 1.0 and X[2, 1] == 1.0 and X.nnz == 3
    # the window does not cross sentences
    X = cooccurrence_matrix(np.array([0, 1], np.int32), np.array([0, 1, 2]), 2, window=5)
    assert X.nnz == 0
    # repeated word: the diagonal gets both directions, as cooccur.c
    X = cooccurrence_matrix(np.array([1, 1], np.int32), None, 2, window=2, symmetric=True)
    assert X[1, 1] == 2.0


def test_chunked_counting_equals_one_chunk():
    rng = np.random.default_rng(7)
    V = 300
    p = 1.0 / np.arange(1, V + 1) ** 1.1
    p /= p.sum()
    sents = [rng.choice(V, size=int(n), p=p).tolist() for n in rng.integers(1, 400, 30)]
    ids, starts = flat(sents)
    one = cooccurrence_matrix(ids, starts, V, window=5, memory=4.0)
    blocks = []
    tiny = cooccurrence_matrix(
        ids, starts, V, window=5, memory=1e-9, progress=lambda d, t, **kw: blocks.append((d, t))
    )
    assert len(blocks) > 5 and blocks[-1][0] == blocks[-1][1]  # really counted in blocks
    assert (one.indptr == tiny.indptr).all() and (one.indices == tiny.indices).all()
    assert (one.data == tiny.data).all()  # bit-identical: rows never span blocks


def test_empty_and_bad_input():
    X = cooccurrence_matrix(np.zeros(0, np.int32), None, 4)
    assert X.shape == (4, 4) and X.nnz == 0
    with pytest.raises(ParameterError, match="window"):
        cooccurrence_matrix(np.array([0, 1], np.int32), None, 2, window=0)
    with pytest.raises(ParameterError, match="memory"):
        cooccurrence_matrix(np.array([0, 1], np.int32), None, 2, memory=0)
    with pytest.raises(ParameterError, match="ids must lie"):
        cooccurrence_matrix(np.array([0, 5], np.int32), None, 2)
    with pytest.raises(ParameterError, match="starts"):
        cooccurrence_matrix(np.array([0, 1], np.int32), np.array([0, 1]), 2)


def test_save_load_roundtrip(tmp_path, sentences):
    V, sents = sentences
    ids, starts = flat(sents)
    X = cooccurrence_matrix(ids, starts, V, window=4)
    words = [f"w{i}" for i in range(V)]
    counts = np.arange(V, 0, -1)
    path = tmp_path / "x.npz"
    save_cooccurrence(path, X, words, counts, {"window": 4})
    X2, w2, c2, meta = load_cooccurrence(path)
    assert (X2 != X).nnz == 0 and X2.dtype == np.float32
    assert w2 == words and (c2 == counts).all() and meta["window"] == 4
    # plain npz, no pickle needed
    with np.load(path, allow_pickle=False) as z:
        assert {"row", "col", "data", "shape", "words", "counts", "meta"} <= set(z.files)
    save_cooccurrence(tmp_path / "bare.npz", X, compressed=True)
    X3, w3, c3, _ = load_cooccurrence(tmp_path / "bare.npz")
    assert (X3 != X).nnz == 0 and w3 is None and c3 is None


def test_load_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, row=np.array([0]), col=np.array([0]))
    with pytest.raises(FormatError, match="missing"):
        load_cooccurrence(bad)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(FormatError):
        load_cooccurrence(junk)
    out = tmp_path / "o.npz"
    np.savez(
        out,
        row=np.array([0, 9]),
        col=np.array([0, 0]),
        data=np.ones(2, np.float32),
        shape=np.array([2, 2]),
    )
    with pytest.raises(FormatError, match="outside"):
        load_cooccurrence(out)
    with pytest.raises(ParameterError, match=".npz"):
        save_cooccurrence(tmp_path / "x.bin", sp.csr_matrix((2, 2)))
