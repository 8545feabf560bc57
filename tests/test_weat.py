"""WEAT: against a transparent NumPy transcription of the published formula (Caliskan et al.
2017, as WEFE computes it), exact p-values by brute force, planted associations, missing words,
the bundled ten tests. The comparison with WEFE itself is benchmarks/bench_weat.py."""

from __future__ import annotations

import itertools
import math
from importlib import resources

import numpy as np
import pytest

import wordspace as ws
from wordspace import WordVectors
from wordspace.analysis.weat import caliskan_tests, weat, weat_caliskan
from wordspace.errors import ParameterError

X = ["x1", "x2", "x3", "x4"]
Y = ["y1", "y2", "y3", "y4", "y5"]
A = ["a1", "a2", "a3"]
B = ["b1", "b2", "b3", "b4"]


def random_wv(seed: int = 0, dim: int = 6) -> WordVectors:
    words = X + Y + A + B + ["cat"]
    rng = np.random.default_rng(seed)
    return WordVectors(words, rng.normal(size=(len(words), dim)).astype(np.float32))


def reference(wv, x, y, a, b):
    """The published formula, word by word: s(w) = mean cos(w, A) - mean cos(w, B);
    d = (mean_X s - mean_Y s) / std_{X u Y} s (population std, as WEFE); p = share of the
    equal-sized partitions of X u Y with a statistic >= the observed one."""

    def cos(u, v):
        u, v = np.asarray(u, np.float64), np.asarray(v, np.float64)
        return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))

    def s(w):
        return np.mean([cos(wv[w], wv[t]) for t in a]) - np.mean([cos(wv[w], wv[t]) for t in b])

    sw = {w: s(w) for w in x + y}

    def stat(xs, ys):
        return sum(sw[w] for w in xs) - sum(sw[w] for w in ys)

    allw = x + y
    d = (np.mean([s(w) for w in x]) - np.mean([s(w) for w in y])) / np.std([s(w) for w in allw])
    obs = stat(x, y)
    parts = list(itertools.combinations(allw, len(x)))
    hits = sum(
        stat(list(p), [w for w in allw if w not in p]) >= obs - 1e-12 for p in parts
    )
    return float(d), hits / len(parts), obs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weat_equals_the_published_formula(seed):
    wv = random_wv(seed)
    r = weat(wv, X, Y, A, B)
    d, p, obs = reference(wv, X, Y, A, B)
    assert r.effect_size == pytest.approx(d, abs=1e-9)
    assert r.statistic == pytest.approx(obs, abs=1e-9)
    assert r.exact and r.n_partitions == math.comb(9, 4) == 126
    assert r.p_value == pytest.approx(p, abs=1e-12)
    assert r.missing == {"X": [], "Y": [], "A": [], "B": []}
    assert r.words["Y"] == Y


def test_sample_std_on_request():
    wv = random_wv(3)
    r0, r1 = weat(wv, X, Y, A, B), weat(wv, X, Y, A, B, ddof=1)
    n = len(X) + len(Y)
    assert r1.effect_size == pytest.approx(r0.effect_size * math.sqrt((n - 1) / n), rel=1e-9)


def planted(sign: float = 1.0) -> WordVectors:
    """X words lie near A's direction and Y words near B's: the strongest association."""
    rng = np.random.default_rng(7)
    e_a, e_b = np.eye(8)[0], np.eye(8)[1]
    rows = []
    for w in X + Y + A + B:
        base = e_a if (w in X or w in A) else e_b
        rows.append(base + 0.05 * rng.normal(size=8))
    return WordVectors(X + Y + A + B, np.array(rows, dtype=np.float32))


def test_planted_association_is_large_and_significant():
    wv = planted()
    r = weat(wv, X, Y, A, B)
    assert r.effect_size > 1.9  # the maximum is 2 for perfectly separated sets
    assert r.p_value == pytest.approx(1 / math.comb(9, 4))  # only the observed partition
    swapped = weat(wv, Y, X, A, B)
    assert swapped.effect_size == pytest.approx(-r.effect_size)
    assert swapped.p_value == 1.0


