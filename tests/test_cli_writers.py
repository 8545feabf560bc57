"""Every writer: ``-o`` optional (a name next to the input), ``--format`` (default by the
output's extension), and the files read back."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import wordspace as ws
from wordspace.cli import main
from wordspace.io.formats import format_name


@pytest.fixture()
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(3)
    words = ["king", "queen", "man", "woman"] + [f"w{i}" for i in range(20)]
    vecs = rng.standard_normal((len(words), 6)).astype(np.float32)
    ws.WordVectors(words, vecs).save_word2vec_format("vectors.txt")
    return tmp_path


def run(capsys, *args):
    main([str(a) for a in args])
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "fmt, name, first_line",
    [
        ("native", "o.wsv", None),
        ("word2vec", "o.txt", "24 6"),
        ("word2vec-binary", "o.bin", "24 6"),
        ("glove", "o.txt", None),
        ("fasttext", "o.vec", "24 6"),
    ],
)
def test_convert_every_format_round_trips(work, capsys, fmt, name, first_line):
    src = ws.load("vectors.txt")
    data = json.loads(run(capsys, "convert", "vectors.txt", "-o", name, "--format", fmt, "--json"))
    # the JSON names the format by its one name (wordspace.io.formats.FORMATS)
    assert data["format"] == format_name(fmt) and data["dst"] == name
    back = ws.load(name)
    assert back.index_to_key == src.index_to_key
    np.testing.assert_allclose(back.vectors, src.vectors, rtol=1e-6)
    if first_line is not None:
        assert (work / name).read_bytes().split(b"\n", 1)[0].decode() == first_line
    if fmt == "glove":
        assert (work / name).read_text().split(" ", 1)[0] == "king"


@pytest.mark.parametrize(
    "args, expected, fmt",
    [
        ([], "vectors.wsv", "native"),
        (["--format", "word2vec-binary"], "vectors.bin", "word2vec-binary"),
        (["--format", "fasttext"], "vectors.vec", "fasttext-vec"),
        (["--to", "native"], "vectors.wsv", "native"),
        (["-o", "x.vec"], "x.vec", "fasttext-vec"),
        (["y.bin"], "y.bin", "word2vec-binary"),
    ],
)
def test_convert_output_and_format_defaults(work, capsys, args, expected, fmt):
    data = json.loads(run(capsys, "convert", "vectors.txt", *args, "--json"))
    assert data["dst"] == expected and data["format"] == fmt
    assert len(ws.load(expected)) == 24


def test_convert_may_replace_its_own_model(work, capsys):
    run(capsys, "convert", "vectors.txt", "m.wsv")
    run(capsys, "convert", "vectors.txt", "m.wsv", "--limit", "5")
    assert len(ws.load("m.wsv")) == 5


def test_plot_output_defaults_next_to_the_input(work, capsys):
    run(capsys, "convert", "vectors.txt", "m.wsv")
    out = json.loads(run(capsys, "plot", "heatmap", "m.wsv", "--words", "king,queen,man", "--json"))
    assert out["output"] == "m.heatmap.png" and (work / "m.heatmap.png").exists()
    out = json.loads(
        run(
            capsys,
            "plot",
            "heatmap",
            "m.wsv",
            "--words",
            "king,queen,man",
            "--format",
            "svg",
            "--pixels",
            "300x200",
            "--json",
        )
    )
    assert out["output"] == "m.heatmap.svg" and (out["width"], out["height"]) == (300, 200)
    assert (work / "m.heatmap.svg").read_text().lstrip().startswith("<?xml")


def test_export_projector_output_defaults_next_to_the_input(work, capsys):
    data = json.loads(run(capsys, "export", "projector", "vectors.txt", "--limit", "3", "--json"))
    assert data["vectors"] == str(Path("vectors-projector", "vectors.tsv"))
    assert len((work / "vectors-projector" / "vectors.tsv").read_text().splitlines()) == 3
    run(capsys, "export", "projector", "vectors.txt", "-o", "p", "--limit", "2")
    assert len((work / "p" / "metadata.tsv").read_text().splitlines()) == 2


@pytest.mark.parametrize(
    "name, fmt, read",
    [
        ("c.csv", None, pd.read_csv),
        ("c.tsv", None, lambda p: pd.read_csv(p, sep="\t")),
        ("c.json", None, pd.read_json),
        ("c.txt", "tsv", lambda p: pd.read_csv(p, sep="\t")),
    ],
)
def test_datasets_formats(work, capsys, name, fmt, read):
    run(
        capsys,
        "datasets",
        "color-spectrum",
        "-n",
        "12",
        "-o",
        name,
        *(["--format", fmt] if fmt else []),
    )
    df = read(work / name)
    assert list(df.columns) == ["keyword", "estimated_value"] and len(df) == 12


def test_train_valuevec_writes_any_format(work, capsys):
    pd.DataFrame({"w": [f"w{i}" for i in range(12)], "v": range(12)}).to_csv("t.csv", index=False)
    data = json.loads(
        run(
            capsys,
            "train",
            "valuevec",
            "t.csv",
            "--word",
            "w",
            "--value",
            "v",
            "--epochs",
            "20",
            "--format",
            "word2vec",
            "--json",
        )
    )
    assert data["output"] == "t.txt" and data["format"] == "word2vec-text"
    wv = ws.load(work / "t.txt")
    assert len(wv) == 12 and wv.vector_size == 15
