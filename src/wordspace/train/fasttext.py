"""FastText: word2vec over character n-grams (Bojanowski et al. 2017), so that every string
gets a vector (orchestration around ``kernels.fasttext``).

The input matrix ``wi_`` has ``len(vocab) + bucket`` rows: the words, then the hash buckets of
their character n-grams (fastText's layout, so a trained model is written as a Facebook
``.bin`` without reshuffling and read back by the official tool). Each vocabulary word's list
of rows (its own, then its n-grams') is computed once before training, as CSR arrays; the
kernels only read them. Jobs, threads, seeds, the learning-rate schedule, subsampling and
divergence checks are :class:`~wordspace.train.word2vec.Word2Vec`'s, so ``workers=1`` with a
fixed ``seed`` is bit-for-bit reproducible. With ``maxn=0`` there are no n-grams (and, as in
fastText, no buckets): the model *is* word2vec and trains with word2vec's kernel, giving the
same vectors as :class:`Word2Vec` with the same parameters.

``wv`` is a :class:`~wordspace.vectors.subword.SubwordVectors`: vocabulary words' vectors are the
mean of their rows; any other string's is the mean of its n-gram rows.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from wordspace.errors import FormatError, ParameterError
from wordspace.text.tokenizer import Tokenizer
from wordspace.text.vocab import Vocabulary
from wordspace.train._common import integer, phrases_meta, restore_vocab, rule, vocab_state
from wordspace.train._common import mix_seed as _mix
from wordspace.train.word2vec import _CONSTRAINTS as _W2V_CONSTRAINTS
from wordspace.train.word2vec import Word2Vec, _init_vectors
from wordspace.vectors.subword import SubwordVectors, subword_table

__all__ = ["FastText"]

logger = logging.getLogger(__name__)

_MAX_ROWS = 2**31 - 1
#: words per thread at least when the final vectors are composed in parallel
_COMPOSE_CHUNK = 8192


def _drop(rules, name):
    out = []
    for r in rules:
        if name in r.names:
            names = tuple(n for n in r.names if n != name)
            if names:
                out.append(type(r)(names, r.ok, r.message))
        else:
            out.append(r)
    return tuple(out)


_CONSTRAINTS = _drop(_W2V_CONSTRAINTS, "shared_negatives") + (
    integer(
        "minn",
        "maxn",
        min=0,
        message="{name} must be an integer >= 0 (n-gram length in characters), got {value!r}",
    ),
    rule(
        "minn",
        ok=lambda v, p: p["maxn"] == 0 or v <= p["maxn"],
        message="minn={value!r} is larger than maxn={maxn!r}; use minn <= maxn "
        "(3 and 6 are usual; maxn=0 turns n-grams off)",
    ),
    rule(
        "minn",
        ok=lambda v, p: p["maxn"] == 0 or v >= 1,
        message="minn must be at least 1 when maxn > 0, got {value!r}",
    ),
    integer(
        "bucket",
        min=0,
        optional=True,
        message="bucket must be an integer >= 0 (number of n-gram hash rows; 0: no n-grams, "
        "as maxn=0; None: scaled to the vocabulary), got {value!r}",
    ),
    rule(
        "bucket",
        ok=lambda v, p: v is None or v < _MAX_ROWS - 100_000_000,
        message="bucket={value!r} is too large; it must stay below 2,000,000,000",
    ),
)


#: ``bucket=None`` (the default): ten hash rows per vocabulary word, at least 100,000 and at most
#: fastText's 2,000,000 (documented in FastText's docstring and docs/howto/fasttext.md)
AUTO_BUCKET_PER_WORD, AUTO_BUCKET_MIN, AUTO_BUCKET_MAX = 10, 100_000, 2_000_000


def auto_bucket(n_words: int) -> int:
    """The number of n-gram hash rows ``bucket=None`` gives a vocabulary of ``n_words``:
    ``min(2,000,000, max(100,000, 10 * n_words))``."""
    return int(min(AUTO_BUCKET_MAX, max(AUTO_BUCKET_MIN, AUTO_BUCKET_PER_WORD * int(n_words))))


def _uniform_matrix(n: int, d: int, seed: int, workers: int) -> np.ndarray:
    """The input matrix, uniform in [-1/d, 1/d) (as fastText and gensim), filled in place by
    ``workers`` threads (one pass over memory; rows seeded one by one, so the matrix is the
    same for any number of threads)."""
    from concurrent.futures import ThreadPoolExecutor

    from wordspace.kernels.fasttext import uniform_rows

    out = np.empty((n, d), dtype=np.float32)
    s = np.uint64(_mix(seed, 0x1A17))
    parts = max(1, min(int(workers), n // 65536))
    bounds = np.linspace(0, n, parts + 1).astype(np.int64).tolist()
    if parts == 1:
        uniform_rows(out, 0, n, s)
    else:
        with ThreadPoolExecutor(parts) as pool:
            list(pool.map(lambda i: uniform_rows(out, bounds[i], bounds[i + 1], s), range(parts)))
    return out


class FastText(Word2Vec):
    """fastText embeddings: skip-gram or CBOW whose input vectors are the mean of a word's own
    vector and the vectors of its character n-grams (lengths ``minn``..``maxn``, hashed into
    ``bucket`` rows), so words never seen in training get vectors too.

    Parameters are gensim's ``FastText`` ones (and :class:`Word2Vec`'s), with the official
    tool's names for the n-grams: ``minn``, ``maxn`` (n-gram lengths in characters, the
    ``<``/``>`` word boundary markers included; ``maxn=0``: no n-grams, plain word2vec) and
    ``bucket`` (hash rows; the n-gram matrix is ``bucket x vector_size`` float32: 800 MB for
    2M x 100). ``bucket=None`` (the default) scales it to the corpus once the vocabulary is
    known: ``min(2,000,000, max(100,000, 10 x vocabulary))`` rows (a 50,000-word vocabulary
    gets 500,000 rows, 200 MB at 100 dimensions); give ``bucket=2_000_000`` for fastText's and
    gensim's fixed default. The rows used are ``bucket_`` after ``fit``.

    Interrupts, checkpoints and :meth:`resume` work as for :class:`Word2Vec`
    (``checkpoint_every``, ``checkpoint_path``).

    The defaults are the official tool's (``fasttext skipgram``), not gensim's: skip-gram
    (``sg=1``), ``alpha=0.05``, ``sample=1e-4`` and noise words drawn as ``count**0.5``
    (``ns_exponent=0.5``); they give the official tool's quality without tuning
    (docs/howto/fasttext.md). ``wordspace.compat.gensim``'s ``FastText`` keeps gensim's.
    Skip-gram predicts the context words from the centre word's subwords, pair by pair as the
    official tool (see ``kernels.fasttext``).

    Attributes after ``fit``: ``wv`` (:class:`~wordspace.vectors.subword.SubwordVectors`), ``vocab_``,
    ``wi_`` (input matrix: words then buckets), ``syn1neg_``/``syn1_`` (output weights),
    ``loss_history_``, ``epoch_stats_``, ``epochs_trained_``.
    """

    _constraints = _CONSTRAINTS
    _model_kind = "fasttext_model"
    wv: SubwordVectors
    wi_: np.ndarray
    _subwords: tuple[np.ndarray, np.ndarray] | None
    _gains: tuple[np.ndarray, np.ndarray] | None
    _trained_ngrams: tuple[int, int] | None
    _state_key = "fasttext"

    def __init__(
        self,
        *,
        vector_size: int = 100,
        window: int = 5,
        min_count: int = 5,
        sg: int = 1,
        hs: int = 0,
        negative: int = 5,
        ns_exponent: float = 0.5,
        cbow_mean: int = 1,
        sample: float = 1e-4,
        alpha: float = 0.05,
        min_alpha: float = 0.0001,
        epochs: int = 5,
        workers: int = 2,
        seed: int = 1,
        minn: int = 3,
        maxn: int = 6,
        bucket: int | None = None,
        max_vocab_size: int | None = None,
        max_final_vocab: int | None = None,
        shrink_windows: bool = True,
        compute_loss: bool = False,
        sorted_vocab: bool = True,
        callbacks: Sequence[Any] = (),
        lowercase: bool = False,
        batch_words: int = 10000,
        max_sentence_length: int = 10000,
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
        self.minn = minn
        self.maxn = maxn
        self.bucket = bucket
        self.max_vocab_size = max_vocab_size
        self.max_final_vocab = max_final_vocab
        self.shrink_windows = shrink_windows
        self.compute_loss = compute_loss
        self.sorted_vocab = sorted_vocab
        self.callbacks = callbacks
        self.lowercase = lowercase
        self.batch_words = batch_words
        self.max_sentence_length = max_sentence_length
        self.checkpoint_every = checkpoint_every
        self.checkpoint_path = checkpoint_path

    # ------------------------------------------------------------------ state
    @property
    def syn0(self) -> np.ndarray:
        """The vocabulary words' own input rows (a view of ``wi_``)."""
        return self.wi_[: len(self.vocab_)]

    @property
    def bucket_(self) -> int:
        """Hash rows in use: ``bucket``, or 0 when ``maxn=0`` or ``bucket=0`` (as fastText)."""
        return int(self.wi_.shape[0] - len(self.vocab_))

    def _buckets(self) -> int:
        """Hash rows for the n-grams: 0 without n-grams; ``bucket`` when given; else the rows
        the trained model has, or :func:`auto_bucket` of the vocabulary before training."""
        if self._no_ngrams():
            return 0
        if self.bucket is not None:
            return int(self.bucket)
        if getattr(self, "wi_", None) is not None:
            return self.bucket_
        return auto_bucket(len(self.vocab_))

    def _no_ngrams(self) -> bool:
        """``maxn=0`` or ``bucket=0``: fastText without n-grams (word2vec on the word rows)."""
        return self.maxn == 0 or self.bucket == 0

    def _init_weights(self, vocab: Vocabulary) -> None:
        # the input matrix (the model's bulk) is allocated by _train, once the corpus has
        # been turned into ids and the scan's temporary arrays are freed: a lower peak
        self.vocab_ = vocab
        self.wi_ = None  # type: ignore[assignment]  # a fresh fit: bucket=None scales anew
        n, d = len(vocab), self.vector_size
        b = self._buckets()
        if n + b > _MAX_ROWS:
            raise ParameterError(f"{n:,} words + bucket={b:,} rows exceed 2**31-1; lower bucket")
        self.wi_ = None  # type: ignore[assignment]  # allocated by _train, after the scan
        self.wv = None  # type: ignore[assignment]  # composed by _make_wv after training
        self.syn1neg_ = np.zeros((n, d), dtype=np.float32)
        self.syn1_ = np.zeros((max(n - 1, 1), d), dtype=np.float32)
        self.epochs_trained_ = 0
        self.loss_history_: list[float] = []
        self.epoch_stats_: list[dict[str, Any]] = []
        self._subwords = None
        self._trained_ngrams = None

    def _extend_weights(self, vocab: Vocabulary) -> None:
        old = len(self.vocab_)
        n, d = len(vocab), self.wi_.shape[1]
        if n > old:
            rng = np.random.default_rng(_mix(self.seed, self.epochs_trained_, n))
            extra = _init_vectors(rng, n - old, d)
            self.wi_ = np.ascontiguousarray(np.vstack([self.wi_[:old], extra, self.wi_[old:]]))
            self.syn1neg_ = np.ascontiguousarray(
                np.vstack([self.syn1neg_, np.zeros((n - old, d), np.float32)])
            )
            rows = max(n - 1, 1) - self.syn1_.shape[0]
            if rows > 0:
                self.syn1_ = np.ascontiguousarray(
                    np.vstack([self.syn1_, np.zeros((rows, d), np.float32)])
                )
        self.vocab_ = vocab
        self._subwords = None
        logger.info("vocabulary extended from %d to %d words", old, n)

    def _subword_csr(self) -> tuple[np.ndarray, np.ndarray]:
        """Each vocabulary word's input rows (CSR), computed once per vocabulary."""
        subwords = getattr(self, "_subwords", None)
        if subwords is None:
            t0 = time.perf_counter()
            subwords = self._subwords = subword_table(
                self.vocab_.index_to_key, int(self.minn), int(self.maxn), self.bucket_
            )
            logger.info(
                "subwords of %d words: %d rows in %.1fs",
                len(self.vocab_),
                len(subwords[1]),
                time.perf_counter() - t0,
            )
        return subwords

    def _subword_gains(self) -> np.ndarray:
        """Per word, how far the mean of its rows moves per unit of gradient (1.0 unless a row
        repeats in its list): skip-gram's per-pair updates (``kernels.fasttext.subword_gains``)."""
        from wordspace.kernels.fasttext import subword_gains

        ptr, idx = self._subword_csr()
        cached = getattr(self, "_gains", None)
        if cached is None or cached[0] is not ptr:  # computed for this subword table only
            cached = self._gains = (ptr, subword_gains(ptr, idx))
        return cached[1]

    # ------------------------------------------------------------------ training
    def _ensure_input(self) -> None:
        """Allocate the input matrix (words + n-gram buckets) if it is not there yet (also
        used by ``fit(client=)``, which trains with the distributed engine)."""
        if self.wi_ is None:
            if self._no_ngrams():  # word2vec's draw: the same vectors as Word2Vec
                rng = np.random.default_rng(self.seed)
                self.wi_ = _init_vectors(rng, len(self.vocab_), self.vector_size)
            else:
                self.wi_ = _uniform_matrix(
                    len(self.vocab_) + self._buckets(), self.vector_size, self.seed, self.workers
                )

    def _train(
        self, ids: np.ndarray, starts: np.ndarray, progress: Callable[..., None] | None
    ) -> None:
        from wordspace.kernels import fasttext as kft
        from wordspace.kernels import word2vec as kw2v

        self._ensure_input()
        if self.wi_.shape[1] != self.vector_size:
            raise ParameterError(
                f"vector_size={self.vector_size} but the model's vectors have "
                f"{self.wi_.shape[1]} dimensions; vector_size cannot change after training"
            )
        if (self._buckets() != self.bucket_) or (
            getattr(self, "_trained_ngrams", None) not in (None, (self.minn, self.maxn))
        ):
            raise ParameterError(
                f"minn/maxn/bucket cannot change after training (the model has "
                f"{self.bucket_:,} buckets for n-grams of {self._trained_ngrams}); "
                "train a new model"
            )
        self._trained_ngrams = (int(self.minn), int(self.maxn))
        common = self._tables()
        compute_loss = bool(self.compute_loss)
        if self._no_ngrams():  # no n-grams: word2vec's kernel on the word rows

            def job(s0: int, s1: int, schedule: tuple, seed: np.uint64):
                rest = (*common, *schedule, seed, compute_loss, False)
                return kw2v.train_job(
                    ids, starts, s0, s1, self.wi_, self.syn1neg_, self.syn1_, *rest
                )
        else:
            sub_ptr, sub_idx = self._subword_csr()
            gains = self._subword_gains()

            def job(s0: int, s1: int, schedule: tuple, seed: np.uint64):
                rest = (*common, *schedule, seed, compute_loss)
                return kft.train_job(
                    ids,
                    starts,
                    s0,
                    s1,
                    self.wi_,
                    self.syn1neg_,
                    self.syn1_,
                    sub_ptr,
                    sub_idx,
                    gains,
                    *rest,
                )

        self._run_epochs(
            ids,
            starts,
            job,
            {"the input vectors": self.wi_},
            progress,
            f"fastText {'skip-gram' if self.sg else 'CBOW'} (n-grams "
            f"{self.minn}-{self.maxn} in {self.bucket_:,} buckets)",
        )

    def _make_wv(self) -> None:
        from wordspace.kernels.fasttext import compose_vectors

        n = len(self.vocab_)
        meta = {
            "trainer": "fasttext",
            "params": self._config(),
            "loss_history": [float(x) for x in getattr(self, "loss_history_", [])],
            "epochs_trained": getattr(self, "epochs_trained_", 0),
            "tokenizer": self.tokenizer_.to_dict(),
            **phrases_meta(self),
        }
        if self._no_ngrams():
            vecs = self.wi_[:n]
        else:
            ptr, idx = self._subword_csr()
            vecs = np.empty((n, self.wi_.shape[1]), dtype=np.float32)
            parts = max(1, min(int(self.workers), n // _COMPOSE_CHUNK))
            bounds = np.linspace(0, n, parts + 1).astype(np.int64).tolist()

            def part(i: int) -> None:  # ptr holds offsets into idx: a slice of it is a CSR too
                a, b = bounds[i], bounds[i + 1]
                compose_vectors(self.wi_, ptr[a : b + 1], idx, vecs[a:b])

            if parts == 1:
                part(0)
            else:
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(parts) as pool:
                    list(pool.map(part, range(parts)))
        self.wv = SubwordVectors(
            self.vocab_.index_to_key,
            vecs,
            self.wi_[n:],
            minn=0 if self._no_ngrams() else int(self.minn),
            maxn=0 if self._no_ngrams() else int(self.maxn),
            bucket=self.bucket_,
            counts=self.vocab_.counts,
            meta=meta,
            vectors_vocab=self.wi_[:n],
        )

    def get_wv(self, vectors: str = "input") -> SubwordVectors:
        """A copy of ``wv`` that shares no memory with the model (``vectors="input"`` only)."""
        self._check_fitted("get_wv()")
        if vectors != "input":
            raise ParameterError(f"FastText.get_wv supports vectors='input' only, got {vectors!r}")
        wv = self.wv
        return SubwordVectors(
            wv.index_to_key,
            wv.vectors.copy(),
            wv.vectors_ngrams.copy(),
            minn=wv.minn,
            maxn=wv.maxn,
            bucket=wv.bucket,
            counts=wv.counts,
            meta=dict(wv.meta),
            vectors_vocab=None if wv.vectors_vocab is None else wv.vectors_vocab.copy(),
        )

    # ------------------------------------------------------------------ persistence
    def _get_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        arrays, _ = self.wv.native_parts()
        arrays = dict(arrays)
        if self.negative > 0:
            arrays["syn1neg"] = self.syn1neg_
        if self.hs:
            arrays["syn1"] = self.syn1_
        state = {
            "epochs_trained": self.epochs_trained_,
            **vocab_state(self.vocab_),
            "loss_history": list(map(float, self.loss_history_)),
            "epoch_stats": self.epoch_stats_,
        }
        return arrays, state

    def save(self, path: str | os.PathLike, *, layout: str | None = None) -> None:
        """Save the whole model natively (input matrix, output weights, parameters, history);
        :meth:`load` restores it, ``wordspace.load`` reads its vectors (n-grams included)."""
        self._check_fitted("save()")
        self._write_model(path, layout=layout)

    def _write_model(
        self,
        path: str | os.PathLike,
        *,
        layout: str | None = None,
        extra_arrays: Mapping[str, np.ndarray] | None = None,
        extra_meta: Mapping[str, Any] | None = None,
    ) -> None:
        from wordspace.io.native import save_native

        arrays, state = self._get_state()
        _, sub_meta = self.wv.native_parts()
        section = {"config": self._config(), **state}
        save_native(
            self.wv,
            path,
            layout=layout,
            extra_arrays={**arrays, **(extra_arrays or {})},
            extra_meta={
                **sub_meta,
                "model": self._model_kind,
                self._state_key: section,
                **self._partial_meta(),
                **(extra_meta or {}),
            },
        )

    @classmethod
    def load(cls, path: str | os.PathLike, *, mmap: bool = False) -> FastText:
        """Load a model written by :meth:`save`. The file's arrays are memory-mapped while
        the model copies them into its own input matrix, so loading never holds two copies
        of the n-gram rows in memory (``mmap`` is accepted for the common signature)."""
        return super().load(path, mmap=True)

    def _set_state(
        self, wv, arrays: dict[str, np.ndarray], state: dict[str, Any], path: str | os.PathLike
    ) -> None:
        if not isinstance(wv, SubwordVectors):
            if "vectors_ngrams" not in arrays:
                raise FormatError(
                    f"{path}: the FastText model lacks its n-gram vectors (vectors_ngrams.npy)"
                )
            ng = arrays.pop("vectors_ngrams")
            vv = arrays.pop("vectors_vocab", None)
        else:
            ng, vv = wv.vectors_ngrams, wv.vectors_vocab
        n, d = wv.vectors.shape
        if vv is None:
            raise FormatError(
                f"{path}: the FastText model lacks its words' own rows "
                "(vectors_vocab.npy); it can be queried with wordspace.load() "
                "but not trained further"
            )
        if np.shape(vv) != (n, d) or np.ndim(ng) != 2 or (len(ng) and np.shape(ng)[1] != d):
            raise FormatError(
                f"{path}: the n-gram or word rows do not match the vectors' shape {n}x{d}"
            )
        self.vocab_ = restore_vocab(wv, state, self.min_count, path)
        self.vocab_.counts = np.array(self.vocab_.counts, dtype=np.int64)  # not the mapping
        self.wi_ = np.empty((n + len(ng), d), dtype=np.float32)
        self.wi_[:n] = vv
        self.wi_[n:] = ng
        if self.bucket_ != self._buckets():
            raise FormatError(
                f"{path}: {self.bucket_} n-gram rows but the saved parameters "
                f"say bucket={self.bucket}, maxn={self.maxn}"
            )
        self._trained_ngrams = (int(self.minn), int(self.maxn))
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
        self.tokenizer_ = Tokenizer(**wv.meta.get("tokenizer", {"lowercase": self.lowercase}))
        self.phrases_meta_ = wv.meta.get("phrases")
        self._subwords = None
        self._make_wv()

    def save_facebook_model(self, path: str | os.PathLike) -> None:
        """Write the model as a Facebook fastText ``.bin``: the official tool reads it and
        gives the same word vectors (for any string). With hierarchical softmax only
        (``hs=1, negative=0``) the output rows follow this library's Huffman tree, which may
        order ties differently from the official tool's: its word vectors are unaffected,
        its ``predict``-style use of the output layer is not guaranteed."""
        from wordspace.io.fasttext_bin import save_facebook_model

        self._check_fitted("save_facebook_model()")
        save_facebook_model(self, path)

    def _facebook_parts(
        self,
    ) -> tuple[Any, dict[str, int], float, int, list[np.ndarray], np.ndarray]:
        """What a Facebook ``.bin`` holds of this model: ``(wv, args, t, ntokens, input
        matrices, output matrix)`` (read by :func:`wordspace.io.fasttext_bin.save_facebook_model`)."""
        self._check_fitted("save_facebook_model()")
        wv = self.wv
        n = len(wv)
        args = {
            "dim": wv.vector_size,
            "ws": int(self.window),
            "epoch": int(self.epochs),
            "minCount": int(self.min_count),
            "neg": int(self.negative),
            "wordNgrams": 1,
            "loss": 1 if (self.hs and not self.negative) else 2,
            "model": 2 if self.sg else 1,
            "bucket": self.bucket_,
            "minn": wv.minn,
            "maxn": wv.maxn,
            "lrUpdateRate": 100,
        }
        if args["loss"] == 1:
            out = np.zeros((n, wv.vector_size), np.float32)
            out[: self.syn1_.shape[0]] = self.syn1_[:n]
        else:
            out = self.syn1neg_
        return wv, args, float(self.sample), int(self.vocab_.total_words), [self.wi_], out


def load_facebook_model(path: str | os.PathLike, encoding: str = "utf-8"):
    """A :class:`~wordspace.train.fasttext.FastText` model from a Facebook ``.bin`` (input
    and output weights, vocabulary, parameters), ready for queries or ``partial_fit``.
    ``encoding``: of the words in the file (UTF-8 unless written from text in another one)."""
    from wordspace.io.fasttext_bin import read_bin, subword_table

    p = Path(path)
    parsed = read_bin(p, want_output=True, encoding=encoding)
    raw, counts, wi, out, info = (
        parsed["raw"],
        parsed["counts"],
        parsed["input"],
        parsed["output"],
        parsed["info"],
    )
    args = info["args"]
    if args["model"] == 3:
        raise FormatError(
            f"{p} is a supervised (classification) fastText model; "
            "load its word vectors with load_facebook_vectors"
        )
    keys = parsed["keys"]
    n, d = wi.shape[0] - args["bucket"], args["dim"]
    hs = args["loss"] == 1
    model = FastText(
        vector_size=d,
        window=args["ws"],
        min_count=max(1, args["minCount"]),
        sg=1 if args["model"] == 2 else 0,
        hs=int(hs),
        negative=0 if hs else max(1, args["neg"]),
        sample=float(args["t"]),
        epochs=max(1, args["epoch"]),
        minn=args["minn"] if args["maxn"] else 0,
        maxn=args["maxn"],
        bucket=args["bucket"],
        seed=1,
    )
    model.vocab_ = Vocabulary(
        keys, counts, min_count=max(1, args["minCount"]), total_words=info["ntokens"]
    )
    model.wi_ = wi
    model.syn1neg_ = out if not hs else np.zeros((n, d), np.float32)
    model.syn1_ = out[: max(n - 1, 1)].copy() if hs else np.zeros((max(n - 1, 1), d), np.float32)
    model.epochs_trained_ = 0
    model.loss_history_ = []
    model.epoch_stats_ = []
    model._subwords = subword_table(raw, model.minn, model.maxn, model.bucket_)
    model._trained_ngrams = (model.minn, model.maxn)
    model.tokenizer_ = Tokenizer(lowercase=False)
    model._make_wv()
    model.wv.meta.update({"source": str(p), "source_format": "fasttext-bin", "fasttext_args": args})
    return model
