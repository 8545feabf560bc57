"""Downloading one file over HTTP(S) with the standard library: resume, checksum, atomic move.

:func:`fetch` writes ``DEST.part`` beside the destination and appends to it: a partial file
left by a dropped connection (or a killed process) is resumed with an HTTP ``Range`` request
(a server that ignores it answers 200 and the file starts over). The MD5 is computed while the
bytes arrive (the existing part is hashed first). Only when the whole file is there and its
MD5 is the expected one is it renamed to ``DEST``; a mismatch deletes the part and raises
:class:`~wordspace.errors.ChecksumError`. A connection that drops is retried from where it
stopped, a few times, before :class:`~wordspace.errors.DownloadError` says to run again (the
part is kept, so the next run resumes).

The caller holds the lock (:func:`file_lock`) so that one process at a time writes a part.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import logging
import math
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from wordspace._files import file_hash
from wordspace.errors import ChecksumError, DownloadError

__all__ = ["fetch", "file_lock", "is_offline", "OFFLINE_ENV"]

logger = logging.getLogger(__name__)

OFFLINE_ENV = "WORDSPACE_OFFLINE"
_CHUNK = 1 << 20
#: seconds to wait before the n-th retry of a dropped download: n times this
RETRY_BACKOFF_S = 1.0
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
_READ_ERRORS = (http.client.HTTPException, ConnectionError, TimeoutError, socket.timeout, OSError)
#: a download may exceed the catalogue's size by this fraction (plus 1 MiB) before it stops
SIZE_MARGIN = 0.05
#: environment variable: the overall time limit of one download, in seconds
DEADLINE_ENV = "WORDSPACE_DOWNLOAD_DEADLINE"
#: the default limit: this many seconds, plus the file's size at this many bytes per second
DEADLINE_BASE_S = 1800.0
DEADLINE_MIN_RATE = 100_000.0


def size_limit(size: int | None) -> int | None:
    """The most bytes a download of a file of ``size`` bytes (the catalogue's) may bring."""
    if size is None or size <= 0:
        return None
    return int(size + max(size * SIZE_MARGIN, 1 << 20))


def default_deadline(size: int | None) -> float:
    """Seconds one download may take in all (``WORDSPACE_DOWNLOAD_DEADLINE`` overrides)."""
    text = os.environ.get(DEADLINE_ENV, "").strip()
    if text:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value > 0):
            raise DownloadError(
                f"{DEADLINE_ENV} must be a number of seconds > 0, got {text!r}; unset it for "
                "the default"
            )
        return value
    return DEADLINE_BASE_S + (size or 0) / DEADLINE_MIN_RATE


def is_offline() -> bool:
    """Whether ``WORDSPACE_OFFLINE`` forbids network access (any value but '', '0', 'false')."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() not in ("", "0", "false", "no")


class _Dropped(Exception):
    """The transfer stopped early (the part file keeps what arrived)."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


class _Late(Exception):
    """The download's overall deadline passed (the part file keeps what arrived)."""


class _Part:
    """The partial file and the MD5 of its bytes, kept in step."""

    def __init__(self, path: Path):
        self.path = path
        self.md5 = hashlib.md5()
        self.have = 0
        if path.exists():
            self.md5 = file_hash(path, "md5")
            self.have = path.stat().st_size

    def restart(self) -> None:
        self.path.unlink(missing_ok=True)
        self.md5 = hashlib.md5()
        self.have = 0


def _user_agent() -> str:
    from wordspace._version import __version__

    return f"wordspace/{__version__} (+urllib)"


