import bz2
import gzip
import lzma

import numpy as np
import pytest

from wordspace.errors import CorpusError, ParameterError
from wordspace.text.corpus import Corpus
from wordspace.text.vocab import Vocabulary

TEXT = "the cat sat\n\nOn the mat\nthe dog\n"


def test_file_lines_are_sentences(tmp_path):
    p = tmp_path / "c.txt"
    p.write_text(TEXT)
    c = Corpus(p)
    assert list(c) == [["the", "cat", "sat"], ["On", "the", "mat"], ["the", "dog"]]
    assert list(c) == list(c)  # re-iterable
    assert list(Corpus(p, lowercase=True))[1] == ["on", "the", "mat"]


@pytest.mark.parametrize(
    "opener,suffix", [(gzip.open, ".gz"), (bz2.open, ".bz2"), (lzma.open, ".xz")]
)
def test_compressed(tmp_path, opener, suffix):
    p = tmp_path / f"c.txt{suffix}"
    with opener(p, "wt") as f:
        f.write(TEXT)
    assert list(Corpus(p)) == list(Corpus([s.split() for s in TEXT.split("\n") if s]))


def test_long_line_cut_without_block_artifacts(tmp_path, monkeypatch):
    import wordspace.text.corpus as cm

    monkeypatch.setattr(cm, "BLOCK_SIZE", 7)  # blocks cut through words
    words = [f"w{i % 13}" for i in range(105)]
    p = tmp_path / "one.txt"
    p.write_text(" ".join(words) + "\nlast line")
    sents = list(Corpus(p, max_sentence_length=10))
    assert [len(s) for s in sents] == [10] * 10 + [5, 2]
    assert sum(sents[:11], []) == words
    sc = Corpus(p, max_sentence_length=10).scan()
    assert sc.sentence_starts.tolist() == list(range(0, 101, 10)) + [105, 107]
    assert [sc.types[i] for i in sc.raw_ids[:105]] == words


def test_scan_and_to_ids_match_iteration(tmp_path):
    rng = np.random.default_rng(0)
    lines = [
        " ".join(f"t{int(x)}" for x in rng.zipf(1.5, rng.integers(0, 30)) % 50) for _ in range(200)
    ]
    p = tmp_path / "z.txt"
    p.write_text("\n".join(lines) + "\n")
    c = Corpus(p, max_sentence_length=7)
    v = Vocabulary.build(c, min_count=3)
    ids, starts = c.to_ids(v)
    expect = []
    for s in c:
        kept = [v.key_to_index[t] for t in s if t in v]
        if kept:
            expect.append(kept)
    got = [ids[a:b].tolist() for a, b in zip(starts[:-1], starts[1:], strict=True)]
    assert got == expect
    assert ids.dtype == np.int32 and starts[-1] == len(ids)
    # counts equal a naive count
    from collections import Counter

    naive = Counter(t for s in c for t in s)
    assert {w: int(n) for w, n in zip(v.index_to_key, v.counts, strict=True)} == {
        w: n for w, n in naive.items() if n >= 3
    }


def test_iterable_source_and_errors():
    c = Corpus([["a", "b"], "c d", []], lowercase=False)
    assert list(c) == [["a", "b"], ["c", "d"]]
    with pytest.raises(CorpusError, match="one-shot"):
        Corpus(s for s in [["a"]])
    with pytest.raises(CorpusError, match="token"):
        list(Corpus([["a", 3]]))
    with pytest.raises(ParameterError, match="errors"):
        Corpus([["a"]], errors="bogus")
    with pytest.raises(ParameterError, match="max_sentence_length"):
        Corpus([["a"]], max_sentence_length=0)


