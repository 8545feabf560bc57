"""Documents as features: embed() and DocEmbedder against the methods they wrap, and in a
scikit-learn pipeline that must learn planted topics."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from wordspace import WordVectors
from wordspace.analysis.docfeatures import DocEmbedder, embed
from wordspace.analysis.textsim import SIF, mean_vector
from wordspace.errors import ParameterError

SPORT = "goal match team ball player score coach league".split()
FOOD = "bread soup cheese salad pasta sauce cook kitchen".split()
COMMON = "the a and of it was very".split()


def topics_wv(seed: int = 0) -> WordVectors:
    """Sport words near one direction, food words near another, common words in between."""
    rng = np.random.default_rng(seed)
    e1, e2 = np.eye(16)[0], np.eye(16)[1]
    rows = [e1 + 0.3 * rng.normal(size=16) for _ in SPORT]
    rows += [e2 + 0.3 * rng.normal(size=16) for _ in FOOD]
    rows += [0.5 * (e1 + e2) + 0.3 * rng.normal(size=16) for _ in COMMON]
    return WordVectors(SPORT + FOOD + COMMON, np.array(rows, dtype=np.float32))


def docs(n: int, seed: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    out, y = [], []
    for i in range(n):
        lab = i % 2
        topic = SPORT if lab == 0 else FOOD
        words = list(rng.choice(topic, 3)) + list(rng.choice(COMMON, 4))
        rng.shuffle(words)
        out.append(" ".join(words))
        y.append(lab)
    return out, np.array(y)


def test_mean_rows_equal_mean_vector_and_unknown_documents_are_zero():
    wv = topics_wv()
    d = ["the goal and the ball", "soup of cheese", "zzz qqq"]
    x = embed(d, "mean", wv=wv)
    assert x.shape == (3, 16) and x.dtype == np.float32
    np.testing.assert_allclose(x[0], mean_vector(wv, d[0]), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(x[1], mean_vector(wv, d[1]), rtol=1e-6, atol=1e-6)
    assert not x[2].any()


def test_sif_rows_equal_a_sif_fitted_on_the_same_documents():
    wv = topics_wv()
    d, _ = docs(20, 1)
    np.testing.assert_allclose(
        embed(d, "sif", wv=wv), SIF(wv).fit(d).transform(d), rtol=1e-6, atol=1e-6
    )
    train, test = d[:10], d[10:]
    np.testing.assert_allclose(
        embed(test, "sif", wv=wv, fit_on=train),
        SIF(wv).fit(train).transform(test),
        rtol=1e-6,
        atol=1e-6,
    )


def test_tfidf_is_sparse_and_learns_its_idf_from_fit_on():
    wv = topics_wv()
    train = ["the goal", "the soup", "the ball and the goal"]
    x = embed(["goal goal soup", "zzz"], "tfidf", wv=wv, fit_on=train)
    assert sp.issparse(x) and x.shape == (2, 5)  # the, goal, soup, ball, and
    emb = DocEmbedder("tfidf", wv=wv).fit(train)
    assert set(emb.model_.vocabulary_) == {"the", "goal", "soup", "ball", "and"}
    assert x[1].nnz == 0  # a word TF-IDF never saw weighs nothing
    np.testing.assert_allclose(np.linalg.norm(x[0].toarray()), 1.0)


@pytest.mark.parametrize("method", ["mean", "sif", "tfidf"])
def test_a_pipeline_learns_planted_topics(method):
    wv = topics_wv()
    x_train, y_train = docs(60, 2)
    x_test, y_test = docs(40, 3)
    pipe = make_pipeline(DocEmbedder(method, wv=wv), LogisticRegression(max_iter=1000))
    acc = pipe.fit(x_train, y_train).score(x_test, y_test)
    assert acc >= 0.9
    c = clone(pipe)  # parameters from the signature: scikit-learn can clone it
    assert c.steps[0][1].get_params()["method"] == method and not c.steps[0][1].is_fitted


def test_bad_input_is_a_typed_error():
    wv = topics_wv()
    with pytest.raises(ParameterError, match="method must be one of"):
        embed(["a"], "bm25", wv=wv)
    with pytest.raises(ParameterError, match="needs word vectors"):
        embed(["a"], "mean")
    with pytest.raises(ParameterError, match="not one string"):
        embed("the goal", "mean", wv=wv)
    with pytest.raises(ParameterError, match="TF-IDF could not be fitted"):
        embed([""], "tfidf")
    with pytest.raises(ParameterError, match="not fitted|fit"):
        DocEmbedder("mean", wv=wv).transform(["goal"])


def _load_example(name: str):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "applied" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_the_applied_examples_run_on_small_files(tmp_path):
    """The IMDB and wine examples on files of their formats with planted topics: the
    representations must find them (accuracy, adjusted Rand index)."""
    import csv
    import gzip

    glove = tmp_path / "g.wsv"
    topics_wv().save(glove)
    texts, y = docs(120, 4)
    with gzip.open(tmp_path / "imdb.tsv.gz", "wt", encoding="utf-8") as f:
        f.write("split\tlabel\tid\trating\ttext\n")
        for i, (t, lab) in enumerate(zip(texts, y, strict=True)):
            split = "train" if i < 60 else "test"
            f.write(f"{split}\t{'pos' if lab else 'neg'}\t{i}\t{8 if lab else 2}\t{t}\n")
        f.write(f"train\tunsup\t999\t0\t{texts[0]}\n")
    imdb = _load_example("classify_imdb")
    res = imdb.run(str(tmp_path / "imdb.tsv.gz"), n=40, glove=str(glove), epochs=2, workers=1)
    assert res["n_train"] == 40 and res["n_test"] == 40
    names = [r["representation"] for r in res["rows"]]
    assert names[:4] == ["TF-IDF", "mean word2vec", "SIF word2vec", "mean GloVe 6B 50d"]
    acc = {r["representation"]: r["accuracy"] for r in res["rows"]}
    assert acc["TF-IDF"] >= 0.9 and acc["mean GloVe 6B 50d"] >= 0.9
    with open(tmp_path / "wine.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["num", "description", "variety"])
        for i, (t, lab) in enumerate(zip(texts, y, strict=True)):
            w.writerow([i, t, "Riesling" if lab else "Nebbiolo"])
        w.writerow([999, "the a and", "Red Blend"])  # blends are left out
    wine = _load_example("cluster_wine")
    res = wine.run(str(tmp_path / "wine.csv"), k=2, glove=str(glove), epochs=2, workers=1)
    assert sorted(res["varieties"]) == ["Nebbiolo", "Riesling"] and res["n_docs"] == 120
    ari = {r["representation"]: r["ari"] for r in res["rows"]}
    assert ari["mean GloVe 6B 50d"] > 0.8 and ari["TF-IDF"] > 0.5
