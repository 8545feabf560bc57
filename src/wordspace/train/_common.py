"""What trainers add to the estimator contract (:mod:`wordspace._base`): saving and loading
in the native format, checkpoints, partial models and the state they share.

One save/load scaffold (:class:`Trainer`) writes parameters, arrays and history in the native
format. Training continues only when asked: ``fit`` starts afresh, ``partial_fit`` continues.

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
import os
import time
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import numpy as np

from wordspace._base import (  # noqa: F401 - the trainers' one import of the contract
    CALLBACK_HOOKS,
    Estimator,
    Rule,
    boolean,
    callbacks_rule,
    check_finite,
    choice,
    integer,
    is_bool,
    is_finite_num,
    is_int,
    is_num,
    mix_seed,
    number,
    rule,
)
from wordspace._base import jsonable as _jsonable
from wordspace._schema import Fields, check_finite_arrays
from wordspace.errors import CheckpointError, FormatError, OutputPathError, ParameterError

if TYPE_CHECKING:
    from wordspace.vectors.keyed import WordVectors

__all__ = ["Trainer", "Checkpointer", "CHECKPOINT_RULES", "DEFAULT_CHECKPOINT_EVERY"]

E = TypeVar("E", bound="Trainer")


#: seconds between checkpoints when only ``checkpoint_path`` is given
DEFAULT_CHECKPOINT_EVERY = 600.0
#: parameters a resumed run may change: they do not change what is computed
RESUME_FREE = frozenset({"workers", "checkpoint_every", "checkpoint_path", "callbacks", "memory"})

CHECKPOINT_RULES = (
    rule(
        "checkpoint_every",
        ok=lambda v, p: v is None or (is_finite_num(v) and v > 0),
        message="checkpoint_every must be None or a number of seconds > 0 (600 is usual), "
        "got {value!r}",
    ),
    rule(
        "checkpoint_path",
        ok=lambda v, p: v is None or isinstance(v, str | os.PathLike),
        message="checkpoint_path must be None or the path of the checkpoint file, got {value!r}",
    ),
    rule(
        "checkpoint_every",
        ok=lambda v, p: v is None or p["checkpoint_path"] is not None,
        message="checkpoint_every={value!r} needs checkpoint_path, the file to write the "
        "checkpoints to (e.g. checkpoint_path='model.ckpt')",
    ),
)


def vocab_fingerprint(words: list[str], counts: Any) -> dict[str, Any]:
    """Size and hash of a vocabulary (its words in order and their counts)."""
    h = hashlib.blake2b(digest_size=16)
    h.update("\0".join(words).encode("utf-8", "surrogatepass"))
    if counts is not None:
        h.update(np.ascontiguousarray(np.asarray(counts, dtype=np.int64)).tobytes())
    return {"size": len(words), "hash": h.hexdigest()}


#: what a checkpoint error says to do
CHECKPOINT_FIX = (
    "the checkpoint is damaged or was not written by this run: resume from another "
    "checkpoint or start afresh"
)


def position_fields(resume: Mapping[str, Any]) -> Fields:
    """The checkpoint's ``position`` with typed access: every failure is a
    :class:`~wordspace.errors.CheckpointError` naming the file and the field."""
    return Fields(
        resume.get("position"),
        where=resume.get("path"),
        section="checkpoint.position",
        error=CheckpointError,
        fix=CHECKPOINT_FIX,
    )


def is_checkpoint_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a regular file holding a wordspace checkpoint (its metadata has a
    ``checkpoint`` section and says the model is partial): only such a file is overwritten
    by a checkpoint or deleted once training ends."""
    from wordspace.io.native import read_native

    p = os.fspath(path)
    if not os.path.isfile(p):
        return False
    try:
        _, meta = read_native(p, mmap=True)
    except Exception:  # noqa: BLE001 - unreadable or not ours: not a checkpoint
        return False
    return isinstance(meta.get("checkpoint"), dict) and meta.get("complete") is False


