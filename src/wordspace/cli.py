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
    vv._check_params()  # fail before drawing a progress bar
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
