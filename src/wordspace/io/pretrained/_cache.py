"""wordspace's cache folder: converted pretrained models, native copies of vector files.

Layout of ``cache_dir()`` (``$WORDSPACE_HOME``, else the platform's user cache folder)::

    models/NAME.wsv        a catalogue model, converted once to the native format
    downloads/FILE.part    a download in progress (resumed by the next attempt)
    files/KEY.wsv          native copy of a vector file given by path (KEY: hash of the path)
    locks/NAME.lock        one process downloads/converts NAME at a time

The cache only ever removes files of this layout that it wrote (:func:`cache_entries`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wordspace.errors import WordspaceError

if TYPE_CHECKING:
    from wordspace.vectors.keyed import WordVectors

__all__ = [
    "HOME_ENV",
    "cache_dir",
    "CacheEntry",
    "cache_entries",
    "clear_cache",
    "path_cache_load",
    "PATH_CACHE_MIN_BYTES",
]

logger = logging.getLogger(__name__)

HOME_ENV = "WORDSPACE_HOME"
#: vector files smaller than this are parsed in milliseconds: not worth a cache entry
PATH_CACHE_MIN_BYTES = 1 << 20
_KEY = re.compile(r"[0-9a-f]{32}\.wsv\Z")
_FILES_KIND = "path-cache"


def cache_dir() -> Path:
    """The cache folder: ``$WORDSPACE_HOME`` if set, else the platform's user cache folder
    for wordspace (``~/.cache/wordspace`` on Linux), via platformdirs."""
    env = os.environ.get(HOME_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("wordspace", appauthor=False))


@dataclass(frozen=True)
class CacheEntry:
    """One file the cache holds: ``kind`` is "model", "download" or "file"."""

    kind: str
    name: str
    path: Path
    size: int


def cache_entries(home: Path | None = None) -> list[CacheEntry]:
    """The files of the cache that wordspace wrote (catalogue models, partial downloads,
    native copies of vector files); anything else in the folder is not listed."""
    from wordspace.io.pretrained._catalogue import CATALOGUE

    home = cache_dir() if home is None else home
    out: list[CacheEntry] = []
    models = home / "models"
    downloads = home / "downloads"
    for name in sorted(CATALOGUE):
        for p, kind in (
            (models / f"{name}.wsv", "model"),
            (downloads / (CATALOGUE[name].file_name + ".part"), "download"),
            (downloads / CATALOGUE[name].file_name, "download"),
        ):
            if _own_folder(p.parent, home) and p.is_file() and not p.is_symlink():
                out.append(CacheEntry(kind, name, p, p.stat().st_size))
    files = home / "files"
    if _own_folder(files, home) and files.is_dir():
        for p in sorted(files.iterdir()):
            if _KEY.match(p.name) and p.is_file() and not p.is_symlink():
                out.append(CacheEntry("file", _source_of(p), p, p.stat().st_size))
    return out


def _own_folder(folder: Path, home: Path) -> bool:
    """Whether ``folder`` (``home/models``, ``home/downloads``, ``home/files``) is a real
    folder of the cache: not a symbolic link (nor under one) that leads outside it, so that
    listing and clearing the cache never reach a user's files elsewhere."""
    if folder.is_symlink():
        return False
    try:
        return Path(os.path.realpath(folder)).parent == Path(os.path.realpath(home))
    except OSError:
        return False


def _source_of(entry: Path) -> str:
    try:
        from wordspace.io.native import read_native

        _, meta = read_native(entry, mmap=True)
        stamp = meta.get("provenance", {}).get("cached_from", {})
        return str(stamp.get("path", "?"))
    except (WordspaceError, OSError, AttributeError):
        return "?"


# ------------------------------------------------------------------------ the path cache
def _stamp(path: Path) -> dict[str, Any]:
    real = os.path.realpath(path)
    st = os.stat(real)
    return {"path": real, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _entry_for(real: str, home: Path) -> Path:
    key = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return home / "files" / f"{key}.wsv"


def path_cache_load(
    path: Path, parse: Callable[[], WordVectors], *, mmap: bool = True
) -> WordVectors:
    """The vectors of the file ``path``: from its native copy in the cache when that copy
    was made from the file as it is now (same real path, size and modification time), else
    by ``parse()``, keeping a native copy for next time. A cache that cannot be written is a
    warning, never an error."""
    from wordspace.io.native import load_native

    stamp = _stamp(path)
    if stamp["size"] < PATH_CACHE_MIN_BYTES:
        return parse()
    home = cache_dir()
    entry = _entry_for(stamp["path"], home)
    if entry.is_file():
        try:
            wv = load_native(entry, mmap=mmap)
            if wv.meta.get("cached_from") == stamp:
                logger.info("%s: loaded its native copy %s", path, entry)
                return wv
        except (WordspaceError, OSError) as e:  # a damaged entry is rebuilt
            logger.info("cache entry %s is unreadable (%s); rebuilding it", entry, e)
    wv = parse()
    wv.meta["cached_from"] = stamp
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        wv.save(entry)
    except (WordspaceError, OSError) as e:
        warnings.warn(
            f"could not keep a native copy of {path} in the cache {home} ({e}); the next query "
            f"parses the file again (set {HOME_ENV} to a writable folder, or pass --no-cache)",
            RuntimeWarning,
            stacklevel=3,
        )
    return wv


def clear_cache(name: str | None = None) -> list[Path]:
    """Delete the cache's files for the catalogue model ``name`` (its converted model and
    downloads), or, with None, every file the cache holds (:func:`cache_entries`). Files in
    the cache folder that wordspace did not write are left alone. Returns the deleted paths."""
    removed = []
    for e in cache_entries():
        if name is not None and (e.kind == "file" or e.name != name):
            continue
        try:
            e.path.unlink()
            removed.append(e.path)
        except FileNotFoundError:
            pass
    return removed
