"""The file layer: opening (possibly compressed) inputs, and writing outputs safely.

Reading: :func:`open_binary` opens a file for reading bytes and decompresses ``.gz``, ``.bz2``
and ``.xz`` transparently (detected by magic bytes; a file *named* ``.gz`` that is not gzip
data is an error, not silently read as text). A truncated or corrupt compressed stream raises
the caller's typed error naming the file, never a bare ``EOFError``/``BadGzipFile``.

Every read is bounded. Decompression: :func:`decompression_limit` (``WORDSPACE_MAX_DECOMPRESSED``).
Lines: no text reader holds a line (a word2vec binary record's word, a corpus token) longer
than :data:`MAX_LINE_BYTES`, 64 MiB, or ``WORDSPACE_MAX_LINE`` bytes when set (0: no limit);
a longer one is the reader's typed error naming the file, the line and the variable
(:func:`bounded_lines`, :func:`read_bounded`, :func:`check_line_lengths`). A corpus line has
no such limit: it is cut into sentences of ``max_sentence_length`` tokens (10,000, as gensim's
``LineSentence``) and read in blocks; only one token is held whole.

Writing follows three rules:

* **Nothing is replaced that wordspace did not write.** :func:`check_output` is called before
  any work (the CLI calls it before training): an output may be a new path, an existing
  regular file named explicitly (replaced atomically, as ``cp`` does), an empty folder, or a
  folder holding a wordspace model (its ``meta.json`` says so; then only the files the model
  consists of are replaced). Anything else raises :class:`~wordspace.errors.OutputPathError`.
* **Saves are atomic.** A file is written to a temporary name beside the target and renamed
  over it (:func:`atomic_path`). A directory-layout model (:func:`atomic_model_dir`) is staged
  in a hidden folder inside the model folder, which is renamed to ``.wordspace-commit`` once
  complete; the files are then moved into place one by one, ``meta.json`` last. A reader
  that finds a ``.wordspace-commit/meta.json`` reads the new model from it (falling back to
  the model folder for the files already moved), and the next save finishes the move: after a
  ``kill -9`` at any instant the path holds the old model or the new one.
* **Modes follow the umask**, as ``open()`` would give them: new files ``0o666 & ~umask``,
  new folders ``0o777 & ~umask``; a replaced file keeps its mode.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import lzma
import os
import re
import shutil
import stat
import tempfile
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from wordspace.errors import FormatError, OutputPathError, ParameterError, WordspaceError

__all__ = [
    "open_binary",
    "open_write",
    "compression_of",
    "atomic_path",
    "atomic_model_dir",
    "check_output",
    "is_model_dir",
    "model_dir_files",
    "COMMIT_DIR",
    "MAX_LINE_BYTES",
    "max_line_bytes",
    "bounded_lines",
    "read_bounded",
    "check_line_lengths",
]

_MAGIC = {b"\x1f\x8b": "gz", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz"}
_SUFFIX = {".gz": "gz", ".bz2": "bz2", ".xz": "xz"}
_NAMES = {"gz": "gzip", "bz2": "bzip2", "xz": "xz"}

#: hidden folder inside a model folder holding a complete new model being moved into place
COMMIT_DIR = ".wordspace-commit"
_STAGING_PREFIX = ".wordspace-staging-"
#: meta.json files larger than this are not read when deciding whether a folder is a model
_META_PROBE_LIMIT = 256 << 20
_NATIVE_FORMAT = "wordspace"


# ---------------------------------------------------------------------------- reading
def compression_of(path: str | os.PathLike[str]) -> str | None:
    """``"gz"``, ``"bz2"``, ``"xz"`` from the file's first bytes, or None. A special file
    (a FIFO, a device) is refused (:func:`check_regular`) before it is opened."""
    try:
        check_regular(path)
        with open(path, "rb") as f:
            head = f.read(6)
    except IsADirectoryError:
        return None
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


_DECOMPRESSION_ERRORS = (EOFError, OSError, zlib.error, lzma.LZMAError)

#: environment variable: the most bytes a compressed input may decompress to (0: no limit)
MAX_DECOMPRESSED_ENV = "WORDSPACE_MAX_DECOMPRESSED"
#: a compressed input may decompress to this many times its size ...
DECOMPRESSION_RATIO = 100
#: ... but always to this much (small files of repetitive text compress very well) ...
DECOMPRESSION_FLOOR = 256 << 20
#: ... and never to more than this without WORDSPACE_MAX_DECOMPRESSED
DECOMPRESSION_CAP = 64 << 30


def decompression_limit(compressed_size: int) -> int | None:
    """The most bytes a compressed file of ``compressed_size`` bytes may decompress to:
    ``WORDSPACE_MAX_DECOMPRESSED`` (bytes; 0 for no limit) when set, else
    ``DECOMPRESSION_RATIO`` times its size, at least ``DECOMPRESSION_FLOOR`` and at most
    ``DECOMPRESSION_CAP``. None: no limit."""
    text = os.environ.get(MAX_DECOMPRESSED_ENV, "").strip()
    if text:
        try:
            value = int(text)
        except ValueError:
            value = -1
        if value < 0:
            raise ParameterError(
                f"{MAX_DECOMPRESSED_ENV} must be a number of bytes >= 0 (0: no limit), got {text!r}"
            )
        return value or None
    return min(max(DECOMPRESSION_RATIO * compressed_size, DECOMPRESSION_FLOOR), DECOMPRESSION_CAP)


def check_regular(
    path: str | os.PathLike[str], *, error: type[WordspaceError] = FormatError
) -> os.stat_result:
    """Refuse, before opening it, an input that is neither a regular file nor a folder (a
    FIFO would block the reader for ever, ``/dev/zero`` never ends). A missing path raises
    :class:`FileNotFoundError`. Returns the file's status (symbolic links followed)."""
    st = os.stat(path)
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(st.st_mode)
            else "a device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "not a regular file"
        )
        raise error(
            f"{os.fspath(path)} is {kind}, not a regular file; wordspace reads files: save the "
            "data to a file first"
        )
    return st


