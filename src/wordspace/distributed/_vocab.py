"""Exact distributed vocabulary: count every file on a worker, merge by a tree reduction.

A partition's counts are ``(types, counts)`` with ``types`` in order of first occurrence in
that file (the order :meth:`Corpus.scan` gives). Merging ``a`` (earlier files) with ``b``
(later files) keeps ``a``'s types in place, appends ``b``'s new types in their order and adds
the counts; merging neighbours pairwise, level by level, therefore yields the types of the
whole corpus in first-occurrence order with their total counts -- exactly what one
``Corpus.scan`` of the concatenation gives, so ``Vocabulary.from_counts`` sorts and breaks
ties identically.

A file is read with :meth:`Corpus.scan` (compiled for ASCII text, the same result as the
Python tokenizer). Data-parallel training (:mod:`._word2vec`) counts every file on the worker
that will train it and asks (``keep``) for the scan to be kept there: the worker's part is
then made from it (:func:`kept_scan`) instead of reading and tokenising the file again.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from wordspace.distributed._engine import (
    as_files_corpus,
    engine_for,
    open_partition,
    partition_specs,
    tree_reduce,
)

__all__ = ["build_vocabulary", "count_partition", "drop_scans", "kept_scan", "merge_counts"]

logger = logging.getLogger(__name__)

# (keep, path) -> this process's scan of a file counted for a fit (see ``count_partition``)
_SCANS: dict[tuple[str, str], Any] = {}
_SCANS_LOCK = threading.Lock()


def count_partition(spec: dict[str, Any], keep: str | None = None) -> tuple[list[str], np.ndarray]:
    """``(types, counts)`` of one file (runs on a worker), from :meth:`Corpus.scan`: types in
    order of first occurrence. ``keep``: a fit's key under which this worker keeps the scan
    (raw ids and sentences) for :func:`kept_scan`, until :func:`drop_scans`."""
    sc = open_partition(spec).scan(cache=False)
    if keep is not None:
        with _SCANS_LOCK:
            _SCANS[(keep, spec["path"])] = sc
    return sc.types, sc.counts


def kept_scan(keep: str | None, spec: dict[str, Any]) -> Any:
    """The scan of ``spec``'s file that :func:`count_partition` kept in this process under
    ``keep`` (``None`` when it ran elsewhere: the caller reads the file)."""
    if keep is None:
        return None
    with _SCANS_LOCK:
        return _SCANS.get((keep, spec["path"]))


def drop_scans(keep: str) -> None:
    """Forget the scans kept under ``keep`` in this process."""
    with _SCANS_LOCK:
        for k in [k for k in _SCANS if k[0] == keep]:
            del _SCANS[k]


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
    homes: list | None = None,
    keep: str | None = None,
):
    """:meth:`Vocabulary.build` on a Dask cluster (``client``; ``None``: in this process).
    ``corpus``: a :class:`~wordspace.Corpus`, a glob pattern, a folder or a list of paths.
    ``homes``: the worker to count each file on (training puts a file where its part will
    be); ``keep``: the key under which the workers keep their scans (:func:`kept_scan`)."""
    from wordspace.text.vocab import Vocabulary

    corpus = as_files_corpus(corpus, lowercase=lowercase)
    engine = engine_for(client)
    specs = partition_specs(corpus)
    if homes is None:
        homes = [None] * len(specs)
    parts = [
        engine.submit(count_partition, s, keep, **engine.near(h))
        for s, h in zip(specs, homes, strict=True)
    ]
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
