"""Exact distributed co-occurrence counting (GloVe's matrix) by row-range shuffle.

1. Every file is read on a worker into vocabulary ids (``Corpus.to_ids``) and kept there;
   its per-row pair counts (``kernels.glove.row_emissions``) go to the driver (``V`` ints).
2. The driver sums them (the global row histogram), picks the distance weights (exact
   integers ``lcm(1..window) / d`` whenever the largest row stays below 2**53, see
   :mod:`wordspace.text.cooccurrence`) and cuts the rows into ranges of about equal pair counts.
3. Every file is counted on its worker into one sparse partial per row range, with the very
   kernels of the single-machine count and within the model's ``memory`` budget (rows are
   counted in blocks whose pair codes fit half of it).
4. One reducer task per row range receives that range's partials from every file -- and only
   those: a shuffle, not a gather -- and adds them in float64. Integer-valued sums below 2**53
   are exact, so the sum does not depend on the order of files: divided by the scale and
   rounded to float32 it is bit for bit the single-machine value.
5. The client fetches the row ranges (in order) and assembles the CSR matrix; training then
   runs on the client, as on one machine.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import numpy as np

from wordspace.distributed._engine import engine_for, open_partition, partition_specs

__all__ = ["cooccurrence", "fit_glove_counts"]

logger = logging.getLogger(__name__)

_GIB = 1 << 30


def load_ids(spec: dict[str, Any], words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """One file as vocabulary ids ``(ids, sentence_starts)`` (runs on a worker)."""
    from wordspace.text.vocab import Vocabulary

    vocab = Vocabulary(words, np.ones(len(words), dtype=np.int64))
    return open_partition(spec).to_ids(vocab)


def row_hist(
    part: tuple[np.ndarray, np.ndarray], V: int, window: int, symmetric: bool
) -> np.ndarray:
    from wordspace.kernels import glove as k

    hist = np.zeros(V, dtype=np.int64)
    k.row_emissions(part[0], part[1], window, bool(symmetric), hist)
    return hist


def count_partials(
    part: tuple[np.ndarray, np.ndarray],
    V: int,
    window: int,
    symmetric: bool,
    weights: np.ndarray,
    ranges: list[tuple[int, int]],
    memory: float,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """One file's co-occurrences as one CSR piece ``(indptr, indices, float64 sums)`` per row
    range (runs on a worker; the code buffer stays within half of ``memory`` GiB)."""
    from wordspace.kernels import glove as k
    from wordspace.text.cooccurrence import buffer_codes, count_blocks, row_blocks

    ids, starts = part
    _, dbits = k.code_bits(V, window)
    hist = row_hist(part, V, window, symmetric)
    cap = buffer_codes(memory)
    out = []
    for r0, r1 in ranges:
        indptr = np.zeros(r1 - r0 + 1, dtype=np.int64)
        pi: list[np.ndarray] = []
        pd: list[np.ndarray] = []

        def done(bi, b0, b1, nnz_row, ind_b, dat_b, indptr=indptr, pi=pi, pd=pd, r0=r0):
            indptr[b0 - r0 + 1 : b1 - r0 + 1] = nnz_row
            pi.append(ind_b)
            pd.append(dat_b)

        blocks = row_blocks(hist, r0, r1, cap)
        count_blocks(ids, starts, V, window, symmetric, dbits, weights, hist, blocks, done)
        np.cumsum(indptr, out=indptr)
        out.append(
            (
                indptr,
                np.concatenate(pi) if pi else np.zeros(0, np.int32),
                np.concatenate(pd) if pd else np.zeros(0, np.float64),
            )
        )
    return out


def pick(items: list, i: int):
    return items[i]


def sum_range(
    pieces: list[tuple[np.ndarray, np.ndarray, np.ndarray]], r0: int, r1: int, V: int, scale: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add one row range's partials of every file (exact in float64) -> float32 CSR piece."""
    import scipy.sparse as sp

    from wordspace.text.cooccurrence import finish_sums

    total = None
    for indptr, ind, dat in pieces:
        m = sp.csr_matrix((dat, ind, indptr), shape=(r1 - r0, V))
        total = m if total is None else total + m
    assert total is not None
    total.sum_duplicates()
    total.sort_indices()
    return (
        total.indptr.astype(np.int64),
        total.indices.astype(np.int32),
        finish_sums(total.data, scale),
    )


