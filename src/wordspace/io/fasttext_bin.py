"""Facebook fastText's binary model format (``.bin``): read and write.

Layout (fastText 0.9, format version 12, little-endian)::

    int32 magic 793712314, int32 version 12
    args:  int32 dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn,
           lrUpdateRate; float64 t
    dictionary: int32 size, nwords, nlabels; int64 ntokens, pruneidx_size;
           size x (word bytes, NUL, int64 count, int8 type); pruneidx_size x (int32, int32)
    uint8 quant_input; input matrix: int64 rows (nwords + bucket), int64 cols (dim),
           rows x cols float32
    uint8 qout; output matrix: int64 rows, int64 cols, float32 data

Every declared size is checked against the bytes left in the file before anything of that size
is allocated, so a truncated or forged file raises :class:`FormatError` naming the field, not
``MemoryError``. Quantised models (``.ftz``: ``quant_input`` set) are refused: their
product-quantised matrices are a different, lossy encoding.

Word vectors are composed exactly as the official tool's ``get_word_vector``: the mean of the
word's own row and its n-gram rows (:mod:`wordspace.kernels.fasttext` hashes as fastText).
"""

from __future__ import annotations

import mmap
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np

from wordspace._files import check_regular, line_too_long, max_line_bytes
from wordspace._schema import check_int
from wordspace.errors import FormatError, ParameterError
from wordspace.io.formats import _warn_nonfinite
from wordspace.vectors.subword import SubwordVectors, subword_table

__all__ = ["load_facebook_vectors", "save_facebook_model", "is_facebook_bin", "FASTTEXT_MAGIC"]

FASTTEXT_MAGIC = 793712314
FASTTEXT_VERSION = 12
_ARG_NAMES = (
    "dim",
    "ws",
    "epoch",
    "minCount",
    "neg",
    "wordNgrams",
    "loss",
    "model",
    "bucket",
    "minn",
    "maxn",
    "lrUpdateRate",
)
_LOSS = {1: "hs", 2: "ns", 3: "softmax", 4: "ova"}
_MODEL = {1: "cbow", 2: "sg", 3: "supervised"}
_ENTRY_MIN = 10  # one byte of word at least... plus NUL, int64 count, int8 type (>= 10 bytes)