# ------------------------------------------------------------------------ line bound
#: environment variable: the longest line (or record, or token) wordspace reads from a text
#: file, in bytes (0: no limit)
MAX_LINE_ENV = "WORDSPACE_MAX_LINE"
#: the default bound on one line of a text file: 64 MiB (a vector of a million dimensions at
#: 60 bytes a number fits; no word list, pair, analogy or table row comes near it)
MAX_LINE_BYTES = 64 << 20
_LINE_BLOCK = 4 << 20


def max_line_bytes() -> int | None:
    """The longest line wordspace reads from a text file: ``WORDSPACE_MAX_LINE`` (bytes; 0
    for no limit) when set, else :data:`MAX_LINE_BYTES`. None: no limit."""
    text = os.environ.get(MAX_LINE_ENV, "").strip()
    if not text:
        return MAX_LINE_BYTES
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ParameterError(
            f"{MAX_LINE_ENV} must be a number of bytes >= 0 (0: no limit), got {text!r}"
        )
    return value or None


def line_too_long(
    path: str | os.PathLike[str],
    where: str,
    limit: int,
    *,
    error: type[WordspaceError] = FormatError,
    what: str = "line",
    why: str = "a file without line breaks, or not the kind of file expected",
) -> WordspaceError:
    """The error for a line (or record, token) over the bound: names the file, the place
    (``where``: ``"line 3"``, ``"byte offset 1,024"``) and how to raise the bound."""
    return error(
        f"{os.fspath(path)}: {where}: the {what} is longer than {limit:,} bytes, the bound on "
        f"one {what} read from a text file ({why}); if the file is genuine, set "
        f"{MAX_LINE_ENV}=BYTES (0: no limit) to read it"
    )


def read_line(f: IO[bytes], limit: int | None) -> bytes | None:
    """The next line of ``f`` (with its newline; ``b""`` at the end), or None when it is
    longer than ``limit`` bytes before its newline: then at most about ``limit`` bytes were
    held (read in pieces into one growing buffer, not joined at the end)."""
    if limit is None:
        return f.readline()
    piece = min(limit + 1, _LINE_BLOCK)
    line = f.readline(piece)
    if len(line) < piece or line.endswith(b"\n"):
        return line if len(line) <= limit or line.endswith(b"\n") else None
    buf = bytearray(line)
    while not buf.endswith(b"\n"):
        more = f.readline(min(piece, limit + 2 - len(buf)))
        if not more:
            break
        buf += more
        if len(buf) > limit and not buf.endswith(b"\n"):
            return None
    if len(buf) > limit + 1 or (len(buf) > limit and not buf.endswith(b"\n")):
        return None
    return bytes(buf)


