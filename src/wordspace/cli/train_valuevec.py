"""``wordspace train valuevec``."""

from __future__ import annotations

import time
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
    fmt_num,
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
from wordspace.cli.values import (
    TRANSFORM_HELP,
    VALUE_SIZE_HELP,
    value_size_option,
    value_transform_option,
)
from wordspace.errors import ParameterError
from wordspace.train.valuevec.model import ValueVec

D = ValueVec  # defaults come from the estimator's signature
FORMAT_HELP = (
    "native | word2vec | word2vec-binary | glove | fasttext (the vectors only); "
    "default: by the output's extension."
)


@train_app.command(
    "valuevec",
    epilog=epilog(
        "wordspace train valuevec colors.csv --word keyword --value estimated_value --epochs 300"
    ),
)
def train_valuevec(
    data: Annotated[str, typer.Argument(help="CSV / TSV / Parquet table (optionally .gz).")],
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", help="Model path (default: next to the table, data.wsv)."),
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help=FORMAT_HELP)] = None,
    word: Annotated[str | None, typer.Option(help="Column of words (a word-value table).")] = None,
    value: Annotated[str | None, typer.Option(help="Column of values.")] = None,
    text: Annotated[
        str | None, typer.Option(help="Column of texts (records: a value per text).")
    ] = None,
    where: Annotated[
        str | None, typer.Option(help="Keep rows matching a pandas query, e.g. 'rating > 0'.")
    ] = None,
    value_transform: Annotated[str | None, typer.Option(help=TRANSFORM_HELP)] = signature_default(
        D, "value_transform"
    ),
    duplicates: Annotated[str, typer.Option(help="mean, median or error.")] = signature_default(
        D, "duplicates"
    ),
    min_count: Annotated[
        int, typer.Option(help="Records: keep words in >= N records.")
    ] = signature_default(D, "min_count"),
    prior_weight: Annotated[float, typer.Option(help="Records: shrinkage k.")] = signature_default(
        D, "prior_weight"
    ),
    vector_size: Annotated[
        int, typer.Option(*VECTOR_SIZE, help="Vector dimension.")
    ] = signature_default(D, "vector_size"),
    epochs: Annotated[int, typer.Option(*EPOCHS, help="Maximum epochs.")] = signature_default(
        D, "epochs"
    ),
    lr: Annotated[
        str, typer.Option(*LR, help="Learning rate, or auto (from the vocabulary size and method).")
    ] = signature_default(D, "alpha"),
    objective: Annotated[
        str, typer.Option(help="mse, cosent (a ranking loss) or auto.")
    ] = signature_default(D, "objective"),
    cosent_scale: Annotated[float, typer.Option(help="CoSENT's scale.")] = signature_default(
        D, "cosent_scale"
    ),
    semantic_weight: Annotated[
        float | None,
        typer.Option(
            help="Joint training: weight of skip-gram on the text (0..1) against the value pairs; "
            "needs --text or --corpus."
        ),
    ] = signature_default(D, "semantic_weight"),
    value_size: Annotated[str, typer.Option(help=VALUE_SIZE_HELP)] = signature_default(
        D, "value_size"
    ),
    corpus: Annotated[
        str | None,
        typer.Option(
            help="Joint training: a text corpus (one sentence per line) for a --word table."
        ),
    ] = None,
    text_window: Annotated[
        int, typer.Option(help="Joint training: skip-gram window.")
    ] = signature_default(D, "text_window"),
    text_negative: Annotated[
        int, typer.Option(help="Joint training: skip-gram negative samples.")
    ] = signature_default(D, "text_negative"),
    text_negatives_old: Annotated[int | None, typer.Option("--text-negatives", hidden=True)] = None,
    sample: Annotated[
        float, typer.Option(help="Joint training: subsampling threshold.")
    ] = signature_default(D, "sample"),
    text_lr: Annotated[
        float, typer.Option(help="Joint training: skip-gram learning rate.")
    ] = signature_default(D, "text_alpha"),
    text_epochs: Annotated[
        int, typer.Option(help="Joint training: passes over the text.")
    ] = signature_default(D, "text_epochs"),
    predictor: Annotated[
        str,
        typer.Option(
            help="predict_value: auto (text+ridge for joint models, else knn), knn, ridge, "
            "text or text+ridge."
        ),
    ] = signature_default(D, "predictor"),
    n_neighbors: Annotated[
        int, typer.Option(help="predict_value: neighbours for knn.")
    ] = signature_default(D, "n_neighbors"),
    ridge_alpha: Annotated[
        float, typer.Option(help="predict_value: ridge regularisation.")
    ] = signature_default(D, "ridge_alpha"),
    article: Annotated[
        bool,
        typer.Option(
            "--article/--no-article",
            help="The ValueVec article's exact settings; options given explicitly override them.",
        ),
    ] = False,
    window: Annotated[int, typer.Option(help="Positive pairs each side.")] = signature_default(
        D, "window"
    ),
    negative: Annotated[
        int, typer.Option(help="Negative (value-distant) pairs per word.")
    ] = signature_default(D, "negative"),
    negatives_old: Annotated[int | None, typer.Option("--negatives", hidden=True)] = None,
    method: Annotated[
        str, typer.Option(help="averaged (the article's) or adam.")
    ] = signature_default(D, "method"),
    batch_size: Annotated[int, typer.Option(help="Adam mini-batch size.")] = signature_default(
        D, "batch_size"
    ),
    patience: Annotated[
        int, typer.Option(help="Early-stopping checks (0: off).")
    ] = signature_default(D, "patience"),
    min_distance: Annotated[
        float, typer.Option(help="Smallest value distance of a negative pair (normalised values).")
    ] = signature_default(D, "min_distance"),
    positive_penalty: Annotated[str, typer.Option(help="quadratic or linear.")] = signature_default(
        D, "positive_penalty"
    ),
    positive_scale: Annotated[
        float, typer.Option(help="Positive penalty scale.")
    ] = signature_default(D, "positive_scale"),
    negative_penalty: Annotated[str, typer.Option(help="linear or quadratic.")] = signature_default(
        D, "negative_penalty"
    ),
    negative_scale: Annotated[
        float, typer.Option(help="Negative penalty scale.")
    ] = signature_default(D, "negative_scale"),
    unique_negatives: Annotated[
        bool,
        typer.Option(
            "--unique-negatives/--no-unique-negatives",
            help="Never repeat a negative word for a center.",
        ),
    ] = signature_default(D, "unique_negatives"),
    workers: Annotated[
        int | None,
        typer.Option(*WORKERS, help="Threads (joint training: 1 is reproducible bit for bit)."),
    ] = signature_default(D, "workers"),
    seed: Annotated[int, typer.Option(help="Random seed.")] = signature_default(D, "seed"),
    pairs_out: Annotated[
        str | None, typer.Option(help="Also write the training pairs as CSV.")
    ] = None,
    checkpoint_every: CheckpointEveryOpt = None,
    checkpoint_path: CheckpointPathOpt = None,
    resume: ResumeOpt = None,
    on_interrupt: OnInterruptOpt = "discard",
    as_json: JsonOpt = False,
    ctx: typer.Context = None,  # type: ignore[assignment]  # typer always passes the context
) -> None:
    """Train ValueVec: embeddings whose geometry follows a value (price, rating ...).

    Ctrl-C (or SIGTERM) stops training and exits 130 (143) without writing anything, unless
    --on-interrupt save; --checkpoint-every writes checkpoints (values-only and joint
    training) that --resume continues."""
    from wordspace.train.valuevec.values import read_table

    alpha: float | str = lr
    if lr != "auto":
        try:
            alpha = float(lr)
        except ValueError:
            raise ParameterError(f"--lr must be a number or auto, got {lr!r}") from None
    typed = {  # the options typed on the command line (their function parameter names)
        name
        for name in ctx.params
        if getattr(ctx.get_parameter_source(name), "name", "") == "COMMANDLINE"
    }
    # --negatives and --text-negatives: the names before 0.3, hidden aliases until 0.4
    for new, now in (("negative", negatives_old), ("text_negative", text_negatives_old)):
        if now is None:
            continue
        option, old_option = "--" + new.replace("_", "-"), "--" + new.replace("_", "-") + "s"
        if new in typed and ctx.params[new] != now:
            raise ParameterError(f"give it once: {option} ({old_option} is its old name)")
        typed.add(new)
        if new == "negative":
            negative = now
        else:
            text_negative = now
    params: dict[str, Any] = dict(
        vector_size=vector_size,
        window=window,
        negative=negative,
        epochs=epochs,
        alpha=alpha,
        method=method,
        objective=objective,
        cosent_scale=cosent_scale,
        batch_size=batch_size,
        patience=patience or None,
        min_distance=min_distance,
        positive_penalty=positive_penalty,
        positive_scale=positive_scale,
        negative_penalty=negative_penalty,
        negative_scale=negative_scale,
        unique_negatives=unique_negatives,
        duplicates=duplicates,
        value_transform=value_transform_option(value_transform),
        min_count=min_count,
        prior_weight=prior_weight,
        semantic_weight=semantic_weight,
        value_size=value_size_option(value_size),
        text_window=text_window,
        text_negative=text_negative,
        sample=sample,
        text_alpha=text_lr,
        text_epochs=text_epochs,
        predictor=predictor,
        n_neighbors=n_neighbors,
        ridge_alpha=ridge_alpha,
        workers=workers,
        seed=seed,
    )
    if article:  # the article's settings, overridden only by options typed on the command line
        cli_name = {"alpha": "lr", "text_alpha": "text_lr"}
        given = {k: v for k, v in params.items() if cli_name.get(k, k) in typed}
        vv = ValueVec.article(**given)
    else:
        vv = ValueVec(**params)
    vv._validate()  # before reading anything or drawing a progress bar
    if (word is None) == (text is None):
        raise ParameterError("give exactly one of --word (word-value table) or --text (records)")
    if value is None:
        raise ParameterError("give --value, the column of values")
    if corpus is not None:
        need_file(corpus, "--corpus")
    out, fmt = vector_output(data, output, fmt, "valuevec")
    inputs = {"DATA": data, "--corpus": corpus, "--resume": resume}
    check_output(out, layout=output_layout(out, fmt), inputs=inputs)
    if pairs_out:
        check_output(
            pairs_out, layout="file", inputs={**inputs, "-o/--output": out}, option="--pairs-out"
        )
    need_file(data, "DATA")
    vv.set_params(
        **long_run_params(
            every=checkpoint_every,
            path=checkpoint_path,
            resume=resume,
            on_interrupt=on_interrupt,
            output=out,
            fmt=fmt,
            inputs={"DATA": data, "--corpus": corpus, "--pairs-out": pairs_out},
        )
    )
    vv._validate()
    vv = resumed(vv, resume)
    df = read_table(data)
    if where:
        try:
            df = df.query(where)
        except Exception as e:  # pandas raises many kinds here
            raise ParameterError(f"--where {where!r} failed: {e}") from None
    t0 = time.perf_counter()
    with interruptible() as signals:
        try:
            with progress_bar("valuevec", total=epochs, enabled=not as_json) as update:
                vv.fit(
                    df,
                    word=word,
                    text=text,
                    value=value,
                    corpus=corpus,
                    progress=signals["watch"](
                        lambda done, total=None, **f: update(done, total, **f)
                    ),
                )
        except KeyboardInterrupt:
            stop_interrupted(
                vv,
                signals["signum"],
                out=out,
                fmt=fmt,
                on_interrupt=on_interrupt,
                checkpoint=vv.checkpoint_path,
            )
    seconds = time.perf_counter() - t0
    write_vectors(vv, out, fmt)
    finish_checkpoints(vv)
    if pairs_out:
        from wordspace._files import atomic_path

        with atomic_path(pairs_out) as tmp:
            vv.pairs_.to_frame().to_csv(tmp, index=False)
    al = vv.alignment()
    wvals = vv.word_values_.sort_values("value", ascending=False)
    kept = dict(vv.word_values_.attrs) if text is not None else {}
    result = {
        "output": out,
        "format": fmt,
        "words": len(vv.wv),
        **({"words_seen": kept["words_seen"], "records": kept["records"]} if kept else {}),
        "pairs": len(vv.pairs_),
        "epochs_trained": vv.epochs_trained_,
        "stopped_early": vv.stopped_early_,
        "seconds": seconds,
        "final_error": float(vv.loss_history_[-1]),
        "alignment": al,
        "value_transform": vv.value_transform_,
        "highest": wvals.head(10)[["word", "value"]].to_dict(orient="records"),
        "lowest": wvals.tail(10)[["word", "value"]].iloc[::-1].to_dict(orient="records"),
    }
    if as_json:
        emit_json(result)
        return
    t = Table(title=escape(f"ValueVec → {out}"), show_header=False)
    t.add_column("", style="bold")
    t.add_column("", justify="right")
    t.add_row("words / pairs", f"{len(vv.wv):,} / {len(vv.pairs_):,}")
    if kept:  # records: say what --min-count kept
        t.add_row(
            "words kept",
            f"{len(vv.word_values_):,} of {kept['words_seen']:,} "
            f"(in ≥ {kept['min_count']:,} of {kept['records']:,} records; --min-count)",
        )
    t.add_row("epochs", f"{vv.epochs_trained_:,}" + (" (early stop)" if vv.stopped_early_ else ""))
    t.add_row("seconds", f"{seconds:.2f}")
    t.add_row("value transform", str(vv.value_transform_ or "none"))
    t.add_row("mean |mapped cos − label|", fmt_num(result["final_error"]))
    t.add_row("Spearman(cos, −|Δvalue|)", fmt_num(al["spearman"]))
    t.add_row("|Spearman(PC1, value)|", fmt_num(al["pc1_spearman"]))
    t.add_row(
        f"{al['k']}-NN MAE (normalised value)",
        f"{fmt_num(al['knn_mae'])}  (predict-the-mean {fmt_num(al['knn_mae_baseline'])})",
    )
    t.add_row("highest", escape(", ".join(r["word"] for r in result["highest"][:5])))
    t.add_row("lowest", escape(", ".join(r["word"] for r in result["lowest"][:5])))
    io.out.print(t)
