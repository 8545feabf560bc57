"""gensim 4.4's own documented examples, run against wordspace.compat.gensim.

Each test holds one ``>>>`` block from the docstrings of gensim 4.4's ``models/word2vec.py``
and ``models/keyedvectors.py`` (and the ``vectors_for_all`` FastText example), copied as they
are with only the import prefix changed (``gensim`` -> ``wordspace.compat.gensim``), then
asserts what the block's output shows or implies (types, shapes, sensible neighbours).

Two substitutions keep the tests offline, and nothing else is changed:
- ``datapath(...)`` files are wordspace's bundled benchmark files or generated stand-ins
  (see ``wordspace.compat.gensim.test.utils``), so trained figures differ from gensim's;
- ``api.load("glove-wiki-gigaword-100")`` is served the installed 50-d GloVe 6B package
  (the same corpus and vocabulary), since tests never download.
"""

from __future__ import annotations

import numpy as np
import pytest

import wordspace


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples save to the working directory


@pytest.fixture
def offline_glove(monkeypatch):
    real_load = wordspace.load

    def load(name, **kwargs):
        if name in ("glove-wiki-gigaword-100", "glove-twitter-25"):
            name = "glove-wiki-gigaword-50"
        return real_load(name, **kwargs)

    monkeypatch.setattr(wordspace, "load", load)


# ------------------------------------------------------------------------- word2vec.py
def test_word2vec_module_example_train_save_load_continue():
    from wordspace.compat.gensim.models import Word2Vec
    from wordspace.compat.gensim.test.utils import common_texts

    model = Word2Vec(sentences=common_texts, vector_size=100, window=5, min_count=1, workers=4)
    model.save("word2vec.model")

    assert len(model.wv) == 12 and model.wv.vectors.shape == (12, 100)

    model = Word2Vec.load("word2vec.model")
    with pytest.warns(UserWarning, match="nothing was trained"):  # gensim only logs this
        model.train([["hello", "world"]], total_examples=1, epochs=1)

    vector = model.wv["computer"]  # get numpy vector of a word
    sims = model.wv.most_similar("computer", topn=10)  # get other similar words

    assert vector.shape == (100,) and vector.dtype == np.float32
    assert len(sims) == 10 and all(isinstance(w, str) and -1 <= s <= 1 for w, s in sims)
    assert "computer" not in [w for w, _ in sims]


def test_word2vec_module_example_keyedvectors_save_mmap():
    from wordspace.compat.gensim.models import Word2Vec
    from wordspace.compat.gensim.test.utils import common_texts

    model = Word2Vec(sentences=common_texts, vector_size=100, window=5, min_count=1, workers=4)

    from wordspace.compat.gensim.models import KeyedVectors

    # Store just the words + their trained embeddings.
    word_vectors = model.wv
    word_vectors.save("word2vec.wordvectors")

    # Load back with memory-mapping = read-only, shared across processes.
    wv = KeyedVectors.load("word2vec.wordvectors", mmap="r")

    vector = wv["computer"]  # Get numpy vector of a word

    assert isinstance(wv, KeyedVectors)
    np.testing.assert_array_equal(vector, model.wv["computer"])
    assert not wv.vectors.flags.writeable  # memory-mapped read-only, as gensim's mmap='r'


def test_word2vec_module_example_load_word2vec_format():
    from wordspace.compat.gensim.models import KeyedVectors
    from wordspace.compat.gensim.test.utils import datapath

    # Load a word2vec model stored in the C *text* format.
    wv_from_text = KeyedVectors.load_word2vec_format(datapath("word2vec_pre_kv_c"), binary=False)
    # Load a word2vec model stored in the C *binary* format.
    wv_from_bin = KeyedVectors.load_word2vec_format(datapath("euclidean_vectors.bin"), binary=True)

    assert wv_from_text.vectors.shape == (1750, 10)
    assert wv_from_bin.vectors.shape == (2747, 10)
    first = wv_from_text.index_to_key[0]
    assert wv_from_text.get_vecattr(first, "count") == 1750  # gensim's made-up counts


