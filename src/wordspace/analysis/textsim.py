"""Text similarity: mean-vector cosine, SIF sentence vectors, Word Mover's Distance, TF-IDF.

A document is a list of tokens **or a string**; a string is never treated as a sequence of
characters. Token lists are used as given. A string is tokenised by, in this order:

1. the ``tokenizer=`` argument (any callable ``str -> list[str]``), when given;
2. the tokenizer the model was trained with (:attr:`WordVectors.tokenizer
   <wordspace.WordVectors.tokenizer>`, recorded by the trainers), so queries are split,
   lowercased and normalised exactly as the training text was;
3. otherwise (vectors from another tool's file) :func:`wordspace.text.tokenize_for_vocabulary`:
   punctuation and digits separate tokens, and each token takes the first of its forms as
   written / lowercased / without accents that the vocabulary holds. ``"Paris"`` is ``Paris``
   in a cased vocabulary and ``paris`` in a lowercased one.

Tokens missing from the vocabulary are dropped (and can be reported).

- :func:`mean_vector` / :func:`text_similarity` (``method="mean"``): cosine of mean vectors.
- :class:`SIF`: smooth inverse frequency sentence vectors (Arora, Liang & Ma 2017).
- :func:`wmdistance`: Word Mover's Distance (Kusner et al. 2015), POT's exact ``ot.emd2``,
  same figures as gensim 4.4's ``KeyedVectors.wmdistance`` on token lists.
- :func:`compare`: TF-IDF, mean vectors, SIF and WMD on the same pairs and the same tokens.
- :func:`embed` / :class:`DocEmbedder`: documents as feature rows for scikit-learn (mean, SIF,
  TF-IDF).
- :func:`rank_documents`: many documents against a query; for WMD the relaxed lower bound
  (RWMD) prunes documents before any exact transport problem is solved.
"""

from __future__ import annotations

import heapq
import logging
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from wordspace._base import Estimator, integer, number, rule
from wordspace._optional import require
from wordspace.errors import ParameterError
from wordspace.kernels.rows import mean_rows
from wordspace.text.tokenizer import Tokenizer, tokenize_for_vocabulary

if TYPE_CHECKING:  # pragma: no cover
    from wordspace.vectors.keyed import WordVectors

__all__ = [
    "doc_tokens",
    "oov_tokens",
    "mean_vector",
    "text_similarity",
    "wmdistance",
    "rank_documents",
    "SIF",
    "Ranked",
    "DEFAULT_TOKENIZER",
    "query_tokenizer",
]

logger = logging.getLogger(__name__)

Doc = str | Sequence[str]

#: the tokenizer :func:`doc_tokens` applies to a string when it is given no model and no
#: tokenizer: normalise (lowercase, strip accents, letters only) then split on whitespace
DEFAULT_TOKENIZER = Tokenizer(normalize=True)

Tokenize = Callable[[str], list[str]]

_METHODS = ("wmd", "mean", "sif")


class Ranked(NamedTuple):
    """One ranked document: its position in the input and its score (WMD distance, smaller is
    closer; or cosine similarity, larger is closer)."""

    index: int  # type: ignore[assignment]  # the document's position; shadows tuple.index
    score: float


def query_tokenizer(wv: WordVectors, tokenizer: Tokenize | None = None) -> Tokenize:
    """The tokenizer for string queries on ``wv``: ``tokenizer`` when given, else the one the
    model was trained with, else :func:`~wordspace.text.tokenize_for_vocabulary` over ``wv``'s
    vocabulary (see the module docstring)."""
    if tokenizer is not None:
        return tokenizer
    recorded = wv.tokenizer
    if recorded is not None:
        return recorded
    return partial(tokenize_for_vocabulary, vocabulary=wv.key_to_index)


def doc_tokens(doc: Doc, tokenizer: Tokenize | None = None) -> list[str]:
    """The tokens of a document: a string is tokenised by ``tokenizer`` (by default
    :data:`DEFAULT_TOKENIZER`), a token list is kept. Functions given a model choose the
    tokenizer with :func:`query_tokenizer`."""
    if isinstance(doc, str):
        return list((tokenizer or DEFAULT_TOKENIZER)(doc))
    if isinstance(doc, bytes | bytearray):
        raise ParameterError(
            "documents must be str or a list of str tokens, not bytes; decode them first"
        )
    if isinstance(doc, np.ndarray) and doc.dtype.kind not in "OUS":
        raise ParameterError("documents must be str or a list of str tokens, not a numeric array")
    tokens = list(doc)
    for t in tokens:
        if not isinstance(t, str):
            raise ParameterError(
                f"documents must be str or a list of str tokens; found a {type(t).__name__} token"
            )
    return tokens


