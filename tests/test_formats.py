import json
import zipfile

import numpy as np
import pytest

import wordspace as ws
from wordspace import FormatError, WordVectors
from wordspace.io import formats as F


@pytest.fixture()
def small():
    words = ["the", "cat", "dog", "Köln", "naïve"]
    vecs = np.arange(15, dtype=np.float32).reshape(5, 3) / 7 - 1
    return WordVectors(words, vecs, counts=[50, 40, 30, 20, 10])


def test_binary_bytes_are_exactly_the_c_layout(small, tmp_path):
    p = tmp_path / "v.bin"
    small.save_word2vec_format(p, binary=True)
    want = b"5 3\n" + b"".join(
        w.encode() + b" " + small.vectors[i].astype("<f4").tobytes() + b"\n"
        for i, w in enumerate(small.index_to_key)
    )
    assert p.read_bytes() == want
    back = WordVectors.load_word2vec_format(p, binary=True)
    assert back.index_to_key == small.index_to_key
    np.testing.assert_array_equal(back.vectors, small.vectors)
    assert F.detect_format(p) == "word2vec-binary"


@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2", ".xz"])
@pytest.mark.parametrize("kind", ["text", "binary", "glove"])
def test_round_trip_all_formats_and_compressions(small, tmp_path, kind, suffix):
    p = tmp_path / f"v.{'bin' if kind == 'binary' else 'txt'}{suffix}"
    small.save_word2vec_format(p, binary=kind == "binary", write_header=kind != "glove")
    back = ws.load(p)  # detected
    assert back.index_to_key == small.index_to_key
    np.testing.assert_allclose(back.vectors, small.vectors, rtol=1e-7, atol=1e-7)
    assert (
        back.meta["source_format"]
        == {"text": "word2vec-text", "binary": "word2vec-binary", "glove": "glove-text"}[kind]
    )


def test_text_layout(small, tmp_path):
    p = tmp_path / "v.txt"
    small.save_word2vec_format(p)
    lines = p.read_text("utf-8").splitlines()
    assert lines[0] == "5 3"
    assert lines[1].split(" ")[0] == "the" and len(lines[1].split(" ")) == 4


def test_text_quirks_crlf_trailing_spaces_multiword_and_limit(tmp_path):
    p = tmp_path / "quirky.txt"
    p.write_bytes(b"3   2 \r\nnew york 1.0 2.0\r\nparis 3.5  -4e-1   \r\nx\t5 6\r\n")
    wv = ws.load(p)
    assert wv.index_to_key == ["new york", "paris", "x"]
    np.testing.assert_allclose(wv.vectors, [[1, 2], [3.5, -0.4], [5, 6]])
    two = WordVectors.load_word2vec_format(p, limit=2)
    assert two.index_to_key == ["new york", "paris"]


def test_numbers_parse_exactly(tmp_path):
    nums = [
        "9999999999999999999",
        "18446744073709551617",
        "0.1",
        "-2.5e-3",
        "1E5",
        "3.4028235e38",
        "1e-45",
        "nan",
        "-inf",
        "+7",
        "123456789012345678901234",
        "0.000000000000000000000001",
    ]
    p = tmp_path / "n.txt"
    p.write_text(f"1 {len(nums)}\nw " + " ".join(nums) + "\n")
    with pytest.warns(RuntimeWarning, match="1 of 1 vectors hold NaN or infinity"):
        got = ws.load(p).vectors[0]
    want = np.array([float(x) for x in nums], dtype=np.float32)
    np.testing.assert_array_equal(got, want)


def test_glove_detection_and_limit(tmp_path):
    p = tmp_path / "glove.txt"
    p.write_text("the 0.1 0.2 0.3\nof 0.4 0.5 0.6\nand 1 2 3\n")
    assert F.detect_format(p) == "glove-text"
    wv = ws.load(p, limit=2)
    assert wv.index_to_key == ["the", "of"] and wv.vector_size == 3


