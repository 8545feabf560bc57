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
# ---- training: GloVe (issue 5)
from .cooccurrence import cooccurrence_matrix, load_cooccurrence, save_cooccurrence
from .train.glove import GloVe

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
    # training: GloVe (issue 5)
    "GloVe",
    "cooccurrence_matrix",
    "save_cooccurrence",
    "load_cooccurrence",
]
