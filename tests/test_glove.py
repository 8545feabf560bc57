"""GloVe estimator: planted structure, reproducibility, reuse of the matrix, persistence,
bad input."""

from __future__ import annotations

import numpy as np
import pytest

from wordspace import CorpusError, ParameterError, TrainingDivergedError, WordVectors
from wordspace.errors import FormatError
from wordspace.train.glove import GloVe


def planted_corpus(n_sent=400, seed=0, noise=0.15):
    """Two topics: a sentence's words come from its topic, each with probability ``noise``
    from the other one, so within-topic pairs co-occur far more often than across topics
    (GloVe only fits the non-zeros: across-topic pairs must occur to be pushed apart)."""
    rng = np.random.default_rng(seed)
    topics = [[f"a{i}" for i in range(8)], [f"b{i}" for i in range(8)]]
    sents = []
    for s in range(n_sent):
        own = s % 2
        sent = []
        for _ in range(12):
            t = 1 - own if rng.random() < noise else own
            sent.append(topics[t][rng.integers(0, 8)])
        sents.append(sent)
    return sents, topics


@pytest.fixture(scope="module")
def fitted():
    sents, topics = planted_corpus()
    g = GloVe(vector_size=10, window=3, min_count=1, epochs=30, x_max=10, workers=1, seed=3).fit(
        sents
    )
    return g, sents, topics


def test_planted_topics_are_separated(fitted):
    g, _, topics = fitted
    wv = g.wv
    assert isinstance(wv, WordVectors) and len(wv) == 16 and wv.vector_size == 10
    within, across = [], []
    for t, words in enumerate(topics):
        for i, w in enumerate(words):
            for v in words[i + 1 :]:
                within.append(wv.similarity(w, v))
            for v in topics[1 - t]:
                across.append(wv.similarity(w, v))
    assert np.mean(within) > np.mean(across) + 0.5
    # every word's nearest neighbours are from its own topic
    for words in topics:
        for w in words:
            assert all(n[0] == w[0] for n, _ in wv.most_similar(w, topn=5))


def test_loss_decreases_and_attributes(fitted):
    g, _, _ = fitted
    assert len(g.loss_history_) == 30 and len(g.epoch_stats_) == 30
    assert g.loss_history_[-1] < 0.5 * g.loss_history_[0]
    assert all(np.isfinite(g.loss_history_))
    X = g.cooccurrence_
    assert X.shape == (16, 16) and X.nnz > 0 and abs(X - X.T).max() < 1e-4
    # across topics much rarer than within
    a = [g.vocab.key_to_index[f"a{i}"] for i in range(8)]
    b = [g.vocab.key_to_index[f"b{i}"] for i in range(8)]
    assert X[a][:, b].sum() < 0.5 * X[a][:, a].sum()
    assert g.word_vectors_.shape == (16, 10) and g.word_biases_.shape == (16,)
    np.testing.assert_allclose(g.wv.vectors, g.word_vectors_ + g.context_vectors_, rtol=1e-6)
    assert g.wv.counts is not None and g.wv.counts.sum() == 400 * 12
    assert g.wv.meta["trainer"] == "glove"


def test_outputs():
    sents, _ = planted_corpus(60)
    kw = dict(vector_size=6, window=2, min_count=1, epochs=2, workers=1, seed=5)
    s = GloVe(**kw).fit(sents)
    w = GloVe(**kw, output="word").fit(sents)
    c = GloVe(**kw, output="concat").fit(sents)
    np.testing.assert_array_equal(w.wv.vectors, s.word_vectors_)
    assert c.wv.vector_size == 12
    np.testing.assert_array_equal(c.wv.vectors[:, 6:], s.context_vectors_)


def test_one_worker_is_reproducible_and_seed_matters():
    sents, _ = planted_corpus(80)
    kw = dict(vector_size=8, window=3, min_count=1, epochs=3, workers=1)
    a = GloVe(**kw, seed=11).fit(sents)
    b = GloVe(**kw, seed=11).fit(sents)
    c = GloVe(**kw, seed=12).fit(sents)
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    assert a.loss_history_ == b.loss_history_
    assert not np.array_equal(a.wv.vectors, c.wv.vectors)


