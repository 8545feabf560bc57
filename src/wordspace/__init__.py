"""wordspace: word embeddings on one machine.

Train word2vec, GloVe and value-driven ValueVec embeddings; load pretrained vectors; query
neighbours and analogies; compare texts; evaluate; look at the space.
"""

from __future__ import annotations

from .errors import (
    CorpusError,
    FormatError,
    MissingDependencyError,
    OutOfVocabularyError,
    ParameterError,
    ValueDataError,
    WordspaceError,
)
from .pretrained import KNOWN_MODELS, load
from .text import Tokenizer, normalize_text, tokenize
from .vectors import WordVectors

# isort: split
# ---- training: word2vec (issue 3)
from .corpus import Corpus
from .train.word2vec import Word2Vec
from .vocab import Vocabulary

__version__ = "0.1.0"

__all__ = [
    "WordVectors",
    "load",
    "KNOWN_MODELS",
    "normalize_text",
    "tokenize",
    "Tokenizer",
    "WordspaceError",
    "OutOfVocabularyError",
    "FormatError",
    "CorpusError",
    "ParameterError",
    "ValueDataError",
    "MissingDependencyError",
    "__version__",
    # training: word2vec (issue 3)
    "Word2Vec",
    "Corpus",
    "Vocabulary",
]
