"""What ``train word2vec`` and ``train fasttext`` share: the Dask cluster options and the
summary of a run of the word2vec engine."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from wordspace.cli._common import emit_json, io
from wordspace.errors import ParameterError

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
        help="With --scheduler: words each worker trains between synchronisations "
        "(default: from the vocabulary and the workers)."
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