def test_two_workers_train_everything():
    sents, topics = planted_corpus(300)
    g = GloVe(vector_size=10, window=3, min_count=1, epochs=25, x_max=10, workers=2, seed=3).fit(
        sents
    )
    assert g.loss_history_[-1] < 0.5 * g.loss_history_[0]
    assert (
        np.mean([g.wv.similarity("a0", f"a{i}") for i in range(1, 8)])
        > np.mean([g.wv.similarity("a0", f"b{i}") for i in range(8)]) + 0.5
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_tiled_order_visits_every_record_and_recovers_the_topics(monkeypatch, workers):
    import wordspace.train.glove as glove_mod

    # 16-float rows: 2 words a group, so the 16 words make 8 x 8 tiles of very unequal sizes
    monkeypatch.setattr(glove_mod, "_TILE_BYTES", 256)
    sents, topics = planted_corpus(300)
    kw = dict(vector_size=10, window=3, min_count=1, epochs=25, x_max=10, seed=3)
    g = GloVe(**kw, workers=workers).fit(sents)
    assert glove_mod._tile_groups(len(g.vocab_), g._W.shape[1]) == (2, 8)
    # every record trained once an epoch: the records are those of the matrix, grouped by tile
    rec = np.empty((g.nonzeros_, 4), np.int32)
    X = g.cooccurrence_.tocoo()
    rec[:, 0], rec[:, 1] = X.row, X.col
    tiles = g._tiles(rec)
    assert tiles[-1] == g.nonzeros_ and (np.diff(tiles) > 0).sum() > 20
    seen = []
    for e in range(3):
        plans = g._plan(tiles, e, [g.nonzeros_ * t // workers for t in range(workers + 1)])
        got = np.concatenate([np.arange(lo, lo + v1 - v0) for plan in plans for v0, v1, lo in plan])
        assert np.array_equal(np.sort(got), np.arange(g.nonzeros_))
        for plan in plans:  # a segment never leaves its tile
            for v0, v1, lo in plan:
                t = np.searchsorted(tiles, lo, side="right") - 1
                assert lo + v1 - v0 <= tiles[t + 1]
        seen.append(plans[0][0].tolist())
    assert seen[0] != seen[1]  # a fresh tile order every epoch
    assert g.loss_history_[-1] < 0.5 * g.loss_history_[0]
    assert (
        np.mean([g.wv.similarity("a0", f"a{i}") for i in range(1, 8)])
        > np.mean([g.wv.similarity("a0", f"b{i}") for i in range(8)]) + 0.5
    )
    if workers == 1:
        again = GloVe(**kw, workers=1).fit(sents)
        assert np.array_equal(again.wv.vectors, g.wv.vectors)


def test_reuse_cooccurrence_matrix_and_file(tmp_path):
    sents, _ = planted_corpus(80)
    kw = dict(vector_size=8, window=3, min_count=1, epochs=3, workers=1, seed=2)
    a = GloVe(**kw).fit(sents)
    b = GloVe(**kw).fit(sents, cooccurrence=a.cooccurrence_)
    assert b.cooccurrence_seconds_ == 0.0
    assert np.array_equal(a.wv.vectors, b.wv.vectors)
    path = tmp_path / "cooc.npz"
    a.save_cooccurrence(path)
    c = GloVe(**kw).fit(cooccurrence=path)
    assert c.wv.index_to_key == a.wv.index_to_key
    assert np.array_equal(a.wv.vectors, c.wv.vectors)
    with pytest.raises(ParameterError, match="leave corpus out"):
        GloVe(**kw).fit(sents, cooccurrence=path)
    with pytest.raises(ParameterError, match="shape"):
        GloVe(**kw).fit(sents, cooccurrence=a.cooccurrence_[:5, :5])
    with pytest.raises(ParameterError, match="scipy.sparse"):
        GloVe(**kw).fit(sents, cooccurrence=np.eye(16))
    with pytest.raises(ParameterError, match="negative"):
        GloVe(**kw).fit(sents, cooccurrence=-a.cooccurrence_)


def test_save_load_and_text_export(tmp_path, fitted):
    g, _, _ = fitted
    p = tmp_path / "g.wsv"
    g.save(p)
    h = GloVe.load(p)
    assert h.wv.index_to_key == g.wv.index_to_key
    np.testing.assert_array_equal(h.wv.vectors, g.wv.vectors)
    np.testing.assert_array_equal(h.word_biases_, g.word_biases_)
    np.testing.assert_array_equal(h.context_vectors_, g.context_vectors_)
    assert h.loss_history_ == pytest.approx(g.loss_history_)
    assert h.get_params() == g.get_params()
    wv = WordVectors.load(p)  # plain vectors from the same file
    np.testing.assert_array_equal(wv.vectors, g.wv.vectors)
    for header in (True, False):
        t = tmp_path / f"g{header}.txt"
        g.save_word2vec_format(t, write_header=header)
        back = WordVectors.load_word2vec_format(t)
        assert back.index_to_key == g.wv.index_to_key
        np.testing.assert_allclose(back.vectors, g.wv.vectors, atol=1e-6)
    with pytest.raises(FormatError, match="not a GloVe model"):
        g.wv.save(tmp_path / "plain.wsv")
        GloVe.load(tmp_path / "plain.wsv")


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"x_max": 0}, "x_max"),
        ({"x_max": -1.0}, "x_max"),
        ({"weight_exponent": 0}, "weight_exponent"),
        ({"weight_exponent": 1.5}, "weight_exponent"),
        ({"alpha": 0}, "alpha"),
        ({"alpha": float("inf")}, "alpha"),
        ({"vector_size": 0}, "vector_size"),
        ({"window": 0}, "window"),
        ({"epochs": 0}, "epochs"),
        ({"workers": 0}, "workers"),
        ({"memory": -2}, "memory"),
        ({"output": "both"}, "output"),
        ({"symmetric": "yes"}, "symmetric"),
        ({"min_count": 2.5}, "min_count"),
    ],
)
def test_bad_parameters_fail_before_any_work(kw, match, tmp_path):
    # the path does not exist: a parameter error must come first
    with pytest.raises(ParameterError, match=match):
        GloVe(**kw).fit(tmp_path / "missing.txt")


