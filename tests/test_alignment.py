import numpy as np
import pytest

import wordspace as ws
from wordspace import datasets


def arc_vectors(values, dims=4):
    """Unit vectors along a half circle: the angle grows with the value."""
    v = np.asarray(values, dtype=float)
    t = (v - v.min()) / (v.max() - v.min()) * np.pi
    out = np.zeros((len(v), dims), dtype=np.float32)
    out[:, 0], out[:, 1] = np.cos(t), np.sin(t)
    return out


def test_perfect_and_random_geometry():
    vals = np.linspace(0, 10, 40)
    wv = ws.WordVectors([f"w{i}" for i in range(40)], arc_vectors(vals), extras={"values": vals})
    a = ws.value_alignment(wv)
    assert a["spearman"] > 0.995  # float32 cosines break the ties of equal gaps
    assert a["pc1_spearman"] == pytest.approx(1.0, abs=1e-6)
    assert a["knn_mae"] < 0.05 < a["knn_mae_baseline"]
    assert a["n_pairs"] == 40 * 39 // 2 and a["n_words"] == 40 and a["k"] == 5
    rnd = np.random.default_rng(0).standard_normal((40, 4)).astype(np.float32)
    b = ws.value_alignment(ws.WordVectors(wv.index_to_key, rnd), values=vals)
    assert abs(b["spearman"]) < 0.2 and b["knn_mae"] > 3 * a["knn_mae"]


def test_values_as_mapping_and_sampled_pairs():
    vals = np.linspace(0, 1, 2000)
    keys = [f"w{i}" for i in range(2000)]
    wv = ws.WordVectors(keys, arc_vectors(vals))
    a = ws.value_alignment(wv, values=vals, max_pairs=50_000, max_queries=300, seed=1)
    b = ws.value_alignment(wv, values=vals, max_pairs=50_000, max_queries=300, seed=1)
    assert a == b and a["n_pairs"] == 50_000 and a["spearman"] > 0.99
    m = ws.value_alignment(
        wv, values={k: v for k, v in zip(keys[:100], vals[:100], strict=True)} | {"zzz": 3.0}
    )
    assert m["n_words"] == 100 and m["spearman"] > 0.99


def test_errors():
    wv = ws.WordVectors(["a", "b", "c"], np.eye(3, dtype=np.float32))
    with pytest.raises(ws.ParameterError, match="no values attached"):
        ws.value_alignment(wv)
    with pytest.raises(ws.ValueDataError, match="all values are equal"):
        ws.value_alignment(wv, values=[1.0, 1.0, 1.0])
    with pytest.raises(ws.ParameterError, match="one entry per word"):
        ws.value_alignment(wv, values=[1.0, 2.0])
    with pytest.raises(ws.ParameterError, match="k must"):
        ws.value_alignment(wv, values=[1.0, 2.0, 3.0], k=0)


def test_colour_embeddings_are_aligned():
    # Penalties that do not saturate (label 1 - Δ for every pair) let the cosine rank all
    # pairs; with the article's (2·Δ)² and 3·Δ every pair more than a third of the range
    # apart has label 0, and the figure stays near 0.86 (see README).
    df = datasets.color_spectrum(30, seed=42)
    vv = ws.ValueVec(
        vector_size=15,
        epochs=2000,
        alpha=0.05,
        seed=42,
        positive_penalty="linear",
        positive_scale=1.0,
        negative_scale=1.0,
    )
    vv.fit(df, word="keyword", value="estimated_value")
    a = ws.value_alignment(vv.wv)
    assert a["spearman"] >= 0.9
    assert a["pc1_spearman"] >= 0.9
    assert a["knn_mae"] < 0.06
    article = ws.ValueVec.article(seed=42).fit(df, word="keyword", value="estimated_value")
    b = article.alignment()
    assert 0.75 < b["spearman"] < a["spearman"]
