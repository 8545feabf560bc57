"""What gensim's ``Word2Vec`` and ``FastText`` share: ``build_vocab``/``train`` over
wordspace's trainers, gensim's vocabulary rules (``trim_rule``), training-loss bookkeeping and
callbacks that receive the gensim-style model.

The mixin goes before a wordspace trainer (:class:`wordspace.Word2Vec` or
:class:`wordspace.FastText`) in the bases; it reuses the trainer's vocabulary, weights and epoch
loop as they are and only changes how they are driven.
"""

from __future__ import annotations

import logging
import math
import os
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace._base import is_int
from wordspace.compat.gensim._errors import (
    CompatWarning,
    CorpusTypeError,
    EmptyVocabularyError,
    ModelStateError,
    UnsupportedError,
    WrongModelError,
    classonly,
)
from wordspace.compat.gensim.models.keyedvectors import _GensimKV, as_keyed_vectors, refuse_pickle
from wordspace.errors import CorpusError, FormatError, ParameterError, TrainingDivergedError
from wordspace.text.corpus import Corpus
from wordspace.text.vocab import Vocabulary

__all__ = ["GensimTrainer", "RULE_DEFAULT", "RULE_DISCARD", "RULE_KEEP", "MAX_WORDS_IN_BATCH"]

logger = logging.getLogger(__name__)
#: gensim's own warnings go to gensim's logger names, so logging set up for gensim sees them
gensim_logger = logging.getLogger("gensim.models.word2vec")

#: gensim.utils' trim_rule answers
RULE_DEFAULT, RULE_DISCARD, RULE_KEEP = 0, 1, 2
MAX_WORDS_IN_BATCH = 10000

#: constructor arguments that are data, not parameters (not in get_params, never saved)
_DATA = ("sentences", "corpus_file")


#: gensim's internal steps of build_vocab()/train(), which wordspace does inside them
_INTERNAL = (
    "add_null_word",
    "create_binary_tree",
    "init_weights",
    "make_cum_table",
    "prepare_weights",
    "seeded_vector",
    "update_weights",
    "load_binary_data",
)


def _unsupported(name: str) -> Callable[..., Any]:
    def method(*args: Any, **kwargs: Any) -> Any:
        raise UnsupportedError(
            f"{name}() is one of gensim's internal vocabulary/weight steps; wordspace does "
            "them inside build_vocab() and train() (vocabulary, Huffman tree and noise table "
            "are built from the counts there): call build_vocab(corpus) or "
            "build_vocab(corpus, update=True) instead"
        )

    method.__name__ = name
    return method


if TYPE_CHECKING:  # the mixin always goes before a wordspace trainer in the bases
    from wordspace.train.word2vec import Word2Vec as _TrainerBase
else:
    _TrainerBase = object


