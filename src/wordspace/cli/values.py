"""Values of words: ``predict-value`` (from a saved ValueVec model) and ``value-holdout``
(how well a joint meaning + value model predicts values it was never given)."""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table

from wordspace.cli._app import app
from wordspace.cli._common import (
    JsonOpt,
    emit_json,
    epilog,
    fmt_num,
    io,
    need_file,
    signature_default,
)
from wordspace.cli.options import EPOCHS, VECTOR_SIZE, WORKERS
from wordspace.errors import ParameterError
from wordspace.train.valuevec._core import _PREDICTORS as PREDICTORS
from wordspace.train.valuevec.model import ValueVec

PREDICTOR_HELP = (
    "auto (text+ridge for a joint model with text values, else knn), knn, ridge, "
    "text or text+ridge (joint models)."
)


TRANSFORM_HELP = (
    "auto (default: chosen from the values, see the model's metadata), none, log, log1p or rank."
)
VALUE_SIZE_HELP = "Joint training: dimensions the value loss acts on (auto: a third, rounded up)."


def value_transform_option(v: str | None) -> str | None:
    """``--value-transform``: ``none`` is no transform (the library's None)."""
    if v is None or v.strip().lower() == "none":
        return None
    return v


def value_size_option(v: str) -> int | str:
    """``--value-size``: ``auto`` or a whole number."""
    if v.strip().lower() == "auto":
        return "auto"
    try:
        return int(v)
    except ValueError:
        raise ParameterError(
            f"--value-size must be auto or a whole number of dimensions, got {v!r}"
        ) from None


def _back(value: float, transform: Any) -> float | None:
    """A value on the training scale back on the table's scale (None if unknown)."""
    if transform is None:
        return value
    if transform == "log":
        return math.exp(value)
    if transform == "log1p":
        return math.expm1(value)
    return None


def _check_predictor(predictor: str | None) -> None:
    if predictor is not None and predictor not in PREDICTORS:
        raise ParameterError(
            f"--predictor must be one of {', '.join(PREDICTORS)}; got {predictor!r}"
        )


