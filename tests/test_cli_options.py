"""The train commands' options against the estimators' parameters: one explicit table, one
name per concept across commands, and the C tool's / fastText's spellings as aliases."""

import inspect
import json

import pandas as pd
import pytest
import typer

from wordspace import FastText, GloVe, ValueVec, Word2Vec
from wordspace.cli import app, main
from wordspace.cli.options import (
    EPOCHS,
    TRAIN_IO_OPTIONS,
    TRAIN_OPTIONS,
    VECTOR_SIZE,
    WORKERS,
    estimator_class,
)

ROOT = typer.main.get_command(app)
TRAIN = ROOT.commands["train"]
ESTIMATORS = {"word2vec": Word2Vec, "fasttext": FastText, "glove": GloVe, "valuevec": ValueVec}


def _options(cmd):
    """primary long option -> click option, for the visible options of a command."""
    out = {}
    for p in cmd.params:
        if p.param_type_name != "option" or p.hidden or p.name == "help":
            continue
        longs = [o for o in p.opts if o.startswith("--")]
        out[longs[0]] = p
    return out


def test_every_train_command_is_in_the_table():
    assert set(TRAIN.commands) == set(TRAIN_OPTIONS) == set(TRAIN_IO_OPTIONS) == set(ESTIMATORS)
    for name, cls in ESTIMATORS.items():
        assert estimator_class(name) is cls


@pytest.mark.parametrize("command", sorted(TRAIN_OPTIONS))
def test_every_option_maps_to_an_estimator_parameter(command):
    params = inspect.signature(ESTIMATORS[command].__init__).parameters
    table = TRAIN_OPTIONS[command]
    for option, param in table.items():
        assert param in params, f"train {command} {option} -> {param!r}: no such parameter"
    options = _options(TRAIN.commands[command])
    unmapped = set(options) - set(table) - set(TRAIN_IO_OPTIONS[command])
    assert not unmapped, f"train {command}: options missing from TRAIN_OPTIONS: {unmapped}"
    stale = set(table) - set(options)
    assert not stale, f"train {command}: the table names options the command lacks: {stale}"


@pytest.mark.parametrize("command", sorted(TRAIN_OPTIONS))
def test_defaults_are_the_estimators(command):
    params = inspect.signature(ESTIMATORS[command].__init__).parameters
    options = _options(TRAIN.commands[command])
    for option, param in TRAIN_OPTIONS[command].items():
        assert options[option].default == params[param].default, (command, option)


def test_one_name_per_concept():
    by_param = {"vector_size": VECTOR_SIZE, "epochs": EPOCHS, "workers": WORKERS}
    for command, table in TRAIN_OPTIONS.items():
        options = _options(TRAIN.commands[command])
        for option, param in table.items():
            if param in by_param:
                assert tuple(options[option].opts) == by_param[param], (command, option)
        lr = options["--lr"]
        assert table["--lr"] == "alpha"  # the learning rate's one name (docs/glossary.md)
        assert ("--alpha" in lr.opts) == (command in ("word2vec", "fasttext"))
    glove = _options(TRAIN.commands["glove"])
    assert TRAIN_OPTIONS["glove"]["--weight-exponent"] == "weight_exponent"
    assert "--alpha" not in {o for p in glove.values() for o in p.opts}
    w2v = _options(TRAIN.commands["word2vec"])
    assert w2v["--min-lr"].opts == ["--min-lr", "--min-alpha"]


def test_plot_pixels_are_not_size():
    for name, cmd in ROOT.commands["plot"].commands.items():
        shown = {o for p in _options(cmd).values() for o in p.opts}
        assert "--pixels" in shown and "--size" not in shown, name


def test_boolean_options_are_flags():
    def walk(cmd, path):
        if hasattr(cmd, "commands"):
            for n, c in cmd.commands.items():
                yield from walk(c, path + [n])
        else:
            yield path, cmd

    single = {"--version", "--debug", "--no-analogies", "--no-pairs"}  # one-way switches
    seen = 0
    for path, cmd in [([], ROOT), *walk(ROOT, [])]:
        for p in cmd.params:
            if p.param_type_name == "option" and isinstance(p.default, bool):
                seen += 1
                assert p.is_flag, (path, p.opts)
                assert p.secondary_opts or set(p.opts) <= single, (path, p.opts)
    assert seen > 20


def _corpus(tmp_path):
    p = tmp_path / "c.txt"
    lines = [" ".join(f"a{(i * 7 + j) % 9}" for j in range(10)) for i in range(150)]
    lines += [" ".join(f"b{(i * 5 + j) % 9}" for j in range(10)) for i in range(150)]
    p.write_text("\n".join(lines) + "\n")
    return p


def test_word2vec_aliases_set_the_parameters(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    main(
        [
            "train",
            "word2vec",
            str(corpus),
            "--size",
            "6",
            "--iter",
            "2",
            "--threads",
            "1",
            "--alpha",
            "0.03",
            "--min-alpha",
            "0.002",
            "--min-count",
            "1",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["output"] == str(tmp_path / "c.wsv") and data["format"] == "native"
    m = Word2Vec.load(tmp_path / "c.wsv")
    assert (m.vector_size, m.epochs, m.workers, m.alpha, m.min_alpha) == (6, 2, 1, 0.03, 0.002)
    main(
        [
            "train",
            "word2vec",
            str(corpus),
            "--dim",
            "5",
            "--epochs",
            "1",
            "--workers",
            "1",
            "--lr",
            "0.02",
            "--min-lr",
            "0.001",
            "--min-count",
            "1",
            "-o",
            str(tmp_path / "v.vec"),
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "fasttext-vec" and data["dimension"] == 5
    assert (tmp_path / "v.vec").read_text().split("\n", 1)[0] == "18 5"


def test_glove_aliases_set_the_parameters(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    out = tmp_path / "g.wsv"
    main(
        [
            "train",
            "glove",
            str(corpus),
            "-o",
            str(out),
            "--size",
            "4",
            "--iter",
            "2",
            "--threads",
            "1",
            "--eta",
            "0.1",
            "--weight-exponent",
            "0.5",
            "--min-count",
            "1",
            "--json",
        ]
    )
    capsys.readouterr()
    g = GloVe.load(out)
    assert (g.vector_size, g.epochs, g.workers, g.alpha, g.weight_exponent) == (4, 2, 1, 0.1, 0.5)
    assert g.learning_rate is None  # the deprecated name is not used
    main(
        [
            "train",
            "glove",
            str(corpus),
            "-o",
            str(out),
            "--vector-size",
            "3",
            "--epochs",
            "1",
            "--lr",
            "0.2",
            "--learning-rate",
            "0.2",
            "--min-count",
            "1",
            "--json",
        ]
    )
    capsys.readouterr()
    assert GloVe.load(out).alpha == 0.2 and GloVe.load(out).vector_size == 3


def test_valuevec_aliases_set_the_parameters(tmp_path, capsys):
    csv = tmp_path / "t.csv"
    pd.DataFrame({"w": [f"w{i}" for i in range(12)], "v": range(12)}).to_csv(csv, index=False)
    main(
        [
            "train",
            "valuevec",
            str(csv),
            "--word",
            "w",
            "--value",
            "v",
            "--size",
            "4",
            "--iter",
            "20",
            "--threads",
            "1",
            "--lr",
            "0.1",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["output"] == str(tmp_path / "t.wsv")
    vv = ValueVec.load(tmp_path / "t.wsv")
    assert (vv.vector_size, vv.epochs, vv.workers, vv.alpha) == (4, 20, 1, 0.1)
