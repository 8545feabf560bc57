"""``wordspace.save(obj, path, format=None)``: word vectors or a trained model, in any format
wordspace writes, under the one set of format names (:data:`wordspace.io.formats.FORMATS`)
that the reader (:func:`~wordspace.io.formats.detect_format`, ``meta["source_format"]``) and
the CLI's ``--format`` use too.

>>> ws.save(model, "vectors.txt")                     # word2vec text, by the extension
>>> ws.save(model, "model.wsv")                       # native: the whole model, resumable
>>> ws.save(model.wv, "vectors.bin", format="word2vec-binary")
>>> ws.save(fasttext_model, "model.bin", format="fasttext-bin")   # Facebook's .bin
"""

from __future__ import annotations

import os
from typing import Any

from wordspace.errors import ParameterError
from wordspace.io.formats import format_for_path, format_name

__all__ = ["save"]


def save(obj: Any, path: str | os.PathLike[str], format: str | None = None) -> None:
    """Save ``obj`` to ``path`` atomically (a temporary name renamed into place; an input is
    never overwritten).

    ``obj``: :class:`~wordspace.WordVectors` / :class:`~wordspace.SubwordVectors`, or a
    trained model (:class:`~wordspace.Word2Vec`, :class:`~wordspace.FastText`,
    :class:`~wordspace.GloVe`, :class:`~wordspace.ValueVec`). ``format``: one of
    ``"native"`` (``.wsv``: a model with its training state, vectors with their counts and
    extras), ``"word2vec-text"``, ``"word2vec-binary"``, ``"glove-text"`` (no header),
    ``"fasttext-vec"``, ``"fasttext-bin"`` (Facebook's ``.bin``: a FastText model or
    SubwordVectors), or the CLI's short names ``"word2vec"``, ``"glove"``, ``"fasttext"``;
    None: by the file name (:func:`~wordspace.io.formats.format_for_path`: ``.wsv``/``.zip``
    native, ``.bin`` word2vec-binary, ``.vec`` fasttext-vec, ``.txt`` word2vec-text, else
    native). The exchange formats hold the vectors only (a model's ``wv``).
    """
    fmt = format_for_path(path) if format is None else format_name(format)
    what = type(obj).__name__
    if getattr(obj, "is_fitted", True) is False:
        raise ParameterError(f"this {what} is not fitted yet; call fit() before you save it")
    if fmt == "native":
        if not callable(getattr(obj, "save", None)):
            raise ParameterError(f"a {what} cannot be saved: give word vectors or a trained model")
        obj.save(path)
        return
    if fmt == "fasttext-bin":
        from wordspace.io.fasttext_bin import save_facebook_model
        from wordspace.vectors.subword import SubwordVectors

        if not (callable(getattr(obj, "_facebook_parts", None)) or isinstance(obj, SubwordVectors)):
            raise ParameterError(
                f"format='fasttext-bin' writes a FastText model or SubwordVectors, not a {what}; "
                "use 'fasttext-vec' for the vectors alone"
            )
        save_facebook_model(obj, path)
        return
    wv = getattr(obj, "wv", obj)  # a trained model's vectors, or the vectors themselves
    if not callable(getattr(wv, "save_word2vec_format", None)):
        raise ParameterError(
            f"a {what} holds no word vectors to write as {fmt}: give word vectors or a "
            "trained model"
        )
    wv.save_word2vec_format(path, binary=fmt == "word2vec-binary", write_header=fmt != "glove-text")
