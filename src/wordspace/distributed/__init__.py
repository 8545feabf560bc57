"""Counting and training on a Dask cluster: the only code in wordspace that knows Dask.

Nothing here imports Dask until a function is called with a ``client``; ``import wordspace``
never does. The entry points are the ``client=`` arguments of the public API:

* :meth:`Vocabulary.build(corpus, client=...) <wordspace.Vocabulary.build>`: every file of a
  :meth:`Corpus.from_files <wordspace.Corpus.from_files>` corpus is counted on a worker (the
  tokenizer and ``np.bincount``, as on one machine), and the partial counts are merged by a
  tree reduction in file order, so first-occurrence order, hence the order of ties, is kept:
  the vocabulary equals the single-machine one exactly (:mod:`._vocab`).
* :meth:`GloVe.fit(corpus, client=...) <wordspace.GloVe.fit>`: co-occurrences are counted per
  file on the workers into sparse partial matrices (within the model's ``memory`` budget),
  cut by row range and summed per row range on the workers (a shuffle: every reducer receives
  only its rows); the client then assembles the row ranges and trains there, as on one
  machine. Distance weights are summed as exact integers, so the matrix equals the
  single-machine one bit for bit (:mod:`._cooccurrence`).
* :meth:`Word2Vec.fit(corpus, client=..., sync_words=...) <wordspace.Word2Vec.fit>` (and
  :class:`~wordspace.FastText`, which shares the kernels): data-parallel training. The
  corpus is cut into one part per worker; every worker keeps a copy of the weights, trains
  the next ``sync_words`` words of its part and returns only the rows it changed, as
  deltas; up to 3 parts every worker fetches the others' deltas and merges them itself,
  beyond that a merge task on a worker adds them and the next round's tasks fetch the merged
  step from it, worker to worker (``sync_words="auto"``: long rounds at 1-2 parts); the driver keeps its own copy for recovery
  (:mod:`._word2vec`). A worker that dies is replaced by Dask, which reloads its part; a
  round that cannot be rebuilt restarts from the driver's copy.
* :meth:`Phrases.fit(corpus, client=...) <wordspace.Phrases.fit>`: each file's unigrams,
  connector sequences and candidates counted on a worker and merged in file order: the
  phrase table equals the single-machine one exactly (:mod:`._phrases`).
* :meth:`ValueVec.fit(ddf, text=..., value=..., client=...) <wordspace.ValueVec.fit>`: word
  statistics of records from a ``dask.dataframe``: tokenised on the workers, aggregated by a
  group-by (:mod:`._values`).
"""

from __future__ import annotations

from wordspace.distributed._engine import require_dask
from wordspace.distributed._vocab import build_vocabulary

__all__ = [
    "build_vocabulary",
    "cooccurrence",
    "fit_glove_counts",
    "fit_valuevec",
    "fit_word2vec",
    "require_dask",
]


def __getattr__(name: str):
    if name in ("fit_word2vec",):
        from wordspace.distributed._word2vec import fit_word2vec

        return fit_word2vec
    if name in ("cooccurrence", "fit_glove_counts"):
        from wordspace.distributed import _cooccurrence

        return getattr(_cooccurrence, name)
    if name == "fit_valuevec":
        from wordspace.distributed._values import fit_valuevec

        return fit_valuevec
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
