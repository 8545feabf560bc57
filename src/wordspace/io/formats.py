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

The native format (``.wsv``) lives in :mod:`wordspace.io.native`.
"""

from __future__ import annotations

import io
import logging
import os
import re
import warnings
import zipfile
from itertools import islice
from pathlib import Path
from typing import IO

import numpy as np

from wordspace._files import (
    COMMIT_DIR,
    atomic_path,
    bounded_lines,
    check_regular,
    line_too_long,
    max_line_bytes,
    open_binary,
    open_write,
    read_bounded,
    read_line,
)
from wordspace.errors import FormatError, ParameterError
from wordspace.vectors.keyed import WordVectors

__all__ = [
    "FORMATS",
    "FORMAT_ALIASES",
    "format_name",
    "format_for_path",
    "detect_format",
    "load_word2vec_format",
    "save_word2vec_format",
    "open_binary",
    "atomic_path",
]

logger = logging.getLogger(__name__)

#: The one set of format names: what :func:`detect_format` returns, what
#: ``meta["source_format"]`` of loaded vectors holds, what :func:`wordspace.save` and the CLI's
#: ``--format`` take.
FORMATS = (
    "native",
    "word2vec-text",
    "word2vec-binary",
    "glove-text",
    "fasttext-vec",
    "fasttext-bin",
)
#: Short names the CLI has always taken for the same formats (still accepted everywhere).
FORMAT_ALIASES = {"word2vec": "word2vec-text", "glove": "glove-text", "fasttext": "fasttext-vec"}
#: The file name ending each format is written with by default.
EXTENSIONS = {
    "native": ".wsv",
    "word2vec-text": ".txt",
    "word2vec-binary": ".bin",
    "glove-text": ".txt",
    "fasttext-vec": ".vec",
    "fasttext-bin": ".bin",
}


def format_name(name: str, option: str = "format") -> str:
    """The format's name in :data:`FORMATS` (an alias of :data:`FORMAT_ALIASES` is taken);
    :class:`ParameterError` naming ``option`` for anything else."""
    fmt = FORMAT_ALIASES.get(name, name) if isinstance(name, str) else name
    if fmt not in FORMATS:
        aliases = ", ".join(f"{a} = {c}" for a, c in FORMAT_ALIASES.items())
        raise ParameterError(
            f"{option} must be one of {', '.join(FORMATS)} (or {aliases}); got {name!r}"
        )
    return str(fmt)


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The format a file is written in when none is named, judged by its name: a directory,
    ``.wsv`` or ``.zip`` native, ``.bin`` word2vec-binary, ``.vec`` fasttext-vec, ``.txt``
    word2vec-text (a compression suffix is looked through); anything else native."""
    name = os.fspath(path).lower()
    for comp in (".gz", ".bz2", ".xz"):
        name = name.removesuffix(comp)
    if name.endswith((".wsv", ".zip")) or Path(path).is_dir():
        return "native"
    if name.endswith(".bin"):
        return "word2vec-binary"
    if name.endswith(".vec"):
        return "fasttext-vec"
    if name.endswith(".txt"):
        return "word2vec-text"
    return "native"


