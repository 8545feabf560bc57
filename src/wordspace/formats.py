"""Reading and writing word vectors.

Exchange formats: word2vec text (``"N D"`` header line), word2vec binary (as written by the
original C tool and gensim), GloVe text (no header), fastText ``.vec`` (word2vec text). Any of
them may be compressed (.gz, .bz2, .xz: chosen by the file name when writing, detected by magic
bytes when reading).

Reading trusts nothing: the format is detected from positive evidence (a header line ``N D``
of plain digits; bytes that cannot occur in a text file for binary), declared sizes are
checked against the bytes present before anything is allocated, every binary record is
checked (word, space, ``D`` float32, optional newline), and every problem is a
:class:`FormatError` naming the file and line (or record and byte). Vectors holding NaN or
infinity load with a warning giving their number. Writing refuses (before touching the disk)
what the matching reader would not read back exactly: empty words, words with line breaks
or surrounding whitespace, words with spaces in binary files, text words whose last token
is a number.

The native format (``.wsv``) is a zip archive (stored, uncompressed, so arrays can be
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
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np

from ._files import (
    COMMIT_DIR,
    atomic_model_dir,
    atomic_path,
    check_output,
    open_binary,
    open_write,
)
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
    "check_meta",
    "read_npz",
    "open_binary",
    "atomic_path",
]

logger = logging.getLogger(__name__)

NATIVE_FORMAT = "wordspace"
NATIVE_VERSION = 1

# a number as the parse kernel reads it (ASCII digits only; no '_' as Python's float allows)
_NUMBER = re.compile(rb"[+-]?(?:nan|inf|infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)\Z",
                     re.IGNORECASE)
_HEADER = re.compile(rb"[ \t\r\v\f]*([0-9]{1,19})[ \t\r\v\f]+([0-9]{1,19})[ \t\r\v\f]*\n?\Z")
# bytes that never occur in a text vector file: C0 controls other than whitespace, DEL
_NON_TEXT = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_WS_CHARS = " \t\n\r\v\f"
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# meta.json larger than this (inflated, compressed members only) is refused
_META_INFLATE_LIMIT = 32 << 20
# total inflated size allowed for compressed members beyond the archive's own size
_INFLATE_SLACK = 64 << 20
_NPY_HEADER_LIMIT = 1 << 16


def _is_number(b: bytes) -> bool:
    return _NUMBER.match(b) is not None


def _all_numbers(parts: list[bytes]) -> bool:
    return all(_NUMBER.match(x) is not None for x in parts)


def _parse_header(line: bytes) -> tuple[int, int] | None:
    m = _HEADER.match(line)
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2))


def _check_dim(dim: int, data_len: int, declared: int | None, path: Path) -> None:
    """A header's dimension must be >= 1 and its rows must fit in the bytes present."""
    if dim <= 0:
        raise FormatError(f"{path}:1: invalid header: the dimension must be >= 1, got {dim}")
    if dim > (1 << 31) or (declared and 2 * dim + 1 > data_len):
        raise FormatError(
            f"{path}: the header says {declared:,} words of {dim:,} numbers but only "
            f"{data_len:,} bytes follow it; the file is truncated or the header is wrong"
        )


