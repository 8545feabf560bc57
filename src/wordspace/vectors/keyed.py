"""WordVectors: the one type every trainer returns and every loader produces.

Query names and semantics follow gensim's ``KeyedVectors`` so porting a script is mostly
changing the import. Vectors are float32, read-only by default; the unit-normalised matrix is
computed once and cached.

Rows holding NaN or inf (a damaged file, a diverged training) have no direction: their unit
vector is all NaN, so their cosines are NaN. Neighbour searches never return them, a query
*about* such a word raises :class:`FormatError`, and full score arrays (``topn=None``) hold NaN
at their positions.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace.errors import FormatError, OutOfVocabularyError, ParameterError, close_matches
from wordspace.kernels.rows import mean_rows
from wordspace.vectors._facade import FacadeMethods

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from wordspace.text.tokenizer import Tokenizer

__all__ = ["WordVectors", "WordArray"]

logger = logging.getLogger(__name__)

Key = str | np.ndarray
KeyOrKeys = str | np.ndarray | Sequence[Any] | None


def _as_list(x: KeyOrKeys) -> list:
    if x is None:
        return []
    if isinstance(x, np.ndarray) and x.ndim == 2:
        return list(x)  # a matrix: each row is one query vector, as gensim
    if isinstance(x, str | np.ndarray):
        return [x]
    if isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], str) and not isinstance(x[1], str):
        return [x]  # a single (word, weight) pair
    return list(x)


def _nchunks() -> int:
    import numba

    return max(1, int(numba.get_num_threads())) * 4


#: How a single :meth:`WordVectors.most_similar` query selects its top k: ``"fused"`` (one
#: compiled pass over the matrix at the memory-bandwidth bound; numba's start-up costs about a
#: second on a process's first query) or ``"numpy"`` (a BLAS product and a partial sort: no
#: start-up, a few milliseconds more a query on 400k words). The CLI's one-shot query commands
#: set ``"numpy"``. Both order equal scores by index and never return a NaN row; scores may
#: differ in the last float32 bit (summation order), so near-ties may order differently.
_SINGLE_QUERY_ENGINE = "fused"


def _top_one(unit: np.ndarray, q: np.ndarray, k: int, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and scores of the ``k`` largest ``unit[:limit] @ q``, best first, ties by
    index, NaN scores never selected (index -1 pads where fewer rows qualify)."""
    if _SINGLE_QUERY_ENGINE == "fused":
        from wordspace.kernels.topk import topk_dot

        return topk_dot(unit, q, k, limit, _nchunks())
    n = min(limit, unit.shape[0])
    k = min(k, n)
    if k <= 0:
        return np.full(0, -1, dtype=np.int64), np.full(0, -np.inf, dtype=np.float32)
    s = unit[:n] @ q
    neg = -s  # NaN stays NaN, and argpartition puts NaN last
    neg[neg == np.inf] = np.nan  # a score of -inf never qualifies (as in the fused kernel)
    cand = np.argpartition(neg, k - 1)[:k] if k < n else np.arange(n)
    # every row scoring as high as the k-th best joins, so ties at the cut go by index
    kth = neg[cand].max() if not np.isnan(neg[cand]).all() else np.nan
    if not np.isnan(kth):
        cand = np.flatnonzero(neg <= kth)
    cand = cand[~np.isnan(neg[cand])]
    order = np.lexsort((cand, neg[cand]))[:k]
    idx = cand[order].astype(np.int64)
    sc = s[idx].astype(np.float32)
    pad = k - len(idx)
    if pad:
        idx = np.concatenate([idx, np.full(pad, -1, dtype=np.int64)])
        sc = np.concatenate([sc, np.full(pad, -np.inf, dtype=np.float32)])
    return idx, sc


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(np.asarray(v, dtype=np.float64)))  # float32 squares overflow at 2e19
    return v / n if n > 0 else v


class WordArray(Mapping):
    """A read-only per-word array (counts, values ...) that can be indexed by word."""

    def __init__(self, wv: WordVectors, name: str, array: np.ndarray):
        self._wv = wv
        self.name = name
        self.array = array

    def __getitem__(self, key: str):
        return self.array[self._wv.get_index(key)].item()

    def __iter__(self) -> Iterator[str]:
        return iter(self._wv.index_to_key)

    def __len__(self) -> int:
        return len(self.array)

    def __repr__(self) -> str:
        return f"WordArray({self.name!r}, {len(self)} words)"


