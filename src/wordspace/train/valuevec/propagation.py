"""Text values: a word's value propagated through the documents of the text.

A document's score is the IDF-weighted mean of the centred values of the valued words it
contains; a word's *text value* is the sum of the scores of the documents that contain it
(only documents with a valued word count) over their number plus a shrinkage ``k``:

    s_d = Σ_{j ∈ d, valued} g_j (v_j − m) / Σ_{j ∈ d, valued} g_j,   g_j = log(N / df_j)
    t_w = Σ_{d ∋ w, d scored} s_d / (n_w + k)

(``m`` the mean value, ``N`` the documents, ``df_j`` the documents holding ``j``, ``n_w`` the
scored documents holding ``w``). A valued word's own text value is *leave-one-out*: its own
value is taken out of its documents' scores, so it can serve as an honest training feature.
A word with no scored document has no text value (NaN).

Arrays in, arrays out (scipy.sparse for the word-document incidence): this module imports
nothing of the package. :class:`~wordspace.ValueVec` computes the text values at joint fit
(``text_values_``), and :func:`~wordspace.analysis.evaluate.value_holdout` reports
propagation alone as a baseline.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SHRINKAGES", "calibrate", "incidence", "text_values"]

#: the shrinkages ``k`` tried by ``shrinkage="auto"`` (the best one by the leave-one-out
#: Spearman of the valued words; measured: docs/valuevec.md, "Text values")
SHRINKAGES = (0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0)
#: tokens per chunk when the incidence is built (bounds the temporary arrays)
_CHUNK_TOKENS = 1 << 22


def incidence(ids: np.ndarray, starts: np.ndarray, n_words: int, *, chunk: int = _CHUNK_TOKENS):
    """The binary documents × words incidence (``scipy.sparse.csr_matrix``, float32 ones) of
    a corpus given as vocabulary ids and sentence starts (``Corpus.to_ids``): one document
    per sentence. Built ``chunk`` tokens at a time, so the temporary arrays stay bounded
    whatever the size of the corpus (``ids`` may be memory-mapped)."""
    import scipy.sparse as sp

    starts = np.asarray(starts, dtype=np.int64)
    n_docs = max(len(starts) - 1, 0)
    n_words = int(n_words)
    indptr = [np.zeros(1, dtype=np.int64)]
    indices = []
    nnz = 0
    s0 = 0
    while s0 < n_docs:
        s1 = int(np.searchsorted(starts, starts[s0] + chunk, side="right")) - 1
        s1 = min(max(s1, s0 + 1), n_docs)
        tok = np.asarray(ids[starts[s0] : starts[s1]], dtype=np.int64)
        doc = np.repeat(np.arange(s1 - s0, dtype=np.int64), np.diff(starts[s0 : s1 + 1]))
        key = np.unique(doc * n_words + tok)  # sorted: by document, then word
        per_doc = np.bincount(key // n_words, minlength=s1 - s0)
        indptr.append(nnz + np.cumsum(per_doc))
        indices.append((key % n_words).astype(np.int32))
        nnz += len(key)
        s0 = s1
    ind = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32)
    ptr = np.concatenate(indptr)
    return sp.csr_matrix((np.ones(len(ind), dtype=np.float32), ind, ptr), shape=(n_docs, n_words))


def text_values(
    docs,
    rows: np.ndarray,
    vals: np.ndarray,
    *,
    shrinkage: float | str = "auto",
    idf: bool = True,
) -> tuple[np.ndarray, float]:
    """``(text values, k)``: each word's text value (centred on the valued words' mean),
    from the incidence ``docs`` (documents × words, :func:`incidence`) and the valued words
    (columns ``rows``, values ``vals``). Valued words get the leave-one-out value (their own
    value out of their documents' scores); words with no scored document get NaN. ``idf``:
    weight each valued word by ``log(N / df)`` in its documents' scores (else 1).
    ``shrinkage``: ``k``, or ``"auto"``: the one of :data:`SHRINKAGES` whose leave-one-out
    text values of the valued words follow their values best (Spearman), so the choice sees
    the training words only."""
    import scipy.sparse as sp

    rows = np.asarray(rows, dtype=np.int64)
    vals = np.asarray(vals, dtype=np.float64)
    d = sp.csr_matrix(docs)
    n_docs, n_words = d.shape
    by_word = d.tocsc()  # each word's documents
    df = np.diff(by_word.indptr)
    g = np.zeros(n_words)
    g[rows] = np.log(n_docs / np.maximum(df[rows], 1)) if idf else 1.0
    gc = np.zeros(n_words)
    gc[rows] = g[rows] * (vals - vals.mean())
    num = d @ gc
    den = d @ g
    tol = 1e-9 * max(float(g.max(initial=0.0)), 1.0)
    scored = den > tol
    score = np.where(scored, num / np.where(scored, den, 1.0), 0.0)
    total = by_word.T @ score
    n = by_word.T @ scored.astype(np.float64)
    # leave one out: each valued word's documents scored without it
    sub = by_word[:, rows]
    owner = np.repeat(np.arange(len(rows)), np.diff(sub.indptr))
    its = sub.indices
    num2 = num[its] - gc[rows][owner]
    den2 = den[its] - g[rows][owner]
    ok = den2 > tol
    s2 = np.where(ok, num2 / np.where(ok, den2, 1.0), 0.0)
    tot2 = np.bincount(owner, weights=s2, minlength=len(rows))
    n2 = np.bincount(owner, weights=ok.astype(np.float64), minlength=len(rows))
    total[rows] = tot2
    n[rows] = n2
    k = _choose_shrinkage(total[rows], n[rows], vals) if shrinkage == "auto" else float(shrinkage)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / (n + k), np.nan), k


def _choose_shrinkage(total: np.ndarray, n: np.ndarray, vals: np.ndarray) -> float:
    """The ``k`` of :data:`SHRINKAGES` with the best Spearman between the valued words'
    leave-one-out text values ``total / (n + k)`` and their values (the first on ties)."""
    from scipy.stats import spearmanr

    ok = n > 0
    if ok.sum() < 3:
        return SHRINKAGES[2]
    best, best_rho = SHRINKAGES[2], -np.inf
    for k in SHRINKAGES:
        rho = float(spearmanr(total[ok] / (n[ok] + k), vals[ok]).statistic)
        if np.isfinite(rho) and rho > best_rho + 1e-12:
            best, best_rho = k, rho
    return float(best)


def calibrate(text: np.ndarray, rows: np.ndarray, vals: np.ndarray) -> tuple[float, float]:
    """``(a, b)`` of the least-squares line ``value ≈ a + b·t`` over the valued words with a
    (leave-one-out) text value: the text values back on the values' scale."""
    rows = np.asarray(rows, dtype=np.int64)
    vals = np.asarray(vals, dtype=np.float64)
    t = np.asarray(text, dtype=np.float64)[rows]
    ok = np.isfinite(t)
    if ok.sum() < 2 or float(np.var(t[ok])) == 0.0:
        return float(vals.mean()) if len(vals) else 0.0, 0.0
    b = float(np.cov(t[ok], vals[ok], bias=True)[0, 1] / np.var(t[ok]))
    return float(vals[ok].mean() - b * t[ok].mean()), b
