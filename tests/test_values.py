import random

import numpy as np
import pandas as pd
import pytest

import wordspace as ws
from valuevec_article import ARTICLE_N_PAIRS, ARTICLE_PAIRS
from wordspace import datasets
from wordspace.train.valuevec.values import (
    ValuePairs,
    records_to_word_values,
    transform_values,
    word_value_table,
)


def reference_pairs(words, values, rng, window=2, negatives=3, frac=0.25, unique=False):
    """The article's row-by-row construction (plus the unique_negatives variant)."""
    order = sorted(range(len(values)), key=lambda i: -values[i])  # stable, like ours
    vmin, vmax = min(values), max(values)
    norm = [(values[i] - vmin) / (vmax - vmin) for i in order]
    n = len(order)
    md = max(1, int(n * frac))
    rows = []
    for i in range(n):
        for j in range(1, window + 1):
            if i - j >= 0:
                rows.append((i, i - j, max(0, 1.0 - (abs(norm[i] - norm[i - j]) * 2.0) ** 2), 0))
            if i + j < n:
                rows.append((i, i + j, max(0, 1.0 - (abs(norm[i] - norm[i + j]) * 2.0) ** 2), 0))
        if negatives == 0:
            continue
        far = 0 if i > n / 2 else n - 1
        neg = [far]
        distant = list(range(0, max(0, i - md))) + list(range(min(n - 1, i + md), n))
        if unique:
            distant = [x for x in distant if x not in (far, i)]
        if distant and negatives - 1 > 0:
            neg.extend(rng.sample(distant, min(negatives - 1, len(distant))))
        for q in neg:
            rows.append((i, q, max(0, 1.0 - abs(norm[i] - norm[q]) * 3.0), 1))
    return [words[i] for i in order], rows


def test_article_pairs_are_reproduced_exactly():
    rng = random.Random(42)
    df = datasets.color_spectrum(30, 42, rng=rng)
    pairs = ValuePairs.from_values(
        df, word="keyword", value="estimated_value", window=2, negatives=3, seed=rng
    )
    frame = pairs.to_frame()
    assert len(frame) == ARTICLE_N_PAIRS
    assert list(frame.columns) == [
        "center_word",
        "context_word",
        "label",
        "center_value",
        "context_value",
        "pair_type",
    ]
    for idx, cw, xw, label, cv, xv, kind in ARTICLE_PAIRS:
        row = frame.iloc[idx]
        assert (row.center_word, row.context_word, row.pair_type) == (cw, xw, kind), idx
        assert round(row.label, 6) == pytest.approx(label, abs=1e-12), idx
        assert round(row.center_value, 6) == pytest.approx(cv, abs=1e-12), idx
        assert round(row.context_value, 6) == pytest.approx(xv, abs=1e-12), idx


@pytest.mark.parametrize(
    "n,window,negatives,unique",
    [
        (30, 2, 3, False),
        (7, 1, 4, False),
        (200, 3, 3, False),
        (64, 2, 9, False),
        (500, 2, 40, False),
        (30, 2, 3, True),
        (9, 2, 6, True),
        (300, 1, 4, True),
        (40, 0, 1, False),
        (25, 3, 0, False),
    ],
)
def test_pairs_match_the_row_by_row_reference_and_continue_the_stream(n, window, negatives, unique):
    g = np.random.default_rng(n + negatives)
    values = g.normal(size=n).tolist()
    words = [f"w{i}" for i in range(n)]
    ours_rng, ref_rng = random.Random(5), random.Random(5)
    pairs = ValuePairs.from_values(
        words, values, window=window, negatives=negatives, unique_negatives=unique, seed=ours_rng
    )
    ref_words, rows = reference_pairs(words, values, ref_rng, window, negatives, unique=unique)
    assert pairs.words == ref_words
    assert len(pairs) == len(rows)
    np.testing.assert_array_equal(pairs.center, [r[0] for r in rows])
    np.testing.assert_array_equal(pairs.context, [r[1] for r in rows])
    np.testing.assert_array_equal(pairs.negative, [bool(r[3]) for r in rows])
    np.testing.assert_allclose(pairs.label, [r[2] for r in rows], rtol=0, atol=1e-12)
    assert ours_rng.random() == ref_rng.random()  # same number of draws consumed
    if unique:
        neg = pairs.negative
        assert not np.any(pairs.center[neg] == pairs.context[neg])
        df = pd.DataFrame({"c": pairs.center[neg], "x": pairs.context[neg]})
        assert not df.duplicated().any()


