"""``wordspace train word2vec``."""

from __future__ import annotations

import time
from typing import Annotated

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
    interruptible,
    io,
    long_run_params,
    need_file,
    output_layout,
    progress_bar,
    resumed,
    signature_default,
    stop_interrupted,
    vector_output,
    write_vectors,
)
from wordspace.cli.options import EPOCHS, LR, VECTOR_SIZE, WORKERS
from wordspace.cli.phrases import PhrasesOpt, phrased_source
from wordspace.errors import ParameterError
from wordspace.train.word2vec import Word2Vec

D = Word2Vec  # defaults come from the estimator's signature
OUTPUT_HELP = (
    "Where to save (default: next to the corpus, corpus.wsv): .wsv (full model, can "
    "be trained further), .txt (word2vec text), .vec (fastText), .bin (binary)."
)
FORMAT_HELP = "native | word2vec | word2vec-binary | glove | fasttext; default: by extension."


# the options of training on a Dask cluster (train word2vec and train fasttext)
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        help="Train on a Dask cluster (tcp://host:8786); CORPUS may then be a glob pattern "
        "of many files, or an fsspec URL (s3://bucket/shard-*.txt.gz)."
    ),
]
SyncWordsOpt = Annotated[
    int | None,
    typer.Option(
        help="With --scheduler: words each worker trains between synchronisations (default: from the vocabulary and the workers)."
    ),
]
StalenessOpt = Annotated[
    int | None,
    typer.Option(
        help="With --scheduler: rounds a worker may start before the last merges arrived "
        "(0, default; 1 or 2 overlap the exchange with training)."
    ),
]
DeltaDtypeOpt = Annotated[
    str | None,
    typer.Option(
        help="With --scheduler: precision of the rows sent each round: float32 (default) "
        "or float16 (half the bytes)."
    ),
]


def check_cluster_options(
    scheduler: str | None, sync_words: int | None, staleness: int | None, delta_dtype: str | None
) -> None:
    """The cluster options, checked before anything is read (errors name the options)."""
    if staleness is not None and staleness not in (0, 1, 2):
        raise ParameterError(f"--staleness must be 0, 1 or 2, got {staleness}")
    if delta_dtype is not None and delta_dtype not in ("float32", "float16"):
        raise ParameterError(f"--delta-dtype must be float32 or float16, got {delta_dtype!r}")
    given = [
        name
        for name, value in (
            ("--sync-words", sync_words),
            ("--staleness", staleness),
            ("--delta-dtype", delta_dtype),
        )
        if value is not None
    ]
    if scheduler is None and given:
        raise ParameterError(f"{', '.join(given)} need(s) --scheduler (a Dask cluster)")


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
    from wordspace.distributed._engine import connect

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
    model.set_params(
        **long_run_params(
            every=checkpoint_every,
            path=checkpoint_path,
            resume=resume,
            on_interrupt=on_interrupt,
            output=out,
            fmt=fmt,
            inputs={"CORPUS": corpus},
        )
    )
    model = resumed(model, resume)
    name = corpus if corpus is not None else "embedded Brown corpus"
    t0 = time.perf_counter()
    source = phrased_source(corpus, phrases, lowercase=lowercase)
    with interruptible() as signals:
        try:
            with (
                progress_bar(f"word2vec {'sg' if sg else 'cbow'}", enabled=not as_json) as update,
                connect(scheduler) as client,
            ):
                model.fit(
                    source,
                    progress=signals["watch"](update),
                    client=client,
                    sync_words=sync_words,
                    staleness=staleness,
                    delta_dtype=delta_dtype,
                )
        except KeyboardInterrupt:
            stop_interrupted(
                model,
                signals["signum"],
                out=out,
                fmt=fmt,
                on_interrupt=on_interrupt,
                checkpoint=model.checkpoint_path,
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


def report_run(
    model,
    title: str,
    *,
    name: str,
    out: str,
    fmt: str,
    total_s: float,
    epochs: int,
    loss: bool,
    as_json: bool,
    settings: str,
    min_count: int,
    workers: int,
    alpha: float,
    extra: dict | None = None,
    extra_rows: tuple[tuple[str, str], ...] = (),
) -> None:
    """The summary of a word2vec-engine run (Word2Vec, FastText): JSON or a table."""
    words = sum(s["words"] for s in model.epoch_stats_[-epochs:])
    data = {
        "corpus": name,
        "output": out,
        "format": fmt,
        "architecture": "skip-gram" if model.sg else "cbow",
        "vocabulary": len(model.wv),
        "dimension": model.wv.vector_size,
        **(extra or {}),
        "corpus_words": model.vocab_.total_words,
        "epochs": epochs,
        "vocab_seconds": round(model.vocab_seconds_, 3),
        "train_seconds": round(model.train_seconds_, 3),
        "total_seconds": round(total_s, 3),
        "words_per_sec": round(words / model.train_seconds_) if model.train_seconds_ else 0,
        "final_alpha": model.epoch_stats_[-1]["alpha_end"],
    }
    if loss:
        data["loss_per_epoch"] = model.loss_history_[-epochs:]
    sync = getattr(model, "sync_stats_", None)  # trained on a cluster (--scheduler)
    if sync is not None:
        keys = ("parts", "rounds", "sync_words", "staleness", "delta_dtype", "bytes_per_round",
                "bytes_total")  # fmt: skip
        data["cluster"] = {k: sync[k] for k in keys}
    if as_json:
        emit_json(data)
        return
    t = Table(title=title, show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    t.add_row("corpus", escape(str(name)))
    t.add_row("architecture", f"{data['architecture']}, {settings}")
    for label, text in extra_rows:
        t.add_row(label, text)
    t.add_row(
        "vocabulary",
        f"{len(model.wv):,} words (min count {min_count}) of {model.vocab_.total_words:,} tokens",
    )
    t.add_row("epochs", str(epochs))
    t.add_row(
        "time", f"vocabulary {data['vocab_seconds']:.1f} s, training {data['train_seconds']:.1f} s"
    )
    t.add_row("speed", f"{data['words_per_sec']:,} words/s ({workers} workers)")
    t.add_row("learning rate", f"{alpha:g} -> {data['final_alpha']:.6f}")
    if loss:
        t.add_row("loss per epoch", " ".join(f"{x:.4g}" for x in data["loss_per_epoch"]))
    if sync is not None:
        c = data["cluster"]
        t.add_row(
            "cluster",
            f"{c['parts']} parts, {c['rounds']} rounds of {c['sync_words']:,} words, "
            f"{c['bytes_per_round'] / 1e6:.1f} MB a round ({c['delta_dtype']}, "
            f"staleness {c['staleness']})",
        )
    t.add_row("saved", escape(f"{out} ({fmt})"))
    io.out.print(t)
