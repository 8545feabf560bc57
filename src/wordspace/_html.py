"""Small HTML pieces for notebook displays and the report: escaping, tables, numbers, and
one shortener of long reprs. Foundation layer: imports nothing of wordspace but errors."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

__all__ = [
    "escape",
    "num",
    "table",
    "kv",
    "short_repr",
    "estimator_html",
    "decimals",
    "analogy_html",
    "word_pairs_html",
    "tune_html",
]


def escape(x: Any) -> str:
    """``str(x)`` with HTML's special characters escaped."""
    return html.escape(str(x))


def num(x: Any, digits: int = 3) -> str:
    """A number with ``digits`` decimals and thousands separators; "–" when not finite."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return escape(x)
    if not math.isfinite(v):
        return "–"
    return f"{v:,.{digits}f}"


def decimals(values: Any, significant: int = 3) -> int:
    """Decimals that show ``significant`` digits of the largest magnitude among ``values``
    (wavelengths 380-750: 0; ratings 1-10: 2; fractions: 3), between 0 and 6."""
    import numpy as np

    v = np.abs(np.asarray(values, dtype=np.float64))
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return 0
    return int(min(6, max(0, significant - 1 - math.floor(math.log10(float(v.max()))))))


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[int] = ()) -> str:
    """An HTML table; ``rows`` hold HTML already (escape text first); ``numeric`` columns
    align right."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    out = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
    for r in rows:
        cells = []
        for i, c in enumerate(r):
            cls = ' class="n"' if i in numeric else ""
            cells.append(f"<td{cls}>{c}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def kv(rows: Sequence[tuple[str, Any]]) -> str:
    """A two-column table of (name, HTML value) rows."""
    return table(("", ""), [(f"<b>{escape(k)}</b>", v) for k, v in rows])


def short_repr(v: Any, limit: int = 60) -> str:
    """``repr(v)`` cut to ``limit`` characters (ending in "...")."""
    r = repr(v)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def estimator_html(est: Any) -> str:
    """A small HTML summary of an estimator: its parameters and, when fitted, what it
    learned (vocabulary and loss for trainers; ``len`` for others)."""
    params = est.get_params(deep=False)
    rows = [(k, f"<code>{escape(short_repr(v))}</code>") for k, v in sorted(params.items())]
    fitted = bool(getattr(est, "is_fitted", False))
    parts = [
        f"<div><b>{escape(type(est).__name__)}</b> · "
        + ("fitted" if fitted else "not fitted")
        + kv(rows)
    ]
    if fitted:
        fit_rows: list[tuple[str, Any]] = []
        # learned vectors only: an estimator that takes ``wv`` as a parameter (SIF) did not
        # train them
        wv = None if "wv" in params else getattr(est, "wv", None)
        if wv is not None:
            fit_rows.append(("vocabulary", f"{len(wv):,} words × {wv.vector_size} dimensions"))
        hist = getattr(est, "loss_history_", None)
        hist = [] if hist is None else [float(h) for h in hist]
        if wv is not None:
            fit_rows.append(("epochs trained", escape(getattr(est, "epochs_trained_", len(hist)))))
        if hist:
            fit_rows.append(("loss", f"{hist[0]:.4g} → {hist[-1]:.4g} over {len(hist)} epochs"))
        summary = getattr(est, "_html_rows", None)
        if callable(summary):
            fit_rows.extend(summary())
        if fit_rows:
            parts.append("<b>fitted</b>" + kv(fit_rows))
    return "".join(parts) + "</div>"


def _file_name(path: Any) -> str:
    """The last part of a path (a result shows where its data came from, not the install)."""
    text = str(path or "")
    return text.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def analogy_html(res: Any) -> str:
    """An analogy benchmark's result (``AnalogyResult``): accuracy, questions, sections."""
    head = (
        f"<div><b>AnalogyResult</b> · {escape(_file_name(res.path)) or 'analogies'} · "
        f"accuracy <b>{num(res.score)}</b>"
    )
    rows = [
        ("method", escape(res.method)),
        (
            "questions",
            f"{res.n_questions:,} ({res.n_oov:,} skipped: out of vocabulary, "
            f"{num(res.oov_ratio, 1)} %)",
        ),
    ]
    body = [
        (escape(r["section"]), f"{r['correct']:,}", f"{r['total']:,}", num(r["accuracy"]))
        for r in res._rows()
    ]
    return (
        head
        + kv(rows)
        + table(("section", "correct", "total", "accuracy"), body, numeric=(1, 2, 3))
        + "</div>"
    )


def word_pairs_html(res: Any) -> str:
    """A word-pair benchmark's result (``WordPairsResult``): the two correlations."""
    rows = [
        ("Spearman", f"{num(res.spearman[0])} (p = {float(res.spearman[1]):.2g})"),
        ("Pearson", f"{num(res.pearson[0])} (p = {float(res.pearson[1]):.2g})"),
        (
            "pairs",
            f"{res.n_pairs:,} ({res.n_oov:,} skipped: out of vocabulary, "
            f"{num(res.oov_ratio, 1)} %)",
        ),
    ]
    name = escape(_file_name(res.path)) or "word pairs"
    return f"<div><b>WordPairsResult</b> · {name}{kv(rows)}</div>"


def tune_html(res: Any, max_trials: int = 20) -> str:
    """A hyper-parameter search's result (``TuneResult``): the best trial and the trials."""
    df = res.trials_
    done = int((df["state"] == "COMPLETE").sum()) if len(df) else 0
    head = (
        f"<div><b>TuneResult</b> · {len(df):,} trials ({done:,} complete) · "
        f"{escape(res.metric)} ({escape(res.direction)})"
    )
    rows: list[tuple[str, Any]] = []
    if done:
        rows = [
            ("best trial", escape(res._best_trial().number)),
            ("best dev score", num(res.best_score_)),
            ("its test score", num(res.best_test_score_)),
            ("best parameters", "<code>" + escape(short_repr(res.best_params_, 200)) + "</code>"),
        ]
    cols = [
        c
        for c in df.columns
        if c in {"number", "state", "dev", "test", "seconds"} or str(c).startswith("params_")
    ]
    body = []
    for _, r in df[cols].head(max_trials).iterrows():
        body.append([num(v) if isinstance(v, float) else escape(v) for v in r.tolist()])
    more = (
        f"<p>… {len(df) - max_trials:,} more in <code>trials_</code></p>"
        if len(df) > max_trials
        else ""
    )
    heads = [str(c).removeprefix("params_") for c in cols]
    numeric = [i for i, c in enumerate(cols) if c != "state"]
    return head + kv(rows) + table(heads, body, numeric=numeric) + more + "</div>"
