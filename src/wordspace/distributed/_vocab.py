"""Exact distributed vocabulary: count every file on a worker, merge by a tree reduction.

A partition's counts are ``(types, counts)`` with ``types`` in order of first occurrence in
that file (the order :meth:`Corpus.scan` gives). Merging ``a`` (earlier files) with ``b``
(later files) keeps ``a``'s types in place, appends ``b``'s new types in their order and adds
the counts; merging neighbours pairwise, level by level, therefore yields the types of the
whole corpus in first-occurrence order with their total counts -- exactly what one
``Corpus.scan`` of the concatenation gives, so ``Vocabulary.from_counts`` sorts and breaks
ties identically.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from wordspace.distributed._engine import (
    as_files_corpus,
    engine_for,
    open_partition,
    partition_specs,
    tree_reduce,
)

__all__ = ["build_vocabulary", "count_partition", "merge_counts"]

logger = logging.getLogger(__name__)


def count_partition(spec: dict[str, Any]) -> tuple[list[str], np.ndarray]:
    """``(types, counts)`` of one file (runs on a worker). Tokens become ids through a C-level
    ``map`` over a dict and are counted with ``np.bincount``; Python runs per line and per new
    type only, as in :meth:`Corpus.scan` (but without keeping the ids)."""
    from wordspace.text.corpus import TokenIndex

    corpus = open_partition(spec)
    idx = TokenIndex()
    get = idx.__getitem__
    counts = np.zeros(1024, dtype=np.int64)
    for toks, _ in corpus._pieces():
        if not toks:
            continue
        ids = np.fromiter(map(get, toks), dtype=np.int32, count=len(toks))
        n = len(idx)
        if n > counts.shape[0]:
            counts = np.concatenate(
                [counts, np.zeros(max(n, 2 * counts.shape[0]) - counts.shape[0], np.int64)]
            )
        counts[:n] += np.bincount(ids, minlength=n)
    return list(idx), counts[: len(idx)].copy()


def merge_counts(
    a: tuple[list[str], np.ndarray], b: tuple[list[str], np.ndarray]
) -> tuple[list[str], np.ndarray]:
    """Counts of ``a`` followed by ``b`` (``a`` holds the earlier files)."""
    ta, ca = a
    tb, cb = b
    pos = {t: i for i, t in enumerate(ta)}
    n = len(ta)
    where = np.empty(len(tb), dtype=np.int64)
    new: list[str] = []
    for j, t in enumerate(tb):
        i = pos.get(t)
        if i is None:
            i = n + len(new)
            new.append(t)
        where[j] = i
    counts = np.zeros(n + len(new), dtype=np.int64)
    counts[:n] = ca
    np.add.at(counts, where, cb)
    return ta + new, counts


def build_vocabulary(
    corpus: Any,
    client: Any,
    *,
    min_count: int = 5,
    max_vocab_size: int | None = None,
    max_final_vocab: int | None = None,
    lowercase: bool = False,
):
    """:meth:`Vocabulary.build` on a Dask cluster (``client``; ``None``: in this process).
    ``corpus``: a :class:`~wordspace.Corpus`, a glob pattern, a folder or a list of paths."""
    from wordspace.text.vocab import Vocabulary

    corpus = as_files_corpus(corpus, lowercase=lowercase)
    engine = engine_for(client)
    specs = partition_specs(corpus)
    parts = [engine.submit(count_partition, s) for s in specs]
    types, counts = engine.gather([tree_reduce(engine, parts, merge_counts)])[0]
    logger.info("distributed vocabulary: %d files, %d types", len(specs), len(types))
    return Vocabulary.from_counts(
        types,
        counts,
        min_count=min_count,
        max_vocab_size=max_vocab_size,
        max_final_vocab=max_final_vocab,
        source=corpus.name,
    )