def test_bad_corpora(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(CorpusError, match="empty"):
        GloVe().fit(empty)
    rare = tmp_path / "rare.txt"
    rare.write_text("one two three\nfour five\n")
    with pytest.raises(CorpusError, match="min_count"):
        GloVe(min_count=5).fit(rare)
    single = tmp_path / "single.txt"
    single.write_text("a\nb\na\nb\n")
    with pytest.raises(CorpusError, match="co-occurring"):
        GloVe(min_count=1).fit(single)
    with pytest.raises(ParameterError, match="corpus"):
        GloVe().fit()
    with pytest.raises(ParameterError, match="fit"):
        GloVe().save(tmp_path / "x.wsv")


def test_progress_is_reported():
    sents, _ = planted_corpus(60)
    seen = []
    GloVe(vector_size=4, window=2, min_count=1, epochs=2, workers=2).fit(
        sents, progress=lambda d, t, **kw: seen.append((d, t, kw))
    )
    stages = {kw["stage"] for _, _, kw in seen}
    assert stages == {"counting", "training"}
    d, t, kw = seen[-1]
    assert d == t and kw["epoch"] == "2/2" and "loss" in kw


def test_matrix_counts_vocabulary_words_only_as_cooccur_does():
    """Words under min_count are dropped before windowing (they take no window slot), rows and
    columns follow the vocabulary's frequency order, and lines are never crossed."""
    sents = [["x", "a", "rare", "b", "a"], ["b", "a", "x"], ["a", "b"]] * 3
    g = GloVe(vector_size=4, window=2, min_count=4, epochs=1, workers=1).fit(sents)
    assert "rare" not in g.vocab and g.vocab.index_to_key[:2] == ["a", "b"]
    idx = g.vocab.key_to_index
    V = len(idx)
    ref = np.zeros((V, V))
    for s in sents:
        ids = [idx[w] for w in s if w in idx]
        for j in range(len(ids)):
            for kk in range(max(0, j - 2), j):
                ref[ids[kk], ids[j]] += 1.0 / (j - kk)
                ref[ids[j], ids[kk]] += 1.0 / (j - kk)
    np.testing.assert_allclose(g.cooccurrence_.toarray(), ref, rtol=1e-6)


def test_diverging_learning_rate_raises():
    sents, _ = planted_corpus(60)
    with pytest.raises(TrainingDivergedError, match=r"epoch 1: .*lower alpha \(now"):
        GloVe(vector_size=8, window=3, min_count=1, epochs=3, workers=1, alpha=1e30).fit(sents)
    m = GloVe(vector_size=8, window=3, min_count=1, epochs=3, workers=1, alpha=10.0)
    with pytest.raises(TrainingDivergedError):
        m.fit(sents)
    assert not m.is_fitted  # nothing left to save


def test_fit_restarts_and_partial_fit_continues(tmp_path):
    sents, _ = planted_corpus(60)
    kw = dict(vector_size=8, window=3, min_count=1, epochs=3, workers=1, seed=2)
    m = GloVe(**kw).fit(sents)
    first = m.wv.vectors.copy()
    m.fit(sents)  # afresh: the same result as the first fit
    assert np.array_equal(m.wv.vectors, first) and len(m.loss_history_) == 3
    m.partial_fit()  # continues on the same matrix
    assert len(m.loss_history_) == 6 and m.loss_history_[5] < m.loss_history_[2]
    assert not np.array_equal(m.wv.vectors, first)
    m.save(tmp_path / "g.wsv")
    g = GloVe.load(tmp_path / "g.wsv")
    with pytest.raises(ParameterError, match="keeps no co-occurrence matrix"):
        g.partial_fit()
    g.partial_fit(sents)  # the loaded model continues on a corpus over its own vocabulary
    assert len(g.loss_history_) == 9 and g.wv.index_to_key == m.wv.index_to_key


def test_large_matrix_waits_on_disk_while_training(monkeypatch, tmp_path):
    """A matrix above _SPILL_BYTES is written to a temporary folder while the records train
    and read back afterwards: the same vectors, the same matrix, no folder left behind."""
    import tempfile

    import wordspace.train.glove as tg

    sents, _ = planted_corpus(80)
    kw = dict(vector_size=8, window=3, min_count=1, epochs=2, workers=1, seed=5)
    ref = GloVe(**kw).fit(sents)
    monkeypatch.setattr(tg, "_SPILL_BYTES", 0)
    monkeypatch.setattr(tg, "_FILL_SLICE", 7)  # many slices of rows, some rows larger
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen = []

    def during(model, epoch):
        seen.append(model.cooccurrence_)

    m = GloVe(**kw, callbacks=[during]).fit(sents)
    assert seen == [None, None]  # on disk while training
    assert np.array_equal(m.wv.vectors, ref.wv.vectors)
    X, Y = m.cooccurrence_, ref.cooccurrence_
    assert X.dtype == Y.dtype and X.indptr.dtype == Y.indptr.dtype and X.has_sorted_indices
    assert (X.indptr == Y.indptr).all() and (X.indices == Y.indices).all()
    assert (X.data == Y.data).all()
    assert list(tmp_path.iterdir()) == []
    m.partial_fit()  # continues on the matrix read back
    ref.partial_fit()
    assert np.array_equal(m.wv.vectors, ref.wv.vectors)


def test_matrix_comes_back_when_training_is_interrupted(monkeypatch, tmp_path):
    import tempfile

    import wordspace.train.glove as tg

    sents, _ = planted_corpus(60)
    ref = GloVe(vector_size=8, window=3, min_count=1, epochs=1, workers=1).fit(sents)
    monkeypatch.setattr(tg, "_SPILL_BYTES", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def stop(model, epoch):
        raise KeyboardInterrupt

    m = GloVe(vector_size=8, window=3, min_count=1, epochs=3, workers=1, callbacks=[stop])
    with pytest.raises(KeyboardInterrupt):
        m.fit(sents)
    assert m.training_complete_ is False and len(m.loss_history_) == 1
    assert (m.cooccurrence_ != ref.cooccurrence_).nnz == 0
    assert list(tmp_path.iterdir()) == []


def test_matrix_stays_in_memory_when_no_temporary_folder(monkeypatch, tmp_path, caplog):
    import tempfile

    import wordspace.train.glove as tg

    sents, _ = planted_corpus(40)
    kw = dict(vector_size=8, window=3, min_count=1, epochs=1, workers=1, seed=4)
    ref = GloVe(**kw).fit(sents)
    monkeypatch.setattr(tg, "_SPILL_BYTES", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    seen = []
    m = GloVe(**kw, callbacks=[lambda model, epoch: seen.append(model.cooccurrence_)])
    with caplog.at_level("WARNING", logger="wordspace.train.glove"):
        m.fit(sents)
    assert "stays in memory" in caplog.text and seen[0] is m.cooccurrence_
    assert np.array_equal(m.wv.vectors, ref.wv.vectors)


def test_spilled_matrix_goes_to_wordspace_tmp(monkeypatch, tmp_path):
    """$WORDSPACE_TMP (where the corpus's id files go) holds the spilled matrix too, in
    spill files whose names are gone at once: nothing is left behind, even after a kill."""
    import tempfile

    import wordspace.train.glove as tg

    made = []
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, **kw):
        made.append((kw.get("prefix"), kw.get("dir")))
        return real_mkstemp(*args, **kw)

    sents, _ = planted_corpus(40)
    monkeypatch.setattr(tg, "_SPILL_BYTES", 0)
    monkeypatch.setenv("WORDSPACE_TMP", str(tmp_path))
    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    seen = []
    m = GloVe(
        vector_size=4,
        window=2,
        min_count=1,
        epochs=1,
        workers=1,
        seed=1,
        callbacks=[lambda model, epoch: seen.append(sorted(p.name for p in tmp_path.iterdir()))],
    ).fit(sents)
    assert made == [("wordspace-glove-", str(tmp_path))] * 2  # indices and data
    assert seen == [[]] and list(tmp_path.iterdir()) == []  # unlinked while training
    assert m.cooccurrence_ is not None and m.cooccurrence_.nnz > 0  # read back afterwards


def test_checkpoint_records_of_four_columns_still_resume(tmp_path):
    """Records lost their fourth column (f(x), now computed from log x while training): a
    checkpoint written with four columns resumes to the same vectors as one with three, and
    the same as training straight through."""
    from wordspace.kernels import glove as k

    sents, _ = planted_corpus(80)
    kw = dict(vector_size=8, window=3, min_count=1, epochs=3, workers=1, seed=5, x_max=4.0)
    ref = GloVe(**kw).fit(sents)
    ck = tmp_path / "g.ckpt"
    GloVe(**kw, checkpoint_path=str(ck), checkpoint_every=1e-9).fit(sents)
    three = GloVe.resume(ck)
    assert three._resume_from["arrays"]["records"].shape[1] == k.RECORD_WIDTH == 3
    assert three._resume_from["position"]["epoch"] > 0  # a checkpoint between epochs
    three.fit(sents)
    four = GloVe.resume(ck)
    rec = np.asarray(four._resume_from["arrays"]["records"])
    old = np.empty((rec.shape[0], 4), np.int32)
    old[:, :3] = rec
    old.view(np.float32)[:, 3] = 0.5  # the old f(x) column: ignored now
    four._resume_from["arrays"]["records"] = old
    four.fit(sents)
    for m in (three, four):
        assert np.array_equal(m._W, ref._W) and np.array_equal(m._C, ref._C)
        assert m.loss_history_ == ref.loss_history_
