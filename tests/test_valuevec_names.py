"""Issue 29, one name per concept (ValueVec): ``negative`` and ``text_negative`` as Word2Vec's
``negative`` (the old ``negatives`` / ``text_negatives`` still work with a
DeprecationWarning, in Python, in saved models and as hidden CLI aliases), and the defaults
``seed=1`` and ``workers=2`` of every trainer."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import wordspace as ws
from wordspace.cli import main
from wordspace.errors import ParameterError

COLOURS = {f"w{i:02d}": float(i) for i in range(40)}


def test_negative_is_the_name_and_the_defaults_are_every_trainers():
    sig = inspect.signature(ws.ValueVec.__init__).parameters
    assert sig["negative"].default == 10 and sig["text_negative"].default == 5
    assert sig["negatives"].default is None and sig["text_negatives"].default is None
    for name in ("seed", "workers"):
        assert sig[name].default == inspect.signature(ws.Word2Vec.__init__).parameters[name].default
    assert ws.ValueVec().seed == 1 and ws.ValueVec().workers == 2
    assert ws.ValueVec.article().seed == 42  # the article's runs still reproduce


def test_the_old_names_warn_and_train_the_same_vectors():
    kw = dict(vector_size=4, epochs=20, patience=None, workers=1, seed=5)
    with pytest.warns(DeprecationWarning, match="negatives is now called negative"):
        old = ws.ValueVec(negatives=4, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # the new name does not warn
        new = ws.ValueVec(negative=4, **kw)
    old.fit(COLOURS)
    new.fit(COLOURS)
    assert len(old.pairs_) == len(new.pairs_) != len(ws.ValueVec(**kw).fit(COLOURS).pairs_)
    np.testing.assert_array_equal(old.wv.vectors, new.wv.vectors)
    with pytest.warns(DeprecationWarning, match="text_negatives is now called text_negative"):
        assert ws.ValueVec(text_negatives=7)._text_negative() == 7


def test_the_old_and_new_name_together_are_refused_unless_they_agree():
    with pytest.warns(DeprecationWarning), pytest.raises(ParameterError, match="once: negative"):
        ws.ValueVec(negative=3, negatives=4)._validate()
    with pytest.warns(DeprecationWarning), pytest.raises(ParameterError, match="text_negative"):
        ws.ValueVec(text_negative=3, text_negatives=4)._validate()
    with pytest.warns(DeprecationWarning), pytest.raises(ParameterError, match="negatives"):
        ws.ValueVec(negatives=-1)._validate()
    with pytest.warns(DeprecationWarning), pytest.raises(ParameterError, match="no pairs"):
        ws.ValueVec(window=0, negatives=0)._validate()


def test_a_model_saved_with_the_old_names_loads_renamed():
    params = ws.ValueVec._params_from_config({"negatives": 4, "text_negatives": 7, "seed": 42})
    assert params["negative"] == 4 and params["text_negative"] == 7 and params["seed"] == 42
    assert "negatives" not in params and "text_negatives" not in params
    now = ws.ValueVec(negative=6)._config()
    assert ws.ValueVec._params_from_config(now)["negative"] == 6


def test_the_cli_takes_negative_and_the_old_spelling_as_a_hidden_alias(tmp_path, capsys):
    import pandas as pd

    csv = tmp_path / "v.csv"
    pd.DataFrame({"w": list(COLOURS), "v": list(COLOURS.values())}).to_csv(csv, index=False)
    base = ["train", "valuevec", str(csv), "--word", "w", "--value", "v", "--epochs", "10"]
    for i, option in enumerate(("--negative", "--negatives")):
        out = tmp_path / f"m{i}.wsv"
        main([*base, option, "4", "-o", str(out), "--json"])
        assert ws.ValueVec.load(out).negative == 4
    capsys.readouterr()
    with pytest.raises(SystemExit) as e:
        main([*base, "--negative", "3", "--negatives", "4", "-o", str(tmp_path / "x.wsv")])
    assert e.value.code == 2
    assert "--negative (--negatives is its old name)" in capsys.readouterr().err
    main(["train", "valuevec", "--help"])
    shown = capsys.readouterr().out
    assert "--negative" in shown and "--text-negative" in shown
    assert "--negatives" not in shown and "--text-negatives" not in shown
