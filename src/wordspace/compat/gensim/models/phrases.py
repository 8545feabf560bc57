"""gensim 4's ``gensim.models.phrases``: ``Phrases``, ``FrozenPhrases`` (``Phraser``),
``ENGLISH_CONNECTOR_WORDS``, ``original_scorer`` and ``npmi_scorer``.

The semantics are those of :mod:`wordspace.text.phrases` (gensim 4.4's counting, scoring and
left-to-right joining, documented there; the connector words are the same set). This module
adds gensim's object model on top: the ``vocab`` dict of unigram and joined-candidate counts
that gensim exposes and grows with ``add_vocab``, ``find_phrases``/``export_phrases``,
``phrases[sentence]`` and ``phrases[corpus]`` (a re-iterable view), and subclassable
``_PhrasesTransformation.score_candidate``. For large corpora, wordspace's compiled
:class:`wordspace.Phrases` counts the same phrases much faster.

``save``/``load`` write a JSON file (never pickle). A custom scoring function is stored by its
module and name and found again on load only in a module that is already imported (loading
never imports code). gensim's own pickles raise :class:`~wordspace.compat.gensim.UnsupportedError`.
"""

from __future__ import annotations

import inspect
import itertools
import json
import logging
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from wordspace._files import atomic_path
from wordspace.compat.gensim.models.keyedvectors import refuse_pickle
from wordspace.compat.gensim.utils import prune_vocab
from wordspace.errors import FormatError, ParameterError
from wordspace.text.phrases import ENGLISH_CONNECTOR_WORDS

__all__ = [
    "ENGLISH_CONNECTOR_WORDS",
    "FrozenPhrases",
    "Phraser",
    "Phrases",
    "npmi_scorer",
    "original_scorer",
]

logger = logging.getLogger(__name__)

NEGATIVE_INFINITY = float("-inf")
_FORMAT = "wordspace-compat-gensim-phrases"
_SCORER_ARGS = (
    "worda_count",
    "wordb_count",
    "bigram_count",
    "len_vocab",
    "min_count",
    "corpus_word_count",
)


def original_scorer(
    worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count
):
    """Mikolov et al.'s score: ``(count(ab) - min_count) / (count(a) * count(b)) * len_vocab``."""
    denom = worda_count * wordb_count
    if denom == 0:
        return NEGATIVE_INFINITY
    return (bigram_count - min_count) / float(denom) * len_vocab


def npmi_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """Normalised pointwise mutual information, in [-1, 1]; ``-inf`` below ``min_count``."""
    if bigram_count < min_count:
        return NEGATIVE_INFINITY
    total = float(corpus_word_count)
    pa, pb, pab = worda_count / total, wordb_count / total, bigram_count / total
    try:
        return math.log(pab / (pa * pb)) / -math.log(pab)
    except ZeroDivisionError:  # pab == 1: the phrase is the whole corpus
        return 1.0


_SCORERS = {"default": original_scorer, "npmi": npmi_scorer}


def _is_single(obj: Any) -> tuple[bool, Any]:
    """``(True, sentence)`` for one sentence (or nothing), ``(False, corpus)`` for a corpus."""
    it = iter(obj)
    was_iterator = it is obj
    try:
        peek = next(it)
    except StopIteration:
        return True, obj
    it = itertools.chain([peek], it)
    if isinstance(peek, str):
        return True, it
    return False, (it if was_iterator else obj)


class _Transformed:
    """``phrases[corpus]``: the corpus's sentences with phrases joined, re-iterable when the
    corpus is."""

    def __init__(self, model: _PhrasesTransformation, corpus: Iterable) -> None:
        self.model = model
        self.corpus = corpus

    def __iter__(self) -> Iterator[list[str]]:
        for sentence in self.corpus:
            yield [token for token, _ in self.model.analyze_sentence(sentence)]


