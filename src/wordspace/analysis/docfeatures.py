"""Texts side by side and documents as features: TF-IDF next to mean vectors, SIF and Word
Mover's Distance for the same pairs (:func:`compare`), and a document matrix for scikit-learn
(:func:`embed`, :class:`DocEmbedder`). The methods themselves are in
:mod:`wordspace.analysis.textsim`; TF-IDF is scikit-learn's ``TfidfVectorizer`` over the same
tokenizer (extra ``wordspace[plot]``)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from wordspace._base import Estimator, integer, rule
from wordspace._optional import require
from wordspace.analysis.textsim import (
    DEFAULT_TOKENIZER,
    SIF,
    Doc,
    Tokenize,
    _emd2,
    _is_word_vectors,
    _token_rows,
    doc_tokens,
    query_tokenizer,
    wmdistance,
)
from wordspace.errors import ParameterError
from wordspace.kernels.rows import mean_rows

if TYPE_CHECKING:
    from wordspace.vectors.keyed import WordVectors

__all__ = ["compare", "Comparison", "embed", "DocEmbedder", "COMPARE_METHODS", "EMBED_METHODS"]


#: the methods :func:`compare` and :func:`embed` know, in the order they are shown
COMPARE_METHODS = ("tfidf", "mean", "sif", "wmd")
EMBED_METHODS = ("mean", "sif", "tfidf")


def _tfidf_vectorizer(analyzer: Callable[[Any], list[str]]):

    TfidfVectorizer = require(
        "sklearn.feature_extraction.text", extra="plot", purpose="TF-IDF", package="scikit-learn"
    ).TfidfVectorizer
    # the analyzer is wordspace's tokenizer, so TF-IDF sees the tokens the embeddings see;
    # scikit-learn's defaults otherwise: smooth idf, sublinear tf off, rows l2-normalised
    return TfidfVectorizer(analyzer=analyzer)


def _docs_list(docs: Iterable[Doc], what: str) -> list[Doc]:
    if isinstance(docs, str | bytes):
        raise ParameterError(f"{what} must be a list of documents, not one string")
    out = list(docs)
    for d in out:
        doc_tokens(d)  # type check only: str or a list of str tokens
    return out


class DocEmbedder(Estimator):
    """Documents as feature rows for scikit-learn: ``method="mean"`` (mean of the word
    vectors), ``"sif"`` (:class:`SIF`), or ``"tfidf"`` (scikit-learn's ``TfidfVectorizer``
    over wordspace's tokenizer).

    ``fit(docs)`` learns what the method needs from ``docs`` (the IDF table for TF-IDF; the
    common component for SIF; nothing for the mean) and ``transform(docs)`` returns one row per
    document: a dense float32 array for ``"mean"``/``"sif"`` (a row of zeros for a document
    with no known word), a sparse CSR matrix for ``"tfidf"`` (scikit-learn's estimators take
    either). Fit on the training documents and transform the test ones, or put it in a
    ``Pipeline``. Strings are tokenised as :func:`query_tokenizer` says (with no ``wv``, by
    :data:`DEFAULT_TOKENIZER`), so every method sees the same tokens.
    """

    _constraints = (
        rule(
            "method",
            ok=lambda v, p: v in EMBED_METHODS,
            message=f"method must be one of {', '.join(EMBED_METHODS)}; got {{value!r}}",
        ),
        rule(
            "wv",
            ok=lambda v, p: p["method"] == "tfidf" or _is_word_vectors(v),
            message="method={method!r} needs word vectors: wv=... with a WordVectors, got {value!r}",
        ),
        rule(
            "tokenizer",
            ok=lambda v, p: v is None or callable(v),
            message="tokenizer must be callable (text -> list of tokens), got {value!r}",
        ),
        integer("n_components", min=0),
    )

    def __init__(
        self,
        method: str = "mean",
        *,
        wv: WordVectors | None = None,
        tokenizer: Callable[[str], list[str]] | None = None,
        n_components: int = 1,
    ):
        self.method = method
        self.wv = wv
        self.tokenizer = tokenizer
        self.n_components = n_components

    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "model_")

    def _tok(self) -> Tokenize:
        if self.wv is not None:
            return query_tokenizer(self.wv, self.tokenizer)
        return self.tokenizer or DEFAULT_TOKENIZER

    def fit(self, docs: Iterable[Doc], y: Any = None) -> DocEmbedder:
        """Learn the IDF table (``"tfidf"``) or the SIF weights and common component from
        ``docs``; ``y`` is ignored."""
        self._validate()
        docs = _docs_list(docs, "docs")
        tok = self._tok()
        if self.method == "tfidf":
            vec = _tfidf_vectorizer(partial(doc_tokens, tokenizer=tok))
            try:
                vec.fit(docs)
            except ValueError as e:  # an empty vocabulary
                raise ParameterError(
                    f"TF-IDF could not be fitted: {e}; give documents with words"
                ) from None
            self.model_ = vec
        elif self.method == "sif":
            assert self.wv is not None
            n = self.n_components if len(docs) >= 2 else 0
            self.model_ = SIF(self.wv, n_components=n, tokenizer=tok).fit(docs)
        else:
            self.model_ = None
        return self

    def transform(self, docs: Iterable[Doc]):
        """One row per document (dense float32; sparse CSR for ``"tfidf"``)."""
        self._check_fitted("transform()")
        docs = _docs_list(docs, "docs")
        if self.method == "tfidf":
            return self.model_.transform(docs)
        if self.method == "sif":
            return self.model_.transform(docs)
        assert self.wv is not None
        rows, ids, ptr, _ = _token_rows(self.wv, [doc_tokens(d, self._tok()) for d in docs])
        if not len(ids):
            return np.zeros((len(docs), self.wv.vector_size), dtype=np.float32)
        return mean_rows(rows, ids, np.ones(len(ids), dtype=np.float32), ptr)

    def fit_transform(self, docs: Iterable[Doc], y: Any = None):
        docs = _docs_list(docs, "docs")
        return self.fit(docs).transform(docs)


def embed(
    docs: Iterable[Doc],
    method: str = "mean",
    *,
    wv: WordVectors | None = None,
    fit_on: Iterable[Doc] | None = None,
    tokenizer: Callable[[str], list[str]] | None = None,
    n_components: int = 1,
):
    """Documents as a feature matrix for scikit-learn, one row per document.

    ``method``: ``"mean"`` (mean word vector), ``"sif"`` (SIF vectors, the common component
    estimated from the fitting documents) or ``"tfidf"`` (scikit-learn's ``TfidfVectorizer`` on
    wordspace's tokenizer; a sparse CSR matrix). ``fit_on``: the documents TF-IDF's IDF table
    and SIF's component are learned from (the training set, or a background corpus); by default
    ``docs`` themselves. To transform a test set with what a training set taught, use
    :class:`DocEmbedder` (``fit`` on train, ``transform`` test), which this function wraps.
    """
    docs = _docs_list(docs, "docs")
    emb = DocEmbedder(method, wv=wv, tokenizer=tokenizer, n_components=n_components)
    emb.fit(docs if fit_on is None else fit_on)
    return emb.transform(docs)


class Comparison(NamedTuple):
    """What :func:`compare` returns: the pairs, one score array per method (aligned with
    ``pairs``), and what TF-IDF and SIF were fitted on."""

    pairs: list[tuple[Doc, Doc]]
    scores: dict[str, np.ndarray]
    fitted_on: str

    @staticmethod
    def higher_is_closer(method: str) -> bool:
        """Cosines (``tfidf``, ``mean``, ``sif``): higher is closer; WMD: lower is closer."""
        return method != "wmd"

    def ranking(self, method: str) -> list[int]:
        """Pair indices from the most to the least similar by ``method`` (nan/inf last)."""
        s = self.scores[method]
        key = -s if self.higher_is_closer(method) else s
        key = np.where(np.isfinite(key), key, np.inf)
        return [int(i) for i in np.argsort(key, kind="stable")]

    def most_similar(self, method: str) -> int:
        """Index of the most similar pair by ``method``."""
        return self.ranking(method)[0]

    def least_similar(self, method: str) -> int:
        """Index of the least similar pair by ``method`` (among pairs with a finite score)."""
        finite = [i for i in self.ranking(method) if np.isfinite(self.scores[method][i])]
        return finite[-1] if finite else self.ranking(method)[-1]

    def rows(self) -> list[dict[str, Any]]:
        """One dict per pair: ``a``, ``b`` and each method's score."""
        return [
            {"a": a, "b": b, **{m: float(s[i]) for m, s in self.scores.items()}}
            for i, (a, b) in enumerate(self.pairs)
        ]


def compare(
    pairs: Iterable[tuple[Doc, Doc]],
    wv: WordVectors | None = None,
    *,
    methods: Sequence[str] = COMPARE_METHODS,
    background: Iterable[Doc] | None = None,
    tokenizer: Callable[[str], list[str]] | None = None,
) -> Comparison:
    """Every text-similarity method on the same pairs and the same tokens, side by side.

    ``"tfidf"``: cosine of TF-IDF vectors (scikit-learn's ``TfidfVectorizer``, its defaults,
    with wordspace's tokenizer as the analyzer); ``"mean"``: cosine of mean word vectors;
    ``"sif"``: cosine of SIF vectors; ``"wmd"``: Word Mover's Distance (lower is closer; needs
    ``wordspace[wmd]``). Strings are tokenised once, as :func:`query_tokenizer` says, and every
    method sees those tokens.

    TF-IDF's IDF table and SIF's common component are learned from ``background`` when given (a
    corpus of the same kind of text: the better choice, since a handful of pairs makes a noisy
    IDF table) and otherwise from the texts of the pairs themselves (every text once), which
    needs nothing else and is what ``fitted_on`` then says. The embedding methods need ``wv``;
    ``methods=("tfidf",)`` works without it.
    """
    pair_list = []
    for i, p in enumerate(pairs if not isinstance(pairs, str) else [pairs]):
        if isinstance(p, str) or not isinstance(p, Sequence) or len(p) != 2:
            raise ParameterError(f"pairs[{i}] must be a pair (text_a, text_b), got {p!r:.80}")
        doc_tokens(p[0]), doc_tokens(p[1])
        pair_list.append((p[0], p[1]))
    if not pair_list:
        raise ParameterError("compare() needs at least one pair of texts")
    methods = tuple(methods)
    bad = [m for m in methods if m not in COMPARE_METHODS]
    if bad or not methods:
        raise ParameterError(
            f"methods must be some of {', '.join(COMPARE_METHODS)}; got {', '.join(map(repr, bad)) or 'none'}"
        )
    if wv is None and any(m != "tfidf" for m in methods):
        raise ParameterError(
            "methods mean, sif and wmd need word vectors: compare(pairs, wv, ...); "
            "methods=('tfidf',) needs none"
        )
    if "wmd" in methods:
        _emd2()
    tok = query_tokenizer(wv, tokenizer) if wv is not None else tokenizer or DEFAULT_TOKENIZER
    token_pairs = [(doc_tokens(a, tok), doc_tokens(b, tok)) for a, b in pair_list]
    if background is not None:
        fit_docs = [doc_tokens(d, tok) for d in _docs_list(background, "background")]
        fitted_on = f"background corpus ({len(fit_docs):,} documents)"
    else:
        seen: dict[tuple[str, ...], None] = {}
        for a, b in token_pairs:
            seen.setdefault(tuple(a), None)
            seen.setdefault(tuple(b), None)
        fit_docs = [list(t) for t in seen]
        fitted_on = f"the texts of the pairs ({len(fit_docs):,} distinct texts)"
    left = [a for a, _ in token_pairs]
    right = [b for _, b in token_pairs]
    scores: dict[str, np.ndarray] = {}
    for m in methods:
        if m == "wmd":
            assert wv is not None
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a text with no known word: inf, shown as such
                scores[m] = np.array([wmdistance(wv, a, b) for a, b in token_pairs])
            continue
        emb = DocEmbedder(m, wv=wv, tokenizer=tok).fit(fit_docs)
        x, y = emb.transform(left), emb.transform(right)
        if m == "tfidf":  # rows are l2-normalised: the cosine is the dot product
            num = np.asarray(x.multiply(y).sum(axis=1), dtype=np.float64).ravel()
            nx = np.sqrt(np.asarray(x.multiply(x).sum(axis=1), dtype=np.float64).ravel())
            ny = np.sqrt(np.asarray(y.multiply(y).sum(axis=1), dtype=np.float64).ravel())
        else:
            x, y = x.astype(np.float64), y.astype(np.float64)
            num = np.einsum("ij,ij->i", x, y)
            nx, ny = np.linalg.norm(x, axis=1), np.linalg.norm(y, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = num / (nx * ny)
        s[(nx == 0) | (ny == 0)] = np.nan
        scores[m] = s
    return Comparison(pair_list, scores, fitted_on)
