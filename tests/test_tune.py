"""ws.tune: held-out dev/test halves, grid reproduction, pruning, resume, typed errors."""

import math

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")  # the [tune] extra; in the dev extra, so CI has it

import wordspace as ws  # noqa: E402
from wordspace import ParameterError, ValuePairs  # noqa: E402

KW = dict(word="keyword", value="estimated_value")
ARTICLE_BEST = dict(vector_size=15, epochs=2000, alpha=0.05)  # the article's chosen run


@pytest.fixture(scope="module")
def colours():
    return ws.datasets.color_spectrum()


# ------------------------------------------------------------------------ word vectors
def _topic_corpus(tmp_path, n=300):
    """Two topics that never share a line, an analogy file and a word-pair file on them."""
    rng = np.random.default_rng(0)
    lines = []
    for s in range(n):
        t = "a" if s % 2 == 0 else "b"
        lines.append(" ".join(f"{t}{int(i)}" for i in rng.integers(0, 10, 12)))
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(lines) + "\n")
    pairs = ["# word1\tword2\tscore"]
    for i in range(10):
        for j in range(i + 1, 10, 3):
            pairs.append(f"a{i}\ta{j}\t9")
            pairs.append(f"a{i}\tb{j}\t1")
            pairs.append(f"b{i}\tb{j}\t9")
    sim = tmp_path / "sim.tsv"
    sim.write_text("\n".join(pairs) + "\n")
    ana = [": topic"] + [f"a{i} a{i + 1} b{i} b{i + 1}" for i in range(8)]
    ana += [": other"] + [f"a{i} b{i} a{i + 1} b{i + 1}" for i in range(8)]
    analogies = tmp_path / "ana.txt"
    analogies.write_text("\n".join(ana) + "\n")
    return corpus, {"sim": sim, "analogy": analogies}


W2V = dict(vector_size=8, window=3, min_count=1, sample=0, epochs=3, workers=1, seed=3)


def test_word2vec_study_end_to_end(tmp_path):
    corpus, files = _topic_corpus(tmp_path)
    seen = []
    res = ws.tune(
        ws.Word2Vec(**W2V),
        str(corpus),
        metric="analogy+sim",
        eval_data=files,
        space={"window": (1, 4), "alpha": (0.005, 0.1, "log")},
        n_trials=3,
        seed=5,
        progress=lambda done, total, **info: seen.append((done, total, info)),
    )
    df = res.trials_
    assert len(df) == 3 and list(df["state"]) == ["COMPLETE"] * 3
    assert {"dev", "test", "seconds", "seed", "params_window", "params_alpha"} <= set(df)
    assert (df["seconds"] > 0).all() and (df["seed"] == 3).all()
    assert df["dev"].between(-1, 1).all() and df["test"].between(-1, 1).all()
    assert [s[0] for s in seen] == [1, 2, 3] and all(s[1] == 3 for s in seen)
    best = res.best_estimator_
    assert isinstance(best, ws.Word2Vec) and best.callbacks == ()
    assert set(res.best_params_) == {"window", "alpha"}
    assert res.best_score_ == df["dev"].max()
    # the split is saved with the study: halves of every section and of the pairs
    split = res.study.user_attrs["wordspace_split"]
    assert split["seed"] == 5 and set(split["files"]) == {"analogy", "sim"}
    assert [len(d) for d in split["files"]["analogy"]["dev"]] == [4, 4]
    assert len(split["files"]["sim"]["dev"]) == (split["files"]["sim"]["n"] + 1) // 2
    # a trial is reproducible from its parameters and seed (workers=1)
    again = res.refit(int(df["dev"].idxmax()))
    assert np.array_equal(again.wv.vectors, best.wv.vectors)


def test_dev_and_test_halves_are_disjoint_and_cover_the_file(tmp_path):
    from wordspace.tune.tasks import _WordTask

    _, files = _topic_corpus(tmp_path)
    task = _WordTask("sim+analogy", None, {}, files, seed=1, restrict_vocab=None)
    try:
        parts = {name: (dev.read_text(), test.read_text()) for name, _, dev, test in task.parts}
    finally:
        task.close()
    dev, test = (set(x.splitlines()) for x in parts["sim"])
    assert not dev & test and len(dev) + len(test) == sum(
        1 for line in files["sim"].read_text().splitlines() if not line.startswith("#")
    )
    assert not task.tmp.exists()