class _PhrasesTransformation:
    """What ``Phrases`` and ``FrozenPhrases`` share: joining candidates left to right."""

    def __init__(self, connector_words: Iterable[str]) -> None:
        self.connector_words = frozenset(connector_words)

    def score_candidate(self, word_a: str, word_b: str, in_between: list[str]) -> tuple[Any, Any]:
        """``(phrase, score)`` when ``word_a in_between... word_b`` is a phrase, else
        ``(None, None)``."""
        raise NotImplementedError("a _PhrasesTransformation subclass defines score_candidate")

    def analyze_sentence(self, sentence: Iterable[str]) -> Iterator[tuple[str, float | None]]:
        """Each token of ``sentence`` as ``(token, None)``, or a joined phrase as
        ``(phrase, score)``; a joined phrase does not chain with the next word."""
        start: str | None = None
        between: list[str] = []
        for word in sentence:
            if word not in self.connector_words:
                if start:
                    phrase, score = self.score_candidate(start, word, between)
                    if score is not None:
                        yield phrase, score
                        start, between = None, []
                        continue
                    yield start, None
                    yield from ((w, None) for w in between)
                start, between = word, []
            elif start:
                between.append(word)
            else:
                yield word, None
        if start:
            yield start, None
            yield from ((w, None) for w in between)

    def __getitem__(self, sentence: Any) -> Any:
        """One sentence: its tokens with phrases joined; a corpus: a re-iterable view of it."""
        single, sentence = _is_single(sentence)
        if not single:
            return _Transformed(self, sentence)
        return [token for token, _ in self.analyze_sentence(sentence)]

    def find_phrases(self, sentences: Iterable[Iterable[str]]) -> dict[str, float]:
        """The phrases ``sentences`` contain, with their scores."""
        found: dict[str, float] = {}
        for sentence in sentences:
            for phrase, score in self.analyze_sentence(sentence):
                if score is not None:
                    found[phrase] = score
        return found

    # ----------------------------------------------------------------------- persistence
    def _state(self) -> dict[str, Any]:
        raise NotImplementedError

    def save(self, fname_or_handle: Any, **kwargs: Any) -> None:
        """Save as JSON (atomically; never pickle)."""
        doc = {"format": _FORMAT, "version": 1, "class": type(self).__name__, **self._state()}
        doc["connector_words"] = sorted(self.connector_words)
        doc["scoring"] = _scoring_name(self.scoring)  # type: ignore[attr-defined]  # set by the subclasses' __init__
        with atomic_path(fname_or_handle) as tmp:
            tmp.write_text(json.dumps(doc), encoding="utf-8")

    @classmethod
    def load(cls, fname: str | os.PathLike, *args: Any, **kwargs: Any) -> Any:
        """Load what :meth:`save` wrote; a gensim pickle raises UnsupportedError."""
        refuse_pickle(
            fname,
            f"{cls.__name__} model",
            "In gensim, export the phrase table with json.dump(model.export_phrases(), f) (or "
            "retrain here: Phrases(sentences, ...) gives the same phrases)",
        )
        try:
            with open(fname, encoding="utf-8") as f:
                doc = json.load(f)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise FormatError(
                f"{fname} is not a phrases file saved by wordspace's compat ({e})"
            ) from None
        if not isinstance(doc, dict) or doc.get("format") != _FORMAT:
            raise FormatError(f"{fname} is not a phrases file saved by wordspace's compat")
        scoring = _scoring_from_name(doc["scoring"], fname)
        if doc["class"] == "FrozenPhrases":
            obj: Any = FrozenPhrases.__new__(FrozenPhrases)
            obj.phrasegrams = dict(doc["phrasegrams"])
        else:
            obj = Phrases.__new__(Phrases)
            obj.vocab = dict(doc["vocab"])
            obj.max_vocab_size = doc["max_vocab_size"]
            obj.min_reduce = doc["min_reduce"]
            obj.progress_per = doc["progress_per"]
            obj.corpus_word_count = doc["corpus_word_count"]
        obj.connector_words = frozenset(doc["connector_words"])
        obj.threshold, obj.min_count, obj.delimiter = (
            doc["threshold"],
            doc["min_count"],
            doc["delimiter"],
        )
        obj.scoring = scoring
        return obj  # the class saved, as gensim's load (Phrases.load of a FrozenPhrases file)


