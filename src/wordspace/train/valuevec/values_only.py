"""ValueVec trained on value pairs alone: the article's averaged update or mini-batch Adam,
early stopping, checkpoints."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from wordspace.errors import CheckpointError, ParameterError, TrainingDivergedError
from wordspace.train._common import CHECKPOINT_FIX, Checkpointer, check_finite, position_fields
from wordspace.train.valuevec._core import (
    _ADAM,
    _ADAM_BLOCK,
    _ADAM_BLOCK_MIN_WORDS,
    _CHECK_EVERY,
    _CHUNKS,
    _SERIAL_PAIRS,
    _unit_rows,
)
from wordspace.train.valuevec.joint import _JointPart
from wordspace.train.valuevec.values import ValuePairs
from wordspace.vectors.keyed import WordVectors

logger = logging.getLogger(__name__)


class _ValuesOnlyPart(_JointPart):
    """Training on the value pairs alone (``semantic_weight=None``)."""

    def _fit_pairs(
        self,
        pairs: ValuePairs,
        init: tuple[np.ndarray, np.ndarray] | None,
        progress: Callable[..., None] | None,
    ) -> None:
        t1 = time.perf_counter()
        try:
            self._train(pairs, progress, init)
        except TrainingDivergedError:
            self.wv = None  # type: ignore[assignment]  # garbage: not fitted, nothing to query
            raise
        self.train_seconds_ = time.perf_counter() - t1
        self._make_wv()

    def _make_wv(self) -> None:
        if self.is_joint:
            self._make_joint_wv()
            return
        pairs = self.pairs_
        counts = self.word_values_.set_index("word")["count"].reindex(pairs.words)
        counts = counts.fillna(1).to_numpy(np.int64)
        final = self.main_vectors_ + self.context_vectors_
        nrm = np.linalg.norm(final, axis=1, keepdims=True)
        final = final / np.where(nrm > 0, nrm, 1).astype(np.float32)
        self.wv = WordVectors(
            pairs.words,
            final.astype(np.float32),
            counts=counts,
            extras={"values": np.asarray(pairs.values, dtype=np.float64)},
            meta={
                "trainer": "valuevec",
                "params": self._config(),
                "pairs": len(pairs),
                "epochs_trained": self.epochs_trained_,
                **self._meta_extra(),
            },
        )

    def _train(
        self,
        pairs: ValuePairs,
        progress: Callable[..., None] | None,
        init: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        import numba

        from wordspace.kernels.valuevec import (
            adam_epoch,
            averaged_step,
            pair_cosines,
            pair_cosines_serial,
        )
        from wordspace.kernels.valuevec_rank import COSENT, adam_epoch_objective

        nw, d = pairs.n_words, int(self.vector_size)
        first = int(self.epochs_trained_)
        resume = getattr(self, "_resume_position", None)
        self._resume_position = None
        pos = None if resume is None else resume["position"]
        if pos is not None:
            assert resume is not None
            f = position_fields(resume)
            first = f.int("first", lo=0, hi=len(self.loss_history_))
            f.int("epoch", lo=0, hi=max(int(self.epochs) - 1, 0))
            f.int("bad", lo=0)
            f.num("best", finite=False)
            if "step" in pos:
                f.int("step", lo=0)
            if not isinstance(pos.get("gen"), dict):
                f.obj("gen")
        prev = np.asarray(self.loss_history_, np.float64)[:first]
        gen = np.random.default_rng(
            self.seed if self.seed is None or first == 0 else [int(self.seed), first]
        )
        if pos is not None:
            try:
                gen.bit_generator.state = pos["gen"]
            except (TypeError, ValueError, KeyError) as why:
                ck_path = resume["path"] if resume is not None else "the checkpoint"
                raise CheckpointError(
                    f"{ck_path}: checkpoint.position.gen is not a random generator "
                    f"state ({why}); {CHECKPOINT_FIX}"
                ) from None
        if init is None:
            main = _unit_rows(gen.standard_normal((nw, d), dtype=np.float32))
            ctx = _unit_rows(gen.standard_normal((nw, d), dtype=np.float32))
        else:
            main, ctx = init
            if main.shape != (nw, d):
                raise ParameterError(
                    f"vector_size={d} but the model's vectors have {main.shape[1]} dimensions; "
                    "vector_size cannot change after training"
                )
        center = np.ascontiguousarray(pairs.center, dtype=np.int32)
        context = np.ascontiguousarray(pairs.context, dtype=np.int32)
        label = np.ascontiguousarray(pairs.label, dtype=np.float32)
        sims = np.empty(len(center), dtype=np.float32)
        if len(center) < _SERIAL_PAIRS:
            pair_cosines = pair_cosines_serial  # noqa: F811 - same sums, no thread start-up
        lr = self._alpha(nw)
        self.alpha_ = lr
        self.objective_ = self._objective()
        cosent = self.objective_ == "cosent"
        history: list[float] = []
        best = math.inf
        bad = 0
        stopped = False
        e0 = 0
        if pos is not None:
            history = [float(x) for x in np.asarray(self.loss_history_)[first:]]
            best, bad, e0 = float(pos["best"]), int(pos["bad"]), int(pos["epoch"])
        ckpt = Checkpointer(self)
        epochs = int(self.epochs)
        n_pairs = len(center)

        t_start = time.perf_counter()

        def keep(stopped_now: bool) -> None:  # the state reached, as the model's
            self.main_vectors_, self.context_vectors_ = main, ctx
            self.loss_history_ = np.concatenate([prev, np.asarray(history, np.float64)])
            self.epochs_trained_ = first + len(history)
            self.stopped_early_ = stopped_now
            self.train_seconds_ = time.perf_counter() - t_start

        def where(epoch: int) -> dict[str, Any]:
            return {
                "epoch": min(epoch + 1, epochs),
                "epochs": epochs,
                "done": epoch * n_pairs,
                "total": epochs * n_pairs,
                "unit": "pairs",
                "alpha": lr,
            }

        epoch = e0
        old_threads = numba.get_num_threads()
        if self.workers is not None:
            numba.set_num_threads(max(1, min(int(self.workers), numba.config.NUMBA_NUM_THREADS)))  # type: ignore[attr-defined]  # set at import
        try:
            if self.method == "averaged":
                c_order = np.argsort(center, kind="stable").astype(np.int64)
                c_ptr = np.concatenate([[0], np.cumsum(np.bincount(center, minlength=nw))])
                x_order = np.argsort(context, kind="stable").astype(np.int64)
                x_ptr = np.concatenate([[0], np.cumsum(np.bincount(context, minlength=nw))])
                c_ptr = c_ptr.astype(np.int64)
                x_ptr = x_ptr.astype(np.int64)
                new_main = np.empty_like(main)
                new_ctx = np.empty_like(ctx)
                pair_cosines(main, ctx, center, context, label, sims, _CHUNKS)
            else:
                b1, b2, eps = _ADAM
                state_main = np.zeros((nw, 3, d), dtype=np.float32)
                state_ctx = np.zeros((nw, 3, d), dtype=np.float32)
                stamp_main = np.zeros(nw, dtype=np.int64)
                stamp_ctx = np.zeros(nw, dtype=np.int64)
                touched_main = np.empty(nw, dtype=np.int64)
                touched_ctx = np.empty(nw, dtype=np.int64)
                step = 0
                if pos is not None and resume is not None:
                    arrs = resume["arrays"]
                    for name, a in (
                        ("adam_main", state_main),
                        ("adam_ctx", state_ctx),
                        ("stamp_main", stamp_main),
                        ("stamp_ctx", stamp_ctx),
                    ):
                        if name not in arrs or arrs[name].shape != a.shape:
                            raise ParameterError(
                                f"{resume['path']}: the checkpoint's "
                                f"ckpt_{name}.npy is missing or misshapen"
                            )
                        a[:] = arrs[name]
                    step = int(pos["step"])
                # Shuffle blocks of consecutive centers (their pairs, in order) rather than
                # single pairs: neighbours in value are neighbours in memory, so a block's rows
                # share cache lines; batches still mix many distant blocks.
                by_center = np.argsort(center, kind="stable").astype(np.int64)
                counts = np.bincount(center, minlength=nw)
                bounds = np.concatenate([[0], np.cumsum(counts)])[::_ADAM_BLOCK]
                bounds = np.unique(np.append(bounds, len(center))).astype(np.int64)
                b_start, b_len = bounds[:-1], np.diff(bounds)
            self._call_callbacks("on_train_begin")
            for epoch in range(e0, epochs):
                self._call_callbacks("on_epoch_begin")
                if self.method == "averaged":
                    averaged_step(
                        main,
                        ctx,
                        center,
                        context,
                        label,
                        sims,
                        lr,
                        c_ptr,
                        c_order,
                        x_ptr,
                        x_order,
                        new_main,
                        new_ctx,
                    )
                    main, new_main = new_main, main
                    ctx, new_ctx = new_ctx, ctx
                else:
                    if nw < _ADAM_BLOCK_MIN_WORDS:  # all rows fit in cache: shuffle pairs
                        order = gen.permutation(len(center)).astype(np.int64)
                    else:
                        perm = gen.permutation(len(b_start))
                        lens = b_len[perm]
                        offs = np.cumsum(lens) - lens
                        pos = np.arange(len(center), dtype=np.int64)
                        pos += np.repeat(b_start[perm] - offs, lens)
                        order = by_center[pos]
                    if cosent:
                        step, batch_loss = adam_epoch_objective(
                            main,
                            ctx,
                            center,
                            context,
                            label,
                            order,
                            int(self.batch_size),
                            lr,
                            b1,
                            b2,
                            eps,
                            state_main,
                            state_ctx,
                            stamp_main,
                            stamp_ctx,
                            touched_main,
                            touched_ctx,
                            step,
                            COSENT,
                            float(self.cosent_scale),
                        )
                    else:
                        step = adam_epoch(
                            main,
                            ctx,
                            center,
                            context,
                            label,
                            order,
                            int(self.batch_size),
                            lr,
                            b1,
                            b2,
                            eps,
                            state_main,
                            state_ctx,
                            stamp_main,
                            stamp_ctx,
                            touched_main,
                            touched_ctx,
                            step,
                        )
                if cosent:
                    err = float(batch_loss)
                else:
                    err = float(pair_cosines(main, ctx, center, context, label, sims, _CHUNKS))
                history.append(err)
                if not math.isfinite(err):
                    check_finite(
                        {"the main vectors": main, "the context vectors": ctx},
                        loss=err,
                        where=f"epoch {first + epoch + 1}",
                        fix=f"lower alpha (now {lr:g}; 'auto' picks {self._auto_alpha_text(nw)})",
                    )
                if progress is not None:
                    progress(epoch + 1, total=int(self.epochs), loss=err, alpha=lr)
                if self.callbacks:
                    self.main_vectors_, self.context_vectors_ = main, ctx
                    self.epoch_loss_ = err
                    self._call_callbacks("on_epoch_end", epoch=first + epoch + 1)
                if self.patience is not None and (epoch + 1) % _CHECK_EVERY == 0:
                    if err < best:
                        best = err
                        bad = 0
                    else:
                        bad += 1
                        if bad >= int(self.patience):
                            stopped = True
                            logger.info(
                                "early stopping at epoch %d (error %.5f, best %.5f)",
                                epoch + 1,
                                err,
                                best,
                            )
                            break
                if epoch + 1 < epochs and ckpt.due():
                    keep(False)
                    arrays: dict[str, np.ndarray] = {}
                    if self.method != "averaged":
                        arrays = {
                            "adam_main": state_main,
                            "adam_ctx": state_ctx,
                            "stamp_main": stamp_main,
                            "stamp_ctx": stamp_ctx,
                        }
                    ckpt.write(
                        self,
                        {
                            "first": first,
                            "epoch": epoch + 1,
                            "step": int(step) if self.method != "averaged" else 0,
                            "best": best,
                            "bad": bad,
                            "gen": gen.bit_generator.state,
                            "progress": where(epoch + 1),
                        },
                        arrays,
                    )
        except KeyboardInterrupt:
            keep(False)
            self._mark_progress(False, **where(epoch))
            self._make_wv()
            raise
        finally:
            numba.set_num_threads(old_threads)
        keep(stopped)
        self._mark_progress(True, **where(epochs))
        self._call_callbacks("on_train_end")
