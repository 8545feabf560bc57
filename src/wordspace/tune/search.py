"""Hyper-parameter search with held-out validation, on Optuna (``pip install wordspace[tune]``).

:func:`tune` fits a fresh copy of an estimator per trial, with parameters drawn from a search
space, and scores each fitted copy on a **dev** half of held-out data; the other half, the
**test** half, is scored too and reported, but never used to pick a trial, so overfitting the
search to the dev half shows as a gap between the two columns of :attr:`TuneResult.trials_`.

What is held out
----------------
* :class:`~wordspace.Word2Vec`, :class:`~wordspace.FastText`, :class:`~wordspace.GloVe`
  (``metric="analogy+ws353"`` by default; names joined by ``+`` are averaged): each section of
  the analogy file and each word-pair file (WordSim353, SimLex-999, ...) is cut into two
  halves by a seeded shuffle: dev and test. Analogies are scored as accuracy over the first
  ``restrict_vocab`` words and pairs by Spearman correlation, both with ``dummy4unknown``
  (a question or pair outside the vocabulary counts as wrong / similarity 0), so that a trial
  cannot gain by shrinking its vocabulary. ``analogy`` and ``ws353`` default to the bundled
  files; other names (``simlex``, ``men`` ...) need ``eval_data={"simlex": path}``.
* :class:`~wordspace.ValueVec` with values only (``metric="value_alignment"``): a seeded
  share ``holdout`` of all word pairs (at most 200,000 drawn) is held out, half dev, half
  test; every trial trains on the pairs ValueVec builds *minus* the held-out ones, and the
  score is the Spearman correlation between the cosine of the held-out pairs and
  ``-|Δvalue|`` (:func:`~wordspace.value_alignment`'s figure, on pairs never trained on).
* :class:`~wordspace.ValueVec` trained jointly on text (``semantic_weight`` set; records
  with ``fit_kwargs=dict(text=..., value=...)``): a seeded share ``holdout`` of the valued
  words has its value hidden (half dev, half test), as :func:`wordspace.analysis.evaluate.value_holdout`
  does; the model is fitted on the other words' values and all the text, and
  ``metric="value_spearman"`` (default) or ``"value_mae"`` scores
  :meth:`~wordspace.ValueVec.predict_value` on the hidden words.
* a callable ``metric(estimator) -> float`` (higher is better unless
  ``direction="minimize"``) is called on the estimator fitted on all of ``data``; what it
  scores on is its own business; the test column is then empty.

The split (seed, files and their SHA-256, the held-out lines or pairs) is saved in the
study's user attributes (``study.user_attrs["wordspace_split"]``): a study resumed from
``storage`` with other data or another split seed is refused.

Default search spaces (:data:`DEFAULT_SPACES`)
----------------------------------------------
========== ==================================================================================
Word2Vec   ``sg`` [0, 1], ``window`` 2–10, ``negative`` 2–20, ``sample`` 1e-5–1e-2 (log),
FastText   ``alpha`` 0.005–0.1 (log), ``epochs`` 1–10
GloVe      ``window`` 2–15, ``x_max`` 10–200 (log), ``alpha`` 0.5–1, ``learning_rate``
           0.01–0.2 (log), ``epochs`` 5–30
ValueVec   ``vector_size`` 4–64, ``alpha`` 1e-3–0.5 (log), ``epochs`` 20–2000 (log),
           ``window`` 1–5, ``negatives`` 2–30
joint      ``semantic_weight`` 0.3–0.95, ``text_alpha`` 0.005–0.1 (log), ``alpha`` 0.1–30
ValueVec   (log), ``text_epochs`` 1–10
========== ==================================================================================

A space is a dict ``{parameter: spec}`` with ``spec`` ``(low, high)`` (integers if both are
integers), ``(low, high, "log")``, or a list of choices; or a function ``space(trial) ->
dict`` using Optuna's ``trial.suggest_*``. ``sampler="grid"`` takes a dict of lists and tries
every combination (:class:`optuna.samplers.GridSampler`), e.g. the ValueVec article's grid
``{"vector_size": [10, 50, 100], "alpha": [0.01, 0.05, 0.1]}``.

Trials, time and resuming
-------------------------
Every trial fits a copy with the estimator's own ``seed`` (common random numbers: trials
differ by their parameters only), recorded in the ``seed`` column with the trial's
``seconds``; ``workers=1`` makes a trial reproducible bit for bit from its parameters and
seed (:meth:`TuneResult.refit`). ``n_trials`` and ``timeout`` (seconds) bound the search.
``storage="sqlite:///tune.db"`` keeps the study in a file: calling again with the same
``study_name`` resumes it, and several processes may run the same call at once. Pruning
(``pruner="median"``, the default) reports the dev score to Optuna after epochs (about 20
reports per trial) through the estimators' ``callbacks``; a hopeless trial is stopped with
:class:`optuna.TrialPruned`.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace.errors import MissingDependencyError, ParameterError, TrainingDivergedError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["tune", "TuneResult", "DEFAULT_SPACES", "DEFAULT_METRICS"]

logger = logging.getLogger(__name__)

_W2V_SPACE: dict[str, Any] = {
    "sg": [0, 1],
    "window": (2, 10),
    "negative": (2, 20),
    "sample": (1e-5, 1e-2, "log"),
    "alpha": (0.005, 0.1, "log"),
    "epochs": (1, 10),
}
#: the documented default search space of each estimator (``"ValueVec-joint"``: ValueVec
#: with ``semantic_weight`` set)
DEFAULT_SPACES: dict[str, dict[str, Any]] = {
    "Word2Vec": _W2V_SPACE,
    "FastText": dict(_W2V_SPACE),
    "GloVe": {
        "window": (2, 15),
        "x_max": (10.0, 200.0, "log"),
        "alpha": (0.5, 1.0),
        "learning_rate": (0.01, 0.2, "log"),
        "epochs": (5, 30),
    },
    "ValueVec": {
        "vector_size": (4, 64),
        "alpha": (1e-3, 0.5, "log"),
        "epochs": (20, 2000, "log"),
        "window": (1, 5),
        "negatives": (2, 30),
    },
    "ValueVec-joint": {
        "semantic_weight": (0.3, 0.95),
        "text_alpha": (0.005, 0.1, "log"),
        "alpha": (0.1, 30.0, "log"),
        "text_epochs": (1, 10),
    },
}
#: the default metric of each estimator
DEFAULT_METRICS = {
    "Word2Vec": "analogy+ws353",
    "FastText": "analogy+ws353",
    "GloVe": "analogy+ws353",
    "ValueVec": "value_alignment",
    "ValueVec-joint": "value_spearman",
}
_SAMPLERS = ("tpe", "grid", "random")
_PRUNERS = ("median", "none")
_MAX_EVAL_PAIRS = 200_000
_SPLIT_KEY = "wordspace_split"


def _optuna():
    try:
        import optuna
    except ImportError:
        raise MissingDependencyError("optuna", "tune", "hyper-parameter search") from None
    return optuna


def _kind(estimator: Any) -> str:
    name = type(estimator).__name__
    if name == "ValueVec" and getattr(estimator, "semantic_weight", None) is not None:
        return "ValueVec-joint"
    return name


def _clone(estimator: Any) -> Any:
    return type(estimator)(**estimator.get_params(deep=False))


def _sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _halves(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A seeded cut of ``range(n)`` into dev (the larger half when odd) and test, sorted."""
    perm = rng.permutation(n)
    k = (n + 1) // 2
    return np.sort(perm[:k]), np.sort(perm[k:])


