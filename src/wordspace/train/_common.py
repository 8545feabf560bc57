"""The estimator contract every trainer and transformer follows, and the helpers they share.

:class:`Estimator` is scikit-learn's contract without scikit-learn: ``__init__`` only stores its
keyword arguments; :meth:`~Estimator.get_params` / :meth:`~Estimator.set_params` read the
parameter names from the ``__init__`` signature, so ``sklearn.base.clone``, ``Pipeline`` and
``GridSearchCV`` work; each estimator declares its parameter rules once, in a ``_constraints``
table of :class:`Rule`, checked by one :meth:`~Estimator._validate`; state learned by ``fit``
ends in ``_`` (``wv`` is the documented exception: gensim's name); and one save/load scaffold
writes parameters, arrays and history in the native format.

Training continues only when asked: ``fit`` starts afresh, ``partial_fit`` continues.

Long runs (:class:`Checkpointer`): a trainer given ``checkpoint_path`` writes its whole training
state there every ``checkpoint_every`` seconds (default 600), atomically, in the native format
(no pickle), at a job boundary; ``Trainer.resume(path).fit(corpus)`` continues from it, exactly
(``workers=1``: bit for bit) when the corpus and the parameters are the checkpoint's, and with a
:class:`~wordspace.errors.CheckpointError` naming the difference otherwise. A ``fit`` stopped by
``KeyboardInterrupt`` stops its threads, keeps the weights reached, marks the model partial
(``training_complete_ = False``, ``training_progress_``) and re-raises; a partial model saves
with ``complete: false`` in its metadata, and every reader warns about it.
"""

from __future__ import annotations

import hashlib
import inspect
import math
import os
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import numpy as np

from ..errors import CheckpointError, FormatError, ParameterError, TrainingDivergedError

if TYPE_CHECKING:
    from ..vectors import WordVectors

__all__ = ["Estimator", "Rule", "is_int", "is_num", "mix_seed", "check_finite", "Checkpointer",
           "CHECKPOINT_RULES", "DEFAULT_CHECKPOINT_EVERY"]

E = TypeVar("E", bound="Estimator")


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


def check_finite(arrays: Mapping[str, np.ndarray], *, where: str, fix: str,
                 loss: float | None = None, max_loss: float | None = None) -> None:
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


def integer(*names: str, min: int = 1, optional: bool = False,
            message: str | None = None) -> Rule:
    """An integer >= ``min`` (or None when ``optional``)."""
    none = " or None" if optional else ""
    msg = message or f"{{name}} must be an integer >= {min}{none}, got {{value!r}}"
    return Rule(names, lambda v, p: (optional and v is None) or (is_int(v) and v >= min), msg)


def number(*names: str, low: float = -math.inf, high: float = math.inf,
           low_open: bool = True, high_open: bool = True, message: str | None = None) -> Rule:
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

    msg = message or ("{name} must be one of " + ", ".join(map(repr, options))
                      + "; got {value!r}")
    return Rule(names, ok, msg)


def rule(*names: str, ok: Callable[[Any, Mapping[str, Any]], bool], message: str) -> Rule:
    return Rule(names, ok, message)


#: seconds between checkpoints when only ``checkpoint_path`` is given
DEFAULT_CHECKPOINT_EVERY = 600.0
#: parameters a resumed run may change: they do not change what is computed
RESUME_FREE = frozenset({"workers", "checkpoint_every", "checkpoint_path", "callbacks",
                         "memory"})

CHECKPOINT_RULES = (
    rule("checkpoint_every", ok=lambda v, p: v is None or (is_finite_num(v) and v > 0),
         message="checkpoint_every must be None or a number of seconds > 0 (600 is usual), "
                 "got {value!r}"),
    rule("checkpoint_path", ok=lambda v, p: v is None or isinstance(v, str | os.PathLike),
         message="checkpoint_path must be None or the path of the checkpoint file, "
                 "got {value!r}"),
    rule("checkpoint_every", ok=lambda v, p: v is None or p["checkpoint_path"] is not None,
         message="checkpoint_every={value!r} needs checkpoint_path, the file to write the "
                 "checkpoints to (e.g. checkpoint_path='model.ckpt')"),
)


def vocab_fingerprint(words: list[str], counts: Any) -> dict[str, Any]:
    """Size and hash of a vocabulary (its words in order and their counts)."""
    h = hashlib.blake2b(digest_size=16)
    h.update("\0".join(words).encode("utf-8", "surrogatepass"))
    if counts is not None:
        h.update(np.ascontiguousarray(np.asarray(counts, dtype=np.int64)).tobytes())
    return {"size": len(words), "hash": h.hexdigest()}


