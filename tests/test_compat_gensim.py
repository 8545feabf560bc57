"""wordspace.compat.gensim: gensim 4 signatures and semantics over wordspace's engine."""

from __future__ import annotations

import warnings
import zipfile

import numpy as np
import pytest

import wordspace as ws
from wordspace.compat.gensim import (
    CallbackAny2Vec,
    CompatWarning,
    FastText,
    FastTextKeyedVectors,
    KeyedVectors,
    LineSentence,
    RemovedAttributeError,
    UnsupportedError,
    VecattrError,
    Word2Vec,
)
from wordspace.compat.gensim.models._trainer import RULE_DISCARD, RULE_KEEP
from wordspace.errors import CorpusError, OutOfVocabularyError, ParameterError, WordspaceError

ANIMALS = ["cat", "dog", "horse", "cow", "sheep", "goat", "pig", "duck"]
VEHICLES = ["car", "bus", "train", "truck", "bike", "plane", "boat", "tram"]


def topic_corpus(n: int = 600, seed: int = 0) -> list[list[str]]:
    """Sentences drawn from one of two disjoint topics: neighbours must stay in-topic."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        words = ANIMALS if i % 2 else VEHICLES
        out.append([words[j] for j in rng.integers(0, len(words), 8)])
    return out


@pytest.fixture(scope="module")
def corpus():
    return topic_corpus()


@pytest.fixture(scope="module")
def model(corpus):
    return Word2Vec(
        corpus, vector_size=16, window=3, min_count=1, sg=1, epochs=10, workers=1, seed=3, sample=0
    )


# ----------------------------------------------------------------- the failing lines
def test_the_most_common_gensim_line_trains(corpus):
    m = Word2Vec(corpus, vector_size=100, window=5, min_count=1, workers=4)
    assert isinstance(m.wv, KeyedVectors) and m.wv.vectors.shape == (16, 100)
    assert m.wv.vectors.dtype == np.float32


def test_positional_sentences_train_with_defaults(corpus):
    m = Word2Vec(corpus)
    assert m.vector_size == 100 and m.min_count == 5
    assert len(m.wv) == 16 and m.wv["cat"].shape == (100,)
    assert m.epochs_trained_ == 5


def test_model_learns_the_topics(model):
    for word in ("cat", "car"):
        group = ANIMALS if word in ANIMALS else VEHICLES
        top = [w for w, _ in model.wv.most_similar(word, topn=5)]
        assert set(top) <= set(group), (word, top)


def test_corpus_file_equals_sentences(tmp_path, corpus):
    path = tmp_path / "c.txt"
    path.write_text("".join(" ".join(s) + "\n" for s in corpus), encoding="utf-8")
    a = Word2Vec(corpus_file=str(path), vector_size=16, min_count=1, workers=1, seed=5)
    b = Word2Vec(corpus, vector_size=16, min_count=1, workers=1, seed=5)
    c = Word2Vec(LineSentence(str(path)), vector_size=16, min_count=1, workers=1, seed=5)
    assert a.corpus_count == b.corpus_count == len(corpus)
    assert a.corpus_total_words == 8 * len(corpus)
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)
    np.testing.assert_array_equal(a.wv.vectors, c.wv.vectors)


def test_same_vectors_as_wordspace_engine(corpus):
    """build_vocab + train at construction is wordspace's fit, bit for bit (workers=1)."""
    params = dict(vector_size=12, window=4, min_count=2, sg=1, epochs=3, workers=1, seed=7)
    compat = Word2Vec(corpus, **params)
    # compat keeps gensim's per-pair noise draws; wordspace shares one draw per window by default
    native = ws.Word2Vec(**params, shared_negatives=False).fit(corpus)
    assert compat.wv.index_to_key == native.wv.index_to_key
    np.testing.assert_array_equal(compat.wv.vectors, native.wv.vectors)


def test_build_vocab_then_train_and_get_vecattr(corpus):
    m = Word2Vec(vector_size=8, min_count=1, workers=1)
    assert not m.is_fitted
    m.build_vocab(corpus)
    assert m.corpus_count == len(corpus) and len(m.wv) == 16
    before = m.wv.vectors.copy()
    trained, raw = m.train(corpus, total_examples=m.corpus_count, epochs=m.epochs)
    assert raw == 8 * len(corpus) * m.epochs and 0 < trained <= raw
    assert not np.array_equal(before, m.wv.vectors)
    counts = [m.wv.get_vecattr(w, "count") for w in m.wv.index_to_key]
    assert sum(counts) == 8 * len(corpus) and counts == sorted(counts, reverse=True)