def test_pairs_dtypes_seeds_and_scale():
    words = [f"w{i}" for i in range(50)]
    values = np.linspace(0, 1, 50)
    a = ValuePairs.from_values(words, values, seed=3)
    b = ValuePairs.from_values(words, values, seed=3)
    c = ValuePairs.from_values(words, values, seed=4)
    assert a.center.dtype == np.int32 and a.context.dtype == np.int32
    np.testing.assert_array_equal(a.context, b.context)
    assert not np.array_equal(a.context, c.context)
    assert a.words[0] == "w49" and a.normalized[0] == 1.0 and a.normalized[-1] == 0.0
    assert a.label.min() >= 0 and a.label.max() <= 1
    big = ValuePairs.from_values(
        {f"x{i}": float(i % 977) + i * 1e-6 for i in range(200_000)}, seed=1
    )
    assert len(big) == 200_000 * 7 - 6  # 4 positives (fewer at the ends) + 3 negatives


def test_penalty_parameters():
    words, values = ["a", "b", "c", "d"], [0.0, 0.1, 0.5, 1.0]
    p = ValuePairs.from_values(
        words,
        values,
        window=1,
        negatives=1,
        positive_scale=1.0,
        positive_penalty="linear",
        negative_penalty="quadratic",
        negative_scale=1.0,
        seed=0,
    )
    f = p.to_frame()
    pos = f[f.pair_type == "positive"]
    np.testing.assert_allclose(pos.label, 1 - (pos.center_value - pos.context_value).abs())
    neg = f[f.pair_type == "negative"]
    np.testing.assert_allclose(neg.label, 1 - (neg.center_value - neg.context_value) ** 2)
    q = ValuePairs.from_values(words, values, positive_penalty=lambda d: np.exp(-d), seed=0)
    fq = q.to_frame()
    pos = fq[fq.pair_type == "positive"]
    np.testing.assert_allclose(pos.label, np.exp(-(pos.center_value - pos.context_value).abs()))
    with pytest.raises(ws.ParameterError, match="positive_penalty"):
        ValuePairs.from_values(words, values, positive_penalty="cubic")
    with pytest.raises(ws.ParameterError, match="negative_scale"):
        ValuePairs.from_values(words, values, negative_scale=0)
    with pytest.raises(ws.ParameterError, match="min_distance"):
        ValuePairs.from_values(words, values, min_distance=1.5)
    with pytest.raises(ws.ParameterError, match="window"):
        ValuePairs.from_values(words, values, window=-1)


# ------------------------------------------------------------------------ validation
def test_nan_and_inf_values_name_the_rows():
    df = pd.DataFrame({"w": ["a", "b", "c", "d", "e"], "v": [1.0, np.nan, 3.0, np.inf, 2.0]})
    with pytest.raises(ws.ValueDataError, match=r"2 missing.*rows 1, 3"):
        word_value_table(df, word="w", value="v")
    df2 = pd.DataFrame({"w": ["a", "b", "c"], "v": ["1", "x", "3"]})
    with pytest.raises(ws.ValueDataError, match=r"non-numeric.*rows 1"):
        word_value_table(df2, word="w", value="v")


def test_empty_words_name_the_rows():
    df = pd.DataFrame({"w": ["a", " ", "c", None, "e"], "v": [1.0, 2, 3, 4, 5]})
    with pytest.raises(ws.ValueDataError, match=r"2 empty or missing words at rows 1, 3"):
        word_value_table(df, word="w", value="v")


def test_too_few_words_and_constant_values():
    with pytest.raises(ws.ValueDataError, match="only 2 distinct"):
        word_value_table({"a": 1.0, "b": 2.0})
    with pytest.raises(ws.ValueDataError, match="only 2 distinct"):
        word_value_table(["a", "b", "a"], [1.0, 2.0, 3.0])
    with pytest.raises(ws.ValueDataError, match="same value 5.0"):
        word_value_table({"a": 5.0, "b": 5.0, "c": 5.0})
    with pytest.raises(ws.ValueDataError):
        ValuePairs.from_values({"a": 5.0, "b": 5.0, "c": 5.0})


