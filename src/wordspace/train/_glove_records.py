"""GloVe's training records and the memory they need: records filled from the co-occurrence
matrix (row, column, log x: the weighting function is applied while training), the matrix spilled to disk while its records train,
weight arrays whose rows start on cache lines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from wordspace._files import SpillFile
from wordspace.errors import FormatError


def _fill(
    model: Any,  # a GloVe
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    row0: int,
    rec_i: np.ndarray,
    rec_f: np.ndarray,
) -> None:
    from wordspace.kernels import glove as k

    k.fill_records(indptr, indices, data, rec_i, rec_f, row0)


class _SpilledMatrix:
    """A CSR matrix moved to disk, its ``indices`` and ``data`` in two spill files
    (:class:`wordspace._files.SpillFile`: nothing is left on disk whatever happens; the row
    pointers, ``V + 1`` of them, stay in memory), read back by slices of rows or whole."""

    def __init__(self, X: Any) -> None:
        self.shape = X.shape
        self.indptr = X.indptr
        self.sorted = bool(X.has_sorted_indices)
        self.dtypes = (X.indices.dtype, X.data.dtype)
        self._files: list[SpillFile] = []
        try:
            for part, a in (("indices", X.indices), ("data", X.data)):
                self._files.append(SpillFile("wordspace-glove-", f".{part}"))
                self._files[-1].write(a)
        except BaseException:
            self.close()
            raise

    def _read(self, m: int) -> tuple[np.ndarray, np.ndarray]:
        """The next ``m`` indices and values."""
        ind = self._files[0].read(self.dtypes[0], m)
        dat = self._files[1].read(self.dtypes[1], m)
        if ind.shape[0] != m or dat.shape[0] != m:
            raise FormatError(
                "the co-occurrence matrix spilled to a temporary file during training was "
                "truncated (is the disk full?)"
            )
        return ind, dat

    def row_slices(
        self, size: int
    ) -> Iterator[tuple[int, int, np.ndarray, np.ndarray, np.ndarray]]:
        """``(row0, first_entry, indptr, indices, data)`` for consecutive slices of rows of
        about ``size`` entries (a larger row is a slice of its own); ``indptr`` (int64)
        relative to the slice."""
        indptr = np.asarray(self.indptr, dtype=np.int64)
        n = indptr.shape[0] - 1
        for f in self._files:
            f.rewind()
        r0 = 0
        while r0 < n:
            p0 = int(indptr[r0])
            r1 = int(np.searchsorted(indptr, p0 + size, side="right")) - 1
            r1 = min(max(r1, r0 + 1), n)
            ind, dat = self._read(int(indptr[r1]) - p0)
            yield r0, p0, indptr[r0 : r1 + 1] - p0, ind, dat
            r0 = r1

    def load(self) -> Any:
        import scipy.sparse as sp

        for f in self._files:
            f.rewind()
        indices, data = self._read(int(self.indptr[-1]))
        X = sp.csr_matrix((data, indices, self.indptr), shape=self.shape, copy=False)
        X.has_sorted_indices = self.sorted
        return X

    def close(self) -> None:
        for f in self._files:
            f.close()


def _padded(d: int) -> int:
    """Row length of the weight arrays: ``d`` vector entries + bias, padded to 16 floats."""
    return (d + 1 + 15) // 16 * 16


def _aligned(shape: tuple[int, int], fill: float) -> np.ndarray:
    """A float32 array whose rows start on 64-byte cache lines (rows are 16-float multiples)."""
    n = shape[0] * shape[1]
    buf = np.empty(n * 4 + 64, dtype=np.uint8)
    off = (-buf.ctypes.data) % 64
    a = buf[off : off + n * 4].view(np.float32).reshape(shape)
    a.fill(fill)
    return a
