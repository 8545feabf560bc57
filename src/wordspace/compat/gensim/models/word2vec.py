"""gensim 4's ``Word2Vec`` (and ``LineSentence``) over :class:`wordspace.Word2Vec`.

Same signature and semantics as ``gensim.models.Word2Vec``: given ``sentences`` or
``corpus_file`` it trains at construction; otherwise call :meth:`build_vocab` then
:meth:`train`. Training runs wordspace's compiled kernels (the learning rate set by corpus
position, Hogwild threads, ``workers=1`` bit-for-bit reproducible); ``model.wv`` is a
:class:`~wordspace.compat.gensim.models.keyedvectors.KeyedVectors` sharing the model's
arrays; ``save``/``load`` use wordspace's native format, never pickle. Where a parameter
cannot be honoured exactly, a :class:`~wordspace.compat.gensim.CompatWarning` says how it is
treated (see docs/porting_from_gensim.md).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from wordspace.compat.gensim._errors import CorpusTypeError
from wordspace.compat.gensim.models._trainer import MAX_WORDS_IN_BATCH, GensimTrainer
from wordspace.compat.gensim.utils import open as gensim_open
from wordspace.compat.gensim.utils import to_unicode
from wordspace.train.word2vec import Word2Vec as _Word2Vec

__all__ = ["Word2Vec", "LineSentence", "PathLineSentences", "Text8Corpus", "MAX_WORDS_IN_BATCH"]


class Word2Vec(GensimTrainer, _Word2Vec):
    """gensim 4's ``Word2Vec`` (see the module docstring).

    Parameters are gensim's, in gensim's order; the keyword-only ones after them are
    wordspace's (``lowercase``: lowercase tokens; ``max_sentence_length``: longer sentences
    are cut; ``shared_negatives``: skip-gram's faster negative sharing).
    """

    def __init__(
        self,
        sentences: Iterable[list[str]] | None = None,
        corpus_file: str | os.PathLike | None = None,
        vector_size: int = 100,
        alpha: float = 0.025,
        window: int = 5,
        min_count: int = 5,
        max_vocab_size: int | None = None,
        sample: float = 1e-3,
        seed: int = 1,
        workers: int = 3,
        min_alpha: float = 0.0001,
        sg: int = 0,
        hs: int = 0,
        negative: int = 5,
        ns_exponent: float = 0.75,
        cbow_mean: int = 1,
        hashfxn: Callable[[str], int] = hash,
        epochs: int = 5,
        null_word: int = 0,
        trim_rule: Callable[[str, int, int], int] | None = None,
        sorted_vocab: int = 1,
        batch_words: int = MAX_WORDS_IN_BATCH,
        compute_loss: bool = False,
        callbacks: Sequence[Any] = (),
        comment: str | None = None,
        max_final_vocab: int | None = None,
        shrink_windows: bool = True,
        *,
        lowercase: bool = False,
        max_sentence_length: int = MAX_WORDS_IN_BATCH,
        shared_negatives: bool = False,
    ):
        self.vector_size = vector_size
        self.alpha = alpha
        self.window = window
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.sample = sample
        self.seed = seed
        self.workers = workers
        self.min_alpha = min_alpha
        self.sg = sg
        self.hs = hs
        self.negative = negative
        self.ns_exponent = ns_exponent
        self.cbow_mean = cbow_mean
        self.hashfxn = hashfxn
        self.epochs = epochs
        self.null_word = null_word
        self.trim_rule = trim_rule
        self.sorted_vocab = sorted_vocab  # type: ignore[assignment]  # gensim's 0/1; _validate reads it as a bool
        self.batch_words = batch_words
        self.compute_loss = compute_loss
        self.callbacks = tuple(callbacks) if isinstance(callbacks, list) else callbacks
        self.comment = comment
        self.max_final_vocab = max_final_vocab
        self.shrink_windows = shrink_windows
        self.lowercase = lowercase
        self.max_sentence_length = max_sentence_length
        self.shared_negatives = shared_negatives
        self._init_gensim(sentences, corpus_file)


class LineSentence:
    """Sentences from a text file: one line = one sentence, tokens split on whitespace, lines
    longer than ``max_sentence_length`` cut into pieces (gensim's ``LineSentence``).

    ``source`` is a path (``.gz``/``.bz2``/``.xz`` are decompressed) or an open file object
    (read from its start on every pass). Passed to :class:`Word2Vec`, a path is read by
    wordspace's fast file reader (as ``corpus_file=`` is); iterating yields the token lists.
    """

    def __init__(
        self,
        source: Any,
        max_sentence_length: int = MAX_WORDS_IN_BATCH,
        limit: int | None = None,
    ):
        if isinstance(source, str | os.PathLike):
            if not Path(source).is_file():
                raise FileNotFoundError(f"{source}: no such file")
        elif not hasattr(source, "read"):
            raise CorpusTypeError(
                f"LineSentence needs a path or an open file, not {type(source).__name__}"
            )
        self.source = source
        self.max_sentence_length = int(max_sentence_length)
        self.limit = limit

    def _lines(self) -> Iterator[bytes | str]:
        if hasattr(self.source, "read"):
            if hasattr(self.source, "seek"):
                self.source.seek(0)
            yield from itertools.islice(self.source, self.limit)
        else:
            with gensim_open(self.source, "rb") as fh:
                yield from itertools.islice(fh, self.limit)

    def __iter__(self) -> Iterator[list[str]]:
        for line in self._lines():
            toks = to_unicode(line).split()
            for i in range(0, len(toks), self.max_sentence_length):
                yield toks[i : i + self.max_sentence_length]


class Text8Corpus:
    """Sentences from a file of whitespace-separated tokens with no sentence marks (such as
    the "text8" corpus): the token stream cut into sentences of ``max_sentence_length``
    tokens, read in blocks (the file may be one huge line)."""

    def __init__(self, fname: str | os.PathLike, max_sentence_length: int = MAX_WORDS_IN_BATCH):
        if not Path(fname).is_file():
            raise FileNotFoundError(f"{fname}: no such file")
        self.fname = fname
        self.max_sentence_length = int(max_sentence_length)

    def __iter__(self) -> Iterator[list[str]]:
        sentence: list[str] = []
        tail = b""
        with gensim_open(self.fname, "rb") as fh:
            while True:
                block = fh.read(1 << 16)
                data = tail + block
                if not block:
                    sentence.extend(to_unicode(data).split())
                    break
                cut = max(data.rfind(b" "), data.rfind(b"\n"))  # a token may continue
                if cut < 0:
                    tail = data
                    continue
                sentence.extend(to_unicode(data[:cut]).split())
                tail = data[cut:]
                while len(sentence) >= self.max_sentence_length:
                    yield sentence[: self.max_sentence_length]
                    sentence = sentence[self.max_sentence_length :]
        while sentence:
            yield sentence[: self.max_sentence_length]
            sentence = sentence[self.max_sentence_length :]


class PathLineSentences:
    """Like :class:`LineSentence` over every file of a directory (in name order;
    compressed files are decompressed by their suffix)."""

    def __init__(
        self,
        source: str | os.PathLike,
        max_sentence_length: int = MAX_WORDS_IN_BATCH,
        limit: int | None = None,
    ):
        p = Path(source)
        if p.is_file():
            self.input_files = [str(p)]
        elif p.is_dir():
            self.input_files = sorted(str(f) for f in p.iterdir() if f.is_file())
        else:
            raise FileNotFoundError(f"{source}: no such file or directory")
        self.source = str(source)
        self.max_sentence_length = int(max_sentence_length)
        self.limit = limit

    @property
    def files(self) -> list[Path]:
        return [Path(f) for f in self.input_files]

    def __iter__(self) -> Iterator[list[str]]:
        for f in self.input_files:
            yield from LineSentence(f, self.max_sentence_length, limit=self.limit)
