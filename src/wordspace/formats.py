"""Reading and writing word vectors.

Exchange formats: word2vec text (``"N D"`` header line), word2vec binary (as written by the
original C tool and gensim), GloVe text (no header), fastText ``.vec`` (word2vec text). Any of
them may be compressed (.gz, .bz2, .xz: chosen by the file name when writing, detected by magic
bytes when reading).

The native format (``.wsv``) is a zip archive (stored, uncompressed, so arrays can be
memory-mapped in place) or a directory, holding ``meta.json`` and one ``.npy`` file per array.
No pickle anywhere: arrays load with ``allow_pickle=False``. Every save is atomic: written to a
temporary name beside the target, then renamed over it.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import logging
import lzma
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np

from .errors import FormatError, ParameterError
from .vectors import WordVectors

__all__ = [
    "detect_format",
    "load_word2vec_format",
    "save_word2vec_format",
    "save_native",
    "load_native",
    "write_native",
    "read_native",
    "open_binary",
    "atomic_path",
]

logger = logging.getLogger(__name__)

NATIVE_FORMAT = "wordspace"
NATIVE_VERSION = 1
_MAGIC = {b"\x1f\x8b": "gz", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz"}


# ----------------------------------------------------------------------------- files
def _compression_of(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            head = f.read(6)
    except IsADirectoryError:
        return None
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    return None


def open_binary(path: str | os.PathLike) -> IO[bytes]:
    """Open a file for reading bytes, decompressing .gz/.bz2/.xz transparently."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    kind = _compression_of(p)
    if kind == "gz":
        return gzip.open(p, "rb")
    if kind == "bz2":
        return bz2.open(p, "rb")
    if kind == "xz":
        return lzma.open(p, "rb")
    return open(p, "rb")


def _open_write(path: Path, named: Path) -> IO[bytes]:
    """Open ``path`` for writing, compressed according to the suffix of ``named``."""
    suffix = named.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "wb")
    if suffix == ".bz2":
        return bz2.open(path, "wb")
    if suffix == ".xz":
        return lzma.open(path, "wb")
    return open(path, "wb")


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, *, directory: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success rename it over ``target``.

    On an exception the temporary file is removed and the previous ``target`` is untouched.
    For directories the old one is moved aside, the new one renamed in, then the old removed.
    """
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    if directory:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    else:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
        os.close(fd)
        tmp = Path(name)
    try:
        yield tmp
        if directory:
            old = None
            if target.exists() or target.is_symlink():
                old = parent / f".{target.name}.old-{os.getpid()}"
                os.replace(target, old)
            os.replace(tmp, target)
            if old is not None:
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    old.unlink(missing_ok=True)
        else:
            if target.is_dir():
                raise FormatError(f"{target} is a directory; remove it or save elsewhere")
            os.replace(tmp, target)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------- detection
def _is_int(b: bytes) -> bool:
    try:
        int(b)
        return True
    except ValueError:
        return False


def _parse_header(line: bytes) -> tuple[int, int] | None:
    parts = line.split()
    if len(parts) == 2 and _is_int(parts[0]) and _is_int(parts[1]):
        return int(parts[0]), int(parts[1])
    return None


def detect_format(path: str | os.PathLike) -> str:
    """One of ``"native"``, ``"word2vec-binary"``, ``"word2vec-text"``, ``"fasttext-vec"``,
    ``"glove-text"``, judged from the file's content (the extension only names .vec files)."""
    p = Path(path)
    if p.is_dir():
        if (p / "meta.json").exists():
            return "native"
        raise FormatError(f"{p} is a directory without meta.json: not a wordspace model")
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    if zipfile.is_zipfile(p):
        return "native"
    with open_binary(p) as f:
        first = f.readline(1 << 16)
        rest = f.read(4096)
    if not first:
        raise FormatError(f"{p} is empty")
    header = _parse_header(first)
    if header is None:
        return "glove-text"
    _, dim = header
    line = rest.split(b"\n", 1)[0]
    parts = line.split()
    if len(parts) >= dim + 1 and _all_floats(parts[-dim:]):
        name = p.name.lower()
        for comp in (".gz", ".bz2", ".xz"):
            name = name.removesuffix(comp)
        return "fasttext-vec" if name.endswith(".vec") else "word2vec-text"
    return "word2vec-binary"


def _all_floats(parts: list[bytes]) -> bool:
    try:
        for x in parts:
            float(x)
        return True
    except ValueError:
        return False


