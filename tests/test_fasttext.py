"""FastText training and SubwordVectors: planted structure, OOV vectors, reproducibility,
degeneration to word2vec, errors, persistence."""

import numpy as np
import pytest

from wordspace import (
    OutOfVocabularyError,
    ParameterError,
    TrainingDivergedError,
    Word2Vec,
    WordVectors,
)
from wordspace.errors import FormatError
from wordspace.io import native
from wordspace.train.fasttext import FastText
from wordspace.vectors.subword import SubwordVectors, ngram_rows

SUFFIXES = ["a", "e", "i", "us", "er", "ing", "ed", "ly"]


def _stems(n_sent=500, seed=0, length=10):
    """Two topics; each topic's words share a stem (blorf-, quaxt-) plus plain context words
    (c0.., d0..) that share no n-grams with the stems. An unseen word can only find its topic
    through the n-grams it shares with the stem."""
    rng = np.random.default_rng(seed)
    a = [f"blorf{s}" for s in SUFFIXES] + [f"c{i}" for i in range(8)]
    b = [f"quaxt{s}" for s in SUFFIXES] + [f"d{i}" for i in range(8)]
    out = []
    for s in range(n_sent):
        words = a if s % 2 == 0 else b
        out.append([words[int(i)] for i in rng.integers(0, len(words), length)])
    return out, a, b


SMALL = dict(
    vector_size=16,
    window=3,
    min_count=1,
    sample=0,
    epochs=5,
    workers=1,
    seed=3,
    minn=3,
    maxn=5,
    bucket=3000,
)


@pytest.fixture(scope="module")
def sg_model():
    sents, _, _ = _stems()
    return FastText(**SMALL, sg=1).fit(sents)


@pytest.mark.parametrize(
    "arch",
    [dict(sg=1), dict(sg=0), dict(sg=1, hs=1, negative=0), dict(sg=0, cbow_mean=0, alpha=0.01)],
)
def test_unseen_and_misspelt_words_land_near_their_stem(arch):
    sents, a, b = _stems()
    wv = FastText(**{**SMALL, **arch}).fit(sents).wv
    assert isinstance(wv, SubwordVectors) and len(wv) == 32
    for oov, group in [
        ("blorfy", "blorf"),
        ("blorfinq", "blorf"),
        ("quaxtes", "quaxt"),
        ("quaxtinng", "quaxt"),
    ]:
        assert oov not in wv.key_to_index and oov in wv
        top = [k for k, _ in wv.most_similar(oov, topn=5)]
        assert set(top) <= set(a if group == "blorf" else b), (oov, top)
        other = "quaxt" if group == "blorf" else "blorf"
        near = np.mean([wv.similarity(oov, group + s) for s in SUFFIXES])
        far = np.mean([wv.similarity(oov, other + s) for s in SUFFIXES])
        assert near - far > 0.2, (oov, near, far)
    # the context words (no shared n-grams) follow their topic too
    u = wv.get_normed_vectors()
    ia = [wv.key_to_index[w] for w in a]
    ib = [wv.key_to_index[w] for w in b]
    within = (u[ia] @ u[ia].T)[~np.eye(16, dtype=bool)].mean()
    between = (u[ia] @ u[ib].T).mean()
    assert within - between > 0.2, (within, between)


def test_vectors_are_means_of_their_rows(sg_model):
    m = sg_model
    wv = m.wv
    n = len(wv)
    # out of vocabulary: the mean of its n-gram rows (repeats counted)
    rows = ngram_rows("blorfzzz", 3, 5, 3000)
    assert len(rows) == 8 + 7 + 6  # "<blorfzzz>" has 10 characters: 8 3-grams ...
    np.testing.assert_allclose(wv["blorfzzz"], wv.vectors_ngrams[rows].mean(0), rtol=1e-6)
    np.testing.assert_allclose(wv["blorfzzz"], m.wi_[n + rows].mean(0), rtol=1e-6)
    # in the vocabulary: the mean of its own row and its n-gram rows
    i = wv.key_to_index["blorfa"]
    rows = ngram_rows("blorfa", 3, 5, 3000)
    expect = np.vstack([m.wi_[i], m.wi_[n + rows]]).mean(0)
    np.testing.assert_allclose(wv["blorfa"], expect, rtol=1e-5, atol=1e-7)
    assert wv.vectors_vocab is not None and np.shares_memory(wv.vectors_vocab, m.wi_)
    # norm=True on an OOV word
    v = wv.get_vector("blorfzzz", norm=True)
    assert np.linalg.norm(v) == pytest.approx(1.0, rel=1e-5)


