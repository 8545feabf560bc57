"""Meaning and value in one space: the joint kernel, predict_value, value_holdout."""

import numpy as np
import pandas as pd
import pytest

import wordspace as ws
from wordspace import datasets
from wordspace.kernels.valuevec_rank import COSENT, MSE, value_sgd


def cosent_ref(s, y, lam):
    d = lam * (s[None, :] - s[:, None])
    return np.log1p(np.exp(d[y[:, None] > y[None, :]]).sum())


def value_sgd_reference(w, rows, center, context, label, order, lo, hi, bs, lr, objective, lam):
    """The joint value step written plainly in float64."""
    w = w.astype(np.float64)
    for b0 in range(lo, hi, bs):
        batch = order[b0 : min(hi, b0 + bs)]
        ri, rj = rows[center[batch]], rows[context[batch]]
        ni = np.linalg.norm(w[ri], axis=1)
        nj = np.linalg.norm(w[rj], axis=1)
        ui, uj = w[ri] / ni[:, None], w[rj] / nj[:, None]
        s = np.einsum("ij,ij->i", ui, uj)
        y = label[batch].astype(np.float64)
        if objective == MSE:
            g = (s + 1) / 2 - y
        else:
            h = 1e-6
            g = np.array(
                [
                    (cosent_ref(s + h * e, y, lam) - cosent_ref(s - h * e, y, lam)) / (2 * h)
                    for e in np.eye(len(s))
                ]
            )
        before = {r: np.linalg.norm(w[r]) for r in np.concatenate([ri, rj])}
        step = np.zeros_like(w)
        for q in range(len(batch)):
            step[ri[q]] -= g[q] * (uj[q] - s[q] * ui[q]) * ni[q]
            step[rj[q]] -= g[q] * (ui[q] - s[q] * uj[q]) * nj[q]
        w += lr * step
        for r, n0 in before.items():
            w[r] *= n0 / np.linalg.norm(w[r])
    return w


@pytest.mark.parametrize("objective", [MSE, COSENT])
def test_joint_value_kernel_matches_the_numpy_reference(objective):
    g = np.random.default_rng(objective)
    w = (g.standard_normal((9, 4)) * g.uniform(0.2, 3, (9, 1))).astype(np.float32)
    rows = np.array([8, 1, 3, 5, 0, 6], np.int64)  # valued words among the 9 rows
    center = g.integers(0, 6, 25).astype(np.int32)
    context = g.integers(0, 6, 25).astype(np.int32)
    context[context == center] = (context[context == center] + 1) % 6
    label = g.random(25).astype(np.float32)
    order = g.permutation(25).astype(np.int64)
    ref = value_sgd_reference(w, rows, center, context, label, order, 3, 22, 6, 0.3, objective, 5.0)
    out = w.copy()
    value_sgd(out, rows, center, context, label, order, 3, 22, 6, 0.3, objective, 5.0)
    np.testing.assert_allclose(out, ref, atol=2e-5)
    np.testing.assert_array_equal(out[[2, 4, 7]], w[[2, 4, 7]])  # rows without values
    np.testing.assert_allclose(
        np.linalg.norm(out, axis=1), np.linalg.norm(w, axis=1), rtol=1e-5
    )  # value steps rotate, skip-gram owns the norms


@pytest.fixture(scope="module")
def topics():
    return datasets.topic_records(n_topics=6, words_per_topic=20, n_records=2500, seed=3)


def test_held_out_words_get_their_topic_value_back(topics):
    r = ws.evaluate.value_holdout(
        ws.ValueVec(semantic_weight=0.8),
        topics,
        text="text",
        value="value",
        seed=1,
        return_models=True,
    )
    joint, plain = r.pop("models")
    assert r["n_test"] == 26 and r["n_train"] == 104
    assert r["spearman"] > 0.9
    assert r["mae"] < 0.1 * r["mean"]["mae"]
    assert r["alignment"] > 0.9
    assert set(r["word2vec"]) == {"spearman", "mae", "n_test"} and r["mean"]["spearman"] is None
    # the hidden words were never given a value, yet they have vectors and predictions
    hidden = [w for w in joint.wv.index_to_key if w not in joint.pairs_.words]
    assert len(hidden) == 26
    topic_of = {w: ord(w[1]) - 97 for w in hidden if w.startswith("t")}
    pred = joint.predict_value(list(topic_of))
    assert np.all(np.abs(pred - 10.0 * np.array(list(topic_of.values()))) < 3)
    # ridge probe as well
    ridge = joint.predict_value(list(topic_of), predictor="ridge")
    assert np.corrcoef(ridge, [topic_of[w] for w in topic_of])[0, 1] > 0.9


