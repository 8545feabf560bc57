"""The typed errors and warnings of the gensim compatibility layer."""

from __future__ import annotations

from wordspace.errors import WordspaceError

__all__ = ["UnsupportedError", "RemovedAttributeError", "VecattrError", "CompatWarning"]


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
