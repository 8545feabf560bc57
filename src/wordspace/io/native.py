"""The native format (``.wsv``): a zip archive (stored, uncompressed, so arrays can be
memory-mapped in place) or a directory, holding ``meta.json`` and one ``.npy`` file per array.

No pickle anywhere: arrays are read by our own ``.npy`` header parser, which admits real
numeric dtypes only and checks every declared shape against the bytes present (and the
inflated size of compressed members against a budget of the archive's size plus 64 MiB).
``meta.json`` is validated against a schema (:func:`check_meta`). Saves go through
:mod:`wordspace._files`: atomic, umask-respecting, and never replacing what wordspace did not
write.
"""

from __future__ import annotations

import ast
import io
import json
import logging
import math
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, cast

import numpy as np

from wordspace._base import is_int
from wordspace._files import (
    COMMIT_DIR,
    atomic_model_dir,
    atomic_path,
    check_output,
    check_regular,
)
from wordspace._schema import Fields
from wordspace.errors import FormatError, ParameterError
from wordspace.io.formats import _warn_nonfinite
from wordspace.vectors.keyed import WordVectors

__all__ = [
    "NATIVE_FORMAT",
    "NATIVE_VERSION",
    "save_native",
    "load_native",
    "write_native",
    "read_native",
    "vectors_from_native",
    "check_meta",
    "read_npz",
    "PartialModelWarning",
    "partial_summary",
]

logger = logging.getLogger(__name__)

NATIVE_FORMAT = "wordspace"
NATIVE_VERSION = 1
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: a compressed meta.json may inflate to this many bytes at most
_META_INFLATE_LIMIT = 32 << 20
#: compressed members may inflate to the archive's size plus this, in all
_INFLATE_SLACK = 64 << 20
_NPY_HEADER_LIMIT = 1 << 16


class PartialModelWarning(UserWarning):
    """A model file holds a partially trained model (``complete: false`` in its metadata): an
    interrupted run saved on purpose, or a checkpoint."""


def partial_summary(training: Any) -> str:
    """``epoch 1 of 5, 6 % of the words``: where a partial model's training stopped."""
    if not isinstance(training, dict):
        return "training not finished"
    parts = []
    if isinstance(training.get("epoch"), int) and isinstance(training.get("epochs"), int):
        parts.append(f"epoch {training['epoch']} of {training['epochs']}")
    done, total = training.get("done"), training.get("total")
    if isinstance(done, int | float) and isinstance(total, int | float) and total > 0:
        parts.append(f"{100.0 * done / total:.0f} % of the {training.get('unit', 'work')}")
    return ", ".join(parts) or "training not finished"


_META_FIX = "the model is damaged or was not written by wordspace: save it again"


