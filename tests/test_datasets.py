import random

import numpy as np
import pytest

import wordspace as ws
from valuevec_article import ARTICLE_COLORS
from wordspace import datasets


def test_color_spectrum_reproduces_the_article_table():
    df = datasets.color_spectrum(n_colors=30, seed=42)
    assert list(df.columns) == ["keyword", "estimated_value"]
    assert df["keyword"].tolist() == [w for w, _ in ARTICLE_COLORS]
    np.testing.assert_allclose(
        df["estimated_value"].to_numpy(), [v for _, v in ARTICLE_COLORS], atol=5e-7
    )


def test_color_spectrum_uses_and_advances_a_given_random_stream():
    rng = random.Random(42)
    a = datasets.color_spectrum(30, 42, rng=rng)
    b = datasets.color_spectrum(30, 42)
    assert a.equals(b)
    assert rng.getstate() != random.Random(42).getstate()  # the name draws consumed it


def test_color_spectrum_sizes_and_seeds():
    small = datasets.color_spectrum(12, seed=1)
    assert sorted(small["keyword"]) == sorted(datasets.BASE_COLORS)
    assert small["estimated_value"].is_monotonic_increasing
    big = datasets.color_spectrum(84, seed=3)
    assert big["keyword"].is_unique and len(big) == 84
    assert not datasets.color_spectrum(30, seed=1).equals(datasets.color_spectrum(30, seed=2))
    with pytest.raises(ws.ParameterError, match="n_colors"):
        datasets.color_spectrum(85)
    with pytest.raises(ws.ParameterError):
        datasets.color_spectrum(0)


def test_mixture_values_is_seeded_and_shaped():
    a = datasets.mixture_values(1000, n_components=3, seed=7)
    b = datasets.mixture_values(1000, n_components=3, seed=7)
    assert a.equals(b) and len(a) == 1000 and a["word"].is_unique
    assert a["word"].iloc[0] == "w000" and set(a["component"]) <= {0, 1, 2}
    assert np.isfinite(a["value"]).all() and a["value"].std() > 1
    with pytest.raises(ws.ParameterError):
        datasets.mixture_values(2)
