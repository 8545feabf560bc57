"""The ``wordspace`` command: one sub-command per job.

User errors (unknown word, bad file, bad parameter) print one line and exit with status 2;
``--json`` prints machine-readable output instead of rich tables.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from .errors import WordspaceError

app = typer.Typer(
    name="wordspace",
    help="Word embeddings: train, load, query, compare, evaluate and plot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
train_app = typer.Typer(help="Train embeddings (word2vec, glove, valuevec).", no_args_is_help=True)
app.add_typer(train_app, name="train")

console = Console()
err_console = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def emit_json(obj: Any) -> None:
    """Print one JSON document on stdout (no rich markup)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _load(path: str, mmap: bool = True):
    from .pretrained import load

    return load(path, mmap=mmap)


def neighbours_table(title: str, rows: list[tuple[str, float]], value_name: str = "cosine") -> Table:
    t = Table(title=title)
    t.add_column("#", justify="right", style="dim")
    t.add_column("word", style="bold")
    t.add_column(value_name, justify="right")
    for i, (w, s) in enumerate(rows, 1):
        t.add_row(str(i), w, f"{s:.4f}")
    return t


@contextmanager
def progress_bar(description: str, total: float | None = None) -> Iterator[Callable[..., None]]:
    """A rich progress bar; yields ``update(done, total=None, **fields)`` for trainers'
    progress callbacks (fields such as words_per_sec, alpha, loss are shown after the bar)."""
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=err_console, transient=False) as prog:
        task = prog.add_task(description, total=total, info="")

        def update(done: float, total: float | None = None, **fields: Any) -> None:
            info = "  ".join(
                f"{k}={v:,.4g}" if isinstance(v, float) else f"{k}={v:,}" if isinstance(v, int)
                else f"{k}={v}"
                for k, v in fields.items()
            )
            kw: dict[str, Any] = {"completed": done, "info": info}
            if total is not None:
                kw["total"] = total
            prog.update(task, **kw)

        yield update