def bounded_lines(
    f: IO[bytes],
    path: str | os.PathLike[str],
    *,
    error: type[WordspaceError] = FormatError,
    start: int = 1,
) -> Iterator[bytes]:
    """The lines of the binary stream ``f`` (each with its newline), as iterating it gives
    them, but refusing (``error``, see :func:`line_too_long`) a line longer than
    :func:`max_line_bytes` before more than that is held in memory. ``start``: the number of
    the first line, for the message."""
    limit = max_line_bytes()
    if limit is None:
        yield from f
        return
    lineno = start
    while True:
        line = read_line(f, limit)  # the bound is on what precedes "\n"
        if line is None:
            raise line_too_long(path, f"line {lineno:,}", limit, error=error)
        if not line:
            return
        yield line
        lineno += 1


def read_bounded(
    f: IO[bytes],
    path: str | os.PathLike[str],
    *,
    error: type[WordspaceError] = FormatError,
    start: int = 1,
) -> bytes:
    """The rest of the binary stream ``f``, as ``f.read()`` gives it, but refusing
    (``error``) a line longer than :func:`max_line_bytes` as soon as one is read: memory
    never holds more than the lines before it plus the bound. ``start``: the number of the
    first line, for the message."""
    limit = max_line_bytes()
    if limit is None:
        return f.read()
    block_size = min(_LINE_BLOCK, limit)  # a line inside one block is never over the limit
    blocks: list[bytes] = []
    run = 0  # bytes of the line now being read
    while True:
        block = f.read(block_size)
        if not block:
            return b"".join(blocks)
        nl = block.find(b"\n")
        if (run + len(block) if nl < 0 else run + nl) > limit:
            lineno = start + sum(b.count(b"\n") for b in blocks)
            raise line_too_long(path, f"line {lineno:,}", limit, error=error)
        run = run + len(block) if nl < 0 else len(block) - block.rfind(b"\n") - 1
        blocks.append(block)


def check_line_lengths(
    path: str | os.PathLike[str], *, error: type[WordspaceError] = FormatError
) -> None:
    """Read the file ``path`` (decompressed, as :func:`open_binary` does) in blocks and refuse
    (``error``) a line longer than :func:`max_line_bytes`, in bounded memory: for readers that
    hand the whole file to another library (pandas)."""
    limit = max_line_bytes()
    if limit is None:
        return
    with open_binary(path, error=error) as f:
        lines = 0  # newlines before the current block
        run = 0  # bytes of the line now being read
        while True:
            block = f.read(min(_LINE_BLOCK, limit))  # a line inside one block is short enough
            if not block:
                return
            nl = block.find(b"\n")
            if (run + len(block) if nl < 0 else run + nl) > limit:
                raise line_too_long(path, f"line {lines + 1:,}", limit, error=error)
            run = run + len(block) if nl < 0 else len(block) - block.rfind(b"\n") - 1
            lines += block.count(b"\n")


class _Guarded(io.RawIOBase):
    """A decompressing stream whose errors become the caller's typed error with the path."""

    def __init__(
        self,
        raw: io.BufferedIOBase,
        path: Path | str,
        kind: str,
        error: type[WordspaceError],
        limit: int | None = None,
        size: int = 0,
        owner: IO[bytes] | None = None,
    ):
        super().__init__()
        self._owner = owner  # the compressed stream ``raw`` reads, closed with it
        self._raw = raw
        self._path = path
        self._kind = kind
        self._error = error
        self._limit = limit
        self._size = size
        self._out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        try:
            n = self._raw.readinto(b)
            self._out += n
            if self._limit is not None and self._out > self._limit:
                raise self._error(
                    f"{self._path} decompresses to more than {self._limit:,} bytes (over "
                    f"{self._limit // max(self._size, 1):,} times its {self._size:,} "
                    "compressed bytes); refusing a possible decompression bomb: if the file "
                    f"is genuine, set {MAX_DECOMPRESSED_ENV}=BYTES (0: no limit) to read it"
                )
            return n
        except _DECOMPRESSION_ERRORS as e:
            if isinstance(e, EOFError):
                why = "the compressed data ends before its end marker"
            else:
                why = f"{type(e).__name__}: {e}"
            raise self._error(
                f"{self._path} is a truncated or corrupt {_NAMES[self._kind]} file ({why}); "
                "re-download or re-compress it"
            ) from None

    def close(self) -> None:
        try:
            self._raw.close()
            if self._owner is not None:
                self._owner.close()
        finally:
            super().close()


