"""Hostile and malformed vector files, native models and writers' inputs: one test (or more)
per class of failure: misdetection, unchecked sizes, decompression bombs, lax native
metadata, writers that write what readers cannot read, NaN rows, misleading messages."""

from __future__ import annotations

import io
import json
import resource
import zipfile

import numpy as np
import pytest

import wordspace as ws
from wordspace import FormatError, ParameterError, WordVectors
from wordspace.io import formats as F
from wordspace.io import native as N


def _wv(n=4, d=3, seed=0, words=None):
    rng = np.random.default_rng(seed)
    words = words or [f"w{i}" for i in range(n)]
    return WordVectors(words, rng.standard_normal((len(words), d)).astype(np.float32))


# ------------------------------------------------------- class 2: positive detection
def test_text_row_one_number_short_is_a_text_error_not_binary(tmp_path):
    p = tmp_path / "v.txt"
    p.write_text("2 4\nw1 0.1 0.2 0.3\nw2 0.5275 0.1 0.2 0.3\n")
    assert F.detect_format(p) == "word2vec-text"
    with pytest.raises(FormatError, match=r"v\.txt:2:.*expected a word and 4 numbers"):
        ws.load(p)


def test_binary_records_are_checked(tmp_path):
    wv = _wv(3, 2)
    p = tmp_path / "v.bin"
    wv.save_word2vec_format(p, binary=True)
    good = p.read_bytes()
    # more records than the header says
    p.write_bytes(good.replace(b"3 2\n", b"2 2\n", 1))
    with pytest.raises(FormatError, match="header says 2 words but more data follows"):
        ws.load(p)
    # a header dimension that does not match the records: misaligned words are caught
    p.write_bytes(good.replace(b"3 2\n", b"2 3\n", 1))
    with pytest.raises(FormatError, match=r"record 2 .*expected a word followed by a space"):
        F.load_word2vec_format(p, binary=True)
    # limit reads a prefix without complaining about the rest
    p.write_bytes(good + b"garbage after the last record")
    with pytest.raises(FormatError, match="more data follows"):
        F.load_word2vec_format(p, binary=True)
    assert F.load_word2vec_format(p, binary=True, limit=2).index_to_key == wv.index_to_key[:2]


def test_header_fields_must_be_plain_digits(tmp_path):
    p = tmp_path / "v.txt"
    p.write_text("1_0 2\na 1 2\n")  # Python's int() would accept 1_0
    assert F.detect_format(p) == "glove-text"
    with pytest.raises(FormatError):
        ws.load(p)


def test_truncated_wsv_says_so(tmp_path):
    p = tmp_path / "m.wsv"
    _wv().save(p)
    p.write_bytes(p.read_bytes()[:200])
    with pytest.raises(FormatError, match="truncated or corrupt") as e:
        ws.load(p)
    assert "no numbers" not in str(e.value)


# ------------------------------------------------------------- class 4: declared sizes
@pytest.mark.parametrize(
    "header",
    [b"1000000000000 4\n", b"2 1000000000000\n", b"9999999999999999999 9999999999999999999\n"],
)
@pytest.mark.parametrize("binary", [False, True])
def test_huge_headers_fail_before_allocating(tmp_path, header, binary):
    p = tmp_path / "v"
    p.write_bytes(header + (b"a " + b"\x00" * 16 + b"\n" if binary else b"a 1 2 3 4\n"))
    with pytest.raises(FormatError, match="truncated or the header is wrong"):
        F.load_word2vec_format(p, binary=binary)


def _npy_bytes(header: dict) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue()


