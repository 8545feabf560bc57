"""The search spaces: the documented defaults per estimator, their validation, and the
Optuna samplers and pruners that walk them."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from wordspace._optional import require
from wordspace.errors import ParameterError

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
        "weight_exponent": (0.5, 1.0),
        "alpha": (0.01, 0.2, "log"),
        "epochs": (5, 30),
    },
    "ValueVec": {
        "vector_size": (4, 64),
        "alpha": (1e-3, 0.5, "log"),
        "epochs": (20, 2000, "log"),
        "window": (1, 5),
        "negative": (2, 30),
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


def _kind(estimator: Any) -> str:
    name = type(estimator).__name__
    if name == "ValueVec" and getattr(estimator, "semantic_weight", None) is not None:
        return "ValueVec-joint"
    return name


def _clone(estimator: Any) -> Any:
    return type(estimator)(**estimator.get_params(deep=False))


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


def _optuna():
    return require("optuna", extra="tune", purpose="hyper-parameter search")
