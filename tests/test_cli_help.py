"""Every command's ``--help`` has a runnable example, and the examples run; ``--version``."""

import re
import shlex

import numpy as np
import pytest
import typer

import wordspace as ws
from wordspace.cli import app, main
from wordspace.datasets import color_spectrum, topic_records

ROOT = typer.main.get_command(app)


def _all(cmd, path=()):
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _all(sub, (*path, name))


COMMANDS = [" ".join(p) for p, _ in _all(ROOT)]


def run(capsys, *args):
    try:
        main(list(args))
        code = 0
    except SystemExit as e:
        code = e.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def examples(help_text):
    return [shlex.split(m) for m in re.findall(r"^\s+\$ (wordspace .+)$", help_text, re.M)]


@pytest.mark.parametrize("command", COMMANDS, ids=[c or "wordspace" for c in COMMANDS])
def test_help_exits_0_with_an_example_of_the_command(capsys, command):
    code, out, err = run(capsys, *command.split(), "--help")
    assert code == 0 and err == ""
    assert out.startswith(f"Usage: wordspace {command}".rstrip())
    found = examples(out)
    assert found, out
    for ex in found:
        assert " ".join(ex[1:]).startswith(command), ex


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"wordspace {ws.__version__}"


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    """The files the examples name."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    words = ["king", "queen", "man", "woman", "the", "cat", "sat", "a", "dog", "mat"]
    words += [f"w{i}" for i in range(40)]
    vecs = rng.standard_normal((len(words), 8)).astype(np.float32)
    vecs[1] = vecs[0] - vecs[2] + vecs[3]
    meta = {"trainer": "glove", "loss_history": [0.3, 0.2, 0.1]}
    ws.WordVectors(words, vecs, counts=np.arange(len(words), 0, -1), meta=meta).save("model.wsv")
    ws.WordVectors(words, vecs).save_word2vec_format("vectors.txt")
    lines = [" ".join(words[(i * 7 + j) % 12] for j in range(10)) for i in range(200)]
    (tmp_path / "corpus.txt").write_text("\n".join(lines) + "\n")
    color_spectrum(30, 42).to_csv("colors.csv", index=False)
    ws.ValueVec(epochs=20).fit(
        color_spectrum(30, 42), word="keyword", value="estimated_value"
    ).save("values.wsv")
    rec = topic_records(n_topics=4, words_per_topic=8, n_records=400, seed=0)
    rec.assign(name=rec["text"], price=np.exp(1 + rec["value"] / 10)).to_csv(
        "listings.csv", index=False
    )
    (tmp_path / "questions.txt").write_text(": family\nking queen man woman\n")
    (tmp_path / "pairs.tsv").write_text("king\tqueen\t8\ncat\tdog\t7\nman\tmat\t1\n")
    (tmp_path / "query.txt").write_text("the cat\n")
    (tmp_path / "docs.txt").write_text("the dog sat\ncafe au lait\nthe cat sat on the mat\n")
    return tmp_path


@pytest.mark.slow  # over 10 s: every --help example of every command
def test_every_example_runs(folder, capsys, monkeypatch):
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: None)  # explore: do not serve
    monkeypatch.setattr(
        "wordspace.io.pretrained.download",  # models download: no network
        lambda name, **k: folder / f"{name}.wsv",
    )
    ran = 0
    for command in COMMANDS:
        _, out, _ = run(capsys, *command.split(), "--help")
        for ex in examples(out):
            code, out_ex, err = run(capsys, *ex[1:])
            assert code == 0, (ex, err)
            ran += 1
    assert ran >= len(COMMANDS)
    assert (folder / "w2v.wsv").exists() and (folder / "glove.wsv").exists()
    assert (folder / "colors.wsv").exists() and (folder / "model.vec").exists()
    assert (folder / "corpus.wsv").exists()  # -o left out: a name next to the input
