"""Out of core: id arrays in memory-mapped files (written in chunks, deleted with the array)
give exactly the in-memory result, for files and iterables, and train the same model."""

from __future__ import annotations

import os
import tempfile

import numpy as np
import pytest

import wordspace.text._ids as ids_mod
import wordspace.text.corpus as corpus_mod
from wordspace import Corpus, Vocabulary, Word2Vec
from wordspace.errors import ParameterError
from wordspace.text.corpus import release_pages


def _lines(n=300, seed=1):
    rng = np.random.default_rng(seed)
    return [
        " ".join(f"t{int(x)}" for x in rng.zipf(1.4, rng.integers(0, 25)) % 80) for _ in range(n)
    ]


def _same_scan(a, b):
    assert a.types == b.types
    np.testing.assert_array_equal(a.counts, b.counts)
    np.testing.assert_array_equal(a.raw_ids, b.raw_ids)
    np.testing.assert_array_equal(a.sentence_starts, b.sentence_starts)


@pytest.fixture
def small_spill(monkeypatch):
    monkeypatch.setattr(ids_mod, "SPILL_TOKENS", 37)  # many chunks, cut mid-sentence
    monkeypatch.setattr(corpus_mod, "BLOCK_SIZE", 211)


@pytest.mark.parametrize("text_kind", ["ascii", "unicode"])
@pytest.mark.parametrize("workers", [1, 3])
def test_file_on_disk_equals_in_memory(tmp_path, monkeypatch, small_spill, workers, text_kind):
    monkeypatch.setattr(corpus_mod, "PARALLEL_MIN_BYTES", 1)
    lines = _lines()
    if text_kind == "unicode":
        lines[200] += " naïve"
    p = tmp_path / "c.txt"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp = tmp_path / "ids"
    tmp.mkdir()
    mem = Corpus(p, max_sentence_length=6, workers=workers)
    disk = Corpus(p, max_sentence_length=6, workers=workers, out_of_core=True, tmp_dir=tmp)
    sc = disk.scan()
    _same_scan(sc, mem.scan())
    assert corpus_mod._mapped(sc.raw_ids) is not None  # memory-mapped, not in memory
    v = Vocabulary.build(mem, min_count=4)
    ids_m, starts_m = mem.to_ids(v)
    ids_d, starts_d = disk.to_ids(v)
    assert corpus_mod._mapped(ids_d) is not None and ids_d.dtype == np.int32
    assert ids_d.flags.writeable  # the kernels' usual (writable) array type
    np.testing.assert_array_equal(ids_d, ids_m)
    np.testing.assert_array_equal(starts_d, starts_m)
    assert list(tmp.iterdir()) == []  # the files were unlinked as soon as they were made
    release_pages(ids_d, len(ids_d))  # pages given back are read again from the file
    np.testing.assert_array_equal(ids_d, ids_m)


def test_iterable_is_encoded_in_chunks(tmp_path, small_spill):
    sents = [ln.split() for ln in _lines(200, seed=2)]

    class Again:
        def __iter__(self):
            return iter(sents)

    disk = Corpus(Again(), out_of_core=True, tmp_dir=tmp_path, max_sentence_length=5)
    mem = Corpus(Again(), max_sentence_length=5)
    sc = disk.scan()
    assert corpus_mod._mapped(sc.raw_ids) is not None
    _same_scan(sc, mem.scan())
    v = Vocabulary.build(mem, min_count=2)
    for a, b in zip(disk.to_ids(v), mem.to_ids(v), strict=True):
        np.testing.assert_array_equal(a, b)
    assert list(tmp_path.iterdir()) == []


def test_vocabulary_of_nothing_kept_gives_empty_ids(tmp_path, small_spill):
    p = tmp_path / "c.txt"
    p.write_text("a b c\nd\n")
    disk = Corpus(p, out_of_core=True, tmp_dir=tmp_path)
    ids, starts = disk.to_ids(Vocabulary(["zz"], [1]))
    assert ids.shape == (0,) and starts.tolist() == [0]


def test_big_files_go_to_disk_by_default(tmp_path, monkeypatch):
    p = tmp_path / "c.txt"
    p.write_text("a b c\n" * 50)
    assert not Corpus(p)._on_disk()
    assert not Corpus([["a"]])._on_disk()  # iterables only when asked
    assert Corpus([["a"]], out_of_core=True)._on_disk()
    monkeypatch.setattr(corpus_mod, "OUT_OF_CORE_BYTES", 100)
    assert Corpus(p)._on_disk()
    assert not Corpus(p, out_of_core=False)._on_disk()


def test_tmp_dir_defaults_to_wordspace_tmp(tmp_path, monkeypatch):
    seen = []
    real = tempfile.mkstemp

    def spy(*a, **kw):
        seen.append(kw.get("dir"))
        return real(*a, **kw)

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    monkeypatch.setenv("WORDSPACE_TMP", str(tmp_path))
    Corpus([["a", "b"]], out_of_core=True).scan()
    assert seen and all(os.path.samefile(d, tmp_path) for d in seen)
    monkeypatch.delenv("WORDSPACE_TMP")
    seen.clear()
    Corpus([["a", "b"]], out_of_core=True).scan()
    assert seen == [tempfile.gettempdir()]


def test_bad_options(tmp_path):
    with pytest.raises(ParameterError, match="tmp_dir .* is not a folder"):
        Corpus([["a"]], tmp_dir=tmp_path / "missing")
    with pytest.raises(ParameterError, match="out_of_core must be"):
        Corpus([["a"]], out_of_core="yes")


def test_word2vec_trains_the_same_model_out_of_core(tmp_path, monkeypatch):
    monkeypatch.setattr(ids_mod, "SPILL_TOKENS", 500)
    import wordspace.train.word2vec as w2v

    monkeypatch.setattr(w2v, "_RELEASE_WORDS", 300)  # pages are given back during training
    p = tmp_path / "c.txt"
    p.write_text("\n".join(_lines(400, seed=3)) + "\n")
    kw = dict(vector_size=8, window=2, min_count=2, epochs=2, workers=1, seed=5, batch_words=200)
    m1 = Word2Vec(**kw).fit(Corpus(p))
    m2 = Word2Vec(**kw).fit(Corpus(p, out_of_core=True, tmp_dir=tmp_path))
    assert m1.wv.index_to_key == m2.wv.index_to_key
    assert np.array_equal(m1.wv.vectors, m2.wv.vectors)
    assert sorted(q.name for q in tmp_path.iterdir()) == ["c.txt"]
