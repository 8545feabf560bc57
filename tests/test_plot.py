"""Figures: rendered offscreen (Agg) to real files whose size and content are checked."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

import wordspace as ws
from wordspace.errors import MissingDependencyError, OutOfVocabularyError, ParameterError
from wordspace.viz import plot

GROUPS = ("red", "dog", "car")


def make_wv(values: bool = True, n_per: int = 40, dim: int = 16, seed: int = 0) -> ws.WordVectors:
    """Three well separated groups of words plus an exact analogy king − man + woman = queen;
    values grow along one direction (a ValueVec-like gradient)."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(len(GROUPS), dim)) * 4.0
    words, vecs = [], []
    for g, name in enumerate(GROUPS):
        for i in range(n_per):
            words.append(f"{name}{i}")
            vecs.append(centers[g] + rng.normal(size=dim))
    man = rng.normal(size=dim) * 3
    king = rng.normal(size=dim) * 3
    gender = rng.normal(size=dim) * 2
    for w, v in (("king", king), ("man", man), ("woman", man + gender), ("queen", king + gender)):
        words.append(w)
        vecs.append(v)
    vecs = np.array(vecs, dtype=np.float32)
    extras = {}
    if values:
        direction = rng.normal(size=dim)
        extras["values"] = (vecs @ direction).astype(np.float64)
    counts = np.arange(len(words), 0, -1) * 10
    return ws.WordVectors(words, vecs, counts=counts, extras=extras)


def png_size(path) -> tuple[int, int]:
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def assert_drawn(path, size: tuple[int, int]) -> np.ndarray:
    """The PNG has the requested pixel size and is not blank."""
    import matplotlib.image as mpimg

    assert png_size(path) == size
    img = mpimg.imread(str(path))
    assert img.shape[:2] == (size[1], size[0])
    ink = (img[..., :3].min(axis=2) < 0.9).mean()  # share of non-white pixels
    assert ink > 0.005, f"the image looks empty ({ink:.4f} of the pixels drawn)"
    return img


@pytest.fixture(scope="module")
def wv():
    return make_wv()


@pytest.fixture(scope="module")
def wv_plain():
    return make_wv(values=False)


def _boxes(fig):
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    return np.array(
        [
            t.get_window_extent(renderer).extents
            for t in ax.texts
            if t.get_transform() is ax.transData
        ]
    )


def _overlapping_pairs(b: np.ndarray) -> int:
    n = 0
    for i in range(len(b)):
        o = b[i + 1 :]
        n += int(
            np.sum(
                (o[:, 0] < b[i, 2] - 0.5)
                & (o[:, 2] > b[i, 0] + 0.5)
                & (o[:, 1] < b[i, 3] - 0.5)
                & (o[:, 3] > b[i, 1] + 0.5)
            )
        )
    return n


# ------------------------------------------------------------------------------- map
def test_map_pca_png_has_requested_size_and_content(wv, tmp_path):
    fig = plot.map(wv, top=60, figsize=(6, 4), dpi=50)
    out = plot.save(fig, tmp_path / "map.png")
    assert_drawn(out, (300, 200))
    assert "PCA" in fig.axes[0].get_title(loc="left")


def test_map_pca_separates_the_groups(wv):
    words = [w for w in wv.index_to_key if w[:3] in GROUPS]
    xy = plot.project(wv[words], "pca")
    labels = np.array([GROUPS.index(w[:3]) for w in words])
    cents = np.array([xy[labels == g].mean(axis=0) for g in range(3)])
    spread = max(np.linalg.norm(xy[labels == g] - cents[g], axis=1).mean() for g in range(3))
    gaps = [np.linalg.norm(cents[i] - cents[j]) for i in range(3) for j in range(i + 1, 3)]
    assert min(gaps) > 2 * spread
    np.testing.assert_array_equal(xy, plot.project(wv[words], "pca"))  # deterministic


def test_map_tsne_and_clusters(wv, tmp_path):
    fig = plot.map(
        wv, top=90, method="tsne", color_by="cluster", n_clusters=3, seed=1, figsize=(5, 5), dpi=60
    )
    assert_drawn(plot.save(fig, tmp_path / "t.png"), (300, 300))
    # KMeans colours: three distinct point colours
    cols = fig.axes[0].collections[0].get_facecolors()
    assert len({tuple(np.round(c, 3)) for c in cols}) == 3
    title = fig.axes[0].get_title(loc="left")
    assert "t-SNE" in title and "3 KMeans" in title


