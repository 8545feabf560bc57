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
import os
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np

from wordspace._optional import require
from wordspace.errors import ParameterError
from wordspace.vectors._display import value_label

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

METHODS = ("pca", "tsne", "umap")
COLOR_BY = (None, "value", "cluster")
SAVE_FORMATS = ("png", "svg", "pdf")
_POINT = "#3b6ea5"
_HIGHLIGHT = "#c0392b"


# --------------------------------------------------------------------------- helpers


def plain_text(text: object) -> str:
    """``text`` drawn as it is: matplotlib reads a string holding two ``$`` as math
    (``"$5 and $10"`` fails to parse, ``"a$b$"`` draws italics), so every ``$`` is escaped;
    matplotlib draws ``\\$`` as ``$``. Every word, label and title we draw goes through it."""
    return str(text).replace("$", r"\$")


def _matplotlib():
    return require("matplotlib", extra="plot", purpose="plots")


def _new_figure(figsize: tuple[float, float], dpi: float) -> Figure:
    """A figure on its own Agg canvas: no pyplot, no global backend, no window."""
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    _displayable(fig)
    return fig


def _displayable(fig: Figure) -> Figure:
    """Give a figure ``_repr_png_`` so Jupyter shows it inline without ``%matplotlib
    inline`` (IPython asks objects for ``_repr_png_``; a figure made without pyplot has no
    other way in). With the inline backend active its own formatter wins: one image.
    A ``partial`` of a module function, so the figure still pickles."""
    import functools

    fig._repr_png_ = functools.partial(to_png, fig)  # type: ignore[attr-defined]  # Jupyter's display hook
    return fig