class GensimTrainer(_TrainerBase):
    """gensim 4's training API for a wordspace trainer (see the module docstring)."""

    wv: _GensimKV  # a gensim-style view of the trainer's vectors (see _make_wv)

    #: wordspace's checkpoint parameters, which gensim's signatures do not have: off
    checkpoint_every = None
    checkpoint_path = None

    def __getattr__(self, name: str) -> Any:  # only for names not found normally
        if name in _INTERNAL:
            return _unsupported(name)
        if name == "load":  # the classonly descriptor refused an instance
            raise AttributeError(
                f"{type(self).__name__}.load() loads a new model: call it on the class "
                f"({type(self).__name__}.load(path)), not on an instance"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def add_lifecycle_event(
        self, event_name: str, log_level: int = logging.INFO, **event: Any
    ) -> None:
        """Record an event in ``lifecycle_events`` (gensim's ``SaveLoad`` bookkeeping)."""
        event = {**event, "event": event_name}
        self.__dict__.setdefault("lifecycle_events", []).append(event)
        logger.log(log_level, "%s lifecycle event %s", type(self).__name__, event)

    # ------------------------------------------------------------------ parameters
    @classmethod
    def _get_param_names(cls) -> list[str]:
        return [n for n in super()._get_param_names() if n not in _DATA]

    def _validate(self) -> None:
        params = {name: getattr(self, name) for name in self._get_param_names()}
        params.update(self._wordspace_aliases())
        # wordspace parameters that gensim's signatures lack (checkpoints): not used here
        params.setdefault("checkpoint_every", getattr(self, "checkpoint_every", None))
        params.setdefault("checkpoint_path", getattr(self, "checkpoint_path", None))
        if params.get("sorted_vocab") in (0, 1):
            params["sorted_vocab"] = bool(params["sorted_vocab"])
        for r in self._constraints:
            r.check(params)

    def _wordspace_aliases(self) -> dict[str, Any]:
        return {}

    def _config(self) -> dict[str, Any]:
        cfg = super()._config()
        if self.callbacks:  # objects cannot be saved (no pickle): load() gives none back
            cfg["callbacks"] = "custom"
        if cfg.get("sorted_vocab") in (0, 1):
            cfg["sorted_vocab"] = bool(cfg["sorted_vocab"])
        return cfg

    def _init_gensim(self, sentences: Any, corpus_file: Any) -> None:
        """The end of every gensim-style ``__init__``: state, parameter checks, training."""
        self.corpus_count = 0
        self.corpus_total_words = 0
        self.running_training_loss = 0.0
        self.train_count = 0
        self.total_train_time = 0.0
        self.min_alpha_yet_reached = float(self.alpha)
        self.raw_vocab: dict[str, int] | None = None
        self.effective_min_count = self.min_count
        self._cached_corpus: tuple[Any, Corpus | None] | None = None
        self.wv = None  # type: ignore[assignment]  # no vectors before build_vocab()
        if self.null_word not in (0, 1, False, True):
            raise ParameterError(f"null_word must be 0 or 1, got {self.null_word!r}")
        if self.null_word:
            warnings.warn(
                "null_word=1 is ignored: it adds a '\\0' padding key used only by "
                "gensim's Doc2Vec dm_concat mode",
                CompatWarning,
                stacklevel=3,
            )
        if self.hashfxn is not hash:
            warnings.warn(
                "hashfxn is ignored: initial vectors come from numpy's generator "
                "seeded with seed (results are reproducible with workers=1)",
                CompatWarning,
                stacklevel=3,
            )
        if self.sorted_vocab in (0, False):
            warnings.warn(
                "sorted_vocab=0 is ignored: the vocabulary is always sorted by "
                "descending frequency",
                CompatWarning,
                stacklevel=3,
            )
        self._validate()
        if self.hs and self.negative:
            gensim_logger.warning(
                "Both hierarchical softmax and negative sampling are activated. This is probably "
                "a mistake. You should set either 'hs=0' or 'negative=0' to disable one of them. "
            )
        if sentences is not None or corpus_file is not None:
            self._check_corpus_sanity(sentences, corpus_file)
            self._cached_corpus = (None, None)  # the scan of build_vocab serves train
            try:
                self.build_vocab(
                    corpus_iterable=sentences, corpus_file=corpus_file, trim_rule=self.trim_rule
                )
                self.train(
                    corpus_iterable=sentences,
                    corpus_file=corpus_file,
                    total_examples=self.corpus_count,
                    total_words=self.corpus_total_words,
                    epochs=self.epochs,
                    start_alpha=self.alpha,
                    end_alpha=self.min_alpha,
                    compute_loss=self.compute_loss,
                    callbacks=self.callbacks,
                )
            finally:
                self._cached_corpus = None
        elif self.trim_rule is not None:
            logger.warning(
                "The rule, if given, is only used to prune vocabulary during "
                "build_vocab() and is not stored as part of the model."
            )

    # ------------------------------------------------------------------ corpus
    @staticmethod
    def _check_corpus_sanity(
        corpus_iterable: Any = None, corpus_file: Any = None, passes: int = 1
    ) -> None:
        if corpus_iterable is None and corpus_file is None:
            raise CorpusTypeError("give either corpus_iterable (sentences) or corpus_file")
        if corpus_iterable is not None and corpus_file is not None:
            raise CorpusTypeError(
                "give either corpus_iterable (sentences) or corpus_file, not both"
            )
        if corpus_iterable is not None and not hasattr(corpus_iterable, "__iter__"):
            raise CorpusTypeError(
                "corpus_iterable must be an iterable of token lists, not "
                f"{type(corpus_iterable).__name__}"
            )
        if corpus_file is not None and not isinstance(corpus_file, str | os.PathLike):
            raise CorpusTypeError(
                f"corpus_file must be a path (str), got {type(corpus_file).__name__}"
            )
        if corpus_iterable is not None:
            if isinstance(corpus_iterable, str | bytes):
                raise ParameterError(
                    "sentences must be an iterable of token lists, not a string; for a file "
                    "use corpus_file=path (or LineSentence(path))"
                )
            if iter(corpus_iterable) is corpus_iterable and passes > 1:
                raise CorpusError(
                    "The argument sentences is a one-shot iterator (a generator); training "
                    "reads it several times: pass a list, or an object whose __iter__ restarts"
                )

    def _corpus(self, corpus_iterable: Any, corpus_file: Any) -> Corpus:
        source = corpus_file if corpus_file is not None else corpus_iterable
        cached = self._cached_corpus  # set only while the constructor builds and trains
        if cached is not None and cached[0] is source and cached[1] is not None:
            return cached[1]
        from wordspace.compat.gensim.models.word2vec import LineSentence

        if (  # a whole file by name: the fast file reader
            isinstance(source, LineSentence)
            and source.limit is None
            and isinstance(source.source, str | os.PathLike)
        ):
            corpus = self._as_corpus_with(source.source, source.max_sentence_length)
        else:
            corpus = self._as_corpus_with(source, self.max_sentence_length)
        if self._cached_corpus is not None:
            self._cached_corpus = (source, corpus)
        return corpus

    def _as_corpus_with(self, source: Any, max_len: int) -> Corpus:
        return Corpus(source, lowercase=self.lowercase, max_sentence_length=int(max_len))

    # ------------------------------------------------------------------ vocabulary
    def _vocab_from_counts(
        self, words: list[str], counts: np.ndarray, trim_rule: Any, source: str
    ) -> Vocabulary:
        min_count = max(1, int(self.min_count))  # 0 keeps every word, as 1 does for counts >= 1
        if trim_rule is not None:
            keep_words, keep_counts = [], []
            for w, c in zip(words, np.asarray(counts).tolist(), strict=True):
                rule = trim_rule(w, c, min_count)
                if rule == RULE_KEEP or (rule != RULE_DISCARD and c >= min_count):
                    keep_words.append(w)
                    keep_counts.append(c)
            if not keep_words:
                raise CorpusError(f"{source}: trim_rule and min_count={min_count} left no words")
            total = int(np.sum(counts))
            vocab = Vocabulary.from_counts(
                keep_words,
                keep_counts,
                min_count=1,
                max_vocab_size=None,  # pruned while counting (_count), as gensim
                max_final_vocab=self.max_final_vocab,
                source=source,
            )
            vocab.total_words = total
            vocab.min_count = max(vocab.min_count, min_count)
            return vocab
        return Vocabulary.from_counts(
            words,
            counts,
            min_count=min_count,
            max_vocab_size=None,  # pruned while counting (_count), as gensim
            max_final_vocab=self.max_final_vocab,
            source=source,
        )

    def build_vocab(
        self,
        corpus_iterable: Iterable[list[str]] | None = None,
        corpus_file: str | os.PathLike | None = None,
        update: bool = False,
        progress_per: int = 10000,
        keep_raw_vocab: bool = False,
        trim_rule: Callable[[str, int, int], int] | None = None,
        **kwargs: Any,
    ) -> None:
        """Count the corpus's words and build the vocabulary (and fresh vectors); with
        ``update=True`` add the new words to a trained model's vocabulary instead."""
        self._validate()
        self._check_corpus_sanity(corpus_iterable, corpus_file)
        _warn_plain_str_sentences(corpus_iterable)
        try:
            words, counts, tokenizer, name = self._count(corpus_iterable, corpus_file, trim_rule)
            self.raw_vocab = (
                dict(zip(words, counts.tolist(), strict=True)) if keep_raw_vocab else None
            )
            vocab = self._vocab_from_counts(words, counts, trim_rule, name)
        except CorpusError as e:
            err = _gensim_corpus_error(e)
            if isinstance(err, EmptyVocabularyError) and not update and not self.is_fitted:
                # as gensim: an empty vocabulary is not an error until train() needs one
                self.__dict__["_empty_vocabulary"] = str(err)
                logger.warning("the vocabulary is empty: %s", err)
                return
            raise err from None
        self.__dict__.pop("_empty_vocabulary", None)
        self._install_vocab(vocab, update, tokenizer)

    def _count(
        self, corpus_iterable: Any, corpus_file: Any, trim_rule: Any
    ) -> tuple[list[str], np.ndarray, Any, str]:
        """Count the corpus: ``(words, counts, tokenizer, name)``; sets ``corpus_count`` and
        ``corpus_total_words``. With ``max_vocab_size``, rare words are pruned while counting
        at the same points of the stream as gensim (so the counts are gensim's)."""
        corpus = self._corpus(corpus_iterable, corpus_file)
        try:
            sc = corpus.scan()
        except CorpusError as e:
            raise _gensim_corpus_error(e) from None
        self.corpus_count = int(len(sc.sentence_starts) - 1)
        self.corpus_total_words = int(sc.total_words)
        if self.max_vocab_size is None:
            return list(sc.types), sc.counts, corpus.tokenizer, corpus.name
        from wordspace.compat.gensim.utils import prune_vocab

        raw: dict[str, int] = {}
        min_reduce = 1
        limit = int(self.max_vocab_size)
        for sentence in corpus:
            for word in sentence:
                raw[word] = raw.get(word, 0) + 1
            if len(raw) > limit:
                prune_vocab(raw, min_reduce, trim_rule=trim_rule)
                min_reduce += 1
        words = list(raw)
        return (
            words,
            np.array([raw[w] for w in words], dtype=np.int64),
            corpus.tokenizer,
            corpus.name,
        )

    def scan_vocab(
        self,
        corpus_iterable: Any = None,
        corpus_file: Any = None,
        progress_per: int = 10000,
        workers: int | None = None,
        trim_rule: Any = None,
    ) -> tuple[int, int]:
        """Count the corpus into ``raw_vocab``: ``(total_words, corpus_count)``, as gensim's
        first step of :meth:`build_vocab` (:meth:`prepare_vocab` is the second)."""
        self._validate()
        self._check_corpus_sanity(corpus_iterable, corpus_file)
        words, counts, tokenizer, _ = self._count(corpus_iterable, corpus_file, trim_rule)
        self.raw_vocab = dict(zip(words, counts.tolist(), strict=True))
        self._scan_tokenizer = tokenizer
        return self.corpus_total_words, self.corpus_count

    def prepare_vocab(
        self,
        update: bool = False,
        keep_raw_vocab: bool = False,
        trim_rule: Any = None,
        min_count: int | None = None,
        sample: float | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Build the vocabulary from ``raw_vocab`` (gensim's second step of
        :meth:`build_vocab`) and report gensim's figures: ``drop_unique``,
        ``retain_total``, ``num_retained_words``, ``downsample_unique``,
        ``downsample_total``. ``dry_run=True`` only reports."""
        if not self.raw_vocab:
            raise ModelStateError("no raw vocabulary: call scan_vocab(corpus) first")
        min_count = max(1, int(min_count if min_count is not None else self.min_count))
        sample = self.sample if sample is None else sample
        raw = self.raw_vocab
        eff = min_count
        if self.max_final_vocab is not None:
            ordered = sorted(raw.values(), reverse=True)
            calc = ordered[self.max_final_vocab] + 1 if self.max_final_vocab < len(ordered) else 1
            eff = max(calc, min_count)
        kept = {w: c for w, c in raw.items() if c >= eff}
        retain_total = sum(kept.values())
        downsample_total = float(retain_total)
        downsample_unique = 0
        if sample and retain_total:
            threshold = sample * retain_total if sample < 1.0 else int(sample * (3 + 5**0.5) / 2)
            downsample_total = 0.0
            for c in kept.values():
                p = min(((c / threshold) ** 0.5 + 1) * (threshold / c), 1.0)
                downsample_unique += p < 1.0
                downsample_total += p * c
        report = {
            "drop_unique": len(raw) - len(kept),
            "retain_total": retain_total,
            "downsample_unique": int(downsample_unique),
            "downsample_total": int(downsample_total),
            "num_retained_words": len(kept),
        }
        if dry_run:
            return report
        self.effective_min_count = eff
        words = list(raw)
        counts = np.array([raw[w] for w in words], dtype=np.int64)
        saved = self.min_count
        self.min_count = eff
        try:
            vocab = self._vocab_from_counts(words, counts, trim_rule, "raw_vocab")
        except CorpusError as e:
            raise _gensim_corpus_error(e) from None
        finally:
            self.min_count = saved
        tokenizer = self.__dict__.get("_scan_tokenizer")
        if tokenizer is None:
            from wordspace.text.tokenizer import Tokenizer

            tokenizer = Tokenizer(lowercase=bool(self.lowercase))
        self._install_vocab(vocab, update, tokenizer)
        self.effective_min_count = eff
        if not keep_raw_vocab:
            self.raw_vocab = None
        return report

    def reset_from(self, other_model: Any) -> None:
        """Take ``other_model``'s vocabulary (and fresh weights for it), as gensim."""
        other_model._check_fitted("reset_from()")
        self.corpus_count = other_model.corpus_count
        self.corpus_total_words = other_model.corpus_total_words
        self._install_vocab(other_model.vocab_, False, other_model.tokenizer_)

    def build_vocab_from_freq(
        self,
        word_freq: Mapping[str, int],
        keep_raw_vocab: bool = False,
        corpus_count: int | None = None,
        trim_rule: Callable[[str, int, int], int] | None = None,
        update: bool = False,
    ) -> None:
        """Build the vocabulary from a ``{word: count}`` mapping instead of a corpus."""
        from wordspace.text.tokenizer import Tokenizer

        self._validate()
        if not isinstance(word_freq, Mapping) or not word_freq:
            raise ParameterError("word_freq must be a non-empty {word: count} mapping")
        words = list(word_freq)
        counts = np.fromiter((int(word_freq[w]) for w in words), dtype=np.int64, count=len(words))
        self.corpus_count = int(corpus_count) if corpus_count else 0
        self.corpus_total_words = int(counts.sum())
        self.raw_vocab = dict(word_freq) if keep_raw_vocab else None
        vocab = self._vocab_from_counts(words, counts, trim_rule, "word_freq")
        self._install_vocab(vocab, update, Tokenizer(lowercase=bool(self.lowercase)))

    def _install_vocab(self, vocab: Vocabulary, update: bool, tokenizer: Any) -> None:
        if update:
            if not self.is_fitted:
                raise ParameterError(
                    "You cannot do an online vocabulary-update of a model which has no prior "
                    "vocabulary. First build the vocabulary of your model with a corpus before "
                    "doing an online update."
                )
            self._extend_weights(self.vocab_.extended(vocab))
        else:
            self._init_weights(vocab)
            self._allocate_weights()
        self.effective_min_count = self.vocab_.min_count
        self.tokenizer_ = tokenizer
        self._make_wv()

    def _allocate_weights(self) -> None:
        """Input weights exist right after build_vocab (gensim's ``model.wv`` does)."""

    # ------------------------------------------------------------------ training
    def train(
        self,
        corpus_iterable: Iterable[list[str]] | None = None,
        corpus_file: str | os.PathLike | None = None,
        total_examples: int | None = None,
        total_words: int | None = None,
        epochs: int | None = None,
        start_alpha: float | None = None,
        end_alpha: float | None = None,
        word_count: int = 0,
        queue_factor: int = 2,
        report_delay: float = 1.0,
        compute_loss: bool = False,
        callbacks: Iterable[Any] = (),
        **kwargs: Any,
    ) -> tuple[int, int]:
        """Train ``epochs`` passes over the corpus, the learning rate decaying linearly from
        ``start_alpha`` (default ``alpha``) to ``end_alpha`` (default ``min_alpha``).

        Returns ``(effective words trained, raw words read)`` over all epochs, as gensim.
        ``total_examples``/``total_words`` are required as in gensim, but the schedule uses
        the exact corpus size (read once into ids); ``word_count``, ``queue_factor`` and
        ``report_delay`` steer gensim's job queue and logging and have no effect here.
        """
        if not self.is_fitted:
            empty = self.__dict__.get("_empty_vocabulary")
            if empty:
                raise EmptyVocabularyError(
                    f"you must first build vocabulary before training the model: {empty}"
                )
            raise ModelStateError(
                "you must first build vocabulary before training the model "
                "(call build_vocab(sentences) first)"
            )
        self._check_corpus_sanity(corpus_iterable, corpus_file)
        if epochs is None or (isinstance(epochs, int) and epochs <= 0):
            raise ParameterError(
                "You must specify an explicit epochs count. The usual value is epochs=model.epochs."
            )
        if corpus_iterable is not None and total_examples is None and total_words is None:
            raise ParameterError(
                "You must specify either total_examples or total_words, for proper "
                "learning-rate and progress calculations. If you've just built the vocabulary "
                "using the same corpus, using the count cached in the model is sufficient: "
                "total_examples=model.corpus_count."
            )
        self.alpha = start_alpha or self.alpha
        self.min_alpha = end_alpha or self.min_alpha
        if self.alpha > self.min_alpha_yet_reached:
            gensim_logger.warning("Effective 'alpha' higher than previous training cycles")
        self.epochs = epochs
        self.compute_loss = bool(compute_loss)
        self._validate()
        corpus = self._corpus(corpus_iterable, corpus_file)
        saved_callbacks = self.callbacks
        self.callbacks = tuple(callbacks)
        t0 = time.perf_counter()
        try:
            ids, starts = corpus.to_ids(self.vocab_)
            raw = int(corpus.scan().total_words)
            if len(ids) == 0:
                warnings.warn(
                    f"{corpus.name} has no words of the vocabulary: nothing was "
                    "trained (add them with build_vocab(..., update=True))",
                    CompatWarning,
                    stacklevel=2,
                )
                return 0, raw * int(epochs)
            self.tokenizer_ = corpus.tokenizer
            n_stats = len(self.epoch_stats_)
            locks = self._locks()
            frozen = self._freeze(locks)
            try:
                self._train(ids, starts, None)
            except TrainingDivergedError:
                self.wv = None  # type: ignore[assignment]  # the weights are garbage: no vectors
                raise
            self._thaw(frozen)
            self._make_wv()
            self._restore_locks(locks)
        finally:
            self.callbacks = saved_callbacks
            self._cached_corpus = None
            corpus.clear_cache()
        new = self.epoch_stats_[n_stats:]
        self.train_count += 1
        self.total_train_time += time.perf_counter() - t0
        self.min_alpha_yet_reached = float(self.min_alpha)
        return (int(sum(s["trained_words"] for s in new)), int(sum(s["words"] for s in new)))

    # ------------------------------------------------------------------ vectors_lockf
    _LOCK_ATTRS: tuple[str, ...] = ("vectors_lockf",)

    def _locks(self) -> dict[str, np.ndarray]:
        """The lock factors set on ``wv`` (gensim's ``vectors_lockf``: 1 trains, 0 freezes)."""
        out = {}
        for attr in self._LOCK_ATTRS:
            val = getattr(self.wv, attr, None) if self.wv is not None else None
            if val is not None:
                out[attr] = np.asarray(val, dtype=np.float32)
        return out

    def _input_rows(self, attr: str) -> tuple[np.ndarray, int]:
        """The input matrix and the first row that ``attr``'s factors apply to."""
        return self.syn0_, 0

    def _freeze(
        self, locks: dict[str, np.ndarray]
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Copies of the rows whose lock factor is not 1, to put back after training."""
        frozen = []
        for attr, lockf in locks.items():
            if lockf.size == 1 and lockf[0] == 1:
                continue
            mat, first = self._input_rows(attr)
            n = (
                len(self.vocab_)
                if attr in ("vectors_lockf", "vectors_vocab_lockf")
                else mat.shape[0] - first
            )
            f = np.broadcast_to(lockf, (n,)) if lockf.size == 1 else lockf
            if f.shape != (n,):
                raise ParameterError(
                    f"wv.{attr} has {f.size} factors for {n} vectors; give one per vector "
                    "(or a single value)"
                )
            rows = np.flatnonzero(f != 1) + first
            frozen.append((mat, rows, mat[rows].copy(), f[rows - first]))
        return frozen

    @staticmethod
    def _thaw(frozen: list) -> None:
        # a factor f scales the training's change of the row: exact for 0 (frozen) and 1
        for mat, rows, before, f in frozen:
            mat[rows] = before + f[:, None] * (mat[rows] - before)

    def _restore_locks(self, locks: dict[str, np.ndarray]) -> None:
        for attr, val in locks.items():
            setattr(self.wv, attr, val)

    @property
    def cum_table(self) -> np.ndarray | None:
        """gensim's negative-sampling table: cumulative ``count ** ns_exponent``, scaled to
        ``2**31 - 1`` (uint32, one entry per word). wordspace samples from an alias table of
        the same distribution; this is its cumulative form, computed on demand."""
        if not self.is_fitted:
            return None
        p = np.asarray(self.vocab_.counts, dtype=np.float64) ** float(self.ns_exponent)
        cum = np.cumsum(p)
        return np.round(cum / cum[-1] * (2**31 - 1)).astype(np.uint32)

    @property
    def syn1(self) -> np.ndarray:  # gensim's shape, a copy
        """Hierarchical-softmax output weights with gensim's shape: one row per word (the
        Huffman tree's V-1 inner nodes, then gensim's unused last row of zeros). A copy."""
        syn1 = getattr(self, "syn1_", None)
        if syn1 is None or not self.is_fitted:
            raise ModelStateError("no hierarchical-softmax weights: build the vocabulary first")
        n = len(self.vocab_)
        out = np.zeros((n, syn1.shape[1]), dtype=np.float32)
        out[: min(n, syn1.shape[0])] = syn1[:n]
        return out

    def _call_callbacks(self, hook: str, epoch: int | None = None) -> None:
        if hook == "on_train_begin":
            self.running_training_loss = 0.0
        elif hook == "on_epoch_end" and self.compute_loss and self.loss_history_:
            self.running_training_loss += float(self.loss_history_[-1])
        super()._call_callbacks(hook, epoch)

    def get_latest_training_loss(self) -> float:
        """The loss accumulated over the epochs of the latest :meth:`train` call so far (as
        gensim's ``running_training_loss``; needs ``compute_loss=True``)."""
        return float(self.running_training_loss)

    def _make_wv(self) -> None:
        super()._make_wv()
        self.wv = as_keyed_vectors(self.wv)
        for attr in self._LOCK_ATTRS:  # gensim's default: one factor 1 for every vector
            setattr(self.wv, attr, np.ones(1, dtype=np.float32))
        if self.hs:  # Huffman code/point through get_vecattr, computed on first use
            self.wv.__dict__["_huffman_source"] = self.vocab_

    # ------------------------------------------------------------------ other gensim methods
    def predict_output_word(
        self, context_words_list: Iterable[str], topn: int = 10
    ) -> list[tuple[str, float]] | None:
        """The ``topn`` most probable centre words given context words (negative sampling
        output layer, as gensim); None when no context word is known."""
        if not self.negative:
            raise ModelStateError(
                "We have currently only implemented predict_output_word for the negative "
                "sampling scheme, so you need to have run word2vec with negative > 0 for "
                "this to work."
            )
        if getattr(self, "syn1neg_", None) is None or self.wv is None:
            raise ModelStateError(
                "Parameters required for predicting the output words not found: this model "
                "has no output weights (vectors loaded from a file cannot predict); train it, "
                "or load a model saved with save()"
            )
        n = len(self.wv.index_to_key)
        idx = [
            int(w) if is_int(w) and 0 <= int(w) < n else self.wv.key_to_index[w]
            for w in context_words_list
            if (is_int(w) and 0 <= int(w) < n) or (isinstance(w, str) and w in self.wv.key_to_index)
        ]
        if not idx:
            logger.warning(
                "All the input context words are out-of-vocabulary for the current model."
            )
            return None
        l1 = np.sum(self.wv.vectors[idx], axis=0, dtype=np.float64)
        if self.cbow_mean:
            l1 /= len(idx)
        logits = np.asarray(self.syn1neg_, dtype=np.float64) @ l1
        prob = np.exp(logits - logits.max())
        prob /= prob.sum()
        top = np.argsort(-prob, kind="stable")[: int(topn)]
        return [(self.wv.index_to_key[i], float(prob[i])) for i in top]

    def score(self, *args: Any, **kwargs: Any):
        raise UnsupportedError(
            "score() (log-probability of sentences under hierarchical "
            "softmax, Taddy 2015) is not implemented in wordspace"
        )

    def estimate_memory(
        self, vocab_size: int | None = None, report: dict | None = None
    ) -> dict[str, int]:
        """Rough memory use in bytes (gensim's estimate for the same parts)."""
        vocab_size = vocab_size or (len(self.vocab_) if self.is_fitted else 0)
        report = dict(report or {})
        d = int(self.vector_size)
        report["vocab"] = vocab_size * (700 if self.hs else 500)
        report["vectors"] = vocab_size * d * 4
        if self.hs:
            report["syn1"] = vocab_size * d * 4
        if self.negative:
            report["syn1neg"] = vocab_size * d * 4
        report["total"] = sum(report.values())
        return report

    def init_sims(self, replace: bool = False) -> None:
        """Deprecated in gensim 4: :meth:`KeyedVectors.fill_norms`."""
        self._check_fitted("init_sims()")
        self.wv.init_sims(replace=replace)

    def __str__(self) -> str:
        n = len(self.wv.index_to_key) if self.wv is not None else 0
        return (
            f"{type(self).__name__}<vocab={n}, vector_size={self.vector_size}, alpha={self.alpha}>"
        )

    # ------------------------------------------------------------------ persistence
    def save(  # type: ignore[override]  # gensim's signature
        self,
        fname_or_handle: str | os.PathLike,
        *args: Any,
        layout: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Save the whole model in wordspace's native format (no pickle); :meth:`load`
        restores it and training can continue. gensim's pickling options have no effect."""
        if not isinstance(fname_or_handle, str | os.PathLike):
            raise UnsupportedError(
                "save() needs a path: the native format is a zip or folder "
                "written atomically, not a stream into an open handle"
            )
        super().save(fname_or_handle, layout=layout)

    @classonly
    def load(  # gensim's signature
        cls,
        fname: str | os.PathLike,
        *args: Any,
        mmap: Any = None,
        **kwargs: Any,
    ):
        """Load a model written by :meth:`save` (``mmap`` accepted for gensim's signature)."""
        refuse_pickle(fname, f"{cls.__name__} model")
        try:
            model = super().load(fname, mmap=mmap in ("r", True))
        except FormatError as e:
            if "holds word vectors" in str(e):
                raise WrongModelError(str(e)) from None
            raise
        model._cached_corpus = None
        model.corpus_total_words = int(model.vocab_.total_words)
        model.effective_min_count = model.vocab_.min_count
        return model

    def _set_state(
        self, wv: Any, arrays: dict[str, np.ndarray], state: dict[str, Any], path: str | os.PathLike
    ) -> None:
        super()._set_state(wv, arrays, state, path)
        self.running_training_loss = float(sum(state.get("loss_history", [])[-1:]) or 0.0)
        if not math.isfinite(self.running_training_loss):
            self.running_training_loss = 0.0


def _gensim_corpus_error(e: CorpusError) -> CorpusError:
    """A corpus error as the type gensim raises for it (also a TypeError / RuntimeError)."""
    msg = str(e)
    if "sentences must be" in msg or "tokens must be str" in msg:
        return CorpusTypeError(msg)
    if "no tokens" in msg or "left no words" in msg or "is empty" in msg:
        return EmptyVocabularyError(msg)
    return e


def _warn_plain_str_sentences(corpus_iterable: Any) -> None:
    """gensim's warning when the first sentence is a plain string (a list of strings was
    probably meant to be a list of token lists)."""
    if isinstance(corpus_iterable, list | tuple) and corpus_iterable:
        first = corpus_iterable[0]
        if isinstance(first, str):
            gensim_logger.warning(
                "Each 'sentences' item should be a list of words (usually unicode strings). "
                "First item here is instead plain %s.",
                type(first),
            )