def test_map_color_by_value_has_colour_bar(wv, tmp_path):
    fig = plot.map(wv, top=100, color_by="value", figsize=(8, 6), dpi=40)
    assert_drawn(plot.save(fig, tmp_path / "v.png"), (320, 240))
    assert len(fig.axes) == 2  # the map and its colour bar
    assert fig.axes[1].get_ylabel() == "value"
    sc = fig.axes[0].collections[0]
    idx = [wv.key_to_index[w] for w in wv.index_to_key[:100]]
    np.testing.assert_allclose(sc.get_array(), wv.extras["values"][idx])


def test_map_color_by_value_greys_out_words_without_a_value(wv):
    part = ws.WordVectors(
        wv.index_to_key,
        wv.vectors,
        counts=wv.counts,
        extras={"values": np.where(np.arange(len(wv)) % 2 == 0, wv.extras["values"], np.nan)},
    )
    fig = plot.map(part, top=40, color_by="value")
    grey, coloured = fig.axes[0].collections
    assert len(grey.get_offsets()) == 20 and len(coloured.get_offsets()) == 20
    assert np.isfinite(coloured.get_array()).all()


def test_map_color_by_value_without_values_fails_clearly(wv_plain):
    with pytest.raises(ParameterError, match="per-word values.*ValueVec"):
        plot.map(wv_plain, color_by="value")


def test_map_bad_parameters(wv):
    with pytest.raises(ParameterError, match="method"):
        plot.map(wv, method="mds")
    with pytest.raises(ParameterError, match="color_by"):
        plot.map(wv, color_by="colour")
    with pytest.raises(ParameterError, match="at least 3"), pytest.warns(UserWarning):
        plot.map(wv, words=["red1", "nope", "zzz"])
    with pytest.raises(ParameterError, match="top"):
        plot.map(wv, top=2)


def test_map_words_leaves_out_unknown_ones_with_a_warning(wv):
    with pytest.warns(UserWarning, match="'nope'"):
        fig = plot.map(wv, words=["red1", "dog2", "car3", "nope", "king"], annotate=True)
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"red1", "dog2", "car3", "king"} <= labels
    assert "nope" not in labels


def test_map_umap_missing_names_the_extra(wv, monkeypatch):
    monkeypatch.setitem(sys.modules, "umap", None)  # as if umap-learn were not installed
    with pytest.raises(MissingDependencyError, match=r"umap-learn.*wordspace\[umap\]"):
        plot.map(wv, method="umap")


def test_dense_map_labels_do_not_overlap():
    dense = make_wv(n_per=150, dim=8, seed=3)  # 450 words, three tight blobs
    fig = plot.map(dense, top=450, figsize=(6, 5), dpi=80)
    boxes = _boxes(fig)
    assert 10 < len(boxes) < 450  # a readable subset, not all of them
    assert _overlapping_pairs(boxes) == 0
    note = [t.get_text() for t in fig.axes[0].texts if "labelled" in t.get_text()]
    assert note and note[0].startswith(f"{len(boxes)} of 450")


def test_glove_map_top_words_is_readable(tmp_path):
    glove = ws.load("glove-wiki-gigaword-50", limit=2000)
    fig = plot.map(glove, top=300, figsize=(10, 7.5), dpi=60)
    assert_drawn(plot.save(fig, tmp_path / "g.png"), (600, 450))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "the" in texts and "," not in texts  # most frequent first; no punctuation
    assert _overlapping_pairs(_boxes(fig)) == 0


def test_map_into_given_axes(wv):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4))
    FigureCanvasAgg(fig)
    a1, a2 = fig.subplots(1, 2)
    out = plot.map(wv, top=30, ax=a2)
    assert out is fig and len(a2.collections) == 1 and len(a1.collections) == 0