# ------------------------------------------------------------------ reading text
def load_word2vec_format(
    path: str | os.PathLike,
    *,
    binary: bool | None = None,
    no_header: bool | None = None,
    limit: int | None = None,
    unicode_errors: str = "strict",
) -> WordVectors:
    """Read a word2vec text/binary, GloVe text or fastText ``.vec`` file.

    ``binary`` and ``no_header`` are detected from the content when None. ``limit`` reads only
    the first N words. ``unicode_errors`` is the policy for words that are not valid UTF-8
    (``"strict"`` raises :class:`FormatError` naming the word; ``"replace"`` or ``"ignore"``
    decode them anyway, as gensim's option of the same name).
    """
    p = Path(path)
    if limit is not None and limit < 0:
        raise ParameterError(f"limit must be >= 0, got {limit}")
    if binary is None or no_header is None:
        fmt = detect_format(p)
        if fmt == "native":
            raise FormatError(f"{p} is a native wordspace model: use wordspace.load()")
        if binary is None:
            binary = fmt == "word2vec-binary"
        if no_header is None:
            no_header = fmt == "glove-text"
    if binary and no_header:
        raise ParameterError("binary files always have a header; no_header=True is for GloVe text")
    with open_binary(p) as f:
        if binary:
            keys, vecs = _read_binary(f, p, limit, unicode_errors)
        else:
            keys, vecs = _read_text(f, p, limit, unicode_errors, no_header=bool(no_header))
    if len(set(keys)) != len(keys):
        seen: dict[str, int] = {}
        first_line = 1 if no_header else 2
        for i, k in enumerate(keys):
            if k in seen:
                where = (f"records {seen[k] + 1} and {i + 1}" if binary else
                         f"lines {seen[k] + first_line} and {i + first_line}")
                raise FormatError(f"{p}: duplicate word {k!r} at {where}; words must be unique")
            seen[k] = i
    fmt_name = "word2vec-binary" if binary else ("glove-text" if no_header else "word2vec-text")
    return WordVectors(keys, vecs, meta={"source": str(p), "source_format": fmt_name})


def _decode(word: bytes, unicode_errors: str, where: str) -> str:
    try:
        return word.decode("utf-8", errors=unicode_errors)
    except UnicodeDecodeError as e:
        raise FormatError(
            f"{where}: word {word!r} is not valid UTF-8 ({e.reason} at byte {e.start}); "
            "pass unicode_errors='replace' (or 'ignore') to load it anyway"
        ) from None


def _read_text(
    f: IO[bytes], path: Path, limit: int | None, unicode_errors: str, *, no_header: bool
) -> tuple[list[str], np.ndarray]:
    first = f.readline()
    if not first.strip():
        raise FormatError(f"{path} is empty (no header or vectors)")
    lineno0 = 1
    expected_n: int | None = None
    if no_header:
        # GloVe: the first line is already a vector; its width gives the dimension.
        parts = first.split()
        dim = len(parts) - 1
        while dim > 0 and not _all_floats(parts[-dim:]):
            dim -= 1
        if dim <= 0:
            raise FormatError(f"{path}:1: no numbers after the word; is this a vector file?")
        lines: Iterator[bytes] = _chain_first(first, f)
    else:
        header = _parse_header(first)
        if header is None:
            raise FormatError(
                f"{path}:1: expected a header 'N D' (word count, dimension), got "
                f"{first[:60]!r}; for GloVe files without a header pass no_header=True"
            )
        expected_n, dim = header
        if dim <= 0 or expected_n < 0:
            raise FormatError(f"{path}:1: invalid header {first.strip()!r}")
        lineno0 = 2
        lines = f
    want = expected_n if limit is None else (limit if expected_n is None else min(limit, expected_n))
    if limit is not None:
        data = b"".join(islice(lines, limit))
    elif no_header:
        data = first + f.read()
    else:
        data = f.read()
    buf = np.frombuffer(data, dtype=np.uint8)
    cap = want if want is not None else data.count(b"\n") + 1
    keys, vecs = _parse_block(buf, data, dim, cap, path, lineno0, unicode_errors)
    n = len(keys)
    if expected_n is not None and n < (want or 0):
        raise FormatError(
            f"{path}: the header says {expected_n:,} words but the file ends after "
            f"{n:,} (line {lineno0 + n - 1}); the file is truncated or the header is wrong"
        )
    return keys, vecs


