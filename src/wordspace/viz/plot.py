"""Pictures of an embedding space: maps, similarity heatmaps, analogies, training curves.

Every function returns a :class:`matplotlib.figure.Figure` and never calls ``plt.show``.
Figures are made without pyplot on the offscreen Agg canvas, so nothing here changes the
user's matplotlib backend or opens a window; pass ``ax=`` to draw into your own axes
instead. In a notebook the returned figure displays itself; elsewhere :func:`save` it::

    import wordspace as ws
    fig = ws.plot.map(wv, top=300)                 # PCA of the 300 most frequent words
    ws.plot.save(fig, "map.png")                   # .png, .svg or .pdf by extension

matplotlib and scikit-learn (extra ``wordspace[plot]``) are imported inside the functions;
UMAP needs ``umap-learn`` (extra ``wordspace[umap]``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace._optional import require
from wordspace.errors import ParameterError
from wordspace.vectors._display import value_label
from wordspace.viz._figures import (  # noqa: F401  (re-exported: ws.plot.save, ws.plot.project, ...)
    _HIGHLIGHT,
    _POINT,
    METHODS,
    SAVE_FORMATS,
    _check_figsize,
    _figure_and_axes,
    _figure_of,
    _fit_limits,
    _new_figure,
    _renderer,
    _select_words,
    _select_words_how,
    _style_map_axes,
    image_format,
    place_labels,
    plain_text,
    project,
    sample_words,
    save,
    to_png,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from wordspace.vectors.keyed import WordVectors

__all__ = [
    "map",
    "project",
    "similarity_heatmap",
    "training_curve",
    "analogy",
    "save",
    "image_format",
    "place_labels",
    "to_png",
    "no_curve_reason",
    "sample_words",
    "value_label",
]

logger = logging.getLogger(__name__)

COLOR_BY = (None, "value", "cluster")


# ------------------------------------------------------------------------------ map
def map(  # ws.plot.map reads well; the builtin map is not used in this module
    wv: WordVectors,
    words: Sequence[str] | None = None,
    method: str = "pca",
    color_by: str | None = None,
    top: int = 500,
    annotate: bool = True,
    seed: int = 0,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (12.0, 9.0),
    dpi: float = 100.0,
    *,
    n_clusters: int = 8,
    cmap: str | None = None,
    fontsize: float | None = None,
    max_labels: int | None = None,
    title: str | None = None,
) -> Figure:
    """A 2-D map of words: the given ``words``, or the ``top`` most frequent ones.

    Parameters
    ----------
    method:
        ``"pca"`` (default, fast, deterministic), ``"tsne"`` or ``"umap"`` (needs umap-learn).
    color_by:
        ``None``; ``"value"`` colours points by the per-word values of a ValueVec model on a
        continuous scale with a colour bar; ``"cluster"`` colours KMeans clusters
        (``n_clusters``) of the vectors.
    annotate:
        Label the points. Labels are placed greedily, most frequent word first, and a label
        that would overlap another is left out, so dense maps stay readable.
    seed:
        Seeds t-SNE, UMAP and KMeans; the same seed gives the same picture.
    """
    figsize = _check_figsize(figsize)
    if method not in METHODS:
        raise ParameterError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if color_by not in COLOR_BY:
        raise ParameterError(f"color_by must be None, 'value' or 'cluster'; got {color_by!r}")
    if color_by == "value" and "values" not in wv.extras:
        raise ParameterError(
            "color_by='value' needs per-word values, and these vectors have none; values come "
            "from a ValueVec model (or wv.set_extra('values', array)); use color_by=None or "
            "'cluster' for other models"
        )
    if color_by == "cluster" and int(n_clusters) < 1:
        raise ParameterError(f"n_clusters must be at least 1, got {n_clusters}")
    if cmap is not None:
        from matplotlib import colormaps

        if cmap not in colormaps:
            raise ParameterError(f"unknown colour map {cmap!r}; try viridis, rainbow or tab10")
    chosen, what = _select_words_how(wv, words, top)
    idx = np.array([wv.key_to_index[w] for w in chosen], dtype=np.int64)
    unit = np.asarray(wv.get_normed_vectors()[idx], dtype=np.float64)
    xy = project(unit, method, seed)

    fig, ax = _figure_and_axes(ax, figsize, dpi)
    own_axes = len(fig.axes) == 1
    if own_axes:
        fig.subplots_adjust(
            left=0.03, right=0.97 if color_by != "value" else 0.93, bottom=0.03, top=0.93
        )
    n = len(chosen)
    size = float(np.clip(2400.0 / n, 8.0, 60.0))
    label_colors: list[str] | str = "#222222"
    if color_by == "value":
        vals = np.asarray(wv.extras["values"], dtype=np.float64)[idx]
        ok = np.isfinite(vals)
        if not ok.any():
            raise ParameterError("none of the mapped words has a finite value to colour by")
        if not ok.all():  # words without a value (NaN): light grey, under the coloured ones
            ax.scatter(
                xy[~ok, 0],
                xy[~ok, 1],
                c="#d0d0d0",
                s=size,
                linewidths=0,
                zorder=1,
                label="no value",
            )
            ax.legend(loc="lower right", fontsize=8, frameon=False)
        # the scale spans the model's whole value range, not only the mapped words'
        allv = np.asarray(wv.extras["values"], dtype=np.float64)
        allv = allv[np.isfinite(allv)]
        vmin, vmax = float(allv.min()), float(allv.max())
        sc = ax.scatter(
            xy[ok, 0],
            xy[ok, 1],
            c=vals[ok],
            cmap=cmap or "viridis",
            s=size * 1.6,
            edgecolors="#555555",
            linewidths=0.3,
            zorder=2,
            vmin=vmin,
            vmax=vmax if vmax > vmin else vmin + 1.0,
        )
        cb = fig.colorbar(sc, ax=ax, fraction=0.04, pad=0.01)
        cb.set_label(value_label(wv))
    elif color_by == "cluster":
        KMeans = require(
            "sklearn.cluster", extra="plot", purpose="cluster colours", package="scikit-learn"
        ).KMeans
        k = min(int(n_clusters), n)
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(unit)
        from matplotlib import colormaps

        palette = colormaps[cmap or ("tab10" if k <= 10 else "tab20")]
        cols = [palette(int(c) % palette.N) for c in labels]
        ax.scatter(xy[:, 0], xy[:, 1], c=cols, s=size, edgecolors="white", linewidths=0.4, zorder=2)
        from matplotlib.colors import to_hex

        label_colors = [
            to_hex((c[0] * 0.7, c[1] * 0.7, c[2] * 0.7))  # darker, readable text
            for c in cols
        ]
    else:
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            c=_POINT,
            s=size,
            alpha=0.8,
            edgecolors="white",
            linewidths=0.4,
            zorder=2,
        )
    _fit_limits(ax, xy)
    _style_map_axes(ax)
    if title is None:
        name = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}[method]
        title = f"{name} map of {n:,} {what}"
        if color_by == "value":
            title += f", coloured by {value_label(wv)}"
        elif color_by == "cluster":
            title += f", {min(int(n_clusters), n)} KMeans clusters"
    ax.set_title(plain_text(title), fontsize=13, loc="left")
    if annotate:
        if fontsize is None:
            fontsize = 10.0 if n <= 60 else 9.0 if n <= 150 else 8.0
        marker_pt = np.sqrt(size * (1.6 if color_by == "value" else 1.0)) / 2.0
        shown = place_labels(
            ax,
            xy,
            chosen,
            fontsize=fontsize,
            max_labels=max_labels,
            color=label_colors,
            gap_pt=max(3.0, marker_pt + 1.0),
            marker_px=max(2.5, marker_pt * fig.dpi / 72.0),
        )
        if len(shown) < n:
            ax.text(
                1.0,
                -0.01,
                f"{len(shown):,} of {n:,} labelled (others would overlap)",
                transform=ax.transAxes,
                ha="right",
                va="top",
                fontsize=7,
                color="#888888",
            )
    return fig


# -------------------------------------------------------------------------- heatmap
def similarity_heatmap(
    wv: WordVectors,
    words: Sequence[str],
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
    dpi: float = 100.0,
    *,
    annotate: bool | None = None,
    cmap: str = "RdBu_r",
    title: str | None = None,
) -> Figure:
    """The matrix of cosine similarities between ``words``, as a labelled heatmap.

    Cells show their values when ``annotate`` (default: up to 20 words).
    """
    if isinstance(words, str) or len(words) < 2:
        raise ParameterError("similarity_heatmap needs a list of at least 2 words")
    words = list(dict.fromkeys(words))
    for w in words:
        wv.get_index(w)  # OutOfVocabularyError with suggestions
    m = wv.similarity_matrix(words).to_numpy()
    n = len(words)
    given = _check_figsize(figsize) if figsize is not None else None
    own = ax is None
    if ax is None:  # laid out below from the measured labels
        fig = _new_figure(given or (6.0, 6.0), dpi)
        ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    else:
        fig = _figure_of(ax)
    im = ax.imshow(m, cmap=cmap, vmin=-1.0, vmax=1.0)
    fs = float(np.clip(160.0 / n, 6.0, 11.0))
    shown = [plain_text(w) for w in words]
    ax.set_xticks(range(n), shown, rotation=60, ha="right", rotation_mode="anchor", fontsize=fs)
    ax.set_yticks(range(n), shown, fontsize=fs)
    ax.tick_params(length=0)
    cax = None
    if own:
        cax = _heatmap_layout(fig, ax, n, given)
    for s in ax.spines.values():
        s.set_visible(False)
    if annotate is None:
        annotate = n <= 20
    if annotate:
        for i in range(n):
            for j in range(n):
                ax.text(
                    j,
                    i,
                    f"{m[i, j]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=max(5.0, fs - 2),
                    color="white" if abs(m[i, j]) > 0.6 else "black",
                )
    if cax is not None:
        cb = fig.colorbar(im, cax=cax)
    else:
        cb = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
    cb.set_label("cosine similarity")
    ax.set_title(plain_text(title or "Cosine similarity"), fontsize=12, loc="left")
    return fig


def _heatmap_layout(fig: Figure, ax: Axes, n: int, figsize: tuple[float, float] | None) -> Axes:
    """Size and place a heatmap's axes from its measured tick labels, so that no label is cut
    (a constrained layout cannot shrink an equal-aspect image enough for long rotated labels).
    Returns the colorbar's axes. With ``figsize`` given the figure keeps that size and the
    matrix gets what the labels leave; else the matrix gets about 0.45 in a word."""
    dpi = fig.dpi
    r = _renderer(fig)
    y_w = max((t.get_window_extent(r).width for t in ax.get_yticklabels()), default=0.0) / dpi
    x_h = max((t.get_window_extent(r).height for t in ax.get_xticklabels()), default=0.0) / dpi
    pad, tick_pad, title_h = 0.15, 0.12, 0.45
    cb_gap, cb_w, cb_text = 0.2, 0.22, 1.0  # the colorbar, its tick labels and its label
    left = pad + y_w + tick_pad
    bottom = pad + x_h + tick_pad
    right = cb_gap + cb_w + cb_text + pad
    if figsize is None:
        side = float(np.clip(1.5 + 0.45 * n, 4.0, 16.0))
        width, height = left + side + right, bottom + side + title_h
        fig.set_size_inches(width, height)
    else:
        width, height = figsize
        side = max(min(width - left - right, height - bottom - title_h), 0.5)
    ax.set_position((left / width, bottom / height, side / width, side / height))
    return fig.add_axes(
        ((left + side + cb_gap) / width, bottom / height, cb_w / width, side / height)
    )


# -------------------------------------------------------------------- training curve
_HISTORY_LABELS = {"loss": "loss", "error": "error", "alpha": "learning rate"}


def _histories(model: Any) -> dict[str, list[float]]:
    """Per-epoch histories of a trained model: ``loss_history_`` first, then any other
    ``*_history_`` attribute (or ``*history*`` key of a mapping / of ``wv.meta``)."""
    found: dict[str, Any] = {}
    if isinstance(model, Mapping):
        found = {k: v for k, v in model.items() if isinstance(k, str) and "history" in k}
    elif isinstance(model, np.ndarray | list | tuple):
        found = {"loss_history_": model}
    else:
        for name in dir(model):
            if name.endswith("_history_") and not name.startswith("__"):
                try:
                    found[name] = getattr(model, name)
                except Exception:  # noqa: BLE001 - a property that fails is not a history
                    continue
        meta = getattr(model, "meta", None)
        if not found and isinstance(meta, Mapping):
            found = {k: v for k, v in meta.items() if isinstance(k, str) and "history" in k}
    out: dict[str, list[float]] = {}
    for name in sorted(found, key=lambda k: (not k.startswith("loss"), k)):
        v = found[name]
        try:
            arr = np.asarray(v, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if arr.ndim == 1 and arr.size > 0:
            out[name] = arr.tolist()
    return out


def no_curve_reason(model: Any) -> str:
    """Why ``model`` has no training curve, in one sentence with the fix."""
    meta = getattr(model, "meta", None)
    if isinstance(model, Mapping | list | tuple | np.ndarray):
        return 'the data holds no per-epoch history (e.g. {"loss_history": [...]})'
    if meta is None:  # an estimator
        kind = type(model).__name__
        if not getattr(model, "is_fitted", False):
            return (
                f"this {kind} has no per-epoch history to plot: it is not fitted yet; call "
                "fit() first"
            )
        params = model.get_params(deep=False) if hasattr(model, "get_params") else {}
        if params.get("compute_loss") is False:
            return (
                f"this {kind} was trained without compute_loss=True, so it has no loss "
                "curve; train it with compute_loss=True (CLI: --loss)"
            )
        return f"this {kind} recorded no per-epoch history"
    trainer = meta.get("trainer") if isinstance(meta, Mapping) else None
    if not trainer:
        src = meta.get("source") if isinstance(meta, Mapping) else None
        where = f" ({src})" if src else ""
        return (
            f"these vectors{where} were not trained by wordspace, so they carry no "
            "training curve; only models trained and saved by wordspace (.wsv) have one"
        )
    params = meta.get("params") if isinstance(meta.get("params"), Mapping) else {}
    if params.get("compute_loss") is False:
        return (
            f"this {trainer} model was trained without compute_loss, so it has no loss "
            "curve; retrain with compute_loss=True (CLI: --loss)"
        )
    if "loss_history" not in meta:
        return (
            f"this {trainer} model was saved without its loss history (by an older "
            "wordspace); retrain and save it to plot its curve"
        )
    return f"this {trainer} model recorded no per-epoch history"


def _history_title(name: str) -> str:
    base = name.replace("_history_", "").replace("_history", "").replace("history", "").strip("_")
    return _HISTORY_LABELS.get(base, base.replace("_", " ") or "value")


def training_curve(
    model: Any,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (8.0, 4.5),
    dpi: float = 100.0,
    *,
    logy: bool = False,
    title: str | None = None,
) -> Figure:
    """Loss (and any other per-epoch history) against the epoch, for a trained model.

    ``model``: a trainer (reads ``loss_history_`` and every other ``*_history_`` attribute,
    one panel each); :class:`~wordspace.WordVectors` of a model trained by wordspace, loaded
    or not (every trainer saves its ``loss_history`` in the model's metadata); a mapping
    ``{"loss_history": [...]}``; or a plain list of losses. Raises :class:`ParameterError`
    saying why when there is no curve (not fitted, trained without ``compute_loss``, vectors
    from another tool); :func:`no_curve_reason` gives that sentence.
    """
    figsize = _check_figsize(figsize)
    hist = _histories(model)
    if not hist:
        raise ParameterError(no_curve_reason(model))
    names = list(hist)
    if ax is not None:
        names = names[:1]
        fig, axes = _figure_of(ax), [ax]
    else:
        fig = _new_figure((figsize[0], figsize[1] * (1 + 0.55 * (len(names) - 1))), dpi)
        axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0].tolist()
        fig.set_layout_engine("constrained")
    for a, name in zip(axes, names, strict=False):
        y = hist[name]
        x = np.arange(1, len(y) + 1)
        a.plot(x, y, marker="o" if len(y) <= 50 else None, ms=4, color=_POINT, lw=1.8)
        a.set_ylabel(plain_text(_history_title(name)))
        a.grid(True, color="#e5e5e5", lw=0.8)
        a.spines["top"].set_visible(False)
        a.spines["right"].set_visible(False)
        if logy and min(y) > 0:
            a.set_yscale("log")
        if len(y) <= 20:
            a.set_xticks(x)
    axes[-1].set_xlabel("epoch")
    plain = isinstance(model, Mapping | list | tuple | np.ndarray)
    trainer = "" if plain else type(model).__name__
    axes[0].set_title(
        plain_text(title or (f"{trainer} training" if trainer else "Training curve")),
        fontsize=12,
        loc="left",
    )
    return fig


# --------------------------------------------------------------------------- analogy
def analogy(
    wv: WordVectors,
    a: str,
    b: str,
    c: str,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (8.0, 7.0),
    dpi: float = 100.0,
    *,
    n: int = 6,
    restrict_vocab: int | None = None,
    title: str | None = None,
) -> Figure:
    """``a − b + c ≈ d``: the four words and the parallelogram in a 2-D PCA of their
    neighbourhood (``n`` neighbours of each word, drawn in grey).

    ``d`` is the best answer of ``wv.most_similar(positive=[a, c], negative=[b])``; the
    exact point ``a − b + c`` is marked too, so the gap to ``d`` is visible.
    """
    figsize = _check_figsize(figsize)
    for w in (a, b, c):
        wv.get_index(w)
    if len({a, b, c}) < 3:
        raise ParameterError(f"an analogy needs three different words, got {a!r}, {b!r}, {c!r}")
    best = wv.most_similar(positive=[a, c], negative=[b], topn=1, restrict_vocab=restrict_vocab)
    if not best:
        raise ParameterError("the vocabulary is too small for an analogy")
    d, score = best[0]
    quad = [a, b, c, d]
    hood: list[str] = []
    if n > 0:
        for nb in wv.most_similar_many(quad, topn=int(n) + 4, restrict_vocab=restrict_vocab):
            k = 0
            for w, _ in nb:
                if w not in quad and w not in hood:
                    hood.append(w)
                    k += 1
                    if k == n:
                        break
    unit = wv.get_normed_vectors()
    qv = np.asarray(unit[[wv.key_to_index[w] for w in quad]], dtype=np.float64)
    hv = (
        np.asarray(unit[[wv.key_to_index[w] for w in hood]], dtype=np.float64)
        if hood
        else np.zeros((0, qv.shape[1]))
    )
    target = qv[0] - qv[1] + qv[2]
    target /= np.linalg.norm(target) or 1.0
    allv = np.vstack([qv, hv, target[None, :]])
    mean = allv.mean(axis=0)
    _, _, vt = np.linalg.svd(allv - mean, full_matrices=False)
    comps = vt[:2]
    signs = np.sign(comps[np.arange(2), np.argmax(np.abs(comps), axis=1)])
    comps = comps * np.where(signs == 0, 1, signs)[:, None]
    xy = (allv - mean) @ comps.T
    pa, pb, pc, pd = xy[:4]
    pt = xy[-1]
    ph = xy[4:-1]

    fig, ax = _figure_and_axes(ax, figsize, dpi)
    if len(fig.axes) == 1:
        fig.subplots_adjust(left=0.04, right=0.96, bottom=0.05, top=0.91)
    if len(ph):
        ax.scatter(ph[:, 0], ph[:, 1], s=14, c="#b5b5b5", zorder=1)
    # parallelogram b → a, b → c, c → d, a → d
    poly = np.array([pb, pa, pd, pc, pb])
    ax.fill(poly[:, 0], poly[:, 1], color="#f3d9b1", alpha=0.35, zorder=0)
    arrow = dict(arrowstyle="-|>", lw=2.0, shrinkA=6, shrinkB=6, mutation_scale=14)
    ax.annotate("", xy=pa, xytext=pb, arrowprops={**arrow, "color": "#2c7fb8"}, zorder=3)
    ax.annotate("", xy=pd, xytext=pc, arrowprops={**arrow, "color": "#2c7fb8"}, zorder=3)
    ax.annotate(
        "",
        xy=pc,
        xytext=pb,
        arrowprops={**arrow, "color": "#e08214", "ls": "--", "lw": 1.4},
        zorder=3,
    )
    ax.annotate(
        "",
        xy=pd,
        xytext=pa,
        arrowprops={**arrow, "color": "#e08214", "ls": "--", "lw": 1.4},
        zorder=3,
    )
    ax.scatter(
        xy[:4, 0],
        xy[:4, 1],
        s=70,
        c=["#2c7fb8", "#2c7fb8", "#e08214", _HIGHLIGHT],
        edgecolors="white",
        linewidths=1.0,
        zorder=4,
    )
    ax.scatter(
        [pt[0]],
        [pt[1]],
        marker="*",
        s=160,
        c=_HIGHLIGHT,
        edgecolors="white",
        linewidths=0.6,
        zorder=5,
    )
    _fit_limits(ax, xy, margin=0.12)
    _style_map_axes(ax)
    expr = f"{a} − {b} + {c}"
    ax.set_title(
        plain_text(title or f"{expr} ≈ {d}   (cosine {score:.3f})"), fontsize=12, loc="left"
    )
    # the four words and the target star first, in bold, then neighbours where they fit
    labels = [a, b, c, d, expr, *hood]
    pts = np.vstack([xy[:4], pt[None, :], ph])
    order = list(range(len(labels)))
    cols = ["#17415f", "#17415f", "#8c4a05", _HIGHLIGHT, _HIGHLIGHT] + ["#777777"] * len(hood)
    place_labels(
        ax,
        pts,
        labels,
        fontsize=9.5,
        order=order[:5],
        color=cols,
        fontweight="bold",
        away_from=xy[:4].mean(axis=0),
        marker_px=5.0,
        force=True,
    )
    # neighbour labels must also avoid the bold ones: place all, but skip re-drawing the 5
    _place_rest(ax, pts, labels, cols)
    return fig


def _place_rest(ax: Axes, pts: np.ndarray, labels: list[str], cols: list[str]) -> None:
    """Label neighbours (index ≥ 5) only where they do not collide with the text already
    on the axes (the bold labels of the analogy)."""
    if len(labels) <= 5:
        return
    renderer = _renderer(_figure_of(ax))
    taken = np.array([[*t.get_window_extent(renderer).extents] for t in ax.texts]).reshape(-1, 4)
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(size=7.5)
    disp = ax.transData.transform(pts)
    inv = ax.transData.inverted()
    gap = 3.0 * ax.figure.dpi / 72.0
    bbox = ax.get_window_extent(renderer)
    for i in range(5, len(labels)):
        w, h, _ = renderer.get_text_width_height_descent(labels[i], prop, ismath=False)
        for sx, ha in ((1, "left"), (-1, "right")):
            left = disp[i, 0] + gap if sx > 0 else disp[i, 0] - gap - w
            box = np.array([left - 1, disp[i, 1] - h / 2 - 1, left + w + 1, disp[i, 1] + h / 2 + 1])
            if box[0] < bbox.x0 or box[2] > bbox.x1 or box[1] < bbox.y0 or box[3] > bbox.y1:
                continue
            if len(taken) and np.any(
                (taken[:, 0] < box[2])
                & (taken[:, 2] > box[0])
                & (taken[:, 1] < box[3])
                & (taken[:, 3] > box[1])
            ):
                continue
            tx, ty = inv.transform((disp[i, 0] + sx * gap, disp[i, 1]))
            ax.text(tx, ty, plain_text(labels[i]), fontsize=7.5, ha=ha, va="center", color=cols[i])
            taken = np.vstack([taken, box])
            break
