"""gensim 4's ``FastText`` and ``FastTextKeyedVectors`` over :class:`wordspace.FastText`.

Same signature as ``gensim.models.FastText`` (``min_n``/``max_n``/``bucket``); ``model.wv``
answers for any string through its character n-grams. ``load_facebook_model``,
``load_facebook_vectors`` and ``save_facebook_model`` read and write the official ``.bin``.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from wordspace._base import is_int
from wordspace.compat.gensim._errors import CompatWarning, UnsupportedError, gensim_error
from wordspace.compat.gensim.models._trainer import MAX_WORDS_IN_BATCH, GensimTrainer
from wordspace.compat.gensim.models.keyedvectors import REAL, _GensimKV
from wordspace.errors import FormatError, ParameterError
from wordspace.train.fasttext import FastText as _FastText
from wordspace.vectors.subword import SubwordVectors

logger = logging.getLogger(__name__)

__all__ = [
    "_unpack",
    "FastText",
    "FastTextKeyedVectors",
    "load_facebook_model",
    "load_facebook_vectors",
    "save_facebook_model",
]


class FastTextKeyedVectors(_GensimKV, SubwordVectors):  # type: ignore[misc]  # gensim's most_similar signature
    """gensim 4's ``FastTextKeyedVectors``: :class:`KeyedVectors` whose ``get_vector``,
    ``most_similar``, ``similarity`` ... also answer for words outside the vocabulary (the mean
    of their character n-gram vectors); ``word in wv`` is True for any word with n-grams."""

    def __init__(
        self,
        vector_size: int,
        min_n: int,
        max_n: int,
        bucket: int,
        count: int = 0,
        dtype: Any = REAL,
    ):
        if not is_int(vector_size) or vector_size < 1:
            raise ParameterError(f"vector_size must be a positive integer, got {vector_size!r}")
        if np.dtype(dtype) != np.float32:
            warnings.warn(
                f"dtype={np.dtype(dtype)} is ignored: wordspace keeps vectors as float32",
                CompatWarning,
                stacklevel=2,
            )
        d = int(vector_size)
        SubwordVectors.__init__(
            self,
            [],
            np.zeros((0, d), np.float32),
            np.zeros((int(bucket), d), np.float32),
            minn=min_n,
            maxn=max_n,
            bucket=bucket,
            writeable=True,
        )

    #: n-grams are hashed as fastText does (gensim 3.8+'s compatible hash), always
    compatible_hash = True

    @property
    def min_n(self) -> int:
        return self.minn

    def get_vector(self, key: Any, norm: bool = False) -> np.ndarray:
        """The key's vector; a word outside the vocabulary without any n-gram (``''``) gets the
        origin (zeros), as gensim, with a warning logged."""
        if (
            isinstance(key, str)
            and key not in self.key_to_index
            and self.bucket
            and self.ngram_rows(key).size == 0
        ):
            logger.warning("could not extract any ngrams from %r, returning origin vector", key)
            return np.zeros(self.vector_size, dtype=np.float32)
        return super().get_vector(key, norm=norm)

    @property
    def max_n(self) -> int:
        return self.maxn

    def get_sentence_vector(self, sentence: Sequence[str]) -> np.ndarray:
        """Mean of the words' unit vectors (gensim's workalike of fastText's)."""
        return self.get_mean_vector(sentence)

    def adjust_vectors(self) -> None:
        """The vocabulary vectors are kept composed (own row + n-grams) by the trainer; nothing
        to adjust."""

    def init_post_load(self, fb_vectors: Any) -> None:
        raise UnsupportedError(
            "init_post_load() is gensim's internal step of reading a "
            "Facebook .bin; use load_facebook_vectors(path)"
        )

    def recalc_char_ngram_buckets(self) -> None:
        """n-gram rows are computed from the words on demand; nothing to recalculate."""

    def __repr__(self) -> str:
        return (
            f"FastTextKeyedVectors({len(self):,} keys x {self.vector_size} dims, "
            f"n-grams {self.minn}-{self.maxn} in {self.bucket:,} buckets)"
        )


