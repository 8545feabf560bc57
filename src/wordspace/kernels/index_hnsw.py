"""The HNSW graph walk (Malkov & Yashunin 2016) over a graph built by usearch.

usearch builds the graph (``vectors/index.py``); the query walks it here, in one compiled call
with no Python in between, over a layout made for the walk:

- **The graph as arrays keyed by model row.** :func:`parse_usearch` reads usearch's serialized
  index (the blob that ``Index.save()`` returns or a saved file maps) once: the level-0
  neighbours of every node, ``links0`` ``(n, 2M)`` int32 padded with -1, indexed by the model's
  row (usearch's key) rather than usearch's internal slot, and the upper levels of the few
  nodes that have them (``upper_row``: the node's row in ``upper`` ``(n_up, levels, M)``, or -1).
  A neighbour id is then directly a row of the float32 unit matrix: no key lookup, no second
  copy of the vectors.
- **float32 scores from the unit matrix.** The walk scores with the model's own float32 unit
  vectors (usearch's walk reads its float16/int8 copy): exact cosines, so the ``ef`` best found
  are ranked exactly and the reduced-precision copy only serves the build. The ``k`` returned
  are re-scored by :func:`wordspace.kernels.quantized.rerank`, the scores every index path reports.
- **Visited set by epoch.** ``visited[row] == epoch`` marks a row seen by this query; the next
  query increments the epoch instead of clearing ``n`` entries (cleared only when the counter
  wraps).
- **Prefetch.** Before scoring a node's neighbours the walk asks the CPU for every unvisited
  neighbour's row (:func:`~wordspace.kernels._intrinsics.prefetch_row`), so the memory
  latencies overlap instead of adding up, and when a node is done, for the links of the next
  one to expand (GloVe 6B 50d, one thread: 122 us a walk without, about 100 us with both).
- **Two binary heaps in flat arrays**: candidates (best first) and the ``ef`` results (worst
  first), no allocation during the walk.

Candidates and results are those of the textbook algorithm (hnswlib's ``searchBaseLayerST``):
greedy descent through the upper levels with one candidate, then the bounded best-first
search at level 0 with ``ef``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from wordspace.kernels._intrinsics import prefetch_row
from wordspace.kernels.quantized import rerank
from wordspace.kernels.topk import FASTMATH

#: usearch's dense-index header: 64 bytes after the vectors (magic ``usearch``)
_DENSE_HEAD = 64
#: the graph's header: size, connectivity, connectivity_base, max_level, entry_slot (u64 each)
_GRAPH_HEAD = 40


class GraphFormatError(ValueError):
    """The usearch blob does not have the layout this parser reads."""


def _u64(b: np.ndarray, off: int) -> int:
    return int(np.frombuffer(b[off : off + 8].tobytes(), "<u8")[0])


def parse_usearch(
    blob: np.ndarray, n_rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """The graph of a serialized usearch dense index (``uint8`` array: ``Index.save()``'s bytes
    or a memory map of them) as ``(links0, upper_row, upper, entry, max_level)``; rows are
    usearch keys, which must be below ``n_rows``. Raises :class:`GraphFormatError` where the
    layout differs from usearch 2's (32-bit slots, 32-bit matrix dimensions)."""
    b = np.asarray(blob).reshape(-1).view(np.uint8)
    if b.shape[0] < 8:
        raise GraphFormatError("too short")
    rows, cols = (int(x) for x in np.frombuffer(b[:8].tobytes(), "<u4"))
    head = 8 + rows * cols
    if head + _DENSE_HEAD + _GRAPH_HEAD > b.shape[0] or bytes(b[head : head + 7]) != b"usearch":
        raise GraphFormatError("no usearch header where the vectors end")
    g = head + _DENSE_HEAD
    size, conn, base, max_level, entry = (_u64(b, g + 8 * i) for i in range(5))
    if size != rows or not (0 < conn <= base <= 4096) or max_level > 64 or entry >= max(size, 1):
        raise GraphFormatError("implausible graph header")
    lv = g + _GRAPH_HEAD
    levels = np.frombuffer(b[lv : lv + 2 * size].tobytes(), "<i2").astype(np.int64)
    node_bytes = 10 + (4 + 4 * base) + levels * (4 + 4 * conn)
    if size and (levels.min() < 0 or levels.max() > max_level):
        raise GraphFormatError("node levels out of range")
    starts = lv + 2 * size + np.concatenate(([0], np.cumsum(node_bytes)[:-1])).astype(np.int64)
    end = int(starts[-1] + node_bytes[-1]) if size else lv
    if end != b.shape[0]:
        raise GraphFormatError(f"the nodes end at byte {end}, the blob at {b.shape[0]}")
    up_row = np.full(n_rows, -1, dtype=np.int32)
    n_up = int((levels > 0).sum())
    links0 = np.full((n_rows, base), -1, dtype=np.int32)
    upper = np.full((max(n_up, 1), max(int(max_level), 1), conn), -1, dtype=np.int32)
    slot_key = np.empty(size, dtype=np.int64)
    err = _parse_nodes(b, starts, levels, base, conn, n_rows, slot_key, links0, up_row, upper)
    if err:
        raise GraphFormatError(f"a node's key or neighbour is out of range (node {err - 1})")
    ekey = int(slot_key[entry]) if size else -1
    return links0, up_row, upper, ekey, int(max_level)


