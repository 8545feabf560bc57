"""Value tables for ValueVec: reading, validation, word values from records, training pairs.

A *value table* maps words to numbers (a colour to its wavelength, a keyword to a price).
:func:`word_value_table` validates one and aggregates duplicate words;
:func:`records_to_word_values` derives one from records (a listing title and its price) with
a shrunk mean per word;
:class:`ValuePairs` turns it into the (center, context, label) pairs ValueVec trains on, exactly
as the ValueVec article builds them, but vectorised (a million words take seconds).
"""

from __future__ import annotations

import logging
import math
import os
import random
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace._files import check_line_lengths
from wordspace._optional import require
from wordspace.errors import ParameterError, ValueDataError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ValuePairs",
    "read_table",
    "word_value_table",
    "records_to_word_values",
    "transform_values",
    "choose_transform",
]

logger = logging.getLogger(__name__)

_DUPLICATES = ("mean", "median", "error")
_PENALTIES = ("arc", "quadratic", "linear")
_TRANSFORMS = ("auto", "log", "log1p", "rank")
# value_transform="auto": a transform is kept when the middle 90 % of its values fill at least
# this share of their range (min-max normalisation then spreads the bulk of the values)
_AUTO_MIN_SPREAD = 0.2


# ------------------------------------------------------------------------------ reading
def read_table(path: str | os.PathLike, *, sep: str | None = None) -> pd.DataFrame:
    """Read a CSV / TSV (optionally .gz/.bz2/.xz/.zip) or Parquet file into a DataFrame.

    The separator follows the extension (``.tsv``/``.tab``: tab, otherwise comma) unless
    ``sep`` is given."""
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    name = p.name.lower()
    for comp in (".gz", ".bz2", ".xz", ".zip", ".zst"):
        name = name.removesuffix(comp)
    if name.endswith((".parquet", ".pq")):
        require("pyarrow", extra="parquet", purpose="reading Parquet files")
        return pd.read_parquet(p)
    if sep is None:
        sep = "\t" if name.endswith((".tsv", ".tab")) else ","
    if p.is_dir():
        raise ValueDataError(f"{p} is a folder; give a CSV, TSV or Parquet file")
    compressed = name != p.name.lower()
    if not compressed:
        with open(p, "rb") as fh:
            head = fh.read(8192)
        if b"\0" in head:
            raise ValueDataError(
                f"{p} is a binary file, not a CSV/TSV table (it holds NUL bytes); give a text "
                "table whose first row names its columns"
            )
    if not p.name.lower().endswith((".zip", ".zst")):  # pandas would hold any line whole
        check_line_lengths(p, error=ValueDataError)
    try:
        return pd.read_csv(p, sep=sep)
    except UnicodeDecodeError as e:
        raise ValueDataError(
            f"{p} is not UTF-8 text ({e.reason} at byte {e.start}); give a UTF-8 CSV/TSV table "
            "(re-save it as UTF-8)"
        ) from None
    except pd.errors.EmptyDataError:
        raise ValueDataError(
            f"{p} is empty (no header row, no data); give a table whose first row names its columns"
        ) from None
    except pd.errors.ParserError as e:
        raise ValueDataError(
            f"{p} is not a well-formed {'TSV' if sep == chr(9) else 'CSV'} table "
            f"({str(e).strip().splitlines()[-1][:160]}); fix the rows (a .tsv or .tab name is read as tab-separated)"
        ) from None


def _rows(labels: Sequence[Any], limit: int = 8) -> str:
    shown = ", ".join(str(x) for x in labels[:limit])
    more = f" and {len(labels) - limit:,} more" if len(labels) > limit else ""
    return f"{shown}{more}"


def _column(df: pd.DataFrame, name: str, role: str) -> pd.Series:
    if name not in df.columns:
        raise ParameterError(
            f"no {role} column {name!r}; the table has columns: "
            + ", ".join(repr(str(c)) for c in df.columns)
        )
    return df[name]


