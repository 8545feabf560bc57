"""How well the geometry of word vectors follows a per-word value.

:func:`value_alignment` gives three figures: the Spearman correlation between pairwise cosine
and ``-|Δvalue|`` (1 when closer values always mean closer vectors), the sign-free Spearman
correlation between the first principal component and the value, and the mean absolute error of
predicting each word's normalised value from its ``k`` nearest neighbours.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace.errors import ParameterError, ValueDataError

if TYPE_CHECKING:
    from wordspace.vectors.keyed import WordVectors

__all__ = ["value_alignment"]


def _values_for(wv: WordVectors, values: Any) -> tuple[np.ndarray, np.ndarray]:
    """(unit vectors, values) for the words that have both."""
    unit = wv.get_normed_vectors()
    if values is None:
        if "values" not in wv.extras:
            raise ParameterError(
                "these vectors have no values attached; pass values= "
                "(a {word: value} mapping or an array aligned with the words)"
            )
        vals = np.asarray(wv.extras["values"], dtype=np.float64)
        ok = np.isfinite(vals)  # joint models hold NaN for words without a value
        return (unit, vals) if ok.all() else (unit[ok], vals[ok])
    if isinstance(values, Mapping):
        idx: list[int] = []
        given: list[Any] = []
        for w, v in values.items():
            i = wv.key_to_index.get(w)
            if i is not None:
                idx.append(i)
                given.append(v)
        return unit[np.asarray(idx, dtype=np.int64)], np.asarray(given, dtype=np.float64)
    vals = np.asarray(values, dtype=np.float64)
    if vals.shape != (len(wv),):
        raise ParameterError(
            f"values must have one entry per word ({len(wv):,}), got shape {vals.shape}"
        )
    return unit, vals


def value_alignment(
    wv: WordVectors,
    values: Mapping[str, float] | Sequence[float] | np.ndarray | None = None,
    k: int = 5,
    *,
    max_pairs: int = 1_000_000,
    max_queries: int = 5_000,
    seed: int = 0,
) -> dict[str, Any]:
    """Alignment figures of word vectors with per-word values.

    ``values``: None (use ``wv.values``, attached by ValueVec), a ``{word: value}`` mapping
    (words missing from ``wv`` are skipped) or an array aligned with ``wv``'s words. Words whose
    vector holds NaN or inf are left out, with a warning.

    Returns a dict:

    * ``spearman``: Spearman ρ between the cosine of word pairs and ``-|Δvalue|``, over all
      pairs, or ``max_pairs`` pairs drawn with ``seed`` when there are more;
    * ``pc1_spearman``: ``|ρ|`` between the words' first principal component and the value;
    * ``knn_mae``: mean absolute error predicting each word's min-max normalised value by the
      mean over its ``k`` nearest neighbours (cosine; at most ``max_queries`` sampled words);
      ``knn_mae_baseline`` is the same error for predicting the mean value (for scale);
    * ``n_words``, ``n_pairs``, ``k``.
    """
    from scipy.stats import spearmanr

    from wordspace.kernels.topk import topk_neighbors

    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ParameterError(f"k must be a positive integer, got {k!r}")
    unit, vals = _values_for(wv, values)
    finite_rows = np.isfinite(unit).all(axis=1)
    if not finite_rows.all():
        warnings.warn(
            f"{int((~finite_rows).sum()):,} vectors hold NaN or infinite numbers; "
            "their words are left out of the alignment",
            stacklevel=2,
        )
        unit, vals = unit[finite_rows], vals[finite_rows]
    n = len(vals)
    if n < 3:
        raise ValueDataError(f"alignment needs at least 3 words with values, got {n}")
    if not np.all(np.isfinite(vals)):
        raise ValueDataError("values contain NaN or infinite entries")
    span = float(vals.max() - vals.min())
    if span == 0:
        raise ValueDataError("all values are equal: there is nothing to align with")
    unit = np.ascontiguousarray(unit, dtype=np.float32)
    g = np.random.default_rng(seed)

    # 1. cosine vs -|Δvalue|
    total_pairs = n * (n - 1) // 2
    if total_pairs <= max_pairs:
        i, j = np.triu_indices(n, 1)
    else:
        i = g.integers(0, n, max_pairs)
        j = g.integers(0, n - 1, max_pairs)
        j = j + (j >= i)
    cos = np.einsum("ij,ij->i", unit[i], unit[j], dtype=np.float64)
    rho = float(spearmanr(cos, -np.abs(vals[i] - vals[j])).statistic)

    # 2. first principal component vs value
    x = unit.astype(np.float64) - unit.mean(axis=0, dtype=np.float64)
    _, vecs = np.linalg.eigh(x.T @ x)
    pc1 = x @ vecs[:, -1]
    pc_rho = abs(float(spearmanr(pc1, vals).statistic)) if np.ptp(pc1) > 0 else 0.0

    # 3. k-nearest-neighbour prediction of the normalised value
    norm = (vals - vals.min()) / span
    kk = min(int(k), n - 1)
    q = np.arange(n) if n <= max_queries else np.sort(g.choice(n, max_queries, replace=False))
    best_i, _ = topk_neighbors(unit, q, kk)
    errs = np.abs(norm[best_i].mean(axis=1) - norm[q])
    return {
        "spearman": rho,
        "pc1_spearman": pc_rho,
        "knn_mae": float(errs.mean()),
        "knn_mae_baseline": float(np.abs(norm - norm.mean()).mean()),
        "n_words": int(n),
        "n_pairs": int(len(i)),
        "k": int(kk),
    }
