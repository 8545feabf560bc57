"""The estimator contract every trainer and transformer follows, and the one way to validate
parameters.

:class:`Estimator` is scikit-learn's contract without scikit-learn: ``__init__`` only stores its
keyword arguments; :meth:`~Estimator.get_params` / :meth:`~Estimator.set_params` read the
parameter names from the ``__init__`` signature, so ``sklearn.base.clone``, ``Pipeline`` and
``GridSearchCV`` work; each estimator declares its parameter rules once, in a ``_constraints``
table of :class:`Rule`, checked by one :meth:`~Estimator._validate`; state learned by ``fit``
ends in ``_`` (``wv`` is the documented exception: gensim's name). Functions validate their
arguments with the same rules through :func:`validate_params`.

Saving is not part of the contract: trainers add it (:class:`wordspace.train._common.Trainer`),
and an estimator that cannot be saved has no ``save``.

Foundation layer: imports only :mod:`wordspace.errors` and :mod:`wordspace._html`.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar, cast

import numpy as np

from wordspace._html import estimator_html, short_repr
from wordspace.errors import ParameterError, TrainingDivergedError

__all__ = [
    "Estimator",
    "Rule",
    "is_int",
    "is_num",
    "is_finite_num",
    "is_bool",
    "mix_seed",
    "check_finite",
    "integer",
    "number",
    "boolean",
    "choice",
    "rule",
    "callbacks_rule",
    "validate_params",
    "CALLBACK_HOOKS",
    "jsonable",
]

E = TypeVar("E", bound="Estimator")
F = TypeVar("F", bound=Callable[..., Any])


def mix_seed(*xs: int) -> int:
    """splitmix64 over a few integers: a job's or thread's seed from (seed, epoch, job)."""
    z = 0x9E3779B97F4A7C15
    m = (1 << 64) - 1
    for x in xs:
        z = (z ^ (int(x) & m)) & m
        z = (z + 0x9E3779B97F4A7C15) & m
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
        z ^= z >> 31
    return z or 1


def is_int(x: Any) -> bool:
    """An integer (Python or NumPy), not a bool."""
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def is_num(x: Any) -> bool:
    """A real number (Python or NumPy), not a bool."""
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)


def is_finite_num(x: Any) -> bool:
    """A finite real number, not a bool."""
    return is_num(x) and math.isfinite(x)


def is_bool(x: Any) -> bool:
    return isinstance(x, bool | np.bool_)


def check_finite(
    arrays: Mapping[str, np.ndarray],
    *,
    where: str,
    fix: str,
    loss: float | None = None,
    max_loss: float | None = None,
) -> None:
    """Raise :class:`TrainingDivergedError` when ``loss`` or any array holds NaN or inf.

    One float64 sum per array (no temporary of the array's size): a NaN or inf anywhere makes
    the sum non-finite. ``where`` names the point of training ("epoch 3"); ``fix`` says what
    to lower. ``max_loss``: a finite loss above it also counts as diverged.
    """
    bad = []
    if loss is not None and not math.isfinite(loss):
        bad.append(f"the loss is {loss}")
    elif loss is not None and max_loss is not None and loss > max_loss:
        bad.append(f"the loss exploded to {loss:.3g}")
    with np.errstate(all="ignore"):
        for name, a in arrays.items():
            if a.size and not math.isfinite(float(np.sum(a, dtype=np.float64))):
                bad.append(f"{name} hold NaN or infinite values")
    if bad:
        raise TrainingDivergedError(f"training diverged at {where}: {'; '.join(bad)}; {fix}")


# ----------------------------------------------------------------------------- constraints
@dataclass(frozen=True)
class Rule:
    """One parameter rule: ``ok(value, params)`` must hold, else ``message`` is raised.

    ``message`` is formatted with ``name``, ``value`` and every parameter by name, e.g.
    ``"min_alpha must be in [0, alpha={alpha!r}], got {value!r}"``.
    """

    names: tuple[str, ...]
    ok: Callable[[Any, Mapping[str, Any]], bool]
    message: str

    def check(self, params: Mapping[str, Any]) -> None:
        for name in self.names:
            value = params[name]
            if not self.ok(value, params):
                raise ParameterError(self.message.format(name=name, value=value, **params))


def integer(*names: str, min: int = 1, optional: bool = False, message: str | None = None) -> Rule:
    """An integer >= ``min`` (or None when ``optional``)."""
    none = " or None" if optional else ""
    msg = message or f"{{name}} must be an integer >= {min}{none}, got {{value!r}}"
    return Rule(names, lambda v, p: (optional and v is None) or (is_int(v) and v >= min), msg)


def number(
    *names: str,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = True,
    high_open: bool = True,
    message: str | None = None,
) -> Rule:
    """A finite number in the interval (open ends by default)."""

    def ok(v: Any, p: Mapping[str, Any]) -> bool:
        if not is_finite_num(v):
            return False
        lo_ok = v > low if low_open else v >= low
        hi_ok = v < high if high_open else v <= high
        return lo_ok and hi_ok

    lo = "(" if low_open else "["
    hi = ")" if high_open else "]"
    msg = message or f"{{name}} must be a number in {lo}{low}, {high}{hi}, got {{value!r}}"
    return Rule(names, ok, msg)


def boolean(*names: str) -> Rule:
    return Rule(names, lambda v, p: is_bool(v), "{name} must be True or False, got {value!r}")


def choice(*names: str, options: tuple[Any, ...], message: str | None = None) -> Rule:
    def ok(v: Any, p: Mapping[str, Any]) -> bool:
        return isinstance(v, str | int | type(None)) and not isinstance(v, float) and v in options

    msg = message or ("{name} must be one of " + ", ".join(map(repr, options)) + "; got {value!r}")
    return Rule(names, ok, msg)


def rule(*names: str, ok: Callable[[Any, Mapping[str, Any]], bool], message: str) -> Rule:
    return Rule(names, ok, message)


#: the epoch-callback hooks, called with the model (gensim's ``CallbackAny2Vec`` names)
CALLBACK_HOOKS = ("on_epoch_end", "on_epoch_begin", "on_train_begin", "on_train_end")


def _callbacks_ok(v: Any, p: Any) -> bool:
    return (
        isinstance(v, Sequence)
        and not isinstance(v, str)
        and all(callable(cb) or any(hasattr(cb, m) for m in CALLBACK_HOOKS) for cb in v)
    )


def callbacks_rule() -> Rule:
    """The ``callbacks`` parameter: a list of hook objects or ``f(model, epoch)`` functions."""
    return rule(
        "callbacks",
        ok=_callbacks_ok,
        message="callbacks must be a list or tuple of callables or objects with "
        "on_epoch_end() and the like; got {value!r}",
    )


# ------------------------------------------------------------------------------- the base
def validate_params(*rules: Rule) -> Callable[[F], F]:
    """Check a function's arguments against ``rules`` (the estimators' :class:`Rule` tables)
    before each call, as scikit-learn's ``validate_params`` does: a :class:`ParameterError`
    names the argument, the value and what is allowed. Arguments left at their defaults are
    checked too."""

    def deco(fn: F) -> F:
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            for r in rules:
                r.check(bound.arguments)
            return fn(*args, **kwargs)

        return cast(F, wrapper)

    return deco


class Estimator:
    """Base class of wordspace's trainers and transformers (see the module docstring)."""

    #: the parameter rules, checked in order by :meth:`_validate`
    _constraints: ClassVar[tuple[Rule, ...]] = ()

    callbacks: Sequence[Any]

    # ------------------------------------------------------------------ parameters
    @classmethod
    def _get_param_names(cls) -> list[str]:
        init = cls.__init__
        if init is object.__init__:
            return []
        names = []
        for p in inspect.signature(init).parameters.values():
            if p.name == "self":
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__}.__init__ must not take *args or **kwargs")
            names.append(p.name)
        return sorted(names)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters, by name (``deep``: also those of nested estimators)."""
        out: dict[str, Any] = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                for k, v in value.get_params(deep=True).items():
                    out[f"{name}__{k}"] = v
            out[name] = value
        return out

    def set_params(self: E, **params: Any) -> E:
        """Set parameters by name (``nested__name`` for nested estimators); returns self."""
        valid = self._get_param_names()
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, sep, sub = key.partition("__")
            if name not in valid:
                raise ParameterError(
                    f"unknown parameter {name!r} for {type(self).__name__}; valid: "
                    + ", ".join(valid)
                )
            if sep:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def _validate(self) -> None:
        """Check every parameter against the ``_constraints`` table (ParameterError)."""
        params = {name: getattr(self, name) for name in self._get_param_names()}
        for r in self._constraints:
            r.check(params)

    def _config(self) -> dict[str, Any]:
        """The parameters as JSON (NumPy scalars as Python numbers, functions as 'custom')."""
        return {k: jsonable(v) for k, v in self.get_params(deep=False).items()}

    @classmethod
    def _params_from_config(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        """Saved parameters back to constructor arguments (unknown names are dropped)."""
        sig = inspect.signature(cls.__init__).parameters
        out = {}
        for k, v in config.items():
            if k not in sig or k == "self" or v == "custom":
                continue
            if isinstance(v, list) and isinstance(sig[k].default, tuple):
                v = tuple(v)  # JSON has no tuples
            out[k] = v
        return out

    def __repr__(self) -> str:
        defaults = {
            p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()
        }
        shown = []
        for name in self._get_param_names():
            value = getattr(self, name, None)
            default = defaults.get(name, inspect.Parameter.empty)
            try:
                same = bool(value == default) if not isinstance(value, np.ndarray) else False
            except Exception:  # noqa: BLE001 - objects whose == is not a bool
                same = False
            if not same:
                shown.append(f"{name}={short_repr(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def _repr_html_(self) -> str:
        """A small HTML summary for Jupyter: the parameters and, when fitted, what it learned."""
        return estimator_html(self)

    def __sklearn_tags__(self):  # called by scikit-learn only (Pipeline, GridSearchCV)
        from sklearn.utils import Tags, TargetTags, TransformerTags

        tags = Tags(estimator_type=None, target_tags=TargetTags(required=False))
        if hasattr(self, "transform"):
            tags.transformer_tags = TransformerTags()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    # ------------------------------------------------------------------ epoch callbacks
    def _call_callbacks(self, hook: str, epoch: int | None = None) -> None:
        """Call ``hook`` (one of :data:`CALLBACK_HOOKS`) on every object of ``callbacks``
        with the model; a plain function is called as ``f(model, epoch)`` at epoch ends.

        Called on the caller's thread, between epochs: an exception a callback raises (e.g.
        Optuna's ``TrialPruned``) stops training and propagates out of ``fit``."""
        for cb in getattr(self, "callbacks", ()) or ():
            m = getattr(cb, hook, None)
            if m is not None:
                m(self)
            elif hook == "on_epoch_end" and callable(cb):
                cb(self, epoch)

    # ------------------------------------------------------------------ fitted state
    @property
    def is_fitted(self) -> bool:
        """True after ``fit`` (or ``load``)."""
        return getattr(self, "wv", None) is not None

    def _check_fitted(self, action: str = "use it") -> None:
        if not self.is_fitted:
            raise ParameterError(
                f"this {type(self).__name__} is not fitted yet; call fit() before you {action}"
            )


def jsonable(v: Any) -> Any:
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if hasattr(v, "to_dict") and callable(v):  # a Tokenizer: its settings
        return v.to_dict()
    if isinstance(v, list | tuple):
        if any(callable(x) for x in v):
            return "custom"
        return [jsonable(x) for x in v]
    if callable(v):
        return "custom"
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, str | int | float | bool | type(None)):
        return v
    return repr(v)
