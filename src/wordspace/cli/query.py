"""Queries of one model: info, similar, analogy, similarity."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from wordspace.cli._app import app
from wordspace.cli._common import (
    CacheOpt,
    JsonOpt,
    check_topn,
    emit_json,
    epilog,
    fmt_num,
    io,
    load,
    neighbours_table,
)
from wordspace.cli.index import ExactOpt, IndexOpt, load_indexed
from wordspace.errors import ParameterError

ModelArg = Annotated[str, typer.Argument(help="Vector file (any format) or known model name.")]
TopnOpt = Annotated[int, typer.Option("-n", "--topn", help="How many results.")]
RestrictOpt = Annotated[
    int | None, typer.Option("--restrict-vocab", help="Search only the N most frequent words.")
]


@app.command(epilog=epilog("wordspace info model.wsv --json"))
def info(path: ModelArg, as_json: JsonOpt = False, cache: CacheOpt = True) -> None:
    """Vocabulary size, dimension, format and a summary of the vector norms."""
    from wordspace.io.formats import detect_format

    fmt = detect_format(path) if Path(path).exists() else None
    wv = load(path, cache=cache)
    if fmt is None:  # a model by name: from a package ("package:...") or the cache
        fmt = str(wv.meta.get("source_format") or "package")
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
    partial = wv.meta.get("complete") is False  # an interrupted run saved, or a checkpoint
    if partial:
        data["complete"] = False
        data["training"] = wv.meta.get("training", {})
    if as_json:
        emit_json(data)
        return
    t = Table(title=escape(path), show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    t.add_row("format", fmt)
    t.add_row("words", f"{len(wv):,}")
    t.add_row("dimension", str(wv.vector_size))
    t.add_row("counts", "yes" if wv.counts is not None else "no")
    if wv.extras:
        t.add_row("extra arrays", escape(", ".join(sorted(wv.extras))))
    t.add_row(
        "norms",
        f"min {fmt_num(ns['min'], '.3f')}  median {fmt_num(ns['median'], '.3f')}  "
        f"mean {fmt_num(ns['mean'], '.3f')}  max {fmt_num(ns['max'], '.3f')}  zero {ns['zero']}",
    )
    t.add_row("first words", escape(" ".join(wv.index_to_key[:10])))
    if partial:
        from wordspace.io.native import partial_summary

        t.add_row(
            "[red]training[/red]",
            "[bold red]partial[/bold red] [red]("
            + escape(partial_summary(data["training"]))
            + "): not a finished model[/red]",
        )
    io.out.print(t)


@contextmanager
def one_shot_queries() -> Iterator[None]:
    """A command asks a few questions and exits: answer single queries with NumPy rather
    than pay numba's start-up (about 1 s) for the fused kernel (``vectors._top_one``)."""
    from wordspace.vectors import keyed as vectors

    old = vectors._SINGLE_QUERY_ENGINE
    vectors._SINGLE_QUERY_ENGINE = "numpy"
    try:
        yield
    finally:
        vectors._SINGLE_QUERY_ENGINE = old


@app.command(epilog=epilog("wordspace similar model.wsv king queen -n 5"))
def similar(
    path: ModelArg,
    words: Annotated[list[str], typer.Argument(help="One or more words (neighbours of each).")],
    n: TopnOpt = 10,
    restrict_vocab: RestrictOpt = None,
    exact: ExactOpt = False,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    cache: CacheOpt = True,
) -> None:
    """Nearest neighbours of words (cosine similarity; the model's index when it has one)."""
    check_topn(n)
    wv = load_indexed(path, cache=cache, exact=exact, index=index)
    with one_shot_queries():
        results = {w: wv.most_similar(w, topn=n, restrict_vocab=restrict_vocab) for w in words}
    if as_json:
        emit_json({w: [{"word": k, "cosine": s} for k, s in r] for w, r in results.items()})
        return
    for w, r in results.items():
        io.out.print(neighbours_table(f"nearest to {escape(repr(w))}", r))


ANALOGY_METHODS = ("3cosadd", "3cosmul")


@app.command(epilog=epilog("wordspace analogy model.wsv king man woman"))
def analogy(
    path: ModelArg,
    a: Annotated[str, typer.Argument(help="a in a − b + c (e.g. king)")],
    b: Annotated[str, typer.Argument(help="b in a − b + c (e.g. man)")],
    c: Annotated[str, typer.Argument(help="c in a − b + c (e.g. woman)")],
    n: TopnOpt = 10,
    method: Annotated[str, typer.Option(help="3cosadd or 3cosmul.")] = "3cosadd",
    restrict_vocab: RestrictOpt = None,
    exact: ExactOpt = False,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    cache: CacheOpt = True,
) -> None:
    """Analogies: a − b + c (king man woman → queen)."""
    if method not in ANALOGY_METHODS:
        raise ParameterError(f"--method must be 3cosadd or 3cosmul, got {method!r}")
    check_topn(n)
    wv = load_indexed(path, cache=cache, exact=exact or method != "3cosadd", index=index)
    if method == "3cosadd":
        with one_shot_queries():
            r = wv.most_similar(
                positive=[a, c], negative=[b], topn=n, restrict_vocab=restrict_vocab
            )
    else:
        r = wv.most_similar_cosmul(
            positive=[a, c], negative=[b], topn=n, restrict_vocab=restrict_vocab
        )
    if as_json:
        emit_json(
            {
                "query": {"a": a, "b": b, "c": c, "method": method},
                "results": [{"word": k, "score": s} for k, s in r],
            }
        )
        return
    io.out.print(neighbours_table(escape(f"{a} − {b} + {c}  ({method})"), r, "score"))


@app.command(epilog=epilog("wordspace similarity model.wsv king queen"))
def similarity(
    path: ModelArg,
    words: Annotated[list[str], typer.Argument(help="Two words, or more for a matrix.")],
    as_json: JsonOpt = False,
    cache: CacheOpt = True,
) -> None:
    """Cosine similarity of two words (or the matrix of several)."""
    if len(words) < 2:
        raise ParameterError("give at least two WORDS")
    wv = load(path, cache=cache)
    if len(words) == 2:
        s = wv.similarity(words[0], words[1])
        if as_json:
            emit_json({"word1": words[0], "word2": words[1], "cosine": s})
        else:
            io.out.print(
                f"cosine({escape(words[0])}, {escape(words[1])}) = [bold]{fmt_num(s)}[/bold]"
            )
        return
    m = wv.similarity_matrix(words)
    if as_json:
        emit_json({"words": words, "matrix": m.values.tolist()})
        return
    t = Table(title="cosine similarity")
    t.add_column("")
    for w in words:
        t.add_column(escape(w), justify="right")
    for w, row in zip(words, m.values, strict=True):
        t.add_row(escape(w), *(fmt_num(x, ".3f") for x in row))
    io.out.print(t)
