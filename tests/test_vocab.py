import heapq

import numpy as np
import pytest

from wordspace.errors import CorpusError, ParameterError
from wordspace.text.vocab import NOISE_TABLE_DOMAIN, Vocabulary


def _vocab():
    sents = [["a"] * 10 + ["b"] * 6 + ["c"] * 6 + ["d"] * 3 + ["e"] * 2 + ["f"]]
    return Vocabulary.build(sents, min_count=1)


def test_order_counts_min_count():
    v = _vocab()
    assert v.index_to_key == ["a", "b", "c", "d", "e", "f"]  # ties keep first occurrence
    assert v.counts.dtype == np.int64 and v.counts.tolist() == [10, 6, 6, 3, 2, 1]
    v3 = Vocabulary.build([["a"] * 10 + ["b"] * 6 + ["d"] * 3 + ["e"] * 2], min_count=3)
    assert v3.index_to_key == ["a", "b", "d"] and v3.total_words == 21
    assert Vocabulary.build(
        [["x", "y", "y", "z", "z", "z"]], min_count=1, max_vocab_size=2
    ).index_to_key == ["z", "y"]
    # max_final_vocab drops a whole count class (b and c tie at 6)
    vf = Vocabulary.from_counts({"a": 10, "b": 6, "c": 6, "d": 3}, min_count=1, max_final_vocab=2)
    assert vf.index_to_key == ["a"] and vf.min_count == 7


def test_nothing_survives_min_count():
    with pytest.raises(CorpusError, match=r"min_count=5 \(largest count was 3\); lower min_count"):
        Vocabulary.build([["a", "a", "a", "b"]], min_count=5)
    with pytest.raises(ParameterError, match="min_count"):
        Vocabulary.build([["a"]], min_count=0)


def test_keep_probabilities_formula():
    v = _vocab()
    s = 0.05
    T = v.counts.sum()
    p = v.keep_probabilities(s)
    for f, got in zip(v.counts, p, strict=True):
        want = min(1.0, (np.sqrt(f / (s * T)) + 1) * (s * T) / f)
        assert got == pytest.approx(want)
    assert p[0] < 1 and p[-1] == 1.0
    assert np.all(v.keep_probabilities(0) == 1)


def test_noise_distribution():
    v = _vocab()
    t = v.noise_distribution(0.75)
    assert t[-1] == NOISE_TABLE_DOMAIN and np.all(np.diff(t) > 0)
    probs = np.diff(np.concatenate([[0], t])) / t[-1]
    w = v.counts**0.75
    np.testing.assert_allclose(probs, w / w.sum(), rtol=1e-6)
    draws = np.searchsorted(t, np.random.default_rng(0).integers(0, t[-1], 200_000), side="right")
    np.testing.assert_allclose(np.bincount(draws, minlength=6) / 200_000, w / w.sum(), atol=0.005)
    uni = np.diff(np.concatenate([[0], v.noise_distribution(0.0)]))
    assert uni.max() - uni.min() <= 1


def _optimal_cost(counts):
    h = list(counts)
    heapq.heapify(h)
    cost = 0
    while len(h) > 1:
        a, b = heapq.heappop(h), heapq.heappop(h)
        cost += a + b
        heapq.heappush(h, a + b)
    return cost


def test_huffman_prefix_free_and_optimal():
    counts = [45, 13, 12, 16, 9, 5, 5, 1, 1, 2]
    v = Vocabulary([f"w{i}" for i in range(len(counts))], counts, min_count=1)
    codes, points, lengths = v.huffman()
    words = ["".join(map(str, codes[i, : lengths[i]])) for i in range(len(counts))]
    for i, a in enumerate(words):
        for j, b in enumerate(words):
            if i != j:
                assert not b.startswith(a)
    assert sum(c * len(w) for c, w in zip(counts, words, strict=True)) == _optimal_cost(counts)
    n = len(counts)
    assert np.all(points[lengths > 0, 0] == n - 2)  # every path starts at the root
    assert points.max() <= n - 2 and points.min() >= 0
    # inner nodes on a path are distinct
    for i in range(n):
        assert len(set(points[i, : lengths[i]])) == lengths[i]


def test_extended_keeps_old_ids():
    a = Vocabulary(["x", "y"], [5, 3])
    b = Vocabulary(["z", "x"], [4, 2])
    e = a.extended(b)
    assert e.index_to_key == ["x", "y", "z"] and e.counts.tolist() == [7, 3, 4]


def test_noise_alias_table_is_exact():
    v = Vocabulary([f"w{i}" for i in range(40)], np.arange(40, 0, -1) ** 2, min_count=1)
    thr, alias = v.noise_alias(0.75)
    n = len(v)
    # probability of each outcome implied by the table
    p = thr / 2.0**32 / n
    np.add.at(p, alias, (1 - thr / 2.0**32) / n)
    w = v.counts**0.75
    np.testing.assert_allclose(p, w / w.sum(), rtol=1e-6, atol=1e-12)