def _warn_nonfinite(vecs: np.ndarray, where: str) -> int:
    """Warn when rows of ``vecs`` hold NaN or infinity; return their number."""
    if vecs.size == 0 or vecs.dtype.kind != "f":
        return 0
    bad = 0
    first = -1
    step = max(1, (1 << 22) // max(1, vecs.shape[1]))
    for s in range(0, vecs.shape[0], step):
        rows = ~np.isfinite(vecs[s : s + step]).all(axis=1)
        k = int(np.count_nonzero(rows))
        if k and first < 0:
            first = s + int(np.argmax(rows))
        bad += k
    if bad:
        warnings.warn(
            f"{where}: {bad:,} of {vecs.shape[0]:,} vectors hold NaN or infinity (the first is "
            f"row {first + 1:,}); similarities involving them are undefined: fix or drop them",
            RuntimeWarning,
            stacklevel=3,
        )
    return bad


# ------------------------------------------------------------------- detection
def detect_format(path: str | os.PathLike) -> str:
    """One of ``"native"``, ``"word2vec-binary"``, ``"word2vec-text"``, ``"fasttext-vec"``,
    ``"glove-text"``, judged from the file's content (the extension only names .vec files).

    A first line of two plain integers is a header; after it, a byte that cannot occur in a
    text file (a control character or invalid UTF-8) is the evidence for binary, anything
    else is read as text (so a malformed text file gets a message naming its line).
    """
    p = Path(path)
    if p.is_dir():
        if (p / "meta.json").exists() or (p / COMMIT_DIR / "meta.json").exists():
            return "native"
        raise FormatError(f"{p} is a directory without meta.json: not a wordspace model")
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    with open(p, "rb") as raw:
        magic = raw.read(4)
    if magic in (b"PK\x03\x04", b"PK\x05\x06"):
        if zipfile.is_zipfile(p):
            return "native"
        raise FormatError(
            f"{p} starts like a native .wsv (zip) model but is truncated or corrupt (its zip "
            "directory is missing or damaged); save or copy the model again"
        )
    if zipfile.is_zipfile(p):
        return "native"
    with open_binary(p) as f:
        first = f.readline(1 << 16)
        rest = f.read(1 << 16)
    if not first and not rest:
        raise FormatError(f"{p} is empty")
    header = _parse_header(first)
    if header is None:
        return "glove-text"
    rows = rest.split(b"\n")
    if len(rows) > 1:
        rows = rows[:-1]  # the last may be cut off by the sample
    text_rows = all(_is_text_row(r, header[1]) for r in rows[:64] if r.strip())
    if not text_rows and (_NON_TEXT.search(rest) or not _is_utf8_prefix(rest)):
        return "word2vec-binary"
    name = p.name.lower()
    for comp in (".gz", ".bz2", ".xz"):
        name = name.removesuffix(comp)
    return "fasttext-vec" if name.endswith(".vec") else "word2vec-text"


def _is_text_row(row: bytes, dim: int) -> bool:
    fields = row.rsplit(None, min(dim, len(row) + 1))
    return len(fields) == dim + 1 and _all_numbers(fields[1:])


def _is_utf8_prefix(b: bytes) -> bool:
    """Valid UTF-8, allowing a character cut off at the end."""
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        return e.reason == "unexpected end of data" and e.start >= len(b) - 3


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
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | np.integer)
                              or limit < 0):
        raise ParameterError(f"limit must be an integer >= 0, got {limit!r}")
    if unicode_errors not in ("strict", "replace", "ignore"):
        raise ParameterError(
            f"unicode_errors must be 'strict', 'replace' or 'ignore', got {unicode_errors!r}"
        )
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
    _warn_nonfinite(vecs, str(p))
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
        raise FormatError(f"{path}:1: the first line is empty (expected a header or a vector)")
    lineno0 = 1
    expected_n: int | None = None
    if no_header:
        # GloVe: the first line is already a vector; its width gives the dimension.
        parts = first.split()
        dim = len(parts) - 1
        while dim > 0 and not _all_numbers(parts[-dim:]):
            dim -= 1
        if dim <= 0:
            if _parse_header(first) is not None:
                raise FormatError(
                    f"{path}:1: the first line {first.strip()[:60]!r} looks like a word2vec "
                    "header 'N D', not a GloVe vector; read it with no_header=False"
                )
            raise FormatError(
                f"{path}:1: no numbers after the word {first.split()[0][:40]!r}; a GloVe "
                "text line is a word followed by its numbers"
            )
        if limit is None:
            data = first + f.read()
        elif limit == 0:
            data = b""
        else:
            data = first + b"".join(islice(f, limit - 1))
    else:
        header = _parse_header(first)
        if header is None:
            raise FormatError(
                f"{path}:1: expected a header 'N D' (word count, dimension), got "
                f"{first[:60]!r}; for GloVe files without a header pass no_header=True"
            )
        expected_n, dim = header
        lineno0 = 2
        data = b"".join(islice(f, limit)) if limit is not None else f.read()
        _check_dim(dim, len(data), expected_n if limit is None else min(limit, expected_n),
                   path)
        if 2 * dim + 1 > len(data):  # no row fits: nothing to parse
            if data.strip():
                raise FormatError(
                    f"{path}:2: the header says 0 words but the file has more lines; fix "
                    "the header"
                )
            return [], np.empty((0, dim), dtype=np.float32)
    want = expected_n if limit is None else (limit if expected_n is None else min(limit, expected_n))
    keys, vecs = _parse_block(data, dim, want, expected_n, path, lineno0, unicode_errors)
    n = len(keys)
    if expected_n is not None and n < (want or 0):
        raise FormatError(
            f"{path}: the header says {expected_n:,} words but the file ends after "
            f"{n:,} (line {lineno0 + n - 1}); the file is truncated or the header is wrong"
        )
    return keys, vecs


