"""Collocation detection: join frequent word pairs ("new york" -> ``new_york``) before training.

The phrase step of Mikolov et al. 2013 ("Distributed Representations of Words and Phrases and
their Compositionality", section 4; the C tool's ``word2phrase``), with the semantics of
gensim 4.4's ``Phrases``, so that the same settings give the same phrase set:

* **Counting.** Every token that is not a connector word is a unigram. A *candidate* is a
  non-connector word ``b`` that follows an earlier non-connector word ``a`` of the same
  sentence with only connector words (``ENGLISH_CONNECTOR_WORDS``: articles, some prepositions
  and conjunctions) between them: ``bank of america`` is the candidate ``bank_of_america``. No
  phrase starts or ends with a connector. The counting runs in compiled code over the corpus's
  id array (:mod:`wordspace.kernels.phrases`), not over Python dicts of strings.
* **Scores.** ``"default"`` (Mikolov): ``(count(ab) - min_count) / (count(a) * count(b)) * N``
  where ``N`` is gensim's ``len(vocab)``: the number of distinct unigrams *and* candidates
  counted. ``"npmi"``: normalised pointwise mutual information, ``log(p(ab) / (p(a) p(b))) /
  -log(p(ab))`` with probabilities over all corpus tokens (connectors included), ``-inf``
  below ``min_count``. A candidate is a phrase when its score is **strictly greater** than
  ``threshold``. A callable ``scoring(worda_count, wordb_count, bigram_count, len_vocab,
  min_count, corpus_word_count)`` is accepted too (called once per candidate: slower).
* **Memory: pruning as gensim does.** ``max_vocab_size`` bounds the number of distinct keys
  (unigrams + candidates): after any sentence at which the count exceeds it, every key seen
  fewer than ``min_reduce`` times is dropped and ``min_reduce`` grows by one (gensim's
  ``prune_vocab``, at the same points of the stream, so the counts stay identical to gensim's).
  Counting is exact while the limit is not reached. Memory: without pruning the candidates are
  counted by sorting one packed ``int64`` per candidate occurrence (8 bytes per corpus token at
  most); when pruning is needed, in a hash table of 24 bytes per slot (at most ~40M keys at
  70 % load: ~1.4 GB at the default). ``max_vocab_size=None`` never prunes.
* **Joining** (:meth:`Phrases.transform`, and ``Corpus(..., phrases=...)``): gensim's
  ``analyze_sentence`` with the frozen phrase table, left to right; a joined phrase does not
  chain with the next word, which is why a second pass (fitted on the output of the first)
  finds trigrams such as ``new_york_city``.
* **Tokens that contain the delimiter.** gensim keys unigrams and candidates by their joined
  string, in one dict, and scores a learned key by splitting the string at the delimiter
  (first part, last part). Both quirks are reproduced: a corpus token ``new_york`` adds to the
  count of the candidate ``new york``, and in a second pass ``new_york city`` is scored with
  the counts of ``new`` and ``city``. This only matters when tokens hold the delimiter (second
  passes, or corpora with underscores); it is done on strings for those keys only.

:class:`Phrases` is an estimator (:mod:`wordspace.train._common`): parameters in ``__init__``,
``fit`` learns, ``phrases_`` is a DataFrame (phrase, count, score), ``export``/``load`` write and
read a small JSON file (the phrase table and the parameters; no pickle). Apply phrases while
training with ``Corpus("corpus.txt", phrases=[bigrams, trigrams])``: every trainer reads the
joined stream, nothing is written to disk.
"""

from __future__ import annotations

import inspect
import json
import logging
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from wordspace._base import Estimator, Rule, integer, is_finite_num, is_int
from wordspace._schema import Fields
from wordspace.errors import CorpusError, FormatError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from wordspace.text.corpus import CorpusScan

__all__ = ["Phrases", "PhraseTokenizer", "ENGLISH_CONNECTOR_WORDS", "learn_phrases", "FORMAT_NAME"]

logger = logging.getLogger(__name__)

#: gensim 4's connector words for English: articles, some prepositions, some conjunctions
ENGLISH_CONNECTOR_WORDS: frozenset[str] = frozenset(
    " a an the  for of with without at from to in on by  and or ".split()
)

