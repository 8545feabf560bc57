"""The tasks of a search: how each kind of estimator is fitted, and scored on the dev and test
halves of its held-out data (analogy and word-pair files, value pairs, valued words)."""

from __future__ import annotations

import hashlib
import logging
import math
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from wordspace._files import check_line_lengths, file_hash
from wordspace.errors import ParameterError
from wordspace.tune.spaces import DEFAULT_METRICS, _clone, _kind

_MAX_EVAL_PAIRS = 200_000


_SPLIT_KEY = "wordspace_split"


def _halves(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A seeded cut of ``range(n)`` into dev (the larger half when odd) and test, sorted."""
    perm = rng.permutation(n)
    k = (n + 1) // 2
    return np.sort(perm[:k]), np.sort(perm[k:])


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
                info.update(path=str(path), sha256=file_hash(path, "sha256").hexdigest(), kind=kind)
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
    check_line_lengths(path)
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
    check_line_lengths(path)
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