def _parse_block(
    data: bytes, dim: int, want: int | None, declared: int | None, path: Path, lineno0: int,
    unicode_errors: str,
) -> tuple[list[str], np.ndarray]:
    """Parse the vector lines of ``data``: at most ``want`` of them (all when None)."""
    from .kernels import parse as K

    buf = np.frombuffer(data, dtype=np.uint8)
    # a row takes at least 2*dim+1 bytes ("w 0 0 ...") plus its newline: never allocate more
    # rows than the bytes present can hold, whatever a header says
    fits = min(data.count(b"\n") + 1, (len(data) + 1) // (2 * dim + 2) + 1)
    cap = fits if want is None else min(want, fits)
    out = np.empty((cap, dim), dtype=np.float32)
    ws_ = np.empty(cap, dtype=np.int64)
    we_ = np.empty(cap, dtype=np.int64)
    n, err, errline, pos = K.parse_vector_lines(buf, 0, dim, cap, out, ws_, we_, K._POW10)
    if err == K.OK and n == cap and data[pos:].strip():
        if want is not None and n == want:
            raise FormatError(
                f"{path}:{lineno0 + n}: the header says {declared:,} words but the file has "
                "more lines; fix the header"
            )
        err, errline = K.ERR_FIELDS, n  # leftover bytes too short for a row: malformed
    lineno = lineno0 + errline
    if err != K.OK:
        eol = data.find(b"\n", pos)
        line = data[pos : eol if eol >= 0 else len(data)].rstrip()
        if err == K.ERR_EMPTY:
            raise FormatError(f"{path}:{lineno}: empty line where a vector was expected")
        if err == K.ERR_TOO_MANY:
            raise FormatError(
                f"{path}:{lineno}: more than {dim} numbers after the word (or a word ending in "
                f"a number); rows must all have {dim} numbers"
            )
        _split_slow(line, dim, path, lineno)  # raises the precise message
        raise FormatError(f"{path}:{lineno}: malformed line {line[:60]!r}")
    keys = [
        _decode(data[s:e], unicode_errors, f"{path}:{lineno0 + i}")
        for i, (s, e) in enumerate(zip(ws_[:n].tolist(), we_[:n].tolist(), strict=True))
    ]
    return keys, out[:n]


def _split_slow(line: bytes, dim: int, path: Path, lineno: int) -> None:
    """Raise the precise message for a malformed line: the last ``dim`` fields are numbers."""
    parts = line.rsplit(None, dim)
    if len(parts) != dim + 1:
        raise FormatError(
            f"{path}:{lineno}: expected a word and {dim} numbers, found {len(parts)} fields; "
            "the file is truncated or has rows of the wrong width"
        )
    for x in parts[1:]:
        if not _is_number(x):
            col = line.rfind(x) + 1
            raise FormatError(
                f"{path}:{lineno}:{col}: {x[:30]!r} is not a number (expected {dim} numbers "
                "per row)"
            )


# ---------------------------------------------------------------- reading binary
def _read_binary(
    f: IO[bytes], path: Path, limit: int | None, unicode_errors: str
) -> tuple[list[str], np.ndarray]:
    first = f.readline(1 << 16)
    header = _parse_header(first)
    if header is None:
        raise FormatError(
            f"{path}:1: expected a header 'N D' (word count, dimension), got {first[:60]!r}"
        )
    declared, dim = header
    n = declared if limit is None else min(declared, limit)
    data = f.read()
    size = len(data)
    _check_dim(dim, size, n, path)
    if n == 0 and dim > size:
        if limit is None and data.strip():
            raise FormatError(f"{path}: the header says 0 words but more data follows; fix "
                              "the header")
        return [], np.empty((0, dim), dtype=np.float32)
    rowbytes = 4 * dim
    header_len = len(first)
    # each record is at least a 1-byte word, a space and the floats: check before allocating
    if n * (rowbytes + 2) > size + 1:
        have = size // (rowbytes + 2)
        raise FormatError(
            f"{path}: the header says {declared:,} words of {dim:,} float32 but the "
            f"{size:,} bytes after it hold at most {have:,}; the file is truncated or the "
            "header is wrong"
        )
    keys: list[str] = []
    vecs = np.empty((n, dim), dtype=np.float32)
    pos = 0
    for i in range(n):
        if i and pos < size and data[pos] == 0x0A:  # the optional newline after a record
            pos += 1
        at = f"{path}: record {i + 1:,} (byte {header_len + pos:,})"
        sp = data.find(b" ", pos)
        if sp < 0:
            raise FormatError(
                f"{at}: truncated: the header says {declared:,} words but the data ends "
                "before this word's space"
            )
        word = data[pos:sp]
        if not word or b"\n" in word:
            raise FormatError(
                f"{at}: expected a word followed by a space, got {data[pos : pos + 40]!r}; "
                "the file is corrupt, not word2vec binary, or its header's dimension is wrong"
            )
        start = sp + 1
        if start + rowbytes > size:
            raise FormatError(
                f"{path}: truncated in the vector of word {i + 1:,} ({word[:40]!r}, byte "
                f"{header_len + start:,}): {size - start:,} of {rowbytes:,} bytes present"
            )
        keys.append(_decode(word, unicode_errors, at))
        vecs[i] = np.frombuffer(data, dtype="<f4", count=dim, offset=start)
        pos = start + rowbytes
    if limit is None or limit >= declared:
        if data[pos:].strip():
            raise FormatError(
                f"{path}: byte {header_len + pos:,}: the header says {declared:,} words but "
                "more data follows the last one; fix the header"
            )
    return keys, vecs


# ----------------------------------------------------------------------- writing
def _check_words(keys: list[str], *, binary: bool, glove: bool) -> list[bytes]:
    """The UTF-8 bytes of each word, refusing what the reader would not give back exactly."""
    fmt = "word2vec binary" if binary else ("GloVe text" if glove else "word2vec text")
    out = []
    for i, k in enumerate(keys):
        why = None
        if not k:
            why = "is empty"
        elif "\n" in k:
            why = "contains a line break"
        elif binary and any(c in k for c in _WS_CHARS):
            why = "contains whitespace (the binary format ends a word at its first space)"
        elif not binary and k != k.strip(_WS_CHARS):
            why = "begins or ends with whitespace, which a reader strips"
        if why is None:
            try:
                b = k.encode("utf-8")
            except UnicodeEncodeError:
                why = "is not encodable as UTF-8 (it holds a lone surrogate)"
            else:
                if not binary and _ends_in_number(b):
                    why = ("has a last token that is a number, which a reader takes for part "
                           "of the vector")
        if why is not None:
            raise FormatError(
                f"word #{i} {k[:40]!r} {why}, so it cannot be written to the {fmt} format "
                "and read back; rename or drop it, or save natively (.wsv)"
            )
        out.append(b)
    return out


def _ends_in_number(word: bytes) -> bool:
    parts = word.rsplit(None, 1)
    return len(parts) == 2 and _is_number(parts[1])


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
    (``write_header=False``). Compressed when the name ends in .gz/.bz2/.xz. Atomic.

    ``precision`` is the number of significant digits of text formats (9 gives float32
    values back exactly). Words the reader could not give back exactly are refused with a
    :class:`FormatError` before anything is written.
    """
    if binary and not write_header:
        raise ParameterError("the binary format always has a header")
    if isinstance(precision, bool) or not isinstance(precision, int | np.integer) or not (
        1 <= precision <= 17
    ):
        raise ParameterError(f"precision must be an integer from 1 to 17 digits, got {precision!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | np.integer)
                              or limit < 0):
        raise ParameterError(f"limit must be an integer >= 0 (or None for all), got {limit!r}")
    n = len(wv) if limit is None else min(int(limit), len(wv))
    if wv.vector_size < 1:
        raise FormatError("vectors of dimension 0 cannot be written to the word2vec formats")
    glove = not write_header
    if glove and n == 0:
        raise FormatError(
            "no words to write: an empty GloVe text file (it has no header) cannot be read "
            "back; write a header (write_header=True) or save natively"
        )
    vecs = np.asarray(wv.vectors[:n], dtype="<f4")
    keys = _check_words(list(wv.index_to_key[:n]), binary=binary, glove=glove)
    fmt = f"%.{int(precision)}g"
    with atomic_path(path) as tmp:
        with open_write(tmp, path) as out:
            if write_header:
                out.write(f"{n} {wv.vector_size}\n".encode())
            step = 10_000
            for s in range(0, n, step):
                block = vecs[s : s + step]
                if binary:
                    out.write(b"".join(
                        k + b" " + row.tobytes() + b"\n"
                        for k, row in zip(keys[s : s + step], block, strict=True)
                    ))
                else:
                    buf = io.StringIO()
                    np.savetxt(buf, block, fmt=fmt, delimiter=" ")
                    rows = buf.getvalue().encode("ascii").split(b"\n")
                    text = b"".join(
                        k + b" " + r + b"\n"
                        for k, r in zip(keys[s : s + step], rows, strict=False)
                    )
                    head = text.split(b"\n", 1)[0]
                    if glove and s == 0 and _parse_header(head) is not None:
                        raise FormatError(
                            f"the first GloVe line {head[:40]!r} would read "
                            "as a word2vec header 'N D'; write a header (write_header=True) or "
                            "save natively"
                        )
                    out.write(text)
            out.flush()


# ------------------------------------------------------------------------ native
def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


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
    if "format_version" not in meta:
        raise bad("format_version", "is missing")
    v = meta["format_version"]
    if not _is_int(v):
        raise bad("format_version", f"must be an integer, got {str(v)[:40]!r}")
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
            raise bad(f"arrays[{i}]", f"must be a plain identifier (letters, digits, _), got "
                                      f"{str(a)[:60]!r}")
        if a in seen_arrays:
            raise bad(f"arrays[{i}]", f"repeats the array name {a!r}")
        seen_arrays.add(a)
    for field in ("count", "vector_size"):
        if field in meta and (not _is_int(meta[field]) or meta[field] < 0):
            raise bad(field, f"must be an integer >= 0, got {str(meta[field])[:40]!r}")
    for field in ("kind", "model"):
        if field in meta and not isinstance(meta[field], str):
            raise bad(field, f"must be a string, got {str(meta[field])[:40]!r}")
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
                    raise bad(f"index_to_key[{i}]", f"repeats the word {k[:40]!r} of "
                                                    f"index_to_key[{first[k]}]; words must be unique")
        if "count" in meta and meta["count"] != len(keys):
            raise bad("count", f"is {meta['count']:,} but index_to_key lists {len(keys):,} words")
    if "provenance" in meta:
        prov = meta["provenance"]
        if not isinstance(prov, dict):
            raise bad("provenance", f"must be an object, got a {type(prov).__name__}")
        if "tokenizer" in prov:
            tok = prov["tokenizer"]
            if not isinstance(tok, dict):
                raise bad("provenance.tokenizer", f"must be an object, got a {type(tok).__name__}")
            unknown = sorted(set(tok) - {"lowercase", "normalize"})
            if unknown:
                raise bad("provenance.tokenizer", f"has unknown settings {unknown}; known: "
                                                  "'lowercase', 'normalize'")
            for key in ("lowercase", "normalize"):
                if not isinstance(tok.get(key), bool):
                    raise bad(f"provenance.tokenizer.{key}",
                              f"must be true or false, got {str(tok.get(key))[:40]!r}")


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
    path: str | os.PathLike,
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


_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
               OSError, ValueError, IndexError, OverflowError)


def read_native(
    path: str | os.PathLike, *, mmap: bool = False
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read a native model: ``(arrays, meta)``. ``mmap=True`` maps arrays read-only."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file or directory")
    if p.is_dir():
        return _read_dir(p, mmap)
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
            f"{p}: the archive is corrupt ({type(e).__name__}: {e}); save or copy the model "
            "again"
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
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError,
            UnicodeDecodeError):
        raise FormatError(f"{where}: the .npy header is unreadable") from None
    if not isinstance(d, dict) or set(d) != {"descr", "fortran_order", "shape"}:
        raise FormatError(f"{where}: the .npy header lacks descr/fortran_order/shape")
    shape, fortran = d["shape"], d["fortran_order"]
    if (not isinstance(shape, tuple) or not all(_is_int(s) and s >= 0 for s in shape)
            or len(shape) > 32):
        raise FormatError(f"{where}: the .npy shape {str(shape)[:60]} is not a tuple of sizes")
    if not isinstance(fortran, bool):
        raise FormatError(f"{where}: the .npy header's fortran_order is not true/false")
    try:
        dtype = np.lib.format.descr_to_dtype(d["descr"])
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, SyntaxError,
            RecursionError, OverflowError):
        raise FormatError(f"{where}: the .npy dtype {str(d['descr'])[:60]} is unreadable") from None
    if (dtype.hasobject or dtype.kind not in kinds or dtype.fields is not None
            or dtype.subdtype is not None or dtype.itemsize == 0):
        what = "a real numeric type (bool, integer or float)" if kinds == "biuf" else (
            f"of the kinds {kinds!r}")
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


def _read_exact(fh: IO[bytes], shape: tuple[int, ...], fortran: bool, dtype: np.dtype,
                nbytes: int, where: str) -> np.ndarray:
    try:
        arr = np.empty(math.prod(shape), dtype=dtype)
    except MemoryError:
        raise FormatError(
            f"{where}: {nbytes:,} bytes do not fit in memory; load with mmap=True"
        ) from None
    view = memoryview(arr.view(np.uint8))
    got = 0
    while got < nbytes:
        k = fh.readinto(view[got : got + (1 << 24)])
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
            return np.memmap(f, dtype=dtype, mode="r", offset=hlen, shape=shape,
                             order="F" if fortran else "C")
        return _read_exact(fh, shape, fortran, dtype, nbytes, str(f))


def _member_limit(p: Path, info: zipfile.ZipInfo, archive_size: int, budget: list[int]) -> int:
    """The most bytes ``info`` may inflate to; compressed members draw on ``budget``."""
    if info.compress_type == zipfile.ZIP_STORED:
        if info.file_size != info.compress_size or info.header_offset + info.file_size > archive_size:
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
    path: str | os.PathLike, names: tuple[str, ...], *, kinds: str = "biuf",
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
    return np.memmap(p, dtype=dtype, mode="r", offset=data_start + hlen, shape=shape,
                     order="F" if fortran else "C")


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
    extras = {k.removeprefix("extra_"): arrays.pop(k) for k in list(arrays) if k.startswith("extra_")}
    for name, arr in extras.items():
        if arr.ndim < 1 or arr.shape[0] != len(keys):
            raise FormatError(
                f"{path}: extra_{name}.npy must have one row per word ({len(keys):,}), got "
                f"shape {arr.shape}"
            )
    _warn_nonfinite(vecs, str(path))
    wv = WordVectors(keys, vecs, counts=counts, extras=extras, meta=meta.get("provenance", {}))
    return wv, arrays
