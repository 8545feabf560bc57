"""GloVe: global vectors from a co-occurrence matrix (Pennington, Socher & Manning 2014).

Orchestration around :mod:`wordspace.kernels.glove`: the corpus is read into an id array over a
:class:`~wordspace.text.vocab.Vocabulary` (the same tokenizer and vocabulary as word2vec), the
co-occurrence matrix is counted in memory-bounded blocks
(:func:`~wordspace.text.cooccurrence.cooccurrence_matrix`), and its non-zeros are trained with
AdaGrad exactly as Stanford's ``glove.c`` does. The non-zeros become 12-byte training records
(row, column, log x; the weight f(x) is computed from log x while training);
for a large matrix they are filled from a copy on disk, a slice of rows at a time, and the
matrix is read back after training, so that the peak holds the records but not the matrix
too (which would be 50 % more).

The records are grouped in place into tiles: a tile holds the non-zeros of one slice of rows
(words) and one slice of columns (contexts), each slice small enough (``_TILE_BYTES`` of
vectors and AdaGrad sums) that the rows a tile touches stay in the CPU caches. Every epoch the
tiles are laid end to end in a fresh random order (from ``(seed, epoch)``), that sequence is cut
into ``workers`` equal shares, and each thread visits every tile of its share in a fresh random
order within the tile (a Fisher-Yates shuffle fused with training), Hogwild-style with the GIL
released. As in blocked SGD for matrix factorisation (LIBMF), every non-zero is still visited
once an epoch in a random order, only not a uniform permutation of all of them: training
reads its rows from the caches instead of memory (a 20 MB slice of wiki100m, one thread:
about 2x less CPU time a record; on wiki100m the analogy score stayed at the uniform order's). Each thread's random numbers come from ``(seed, epoch,
thread)``, so ``workers=1`` is bit-for-bit reproducible.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import numpy as np

from wordspace._base import is_finite_num
from wordspace.errors import (
    CorpusError,
    FormatError,
    ParameterError,
    TrainingDivergedError,
)
from wordspace.text.tokenizer import Tokenizer
from wordspace.text.vocab import Vocabulary
from wordspace.train._common import (
    CHECKPOINT_RULES,
    Checkpointer,
    Trainer,
    boolean,
    callbacks_rule,
    check_finite,
    choice,
    integer,
    number,
    phrases_meta,
    phrases_record,
    restore_vocab,
    rule,
    vocab_fingerprint,
    vocab_state,
)
from wordspace.train._common import mix_seed as _mix
from wordspace.train._glove_count import checked_position as _checked_position
from wordspace.train._glove_records import _aligned, _fill, _padded, _SpilledMatrix
from wordspace.vectors.keyed import WordVectors

__all__ = ["GloVe"]

logger = logging.getLogger(__name__)

_OUTPUTS = ("sum", "word", "concat")
_ALPHA = 0.05  # the default learning rate (the C tool's -eta)
_CONSTRAINTS = (
    integer("vector_size", "window", "min_count", "epochs", "workers"),
    integer("seed", min=-(2**63), message="seed must be an integer, got {value!r}"),
    number("x_max", low=0, message="x_max must be a number > 0, got {value!r}"),
    number(
        "weight_exponent",
        low=0,
        high=1,
        high_open=False,
        message="weight_exponent must be in (0, 1], got {value!r}",
    ),
    number("alpha", low=0, message="alpha must be a number > 0, got {value!r} (0.05 is usual)"),
    rule(
        "learning_rate",
        ok=lambda v, p: v is None or (is_finite_num(v) and v > 0),
        message="learning_rate (deprecated: alpha) must be a number > 0, got {value!r}",
    ),
    rule(
        "learning_rate",
        ok=lambda v, p: v is None or p["alpha"] == _ALPHA,
        message="give the learning rate once: alpha (learning_rate={value!r} is its deprecated "
        "name; alpha is {alpha!r})",
    ),
    number("grad_clip", low=0, message="grad_clip must be a number > 0, got {value!r}"),
    number("memory", low=0, message="memory must be a number of GiB > 0, got {value!r}"),
    choice(
        "output",
        options=_OUTPUTS,
        message="output must be one of " + ", ".join(_OUTPUTS) + "; got {value!r}",
    ),
    boolean("symmetric", "distance_weighting", "lowercase"),
    integer("max_vocab_size", "max_final_vocab", optional=True),
    integer("max_sentence_length"),
    callbacks_rule(),
    *CHECKPOINT_RULES,
)
#: a mean loss per non-zero above this means divergence: 0.5 * f(x) * (log x)**2 at
#: initialisation stays below ~300 even for counts of 1e11
_MAX_LOSS = 1e4
_PIECE = 1 << 18  # records per kernel call (progress granularity)
# While the records train, a co-occurrence matrix whose arrays take more than this many bytes
# waits on disk (a temporary folder): the records hold the same entries at 12 bytes each, so
# keeping both would need 20 bytes a non-zero instead of 12 (the largest share of the peak).
_SPILL_BYTES = 64 << 20
# non-zeros read back from the spilled matrix at a time (8 bytes each, held beside the
# records at the peak)
_FILL_SLICE = 1 << 20
# Records train a tile at a time: a tile's word rows (W, GW) and context rows (C, GC) take
# about this many bytes each, so that a thread's tile stays in its core's L2 cache (2 MiB here).
_TILE_BYTES = 1 << 20
_MAX_GROUPS = 64


def _tile_groups(n_words: int, row_floats: int) -> tuple[int, int]:
    """(words per group, number of groups) of the tiles for ``n_words`` rows."""
    rows = max(1, _TILE_BYTES // (2 * 4 * row_floats))
    rows = max(rows, -(-n_words // _MAX_GROUPS))
    return rows, max(1, -(-n_words // rows))


class GloVe(Trainer):
    """GloVe word vectors, trained as Stanford's C tool does, in bounded memory.

    Parameters
    ----------
    vector_size: dimension of the vectors.
    window: context words on each side (left only when ``symmetric=False``).
    min_count: ignore words seen fewer times.
    epochs: passes over the non-zeros of the co-occurrence matrix (the C tool's ``-iter``).
    x_max, weight_exponent: the weighting function
        ``f(x) = min(1, (x / x_max) ** weight_exponent)`` (the paper's α); ``x_max > 0``,
        ``0 < weight_exponent <= 1``.
    alpha: AdaGrad's initial learning rate (the C tool's ``-eta``; ``alpha``, the learning
        rate, as in every wordspace trainer). Before 0.3 it was ``learning_rate`` and
        ``alpha`` was the weighting exponent: ``learning_rate=`` still sets the learning rate,
        with a ``DeprecationWarning``, until 0.4; models saved before 0.3 load with their
        parameters renamed.
    symmetric: count context words on both sides (the C tool's ``-symmetric 1``).
    distance_weighting: weight a pair by ``1 / distance`` (else 1).
    memory: GiB budget for counting co-occurrences (like the C tool's ``-memory``). While
        the (shuffled) records of a large matrix train, the matrix itself waits in a
        temporary folder (``TMPDIR``; 8 bytes a non-zero) and is read back afterwards, so
        that it is not held twice; ``cooccurrence_`` is None meanwhile (in callbacks).
    workers: training threads (Hogwild-style); ``workers=1`` with a fixed ``seed`` is
        bit-for-bit reproducible.
    seed: seed of the initial vectors and of every thread's shuffling.
    output: the vectors of ``wv``: ``"sum"`` word + context vectors (the paper's and the C
        tool's default), ``"word"`` word vectors only, ``"concat"`` both side by side.
    grad_clip: element-wise clipping of the gradients, as the C tool (100).
    max_vocab_size, max_final_vocab: caps on the vocabulary (see ``Vocabulary.from_counts``).
    lowercase: lowercase tokens when reading a path.
    max_sentence_length: longer lines are cut into pieces of this many tokens.
    callbacks: as :class:`Word2Vec`'s: objects with any of ``on_train_begin``,
        ``on_epoch_begin``, ``on_epoch_end``, ``on_train_end`` (called with the model) or
        functions ``f(model, epoch)`` called after each epoch (``wv`` and ``loss_history_``
        are then current).
    checkpoint_every, checkpoint_path: write the whole training state (vectors, biases,
        AdaGrad's accumulators, the shuffled records, each thread's position and random
        state) to ``checkpoint_path`` every ``checkpoint_every`` seconds (default 600 when only
        the path is given); :meth:`resume` continues from it, without counting again.

    Notes
    -----
    Interrupting ``fit`` (``KeyboardInterrupt``) stops the threads within a piece of
    records and re-raises; the model keeps the weights reached, marked partial
    (``training_complete_`` False, ``training_progress_``).

    Attributes after ``fit``: ``wv`` (:class:`WordVectors` with counts), ``vocab``
    (:class:`Vocabulary`), ``cooccurrence_`` (``scipy.sparse.csr_matrix``, float32, rows and
    columns in vocabulary order), ``word_vectors_``, ``context_vectors_``, ``word_biases_``,
    ``context_biases_``, ``loss_history_`` (mean weighted squared error per epoch, as the C
    tool prints it), ``epoch_stats_``, ``vocab_seconds_``, ``cooccurrence_seconds_``,
    ``train_seconds_``.
    """

    _constraints = _CONSTRAINTS
    _model_kind = "glove_model"
    _state_key = "glove"
    #: AdaGrad's accumulators: None after ``load`` (``partial_fit`` restarts them at 1)
    _GW: np.ndarray | None
    _GC: np.ndarray | None

    def __init__(
        self,
        *,
        vector_size: int = 100,
        window: int = 10,
        min_count: int = 5,
        epochs: int = 15,
        x_max: float = 100.0,
        weight_exponent: float = 0.75,
        alpha: float = _ALPHA,
        symmetric: bool = True,
        distance_weighting: bool = True,
        memory: float = 4.0,
        workers: int = 2,
        seed: int = 1,
        output: str = "sum",
        grad_clip: float = 100.0,
        max_vocab_size: int | None = None,
        max_final_vocab: int | None = None,
        lowercase: bool = False,
        max_sentence_length: int = 10000,
        callbacks: Sequence[Any] = (),
        checkpoint_every: float | None = None,
        checkpoint_path: str | os.PathLike | None = None,
        learning_rate: float | None = None,
    ):
        if learning_rate is not None:
            warnings.warn(
                "GloVe's learning_rate is now called alpha, as in every wordspace trainer "
                "(learning_rate goes away in 0.4); the weighting exponent, alpha before 0.3, "
                "is weight_exponent",
                DeprecationWarning,
                stacklevel=2,
            )
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.epochs = epochs
        self.x_max = x_max
        self.weight_exponent = weight_exponent
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.symmetric = symmetric
        self.distance_weighting = distance_weighting
        self.memory = memory
        self.workers = workers
        self.seed = seed
        self.output = output
        self.grad_clip = grad_clip
        self.max_vocab_size = max_vocab_size
        self.max_final_vocab = max_final_vocab
        self.lowercase = lowercase
        self.max_sentence_length = max_sentence_length
        self.callbacks = callbacks
        self.checkpoint_every = checkpoint_every
        self.checkpoint_path = checkpoint_path

    def _validate(self) -> None:
        super()._validate()
        if self.learning_rate is None and 0.5 <= float(self.alpha) <= 1.0:
            # before 0.3, GloVe's alpha was the weighting exponent (0.75 in the paper)
            warnings.warn(
                f"GloVe(alpha={self.alpha!r}): alpha is the learning rate since 0.3 (0.05 is "
                "usual); the weighting exponent (the paper's alpha, which this parameter was "
                "before 0.3) is now weight_exponent",
                FutureWarning,
                stacklevel=3,
            )

    def _learning_rate(self) -> float:
        """The learning rate: ``alpha``, or the deprecated ``learning_rate`` when given."""
        return float(self.alpha if self.learning_rate is None else self.learning_rate)

    @classmethod
    def _params_from_config(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        """Saved parameters back to constructor arguments; a model saved before 0.3
        (``alpha`` the weighting exponent, ``learning_rate`` the learning rate) is renamed."""
        config = dict(config)
        if "weight_exponent" not in config and "learning_rate" in config:
            config["weight_exponent"] = config.pop("alpha", 0.75)
            config["alpha"] = config.pop("learning_rate")
        return super()._params_from_config(config)

    # ------------------------------------------------------------------ fitting
    @property
    def vocab(self) -> Vocabulary:
        """The vocabulary (``vocab_``)."""
        return self.vocab_

    def fit(
        self,
        corpus=None,
        cooccurrence=None,
        *,
        progress: Callable[..., None] | None = None,
        client=None,
    ) -> GloVe:
        """Count co-occurrences in ``corpus`` and train fresh vectors; returns ``self``.

        ``corpus``: a path, a :class:`~wordspace.text.corpus.Corpus` or a re-iterable of token
        lists. ``cooccurrence``: reuse a matrix instead of counting one: either a file written
        by :meth:`save_cooccurrence` (it holds its vocabulary; then leave ``corpus`` out), or
        a square ``scipy.sparse`` matrix in the vocabulary order of ``corpus`` (the corpus
        then only gives the vocabulary, with this model's ``min_count``). ``fit`` always
        starts from fresh random vectors; :meth:`partial_fit` continues.

        ``progress(done, total, **info)`` is called while counting (``stage="counting"``,
        done/total in row blocks) and after every piece of training
        (``stage="training"``, done/total in records; info: epoch, loss of the last finished
        epoch, records_per_sec).

        ``client``: a ``dask.distributed.Client``: the vocabulary and the co-occurrence matrix
        of ``corpus`` (files) are counted on its workers (exactly the single-machine matrix),
        then training runs here (:mod:`wordspace.distributed`).
        """
        self._validate()
        if corpus is None and cooccurrence is None:
            raise ParameterError("give a corpus (or a co-occurrence file) to fit on")
        resume = self._take_resume()
        if resume is not None:
            return self._fit_resumed(resume, corpus, cooccurrence, progress)
        if client is not None and cooccurrence is None:
            from wordspace.distributed import fit_glove_counts

            self.vocab_, self.cooccurrence_ = fit_glove_counts(self, corpus, client, progress)
        else:
            self.vocab_, self.cooccurrence_ = self._count(corpus, cooccurrence, None, progress)
        self._init_weights()
        self._set_fingerprints(
            vocabulary=vocab_fingerprint(self.vocab_.index_to_key, self.vocab_.counts)
        )
        self._train(progress)
        return self

    def _fit_resumed(
        self, resume: dict[str, Any], corpus, cooccurrence, progress: Callable[..., None] | None
    ) -> GloVe:
        """Continue a checkpoint: the vocabulary of ``corpus`` (or of the co-occurrence file)
        must be the checkpoint's; the shuffled records come from the checkpoint (no count)."""
        from wordspace.io.cooccurrence import load_cooccurrence
        from wordspace.text.corpus import as_corpus

        t0 = time.perf_counter()
        if corpus is not None:
            corpus_obj = as_corpus(
                corpus, lowercase=self.lowercase, max_sentence_length=self.max_sentence_length
            )
            self.tokenizer_ = corpus_obj.tokenizer
            self.phrases_meta_ = phrases_record(corpus_obj)
            vocab = Vocabulary.build(
                corpus_obj, self.min_count, self.max_vocab_size, self.max_final_vocab
            )
            found = vocab_fingerprint(vocab.index_to_key, vocab.counts)
        elif isinstance(cooccurrence, str | os.PathLike):
            _, words, counts, _ = load_cooccurrence(cooccurrence)
            if words is None:
                raise ParameterError(f"{cooccurrence} holds no vocabulary; resume on the corpus")
            found = vocab_fingerprint(list(words), counts)
        else:
            raise ParameterError(
                "resume on the corpus (or co-occurrence file) the checkpoint was made on"
            )
        self._check_resume_data(resume, vocabulary=found)
        self.vocab_seconds_ = time.perf_counter() - t0
        self.cooccurrence_seconds_ = 0.0
        self.cooccurrence_ = None  # not kept in the checkpoint: its shuffled records are
        arrays = resume["arrays"]
        n, D = self._W.shape
        for name in ("gw", "gc", "records"):
            if name not in arrays:
                raise FormatError(f"{resume['path']}: the checkpoint lacks ckpt_{name}.npy")
        self._GW, self._GC = _aligned((n, D), 1.0), _aligned((n, D), 1.0)
        if arrays["gw"].shape != (n, D) or arrays["gc"].shape != (n, D):
            raise FormatError(
                f"{resume['path']}: AdaGrad's accumulators do not match the vectors ({n} x {D})"
            )
        self._GW[:], self._GC[:] = arrays["gw"], arrays["gc"]
        self._end_resume()
        self._train(progress, resume=resume)
        return self

    def partial_fit(
        self, corpus=None, cooccurrence=None, *, progress: Callable[..., None] | None = None
    ) -> GloVe:
        """Continue training the current vectors for ``epochs`` more passes.

        On the co-occurrences of ``corpus`` counted over the model's vocabulary (other words
        are ignored), or on ``cooccurrence`` (a matrix in the model's vocabulary order, or a
        file saved with the same vocabulary); with neither, on the matrix of the last ``fit``.
        AdaGrad's accumulated squares continue too, except after :meth:`load` (they are not
        saved; they restart at 1). On a model that is not fitted yet this is :meth:`fit`.
        """
        self._validate()
        if not self.is_fitted:
            return self.fit(corpus, cooccurrence, progress=progress)
        self._end_resume()
        if corpus is None and cooccurrence is None:
            if getattr(self, "cooccurrence_", None) is None:
                raise ParameterError(
                    "this model keeps no co-occurrence matrix (it was loaded); "
                    "give the corpus or co-occurrence file to continue on"
                )
        else:
            _, self.cooccurrence_ = self._count(corpus, cooccurrence, self.vocab_, progress)
        if self._W.shape[1] != _padded(int(self.vector_size)):
            raise ParameterError(
                f"vector_size={self.vector_size} but the model's vectors have "
                f"{self.word_vectors_.shape[1]} dimensions; it cannot change after training"
            )
        if self._GW is None:
            n, D = self._W.shape
            self._GW, self._GC = _aligned((n, D), 1.0), _aligned((n, D), 1.0)
        self._train(progress)
        return self

    def _count(
        self, corpus, cooccurrence, vocab: Vocabulary | None, progress: Callable[..., None] | None
    ) -> tuple[Vocabulary, Any]:
        """The vocabulary (``vocab`` when given) and co-occurrence matrix to train on
        (:func:`wordspace.train._glove_count.count_for`)."""
        from wordspace.train._glove_count import count_for

        return count_for(self, corpus, cooccurrence, vocab, progress)

    @staticmethod
    def _check_matrix(matrix, n: int):
        import scipy.sparse as sp

        if matrix.shape != (n, n):
            raise ParameterError(
                f"the co-occurrence matrix has shape {matrix.shape} but the vocabulary has "
                f"{n:,} words; count it with the same corpus and min_count"
            )
        X = sp.csr_matrix(matrix, dtype=np.float32)
        X.sort_indices()
        if X.nnz and not np.all(np.isfinite(X.data)):
            raise ParameterError("the co-occurrence matrix has NaN or infinite entries")
        if X.nnz and (X.data < 0).any():
            raise ParameterError("the co-occurrence matrix has negative entries")
        if X.nnz and (X.data == 0).any():
            X.eliminate_zeros()
        if X.nnz == 0:
            raise CorpusError("the co-occurrence matrix is empty: nothing to train on")
        return X

    # ------------------------------------------------------------------ training
    def _records(self) -> tuple[np.ndarray, _SpilledMatrix | None]:
        """The training records of ``cooccurrence_`` (and, for a large matrix, the spill
        that holds it on disk while they train: ``cooccurrence_`` is None until
        :meth:`_unspill`)."""
        from wordspace.kernels import glove as k

        X = self.cooccurrence_
        nnz = int(X.nnz)
        rec_i = np.empty((nnz, k.RECORD_WIDTH), dtype=np.int32)
        rec_f = rec_i.view(np.float32)
        if nnz * (X.indices.itemsize + X.data.itemsize) < _SPILL_BYTES:
            _fill(self, np.asarray(X.indptr, dtype=np.int64), X.indices, X.data, 0, rec_i, rec_f)
            return rec_i, None
        try:
            spill = _SpilledMatrix(X)
        except OSError as e:
            logger.warning(
                "could not keep the co-occurrence matrix in a temporary folder while "
                "training (%s); it stays in memory (%.0f MB more); set TMPDIR to a "
                "writable folder with room",
                e,
                X.nnz * 8 / 1e6,
            )
            _fill(self, np.asarray(X.indptr, dtype=np.int64), X.indices, X.data, 0, rec_i, rec_f)
            return rec_i, None
        self.cooccurrence_ = X = None  # the records take its place in memory
        try:
            for r0, p0, indptr, indices, data in spill.row_slices(_FILL_SLICE):
                p1 = p0 + indices.shape[0]
                _fill(self, indptr, indices, data, r0, rec_i[p0:p1], rec_f[p0:p1])
        except BaseException:
            del rec_i, rec_f
            self._unspill(spill)
            raise
        return rec_i, spill

    def _unspill(self, spill: _SpilledMatrix | None) -> None:
        """Read the matrix moved to disk by :meth:`_records` back (the records are gone)."""
        if spill is not None:
            try:
                self.cooccurrence_ = spill.load()
            finally:
                spill.close()

    def _init_weights(self) -> None:
        n, d = len(self.vocab_), int(self.vector_size)
        D = _padded(d)
        rng = np.random.default_rng(self.seed)
        # as glove.c: uniform in [-0.5, 0.5) / (d + 1) for vectors and biases; AdaGrad sums at 1
        W = _aligned((n, D), 0.0)
        C = _aligned((n, D), 0.0)
        scale = np.float32(1.0 / (d + 1))
        W[:, : d + 1] = (rng.random((n, d + 1), dtype=np.float32) - np.float32(0.5)) * scale
        C[:, : d + 1] = (rng.random((n, d + 1), dtype=np.float32) - np.float32(0.5)) * scale
        self._W, self._C = W, C
        self._GW = _aligned((n, D), 1.0)
        self._GC = _aligned((n, D), 1.0)
        self.loss_history_: list[float] = []
        self.epoch_stats_: list[dict[str, Any]] = []

    def _train(
        self, progress: Callable[..., None] | None, resume: dict[str, Any] | None = None
    ) -> None:
        from wordspace.kernels import glove as k

        t_train = time.perf_counter()
        if resume is not None:
            rec_i = np.asarray(resume["arrays"]["records"])
            if rec_i.ndim == 2 and rec_i.shape[1] == 4:
                # a checkpoint of wordspace 0.2.0 (records with f(x) as a fourth column):
                # f(x) is computed from log x now
                rec_i = rec_i[:, : k.RECORD_WIDTH]
            rec_i = np.ascontiguousarray(rec_i, dtype=np.int32)
            if rec_i.ndim != 2 or rec_i.shape[1] != k.RECORD_WIDTH:
                raise FormatError(
                    f"{resume['path']}: ckpt_records.npy has shape "
                    f"{rec_i.shape}, not (n, {k.RECORD_WIDTH})"
                )
            self._train_records(
                rec_i,
                self._tiles(rec_i),
                progress,
                t_train,
                {**resume["position"], "path": resume["path"]},
            )
            self._end_training(t_train)
            return
        if self.cooccurrence_.nnz >= 1 << 32:
            raise ParameterError(
                f"{self.cooccurrence_.nnz:,} non-zeros: more than this trainer handles (2**32)"
            )
        rec_i, spill = self._records()
        try:
            self._train_records(rec_i, self._tiles(rec_i), progress, t_train, None)
        finally:
            del rec_i  # the records are gone once training returns: the matrix takes their place
            self._unspill(spill)
        self._end_training(t_train)

    def _tiles(self, rec_i: np.ndarray) -> np.ndarray:
        """Group the records by tile in place (:func:`~wordspace.kernels.glove.tile_records`);
        returns the tiles' bounds (int64, ``n_groups**2 + 1``)."""
        from wordspace.kernels import glove as k

        rows, groups = _tile_groups(len(self.vocab_), self._W.shape[1])
        tiles = np.empty(groups * groups + 1, dtype=np.int64)
        k.tile_records(rec_i, rows, groups, tiles)
        return tiles

    def _plan(self, tiles: np.ndarray, epoch: int, bounds: list[int]) -> list[np.ndarray]:
        """Epoch ``epoch``'s order: the tiles in a random order (from ``(seed, epoch)``),
        laid end to end, and cut at ``bounds`` into the threads' shares. Returns, per thread,
        its segments as rows ``(v0, v1, lo)``: the share's positions ``[v0, v1)`` are the
        records ``[lo, lo + v1 - v0)``, one tile or a part of one (a Fisher-Yates shuffle
        never crosses a segment, so records stay in their tile)."""
        sizes = np.diff(tiles)
        order = np.random.default_rng(_mix(self.seed, epoch, -2)).permutation(sizes.shape[0])
        order = order[sizes[order] > 0]
        vend = np.cumsum(sizes[order])
        vbeg = vend - sizes[order]
        plans = []
        for t in range(len(bounds) - 1):
            b0, b1 = bounds[t], bounds[t + 1]
            keep = (vend > b0) & (vbeg < b1)
            v0 = np.maximum(vbeg[keep], b0)
            v1 = np.minimum(vend[keep], b1)
            lo = tiles[order[keep]] + (v0 - vbeg[keep])
            plans.append(np.stack([v0, v1, lo], axis=1).astype(np.int64))
        return plans

    def _train_records(
        self,
        rec_i: np.ndarray,
        tiles: np.ndarray,
        progress: Callable[..., None] | None,
        t_train: float,
        pos: dict[str, Any] | None,
    ) -> None:
        """Train on the records ``rec_i``, grouped by tile (``tiles``: their bounds); ``pos``:
        where a checkpoint stopped (None: from the start)."""
        from wordspace.kernels import glove as k

        rec_f = rec_i.view(np.float32)
        nnz = rec_i.shape[0]
        self.nonzeros_ = int(nnz)
        workers = int(min(self.workers, max(nnz, 1)))
        if pos is not None:
            pos = _checked_position(pos, nnz, int(self.epochs), len(self.loss_history_))
            workers = len(pos["threads"])  # each thread's share and stream are fixed
        bounds = [nnz * t // workers for t in range(workers + 1)]
        d = int(self.vector_size)
        eta = np.float32(self._learning_rate())
        clip = np.float32(self.grad_clip)
        log_x_max = np.float32(np.log(float(self.x_max)))
        f_exp = np.float32(self.weight_exponent)
        W, C, GW, GC = self._W, self._C, self._GW, self._GC
        assert GW is not None and GC is not None  # set by every caller before training
        epochs = int(self.epochs)
        total = nnz * epochs
        first = len(self.loss_history_)  # epochs trained before this call
        e0 = 0
        if pos is not None:
            first, e0 = int(pos["first"]), int(pos["epoch"])
        done_lock = threading.Lock()
        done = [
            nnz * e0
            + (
                0
                if pos is None
                else sum(th["p"] - bounds[t] for t, th in enumerate(pos["threads"]))
            )
        ]
        stop = threading.Event()  # set on an exception (e.g. Ctrl-C): threads quit early
        pause = threading.Event()  # set for a checkpoint: threads stop between pieces
        ckpt = Checkpointer(self)
        logger.info("training GloVe on %d non-zeros x %d epochs, %d workers", nnz, epochs, workers)

        plan: list[np.ndarray] = []  # this epoch's segments per thread (set per epoch)

        def run(e: int, t: int, p: int, state: np.ndarray, out: np.ndarray):
            hi = bounds[t + 1]
            segs = plan[t]
            s = int(np.searchsorted(segs[:, 1], p, side="right")) if p < hi else 0
            while p < hi and not stop.is_set() and not pause.is_set():
                v0, v1, lo = (int(x) for x in segs[s])
                q = min(p + _PIECE, v1)
                off = lo - v0
                k.train_records(
                    rec_i,
                    rec_f,
                    p + off,
                    q + off,
                    v1 + off,
                    W,
                    C,
                    GW,
                    GC,
                    d,
                    eta,
                    clip,
                    log_x_max,
                    f_exp,
                    state,
                    out,
                )
                with done_lock:
                    done[0] += q - p
                p = q
                if p == v1:
                    s += 1
            return p, state, out

        def fresh(e: int) -> list:
            return [
                (
                    bounds[t],
                    np.array([_mix(self.seed, first + e, t)], dtype=np.uint64),
                    np.zeros(2, dtype=np.float64),
                )
                for t in range(workers)
            ]

        def position(e: int, threads: list) -> dict[str, Any]:
            return {
                "first": first,
                "epoch": e,
                "done": done[0],
                "threads": [
                    {"p": int(p), "state": int(st[0]), "out": [float(x) for x in o]}
                    for p, st, o in threads
                ],
                "progress": {
                    "epoch": e + 1,
                    "epochs": epochs,
                    "done": done[0],
                    "total": total,
                    "unit": "records",
                },
            }

        def checkpoint(e: int, threads: list) -> None:
            ckpt.write(self, position(e, threads), {"gw": GW, "gc": GC, "records": rec_i})

        # threads even for one worker, so that the caller's thread can report progress
        pool = ThreadPoolExecutor(workers, thread_name_prefix="glove")
        last_loss = float("nan")
        e = e0
        threads: list = []
        self._call_callbacks("on_train_begin")
        try:
            for e in range(e0, epochs):
                self._call_callbacks("on_epoch_begin")
                te = time.perf_counter()
                plan = self._plan(tiles, first + e, bounds)
                if e == e0 and pos is not None:
                    threads = [
                        (
                            int(th["p"]),
                            np.array([th["state"]], dtype=np.uint64),
                            np.array(th["out"], dtype=np.float64),
                        )
                        for th in pos["threads"]
                    ]
                else:
                    threads = fresh(e)
                while True:
                    futs = {
                        t: pool.submit(run, e, t, *threads[t])
                        for t in range(workers)
                        if threads[t][0] < bounds[t + 1]
                    }
                    while not all(f.done() for f in futs.values()):
                        wait(list(futs.values()), timeout=0.25)
                        if progress is not None:
                            self._report(progress, done[0], total, e, epochs, last_loss, t_train)
                        if ckpt.due():
                            pause.set()
                    for t, f in futs.items():
                        threads[t] = f.result()
                    if not pause.is_set():
                        break
                    pause.clear()
                    if any(threads[t][0] < bounds[t + 1] for t in range(workers)):
                        checkpoint(e, threads)
                    else:
                        break
                results = [o for _, _, o in threads]
                cost = float(sum(r[0] for r in results))
                skipped = int(sum(r[1] for r in results))
                secs = time.perf_counter() - te
                last_loss = cost / nnz
                self.loss_history_.append(last_loss)
                check_finite(
                    {"the word vectors": W, "the context vectors": C},
                    loss=last_loss,
                    max_loss=_MAX_LOSS,
                    where=f"epoch {first + e + 1}",
                    fix=f"lower alpha (now {self._learning_rate()}; 0.05 is usual) or grad_clip",
                )
                self.epoch_stats_.append(
                    {
                        "epoch": first + e + 1,
                        "loss": last_loss,
                        "seconds": secs,
                        "records_per_sec": nnz / secs if secs > 0 else 0.0,
                        "skipped": skipped,
                    }
                )
                if skipped:
                    logger.warning(
                        "epoch %d: %d records skipped (non-finite error)", e + 1, skipped
                    )
                logger.info("epoch %d: loss %.6f in %.1fs", first + e + 1, last_loss, secs)
                if progress is not None:
                    self._report(progress, done[0], total, e, epochs, last_loss, t_train)
                if self.callbacks:
                    self._make_wv()
                    self._call_callbacks("on_epoch_end", epoch=first + e + 1)
                if e + 1 < epochs and ckpt.due():
                    checkpoint(e + 1, fresh(e + 1))
        except BaseException as exc:
            stop.set()
            if isinstance(exc, TrainingDivergedError):
                self.wv = None  # type: ignore[assignment]  # diverged: nothing to save or query
            elif isinstance(exc, KeyboardInterrupt):
                pool.shutdown(wait=True, cancel_futures=True)
                self.train_seconds_ = time.perf_counter() - t_train
                self._mark_progress(
                    False, epoch=e + 1, epochs=epochs, done=done[0], total=total, unit="records"
                )
                self._make_wv()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        self._mark_progress(
            True, epoch=epochs, epochs=epochs, done=done[0], total=total, unit="records"
        )

    def _end_training(self, t_train: float) -> None:
        self.train_seconds_ = time.perf_counter() - t_train
        self._make_wv()
        self._call_callbacks("on_train_end")

    @staticmethod
    def _report(
        progress, done: int, total: int, e: int, epochs: int, loss: float, t_train: float
    ) -> None:
        el = time.perf_counter() - t_train
        info: dict[str, Any] = {
            "stage": "training",
            "epoch": f"{e + 1}/{epochs}",
            "records_per_sec": int(done / el) if el > 0 else 0,
        }
        if loss == loss:
            info["loss"] = loss
        progress(done, total, **info)

    # ------------------------------------------------------------------ results
    @property
    def word_vectors_(self) -> np.ndarray:
        return self._W[:, : self.vector_size]

    @property
    def context_vectors_(self) -> np.ndarray:
        return self._C[:, : self.vector_size]

    @property
    def word_biases_(self) -> np.ndarray:
        return self._W[:, self.vector_size]

    @property
    def context_biases_(self) -> np.ndarray:
        return self._C[:, self.vector_size]

    def _output_vectors(self) -> np.ndarray:
        Wv, Cv = self.word_vectors_, self.context_vectors_
        if self.output == "word":
            return np.ascontiguousarray(Wv)
        if self.output == "concat":
            return np.ascontiguousarray(np.hstack([Wv, Cv]))
        return Wv + Cv

    def _make_wv(self) -> None:
        meta = {
            "trainer": "glove",
            "params": self._config(),
            "loss_history": [float(x) for x in getattr(self, "loss_history_", [])],
            "epochs_trained": len(getattr(self, "loss_history_", [])),
            "tokenizer": self.tokenizer_.to_dict(),
            **phrases_meta(self),
        }
        self.wv = WordVectors(
            self.vocab_.index_to_key, self._output_vectors(), counts=self.vocab_.counts, meta=meta
        )

    # ------------------------------------------------------------------ persistence
    def save_cooccurrence(self, path: str | os.PathLike, *, compressed: bool = False) -> None:
        """Save ``cooccurrence_`` with its vocabulary (``.npz``, no pickle), so that
        ``GloVe(...).fit(cooccurrence=path)`` can train again without counting."""
        from wordspace.io.cooccurrence import save_cooccurrence

        if getattr(self, "cooccurrence_", None) is None:
            raise ParameterError("no co-occurrence matrix yet; call fit() first")
        save_cooccurrence(
            path,
            self.cooccurrence_,
            self.vocab_.index_to_key,
            self.vocab_.counts,
            {
                "window": int(self.window),
                "symmetric": bool(self.symmetric),
                "distance_weighting": bool(self.distance_weighting),
                "min_count": int(self.vocab_.min_count),
            },
            compressed=compressed,
        )

    def _get_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        arrays = {
            "word_vectors": np.ascontiguousarray(self.word_vectors_),
            "context_vectors": np.ascontiguousarray(self.context_vectors_),
            "word_biases": np.ascontiguousarray(self.word_biases_),
            "context_biases": np.ascontiguousarray(self.context_biases_),
        }
        state = {
            **vocab_state(self.vocab_),
            "loss_history": [float(x) for x in self.loss_history_],
            "epoch_stats": self.epoch_stats_,
        }
        return arrays, state

    def _set_state(
        self,
        wv: WordVectors,
        arrays: dict[str, np.ndarray],
        state: dict[str, Any],
        path: str | os.PathLike,
    ) -> None:
        """Vectors, biases, vocabulary and history (not the co-occurrence matrix: keep that
        with :meth:`save_cooccurrence`; nor AdaGrad's sums: ``partial_fit`` restarts them)."""
        self.vocab_ = restore_vocab(wv, state, self.min_count, path)
        n = len(wv)
        d = int(self.vector_size)
        Wv, Cv = arrays["word_vectors"], arrays["context_vectors"]
        bw, bc = arrays["word_biases"], arrays["context_biases"]
        if Wv.shape != (n, d) or Cv.shape != (n, d) or bw.shape != (n,) or bc.shape != (n,):
            raise FormatError(f"{path}: GloVe weights do not match {n} words x {d} dimensions")
        D = _padded(d)
        self._W = _aligned((n, D), 0.0)
        self._C = _aligned((n, D), 0.0)
        self._W[:, :d], self._W[:, d] = Wv, bw
        self._C[:, :d], self._C[:, d] = Cv, bc
        self._GW = self._GC = None
        self.loss_history_ = list(state.get("loss_history", []))
        self.epoch_stats_ = list(state.get("epoch_stats", []))
        self.cooccurrence_ = None
        self.tokenizer_ = wv.tokenizer or Tokenizer(lowercase=bool(self.lowercase))
        self.phrases_meta_ = wv.meta.get("phrases")
        self.wv = wv

    def save_word2vec_format(
        self, path: str | os.PathLike, *, binary: bool = False, write_header: bool = True
    ) -> None:
        """Write ``wv`` in word2vec text/binary format (``write_header=False``: GloVe text)."""
        self._check_fitted("save_word2vec_format()")
        assert self.wv is not None  # _check_fitted raised otherwise
        self.wv.save_word2vec_format(Path(path), binary=binary, write_header=write_header)
