"""The one way to import an optional dependency: :func:`require`.

Optional heavy dependencies (matplotlib, scikit-learn, POT, optuna, Dask, ...) are imported
inside the function that needs them, through :func:`require`, so ``import wordspace`` stays
light and a missing one raises :class:`~wordspace.errors.MissingDependencyError` naming the
extra to install:

>>> optuna = require("optuna", extra="tune", purpose="hyper-parameter search")
>>> TSNE = require("sklearn.manifold", extra="plot", package="scikit-learn").TSNE
"""

from __future__ import annotations

import importlib
from types import ModuleType

from wordspace.errors import MissingDependencyError

__all__ = ["require"]


def require(
    module: str, *, extra: str | None, purpose: str = "", package: str | None = None
) -> ModuleType:
    """Import ``module`` and return it, or raise :class:`MissingDependencyError` saying that
    ``package`` (the pip name, by default the module's top-level name) is needed for
    ``purpose`` and is installed by ``pip install 'wordspace[extra]'`` (``extra`` None: by
    ``pip install package``, for what no extra of wordspace installs, e.g. an fsspec
    driver)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(package or module.split(".")[0], extra, purpose) from None