# ------------------------------------------------------------------------------- spaces
def _check_space(space: Any, names: Sequence[str], sampler: str) -> Callable[[Any], dict]:
    """Validate ``space`` and return ``suggest(trial) -> params``."""
    if callable(space):
        if sampler == "grid":
            raise ParameterError(
                "sampler='grid' needs the space as a dict of lists of values "
                "({'vector_size': [10, 50, 100], ...}), not a function"
            )

        def from_function(trial: Any) -> dict:
            params = space(trial)
            if not isinstance(params, Mapping):
                raise ParameterError(
                    f"the space function must return a dict of parameters, "
                    f"got {type(params).__name__}"
                )
            _check_names(params, names)
            return dict(params)

        return from_function
    if not isinstance(space, Mapping) or not space:
        raise ParameterError(
            "space must be a non-empty dict {parameter: (low, high) | (low, high, 'log') | "
            f"[choices]}} or a function trial -> dict; got {space!r}"
        )
    _check_names(space, names)
    specs: dict[str, tuple] = {}
    for name, spec in space.items():
        if isinstance(spec, list):
            if not spec:
                raise ParameterError(f"space[{name!r}] is an empty list: give at least one value")
            bad = [v for v in spec if not isinstance(v, str | int | float | bool | type(None))]
            if bad:
                raise ParameterError(
                    f"space[{name!r}]: choices must be numbers, strings, "
                    f"booleans or None, got {bad[0]!r}"
                )
            specs[name] = ("choice", spec)
            continue
        if sampler == "grid":
            raise ParameterError(
                f"sampler='grid' needs a list of values for every parameter; "
                f"space[{name!r}] is {spec!r}"
            )
        if not isinstance(spec, tuple) or len(spec) not in (2, 3):
            raise ParameterError(
                f"space[{name!r}] must be (low, high), (low, high, 'log') or a list of "
                f"choices; got {spec!r}"
            )
        low, high = spec[0], spec[1]
        log = len(spec) == 3
        if log and spec[2] != "log":
            raise ParameterError(
                f"space[{name!r}]: the third entry may only be 'log', got {spec[2]!r}"
            )
        for v in (low, high):
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise ParameterError(
                    f"space[{name!r}]: bounds must be finite numbers, got {spec!r}"
                )
        if not low < high:
            raise ParameterError(
                f"space[{name!r}]: low must be below high, got {spec!r}; "
                "for a fixed value give a one-element list"
            )
        if log and low <= 0:
            raise ParameterError(f"space[{name!r}]: a log range needs low > 0, got {spec!r}")
        integer = isinstance(low, int) and isinstance(high, int)
        specs[name] = ("int" if integer else "float", (low, high, log))

    def suggest(trial: Any) -> dict:
        out: dict[str, Any] = {}
        for name, (kind, arg) in specs.items():
            if kind == "choice":
                out[name] = trial.suggest_categorical(name, arg)
            elif kind == "int":
                out[name] = trial.suggest_int(name, arg[0], arg[1], log=arg[2])
            else:
                out[name] = trial.suggest_float(name, float(arg[0]), float(arg[1]), log=arg[2])
        return out

    return suggest


def _check_names(params: Mapping[str, Any], names: Sequence[str]) -> None:
    for name in params:
        if name not in names or name == "callbacks":
            raise ParameterError(
                f"space: {name!r} is not a parameter that can be tuned; "
                "valid: " + ", ".join(n for n in names if n != "callbacks")
            )