# a number as the parse kernel reads it (ASCII digits only; no '_' as Python's float allows)
_NUMBER = re.compile(
    rb"[+-]?(?:nan|inf|infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)\Z", re.IGNORECASE
)
_HEADER = re.compile(rb"[ \t\r\v\f]*([0-9]{1,19})[ \t\r\v\f]+([0-9]{1,19})[ \t\r\v\f]*\n?\Z")
# bytes that never occur in a text vector file: C0 controls other than whitespace, DEL
_NON_TEXT = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_WS_CHARS = " \t\n\r\v\f"
# meta.json larger than this (inflated, compressed members only) is refused
# total inflated size allowed for compressed members beyond the archive's own size


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
def detect_format(path: str | os.PathLike[str]) -> str:
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
    check_regular(p)  # a FIFO or a device is refused before it is opened
    with open(p, "rb") as raw:
        magic = raw.read(4)
    if magic == b"\xba\x16\x4f\x2f":  # fastText's 793712314, little-endian
        return "fasttext-bin"
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
        complete = not f.read(1)
    if not first and not rest:
        raise FormatError(f"{p} is empty")
    header = _parse_header(first)
    if header is None:
        return "glove-text"
    rows = rest.split(b"\n")
    if len(rows) > 1 and not complete:
        rows = rows[:-1]  # the last may be cut off by the sample
    text_rows = all(_is_text_row(r, header[1]) for r in rows[:64] if r.strip())
    # rows of a word and numbers, of the wrong width: a malformed text file (its reader
    # names the line), never binary read as garbage words and numbers
    numeric_rows = all(_is_numeric_row(r) for r in rows[:64] if r.strip())
    if (
        not text_rows
        and not numeric_rows
        and (
            _NON_TEXT.search(rest)
            or not _is_utf8_prefix(rest)
            or _is_binary_prefix(rest, *header, complete)
        )
    ):
        return "word2vec-binary"
    return "fasttext-vec" if _bare_name(p).endswith(".vec") else "word2vec-text"


def _bare_name(path: str | os.PathLike[str]) -> str:
    """The file name, lower case, without a compression suffix."""
    name = Path(path).name.lower()
    for comp in (".gz", ".bz2", ".xz"):
        name = name.removesuffix(comp)
    return name


def _is_binary_prefix(data: bytes, count: int, dim: int, complete: bool) -> bool:
    """``data`` has word2vec binary's structure: records of a word (no space or newline), a
    space, ``dim`` float32, an optional newline; exactly ``count`` of them when ``complete``
    (then nothing may follow), else as many as the sample holds."""
    pos = n = 0
    while n < min(count, 64) and pos < len(data):
        sp = data.find(b" ", pos)
        if sp <= pos or b"\n" in data[pos:sp]:
            return False
        end = sp + 1 + 4 * dim
        if end > len(data):
            return not complete and n > 0
        pos = end + (data[end : end + 1] == b"\n")
        n += 1
    if n == count:
        return not complete or pos == len(data)  # nothing may follow the last record
    return n > 0 and (n == 64 or not complete)  # 64 records checked, or the sample ended


def _is_text_row(row: bytes, dim: int) -> bool:
    fields = row.rsplit(None, min(dim, len(row) + 1))
    return len(fields) == dim + 1 and _all_numbers(fields[1:])


def _is_numeric_row(row: bytes) -> bool:
    fields = row.split()
    return len(fields) >= 2 and _all_numbers(fields[1:])


def _is_utf8_prefix(b: bytes) -> bool:
    """Valid UTF-8, allowing a character cut off at the end."""
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        return e.reason == "unexpected end of data" and e.start >= len(b) - 3


