"""gensim 4's ``KeyedVectors`` over :class:`wordspace.WordVectors`.

:class:`KeyedVectors` *is* a :class:`~wordspace.WordVectors` (every wordspace function accepts
it) with gensim 4.4's method names, signatures and return shapes on top: per-key attributes
(``get_vecattr``/``set_vecattr``, ``count`` being wordspace's ``counts``), growing the set of
keys (``add_vector(s)``, ``kv[key] = vector``), ``evaluate_word_pairs`` returning
``((pearson, p), (spearman, p), oov_ratio)`` and ``evaluate_word_analogies`` returning
``(score, sections)`` as plain tuples, ``save``/``load`` in wordspace's native format (never
pickle). What gensim offers only through pickle raises
:class:`~wordspace.compat.gensim.UnsupportedError` saying why.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from wordspace._base import is_int
from wordspace._files import bounded_lines
from wordspace.compat.gensim._errors import (
    CompatWarning,
    DecodingError,
    RemovedAttributeError,
    UnsupportedError,
    VecattrError,
    gensim_error,
)
from wordspace.errors import FormatError, ParameterError
from wordspace.vectors.keyed import WordVectors
from wordspace.vectors.subword import SubwordVectors

__all__ = [
    "KeyedVectors",
    "CorrelationResult",
    "REAL",
    "Word2VecKeyedVectors",
    "pseudorandom_weak_vector",
]

logger = logging.getLogger(__name__)

REAL = np.float32

_REMOVED = {
    "vocab": "The vocab attribute was removed from KeyedVector in Gensim 4.0.0. Use "
    "KeyedVector's .key_to_index dict, .index_to_key list, and methods "
    ".get_vecattr(key, attr) and .set_vecattr(key, attr, new_val) instead.",
    "index2word": "The index2word attribute has been replaced by index_to_key since Gensim "
    "4.0.0. See https://github.com/RaRe-Technologies/gensim/wiki/Migrating-from-"
    "Gensim-3.x-to-4",
    "index2entity": "The index2entity attribute has been replaced by index_to_key since Gensim "
    "4.0.0. See https://github.com/RaRe-Technologies/gensim/wiki/Migrating-from-"
    "Gensim-3.x-to-4",
    "vectors_norm": "The `.vectors_norm` attribute is computed dynamically since Gensim 4.0.0. "
    "Use `.get_normed_vectors()` instead. See https://github.com/RaRe-"
    "Technologies/gensim/wiki/Migrating-from-Gensim-3.x-to-4",
}


_default_prng = np.random.default_rng()


def pseudorandom_weak_vector(
    size: int, seed_string: str | None = None, hashfxn: Any = hash
) -> np.ndarray:
    """A small random float32 vector (uniform in ``[-0.5, 0.5) / size``), as gensim's:
    reproducible from ``hashfxn(seed_string)`` when ``seed_string`` is given."""
    if seed_string:
        once = np.random.Generator(np.random.SFC64(hashfxn(seed_string) & 0xFFFFFFFF))
    else:
        once = _default_prng
    return ((once.random(size).astype(REAL) - 0.5) / size).astype(REAL)


class CorrelationResult(NamedTuple):
    """One correlation of :meth:`KeyedVectors.evaluate_word_pairs`: ``(statistic, pvalue)``,
    indexable as gensim's scipy results (``result[1][0]`` is the Spearman correlation)."""

    statistic: float
    pvalue: float

    @property
    def correlation(self) -> float:  # scipy's older name, still used in gensim tutorials
        return self.statistic


