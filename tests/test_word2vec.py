"""Word2Vec training: planted structure, reproducibility, schedule, errors, persistence."""

import numpy as np
import pytest

from wordspace import (
    Corpus,
    CorpusError,
    ParameterError,
    TrainingDivergedError,
    Word2Vec,
    WordVectors,
)


def _topics(n_sent=400, seed=0, length=12):
    """Two topic vocabularies that never share a sentence."""
    rng = np.random.default_rng(seed)
    a = [f"a{i}" for i in range(12)]
    b = [f"b{i}" for i in range(12)]
    out = []
    for s in range(n_sent):
        words = a if s % 2 == 0 else b
        out.append([words[int(i)] for i in rng.integers(0, len(words), length)])
    return out, a, b


SMALL = dict(vector_size=16, window=3, min_count=1, sample=0, epochs=5, workers=1, seed=3)


@pytest.mark.parametrize(
    "arch",
    [
        dict(sg=1),
        dict(sg=0),
        dict(sg=1, hs=1, negative=0),
        dict(sg=0, hs=1, negative=3),
        dict(sg=1, shared_negatives=True),
        dict(sg=0, cbow_mean=0, alpha=0.01),
    ],
)
def test_planted_topics_are_separated(arch):
    sents, a, b = _topics()
    m = Word2Vec(**{**SMALL, **arch}).fit(sents)
    wv = m.wv
    assert isinstance(wv, WordVectors) and len(wv) == 24 and wv.counts.sum() == 400 * 12
    u = wv.get_normed_vectors()
    ia = [wv.key_to_index[w] for w in a]
    ib = [wv.key_to_index[w] for w in b]
    within = (u[ia] @ u[ia].T)[~np.eye(12, dtype=bool)].mean()
    between = (u[ia] @ u[ib].T).mean()
    assert within - between > 0.3, (within, between)
    for w in a[:4] + b[:4]:
        top = [k for k, _ in wv.most_similar(w, topn=5)]
        assert all(k[0] == w[0] for k in top), (w, top)


def test_reproducible_with_one_worker():
    sents, _, _ = _topics(200)
    p = dict(SMALL, sample=1e-2, epochs=2)  # subsampling and shrinking windows draw randoms
    m1 = Word2Vec(**p).fit(sents)
    m2 = Word2Vec(**p).fit(sents)
    assert np.array_equal(m1.wv.vectors, m2.wv.vectors)
    assert np.array_equal(m1.syn1neg, m2.syn1neg)
    m3 = Word2Vec(**{**p, "seed": 4}).fit(sents)
    assert not np.array_equal(m1.wv.vectors, m3.wv.vectors)


def test_every_epoch_trains_whole_corpus_and_lr_ends_at_min_alpha():
    sents, _, _ = _topics(300)
    m = Word2Vec(
        **{
            **SMALL,
            "workers": 2,
            "epochs": 4,
            "alpha": 0.05,
            "min_alpha": 0.001,
            "batch_words": 100,
        }
    ).fit(sents)
    assert [s["words"] for s in m.epoch_stats_] == [300 * 12] * 4
    assert [s["trained_words"] for s in m.epoch_stats_] == [300 * 12] * 4  # sample=0
    assert m.epoch_stats_[-1]["alpha_end"] == pytest.approx(0.001, rel=1e-5)
    # linear: after epoch 2 of 4 the rate is half-way
    mid = m.epoch_stats_[1]["alpha_end"]
    assert mid == pytest.approx(0.05 - 0.049 * (2 * 3600 - 1) / (4 * 3600 - 1), rel=1e-4)
    assert m.epochs_trained_ == 4


def test_subsampling_rate_follows_formula():
    rng = np.random.default_rng(1)
    # a Zipf-ish corpus: frequent words are subsampled
    words = [f"w{i}" for i in range(50)]
    p = 1 / np.arange(1, 51)
    p /= p.sum()
    sents = [[words[i] for i in rng.choice(50, 20, p=p)] for _ in range(1000)]
    m = Word2Vec(**{**SMALL, "sample": 1e-2, "epochs": 1}).fit(sents)
    expect = float((m.vocab.keep_probabilities(1e-2) * m.vocab.counts).sum())
    got = m.epoch_stats_[0]["trained_words"]
    assert abs(got - expect) < 4 * np.sqrt(expect), (got, expect)
    assert got < 0.9 * 20000


def test_loss_decreases_and_callbacks():
    sents, _, _ = _topics(200)
    seen = []

    class CB:
        def on_epoch_end(self, model):
            seen.append(model.epochs_trained_)

    m = Word2Vec(
        **{
            **SMALL,
            "compute_loss": True,
            "epochs": 4,
            "callbacks": [CB(), lambda model, e: seen.append(-e)],
        }
    ).fit(sents)
    assert len(m.loss_history_) == 4 and m.loss_history_[-1] < m.loss_history_[0]
    assert m.get_latest_training_loss() == m.loss_history_[-1]
    assert seen == [1, -1, 2, -2, 3, -3, 4, -4]
    assert all(isinstance(x, float) for x in m.loss_history_)


@pytest.mark.parametrize(
    "kw,msg",
    [
        (dict(window=-1), "window"),
        (dict(window=0), "window"),
        (dict(sg=2), "sg must be 0"),
        (dict(negative=0, hs=0), "negative=0 with hs=0"),
        (dict(vector_size=0), "vector_size"),
        (dict(min_count=-1), "min_count"),  # 0 keeps every word, as gensim
        (dict(sample=-1), "sample"),
        (dict(alpha=0), "alpha"),
        (dict(min_alpha=1.0), "min_alpha"),
        (dict(epochs=0), "epochs"),
        (dict(workers=0), "workers"),
        (dict(hs=0.5), "hs"),
        (dict(callbacks=[3]), "callback"),
        (dict(shared_negatives=1), "shared_negatives"),
    ],
)
def test_invalid_parameters_fail_before_any_work(kw, msg):
    # the corpus path does not exist: validation must come first
    with pytest.raises(ParameterError, match=msg):
        Word2Vec(**kw).fit("/nonexistent/corpus.txt")