def test_semantic_weight_one_is_plain_skipgram_and_zero_is_values_only(topics):
    # workers=1: one text job at a time, reproducible bit for bit (the default 2 is Hogwild)
    a = ws.ValueVec(semantic_weight=1.0, epochs=5, workers=1)
    a.fit(topics, text="text", value="value")
    shifted = topics.assign(value=-topics["value"])
    b = ws.ValueVec(semantic_weight=1.0, epochs=5, workers=1)
    b.fit(shifted, text="text", value="value")
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)  # values do not touch them
    assert a.alpha_ == 0.0 and a.is_joint and len(a.wv) == 130
    c = ws.ValueVec(semantic_weight=0.0, epochs=20).fit(topics, text="text", value="value")
    assert c.alignment()["spearman"] > 0.9 and c.alpha_ == 2.0 and c.objective_ == "mse"
    assert c.value_epochs_ == 20  # no text trained: nothing to keep pace with
    assert np.isfinite(c.wv.extras["values"]).sum() == c.pairs_.n_words == 130


def test_joint_from_a_word_table_and_an_external_corpus(topics, tmp_path):
    word_values = {f"t{chr(97 + k)}wa": 10.0 * k for k in range(6)}
    word_values.update({f"t{chr(97 + k)}wb": 10.0 * k for k in range(6)})
    vv = ws.ValueVec(semantic_weight=0.7, epochs=20, seed=4)
    vv.fit(word_values, corpus=topics["text"].tolist())
    assert len(vv.wv) == 130 and vv.pairs_.n_words == 12
    # an unvalued word of topic 4 sits with topic 4's valued words
    assert vv.predict_value("tewc", n_neighbors=2) == pytest.approx(40.0, abs=6)
    path = tmp_path / "joint.wsv"
    vv.save(path)
    back = ws.ValueVec.load(path)
    assert back.is_joint and back.pairs_.words == vv.pairs_.words
    assert (back.objective_, back.alpha_) == (vv.objective_, vv.alpha_)
    assert vv.objective_ == "mse" and vv.alpha_ == pytest.approx(0.3 * 2)
    np.testing.assert_array_equal(back.wv.vectors, vv.wv.vectors)
    assert back.predict_value("tewc") == vv.predict_value("tewc")
    assert back.alignment()["spearman"] == pytest.approx(vv.alignment()["spearman"])
    corpus_file = tmp_path / "corpus.txt"
    corpus_file.write_text("\n".join(topics["text"]) + "\n")
    from_path = ws.ValueVec(semantic_weight=0.7, epochs=20, seed=4).fit(
        word_values, corpus=corpus_file
    )
    assert sorted(from_path.wv.index_to_key) == sorted(vv.wv.index_to_key)


def test_records_without_a_value_lend_their_text(topics):
    part = topics.copy()
    part.loc[part.index[::2], "value"] = np.nan
    vv = ws.ValueVec(semantic_weight=0.8, epochs=5).fit(part, text="text", value="value")
    assert len(vv.wv) == 130
    assert int(vv.word_values_["count"].max()) < int(vv.wv.counts.max())


def test_predict_value_on_value_only_models_and_errors():
    df = datasets.color_spectrum(30, seed=42)
    vv = ws.ValueVec().fit(df, word="keyword", value="estimated_value")
    p = vv.predict_value("crimson", n_neighbors=3)  # leave-one-out: not its own 730
    assert 700 < p < 740 and p != 730.0
    assert isinstance(p, float) and vv.predict_value(["red", "blue"]).shape == (2,)
    with pytest.raises(ws.OutOfVocabularyError):
        vv.predict_value("ultraviolet")
    with pytest.raises(ws.ParameterError, match="predictor must be"):
        vv.predict_value("red", predictor="svm")
    with pytest.raises(ws.ParameterError, match="not fitted"):
        ws.ValueVec().predict_value("red")