# ------------------------------------------------------------------- other figures
def test_similarity_heatmap(wv, tmp_path):
    words = ["king", "queen", "man", "woman", "red1"]
    fig = plot.similarity_heatmap(wv, words, figsize=(5, 4), dpi=80)
    assert_drawn(plot.save(fig, tmp_path / "h.png"), (400, 320))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == words
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == 25 and cells[0] == "1.00"
    assert cells[1] == f"{wv.similarity('king', 'queen'):.2f}"
    with pytest.raises(OutOfVocabularyError):
        plot.similarity_heatmap(wv, ["king", "kingg"])
    with pytest.raises(ParameterError):
        plot.similarity_heatmap(wv, ["king"])


def test_analogy_figure(wv, tmp_path):
    fig = plot.analogy(wv, "king", "man", "woman", figsize=(6, 5), dpi=50)
    assert_drawn(plot.save(fig, tmp_path / "a.png"), (300, 250))
    ax = fig.axes[0]
    assert ax.get_title(loc="left").startswith("king − man + woman ≈ queen")
    labels = {t.get_text() for t in ax.texts}
    assert {"king", "man", "woman", "queen"} <= labels
    assert len(ax.patches) >= 1  # the parallelogram
    with pytest.raises(ParameterError, match="three different"):
        plot.analogy(wv, "king", "king", "woman")


class _Trained:
    def __init__(self):
        self.loss_history_ = [5.0, 3.0, 2.2, 1.9]
        self.error_history_ = np.array([0.9, 0.5, 0.4, 0.35])
        self.epochs = 4


class _Unfitted:
    epochs = 5


def test_training_curve(tmp_path):
    fig = plot.training_curve(_Trained(), figsize=(6, 3), dpi=50)
    out = plot.save(fig, tmp_path / "c.png")
    w, h = png_size(out)
    assert w == 300 and h > 150  # one panel per history: taller than one panel
    assert_drawn(out, (w, h))
    assert [a.get_ylabel() for a in fig.axes] == ["loss", "error"]
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), [5.0, 3.0, 2.2, 1.9])
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_xdata(), [1, 2, 3, 4])
    single = plot.training_curve({"loss_history": [3, 2, 1]}, figsize=(4, 3), dpi=50)
    assert_drawn(plot.save(single, tmp_path / "c1.png"), (200, 150))


def test_training_curve_needs_a_history():
    with pytest.raises(ParameterError, match="no per-epoch history.*fit"):
        plot.training_curve(_Unfitted())


def test_save_formats_by_extension(wv, tmp_path):
    fig = plot.similarity_heatmap(wv, ["king", "queen", "man"])
    plot.save(fig, tmp_path / "h.svg")
    plot.save(fig, tmp_path / "h.pdf")
    assert (tmp_path / "h.svg").read_text()[:200].find("<svg") >= 0 or "<svg" in (
        tmp_path / "h.svg"
    ).read_text()[:2000]
    assert (tmp_path / "h.pdf").read_bytes()[:4] == b"%PDF"
    with pytest.raises(ParameterError, match=r"\.png, \.svg or \.pdf"):
        plot.save(fig, tmp_path / "h.gif")
    plot.save(fig, tmp_path / "no" / "h.png")  # a missing folder is created, as models' are
    assert (tmp_path / "no" / "h.png").read_bytes()[:4] == b"\x89PNG"


