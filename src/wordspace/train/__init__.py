"""Trainers: one module per model (config + orchestration); each ends in a WordVectors."""

from .fasttext import FastText
from .glove import GloVe
from .valuevec import ValueVec
from .word2vec import Word2Vec

__all__ = ["Word2Vec", "FastText", "GloVe", "ValueVec"]