def test_non_utf8_names_byte_offset(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(b"good line\nabc \xff\xfe def\n")
    with pytest.raises(CorpusError, match="byte offset 14") as e:
        list(Corpus(p))
    assert "errors='replace'" in str(e.value)
    assert list(Corpus(p, errors="ignore")) == [["good", "line"], ["abc", "def"]]
    assert list(Corpus(p, errors="replace"))[1] == ["abc", "\ufffd\ufffd", "def"]


def test_empty_and_missing(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("\n \n")
    with pytest.raises(CorpusError, match="empty"):
        Vocabulary.build(Corpus(p))
    with pytest.raises(FileNotFoundError):
        Corpus(tmp_path / "nope.txt")


def test_normalize_option(tmp_path):
    p = tmp_path / "n.txt"
    p.write_text("Medellín, 2015: Café!\nÁrbol\n")
    assert list(Corpus(p, normalize=True)) == [["medellin", "cafe"], ["arbol"]]
    assert list(Corpus([["Café", "x1"]], normalize=True)) == [["cafe", "x"]]


# ------------------------------------------------------------------ damaged compressed files
COMPRESSORS = [
    (gzip.compress, ".gz", "gzip"),
    (bz2.compress, ".bz2", "bzip2"),
    (lzma.compress, ".xz", "xz"),
]


def _big_text() -> str:
    rng = np.random.default_rng(0)
    return (
        "\n".join(" ".join(f"w{int(x)}" for x in rng.integers(0, 5000, 20)) for _ in range(4000))
        + "\n"
    )


@pytest.mark.parametrize("compress,suffix,name", COMPRESSORS)
@pytest.mark.parametrize("keep", [0.5, 0.98])
def test_truncated_compressed_corpus_is_corpus_error(
    tmp_path, monkeypatch, compress, suffix, name, keep
):
    import wordspace.text.corpus as cm

    monkeypatch.setattr(cm, "BLOCK_SIZE", 4096)  # the damage is met mid-pass, after blocks
    data = compress(_big_text().encode())
    p = tmp_path / f"c.txt{suffix}"
    p.write_bytes(data[: int(len(data) * keep)])
    for read in (list, lambda c: c.scan(), lambda c: Vocabulary.build(c)):
        with pytest.raises(CorpusError, match=f"truncated or corrupt {name}") as e:
            read(Corpus(p))
        assert str(p) in str(e.value)


@pytest.mark.parametrize("compress,suffix,name", COMPRESSORS)
def test_corrupt_compressed_corpus_is_corpus_error(tmp_path, compress, suffix, name):
    data = bytearray(compress(_big_text().encode()))
    head = {"gzip": 10, "bzip2": 4, "xz": 12}[name]  # keep the signature, damage the stream
    for i in range(head, min(len(data), head + 64)):
        data[i] ^= 0x5A
    p = tmp_path / f"c{suffix}"
    p.write_bytes(bytes(data))
    with pytest.raises(CorpusError, match=str(p).replace("\\", "\\\\")):
        list(Corpus(p))


@pytest.mark.parametrize("suffix,name", [(".gz", "gzip"), (".bz2", "bzip2"), (".xz", "xz")])
def test_compressed_name_without_compression_is_corpus_error(tmp_path, suffix, name):
    p = tmp_path / f"plain.txt{suffix}"
    p.write_text("the cat sat\n")
    with pytest.raises(CorpusError, match=f"named {suffix} but is not {name}-compressed"):
        list(Corpus(p))
    other = tmp_path / f"other{suffix}"  # another compression under this name
    other.write_bytes((lzma if suffix != ".xz" else gzip).compress(b"a b\n"))
    with pytest.raises(CorpusError, match=f"not {name}-compressed"):
        Corpus(other).scan()


def test_compressed_stream_with_any_name_is_read(tmp_path):
    p = tmp_path / "corpus.txt"  # the signature decides, not the name
    p.write_bytes(gzip.compress(TEXT.encode()))
    assert list(Corpus(p)) == list(Corpus([s.split() for s in TEXT.split("\n") if s]))


def test_corpus_tokenises_through_the_tokenizer(tmp_path):
    from wordspace.text.tokenizer import Tokenizer

    text = "The Cat, sat\nÁrbol  x1\n\n"
    p = tmp_path / "t.txt"
    p.write_text(text)
    for low, norm in ((False, False), (True, False), (False, True), (True, True)):
        c = Corpus(p, lowercase=low, normalize=norm)
        tok = Tokenizer(lowercase=low, normalize=norm)
        assert c.tokenizer == tok
        expect = [t for t in (tok(line) for line in text.split("\n")) if t]
        assert list(c) == expect
        assert list(Corpus(text.split("\n"), lowercase=low, normalize=norm)) == expect


@pytest.mark.parametrize("compress,suffix,name", COMPRESSORS)
def test_training_on_a_truncated_corpus_is_corpus_error(tmp_path, compress, suffix, name):
    from wordspace import GloVe, Word2Vec

    data = compress(_big_text().encode())
    p = tmp_path / f"c.txt{suffix}"
    p.write_bytes(data[: len(data) // 2])
    for model in (
        Word2Vec(vector_size=8, epochs=1, min_count=1, workers=1),
        GloVe(vector_size=8, epochs=1, min_count=1, workers=1),
    ):
        with pytest.raises(CorpusError, match=f"truncated or corrupt {name}"):
            model.fit(str(p))
