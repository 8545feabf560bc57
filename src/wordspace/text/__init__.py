"""The text layer: tokenizer, streaming corpus, vocabulary, phrases and co-occurrence counts.

``wordspace.text`` itself re-exports the tokenizer (the one everything uses); the other
modules are imported by name (``wordspace.text.corpus``, ``wordspace.text.vocab``, ...).
"""

from wordspace.text.tokenizer import Tokenizer, normalize_text, tokenize, tokenize_for_vocabulary

__all__ = ["normalize_text", "tokenize", "Tokenizer", "tokenize_for_vocabulary"]
