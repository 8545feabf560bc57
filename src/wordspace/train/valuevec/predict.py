"""ValueVec's predictions: ``predict_value`` (k-NN or ridge), ``alignment``, ``value_vectors``."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from wordspace._base import choice, integer, validate_params
from wordspace.errors import OutOfVocabularyError, ParameterError
from wordspace.train.valuevec._core import _AUTO_TEXT_PREDICTOR, _PREDICTORS, _TEXT_PREDICTORS
from wordspace.train.valuevec.persistence import _PersistencePart
from wordspace.train.valuevec.probe import predict_from_vectors, predict_with_text
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
        if self.is_joint or getattr(self, "pretrained_size_", None) is not None:
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
        pre = getattr(self, "pretrained_size_", None)
        if not self.is_joint and pre is None:
            return self.wv
        cut = slice(pre, None) if pre is not None else self._value_slice()
        part = np.ascontiguousarray(self.wv.vectors[:, cut])
        return WordVectors(
            self.wv.index_to_key,
            part,
            counts=self.wv.counts,
            extras={"values": self.wv.extras["values"]},
        )

    def _valued(self) -> tuple[np.ndarray, np.ndarray]:
        """(row of each valued word in ``wv``, its value)."""
        if self.is_joint or getattr(self, "pretrained_size_", None) is not None:
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

        ``predictor`` (default: the ``predictor`` parameter, ``"auto"``):

        - ``"knn"``: the mean value of the ``n_neighbors`` most similar valued words
          (cosine), weighted by their cosine (negative cosines count 0);
        - ``"ridge"``: a ridge regression of the value on the unit vectors (penalty
          ``ridge_alpha``), fitted on the valued words;
        - ``"text"`` (joint models): the word's *text value* (``text_values_``: the values
          propagated through the documents of the text, see
          :mod:`~wordspace.train.valuevec.propagation`) put on the values' scale, no vectors;
        - ``"text+ridge"`` (joint models): ridge on ``[meaning dimensions, standardised text
          value]``, fitted on the valued words with their leave-one-out text values. The
          meaning dimensions are the vector without its value block: the value block of a
          valued word was trained on that word's value, so a probe fitted on the valued
          words trusts it far more than it deserves on the others (wine: 0.69 with the whole
          vector against 0.83, ``docs/valuevec.md``);
        - ``"auto"``: ``"text+ridge"`` for a joint model with text values (the best measured),
          else ``"knn"``.

        A word in no document with a valued word has no text value: the text predictors give
        it the k-NN prediction of the vectors. A word that has a value is predicted from the
        *other* valued words (leave-one-out; its text value is the leave-one-out one), so a
        prediction never just returns the given value. Values are on the training scale
        (after ``value_transform``). Returns a float for one word, else an array.
        """
        self._check_fitted("predict values")
        method = self._predictor(predictor)
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
        if self.is_joint and self.semantic_weight == 0:
            valued = np.zeros(len(wv), dtype=bool)
            valued[rows] = True
            blind = [w for w, i in zip(words, idx.tolist(), strict=True) if not valued[i]]
            if blind:
                warnings.warn(
                    f"semantic_weight=0: {len(blind):,} of the words asked for "
                    f"({', '.join(map(repr, blind[:3]))}{', ...' if len(blind) > 3 else ''}) "
                    "have no value, and with no skip-gram their vectors are still the random "
                    "initial ones: their predicted values are noise; train with "
                    "semantic_weight > 0 (e.g. 0.8) to place them by their contexts",
                    UserWarning,
                    stacklevel=2,
                )
        unit = wv.get_normed_vectors()
        if method not in _TEXT_PREDICTORS:
            pred = predict_from_vectors(unit, rows, vals, idx, method, k, float(self.ridge_alpha))
            return float(pred[0]) if single else pred
        text = np.asarray(self.text_values_, dtype=np.float64)
        # only the rows the predictor reads: the valued words and the asked ones, so a call
        # costs what it asks, not a normalised copy of the whole vocabulary
        sel = np.unique(np.concatenate([rows, idx]))
        pred = predict_with_text(
            self._meaning_vectors(sel),
            text[sel],
            np.searchsorted(sel, rows),
            vals,
            np.searchsorted(sel, idx),
            method,
            float(self.ridge_alpha),
        )
        lost = ~np.isfinite(text[idx])
        if lost.any():  # no document with a valued word: the vectors' k-NN
            pred[lost] = predict_from_vectors(
                unit, rows, vals, idx[lost], "knn", k, float(self.ridge_alpha)
            )
        return float(pred[0]) if single else pred

    def _predictor(self, predictor: str | None) -> str:
        """The predictor to use: ``predictor`` or the parameter, ``"auto"`` resolved; a text
        predictor on a model without text values is refused."""
        method = self.predictor if predictor is None else predictor
        has_text = getattr(self, "text_values_", None) is not None
        if method == "auto":
            return _AUTO_TEXT_PREDICTOR if has_text else "knn"
        if method in _TEXT_PREDICTORS and not has_text:
            raise ParameterError(
                f"predictor={method!r} needs the text values of a joint model "
                "(ValueVec(semantic_weight=...) fitted on text; a model saved before 0.4 has "
                "none): fit it again on its text, or use predictor='knn' or 'ridge'"
            )
        return str(method)

    def _meaning_vectors(self, rows: np.ndarray) -> np.ndarray:
        """Unit vectors of the meaning dimensions (the vectors without their value block) of
        ``rows``, the vector part of ``"text+ridge"``; no columns when the block is the whole
        vector."""
        cut = self._value_slice().start if self.is_joint else self.wv.vectors.shape[1]
        part = np.asarray(self.wv.vectors[rows, :cut], dtype=np.float64)
        norm = np.linalg.norm(part, axis=1, keepdims=True)
        return part / np.where(norm > 0, norm, 1.0)