def refuse_pickle(path: str | os.PathLike, what: str, hint: str | None = None) -> None:
    """Raise :class:`UnsupportedError` when ``path`` is a pickle (a file gensim saved)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
    except (IsADirectoryError, FileNotFoundError, PermissionError):
        return  # a native folder, or an error load_native reports
    if len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        raise UnsupportedError(
            f"{path} is a Python pickle (a {what} saved by gensim); wordspace never unpickles "
            "files, as loading a pickle can run arbitrary code. "
            + (
                hint
                or "In gensim, export the vectors with model.wv.save_word2vec_format("
                "'vectors.bin', binary=True) and load that with "
                "KeyedVectors.load_word2vec_format('vectors.bin', binary=True)"
            )
        )


def _mmap_flag(mmap: Any) -> bool:
    if mmap in (None, False, "", "c"):  # "c": copy-on-write; we read it into memory
        return False
    if mmap in ("r", True):
        return True
    raise ParameterError(f"mmap must be None or 'r', got {mmap!r}")


if TYPE_CHECKING:  # the mixin always goes before WordVectors in the bases
    _KVBase = WordVectors
else:
    _KVBase = object


class _GensimKV(_KVBase):
    """gensim 4.4's ``KeyedVectors`` methods for a :class:`WordVectors` subclass."""

    mapfile_path: str | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def _from_vectors(cls, wv: WordVectors) -> Any:
        """A gensim-style view of ``wv`` sharing its arrays (writeable where the arrays behind
        them are, as gensim's); the key list and dict are copied, not re-validated."""
        obj = cls.__new__(cls)
        obj.__dict__.update(vars(wv))
        obj.index_to_key = list(wv.index_to_key)
        obj.key_to_index = dict(wv.key_to_index)
        obj.extras = dict(wv.extras)
        obj.meta = dict(wv.meta)
        v = wv.vectors
        base = v.base
        if (
            not v.flags.writeable
            and type(base) is np.ndarray
            and base.flags.writeable
            and base.shape == v.shape
            and base.dtype == v.dtype
            and base.flags.c_contiguous
        ):
            obj.vectors = base  # the trainer's own array: model.wv.vectors is the weights
        return obj

    def __getattr__(self, name: str) -> Any:  # only for names not found normally
        if name in _REMOVED:
            raise RemovedAttributeError(_REMOVED[name])
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def add_lifecycle_event(
        self, event_name: str, log_level: int = logging.INFO, **event: Any
    ) -> None:
        """Record an event in ``lifecycle_events`` (gensim's ``SaveLoad`` bookkeeping)."""
        event = {**event, "event": event_name}
        self.__dict__.setdefault("lifecycle_events", []).append(event)
        logger.log(log_level, "%s lifecycle event %s", type(self).__name__, event)

    def __str__(self) -> str:
        return f"{type(self).__name__}<vector_size={self.vector_size}, {len(self)} keys>"

    def _reset_norms(self) -> None:
        self._norms = self._unit = self._nonfinite = None

    @property
    def wv(self) -> Any:
        """The vectors themselves (gensim 3's ``model.wv`` idiom, used in gensim 4.4's own
        ``KeyedVectors`` docstring example, where it raises AttributeError)."""
        return self

    @property
    def next_index(self) -> int:
        """Index the next added key gets (gensim's attribute)."""
        return len(self.index_to_key)

    # ------------------------------------------------------------------ keys and vecattrs
    def get_index(self, key: Any, default: int | None = None) -> int:
        """Index of ``key`` (a string, or an int index as in gensim); :class:`OutOfVocabulary
        Error` (a ``KeyError``) unless ``default`` is given."""
        if is_int(key) and key not in self.key_to_index and 0 <= key < len(self.index_to_key):
            return int(key)
        return super().get_index(key, default)

    def get_vector(self, key: Any, norm: bool = False) -> np.ndarray:
        if is_int(key) and key not in self.key_to_index:
            key = self.index_to_key[self.get_index(key)]
        return super().get_vector(key, norm=norm)

    def __getitem__(self, key_or_keys: Any) -> np.ndarray:
        if isinstance(key_or_keys, str) or is_int(key_or_keys):
            return self.get_vector(key_or_keys)
        return (
            np.vstack([self.get_vector(k) for k in key_or_keys])
            if len(key_or_keys)
            else (np.zeros((0, self.vector_size), dtype=np.float32))
        )

    def word_vec(self, *args: Any, **kwargs: Any) -> np.ndarray:
        """Deprecated in gensim 4 too: use :meth:`get_vector`."""
        warnings.warn("Use get_vector instead", DeprecationWarning, stacklevel=2)
        return self.get_vector(*args, **kwargs)

    @property
    def expandos(self) -> dict[str, np.ndarray]:
        """The per-key attribute arrays by name (``count`` is :attr:`counts`)."""
        out = {} if self.counts is None else {"count": self.counts}
        out.update(self.extras)
        return out

    def allocate_vecattrs(
        self, attrs: Iterable[str] | None = None, types: Iterable[Any] | None = None
    ) -> None:
        """Make sure each attribute in ``attrs`` has one slot per key (new slots hold 0)."""
        attrs = list(attrs or [])
        types = list(types or [int] * len(attrs))
        n = len(self.index_to_key)
        for attr, t in zip(attrs, types, strict=True):
            cur = self.expandos.get(attr)
            if cur is not None and len(cur) == n:
                continue
            arr = np.zeros(n, dtype=np.int64 if attr == "count" else t)
            if cur is not None:
                arr[: len(cur)] = cur[:n]
            self._set_attr_array(attr, arr)
        for attr, cur in list(self.expandos.items()):  # grow every attribute with the keys
            if len(cur) < n:
                arr = np.zeros((n, *cur.shape[1:]), dtype=cur.dtype)
                arr[: len(cur)] = cur
                self._set_attr_array(attr, arr)

    def _set_attr_array(self, attr: str, arr: np.ndarray) -> None:
        if attr == "count":
            self.counts = np.asarray(arr, dtype=np.int64)
        else:
            self.extras[attr] = np.asarray(arr)

    def set_vecattr(self, key: Any, attr: str, val: Any) -> None:
        """Set attribute ``attr`` of ``key`` (allocating it for every key on first use)."""
        self.allocate_vecattrs(attrs=[attr], types=[type(val)])
        self.expandos[attr][self.get_index(key)] = val

    def get_vecattr(self, key: Any, attr: str) -> Any:
        """Attribute ``attr`` of ``key`` (``"count"``: its corpus frequency)."""
        index = self.get_index(key)
        arrays = self.expandos
        if attr in ("code", "point") and attr not in arrays:
            vocab = self.__dict__.get("_huffman_source")
            if vocab is not None and len(vocab) == len(self.index_to_key):
                cached = self.__dict__.get("_huffman_cache")
                if cached is None or cached[0] is not vocab:
                    cached = self.__dict__["_huffman_cache"] = (vocab, *vocab.huffman())
                _, codes, points, lengths = cached
                n = int(lengths[index])
                if attr == "code":
                    return np.asarray(codes[index, :n], dtype=np.uint8)
                return np.asarray(points[index, :n], dtype=np.uint32)
        if attr not in arrays:
            have = ", ".join(sorted(arrays)) or "none"
            raise VecattrError(
                f"no key has the attribute {attr!r} (attributes: {have}); set it "
                "with set_vecattr(key, attr, value)"
            )
        return arrays[attr][index]

    def resize_vectors(self, seed: int = 0) -> None:
        """Give every key a vector row (new rows random, as gensim's ``prep_vectors``)."""
        n, have = len(self.index_to_key), len(self.vectors)
        if n > have:
            rng = np.random.default_rng(seed)
            extra = (
                rng.random((n - have, self.vector_size), dtype=np.float32) * 2 - 1
            ) / np.float32(self.vector_size)
            self.vectors = np.ascontiguousarray(np.vstack([self.vectors, extra]))
        elif n < have:
            self.vectors = np.ascontiguousarray(self.vectors[:n])
        self.allocate_vecattrs()
        self._reset_norms()

    def add_vector(self, key: str, vector: np.ndarray) -> int:
        """Add one key and its vector (an existing key keeps its vector, as in gensim);
        returns its index."""
        if key in self.key_to_index:
            warnings.warn(f"Key {key!r} already exists, not adding it", CompatWarning, stacklevel=2)
            return self.key_to_index[key]
        self.add_vectors([key], np.asarray(vector).reshape(1, -1))
        return self.key_to_index[key]

    def add_vectors(
        self,
        keys: Any,
        weights: Any,
        extras: Mapping[str, Any] | None = None,
        replace: bool = False,
    ) -> None:
        """Append keys and their vectors; existing keys keep their vector unless ``replace``.
        ``extras``: per-key attributes of the new keys, by name."""
        if isinstance(keys, str | int | np.integer):
            keys = [keys]
            weights = np.asarray(weights).reshape(1, -1)
        keys = list(keys)
        weights = np.asarray(weights, dtype=np.float32)
        if weights.ndim != 2 or weights.shape != (len(keys), self.vector_size):
            raise ParameterError(
                f"{len(keys)} keys need a ({len(keys)}, {self.vector_size}) array of vectors, "
                f"got shape {weights.shape}"
            )
        for k in keys:
            if not isinstance(k, str):
                raise ParameterError(
                    f"keys must be strings here, got {type(k).__name__} "
                    f"{k!r}; wordspace vectors are keyed by words"
                )
        extras = {k: np.asarray(v) for k, v in (extras or {}).items()}
        in_vocab = np.array([k in self.key_to_index for k in keys], dtype=bool)
        new_keys, seen = [], set()
        for k, known in zip(keys, in_vocab, strict=True):
            if not known and k not in seen:
                seen.add(k)
                new_keys.append(k)
        first_new = [keys.index(k) for k in new_keys]
        n_old = len(self.index_to_key)
        if new_keys:
            vecs = np.vstack([np.asarray(self.vectors, dtype=np.float32), weights[first_new]])
            self.vectors = np.ascontiguousarray(vecs)
            for k in new_keys:
                self.key_to_index[k] = len(self.index_to_key)
                self.index_to_key.append(k)
            self.allocate_vecattrs()
        for attr, arr in extras.items():
            self.allocate_vecattrs([attr], [arr.dtype])
            self.expandos[attr][n_old:] = arr[first_new]
        if replace and in_vocab.any():
            if not self.vectors.flags.writeable:
                self.vectors = np.array(self.vectors)
            pos = np.flatnonzero(in_vocab)
            idx = [self.key_to_index[keys[j]] for j in pos]
            self.vectors[idx] = weights[pos]
            for attr, arr in extras.items():
                self.expandos[attr][idx] = arr[pos]
        self._reset_norms()

    def __setitem__(self, keys: Any, weights: Any) -> None:
        """``kv[key] = vector`` (or lists of both): add, replacing existing vectors."""
        if not isinstance(keys, list):
            keys = [keys]
            weights = np.asarray(weights).reshape(1, -1)
        self.add_vectors(keys, weights, replace=True)

    def sort_by_descending_frequency(self) -> None:
        """Reorder the keys so the most frequent come first (needs counts)."""
        if not len(self):
            return
        if self.counts is None:
            raise ParameterError(
                "these vectors have no counts to sort by; set them with "
                "set_vecattr(key, 'count', n)"
            )
        indices = np.arange(len(self.counts))
        order = np.lexsort((-indices, -self.counts))
        self.index_to_key = [self.index_to_key[i] for i in order]
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        self.counts = self.counts[order]
        self.extras = {k: np.asarray(v)[order] for k, v in self.extras.items()}
        self.vectors = np.ascontiguousarray(np.asarray(self.vectors)[order])
        self._reset_norms()

    # ------------------------------------------------------------------ similarity
    def most_similar(  # type: ignore[override]  # gensim 4's signature, by design
        self,
        positive: Any = None,
        negative: Any = None,
        topn: int | None = 10,
        clip_start: int = 0,
        clip_end: int | None = None,
        restrict_vocab: int | None = None,
        indexer: Any = None,
        exact: bool = False,
    ):
        """gensim's ``most_similar``: ``[(key, cosine), ...]`` (``topn=None``: every score).
        ``clip_start``/``clip_end`` limit the search to that range of indices. ``indexer``:
        as gensim, ``indexer.most_similar(mean, topn)`` answers (query words included), e.g.
        :class:`~wordspace.compat.gensim.similarities.annoy.AnnoyIndexer`. ``exact=True``
        (wordspace's): brute force, ignoring ``indexer``."""
        if exact:
            indexer = None
        if clip_end is None and restrict_vocab is not None:
            clip_end = restrict_vocab
        if indexer is not None and isinstance(topn, int) and not hasattr(indexer, "most_similar"):
            raise UnsupportedError(
                f"indexer= must have gensim's most_similar(vector, num_neighbors), as "
                f"wordspace.compat.gensim.similarities.annoy.AnnoyIndexer has; got "
                f"{type(indexer).__name__}"
            )
        if indexer is not None and isinstance(topn, int):
            keys, weights, _ = self._split_terms(positive, negative)
            mean = self.get_mean_vector(
                keys, weights, pre_normalize=True, post_normalize=True, ignore_missing=False
            )
            return indexer.most_similar(mean, topn)
        if not clip_start:
            return super().most_similar(
                positive, negative, topn=topn, restrict_vocab=clip_end, exact=exact
            )
        scores = super().most_similar(positive, negative, topn=None, restrict_vocab=clip_end)
        scores = np.asarray(scores)[int(clip_start) :]
        if topn is None:
            return scores
        if int(topn) <= 0:
            return []
        exclude = {self.key_to_index[t] for t in self._query_words(positive, negative)}
        order = np.argsort(-np.nan_to_num(scores, nan=-np.inf), kind="stable")
        out = []
        for j in order:
            i = int(j) + int(clip_start)
            if i in exclude or not np.isfinite(scores[j]):
                continue
            out.append((self.index_to_key[i], float(scores[j])))
            if len(out) == int(topn):
                break
        return out

    def _query_words(self, positive: Any, negative: Any) -> list[str]:
        out = []
        for terms in (positive, negative):
            if terms is None:
                continue
            if isinstance(terms, str):
                terms = [terms]
            for t in terms:
                t = t[0] if isinstance(t, tuple) else t
                if isinstance(t, str) and t in self.key_to_index:
                    out.append(t)
        return out

    def similar_by_key(self, key: str, topn: int | None = 10, restrict_vocab: int | None = None):
        """The keys most similar to ``key``."""
        return self.most_similar(positive=[key], topn=topn, restrict_vocab=restrict_vocab)

    def similarity(self, w1: Any, w2: Any) -> float:
        """Cosine similarity of two keys; exactly 1 for a key with itself (as gensim)."""
        if isinstance(w1, str) and w1 == w2 and w1 in self.key_to_index:
            v = self.get_vector(w1)
            if np.all(np.isfinite(v)) and np.any(v):
                return 1.0
        return super().similarity(w1, w2)

    def distance(self, w1: Any, w2: Any) -> float:
        """Cosine distance, ``1 - similarity`` (exactly 0 for a key with itself)."""
        return 1.0 - self.similarity(w1, w2)

    def n_similarity(self, ws1: Sequence[str], ws2: Sequence[str]) -> float:
        """Cosine between the means of two key sets; unknown keys are skipped, as in gensim
        4.4 (``ZeroDivisionError`` when a list is empty, as gensim)."""
        if not (len(ws1) and len(ws2)):
            raise ZeroDivisionError("At least one of the passed list is empty.")
        mean1 = self.get_mean_vector(ws1, pre_normalize=False)
        mean2 = self.get_mean_vector(ws2, pre_normalize=False)
        n1, n2 = float(np.linalg.norm(mean1)), float(np.linalg.norm(mean2))
        return float(np.dot(mean1 / (n1 or 1.0), mean2 / (n2 or 1.0)))

    def most_similar_to_given(self, key1: str, keys_list: Sequence[str]) -> str:
        """The key of ``keys_list`` most similar to ``key1``."""
        return keys_list[int(np.argmax([self.similarity(key1, k) for k in keys_list]))]

    def rank_by_centrality(self, words: Sequence[str], use_norm: bool = True):
        """``[(similarity to the centroid, word), ...]``, most central first (gensim)."""
        self.fill_norms()
        used = [w for w in words if w in self]
        if len(used) != len(words):
            logger.warning(
                "vectors for words %s are not present in the model, ignoring these words",
                set(words) - set(used),
            )
        if not used:
            raise ParameterError("cannot select a word from an empty list (no known words)")
        vectors = np.vstack([self.get_vector(w, norm=use_norm) for w in used]).astype(REAL)
        mean = self.get_mean_vector(vectors, post_normalize=True)
        dists = vectors @ mean
        return sorted(zip(dists, used, strict=True), reverse=True)

    @staticmethod
    def cosine_similarities(vector_1: np.ndarray, vectors_all: np.ndarray) -> np.ndarray:
        """Cosines between one vector and each row of a matrix (gensim's static method)."""
        norm = np.linalg.norm(vector_1)
        all_norms = np.linalg.norm(vectors_all, axis=1)
        dot_products = np.dot(vectors_all, vector_1)
        return dot_products / (norm * all_norms)

    def relative_cosine_similarity(self, wa: str, wb: str, topn: int = 10) -> float:
        """Relative cosine similarity of ``wb`` to ``wa`` among ``wa``'s ``topn`` neighbours
        (Leeuwenberg et al. 2016), as gensim."""
        sims = self.similar_by_word(wa, topn)
        if not sims:
            raise ParameterError(
                "cannot compute a relative cosine similarity without any "
                "similar words (topn must be >= 1)"
            )
        return float(self.similarity(wa, wb)) / sum(s for _, s in sims)

    def similarity_unseen_docs(self, *args: Any, **kwargs: Any):
        raise UnsupportedError(
            "similarity_unseen_docs is Doc2Vec's; gensim's KeyedVectors "
            "raises NotImplementedError too. Use text_similarity() or "
            "wmdistance()"
        )

    # ------------------------------------------------------------------ norms
    def init_sims(self, replace: bool = False) -> None:
        """Deprecated in gensim 4: :meth:`fill_norms` (``replace=True``:
        :meth:`unit_normalize_all`)."""
        warnings.warn(
            "init_sims() is deprecated (as in gensim 4): use fill_norms() or unit_normalize_all()",
            DeprecationWarning,
            stacklevel=2,
        )
        self.fill_norms()
        if replace:
            self.unit_normalize_all()

    def unit_normalize_all(self) -> None:
        """Scale every vector to unit length, in place (irreversible; zero vectors stay)."""
        self.fill_norms()
        unit = np.array(self.get_normed_vectors())
        if self.vectors.flags.writeable:
            self.vectors[...] = unit
        else:  # memory-mapped read-only: normalise a copy
            self.vectors = unit
        self.fill_norms(force=True)

    # ------------------------------------------------------------------ evaluation
    def evaluate_word_pairs(  # type: ignore[override]  # gensim 4's signature, by design
        self,
        pairs: str | os.PathLike,
        delimiter: str = "\t",
        encoding: str = "utf8",
        restrict_vocab: int = 300000,
        case_insensitive: bool = True,
        dummy4unknown: bool = False,
    ):
        """gensim's return shape: ``((pearson, pvalue), (spearman, pvalue), oov_ratio)``,
        ``oov_ratio`` in percent. Same figures as gensim on the same vectors."""
        from wordspace.analysis.evaluate import evaluate_word_pairs

        r = evaluate_word_pairs(
            self,
            pairs,
            delimiter=delimiter,
            encoding=encoding,
            restrict_vocab=restrict_vocab,
            case_insensitive=case_insensitive,
            dummy4unknown=dummy4unknown,
        )
        return (CorrelationResult(*r.pearson), CorrelationResult(*r.spearman), r.oov_ratio)

    def evaluate_word_analogies(  # type: ignore[override]  # gensim 4's signature, by design
        self,
        analogies: str | os.PathLike,
        restrict_vocab: int = 300000,
        case_insensitive: bool = True,
        dummy4unknown: bool = False,
        similarity_function: str = "most_similar",
    ):
        """gensim's return shape: ``(score, sections)``, ``sections`` a list of
        ``{"section", "correct", "incorrect"}`` dicts ending with ``"Total accuracy"``."""
        from wordspace.analysis.evaluate import evaluate_word_analogies

        methods = {"most_similar": "3cosadd", "most_similar_cosmul": "3cosmul"}
        if similarity_function not in methods:
            raise UnsupportedError(
                f"similarity_function={similarity_function!r} is not supported: use "
                "'most_similar' (3CosAdd) or 'most_similar_cosmul' (3CosMul)"
            )
        r = evaluate_word_analogies(
            self,
            analogies,
            restrict_vocab=restrict_vocab,
            case_insensitive=case_insensitive,
            dummy4unknown=dummy4unknown,
            method=methods[similarity_function],
        )
        return r.score, r.sections

    @staticmethod
    def log_accuracy(section: Mapping[str, Any]) -> float | None:
        correct, incorrect = len(section["correct"]), len(section["incorrect"])
        if correct + incorrect == 0:
            return None
        score = correct / (correct + incorrect)
        logger.info(
            "%s: %.1f%% (%i/%i)", section["section"], 100.0 * score, correct, correct + incorrect
        )
        return score

    @staticmethod
    def log_evaluate_word_pairs(pearson: Any, spearman: Any, oov: float, pairs: Any) -> None:
        logger.info("Pearson correlation coefficient against %s: %.4f", pairs, pearson[0])
        logger.info(
            "Spearman rank-order correlation coefficient against %s: %.4f", pairs, spearman[0]
        )
        logger.info("Pairs with unknown words ratio: %.1f%%", oov)

    # ------------------------------------------------------------------ files
    def save(
        self,
        fname_or_handle: str | os.PathLike,
        separately: Any = None,
        sep_limit: int = 10 * 1024**2,
        ignore: Any = frozenset(),
        pickle_protocol: int = 4,
        *,
        layout: str | None = None,
    ) -> None:
        """Save in wordspace's native format (``vectors.npy`` + ``meta.json`` in one zip, no
        pickle); :meth:`load` reads it, memory-mapped with ``mmap='r'``. ``separately``,
        ``sep_limit``, ``ignore`` and ``pickle_protocol`` only steer gensim's pickling and
        have no effect here."""
        if not isinstance(fname_or_handle, str | os.PathLike):
            raise UnsupportedError(
                "save() needs a path: the native format is a zip or folder "
                "written atomically, not a stream into an open handle"
            )
        super().save(fname_or_handle, layout=layout)

    @classmethod
    def load(cls, fname: str | os.PathLike, mmap: Any = None):
        """Load vectors saved by :meth:`save` (or any native wordspace model);
        ``mmap='r'`` memory-maps them (read-only, shared across processes)."""
        from wordspace.io.native import load_native

        refuse_pickle(fname, "KeyedVectors")
        wv = load_native(fname, mmap=_mmap_flag(mmap))
        return as_keyed_vectors(wv)

    def save_word2vec_format(  # type: ignore[override]  # gensim 4's signature, by design
        self,
        fname: str | os.PathLike,
        fvocab: str | None = None,
        binary: bool = False,
        total_vec: int | None = None,
        write_header: bool = True,
        prefix: str = "",
        append: bool = False,
        sort_attr: str = "count",
    ) -> None:
        """Write the word2vec text (or ``binary``) format, as gensim: keys sorted by
        ``sort_attr`` (descending) when the vectors have it; ``fvocab``: also write
        ``word count`` lines there."""
        if prefix or append or total_vec is not None:
            raise UnsupportedError(
                "prefix=, append= and total_vec= serve gensim's Doc2Vec (writing document and "
                "word vectors into one file); they are not supported: write one file per set"
            )
        out: WordVectors = self
        attr = self.expandos.get(sort_attr)
        if attr is not None and len(self):
            order = np.argsort(-np.asarray(attr), kind="stable")
            if not np.array_equal(order, np.arange(len(self))):
                out = WordVectors.subset(self, [self.index_to_key[i] for i in order])
        if fvocab is not None:
            from wordspace._files import atomic_path

            counts = out.counts if out.counts is not None else np.zeros(len(out), np.int64)
            with atomic_path(fvocab) as tmp:
                tmp.write_text(
                    "".join(
                        f"{w} {int(c)}\n" for w, c in zip(out.index_to_key, counts, strict=True)
                    ),
                    encoding="utf-8",
                )
        WordVectors.save_word2vec_format(out, fname, binary=binary, write_header=write_header)

    @classmethod
    def load_word2vec_format(  # type: ignore[override]  # gensim 4's signature, by design
        cls,
        fname: str | os.PathLike,
        fvocab: str | None = None,
        binary: bool = False,
        encoding: str = "utf8",
        unicode_errors: str = "strict",
        limit: int | None = None,
        datatype: Any = REAL,
        no_header: bool = False,
    ):
        """Read the word2vec text/binary format (or GloVe text with ``no_header=True``).

        As gensim: keys without a count from ``fvocab`` get ``count = vocab_size - index``.
        Vectors are always float32 (another ``datatype`` warns)."""
        from wordspace.io.formats import load_word2vec_format

        if encoding.replace("-", "").lower() != "utf8":
            raise UnsupportedError(
                f"encoding={encoding!r} is not supported: word vector files "
                "are read as UTF-8; re-encode the file (iconv)"
            )
        if np.dtype(datatype) != np.float32:
            warnings.warn(
                f"datatype={np.dtype(datatype)} is ignored: wordspace keeps vectors as float32",
                CompatWarning,
                stacklevel=2,
            )
        try:
            wv = load_word2vec_format(
                fname,
                binary=bool(binary),
                no_header=bool(no_header),
                limit=limit,
                unicode_errors=unicode_errors,
            )
        except FormatError as e:
            raise gensim_error(e) from None
        n = len(wv)
        counts = np.arange(n, 0, -1, dtype=np.int64)
        if fvocab is not None:
            given = _read_fvocab(fvocab, unicode_errors)
            counts = np.array(
                [given.get(w, n - i) for i, w in enumerate(wv.index_to_key)], dtype=np.int64
            )
        kv = cls._from_vectors(wv)
        kv.counts = counts
        return kv

    def intersect_word2vec_format(
        self,
        fname: str | os.PathLike,
        lockf: float = 0.0,
        binary: bool = False,
        encoding: str = "utf8",
        unicode_errors: str = "strict",
    ) -> None:
        """Replace the vectors of keys that also appear in ``fname`` by the file's vectors.
        No new keys are added. ``lockf`` is stored in ``vectors_lockf`` for the imported keys:
        a model's ``train()`` then keeps them (0.0) or trains them (1.0), as in gensim."""
        other = type(self).load_word2vec_format(
            fname, binary=binary, encoding=encoding, unicode_errors=unicode_errors
        )
        if other.vector_size != self.vector_size:
            raise ParameterError(
                f"incompatible vector size {other.vector_size} in file {fname}"
                f" (these vectors have {self.vector_size})"
            )
        if not self.vectors.flags.writeable:
            self.vectors = np.array(self.vectors)
        hits = 0
        lock = None
        if lockf != 1.0:
            lock = np.ones(len(self), dtype=np.float32)
            old = np.asarray(getattr(self, "vectors_lockf", np.ones(1)), dtype=np.float32)
            if old.shape == lock.shape:
                lock[:] = old
        for w, i in other.key_to_index.items():
            j = self.key_to_index.get(w)
            if j is not None:
                self.vectors[j] = other.vectors[i]
                if lock is not None:
                    lock[j] = lockf
                hits += 1
        if lock is not None:
            self.vectors_lockf = lock
        logger.info("merged %d vectors into %s matrix from %s", hits, self.vectors.shape, fname)
        self._reset_norms()

    def vectors_for_all(
        self, keys: Iterable[str], allow_inference: bool = True, copy_vecattrs: bool = False
    ) -> KeyedVectors:
        """A new :class:`KeyedVectors` with the vectors of ``keys`` (deduplicated, in order;
        keys without a vector are left out; with subwords, unseen words are inferred)."""
        vocab, seen = [], set()
        for key in keys:
            if key not in seen:
                seen.add(key)
                if key in (self if allow_inference else self.key_to_index):
                    vocab.append(key)
        vecs = (
            np.vstack([self.get_vector(k) for k in vocab])
            if vocab
            else np.zeros((0, self.vector_size), np.float32)
        )
        kv = KeyedVectors._from_vectors(WordVectors(vocab, vecs))
        kv.counts = np.arange(len(vocab), 0, -1, dtype=np.int64)  # as gensim's _add_word_to_kv
        if copy_vecattrs:
            for attr, arr in self.expandos.items():
                for k in vocab:
                    i = self.key_to_index.get(k)
                    if i is not None:
                        kv.set_vecattr(k, attr, arr[i])
        return kv


