"""ValueVec: word embeddings whose geometry follows an external value.

Words with similar values (price, rating, wavelength) get similar vectors, whatever their
co-occurrence. The method is the ValueVec article's: pairs built from the value order
(:class:`~wordspace.train.valuevec.values.ValuePairs`) carry target similarities in [0, 1]; main and context
vectors are trained so that the mapped cosine ``(cos + 1)/2`` of each pair matches its label
(``objective="mse"``) or so that the cosines are ordered as the labels (``"cosent"``).
With ``semantic_weight`` the same vectors are also trained by skip-gram on a text, so every
word of the text gets a place and a predicted value (:meth:`ValueVec.predict_value`).

>>> vv = ValueVec().fit(df, word="keyword", value="estimated_value")
>>> vv.wv.most_similar("crimson"); vv.wv.values["crimson"]
>>> ValueVec.article(seed=42).fit(df, word="keyword", value="estimated_value")  # as published
>>> ValueVec(semantic_weight=0.8).fit(reviews, text="text", value="rating").predict_value("dull")
"""

from __future__ import annotations

import logging
import math
import os
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from wordspace.errors import (
    CheckpointError,
    OutOfVocabularyError,
    ParameterError,
    TrainingDivergedError,
    ValueDataError,
)
from wordspace.text.tokenizer import Tokenizer
from wordspace.train._common import (
    CHECKPOINT_FIX,
    CHECKPOINT_RULES,
    Checkpointer,
    Trainer,
    _jsonable,
    callbacks_rule,
    check_finite,
    choice,
    integer,
    number,
    position_fields,
    rule,
    vocab_fingerprint,
)
from wordspace.train.valuevec.values import (
    _DUPLICATES,
    _PENALTIES,
    _TRANSFORMS,
    ValuePairs,
    _as_random,
    as_frame,
    records_to_word_values,
    word_value_table,
)
from wordspace.vectors.keyed import WordVectors

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from wordspace.text.vocab import Vocabulary

__all__ = ["ValueVec"]

logger = logging.getLogger(__name__)

_METHODS = ("averaged", "adam")


def _positive(v: Any, p: Any) -> bool:
    return bool(
        isinstance(v, int | float | np.integer | np.floating)
        and not isinstance(v, bool)
        and math.isfinite(v)
        and v > 0
    )


