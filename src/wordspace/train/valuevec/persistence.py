"""ValueVec's persistence: the arrays and metadata saved with the model, and their restore."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from wordspace.text.tokenizer import Tokenizer
from wordspace.train._common import _jsonable
from wordspace.train.valuevec._core import _frame
from wordspace.train.valuevec.pairs import _PairsPart
from wordspace.train.valuevec.values import ValuePairs
from wordspace.vectors.keyed import WordVectors


class _PersistencePart(_PairsPart):
    """The model's state for :class:`~wordspace.train._common.Trainer`'s native save and load."""

    def _meta_extra(self) -> dict[str, Any]:
        """The loss history, and the values' name and transform for plots ("price (log)")."""
        tr = self.__dict__.get("value_transform_", self.value_transform)
        return {
            "loss_history": [float(x) for x in getattr(self, "loss_history_", [])],
            "value_name": getattr(self, "value_name_", None),
            "value_transform": tr if tr is None or isinstance(tr, str) else "custom",
        }

    def _get_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        p = self.pairs_
        arrays = {
            "loss_history": self.loss_history_,
            "pair_center": p.center,
            "pair_context": p.context,
            "pair_label": p.label,
            "pair_negative": p.negative,
            "normalized_values": p.normalized,
            "word_value_counts": self.word_values_["count"].to_numpy(np.int64),
            "word_value_values": self.word_values_["value"].to_numpy(np.float64),
        }
        state = {
            "pair_params": _jsonable(p.params),
            "epochs_trained": int(self.epochs_trained_),
            "alpha": float(self.alpha_),
            "objective": self.objective_,
            "stopped_early": bool(self.stopped_early_),
            "train_seconds": float(self.train_seconds_),
            "word_value_words": self.word_values_["word"].tolist(),
        }
        if self.is_joint:
            from wordspace.train._common import vocab_state

            arrays.update(
                syn1neg=self.syn1neg_,
                value_rows=self.value_rows_,
                pair_values=np.asarray(p.values, np.float64),
            )
            state.update(joint=True, pair_words=list(p.words), **vocab_state(self.vocab_))
            tv, k = getattr(self, "text_values_", None), getattr(self, "text_shrinkage_", None)
            if tv is not None and k is not None:
                arrays["text_values"] = np.asarray(tv, np.float64)
                state["text_shrinkage"] = float(k)
        else:
            arrays.update(main_vectors=self.main_vectors_, context_vectors=self.context_vectors_)
            pre = getattr(self, "pretrained_size_", None)
            if pre is not None:
                arrays.update(
                    value_rows=self.value_rows_, pair_values=np.asarray(p.values, np.float64)
                )
                state.update(pretrained_size=int(pre), pair_words=list(p.words))
        return arrays, state

    def _set_state(
        self,
        wv: WordVectors,
        arrays: dict[str, np.ndarray],
        state: dict[str, Any],
        path: str | os.PathLike,
    ) -> None:
        self.wv = wv
        self.value_name_ = wv.meta.get("value_name")
        tr = wv.meta.get("value_transform", self.value_transform)
        self.value_transform_ = None if tr == "auto" else tr
        joint = bool(state.get("joint", False))
        if joint:
            from wordspace.train._common import restore_vocab

            self.vocab_ = restore_vocab(wv, state, int(self.min_count), path)
            self.syn0_ = np.array(wv.vectors, dtype=np.float32, order="C")
            self.syn1neg_ = np.array(arrays["syn1neg"], dtype=np.float32, order="C")
            self.value_rows_ = np.asarray(arrays["value_rows"], dtype=np.int64)
            pair_words = list(state["pair_words"])
            pair_values = np.asarray(arrays["pair_values"])
            self._restore_text_values(arrays, state, len(wv), path)
        else:
            self.vocab_ = None
            self.text_values_ = self.text_shrinkage_ = None
            self.main_vectors_ = np.asarray(arrays["main_vectors"])
            self.context_vectors_ = np.asarray(arrays["context_vectors"])
            pair_words = list(wv.index_to_key)
            pair_values = np.asarray(wv.extras["values"])
            self.pretrained_size_ = None
            if state.get("pretrained_size") is not None:  # a value block on pretrained vectors
                self.pretrained_size_ = int(state["pretrained_size"])
                self.value_rows_ = np.asarray(arrays["value_rows"], dtype=np.int64)
                pair_words = list(state["pair_words"])
                pair_values = np.asarray(arrays["pair_values"])
        self.loss_history_ = np.asarray(arrays["loss_history"])
        self.pairs_ = ValuePairs(
            words=pair_words,
            values=pair_values,
            normalized=np.asarray(arrays["normalized_values"]),
            center=np.asarray(arrays["pair_center"]),
            context=np.asarray(arrays["pair_context"]),
            label=np.asarray(arrays["pair_label"]),
            negative=np.asarray(arrays["pair_negative"]),
            params=dict(state.get("pair_params", {})),
        )
        self.word_values_ = _frame(
            {
                "word": list(state["word_value_words"]),
                "value": np.asarray(arrays["word_value_values"]),
                "count": np.asarray(arrays["word_value_counts"]),
            }
        )
        self.epochs_trained_ = int(state.get("epochs_trained", len(self.loss_history_)))
        self.stopped_early_ = bool(state.get("stopped_early", False))
        self.alpha_ = float(state.get("alpha", self._alpha(len(wv))))
        self.objective_ = str(state.get("objective", self._objective()))
        self.train_seconds_ = float(state.get("train_seconds", 0.0))

    def _restore_text_values(
        self,
        arrays: dict[str, np.ndarray],
        state: dict[str, Any],
        n_words: int,
        path: str | os.PathLike,
    ) -> None:
        """``text_values_``/``text_shrinkage_`` of a joint model; None for a model saved
        before they existed (its predictors are the vectors' only)."""
        from wordspace.errors import FormatError

        tv = arrays.get("text_values")
        if tv is None:
            self.text_values_ = self.text_shrinkage_ = None
            return
        if np.shape(tv) != (n_words,) or state.get("text_shrinkage") is None:
            raise FormatError(
                f"{path}: text_values.npy has shape {np.shape(tv)}, not ({n_words},), or "
                "meta.json lacks text_shrinkage; the model was damaged: save it again or "
                "fit it again"
            )
        self.text_values_ = np.asarray(tv, dtype=np.float64)
        self.text_shrinkage_ = float(state["text_shrinkage"])

    @classmethod
    def _params_from_config(cls, config: Mapping[str, Any]) -> dict[str, Any]:
        """Saved parameters back to constructor arguments; a model saved before 0.3
        (``negatives``, ``text_negatives``) gets today's names (``negative``, ...)."""
        config = dict(config)
        for new in ("negative", "text_negative"):
            old = new + "s"
            if new not in config and config.get(old) is not None:
                config[new] = config.pop(old)
        params = super()._params_from_config(config)
        tok = params.get("tokenizer")
        params["tokenizer"] = Tokenizer(**tok) if isinstance(tok, dict) else None
        return params
