"""Neighbour indexes for :class:`~wordspace.vectors.keyed.WordVectors`.

An exact query streams the whole unit matrix once (bound by memory bandwidth: 80 MB for GloVe
6B 50d, 3.6 GB for ``word2vec-google-news-300``). An index answers faster in one of two ways:

``"hnsw"``
    An approximate graph index (HNSW, Malkov & Yashunin 2016) over the unit vectors with the
    inner-product metric, built by `usearch <https://github.com/unum-cloud/usearch>`_ (extra
    ``wordspace[index]``; chosen by measurement among faiss, usearch, hnswlib and annoy, see
    ``docs/howto/index.md``). A query visits a few thousand vectors instead of all of them;
    recall is below 1 and grows with ``ef`` (``expansion_search``). usearch builds and saves
    the graph; queries walk it in :mod:`wordspace.kernels.index_hnsw` (the graph read once
    into arrays keyed by model row, scored with the float32 unit matrix, one compiled call a
    query), so the cosines reported are exact.
``"exact-f16"`` / ``"exact-int8"``
    A reduced-precision copy of the unit vectors (half or a quarter of the bytes) is scanned
    first and the candidates re-ranked in float32. The result *is* the exact top-k, not an
    approximation: every approximate score is within a proven bound of the float32 one
    (float16: ``2**-11 |q| + 2**-25 ||q||_1``; int8 with a scale per row ``s``:
    ``s / 2 * ||q||_1``; plus float32 summation), so the rows whose upper bound reaches the
    k-th best lower bound hold the exact top-k, and only those are re-ranked
    (:mod:`wordspace.kernels.quantized`: the kernels, the proof and the blocked layout).

An index belongs to one set of vectors: it records a fingerprint of the matrix (a checksum of
every float32 word weighted by an odd per-position multiplier, so any single change alters it,
plus a hash of the words). Attaching an index to other vectors, including the same model edited
after indexing, raises :class:`~wordspace.errors.StaleIndexError`.

Saved indexes are one side file next to the model (``model.wsv`` -> ``model.wsv.index``): an
8-byte magic, a length-prefixed ``meta.json`` header and, at a 64-byte aligned offset, the
arrays (float16/int8 codes) or the backend's blob, memory-mapped on load (the usearch graph is
*viewed* in place, not copied). No pickle; writes are atomic.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit, prange

from wordspace.errors import (
    FormatError,
    ParameterError,
    StaleIndexError,
)
from wordspace.kernels.index_hnsw import search_one as _hnsw_one
from wordspace.vectors._index_path import INDEX_SUFFIX, index_path  # noqa: F401  (public here)

if TYPE_CHECKING:  # pragma: no cover
    from wordspace.vectors.keyed import WordVectors

__all__ = [
    "METHODS",
    "WordIndex",
    "build_index",
    "load_index",
    "index_path",
    "fingerprint",
]

logger = logging.getLogger(__name__)

#: the index methods: one approximate (HNSW over usearch), two exact reduced-precision scans
METHODS = ("hnsw", "exact-f16", "exact-int8")
_MAGIC = b"WSINDEX1"
_ALIGN = 64
#: the side file's format: 2 since the exact scans store blocked codes (hnsw files are 1)
_VERSION = 2
_HEADER_LIMIT = 1 << 20
#: the fingerprint's checksum runs over this many chunks whatever the thread count (the
#: per-chunk sums are hashed, so the result must not depend on how the work was split)
_FP_CHUNKS = 64
#: HNSW defaults (usearch's names in brackets): ``M`` [connectivity], ``ef_construction``
#: [expansion_add], ``ef`` [expansion_search], and the stored vectors' precision
#: (:data:`HNSW_DTYPE`); chosen by measurement on GloVe 6B 50d, all 400,000 words
#: (docs/howto/index.md): a float16 graph at ef_construction=200 gives recall@10 0.963 at
#: ef=64 (0.953 at 48, 0.973 at 96), 8 to 12 times less CPU than the exact scan (one thread,
#: a loaded machine)
HNSW_DEFAULTS = {"M": 16, "ef_construction": 200, "ef": 64}
#: the default precision of the graph's vectors: half the bytes of float32, built about twice
#: as fast on 300 dimensions with the same recall (the candidates are re-scored in float32)
HNSW_DTYPE = "f16"
#: the precisions usearch can store the graph's vectors in (``dtype=``): a smaller copy is
#: read faster by the walk; every candidate is re-scored from the float32 unit matrix, and
#: below float32 the query asks for all ``ef`` candidates it kept, so a rounding at the cut
#: does not drop a neighbour
HNSW_DTYPES = ("f32", "f16", "i8")

#: what the walk scores with: ``"i8"``, int8 codes of the unit rows with a scale per row (a
#: quarter of the float32 bytes, made when the graph is first walked), ``"f32"``, the unit
#: rows themselves, or ``"auto"``: float32 rows up to :data:`HNSW_WALK_F32_BYTES` bytes, int8
#: codes above. The ``ef`` rows found are re-scored in float32 either way. Measured (one
#: thread, CPU time, ef 64, docs/howto/index.md): at 50 dimensions the two walks cost the
#: same and float32 finds a little more (recall@10 0.962 against 0.960); at 300 dimensions
#: the int8 walk is 1.7 times faster with the same recall (0.988)
HNSW_WALK = "auto"
HNSW_WALK_F32_BYTES = 256

Progress = Callable[[int, int], Any]


# ------------------------------------------------------------------------- fingerprint
@njit(cache=True, nogil=True, parallel=True)
def _checksum(words, nchunks):  # pragma: no cover - compiled
    n = words.shape[0]
    step = (n + nchunks - 1) // nchunks
    out = np.zeros(nchunks, dtype=np.uint64)
    for c in prange(nchunks):
        lo = c * step
        hi = min(n, lo + step)
        h = np.uint64(0)
        for i in range(lo, hi):
            # an odd multiplier per position: x -> x * m is a bijection mod 2**64, so a change
            # of any one word changes the sum; positions differ, so moved rows change it too
            m = (np.uint64(i) * np.uint64(0x9E3779B97F4A7C15)) | np.uint64(1)
            h += np.uint64(words[i]) * m
        out[c] = h
    return out


def fingerprint(keys: list[str], vectors: np.ndarray) -> str:
    """A fingerprint of a model's words and vectors (one pass over the matrix, in parallel)."""
    v = np.ascontiguousarray(vectors, dtype=np.float32)
    words = v.reshape(-1).view(np.uint32)
    sums = _checksum(words, _FP_CHUNKS)
    h = hashlib.blake2b(digest_size=16)
    h.update(struct.pack("<qq", *v.shape))
    h.update(sums.tobytes())
    h.update("\n".join(keys).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


# ------------------------------------------------------------------ reduced precision
_local = threading.local()


def _buffer(name: str, size: int, dtype: Any) -> np.ndarray:
    """A scratch array reused by the calling thread (a query's candidates: room for every
    row, allocated once rather than page-faulted in on every query)."""
    buf = getattr(_local, name, None)
    if buf is None or buf.shape[0] < size or buf.dtype != dtype:
        buf = np.empty(size, dtype=dtype)
        setattr(_local, name, buf)
    return buf[:size]


_CHUNKS: list[int] = []


def _nchunks() -> int:
    """Chunks a scan is split into: four per numba thread, read once a process
    (``numba.get_num_threads()`` costs about 6 us a call; the chunk count changes the speed
    of a scan, never its result)."""
    if not _CHUNKS:
        import numba

        _CHUNKS.append(max(1, int(numba.get_num_threads())) * 4)
    return _CHUNKS[0]


class WordIndex:
    """A neighbour index over a model's unit vectors (see the module docstring).

    Built by :meth:`WordVectors.build_index <wordspace.vectors.keyed.WordVectors.build_index>`
    or :func:`build_index`; saved with :meth:`save`, loaded with :func:`load_index`.
    ``stats`` counts the queries and, for the exact methods, the rows re-ranked in float32
    (``candidates``: their sum; ``max_candidates``: the most for one query).
    """

    def __init__(
        self,
        method: str,
        params: dict[str, Any],
        fp: str,
        shape: tuple[int, int],
        arrays: dict[str, np.ndarray],
        backend: Any = None,
        keep: Any = None,
    ):
        self.method = method
        self.params = dict(params)
        self.fingerprint = fp
        self.shape = (int(shape[0]), int(shape[1]))
        self.arrays = arrays
        self._backend = backend
        self._keep = keep  # the memory map a viewed backend reads from
        self.stats = {"queries": 0, "candidates": 0, "max_candidates": 0}
        self._checked: tuple[weakref.ref[np.ndarray], ...] | None = None
        # hnsw: the walk's arrays, read on the first query (False: usearch's layout unknown)
        self._graph: Any = None
        self._walk_codes = HNSW_WALK
        self._tls = threading.local()

    def __repr__(self) -> str:
        p = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"WordIndex({self.method!r}, {self.shape[0]:,} x {self.shape[1]}{', ' + p if p else ''})"

    @property
    def exact(self) -> bool:
        """True for the reduced-precision scans, whose results are the exact top-k."""
        return self.method != "hnsw"

    # ------------------------------------------------------------------ checks
    def check(self, wv: WordVectors) -> None:
        """Raise :class:`StaleIndexError` unless this index was built from ``wv``'s vectors."""
        shape = tuple(wv.vectors.shape)
        if shape != self.shape or fingerprint(wv.index_to_key, wv.vectors) != self.fingerprint:
            raise StaleIndexError(
                f"this {self.method} index was built for other vectors ({self.shape[0]:,} x "
                f"{self.shape[1]}, fingerprint {self.fingerprint[:12]}) than the model's "
                f"({shape[0]:,} x {shape[1]}): the model changed after indexing; rebuild it "
                "with wv.build_index(...) or `wordspace index MODEL`, or query with exact=True "
                "(--exact)"
            )

    def ensure(self, wv: WordVectors) -> None:
        """:meth:`check` once per state of ``wv``: a query pays for the fingerprint only when
        ``wv.vectors`` or its unit matrix is another array than at the last check (an edit
        that queries can see replaces one or the other: in-place edits must refresh the unit
        cache, ``wv.fill_norms(force=True)``, which makes a new one)."""
        unit = wv.get_normed_vectors()
        c = self._checked  # every query passes here: two identity checks, nothing more
        if c is not None and c[0]() is wv.vectors and c[1]() is unit:
            return
        self.check(wv)
        self._checked = (weakref.ref(wv.vectors), weakref.ref(unit))

    # ------------------------------------------------------------------ search
    def search(self, wv: WordVectors, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best rows for each unit query (``(m, d)``): indices and float32 cosines,
        ``(m, k)`` each, best first, -1 / -inf padding where fewer rows qualify."""
        q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        m = q.shape[0]
        n = self.shape[0]
        k = max(0, min(int(k), n))
        out_i = np.full((m, k), -1, dtype=np.int64)
        out_s = np.full((m, k), -np.inf, dtype=np.float32)
        if k == 0 or m == 0:
            return out_i, out_s
        self.ensure(wv)  # an identity check once the vectors were fingerprinted
        unit = wv.get_normed_vectors()
        if self.method == "hnsw":
            ef = max(int(self.params.get("ef", HNSW_DEFAULTS["ef"])), k)
            g = self._walk_graph(unit)
            if g is not None and m == 1:  # the thread's scratch, not a batch's fresh arrays
                idx, sc = self.search_one(unit, q[0], k)
                out_i[0, : len(idx)] = idx
                out_s[0, : len(idx)] = sc
                return out_i, out_s
            if g is not None:
                from wordspace.kernels import index_hnsw

                vec, scale, links0, up_row, upper, entry, top = g
                bi, bs = index_hnsw.search_many(
                    unit, vec, scale, links0, up_row, upper, entry, top, q, ef, k,
                    min(_nchunks(), m),
                )  # fmt: skip
                self.stats["queries"] += m
                return bi, bs
            return self._usearch_search(unit, q, k, ef, out_i, out_s)
        for r in range(m):
            idx, sc = self._exact_one(unit, q[r], k)
            out_i[r, : len(idx)] = idx
            out_s[r, : len(idx)] = sc
        return out_i, out_s

    def _usearch_search(
        self, unit: np.ndarray, q: np.ndarray, k: int, ef: int, out_i: np.ndarray, out_s: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`search` through usearch's own walk (where its graph cannot be read)."""
        from wordspace.kernels.quantized import rerank

        m = q.shape[0]
        if self._backend.expansion_search != ef:
            self._backend.expansion_search = ef
        # one query on the calling thread: a pool for one graph walk costs more than it
        count = k if self.params.get("dtype", "f32") == "f32" else ef
        res = self._backend.search(q if m > 1 else q[0], count, threads=0 if m > 1 else 1)
        if hasattr(res, "counts"):  # BatchMatches
            keys = np.asarray(res.keys).astype(np.int64).reshape(m, -1)
            counts = np.asarray(res.counts).reshape(m)
        else:  # one query gives a Matches
            keys = np.asarray(res.keys).astype(np.int64).reshape(1, -1)
            counts = np.array([keys.shape[1]])
        for r in range(m):
            cand = np.sort(keys[r, : int(counts[r])])
            idx, sc = rerank(unit, cand, q[r], k)
            out_i[r, : len(idx)] = idx
            out_s[r, : len(idx)] = sc
        self.stats["queries"] += m
        return out_i, out_s

    def _walk_graph(self, unit: np.ndarray) -> tuple | None:
        """The usearch graph as the arrays :mod:`wordspace.kernels.index_hnsw` walks (read
        from the serialized graph once, on the first query) and the rows it scores
        (:data:`HNSW_WALK`: int8 codes of ``unit`` or ``unit`` itself), or None where
        usearch's layout is not the one the parser knows (the queries then go through
        usearch's own walk)."""
        g = self._graph
        if g is None:
            from wordspace.kernels import index_hnsw

            blob = self._keep if self._keep is not None else self._backend.save()
            try:
                graph = index_hnsw.parse_usearch(np.frombuffer(blob, np.uint8), unit.shape[0])
                codes = self._walk_codes
                if codes == "auto":
                    codes = "f32" if 4 * unit.shape[1] <= HNSW_WALK_F32_BYTES else "i8"
                if codes == "i8":
                    g = (*index_hnsw.pack_rows_int8(unit), *graph)
                else:
                    g = (unit, np.ones(unit.shape[0], dtype=np.float32), *graph)
            except index_hnsw.GraphFormatError as e:
                logger.warning("usearch's graph layout is not the one expected (%s): "
                               "queries go through usearch's own walk", e)  # fmt: skip
                g = False
            self._graph = g
        return g if g is not False else None

    def _scratch(self, n: int, ef: int) -> tuple[np.ndarray, ...]:
        """The calling thread's visited marks and epoch (its own, for this index: a mark is
        only meaningful with the epoch counter it was written under) and the walk's heaps."""
        tls = self._tls
        vis = getattr(tls, "visited", None)
        if vis is None or vis.shape[0] != n:
            vis = tls.visited = np.zeros(n, dtype=np.uint32)
            tls.epoch = np.zeros(1, dtype=np.uint32)
        rs = getattr(tls, "rs", None)
        if rs is None or rs.shape[0] < ef + 1:
            rs = tls.rs = np.empty(ef + 1, dtype=np.float32)
            tls.ri = np.empty(ef + 1, dtype=np.int32)
        return (
            vis,
            tls.epoch,
            _buffer("hs", n + 1, np.float32),
            _buffer("hi", n + 1, np.int32),
            rs,
            tls.ri,
        )

    def search_one(self, unit: np.ndarray, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """One unit query ``q`` (``(d,)`` float32, contiguous), ``0 < k <= n``: the rows and
        float32 cosines of its ``k`` best, best first (fewer where fewer rows qualify). The lean
        path of a single ``most_similar``: the caller has checked the index (:meth:`ensure`)
        and the query; for hnsw, one compiled call walks the graph and re-scores the ``ef``
        rows found in float32 (:mod:`wordspace.kernels.index_hnsw`), with this thread's
        scratch arrays."""
        if self.method != "hnsw":
            return self._exact_one(unit, q, k)
        ef = max(int(self.params.get("ef", HNSW_DEFAULTS["ef"])), k)
        g = self._graph if self._graph is not None else self._walk_graph(unit)
        if g:
            vis, epoch, cs, ci, rs, ri = self._scratch(self.shape[0], ef)
            self.stats["queries"] += 1
            vec, scale, links0, up_row, upper, entry, top = g
            return _hnsw_one(
                unit, vec, scale, links0, up_row, upper, entry, top, q, ef, k, vis, epoch, cs,
                ci, rs, ri,
            )  # fmt: skip
        from wordspace.kernels.quantized import rerank_keys

        compiled = self._compiled
        if compiled.expansion_search != ef:
            compiled.expansion_search = ef
        count = k if self.params.get("dtype", "f32") == "f32" else ef
        keys, _, counts, *_ = compiled.search_many(q.reshape(1, -1), count, False, 1)
        self.stats["queries"] += 1
        return rerank_keys(unit, keys[0], int(counts[0]), q, k)

    @property
    def _compiled(self) -> Any:
        """usearch's compiled index (``Index._compiled``), or the public wrapper, whose
        ``search`` is then adapted to the compiled signature."""
        c = getattr(self._backend, "_compiled", None)
        if c is not None and hasattr(c, "search_many") and hasattr(c, "expansion_search"):
            return c
        return _PublicSearch(self._backend)

    def _exact_one(self, unit: np.ndarray, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """One query through the reduced-precision scan (:mod:`wordspace.kernels.quantized`):
        bounds for every row, the rows that may be in the top ``k`` re-ranked in float32."""
        from wordspace.kernels import quantized as qz

        n, d = self.shape
        blocks, scale = self.arrays["blocks"], self.arrays["scale"]
        qn = float(np.sqrt(np.dot(q, q)))
        q1 = float(np.abs(q).sum())
        # float32 summation: the scan's error and the float32 score's, each < (d + 2) 2**-24
        # |q| for rows of norm <= 1 (unit rows are, to 1e-6)
        g = np.float32((4 * d + 8) * 2.0**-24 * qn * 1.001)
        nch = _nchunks()
        # the chunks' candidates (upper bound, row): room for every row, reused by the thread
        cu = _buffer("cu", scale.shape[0], np.float32)
        cidx = _buffer("cidx", scale.shape[0], np.int64)
        if self.method == "exact-int8":
            h = np.float32(0.5 * q1 * 1.0001)
            cs, ci, starts, counts = qz.scan_int8(blocks, scale, q, h, g, k, nch, cu, cidx)
        else:
            # float16 rounding: relative 2**-11 a component (normal), 2**-25 absolute
            # (subnormal); sum_j |x_j q_j| <= |x| |q| (Cauchy-Schwarz)
            h = np.float32(2.0**-11 * qn * 1.0001 + 2.0**-25 * q1)
            q112 = q * np.float32(2.0**112)
            cs, ci, starts, counts = qz.scan_f16(blocks, scale, q112, h, g, k, nch, cu, cidx)
        room = _buffer("cand", scale.shape[0], np.int64)
        idx, sc, cand = qz.select_exact(cs, ci, starts, counts, cu, cidx, unit, q, k, room)
        self.stats["queries"] += 1
        self.stats["candidates"] += int(cand)
        self.stats["max_candidates"] = max(self.stats["max_candidates"], int(cand))
        return idx, sc

    # -------------------------------------------------------------------- save
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to ``path`` atomically (one file; see the module docstring)."""
        from wordspace._files import atomic_path

        blobs: list[tuple[str, bytes | np.ndarray]] = []
        if self.method == "hnsw":
            blobs.append(("usearch", np.frombuffer(self._backend.save(), np.uint8)))
        else:
            blobs.extend(self.arrays.items())
        head: dict[str, Any] = {
            "format": "wordspace-index",
            "version": _VERSION if self.method != "hnsw" else 1,
            "method": self.method,
            "params": self.params,
            "fingerprint": self.fingerprint,
            "shape": list(self.shape),
            "blobs": [],
        }
        offset = 0
        for name, arr in blobs:
            a = np.ascontiguousarray(arr)
            head["blobs"].append(
                {
                    "name": name,
                    "dtype": a.dtype.str,
                    "shape": list(a.shape),
                    "offset": offset,
                    "bytes": int(a.nbytes),
                }
            )
            offset += -(-a.nbytes // _ALIGN) * _ALIGN
        raw = json.dumps(head).encode("utf-8")
        start = -(-(len(_MAGIC) + 8 + len(raw)) // _ALIGN) * _ALIGN
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            f.write(_MAGIC + struct.pack("<Q", len(raw)) + raw)
            f.write(b"\0" * (start - f.tell()))
            for (_, arr), rec in zip(blobs, head["blobs"], strict=True):
                f.seek(start + rec["offset"])
                np.ascontiguousarray(arr).tofile(f)
            f.truncate(start + offset)


class _PublicSearch:
    """usearch's public ``Index`` seen through the compiled ``search_many`` signature (the
    fallback should a usearch release no longer expose ``Index._compiled``)."""

    def __init__(self, ix: Any):
        self._ix = ix

    @property
    def expansion_search(self) -> int:
        return int(self._ix.expansion_search)

    @expansion_search.setter
    def expansion_search(self, ef: int) -> None:
        self._ix.expansion_search = ef

    def search_many(self, q: np.ndarray, k: int, exact: bool, threads: int) -> tuple:
        res = self._ix.search(q, k, exact=exact, threads=threads)
        keys = np.asarray(res.keys).reshape(1, -1)
        return keys, None, np.array([keys.shape[1]])


# ------------------------------------------------------------------------- build
def _usearch() -> Any:
    from wordspace._optional import require

    return require("usearch.index", extra="index", purpose="the hnsw neighbour index").Index


def build_index(
    wv: WordVectors, method: str = "hnsw", *, progress: Progress | None = None, **params: Any
) -> WordIndex:
    """Build a neighbour index over ``wv``'s unit vectors.

    ``method``: ``"hnsw"`` (approximate, extra ``wordspace[index]``; ``M``,
    ``ef_construction``, ``ef``, ``threads``), ``"exact-f16"`` or ``"exact-int8"`` (exact
    results from a reduced-precision scan; no parameters). ``progress(done, total)`` is
    called as vectors are added.
    """
    if method not in METHODS:
        raise ParameterError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    unit = wv.get_normed_vectors()
    n, d = unit.shape
    fp = fingerprint(wv.index_to_key, wv.vectors)
    bad = wv.nonfinite_rows
    if method == "hnsw":
        unknown = set(params) - {*HNSW_DEFAULTS, "threads", "dtype"}
        if unknown:
            raise ParameterError(
                f"unknown hnsw parameter(s) {sorted(unknown)}; give M, ef_construction, ef, "
                "dtype or threads"
            )
        dtype = params.get("dtype", HNSW_DTYPE)
        if dtype not in HNSW_DTYPES:
            raise ParameterError(
                f"hnsw dtype must be one of {', '.join(HNSW_DTYPES)} (the stored vectors' "
                f"precision), got {dtype!r}"
            )
        p: dict[str, Any] = {
            **HNSW_DEFAULTS,
            **{k: v for k, v in params.items() if k not in ("threads", "dtype")},
        }
        for name, v in p.items():
            if not isinstance(v, int) or isinstance(v, bool) or v < 2:
                raise ParameterError(f"hnsw parameter {name} must be an integer >= 2, got {v!r}")
        p["dtype"] = dtype  # recorded (older files, without it, hold float32 vectors)
        Index = _usearch()
        ix = Index(
            ndim=d,
            metric="ip",
            dtype=dtype,
            connectivity=int(p["M"]),
            expansion_add=int(p["ef_construction"]),
            expansion_search=int(p["ef"]),
        )
        rows = np.arange(n, dtype=np.uint64)
        if len(bad):
            rows = np.setdiff1d(rows, bad.astype(np.uint64))
        step = 65536
        for lo in range(0, len(rows), step):
            part = rows[lo : lo + step]
            ix.add(
                part,
                np.ascontiguousarray(unit[part.astype(np.int64)]),
                threads=int(params.get("threads", 0)),
            )
            if progress is not None:
                progress(min(lo + step, len(rows)), len(rows))
        return WordIndex("hnsw", p, fp, (n, d), {}, backend=ix)
    if params:
        raise ParameterError(f"{method} takes no parameters; got {sorted(params)}")
    from wordspace.kernels import quantized as qz

    pack = qz.pack_f16 if method == "exact-f16" else qz.pack_int8
    blocks, scale = pack(unit, bad)
    arrays = {"blocks": blocks, "scale": scale}
    if progress is not None:
        progress(n, n)
    return WordIndex(method, {}, fp, (n, d), arrays)


# -------------------------------------------------------------------------- load
def load_index(path: str | os.PathLike[str], *, mmap: bool = True) -> WordIndex:
    """Read an index saved with :meth:`WordIndex.save` (memory-mapped unless ``mmap=False``);
    attach it with ``wv.attach_index(index)``, which checks it belongs to ``wv``."""
    p = Path(path)
    if not p.is_file():
        raise FormatError(f"{p}: no index there; build one with `wordspace index MODEL`")
    size = p.stat().st_size
    with open(p, "rb") as f:
        magic = f.read(len(_MAGIC))
        if magic != _MAGIC:
            raise FormatError(f"{p}: not a wordspace index (bad magic bytes)")
        (hlen,) = struct.unpack("<Q", f.read(8))
        if hlen > _HEADER_LIMIT or 16 + hlen > size:
            raise FormatError(f"{p}: the index header is damaged (length {hlen})")
        try:
            head = json.loads(f.read(hlen).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise FormatError(f"{p}: the index header is not valid JSON ({e})") from None
    try:
        method = head["method"]
        shape = tuple(int(x) for x in head["shape"])
        fp = str(head["fingerprint"])
        params = dict(head["params"])
        blobs = list(head["blobs"])
        if head.get("format") != "wordspace-index" or method not in METHODS or len(shape) != 2:
            raise ValueError("unknown format or method")
    except (KeyError, TypeError, ValueError) as e:
        raise FormatError(f"{p}: the index header is invalid ({e}); rebuild the index") from None
    start = -(-(len(_MAGIC) + 8 + hlen) // _ALIGN) * _ALIGN
    arrays: dict[str, np.ndarray] = {}
    for rec in blobs:
        try:
            dt = np.dtype(rec["dtype"])
            shp = tuple(int(x) for x in rec["shape"])
            off = start + int(rec["offset"])
            nbytes = int(np.prod(shp, dtype=np.int64)) * dt.itemsize
            if dt.kind not in "uif" or nbytes != int(rec["bytes"]) or off + nbytes > size:
                raise ValueError(f"array {rec['name']!r} does not fit the file")
        except (KeyError, TypeError, ValueError) as e:
            raise FormatError(f"{p}: the index is truncated or damaged ({e})") from None
        if mmap and nbytes:
            arrays[str(rec["name"])] = np.memmap(p, dtype=dt, mode="r", offset=off, shape=shp)
        else:
            with open(p, "rb") as f:
                f.seek(off)
                arrays[str(rec["name"])] = np.frombuffer(f.read(nbytes), dtype=dt).reshape(shp)
    if method == "hnsw":
        if "usearch" not in arrays:
            raise FormatError(f"{p}: the hnsw index has no graph; rebuild the index")
        Index = _usearch()
        blob = arrays.pop("usearch")
        try:
            ix = Index.restore(blob if mmap else bytearray(blob.tobytes()), view=mmap)
        except Exception as e:  # the backend's own errors are untyped
            raise FormatError(
                f"{p}: usearch cannot read the graph ({e}); rebuild the index"
            ) from None
        if ix is None or ix.ndim != shape[1]:
            raise FormatError(f"{p}: the hnsw graph does not match the header; rebuild the index")
        return WordIndex(method, params, fp, (shape[0], shape[1]), {}, backend=ix, keep=blob)
    if head.get("version") != _VERSION:
        raise FormatError(
            f"{p}: this {method} index was written by an older wordspace (format version "
            f"{head.get('version')}, now {_VERSION}); rebuild it with `wordspace index MODEL`"
        )
    from wordspace.kernels import quantized as qz

    blocks, scale = arrays.get("blocks"), arrays.get("scale")
    if (
        blocks is None
        or scale is None
        or blocks.ndim != 3
        or blocks.shape[1] != shape[1]
        or scale.shape != (blocks.shape[0] * blocks.shape[2],)
        or scale.shape[0] < shape[0]
        or blocks.dtype != (np.uint16 if method == "exact-f16" else np.int8)
        or blocks.shape[2] != (qz.BLOCK_F16 if method == "exact-f16" else qz.BLOCK)
    ):
        raise FormatError(f"{p}: the {method} index lacks its arrays; rebuild the index")
    return WordIndex(method, params, fp, (shape[0], shape[1]), arrays)