def test_bad_corpora(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(CorpusError, match="empty"):
        Word2Vec().fit(empty)
    with pytest.raises(CorpusError, match=r"largest count was 2\); lower min_count"):
        Word2Vec(min_count=5).fit([["a", "b", "a"]])
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok ok\n\xc3\x28 x\n")
    with pytest.raises(CorpusError, match="byte offset 6"):
        Word2Vec(min_count=1).fit(bad)
    m = Word2Vec(**SMALL).fit(Corpus(bad, errors="replace"))
    assert "ok" in m.wv
    with pytest.raises(ParameterError, match="update=True needs"):
        Word2Vec().partial_fit([["a"]], update=True)


def test_file_and_list_give_the_same_model(tmp_path):
    sents, _, _ = _topics(100)
    p = tmp_path / "c.txt.gz"
    import gzip

    with gzip.open(p, "wt") as f:
        f.write("\n".join(" ".join(s) for s in sents))
    m1 = Word2Vec(**SMALL).fit(p)
    m2 = Word2Vec(**SMALL).fit(sents)
    assert m1.wv.index_to_key == m2.wv.index_to_key
    assert np.array_equal(m1.wv.vectors, m2.wv.vectors)


@pytest.mark.parametrize("hs", [0, 1])
def test_save_load_continue(tmp_path, hs):
    sents, a, b = _topics(200)
    more, _, _ = _topics(100, seed=5)
    m1 = Word2Vec(**{**SMALL, "hs": hs, "compute_loss": True}).fit(sents)
    m1.save(tmp_path / "m.wsv")
    m2 = Word2Vec.load(tmp_path / "m.wsv")
    assert m2.get_params() == m1.get_params()
    assert np.array_equal(m2.wv.vectors, m1.wv.vectors)
    assert np.array_equal(m2.syn1neg, m1.syn1neg) and np.array_equal(m2.syn1, m1.syn1)
    assert m2.loss_history_ == m1.loss_history_
    # continuing in memory and from the file gives the same model (workers=1)
    m1.partial_fit(more)
    m2.partial_fit(more)
    assert np.array_equal(m1.wv.vectors, m2.wv.vectors)
    assert m2.epochs_trained_ == 10
    # plain vector loaders read the model file too
    wv = WordVectors.load(tmp_path / "m.wsv")
    assert wv.index_to_key == m2.wv.index_to_key[: len(wv)]
    # fit starts afresh: the same vectors as a new model trained on the same corpus
    fresh = Word2Vec(**{**SMALL, "hs": hs, "compute_loss": True}).fit(more)
    m2.fit(more)
    assert m2.epochs_trained_ == fresh.epochs_trained_ == 5
    assert np.array_equal(m2.wv.vectors, fresh.wv.vectors)


def test_update_extends_vocabulary(tmp_path):
    sents, a, b = _topics(200)
    m = Word2Vec(**SMALL).fit(sents)
    old = m.wv.vectors.copy()
    old_keys = list(m.wv.index_to_key)
    new = [[f"c{i % 6}" for i in range(j, j + 10)] for j in range(100)]
    m.partial_fit(new, update=True)
    assert len(m.wv) == 30 and m.wv.index_to_key[:24] == old_keys
    assert "c3" in m.wv and m.wv.counts[m.wv.key_to_index["c3"]] > 0
    assert np.array_equal(m.wv.vectors[:24], old)  # old words did not occur in the new text
    m.save_word2vec_format(tmp_path / "v.txt")
    assert WordVectors.load_word2vec_format(tmp_path / "v.txt").index_to_key == m.wv.index_to_key


def test_load_rejects_plain_vectors(tmp_path):
    from wordspace.errors import FormatError

    wv = WordVectors(["x", "y"], np.ones((2, 3)))
    wv.save(tmp_path / "v.wsv")
    with pytest.raises(FormatError, match="not a Word2Vec model"):
        Word2Vec.load(tmp_path / "v.wsv")


def test_average_vectors():
    sents, _, _ = _topics(100)
    m = Word2Vec(**SMALL).fit(sents)
    avg = m.get_wv("average")
    np.testing.assert_allclose(avg.vectors, (m.syn0 + m.syn1neg) / 2, rtol=1e-6)
    assert np.array_equal(m.get_wv().vectors, m.wv.vectors)
    with pytest.raises(ParameterError, match="input' or 'average"):
        m.get_wv("both")
    hs = Word2Vec(**{**SMALL, "hs": 1, "negative": 0}).fit(sents)
    with pytest.raises(ParameterError, match="negative sampling"):
        hs.get_wv("average")


@pytest.mark.parametrize("alpha", [2.0, 5.0, 9.0])
@pytest.mark.parametrize("sg", [0, 1])
def test_diverging_run_raises(alpha, sg):
    sents, _, _ = _topics(50)
    m = Word2Vec(**{**SMALL, "alpha": alpha, "min_alpha": alpha, "epochs": 3, "sg": sg})
    with pytest.raises(TrainingDivergedError, match=r"epoch \d.*lower alpha \(now "):
        m.fit(sents)


def test_sane_alpha_does_not_raise():
    sents, _, _ = _topics(50)
    m = Word2Vec(**{**SMALL, "alpha": 0.5, "compute_loss": True}).fit(sents)
    assert np.isfinite(m.wv.vectors).all() and np.isfinite(m.loss_history_).all()
