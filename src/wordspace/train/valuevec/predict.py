"""ValueVec's predictions: ``predict_value`` (k-NN or ridge), ``alignment``, ``value_vectors``."""

from __future__ import annotations

from typing import Any

import numpy as np

from wordspace._base import choice, integer, validate_params
from wordspace.errors import OutOfVocabularyError
from wordspace.train.valuevec._core import _PREDICTORS
from wordspace.train.valuevec.persistence import _PersistencePart
from wordspace.vectors.keyed import WordVectors


class _PredictPart(_PersistencePart):
    """Using the trained vectors: value alignment, the value block, value prediction."""

    def alignment(self, k: int = 5, *, full: bool = False, **kw: Any) -> dict[str, float]:
        """:func:`wordspace.analysis.alignment.value_alignment` of the trained vectors.

        Joint models: over the words that have values, in the ``value_size`` dimensions the
        value loss acts on (``full=True``: in the whole vectors, ``wv``, where the meaning
        dimensions take part too)."""
        from wordspace.analysis.alignment import value_alignment

        self._check_fitted("compute the alignment")
        if self.is_joint:
            vals = dict(zip(self.pairs_.words, self.pairs_.values.tolist(), strict=True))
            if full:
                return value_alignment(self.wv, vals, k=k, **kw)
            return value_alignment(self.value_vectors(), vals, k=k, **kw)
        return value_alignment(self.wv, k=k, **kw)

    def value_vectors(self) -> WordVectors:
        """Joint models: the words' vectors restricted to the ``value_size`` dimensions the
        value loss acts on (the value space; ``wv`` holds meaning and value together).
        Value-only models: ``wv``."""
        self._check_fitted("give the value vectors")
        if not self.is_joint:
            return self.wv
        part = np.ascontiguousarray(self.wv.vectors[:, self._value_slice()])
        return WordVectors(
            self.wv.index_to_key,
            part,
            counts=self.wv.counts,
            extras={"values": self.wv.extras["values"]},
        )

    def _valued(self) -> tuple[np.ndarray, np.ndarray]:
        """(row of each valued word in ``wv``, its value)."""
        if self.is_joint:
            return self.value_rows_, np.asarray(self.pairs_.values, np.float64)
        return np.arange(len(self.wv)), np.asarray(self.wv.extras["values"], np.float64)

    @validate_params(
        choice(
            "predictor",
            options=(*_PREDICTORS, None),
            message=f"predictor must be one of {_PREDICTORS}; got {{value!r}}",
        ),
        integer(
            "n_neighbors",
            optional=True,
            message="n_neighbors must be an integer >= 1, got {value!r}",
        ),
    )
    def predict_value(
        self, words: str | Any, *, predictor: str | None = None, n_neighbors: int | None = None
    ) -> float | np.ndarray:
        """Predict the value of any word with a vector, from the words that have values.

        ``predictor`` (default: the ``predictor`` parameter, ``"knn"``): ``"knn"`` is the
        mean value of the ``n_neighbors`` most similar valued words (cosine), weighted by
        their cosine (negative cosines count 0); ``"ridge"`` is a ridge regression of the
        value on the unit vectors (penalty ``ridge_alpha``), fitted on the valued words. A
        word that has a value is predicted from the *other* valued words (leave-one-out),
        so a prediction never just returns the given value. Values are on the training scale
        (after ``value_transform``). Returns a float for one word, else an array.
        """
        self._check_fitted("predict values")
        method = self.predictor if predictor is None else predictor
        k = int(self.n_neighbors if n_neighbors is None else n_neighbors)
        single = isinstance(words, str)
        words = [words] if single else list(words)
        wv = self.wv
        idx = np.empty(len(words), dtype=np.int64)
        for t, w in enumerate(words):
            i = wv.key_to_index.get(w) if isinstance(w, str) else None
            if i is None:
                raise OutOfVocabularyError(str(w), len(wv))
            idx[t] = i
        rows, vals = self._valued()
        unit = wv.get_normed_vectors()
        q = unit[idx].astype(np.float64)
        ref = unit[rows].astype(np.float64)
        sims = q @ ref.T  # (queries, valued words)
        self_hit = idx[:, None] == rows[None, :]
        if method == "knn":
            sims[self_hit] = -np.inf
            kk = min(k, max(len(rows) - 1, 1))
            top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            s_top = np.take_along_axis(sims, top, axis=1)
            wts = np.clip(s_top, 0.0, None)
            wts[~np.isfinite(s_top)] = 0.0
            plain = vals[top].mean(axis=1)
            tot = wts.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                pred = np.where(tot > 0, (wts * vals[top]).sum(axis=1) / tot, plain)
        else:
            pred = _ridge_predict(ref, vals, q, float(self.ridge_alpha))
            for t in np.flatnonzero(self_hit.any(axis=1)).tolist():  # valued: leave one out
                keep = ~self_hit[t]
                pred[t] = _ridge_predict(
                    ref[keep], vals[keep], q[t : t + 1], float(self.ridge_alpha)
                )[0]
        return float(pred[0]) if single else pred


def _ridge_predict(x: np.ndarray, y: np.ndarray, q: np.ndarray, alpha: float) -> np.ndarray:
    """Ridge regression of ``y`` on ``x`` (centred, intercept unpenalised), applied to ``q``."""
    mx = x.mean(axis=0)
    my = float(y.mean())
    xc = x - mx
    a = xc.T @ xc + alpha * np.eye(x.shape[1])
    coef = np.linalg.solve(a, xc.T @ (y - my))
    return (q - mx) @ coef + my
