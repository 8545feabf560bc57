"""Export for the TensorFlow Embedding Projector: vectors.tsv + metadata.tsv."""

from __future__ import annotations

import json

import numpy as np
import pytest

import wordspace as ws
from wordspace.errors import OutputPathError, ParameterError
from wordspace.viz.projector import export_projector


def _wv(values: bool, counts: bool = True) -> ws.WordVectors:
    rng = np.random.default_rng(0)
    words = ["alpha", "beta", "gamma", "tab\tword", "line\nbreak", "ünïcode"]
    vecs = rng.normal(size=(len(words), 5)).astype(np.float32)
    extras = {"values": np.array([1.5, -2.0, 3.25, 0.0, 1e-3, 7.0])} if values else None
    return ws.WordVectors(
        words, vecs, counts=[60, 50, 40, 30, 20, 10] if counts else None, extras=extras
    )


def test_vectors_round_trip_and_metadata_columns(tmp_path):
    wv = _wv(values=True)
    out = export_projector(wv, tmp_path / "proj")
    assert out == {
        "vectors": tmp_path / "proj" / "vectors.tsv",
        "metadata": tmp_path / "proj" / "metadata.tsv",
    }
    back = np.loadtxt(out["vectors"], delimiter="\t", dtype=np.float64)
    assert back.shape == (6, 5)
    np.testing.assert_allclose(back, wv.vectors, rtol=1e-5, atol=1e-6)
    lines = out["metadata"].read_text(encoding="utf-8").split("\n")
    assert lines[0] == "word\tcount\tvalue"
    assert lines[1] == "alpha\t60\t1.5"
    assert lines[4] == "tab word\t30\t0"  # a tab inside a word would break the TSV
    assert lines[5] == "line break\t20\t0.001"
    assert lines[6] == "ünïcode\t10\t7"
    assert lines[7] == "" and len(lines) == 8
    assert all(len(row.split("\t")) == 3 for row in lines[:-1])


def test_single_column_metadata_has_no_header(tmp_path):
    """The projector reads a one-column file without a header line."""
    out = export_projector(_wv(values=False, counts=False), tmp_path, limit=3)
    assert out["metadata"].read_text(encoding="utf-8") == "alpha\nbeta\ngamma\n"
    assert len(out["vectors"].read_text().splitlines()) == 3


def test_bad_arguments(tmp_path):
    with pytest.raises(ParameterError, match="limit"):
        export_projector(_wv(True), tmp_path, limit=0)
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(OutputPathError, match="not a folder"):
        export_projector(_wv(True), f)
    # a folder where an output file goes is never replaced
    d = tmp_path / "d"
    (d / "vectors.tsv").mkdir(parents=True)
    (d / "keep.txt").write_text("mine")
    with pytest.raises(OutputPathError, match="vectors.tsv is a folder"):
        export_projector(_wv(True), d)
    assert (d / "vectors.tsv").is_dir() and (d / "keep.txt").read_text() == "mine"


def test_cli_export_projector(tmp_path, capsys):
    from wordspace.cli import main

    model = tmp_path / "m.wsv"
    _wv(values=True).save(model)
    main(["export", "projector", str(model), str(tmp_path / "out"), "--limit", "4", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["words"] == 4 and data["dimension"] == 5
    assert (tmp_path / "out" / "metadata.tsv").read_text().splitlines()[0] == "word\tcount\tvalue"
    assert len((tmp_path / "out" / "vectors.tsv").read_text().splitlines()) == 4