def test_evaluate_word_pairs_is_indexable_like_gensim(tmp_path, model):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        "# w1\tw2\tscore\ncat\tdog\t9\ncat\tcar\t1\nbus\ttruck\t8\n"
        "horse\tplane\t2\ncow\tsheep\t7\nfoo\tbar\t5\n",
        encoding="utf-8",
    )
    res = model.wv.evaluate_word_pairs(str(pairs))
    spearman = res[1][0]
    assert isinstance(res, tuple) and len(res) == 3
    ref = ws.evaluate_word_pairs(model.wv, pairs)
    assert spearman == ref.spearman[0] and res[0][0] == ref.pearson[0]
    assert ref[1][0] == spearman and ref[2] == res[2]  # wordspace's own result indexes too
    assert res[2] == pytest.approx(100 / 6)  # foo/bar unknown: percent, as gensim


def test_evaluate_word_analogies_returns_score_and_sections(tmp_path, model):
    q = tmp_path / "q.txt"
    q.write_text(
        ": family\ncat dog cow sheep\ncar bus train truck\ncat dog zzz yyy\n", encoding="utf-8"
    )
    score, sections = model.wv.evaluate_word_analogies(str(q))
    assert sections[-1]["section"] == "Total accuracy"
    n = len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])
    assert n == 2 and score == len(sections[-1]["correct"]) / 2
    with pytest.raises(UnsupportedError, match="similarity_function"):
        model.wv.evaluate_word_analogies(str(q), similarity_function="cosine")


# ------------------------------------------------------------------------ training semantics
def test_callbacks_receive_the_model_in_gensim_order(corpus):
    seen = []

    class Recorder(CallbackAny2Vec):
        def on_train_begin(self, model):
            seen.append(("train_begin", type(model).__name__))

        def on_epoch_begin(self, model):
            seen.append(("epoch_begin", model.epochs_trained_))

        def on_epoch_end(self, model):
            seen.append(("epoch_end", model.get_latest_training_loss()))

        def on_train_end(self, model):
            seen.append(("train_end", model.wv is not None))

    Word2Vec(
        corpus,
        vector_size=8,
        min_count=1,
        epochs=2,
        workers=1,
        compute_loss=True,
        callbacks=[Recorder()],
    )
    kinds = [k for k, _ in seen]
    assert kinds == [
        "train_begin",
        "epoch_begin",
        "epoch_end",
        "epoch_begin",
        "epoch_end",
        "train_end",
    ]
    assert seen[0][1] == "Word2Vec" and seen[1][1] == 0 and seen[3][1] == 1
    loss1, loss2 = seen[2][1], seen[4][1]
    assert 0 < loss1 < loss2  # cumulative within one train() call, as gensim


def test_training_loss_is_reset_per_train_call(corpus):
    m = Word2Vec(corpus, vector_size=8, min_count=1, epochs=2, workers=1, compute_loss=True)
    total = m.get_latest_training_loss()
    assert total == pytest.approx(sum(m.loss_history_))
    m.train(corpus, total_examples=m.corpus_count, epochs=1, compute_loss=True)
    assert m.get_latest_training_loss() == pytest.approx(m.loss_history_[-1])
    m.train(corpus, total_examples=m.corpus_count, epochs=1)  # compute_loss=False, as gensim
    assert m.get_latest_training_loss() == 0.0


def test_train_checks_like_gensim(corpus):
    m = Word2Vec(min_count=1, vector_size=8)
    with pytest.raises(ParameterError, match="build vocabulary"):
        m.train(corpus, total_examples=10, epochs=1)
    m.build_vocab(corpus)
    with pytest.raises(ValueError, match="explicit epochs"):
        m.train(corpus, total_examples=m.corpus_count)
    with pytest.raises(ValueError, match="total_examples or total_words"):
        m.train(corpus, epochs=1)
    with pytest.raises(ParameterError, match="not both"):
        m.build_vocab(corpus, corpus_file="x.txt")
    with pytest.raises(CorpusError, match="one-shot"):
        Word2Vec((s for s in corpus), min_count=1)


