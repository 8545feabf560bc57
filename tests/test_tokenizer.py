"""The one tokenizer: Corpus blocks, the model's recorded tokenizer, and queries without one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wordspace as ws
from wordspace.analysis.textsim import mean_vector, oov_tokens, query_tokenizer, text_similarity
from wordspace.errors import FormatError
from wordspace.text.tokenizer import Tokenizer, normalize_text, tokenize_for_vocabulary

SETTINGS = [Tokenizer(low, norm) for low in (False, True) for norm in (False, True)]
TEXT = st.text(alphabet=st.sampled_from(list("aZé É\n\t,.1_-'ſİß\u0301\x85")), max_size=60)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_lines_equal_the_tokenizer_line_by_line(text):
    for tok in SETTINGS:
        assert list(tok.lines(text)) == [tok(line) for line in text.split("\n")]


def test_tokenizer_dict_round_trip_and_validation():
    for tok in SETTINGS:
        assert Tokenizer.from_dict(tok.to_dict()) == tok
    assert Tokenizer.from_dict({}) == Tokenizer()
    for bad in ([True, False], {"lowercase": "yes"}, {"lower": True}, "lowercase", None):
        with pytest.raises(FormatError, match="tokenizer"):
            Tokenizer.from_dict(bad)


def cities(cased: bool, meta=None) -> ws.WordVectors:
    words = ["Paris", "London", "Berlin", "Café", "the", "of"]
    if not cased:
        words = [w.lower() for w in words]
    rng = np.random.default_rng(2)
    return ws.WordVectors(words, rng.standard_normal((len(words), 5)), meta=meta)


def _cos(u, v) -> float:
    return float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))


@pytest.mark.parametrize("cased", [True, False])
def test_queries_without_recorded_tokenizer_match_the_vocabulary(cased):
    wv = cities(cased)
    assert wv.tokenizer is None
    paris, london = ("Paris", "London") if cased else ("paris", "london")
    s = text_similarity(wv, "Paris", "London")
    assert math.isfinite(s) and s == pytest.approx(_cos(wv[paris], wv[london]), abs=1e-6)
    assert wv.text_similarity("PARIS!", "london.") == pytest.approx(s, abs=1e-6)
    np.testing.assert_allclose(
        mean_vector(wv, "Paris, the café"),
        (wv[paris] + wv["the"] + wv["Café" if cased else "café"]) / 3,
        atol=1e-6,
    )
    assert oov_tokens(wv, "Paris and Zürich 2024") == ["and", "zurich"]
    assert wv.oov_tokens("Paris and Zürich") == ["and", "zurich"]
    assert wv.wmdistance("Paris", "the Paris") == pytest.approx(
        wv.wmdistance([paris], ["the", paris])
    )
    ranked = wv.rank_documents("Paris", ["Berlin", "Paris", "nothing"], "mean", 1)
    assert ranked[0].index == 1 and ranked[0].score == pytest.approx(1.0, abs=1e-6)


def test_accents_match_either_spelling():
    assert tokenize_for_vocabulary("Café", {"café"}) == ["café"]
    assert tokenize_for_vocabulary("Café", {"cafe"}) == ["cafe"]
    assert tokenize_for_vocabulary("Café", {"Cafe"}) == ["Cafe"]
    assert tokenize_for_vocabulary("Café", set()) == ["cafe"]
    assert tokenize_for_vocabulary("paris PARIS Paris", {"Paris"}) == ["Paris"] * 3
    assert tokenize_for_vocabulary("APPLE Apple apple", {"Apple", "apple"}) == [
        "apple",
        "Apple",
        "apple",
    ]
    assert tokenize_for_vocabulary("ÉCOLE", {"École"}) == ["École"]
    assert tokenize_for_vocabulary("Cafe\u0301 s'il", {"café"}) == ["café", "s", "il"]
    # unknown words come out as the normalising tokenizer writes them
    text = "Ça va? Très BIEN, merci: 42 fois"
    assert tokenize_for_vocabulary(text, set()) == normalize_text(text).split()


def test_recorded_tokenizer_is_used_and_explicit_one_wins():
    plain = cities(True, meta={"tokenizer": {"lowercase": False, "normalize": False}})
    assert plain.tokenizer == Tokenizer()
    assert query_tokenizer(plain) == Tokenizer()
    # trained on whitespace tokens, case kept: "paris" and "Paris," are other tokens
    assert plain.oov_tokens("paris Paris, London") == ["paris", "Paris,"]
    with pytest.warns(UserWarning, match="no word in the vocabulary"):
        assert math.isnan(plain.text_similarity("paris", "London"))
    low = cities(False, meta={"tokenizer": {"lowercase": True, "normalize": False}})
    assert low.tokenizer == Tokenizer(lowercase=True)
    assert low.text_similarity("PARIS", "London") == pytest.approx(
        _cos(low["paris"], low["london"]), abs=1e-6
    )
    assert low.oov_tokens("Café, London") == ["café,"]

    # an explicit tokenizer wins over the recorded one
    def capitalised(t):
        return [w.capitalize() for w in t.split()]

    assert plain.oov_tokens("paris london", tokenizer=capitalised) == []
    assert plain.text_similarity("paris", "london", tokenizer=capitalised) == pytest.approx(
        _cos(plain["Paris"], plain["London"]), abs=1e-6
    )


def test_malformed_recorded_tokenizer_is_a_format_error():
    wv = cities(True, meta={"tokenizer": "lowercase"})
    with pytest.raises(FormatError, match=r'meta\["tokenizer"\]'):
        wv.tokenizer  # noqa: B018
    with pytest.raises(FormatError):
        wv.text_similarity("Paris", "London")
