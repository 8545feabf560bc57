"""``wordspace compare``: texts compared by TF-IDF, mean vectors, SIF and Word Mover's Distance.

Two forms: ``wordspace compare MODEL TEXT1 TEXT2 [--method wmd|mean|sif|tfidf]`` gives one
score (as before 0.3's side-by-side table), and ``--methods`` or ``--texts pairs.tsv`` gives
every method on every pair, side by side, with the most and least similar pair per method
(:func:`wordspace.analysis.docfeatures.compare`).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from wordspace.cli._app import app
from wordspace.cli._common import CacheOpt, JsonOpt, emit_json, epilog, fmt_num, io, load, need_file
from wordspace.cli.evaluate import _read_lines
from wordspace.cli.query import ModelArg
from wordspace.cli.report import read_text_pairs
from wordspace.errors import ParameterError

TEXT_METHODS = ("wmd", "mean", "sif", "tfidf")


def _methods(spec: str) -> tuple[str, ...]:
    from wordspace.analysis.docfeatures import COMPARE_METHODS

    if spec.strip() == "all":
        return COMPARE_METHODS
    got = tuple(m.strip() for m in spec.split(",") if m.strip())
    bad = [m for m in got if m not in COMPARE_METHODS]
    if bad or not got:
        raise ParameterError(
            f"--methods must be 'all' or a comma-separated list of {', '.join(COMPARE_METHODS)}; "
            f"got {spec!r}"
        )
    return got


def _corpus(path: str | None) -> list[str] | None:
    if path is None:
        return None
    docs = [ln.strip() for ln in _read_lines(path) if ln.strip()]
    if not docs:
        raise ParameterError(f"--corpus {path!r} holds no text (one document per line)")
    return docs


@app.command(
    "compare",
    epilog=epilog(
        'wordspace compare model.wsv "the cat sat" "a dog sat"',
        'wordspace compare model.wsv "the cat sat" "a dog sat" --methods tfidf,mean --corpus docs.txt',
        'wordspace compare model.wsv "a cheap flat" "an inexpensive apartment" --methods all',
    ),
)
def compare_cmd(
    path: ModelArg,
    text1: Annotated[
        str | None, typer.Argument(help="First text (normalised and tokenised).")
    ] = None,
    text2: Annotated[str | None, typer.Argument(help="Second text.")] = None,
    method: Annotated[
        str | None,
        typer.Option(help="One method: wmd (distance, the default), mean, sif or tfidf (cosine)."),
    ] = None,
    methods: Annotated[
        str | None,
        typer.Option(
            help="Several methods side by side: 'all' or e.g. tfidf,mean,sif,wmd "
            "(the default with --texts)."
        ),
    ] = None,
    texts: Annotated[
        str | None,
        typer.Option(help="Text pairs: a file with text<TAB>text on each line."),
    ] = None,
    corpus: Annotated[
        str | None,
        typer.Option(
            "--corpus",
            "--background",
            help="Documents (one per line) to fit TF-IDF's IDF table and SIF's common "
            "component on; without it: the texts being compared.",
        ),
    ] = None,
    as_json: JsonOpt = False,
    cache: CacheOpt = True,
) -> None:
    """Compare texts: TF-IDF, mean-vector and SIF cosines, Word Mover's Distance."""
    if method is not None and method not in TEXT_METHODS:
        raise ParameterError(f"--method must be one of {', '.join(TEXT_METHODS)}; got {method!r}")
    if method is not None and methods is not None:
        raise ParameterError("give --method (one score) or --methods (a table), not both")
    if (text1 is None) != (text2 is None):
        raise ParameterError("give two texts (TEXT1 TEXT2), or --texts pairs.tsv")
    if text1 is None and texts is None:
        raise ParameterError("give two texts (TEXT1 TEXT2) or --texts pairs.tsv to compare")
    if text1 is not None and texts is not None:
        raise ParameterError("give two texts or --texts pairs.tsv, not both")
    need_file(corpus, "--corpus")
    need_file(texts, "--texts")
    method_list = _methods(methods) if methods is not None else None
    pairs = read_text_pairs(texts) if texts is not None else None
    if pairs is None and method_list is None:
        assert text1 is not None and text2 is not None
        _one(path, text1, text2, method or "wmd", corpus, as_json, cache)
        return
    if method is not None:
        method_list = (method,)
    _table(
        path,
        pairs if pairs is not None else [(text1 or "", text2 or "")],
        method_list,
        corpus,
        as_json,
        cache,
    )


