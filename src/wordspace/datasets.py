"""Small generated data sets for examples, tests and benchmarks.

``color_spectrum`` is the ValueVec article's example: colour names placed by wavelength.
``mixture_values`` makes many synthetic words with values from a Gaussian mixture (for scale).
``topic_records`` makes texts on planted topics whose words share their topic's value (for
joint meaning + value training).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import numpy as np

from wordspace.errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["color_spectrum", "mixture_values", "topic_records", "BASE_COLORS", "COLOR_MODIFIERS"]

#: base colours and their wavelength (nm), in spectrum order
BASE_COLORS: dict[str, float] = {
    "violet": 380,
    "indigo": 420,
    "blue": 460,
    "cyan": 490,
    "teal": 510,
    "green": 530,
    "chartreuse": 560,
    "yellow": 580,
    "gold": 600,
    "orange": 620,
    "red": 680,
    "crimson": 730,
}
#: modifiers and the wavelength shift (nm) they apply
COLOR_MODIFIERS: dict[str, float] = {
    "light": -10,
    "dark": +10,
    "vivid": -5,
    "pale": -15,
    "deep": +15,
    "bright": -8,
}


def color_spectrum(
    n_colors: int = 30, seed: int = 42, *, rng: random.Random | None = None
) -> pd.DataFrame:
    """The article's colour table: ``keyword`` and ``estimated_value`` (wavelength, nm).

    The 12 base colours come first, then ``modifier-base`` names drawn with
    ``random.choice`` (base, then modifier; repeats skipped) until there are ``n_colors``.
    Base colours take their wavelength; a derived colour takes its base's, plus the modifier's
    shift, plus ``normal(0, 3)`` noise drawn in name order. Sorted by value, ascending.

    The random streams are the article's: ``random.Random(seed)`` for the names (or ``rng``,
    which is then left advanced, so that :meth:`ValuePairs.from_values` can continue it as the
    article does) and ``numpy.random.RandomState(seed)`` for the noise. With ``n_colors=30,
    seed=42`` this is the article's published table.

    >>> rng = random.Random(42)
    >>> df = color_spectrum(30, 42, rng=rng)
    >>> pairs = ValuePairs.from_values(df, word="keyword", value="estimated_value", seed=rng)
    """
    import pandas as pd

    max_colors = len(BASE_COLORS) * (1 + len(COLOR_MODIFIERS))
    if (
        isinstance(n_colors, bool)
        or not isinstance(n_colors, int | np.integer)
        or not (1 <= n_colors <= max_colors)
    ):
        raise ParameterError(
            f"n_colors must be an integer from 1 to {max_colors}, got {n_colors!r}"
        )
    r = rng if rng is not None else random.Random(seed)
    noise = np.random.RandomState(seed)
    bases = list(BASE_COLORS)
    modifiers = list(COLOR_MODIFIERS)
    colors = bases.copy()
    seen = set(colors)
    while len(colors) < n_colors:
        base = r.choice(bases)
        modifier = r.choice(modifiers)
        name = f"{modifier}-{base}"
        if name not in seen:
            seen.add(name)
            colors.append(name)
    colors = colors[:n_colors]
    values = []
    for c in colors:
        if c in BASE_COLORS:
            values.append(float(BASE_COLORS[c]))
        else:
            modifier, base = c.split("-", 1)
            values.append(BASE_COLORS[base] + COLOR_MODIFIERS[modifier] + noise.normal(0, 3))
    df = pd.DataFrame({"keyword": colors, "estimated_value": np.asarray(values, np.float64)})
    return df.sort_values("estimated_value", kind="stable").reset_index(drop=True)


def mixture_values(
    n_words: int = 1_000_000, n_components: int = 5, seed: int = 0, *, prefix: str = "w"
) -> pd.DataFrame:
    """``n_words`` synthetic words (``w0000000`` ...) with values from a Gaussian mixture.

    Component means are uniform in [0, 100], standard deviations in [1, 8], weights from a
    flat Dirichlet; all from ``numpy.random.default_rng(seed)``."""
    import pandas as pd

    if int(n_words) < 3:
        raise ParameterError(f"n_words must be >= 3, got {n_words!r}")
    if int(n_components) < 1:
        raise ParameterError(f"n_components must be >= 1, got {n_components!r}")
    g = np.random.default_rng(seed)
    means = g.uniform(0, 100, n_components)
    sds = g.uniform(1, 8, n_components)
    weights = g.dirichlet(np.ones(n_components))
    comp = g.choice(n_components, size=int(n_words), p=weights)
    values = g.normal(means[comp], sds[comp])
    width = len(str(int(n_words) - 1))
    words = [f"{prefix}{i:0{width}d}" for i in range(int(n_words))]
    return pd.DataFrame({"word": words, "value": values, "component": comp.astype(np.int32)})


def topic_records(
    n_topics: int = 6,
    words_per_topic: int = 20,
    n_records: int = 3000,
    length: int = 12,
    n_common: int = 10,
    seed: int = 0,
) -> pd.DataFrame:
    """Records on planted topics: ``text`` and ``value``.

    Topic ``k`` has words ``t<k>w<j>`` (numbers written in letters, ``a`` = 0, so that the
    default tokenizer keeps them: ``tbwc`` is topic 1's word 2) and the value ``10·k``; each
    record picks a topic, then ``length`` words: three in four from the topic (uniformly),
    the rest from ``n_common`` shared words ``c<j>``; its value is the topic's plus ``normal(0, 1)``. So a
    word's meaning (its topic, from co-occurrence) fixes its value, and a word whose value is
    hidden can get it back from its neighbours. From ``numpy.random.default_rng(seed)``."""
    import pandas as pd

    for name, x in (
        ("n_topics", n_topics),
        ("words_per_topic", words_per_topic),
        ("n_records", n_records),
        ("length", length),
        ("n_common", n_common),
    ):
        if isinstance(x, bool) or not isinstance(x, int | np.integer) or x < 1:
            raise ParameterError(f"{name} must be a positive integer, got {x!r}")
    if n_topics < 2:
        raise ParameterError(f"n_topics must be >= 2 (values need a spread), got {n_topics}")
    g = np.random.default_rng(seed)
    topic = g.integers(0, n_topics, n_records)
    from_topic = g.random((n_records, length)) < 0.75
    tw = g.integers(0, words_per_topic, (n_records, length))
    cw = g.integers(0, n_common, (n_records, length))
    texts = []
    for r in range(n_records):
        k = topic[r]
        texts.append(
            " ".join(
                f"t{_letters(k)}w{_letters(tw[r, i])}"
                if from_topic[r, i]
                else f"c{_letters(cw[r, i])}"
                for i in range(length)
            )
        )
    values = 10.0 * topic + g.normal(0, 1, n_records)
    return pd.DataFrame({"text": texts, "value": values, "topic": topic.astype(np.int32)})


def _letters(i: int) -> str:
    """0 -> 'a', 25 -> 'z', 26 -> 'ba' (base 26 in letters)."""
    i = int(i)
    out = ""
    while True:
        out = chr(97 + i % 26) + out
        i //= 26
        if i == 0:
            return out
