"""A corpus as id arrays: :class:`CorpusScan` (types, counts, ids and sentence starts),
:class:`TokenIndex`, and the out-of-core path that keeps the ids in a memory-mapped spill file
(:func:`_to_ids_on_disk`) instead of RAM. :mod:`wordspace.text.corpus` builds them."""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from wordspace._files import SpillFile
from wordspace.errors import CorpusError

#: out of core: ids held in memory before they go to the file
SPILL_TOKENS = 1 << 20


class TokenIndex(dict):
    """token -> raw id, assigning the next id to a new token (only new tokens reach Python)."""

    def __missing__(self, key: str) -> int:
        v = self[key] = len(self)
        return v


@dataclass
class CorpusScan:
    """The result of one pass over a corpus (see :meth:`Corpus.scan`).

    ``types[i]`` is the token with raw id ``i`` (order of first occurrence); ``counts[i]`` its
    frequency; ``raw_ids`` every token of the corpus as a raw id; ``sentence_starts`` the start
    offsets of the sentences into ``raw_ids`` followed by ``len(raw_ids)`` (length
    ``n_sentences + 1``; empty lines are not sentences). Out of core ``raw_ids`` is a
    memory-mapped file (see :class:`Corpus`'s ``out_of_core``).
    """

    types: list[str]
    counts: np.ndarray
    raw_ids: np.ndarray
    sentence_starts: np.ndarray

    @property
    def total_words(self) -> int:
        return int(self.raw_ids.shape[0])


def _to_ids_on_disk(
    sc: CorpusScan, remap: np.ndarray, tmp_dir: str | os.PathLike | None
) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`Corpus.to_ids` in chunks of ``SPILL_TOKENS``: vocabulary ids appended to an id
    file, the raw ids' pages given back as they are passed; the same result."""
    raw = sc.raw_ids
    n = int(raw.shape[0])
    bounds = sc.sentence_starts
    kept_before = np.zeros(len(bounds), dtype=np.int64)  # kept tokens before each bound
    out = _IdFile(tmp_dir)
    try:
        total = 0
        b = 0
        for c0 in range(0, n, SPILL_TOKENS):
            c1 = min(n, c0 + SPILL_TOKENS)
            mapped = remap[raw[c0:c1]] if len(remap) else raw[c0:c1].copy()
            release_pages(raw, c1)
            keep = mapped >= 0
            cum = np.zeros(c1 - c0 + 1, dtype=np.int32)
            np.cumsum(keep, out=cum[1:])
            b1 = int(np.searchsorted(bounds, c1, side="left"))
            kept_before[b:b1] = total + cum[bounds[b:b1] - c0]
            b = b1
            out.append(mapped[keep])
            total += int(cum[-1])
        kept_before[b:] = total
        ids = out.array()
    except BaseException:
        out.close()
        raise
    if len(bounds) > 1:
        nonempty = np.diff(kept_before) > 0  # sentences left empty are dropped
        starts = np.concatenate([kept_before[:-1][nonempty], [total]]).astype(np.int64)
    else:
        starts = np.zeros(1, dtype=np.int64)
    return ids, starts


def _spill(spill: _IdFile, parts: list[np.ndarray], counts: np.ndarray, n_types: int) -> np.ndarray:
    """Append ``parts`` to ``spill`` (emptying it) and return ``counts`` plus theirs."""
    if not parts:
        return np.concatenate([counts, np.zeros(n_types - len(counts), np.int64)])
    chunk = np.concatenate(parts)
    parts.clear()
    spill.append(chunk)
    add = np.bincount(chunk, minlength=n_types).astype(np.int64)
    add[: len(counts)] += counts
    return add


class _IdFile:
    """An ``int32`` spill file (:class:`wordspace._files.SpillFile`) in ``tmp_dir`` that is
    appended to and then memory-mapped; nothing is left on disk whatever happens."""

    def __init__(self, tmp_dir: str | os.PathLike | None = None) -> None:
        self._spill = SpillFile("wordspace-ids-", ".int32", tmp_dir)
        self.n = 0

    def append(self, ids: np.ndarray) -> None:
        self._spill.write(np.ascontiguousarray(ids, dtype=np.int32))
        self.n += int(np.shape(ids)[0])

    def chunks(self) -> Iterator[np.ndarray]:
        """The ids in chunks of ``SPILL_TOKENS`` (read, not mapped)."""
        self._spill.rewind()
        left = self.n
        while left:
            k = min(left, SPILL_TOKENS)
            chunk = self._spill.read(np.int32, k)
            if chunk.shape[0] != k:
                raise CorpusError("the temporary id file was cut short (is the disk full?)")
            left -= k
            yield chunk
        self._spill.seek_end()

    def array(self) -> np.ndarray:
        """The ids as a memory-mapped array (copy-on-write: writable, never written back);
        the file goes with the last reference to it."""
        if self.n == 0:
            self.close()
            return np.zeros(0, dtype=np.int32)
        return np.frombuffer(self._spill.map(), dtype=np.int32)

    def close(self) -> None:
        self._spill.close()


def _mapped(ids: np.ndarray) -> mmap.mmap | None:
    """The mapping ``ids`` is the whole of (made by :class:`_IdFile`), or None."""
    base = ids.base
    mm = base.obj if isinstance(base, memoryview) else base
    if not isinstance(mm, mmap.mmap) or mm.closed:
        return None
    return mm


def release_pages(ids: np.ndarray, stop: int) -> None:
    """Give back the resident pages of ``ids[:stop]`` of a memory-mapped id array from
    :meth:`Corpus.to_ids` (out of core); a later read maps them in again from the file. Does
    nothing for an array in memory. Trainers call it behind their position, so that reading a
    corpus once does not leave all of it resident."""
    mm = _mapped(ids)
    if mm is None:
        return
    end = (4 * min(int(stop), int(ids.shape[0]))) // mmap.PAGESIZE * mmap.PAGESIZE
    if end > 0:
        mm.madvise(mmap.MADV_DONTNEED, 0, end)