def open_binary(
    path: str | os.PathLike[str], *, error: type[WordspaceError] = FormatError
) -> IO[bytes]:
    """Open a file for reading bytes, decompressing .gz/.bz2/.xz transparently.

    Compression is detected by the magic bytes; a name ending in ``.gz``/``.bz2``/``.xz``
    whose content is not such data raises ``error`` (FormatError by default; the corpus
    reader passes CorpusError), as does a truncated or corrupt compressed stream while
    reading. A missing file raises :class:`FileNotFoundError`.
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    if p.is_dir():
        raise error(f"{p} is a folder; give a file")
    st = check_regular(p, error=error)
    kind = compression_of(p)
    named = _SUFFIX.get(p.suffix.lower())
    if named is not None and kind != named:
        raise error(
            f"{p} is named {p.suffix} but is not {_NAMES[named]}-compressed (it does not start "
            f"with the {_NAMES[named]} signature); rename it to match its content or "
            "re-compress it"
        )
    if kind is None:
        return open(p, "rb")
    raw: io.BufferedIOBase
    if kind == "gz":
        raw = gzip.open(p, "rb")
    elif kind == "bz2":
        raw = bz2.open(p, "rb")
    else:
        raw = lzma.open(p, "rb")
    limit = decompression_limit(st.st_size)
    return io.BufferedReader(_Guarded(raw, p, kind, error, limit, st.st_size), buffer_size=1 << 16)


def open_decompressed(
    fh: IO[bytes], name: str, kind: str | None, size: int, *, error: type[WordspaceError]
) -> IO[bytes]:
    """``fh`` (an open stream of ``size`` compressed bytes of ``kind``: ``"gz"``, ``"bz2"``,
    ``"xz"``; ``None``: plain) decompressed as :func:`open_binary` does: bounded by
    :func:`decompression_limit`, errors as ``error`` naming ``name``; closing it closes
    ``fh``. For streams that are not local files (fsspec URLs)."""
    if kind is None:
        return fh
    raw: io.BufferedIOBase
    if kind == "gz":
        raw = gzip.GzipFile(fileobj=fh, mode="rb")
    elif kind == "bz2":
        raw = bz2.BZ2File(fh, "rb")
    else:
        raw = lzma.LZMAFile(fh, "rb")
    guarded = _Guarded(raw, name, kind, error, decompression_limit(size), size, owner=fh)
    return io.BufferedReader(guarded, buffer_size=1 << 16)


def kind_of_suffix(name: str) -> str | None:
    """``"gz"``, ``"bz2"``, ``"xz"`` from a file name's suffix, or None."""
    return _SUFFIX.get(Path(name).suffix.lower())


def open_write(path: str | os.PathLike[str], named: str | os.PathLike[str]) -> io.BufferedIOBase:
    """Open ``path`` for writing bytes, compressed according to the suffix of ``named``."""
    kind = _SUFFIX.get(Path(named).suffix.lower())
    if kind == "gz":
        return gzip.open(path, "wb")
    if kind == "bz2":
        return bz2.open(path, "wb")
    if kind == "xz":
        return lzma.open(path, "wb")
    return open(path, "wb")


# ---------------------------------------------------------------------------- modes
_umask_lock = threading.Lock()


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _file_mode(target: Path) -> int:
    """The mode ``open(target, "w")`` would leave: the existing file's, else 0o666 & ~umask."""
    try:
        st = os.stat(target)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    except OSError:
        pass
    return 0o666 & ~_umask()


