"""Text normalisation and the one tokenizer used everywhere (training, queries, text similarity)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["normalize_text", "tokenize", "Tokenizer"]

_NON_LETTERS = re.compile(r"[^\w\s]|[\d_]", flags=re.UNICODE)
_WS = re.compile(r"\s+", flags=re.UNICODE)


def normalize_text(
    text: str,
    *,
    lowercase: bool = True,
    strip_accents: bool = True,
    letters_only: bool = True,
) -> str:
    """Normalise text for comparison.

    Lowercase, strip accents (Unicode NFKD, combining marks dropped: ``"Medellín" -> "medellin"``),
    replace everything that is not a letter by a space, squeeze whitespace. Each step can be
    switched off.
    """
    if lowercase:
        text = text.lower()
    if strip_accents:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if letters_only:
        text = _NON_LETTERS.sub(" ", text)
    return _WS.sub(" ", text).strip()


def tokenize(text: str, *, lowercase: bool = False, normalize: bool = False) -> list[str]:
    """Split text into tokens: on whitespace by default (as word2vec and GloVe do).

    ``lowercase=True`` lowercases first; ``normalize=True`` applies :func:`normalize_text`.
    """
    if normalize:
        text = normalize_text(text)
    elif lowercase:
        text = text.lower()
    return text.split()


@dataclass(frozen=True)
class Tokenizer:
    """A configured tokenizer: the same object trains a model and tokenises queries for it."""

    lowercase: bool = False
    normalize: bool = False

    def __call__(self, text: str) -> list[str]:
        return tokenize(text, lowercase=self.lowercase, normalize=self.normalize)

    def iter_tokens(self, texts) -> Iterator[list[str]]:
        for t in texts:
            yield self(t)

    def to_dict(self) -> dict:
        return {"lowercase": self.lowercase, "normalize": self.normalize}
