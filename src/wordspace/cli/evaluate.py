"""Evaluation and text similarity: eval, rank (``compare`` is in ``cli/compare.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from wordspace._files import bounded_lines
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
    need_file,
    progress_bar,
)
from wordspace.cli.query import ANALOGY_METHODS, ModelArg
from wordspace.errors import ParameterError

TEXT_METHODS = ("wmd", "mean", "sif")


@app.command(
    "eval",
    epilog=epilog(
        "wordspace eval model.wsv --no-pairs",
        "wordspace eval model.wsv --analogies questions.txt --pairs pairs.tsv",
    ),
)
def eval_(
    path: ModelArg,
    analogies: Annotated[
        str | None,
        typer.Option(
            help="Analogy file (': section' + 'a b c d' lines); "
            "default: the bundled Google questions-words.txt."
        ),
    ] = None,
    pairs: Annotated[
        str | None,
        typer.Option(
            help="Word-pair file (word1<TAB>word2<TAB>score); default: the bundled WordSim353."
        ),
    ] = None,
    restrict_vocab: Annotated[
        int, typer.Option(help="Use only the N most frequent words (as gensim).")
    ] = 300000,
    method: Annotated[str, typer.Option(help="3cosadd or 3cosmul.")] = "3cosadd",
    case_sensitive: Annotated[
        bool,
        typer.Option(
            "--case-sensitive/--case-insensitive",
            help="Compare words as written (gensim: case_insensitive=False) or uppercased.",
        ),
    ] = False,
    dummy4unknown: Annotated[
        bool,
        typer.Option(
            "--dummy4unknown/--skip-unknown",
            help="Count OOV questions as wrong / pairs as 0, or skip them.",
        ),
    ] = False,
    skip_analogies: Annotated[
        bool, typer.Option("--no-analogies", help="Skip the analogy test.")
    ] = False,
    skip_pairs: Annotated[bool, typer.Option("--no-pairs", help="Skip the word pairs.")] = False,
    as_json: JsonOpt = False,
    cache: CacheOpt = True,
) -> None:
    """Analogy accuracy per section and word-pair correlations (gensim's figures)."""
    from wordspace.analysis.evaluate import evaluate_word_analogies, evaluate_word_pairs

    if method not in ANALOGY_METHODS:
        raise ParameterError(
            f"--method must be one of {', '.join(ANALOGY_METHODS)}; got {method!r}"
        )
    need_file(analogies, "--analogies")
    need_file(pairs, "--pairs")
    wv = load(path, cache=cache)
    out: dict[str, Any] = {"model": path, "words": len(wv), "restrict_vocab": restrict_vocab}
    res_a = res_p = None
    if not skip_analogies:
        with progress_bar("analogies", enabled=not as_json) as update:
            res_a = evaluate_word_analogies(
                wv,
                analogies,
                restrict_vocab=restrict_vocab,
                case_insensitive=not case_sensitive,
                dummy4unknown=dummy4unknown,
                method=method,
                progress=update,
            )
        out["analogies"] = res_a.to_dict()
    if not skip_pairs:
        res_p = evaluate_word_pairs(
            wv,
            pairs,
            restrict_vocab=restrict_vocab,
            case_insensitive=not case_sensitive,
            dummy4unknown=dummy4unknown,
        )
        out["pairs"] = res_p.to_dict()
    if as_json:
        emit_json(out)
        return
    if res_a is not None:
        t = Table(
            title=escape(
                f"analogies: {Path(res_a.path).name}  ({res_a.method}, "
                f"restrict_vocab={restrict_vocab:,})"
            )
        )
        t.add_column("section")
        t.add_column("correct", justify="right")
        t.add_column("questions", justify="right")
        t.add_column("accuracy", justify="right")
        rows = res_a.summary().to_dict("records")
        for i, row in enumerate(rows):
            style = "bold" if i == len(rows) - 1 else None
            t.add_row(
                escape(row["section"]),
                f"{row['correct']:,}",
                f"{row['total']:,}",
                fmt_num(row["accuracy"]),
                style=style,
                end_section=i == len(rows) - 2,
            )
        t.caption = (
            f"{res_a.n_oov:,} of {res_a.n_questions:,} questions "
            f"({res_a.oov_ratio:.1f}%) had out-of-vocabulary words"
            f"{' (counted wrong)' if dummy4unknown else ' (skipped)'}; "
            f"{res_a.seconds:.2f} s"
        )
        io.out.print(t)
    if res_p is not None:
        t = Table(title=escape(f"word pairs: {Path(res_p.path).name}"))
        t.add_column("Pearson", justify="right")
        t.add_column("Spearman", justify="right")
        t.add_column("pairs", justify="right")
        t.add_column("OOV", justify="right")
        t.add_row(
            fmt_num(res_p.pearson[0]),
            fmt_num(res_p.spearman[0]),
            f"{res_p.n_pairs:,}",
            f"{res_p.n_oov:,} ({res_p.oov_ratio:.1f}%)",
        )
        io.out.print(t)


def _read_lines(path: str) -> list[str]:
    """The lines of a UTF-8 text file, without their line ends."""
    from wordspace.errors import CorpusError

    try:
        with open(path, "rb") as f:
            return [
                line.decode("utf-8").rstrip("\r\n")
                for line in bounded_lines(f, path, error=CorpusError)
            ]
    except UnicodeDecodeError as e:
        raise CorpusError(f"{path}: not UTF-8 text (byte {e.start}); convert it to UTF-8") from None


def _check_text_method(method: str) -> None:
    if method not in TEXT_METHODS:
        raise ParameterError(f"--method must be one of {', '.join(TEXT_METHODS)}; got {method!r}")


@app.command(epilog=epilog('wordspace rank model.wsv "cheap room near the beach" docs.txt -n 5'))
def rank(
    path: ModelArg,
    query: Annotated[str, typer.Argument(help="The query text, or a file holding it.")],
    docs_file: Annotated[str, typer.Argument(help="Documents, one per line.")],
    method: Annotated[str, typer.Option(help="wmd (RWMD-pruned), mean or sif.")] = "wmd",
    n: Annotated[int, typer.Option("-n", "--topn", help="How many documents.")] = 10,
    as_json: JsonOpt = False,
    cache: CacheOpt = True,
) -> None:
    """Rank the documents of a file (one per line) against a query."""
    import time

    from wordspace.analysis.textsim import rank_documents

    _check_text_method(method)
    check_topn(n)
    if _looks_like_file(query):
        need_file(query, "QUERY")
    need_file(docs_file, "DOCS_FILE")
    wv = load(path, cache=cache)
    lines = _read_lines(query) if _looks_like_file(query) else [query]
    query_text = " ".join(" ".join(lines).split())
    docs = _read_lines(docs_file)
    t0 = time.perf_counter()
    ranked = rank_documents(wv, query_text, docs, method=method, topn=n)
    secs = time.perf_counter() - t0
    kind = "distance" if method == "wmd" else "cosine"
    if as_json:
        emit_json(
            {
                "method": method,
                "documents": len(docs),
                "seconds": secs,
                "results": [
                    {"rank": i, "line": r.index + 1, kind: r.score, "text": docs[r.index]}
                    for i, r in enumerate(ranked, 1)
                ],
            }
        )
        return
    t = Table(title=f"{len(docs):,} documents ranked by {method} {kind} ({secs:.2f} s)")
    t.add_column("#", justify="right", style="dim")
    t.add_column("line", justify="right")
    t.add_column(kind, justify="right")
    t.add_column("document", overflow="ellipsis", no_wrap=True, max_width=80)
    for i, r in enumerate(ranked, 1):
        t.add_row(str(i), str(r.index + 1), fmt_num(r.score), escape(docs[r.index]))
    io.out.print(t)


def _looks_like_file(arg: str) -> bool:
    """An existing path, or one word with a text file's extension, is meant as a file (so a
    mistyped file name is an error, not a query); anything else is the query text."""
    try:
        if Path(arg).exists():
            return True
    except (OSError, ValueError):  # too long for a file name, a NUL byte ...: text
        return False
    return len(arg.split()) == 1 and Path(arg).suffix.lower() in (
        ".txt",
        ".text",
        ".md",
        ".csv",
        ".tsv",
        ".gz",
        ".bz2",
        ".xz",
    )