def test_fasttext_vec_is_detected(tmp_path):
    p = tmp_path / "cc.en.vec"
    p.write_text("2 2\nhello 1 0\nworld 0 1\n")
    assert F.detect_format(p) == "fasttext-vec"
    assert ws.load(p).index_to_key == ["hello", "world"]


def test_binary_written_without_newlines_and_with_limit(small, tmp_path):
    # some writers omit the newline after each vector; gensim and the C tool accept both
    p = tmp_path / "nonl.bin"
    body = b"".join(
        w.encode() + b" " + small.vectors[i].tobytes() for i, w in enumerate(small.index_to_key)
    )
    p.write_bytes(b"5 3\n" + body)
    wv = ws.load(p)
    assert wv.index_to_key == small.index_to_key
    np.testing.assert_array_equal(wv.vectors, small.vectors)
    assert ws.load(p, limit=2).index_to_key == ["the", "cat"]


# ------------------------------------------------------------------------- errors
def test_truncated_binary(small, tmp_path):
    p = tmp_path / "t.bin"
    small.save_word2vec_format(p, binary=True)
    data = p.read_bytes()
    p.write_bytes(data[:-9])
    with pytest.raises(FormatError, match=r"truncated in the vector of word 5"):
        ws.load(p)
    p.write_bytes(data.replace(b"5 3\n", b"7 3\n", 1))
    with pytest.raises(
        FormatError,
        match=r"header says 7 words of 3 float32 but the 90 bytes after it hold at most 6",
    ):
        ws.load(p)


