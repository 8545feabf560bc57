"""Vectors holding NaN or inf: neighbour queries skip them, queries about them raise."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wordspace as ws
from wordspace.errors import FormatError, ParameterError

BAD = {"nanw": (3, np.nan), "infw": (0, np.inf), "ninfw": (5, -np.inf)}


def build() -> tuple[ws.WordVectors, ws.WordVectors]:
    """A model with NaN/inf rows scattered among good ones, and the same model without them."""
    rng = np.random.default_rng(4)
    words, vecs = [], []
    for g in range(4):
        centre = np.eye(8)[g] * 4
        for i in range(15):
            words.append(f"g{g}w{i}")
            vecs.append(centre + rng.normal(size=8))
    vecs.append(np.full(8, 3e30))  # finite, but its float32 squares overflow
    words.append("huge")
    good_words, good_vecs = list(words), np.array(vecs, dtype=np.float32)
    for pos, (w, (col, x)) in zip((7, 20, 44), BAD.items(), strict=True):
        v = rng.normal(size=8)
        v[col] = x
        words.insert(pos, w)
        vecs.insert(pos, v)
    return ws.WordVectors(words, np.array(vecs)), ws.WordVectors(good_words, good_vecs)


@pytest.fixture(scope="module")
def pair():
    return build()


def test_nonfinite_rows_and_unit_vectors(pair):
    wv, _ = pair
    assert sorted(wv.index_to_key[i] for i in wv.nonfinite_rows) == sorted(BAD)
    unit = wv.get_normed_vectors()
    assert np.isnan(unit[wv.nonfinite_rows]).all()
    good = np.setdiff1d(np.arange(len(wv)), wv.nonfinite_rows)
    np.testing.assert_allclose(np.linalg.norm(unit[good], axis=1), 1.0, rtol=1e-5)
    h = wv.get_vector("huge", norm=True)
    np.testing.assert_allclose(h, np.full(8, 1 / np.sqrt(8)), rtol=1e-6)


@pytest.mark.parametrize("word", ["g0w1", "g2w3", "huge"])
def test_neighbours_skip_nonfinite_rows(pair, word):
    wv, ref = pair
    for topn in (5, len(wv)):
        got = wv.most_similar(word, topn=topn)
        assert not set(BAD) & {w for w, _ in got}
        assert all(np.isfinite(s) for _, s in got)
        want = ref.most_similar(word, topn=topn)
        assert [w for w, _ in got] == [w for w, _ in want]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-6)
    many = wv.most_similar_many([word, "g1w0"], topn=len(wv))
    for got, q in zip(many, [word, "g1w0"], strict=True):
        want = wv.most_similar(q, topn=len(wv))
        assert [w for w, _ in got] == [w for w, _ in want]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-6)
    cm = wv.most_similar_cosmul([word, "g1w2"], ["g3w3"], topn=len(wv))
    assert not set(BAD) & {w for w, _ in cm} and all(np.isfinite(s) for _, s in cm)
    cm_ref = ref.most_similar_cosmul([word, "g1w2"], ["g3w3"], topn=len(wv))
    assert [w for w, _ in cm] == [w for w, _ in cm_ref]


def test_full_score_arrays_mark_nonfinite_rows_nan(pair):
    wv, _ = pair
    for scores in (
        wv.most_similar("g0w1", topn=None),
        wv.most_similar_cosmul(["g0w1"], ["g1w1"], topn=None),
    ):
        assert set(np.flatnonzero(np.isnan(scores))) == set(wv.nonfinite_rows.tolist())


@pytest.mark.parametrize("bad", sorted(BAD))
def test_queries_about_a_nonfinite_word_raise(pair, bad):
    wv, _ = pair
    calls = [
        lambda: wv.most_similar(bad),
        lambda: wv.most_similar(positive=["g0w1"], negative=[bad]),
        lambda: wv.most_similar([(bad, 0.5), "g1w1"]),
        lambda: wv.most_similar_cosmul([bad, "g0w1"]),
        lambda: wv.most_similar_cosmul(["g0w1"], [bad]),
        lambda: wv.most_similar_many(["g0w1", bad]),
        lambda: wv.similar_by_word(bad),
        lambda: wv.closer_than(bad, "g0w1"),
        lambda: wv.rank("g0w1", bad),
    ]
    for call in calls:
        with pytest.raises(FormatError, match=f"{bad}.*NaN or infinite"):
            call()


def test_nonfinite_query_vector_is_a_parameter_error(pair):
    wv, _ = pair
    v = np.ones(8, dtype=np.float32)
    v[2] = np.nan
    with pytest.raises(ParameterError, match="NaN or infinite"):
        wv.similar_by_vector(v)
    with pytest.raises(ParameterError, match="NaN or infinite"):
        wv.most_similar_cosmul([v])


def test_similarity_is_nan_and_doesnt_match_ignores(pair):
    wv, _ = pair
    assert np.isnan(wv.similarity("g0w1", "nanw"))
    assert np.isfinite(wv.similarity("g0w1", "huge"))
    with pytest.warns(UserWarning, match="NaN or infinite"):
        odd = wv.doesnt_match(["g0w1", "g0w2", "g0w3", "g2w1", "infw"])
    assert odd == "g2w1"


def test_value_alignment_leaves_nonfinite_rows_out(pair):
    wv, ref = pair
    vals = np.arange(len(wv), dtype=float)
    keep = np.setdiff1d(np.arange(len(wv)), wv.nonfinite_rows)
    with pytest.warns(UserWarning, match="3 vectors hold NaN"):
        got = ws.value_alignment(wv, values=vals)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        want = ws.value_alignment(ref, values=vals[keep])
    assert got == pytest.approx(want)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(2, 40),
    st.integers(1, 6),
    st.lists(st.sampled_from([np.nan, np.inf, -np.inf, 1e30, -3e38]), max_size=12),
)
def test_random_damage_never_reaches_a_result(seed, n, d, damage):
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((n, d)).astype(np.float32)
    for x in damage:
        vecs[rng.integers(n), rng.integers(d)] = x
    wv = ws.WordVectors([f"w{i}" for i in range(n)], vecs)
    bad = set(np.flatnonzero(~np.isfinite(vecs).all(axis=1)).tolist())
    assert set(wv.nonfinite_rows.tolist()) == bad
    good = [i for i in range(n) if i not in bad]
    unit = wv.get_normed_vectors()
    assert np.isfinite(unit[good]).all()
    for q in good[:3]:
        for res in (
            wv.most_similar(f"w{q}", topn=n),
            wv.most_similar_many([f"w{q}"], topn=n)[0],
            wv.most_similar_cosmul([f"w{q}"], topn=n),
        ):
            idx = [wv.get_index(w) for w, _ in res]
            assert sorted(idx) == [i for i in good if i != q]
            assert all(np.isfinite(s) for _, s in res)
    for q in sorted(bad)[:2]:
        with pytest.raises(FormatError):
            wv.most_similar(f"w{q}")


def test_huge_finite_query_vector(pair):
    wv, ref = pair
    got = wv.similar_by_vector(wv["huge"], topn=3)
    assert got[0][0] == "huge" and got[0][1] == pytest.approx(1.0, abs=1e-6)
    assert [w for w, _ in got] == [w for w, _ in ref.similar_by_vector(np.ones(8), topn=3)]
