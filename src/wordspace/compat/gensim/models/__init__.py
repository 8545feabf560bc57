"""gensim's ``gensim.models`` names: ``from wordspace.compat.gensim.models import Word2Vec``."""

from __future__ import annotations

from wordspace.compat.gensim.models.callbacks import CallbackAny2Vec
from wordspace.compat.gensim.models.fasttext import FastText, FastTextKeyedVectors
from wordspace.compat.gensim.models.keyedvectors import KeyedVectors
from wordspace.compat.gensim.models.word2vec import LineSentence, PathLineSentences, Word2Vec

__all__ = [
    "Word2Vec",
    "KeyedVectors",
    "FastText",
    "FastTextKeyedVectors",
    "LineSentence",
    "PathLineSentences",
    "CallbackAny2Vec",
]
