"""ValueVec: word embeddings whose geometry follows an external value.

Words with similar values (price, rating, wavelength) get similar vectors, whatever their
co-occurrence. The method is the ValueVec article's: pairs built from the value order
(:class:`~wordspace.values.ValuePairs`) carry target similarities in [0, 1]; main and context
vectors are trained so that the mapped cosine ``(cos + 1)/2`` of each pair matches its label.

>>> vv = ValueVec(vector_size=15, epochs=2000, alpha=0.05, seed=42)
>>> vv.fit(df, word="keyword", value="estimated_value")
>>> vv.wv.most_similar("crimson"); vv.wv.values["crimson"]
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import FormatError, ParameterError
from ..text import Tokenizer
from ..values import (
    ValuePairs,
    _as_random,
    as_frame,
    records_to_word_values,
    word_value_table,
)
from ..vectors import WordVectors

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["ValueVec"]

logger = logging.getLogger(__name__)

_METHODS = ("averaged", "adam")
_CHECK_EVERY = 10  # epochs between early-stopping checks, as in the article
_CHUNKS = 64  # fixed reduction chunks: the loss does not depend on the thread count
_ADAM = (0.9, 0.999, 1e-8)
_ADAM_BLOCK = 32  # centers per shuffled block (Adam) ...
_ADAM_BLOCK_MIN_WORDS = 16384  # ... from this vocabulary size; below it, pairs are shuffled


class ValueVec:
    """Train value-driven word embeddings (scikit-learn style: parameters here, data in fit).

    Parameters
    ----------
    vector_size:
        Dimensions of the vectors.
    window, negatives, min_distance, positive_scale, negative_scale, positive_penalty,
    negative_penalty, unique_negatives:
        Pair construction, see :meth:`ValuePairs.from_values` (defaults: the article's).
    epochs:
        Maximum passes over the pairs.
    alpha:
        Learning rate (the article's ``learning_rate``; Adam's step size for ``"adam"``).
    method:
        ``"averaged"``: the article's update — each epoch every pair proposes a tangent step
        for its two unit vectors, ``-alpha·0.5·((cos+1)/2 - label)·(v - cos·u)``; each word's
        steps are averaged over its pairs, applied, and the vectors re-normalised.
        ``"adam"``: mini-batch (``batch_size``) sparse Adam on the squared error of the mapped
        cosine; each epoch shuffles the pairs (from 16,384 words on: blocks of 32 consecutive
        center words, whose pairs stay together, which keeps memory access local; a batch still
        mixes many blocks). Converges
        in far fewer epochs; each epoch costs several times more than ``"averaged"``.
    patience:
        Early stopping: every 10 epochs the mean absolute error of the *mapped* cosine
        ``|(cos+1)/2 - label|`` is checked (the article compared the raw cosine with the
        label); training stops after ``patience`` checks without improvement. None: never.
    duplicates, value_transform:
        For word-value tables: how to combine repeated words (``"mean"``, ``"median"``,
        ``"error"``), and an optional transform of the values (``"log"``, ``"log1p"``, a
        function) applied before anything else.
    min_count, prior_weight, tokenizer:
        For records (``fit(df, text=..., value=...)``): keep words in at least ``min_count``
        records; a word's value is ``(Σ v + k·mean) / (n + k)`` with ``k = prior_weight``;
        texts are split by ``tokenizer`` (default: the shared tokenizer with normalisation:
        lowercase, no accents, letters only).
    workers:
        Threads (None: all numba threads). Results do not depend on it.
    seed:
        Seeds the negative sampling (a ``random.Random(seed)`` stream, as the article's
        ``random.sample``), the initial vectors and Adam's shuffling.

    Attributes after fit
    --------------------
    wv: :class:`WordVectors` (unit vectors, words by descending value, values attached:
    ``wv.values["crimson"]``); pairs_: :class:`ValuePairs`; word_values_: DataFrame
    (word, value, count); loss_history_: mean ``|mapped cosine - label|`` after each epoch;
    epochs_trained_, stopped_early_, train_seconds_; main_vectors_, context_vectors_.
    """

    def __init__(
        self,
        vector_size: int = 15,
        window: int = 2,
        negatives: int = 3,
        epochs: int = 1000,
        alpha: float = 0.05,
        method: str = "averaged",
        batch_size: int = 1024,
        patience: int | None = 10,
        min_distance: float = 0.25,
        positive_scale: float = 2.0,
        negative_scale: float = 3.0,
        positive_penalty: str | Callable = "quadratic",
        negative_penalty: str | Callable = "linear",
        unique_negatives: bool = False,
        duplicates: str = "mean",
        value_transform: str | Callable | None = None,
        min_count: int = 5,
        prior_weight: float = 10.0,
        tokenizer: Callable[[str], list[str]] | None = None,
        workers: int | None = None,
        seed: int | None = 42,
    ):
        self.vector_size = vector_size
        self.window = window
        self.negatives = negatives
        self.epochs = epochs
        self.alpha = alpha
        self.method = method
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
        self.workers = workers
        self.seed = seed

    _PARAMS = (
        "vector_size", "window", "negatives", "epochs", "alpha", "method", "batch_size",
        "patience", "min_distance", "positive_scale", "negative_scale", "positive_penalty",
        "negative_penalty", "unique_negatives", "duplicates", "value_transform", "min_count",
        "prior_weight", "tokenizer", "workers", "seed",
    )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self._PARAMS}

    def set_params(self, **params: Any) -> ValueVec:
        for k, v in params.items():
            if k not in self._PARAMS:
                raise ParameterError(f"unknown parameter {k!r}; valid: {', '.join(self._PARAMS)}")
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:
        return (f"ValueVec(vector_size={self.vector_size}, window={self.window}, "
                f"negatives={self.negatives}, epochs={self.epochs}, alpha={self.alpha}, "
                f"method={self.method!r}, seed={self.seed})")

    # ------------------------------------------------------------------ validation
    def _validate(self) -> None:
        def pos_int(name: str, minimum: int = 1) -> None:
            x = getattr(self, name)
            if isinstance(x, bool) or not isinstance(x, int | np.integer) or x < minimum:
                raise ParameterError(f"{name} must be an integer >= {minimum}, got {x!r}")

        pos_int("vector_size")
        pos_int("window", 0)
        pos_int("negatives", 0)
        pos_int("epochs")
        pos_int("batch_size")
        pos_int("min_count")
        if self.window == 0 and self.negatives == 0:
            raise ParameterError("window and negatives are both 0: there would be no pairs")
        if not (isinstance(self.alpha, int | float) and math.isfinite(self.alpha)
                and self.alpha > 0):
            raise ParameterError(f"alpha must be a positive number, got {self.alpha!r}")
        if self.method not in _METHODS:
            raise ParameterError(f"method must be one of {_METHODS}; got {self.method!r}")
        if self.patience is not None:
            pos_int("patience")
        if self.workers is not None:
            pos_int("workers")
        if not (0 < float(self.min_distance) < 1):
            raise ParameterError(f"min_distance must be in (0, 1), got {self.min_distance!r}")
        for name in ("positive_scale", "negative_scale", "prior_weight"):
            x = getattr(self, name)
            if not (isinstance(x, int | float) and math.isfinite(x) and x >= 0) or (
                name != "prior_weight" and x == 0
            ):
                raise ParameterError(f"{name} must be a positive number, got {x!r}")
        for name in ("positive_penalty", "negative_penalty"):
            x = getattr(self, name)
            if not callable(x) and x not in ("quadratic", "linear"):
                raise ParameterError(f"{name} must be 'quadratic', 'linear' or a function; "
                                     f"got {x!r}")
        if self.duplicates not in ("mean", "median", "error"):
            raise ParameterError(f"duplicates must be 'mean', 'median' or 'error'; "
                                 f"got {self.duplicates!r}")
        if not (self.value_transform is None or callable(self.value_transform)
                or self.value_transform in ("log", "log1p")):
            raise ParameterError(f"value_transform must be None, 'log', 'log1p' or a function; "
                                 f"got {self.value_transform!r}")
        if self.tokenizer is not None and not callable(self.tokenizer):
            raise ParameterError("tokenizer must be callable (text -> list of tokens)")
        if self.seed is not None and (isinstance(self.seed, bool)
                                      or not isinstance(self.seed, int | np.integer)):
            raise ParameterError(f"seed must be an int or None, got {self.seed!r}")

    def _pair_kwargs(self) -> dict[str, Any]:
        return {
            "window": int(self.window), "negatives": int(self.negatives),
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
        progress: Callable[..., None] | None = None,
    ) -> ValueVec:
        """Build the pairs and train.

        ``X``: a DataFrame or a CSV/TSV/Parquet path (with ``word=`` and ``value=`` column
        names, or ``text=`` and ``value=`` for records), a ``{word: value}`` dict, a sequence
        of words with ``y`` the values, or prebuilt :class:`ValuePairs`.
        ``progress(epoch, total=epochs, loss=..., alpha=...)`` is called after each epoch.
        """
        self._validate()
        t0 = time.perf_counter()
        rng = _as_random(self.seed)
        if isinstance(X, ValuePairs):
            pairs = X
            self.word_values_ = _frame({"word": pairs.words, "value": pairs.values,
                                        "count": np.ones(pairs.n_words, dtype=np.int64)})
        else:
            if text is not None:
                if word is not None:
                    raise ParameterError("give either word= (a word-value table) or text= "
                                         "(records), not both")
                df, key, val = as_frame(X, y, text=text, value=value)
                wvals = records_to_word_values(
                    df[key].tolist(), df[val], tokenizer=self.tokenizer,
                    prior_weight=float(self.prior_weight), min_count=int(self.min_count),
                    value_transform=self.value_transform, column=val,
                )
            else:
                wvals = word_value_table(X, y, word=word, value=value,
                                         duplicates=self.duplicates,
                                         value_transform=self.value_transform)
            self.word_values_ = wvals
            pairs = ValuePairs._from_table(wvals["word"].tolist(),
                                           wvals["value"].to_numpy(np.float64), rng,
                                           **self._pair_kwargs())
        self.pairs_ = pairs
        logger.info("ValueVec: %d words, %d pairs (%.2fs)", pairs.n_words, len(pairs),
                    time.perf_counter() - t0)
        t1 = time.perf_counter()
        self._train(pairs, progress)
        self.train_seconds_ = time.perf_counter() - t1
        counts = self.word_values_.set_index("word")["count"].reindex(pairs.words)
        counts = counts.fillna(1).to_numpy(np.int64)
        final = self.main_vectors_ + self.context_vectors_
        nrm = np.linalg.norm(final, axis=1, keepdims=True)
        final = final / np.where(nrm > 0, nrm, 1).astype(np.float32)
        self.wv = WordVectors(
            pairs.words, final.astype(np.float32), counts=counts,
            extras={"values": np.asarray(pairs.values, dtype=np.float64)},
            meta={"trainer": "valuevec", "params": _jsonable(self.get_params()),
                  "pairs": len(pairs), "epochs_trained": self.epochs_trained_},
        )
        return self

    def _train(self, pairs: ValuePairs, progress: Callable[..., None] | None) -> None:
        import numba

        from ..kernels.valuevec import adam_epoch, averaged_step, pair_cosines

        nw, d = pairs.n_words, int(self.vector_size)
        gen = np.random.default_rng(self.seed)
        main = _unit_rows(gen.standard_normal((nw, d), dtype=np.float32))
        ctx = _unit_rows(gen.standard_normal((nw, d), dtype=np.float32))
        center = np.ascontiguousarray(pairs.center, dtype=np.int32)
        context = np.ascontiguousarray(pairs.context, dtype=np.int32)
        label = np.ascontiguousarray(pairs.label, dtype=np.float32)
        sims = np.empty(len(center), dtype=np.float32)
        lr = float(self.alpha)
        history: list[float] = []
        best = math.inf
        bad = 0
        stopped = False
        old_threads = numba.get_num_threads()
        if self.workers is not None:
            numba.set_num_threads(max(1, min(int(self.workers), numba.config.NUMBA_NUM_THREADS)))
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
                # Shuffle blocks of consecutive centers (their pairs, in order) rather than
                # single pairs: neighbours in value are neighbours in memory, so a block's rows
                # share cache lines; batches still mix many distant blocks.
                by_center = np.argsort(center, kind="stable").astype(np.int64)
                counts = np.bincount(center, minlength=nw)
                bounds = np.concatenate([[0], np.cumsum(counts)])[::_ADAM_BLOCK]
                bounds = np.unique(np.append(bounds, len(center))).astype(np.int64)
                b_start, b_len = bounds[:-1], np.diff(bounds)
            for epoch in range(int(self.epochs)):
                if self.method == "averaged":
                    averaged_step(main, ctx, center, context, label, sims, lr,
                                  c_ptr, c_order, x_ptr, x_order, new_main, new_ctx)
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
                    step = adam_epoch(main, ctx, center, context, label, order,
                                      int(self.batch_size), lr, b1, b2, eps,
                                      state_main, state_ctx, stamp_main, stamp_ctx,
                                      touched_main, touched_ctx, step)
                err = float(pair_cosines(main, ctx, center, context, label, sims, _CHUNKS))
                history.append(err)
                if progress is not None:
                    progress(epoch + 1, total=int(self.epochs), loss=err, alpha=lr)
                if self.patience is not None and (epoch + 1) % _CHECK_EVERY == 0:
                    if err < best:
                        best = err
                        bad = 0
                    else:
                        bad += 1
                        if bad >= int(self.patience):
                            stopped = True
                            logger.info("early stopping at epoch %d (error %.5f, best %.5f)",
                                        epoch + 1, err, best)
                            break
        finally:
            numba.set_num_threads(old_threads)
        self.main_vectors_ = main
        self.context_vectors_ = ctx
        self.loss_history_ = np.asarray(history, dtype=np.float64)
        self.epochs_trained_ = len(history)
        self.stopped_early_ = stopped

    # ----------------------------------------------------------------- persistence
    def save(self, path: str | os.PathLike, *, layout: str | None = None) -> None:
        """Save the model natively (no pickle). The file also loads as plain word vectors
        (``wordspace.load(path)``, ``wordspace similar path word``) with values attached."""
        from ..formats import save_native

        self._fitted()
        p = self.pairs_
        arrays = {
            "main_vectors": self.main_vectors_,
            "context_vectors": self.context_vectors_,
            "loss_history": self.loss_history_,
            "pair_center": p.center,
            "pair_context": p.context,
            "pair_label": p.label,
            "pair_negative": p.negative,
            "normalized_values": p.normalized,
            "word_value_counts": self.word_values_["count"].to_numpy(np.int64),
            "word_value_values": self.word_values_["value"].to_numpy(np.float64),
        }
        meta = {"valuevec": {
            "params": _jsonable(self.get_params()),
            "pair_params": _jsonable(p.params),
            "epochs_trained": int(self.epochs_trained_),
            "stopped_early": bool(self.stopped_early_),
            "train_seconds": float(self.train_seconds_),
            "word_value_words": self.word_values_["word"].tolist(),
        }}
        save_native(self.wv, path, layout=layout, extra_arrays=arrays, extra_meta=meta)

    @classmethod
    def load(cls, path: str | os.PathLike, *, mmap: bool = False) -> ValueVec:
        """Load a model saved by :meth:`save`."""
        from ..formats import read_native, vectors_from_native

        arrays, meta = read_native(path, mmap=mmap)
        info = meta.get("valuevec")
        if not isinstance(info, dict):
            raise FormatError(f"{path} is not a ValueVec model (no 'valuevec' section in "
                              "meta.json); load it with wordspace.load() as word vectors")
        wv, rest = vectors_from_native(arrays, meta, path)
        params = dict(info.get("params", {}))
        tok = params.get("tokenizer")
        params["tokenizer"] = Tokenizer(**tok) if isinstance(tok, dict) else None
        for k in ("positive_penalty", "negative_penalty"):
            if params.get(k) not in ("quadratic", "linear"):
                params.pop(k, None)
        if params.get("value_transform") not in (None, "log", "log1p"):
            params["value_transform"] = None
        model = cls(**{k: v for k, v in params.items() if k in cls._PARAMS})
        model.wv = wv
        try:
            model.main_vectors_ = np.asarray(rest["main_vectors"])
            model.context_vectors_ = np.asarray(rest["context_vectors"])
            model.loss_history_ = np.asarray(rest["loss_history"])
            model.pairs_ = ValuePairs(
                words=list(wv.index_to_key), values=np.asarray(wv.extras["values"]),
                normalized=np.asarray(rest["normalized_values"]),
                center=np.asarray(rest["pair_center"]), context=np.asarray(rest["pair_context"]),
                label=np.asarray(rest["pair_label"]), negative=np.asarray(rest["pair_negative"]),
                params=dict(info.get("pair_params", {})),
            )
            model.word_values_ = _frame({
                "word": list(info["word_value_words"]),
                "value": np.asarray(rest["word_value_values"]),
                "count": np.asarray(rest["word_value_counts"]),
            })
        except KeyError as e:
            raise FormatError(f"{path}: ValueVec array or field {e} is missing") from None
        model.epochs_trained_ = int(info.get("epochs_trained", len(model.loss_history_)))
        model.stopped_early_ = bool(info.get("stopped_early", False))
        model.train_seconds_ = float(info.get("train_seconds", 0.0))
        return model

    def _fitted(self) -> None:
        if not hasattr(self, "wv"):
            raise ParameterError("this ValueVec is not fitted yet; call fit(data) first")

    def alignment(self, k: int = 5, **kw: Any) -> dict[str, float]:
        """:func:`wordspace.alignment.value_alignment` of the trained vectors."""
        from ..alignment import value_alignment

        self._fitted()
        return value_alignment(self.wv, k=k, **kw)


def _unit_rows(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=1, keepdims=True)
    return np.ascontiguousarray(m / np.where(n > 0, n, 1), dtype=np.float32)


def _frame(cols: dict[str, Any]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(cols)


def _jsonable(obj: Any) -> Any:
    """Parameters as JSON: tokenizers as their settings, functions as 'custom'."""
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, Tokenizer):
        return obj.to_dict()
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if callable(obj):
        return "custom"
    try:
        json.dumps(obj)
    except TypeError:
        return repr(obj)
    return obj