def _scoring_name(scoring: Callable) -> str:
    for name, fn in _SCORERS.items():
        if scoring is fn:
            return name
    return f"{scoring.__module__}:{scoring.__qualname__}"


def _scoring_from_name(name: str, fname: Any) -> Callable:
    if name in _SCORERS:
        return _SCORERS[name]
    module, _, qualname = name.partition(":")
    obj: Any = sys.modules.get(module)
    if obj is None:
        raise FormatError(
            f"{fname} was saved with the scoring function {name}; import {module} before "
            "loading (loading never imports code)"
        )
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    if not callable(obj):
        raise FormatError(f"{fname}: scoring function {name} not found in the imported {module}")
    return obj


class Phrases(_PhrasesTransformation):
    """Detect phrases by collocation counts, as gensim 4's ``Phrases`` (see the module
    docstring); ``sentences`` are counted at once if given (``add_vocab`` adds more)."""

    def __init__(
        self,
        sentences: Iterable[Iterable[str]] | None = None,
        min_count: float = 5,
        threshold: float = 10.0,
        max_vocab_size: int = 40_000_000,
        delimiter: str = "_",
        progress_per: int = 10_000,
        scoring: str | Callable = "default",
        connector_words: Iterable[str] = frozenset(),
    ) -> None:
        super().__init__(connector_words=connector_words)
        if min_count <= 0:
            raise ParameterError(f"min_count should be at least 1 (got {min_count})")
        if threshold <= 0 and scoring == "default":
            raise ParameterError(
                f"threshold should be positive for default scoring (got {threshold})"
            )
        if scoring == "npmi" and not -1 <= threshold <= 1:
            raise ParameterError(
                f"threshold should be between -1 and 1 for npmi scoring (got {threshold})"
            )
        if isinstance(scoring, str):
            if scoring not in _SCORERS:
                raise ParameterError(
                    f"unknown scoring method string {scoring!r}; use 'default', 'npmi' or a function"
                )
            scoring = _SCORERS[scoring]
        if not callable(scoring):
            raise ParameterError(
                f"scoring must be 'default', 'npmi' or a function, not {type(scoring).__name__}"
            )
        try:
            params = inspect.signature(scoring).parameters
        except (TypeError, ValueError):
            params = {}  # type: ignore[assignment]  # a scorer without a signature: no names
        missing = [p for p in _SCORER_ARGS if p not in params]
        if missing:
            raise ParameterError(f"scoring function missing expected parameters {missing}")
        self.scoring = scoring
        self.min_count = min_count
        self.threshold = threshold
        self.max_vocab_size = max_vocab_size
        self.vocab: dict[str, int] = {}
        self.min_reduce = 1
        self.delimiter = delimiter
        self.progress_per = progress_per
        self.corpus_word_count = 0
        if sentences is not None:
            self.add_vocab(sentences)

    def __str__(self) -> str:
        return (
            f"{type(self).__name__}<{len(self.vocab)} vocab, min_count={self.min_count}, "
            f"threshold={self.threshold}, max_vocab_size={self.max_vocab_size}>"
        )

    def _learn_vocab(self, sentences: Iterable[Iterable[str]]) -> tuple[int, dict[str, int], int]:
        vocab: dict[str, int] = {}
        total, min_reduce, n = 0, 1, -1
        conn, delim = self.connector_words, self.delimiter
        for n, sentence in enumerate(sentences):
            if n % self.progress_per == 0:
                logger.info(
                    "PROGRESS: at sentence #%i, processed %i words and %i word types",
                    n,
                    total,
                    len(vocab),
                )
            start: str | None = None
            between: list[str] = []
            for word in sentence:
                if word not in conn:
                    vocab[word] = vocab.get(word, 0) + 1
                    if start is not None:
                        key = delim.join([start, *between, word])
                        vocab[key] = vocab.get(key, 0) + 1
                    start, between = word, []
                elif start is not None:
                    between.append(word)
                total += 1
            if len(vocab) > self.max_vocab_size:
                prune_vocab(vocab, min_reduce)
                min_reduce += 1
        logger.info(
            "collected %i token types (unigram + bigrams) from a corpus of %i words and %i sentences",
            len(vocab),
            total,
            n + 1,
        )
        return min_reduce, vocab, total

    def add_vocab(self, sentences: Iterable[Iterable[str]]) -> None:
        """Count ``sentences`` too (unigrams and candidates), pruning to ``max_vocab_size``."""
        min_reduce, vocab, total = self._learn_vocab(sentences)
        self.corpus_word_count += total
        if self.vocab:
            self.min_reduce = max(self.min_reduce, min_reduce)
            for word, count in vocab.items():
                self.vocab[word] = self.vocab.get(word, 0) + count
            if len(self.vocab) > self.max_vocab_size:
                prune_vocab(self.vocab, self.min_reduce)
                self.min_reduce += 1
        else:
            self.vocab = vocab

    def score_candidate(self, word_a: str, word_b: str, in_between: list[str]) -> tuple[Any, Any]:
        count_a = self.vocab.get(word_a, 0)
        if count_a <= 0:
            return None, None
        count_b = self.vocab.get(word_b, 0)
        if count_b <= 0:
            return None, None
        phrase = self.delimiter.join([word_a, *in_between, word_b])
        count_ab = self.vocab.get(phrase, 0)
        if count_ab <= 0:
            return None, None
        score = self.scoring(
            worda_count=count_a,
            wordb_count=count_b,
            bigram_count=count_ab,
            len_vocab=len(self.vocab),
            min_count=self.min_count,
            corpus_word_count=self.corpus_word_count,
        )
        if score <= self.threshold:
            return None, None
        return phrase, score

    def export_phrases(self) -> dict[str, float]:
        """Every counted candidate that scores above ``threshold``, with its score."""
        found: dict[str, float] = {}
        for key in self.vocab:
            parts = key.split(self.delimiter)
            if len(parts) < 2:
                continue
            phrase, score = self.score_candidate(parts[0], parts[-1], parts[1:-1])
            if score is not None:
                found[phrase] = score
        return found

    def freeze(self) -> FrozenPhrases:
        """The phrase table alone (:class:`FrozenPhrases`): smaller and faster to apply."""
        return FrozenPhrases(self)

    def _state(self) -> dict[str, Any]:
        return {
            "vocab": self.vocab,
            "min_count": self.min_count,
            "threshold": self.threshold,
            "max_vocab_size": self.max_vocab_size,
            "delimiter": self.delimiter,
            "progress_per": self.progress_per,
            "min_reduce": self.min_reduce,
            "corpus_word_count": self.corpus_word_count,
        }