@app.command(
    "predict-value",
    epilog=epilog(
        "wordspace predict-value values.wsv crimson light-gold",
        "wordspace predict-value values.wsv crimson --predictor ridge --json",
    ),
)
def predict_value(
    model: Annotated[str, typer.Argument(help="A saved ValueVec model (.wsv).")],
    words: Annotated[list[str], typer.Argument(help="Words whose value to predict.")],
    predictor: Annotated[
        str | None, typer.Option(help=PREDICTOR_HELP + " Default: the model's.")
    ] = None,
    n_neighbors: Annotated[
        int | None, typer.Option(help="knn: valued neighbours to average (default: the model's).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Predict words' values from their valued neighbours, including words never given one.

    A word that has a value is predicted from the other valued words (leave-one-out), so the
    prediction can be compared with its given value.
    """
    _check_predictor(predictor)
    if n_neighbors is not None and n_neighbors < 1:
        raise ParameterError(f"--n-neighbors must be >= 1, got {n_neighbors}")
    need_file(model, "MODEL")
    vv = ValueVec.load(model)
    pred = np.atleast_1d(
        vv.predict_value(list(words), predictor=predictor, n_neighbors=n_neighbors)
    )
    given = dict(zip(vv.pairs_.words, map(float, vv.pairs_.values), strict=True))
    transform = getattr(vv, "value_transform_", None)
    rows: list[dict[str, Any]] = []
    for w, p in zip(words, pred, strict=True):
        g = given.get(w)
        rows.append(
            {
                "word": w,
                "predicted": float(p),
                "given": g,
                "predicted_original": _back(float(p), transform),
                "given_original": None if g is None else _back(g, transform),
            }
        )
    if as_json:
        emit_json(
            {
                "model": model,
                "predictor": vv._predictor(predictor),
                "value_transform": transform if isinstance(transform, str | None) else "custom",
                "predictions": rows,
            }
        )
        return
    scale = f" ({transform})" if isinstance(transform, str) else ""
    t = Table(
        title=escape(
            f"predicted values: {model}  ({vv._predictor(predictor)}, training scale{scale})"
        )
    )
    t.add_column("word")
    t.add_column("predicted", justify="right")
    t.add_column("given", justify="right")
    if isinstance(transform, str):
        t.add_column("predicted (original scale)", justify="right")
    for r in rows:
        cells = [
            escape(r["word"]),
            fmt_num(r["predicted"]),
            "-" if r["given"] is None else fmt_num(r["given"]),
        ]
        if isinstance(transform, str):
            cells.append(fmt_num(r["predicted_original"], ",.2f"))
        t.add_row(*cells)
    t.caption = "given: the word's own value, hidden from its prediction; - : none was given"
    io.out.print(t)


D = ValueVec


@app.command(
    "value-holdout",
    epilog=epilog(
        "wordspace value-holdout listings.csv --text name --value price --value-transform log"
    ),
)
def value_holdout(
    data: Annotated[str, typer.Argument(help="CSV / TSV / Parquet table of records.")],
    text: Annotated[str, typer.Option(help="Column of texts.")],
    value: Annotated[str, typer.Option(help="Column of values.")],
    semantic_weight: Annotated[
        float, typer.Option(help="Weight of skip-gram on the text (0..1) against the value pairs.")
    ] = 0.8,
    value_transform: Annotated[str | None, typer.Option(help=TRANSFORM_HELP)] = signature_default(
        D, "value_transform"
    ),
    value_size: Annotated[str, typer.Option(help=VALUE_SIZE_HELP)] = signature_default(
        D, "value_size"
    ),
    min_count: Annotated[int, typer.Option(help="Keep words in >= N records.")] = signature_default(
        D, "min_count"
    ),
    vector_size: Annotated[
        int, typer.Option(*VECTOR_SIZE, help="Vector dimension.")
    ] = signature_default(D, "vector_size"),
    epochs: Annotated[
        int, typer.Option(*EPOCHS, help="Maximum epochs of the value pairs.")
    ] = signature_default(D, "epochs"),
    text_epochs: Annotated[int, typer.Option(help="Passes over the text.")] = signature_default(
        D, "text_epochs"
    ),
    predictor: Annotated[str, typer.Option(help=PREDICTOR_HELP)] = signature_default(
        D, "predictor"
    ),
    test_size: Annotated[
        float, typer.Option(help="Share of valued words whose value is hidden.")
    ] = 0.2,
    baselines: Annotated[
        bool,
        typer.Option(
            "--baselines/--no-baselines",
            help="Also score plain skip-gram and CBOW (at --vector-size and 100) with k-NN "
            "and ridge, and predict-the-mean.",
        ),
    ] = True,
    where: Annotated[
        str | None, typer.Option(help="Keep rows matching a pandas query, e.g. 'price > 0'.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(*WORKERS, help="Threads (joint training: 1 is reproducible bit for bit)."),
    ] = signature_default(D, "workers"),
    seed: Annotated[
        int, typer.Option(help="Random seed (split and every model), as value_holdout's.")
    ] = signature_default(D, "seed"),
    as_json: JsonOpt = False,
) -> None:
    """Hide a share of the words' values, train meaning + value on the rest, score the
    predictions of the hidden values (Spearman, MAE) against baselines."""
    from wordspace.analysis.evaluate import value_holdout as holdout
    from wordspace.train.valuevec.values import read_table

    _check_predictor(predictor)
    if not 0.0 < test_size < 1.0:
        raise ParameterError(f"--test-size must be between 0 and 1 (exclusive), got {test_size}")
    vv = ValueVec(
        semantic_weight=semantic_weight,
        value_transform=value_transform_option(value_transform),
        value_size=value_size_option(value_size),
        min_count=min_count,
        vector_size=vector_size,
        epochs=epochs,
        text_epochs=text_epochs,
        predictor=predictor,
        workers=workers,
        seed=seed,
    )
    vv._validate()
    need_file(data, "DATA")
    df = read_table(data)
    if where:
        try:
            df = df.query(where)
        except Exception as e:  # pandas raises many kinds here
            raise ParameterError(f"--where {where!r} failed: {e}") from None
    res = holdout(
        vv, df, text=text, value=value, test_size=test_size, seed=seed, baselines=baselines
    )
    if as_json:
        emit_json({"data": data, **res})
        return
    t = Table(
        title=escape(
            f"held-out values: {data}  ({res['n_test']:,} hidden of "
            f"{res['n_train'] + res['n_test']:,} valued words)"
        )
    )
    t.add_column("model")
    t.add_column("Spearman", justify="right")
    t.add_column("MAE", justify="right")
    t.add_row(
        f"joint (semantic_weight={semantic_weight:g}, dim {res['vector_size']}, "
        f"{res['predictor']})",
        fmt_num(res["spearman"]),
        fmt_num(res["mae"]),
    )
    for how, r in res["probes"].items():
        if how != res["predictor"]:
            t.add_row(f"joint, {how} probe", fmt_num(r["spearman"]), fmt_num(r["mae"]))
    for b in res.get("baselines", []):
        t.add_row(
            f"plain {b['model']}, dim {b['vector_size']}, {b['predictor']}",
            fmt_num(b["spearman"]),
            fmt_num(b["mae"]),
        )
    if isinstance(res.get("text_propagation"), dict):
        r = res["text_propagation"]
        t.add_row(
            f"text propagation alone, no vectors (k={res['text_shrinkage']:g})",
            fmt_num(r["spearman"]),
            fmt_num(r["mae"]),
        )
    for b in res.get("baselines_text", []):
        t.add_row(
            f"plain {b['model']}, dim {b['vector_size']}, {b['predictor']} (with text values)",
            fmt_num(b["spearman"]),
            fmt_num(b["mae"]),
        )
    if isinstance(res.get("mean"), dict):
        t.add_row("predict the mean", "-", fmt_num(res["mean"]["mae"]))
    caption = f"training-word alignment {fmt_num(res.get('alignment'))}; {res['seconds']:.1f} s"
    best = res.get("strongest")
    if best:
        caption = (
            f"gain over the strongest baseline (plain {best['model']}, dim "
            f"{best['vector_size']}, {best['predictor']}): {res['gain']:+.3f}; " + caption
        )
    top = res.get("strongest_all")
    if top:
        caption = (
            f"gain over the strongest of all baselines ({top['model']}"
            + (f", dim {top['vector_size']}" if top["vector_size"] else "")
            + f", {top['predictor']}): {res['gain_vs_all']:+.3f}; "
            + caption
        )
    t.caption = caption
    io.out.print(t)
