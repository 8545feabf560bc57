"""ValueVec on top of pretrained vectors: a value block added to every word of a pretrained model
from a word → value table alone (``fit(table, vectors=wv)``), no text.

1. The valued words that the pretrained vocabulary holds are trained on their value pairs
   alone, as a values-only ValueVec (``vector_size`` dimensions): their *value block*.
2. A ridge regression (penalty ``ridge_alpha``, intercept unpenalised) maps the pretrained
   unit vectors of those words to their value blocks; every other word of the pretrained
   model gets the mapped block, re-normalised. A word never given a value is thus placed in
   the value space by where it sits in the pretrained space (the keyword-pricing use: a new
   keyword gets a price from its meaning).
3. ``wv`` holds, for every pretrained word, ``[pretrained unit vector | value block]``: the
   cosine of two words is the mean of their meaning cosine and their value cosine.
   :meth:`value_vectors` is the block, where :meth:`alignment` is measured;
   :meth:`predict_value` uses the whole vector, as for joint models.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from typing import Any, Self

import numpy as np

from wordspace.errors import ParameterError, ValueDataError
from wordspace.train.valuevec._core import _unit_rows
from wordspace.train.valuevec.values import ValuePairs, as_random
from wordspace.train.valuevec.values_only import _ValuesOnlyPart
from wordspace.vectors.keyed import WordVectors

logger = logging.getLogger(__name__)


def _ridge_map(x: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """``(coef, intercept)`` of a multi-output ridge regression of ``y`` on ``x`` (centred,
    intercept unpenalised)."""
    mx, my = x.mean(axis=0), y.mean(axis=0)
    xc = x - mx
    coef = np.linalg.solve(xc.T @ xc + alpha * np.eye(x.shape[1]), xc.T @ (y - my))
    return coef, my - mx @ coef


class _PretrainedPart(_ValuesOnlyPart):
    """A value block on top of pretrained vectors (``fit(..., vectors=wv)``)."""

    @property
    def is_pretrained(self) -> bool:
        """True when the model adds a value block to pretrained vectors."""
        return getattr(self, "pretrained_size_", None) is not None

    def _fit_pretrained(
        self,
        X: Any,
        y: Any,
        *,
        word: str | None,
        value: str | None,
        text: str | None,
        vectors: Any,
        progress: Callable[..., None] | None,
    ) -> Self:
        if not isinstance(vectors, WordVectors):
            raise ParameterError(
                "vectors= must be WordVectors (e.g. ws.load('glove-wiki-gigaword-50')), got "
                f"{type(vectors).__name__}"
            )
        if self.semantic_weight is not None:
            raise ParameterError(
                "vectors= takes the meaning from the pretrained vectors: leave semantic_weight "
                f"None (it is {self.semantic_weight!r}), or train on text without vectors="
            )
        if getattr(self, "checkpoint_path", None) is not None:
            raise ParameterError(
                "checkpoints are not supported with vectors= (training the value block takes "
                "seconds); drop checkpoint_path"
            )
        t0 = time.perf_counter()
        self._build_pairs(X, y, word=word, value=value, text=text)
        wvals = self.word_values_
        inside = wvals["word"].isin(vectors.key_to_index).to_numpy()
        if int(inside.sum()) < 3:
            raise ValueDataError(
                f"only {int(inside.sum())} of the {len(wvals):,} words with values are in the "
                f"pretrained vocabulary ({len(vectors):,} words); a value block needs 3 (check "
                "the case: GloVe's words are lowercase)"
            )
        if not inside.all():
            missing = wvals["word"][~inside].tolist()
            warnings.warn(
                f"{len(missing):,} of the {len(wvals):,} words with values are not in the "
                f"pretrained vocabulary and are left out ({', '.join(map(repr, missing[:5]))}"
                f"{', ...' if len(missing) > 5 else ''})",
                UserWarning,
                stacklevel=3,
            )
        kept = wvals[inside].reset_index(drop=True)
        kept.attrs = dict(wvals.attrs)
        self.word_values_ = kept
        pairs = ValuePairs.from_table(
            kept["word"].tolist(),
            kept["value"].to_numpy(np.float64),
            as_random(self.seed),
            **self._pair_kwargs(),
        )
        self.pairs_ = pairs
        self.vocab_ = None
        self.epochs_trained_ = 0
        self.loss_history_ = np.zeros(0, dtype=np.float64)
        self.pretrained_size_ = None  # values-only training first
        self._fit_pairs(pairs, None, progress)
        block = np.asarray(self.wv.vectors, dtype=np.float64)  # valued words, pairs' order
        rows = np.array([vectors.key_to_index[w] for w in pairs.words], dtype=np.int64)
        unit = vectors.get_normed_vectors().astype(np.float64)
        coef, icpt = _ridge_map(unit[rows], block, float(self.ridge_alpha))
        full = unit @ coef + icpt
        full[rows] = block
        combined = np.concatenate([unit, _unit_rows(full)], axis=1).astype(np.float32)
        self.value_rows_ = rows
        self.pretrained_size_ = int(vectors.vector_size)
        self._make_pretrained_wv(vectors, combined)
        logger.info(
            "ValueVec (pretrained): %d of %d words valued, a %d-dimensional value block on "
            "%d pretrained dimensions (%.2fs)",
            pairs.n_words,
            len(vectors),
            int(self.vector_size),
            self.pretrained_size_,
            time.perf_counter() - t0,
        )
        return self

    def _make_pretrained_wv(self, vectors: WordVectors, combined: np.ndarray) -> None:
        vals = np.full(len(vectors), np.nan)
        vals[self.value_rows_] = self.pairs_.values
        self.wv = WordVectors(
            list(vectors.index_to_key),
            combined,
            counts=vectors.counts,
            extras={"values": vals},
            meta={
                "trainer": "valuevec",
                "params": self._config(),
                "pretrained_size": self.pretrained_size_,
                "pairs": len(self.pairs_),
                "epochs_trained": self.epochs_trained_,
                **self._meta_extra(),
            },
        )