class FrozenPhrases(_PhrasesTransformation):
    """The phrases a :class:`Phrases` model found, frozen: no counts, only the phrase table."""

    def __init__(self, phrases_model: Phrases) -> None:
        self.threshold = phrases_model.threshold
        self.min_count = phrases_model.min_count
        self.delimiter = phrases_model.delimiter
        self.scoring = phrases_model.scoring
        self.connector_words = phrases_model.connector_words
        logger.info("exporting phrases from %s", phrases_model)
        self.phrasegrams = phrases_model.export_phrases()
        logger.info("FrozenPhrases lifecycle event: %i phrases", len(self.phrasegrams))

    def __str__(self) -> str:
        return (
            f"{type(self).__name__}<{len(self.phrasegrams)} phrases, "
            f"min_count={self.min_count}, threshold={self.threshold}>"
        )

    def score_candidate(self, word_a: str, word_b: str, in_between: list[str]) -> tuple[Any, Any]:
        phrase = self.delimiter.join([word_a, *in_between, word_b])
        score = self.phrasegrams.get(phrase, NEGATIVE_INFINITY)
        if score > self.threshold:
            return phrase, score
        return None, None

    def _state(self) -> dict[str, Any]:
        return {
            "phrasegrams": self.phrasegrams,
            "min_count": self.min_count,
            "threshold": self.threshold,
            "delimiter": self.delimiter,
        }


Phraser = FrozenPhrases
