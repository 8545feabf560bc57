"""Compiled whitespace tokenisation of ASCII text into raw ids (the fast path of
:meth:`wordspace.Corpus.scan`).

``str.split()`` over ASCII text splits on the bytes ``\\t \\n \\v \\f \\r``, ``\\x1c``-``\\x1f``
and space; ``\\n`` also ends a line. :func:`tokenize_ascii` does the same on bytes and gives each
distinct token a raw id in order of first occurrence, as the Python path does: an FNV-1a hash
table whose entries point into one byte store of the tokens (compared byte for byte, so hash
collisions cost time, never correctness). A byte >= 0x80 stops it (status 1): the caller then
reads the file with the Python path, which knows Unicode whitespace and UTF-8.

Counts are kept per type as tokens are met (no second pass over the ids). Several byte ranges
of one file can be tokenised at once, each by a thread with its own table (the functions here
release the GIL); :func:`merge_types` then adds a range's types to the first range's table in
their order of first occurrence and returns the local -> global id map, so that the merged
result is exactly the one-thread result (types in order of first occurrence, same counts).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["tokenize_ascii", "line_sentences", "merge_types", "remap_ids", "WS_BYTES"]

#: the ASCII bytes str.split() treats as whitespace
WS_BYTES = np.zeros(256, dtype=np.bool_)
WS_BYTES[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@njit(cache=True, nogil=True, inline="always")
def _mix(h, mask):
    """The slot of hash ``h``: FNV-1a's low bits cluster on short ASCII tokens, so mix first
    (murmur3's finaliser)."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    return np.int64(h & np.uint64(mask))


@njit(cache=True, nogil=True)
def _grow1(a, need):
    if need <= a.shape[0]:
        return a
    size = max(a.shape[0] * 2, need)
    out = np.empty(size, a.dtype)
    out[: a.shape[0]] = a
    return out


@njit(cache=True, nogil=True)
def _retable(tab, offs, store, n_types, size):
    """A table of ``size`` slots (``[hash, id]`` rows, id -1: empty) holding every type."""
    out = np.full(2 * size, -1, np.int64)
    mask = size - 1
    for t in range(n_types):
        h = _FNV_OFFSET
        for k in range(offs[t], offs[t + 1]):
            h = (h ^ np.uint64(store[k])) * _FNV_PRIME
        j = _mix(h, mask)
        while out[2 * j + 1] != -1:
            j = (j + 1) & mask
        out[2 * j] = np.int64(h)
        out[2 * j + 1] = t
    return out


@njit(cache=True, nogil=True)
def _run(buf, i, eof, lower, is_ws, tab, store, offs, counts, n_types, ids, n_ids, ends, n_ends):
    """The hot loop, from byte ``i``. Returns ``(status, i, n_types, n_ids, n_ends)``; status 2:
    a new token needs a larger table/store (grow, then call again from ``i``). No array is
    reassigned here: that would cost reference counting on every token."""
    mask = tab.shape[0] // 2 - 1
    if lower:  # two compiled copies of the loop, each with the test on ``lower`` folded
        return _run_body(
            buf,
            i,
            eof,
            True,
            is_ws,
            tab,
            mask,
            store,
            offs,
            counts,
            n_types,
            ids,
            n_ids,
            ends,
            n_ends,
        )
    return _run_body(
        buf, i, eof, False, is_ws, tab, mask, store, offs, counts, n_types, ids, n_ids, ends, n_ends
    )


@njit(cache=True, nogil=True, inline="always")
def _run_body(
    buf, i, eof, lower, is_ws, tab, mask, store, offs, counts, n_types, ids, n_ids, ends, n_ends
):
    n = buf.shape[0]
    while i < n:
        c = buf[i]
        if c >= 128:
            return 1, i, n_types, n_ids, n_ends
        if is_ws[c]:
            if c == 10:
                ends[n_ends] = n_ids
                n_ends += 1
            i += 1
            continue
        j = i
        h = _FNV_OFFSET
        while j < n:
            c = buf[j]
            if c >= 128:
                return 1, j, n_types, n_ids, n_ends
            if is_ws[c]:
                break
            if lower and 65 <= c <= 90:
                c += 32
            h = (h ^ np.uint64(c)) * _FNV_PRIME
            j += 1
        if j == n and not eof:
            return 0, i, n_types, n_ids, n_ends
        length = j - i
        s = _mix(h, mask)
        hi = np.int64(h)
        found = -1
        while True:
            t = tab[2 * s + 1]
            if t == -1:
                break
            if tab[2 * s] == hi and offs[t + 1] - offs[t] == length:
                same = True
                o = offs[t]
                for k in range(length):
                    c = buf[i + k]
                    if lower and 65 <= c <= 90:
                        c += 32
                    if store[o + k] != c:
                        same = False
                        break
                if same:
                    found = t
                    break
            s = (s + 1) & mask
        if found == -1:
            o = offs[n_types]
            if (
                2 * (n_types + 1) > mask + 1
                or o + length > store.shape[0]
                or n_types + 2 > offs.shape[0]
                or n_types + 1 > counts.shape[0]
            ):
                return 2, i, n_types, n_ids, n_ends
            found = n_types
            tab[2 * s] = hi
            tab[2 * s + 1] = found
            for k in range(length):
                c = buf[i + k]
                if lower and 65 <= c <= 90:
                    c += 32
                store[o + k] = c
            offs[n_types + 1] = o + length
            counts[n_types] = 0
            n_types += 1
        counts[found] += 1
        ids[n_ids] = found
        n_ids += 1
        i = j
    return 0, n, n_types, n_ids, n_ends


@njit(cache=True, nogil=True)
def tokenize_ascii(
    buf, eof, lower, is_ws, tab, store, offs, counts, n_types, ids, n_ids, ends, n_ends
):
    """Tokenise ``buf`` (uint8). Returns ``(status, consumed, tab, store, offs, counts,
    n_types, ids, n_ids, ends, n_ends)``; arrays may be reallocated (grown).

    ``ids[:n_ids]``: raw ids so far; ``ends[:n_ends]``: ``n_ids`` at each ``\\n``; ``offs``:
    ``n_types + 1`` offsets into ``store``; ``counts[:n_types]``: each type's count so far.
    Unless ``eof``, a token touching the end of ``buf`` is left unconsumed (``consumed`` is
    where it starts). ``status`` 1: a non-ASCII byte.
    """
    n = buf.shape[0]
    ids = _grow1(ids, n_ids + n // 2 + 2)  # room for every token and line of buf
    lines = 0
    for k in range(n):
        lines += buf[k] == 10
    ends = _grow1(ends, n_ends + lines + 1)
    i = np.int64(0)  # not a literal: one compiled _run, not one more for Literal[int](0)
    while True:
        status, i, n_types, n_ids, n_ends = _run(
            buf, i, eof, lower, is_ws, tab, store, offs, counts, n_types, ids, n_ids, ends, n_ends
        )
        if status != 2:
            return status, i, tab, store, offs, counts, n_types, ids, n_ids, ends, n_ends
        if 2 * (n_types + 1) > tab.shape[0] // 2:
            tab = _retable(tab, offs, store, n_types, tab.shape[0])  # twice the slots
        store = _grow1(store, offs[n_types] + n + 1)
        offs = _grow1(offs, n_types + 2)
        counts = _grow1(counts, n_types + 1)


@njit(cache=True, nogil=True)
def merge_types(tab, store, offs, counts, n_types, store_b, offs_b, counts_b, n_b):
    """Add the ``n_b`` types of another table (``store_b``/``offs_b``, already lowercased if
    need be) to this one, in their order, and their counts to ``counts``. Returns ``(remap,
    tab, store, offs, counts, n_types)``: ``remap[t]`` is the id here of type ``t`` there."""
    remap = np.empty(n_b, np.int32)
    for t in range(n_b):
        a, b = offs_b[t], offs_b[t + 1]
        length = b - a
        h = _FNV_OFFSET
        for k in range(a, b):
            h = (h ^ np.uint64(store_b[k])) * _FNV_PRIME
        hi = np.int64(h)
        while True:
            mask = tab.shape[0] // 2 - 1
            s = _mix(h, mask)
            found = -1
            while True:
                u = tab[2 * s + 1]
                if u == -1:
                    break
                if tab[2 * s] == hi and offs[u + 1] - offs[u] == length:
                    same = True
                    o = offs[u]
                    for k in range(length):
                        if store[o + k] != store_b[a + k]:
                            same = False
                            break
                    if same:
                        found = u
                        break
                s = (s + 1) & mask
            if found != -1:
                break
            o = offs[n_types]
            if (
                2 * (n_types + 1) > mask + 1
                or o + length > store.shape[0]
                or n_types + 2 > offs.shape[0]
                or n_types + 1 > counts.shape[0]
            ):
                if 2 * (n_types + 1) > mask + 1:
                    tab = _retable(tab, offs, store, n_types, tab.shape[0])
                store = _grow1(store, o + length + 1)
                offs = _grow1(offs, n_types + 2)
                counts = _grow1(counts, n_types + 1)
                continue  # look again in the grown table
            found = n_types
            tab[2 * s] = hi
            tab[2 * s + 1] = found
            for k in range(length):
                store[o + k] = store_b[a + k]
            offs[n_types + 1] = o + length
            counts[n_types] = 0
            n_types += 1
            break
        counts[found] += counts_b[t]
        remap[t] = found
    return remap, tab, store, offs, counts, n_types


@njit(cache=True, nogil=True)
def remap_ids(out, ids, remap):
    """``out[i] = remap[ids[i]]`` (``out`` may be ``ids``)."""
    for i in range(ids.shape[0]):
        out[i] = remap[ids[i]]


@njit(cache=True, nogil=True)
def vocab_ids(raw, remap, bounds):
    """Raw ids to vocabulary ids in one pass: ``(ids, starts)`` where ``ids`` holds
    ``remap[raw[p]]`` for every token whose value is ``>= 0`` (the others are dropped) and
    ``starts`` each non-empty sentence's start in ``ids`` (sentence ``s`` is
    ``raw[bounds[s]:bounds[s + 1]]``; sentences left empty are dropped), then ``len(ids)``.
    ``ids`` may be a view of a buffer of ``len(raw)`` ids."""
    n_sent = bounds.shape[0] - 1
    out = np.empty(raw.shape[0], np.int32)
    starts = np.empty(max(n_sent, 0) + 1, np.int64)
    k = 0
    m = 0
    for s in range(n_sent):
        k0 = k
        for p in range(bounds[s], bounds[s + 1]):
            v = remap[raw[p]]
            if v >= 0:
                out[k] = v
                k += 1
        if k > k0:
            starts[m] = k0
            m += 1
    starts[m] = k
    return out[:k], starts[: m + 1].copy()


@njit(cache=True, nogil=True)
def line_sentences(ends, total, cap):
    """Sentence offsets from the token counts at each line end: a line of ``L`` tokens gives
    pieces of ``cap`` tokens while more than ``cap`` remain, then the rest (empty lines give
    nothing); the last line need not end with a newline. Ends with ``total``."""
    out = np.empty(ends.shape[0] + total // cap + 3, np.int64)
    m = 0
    cur = 0
    for e in range(ends.shape[0] + 1):
        pos = ends[e] if e < ends.shape[0] else total
        while pos - cur > cap:
            out[m] = cur
            m += 1
            cur += cap
        if pos > cur:
            out[m] = cur
            m += 1
            cur = pos
    out[m] = total
    return out[: m + 1].copy()
