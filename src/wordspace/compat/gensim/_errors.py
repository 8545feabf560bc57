"""The typed errors and warnings of the gensim compatibility layer."""

from __future__ import annotations

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


class CorpusTypeError(ParameterError, TypeError):
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