_OBJECTIVES = ("auto", "mse", "cosent")
_PREDICTORS = ("knn", "ridge")


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
    integer("window", "negatives", min=0),
    rule(
        "window",
        ok=lambda v, p: v > 0 or p["negatives"] > 0,
        message="window and negatives are both 0: there would be no pairs",
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
    integer("text_window", "text_negatives", "text_epochs"),
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
_CHUNKS = 64
_SERIAL_PAIRS = 200_000  # fewer pairs: the epoch's cosines on one thread  # fixed reduction chunks: the loss does not depend on the thread count
_ADAM = (0.9, 0.999, 1e-8)
_ADAM_BLOCK = 32  # centers per shuffled block (Adam) ...
_ADAM_BLOCK_MIN_WORDS = 16384  # ... from this vocabulary size; below it, pairs are shuffled


class ValueVec(Trainer):
    """Train value-driven word embeddings (scikit-learn style: parameters here, data in fit).

    The defaults aim at a cosine that follows the value over the *whole* range: labels
    ``cos²(π·Δ/2)`` (``"arc"``: the mapped cosine of two points ``π·Δ`` apart on a half
    circle, so a perfect fit exists and far pairs stay ordered), negatives drawn from almost
    the whole vocabulary, mini-batch Adam. :meth:`article` gives the ValueVec article's exact
    construction and update instead.

    Parameters
    ----------
    vector_size:
        Dimensions of the vectors.
    window, negatives, min_distance, positive_scale, negative_scale, positive_penalty,
    negative_penalty, unique_negatives:
        Pair construction, see :meth:`ValuePairs.from_values`; the label of a pair is
        ``penalty(scale·Δ)`` of the normalised value difference ``Δ``, with penalties
        ``"arc"`` (``cos²(π/2·min(1, x))``, the default), ``"quadratic"``
        (``max(0, 1 − x²)``), ``"linear"`` (``max(0, 1 − x)``) or a function.
    epochs:
        Maximum passes over the pairs.
    alpha:
        Learning rate (Adam's step size for ``"adam"``). ``"auto"``: 0.05 for ``"adam"``
        (its steps do not grow with the vocabulary, and an epoch holds more batches when
        there are more words); ``0.05·(n/30)^0.45`` for ``"averaged"`` with ``n`` words,
        whose update moves each word by at most ``alpha/2`` per epoch (0.05 for the article's
        30 colours, about 0.7 for 10⁴ words, 5 for 10⁶); for joint training, whose value
        steps are SGD on the vectors' directions decaying linearly to 0, 20 with
        ``"cosent"`` and 2 with ``"mse"``, times ``1 − semantic_weight``. The value used is
        ``alpha_``.
    method:
        ``"adam"`` (default): mini-batch (``batch_size``) sparse Adam; each epoch shuffles
        the pairs (from 16,384 words on: blocks of 32 consecutive center words, whose pairs
        stay together, which keeps memory access local; a batch still mixes many blocks).
        ``"averaged"``: the article's update — each epoch every pair proposes a tangent step
        for its two unit vectors, ``-alpha·0.5·((cos+1)/2 - label)·(v - cos·u)``; each word's
        steps are averaged over its pairs, applied, and the vectors re-normalised.
    objective:
        ``"mse"``: squared error between the mapped cosine ``(cos+1)/2`` and the label.
        ``"cosent"``: the CoSENT ranking loss within each mini-batch,
        ``log(1 + Σ_{y_ij > y_kl} exp(cosent_scale·(cos_kl − cos_ij)))``: only the order of
        the cosines is fitted to the order of the labels (needs ``method="adam"`` unless
        training jointly). ``"auto"`` (default): ``"mse"``, with or without text (it fits
        the labels' arc, the best alignment; jointly, in its own value block, it also transfers
        values to unvalued words better than CoSENT: wine +0.06 over word2vec where CoSENT
        gave none). The one used is ``objective_``.
    cosent_scale:
        CoSENT's scale λ. 5 rather than sentence-transformers' 20: labels derived from values
        have many near-ties, and a large λ spends the whole gradient on ordering them.
    patience:
        Early stopping: every 10 epochs the training loss is checked (``"mse"``: the mean
        absolute error of the *mapped* cosine ``|(cos+1)/2 - label|``, the article compared
        the raw cosine; ``"cosent"``: the mean batch loss); training stops after
        ``patience`` checks without improvement. None: never.
    duplicates, value_transform:
        For word-value tables: how to combine repeated words (``"mean"``, ``"median"``,
        ``"error"``), and an optional transform of the values (``"log"``, ``"log1p"``, a
        function) applied before anything else. Records whose value the transform cannot
        take (``<= 0`` for ``"log"``) are dropped with a warning naming how many; a word
        table with such a value is an error.
    min_count, prior_weight, tokenizer:
        For records (``fit(df, text=..., value=...)``): keep words in at least ``min_count``
        records; a word's value is ``(Σ v + k·mean) / (n + k)`` with ``k = prior_weight``;
        texts are split by ``tokenizer`` (default: the shared tokenizer with normalisation:
        lowercase, no accents, letters only). With text, ``min_count`` also bounds the text
        vocabulary (occurrences).
    semantic_weight:
        None (default): vectors only for the words with values, from the value pairs. A number
        ``w`` in [0, 1] with text (``fit(df, text=..., value=...)`` or ``corpus=``): one set
        of vectors for every word of the text, trained on two objectives at once — skip-gram
        with negative sampling on the text (the word2vec engine, step ``w·text_alpha``) and
        the value pairs of the valued words (step ``(1 − w)·alpha``), interleaved batch by
        batch. ``w = 1`` is plain word2vec; ``w → 0`` is value pairs only on those vectors.
        Records whose value is missing (NaN) still lend their text to the meaning half.
        Measured (``benchmarks/bench_valuevec2.py``), 0.8 is the recommended weight.
    value_size:
        Joint training: the value loss acts on the last ``value_size`` dimensions only, while
        skip-gram trains all of them. The value geometry then lives in its own block (see
        :meth:`value_vectors`, where :meth:`alignment` is measured) instead of bending the
        whole space: the meaning dimensions stay skip-gram's, and the value block still
        reaches the words without values through the shared skip-gram. ``"auto"``
        (default): a third of the vector, rounded up (5 of 15; half cost IMDB 0.04 of
        WordSim353); ``vector_size``: the whole vector.
    text_window, text_negatives, sample, text_alpha, text_epochs:
        The skip-gram half (window, negative samples, subsampling threshold, starting
        learning rate decaying linearly to 0, passes over the text). The value passes are
        spread evenly over the text passes: ``epochs`` of them, or more when the text is
        large — at least one value-pair step per text token trained (tokens × ``text_epochs``),
        so the value loss keeps pace with skip-gram (``value_epochs_``: the number used).
    predictor, n_neighbors, ridge_alpha:
        :meth:`predict_value`'s default: ``"knn"`` (mean value of the ``n_neighbors``
        nearest valued words, weighted by cosine) or ``"ridge"`` (a ridge regression of the
        value on the vectors, penalty ``ridge_alpha``).
    workers:
        Threads (None: all numba threads). Value-only results do not depend on it. Joint
        training runs ``workers`` text jobs at a time, Hogwild-style as :class:`Word2Vec`
        (None: one, and the result is reproducible).
    callbacks:
        As :class:`Word2Vec`'s: objects with ``on_train_begin/on_epoch_begin/on_epoch_end/
        on_train_end(model)`` or functions ``f(model, epoch)`` called after each epoch (joint
        training: each pass over the text), when ``main_vectors_``/``context_vectors_``
        (``syn0_``) are the current ones and ``epoch_loss_`` is the epoch's training loss.
    seed:
        Seeds the negative sampling (a ``random.Random(seed)`` stream, as the article's
        ``random.sample``), the initial vectors and the shuffling.
    checkpoint_every, checkpoint_path:
        Write the whole training state (vectors, Adam's moments and step, the shuffling's
        random stream, the early-stopping counters) to ``checkpoint_path`` every
        ``checkpoint_every`` seconds (default 600 when only the path is given), at an epoch
        boundary; :meth:`resume` continues from it. Joint training: the vectors, the
        skip-gram output weights, the text vocabulary, the valued words and their pairs, the
        position (text pass, job, value pairs done), the value pass's shuffled order and its
        random stream, at a boundary between text jobs (about 10,000 words each). With
        ``workers=1`` a resumed run ends bit for bit where the uninterrupted one would have;
        a checkpoint of other data (text vocabulary, corpus size, word values, pairs) or
        other parameters is refused with :class:`~wordspace.errors.CheckpointError`.

    Interrupting ``fit`` (``KeyboardInterrupt``) stops after the epoch under way (joint
    training: the text job under way) and re-raises; the model keeps the vectors reached,
    marked partial (``training_complete_`` False, ``training_progress_``).

    Attributes after fit
    --------------------
    wv: :class:`WordVectors` (unit vectors; value-only: words by descending value, values
    attached: ``wv.values["crimson"]``; joint: the text vocabulary by frequency, values NaN
    where a word has none); pairs_: :class:`ValuePairs`; word_values_: DataFrame
    (word, value, count); loss_history_: the training loss after each epoch;
    alpha_: the learning rate used; epochs_trained_, stopped_early_, train_seconds_;
    main_vectors_, context_vectors_ (value-only); vocab_, syn1neg_, value_epochs_ (joint: the
    value passes run; not saved with the model).
    """

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
    train_seconds_: float
    _resume_position: dict[str, Any] | None

    _constraints = _CONSTRAINTS
    _model_kind = "valuevec_model"
    _state_key = "valuevec"

    def __init__(
        self,
        *,
        vector_size: int = 15,
        window: int = 2,
        negatives: int = 10,
        epochs: int = 50,
        alpha: float | str = "auto",
        method: str = "adam",
        objective: str = "auto",
        cosent_scale: float = 5.0,
        batch_size: int = 1024,
        patience: int | None = 10,
        min_distance: float = 0.01,
        positive_scale: float = 1.0,
        negative_scale: float = 1.0,
        positive_penalty: str | Callable = "arc",
        negative_penalty: str | Callable = "arc",
        unique_negatives: bool = False,
        duplicates: str = "mean",
        value_transform: str | Callable | None = None,
        min_count: int = 5,
        prior_weight: float = 10.0,
        tokenizer: Callable[[str], list[str]] | None = None,
        semantic_weight: float | None = None,
        value_size: int | str = "auto",
        text_window: int = 5,
        text_negatives: int = 5,
        sample: float = 1e-3,
        text_alpha: float = 0.025,
        text_epochs: int = 5,
        predictor: str = "knn",
        n_neighbors: int = 10,
        ridge_alpha: float = 1.0,
        workers: int | None = None,
        seed: int | None = 42,
        callbacks: Sequence[Any] = (),
        checkpoint_every: float | None = None,
        checkpoint_path: str | os.PathLike | None = None,
    ):
        self.vector_size = vector_size
        self.window = window
        self.negatives = negatives
        self.epochs = epochs
        self.alpha = alpha
        self.method = method
        self.objective = objective
        self.cosent_scale = cosent_scale
        self.batch_size = batch_size
        self.patience = patience
        self.min_distance = min_distance
        self.positive_scale = positive_scale
        self.negative_scale = negative_scale
        self.positive_penalty = positive_penalty
        self.negative_penalty = negative_penalty
        self.unique_negatives = unique_negatives
        self.duplicates = duplicates
        self.value_transform = value_transform
        self.min_count = min_count
        self.prior_weight = prior_weight
        self.tokenizer = tokenizer
        self.semantic_weight = semantic_weight
        self.value_size = value_size
        self.text_window = text_window
        self.text_negatives = text_negatives
        self.sample = sample
        self.text_alpha = text_alpha
        self.text_epochs = text_epochs
        self.predictor = predictor
        self.n_neighbors = n_neighbors
        self.ridge_alpha = ridge_alpha
        self.workers = workers
        self.seed = seed
        self.callbacks = callbacks
        self.checkpoint_every = checkpoint_every
        self.checkpoint_path = checkpoint_path

    #: the ValueVec article's construction and update (see :meth:`article`)
    ARTICLE: ClassVar[dict[str, Any]] = {
        "vector_size": 15,
        "window": 2,
        "negatives": 3,
        "epochs": 1000,
        "alpha": 0.05,
        "method": "averaged",
        "objective": "mse",
        "min_distance": 0.25,
        "positive_scale": 2.0,
        "negative_scale": 3.0,
        "positive_penalty": "quadratic",
        "negative_penalty": "linear",
        "unique_negatives": False,
    }

    @classmethod
    def article(cls, **params: Any) -> ValueVec:
        """The ValueVec article's exact settings (dim 15, window 2, 3 negatives at least a
        quarter of the vocabulary away, labels ``max(0, 1 − (2Δ)²)`` / ``max(0, 1 − 3Δ)``,
        the averaged update with ``alpha=0.05`` for up to 1000 epochs); ``params`` override
        any of them. Fit it on :class:`ValuePairs` built with the article's random stream to
        reproduce its published pairs."""
        return cls(**{**cls.ARTICLE, **params})

    def _auto_alpha_text(self, n_words: int) -> str:
        auto = ValueVec(method=self.method)._alpha(n_words)
        return f"{auto:.3g} for method={self.method!r} and {n_words:,} words"

    def _objective(self) -> str:
        return "mse" if self.objective == "auto" else str(self.objective)

    def _alpha(self, n_words: int) -> float:
        if self.alpha != "auto":
            return float(self.alpha)
        if self.semantic_weight is not None:
            return _JOINT_ALPHA[self._objective()]
        if self.method == "adam":
            return 0.05
        return 0.05 * (max(int(n_words), 1) / 30.0) ** 0.45

    def _value_slice(self) -> slice:
        """The dimensions the value loss acts on in joint training: the last ``value_size``."""
        d = int(self.vector_size)
        vs = -(-d // 3) if self.value_size == "auto" else int(self.value_size)
        return slice(d - vs, d)

    def _pair_kwargs(self) -> dict[str, Any]:
        return {
            "window": int(self.window),
            "negatives": int(self.negatives),
            "min_distance": float(self.min_distance),
            "positive_scale": float(self.positive_scale),
            "negative_scale": float(self.negative_scale),
            "positive_penalty": self.positive_penalty,
            "negative_penalty": self.negative_penalty,
            "unique_negatives": bool(self.unique_negatives),
        }

    # --------------------------------------------------------------------------- fit
    def fit(
        self,
        X: Any,
        y: Any = None,
        *,
        word: str | None = None,
        value: str | None = None,
        text: str | None = None,
        corpus: Any = None,
        progress: Callable[..., None] | None = None,
        client: Any = None,
    ) -> ValueVec:
        """Build the pairs and train.

        ``X``: a DataFrame or a CSV/TSV/Parquet path (with ``word=`` and ``value=`` column
        names, or ``text=`` and ``value=`` for records), a ``{word: value}`` dict, a sequence
        of words with ``y`` the values, or prebuilt :class:`ValuePairs`.
        With ``semantic_weight`` set, meaning and value are trained together on the text:
        the records' ``text`` column, or ``corpus`` (a path, a :class:`~wordspace.Corpus`, or
        a list of texts or of token lists; a path is read with the corpus reader, normalised
        like the default tokenizer when ``tokenizer`` is None).
        ``progress(epoch, total=epochs, loss=..., alpha=...)`` is called after each epoch
        (joint training: after each pass over the text).
        ``client``: a ``dask.distributed.Client``; records ``X`` (a ``dask.dataframe``) are
        tokenised and aggregated on its workers (:mod:`wordspace.distributed`).
        """
        if client is not None:
            from wordspace.distributed import fit_valuevec

            return fit_valuevec(
                self, X, text=text, value=value, client=client, word=word, progress=progress
            )
        self._validate()
        resume = self._take_resume()
        self.value_name_ = value if value is not None else _series_name(y)
        if self.semantic_weight is not None:
            return self._fit_joint(
                X,
                y,
                word=word,
                value=value,
                text=text,
                corpus=corpus,
                progress=progress,
                resume=resume,
            )
        if corpus is not None:
            raise ParameterError(
                "corpus= trains meaning and value together: set semantic_weight (a number in "
                "[0, 1], e.g. 0.5) to use it, or drop corpus="
            )
        t0 = time.perf_counter()
        init = None
        if resume is not None:
            init = (self.main_vectors_, self.context_vectors_)
        pairs = self._build_pairs(X, y, word=word, value=value, text=text)
        self.pairs_ = pairs
        logger.info(
            "ValueVec: %d words, %d pairs (%.2fs)",
            pairs.n_words,
            len(pairs),
            time.perf_counter() - t0,
        )
        found = {
            "vocabulary": vocab_fingerprint(list(pairs.words), None),
            "pairs": _pairs_fingerprint(pairs),
        }
        self.vocab_ = None
        if resume is not None:
            self._check_resume_data(resume, **found)
            self._end_resume()
            self._resume_position = resume
        else:
            self._set_fingerprints(**found)
            self.epochs_trained_ = 0
            self.loss_history_ = np.zeros(0, dtype=np.float64)
        self._fit_pairs(pairs, init, progress)
        return self

    # ------------------------------------------------------------------ joint training
    @property
    def is_joint(self) -> bool:
        """True when the vectors were trained on text and values together."""
        return getattr(self, "vocab_", None) is not None

    def _joint_data(
        self, X: Any, y: Any, *, word: str | None, value: str | None, text: str | None, corpus: Any
    ) -> tuple[pd.DataFrame | None, Any]:
        """The word-value table (None when ``X`` is None) and the text corpus of joint
        training: the records' ``text`` column, or ``corpus``."""
        from wordspace.text.corpus import Corpus, as_corpus

        if isinstance(X, ValuePairs):
            raise ParameterError(
                "joint training (semantic_weight set) builds its pairs from the words of the "
                "text: give a word-value table or records, not ValuePairs"
            )
        tok = self.tokenizer or Tokenizer(normalize=True)
        rec_tokens = None
        wvals = None
        if text is not None:
            if word is not None:
                raise ParameterError(
                    "give either word= (a word-value table) or text= (records), not both"
                )
            df, key, val = as_frame(X, y, text=text, value=value)
            rec_tokens = [tok(t) if isinstance(t, str) else [] for t in df[key].tolist()]
            # a record without a value still has text: it trains the meaning half only
            has = df[val].notna().to_numpy()
            if not has.all():
                logger.info(
                    "%d of %d records have no %r: their text trains meaning only",
                    int((~has).sum()),
                    len(has),
                    val,
                )
            wvals = records_to_word_values(
                df[key][has].tolist(),
                df[val][has],
                tokenizer=tok,
                prior_weight=float(self.prior_weight),
                min_count=int(self.min_count),
                value_transform=self.value_transform,
                column=val,
                tokens=[t for t, h in zip(rec_tokens, has, strict=True) if h],
            )
        elif X is not None:
            wvals = word_value_table(
                X,
                y,
                word=word,
                value=value,
                duplicates=self.duplicates,
                value_transform=self.value_transform,
            )
        if corpus is not None:
            if isinstance(corpus, str | os.PathLike):
                corp = as_corpus(corpus, normalize=self.tokenizer is None)
            elif isinstance(corpus, Corpus):
                corp = corpus
            else:
                corp = as_corpus([tok(t) if isinstance(t, str) else list(t) for t in corpus])
        elif rec_tokens is not None:
            corp = as_corpus(rec_tokens)
        else:
            raise ParameterError(
                "semantic_weight trains on text as well as values: fit records "
                "(fit(df, text=..., value=...)) or pass corpus= (a path or a list of texts); "
                "or set semantic_weight=None for values only"
            )
        return wvals, corp

    def _set_joint_pairs(self, wvals: pd.DataFrame, vocab: Vocabulary) -> None:
        """``word_values_``, ``pairs_`` (the valued words of the vocabulary) and
        ``value_rows_``."""
        inside = wvals["word"].isin(vocab.key_to_index).to_numpy()
        if int(inside.sum()) < 3:
            raise ValueDataError(
                f"only {int(inside.sum())} of the {len(wvals):,} words with values occur in "
                f"the text at least min_count={self.min_count} times; joint training needs 3"
            )
        self.word_values_ = wvals
        kept = wvals[inside]
        pairs = ValuePairs._from_table(
            kept["word"].tolist(),
            kept["value"].to_numpy(np.float64),
            _as_random(self.seed),
            **self._pair_kwargs(),
        )
        self.pairs_ = pairs
        self.value_rows_ = np.array([vocab.key_to_index[w] for w in pairs.words], np.int64)

    def _fit_joint(
        self,
        X: Any,
        y: Any,
        *,
        word: str | None,
        value: str | None,
        text: str | None,
        corpus: Any,
        progress: Callable[..., None] | None,
        resume: dict[str, Any] | None = None,
    ) -> ValueVec:
        from wordspace.text.vocab import Vocabulary
        from wordspace.train.word2vec import _init_vectors

        t0 = time.perf_counter()
        if resume is not None and resume["position"].get("continued"):
            raise CheckpointError(
                f"{resume['path']} was written by partial_fit: continue it with "
                "ValueVec.resume(path).partial_fit(...) on the same data"
            )
        wvals, corp = self._joint_data(X, y, word=word, value=value, text=text, corpus=corpus)
        assert wvals is not None  # fit always has X
        vocab = Vocabulary.build(corp, int(self.min_count))
        ids, starts = corp.to_ids(vocab)
        corp.clear_cache()
        if len(ids) == 0:
            raise ValueDataError(
                f"no word of the text occurs min_count={self.min_count} times; lower min_count "
                "or give more text"
            )
        found = {
            "vocabulary": vocab_fingerprint(vocab.index_to_key, vocab.counts),
            "corpus": {"words": int(len(ids)), "sentences": int(len(starts) - 1)},
            "values": _values_fingerprint(wvals),
        }
        if resume is not None:  # before anything of the checkpoint's model is replaced
            self._check_resume_data(resume, **found)
        self._set_joint_pairs(wvals, vocab)
        pairs = self.pairs_
        self.vocab_ = vocab
        logger.info(
            "ValueVec (joint): %d words in the text, %d with values, %d pairs, %d tokens (%.2fs)",
            len(vocab),
            pairs.n_words,
            len(pairs),
            len(ids),
            time.perf_counter() - t0,
        )
        n, d = len(vocab), int(self.vector_size)
        if resume is not None:
            self._check_resume_data(resume, pairs=_pairs_fingerprint(pairs), **found)
            self._end_resume()
            self._resume_position = resume
            if self.syn0_.shape != (n, d) or self.syn1neg_.shape != (n, d):
                raise CheckpointError(
                    f"{resume['path']}: the checkpoint's vectors do not "
                    f"match its vocabulary ({n:,} words, {d} dimensions)"
                )
        else:
            self._set_fingerprints(pairs=_pairs_fingerprint(pairs), **found)
            self.syn0_ = _init_vectors(np.random.default_rng(self.seed), n, d)
            self.syn1neg_ = np.zeros((n, d), dtype=np.float32)
            self.epochs_trained_ = 0
            self.loss_history_ = np.zeros(0, dtype=np.float64)
        return self._run_joint(ids, starts, progress, base=0)

    def _run_joint(
        self,
        ids: np.ndarray,
        starts: np.ndarray,
        progress: Callable[..., None] | None,
        *,
        base: int,
        continued: bool = False,
    ) -> ValueVec:
        t1 = time.perf_counter()
        try:
            self._train_joint(ids, starts, progress, base=base, continued=continued)
        except TrainingDivergedError:
            self.wv = None  # type: ignore[assignment]  # diverged: not fitted, nothing to query
            raise
        self.train_seconds_ = time.perf_counter() - t1
        self._make_joint_wv()
        return self

    def _train_joint(
        self,
        ids: np.ndarray,
        starts: np.ndarray,
        progress: Callable[..., None] | None,
        *,
        base: int = 0,
        continued: bool = False,
    ) -> None:
        """Train ``syn0_``/``syn1neg_`` for ``text_epochs`` passes over the text (ids), with
        ``epochs`` passes over the value pairs spread over them. ``base``: the text passes
        trained before (partial_fit): the random streams go on from there. Checkpoints at
        the boundaries of the groups of text jobs (and at epoch ends)."""
        from concurrent.futures import ThreadPoolExecutor

        from wordspace.kernels.valuevec import pair_cosines_serial
        from wordspace.kernels.valuevec_rank import COSENT, MSE, value_sgd
        from wordspace.kernels.word2vec import train_job
        from wordspace.train._common import mix_seed

        vocab, pairs = self.vocab_, self.pairs_
        assert vocab is not None and self.semantic_weight is not None  # set by _fit_joint
        d = int(self.vector_size)
        syn0, syn1neg = self.syn0_, self.syn1neg_
        w = float(self.semantic_weight)
        vblock = syn0[:, self._value_slice()]  # the value loss's dimensions (a view)
        keep = vocab.keep_probabilities(float(self.sample))
        keep_int = np.minimum(np.floor(keep * 2.0**32), 2.0**32 - 1).astype(np.int64)
        noise_thr, noise_alias = vocab.noise_alias(0.75)
        codes, points, lens = (
            np.zeros((1, 1), np.uint8),
            np.zeros((1, 1), np.int32),
            np.zeros(1, np.int32),
        )
        n_words = int(len(ids))
        n_sent = len(starts) - 1
        batch_words = 10000
        bounds = np.unique(
            np.concatenate(
                [
                    [0],
                    np.searchsorted(starts, np.arange(batch_words, n_words, batch_words)),
                    [n_sent],
                ]
            )
        ).astype(np.int64)
        jobs = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
        text_epochs = int(self.text_epochs)
        denom = float(max(n_words * text_epochs - 1, 1))
        alpha0 = w * float(self.text_alpha)
        args = (
            syn0,
            syn1neg,
            np.zeros((1, d), np.float32),
            keep_int,
            noise_thr,
            noise_alias,
            codes,
            points,
            lens,
            1,
            False,
            int(self.text_negatives),
            1,
            int(self.text_window),
            True,
        )
        lr_v = (1.0 - w) * self._alpha(pairs.n_words)
        self.alpha_ = lr_v
        self.objective_ = self._objective()
        objective = COSENT if self.objective_ == "cosent" else MSE
        center = np.ascontiguousarray(pairs.center, dtype=np.int32)
        context = np.ascontiguousarray(pairs.context, dtype=np.int32)
        label = np.ascontiguousarray(pairs.label, dtype=np.float32)
        sims = np.empty(len(center), dtype=np.float32)
        n_pairs = len(center)
        passes = int(self.epochs)
        if alpha0 > 0:  # keep pace with the text (see _JOINT_VALUE_PACE)
            passes = max(
                passes, math.ceil(_JOINT_VALUE_PACE * n_words * text_epochs / max(n_pairs, 1))
            )
        self.value_epochs_ = passes if lr_v > 0 else 0
        total_value = passes * n_pairs if lr_v > 0 else 0
        seed = 0 if self.seed is None else int(self.seed)
        vgen = np.random.default_rng([seed, 1] if base == 0 else [seed, 1, base])
        workers = max(1, int(self.workers or 1))
        n_jobs_total = text_epochs * len(jobs)
        vpos = 0
        cur = -1
        order = np.empty(0, dtype=np.int64)
        prev = np.asarray(self.loss_history_, dtype=np.float64)[:base]
        history: list[float] = []
        done = 0
        e0 = j0 = 0
        spent = 0.0
        # where to start: a fresh run, or the position saved in a checkpoint
        resume = getattr(self, "_resume_position", None)
        self._resume_position = None
        if resume is not None:
            f = position_fields(resume)
            if f.int("base", lo=0) != base or f.int("jobs", lo=0) != len(jobs):
                raise CheckpointError(
                    f"{resume['path']} was made on other data: the text is "
                    "cut into other jobs; resume on the same corpus"
                )
            e0 = f.int("epoch", lo=0, hi=max(text_epochs - 1, 0))
            j0 = f.int("job", lo=0, hi=max(len(jobs) - 1, 0))
            done = f.int("done", lo=0, hi=n_jobs_total)
            vpos = f.int("vpos", lo=0, hi=total_value)
            cur = f.int("cur", lo=-1, hi=max(passes - 1, -1))
            spent = f.num("seconds", lo=0.0)
            try:
                vgen.bit_generator.state = f.obj("vgen").doc
            except (TypeError, ValueError, KeyError) as why:
                raise CheckpointError(
                    f"{resume['path']}: checkpoint.position.vgen is not a random generator "
                    f"state ({why}); {CHECKPOINT_FIX}"
                ) from None
            if cur >= 0:
                order = np.ascontiguousarray(resume["arrays"]["value_order"], dtype=np.int64)
                if order.shape != (n_pairs,):
                    raise CheckpointError(
                        f"{resume['path']}: ckpt_value_order.npy has shape "
                        f"{order.shape}, not ({n_pairs},)"
                    )
            history = [float(x) for x in np.asarray(self.loss_history_)[base:]]
            if len(history) != e0:
                raise CheckpointError(
                    f"{resume['path']}: the loss history holds {len(history)} text epochs, not {e0}"
                )
        ckpt = Checkpointer(self)
        t_start = time.perf_counter() - spent

        def run(e: int, j: int) -> None:
            s0, s1 = jobs[j]
            train_job(
                ids,
                starts,
                s0,
                s1,
                *args,
                alpha0,
                alpha0,
                e * n_words + int(starts[s0]),
                denom,
                np.uint64(mix_seed(self.seed or 0, base + e, j)),
                False,
                False,
            )

        def keep_state() -> None:  # the state reached, as the model's
            self.loss_history_ = np.concatenate([prev, np.asarray(history, np.float64)])
            self.epochs_trained_ = base + len(history)
            self.stopped_early_ = False
            self.train_seconds_ = time.perf_counter() - t_start

        def where(e: int) -> dict[str, Any]:
            return {
                "epoch": min(e + 1, text_epochs),
                "epochs": text_epochs,
                "done": done,
                "total": n_jobs_total,
                "unit": "text",
            }

        def checkpoint(e: int, j: int) -> None:
            keep_state()
            ckpt.write(
                self,
                {
                    "base": base,
                    "continued": continued,
                    "epoch": e,
                    "job": j,
                    "jobs": len(jobs),
                    "done": done,
                    "vpos": vpos,
                    "cur": cur,
                    "vgen": vgen.bit_generator.state,
                    "seconds": time.perf_counter() - t_start,
                    "progress": where(e),
                },
                {"value_order": order},
            )

        pool = ThreadPoolExecutor(workers) if workers > 1 else None
        e = e0
        self._call_callbacks("on_train_begin")
        try:
            for e in range(e0, text_epochs):
                if not (e == e0 and j0 > 0):
                    self._call_callbacks("on_epoch_begin")
                for g0 in range(j0 if e == e0 else 0, len(jobs), workers):
                    group = range(g0, min(len(jobs), g0 + workers))
                    if alpha0 > 0:
                        if pool is None:
                            for j in group:
                                run(e, j)
                        else:
                            list(pool.map(lambda j, e=e: run(e, j), group))
                    done += len(group)
                    target = total_value * done // n_jobs_total
                    while vpos < target:
                        k, off = divmod(vpos, n_pairs)
                        if k != cur:
                            order = vgen.permutation(n_pairs).astype(np.int64)
                            cur = k
                        hi = min(n_pairs, off + (target - vpos))
                        lr_now = lr_v * max(1.0 - vpos / total_value, 1e-4)
                        value_sgd(
                            vblock,
                            self.value_rows_,
                            center,
                            context,
                            label,
                            order,
                            off,
                            hi,
                            int(self.batch_size),
                            lr_now,
                            objective,
                            float(self.cosent_scale),
                        )
                        vpos += hi - off
                    if group.stop < len(jobs) and ckpt.due():
                        checkpoint(e, group.stop)
                unit = _unit_rows(vblock[self.value_rows_])
                err = float(pair_cosines_serial(unit, unit, center, context, label, sims, 64))
                history.append(err)
                check_finite(
                    {"the vectors": syn0, "the output weights": syn1neg},
                    loss=err,
                    where=f"text epoch {base + e + 1}",
                    fix=f"lower text_alpha (now {self.text_alpha}) or alpha "
                    f"(now {lr_v / max(1.0 - w, 1e-12):g})",
                )
                if progress is not None:
                    progress(e + 1, total=text_epochs, loss=err, alpha=lr_v)
                self.epoch_loss_ = err
                self._call_callbacks("on_epoch_end", epoch=base + e + 1)
                if e + 1 < text_epochs and ckpt.due():
                    checkpoint(e + 1, 0)
        except KeyboardInterrupt:
            if pool is not None:  # the text jobs in flight end first
                pool.shutdown(wait=True, cancel_futures=True)
                pool = None
            keep_state()
            self._mark_progress(False, **where(e))
            self._make_joint_wv()
            raise
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        keep_state()
        self._mark_progress(True, **where(text_epochs - 1))
        self._call_callbacks("on_train_end")

    def _make_joint_wv(self) -> None:
        vocab = self.vocab_
        assert vocab is not None  # joint models only
        vals = np.full(len(vocab), np.nan)
        vals[self.value_rows_] = self.pairs_.values
        self.wv = WordVectors(
            vocab.index_to_key,
            self.syn0_,
            counts=vocab.counts,
            extras={"values": vals},
            meta={
                "trainer": "valuevec",
                "params": self._config(),
                "joint": True,
                "pairs": len(self.pairs_),
                "epochs_trained": self.epochs_trained_,
                **self._meta_extra(),
            },
        )

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
        rng = _as_random(self.seed)
        if isinstance(X, ValuePairs):
            pairs = X
            self.word_values_ = _frame(
                {
                    "word": pairs.words,
                    "value": pairs.values,
                    "count": np.ones(pairs.n_words, dtype=np.int64),
                }
            )
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
                    value_transform=self.value_transform,
                    column=val,
                )
            else:
                wvals = word_value_table(
                    X,
                    y,
                    word=word,
                    value=value,
                    duplicates=self.duplicates,
                    value_transform=self.value_transform,
                )
            self.word_values_ = wvals
            pairs = ValuePairs._from_table(
                wvals["word"].tolist(),
                wvals["value"].to_numpy(np.float64),
                rng,
                **self._pair_kwargs(),
            )
        self.pairs_ = pairs
        return pairs

    def partial_fit(
        self,
        X: Any = None,
        y: Any = None,
        *,
        progress: Callable[..., None] | None = None,
        **fit_kw: Any,
    ) -> ValueVec:
        """Continue training the current vectors for up to ``epochs`` more passes.

        Values-only models: with no data, on the fitted pairs; with data (as :meth:`fit`
        takes it), on pairs built from it, which must cover the same words (their vectors are
        carried over). Adam's moment estimates restart.

        Joint models (``semantic_weight`` set): on more text, which must be given (the text
        of ``fit`` is not kept with the model) — records (``partial_fit(df, text=...,
        value=...)``), or ``corpus=`` with or without a word-value table. The vectors and the
        output weights go on from where they are, for ``text_epochs`` passes over the new text
        (skip-gram's step decaying from ``semantic_weight·text_alpha`` to 0 again, as
        :meth:`Word2Vec.partial_fit`) with ``epochs`` value passes spread over them. The
        vocabulary is fixed (gensim's ``update=False``): words of the new text or data outside
        it are skipped, and a warning says how many. The values of the new data are merged
        into ``word_values_``: a word valued before and now gets the count-weighted mean of
        the two values (its counts added), a word of the vocabulary valued only now joins the
        valued words, and the value pairs are built again from the merged table; without
        values (``corpus=`` alone) the valued words and their pairs stay. Checkpoints work as
        in :meth:`fit`; ``ValueVec.resume(path).partial_fit(...)`` on the same data finishes a
        checkpointed partial_fit.

        On a model that is not fitted yet this is :meth:`fit`.
        """
        self._validate()
        if not self.is_fitted:
            if X is None:
                raise ParameterError("partial_fit needs data on a model that is not fitted")
            return self.fit(X, y, progress=progress, **fit_kw)
        if self.is_joint:
            return self._partial_fit_joint(X, y, progress=progress, **fit_kw)
        self._end_resume()
        old = {w: i for i, w in enumerate(self.pairs_.words)}
        main, ctx = self.main_vectors_, self.context_vectors_
        if X is not None:
            previous = (self.pairs_, self.word_values_)
            self._build_pairs(X, y, **fit_kw)
            words = self.pairs_.words
            if set(words) != set(old):
                self.pairs_, self.word_values_ = previous
                raise ParameterError(
                    f"partial_fit continues on the same words: the new data has {len(words):,} "
                    f"words, {len(set(words) - set(old)):,} of them new, and lacks "
                    f"{len(set(old) - set(words)):,}; call fit() to start afresh"
                )
            order = np.array([old[w] for w in words], dtype=np.int64)
            main, ctx = main[order], ctx[order]
        self._fit_pairs(
            self.pairs_,
            (
                np.array(main, dtype=np.float32, order="C"),
                np.array(ctx, dtype=np.float32, order="C"),
            ),
            progress,
        )
        return self

    def _partial_fit_joint(
        self,
        X: Any,
        y: Any,
        *,
        progress: Callable[..., None] | None,
        word: str | None = None,
        value: str | None = None,
        text: str | None = None,
        corpus: Any = None,
    ) -> ValueVec:
        vocab = self.vocab_
        assert vocab is not None  # a joint model
        ck = getattr(self, "_resume_from", None)
        if ck is not None and not ck["position"].get("continued"):
            self._end_resume()  # a fit's checkpoint: continue its vectors, as for Word2Vec
        resume = self._take_resume()
        if self.semantic_weight is None:
            raise ParameterError(
                "this model was trained on text and values together: partial_fit needs "
                "semantic_weight (None now); set it back, e.g. to the model's "
                f"{self.wv.meta.get('params', {}).get('semantic_weight')!r}"
            )
        d = int(self.vector_size)
        if self.syn0_.shape[1] != d:
            raise ParameterError(
                f"vector_size={d} but the model's vectors have {self.syn0_.shape[1]} "
                "dimensions; vector_size cannot change after training"
            )
        if X is None and corpus is None:
            raise ParameterError(
                "a joint model continues on more text, which partial_fit needs (the text of "
                "fit() is not kept with the model): give records (partial_fit(df, text=..., "
                "value=...)) or corpus= (a path or a list of texts), with or without a "
                "word-value table"
            )
        t0 = time.perf_counter()
        wvals, corp = self._joint_data(X, y, word=word, value=value, text=text, corpus=corpus)
        scan = corp.scan()
        n_tokens = scan.total_words
        unknown_types = sum(1 for t in scan.types if t not in vocab.key_to_index)
        ids, starts = corp.to_ids(vocab)
        corp.clear_cache()
        if len(ids) == 0:
            raise ValueDataError(
                f"none of the {n_tokens:,} words of the text is in the model's vocabulary "
                f"({len(vocab):,} words, fixed at fit()); fit() again to train on new words"
            )
        skipped = []
        if unknown_types:
            skipped.append(
                f"{unknown_types:,} of the {len(scan.types):,} distinct words of "
                f"the text ({n_tokens - len(ids):,} of {n_tokens:,} tokens)"
            )
        if wvals is not None:
            out = int((~wvals["word"].isin(vocab.key_to_index)).sum())
            if out:
                skipped.append(f"{out:,} of the {len(wvals):,} words with values")
        if skipped:
            warnings.warn(
                "partial_fit keeps the vocabulary of fit(): "
                + " and ".join(skipped)
                + " are not in it and are skipped; fit() again to take new words in",
                stacklevel=3,
            )
        base = int(self.epochs_trained_)
        found = {
            "vocabulary": vocab_fingerprint(vocab.index_to_key, vocab.counts),
            "corpus": {"words": int(len(ids)), "sentences": int(len(starts) - 1)},
            "values": (
                _values_fingerprint(wvals) if wvals is not None else {"size": 0, "hash": ""}
            ),
        }
        if resume is not None:
            self._check_resume_data(resume, **found)
            base = int(resume["position"]["base"])
            self._end_resume()
            self._resume_position = resume
        else:
            self._set_fingerprints(**found)
            if wvals is not None:
                self._set_joint_pairs(_merge_values(self.word_values_, wvals), vocab)
        if X is not None:
            self.value_name_ = value if value is not None else _series_name(y)
        self.syn0_ = np.ascontiguousarray(self.syn0_, dtype=np.float32)
        self.syn1neg_ = np.ascontiguousarray(self.syn1neg_, dtype=np.float32)
        logger.info(
            "ValueVec (joint) partial_fit: %d tokens of the vocabulary, %d words with "
            "values, %d pairs (%.2fs)",
            len(ids),
            self.pairs_.n_words,
            len(self.pairs_),
            time.perf_counter() - t0,
        )
        return self._run_joint(ids, starts, progress, base=base, continued=True)

    def _fit_pairs(
        self,
        pairs: ValuePairs,
        init: tuple[np.ndarray, np.ndarray] | None,
        progress: Callable[..., None] | None,
    ) -> None:
        t1 = time.perf_counter()
        try:
            self._train(pairs, progress, init)
        except TrainingDivergedError:
            self.wv = None  # type: ignore[assignment]  # garbage: not fitted, nothing to query
            raise
        self.train_seconds_ = time.perf_counter() - t1
        self._make_wv()

    def _meta_extra(self) -> dict[str, Any]:
        """The loss history, and the values' name and transform for plots ("price (log)")."""
        tr = self.value_transform
        return {
            "loss_history": [float(x) for x in getattr(self, "loss_history_", [])],
            "value_name": getattr(self, "value_name_", None),
            "value_transform": tr if tr is None or isinstance(tr, str) else "custom",
        }

    def _make_wv(self) -> None:
        if self.is_joint:
            self._make_joint_wv()
            return
        pairs = self.pairs_
        counts = self.word_values_.set_index("word")["count"].reindex(pairs.words)
        counts = counts.fillna(1).to_numpy(np.int64)
        final = self.main_vectors_ + self.context_vectors_
        nrm = np.linalg.norm(final, axis=1, keepdims=True)
        final = final / np.where(nrm > 0, nrm, 1).astype(np.float32)
        self.wv = WordVectors(
            pairs.words,
            final.astype(np.float32),
            counts=counts,
            extras={"values": np.asarray(pairs.values, dtype=np.float64)},
            meta={
                "trainer": "valuevec",
                "params": self._config(),
                "pairs": len(pairs),
                "epochs_trained": self.epochs_trained_,
                **self._meta_extra(),
            },
        )

    def _train(
        self,
        pairs: ValuePairs,
        progress: Callable[..., None] | None,
        init: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        import numba

        from wordspace.kernels.valuevec import (
            adam_epoch,
            averaged_step,
            pair_cosines,
            pair_cosines_serial,
        )
        from wordspace.kernels.valuevec_rank import COSENT, adam_epoch_objective

        nw, d = pairs.n_words, int(self.vector_size)
        first = int(self.epochs_trained_)
        resume = getattr(self, "_resume_position", None)
        self._resume_position = None
        pos = None if resume is None else resume["position"]
        if pos is not None:
            assert resume is not None
            f = position_fields(resume)
            first = f.int("first", lo=0, hi=len(self.loss_history_))
            f.int("epoch", lo=0, hi=max(int(self.epochs) - 1, 0))
            f.int("bad", lo=0)
            f.num("best", finite=False)
            if "step" in pos:
                f.int("step", lo=0)
            if not isinstance(pos.get("gen"), dict):
                f.obj("gen")
        prev = np.asarray(self.loss_history_, np.float64)[:first]
        gen = np.random.default_rng(
            self.seed if self.seed is None or first == 0 else [int(self.seed), first]
        )
        if pos is not None:
            try:
                gen.bit_generator.state = pos["gen"]
            except (TypeError, ValueError, KeyError) as why:
                ck_path = resume["path"] if resume is not None else "the checkpoint"
                raise CheckpointError(
                    f"{ck_path}: checkpoint.position.gen is not a random generator "
                    f"state ({why}); {CHECKPOINT_FIX}"
                ) from None
        if init is None:
            main = _unit_rows(gen.standard_normal((nw, d), dtype=np.float32))
            ctx = _unit_rows(gen.standard_normal((nw, d), dtype=np.float32))
        else:
            main, ctx = init
            if main.shape != (nw, d):
                raise ParameterError(
                    f"vector_size={d} but the model's vectors have {main.shape[1]} dimensions; "
                    "vector_size cannot change after training"
                )
        center = np.ascontiguousarray(pairs.center, dtype=np.int32)
        context = np.ascontiguousarray(pairs.context, dtype=np.int32)
        label = np.ascontiguousarray(pairs.label, dtype=np.float32)
        sims = np.empty(len(center), dtype=np.float32)
        if len(center) < _SERIAL_PAIRS:
            pair_cosines = pair_cosines_serial  # noqa: F811 - same sums, no thread start-up
        lr = self._alpha(nw)
        self.alpha_ = lr
        self.objective_ = self._objective()
        cosent = self.objective_ == "cosent"
        history: list[float] = []
        best = math.inf
        bad = 0
        stopped = False
        e0 = 0
        if pos is not None:
            history = [float(x) for x in np.asarray(self.loss_history_)[first:]]
            best, bad, e0 = float(pos["best"]), int(pos["bad"]), int(pos["epoch"])
        ckpt = Checkpointer(self)
        epochs = int(self.epochs)
        n_pairs = len(center)

        t_start = time.perf_counter()

        def keep(stopped_now: bool) -> None:  # the state reached, as the model's
            self.main_vectors_, self.context_vectors_ = main, ctx
            self.loss_history_ = np.concatenate([prev, np.asarray(history, np.float64)])
            self.epochs_trained_ = first + len(history)
            self.stopped_early_ = stopped_now
            self.train_seconds_ = time.perf_counter() - t_start

        def where(epoch: int) -> dict[str, Any]:
            return {
                "epoch": min(epoch + 1, epochs),
                "epochs": epochs,
                "done": epoch * n_pairs,
                "total": epochs * n_pairs,
                "unit": "pairs",
                "alpha": lr,
            }

        epoch = e0
        old_threads = numba.get_num_threads()
        if self.workers is not None:
            numba.set_num_threads(max(1, min(int(self.workers), numba.config.NUMBA_NUM_THREADS)))  # type: ignore[attr-defined]  # set at import
        try:
            if self.method == "averaged":
                c_order = np.argsort(center, kind="stable").astype(np.int64)
                c_ptr = np.concatenate([[0], np.cumsum(np.bincount(center, minlength=nw))])
                x_order = np.argsort(context, kind="stable").astype(np.int64)
                x_ptr = np.concatenate([[0], np.cumsum(np.bincount(context, minlength=nw))])
                c_ptr = c_ptr.astype(np.int64)
                x_ptr = x_ptr.astype(np.int64)
                new_main = np.empty_like(main)
                new_ctx = np.empty_like(ctx)
                pair_cosines(main, ctx, center, context, label, sims, _CHUNKS)
            else:
                b1, b2, eps = _ADAM
                state_main = np.zeros((nw, 3, d), dtype=np.float32)
                state_ctx = np.zeros((nw, 3, d), dtype=np.float32)
                stamp_main = np.zeros(nw, dtype=np.int64)
                stamp_ctx = np.zeros(nw, dtype=np.int64)
                touched_main = np.empty(nw, dtype=np.int64)
                touched_ctx = np.empty(nw, dtype=np.int64)
                step = 0
                if pos is not None and resume is not None:
                    arrs = resume["arrays"]
                    for name, a in (
                        ("adam_main", state_main),
                        ("adam_ctx", state_ctx),
                        ("stamp_main", stamp_main),
                        ("stamp_ctx", stamp_ctx),
                    ):
                        if name not in arrs or arrs[name].shape != a.shape:
                            raise ParameterError(
                                f"{resume['path']}: the checkpoint's "
                                f"ckpt_{name}.npy is missing or misshapen"
                            )
                        a[:] = arrs[name]
                    step = int(pos["step"])
                # Shuffle blocks of consecutive centers (their pairs, in order) rather than
                # single pairs: neighbours in value are neighbours in memory, so a block's rows
                # share cache lines; batches still mix many distant blocks.
                by_center = np.argsort(center, kind="stable").astype(np.int64)
                counts = np.bincount(center, minlength=nw)
                bounds = np.concatenate([[0], np.cumsum(counts)])[::_ADAM_BLOCK]
                bounds = np.unique(np.append(bounds, len(center))).astype(np.int64)
                b_start, b_len = bounds[:-1], np.diff(bounds)
            self._call_callbacks("on_train_begin")
            for epoch in range(e0, epochs):
                self._call_callbacks("on_epoch_begin")
                if self.method == "averaged":
                    averaged_step(
                        main,
                        ctx,
                        center,
                        context,
                        label,
                        sims,
                        lr,
                        c_ptr,
                        c_order,
                        x_ptr,
                        x_order,
                        new_main,
                        new_ctx,
                    )
                    main, new_main = new_main, main
                    ctx, new_ctx = new_ctx, ctx
                else:
                    if nw < _ADAM_BLOCK_MIN_WORDS:  # all rows fit in cache: shuffle pairs
                        order = gen.permutation(len(center)).astype(np.int64)
                    else:
                        perm = gen.permutation(len(b_start))
                        lens = b_len[perm]
                        offs = np.cumsum(lens) - lens
                        pos = np.arange(len(center), dtype=np.int64)
                        pos += np.repeat(b_start[perm] - offs, lens)
                        order = by_center[pos]
                    if cosent:
                        step, batch_loss = adam_epoch_objective(
                            main,
                            ctx,
                            center,
                            context,
                            label,
                            order,
                            int(self.batch_size),
                            lr,
                            b1,
                            b2,
                            eps,
                            state_main,
                            state_ctx,
                            stamp_main,
                            stamp_ctx,
                            touched_main,
                            touched_ctx,
                            step,
                            COSENT,
                            float(self.cosent_scale),
                        )
                    else:
                        step = adam_epoch(
                            main,
                            ctx,
                            center,
                            context,
                            label,
                            order,
                            int(self.batch_size),
                            lr,
                            b1,
                            b2,
                            eps,
                            state_main,
                            state_ctx,
                            stamp_main,
                            stamp_ctx,
                            touched_main,
                            touched_ctx,
                            step,
                        )
                if cosent:
                    err = float(batch_loss)
                else:
                    err = float(pair_cosines(main, ctx, center, context, label, sims, _CHUNKS))
                history.append(err)
                if not math.isfinite(err):
                    check_finite(
                        {"the main vectors": main, "the context vectors": ctx},
                        loss=err,
                        where=f"epoch {first + epoch + 1}",
                        fix=f"lower alpha (now {lr:g}; 'auto' picks {self._auto_alpha_text(nw)})",
                    )
                if progress is not None:
                    progress(epoch + 1, total=int(self.epochs), loss=err, alpha=lr)
                if self.callbacks:
                    self.main_vectors_, self.context_vectors_ = main, ctx
                    self.epoch_loss_ = err
                    self._call_callbacks("on_epoch_end", epoch=first + epoch + 1)
                if self.patience is not None and (epoch + 1) % _CHECK_EVERY == 0:
                    if err < best:
                        best = err
                        bad = 0
                    else:
                        bad += 1
                        if bad >= int(self.patience):
                            stopped = True
                            logger.info(
                                "early stopping at epoch %d (error %.5f, best %.5f)",
                                epoch + 1,
                                err,
                                best,
                            )
                            break
                if epoch + 1 < epochs and ckpt.due():
                    keep(False)
                    arrays: dict[str, np.ndarray] = {}
                    if self.method != "averaged":
                        arrays = {
                            "adam_main": state_main,
                            "adam_ctx": state_ctx,
                            "stamp_main": stamp_main,
                            "stamp_ctx": stamp_ctx,
                        }
                    ckpt.write(
                        self,
                        {
                            "first": first,
                            "epoch": epoch + 1,
                            "step": int(step) if self.method != "averaged" else 0,
                            "best": best,
                            "bad": bad,
                            "gen": gen.bit_generator.state,
                            "progress": where(epoch + 1),
                        },
                        arrays,
                    )
        except KeyboardInterrupt:
            keep(False)
            self._mark_progress(False, **where(epoch))
            self._make_wv()
            raise
        finally:
            numba.set_num_threads(old_threads)
        keep(stopped)
        self._mark_progress(True, **where(epochs))
        self._call_callbacks("on_train_end")

    # ----------------------------------------------------------------- persistence
    def _get_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        p = self.pairs_
        arrays = {
            "loss_history": self.loss_history_,
            "pair_center": p.center,
            "pair_context": p.context,
            "pair_label": p.label,
            "pair_negative": p.negative,
            "normalized_values": p.normalized,
            "word_value_counts": self.word_values_["count"].to_numpy(np.int64),
            "word_value_values": self.word_values_["value"].to_numpy(np.float64),
        }
        state = {
            "pair_params": _jsonable(p.params),
            "epochs_trained": int(self.epochs_trained_),
            "alpha": float(self.alpha_),
            "objective": self.objective_,
            "stopped_early": bool(self.stopped_early_),
            "train_seconds": float(self.train_seconds_),
            "word_value_words": self.word_values_["word"].tolist(),
        }
        if self.is_joint:
            from wordspace.train._common import vocab_state

            arrays.update(
                syn1neg=self.syn1neg_,
                value_rows=self.value_rows_,
                pair_values=np.asarray(p.values, np.float64),
            )
            state.update(joint=True, pair_words=list(p.words), **vocab_state(self.vocab_))
        else:
            arrays.update(main_vectors=self.main_vectors_, context_vectors=self.context_vectors_)
        return arrays, state

    def _set_state(
        self,
        wv: WordVectors,
        arrays: dict[str, np.ndarray],
        state: dict[str, Any],
        path: str | os.PathLike,
    ) -> None:
        self.wv = wv
        self.value_name_ = wv.meta.get("value_name")
        joint = bool(state.get("joint", False))
        if joint:
            from wordspace.train._common import restore_vocab

            self.vocab_ = restore_vocab(wv, state, int(self.min_count), path)
            self.syn0_ = np.array(wv.vectors, dtype=np.float32, order="C")
            self.syn1neg_ = np.array(arrays["syn1neg"], dtype=np.float32, order="C")
            self.value_rows_ = np.asarray(arrays["value_rows"], dtype=np.int64)
            pair_words = list(state["pair_words"])
            pair_values = np.asarray(arrays["pair_values"])
        else:
            self.vocab_ = None
            self.main_vectors_ = np.asarray(arrays["main_vectors"])
            self.context_vectors_ = np.asarray(arrays["context_vectors"])
            pair_words = list(wv.index_to_key)
            pair_values = np.asarray(wv.extras["values"])
        self.loss_history_ = np.asarray(arrays["loss_history"])
        self.pairs_ = ValuePairs(
            words=pair_words,
            values=pair_values,
            normalized=np.asarray(arrays["normalized_values"]),
            center=np.asarray(arrays["pair_center"]),
            context=np.asarray(arrays["pair_context"]),
            label=np.asarray(arrays["pair_label"]),
            negative=np.asarray(arrays["pair_negative"]),
            params=dict(state.get("pair_params", {})),
        )
        self.word_values_ = _frame(
            {
                "word": list(state["word_value_words"]),
                "value": np.asarray(arrays["word_value_values"]),
                "count": np.asarray(arrays["word_value_counts"]),
            }
        )
        self.epochs_trained_ = int(state.get("epochs_trained", len(self.loss_history_)))
        self.stopped_early_ = bool(state.get("stopped_early", False))
        self.alpha_ = float(state.get("alpha", self._alpha(len(wv))))
        self.objective_ = str(state.get("objective", self._objective()))
        self.train_seconds_ = float(state.get("train_seconds", 0.0))

    @classmethod
    def _params_from_config(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        params = super()._params_from_config(config)
        tok = params.get("tokenizer")
        params["tokenizer"] = Tokenizer(**tok) if isinstance(tok, dict) else None
        return params

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

    # ------------------------------------------------------------------ prediction
    def _valued(self) -> tuple[np.ndarray, np.ndarray]:
        """(row of each valued word in ``wv``, its value)."""
        if self.is_joint:
            return self.value_rows_, np.asarray(self.pairs_.values, np.float64)
        return np.arange(len(self.wv)), np.asarray(self.wv.extras["values"], np.float64)

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
        if method not in _PREDICTORS:
            raise ParameterError(f"predictor must be one of {_PREDICTORS}; got {method!r}")
        k = int(self.n_neighbors if n_neighbors is None else n_neighbors)
        if isinstance(n_neighbors, bool) or k < 1:
            raise ParameterError(f"n_neighbors must be an integer >= 1, got {n_neighbors!r}")
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


def _ridge_predict(x: np.ndarray, y: np.ndarray, q: np.ndarray, alpha: float) -> np.ndarray:
    """Ridge regression of ``y`` on ``x`` (centred, intercept unpenalised), applied to ``q``."""
    mx = x.mean(axis=0)
    my = float(y.mean())
    xc = x - mx
    a = xc.T @ xc + alpha * np.eye(x.shape[1])
    coef = np.linalg.solve(a, xc.T @ (y - my))
    return (q - mx) @ coef + my


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
