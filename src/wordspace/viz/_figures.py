"""The plumbing under :mod:`wordspace.viz.plot`: figures without pyplot, saving, choosing and
projecting words, and placing labels that do not overlap."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np

from wordspace._optional import require
from wordspace.errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from wordspace.vectors.keyed import WordVectors

logger = logging.getLogger(__name__)

METHODS = ("pca", "tsne", "umap")
SAVE_FORMATS = ("png", "svg", "pdf")
_POINT = "#3b6ea5"
_HIGHLIGHT = "#c0392b"


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
    A missing folder is created, as every wordspace writer does (models, reports); the save
    is atomic and never replaces a folder or a special file.
    """
    from wordspace._files import atomic_path

    path = os.fspath(path)
    ext = image_format(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=ext, dpi=dpi if dpi is not None else fig.dpi)
    return path


def image_format(path: str | os.PathLike) -> str:
    """``"png"``, ``"svg"`` or ``"pdf"`` from the file name; raises :class:`ParameterError`
    for other extensions, and :class:`~wordspace.errors.OutputPathError` when the path is a
    folder or a special file, or lies under a file or a folder that cannot be written (check
    before long work). A missing folder is not an error: :func:`save` creates it."""
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in SAVE_FORMATS:
        raise ParameterError(
            f"cannot tell the image format of {path!r}: use a .png, .svg or .pdf file name"
        )
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
