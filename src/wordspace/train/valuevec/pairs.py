"""ValueVec's pairs: built from the data (``_build_pairs``), fingerprinted for checkpoints,
merged for ``partial_fit``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace.errors import ParameterError
from wordspace.train.valuevec._core import _frame, _ValueVecBase
from wordspace.train.valuevec.values import (
    ValuePairs,
    as_frame,
    as_random,
    records_to_word_values,
    word_value_table,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class _PairsPart(_ValueVecBase):
    """Building the value pairs from the data."""

    def _build_pairs(
        self,
        X: Any,
        y: Any = None,
        *,
        word: str | None = None,
        value: str | None = None,
        text: str | None = None,
    ) -> ValuePairs:
        """Validate the data and build the pairs (sets ``word_values_`` and ``pairs_``)."""
        rng = as_random(self.seed)
        if isinstance(X, ValuePairs):
            pairs = X
            self.word_values_ = _frame(
                {
                    "word": pairs.words,
                    "value": pairs.values,
                    "count": np.ones(pairs.n_words, dtype=np.int64),
                }
            )
            self.value_transform_ = None  # prebuilt pairs: their values are used as given
        else:
            if text is not None:
                if word is not None:
                    raise ParameterError(
                        "give either word= (a word-value table) or text= (records), not both"
                    )
                df, key, val = as_frame(X, y, text=text, value=value)
                wvals = records_to_word_values(
                    df[key].tolist(),
                    df[val],
                    tokenizer=self.tokenizer,
                    prior_weight=float(self.prior_weight),
                    min_count=int(self.min_count),
                    value_transform=self._data_transform(),
                    column=val,
                )
            else:
                wvals = word_value_table(
                    X,
                    y,
                    word=word,
                    value=value,
                    duplicates=self.duplicates,
                    value_transform=self._data_transform(),
                )
            self.word_values_ = wvals
            self.value_transform_ = wvals.attrs.get("value_transform")
            pairs = ValuePairs.from_table(
                wvals["word"].tolist(),
                wvals["value"].to_numpy(np.float64),
                rng,
                **self._pair_kwargs(),
            )
        self.pairs_ = pairs
        return pairs


def _pairs_fingerprint(pairs: ValuePairs) -> dict[str, Any]:
    """Number and hash of the pairs (centers, contexts, labels)."""
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    for a, dt in ((pairs.center, np.int64), (pairs.context, np.int64), (pairs.label, np.float64)):
        h.update(np.ascontiguousarray(np.asarray(a, dtype=dt)).tobytes())
    return {"count": len(pairs), "hash": h.hexdigest()}


def _values_fingerprint(wvals: pd.DataFrame) -> dict[str, Any]:
    """Number and hash of a word-value table (words, values, counts)."""
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    h.update("\0".join(map(str, wvals["word"].tolist())).encode("utf-8", "surrogatepass"))
    h.update(np.ascontiguousarray(wvals["value"].to_numpy(np.float64)).tobytes())
    h.update(np.ascontiguousarray(wvals["count"].to_numpy(np.int64)).tobytes())
    return {"size": len(wvals), "hash": h.hexdigest()}


def _merge_values(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Two ``(word, value, count)`` tables as one: a word in both gets the count-weighted mean
    of its values and the sum of its counts; sorted by value, highest first."""
    import pandas as pd

    both = pd.concat(
        [old[["word", "value", "count"]], new[["word", "value", "count"]]], ignore_index=True
    )
    counts = both["count"].to_numpy(np.float64)
    both = both.assign(weighted=both["value"].to_numpy(np.float64) * counts, weight=counts)
    sums = both.groupby("word", sort=False)[["weighted", "weight", "count"]].sum()
    out = pd.DataFrame(
        {
            "word": sums.index.tolist(),
            "value": (sums["weighted"] / sums["weight"]).to_numpy(np.float64),
            "count": sums["count"].to_numpy(np.int64),
        }
    )
    out = out.sort_values("value", ascending=False, kind="stable")
    return out.reset_index(drop=True)
