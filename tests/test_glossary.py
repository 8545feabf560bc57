"""One name per concept (docs/glossary.md): the learning rate is ``alpha`` in every trainer,
GloVe's old ``learning_rate`` still works with a DeprecationWarning, and every CLI option's
default is the default of the library parameter it sets."""

from __future__ import annotations

import inspect
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.main import get_command

import wordspace as ws
from wordspace.cli._app import app
from wordspace.cli._errors import LIBRARY_NAMES
from wordspace.cli.options import TRAIN_OPTIONS
from wordspace.errors import ParameterError

ROOT = get_command(app)
GLOSSARY = (Path(__file__).resolve().parents[1] / "docs" / "glossary.md").read_text("utf-8")
TRAINERS = {
    "word2vec": ws.Word2Vec,
    "fasttext": ws.FastText,
    "glove": ws.GloVe,
    "valuevec": ws.ValueVec,
}


def _command(path: str):
    cmd = ROOT
    for part in path.split():
        cmd = cmd.commands[part]
    return cmd


def _library():
    """CLI command -> the library function or class whose parameters its options set."""
    from wordspace import datasets
    from wordspace.analysis.evaluate import value_holdout
    from wordspace.viz import plot, projector, report
    from wordspace.viz.explore import app as explore_app

    out = {f"train {name}": cls.__init__ for name, cls in TRAINERS.items()}
    out.update(
        {
            "phrases": ws.Phrases.__init__,
            "eval": ws.evaluate_word_analogies,
            "value-holdout": value_holdout,
            "report": report.report,
            "explore": explore_app.serve,
            "plot map": plot.map,
            "plot heatmap": plot.similarity_heatmap,
            "plot analogy": plot.analogy,
            "export projector": projector.export_projector,
            "datasets color-spectrum": datasets.color_spectrum,
            **{f"tune {name}": ws.tune for name in TRAINERS},
        }
    )
    return out


#: (command, option): why the CLI's default differs from the library's
EXCEPTIONS = {
    ("phrases", "--connector-words"): "the library keeps gensim's signature (no connector "
    "words, the drop-in's default); the CLI names the English list it uses, 'none' for gensim's",
    ("value-holdout", "--seed"): "the library's None means the estimator's seed (ValueVec's "
    "default 1), which the CLI shows as 1",
    ("value-holdout", "--predictor"): "the library's None means the estimator's predictor, "
    "whose default is the CLI's 'knn'",
}


def _param_name(command: str, option: str) -> str:
    key = tuple(command.split())
    if command.startswith("train ") and option in TRAIN_OPTIONS[key[1]]:
        return TRAIN_OPTIONS[key[1]][option]
    renamed = {v: k for k, v in LIBRARY_NAMES.get(key, {}).items()}
    return renamed.get(option, option.lstrip("-").replace("-", "_"))


@pytest.mark.parametrize("command", sorted(_library()))
def test_cli_defaults_are_the_library_defaults(command):
    params = inspect.signature(_library()[command]).parameters
    compared = 0
    for p in _command(command).params:
        option = next((o for o in p.opts if o.startswith("--")), None)
        if option is None or (command, option) in EXCEPTIONS:
            continue
        lib = params.get(_param_name(command, option))
        if lib is None or lib.default is inspect.Parameter.empty or p.default is None:
            continue
        compared += 1
        assert p.default == lib.default, (
            f"{command} {option} defaults to {p.default!r}, the library to {lib.default!r}"
        )
    assert compared >= 1, f"{command}: no option compared with the library"


def test_the_learning_rate_is_alpha_in_every_trainer_and_lr_in_the_cli():
    for name, cls in TRAINERS.items():
        assert "alpha" in inspect.signature(cls.__init__).parameters
        assert TRAIN_OPTIONS[name]["--lr"] == "alpha"
    assert TRAIN_OPTIONS["glove"]["--weight-exponent"] == "weight_exponent"
    # the CLI's CBOW learning rate is the library's (it used to be the C tool's 0.05)
    lr = next(p for p in _command("train word2vec").params if "--lr" in p.opts)
    assert lr.default == inspect.signature(ws.Word2Vec.__init__).parameters["alpha"].default


def _sents():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    return [list(rng.choice(words, 12)) for _ in range(80)]


def test_glove_learning_rate_still_works_with_a_deprecation_warning():
    kw = dict(vector_size=4, window=2, min_count=1, epochs=2, workers=1, seed=3)
    with pytest.warns(DeprecationWarning, match="learning_rate is now called alpha"):
        old = ws.GloVe(learning_rate=0.1, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # the new name does not warn
        new = ws.GloVe(alpha=0.1, **kw)
    old.fit(_sents())
    new.fit(_sents())
    np.testing.assert_array_equal(old.wv.vectors, new.wv.vectors)
    with (
        pytest.warns(DeprecationWarning),
        pytest.raises(ParameterError, match="learning rate once"),
    ):
        ws.GloVe(alpha=0.2, learning_rate=0.1).fit(_sents())


def test_a_glove_model_saved_before_the_rename_loads_renamed():
    params = ws.GloVe._params_from_config(
        {"vector_size": 4, "alpha": 0.6, "learning_rate": 0.02, "x_max": 50.0}
    )
    assert params["weight_exponent"] == 0.6 and params["alpha"] == 0.02
    assert "learning_rate" not in params
    now = ws.GloVe(weight_exponent=0.6, alpha=0.02)._config()
    assert ws.GloVe._params_from_config(now)["alpha"] == 0.02  # today's config is kept


def test_the_glossary_names_every_shared_parameter_and_its_option():
    """A parameter that two or more trainers share is a concept: the glossary gives its one
    Python name and its CLI option."""
    by_param: dict[str, set[str]] = {}
    for table in TRAIN_OPTIONS.values():
        for option, param in table.items():
            by_param.setdefault(param, set()).add(option)
    shared = {
        p: opts
        for p, opts in by_param.items()
        if sum(p in t.values() for t in TRAIN_OPTIONS.values()) >= 2
    }
    missing = [
        f"{p} ({', '.join(sorted(o))})"
        for p, o in sorted(shared.items())
        if f"`{p}`" not in GLOSSARY or not all(f"`{x}`" in GLOSSARY for x in o)
    ]
    assert not missing, "docs/glossary.md lacks: " + "; ".join(missing)
    for old in ("learning_rate", "negatives", "seed", "workers", "source_format"):
        assert re.search(rf"`{old}`", GLOSSARY), old


def test_glove_alpha_in_the_old_exponent_range_warns_about_the_rename():
    with pytest.warns(FutureWarning, match="weight_exponent"):
        ws.GloVe(alpha=0.75)._validate()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ws.GloVe(alpha=0.05)._validate()
        ws.GloVe(weight_exponent=0.75)._validate()
