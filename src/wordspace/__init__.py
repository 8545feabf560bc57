"""wordspace: word embeddings on one machine.

Train word2vec, GloVe and value-driven ValueVec embeddings; load pretrained vectors; query
neighbours and analogies; compare texts; evaluate; look at the space.
"""

from __future__ import annotations

import typing as _typing

from . import datasets, pretrained
from ._version import __version__
from .alignment import value_alignment
from .cooccurrence import cooccurrence_matrix, load_cooccurrence, save_cooccurrence
from .corpus import Corpus
from .errors import (
    CheckpointError,
    ChecksumError,
    CorpusError,
    DownloadError,
    FormatError,
    MissingDependencyError,
    OutOfVocabularyError,
    OutputPathError,
    ParameterError,
    TrainingDivergedError,
    ValueDataError,
    WordspaceError,
)
from .evaluate import (
    AnalogyResult,
    WordPairsResult,
    evaluate_word_analogies,
    evaluate_word_pairs,
)
from .phrases import Phrases, PhraseTokenizer
from .pretrained import KNOWN_MODELS, load
from .report import Report, report
from .subword import SubwordVectors
from .text import Tokenizer, normalize_text, tokenize
from .textsim import (
    SIF,
    Ranked,
    mean_vector,
    oov_tokens,
    rank_documents,
    text_similarity,
    wmdistance,
)
from .train.fasttext import FastText
from .train.glove import GloVe
from .train.valuevec import ValueVec
from .train.word2vec import Word2Vec
from .tune import TuneResult, tune
from .values import ValuePairs
from .vectors import WordVectors
from .vocab import Vocabulary

__all__ = [
    "__version__",
    # vectors and loading
    "WordVectors",
    "SubwordVectors",
    "load",
    "KNOWN_MODELS",
    "pretrained",
    # text
    "normalize_text",
    "tokenize",
    "Tokenizer",
    # errors
    "WordspaceError",
    "OutOfVocabularyError",
    "FormatError",
    "CorpusError",
    "ParameterError",
    "ValueDataError",
    "DownloadError",
    "ChecksumError",
    "MissingDependencyError",
    "TrainingDivergedError",
    "OutputPathError",
    "CheckpointError",
    # training
    "Word2Vec",
    "FastText",
    "GloVe",
    "ValueVec",
    "Corpus",
    "Phrases",
    "PhraseTokenizer",
    "Vocabulary",
    "ValuePairs",
    "cooccurrence_matrix",
    "save_cooccurrence",
    "load_cooccurrence",
    "datasets",
    "value_alignment",
    # evaluation and text similarity
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
    # hyper-parameter search
    "tune",
    "TuneResult",
    # one HTML report of a model
    "report",
    "Report",
]

# Pictures, the explorer and the projector export load on first use, so that
# `import wordspace` never imports matplotlib, scikit-learn or FastAPI.
_LAZY_MODULES = {"plot": ".plot", "explore": ".explore", "projector": ".projector"}


def __getattr__(name: str) -> _typing.Any:
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(_LAZY_MODULES[name], __name__)
    if name == "export_projector":
        from .projector import export_projector

        return export_projector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
