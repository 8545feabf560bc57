"""ValueVec's parameter rules, constants and the base its parts share (see ``model``)."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace.train._common import (
    CHECKPOINT_RULES,
    Trainer,
    callbacks_rule,
    choice,
    integer,
    number,
    rule,
)
from wordspace.train.valuevec.values import _DUPLICATES, _PENALTIES, _TRANSFORMS, ValuePairs
from wordspace.vectors.keyed import WordVectors

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from wordspace.text.vocab import Vocabulary

_METHODS = ("averaged", "adam")
# the defaults of negative and text_negative (their deprecated names may replace them)
_DEFAULT_NEGATIVE = 10
_DEFAULT_TEXT_NEGATIVE = 5


def _positive(v: Any, p: Any) -> bool:
    return bool(
        isinstance(v, int | float | np.integer | np.floating)
        and not isinstance(v, bool)
        and math.isfinite(v)
        and v > 0
    )


_OBJECTIVES = ("auto", "mse", "cosent")
_PREDICTORS = ("auto", "knn", "ridge", "text", "text+ridge")
#: the predictors that need text values (joint models fitted since ValueVec III)
_TEXT_PREDICTORS = ("text", "text+ridge")
#: what ``predictor="auto"`` means for a joint model with text values (measured:
#: docs/valuevec.md, "Text values"); ``"knn"`` otherwise
_AUTO_TEXT_PREDICTOR = "text+ridge"


def _alpha_ok(v: Any, p: Any) -> bool:
    return v == "auto" if isinstance(v, str) else _positive(v, p)


def _weight_ok(v: Any, p: Any) -> bool:
    return v is None or bool(
        isinstance(v, int | float | np.integer | np.floating)
        and not isinstance(v, bool)
        and 0 <= v <= 1
    )


def _value_size_ok(v: Any, p: Any) -> bool:
    if isinstance(v, str):
        return v == "auto"
    d = p["vector_size"]
    return bool(
        isinstance(v, int | np.integer)
        and not isinstance(v, bool)
        and v >= 1
        and (not isinstance(d, int | np.integer) or v <= d)
    )


_CONSTRAINTS = (
    integer("vector_size", "epochs", "batch_size", "min_count"),
    integer("window", "negative", min=0),
    integer(
        "negatives",
        "text_negatives",
        min=0,
        optional=True,
        message="{name} (deprecated: {name} without the s) must be an integer >= 0, got {value!r}",
    ),
    rule(
        "negatives",
        ok=lambda v, p: v is None or p["negative"] == _DEFAULT_NEGATIVE,
        message="give the value-distant pairs per word once: negative (negatives={value!r} "
        "is its deprecated name; negative is {negative!r})",
    ),
    rule(
        "text_negatives",
        ok=lambda v, p: v is None or p["text_negative"] == _DEFAULT_TEXT_NEGATIVE,
        message="give skip-gram's negative samples once: text_negative (text_negatives="
        "{value!r} is its deprecated name; text_negative is {text_negative!r})",
    ),
    rule(
        "window",
        ok=lambda v, p: v > 0 or (p["negative"] if p["negatives"] is None else p["negatives"]) > 0,
        message="window and negative are both 0: there would be no pairs",
    ),
    rule("alpha", ok=_alpha_ok, message="alpha must be 'auto' or a positive number, got {value!r}"),
    choice(
        "method", options=_METHODS, message=f"method must be one of {_METHODS}; got {{value!r}}"
    ),
    choice(
        "objective",
        options=_OBJECTIVES,
        message=f"objective must be one of {_OBJECTIVES}; got {{value!r}}",
    ),
    rule(
        "objective",
        ok=lambda v, p: v != "cosent" or p["method"] == "adam" or p["semantic_weight"] is not None,
        message="objective='cosent' ranks pairs within mini-batches: it needs "
        "method='adam' (method is {method!r})",
    ),
    number(
        "cosent_scale",
        low=0,
        high=200,
        message="cosent_scale must be a number in (0, 200), got {value!r} (20 is usual)",
    ),
    integer(
        "patience",
        "workers",
        optional=True,
        message="{name} must be an integer >= 1 or None, got {value!r}",
    ),
    number("min_distance", low=0, high=1, message="min_distance must be in (0, 1), got {value!r}"),
    rule(
        "positive_scale",
        "negative_scale",
        ok=_positive,
        message="{name} must be a positive number, got {value!r}",
    ),
    number(
        "prior_weight",
        low=0,
        low_open=False,
        message="prior_weight must be a positive number, got {value!r}",
    ),
    rule(
        "positive_penalty",
        "negative_penalty",
        ok=lambda v, p: callable(v) or (isinstance(v, str) and v in _PENALTIES),
        message="{name} must be "
        + ", ".join(map(repr, _PENALTIES))
        + " or a function; got {value!r}",
    ),
    choice(
        "duplicates",
        options=_DUPLICATES,
        message="duplicates must be " + ", ".join(map(repr, _DUPLICATES)) + "; got {value!r}",
    ),
    rule(
        "value_transform",
        ok=lambda v, p: v is None or callable(v) or (isinstance(v, str) and v in _TRANSFORMS),
        message="value_transform must be None, "
        + ", ".join(map(repr, _TRANSFORMS))
        + " or a function; got {value!r}",
    ),
    rule(
        "tokenizer",
        ok=lambda v, p: v is None or callable(v),
        message="tokenizer must be callable (text -> list of tokens), got {value!r}",
    ),
    rule(
        "semantic_weight",
        ok=_weight_ok,
        message="semantic_weight must be None (values only) or a number in [0, 1] "
        "(1: plain word2vec on the text), got {value!r}",
    ),
    rule(
        "value_size",
        ok=_value_size_ok,
        message="value_size must be 'auto' or an integer in [1, vector_size] "
        "(vector_size is {vector_size!r}), got {value!r}",
    ),
    integer("text_window", "text_negative", "text_epochs"),
    number(
        "text_alpha",
        low=0,
        high=10,
        message="text_alpha must be a positive number below 10 (0.025 is usual), got {value!r}",
    ),
    number(
        "sample",
        low=0,
        high=1,
        low_open=False,
        message="sample must be a number in [0, 1), got {value!r} (1e-3 is usual)",
    ),
    choice(
        "predictor",
        options=_PREDICTORS,
        message=f"predictor must be one of {_PREDICTORS}; got {{value!r}}",
    ),
    integer("n_neighbors"),
    number(
        "ridge_alpha",
        low=0,
        low_open=False,
        message="ridge_alpha must be a number >= 0, got {value!r}",
    ),
    integer(
        "seed", min=0, optional=True, message="seed must be an int >= 0 or None, got {value!r}"
    ),
    callbacks_rule(),
    *CHECKPOINT_RULES,
)
# joint training's value step (an angle per unit of dL/dcos), before the factor (1 - w)
_JOINT_ALPHA = {"mse": 2.0, "cosent": 20.0}
# joint training: at least this many value-pair steps per text token trained (tokens × text
# passes), so the value loss keeps pace with skip-gram as the text grows (IMDB: 10k reviews
# need about 2× ``epochs`` value passes, 100k about 6×; wine's 5k short descriptions none)
_JOINT_VALUE_PACE = 1.0
_CHECK_EVERY = 10  # epochs between early-stopping checks, as in the article
_CHUNKS = 64  # fixed reduction chunks: the loss does not depend on the thread count
_SERIAL_PAIRS = 200_000  # fewer pairs: the epoch's cosines on one thread
_ADAM = (0.9, 0.999, 1e-8)
_ADAM_BLOCK = 32  # centers per shuffled block (Adam) ...
_ADAM_BLOCK_MIN_WORDS = 16384  # ... from this vocabulary size; below it, pairs are shuffled


def _auto_alpha(method: str, n_words: int) -> float:
    """``alpha="auto"`` without text: 0.05 for Adam, ``0.05·(n/30)^0.45`` averaged."""
    if method == "adam":
        return 0.05
    return 0.05 * (max(int(n_words), 1) / 30.0) ** 0.45


class _ValueVecBase(Trainer):
    """What the parts of :class:`~wordspace.train.valuevec.model.ValueVec` share: the learned
    state's declarations and the values derived from the parameters. The parts, one module
    each, stack on it: ``pairs`` → ``persistence`` → ``predict`` → ``joint`` →
    ``values_only`` → ``pretrained`` → ``model``."""

    # the parameters (ValueVec.__init__ stores them; declared for type checkers)
    vector_size: int
    window: int
    negative: int
    negatives: int | None  # deprecated name of negative (until 0.4)
    epochs: int
    alpha: float | str
    method: str
    objective: str
    cosent_scale: float
    batch_size: int
    patience: int | None
    min_distance: float
    positive_scale: float
    negative_scale: float
    positive_penalty: str | Callable
    negative_penalty: str | Callable
    unique_negatives: bool
    duplicates: str
    value_transform: str | Callable | None
    min_count: int
    prior_weight: float
    tokenizer: Callable[[str], list[str]] | None
    semantic_weight: float | None
    value_size: int | str
    text_window: int
    text_negative: int
    text_negatives: int | None  # deprecated name of text_negative (until 0.4)
    sample: float
    text_alpha: float
    text_epochs: int
    predictor: str
    n_neighbors: int
    ridge_alpha: float
    workers: int | None
    seed: int | None
    callbacks: Sequence[Any]
    checkpoint_every: float | None
    checkpoint_path: str | os.PathLike | None

    # learned state, set by fit (declared for type checkers)
    wv: WordVectors
    vocab_: Vocabulary | None
    pairs_: ValuePairs
    main_vectors_: np.ndarray
    context_vectors_: np.ndarray
    syn0_: np.ndarray
    syn1neg_: np.ndarray
    value_rows_: np.ndarray
    value_epochs_: int
    value_transform_: str | None
    pretrained_size_: int | None
    text_values_: np.ndarray | None
    text_shrinkage_: float | None
    train_seconds_: float
    _resume_position: dict[str, Any] | None

    def _auto_alpha_text(self, n_words: int) -> str:
        auto = _auto_alpha(str(self.method), n_words)
        return f"{auto:.3g} for method={self.method!r} and {n_words:,} words"

    def _data_transform(self) -> Any:
        """The transform for the data: the parameter, except that ``"auto"`` in
        ``partial_fit`` keeps the transform chosen by ``fit`` (``value_transform_``), so old and
        new values stay on one scale."""
        if isinstance(self.value_transform, str) and self.value_transform == "auto":
            return self.__dict__.get("value_transform_", "auto")
        return self.value_transform

    def _negative(self) -> int:
        """Value-distant pairs per word: ``negative``, or its deprecated name when given."""
        return int(self.negative if self.negatives is None else self.negatives)

    def _text_negative(self) -> int:
        """Skip-gram's negative samples: ``text_negative``, or its deprecated name."""
        return int(self.text_negative if self.text_negatives is None else self.text_negatives)

    def _objective(self) -> str:
        return "mse" if self.objective == "auto" else str(self.objective)

    def _alpha(self, n_words: int) -> float:
        if self.alpha != "auto":
            return float(self.alpha)
        if self.semantic_weight is not None:
            return _JOINT_ALPHA[self._objective()]
        return _auto_alpha(str(self.method), n_words)

    def _value_slice(self) -> slice:
        """The dimensions the value loss acts on in joint training: the last ``value_size``."""
        d = int(self.vector_size)
        vs = -(-d // 3) if self.value_size == "auto" else int(self.value_size)
        return slice(d - vs, d)

    def _pair_kwargs(self) -> dict[str, Any]:
        return {
            "window": int(self.window),
            "negatives": self._negative(),
            "min_distance": float(self.min_distance),
            "positive_scale": float(self.positive_scale),
            "negative_scale": float(self.negative_scale),
            "positive_penalty": self.positive_penalty,
            "negative_penalty": self.negative_penalty,
            "unique_negatives": bool(self.unique_negatives),
        }

    @property
    def is_joint(self) -> bool:
        """True when the vectors were trained on text and values together."""
        return getattr(self, "vocab_", None) is not None


def _unit_rows(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=1, keepdims=True)
    return np.ascontiguousarray(m / np.where(n > 0, n, 1), dtype=np.float32)


def _frame(cols: dict[str, Any]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(cols)


def _series_name(y: Any) -> str | None:
    """The name of a pandas Series of values (None for arrays and lists)."""
    name = getattr(y, "name", None)
    return name if isinstance(name, str) and name else None