class WordVectors(FacadeMethods):
    """Word vectors with their vocabulary: query, compare, save.

    Parameters
    ----------
    keys:
        The words, in order (most frequent first by convention: ``restrict_vocab`` relies on it).
    vectors:
        An ``(n, d)`` array; stored as contiguous float32.
    counts:
        Optional per-word frequencies.
    extras:
        Optional named per-word arrays (``{"values": ...}`` for ValueVec), each of length n.
    meta:
        Free JSON-able provenance (trainer, parameters, source file ...).
    writeable:
        Vectors are read-only unless this is True (trainers keep their own arrays).
    """

    def __init__(
        self,
        keys: Sequence[str],
        vectors: np.ndarray,
        counts: np.ndarray | Sequence[int] | None = None,
        extras: Mapping[str, np.ndarray] | None = None,
        meta: Mapping[str, Any] | None = None,
        *,
        writeable: bool = False,
    ):
        vectors = np.asarray(vectors)
        if vectors.ndim != 2:
            raise FormatError(
                f"vectors must be a 2-D array (words x dimensions), got shape {vectors.shape}"
            )
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)  # no copy when already so
        keys = list(keys)
        if len(keys) != vectors.shape[0]:
            raise FormatError(
                f"{len(keys):,} words but {vectors.shape[0]:,} vector rows; they must match"
            )
        # C-speed checks first (a 400k-word model loads in milliseconds); the loop below
        # only runs to name the offending word
        key_to_index: dict[str, int] = dict(zip(keys, range(len(keys)), strict=True))
        if set(map(type, keys)) - {str} or len(key_to_index) != len(keys):
            key_to_index = {}
            for i, k in enumerate(keys):
                if not isinstance(k, str):
                    raise FormatError(f"word #{i} is {type(k).__name__}, not str")
                if key_to_index.setdefault(k, i) != i:
                    raise FormatError(
                        f"duplicate word {k!r} at positions {key_to_index[k]} and {i}; "
                        "words must be unique"
                    )
        self.index_to_key: list[str] = keys
        self.key_to_index: dict[str, int] = key_to_index
        if not writeable and vectors.flags.writeable:
            vectors = vectors.view()
            vectors.flags.writeable = False
        self.vectors: np.ndarray = vectors
        self.counts: np.ndarray | None = None
        if counts is not None:
            c = np.asarray(counts, dtype=np.int64)
            if c.shape != (len(keys),):
                raise FormatError(
                    f"counts must have one entry per word ({len(keys)}), got {c.shape}"
                )
            self.counts = c
        self.extras: dict[str, np.ndarray] = {}
        for name, arr in (extras or {}).items():
            self.set_extra(name, arr)
        self.meta: dict[str, Any] = dict(meta or {})
        self._norms: np.ndarray | None = None
        self._unit: np.ndarray | None = None
        self._nonfinite: np.ndarray | None = None

    # ------------------------------------------------------------------ basics
    @property
    def vector_size(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):  # keys are str: anything else is simply absent
            return False
        return key in self.key_to_index or self._phrase_key(key) is not None

    def _phrase_key(self, key: object) -> str | None:
        """``"new york"`` -> ``"new_york"`` when only the joined token (phrases) is known;
        the delimiter is the model's (``meta["phrases"]["delimiter"]``), else ``"_"``."""
        if not isinstance(key, str) or not any(c.isspace() for c in key):
            return None
        rec = self.meta.get("phrases")
        delim = rec.get("delimiter") if isinstance(rec, dict) else None
        joined = (delim if isinstance(delim, str) and delim else "_").join(key.split())
        return joined if joined in self.key_to_index else None

    def __iter__(self) -> Iterator[str]:
        return iter(self.index_to_key)

    def __repr__(self) -> str:
        extra = f", extras={sorted(self.extras)}" if self.extras else ""
        return f"WordVectors({len(self):,} words x {self.vector_size} dims{extra})"

    def _repr_html_(self) -> str:
        """A small HTML summary for Jupyter (size, dimensions, norms, provenance)."""
        from wordspace.vectors._display import vectors_html

        return vectors_html(self)

    def has_index_for(self, key: str) -> bool:
        return key in self.key_to_index

    def get_index(self, key: str, default: int | None = None) -> int:
        """Index of ``key``; raises :class:`OutOfVocabularyError` unless ``default`` is given
        (:class:`ParameterError` when ``key`` is not a str)."""
        _check_key(key)
        idx = self.key_to_index.get(key)
        if idx is not None:
            return idx
        joined = self._phrase_key(key)
        if joined is not None:
            return self.key_to_index[joined]
        if default is not None:
            return default
        raise self._oov(key)

    def _oov(self, key: object) -> OutOfVocabularyError:
        word = str(key)
        cased = [
            v
            for v in dict.fromkeys((word.lower(), word.capitalize(), word.upper(), word.title()))
            if v != word and v in self.key_to_index
        ]
        close = [c for c in close_matches(word, self.index_to_key) if c not in cased]
        return OutOfVocabularyError(word, len(self), cased + close, case_variants=cased)

    def missing(self, words: Iterable[str]) -> list[str]:
        """The words (in order, without repeats) that are not in the vocabulary."""
        seen: set[str] = set()
        out = []
        for w in words:
            if w not in self.key_to_index and w not in seen:
                seen.add(w)
                out.append(w)
        return out

    def set_extra(self, name: str, array: np.ndarray | Sequence[float]) -> None:
        arr = np.asarray(array)
        if arr.shape[:1] != (len(self),):
            raise FormatError(
                f"extra array {name!r} must have one row per word ({len(self)}), got {arr.shape}"
            )
        self.extras[name] = arr

    @property
    def values(self) -> WordArray:
        """Per-word values attached by ValueVec (``wv.values["crimson"]``)."""
        if "values" not in self.extras:
            raise ParameterError(
                "these vectors have no per-word values; values come from a ValueVec model "
                "or wv.set_extra('values', array)"
            )
        return WordArray(self, "values", self.extras["values"])

    @property
    def tokenizer(self) -> Tokenizer | None:
        """The tokenizer the model was trained with (recorded by the trainers in
        ``meta["tokenizer"]``), or None (vectors from another tool's file record none).

        String queries (:meth:`text_similarity`, :meth:`mean_vector`, :meth:`wmdistance`,
        :meth:`rank_documents`, :meth:`oov_tokens`) tokenise with it; see
        :mod:`wordspace.analysis.textsim` for what they do when there is none.
        """
        rec = self.meta.get("tokenizer")
        if rec is None:
            return None
        from wordspace.text.tokenizer import Tokenizer

        return Tokenizer.from_dict(rec, where='meta["tokenizer"]')

    # -------------------------------------------------------------- vectors
    @property
    def norms(self) -> np.ndarray:
        if self._norms is None:
            self.fill_norms()
        assert self._norms is not None
        return self._norms

    def fill_norms(self, force: bool = False) -> None:
        """Compute (once) the L2 norms and the unit-normalised matrix.

        A row holding NaN or inf gets a NaN norm or an infinite one and an all-NaN unit vector
        (:attr:`nonfinite_rows` lists them); a finite row too large for float32 squares is
        normalised in float64.
        """
        if self._norms is not None and not force:
            return
        v = np.asarray(self.vectors, dtype=np.float32)
        with np.errstate(over="ignore", invalid="ignore"):
            norms = np.sqrt(np.einsum("ij,ij->i", v, v, dtype=np.float32))
            safe = np.where(norms > 0, norms, np.float32(1))
            unit = v / safe[:, None]
        odd = np.flatnonzero(~np.isfinite(norms))
        nonfinite = np.zeros(0, dtype=np.int64)
        if len(odd):
            sub = v[odd].astype(np.float64)
            finite = np.isfinite(sub).all(axis=1)
            big = odd[finite]  # finite components whose squares overflow float32
            n64 = np.linalg.norm(sub[finite], axis=1)
            unit[big] = (sub[finite] / n64[:, None]).astype(np.float32)
            with np.errstate(over="ignore"):
                norms[big] = n64.astype(np.float32)
            nonfinite = odd[~finite]
            unit[nonfinite] = np.nan
        unit.flags.writeable = False
        self._norms = norms
        self._unit = unit
        self._nonfinite = nonfinite

    @property
    def nonfinite_rows(self) -> np.ndarray:
        """Indices of the rows whose vector holds NaN or inf (usually none)."""
        self.fill_norms()
        assert self._nonfinite is not None
        return self._nonfinite

    def _require_finite(self, words: Iterable[Any]) -> None:
        """Raise :class:`FormatError` when one of ``words`` has a vector holding NaN or inf
        (it has no direction, hence no neighbours or cosines)."""
        bad_rows = self.nonfinite_rows
        if not len(bad_rows):
            return
        bad = set(bad_rows.tolist())
        hit = [w for w in words if isinstance(w, str) and self.key_to_index.get(w) in bad]
        if hit:
            raise FormatError(
                f"the vector of {hit[0]!r} holds NaN or infinite numbers (as {len(bad_rows):,} "
                f"of the model's {len(self):,} vectors do), so it has no direction to compare; "
                "the model is damaged or its training diverged: query other words, or "
                "retrain/reconvert it"
            )

    def get_normed_vectors(self) -> np.ndarray:
        """The unit-normalised matrix (cached; zero vectors stay zero)."""
        self.fill_norms()
        assert self._unit is not None
        return self._unit

    def get_vector(self, key: str, norm: bool = False) -> np.ndarray:
        idx = self.get_index(key)
        if norm:
            return self.get_normed_vectors()[idx]
        return self.vectors[idx]

    def __getitem__(self, key_or_keys: str | Sequence[str]) -> np.ndarray:
        if isinstance(key_or_keys, str):
            return self.get_vector(key_or_keys)
        if isinstance(key_or_keys, bytes | bytearray | memoryview) or not hasattr(
            key_or_keys, "__len__"
        ):
            _check_key(key_or_keys)
        return (
            np.vstack([self.get_vector(k) for k in key_or_keys])
            if len(key_or_keys)
            else (np.zeros((0, self.vector_size), dtype=np.float32))
        )

    def get_mean_vector(
        self,
        keys: Sequence[Key] | np.ndarray,
        weights: Sequence[float] | np.ndarray | None = None,
        pre_normalize: bool = True,
        post_normalize: bool = False,
        ignore_missing: bool = True,
        *,
        divide_by: str = "weights",
    ) -> np.ndarray:
        """Weighted mean of the vectors of ``keys`` (words or raw vectors), as in gensim.

        Missing words are skipped when ``ignore_missing`` (the default) and raise
        :class:`OutOfVocabularyError` otherwise. Raises :class:`ParameterError` when nothing
        is left to average. The sum of the weighted vectors is divided by the sum of the absolute
        weights of the keys used (a plain mean without weights), as gensim does;
        ``divide_by="count"`` divides by the number of keys used instead (the weighted sum per
        word of :func:`wordspace.analysis.textsim.mean_vector`). This is the library's one mean-vector computation (the text similarity functions
        call it).
        """
        if isinstance(keys, np.ndarray) and keys.ndim == 2:
            keys = list(keys)
        if len(keys) == 0:
            raise ParameterError("cannot compute a mean vector of no words")
        if weights is None:
            w = np.ones(len(keys), dtype=np.float32)
        else:
            w = np.asarray(weights, dtype=np.float32)
            if w.shape != (len(keys),):
                raise ParameterError(f"{len(keys)} keys but {w.size} weights")
        mat = self.get_normed_vectors() if pre_normalize else self.vectors
        rows: list[np.ndarray] = []  # raw vectors given as keys
        idx: list[int] = []  # vocabulary rows
        used: list[int] = []  # positions of the keys used: vocabulary rows first, then vectors
        raw_pos: list[int] = []
        kti = self.key_to_index
        for j, k in enumerate(keys):
            if isinstance(k, np.ndarray):
                if k.shape != (self.vector_size,):
                    raise ParameterError(
                        f"a vector of shape {k.shape} was given; these vectors have "
                        f"{self.vector_size} dimensions"
                    )
                k32 = k.astype(np.float32)
                rows.append(_unit(k32) if pre_normalize else k32)
                raw_pos.append(j)
                continue
            i = kti.get(k)
            if i is None and (pk := self._phrase_key(k)) is not None:
                i = kti[pk]
            if i is not None:
                idx.append(i)
                used.append(j)
            elif not ignore_missing:
                raise self._oov(k)
        used += raw_pos
        if not used:
            raise ParameterError(
                "none of the words is in the vocabulary: " + ", ".join(map(repr, keys[:5]))
            )
        if rows:
            stacked = np.vstack([np.asarray(mat[np.asarray(idx, dtype=np.int64)]), *rows])
            mean = mean_rows(
                stacked, np.arange(len(used)), w[used], np.array([0, len(used)]), divide_by
            )
        else:
            mean = mean_rows(mat, np.asarray(idx), w[used], np.array([0, len(used)]), divide_by)
        mean = mean[0]
        return _unit(mean).astype(np.float32) if post_normalize else mean

    # ------------------------------------------------------------ neighbours
    def _split_terms(self, positive: KeyOrKeys, negative: KeyOrKeys) -> tuple[list, list, set[int]]:
        pos, neg = _as_list(positive), _as_list(negative)
        keys: list = []
        weights: list[float] = []
        exclude: set[int] = set()
        for items, sign in ((pos, 1.0), (neg, -1.0)):
            for item in items:
                weight = sign
                if isinstance(item, tuple):
                    item, weight = item[0], sign * float(item[1])
                if isinstance(item, str):
                    exclude.add(self.get_index(item))
                elif isinstance(item, np.ndarray):
                    pass
                else:
                    raise ParameterError(
                        f"query terms must be words or vectors, got {type(item).__name__}"
                    )
                keys.append(item)
                weights.append(weight)
        if not keys:
            raise ParameterError("cannot compute similarity with no input: give positive words")
        return keys, weights, exclude

    def _require_finite_query(self, terms: Sequence[Any], vec: np.ndarray) -> None:
        if np.isfinite(vec).all():
            return
        self._require_finite(t[0] if isinstance(t, tuple) else t for t in terms)
        raise ParameterError(
            "the query vector holds NaN or infinite numbers (or its combination overflows); "
            "give finite vectors"
        )

    def _limit(self, restrict_vocab: int | None) -> int:
        n = len(self)
        if restrict_vocab is None:
            return n
        if restrict_vocab <= 0:
            raise ParameterError(f"restrict_vocab must be positive, got {restrict_vocab}")
        return min(int(restrict_vocab), n)

    def _top(self, scores: np.ndarray, topn: int, exclude: set[int]) -> list[tuple[str, float]]:
        """The ``topn`` best scores, skipping ``exclude`` and NaN scores (sorted last)."""
        k = min(topn + len(exclude), scores.shape[0])
        if topn <= 0 or k <= 0:
            return []
        if k < scores.shape[0]:
            part = np.argpartition(-scores, k - 1)[:k]
        else:
            part = np.arange(scores.shape[0])
        order = part[np.argsort(-scores[part], kind="stable")]
        out = []
        for i in order:
            if int(i) in exclude or np.isnan(scores[i]):
                continue
            out.append((self.index_to_key[i], float(scores[i])))
            if len(out) == topn:
                break
        return out

    def most_similar(
        self,
        positive: KeyOrKeys = None,
        negative: KeyOrKeys = None,
        topn: int | None = 10,
        restrict_vocab: int | None = None,
        indexer: Any = None,
        exact: bool = False,
    ) -> list[tuple[str, float]] | np.ndarray:
        """The ``topn`` words closest (cosine) to the mean of ``positive`` minus ``negative``.

        Terms are words, vectors, or ``(word, weight)`` pairs. Query words are excluded from
        the result. ``topn=None`` returns the array of all similarities, as gensim does (NaN
        for vectors holding NaN/inf, which a list result never contains); ``topn <= 0`` gives
        ``[]``. ``restrict_vocab=N`` searches only the first N words.

        A neighbour index answers when one is attached (:meth:`build_index`,
        :meth:`attach_index`) or given as ``indexer`` (a :class:`~wordspace.vectors.index.WordIndex`,
        or any object with gensim's ``indexer.most_similar(vector, topn)``, whose answer is
        returned as is, as gensim does); ``exact=True``, ``restrict_vocab`` and ``topn=None``
        scan every vector instead.
        """
        if (
            self.index is not None
            and indexer is None
            and not exact
            and restrict_vocab is None
            and not negative
            and type(topn) is int
            and topn > 0
        ):
            fast = self._indexed_word_query(positive, topn)
            if fast is not None:
                return fast
        keys, weights, exclude = self._split_terms(positive, negative)
        mean = self.get_mean_vector(
            keys, weights, pre_normalize=True, post_normalize=True, ignore_missing=False
        )
        self._require_finite_query(keys, mean)
        limit = self._limit(restrict_vocab)
        unit = self.get_normed_vectors()
        if topn is None:
            return unit[:limit] @ mean
        topn = int(topn)
        if topn <= 0:
            return []
        index = self._search_index(indexer, exact, limit)
        if index is not None and not hasattr(index, "search"):
            return list(index.most_similar(mean, topn))  # gensim's indexer protocol
        if index is not None:
            bi, bs = index.search(self, mean[None, :], topn + len(exclude))
            idx, sc = bi[0], bs[0]
        else:
            idx, sc = _top_one(unit, mean.astype(np.float32), topn + len(exclude), limit)
        out = [
            (self.index_to_key[i], float(s))
            for i, s in zip(idx, sc, strict=True)
            if i >= 0 and int(i) not in exclude
        ]
        return out[:topn]

    def _indexed_word_query(self, positive: Any, topn: int) -> list[tuple[str, float]] | None:
        """The attached index's answer to one vocabulary word (the explorer's and the CLI's
        query, ``most_similar("word")``) with nothing around the search that it does not need:
        the same query vector as the general path (a unit row over its float64 norm), the
        index called once for ``topn + 1`` rows, the word dropped. None where the general path
        must answer (phrases, unknown words, NaN rows, weights, several terms)."""
        word = positive[0] if type(positive) is list and len(positive) == 1 else positive
        if type(word) is not str:
            return None
        i = self.key_to_index.get(word)
        index = self.index
        if i is None or not hasattr(index, "search_one"):
            return None
        index.ensure(self)
        unit = self.get_normed_vectors()
        row = unit[i]
        r64 = row.astype(np.float64)
        n2 = float(r64 @ r64)  # np.linalg.norm's sum
        if not (0.0 < n2 < np.inf):
            return None  # a zero or non-finite row: the general path says what is wrong
        q = row / math.sqrt(n2)  # float32: the Python float is taken as a float32 (NEP 50)
        idx, sc = index.search_one(unit, q, min(topn + 1, len(self)))
        keys = self.index_to_key
        out = [(keys[j], s) for j, s in zip(idx.tolist(), sc.tolist(), strict=True) if j != i]
        return out[:topn]

    def most_similar_cosmul(
        self,
        positive: KeyOrKeys = None,
        negative: KeyOrKeys = None,
        topn: int | None = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]] | np.ndarray:
        """Analogy by multiplicative combination (3CosMul, Levy & Goldberg 2014), as gensim.

        Each cosine is shifted to [0, 1]; score = prod(pos) / (prod(neg) + 1e-6). Query words
        are excluded; ``topn=None`` returns every score (NaN for vectors holding NaN/inf, which
        a list result never contains); ``topn <= 0`` gives ``[]``.
        """
        pos, neg = _as_list(positive), _as_list(negative)
        if not pos:
            raise ParameterError("cannot compute similarity with no input: give positive words")
        exclude: set[int] = set()

        def vec(t: Key) -> np.ndarray:
            if isinstance(t, str):
                exclude.add(self.get_index(t))
                return self.get_vector(t, norm=True)
            return _unit(np.asarray(t, dtype=np.float32))

        pvecs = np.array([vec(t) for t in pos], dtype=np.float32)
        nvecs = np.array([vec(t) for t in neg], dtype=np.float32).reshape(-1, self.vector_size)
        for terms, m in ((pos, pvecs), (neg, nvecs)):
            if len(m):
                self._require_finite_query(terms, m)
        limit = self._limit(restrict_vocab)
        unit = self.get_normed_vectors()[:limit]
        pos_d = (1.0 + unit @ pvecs.T) / 2.0
        neg_d = (1.0 + unit @ nvecs.T) / 2.0
        scores = np.prod(pos_d, axis=1) / (np.prod(neg_d, axis=1) + 1e-6)
        if topn is None:
            return scores
        topn = int(topn)
        if topn <= 0:
            return []
        return self._top(scores, topn, exclude)

    def most_similar_many(
        self,
        words: Sequence[str],
        topn: int = 10,
        restrict_vocab: int | None = None,
        batch_size: int = 256,
        indexer: Any = None,
        exact: bool = False,
    ) -> list[list[tuple[str, float]]]:
        """Neighbours of many words at once (matrix products over batches of ``batch_size``).

        Equivalent to ``[wv.most_similar(w, topn=topn) for w in words]`` (best first,
        equal scores by index), much faster (:func:`wordspace.kernels.topk.topk_neighbors`);
        ``topn <= 0`` gives empty lists. An attached index (or ``indexer``, a
        :class:`~wordspace.vectors.index.WordIndex`) answers unless ``exact=True`` or
        ``restrict_vocab`` is given, as in :meth:`most_similar`.
        """
        from wordspace.kernels.topk import topk_neighbors

        idx = np.array([self.get_index(w) for w in words], dtype=np.int64)
        self._require_finite(words)
        unit = self.get_normed_vectors()
        limit = self._limit(restrict_vocab)
        k = min(int(topn), limit)
        index = self._search_index(indexer, exact, limit) if k > 0 else None
        if getattr(index, "exact", False):
            index = None  # batches are compute-bound: the float32 product is exact and faster
        if index is not None:
            if not hasattr(index, "search"):
                raise ParameterError(
                    "most_similar_many takes a wordspace index (wv.build_index(...)) as indexer"
                )
            found_i, found_s = index.search(self, unit[idx], k + 1)
            best_i = np.full((len(idx), k), -1, dtype=np.int64)
            best_s = np.full((len(idx), k), -np.inf, dtype=np.float32)
            for r, (fi, fs) in enumerate(zip(found_i, found_s, strict=True)):
                keep = (fi >= 0) & (fi != idx[r])
                best_i[r, : min(k, int(keep.sum()))] = fi[keep][:k]
                best_s[r, : min(k, int(keep.sum()))] = fs[keep][:k]
        else:
            best_i, best_s = topk_neighbors(unit, idx, k, limit, batch_size=batch_size)
        keys = self.index_to_key
        return [
            [(keys[i], float(x)) for i, x in zip(bi, bs, strict=True) if i >= 0]
            for bi, bs in zip(best_i.tolist(), best_s.tolist(), strict=True)
        ]

    def similar_by_vector(
        self,
        vector: np.ndarray,
        topn: int | None = 10,
        restrict_vocab: int | None = None,
        indexer: Any = None,
        exact: bool = False,
    ) -> list[tuple[str, float]] | np.ndarray:
        """The words closest to a raw vector (nothing excluded)."""
        return self.most_similar(
            positive=[np.asarray(vector)],
            topn=topn,
            restrict_vocab=restrict_vocab,
            indexer=indexer,
            exact=exact,
        )

    # ------------------------------------------------------------ neighbour index
    #: the attached neighbour index (:meth:`build_index`, :meth:`attach_index`), or None
    index: Any = None

    def build_index(self, method: str = "hnsw", *, progress: Any = None, **params: Any) -> Any:
        """Build a neighbour index (``"hnsw"``: approximate, extra ``wordspace[index]``;
        ``"exact-f16"``/``"exact-int8"``: exact results from a reduced-precision scan), attach
        it and return it; see :mod:`wordspace.vectors.index`. Save it next to the model with
        ``index.save(wordspace.vectors.index.index_path("model.wsv"))``."""
        from wordspace.vectors.index import build_index

        self.index = build_index(self, method, progress=progress, **params)
        self.index.ensure(self)
        return self.index

    def attach_index(self, index: Any, *, mmap: bool = True) -> Any:
        """Attach an index (a :class:`~wordspace.vectors.index.WordIndex` or the path of a
        saved one, memory-mapped); raises :class:`~wordspace.errors.StaleIndexError` when it
        was built for other vectors. ``None`` detaches."""
        if index is not None and not hasattr(index, "search"):
            from wordspace.vectors.index import load_index

            index = load_index(index, mmap=mmap)
        if index is not None:
            index.ensure(self)
        self.index = index
        return index

    def _search_index(self, indexer: Any, exact: bool, limit: int) -> Any:
        """The index a query uses: none when ``exact`` or ``restrict_vocab`` cuts the search."""
        index = self.index if indexer is None else indexer
        if exact or index is None or limit < len(self):
            return None
        if hasattr(index, "ensure"):
            index.ensure(self)
        return index

    def similar_by_word(
        self, word: str, topn: int | None = 10, restrict_vocab: int | None = None
    ) -> list[tuple[str, float]] | np.ndarray:
        return self.most_similar(positive=[word], topn=topn, restrict_vocab=restrict_vocab)

    # ------------------------------------------------------------- similarity
    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words (NaN when a vector holds NaN or inf)."""
        return float(np.dot(self.get_vector(w1, norm=True), self.get_vector(w2, norm=True)))

    def n_similarity(self, ws1: Sequence[str], ws2: Sequence[str]) -> float:
        """Cosine between the mean vectors of two word sets (gensim's semantics)."""
        if not len(ws1) or not len(ws2):
            raise ParameterError("n_similarity needs at least one word on each side")
        v1 = _unit(self[list(ws1)].mean(axis=0))
        v2 = _unit(self[list(ws2)].mean(axis=0))
        return float(np.dot(v1, v2))

    def distance(self, w1: str, w2: str) -> float:
        """Cosine distance, ``1 - similarity``."""
        return 1.0 - self.similarity(w1, w2)

    def distances(self, word_or_vector: Key, other_words: Sequence[str] = ()) -> np.ndarray:
        """Cosine distances from a word or vector to ``other_words`` (or to every word)."""
        if isinstance(word_or_vector, str):
            v = self.get_vector(word_or_vector, norm=True)
        else:
            v = _unit(np.asarray(word_or_vector, dtype=np.float32))
        unit = self.get_normed_vectors()
        if len(other_words) == 0:
            return 1.0 - unit @ v
        idx = [self.get_index(w) for w in other_words]
        return 1.0 - unit[idx] @ v

    def cosine_similarities(self, vector_1: np.ndarray, vectors_all: np.ndarray) -> np.ndarray:
        """Cosines between one vector and each row of a matrix."""
        v = _unit(np.asarray(vector_1, dtype=np.float32))
        m = np.asarray(vectors_all, dtype=np.float32)
        norms = np.linalg.norm(m, axis=1)
        norms[norms == 0] = 1
        return (m @ v) / norms

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word furthest from the mean of the others (unknown words, and words whose vector
        holds NaN or inf, are ignored with a warning)."""
        used = [w for w in words if w in self.key_to_index]
        if len(used) != len(words):
            warnings.warn(
                f"vectors for words {self.missing(words)} are not present in the model, "
                "ignoring these words",
                stacklevel=2,
            )
        if len(self.nonfinite_rows):
            bad = set(self.nonfinite_rows.tolist())
            broken = [w for w in used if self.key_to_index[w] in bad]
            if broken:
                warnings.warn(
                    f"vectors for words {broken} hold NaN or infinite numbers, "
                    "ignoring these words",
                    stacklevel=2,
                )
                used = [w for w in used if self.key_to_index[w] not in bad]
        if not used:
            raise ParameterError("cannot select a word from an empty list (no known words)")
        vecs = np.vstack([self.get_vector(w, norm=True) for w in used])
        mean = _unit(vecs.mean(axis=0))
        dists = vecs @ mean
        return used[int(np.argmin(dists))]

    def closer_than(self, key1: str, key2: str) -> list[str]:
        """Every word closer to ``key1`` than ``key2`` is (never a vector holding NaN/inf)."""
        i1, i2 = self.get_index(key1), self.get_index(key2)
        self._require_finite((key1, key2))
        unit = self.get_normed_vectors()
        sims = unit @ unit[i1]
        mask = sims > sims[i2]
        mask[i1] = False
        return [self.index_to_key[i] for i in np.flatnonzero(mask)]

    words_closer_than = closer_than

    def rank(self, key1: str, key2: str) -> int:
        """Rank of ``key2`` among the neighbours of ``key1`` (1 = nearest)."""
        return len(self.closer_than(key1, key2)) + 1

    def similarity_matrix(self, words: Sequence[str]) -> pd.DataFrame:
        """Pairwise cosine similarities as a DataFrame labelled by the words."""
        import pandas as pd

        idx = [self.get_index(w) for w in words]
        unit = self.get_normed_vectors()[idx]
        return pd.DataFrame(unit @ unit.T, index=list(words), columns=list(words))

    # ------------------------------------------------------------ structure
    def subset(self, words: Sequence[str] | int) -> WordVectors:
        """A new WordVectors with only these words (or the first N)."""
        if isinstance(words, int):
            idx = np.arange(min(words, len(self)))
        else:
            idx = np.array([self.get_index(w) for w in words], dtype=np.int64)
        return WordVectors(
            [self.index_to_key[i] for i in idx],
            np.asarray(self.vectors)[idx],
            counts=None if self.counts is None else self.counts[idx],
            extras={k: np.asarray(v)[idx] for k, v in self.extras.items()},
            meta=self.meta,
        )

    def norms_summary(self) -> dict[str, float]:
        n = self.norms
        return {
            "min": float(n.min()) if len(n) else 0.0,
            "mean": float(n.mean()) if len(n) else 0.0,
            "median": float(np.median(n)) if len(n) else 0.0,
            "max": float(n.max()) if len(n) else 0.0,
            "zero": int((n == 0).sum()),
        }


def _check_key(key: object) -> None:
    """Keys are str: anything else (an int, None, bytes) is a :class:`ParameterError`
    saying so, never a bare ``TypeError`` or a lookup of something else."""
    if isinstance(key, str):
        return
    if isinstance(key, bytes | bytearray | memoryview):
        raise ParameterError(
            f"words are looked up by str, got the bytes {bytes(key)[:40]!r}; decode them "
            "first, e.g. key.decode('utf-8')"
        )
    raise ParameterError(
        f"words are looked up by str, got {type(key).__name__} {str(key)[:40]!r}; give a word "
        "(or a list of words)"
    )
