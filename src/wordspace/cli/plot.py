"""``wordspace plot ...``: figures to PNG, SVG or PDF."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from wordspace._files import read_bounded
from wordspace.cli._app import plot_app
from wordspace.cli._common import (
    CacheOpt,
    JsonOpt,
    check_output,
    default_output,
    emit_json,
    epilog,
    io,
    load,
)
from wordspace.cli.query import ModelArg
from wordspace.errors import FormatError, ParameterError

IMAGE_FORMATS = ("png", "svg", "pdf")

OutOpt = Annotated[
    str | None,
    typer.Option(
        "-o",
        "--output",
        help="Image file: .png, .svg or .pdf (default: next to the input, e.g. model.map.png).",
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", help="png | svg | pdf (default: by the output's extension, else png)."
    ),
]
PixelsOpt = Annotated[
    str | None, typer.Option("--pixels", help="Image size in pixels, WIDTHxHEIGHT (e.g. 1200x900).")
]
DpiOpt = Annotated[float, typer.Option(help="Dots per inch (PNG resolution).")]


def _output(source: str, kind: str, output: str | None, fmt: str | None) -> str:
    """The image path: ``-o``, else ``<input stem>.<kind>.<format>`` next to the input."""
    from wordspace.viz import plot

    if fmt is not None and fmt not in IMAGE_FORMATS:
        raise ParameterError(f"--format must be one of {', '.join(IMAGE_FORMATS)}; got {fmt!r}")
    if output is None:
        ext = "." + (fmt or "png")
        output = default_output(source, f".{kind}{ext}", Path(source).name + f".{kind}{ext}")
    ext = plot.image_format(output)
    if fmt is not None and ext != fmt:
        raise ParameterError(
            f"--format {fmt} does not match the output {output!r}; "
            f"name it .{fmt} or leave --format out"
        )
    check_output(output, layout="file", inputs={"MODEL": source})
    return output


def _word_list(spec: str | None) -> list[str] | None:
    """``--words``: a file (one word per line or separated by spaces; # comments) or a,b,c."""
    if spec is None:
        return None
    p = Path(spec)
    if p.is_file():
        words: list[str] = []
        try:
            with open(p, "rb") as f:
                text = read_bounded(f, p, error=ParameterError).decode("utf-8")
        except UnicodeDecodeError as e:
            raise ParameterError(f"--words {spec!r}: not UTF-8 text (byte {e.start})") from None
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            words.extend(line.replace(",", " ").split())
    else:
        words = [w.strip() for w in spec.split(",") if w.strip()]
    if not words:
        raise ParameterError(f"--words {spec!r} gives no words (a file, or words joined by commas)")
    return words


def _figsize(size: str | None, dpi: float, default: tuple[float, float]) -> tuple[float, float]:
    if not dpi > 0:
        raise ParameterError(f"--dpi must be positive, got {dpi}")
    if size is None:
        return default
    try:
        w, h = (int(x) for x in size.lower().split("x"))
    except ValueError:
        raise ParameterError(
            f"--pixels must be WIDTHxHEIGHT in pixels, e.g. 1200x900; got {size!r}"
        ) from None
    if w < 50 or h < 50:
        raise ParameterError(f"--pixels must be at least 50x50 pixels, got {size!r}")
    if w > 20000 or h > 20000:
        raise ParameterError(f"--pixels must be at most 20000x20000 pixels, got {size!r}")
    return (w / dpi, h / dpi)


def _saved(path: str, fig: Any, as_json: bool, **extra: Any) -> None:
    from wordspace.viz.plot import save

    save(fig, path)
    w, h = (int(round(x)) for x in fig.get_size_inches() * fig.dpi)
    if as_json:
        emit_json({"output": path, "width": w, "height": h, **extra})
    else:
        io.out.print(f"wrote {path} ({w}×{h})", markup=False)


@plot_app.command("map", epilog=epilog("wordspace plot map model.wsv -o map.png --top 100"))
def plot_map(
    path: ModelArg,
    output: OutOpt = None,
    fmt: FormatOpt = None,
    method: Annotated[str, typer.Option(help="pca | tsne | umap")] = "pca",
    words: Annotated[
        str | None, typer.Option(help="Words to map: a file, or a,b,c (default: --top).")
    ] = None,
    color_by: Annotated[str | None, typer.Option(help="value | cluster | none")] = None,
    top: Annotated[
        int,
        typer.Option(
            help="Map N words: the most frequent, or for value models without counts N spread "
            "over the values (the title says which)."
        ),
    ] = 500,  # ws.plot.map's default
    clusters: Annotated[int, typer.Option(help="KMeans clusters for --color-by cluster.")] = 8,
    cmap: Annotated[
        str | None, typer.Option(help="matplotlib colour map (e.g. viridis, rainbow, tab10).")
    ] = None,
    annotate: Annotated[
        bool, typer.Option("--annotate/--no-annotate", help="Label the points.")
    ] = True,
    seed: Annotated[int, typer.Option(help="Seed for t-SNE, UMAP and KMeans.")] = 0,
    title: Annotated[str | None, typer.Option(help="Figure title.")] = None,
    pixels: PixelsOpt = None,
    dpi: DpiOpt = 100.0,
    as_json: JsonOpt = False,
    cache: CacheOpt = True,
) -> None:
    """A 2-D map of words (PCA, t-SNE or UMAP), optionally coloured by value or cluster."""
    from wordspace.viz import plot

    output = _output(path, "map", output, fmt)
    figsize = _figsize(pixels, dpi, (12.0, 9.0))
    wv = load(path, cache=cache)
    if color_by in ("none", ""):
        color_by = None
    fig = plot.map(
        wv,
        words=_word_list(words),
        method=method,
        color_by=color_by,
        top=top,
        annotate=annotate,
        seed=seed,
        figsize=figsize,
        dpi=dpi,
        n_clusters=clusters,
        cmap=cmap,
        title=title,
    )
    _saved(output, fig, as_json, method=method)


@plot_app.command(
    "heatmap",
    epilog=epilog("wordspace plot heatmap model.wsv --words king,queen,man,woman -o heatmap.svg"),
)
def plot_heatmap(
    path: ModelArg,
    words: Annotated[str, typer.Option(help="Words: a file, or a,b,c.")],
    output: OutOpt = None,
    fmt: FormatOpt = None,
    title: Annotated[str | None, typer.Option(help="Figure title.")] = None,
    pixels: PixelsOpt = None,
    dpi: DpiOpt = 100.0,
    as_json: JsonOpt = False,
    cache: CacheOpt = True,
) -> None:
    """A heatmap of the cosine similarities between words."""
    from wordspace.viz import plot

    output = _output(path, "heatmap", output, fmt)
    wl = _word_list(words) or []
    figsize = _figsize(pixels, dpi, (0, 0)) if pixels else None
    if not dpi > 0:
        raise ParameterError(f"--dpi must be positive, got {dpi}")
    wv = load(path, cache=cache)
    fig = plot.similarity_heatmap(wv, wl, figsize=figsize, dpi=dpi, title=title)
    _saved(output, fig, as_json)


@plot_app.command(
    "analogy", epilog=epilog("wordspace plot analogy model.wsv king man woman -o analogy.png")
)
def plot_analogy(
    path: ModelArg,
    a: Annotated[str, typer.Argument(help="a in a − b + c (e.g. king)")],
    b: Annotated[str, typer.Argument(help="b (e.g. man)")],
    c: Annotated[str, typer.Argument(help="c (e.g. woman)")],
    output: OutOpt = None,
    fmt: FormatOpt = None,
    n: Annotated[
        int, typer.Option("-n", "--topn", help="Neighbours of each word drawn in grey.")
    ] = 6,
    pixels: PixelsOpt = None,
    dpi: DpiOpt = 100.0,
    as_json: JsonOpt = False,
    cache: CacheOpt = True,
) -> None:
    """The analogy a − b + c ≈ d as a parallelogram in a 2-D PCA of the neighbourhood."""
    from wordspace.viz import plot

    output = _output(path, "analogy", output, fmt)
    figsize = _figsize(pixels, dpi, (8.0, 7.0))
    wv = load(path, cache=cache)
    fig = plot.analogy(wv, a, b, c, figsize=figsize, dpi=dpi, n=n)
    _saved(output, fig, as_json)


@plot_app.command("curve", epilog=epilog("wordspace plot curve model.wsv -o curve.png --logy"))
def plot_curve(
    path: Annotated[
        str,
        typer.Argument(
            help="A saved model (.wsv) whose metadata holds per-epoch histories "
            '(loss_history ...), or a JSON file {"loss_history": [...]}.'
        ),
    ],
    output: OutOpt = None,
    fmt: FormatOpt = None,
    logy: Annotated[bool, typer.Option("--logy/--no-logy", help="Logarithmic y axis.")] = False,
    pixels: PixelsOpt = None,
    dpi: DpiOpt = 100.0,
    as_json: JsonOpt = False,
    cache: CacheOpt = True,
) -> None:
    """Training curve: loss (and other per-epoch histories) against the epoch."""
    from wordspace.viz import plot

    output = _output(path, "curve", output, fmt)
    figsize = _figsize(pixels, dpi, (8.0, 4.5))
    if path.lower().endswith(".json"):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ParameterError(f"PATH {path!r} does not exist") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise FormatError(f"{path} is not valid JSON: {e}") from None
        source: Any = data if isinstance(data, dict) else {"loss_history": data}
    else:
        source = load(path, cache=cache)
    fig = plot.training_curve(source, figsize=figsize, dpi=dpi, logy=logy)
    _saved(output, fig, as_json)