class Checkpointer:
    """When to write a checkpoint (every ``checkpoint_every`` seconds of training) and its
    cost: ``seconds`` spent writing, ``count`` written, ``bytes`` of the last one."""

    def __init__(self, est: Estimator):
        path = getattr(est, "checkpoint_path", None)
        every = getattr(est, "checkpoint_every", None)
        self.path = None if path is None else os.fspath(path)
        self.every = float(every if every is not None else DEFAULT_CHECKPOINT_EVERY)
        self.last = time.monotonic()
        self.seconds = 0.0
        self.count = 0
        self.bytes = 0

    def due(self) -> bool:
        return self.path is not None and time.monotonic() - self.last >= self.every

    def write(self, est: Estimator, position: dict[str, Any],
              arrays: Mapping[str, np.ndarray]) -> None:
        """Write ``est``'s checkpoint: its saved model (marked partial) + ``arrays`` (the
        optimiser state, stored as ``ckpt_NAME``) + ``position`` (JSON)."""
        assert self.path is not None
        t = time.perf_counter()
        est._write_checkpoint(self.path, position, arrays)
        self.seconds += time.perf_counter() - t
        self.count += 1
        try:
            self.bytes = os.path.getsize(self.path)
        except OSError:
            self.bytes = 0
        est.checkpoint_seconds_ = self.seconds
        est.checkpoints_written_ = self.count
        self.last = time.monotonic()


#: the epoch-callback hooks, called with the model (gensim's ``CallbackAny2Vec`` names)
CALLBACK_HOOKS = ("on_epoch_end", "on_epoch_begin", "on_train_begin", "on_train_end")


def _callbacks_ok(v: Any, p: Any) -> bool:
    return (isinstance(v, Sequence) and not isinstance(v, str)
            and all(callable(cb) or any(hasattr(cb, m) for m in CALLBACK_HOOKS) for cb in v))


def callbacks_rule() -> Rule:
    """The ``callbacks`` parameter: a list of hook objects or ``f(model, epoch)`` functions."""
    return rule("callbacks", ok=_callbacks_ok,
                message="callbacks must be a list or tuple of callables or objects with "
                        "on_epoch_end() and the like; got {value!r}")


