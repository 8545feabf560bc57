"""``wordspace train fasttext``."""

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
from wordspace.train.fasttext import FastText

D = FastText  # defaults come from the estimator's signature
OUTPUT_HELP = (
    "Where to save (default: next to the corpus, corpus.wsv): .wsv (full model with "
    "n-grams, can be trained further), .bin (Facebook fastText model, readable by "
    "the official tool), .vec or .txt (the vocabulary's vectors only)."
)
FORMAT_HELP = (
    "native | fasttext-bin | fasttext (.vec) | word2vec | word2vec-binary | glove; "
    "default: by extension (.bin: fasttext-bin)."
)


@train_app.command(
    "fasttext", epilog=epilog("wordspace train fasttext corpus.txt -o ft.wsv --minn 3 --maxn 6")
)
def train_fasttext(
    corpus: Annotated[
        str | None,
        typer.Argument(
            help="Text file, one sentence per line (.gz/.bz2/.xz too). "
            "Default: the embedded Brown corpus (lowercased)."
        ),
    ] = None,
    output: Annotated[str | None, typer.Option("-o", "--output", help=OUTPUT_HELP)] = None,
    fmt: Annotated[str | None, typer.Option("--format", help=FORMAT_HELP)] = None,
    sg: Annotated[
        bool, typer.Option("--sg/--cbow", help="Skip-gram (the default, as fastText) or CBOW.")
    ] = bool(signature_default(D, "sg")),
    hs: Annotated[bool, typer.Option("--hs/--no-hs", help="Hierarchical softmax.")] = False,
    negative: Annotated[
        int, typer.Option("--negative", "--neg", help="Negative samples (0: none, needs --hs).")
    ] = signature_default(D, "negative"),
    window: Annotated[
        int, typer.Option("--window", "--ws", help="Context window.")
    ] = signature_default(D, "window"),
    vector_size: Annotated[
        int, typer.Option(*VECTOR_SIZE, help="Vector dimension.")
    ] = signature_default(D, "vector_size"),
    min_count: Annotated[
        int, typer.Option("--min-count", "--minCount", help="Ignore rarer words.")
    ] = signature_default(D, "min_count"),
    minn: Annotated[
        int, typer.Option(help="Shortest character n-gram (with < > markers).")
    ] = signature_default(D, "minn"),
    maxn: Annotated[
        int, typer.Option(help="Longest character n-gram (0: no n-grams).")
    ] = signature_default(D, "maxn"),
    bucket: Annotated[
        int | None,
        typer.Option(
            help="Hash rows for n-grams (memory: bucket x dim x 4 bytes). Default: 10 per "
            "vocabulary word, 100,000 to 2,000,000 (fastText's fixed default: 2000000)."
        ),
    ] = signature_default(D, "bucket"),
    sample: Annotated[
        float, typer.Option("--sample", "-t", help="Subsampling threshold (0: off).")
    ] = signature_default(D, "sample"),
    epochs: Annotated[
        int, typer.Option(*EPOCHS, help="Passes over the corpus.")
    ] = signature_default(D, "epochs"),
    workers: Annotated[int, typer.Option(*WORKERS, help="Training threads.")] = signature_default(
        D, "workers"
    ),
    lr: Annotated[
        float, typer.Option(*LR, "--alpha", help="Initial learning rate.")
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
    """Train fastText (word2vec over character n-grams: vectors for unseen words too).

    Ctrl-C (or SIGTERM) stops training and exits 130 (143) without writing anything, unless
    --on-interrupt save; --checkpoint-every writes checkpoints that --resume continues."""
    model = FastText(
        vector_size=vector_size,
        window=window,
        min_count=min_count,
        sg=int(sg),
        hs=int(hs),
        negative=negative,
        sample=sample,
        alpha=lr,
        min_alpha=min_lr,
        epochs=epochs,
        workers=workers,
        seed=seed,
        minn=minn,
        maxn=maxn,
        bucket=bucket,
        lowercase=lowercase,
        compute_loss=loss,
    )
    model._validate()  # before reading anything or drawing a progress bar
    facebook = fmt == "fasttext-bin" or (
        fmt is None and output is not None and output.lower().endswith(".bin")
    )
    inputs = {"CORPUS": corpus, "--resume": resume}
    if facebook:
        out, fmt = output or "model.bin", "fasttext-bin"
        check_output(out, layout="file", inputs=inputs)
    else:
        out, fmt = vector_output(corpus, output, fmt, "brown")
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
        f"fasttext {'sg' if sg else 'cbow'}",
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
    if facebook:
        model.save_facebook_model(out)
    else:
        write_vectors(model, out, fmt)
    finish_checkpoints(model)
    ngrams = (
        f"{model.wv.minn}-{model.wv.maxn} characters in {model.wv.bucket:,} buckets"
        if model.wv.maxn
        else "none (word2vec)"
    )
    report_run(
        model,
        "fastText training",
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
        alpha=lr,
        extra={"minn": model.wv.minn, "maxn": model.wv.maxn, "bucket": model.wv.bucket},
        extra_rows=(("n-grams", ngrams),),
    )
