"""``wordspace train glove``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from wordspace.cli._app import train_app
from wordspace.cli._common import (
    CheckpointEveryOpt,
    CheckpointPathOpt,
    JsonOpt,
    OnInterruptOpt,
    ResumeOpt,
    check_output,
    emit_json,
    epilog,
    finish_checkpoints,
    fit_interruptibly,
    io,
    need_file,
    output_layout,
    signature_default,
    start_long_run,
    vector_output,
    write_vectors,
)
from wordspace.cli.options import EPOCHS, LR, VECTOR_SIZE, WORKERS
from wordspace.cli.phrases import PhrasesOpt, phrased_source
from wordspace.errors import ParameterError
from wordspace.train.glove import GloVe

D = GloVe  # defaults come from the estimator's signature
OUTPUT_HELP = (
    "Where to save (default: next to the corpus, corpus.wsv): .wsv (native model), "
    ".txt (word2vec text), .vec (fastText), .bin (word2vec binary); see --format."
)
FORMAT_HELP = (
    "native | word2vec | word2vec-binary | glove (GloVe text: no header) | "
    "fasttext; default: by the output's extension."
)


@train_app.command(
    "glove",
    epilog=epilog("wordspace train glove corpus.txt -o glove.wsv --vector-size 50 --epochs 15"),
)
def train_glove(
    corpus: Annotated[
        str | None,
        typer.Argument(
            help="Text file, one sentence per line (.gz/.bz2/.xz too). May be left "
            "out with --cooccurrence."
        ),
    ] = None,
    output: Annotated[str | None, typer.Option("-o", "--output", help=OUTPUT_HELP)] = None,
    fmt: Annotated[str | None, typer.Option("--format", help=FORMAT_HELP)] = None,
    vector_size: Annotated[
        int, typer.Option(*VECTOR_SIZE, help="Vector dimension.")
    ] = signature_default(D, "vector_size"),
    window: Annotated[int, typer.Option(help="Context words on each side.")] = signature_default(
        D, "window"
    ),
    min_count: Annotated[int, typer.Option(help="Ignore rarer words.")] = signature_default(
        D, "min_count"
    ),
    max_final_vocab: Annotated[
        int | None, typer.Option(help="Keep at most N words (raising the effective min count).")
    ] = signature_default(D, "max_final_vocab"),
    epochs: Annotated[
        int, typer.Option(*EPOCHS, help="Passes over the co-occurrence non-zeros.")
    ] = signature_default(D, "epochs"),
    x_max: Annotated[
        float, typer.Option(help="Cutoff of the weighting function.")
    ] = signature_default(D, "x_max"),
    weight_exponent: Annotated[
        float,
        typer.Option(
            "--weight-exponent", help="Exponent of the weighting function (the paper's alpha)."
        ),
    ] = signature_default(D, "weight_exponent"),
    lr: Annotated[
        float,
        typer.Option(*LR, "--eta", "--learning-rate", help="AdaGrad's initial learning rate."),
    ] = signature_default(D, "alpha"),
    symmetric: Annotated[
        bool, typer.Option("--symmetric/--left-only", help="Context on both sides or left only.")
    ] = signature_default(D, "symmetric"),
    vectors: Annotated[
        str, typer.Option(help="Saved vectors: sum (word + context), word, concat.")
    ] = signature_default(D, "output"),
    workers: Annotated[int, typer.Option(*WORKERS, help="Training threads.")] = signature_default(
        D, "workers"
    ),
    memory: Annotated[
        float, typer.Option(help="GiB for counting co-occurrences.")
    ] = signature_default(D, "memory"),
    seed: Annotated[int, typer.Option(help="Random seed.")] = signature_default(D, "seed"),
    lowercase: Annotated[
        bool, typer.Option("--lowercase/--no-lowercase", help="Lowercase tokens.")
    ] = signature_default(D, "lowercase"),
    save_cooccurrence: Annotated[
        str | None, typer.Option(help="Also save the co-occurrence matrix (.npz) for reuse.")
    ] = None,
    cooccurrence: Annotated[
        str | None,
        typer.Option(help="Train on a saved co-occurrence matrix (.npz) instead of counting."),
    ] = None,
    checkpoint_every: CheckpointEveryOpt = None,
    checkpoint_path: CheckpointPathOpt = None,
    resume: ResumeOpt = None,
    on_interrupt: OnInterruptOpt = "discard",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Count on a Dask cluster (tcp://host:8786); CORPUS may then be a glob pattern "
            "of many files. Training runs here."
        ),
    ] = None,
    phrases: PhrasesOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """Train GloVe (co-occurrence counting + AdaGrad, as Stanford's C tool) and save it.

    Ctrl-C (or SIGTERM) stops training and exits 130 (143) without writing anything, unless
    --on-interrupt save; --checkpoint-every writes checkpoints that --resume continues."""
    model = GloVe(
        vector_size=vector_size,
        window=window,
        min_count=min_count,
        epochs=epochs,
        x_max=x_max,
        weight_exponent=weight_exponent,
        alpha=lr,
        symmetric=symmetric,
        memory=memory,
        workers=workers,
        seed=seed,
        output=vectors,
        max_final_vocab=max_final_vocab,
        lowercase=lowercase,
    )
    model._validate()  # before reading anything or drawing a progress bar
    if corpus is None and cooccurrence is None:
        raise ParameterError("give a CORPUS to train on (or --cooccurrence FILE.npz)")
    out, fmt = vector_output(corpus or cooccurrence, output, fmt, "glove")
    inputs = {"CORPUS": corpus, "--cooccurrence": cooccurrence, "--resume": resume}
    check_output(out, layout=output_layout(out, fmt), inputs=inputs)
    if save_cooccurrence:
        check_output(
            save_cooccurrence,
            layout="file",
            inputs={**inputs, "-o/--output": out},
            option="--save-cooccurrence",
        )
    if scheduler is None:
        need_file(corpus, "CORPUS")
    need_file(cooccurrence, "--cooccurrence")
    if phrases and (cooccurrence is not None or scheduler is not None):
        raise ParameterError(
            "--phrases joins the words of a CORPUS before counting; it cannot "
            f"be used with {'--cooccurrence' if cooccurrence else '--scheduler'}"
        )
    if resume is not None and save_cooccurrence:
        raise ParameterError(
            "--save-cooccurrence needs a counting run; a --resume run does "
            "not count again (save the matrix without --resume)"
        )
    model = start_long_run(
        model,
        every=checkpoint_every,
        path=checkpoint_path,
        resume=resume,
        on_interrupt=on_interrupt,
        output=out,
        fmt=fmt,
        inputs={
            "CORPUS": corpus,
            "--cooccurrence": cooccurrence,
            "--save-cooccurrence": save_cooccurrence,
        },
    )
    t0 = time.perf_counter()
    source = phrased_source(corpus, phrases, lowercase=lowercase) if phrases else corpus

    def show(update: Callable[..., None]) -> Callable[..., None]:
        def stage(done: int, total: int, **info: Any) -> None:
            if info.get("stage") == "training":
                short = {"epoch": info["epoch"]}
                if "loss" in info:
                    short["loss"] = info["loss"]
                update(done, total, **short)
            else:
                update(done, total, stage="counting")

        return stage

    fit_interruptibly(
        model,
        source,
        "glove",
        as_json=as_json,
        scheduler=scheduler,
        on_interrupt=on_interrupt,
        out=out,
        fmt=fmt,
        show=show,
        cooccurrence=cooccurrence,
    )
    total_s = time.perf_counter() - t0
    if save_cooccurrence:
        model.save_cooccurrence(save_cooccurrence)
    write_vectors(model, out, fmt)
    finish_checkpoints(model)
    data = {
        "corpus": corpus,
        "cooccurrence_file": cooccurrence,
        "output": out,
        "format": fmt,
        "vocabulary": len(model.wv),
        "dimension": model.wv.vector_size,
        "corpus_words": model.vocab.total_words,
        "nonzeros": model.nonzeros_,
        "epochs": epochs,
        "vocab_seconds": round(model.vocab_seconds_, 3),
        "cooccurrence_seconds": round(model.cooccurrence_seconds_, 3),
        "train_seconds": round(model.train_seconds_, 3),
        "total_seconds": round(total_s, 3),
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
    t.add_row("corpus", escape(str(corpus if corpus is not None else cooccurrence)))
    t.add_row(
        "settings",
        f"vector size {vector_size}, window {window} "
        f"({'symmetric' if symmetric else 'left'}), x_max {x_max:g}, weight exponent "
        f"{weight_exponent:g}, lr {lr:g}, {workers} workers",
    )
    t.add_row(
        "vocabulary",
        f"{len(model.wv):,} words (min count {min_count}) of {model.vocab.total_words:,} tokens",
    )
    t.add_row("co-occurrences", f"{model.nonzeros_:,} non-zeros")
    t.add_row(
        "time",
        f"vocabulary {data['vocab_seconds']:.1f} s, counting "
        f"{data['cooccurrence_seconds']:.1f} s, training {data['train_seconds']:.1f} s "
        f"({epochs} epochs)",
    )
    losses = model.loss_history_
    t.add_row("loss", f"{losses[0]:.4g} (epoch 1) -> {losses[-1]:.4g} (epoch {len(losses)})")
    t.add_row(
        "saved",
        escape(
            f"{out} ({fmt}, {vectors} vectors)"
            + (f"; co-occurrences {save_cooccurrence}" if save_cooccurrence else "")
        ),
    )
    io.out.print(t)
