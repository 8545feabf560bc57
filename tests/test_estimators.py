"""Every trainer and transformer follows one contract: scikit-learn's own checks, clone, and the
shared constraints table / save scaffold."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

import wordspace as ws
from wordspace._base import Estimator

ESTIMATORS = [ws.Word2Vec, ws.FastText, ws.GloVe, ws.ValueVec, ws.SIF]


def _word(i: int) -> str:
    return "w" + chr(97 + i % 26) + chr(97 + i // 26)  # letters only: survive normalisation


def _wv(n=40, d=8, seed=0):
    rng = np.random.default_rng(seed)
    words = [_word(i) for i in range(n)]
    return ws.WordVectors(words, rng.normal(size=(n, d)), counts=np.arange(n, 0, -1) * 10)


def _instance(cls):
    return cls(wv=_wv()) if cls is ws.SIF else cls()


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    "check",
    [
        check_get_params_invariance,
        check_set_params,
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
    ],
    ids=lambda f: f.__name__,
)
def test_sklearn_checks(cls, check):
    check(cls.__name__, _instance(cls))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_clone_round_trip_and_contract(cls):
    est = _instance(cls)
    assert issubclass(cls, Estimator)
    params = est.get_params(deep=False)
    assert sorted(params) == sorted(
        p for p in inspect.signature(cls.__init__).parameters if p != "self"
    )
    first = next(k for k in params if k not in ("wv", "tokenizer", "callbacks"))
    est.set_params(**{first: params[first]})
    twin = clone(est)
    assert type(twin) is cls and twin is not est
    assert twin.get_params(deep=False).keys() == params.keys()
    for k, v in twin.get_params(deep=False).items():
        if k != "wv":
            assert v == params[k] or (v is None and params[k] is None)
    with pytest.raises(ws.ParameterError, match="unknown parameter 'no_such'"):
        est.set_params(no_such=1)
    # keyword-only parameters (SIF's wv excepted): no positional surprises
    kinds = {p.name: p.kind for p in inspect.signature(cls.__init__).parameters.values()}
    for name, kind in kinds.items():
        if name not in ("self", "wv"):
            assert kind is inspect.Parameter.KEYWORD_ONLY, name
    assert not est.is_fitted
    if cls is not ws.SIF:
        with pytest.raises(ws.ParameterError, match="not fitted yet"):
            est.save("never-written.wsv")


@pytest.mark.parametrize(
    "cls, bad, match",
    [
        (ws.Word2Vec, {"vector_size": 0}, "vector_size must be a positive integer"),
        (ws.Word2Vec, {"min_alpha": 1.0}, r"min_alpha must be a number in \[0, alpha=0.025\]"),
        (ws.Word2Vec, {"negative": 0, "hs": 0}, "leaves nothing to train"),
        (ws.GloVe, {"weight_exponent": 2.0}, r"weight_exponent must be in \(0, 1\]"),
        (ws.GloVe, {"output": "both"}, "output must be one of sum, word, concat"),
        (ws.ValueVec, {"method": "sgd"}, "method must be one of"),
        (ws.ValueVec, {"duplicates": "first"}, "duplicates must be 'mean', 'median', 'error'"),
        (ws.SIF, {"n_components": 99}, "n_components=99 exceeds the vector size 8"),
    ],
)
def test_constraints_table_messages(cls, bad, match):
    est = _instance(cls).set_params(**bad)
    with pytest.raises(ws.ParameterError, match=match):
        est._validate()


def test_sif_in_pipeline_and_grid_search():
    rng = np.random.default_rng(1)
    wv = _wv(n=60, d=12)
    docs, y = [], []
    for i in range(80):
        label = i % 2
        pool = range(0, 30) if label else range(30, 60)
        docs.append(" ".join(_word(int(rng.choice(list(pool)))) for _ in range(6)))
        y.append(label)
    pipe = Pipeline(
        [("sif", ws.SIF(wv=wv, n_components=0)), ("clf", LogisticRegression(max_iter=500))]
    )
    grid = GridSearchCV(pipe, {"sif__a": [1e-3, 1e-2], "sif__n_components": [0, 1]}, cv=2)
    grid.fit(docs, y)
    assert set(grid.best_params_) == {"sif__a", "sif__n_components"}
    assert grid.best_score_ > 0.8  # the two word pools are linearly separable
    assert grid.predict(docs[:4]).shape == (4,)
