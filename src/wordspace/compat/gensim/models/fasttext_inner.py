"""gensim's ``gensim.models.fasttext_inner`` helpers: character n-grams and fastText's hash.

``compute_ngrams`` lists the n-grams of ``"<word>"`` as strings, shortest first (gensim's
order); ``compute_ngrams_bytes`` lists them as UTF-8 bytes cut at character boundaries, in
fastText's order (by position, then length): the n-grams fastText hashes. ``ft_hash_bytes`` is
fastText's FNV-1a hash (bytes sign-extended as C ``char``), wordspace's compiled
:func:`wordspace.kernels.fasttext.ft_hash`. Training itself runs in wordspace's kernels.
"""

from __future__ import annotations

import numpy as np

from wordspace.kernels.fasttext import ft_hash

__all__ = ["compute_ngrams", "compute_ngrams_bytes", "ft_hash_bytes", "MAX_WORDS_IN_BATCH"]

MAX_WORDS_IN_BATCH = 10000


def compute_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """The character n-grams (``min_n`` to ``max_n`` characters) of ``"<" + word + ">"``,
    shortest first, each length by position."""
    marked = f"<{word}>"
    return [
        marked[i : i + n]
        for n in range(min_n, min(len(marked), max_n) + 1)
        for i in range(len(marked) - n + 1)
    ]


def compute_ngrams_bytes(word: str, min_n: int, max_n: int) -> list[bytes]:
    """The n-grams of ``"<" + word + ">"`` as UTF-8 bytes, as fastText computes them: by
    start position then length, never splitting a character, single ``<``/``>`` left out."""
    b = f"<{word}>".encode()
    n_bytes = len(b)
    out: list[bytes] = []
    for i in range(n_bytes):
        if b[i] & 0xC0 == 0x80:  # a continuation byte: not the start of a character
            continue
        j, n = i, 1
        while j < n_bytes and n <= max_n:
            j += 1
            while j < n_bytes and b[j] & 0xC0 == 0x80:
                j += 1
            if n >= min_n and not (n == 1 and (i == 0 or j == n_bytes)):
                out.append(b[i:j])
            n += 1
    return out


def ft_hash_bytes(bytez: bytes) -> int:
    """fastText's hash of ``bytez`` (32-bit FNV-1a over signed chars)."""
    buf = np.frombuffer(bytes(bytez), dtype=np.uint8)
    return int(ft_hash(buf, 0, len(buf)))
