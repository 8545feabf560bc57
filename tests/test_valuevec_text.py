"""ValueVec III: text values (values propagated through the documents of the text), the text
predictors, their persistence, and value_holdout's propagation baseline."""

import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

import wordspace as ws
from wordspace.errors import FormatError, ParameterError
from wordspace.train.valuevec.propagation import SHRINKAGES, calibrate, incidence, text_values

# documents over the words 0..5 (word 5 in no document with a valued word)
DOCS = [[0, 1, 2, 0], [0, 3], [1, 3, 4], [2, 4, 1], [4], [5, 5]]
ROWS = np.array([0, 1, 2])  # the valued words
VALS = np.array([1.0, 4.0, 10.0])


def as_ids(docs):
    ids = np.array([w for d in docs for w in d], dtype=np.int32)
    starts = np.r_[0, np.cumsum([len(d) for d in docs])].astype(np.int64)
    return ids, starts


def by_definition(docs, rows, vals, k, idf):
    """Text values by the definition, loop by loop: a document's score is the (IDF-weighted)
    mean of the centred values of its valued words (for a valued word w: without w); a word's
    text value is the sum of its scored documents' scores over their number plus k."""
    n_docs = len(docs)
    sets = [set(d) for d in docs]
    df = {w: sum(w in s for s in sets) for w in range(6)}
    m = float(np.mean(vals))
    value = dict(zip(rows.tolist(), vals.tolist(), strict=True))
    weight = {w: (np.log(n_docs / df[w]) if idf else 1.0) for w in value}
    out = []
    for w in range(6):
        total, n = 0.0, 0
        for s in sets:
            if w not in s:
                continue
            others = [j for j in s if j in value and j != w]
            den = sum(weight[j] for j in others)
            if den > 0:
                total += sum(weight[j] * (value[j] - m) for j in others) / den
                n += 1
        out.append(total / (n + k) if n else np.nan)
    return np.array(out)


def test_incidence_is_the_binary_document_word_matrix_whatever_the_chunk():
    ids, starts = as_ids(DOCS)
    dense = np.zeros((len(DOCS), 6))
    for d, doc in enumerate(DOCS):
        dense[d, doc] = 1.0
    for chunk in (1, 3, 7, 1000):  # one document per chunk up to all at once
        got = incidence(ids, starts, 6, chunk=chunk)
        assert got.shape == (6, 6) and np.array_equal(got.toarray(), dense)


@pytest.mark.parametrize("idf", [True, False])
@pytest.mark.parametrize("k", [0.5, 2.0])
def test_text_values_follow_the_definition_leave_one_out_for_valued_words(idf, k):
    docs = incidence(*as_ids(DOCS), 6)
    got, used = text_values(docs, ROWS, VALS, shrinkage=k, idf=idf)
    assert used == k
    want = by_definition(DOCS, ROWS, VALS, k, idf)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert np.isnan(got[5])  # no document with a valued word
    # leave-one-out: word 0's own value does not reach its own text value (its documents'
    # scores without it) except through the mean the values are centred on
    moved = VALS.copy()
    moved[0] = 7.0
    again, _ = text_values(docs, ROWS, moved, shrinkage=k, idf=idf)
    shift = np.mean(moved) - np.mean(VALS)
    n0 = 1  # word 0's documents with another valued word: the first (1, 2); the second has none
    assert again[0] == pytest.approx(got[0] - shift * n0 / (n0 + k), abs=1e-12)


def test_a_valued_word_alone_in_its_documents_has_no_text_value():
    docs = incidence(*as_ids([[0, 1], [2, 3], [2, 4]]), 5)
    got, _ = text_values(docs, np.array([0, 2]), np.array([1.0, 5.0]), shrinkage=1.0)
    assert np.isnan(got[0]) and np.isnan(got[2])  # each is its documents' only valued word
    assert np.isfinite(got[[1, 3, 4]]).all()


def test_auto_shrinkage_is_the_best_leave_one_out_fit_on_the_valued_words():
    g = np.random.default_rng(0)
    docs_list = [list(g.choice(40, 8)) for _ in range(200)]
    rows = np.arange(0, 40, 2)
    vals = g.uniform(0, 1, len(rows))
    docs = incidence(*as_ids(docs_list), 40)
    got, k = text_values(docs, rows, vals)
    rho = {}
    for kk in SHRINKAGES:
        t, _ = text_values(docs, rows, vals, shrinkage=kk)
        rho[kk] = spearmanr(t[rows], vals).statistic
    assert k == max(SHRINKAGES, key=lambda kk: (rho[kk], -kk))
    np.testing.assert_array_equal(got, text_values(docs, rows, vals, shrinkage=k)[0])


