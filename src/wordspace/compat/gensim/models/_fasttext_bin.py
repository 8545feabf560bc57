"""gensim's ``gensim.models._fasttext_bin`` stream helpers, for code that reads parts of a
fastText ``.bin`` from an open binary stream: ``_load_vocab`` (the dictionary) and
``_fromfile`` (an array). Whole files are read by wordspace's parser
(:mod:`wordspace.io.fasttext_bin`, through ``load_facebook_model``/``load_facebook_vectors``),
which checks every size against the file before allocating.
"""

from __future__ import annotations

import logging
import struct
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from wordspace.compat.gensim._errors import TruncatedFileError

__all__ = ["_load_vocab", "_fromfile"]

logger = logging.getLogger(__name__)


def _unpack_from(fin: IO[bytes], fmt: str) -> tuple:
    size = struct.calcsize(fmt)
    data = fin.read(size)
    if len(data) != size:
        raise TruncatedFileError(
            f"{getattr(fin, 'name', 'the stream')} ends after {len(data)} of the {size} bytes of "
            f"a {fmt!r} field: the file is truncated"
        )
    return struct.unpack(fmt, data)


def _load_vocab(
    fin: IO[bytes], new_format: bool, encoding: str = "utf-8"
) -> tuple[OrderedDict, int, int, int]:
    """Read a fastText dictionary: ``(raw_vocab {word: count}, vocab_size, nwords,
    ntokens)``. Words that are not valid in ``encoding`` are kept with backslash escapes
    (``\\xe6``), as gensim does, and logged."""
    vocab_size, nwords, nlabels = _unpack_from(fin, "@3i")
    (ntokens,) = _unpack_from(fin, "@q")
    prune = _unpack_from(fin, "@q")[0] if new_format else 0
    raw_vocab: OrderedDict[str, int] = OrderedDict()
    for _ in range(vocab_size):
        chunks = []
        while True:
            c = fin.read(1)
            if not c:
                raise TruncatedFileError(
                    f"{getattr(fin, 'name', 'the stream')}: a dictionary word has no "
                    "terminating NUL byte: the file is truncated"
                )
            if c == b"\0":
                break
            chunks.append(c)
        word_bytes = b"".join(chunks)
        try:
            word = word_bytes.decode(encoding)
        except UnicodeDecodeError:
            word = word_bytes.decode(encoding, errors="backslashreplace")
            logger.error(
                "failed to decode invalid unicode bytes %r; replacing invalid characters, using %r",
                word_bytes,
                word,
            )
        count, _ = _unpack_from(fin, "@qb")
        raw_vocab[word] = count
    for _ in range(prune):
        _unpack_from(fin, "@2i")
    return raw_vocab, vocab_size, nwords, ntokens


def _fromfile(fin: IO[bytes], dtype: Any, count: int) -> np.ndarray:
    """``count`` items of ``dtype`` from the stream (compressed streams included)."""
    dtype = np.dtype(dtype)
    data = fin.read(count * dtype.itemsize)
    if len(data) != count * dtype.itemsize:
        raise TruncatedFileError(
            f"{getattr(fin, 'name', 'the stream')} ends after {len(data)} of "
            f"{count * dtype.itemsize} bytes: the file is truncated"
        )
    return np.frombuffer(data, dtype=dtype, count=count).copy()
