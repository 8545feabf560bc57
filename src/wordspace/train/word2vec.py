"""Word2Vec: skip-gram and CBOW training (orchestration around ``kernels.word2vec``).

The corpus is read once into an ``int32`` id array (:meth:`Corpus.to_ids`; memory-mapped out of
core, its pages given back behind the training position); every epoch cuts
it into jobs of about ``batch_words`` words which ``workers`` threads train Hogwild-style with
the GIL released. Each job has its own seed derived from ``(seed, epoch, job)`` and its learning
rate depends only on the corpus position of each word, so the schedule is exactly linear from
``alpha`` to ``min_alpha`` over all epochs whatever the thread timing, every epoch trains the
whole corpus, and ``workers=1`` is bit-for-bit reproducible.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import numpy as np

from wordspace.errors import (
    CheckpointError,
    CorpusError,
    FormatError,
    ParameterError,
    TrainingDivergedError,
)
from wordspace.text.corpus import as_corpus, release_pages
from wordspace.text.tokenizer import Tokenizer
from wordspace.text.vocab import Vocabulary
from wordspace.train._common import (
    CHECKPOINT_FIX,
    CHECKPOINT_RULES,
    Checkpointer,
    Trainer,
    boolean,
    callbacks_rule,
    check_finite,
    integer,
    number,
    phrases_meta,
    phrases_record,
    position_fields,
    restore_vocab,
    rule,
    vocab_fingerprint,
    vocab_state,
)
from wordspace.train._common import mix_seed as _mix
from wordspace.vectors.keyed import WordVectors

__all__ = ["Word2Vec"]

logger = logging.getLogger(__name__)

_RELEASE_WORDS = 1 << 22  # an out-of-core id array's pages are given back every 16 MB


def _zero_one(v: Any, p: Any) -> bool:
    return v in (0, 1) and not isinstance(v, float)


_CONSTRAINTS = (
    integer("vector_size", message="vector_size must be a positive integer, got {value!r}"),
    integer("window"),
    # 0 is gensim's "keep every word": the same as 1 for a corpus (every word is seen once)
    integer("min_count", min=0),
    rule("sg", ok=_zero_one, message="sg must be 0 (CBOW) or 1 (skip-gram), got {value!r}"),
    rule("hs", ok=_zero_one, message="hs must be 0 or 1, got {value!r}"),
    integer("negative", min=0),
    rule(
        "negative",
        ok=lambda v, p: v > 0 or p["hs"] == 1,
        message="negative=0 with hs=0 leaves nothing to train; set negative > 0 (e.g. 5) or hs=1",
    ),
    number("ns_exponent", message="ns_exponent must be a finite number, got {value!r}"),
    rule("cbow_mean", ok=_zero_one, message="cbow_mean must be 0 or 1, got {value!r}"),
    number(
        "sample",
        low=0,
        high=1,
        low_open=False,
        message="sample must be a number in [0, 1), got {value!r} (1e-3 to 1e-5 are usual)",
    ),
    number(
        "alpha",
        low=0,
        high=10,
        message="alpha must be a positive number below 10 (0.025 is usual), got {value!r}",
    ),
    number(
        "min_alpha",
        low=0,
        low_open=False,
        message="min_alpha must be a number in [0, alpha={alpha!r}], got {value!r}",
    ),
    rule(
        "min_alpha",
        ok=lambda v, p: v <= p["alpha"],
        message="min_alpha must be a number in [0, alpha={alpha!r}], got {value!r}",
    ),
    integer("epochs", "workers"),
    integer("seed", min=-(2**63), message="seed must be an integer, got {value!r}"),
    integer(
        "max_vocab_size",
        "max_final_vocab",
        optional=True,
        message="{name} must be a positive integer or None, got {value!r}",
    ),
    integer(
        "batch_words",
        "max_sentence_length",
        message="{name} must be a positive integer, got {value!r}",
    ),
    boolean("shrink_windows", "compute_loss", "sorted_vocab", "lowercase", "shared_negatives"),
    callbacks_rule(),
    *CHECKPOINT_RULES,
)


def _init_vectors(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """Initial input vectors: uniform in [-1/d, 1/d), as gensim 4 (the C tool uses half)."""
    v = rng.random((n, d), dtype=np.float32)
    v *= np.float32(2.0)
    v -= np.float32(1.0)
    v /= np.float32(d)
    return v


class Word2Vec(Trainer):
    """word2vec embeddings (Mikolov et al. 2013): skip-gram or CBOW, negative sampling and/or
    hierarchical softmax. Parameters and names follow gensim's ``Word2Vec``.

    Parameters
    ----------
    vector_size: dimension of the vectors.
    window: maximum distance between a word and its context words.
    min_count: ignore words seen fewer times.
    sg: 1 skip-gram, 0 CBOW.
    hs: 1 hierarchical softmax (together with negative sampling when ``negative > 0``).
    negative: negative samples per positive example (0: none; then ``hs`` must be 1).
    ns_exponent: exponent of the noise distribution (``count**ns_exponent``).
    cbow_mean: CBOW input is the mean (1) or the sum (0) of the context vectors.
    sample: subsampling threshold for frequent words (0: off).
    alpha, min_alpha: learning rate, decaying linearly from ``alpha`` to ``min_alpha`` over all
        epochs of one ``fit``. Default 0.025 for both architectures, as gensim (the C tool uses
        0.05 for CBOW: pass ``alpha=0.05``).
    epochs: passes over the corpus.
    workers: training threads (Hogwild-style); ``workers=1`` with a fixed ``seed`` is
        bit-for-bit reproducible.
    seed: seed of the initial vectors and of every job's random numbers.
    max_vocab_size, max_final_vocab: caps on the vocabulary (see ``Vocabulary.from_counts``).
    shrink_windows: draw the effective window uniformly in ``1..window`` for every word.
    compute_loss: accumulate the training loss (float64) into ``loss_history_``.
    sorted_vocab: kept for gensim compatibility; the vocabulary is always sorted by frequency.
    callbacks: objects with any of ``on_train_begin/on_epoch_begin/on_epoch_end/on_train_end``
        (called with the model, as gensim's ``CallbackAny2Vec``), or plain callables called as
        ``cb(model, epoch)`` after every epoch.
    lowercase: lowercase tokens when reading a path.
    batch_words: words per job handed to a thread.
    max_sentence_length: longer lines are cut into pieces of this many tokens.
    shared_negatives: skip-gram only: draw the negative samples once per centre word and
        share them across its window, as Ji et al. (2016, "Parallelizing Word2Vec in Shared
        and Distributed Memory") do. On by default: on wiki100m (1 epoch) it trains in about
        half the time with the same quality (analogy 0.141 vs 0.144, WS353 0.470 vs 0.451;
        ``docs/performance.md``). ``False`` draws them for every (word, context) pair, as the
        C tool and gensim (``wordspace.compat.gensim`` keeps ``False``).
    checkpoint_every, checkpoint_path: write the whole training state (weights, vocabulary,
        corpus position, epoch, learning rate, random streams) to ``checkpoint_path`` every
        ``checkpoint_every`` seconds (default 600 when only the path is given), atomically;
        :meth:`resume` continues from it (see ``wordspace.train._common``). The file is left
        in place when training ends (delete it once the model is saved).

    Notes
    -----
    Interrupting ``fit`` (``KeyboardInterrupt``) stops the threads within a job, keeps the
    weights reached and re-raises: the model is then usable but partial
    (``training_complete_`` False; ``training_progress_`` says the epoch, words done and
    learning rate), and saves marked ``complete: false``.

    Attributes after ``fit``: ``wv`` (:class:`WordVectors` with counts), ``vocab``
    (:class:`Vocabulary`), ``syn1neg``/``syn1`` (output weights), ``loss_history_`` (loss per
    epoch, when ``compute_loss``), ``epoch_stats_`` (words, seconds, words/s, final learning
    rate per epoch), ``epochs_trained_``, ``training_complete_``, ``training_progress_``;
    with checkpoints, ``checkpoints_written_`` and ``checkpoint_seconds_`` (time spent writing).
    """

    _constraints = _CONSTRAINTS
    _model_kind = "word2vec_model"
    _state_key = "word2vec"

    def __init__(
        self,
        *,
        vector_size: int = 100,
        window: int = 5,
        min_count: int = 5,
        sg: int = 0,
        hs: int = 0,
        negative: int = 5,
        ns_exponent: float = 0.75,
        cbow_mean: int = 1,
        sample: float = 1e-3,
        alpha: float = 0.025,
        min_alpha: float = 0.0001,
        epochs: int = 5,
        workers: int = 2,
        seed: int = 1,
        max_vocab_size: int | None = None,
        max_final_vocab: int | None = None,
        shrink_windows: bool = True,
        compute_loss: bool = False,
        sorted_vocab: bool = True,
        callbacks: Sequence[Any] = (),
        lowercase: bool = False,
        batch_words: int = 10000,
        max_sentence_length: int = 10000,
        shared_negatives: bool = True,
        checkpoint_every: float | None = None,
        checkpoint_path: str | os.PathLike | None = None,
    ):
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.sg = sg
        self.hs = hs
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.cbow_mean = cbow_mean
        self.sample = sample
        self.alpha = alpha
        self.min_alpha = min_alpha
        self.epochs = epochs
        self.workers = workers
        self.seed = seed
        self.max_vocab_size = max_vocab_size
        self.max_final_vocab = max_final_vocab
        self.shrink_windows = shrink_windows
        self.compute_loss = compute_loss
        self.sorted_vocab = sorted_vocab
        self.callbacks = callbacks
        self.lowercase = lowercase
        self.batch_words = batch_words
        self.max_sentence_length = max_sentence_length
        self.shared_negatives = shared_negatives
        self.checkpoint_every = checkpoint_every
        self.checkpoint_path = checkpoint_path

    # ------------------------------------------------------------------ fitting
    @property
    def vocab(self) -> Vocabulary:
        """The vocabulary (``vocab_``; this name kept for gensim users)."""
        return self.vocab_

    @property
    def syn0(self) -> np.ndarray:
        """Input vectors (``syn0_``, the array behind ``wv.vectors``; gensim's old name)."""
        return self.syn0_

    @property
    def syn1neg(self) -> np.ndarray:
        """Negative-sampling output weights (``syn1neg_``; gensim's name)."""
        return self.syn1neg_

    @property
    def syn1(self) -> np.ndarray:
        """Hierarchical-softmax output weights (``syn1_``; gensim's name)."""
        return self.syn1_

    def fit(
        self,
        corpus,
        y: Any = None,
        *,
        progress: Callable[..., None] | None = None,
        client=None,
        sync_words: int | None = None,
        staleness: int | None = None,
        delta_dtype: str | None = None,
    ) -> Word2Vec:
        """Train a fresh model on ``corpus`` (a path, a :class:`Corpus` or a re-iterable of
        token lists): build the vocabulary, initialise the vectors, train ``epochs`` passes.

        A fitted model is discarded and trained again from scratch; to continue training use
        :meth:`partial_fit`. ``progress(words_done, words_total, **info)`` is called after
        every job (info: epoch, words_per_sec, alpha, loss when computed). ``y`` is ignored.

        ``client``: a ``dask.distributed.Client``: data-parallel training on its workers, each
        training its part of ``corpus`` (files, local or fsspec URLs such as
        ``"s3://bucket/shard-*.txt.gz"``) and synchronising every ``sync_words`` words
        (default ``"auto"``: from the vocabulary and the number of workers). ``staleness`` (0, default; 1 or 2): rounds a worker may start before
        the last merges arrived, overlapping the exchange with training. ``delta_dtype``
        (``"float32"``, default, or ``"float16"``): the precision of the rows sent each round
        (float16 halves the bytes). See :mod:`wordspace.distributed` and docs/scaling.md.
        """
        given = {
            k: v
            for k, v in (
                ("sync_words", sync_words),
                ("staleness", staleness),
                ("delta_dtype", delta_dtype),
            )
            if v is not None
        }
        if client is not None:
            from wordspace.distributed import fit_word2vec

            return fit_word2vec(self, corpus, client, progress=progress, **given)
        if given:
            raise ParameterError(
                f"{', '.join(given)} need{'s' if len(given) == 1 else ''} client= "
                "(a dask.distributed.Client)"
            )
        self._validate()
        resume = self._take_resume()
        corpus = self._as_corpus(corpus)
        t0 = time.perf_counter()
        vocab = Vocabulary.build(
            corpus, max(1, self.min_count), self.max_vocab_size, self.max_final_vocab
        )
        found = vocab_fingerprint(vocab.index_to_key, vocab.counts)
        if resume is None:
            self._init_weights(vocab)
            self._set_fingerprints(vocabulary=found)
        else:
            self._check_resume_data(resume, vocabulary=found)
            self.vocab_ = vocab
        return self._fit_ids(corpus, t0, progress, resume)

    def partial_fit(
        self, corpus, update: bool = False, *, progress: Callable[..., None] | None = None
    ) -> Word2Vec:
        """Continue training a fitted (or loaded) model on ``corpus`` for ``epochs`` passes.

        ``update=False``: words outside the vocabulary are ignored. ``update=True``: the new
        corpus's words (``min_count`` applied to it) are added to the vocabulary first. On a
        model that is not fitted yet this is :meth:`fit`.
        """
        self._validate()
        if not isinstance(update, bool):
            raise ParameterError(f"update must be True or False, got {update!r}")
        if not self.is_fitted:
            if update:
                raise ParameterError(
                    "update=True needs a trained model; call fit() without it first"
                )
            return self.fit(corpus, progress=progress)
        corpus = self._as_corpus(corpus)
        t0 = time.perf_counter()
        if update:
            new = Vocabulary.build(
                corpus, max(1, self.min_count), self.max_vocab_size, self.max_final_vocab
            )
            self._extend_weights(self.vocab_.extended(new))
        self._end_resume()
        self._set_fingerprints(
            vocabulary=vocab_fingerprint(self.vocab_.index_to_key, self.vocab_.counts)
        )
        return self._fit_ids(corpus, t0, progress)

    def _as_corpus(self, corpus):
        return as_corpus(
            corpus, lowercase=self.lowercase, max_sentence_length=self.max_sentence_length
        )

    def _fit_ids(
        self,
        corpus,
        t0: float,
        progress: Callable[..., None] | None,
        resume: dict[str, Any] | None = None,
    ) -> Word2Vec:
        ids, starts = corpus.to_ids(self.vocab_)
        corpus.clear_cache()
        self.vocab_seconds_ = time.perf_counter() - t0
        if len(ids) == 0:
            raise CorpusError(f"{corpus.name} has no words of the vocabulary to train on")
        self.tokenizer_ = corpus.tokenizer
        self.phrases_meta_ = phrases_record(corpus)
        size = {"words": int(len(ids)), "sentences": int(len(starts) - 1)}
        if resume is not None:
            self._check_resume_data(
                resume, vocabulary=self._fingerprints["vocabulary"], corpus=size
            )
        else:
            self._fingerprints["corpus"] = size
        self._resume_position = resume
        self._end_resume()
        try:
            self._train(ids, starts, progress)
        except TrainingDivergedError:
            self.wv = None  # type: ignore[assignment]  # diverged: nothing to save or query
            raise
        self._make_wv()
        return self

    def _init_weights(self, vocab: Vocabulary) -> None:
        self.vocab_ = vocab
        rng = np.random.default_rng(self.seed)
        n, d = len(vocab), self.vector_size
        self.syn0_ = _init_vectors(rng, n, d)
        self.syn1neg_ = np.zeros((n, d), dtype=np.float32)
        self.syn1_ = np.zeros((max(n - 1, 1), d), dtype=np.float32)
        self.epochs_trained_ = 0
        self.loss_history_: list[float] = []
        self.epoch_stats_: list[dict[str, Any]] = []

    def _extend_weights(self, vocab: Vocabulary) -> None:
        old = len(self.vocab_)
        n, d = len(vocab), self.syn0_.shape[1]
        if n > old:
            rng = np.random.default_rng(_mix(self.seed, self.epochs_trained_, n))
            extra = _init_vectors(rng, n - old, d)
            self.syn0_ = np.ascontiguousarray(np.vstack([self.syn0_, extra]))
            self.syn1neg_ = np.ascontiguousarray(
                np.vstack([self.syn1neg_, np.zeros((n - old, d), np.float32)])
            )
            rows = max(n - 1, 1) - self.syn1_.shape[0]
            if rows > 0:
                self.syn1_ = np.ascontiguousarray(
                    np.vstack([self.syn1_, np.zeros((rows, d), np.float32)])
                )
        self.vocab_ = vocab
        logger.info("vocabulary extended from %d to %d words", old, n)

    def _train(
        self, ids: np.ndarray, starts: np.ndarray, progress: Callable[..., None] | None
    ) -> None:
        from wordspace.kernels import word2vec as kernels

        # a numba dispatcher: its call signature is not visible to type checkers
        train_job = cast(Callable[..., tuple[int, int, float, float]], kernels.train_job)
        if self.syn0_.shape[1] != self.vector_size:
            raise ParameterError(
                f"vector_size={self.vector_size} but the model's vectors have "
                f"{self.syn0_.shape[1]} dimensions; vector_size cannot change after training"
            )
        args = (self.syn0_, self.syn1neg_, self.syn1_, *self._tables())
        compute_loss = bool(self.compute_loss)
        shared = bool(self.shared_negatives)

        def job(s0: int, s1: int, schedule: tuple, seed: np.uint64):
            return train_job(ids, starts, s0, s1, *args, *schedule, seed, compute_loss, shared)

        self._run_epochs(
            ids,
            starts,
            job,
            {"the vectors": self.syn0_},
            progress,
            "skip-gram" if self.sg else "CBOW",
        )

    def _tables(self) -> tuple:
        """The kernels' read-only inputs besides the weights: subsampling thresholds, the
        noise alias table, Huffman codes, and the scalar settings."""
        vocab = self.vocab_
        use_neg = self.negative > 0
        keep = vocab.keep_probabilities(float(self.sample))
        keep_int = np.minimum(np.floor(keep * 2.0**32), 2.0**32 - 1).astype(np.int64)
        noise_thr, noise_alias = (
            vocab.noise_alias(float(self.ns_exponent))
            if use_neg
            else (np.ones(1, np.int64), np.zeros(1, np.int32))
        )
        if self.hs:
            codes, points, lens = vocab.huffman()
        else:
            codes, points, lens = (
                np.zeros((1, 1), np.uint8),
                np.zeros((1, 1), np.int32),
                np.zeros(1, np.int32),
            )
        return (
            keep_int,
            noise_thr,
            noise_alias,
            codes,
            points,
            lens,
            int(self.sg),
            bool(self.hs),
            int(self.negative),
            int(self.cbow_mean),
            int(self.window),
            bool(self.shrink_windows),
        )

    def _run_epochs(
        self,
        ids: np.ndarray,
        starts: np.ndarray,
        job: Callable[[int, int, tuple, np.uint64], tuple[int, int, float, float]],
        inputs: dict[str, np.ndarray],
        progress: Callable[..., None] | None,
        what: str,
    ) -> None:
        """Train ``epochs`` passes: cut the corpus into jobs of about ``batch_words`` words,
        run ``job(s0, s1, schedule, seed)`` over them (``workers`` threads, results in order),
        report progress, keep the per-epoch statistics and check for divergence.

        ``schedule`` is ``(alpha0, span, global position, denominator)``: the learning rate
        of a word depends only on its corpus position; ``seed`` comes from (seed, epoch, job).
        ``inputs``: the input weights to check after every epoch (the output weights too).
        """
        n_words = int(len(ids))
        n_sent = len(starts) - 1
        bounds = np.unique(
            np.concatenate(
                [
                    [0],
                    np.searchsorted(starts, np.arange(self.batch_words, n_words, self.batch_words)),
                    [n_sent],
                ]
            )
        ).astype(np.int64)
        jobs = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
        epochs = int(self.epochs)
        total = n_words * epochs
        denom = float(max(total - 1, 1))
        alpha0 = float(self.alpha)
        span = float(self.alpha - self.min_alpha)
        base_epoch = self.epochs_trained_
        compute_loss = bool(self.compute_loss)
        check = {**inputs, "the output weights": self.syn1neg_ if self.negative > 0 else self.syn1_}
        # where to start: a fresh run, or the position saved in a checkpoint (a job boundary)
        resume = getattr(self, "_resume_position", None)
        self._resume_position = None
        e0 = j0 = done_total = 0
        part = {"seen": 0, "trained": 0, "loss": 0.0, "seconds": 0.0}
        if resume is not None:
            pos = position_fields(resume)
            base_epoch = pos.int("base_epoch", lo=0, hi=int(self.epochs_trained_))
            e0 = pos.int("epoch", lo=0, hi=epochs - 1)
            if base_epoch + e0 != int(self.epochs_trained_):
                raise CheckpointError(
                    f"{resume['path']}: checkpoint.position says epoch {e0} of a run that began "
                    f"after {base_epoch} epoch(s), but the model has {self.epochs_trained_} "
                    f"epoch(s) trained; {CHECKPOINT_FIX}"
                )
            j0 = pos.int("job", lo=0, hi=len(jobs) - 1)
            done_total = pos.int("done", lo=0, hi=total)
            partial = pos.obj("partial")
            part = {
                "seen": partial.int("seen", lo=0, hi=n_words),
                "trained": partial.int("trained", lo=0, hi=n_words),
                "loss": partial.num("loss", lo=0.0),
                "seconds": partial.num("seconds", lo=0.0),
            }
        ckpt = Checkpointer(self)
        self._call_callbacks("on_train_begin")
        logger.info(
            "training %s on %d words x %d epochs, %d jobs/epoch, %d workers",
            what,
            n_words,
            epochs,
            len(jobs),
            self.workers,
        )

        def run(e: int, j: int) -> tuple[int, int, float, float]:
            s0, s1 = jobs[j]
            gpos = e * n_words + int(starts[s0])
            return job(
                s0, s1, (alpha0, span, gpos, denom), np.uint64(_mix(self.seed, base_epoch + e, j))
            )

        def where(e: int, al: float) -> dict[str, Any]:
            return {
                "epoch": e + 1,
                "epochs": epochs,
                "done": done_total,
                "total": total,
                "unit": "words",
                "alpha": float(al),
            }

        t_train = time.perf_counter()
        pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None
        e, al = e0, alpha0 - span * min(done_total / denom, 1.0)
        try:
            for e in range(e0, epochs):
                resumed = e == e0 and j0 > 0
                if not resumed:
                    self._call_callbacks("on_epoch_begin")
                te = time.perf_counter() - (part["seconds"] if resumed else 0.0)
                seen = part["seen"] if resumed else 0
                trained = part["trained"] if resumed else 0
                loss = part["loss"] if resumed else 0.0
                last_alpha = alpha0
                j = j0 if e == e0 else 0
                released = 0
                while j < len(jobs):
                    if pool is None:
                        results = (run(e, i) for i in range(j, len(jobs)))
                    else:
                        # at most 2 jobs per worker in flight (bounded queue, ordered results);
                        # when a checkpoint is due, the queue drains to a job boundary
                        results = _ordered_map(
                            pool, run, e, j, len(jobs), 2 * self.workers, ckpt.due
                        )
                    for ws, wt, ls, al in results:
                        seen += ws
                        trained += wt
                        loss += ls
                        if j == len(jobs) - 1:
                            last_alpha = float(al)
                        done_total += ws
                        j += 1
                        passed = int(starts[jobs[j - 1][1]])  # every job before is done
                        if passed - released >= _RELEASE_WORDS or j == len(jobs):
                            release_pages(ids, passed)  # out of core: pages behind us go
                            released = passed
                        if progress is not None:
                            el = time.perf_counter() - t_train
                            info = {
                                "epoch": f"{e + 1}/{epochs}",
                                "words_per_sec": int(done_total / el) if el > 0 else 0,
                                "alpha": float(al),
                            }
                            if compute_loss:
                                info["loss"] = loss / max(trained, 1)
                            progress(done_total, total, **info)
                        if pool is None and ckpt.due():
                            break
                    if j < len(jobs) and ckpt.due():
                        ckpt.write(
                            self,
                            {
                                "base_epoch": base_epoch,
                                "epoch": e,
                                "job": j,
                                "done": done_total,
                                "partial": {
                                    "seen": seen,
                                    "trained": trained,
                                    "loss": loss,
                                    "seconds": time.perf_counter() - te,
                                },
                                "progress": where(e, al),
                            },
                            {},
                        )
                secs = time.perf_counter() - te
                self.epochs_trained_ += 1
                stats = {
                    "epoch": self.epochs_trained_,
                    "words": seen,
                    "trained_words": trained,
                    "seconds": secs,
                    "words_per_sec": seen / secs if secs > 0 else 0.0,
                    "alpha_end": last_alpha,
                }
                if compute_loss:
                    stats["loss"] = loss
                    self.loss_history_.append(loss)
                self.epoch_stats_.append(stats)
                check_finite(
                    check,
                    where=f"epoch {self.epochs_trained_}",
                    loss=loss if compute_loss else None,
                    fix=f"lower alpha (now {self.alpha}; 0.025 is usual)",
                )
                logger.info(
                    "epoch %d: %d words in %.1fs (%.0f words/s), alpha %.6f",
                    self.epochs_trained_,
                    seen,
                    secs,
                    stats["words_per_sec"],
                    last_alpha,
                )
                self._make_wv()
                self._call_callbacks("on_epoch_end", epoch=self.epochs_trained_)
                if e + 1 < epochs and ckpt.due():
                    ckpt.write(
                        self,
                        {
                            "base_epoch": base_epoch,
                            "epoch": e + 1,
                            "job": 0,
                            "done": done_total,
                            "partial": {"seen": 0, "trained": 0, "loss": 0.0, "seconds": 0.0},
                            "progress": where(e + 1, last_alpha),
                        },
                        {},
                    )
        except KeyboardInterrupt:
            if pool is not None:  # the jobs in flight end first: the weights stay consistent
                pool.shutdown(wait=True, cancel_futures=True)
                pool = None
            self.train_seconds_ = time.perf_counter() - t_train
            self._mark_progress(False, **where(e, al))
            self._make_wv()
            raise
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self.train_seconds_ = time.perf_counter() - t_train
        self._mark_progress(True, **where(epochs - 1, al))
        self._call_callbacks("on_train_end")

    def _make_wv(self) -> None:
        meta = {
            "trainer": "word2vec",
            "params": self._config(),
            "loss_history": [float(x) for x in getattr(self, "loss_history_", [])],
            "epochs_trained": getattr(self, "epochs_trained_", 0),
            "tokenizer": self.tokenizer_.to_dict(),
            **phrases_meta(self),
        }
        self.wv = WordVectors(
            self.vocab_.index_to_key, self.syn0_, counts=self.vocab_.counts, meta=meta
        )

    def get_wv(self, vectors: str = "input") -> WordVectors:
        """The trained vectors: ``"input"`` (``model.wv``, as word2vec and gensim) or
        ``"average"`` of the input and negative-sampling output vectors (as GloVe averages
        its two sets; needs ``negative > 0``). The result shares no memory with the model."""
        self._check_fitted("get_wv()")
        if vectors == "input":
            arr = self.syn0_.copy()
        elif vectors == "average":
            if self.negative == 0 or not np.any(self.syn1neg_):
                raise ParameterError("vectors='average' needs negative sampling (negative > 0)")
            arr = (self.syn0_ + self.syn1neg_) * np.float32(0.5)
        else:
            raise ParameterError(f"vectors must be 'input' or 'average', got {vectors!r}")
        assert self.wv is not None  # _check_fitted
        meta = dict(self.wv.meta, vectors=vectors)
        return WordVectors(self.vocab_.index_to_key, arr, counts=self.vocab_.counts, meta=meta)

    def get_latest_training_loss(self) -> float:
        """Loss of the last epoch (gensim's name; needs ``compute_loss=True``)."""
        return self.loss_history_[-1] if getattr(self, "loss_history_", None) else 0.0

    # ------------------------------------------------------------------ persistence
    def _get_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        arrays = {"syn1neg": self.syn1neg_}
        if self.hs:
            arrays["syn1"] = self.syn1_
        state = {
            "epochs_trained": self.epochs_trained_,
            **vocab_state(self.vocab_),
            "loss_history": list(map(float, self.loss_history_)),
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
        self.vocab_ = restore_vocab(wv, state, self.min_count, path)
        n, d = wv.vectors.shape
        self.syn0_ = np.array(wv.vectors, dtype=np.float32, order="C")
        syn1neg = arrays.get("syn1neg")
        self.syn1neg_ = (
            np.array(syn1neg, dtype=np.float32, order="C")
            if syn1neg is not None
            else np.zeros((n, d), np.float32)
        )
        syn1 = arrays.get("syn1")
        self.syn1_ = (
            np.array(syn1, dtype=np.float32, order="C")
            if syn1 is not None
            else np.zeros((max(n - 1, 1), d), np.float32)
        )
        if self.syn1neg_.shape != (n, d) or self.syn1_.shape != (max(n - 1, 1), d):
            raise FormatError(f"{path}: output weights do not match the vectors' shape {n}x{d}")
        self.epochs_trained_ = int(state.get("epochs_trained", 0))
        self.loss_history_ = list(state.get("loss_history", []))
        self.epoch_stats_ = list(state.get("epoch_stats", []))
        self.tokenizer_ = wv.tokenizer or Tokenizer(lowercase=bool(self.lowercase))
        self.phrases_meta_ = wv.meta.get("phrases")
        self._make_wv()

    def save_word2vec_format(self, path: str | os.PathLike, *, binary: bool = False) -> None:
        """Write the input vectors in word2vec text (or binary) format for exchange."""
        self._check_fitted("save_word2vec_format()")
        assert self.wv is not None  # _check_fitted
        self.wv.save_word2vec_format(path, binary=binary)


def _ordered_map(
    pool: ThreadPoolExecutor,
    fn,
    e: int,
    first: int,
    n_jobs: int,
    in_flight: int,
    hold: Callable[[], bool] = lambda: False,
):
    """Yield ``fn(e, j)`` for ``j`` from ``first`` in order, keeping ``in_flight`` calls
    submitted; once ``hold()`` is true no more are submitted (the generator ends when the
    submitted ones are done: a job boundary, for a checkpoint)."""
    from collections import deque

    q: deque = deque()
    nxt = first
    while nxt < n_jobs and len(q) < in_flight:
        q.append(pool.submit(fn, e, nxt))
        nxt += 1
    while q:
        r = q.popleft().result()
        if nxt < n_jobs and not hold():
            q.append(pool.submit(fn, e, nxt))
            nxt += 1
        yield r