def test_subword_queries(sg_model):
    wv = sg_model.wv
    assert wv.similarity("blorfy", "blorfy") == pytest.approx(1.0, rel=1e-5)
    assert wv.has_index_for("blorfa") and not wv.has_index_for("blorfy")
    assert wv["blorfy"].shape == (16,)
    assert wv[["blorfa", "blorfy"]].shape == (2, 16)
    # a word with no n-gram of length 3..5 (too short with its markers): no vector
    assert "" not in wv and wv.missing(["", "blorfy"]) == [""]
    with pytest.raises(OutOfVocabularyError, match="n-grams of length 3-5"):
        wv[""]
    # mean vectors and analogies accept OOV words
    mv = wv.get_mean_vector(["blorfy", "blorfa"])
    assert np.isfinite(mv).all()
    assert wv.most_similar(positive=["blorfy"], negative=["quaxtzz"], topn=3)
    _, a, _ = _stems(2)
    assert {k for k, _ in wv.most_similar_cosmul(positive=["blorfy"], topn=3)} <= set(a)
    assert wv.doesnt_match(["blorfy", "blorfe", "blorfi", "quaxtoo"]) == "quaxtoo"
    d = wv.distances("blorfy", ["blorfa", "quaxty"])
    assert d[0] < d[1]
    assert "n-grams 3-5" in repr(wv)
    kept, mat = wv.lookup(["blorfy", "", "c1", "blorfy"], norm=True)
    assert kept == ["blorfy", "c1", "blorfy"] and mat.shape == (3, 16)
    np.testing.assert_allclose(mat[0], wv.get_vector("blorfy", norm=True))
    many = wv.most_similar_many(["blorfy", "c1"], topn=3)
    assert many[0] == wv.most_similar("blorfy", topn=3)
    assert [k for k, _ in many[1]] == [k for k, _ in wv.most_similar("c1", topn=3)]
    assert isinstance(wv.plain(), WordVectors) and not isinstance(wv.plain(), SubwordVectors)


def test_reproducible_with_one_worker():
    sents, _, _ = _stems(200)
    p = dict(SMALL, sample=1e-2, epochs=2, sg=1)
    m1 = FastText(**p).fit(sents)
    m2 = FastText(**p).fit(sents)
    assert np.array_equal(m1.wi_, m2.wi_) and np.array_equal(m1.syn1neg, m2.syn1neg)
    assert np.array_equal(m1.wv.vectors, m2.wv.vectors)
    m3 = FastText(**{**p, "seed": 4}).fit(sents)
    assert not np.array_equal(m1.wv.vectors, m3.wv.vectors)


def test_threads_train_every_word_and_schedule():
    sents, _, _ = _stems(300)
    m = FastText(
        **{
            **SMALL,
            "workers": 2,
            "epochs": 3,
            "alpha": 0.05,
            "min_alpha": 0.001,
            "batch_words": 100,
            "sg": 1,
        }
    ).fit(sents)
    assert [s["words"] for s in m.epoch_stats_] == [3000] * 3
    assert [s["trained_words"] for s in m.epoch_stats_] == [3000] * 3
    assert m.epoch_stats_[-1]["alpha_end"] == pytest.approx(0.001, rel=1e-5)
    assert np.isfinite(m.wi_).all()


@pytest.mark.parametrize("arch", [dict(sg=1), dict(sg=0), dict(sg=1, hs=1, negative=0)])
def test_no_ngrams_is_word2vec(arch):
    sents, _, _ = _stems(200)
    p = {k: v for k, v in SMALL.items() if k not in ("minn", "maxn", "bucket")}
    ft = FastText(**p, **arch, minn=0, maxn=0).fit(sents)
    # FastText's defaults are the official tool's (lr 0.05, noise count**0.5), not word2vec's;
    # it draws noise words for every pair (Word2Vec shares one draw per window by default)
    same = {"alpha": ft.alpha, "ns_exponent": ft.ns_exponent, "shared_negatives": False}
    w2v = Word2Vec(**p, **arch, **same).fit(sents)
    assert ft.wi_.shape == (32, 16) and ft.wv.bucket == 0  # as fastText: no buckets
    assert ft.wv.index_to_key == w2v.wv.index_to_key
    assert np.array_equal(ft.wv.vectors, w2v.wv.vectors)
    assert np.array_equal(ft.syn1neg, w2v.syn1neg)
    assert "blorfy" not in ft.wv
    with pytest.raises(OutOfVocabularyError):
        ft.wv["blorfy"]


