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
>>> ValueVec.article().fit(df, word="keyword", value="estimated_value")  # as published (seed 42)
>>> ValueVec(semantic_weight=0.8).fit(reviews, text="text", value="rating").predict_value("dull")

The class is assembled from its parts, one module each: ``_core`` (parameter rules, the
shared base), ``pairs``, ``persistence``, ``predict``, ``joint`` and ``values_only``.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from wordspace.errors import ParameterError
from wordspace.train._common import vocab_fingerprint
from wordspace.train.valuevec._core import _CONSTRAINTS, _series_name
from wordspace.train.valuevec.pairs import _pairs_fingerprint
from wordspace.train.valuevec.pretrained import _PretrainedPart

logger = logging.getLogger(__name__)

__all__ = ["ValueVec"]


class ValueVec(_PretrainedPart):
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
    window, negative, min_distance, positive_scale, negative_scale, positive_penalty,
    negative_penalty, unique_negatives:
        Pair construction, see :meth:`ValuePairs.from_values` (``negative`` is its
        ``negatives``: value-distant pairs per word; ``negatives=`` here is the deprecated
        name before 0.3, still accepted with a ``DeprecationWarning`` until 0.4); the label of a pair is
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
        values to unvalued words better than CoSENT: on wine +0.06 over skip-gram of the same
        dimension with k-NN where CoSENT gave none; against the strongest plain baseline,
        skip-gram-100 with ridge, neither gains, see ``docs/valuevec.md``). The one used is
        ``objective_``.
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
        ``"error"``), and the transform of the values applied before anything else:
        ``"auto"`` (default), ``None``, ``"log"``, ``"log1p"``, ``"rank"`` (mid-rank
        quantiles in (0, 1)) or a function. ``"auto"`` picks from the values themselves
        (:func:`~wordspace.train.valuevec.values.choose_transform`): identity when the middle
        90 % of the values fill at least a fifth of their range, else ``"log"`` (all values
        > 0) or ``"log1p"`` (values ≥ 0, median ≥ 1) when that restores the fifth, else
        ``"rank"``; the one applied is ``value_transform_`` and the saved model's
        ``meta["value_transform"]`` (``partial_fit`` keeps it). Records whose value the
        transform cannot take (``<= 0`` for ``"log"``) are dropped with a warning naming how
        many; a word table with such a value is an error.
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
        Measured (``benchmarks/bench_valuevec2.py``), 0.8 is the recommended weight; its
        held-out gain over the strongest plain baseline is about 0 (``docs/valuevec.md``).
    value_size:
        Joint training: the value loss acts on the last ``value_size`` dimensions only, while
        skip-gram trains all of them. The value geometry then lives in its own block (see
        :meth:`value_vectors`, where :meth:`alignment` is measured) instead of bending the
        whole space: the meaning dimensions stay skip-gram's, and the value block still
        reaches the words without values through the shared skip-gram. ``"auto"``
        (default): a third of the vector, rounded up (5 of 15; half cost IMDB 0.04 of
        WordSim353); ``vector_size``: the whole vector.
    text_window, text_negative, sample, text_alpha, text_epochs:
        The skip-gram half (window, negative samples (``text_negatives=``: the deprecated
        name, until 0.4), subsampling threshold, starting
        learning rate decaying linearly to 0, passes over the text). The value passes are
        spread evenly over the text passes: ``epochs`` of them, or more when the text is
        large — at least one value-pair step per text token trained (tokens × ``text_epochs``),
        so the value loss keeps pace with skip-gram (``value_epochs_``: the number used).
    predictor, n_neighbors, ridge_alpha:
        :meth:`predict_value`'s default: ``"knn"`` (mean value of the ``n_neighbors``
        nearest valued words, weighted by cosine), ``"ridge"`` (a ridge regression of the
        value on the vectors, penalty ``ridge_alpha``), and for joint models ``"text"`` (the
        word's text value: the values propagated through the documents of the text) or
        ``"text+ridge"`` (ridge on the meaning dimensions and the text value). ``"auto"``
        (default): ``"text+ridge"`` for a joint model (measured best, ``docs/valuevec.md``),
        ``"knn"`` otherwise.
    workers:
        Threads, 2 by default as every trainer's (None: all numba threads). Value-only results
        do not depend on it. Joint training runs ``workers`` text jobs at a time,
        Hogwild-style as :class:`Word2Vec` (``workers=1`` or None: one, and the result is
        reproducible bit for bit).
    callbacks:
        As :class:`Word2Vec`'s: objects with ``on_train_begin/on_epoch_begin/on_epoch_end/
        on_train_end(model)`` or functions ``f(model, epoch)`` called after each epoch (joint
        training: each pass over the text), when ``main_vectors_``/``context_vectors_``
        (``syn0_``) are the current ones and ``epoch_loss_`` is the epoch's training loss.
    seed:
        1 by default, as every trainer's (:meth:`article` passes the article's 42). Seeds the
        negative sampling (a ``random.Random(seed)`` stream, as the article's
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

    Notes
    -----
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
    value passes run; not saved with the model); text_values_, text_shrinkage_ (joint: each
    vocabulary word's text value, leave-one-out for the valued words, NaN for a word in no
    document with a valued word, and the shrinkage ``k`` chosen, see
    :mod:`~wordspace.train.valuevec.propagation`; saved with the model; None otherwise and
    for models saved before them). The documents are the sentences of the text: the
    records' texts, or the lines of a corpus file (cut at ``max_sentence_length``).
    ``partial_fit`` computes them again from the new text and the merged values.
    """

    _constraints = _CONSTRAINTS
    _model_kind = "valuevec_model"
    _state_key = "valuevec"

    def __init__(
        self,
        *,
        vector_size: int = 15,
        window: int = 2,
        negative: int = 10,
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
        value_transform: str | Callable | None = "auto",
        min_count: int = 5,
        prior_weight: float = 10.0,
        tokenizer: Callable[[str], list[str]] | None = None,
        semantic_weight: float | None = None,
        value_size: int | str = "auto",
        text_window: int = 5,
        text_negative: int = 5,
        sample: float = 1e-3,
        text_alpha: float = 0.025,
        text_epochs: int = 5,
        predictor: str = "auto",
        n_neighbors: int = 10,
        ridge_alpha: float = 1.0,
        workers: int | None = 2,
        seed: int | None = 1,
        callbacks: Sequence[Any] = (),
        checkpoint_every: float | None = None,
        checkpoint_path: str | os.PathLike | None = None,
        negatives: int | None = None,
        text_negatives: int | None = None,
    ):
        for old, new in (("negatives", negatives), ("text_negatives", text_negatives)):
            if new is not None:
                warnings.warn(
                    f"ValueVec's {old} is now called {old[:-1]}, as Word2Vec's negative "
                    f"({old} goes away in 0.4)",
                    DeprecationWarning,
                    stacklevel=2,
                )
        self.vector_size = vector_size
        self.window = window
        self.negative = negative
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
        self.text_negative = text_negative
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
        self.negatives = negatives  # deprecated names, see _negative()
        self.text_negatives = text_negatives

    #: the ValueVec article's construction and update (see :meth:`article`)
    ARTICLE: ClassVar[dict[str, Any]] = {
        "vector_size": 15,
        "window": 2,
        "negative": 3,
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
    #: the article's seed, which :meth:`article` passes (the default ``seed`` is 1)
    ARTICLE_SEED: ClassVar[int] = 42

    @classmethod
    def article(cls, **params: Any) -> ValueVec:
        """The ValueVec article's exact settings (seed 42, dim 15, window 2, 3 negatives at least a
        quarter of the vocabulary away, labels ``max(0, 1 − (2Δ)²)`` / ``max(0, 1 − 3Δ)``,
        the averaged update with ``alpha=0.05`` for up to 1000 epochs); ``params`` override
        any of them. Fit it on :class:`ValuePairs` built with the article's random stream to
        reproduce its published pairs."""
        return cls(**{**cls.ARTICLE, "seed": cls.ARTICLE_SEED, **params})

    def fit(
        self,
        X: Any,
        y: Any = None,
        *,
        word: str | None = None,
        value: str | None = None,
        text: str | None = None,
        corpus: Any = None,
        vectors: Any = None,
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
        ``vectors``: pretrained :class:`WordVectors` (e.g. ``ws.load("glove-wiki-gigaword-50")``)
        to add a value block to, from the table alone (no text): every pretrained word gets a
        place in the value space through its pretrained vector (see
        :mod:`~wordspace.train.valuevec.pretrained`); ``wv`` then holds all the pretrained
        words, ``[pretrained | value block]``.
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
        self.__dict__.pop("value_transform_", None)  # fit chooses afresh ("auto")
        self.pretrained_size_ = None
        self.text_values_ = self.text_shrinkage_ = None  # joint fits set them
        self.value_name_ = value if value is not None else _series_name(y)
        if vectors is not None:
            if resume is not None or corpus is not None:
                raise ParameterError(
                    "vectors= adds a value block to pretrained vectors from a word-value table "
                    "alone: drop corpus= and resume"
                )
            return self._fit_pretrained(
                X, y, word=word, value=value, text=text, vectors=vectors, progress=progress
            )
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
        if getattr(self, "pretrained_size_", None) is not None:
            raise ParameterError(
                "partial_fit does not continue a value block on pretrained vectors: call "
                "fit(table, vectors=wv) again with the whole table"
            )
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
