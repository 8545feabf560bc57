"""gensim's ``gensim.models`` names: ``from wordspace.compat.gensim.models import Word2Vec``."""

from __future__ import annotations

from .callbacks import CallbackAny2Vec
from .fasttext import FastText, FastTextKeyedVectors
from .keyedvectors import KeyedVectors
from .word2vec import LineSentence, PathLineSentences, Word2Vec

__all__ = ["Word2Vec", "KeyedVectors", "FastText", "FastTextKeyedVectors", "LineSentence",
           "PathLineSentences", "CallbackAny2Vec"]
