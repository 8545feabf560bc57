"""Export for the TensorFlow Embedding Projector (https://projector.tensorflow.org).

``export_projector(wv, "out/")`` writes ``vectors.tsv`` (one tab-separated vector per line,
no header) and ``metadata.tsv`` (word, and count / value columns when the vectors have
them; a header line only when there is more than one column, as the projector expects).
Load both with the projector's "Load" button.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._files import atomic_path
from .errors import OutputPathError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from .vectors import WordVectors

__all__ = ["export_projector"]


def _clean(word: str) -> str:
    """Tabs and line breaks would break the TSV; the projector has no quoting."""
    return word.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def export_projector(
    wv: WordVectors,
    directory: str | os.PathLike,
    *,
    limit: int | None = None,
    precision: int = 6,
    chunk: int = 20_000,
) -> dict[str, Path]:
    """Write ``vectors.tsv`` and ``metadata.tsv`` for the Embedding Projector.

    The folder may hold other files: they stay untouched; the two files (when present) are
    replaced atomically, and a folder or special file in their place is an
    :class:`~wordspace.errors.OutputPathError`.

    ``limit`` keeps the first N words (the projector handles some 10k-100k points
    comfortably). Returns ``{"vectors": path, "metadata": path}``.
    """
    if limit is not None and int(limit) <= 0:
        raise ParameterError(f"limit must be positive, got {limit}")
    if not 1 <= int(precision) <= 9:
        raise ParameterError(f"precision must be between 1 and 9 digits, got {precision}")
    n = len(wv) if limit is None else min(int(limit), len(wv))
    if n == 0:
        raise ParameterError("these vectors have no words to export")
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise OutputPathError(f"{out} exists and is not a folder; give a folder for the export")
    out.mkdir(parents=True, exist_ok=True)
    vec_path, meta_path = out / "vectors.tsv", out / "metadata.tsv"

    fmt = f"%.{int(precision)}g"
    with atomic_path(vec_path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for s in range(0, n, chunk):
            block = np.asarray(wv.vectors[s : min(n, s + chunk)], dtype=np.float32)
            np.savetxt(f, block, fmt=fmt, delimiter="\t")

    columns: list[tuple[str, np.ndarray]] = []
    if wv.counts is not None:
        columns.append(("count", np.asarray(wv.counts[:n])))
    if "values" in wv.extras:
        columns.append(("value", np.asarray(wv.extras["values"][:n])))
    with atomic_path(meta_path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        if columns:
            f.write("\t".join(["word", *(name for name, _ in columns)]) + "\n")
        for i in range(n):
            row = [_clean(wv.index_to_key[i])]
            for name, arr in columns:
                v = arr[i]
                row.append(str(int(v)) if name == "count" else f"{float(v):.6g}")
            f.write("\t".join(row) + "\n")
    return {"vectors": vec_path, "metadata": meta_path}
