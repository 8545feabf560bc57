"""ValueVec's joint training: skip-gram on a text and the value pairs on the same vectors,
interleaved text job by text job (``semantic_weight`` set)."""

from __future__ import annotations

import logging
import math
import os
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from wordspace.errors import CheckpointError, ParameterError, TrainingDivergedError, ValueDataError
from wordspace.text.tokenizer import Tokenizer
from wordspace.train._common import (
    CHECKPOINT_FIX,
    Checkpointer,
    check_finite,
    position_fields,
    vocab_fingerprint,
)
from wordspace.train.valuevec._core import _JOINT_VALUE_PACE, _series_name, _unit_rows
from wordspace.train.valuevec.pairs import _merge_values, _pairs_fingerprint, _values_fingerprint
from wordspace.train.valuevec.predict import _PredictPart
from wordspace.train.valuevec.values import (
    ValuePairs,
    as_frame,
    as_random,
    records_to_word_values,
    word_value_table,
)
from wordspace.vectors.keyed import WordVectors

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from wordspace.text.vocab import Vocabulary

logger = logging.getLogger(__name__)


class _JointPart(_PredictPart):
    """Training meaning and value together (``semantic_weight`` set)."""

    def _joint_data(
        self, X: Any, y: Any, *, word: str | None, value: str | None, text: str | None, corpus: Any
    ) -> tuple[pd.DataFrame | None, Any]:
        """The word-value table (None when ``X`` is None) and the text corpus of joint
        training: the records' ``text`` column, or ``corpus``."""
        from wordspace.text.corpus import Corpus, as_corpus

        if isinstance(X, ValuePairs):
            raise ParameterError(
                "joint training (semantic_weight set) builds its pairs from the words of the "
                "text: give a word-value table or records, not ValuePairs"
            )
        tok = self.tokenizer or Tokenizer(normalize=True)
        rec_tokens = None
        wvals = None
        if text is not None:
            if word is not None:
                raise ParameterError(
                    "give either word= (a word-value table) or text= (records), not both"
                )
            df, key, val = as_frame(X, y, text=text, value=value)
            rec_tokens = [tok(t) if isinstance(t, str) else [] for t in df[key].tolist()]
            # a record without a value still has text: it trains the meaning half only
            has = df[val].notna().to_numpy()
            if not has.all():
                logger.info(
                    "%d of %d records have no %r: their text trains meaning only",
                    int((~has).sum()),
                    len(has),
                    val,
                )
            wvals = records_to_word_values(
                df[key][has].tolist(),
                df[val][has],
                tokenizer=tok,
                prior_weight=float(self.prior_weight),
                min_count=int(self.min_count),
                value_transform=self._data_transform(),
                column=val,
                tokens=[t for t, h in zip(rec_tokens, has, strict=True) if h],
            )
        elif X is not None:
            wvals = word_value_table(
                X,
                y,
                word=word,
                value=value,
                duplicates=self.duplicates,
                value_transform=self._data_transform(),
            )
        if wvals is not None:
            self.value_transform_ = wvals.attrs.get("value_transform")
        if corpus is not None:
            if isinstance(corpus, str | os.PathLike):
                corp = as_corpus(corpus, normalize=self.tokenizer is None)
            elif isinstance(corpus, Corpus):
                corp = corpus
            else:
                corp = as_corpus([tok(t) if isinstance(t, str) else list(t) for t in corpus])
        elif rec_tokens is not None:
            corp = as_corpus(rec_tokens)
        else:
            raise ParameterError(
                "semantic_weight trains on text as well as values: fit records "
                "(fit(df, text=..., value=...)) or pass corpus= (a path or a list of texts); "
                "or set semantic_weight=None for values only"
            )
        return wvals, corp

    def plain_vectors(
        self, corpus: Any, *, sg: int = 0, vector_size: int | None = None
    ) -> WordVectors:
        """Plain word2vec vectors of ``corpus`` (token lists) with this model's text settings
        (``text_window``, ``text_negative``, ``sample``, ``text_epochs``, ``min_count``,
        ``seed``; ``vector_size`` unless given): CBOW (``sg=0``, :class:`~wordspace.Word2Vec`)
        or skip-gram (``sg=1``). The baselines a value model is measured against
        (:func:`~wordspace.analysis.evaluate.value_holdout`)."""
        from wordspace.train.word2vec import Word2Vec

        return (
            Word2Vec(
                vector_size=int(self.vector_size if vector_size is None else vector_size),
                sg=int(sg),
                window=int(self.text_window),
                negative=self._text_negative(),
                sample=float(self.sample),
                epochs=int(self.text_epochs),
                min_count=int(self.min_count),
                workers=int(self.workers or 1),
                seed=int(self.seed or 0),
            )
            .fit(corpus)
            .wv
        )

    def _set_joint_pairs(self, wvals: pd.DataFrame, vocab: Vocabulary) -> None:
        """``word_values_``, ``pairs_`` (the valued words of the vocabulary) and
        ``value_rows_``."""
        inside = wvals["word"].isin(vocab.key_to_index).to_numpy()
        if int(inside.sum()) < 3:
            raise ValueDataError(
                f"only {int(inside.sum())} of the {len(wvals):,} words with values occur in "
                f"the text at least min_count={self.min_count} times; joint training needs 3"
            )
        self.word_values_ = wvals
        kept = wvals[inside]
        pairs = ValuePairs.from_table(
            kept["word"].tolist(),
            kept["value"].to_numpy(np.float64),
            as_random(self.seed),
            **self._pair_kwargs(),
        )
        self.pairs_ = pairs
        self.value_rows_ = np.array([vocab.key_to_index[w] for w in pairs.words], np.int64)

    def _set_text_values(self, ids: np.ndarray, starts: np.ndarray) -> None:
        """``text_values_`` (each vocabulary word's value propagated through the documents of
        the text, the sentences of ``ids``/``starts``; leave-one-out for the valued words; NaN
        where no document holds a valued word) and ``text_shrinkage_`` (the ``k`` chosen),
        from the ids of the corpus pass that training uses (the text is not read again)."""
        from wordspace.train.valuevec.propagation import incidence, text_values

        assert self.vocab_ is not None  # joint models only
        t0 = time.perf_counter()
        docs = incidence(ids, starts, len(self.vocab_))
        tv, k = text_values(docs, self.value_rows_, np.asarray(self.pairs_.values, np.float64))
        self.text_values_, self.text_shrinkage_ = tv, k
        logger.info(
            "ValueVec (joint): text values of %d of %d words from %d documents (k=%g, %.2fs)",
            int(np.isfinite(tv).sum()),
            len(tv),
            docs.shape[0],
            k,
            time.perf_counter() - t0,
        )

    def _fit_joint(
        self,
        X: Any,
        y: Any,
        *,
        word: str | None,
        value: str | None,
        text: str | None,
        corpus: Any,
        progress: Callable[..., None] | None,
        resume: dict[str, Any] | None = None,
    ) -> Self:
        from wordspace.text.vocab import Vocabulary
        from wordspace.train.word2vec import _init_vectors

        t0 = time.perf_counter()
        if resume is not None and resume["position"].get("continued"):
            raise CheckpointError(
                f"{resume['path']} was written by partial_fit: continue it with "
                "ValueVec.resume(path).partial_fit(...) on the same data"
            )
        wvals, corp = self._joint_data(X, y, word=word, value=value, text=text, corpus=corpus)
        assert wvals is not None  # fit always has X
        vocab = Vocabulary.build(corp, int(self.min_count))
        ids, starts = corp.to_ids(vocab)
        corp.clear_cache()
        if len(ids) == 0:
            raise ValueDataError(
                f"no word of the text occurs min_count={self.min_count} times; lower min_count "
                "or give more text"
            )
        found = {
            "vocabulary": vocab_fingerprint(vocab.index_to_key, vocab.counts),
            "corpus": {"words": int(len(ids)), "sentences": int(len(starts) - 1)},
            "values": _values_fingerprint(wvals),
        }
        if resume is not None:  # before anything of the checkpoint's model is replaced
            self._check_resume_data(resume, **found)
        self._set_joint_pairs(wvals, vocab)
        pairs = self.pairs_
        self.vocab_ = vocab
        self._set_text_values(ids, starts)
        if self.semantic_weight == 0 and len(vocab) > pairs.n_words:
            warnings.warn(
                f"semantic_weight=0 trains the value pairs only: {len(vocab) - pairs.n_words:,} "
                f"of the text's {len(vocab):,} words have no value and keep their random "
                "initial vectors, so predict_value on them is noise; use semantic_weight > 0 "
                "(e.g. 0.8) to place them by their contexts",
                UserWarning,
                stacklevel=3,
            )
        logger.info(
            "ValueVec (joint): %d words in the text, %d with values, %d pairs, %d tokens (%.2fs)",
            len(vocab),
            pairs.n_words,
            len(pairs),
            len(ids),
            time.perf_counter() - t0,
        )
        n, d = len(vocab), int(self.vector_size)
        if resume is not None:
            self._check_resume_data(resume, pairs=_pairs_fingerprint(pairs), **found)
            self._end_resume()
            self._resume_position = resume
            if self.syn0_.shape != (n, d) or self.syn1neg_.shape != (n, d):
                raise CheckpointError(
                    f"{resume['path']}: the checkpoint's vectors do not "
                    f"match its vocabulary ({n:,} words, {d} dimensions)"
                )
        else:
            self._set_fingerprints(pairs=_pairs_fingerprint(pairs), **found)
            self.syn0_ = _init_vectors(np.random.default_rng(self.seed), n, d)
            self.syn1neg_ = np.zeros((n, d), dtype=np.float32)
            self.epochs_trained_ = 0
            self.loss_history_ = np.zeros(0, dtype=np.float64)
        return self._run_joint(ids, starts, progress, base=0)

    def _run_joint(
        self,
        ids: np.ndarray,
        starts: np.ndarray,
        progress: Callable[..., None] | None,
        *,
        base: int,
        continued: bool = False,
    ) -> Self:
        t1 = time.perf_counter()
        try:
            self._train_joint(ids, starts, progress, base=base, continued=continued)
        except TrainingDivergedError:
            self.wv = None  # type: ignore[assignment]  # diverged: not fitted, nothing to query
            raise
        self.train_seconds_ = time.perf_counter() - t1
        self._make_joint_wv()
        return self

    def _train_joint(
        self,
        ids: np.ndarray,
        starts: np.ndarray,
        progress: Callable[..., None] | None,
        *,
        base: int = 0,
        continued: bool = False,
    ) -> None:
        """Train ``syn0_``/``syn1neg_`` for ``text_epochs`` passes over the text (ids), with
        ``epochs`` passes over the value pairs spread over them. ``base``: the text passes
        trained before (partial_fit): the random streams go on from there. Checkpoints at
        the boundaries of the groups of text jobs (and at epoch ends)."""
        from concurrent.futures import ThreadPoolExecutor

        from wordspace.kernels.valuevec import pair_cosines_serial
        from wordspace.kernels.valuevec_rank import COSENT, MSE, value_sgd
        from wordspace.kernels.word2vec import train_job
        from wordspace.train._common import mix_seed

        vocab, pairs = self.vocab_, self.pairs_
        assert vocab is not None and self.semantic_weight is not None  # set by _fit_joint
        d = int(self.vector_size)
        syn0, syn1neg = self.syn0_, self.syn1neg_
        w = float(self.semantic_weight)
        vblock = syn0[:, self._value_slice()]  # the value loss's dimensions (a view)
        keep = vocab.keep_probabilities(float(self.sample))
        keep_int = np.minimum(np.floor(keep * 2.0**32), 2.0**32 - 1).astype(np.int64)
        noise_thr, noise_alias = vocab.noise_alias(0.75)
        codes, points, lens = (
            np.zeros((1, 1), np.uint8),
            np.zeros((1, 1), np.int32),
            np.zeros(1, np.int32),
        )
        n_words = int(len(ids))
        n_sent = len(starts) - 1
        batch_words = 10000
        bounds = np.unique(
            np.concatenate(
                [
                    [0],
                    np.searchsorted(starts, np.arange(batch_words, n_words, batch_words)),
                    [n_sent],
                ]
            )
        ).astype(np.int64)
        jobs = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
        text_epochs = int(self.text_epochs)
        denom = float(max(n_words * text_epochs - 1, 1))
        alpha0 = w * float(self.text_alpha)
        args = (
            syn0,
            syn1neg,
            np.zeros((1, d), np.float32),
            keep_int,
            noise_thr,
            noise_alias,
            codes,
            points,
            lens,
            1,
            False,
            self._text_negative(),
            1,
            int(self.text_window),
            True,
        )
        lr_v = (1.0 - w) * self._alpha(pairs.n_words)
        self.alpha_ = lr_v
        self.objective_ = self._objective()
        objective = COSENT if self.objective_ == "cosent" else MSE
        center = np.ascontiguousarray(pairs.center, dtype=np.int32)
        context = np.ascontiguousarray(pairs.context, dtype=np.int32)
        label = np.ascontiguousarray(pairs.label, dtype=np.float32)
        sims = np.empty(len(center), dtype=np.float32)
        n_pairs = len(center)
        passes = int(self.epochs)
        if alpha0 > 0:  # keep pace with the text (see _JOINT_VALUE_PACE)
            passes = max(
                passes, math.ceil(_JOINT_VALUE_PACE * n_words * text_epochs / max(n_pairs, 1))
            )
        self.value_epochs_ = passes if lr_v > 0 else 0
        total_value = passes * n_pairs if lr_v > 0 else 0
        seed = 0 if self.seed is None else int(self.seed)
        vgen = np.random.default_rng([seed, 1] if base == 0 else [seed, 1, base])
        workers = max(1, int(self.workers or 1))
        n_jobs_total = text_epochs * len(jobs)
        vpos = 0
        cur = -1
        order = np.empty(0, dtype=np.int64)
        prev = np.asarray(self.loss_history_, dtype=np.float64)[:base]
        history: list[float] = []
        done = 0
        e0 = j0 = 0
        spent = 0.0
        # where to start: a fresh run, or the position saved in a checkpoint
        resume = getattr(self, "_resume_position", None)
        self._resume_position = None
        if resume is not None:
            f = position_fields(resume)
            if f.int("base", lo=0) != base or f.int("jobs", lo=0) != len(jobs):
                raise CheckpointError(
                    f"{resume['path']} was made on other data: the text is "
                    "cut into other jobs; resume on the same corpus"
                )
            e0 = f.int("epoch", lo=0, hi=max(text_epochs - 1, 0))
            j0 = f.int("job", lo=0, hi=max(len(jobs) - 1, 0))
            done = f.int("done", lo=0, hi=n_jobs_total)
            vpos = f.int("vpos", lo=0, hi=total_value)
            cur = f.int("cur", lo=-1, hi=max(passes - 1, -1))
            spent = f.num("seconds", lo=0.0)
            try:
                vgen.bit_generator.state = f.obj("vgen").doc
            except (TypeError, ValueError, KeyError) as why:
                raise CheckpointError(
                    f"{resume['path']}: checkpoint.position.vgen is not a random generator "
                    f"state ({why}); {CHECKPOINT_FIX}"
                ) from None
            if cur >= 0:
                order = np.ascontiguousarray(resume["arrays"]["value_order"], dtype=np.int64)
                if order.shape != (n_pairs,):
                    raise CheckpointError(
                        f"{resume['path']}: ckpt_value_order.npy has shape "
                        f"{order.shape}, not ({n_pairs},)"
                    )
            history = [float(x) for x in np.asarray(self.loss_history_)[base:]]
            if len(history) != e0:
                raise CheckpointError(
                    f"{resume['path']}: the loss history holds {len(history)} text epochs, not {e0}"
                )
        ckpt = Checkpointer(self)
        t_start = time.perf_counter() - spent

        def run(e: int, j: int) -> None:
            s0, s1 = jobs[j]
            train_job(
                ids,
                starts,
                s0,
                s1,
                *args,
                alpha0,
                alpha0,
                e * n_words + int(starts[s0]),
                denom,
                np.uint64(mix_seed(self.seed or 0, base + e, j)),
                False,
                False,
            )

        def keep_state() -> None:  # the state reached, as the model's
            self.loss_history_ = np.concatenate([prev, np.asarray(history, np.float64)])
            self.epochs_trained_ = base + len(history)
            self.stopped_early_ = False
            self.train_seconds_ = time.perf_counter() - t_start

        def where(e: int) -> dict[str, Any]:
            return {
                "epoch": min(e + 1, text_epochs),
                "epochs": text_epochs,
                "done": done,
                "total": n_jobs_total,
                "unit": "text",
            }

        def checkpoint(e: int, j: int) -> None:
            keep_state()
            ckpt.write(
                self,
                {
                    "base": base,
                    "continued": continued,
                    "epoch": e,
                    "job": j,
                    "jobs": len(jobs),
                    "done": done,
                    "vpos": vpos,
                    "cur": cur,
                    "vgen": vgen.bit_generator.state,
                    "seconds": time.perf_counter() - t_start,
                    "progress": where(e),
                },
                {"value_order": order},
            )

        pool = ThreadPoolExecutor(workers) if workers > 1 else None
        e = e0
        self._call_callbacks("on_train_begin")
        try:
            for e in range(e0, text_epochs):
                if not (e == e0 and j0 > 0):
                    self._call_callbacks("on_epoch_begin")
                for g0 in range(j0 if e == e0 else 0, len(jobs), workers):
                    group = range(g0, min(len(jobs), g0 + workers))
                    if alpha0 > 0:
                        if pool is None:
                            for j in group:
                                run(e, j)
                        else:
                            list(pool.map(lambda j, e=e: run(e, j), group))
                    done += len(group)
                    target = total_value * done // n_jobs_total
                    while vpos < target:
                        k, off = divmod(vpos, n_pairs)
                        if k != cur:
                            order = vgen.permutation(n_pairs).astype(np.int64)
                            cur = k
                        hi = min(n_pairs, off + (target - vpos))
                        lr_now = lr_v * max(1.0 - vpos / total_value, 1e-4)
                        value_sgd(
                            vblock,
                            self.value_rows_,
                            center,
                            context,
                            label,
                            order,
                            off,
                            hi,
                            int(self.batch_size),
                            lr_now,
                            objective,
                            float(self.cosent_scale),
                        )
                        vpos += hi - off
                    if group.stop < len(jobs) and ckpt.due():
                        checkpoint(e, group.stop)
                unit = _unit_rows(vblock[self.value_rows_])
                err = float(pair_cosines_serial(unit, unit, center, context, label, sims, 64))
                history.append(err)
                check_finite(
                    {"the vectors": syn0, "the output weights": syn1neg},
                    loss=err,
                    where=f"text epoch {base + e + 1}",
                    fix=f"lower text_alpha (now {self.text_alpha}) or alpha "
                    f"(now {lr_v / max(1.0 - w, 1e-12):g})",
                )
                if progress is not None:
                    progress(e + 1, total=text_epochs, loss=err, alpha=lr_v)
                self.epoch_loss_ = err
                self._call_callbacks("on_epoch_end", epoch=base + e + 1)
                if e + 1 < text_epochs and ckpt.due():
                    checkpoint(e + 1, 0)
        except KeyboardInterrupt:
            if pool is not None:  # the text jobs in flight end first
                pool.shutdown(wait=True, cancel_futures=True)
                pool = None
            keep_state()
            self._mark_progress(False, **where(e))
            self._make_joint_wv()
            raise
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        keep_state()
        self._mark_progress(True, **where(text_epochs - 1))
        self._call_callbacks("on_train_end")

    def _make_joint_wv(self) -> None:
        vocab = self.vocab_
        assert vocab is not None  # joint models only
        vals = np.full(len(vocab), np.nan)
        vals[self.value_rows_] = self.pairs_.values
        self.wv = WordVectors(
            vocab.index_to_key,
            self.syn0_,
            counts=vocab.counts,
            extras={"values": vals},
            meta={
                "trainer": "valuevec",
                "params": self._config(),
                "joint": True,
                "pairs": len(self.pairs_),
                "epochs_trained": self.epochs_trained_,
                **self._meta_extra(),
            },
        )

    def _partial_fit_joint(
        self,
        X: Any,
        y: Any,
        *,
        progress: Callable[..., None] | None,
        word: str | None = None,
        value: str | None = None,
        text: str | None = None,
        corpus: Any = None,
    ) -> Self:
        vocab = self.vocab_
        assert vocab is not None  # a joint model
        ck = getattr(self, "_resume_from", None)
        if ck is not None and not ck["position"].get("continued"):
            self._end_resume()  # a fit's checkpoint: continue its vectors, as for Word2Vec
        resume = self._take_resume()
        if self.semantic_weight is None:
            raise ParameterError(
                "this model was trained on text and values together: partial_fit needs "
                "semantic_weight (None now); set it back, e.g. to the model's "
                f"{self.wv.meta.get('params', {}).get('semantic_weight')!r}"
            )
        d = int(self.vector_size)
        if self.syn0_.shape[1] != d:
            raise ParameterError(
                f"vector_size={d} but the model's vectors have {self.syn0_.shape[1]} "
                "dimensions; vector_size cannot change after training"
            )
        if X is None and corpus is None:
            raise ParameterError(
                "a joint model continues on more text, which partial_fit needs (the text of "
                "fit() is not kept with the model): give records (partial_fit(df, text=..., "
                "value=...)) or corpus= (a path or a list of texts), with or without a "
                "word-value table"
            )
        t0 = time.perf_counter()
        wvals, corp = self._joint_data(X, y, word=word, value=value, text=text, corpus=corpus)
        scan = corp.scan()
        n_tokens = scan.total_words
        unknown_types = sum(1 for t in scan.types if t not in vocab.key_to_index)
        ids, starts = corp.to_ids(vocab)
        corp.clear_cache()
        if len(ids) == 0:
            raise ValueDataError(
                f"none of the {n_tokens:,} words of the text is in the model's vocabulary "
                f"({len(vocab):,} words, fixed at fit()); fit() again to train on new words"
            )
        skipped = []
        if unknown_types:
            skipped.append(
                f"{unknown_types:,} of the {len(scan.types):,} distinct words of "
                f"the text ({n_tokens - len(ids):,} of {n_tokens:,} tokens)"
            )
        if wvals is not None:
            out = int((~wvals["word"].isin(vocab.key_to_index)).sum())
            if out:
                skipped.append(f"{out:,} of the {len(wvals):,} words with values")
        if skipped:
            warnings.warn(
                "partial_fit keeps the vocabulary of fit(): "
                + " and ".join(skipped)
                + " are not in it and are skipped; fit() again to take new words in",
                stacklevel=3,
            )
        base = int(self.epochs_trained_)
        found = {
            "vocabulary": vocab_fingerprint(vocab.index_to_key, vocab.counts),
            "corpus": {"words": int(len(ids)), "sentences": int(len(starts) - 1)},
            "values": (
                _values_fingerprint(wvals) if wvals is not None else {"size": 0, "hash": ""}
            ),
        }
        if resume is not None:
            self._check_resume_data(resume, **found)
            base = int(resume["position"]["base"])
            self._end_resume()
            self._resume_position = resume
        else:
            self._set_fingerprints(**found)
            if wvals is not None:
                self._set_joint_pairs(_merge_values(self.word_values_, wvals), vocab)
        self._set_text_values(ids, starts)  # the new text's documents
        if X is not None:
            self.value_name_ = value if value is not None else _series_name(y)
        self.syn0_ = np.ascontiguousarray(self.syn0_, dtype=np.float32)
        self.syn1neg_ = np.ascontiguousarray(self.syn1neg_, dtype=np.float32)
        logger.info(
            "ValueVec (joint) partial_fit: %d tokens of the vocabulary, %d words with "
            "values, %d pairs (%.2fs)",
            len(ids),
            self.pairs_.n_words,
            len(self.pairs_),
            time.perf_counter() - t0,
        )
        return self._run_joint(ids, starts, progress, base=base, continued=True)