def check_meta(meta: Any, where: str) -> None:
    """Validate a native model's ``meta.json`` document; :class:`FormatError` names the field.

    Checked: ``format`` is ``"wordspace"``; ``format_version`` an integer this version reads;
    ``arrays`` a list of unique plain identifiers (so no name can reach outside the model);
    ``count``/``vector_size`` integers >= 0; ``kind``/``model`` strings; ``index_to_key`` a
    list of unique strings of length ``count``; ``provenance`` an object whose optional
    ``tokenizer`` is ``{"lowercase": bool, "normalize": bool}``. Trainer sections are
    checked by the trainers.
    """
    if not isinstance(meta, dict):
        raise FormatError(f"{where}: meta.json is not a JSON object: not a wordspace model")

    def bad(field: str, what: str) -> FormatError:
        return FormatError(f"{where}: meta.json field {field!r} {what}")

    if meta.get("format") != NATIVE_FORMAT:
        raise FormatError(
            f"{where}: meta.json does not describe a wordspace model (its 'format' is "
            f"{str(meta.get('format'))[:40]!r}, not {NATIVE_FORMAT!r})"
        )
    f = Fields(meta, where=f"{where}: meta.json", fix=_META_FIX)
    v = f.int("format_version")
    if v > NATIVE_VERSION:
        raise FormatError(
            f"{where} was written by a newer wordspace (format version {v}); upgrade wordspace "
            "to read it"
        )
    if v < 1:
        raise bad("format_version", f"is {v}, not a known version (1 to {NATIVE_VERSION})")
    arrays = meta.get("arrays")
    if not isinstance(arrays, list):
        raise bad("arrays", "must be a list of array names")
    seen_arrays: set[str] = set()
    for i, a in enumerate(arrays):
        if not isinstance(a, str) or not _PLAIN_NAME.match(a):
            raise bad(
                f"arrays[{i}]",
                f"must be a plain identifier (letters, digits, _), got {str(a)[:60]!r}",
            )
        if a in seen_arrays:
            raise bad(f"arrays[{i}]", f"repeats the array name {a!r}")
        seen_arrays.add(a)
    for field in ("count", "vector_size"):
        f.int(field, lo=0, default=None)
    for field in ("kind", "model"):
        f.str(field, default=None)
    f.bool("complete", default=None)
    if "training" in meta:
        f.obj("training")
    if "index_to_key" in meta:
        keys = meta["index_to_key"]
        if not isinstance(keys, list):
            raise bad("index_to_key", f"must be a list of words, got a {type(keys).__name__}")
        for i, k in enumerate(keys):
            if not isinstance(k, str):
                raise bad(f"index_to_key[{i}]", f"must be a string, got {str(k)[:40]!r}")
        if len(set(keys)) != len(keys):
            first: dict[str, int] = {}
            for i, k in enumerate(keys):
                if first.setdefault(k, i) != i:
                    raise bad(
                        f"index_to_key[{i}]",
                        f"repeats the word {k[:40]!r} of "
                        f"index_to_key[{first[k]}]; words must be unique",
                    )
        if "count" in meta and meta["count"] != len(keys):
            raise bad("count", f"is {meta['count']:,} but index_to_key lists {len(keys):,} words")
    if "provenance" in meta:
        prov = f.obj("provenance")
        if "tokenizer" in prov.doc:
            tok = prov.obj("tokenizer")
            unknown = sorted(set(tok.doc) - {"lowercase", "normalize"})
            if unknown:
                raise bad(
                    "provenance.tokenizer",
                    f"has unknown settings {unknown}; known: 'lowercase', 'normalize'",
                )
            for key in ("lowercase", "normalize"):
                tok.bool(key)


def _check_array_for_write(name: str, arr: Any) -> np.ndarray:
    if not isinstance(name, str) or not _PLAIN_NAME.match(name):
        raise ParameterError(
            f"array name {name!r} must be a plain identifier (ASCII letters, digits, _)"
        )
    a = np.asarray(arr)
    if a.dtype.kind not in "biuf" or a.dtype.fields is not None or a.dtype.subdtype is not None:
        raise ParameterError(
            f"array {name!r} has dtype {a.dtype}; only real numbers (bool, integers, floats) "
            "are saved natively"
        )
    return a


