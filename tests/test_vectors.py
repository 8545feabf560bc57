import numpy as np
import pandas as pd
import pytest

import wordspace as ws
from wordspace import OutOfVocabularyError, ParameterError, WordVectors


@pytest.fixture()
def wv():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(300)] + ["king", "queen", "man", "woman", "city", "town"]
    vecs = rng.standard_normal((len(words), 16)).astype(np.float32)
    base = rng.standard_normal(16).astype(np.float32)
    royal = rng.standard_normal(16).astype(np.float32)
    female = rng.standard_normal(16).astype(np.float32)
    i = {w: k for k, w in enumerate(words)}
    vecs[i["man"]] = base
    vecs[i["woman"]] = base + female
    vecs[i["king"]] = base + royal
    vecs[i["queen"]] = base + royal + female + 0.01
    vecs[i["town"]] = vecs[i["city"]] + 0.1 * rng.standard_normal(16)
    return WordVectors(words, vecs, counts=np.arange(len(words), 0, -1))


def brute_neighbours(wv, vec, exclude=(), limit=None):
    unit = wv.vectors / np.linalg.norm(wv.vectors, axis=1, keepdims=True)
    v = vec / np.linalg.norm(vec)
    s = unit[:limit] @ v
    order = [int(j) for j in np.argsort(-s) if wv.index_to_key[j] not in exclude]
    return [(wv.index_to_key[j], float(s[j])) for j in order]


def test_basic_container(wv):
    assert len(wv) == 306 and wv.vector_size == 16
    assert "king" in wv and "lernraum" not in wv
    assert wv.key_to_index["king"] == 300 and wv.index_to_key[300] == "king"
    assert wv["king"].shape == (16,)
    assert wv[["king", "queen"]].shape == (2, 16)
    np.testing.assert_allclose(np.linalg.norm(wv.get_vector("city", norm=True)), 1.0, rtol=1e-6)
    assert wv.missing(["city", "lernraum", "x", "lernraum"]) == ["lernraum", "x"]


def test_vectors_are_read_only_and_float32(wv):
    assert wv.vectors.dtype == np.float32
    with pytest.raises(ValueError):
        wv.vectors[0, 0] = 1.0


def test_most_similar_matches_brute_force(wv):
    got = wv.most_similar("city", topn=5)
    want = brute_neighbours(wv, wv["city"], exclude={"city"})[:5]
    assert [w for w, _ in got] == [w for w, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-5)
    assert got[0][0] == "town"


def test_most_similar_analogy_excludes_inputs(wv):
    got = wv.most_similar(positive=["king", "woman"], negative=["man"], topn=3)
    assert got[0][0] == "queen"
    assert not {"king", "woman", "man"} & {w for w, _ in got}
    u = wv.get_normed_vectors()
    mean = (u[wv.get_index("king")] + u[wv.get_index("woman")] - u[wv.get_index("man")]) / 3
    want = brute_neighbours(wv, mean, exclude={"king", "woman", "man"})[:3]
    assert [w for w, _ in got] == [w for w, _ in want]


def test_most_similar_restrict_vocab_and_all_scores(wv):
    got = wv.most_similar("w3", topn=4, restrict_vocab=50)
    assert all(wv.get_index(w) < 50 for w, _ in got)
    want = brute_neighbours(wv, wv["w3"], exclude={"w3"}, limit=50)[:4]
    assert [w for w, _ in got] == [w for w, _ in want]
    scores = wv.most_similar("w3", topn=None)
    assert scores.shape == (len(wv),)
    assert scores[wv.get_index("w3")] == pytest.approx(1.0, abs=1e-5)


def test_most_similar_accepts_vectors_and_weights(wv):
    by_vec = wv.similar_by_vector(wv["city"], topn=2)
    assert by_vec[0][0] == "city"  # a raw vector excludes nothing
    weighted = wv.most_similar(positive=[("king", 1.0), ("woman", 1.0)], negative=[("man", 1.0)])
    assert weighted[0][0] == "queen"


def test_most_similar_many_equals_single_queries(wv):
    words = ["city", "king", "w7", "w100"]
    many = wv.most_similar_many(words, topn=6)
    for w, res in zip(words, many, strict=True):
        single = wv.most_similar(w, topn=6)
        assert [k for k, _ in res] == [k for k, _ in single]
        np.testing.assert_allclose([s for _, s in res], [s for _, s in single], rtol=1e-5)


def test_cosmul_formula(wv):
    got = wv.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=1)
    u = wv.get_normed_vectors()
    sim = lambda w: (1 + u @ u[wv.get_index(w)]) / 2  # noqa: E731
    scores = sim("king") * sim("woman") / (sim("man") + 1e-6)
    for w in ("king", "woman", "man"):
        scores[wv.get_index(w)] = -np.inf
    assert got[0][0] == wv.index_to_key[int(np.argmax(scores))] == "queen"
    assert got[0][1] == pytest.approx(float(np.max(scores)), rel=1e-5)