def test_resume_from_sqlite(tmp_path):
    corpus, files = _topic_corpus(tmp_path)
    db = f"sqlite:///{tmp_path / 'tune.db'}"
    common = dict(
        metric="sim",
        eval_data=files,
        space={"window": (1, 4)},
        seed=2,
        storage=db,
        study_name="s",
        pruner="none",
    )
    first = ws.tune(ws.Word2Vec(**W2V), str(corpus), n_trials=2, **common)
    assert len(first.trials_) == 2
    first_dev = first.trials_["dev"].tolist()
    second = ws.tune(ws.Word2Vec(**W2V), str(corpus), n_trials=1, **common)
    df = second.trials_
    assert len(df) == 3 and list(df["number"]) == [0, 1, 2]
    assert df["dev"].iloc[:2].tolist() == first_dev
    assert len(first.trials_) == 3  # one study, in the file
    # the best model of an earlier process is refitted from its parameters and seed
    assert second.best_estimator_.is_fitted
    # another split seed on the same study is refused
    with pytest.raises(ParameterError, match="another split"):
        ws.tune(ws.Word2Vec(**W2V), str(corpus), n_trials=1, **{**common, "seed": 3})


class _PruneAt:
    def __init__(self, epoch):
        self.epoch = epoch

    def __call__(self, model, epoch):
        if epoch == self.epoch:
            raise optuna.TrialPruned(f"epoch {epoch}")


@pytest.mark.parametrize(
    "make",
    [
        lambda cb: ws.Word2Vec(**{**W2V, "workers": 2, "epochs": 4}, callbacks=[cb]),
        lambda cb: ws.GloVe(vector_size=8, min_count=1, epochs=4, workers=2, callbacks=[cb]),
    ],
)
def test_trial_pruned_leaves_fit_cleanly_threaded(tmp_path, make):
    corpus, _ = _topic_corpus(tmp_path, 100)
    cb = _PruneAt(2)
    model = make(cb)
    with pytest.raises(optuna.TrialPruned):
        model.fit(str(corpus))
    cb.epoch = -1  # the same model trains again: no thread or state left behind
    model.fit(str(corpus))
    assert model.is_fitted


def test_valuevec_callbacks_protocol(colours):
    calls = []

    class Hooks:
        def on_train_begin(self, m):
            calls.append("begin")

        def on_epoch_end(self, m):
            calls.append(("end", float(m.epoch_loss_), m.main_vectors_.shape))

        def on_train_end(self, m):
            calls.append("done")

    ws.ValueVec(epochs=3, workers=1, patience=None, callbacks=[Hooks()]).fit(colours, **KW)
    assert calls[0] == "begin" and calls[-1] == "done" and len(calls) == 5
    assert all(c[0] == "end" and c[2] == (30, 15) for c in calls[1:4])
    with pytest.raises(ParameterError, match="callbacks"):
        ws.ValueVec(callbacks=[1]).fit(colours, **KW)
    with pytest.raises(ParameterError, match="callbacks"):
        ws.GloVe(callbacks="x").fit([["a", "b"]])


def test_pruning_fires_on_a_planted_bad_configuration(colours):
    good = {"alpha": 0.05}
    bad = {"alpha": 1e-7}  # the vectors barely move from their random start
    res = ws.tune(
        ws.ValueVec(epochs=200, patience=None, workers=1),
        colours,
        fit_kwargs=KW,
        space={"alpha": (1e-7, 0.5, "log")},
        enqueue=[good] * 4 + [bad],
        n_trials=5,
        seed=0,
    )
    df = res.trials_
    assert list(df["state"]) == ["COMPLETE"] * 4 + ["PRUNED"]
    pruned = res.study.trials[4]
    assert max(pruned.intermediate_values) == 10  # stopped at the first report, of 20
    assert pruned.user_attrs["seconds"] < df["seconds"].iloc[:4].min()
    assert math.isnan(df["dev"].iloc[4])


