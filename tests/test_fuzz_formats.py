"""Property-based fuzzing of every vector and model format (hypothesis).

Readers: valid files of each format are mutated (truncated, bytes flipped, lines inserted or
deleted, headers forged). The reader must either give exactly what a reference parser (plain
Python, written from the format's definition) gives, or raise a WordspaceError: never another
exception, never a hang, never a large allocation. Writers: arbitrary words and float32
vectors either round-trip exactly or are refused with a typed error before anything is
written.

A few hundred examples run in the normal test run; set WORDSPACE_FUZZ_EXAMPLES=N for N per
test. Runs are derandomized (no example database), so CI is reproducible.
"""

from __future__ import annotations

import gzip
import os
import re
import resource
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wordspace as ws
from wordspace import WordspaceError, WordVectors
from wordspace.io import formats as F

_ENV = int(os.environ.get("WORDSPACE_FUZZ_EXAMPLES", "0") or 0)


def _settings(n: int):
    return settings(
        max_examples=_ENV or n,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


_SECONDS = 10.0  # one load of a file of a few hundred bytes; generous for slow CI
_RSS_GROWTH_KIB = 200 * 1024


pytestmark = pytest.mark.filterwarnings("ignore:.*hold NaN or infinity:RuntimeWarning")


@pytest.fixture(scope="module")
def rss0(tmp_path_factory):
    # compile the parse kernel first: compilation is not what the time bound is about
    p = tmp_path_factory.mktemp("warm") / "v.txt"
    p.write_text("1 2\na 1 2\n")
    ws.load(p)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _check_memory(rss0):
    """The process's peak memory since the module started (a loose bound: it also holds the
    test's own allocations over all examples); each load is bounded in ``_load_or_error``."""
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0 < 4 * _RSS_GROWTH_KIB


# ------------------------------------------------------------------ the reference parser
_NUM = re.compile(
    rb"[+-]?(?:nan|inf|infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)\Z", re.IGNORECASE
)
_HDR = re.compile(rb"[ \t\r\v\f]*([0-9]{1,19})[ \t\r\v\f]+([0-9]{1,19})[ \t\r\v\f]*\Z")
_SP = b" \t\r\v\f"


class Invalid(Exception):
    """The reference parser rejects the file."""


def ref_text(data: bytes, *, header: bool) -> tuple[list[str], np.ndarray]:
    """word2vec text / .vec (header) or GloVe (no header), from the definition."""
    lines = data.split(b"\n")
    if header:
        m = _HDR.match(lines[0])
        if m is None:
            raise Invalid("header")
        n, dim = int(m.group(1)), int(m.group(2))
        if dim < 1 or dim > 1 << 31:  # wordspace's stated limit on a dimension
            raise Invalid("dim")
        rows = lines[1:]
    else:
        if not lines[0].strip(_SP):
            raise Invalid("empty")
        parts = lines[0].split()
        dim = len(parts) - 1
        while dim > 0 and not all(_NUM.match(x) for x in parts[-dim:]):
            dim -= 1
        if dim < 1:
            raise Invalid("no numbers")
        n, rows = None, lines
    # blank lines are allowed only at the end
    content = [r.rstrip(_SP) for r in rows]
    while content and not content[-1]:
        content.pop()
    if any(not r for r in content):
        raise Invalid("blank line")
    if n is not None and len(content) != n:
        raise Invalid("count")
    keys, vecs = [], []
    for r in content:
        parts = r.rsplit(None, min(dim, len(r) + 1))
        if len(parts) != dim + 1 or not all(_NUM.match(x) for x in parts[1:]):
            raise Invalid("row")
        word = parts[0].strip(_SP)
        if not word:
            raise Invalid("no word")
        toks = word.split()
        if len(toks) > 1 and _NUM.match(toks[-1]):
            raise Invalid("word ends in a number")
        try:
            keys.append(word.decode("utf-8"))
        except UnicodeDecodeError:
            raise Invalid("utf-8") from None
        vecs.append([float(x) for x in parts[1:]])
    if len(set(keys)) != len(keys):
        raise Invalid("duplicate")
    return keys, np.array(vecs, dtype=np.float64).reshape(len(keys), dim).astype(np.float32)


def ref_binary(data: bytes) -> tuple[list[str], np.ndarray]:
    nl = data.find(b"\n")
    if nl < 0:  # a header alone may end the file without its newline
        nl = len(data)
    m = _HDR.match(data[:nl])
    if m is None:
        raise Invalid("header")
    n, dim = int(m.group(1)), int(m.group(2))
    if dim < 1 or dim > 1 << 31:  # wordspace's stated limit on a dimension
        raise Invalid("dim")
    pos = nl + 1
    keys, vecs = [], []
    for i in range(n):
        if i and data[pos : pos + 1] == b"\n":
            pos += 1
        sp = data.find(b" ", pos)
        if sp < 0:
            raise Invalid("truncated")
        word = data[pos:sp]
        if not word or b"\n" in word:
            raise Invalid("word")
        if sp + 1 + 4 * dim > len(data):
            raise Invalid("truncated")
        try:
            keys.append(word.decode("utf-8"))
        except UnicodeDecodeError:
            raise Invalid("utf-8") from None
        vecs.append(np.frombuffer(data, "<f4", dim, sp + 1))
        pos = sp + 1 + 4 * dim
    if data[pos:].strip():
        raise Invalid("trailing")
    if len(set(keys)) != len(keys):
        raise Invalid("duplicate")
    return keys, np.array(vecs, dtype=np.float32).reshape(n, dim)


def _same(got: WordVectors, keys: list[str], vecs: np.ndarray) -> None:
    assert got.index_to_key == keys
    assert got.vectors.shape == vecs.shape
    a, b = np.asarray(got.vectors, np.float32), vecs
    assert (np.isnan(a) == np.isnan(b)).all()
    ok = ~np.isnan(a)
    # the kernel is exact for mantissas of up to 19 digits, within one ulp beyond
    np.testing.assert_array_max_ulp(a[ok], b[ok], maxulp=1)


# ----------------------------------------------------------------------- mutations
_VOCAB = st.sampled_from(["the", "of", "Köln", "naïve", "new york", "a", "x1", "日本"])


_VOCAB_NO_SPACE = st.sampled_from(["the", "of", "Köln", "naïve", "a", "x1", "日本", "ü"])


@st.composite
def vectors(draw, spaces=True):
    n = draw(st.integers(1, 6))
    d = draw(st.integers(1, 4))
    words = draw(
        st.lists(_VOCAB if spaces else _VOCAB_NO_SPACE, min_size=n, max_size=n, unique=True)
    )
    vals = draw(
        st.lists(
            st.floats(-1e6, 1e6, width=32, allow_subnormal=True), min_size=n * d, max_size=n * d
        )
    )
    return WordVectors(words, np.array(vals, np.float32).reshape(n, d))


_JUNK = st.binary(min_size=0, max_size=12) | st.sampled_from(
    [
        b"1 2",
        b"0 0",
        b"99999999999999999999 3",
        b"1000000000000 4",
        b"3 1000000000000",
        b"nan",
        b"-inf",
        b"1e999",
        b" ",
        b"\t",
        b"\r",
        b"\x00",
        b"\xff\xfe",
        b"PK\x03\x04",
    ]
)


@st.composite
def mutated(draw, data: bytes):
    """Apply one to three mutations: truncate, flip, insert/delete a line, forge a header."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "header", "splice"]))
        if kind == "truncate":
            data = data[: draw(st.integers(0, max(len(data) - 1, 0)))]
        elif kind == "flip" and data:
            i = draw(st.integers(0, len(data) - 1))
            data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
        elif kind in ("insert", "delete", "header"):
            lines = data.split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            if kind == "insert":
                lines.insert(i, draw(_JUNK))
            elif kind == "delete" and len(lines) > 1:
                del lines[i]
            else:
                n = draw(st.integers(0, 12) | st.sampled_from([10**12, 10**19 - 1]))
                d = draw(st.integers(0, 6) | st.sampled_from([10**12, 10**19 - 1]))
                lines[0] = f"{n} {d}".encode()
            data = b"\n".join(lines)
        elif kind == "splice":
            i = draw(st.integers(0, len(data)))
            data = data[:i] + draw(_JUNK) + data[i:]
    return data


def _load_or_error(fn):
    """Call fn: return its result, or None when it raised a WordspaceError (any other
    exception propagates and fails the test). Also bounds its time and memory."""
    t0 = time.perf_counter()
    peak0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        return fn()
    except WordspaceError:
        return None
    finally:
        assert time.perf_counter() - t0 < _SECONDS
        # one load may raise the process's peak memory by at most this much
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak0 < _RSS_GROWTH_KIB


_TEXT_KINDS = {
    "word2vec-text": ("v.txt", True),
    "fasttext-vec": ("v.vec", True),
    "glove-text": ("v.txt", False),
}


@pytest.mark.parametrize("kind", list(_TEXT_KINDS))
@_settings(50)
@given(data=st.data())
def test_fuzz_text_formats(tmp_path, rss0, kind, data):
    name, header = _TEXT_KINDS[kind]
    wv = data.draw(vectors())
    p = tmp_path / name
    wv.save_word2vec_format(p, write_header=header, precision=9)
    raw = data.draw(mutated(p.read_bytes()))
    p.write_bytes(raw)
    got = _load_or_error(lambda: F.load_word2vec_format(p, binary=False, no_header=not header))
    try:
        keys, vecs = ref_text(raw, header=header)
    except Invalid:
        assert got is None, "the reference parser rejects this file but wordspace loaded it"
    else:
        assert got is not None, "the reference parser reads this file but wordspace refused it"
        _same(got, keys, vecs)
    _load_or_error(lambda: ws.load(p))  # detection: any outcome, but only typed errors
    _check_memory(rss0)


@_settings(60)
@given(data=st.data())
def test_fuzz_word2vec_binary(tmp_path, rss0, data):
    wv = data.draw(vectors(spaces=False))
    p = tmp_path / "v.bin"
    wv.save_word2vec_format(p, binary=True)
    raw = data.draw(mutated(p.read_bytes()))
    p.write_bytes(raw)
    got = _load_or_error(lambda: F.load_word2vec_format(p, binary=True))
    try:
        keys, vecs = ref_binary(raw)
    except Invalid:
        assert got is None, "the reference parser rejects this file but wordspace loaded it"
    else:
        assert got is not None, "the reference parser reads this file but wordspace refused it"
        assert got.index_to_key == keys
        np.testing.assert_array_equal(got.vectors, vecs)
    _load_or_error(lambda: ws.load(p))
    _check_memory(rss0)


@_settings(30)
@given(data=st.data())
def test_fuzz_compressed_text(tmp_path, rss0, data):
    wv = data.draw(vectors())
    p = tmp_path / "v.txt.gz"
    wv.save_word2vec_format(p, precision=9)
    original = gzip.decompress(p.read_bytes())
    raw = data.draw(mutated(p.read_bytes()))
    p.write_bytes(raw)
    got = _load_or_error(lambda: F.load_word2vec_format(p, binary=False, no_header=False))
    if got is not None:  # gzip's CRC: whatever loads is what was written
        keys, vecs = ref_text(original, header=True)
        _same(got, keys, vecs)
    _check_memory(rss0)


def _native_files(tmp_path: Path, layout: str) -> tuple[Path, WordVectors]:
    rng = np.random.default_rng(0)
    wv = WordVectors(
        ["a", "b", "Köln"],
        rng.standard_normal((3, 2)).astype(np.float32),
        counts=[3, 2, 1],
        extras={"values": np.array([0.5, 1.5, 2.5])},
        meta={"source": "fuzz"},
    )
    p = Path(tempfile.mkdtemp(dir=tmp_path)) / f"m-{layout}"
    wv.save(p, layout=layout)
    return p, wv


def _same_as_reference(p: Path, raw: bytes, got: WordVectors) -> None:
    fmt = F.detect_format(p)
    if fmt == "word2vec-binary":
        keys, vecs = ref_binary(raw)
        assert got.index_to_key == keys
        np.testing.assert_array_equal(got.vectors, vecs)
    else:
        _same(got, *ref_text(raw, header=fmt != "glove-text"))


@pytest.mark.parametrize("mmap", [False, True])
@_settings(40)
@given(data=st.data())
def test_fuzz_native_zip(tmp_path, rss0, mmap, data):
    p, wv = _native_files(tmp_path, "zip")
    raw = data.draw(mutated(p.read_bytes()))
    p.write_bytes(raw)
    got = _load_or_error(lambda: ws.load(p, mmap=mmap))
    if got is not None:
        assert got.vectors.shape == (len(got.index_to_key), got.vector_size)
        if not zipfile.is_zipfile(p):  # the mutation made it another format
            _same_as_reference(p, raw, got)
        elif not mmap:  # every member is read through its CRC: the original or an error
            assert got.index_to_key == wv.index_to_key
            np.testing.assert_array_equal(got.vectors, wv.vectors)
            np.testing.assert_array_equal(got.counts, wv.counts)
    _check_memory(rss0)


@pytest.mark.parametrize("member", ["meta.json", "vectors.npy", "counts.npy"])
@_settings(25)
@given(data=st.data())
def test_fuzz_native_dir(tmp_path, rss0, member, data):
    p, wv = _native_files(tmp_path, "dir")
    f = p / member
    before = f.read_bytes()
    raw = data.draw(mutated(before))
    f.write_bytes(raw)
    for mmap in (False, True):
        got = _load_or_error(lambda: ws.load(p, mmap=mmap))  # noqa: B023
        if got is None:
            continue
        assert got.vectors.shape == (len(got.index_to_key), got.vector_size)
        if member == "meta.json":
            assert np.asarray(got.vectors).tobytes() == wv.vectors.tobytes()
    _check_memory(rss0)


@_settings(30)
@given(data=st.data())
def test_fuzz_cooccurrence(tmp_path, rss0, data):
    from wordspace.io.cooccurrence import load_cooccurrence, save_cooccurrence
    from wordspace.text.cooccurrence import cooccurrence_matrix

    X = cooccurrence_matrix(np.array([0, 1, 2, 1, 0, 2, 2], np.int32), None, 3, window=2)
    p = tmp_path / "c.npz"
    compressed = data.draw(st.booleans())
    save_cooccurrence(
        p, X, words=["a", "b", "c"], counts=[1, 2, 3], meta={"window": 2}, compressed=compressed
    )
    raw = data.draw(mutated(p.read_bytes()))
    p.write_bytes(raw)
    got = _load_or_error(lambda: load_cooccurrence(p))
    if got is not None:  # members are read through their CRC
        M, words, counts, meta = got
        assert (M != X).nnz == 0
        if words is None:  # legal only when damage renamed the member away
            assert "words.npy" not in zipfile.ZipFile(p).namelist()
        else:
            assert words == ["a", "b", "c"]
    _check_memory(rss0)


# ------------------------------------------------------------------ writer round trips
_ANY_WORD = st.text(st.characters(codec=None, exclude_categories=()), min_size=0, max_size=8) | (
    st.sampled_from(
        [
            "route 66",
            "a nan",
            " x",
            "x ",
            "a\nb",
            "new york",
            "1",
            "0",
            "\t",
            "a\x00b",
            "\x1f",
            "\udc80",
            "inf",
            "1 2",
            "q\x0bq",
        ]
    )
)
_ANY_FLOAT = st.floats(width=32, allow_nan=True, allow_infinity=True, allow_subnormal=True)


@st.composite
def any_vectors(draw):
    n = draw(st.integers(0, 5))
    d = draw(st.integers(1, 3))
    words = draw(st.lists(_ANY_WORD, min_size=n, max_size=n, unique=True))
    vals = draw(st.lists(_ANY_FLOAT, min_size=n * d, max_size=n * d))
    return WordVectors(words, np.array(vals, np.float32).reshape(n, d))


def _bits_equal(a: np.ndarray, b: np.ndarray) -> None:
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    assert a.shape == b.shape
    assert (np.isnan(a) == np.isnan(b)).all()
    ok = ~np.isnan(a)
    assert a[ok].tobytes() == b[ok].tobytes()


_WRITERS = {
    "native-zip": ("m.wsv", lambda wv, p: wv.save(p, layout="zip")),
    "native-dir": ("m.d", lambda wv, p: wv.save(p, layout="dir")),
    "word2vec-text": ("v.txt", lambda wv, p: wv.save_word2vec_format(p, precision=9)),
    "word2vec-binary": ("v.bin", lambda wv, p: wv.save_word2vec_format(p, binary=True)),
    "glove-text": (
        "g.txt",
        lambda wv, p: wv.save_word2vec_format(p, write_header=False, precision=9),
    ),
    "fasttext-vec": ("v.vec", lambda wv, p: wv.save_word2vec_format(p, precision=9)),
}


@pytest.mark.parametrize("writer", list(_WRITERS))
@_settings(30)
@given(wv=any_vectors())
def test_writers_round_trip_exactly_or_refuse(tmp_path, writer, wv):
    name, write = _WRITERS[writer]
    p = Path(tempfile.mkdtemp(dir=tmp_path)) / name
    try:
        write(wv, p)
    except (ws.FormatError, ws.ParameterError):
        assert not p.exists()
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN rows warn, as they should
        back = ws.load(p)  # detected from the content
    assert back.index_to_key == wv.index_to_key
    _bits_equal(back.vectors, wv.vectors)
    if writer.startswith("native"):
        assert back.meta == wv.meta
    elif len(wv):  # with no words, binary "0 D" and text "0 D" are the same file
        assert back.meta["source_format"] == writer


def test_environment_variable_sets_the_examples(monkeypatch):
    assert _settings(7).max_examples == (_ENV or 7)