def test_truncated_text_and_wrong_header(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("3 2\na 1 2\nb 3 4\n")
    with pytest.raises(FormatError, match=r"says 3 words but the file ends after 2"):
        ws.load(p)
    p.write_text("1 2\na 1 2\nb 3 4\n")
    with pytest.raises(FormatError, match=r"header says 1 words but the file has more"):
        ws.load(p)


def test_wrong_width_and_non_numeric(tmp_path):
    p = tmp_path / "w.txt"
    p.write_text("2 3\na 1 2 3\nb 4 5\n")
    with pytest.raises(FormatError, match=r"w.txt:3: expected a word and 3 numbers"):
        ws.load(p)
    p.write_text("2 3\na 1 2 3\nb 4 5 6 7\n")
    with pytest.raises(FormatError, match=r"w.txt:3: more than 3 numbers after the word"):
        ws.load(p)
    p.write_text("2 3\na 1 2 3\nb 4 five 6\n")
    with pytest.raises(FormatError, match=r"w.txt:3:5: b'five' is not a number"):
        ws.load(p)


def test_duplicate_word_names_the_lines(tmp_path):
    p = tmp_path / "d.txt"
    p.write_text("3 2\na 1 2\nb 3 4\na 5 6\n")
    with pytest.raises(FormatError, match=r"duplicate word 'a' at lines 2 and 4"):
        ws.load(p)


def test_non_utf8_binary_words(tmp_path):
    p = tmp_path / "u.bin"
    vec = np.ones(2, dtype="<f4").tobytes()
    p.write_bytes(b"2 2\n" + b"ok " + vec + b"\n" + b"caf\xe9 " + vec + b"\n")
    with pytest.raises(FormatError, match=r"not valid UTF-8.*unicode_errors='replace'"):
        ws.load(p)
    wv = ws.load(p, unicode_errors="replace")
    assert wv.index_to_key == ["ok", "caf\ufffd"]


def test_empty_and_garbage_files(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("")
    with pytest.raises(FormatError, match="empty"):
        ws.load(p)
    q = tmp_path / "words.txt"
    q.write_text("hello world\nfoo bar\n")
    with pytest.raises(FormatError, match="no numbers after the word"):
        ws.load(q)


def test_unknown_name_or_missing_file():
    with pytest.raises(ws.WordspaceError, match="neither an existing file nor a known model"):
        ws.load("no-such-model-or-file")


# ------------------------------------------------------------------------- native
@pytest.mark.parametrize("layout", ["zip", "dir"])
@pytest.mark.parametrize("mmap", [False, True])
def test_native_round_trip(small, tmp_path, layout, mmap):
    small.set_extra("values", np.linspace(0, 1, 5))
    small.meta["trainer"] = "test"
    p = tmp_path / "m.wsv"
    small.save(p, layout=layout)
    assert p.is_dir() == (layout == "dir")
    back = ws.load(p, mmap=mmap)
    assert back.index_to_key == small.index_to_key
    np.testing.assert_array_equal(back.vectors, small.vectors)
    np.testing.assert_array_equal(back.counts, small.counts)
    assert back.values["naïve"] == 1.0
    assert back.meta["trainer"] == "test"
    if mmap:
        assert isinstance(back.vectors.base, np.memmap) or isinstance(back.vectors, np.memmap)
    assert back.most_similar("cat", topn=1)[0][0] == small.most_similar("cat", topn=1)[0][0]


def test_native_zip_is_stored_and_json_readable(small, tmp_path):
    p = tmp_path / "m.wsv"
    small.save(p)
    with zipfile.ZipFile(p) as z:
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_STORED}
        meta = json.loads(z.read("meta.json"))
    assert meta["format"] == "wordspace" and meta["index_to_key"][3] == "Köln"
    assert meta["vector_size"] == 3 and meta["count"] == 5


def test_save_is_atomic(small, tmp_path, monkeypatch):
    p = tmp_path / "m.wsv"
    small.save(p)
    before = p.read_bytes()

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        small.subset(2).save(p)
    assert p.read_bytes() == before
    assert [f.name for f in tmp_path.iterdir()] == ["m.wsv"]  # no temp files left
    monkeypatch.undo()
    # directory layout: same guarantee
    d = tmp_path / "d.wsv"
    small.save(d, layout="dir")
    monkeypatch.setattr(np, "save", boom)
    with pytest.raises(RuntimeError):
        small.subset(2).save(d, layout="dir")
    monkeypatch.undo()
    assert ws.load(d).index_to_key == small.index_to_key


def test_text_save_is_atomic(small, tmp_path, monkeypatch):
    p = tmp_path / "v.txt"
    small.save_word2vec_format(p)
    before = p.read_bytes()
    monkeypatch.setattr(np, "savetxt", lambda *a, **k: (_ for _ in ()).throw(OSError("crash")))
    with pytest.raises(OSError):
        small.save_word2vec_format(p)
    assert p.read_bytes() == before


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_native_refuses_pickles_and_corruption(small, tmp_path):
    # an object array inside the archive is refused, never unpickled
    p = tmp_path / "evil.wsv"
    small.save(p)
    with zipfile.ZipFile(p, "a") as z:
        import io

        buf = io.BytesIO()
        np.save(buf, np.array([{"x": 1}], dtype=object), allow_pickle=True)
        z.writestr("counts.npy", buf.getvalue())
    with pytest.raises(FormatError):
        ws.load(p)
    # truncated archive
    q = tmp_path / "trunc.wsv"
    small.save(q)
    q.write_bytes(q.read_bytes()[:100])
    with pytest.raises(FormatError):
        ws.load(q)
    # a directory that is not a model
    (tmp_path / "notamodel").mkdir()
    with pytest.raises(FormatError, match="meta.json"):
        ws.load(tmp_path / "notamodel")


def test_writing_words_with_whitespace_is_refused_for_binary(tmp_path):
    wv = WordVectors(["new york", "b"], np.eye(2, dtype=np.float32))
    with pytest.raises(FormatError, match="whitespace"):
        wv.save_word2vec_format(tmp_path / "x.bin", binary=True)
    wv.save_word2vec_format(tmp_path / "x.txt")  # text is unambiguous: numbers are last
    assert ws.load(tmp_path / "x.txt").index_to_key == ["new york", "b"]
