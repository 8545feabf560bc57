"""The methods of :class:`~wordspace.vectors.keyed.WordVectors` that hand the work to another
layer: saving and loading (``io/``), benchmarks and text similarity (``analysis/``). They are
the facade users look for on the object; each imports the module that does the work inside the
method, and the import-linter contract lists each of these calls as an allowed exception."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from wordspace.vectors.keyed import WordVectors

__all__ = ["FacadeMethods"]


class FacadeMethods:
    """Mixed into :class:`~wordspace.vectors.keyed.WordVectors`."""

    # ----------------------------------------------------------- formats
    def save(self, path: str | PathLike, *, layout: str | None = None) -> None:
        """Save in the native format (``.wsv``: zip, or a directory with ``layout="dir"``)."""
        from wordspace.io.native import save_native

        save_native(cast("WordVectors", self), path, layout=layout)

    @classmethod
    def load(cls, path: str | PathLike, *, mmap: bool = False) -> WordVectors:
        """Load the native format; ``mmap=True`` maps the vectors instead of reading them."""
        from wordspace.io.native import load_native

        return load_native(path, mmap=mmap)

    def save_word2vec_format(
        self,
        path: str | PathLike,
        *,
        binary: bool = False,
        write_header: bool = True,
        precision: int = 9,
        limit: int | None = None,
    ) -> None:
        """Write the word2vec text or binary format (``write_header=False``: GloVe text)."""
        from wordspace.io.formats import save_word2vec_format

        save_word2vec_format(
            cast("WordVectors", self),
            path,
            binary=binary,
            write_header=write_header,
            precision=precision,
            limit=limit,
        )

    @classmethod
    def load_word2vec_format(
        cls,
        path: str | PathLike,
        *,
        binary: bool | None = None,
        no_header: bool | None = None,
        limit: int | None = None,
        unicode_errors: str = "strict",
    ) -> WordVectors:
        """Read word2vec text/binary, GloVe text (no header) or fastText ``.vec`` files.

        ``binary`` and ``no_header`` are detected when left as None.
        """
        from wordspace.io.formats import load_word2vec_format

        return load_word2vec_format(
            path, binary=binary, no_header=no_header, limit=limit, unicode_errors=unicode_errors
        )

    # ------------------------------------------- evaluation and text similarity (delegating)
    def evaluate_word_analogies(
        self,
        path: str | PathLike | None = None,
        restrict_vocab: int | None = 300000,
        case_insensitive: bool = True,
        dummy4unknown: bool = False,
        method: str = "3cosadd",
        **kwargs: Any,
    ):
        """Analogy accuracy with gensim's semantics; see
        :func:`wordspace.analysis.evaluate.evaluate_word_analogies`.

        ``path=None`` uses the bundled Google ``questions-words.txt``; unpacks as
        ``score, sections = result`` like gensim's.
        """
        from wordspace.analysis.evaluate import evaluate_word_analogies

        return evaluate_word_analogies(
            cast("WordVectors", self),
            path,
            restrict_vocab=restrict_vocab,
            case_insensitive=case_insensitive,
            dummy4unknown=dummy4unknown,
            method=method,
            **kwargs,
        )

    def evaluate_word_pairs(
        self,
        path: str | PathLike | None = None,
        delimiter: str = "\t",
        encoding: str = "utf8",
        restrict_vocab: int | None = 300000,
        case_insensitive: bool = True,
        dummy4unknown: bool = False,
        **kwargs: Any,
    ):
        """Pearson/Spearman against human judgements with gensim's semantics; see
        :func:`wordspace.analysis.evaluate.evaluate_word_pairs` (``path=None``: bundled WordSim353)."""
        from wordspace.analysis.evaluate import evaluate_word_pairs

        return evaluate_word_pairs(
            cast("WordVectors", self),
            path,
            delimiter=delimiter,
            encoding=encoding,
            restrict_vocab=restrict_vocab,
            case_insensitive=case_insensitive,
            dummy4unknown=dummy4unknown,
            **kwargs,
        )

    def oov_tokens(self, text: str | Sequence[str], **kwargs: Any) -> list[str]:
        """Tokens of ``text`` (a string is normalised and tokenised) not in the vocabulary;
        see :func:`wordspace.analysis.textsim.oov_tokens`."""
        from wordspace.analysis.textsim import oov_tokens

        return oov_tokens(cast("WordVectors", self), text, **kwargs)

    def mean_vector(self, text: str | Sequence[str], weights: Any = None, **kwargs: Any):
        """Mean vector of a text's known tokens; see :func:`wordspace.analysis.textsim.mean_vector`."""
        from wordspace.analysis.textsim import mean_vector

        return mean_vector(cast("WordVectors", self), text, weights, **kwargs)

    def text_similarity(
        self,
        text1: str | Sequence[str],
        text2: str | Sequence[str],
        method: str = "mean",
        **kwargs: Any,
    ) -> float:
        """Similarity of two texts (``mean``/``sif`` cosine, or ``wmd`` distance); see
        :func:`wordspace.analysis.textsim.text_similarity`."""
        from wordspace.analysis.textsim import text_similarity

        return text_similarity(cast("WordVectors", self), text1, text2, method, **kwargs)

    def wmdistance(
        self,
        document1: str | Sequence[str],
        document2: str | Sequence[str],
        norm: bool = True,
        **kwargs: Any,
    ):
        """Word Mover's Distance (gensim's semantics; strings are normalised and tokenised);
        see :func:`wordspace.analysis.textsim.wmdistance`."""
        from wordspace.analysis.textsim import wmdistance

        return wmdistance(cast("WordVectors", self), document1, document2, norm, **kwargs)

    def rank_documents(
        self,
        query: str | Sequence[str],
        docs: Iterable[str | Sequence[str]],
        method: str = "wmd",
        topn: int | None = 10,
        **kwargs: Any,
    ):
        """Rank documents against a query (``wmd`` with RWMD pruning, ``mean`` or ``sif``);
        see :func:`wordspace.analysis.textsim.rank_documents`."""
        from wordspace.analysis.textsim import rank_documents

        return rank_documents(cast("WordVectors", self), query, docs, method, topn, **kwargs)
