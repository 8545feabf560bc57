"""Trainers: one module per model (config + orchestration); each ends in a WordVectors."""

from wordspace.train.fasttext import FastText
from wordspace.train.glove import GloVe
from wordspace.train.valuevec.model import ValueVec
from wordspace.train.word2vec import Word2Vec

__all__ = ["Word2Vec", "FastText", "GloVe", "ValueVec"]
