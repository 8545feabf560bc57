"""Pictures that tell the truth: which words a value map shows and how its title says so,
the colour bar's range and label, training curves from saved models (and the reason when
there is none), figures that display in notebooks, the projector's default size and the
explorer's title and examples."""

from __future__ import annotations

import json

import numpy as np
import pytest

import wordspace as ws
from wordspace.cli import main
from wordspace.errors import ParameterError
from wordspace.viz import plot


def value_wv(n: int = 60, counts: bool = False, seed: int = 0) -> ws.WordVectors:
    """Words stored sorted by value (as ValueVec stores them), values 3.0 .. 6.0."""
    rng = np.random.default_rng(seed)
    words = [f"w{i:02d}" for i in range(n)]
    vals = np.linspace(3.0, 6.0, n)
    vecs = rng.normal(size=(n, 8)).astype(np.float32)
    c = rng.permutation(np.arange(1, n + 1) * 10) if counts else None
    return ws.WordVectors(
        words,
        vecs,
        counts=c,
        extras={"values": vals},
        meta={"trainer": "valuevec", "value_name": "price", "value_transform": "log"},
    )


def _colorbar(fig):
    return fig.axes[1]


def test_value_map_spreads_the_words_over_the_value_range():
    wv = value_wv()
    words, how = plot.sample_words(wv, 10)
    assert how == "words spread over the value range"
    vals = wv.extras["values"]
    got = sorted(vals[wv.key_to_index[w]] for w in words)
    assert got[0] == 3.0 and got[-1] == 6.0  # both ends, not the 10 highest
    assert np.all(np.diff(got) > 0.25)  # evenly spaced: steps of 3/9
    fig = plot.map(wv, top=10, color_by="value", figsize=(5, 4), dpi=50)
    title = fig.axes[0].get_title(loc="left")
    assert title == "PCA map of 10 words spread over the value range, coloured by price (log)"


def test_value_map_with_counts_takes_the_most_frequent_words():
    wv = value_wv(counts=True)
    words, how = plot.sample_words(wv, 5)
    assert how == "most frequent words"
    top5 = [wv.index_to_key[i] for i in np.argsort(-wv.counts)[:5]]
    assert words == top5
    fig = plot.map(wv, top=5, color_by="value", figsize=(5, 4), dpi=50)
    assert "5 most frequent words" in fig.axes[0].get_title(loc="left")


def test_colour_bar_spans_the_whole_range_and_names_the_value():
    wv = value_wv(counts=True)
    # the five highest words only: the scale still runs over every value of the model
    top = wv.index_to_key[-5:]
    fig = plot.map(wv, words=top, color_by="value", figsize=(5, 4), dpi=50)
    lo, hi = _colorbar(fig).get_ylim()
    assert (lo, hi) == pytest.approx((3.0, 6.0))
    assert _colorbar(fig).get_ylabel() == "price (log)"


def test_value_label_reads_the_name_and_transform():
    wv = value_wv()
    assert plot.value_label(wv) == "price (log)"
    wv.meta = {"params": {"value_transform": "log1p"}}
    assert plot.value_label(wv) == "value (log1p)"
    wv.meta = {}
    assert plot.value_label(wv) == "value"


def test_valuevec_saves_the_values_name_and_transform(tmp_path):
    df = ws.datasets.color_spectrum(30)
    m = ws.ValueVec(epochs=20, seed=1, value_transform="log").fit(
        df, word="keyword", value="estimated_value"
    )
    m.save(tmp_path / "c.wsv")
    wv = ws.load(tmp_path / "c.wsv")
    assert wv.meta["value_name"] == "estimated_value" and wv.meta["value_transform"] == "log"
    assert plot.value_label(wv) == "estimated_value (log)"
    assert len(wv.meta["loss_history"]) == m.epochs_trained_ > 0
    back = ws.ValueVec.load(tmp_path / "c.wsv")
    assert back.value_name_ == "estimated_value"
    # a Series of values names itself
    s = df.set_index("keyword")["estimated_value"]
    m2 = ws.ValueVec(epochs=5, seed=1).fit(list(s.index), s)
    assert m2.wv.meta["value_name"] == "estimated_value"
    assert plot.value_label(m2.wv) == "estimated_value"


SENTS = [[f"w{(i * 7 + j) % 30}" for j in range(12)] for i in range(60)]


@pytest.mark.parametrize(
    "make",
    [
        lambda: ws.Word2Vec(vector_size=8, min_count=1, epochs=3, compute_loss=True, workers=1),
        lambda: ws.FastText(
            vector_size=8, min_count=1, epochs=3, compute_loss=True, workers=1, bucket=1000
        ),
        lambda: ws.GloVe(vector_size=8, min_count=1, epochs=3, workers=1),
    ],
    ids=["word2vec", "fasttext", "glove"],
)
def test_training_curve_from_a_saved_model(make, tmp_path, capsys):
    m = make().fit(SENTS)
    m.save(tmp_path / "m.wsv")
    wv = ws.load(tmp_path / "m.wsv")
    assert wv.meta["loss_history"] == pytest.approx(list(m.loss_history_))
    fig = plot.training_curve(wv, figsize=(4, 3), dpi=50)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), m.loss_history_)
    main(["plot", "curve", str(tmp_path / "m.wsv"), "-o", str(tmp_path / "c.png"), "--json"])
    assert json.loads(capsys.readouterr().out)["output"] == str(tmp_path / "c.png")