def as_frame(
    data: Any,
    y: Any = None,
    *,
    word: str | None = None,
    value: str | None = None,
    text: str | None = None,
) -> tuple[pd.DataFrame, str, str]:
    """Normalise the accepted inputs to ``(frame, key column, value column)``.

    ``data`` may be a DataFrame, a CSV/TSV/Parquet path, a ``{word: value}`` mapping, or a
    sequence of words with ``y`` the sequence of values. ``text`` names a column of free text
    (records mode) instead of ``word``."""
    import pandas as pd

    if y is not None:
        if isinstance(data, str | os.PathLike | pd.DataFrame | Mapping):
            raise ParameterError("give y (the values) only with a sequence of words as data")
        words = list(data)
        vals = list(y)
        if len(words) != len(vals):
            raise ValueDataError(f"{len(words):,} words but {len(vals):,} values; they must match")
        key = text or word or "word"
        val = value or "value"
        return pd.DataFrame({key: words, val: vals}), key, val
    if isinstance(data, Mapping):
        key = text or word or "word"
        val = value or "value"
        return pd.DataFrame({key: list(data.keys()), val: list(data.values())}), key, val
    if isinstance(data, str | os.PathLike):
        data = read_table(data)
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(
            "data must be a DataFrame, a CSV/Parquet path, a {word: value} dict, or a sequence "
            f"of words with y= the values; got {type(data).__name__}"
        )
    cols = [str(c) for c in data.columns]
    column = text or word
    if column is None or value is None:
        if len(cols) == 2 and column is None and value is None:
            column, value = cols
        else:
            raise ParameterError(
                "say which columns to use: word= (or text=) and value=; the table has columns: "
                + ", ".join(repr(c) for c in cols)
            )
    _column(data, column, "text" if text else "word")
    _column(data, value, "value")
    return data, column, value


# --------------------------------------------------------------------------- validation
def _spread(v: np.ndarray) -> float:
    """Share of the values' range filled by their middle 90 % (5th to 95th percentile)."""
    lo, hi = float(np.min(v)), float(np.max(v))
    if not hi > lo:
        return 1.0
    q05, q95 = np.quantile(v, [0.05, 0.95])
    return float((q95 - q05) / (hi - lo))


