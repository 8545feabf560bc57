"""Vocabulary: word counts and everything derived from word frequencies.

``min_count`` / ``max_vocab_size`` / ``max_final_vocab`` filtering, frequency order, the
subsampling keep-probabilities of word2vec, the negative-sampling noise distribution and the
Huffman tree of hierarchical softmax. Shared by every trainer (word2vec, GloVe).
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Mapping, Sequence

import numpy as np

from wordspace.errors import CorpusError, ParameterError

__all__ = ["Vocabulary", "NOISE_TABLE_DOMAIN"]

logger = logging.getLogger(__name__)

NOISE_TABLE_DOMAIN = 2**31 - 1  # the noise table's last entry (as gensim's cum_table)


def _check_int(name: str, value, minimum: int, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        what = f"an integer >= {minimum}" + (" or None" if allow_none else "")
        raise ParameterError(f"{name} must be {what}, got {value!r}")


class Vocabulary:
    """Words with their counts, most frequent first.

    Attributes: ``index_to_key`` (list of words), ``key_to_index`` (dict), ``counts``
    (``int64``, descending; ties keep first-occurrence order), ``min_count`` (the effective
    one), ``total_words`` (all corpus tokens, including dropped words).
    """

    def __init__(
        self,
        words: Sequence[str],
        counts: Sequence[int] | np.ndarray,
        *,
        min_count: int = 1,
        total_words: int | None = None,
    ):
        words = list(words)
        counts = np.asarray(counts, dtype=np.int64)
        if counts.shape != (len(words),):
            raise ParameterError(f"{len(words)} words but counts of shape {counts.shape}")
        self.index_to_key: list[str] = words
        self.key_to_index: dict[str, int] = {w: i for i, w in enumerate(words)}
        if len(self.key_to_index) != len(words):
            raise ParameterError("vocabulary words must be unique")
        self.counts: np.ndarray = counts
        self.min_count = int(min_count)
        self.total_words = int(total_words if total_words is not None else counts.sum())

    # ------------------------------------------------------------------ building
    @classmethod
    def build(
        cls,
        corpus,
        min_count: int = 5,
        max_vocab_size: int | None = None,
        max_final_vocab: int | None = None,
        *,
        lowercase: bool = False,
        client=None,
    ) -> Vocabulary:
        """Count the words of ``corpus`` (a :class:`~wordspace.text.corpus.Corpus`, a path or a
        re-iterable of token lists) and keep the frequent ones.

        ``min_count``: drop words seen fewer times. ``max_vocab_size``: keep at most this many
        words (the most frequent; unlike gensim this caps the result rather than pruning while
        counting, since counting here is done on compact integer ids). ``max_final_vocab``:
        raise the effective ``min_count`` until at most this many words remain (gensim's rule:
        a whole count class is dropped rather than cut in the middle).

        ``client``: a ``dask.distributed.Client``: every file of the corpus (a path, a glob
        pattern or :meth:`Corpus.from_files`) is counted on a worker and the counts are merged
        by a tree reduction; the result equals the single-machine vocabulary exactly
        (:mod:`wordspace.distributed`; needs ``pip install 'wordspace[dask]'``).
        """
        from wordspace.text.corpus import as_corpus

        if client is not None:
            from wordspace.distributed._vocab import build_vocabulary

            return build_vocabulary(
                corpus,
                client,
                lowercase=lowercase,
                min_count=min_count,
                max_vocab_size=max_vocab_size,
                max_final_vocab=max_final_vocab,
            )

        corpus = as_corpus(corpus, lowercase=lowercase)
        sc = corpus.scan()
        return cls.from_counts(
            sc.types,
            sc.counts,
            min_count=min_count,
            max_vocab_size=max_vocab_size,
            max_final_vocab=max_final_vocab,
            source=corpus.name,
        )

    @classmethod
    def from_counts(
        cls,
        words: Sequence[str] | Mapping[str, int],
        counts: Sequence[int] | np.ndarray | None = None,
        *,
        min_count: int = 5,
        max_vocab_size: int | None = None,
        max_final_vocab: int | None = None,
        source: str = "the corpus",
    ) -> Vocabulary:
        """A vocabulary from raw counts (``words`` + ``counts``, or one ``{word: count}``)."""
        _check_int("min_count", min_count, 1)
        _check_int("max_vocab_size", max_vocab_size, 1, allow_none=True)
        _check_int("max_final_vocab", max_final_vocab, 1, allow_none=True)
        if isinstance(words, Mapping):
            counts = np.fromiter(words.values(), dtype=np.int64, count=len(words))
            words = list(words.keys())
        else:
            words = list(words)
            counts = np.asarray(counts, dtype=np.int64)
        total = int(counts.sum())
        if total == 0:
            raise CorpusError(f"{source} is empty: it has no tokens")
        order = np.argsort(-counts, kind="stable")
        sorted_counts = counts[order]
        eff_min = min_count
        n_keep = int(np.searchsorted(-sorted_counts, -eff_min, side="right"))
        if max_final_vocab is not None and n_keep > max_final_vocab:
            eff_min = max(eff_min, int(sorted_counts[max_final_vocab]) + 1)
            n_keep = int(np.searchsorted(-sorted_counts, -eff_min, side="right"))
        if max_vocab_size is not None:
            n_keep = min(n_keep, max_vocab_size)
        if n_keep == 0:
            raise CorpusError(
                f"{source} has no tokens after min_count={eff_min} "
                f"(largest count was {int(sorted_counts[0])}); lower min_count"
            )
        keep = order[:n_keep]
        vocab = cls([words[i] for i in keep], counts[keep], min_count=eff_min, total_words=total)
        logger.info(
            "vocabulary: %d of %d words kept (min_count=%d), %d of %d tokens",
            n_keep,
            len(words),
            eff_min,
            int(vocab.counts.sum()),
            total,
        )
        return vocab

    def extended(self, other: Vocabulary) -> Vocabulary:
        """This vocabulary followed by the words of ``other`` it lacks (old ids keep their
        place); counts of shared words are added up."""
        words = list(self.index_to_key)
        counts = self.counts.copy()
        extra_w, extra_c = [], []
        for w, c in zip(other.index_to_key, other.counts.tolist(), strict=True):
            i = self.key_to_index.get(w)
            if i is None:
                extra_w.append(w)
                extra_c.append(c)
            else:
                counts[i] += c
        return Vocabulary(
            words + extra_w,
            np.concatenate([counts, np.asarray(extra_c, np.int64)]),
            min_count=min(self.min_count, other.min_count),
            total_words=self.total_words + other.total_words,
        )

    # ------------------------------------------------------------------ basics
    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, word: object) -> bool:
        return word in self.key_to_index

    def __iter__(self):
        return iter(self.index_to_key)

    def __repr__(self) -> str:
        return f"Vocabulary({len(self):,} words, {int(self.counts.sum()):,} tokens)"

    # ------------------------------------------------------------------ derived tables
    def keep_probabilities(self, sample: float) -> np.ndarray:
        """Subsampling: probability of keeping each occurrence of each word (``float64``).

        The word2vec C tool's formula, with ``T`` the retained tokens and ``f`` a word's count:
        ``p_keep = (sqrt(f / (s T)) + 1) * (s T) / f``, capped at 1; ``sample=0`` keeps all.
        """
        if not (isinstance(sample, int | float) and sample >= 0) or isinstance(sample, bool):
            raise ParameterError(f"sample must be a number >= 0, got {sample!r}")
        f = self.counts.astype(np.float64)
        if sample == 0:
            return np.ones_like(f)
        st = sample * f.sum()
        return np.minimum((np.sqrt(f / st) + 1.0) * st / f, 1.0)

    def noise_distribution(self, ns_exponent: float = 0.75) -> np.ndarray:
        """Cumulative noise table for negative sampling (``int64``, length ``len(self)``).

        Word ``i`` is drawn with probability ``count_i**ns_exponent / sum``, i.e.
        ``(table[i] - table[i-1]) / table[-1]``; ``table[-1] == NOISE_TABLE_DOMAIN``. Draw with
        ``searchsorted(table, r, side='right')`` for ``r`` uniform in ``[0, table[-1])``.
        """
        if not isinstance(ns_exponent, int | float) or isinstance(ns_exponent, bool):
            raise ParameterError(f"ns_exponent must be a number, got {ns_exponent!r}")
        w = self.counts.astype(np.float64) ** float(ns_exponent)
        cum = np.cumsum(w)
        table = np.round(cum / cum[-1] * NOISE_TABLE_DOMAIN).astype(np.int64)
        table[-1] = NOISE_TABLE_DOMAIN
        return table

    def noise_alias(self, ns_exponent: float = 0.75) -> tuple[np.ndarray, np.ndarray]:
        """The same noise distribution as :meth:`noise_distribution`, as a Walker/Vose alias
        table for O(1) draws: ``(threshold, alias)``.

        Draw: ``i`` uniform in ``[0, n)``, ``u`` uniform 32-bit; the sample is ``i`` if
        ``u < threshold[i]`` else ``alias[i]``. ``threshold`` is ``int64`` in ``[0, 2**32]``.
        """
        if not isinstance(ns_exponent, int | float) or isinstance(ns_exponent, bool):
            raise ParameterError(f"ns_exponent must be a number, got {ns_exponent!r}")
        w = self.counts.astype(np.float64) ** float(ns_exponent)
        n = len(w)
        q = (w * (n / w.sum())).tolist()
        alias = list(range(n))
        small = [i for i in range(n) if q[i] < 1.0]
        large = [i for i in range(n) if q[i] >= 1.0]
        while small and large:
            s = small.pop()
            g = large[-1]
            alias[s] = g
            q[g] -= 1.0 - q[s]
            if q[g] < 1.0:
                large.pop()
                small.append(g)
        for i in small + large:  # numerical leftovers: keep themselves
            q[i] = 1.0
        thr = np.minimum(np.round(np.asarray(q) * 2.0**32), 2.0**32).astype(np.int64)
        return thr, np.asarray(alias, dtype=np.int32)

    def huffman(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Huffman codes for hierarchical softmax: ``(codes, points, lengths)``.

        ``codes[i, :lengths[i]]`` (``uint8``, 0/1) is word ``i``'s code from the root;
        ``points[i, :lengths[i]]`` (``int32``) the inner nodes on its path (row indices into
        the ``len(self) - 1`` output vectors, root = ``len(self) - 2``), as in the C tool.
        """
        n = len(self)
        if n == 1:
            return (np.zeros((1, 1), np.uint8), np.zeros((1, 1), np.int32), np.zeros(1, np.int32))
        heap = [(int(c), i) for i, c in enumerate(self.counts.tolist())]
        heapq.heapify(heap)
        parent = np.zeros(2 * n - 1, dtype=np.int64)
        bit = np.zeros(2 * n - 1, dtype=np.uint8)
        nxt = n
        while len(heap) > 1:
            c1, a = heapq.heappop(heap)
            c2, b = heapq.heappop(heap)
            parent[a] = parent[b] = nxt
            bit[b] = 1
            heapq.heappush(heap, (c1 + c2, nxt))
            nxt += 1
        root = nxt - 1
        # walk all words up to the root at once (vectorised over words)
        node = np.arange(n, dtype=np.int64)
        up_nodes = []  # up_nodes[k][i]: the k-th node above word i (leaf side first), or -1
        lengths = np.zeros(n, dtype=np.int32)
        active = node != root
        while active.any():
            up_nodes.append(np.where(active, node, -1))
            lengths += active
            node = np.where(active, parent[node], node)
            active = node != root
        maxlen = len(up_nodes)
        path = np.stack(up_nodes, axis=1)  # (n, maxlen), leaf side first
        # reverse each word's path so that the root side comes first
        d = np.arange(maxlen)[None, :]
        src = lengths[:, None] - 1 - d
        valid = src >= 0
        nodes = np.take_along_axis(path, np.where(valid, src, 0), axis=1)
        codes = np.where(valid, bit[nodes], 0).astype(np.uint8)
        points = np.where(valid, parent[nodes] - n, 0).astype(np.int32)
        return codes, points, lengths