@njit(cache=True, nogil=True)
def _rd32(b, off):  # pragma: no cover - compiled
    return (
        np.int64(b[off])
        | (np.int64(b[off + 1]) << 8)
        | (np.int64(b[off + 2]) << 16)
        | (np.int64(b[off + 3]) << 24)
    )


@njit(cache=True, nogil=True)
def _parse_nodes(
    b, starts, levels, base, conn, n_rows, slot_key, links0, up_row, upper
):  # pragma: no cover - compiled
    """Two passes over the nodes: their keys (slot -> row), then their neighbour lists with
    each slot translated to a row. Returns 0, or 1 + the first bad node."""
    size = starts.shape[0]
    for s in range(size):
        key = _rd32(b, starts[s]) | (_rd32(b, starts[s] + 4) << 32)
        if key < 0 or key >= n_rows:
            return s + 1
        slot_key[s] = key
    u = 0
    for s in range(size):
        row = slot_key[s]
        off = starts[s] + 10
        cnt = _rd32(b, off)
        if cnt > base:
            return s + 1
        for t in range(cnt):
            nb = _rd32(b, off + 4 + 4 * t)
            if nb >= size:
                return s + 1
            links0[row, t] = slot_key[nb]
        if levels[s] > 0:
            up_row[row] = u
            off += 4 + 4 * base
            for lev in range(levels[s]):
                cnt = _rd32(b, off)
                if cnt > conn:
                    return s + 1
                for t in range(cnt):
                    nb = _rd32(b, off + 4 + 4 * t)
                    if nb >= size:
                        return s + 1
                    upper[u, lev, t] = slot_key[nb]
                off += 4 + 4 * conn
            u += 1
    return 0


@njit(cache=True, nogil=True, fastmath=FASTMATH, inline="always")
def _dot(vec, scale, i, q):  # pragma: no cover - compiled
    """Row ``i``'s score: ``scale[i] * (vec[i] . q)``, summed in float32 (``vec``: float32
    unit rows with scales of 1, or int8 codes with their scales)."""
    s = np.float32(0.0)
    for j in range(q.shape[0]):
        s += np.float32(vec[i, j]) * q[j]
    return s * scale[i]