def choose_transform(values: Any) -> str | None:
    """The transform ``value_transform="auto"`` applies to these (finite) values.

    ValueVec normalises values by min-max, so what matters is whether the bulk of the values
    keeps a useful share of the range: the *spread* is ``(q95 − q05) / (max − min)``, the
    share of the range filled by the middle 90 % of the values. The rule, first match wins:

    1. spread ≥ 0.2: ``None`` (identity; ratings, scores, most symmetric data);
    2. all values > 0 and the spread of ``log(v)`` ≥ 0.2: ``"log"`` (prices, salaries: positive
       and heavy-tailed);
    3. all values ≥ 0, median ≥ 1 and the spread of ``log1p(v)`` ≥ 0.2: ``"log1p"`` (the
       same with a few zeros, e.g. listings priced 0);
    4. otherwise ``"rank"``: outliers dominate even after a log (or the values go below 0),
       so each value is replaced by its mid-rank quantile in (0, 1).

    Measured spreads: Airbnb Barcelona prices 0.027 (log1p: 0.284), Airbnb Washington 0.142
    (log1p 0.332), car prices 0.185 (log 0.495), salaries 0.020 (log 0.259), wine points 0.474,
    IMDB ratings 1.0."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size < 3 or _spread(v) >= _AUTO_MIN_SPREAD:
        return None
    if float(v.min()) > 0 and _spread(np.log(v)) >= _AUTO_MIN_SPREAD:
        return "log"
    if (
        float(v.min()) >= 0
        and float(np.median(v)) >= 1
        and _spread(np.log1p(v)) >= _AUTO_MIN_SPREAD
    ):
        return "log1p"
    return "rank"


def rank_quantiles(values: np.ndarray, reference_sorted: np.ndarray) -> np.ndarray:
    """``value_transform="rank"``: each value's mid-rank quantile among the sorted reference
    values, ``(#below + #below-or-equal) / (2n)`` (ties share their mean rank; in (0, 1))."""
    v = np.asarray(values, dtype=np.float64)
    lo = np.searchsorted(reference_sorted, v, side="left")
    hi = np.searchsorted(reference_sorted, v, side="right")
    return (lo + hi) / (2.0 * max(reference_sorted.size, 1))


def global_transform(values: np.ndarray, transform: Any) -> Any:
    """The transform for values seen in parts (a distributed table's partitions): ``"auto"``
    chosen on all of ``values``, and ``"rank"`` as ranks among all of them (a picklable
    function), so each part is transformed as the whole table would be."""
    import functools

    transform = _resolve(np.asarray(values, dtype=np.float64), transform)
    if isinstance(transform, str) and transform == "rank":
        ref = np.sort(np.asarray(values, dtype=np.float64))
        return functools.partial(_rank_in, ref)
    return transform


def _rank_in(ref: np.ndarray, v: np.ndarray) -> np.ndarray:
    return rank_quantiles(v, ref)


def _resolve(values: np.ndarray, transform: Any) -> Any:
    """``"auto"`` replaced by the transform :func:`choose_transform` picks; others as given."""
    return (
        choose_transform(values)
        if isinstance(transform, str) and transform == "auto"
        else transform
    )


def transform_values(
    values: np.ndarray,
    transform: str | Callable | None,
    labels: Sequence[Any] | None = None,
    column: str = "value",
) -> np.ndarray:
    """Apply ``value_transform``: None, ``"auto"`` (see :func:`choose_transform`), ``"log"``
    (values > 0), ``"log1p"`` (values > -1), ``"rank"`` (mid-rank quantiles in (0, 1)) or a
    callable on the array. Raises :class:`ValueDataError` naming rows the transform cannot take."""
    v = np.asarray(values, dtype=np.float64)
    transform = _resolve(v, transform)
    if transform is None:
        return v
    lab = list(labels) if labels is not None else list(range(len(v)))
    if transform == "log":
        bad = np.flatnonzero(~(v > 0))
        if bad.size:
            raise ValueDataError(
                f"value_transform='log' needs positive values, but {column!r} has {bad.size:,} "
                f"values <= 0 at rows {_rows([lab[i] for i in bad])}; drop those rows "
                "(e.g. df[df[col] > 0]) or use value_transform='log1p'"
            )
        return np.log(v)
    if transform == "log1p":
        bad = np.flatnonzero(~(v > -1))
        if bad.size:
            raise ValueDataError(
                f"value_transform='log1p' needs values > -1, but {column!r} has {bad.size:,} "
                f"such values at rows {_rows([lab[i] for i in bad])}"
            )
        return np.log1p(v)
    if transform == "rank":
        return rank_quantiles(v, np.sort(v))
    if callable(transform):
        out = np.asarray(transform(v), dtype=np.float64)
        if out.shape != v.shape:
            raise ParameterError(
                f"value_transform returned shape {out.shape} for {v.shape[0]:,} values; "
                "it must return one value per input"
            )
        bad = np.flatnonzero(~np.isfinite(out))
        if bad.size:
            raise ValueDataError(
                f"value_transform returned {bad.size:,} NaN or infinite values (for {column!r} "
                f"at rows {_rows([lab[i] for i in bad])}); make it finite on every value or "
                "drop those rows"
            )
        return out
    raise ParameterError(
        "value_transform must be None, "
        + ", ".join(map(repr, _TRANSFORMS))
        + f" or a function; got {transform!r}"
    )


def _transformable(v: np.ndarray, transform: Any, column: str) -> np.ndarray | None:
    """Records under ``"log"`` / ``"log1p"``: the rows the transform can take, when some
    cannot (values <= 0, or <= -1), with a warning naming how many are dropped; else None.

    This is the stated policy for records (a listing priced 0 says nothing about its words);
    a word-value table still raises, as each row there is a word the user asked for."""
    if transform == "log":
        ok, what = v > 0, "<= 0"
    elif transform == "log1p":
        ok, what = v > -1, "<= -1"
    else:
        return None
    bad = int(v.size - np.count_nonzero(ok))
    if bad == 0:
        return None
    if bad == v.size:
        raise ValueDataError(
            f"value_transform={transform!r}: all {bad:,} values of {column!r} are {what}; "
            "choose another transform (or none)"
        )
    warnings.warn(
        f"value_transform={transform!r}: dropped {bad:,} of {v.size:,} records whose "
        f"{column!r} is {what} (the transform is undefined there)",
        UserWarning,
        stacklevel=3,
    )
    return np.flatnonzero(ok)


def numeric_column(series: pd.Series, column: str) -> np.ndarray:
    import pandas as pd

    v = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(v))
    if bad.size:
        labels = list(series.index[bad])
        raise ValueDataError(
            f"value column {column!r} has {bad.size:,} missing, non-numeric or infinite values "
            f"at rows {_rows(labels)}; drop or fill them (e.g. df.dropna(subset=[{column!r}]))"
        )
    return v