# -------------------------------------------------------------------------------- tasks
class _Task:
    """How one kind of estimator is fitted, and scored on the dev and test halves."""

    metric = ""
    direction = "maximize"
    split: dict[str, Any] = {}

    def fit(self, est: Any) -> None:
        raise NotImplementedError

    def score(self, est: Any, half: str) -> float:
        raise NotImplementedError

    def score_parts(self, est: Any, half: str) -> tuple[float, dict[str, float]]:
        """The score and its parts (one per metric name joined by '+')."""
        return self.score(est, half), {}

    def live_score(self, est: Any) -> float:
        """The dev score during training (from an epoch callback)."""
        return self.score(est, "dev")

    def close(self) -> None:
        pass


class _CallableTask(_Task):
    def __init__(self, metric: Callable, data: Any, fit_kwargs: dict, direction: str):
        self.fn, self.data, self.fit_kwargs = metric, data, fit_kwargs
        self.metric = getattr(metric, "__name__", "custom")
        self.direction = direction
        self.split = {"kind": "custom"}

    def fit(self, est: Any) -> None:
        est.fit(self.data, **self.fit_kwargs)

    def score(self, est: Any, half: str) -> float:
        if half == "test":
            return math.nan
        v = self.fn(est)
        if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
            raise ParameterError(f"metric {self.metric!r} must return a number, got {v!r}")
        return float(v)

    def live_score(self, est: Any) -> float:
        _refresh_wv(est)
        return self.score(est, "dev")


def _refresh_wv(est: Any) -> None:
    """Make ``est.wv`` the current vectors in an epoch callback (ValueVec keeps them local)."""
    if type(est).__name__ != "ValueVec":
        return
    if getattr(est, "vocab_", None) is not None:
        est._make_joint_wv()
    else:
        est._make_wv()


def _quiet_undefined(record: logging.LogRecord) -> bool:
    """Drop evaluate's 'correlation is undefined' warning: tune scores it 0 (no signal)."""
    return not str(record.msg).startswith("correlation is undefined")


class _WordTask(_Task):
    """Analogy sections and word-pair files, each cut into a dev and a test half."""

    def __init__(
        self,
        metric: str,
        data: Any,
        fit_kwargs: dict,
        eval_data: Mapping[str, Any],
        seed: int,
        restrict_vocab: int | None,
    ):
        from wordspace.analysis.evaluate import datapath

        self.data, self.fit_kwargs, self.metric = data, fit_kwargs, metric
        self.restrict_vocab = restrict_vocab
        names = [m.strip() for m in metric.split("+")]
        if not names or any(not m for m in names) or len(set(names)) != len(names):
            raise ParameterError(
                f"metric {metric!r}: give names joined by '+', each once, e.g. 'analogy+ws353'"
            )
        defaults = {"analogy": datapath("questions-words.txt"), "ws353": datapath("wordsim353.tsv")}
        self.tmp = Path(tempfile.mkdtemp(prefix="wordspace-tune-"))
        self.parts: list[tuple[str, str, Path, Path]] = []  # (name, kind, dev, test)
        files: dict[str, Any] = {}
        try:
            for i, name in enumerate(names):
                path = eval_data.get(name, defaults.get(name))
                if path is None:
                    raise ParameterError(
                        f"metric {name!r} needs a file: eval_data={{{name!r}: path}} (a "
                        "word-pair file like SimLex-999, or an analogy file for names "
                        "starting with 'analogy'); built in: analogy, ws353"
                    )
                path = Path(path)
                if not path.is_file():
                    raise ParameterError(f"eval_data[{name!r}]: {str(path)!r} is not a file")
                kind = "analogy" if name.startswith("analogy") else "pairs"
                rng = np.random.default_rng([int(seed), i])
                dev, test, info = (_split_analogies if kind == "analogy" else _split_pairs)(
                    path, rng, self.tmp / f"{i}"
                )
                info.update(path=str(path), sha256=_sha256(path), kind=kind)
                files[name] = info
                self.parts.append((name, kind, dev, test))
        except BaseException:
            self.close()
            raise
        self.split = {
            "kind": "word",
            "seed": int(seed),
            "metric": metric,
            "restrict_vocab": restrict_vocab,
            "files": files,
        }
        if isinstance(data, str | os.PathLike) and Path(data).is_file():
            st = Path(data).stat()  # a resumed study must train on the same corpus
            self.split["data"] = {"path": str(Path(data).resolve()), "bytes": st.st_size}
        logging.getLogger("wordspace.analysis.evaluate").addFilter(_quiet_undefined)

    def fit(self, est: Any) -> None:
        est.fit(self.data, **self.fit_kwargs)

    def score(self, est: Any, half: str) -> float:
        return self.score_parts(est, half)[0]

    def score_parts(self, est: Any, half: str) -> tuple[float, dict[str, float]]:
        parts = self.scores(est.wv, half)
        return float(np.mean(list(parts.values()))), parts

    def scores(self, wv: Any, half: str) -> dict[str, float]:
        from wordspace.analysis.evaluate import evaluate_word_analogies, evaluate_word_pairs

        out = {}
        for name, kind, dev, test in self.parts:
            path = dev if half == "dev" else test
            if kind == "analogy":
                v = evaluate_word_analogies(
                    wv, path, restrict_vocab=self.restrict_vocab, dummy4unknown=True
                ).score
            else:
                with warnings.catch_warnings():  # all pairs unknown: constant, NaN below
                    warnings.simplefilter("ignore")
                    v = evaluate_word_pairs(
                        wv, path, restrict_vocab=self.restrict_vocab, dummy4unknown=True
                    ).spearman[0]
            out[name] = float(v) if math.isfinite(v) else 0.0  # constant similarities: none
        return out

    def close(self) -> None:
        logging.getLogger("wordspace.analysis.evaluate").removeFilter(_quiet_undefined)
        shutil.rmtree(self.tmp, ignore_errors=True)  # our own temporary folder