# ----------------------------------------------------------------------------- ValueVec
def _direct_score(colours, split, params, half):
    """A direct fit of the article's ValueVec at ``params`` on the pairs the split allows,
    scored on a held-out half, written without wordspace.tune."""
    from scipy.stats import spearmanr

    vv = ws.ValueVec.article(**params, workers=1)
    kw = vv._pair_kwargs()
    pairs = ValuePairs.from_values(colours, **KW, seed=vv.seed, **kw)
    held = {frozenset(p) for h in ("dev", "test") for p in split[f"{h}_pairs"]}
    keep = np.array(
        [
            frozenset((pairs.words[c], pairs.words[x])) not in held
            for c, x in zip(pairs.center, pairs.context, strict=True)
        ]
    )
    import dataclasses

    vv.fit(
        dataclasses.replace(
            pairs,
            center=pairs.center[keep],
            context=pairs.context[keep],
            label=pairs.label[keep],
            negative=pairs.negative[keep],
        )
    )
    value = dict(zip(colours["keyword"], colours["estimated_value"], strict=True))
    cos = [vv.wv.similarity(a, b) for a, b in split[f"{half}_pairs"]]
    gap = [-abs(value[a] - value[b]) for a, b in split[f"{half}_pairs"]]
    return float(spearmanr(cos, gap).statistic)


def test_grid_reproduces_direct_fits_of_the_article_configurations(colours):
    grid = {"vector_size": [10, 15], "alpha": [0.05, 0.1]}
    res = ws.tune(
        ws.ValueVec.article(epochs=2000, workers=1),
        colours,
        fit_kwargs=KW,
        space=grid,
        sampler="grid",
        seed=4,
        pruner="none",
    )
    df = res.trials_
    assert len(df) == 4 and df["state"].eq("COMPLETE").all()
    got = {(r.params_vector_size, r.params_alpha) for r in df.itertuples()}
    assert got == {(10, 0.05), (10, 0.1), (15, 0.05), (15, 0.1)}
    split = res.split_
    assert split["n_words"] == 30 and split["n_dev"] + split["n_test"] == round(0.3 * 435)
    for cfg in ({"vector_size": 15, "alpha": 0.05}, {"vector_size": 10, "alpha": 0.1}):
        row = df[(df.params_vector_size == cfg["vector_size"]) & (df.params_alpha == cfg["alpha"])]
        params = {**cfg, "epochs": 2000}
        assert row["dev"].item() == pytest.approx(
            _direct_score(colours, split, params, "dev"), abs=1e-12
        )
        assert row["test"].item() == pytest.approx(
            _direct_score(colours, split, params, "test"), abs=1e-12
        )


def test_tuned_valuevec_beats_the_article_on_held_out_alignment(colours):
    article = ws.tune(
        ws.ValueVec.article(**ARTICLE_BEST, workers=1),
        colours,
        fit_kwargs=KW,
        space={"vector_size": [15]},
        sampler="grid",
        seed=1,
        pruner="none",
    )
    tuned = ws.tune(
        ws.ValueVec(workers=1),
        colours,
        fit_kwargs=KW,
        n_trials=8,
        seed=1,
        space={"vector_size": (4, 32), "alpha": (1e-3, 0.3, "log"), "epochs": (20, 400, "log")},
    )
    assert article.split_ == tuned.split_  # the same held-out pairs
    a_dev, a_test = article.best_score_, article.best_test_score_
    assert tuned.best_score_ > a_dev + 0.05
    assert tuned.best_test_score_ > a_test + 0.05  # on pairs the search never looked at
    assert tuned.best_estimator_.wv.vectors.shape[1] == tuned.best_params_["vector_size"]