def test_word2vec_module_example_del_model_keeps_wv():
    from wordspace.compat.gensim.models import Word2Vec
    from wordspace.compat.gensim.test.utils import common_texts

    model = Word2Vec(sentences=common_texts, vector_size=100, window=5, min_count=1, workers=4)
    word_vectors = model.wv
    del model

    assert word_vectors.most_similar("system", topn=1)[0][0] in word_vectors.key_to_index


def test_word2vec_docstring_class_example():
    from wordspace.compat.gensim.models import Word2Vec

    sentences = [["cat", "say", "meow"], ["dog", "say", "woof"]]
    model = Word2Vec(sentences, min_count=1)

    assert sorted(model.wv.index_to_key) == ["cat", "dog", "meow", "say", "woof"]
    assert model.wv.index_to_key[0] == "say"  # the most frequent word first
    assert model.epochs == 5 and model.corpus_count == 2


def test_word2vec_docstring_build_vocab_then_train():
    from wordspace.compat.gensim.models import Word2Vec

    sentences = [["cat", "say", "meow"], ["dog", "say", "woof"]]

    model = Word2Vec(min_count=1)
    model.build_vocab(sentences)  # prepare the model vocabulary
    model.train(
        sentences, total_examples=model.corpus_count, epochs=model.epochs
    )  # train word vectors

    result = model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
    assert isinstance(result, tuple) and result[1] == 6 * model.epochs  # raw words read
    assert 0 <= result[0] <= 6  # sample=1e-3 drops nearly every word of 6 (gensim: 0 or 1)
    assert model.wv["cat"].shape == (100,)


def test_word2vec_linesentence_example():
    from wordspace.compat.gensim.models.word2vec import LineSentence
    from wordspace.compat.gensim.test.utils import datapath

    sentences = LineSentence(datapath("lee_background.cor"))
    for sentence in sentences:  # noqa: B007 - as in gensim's example
        pass

    assert isinstance(sentence, list) and all(isinstance(t, str) for t in sentence)
    assert sum(1 for _ in sentences) == 300


# ---------------------------------------------------------------------- keyedvectors.py
@pytest.fixture(scope="module")
def lee_model():
    from wordspace.compat.gensim.models import Word2Vec
    from wordspace.compat.gensim.test.utils import lee_corpus_list

    model = Word2Vec(lee_corpus_list, vector_size=24, epochs=100)
    word_vectors = model.wv
    return model, word_vectors


def test_keyedvectors_module_example_train_on_lee(lee_model):
    model, word_vectors = lee_model
    from wordspace.compat.gensim.models import KeyedVectors

    word_vectors.save("vectors.kv")
    reloaded_word_vectors = KeyedVectors.load("vectors.kv")

    assert word_vectors.vector_size == 24
    assert reloaded_word_vectors.index_to_key == word_vectors.index_to_key
    np.testing.assert_array_equal(reloaded_word_vectors.vectors, word_vectors.vectors)
    # 100 epochs on the small news-like corpus: related words are neighbours
    top = [w for w, _ in word_vectors.most_similar("president", topn=20)]
    assert len(top) == 20 and "president" not in top


def test_keyedvectors_module_example_c_formats():
    from wordspace.compat.gensim.models import KeyedVectors
    from wordspace.compat.gensim.test.utils import datapath

    wv_from_text = KeyedVectors.load_word2vec_format(
        datapath("word2vec_pre_kv_c"), binary=False
    )  # C text format
    wv_from_bin = KeyedVectors.load_word2vec_format(
        datapath("euclidean_vectors.bin"), binary=True
    )  # C bin format

    shared = wv_from_text.index_to_key[:100]
    assert all(w in wv_from_bin for w in shared)  # both from the same corpus's top words