def _split_analogies(path: Path, rng: np.random.Generator, stem: Path):
    """Each ``: section`` of an analogy file cut in two seeded halves, written as two files."""
    from wordspace.errors import FormatError

    sections: list[tuple[str, list[str]]] = []
    with open(path, encoding="utf8") as f:
        for line in f:
            if line.startswith(": "):
                sections.append((line.rstrip("\n"), []))
            elif len(line.split()) == 4:
                if not sections:
                    raise FormatError(f"{path}: a question before the first ': section' line")
                sections[-1][1].append(line.rstrip("\n"))
    if not any(q for _, q in sections):
        raise FormatError(f"{path}: no analogy questions found (lines of four words)")
    dev_lines, test_lines, dev_idx = [], [], []
    for head, qs in sections:
        d, t = _halves(len(qs), rng)
        dev_idx.append(d.tolist())
        dev_lines += [head, *(qs[i] for i in d)]
        test_lines += [head, *(qs[i] for i in t)]
    dev, test = stem.with_suffix(".dev.txt"), stem.with_suffix(".test.txt")
    dev.write_text("\n".join(dev_lines) + "\n", encoding="utf8")
    test.write_text("\n".join(test_lines) + "\n", encoding="utf8")
    return dev, test, {"dev": dev_idx, "n": sum(len(q) for _, q in sections)}


