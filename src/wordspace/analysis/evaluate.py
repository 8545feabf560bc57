"""Intrinsic evaluation: word analogies and word-pair similarity, with gensim's semantics.

Both functions reproduce gensim 4.4's ``KeyedVectors.evaluate_word_analogies`` and
``evaluate_word_pairs`` figure for figure (same vocabulary restriction, case folding, OOV
handling and answer selection) but answer the analogy questions in batches: one matrix product
per block of questions and vocabulary rows, with a compiled top-k selection, so the 19,544
Google questions on a 400k x 50 model take seconds.

The Google analogy set (``questions-words.txt``, Apache-2.0) and WordSim353 (``wordsim353.tsv``)
are bundled; :func:`datapath` gives their paths. Any file in the same formats works too.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace._files import bounded_lines
from wordspace.analysis.alignment import value_alignment
from wordspace.errors import FormatError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from wordspace.vectors.keyed import WordVectors

__all__ = [
    "evaluate_word_analogies",
    "evaluate_word_pairs",
    "AnalogyResult",
    "WordPairsResult",
    "datapath",
    "BUNDLED",
    "value_alignment",
    "value_holdout",
    "weat",
    "weat_caliskan",
    "caliskan_tests",
    "WEATResult",
]

logger = logging.getLogger(__name__)

#: names of the bundled benchmark files (see :func:`datapath`)
BUNDLED = ("questions-words.txt", "wordsim353.tsv")

_METHODS = ("3cosadd", "3cosmul")


def datapath(name: str) -> Path:
    """Path of a bundled data file: ``"questions-words.txt"`` or ``"wordsim353.tsv"``."""
    if name not in BUNDLED:
        raise ParameterError(f"no bundled file {name!r}; bundled: {', '.join(BUNDLED)}")
    return Path(str(resources.files("wordspace") / "data" / name))


def _ok_vocab(wv: WordVectors, restrict_vocab: int | None, case_insensitive: bool) -> dict:
    """gensim's ``ok_vocab``: the first ``restrict_vocab`` words (uppercased when case
    insensitive), each mapped to the index of its most frequent (first) variant."""
    if restrict_vocab is not None and int(restrict_vocab) <= 0:
        raise ParameterError(
            f"restrict_vocab must be a positive integer or None, got {restrict_vocab}"
        )
    ok_keys = wv.index_to_key[: (None if restrict_vocab is None else int(restrict_vocab))]
    n = len(ok_keys)
    if case_insensitive:
        return {k.upper(): i for i, k in zip(range(n - 1, -1, -1), reversed(ok_keys), strict=True)}
    return {k: i for i, k in enumerate(ok_keys)}


def _alias(path, alias, name: str):
    if alias is None:
        return path
    if path is not None:
        raise ParameterError(f"give the file either as path or as {name}=, not both")
    return alias


def _limit(wv: WordVectors, restrict_vocab: int | None) -> int:
    return len(wv) if restrict_vocab is None else min(int(restrict_vocab), len(wv))


# ------------------------------------------------------------------------------ analogies
@dataclass
class AnalogyResult:
    """What :func:`evaluate_word_analogies` returns.

    Unpacks like gensim's return value: ``score, sections = result``. ``sections`` is gensim's
    list of ``{"section", "correct", "incorrect"}`` dicts (lists of 4-tuples), the last being
    ``"Total accuracy"``.
    """

    score: float
    sections: list[dict[str, Any]]
    oov_ratio: float  # percent of questions with a word outside the restricted vocabulary
    n_questions: int
    n_oov: int
    method: str = "3cosadd"
    restrict_vocab: int | None = 300000
    path: str = ""
    seconds: float = 0.0

    def __iter__(self) -> Iterator[Any]:
        yield self.score
        yield self.sections

    def __getitem__(self, i: int | slice) -> Any:  # gensim's result[0] is the score
        return (self.score, self.sections)[i]

    def __len__(self) -> int:
        return 2

    @property
    def accuracy(self) -> float:
        return self.score

    def _repr_html_(self) -> str:
        """Jupyter's display: the accuracy and a table of the sections."""
        from wordspace._html import analogy_html

        return analogy_html(self)

    def summary(self) -> pd.DataFrame:
        """One row per section (the last is ``"Total accuracy"``), as a DataFrame with the
        columns section, correct, incorrect, total, accuracy (``.to_dict("records")`` gives
        plain dicts)."""
        import pandas as pd

        return pd.DataFrame(
            self._rows(), columns=["section", "correct", "incorrect", "total", "accuracy"]
        )

    def _rows(self) -> list[dict[str, Any]]:
        rows = []
        for s in self.sections:
            c, i = len(s["correct"]), len(s["incorrect"])
            rows.append(
                {
                    "section": s["section"],
                    "correct": c,
                    "incorrect": i,
                    "total": c + i,
                    "accuracy": c / (c + i) if c + i else 0.0,
                }
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "method": self.method,
            "restrict_vocab": self.restrict_vocab,
            "accuracy": self.score,
            "questions": self.n_questions,
            "oov": self.n_oov,
            "oov_ratio": self.oov_ratio,
            "seconds": self.seconds,
            "sections": self._rows(),
        }


