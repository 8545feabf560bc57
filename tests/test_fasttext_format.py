"""Facebook fastText .bin: against a tiny model written by the official tool (committed
fixture), round trips of our writer, and truncated or forged files."""

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from wordspace import FormatError, SubwordVectors, WordVectors
from wordspace.io.fasttext_bin import (
    is_facebook_bin,
    load_facebook_vectors,
    save_facebook_model,
)
from wordspace.train.fasttext import FastText, load_facebook_model

DATA = Path(__file__).parent / "data" / "fasttext"
TINY = DATA / "tiny.bin"
EXPECTED = json.loads((DATA / "tiny_expected.json").read_text("utf-8"))


def test_vectors_equal_the_official_tools():
    wv = load_facebook_vectors(TINY)
    assert isinstance(wv, SubwordVectors)
    assert wv.index_to_key == EXPECTED["words"]
    assert (wv.minn, wv.maxn, wv.bucket, wv.vector_size) == (2, 4, 31, 4)
    assert wv.meta["fasttext_args"]["model"] == 2 and wv.counts.sum() > 0
    n = len(wv)
    oov = 0
    for q, vec in EXPECTED["vectors"].items():
        np.testing.assert_allclose(wv[q], vec, rtol=1e-5, atol=1e-6, err_msg=q)
        # the official tool's subword ids: own id (vocabulary words) then n + bucket row
        ids = EXPECTED["subword_ids"][q]
        own = [wv.key_to_index[q]] if q in wv.key_to_index else []
        oov += not own
        assert own + (wv.ngram_rows(q) + n).tolist() == ids, q
    assert oov == 6
    assert is_facebook_bin(TINY) and not is_facebook_bin(DATA / "tiny_expected.json")


def test_model_from_the_official_tool_continues_training(tmp_path):
    m = load_facebook_model(TINY)
    assert isinstance(m, FastText) and m.sg == 1 and m.bucket_ == 31
    np.testing.assert_allclose(m.wv["naïf"], EXPECTED["vectors"]["naïf"], rtol=1e-5, atol=1e-6)
    m.set_params(workers=1, epochs=1, sample=0)
    before = m.wi_.copy()
    m.partial_fit([["naïve", "café", "cat"]] * 20)
    assert not np.array_equal(before, m.wi_) and np.isfinite(m.wi_).all()


def test_our_bin_round_trips(tmp_path):
    sents = [["naïve", "café", "cat", "cats", "dog"][i % 5 :] + ["the"] for i in range(200)]
    m = FastText(
        vector_size=8, min_count=1, minn=2, maxn=4, bucket=50, epochs=2, workers=1, sg=1, sample=0
    ).fit(sents)
    m.save_facebook_model(tmp_path / "m.bin")
    wv = load_facebook_vectors(tmp_path / "m.bin")
    assert wv.index_to_key == m.wv.index_to_key
    np.testing.assert_array_equal(wv.vectors, m.wv.vectors)
    np.testing.assert_array_equal(wv["cafés"], m.wv["cafés"])
    back = load_facebook_model(tmp_path / "m.bin")
    assert np.array_equal(back.wi_, m.wi_) and np.array_equal(back.syn1neg, m.syn1neg)
    assert back.get_params()["minn"] == 2 and back.window == m.window
    # from SubwordVectors (no output weights): the same input vectors
    save_facebook_model(m.wv, tmp_path / "v.bin")
    np.testing.assert_array_equal(load_facebook_vectors(tmp_path / "v.bin").vectors, m.wv.vectors)
    # without the words' own rows: they are recovered from the vectors
    sv = m.wv
    bare = SubwordVectors(
        sv.index_to_key, sv.vectors, sv.vectors_ngrams, minn=2, maxn=4, bucket=50, counts=sv.counts
    )
    save_facebook_model(bare, tmp_path / "b.bin")
    np.testing.assert_allclose(
        load_facebook_vectors(tmp_path / "b.bin").vectors, sv.vectors, rtol=1e-5, atol=1e-6
    )
    # .vec: the vocabulary's vectors as word2vec text
    m.wv.save_word2vec_format(tmp_path / "m.vec")
    vec = WordVectors.load_word2vec_format(tmp_path / "m.vec")
    np.testing.assert_allclose(vec.vectors, m.wv.vectors, rtol=1e-5, atol=1e-6)


def test_writing_refuses_what_fasttext_cannot_hold(tmp_path):
    from wordspace import ParameterError

    wv = SubwordVectors(["a\0b"], np.ones((1, 2)), np.zeros((3, 2)), minn=1, maxn=2, bucket=3)
    with pytest.raises(ParameterError, match="NUL"):
        save_facebook_model(wv, tmp_path / "x.bin")
    assert not (tmp_path / "x.bin").exists() and not list(tmp_path.iterdir())
    with pytest.raises(ParameterError, match="FastText model or SubwordVectors"):
        save_facebook_model(WordVectors(["a"], np.ones((1, 2))), tmp_path / "x.bin")


