"""gensim 4's API over wordspace's engine: port a gensim script by changing its imports.

``from gensim.models import Word2Vec, KeyedVectors`` becomes
``from wordspace.compat.gensim.models import Word2Vec, KeyedVectors`` (or
``from wordspace.compat.gensim import ...``); ``gensim.test.utils`` and ``gensim.downloader``
have counterparts under the same names. Signatures, return shapes and error types follow gensim
4.4; models are saved in wordspace's native format (never pickle). What differs and why:
docs/porting_from_gensim.md.
"""

from __future__ import annotations

from wordspace.compat.gensim import utils
from wordspace.compat.gensim._errors import (
    CompatWarning,
    RemovedAttributeError,
    UnsupportedError,
    VecattrError,
)
from wordspace.compat.gensim.models import (
    CallbackAny2Vec,
    FastText,
    FastTextKeyedVectors,
    KeyedVectors,
    LineSentence,
    PathLineSentences,
    Word2Vec,
)
from wordspace.compat.gensim.models.keyedvectors import CorrelationResult, as_keyed_vectors

__all__ = [
    "utils",
    "Word2Vec",
    "KeyedVectors",
    "FastText",
    "FastTextKeyedVectors",
    "LineSentence",
    "PathLineSentences",
    "CallbackAny2Vec",
    "CorrelationResult",
    "as_keyed_vectors",
    "UnsupportedError",
    "RemovedAttributeError",
    "VecattrError",
    "CompatWarning",
]