FORMAT_NAME = "wordspace-phrases"
_FORMAT_VERSION = 1
_SCORER_ARGS = (
    "worda_count",
    "wordb_count",
    "bigram_count",
    "len_vocab",
    "min_count",
    "corpus_word_count",
)


def _scoring_ok(v: Any, p: Any) -> bool:
    if isinstance(v, str):
        return v in ("default", "npmi")
    if not callable(v):
        return False
    try:
        params = inspect.signature(v).parameters
    except (TypeError, ValueError):
        return False
    if any(q.kind == q.VAR_KEYWORD for q in params.values()):
        return True
    return all(a in params for a in _SCORER_ARGS)


def _threshold_ok(v: Any, p: Any) -> bool:
    if not is_finite_num(v):
        return False
    if p["scoring"] == "default":
        return v > 0
    if p["scoring"] == "npmi":
        return -1 <= v <= 1
    return True


def _connectors_ok(v: Any, p: Any) -> bool:
    if isinstance(v, str | bytes) or not isinstance(v, Iterable):
        return False
    return all(isinstance(w, str) and w for w in v)


class Phrases(Estimator):
    """Learn collocations ("new york" -> ``new_york``) from a corpus, gensim 4.4's way.

    Parameters
    ----------
    min_count:
        Candidates seen fewer times are never phrases (``"default"`` subtracts it from the
        count; ``"npmi"`` requires it). An integer >= 1.
    threshold:
        A candidate whose score is strictly greater becomes a phrase. ``"default"``: > 0
        (10 as in gensim and word2phrase's first pass); ``"npmi"``: in [-1, 1] (e.g. 0.5).
    scoring:
        ``"default"`` (Mikolov et al.), ``"npmi"``, or a callable taking the keyword
        arguments ``worda_count, wordb_count, bigram_count, len_vocab, min_count,
        corpus_word_count`` and returning a float (slower: one Python call per candidate).
    connector_words:
        Words that may stand inside a phrase but never start or end one (``bank_of_america``);
        :data:`ENGLISH_CONNECTOR_WORDS` for English. Default: none (as gensim).
    max_vocab_size:
        Most distinct keys (unigrams + candidates) kept while counting; beyond it the rare ones
        are pruned as gensim prunes (see the module docstring). None: count everything.
    delimiter:
        Glue of the joined tokens (``"_"``).

    Attributes
    ----------
    phrases_:
        DataFrame with columns ``phrase``, ``count``, ``score``, highest score first.
    phrasegrams_:
        ``{phrase: score}`` (gensim's ``FrozenPhrases.phrasegrams``).
    corpus_word_count_, len_vocab_:
        All tokens counted, and the number of distinct keys (``N`` of the default score).

    Examples
    --------
    >>> ph = Phrases(min_count=1, threshold=1.0).fit([["new", "york", "is", "big"]] * 3)
    >>> ph.transform(["i", "love", "new", "york"])
    ['i', 'love', 'new_york']
    """

    _constraints: ClassVar[tuple[Rule, ...]] = (
        integer("min_count", min=1),
        Rule(
            ("scoring",),
            _scoring_ok,
            "scoring must be 'default', 'npmi' or a callable taking the keyword arguments "
            + ", ".join(_SCORER_ARGS)
            + "; got {value!r}",
        ),
        Rule(
            ("threshold",),
            _threshold_ok,
            "threshold must be a finite number, > 0 for scoring='default' and in [-1, 1] for "
            "scoring='npmi'; got {value!r} (scoring={scoring!r})",
        ),
        Rule(
            ("connector_words",),
            _connectors_ok,
            "connector_words must be a collection of non-empty strings (e.g. "
            "wordspace.text.phrases.ENGLISH_CONNECTOR_WORDS), got {value!r}",
        ),
        integer("max_vocab_size", min=1, optional=True),
        Rule(
            ("delimiter",),
            lambda v, p: isinstance(v, str) and v != "" and not v.isspace(),
            "delimiter must be a non-empty string that is not whitespace, got {value!r}",
        ),
    )

    def __init__(
        self,
        *,
        min_count: int = 5,
        threshold: float = 10.0,
        scoring: str | Callable[..., float] = "default",
        connector_words: Iterable[str] = frozenset(),
        max_vocab_size: int | None = 40_000_000,
        delimiter: str = "_",
    ):
        self.min_count = min_count
        self.threshold = threshold
        self.scoring = scoring
        self.connector_words = connector_words
        self.max_vocab_size = max_vocab_size
        self.delimiter = delimiter

    # ------------------------------------------------------------------ state
    @property
    def is_fitted(self) -> bool:
        return getattr(self, "phrasegrams_", None) is not None

    def _html_rows(self) -> list[tuple[str, str]]:
        """Jupyter's display of a fitted model (``estimator_html``): the phrases found."""
        from wordspace._html import escape, num

        top = self.phrases_.head(5)
        shown = ", ".join(
            f"{escape(p)} ({num(sc, 2)})" for p, sc in zip(top["phrase"], top["score"], strict=True)
        )
        return [
            ("phrases", f"{len(self.phrases_):,}" + (f": {shown}" if shown else "")),
            ("tokens counted", f"{int(self.corpus_word_count_):,}"),
        ]

    @property
    def phrases_(self) -> pd.DataFrame:
        """The phrases as a DataFrame: ``phrase``, ``count``, ``score``, best first."""
        import pandas as pd

        self._check_fitted("read phrases_")
        return pd.DataFrame(
            {"phrase": list(self._phrases), "count": self._counts, "score": self._scores}
        )

    def __len__(self) -> int:
        self._check_fitted("take its len()")
        return len(self._phrases)

    def __bool__(self) -> bool:  # an estimator is truthy, fitted or not
        return True

    def _set_table(self, phrases: list[str], counts: np.ndarray, scores: np.ndarray) -> None:
        order = np.lexsort((np.arange(len(phrases)), -scores))
        self._phrases = [phrases[i] for i in order]
        self._counts = np.asarray(counts, dtype=np.int64)[order]
        self._scores = np.asarray(scores, dtype=np.float64)[order]
        self.phrasegrams_ = dict(zip(self._phrases, self._scores.tolist(), strict=True))
        self._connectors = frozenset(self.connector_words)

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: None = None, *, client: Any = None) -> Phrases:
        """Learn the phrases of ``X``: a path, a :class:`~wordspace.Corpus` (its own
        ``phrases`` are applied first, so a second pass finds trigrams) or a re-iterable of
        token lists. Returns self.

        ``client``: a ``dask.distributed.Client``: every file of ``X`` (a corpus of files, a
        glob pattern or a list of paths) is counted on a worker and the counts are merged in
        file order, so the phrases equal the single-machine ones exactly (see
        :mod:`wordspace.distributed`)."""
        from wordspace.text.corpus import as_corpus

        if client is not None:
            from wordspace.distributed._phrases import fit_phrases

            return fit_phrases(self, X, client)
        self._validate()
        corpus = as_corpus(X)
        sc = corpus._scan if corpus._scan is not None else corpus.scan(cache=False)
        return self._fit_scan(sc, corpus.name)

    def _fit_scan(self, sc: CorpusScan, name: str = "the corpus") -> Phrases:
        from wordspace.kernels.phrases import count_phrases

        self._validate()
        if sc.total_words == 0:
            raise CorpusError(f"{name} has no tokens; give a corpus with text")
        types = sc.types
        n_types = len(types)
        conn = frozenset(self.connector_words)
        is_conn = np.zeros(max(n_types, 1), dtype=np.bool_)
        if conn:
            is_conn[:n_types] = np.fromiter(
                (t in conn for t in types), dtype=np.bool_, count=n_types
            )
        mvs = -1 if self.max_vocab_size is None else int(self.max_vocab_size)
        counted = _count_by_sorting(sc, is_conn, n_types, mvs)
        if counted is None:  # gensim's pruning is needed: count in a hash table, pruning
            counted = count_phrases(sc.raw_ids, sc.sentence_starts, is_conn, n_types, mvs, 1 << 16)
        uni, a, sq, b, cab, seq_parent, seq_last, min_reduce = counted
        seqs = _seq_tuples(seq_parent, seq_last)
        return self._fit_counted(
            types, sc.total_words, (uni, a, sq, b, cab, seqs, min_reduce), is_conn, name
        )

    def _fit_counted(
        self, types: list[str], total: int, counted: tuple, is_conn: np.ndarray, name: str
    ) -> Phrases:
        """The phrase table from the counts ``(uni, a, seq, b, count, seqs, min_reduce)``
        (candidates sorted by ``(a, b, seq)``; ``seqs``: the connector sequences as tuples of
        type ids), from one scan or merged on a cluster."""
        from wordspace.kernels.phrases import score_keys

        uni, a, sq, b, cab, seqs, min_reduce = counted
        n_types = len(types)
        delim = self.delimiter

        # keys whose parts hold the delimiter are merged by their joined string, as gensim's
        # dict of strings does (see the module docstring)
        has_delim = np.fromiter((delim in t for t in types), dtype=np.bool_, count=n_types)
        amb_uni = np.flatnonzero(has_delim & (uni > 0))
        if has_delim.any():
            seq_amb = np.array([any(has_delim[c] for c in s) for s in seqs], dtype=np.bool_)
            amb = has_delim[a] | has_delim[b] | seq_amb[sq]
        else:
            amb = np.zeros(len(cab), dtype=np.bool_)
        merged: dict[str, int] = {}
        index = {t: i for i, t in enumerate(types)} if has_delim.any() else {}
        for t in amb_uni.tolist():
            merged[types[t]] = int(uni[t])
        for k in np.flatnonzero(amb).tolist():
            s = _join(types, int(a[k]), seqs[int(sq[k])], int(b[k]), delim)
            merged[s] = merged.get(s, 0) + int(cab[k])
        keep = ~amb
        if merged:  # a plain key whose string equals a merged one joins it
            seq_ids = {t: i for i, t in enumerate(seqs)}
            wanted: dict[tuple[int, int, int], str] = {}
            for s in merged:
                key = _plain_key(s, delim, index, is_conn, seq_ids)
                if key is not None:
                    wanted[key] = s
            if wanted:
                for k in np.flatnonzero(keep).tolist():
                    hit = wanted.get((int(a[k]), int(sq[k]), int(b[k])))
                    if hit is not None:
                        merged[hit] += int(cab[k])
                        keep[k] = False
        n_uni_plain = int(np.count_nonzero((uni > 0) & ~has_delim))
        len_vocab = n_uni_plain + int(np.count_nonzero(keep)) + len(merged)

        if keep.all():
            ka, kb, ks, kc = a, b, sq, cab
        else:
            ka, kb, ks, kc = a[keep], b[keep], sq[keep], cab[keep]
        if callable(self.scoring):
            scores = self._custom_scores(uni[ka], uni[kb], kc, len_vocab, total)
        else:
            scores = score_keys(
                uni, ka, kb, kc, self.scoring == "npmi", int(self.min_count), len_vocab, total
            )
        thr = float(self.threshold)
        good = np.flatnonzero(scores > thr)
        phrases = [
            _join(types, x, seqs[q], y, delim)
            for x, q, y in zip(ka[good].tolist(), ks[good].tolist(), kb[good].tolist(), strict=True)
        ]
        counts = kc[good].tolist()
        score_list = scores[good].tolist()
        # merged strings are scored by splitting at the delimiter (gensim's export_phrases)
        for s, c in merged.items():
            parts = s.split(delim)
            if len(parts) < 2:
                continue
            ia, ib = index.get(parts[0]), index.get(parts[-1])
            ca = int(uni[ia]) if ia is not None else 0
            cb = int(uni[ib]) if ib is not None else 0
            if ca <= 0 or cb <= 0 or c <= 0:
                continue
            sc_ = self._score_one(ca, cb, c, len_vocab, total)
            if sc_ > thr:
                phrases.append(s)
                counts.append(c)
                score_list.append(sc_)
        self.corpus_word_count_ = int(total)
        self.len_vocab_ = int(len_vocab)
        self.min_reduce_ = int(min_reduce)
        self._set_table(
            phrases, np.asarray(counts, dtype=np.int64), np.asarray(score_list, dtype=np.float64)
        )
        logger.info(
            "phrases of %s: %d of %d candidates score > %s (%d tokens, %d keys)",
            name,
            len(phrases),
            len(cab),
            self.threshold,
            total,
            len_vocab,
        )
        return self

    def _score_one(self, ca: int, cb: int, cab: int, len_vocab: int, total: int) -> float:
        if callable(self.scoring):
            return float(
                self.scoring(
                    worda_count=ca,
                    wordb_count=cb,
                    bigram_count=cab,
                    len_vocab=len_vocab,
                    min_count=self.min_count,
                    corpus_word_count=total,
                )
            )
        from wordspace.kernels.phrases import score_keys

        return float(
            score_keys(
                np.array([ca, cb], dtype=np.int64),
                np.array([0], dtype=np.int32),
                np.array([1], dtype=np.int32),
                np.array([cab], dtype=np.int64),
                self.scoring == "npmi",
                int(self.min_count),
                len_vocab,
                total,
            )[0]
        )

    def _custom_scores(
        self, ca: np.ndarray, cb: np.ndarray, cab: np.ndarray, len_vocab: int, total: int
    ) -> np.ndarray:
        f = self.scoring
        assert callable(f)  # called only for a custom scorer
        out = np.empty(len(cab), dtype=np.float64)
        mc = self.min_count
        for i, (x, y, z) in enumerate(zip(ca.tolist(), cb.tolist(), cab.tolist(), strict=True)):
            if x <= 0 or y <= 0 or z <= 0:
                out[i] = -math.inf
                continue
            v = f(
                worda_count=x,
                wordb_count=y,
                bigram_count=z,
                len_vocab=len_vocab,
                min_count=mc,
                corpus_word_count=total,
            )
            try:
                out[i] = float(v)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"the scoring function returned {v!r} (a {type(v).__name__}); it must "
                    "return a number"
                ) from None
        return out

    # ------------------------------------------------------------------ transform
    def analyze_sentence(self, sentence: Sequence[str]) -> Iterator[tuple[str, float | None]]:
        """gensim's ``analyze_sentence``: ``(token, score)`` for joined phrases and
        ``(word, None)`` for the other tokens, left to right."""
        self._check_fitted("transform text")
        table = self.phrasegrams_
        conn = self._connectors
        delim = self.delimiter
        start: str | None = None
        between: list[str] = []
        for word in sentence:
            if word not in conn:
                if start:
                    phrase = delim.join([start, *between, word])
                    score = table.get(phrase)
                    if score is not None:
                        yield phrase, score
                        start, between = None, []
                        continue
                    yield start, None
                    for w in between:
                        yield w, None
                start, between = word, []
            elif start:
                between.append(word)
            else:
                yield word, None
        if start:
            yield start, None
            for w in between:
                yield w, None

    def transform(self, X: Any) -> list:
        """Join the phrases of one sentence (a list of tokens -> a list of tokens), or of each
        sentence of a corpus (a list of token lists -> a list of token lists)."""
        self._check_fitted("transform text")
        if isinstance(X, str):
            raise ParameterError("transform takes a list of tokens (e.g. text.split()), not a str")
        X = list(X)
        if all(isinstance(t, str) for t in X):
            return [t for t, _ in self.analyze_sentence(X)]
        return [[t for t, _ in self.analyze_sentence(s)] for s in X]

    def __getitem__(self, sentence: Any) -> list:
        """gensim's ``phrases[sentence]``: :meth:`transform`."""
        return self.transform(sentence)

    def export_phrases(self) -> dict[str, float]:
        """``{phrase: score}`` (gensim's name)."""
        self._check_fitted("export its phrases")
        return dict(self.phrasegrams_)

    def _transform_scan(self, sc: CorpusScan, inplace: bool = False) -> CorpusScan:
        """The scan with phrases joined (new tokens appended to ``types``)."""
        from wordspace.kernels.phrases import apply_phrases, build_table
        from wordspace.text.corpus import CorpusScan

        self._check_fitted("transform a corpus")
        types = list(sc.types)
        delim = self.delimiter
        index = {t: i for i, t in enumerate(types)}
        is_conn = np.zeros(len(types) + len(self._phrases) + 1, dtype=np.bool_)
        for w in self._connectors:
            i = index.get(w)
            if i is not None:
                is_conn[i] = True
        tokens_with_delim = any(delim in t for t in types)
        trie: dict[tuple[int, int], int] = {}
        p_a: list[int] = []
        p_s: list[int] = []
        p_b: list[int] = []
        p_out: list[int] = []
        for phrase in self._phrases:
            if tokens_with_delim:
                segs = list(_segmentations(phrase, delim, index, is_conn))
            else:
                parts = phrase.split(delim)
                found = [index.get(p) for p in parts]
                ids = [i for i in found if i is not None]
                if (
                    len(ids) < 2
                    or len(ids) != len(found)
                    or is_conn[ids[0]]
                    or is_conn[ids[-1]]
                    or not all(is_conn[i] for i in ids[1:-1])
                ):
                    continue
                segs = [ids]
            if not segs:
                continue
            out = index.get(phrase)
            if out is None:
                out = index[phrase] = len(types)
                types.append(phrase)
            for ids in segs:
                seq = 0
                for c in ids[1:-1]:
                    nxt = trie.get((seq, c))
                    if nxt is None:
                        nxt = trie[(seq, c)] = len(trie) + 1
                    seq = nxt
                p_a.append(ids[0])
                p_b.append(ids[-1])
                p_s.append(seq)
                p_out.append(out)
        pa = np.asarray(p_a, dtype=np.int64)
        pb = np.asarray(p_b, dtype=np.int64)
        ptab = build_table(
            (pa << 32) | pb, np.asarray(p_s, dtype=np.int64), np.asarray(p_out, dtype=np.int64)
        )
        tk = np.array(list(trie), dtype=np.int64).reshape(-1, 2)
        ttab = build_table(
            np.ascontiguousarray(tk[:, 0]),
            np.ascontiguousarray(tk[:, 1]),
            np.asarray(list(trie.values()), dtype=np.int64),
        )
        raw = sc.raw_ids
        out_ids = raw if inplace else np.empty_like(raw)
        out_starts = np.empty_like(sc.sentence_starts)
        n = apply_phrases(raw, sc.sentence_starts, is_conn, ptab, ttab, out_ids, out_starts)
        if n < len(out_ids):
            out_ids = out_ids[:n]  # a view: the few joined tokens are not worth a copy
        counts = np.bincount(out_ids, minlength=len(types)).astype(np.int64)
        return CorpusScan(types, counts, out_ids, out_starts)

    # ------------------------------------------------------------------ files
    def export(self, path: str | os.PathLike) -> None:
        """Write the phrase table and the parameters as JSON (small, no pickle);
        :meth:`load` reads it back as a fitted (frozen) model."""
        from wordspace._files import atomic_path

        self._check_fitted("export()")
        doc = {
            "format": FORMAT_NAME,
            "version": _FORMAT_VERSION,
            "params": {**self._config(), "connector_words": sorted(self._connectors)},
            "connector_words": sorted(self._connectors),
            "corpus_word_count": self.corpus_word_count_,
            "len_vocab": self.len_vocab_,
            "phrases": [
                [p, int(c), float(s)]
                for p, c, s in zip(
                    self._phrases, self._counts.tolist(), self._scores.tolist(), strict=True
                )
            ],
        }
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        with atomic_path(path) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")

    save = export  # JSON, one layout: no layout= to choose

    @classmethod
    def load(cls, path: str | os.PathLike, *, mmap: bool = False) -> Phrases:
        """Read a file written by :meth:`export` (a :class:`FormatError` for anything else)."""
        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"{p}: no such file")
        if p.is_dir():
            raise FormatError(f"{p} is a directory, not a phrases file (written by Phrases.export)")
        try:
            doc = json.loads(p.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise FormatError(
                f"{p} is not a phrases file (not JSON); write one with "
                "Phrases.export() or `wordspace phrases`"
            ) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
            raise FormatError(
                f'{p} is not a phrases file (no "format": "{FORMAT_NAME}"); '
                "write one with Phrases.export() or `wordspace phrases`"
            )
        if doc.get("version") != _FORMAT_VERSION:
            raise FormatError(
                f"{p}: phrases file version {doc.get('version')!r} is not "
                f"supported (this wordspace reads version {_FORMAT_VERSION})"
            )
        params = doc.get("params")
        rows = doc.get("phrases")
        conn = doc.get("connector_words")
        if not isinstance(params, dict) or not isinstance(rows, list) or not isinstance(conn, list):
            raise FormatError(
                f'{p}: a phrases file needs "params", "connector_words" and "phrases"'
            )
        fields = Fields(doc, where=p, fix=_LOAD_FIX)
        custom = params.get("scoring") == "custom"
        if not _connectors_ok(conn, {}):
            raise FormatError(f"{p}: connector_words must be a list of non-empty strings")
        kwargs = cls._params_from_config(params)
        kwargs["connector_words"] = frozenset(conn)
        try:  # every parameter checked, a custom scorer's threshold included
            cls(
                **{
                    **kwargs,
                    "scoring": _saved_scorer if custom else kwargs.get("scoring", "default"),
                }
            )._validate()
        except ParameterError as e:
            raise FormatError(f"{p}: {e}; {_LOAD_FIX}") from None
        except TypeError as e:
            raise FormatError(
                f"{p}: the params are not {cls.__name__}'s ({e}); {_LOAD_FIX}"
            ) from None
        if custom:
            kwargs["scoring"] = "custom"
        model = cls(**kwargs)
        phrases, counts, scores = [], [], []
        for i, row in enumerate(rows):
            if (
                not isinstance(row, list)
                or len(row) != 3
                or not isinstance(row[0], str)
                or not row[0]
                or not is_int(row[1])
                or row[1] < 0
                or not is_finite_num(row[2])
            ):
                raise FormatError(
                    f"{p}: phrase #{i} must be [phrase, count >= 0, finite score], got "
                    f"{str(row)[:80]}"
                )
            phrases.append(row[0])
            counts.append(row[1])
            scores.append(row[2])
        if len(set(phrases)) != len(phrases):
            raise FormatError(f"{p}: a phrase is listed twice; {_LOAD_FIX}")
        model.corpus_word_count_ = fields.int("corpus_word_count", lo=0, hi=2**63 - 1, default=0)
        model.len_vocab_ = fields.int("len_vocab", lo=0, hi=2**63 - 1, default=0)
        model._set_table(
            phrases, np.asarray(counts, dtype=np.int64), np.asarray(scores, dtype=np.float64)
        )
        return model


_LOAD_FIX = "export the phrases again with Phrases.export() or `wordspace phrases --export`"


def _saved_scorer(**kwargs: Any) -> float:  # pragma: no cover - never called
    """Stands for a custom scorer while a loaded file's other parameters are checked."""
    return 0.0


class PhraseTokenizer:
    """A tokenizer that joins phrases: ``base(text)``, then each pass of ``phrases`` in turn.

    For trainers that split text themselves, as ValueVec does with records: a
    :class:`~wordspace.Corpus` takes ``phrases=`` directly, records take
    ``ValueVec(tokenizer=ws.PhraseTokenizer(passes))``::

        passes = ws.Phrases(min_count=5, threshold=10).fit(ws.Corpus(texts, normalize=True))
        vv = ws.ValueVec(tokenizer=ws.PhraseTokenizer(passes)).fit(df, text="name", value="price")

    ``phrases``: a fitted :class:`Phrases`, a path written by :meth:`Phrases.export`, or a list
    of them (bigrams, then trigrams ...). ``base``: the tokenizer before the phrases (default:
    ValueVec's, :class:`~wordspace.text.Tokenizer` with ``normalize=True``; learn the phrases
    on text tokenised the same way).
    """

    def __init__(self, phrases: Any, base: Callable[[str], list[str]] | None = None) -> None:
        from wordspace.text.corpus import as_phrase_list
        from wordspace.text.tokenizer import Tokenizer

        self.phrases: list[Phrases] = as_phrase_list(phrases)
        if not self.phrases:
            raise ParameterError("PhraseTokenizer needs at least one fitted Phrases")
        if base is not None and not callable(base):
            raise ParameterError(
                f"base must be a tokenizer (text -> list of tokens), got {type(base).__name__}"
            )
        self.base: Callable[[str], list[str]] = (
            base if base is not None else Tokenizer(normalize=True)
        )

    def __call__(self, text: str) -> list[str]:
        tokens = list(self.base(text))
        for ph in self.phrases:
            if not tokens:
                break
            tokens = [t for t, _ in ph.analyze_sentence(tokens)]
        return tokens

    def __repr__(self) -> str:
        return f"PhraseTokenizer({len(self.phrases)} pass{'es' if len(self.phrases) > 1 else ''})"


def learn_phrases(corpus: Any, passes: int = 2, **params: Any) -> list[Phrases]:
    """Fit ``passes`` :class:`Phrases` one after another, each on the output of the ones
    before (bigrams, then trigrams ...), reading the corpus once.

    ``params`` go to every :class:`Phrases`. Use the result as ``Corpus(path, phrases=...)``.
    """
    return _learn(corpus, passes, **params)[0]


def _learn(corpus: Any, passes: int, **params: Any) -> tuple[list[Phrases], CorpusScan]:
    from wordspace.text.corpus import as_corpus

    if not is_int(passes) or passes < 1:
        raise ParameterError(f"passes must be an integer >= 1, got {passes!r}")
    corpus = as_corpus(corpus)
    own = corpus._scan is None
    sc = corpus._scan if not own else corpus.scan(cache=False)
    out = []
    for k in range(passes):
        ph = Phrases(**params)._fit_scan(sc, f"{corpus.name} (pass {k + 1})")
        out.append(ph)
        sc = ph._transform_scan(sc, inplace=own or k > 0)
    return out, sc


# ---------------------------------------------------------------------------- helpers
def _count_by_sorting(sc: CorpusScan, is_conn: np.ndarray, n_types: int, mvs: int):
    """Count candidates by sorting packed keys (sequential memory access: several times
    faster than a hash table of millions of keys); None when that cannot reproduce gensim:
    more keys than ``max_vocab_size`` (gensim would have pruned) or keys that do not pack."""
    from wordspace.kernels.phrases import candidate_keys, count_sorted

    bits = max(1, (n_types - 1).bit_length())
    if 63 - 2 * bits < 4:
        return None
    uni, keys, seq_parent, seq_last, ok = candidate_keys(
        sc.raw_ids, sc.sentence_starts, is_conn, n_types, bits
    )
    if not ok:
        return None
    keys.sort()
    a, sq, b, cab = count_sorted(keys, bits)
    del keys
    if mvs >= 0 and int(np.count_nonzero(uni)) + len(cab) > mvs:
        return None
    return uni, a, sq, b, cab, seq_parent, seq_last, 1


def _seq_tuples(parent: np.ndarray, last: np.ndarray) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]] = [()]
    par = parent.tolist()
    lst = last.tolist()
    for s in range(1, len(par)):
        out.append(out[par[s]] + (lst[s],))
    return out