def pack_rows_int8(unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-major int8 codes of the unit rows with one scale per row (``max |x| / 127``), what
    the walk reads instead of the float32 rows (a quarter of the bytes: one cache line a row
    of 50 dimensions where float32 needs four). Rows holding NaN/inf (never in the graph)
    and zero rows get zero codes."""
    n, d = unit.shape
    codes = np.zeros((n, d), dtype=np.int8)
    scale = np.ones(n, dtype=np.float32)
    _pack_rows(unit, codes, scale)
    return codes, scale


@njit(cache=True, nogil=True, parallel=True)
def _pack_rows(unit, codes, scale):  # pragma: no cover - compiled
    for i in prange(unit.shape[0]):
        m = np.float32(0.0)
        finite = True
        for j in range(unit.shape[1]):
            a = abs(unit[i, j])
            finite &= a < np.inf  # False for NaN and inf
            m = max(m, a)
        if not finite or m == 0:
            continue
        s = m / np.float32(127.0)
        scale[i] = s
        for j in range(unit.shape[1]):
            codes[i, j] = np.int8(min(127.0, max(-127.0, np.rint(unit[i, j] / s))))


@njit(cache=True, nogil=True, inline="always")
def _push_max(hs, hi, size, s, i):  # pragma: no cover - compiled
    """Push onto a max-heap (best first) of ``size`` items; returns the new size."""
    j = size
    while j > 0:
        p = (j - 1) >> 1
        if hs[p] >= s:
            break
        hs[j] = hs[p]
        hi[j] = hi[p]
        j = p
    hs[j] = s
    hi[j] = i
    return size + 1


@njit(cache=True, nogil=True, inline="always")
def _pop_max(hs, hi, size):  # pragma: no cover - compiled
    """Remove the top of a max-heap of ``size`` items (read it first); returns the new size."""
    size -= 1
    s = hs[size]
    i = hi[size]
    j = 0
    while True:
        c = 2 * j + 1
        if c >= size:
            break
        if c + 1 < size and hs[c + 1] > hs[c]:
            c += 1
        if hs[c] <= s:
            break
        hs[j] = hs[c]
        hi[j] = hi[c]
        j = c
    hs[j] = s
    hi[j] = i
    return size


@njit(cache=True, nogil=True, inline="always")
def _push_min(hs, hi, size, s, i):  # pragma: no cover - compiled
    """Push onto a min-heap (worst first)."""
    j = size
    while j > 0:
        p = (j - 1) >> 1
        if hs[p] <= s:
            break
        hs[j] = hs[p]
        hi[j] = hi[p]
        j = p
    hs[j] = s
    hi[j] = i
    return size + 1


@njit(cache=True, nogil=True, inline="always")
def _replace_min(hs, hi, size, s, i):  # pragma: no cover - compiled
    """Replace the top (worst) of a min-heap by ``(s, i)`` and restore the order."""
    j = 0
    while True:
        c = 2 * j + 1
        if c >= size:
            break
        if c + 1 < size and hs[c + 1] < hs[c]:
            c += 1
        if hs[c] >= s:
            break
        hs[j] = hs[c]
        hi[j] = hi[c]
        j = c
    hs[j] = s
    hi[j] = i


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def walk(
    vec, scale, links0, up_row, upper, entry, max_level, q, ef, visited, epoch, cs, ci, rs, ri
):  # pragma: no cover - compiled
    """The ``ef`` best rows for the unit query ``q`` found by the walk, scored by
    ``scale[i] * (vec[i] . q)`` (:func:`_dot`), in ``rs``/``ri`` (a min-heap, unordered);
    returns their count. ``visited`` (``n`` uint32) holds the epochs,
    ``epoch`` (one uint32) the last one used; ``cs``/``ci`` (room for every row) the
    candidates. Rows of a graph with no entry (empty) give 0."""
    if entry < 0:
        return 0
    # numba widens uint32 arithmetic: wrap by hand, then compare as uint32
    nxt = np.int64(epoch[0]) + 1
    if nxt > 0xFFFFFFFF:  # wrapped: forget every mark
        visited[:] = 0
        nxt = 1
    e = np.uint32(nxt)
    epoch[0] = e
    # greedy descent through the upper levels
    cur = np.int64(entry)
    best = _dot(vec, scale, cur, q)
    for lev in range(max_level - 1, -1, -1):
        changed = True
        while changed:
            changed = False
            r = up_row[cur]
            if r < 0:
                break
            for t in range(upper.shape[2]):
                nb = upper[r, lev, t]
                if nb < 0:
                    break
                s = _dot(vec, scale, nb, q)
                if s > best:
                    best = s
                    cur = nb
                    changed = True
    # the bounded best-first search at level 0
    visited[cur] = e
    nc = _push_max(cs, ci, 0, best, cur)
    nr = _push_min(rs, ri, 0, best, cur)
    m = links0.shape[1]
    while nc > 0:
        s0 = cs[0]
        c = ci[0]
        if nr >= ef and s0 < rs[0]:
            break
        nc = _pop_max(cs, ci, nc)
        for t in range(m):
            nb = links0[c, t]
            if nb < 0:
                break
            if visited[nb] != e:
                prefetch_row(vec, nb)
        for t in range(m):
            nb = links0[c, t]
            if nb < 0:
                break
            if visited[nb] == e:
                continue
            visited[nb] = e
            s = _dot(vec, scale, nb, q)
            if nr < ef:
                nc = _push_max(cs, ci, nc, s, nb)
                nr = _push_min(rs, ri, nr, s, nb)
            elif s > rs[0]:
                nc = _push_max(cs, ci, nc, s, nb)
                _replace_min(rs, ri, nr, s, nb)
        if nc > 0:  # the next node to expand: its links, while this one's are still warm
            prefetch_row(links0, ci[0])
    return nr


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def search_one(
    unit,
    vec,
    scale,
    links0,
    up_row,
    upper,
    entry,
    max_level,
    q,
    ef,
    k,
    visited,
    epoch,
    cs,
    ci,
    rs,
    ri,
):  # pragma: no cover - compiled
    """One query: the walk over ``vec``/``scale``, then the best ``k`` of the ``ef`` found,
    re-scored from the float32 ``unit`` rows by :func:`~wordspace.kernels.quantized.rerank`
    (rows, float32 cosines, best first)."""
    nr = walk(
        vec, scale, links0, up_row, upper, entry, max_level, q, ef, visited, epoch, cs, ci, rs, ri
    )
    cand = np.empty(nr, dtype=np.int64)
    for t in range(nr):
        cand[t] = ri[t]
    cand.sort()
    return rerank(unit, cand, q, k)


@njit(cache=True, nogil=True, parallel=True, fastmath=FASTMATH)
def search_many(
    unit, vec, scale, links0, up_row, upper, entry, max_level, qs, ef, k, nchunks
):  # pragma: no cover - compiled
    """:func:`search_one` for every row of ``qs``, the queries split into ``nchunks`` chunks
    walked in parallel (each with its own visited set and heaps): rows ``(m, k)`` (-1 padded)
    and float32 cosines (-inf padded)."""
    m = qs.shape[0]
    n = unit.shape[0]
    out_i = np.full((m, k), -1, dtype=np.int64)
    out_s = np.full((m, k), -np.inf, dtype=np.float32)
    step = (m + nchunks - 1) // nchunks
    for c in prange(nchunks):
        lo = c * step
        hi = min(m, lo + step)
        if lo >= hi:
            continue
        visited = np.zeros(n, dtype=np.uint32)
        epoch = np.zeros(1, dtype=np.uint32)
        cs = np.empty(n + 1, dtype=np.float32)
        ci = np.empty(n + 1, dtype=np.int32)
        rs = np.empty(ef + 1, dtype=np.float32)
        ri = np.empty(ef + 1, dtype=np.int32)
        for r in range(lo, hi):
            idx, sc = search_one(
                unit, vec, scale, links0, up_row, upper, entry, max_level, qs[r], ef, k,
                visited, epoch, cs, ci, rs, ri,
            )  # fmt: skip
            for t in range(idx.shape[0]):
                out_i[r, t] = idx[t]
                out_s[r, t] = sc[t]
    return out_i, out_s
