"""ValueVec III: value_transform="auto", the CLI's value options, the semantic_weight=0 warning,
and value_holdout's baselines."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import wordspace as ws
from wordspace.cli import main
from wordspace.train.valuevec.values import choose_transform, rank_quantiles, transform_values


def listings(n=300, seed=0, zeros=0):
    """Titles whose words say the price tier; prices log-normal with a long tail."""
    g = np.random.default_rng(seed)
    cheap, dear = ["hostel", "bunk", "shared", "basic"], ["villa", "penthouse", "luxury", "pool"]
    neutral = ["room", "flat", "near", "beach", "centre", "quiet"]
    rows = []
    for i in range(n):
        tier = int(g.integers(0, 2))
        words = list(g.choice(cheap if tier == 0 else dear, 2)) + list(g.choice(neutral, 3))
        price = (30 if tier == 0 else 300) * g.lognormal(0, 0.3)
        if i < zeros:
            price = 0.0
        rows.append((" ".join(words), price))
    rows.append(("villa pool luxury", 9999.0))  # the outlier that squeezes min-max
    return pd.DataFrame(rows, columns=["title", "price"])


# ------------------------------------------------------------------ the "auto" rule
def test_auto_rule_picks_identity_log_log1p_and_rank():
    g = np.random.default_rng(1)
    assert choose_transform(g.uniform(1, 10, 1000)) is None  # ratings-like: spread kept
    assert choose_transform(g.normal(0, 1, 1000)) is None  # symmetric, with negatives
    heavy = g.lognormal(4, 1.2, 5000)
    assert choose_transform(heavy) == "log"
    assert choose_transform(np.r_[heavy, 0.0, 0.0]) == "log1p"  # a few free listings
    # below zero and outliers dominate: only ranks spread the bulk
    cauchy = g.standard_cauchy(5000)
    assert choose_transform(cauchy) == "rank"
    out = transform_values(cauchy, "auto")
    np.testing.assert_allclose(out, transform_values(cauchy, "rank"))
    assert 0 < out.min() and out.max() < 1


def test_rank_transform_gives_mid_rank_quantiles_with_ties_shared():
    v = np.array([5.0, 1.0, 5.0, 3.0])
    got = rank_quantiles(v, np.sort(v))
    # ranks 1..4, the two 5s share (3 + 4) / 2; quantile = (rank - 0.5) / n
    np.testing.assert_allclose(got, [3.0 / 4, 0.5 / 4, 3.0 / 4, 1.5 / 4])
    np.testing.assert_allclose(transform_values(v, "rank"), got)


def test_auto_is_the_default_and_the_choice_is_reported_and_saved(tmp_path):
    assert ws.ValueVec().get_params()["value_transform"] == "auto"
    df = listings()
    vv = ws.ValueVec(vector_size=6, epochs=40, seed=0, min_count=3)
    vv.fit(df, text="title", value="price")
    assert vv.value_transform_ == "log"
    explicit = ws.ValueVec(vector_size=6, epochs=40, seed=0, min_count=3, value_transform="log")
    explicit.fit(df, text="title", value="price")
    pd.testing.assert_frame_equal(vv.word_values_, explicit.word_values_)
    np.testing.assert_array_equal(vv.wv.vectors, explicit.wv.vectors)
    path = tmp_path / "m.wsv"
    vv.save(path)
    back = ws.ValueVec.load(path)
    assert back.wv.meta["value_transform"] == "log"
    assert back.value_transform_ == "log"
    assert back.get_params()["value_transform"] == "auto"
    # zeros among the prices: log1p, nothing dropped, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = ws.ValueVec(vector_size=6, epochs=5, seed=0, min_count=3)
        z.fit(listings(zeros=3), text="title", value="price")
    assert z.value_transform_ == "log1p"
    # a word-value table: the same rule
    tab = ws.ValueVec(vector_size=4, epochs=5).fit(
        {f"w{i}": float(v) for i, v in enumerate(np.random.default_rng(2).lognormal(3, 1.5, 400))}
    )
    assert tab.value_transform_ == "log"
    plain = ws.ValueVec(vector_size=4, epochs=5, value_transform=None).fit(
        {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}
    )
    assert plain.value_transform_ is None


def test_partial_fit_keeps_the_transform_fit_chose():
    vv = ws.ValueVec(vector_size=4, epochs=5, seed=0)
    vals = {f"w{i}": float(v) for i, v in enumerate(np.random.default_rng(3).lognormal(3, 1.5, 60))}
    vv.fit(vals)
    assert vv.value_transform_ == "log"
    before = vv.word_values_["value"].to_numpy().copy()
    # the same words with values spread evenly: on its own "auto" would keep them as they are
    even = {w: float(i + 1) for i, w in enumerate(vals)}
    assert choose_transform(np.array(list(even.values()))) is None
    vv.partial_fit(even)
    assert vv.value_transform_ == "log"
    np.testing.assert_allclose(
        vv.word_values_.set_index("word").loc[list(even), "value"], np.log(list(even.values()))
    )
    assert not np.allclose(before, vv.word_values_["value"].to_numpy())


def test_cli_applies_the_same_rule_and_reports_it(tmp_path, capsys):
    csv = tmp_path / "l.csv"
    listings().to_csv(csv, index=False)
    args = ["--dim", "6", "--epochs", "10", "--seed", "0", "--min-count", "3", "--json"]
    main(["train", "valuevec", str(csv), "--text", "title", "--value", "price", *args])
    res = json.loads(capsys.readouterr().out)
    assert res["value_transform"] == "log"
    model = ws.ValueVec.load(res["output"])
    py = ws.ValueVec(vector_size=6, epochs=10, seed=0, min_count=3).fit(
        pd.read_csv(csv), text="title", value="price"
    )
    np.testing.assert_array_equal(model.wv.vectors, py.wv.vectors)
    main(
        ["train", "valuevec", str(csv), "--text", "title", "--value", "price", *args,
         "--value-transform", "none", "-o", str(tmp_path / "n.wsv")]
    )  # fmt: skip
    assert json.loads(capsys.readouterr().out)["value_transform"] is None


def test_cli_value_size(tmp_path, capsys):
    csv = tmp_path / "l.csv"
    listings(120).to_csv(csv, index=False)
    common = ["--text", "title", "--value", "price", "--min-count", "3", "--json"]
    main(
        ["train", "valuevec", str(csv), *common, "--semantic-weight", "0.5", "--dim", "8",
         "--value-size", "2", "--epochs", "5", "--text-epochs", "1", "-o", str(tmp_path / "j.wsv")]
    )  # fmt: skip
    capsys.readouterr()
    vv = ws.ValueVec.load(tmp_path / "j.wsv")
    assert vv.value_size == 2 and vv.value_vectors().vector_size == 2
    with pytest.raises(SystemExit) as e:
        main(["train", "valuevec", str(csv), *common, "--value-size", "two"])
    assert e.value.code == 2
    assert "--value-size must be auto or a whole number" in capsys.readouterr().err


# ---------------------------------------------------------- value_holdout's baselines
@pytest.fixture(scope="module")
def topics():
    return ws.datasets.topic_records(n_topics=6, words_per_topic=20, n_records=2500, seed=3)


def test_value_holdout_lists_every_plain_baseline_and_the_gain_against_the_strongest(topics):
    est = ws.ValueVec(semantic_weight=0.8, vector_size=8, epochs=10, text_epochs=2)
    r = ws.evaluate.value_holdout(est, topics, text="text", value="value", baseline_sizes=(12,))
    got = {(b["model"], b["vector_size"], b["predictor"]) for b in r["baselines"]}
    assert got == {
        (m, d, p) for m in ("skip-gram", "cbow") for d in (8, 12) for p in ("knn", "ridge")
    }
    for b in r["baselines"]:
        assert -1 <= b["spearman"] <= 1 and b["n_test"] == r["n_test"]
    best = max(r["baselines"], key=lambda b: b["spearman"])
    assert r["strongest"] == best
    assert r["gain"] == pytest.approx(r["spearman"] - best["spearman"])
    assert set(r["probes"]) == {"knn", "ridge", "text", "text+ridge"}
    assert r["predictor"] == "text+ridge"  # "auto" on a joint model with text values
    assert r["probes"][r["predictor"]] == {k: r[k] for k in ("spearman", "mae", "n_test")}
    assert r["seed"] == est.seed == 1  # the estimator's seed by default
    assert r["value_transform"] is None  # topic values are spread evenly
    # the old same-predictor skip-gram entry: the matching baseline row (k-NN, the vector
    # predictor, when the joint model's predictor is a text one)
    sg = [
        b
        for b in r["baselines"]
        if (b["model"], b["vector_size"], b["predictor"]) == ("skip-gram", 8, "knn")
    ]
    assert r["word2vec"]["spearman"] == pytest.approx(sg[0]["spearman"])


def test_cli_and_python_value_holdout_share_the_default_seed(topics, tmp_path, capsys):
    csv = tmp_path / "t.csv"
    topics.to_csv(csv, index=False)
    main(
        ["value-holdout", str(csv), "--text", "text", "--value", "value", "--dim", "8",
         "--epochs", "10", "--text-epochs", "2", "--no-baselines", "--json", "--workers", "1"]
    )  # fmt: skip
    cli = json.loads(capsys.readouterr().out)
    # workers=1: reproducible bit for bit (the default 2 trains the text Hogwild-style)
    est = ws.ValueVec(semantic_weight=0.8, vector_size=8, epochs=10, text_epochs=2, workers=1)
    py = ws.evaluate.value_holdout(
        est, pd.read_csv(csv), text="text", value="value", baselines=False
    )
    assert cli["seed"] == py["seed"] == 1
    assert cli["spearman"] == py["spearman"] and cli["mae"] == py["mae"]


def test_semantic_weight_zero_warns_that_unvalued_words_are_noise(topics):
    vals = ws.ValueVec(min_count=5).fit(topics, text="text", value="value").word_values_
    half = dict(zip(vals["word"][::2], vals["value"][::2], strict=True))
    corpus = topics["text"].tolist()
    with pytest.warns(UserWarning, match="have no value and keep their random initial vectors"):
        vv = ws.ValueVec(semantic_weight=0.0, epochs=5).fit(half, corpus=corpus)
    unvalued = next(w for w in vv.wv.index_to_key if w not in half)
    with pytest.warns(UserWarning, match="their predicted values are noise"):
        vv.predict_value(unvalued)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # valued words: no warning
        vv.predict_value(next(iter(half)))


# ------------------------------------------------------------- on pretrained vectors
def pretrained_space(n=300, d=12, seed=0):
    """Pretrained-like vectors whose first axis carries a hidden value, the rest noise."""
    g = np.random.default_rng(seed)
    value = g.uniform(0, 10, n)
    m = g.normal(0, 1, (n, d)).astype(np.float32)
    m[:, 0] = (value - 5) / 2
    words = [f"w{i}" for i in range(n)]
    return ws.WordVectors(words, m), dict(zip(words, value, strict=True))


def test_value_block_on_pretrained_vectors_reaches_unseen_words(tmp_path):
    from scipy.stats import spearmanr

    wv, value = pretrained_space()
    given = {w: value[w] for w in list(value)[:150]}
    unseen = list(value)[150:]
    vv = ws.ValueVec(vector_size=6, epochs=30, seed=0).fit(given, vectors=wv)
    assert vv.is_pretrained and not vv.is_joint
    assert vv.wv.index_to_key == wv.index_to_key  # every pretrained word, same order
    assert vv.wv.vector_size == 12 + 6 and vv.value_vectors().vector_size == 6
    np.testing.assert_allclose(vv.wv.vectors[:, :12], wv.get_normed_vectors(), atol=1e-6)
    assert np.isnan(vv.wv.extras["values"][150:]).all()
    assert vv.alignment()["spearman"] > 0.9
    truth = [value[w] for w in unseen]
    for how in ("knn", "ridge"):
        rho = spearmanr(vv.predict_value(unseen, predictor=how), truth).statistic
        assert rho > 0.6, how
    # unseen words' value blocks follow their pretrained place: the block alone ranks them
    block = vv.value_vectors().get_normed_vectors()
    hi = block[[vv.wv.key_to_index[w] for w in given if given[w] > 9]].mean(axis=0)
    cos_hi = block[[vv.wv.key_to_index[w] for w in unseen]] @ hi
    assert spearmanr(cos_hi, truth).statistic > 0.6
    path = tmp_path / "p.wsv"
    vv.save(path)
    back = ws.ValueVec.load(path)
    assert back.is_pretrained
    np.testing.assert_array_equal(back.wv.vectors, vv.wv.vectors)
    np.testing.assert_allclose(back.predict_value(unseen[:5]), vv.predict_value(unseen[:5]))


def test_pretrained_vectors_bad_input_is_named():
    wv, value = pretrained_space(50)
    given = {w: value[w] for w in list(value)[:20]}
    with pytest.raises(ws.ParameterError, match="leave semantic_weight"):
        ws.ValueVec(semantic_weight=0.5).fit(given, vectors=wv)
    with pytest.raises(ws.ParameterError, match="must be WordVectors"):
        ws.ValueVec().fit(given, vectors="glove")
    with pytest.raises(ws.ValueDataError, match="are in the pretrained vocabulary"):
        ws.ValueVec().fit({"x": 1.0, "y": 2.0, "z": 3.0, "w1": 4.0}, vectors=wv)
    with pytest.warns(UserWarning, match="1 of the 21 words with values are not in the"):
        vv = ws.ValueVec(epochs=5).fit({**given, "nowhere": 1.0}, vectors=wv)
    with pytest.raises(ws.ParameterError, match="partial_fit does not continue"):
        vv.partial_fit()


def test_distributed_parts_are_ranked_among_all_the_values():
    from wordspace.train.valuevec.values import global_transform

    v = np.random.default_rng(4).standard_cauchy(999)
    whole = transform_values(v, "rank")
    per_part = global_transform(v, "auto")  # "auto" picks "rank" here, on all the values
    parts = np.concatenate([transform_values(p, per_part) for p in np.array_split(v, 3)])
    np.testing.assert_allclose(parts, whole)
    assert global_transform(np.random.default_rng(5).lognormal(3, 1.5, 500), "auto") == "log"