def _split_pairs(path: Path, rng: np.random.Generator, stem: Path):
    """The valid ``word1<TAB>word2<TAB>score`` lines of a pair file in two seeded halves."""
    from wordspace.errors import FormatError

    rows = []
    with open(path, encoding="utf8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            try:
                float(parts[2])
            except ValueError:
                continue
            rows.append("\t".join(parts))
    if len(rows) < 6:
        raise FormatError(
            f"{path}: {len(rows)} word pairs (word1<TAB>word2<TAB>score lines); "
            "at least 6 are needed to split into dev and test halves"
        )
    d, t = _halves(len(rows), rng)
    dev, test = stem.with_suffix(".dev.tsv"), stem.with_suffix(".test.tsv")
    dev.write_text("\n".join(rows[i] for i in d) + "\n", encoding="utf8")
    test.write_text("\n".join(rows[i] for i in t) + "\n", encoding="utf8")
    return dev, test, {"dev": d.tolist(), "n": len(rows)}


class _ValueTask(_Task):
    """Value-only ValueVec: held-out word pairs, never trained on, half dev, half test."""

    metric = "value_alignment"

    def __init__(self, base: Any, data: Any, fit_kwargs: dict, holdout: float, seed: int):
        from wordspace.train.valuevec.values import ValuePairs

        if isinstance(data, ValuePairs):
            raise ParameterError(
                "tune ValueVec on a word-value table (or records), not on "
                "prebuilt ValuePairs: each trial builds its own pairs"
            )
        self.data, self.fit_kwargs = data, dict(fit_kwargs)
        probe = _clone(base)
        pairs = probe._build_pairs(data, **self.fit_kwargs)
        words, values = list(pairs.words), np.asarray(pairs.values, np.float64)
        n = len(words)
        if n < 6:
            raise ParameterError(f"only {n} words have values: too few to hold out pairs")
        rng = np.random.default_rng([int(seed), 7])
        total = n * (n - 1) // 2
        want = min(_MAX_EVAL_PAIRS, max(4, int(round(holdout * total))))
        if total <= 4 * _MAX_EVAL_PAIRS:
            i, j = np.triu_indices(n, 1)
            pick = rng.choice(total, size=want, replace=False)
            i, j = i[pick], j[pick]
        else:  # too many to list: draw pairs (a repeat only costs a duplicate row)
            i = rng.integers(0, n, want)
            j = rng.integers(0, n - 1, want)
            j = j + (j >= i)
            i, j = np.minimum(i, j), np.maximum(i, j)
        d, t = _halves(len(i), rng)
        self.words, self.values = words, values
        self.index = {w: k for k, w in enumerate(words)}
        self.pairs = {"dev": (i[d], j[d]), "test": (i[t], j[t])}
        self.held = np.unique(i.astype(np.int64) * n + j)
        digest = hashlib.sha256(
            "\n".join(f"{w}\t{v!r}" for w, v in zip(words, values.tolist(), strict=True)).encode()
        )
        self.split = {
            "kind": "value_pairs",
            "seed": int(seed),
            "holdout": float(holdout),
            "n_words": n,
            "n_dev": int(len(d)),
            "n_test": int(len(t)),
            "words_sha256": digest.hexdigest(),
        }
        if len(i) <= 5000:
            for half, sel in (("dev", d), ("test", t)):
                self.split[f"{half}_pairs"] = [
                    [words[a], words[b]]
                    for a, b in zip(i[sel].tolist(), j[sel].tolist(), strict=True)
                ]

    def training_pairs(self, est: Any) -> Any:
        """The pairs ``est`` builds from the data, less those held out."""
        import dataclasses

        pairs = est._build_pairs(self.data, **self.fit_kwargs)
        n = len(self.words)
        try:
            gid = np.array([self.index[w] for w in pairs.words], dtype=np.int64)
        except KeyError as e:
            raise ParameterError(
                f"a trial's pairs hold the word {e.args[0]!r} the split does "
                "not know: tune no parameter that changes the word list "
                "(min_count, duplicates ...)"
            ) from None
        a, b = gid[pairs.center], gid[pairs.context]
        key = np.minimum(a, b) * n + np.maximum(a, b)
        keep = ~np.isin(key, self.held)
        return dataclasses.replace(
            pairs,
            center=pairs.center[keep],
            context=pairs.context[keep],
            label=pairs.label[keep],
            negative=pairs.negative[keep],
        )

    def fit(self, est: Any) -> None:
        est.fit(self.training_pairs(est))

    def score(self, est: Any, half: str) -> float:
        from scipy.stats import spearmanr

        wv = est.wv
        unit = wv.get_normed_vectors()
        rows = np.array([wv.key_to_index[w] for w in self.words], dtype=np.int64)
        i, j = self.pairs[half]
        cos = np.einsum("ij,ij->i", unit[rows[i]], unit[rows[j]], dtype=np.float64)
        if not np.all(np.isfinite(cos)) or np.ptp(cos) == 0:
            return 0.0
        return float(spearmanr(cos, -np.abs(self.values[i] - self.values[j])).statistic)

    def live_score(self, est: Any) -> float:
        _refresh_wv(est)
        return self.score(est, "dev")


class _JointTask(_Task):
    """Joint ValueVec: a share of the valued words has its value hidden (dev and test)."""

    def __init__(
        self, base: Any, data: Any, fit_kwargs: dict, metric: str, holdout: float, seed: int
    ):
        from wordspace.text.tokenizer import Tokenizer
        from wordspace.train.valuevec.values import as_frame, records_to_word_values

        if metric not in ("value_spearman", "value_mae"):
            raise ParameterError(
                f"metric for joint ValueVec must be 'value_spearman' or "
                f"'value_mae' (or a function), got {metric!r}"
            )
        self.metric = metric
        self.direction = "minimize" if metric == "value_mae" else "maximize"
        kw = dict(fit_kwargs)
        text, value = kw.pop("text", None), kw.pop("value", None)
        if text is None or value is None or kw:
            raise ParameterError(
                "tuning a joint ValueVec (semantic_weight set) needs records: "
                "fit_kwargs=dict(text=<text column>, value=<value column>) and nothing else"
            )
        df, key, val = as_frame(data, text=text, value=value)
        tok = base.tokenizer or Tokenizer(normalize=True)
        self.tokens = [tok(t) if isinstance(t, str) else [] for t in df[key].tolist()]
        has = df[val].notna().to_numpy()
        wvals = records_to_word_values(
            df[key][has].tolist(),
            df[val][has],
            tokenizer=tok,
            prior_weight=float(base.prior_weight),
            min_count=int(base.min_count),
            value_transform=base.value_transform,
            column=val,
            tokens=[t for t, h in zip(self.tokens, has, strict=True) if h],
        )
        words = wvals["word"].to_numpy(dtype=object)
        vals = wvals["value"].to_numpy(np.float64)
        rng = np.random.default_rng([int(seed), 11])
        n_out = max(2, int(round(holdout * len(words))))
        if len(words) - n_out < 3:
            raise ParameterError(
                f"only {len(words)} words have values: too few to hide "
                f"{n_out} and train on the rest; give more records"
            )
        perm = rng.permutation(len(words))
        out, train = perm[:n_out], perm[n_out:]
        d, t = _halves(n_out, rng)
        self.train_values = dict(zip(words[train].tolist(), vals[train].tolist(), strict=True))
        self.held = {"dev": (words[out[d]], vals[out[d]]), "test": (words[out[t]], vals[out[t]])}
        self.split = {
            "kind": "value_words",
            "seed": int(seed),
            "holdout": float(holdout),
            "n_words": len(words),
            "dev_words": words[out[d]].tolist(),
            "test_words": words[out[t]].tolist(),
        }

    def fit(self, est: Any) -> None:
        est.set_params(value_transform=None)  # the values are transformed already
        est.fit(self.train_values, corpus=self.tokens)

    def score(self, est: Any, half: str) -> float:
        from scipy.stats import spearmanr

        words, truth = self.held[half]
        known = np.array([w in est.wv.key_to_index for w in words], dtype=bool)
        if known.sum() < 3:
            return math.nan
        pred = np.asarray(est.predict_value(words[known].tolist()), np.float64)
        if self.metric == "value_mae":
            return float(np.mean(np.abs(pred - truth[known])))
        rho = spearmanr(pred, truth[known]).statistic
        return float(rho) if math.isfinite(rho) else 0.0

    def live_score(self, est: Any) -> float:
        _refresh_wv(est)
        return self.score(est, "dev")


# ------------------------------------------------------------------------------- result
class TuneResult:
    """What :func:`tune` returns.

    Attributes
    ----------
    study: the :class:`optuna.study.Study` (in ``storage`` when one was given).
    best_params_: the parameters of the best trial (by dev score).
    best_score_, best_test_score_: its dev and test scores.
    best_estimator_: the estimator fitted with them (refitted from its parameters and seed
        when the best trial ran in another process).
    trials_: one row per trial: ``number``, ``state``, ``dev``, ``test``, ``seconds``,
        ``seed``, then one ``params_<name>`` column per tuned parameter.
    split_: the held-out split, as saved in the study.
    metric, direction: what was optimised.
    """

    def __init__(self, study: Any, base: Any, task: _Task, best_model: dict[str, Any]):
        self.study = study
        self._base = base
        self._task = task
        self._best = best_model
        self.metric = task.metric
        self.direction = task.direction
        self.split_ = dict(study.user_attrs.get(_SPLIT_KEY, task.split))

    def _repr_html_(self) -> str:
        """Jupyter's display: the best trial, its scores and parameters, and the trials."""
        from wordspace._html import tune_html

        return tune_html(self)

    def _best_trial(self):
        try:
            return self.study.best_trial
        except ValueError:
            raise ParameterError(
                "no trial finished: nothing to pick (raise n_trials or "
                "timeout, or look at trials_ for failed and pruned ones)"
            ) from None

    @property
    def best_params_(self) -> dict[str, Any]:
        return dict(self._best_trial().params)

    @property
    def best_score_(self) -> float:
        return float(self._best_trial().value)

    @property
    def best_test_score_(self) -> float:
        return float(self._best_trial().user_attrs.get("test", math.nan))

    @property
    def best_estimator_(self) -> Any:
        trial = self._best_trial()
        if self._best.get("number") != trial.number:
            self._best = {"number": trial.number, "model": self.refit(trial.number)}
        return self._best["model"]

    def refit(self, number: int) -> Any:
        """Fit trial ``number``'s configuration again (same parameters, seed and data)."""
        trials = {t.number: t for t in self.study.trials}
        if number not in trials:
            raise ParameterError(f"the study has no trial {number}")
        t = trials[number]
        est = _clone(self._base).set_params(**t.params, callbacks=())
        if "seed" in t.user_attrs and "seed" in est.get_params(deep=False):
            est.set_params(seed=t.user_attrs["seed"])
        self._task.fit(est)
        est.set_params(callbacks=())
        return est

    @property
    def trials_(self) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for t in self.study.trials:
            row = {
                "number": t.number,
                "state": t.state.name,
                "dev": (
                    t.value if t.value is not None and t.state.name == "COMPLETE" else math.nan
                ),  # a pruned trial's value is only its last report
                "test": t.user_attrs.get("test", math.nan),
                "seconds": t.user_attrs.get("seconds", math.nan),
                "seed": t.user_attrs.get("seed"),
            }
            row.update({f"params_{k}": v for k, v in t.params.items()})
            rows.append(row)
        return pd.DataFrame(
            rows, columns=None if rows else ["number", "state", "dev", "test", "seconds", "seed"]
        )

    def plots(self, folder: str | os.PathLike, *, fmt: str = "png") -> list[str]:
        """Write ``history.<fmt>`` (every finished trial's dev and test score, and the best
        dev score so far) and, with two finished trials or more and a parameter that varied,
        ``importances.<fmt>`` (Optuna's fANOVA parameter importances) into ``folder``
        (created if needed). Returns the paths written. Needs matplotlib (``[plot]``)."""
        from wordspace.viz.plot import _new_figure, save

        done = [t for t in self.study.trials if t.state.name == "COMPLETE"]
        if not done:
            raise ParameterError("no trial finished: nothing to plot")
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        fig = _new_figure((6.4, 4.0), 100)
        fig.set_layout_engine("constrained")
        ax = fig.add_subplot(1, 1, 1)
        x = [t.number for t in done]
        dev = [float(t.value) for t in done]
        test = [float(t.user_attrs.get("test", math.nan)) for t in done]
        pick = np.maximum.accumulate if self.direction == "maximize" else np.minimum.accumulate
        ax.scatter(x, dev, s=18, label="dev (tuned on)", color="#1f77b4", zorder=3)
        if any(math.isfinite(v) for v in test):
            ax.scatter(
                x, test, s=18, marker="x", label="test (held out)", color="#d62728", zorder=3
            )
        ax.step(
            x,
            pick(np.asarray(dev)),
            where="post",
            color="#1f77b4",
            alpha=0.6,
            label="best dev so far",
        )
        ax.set_xlabel("trial")
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # trials are numbered, not 0.5
        ax.set_ylabel(self.metric)
        ax.set_title(f"optimisation history ({len(done)} finished trials)")
        ax.legend(loc="best", fontsize=8)
        paths.append(save(fig, out / f"history.{fmt}"))
        optuna = _optuna()
        try:
            imp = optuna.importance.get_param_importances(self.study)
        except (RuntimeError, ValueError) as e:  # too few trials, or nothing varied
            logger.warning("no parameter importances: %s", e)
            imp = {}
        if imp:
            fig = _new_figure((6.4, 0.5 + 0.45 * len(imp)), 100)
            fig.set_layout_engine("constrained")
            ax = fig.add_subplot(1, 1, 1)
            names = list(imp)[::-1]
            ax.barh(names, [imp[n] for n in names], color="#1f77b4")
            ax.set_xlabel("importance (fANOVA)")
            ax.set_title(f"parameter importances for dev {self.metric}")
            paths.append(save(fig, out / f"importances.{fmt}"))
        return paths

    def __repr__(self) -> str:
        n = len(self.study.trials)
        try:
            best = f"best dev {self.metric}={self.best_score_:.4f} with {self.best_params_}"
        except ParameterError:
            best = "no trial finished"
        return f"TuneResult({n} trials, {best})"


# --------------------------------------------------------------------------------- tune
class _Reporter:
    """An epoch callback ``f(model, epoch)``: reports the dev score, prunes hopeless trials."""

    def __init__(self, trial: Any, task: _Task, every: int):
        self.trial, self.task, self.every = trial, task, max(1, int(every))

    def __call__(self, model: Any, epoch: int | None) -> None:
        optuna = _optuna()
        if epoch is None or epoch % self.every:
            return
        v = self.task.live_score(model)
        if not math.isfinite(v):
            return
        self.trial.report(v, int(epoch))
        if self.trial.should_prune():
            raise optuna.TrialPruned(f"pruned at epoch {epoch} (dev {self.task.metric} {v:.4g})")


def _epochs(est: Any) -> int:
    if type(est).__name__ == "ValueVec" and getattr(est, "semantic_weight", None) is not None:
        return int(est.text_epochs)
    return int(getattr(est, "epochs", 1) or 1)


def _make_sampler(optuna: Any, sampler: Any, space: Any, seed: int):
    if not isinstance(sampler, str):
        if isinstance(sampler, optuna.samplers.BaseSampler):
            return sampler
        raise ParameterError(
            f"sampler must be one of {_SAMPLERS} or an optuna sampler, got {sampler!r}"
        )
    if sampler == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if sampler == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if sampler == "grid":
        return optuna.samplers.GridSampler({k: list(v) for k, v in space.items()}, seed=seed)
    raise ParameterError(
        f"sampler must be one of {', '.join(_SAMPLERS)} or an optuna sampler, got {sampler!r}"
    )


def _make_pruner(optuna: Any, pruner: Any):
    if pruner is None or pruner == "none":
        return optuna.pruners.NopPruner()
    if pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=4, n_warmup_steps=0)
    if isinstance(pruner, optuna.pruners.BasePruner):
        return pruner
    raise ParameterError(f"pruner must be 'median', 'none' or an optuna pruner, got {pruner!r}")