def check_spread(words: Sequence[str], values: np.ndarray) -> None:
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise ValueDataError(
            f"{bad.size:,} words get a non-finite value when their rows are combined "
            f"({', '.join(repr(words[i]) for i in bad[:5])}): the values are too large for "
            "float64 arithmetic; rescale them (e.g. divide by 1e300) or use "
            "value_transform='log'"
        )
    if len(words) < 3:
        raise ValueDataError(
            f"only {len(words)} distinct word(s) ({', '.join(map(repr, words))}); "
            "ValueVec needs at least 3 words with values"
        )
    lo, hi = float(np.min(values)), float(np.max(values))
    with np.errstate(over="ignore"):
        span = np.float64(hi) - np.float64(lo)
    if not np.isfinite(span):
        raise ValueDataError(
            f"the values span from {lo!r} to {hi!r}: their range overflows float64, so they "
            "cannot be normalised; rescale them (e.g. divide by 1e300) or use "
            "value_transform='log' on positive values"
        )
    if hi == lo:
        raise ValueDataError(
            f"all {len(words):,} words have the same value {float(values[0])!r}; "
            "min-max normalisation needs at least two different values"
        )


def word_value_table(
    data: Any,
    y: Any = None,
    *,
    word: str | None = None,
    value: str | None = None,
    duplicates: str = "mean",
    value_transform: str | Callable | None = None,
) -> pd.DataFrame:
    """A validated ``(word, value, count)`` table from any accepted input.

    Raises :class:`ValueDataError` (naming the rows) for missing/non-finite values, empty
    words, fewer than 3 distinct words, or constant values. Repeated words are combined with
    ``duplicates="mean"`` or ``"median"``, or rejected with ``"error"``; ``count`` is how many
    rows each word had. ``value_transform`` (``"log"`` ...) is applied to the rows first.
    """
    import pandas as pd

    if duplicates not in _DUPLICATES:
        raise ParameterError(f"duplicates must be one of {_DUPLICATES}; got {duplicates!r}")
    df, key, val = as_frame(data, y, word=word, value=value)
    raw_words = df[key]
    v = numeric_column(df[val], val)
    value_transform = _resolve(v, value_transform)
    v = transform_values(v, value_transform, list(df.index), val)
    missing = raw_words.isna().to_numpy()
    words = raw_words.astype(str).str.strip().to_numpy(dtype=object)
    words[missing] = ""
    empty = np.flatnonzero(words == "")
    if empty.size:
        raise ValueDataError(
            f"word column {key!r} has {empty.size:,} empty or missing words at rows "
            f"{_rows(list(df.index[empty]))}; drop those rows"
        )
    tab = pd.DataFrame({"word": words, "value": v, "row": np.arange(len(v))})
    g = tab.groupby("word", sort=False)["value"]
    counts = g.size()
    if duplicates == "error" and (counts > 1).any():
        dup = counts[counts > 1]
        first = dup.index[:5]
        where = "; ".join(
            f"{w!r} at rows {_rows(list(df.index[tab.loc[tab.word == w, 'row'].to_numpy()]))}"
            for w in first
        )
        raise ValueDataError(
            f"{len(dup):,} words occur more than once ({where}); combine them with "
            "duplicates='mean' or 'median', or drop the repeats"
        )
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        agg = g.mean() if duplicates == "mean" else g.median()
    out = pd.DataFrame(
        {
            "word": agg.index.astype(str),
            "value": agg.to_numpy(np.float64),
            "count": counts.to_numpy(np.int64),
        }
    )
    check_spread(list(out["word"]), out["value"].to_numpy())
    out.attrs["value_transform"] = _transform_name(value_transform)
    return out


def _transform_name(transform: Any) -> str | None:
    """The transform as saved in metadata: its name, or ``"custom"`` for a function."""
    return transform if transform is None or isinstance(transform, str) else "custom"