# ------------------------------------------------------------------------------- the base
class Estimator:
    """Base class of wordspace's trainers and transformers (see the module docstring)."""

    #: the parameter rules, checked in order by :meth:`_validate`
    _constraints: ClassVar[tuple[Rule, ...]] = ()
    #: ``meta.json``'s ``model`` value and the section holding the state, for save/load
    _model_kind: ClassVar[str] = ""
    _state_key: ClassVar[str] = ""

    # What the trainers set (annotations only: nothing is set on the class, so an unfitted
    # estimator still lacks them, as scikit-learn's do).
    wv: WordVectors
    callbacks: Sequence[Any]
    training_complete_: bool
    training_progress_: dict[str, Any]
    checkpoint_seconds_: float
    checkpoints_written_: int
    _resume_from: dict[str, Any] | None

    if TYPE_CHECKING:
        def _make_wv(self) -> None:
            """Compose ``wv`` from the trained weights (every trainer defines it)."""

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
                    + ", ".join(valid))
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
        return {k: _jsonable(v) for k, v in self.get_params(deep=False).items()}

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
                shown.append(f"{name}={_short_repr(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def _repr_html_(self) -> str:
        """A small HTML summary for Jupyter: the parameters and, when fitted, what it learned."""
        from ..report import estimator_html

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
                f"this {type(self).__name__} is not fitted yet; call fit() before you {action}")

    # ------------------------------------------------------------------ save / load
    def _get_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """The learned arrays and JSON state to save besides ``wv`` and the parameters."""
        raise NotImplementedError

    def _set_state(self, wv: Any, arrays: dict[str, np.ndarray], state: dict[str, Any],
                   path: str | os.PathLike) -> None:
        """Restore what :meth:`_get_state` returned (raise FormatError on a mismatch)."""
        raise NotImplementedError

    def save(self, path: str | os.PathLike, *, layout: str | None = None) -> None:
        """Save the whole model natively (parameters, learned arrays, history; no pickle), so
        that :meth:`load` restores it and ``partial_fit`` can continue. ``wordspace.load`` and
        ``WordVectors.load`` read the same file as plain vectors.

        ``layout``: ``"zip"`` (one file, the default) or ``"dir"`` (a folder).
        """
        self._check_fitted("save()")
        self._write_model(path, layout=layout)

    def _write_model(self, path: str | os.PathLike, *, layout: str | None = None,
                     extra_arrays: Mapping[str, np.ndarray] | None = None,
                     extra_meta: Mapping[str, Any] | None = None) -> None:
        """What :meth:`save` writes (and a checkpoint, with its extra arrays and meta)."""
        from ..native import save_native

        arrays, state = self._get_state()
        section = {"config": self._config(), **state}
        save_native(self.wv, path, layout=layout, extra_arrays={**arrays, **(extra_arrays or {})},
                    extra_meta={"model": self._model_kind, self._state_key: section,
                                **self._partial_meta(), **(extra_meta or {})})

    # ------------------------------------------------------------------ partial models
    @property
    def training_complete(self) -> bool:
        """False after a ``fit`` stopped early (``KeyboardInterrupt``) or for a checkpoint."""
        return bool(getattr(self, "training_complete_", True))

    def _mark_progress(self, complete: bool, **progress: Any) -> None:
        """Record where training stands: ``epoch`` (1-based, the one under way), ``epochs``,
        ``done``/``total`` (in ``unit``: words, records, pairs) and the learning rate."""
        self.training_complete_ = bool(complete)
        self.training_progress_ = {k: _jsonable(v) for k, v in progress.items()}

    def _partial_meta(self) -> dict[str, Any]:
        if self.training_complete:
            return {}
        return {"complete": False, "training": dict(getattr(self, "training_progress_", {}))}

    # ------------------------------------------------------------------ checkpoints
    def _write_checkpoint(self, path: str | os.PathLike, position: Mapping[str, Any],
                          arrays: Mapping[str, np.ndarray]) -> None:
        self._make_wv()
        complete = getattr(self, "training_complete_", None)
        progress = getattr(self, "training_progress_", None)
        self._mark_progress(False, **position.get("progress", {}))
        try:
            section = {"params": self._resume_params(), "position": dict(position),
                       **getattr(self, "_fingerprints", {})}
            self._write_model(path, layout="zip",
                              extra_arrays={f"ckpt_{k}": v for k, v in arrays.items()},
                              extra_meta={"checkpoint": _jsonable(section)})
        finally:
            if complete is None:
                del self.training_complete_, self.training_progress_
            else:
                # set together with training_complete_, so not None here
                self.training_complete_ = complete
                self.training_progress_ = cast("dict[str, Any]", progress)

    def _resume_params(self) -> dict[str, Any]:
        """The parameters that must be the same to resume a checkpoint."""
        return {k: v for k, v in self._config().items() if k not in RESUME_FREE}

    @classmethod
    def resume(cls: type[E], path: str | os.PathLike, **params: Any) -> E:
        """A model that continues the training saved in the checkpoint ``path``: call
        ``fit`` on the same corpus (or data) to finish it.

        ``params`` may change what does not change the result (``workers``,
        ``checkpoint_every``, ``checkpoint_path``, ``callbacks``); any other parameter must
        equal the checkpoint's, and ``fit`` checks that the corpus gives the same vocabulary
        (and corpus size): otherwise :class:`~wordspace.errors.CheckpointError` names the
        difference. With ``workers=1`` the resumed run ends bit for bit where the
        uninterrupted run would have. Checkpoints go on being written to
        ``checkpoint_path`` (by default the checkpoint resumed from).
        """
        from ..native import read_native

        arrays, meta = read_native(path)
        where = os.fspath(path)
        ck = meta.get("checkpoint")
        kind = meta.get("model")
        if kind != cls._model_kind:
            what = (f"a {str(kind).removesuffix('_model')} model" if isinstance(kind, str)
                    else "plain word vectors")
            raise CheckpointError(f"{where} holds {what}, not a {cls.__name__} checkpoint")
        if not isinstance(ck, dict) or not isinstance(ck.get("position"), dict):
            raise CheckpointError(
                f"{where} is a saved {cls.__name__} model, not a checkpoint; continue it with "
                f"{cls.__name__}.load(path).partial_fit(...)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = cls._from_native(arrays, meta, path)
        mine = model._resume_params()
        diffs = [f"{k}={mine.get(k)!r} in the checkpoint, {_jsonable(v)!r} here"
                 for k, v in sorted(params.items())
                 if k not in RESUME_FREE and k in mine and _jsonable(v) != mine.get(k)]
        if diffs:
            raise CheckpointError(f"{where} was made with other parameters: "
                                  + "; ".join(diffs)
                                  + "; resume with the checkpoint's parameters or start afresh")
        if "checkpoint_path" not in params and hasattr(model, "checkpoint_path"):
            params["checkpoint_path"] = where
        model.set_params(**params)
        ck_arrays = {k.removeprefix("ckpt_"): v for k, v in arrays.items()
                     if k.startswith("ckpt_")}
        model._resume_from = {"path": where, "arrays": ck_arrays, **ck}
        return model

    def _take_resume(self) -> dict[str, Any] | None:
        """The checkpoint to continue (set by :meth:`resume`), after checking that the
        parameters were not changed since; None for a fresh fit."""
        ck = getattr(self, "_resume_from", None)
        if ck is None:
            return None
        mine = self._resume_params()
        theirs = ck.get("params", {})
        diffs = [f"{k}={theirs.get(k)!r} in the checkpoint, {mine.get(k)!r} now"
                 for k in sorted(set(mine) | set(theirs)) if mine.get(k) != theirs.get(k)]
        if diffs:
            raise CheckpointError(f"{ck['path']} was made with other parameters: "
                                  + "; ".join(diffs))
        return ck

    def _check_resume_data(self, ck: Mapping[str, Any], **found: Any) -> None:
        """Refuse to resume on other data: ``found`` holds fingerprints (``vocabulary``: a
        :func:`vocab_fingerprint`, ``corpus``: sizes) compared with the checkpoint's."""
        for key, now in found.items():
            then = ck.get(key)
            if then is None or _jsonable(now) == then:
                continue
            if isinstance(now, dict) and isinstance(then, dict):
                parts = [f"{k} {then.get(k)!r} in the checkpoint, {now.get(k)!r} here"
                         for k in sorted(set(now) | set(then)) if now.get(k) != then.get(k)]
            else:
                parts = [f"{then!r} in the checkpoint, {now!r} here"]
            raise CheckpointError(
                f"{ck['path']} was made on other data: the {key} differs ("
                + "; ".join(parts) + "); resume on the same corpus")
        self._fingerprints = {k: _jsonable(v) for k, v in found.items()}

    def _set_fingerprints(self, **found: Any) -> None:
        self._fingerprints = {k: _jsonable(v) for k, v in found.items()}

    def _end_resume(self) -> None:
        self._resume_from = None

    @classmethod
    def load(cls: type[E], path: str | os.PathLike, *, mmap: bool = False) -> E:
        """Load a model written by :meth:`save`."""
        from ..native import read_native

        arrays, meta = read_native(path, mmap=mmap)
        return cls._from_native(arrays, meta, path)

    @classmethod
    def _from_native(cls: type[E], arrays: dict[str, np.ndarray], meta: dict[str, Any],
                     path: str | os.PathLike) -> E:
        from ..native import vectors_from_native

        section = meta.get(cls._state_key)
        if not isinstance(section, dict) or meta.get("model", cls._model_kind) != cls._model_kind:
            raise FormatError(
                f"{path} holds word vectors, not a {cls.__name__} model; load it with "
                "wordspace.load() or WordVectors.load()")
        wv, rest = vectors_from_native(arrays, meta, path)
        config = section.get("config", section.get("params", {}))
        if not isinstance(config, dict):
            raise FormatError(f"{path}: meta.json's {cls._state_key}.config is not an object")
        model = cls(**cls._params_from_config(config))
        try:
            model._set_state(wv, rest, section, path)
        except KeyError as e:
            raise FormatError(f"{path}: the {cls.__name__} model lacks {e.args[0]}") from None
        if meta.get("complete") is False:
            training = meta.get("training")
            model._mark_progress(False, **(training if isinstance(training, dict) else {}))
        return model

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


def vocab_state(vocab: Any) -> dict[str, Any]:
    """What a saved model keeps of its :class:`~wordspace.vocab.Vocabulary` besides ``wv``."""
    return {"min_count_effective": int(vocab.min_count), "total_words": vocab.total_words}


def restore_vocab(wv: Any, state: Mapping[str, Any], min_count: int,
                  path: str | os.PathLike) -> Any:
    """The :class:`~wordspace.vocab.Vocabulary` of a loaded model (words and counts of ``wv``)."""
    from ..vocab import Vocabulary

    if wv.counts is None:
        raise FormatError(f"{path}: the model has no word counts")
    return Vocabulary(wv.index_to_key, wv.counts,
                      min_count=state.get("min_count_effective", min_count),
                      total_words=state.get("total_words"))


def _jsonable(v: Any) -> Any:
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
        return [_jsonable(x) for x in v]
    if callable(v):
        return "custom"
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, str | int | float | bool | type(None)):
        return v
    return repr(v)


def _short_repr(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 60 else r[:57] + "..."


def phrases_record(corpus: Any) -> dict[str, Any] | None:
    """``{"delimiter", "passes"}`` of a corpus read through phrases, or None. Trainers keep it
    in the model's meta (``meta["phrases"]``), so a query with spaces (``"new york"``) joins
    its words with the delimiter training used."""
    phs = getattr(corpus, "phrases", None) or []
    if not phs:
        return None
    return {"delimiter": str(phs[-1].delimiter), "passes": len(phs)}


def phrases_meta(est: Any) -> dict[str, Any]:
    """The ``meta`` entry of :func:`phrases_record` for a trainer's vectors ({} without)."""
    rec = getattr(est, "phrases_meta_", None)
    return {"phrases": dict(rec)} if isinstance(rec, dict) else {}