def test_similarity_family(wv):
    s = wv.similarity("city", "town")
    u1, u2 = wv.get_vector("city", norm=True), wv.get_vector("town", norm=True)
    assert s == pytest.approx(float(u1 @ u2), rel=1e-6)
    assert wv.distance("city", "town") == pytest.approx(1 - s, rel=1e-6)
    d = wv.distances("city", ["town", "king"])
    assert d[0] == pytest.approx(1 - s, abs=1e-6)
    assert wv.distances("city").shape == (len(wv),)
    a = wv[["king", "man"]].mean(axis=0)
    b = wv[["queen", "woman"]].mean(axis=0)
    want = a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    assert wv.n_similarity(["king", "man"], ["queen", "woman"]) == pytest.approx(want, rel=1e-5)


def test_doesnt_match_rank_closer_than(wv):
    assert wv.doesnt_match(["king", "queen", "man", "woman", "w5"]) == "w5"
    with pytest.warns(UserWarning, match="lernraum"):
        wv.doesnt_match(["king", "queen", "lernraum", "w9"])
    closer = wv.closer_than("city", "w1")
    sims = wv.most_similar("city", topn=None)
    assert set(closer) == {
        wv.index_to_key[i] for i in np.flatnonzero(sims > sims[wv.get_index("w1")])
    } - {"city"}
    assert wv.rank("city", "town") == 1
    assert wv.words_closer_than("city", "town") == []


def test_similarity_matrix_is_labelled(wv):
    m = wv.similarity_matrix(["city", "town", "king"])
    assert isinstance(m, pd.DataFrame)
    assert list(m.index) == ["city", "town", "king"] == list(m.columns)
    assert m.loc["city", "town"] == pytest.approx(wv.similarity("city", "town"), rel=1e-5)
    np.testing.assert_allclose(np.diag(m.values), 1.0, rtol=1e-5)


def test_mean_vector(wv):
    m = wv.get_mean_vector(["king", "queen", "lernraum"])
    want = (wv.get_vector("king", norm=True) + wv.get_vector("queen", norm=True)) / 2
    np.testing.assert_allclose(m, want, rtol=1e-5)
    with pytest.raises(OutOfVocabularyError):
        wv.get_mean_vector(["king", "lernraum"], ignore_missing=False)
    with pytest.raises(ParameterError, match="none of the words"):
        wv.get_mean_vector(["lernraum"])


def test_oov_error_is_a_keyerror_with_suggestions():
    words = ["lernen", "lehrer", "city", "lernte"]
    wv = WordVectors(words, np.eye(4, dtype=np.float32))
    with pytest.raises(KeyError) as exc:
        wv["lernraum"]
    assert isinstance(exc.value, OutOfVocabularyError)
    msg = str(exc.value)
    assert msg.startswith("'lernraum' is not in the vocabulary (4 words)")
    assert "did you mean" in msg and "'lernen'" in msg
    with pytest.raises(OutOfVocabularyError):
        wv.most_similar("lernraum")


def test_oov_error_names_the_casing_that_exists():
    wv = WordVectors(["King", "London", "the", "kin"], np.eye(4, dtype=np.float32))
    with pytest.raises(OutOfVocabularyError) as exc:
        wv.most_similar("king")
    assert str(exc.value) == (
        "'king' is not in the vocabulary (4 words), but 'King' is: lookups are case-sensitive"
    )
    assert exc.value.case_variants == ["King"] and exc.value.suggestions[0] == "King"
    with pytest.raises(OutOfVocabularyError, match="but 'London' is"):
        wv.similarity("LONDON", "the")
    with pytest.raises(OutOfVocabularyError, match="but 'the' is"):
        wv["The"]
    with pytest.raises(OutOfVocabularyError) as exc:  # no casing of it: spelling suggestions
        wv["kinng"]
    assert "did you mean" in str(exc.value) and not exc.value.case_variants


def test_constructor_validation():
    with pytest.raises(ws.FormatError, match="duplicate word 'a'"):
        WordVectors(["a", "b", "a"], np.zeros((3, 2)))
    with pytest.raises(ws.FormatError, match="must match"):
        WordVectors(["a", "b"], np.zeros((3, 2)))
    with pytest.raises(ws.FormatError, match="2-D"):
        WordVectors(["a"], np.zeros(3))
    with pytest.raises(ParameterError):
        WordVectors(["a", "b"], np.eye(2)).most_similar()


def test_values_extra(wv):
    with pytest.raises(ParameterError, match="no per-word values"):
        wv.values  # noqa: B018
    wv.set_extra("values", np.linspace(0, 1, len(wv)))
    assert wv.values["w0"] == 0.0 and wv.values[wv.index_to_key[-1]] == 1.0
    sub = wv.subset(["king", "queen"])
    assert sub.index_to_key == ["king", "queen"]
    assert sub.values["queen"] == pytest.approx(wv.values["queen"])
    assert list(sub.counts) == [wv.counts[300], wv.counts[301]]
