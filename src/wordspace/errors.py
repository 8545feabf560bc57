"""The exceptions wordspace raises. Every one is a :class:`WordspaceError`.

Messages say what was wrong and how to fix it, so the CLI can print them as they are.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

__all__ = [
    "WordspaceError",
    "OutOfVocabularyError",
    "FormatError",
    "CorpusError",
    "ParameterError",
    "ValueDataError",
    "MissingDependencyError",
    "TrainingDivergedError",
    "OutputPathError",
    "CheckpointError",
    "DownloadError",
    "ChecksumError",
    "StaleIndexError",
]


class WordspaceError(Exception):
    """Base class of every error raised by wordspace."""


class OutOfVocabularyError(WordspaceError, KeyError):
    """A word is not in the vocabulary. Also a :class:`KeyError`, as dict users expect."""

    def __init__(
        self,
        word: str,
        vocab_size: int,
        suggestions: Sequence[str] = (),
        case_variants: Sequence[str] = (),
    ):
        self.word = word
        self.vocab_size = vocab_size
        self.suggestions = list(suggestions)
        self.case_variants = list(case_variants)  # the same word in another casing
        msg = f"{word!r} is not in the vocabulary ({vocab_size:,} words)"
        if self.case_variants:
            msg += (
                ", but "
                + " and ".join(repr(s) for s in self.case_variants[:3])
                + (" is" if len(self.case_variants) == 1 else " are")
                + ": lookups are case-sensitive"
            )
        elif self.suggestions:
            msg += "; did you mean " + " or ".join(repr(s) for s in self.suggestions[:3]) + "?"
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0])


class FormatError(WordspaceError, ValueError):
    """A vector file is truncated or malformed (says which file and line)."""


class CorpusError(WordspaceError, ValueError):
    """A corpus is empty, undecodable, or has nothing left after filtering."""


class ParameterError(WordspaceError, ValueError):
    """A parameter has an invalid value (says which and what is allowed)."""


class ValueDataError(WordspaceError, ValueError):
    """A (word, value) table is unusable: NaN, constant values, too few words ..."""


class TrainingDivergedError(WordspaceError, FloatingPointError):
    """Training produced a non-finite loss or weights (names the epoch and what to lower)."""


class OutputPathError(WordspaceError, FileExistsError):
    """An output path holds something wordspace did not write; it is left untouched."""


class CheckpointError(ParameterError):
    """A checkpoint cannot be resumed here: another model, corpus or parameters (names which)."""


class StaleIndexError(FormatError):
    """A neighbour index was built for other vectors (the model changed after indexing):
    rebuild it, or query with ``exact=True``."""


class MissingDependencyError(WordspaceError, ImportError):
    """An optional dependency is not installed (names the extra to install)."""

    def __init__(self, package: str, extra: str | None, purpose: str = ""):
        what = f" for {purpose}" if purpose else ""
        how = f"pip install 'wordspace[{extra}]'" if extra else f"pip install {package}"
        super().__init__(f"{package} is needed{what} but is not installed; install it with: {how}")


class DownloadError(WordspaceError, OSError):
    """A pretrained model could not be downloaded: offline, unreachable, HTTP error (names
    the URL and what to do)."""


class ChecksumError(DownloadError):
    """A downloaded file's checksum differs from the catalogue's; the file was deleted."""


def close_matches(word: str, candidates: Sequence[str], n: int = 3) -> list[str]:
    """Cheap spelling suggestions for an unknown word, even over a 400k vocabulary.

    Only candidates with a similar length and the same first letter are compared with
    difflib, which keeps this in milliseconds.
    """
    if not word:
        return []
    first = word[0].lower()
    lw = len(word)
    pool = [c for c in candidates if c and c[0].lower() == first and abs(len(c) - lw) <= 3]
    if len(pool) > 50_000:
        pool = pool[:50_000]
    return difflib.get_close_matches(word, pool, n=n, cutoff=0.5)
