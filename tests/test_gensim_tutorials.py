"""gensim's "Word2Vec Model" and "FastText Model" tutorials (``docs/src/auto_examples/tutorials/
run_word2vec.py`` and ``run_fasttext.py`` in the gensim repository) and the docstring example
of ``gensim.models.phrases``, step by step, with only the imports changed to
``wordspace.compat.gensim``.

The tutorials train on the Lee corpus; here ``datapath('lee_background.cor')`` is compat's
stand-in (300 documents from the bundled Brown corpus, see ``compat/gensim/test/utils.py``), so
the words queried are ones that corpus has where the tutorial's are missing from it (noted at
each step), and the assertions are about behaviour, not gensim's printed figures. Steps that
download models (``api.load('word2vec-google-news-300')``) or draw pictures (t-SNE) are left
out; the FastText model uses 20,000 hash buckets instead of 2,000,000 (800 MB) to stay small.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np
import pytest

# ---------------------------------------------------------------- the tutorials' imports
import wordspace.compat.gensim.models
from wordspace.compat.gensim import utils
from wordspace.compat.gensim.models.fasttext import FastText
from wordspace.compat.gensim.test.utils import datapath


class MyCorpus:
    """An iterator that yields sentences (lists of str)."""

    def __iter__(self):
        corpus_path = datapath("lee_background.cor")
        with open(corpus_path, encoding="utf-8") as fh:  # the tutorial: open(corpus_path)
            for line in fh:
                # assume there's one document per line, tokens separated by whitespace
                yield utils.simple_preprocess(line)


@pytest.fixture(scope="module")
def w2v_model():
    sentences = MyCorpus()
    return wordspace.compat.gensim.models.Word2Vec(sentences=sentences, workers=1)


# ------------------------------------------------------------------------- Word2Vec Model
def test_word2vec_tutorial_train_and_query(w2v_model):
    model = w2v_model
    vec_president = model.wv["president"]  # the tutorial's 'king' is seen once here
    assert vec_president.shape == (100,) and vec_president.dtype == np.float32
    try:
        model.wv["cameroon"]
        raise AssertionError("an unseen word must raise KeyError")
    except KeyError:
        pass  # "The word 'cameroon' does not appear in this model"
    first = []
    for index, word in enumerate(model.wv.index_to_key):
        if index == 10:
            break
        first.append(word)
    counts = [model.wv.get_vecattr(w, "count") for w in first]
    assert counts == sorted(counts, reverse=True)  # most frequent first, as gensim
    pairs = [("car", "man"), ("car", "time"), ("car", "said")]
    for w1, w2 in pairs:
        assert -1.0 <= model.wv.similarity(w1, w2) <= 1.0
    top = model.wv.most_similar(positive=["car", "man"], topn=5)
    assert len(top) == 5 and {"car", "man"}.isdisjoint(w for w, _ in top)
    odd = model.wv.doesnt_match(["president", "time", "year", "day", "car"])
    assert odd in {"president", "time", "year", "day", "car"}


def test_word2vec_tutorial_storing_and_loading(w2v_model):
    model = w2v_model
    with tempfile.NamedTemporaryFile(prefix="gensim-model-", delete=False) as tmp:
        temporary_filepath = tmp.name
    try:
        model.save(temporary_filepath)
        new_model = wordspace.compat.gensim.models.Word2Vec.load(temporary_filepath)
    finally:
        os.unlink(temporary_filepath)
    assert new_model.wv.index_to_key == model.wv.index_to_key
    assert np.array_equal(new_model.wv.vectors, model.wv.vectors)


def test_word2vec_tutorial_training_parameters():
    sentences = MyCorpus()
    default = wordspace.compat.gensim.models.Word2Vec(sentences, workers=1)
    model = wordspace.compat.gensim.models.Word2Vec(sentences, min_count=10, workers=1)
    assert 0 < len(model.wv) < len(default.wv)
    assert min(model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key) >= 10
    model = wordspace.compat.gensim.models.Word2Vec(sentences, vector_size=200, workers=1)
    assert model.wv.vectors.shape == (len(default.wv), 200)
    model = wordspace.compat.gensim.models.Word2Vec(sentences, workers=4)
    assert model.wv.vectors.shape == default.wv.vectors.shape


def test_word2vec_tutorial_memory_and_evaluating(w2v_model):
    model = w2v_model
    memory = model.estimate_memory()
    n, d = len(model.wv), model.vector_size
    assert memory["vectors"] == n * d * 4 and memory["total"] >= memory["vectors"]
    score, sections = model.wv.evaluate_word_analogies(datapath("questions-words.txt"))
    assert 0.0 <= score <= 1.0
    assert sections[-1]["section"] == "Total accuracy"
    pearson, spearman, oov_ratio = model.wv.evaluate_word_pairs(datapath("wordsim353.tsv"))
    assert -1.0 <= pearson[0] <= 1.0 and 0.0 <= pearson[1] <= 1.0
    assert -1.0 <= spearman[0] <= 1.0 and 0.0 < oov_ratio < 100.0


def test_word2vec_tutorial_online_training(w2v_model):
    with tempfile.NamedTemporaryFile(prefix="gensim-model-", delete=False) as tmp:
        temporary_filepath = tmp.name
    try:
        w2v_model.save(temporary_filepath)
        model = wordspace.compat.gensim.models.Word2Vec.load(temporary_filepath)
    finally:
        os.unlink(temporary_filepath)
    more_sentences = [
        ["Advanced", "users", "can", "load", "a", "model", "and", "continue", "training", "it"]
        + ["with", "more", "sentences"]
    ] * 5  # the tutorial's sentence, repeated to reach min_count=5
    before = model.wv.vectors.copy()
    new_words = set(more_sentences[0]) - set(model.wv.key_to_index)
    model.build_vocab(more_sentences, update=True)
    model.train(more_sentences, total_examples=model.corpus_count, epochs=model.epochs)
    assert "Advanced" in new_words and len(model.wv) == len(before) + len(new_words)
    assert new_words <= set(model.wv.key_to_index)
    assert not np.array_equal(model.wv.vectors[: len(before)], before)  # training continued


def test_word2vec_tutorial_training_loss():
    sentences = MyCorpus()
    model_with_loss = wordspace.compat.gensim.models.Word2Vec(
        sentences, min_count=1, compute_loss=True, hs=0, sg=1, seed=42, workers=1
    )
    training_loss = model_with_loss.get_latest_training_loss()
    assert training_loss > 0.0


# -------------------------------------------------------------------------- FastText Model
@pytest.fixture(scope="module")
def ft_model():
    corpus_file = datapath("lee_background.cor")
    model = FastText(vector_size=100, bucket=20_000, workers=1)
    # build the vocabulary
    model.build_vocab(corpus_file=corpus_file)
    # train the model
    model.train(
        corpus_file=corpus_file,
        epochs=model.epochs,
        total_examples=model.corpus_count,
        total_words=model.corpus_total_words,
    )
    return model


def test_fasttext_tutorial_training_and_saving(ft_model):
    model = ft_model
    assert str(model).startswith("FastText<vocab=")
    with tempfile.NamedTemporaryFile(prefix="saved_model_gensim-", delete=False) as tmp:
        model.save(tmp.name, separately=[])
    try:
        loaded_model = FastText.load(tmp.name)
    finally:
        os.unlink(tmp.name)
    assert loaded_model.wv.index_to_key == model.wv.index_to_key
    assert np.allclose(loaded_model.wv["nights"], model.wv["nights"])


def test_fasttext_tutorial_word_vectors_lookup(ft_model):
    wv = ft_model.wv
    assert "night" in wv.key_to_index
    assert "nights" not in wv.key_to_index  # not in the vocabulary ...
    assert "nights" in wv  # ... but it has n-grams, so it has a vector
    assert wv["nights"].shape == (100,)
    assert wv.similarity("night", "nights") > 0.5  # they share most n-grams
    assert len(wv.most_similar("nights")) == 10


def test_fasttext_tutorial_other_similarity_operations(ft_model):
    wv = ft_model.wv
    # the tutorial's words: sushi shop / japanese restaurant, breakfast cereal dinner lunch;
    # a mix of known and unknown ones works the same way through their n-grams
    assert -1.0 <= wv.n_similarity(["sushi", "shop"], ["japanese", "restaurant"]) <= 1.0
    assert wv.doesnt_match("breakfast cereal dinner lunch".split()) in {
        "breakfast",
        "cereal",
        "dinner",
        "lunch",
    }
    analogy = wv.most_similar(positive=["baghdad", "england"], negative=["london"])
    assert len(analogy) == 10
    score, sections = wv.evaluate_word_analogies(datapath("questions-words.txt"))
    assert 0.0 <= score <= 1.0 and sections


def test_fasttext_tutorial_word_movers_distance(ft_model):
    wv = ft_model.wv
    sentence_obama = "Obama speaks to the media in Illinois".lower().split()
    sentence_president = "The president greets the press in Chicago".lower().split()
    stopwords = {"to", "the", "in"}
    sentence_obama = [w for w in sentence_obama if w not in stopwords]
    sentence_president = [w for w in sentence_president if w not in stopwords]
    distance = wv.wmdistance(sentence_obama, sentence_president)
    assert distance > 0.0
    assert wv.wmdistance(sentence_obama, sentence_obama) == pytest.approx(0.0, abs=1e-6)


# ------------------------------------------------- gensim.models.phrases' docstring example
def test_phrases_module_docstring_example(tmp_path):
    from wordspace.compat.gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases
    from wordspace.compat.gensim.models.word2vec import Text8Corpus

    # Create training corpus. Must be a sequence of sentences (e.g. an iterable or a generator).
    sentences = Text8Corpus(datapath("testcorpus.txt"))
    # Each sentence must be a list of string tokens:
    first_sentence = next(iter(sentences))
    assert first_sentence[:10] == [
        "computer",
        "human",
        "interface",
        "computer",
        "response",
        "survey",
        "system",
        "time",
        "user",
        "interface",
    ]
    # Train a toy phrase model on our training corpus.
    phrase_model = Phrases(
        sentences, min_count=1, threshold=1, connector_words=ENGLISH_CONNECTOR_WORDS
    )
    # Apply the trained phrases model to a new, unseen sentence.
    new_sentence = ["trees", "graph", "minors"]
    assert phrase_model[new_sentence] == ["trees_graph", "minors"]
    # Apply the trained model to each sentence of a corpus, using the same [] syntax:
    assert sum(1 for _ in phrase_model[sentences]) == 1  # Text8Corpus: one long sentence
    # Update the model with two new sentences on the fly.
    phrase_model.add_vocab([["hello", "world"], ["meow"]])
    assert phrase_model.vocab["hello_world"] == 1
    # Export the trained model = use less RAM, faster processing. Model updates no longer possible.
    frozen_model = phrase_model.freeze()
    # Apply the frozen model; same results as before:
    assert frozen_model[new_sentence] == ["trees_graph", "minors"]
    # Save / load models (JSON here, never pickle; the docstring's path is /tmp/...).
    frozen_model.save(str(tmp_path / "my_phrase_model.pkl"))
    model_reloaded = Phrases.load(str(tmp_path / "my_phrase_model.pkl"))
    assert model_reloaded[["trees", "graph", "minors"]] == ["trees_graph", "minors"]
    assert type(model_reloaded).__name__ == "FrozenPhrases"  # what was saved, as gensim