def _parse_block(
    buf: np.ndarray, data: bytes, dim: int, cap: int, path: Path, lineno0: int,
    unicode_errors: str,
) -> tuple[list[str], np.ndarray]:
    from .kernels import parse as K

    out = np.empty((cap, dim), dtype=np.float32)
    ws_ = np.empty(cap, dtype=np.int64)
    we_ = np.empty(cap, dtype=np.int64)
    n, err, errline, pos = K.parse_vector_lines(buf, 0, dim, cap, out, ws_, we_, K._POW10)
    lineno = lineno0 + errline
    if err != K.OK:
        eol = data.find(b"\n", pos)
        line = data[pos : eol if eol >= 0 else len(data)].rstrip()
        if err == K.ERR_EMPTY:
            raise FormatError(f"{path}:{lineno}: empty line where a vector was expected")
        if err == K.ERR_TOO_MANY:
            raise FormatError(
                f"{path}:{lineno}: more than {dim} numbers after the word; rows must all "
                f"have {dim} numbers"
            )
        _split_slow(line, dim, path, lineno)  # raises the precise message
        raise FormatError(f"{path}:{lineno}: malformed line {line[:60]!r}")
    if cap is not None and n == cap and data[pos:].strip():
        raise FormatError(
            f"{path}: the header says {cap:,} words but the file has more lines; fix the header"
        )
    keys = [
        _decode(data[s:e], unicode_errors, f"{path}:{lineno0 + i}")
        for i, (s, e) in enumerate(zip(ws_[:n].tolist(), we_[:n].tolist(), strict=True))
    ]
    return keys, out[:n]