# ---------------------------------------------------------------------------- commands
@app.command()
def info(
    path: Annotated[str, typer.Argument(help="Vector file (any format) or known model name.")],
    as_json: JsonOpt = False,
) -> None:
    """Vocabulary size, dimension, format and a summary of the vector norms."""
    from .formats import detect_format

    fmt = detect_format(path) if Path(path).exists() else "package"
    wv = _load(path)
    ns = wv.norms_summary()
    data = {
        "path": path,
        "format": fmt,
        "words": len(wv),
        "dimension": wv.vector_size,
        "has_counts": wv.counts is not None,
        "extras": sorted(wv.extras),
        "norms": ns,
        "first_words": wv.index_to_key[:10],
    }
    if as_json:
        emit_json(data)
        return
    t = Table(title=f"{path}", show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    t.add_row("format", fmt)
    t.add_row("words", f"{len(wv):,}")
    t.add_row("dimension", str(wv.vector_size))
    t.add_row("counts", "yes" if wv.counts is not None else "no")
    if wv.extras:
        t.add_row("extra arrays", ", ".join(sorted(wv.extras)))
    t.add_row(
        "norms", f"min {ns['min']:.3f}  median {ns['median']:.3f}  mean {ns['mean']:.3f}  "
        f"max {ns['max']:.3f}  zero {ns['zero']}"
    )
    t.add_row("first words", " ".join(wv.index_to_key[:10]))
    console.print(t)


@app.command()
def similar(
    path: Annotated[str, typer.Argument(help="Vector file or model name.")],
    words: Annotated[list[str], typer.Argument(help="One or more words (neighbours of each).")],
    n: Annotated[int, typer.Option("-n", "--topn", help="How many neighbours.")] = 10,
    restrict_vocab: Annotated[
        int | None, typer.Option(help="Search only the N most frequent words.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Nearest neighbours of words (cosine similarity)."""
    wv = _load(path)
    results = {w: wv.most_similar(w, topn=n, restrict_vocab=restrict_vocab) for w in words}
    if as_json:
        emit_json({w: [{"word": k, "cosine": s} for k, s in r] for w, r in results.items()})
        return
    for w, r in results.items():
        console.print(neighbours_table(f"nearest to {w!r}", r))


@app.command()
def analogy(
    path: Annotated[str, typer.Argument(help="Vector file or model name.")],
    a: Annotated[str, typer.Argument(help="a in a − b + c (e.g. king)")],
    b: Annotated[str, typer.Argument(help="b in a − b + c (e.g. man)")],
    c: Annotated[str, typer.Argument(help="c in a − b + c (e.g. woman)")],
    n: Annotated[int, typer.Option("-n", "--topn")] = 10,
    method: Annotated[str, typer.Option(help="3cosadd or 3cosmul")] = "3cosadd",
    restrict_vocab: Annotated[int | None, typer.Option()] = None,
    as_json: JsonOpt = False,
) -> None:
    """Analogies: a − b + c (king man woman → queen)."""
    from .errors import ParameterError

    wv = _load(path)
    if method == "3cosadd":
        r = wv.most_similar(positive=[a, c], negative=[b], topn=n, restrict_vocab=restrict_vocab)
    elif method == "3cosmul":
        r = wv.most_similar_cosmul(positive=[a, c], negative=[b], topn=n,
                                   restrict_vocab=restrict_vocab)
    else:
        raise ParameterError(f"method must be 3cosadd or 3cosmul, got {method!r}")
    if as_json:
        emit_json({"query": {"a": a, "b": b, "c": c, "method": method},
                   "results": [{"word": k, "score": s} for k, s in r]})
        return
    console.print(neighbours_table(f"{a} − {b} + {c}  ({method})", r, "score"))


@app.command()
def similarity(
    path: Annotated[str, typer.Argument(help="Vector file or model name.")],
    words: Annotated[list[str], typer.Argument(help="Two words, or more for a matrix.")],
    as_json: JsonOpt = False,
) -> None:
    """Cosine similarity of two words (or the matrix of several)."""
    from .errors import ParameterError

    if len(words) < 2:
        raise ParameterError("give at least two words")
    wv = _load(path)
    if len(words) == 2:
        s = wv.similarity(words[0], words[1])
        if as_json:
            emit_json({"word1": words[0], "word2": words[1], "cosine": s})
        else:
            console.print(f"cosine({words[0]}, {words[1]}) = [bold]{s:.4f}[/bold]")
        return
    m = wv.similarity_matrix(words)
    if as_json:
        emit_json({"words": words, "matrix": m.values.tolist()})
        return
    t = Table(title="cosine similarity")
    t.add_column("")
    for w in words:
        t.add_column(w, justify="right")
    for w, row in zip(words, m.values, strict=True):
        t.add_row(w, *(f"{x:.3f}" for x in row))
    console.print(t)


_CONVERT_TARGETS = ("native", "word2vec", "word2vec-binary", "glove")


@app.command()
def convert(
    src: Annotated[str, typer.Argument(help="Input vectors (any format) or model name.")],
    dst: Annotated[str, typer.Argument(help="Output path.")],
    to: Annotated[
        str | None,
        typer.Option(help="native | word2vec | word2vec-binary | glove (default: by extension: "
                     ".wsv/.zip/dir native, .bin binary, else word2vec text)"),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N words.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Convert between formats (word2vec text/binary, GloVe text, fastText .vec, native)."""
    from .errors import ParameterError
    from .pretrained import load

    if to is None:
        name = dst.lower()
        for comp in (".gz", ".bz2", ".xz"):
            name = name.removesuffix(comp)
        if name.endswith((".wsv", ".zip")) or Path(dst).is_dir():
            to = "native"
        elif name.endswith(".bin"):
            to = "word2vec-binary"
        else:
            to = "word2vec"
    if to not in _CONVERT_TARGETS:
        raise ParameterError(f"--to must be one of {', '.join(_CONVERT_TARGETS)}; got {to!r}")
    wv = load(src, limit=limit)
    if to == "native":
        wv.save(dst)
    else:
        wv.save_word2vec_format(dst, binary=to == "word2vec-binary", write_header=to != "glove")
    if as_json:
        emit_json({"src": src, "dst": dst, "format": to, "words": len(wv),
                   "dimension": wv.vector_size})
    else:
        console.print(f"wrote {len(wv):,} × {wv.vector_size} vectors to {dst} ({to})")


# ---------------------------------------------- evaluation and text similarity (evaltext)
@app.command("eval")
def eval_(
    path: Annotated[str, typer.Argument(help="Vector file or model name.")],
    analogies: Annotated[
        str | None, typer.Option(help="Analogy file (': section' + 'a b c d' lines); "
                                 "default: the bundled Google questions-words.txt.")
    ] = None,
    pairs: Annotated[
        str | None, typer.Option(help="Word-pair file (word1<TAB>word2<TAB>score); "
                                 "default: the bundled WordSim353.")
    ] = None,
    restrict_vocab: Annotated[
        int, typer.Option(help="Use only the N most frequent words (as gensim).")
    ] = 300000,
    method: Annotated[str, typer.Option(help="3cosadd or 3cosmul")] = "3cosadd",
    case_sensitive: Annotated[
        bool, typer.Option("--case-sensitive", help="Do not uppercase words (gensim: "
                           "case_insensitive=False).")
    ] = False,
    dummy4unknown: Annotated[
        bool, typer.Option("--dummy4unknown", help="Count OOV questions as wrong / pairs as 0.")
    ] = False,
    skip_analogies: Annotated[bool, typer.Option("--no-analogies")] = False,
    skip_pairs: Annotated[bool, typer.Option("--no-pairs")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Analogy accuracy per section and word-pair correlations (gensim's figures)."""
    from .evaluate import evaluate_word_analogies, evaluate_word_pairs

    wv = _load(path)
    out: dict[str, Any] = {"model": path, "words": len(wv), "restrict_vocab": restrict_vocab}
    res_a = res_p = None
    if not skip_analogies:
        if as_json:
            res_a = evaluate_word_analogies(
                wv, analogies, restrict_vocab=restrict_vocab, case_insensitive=not case_sensitive,
                dummy4unknown=dummy4unknown, method=method)
        else:
            with progress_bar("analogies (vocabulary rows)") as update:
                res_a = evaluate_word_analogies(
                    wv, analogies, restrict_vocab=restrict_vocab,
                    case_insensitive=not case_sensitive, dummy4unknown=dummy4unknown,
                    method=method, progress=update)
        out["analogies"] = res_a.to_dict()
    if not skip_pairs:
        res_p = evaluate_word_pairs(wv, pairs, restrict_vocab=restrict_vocab,
                                    case_insensitive=not case_sensitive,
                                    dummy4unknown=dummy4unknown)
        out["pairs"] = res_p.to_dict()
    if as_json:
        emit_json(out)
        return
    if res_a is not None:
        t = Table(title=f"analogies: {Path(res_a.path).name}  ({res_a.method}, "
                  f"restrict_vocab={restrict_vocab:,})")
        t.add_column("section")
        t.add_column("correct", justify="right")
        t.add_column("questions", justify="right")
        t.add_column("accuracy", justify="right")
        rows = res_a.summary()
        for i, row in enumerate(rows):
            style = "bold" if i == len(rows) - 1 else None
            t.add_row(row["section"], f"{row['correct']:,}", f"{row['total']:,}",
                      f"{row['accuracy']:.4f}", style=style, end_section=i == len(rows) - 2)
        t.caption = (f"{res_a.n_oov:,} of {res_a.n_questions:,} questions "
                     f"({res_a.oov_ratio:.1f}%) had out-of-vocabulary words"
                     f"{' (counted wrong)' if dummy4unknown else ' (skipped)'}; "
                     f"{res_a.seconds:.2f} s")
        console.print(t)
    if res_p is not None:
        t = Table(title=f"word pairs: {Path(res_p.path).name}")
        t.add_column("Pearson", justify="right")
        t.add_column("Spearman", justify="right")
        t.add_column("pairs", justify="right")
        t.add_column("OOV", justify="right")
        t.add_row(f"{res_p.pearson[0]:.4f}", f"{res_p.spearman[0]:.4f}", f"{res_p.n_pairs:,}",
                  f"{res_p.n_oov:,} ({res_p.oov_ratio:.1f}%)")
        console.print(t)


def _read_sif_corpus(path: str | None) -> list[str] | None:
    if path is None:
        return None
    with open(path, encoding="utf8") as f:
        return [line for line in (ln.strip() for ln in f) if line]


@app.command()
def compare(
    path: Annotated[str, typer.Argument(help="Vector file or model name.")],
    text1: Annotated[str, typer.Argument(help="First text (normalised and tokenised).")],
    text2: Annotated[str, typer.Argument(help="Second text.")],
    method: Annotated[str, typer.Option(help="wmd (distance), mean or sif (cosine).")] = "wmd",
    corpus: Annotated[
        str | None, typer.Option(help="For sif: sentences (one per line) to fit the common "
                                 "component on; without it only the SIF weights are used.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Compare two texts: Word Mover's Distance or cosine of mean / SIF vectors."""
    from .textsim import SIF, doc_tokens, text_similarity

    wv = _load(path)
    sif = None
    if method == "sif" and corpus is not None:
        sif = SIF(wv).fit(_read_sif_corpus(corpus) or [])
    score = text_similarity(wv, text1, text2, method, sif=sif)
    oov1, oov2 = wv.oov_tokens(text1), wv.oov_tokens(text2)
    kind = "distance" if method == "wmd" else "cosine"
    if as_json:
        emit_json({"method": method, kind: score, "tokens1": doc_tokens(text1),
                   "tokens2": doc_tokens(text2), "oov1": oov1, "oov2": oov2})
        return
    t = Table(title=f"{method} {kind}", show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    t.add_row("text 1", " ".join(doc_tokens(text1)))
    t.add_row("text 2", " ".join(doc_tokens(text2)))
    if oov1 or oov2:
        t.add_row("dropped (OOV)", f"{', '.join(oov1) or '-'}  |  {', '.join(oov2) or '-'}")
    t.add_row(kind, f"[bold]{score:.4f}[/bold]")
    console.print(t)


@app.command()
def rank(
    path: Annotated[str, typer.Argument(help="Vector file or model name.")],
    query_file: Annotated[str, typer.Argument(help="File holding the query text.")],
    docs_file: Annotated[str, typer.Argument(help="Documents, one per line.")],
    method: Annotated[str, typer.Option(help="wmd (RWMD-pruned), mean or sif.")] = "wmd",
    n: Annotated[int, typer.Option("-n", "--topn", help="How many documents.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Rank the documents of a file (one per line) against a query."""
    import time

    from .textsim import rank_documents

    wv = _load(path)
    with open(query_file, encoding="utf8") as f:
        query = " ".join(f.read().split())
    with open(docs_file, encoding="utf8") as f:
        docs = [line.rstrip("\n") for line in f]
    t0 = time.perf_counter()
    ranked = rank_documents(wv, query, docs, method=method, topn=n)
    secs = time.perf_counter() - t0
    kind = "distance" if method == "wmd" else "cosine"
    if as_json:
        emit_json({"method": method, "documents": len(docs), "seconds": secs,
                   "results": [{"rank": i, "line": r.index + 1, kind: r.score,
                                "text": docs[r.index]} for i, r in enumerate(ranked, 1)]})
        return
    t = Table(title=f"{len(docs):,} documents ranked by {method} {kind} ({secs:.2f} s)")
    t.add_column("#", justify="right", style="dim")
    t.add_column("line", justify="right")
    t.add_column(kind, justify="right")
    t.add_column("document", overflow="ellipsis", no_wrap=True, max_width=80)
    for i, r in enumerate(ranked, 1):
        t.add_row(str(i), str(r.index + 1), f"{r.score:.4f}", docs[r.index])
    console.print(t)


# ---------------------------------------------------------- plot, export, explore (issue 7)
plot_app = typer.Typer(help="Draw figures (map, heatmap, analogy, curve) to PNG/SVG/PDF.",
                       no_args_is_help=True)
app.add_typer(plot_app, name="plot")
export_app = typer.Typer(help="Export vectors for other tools (projector).", no_args_is_help=True)
app.add_typer(export_app, name="export")

OutOpt = Annotated[str, typer.Option("-o", "--output", help="Image file: .png, .svg or .pdf.")]
SizeOpt = Annotated[
    str | None, typer.Option("--size", help="Image size in pixels, WIDTHxHEIGHT (e.g. 1200x900).")
]
DpiOpt = Annotated[float, typer.Option(help="Dots per inch (PNG resolution).")]


def _word_list(spec: str | None) -> list[str] | None:
    """``--words``: a file (one word per line or separated by spaces; # comments) or a,b,c."""
    if spec is None:
        return None
    p = Path(spec)
    if p.is_file():
        words: list[str] = []
        for line in p.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            words.extend(line.replace(",", " ").split())
    else:
        words = [w.strip() for w in spec.split(",") if w.strip()]
    if not words:
        from .errors import ParameterError

        raise ParameterError(f"--words {spec!r} gives no words (a file, or words joined by commas)")
    return words


def _figsize(size: str | None, dpi: float, default: tuple[float, float]) -> tuple[float, float]:
    from .errors import ParameterError

    if dpi <= 0:
        raise ParameterError(f"--dpi must be positive, got {dpi}")
    if size is None:
        return default
    try:
        w, h = (int(x) for x in size.lower().split("x"))
    except ValueError:
        raise ParameterError(
            f"--size must be WIDTHxHEIGHT in pixels, e.g. 1200x900; got {size!r}"
        ) from None
    if w < 50 or h < 50:
        raise ParameterError(f"--size must be at least 50x50 pixels, got {size!r}")
    return (w / dpi, h / dpi)


def _saved(path: str, fig: Any, as_json: bool, **extra: Any) -> None:
    from .plot import save

    save(fig, path)
    w, h = (int(round(x)) for x in fig.get_size_inches() * fig.dpi)
    if as_json:
        emit_json({"output": path, "width": w, "height": h, **extra})
    else:
        console.print(f"wrote {path} ({w}×{h})")


@plot_app.command("map")
def plot_map(
    path: Annotated[str, typer.Argument(help="Vector file or model name.")],
    output: OutOpt,
    method: Annotated[str, typer.Option(help="pca | tsne | umap")] = "pca",
    words: Annotated[
        str | None, typer.Option(help="Words to map: a file, or a,b,c (default: --top).")
    ] = None,
    color_by: Annotated[str | None, typer.Option(help="value | cluster")] = None,
    top: Annotated[int, typer.Option(help="Map the N most frequent words.")] = 300,
    clusters: Annotated[int, typer.Option(help="KMeans clusters for --color-by cluster.")] = 8,
    cmap: Annotated[
        str | None, typer.Option(help="matplotlib colour map (e.g. viridis, rainbow, tab10).")
    ] = None,
    annotate: Annotated[bool, typer.Option(help="Label the points.")] = True,
    seed: Annotated[int, typer.Option(help="Seed for t-SNE, UMAP and KMeans.")] = 0,
    title: Annotated[str | None, typer.Option(help="Figure title.")] = None,
    size: SizeOpt = None,
    dpi: DpiOpt = 100.0,
    as_json: JsonOpt = False,
) -> None:
    """A 2-D map of words (PCA, t-SNE or UMAP), optionally coloured by value or cluster."""
    from . import plot

    plot.image_format(output)
    figsize = _figsize(size, dpi, (12.0, 9.0))
    wv = _load(path)
    if color_by in ("none", ""):
        color_by = None
    fig = plot.map(wv, words=_word_list(words), method=method, color_by=color_by, top=top,
                   annotate=annotate, seed=seed, figsize=figsize, dpi=dpi, n_clusters=clusters,
                   cmap=cmap, title=title)
    _saved(output, fig, as_json, method=method)


@plot_app.command("heatmap")
def plot_heatmap(
    path: Annotated[str, typer.Argument(help="Vector file or model name.")],
    output: OutOpt,
    words: Annotated[str, typer.Option(help="Words: a file, or a,b,c.")],
    title: Annotated[str | None, typer.Option(help="Figure title.")] = None,
    size: SizeOpt = None,
    dpi: DpiOpt = 100.0,
    as_json: JsonOpt = False,
) -> None:
    """A heatmap of the cosine similarities between words."""
    from . import plot

    plot.image_format(output)
    wl = _word_list(words) or []
    figsize = _figsize(size, dpi, (0, 0)) if size else None
    wv = _load(path)
    fig = plot.similarity_heatmap(wv, wl, figsize=figsize, dpi=dpi, title=title)
    _saved(output, fig, as_json)


@plot_app.command("analogy")
def plot_analogy(
    path: Annotated[str, typer.Argument(help="Vector file or model name.")],
    a: Annotated[str, typer.Argument(help="a in a − b + c (e.g. king)")],
    b: Annotated[str, typer.Argument(help="b (e.g. man)")],
    c: Annotated[str, typer.Argument(help="c (e.g. woman)")],
    output: OutOpt,
    n: Annotated[int, typer.Option("-n", help="Neighbours of each word drawn in grey.")] = 6,
    size: SizeOpt = None,
    dpi: DpiOpt = 100.0,
    as_json: JsonOpt = False,
) -> None:
    """The analogy a − b + c ≈ d as a parallelogram in a 2-D PCA of the neighbourhood."""
    from . import plot

    plot.image_format(output)
    figsize = _figsize(size, dpi, (8.0, 7.0))
    wv = _load(path)
    fig = plot.analogy(wv, a, b, c, figsize=figsize, dpi=dpi, n=n)
    _saved(output, fig, as_json)


@plot_app.command("curve")
def plot_curve(
    path: Annotated[str, typer.Argument(
        help="A saved model (.wsv) whose metadata holds per-epoch histories "
             "(loss_history ...), or a JSON file {\"loss_history\": [...]}.")],
    output: OutOpt,
    logy: Annotated[bool, typer.Option(help="Logarithmic y axis.")] = False,
    size: SizeOpt = None,
    dpi: DpiOpt = 100.0,
    as_json: JsonOpt = False,
) -> None:
    """Training curve: loss (and other per-epoch histories) against the epoch."""
    from . import plot
    from .errors import FormatError

    plot.image_format(output)
    figsize = _figsize(size, dpi, (8.0, 4.5))
    if path.lower().endswith(".json"):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise FormatError(f"{path} is not valid JSON: {e}") from None
        source: Any = data if isinstance(data, dict) else {"loss_history": data}
    else:
        source = _load(path)
    fig = plot.training_curve(source, figsize=figsize, dpi=dpi, logy=logy)
    _saved(output, fig, as_json)


@export_app.command("projector")
def export_projector_cmd(
    path: Annotated[str, typer.Argument(help="Vector file or model name.")],
    directory: Annotated[str, typer.Argument(help="Output folder (created).")],
    limit: Annotated[int | None, typer.Option(help="Only the first N words.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """vectors.tsv + metadata.tsv for the TensorFlow Embedding Projector."""
    from .projector import export_projector

    wv = _load(path)
    out = export_projector(wv, directory, limit=limit)
    n = len(wv) if limit is None else min(limit, len(wv))
    if as_json:
        emit_json({"vectors": str(out["vectors"]), "metadata": str(out["metadata"]), "words": n,
                   "dimension": wv.vector_size})
    else:
        console.print(f"wrote {n:,} vectors to {out['vectors']} and {out['metadata']}; "
                      "load both at https://projector.tensorflow.org")


@app.command()
def explore(
    path: Annotated[str, typer.Argument(help="Vector file or model name.")],
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    host: Annotated[
        str, typer.Option(help="Address to bind (default: this machine only).")
    ] = "127.0.0.1",
    restrict_vocab: Annotated[
        int | None, typer.Option(help="Search only the N most frequent words.")
    ] = None,
) -> None:
    """A local web page to explore a model: neighbours, analogies, similarity, map."""
    from .explore.app import serve

    wv = _load(path)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(f"[yellow]warning:[/yellow] listening on {host}: other machines can "
                          "reach this explorer")
    shown = f"[{host}]" if ":" in host else host
    console.print(f"exploring {path} ({len(wv):,} words) at http://{shown}:{port}/  (Ctrl-C stops)")
    serve(wv, host=host, port=port, restrict_vocab=restrict_vocab, log_level="warning")


# ---- train word2vec (issue 3) ---------------------------------------------------------------
@train_app.command("word2vec")
def train_word2vec(
    corpus: Annotated[
        str | None,
        typer.Argument(help="Text file, one sentence per line (.gz/.bz2/.xz too). "
                       "Default: the embedded Brown corpus."),
    ] = None,
    output: Annotated[
        str, typer.Option("-o", "--output", help="Where to save: .wsv (full model, can be "
                          "trained further), .txt/.vec (word2vec text) or .bin (binary).")
    ] = "model.wsv",
    sg: Annotated[bool, typer.Option("--sg/--cbow", help="Skip-gram or CBOW.")] = False,
    hs: Annotated[bool, typer.Option("--hs", help="Hierarchical softmax.")] = False,
    negative: Annotated[int, typer.Option(help="Negative samples (0: none, needs --hs).")] = 5,
    window: Annotated[int, typer.Option(help="Context window.")] = 5,
    dim: Annotated[int, typer.Option("--dim", "--size", help="Vector dimension.")] = 100,
    min_count: Annotated[int, typer.Option(help="Ignore rarer words.")] = 5,
    sample: Annotated[float, typer.Option(help="Subsampling threshold (0: off).")] = 1e-3,
    epochs: Annotated[int, typer.Option("--epochs", "--iter", help="Passes over the corpus.")] = 5,
    workers: Annotated[int, typer.Option(help="Training threads.")] = 2,
    alpha: Annotated[
        float | None, typer.Option(help="Initial learning rate (default 0.025 skip-gram, "
                                   "0.05 CBOW, as the C tool).")
    ] = None,
    min_alpha: Annotated[float, typer.Option(help="Final learning rate.")] = 0.0001,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    lowercase: Annotated[bool, typer.Option(help="Lowercase tokens.")] = False,
    loss: Annotated[bool, typer.Option("--loss", help="Compute the training loss.")] = False,
    shared_negatives: Annotated[
        bool, typer.Option("--shared-negatives", help="Skip-gram: share one draw of negative "
                           "samples across each window (faster).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Train word2vec (skip-gram or CBOW) on a corpus and save the model."""
    import time

    from .corpus import embedded_corpus
    from .train.word2vec import Word2Vec

    if alpha is None:
        alpha = 0.025 if sg else 0.05
    model = Word2Vec(vector_size=dim, window=window, min_count=min_count, sg=int(sg),
                     hs=int(hs), negative=negative, sample=sample, alpha=alpha,
                     min_alpha=min_alpha, epochs=epochs, workers=workers, seed=seed,
                     lowercase=lowercase, compute_loss=loss, shared_negatives=shared_negatives)
    model._validate()  # before reading anything
    source = corpus if corpus is not None else embedded_corpus("brown")
    name = corpus if corpus is not None else "embedded Brown corpus"
    t0 = time.perf_counter()
    if as_json:
        model.fit(source)
    else:
        with progress_bar(f"word2vec {'skip-gram' if sg else 'CBOW'}") as update:
            model.fit(source, progress=update)
    total_s = time.perf_counter() - t0
    low = output.lower()
    for comp in (".gz", ".bz2", ".xz"):
        low = low.removesuffix(comp)
    if low.endswith(".bin"):
        model.save_word2vec_format(output, binary=True)
        fmt = "word2vec-binary"
    elif low.endswith((".txt", ".vec")):
        model.save_word2vec_format(output)
        fmt = "word2vec"
    else:
        model.save(output)
        fmt = "native model"
    words = sum(s["words"] for s in model.epoch_stats_[-epochs:])
    data = {
        "corpus": name, "output": output, "format": fmt, "architecture": "skip-gram" if sg
        else "cbow", "vocabulary": len(model.wv), "dimension": model.wv.vector_size,
        "corpus_words": model.vocab.total_words, "epochs": epochs,
        "vocab_seconds": round(model.vocab_seconds_, 3),
        "train_seconds": round(model.train_seconds_, 3), "total_seconds": round(total_s, 3),
        "words_per_sec": round(words / model.train_seconds_) if model.train_seconds_ else 0,
        "final_alpha": model.epoch_stats_[-1]["alpha_end"],
    }
    if loss:
        data["loss_per_epoch"] = model.loss_history_[-epochs:]
    if as_json:
        emit_json(data)
        return
    t = Table(title="word2vec training", show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    t.add_row("corpus", str(name))
    t.add_row("architecture", f"{data['architecture']}, {'hs + ' if hs else ''}"
              f"negative {negative}, window {window}, dim {dim}")
    t.add_row("vocabulary", f"{len(model.wv):,} words (min_count {min_count}) of "
              f"{model.vocab.total_words:,} tokens")
    t.add_row("epochs", str(epochs))
    t.add_row("time", f"vocabulary {data['vocab_seconds']:.1f} s, training "
              f"{data['train_seconds']:.1f} s")
    t.add_row("speed", f"{data['words_per_sec']:,} words/s ({workers} workers)")
    t.add_row("learning rate", f"{alpha:g} -> {data['final_alpha']:.6f}")
    if loss:
        t.add_row("loss per epoch", " ".join(f"{x:.4g}" for x in data["loss_per_epoch"]))
    t.add_row("saved", f"{output} ({fmt})")
    console.print(t)


# ---- ValueVec (valuevec branch) ------------------------------------------------------
datasets_app = typer.Typer(help="Example data sets (the ValueVec article's colours ...).",
                           no_args_is_help=True)
app.add_typer(datasets_app, name="datasets")


@datasets_app.command("color-spectrum")
def datasets_color_spectrum(
    n: Annotated[int, typer.Option("--n", "-n", help="Number of colours (1 to 84).")] = 30,
    seed: Annotated[int, typer.Option(help="Seed of both random streams.")] = 42,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="Write CSV here (else print).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The ValueVec article's colour table: colour names and wavelengths (nm)."""
    from .datasets import color_spectrum

    df = color_spectrum(n, seed)
    if output:
        df.to_csv(output, index=False, float_format="%.6f")
    if as_json:
        emit_json({"output": output, "rows": df.to_dict(orient="records")})
        return
    if output:
        console.print(f"wrote {len(df)} colours to {output}")
        return
    t = Table(title=f"colour spectrum (n={n}, seed={seed})")
    t.add_column("keyword", style="bold")
    t.add_column("estimated_value", justify="right")
    for w, v in zip(df["keyword"], df["estimated_value"], strict=True):
        t.add_row(w, f"{v:.6f}")
    console.print(t)


@train_app.command("valuevec")
def train_valuevec(
    data: Annotated[str, typer.Argument(help="CSV / TSV / Parquet table (optionally .gz).")],
    output: Annotated[str, typer.Option("-o", "--output", help="Model path (.wsv).")],
    word: Annotated[str | None, typer.Option(help="Column of words (a word-value table).")] = None,
    value: Annotated[str | None, typer.Option(help="Column of values.")] = None,
    text: Annotated[
        str | None, typer.Option(help="Column of texts (records: a value per text).")
    ] = None,
    where: Annotated[
        str | None, typer.Option(help="Keep rows matching a pandas query, e.g. 'rating > 0'.")
    ] = None,
    value_transform: Annotated[str | None, typer.Option(help="log or log1p.")] = None,
    duplicates: Annotated[str, typer.Option(help="mean, median or error.")] = "mean",
    min_count: Annotated[int, typer.Option(help="Records: keep words in >= N records.")] = 5,
    prior_weight: Annotated[float, typer.Option(help="Records: shrinkage k.")] = 10.0,
    dim: Annotated[int, typer.Option("--dim", help="Vector size.")] = 15,
    epochs: Annotated[int, typer.Option(help="Maximum epochs.")] = 1000,
    lr: Annotated[float, typer.Option("--lr", help="Learning rate (alpha).")] = 0.05,
    window: Annotated[int, typer.Option(help="Positive pairs each side.")] = 2,
    negatives: Annotated[int, typer.Option(help="Negative pairs per word.")] = 3,
    method: Annotated[str, typer.Option(help="averaged (the article's) or adam.")] = "averaged",
    batch_size: Annotated[int, typer.Option(help="Adam mini-batch size.")] = 1024,
    patience: Annotated[int, typer.Option(help="Early-stopping checks (0: off).")] = 10,
    positive_penalty: Annotated[str, typer.Option(help="quadratic or linear.")] = "quadratic",
    positive_scale: Annotated[float, typer.Option(help="Positive penalty scale.")] = 2.0,
    negative_penalty: Annotated[str, typer.Option(help="linear or quadratic.")] = "linear",
    negative_scale: Annotated[float, typer.Option(help="Negative penalty scale.")] = 3.0,
    unique_negatives: Annotated[
        bool, typer.Option(help="Never repeat a negative word for a center.")
    ] = False,
    workers: Annotated[int | None, typer.Option(help="Threads (default: all).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    pairs_out: Annotated[
        str | None, typer.Option(help="Also write the training pairs as CSV.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Train ValueVec: embeddings whose geometry follows a value (price, rating ...)."""
    import time

    from .alignment import value_alignment
    from .errors import ParameterError
    from .train.valuevec import ValueVec
    from .values import read_table

    if (word is None) == (text is None):
        raise ParameterError("give exactly one of --word (word-value table) or --text (records)")
    if value is None:
        raise ParameterError("give --value, the column of values")
    df = read_table(data)
    if where:
        try:
            df = df.query(where)
        except Exception as e:  # pandas raises many kinds here
            raise ParameterError(f"--where {where!r} failed: {e}") from None
    vv = ValueVec(
        vector_size=dim, window=window, negatives=negatives, epochs=epochs, alpha=lr,
        method=method, batch_size=batch_size, patience=patience or None,
        positive_penalty=positive_penalty, positive_scale=positive_scale,
        negative_penalty=negative_penalty, negative_scale=negative_scale,
        unique_negatives=unique_negatives, duplicates=duplicates,
        value_transform=value_transform, min_count=min_count, prior_weight=prior_weight,
        workers=workers, seed=seed,
    )
    vv._validate()  # fail before drawing a progress bar
    t0 = time.perf_counter()
    with progress_bar("valuevec", total=epochs) as update:
        vv.fit(df, word=word, text=text, value=value,
               progress=lambda done, total=None, **f: update(done, total, **f))
    seconds = time.perf_counter() - t0
    vv.save(output)
    if pairs_out:
        vv.pairs_.to_frame().to_csv(pairs_out, index=False)
    al = value_alignment(vv.wv)
    wvals = vv.word_values_.sort_values("value", ascending=False)
    result = {
        "output": output, "words": len(vv.wv), "pairs": len(vv.pairs_),
        "epochs_trained": vv.epochs_trained_, "stopped_early": vv.stopped_early_,
        "seconds": seconds, "final_error": float(vv.loss_history_[-1]), "alignment": al,
        "highest": wvals.head(10)[["word", "value"]].to_dict(orient="records"),
        "lowest": wvals.tail(10)[["word", "value"]].iloc[::-1].to_dict(orient="records"),
    }
    if as_json:
        emit_json(result)
        return
    t = Table(title=f"ValueVec → {output}", show_header=False)
    t.add_column("", style="bold")
    t.add_column("", justify="right")
    t.add_row("words / pairs", f"{len(vv.wv):,} / {len(vv.pairs_):,}")
    t.add_row("epochs", f"{vv.epochs_trained_:,}" + (" (early stop)" if vv.stopped_early_ else ""))
    t.add_row("seconds", f"{seconds:.2f}")
    t.add_row("mean |mapped cos − label|", f"{result['final_error']:.4f}")
    t.add_row("Spearman(cos, −|Δvalue|)", f"{al['spearman']:.4f}")
    t.add_row("|Spearman(PC1, value)|", f"{al['pc1_spearman']:.4f}")
    t.add_row(f"{al['k']}-NN MAE (normalised value)",
              f"{al['knn_mae']:.4f}  (predict-the-mean {al['knn_mae_baseline']:.4f})")
    t.add_row("highest", ", ".join(r["word"] for r in result["highest"][:5]))
    t.add_row("lowest", ", ".join(r["word"] for r in result["lowest"][:5]))
    console.print(t)


# ---- train glove (issue 5) ------------------------------------------------------------------
@train_app.command("glove")
def train_glove(
    corpus: Annotated[
        str | None,
        typer.Argument(help="Text file, one sentence per line (.gz/.bz2/.xz too). May be left "
                       "out with --cooccurrence."),
    ] = None,
    output: Annotated[
        str, typer.Option("-o", "--output", help="Where to save: .wsv (native model), "
                          ".txt/.vec (word2vec text), .bin (word2vec binary); see --format.")
    ] = "glove.wsv",
    fmt: Annotated[
        str | None, typer.Option("--format", help="native | word2vec | word2vec-binary | glove "
                                 "(GloVe text: no header); default by the output's extension.")
    ] = None,
    dim: Annotated[int, typer.Option("--dim", "--size", help="Vector dimension.")] = 100,
    window: Annotated[int, typer.Option(help="Context words on each side.")] = 10,
    min_count: Annotated[int, typer.Option(help="Ignore rarer words.")] = 5,
    epochs: Annotated[int, typer.Option("--epochs", "--iter", help="Passes over the "
                                        "co-occurrence non-zeros.")] = 15,
    x_max: Annotated[float, typer.Option(help="Cutoff of the weighting function.")] = 100.0,
    alpha: Annotated[float, typer.Option(help="Exponent of the weighting function.")] = 0.75,
    learning_rate: Annotated[float, typer.Option("--eta", "--learning-rate",
                                                 help="AdaGrad's initial learning rate.")] = 0.05,
    symmetric: Annotated[bool, typer.Option("--symmetric/--left-only",
                                            help="Context on both sides or left only.")] = True,
    vectors: Annotated[str, typer.Option(help="Saved vectors: sum (word + context), word, "
                                         "concat.")] = "sum",
    workers: Annotated[int, typer.Option(help="Training threads.")] = 2,
    memory: Annotated[float, typer.Option(help="GiB for counting co-occurrences.")] = 4.0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    lowercase: Annotated[bool, typer.Option(help="Lowercase tokens.")] = False,
    save_cooccurrence: Annotated[
        str | None, typer.Option(help="Also save the co-occurrence matrix (.npz) for reuse.")
    ] = None,
    cooccurrence: Annotated[
        str | None, typer.Option(help="Train on a saved co-occurrence matrix (.npz) instead "
                                 "of counting.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Train GloVe (co-occurrence counting + AdaGrad, as Stanford's C tool) and save it."""
    import time

    from .errors import ParameterError
    from .train.glove import GloVe

    model = GloVe(vector_size=dim, window=window, min_count=min_count, epochs=epochs,
                  x_max=x_max, alpha=alpha, learning_rate=learning_rate, symmetric=symmetric,
                  memory=memory, workers=workers, seed=seed, output=vectors,
                  lowercase=lowercase)
    model._validate()  # before reading anything
    if fmt is None:
        low = output.lower()
        for comp in (".gz", ".bz2", ".xz"):
            low = low.removesuffix(comp)
        fmt = ("word2vec-binary" if low.endswith(".bin") else "word2vec"
               if low.endswith((".txt", ".vec")) else "native")
    if fmt not in _CONVERT_TARGETS:
        raise ParameterError(f"--format must be one of {', '.join(_CONVERT_TARGETS)}; "
                             f"got {fmt!r}")
    if corpus is None and cooccurrence is None:
        raise ParameterError("give a CORPUS to train on (or --cooccurrence FILE.npz)")
    t0 = time.perf_counter()
    if as_json:
        model.fit(corpus, cooccurrence=cooccurrence)
    else:
        with progress_bar("glove") as update:
            def show(done: int, total: int, **info: Any) -> None:
                if info.get("stage") == "training":
                    short = {"epoch": info["epoch"]}
                    if "loss" in info:
                        short["loss"] = info["loss"]
                    update(done, total, **short)
                else:
                    update(done, total, stage="counting")

            model.fit(corpus, cooccurrence=cooccurrence, progress=show)
    total_s = time.perf_counter() - t0
    if save_cooccurrence:
        model.save_cooccurrence(save_cooccurrence)
    if fmt == "native":
        model.save(output)
    else:
        model.save_word2vec_format(output, binary=fmt == "word2vec-binary",
                                   write_header=fmt != "glove")
    X = model.cooccurrence_
    data = {
        "corpus": corpus, "cooccurrence_file": cooccurrence, "output": output, "format": fmt,
        "vocabulary": len(model.wv), "dimension": model.wv.vector_size,
        "corpus_words": model.vocab.total_words, "nonzeros": int(X.nnz), "epochs": epochs,
        "vocab_seconds": round(model.vocab_seconds_, 3),
        "cooccurrence_seconds": round(model.cooccurrence_seconds_, 3),
        "train_seconds": round(model.train_seconds_, 3), "total_seconds": round(total_s, 3),
        "loss_per_epoch": model.loss_history_,
    }
    if save_cooccurrence:
        data["saved_cooccurrence"] = save_cooccurrence
    if as_json:
        emit_json(data)
        return
    t = Table(title="GloVe training", show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    t.add_row("corpus", str(corpus if corpus is not None else cooccurrence))
    t.add_row("settings", f"dim {dim}, window {window} ({'symmetric' if symmetric else 'left'}"
              f"), x_max {x_max:g}, alpha {alpha:g}, eta {learning_rate:g}, {workers} workers")
    t.add_row("vocabulary", f"{len(model.wv):,} words (min_count {min_count}) of "
              f"{model.vocab.total_words:,} tokens")
    t.add_row("co-occurrences", f"{X.nnz:,} non-zeros")
    t.add_row("time", f"vocabulary {data['vocab_seconds']:.1f} s, counting "
              f"{data['cooccurrence_seconds']:.1f} s, training {data['train_seconds']:.1f} s "
              f"({epochs} epochs)")
    losses = model.loss_history_
    t.add_row("loss", f"{losses[0]:.4g} (epoch 1) -> {losses[-1]:.4g} (epoch {len(losses)})")
    t.add_row("saved", f"{output} ({fmt}, {vectors} vectors)"
              + (f"; co-occurrences {save_cooccurrence}" if save_cooccurrence else ""))
    console.print(t)


# ------------------------------------------------------------------------------- entry
def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app; user errors exit 2 with one line, no traceback."""
    try:
        app(args=argv, standalone_mode=False)
    except WordspaceError as e:
        err_console.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as e:
        err_console.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as e:  # click's usage errors arrive here in non-standalone mode
        if hasattr(e, "show") and hasattr(e, "exit_code"):  # (typer vendors click)
            e.show()
            sys.exit(2)
        if type(e).__name__ == "Abort":
            sys.exit(1)
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