def test_calibrate_is_the_least_squares_line():
    t = np.array([np.nan, -1.0, 0.0, 2.0, 3.0])
    rows = np.array([0, 1, 2, 3, 4])
    vals = np.array([9.0, 1.0, 2.0, 5.0, 8.0])
    a, b = calibrate(t, rows, vals)
    bb, aa = np.polyfit(t[1:], vals[1:], 1)  # the word without a text value left out
    assert (a, b) == pytest.approx((aa, bb))


# ------------------------------------------------------------------ the model
def planted(n=300, seed=0, vocab=200, length=40):
    """Records whose words are drawn near the record's value: a word's value is, by
    construction, a mean over its records, which propagation reads directly, while the
    vectors must learn it from 300 short texts."""
    g = np.random.default_rng(seed)
    u = g.uniform(0, 1, vocab)  # each word's latent value
    names = ["w" + chr(97 + i // 26) + chr(97 + i % 26) for i in range(vocab)]
    rows = []
    for _ in range(n):
        v = g.uniform(0, 1)
        p = np.exp(-((u - v) ** 2) / 0.02)
        words = g.choice(vocab, length, p=p / p.sum())
        rows.append((" ".join(names[i] for i in words), 100 * v + g.normal(0, 5)))
    return pd.DataFrame(rows, columns=["text", "value"])


@pytest.fixture(scope="module")
def records():
    return planted()


def small(**kw):
    return ws.ValueVec(
        semantic_weight=0.8, vector_size=8, epochs=10, text_epochs=2, workers=1, **kw
    )


def test_joint_fit_computes_text_values_from_its_text(records):
    vv = small().fit(records, text="text", value="value")
    assert vv.text_values_.shape == (len(vv.wv),)
    assert vv.text_shrinkage_ in SHRINKAGES
    # the same arithmetic on the same documents and values, outside the model
    tok = ws.Tokenizer(normalize=True)
    k2i = vv.wv.key_to_index
    docs = [[k2i[w] for w in tok(t) if w in k2i] for t in records["text"]]
    want, k = text_values(
        incidence(*as_ids([d for d in docs if d]), len(vv.wv)),
        vv.value_rows_,
        vv.pairs_.values,
    )
    assert k == vv.text_shrinkage_
    np.testing.assert_allclose(vv.text_values_, want, rtol=1e-10)
    # a values-only model has none, and a text predictor says how to get them
    plain = ws.ValueVec(epochs=5).fit(records, text="text", value="value")
    assert plain.text_values_ is None and plain._predictor(None) == "knn"
    with pytest.raises(ParameterError, match="needs the text values of a joint model"):
        plain.predict_value(plain.wv.index_to_key[0], predictor="text")


def test_text_predictors_put_text_values_on_the_values_scale(records):
    vv = small().fit(records, text="text", value="value")
    words = vv.wv.index_to_key[:30]
    text = vv.predict_value(words, predictor="text")
    a, b = calibrate(vv.text_values_, vv.value_rows_, vv.pairs_.values)
    idx = [vv.wv.key_to_index[w] for w in words]
    np.testing.assert_allclose(text, a + b * vv.text_values_[idx])
    assert b > 0  # higher text value, higher value
    assert vv.predictor == "auto"
    np.testing.assert_array_equal(
        vv.predict_value(words), vv.predict_value(words, predictor="text+ridge")
    )


def test_text_predictors_fall_back_to_the_vectors_knn_without_a_text_value(records):
    vv = small().fit(records, text="text", value="value")
    i = 0
    vv.text_values_ = vv.text_values_.copy()
    vv.text_values_[i] = np.nan  # as for a word in no document with a valued word
    w = vv.wv.index_to_key[i]
    for how in ("text", "text+ridge"):
        assert vv.predict_value(w, predictor=how) == vv.predict_value(w, predictor="knn")


def test_combined_predictor_beats_the_vector_probes_on_planted_records(records):
    r = ws.evaluate.value_holdout(
        small(), records, text="text", value="value", baselines=False, seed=0
    )
    p = {how: v["spearman"] for how, v in r["probes"].items()}
    assert r["predictor"] == "text+ridge" and r["spearman"] == p["text+ridge"]
    assert p["text+ridge"] > max(p["knn"], p["ridge"]) + 0.03
    assert r["text_propagation"]["spearman"] > max(p["knn"], p["ridge"]) + 0.03


def test_value_holdout_reports_propagation_and_both_gains(records):
    r = ws.evaluate.value_holdout(
        small(), records, text="text", value="value", baseline_sizes=(12,), seed=0
    )
    prop = r["text_propagation"]
    assert prop["n_test"] == r["n_test"] and prop["missing"] == 0
    assert r["text_shrinkage"] in SHRINKAGES
    got = {(b["model"], b["vector_size"]) for b in r["baselines_text"]}
    assert got == {(m, d) for m in ("skip-gram", "cbow") for d in (8, 12)}
    best = max(r["baselines"], key=lambda b: b["spearman"])
    assert r["strongest"] == best and r["gain"] == pytest.approx(r["spearman"] - best["spearman"])
    every = [b["spearman"] for b in r["baselines"] + r["baselines_text"]] + [prop["spearman"]]
    assert r["strongest_all"]["spearman"] == max(every)
    assert r["gain_vs_all"] == pytest.approx(r["spearman"] - max(every))
    assert r["gain_vs_all"] <= r["gain"] + 1e-12


def test_cli_value_holdout_prints_propagation_and_the_gain_against_all(records, tmp_path, capsys):
    from wordspace.cli import main

    csv = tmp_path / "r.csv"
    records.to_csv(csv, index=False)
    main(
        ["value-holdout", str(csv), "--text", "text", "--value", "value", "--dim", "8",
         "--epochs", "10", "--text-epochs", "2", "--workers", "1", "--json"]
    )  # fmt: skip
    res = json.loads(capsys.readouterr().out)
    assert {"text_propagation", "gain", "gain_vs_all", "strongest_all"} <= set(res)
    main(
        ["value-holdout", str(csv), "--text", "text", "--value", "value", "--dim", "8",
         "--epochs", "10", "--text-epochs", "2", "--workers", "1"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "text propagation alone" in out and "strongest of all baselines" in out


# ------------------------------------------------------------------ persistence
def test_text_values_survive_save_and_load(records, tmp_path):
    vv = small().fit(records, text="text", value="value")
    vv.save(tmp_path / "m.wsv")
    back = ws.ValueVec.load(tmp_path / "m.wsv")
    np.testing.assert_array_equal(back.text_values_, vv.text_values_)
    assert back.text_shrinkage_ == vv.text_shrinkage_
    words = vv.wv.index_to_key[:20]
    np.testing.assert_allclose(back.predict_value(words), vv.predict_value(words))


def without_text_values(src, dst):
    """A copy of a saved model as saved before text values existed."""
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w") as out:
        for name in z.namelist():
            if name == "text_values.npy":
                continue
            data = z.read(name)
            if name == "meta.json":
                meta = json.loads(data)
                del meta["valuevec"]["text_shrinkage"]
                meta["arrays"] = [a for a in meta["arrays"] if a != "text_values"]
                data = json.dumps(meta).encode()
            out.writestr(name, data)


def test_models_saved_before_text_values_load_and_predict_with_the_vectors(records, tmp_path):
    vv = small().fit(records, text="text", value="value")
    vv.save(tmp_path / "new.wsv")
    without_text_values(tmp_path / "new.wsv", tmp_path / "old.wsv")
    old = ws.ValueVec.load(tmp_path / "old.wsv")
    assert old.is_joint and old.text_values_ is None
    words = vv.wv.index_to_key[:20]
    np.testing.assert_allclose(old.predict_value(words), vv.predict_value(words, predictor="knn"))
    with pytest.raises(ParameterError, match="fit it again on its text"):
        old.predict_value(words, predictor="text+ridge")


def test_a_damaged_text_values_array_is_a_format_error(records, tmp_path):
    vv = small().fit(records, text="text", value="value")
    vv.text_values_ = vv.text_values_[:-1]
    vv.save(tmp_path / "bad.wsv")
    with pytest.raises(FormatError, match="text_values.npy has shape"):
        ws.ValueVec.load(tmp_path / "bad.wsv")


def test_partial_fit_computes_the_text_values_of_the_new_text(records):
    first, second = records.iloc[:150], records.iloc[150:]
    vv = small().fit(first, text="text", value="value")
    before = vv.text_values_.copy()
    vv.partial_fit(second, text="text", value="value")
    tok = ws.Tokenizer(normalize=True)
    k2i = vv.wv.key_to_index
    docs = [[k2i[w] for w in tok(t) if w in k2i] for t in second["text"]]
    want, k = text_values(
        incidence(*as_ids([d for d in docs if d]), len(vv.wv)), vv.value_rows_, vv.pairs_.values
    )
    assert k == vv.text_shrinkage_
    np.testing.assert_allclose(vv.text_values_, want, rtol=1e-10)
    assert not np.allclose(before, vv.text_values_, equal_nan=True)