# ------------------------------------------------------------------ bad files
def _offsets(data: bytes) -> dict[str, int]:
    """Byte offsets of the fields of a .bin (walking the dictionary)."""
    size = struct.unpack_from("<i", data, 64)[0]
    pos = 92
    for _ in range(size):
        pos = data.index(b"\0", pos) + 1 + 9
    return {
        "dim": 8,
        "bucket": 8 + 4 * 8,
        "size": 64,
        "prune": 84,
        "quant": pos,
        "input_rows": pos + 1,
        "version": 4,
    }


def _forge(tmp_path, data: bytes, at: int, fmt: str, value) -> Path:
    b = bytearray(data)
    struct.pack_into(fmt, b, at, value)
    p = tmp_path / "forged.bin"
    p.write_bytes(bytes(b))
    return p


def test_every_truncation_raises_format_error(tmp_path):
    data = TINY.read_bytes()
    p = tmp_path / "cut.bin"
    for n in list(range(0, 200)) + list(range(200, len(data), 7)) + [len(data) - 1]:
        p.write_bytes(data[:n])
        with pytest.raises(FormatError, match=r"cut\.bin"):
            load_facebook_vectors(p)


@pytest.mark.parametrize(
    "field,fmt,value,msg",
    [
        ("size", "<i", 2**31 - 1, "does not add up"),
        ("dim", "<i", 0, "dim=0"),
        ("dim", "<i", 5, "has 4 columns but the header says dim=5"),
        ("bucket", "<i", 2**30, r"expected 1,073,741,8\d\d \(words \+ buckets"),
        ("version", "<i", 13, "version 13"),
        ("prune", "<q", 5, "quantised models are not supported"),
        ("quant", "<B", 1, r"quantised fastText model \(\.ftz\)"),
        ("input_rows", "<q", 2**40, "input matrix has"),
    ],
)
def test_forged_headers_raise_format_error(tmp_path, field, fmt, value, msg):
    data = TINY.read_bytes()
    p = _forge(tmp_path, data, _offsets(data)[field], fmt, value)
    with pytest.raises(FormatError, match=msg):
        load_facebook_vectors(p)


def test_forged_sizes_never_allocate(tmp_path):
    data = TINY.read_bytes()
    off = _offsets(data)
    # a consistent header claiming 2**31-1 words and as many input rows: refused by size
    b = bytearray(data)
    struct.pack_into("<iii", b, 64, 2**31 - 1, 2**31 - 1, 0)
    (tmp_path / "a.bin").write_bytes(bytes(b))
    with pytest.raises(FormatError, match="dictionary's 2,147,483,647 entries"):
        load_facebook_vectors(tmp_path / "a.bin")
    b = bytearray(data)
    struct.pack_into("<qq", b, off["input_rows"], 2**62, 4)
    (tmp_path / "b.bin").write_bytes(bytes(b))
    with pytest.raises(FormatError):
        load_facebook_vectors(tmp_path / "b.bin")


def test_other_files_are_named(tmp_path):
    (tmp_path / "x.bin").write_bytes(b"\x00" * 100)
    with pytest.raises(FormatError, match="not a fastText .bin model"):
        load_facebook_vectors(tmp_path / "x.bin")
    (tmp_path / "e.bin").write_bytes(b"")
    with pytest.raises(FormatError, match="empty"):
        load_facebook_vectors(tmp_path / "e.bin")
    (tmp_path / "t.bin").write_bytes(TINY.read_bytes() + b"junk")
    with pytest.raises(FormatError, match="4 unexpected bytes"):
        load_facebook_vectors(tmp_path / "t.bin")
    import gzip

    (tmp_path / "z.bin.gz").write_bytes(gzip.compress(TINY.read_bytes()))
    with pytest.raises(FormatError, match="compressed; decompress it first"):
        load_facebook_vectors(tmp_path / "z.bin.gz")
    with pytest.raises(FileNotFoundError):
        load_facebook_vectors(tmp_path / "missing.bin")


def test_official_vec_text_loads(tmp_path):
    # the official tool's .vec: a "count dim" header, then "word v1 ... vd " (trailing space)
    wv = load_facebook_vectors(TINY)
    lines = [f"{len(wv)} {wv.vector_size}"]
    lines += [w + " " + "".join(f"{x:.5g} " for x in wv[w]) for w in wv.index_to_key]
    (tmp_path / "tiny.vec").write_text("\n".join(lines) + "\n", encoding="utf-8")
    vec = WordVectors.load_word2vec_format(tmp_path / "tiny.vec")
    assert vec.index_to_key == wv.index_to_key
    np.testing.assert_allclose(vec.vectors, wv.vectors, rtol=1e-4, atol=1e-6)


def test_supervised_model_words_and_oov_vectors():
    exp = json.loads((DATA / "tiny_sup_expected.json").read_text("utf-8"))
    wv = load_facebook_vectors(DATA / "tiny_sup.bin")
    assert wv.index_to_key == exp["words"] and "__label__a" not in wv.key_to_index
    assert wv.meta["fasttext_args"]["model"] == 3
    for q, vec in exp["vectors"].items():
        np.testing.assert_allclose(wv[q], vec, rtol=1e-5, atol=1e-6, err_msg=q)
    with pytest.raises(FormatError, match="supervised"):
        load_facebook_model(DATA / "tiny_sup.bin")