class FastText(GensimTrainer, _FastText):  # type: ignore[misc]  # gensim's save/load signatures
    """gensim 4's ``FastText`` (parameters in gensim's order; keyword-only ones after them are
    wordspace's: ``compute_loss``, ``lowercase``, ``max_sentence_length``).

    ``word_ngrams`` must be 1 (as gensim: word n-grams are a supervised-mode feature);
    ``hashfxn`` is ignored (n-grams use fastText's FNV-1a hash, as gensim does).
    """

    wv: FastTextKeyedVectors

    def __init__(
        self,
        sentences: Iterable[list[str]] | None = None,
        corpus_file: str | os.PathLike | None = None,
        sg: int = 0,
        hs: int = 0,
        vector_size: int = 100,
        alpha: float = 0.025,
        window: int = 5,
        min_count: int = 5,
        max_vocab_size: int | None = None,
        word_ngrams: int = 1,
        sample: float = 1e-3,
        seed: int = 1,
        workers: int = 3,
        min_alpha: float = 0.0001,
        negative: int = 5,
        ns_exponent: float = 0.75,
        cbow_mean: int = 1,
        hashfxn: Callable[[str], int] = hash,
        epochs: int = 5,
        null_word: int = 0,
        min_n: int = 3,
        max_n: int = 6,
        sorted_vocab: int = 1,
        bucket: int = 2000000,
        trim_rule: Callable[[str, int, int], int] | None = None,
        batch_words: int = MAX_WORDS_IN_BATCH,
        callbacks: Sequence[Any] = (),
        max_final_vocab: int | None = None,
        shrink_windows: bool = True,
        *,
        compute_loss: bool = False,
        lowercase: bool = False,
        max_sentence_length: int = MAX_WORDS_IN_BATCH,
    ):
        self.sg = sg
        self.hs = hs
        self.vector_size = vector_size
        self.alpha = alpha
        self.window = window
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.word_ngrams = word_ngrams
        self.sample = sample
        self.seed = seed
        self.workers = workers
        self.min_alpha = min_alpha
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.cbow_mean = cbow_mean
        self.hashfxn = hashfxn
        self.epochs = epochs
        self.null_word = null_word
        self.min_n = min_n
        self.max_n = max_n
        self.sorted_vocab = sorted_vocab  # type: ignore[assignment]  # gensim's 0/1; _validate reads it as a bool
        self.bucket = bucket
        self.trim_rule = trim_rule
        self.batch_words = batch_words
        self.callbacks = tuple(callbacks) if isinstance(callbacks, list) else callbacks
        self.max_final_vocab = max_final_vocab
        self.shrink_windows = shrink_windows
        self.compute_loss = compute_loss
        self.lowercase = lowercase
        self.max_sentence_length = max_sentence_length
        self.wi_ = None  # type: ignore[assignment]  # allocated once the vocabulary is built
        if word_ngrams != 1:
            raise UnsupportedError(
                f"word_ngrams={word_ngrams!r} is not supported: only 1 (as "
                "in gensim, which ignores other values for unsupervised "
                "training)"
            )
        self._init_gensim(sentences, corpus_file)

    # wordspace's trainer reads minn/maxn; gensim calls them min_n/max_n
    @property
    def minn(self) -> int:  # type: ignore[override]  # gensim's min_n is the stored parameter
        return self.min_n

    @property
    def maxn(self) -> int:  # type: ignore[override]  # gensim's max_n is the stored parameter
        return self.max_n

    def _wordspace_aliases(self) -> dict[str, Any]:
        return {"minn": self.min_n, "maxn": self.max_n}

    _LOCK_ATTRS: tuple[str, ...] = ("vectors_vocab_lockf", "vectors_ngrams_lockf")

    def _input_rows(self, attr: str) -> tuple[np.ndarray, int]:
        # wi_ holds the word rows, then the n-gram buckets
        return self.wi_, (len(self.vocab_) if attr == "vectors_ngrams_lockf" else 0)

    def estimate_memory(
        self, vocab_size: int | None = None, report: dict | None = None
    ) -> dict[str, int]:
        """gensim's estimate (bytes): ``vocab``, ``syn0_vocab``, ``syn1``/``syn1neg``,
        ``syn0_ngrams``, ``buckets_word`` (the n-gram lists of the words), ``total``."""
        from wordspace.compat.gensim.models.fasttext_inner import compute_ngrams_bytes

        n = len(self.wv) if self.wv is not None else int(vocab_size or 0)
        vec = int(self.vector_size) * 4
        report = dict(report or {})
        report["vocab"] = n * (700 if self.hs else 500)
        report["syn0_vocab"] = n * vec
        if self.hs:
            report["syn1"] = n * vec
        if self.negative:
            report["syn1neg"] = n * vec
        bucket = self.wv.bucket if self.wv is not None else self._buckets()
        if bucket:
            report["syn0_ngrams"] = bucket * vec
            words = self.wv.index_to_key if self.wv is not None else []
            num_ngrams = sum(len(compute_ngrams_bytes(w, self.min_n, self.max_n)) for w in words)
            report["buckets_word"] = 64 + 100 * n + 4 * num_ngrams
        report["total"] = sum(report.values())
        return report

    def _allocate_weights(self) -> None:
        self._ensure_input()  # the same draw the trainer makes, so results do not change

    @classmethod
    def load_fasttext_format(
        cls, model_file: str | os.PathLike, encoding: str = "utf8"
    ) -> FastText:
        """Deprecated in gensim 4 too: :func:`load_facebook_model`."""
        warnings.warn(
            "use load_facebook_model (as gensim 4 says)", DeprecationWarning, stacklevel=2
        )
        return load_facebook_model(model_file, encoding=encoding)

    def save_facebook_model(self, path: str | os.PathLike) -> None:
        """Write the official fastText ``.bin``."""
        save_facebook_model(self, path)

    def _facebook_parts(self) -> tuple:
        # gensim writes loss=hs (and the hierarchical-softmax output) whenever hs=1, with
        # neg kept, so hs=1, negative=5 comes back as such (wordspace writes ns then)
        wv, args, t, ntokens, parts, out = super()._facebook_parts()
        if self.hs and self.negative:
            args = {**args, "loss": 1}
            out = np.zeros((len(wv), wv.vector_size), np.float32)
            out[: self.syn1_.shape[0]] = self.syn1_[: len(wv)]
        return wv, args, t, ntokens, parts, out