def test_keyedvectors_module_example_queries(offline_glove, capsys):
    import wordspace.compat.gensim.downloader as api

    word_vectors = api.load(
        "glove-wiki-gigaword-100"
    )  # load pre-trained word-vectors from gensim-data

    # Check the "most similar words", using the default "cosine similarity" measure.
    result = word_vectors.most_similar(positive=["woman", "king"], negative=["man"])
    most_similar_key, similarity = result[0]  # look at the first match
    print(f"{most_similar_key}: {similarity:.4f}")
    assert most_similar_key == "queen"

    # Use a different similarity measure: "cosmul".
    result = word_vectors.most_similar_cosmul(positive=["woman", "king"], negative=["man"])
    most_similar_key, similarity = result[0]  # look at the first match
    print(f"{most_similar_key}: {similarity:.4f}")
    assert most_similar_key == "queen"

    print(word_vectors.doesnt_match("breakfast cereal dinner lunch".split()))
    assert capsys.readouterr().out.splitlines()[-1] == "cereal"

    similarity = word_vectors.similarity("woman", "man")
    assert similarity > 0.8

    result = word_vectors.similar_by_word("cat")
    most_similar_key, similarity = result[0]  # look at the first match
    print(f"{most_similar_key}: {similarity:.4f}")
    assert most_similar_key == "dog"

    sentence_obama = "Obama speaks to the media in Illinois".lower().split()
    sentence_president = "The president greets the press in Chicago".lower().split()

    similarity = word_vectors.wmdistance(sentence_obama, sentence_president)
    print(f"{similarity:.4f}")
    unrelated = "bananas grow on tall green plants".split()
    assert 0 < similarity < word_vectors.wmdistance(sentence_obama, unrelated)

    distance = word_vectors.distance("media", "media")
    print(f"{distance:.1f}")
    assert capsys.readouterr().out.splitlines()[-1] == "0.0"

    similarity = word_vectors.n_similarity(["sushi", "shop"], ["japanese", "restaurant"])
    print(f"{similarity:.4f}")
    assert 0.5 < similarity < 1

    vector = word_vectors["computer"]  # numpy vector of a word
    assert vector.shape == (50,)  # (100,) with the 100-d model

    vector = word_vectors.wv.get_vector("office", norm=True)
    assert vector.shape == (50,)
    assert abs(float(np.linalg.norm(vector)) - 1) < 1e-5


def test_keyedvectors_module_example_evaluation(lee_model):
    model, _ = lee_model
    from wordspace.compat.gensim.test.utils import datapath

    similarities = model.wv.evaluate_word_pairs(datapath("wordsim353.tsv"))

    analogy_scores = model.wv.evaluate_word_analogies(datapath("questions-words.txt"))

    (pearson, p_pearson), spearman, oov_ratio = similarities
    assert -1 <= pearson <= 1 and 0 <= p_pearson <= 1
    assert similarities[1][0] == spearman.statistic == spearman.correlation
    assert 0 <= oov_ratio <= 100
    score, sections = analogy_scores
    assert 0 <= score <= 1
    assert sections[-1]["section"] == "Total accuracy"
    assert {"section", "correct", "incorrect"} <= set(sections[0])


def test_keyedvectors_vectors_for_all_fasttext_example():
    from collections import Counter  # noqa: I001 - the example's import order
    import itertools

    from wordspace.compat.gensim.models import FastText
    from wordspace.compat.gensim.test.utils import datapath, common_texts

    model_corpus_file = datapath("lee_background.cor")  # train word vectors on some corpus
    model = FastText(corpus_file=model_corpus_file, vector_size=20, min_count=1)
    corpus = common_texts  # infer word vectors for words from another corpus
    word_counts = Counter(itertools.chain.from_iterable(corpus))  # count words in your corpus
    words_by_freq = (k for k, v in word_counts.most_common())
    word_vectors = model.wv.vectors_for_all(
        words_by_freq
    )  # create word-vectors for words in your corpus

    assert len(word_vectors) == len(word_counts)  # every word gets a vector via its n-grams
    assert word_vectors.index_to_key[0] == "system"  # most frequent first
    oov = [w for w in word_counts if w not in model.wv.key_to_index]
    assert oov  # some words were inferred from n-grams, not looked up
    np.testing.assert_allclose(word_vectors[oov[0]], model.wv[oov[0]], rtol=1e-6)
