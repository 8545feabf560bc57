"""``wordspace tune``: hyper-parameter search with held-out validation (Optuna)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import JustifyMethod
from rich.markup import escape
from rich.table import Table

from wordspace.cli._app import tune_app
from wordspace.cli._common import (
    JsonOpt,
    check_output,
    default_output,
    emit_json,
    epilog,
    fmt_num,
    io,
    need_file,
    output_layout,
    progress_bar,
    vector_format,
    write_vectors,
)
from wordspace.cli.options import VECTOR_SIZE, WORKERS
from wordspace.errors import ParameterError

Trials = Annotated[
    int | None,
    typer.Option(
        "--trials", help="Trials to run in this call (default 20; grid: every combination)."
    ),
]
Timeout = Annotated[float | None, typer.Option(help="Stop starting trials after SECONDS.")]
Seed = Annotated[int, typer.Option(help="Seed of the sampler and of the dev/test split.")]
Sampler = Annotated[str, typer.Option(help="tpe, random or grid.")]
Pruner = Annotated[str, typer.Option(help="median (stop hopeless trials) or none.")]
Storage = Annotated[
    str | None,
    typer.Option(
        help="Optuna storage, e.g. sqlite:///tune.db: resume, or tune from several processes."
    ),
]
StudyName = Annotated[str | None, typer.Option(help="Study name in --storage.")]
Space = Annotated[
    list[str] | None,
    typer.Option(
        "--space",
        help="NAME=LOW:HIGH, NAME=LOW:HIGH:log or NAME=A,B,C (repeat; default: the "
        "estimator's documented space).",
    ),
]
Set = Annotated[
    list[str] | None,
    typer.Option("--set", help="NAME=VALUE: a fixed estimator parameter (repeat)."),
]
Output = Annotated[
    str | None,
    typer.Option(
        "-o",
        "--output",
        help="Where to save the best model (default: next to the input, NAME.tuned.wsv).",
    ),
]
Plots = Annotated[str | None, typer.Option(help="Folder for history.png and importances.png.")]
Top = Annotated[int, typer.Option(help="Rows of the table of best trials.")]


def _scalar(text: str) -> Any:
    t = text.strip()
    if t in ("None", "none", "null"):
        return None
    if t in ("True", "true"):
        return True
    if t in ("False", "false"):
        return False
    for conv in (int, float):
        try:
            return conv(t)
        except ValueError:
            pass
    return t


def _split_eq(item: str, option: str) -> tuple[str, str]:
    name, sep, rest = item.partition("=")
    if not sep or not name.strip() or not rest.strip():
        raise ParameterError(f"{option} {item!r}: write NAME=VALUE")
    return name.strip().replace("-", "_"), rest.strip()


def parse_space(items: list[str] | None) -> dict[str, Any] | None:
    """``["alpha=1e-3:0.5:log", "sg=0,1"]`` -> ``{"alpha": (0.001, 0.5, "log"), "sg": [0, 1]}``."""
    if not items:
        return None
    space: dict[str, Any] = {}
    for item in items:
        name, rest = _split_eq(item, "--space")
        if ":" in rest:
            parts = rest.split(":")
            if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "log"):
                raise ParameterError(f"--space {item!r}: a range is LOW:HIGH or LOW:HIGH:log")
            lo, hi = _scalar(parts[0]), _scalar(parts[1])
            space[name] = (lo, hi, "log") if len(parts) == 3 else (lo, hi)
        else:
            space[name] = [_scalar(v) for v in rest.split(",")]
    return space


def parse_set(items: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items or []:
        name, value = _split_eq(item, "--set")
        out[name] = _scalar(value)
    return out


def _run(
    kind: str,
    est: Any,
    data: str,
    fit_kwargs: dict,
    *,
    metric: str | None,
    eval_data: dict,
    trials: int | None,
    timeout: float | None,
    seed: int,
    sampler: str,
    pruner: str,
    storage: str | None,
    study_name: str | None,
    space: list[str] | None,
    output: str | None,
    plots: str | None,
    top: int,
    as_json: bool,
    holdout: float = 0.3,
    restrict_vocab: int | None = 30000,
    data_obj: Any = None,
) -> None:
    from wordspace.tune.search import tune

    est._validate()  # before any work
    parsed = parse_space(space)
    out = output if output is not None else default_output(data, ".tuned.wsv", "tuned.wsv")
    fmt = vector_format(None, out, "--output")
    inputs: dict[str, str | None] = {"DATA": data}
    inputs.update({f"--eval {k}=": v for k, v in (eval_data or {}).items()})
    if storage is not None and storage.startswith("sqlite:///"):
        inputs["--storage"] = storage.removeprefix("sqlite:///") or None
    check_output(out, layout=output_layout(out, fmt), inputs=inputs)
    if plots is not None:
        for name in ("history.png", "importances.png"):
            check_output(
                Path(plots) / name,
                inputs={**inputs, "-o/--output": out},
                option="--plots",
            )
    with progress_bar(f"tune {kind}", total=trials, enabled=not as_json) as update:
        res = tune(
            est,
            data if data_obj is None else data_obj,
            fit_kwargs=fit_kwargs,
            space=parsed,
            metric=metric,
            n_trials=trials,
            timeout=timeout,
            seed=seed,
            sampler=sampler,
            pruner=pruner,
            storage=storage,
            study_name=study_name,
            holdout=holdout,
            eval_data=eval_data,
            restrict_vocab=restrict_vocab,
            progress=lambda done, total, **f: update(done, total, **f),
        )
    df = res.trials_
    states = df["state"].value_counts().to_dict() if len(df) else {}
    best = res.best_estimator_
    write_vectors(best, out, fmt)
    written = res.plots(plots) if plots is not None else []
    ok = (
        df[df["state"] == "COMPLETE"]
        .sort_values("dev", ascending=res.direction == "minimize")
        .head(top)
    )
    pcols = [c for c in df.columns if c.startswith("params_")]
    result = {
        "output": out,
        "metric": res.metric,
        "direction": res.direction,
        "best_params": res.best_params_,
        "best_dev": res.best_score_,
        "best_test": res.best_test_score_,
        "trials": len(df),
        "states": states,
        "study": res.study.study_name,
        "storage": storage,
        "plots": written,
        "top": [
            {
                "number": int(r["number"]),
                "dev": r["dev"],
                "test": r["test"],
                "seconds": r["seconds"],
                "params": {c[7:]: r[c] for c in pcols if not _missing(r[c])},
            }
            for _, r in ok.iterrows()
        ],
    }
    if as_json:
        emit_json(result)
        return
    t = Table(
        title=escape(
            f"best trials by dev {res.metric} ({len(df)} trials: "
            + ", ".join(f"{v} {k.lower()}" for k, v in states.items())
            + ")"
        )
    )
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("#", "right"),
        ("dev", "right"),
        ("test", "right"),
        ("s", "right"),
        ("parameters", "left"),
    )
    for col, just in columns:
        t.add_column(col, justify=just)
    for row in result["top"]:
        t.add_row(
            str(row["number"]),
            fmt_num(row["dev"]),
            fmt_num(row["test"]),
            fmt_num(row["seconds"], ".1f"),
            escape(", ".join(f"{k}={_short(v)}" for k, v in row["params"].items())),
        )
    io.out.print(t)
    io.out.print(escape(f"best model (trial {int(ok['number'].iloc[0])}) -> {out}"), markup=False)
    for p in written:
        io.out.print(escape(f"plot -> {p}"), markup=False)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _short(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _eval_files(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        name, path = _split_eq(item, "--eval")
        need_file(path, f"--eval {name}=")
        out[name] = path
    return out


Eval = Annotated[
    list[str] | None,
    typer.Option(
        "--eval",
        help="NAME=FILE: a word-pair (or analogy, NAME analogy...) file for --metric "
        "(repeat), e.g. simlex=simlex999.txt.",
    ),
]
Metric = Annotated[
    str | None,
    typer.Option(
        help="Dev score: names joined by + (analogy, ws353, or an --eval NAME); default "
        "analogy+ws353."
    ),
]
RestrictVocab = Annotated[
    int, typer.Option(help="Analogies and pairs use the N most frequent words (0: all).")
]


def _word_command(kind: str, cls_name: str):
    def command(
        corpus: Annotated[str, typer.Argument(help="Text file, one sentence per line.")],
        output: Output = None,
        trials: Trials = None,
        timeout: Timeout = None,
        metric: Metric = None,
        eval_files: Eval = None,
        restrict_vocab: RestrictVocab = 30000,
        space: Space = None,
        vector_size: Annotated[
            int | None,
            typer.Option(*VECTOR_SIZE, help="Vector dimension (fixed; default: the estimator's)."),
        ] = None,
        workers: Annotated[
            int | None, typer.Option(*WORKERS, help="Threads per trial (default: the estimator's).")
        ] = None,
        set_: Set = None,
        seed: Seed = 0,
        sampler: Sampler = "tpe",
        pruner: Pruner = "median",
        storage: Storage = None,
        study_name: StudyName = None,
        plots: Plots = None,
        top: Top = 10,
        as_json: JsonOpt = False,
    ) -> None:
        from wordspace import train

        cls = {
            "Word2Vec": train.word2vec.Word2Vec,
            "FastText": train.fasttext.FastText,
            "GloVe": train.glove.GloVe,
        }[cls_name]
        need_file(corpus, "CORPUS")
        params = parse_set(set_)
        if vector_size is not None:
            params["vector_size"] = vector_size
        if workers is not None:
            params["workers"] = workers
        est = _make(cls, params)
        _run(
            kind,
            est,
            corpus,
            {},
            metric=metric,
            eval_data=_eval_files(eval_files),
            trials=trials,
            timeout=timeout,
            seed=seed,
            sampler=sampler,
            pruner=pruner,
            storage=storage,
            study_name=study_name,
            space=space,
            output=output,
            plots=plots,
            top=top,
            as_json=as_json,
            restrict_vocab=restrict_vocab or None,
        )

    command.__doc__ = (
        f"Tune {cls_name} on a corpus: dev half of the analogy sections and "
        "word-pair sets to tune on, the other half reported as test."
    )
    return command


def _make(cls: type[Any], params: dict[str, Any]) -> Any:
    try:
        return cls(**params)
    except TypeError:
        bad = sorted(set(params) - set(cls._get_param_names()))
        raise ParameterError(
            f"--set: {cls.__name__} has no parameter {', '.join(map(repr, bad))}"
        ) from None


_EXAMPLES = {
    "word2vec": "wordspace tune word2vec corpus.txt --trials 2 --storage sqlite:///tune.db",
    "fasttext": "wordspace tune fasttext corpus.txt --trials 2 --set bucket=20000 -o ft.wsv",
    "glove": "wordspace tune glove corpus.txt --trials 2 --space window=2:10 "
    "--space epochs=5,10 -o best.wsv",
}
for _kind, _cls in (("word2vec", "Word2Vec"), ("fasttext", "FastText"), ("glove", "GloVe")):
    tune_app.command(_kind, epilog=epilog(_EXAMPLES[_kind]))(_word_command(_kind, _cls))


@tune_app.command(
    "valuevec",
    epilog=epilog(
        "wordspace tune valuevec colors.csv --word keyword --value estimated_value --trials 3",
        "wordspace tune valuevec colors.csv --word keyword --value estimated_value --article "
        "--sampler grid --space vector_size=10,50 --space alpha=0.05,0.1 -o grid.wsv",
    ),
)
def tune_valuevec(
    data: Annotated[str, typer.Argument(help="CSV / TSV / Parquet table (optionally .gz).")],
    word: Annotated[str | None, typer.Option(help="Column of words (a word-value table).")] = None,
    value: Annotated[str | None, typer.Option(help="Column of values.")] = None,
    text: Annotated[
        str | None,
        typer.Option(help="Column of texts (records; with --semantic-weight: joint training)."),
    ] = None,
    output: Output = None,
    trials: Trials = None,
    timeout: Timeout = None,
    metric: Annotated[
        str | None,
        typer.Option(help="value_alignment (values only), value_spearman or value_mae (joint)."),
    ] = None,
    holdout: Annotated[
        float,
        typer.Option(
            help="Share of word pairs (values only) or valued words (joint) held out, half dev, "
            "half test."
        ),
    ] = 0.3,
    space: Space = None,
    article: Annotated[
        bool,
        typer.Option(
            "--article/--no-article", help="Start from the article's settings (ValueVec.article)."
        ),
    ] = False,
    semantic_weight: Annotated[
        float | None, typer.Option(help="Joint training on --text (fixed unless in --space).")
    ] = None,
    workers: Annotated[int | None, typer.Option(*WORKERS, help="Threads per trial.")] = 1,
    set_: Set = None,
    seed: Seed = 0,
    sampler: Sampler = "tpe",
    pruner: Pruner = "median",
    storage: Storage = None,
    study_name: StudyName = None,
    plots: Plots = None,
    top: Top = 10,
    as_json: JsonOpt = False,
) -> None:
    """Tune ValueVec: held-out word pairs (values only) or hidden values (joint) score it."""
    from wordspace.train.valuevec.model import ValueVec
    from wordspace.train.valuevec.values import read_table

    if (word is None) == (text is None):
        raise ParameterError("give exactly one of --word (word-value table) or --text (records)")
    if value is None:
        raise ParameterError("give --value, the column of values")
    need_file(data, "DATA")
    params = parse_set(set_)
    params["workers"] = workers
    if semantic_weight is not None:
        params["semantic_weight"] = semantic_weight
    if article:
        unknown = sorted(set(params) - set(ValueVec._get_param_names()))
        if unknown:
            raise ParameterError(f"--set: ValueVec has no parameter {unknown[0]!r}")
        est = ValueVec.article(**params)
    else:
        est = _make(ValueVec, params)
    df = read_table(data)
    kw = {"word": word, "value": value} if word is not None else {"text": text, "value": value}
    _run(
        "valuevec",
        est,
        data,
        kw,
        metric=metric,
        eval_data={},
        trials=trials,
        timeout=timeout,
        seed=seed,
        sampler=sampler,
        pruner=pruner,
        storage=storage,
        study_name=study_name,
        space=space,
        output=output,
        plots=plots,
        top=top,
        as_json=as_json,
        holdout=holdout,
        data_obj=df,
    )
