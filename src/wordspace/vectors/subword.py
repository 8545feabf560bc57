"""SubwordVectors: word vectors that also answer for words they never saw (fastText).

A fastText model keeps, besides one row per vocabulary word, ``bucket`` rows for hashed
character n-grams (see :mod:`wordspace.kernels.fasttext`). A vocabulary word's vector is the
mean of its own row and its n-gram rows (precomputed: ``vectors``, so neighbour searches are
the plain :class:`WordVectors` ones); any other string's vector is the mean of its n-gram rows,
computed on the fly. So ``wv["lernraum"]``, ``wv.similarity("tehnology", "technology")`` and
``wv.most_similar("tehnology")`` work for words outside the vocabulary, as in gensim's
``FastTextKeyedVectors`` and the official tool's ``get_word_vector``.

``"word" in wv`` is True for every string that has at least one n-gram (as gensim);
``wv.has_index_for(word)`` and ``wv.key_to_index`` still say whether it is a vocabulary word.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from wordspace.errors import FormatError, ParameterError
from wordspace.vectors.keyed import WordVectors

__all__ = ["SubwordVectors", "EOS", "encode_marked"]

EOS = "</s>"
#: the ``meta.json`` key that marks a native model as having subwords
META_KEY = "subwords"


def encode_marked(words: Sequence[str] | Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """``("<" + word + ">")`` of each word as UTF-8 bytes, concatenated: ``(buf, offsets)``."""
    parts = [
        b"<" + (w if isinstance(w, bytes) else w.encode("utf-8", "surrogateescape")) + b">"
        for w in words
    ]
    lens = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(lens, out=offsets[1:])
    buf = np.frombuffer(b"".join(parts), dtype=np.uint8) if parts else np.zeros(0, np.uint8)
    return buf, offsets


def subword_table(
    words: Sequence[str] | Sequence[bytes], minn: int, maxn: int, bucket: int
) -> tuple[np.ndarray, np.ndarray]:
    """CSR subword rows of vocabulary words, as fastText's ``Dictionary::initNgrams``: row
    ``k`` lists ``k`` itself, then ``len(words) + hash % bucket`` for each n-gram (none for
    ``</s>``)."""
    from wordspace.kernels.fasttext import build_subwords

    buf, offsets = encode_marked(words)
    no_ngrams = np.fromiter(
        (w in (EOS, EOS.encode()) for w in words), dtype=np.bool_, count=len(words)
    )
    return build_subwords(
        buf, offsets, no_ngrams, True, int(minn), int(maxn), int(bucket), len(words)
    )


def ngram_rows(word: str, minn: int, maxn: int, bucket: int) -> np.ndarray:
    """Bucket rows (``0 .. bucket-1``) of the n-grams of one word, in fastText's order."""
    from wordspace.kernels.fasttext import word_ngrams

    if word == EOS or maxn <= 0 or bucket <= 0:
        return np.zeros(0, dtype=np.int64)
    try:
        buf, offsets = encode_marked([word])
    except UnicodeEncodeError:  # a lone surrogate no file can hold: no n-grams, absent
        return np.zeros(0, dtype=np.int64)
    out = np.empty(max(1, len(buf) * maxn), dtype=np.int64)
    n = word_ngrams(buf, 0, len(buf), int(minn), int(maxn), int(bucket), 0, out, 0)
    return out[:n]


def ngrams(word: str, minn: int, maxn: int) -> list[str]:
    """The character n-grams of ``"<" + word + ">"`` (as strings), in fastText's order."""
    marked = "<" + word + ">"
    out = []
    for i in range(len(marked)):
        for n in range(max(minn, 1), maxn + 1):
            if i + n > len(marked):
                break
            if n == 1 and (i == 0 or i + n == len(marked)):
                continue
            out.append(marked[i : i + n])
    return out


