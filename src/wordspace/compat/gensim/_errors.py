"""The typed errors and warnings of the gensim compatibility layer."""

from __future__ import annotations

from typing import Any

from wordspace.errors import CorpusError, FormatError, ParameterError, WordspaceError

__all__ = [
    "UnsupportedError",
    "RemovedAttributeError",
    "VecattrError",
    "CompatWarning",
    "DecodingError",
    "TruncatedFileError",
    "CorpusTypeError",
    "gensim_error",
    "ModelStateError",
    "EmptyVocabularyError",
    "WrongModelError",
    "classonly",
]


class UnsupportedError(WordspaceError, NotImplementedError):
    """A gensim feature that wordspace does not provide (the message says why and what to
    use instead). Also a :class:`NotImplementedError`."""


class RemovedAttributeError(WordspaceError, AttributeError):
    """An attribute gensim 4 itself removed (``vocab``, ``index2word``, ``vectors_norm``);
    the message names the replacement, as gensim's does. Also an :class:`AttributeError`."""


class VecattrError(WordspaceError, KeyError):
    """``get_vecattr`` of an attribute no key has. Also a :class:`KeyError`, as in gensim."""

    def __str__(self) -> str:
        return str(self.args[0])


class CompatWarning(UserWarning):
    """A gensim parameter is accepted but cannot be honoured exactly (the message says how it
    is treated); see docs/porting_from_gensim.md."""


class DecodingError(FormatError, UnicodeDecodeError):
    """Text that is not valid in the file's encoding (the message says where and which
    ``unicode_errors=`` to pass). Also a :class:`UnicodeDecodeError`, as gensim raises."""

    def __init__(self, message: str, original: UnicodeDecodeError) -> None:
        UnicodeDecodeError.__init__(
            self, original.encoding, original.object, original.start, original.end, original.reason
        )
        self.message = message

    def __str__(self) -> str:
        return self.message


class TruncatedFileError(FormatError, EOFError):
    """A file that ends before its header says it should. Also an :class:`EOFError`, as
    gensim raises."""


class CorpusTypeError(CorpusError, ParameterError, TypeError):
    """A corpus of the wrong type (a string instead of an iterable of token lists, ...).
    Also a :class:`TypeError`, as gensim raises."""


class CorpusDecodingError(CorpusError, UnicodeDecodeError):
    """A corpus that is not valid UTF-8. Also a :class:`UnicodeDecodeError`."""

    def __init__(self, message: str, original: UnicodeDecodeError) -> None:
        UnicodeDecodeError.__init__(
            self, original.encoding, original.object, original.start, original.end, original.reason
        )
        self.message = message

    def __str__(self) -> str:
        return self.message


_TRUNCATION_WORDS = (
    "truncated",
    "ends before",
    "ends after",
    "ends in the middle",
    "unexpected end",
)


def gensim_error(exc: BaseException) -> BaseException:
    """The error gensim's callers expect for a wordspace error: a decoding error also as
    :class:`UnicodeDecodeError`, a truncated file also as :class:`EOFError`; others unchanged."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, FormatError) and not isinstance(exc, UnicodeDecodeError | EOFError):
        if isinstance(cause, UnicodeDecodeError):
            return DecodingError(str(exc), cause)
        if any(w in str(exc).lower() for w in _TRUNCATION_WORDS):
            return TruncatedFileError(str(exc))
    return exc


class ModelStateError(ParameterError, RuntimeError):
    """The model lacks what the call needs (no vocabulary yet, no output weights); the message
    says what to do first. Also a :class:`RuntimeError`, as gensim raises."""


class EmptyVocabularyError(CorpusError, RuntimeError):
    """No word of the corpus is left for the vocabulary (empty corpus, or ``min_count`` too
    high). Also a :class:`RuntimeError`, as gensim raises."""


class WrongModelError(FormatError, AttributeError):
    """A saved file holds another kind of model (word vectors where a Word2Vec model was
    expected). Also an :class:`AttributeError`, as gensim raises."""


class classonly:  # noqa: N801  # a descriptor used like classmethod
    """A classmethod that refuses to be called on an instance (gensim's ``load``): reading it
    from an instance raises :class:`AttributeError`, as in gensim."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.__doc__ = func.__doc__

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is not None:
            raise AttributeError(
                f"{cls.__name__}.load() loads a new model: call it on the class "
                f"({cls.__name__}.load(path)), not on an instance"
            )
        return self.func.__get__(cls, cls)