def is_facebook_bin(path: str | os.PathLike) -> bool:
    """True when the file starts with fastText's magic number (a ``.bin`` or ``.ftz``)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except (IsADirectoryError, FileNotFoundError, PermissionError):
        return False
    return len(head) == 4 and struct.unpack("<i", head)[0] == FASTTEXT_MAGIC


class _Reader:
    """Bounds-checked little-endian reads over a memory map of the whole file."""

    def __init__(self, buf: Any, path: Path):
        self.buf = buf
        self.size = len(buf)
        self.pos = 0
        self.path = path

    def left(self) -> int:
        return self.size - self.pos

    def need(self, n: int, what: str) -> None:
        if n < 0 or n > self.left():
            raise FormatError(
                f"{self.path} is truncated or corrupt: {what} needs {n:,} bytes at byte "
                f"{self.pos:,}, but the file has {self.left():,} left"
            )

    def unpack(self, fmt: str, what: str) -> tuple:
        n = struct.calcsize(fmt)
        self.need(n, what)
        out = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += n
        return out

    def matrix(
        self, what: str, rows_expected: int | None, dim: int, *, copy: bool = True
    ) -> np.ndarray:
        rows, cols = self.unpack("<qq", f"the {what} matrix's shape")
        if rows < 0 or cols < 0:
            raise FormatError(
                f"{self.path}: the {what} matrix has a negative shape {rows} x {cols}"
            )
        if cols != dim:
            raise FormatError(
                f"{self.path}: the {what} matrix has {cols} columns but the header says dim={dim}"
            )
        if rows_expected is not None and rows != rows_expected:
            raise FormatError(
                f"{self.path}: the {what} matrix has {rows:,} rows; expected "
                f"{rows_expected:,} (words + buckets as declared in the header)"
            )
        self.need(rows * cols * 4, f"the {what} matrix ({rows:,} x {cols} float32)")
        view = np.frombuffer(self.buf, dtype="<f4", count=rows * cols, offset=self.pos)
        self.pos += rows * cols * 4
        view = view.reshape(rows, cols)
        return np.array(view, dtype=np.float32) if copy else view


def _read(path: str | os.PathLike, *, want_output: bool):
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    if p.is_dir():
        raise FormatError(f"{p} is a directory, not a fastText .bin file")
    check_regular(p)  # a FIFO would block the open
    with open(p, "rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            raise FormatError(f"{p} is empty, not a fastText .bin file")
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        return _parse(_Reader(mm, p), want_output)
    finally:
        try:
            mm.close()
        except BufferError:  # a view still exported (only on error paths): freed with it
            pass


def _parse(r: _Reader, want_output: bool):
    p = r.path
    magic, version = r.unpack("<ii", "the magic number and version")
    if (
        bytes(r.buf[:2]) == b"\x1f\x8b"
        or bytes(r.buf[:3]) in (b"BZh",)
        or bytes(r.buf[:6]) == b"\xfd7zXZ\x00"
    ):
        raise FormatError(
            f"{p} is compressed; decompress it first (a fastText .bin is read "
            "by mapping the file into memory)"
        )
    if magic == FASTTEXT_MAGIC:
        if version not in (11, 12):
            raise FormatError(
                f"{p} has fastText format version {version}; this reader knows versions 11 "
                "and 12 (fastText 0.2 to 0.9) and the files written before the magic number"
            )
        vals = r.unpack("<12i", "the training arguments")
        args: dict[str, Any] = dict(zip(_ARG_NAMES, vals, strict=True))
        (args["t"],) = r.unpack("<d", "the training argument t")
    else:
        args = _old_header(r, magic, version)
        version = 0  # fastText before format versions: no magic, version or quantisation flags
    if version == 11 and args["model"] == 3:
        args["maxn"] = 0  # as fastText: old supervised models have no character n-grams
    dim, bucket, minn, maxn = args["dim"], args["bucket"], args["minn"], args["maxn"]
    if dim <= 0 or dim > 1_000_000:
        raise FormatError(f"{p}: the header's dim={dim} is not a plausible vector size")
    if bucket < 0 or minn < 0 or maxn < 0 or (maxn and minn > maxn):
        raise FormatError(
            f"{p}: the header's n-gram settings are invalid (bucket={bucket}, "
            f"minn={minn}, maxn={maxn})"
        )
    if args["loss"] not in _LOSS or args["model"] not in _MODEL:
        raise FormatError(
            f"{p}: the header's loss={args['loss']} or model={args['model']} is unknown"
        )
    size, nwords, nlabels = r.unpack("<iii", "the dictionary sizes")
    if version:
        ntokens, prune = r.unpack("<qq", "the dictionary's token count")
    else:  # the old layout has no pruned-index size
        (ntokens,), prune = r.unpack("<q", "the dictionary's token count"), 0
    if min(size, nwords, nlabels) < 0 or nwords + nlabels != size:
        raise FormatError(
            f"{p}: the dictionary declares {size} entries = {nwords} words + "
            f"{nlabels} labels, which does not add up"
        )
    r.need(size * _ENTRY_MIN, f"the dictionary's {size:,} entries")
    buf = r.buf
    raw: list[bytes] = []
    counts = np.empty(size, dtype=np.int64)
    types = np.empty(size, dtype=np.int8)
    bound = max_line_bytes()  # a word is bounded as a text line is
    for k in range(size):
        end = buf.find(b"\0", r.pos, len(buf) if bound is None else r.pos + bound + 1)
        if end < 0 and bound is not None and len(buf) - r.pos > bound:
            raise line_too_long(p, f"dictionary entry {k:,}", bound, what="word")
        if end < 0:
            raise FormatError(
                f"{p} is truncated: dictionary entry {k:,} of {size:,} has no terminating NUL byte"
            )
        raw.append(buf[r.pos : end])
        r.pos = end + 1
        counts[k], types[k] = r.unpack("<qb", f"the count of dictionary entry {k:,}")
    check_int(ntokens, "the dictionary's token count (ntokens)", where=p, lo=0)
    if size and counts.min() < 0:
        k = int(np.argmax(counts < 0))
        raise FormatError(
            f"{p}: dictionary entry {k:,} ({_show(raw[k])}) has the count {int(counts[k]):,}; "
            "counts must be >= 0 (the file is corrupt)"
        )
    if size and (types.min() < 0 or types.max() > 1):
        raise FormatError(f"{p}: a dictionary entry has type {int(types.max())} (0 word, 1 label)")
    if size and (types[:nwords] != 0).any():
        raise FormatError(
            f"{p}: the dictionary's first {nwords} entries must be words (labels come after them)"
        )
    if int((types == 0).sum()) != nwords:
        raise FormatError(
            f"{p}: the dictionary holds {int((types == 0).sum())} words but the "
            f"header declares {nwords}"
        )
    if prune > 0:
        raise FormatError(
            f"{p} has a pruned dictionary ({prune} kept n-grams), as written by "
            "fastText quantize; quantised models are not supported: use the "
            "unquantised .bin"
        )
    (quant,) = r.unpack("<B", "the input matrix's quantisation flag") if version else (0,)
    if quant:
        raise FormatError(
            f"{p} is a quantised fastText model (.ftz): its matrices are "
            "product-quantised; use the unquantised .bin model instead"
        )
    wi = r.matrix("input", nwords + bucket, dim)
    out = None
    (qout,) = r.unpack("<B", "the output matrix's quantisation flag") if version else (0,)
    if qout:
        raise FormatError(f"{p} has a quantised output matrix; quantised models are not supported")
    expect_out = nlabels if args["model"] == 3 else nwords
    if want_output:
        out = r.matrix("output", expect_out, dim)
    else:
        rows, cols = r.unpack("<qq", "the output matrix's shape")
        if rows < 0 or cols != dim:
            raise FormatError(f"{p}: the output matrix's shape {rows} x {cols} is invalid")
        r.need(rows * cols * 4, f"the output matrix ({rows:,} x {cols} float32)")
        r.pos += rows * cols * 4
    if r.left():
        raise FormatError(
            f"{p} has {r.left():,} unexpected bytes after the output matrix "
            "(not a fastText .bin, or corrupt)"
        )
    word_mask = types == 0
    words_raw = [w for w, t in zip(raw, types.tolist(), strict=True) if t == 0]
    info = {
        "args": args,
        "version": version,
        "ntokens": int(ntokens),
        "nlabels": nlabels,
        "labels": [
            w.decode("utf-8", WORD_ERRORS)
            for w, t in zip(raw, types.tolist(), strict=True)
            if t == 1
        ],
    }
    return words_raw, counts[word_mask], wi, out, info


#: how words are decoded and encoded: bytes that are not UTF-8 become lone surrogates and are
#: written back as the same bytes, so a load -> save -> load round trip keeps every word
WORD_ERRORS = "surrogateescape"


def _show(word: bytes) -> str:
    return repr(word.decode("utf-8", WORD_ERRORS)[:40])


def _old_header(r: _Reader, dim: int, ws: int) -> dict[str, Any]:
    """The arguments of a file written before fastText had a magic number (2016-2017, such as
    gensim's ``lee_fasttext.bin``): the file starts with them, ``dim`` and ``ws`` first."""
    p = r.path
    not_bin = FormatError(
        f"{p} is not a fastText .bin model (it starts neither with the magic number "
        f"{FASTTEXT_MAGIC:#x} nor with the arguments of the older layout); for .vec text files "
        "use load_word2vec_format"
    )
    if not (0 < dim <= 1_000_000 and 0 < ws <= 100_000) or r.left() < 10 * 4 + 8:
        raise not_bin
    vals = (dim, ws, *r.unpack("<10i", "the training arguments"))
    args: dict[str, Any] = dict(zip(_ARG_NAMES, vals, strict=True))
    (args["t"],) = r.unpack("<d", "the training argument t")
    if args["loss"] not in _LOSS or args["model"] not in _MODEL or args["epoch"] < 0:
        raise not_bin
    return args


def _keys(raw: list[bytes], path: Path, encoding: str = "utf-8") -> list[str]:
    keys = [w.decode(encoding, WORD_ERRORS) for w in raw]
    if len(set(keys)) != len(keys):
        seen: set[str] = set()
        for i, k in enumerate(keys):
            if k in seen:
                keys[i] = f"{k}\u0000{i}"  # two byte strings that decode alike: keep both
            seen.add(k)
    return keys


def load_facebook_vectors(path: str | os.PathLike, encoding: str = "utf-8") -> SubwordVectors:
    """Word vectors of a Facebook fastText ``.bin`` model, n-grams included: the vectors of
    vocabulary words and of any other string equal the official tool's
    ``get_word_vector`` (gensim's name for this function). ``encoding``: of the words in the
    file (UTF-8 unless it was written from text in another encoding, such as cp852)."""
    p = Path(path)
    raw, counts, wi, _, info = _read(p, want_output=False)
    _warn_nonfinite(wi, f"{p} (input matrix: word rows, then n-gram rows)")
    args = info["args"]
    meta = {
        "source": str(p),
        "source_format": "fasttext-bin",
        "fasttext_args": args,
        "fasttext_version": info["version"],
        "total_words": info["ntokens"],
    }
    return SubwordVectors.from_input_matrix(
        _keys(raw, p, _encoding(encoding)),
        wi,
        minn=args["minn"],
        maxn=args["maxn"],
        bucket=args["bucket"],
        counts=counts,
        meta=meta,
        raw_words=raw,
    )


def _encoding(encoding: str) -> str:
    import codecs

    try:
        return codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise ParameterError(
            f"unknown encoding {encoding!r}; give a Python codec name such as 'utf-8' or 'cp852'"
        ) from None


def read_bin(
    path: str | os.PathLike, *, want_output: bool = True, encoding: str = "utf-8"
) -> dict[str, Any]:
    """Parse a Facebook ``.bin``: ``keys`` (the words as str), ``raw`` (as stored), ``counts``,
    ``input`` (the input matrix: word rows then n-gram buckets), ``output`` (None unless
    ``want_output``) and ``info`` (``args``, ``version``, ``ntokens``). A pure parser: building
    a model from it is the trainer's business (:func:`wordspace.train.fasttext.load_facebook_model`)."""
    p = Path(path)
    raw, counts, wi, out, info = _read(p, want_output=want_output)
    _warn_nonfinite(wi, f"{p} (input matrix: word rows, then n-gram rows)")
    return {
        "keys": _keys(raw, p, _encoding(encoding)),
        "raw": raw,
        "counts": counts,
        "input": wi,
        "output": out,
        "info": info,
    }


def save_facebook_model(model_or_wv: Any, path: str | os.PathLike) -> None:
    """Write a :class:`~wordspace.train.fasttext.FastText` model (or
    :class:`~wordspace.vectors.subword.SubwordVectors`) as a Facebook ``.bin`` (format version 12),
    atomically. The official tool reads it and gives the same word vectors.

    From ``SubwordVectors`` without their words' own rows (``vectors_vocab``), those rows are
    reconstructed from the vectors and n-gram rows; the output matrix is then zeros."""
    from wordspace._files import atomic_path

    facebook_parts = getattr(model_or_wv, "_facebook_parts", None)
    if callable(facebook_parts):  # a FastText model: it knows its own arguments and matrices
        wv, args, t, ntokens, parts, out = facebook_parts()
        n = len(wv)
    elif isinstance(model_or_wv, SubwordVectors):
        wv = model_or_wv
        n = len(wv)
        args = {
            "dim": wv.vector_size,
            "ws": 5,
            "epoch": 5,
            "minCount": 1,
            "neg": 5,
            "wordNgrams": 1,
            "loss": 2,
            "model": 2,
            "bucket": wv.bucket,
            "minn": wv.minn,
            "maxn": wv.maxn,
            "lrUpdateRate": 100,
        }
        ftargs = wv.meta.get("fasttext_args")
        if isinstance(ftargs, dict):
            for k in ("ws", "epoch", "minCount", "neg", "loss", "model", "lrUpdateRate"):
                if isinstance(ftargs.get(k), int):
                    args[k] = ftargs[k]
        t = 1e-4
        ntokens = int(wv.counts.sum()) if wv.counts is not None else 0
        vocab_rows = wv.vectors_vocab if wv.vectors_vocab is not None else _own_rows(wv)
        parts = [vocab_rows, wv.vectors_ngrams]
        out = np.zeros((n, wv.vector_size), np.float32)
    else:
        raise ParameterError(
            f"save_facebook_model needs a FastText model or SubwordVectors, "
            f"got {type(model_or_wv).__name__}"
        )
    counts = (
        np.asarray(wv.counts, dtype=np.int64) if wv.counts is not None else np.ones(n, np.int64)
    )
    entries = []
    for w, c in zip(wv.index_to_key, counts.tolist(), strict=True):
        try:
            b = w.encode("utf-8", WORD_ERRORS)
        except UnicodeEncodeError:
            raise ParameterError(
                f"the word {w!r} holds a lone surrogate that is not an undecodable byte; it "
                "cannot be stored in a fastText .bin: drop or fix it"
            ) from None
        if b"\0" in b or not b:
            raise ParameterError(
                f"the word {w!r} cannot be stored in a fastText .bin (empty "
                "or containing a NUL character)"
            )
        entries.append(b + b"\0" + struct.pack("<qb", int(c), 0))
    target = Path(path)
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<ii", FASTTEXT_MAGIC, FASTTEXT_VERSION))
            f.write(struct.pack("<12i", *(int(args[k]) for k in _ARG_NAMES)))
            f.write(struct.pack("<d", t))
            f.write(struct.pack("<iiiqq", n, n, 0, ntokens, -1))
            f.write(b"".join(entries))
            f.write(struct.pack("<B", 0))
            rows = sum(a.shape[0] for a in parts)
            f.write(struct.pack("<qq", rows, wv.vector_size))
            for a in parts:
                _write_rows(f, a)
            f.write(struct.pack("<B", 0))
            f.write(struct.pack("<qq", out.shape[0], out.shape[1]))
            _write_rows(f, out)


def _write_rows(f, a: np.ndarray, block: int = 65536) -> None:
    """Write float32 rows little-endian, without copying a contiguous array."""
    a = np.asarray(a)
    if a.dtype == np.dtype("<f4") and a.flags.c_contiguous:
        f.write(a.data.cast("B"))
        return
    for s in range(0, a.shape[0], block):
        f.write(np.ascontiguousarray(a[s : s + block], dtype="<f4").tobytes())


def _own_rows(wv: SubwordVectors) -> np.ndarray:
    """Each word's own input row, recovered from its vector (the mean of own + n-gram rows)."""
    ptr, idx = subword_table(wv.index_to_key, wv.minn, wv.maxn, wv.bucket)
    n = len(wv)
    own = np.empty_like(np.asarray(wv.vectors, dtype=np.float32))
    ng = np.asarray(wv.vectors_ngrams, dtype=np.float32)
    for k in range(n):
        rows = idx[ptr[k] + 1 : ptr[k + 1]] - n
        own[k] = wv.vectors[k] * np.float32(len(rows) + 1) - ng[rows].sum(0)
    return own
