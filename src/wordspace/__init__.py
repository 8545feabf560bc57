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

__version__ = "0.1.0"

# ---- ValueVec (valuevec branch)
from . import datasets  # noqa: E402
from .alignment import value_alignment  # noqa: E402
from .train.valuevec import ValueVec  # noqa: E402
from .values import ValuePairs  # noqa: E402

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
    # ValueVec
    "ValueVec",
    "ValuePairs",
    "datasets",
    "value_alignment",
]