class Checkpointer:
    """When to write a checkpoint (every ``checkpoint_every`` seconds of training) and its
    cost: ``seconds`` spent writing, ``count`` written, ``bytes`` of the last one."""

    def __init__(self, est: Trainer):
        path = getattr(est, "checkpoint_path", None)
        every = getattr(est, "checkpoint_every", None)
        self.path = None if path is None else os.fspath(path)
        self.every = float(every if every is not None else DEFAULT_CHECKPOINT_EVERY)
        if self.path is not None and os.path.lexists(self.path):
            if not is_checkpoint_file(self.path):
                raise OutputPathError(
                    f"checkpoint_path {self.path!r} is an existing file that is not a wordspace "
                    "checkpoint; it would be overwritten (and deleted once training ends): "
                    "give a new path"
                )
        self.last = time.monotonic()
        self.seconds = 0.0
        self.count = 0
        self.bytes = 0

    def due(self) -> bool:
        return self.path is not None and time.monotonic() - self.last >= self.every

    def write(
        self, est: Trainer, position: dict[str, Any], arrays: Mapping[str, np.ndarray]
    ) -> None:
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


class Trainer(Estimator):
    """An estimator that trains word vectors: native save/load, checkpoints, partial models."""

    #: ``meta.json``'s ``model`` value and the section holding the state, for save/load
    _model_kind: ClassVar[str] = ""
    _state_key: ClassVar[str] = ""

    # What the trainers set (annotations only: nothing is set on the class, so an unfitted
    # estimator still lacks them, as scikit-learn's do).
    wv: WordVectors
    training_complete_: bool
    training_progress_: dict[str, Any]
    checkpoint_seconds_: float
    checkpoints_written_: int
    _resume_from: dict[str, Any] | None

    if TYPE_CHECKING:

        def _make_wv(self) -> None:
            """Compose ``wv`` from the trained weights (every trainer defines it)."""

    # ------------------------------------------------------------------ save / load
    def _get_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """The learned arrays and JSON state to save besides ``wv`` and the parameters."""
        raise NotImplementedError

    def _set_state(
        self, wv: Any, arrays: dict[str, np.ndarray], state: dict[str, Any], path: str | os.PathLike
    ) -> None:
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

    def _write_model(
        self,
        path: str | os.PathLike,
        *,
        layout: str | None = None,
        extra_arrays: Mapping[str, np.ndarray] | None = None,
        extra_meta: Mapping[str, Any] | None = None,
    ) -> None:
        """What :meth:`save` writes (and a checkpoint, with its extra arrays and meta)."""
        from wordspace.io.native import save_native

        arrays, state = self._get_state()
        section = {"config": self._config(), **state}
        save_native(
            self.wv,
            path,
            layout=layout,
            extra_arrays={**arrays, **(extra_arrays or {})},
            extra_meta={
                "model": self._model_kind,
                self._state_key: section,
                **self._partial_meta(),
                **(extra_meta or {}),
            },
        )

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
    def _write_checkpoint(
        self, path: str | os.PathLike, position: Mapping[str, Any], arrays: Mapping[str, np.ndarray]
    ) -> None:
        self._make_wv()
        complete = getattr(self, "training_complete_", None)
        progress = getattr(self, "training_progress_", None)
        self._mark_progress(False, **position.get("progress", {}))
        try:
            section = {
                "params": self._resume_params(),
                "position": dict(position),
                **getattr(self, "_fingerprints", {}),
            }
            self._write_model(
                path,
                layout="zip",
                extra_arrays={f"ckpt_{k}": v for k, v in arrays.items()},
                extra_meta={"checkpoint": _jsonable(section)},
            )
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
        from wordspace.io.native import read_native

        arrays, meta = read_native(path)
        where = os.fspath(path)
        ck = meta.get("checkpoint")
        kind = meta.get("model")
        if kind != cls._model_kind:
            what = (
                f"a {str(kind).removesuffix('_model')} model"
                if isinstance(kind, str)
                else "plain word vectors"
            )
            raise CheckpointError(f"{where} holds {what}, not a {cls.__name__} checkpoint")
        if not isinstance(ck, dict) or "position" not in ck:
            raise CheckpointError(
                f"{where} is a saved {cls.__name__} model, not a checkpoint; continue it with "
                f"{cls.__name__}.load(path).partial_fit(...)"
            )
        fields = Fields(
            ck, where=where, section="checkpoint", error=CheckpointError, fix=CHECKPOINT_FIX
        )
        fields.obj("position")
        if "params" in ck:
            fields.obj("params")
        check_finite_arrays(arrays, where=where, error=CheckpointError, fix=CHECKPOINT_FIX)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model = cls._from_native(arrays, meta, path)
            except (FormatError, CheckpointError):
                raise
            except (ParameterError, TypeError, ValueError) as e:
                raise CheckpointError(
                    f"{where}: the checkpoint's model cannot be restored ({e}); {CHECKPOINT_FIX}"
                ) from None
        try:
            model._validate()
        except CheckpointError:
            raise
        except ParameterError as e:
            raise CheckpointError(
                f"{where}: the checkpoint holds an invalid parameter: {e}; {CHECKPOINT_FIX}"
            ) from None
        mine = model._resume_params()
        diffs = [
            f"{k}={mine.get(k)!r} in the checkpoint, {_jsonable(v)!r} here"
            for k, v in sorted(params.items())
            if k not in RESUME_FREE and k in mine and _jsonable(v) != mine.get(k)
        ]
        if diffs:
            raise CheckpointError(
                f"{where} was made with other parameters: "
                + "; ".join(diffs)
                + "; resume with the checkpoint's parameters or start afresh"
            )
        if "checkpoint_path" not in params and hasattr(model, "checkpoint_path"):
            params["checkpoint_path"] = where
        model.set_params(**params)
        ck_arrays = {k.removeprefix("ckpt_"): v for k, v in arrays.items() if k.startswith("ckpt_")}
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
        diffs = [
            f"{k}={theirs.get(k)!r} in the checkpoint, {mine.get(k)!r} now"
            for k in sorted(set(mine) | set(theirs))
            if mine.get(k) != theirs.get(k)
        ]
        if diffs:
            raise CheckpointError(
                f"{ck['path']} was made with other parameters: " + "; ".join(diffs)
            )
        return ck

    def _check_resume_data(self, ck: Mapping[str, Any], **found: Any) -> None:
        """Refuse to resume on other data: ``found`` holds fingerprints (``vocabulary``: a
        :func:`vocab_fingerprint`, ``corpus``: sizes) compared with the checkpoint's."""
        for key, now in found.items():
            then = ck.get(key)
            if then is None or _jsonable(now) == then:
                continue
            if isinstance(now, dict) and isinstance(then, dict):
                parts = [
                    f"{k} {then.get(k)!r} in the checkpoint, {now.get(k)!r} here"
                    for k in sorted(set(now) | set(then))
                    if now.get(k) != then.get(k)
                ]
            else:
                parts = [f"{then!r} in the checkpoint, {now!r} here"]
            raise CheckpointError(
                f"{ck['path']} was made on other data: the {key} differs ("
                + "; ".join(parts)
                + "); resume on the same corpus"
            )
        self._fingerprints = {k: _jsonable(v) for k, v in found.items()}

    def _set_fingerprints(self, **found: Any) -> None:
        self._fingerprints = {k: _jsonable(v) for k, v in found.items()}

    def _end_resume(self) -> None:
        self._resume_from = None

    @classmethod
    def load(cls: type[E], path: str | os.PathLike, *, mmap: bool = False) -> E:
        """Load a model written by :meth:`save`."""
        from wordspace.io.native import read_native

        arrays, meta = read_native(path, mmap=mmap)
        return cls._from_native(arrays, meta, path)

    @classmethod
    def _from_native(
        cls: type[E], arrays: dict[str, np.ndarray], meta: dict[str, Any], path: str | os.PathLike
    ) -> E:
        from wordspace.io.native import vectors_from_native

        section = meta.get(cls._state_key)
        if not isinstance(section, dict) or meta.get("model", cls._model_kind) != cls._model_kind:
            raise FormatError(
                f"{path} holds word vectors, not a {cls.__name__} model; load it with "
                "wordspace.load() or WordVectors.load()"
            )
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


def vocab_state(vocab: Any) -> dict[str, Any]:
    """What a saved model keeps of its :class:`~wordspace.text.vocab.Vocabulary` besides ``wv``."""
    return {"min_count_effective": int(vocab.min_count), "total_words": vocab.total_words}


def restore_vocab(
    wv: Any, state: Mapping[str, Any], min_count: int, path: str | os.PathLike
) -> Any:
    """The :class:`~wordspace.text.vocab.Vocabulary` of a loaded model (words and counts of ``wv``)."""
    from wordspace.text.vocab import Vocabulary

    if wv.counts is None:
        raise FormatError(f"{path}: the model has no word counts")
    return Vocabulary(
        wv.index_to_key,
        wv.counts,
        min_count=state.get("min_count_effective", min_count),
        total_words=state.get("total_words"),
    )


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
