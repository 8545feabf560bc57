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