def _read_analogies(path: Path, case_insensitive: bool) -> tuple[list[str], list[tuple]]:
    """Sections and (section_no, line_no, a, b, c, expected) questions, as gensim reads them."""
    names: list[str] = []
    questions: list[tuple] = []
    with open(path, "rb") as fin:
        for line_no, raw in enumerate(bounded_lines(fin, path)):
            try:
                line = raw.decode("utf8")
            except UnicodeDecodeError as e:
                raise FormatError(f"{path}: line {line_no + 1} is not UTF-8 ({e})") from None
            if line.startswith(": "):
                names.append(line.lstrip(": ").strip())
                continue
            if not names:
                raise FormatError(
                    f"{path}: missing section header (': name') before line {line_no + 1}; "
                    "an analogy file starts with a ': section' line"
                )
            words = line.split()
            if len(words) != 4:
                logger.info("Skipping invalid line #%i in %s", line_no, path)
                continue
            if case_insensitive:
                words = [w.upper() for w in words]
            questions.append((len(names) - 1, line_no, *words))
    return names, questions


def _analogy_candidates(
    wv: WordVectors,
    q: np.ndarray,
    limit: int,
    method: str,
    k: int,
    block: int,
    progress: Callable[..., None] | None,
) -> np.ndarray:
    """Top-``k`` candidate rows (best first) among the first ``limit`` for each question
    ``(a, b, c)`` in ``q``, no row excluded.

    3CosAdd ranks as gensim's ``most_similar(positive=[b, c], negative=[a])`` (cosine with the
    unit mean of ``u_b, u_c, -u_a``); 3CosMul as ``most_similar_cosmul``. The cosines of each
    block of vocabulary rows with every distinct question word are computed once (one matrix
    product) and combined per question by a compiled kernel.
    """
    from wordspace.kernels.analogy import analogy_block_topk

    unit = wv.get_normed_vectors()
    words, inv = np.unique(q, return_inverse=True)
    inv = inv.reshape(q.shape).astype(np.int64)
    qa, qb, qc = (np.ascontiguousarray(inv[:, j]) for j in range(3))
    w = np.ascontiguousarray(unit[words])
    n = len(q)
    best_s = np.full((n, k), -np.inf, dtype=np.float32)
    best_i = np.full((n, k), -1, dtype=np.int64)
    mul = method == "3cosmul"
    # keep the (distinct words x rows) block of cosines near 128 MB whatever the test set
    block = max(256, min(block, (128 << 20) // (4 * max(1, len(words)))))
    for o in range(0, limit, block):
        hi = min(limit, o + block)
        sims = w @ unit[o:hi].T
        if mul:
            sims += 1
            sims /= 2
        analogy_block_topk(sims, o, qa, qb, qc, mul, best_s, best_i)
        if progress is not None:
            progress(hi, limit)
    return best_i


def evaluate_word_analogies(
    wv: WordVectors,
    path: str | PathLike | None = None,
    restrict_vocab: int | None = 300000,
    case_insensitive: bool = True,
    dummy4unknown: bool = False,
    method: str = "3cosadd",
    *,
    analogies: str | PathLike | None = None,
    block: int = 16384,
    progress: Callable[..., None] | None = None,
) -> AnalogyResult:
    """Accuracy on an analogy test set (``a b c expected`` lines in ``: section`` blocks).

    Same figures as gensim 4.4's ``KeyedVectors.evaluate_word_analogies``:

    - only the first ``restrict_vocab`` words are used (None: all); with ``case_insensitive``
      words are compared uppercased and a word stands for its first (most frequent) variant;
    - a question with a word outside that vocabulary is skipped (counted in ``oov_ratio``), or
      counted wrong with ``dummy4unknown=True``;
    - the answer is searched among the first ``restrict_vocab`` words; the three question words
      are excluded; of the 5 best candidates the first whose (uppercased) form is not one of the
      question words is the prediction.

    ``method="3cosadd"`` is gensim's ``most_similar`` (the only method gensim evaluates);
    ``"3cosmul"`` scores as ``most_similar_cosmul`` (Levy & Goldberg 2014) within the same
    restricted vocabulary. ``path=None`` uses the bundled Google ``questions-words.txt``.
    ``analogies=`` is gensim's name for ``path``. ``progress(rows_done, rows)`` is called after
    each block of vocabulary rows.
    """
    import time

    if method not in _METHODS:
        raise ParameterError(f"method must be one of {', '.join(_METHODS)}; got {method!r}")
    if block <= 0:
        raise ParameterError(f"block must be positive, got {block}")
    path = _alias(path, analogies, "analogies")
    p = datapath("questions-words.txt") if path is None else Path(path)
    t0 = time.perf_counter()
    ok_vocab = _ok_vocab(wv, restrict_vocab, case_insensitive)
    limit = _limit(wv, restrict_vocab)
    names, questions = _read_analogies(p, case_insensitive)
    if not questions:
        raise FormatError(f"{p}: no analogy questions found (lines of four words)")
    logger.info("Evaluating word analogies for top %s words in the model on %s", restrict_vocab, p)

    sections: list[dict[str, Any]] = [{"section": n, "correct": [], "incorrect": []} for n in names]
    valid_pos: list[int] = []
    rows: list[tuple[int, int, int]] = []
    oov = 0
    for j, (_sec, line_no, a, b, c, expected) in enumerate(questions):
        if a not in ok_vocab or b not in ok_vocab or c not in ok_vocab or expected not in ok_vocab:
            oov += 1
            logger.debug("Skipping line #%i with OOV words", line_no)
            continue
        valid_pos.append(j)
        rows.append((ok_vocab[a], ok_vocab[b], ok_vocab[c]))
    q = np.array(rows, dtype=np.int64).reshape(-1, 3)
    k = 8  # 5 answers + up to 3 excluded question words
    cand = (
        _analogy_candidates(wv, q, limit, method, k, block, progress)
        if len(q)
        else np.zeros((0, k), dtype=np.int64)
    )

    keys = wv.index_to_key
    verdict: dict[int, bool] = {}
    for vi, j in enumerate(valid_pos):
        _sec, _ln, a, b, c, expected = questions[j]
        qa, qb, qc = q[vi]
        ignore = {a, b, c}
        sims = [i for i in cand[vi] if i >= 0 and i != qa and i != qb and i != qc][:5]
        predicted = None
        for i in sims:
            predicted = keys[i].upper() if case_insensitive else keys[i]
            if predicted in ok_vocab and predicted not in ignore:
                break
        verdict[j] = predicted == expected
    for j, (sec, _ln, a, b, c, expected) in enumerate(questions):
        if j in verdict:
            sections[sec]["correct" if verdict[j] else "incorrect"].append((a, b, c, expected))
        elif dummy4unknown:
            sections[sec]["incorrect"].append((a, b, c, expected))

    total = {
        "section": "Total accuracy",
        "correct": list(itertools.chain.from_iterable(s["correct"] for s in sections)),
        "incorrect": list(itertools.chain.from_iterable(s["incorrect"] for s in sections)),
    }
    nc, ni = len(total["correct"]), len(total["incorrect"])
    score = nc / (nc + ni) if nc + ni else 0.0
    sections.append(total)
    for s in sections:
        c_, i_ = len(s["correct"]), len(s["incorrect"])
        if c_ + i_:
            logger.info("%s: %.1f%% (%i/%i)", s["section"], 100.0 * c_ / (c_ + i_), c_, c_ + i_)
    oov_ratio = 100.0 * oov / len(questions)
    logger.info("Quadruplets with out-of-vocabulary words: %.1f%%", oov_ratio)
    return AnalogyResult(
        score=score,
        sections=sections,
        oov_ratio=oov_ratio,
        n_questions=len(questions),
        n_oov=oov,
        method=method,
        restrict_vocab=restrict_vocab,
        path=str(p),
        seconds=time.perf_counter() - t0,
    )


# ------------------------------------------------------------------------------ word pairs
@dataclass
class WordPairsResult:
    """What :func:`evaluate_word_pairs` returns; unpacks like gensim's
    ``pearson, spearman, oov_ratio = result`` (each correlation a ``(statistic, pvalue)``)."""

    pearson: tuple[float, float]
    spearman: tuple[float, float]
    oov_ratio: float  # percent
    n_pairs: int
    n_oov: int
    path: str = ""
    gold: list[float] = field(default_factory=list, repr=False)
    model: list[float] = field(default_factory=list, repr=False)

    def __iter__(self) -> Iterator[Any]:
        yield self.pearson
        yield self.spearman
        yield self.oov_ratio

    def __getitem__(self, i: int | slice) -> Any:  # gensim's result[1][0] is the Spearman
        return tuple(self)[i]

    def _repr_html_(self) -> str:
        """Jupyter's display: the two correlations and the pairs used."""
        from wordspace._html import word_pairs_html

        return word_pairs_html(self)

    def __len__(self) -> int:
        return 3

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "pearson": self.pearson[0],
            "pearson_p": self.pearson[1],
            "spearman": self.spearman[0],
            "spearman_p": self.spearman[1],
            "oov_ratio": self.oov_ratio,
            "pairs": self.n_pairs,
            "oov": self.n_oov,
        }


def _text_lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    """``(line_no, line)`` of a text file, decoded one line at a time: a line that is not
    ``encoding`` text (a binary file given as pairs) is a :class:`FormatError` naming it."""
    import codecs

    codecs.lookup(encoding)  # LookupError for an unknown name, before anything is read

    def lines() -> Iterator[tuple[int, str]]:
        with open(path, "rb") as fin:
            for line_no, raw in enumerate(bounded_lines(fin, path)):
                try:
                    yield line_no, raw.decode(encoding)
                except UnicodeDecodeError as e:
                    raise FormatError(
                        f"{path}: line {line_no + 1} is not {encoding} text ({e.reason} at "
                        f"byte {e.start}); give a text file of word1<TAB>word2<TAB>score lines"
                    ) from None

    return lines()


def evaluate_word_pairs(
    wv: WordVectors,
    path: str | PathLike | None = None,
    delimiter: str = "\t",
    encoding: str = "utf8",
    restrict_vocab: int | None = 300000,
    case_insensitive: bool = True,
    dummy4unknown: bool = False,
    *,
    pairs: str | PathLike | None = None,
) -> WordPairsResult:
    """Pearson and Spearman correlation of cosine similarities with human judgements.

    gensim 4.4's ``evaluate_word_pairs`` semantics: lines ``word1<delimiter>word2<delimiter>score``,
    ``#`` lines are comments, malformed lines are skipped; a pair with a word outside the first
    ``restrict_vocab`` words is skipped (or scored 0.0 with ``dummy4unknown=True``);
    ``oov_ratio`` is in percent (over the pairs used when ``dummy4unknown``, else over all).
    ``path=None`` uses the bundled WordSim353; ``pairs=`` is gensim's name for ``path``.
    """
    from scipy import stats

    path = _alias(path, pairs, "pairs")
    p = datapath("wordsim353.tsv") if path is None else Path(path)
    ok_vocab = _ok_vocab(wv, restrict_vocab, case_insensitive)
    unit = wv.get_normed_vectors()
    gold: list[float] = []
    model: list[float] = []
    oov = 0
    try:
        lines = _text_lines(p, encoding)
    except LookupError:
        raise ParameterError(f"encoding {encoding!r} is not a known text encoding") from None
    for line_no, line in lines:
        if not line or line.startswith("#"):
            continue
        try:
            parts = line.split(delimiter)
            if case_insensitive:
                parts = [w.upper() for w in parts]
            a, b, sim_s = parts
            sim = float(sim_s)
        except (ValueError, TypeError):
            logger.info("Skipping invalid line #%d in %s", line_no, p)
            continue
        if a not in ok_vocab or b not in ok_vocab:
            oov += 1
            if dummy4unknown:
                model.append(0.0)
                gold.append(sim)
            continue
        gold.append(sim)
        model.append(float(np.dot(unit[ok_vocab[a]], unit[ok_vocab[b]])))
    if not gold:
        # name the bundled file by what it is, not by its install path
        name = "the bundled WordSim353" if path is None else str(p)
        if oov:
            limit = f" (restrict_vocab={restrict_vocab:,})" if restrict_vocab else ""
            raise FormatError(
                f"no valid similarity judgements in {name}: all {oov:,} pairs read have a word "
                f"outside the vocabulary of {len(ok_vocab):,} words{limit}; these vectors do "
                "not cover the benchmark's words (a value model or a small vocabulary)"
            )
        sep = {"\t": "<TAB>", " ": "<space>"}.get(delimiter, delimiter)
        raise FormatError(
            f"no valid similarity judgements in {name}: no line has the form "
            f"word1{sep}word2{sep}score; check the file or pass delimiter="
        )
    if len(gold) < 2:
        name = "the bundled WordSim353" if path is None else str(p)
        raise FormatError(
            f"{name}: only 1 valid similarity judgement ({oov:,} more with a word outside the "
            "vocabulary); a correlation needs at least 2: give a file of more "
            "word1<TAB>word2<TAB>score lines"
        )
    spearman = stats.spearmanr(gold, model)
    pearson = stats.pearsonr(gold, model)
    n_used = len(gold)
    oov_ratio = 100.0 * oov / (n_used if dummy4unknown else n_used + oov)
    res = WordPairsResult(
        pearson=(float(pearson[0]), float(pearson[1])),
        spearman=(float(spearman[0]), float(spearman[1])),
        oov_ratio=oov_ratio,
        n_pairs=n_used + (0 if dummy4unknown else oov),
        n_oov=oov,
        path=str(p),
        gold=gold,
        model=model,
    )
    logger.info(
        "Pearson %.4f, Spearman %.4f, OOV %.1f%% on %s",
        res.pearson[0],
        res.spearman[0],
        oov_ratio,
        p,
    )
    if math.isnan(res.pearson[0]):
        logger.warning("correlation is undefined (constant similarities) on %s", p)
    return res


# --------------------------------------------------------------------- value hold-out
#: word2vec's default dimension: value_holdout's baselines are trained at it as well
BASELINE_SIZE = 100


def value_holdout(
    estimator: Any,
    data: Any,
    *,
    text: str,
    value: str,
    test_size: float = 0.2,
    seed: int | None = None,
    predictor: str | None = None,
    baselines: bool = True,
    baseline_sizes: Sequence[int] | None = None,
    return_models: bool = False,
) -> dict[str, Any]:
    """How well a joint :class:`~wordspace.ValueVec` predicts values it was never given, and
    how well plain vectors of the same text do.

    The words' values are derived from the records (``data``: a DataFrame or table path with
    a ``text`` and a ``value`` column) as ``ValueVec`` does (shrunk means, the estimator's
    ``min_count``, ``prior_weight``, ``value_transform``, ``tokenizer``); a random
    ``test_size`` share of those words has its value hidden. ``seed`` draws the split and
    seeds every model (default: the estimator's ``seed``, as ``wordspace value-holdout``,
    whose ``--seed`` defaults to ValueVec's). A copy of ``estimator`` (which must have
    ``semantic_weight`` set) is fitted on the other words' values and *all* the records'
    text (``corpus=``), then predicts the hidden words' values with
    :meth:`~wordspace.ValueVec.predict_value` (``predictor``: the estimator's unless given).
    Records with a missing value lend their text only.

    Returns a dict: ``spearman`` and ``mae`` against the hidden values (on the transformed
    scale), ``predictor`` (the one used, ``"auto"`` resolved), ``n_train``/``n_test`` words,
    ``probes`` (the joint model with each predictor: ``knn``, ``ridge``, and with text values
    ``text`` and ``text+ridge``), ``alignment`` (cosine/value Spearman over the training words,
    in the value dimensions: :meth:`~wordspace.ValueVec.alignment`) and ``alignment_full``
    (the same in the whole vectors), ``value_transform`` (the one applied), ``seconds``.
    With text values (joint models): ``text_propagation``, the baseline of propagation alone,
    no vectors (the hidden words' text values on the values' scale, ``missing``: words without
    one, given the mean), and ``text_shrinkage`` (the ``k`` chosen).

    With ``baselines`` (the default), in the same call, the plain alternatives a user would
    try on the same text: skip-gram (``ValueVec(semantic_weight=1)``: the same engine and
    text settings, values not trained) and CBOW (:class:`~wordspace.Word2Vec` with ``sg=0``,
    the same window, negatives, subsampling, passes and ``min_count``), each at the joint
    model's dimension and at word2vec's default 100 (``baseline_sizes``), each probed with
    k-NN and ridge (the same code as ``predict_value``): ``baselines`` is the list of them
    (``model``, ``vector_size``, ``predictor``, ``spearman``, ``mae``, ``n_test``);
    ``strongest`` is the best of them by Spearman and ``gain`` the joint model's Spearman
    minus the strongest's — the figure to quote (against embeddings). With text values also
    ``baselines_text`` (each plain model's vectors with the same text values, ``text+ridge``),
    ``strongest_all`` (the best of every baseline: embeddings, ``text_propagation`` and
    ``baselines_text``) and ``gain_vs_all`` (the joint model against it: what the joint
    training adds over propagation and over plain vectors combined with it). Also
    ``word2vec`` (skip-gram of the same dimension with the same vector predictor, k-NN when the
    joint model's is a text predictor) and ``mean`` (predicting the mean training value; its
    Spearman is undefined: None). ``return_models``: also ``models``, the fitted
    joint model and (with baselines) the same-dimension skip-gram one.
    """
    import time

    from scipy.stats import spearmanr

    from wordspace.text.tokenizer import Tokenizer
    from wordspace.train.valuevec.probe import predict_from_vectors, predict_with_text
    from wordspace.train.valuevec.propagation import calibrate
    from wordspace.train.valuevec.values import as_frame, records_to_word_values

    if getattr(estimator, "semantic_weight", None) is None:
        raise ParameterError(
            "value_holdout needs an estimator that gives every word of the text a vector: "
            "a ValueVec with semantic_weight set (e.g. ValueVec(semantic_weight=0.5)); with "
            "semantic_weight=None the hidden words would have no vector at all"
        )
    if not (isinstance(test_size, float) and 0 < test_size < 1):
        raise ParameterError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    if seed is None:
        seed = estimator.seed if estimator.seed is not None else 0
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"seed must be an int >= 0 or None, got {seed!r}")
    sizes = (BASELINE_SIZE,) if baseline_sizes is None else tuple(baseline_sizes)
    if any(isinstance(d, bool) or not isinstance(d, int | np.integer) or d < 1 for d in sizes):
        raise ParameterError(f"baseline_sizes must be whole numbers >= 1, got {baseline_sizes!r}")
    t0 = time.perf_counter()
    df, key, val = as_frame(data, text=text, value=value)
    tok = estimator.tokenizer or Tokenizer(normalize=True)
    tokens = [tok(t) if isinstance(t, str) else [] for t in df[key].tolist()]
    has = df[val].notna().to_numpy()
    wvals = records_to_word_values(
        df[key][has].tolist(),
        df[val][has],
        tokenizer=tok,
        prior_weight=float(estimator.prior_weight),
        min_count=int(estimator.min_count),
        value_transform=estimator.value_transform,
        column=val,
        tokens=[t for t, h in zip(tokens, has, strict=True) if h],
    )
    words = wvals["word"].to_numpy(dtype=object)
    vals = wvals["value"].to_numpy(np.float64)
    g = np.random.default_rng(seed)
    n_test = max(1, int(round(test_size * len(words))))
    if len(words) - n_test < 3:
        raise ParameterError(
            f"only {len(words)} words have values: too few to hide {n_test} and train on the "
            "rest; give more records or lower min_count"
        )
    perm = g.permutation(len(words))
    test, train = perm[:n_test], perm[n_test:]
    train_values = dict(zip(words[train].tolist(), vals[train].tolist(), strict=True))
    params = estimator.get_params(deep=False)
    method = estimator.predictor if predictor is None else predictor

    def fit(weight: float | None, size: int | None = None) -> Any:
        est = type(estimator)(
            **{
                **params,
                "semantic_weight": weight,
                "value_transform": None,  # the values are transformed already
                "seed": int(seed),
                **({} if size is None else {"vector_size": int(size)}),
            }
        )
        return est.fit(train_values, corpus=tokens)

    def probe(wv: Any, how: str, text_of: dict[str, float] | None = None) -> dict[str, Any]:
        """The hidden words' values from the training words' on plain vectors ``wv``; with
        ``text_of`` (the words' text values) by a text predictor ``how``, falling back to
        k-NN on the vectors for a word without a text value."""
        rows = np.array([wv.key_to_index.get(w, -1) for w in words[train]], dtype=np.int64)
        keep = rows >= 0
        known = np.array([w in wv.key_to_index for w in words[test]], dtype=bool)
        idx = np.array([wv.key_to_index[w] for w in words[test][known]], dtype=np.int64)
        unit = wv.get_normed_vectors()
        k, alpha = int(estimator.n_neighbors), float(estimator.ridge_alpha)
        if text_of is None:
            pred = predict_from_vectors(unit, rows[keep], vals[train][keep], idx, how, k, alpha)
            return scored(pred, vals[test][known])
        tv = np.array([text_of.get(w, np.nan) for w in wv.index_to_key], dtype=np.float64)
        pred = predict_with_text(unit, tv, rows[keep], vals[train][keep], idx, how, alpha)
        lost = ~np.isfinite(tv[idx])
        if lost.any():
            pred[lost] = predict_from_vectors(
                unit, rows[keep], vals[train][keep], idx[lost], "knn", k, alpha
            )
        return scored(pred, vals[test][known])

    def propagation(model: Any) -> dict[str, Any]:
        """Propagation alone (no vectors): the hidden words' text values on the values'
        scale; a word without one gets the mean training value."""
        kti = model.wv.key_to_index
        rows = np.array([kti.get(w, -1) for w in words[train]], dtype=np.int64)
        keep = rows >= 0
        known = np.array([w in kti for w in words[test]], dtype=bool)
        idx = np.array([kti[w] for w in words[test][known]], dtype=np.int64)
        tv = np.asarray(model.text_values_, dtype=np.float64)
        a, b = calibrate(tv, rows[keep], vals[train][keep])
        t = tv[idx]
        pred = np.where(np.isfinite(t), a + b * np.nan_to_num(t), float(vals[train].mean()))
        return {**scored(pred, vals[test][known]), "missing": int((~np.isfinite(t)).sum())}

    def scored(pred: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
        rho = float(spearmanr(pred, truth).statistic) if len(truth) > 2 else math.nan
        mae = float(np.mean(np.abs(pred - truth))) if len(truth) else math.nan
        return {"spearman": rho, "mae": mae, "n_test": int(len(truth))}

    def score(model: Any, how: str | None) -> dict[str, Any]:
        known = [w in model.wv.key_to_index for w in words[test]]
        tw = words[test][known].tolist()
        return scored(model.predict_value(tw, predictor=how), vals[test][known])

    joint = fit(params["semantic_weight"])
    out: dict[str, Any] = score(joint, method)
    out["predictor"] = joint._predictor(method)  # "auto" resolved
    out["vector_size"] = int(joint.vector_size)
    has_text = getattr(joint, "text_values_", None) is not None
    hows = ("knn", "ridge", "text", "text+ridge") if has_text else ("knn", "ridge")
    out["probes"] = {how: score(joint, how) for how in hows}
    text_of = (
        dict(zip(joint.wv.index_to_key, joint.text_values_.tolist(), strict=True))
        if has_text
        else None
    )
    if has_text:
        out["text_propagation"] = propagation(joint)
        out["text_shrinkage"] = float(joint.text_shrinkage_)
    out["n_train"] = len(train)
    out["alignment"] = float(joint.alignment()["spearman"])  # the value dimensions
    out["alignment_full"] = float(joint.alignment(full=True)["spearman"])  # the whole vectors
    out["value_transform"] = wvals.attrs.get("value_transform")
    out["seed"] = int(seed)
    models = [joint]
    if baselines:
        rows: list[dict[str, Any]] = []
        with_text: list[dict[str, Any]] = []
        same = int(joint.vector_size)
        for d in dict.fromkeys((same, *map(int, sizes))):
            sg = fit(1.0, d)
            if d == same:
                models.append(sg)
                plain_how = out["predictor"] if out["predictor"] in ("knn", "ridge") else "knn"
                out["word2vec"] = score(sg, plain_how)
            cbow = joint.plain_vectors(tokens, sg=0, vector_size=d)
            for name, wv in (("skip-gram", sg.wv), ("cbow", cbow)):
                for how in ("knn", "ridge"):
                    rows.append(
                        {"model": name, "vector_size": d, "predictor": how, **probe(wv, how)}
                    )
                if text_of is not None:  # the same text values, with plain vectors
                    with_text.append(
                        {
                            "model": name,
                            "vector_size": d,
                            "predictor": "text+ridge",
                            **probe(wv, "text+ridge", text_of),
                        }
                    )
        out["baselines"] = rows
        finite = [r for r in rows if math.isfinite(r["spearman"])]
        best = max(finite, key=lambda r: r["spearman"]) if finite else None
        out["strongest"] = best
        out["gain"] = out["spearman"] - best["spearman"] if best is not None else math.nan
        if text_of is not None:
            out["baselines_text"] = with_text
            prop = {"model": "text propagation", "vector_size": 0, "predictor": "text"}
            every = [*finite, {**prop, **out["text_propagation"]}]
            every += [r for r in with_text if math.isfinite(r["spearman"])]
            top = max(every, key=lambda r: r["spearman"] if math.isfinite(r["spearman"]) else -2)
            out["strongest_all"] = top
            out["gain_vs_all"] = out["spearman"] - top["spearman"]
        out["mean"] = {
            "spearman": None,
            "mae": float(np.mean(np.abs(vals[test] - vals[train].mean()))),
        }
    out["seconds"] = time.perf_counter() - t0
    if return_models:
        out["models"] = tuple(models)
    return out


# WEAT lives in analysis/weat.py; ws.evaluate.weat is its documented name
from wordspace.analysis.weat import (  # noqa: E402
    WEATResult,
    caliskan_tests,
    weat,
    weat_caliskan,
)