# ------------------------------------------------------------------------ output checks
def is_model_dir(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder holding a wordspace model (its meta.json says so)."""
    d = Path(path)
    for meta in (d / COMMIT_DIR / "meta.json", d / "meta.json"):
        try:
            st = os.stat(meta)
            if not stat.S_ISREG(st.st_mode) or st.st_size > _META_PROBE_LIMIT:
                continue
            doc = json.loads(meta.read_bytes().decode("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and doc.get("format") == _NATIVE_FORMAT:
            return True
    return False


def model_dir_files(path: str | os.PathLike[str]) -> set[str]:
    """The names of the files a model folder consists of (meta.json and its arrays)."""
    d = Path(path)
    names = {"meta.json"}
    for meta in (d / "meta.json", d / COMMIT_DIR / "meta.json"):
        try:
            doc = json.loads(meta.read_bytes().decode("utf-8"))
        except (OSError, ValueError):
            continue
        arrays = doc.get("arrays") if isinstance(doc, dict) else None
        if isinstance(arrays, list):
            names.update(f"{a}.npy" for a in arrays if isinstance(a, str) and _plain_name(a))
    return names


def _plain_name(name: str) -> bool:
    return name.isascii() and name.isidentifier()


_LAYOUTS = (None, "file", "zip", "dir")


def check_output(path: str | os.PathLike[str], *, layout: str | None = None) -> Path:
    """Check that wordspace may write an output at ``path``; return the path to write.

    ``layout``: ``"file"`` (or ``"zip"``) for an output that is one file, ``"dir"`` for a
    directory-layout model, None for a native model whose layout follows the path (a folder
    if ``path`` is an existing folder, else a file). Allowed: a new path (its folder must be
    creatable and writable), an existing regular file for a file output (replaced
    atomically), an empty folder or a folder holding a wordspace model for a ``"dir"``/None
    output. Raises :class:`OutputPathError` naming the path and what to do otherwise; nothing
    is written or deleted. A symbolic link is followed: the file it points to is replaced
    and the link kept. Call it before long work to fail fast.
    """
    if layout not in _LAYOUTS:
        raise ParameterError(f"layout must be 'file', 'zip' or 'dir', got {layout!r}")
    if os.fspath(path) == "":
        raise OutputPathError("the output path is empty; give a file name")
    given = Path(path)
    real = Path(os.path.realpath(given))
    try:
        st = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    except OSError as e:
        raise OutputPathError(f"{given}: cannot inspect the output path ({e.strerror})") from None
    if st is None:
        anc = real.parent
        while not anc.exists() and anc != anc.parent:
            anc = anc.parent
        if not anc.is_dir():
            raise OutputPathError(
                f"{given}: {anc} is a file, not a folder, so nothing can be written under it; "
                "choose another output path"
            )
        _check_writable(anc, given)
        return real
    if stat.S_ISDIR(st.st_mode):
        if layout in ("file", "zip"):
            raise OutputPathError(
                f"{given} is a folder; this output is a single file and wordspace never "
                f"replaces a folder: give a file name, e.g. {given / 'model.wsv'}"
            )
        if any(real.iterdir()) and not is_model_dir(real):
            raise OutputPathError(
                f"{given} is a folder that does not hold a wordspace model (no wordspace "
                "meta.json); wordspace will not write into it: give a new path, e.g. "
                f"{given / 'model.wsv'}"
            )
        _check_writable(real, given)
        return real
    if stat.S_ISREG(st.st_mode):
        if layout == "dir":
            raise OutputPathError(
                f"{given} is an existing file; a directory-layout model would replace it with "
                "a folder: remove it yourself or choose another path"
            )
        _check_writable(real.parent, given)
        return real
    raise OutputPathError(
        f"{given} exists and is not a regular file (a device, pipe or socket); wordspace "
        "writes only regular files: choose another output path"
    )


def _real(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.realpath(os.path.abspath(os.fspath(path))))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def is_same_or_inside(output: str | os.PathLike[str], source: str | os.PathLike[str]) -> bool:
    """Whether writing ``output`` could replace ``source``: the same path once resolved
    (symbolic links followed), the same file under another name (a hard link), ``output``
    inside the folder ``source``, or ``source`` inside the existing folder ``output``."""
    out, src = _real(output), _real(source)
    if out == src or _same_file(out, src):
        return True
    if src.is_dir() and src in out.parents:
        return True
    return out.is_dir() and out in src.parents


def check_not_input(
    output: str | os.PathLike[str] | None,
    inputs: Any,
    *,
    option: str = "the output",
) -> None:
    """Refuse (:class:`OutputPathError`) an output path that is one of the inputs (see
    :func:`is_same_or_inside`), before anything is written. ``inputs``: ``{label: path}``
    (a None path is skipped)."""
    if output is None:
        return
    for label, source in dict(inputs).items():
        if source is None or os.fspath(source) == "":
            continue
        if is_same_or_inside(output, source):
            raise OutputPathError(
                f"{option} {os.fspath(output)!r} is the input {label} {os.fspath(source)!r} "
                "(the same file once links are followed, or inside it); wordspace never "
                "overwrites an input: give another output path"
            )


def _check_writable(folder: Path, given: Path) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputPathError(
            f"{given}: cannot write in the folder {folder} (permission denied); choose "
            "another output path"
        )


# ------------------------------------------------------------------------ atomic writes
@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary file path beside ``target``; on success rename it over ``target``.

    ``target`` is checked with :func:`check_output` first (a folder or a special file is
    never replaced). On an exception the temporary file is removed and the previous
    ``target`` is untouched. The file gets the mode ``open()`` would give it.
    """
    real = check_output(target, layout="file")
    parent = real.parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(real)
    fd, name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=parent)
    _lock(fd)  # held until the rename: a later save knows this one is alive
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _file_mode(real))
        check_output(real, layout="file")  # still a file (or nothing) before replacing
        os.replace(tmp, real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


#: how long a temporary file of a save may stay when its liveness cannot be tested (no flock)
_STALE_AGE = 24 * 3600.0


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: stale files are judged by age
        return
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _abandoned(path: Path) -> bool:
    """Whether the temporary ``path`` belongs to no live save: nobody holds its lock (a
    save holds it until its rename; ``kill -9`` releases it)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        import time

        try:
            return time.time() - os.lstat(path).st_mtime > _STALE_AGE
        except OSError:
            return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def remove_stale_temporaries(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporaries (``.NAME.xxxxxxxx.tmp``, file or staged folder) that an
    interrupted save of ``target`` left in ``target``'s folder, and only those: the name
    must be the one :func:`atomic_path`/:func:`atomic_model_dir` give, the entry must not be
    a symbolic link, and no live save may hold it. Returns what was removed."""
    real = _real(target)
    pattern = re.compile(r"\." + re.escape(real.name) + r"\.[A-Za-z0-9_]{8}\.tmp")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(real.parent))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name) or entry.is_symlink():
            continue
        path = Path(entry.path)
        if not _abandoned(path):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            elif entry.is_file(follow_symlinks=False):
                path.unlink()
            else:
                continue
        except OSError:
            continue
        removed.append(path)
    return removed


