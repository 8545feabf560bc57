"""The CLI's error contract, for every command: a user error prints one line (plus at most one
hint line) on stderr and exits with 2; a bug prints one ``internal error:`` line and exits
with 1, with the traceback only under ``--debug``; nothing is written on a refused run."""

import gzip
import json
import math

import numpy as np
import pandas as pd
import pytest
import typer

import wordspace as ws
from wordspace.cli import app, main


@pytest.fixture()
def work(tmp_path, monkeypatch):
    """A folder with a model, vector files, a corpus, a value table and text files."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    words = ["king", "queen", "man", "woman", "cat", "dog", "sat", "the", "mat"]
    words += [f"w{i}" for i in range(30)]
    vecs = rng.standard_normal((len(words), 8)).astype(np.float32)
    ws.WordVectors(words, vecs, meta={"trainer": "x", "loss_history": [3, 2]}).save("model.wsv")
    ws.WordVectors(words, vecs).save_word2vec_format("vectors.txt")
    lines = [" ".join(f"a{(i * 7 + j) % 9}" for j in range(10)) for i in range(100)]
    (tmp_path / "corpus.txt").write_text("\n".join(lines) + "\n")
    pd.DataFrame({"w": [f"w{i}" for i in range(12)], "v": range(12)}).to_csv("t.csv", index=False)
    (tmp_path / "q.txt").write_text("the cat\n")
    (tmp_path / "docs.txt").write_text("the dog sat\nthe cat sat on the mat\n")
    (tmp_path / "bad.json").write_text("{nope")
    data = gzip.compress((tmp_path / "vectors.txt").read_bytes())
    (tmp_path / "trunc.txt.gz").write_bytes(data[: len(data) // 2])
    (tmp_path / "garbage.txt").write_text("hello world\n")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("my notes")
    return tmp_path


def run(capsys, *args):
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err


# (command path, arguments after it, text the error line must contain)
BAD = [
    ("info", ["missing.txt"], "missing.txt"),
    ("info", ["trunc.txt.gz"], ""),
    ("info", ["garbage.txt"], "garbage.txt"),
    ("similar", ["model.wsv", "kingg"], "'kingg' is not in the vocabulary"),
    ("similar", ["model.wsv", "king", "-n", "many"], "'-n'"),
    ("analogy", ["model.wsv", "king", "man", "woman", "--method", "3cosfoo"], "--method"),
    ("analogy", ["model.wsv", "king", "man", "womann"], "'womann'"),
    ("similarity", ["model.wsv", "king"], "two WORDS"),
    ("convert", ["vectors.txt", "out.x", "--format", "xml"], "--format must be one of"),
    ("convert", ["vectors.txt", "out.x", "--to", "xml"], "--to must be one of"),
    ("convert", ["vectors.txt", "mine"], "mine"),
    ("convert", ["vectors.txt", "-o", "vectors.txt/m.wsv"], "not a folder"),
    ("convert", ["model.wsv"], "give -o/--output"),
    ("convert", ["vectors.txt", "--limit", "0"], "--limit"),
    ("eval", ["model.wsv", "--method", "3cosfoo"], "--method must be one of"),
    ("eval", ["model.wsv", "--analogies", "missing.txt"], "--analogies 'missing.txt'"),
    ("compare", ["model.wsv", "the cat", "a dog", "--method", "bm25"], "--method"),
    ("compare", ["model.wsv", "the cat", "a dog", "--corpus", "missing.txt"], "--corpus"),
    ("rank", ["model.wsv", "q.txt", "missing.txt"], "DOCS_FILE"),
    ("rank", ["model.wsv", "missing.txt", "docs.txt"], "QUERY 'missing.txt' does not exist"),
    ("demo", ["--out", "q.txt"], "--out 'q.txt' is a file"),
    ("rank", ["model.wsv", "q.txt", "docs.txt", "--method", "bm25"], "--method"),
    ("explore", ["model.wsv", "--port", "70000"], "--port"),
    ("explore", ["missing.wsv"], "missing.wsv"),
    ("train word2vec", ["missing.txt"], "CORPUS 'missing.txt' does not exist"),
    ("train word2vec", ["corpus.txt", "--negative", "0"], "--negative=0 with --hs=0"),
    ("train word2vec", ["corpus.txt", "--dim", "0"], "--dim must be"),
    ("train word2vec", ["corpus.txt", "--min-alpha", "1"], "--min-alpha must be"),
    ("train word2vec", ["corpus.txt", "--lr", "-1"], "--lr must be"),
    ("train word2vec", ["corpus.txt", "--epochs", "x"], "--epochs"),
    ("train word2vec", ["corpus.txt", "-o", "mine"], "mine"),
    ("train word2vec", ["corpus.txt", "--format", "xml"], "--format must be one of"),
    ("train fasttext", ["missing.txt"], "CORPUS 'missing.txt' does not exist"),
    (
        "train fasttext",
        ["corpus.txt", "--minn", "5", "--maxn", "3"],
        "--minn=5 is larger than --maxn=3",
    ),
    ("train fasttext", ["corpus.txt", "--bucket", "-1"], "--bucket must be"),
    ("train fasttext", ["corpus.txt", "--format", "xml"], "--format must be one of"),
    ("index", ["missing.wsv"], "missing.wsv"),
    ("train glove", [], "CORPUS"),
    ("train glove", ["corpus.txt", "--weight-exponent", "2"], "--weight-exponent must be"),
    ("train glove", ["corpus.txt", "--alpha", "0.5"], "--alpha"),
    ("train glove", ["corpus.txt", "--threads", "0"], "--threads must be"),
    ("train glove", ["corpus.txt", "-o", "corpus.txt/g.wsv"], "not a folder"),
    ("train valuevec", ["t.csv", "--word", "w"], "--value"),
    ("train valuevec", ["t.csv", "--word", "w", "--value", "v", "--lr", "0"], "--lr must be"),
    ("train valuevec", ["t.csv", "--word", "w", "--text", "w", "--value", "v"], "exactly one"),
    ("train valuevec", ["missing.csv", "--word", "w", "--value", "v"], "missing.csv"),
    ("train valuevec", ["t.csv", "--word", "w", "--value", "v", "--size", "0"], "--size must"),
    ("plot map", ["model.wsv", "-o", "m.gif"], ".png, .svg or .pdf"),
    ("plot map", ["model.wsv", "--color-by", "value"], "--color-by"),
    ("plot map", ["model.wsv", "--pixels", "10x10"], "--pixels"),
    ("plot map", ["model.wsv", "--method", "mds"], "--method"),
    ("plot heatmap", ["model.wsv", "--words", "king,kingg"], "'kingg'"),
    ("plot heatmap", ["model.wsv", "--words", "king,queen", "--format", "gif"], "--format"),
    ("plot analogy", ["model.wsv", "king", "man", "womann"], "'womann'"),
    ("plot curve", ["bad.json"], "bad.json is not valid JSON"),
    ("plot curve", ["vectors.txt"], "not trained by wordspace"),
    ("export projector", ["model.wsv", "--limit", "0"], "--limit"),
    ("export projector", ["model.wsv", "vectors.txt"], "not a folder"),
    ("datasets color-spectrum", ["-n", "0"], "-n must be"),
    ("phrases", ["missing.txt"], "CORPUS 'missing.txt' does not exist"),
    ("phrases", ["corpus.txt", "--threshold", "0"], "--threshold"),
    ("phrases", ["corpus.txt", "--scoring", "pmi"], "--scoring"),
    ("phrases", ["corpus.txt", "-o", "mine"], "mine"),
    ("phrases", ["corpus.txt", "-o", "corpus.txt"], "never overwrites an input"),
    ("datasets color-spectrum", ["-o", "c.xml", "--format", "xml"], "--format"),
    ("tune word2vec", ["missing.txt"], "CORPUS 'missing.txt' does not exist"),
    ("tune word2vec", ["corpus.txt", "--space", "window=5:2"], "low must be below high"),
    ("tune fasttext", ["corpus.txt", "--metric", "simlex"], "needs a file"),
    ("tune glove", ["corpus.txt", "--sampler", "bayes"], "sampler must be one of"),
    ("tune valuevec", ["t.csv", "--word", "w"], "--value"),
    (
        "tune valuevec",
        ["t.csv", "--word", "w", "--value", "v", "--space", "nope=1:2"],
        "'nope' is not a parameter",
    ),
    ("models list", ["--bogus"], "--bogus"),
    ("models info", ["glove-twitter-26"], "not a model of the catalogue"),
    ("models download", ["nope"], "not a model of the catalogue"),
    ("models download", ["glove-twitter-25"], "WORDSPACE_OFFLINE forbids downloading"),
    ("models remove", ["nope"], "not a model of the catalogue"),
    ("models cache", ["extra"], "extra"),
    ("models clear", ["--all"], "--all"),
    ("predict-value", ["missing.wsv", "x"], "missing.wsv"),
    ("predict-value", ["model.wsv", "king", "--predictor", "svm"], "--predictor"),
    ("value-holdout", ["t.csv", "--text", "w", "--value", "v", "--test-size", "2"], "--test-size"),
    ("report", ["model.wsv", "-o", "r.txt"], "must be an .html file"),
    ("report", ["model.wsv", "--texts", "missing.tsv"], "--texts 'missing.tsv' does not exist"),
]


def _leaves(cmd, path=()):
    if hasattr(cmd, "commands"):
        for name, sub in cmd.commands.items():
            yield from _leaves(sub, (*path, name))
    else:
        yield " ".join(path)


def test_the_table_covers_every_command():
    assert set(_leaves(typer.main.get_command(app))) == {c for c, _, _ in BAD}


@pytest.mark.parametrize("command, args, text", BAD, ids=[f"{c} {' '.join(a)}" for c, a, _ in BAD])
def test_user_error_is_one_line_exit_2(work, capsys, command, args, text):
    before = sorted(p.name for p in work.rglob("*"))
    code, out, err = run(capsys, *command.split(), *args)
    assert code == 2, err
    lines = err.splitlines()
    assert lines and lines[0].startswith("error: "), err
    assert len(lines) <= 2 and all(ln.startswith("hint: ") for ln in lines[1:]), err
    assert "Traceback" not in err and out == ""
    assert text in lines[0]
    assert sorted(p.name for p in work.rglob("*")) == before  # nothing written or removed
    assert (work / "mine" / "notes.txt").read_text() == "my notes"


def test_corrupt_compressed_input_never_exits_silently(work, capsys):
    code, _, err = run(capsys, "info", "trunc.txt.gz")
    assert code == 2 and err.strip()


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-command"],
        ["info", "model.wsv", "--bogus"],
        ["info"],
        ["train", "word2vec", "--dim"],
    ],
)
def test_usage_errors_are_one_line_and_a_hint(work, capsys, args):
    code, out, err = run(capsys, *args)
    lines = err.splitlines()
    assert code == 2 and len(lines) == 2, err
    assert lines[0].startswith("error: ") and lines[1].startswith("hint: see: wordspace")


def test_a_renamed_option_says_its_new_name(work, capsys):
    code, _, err = run(capsys, "train", "glove", "corpus.txt", "--alpha", "0.75")
    assert code == 2
    assert err.splitlines()[1] == (
        "hint: GloVe's weighting exponent is now --weight-exponent; the learning rate is --lr"
    )


def test_internal_error_is_one_line_exit_1(work, capsys, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("kaputt")

    monkeypatch.setattr("wordspace.io.pretrained.load", boom)
    code, out, err = run(capsys, "info", "model.wsv")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "internal error: RuntimeError: kaputt (--debug shows the traceback)"
    ]
    code, _, err = run(capsys, "--debug", "info", "model.wsv")
    assert code == 1 and "Traceback" in err and "RuntimeError: kaputt" in err
    assert err.splitlines()[-1].startswith("internal error: RuntimeError: kaputt")


def test_missing_extra_hint_keeps_the_brackets(work, capsys, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "umap", None)  # import umap fails
    code, _, err = run(capsys, "plot", "map", "model.wsv", "--method", "umap")
    assert code == 2 and "pip install 'wordspace[umap]'" in err
    assert len(err.splitlines()) == 1


def test_json_output_is_valid_with_non_finite_numbers(work, capsys):
    (work / "nan.txt").write_text("2 3\na nan 1 2\nb 1 2 3\n")
    code, out, _ = run(capsys, "info", "nan.txt", "--json")
    assert code == 0

    def no_constants(name):
        raise AssertionError(f"{name} in JSON output")

    data = json.loads(out, parse_constant=no_constants)
    assert data["norms"]["max"] is None and data["words"] == 2
    code, out, _ = run(capsys, "similarity", "nan.txt", "a", "b", "--json")
    assert code == 0
    cos = json.loads(out, parse_constant=no_constants)["cosine"]
    assert cos is None or math.isfinite(cos)
    code, out, err = run(capsys, "compare", "model.wsv", "zzz", "qqq", "--method", "mean", "--json")
    assert code == 0 and json.loads(out, parse_constant=no_constants)["cosine"] is None
    assert err.startswith("warning: ") and len(err.splitlines()) == 1


def test_corpus_errors_name_the_option(work, capsys):
    code, _, err = run(
        capsys, "train", "word2vec", "corpus.txt", "--min-count", "1000", "-o", "m.wsv"
    )
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert "min_count" not in err and "--min-count" in err
    assert not (work / "m.wsv").exists()