def test_custom_metric_callable_and_direction(colours):
    def spread(est):
        return float(np.std(est.wv.vectors))

    res = ws.tune(
        ws.ValueVec(epochs=20, workers=1),
        colours,
        fit_kwargs=KW,
        metric=spread,
        space={"alpha": [0.01, 0.1]},
        sampler="grid",
        direction="minimize",
        pruner="none",
    )
    df = res.trials_
    assert res.direction == "minimize" and res.metric == "spread"
    assert res.best_score_ == df["dev"].min() and df["test"].isna().all()
    with pytest.raises(ParameterError, match="must return a number"):
        ws.tune(
            ws.ValueVec(epochs=5, workers=1),
            colours,
            fit_kwargs=KW,
            metric=lambda e: "high",
            space={"alpha": [0.1]},
            sampler="grid",
        )


def test_joint_valuevec_hides_values():
    df = ws.datasets.topic_records(n_records=600, seed=0)
    est = ws.ValueVec(semantic_weight=0.8, epochs=10, text_epochs=2, workers=1, min_count=3)
    res = ws.tune(
        est,
        df,
        fit_kwargs=dict(text="text", value="value"),
        n_trials=2,
        seed=0,
        space={"semantic_weight": (0.5, 0.9)},
        pruner="none",
    )
    split = res.split_
    assert split["kind"] == "value_words" and not set(split["dev_words"]) & set(split["test_words"])
    best = res.best_estimator_
    trained = set(best.pairs_.words)
    assert not trained & (set(split["dev_words"]) | set(split["test_words"]))
    assert res.trials_["dev"].notna().all()


# ------------------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    "space, match",
    [
        ({"nope": (1, 2)}, "not a parameter"),
        ({"alpha": (0.5, 0.1)}, "low must be below high"),
        ({"alpha": (0.0, 0.1, "log")}, "log range needs low > 0"),
        ({"alpha": (0.01, 0.1, "ln")}, "may only be 'log'"),
        ({"alpha": []}, "empty list"),
        ({"alpha": 0.1}, "must be \\(low, high\\)"),
        ({"alpha": (True, 2)}, "bounds must be finite numbers"),
        ({}, "non-empty dict"),
        ({"callbacks": [()]}, "not a parameter"),
    ],
)
def test_bad_spaces_are_parameter_errors(colours, space, match):
    with pytest.raises(ParameterError, match=match):
        ws.tune(ws.ValueVec(workers=1), colours, fit_kwargs=KW, space=space, n_trials=1)


def test_bad_metrics_and_settings_are_parameter_errors(colours, tmp_path):
    corpus, files = _topic_corpus(tmp_path, 40)
    vv = ws.ValueVec(epochs=5, workers=1)
    cases = [
        dict(metric="analogy"),
        dict(metric=3),
        dict(sampler="bayes"),
        dict(sampler="grid", space={"alpha": (0.01, 0.1)}),
        dict(sampler="grid", space=lambda t: {}),
        dict(pruner="hyperband"),
        dict(n_trials=0),
        dict(timeout=-1),
        dict(holdout=1.5),
        dict(direction="minimize"),
    ]
    for kw in cases:
        with pytest.raises(ParameterError):
            ws.tune(vv, colours, fit_kwargs=KW, **{"space": {"alpha": [0.1]}, **kw})
    w2v = ws.Word2Vec(**W2V)
    with pytest.raises(ParameterError, match="needs a file"):
        ws.tune(w2v, str(corpus), metric="simlex", n_trials=1)
    with pytest.raises(ParameterError, match="each once"):
        ws.tune(w2v, str(corpus), metric="sim++analogy", eval_data=files, n_trials=1)
    with pytest.raises(ParameterError, match="is not a file"):
        ws.tune(w2v, str(corpus), metric="sim", eval_data={"sim": tmp_path}, n_trials=1)
    with pytest.raises(ParameterError, match="wordspace estimator"):
        ws.tune(object(), str(corpus))
    with pytest.raises(ParameterError, match="space function must return a dict"):
        ws.tune(vv, colours, fit_kwargs=KW, space=lambda t: [1], n_trials=1)
    with pytest.raises(ParameterError, match="alpha must be"):  # a value the model refuses
        ws.tune(vv, colours, fit_kwargs=KW, space={"alpha": [-1.0]}, sampler="grid")
