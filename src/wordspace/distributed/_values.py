"""ValueVec word statistics from records in a ``dask.dataframe``.

Each partition is tokenised on its worker (the model's tokenizer, as on one machine); every
word counts once per record; a partition yields a table of ``(sum of values, records)`` per
word and the sum and number of its records that have a token. The tables are added by
group-bys on the workers, pairwise in a tree (the driver receives one table); the driver then forms the shrunk means ``(Σ v + k m) / (n + k)`` exactly as
:func:`wordspace.train.valuevec.values.records_to_word_values` does (same filtering and order; counts are
identical, sums equal up to the order of float additions), builds the pairs and trains here.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np

from wordspace.errors import ParameterError, ValueDataError

__all__ = ["fit_valuevec", "record_word_values"]

logger = logging.getLogger(__name__)


def partition_stats(pdf, text: str, value: str, tokenizer, transform):
    """``(word table, [records' value sum, records with a token, dropped rows])`` of one
    partition (runs on a worker)."""
    from itertools import chain

    import pandas as pd

    from wordspace.train.valuevec.values import numeric_column, transform_values

    v = numeric_column(pdf[value], value)
    dropped = 0
    if transform in ("log", "log1p"):
        ok = v > 0 if transform == "log" else v > -1
        dropped = int(v.size - np.count_nonzero(ok))
        pdf, v = pdf[ok], v[ok]
    v = transform_values(v, transform, list(pdf.index), value)
    tokens = [tokenizer(t) if isinstance(t, str) else [] for t in pdf[text].tolist()]
    n = len(tokens)
    lens = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=n)
    codes, uniques = pd.factorize(pd.Series(list(chain.from_iterable(tokens)), dtype=object))
    nw = len(uniques)
    rec = np.repeat(np.arange(n, dtype=np.int64), lens)
    pair = np.unique(rec * max(nw, 1) + codes.astype(np.int64))
    pword = pair % max(nw, 1)
    sums = np.bincount(pword, weights=v[pair // max(nw, 1)], minlength=nw)
    cnt = np.bincount(pword, minlength=nw)
    table = pd.DataFrame(
        {
            "word": np.asarray(uniques, dtype=object).astype(str),
            "sum": sums.astype(np.float64),
            "n": cnt.astype(np.int64),
        }
    )
    has = lens > 0
    return table.groupby("word").sum(), [float(v[has].sum()), int(has.sum()), dropped, int(v.size)]


def add_tables(a, b):
    """The group-by step: per-word sums and record counts of two partitions' tables."""
    import pandas as pd

    return pd.concat([a, b]).groupby(level=0).sum()


def _resolve_name(values: np.ndarray, transform: Any) -> Any:
    from wordspace.train.valuevec.values import _resolve

    return _resolve(values, transform)


def record_word_values(
    ddf,
    *,
    text: str,
    value: str,
    client: Any,
    tokenizer,
    prior_weight: float = 10.0,
    min_count: int = 5,
    value_transform: Any = None,
):
    """``(word, value, count)`` like :func:`~wordspace.train.valuevec.values.records_to_word_values`, from
    a ``dask.dataframe`` (or a pandas DataFrame, split over the workers) on ``client``."""
    import dask.dataframe as dd
    import pandas as pd

    from wordspace.distributed._cooccurrence import pick
    from wordspace.distributed._engine import engine_for
    from wordspace.distributed._vocab import tree_reduce
    from wordspace.train.valuevec.values import check_spread

    engine = engine_for(client)
    if isinstance(ddf, pd.DataFrame):
        ddf = dd.from_pandas(ddf, npartitions=max(engine.n_workers, 1))
    if not isinstance(ddf, dd.DataFrame):
        raise ParameterError(
            f"with client=, X must be a dask or pandas DataFrame, got {type(ddf).__name__}"
        )
    for col, role in ((text, "text"), (value, "value")):
        if col is None or col not in ddf.columns:
            raise ParameterError(
                f"the {role} column {col!r} is not in the table; its columns:"
                f" {', '.join(map(repr, map(str, ddf.columns)))}"
            )
    if prior_weight < 0 or not np.isfinite(prior_weight):
        raise ParameterError(f"prior_weight must be >= 0, got {prior_weight!r}")
    client = engine.client
    from wordspace.train.valuevec.values import _transform_name

    chosen = value_transform
    if isinstance(value_transform, str) and value_transform in ("auto", "rank"):
        # chosen on (ranked among) all the values, not per partition
        from wordspace.train.valuevec.values import global_transform

        allv = dd.to_numeric(ddf[value], errors="coerce").dropna().compute().to_numpy(np.float64)
        chosen = _resolve_name(allv, value_transform)
        value_transform = global_transform(allv, value_transform)
    frames = client.compute(ddf.to_delayed())  # the partitions, on the workers
    stats = [
        engine.submit(partition_stats, f, text, value, tokenizer, value_transform) for f in frames
    ]
    tables = [engine.submit(pick, st, 0) for st in stats]
    table = engine.gather([tree_reduce(engine, tables, add_tables)])[0]
    recs = engine.gather([engine.submit(pick, st, 1) for st in stats])
    engine.release(frames + stats + tables)
    recs = np.asarray(recs, dtype=np.float64).reshape(-1, 4)
    dropped, rows = int(recs[:, 2].sum()), int(recs[:, 3].sum())
    if dropped:
        if rows == 0:
            raise ValueDataError(
                f"value_transform={value_transform!r}: all {dropped:,} values of {value!r} are "
                "outside its domain; choose another transform (or none)"
            )
        warnings.warn(
            f"value_transform={value_transform!r}: dropped {dropped:,} of "
            f"{dropped + rows:,} records (the transform is undefined there)",
            UserWarning,
            stacklevel=3,
        )
    if recs[:, 1].sum() == 0:
        raise ValueDataError("no record has any token; check the text column")
    m = float(recs[:, 0].sum() / recs[:, 1].sum())
    table = table.sort_index()
    cnt = table["n"].to_numpy(np.int64)
    k = float(prior_weight)
    shrunk = (table["sum"].to_numpy(np.float64) + k * m) / (cnt + k)
    keep = np.flatnonzero(cnt >= int(min_count))
    if keep.size < 3:
        raise ValueDataError(
            f"only {keep.size} word(s) occur in at least min_count={min_count} records "
            f"(largest count {int(cnt.max(initial=0))}); lower min_count or give more records"
        )
    out = pd.DataFrame(
        {
            "word": np.asarray(table.index, dtype=object)[keep].astype(str),
            "value": shrunk[keep],
            "count": cnt[keep],
        }
    )
    out = out.sort_values(["value", "word"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    check_spread(list(out["word"]), out["value"].to_numpy())
    logger.info(
        "distributed word values: %d of %d words in >= %d records (global mean %.4g)",
        len(out),
        len(table),
        min_count,
        m,
    )
    out.attrs["value_transform"] = _transform_name(chosen)
    return out


def fit_valuevec(
    model: Any,
    X: Any,
    *,
    text: str | None,
    value: str | None,
    client: Any,
    word: str | None = None,
    progress: Any = None,
) -> Any:
    """:meth:`ValueVec.fit` on records with ``client=``: word statistics on the cluster, pair
    building and training here."""
    from wordspace.text.tokenizer import Tokenizer
    from wordspace.train.valuevec.values import ValuePairs, as_random

    model._validate()
    if text is None or value is None or word is not None:
        raise ParameterError("with client=, fit records: fit(ddf, text=..., value=...)")
    if model.semantic_weight is not None:
        raise ParameterError(
            "semantic_weight (joint training on text) is not distributed; "
            "leave it None with client="
        )
    wvals = record_word_values(
        X,
        text=text,
        value=value,
        client=client,
        tokenizer=model.tokenizer or Tokenizer(normalize=True),
        prior_weight=float(model.prior_weight),
        min_count=int(model.min_count),
        value_transform=model.value_transform,
    )
    model.word_values_ = wvals
    model.value_transform_ = wvals.attrs.get("value_transform")
    pairs = ValuePairs.from_table(
        wvals["word"].tolist(),
        wvals["value"].to_numpy(np.float64),
        as_random(model.seed),
        **model._pair_kwargs(),
    )
    model.pairs_ = pairs
    model.epochs_trained_ = 0
    model.loss_history_ = np.zeros(0, dtype=np.float64)
    model.vocab_ = None
    model._fit_pairs(pairs, None, progress)
    return model