# ------------------------------------------------------------------ reading text
def load_word2vec_format(
    path: str | os.PathLike[str],
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
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int | np.integer) or limit < 0
    ):
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
                where = (
                    f"records {seen[k] + 1} and {i + 1}"
                    if binary
                    else f"lines {seen[k] + first_line} and {i + first_line}"
                )
                raise FormatError(f"{p}: duplicate word {k!r} at {where}; words must be unique")
            seen[k] = i
    fmt_name = "word2vec-binary" if binary else ("glove-text" if no_header else "word2vec-text")
    if fmt_name == "word2vec-text" and _bare_name(p).endswith(".vec"):
        fmt_name = "fasttext-vec"  # as detect_format names it
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
    bound = max_line_bytes()  # every line is bounded (wordspace._files.MAX_LINE_BYTES)
    first = read_line(f, bound)
    if first is None:
        raise line_too_long(path, "line 1", bound or 0)
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
            data = first + read_bounded(f, path, start=2)
        elif limit == 0:
            data = b""
        else:
            data = first + b"".join(islice(bounded_lines(f, path, start=2), limit - 1))
    else:
        header = _parse_header(first)
        if header is None:
            raise FormatError(
                f"{path}:1: expected a header 'N D' (word count, dimension), got "
                f"{first[:60]!r}; for GloVe files without a header pass no_header=True"
            )
        expected_n, dim = header
        lineno0 = 2
        data = (
            b"".join(islice(bounded_lines(f, path, start=2), limit))
            if limit is not None
            else read_bounded(f, path, start=2)
        )
        _check_dim(dim, len(data), expected_n if limit is None else min(limit, expected_n), path)
        if 2 * dim + 1 > len(data):  # no row fits: nothing to parse
            if data.strip():
                raise FormatError(
                    f"{path}:2: the header says 0 words but the file has more lines; fix the header"
                )
            return [], np.empty((0, dim), dtype=np.float32)
    want = (
        expected_n if limit is None else (limit if expected_n is None else min(limit, expected_n))
    )
    keys, vecs = _parse_block(data, dim, want, expected_n, path, lineno0, unicode_errors)
    n = len(keys)
    if expected_n is not None and n < (want or 0):
        raise FormatError(
            f"{path}: the header says {expected_n:,} words but the file ends after "
            f"{n:,} (line {lineno0 + n - 1}); the file is truncated or the header is wrong"
        )
    return keys, vecs


def _parse_block(
    data: bytes,
    dim: int,
    want: int | None,
    declared: int | None,
    path: Path,
    lineno0: int,
    unicode_errors: str,
) -> tuple[list[str], np.ndarray]:
    """Parse the vector lines of ``data``: at most ``want`` of them (all when None)."""
    from wordspace.kernels import parse as K

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
            raise FormatError(
                f"{path}: the header says 0 words but more data follows; fix the header"
            )
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
    bound = max_line_bytes()  # a record's word is bounded as a text line is
    for i in range(n):
        if i and pos < size and data[pos] == 0x0A:  # the optional newline after a record
            pos += 1
        at = f"{path}: record {i + 1:,} (byte {header_len + pos:,})"
        sp = data.find(b" ", pos, size if bound is None else pos + bound + 1)
        if sp < 0 and bound is not None and size - pos > bound:
            raise line_too_long(path, f"record {i + 1:,}", bound, what="word")
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
                    why = (
                        "has a last token that is a number, which a reader takes for part "
                        "of the vector"
                    )
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
    path: str | os.PathLike[str],
    *,
    binary: bool = False,
    write_header: bool = True,
    precision: int = 9,
    limit: int | None = None,
) -> None:
    """Write word2vec text (header ``"N D"``), word2vec binary, or GloVe text
    (``write_header=False``). Compressed when the name ends in .gz/.bz2/.xz. Atomic.

    ``precision`` is the number of significant digits of text formats: the default 9 gives
    every float32 value back exactly (as gensim's ``repr`` and the C tool's readers expect);
    fewer digits make smaller, lossy files. Words the reader could not give back exactly are refused with a
    :class:`FormatError` before anything is written.
    """
    if binary and not write_header:
        raise ParameterError("the binary format always has a header")
    if (
        isinstance(precision, bool)
        or not isinstance(precision, int | np.integer)
        or not (1 <= precision <= 17)
    ):
        raise ParameterError(f"precision must be an integer from 1 to 17 digits, got {precision!r}")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int | np.integer) or limit < 0
    ):
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
                    out.write(
                        b"".join(
                            k + b" " + row.tobytes() + b"\n"
                            for k, row in zip(keys[s : s + step], block, strict=True)
                        )
                    )
                else:
                    buf = io.StringIO()
                    np.savetxt(buf, block, fmt=fmt, delimiter=" ")
                    rows = buf.getvalue().encode("ascii").split(b"\n")
                    text = b"".join(
                        k + b" " + r + b"\n" for k, r in zip(keys[s : s + step], rows, strict=False)
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
