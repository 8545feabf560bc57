"""``gensim.similarities.annoy.AnnoyIndexer`` over wordspace's neighbour index.

gensim's class wraps Spotify's annoy (random-projection trees); this one has its signature and
its answers' shape, over wordspace's HNSW index (:mod:`wordspace.vectors.index`, extra
``wordspace[index]``), which reached a higher recall in less build time on GloVe 6B 50d
(docs/howto/index.md). ``num_trees`` is accepted and recorded; the graph's own parameters are
wordspace's defaults. As in gensim, ``kv.most_similar(word, indexer=indexer)`` returns the
indexer's answer as it is: the query word itself is among the results.

What differs: :meth:`save` writes one file (wordspace's index format, no pickle and no
``.dict`` side file), and :meth:`load` needs the model the index was built from
(``AnnoyIndexer(model).load(fname)``, or set ``indexer.model`` before querying): the words
come from the model, and an index built for other vectors raises
:class:`~wordspace.errors.StaleIndexError`.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from wordspace.errors import ParameterError

__all__ = ["AnnoyIndexer"]


def _vectors_of(model: Any) -> Any:
    """The WordVectors of a compat ``Word2Vec``/``FastText`` (``model.wv``) or KeyedVectors."""
    from wordspace.vectors.keyed import WordVectors

    wv = getattr(model, "wv", model)
    if not isinstance(wv, WordVectors):
        raise ParameterError(
            f"Only a Word2Vec, FastText or KeyedVectors instance can be used, got "
            f"{type(model).__name__}"
        )
    return wv


class AnnoyIndexer:
    """gensim's ``AnnoyIndexer(model=None, num_trees=None)``: builds the index when both are
    given; ``most_similar(vector, num_neighbors)`` gives ``[(key, cosine), ...]``."""

    def __init__(self, model: Any = None, num_trees: int | None = None):
        self.index: Any = None
        self.labels: list[str] | None = None
        self.model = model
        self.num_trees = num_trees
        if model is not None and num_trees:
            self._build(_vectors_of(model))

    def _build(self, wv: Any) -> None:
        from wordspace.vectors.index import build_index

        self.index = build_index(wv, "hnsw")
        self.labels = wv.index_to_key

    def build_from_word2vec(self) -> None:
        self._build(_vectors_of(self.model))

    build_from_keyedvectors = build_from_word2vec

    def save(self, fname: str | os.PathLike[str], protocol: int | None = None) -> None:
        """Write the index to ``fname`` (atomically; ``protocol`` is gensim's pickle
        protocol, ignored: nothing is pickled)."""
        if self.index is None:
            raise ParameterError(
                "nothing to save: build the index first (give model and num_trees)"
            )
        self.index.save(fname)

    def load(self, fname: str | os.PathLike[str]) -> None:
        """Read an index saved by :meth:`save` (memory-mapped)."""
        from wordspace.vectors.index import load_index

        self.index = load_index(fname)
        self.labels = None

    def most_similar(self, vector: np.ndarray, num_neighbors: int) -> list[tuple[str, float]]:
        """The ``num_neighbors`` keys closest to ``vector``, with their cosine similarity."""
        if self.index is None:
            raise ParameterError("the indexer holds no index: give model and num_trees, or load()")
        if self.model is None:
            raise ParameterError("set indexer.model to the model the index was built from")
        wv = _vectors_of(self.model)
        self.index.ensure(wv)
        v = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        n = float(np.linalg.norm(v))
        idx, sc = self.index.search(wv, v / n if n > 0 else v, int(num_neighbors))
        keys = wv.index_to_key
        return [(keys[i], float(s)) for i, s in zip(idx[0], sc[0], strict=True) if i >= 0]