def test_start_and_end_alpha(corpus):
    m = Word2Vec(corpus, vector_size=8, min_count=1, workers=1, epochs=1)
    m.train(corpus, total_examples=m.corpus_count, epochs=1, start_alpha=0.01, end_alpha=0.005)
    assert m.alpha == 0.01 and m.min_alpha == 0.005
    assert m.epoch_stats_[-1]["alpha_end"] == pytest.approx(0.005, rel=0.01)


def test_build_vocab_update_adds_words(corpus):
    m = Word2Vec(corpus, vector_size=8, min_count=1, workers=1)
    old = m.wv["cat"].copy()
    with pytest.raises(ParameterError, match="no prior"):
        Word2Vec(min_count=1).build_vocab(corpus, update=True)
    new = [["zebra", "cat", "lion"], ["lion", "zebra", "dog"]] * 5
    m.build_vocab(new, update=True)
    assert "zebra" in m.wv and len(m.wv) == 18
    np.testing.assert_array_equal(m.wv["cat"], old)  # old rows keep their place and values
    m.train(new, total_examples=len(new), epochs=m.epochs)
    assert m.wv.get_vecattr("zebra", "count") == 10


def test_trim_rule_discards_and_keeps(corpus):
    def rule(word, count, min_count):
        if word == "cat":
            return RULE_DISCARD
        if word == "rare":
            return RULE_KEEP
        return 0

    data = corpus + [["rare", "dog"]]
    m = Word2Vec(data, vector_size=8, min_count=2, trim_rule=rule, workers=1)
    assert "cat" not in m.wv.key_to_index and "rare" in m.wv.key_to_index
    assert "trim_rule" not in str(m._config().get("trim_rule", ""))  # a function: not saved


def test_build_vocab_from_freq():
    m = Word2Vec(vector_size=8, min_count=2)
    m.build_vocab_from_freq({"a": 5, "b": 1, "c": 3})
    assert m.wv.index_to_key == ["a", "c"]
    assert m.wv.get_vecattr("c", "count") == 3