def _join(types: list[str], a: int, seq: tuple[int, ...], b: int, delim: str) -> str:
    if not seq:
        return types[a] + delim + types[b]
    return delim.join([types[a], *(types[c] for c in seq), types[b]])


def _plain_key(
    s: str,
    delim: str,
    index: dict[str, int],
    is_conn: np.ndarray,
    seq_ids: dict[tuple[int, ...], int],
) -> tuple[int, int, int] | None:
    """The candidate key whose parts hold no delimiter and whose joined string is ``s``."""
    parts = s.split(delim)
    if len(parts) < 2:
        return None
    found = [index.get(p) for p in parts]
    ids = [i for i in found if i is not None]
    if len(ids) != len(found) or is_conn[ids[0]] or is_conn[ids[-1]]:
        return None
    seq = seq_ids.get(tuple(ids[1:-1]))
    if seq is None:
        return None
    return ids[0], seq, ids[-1]


def _segmentations(
    phrase: str, delim: str, index: dict[str, int], is_conn: np.ndarray
) -> Iterator[list[int]]:
    """Every way to read ``phrase`` as tokens ``a, connectors..., b`` of ``index`` (tokens may
    hold the delimiter themselves)."""
    parts = phrase.split(delim)
    n = len(parts)

    def rec(i: int, acc: list[int]) -> Iterator[list[int]]:
        if i == n:
            if len(acc) >= 2 and not is_conn[acc[-1]]:
                yield list(acc)
            return
        for j in range(i + 1, n + 1):
            tok = index.get(delim.join(parts[i:j]))
            if tok is None:
                continue
            if not acc:
                if is_conn[tok]:
                    continue
            elif j < n and not is_conn[tok]:
                continue
            acc.append(tok)
            yield from rec(j, acc)
            acc.pop()

    yield from rec(0, [])