def to_png(fig: Figure, *, dpi: float | None = None) -> bytes:
    """The figure as PNG bytes (for HTML reports, notebooks, web pages)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi if dpi is not None else fig.dpi)
    return buf.getvalue()


def _figure_of(ax: Axes) -> Figure:
    """The figure ``ax`` draws on. matplotlib's stubs say ``Figure | SubFigure``; a SubFigure
    draws, measures text and saves through the same calls, so it is used as a Figure."""
    return cast("Figure", ax.figure)


def _figure_and_axes(
    ax: Axes | None,
    figsize: tuple[float, float],
    dpi: float,
    layout: Literal["constrained", "compressed", "tight", "none"] | None = None,
) -> tuple[Figure, Axes]:
    if ax is not None:
        return _figure_of(ax), ax
    fig = _new_figure(figsize, dpi)
    if layout is not None:
        fig.set_layout_engine(layout)
    return fig, fig.add_subplot(1, 1, 1)


def _check_figsize(figsize: Any) -> tuple[float, float]:
    try:
        w, h = (float(x) for x in figsize)
    except (TypeError, ValueError):
        raise ParameterError(
            f"figsize must be (width, height) in inches, got {figsize!r}"
        ) from None
    if not (w > 0 and h > 0):
        raise ParameterError(f"figsize must be positive, got {figsize!r}")
    return w, h


def _renderer(fig: Figure):
    canvas = fig.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # pragma: no cover

    return FigureCanvasAgg(fig).get_renderer()  # pragma: no cover


def save(fig: Figure, path: str | os.PathLike, *, dpi: float | None = None) -> str:
    """Write a figure as PNG, SVG or PDF, chosen by the file's extension; returns the path.

    The figure keeps its size (no tight cropping), so ``figsize * dpi`` is the PNG's size.
    """
    from wordspace._files import atomic_path

    path = os.fspath(path)
    ext = image_format(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=ext, dpi=dpi if dpi is not None else fig.dpi)
    return path


def image_format(path: str | os.PathLike) -> str:
    """``"png"``, ``"svg"`` or ``"pdf"`` from the file name; raises :class:`ParameterError`
    for other extensions or a folder that does not exist, and
    :class:`~wordspace.errors.OutputPathError` when the path is a folder or a special file
    (check before long work)."""
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in SAVE_FORMATS:
        raise ParameterError(
            f"cannot tell the image format of {path!r}: use a .png, .svg or .pdf file name"
        )
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ParameterError(f"the folder {parent!r} does not exist; create it first")
    from wordspace._files import check_output

    check_output(path, layout="file")
    return ext


def _has_word_char(w: str) -> bool:
    return any(ch.isalnum() for ch in w)


def _has_counts(wv: WordVectors) -> bool:
    """True when the vectors carry word counts that say something (not all equal)."""
    c = wv.counts
    return c is not None and len(c) > 0 and int(np.min(c)) != int(np.max(c))


def _finite_values(wv: WordVectors) -> np.ndarray | None:
    if "values" not in wv.extras:
        return None
    return np.asarray(wv.extras["values"], dtype=np.float64)


def sample_words(wv: WordVectors, n: int, *, how: str = "auto") -> tuple[list[str], str]:
    """``n`` words that show what a model holds, and a phrase saying how they were chosen.

    ``how``: ``"frequent"`` (by count when the vectors have counts, else in storage order,
    which is frequency order for trained and most published models), ``"spread"`` (evenly
    over the sorted per-word values of a ValueVec model), or ``"auto"``: by count where
    counts exist (and differ), else spread over the values for value models, else storage
    order. Pure punctuation ("," "--") is left out. Returns ``(words, description)``, e.g.
    ``(["red", ...], "most frequent words")`` or ``"words spread over the value range"``.
    """
    n = int(n)
    if n < 1:
        raise ParameterError(f"n must be at least 1, got {n}")
    if how not in ("auto", "frequent", "spread"):
        raise ParameterError(f"how must be 'auto', 'frequent' or 'spread'; got {how!r}")
    vals = _finite_values(wv)
    if how == "spread" and vals is None:
        raise ParameterError("how='spread' needs per-word values (a ValueVec model)")
    keys = wv.index_to_key
    ok = np.fromiter((_has_word_char(w) for w in keys), dtype=bool, count=len(keys))
    if how == "spread" or (how == "auto" and vals is not None and not _has_counts(wv)):
        assert vals is not None
        cand = np.flatnonzero(ok & np.isfinite(vals))
        cand = cand[np.argsort(vals[cand], kind="stable")]
        if len(cand) > n:
            pick = np.unique(np.round(np.linspace(0, len(cand) - 1, n)).astype(np.int64))
            cand = cand[pick]
        return [keys[i] for i in cand], "words spread over the value range"
    cand = np.flatnonzero(ok)
    if _has_counts(wv):
        assert wv.counts is not None
        cand = cand[np.argsort(-np.asarray(wv.counts)[cand], kind="stable")]
    return [keys[i] for i in cand[:n]], "most frequent words"


def _select_words(wv: WordVectors, words: Sequence[str] | None, top: int) -> list[str]:
    return _select_words_how(wv, words, top)[0]


def _select_words_how(
    wv: WordVectors, words: Sequence[str] | None, top: int
) -> tuple[list[str], str]:
    what = "words"
    if words is None:
        if int(top) < 3:
            raise ParameterError(f"top must be at least 3 words, got {top}")
        chosen, what = sample_words(wv, int(top))
    else:
        if isinstance(words, str):
            raise ParameterError("words must be a list of words, not one string")
        seen: set[str] = set()
        chosen = []
        for w in words:
            if w not in seen:
                seen.add(w)
                chosen.append(w)
        missing = wv.missing(chosen)
        if missing:
            warnings.warn(
                f"{len(missing)} word(s) not in the vocabulary are left out of the map: "
                + ", ".join(repr(m) for m in missing[:10])
                + (" ..." if len(missing) > 10 else ""),
                stacklevel=3,
            )
            chosen = [w for w in chosen if w in wv.key_to_index]
    if len(chosen) < 3:
        raise ParameterError(f"a map needs at least 3 words in the vocabulary, got {len(chosen)}")
    return chosen, what


def project(
    vectors: np.ndarray, method: str = "pca", seed: int = 0, *, perplexity: float | None = None
) -> np.ndarray:
    """Project row vectors (cosine geometry: rows are unit-normalised) to 2-D.

    ``method`` is ``"pca"``, ``"tsne"`` (scikit-learn) or ``"umap"`` (umap-learn).
    """
    if method not in METHODS:
        raise ParameterError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 3:
        raise ParameterError(f"need at least 3 vectors to project, got shape {x.shape}")
    bad = ~np.isfinite(x).all(axis=1)
    if bad.any():
        raise ParameterError(
            f"{int(bad.sum()):,} of the {x.shape[0]:,} vectors to project hold NaN or infinity "
            f"(the first is row {int(np.argmax(bad))}); a map needs finite vectors: leave those "
            "words out or fix the model"
        )
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x = x / np.where(norms > 0, norms, 1.0)
    n = x.shape[0]
    if method == "pca":
        xc = x - x.mean(axis=0)
        # SVD, with signs fixed so the picture does not flip between runs or platforms
        u, s, vt = np.linalg.svd(xc, full_matrices=False)
        k = min(2, vt.shape[0])
        signs = np.sign(vt[:k, np.argmax(np.abs(vt[:k]), axis=1)].diagonal())
        signs[signs == 0] = 1
        out = np.zeros((n, 2))
        out[:, :k] = xc @ (vt[:k].T * signs)
        return out
    if method == "tsne":
        TSNE = require(
            "sklearn.manifold", extra="plot", purpose="t-SNE maps", package="scikit-learn"
        ).TSNE
        perp = perplexity if perplexity is not None else max(2.0, min(30.0, (n - 1) / 3.0))
        if perp >= n:
            raise ParameterError(
                f"perplexity ({perp}) must be smaller than the number of words ({n})"
            )
        tsne = TSNE(
            n_components=2,
            perplexity=perp,
            init="pca",
            random_state=seed,
            metric="cosine",
            learning_rate="auto",
        )
        return tsne.fit_transform(x.astype(np.float32)).astype(np.float64)
    umap = require("umap", extra="umap", purpose="UMAP maps", package="umap-learn")
    reducer = umap.UMAP(
        n_components=2, n_neighbors=max(2, min(15, n - 1)), metric="cosine", random_state=seed
    )
    return np.asarray(reducer.fit_transform(x), dtype=np.float64)


def place_labels(
    ax: Axes,
    xy: np.ndarray,
    labels: Sequence[str],
    *,
    fontsize: float = 8.0,
    order: Sequence[int] | None = None,
    max_labels: int | None = None,
    pad_px: float = 1.5,
    marker_px: float = 2.5,
    color: str | Sequence[str] = "#222222",
    away_from: Sequence[float] | None = None,
    force: bool = False,
    gap_pt: float = 3.0,
    **text_kw: Any,
) -> list[int]:
    """Greedy label placement: label points in ``order`` (most important first) at the
    first of eight offsets whose box overlaps no label placed so far, no other point (a
    ``marker_px`` square) and stays inside the axes; points with no free spot stay
    unlabelled. With ``away_from`` (a data point), offsets pointing away from it are tried
    first. ``force=True`` labels every point (at its first offset when none is free).
    Returns the indices labelled.

    Call this after the axes limits and the figure layout are final.
    """
    from matplotlib.font_manager import FontProperties

    fig = _figure_of(ax)
    renderer = _renderer(fig)
    prop = FontProperties(size=fontsize)
    px_per_pt = fig.dpi / 72.0
    gap = float(gap_pt) * px_per_pt
    pts = ax.transData.transform(np.asarray(xy, dtype=np.float64))
    bbox = ax.get_window_extent(renderer)
    x0, y0, x1, y1 = bbox.x0, bbox.y0, bbox.x1, bbox.y1
    placed = np.zeros((0, 4))
    r = float(marker_px)
    dots = np.column_stack([pts[:, 0] - r, pts[:, 1] - r, pts[:, 0] + r, pts[:, 1] + r])
    chosen: list[int] = []
    idxs = list(order) if order is not None else list(range(len(labels)))
    colors = [color] * len(labels) if isinstance(color, str) else list(color)
    # (dx sign, dy sign, horizontal alignment, vertical alignment); right of the point first
    spots = [
        (1, 1, "left", "bottom"),
        (1, -1, "left", "top"),
        (-1, 1, "right", "bottom"),
        (-1, -1, "right", "top"),
        (0, 1, "center", "bottom"),
        (0, -1, "center", "top"),
        (1, 0, "left", "center"),
        (-1, 0, "right", "center"),
    ]
    inv = ax.transData.inverted()
    _, lp_h, lp_d = renderer.get_text_width_height_descent("lp", prop, ismath=False)
    for i in idxs:
        if max_labels is not None and len(chosen) >= max_labels:
            break
        text = str(labels[i])
        w, h, d = renderer.get_text_width_height_descent(text, prop, ismath=False)
        h = max(h - d, lp_h - lp_d) + max(d, lp_d)  # as matplotlib lays out a line
        px, py = pts[i]
        tries = spots
        if away_from is not None:
            cx, cy = ax.transData.transform(np.asarray(away_from, dtype=np.float64))
            tries = sorted(
                spots,
                key=lambda sp: (
                    -(sp[0] * (px - cx) + sp[1] * (py - cy)) / (abs(sp[0]) + abs(sp[1])) ** 0.5
                ),
            )
        for k, (sx, sy, ha, va) in enumerate(tries):
            last = force and k == len(tries) - 1
            if last:
                sx, sy, ha, va = tries[0]
            left = px + sx * gap if sx > 0 else px - w - gap if sx < 0 else px - w / 2
            bottom = py + sy * gap * 0.6 if sy > 0 else py - h - gap * 0.6 if sy < 0 else py - h / 2
            box = np.array([left - pad_px, bottom - pad_px, left + w + pad_px, bottom + h + pad_px])
            if not last:
                if box[0] < x0 or box[1] < y0 or box[2] > x1 or box[3] > y1:
                    continue
                if len(placed) and np.any(
                    (placed[:, 0] < box[2])
                    & (placed[:, 2] > box[0])
                    & (placed[:, 1] < box[3])
                    & (placed[:, 3] > box[1])
                ):
                    continue
                hit = (
                    (dots[:, 0] < box[2])
                    & (dots[:, 2] > box[0])
                    & (dots[:, 1] < box[3])
                    & (dots[:, 3] > box[1])
                )
                hit[i] = False
                if hit.any():
                    continue
            placed = np.vstack([placed, box])
            ax_x = px + sx * gap if sx != 0 else px
            ax_y = py + sy * gap * 0.6 if sy != 0 else py
            tx, ty = inv.transform((ax_x, ax_y))
            ax.text(
                tx,
                ty,
                plain_text(text),
                fontsize=fontsize,
                ha=ha,
                va=va,
                color=colors[i],
                clip_on=True,
                **text_kw,
            )
            chosen.append(int(i))
            break
    return chosen


def _fit_limits(ax: Axes, xy: np.ndarray, margin: float = 0.06) -> None:
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    ax.set_xlim(lo[0] - margin * span[0], hi[0] + margin * span[0])
    ax.set_ylim(lo[1] - margin * span[1], hi[1] + margin * span[1])


def _style_map_axes(ax: Axes) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#bbbbbb")


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