def _token_rows(
    wv: WordVectors, docs: list[list[str]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """``(rows, ids, starts, n_extra)``: the row ids of each document's tokens that have a
    vector (document ``g``'s are ``ids[starts[g]:starts[g + 1]]``) in ``rows``, which is
    ``wv.vectors`` followed by ``n_extra`` vectors of words outside the vocabulary (for
    subword models, whose every word with an n-gram has a vector; 0 otherwise)."""
    kti = wv.key_to_index
    n = len(wv)
    extra: dict[str, int] = {}
    ids: list[int] = []
    starts = [0]
    for toks in docs:
        for t in toks:
            i = kti.get(t)
            if i is None:
                i = extra.get(t)
                if i is None:
                    if t not in wv:
                        continue
                    i = extra[t] = n + len(extra)
            ids.append(i)
        starts.append(len(ids))
    rows = wv.vectors
    if extra:
        rows = np.vstack([rows, np.vstack([wv.get_vector(t) for t in extra])])
    return (rows, np.asarray(ids, dtype=np.int64), np.asarray(starts, dtype=np.int64), len(extra))


def _split(wv: WordVectors, tokens: list[str]) -> tuple[list[str], list[str]]:
    """Tokens with a vector (``t in wv``: for fastText's SubwordVectors also words outside the
    vocabulary that have n-grams) and the others."""
    known = [t for t in tokens if t in wv]
    oov = [t for t in tokens if t not in wv]
    return known, oov


def oov_tokens(wv: WordVectors, doc: Doc, tokenizer: Tokenize | None = None) -> list[str]:
    """The tokens of ``doc`` (a string tokenised as :func:`query_tokenizer` says) that are not
    in the vocabulary, in order, without repeats."""
    return wv.missing(doc_tokens(doc, query_tokenizer(wv, tokenizer)))


def _weights_for(tokens: list[str], weights) -> np.ndarray:
    if weights is None:
        return np.ones(len(tokens), dtype=np.float32)
    if hasattr(weights, "get") and not isinstance(weights, np.ndarray):
        return np.array([float(weights.get(t, 0.0)) for t in tokens], dtype=np.float32)
    if callable(weights):
        return np.array([float(weights(t)) for t in tokens], dtype=np.float32)
    w = np.asarray(weights, dtype=np.float32)
    if w.shape != (len(tokens),):
        raise ParameterError(
            f"weights must be a mapping word -> weight, a callable, or one weight per token "
            f"({len(tokens)} tokens), got shape {w.shape}"
        )
    return w


def _mean(
    wv: WordVectors, doc: Doc, weights, pre_normalize: bool, tokenizer
) -> tuple[np.ndarray | None, list[str]]:
    tokens = doc_tokens(doc, query_tokenizer(wv, tokenizer))
    w = _weights_for(tokens, weights)
    oov = wv.missing(tokens)
    if len(oov) == len(set(tokens)):
        return None, oov
    mean = wv.get_mean_vector(
        tokens, w, pre_normalize=pre_normalize, ignore_missing=True, divide_by="count"
    )
    return mean, oov


def mean_vector(
    wv: WordVectors,
    doc: Doc,
    weights=None,
    *,
    pre_normalize: bool = False,
    return_oov: bool = False,
    tokenizer: Callable[[str], list[str]] | None = None,
):
    """The (weighted) mean of the vectors of the known tokens of ``doc``
    (:meth:`WordVectors.get_mean_vector <wordspace.WordVectors.get_mean_vector>` of them).

    ``weights``: None (plain mean), a mapping ``word -> weight`` (absent words weigh 0), a
    callable ``word -> weight``, or one weight per token. The sum is divided by the number of
    known tokens. ``pre_normalize=True`` averages unit vectors. Raises :class:`ParameterError`
    when no token is in the vocabulary. ``return_oov=True`` returns ``(vector, oov_tokens)``.
    """
    vec, oov = _mean(wv, doc, weights, pre_normalize, tokenizer)
    if vec is None:
        raise ParameterError(
            "none of the tokens of the document is in the vocabulary"
            + (f" (unknown: {', '.join(map(repr, oov[:5]))})" if oov else " (it is empty)")
        )
    return (vec, oov) if return_oov else vec


def _cos(u: np.ndarray, v: np.ndarray) -> float:
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    if nu == 0 or nv == 0:
        return 0.0
    return float(np.dot(u.astype(np.float64), v.astype(np.float64)) / (nu * nv))


def text_similarity(
    wv: WordVectors,
    doc1: Doc,
    doc2: Doc,
    method: str = "mean",
    *,
    sif: SIF | None = None,
    tokenizer: Callable[[str], list[str]] | None = None,
) -> float:
    """Similarity of two texts.

    ``"mean"``: cosine of the mean vectors; ``"sif"``: cosine of SIF vectors (``sif`` a fitted
    :class:`SIF`; by default one with SIF weights but no component removal, since a component
    cannot be estimated from two sentences); ``"wmd"``: the Word Mover's Distance (a
    *distance*: smaller is closer). A document with no known token gives ``nan`` for the cosines
    (``inf`` for WMD) with a warning. Strings are tokenised as :func:`query_tokenizer` says.
    """
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {', '.join(_METHODS)}; got {method!r}")
    if method == "wmd":
        return wmdistance(wv, doc1, doc2, tokenizer=tokenizer)
    if method == "sif":
        model = (
            sif
            if sif is not None
            else SIF(wv, n_components=0, tokenizer=query_tokenizer(wv, tokenizer)).fit([])
        )
        m = model.transform([doc1, doc2])
        empty = [not np.any(r) for r in m]
        if any(empty):
            warnings.warn(
                "a document has no word in the vocabulary; similarity is nan", stacklevel=2
            )
            return float("nan")
        return _cos(m[0], m[1])
    v1, _ = _mean(wv, doc1, None, False, tokenizer)
    v2, _ = _mean(wv, doc2, None, False, tokenizer)
    if v1 is None or v2 is None:
        warnings.warn("a document has no word in the vocabulary; similarity is nan", stacklevel=2)
        return float("nan")
    return _cos(v1, v2)


# -------------------------------------------------------------------------------------- SIF
def _is_word_vectors(v: object) -> bool:
    from wordspace.vectors.keyed import WordVectors

    return isinstance(v, WordVectors)


class SIF(Estimator):
    """Smooth inverse frequency sentence vectors (Arora, Liang & Ma 2017).

    A sentence vector is the mean over its known tokens of ``a / (a + p(w)) * v_w``; then the
    projection on the first ``n_components`` principal directions of the fitted sentences'
    vectors (uncentred, as the authors' code) is removed.

    ``p(w)`` comes from ``wv.counts`` when the vectors carry counts. Pretrained vectors usually
    do not (GloVe files have none): then ``p`` is a **Zipf estimate** from the rank, ``p(r) =
    1 / (r * H_n)`` for the r-th word (1-based) of n, which assumes the vocabulary is sorted by
    decreasing frequency. ``weights_source_`` says which was used.

    Parameters are stored by ``__init__`` (scikit-learn's contract: ``clone``, ``Pipeline`` and
    ``GridSearchCV`` work); ``fit(sentences)`` validates them, computes the word weights
    (``word_weights_``) and the common components (``components_``) and returns self.
    ``wv`` is the one argument that may be passed by position.
    """

    _constraints = (
        number("a", low=0, message="a must be a positive number (typically 1e-3), got {value!r}"),
        integer("n_components", min=0),
        rule(
            "wv",
            ok=lambda v, p: _is_word_vectors(v),
            message="SIF needs word vectors: SIF(wv=...) with a WordVectors, got {value!r}",
        ),
        rule(
            "n_components",
            ok=lambda v, p: v <= p["wv"].vector_size,
            message="n_components={value} exceeds the vector size {wv.vector_size}",
        ),
        rule(
            "tokenizer",
            ok=lambda v, p: v is None or callable(v),
            message="tokenizer must be callable (text -> list of tokens), got {value!r}",
        ),
    )

    wv: WordVectors  # set by __init__ (may be None until fit checks it)

    def __init__(
        self,
        wv: WordVectors | None = None,
        *,
        a: float = 1e-3,
        n_components: int = 1,
        tokenizer: Callable[[str], list[str]] | None = None,
    ):
        self.wv = wv  # type: ignore[assignment]  # stored as given; fit refuses None (_constraints)
        self.a = a
        self.n_components = n_components
        self.tokenizer = tokenizer

    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "word_weights_")

    def _html_rows(self) -> list[tuple[str, str]]:
        """Jupyter's display of a fitted SIF (``estimator_html``)."""
        return [
            ("vectors", f"{len(self.wv):,} words × {self.wv.vector_size} dimensions"),
            (
                "word probabilities",
                "from the counts"
                if self.weights_source_ == "counts"
                else "Zipf's law (the vectors have no counts)",
            ),
            ("components removed", f"{len(self.components_)}"),
        ]

    def _word_weights(self) -> tuple[np.ndarray, str]:
        n = len(self.wv)
        if self.wv.counts is not None and self.wv.counts.sum() > 0:
            p = self.wv.counts.astype(np.float64) / float(self.wv.counts.sum())
            src = "counts"
        else:
            ranks = np.arange(1, n + 1, dtype=np.float64)
            h = float(np.sum(1.0 / ranks))
            p = 1.0 / (ranks * h)
            src = "zipf"
        return (self.a / (self.a + p)).astype(np.float32), src

    def fit(self, sentences: Iterable[Doc], y: Any = None) -> SIF:
        """Compute the word weights and remove-able components from a corpus of sentences
        (``y`` is ignored)."""
        self._validate()
        self.word_weights_, self.weights_source_ = self._word_weights()
        if self.weights_source_ == "zipf":
            logger.info("SIF: the vectors have no counts; word probabilities from Zipf's law")
        self.components_ = np.zeros((0, self.wv.vector_size), dtype=np.float32)
        if self.n_components > 0:
            x = self._embed(list(sentences))
            x = x[np.any(x != 0, axis=1)]
            if x.shape[0] < 1:
                raise ParameterError(
                    "SIF.fit needs sentences with words in the vocabulary to estimate the common "
                    "component; give a corpus, or n_components=0"
                )
            _, _, vt = np.linalg.svd(x.astype(np.float64), full_matrices=False)
            self.components_ = vt[: self.n_components].astype(np.float32)
        return self

    def _embed(self, docs: list[Doc]) -> np.ndarray:
        tok = query_tokenizer(self.wv, self.tokenizer)
        rows, ids, starts, n_extra = _token_rows(self.wv, [doc_tokens(d, tok) for d in docs])
        if not len(ids):
            return np.zeros((len(docs), self.wv.vector_size), dtype=np.float32)
        # words outside the vocabulary (subword models) are rarer than any counted word: p = 0
        weights = np.concatenate([self.word_weights_, np.ones(n_extra, dtype=np.float32)])
        return mean_rows(rows, ids, weights[ids], starts)

    def transform(self, sentences: Iterable[Doc]) -> np.ndarray:
        """SIF vectors, one row per sentence (a row of zeros for a sentence with no known word)."""
        self._check_fitted("transform()")
        x = self._embed(list(sentences))
        if self.components_.shape[0]:
            nonzero = np.any(x != 0, axis=1)
            x[nonzero] -= (x[nonzero] @ self.components_.T) @ self.components_
        return x

    def fit_transform(self, sentences: Iterable[Doc], y: Any = None) -> np.ndarray:
        docs = list(sentences)
        return self.fit(docs).transform(docs)


# -------------------------------------------------------------------------------------- WMD
def _emd2() -> Callable[..., Any]:
    emd2: Callable[..., Any] = require(
        "ot", extra="wmd", purpose="Word Mover's Distance", package="pot"
    ).emd2
    return emd2


def _nbow(wv: WordVectors, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Unique vocabulary ids (in first-seen order) and their normalised frequencies."""
    kti = wv.key_to_index
    c = Counter(kti[t] for t in tokens)
    ids = np.fromiter(c.keys(), dtype=np.int64, count=len(c))
    w = np.fromiter(c.values(), dtype=np.float64, count=len(c))
    return ids, w / float(len(tokens))


def _word_bow(tokens: list[str]) -> tuple[list[str], np.ndarray]:
    """Unique tokens (in first-seen order) and their normalised frequencies."""
    c = Counter(tokens)
    w = np.fromiter(c.values(), dtype=np.float64, count=len(c))
    return list(c), w / float(len(tokens))


def _word_matrix(wv: WordVectors, norm: bool) -> np.ndarray:
    return wv.get_normed_vectors() if norm else wv.vectors


def wmdistance(
    wv: WordVectors,
    document1: Doc,
    document2: Doc,
    norm: bool = True,
    *,
    return_oov: bool = False,
    tokenizer: Callable[[str], list[str]] | None = None,
):
    """Word Mover's Distance between two documents (Kusner et al. 2015).

    The minimum cost of moving one document's normalised bag-of-words onto the other's, a word
    costing the Euclidean distance between the vectors (unit vectors when ``norm=True``, as
    gensim's default); solved exactly with POT's ``ot.emd2``. Documents are token lists or
    strings (tokenised as :func:`query_tokenizer` says, never read as characters).

    Out-of-vocabulary tokens are dropped; ``return_oov=True`` returns
    ``(distance, (oov1, oov2))``. A document with no known token gives ``inf`` with a warning;
    two documents made of one and the same word give 0.0 (as gensim). Needs POT
    (``pip install 'wordspace[wmd]'``).
    """
    from scipy.spatial.distance import cdist

    emd2 = _emd2()
    tokenizer = query_tokenizer(wv, tokenizer)
    t1, t2 = doc_tokens(document1, tokenizer), doc_tokens(document2, tokenizer)
    k1, o1 = _split(wv, t1)
    k2, o2 = _split(wv, t2)
    oov = (wv.missing(o1), wv.missing(o2))
    if o1 or o2:
        logger.info(
            "Removed %d and %d OOV words from document 1 and 2 (respectively).", len(o1), len(o2)
        )

    def out(d: float):
        return (d, oov) if return_oov else d

    if not k1 or not k2:
        warnings.warn(
            "at least one of the documents had no words that were in the vocabulary; "
            "the distance is inf",
            stacklevel=2,
        )
        return out(float("inf"))
    if len(set(k1) | set(k2)) == 1:
        return out(0.0)
    if all(t in wv.key_to_index for t in (*k1, *k2)):
        ids1, w1 = _nbow(wv, k1)
        ids2, w2 = _nbow(wv, k2)
        mat = _word_matrix(wv, norm)
        v1, v2 = mat[ids1], mat[ids2]
    else:  # words outside the vocabulary with n-gram vectors (SubwordVectors)
        (u1, w1), (u2, w2) = _word_bow(k1), _word_bow(k2)
        v1 = np.vstack([wv.get_vector(t, norm=norm) for t in u1])
        v2 = np.vstack([wv.get_vector(t, norm=norm) for t in u2])
    cost = cdist(np.asarray(v1, dtype=np.float64), np.asarray(v2, dtype=np.float64))
    return out(float(emd2(w1, w2, cost)))


# -------------------------------------------------------------------------------- ranking
def _encode_docs(wv: WordVectors, docs: list[list[str]]):
    """CSR-like nBOW of many documents: ptr, unique ids, weights (per doc summing to 1)."""
    kti = wv.key_to_index
    ptr = [0]
    ids: list[int] = []
    wts: list[float] = []
    for toks in docs:
        known = [kti[t] for t in toks if t in kti]
        if known:
            c = Counter(known)
            n = float(len(known))
            ids.extend(c.keys())
            wts.extend(v / n for v in c.values())
        ptr.append(len(ids))
    return (
        np.array(ptr, dtype=np.int64),
        np.array(ids, dtype=np.int64),
        np.array(wts, dtype=np.float64),
    )


def _rwmd(
    cost_q_u: np.ndarray, qw: np.ndarray, pos: np.ndarray, w: np.ndarray, ptr: np.ndarray
) -> np.ndarray:
    """Relaxed WMD (Kusner et al. 2015) of the query against every non-empty document:
    max of the two one-sided relaxations, each a lower bound of the exact WMD."""
    nd = len(ptr) - 1
    out = np.full(nd, np.inf)
    nonempty = ptr[1:] > ptr[:-1]
    if not nonempty.any():
        return out
    starts = ptr[:-1][nonempty]
    # document side: each document word moves entirely to its nearest query word
    colmin = cost_q_u.min(axis=0)[pos]
    l1 = np.add.reduceat(w * colmin, starts)
    # query side: each query word moves entirely to its nearest word of the document
    per = np.minimum.reduceat(cost_q_u[:, pos], starts, axis=1)  # (query words, docs)
    l2 = qw @ per
    out[nonempty] = np.maximum(l1, l2)
    return out


def rank_documents(
    wv: WordVectors,
    query: Doc,
    docs: Iterable[Doc],
    method: str = "wmd",
    topn: int | None = 10,
    *,
    norm: bool = True,
    sif: SIF | None = None,
    tokenizer: Callable[[str], list[str]] | None = None,
    progress: Callable[..., None] | None = None,
) -> list[Ranked]:
    """The ``topn`` documents closest to ``query`` (None: all), best first, as
    :class:`Ranked` ``(index, score)``.

    ``"wmd"``: score = Word Mover's Distance (ascending), equal to :func:`wmdistance`; documents
    are visited in order of their relaxed WMD (a lower bound) and exact distances are solved
    only until the bound exceeds the ``topn``-th best distance, so most documents never reach
    the exact solver. ``"mean"``: cosine of mean vectors (descending). ``"sif"``: cosine of SIF
    vectors (descending), with ``sif`` or a :class:`SIF` fitted on ``docs``. Documents with no
    known word come last (inf distance / nan similarity). ``topn <= 0`` gives ``[]``. Strings
    are tokenised as :func:`query_tokenizer` says.
    """
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {', '.join(_METHODS)}; got {method!r}")
    doc_list = list(docs)
    nd = len(doc_list)
    if nd == 0 or (topn is not None and int(topn) <= 0):
        return []
    tokenizer = query_tokenizer(wv, tokenizer)
    k = nd if topn is None else min(int(topn), nd)
    if method == "wmd":
        return _rank_wmd(wv, query, doc_list, k, norm, tokenizer, progress)
    if method == "sif":
        model = sif if sif is not None else SIF(wv, tokenizer=tokenizer).fit(doc_list)
        mat = model.transform(doc_list)
        qv = model.transform([query])[0]
    else:
        rows, ids, ptr, _ = _token_rows(wv, [doc_tokens(d, tokenizer) for d in doc_list])
        mat = mean_rows(rows, ids, np.ones(len(ids), dtype=np.float32), ptr)
        qv0, _ = _mean(wv, query, None, False, tokenizer)
        qv = np.zeros(wv.vector_size, dtype=np.float32) if qv0 is None else qv0
    norms = np.linalg.norm(mat, axis=1)
    qn = float(np.linalg.norm(qv))
    if qn == 0:
        warnings.warn(
            "the query has no word in the vocabulary; every similarity is nan", stacklevel=2
        )
        return [Ranked(i, float("nan")) for i in range(k)]
    with np.errstate(invalid="ignore", divide="ignore"):
        sims = (mat.astype(np.float64) @ qv.astype(np.float64)) / (norms * qn)
    sims[norms == 0] = np.nan
    order = np.argsort(np.where(np.isnan(sims), np.inf, -sims), kind="stable")[:k]
    return [Ranked(int(i), float(sims[i])) for i in order]


def _rank_wmd(wv, query, doc_list, k, norm, tokenizer, progress) -> list[Ranked]:
    from scipy.spatial.distance import cdist

    emd2 = _emd2()
    nd = len(doc_list)
    qk, _ = _split(wv, doc_tokens(query, tokenizer))
    if not qk:
        warnings.warn(
            "the query has no word in the vocabulary; every distance is inf", stacklevel=2
        )
        return [Ranked(i, float("inf")) for i in range(k)]
    qids, qw = _nbow(wv, qk)
    ptr, ids, w = _encode_docs(wv, [doc_tokens(d, tokenizer) for d in doc_list])
    mat = _word_matrix(wv, norm)
    uniq, pos = np.unique(ids, return_inverse=True)
    cost = cdist(np.asarray(mat[qids], dtype=np.float64), np.asarray(mat[uniq], dtype=np.float64))
    lower = _rwmd(cost, qw, pos, w, ptr)
    order = np.argsort(lower, kind="stable")
    heap: list[tuple[float, int]] = []  # max-heap of the k best (-distance, -index)
    solved = 0
    qset = set(qids.tolist())
    for d in order:
        lb = lower[d]
        if not np.isfinite(lb):
            break
        if len(heap) == k and lb > -heap[0][0]:
            break
        s, e = ptr[d], ptr[d + 1]
        dids = ids[s:e]
        if len(qset) == 1 and len(dids) == 1 and int(dids[0]) in qset:
            dist = 0.0
        else:
            dist = float(emd2(qw, w[s:e], cost[:, pos[s:e]]))
        solved += 1
        item = (-dist, -int(d))
        if len(heap) < k:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
        if progress is not None and solved % 256 == 0:
            progress(solved, nd)
    logger.info(
        "rank_documents: exact WMD solved for %d of %d documents (RWMD pruning)", solved, nd
    )
    best = sorted(((-nd_, -ni) for nd_, ni in heap))
    out = [Ranked(int(i), float(dd)) for dd, i in best]
    if len(out) < k:  # documents with no known word (infinite distance) come last
        seen = {r.index for r in out}
        empties = [i for i in range(nd) if i not in seen and not np.isfinite(lower[i])]
        out += [Ranked(i, float("inf")) for i in empties[: k - len(out)]]
    return out
