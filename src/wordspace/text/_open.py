"""Corpus files named by URLs (``s3://bucket/shard-*.txt.gz``), read through fsspec.

A string of the form ``PROTOCOL://...`` (``s3``, ``gs``, ``az``, ``http(s)``, ``hdfs``,
``memory``, ``file``, a chained ``simplecache::s3://...``: any protocol fsspec knows) names a
file, a folder or a glob pattern on that file system. :meth:`Corpus.from_files` expands it
with fsspec's own ``glob``/``find`` (sorted by name, as for local files) into
:class:`URLFile` objects, which the corpus reads like local paths: blocks of bytes,
decompressed by suffix (``.gz``, ``.bz2``, ``.xz``) with the same bound on the decompressed
size as a local file (:func:`wordspace._files.open_decompressed`). The distributed code hands
the URLs to the workers, which open them with the very same functions; credentials come from
fsspec's usual places (environment variables, the driver's config files), on every worker.

fsspec is imported only when a URL is used; it comes with the ``dask`` extra. A protocol
fsspec does not know is a :class:`ParameterError`; a known one whose driver is missing
(``s3fs``, ``gcsfs``, ``aiohttp`` for http, ...) is a :class:`MissingDependencyError` naming
the package to install.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from types import SimpleNamespace
from typing import IO, Any

from wordspace._files import compression_of, kind_of_suffix, open_binary, open_decompressed
from wordspace._optional import require
from wordspace.errors import CorpusError, DownloadError, MissingDependencyError, ParameterError

__all__ = ["URLFile", "compression", "is_url", "open_source", "url_file", "url_files"]

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+)(::[A-Za-z][A-Za-z0-9+.\-]+)*://")


def is_url(source: Any) -> bool:
    """Whether ``source`` is a string naming a file by URL (``PROTOCOL://...``)."""
    return isinstance(source, str) and _URL.match(source) is not None


class URLFile:
    """One file named by an fsspec URL, with its size: what a ``Path`` is to a local file
    for the corpus (``str()`` gives the URL back; ``stat().st_size`` the size)."""

    __slots__ = ("size", "url")

    def __init__(self, url: str, size: int) -> None:
        self.url = url
        self.size = int(size)

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"URLFile({self.url!r}, size={self.size})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, URLFile) and other.url == self.url

    def __hash__(self) -> int:
        return hash(self.url)

    @property
    def name(self) -> str:
        return PurePosixPath(self.url.split("://", 1)[1].split("?", 1)[0]).name

    def stat(self) -> SimpleNamespace:
        return SimpleNamespace(st_size=self.size)


def _filesystem(url: str) -> tuple[Any, str]:
    """``(fsspec file system, path on it)`` for ``url``; typed errors for an unknown
    protocol or a missing driver."""
    fsspec = require("fsspec", extra="dask", purpose=f"reading {url}")
    from fsspec.registry import known_implementations, registry

    # the drivers of the URL's protocols (``simplecache::s3://``: two), imported here so
    # that a missing one names its package
    for protocol in url.split("://", 1)[0].split("::"):
        impl = known_implementations.get(protocol)
        if impl is not None and protocol not in registry:
            require(
                str(impl["class"]).rsplit(".", 1)[0],
                extra=None,
                purpose=f"reading {protocol}:// URLs ({url}; on the driver and on every worker)",
                package=_package(impl, protocol),
            )
    try:
        return fsspec.core.url_to_fs(url)
    except ImportError as e:  # a dependency of a driver that did import
        raise ParameterError(f"{url}: fsspec cannot open this URL here ({e})") from None
    except ValueError as e:
        if "Protocol not known" not in str(e):
            raise ParameterError(f"{url}: not a URL fsspec can read ({e})") from None
        protocol = str(e).rsplit(":", 1)[-1].strip()
        raise ParameterError(
            f"{url}: unknown protocol {protocol!r}; use a path, or a URL of a protocol fsspec "
            f"knows (s3://, gs://, az://, http(s)://, hdfs://, memory://, ...: "
            "fsspec.available_protocols())"
        ) from None


def _package(impl: dict, protocol: str) -> str:
    """The package that provides ``protocol``'s driver (from fsspec's registry)."""
    cls = str(impl.get("class", ""))
    top = cls.split(".", 1)[0]
    if top == "fsspec":  # a built-in class whose third-party dependency is missing
        found = re.findall(r'"([A-Za-z0-9_.\-]+)"', str(impl.get("err", "")))
        return " ".join(found) or protocol
    return top or protocol


def _unstrip(fs: Any, path: str) -> str:
    return path if is_url(path) else fs.unstrip_protocol(path)


def _listing_error(url: str, exc: Exception) -> Exception:
    if isinstance(exc, FileNotFoundError):
        return CorpusError(f"{url}: no such file, or its server cannot be reached; check the URL")
    return DownloadError(
        f"{url}: could not be read ({type(exc).__name__}: {exc}); check the URL, the network "
        "and the credentials"
    )


def url_file(url: str) -> URLFile:
    """The one file ``url`` names (its size asked of the file system)."""
    fs, path = _filesystem(url)
    try:
        info = fs.info(path)
    except Exception as e:  # the drivers raise their own types: name the URL and the fix
        raise _listing_error(url, e) from None
    if info.get("type") == "directory":
        raise CorpusError(f"{url} is a folder; give text files (one sentence per line)")
    return URLFile(url, int(info.get("size") or 0))


def url_files(spec: str) -> list[URLFile]:
    """The files a URL names: a glob pattern (sorted by name), a folder (all files below it,
    sorted) or one file."""
    fs, path = _filesystem(spec)
    try:
        if any(c in path for c in "*?["):
            found = fs.glob(path, detail=True)
        elif fs.isdir(path):
            found = fs.find(path, detail=True)
        else:
            return [url_file(spec)]
    except (MissingDependencyError, ParameterError, CorpusError):
        raise
    except Exception as e:
        raise _listing_error(spec, e) from None
    files = []
    for p, info in sorted(found.items()):
        if info.get("type", "file") != "file":
            continue
        url = _unstrip(fs, p)
        # http listings give no sizes: ask each file (the parts are planned by size)
        files.append(URLFile(url, info["size"]) if info.get("size") is not None else url_file(url))
    if not files:
        raise CorpusError(f"{spec}: no files match; check the pattern or folder")
    return files


def open_source(path: Any, *, error: type) -> IO[bytes]:
    """Open a corpus file (a local path, or a :class:`URLFile`) for reading bytes,
    decompressed (local: by content; URL: by suffix) and bounded alike."""
    if not isinstance(path, URLFile):
        return open_binary(path, error=error)
    fs, p = _filesystem(path.url)
    try:
        fh = fs.open(p, "rb")
    except Exception as e:
        raise _listing_error(path.url, e) from None
    return open_decompressed(fh, path.url, kind_of_suffix(path.name), path.size, error=error)


def compression(path: Any) -> str | None:
    """The compression of a corpus file: a local file's by content, a URL's by suffix."""
    if isinstance(path, URLFile):
        return kind_of_suffix(path.name)
    return compression_of(path)