def test_loss_decreases():
    sents, _, _ = _stems(200)
    m = FastText(**{**SMALL, "compute_loss": True, "epochs": 4, "sg": 1}).fit(sents)
    assert len(m.loss_history_) == 4 and m.loss_history_[-1] < m.loss_history_[0]


@pytest.mark.parametrize(
    "kw,msg",
    [
        (dict(minn=4, maxn=3), "minn=4 is larger than maxn=3"),
        (dict(minn=-1), "minn"),
        (dict(maxn=2.5), "maxn"),
        (dict(bucket=-1), "bucket"),  # 0 is fastText without n-grams
        (dict(bucket=2**31), "bucket"),
        (dict(minn=0, maxn=3), "minn must be at least 1"),
        (dict(window=0), "window"),
        (dict(negative=0, hs=0), "negative=0 with hs=0"),
        (dict(sg=2), "sg must be 0"),
    ],
)
def test_invalid_parameters_fail_before_any_work(kw, msg):
    with pytest.raises(ParameterError, match=msg):
        FastText(**kw).fit("/nonexistent/corpus.txt")


@pytest.mark.parametrize("sg", [0, 1])
def test_diverging_run_raises(sg):
    sents, _, _ = _stems(50)
    m = FastText(**{**SMALL, "alpha": 9.0, "min_alpha": 9.0, "epochs": 3, "sg": sg})
    with pytest.raises(TrainingDivergedError, match=r"epoch \d.*lower alpha \(now "):
        m.fit(sents)
    assert m.wv is None


def test_save_load_continue(tmp_path):
    sents, _, _ = _stems(200)
    more, _, _ = _stems(100, seed=5)
    m1 = FastText(**SMALL, sg=1, compute_loss=True).fit(sents)
    m1.save(tmp_path / "m.wsv")
    m2 = FastText.load(tmp_path / "m.wsv")
    assert m2.get_params() == m1.get_params()
    assert np.array_equal(m2.wi_, m1.wi_) and np.array_equal(m2.syn1neg, m1.syn1neg)
    assert np.array_equal(m2.wv.vectors, m1.wv.vectors)
    np.testing.assert_array_equal(m2.wv["blorfy"], m1.wv["blorfy"])
    m1.partial_fit(more)
    m2.partial_fit(more)
    assert np.array_equal(m1.wi_, m2.wi_) and m2.epochs_trained_ == 10
    # the file's vectors as SubwordVectors (what the native loader builds once wired)
    arrays, meta = native.read_native(tmp_path / "m.wsv")
    wv, rest = native.vectors_from_native(arrays, meta, tmp_path / "m.wsv")
    sv = wv if isinstance(wv, SubwordVectors) else SubwordVectors.from_native(wv, rest, meta)
    np.testing.assert_array_equal(sv["blorfy"], FastText.load(tmp_path / "m.wsv").wv["blorfy"])
    # fit starts afresh
    fresh = FastText(**SMALL, sg=1, compute_loss=True).fit(more)
    m2.fit(more)
    assert np.array_equal(m2.wi_, fresh.wi_)


def test_subword_vectors_native_round_trip(tmp_path, sg_model):
    wv = sg_model.get_wv()
    assert not np.shares_memory(wv.vectors_ngrams, sg_model.wi_)
    wv.save(tmp_path / "v.wsv")
    arrays, meta = native.read_native(tmp_path / "v.wsv")
    assert meta["subwords"] == {"minn": 3, "maxn": 5, "bucket": 3000, "hash": "fasttext-fnv1a"}
    plain, rest = native.vectors_from_native(arrays, meta, tmp_path / "v.wsv")
    back = (
        plain
        if isinstance(plain, SubwordVectors)
        else SubwordVectors.from_native(plain, rest, meta)
    )
    assert back.index_to_key == wv.index_to_key
    np.testing.assert_array_equal(back["blorfy"], wv["blorfy"])
    np.testing.assert_array_equal(back.vectors, wv.vectors)
    # plain loaders still read the vocabulary's vectors
    assert np.array_equal(WordVectors.load(tmp_path / "v.wsv").vectors, wv.vectors)
    with pytest.raises(FormatError, match="vectors_ngrams.npy is missing"):
        SubwordVectors.from_native(plain, {}, meta)
    with pytest.raises(FormatError, match="has no 'subwords'"):
        SubwordVectors.from_native(plain, rest, {})