def _make_task(
    estimator: Any,
    data: Any,
    fit_kwargs: dict,
    metric: Any,
    direction: str | None,
    holdout: float,
    seed: int,
    eval_data: Mapping[str, Any],
    restrict_vocab: int | None,
) -> _Task:
    kind = _kind(estimator)
    if callable(metric):
        if direction not in (None, "maximize", "minimize"):
            raise ParameterError(f"direction must be 'maximize' or 'minimize', got {direction!r}")
        return _CallableTask(metric, data, fit_kwargs, direction or "maximize")
    if direction is not None:
        raise ParameterError(
            "direction is only for a metric function: the named metrics know theirs"
        )
    if kind not in DEFAULT_METRICS:
        raise ParameterError(
            f"tune knows Word2Vec, FastText, GloVe and ValueVec; for a "
            f"{type(estimator).__name__} give metric as a function "
            "metric(estimator) -> float"
        )
    metric = DEFAULT_METRICS[kind] if metric is None else metric
    if not isinstance(metric, str):
        raise ParameterError(
            f"metric must be a name like {DEFAULT_METRICS[kind]!r} or a "
            f"function estimator -> float, got {metric!r}"
        )
    if kind == "ValueVec":
        if metric != "value_alignment":
            raise ParameterError(
                f"metric for a values-only ValueVec must be "
                f"'value_alignment' (or a function), got {metric!r}"
            )
        return _ValueTask(estimator, data, fit_kwargs, holdout, seed)
    if kind == "ValueVec-joint":
        return _JointTask(estimator, data, fit_kwargs, metric, holdout, seed)
    return _WordTask(metric, data, fit_kwargs, eval_data, seed, restrict_vocab)


