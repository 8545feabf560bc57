"""The Word Embedding Association Test (WEAT; Caliskan, Bryson & Narayanan, Science 2017).

Two sets of target words ``X`` and ``Y`` (flowers, insects) and two sets of attribute words
``A`` and ``B`` (pleasant, unpleasant). Each target word ``w`` gets an association

    s(w, A, B) = mean_{a in A} cos(w, a) - mean_{b in B} cos(w, b)

and the test statistic is ``S = sum_{x in X} s(x) - sum_{y in Y} s(y)``. The **effect size** is

    d = (mean_{x in X} s(x) - mean_{y in Y} s(y)) / std_{w in X u Y} s(w)

with the population standard deviation (``ddof=0``), as WEFE computes it (the paper says
"std-dev" without more; ``ddof=1`` gives the sample one). The **p-value** is one-sided: the
share of the partitions ``(X_i, Y_i)`` of ``X u Y`` into sets of the sizes of ``X`` and ``Y``
whose statistic is at least the observed one. It is **exact** (every partition enumerated) when
there are at most ``exact_limit`` partitions (C(16, 8) = 12,870 for 8 + 8 words), else
estimated from ``n_permutations`` random partitions drawn with ``seed``, as ``(k + 1) / (n + 1)``
(the observed partition counts once, so the estimate is never 0).

Because ``S = 2 * sum_{X_i} s - sum_{X u Y} s``, a partition costs a sum of ``|X|`` numbers:
the associations are computed once (one matrix product) and the permutations only add them.

Words not in the vocabulary are looked up as written, then lowercased (pretrained vocabularies
such as GloVe 6B are lowercase: "Adam" is ``adam``); those still missing are dropped from their
set **and reported** in :attr:`WEATResult.missing` (and logged). A set left with no word raises
:class:`~wordspace.errors.ParameterError` naming the set.

:func:`caliskan_tests` gives the paper's ten tests (bundled ``weat_caliskan2017.json``, with its
source and licence note) and the paper's published GloVe figures; :func:`weat_caliskan` runs
them all.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from wordspace.errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from wordspace.vectors.keyed import WordVectors

__all__ = ["weat", "WEATResult", "WEATTest", "caliskan_tests", "weat_caliskan", "WEAT_DATA"]

logger = logging.getLogger(__name__)

#: the bundled file of Caliskan et al.'s ten tests
WEAT_DATA = "weat_caliskan2017.json"

_SETS = ("X", "Y", "A", "B")


@dataclass(frozen=True)
class WEATResult:
    """One WEAT: the effect size, the one-sided p-value and how it was obtained, the test
    statistic, the words used and those missing from the vocabulary (per set ``X, Y, A, B``)."""

    effect_size: float
    p_value: float
    statistic: float
    exact: bool
    n_partitions: int  # partitions counted: all of them (exact) or the random ones drawn
    words: dict[str, list[str]]
    missing: dict[str, list[str]]
    name: str = ""
    published: dict[str, Any] = field(default_factory=dict)

    @property
    def n_missing(self) -> int:
        return sum(len(v) for v in self.missing.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "effect_size": self.effect_size,
            "p_value": self.p_value,
            "statistic": self.statistic,
            "exact": self.exact,
            "n_partitions": self.n_partitions,
            "sizes": {k: len(v) for k, v in self.words.items()},
            "missing": self.missing,
            "published": self.published,
        }


@dataclass(frozen=True)
class WEATTest:
    """One of the bundled tests: target sets ``X, Y``, attribute sets ``A, B``, their names and
    the published figures."""

    id: str
    title: str
    X: list[str]
    Y: list[str]
    A: list[str]
    B: list[str]
    set_names: tuple[str, str, str, str]
    published: dict[str, Any]


def _words(s: Iterable[str], what: str) -> list[str]:
    if isinstance(s, str):
        raise ParameterError(f"{what} must be a list of words, not one string ({s[:40]!r})")
    out = list(s)
    if not out:
        raise ParameterError(f"{what} is empty; give at least one word")
    for w in out:
        if not isinstance(w, str):
            raise ParameterError(f"{what} must hold words (str), found {type(w).__name__}")
    return out


def _lookup(wv: WordVectors, words: list[str]) -> tuple[list[str], list[int], list[str]]:
    """The words found (as written, else lowercased), their row ids, and the missing words."""
    kti = wv.key_to_index
    found, ids, missing = [], [], []
    seen: set[int] = set()
    for w in words:
        i = kti.get(w)
        if i is None:
            i = kti.get(w.lower())
        if i is None:
            missing.append(w)
        elif i not in seen:  # a word given twice (or in two spellings) counts once
            seen.add(i)
            found.append(w)
            ids.append(i)
    return found, ids, missing


def _unit(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    n = np.linalg.norm(m, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return m / n


def weat(
    wv: WordVectors,
    X: Sequence[str],
    Y: Sequence[str],
    A: Sequence[str],
    B: Sequence[str],
    *,
    n_permutations: int = 100_000,
    exact_limit: int = 200_000,
    seed: int = 0,
    ddof: int = 0,
    name: str = "",
) -> WEATResult:
    """Effect size and one-sided permutation p-value of the association of targets ``X`` vs
    ``Y`` with attributes ``A`` vs ``B`` (see the module docstring for the formulas).

    ``exact_limit``: enumerate every partition when there are at most this many; else draw
    ``n_permutations`` random ones with ``seed``. ``ddof``: 0 (WEFE's standard deviation) or 1.
    Words missing from ``wv`` are dropped and reported in the result's ``missing``.
    """
    sets = {k: _words(v, k) for k, v in zip(_SETS, (X, Y, A, B), strict=True)}
    for k in ("n_permutations", "exact_limit"):
        v = n_permutations if k == "n_permutations" else exact_limit
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
            raise ParameterError(f"{k} must be a positive integer, got {v!r}")
    if ddof not in (0, 1):
        raise ParameterError(f"ddof must be 0 (population std, as WEFE) or 1, got {ddof!r}")
    words: dict[str, list[str]] = {}
    ids: dict[str, list[int]] = {}
    missing: dict[str, list[str]] = {}
    for k, ws in sets.items():
        words[k], ids[k], missing[k] = _lookup(wv, ws)
        if not ids[k]:
            raise ParameterError(
                f"WEAT{' ' + name if name else ''}: no word of set {k} is in the vocabulary "
                f"({', '.join(map(repr, ws[:5]))}{', ...' if len(ws) > 5 else ''}); "
                "give words the model knows"
            )
    for k, ws in sets.items():
        if missing[k]:
            logger.warning(
                "WEAT%s: %d of %d words of set %s are not in the vocabulary: %s",
                f" {name}" if name else "",
                len(missing[k]),
                len(ws),
                k,
                ", ".join(missing[k]),
            )
    if len(ids["X"]) + len(ids["Y"]) < 2:
        raise ParameterError("WEAT needs at least two target words in X and Y together")
    vec = wv.vectors
    t = _unit(vec[ids["X"] + ids["Y"]])
    s = (t @ _unit(vec[ids["A"]]).T).mean(axis=1) - (t @ _unit(vec[ids["B"]]).T).mean(axis=1)
    nx = len(ids["X"])
    sx, sy = s[:nx], s[nx:]
    statistic = float(sx.sum() - sy.sum())
    std = float(np.std(s, ddof=ddof))
    effect = float((sx.mean() - sy.mean()) / std) if std > 0 else float("nan")
    p, exact, n_parts = _p_value(s, nx, statistic, n_permutations, exact_limit, seed)
    return WEATResult(
        effect_size=effect,
        p_value=p,
        statistic=statistic,
        exact=exact,
        n_partitions=n_parts,
        words=words,
        missing=missing,
        name=name,
    )


def _p_value(
    s: np.ndarray, nx: int, observed: float, n_permutations: int, exact_limit: int, seed: int
) -> tuple[float, bool, int]:
    n = len(s)
    total = float(s.sum())
    # ties: the observed partition itself must count, whatever the rounding of the sums
    tol = 1e-12 * max(1.0, float(np.abs(s).sum()))
    n_parts = math.comb(n, nx)
    chunk = 20_000
    if n_parts <= exact_limit:
        hits = 0
        it = combinations(range(n), nx)
        while True:
            block = np.fromiter(
                (i for c in _take(it, chunk) for i in c), dtype=np.int64
            ).reshape(-1, nx)
            if not len(block):
                break
            stat = 2.0 * s[block].sum(axis=1) - total
            hits += int(np.count_nonzero(stat >= observed - tol))
        return hits / n_parts, True, n_parts
    rng = np.random.default_rng(seed)
    hits = 0
    done = 0
    while done < n_permutations:
        m = min(chunk, n_permutations - done)
        perm = rng.permuted(np.tile(np.arange(n), (m, 1)), axis=1)[:, :nx]
        stat = 2.0 * s[perm].sum(axis=1) - total
        hits += int(np.count_nonzero(stat >= observed - tol))
        done += m
    return (hits + 1) / (n_permutations + 1), False, n_permutations


def _take(it, k: int):
    for _ in range(k):
        try:
            yield next(it)
        except StopIteration:
            return


def caliskan_tests() -> list[WEATTest]:
    """Caliskan et al.'s (Science 2017) ten WEATs, from the bundled ``weat_caliskan2017.json``
    (source and licence in ``weat_caliskan2017.LICENSE`` beside it), with the paper's published
    effect sizes and p-values for GloVe 840B Common Crawl (another corpus than GloVe 6B)."""
    path = resources.files("wordspace") / "data" / WEAT_DATA
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for t in data["tests"]:
        (x, y), (a, b) = t["targets"], t["attributes"]
        out.append(
            WEATTest(
                id=t["id"],
                title=t["title"],
                X=x,
                Y=y,
                A=a,
                B=b,
                set_names=(*t["target_names"], *t["attribute_names"]),
                published=dict(t["published"]),
            )
        )
    return out


def weat_caliskan(
    wv: WordVectors,
    *,
    tests: Sequence[str] | None = None,
    n_permutations: int = 100_000,
    exact_limit: int = 200_000,
    seed: int = 0,
    ddof: int = 0,
) -> list[WEATResult | str]:
    """Run Caliskan et al.'s ten tests (or those whose ids are in ``tests``) on ``wv``: one
    :class:`WEATResult` per test, or, for a test a set of which has no word in the
    vocabulary, a one-line reason (so one missing set does not hide the other tests)."""
    all_tests = caliskan_tests()
    if tests is not None:
        known = {t.id for t in all_tests}
        bad = [t for t in tests if t not in known]
        if bad:
            raise ParameterError(
                f"unknown WEAT test(s) {', '.join(map(repr, bad))}; known: {', '.join(sorted(known))}"
            )
        all_tests = [t for t in all_tests if t.id in set(tests)]
    out: list[WEATResult | str] = []
    for t in all_tests:
        try:
            r = weat(
                wv,
                t.X,
                t.Y,
                t.A,
                t.B,
                n_permutations=n_permutations,
                exact_limit=exact_limit,
                seed=seed,
                ddof=ddof,
                name=t.id,
            )
        except ParameterError as e:
            out.append(f"{t.id}: {e}")
            continue
        out.append(
            WEATResult(**{**r.__dict__, "published": t.published})  # type: ignore[arg-type]
        )
    return out