def _adopt(model: _FastText) -> FastText:
    """A gensim-style FastText holding a wordspace FastText's state."""
    out = FastText(
        vector_size=model.vector_size,
        window=model.window,
        min_count=model.min_count,
        sg=model.sg,
        hs=model.hs,
        negative=model.negative,
        sample=model.sample,
        epochs=model.epochs,
        min_n=model.minn,
        max_n=model.maxn,
        bucket=model.bucket if model.bucket is not None else max(1, model.bucket_),
        seed=model.seed,
    )
    for k, v in vars(model).items():
        if k.endswith("_") or k in ("_subwords", "_trained_ngrams"):
            setattr(out, k, v)
    out._make_wv()
    return out


def _unpack(
    m: np.ndarray, num_rows: int, hash2index: dict[int, int], seed: int = 1, fill: Any = None
) -> np.ndarray:
    """gensim's ``_unpack``: a ``num_rows``-row matrix where row ``h`` is ``m``'s row
    ``hash2index[h]`` (old gensim models stored only the n-gram rows in use); the new rows
    are drawn uniformly in +-1/columns (``fill``: given instead)."""
    rows, cols = m.shape
    if fill is None:
        rng = np.random.default_rng(seed=seed)
        fill = rng.uniform(-1.0 / cols, 1.0 / cols, (num_rows - rows, cols)).astype(m.dtype)
    out = np.concatenate([m, np.asarray(fill, dtype=m.dtype)])
    for h, i in hash2index.items():
        out[h] = m[i]
    return out


def load_facebook_model(path: str | os.PathLike, encoding: str = "utf-8") -> FastText:
    """A trainable :class:`FastText` from an official fastText ``.bin`` (any version fastText
    wrote; ``encoding``: of its words). As gensim, a model with the hierarchical-softmax loss
    keeps the file's ``neg`` as ``negative``."""
    from wordspace.train.fasttext import load_facebook_model as _load

    try:
        core = _load(path, encoding=encoding)
    except FormatError as e:
        if "supervised" in str(e):
            raise UnsupportedError(
                f"{e}; supervised fastText models are not supported by load_facebook_model, "
                "as in gensim"
            ) from None
        raise gensim_error(e) from None
    args = core.wv.meta.get("fasttext_args") or {}
    model = _adopt(core)
    if args.get("loss") == 1 and int(args.get("neg", 0)) > 0:
        model.negative = int(args["neg"])
        if getattr(model, "syn1neg_", None) is None:
            model.syn1neg_ = np.zeros((len(model.vocab_), model.vector_size), np.float32)
    return model


def load_facebook_vectors(path: str | os.PathLike, encoding: str = "utf-8") -> FastTextKeyedVectors:
    """The :class:`FastTextKeyedVectors` of an official fastText ``.bin``."""
    from wordspace.io.fasttext_bin import load_facebook_vectors as _load

    try:
        return FastTextKeyedVectors._from_vectors(_load(path, encoding=encoding))
    except FormatError as e:
        raise gensim_error(e) from None


def save_facebook_model(
    model: Any,
    path: str | os.PathLike,
    encoding: str = "utf-8",
    lr_update_rate: int = 100,
    word_ngrams: int = 1,
) -> None:
    """Write a model (or its subword vectors) as an official fastText ``.bin``."""
    from wordspace.io.fasttext_bin import save_facebook_model as _save

    _utf8(encoding)
    if word_ngrams != 1:
        raise UnsupportedError("word_ngrams must be 1 (unsupervised models have no word n-grams)")
    _save(model, path)


def _utf8(encoding: str) -> None:
    if encoding.replace("-", "").lower() != "utf8":
        raise UnsupportedError(
            f"encoding={encoding!r} is not supported: fastText .bin words are UTF-8"
        )
