"""The fixes that gensim 4.4.0's own test suite found in wordspace's core (issue 30), checked
on wordspace's own API: weighted means, lossless text vectors, min_count=0, bucket=0, fastText
.bin files written before the magic number and in other encodings, compressed and open-file
corpora, a matrix of query vectors."""

from __future__ import annotations

import bz2
import io
import struct

import numpy as np
import pytest

from wordspace import FastText, Word2Vec, WordVectors
from wordspace.errors import ParameterError
from wordspace.io.fasttext_bin import load_facebook_vectors, read_bin, save_facebook_model
from wordspace.io.formats import load_word2vec_format

SENTENCES = [
    ["human", "interface", "computer"],
    ["survey", "user", "computer", "system", "response", "time"],
    ["eps", "user", "interface", "system"],
    ["system", "human", "system", "eps"],
    ["user", "response", "time"],
    ["trees"],
    ["graph", "trees"],
    ["graph", "minors", "trees"],
    ["graph", "minors", "survey"],
] * 4


def _wv() -> WordVectors:
    rng = np.random.default_rng(0)
    return WordVectors(["a", "b", "c"], rng.normal(size=(3, 4)).astype(np.float32))


def test_get_mean_vector_divides_by_the_sum_of_the_weights():
    wv = _wv()
    unit = wv.get_normed_vectors()
    got = wv.get_mean_vector(["a", "b", "zzz"], weights=[1.0, 3.0, 2.0])
    assert np.allclose(got, (unit[0] + 3 * unit[1]) / 4, atol=1e-6)  # 'zzz' is skipped
    raw = wv.get_mean_vector(["a", "c"], weights=[2.0, -1.0], pre_normalize=False)
    assert np.allclose(raw, (2 * wv["a"] - wv["c"]) / 3, atol=1e-6)  # |weights| sum, as gensim
    assert np.allclose(wv.get_mean_vector(["a", "b"]), (unit[0] + unit[1]) / 2, atol=1e-6)
    per_token = wv.get_mean_vector(["a", "b"], weights=[1.0, 3.0], divide_by="count")
    assert np.allclose(per_token, (unit[0] + 3 * unit[1]) / 2, atol=1e-6)
    with pytest.raises(ParameterError, match="divide_by"):
        wv.get_mean_vector(["a"], divide_by="median")


def test_text_vectors_are_saved_losslessly(tmp_path):
    rng = np.random.default_rng(1)
    # values whose 8-digit forms do not read back as the same float32
    vecs = (rng.random((50, 7)) / 7.0).astype(np.float32)
    wv = WordVectors([f"w{i}" for i in range(50)], vecs)
    for header in (True, False):
        p = tmp_path / f"v{header}.txt"
        wv.save_word2vec_format(p, write_header=header)
        back = load_word2vec_format(p, no_header=not header)
        assert np.array_equal(back.vectors, vecs)


def test_most_similar_takes_a_matrix_of_query_vectors():
    wv = _wv()
    by_rows = wv.most_similar(positive=wv.vectors[:2], topn=3)
    by_list = wv.most_similar(positive=[wv.vectors[0], wv.vectors[1]], topn=3)
    assert by_rows == by_list and len(by_rows) == 3


def test_min_count_zero_keeps_every_word():
    m = Word2Vec(vector_size=8, min_count=0, epochs=1, workers=1, seed=1).fit(SENTENCES)
    assert len(m.wv) == 12
    with pytest.raises(ParameterError, match="min_count"):
        Word2Vec(min_count=-1).fit(SENTENCES)


def test_bucket_zero_is_fasttext_without_ngrams():
    m = FastText(vector_size=8, min_count=1, bucket=0, epochs=1, workers=1, seed=1).fit(SENTENCES)
    assert m.bucket_ == 0 and m.wv.vectors_ngrams.shape[0] == 0
    assert np.isfinite(m.wv["graph"]).all()
    with pytest.raises(KeyError):
        m.wv["grap"]  # no n-grams: an unseen word has no vector


def _old_layout(new: bytes) -> bytes:
    """A version-12 .bin rewritten in the layout fastText used before the magic number: no
    magic/version, no pruned-index size, no quantisation flags."""
    head = new[8 : 8 + 12 * 4 + 8]  # the arguments and t
    pos = 8 + 12 * 4 + 8
    size, _, _ = struct.unpack_from("<iii", new, pos)
    dict_head = new[pos : pos + 12 + 8]  # sizes and ntokens (the pruned-index size dropped)
    pos += 12 + 8 + 8
    start = pos
    for _ in range(size):
        pos = new.index(b"\0", pos) + 1 + 9
    entries = new[start:pos]
    pos += 1  # quant_input
    rows, cols = struct.unpack_from("<qq", new, pos)
    input_matrix = new[pos : pos + 16 + rows * cols * 4]
    pos += 16 + rows * cols * 4 + 1  # the output's quantisation flag
    return head + dict_head + entries + input_matrix + new[pos:]


def test_fasttext_bin_before_the_magic_number_and_other_encodings(tmp_path):
    words = ["který", "jen", "ještě", "a"]
    m = FastText(vector_size=4, min_count=1, bucket=50, minn=2, maxn=3, epochs=1, workers=1)
    m.fit([words * 3])
    new = tmp_path / "new.bin"
    save_facebook_model(m, new)
    old = tmp_path / "old.bin"
    old.write_bytes(_old_layout(new.read_bytes()))
    a, b = load_facebook_vectors(new), load_facebook_vectors(old)
    assert a.index_to_key == b.index_to_key
    assert np.array_equal(a.vectors, b.vectors) and np.array_equal(a["zzz"], b["zzz"])
    assert read_bin(old)["info"]["version"] == 0
    # the same file with its words in cp852, as fastText wrote from cp852 text
    cp = tmp_path / "cp852.bin"
    data = _old_layout(new.read_bytes())
    for w in words:
        data = data.replace(w.encode("utf-8") + b"\0", w.encode("cp852") + b"\0")
    cp.write_bytes(data)
    c = load_facebook_vectors(cp, encoding="cp852")
    assert c.index_to_key == a.index_to_key
    with pytest.raises(ParameterError, match="encoding"):
        load_facebook_vectors(cp, encoding="no-such-codec")


def test_linesentence_reads_bz2_and_open_files(tmp_path):
    from wordspace.compat.gensim.models.word2vec import LineSentence, PathLineSentences

    text = "ein schöner satz\nnoch einer\n"
    p = tmp_path / "c.txt.bz2"
    p.write_bytes(bz2.compress(text.encode("utf-8")))
    expected = [["ein", "schöner", "satz"], ["noch", "einer"]]
    assert list(LineSentence(p)) == expected
    fh = io.BytesIO(text.encode("utf-8"))
    assert list(LineSentence(fh)) == expected == list(LineSentence(fh))  # restarts
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "d" / "2.txt.bz2").write_bytes(p.read_bytes())
    assert list(PathLineSentences(tmp_path / "d")) == expected * 2
