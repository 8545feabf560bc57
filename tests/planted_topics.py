"""Shared by the cluster tests (test_dask_tcp.py, test_dask_jobqueue.py): the two planted
topics of their corpora, the small word2vec they train, and how well it separates them."""

from __future__ import annotations

import numpy as np

import wordspace as ws

TOPICS = ([f"sea{i}" for i in range(8)], [f"sky{i}" for i in range(8)])


def small_model() -> ws.Word2Vec:
    """3 epochs of 16 dimensions, one thread: the same model bit for bit for the same rounds."""
    return ws.Word2Vec(
        vector_size=16, window=3, min_count=1, epochs=3, sample=0, workers=1, alpha=0.05, seed=3
    )


def topic_gap(wv) -> tuple[float, float]:
    """Mean cosine within a topic and across the two topics."""

    def mean_cos(xs, ys):
        return float(np.mean([wv.similarity(x, y) for x in xs for y in ys if x != y]))

    within = (mean_cos(TOPICS[0], TOPICS[0]) + mean_cos(TOPICS[1], TOPICS[1])) / 2
    return within, mean_cos(TOPICS[0], TOPICS[1])