def test_joint_parameter_errors(topics):
    data = {"a": 1.0, "b": 2.0, "c": 3.0}
    with pytest.raises(ws.ParameterError, match="set semantic_weight"):
        ws.ValueVec().fit(data, corpus=[["a", "b"]])
    with pytest.raises(ws.ParameterError, match="pass corpus="):
        ws.ValueVec(semantic_weight=0.5).fit(data)
    with pytest.raises(ws.ParameterError, match=r"semantic_weight must be None .* \[0, 1\]"):
        ws.ValueVec(semantic_weight=1.5).fit(data)
    with pytest.raises(ws.ValueDataError, match="only 0 of the 3 words with values"):
        ws.ValueVec(semantic_weight=0.5).fit(data, corpus=topics["text"].tolist())
    for bad in (16, 0, 2.5, "half"):
        with pytest.raises(ws.ParameterError, match="value_size must be 'auto' or an integer"):
            ws.ValueVec(semantic_weight=0.5, value_size=bad).fit(data, corpus=[["a"]])
    with pytest.raises(ws.ParameterError, match="semantic_weight set"):
        ws.evaluate.value_holdout(ws.ValueVec(), topics, text="text", value="value")
    vv = ws.ValueVec(semantic_weight=0.5, epochs=2).fit(topics, text="text", value="value")
    with pytest.raises(ws.ParameterError, match="a joint model continues on more text"):
        vv.partial_fit()
    assert isinstance(pd.DataFrame(vv.word_values_), pd.DataFrame)


def test_the_value_loss_moves_only_its_own_dimensions(topics):
    from wordspace.train.word2vec import _init_vectors

    # semantic_weight=0: no skip-gram step, so every change comes from the value loss
    vv = ws.ValueVec(semantic_weight=0.0, vector_size=8, value_size=3, epochs=20)
    vv.fit(topics, text="text", value="value")
    init = _init_vectors(np.random.default_rng(vv.seed), len(vv.vocab_), 8)
    np.testing.assert_array_equal(vv.syn0_[:, :5], init[:, :5])  # meaning block untouched
    rows = vv.value_rows_
    assert np.abs(vv.syn0_[rows, 5:] - init[rows, 5:]).max() > 0.01
    assert vv.value_vectors().vectors.shape == (130, 3)
    assert vv.alignment()["spearman"] > 0.9  # in the value block
    assert vv.alignment(full=True)["spearman"] < vv.alignment()["spearman"]
    # value_size=vector_size: the value loss acts on the whole vector
    whole = ws.ValueVec(semantic_weight=0.0, vector_size=8, value_size=8, epochs=20)
    whole.fit(topics, text="text", value="value")
    assert np.abs(whole.syn0_[rows, :5] - init[rows, :5]).max() > 0.01
    assert whole.alignment(full=True)["spearman"] == whole.alignment()["spearman"]


def test_joint_defaults_block_and_value_passes_keep_pace_with_the_text(topics):
    vv = ws.ValueVec(semantic_weight=0.8, epochs=5).fit(topics, text="text", value="value")
    assert vv._value_slice() == slice(10, 15)  # "auto": a third of 15, rounded up
    assert vv.value_vectors().vectors.shape == (130, 5)
    # at least one value-pair step per text token trained (tokens x text passes)
    tokens = int(vv.wv.counts.sum())
    want = -(-tokens * vv.text_epochs // len(vv.pairs_))
    assert want > 5 and vv.value_epochs_ == want
    more = ws.ValueVec(semantic_weight=0.8, epochs=want + 3).fit(topics, text="text", value="value")
    assert more.value_epochs_ == want + 3  # epochs is the floor
    cos = ws.ValueVec(semantic_weight=0.8, objective="cosent", epochs=5)
    cos.fit(topics, text="text", value="value")
    assert cos.objective_ == "cosent" and cos.alpha_ == pytest.approx(0.2 * 20)