def _load_word2vec_format(
    cls: Any,
    fname: str | os.PathLike,
    fvocab: str | None = None,
    binary: bool = False,
    encoding: str = "utf8",
    unicode_errors: str = "strict",
    limit: int | None = None,
    datatype: Any = REAL,
    no_header: bool = False,
    binary_chunk_size: int = 100 * 1024,
) -> Any:
    """gensim's module-level loader: ``cls.load_word2vec_format`` (``binary_chunk_size`` only
    tunes gensim's reader and is accepted for its signature)."""
    if not is_int(binary_chunk_size) or binary_chunk_size < 1:
        raise ParameterError(
            f"binary_chunk_size must be a positive integer, got {binary_chunk_size!r}"
        )
    return cls.load_word2vec_format(
        fname,
        fvocab=fvocab,
        binary=binary,
        encoding=encoding,
        unicode_errors=unicode_errors,
        limit=limit,
        datatype=datatype,
        no_header=no_header,
    )


def _read_fvocab(path: str | os.PathLike, unicode_errors: str = "strict") -> dict[str, int]:
    out: dict[str, int] = {}
    with open(path, "rb") as fh:
        for n, raw in enumerate(bounded_lines(fh, path), 1):
            try:
                line = raw.decode("utf-8", errors=unicode_errors)
            except UnicodeDecodeError as e:
                raise DecodingError(
                    f"{path}, line {n}: {raw!r} is not valid UTF-8 ({e.reason} at byte "
                    f"{e.start}); pass unicode_errors='replace' (or 'ignore') to load it anyway",
                    e,
                ) from None
            parts = line.rstrip("\n").rsplit(" ", 1)
            if len(parts) != 2 or not parts[1].strip().lstrip("-").isdigit():
                raise FormatError(f"{path}, line {n}: expected 'word count', got {line!r}")
            out[parts[0]] = int(parts[1])
    return out