def records_to_word_values(
    texts: Sequence[Any],
    values: Sequence[float] | np.ndarray,
    *,
    tokenizer: Callable[[str], list[str]] | None = None,
    prior_weight: float = 10.0,
    min_count: int = 5,
    value_transform: str | Callable | None = None,
    labels: Sequence[Any] | None = None,
    column: str = "value",
    tokens: list[list[str]] | None = None,
) -> pd.DataFrame:
    """Per-word values from records (texts with a value each): a shrunk mean.

    Each word's value is ``(Σ v + k·m) / (n + k)`` over the ``n`` records that contain it
    (each record counted once), ``m`` the mean over records with at least one token and
    ``k = prior_weight``: rare words are pulled towards the global mean. Words in fewer than
    ``min_count`` records are dropped. Returns ``(word, value, count)`` sorted by value,
    highest first. Missing texts count as empty; missing values raise :class:`ValueDataError`.
    ``tokens``: the texts already split (one token list per record), to skip tokenising.
    """
    import pandas as pd

    from wordspace.text.tokenizer import Tokenizer

    if prior_weight < 0 or not math.isfinite(prior_weight):
        raise ParameterError(f"prior_weight must be >= 0, got {prior_weight!r}")
    if int(min_count) < 1:
        raise ParameterError(f"min_count must be >= 1, got {min_count!r}")
    tok = tokenizer or Tokenizer(normalize=True)
    if isinstance(values, pd.Series):
        ser = values
        lab = list(labels) if labels is not None else list(values.index)
    else:
        lab = list(labels) if labels is not None else list(range(len(values)))
        ser = pd.Series(np.asarray(values, dtype=object), index=lab)
    v = numeric_column(ser, column)
    texts = list(texts) if tokens is None else list(tokens)
    if len(texts) != len(v):
        raise ValueDataError(f"{len(texts):,} texts but {len(v):,} values; they must match")
    value_transform = _resolve(v, value_transform)
    keep_rows = _transformable(v, value_transform, column)
    if keep_rows is not None:
        texts = [texts[i] for i in keep_rows]
        lab = [lab[i] for i in keep_rows]
        v = v[keep_rows]
    v = transform_values(v, value_transform, lab, column)
    n = len(v)
    if tokens is None:
        tokens = [tok(t) if isinstance(t, str) else [] for t in texts]
    else:
        tokens = texts
    lens = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=n)
    if lens.sum() == 0:
        raise ValueDataError("no record has any token; check the text column")
    codes, uniques = pd.factorize(pd.Series(list(chain.from_iterable(tokens)), dtype=object))
    nw = len(uniques)
    rec = np.repeat(np.arange(n, dtype=np.int64), lens)
    pair = np.unique(rec * nw + codes.astype(np.int64))  # each word once per record
    prec = pair // nw
    pword = pair % nw
    sums = np.bincount(pword, weights=v[prec], minlength=nw)
    cnt = np.bincount(pword, minlength=nw)
    m = float(v[lens > 0].mean())
    k = float(prior_weight)
    shrunk = (sums + k * m) / (cnt + k)
    keep = np.flatnonzero(cnt >= int(min_count))
    if keep.size < 3:
        raise ValueDataError(
            f"only {keep.size} word(s) occur in at least min_count={min_count} records "
            f"(largest count {int(cnt.max())}); lower min_count or give more records"
        )
    out = pd.DataFrame(
        {
            "word": np.asarray(uniques, dtype=object)[keep].astype(str),
            "value": shrunk[keep],
            "count": cnt[keep].astype(np.int64),
        }
    )
    out = out.sort_values(["value", "word"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    # what min_count kept, for the CLI's summary ("kept 5 of 230 words")
    out.attrs.update(records=int(n), words_seen=int(nw), min_count=int(min_count))
    check_spread(list(out["word"]), out["value"].to_numpy())
    out.attrs["value_transform"] = _transform_name(value_transform)
    logger.info(
        "word values: %d of %d words in >= %d of %d records (global mean %.4g)",
        len(out),
        nw,
        min_count,
        n,
        m,
    )
    return out


# -------------------------------------------------------------------------------- pairs
def _penalty(kind: str | Callable, scale: float, diff: np.ndarray, name: str) -> np.ndarray:
    if callable(kind):
        lab = np.asarray(kind(diff), dtype=np.float64)
        if lab.shape != diff.shape or not np.all(np.isfinite(lab)):
            raise ParameterError(f"{name} must return one finite label per value difference")
        return np.clip(lab, 0.0, 1.0)
    if kind == "arc":
        return np.cos(np.minimum(1.0, diff * scale) * (np.pi / 2)) ** 2
    if kind == "quadratic":
        return np.maximum(0.0, 1.0 - (diff * scale) ** 2)
    if kind == "linear":
        return np.maximum(0.0, 1.0 - diff * scale)
    raise ParameterError(f"{name} must be 'arc', 'quadratic', 'linear' or a function; got {kind!r}")


def as_random(seed: int | random.Random | None) -> random.Random:
    if isinstance(seed, random.Random):
        if type(seed) is not random.Random:
            raise ParameterError("seed must be an int or a plain random.Random instance")
        return seed
    if seed is None:
        return random.Random()
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ParameterError(f"seed must be an int, a random.Random or None; got {seed!r}")
    return random.Random(int(seed))


def _sample_setsize(k: int) -> int:
    # random.sample's threshold between its pool and set algorithms (CPython 3.11+)
    setsize = 21
    if k > 5:
        setsize += 4 ** math.ceil(math.log(k * 3, 4))
    return setsize


def _build_with_python_stream(
    n: int, window: int, md: int, n_rand: int, with_far: bool, unique: bool, rng: random.Random
):
    """Run the pair kernel on ``rng``'s Mersenne-Twister stream and advance ``rng`` by what
    it consumed, so later draws continue the same stream."""
    from wordspace.kernels.valuevec import build_pairs

    version, internal, gauss_next = rng.getstate()
    init: Any = {
        "bit_generator": "MT19937",  # numpy's state dict (a TypedDict in its stubs)
        "state": {"key": np.array(internal[:624], dtype=np.uint32), "pos": int(internal[624])},
    }
    size = n * max(n_rand, 1) * 3 + 4096
    while True:
        bg = np.random.MT19937()
        bg.state = init
        buf = bg.random_raw(size).astype(np.uint32) if n_rand > 0 else np.zeros(0, np.uint32)
        center, context, negative, used = build_pairs(
            n, window, md, n_rand, with_far, unique, _sample_setsize(n_rand), buf
        )
        if used >= 0:
            break
        size *= 4
    if used > 0:
        bg = np.random.MT19937()
        bg.state = init
        bg.random_raw(int(used))
        st = bg.state["state"]
        rng.setstate((version, tuple(int(x) for x in st["key"]) + (int(st["pos"]),), gauss_next))
    return center, context, negative


@dataclass(eq=False)
class ValuePairs:
    """Training pairs for ValueVec, built from a word-value table.

    Words are indexed in descending order of value (``words[0]`` has the highest value).
    ``center``/``context`` are int32 word indices, ``label`` the target similarity in [0, 1],
    ``negative`` marks negative pairs; ``values`` are the words' values and ``normalized``
    their min-max normalised values. Build with :meth:`from_values`; see :meth:`to_frame`.
    """

    words: list[str]
    values: np.ndarray
    normalized: np.ndarray
    center: np.ndarray
    context: np.ndarray
    label: np.ndarray
    negative: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.center.shape[0])

    @property
    def n_words(self) -> int:
        return len(self.words)

    def __repr__(self) -> str:
        return (
            f"ValuePairs({len(self):,} pairs over {self.n_words:,} words, "
            f"{int(self.negative.sum()):,} negative)"
        )

    @classmethod
    def from_values(
        cls,
        data: Any,
        y: Any = None,
        *,
        word: str | None = None,
        value: str | None = None,
        window: int = 2,
        negatives: int = 3,
        min_distance: float = 0.25,
        positive_scale: float = 2.0,
        negative_scale: float = 3.0,
        positive_penalty: str | Callable = "quadratic",
        negative_penalty: str | Callable = "linear",
        unique_negatives: bool = False,
        duplicates: str = "mean",
        value_transform: str | Callable | None = None,
        seed: int | random.Random | None = None,
    ) -> ValuePairs:
        """Build the pairs exactly as the ValueVec article does.

        Values are min-max normalised and the words sorted by value, highest first. For each
        center word (in that order):

        * positives: the words up to ``window`` places before and after it (order
          ``i-1, i+1, i-2, i+2 ...``), label ``max(0, 1 - (positive_scale·Δ)²)``;
        * negatives (``negatives`` of them): the far end of the order (the last word for the
          upper half, else the first), then ``negatives - 1`` words drawn with
          ``random.sample`` from those at least ``md = max(1, int(min_distance·n))`` places
          away (the article's ``range(0, i-md) + range(min(n-1, i+md), n)``), label
          ``max(0, 1 - negative_scale·Δ)``.

        ``Δ`` is the normalised value difference. Penalties may be ``"quadratic"``,
        ``"linear"`` or a function of the ``Δ`` array returning labels. The article's sampling
        can repeat the far-end word (and, near the end, the center itself);
        ``unique_negatives=True`` excludes both from the draw. ``seed`` is an int, None, or a
        ``random.Random`` whose stream is used and advanced, draw for draw as the article's
        ``random.sample`` calls would (to reproduce its published pairs, pass the generator
        that produced the colour names, see :func:`wordspace.datasets.color_spectrum`).
        """
        for name, x, lo in (("window", window, 0), ("negatives", negatives, 0)):
            if isinstance(x, bool) or not isinstance(x, int | np.integer) or x < lo:
                raise ParameterError(f"{name} must be an integer >= {lo}, got {x!r}")
        if window == 0 and negatives == 0:
            raise ParameterError("window and negatives are both 0: there would be no pairs")
        if not (0 < float(min_distance) < 1):
            raise ParameterError(
                f"min_distance is a fraction of the vocabulary in (0, 1), got {min_distance!r}"
            )
        for sname, sx in (("positive_scale", positive_scale), ("negative_scale", negative_scale)):
            if not (math.isfinite(float(sx)) and float(sx) > 0):
                raise ParameterError(f"{sname} must be a positive number, got {sx!r}")
        for pname, px in (
            ("positive_penalty", positive_penalty),
            ("negative_penalty", negative_penalty),
        ):
            if not callable(px) and px not in _PENALTIES:
                raise ParameterError(
                    f"{pname} must be 'arc', 'quadratic', 'linear' or a function; got {px!r}"
                )
        rng = as_random(seed)
        table = word_value_table(
            data, y, word=word, value=value, duplicates=duplicates, value_transform=value_transform
        )
        return cls.from_table(
            table["word"].tolist(),
            table["value"].to_numpy(np.float64),
            rng,
            window=int(window),
            negatives=int(negatives),
            min_distance=float(min_distance),
            positive_scale=float(positive_scale),
            negative_scale=float(negative_scale),
            positive_penalty=positive_penalty,
            negative_penalty=negative_penalty,
            unique_negatives=bool(unique_negatives),
        )

    @classmethod
    def from_table(
        cls,
        words: list[str],
        values: np.ndarray,
        rng: random.Random,
        *,
        window: int,
        negatives: int,
        min_distance: float,
        positive_scale: float,
        negative_scale: float,
        positive_penalty: str | Callable,
        negative_penalty: str | Callable,
        unique_negatives: bool,
    ) -> ValuePairs:
        check_spread(words, values)
        order = np.argsort(-values, kind="stable")
        vals = values[order]
        vmin, vmax = float(values.min()), float(values.max())
        norm = (vals - vmin) / (vmax - vmin)
        n = len(vals)
        md = max(1, int(n * min_distance))
        center, context, negative = _build_with_python_stream(
            n, window, md, max(0, negatives - 1), negatives > 0, unique_negatives, rng
        )
        diff = np.abs(norm[center] - norm[context])
        label = np.empty(len(center), dtype=np.float64)
        pos = ~negative
        label[pos] = _penalty(positive_penalty, positive_scale, diff[pos], "positive_penalty")
        label[negative] = _penalty(
            negative_penalty, negative_scale, diff[negative], "negative_penalty"
        )
        params = {
            "window": window,
            "negatives": negatives,
            "min_distance": min_distance,
            "positive_scale": positive_scale,
            "negative_scale": negative_scale,
            "positive_penalty": positive_penalty if isinstance(positive_penalty, str) else "custom",
            "negative_penalty": negative_penalty if isinstance(negative_penalty, str) else "custom",
            "unique_negatives": unique_negatives,
        }
        return cls(
            words=[words[i] for i in order],
            values=vals,
            normalized=norm,
            center=center,
            context=context,
            label=label,
            negative=negative,
            params=params,
        )

    def to_frame(self) -> pd.DataFrame:
        """The pairs as the article's table: center_word, context_word, label, center_value,
        context_value (normalised values), pair_type ("positive" / "negative")."""
        import pandas as pd

        words = np.asarray(self.words, dtype=object)
        return pd.DataFrame(
            {
                "center_word": words[self.center],
                "context_word": words[self.context],
                "label": self.label,
                "center_value": self.normalized[self.center],
                "context_value": self.normalized[self.context],
                "pair_type": np.where(self.negative, "negative", "positive").astype(object),
            }
        )
