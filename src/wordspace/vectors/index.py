"""Neighbour indexes for :class:`~wordspace.vectors.keyed.WordVectors`.

An exact query streams the whole unit matrix once (bound by memory bandwidth: 80 MB for GloVe
6B 50d, 3.6 GB for ``word2vec-google-news-300``). An index answers faster in one of two ways:

``"hnsw"``
    An approximate graph index (HNSW, Malkov & Yashunin 2016) over the unit vectors with the
    inner-product metric, built by `usearch <https://github.com/unum-cloud/usearch>`_ (extra
    ``wordspace[index]``; chosen by measurement among faiss, usearch, hnswlib and annoy, see
    ``docs/howto/index.md``). A query visits a few thousand vectors instead of all of them;
    recall is below 1 and grows with ``ef`` (``expansion_search``). The candidates it returns
    are re-scored from the float32 unit matrix, so the cosines reported are exact.
``"exact-f16"`` / ``"exact-int8"``
    A reduced-precision copy of the unit vectors (half or a quarter of the bytes) is scanned
    first and the candidates re-ranked in float32. The result *is* the exact top-k, not an
    approximation: each approximate score is within a proven bound ``e`` of the exact one
    (float16: ``2**-11 * sum|q_j x_j| <= 2**-11`` for unit vectors; int8 with a scale per row
    ``s``: ``s / 2 * ||q||_1``), so every row that can be in the exact top-k has an approximate
    score of at least the k-th best lower bound; each chunk of rows keeps its ``m`` best upper
    bounds, and the search is certified when every chunk's ``m``-th is below that threshold
    (otherwise it retries with a larger ``m``, and falls back to the float32 scan).

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
INDEX_SUFFIX = ".index"
_MAGIC = b"WSINDEX1"
_ALIGN = 64
_HEADER_LIMIT = 1 << 20
#: the fingerprint's checksum runs over this many chunks whatever the thread count (the
#: per-chunk sums are hashed, so the result must not depend on how the work was split)
_FP_CHUNKS = 64
#: HNSW defaults (usearch's names in brackets): ``M`` [connectivity], ``ef_construction``
#: [expansion_add], ``ef`` [expansion_search]; measured on GloVe 6B 50d (docs/howto/index.md)
HNSW_DEFAULTS = {"M": 32, "ef_construction": 128, "ef": 128}

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


def index_path(model_path: str | os.PathLike[str]) -> Path:
    """Where the index of the model at ``model_path`` is saved: ``model.wsv.index``."""
    return Path(os.fspath(model_path) + INDEX_SUFFIX)


# ------------------------------------------------------------------ reduced precision
@njit(cache=True, nogil=True, inline="always")
def _insert(best_s, best_i, s, i, k):  # pragma: no cover - compiled
    j = k - 1
    while j > 0 and best_s[j - 1] < s:
        best_s[j] = best_s[j - 1]
        best_i[j] = best_i[j - 1]
        j -= 1
    best_s[j] = s
    best_i[j] = i


@njit(cache=True, nogil=True, fastmath=True)
def _f16_bits(src, dst):  # pragma: no cover - compiled
    # float16 bits -> float32 bits / 2**112: sign to bit 31, exponent and mantissa shifted
    # into place (a separate function: inlined into the scan, LLVM stops vectorising it)
    for t in range(src.shape[0]):
        h = np.uint32(src[t])
        dst[t] = ((h & np.uint32(0x8000)) << np.uint32(16)) | (
            (h & np.uint32(0x7FFF)) << np.uint32(13)
        )


@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def _scan_f16(flat, d, q, m, nchunks, bufs, fbufs):  # pragma: no cover - compiled
    """Each chunk's ``m`` best approximate scores (codes: the float16 matrix's bits as a flat
    uint16 array; ``q`` pre-multiplied by 2**112, which turns the shifted bits into the
    float16 values, subnormals and zero included, without ever making a float32 subnormal).
    Rows are converted a block at a time into a per-chunk buffer that stays in cache."""
    n = flat.shape[0] // d if d else 0
    cs = np.full((nchunks, m), -np.inf, dtype=np.float32)
    ci = np.full((nchunks, m), -1, dtype=np.int64)
    step = (n + nchunks - 1) // nchunks
    blk = bufs.shape[1] // max(d, 1)
    for c in prange(nchunks):
        lo = c * step
        hi = min(n, lo + step)
        buf = bufs[c]
        fbuf = fbufs[c]
        bs = cs[c]
        bi = ci[c]
        for b0 in range(lo, hi, blk):
            b1 = min(hi, b0 + blk)
            _f16_bits(flat[b0 * d : b1 * d], buf[: (b1 - b0) * d])
            for r in range(b1 - b0):
                s = np.float32(0.0)
                for j in range(d):
                    s += fbuf[r * d + j] * q[j]
                if s > bs[m - 1]:
                    _insert(bs, bi, s, b0 + r, m)
    return cs, ci


@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def _scan_i8(codes, scale, q, qabs, m, nchunks):  # pragma: no cover - compiled
    """Each chunk's ``m`` best upper bounds ``scale_i * codes_i @ q + e_i`` (the rounding
    bound ``e_i = scale_i / 2 * ||q||_1``, 1.0001 times for the float32 arithmetic)."""
    n, d = codes.shape
    cs = np.full((nchunks, m), -np.inf, dtype=np.float32)
    ci = np.full((nchunks, m), -1, dtype=np.int64)
    step = (n + nchunks - 1) // nchunks
    for c in prange(nchunks):
        lo = c * step
        hi = min(n, lo + step)
        bs = cs[c]
        bi = ci[c]
        for i in range(lo, hi):
            s = np.float32(0.0)
            for j in range(d):
                s += np.float32(codes[i, j]) * q[j]
            sc = scale[i]
            up = s * sc + sc * np.float32(0.50005) * qabs
            if up > bs[m - 1]:
                _insert(bs, bi, up, i, m)
    return cs, ci


def _nchunks() -> int:
    import numba

    return max(1, int(numba.get_num_threads())) * 4


def _unit_scores(unit: np.ndarray, rows: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.asarray(unit[rows], dtype=np.float32) @ q


def _exact_pick(
    unit: np.ndarray, cand: np.ndarray, q: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """The best ``k`` of the candidate rows by their float32 score, ties by index."""
    cand = np.unique(cand[cand >= 0])
    sc = _unit_scores(unit, cand, q)
    ok = ~np.isnan(sc)
    cand, sc = cand[ok], sc[ok]
    order = np.lexsort((cand, -sc))[:k]
    return cand[order], sc[order]


class WordIndex:
    """A neighbour index over a model's unit vectors (see the module docstring).

    Built by :meth:`WordVectors.build_index <wordspace.vectors.keyed.WordVectors.build_index>`
    or :func:`build_index`; saved with :meth:`save`, loaded with :func:`load_index`.
    ``stats`` counts, for the exact methods, the queries answered by the reduced-precision
    scan, those that needed a wider candidate list, and those that fell back to float32.
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
        self.stats = {"queries": 0, "widened": 0, "fallback": 0}
        self._checked: tuple[weakref.ref[np.ndarray], ...] | None = None

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
        if self._checked is not None and all(
            r() is a for r, a in zip(self._checked, (wv.vectors, unit), strict=True)
        ):
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
            ef = int(self.params.get("ef", HNSW_DEFAULTS["ef"]))
            self._backend.expansion_search = max(ef, k)
            res = self._backend.search(q, k, threads=0)
            if hasattr(res, "counts"):  # BatchMatches
                keys = np.asarray(res.keys).astype(np.int64).reshape(m, -1)
                counts = np.asarray(res.counts).reshape(m)
            else:  # one query gives a Matches
                keys = np.asarray(res.keys).astype(np.int64).reshape(1, -1)
                counts = np.array([keys.shape[1]])
            for r in range(m):
                cand = keys[r, : int(counts[r])]
                idx, sc = _exact_pick(unit, cand, q[r], k)
                out_i[r, : len(idx)] = idx
                out_s[r, : len(idx)] = sc
            self.stats["queries"] += m
            return out_i, out_s
        bad = wv.nonfinite_rows
        for r in range(m):
            idx, sc = self._exact_one(unit, q[r], k, bad)
            out_i[r, : len(idx)] = idx
            out_s[r, : len(idx)] = sc
        return out_i, out_s

    def _exact_one(
        self, unit: np.ndarray, q: np.ndarray, k: int, bad: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        self.stats["queries"] += 1
        n, d = self.shape
        # float32 summation of d products of size <= 1 errs by < d * 2**-23 (twice: the scan's
        # and the re-ranking's), on top of the quantisation bound
        slack = np.float32(4 * d * 2.0**-24)
        codes = self.arrays["codes"]
        m = min(n, k + 16)
        nch = _nchunks()
        for _attempt in range(3):
            if self.method == "exact-f16":
                bufs = np.empty((nch, 64 * max(d, 1)), dtype=np.uint32)
                q112 = q * np.float32(2.0**112)
                ups, ci = _scan_f16(codes.reshape(-1), d, q112, m, nch, bufs, bufs.view(np.float32))
                # float16 rounding errs by <= 2**-11 |x| (normal) or 2**-25 (subnormal) a
                # component, and sum |q_j x_j| <= 1 for unit vectors
                e = np.float32(2.0**-11 * 1.001 + 2.0**-25 * float(np.abs(q).sum())) + slack
                lows = np.where(ci >= 0, ups - 2 * e, -np.inf)
                ups_adj = ups
            else:
                qabs = np.float32(np.abs(q).sum())
                ups, ci = _scan_i8(codes, self.arrays["scale"], q, qabs, m, nch)
                sc = self.arrays["scale"][np.maximum(ci, 0)]
                lows = np.where(ci >= 0, ups - sc * np.float32(1.0001) * qabs - slack, -np.inf)
                ups_adj = ups + slack
            full = ci[:, -1] >= 0
            if len(bad):  # rows holding NaN/inf (coded as zeros) are no candidates
                drop = np.isin(ci, bad)
                ci = np.where(drop, -1, ci)
                lows = np.where(drop, -np.inf, lows)
            flat_low = lows.ravel()
            valid = ci.ravel() >= 0
            if valid.sum() < k:
                break  # fewer candidates than k: the float32 scan below decides
            thr = np.partition(flat_low[valid], valid.sum() - k)[valid.sum() - k]
            # a chunk whose m-th upper bound reaches the threshold may have dropped a row
            # that belongs in the top k
            if not np.any(full & (ups_adj[:, -1] >= thr)):
                cand = ci.ravel()[valid & (ups_adj.ravel() >= thr)]
                return _exact_pick(unit, cand, q, k)
            self.stats["widened"] += 1
            m = min(n, m * 8)
        self.stats["fallback"] += 1
        from wordspace.kernels.topk import topk_dot

        idx, sc = topk_dot(unit, q, k, n, nch)
        ok = idx >= 0
        return idx[ok], sc[ok]

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
            "version": 1,
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
        unknown = set(params) - {*HNSW_DEFAULTS, "threads"}
        if unknown:
            raise ParameterError(
                f"unknown hnsw parameter(s) {sorted(unknown)}; give M, ef_construction, ef "
                "or threads"
            )
        p = {**HNSW_DEFAULTS, **{k: v for k, v in params.items() if k != "threads"}}
        for name, v in p.items():
            if not isinstance(v, int) or isinstance(v, bool) or v < 2:
                raise ParameterError(f"hnsw parameter {name} must be an integer >= 2, got {v!r}")
        Index = _usearch()
        ix = Index(
            ndim=d,
            metric="ip",
            dtype="f32",
            connectivity=p["M"],
            expansion_add=p["ef_construction"],
            expansion_search=p["ef"],
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
    arrays: dict[str, np.ndarray] = {}
    if method == "exact-f16":
        codes = unit.astype(np.float16)
        if len(bad):
            codes[bad] = 0  # never selected: the float32 re-ranking gives them NaN
        arrays["codes"] = codes.view(np.uint16)
    else:
        with np.errstate(invalid="ignore"):
            amax = np.max(np.abs(unit), axis=1) if d else np.zeros(n, np.float32)
        amax = np.where(np.isfinite(amax) & (amax > 0), amax, np.float32(1)).astype(np.float32)
        scale = amax / np.float32(127)
        with np.errstate(invalid="ignore"):
            q8 = np.rint(np.nan_to_num(unit) / scale[:, None])
        arrays["codes"] = np.clip(q8, -127, 127).astype(np.int8)
        arrays["scale"] = scale.astype(np.float32)
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
    need = {"codes"} | ({"scale"} if method == "exact-int8" else set())
    if need - set(arrays) or arrays["codes"].shape != shape:
        raise FormatError(f"{p}: the {method} index lacks its arrays; rebuild the index")
    return WordIndex(method, params, fp, (shape[0], shape[1]), arrays)
