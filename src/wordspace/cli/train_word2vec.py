"""``wordspace train word2vec``."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from wordspace.cli._app import train_app
from wordspace.cli._common import (
    CheckpointEveryOpt,
    CheckpointPathOpt,
    JsonOpt,
    OnInterruptOpt,
    ResumeOpt,
    check_output,
    epilog,
    finish_checkpoints,
    fit_interruptibly,
    need_file,
    output_layout,
    signature_default,
    start_long_run,
    vector_output,
    write_vectors,
)
from wordspace.cli._engine_run import (
    DeltaDtypeOpt,
    SchedulerOpt,
    StalenessOpt,
    SyncWordsOpt,
    check_cluster_options,
    report_run,
)
from wordspace.cli.options import EPOCHS, LR, VECTOR_SIZE, WORKERS
from wordspace.cli.phrases import PhrasesOpt, phrased_source
from wordspace.train.word2vec import Word2Vec

D = Word2Vec  # defaults come from the estimator's signature
OUTPUT_HELP = (
    "Where to save (default: next to the corpus, corpus.wsv): .wsv (full model, can "
    "be trained further), .txt (word2vec text), .vec (fastText), .bin (binary)."
)
FORMAT_HELP = "native | word2vec | word2vec-binary | glove | fasttext; default: by extension."


@train_app.command(
    "word2vec",
    epilog=epilog(
        "wordspace train word2vec corpus.txt -o w2v.wsv --sg --vector-size 100 --epochs 5"
    ),
)
def train_word2vec(
    corpus: Annotated[
        str | None,
        typer.Argument(
            help="Text file, one sentence per line (.gz/.bz2/.xz too). "
            "Default: the embedded Brown corpus (lowercased)."
        ),
    ] = None,
    output: Annotated[str | None, typer.Option("-o", "--output", help=OUTPUT_HELP)] = None,
    fmt: Annotated[str | None, typer.Option("--format", help=FORMAT_HELP)] = None,
    sg: Annotated[bool, typer.Option("--sg/--cbow", help="Skip-gram or CBOW.")] = False,
    hs: Annotated[bool, typer.Option("--hs/--no-hs", help="Hierarchical softmax.")] = False,
    negative: Annotated[
        int, typer.Option(help="Negative samples (0: none, needs --hs).")
    ] = signature_default(D, "negative"),
    ns_exponent: Annotated[
        float, typer.Option(help="Exponent of the negative-sampling distribution.")
    ] = signature_default(D, "ns_exponent"),
    window: Annotated[int, typer.Option(help="Context window.")] = signature_default(D, "window"),
    vector_size: Annotated[
        int, typer.Option(*VECTOR_SIZE, help="Vector dimension.")
    ] = signature_default(D, "vector_size"),
    min_count: Annotated[int, typer.Option(help="Ignore rarer words.")] = signature_default(
        D, "min_count"
    ),
    max_final_vocab: Annotated[
        int | None, typer.Option(help="Keep at most N words (raising the effective min count).")
    ] = signature_default(D, "max_final_vocab"),
    sample: Annotated[
        float, typer.Option(help="Subsampling threshold (0: off).")
    ] = signature_default(D, "sample"),
    epochs: Annotated[
        int, typer.Option(*EPOCHS, help="Passes over the corpus.")
    ] = signature_default(D, "epochs"),
    workers: Annotated[int, typer.Option(*WORKERS, help="Training threads.")] = signature_default(
        D, "workers"
    ),
    lr: Annotated[
        float,
        typer.Option(
            *LR,
            "--alpha",
            help="Initial learning rate (the library's and gensim's default for skip-gram "
            "and CBOW; the C tool starts CBOW at 0.05).",
        ),
    ] = signature_default(D, "alpha"),
    min_lr: Annotated[
        float, typer.Option("--min-lr", "--min-alpha", help="Final learning rate.")
    ] = signature_default(D, "min_alpha"),
    seed: Annotated[int, typer.Option(help="Random seed.")] = signature_default(D, "seed"),
    lowercase: Annotated[
        bool, typer.Option("--lowercase/--no-lowercase", help="Lowercase tokens.")
    ] = signature_default(D, "lowercase"),
    loss: Annotated[
        bool, typer.Option("--loss/--no-loss", help="Compute the training loss.")
    ] = signature_default(D, "compute_loss"),
    shared_negatives: Annotated[
        bool,
        typer.Option(
            "--shared-negatives/--no-shared-negatives",
            help="Skip-gram: share one draw of negative samples across each window (faster).",
        ),
    ] = signature_default(D, "shared_negatives"),
    checkpoint_every: CheckpointEveryOpt = None,
    checkpoint_path: CheckpointPathOpt = None,
    resume: ResumeOpt = None,
    on_interrupt: OnInterruptOpt = "discard",
    scheduler: SchedulerOpt = None,
    sync_words: SyncWordsOpt = None,
    staleness: StalenessOpt = None,
    delta_dtype: DeltaDtypeOpt = None,
    phrases: PhrasesOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """Train word2vec (skip-gram or CBOW) on a corpus and save the model.

    Ctrl-C (or SIGTERM) stops training and exits 130 (143) without writing anything, unless
    --on-interrupt save; --checkpoint-every writes checkpoints that --resume continues."""
    alpha = lr
    model = Word2Vec(
        vector_size=vector_size,
        window=window,
        min_count=min_count,
        sg=int(sg),
        hs=int(hs),
        negative=negative,
        ns_exponent=ns_exponent,
        sample=sample,
        alpha=alpha,
        min_alpha=min_lr,
        epochs=epochs,
        workers=workers,
        seed=seed,
        max_final_vocab=max_final_vocab,
        lowercase=lowercase,
        compute_loss=loss,
        shared_negatives=shared_negatives,
    )
    model._validate()  # before reading anything or drawing a progress bar
    out, fmt = vector_output(corpus, output, fmt, "brown")
    inputs = {"CORPUS": corpus, "--resume": resume}
    check_output(out, layout=output_layout(out, fmt), inputs=inputs)
    check_cluster_options(scheduler, sync_words, staleness, delta_dtype)
    if scheduler is None:
        need_file(corpus, "CORPUS")
    model = start_long_run(
        model,
        every=checkpoint_every,
        path=checkpoint_path,
        resume=resume,
        on_interrupt=on_interrupt,
        output=out,
        fmt=fmt,
        inputs={"CORPUS": corpus},
    )
    name = corpus if corpus is not None else "embedded Brown corpus"
    t0 = time.perf_counter()
    source = phrased_source(corpus, phrases, lowercase=lowercase)
    fit_interruptibly(
        model,
        source,
        f"word2vec {'sg' if sg else 'cbow'}",
        as_json=as_json,
        scheduler=scheduler,
        on_interrupt=on_interrupt,
        out=out,
        fmt=fmt,
        sync_words=sync_words,
        staleness=staleness,
        delta_dtype=delta_dtype,
    )
    total_s = time.perf_counter() - t0
    write_vectors(model, out, fmt)
    finish_checkpoints(model)
    report_run(
        model,
        "word2vec training",
        name=name,
        out=out,
        fmt=fmt,
        total_s=total_s,
        epochs=epochs,
        loss=loss,
        as_json=as_json,
        settings=f"{'hs + ' if hs else ''}negative {negative}, window {window}, "
        f"vector size {vector_size}",
        min_count=min_count,
        workers=workers,
        alpha=alpha,
    )
