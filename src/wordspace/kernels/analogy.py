"""Batched analogy scoring with top-k selection.

The Google analogy set has ~20k questions over fewer than a thousand distinct words, so instead
of one matrix product per question (``vocab @ mean``) the evaluation computes the cosines of a
block of vocabulary rows with every distinct question word once (``sims``, words x rows) and
combines three rows of it per question here:

- 3CosAdd: ``sims[b] + sims[c] - sims[a]`` (the cosine with ``unit(u_b + u_c - u_a)`` times a
  positive per-question constant, so the same ranking);
- 3CosMul: ``sims[b] * sims[c] / (sims[a] + 1e-6)`` where ``sims`` already holds
  ``(1 + cos) / 2`` (gensim's ``most_similar_cosmul``).
"""

from __future__ import annotations

from numba import njit, prange

from wordspace.kernels.topk import FASTMATH, _insert


@njit(cache=True, nogil=True, parallel=True, fastmath=FASTMATH)
def analogy_block_topk(sims, offset, qa, qb, qc, mul, best_s, best_i):
    """Merge the scores of rows ``offset .. offset + sims.shape[1]`` into each question's
    running top-k (``best_s`` descending, ``best_i`` row indices); ``qa/qb/qc`` index rows of
    ``sims``. Mutates only ``best_s`` and ``best_i``."""
    m = qa.shape[0]
    n = sims.shape[1]
    k = best_s.shape[1]
    for r in prange(m):
        sa = sims[qa[r]]
        sb = sims[qb[r]]
        sc = sims[qc[r]]
        bs = best_s[r]
        bi = best_i[r]
        if mul:
            for i in range(n):
                s = sb[i] * sc[i] / (sa[i] + 1e-6)
                if s > bs[k - 1]:
                    _insert(bs, bi, s, offset + i, k)
        else:
            for i in range(n):
                s = sb[i] + sc[i] - sa[i]
                if s > bs[k - 1]:
                    _insert(bs, bi, s, offset + i, k)
