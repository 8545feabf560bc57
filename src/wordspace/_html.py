"""Small HTML pieces for notebook displays and the report: escaping, tables, numbers, and
one shortener of long reprs. Foundation layer: imports nothing of wordspace but errors."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

__all__ = ["escape", "num", "table", "kv", "short_repr", "estimator_html"]


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
        wv = getattr(est, "wv", None)
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
