"""``wordspace phrases``: learn collocations ("new york" -> ``new_york``) and write the joined
corpus; :func:`phrased_corpus` is what ``train ... --phrases N`` uses (no file written)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated, Any, cast

import typer
from rich.markup import escape
from rich.table import Table

from wordspace.cli._app import app
from wordspace.cli._common import (
    JsonOpt,
    check_output,
    emit_json,
    epilog,
    io,
    need_file,
    signature_default,
)
from wordspace.errors import ParameterError
from wordspace.text.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

D = Phrases
CONNECTOR_HELP = (
    "Words allowed inside a phrase (bank_of_america): english (gensim's "
    "ENGLISH_CONNECTOR_WORDS), none, or a comma-separated list."
)


def connector_words(spec: str) -> frozenset[str]:
    """``--connector-words``: ``english``, ``none`` or ``w1,w2,...``."""
    s = spec.strip()
    if s.lower() == "english":
        return ENGLISH_CONNECTOR_WORDS
    if s.lower() in ("none", ""):
        return frozenset()
    words = [w.strip() for w in s.split(",")]
    if any(not w or any(c.isspace() for c in w) for w in words):
        raise ParameterError(
            f"--connector-words must be english, none or comma-separated "
            f"words without spaces, got {spec!r}"
        )
    return frozenset(words)


def phrased_corpus(
    source: str | os.PathLike, passes: int, *, lowercase: bool = False, **params: Any
):
    """A :class:`~wordspace.Corpus` of ``source`` with ``passes`` phrase passes learned on it
    (bigrams, then trigrams ...), its joined scan already in memory (the file is read once)."""
    from wordspace.text.corpus import Corpus
    from wordspace.text.phrases import _learn

    params.setdefault("connector_words", ENGLISH_CONNECTOR_WORDS)
    base = Corpus(source, lowercase=lowercase)
    phs, sc = _learn(base, passes, **params)
    corpus = Corpus(source, lowercase=lowercase, phrases=phs)
    corpus._scan = sc
    return corpus


#: ``--phrases N`` of the train commands (word2vec, fasttext, glove)
PhrasesOpt = Annotated[
    int,
    typer.Option(
        "--phrases",
        help="First learn N phrase passes (new_york, then new_york_city; see "
        "`wordspace phrases`) and train on the joined text, nothing written to disk (0: none).",
    ),
]


def phrased_source(corpus: str | None, passes: int, *, lowercase: bool) -> Any:
    """What a train command fits on: ``corpus`` (or the embedded Brown corpus when None) as
    given, or with ``passes`` phrase passes learned on it (``--phrases``)."""
    from wordspace.text.corpus import embedded_corpus

    if not isinstance(passes, int) or passes < 0:
        raise ParameterError(f"--phrases must be an integer >= 0, got {passes}")
    if not passes:
        return corpus if corpus is not None else embedded_corpus("brown")
    brown = cast(Path, embedded_corpus("brown").source)  # an embedded corpus is a file
    return phrased_corpus(
        corpus if corpus is not None else brown, passes, lowercase=lowercase or corpus is None
    )


def _export_paths(export: str, passes: int) -> list[Path]:
    p = Path(export)
    if passes == 1:
        return [p]
    return [p.with_name(f"{p.stem}-{k + 1}{p.suffix}") for k in range(passes)]


@app.command(
    "phrases",
    epilog=epilog(
        "wordspace phrases corpus.txt -o phrased.txt --passes 2 --threshold 10",
        "wordspace phrases corpus.txt --scoring npmi --threshold 0.5 --export phrases.json",
    ),
)
def phrases(
    corpus: Annotated[
        str, typer.Argument(help="Text file, one sentence per line (.gz/.bz2/.xz too).")
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="Write the joined corpus here, one sentence per line "
            "(.gz/.bz2/.xz compress). Default: corpus.phrases.txt beside the input.",
        ),
    ] = None,
    passes: Annotated[
        int,
        typer.Option(
            help="Phrase passes: 1 joins pairs, 2 also joins pairs of joined tokens "
            "(new_york_city) ..."
        ),
    ] = 2,
    min_count: Annotated[int, typer.Option(help="Ignore rarer pairs.")] = signature_default(
        D, "min_count"
    ),
    threshold: Annotated[
        float,
        typer.Option(
            help="Score a pair must exceed (default scoring: > 0, e.g. 10; npmi: in [-1, 1], "
            "e.g. 0.5)."
        ),
    ] = signature_default(D, "threshold"),
    scoring: Annotated[
        str, typer.Option(help="default (Mikolov et al.) | npmi.")
    ] = signature_default(D, "scoring"),
    connector: Annotated[str, typer.Option("--connector-words", help=CONNECTOR_HELP)] = "english",
    max_vocab_size: Annotated[
        int | None,
        typer.Option(
            help="Most distinct words + pairs kept while counting (rare ones pruned as gensim "
            "does)."
        ),
    ] = signature_default(D, "max_vocab_size"),
    delimiter: Annotated[str, typer.Option(help="Glue of joined tokens.")] = signature_default(
        D, "delimiter"
    ),
    lowercase: Annotated[
        bool, typer.Option("--lowercase/--no-lowercase", help="Lowercase tokens.")
    ] = False,
    export: Annotated[
        str | None,
        typer.Option(
            help="Also save the phrase tables as JSON (with --passes N > 1: NAME-1.json ... "
            "NAME-N.json), for Corpus(path, phrases=[...])."
        ),
    ] = None,
    top: Annotated[int, typer.Option(help="Show the N best phrases of each pass.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Learn phrases (gensim's Phrases: new york -> new_york) and write the joined corpus."""
    from wordspace._files import atomic_path, open_write

    params: dict[str, Any] = dict(
        min_count=min_count,
        threshold=threshold,
        scoring=scoring,
        connector_words=connector_words(connector),
        max_vocab_size=max_vocab_size,
        delimiter=delimiter,
    )
    Phrases(**params)._validate()  # before reading anything
    if passes < 1:
        raise ParameterError(f"--passes must be an integer >= 1, got {passes}")
    if top < 0:
        raise ParameterError(f"--top must be an integer >= 0, got {top}")
    need_file(corpus, "CORPUS")
    out = output if output is not None else str(Path(corpus).with_suffix("")) + ".phrases.txt"
    check_output(out, inputs={"CORPUS": corpus})
    exports = _export_paths(export, passes) if export is not None else []
    for p in exports:
        check_output(p, inputs={"CORPUS": corpus, "-o/--output": out}, option="--export")
    t0 = time.perf_counter()
    c = phrased_corpus(corpus, passes, lowercase=lowercase, **params)
    learn_s = time.perf_counter() - t0
    sc = c._scan
    types = sc.types
    starts = sc.sentence_starts.tolist()
    with atomic_path(out) as tmp, open_write(tmp, out) as fh:
        import numpy as np

        names = np.array(types, dtype=object)
        raw = sc.raw_ids
        for s in range(len(starts) - 1):
            fh.write((" ".join(names[raw[starts[s] : starts[s + 1]]]) + "\n").encode("utf-8"))
    for ph, p in zip(c.phrases, exports, strict=False):
        ph.export(p)
    total_s = time.perf_counter() - t0
    per_pass: list[dict[str, Any]] = []
    for ph in c.phrases:
        df = ph.phrases_.head(top)
        per_pass.append(
            {
                "phrases": len(ph),
                "top": [
                    {"phrase": r.phrase, "count": int(r.count), "score": float(r.score)}
                    for r in df.itertuples()
                ],
            }
        )
    data = {
        "corpus": corpus,
        "output": out,
        "exported": [str(p) for p in exports],
        "passes": per_pass,
        "tokens_out": int(sc.total_words),
        "sentences": len(starts) - 1,
        "learn_seconds": round(learn_s, 3),
        "total_seconds": round(total_s, 3),
    }
    if as_json:
        emit_json(data)
        return
    t = Table(title="phrases", show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    t.add_row("corpus", escape(corpus))
    for k, pp in enumerate(per_pass):
        best = ", ".join(f"{x['phrase']} ({x['score']:.3g})" for x in pp["top"])
        t.add_row(
            f"pass {k + 1}", escape(f"{pp['phrases']:,} phrases" + (f": {best}" if best else ""))
        )
    t.add_row("time", f"learning {learn_s:.1f} s, total {total_s:.1f} s")
    t.add_row("saved", escape(out + "".join(f", {p}" for p in exports)))
    io.out.print(t)
