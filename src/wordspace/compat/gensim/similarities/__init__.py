"""gensim's ``gensim.similarities`` names that wordspace provides: the ``AnnoyIndexer`` of
``gensim.similarities.annoy`` (over wordspace's HNSW index, extra ``wordspace[index]``)."""

from __future__ import annotations

from wordspace.compat.gensim.similarities.annoy import AnnoyIndexer

__all__ = ["AnnoyIndexer"]
