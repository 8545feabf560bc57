"""Edge cases of the query methods: topn <= 0, topn beyond the vocabulary, empty models."""

from __future__ import annotations

import numpy as np
import pytest

import wordspace as ws
from wordspace.analysis.textsim import rank_documents
from wordspace.errors import OutOfVocabularyError, ParameterError


@pytest.fixture(scope="module")
def wv():
    rng = np.random.default_rng(8)
    return ws.WordVectors([f"w{i}" for i in range(30)], rng.standard_normal((30, 6)))


def list_queries(wv, topn):
    return {
        "most_similar": wv.most_similar("w1", topn=topn),
        "most_similar 3 terms": wv.most_similar(["w1", "w2"], ["w3"], topn=topn),
        "most_similar_cosmul": wv.most_similar_cosmul(["w1", "w2"], ["w3"], topn=topn),
        "most_similar_cosmul 1 term": wv.most_similar_cosmul("w1", topn=topn),
        "similar_by_word": wv.similar_by_word("w1", topn=topn),
        "similar_by_vector": wv.similar_by_vector(wv["w1"], topn=topn),
        "rank_documents mean": rank_documents(wv, ["w1"], [["w2"], ["w3"]], "mean", topn),
        "rank_documents wmd": rank_documents(wv, ["w1"], [["w2"], ["w3"]], "wmd", topn),
    }


@pytest.mark.parametrize("topn", [0, -1, -3, -100])
def test_topn_not_positive_gives_nothing(wv, topn):
    for name, got in list_queries(wv, topn).items():
        assert got == [], name
    assert wv.most_similar_many(["w1", "w2"], topn=topn) == [[], []]


def test_topn_beyond_the_vocabulary_gives_every_other_word(wv):
    for name, got in list_queries(wv, 1000).items():
        if name.startswith("rank_documents"):
            assert sorted(r.index for r in got) == [0, 1], name
            continue
        words = [w for w, _ in got]
        assert len(words) == len(set(words)), name
        query = {
            "most_similar": 1,
            "similar_by_word": 1,
            "similar_by_vector": 0,
            "most_similar_cosmul 1 term": 1,
        }.get(name, 3)
        assert len(words) == 30 - query, name
    assert [len(x) for x in wv.most_similar_many(["w1", "w2"], topn=1000)] == [29, 29]
    assert len(wv.most_similar_many(["w1"], topn=1000, restrict_vocab=5)[0]) == 4


def test_query_words_are_checked_even_when_topn_is_zero(wv):
    for call in (
        lambda: wv.most_similar("zzz", topn=0),
        lambda: wv.most_similar_cosmul(["zzz"], topn=0),
        lambda: wv.most_similar_many(["w1", "zzz"], topn=0),
    ):
        with pytest.raises(OutOfVocabularyError):
            call()


@pytest.mark.parametrize("limit", [0, -1])
def test_restrict_vocab_must_be_positive(wv, limit):
    for call in (
        lambda: wv.most_similar("w1", restrict_vocab=limit),
        lambda: wv.most_similar_cosmul(["w1"], restrict_vocab=limit),
        lambda: wv.most_similar_many(["w1"], restrict_vocab=limit),
    ):
        with pytest.raises(ParameterError, match="restrict_vocab"):
            call()


def test_empty_model_queries():
    empty = ws.WordVectors([], np.zeros((0, 4), dtype=np.float32))
    v = np.ones(4, dtype=np.float32)
    assert empty.similar_by_vector(v, topn=5) == []
    assert empty.most_similar_cosmul([v], topn=5) == []
    assert empty.most_similar_many([], topn=5) == []
    assert len(empty.similar_by_vector(v, topn=None)) == 0


def test_one_word_model_queries():
    one = ws.WordVectors(["a"], np.ones((1, 4), dtype=np.float32))
    assert one.most_similar("a") == [] and one.most_similar_cosmul(["a"]) == []
    assert one.most_similar_many(["a"]) == [[]]
    assert one.similar_by_vector(np.ones(4)) == [("a", pytest.approx(1.0))]
