"""Exact distributed phrase counting: :meth:`Phrases.fit(corpus, client=...)
<wordspace.Phrases.fit>`.

Every file is scanned and counted on a worker with the single-machine kernels
(``kernels.phrases``): its unigram counts by type, its connector sequences (tuples of type
ids, in order of first appearance) and its candidates ``(a, seq, b, count)``. Partial counts
are merged by a tree reduction of neighbours in file order, as the vocabulary is
(:mod:`._vocab`): types and connector sequences keep their first-occurrence order over the
whole corpus, counts are added as exact integers and the candidates are kept sorted by
``(a, b, seq)``, the order the single-machine count produces. The table is then scored by
the very code of the single machine (``Phrases._fit_counted``), so the phrases, their
counts, scores and order are the single-machine ones exactly.

gensim's pruning (``max_vocab_size`` reached) drops keys at points of the stream and cannot be
reproduced from partial counts: a corpus with more keys than ``max_vocab_size`` raises a
:class:`~wordspace.errors.ParameterError` (raise ``max_vocab_size``, or ``None``).
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
from wordspace.errors import CorpusError, ParameterError

__all__ = ["count_phrase_partition", "fit_phrases", "merge_phrase_counts"]

logger = logging.getLogger(__name__)


def count_phrase_partition(spec: dict[str, Any], connector_words: list[str]) -> tuple:
    """``(types, uni, seqs, a, seq, b, count, total)`` of one file (runs on a worker)."""
    from wordspace.kernels.phrases import count_phrases
    from wordspace.text.phrases import _count_by_sorting, _seq_tuples

    sc = open_partition(spec).scan(cache=False)
    types = list(sc.types)
    n = len(types)
    conn = frozenset(connector_words)
    is_conn = np.zeros(max(n, 1), dtype=np.bool_)
    if conn and n:
        is_conn[:n] = np.fromiter((t in conn for t in types), dtype=np.bool_, count=n)
    counted = _count_by_sorting(sc, is_conn, n, -1)
    if counted is None:  # keys that do not pack: the hash table, without pruning
        counted = count_phrases(sc.raw_ids, sc.sentence_starts, is_conn, n, -1, 1 << 16)
    uni, a, sq, b, cab, sp, sl, _ = counted
    return _sorted(
        (types, np.asarray(uni, np.int64)[:n], _seq_tuples(sp, sl), a, sq, b, cab, sc.total_words)
    )


def _sorted(part: tuple) -> tuple:
    """Candidates with equal keys added and sorted by ``(a, b, seq)``."""
    types, uni, seqs, a, sq, b, cab, total = part
    if len(cab) == 0:
        z = np.zeros(0, np.int32)
        return types, uni, seqs, z, z, z, np.zeros(0, np.int64), total
    keys = np.stack([np.asarray(a, np.int64), np.asarray(b, np.int64), np.asarray(sq, np.int64)])
    uniq, inv = np.unique(keys, axis=1, return_inverse=True)
    counts = np.zeros(uniq.shape[1], np.int64)
    np.add.at(counts, inv.ravel(), np.asarray(cab, np.int64))
    a2, b2, s2 = (uniq[i].astype(np.int32) for i in range(3))
    return types, uni, seqs, a2, s2, b2, counts, total


def merge_phrase_counts(x: tuple, y: tuple) -> tuple:
    """Counts of ``x`` followed by ``y`` (``x`` holds the earlier files)."""
    tx, ux, sx, ax, qx, bx, cx, nx = x
    ty, uy, sy, ay, qy, by, cy, ny = y
    pos = {t: i for i, t in enumerate(tx)}
    types = list(tx)
    tmap = np.empty(len(ty), np.int64)
    for j, t in enumerate(ty):
        i = pos.get(t)
        if i is None:
            i = pos[t] = len(types)
            types.append(t)
        tmap[j] = i
    uni = np.zeros(len(types), np.int64)
    uni[: len(ux)] += ux
    np.add.at(uni, tmap, uy)
    spos = {s: i for i, s in enumerate(sx)}
    seqs = list(sx)
    smap = np.empty(len(sy), np.int64)
    for j, s in enumerate(sy):
        g = tuple(int(tmap[c]) for c in s)
        i = spos.get(g)
        if i is None:
            i = spos[g] = len(seqs)
            seqs.append(g)
        smap[j] = i
    a = np.concatenate([np.asarray(ax, np.int64), tmap[ay]]) if len(ay) else ax
    b = np.concatenate([np.asarray(bx, np.int64), tmap[by]]) if len(by) else bx
    q = np.concatenate([np.asarray(qx, np.int64), smap[qy]]) if len(qy) else qx
    c = np.concatenate([cx, cy])
    return _sorted((types, uni, seqs, a, q, b, c, nx + ny))


def fit_phrases(model: Any, corpus: Any, client: Any) -> Any:
    """:meth:`Phrases.fit` with its files counted on ``client``'s workers (``None``: in this
    process, the same code)."""
    model._validate()
    if getattr(corpus, "phrases", None):
        raise ParameterError(
            "Phrases.fit(client=) counts the files as they are; a corpus with phrases= "
            "applied is counted on one machine (drop client=) or write the joined text first"
        )
    corpus = as_files_corpus(corpus)
    engine = engine_for(client)
    specs = partition_specs(corpus)
    conn = sorted(model.connector_words)
    parts = [engine.submit(count_phrase_partition, s, conn) for s in specs]
    types, uni, seqs, a, sq, b, cab, total = engine.gather(
        [tree_reduce(engine, parts, merge_phrase_counts)]
    )[0]
    if total == 0:
        raise CorpusError(f"{corpus.name} has no tokens; give a corpus with text")
    mvs = model.max_vocab_size
    n_keys = int(np.count_nonzero(uni)) + len(cab)
    if mvs is not None and n_keys > int(mvs):
        raise ParameterError(
            f"{corpus.name} has {n_keys:,} phrase keys, more than max_vocab_size={mvs:,}: one "
            "machine would prune (gensim's rule, which depends on the order of the stream and "
            "cannot be reproduced from partial counts); raise max_vocab_size or set it to None"
        )
    n = len(types)
    conn_set = frozenset(conn)
    is_conn = np.zeros(max(n, 1), dtype=np.bool_)
    if conn_set and n:
        is_conn[:n] = np.fromiter((t in conn_set for t in types), dtype=np.bool_, count=n)
    if not seqs:
        seqs = [()]
    logger.info("distributed phrases: %d files, %d types, %d candidates", len(specs), n, len(cab))
    return model._fit_counted(
        types, int(total), (uni, a, sq, b, cab, seqs, 1), is_conn, corpus.name
    )
