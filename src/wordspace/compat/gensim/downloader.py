"""gensim's ``gensim.downloader``: pretrained vectors by name, through :func:`wordspace.load`.

``load(name)`` returns the vectors as :class:`~wordspace.compat.gensim.KeyedVectors`; which
names are known, where they come from and whether they are fetched is
:func:`wordspace.load`'s business (installed packages, the local cache, downloads).
gensim-data's corpora (``text8``, ``wiki-english-*`` ...) and ``return_path=True`` are not
supported.
"""

from __future__ import annotations

from typing import Any

from wordspace.compat.gensim._errors import UnsupportedError

__all__ = ["load", "info"]


def load(name: str, return_path: bool = False) -> Any:
    """The pretrained vectors called ``name`` (e.g. ``"glove-wiki-gigaword-50"``)."""
    import wordspace
    from wordspace.compat.gensim.models.keyedvectors import as_keyed_vectors
    from wordspace.errors import ParameterError, close_matches
    from wordspace.io.pretrained import KNOWN_MODELS

    if return_path:
        raise UnsupportedError(
            "return_path=True is not supported: wordspace keeps models in "
            "its own cache format; load them by name"
        )
    if not isinstance(name, str) or name not in KNOWN_MODELS:
        # gensim's downloader takes catalogue names only, never a path
        near = close_matches(name, sorted(KNOWN_MODELS)) if isinstance(name, str) else []
        hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
        raise ParameterError(
            f"{str(name)[:80]!r} is not a model name of the catalogue{hint} (known: "
            f"{', '.join(sorted(KNOWN_MODELS))}); to read a file use "
            "KeyedVectors.load_word2vec_format(path) or wordspace.load(path)"
        )
    return as_keyed_vectors(wordspace.load(name))


def info(name: str | None = None, show_only_latest: bool = True, name_only: bool = False) -> Any:
    """gensim's catalogue shape: ``{"models": {name: {...}}, "corpora": {}}`` (or one
    model's entry, or the names with ``name_only=True``)."""
    from wordspace.io import pretrained

    describe = getattr(pretrained, "info", None)
    models: dict[str, Any] = {}
    if callable(describe):
        try:
            got = describe()
        except TypeError:  # a signature of its own: fall back to the names
            got = None
        models = dict(got.get("models", got)) if isinstance(got, dict) else {}
    if not models:
        models = {
            n: {"description": getattr(spec, "description", "")}
            for n, spec in pretrained.KNOWN_MODELS.items()
        }
    if name_only:
        return {"models": list(models), "corpora": []}
    if name is not None:
        if name not in models:
            raise UnsupportedError(
                f"{name!r} is not a known model; known: " + ", ".join(sorted(models))
            )
        return models[name]
    return {"models": models, "corpora": {}}