def _one(path, text1, text2, method, corpus, as_json, cache) -> None:
    from wordspace.analysis.textsim import SIF, doc_tokens, query_tokenizer, text_similarity

    docs = _corpus(corpus)
    wv = load(path, cache=cache)
    tok = query_tokenizer(wv)
    if method == "tfidf":
        from wordspace.analysis.docfeatures import compare

        score = float(
            compare([(text1, text2)], wv, methods=("tfidf",), background=docs).scores["tfidf"][0]
        )
    else:
        sif = SIF(wv).fit(docs) if method == "sif" and docs is not None else None
        score = text_similarity(wv, text1, text2, method, sif=sif)
    oov1, oov2 = wv.oov_tokens(text1), wv.oov_tokens(text2)
    kind = "distance" if method == "wmd" else "cosine"
    if as_json:
        emit_json(
            {
                "method": method,
                kind: score,
                "tokens1": doc_tokens(text1, tok),
                "tokens2": doc_tokens(text2, tok),
                "oov1": oov1,
                "oov2": oov2,
            }
        )
        return
    t = Table(title=f"{method} {kind}", show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    t.add_row("text 1", escape(" ".join(doc_tokens(text1, tok))))
    t.add_row("text 2", escape(" ".join(doc_tokens(text2, tok))))
    if oov1 or oov2:
        t.add_row("dropped (OOV)", escape(f"{', '.join(oov1) or '-'}  |  {', '.join(oov2) or '-'}"))
    t.add_row(kind, f"[bold]{fmt_num(score)}[/bold]")
    io.out.print(t)


_LABEL = {"tfidf": "TF-IDF cosine", "mean": "mean cosine", "sif": "SIF cosine", "wmd": "WMD"}


def _table(path, pairs, method_list, corpus, as_json, cache) -> None:
    from wordspace.analysis.docfeatures import COMPARE_METHODS, compare

    docs = _corpus(corpus)
    wanted = method_list or COMPARE_METHODS
    if method_list is None:  # the default table: WMD only where POT is installed
        from wordspace.analysis.textsim import _emd2
        from wordspace.errors import MissingDependencyError

        try:
            _emd2()
        except MissingDependencyError:
            wanted = tuple(m for m in wanted if m != "wmd")
    needs_wv = any(m != "tfidf" for m in wanted)
    wv = load(path, cache=cache) if needs_wv else None
    res = compare(pairs, wv, methods=wanted, background=docs)
    extremes = {
        m: {"most_similar": res.most_similar(m), "least_similar": res.least_similar(m)}
        for m in res.scores
    }
    if as_json:
        emit_json(
            {
                "methods": list(res.scores),
                "fitted_on": res.fitted_on,
                "pairs": res.rows(),
                "extremes": extremes,
            }
        )
        return
    t = Table(title="text similarity (cosines: higher is closer; WMD: lower is closer)")
    t.add_column("#", justify="right")
    t.add_column("text A")
    t.add_column("text B")
    for m in res.scores:
        t.add_column(_LABEL[m], justify="right")
    for i, (a, b) in enumerate(res.pairs):
        t.add_row(
            str(i + 1),
            escape(str(a)),
            escape(str(b)),
            *(fmt_num(res.scores[m][i]) for m in res.scores),
        )
    io.out.print(t)
    io.out.print(f"TF-IDF and SIF fitted on {res.fitted_on}", markup=False)
    for m, e in extremes.items():
        io.out.print(
            f"{_LABEL[m]}: most similar #{e['most_similar'] + 1}, "
            f"least similar #{e['least_similar'] + 1}",
            markup=False,
        )