def test_parameters_that_cannot_be_honoured_warn(corpus):
    with pytest.warns(CompatWarning, match="null_word"):
        Word2Vec(null_word=1)
    with pytest.warns(CompatWarning, match="sorted_vocab"):
        Word2Vec(sorted_vocab=0)
    with pytest.warns(CompatWarning, match="hashfxn"):
        Word2Vec(hashfxn=lambda s: 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Word2Vec(sorted_vocab=1, null_word=0)  # gensim's defaults: no warning
    with pytest.raises(ParameterError, match="vector_size"):
        Word2Vec(vector_size=0)


def test_max_vocab_size_prunes_while_counting_as_gensim():
    # gensim's test_prune_vocab: after each sentence that takes the count of distinct words
    # over max_vocab_size, words seen fewer than min_reduce times go and min_reduce grows
    sentences = [["graph", "system"], ["graph", "system"], ["system", "eps"], ["graph", "system"]]
    m = Word2Vec(sentences, vector_size=10, min_count=0, max_vocab_size=2, hs=1, negative=0)
    assert sorted(m.wv.index_to_key) == ["graph", "system"]
    assert (m.wv.get_vecattr("graph", "count"), m.wv.get_vecattr("system", "count")) == (3, 4)
    sentences.append(["minors", "survey", "minors", "survey", "minors"])
    m = Word2Vec(sentences, vector_size=10, min_count=0, max_vocab_size=2, hs=1, negative=0)
    assert sorted(m.wv.index_to_key) == ["graph", "minors", "system"]  # 'survey' (2) pruned
    assert m.wv.get_vecattr("minors", "count") == 3


def test_get_params_exclude_the_data(corpus):
    m = Word2Vec(corpus, min_count=1, vector_size=8)
    params = m.get_params()
    assert "sentences" not in params and "corpus_file" not in params
    assert params["vector_size"] == 8 and params["null_word"] == 0
    clone = Word2Vec(**params)
    assert not clone.is_fitted and clone.vector_size == 8


def test_predict_output_word(model):
    out = model.predict_output_word(["cat", "dog"], topn=4)
    assert len(out) == 4 and all(w in ANIMALS for w, _ in out)
    assert model.predict_output_word(["unknown"]) is None
    with pytest.raises(UnsupportedError):
        model.score([["cat"]])


# ------------------------------------------------------------------------------ persistence
def test_save_load_native_no_pickle_and_continue(tmp_path, corpus):
    m = Word2Vec(corpus, vector_size=8, min_count=1, workers=1, compute_loss=True)
    path = tmp_path / "w2v.model"
    m.save(str(path))
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    assert "meta.json" in names and all(n.endswith((".npy", ".json")) for n in names)
    back = Word2Vec.load(str(path))
    assert isinstance(back, Word2Vec) and isinstance(back.wv, KeyedVectors)
    np.testing.assert_array_equal(back.wv.vectors, m.wv.vectors)
    np.testing.assert_array_equal(back.syn1neg, m.syn1neg)
    assert back.epochs_trained_ == m.epochs_trained_
    back.train(corpus, total_examples=len(corpus), epochs=1)
    assert back.epochs_trained_ == m.epochs_trained_ + 1
    # and the plain loaders read it as vectors
    assert ws.load(path).index_to_key == m.wv.index_to_key
    assert str(back).startswith("Word2Vec<vocab=16, vector_size=8")


def test_save_to_an_open_handle_is_unsupported(tmp_path, model):
    with open(tmp_path / "f", "wb") as fh, pytest.raises(UnsupportedError, match="path"):
        model.save(fh)


# ------------------------------------------------------------------------------ KeyedVectors
def test_keyedvectors_built_by_hand():
    kv = KeyedVectors(3)
    assert len(kv) == 0 and str(kv) == "KeyedVectors<vector_size=3, 0 keys>"
    assert kv.add_vector("a", np.array([1, 0, 0])) == 0
    kv.add_vectors(["b", "c"], np.array([[0, 1, 0], [1, 1, 0]]), extras={"tag": np.array([7, 8])})
    kv["d"] = np.array([0, 0, 1])
    kv["a"] = np.array([2, 0, 0])  # replaces
    assert kv.index_to_key == ["a", "b", "c", "d"] and kv.next_index == 4
    np.testing.assert_array_equal(kv["a"], [2, 0, 0])
    assert kv.get_vecattr("c", "tag") == 8 and kv.get_vecattr("d", "tag") == 0
    kv.set_vecattr("b", "count", 5)
    assert kv.get_vecattr("b", "count") == 5 and kv.get_vecattr("a", "count") == 0
    kv.sort_by_descending_frequency()
    assert kv.index_to_key[0] == "b" and kv.get_index("b") == 0
    assert kv.most_similar("a", topn=1)[0][0] == "c"
    with pytest.warns(CompatWarning, match="already exists"):
        kv.add_vector("a", np.zeros(3))
    with pytest.raises(VecattrError, match="no key has the attribute 'colour'"):
        kv.get_vecattr("a", "colour")
    with pytest.raises(ParameterError, match="shape"):
        kv.add_vectors(["x"], np.zeros((1, 4)))
    assert kv[0].shape == (3,) and kv.get_index(1) == 1  # int keys, as gensim


def test_keyedvectors_removed_and_unsupported(model):
    wv = model.wv
    for name in ("vocab", "index2word", "index2entity", "vectors_norm"):
        with pytest.raises(RemovedAttributeError) as e:
            getattr(wv, name)
        assert isinstance(e.value, AttributeError) and isinstance(e.value, WordspaceError)
    with pytest.raises(AttributeError):
        wv.no_such_thing  # noqa: B018
    with pytest.raises(UnsupportedError, match="indexer"):
        wv.most_similar("cat", indexer=object())
    with pytest.raises(UnsupportedError):
        wv.similarity_unseen_docs(None, ["a"], ["b"])
    with pytest.raises(OutOfVocabularyError):
        wv["nope"]


def test_keyedvectors_queries(model):
    wv = model.wv
    assert wv.rank("cat", wv.most_similar("cat", topn=1)[0][0]) == 1
    top3 = [w for w, _ in wv.most_similar("cat", topn=3)]
    assert set(wv.closer_than("cat", top3[2])) == set(top3[:2])
    assert wv.most_similar_to_given("cat", ["car", "dog", "bus"]) == "dog"
    ranked = wv.rank_by_centrality(["cat", "dog", "cow", "car"])
    assert ranked[-1][1] == "car" and len(ranked) == 4
    assert wv.relative_cosine_similarity("cat", "dog") > 0
    sims = KeyedVectors.cosine_similarities(wv["cat"], wv[["cat", "dog"]])
    assert sims[0] == pytest.approx(1.0, abs=1e-6)
    clipped = wv.most_similar("cat", topn=3, clip_start=4, clip_end=12)
    assert all(4 <= wv.get_index(w) < 12 for w, _ in clipped) and len(clipped) == 3
    assert wv.similar_by_key("cat", topn=2) == wv.most_similar("cat", topn=2)
    assert len(wv.most_similar("cat", topn=None)) == len(wv)


def test_unit_normalize_all_and_init_sims(model):
    kv = KeyedVectors._from_vectors(
        ws.WordVectors(model.wv.index_to_key, model.wv.vectors.copy(), writeable=True)
    )
    with pytest.warns(DeprecationWarning):
        kv.init_sims(replace=True)
    np.testing.assert_allclose(np.linalg.norm(kv.vectors, axis=1), 1, rtol=1e-5)


def test_word2vec_format_with_fvocab_round_trip(tmp_path, model):
    vec, voc = tmp_path / "v.txt", tmp_path / "vocab.txt"
    model.wv.save_word2vec_format(str(vec), fvocab=str(voc))
    back = KeyedVectors.load_word2vec_format(str(vec), fvocab=str(voc))
    assert back.index_to_key == model.wv.index_to_key
    assert [back.get_vecattr(w, "count") for w in back.index_to_key] == model.wv.counts.tolist()
    np.testing.assert_allclose(back.vectors, model.wv.vectors, rtol=1e-5, atol=1e-6)
    bin_path = tmp_path / "v.bin"
    model.wv.save_word2vec_format(str(bin_path), binary=True)
    np.testing.assert_array_equal(
        KeyedVectors.load_word2vec_format(str(bin_path), binary=True).vectors, model.wv.vectors
    )
    with pytest.raises(UnsupportedError, match="Doc2Vec"):
        model.wv.save_word2vec_format(str(vec), prefix="*dt_")
    with pytest.raises(UnsupportedError, match="UTF-8"):
        KeyedVectors.load_word2vec_format(str(vec), encoding="latin-1")


def test_intersect_word2vec_format(tmp_path, model):
    other = ws.WordVectors(["cat", "zebra"], np.ones((2, 16), np.float32))
    path = tmp_path / "o.txt"
    other.save_word2vec_format(path)
    kv = KeyedVectors._from_vectors(ws.WordVectors(model.wv.index_to_key, model.wv.vectors.copy()))
    kv.intersect_word2vec_format(str(path))  # lockf=0.0: the imported vectors are locked
    np.testing.assert_array_equal(kv["cat"], np.ones(16))
    assert "zebra" not in kv and len(kv) == 16
    assert kv.vectors_lockf[kv.get_index("cat")] == 0.0 and kv.vectors_lockf.sum() == 15


def test_locked_vectors_do_not_train(tmp_path, corpus):
    other = ws.WordVectors(["cat"], np.ones((1, 8), np.float32))
    path = tmp_path / "o.txt"
    other.save_word2vec_format(path)
    m = Word2Vec(vector_size=8, min_count=1, workers=1, seed=3)
    m.build_vocab(corpus)
    m.wv.intersect_word2vec_format(str(path), lockf=0.0)
    dog = m.wv["dog"].copy()
    m.train(corpus, total_examples=m.corpus_count, epochs=2)
    np.testing.assert_array_equal(m.wv["cat"], np.ones(8))  # locked
    assert not np.array_equal(m.wv["dog"], dog)  # trained
    m.wv.vectors_lockf = np.ones(3, np.float32)
    with pytest.raises(ParameterError, match="vectors_lockf"):
        m.train(corpus, total_examples=m.corpus_count, epochs=1)


def test_keyedvectors_save_load(tmp_path, model):
    p = tmp_path / "vectors.kv"
    model.wv.save(str(p))
    back = KeyedVectors.load(str(p))
    assert isinstance(back, KeyedVectors) and back.index_to_key == model.wv.index_to_key
    assert back.get_vecattr("cat", "count") == model.wv.get_vecattr("cat", "count")


# -------------------------------------------------------------------------------- FastText
def test_fasttext_compat(tmp_path, corpus):
    m = FastText(
        corpus, vector_size=8, min_count=1, min_n=2, max_n=4, bucket=500, workers=1, epochs=2
    )
    assert isinstance(m.wv, FastTextKeyedVectors)
    assert m.wv.min_n == 2 and m.wv.max_n == 4 and m.wv.vectors_ngrams.shape == (500, 8)
    assert "caat" in m.wv and "caat" not in m.wv.key_to_index  # any word with n-grams
    assert m.wv["caat"].shape == (8,)
    assert m.wv.get_sentence_vector(["cat", "dog"]).shape == (8,)
    p = tmp_path / "ft.model"
    m.save(str(p))
    back = FastText.load(str(p))
    np.testing.assert_allclose(back.wv["caat"], m.wv["caat"], rtol=1e-6)
    kv = KeyedVectors.load(str(p))  # the vectors of a FastText model keep their n-grams
    assert isinstance(kv, FastTextKeyedVectors)
    with pytest.raises(UnsupportedError, match="word_ngrams"):
        FastText(word_ngrams=2)
    gensim_defaults = dict(sg=0, alpha=0.025, sample=1e-3, ns_exponent=0.75)  # not ws.FastText's
    native = ws.FastText(
        vector_size=8, min_count=1, minn=2, maxn=4, bucket=500, workers=1, epochs=2,
        **gensim_defaults,
    ).fit(corpus)  # fmt: skip
    np.testing.assert_array_equal(native.wv.vectors, m.wv.vectors)


def test_fasttext_build_vocab_makes_vectors_before_training(corpus):
    m = FastText(vector_size=8, min_count=1, bucket=100, workers=1)
    m.build_vocab(corpus)
    assert m.wv.vectors.shape == (16, 8) and m.wv["zebra"].shape == (8,)
    m.train(corpus, total_examples=m.corpus_count, epochs=1)
    assert m.epochs_trained_ == 1


def test_downloader_info_lists_known_models():
    from wordspace.compat.gensim import downloader

    info = downloader.info()
    assert "glove-wiki-gigaword-50" in info["models"]
    with pytest.raises(UnsupportedError):
        downloader.load("glove-wiki-gigaword-50", return_path=True)


def test_model_with_callbacks_saves_and_loads(tmp_path, corpus):
    class Noop(CallbackAny2Vec):
        pass

    m = Word2Vec(
        corpus, vector_size=8, min_count=1, callbacks=[Noop()], trim_rule=lambda w, c, mc: 0
    )
    m.save(str(tmp_path / "m"))
    back = Word2Vec.load(str(tmp_path / "m"))
    assert back.callbacks == () and back.trim_rule is None  # objects are not saved (no pickle)
    back.train(corpus, total_examples=len(corpus), epochs=1)
    assert back.epochs_trained_ == m.epochs_trained_ + 1


# ------------------------------------------------------------- gensim 4.4's public names
# dir() of gensim 4.4's classes (public names), recorded with gensim's venv.
GENSIM_KV_PUBLIC = (
    "add_lifecycle_event",
    "add_vector",
    "add_vectors",
    "allocate_vecattrs",
    "closer_than",
    "cosine_similarities",
    "distance",
    "distances",
    "doesnt_match",
    "evaluate_word_analogies",
    "evaluate_word_pairs",
    "fill_norms",
    "get_index",
    "get_mean_vector",
    "get_normed_vectors",
    "get_vecattr",
    "get_vector",
    "has_index_for",
    "index2entity",
    "index2word",
    "init_sims",
    "intersect_word2vec_format",
    "load",
    "load_word2vec_format",
    "log_accuracy",
    "log_evaluate_word_pairs",
    "most_similar",
    "most_similar_cosmul",
    "most_similar_to_given",
    "n_similarity",
    "rank",
    "rank_by_centrality",
    "relative_cosine_similarity",
    "resize_vectors",
    "save",
    "save_word2vec_format",
    "set_vecattr",
    "similar_by_key",
    "similar_by_vector",
    "similar_by_word",
    "similarity",
    "similarity_unseen_docs",
    "sort_by_descending_frequency",
    "unit_normalize_all",
    "vectors_for_all",
    "vectors_norm",
    "vocab",
    "wmdistance",
    "word_vec",
    "words_closer_than",
)
GENSIM_W2V_PUBLIC = (
    "add_lifecycle_event",
    "add_null_word",
    "build_vocab",
    "build_vocab_from_freq",
    "create_binary_tree",
    "estimate_memory",
    "get_latest_training_loss",
    "init_sims",
    "init_weights",
    "load",
    "make_cum_table",
    "predict_output_word",
    "prepare_vocab",
    "prepare_weights",
    "reset_from",
    "save",
    "scan_vocab",
    "score",
    "seeded_vector",
    "train",
    "update_weights",
)
GENSIM_FT_PUBLIC = (
    "add_lifecycle_event",
    "add_null_word",
    "build_vocab",
    "build_vocab_from_freq",
    "create_binary_tree",
    "estimate_memory",
    "get_latest_training_loss",
    "init_sims",
    "init_weights",
    "load",
    "load_binary_data",
    "load_fasttext_format",
    "make_cum_table",
    "predict_output_word",
    "prepare_vocab",
    "prepare_weights",
    "reset_from",
    "save",
    "scan_vocab",
    "score",
    "seeded_vector",
    "train",
    "update_weights",
)
GENSIM_FTKV_PUBLIC = (
    "add_lifecycle_event",
    "add_vector",
    "add_vectors",
    "adjust_vectors",
    "allocate_vecattrs",
    "closer_than",
    "cosine_similarities",
    "distance",
    "distances",
    "doesnt_match",
    "evaluate_word_analogies",
    "evaluate_word_pairs",
    "fill_norms",
    "get_index",
    "get_mean_vector",
    "get_normed_vectors",
    "get_sentence_vector",
    "get_vecattr",
    "get_vector",
    "has_index_for",
    "index2entity",
    "index2word",
    "init_post_load",
    "init_sims",
    "intersect_word2vec_format",
    "load",
    "load_word2vec_format",
    "log_accuracy",
    "log_evaluate_word_pairs",
    "most_similar",
    "most_similar_cosmul",
    "most_similar_to_given",
    "n_similarity",
    "rank",
    "rank_by_centrality",
    "recalc_char_ngram_buckets",
    "relative_cosine_similarity",
    "resize_vectors",
    "save",
    "save_word2vec_format",
    "set_vecattr",
    "similar_by_key",
    "similar_by_vector",
    "similar_by_word",
    "similarity",
    "similarity_unseen_docs",
    "sort_by_descending_frequency",
    "unit_normalize_all",
    "vectors_for_all",
    "vectors_norm",
    "vocab",
    "wmdistance",
    "word_vec",
    "words_closer_than",
)


@pytest.mark.parametrize(
    "cls_name, names",
    [
        ("KeyedVectors", GENSIM_KV_PUBLIC),
        ("FastTextKeyedVectors", GENSIM_FTKV_PUBLIC),
        ("Word2Vec", GENSIM_W2V_PUBLIC),
        ("FastText", GENSIM_FT_PUBLIC),
    ],
)
def test_every_public_gensim_name_answers(cls_name, names, corpus):
    """Each name of gensim 4.4's class exists here, or raises a typed error saying why."""
    if cls_name == "Word2Vec":
        obj = Word2Vec(corpus, vector_size=8, min_count=1)
    elif cls_name == "FastText":
        obj = FastText(corpus, vector_size=8, min_count=1, bucket=50)
    elif cls_name == "KeyedVectors":
        obj = Word2Vec(corpus, vector_size=8, min_count=1).wv
    else:
        obj = FastText(corpus, vector_size=8, min_count=1, bucket=50).wv
    for name in names:
        try:
            value = getattr(obj, name)
        except RemovedAttributeError:
            assert name in ("vocab", "index2word", "index2entity", "vectors_norm")
            continue
        except AttributeError as e:  # as gensim: load() is called on the class
            assert name == "load" and "on the class" in str(e)
            continue
        if name in ("make_cum_table", "create_binary_tree"):
            with pytest.raises(UnsupportedError, match="build_vocab"):
                value()


def test_gensim_pickles_are_refused_with_the_way_out(tmp_path):
    import pickle

    p = tmp_path / "model.kv"
    p.write_bytes(pickle.dumps({"a": 1}, protocol=4))  # what gensim's save() writes
    for loader in (KeyedVectors.load, Word2Vec.load):
        with pytest.raises(UnsupportedError, match="save_word2vec_format"):
            loader(str(p))
