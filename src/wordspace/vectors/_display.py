"""What word vectors show in a notebook, and the label of a value model's values."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace._html import escape as _e
from wordspace._html import kv as _kv

if TYPE_CHECKING:
    from wordspace.vectors.keyed import WordVectors

__all__ = ["vectors_html", "value_label", "model_name"]


def value_label(wv: WordVectors) -> str:
    """The name of a ValueVec model's values with their transform, e.g. ``"price (log)"``:
    from the model's metadata (``value_name``, ``value_transform``; older models: the
    ``params``' ``value_transform``), else ``"value"``."""
    meta = wv.meta if isinstance(wv.meta, Mapping) else {}
    name = "value"
    for key in ("value_name", "value_column", "target"):
        v = meta.get(key)
        if isinstance(v, str) and v:
            name = v
            break
    tr = meta.get("value_transform")
    if tr is None and isinstance(meta.get("params"), Mapping):
        tr = meta["params"].get("value_transform")
    if isinstance(tr, str) and tr and tr not in ("none", "auto"):  # auto: the choice unknown
        name += " (custom transform)" if tr == "custom" else f" ({tr})"
    return name


def model_name(wv: WordVectors, name: str | None) -> str:
    """``name``, else the model's source file name from its metadata, else its class."""
    if name:
        return name
    m = wv.meta
    for key in ("name", "source"):
        v = m.get(key)
        if isinstance(v, str) and v:
            return os.path.basename(v.rstrip("/")) or v
    t = m.get("trainer")
    return f"{t} model" if t else "word vectors"


def vectors_html(wv: WordVectors) -> str:
    """A small HTML summary of word vectors (size, dimensions, norms, provenance)."""
    rows: list[tuple[str, Any]] = [("words", f"{len(wv):,}"), ("dimensions", f"{wv.vector_size:,}")]
    if len(wv):
        ns = wv.norms_summary()
        rows.append(
            (
                "vector norms",
                f"min {ns['min']:.3g} · median {ns['median']:.3g} · "
                f"max {ns['max']:.3g}" + (f" · {ns['zero']:,} zero" if ns["zero"] else ""),
            )
        )
        first = ", ".join(_e(w) for w in wv.index_to_key[:8])
        rows.append(("first words", first + (" …" if len(wv) > 8 else "")))
    minn, maxn, bucket = (getattr(wv, k, None) for k in ("minn", "maxn", "bucket"))
    if bucket is not None and minn is not None:  # SubwordVectors: any string has a vector
        grams = f"character {minn}–{maxn}-grams" if maxn else "none (words only)"
        rows.append(("subwords", f"{grams} in {int(bucket):,} buckets"))
    if wv.counts is not None and len(wv):
        rows.append(("word counts", f"{int(np.sum(wv.counts)):,} tokens"))
    if wv.extras:
        rows.append(("per-word arrays", _e(", ".join(sorted(wv.extras)))))
    if "values" in wv.extras:
        v = np.asarray(wv.extras["values"], dtype=np.float64)
        v = v[np.isfinite(v)]
        if len(v):
            rows.append((value_label(wv), f"{v.min():.4g} … {v.max():.4g}"))
    for key, label in (
        ("source", "source"),
        ("source_format", "format"),
        ("trainer", "trainer"),
        ("epochs_trained", "epochs trained"),
    ):
        if key in wv.meta:
            rows.append((label, _e(wv.meta[key])))
    return f"<div><b>{_e(type(wv).__name__)}</b> · {_e(model_name(wv, None))}{_kv(rows)}</div>"