def test_forged_npy_shape_in_wsv_and_npz(tmp_path):
    p = tmp_path / "m.wsv"
    _wv().save(p)
    with zipfile.ZipFile(p) as z:
        meta = z.read("meta.json")
    forged = _npy_bytes({"descr": "<f4", "fortran_order": False, "shape": (10**12, 10**6)})
    for layout in ("zip", "dir"):
        if layout == "zip":
            q = tmp_path / "forged.wsv"
            with zipfile.ZipFile(q, "w") as z:
                z.writestr("meta.json", meta)
                z.writestr("vectors.npy", forged + b"\0" * 48)
        else:
            q = tmp_path / "forged_dir"
            q.mkdir()
            (q / "meta.json").write_bytes(meta)
            (q / "vectors.npy").write_bytes(forged + b"\0" * 48)
        for mmap in (False, True):
            with pytest.raises(FormatError, match="declares shape"):
                ws.load(q, mmap=mmap)
    # the same in a co-occurrence archive
    c = tmp_path / "c.npz"
    with zipfile.ZipFile(c, "w") as z:
        for name in ("row", "col"):
            z.writestr(
                f"{name}.npy",
                _npy_bytes({"descr": "<i4", "fortran_order": False, "shape": (10**13,)}),
            )
        z.writestr("data.npy", _npy_bytes({"descr": "<f4", "fortran_order": False, "shape": (0,)}))
    with pytest.raises(FormatError, match="declares shape"):
        ws.load_cooccurrence(c)


def test_forged_cooccurrence_matrix_shape(tmp_path):
    c = tmp_path / "c.npz"
    np.savez(
        c,
        row=np.zeros(0, np.int32),
        col=np.zeros(0, np.int32),
        data=np.zeros(0, np.float32),
        shape=np.array([2**31 - 2, 2**31 - 2]),
    )
    with pytest.raises(FormatError, match="far more rows"):
        ws.load_cooccurrence(c)


