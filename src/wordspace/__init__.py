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
from .evaluate import (  # evaltext
    AnalogyResult,
    WordPairsResult,
    evaluate_word_analogies,
    evaluate_word_pairs,
)
from .pretrained import KNOWN_MODELS, load
from .text import Tokenizer, normalize_text, tokenize
from .textsim import (  # evaltext
    SIF,
    Ranked,
    mean_vector,
    oov_tokens,
    rank_documents,
    text_similarity,
    wmdistance,
)
from .vectors import WordVectors

# isort: split
# ---- training: word2vec (issue 3)
# ---- training: GloVe (issue 5)
from .cooccurrence import cooccurrence_matrix, load_cooccurrence, save_cooccurrence
from .corpus import Corpus
from .train.glove import GloVe
from .train.word2vec import Word2Vec
from .vocab import Vocabulary

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
    # training: word2vec (issue 3)
    "Word2Vec",
    "Corpus",
    "Vocabulary",
    # ValueVec
    "ValueVec",
    "ValuePairs",
    "datasets",
    "value_alignment",
    # training: GloVe (issue 5)
    "GloVe",
    "cooccurrence_matrix",
    "save_cooccurrence",
    "load_cooccurrence",
]

__all__ += [  # evaluation and text similarity (evaltext)
    "evaluate_word_analogies",
    "evaluate_word_pairs",
    "AnalogyResult",
    "WordPairsResult",
    "SIF",
    "Ranked",
    "mean_vector",
    "oov_tokens",
    "rank_documents",
    "text_similarity",
    "wmdistance",
]
# ---- pictures, explorer, projector export (issue 7): loaded on first use, so that
# `import wordspace` never imports matplotlib, scikit-learn or FastAPI.
_LAZY_MODULES = {"plot": ".plot", "explore": ".explore", "projector": ".projector"}


def __getattr__(name: str):
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(_LAZY_MODULES[name], __name__)
    if name == "export_projector":
        from .projector import export_projector

        return export_projector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
