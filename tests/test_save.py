"""``ws.save(obj, path, format=None)``: one set of format names for the reader, the writer and
the CLI, and one metadata key (``source_format``) for the format vectors were read from."""

from __future__ import annotations

import numpy as np
import pytest

import wordspace as ws
from wordspace.cli import main
from wordspace.cli._common import VECTOR_FORMATS
from wordspace.errors import ParameterError
from wordspace.io.formats import EXTENSIONS, FORMAT_ALIASES, FORMATS, detect_format, format_name


def _wv():
    rng = np.random.default_rng(0)
    words = ["alpha", "beta", "gamma", "delta"]
    return ws.WordVectors(words, rng.standard_normal((4, 3)).astype(np.float32))


@pytest.mark.parametrize(
    "fmt, name",
    [
        ("word2vec-text", "v.txt"),
        ("word2vec-binary", "v.bin"),
        ("glove-text", "v.txt"),
        ("fasttext-vec", "v.vec"),
        ("native", "v.wsv"),
    ],
)
def test_what_save_writes_is_detected_under_the_same_name(tmp_path, fmt, name):
    wv = _wv()
    p = tmp_path / name
    ws.save(wv, p, format=fmt)
    assert detect_format(p) == fmt
    back = ws.load(p)
    assert back.index_to_key == wv.index_to_key
    np.testing.assert_allclose(back.vectors, wv.vectors, rtol=1e-6, atol=1e-6)
    if fmt != "native":
        assert back.meta["source_format"] == fmt


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("v.txt", "word2vec-text"),
        ("v.txt.gz", "word2vec-text"),
        ("v.bin", "word2vec-binary"),
        ("v.vec", "fasttext-vec"),
        ("v.wsv", "native"),
    ],
)
def test_format_from_the_file_name(tmp_path, name, fmt):
    ws.save(_wv(), tmp_path / name)
    assert detect_format(tmp_path / name) == fmt


def test_the_cli_short_names_are_aliases(tmp_path):
    for alias, canonical in FORMAT_ALIASES.items():
        assert format_name(alias) == canonical
        p = tmp_path / f"{alias}{EXTENSIONS[canonical]}"
        ws.save(_wv(), p, format=alias)
        assert detect_format(p) == canonical


def test_one_set_of_names_for_reader_writer_and_cli():
    assert set(VECTOR_FORMATS) | {"fasttext-bin"} == set(FORMATS)
    assert set(FORMAT_ALIASES.values()) <= set(FORMATS)


def test_a_trained_model_saves_its_vectors_or_itself(tmp_path):
    m = ws.Word2Vec(vector_size=4, min_count=1, epochs=1, workers=1, seed=1)
    m.fit([["a", "b", "c", "a", "b"]] * 20)
    ws.save(m, tmp_path / "m.txt")
    assert ws.load(tmp_path / "m.txt").index_to_key == m.wv.index_to_key
    ws.save(m, tmp_path / "m.wsv")
    again = ws.Word2Vec.load(tmp_path / "m.wsv")
    np.testing.assert_array_equal(again.wv.vectors, m.wv.vectors)


def test_fasttext_bin_round_trip_and_its_source_format(tmp_path):
    m = ws.FastText(vector_size=4, min_count=1, epochs=1, workers=1, seed=1, bucket=100)
    m.fit([["spam", "eggs", "ham", "spam"]] * 20)
    p = tmp_path / "m.bin"
    ws.save(m, p, format="fasttext-bin")
    assert detect_format(p) == "fasttext-bin"
    from wordspace.io.fasttext_bin import load_facebook_vectors

    sv = load_facebook_vectors(p)
    assert sv.meta["source_format"] == "fasttext-bin" and "format" not in sv.meta
    np.testing.assert_allclose(sv["spam"], m.wv["spam"], rtol=1e-5, atol=1e-6)


def test_bad_requests_say_what_to_do(tmp_path):
    with pytest.raises(ParameterError, match=r"format must be one of native, word2vec-text"):
        ws.save(_wv(), tmp_path / "x", format="xml")
    with pytest.raises(ParameterError, match="fasttext-bin.*use 'fasttext-vec'"):
        ws.save(_wv(), tmp_path / "x.bin", format="fasttext-bin")
    with pytest.raises(ParameterError, match="not fitted yet"):
        ws.save(ws.Word2Vec(), tmp_path / "x.txt")
    assert not any(tmp_path.iterdir())  # nothing written


def test_cli_takes_both_spellings_and_reports_the_one_name(tmp_path, capsys):
    src = tmp_path / "v.txt"
    ws.save(_wv(), src)
    for given, canonical in (("glove", "glove-text"), ("glove-text", "glove-text")):
        out = tmp_path / f"{given}.txt"
        main(["convert", str(src), str(out), "--format", given, "--json"])
        import json

        doc = json.loads(capsys.readouterr().out)
        assert doc["format"] == canonical and detect_format(out) == "glove-text"