# ---------------------------------------------------------- class 3: decompression bomb
def test_deflated_bomb_is_refused_within_bounded_memory(tmp_path):
    n, d = 4, 3
    wv = _wv(n, d)
    meta = {
        "format": "wordspace",
        "format_version": 1,
        "kind": "word_vectors",
        "count": n,
        "vector_size": d,
        "index_to_key": wv.index_to_key,
        "arrays": ["vectors"],
    }
    bomb_size = 1 << 30  # 1 GiB of zeros compresses to about 1 MB
    p = tmp_path / "bomb.wsv"
    header = _npy_bytes({"descr": "<f4", "fortran_order": False, "shape": (bomb_size // 4,)})
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("meta.json", json.dumps(meta))
        with z.open("vectors.npy", "w", force_zip64=True) as m:
            m.write(header)
            chunk = b"\0" * (1 << 24)
            for _ in range(bomb_size // len(chunk)):
                m.write(chunk)
    assert p.stat().st_size < 4 << 20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(FormatError, match="decompression bomb"):
        ws.load(p)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 100 * 1024
    # a meta.json bomb likewise
    q = tmp_path / "metabomb.wsv"
    with zipfile.ZipFile(q, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("meta.json", b'{"format": "wordspace", "x": "' + b" " * (64 << 20) + b'"}')
    with pytest.raises(FormatError, match="decompression bomb"):
        ws.load(q)


def test_deflated_members_of_fair_size_still_load(tmp_path):
    wv = _wv(50, 8)
    p = tmp_path / "m.wsv"
    wv.save(p)
    q = tmp_path / "deflated.wsv"
    with zipfile.ZipFile(p) as src, zipfile.ZipFile(q, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    back = ws.load(q)
    np.testing.assert_array_equal(back.vectors, wv.vectors)


# ------------------------------------------------------------- class 13: meta schema
def _with_meta(tmp_path, change, layout="zip"):
    p = tmp_path / f"m-{layout}"
    _wv().save(p, layout=layout)
    if layout == "zip":
        with zipfile.ZipFile(p) as z:
            members = {i.filename: z.read(i) for i in z.infolist()}
        meta = json.loads(members["meta.json"])
        change(meta)
        members["meta.json"] = json.dumps(meta).encode()
        with zipfile.ZipFile(p, "w") as z:
            for name, data in members.items():
                z.writestr(name, data)
    else:
        meta = json.loads((p / "meta.json").read_text())
        change(meta)
        (p / "meta.json").write_text(json.dumps(meta))
    return p


@pytest.mark.parametrize(
    "change,field",
    [
        (lambda m: m.update(index_to_key="abcd"), "index_to_key"),
        (lambda m: m.update(index_to_key=None), "index_to_key"),
        (lambda m: m.update(index_to_key=["a", "b", "a", "c"]), r"index_to_key\[2\]"),
        (lambda m: m.update(index_to_key=["a", 1, "b", "c"]), r"index_to_key\[1\]"),
        (lambda m: m.update(format_version="1"), "format_version"),
        (lambda m: m.update(format_version=None), "format_version"),
        (lambda m: m.update(format_version=0), "format_version"),
        (lambda m: m.pop("format_version"), "format_version"),
        (lambda m: m.update(arrays=["vectors", "../../outside/secret"]), r"arrays\[1\]"),
        (lambda m: m.update(arrays=["vectors", "vectors"]), r"arrays\[1\]"),
        (lambda m: m.update(arrays="vectors"), "arrays"),
        (lambda m: m.update(count=-1), "count"),
        (lambda m: m.update(count=True), "count"),
        (lambda m: m.update(count=7), "count"),
        (lambda m: m.update(vector_size="3"), "vector_size"),
        (lambda m: m.update(provenance=[]), "provenance"),
        (
            lambda m: m.update(provenance={"tokenizer": {"lowercase": "yes", "normalize": True}}),
            "provenance.tokenizer.lowercase",
        ),
        (
            lambda m: m.update(provenance={"tokenizer": {"lowercase": True}}),
            "provenance.tokenizer.normalize",
        ),
        (
            lambda m: m.update(
                provenance={"tokenizer": {"lowercase": True, "normalize": False, "x": 1}}
            ),
            "provenance.tokenizer",
        ),
    ],
)
@pytest.mark.parametrize("layout", ["zip", "dir"])
def test_meta_schema_names_the_field(tmp_path, change, field, layout):
    p = _with_meta(tmp_path, change, layout)
    with pytest.raises(FormatError, match=f"field '{field}'"):
        ws.load(p)


def test_tokenizer_provenance_round_trips(tmp_path):
    wv = WordVectors(
        ["Paris", "London"],
        np.eye(2, dtype=np.float32),
        meta={"tokenizer": {"lowercase": False, "normalize": True}},
    )
    for layout in ("zip", "dir"):
        p = tmp_path / f"t-{layout}"
        wv.save(p, layout=layout)
        assert ws.load(p).meta["tokenizer"] == {"lowercase": False, "normalize": True}
    bad = WordVectors(["a"], np.ones((1, 2), np.float32), meta={"tokenizer": {"lowercase": 1}})
    with pytest.raises(FormatError, match="provenance.tokenizer"):
        bad.save(tmp_path / "bad.wsv")
    assert not (tmp_path / "bad.wsv").exists()


@pytest.mark.parametrize("dtype", ["<c8", [("a", "<f4"), ("b", "<f4")], "<U3", "|O"])
def test_non_real_dtypes_are_refused(tmp_path, dtype):
    p = tmp_path / "m.wsv"
    _wv().save(p)
    with zipfile.ZipFile(p) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    dt = np.dtype(dtype)
    members["vectors.npy"] = _npy_bytes(
        {"descr": np.lib.format.dtype_to_descr(dt), "fortran_order": False, "shape": (4, 3)}
    ) + b"\0" * (12 * max(dt.itemsize, 1))
    with zipfile.ZipFile(p, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with pytest.raises(FormatError, match="not a real numeric type"):
        ws.load(p)
    with pytest.raises(ParameterError, match="only real numbers"):
        N.write_native(tmp_path / "x.wsv", {"vectors": np.zeros(3, dtype=dt)}, {})


def test_arrays_outside_the_model_are_never_read(tmp_path):
    (tmp_path / "secret.npy").write_bytes(b"")
    np.save(tmp_path / "secret.npy", np.ones(3))
    p = _with_meta(tmp_path, lambda m: m.update(arrays=["vectors", "../secret"]), "dir")
    with pytest.raises(FormatError, match="plain identifier"):
        ws.load(p)


# ------------------------------------------------------------------- class 10: writers
@pytest.mark.parametrize(
    "word,fmt",
    [
        ("two\nlines", "text"),
        ("two\nlines", "binary"),
        ("two\nlines", "glove"),
        ("route 66", "text"),
        ("route 66", "glove"),
        ("a nan", "text"),
        ("x -1e5", "glove"),
        ("trailing ", "text"),
        (" leading", "glove"),
        ("tab\t", "text"),
        ("new york", "binary"),
        ("", "text"),
        ("bad\udc80", "text"),
        ("bad\udc80", "binary"),
    ],
)
def test_writers_refuse_words_their_readers_would_change(tmp_path, word, fmt):
    wv = WordVectors(["ok", word], np.ones((2, 2), np.float32))
    p = tmp_path / "v"
    with pytest.raises(FormatError, match="cannot be written"):
        wv.save_word2vec_format(p, binary=fmt == "binary", write_header=fmt != "glove")
    assert not p.exists()


def test_words_that_do_round_trip(tmp_path):
    words = ["new york", "route 66a", "a\tb", "ünï", "66", "x\rb", "-", "nan"]
    wv = WordVectors(words, np.arange(16, dtype=np.float32).reshape(8, 2) / 3)
    for header in (True, False):
        p = tmp_path / f"v{header}.txt"
        wv.save_word2vec_format(p, write_header=header, precision=9)
        back = F.load_word2vec_format(p, no_header=not header)
        assert back.index_to_key == words
        np.testing.assert_array_equal(back.vectors, wv.vectors)


def test_writer_parameters_are_checked(tmp_path):
    wv = _wv()
    for kwargs in (
        {"limit": -1},
        {"precision": -1},
        {"precision": 0},
        {"precision": 2.5},
        {"precision": 18},
        {"limit": 1.5},
    ):
        with pytest.raises(ParameterError):
            wv.save_word2vec_format(tmp_path / "v.txt", **kwargs)
    assert not (tmp_path / "v.txt").exists()
    wv.save_word2vec_format(tmp_path / "v.txt", limit=0)  # "0 3": read back as empty
    assert len(ws.load(tmp_path / "v.txt")) == 0
    with pytest.raises(FormatError, match="empty GloVe"):
        wv.save_word2vec_format(tmp_path / "g.txt", write_header=False, limit=0)


def test_glove_first_line_that_reads_as_a_header_is_refused(tmp_path):
    wv = WordVectors(["1", "b"], np.array([[5.0], [6.0]], np.float32))
    with pytest.raises(FormatError, match="would read as a word2vec header"):
        wv.save_word2vec_format(tmp_path / "g.txt", write_header=False)
    wv.save_word2vec_format(tmp_path / "h.txt")  # with a header it is unambiguous
    back = ws.load(tmp_path / "h.txt")
    assert back.index_to_key == ["1", "b"]


def test_native_writer_round_trips_odd_words_and_refuses_bad_meta(tmp_path):
    words = ["a\nb", " x ", "", "lone\udc80surrogate", "tab\t"]
    wv = WordVectors(words, np.ones((5, 2), np.float32))
    for layout in ("zip", "dir"):
        p = tmp_path / f"m-{layout}"
        wv.save(p, layout=layout)
        assert ws.load(p).index_to_key == words
    bad = WordVectors(["a"], np.ones((1, 2), np.float32), meta={"when": object()})
    with pytest.raises(ParameterError, match="JSON"):
        bad.save(tmp_path / "bad.wsv")
    with pytest.raises(ParameterError, match="plain identifier"):
        N.write_native(tmp_path / "x.wsv", {"vé": np.zeros(2)}, {})


# ---------------------------------------------------------------- class 12: NaN rows
@pytest.mark.parametrize("kind", ["text", "binary", "glove", "vec", "zip", "dir"])
def test_nonfinite_rows_warn_with_their_number(tmp_path, kind):
    v = np.ones((6, 3), np.float32)
    v[1, 0] = np.nan
    v[4, 2] = np.inf
    v[5] = -np.inf
    wv = WordVectors([f"w{i}" for i in range(6)], v)
    p = tmp_path / ("v.vec" if kind == "vec" else f"v-{kind}")
    if kind in ("zip", "dir"):
        wv.save(p, layout=kind)
    else:
        wv.save_word2vec_format(p, binary=kind == "binary", write_header=kind != "glove")
    with pytest.warns(RuntimeWarning, match=r"3 of 6 vectors hold NaN or infinity.*row 2"):
        back = ws.load(p)
    np.testing.assert_array_equal(back.vectors, v)


# ------------------------------------------------------------ class 14: messages
def test_cooccurrence_of_a_text_file_names_the_problem(tmp_path):
    p = tmp_path / "corpus.txt"
    p.write_text("a b c\n")
    with pytest.raises(FormatError, match="not a co-occurrence file") as e:
        ws.load_cooccurrence(p)
    assert "pickle" not in str(e.value)
