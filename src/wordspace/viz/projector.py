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

from wordspace._files import atomic_path
from wordspace.errors import OutputPathError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from wordspace.vectors.keyed import WordVectors

__all__ = ["export_projector", "DEFAULT_LIMIT"]

#: words exported unless told otherwise: the projector stays responsive, the files small
DEFAULT_LIMIT = 10_000


def _clean(word: str) -> str:
    """Tabs and line breaks would break the TSV; the projector has no quoting."""
    return word.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def export_projector(
    wv: WordVectors,
    directory: str | os.PathLike[str],
    *,
    limit: int | None = DEFAULT_LIMIT,
    precision: int = 6,
    chunk: int = 20_000,
) -> dict[str, Path]:
    """Write ``vectors.tsv`` and ``metadata.tsv`` for the Embedding Projector.

    The folder may hold other files: they stay untouched; the two files (when present) are
    replaced atomically, and a folder or special file in their place is an
    :class:`~wordspace.errors.OutputPathError`.

    ``limit`` keeps N words (default 10,000; None: all): the N most frequent by count when
    the vectors have counts, else the first N, except for value models without counts,
    whose words are sorted by value: N spread evenly over the values. The chosen words keep
    their order in the model. The projector handles some 10k-100k points comfortably; 400k
    GloVe words would be a 168 MB file. Returns ``{"vectors": path, "metadata": path}``.
    """
    if limit is not None and int(limit) <= 0:
        raise ParameterError(f"limit must be positive, got {limit}")
    if not 1 <= int(precision) <= 9:
        raise ParameterError(f"precision must be between 1 and 9 digits, got {precision}")
    rows = _chosen_rows(wv, limit)
    n = len(rows)
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
            block = np.asarray(wv.vectors[rows[s : min(n, s + chunk)]], dtype=np.float32)
            np.savetxt(f, block, fmt=fmt, delimiter="\t")

    columns: list[tuple[str, np.ndarray]] = []
    if wv.counts is not None:
        columns.append(("count", np.asarray(wv.counts)[rows]))
    if "values" in wv.extras:
        columns.append(("value", np.asarray(wv.extras["values"])[rows]))
    with atomic_path(meta_path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        if columns:
            f.write("\t".join(["word", *(name for name, _ in columns)]) + "\n")
        for k, i in enumerate(rows):
            row = [_clean(wv.index_to_key[int(i)])]
            for name, arr in columns:
                v = arr[k]
                row.append(str(int(v)) if name == "count" else f"{float(v):.6g}")
            f.write("\t".join(row) + "\n")
    return {"vectors": vec_path, "metadata": meta_path}


def _chosen_rows(wv: WordVectors, limit: int | None) -> np.ndarray:
    """The rows to export, in model order (see :func:`export_projector`'s ``limit``)."""
    total = len(wv)
    if limit is None or int(limit) >= total:
        return np.arange(total)
    n = int(limit)
    counts = wv.counts
    if counts is not None and total and int(np.min(counts)) != int(np.max(counts)):
        pick = np.argsort(-np.asarray(counts), kind="stable")[:n]
    elif "values" in wv.extras:
        vals = np.asarray(wv.extras["values"], dtype=np.float64)
        order = np.argsort(np.where(np.isfinite(vals), vals, np.inf), kind="stable")
        pick = order[np.unique(np.round(np.linspace(0, total - 1, n)).astype(np.int64))]
    else:
        pick = np.arange(n)
    return np.sort(pick)
