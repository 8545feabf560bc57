"""gensim's ``CallbackAny2Vec``: subclass it and override the hooks you need.

The trainers call ``on_train_begin(model)``, ``on_epoch_begin(model)``,
``on_epoch_end(model)`` and ``on_train_end(model)`` with the gensim-style model, as gensim does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CallbackAny2Vec"]


class CallbackAny2Vec:
    """Base class for training callbacks (every hook does nothing by default)."""

    def on_epoch_begin(self, model: Any) -> None:
        pass

    def on_epoch_end(self, model: Any) -> None:
        pass

    def on_batch_begin(self, model: Any) -> None:  # gensim never calls these in 4.x either
        pass

    def on_batch_end(self, model: Any) -> None:
        pass

    def on_train_begin(self, model: Any) -> None:
        pass

    def on_train_end(self, model: Any) -> None:
        pass
