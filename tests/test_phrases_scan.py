"""The compiled ASCII path of Corpus.scan gives exactly what the Python (Unicode) path gives."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

import wordspace.text.corpus as corpus_mod
from wordspace.text.corpus import Corpus

TEXTS = [
    "a b c\nd e\n",
    "  lead and trail  \n\n\nafter blanks\n",
    "crlf line\r\nnext\r\n",
    "tabs\tand\x0bvertical\x0cfeed\x1cfile\x1dgroup\x1erecord\x1funit end",
    "no final newline",
    "Mixed CASE Words mixed case words\nCASE",
    " ".join(f"w{i % 37}" for i in range(2500))
    + "\n"
    + "x y\n"
    + " ".join("z" * 3 for _ in range(999)),
    "averyveryveryverylongtokenthatstraddlesblocks " * 40,
    "\n\n\n",
    "",
]


def _same(a, b):
    assert a.types == b.types
    np.testing.assert_array_equal(a.raw_ids, b.raw_ids)
    np.testing.assert_array_equal(a.sentence_starts, b.sentence_starts)
    np.testing.assert_array_equal(a.counts, b.counts)


@pytest.mark.parametrize("block", [7, 64, 4 << 20])
@pytest.mark.parametrize("lowercase", [False, True])
@pytest.mark.parametrize("i", range(len(TEXTS)))
def test_ascii_scan_equals_the_unicode_path(tmp_path, monkeypatch, i, lowercase, block):
    monkeypatch.setattr(corpus_mod, "BLOCK_SIZE", block)
    p = tmp_path / "c.txt"
    p.write_bytes(TEXTS[i].encode("ascii"))
    c = Corpus(p, lowercase=lowercase, max_sentence_length=100)
    fast = c._scan_ascii()
    assert fast is not None
    _same(fast, c._scan_tokens())
    sents = list(c)
    starts = fast.sentence_starts.tolist()
    assert [
        [fast.types[t] for t in fast.raw_ids[a:b]] for a, b in zip(starts, starts[1:], strict=False)
    ] == sents


def test_non_ascii_falls_back_to_the_unicode_path(tmp_path):
    p = tmp_path / "u.txt"
    p.write_text("café au lait\u00a0noir\u2003x\n" + "plain " * 10, encoding="utf-8")
    c = Corpus(p)
    assert c._scan_ascii() is None
    sc = c.scan()
    assert sc.types[:6] == ["café", "au", "lait", "noir", "x", "plain"]


def test_compressed_ascii_corpus(tmp_path):
    p = tmp_path / "c.txt.gz"
    p.write_bytes(gzip.compress(TEXTS[6].encode("ascii")))
    c = Corpus(p, max_sentence_length=100)
    _same(c._scan_ascii(), c._scan_tokens())
