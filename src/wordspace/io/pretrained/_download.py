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
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.request
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


def is_offline() -> bool:
    """Whether ``WORDSPACE_OFFLINE`` forbids network access (any value but '', '0', 'false')."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() not in ("", "0", "false", "no")


class _Dropped(Exception):
    """The transfer stopped early (the part file keeps what arrived)."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


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
) -> Path:
    """Download ``url`` to ``dest`` (resuming ``dest.part``), verify its MD5, move it in place.

    ``progress(done_bytes, total_bytes)`` is called as bytes arrive (``total_bytes`` None when
    the server does not say). Raises :class:`DownloadError` (HTTP error, unreachable host,
    connection dropped ``retries + 1`` times) or :class:`ChecksumError`.
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
    if part.have:
        logger.info("resuming %s at byte %d", url, part.have)
    failures = 0
    while True:
        try:
            _transfer(url, part, size, progress, timeout)
            break
        except _Dropped as e:
            failures += 1
            if failures > retries:
                raise DownloadError(
                    f"the download of {url} stopped ({e.why}) {failures} times; "
                    f"{part.have:,} bytes are kept in {part.path}: run again to resume"
                ) from None
            logger.warning(
                "download of %s stopped (%s) at byte %d; resuming", url, e.why, part.have
            )
            time.sleep(RETRY_BACKOFF_S * failures)
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
) -> None:
    """One request: append what arrives to the part file; return when it is complete."""
    resp = _open(url, part.have, timeout)
    if resp is None:  # 416: the part is not a prefix of this file
        part.restart()
        if again:
            _transfer(url, part, size, progress, timeout, again=False)
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
                _transfer(url, part, size, progress, timeout, again=False)
                return
        elif part.have:  # 200: the server ignored the Range header and sends it all
            logger.info("%s does not resume downloads; starting over", url)
            part.restart()
        total = start + expected if expected is not None else size
        with open(part.path, "ab") as out:
            if progress is not None:
                progress(part.have, total)
            while True:
                try:
                    chunk = resp.read(_CHUNK)
                except _READ_ERRORS as e:
                    raise _Dropped(f"{type(e).__name__}: {e}") from None
                if not chunk:
                    break
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
