"""Compiled kernels of the phrase detector (:class:`wordspace.Phrases`): counting, scoring,
and joining phrases in an id stream.

The corpus arrives as one ``int32`` array of *raw* ids (one per distinct token, see
:meth:`wordspace.Corpus.scan`) with sentence offsets; ``is_conn[t]`` says whether token ``t``
is a connector word ("of", "the" ...).

Counting follows gensim 4.4's ``Phrases._learn_vocab`` token by token: every non-connector
token is a unigram; every non-connector token that follows an earlier non-connector token of
the same sentence, with only connector words between them, makes the candidate
``(a, connectors, b)`` (connectors before the first non-connector of a sentence belong to no
candidate). A candidate is a key of three integers: ``a``, ``b`` and the id of its connector
sequence, interned in a small trie (``seq 0`` is the empty sequence; ``seq = child(parent,
connector)``). Keys live in an open-addressing hash table (linear probing, grown at 70 % load).
After each sentence, if the number of live keys (unigrams + candidates) exceeds
``max_vocab_size``, every key counted fewer than ``min_reduce`` times is dropped and
``min_reduce`` grows by one: gensim's ``prune_vocab`` rule, at the same points of the stream.

Without pruning (the usual case: fewer keys than ``max_vocab_size``) the same counts come
faster from sorting: :func:`candidate_keys` packs every candidate into one ``int64``
(``a``, ``b``, connector sequence), NumPy sorts them, :func:`count_sorted` takes the run
lengths. Sequential memory access beats a hash table of millions of keys several times over;
the caller falls back to :func:`count_phrases` when the keys exceed ``max_vocab_size`` (gensim
would have pruned) or do not pack into 63 bits.

The scores use plain IEEE arithmetic in gensim's order of operations (no fastmath), and
``math.log`` (the C library's, as CPython's), so a score compares with the threshold exactly
as gensim's does.

Joining (:func:`apply_phrases`) is gensim's ``analyze_sentence``: left to right, a candidate
that is a phrase becomes one token and the next candidate starts after it; otherwise the first
word and its connectors are emitted unchanged. It writes into ``out``, which may be ``raw``
itself (the output never runs ahead of the input).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = [
    "count_phrases",
    "candidate_keys",
    "count_sorted",
    "score_keys",
    "apply_phrases",
    "build_table",
]

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_S = np.uint64(33)
_F1 = np.uint64(0xFF51AFD7ED558CCD)
_F2 = np.uint64(0xC4CEB9FE1A85EC53)
_LOW = np.int64(0xFFFFFFFF)


@njit(cache=True, nogil=True, inline="always")
def _slot(k1, k2, mask):
    h = np.uint64(k1) * _M1 + np.uint64(k2) * _M2  # then murmur3's 64-bit finaliser
    h ^= h >> _S
    h *= _F1
    h ^= h >> _S
    h *= _F2
    h ^= h >> _S
    return np.int64(h & np.uint64(mask))


@njit(cache=True, nogil=True)
def _find(tab, k1, k2, mask):
    """Slot of ``(k1, k2)`` in the interleaved table ``tab`` (rows ``[k1, k2, value]``), or
    the empty slot where it would go (``tab[3 * slot] == -1``)."""
    i = _slot(k1, k2, mask)
    while True:
        c = tab[3 * i]
        if c == -1 or (c == k1 and tab[3 * i + 1] == k2):
            return i
        i = (i + 1) & mask


@njit(cache=True, nogil=True)
def _new_table(size, fill):
    tab = np.empty(3 * size, np.int64)
    for i in range(size):
        tab[3 * i] = -1
        tab[3 * i + 1] = 0
        tab[3 * i + 2] = fill
    return tab


@njit(cache=True, nogil=True)
def _rehash(tab, new_size, min_val):
    """A table of ``new_size`` slots holding the entries of ``tab`` of value >= ``min_val``."""
    out = _new_table(new_size, 0)
    mask = new_size - 1
    n = 0
    for i in range(tab.shape[0] // 3):
        k1 = tab[3 * i]
        if k1 != -1 and tab[3 * i + 2] >= min_val:
            j = _find(out, k1, tab[3 * i + 1], mask)
            out[3 * j] = k1
            out[3 * j + 1] = tab[3 * i + 1]
            out[3 * j + 2] = tab[3 * i + 2]
            n += 1
    return out, n


@njit(cache=True, nogil=True)
def count_phrases(raw, starts, is_conn, n_types, max_vocab_size, size):
    """Count unigrams and candidates over the sentences ``raw[starts[s]:starts[s+1]]``.

    ``max_vocab_size < 0``: never prune. ``size``: initial table size (a power of two).
    Returns ``(uni, a, seq, b, count, seq_parent, seq_last, min_reduce)``: unigram counts per
    raw id (0 for connectors and pruned words), the live candidates, and the trie of
    connector sequences (``seq_parent[s]``, ``seq_last[s]``; row 0 is the empty sequence).
    """
    uni = np.zeros(n_types, np.int64)
    n_uni = 0
    tab = _new_table(size, 0)
    mask = size - 1
    n_big = 0
    tsize = 1024
    trie = _new_table(tsize, 0)
    seq_parent = np.zeros(256, np.int64)
    seq_last = np.full(256, -1, np.int64)
    n_seq = 1
    min_reduce = 1
    for s in range(starts.shape[0] - 1):
        prev = -1
        seq = 0
        for i in range(starts[s], starts[s + 1]):
            t = np.int64(raw[i])
            if not is_conn[t]:
                if uni[t] == 0:
                    n_uni += 1
                uni[t] += 1
                if prev >= 0:
                    k1 = (prev << 32) | t
                    j = _find(tab, k1, seq, mask)
                    if tab[3 * j] == -1:
                        tab[3 * j] = k1
                        tab[3 * j + 1] = seq
                        tab[3 * j + 2] = 1
                        n_big += 1
                        if n_big * 10 > (mask + 1) * 7:
                            tab, n_big = _rehash(tab, (mask + 1) * 2, 1)
                            mask = tab.shape[0] // 3 - 1
                    else:
                        tab[3 * j + 2] += 1
                prev = t
                seq = 0
            elif prev >= 0:
                j = _find(trie, seq, t, tsize - 1)
                if trie[3 * j] == -1:
                    trie[3 * j] = seq
                    trie[3 * j + 1] = t
                    trie[3 * j + 2] = n_seq
                    if n_seq == seq_parent.shape[0]:
                        p2 = np.zeros(n_seq * 2, np.int64)
                        p2[:n_seq] = seq_parent
                        seq_parent = p2
                        l2 = np.full(n_seq * 2, -1, np.int64)
                        l2[:n_seq] = seq_last
                        seq_last = l2
                    seq_parent[n_seq] = seq
                    seq_last[n_seq] = t
                    seq = n_seq
                    n_seq += 1
                    if n_seq * 2 > tsize:
                        tsize *= 2
                        trie, _ = _rehash(trie, tsize, 0)
                else:
                    seq = trie[3 * j + 2]
        if max_vocab_size >= 0 and n_uni + n_big > max_vocab_size:
            for t in range(n_types):
                if uni[t] > 0 and uni[t] < min_reduce:
                    uni[t] = 0
                    n_uni -= 1
            tab, n_big = _rehash(tab, mask + 1, min_reduce)
            min_reduce += 1
    a = np.empty(n_big, np.int32)
    b = np.empty(n_big, np.int32)
    sq = np.empty(n_big, np.int32)
    c = np.empty(n_big, np.int64)
    k = 0
    for i in range(mask + 1):
        if tab[3 * i] != -1:
            a[k] = tab[3 * i] >> 32
            b[k] = tab[3 * i] & _LOW
            sq[k] = tab[3 * i + 1]
            c[k] = tab[3 * i + 2]
            k += 1
    return uni, a, sq, b, c, seq_parent[:n_seq].copy(), seq_last[:n_seq].copy(), min_reduce


@njit(cache=True, nogil=True)
def score_keys(uni, a, b, cab, npmi, min_count, len_vocab, corpus_word_count):
    """gensim's scores of candidates ``(a, b)`` with counts ``ca = uni[a]``, ``cb = uni[b]``
    (words) and ``cab`` (the candidate); ``-inf`` where a count is zero (gensim's "not a
    phrase").

    Default (Mikolov et al.): ``(cab - min_count) / float(ca * cb) * len_vocab``.
    NPMI (Bouma): ``log(pab / (pa * pb)) / -log(pab)`` with ``p = count / corpus_word_count``,
    ``-inf`` when ``cab < min_count``.
    """
    n = cab.shape[0]
    out = np.empty(n, np.float64)
    lv = np.float64(len_vocab)
    cw = np.float64(corpus_word_count)
    for i in range(n):
        ca = uni[a[i]]
        cb = uni[b[i]]
        if ca <= 0 or cb <= 0 or cab[i] <= 0:
            out[i] = -np.inf
        elif not npmi:
            out[i] = np.float64(cab[i] - min_count) / np.float64(ca * cb) * lv
        elif cab[i] >= min_count:
            pa = ca / cw
            pb = cb / cw
            pab = cab[i] / cw
            out[i] = math.log(pab / (pa * pb)) / -math.log(pab)
        else:
            out[i] = -np.inf
    return out


@njit(cache=True, nogil=True)
def build_table(k1s, k2s, values):
    """An interleaved hash table ``(k1, k2) -> value`` (values >= 0) for
    :func:`apply_phrases`."""
    n = k1s.shape[0]
    size = 16
    while size < 2 * n + 2:
        size *= 2
    tab = _new_table(size, -1)
    mask = size - 1
    for i in range(n):
        j = _find(tab, k1s[i], k2s[i], mask)
        tab[3 * j] = k1s[i]
        tab[3 * j + 1] = k2s[i]
        tab[3 * j + 2] = values[i]
    return tab


@njit(cache=True, nogil=True, inline="always")
def _get(tab, k1, k2):
    j = _find(tab, k1, k2, tab.shape[0] // 3 - 1)
    return tab[3 * j + 2]  # -1 in an empty slot


@njit(cache=True, nogil=True)
def apply_phrases(raw, starts, is_conn, ptab, ttab, out, out_starts):
    """Join phrases in the sentences ``raw[starts[s]:starts[s+1]]``, writing to ``out``.

    ``ptab``: table ``((a << 32) | b, seq) -> joined token id``; ``ttab``:
    table ``(seq, connector) -> seq`` of the connector sequences inside phrases. ``out`` may
    be ``raw``. ``out_starts`` (length ``len(starts)``) receives the new sentence offsets
    (no sentence becomes empty). Returns the number of tokens written.
    """
    n = 0
    out_starts[0] = 0
    for s in range(starts.shape[0] - 1):
        lo = starts[s]
        hi = starts[s + 1]
        prev = -1  # position of the pending first word
        seq = 0
        for i in range(lo, hi):
            t = np.int64(raw[i])
            if not is_conn[t]:
                if prev >= 0:
                    v = -1
                    if seq >= 0:
                        v = _get(ptab, (np.int64(raw[prev]) << 32) | t, seq)
                    if v >= 0:
                        out[n] = v
                        n += 1
                        prev = -1
                        seq = 0
                        continue
                    for k in range(prev, i):
                        out[n] = raw[k]
                        n += 1
                prev = i
                seq = 0
            elif prev >= 0:
                if seq >= 0:
                    seq = _get(ttab, seq, t)
            else:
                out[n] = t
                n += 1
        if prev >= 0:
            for k in range(prev, hi):
                out[n] = raw[k]
                n += 1
        out_starts[s + 1] = n
    return n


@njit(cache=True, nogil=True)
def candidate_keys(raw, starts, is_conn, n_types, bits):
    """Every candidate of the corpus as one packed ``int64`` key, for counting by sorting.

    ``key = (((a << bits) | b) << sbits) | seq`` with ``sbits = 63 - 2 * bits``. Returns
    ``(uni, keys, seq_parent, seq_last, ok)``; ``ok`` is False when the connector sequences
    outgrow ``sbits`` (then count with :func:`count_phrases`).
    """
    uni = np.zeros(n_types, np.int64)
    keys = np.empty(raw.shape[0], np.int64)
    sbits = 63 - 2 * bits
    seq_cap = np.int64(1) << sbits
    n = 0
    tsize = 1024
    trie = _new_table(tsize, 0)
    seq_parent = np.zeros(256, np.int64)
    seq_last = np.full(256, -1, np.int64)
    n_seq = 1
    for s in range(starts.shape[0] - 1):
        prev = -1
        seq = 0
        for i in range(starts[s], starts[s + 1]):
            t = np.int64(raw[i])
            if not is_conn[t]:
                uni[t] += 1
                if prev >= 0:
                    keys[n] = (((prev << bits) | t) << sbits) | seq
                    n += 1
                prev = t
                seq = 0
            elif prev >= 0:
                j = _find(trie, seq, t, tsize - 1)
                if trie[3 * j] == -1:
                    if n_seq >= seq_cap:
                        return uni, keys[:0], seq_parent[:1], seq_last[:1], False
                    trie[3 * j] = seq
                    trie[3 * j + 1] = t
                    trie[3 * j + 2] = n_seq
                    if n_seq == seq_parent.shape[0]:
                        p2 = np.zeros(n_seq * 2, np.int64)
                        p2[:n_seq] = seq_parent
                        seq_parent = p2
                        l2 = np.full(n_seq * 2, -1, np.int64)
                        l2[:n_seq] = seq_last
                        seq_last = l2
                    seq_parent[n_seq] = seq
                    seq_last[n_seq] = t
                    seq = n_seq
                    n_seq += 1
                    if n_seq * 2 > tsize:
                        tsize *= 2
                        trie, _ = _rehash(trie, tsize, 0)
                else:
                    seq = trie[3 * j + 2]
    return uni, keys[:n], seq_parent[:n_seq].copy(), seq_last[:n_seq].copy(), True


@njit(cache=True, nogil=True)
def count_sorted(keys, bits):
    """Run lengths of sorted packed keys: ``(a, seq, b, count)`` of each distinct key."""
    sbits = 63 - 2 * bits
    n = keys.shape[0]
    m = 0
    for i in range(n):
        if i == 0 or keys[i] != keys[i - 1]:
            m += 1
    a = np.empty(m, np.int32)
    b = np.empty(m, np.int32)
    sq = np.empty(m, np.int32)
    c = np.zeros(m, np.int64)
    k = -1
    smask = (np.int64(1) << sbits) - 1
    bmask = (np.int64(1) << bits) - 1
    for i in range(n):
        key = keys[i]
        if i == 0 or key != keys[i - 1]:
            k += 1
            sq[k] = key & smask
            b[k] = (key >> sbits) & bmask
            a[k] = key >> (sbits + bits)
        c[k] += 1
    return a, sq, b, c