def test_duplicates_mean_median_error():
    words = ["a", "b", "a", "c", "a", "b"]
    vals = [1.0, 2.0, 2.0, 3.0, 9.0, 4.0]
    mean = word_value_table(words, vals).set_index("word")
    assert mean.loc["a", "value"] == 4.0 and mean.loc["b", "value"] == 3.0
    assert mean.loc["a", "count"] == 3 and list(mean.index) == ["a", "b", "c"]
    med = word_value_table(words, vals, duplicates="median").set_index("word")
    assert med.loc["a", "value"] == 2.0
    with pytest.raises(ws.ValueDataError, match=r"'a' at rows 0, 2, 4; 'b' at rows 1, 5"):
        word_value_table(words, vals, duplicates="error")
    with pytest.raises(ws.ParameterError, match="duplicates"):
        word_value_table(words, vals, duplicates="first")


def test_inputs_dataframe_path_dict_sequences(tmp_path):
    df = pd.DataFrame({"k": ["x", "y", "z"], "price": [3.0, 1.0, 2.0]})
    csv = tmp_path / "t.csv"
    df.to_csv(csv, index=False)
    pq = tmp_path / "t.parquet"
    df.to_parquet(pq)
    tsv = tmp_path / "t.tsv.gz"
    df.to_csv(tsv, sep="\t", index=False)
    expect = word_value_table(df, word="k", value="price")
    for src in (csv, str(pq), tsv):
        pd.testing.assert_frame_equal(word_value_table(src, word="k", value="price"), expect)
    pd.testing.assert_frame_equal(word_value_table(df), expect)  # two columns: inferred
    got = word_value_table({"x": 3.0, "y": 1.0, "z": 2.0})
    assert got["value"].tolist() == [3.0, 1.0, 2.0]
    got = word_value_table(["x", "y", "z"], np.array([3.0, 1.0, 2.0]))
    assert got["word"].tolist() == ["x", "y", "z"]
    with pytest.raises(ws.ParameterError, match="no value column 'cost'"):
        word_value_table(df, word="k", value="cost")
    with pytest.raises(ws.ValueDataError, match="3 words but 2 values"):
        word_value_table(["x", "y", "z"], [1.0, 2.0])
    with pytest.raises(ws.ParameterError, match="say which columns"):
        word_value_table(df.assign(extra=1))


def test_value_transform():
    np.testing.assert_allclose(transform_values(np.array([1.0, np.e]), "log"), [0.0, 1.0])
    with pytest.raises(ws.ValueDataError, match=r"2 values <= 0 at rows 1, 2"):
        transform_values(np.array([1.0, 0.0, -1.0]), "log")
    np.testing.assert_allclose(transform_values(np.array([0.0]), "log1p"), [0.0])
    with pytest.raises(ws.ParameterError):
        transform_values(np.array([1.0]), "sqrt")
    t = word_value_table({"a": 1.0, "b": 10.0, "c": 100.0}, value_transform="log")
    np.testing.assert_allclose(t["value"], np.log([1.0, 10.0, 100.0]))


# --------------------------------------------------------------------- from records
def test_records_shrunk_mean_and_min_count():
    texts = ["Cheap room", "cheap, cheap flat!", "Luxury flat", "luxury villa", "room", None]
    values = [10.0, 20.0, 200.0, 400.0, 30.0, 50.0]
    out = records_to_word_values(texts, values, prior_weight=2.0, min_count=1)
    m = np.mean(values[:5])  # the global mean over records with tokens
    got = out.set_index("word")
    assert got.loc["cheap", "count"] == 2  # counted once per record
    assert got.loc["cheap", "value"] == pytest.approx((10 + 20 + 2 * m) / 4)
    assert got.loc["luxury", "value"] == pytest.approx((200 + 400 + 2 * m) / 4)
    assert got.loc["villa", "value"] == pytest.approx((400 + 2 * m) / 3)
    assert out["value"].is_monotonic_decreasing
    two = records_to_word_values(texts, values, prior_weight=0.0, min_count=2)
    assert set(two["word"]) == {"cheap", "flat", "luxury", "room"}
    assert two.set_index("word").loc["flat", "value"] == pytest.approx(110.0)
    logged = records_to_word_values(
        texts, values, min_count=1, value_transform="log", prior_weight=0.0
    )
    assert logged.set_index("word").loc["villa", "value"] == pytest.approx(np.log(400))
    with pytest.raises(ws.ValueDataError, match="min_count=9"):
        records_to_word_values(texts, values, min_count=9)
    with pytest.raises(ws.ValueDataError, match="rows 2"):
        records_to_word_values(texts, [1.0, 2.0, np.nan, 4.0, 5.0, 6.0])