def fetch(
    url: str,
    dest: Path,
    *,
    md5: str | None,
    size: int | None = None,
    progress: Callable[..., None] | None = None,
    retries: int = 3,
    timeout: float = 60.0,
    deadline: float | None = None,
) -> Path:
    """Download ``url`` to ``dest`` (resuming ``dest.part``), verify its MD5, move it in place.

    ``progress(done_bytes, total_bytes)`` is called as bytes arrive (``total_bytes`` None when
    the server does not say). Raises :class:`DownloadError` (HTTP error, unreachable host,
    connection dropped ``retries + 1`` times) or :class:`ChecksumError`.

    Bounded: ``size`` (the catalogue's) caps what is accepted (:data:`SIZE_MARGIN` more at
    most: a server that sends more is refused and the part deleted), and the whole download,
    retries included, must end within ``deadline`` seconds (default
    :func:`default_deadline`; ``timeout`` is the limit of one network read).
    """
    scheme = url.split(":", 1)[0].lower()
    if scheme not in ("http", "https", "file"):
        raise DownloadError(
            f"cannot download {url}: only https://, http:// and file:// URLs "
            "are supported; check the base URL (WORDSPACE_BASE_URL)"
        )
    if is_offline():
        raise DownloadError(
            f"{OFFLINE_ENV} is set, so {url} is not downloaded; unset it (or "
            "set it to 0) to allow the download"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = _Part(dest.with_name(dest.name + ".part"))
    limit = size_limit(size)
    if limit is not None and part.have > limit:  # not a part of this file: start over
        part.restart()
    if part.have:
        logger.info("resuming %s at byte %d", url, part.have)
    seconds = default_deadline(size) if deadline is None else float(deadline)
    ends = time.monotonic() + seconds
    failures = 0
    while True:
        try:
            _transfer(url, part, size, progress, timeout, ends=ends, limit=limit)
            break
        except _Late:
            _too_slow(url, part, seconds)
        except _Dropped as e:
            failures += 1
            if failures > retries:
                raise DownloadError(
                    f"the download of {url} stopped ({e.why}) {failures} times; "
                    f"{part.have:,} bytes are kept in {part.path}: run again to resume"
                ) from None
            warnings.warn(
                f"the download of {url} stopped ({e.why}) after {part.have:,} bytes; "
                f"retrying ({failures} of {retries})",
                RuntimeWarning,
                stacklevel=2,
            )
            time.sleep(RETRY_BACKOFF_S * failures)
            if time.monotonic() >= ends:
                _too_slow(url, part, seconds)
    got = part.md5.hexdigest()
    if md5 is not None and got != md5.lower():
        part.path.unlink(missing_ok=True)
        raise ChecksumError(
            f"{url}: the downloaded file's MD5 is {got}, the catalogue's is {md5}; the file "
            f"({part.have:,} bytes) was deleted: run again, or check the mirror "
            "(WORDSPACE_BASE_URL)"
        )
    os.replace(part.path, dest)
    return dest


def _too_slow(url: str, part: _Part, seconds: float) -> None:
    raise DownloadError(
        f"the download of {url} did not finish within {seconds:,.0f} s ({part.have:,} bytes "
        f"came, kept in {part.path}); run again to resume, or raise the limit with "
        f"{DEADLINE_ENV}=SECONDS"
    )


def _open(url: str, have: int, timeout: float) -> Any:  # the response, or None
    headers = {"User-Agent": _user_agent(), "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    req = urllib.request.Request(url, headers=headers)
    try:
        return urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 (scheme checked)
    except urllib.error.HTTPError as e:
        e.close()
        if e.code == 416 and have:
            return None  # the part already holds everything (or more): start over
        reason = f" {e.reason}" if e.reason else ""
        hint = (
            ": the server (or mirror) has no such file; check the base URL (WORDSPACE_BASE_URL)"
            if e.code in (403, 404, 410)
            else ": try again later, or use a mirror (WORDSPACE_BASE_URL)"
        )
        raise DownloadError(f"{url} answered HTTP {e.code}{reason}{hint}") from None
    except urllib.error.URLError as e:
        raise DownloadError(
            f"cannot reach {url} ({e.reason}); check the network connection, or set "
            "WORDSPACE_BASE_URL to a reachable mirror"
        ) from None
    except _READ_ERRORS as e:
        raise _Dropped(f"{type(e).__name__}: {e}") from None


def _transfer(
    url: str,
    part: _Part,
    size: int | None,
    progress: Callable[..., None] | None,
    timeout: float,
    *,
    again: bool = True,
    ends: float = math.inf,
    limit: int | None = None,
) -> None:
    """One request: append what arrives to the part file; return when it is complete."""
    resp = _open(url, part.have, timeout)
    if resp is None:  # 416: the part is not a prefix of this file
        part.restart()
        if again:
            _transfer(url, part, size, progress, timeout, again=False, ends=ends, limit=limit)
            return
        raise DownloadError(f"{url} refuses the byte range requested; try again later")
    with contextlib.closing(resp):
        status = getattr(resp, "status", None) or 200
        length = resp.headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        start = 0
        if status == 206:
            m = _CONTENT_RANGE.match(resp.headers.get("Content-Range", ""))
            start = int(m.group(1)) if m else -1
            if start != part.have:  # not the range asked for: start over, once
                part.restart()
                if not again:
                    raise DownloadError(
                        f"{url} answers a byte range other than the one asked "
                        "for; try again later, or use a mirror"
                    )
                resp.close()
                _transfer(url, part, size, progress, timeout, again=False, ends=ends, limit=limit)
                return
        elif part.have:  # 200: the server ignored the Range header and sends it all
            warnings.warn(
                f"{url} does not resume downloads: starting again from byte 0 "
                f"({part.have:,} bytes were already here)",
                RuntimeWarning,
                stacklevel=2,
            )
            part.restart()
        total = start + expected if expected is not None else size
        if limit is not None and total is not None and total > limit:
            raise DownloadError(
                f"{url} announces {total:,} bytes but the catalogue's file has {size:,}; "
                "nothing was kept: check the mirror (WORDSPACE_BASE_URL)"
            )
        read = getattr(resp, "read1", None) or resp.read  # read1: returns what one read got
        with open(part.path, "ab") as out:
            if progress is not None:
                progress(part.have, total)
            while True:
                if time.monotonic() >= ends:
                    raise _Late
                try:
                    chunk = read(_CHUNK)
                except _READ_ERRORS as e:
                    raise _Dropped(f"{type(e).__name__}: {e}") from None
                if not chunk:
                    break
                if limit is not None and part.have + len(chunk) > limit:
                    out.close()
                    part.restart()
                    raise DownloadError(
                        f"{url} sent more than the catalogue's {size:,} bytes (over "
                        f"{limit:,}); the partial file was deleted: check the mirror "
                        "(WORDSPACE_BASE_URL)"
                    )
                out.write(chunk)
                part.md5.update(chunk)
                part.have += len(chunk)
                if progress is not None:
                    progress(part.have, total)
        if expected is not None and total is not None and part.have < total:
            raise _Dropped(f"the connection closed after {part.have:,} of {total:,} bytes")


# ---------------------------------------------------------------------------- locking
@contextlib.contextmanager
def file_lock(path: Path, *, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed) across processes.

    ``waiting()`` is called once if another process holds it (then this one blocks until it
    is released). The lock file stays (removing it would race with a process about to lock
    it); it is empty and belongs to the cache.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as f:
        _lock(f, waiting)
        try:
            yield
        finally:
            _unlock(f)


if sys.platform != "win32":  # POSIX: fcntl (a platform check, so type checkers follow it)
    import fcntl

    def _lock(f: IO[bytes], waiting: Callable[[], None] | None) -> None:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)

    def _unlock(f: IO[bytes]) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)

else:  # pragma: no cover - Windows
    import msvcrt

    def _lock(f, waiting) -> None:
        told = False
        while True:
            try:
                f.seek(0)
                msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                if not told and waiting is not None:
                    waiting()
                told = True
                time.sleep(0.2)

    def _unlock(f) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