class SubwordVectors(WordVectors):
    """:class:`WordVectors` with fastText's character n-gram vectors.

    Parameters
    ----------
    keys, vectors, counts, extras, meta:
        As :class:`WordVectors`; ``vectors`` are the vocabulary words' full vectors (the mean
        of each word's own row and its n-gram rows).
    vectors_ngrams:
        ``(bucket, d)`` n-gram rows.
    minn, maxn, bucket:
        Lengths of the n-grams (in characters, ``<``/``>`` markers included) and the number of
        hash buckets.
    vectors_vocab:
        Optional ``(n, d)`` rows of the words themselves (the input matrix's first rows), kept
        to write the model back as a Facebook ``.bin`` or continue training.
    """

    def __init__(
        self,
        keys: Sequence[str],
        vectors: np.ndarray,
        vectors_ngrams: np.ndarray,
        *,
        minn: int,
        maxn: int,
        bucket: int,
        counts: np.ndarray | Sequence[int] | None = None,
        extras: Mapping[str, np.ndarray] | None = None,
        meta: Mapping[str, Any] | None = None,
        vectors_vocab: np.ndarray | None = None,
        writeable: bool = False,
    ):
        super().__init__(
            keys, vectors, counts=counts, extras=extras, meta=meta, writeable=writeable
        )
        for name, v in (("minn", minn), ("maxn", maxn), ("bucket", bucket)):
            if not isinstance(v, int | np.integer) or isinstance(v, bool) or v < 0:
                raise FormatError(f"{name} must be an integer >= 0, got {v!r}")
        if maxn and minn > maxn:
            raise FormatError(f"minn={minn} is larger than maxn={maxn}")
        ng = np.asarray(vectors_ngrams)
        if ng.dtype.kind != "f":
            raise FormatError(f"the n-gram vectors hold {ng.dtype}, not floating-point numbers")
        if (
            ng.ndim != 2
            or ng.shape[0] != int(bucket)
            or (ng.shape[0] and ng.shape[1] != self.vector_size)
        ):
            raise FormatError(
                f"the n-gram vectors have shape {ng.shape}; expected ({bucket}, "
                f"{self.vector_size}) for bucket={bucket}"
            )
        self.vectors_ngrams: np.ndarray = (
            ng if ng.shape[0] else np.zeros((0, self.vector_size), np.float32)
        )
        if vectors_vocab is not None and np.shape(vectors_vocab) != self.vectors.shape:
            raise FormatError(
                f"vectors_vocab has shape {np.shape(vectors_vocab)}; expected {self.vectors.shape}"
            )
        self.vectors_vocab: np.ndarray | None = vectors_vocab
        self.minn = int(minn)
        self.maxn = int(maxn)
        self.bucket = int(bucket)

    # ------------------------------------------------------------------ basics
    def __repr__(self) -> str:
        return (
            f"SubwordVectors({len(self):,} words x {self.vector_size} dims, "
            f"n-grams {self.minn}-{self.maxn} in {self.bucket:,} buckets)"
        )

    def ngram_rows(self, word: str) -> np.ndarray:
        """Rows of :attr:`vectors_ngrams` that make up ``word`` (repeats kept)."""
        return ngram_rows(word, self.minn, self.maxn, self.bucket)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return key in self.key_to_index or self.ngram_rows(key).size > 0

    def _oov_vector(self, key: str) -> np.ndarray:
        from wordspace.kernels.fasttext import mean_rows

        if not isinstance(key, str):
            from wordspace.vectors.keyed import _check_key

            _check_key(key)
        rows = self.ngram_rows(key)
        if rows.size == 0:
            err = self._oov(key)
            err.args = (
                f"{err}; nor has it character n-grams of length {self.minn}-"
                f"{self.maxn} to build a vector from",
            )
            raise err
        out = np.empty(self.vector_size, dtype=np.float32)
        mean_rows(np.asarray(self.vectors_ngrams), rows, out)
        return out

    def get_vector(self, key: str, norm: bool = False) -> np.ndarray:
        """The vector of ``key``; for a word outside the vocabulary, the mean of its n-gram
        vectors (:class:`OutOfVocabularyError` only when it has no n-grams)."""
        if key in self.key_to_index:
            return super().get_vector(key, norm=norm)
        v = self._oov_vector(key)
        if norm:
            n = float(np.linalg.norm(v))
            if n > 0:
                v /= np.float32(n)
        return v

    def _resolve(self, terms: Any) -> Any:
        """Query terms with every out-of-vocabulary word replaced by its vector."""
        if terms is None:
            return None
        if isinstance(terms, np.ndarray):
            return terms
        if isinstance(terms, str):
            return terms if terms in self.key_to_index else self._query_oov(terms)
        if (
            isinstance(terms, tuple)
            and len(terms) == 2
            and isinstance(terms[0], str)
            and not isinstance(terms[1], str)
        ):
            return [self._resolve_one(terms)]
        return [self._resolve_one(t) for t in terms]

    def _resolve_one(self, t: Any) -> Any:
        if isinstance(t, str):
            return t if t in self.key_to_index else self._query_oov(t)
        if isinstance(t, tuple) and len(t) == 2 and isinstance(t[0], str):
            return (t[0], t[1]) if t[0] in self.key_to_index else (self._query_oov(t[0]), t[1])
        return t

    def _query_oov(self, key: str) -> np.ndarray:
        """The n-gram vector of an out-of-vocabulary query word; one built from non-finite
        n-gram rows is the model file's fault, and the error says so."""
        v = self._oov_vector(key)
        if not np.isfinite(v).all():
            src = self.meta.get("source")
            where = f"the model {src}" if isinstance(src, str) else "the model"
            raise FormatError(
                f"{key!r} is not in the vocabulary, and the mean of its character n-gram rows "
                f"holds NaN or infinity: {where} has non-finite n-gram vectors (it is damaged); "
                "re-download or retrain it"
            )
        return v

    def get_mean_vector(
        self,
        keys,
        weights=None,
        pre_normalize: bool = True,
        post_normalize: bool = False,
        ignore_missing: bool = True,
        *,
        divide_by: str = "weights",
    ) -> np.ndarray:
        if isinstance(keys, np.ndarray) and keys.ndim == 2:
            keys = list(keys)
        resolved = []
        for k in keys:
            if isinstance(k, str) and k not in self.key_to_index:
                if self.ngram_rows(k).size == 0:
                    resolved.append(k)  # the base class skips it or raises
                    continue
                k = self._oov_vector(k)
            resolved.append(k)
        return super().get_mean_vector(
            resolved,
            weights,
            pre_normalize=pre_normalize,
            post_normalize=post_normalize,
            ignore_missing=ignore_missing,
            divide_by=divide_by,
        )

    def _split_terms(self, positive, negative):
        return super()._split_terms(self._resolve(positive), self._resolve(negative))

    def most_similar(
        self,
        positive=None,
        negative=None,
        topn: int | None = 10,
        restrict_vocab: int | None = None,
        indexer: Any = None,
        exact: bool = False,
    ):
        """As :meth:`WordVectors.most_similar`; words outside the vocabulary are queried by
        their n-gram vectors (and, not being vocabulary words, are not excluded)."""
        return super().most_similar(
            self._resolve(positive),
            self._resolve(negative),
            topn=topn,
            restrict_vocab=restrict_vocab,
            indexer=indexer,
            exact=exact,
        )

    def most_similar_cosmul(
        self, positive=None, negative=None, topn: int | None = 10, restrict_vocab: int | None = None
    ):
        return super().most_similar_cosmul(
            self._resolve(positive),
            self._resolve(negative),
            topn=topn,
            restrict_vocab=restrict_vocab,
        )

    def distances(self, word_or_vector, other_words: Sequence[str] = ()) -> np.ndarray:
        if isinstance(word_or_vector, str):
            word_or_vector = self.get_vector(word_or_vector, norm=True)
        if len(other_words) == 0:
            return super().distances(word_or_vector)
        v = np.asarray(word_or_vector, dtype=np.float32)
        v = v / max(float(np.linalg.norm(v)), 1e-30)
        others = np.vstack([self.get_vector(w, norm=True) for w in other_words])
        return 1.0 - others @ v

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word furthest from the mean of the others (words without any vector ignored)."""
        used = [w for w in words if w in self]
        if len(used) != len(words):
            warnings.warn(
                f"no vectors for words {[w for w in words if w not in self]}, ignoring them",
                stacklevel=2,
            )
        if not used:
            raise ParameterError("cannot select a word from an empty list (no known words)")
        vecs = np.vstack([self.get_vector(w, norm=True) for w in used])
        m = vecs.mean(axis=0)
        m /= max(float(np.linalg.norm(m)), 1e-30)
        return used[int(np.argmin(vecs @ m))]

    def lookup(self, tokens: Sequence[str], norm: bool = False) -> tuple[list[str], np.ndarray]:
        """The tokens that have a vector (vocabulary words, or any string with n-grams), in
        order with repeats, and their vectors as the rows of one float32 matrix: what text
        similarity and WMD need to use out-of-vocabulary words instead of dropping them."""
        kept = [t for t in tokens if t in self]
        if not kept:
            return [], np.zeros((0, self.vector_size), dtype=np.float32)
        return kept, np.vstack([self.get_vector(t, norm=norm) for t in kept])

    def most_similar_many(
        self,
        words: Sequence[str],
        topn: int = 10,
        restrict_vocab: int | None = None,
        batch_size: int = 256,
        indexer: Any = None,
        exact: bool = False,
    ):
        """As :meth:`WordVectors.most_similar_many`; out-of-vocabulary words are queried by
        their n-gram vectors."""
        kw = {"restrict_vocab": restrict_vocab, "indexer": indexer, "exact": exact}
        if all(w in self.key_to_index for w in words):
            return super().most_similar_many(words, topn=topn, batch_size=batch_size, **kw)
        return [self.most_similar(w, topn=topn, **kw) for w in words]

    def missing(self, words) -> list[str]:
        """Words (in order, without repeats) for which no vector can be built."""
        seen: set[str] = set()
        out = []
        for w in words:
            if w not in seen and w not in self:
                seen.add(w)
                out.append(w)
        return out

    # ------------------------------------------------------------------ structure
    def plain(self) -> WordVectors:
        """The vocabulary's vectors without the n-grams (a :class:`WordVectors` sharing the
        arrays)."""
        return WordVectors(
            self.index_to_key, self.vectors, counts=self.counts, extras=self.extras, meta=self.meta
        )

    # ------------------------------------------------------------------ native format
    def native_parts(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """The arrays and ``meta.json`` entries that :meth:`from_native` reads back."""
        arrays = {"vectors_ngrams": self.vectors_ngrams}
        if self.vectors_vocab is not None:
            arrays["vectors_vocab"] = self.vectors_vocab
        meta = {
            META_KEY: {
                "minn": self.minn,
                "maxn": self.maxn,
                "bucket": self.bucket,
                "hash": "fasttext-fnv1a",
            }
        }
        return arrays, meta

    def save(self, path: str | os.PathLike, *, layout: str | None = None) -> None:
        """Save natively, n-gram vectors included (``wordspace.load`` gives them back)."""
        arrays, meta = self.native_parts()
        from wordspace.io.native import save_native  # facade: SubwordVectors.save

        save_native(self, path, layout=layout, extra_arrays=arrays, extra_meta=meta)

    @classmethod
    def from_native(
        cls,
        wv: WordVectors,
        arrays: dict[str, np.ndarray],
        meta: Mapping[str, Any],
        path: str | os.PathLike = "<model>",
    ) -> SubwordVectors:
        """The SubwordVectors of a native model whose ``meta.json`` has a ``subwords`` entry:
        ``wv`` as built by ``formats.vectors_from_native``; the arrays used are removed from
        ``arrays``."""
        info = meta.get(META_KEY)
        if not isinstance(info, Mapping):
            raise FormatError(f"{path}: meta.json has no '{META_KEY}' entry")
        try:
            minn, maxn, bucket = (info["minn"], info["maxn"], info["bucket"])
        except KeyError as e:
            raise FormatError(f"{path}: meta.json's '{META_KEY}' lacks {e.args[0]!r}") from None
        if "vectors_ngrams" not in arrays:
            raise FormatError(
                f"{path}: meta.json says the model has subwords, but vectors_ngrams.npy is missing"
            )
        ng = arrays.pop("vectors_ngrams")
        vocab_rows = arrays.pop("vectors_vocab", None)
        return cls(
            wv.index_to_key,
            wv.vectors,
            ng,
            minn=minn,
            maxn=maxn,
            bucket=bucket,
            counts=wv.counts,
            extras=wv.extras,
            meta=wv.meta,
            vectors_vocab=vocab_rows,
        )

    @classmethod
    def from_input_matrix(
        cls,
        keys: Sequence[str],
        input_matrix: np.ndarray,
        *,
        minn: int,
        maxn: int,
        bucket: int,
        counts: np.ndarray | None = None,
        meta: Mapping[str, Any] | None = None,
        raw_words: Sequence[bytes] | None = None,
    ) -> SubwordVectors:
        """From fastText's input matrix (``len(keys) + bucket`` rows: words, then buckets):
        each word's vector is the mean of its subword rows, as the official tool computes it.
        The result's ``vectors_vocab`` / ``vectors_ngrams`` are views of ``input_matrix``.
        ``raw_words``: the words' bytes as stored in a file, when they are not valid UTF-8."""
        from wordspace.kernels.fasttext import compose_vectors

        n = len(keys)
        wi = np.asarray(input_matrix)
        if wi.ndim != 2 or wi.shape[0] != n + bucket:
            raise FormatError(
                f"the input matrix has shape {wi.shape}; expected "
                f"({n} words + {bucket} buckets, dim)"
            )
        ptr, idx = subword_table(raw_words if raw_words is not None else keys, minn, maxn, bucket)
        vecs = np.empty((n, wi.shape[1]), dtype=np.float32)
        compose_vectors(wi, ptr, idx, vecs)
        return cls(
            keys,
            vecs,
            wi[n:],
            minn=minn,
            maxn=maxn,
            bucket=bucket,
            counts=counts,
            meta=meta,
            vectors_vocab=wi[:n],
        )
