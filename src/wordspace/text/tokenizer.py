"""Text normalisation and the one tokenizer used everywhere (training, queries, text similarity).

:class:`Tokenizer` is what a model is trained with: ``Corpus`` tokenises through it, trainers
record its settings in the model (``meta["tokenizer"]``) and string queries on that model use the
same settings again (:attr:`wordspace.WordVectors.tokenizer`). Vectors read from another tool's
file record none; string queries on them go through :func:`tokenize_for_vocabulary`, which
matches each token to the vocabulary's spelling (cased or lowercased, with or without accents).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from wordspace.errors import FormatError

__all__ = ["normalize_text", "tokenize", "Tokenizer", "tokenize_for_vocabulary"]

_NON_LETTERS = re.compile(r"[^\w\s]|[\d_]", flags=re.UNICODE)
_WS = re.compile(r"\s+", flags=re.UNICODE)


def _strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


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
        text = _strip_accents(text)
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
    """A configured tokenizer: the same object trains a model and tokenises queries for it.

    ``lowercase``: lowercase the text; ``normalize``: :func:`normalize_text` (lowercase, strip
    accents, letters only). Then split on whitespace.
    """

    lowercase: bool = False
    normalize: bool = False

    def __call__(self, text: str) -> list[str]:
        return tokenize(text, lowercase=self.lowercase, normalize=self.normalize)

    def lines(self, text: str) -> Iterator[list[str]]:
        """The tokens of each line of ``text`` (a block of a file; ``"\\n"`` ends a line), lazily.

        Plain splitting and lowercasing treat the whole block at once, so reading a corpus
        costs no Python call per line; normalisation goes line by line (it squeezes newlines).
        The lists are made one at a time, as they are consumed.
        """
        if self.normalize:
            return (self(line) for line in text.split("\n"))
        if self.lowercase:
            text = text.lower()
        return (line.split() for line in text.split("\n"))

    def to_dict(self) -> dict[str, Any]:
        return {"lowercase": self.lowercase, "normalize": self.normalize}

    @classmethod
    def from_dict(cls, d: Any, *, where: str = "tokenizer") -> Tokenizer:
        """The tokenizer recorded as ``{"lowercase": bool, "normalize": bool}``; a
        :class:`FormatError` naming ``where`` for anything else."""
        if (
            not isinstance(d, Mapping)
            or set(d) - {"lowercase", "normalize"}
            or not all(isinstance(v, bool) for v in d.values())
        ):
            raise FormatError(
                f'{where} must be an object {{"lowercase": true|false, "normalize": '
                f"true|false}}, got {d!r}"
            )
        return cls(lowercase=d.get("lowercase", False), normalize=d.get("normalize", False))


def tokenize_for_vocabulary(text: str, vocabulary: Container[str]) -> list[str]:
    """Tokens of ``text`` spelled as ``vocabulary`` spells them, for vectors whose tokenizer is
    not known (files written by other tools).

    Punctuation and digits separate tokens (as :func:`normalize_text`). Each token is then
    looked up as written, lowercased and capitalised, then the same without accents; the
    first form in the vocabulary is used. So ``"Paris"`` and ``"PARIS"`` find ``Paris`` in a
    cased vocabulary and ``paris`` in a lowercased one, ``"paris"`` finds ``Paris`` in a cased
    one, and ``"Café"`` finds ``café`` or ``cafe``. A token found in no form is returned as
    :func:`normalize_text` writes it (lowercase, no accents), as an unknown token.
    """
    out: list[str] = []
    for tok in normalize_text(
        unicodedata.normalize("NFC", text), lowercase=False, strip_accents=False
    ).split():
        bare = _strip_accents(tok)
        found = next(
            (
                form
                for base in ((tok, bare) if bare != tok else (tok,))
                for form in (base, base.lower(), base.capitalize())
                if form in vocabulary
            ),
            None,
        )
        if found is not None:
            out.append(found)
        else:
            out.extend(normalize_text(bare).split())
    return out
