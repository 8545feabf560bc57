"""The vectors layer: :class:`WordVectors` (keyed vectors and their queries) and
:class:`SubwordVectors` (vectors for any string from character n-grams)."""

from wordspace.vectors.keyed import WordArray, WordVectors
from wordspace.vectors.subword import SubwordVectors

__all__ = ["WordVectors", "WordArray", "SubwordVectors"]
