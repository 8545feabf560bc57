"""wordspace: word embeddings on one machine.

Train word2vec, GloVe and value-driven ValueVec embeddings; load pretrained vectors; query
neighbours and analogies; compare texts; evaluate; look at the space.
"""

from __future__ import annotations

import typing as _typing

from wordspace import _moved, datasets
from wordspace._version import __version__
from wordspace.analysis import evaluate  # noqa: F401  (ws.evaluate.value_holdout, as documented)
from wordspace.analysis.alignment import value_alignment
from wordspace.analysis.evaluate import (
    AnalogyResult,
    WordPairsResult,
    evaluate_word_analogies,
    evaluate_word_pairs,
)
from wordspace.analysis.textsim import (
    SIF,
    Ranked,
    mean_vector,
    oov_tokens,
    rank_documents,
    text_similarity,
    wmdistance,
)
from wordspace.errors import (
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
from wordspace.io import pretrained
from wordspace.io.cooccurrence import load_cooccurrence, save_cooccurrence
from wordspace.io.pretrained import KNOWN_MODELS, load
from wordspace.io.save import save
from wordspace.text.cooccurrence import cooccurrence_matrix
from wordspace.text.corpus import Corpus
from wordspace.text.phrases import Phrases, PhraseTokenizer
from wordspace.text.tokenizer import Tokenizer, normalize_text, tokenize
from wordspace.text.vocab import Vocabulary
from wordspace.train.fasttext import FastText
from wordspace.train.glove import GloVe
from wordspace.train.valuevec.model import ValueVec
from wordspace.train.valuevec.values import ValuePairs
from wordspace.train.word2vec import Word2Vec
from wordspace.tune.search import TuneResult, tune
from wordspace.vectors.keyed import WordVectors
from wordspace.vectors.subword import SubwordVectors
from wordspace.viz.report import Report, report

__all__ = [
    "__version__",
    # vectors and loading
    "WordVectors",
    "SubwordVectors",
    "load",
    "save",
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
_LAZY_MODULES = {
    "plot": "wordspace.viz.plot",
    "explore": "wordspace.viz.explore",
    "projector": "wordspace.viz.projector",
}

_moved.install()


def __getattr__(name: str) -> _typing.Any:
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(_LAZY_MODULES[name])
    new = _moved.new_path(f"{__name__}.{name}")
    if new is not None:  # an old module path: ws.corpus, ws.textsim, ...
        import warnings

        warnings.warn(f"wordspace.{name} moved to {new}", DeprecationWarning, stacklevel=2)
        return importlib.import_module(new)
    if name == "export_projector":
        from wordspace.viz.projector import export_projector

        return export_projector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