def test_import_wordspace_does_not_import_matplotlib():
    code = (
        "import sys, wordspace as ws; bad = [m for m in ('matplotlib', 'sklearn', 'fastapi') "
        "if m in sys.modules]; assert not bad, bad; ws.plot; "
        "assert 'matplotlib' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ----------------------------------------------------------------------------- CLI
def _cli(args, capsys):
    from wordspace.cli import main

    try:
        main(args)
        code = 0
    except SystemExit as e:
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_plot_commands(wv, wv_plain, tmp_path, capsys):
    model = tmp_path / "m.wsv"
    wv.save(model)
    plain = tmp_path / "p.wsv"
    wv_plain.save(plain)
    code, out, _ = _cli(
        [
            "plot",
            "map",
            str(model),
            "-o",
            str(tmp_path / "m.png"),
            "--color-by",
            "value",
            "--top",
            "80",
            "--pixels",
            "400x300",
            "--json",
        ],
        capsys,
    )
    assert code == 0, out
    assert json.loads(out) == {
        "output": str(tmp_path / "m.png"),
        "width": 400,
        "height": 300,
        "method": "pca",
    }
    assert_drawn(tmp_path / "m.png", (400, 300))

    words = tmp_path / "words.txt"
    words.write_text("# a themed list\nking queen\nman\nwoman\n")
    code, out, _ = _cli(
        ["plot", "map", str(plain), "-o", str(tmp_path / "w.svg"), "--words", str(words)], capsys
    )
    assert code == 0 and (tmp_path / "w.svg").exists()

    code, _, err = _cli(
        ["plot", "map", str(plain), "-o", str(tmp_path / "x.png"), "--color-by", "value"], capsys
    )
    assert code == 2 and "per-word values" in err and not (tmp_path / "x.png").exists()

    code, _, _ = _cli(
        [
            "plot",
            "heatmap",
            str(model),
            "-o",
            str(tmp_path / "h.png"),
            "--words",
            "king,queen,man,woman",
            "--pixels",
            "500x400",
        ],
        capsys,
    )
    assert code == 0
    assert_drawn(tmp_path / "h.png", (500, 400))

    code, _, _ = _cli(
        ["plot", "analogy", str(model), "king", "man", "woman", "-o", str(tmp_path / "a.pdf")],
        capsys,
    )
    assert code == 0 and (tmp_path / "a.pdf").read_bytes()[:4] == b"%PDF"

    hist = tmp_path / "h.json"
    hist.write_text(json.dumps({"loss_history": [4, 3, 2.5]}))
    code, _, _ = _cli(["plot", "curve", str(hist), "-o", str(tmp_path / "c.png")], capsys)
    assert code == 0
    assert_drawn(tmp_path / "c.png", (800, 450))

    trained = ws.WordVectors(
        wv.index_to_key, wv.vectors, meta={"trainer": "glove", "loss_history": [0.2, 0.1, 0.08]}
    )
    trained.save(tmp_path / "t.wsv")
    code, out, _ = _cli(
        [
            "plot",
            "curve",
            str(tmp_path / "t.wsv"),
            "-o",
            str(tmp_path / "t.png"),
            "--pixels",
            "600x300",
            "--json",
        ],
        capsys,
    )
    assert code == 0, out
    assert_drawn(tmp_path / "t.png", (600, 300))

    code, _, err = _cli(
        ["plot", "heatmap", str(model), "-o", str(tmp_path / "h.gif"), "--words", "king,queen"],
        capsys,
    )
    assert code == 2 and ".png, .svg or .pdf" in err

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code, _, err = _cli(
            ["plot", "heatmap", str(model), "-o", str(tmp_path / "o.png"), "--words", "king,kingg"],
            capsys,
        )
    assert code == 2 and "'kingg' is not in the vocabulary" in err


@pytest.mark.parametrize("n", [5, 18, 30])
@pytest.mark.parametrize("figsize", [None, (6, 5)])
def test_heatmap_labels_are_never_cut(n, figsize):
    """Long labels (the demo's report cut 'september' to 'eptember'): every tick label, the
    title and the colorbar lie inside the figure, at any number of words."""
    pytest.importorskip("matplotlib")
    longest = ["light-goldenrod-yellow", "september", "dark-chartreuse", "medium-sea-green"]
    words = (longest + [f"word{i}" for i in range(n)])[:n]
    rng = np.random.default_rng(0)
    wv = ws.WordVectors(words, rng.normal(size=(n, 8)).astype(np.float32))
    fig = plot.similarity_heatmap(wv, words, figsize=figsize, dpi=50)
    r = fig.canvas.get_renderer()
    fig.draw(r)
    W, H = fig.bbox.width, fig.bbox.height
    texts = [t for a in fig.axes for t in a.get_xticklabels() + a.get_yticklabels()]
    texts += [fig.axes[0].title, fig.axes[1].yaxis.label]
    for t in texts:
        if not t.get_text():
            continue
        b = t.get_window_extent(r)
        assert b.x0 >= -0.5 and b.y0 >= -0.5 and b.x1 <= W + 0.5 and b.y1 <= H + 0.5, (
            t.get_text(),
            b,
            (W, H),
        )
    if figsize is not None:
        assert tuple(fig.get_size_inches()) == figsize