def tune(
    estimator: Any,
    data: Any,
    *,
    fit_kwargs: Mapping[str, Any] | None = None,
    space: Mapping[str, Any] | Callable[[Any], dict] | None = None,
    metric: str | Callable[[Any], float] | None = None,
    n_trials: int | None = None,
    timeout: float | None = None,
    seed: int = 0,
    sampler: str | Any = "tpe",
    pruner: str | Any = "median",
    storage: str | None = None,
    study_name: str | None = None,
    holdout: float = 0.3,
    eval_data: Mapping[str, str | os.PathLike] | None = None,
    restrict_vocab: int | None = 30000,
    direction: str | None = None,
    enqueue: Sequence[Mapping[str, Any]] = (),
    n_jobs: int = 1,
    progress: Callable[..., None] | None = None,
) -> TuneResult:
    """Search ``estimator``'s hyper-parameters with Optuna, scoring held-out data.

    Parameters
    ----------
    estimator: a :class:`~wordspace.Word2Vec`, :class:`~wordspace.FastText`,
        :class:`~wordspace.GloVe` or :class:`~wordspace.ValueVec` (with ``metric`` a function:
        any estimator); it is not modified; each trial fits a copy.
    data: what ``estimator.fit`` takes (a corpus path, a table ...).
    fit_kwargs: further arguments of ``fit`` (``word=``, ``value=``, ``text=`` ...).
    space: the search space (see the module docstring); None: :data:`DEFAULT_SPACES`.
    metric: ``"analogy"``, ``"ws353"``, ``"simlex"`` ... joined by ``+`` (word vectors),
        ``"value_alignment"`` (ValueVec), ``"value_spearman"``/``"value_mae"`` (joint
        ValueVec), or a function ``metric(estimator) -> float``; None: :data:`DEFAULT_METRICS`.
    n_trials, timeout: stop after this many trials (of this call) or seconds; with neither,
        20 trials (grid: every combination).
    seed: seeds the sampler and the dev/test split.
    sampler: ``"tpe"``, ``"grid"``, ``"random"`` or an optuna sampler.
    pruner: ``"median"`` (stop a trial whose dev score after an epoch is below the median of
        earlier trials' at that epoch, from the fifth trial on), ``"none"``, or an optuna
        pruner.
    storage, study_name: an Optuna storage URL (``"sqlite:///tune.db"``) to resume and to share
        the study between processes; the name defaults to ``"wordspace-<Estimator>"``.
    holdout: ValueVec: the share of word pairs (values only) or of valued words (joint) held
        out, half dev, half test.
    eval_data: word-pair or analogy files by metric name (``{"simlex": "simlex999.txt"}``).
    restrict_vocab: the most frequent words that analogy and pair scores use.
    direction: for a metric function: ``"maximize"`` (default) or ``"minimize"``.
    enqueue: parameter sets to try first (e.g. the defaults: ``[{"epochs": 5}]``).
    n_jobs: trials run in parallel threads of this process (several processes sharing
        ``storage`` scale better).
    progress: ``progress(done, total, **info)`` after every trial (info: best, trial, state).

    Returns
    -------
    TuneResult
    """
    optuna = _optuna()
    from wordspace._base import Estimator

    if not isinstance(estimator, Estimator):
        raise ParameterError(
            f"estimator must be a wordspace estimator (Word2Vec(), "
            f"ValueVec() ...), got {type(estimator).__name__}"
        )
    estimator._validate()
    fit_kwargs = dict(fit_kwargs or {})
    if "progress" in fit_kwargs:
        raise ParameterError("fit_kwargs may not set progress: tune reports its own")
    for name, v in (("n_trials", n_trials), ("n_jobs", n_jobs)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            raise ParameterError(f"{name} must be a positive integer, got {v!r}")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0
    ):
        raise ParameterError(f"timeout must be a positive number of seconds, got {timeout!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ParameterError(f"seed must be an integer, got {seed!r}")
    if not (isinstance(holdout, float) and 0 < holdout < 1):
        raise ParameterError(f"holdout must be a fraction in (0, 1), got {holdout!r}")
    if isinstance(sampler, str) and sampler not in _SAMPLERS:
        raise ParameterError(
            f"sampler must be one of {', '.join(_SAMPLERS)} or an optuna sampler, got {sampler!r}"
        )
    kind = _kind(estimator)
    if space is None:
        if kind not in DEFAULT_SPACES:
            raise ParameterError(
                f"no default search space for {type(estimator).__name__}: give space="
            )
        space = DEFAULT_SPACES[kind]
        if sampler == "grid":
            raise ParameterError("sampler='grid' needs space= as a dict of lists of values")
    names = estimator._get_param_names()
    suggest = _check_space(space, names, sampler if isinstance(sampler, str) else "")
    for params in enqueue:
        _check_names(params, names)
    pruner_obj = _make_pruner(optuna, pruner)
    sampler_obj = _make_sampler(optuna, sampler, space, int(seed))
    if n_trials is None and timeout is None:
        if sampler == "grid":
            assert isinstance(space, Mapping)  # _make_sampler took space.items() above
            n_trials = math.prod(len(v) for v in space.values())
        else:
            n_trials = 20
    task = _make_task(
        estimator,
        data,
        fit_kwargs,
        metric,
        direction,
        holdout,
        int(seed),
        dict(eval_data or {}),
        restrict_vocab,
    )
    best: dict[str, Any] = {}
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # our progress, not Optuna's log
    try:
        study = optuna.create_study(
            storage=storage,
            study_name=study_name or f"wordspace-{type(estimator).__name__}",
            sampler=sampler_obj,
            pruner=pruner_obj,
            direction=task.direction,
            load_if_exists=True,
        )
        saved = study.user_attrs.get(_SPLIT_KEY)
        if saved is None:
            study.set_user_attr(_SPLIT_KEY, task.split)
            study.set_user_attr("wordspace_estimator", type(estimator).__name__)
        elif saved != task.split:
            raise ParameterError(
                f"study {study.study_name!r} in {storage} was made with another split or "
                "other data (seed, files, metric or words differ); give the same ones, or "
                "another study_name"
            )
        for params in enqueue:
            study.enqueue_trial(dict(params))
        reporting = not isinstance(pruner_obj, optuna.pruners.NopPruner)

        def objective(trial: Any) -> float:
            params = suggest(trial)
            est = _clone(estimator).set_params(**params)
            est._validate()
            trial_seed = est.get_params(deep=False).get("seed")
            trial.set_user_attr("seed", trial_seed)
            if reporting and "callbacks" in names:
                every = max(1, _epochs(est) // 20)
                est.set_params(callbacks=(*estimator.callbacks, _Reporter(trial, task, every)))
            t0 = time.perf_counter()
            try:
                task.fit(est)
            finally:
                trial.set_user_attr("seconds", time.perf_counter() - t0)
            if "callbacks" in names:
                est.set_params(callbacks=tuple(estimator.callbacks))
            dev, dev_parts = task.score_parts(est, "dev")
            test, test_parts = task.score_parts(est, "test")
            trial.set_user_attr("test", test)
            if dev_parts:
                trial.set_user_attr("dev_parts", dev_parts)
                trial.set_user_attr("test_parts", test_parts)
            if math.isfinite(dev):
                better = not best or (
                    dev > best["dev"] if task.direction == "maximize" else dev < best["dev"]
                )
                if better:
                    best.update(number=trial.number, model=est, dev=dev)
            return dev

        def report(study: Any, trial: Any) -> None:
            if progress is None:
                return
            info: dict[str, Any] = {"trial": trial.number, "state": trial.state.name}
            try:
                info["best"] = float(study.best_value)
            except ValueError:
                pass
            done = len([t for t in study.trials if t.state.is_finished()])
            progress(done, n_trials, **info)

        study.optimize(
            objective,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=(TrainingDivergedError,),
            callbacks=[report],
        )
    finally:
        optuna.logging.set_verbosity(verbosity)
        task.close()  # the temporary dev/test files; refitting needs only the data
    result = TuneResult(
        study, estimator, task, {k: best[k] for k in ("number", "model")} if best else {}
    )
    return result
