"""gensim's ``gensim.models.word2vec_corpusfile`` reader: ``CythonLineSentence``.

gensim reads ``corpus_file=`` with this compiled line reader; wordspace's ``corpus_file=`` goes
through its own compiled corpus reader (:class:`wordspace.text.corpus.Corpus`). The class is
kept for code that iterates it directly: one line = one sentence of whitespace-separated
tokens as ``bytes`` (as gensim's), from byte ``offset``, lines longer than
``max_sentence_length`` cut in pieces.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from wordspace.compat.gensim.utils import open as gensim_open

__all__ = ["CythonLineSentence", "MAX_WORDS_IN_BATCH"]

MAX_WORDS_IN_BATCH = 10000


class CythonLineSentence:
    """Sentences of a text file (see the module docstring)."""

    def __init__(
        self,
        source: str | os.PathLike,
        offset: int = 0,
        max_sentence_length: int = MAX_WORDS_IN_BATCH,
    ) -> None:
        self.source = os.fspath(source)
        self.offset = int(offset)
        self.max_sentence_length = int(max_sentence_length)

    def is_eof(self) -> bool:
        return self.offset >= os.path.getsize(self.source)

    def __iter__(self) -> Iterator[list[bytes]]:
        with gensim_open(self.source, "rb") as fh:
            fh.seek(self.offset)
            for line in fh:
                words = line.split()
                for i in range(0, max(len(words), 1), self.max_sentence_length):
                    yield words[i : i + self.max_sentence_length]