def _chain_first(first: bytes, rest: IO[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _split_slow(line: bytes, dim: int, path: Path, lineno: int) -> tuple[bytes, bytes]:
    """Split a line whose word may contain spaces: the last ``dim`` fields are the numbers."""
    parts = line.rsplit(None, dim)
    if len(parts) != dim + 1:
        raise FormatError(
            f"{path}:{lineno}: expected a word and {dim} numbers, found {len(parts) - 1} "
            f"fields after the word; the file is truncated or has rows of the wrong width"
        )
    if not _all_floats(parts[1:]):
        # maybe a multi-word key followed by too few numbers
        bad = next(x for x in parts[1:] if not _is_float(x))
        raise FormatError(
            f"{path}:{lineno}: {bad[:30]!r} is not a number (expected {dim} numbers per row)"
        )
    return parts[0].strip(), b" ".join(parts[1:])


def _is_float(x: bytes) -> bool:
    try:
        float(x)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------- reading binary
def _read_binary(
    f: IO[bytes], path: Path, limit: int | None, unicode_errors: str
) -> tuple[list[str], np.ndarray]:
    first = f.readline()
    header = _parse_header(first)
    if header is None:
        raise FormatError(f"{path}: expected a header 'N D' on the first line, got {first[:60]!r}")
    n, dim = header
    if limit is not None:
        n = min(n, limit)
    data = f.read()
    keys: list[str] = []
    vecs = np.empty((n, dim), dtype=np.float32)
    rowbytes = 4 * dim
    pos = 0
    size = len(data)
    header_len = len(first)
    for i in range(n):
        while pos < size and data[pos] in (0x0A, 0x0D, 0x20):  # separators between records
            pos += 1
        sp = data.find(b" ", pos)
        if sp < 0 or pos >= size:
            raise FormatError(
                f"{path}: truncated: the header says {header[0]:,} words but the data ends at "
                f"word {i + 1:,} (byte {header_len + pos:,})"
            )
        word = data[pos:sp]
        start = sp + 1
        if start + rowbytes > size:
            raise FormatError(
                f"{path}: truncated in the vector of word {i + 1:,} ({word[:40]!r}): "
                f"{size - start} of {rowbytes} bytes present"
            )
        keys.append(_decode(word, unicode_errors, f"{path}: word {i + 1:,} at byte {header_len + pos:,}"))
        vecs[i] = np.frombuffer(data, dtype="<f4", count=dim, offset=start)
        pos = start + rowbytes
    return keys, vecs


# ----------------------------------------------------------------------- writing
def save_word2vec_format(
    wv: WordVectors,
    path: str | os.PathLike,
    *,
    binary: bool = False,
    write_header: bool = True,
    precision: int = 8,
    limit: int | None = None,
) -> None:
    """Write word2vec text (header ``"N D"``), word2vec binary, or GloVe text
    (``write_header=False``). Compressed when the name ends in .gz/.bz2/.xz. Atomic."""
    if binary and not write_header:
        raise ParameterError("the binary format always has a header")
    n = len(wv) if limit is None else min(limit, len(wv))
    vecs = np.asarray(wv.vectors[:n], dtype="<f4")
    keys = wv.index_to_key[:n]
    for k in keys:
        if not k or any(c in k for c in " \n\t\r"):
            if binary or not k:
                raise FormatError(
                    f"word {k!r} contains whitespace (or is empty) and cannot be written "
                    "to the word2vec format unambiguously"
                )
    target = Path(path)
    with atomic_path(target) as tmp:
        with _open_write(tmp, target) as out:
            if write_header:
                out.write(f"{n} {wv.vector_size}\n".encode())
            step = 10_000
            fmt = f"%.{precision}g"
            for s in range(0, n, step):
                block = vecs[s : s + step]
                if binary:
                    parts = []
                    for k, row in zip(keys[s : s + step], block, strict=True):
                        parts.append(k.encode("utf-8") + b" " + row.tobytes() + b"\n")
                    out.write(b"".join(parts))
                else:
                    buf = io.StringIO()
                    np.savetxt(buf, block, fmt=fmt, delimiter=" ")
                    rows = buf.getvalue().split("\n")
                    text = "".join(
                        f"{k} {r}\n" for k, r in zip(keys[s : s + step], rows, strict=False)
                    )
                    out.write(text.encode("utf-8"))
            out.flush()


# ------------------------------------------------------------------------ native
def write_native(
    path: str | os.PathLike,
    arrays: Mapping[str, np.ndarray],
    meta: Mapping[str, Any],
    *,
    layout: str | None = None,
) -> None:
    """Write arrays (``name -> ndarray``) and JSON metadata as a native model, atomically.

    ``layout``: ``"zip"`` (one stored zip file; the default) or ``"dir"`` (a directory;
    the default when ``path`` is an existing directory).
    """
    target = Path(path)
    if layout is None:
        layout = "dir" if target.is_dir() else "zip"
    if layout not in ("zip", "dir"):
        raise ParameterError(f"layout must be 'zip' or 'dir', got {layout!r}")
    for name, arr in arrays.items():
        if not name.isidentifier():
            raise ParameterError(f"array name {name!r} must be an identifier")
        if np.asarray(arr).dtype == object:
            raise ParameterError(f"array {name!r} has dtype object; only numeric arrays are saved")
    full_meta = {
        "format": NATIVE_FORMAT,
        "format_version": NATIVE_VERSION,
        **meta,
        "arrays": sorted(arrays),
    }
    meta_bytes = json.dumps(full_meta, ensure_ascii=False).encode("utf-8")
    if layout == "dir":
        with atomic_path(target, directory=True) as tmp:
            for name, arr in arrays.items():
                np.save(tmp / f"{name}.npy", np.asarray(arr), allow_pickle=False)
            (tmp / "meta.json").write_bytes(meta_bytes)
    else:
        with atomic_path(target) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
                z.writestr("meta.json", meta_bytes)
                for name, arr in arrays.items():
                    with z.open(f"{name}.npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, np.asarray(arr), allow_pickle=False)


def read_native(
    path: str | os.PathLike, *, mmap: bool = False
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read a native model: ``(arrays, meta)``. ``mmap=True`` maps arrays read-only."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file or directory")
    arrays: dict[str, np.ndarray] = {}
    if p.is_dir():
        try:
            meta = json.loads((p / "meta.json").read_text("utf-8"))
        except FileNotFoundError:
            raise FormatError(f"{p} has no meta.json: not a wordspace model") from None
        except json.JSONDecodeError as e:
            raise FormatError(f"{p}/meta.json is not valid JSON: {e}") from None
        _check_meta(meta, p)
        for name in meta["arrays"]:
            f = p / f"{name}.npy"
            if not f.exists():
                raise FormatError(f"{p}: array file {name}.npy listed in meta.json is missing")
            arrays[name] = _np_load(f, mmap)
        return arrays, meta
    if not zipfile.is_zipfile(p):
        raise FormatError(f"{p} is neither a zip archive nor a directory: not a wordspace model")
    with zipfile.ZipFile(p) as z:
        try:
            meta = json.loads(z.read("meta.json").decode("utf-8"))
        except KeyError:
            raise FormatError(f"{p} has no meta.json: not a wordspace model") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise FormatError(f"{p}: meta.json is not valid JSON: {e}") from None
        _check_meta(meta, p)
        for name in meta["arrays"]:
            try:
                info = z.getinfo(f"{name}.npy")
            except KeyError:
                raise FormatError(f"{p}: array {name}.npy listed in meta.json is missing") from None
            if mmap and info.compress_type == zipfile.ZIP_STORED:
                arrays[name] = _mmap_member(p, z, info)
            else:
                with z.open(info) as fh:
                    try:
                        arrays[name] = np.lib.format.read_array(io.BytesIO(fh.read()),
                                                                allow_pickle=False)
                    except ValueError as e:
                        raise FormatError(f"{p}: {name}.npy is unreadable: {e}") from None
    return arrays, meta


def _np_load(f: Path, mmap: bool) -> np.ndarray:
    try:
        return np.load(f, mmap_mode="r" if mmap else None, allow_pickle=False)
    except ValueError as e:
        raise FormatError(f"{f} is unreadable (truncated or not a .npy file): {e}") from None


def _mmap_member(p: Path, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    """Memory-map a stored (uncompressed) .npy member of a zip in place."""
    with open(p, "rb") as fh:
        fh.seek(info.header_offset)
        local = fh.read(30)
        if local[:4] != b"PK\x03\x04":
            raise FormatError(f"{p}: corrupt zip entry {info.filename}")
        name_len = int.from_bytes(local[26:28], "little")
        extra_len = int.from_bytes(local[28:30], "little")
        data_start = info.header_offset + 30 + name_len + extra_len
        fh.seek(data_start)
        try:
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
        except ValueError as e:
            raise FormatError(f"{p}: {info.filename} is unreadable: {e}") from None
        offset = fh.tell()
    if dtype.hasobject:
        raise FormatError(f"{p}: {info.filename} holds Python objects; refusing to load it")
    expected = int(np.prod(shape)) * dtype.itemsize
    if offset - data_start + expected > info.file_size:
        raise FormatError(f"{p}: {info.filename} is truncated")
    return np.memmap(p, dtype=dtype, mode="r", offset=offset, shape=shape,
                     order="F" if fortran else "C")


def _check_meta(meta: Any, p: Path) -> None:
    if not isinstance(meta, dict) or meta.get("format") != NATIVE_FORMAT:
        raise FormatError(f"{p}: meta.json does not describe a wordspace model")
    if meta.get("format_version", 0) > NATIVE_VERSION:
        raise FormatError(
            f"{p} was written by a newer wordspace (format version {meta['format_version']}); "
            "upgrade wordspace to read it"
        )
    if not isinstance(meta.get("arrays"), list):
        raise FormatError(f"{p}: meta.json lists no arrays")


def save_native(wv: WordVectors, path: str | os.PathLike, *, layout: str | None = None,
                extra_arrays: Mapping[str, np.ndarray] | None = None,
                extra_meta: Mapping[str, Any] | None = None) -> None:
    """Save a :class:`WordVectors` (and optionally a trainer's extra arrays) natively."""
    arrays: dict[str, np.ndarray] = {"vectors": np.asarray(wv.vectors, dtype=np.float32)}
    if wv.counts is not None:
        arrays["counts"] = wv.counts
    for name, arr in wv.extras.items():
        arrays[f"extra_{name}"] = arr
    for name, arr in (extra_arrays or {}).items():
        arrays[name] = arr
    meta = {
        "kind": "word_vectors",
        "count": len(wv),
        "vector_size": wv.vector_size,
        "index_to_key": wv.index_to_key,
        "provenance": wv.meta,
        **(extra_meta or {}),
    }
    write_native(path, arrays, meta, layout=layout)


def load_native(path: str | os.PathLike, *, mmap: bool = False) -> WordVectors:
    """Load a native model's word vectors (``mmap=True`` maps them: near-instant)."""
    arrays, meta = read_native(path, mmap=mmap)
    wv, _ = vectors_from_native(arrays, meta, path)
    return wv


def vectors_from_native(
    arrays: dict[str, np.ndarray], meta: dict[str, Any], path: str | os.PathLike
) -> tuple[WordVectors, dict[str, np.ndarray]]:
    """Build the WordVectors of a native model; also return the arrays it did not use."""
    if "vectors" not in arrays or "index_to_key" not in meta:
        raise FormatError(f"{path}: the model has no word vectors")
    vecs = arrays.pop("vectors")
    keys = meta["index_to_key"]
    if vecs.ndim != 2 or vecs.shape[0] != len(keys):
        raise FormatError(
            f"{path}: vectors.npy has shape {vecs.shape} but meta.json lists {len(keys):,} words"
        )
    counts = arrays.pop("counts", None)
    extras = {k.removeprefix("extra_"): arrays.pop(k) for k in list(arrays) if k.startswith("extra_")}
    wv = WordVectors(keys, vecs, counts=counts, extras=extras, meta=meta.get("provenance", {}))
    return wv, arrays