@contextlib.contextmanager
def atomic_model_dir(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield an empty folder to write a directory-layout model in; on success it becomes
    ``target`` atomically (see the module docstring). The folder must end up holding
    ``meta.json`` (listing its arrays) and one ``NAME.npy`` per array, nothing else.

    ``target`` must be new, an empty folder, or a folder holding a wordspace model; in the
    last case only the model's own files are replaced, any other file stays untouched.
    """
    real = check_output(target, layout="dir")
    real.parent.mkdir(parents=True, exist_ok=True)
    dir_mode = 0o777 & ~_umask()
    if real.is_dir() and any(real.iterdir()):
        finish_commit(real)
        _remove_stale_staging(real)
        stage = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=real))
        try:
            yield stage
            _check_staged(stage)
            os.rename(stage, real / COMMIT_DIR)  # the commit point
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        finish_commit(real)
        return
    remove_stale_temporaries(real)
    stage = Path(tempfile.mkdtemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent))
    stage_fd = os.open(stage, os.O_RDONLY)
    _lock(stage_fd)  # held until the rename, as atomic_path's
    try:
        yield stage
        _check_staged(stage)
        os.chmod(stage, dir_mode)
        try:
            os.rename(stage, real)  # onto nothing or an empty folder: atomic
        except OSError:
            raise OutputPathError(
                f"{target} appeared while the model was being written and is not empty; "
                "nothing was replaced: save again or choose another path"
            ) from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    finally:
        os.close(stage_fd)


def _check_staged(stage: Path) -> None:
    if not (stage / "meta.json").is_file():
        raise FormatError(f"internal: the staged model {stage} has no meta.json")


def _remove_stale_staging(model: Path) -> None:
    """Remove staging folders left by a save that was killed before its commit point."""
    for child in model.iterdir():
        if child.name.startswith(_STAGING_PREFIX) and child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)


def _meta_arrays(meta_path: Path) -> list[str]:
    try:
        doc: Any = json.loads(meta_path.read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return []
    arrays = doc.get("arrays") if isinstance(doc, dict) else None
    if not isinstance(arrays, list):
        return []
    return [a for a in arrays if isinstance(a, str) and _plain_name(a)]


def finish_commit(model: Path) -> None:
    """Finish moving a committed new model into its folder (idempotent, crash-safe).

    Arrays first, then the old model's arrays that the new one lacks are removed, then
    ``meta.json``, then the empty commit folder.
    """
    commit = model / COMMIT_DIR
    if not commit.is_dir() or commit.is_symlink():
        return
    new_meta = commit / "meta.json"
    if new_meta.is_file():
        new_arrays = set(_meta_arrays(new_meta))
        for name in sorted(new_arrays):
            src = commit / f"{name}.npy"
            if src.is_file():
                os.replace(src, model / f"{name}.npy")
        for name in _meta_arrays(model / "meta.json"):
            if name not in new_arrays:
                (model / f"{name}.npy").unlink(missing_ok=True)
        os.replace(new_meta, model / "meta.json")
    for child in commit.iterdir():  # nothing else is ever staged; be safe anyway
        if child.is_file() and child.suffix == ".npy":
            child.unlink()
    with contextlib.suppress(OSError):
        commit.rmdir()


# --------------------------------------------------------------------------- digests
def file_hash(path: str | os.PathLike[str], algorithm: str = "sha256") -> Any:
    """The one file digest: the ``algorithm`` hash (``"sha256"``, ``"md5"``, ...) of a file's
    bytes, read in blocks, as a ``hashlib`` object (``.hexdigest()``; ``.update()`` goes on,
    as a resumed download does)."""
    import hashlib

    with open(path, "rb") as f:
        return hashlib.file_digest(f, algorithm)


# ------------------------------------------------------------------------ spill files
def spill_folder(tmp_dir: str | os.PathLike[str] | None = None) -> str:
    """Where data spilled to disk goes: ``tmp_dir``, else ``$WORDSPACE_TMP``, else the
    system's temporary folder (``TMPDIR``)."""
    if tmp_dir is not None:
        return os.fspath(tmp_dir)
    return os.environ.get("WORDSPACE_TMP") or tempfile.gettempdir()


def _remove_spill(path: str) -> None:  # pragma: no cover - systems that cannot unlink
    with contextlib.suppress(OSError):
        os.remove(path)


class SpillFile:
    """The one spill file: an anonymous temporary file in :func:`spill_folder` that arrays are
    appended to and then read back in order (:meth:`read`) or mapped whole (:meth:`map`).

    Its name is unlinked as soon as it is made (the data lives while the handle or a mapping
    does), so nothing is left on disk whatever happens to the process; where the system
    refuses that, the file is deleted when this object is collected. The corpus's id arrays
    (out of core) and GloVe's co-occurrence matrix (while its records train) use it.
    """

    def __init__(
        self,
        prefix: str = "wordspace-",
        suffix: str = "",
        tmp_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        import weakref

        fd, path = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=spill_folder(tmp_dir))
        self._fh = os.fdopen(fd, "w+b")
        self.nbytes = 0
        try:
            os.unlink(path)
        except OSError:  # pragma: no cover - systems that cannot unlink an open file
            weakref.finalize(self, _remove_spill, path)

    def write(self, a: Any) -> None:
        """Append the bytes of the contiguous array ``a``."""
        import numpy as np

        b = np.ascontiguousarray(a)
        self._fh.write(b.data.cast("B"))
        self.nbytes += int(b.nbytes)

    def rewind(self) -> None:
        """Make what was written readable from its start."""
        self._fh.flush()
        self._fh.seek(0)

    def read(self, dtype: Any, count: int) -> Any:
        """The next ``count`` items of ``dtype``: fewer when the file ends first (the caller
        says what that means: a full disk, a file changed under us)."""
        import numpy as np

        out = np.empty(int(count), dtype=dtype)
        got = self._fh.readinto(out.data.cast("B")) or 0
        return out[: got // out.itemsize]

    def map(self) -> Any:  # an mmap.mmap
        """The whole file as a copy-on-write mapping (writable, never written back); the file
        goes with the last reference to it. The handle is closed."""
        import mmap

        self._fh.flush()
        mm = mmap.mmap(self._fh.fileno(), self.nbytes, access=mmap.ACCESS_COPY)
        self.close()
        return mm

    def seek_end(self) -> None:
        """Go on appending after reading."""
        self._fh.seek(0, os.SEEK_END)

    def close(self) -> None:
        self._fh.close()