def test_no_curve_says_why(tmp_path, capsys):
    m = ws.Word2Vec(vector_size=8, min_count=1, epochs=2, workers=1).fit(SENTS)
    with pytest.raises(ParameterError, match="trained without compute_loss=True"):
        plot.training_curve(m)
    m.save(tmp_path / "m.wsv")
    with pytest.raises(ParameterError, match="word2vec model was trained without compute_loss"):
        plot.training_curve(ws.load(tmp_path / "m.wsv"))
    try:
        main(["plot", "curve", str(tmp_path / "m.wsv")])
    except SystemExit as e:
        assert e.code == 2
    err = capsys.readouterr().err
    assert "trained without compute_loss" in err and "(CLI: --loss)" in err
    # the option the message names exists
    try:
        main(["train", "word2vec", "--help"])
    except SystemExit as e:
        assert e.code == 0
    assert "--loss" in capsys.readouterr().out
    plain = ws.WordVectors(["a", "b", "c"], np.eye(3), meta={"source": "glove.txt"})
    with pytest.raises(ParameterError, match=r"\(glove.txt\) were not trained by wordspace"):
        plot.training_curve(plain)
    with pytest.raises(ParameterError, match="not fitted yet"):
        plot.training_curve(ws.GloVe())


def test_figures_have_a_png_repr_for_notebooks():
    wv = value_wv()
    for fig in (
        plot.map(wv, top=10, figsize=(4, 3), dpi=50),
        plot.similarity_heatmap(wv, ["w01", "w02", "w03"], figsize=(4, 3), dpi=50),
        plot.training_curve([3.0, 2.0, 1.0], figsize=(4, 3), dpi=50),
    ):
        png = fig._repr_png_()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(png[16:20], "big") == 200
    import pickle

    back = pickle.loads(pickle.dumps(fig))  # the hook does not stop a figure from pickling
    assert back._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
    from IPython.core.formatters import PNGFormatter

    assert PNGFormatter()(plot.map(wv, top=10, figsize=(4, 3), dpi=50))[:4] == b"\x89PNG"


def test_projector_exports_the_most_frequent_10000_by_default(tmp_path):
    from wordspace.viz.projector import DEFAULT_LIMIT, export_projector

    assert DEFAULT_LIMIT == 10_000
    n = 10_050
    rng = np.random.default_rng(0)
    counts = rng.permutation(np.arange(1, n + 1))
    wv = ws.WordVectors([f"w{i}" for i in range(n)], rng.normal(size=(n, 2)), counts=counts)
    out = export_projector(wv, tmp_path / "p")
    meta = (tmp_path / "p" / "metadata.tsv").read_text().splitlines()
    assert len(meta) == 1 + 10_000
    kept = {int(line.split("\t")[1]) for line in meta[1:]}
    assert min(kept) == 51  # the 50 rarest words are left out
    assert len(out["vectors"].read_text().splitlines()) == 10_000
    # the rows still match their words
    first = meta[1].split("\t")[0]
    row = np.array(out["vectors"].read_text().splitlines()[0].split("\t"), dtype=float)
    np.testing.assert_allclose(row, wv[first], rtol=1e-5)
    export_projector(wv, tmp_path / "all", limit=None)
    assert len((tmp_path / "all" / "vectors.tsv").read_text().splitlines()) == n


def test_projector_limit_on_a_value_model_spreads_over_the_values(tmp_path, capsys):
    from wordspace.viz.projector import export_projector

    wv = value_wv(n=61)
    export_projector(wv, tmp_path, limit=4)
    vals = [
        float(x.split("\t")[1]) for x in (tmp_path / "metadata.tsv").read_text().splitlines()[1:]
    ]
    assert vals == pytest.approx([3.0, 4.0, 5.0, 6.0])
    model = tmp_path / "v.wsv"
    wv.save(model)
    main(["export", "projector", str(model), "-o", str(tmp_path / "o"), "--limit", "7"])
    assert "wrote 7 of 61 (--limit 7) vectors" in capsys.readouterr().out


def test_explorer_title_and_examples_come_from_the_model():
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from wordspace.viz.explore import create_app

    wv = value_wv()
    info = TestClient(create_app(wv, title="price.wsv")).get("/api/info").json()
    assert info["title"] == "price.wsv"
    assert info["value_name"] == "price (log)"
    vals = [wv.extras["values"][wv.key_to_index[w]] for w in info["examples"]]
    assert min(vals) == 3.0 and max(vals) == 6.0
    trained = ws.WordVectors(
        ["king", "happy", "cheap", "luxury", "flat"],
        np.eye(5),
        extras={"values": np.arange(5.0)},
        meta={"trainer": "valuevec"},
    )
    info = TestClient(create_app(trained)).get("/api/info").json()
    assert info["title"] == "valuevec model"
    assert info["examples"] == ["king", "happy", "cheap", "luxury", "flat"]  # by value