def test_load_rejects_other_models(tmp_path):
    Word2Vec(vector_size=4, min_count=1, epochs=1).fit([["a", "b"]] * 5).save(tmp_path / "w.wsv")
    with pytest.raises(FormatError, match="not a FastText model"):
        FastText.load(tmp_path / "w.wsv")


def test_update_extends_vocabulary(sg_model):
    sents, _, _ = _stems(100)
    m = FastText(**SMALL, sg=1).fit(sents)
    old_ngrams = m.wv.vectors_ngrams.copy()
    m.partial_fit([["zorbix", "zorbax", "c1"]] * 20, update=True)
    assert len(m.wv) == 34 and m.wv.has_index_for("zorbix")
    assert m.wi_.shape == (34 + 3000, 16)
    assert not np.array_equal(m.wv.vectors_ngrams, old_ngrams)  # the buckets trained on
    n = len(m.wv)
    i = m.wv.key_to_index["zorbix"]
    rows = ngram_rows("zorbix", 3, 5, 3000)
    np.testing.assert_allclose(
        m.wv["zorbix"], np.vstack([m.wi_[i], m.wi_[n + rows]]).mean(0), rtol=1e-5, atol=1e-7
    )


def test_ngram_settings_cannot_change_after_training():
    sents, _, _ = _stems(50)
    m = FastText(**SMALL).fit(sents)
    for kw in (dict(minn=2), dict(bucket=100), dict(maxn=0), dict(vector_size=8)):
        m2 = FastText(**SMALL).fit(sents) if kw.get("maxn") == 0 else m
        m2.set_params(**kw)
        with pytest.raises(ParameterError, match="cannot change after training"):
            m2.partial_fit(sents)
        m2.set_params(**{k: SMALL[k] for k in kw})


def test_partial_fit_update_after_loading_a_bin(tmp_path):
    sents, _, _ = _stems(100)
    m = FastText(**SMALL, sg=1).fit(sents)
    m.save_facebook_model(tmp_path / "m.bin")
    from wordspace.train.fasttext import load_facebook_model

    back = load_facebook_model(tmp_path / "m.bin")
    back.set_params(workers=1, epochs=1, sample=0)
    back.partial_fit([["zorbix", "blorfa"]] * 10, update=True)
    assert back.wv.has_index_for("zorbix") and len(back.wv) == 33
    assert np.isfinite(back.wi_).all()


def test_bucket_default_scales_with_the_vocabulary():
    """bucket=None: min(2M, max(100k, 10 x vocabulary)) rows, kept by partial_fit."""
    from wordspace.train.fasttext import auto_bucket

    assert auto_bucket(10) == 100_000
    assert auto_bucket(50_000) == 500_000
    assert auto_bucket(1_000_000) == 2_000_000
    sents = [["alpha", "beta", "gamma", "delta"]] * 20
    ft = FastText(vector_size=4, min_count=1, epochs=1, workers=1).fit(sents)
    assert ft.bucket is None and ft.bucket_ == 100_000 == ft.wv.bucket
    assert ft.wi_.shape[0] == len(ft.wv) + 100_000
    ft.partial_fit([["alpha", "epsilon"]] * 10)
    assert ft.bucket_ == 100_000
    assert FastText(vector_size=4, min_count=1, epochs=1, bucket=777).fit(sents).bucket_ == 777


def test_final_vectors_composed_by_threads_are_the_row_means(monkeypatch):
    import wordspace.train.fasttext as ft_module

    monkeypatch.setattr(ft_module, "_COMPOSE_CHUNK", 5)  # 32 words: 3 threads of >= 5 words
    sents, _, _ = _stems(200)
    m = FastText(**{**SMALL, "workers": 3}).fit(sents)
    ptr, idx = m._subword_csr()
    expect = np.vstack([m.wi_[idx[ptr[k] : ptr[k + 1]]].mean(0) for k in range(len(m.wv))])
    np.testing.assert_allclose(m.wv.vectors, expect, rtol=1e-5, atol=1e-7)


def test_defaults_are_the_official_tools_and_compat_keeps_gensims():
    from wordspace.compat.gensim.models import FastText as GensimFastText

    official = {"sg": 1, "alpha": 0.05, "sample": 1e-4, "ns_exponent": 0.5, "window": 5}
    official |= {"negative": 5, "minn": 3, "maxn": 6, "min_count": 5, "epochs": 5}
    got = FastText().get_params()
    assert {k: got[k] for k in official} == official
    g = GensimFastText()
    assert (g.sg, g.alpha, g.sample, g.ns_exponent) == (0, 0.025, 1e-3, 0.75)