def test_sampled_p_value_is_seeded_and_close_to_the_exact_one():
    wv = random_wv(4)
    exact = weat(wv, X, Y, A, B)
    s1 = weat(wv, X, Y, A, B, exact_limit=10, n_permutations=20_000, seed=5)
    s2 = weat(wv, X, Y, A, B, exact_limit=10, n_permutations=20_000, seed=5)
    s3 = weat(wv, X, Y, A, B, exact_limit=10, n_permutations=20_000, seed=6)
    assert not s1.exact and s1.n_partitions == 20_000
    assert s1.p_value == s2.p_value
    assert s3.p_value == pytest.approx(exact.p_value, abs=0.02)
    assert s1.p_value == pytest.approx(exact.p_value, abs=0.02)
    assert s1.effect_size == exact.effect_size


def test_missing_words_are_reported_and_case_folded(caplog):
    wv = random_wv(0)
    r = weat(wv, [*X, "zzz", "X1"], Y, A, [*B, "qqq"], name="t")
    assert r.missing == {"X": ["zzz"], "Y": [], "A": [], "B": ["qqq"]}
    assert r.n_missing == 2
    assert r.words["X"] == X  # "X1" is x1 lowercased: already counted, not twice
    assert r.effect_size == pytest.approx(weat(wv, X, Y, A, B).effect_size, abs=1e-12)
    assert "zzz" in caplog.text and "qqq" in caplog.text
    r2 = weat(wv, ["X1", "X2"], Y, A, B)
    assert r2.words["X"] == ["X1", "X2"] and r2.missing["X"] == []


def test_bad_input_is_a_typed_error():
    wv = random_wv(0)
    with pytest.raises(ParameterError, match="no word of set A"):
        weat(wv, X, Y, ["nope", "nada"], B)
    with pytest.raises(ParameterError, match="not one string"):
        weat(wv, "x1 x2", Y, A, B)
    with pytest.raises(ParameterError, match="X is empty"):
        weat(wv, [], Y, A, B)
    with pytest.raises(ParameterError, match="n_permutations"):
        weat(wv, X, Y, A, B, n_permutations=0)
    with pytest.raises(ParameterError, match="ddof"):
        weat(wv, X, Y, A, B, ddof=2)
    with pytest.raises(ParameterError, match="unknown WEAT test"):
        weat_caliskan(wv, tests=["flowers"])


def test_the_ten_bundled_tests_have_their_source():
    tests = caliskan_tests()
    assert len(tests) == 10 and len({t.id for t in tests}) == 10
    sizes = [(len(t.X), len(t.Y), len(t.A), len(t.B)) for t in tests]
    assert sizes[0] == (25, 25, 25, 25) and sizes[5] == (8, 8, 8, 8) and sizes[8] == (6, 6, 7, 7)
    for t in tests:
        assert t.published["effect_size"] > 1.0
        assert all(isinstance(w, str) and w for w in t.X + t.Y + t.A + t.B)
    lic = (resources.files("wordspace") / "data" / "weat_caliskan2017.LICENSE").read_text()
    assert "Caliskan" in lic and "MIT" in lic and "10.1126/science.aal4230" in lic
    assert ws.evaluate.weat is weat  # the documented name


def test_weat_caliskan_reports_a_test_it_cannot_run():
    t = caliskan_tests()[5]  # career-family
    words = t.X + t.Y + t.A + t.B
    rng = np.random.default_rng(0)
    wv = WordVectors([w.lower() for w in words], rng.normal(size=(len(words), 5)).astype(np.float32))
    out = weat_caliskan(wv)
    assert len(out) == 10
    ok = [r for r in out if not isinstance(r, str)]
    assert [r.name for r in ok] == ["career-family"]
    assert ok[0].published["effect_size"] == t.published["effect_size"]
    d, p, _ = reference(wv, [w.lower() for w in t.X], [w.lower() for w in t.Y], t.A, t.B)
    assert ok[0].effect_size == pytest.approx(d, abs=1e-9)
    assert ok[0].p_value == pytest.approx(p, abs=1e-12)
    assert all("no word of set" in r for r in out if isinstance(r, str))