def cooccurrence(
    corpus: Any,
    vocab: Any,
    client: Any,
    *,
    window: int = 10,
    symmetric: bool = True,
    distance_weighting: bool = True,
    memory: float = 4.0,
    n_ranges: int | None = None,
    stats: dict[str, Any] | None = None,
):
    """The co-occurrence matrix of ``corpus`` (a corpus of files) over ``vocab``, counted on
    the cluster of ``client`` (``None``: in this process). Equals
    ``cooccurrence_matrix(*corpus.to_ids(vocab), len(vocab), ...)`` exactly when the distance
    weights are exact (always, unless one row receives more than 2**53 / lcm(1..window) pairs).
    """
    import scipy.sparse as sp

    from wordspace.errors import ParameterError
    from wordspace.kernels import glove as k
    from wordspace.text.cooccurrence import distance_weights, row_blocks

    engine = engine_for(client)
    V = len(vocab)
    window = int(window)
    if not k.codes_fit(V, window):
        raise ParameterError(
            f"a vocabulary of {V:,} words with window {window} is too large to count "
            "(pair codes need more than 31 bits); raise min_count or lower window"
        )
    specs = partition_specs(corpus)
    t0 = time.perf_counter()
    words = engine.put(list(vocab.index_to_key))
    parts = [engine.submit(load_ids, s, words) for s in specs]
    hists = engine.gather([engine.submit(row_hist, p, V, window, bool(symmetric)) for p in parts])
    hist: np.ndarray = np.zeros(V, np.int64)
    for h in hists:
        hist += h
    n_pairs = int(hist.sum())
    _, dbits = k.code_bits(V, window)
    weights, scale = distance_weights(
        window, bool(distance_weighting), dbits, int(hist.max(initial=0))
    )
    if n_ranges is None:
        budget = max(float(memory) * _GIB * 0.5, 1.0)
        n_ranges = max(engine.n_workers, math.ceil(n_pairs * 12 / budget))
    ranges = row_blocks(hist, 0, V, max(math.ceil(n_pairs / max(int(n_ranges), 1)), 1))
    partials = [
        engine.submit(count_partials, p, V, window, bool(symmetric), weights, ranges, float(memory))
        for p in parts
    ]
    reduced = []
    for i, (r0, r1) in enumerate(ranges):
        pieces = [engine.submit(pick, f, i) for f in partials]
        reduced.append(engine.submit(sum_range, pieces, r0, r1, V, scale))
    blocks = engine.gather(reduced)
    engine.release(parts + partials)
    indptr = np.zeros(V + 1, dtype=np.int64)
    for (r0, r1), (ip, _, _) in zip(ranges, blocks, strict=True):
        indptr[r0 + 1 : r1 + 1] = np.diff(ip)
    np.cumsum(indptr, out=indptr)
    indices = np.concatenate([b[1] for b in blocks]) if blocks else np.zeros(0, np.int32)
    data = np.concatenate([b[2] for b in blocks]) if blocks else np.zeros(0, np.float32)
    if indptr[-1] < np.iinfo(np.int32).max:
        indptr = indptr.astype(np.int32)
    X = sp.csr_matrix((data, indices, indptr), shape=(V, V), copy=False)
    X.has_sorted_indices = True
    secs = time.perf_counter() - t0
    if stats is not None:
        stats.update(
            files=len(specs),
            row_ranges=len(ranges),
            pairs=n_pairs,
            exact=bool(scale != 1.0 or not distance_weighting),
            seconds=secs,
        )
    logger.info(
        "distributed co-occurrence: %d files, %d row ranges, %d pair codes -> %d "
        "non-zeros in %.1fs",
        len(specs),
        len(ranges),
        n_pairs,
        X.nnz,
        secs,
    )
    return X


def fit_glove_counts(model: Any, corpus: Any, client: Any, progress: Any = None) -> tuple[Any, Any]:
    """``(vocab, matrix)`` for :meth:`GloVe.fit` with ``client=``: both counted on the
    cluster; sets the model's ``tokenizer_`` and timings."""
    from wordspace.distributed._engine import as_files_corpus
    from wordspace.distributed._vocab import build_vocabulary
    from wordspace.errors import CorpusError

    corpus = as_files_corpus(
        corpus, lowercase=bool(model.lowercase), max_sentence_length=int(model.max_sentence_length)
    )
    model.tokenizer_ = corpus.tokenizer
    t0 = time.perf_counter()
    vocab = build_vocabulary(
        corpus,
        client,
        min_count=model.min_count,
        max_vocab_size=model.max_vocab_size,
        max_final_vocab=model.max_final_vocab,
    )
    model.vocab_seconds_ = time.perf_counter() - t0
    if progress is not None:
        progress(0, 1, stage="counting")
    t1 = time.perf_counter()
    stats: dict[str, Any] = {}
    X = cooccurrence(
        corpus,
        vocab,
        client,
        window=int(model.window),
        symmetric=bool(model.symmetric),
        distance_weighting=bool(model.distance_weighting),
        memory=float(model.memory),
        stats=stats,
    )
    model.cooccurrence_seconds_ = time.perf_counter() - t1
    model.distributed_stats_ = stats
    if progress is not None:
        progress(1, 1, stage="counting")
    if X.nnz == 0:
        raise CorpusError(
            f"{corpus.name} has no co-occurring words (every sentence has fewer than two "
            "words of the vocabulary); use longer sentences or lower min_count"
        )
    return vocab, X
