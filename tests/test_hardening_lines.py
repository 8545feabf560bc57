"""Every text read is bounded: one line bound (``wordspace._files.MAX_LINE_BYTES``, 64 MiB, or
``WORDSPACE_MAX_LINE``) for every reader of text, a typed error naming the file, the line and
the variable; a corpus cuts long lines into sentences and bounds only one token."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import wordspace as ws
from wordspace import _files
from wordspace.errors import CorpusError, FormatError, ParameterError, ValueDataError
from wordspace.io.formats import load_word2vec_format

ROOT = Path(__file__).resolve().parents[1]
BOUND = 4096  # the bound these tests set (WORDSPACE_MAX_LINE)
LONG = b"b " + b"0.5 " * BOUND + b"\n"  # one line over it


@pytest.fixture
def bound(monkeypatch):
    monkeypatch.setenv("WORDSPACE_MAX_LINE", str(BOUND))
    return BOUND


def _small() -> ws.WordVectors:
    return ws.WordVectors(["a", "b", "c", "d"], np.eye(4, dtype=np.float32))


def _says(e: pytest.ExceptionInfo, path: Path, where: str) -> None:
    msg = str(e.value)
    assert str(path) in msg and where in msg, msg
    assert f"longer than {BOUND:,} bytes" in msg and "WORDSPACE_MAX_LINE" in msg, msg


# ----------------------------------------------------------------------- the bound itself
def test_the_bound_defaults_to_64_mib_and_follows_the_variable(monkeypatch):
    monkeypatch.delenv("WORDSPACE_MAX_LINE", raising=False)
    assert _files.max_line_bytes() == _files.MAX_LINE_BYTES == 64 << 20
    monkeypatch.setenv("WORDSPACE_MAX_LINE", "1000")
    assert _files.max_line_bytes() == 1000
    monkeypatch.setenv("WORDSPACE_MAX_LINE", "0")
    assert _files.max_line_bytes() is None
    for bad in ("lots", "-5", "1.5"):
        monkeypatch.setenv("WORDSPACE_MAX_LINE", bad)
        with pytest.raises(ParameterError, match="WORDSPACE_MAX_LINE must be a number of bytes"):
            _files.max_line_bytes()


@pytest.mark.parametrize("block", [1, 7, 4096, 1 << 16])
def test_read_bounded_finds_the_first_long_line_whatever_the_blocks(
    tmp_path, monkeypatch, bound, block
):
    monkeypatch.setattr(_files, "_LINE_BLOCK", block)
    ok = b"x" * BOUND + b"\n"  # exactly the bound: allowed
    p = tmp_path / "t.txt"
    p.write_bytes(b"a\n" + ok * 3 + b"y" * (BOUND + 1) + b"\nz\n")
    with open(p, "rb") as f, pytest.raises(FormatError) as e:
        _files.read_bounded(f, p, start=1)
    _says(e, p, "line 5")
    with pytest.raises(FormatError) as e:
        _files.check_line_lengths(p)
    _says(e, p, "line 5")
    with open(p, "rb") as f, pytest.raises(FormatError) as e:
        list(_files.bounded_lines(f, p))
    _says(e, p, "line 5")
    p.write_bytes(b"a\n" + ok * 3 + b"z")  # within the bound: everything comes back
    with open(p, "rb") as f:
        assert _files.read_bounded(f, p) == p.read_bytes()
    with open(p, "rb") as f:
        assert b"".join(_files.bounded_lines(f, p)) == p.read_bytes()
    _files.check_line_lengths(p)


# ------------------------------------------------------------------------ every reader
def test_vector_text_lines_after_the_first(tmp_path, bound):
    p = tmp_path / "v.txt"
    p.write_bytes(b"3 2\na 1 2\n" + LONG + b"c 5 6\n")
    with pytest.raises(FormatError) as e:
        ws.load(p, cache=False)
    _says(e, p, "line 3")
    with pytest.raises(FormatError) as e:  # with a limit (lines read one by one)
        load_word2vec_format(p, limit=3)
    _says(e, p, "line 3")
    g = tmp_path / "g.txt"  # GloVe: no header
    g.write_bytes(b"a 1 2\n" + LONG)
    with pytest.raises(FormatError) as e:
        load_word2vec_format(g, no_header=True, binary=False)
    _says(e, g, "line 2")
    with pytest.raises(FormatError) as e:  # the first line
        load_word2vec_format(g.write_bytes(LONG) and g, no_header=True, binary=False)
    _says(e, g, "line 1")


@pytest.mark.parametrize("setting", ["0", str(8 * BOUND)])
def test_the_bound_raised_reads_the_same_file(tmp_path, monkeypatch, setting):
    p = tmp_path / "v.txt"
    row = b"b " + b"0.5 " * (BOUND - 1) + b"0.5\n"  # 4 * BOUND bytes
    p.write_bytes(f"2 {BOUND}\n".encode() + b"a " + b"1 " * BOUND + b"\n" + row)
    monkeypatch.setenv("WORDSPACE_MAX_LINE", str(BOUND))
    with pytest.raises(FormatError, match="line 2"):
        ws.load(p, cache=False)
    monkeypatch.setenv("WORDSPACE_MAX_LINE", setting)
    wv = ws.load(p, cache=False)
    assert wv.vector_size == BOUND and np.all(wv["b"] == 0.5)


def test_word2vec_binary_record_word(tmp_path, bound):
    p = tmp_path / "v.bin"
    vec = np.ones(2, dtype="<f4").tobytes()
    p.write_bytes(b"2 2\na " + vec + b"\n" + b"w" * (BOUND + 10) + b" " + vec + b"\n")
    with pytest.raises(FormatError) as e:
        load_word2vec_format(p, binary=True)
    _says(e, p, "record 2")


def test_fasttext_bin_dictionary_word(tmp_path, bound):
    from wordspace.io.fasttext_bin import load_facebook_vectors

    args = struct.pack("<12i", 2, 5, 5, 1, 5, 1, 2, 2, 10, 3, 6, 100)
    head = struct.pack("<ii", 793712314, 12) + args + struct.pack("<d", 1e-4)
    sizes = struct.pack("<iii", 1, 1, 0) + struct.pack("<qq", 10, -1)
    p = tmp_path / "ft.bin"
    p.write_bytes(head + sizes + b"w" * (BOUND + 10) + b"\0" + struct.pack("<qb", 1, 0))
    with pytest.raises(FormatError) as e:
        load_facebook_vectors(p)
    _says(e, p, "dictionary entry 0")


def test_pair_and_analogy_files(tmp_path, bound):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_bytes(b"a\tb\t1.0\n" + LONG)
    with pytest.raises(FormatError) as e:
        _small().evaluate_word_pairs(pairs)
    _says(e, pairs, "line 2")
    questions = tmp_path / "q.txt"
    questions.write_bytes(b": s\na b c d\n" + LONG)
    with pytest.raises(FormatError) as e:
        _small().evaluate_word_analogies(questions)
    _says(e, questions, "line 3")


def test_one_valid_pair_is_a_typed_error_not_scipys(tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("a\tb\t1.0\nno score here\n")
    with pytest.raises(FormatError, match="only 1 valid similarity judgement"):
        _small().evaluate_word_pairs(pairs)


def test_value_tables(tmp_path, bound):
    from wordspace.train.valuevec.values import read_table

    t = tmp_path / "t.csv"
    t.write_bytes(b"word,value\na,1\n" + b"b," + b"9" * BOUND + b"\n")
    with pytest.raises(ValueDataError) as e:
        read_table(t)
    _says(e, t, "line 3")
    t.write_bytes(b"word,value\na,1\nb,2\n")
    assert list(read_table(t)["word"]) == ["a", "b"]


@pytest.mark.parametrize("text", [b"a b\n", "\u00e9t\u00e9 b\n".encode()])  # ASCII, Unicode
def test_corpus_lines_are_cut_but_a_token_is_bounded(tmp_path, monkeypatch, bound, text):
    from wordspace.text import corpus as C

    monkeypatch.setattr(C, "BLOCK_SIZE", 1000)  # a token within one block is held anyway
    c = tmp_path / "c.txt"
    c.write_bytes(text + b"w " * (3 * BOUND) + b"\n")  # a long line: cut into sentences
    corpus = ws.Corpus(c, max_sentence_length=1000)
    assert [len(s) for s in corpus][1:] == [1000] * 12 + [288]
    assert corpus.scan().types[-1] == "w"
    c.write_bytes(text + b"x" * (BOUND + 1) + b" y\n")  # one token over the bound
    for read in (lambda k: list(k), lambda k: k.scan()):
        with pytest.raises(CorpusError) as e:
            read(ws.Corpus(c))
        _says(e, c, f"byte offset {len(text):,}")
        assert "token" in str(e.value)


def test_corpus_token_bound_in_parallel_ranges(tmp_path, monkeypatch):
    from wordspace.text import corpus as C

    monkeypatch.setenv("WORDSPACE_MAX_LINE", str(1 << 16))
    monkeypatch.setattr(C, "PARALLEL_MIN_BYTES", 1 << 10)
    monkeypatch.setattr(C, "BLOCK_SIZE", 1 << 12)
    c = tmp_path / "c.txt"
    head = b"a b c\n" * 40_000
    c.write_bytes(head + b"x" * ((1 << 16) + 5) + b" y\n")
    with pytest.raises(CorpusError) as e:
        ws.Corpus(c, workers=2).scan()
    assert f"byte offset {len(head):,}" in str(e.value)


def test_cli_word_and_text_lists(tmp_path, bound, capsys):
    from wordspace.cli import main

    model = tmp_path / "m.wsv"
    ws.save(_small(), model)
    words = tmp_path / "words.txt"
    words.write_bytes(b"a b\n" + b"c" * (BOUND + 1) + b"\n")
    texts = tmp_path / "texts.tsv"
    texts.write_bytes(b"a b\tc d\n" + b"c" * (BOUND + 1) + b"\n")
    for args, name in [
        (["plot", "map", model, "--words", words, "-o", tmp_path / "m.png"], "words.txt"),
        (["report", model, "--texts", texts, "-o", tmp_path / "r.html"], "texts.tsv"),
    ]:
        with pytest.raises(SystemExit) as e:
            main([str(a) for a in args])
        err = capsys.readouterr().err
        assert e.value.code == 2, err
        assert f"{name}: line 2" in err and "WORDSPACE_MAX_LINE" in err, err
        assert len(err.strip().splitlines()) == 1, err


def test_compat_fvocab(tmp_path, bound):
    from wordspace.compat.gensim.models import KeyedVectors

    v = tmp_path / "v.txt"
    v.write_text("2 2\na 1 2\nb 3 4\n")
    voc = tmp_path / "voc.txt"
    voc.write_bytes(b"a 5\n" + b"b" * (BOUND + 1) + b" 3\n")
    with pytest.raises(FormatError) as e:
        KeyedVectors.load_word2vec_format(v, fvocab=voc)
    _says(e, voc, "line 2")


# ------------------------------------------------- 100 MB on one line, in bounded memory
def test_a_100_mb_line_is_refused_in_bounded_memory(tmp_path):
    """Each reader meets one 100 MB line; with the bound at 4 MiB the child's peak RSS grows
    by far less than the line (measured in a fresh process by tools/hostile_rss.py)."""
    cases = [
        "text-long-line",
        "pairs-long-line",
        "table-long-line",
        "corpus-long-token",
    ]
    env = {**os.environ, "WORDSPACE_MAX_LINE": str(4 << 20), "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, str(ROOT / "tools" / "hostile_rss.py"), "--one-process", "--dir",
           str(tmp_path), *(x for c in cases for x in ("--case", c))]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["case"] for r in rows] == cases
    for r in rows:
        assert r["input_mb"] >= 100 and r["outcome"] == "refused", r
        assert "longer than 4,194,304 bytes" in r["error"], r
        assert r["error"].split(":")[0] in ("FormatError", "ValueDataError", "CorpusError"), r
    assert rows[-1]["growth_mb"] < 40, rows  # the line is 100 MB; the bound 4 MiB