def write_native(
    path: str | os.PathLike[str],
    arrays: Mapping[str, np.ndarray],
    meta: Mapping[str, Any],
    *,
    layout: str | None = None,
) -> None:
    """Write arrays (``name -> ndarray``) and JSON metadata as a native model, atomically.

    ``layout``: ``"zip"`` (one stored zip file; the default) or ``"dir"`` (a directory;
    the default when ``path`` is an existing directory). An existing file is replaced only by a
    zip, an existing folder only when it holds a wordspace model (then only the model's own
    files are replaced); anything else raises :class:`~wordspace.errors.OutputPathError`.
    """
    if layout not in (None, "zip", "dir"):
        raise ParameterError(f"layout must be 'zip' or 'dir', got {layout!r}")
    target = check_output(path, layout=layout)
    if layout is None:
        layout = "dir" if target.is_dir() else "zip"
    checked = {name: _check_array_for_write(name, arr) for name, arr in arrays.items()}
    reserved = ("format", "format_version", "arrays")
    full_meta = {
        "format": NATIVE_FORMAT,
        "format_version": NATIVE_VERSION,
        **{k: v for k, v in meta.items() if k not in reserved},
        "arrays": sorted(checked),
    }
    check_meta(full_meta, f"cannot save {path}")
    try:
        text = json.dumps(full_meta, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as e:
        raise ParameterError(
            f"cannot save {path}: its metadata is not JSON-serialisable ({e}); pass plain "
            "numbers, strings, lists and dicts"
        ) from None
    try:
        meta_bytes = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates in words: \u escapes read back exactly
        meta_bytes = json.dumps(full_meta, ensure_ascii=True).encode("ascii")
    if layout == "dir":
        with atomic_model_dir(target) as tmp:
            for name, arr in checked.items():
                np.save(tmp / f"{name}.npy", arr, allow_pickle=False)
            (tmp / "meta.json").write_bytes(meta_bytes)
    else:
        with atomic_path(target) as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
                z.writestr("meta.json", meta_bytes)
                for name, arr in checked.items():
                    with z.open(f"{name}.npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, arr, allow_pickle=False)


_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
    IndexError,
    OverflowError,
)


def read_native(
    path: str | os.PathLike[str], *, mmap: bool = False
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read a native model: ``(arrays, meta)``. ``mmap=True`` maps arrays read-only."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file or directory")
    if p.is_dir():
        return _read_dir(p, mmap)
    check_regular(p)  # a FIFO would block, a device never ends
    if not zipfile.is_zipfile(p):
        raise FormatError(
            f"{p} is neither a zip archive nor a directory (or it is a truncated .wsv): not a "
            "readable wordspace model"
        )
    try:
        return _read_zip(p, mmap)
    except _ZIP_ERRORS as e:
        if isinstance(e, FormatError | ParameterError):
            raise
        raise FormatError(
            f"{p}: the archive is corrupt ({type(e).__name__}: {e}); save or copy the model again"
        ) from None


def _parse_meta(raw: bytes, where: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise FormatError(f"{where}: meta.json is not valid JSON: {e}") from None


def _read_dir(p: Path, mmap: bool) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    commit = p / COMMIT_DIR
    src = commit if (commit / "meta.json").is_file() else p
    meta_file = src / "meta.json"
    if not meta_file.is_file():
        raise FormatError(f"{p} has no meta.json: not a wordspace model")
    meta = _parse_meta(meta_file.read_bytes(), str(p))
    check_meta(meta, str(p))
    arrays: dict[str, np.ndarray] = {}
    for name in meta["arrays"]:
        f = src / f"{name}.npy"
        if src is commit and not f.exists():  # already moved into place by the save
            f = p / f"{name}.npy"
        if not f.is_file():
            raise FormatError(f"{p}: array file {name}.npy listed in meta.json is missing")
        arrays[name] = _load_npy_file(f, mmap)
    return arrays, meta


def _read_npy_header(
    fh: IO[bytes], where: str, kinds: str = "biuf"
) -> tuple[tuple[int, ...], bool, np.dtype, int]:
    """Parse a .npy header: ``(shape, fortran_order, dtype, header_length)``; only dtypes of
    the given kinds (real numbers by default) are admitted."""
    magic = fh.read(8)
    if len(magic) < 8 or magic[:6] != b"\x93NUMPY":
        raise FormatError(f"{where}: not a .npy array (bad magic bytes); the file is corrupt")
    major = magic[6]
    if major == 1:
        size_bytes, encoding = 2, "latin1"
    elif major in (2, 3):
        size_bytes, encoding = 4, "latin1" if major == 2 else "utf-8"
    else:
        raise FormatError(f"{where}: unknown .npy format version {major}.{magic[7]}")
    raw_len = fh.read(size_bytes)
    if len(raw_len) < size_bytes:
        raise FormatError(f"{where}: the .npy header is truncated")
    hlen = int.from_bytes(raw_len, "little")
    if hlen > _NPY_HEADER_LIMIT:
        raise FormatError(f"{where}: the .npy header claims {hlen:,} bytes; refusing it")
    raw = fh.read(hlen)
    if len(raw) < hlen:
        raise FormatError(f"{where}: the .npy header is truncated")
    try:
        d = ast.literal_eval(raw.decode(encoding))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError, UnicodeDecodeError):
        raise FormatError(f"{where}: the .npy header is unreadable") from None
    if not isinstance(d, dict) or set(d) != {"descr", "fortran_order", "shape"}:
        raise FormatError(f"{where}: the .npy header lacks descr/fortran_order/shape")
    shape, fortran = d["shape"], d["fortran_order"]
    if (
        not isinstance(shape, tuple)
        or not all(is_int(s) and s >= 0 for s in shape)
        or len(shape) > 32
    ):
        raise FormatError(f"{where}: the .npy shape {str(shape)[:60]} is not a tuple of sizes")
    if not isinstance(fortran, bool):
        raise FormatError(f"{where}: the .npy header's fortran_order is not true/false")
    try:
        dtype = np.lib.format.descr_to_dtype(d["descr"])
    except (
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        SyntaxError,
        RecursionError,
        OverflowError,
    ):
        raise FormatError(f"{where}: the .npy dtype {str(d['descr'])[:60]} is unreadable") from None
    if (
        dtype.hasobject
        or dtype.kind not in kinds
        or dtype.fields is not None
        or dtype.subdtype is not None
        or dtype.itemsize == 0
    ):
        what = (
            "a real numeric type (bool, integer or float)"
            if kinds == "biuf"
            else (f"of the kinds {kinds!r}")
        )
        raise FormatError(f"{where}: dtype {str(dtype)[:60]} is not {what}; refusing to load it")
    return shape, fortran, dtype, 6 + 2 + size_bytes + hlen


def _declared_bytes(shape: tuple[int, ...], dtype: np.dtype, limit: int, where: str) -> int:
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > limit:
        raise FormatError(
            f"{where}: the .npy header declares shape {shape} of {dtype} ({nbytes:,} bytes) but "
            f"only {max(limit, 0):,} bytes follow it; the file is truncated or forged"
        )
    return nbytes


def _read_exact(
    fh: IO[bytes], shape: tuple[int, ...], fortran: bool, dtype: np.dtype, nbytes: int, where: str
) -> np.ndarray:
    try:
        arr = np.empty(math.prod(shape), dtype=dtype)
    except MemoryError:
        raise FormatError(
            f"{where}: {nbytes:,} bytes do not fit in memory; load with mmap=True"
        ) from None
    view = arr.view(np.uint8).data
    reader = cast(io.BufferedIOBase, fh)  # open()'s and zipfile's readers have readinto
    got = 0
    while got < nbytes:
        k = reader.readinto(view[got : got + (1 << 24)])
        if not k:
            raise FormatError(
                f"{where}: truncated: {got:,} of the {nbytes:,} bytes its header declares"
            )
        got += k
    return arr.reshape(shape, order="F" if fortran else "C")


def _load_npy_file(f: Path, mmap: bool) -> np.ndarray:
    size = f.stat().st_size
    with open(f, "rb") as fh:
        shape, fortran, dtype, hlen = _read_npy_header(fh, str(f))
        nbytes = _declared_bytes(shape, dtype, size - hlen, str(f))
        if mmap and nbytes:
            return np.memmap(
                f, dtype=dtype, mode="r", offset=hlen, shape=shape, order="F" if fortran else "C"
            )
        return _read_exact(fh, shape, fortran, dtype, nbytes, str(f))


def _member_limit(p: Path, info: zipfile.ZipInfo, archive_size: int, budget: list[int]) -> int:
    """The most bytes ``info`` may inflate to; compressed members draw on ``budget``."""
    if info.compress_type == zipfile.ZIP_STORED:
        if (
            info.file_size != info.compress_size
            or info.header_offset + info.file_size > archive_size
        ):
            raise FormatError(f"{p}: {info.filename} extends beyond the archive: it is truncated")
        return info.file_size
    if info.file_size > budget[0]:
        raise FormatError(
            f"{p}: {info.filename} would inflate to {info.file_size:,} bytes, more than a model "
            "archive of this size can hold; refusing a possible decompression bomb (save the "
            "model with wordspace, which stores its members uncompressed)"
        )
    budget[0] -= info.file_size
    return info.file_size


def _read_zip(p: Path, mmap: bool) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    archive_size = p.stat().st_size
    budget = [archive_size + _INFLATE_SLACK]
    arrays: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(p) as z:
        try:
            info = z.getinfo("meta.json")
        except KeyError:
            raise FormatError(f"{p} has no meta.json: not a wordspace model") from None
        if info.compress_type != zipfile.ZIP_STORED and info.file_size > _META_INFLATE_LIMIT:
            raise FormatError(
                f"{p}: meta.json would inflate to {info.file_size:,} bytes; refusing a possible "
                "decompression bomb (save the model with wordspace)"
            )
        limit = _member_limit(p, info, archive_size, budget)
        with z.open(info) as fh:
            raw = fh.read(limit + 1)
        meta = _parse_meta(raw, str(p))
        check_meta(meta, str(p))
        for name in meta["arrays"]:
            try:
                info = z.getinfo(f"{name}.npy")
            except KeyError:
                raise FormatError(f"{p}: array {name}.npy listed in meta.json is missing") from None
            limit = _member_limit(p, info, archive_size, budget)
            where = f"{p}: {info.filename}"
            if mmap and info.compress_type == zipfile.ZIP_STORED:
                arrays[name] = _mmap_member(p, info, where)
                continue
            with z.open(info) as fh:
                shape, fortran, dtype, hlen = _read_npy_header(fh, where)
                nbytes = _declared_bytes(shape, dtype, limit - hlen, where)
                arrays[name] = _read_exact(fh, shape, fortran, dtype, nbytes, where)
    return arrays, meta


def read_npz(
    path: str | os.PathLike[str],
    names: tuple[str, ...],
    *,
    kinds: str = "biuf",
    inflate_factor: int = 1,
) -> dict[str, np.ndarray]:
    """Read the members ``NAME.npy`` (for ``names`` present) of an ``.npz`` archive, safely.

    Every declared shape is checked against the bytes present before allocating; compressed
    members may inflate to at most ``inflate_factor`` times the archive's size plus 64 MiB in
    all. Any damage raises :class:`FormatError` naming the file.
    """
    p = Path(path)
    archive_size = p.stat().st_size
    budget = [inflate_factor * archive_size + _INFLATE_SLACK]
    out: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(p) as z:
            present = set(z.namelist())
            for name in names:
                if f"{name}.npy" not in present:
                    continue
                info = z.getinfo(f"{name}.npy")
                limit = _member_limit(p, info, archive_size, budget)
                where = f"{p}: {info.filename}"
                with z.open(info) as fh:
                    shape, fortran, dtype, hlen = _read_npy_header(fh, where, kinds)
                    nbytes = _declared_bytes(shape, dtype, limit - hlen, where)
                    out[name] = _read_exact(fh, shape, fortran, dtype, nbytes, where)
    except _ZIP_ERRORS as e:
        if isinstance(e, FormatError | ParameterError):
            raise
        raise FormatError(f"{p}: the archive is corrupt ({type(e).__name__}: {e})") from None
    return out


def _mmap_member(p: Path, info: zipfile.ZipInfo, where: str) -> np.ndarray:
    """Memory-map a stored (uncompressed) .npy member of a zip in place."""
    with open(p, "rb") as fh:
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise FormatError(f"{where}: corrupt zip entry")
        name_len = int.from_bytes(local[26:28], "little")
        extra_len = int.from_bytes(local[28:30], "little")
        data_start = info.header_offset + 30 + name_len + extra_len
        fh.seek(data_start)
        shape, fortran, dtype, hlen = _read_npy_header(fh, where)
    nbytes = _declared_bytes(shape, dtype, info.file_size - hlen, where)
    if data_start + hlen + nbytes > p.stat().st_size:
        raise FormatError(f"{where} is truncated")
    if nbytes == 0:
        return np.empty(shape, dtype=dtype)
    return np.memmap(
        p,
        dtype=dtype,
        mode="r",
        offset=data_start + hlen,
        shape=shape,
        order="F" if fortran else "C",
    )


def save_native(
    wv: WordVectors,
    path: str | os.PathLike[str],
    *,
    layout: str | None = None,
    extra_arrays: Mapping[str, np.ndarray] | None = None,
    extra_meta: Mapping[str, Any] | None = None,
) -> None:
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


def load_native(path: str | os.PathLike[str], *, mmap: bool = False) -> WordVectors:
    """Load a native model's word vectors (``mmap=True`` maps them: near-instant)."""
    arrays, meta = read_native(path, mmap=mmap)
    wv, _ = vectors_from_native(arrays, meta, path)
    return wv


def vectors_from_native(
    arrays: dict[str, np.ndarray], meta: dict[str, Any], path: str | os.PathLike[str]
) -> tuple[WordVectors, dict[str, np.ndarray]]:
    """Build the WordVectors of a native model; also return the arrays it did not use."""
    if "vectors" not in arrays or "index_to_key" not in meta:
        raise FormatError(f"{path}: the model has no word vectors")
    vecs = arrays.pop("vectors")
    keys = meta["index_to_key"]
    if vecs.dtype.kind != "f":
        raise FormatError(f"{path}: vectors.npy holds {vecs.dtype}, not floating-point numbers")
    if vecs.ndim != 2 or vecs.shape[0] != len(keys):
        raise FormatError(
            f"{path}: vectors.npy has shape {vecs.shape} but meta.json lists {len(keys):,} words"
        )
    if "vector_size" in meta and vecs.shape[1] != meta["vector_size"]:
        raise FormatError(
            f"{path}: vectors.npy has {vecs.shape[1]} columns but meta.json field "
            f"'vector_size' says {meta['vector_size']}"
        )
    counts = arrays.pop("counts", None)
    if counts is not None and (counts.dtype.kind not in "iu" or counts.shape != (len(keys),)):
        raise FormatError(
            f"{path}: counts.npy must hold one integer per word ({len(keys):,}), got "
            f"{counts.dtype} of shape {counts.shape}"
        )
    extras = {
        k.removeprefix("extra_"): arrays.pop(k) for k in list(arrays) if k.startswith("extra_")
    }
    for name, arr in extras.items():
        if arr.ndim < 1 or arr.shape[0] != len(keys):
            raise FormatError(
                f"{path}: extra_{name}.npy must have one row per word ({len(keys):,}), got "
                f"shape {arr.shape}"
            )
    _warn_nonfinite(vecs, str(path))
    provenance = meta.get("provenance", {})
    if meta.get("complete") is False:  # a partial model (interrupted run or checkpoint)
        training = meta.get("training", {})
        provenance = {**provenance, "complete": False, "training": training}
        warnings.warn(
            f"{path} holds a partially trained model ({partial_summary(training)}"
            "); its vectors are not final",
            PartialModelWarning,
            stacklevel=3,
        )
    wv = WordVectors(keys, vecs, counts=counts, extras=extras, meta=provenance)
    if "subwords" in meta:  # a fastText model: n-gram vectors answer out-of-vocabulary words
        from wordspace.vectors.subword import SubwordVectors

        wv = SubwordVectors.from_native(wv, arrays, meta, path)
    return wv, arrays
