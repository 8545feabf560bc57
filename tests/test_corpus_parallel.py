"""The parallel scan (byte ranges tokenised by threads, then merged) equals the one-thread scan
exactly: types in order of first occurrence, counts, raw ids, sentence cuts."""

from __future__ import annotations

import numpy as np
import pytest

import wordspace.text.corpus as corpus_mod
from wordspace.text.corpus import Corpus


def _same(a, b):
    assert a.types == b.types
    np.testing.assert_array_equal(a.counts, b.counts)
    np.testing.assert_array_equal(a.raw_ids, b.raw_ids)
    np.testing.assert_array_equal(a.sentence_starts, b.sentence_starts)


def _words(n, seed=0):
    rng = np.random.default_rng(seed)
    return [
        f"w{int(z)}" + "x" * int(k)
        for z, k in zip(rng.zipf(1.3, n) % 500, rng.integers(0, 9, n), strict=True)
    ]


def _texts():
    w = _words(3000)
    lines = [" ".join(w[i : i + 13]) for i in range(0, 1500, 13)]
    return {
        # cuts land inside words (word lengths vary), lines of 13 tokens
        "lines": "\n".join(lines) + "\n",
        # one line far longer than max_sentence_length: ranges cut it mid-sentence
        "long line": " ".join(w),
        "crlf": "\r\n".join(lines) + "\r\n",
        "mixed case": "\n".join(ln.upper() if i % 3 else ln for i, ln in enumerate(lines)),
        "odd whitespace": "\t\x0b".join(w[:800]) + "\x0c\n\n\n " + "\x1c".join(w[800:1600]),
        # no whitespace for longer than a range: the cut moves on to the next space
        "giant token": "a b " + "z" * 5000 + " c d\n" + " ".join(w[:300]),
        "blank lines": "\n\n" + "\n\n\n".join(lines[:40]) + "\n\n",
    }


TEXTS = _texts()


@pytest.mark.parametrize("lowercase", [False, True])
@pytest.mark.parametrize("workers", [2, 3, 8])
@pytest.mark.parametrize("name", list(TEXTS))
def test_parallel_scan_equals_one_thread(tmp_path, monkeypatch, name, workers, lowercase):
    monkeypatch.setattr(corpus_mod, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(corpus_mod, "BLOCK_SIZE", 97)  # blocks cut through words as well
    p = tmp_path / "c.txt"
    p.write_bytes(TEXTS[name].encode("ascii"))
    one = Corpus(p, workers=1, lowercase=lowercase, max_sentence_length=7)
    many = Corpus(p, workers=workers, lowercase=lowercase, max_sentence_length=7)
    ranges = many._byte_ranges()
    assert ranges is not None and len(ranges) >= 2  # the parallel path is the one tested
    data = p.read_bytes()
    for _a, b in ranges[:-1]:
        assert data[b - 1 : b].decode().isspace()  # every range ends just after whitespace
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(r[1] == s[0] for r, s in zip(ranges, ranges[1:], strict=False))
    base = one._scan_ascii()
    assert one._byte_ranges() is None and base is not None
    _same(many._scan_ascii(), base)
    _same(base, one._scan_tokens())  # and both are what the Unicode path reads


def test_non_ascii_in_a_later_range_falls_back_to_the_unicode_path(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_mod, "PARALLEL_MIN_BYTES", 1)
    w = _words(2000)
    text = " ".join(w[:1000]) + "\n" + " ".join(w[1000:1990]) + " café\u00a0noir " + w[-1]
    p = tmp_path / "u.txt"
    p.write_text(text, encoding="utf-8")
    c = Corpus(p, workers=4, max_sentence_length=50)
    assert len(c._byte_ranges()) == 4
    assert c._scan_ascii() is None
    sc = c.scan()
    _same(sc, Corpus(p, workers=1, max_sentence_length=50)._scan_tokens())
    assert "café" in sc.types and "noir" in sc.types


def test_small_and_compressed_files_are_read_by_one_thread(tmp_path, monkeypatch):
    import gzip

    p = tmp_path / "c.txt"
    p.write_text(TEXTS["lines"])
    assert Corpus(p, workers=4)._byte_ranges() is None  # below PARALLEL_MIN_BYTES
    monkeypatch.setattr(corpus_mod, "PARALLEL_MIN_BYTES", 1)
    assert Corpus(p, workers=4)._byte_ranges() is not None
    g = tmp_path / "c.txt.gz"
    g.write_bytes(gzip.compress(TEXTS["lines"].encode()))
    assert Corpus(g, workers=4)._byte_ranges() is None
    _same(Corpus(g, workers=4).scan(), Corpus(p, workers=4).scan())


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_workers_is_checked(tmp_path, bad):
    from wordspace.errors import ParameterError

    p = tmp_path / "c.txt"
    p.write_text("a b\n")
    with pytest.raises(ParameterError, match="workers must be a positive integer"):
        Corpus(p, workers=bad)
