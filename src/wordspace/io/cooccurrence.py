"""Saving and loading a co-occurrence matrix (``.npz`` of COO arrays, vocabulary and
metadata; no pickle). The matrix itself is computed in :mod:`wordspace.text.cooccurrence`."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from wordspace.errors import FormatError, ParameterError

__all__ = ["save_cooccurrence", "load_cooccurrence"]


def save_cooccurrence(
    path: str | os.PathLike,
    matrix,
    words: Sequence[str] | None = None,
    counts: np.ndarray | Sequence[int] | None = None,
    meta: dict[str, Any] | None = None,
    *,
    compressed: bool = False,
) -> None:
    """Save a co-occurrence matrix as ``.npz`` of its COO arrays (``row``, ``col``, ``data``,
    ``shape``), optionally with the vocabulary (``words``, ``counts``) and JSON ``meta`` (how
    it was counted). Written to a temporary name and renamed into place; no pickle."""
    import scipy.sparse as sp

    from wordspace._files import atomic_path

    if not sp.issparse(matrix):
        raise ParameterError(f"matrix must be a scipy.sparse matrix, got {type(matrix).__name__}")
    coo = matrix.tocoo()
    arrays: dict[str, np.ndarray] = {
        "row": coo.row.astype(np.int32, copy=False),
        "col": coo.col.astype(np.int32, copy=False),
        "data": coo.data.astype(np.float32, copy=False),
        "shape": np.asarray(coo.shape, dtype=np.int64),
    }
    if words is not None:
        words = list(words)
        if len(words) != coo.shape[0]:
            raise ParameterError(f"{len(words)} words for a matrix of {coo.shape[0]} rows")
        arrays["words"] = np.array(words, dtype=str) if words else np.zeros(0, dtype="<U1")
    if counts is not None:
        arrays["counts"] = np.asarray(counts, dtype=np.int64)
    arrays["meta"] = np.array(json.dumps({"format": "wordspace-cooccurrence", **(meta or {})}))
    target = Path(path)
    if target.suffix != ".npz":
        raise ParameterError(f"{target}: co-occurrence files must end in .npz")
    with atomic_path(target) as tmp, open(tmp, "wb") as fh:
        if compressed:
            np.savez_compressed(fh, allow_pickle=False, **arrays)
        else:
            np.savez(fh, allow_pickle=False, **arrays)


def load_cooccurrence(path: str | os.PathLike):
    """Load a file written by :func:`save_cooccurrence`.

    Returns ``(matrix, words, counts, meta)``: a float32 ``csr_matrix``, the list of words (or
    None), the ``int64`` counts (or None) and the metadata dict. Anything else (a text file, a
    damaged or forged archive) raises :class:`FormatError` naming the file and the problem;
    declared sizes are checked before anything is allocated.
    """
    import scipy.sparse as sp

    from wordspace.io.native import read_npz

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    if p.is_dir():
        raise FormatError(f"{p} is a folder, not a co-occurrence file (.npz)")
    if not zipfile.is_zipfile(p):
        raise FormatError(
            f"{p} is not a co-occurrence file: those are .npz archives written by "
            f"save_cooccurrence (the CLI's --save-cooccurrence); this is {_what_is(p)}"
        )
    z = read_npz(
        p,
        ("row", "col", "data", "shape", "words", "counts", "meta"),
        kinds="biufU",
        inflate_factor=16,
    )
    missing = {"row", "col", "data", "shape"} - set(z)
    if missing:
        raise FormatError(f"{p} is not a co-occurrence file (missing {sorted(missing)})")
    row, col, data, shape = z["row"], z["col"], z["data"], z["shape"]
    for name, arr, kinds in (("row", row, "iu"), ("col", col, "iu"), ("data", data, "iuf")):
        if arr.ndim != 1 or arr.dtype.kind not in kinds:
            raise FormatError(
                f"{p}: {name} must be a 1-D numeric array, got {arr.dtype} of shape {arr.shape}"
            )
    if (
        shape.shape != (2,)
        or shape.dtype.kind not in "iu"
        or not (len(row) == len(col) == len(data))
    ):
        raise FormatError(
            f"{p}: inconsistent co-occurrence arrays (shape {shape.tolist()!r}, "
            f"{len(row)}/{len(col)}/{len(data)} row/col/data entries)"
        )
    nr, nc = int(shape[0]), int(shape[1])
    words = None
    if "words" in z:
        w = z["words"]
        if w.ndim != 1 or w.dtype.kind != "U":
            raise FormatError(f"{p}: words must be a 1-D array of strings")
        words = [str(x) for x in w.tolist()]
        if len(words) != nr:
            raise FormatError(f"{p}: {len(words)} words for {nr} rows")
    if not (0 <= nr < 2**31 and 0 <= nc < 2**31):
        raise FormatError(f"{p}: the matrix shape {nr}x{nc} is out of range")
    if words is None and nr + nc > (1 << 20) + 16 * p.stat().st_size:
        raise FormatError(
            f"{p}: declares a {nr:,}x{nc:,} matrix, far more rows than a {p.stat().st_size:,}"
            "-byte file holds; the file is corrupt or forged"
        )
    if len(row) and (row.min() < 0 or row.max() >= nr or col.min() < 0 or col.max() >= nc):
        raise FormatError(f"{p}: indices outside the matrix shape {nr}x{nc}")
    counts = None
    if "counts" in z:
        counts = z["counts"]
        if counts.dtype.kind not in "iu" or counts.shape != (nr,):
            raise FormatError(f"{p}: counts must hold one integer per row ({nr})")
        counts = counts.astype(np.int64, copy=False)
    meta: dict[str, Any] = {}
    if "meta" in z:
        try:
            meta = json.loads(str(z["meta"]))
        except (ValueError, RecursionError) as e:
            raise FormatError(f"{p}: its meta entry is not valid JSON: {e}") from None
        if not isinstance(meta, dict):
            raise FormatError(f"{p}: its meta entry is not a JSON object")
    X = sp.coo_matrix((data.astype(np.float32, copy=False), (row, col)), shape=(nr, nc)).tocsr()
    X.sort_indices()
    return X, words, counts, meta


def _what_is(p: Path) -> str:
    with open(p, "rb") as f:
        head = f.read(4096)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "a truncated or damaged .npz (zip) archive; save it again"
    if head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")):
        return "a compressed file (a corpus? pass it as the corpus instead)"
    try:
        head.decode("utf-8")
        is_text = not any(b < 9 or 13 < b < 32 for b in head)
    except UnicodeDecodeError as e:
        is_text = e.start >= len(head) - 3
    if is_text:
        return "a text file (a corpus? pass it as the corpus instead)"
    return "neither text nor a zip archive"