class KeyedVectors(_GensimKV, WordVectors):
    """gensim 4's ``KeyedVectors`` on wordspace's :class:`~wordspace.WordVectors`.

    ``KeyedVectors(vector_size, count=0, dtype=np.float32, mapfile_path=None)`` makes an empty
    set to fill with :meth:`add_vector`/:meth:`add_vectors`, as gensim's constructor; trained
    and loaded vectors come from ``model.wv``, :meth:`load` and :meth:`load_word2vec_format`.
    ``count`` reserves nothing here (rows are added with their keys) and ``len()`` counts the
    keys added; vectors are always float32.
    """

    def __init__(
        self, vector_size: int, count: int = 0, dtype: Any = REAL, mapfile_path: str | None = None
    ):
        if not is_int(vector_size) or vector_size < 1:
            raise ParameterError(f"vector_size must be a positive integer, got {vector_size!r}")
        if not is_int(count) or count < 0:
            raise ParameterError(f"count must be an integer >= 0, got {count!r}")
        if np.dtype(dtype) != np.float32:
            warnings.warn(
                f"dtype={np.dtype(dtype)} is ignored: wordspace keeps vectors as float32",
                CompatWarning,
                stacklevel=2,
            )
        WordVectors.__init__(self, [], np.zeros((0, int(vector_size)), np.float32), writeable=True)
        self.mapfile_path = mapfile_path

    def __repr__(self) -> str:
        return f"KeyedVectors({len(self):,} keys x {self.vector_size} dims)"


#: gensim 3's name, kept as an alias by gensim 4
Word2VecKeyedVectors = KeyedVectors


def _is_kv(obj: Any) -> bool:
    return isinstance(obj, _GensimKV)


def as_keyed_vectors(wv: WordVectors) -> Any:
    """A gensim-style view (:class:`KeyedVectors`, or ``FastTextKeyedVectors`` for subword
    vectors) of any wordspace vectors, sharing their arrays."""
    if _is_kv(wv):
        return wv
    if isinstance(wv, SubwordVectors):
        from wordspace.compat.gensim.models.fasttext import FastTextKeyedVectors

        return FastTextKeyedVectors._from_vectors(wv)
    return KeyedVectors._from_vectors(wv)
