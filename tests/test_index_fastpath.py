"""The lean index path of ``most_similar("word")`` (``WordVectors._indexed_word_query``):
the same answer, scores included, as the general path over the same index, which it skips."""

from __future__ import annotations

import numpy as np
import pytest

import wordspace as ws
from wordspace.vectors import index as index_mod


def model(n=3000, dim=16, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dim)).astype(np.float32)
    x[5] = 0.0  # a zero row: the lean path hands it to the general one
    return ws.WordVectors([f"w{i}" for i in range(n)], x)


@pytest.mark.parametrize("method", ["hnsw", "exact-int8", "exact-f16"])
def test_lean_path_equals_the_general_path(method, monkeypatch):
    wv = model()
    wv.build_index(method)
    calls = []
    real = wv._indexed_word_query

    def spy(positive, topn):
        out = real(positive, topn)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(wv, "_indexed_word_query", spy)
    for i in range(0, 3000, 97):
        w = f"w{i}"
        lean = wv.most_similar(w, topn=7)
        # a (word, weight) pair takes the general path: mean vector, index.search, exclusion
        general = wv.most_similar([(w, 1.0)], topn=7)
        assert lean == general
        assert len(lean) == 7 and w not in [x for x, _ in lean]
        assert wv.most_similar([w], topn=7) == lean
    assert calls == [True, False, True] * len(range(0, 3000, 97))
    # the scores are float32 cosines from the unit matrix, as the exact scan's
    unit = wv.get_normed_vectors()
    for word, s in wv.most_similar("w10", topn=5):
        q = unit[10] / np.float32(np.linalg.norm(unit[10].astype(np.float64)))
        ref = np.float32(0)
        for a, b in zip(unit[wv.key_to_index[word]], q, strict=True):
            ref += a * b
        assert abs(s - float(ref)) < 1e-6


def test_lean_path_declines_what_it_cannot_answer():
    wv = model()
    wv.build_index("exact-int8")
    assert wv._indexed_word_query("w5", 5) is None  # zero row
    assert wv._indexed_word_query("nope", 5) is None  # unknown: the general path raises
    assert wv._indexed_word_query(["w1", "w2"], 5) is None
    assert wv._indexed_word_query(np.ones(16, np.float32), 5) is None
    with pytest.raises(ws.errors.OutOfVocabularyError):
        wv.most_similar("nope")
    # topn larger than the vocabulary: every other word, once
    small = ws.WordVectors(["a", "b", "c"], np.eye(3, dtype=np.float32) + 0.1)
    small.build_index("exact-int8")
    assert sorted(w for w, _ in small.most_similar("a", topn=10)) == ["b", "c"]


def test_lean_path_refuses_a_stale_index():
    wv = model()
    wv.build_index("hnsw")
    other = model(seed=4)
    other.index = wv.index  # not attached through attach_index: the query must check
    with pytest.raises(ws.errors.StaleIndexError):
        other.most_similar("w1")


def test_public_usearch_api_fallback(monkeypatch):
    wv = model()
    ix = wv.build_index("hnsw")
    before = [wv.most_similar(f"w{i}", topn=6) for i in range(0, 3000, 211)]
    monkeypatch.setattr(
        type(ix), "_compiled", property(lambda self: index_mod._PublicSearch(self._backend))
    )
    assert [wv.most_similar(f"w{i}", topn=6) for i in range(0, 3000, 211)] == before


@pytest.mark.parametrize("dtype", ["f16", "i8"])
def test_hnsw_reduced_precision_vectors(dtype, tmp_path):
    """The graph over float16/int8 copies: every candidate is re-scored in float32, so the
    scores equal the exact ones, and recall stays high on clustered data."""
    rng = np.random.default_rng(5)
    centres = rng.standard_normal((60, 24)).astype(np.float32)
    x = np.repeat(centres, 50, axis=0) + 0.3 * rng.standard_normal((3000, 24)).astype(np.float32)
    wv = ws.WordVectors([f"w{i}" for i in range(len(x))], x)
    queries = [f"w{i}" for i in range(0, 3000, 30)]
    exact = [wv.most_similar(q, topn=10, exact=True) for q in queries]
    ix = wv.build_index("hnsw", dtype=dtype)
    assert ix.params["dtype"] == dtype
    got = [wv.most_similar(q, topn=10) for q in queries]
    recall = np.mean(
        [len({w for w, _ in a} & {w for w, _ in b}) / 10 for a, b in zip(got, exact, strict=True)]
    )
    assert recall >= 0.95
    exact_scores = {(q, w): s for q, e in zip(queries, exact, strict=True) for w, s in e}
    unit = wv.get_normed_vectors()
    for q, res in zip(queries, got, strict=True):
        for w, s in res:
            if (q, w) in exact_scores:
                assert s == exact_scores[(q, w)]
            else:  # a word the exact top-10 lacks scores no higher than its 10th
                assert s <= exact_scores[(q, exact[queries.index(q)][-1][0])] + 1e-7
                assert abs(s - float(unit[wv.key_to_index[w]] @ unit[wv.key_to_index[q]])) < 1e-5
    path = tmp_path / "m.index"
    ix.save(path)
    other = ws.WordVectors(wv.index_to_key, x)
    other.attach_index(path)
    assert other.index.params["dtype"] == dtype
    assert [other.most_similar(q, topn=10) for q in queries] == got


def test_hnsw_bad_dtype_is_refused():
    wv = model(n=200)
    with pytest.raises(ws.errors.ParameterError, match="dtype must be one of f32, f16, i8"):
        wv.build_index("hnsw", dtype="f64")
