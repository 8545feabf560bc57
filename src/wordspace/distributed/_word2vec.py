"""Data-parallel word2vec and fastText on a Dask cluster (or simulated in this process).

The corpus (files) is cut into ``n_parts`` parts of about equal size, one per worker, each
read once into vocabulary ids on its worker and kept there. Training runs in *rounds*: in
round ``r`` of an epoch every part trains its sentences starting in words
``[r * sync_words, (r + 1) * sync_words)`` of the part with the usual kernels
(``kernels.word2vec.train_job``, or ``kernels.fasttext.train_job`` for a
:class:`~wordspace.FastText` model, ``model.workers`` threads, Hogwild-style, jobs of
``batch_words``). Every epoch trains the whole corpus once.

Communication proportional to what changed (issue 33):

* Every worker keeps the synchronised weights of the run in its process (``_STATES``, one
  entry per run) and trains on a working copy of them. A round's task returns only the
  rows its training changed, with their *deltas* (``float32``, or ``float16`` with
  ``delta_dtype="float16"``; rows as ``int32``). The input rows it may change are known from
  the words of its sentences (their subword rows for fastText) and only those are compared;
  the output rows (negative samples reach any row) are compared in full.
* Up to ``LOCAL_MERGE_PARTS`` (3) parts, the next round's task on every worker takes the
  round's results of all parts as inputs (Dask fetches the others' deltas peer to peer)
  and merges them itself by the ``merge`` rule below: one task hop a round, no merge task
  and no step to broadcast. With more parts (each worker would receive ``P - 1`` parts'
  deltas) one *merge task* per round, on a worker, adds the deltas and returns the merged
  step (only the rows some part changed); the next round's tasks take that step as an
  input, so Dask moves it from the worker that merged to every worker, peer to peer. Both
  add the same deltas in the same order: the same model bit for bit. Nothing large goes
  through the driver. Every round the driver receives
  only the counters (a small task next to the step); at the end of every epoch it fetches
  the synchronised weights from a worker (its copy, for recovery, the epoch's callbacks and
  the fitted model; the round after an epoch's end keeps a copy of the weights for it,
  so the workers train on while the driver fetches them). The whole weights travel once
  per worker at the start of a run.
* The per-row work of a round (which rows changed, their deltas, the working copy set back,
  the steps added) is one compiled pass each (:mod:`wordspace.kernels.deltas`); a worker
  merging a round itself adds the merged rows to both its copies in the same pass
  (``merge_add``: no merged step in memory, bit for bit the merge task's model).
* A worker fetches the other parts' deltas of a round as soon as they exist, while it still
  trains its own part (a tiny prefetch task that needs them): the next round finds them
  there instead of waiting for the transfer.
* Reading: every file is counted (the vocabulary) on the worker that will train most of it,
  which keeps the scan (raw ids) until its part is made: a part is read and tokenised once.
* The driver submits rounds ahead (``2 + staleness``), so scheduling and transfers of round
  ``t + 1`` overlap the computation of round ``t``. With ``staleness=0`` (default) nothing
  is stale: round ``t`` starts from the weights merged through round ``t - 1``, exactly as
  before. With ``staleness=1`` round ``t`` starts from the weights merged through round
  ``t - 2``: a worker no longer waits for the merge of the round just finished (it runs
  while the next round trains), at the price of gradients one round older
  (docs/scaling.md measures it).

Everybody (workers and driver) applies the same float32 (or float16-rounded) step to the
same float32 weights, so all copies stay equal bit for bit.

Merging (``merge``):

* ``"frequency"`` (default): add, for every row of a word, the sum of the deltas divided by
  the word's expected occurrences in one part's round (from the vocabulary counts; for a
  fastText n-gram row, the counts of the words that contain it), clipped to ``[1, K]``:
  summed for words a part sees about once per round or less, averaged for words it sees K
  times or more (negative samples, which touch frequent output rows everywhere, do not
  count, as they would for a mean over the parts that touched a row).
* ``"average"``: add the mean of the deltas over the parts of the round, which is
  averaging the workers' models (Spark MLlib's rule, here every ``sync_words`` words).

How long a round is (``sync_words="auto"``, :func:`auto_sync_words`): a round's exchange
costs about the same whatever its length (its rows approach the whole vocabulary), so
fewer, longer rounds are cheaper; at 2 parts long rounds keep the single machine's accuracy
(with ``lr_scale`` 2), at 8 parts only short ones do (docs/scaling.md).

Measured (docs/scaling.md, wiki100m, 8 parts, CBOW, 5 epochs; single machine 0.339
analogy): ``"frequency"`` with ``lr_scale`` about 3 is the best (0.317 at 100k words a
round, 0.324 at 50k, 0.338-0.341 at 20k, the default), ``"average"`` 0.280 (100k),
Spark-style averaging once per epoch 0.131.

Learning rate: it decays linearly with the *global* corpus position, as on one machine. At
the start of round ``r`` of epoch ``e`` the corpus has advanced by ``G = e N + Σ_k min(n_k,
r S)`` words (``N`` words in all, ``n_k`` in part ``k``, ``S = sync_words``); with ``K``
parts training in the round, a word at offset ``i`` of its round stands at ``G + K i``
(computed as ``K (G // K + i)``). Job seeds come from ``(seed, epoch, round, part, job)``.
With one part and one round per epoch this is exactly the single-machine schedule and seeds
(a round with one part sends its new rows, not deltas): ``n_parts=1, workers=1`` trains bit
for bit the model ``Word2Vec.fit`` trains.

Fault tolerance: a part is the result of a task that reads it from the files; the initial
weights and the tables are sent by the driver inside a task that returns them
(``engine.put``), so the scheduler can make them again; the last ``KEEP_STEPS`` merged steps
stay referenced. When a worker dies, Dask runs its lost tasks again on the workers left: a
worker whose copy of the weights is current (or a fresh one within ``KEEP_STEPS`` rounds of
the run's start) trains the lost part as the dead one would have. A task whose worker cannot
rebuild the weights it needs raises :class:`StateLost`; the driver then starts a new run
from its own copy, the weights at the end of the last finished epoch, and trains the
rounds since then again (same seeds and schedule, so the model is the undisturbed one), up
to ``max_retries`` times in a row.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from wordspace.distributed._engine import engine_for, open_partition, partition_specs
from wordspace.errors import CorpusError, ParameterError, WordspaceError

__all__ = ["fit_word2vec", "plan_parts"]

logger = logging.getLogger(__name__)

MERGES = ("frequency", "average")
DELTA_DTYPES = ("float32", "float16")
SYNC_WORDS = 20_000  # sync_words="auto" at 3 or more parts (docs/scaling.md: measured)
SYNC_ROWS = 12  # sync_words="auto" at 2 parts: words a part trains per round per vocabulary word
LONG_ROUND_ROWS = 4  # lr_scale="auto" is 2 at 2 parts from rounds of this many words per word
KEEP_STEPS = 4  # merged steps kept referenced, for workers a few rounds behind
LOCAL_MERGE_PARTS = 3  # up to this many parts, every worker merges a round's deltas itself
_EMPTY = np.zeros(0, np.int64)  # "no candidates": take_changed compares every row
_NO_EXP = np.zeros(0, np.float64)  # merge_add: no expected occurrences (divide by the parts)


# ------------------------------------------------------------------------------- parts
def plan_parts(specs: list[dict[str, Any]], n_parts: int) -> list[list[tuple]]:
    """Cut the files into ``n_parts`` contiguous parts of about equal bytes: each part is a
    list of ``(spec, lo, hi, size)`` pieces (byte offsets into one file of ``size`` bytes;
    the sentences of a piece are those starting in word ``n*lo//size .. n*hi//size``)."""
    sizes = [max(int(s["size"]), 1) for s in specs]
    total = sum(sizes)
    n_parts = max(1, min(int(n_parts), total))
    bounds = [total * k // n_parts for k in range(n_parts + 1)]
    parts: list[list[tuple]] = []
    for k in range(n_parts):
        lo, hi = bounds[k], bounds[k + 1]
        pieces = []
        off = 0
        for spec, z in zip(specs, sizes, strict=True):
            a, b = max(lo, off), min(hi, off + z)
            if a < b:
                pieces.append((spec, a - off, b - off, z))
            off += z
        parts.append(pieces)
    return parts


def load_part(
    pieces: list[tuple], words: list[str], keep: str | None = None
) -> tuple[np.ndarray, np.ndarray, float]:
    """A part as vocabulary ids ``(ids, sentence_starts, seconds)`` (runs on a worker;
    ``seconds``: reading and tokenising it, for the breakdown of ``sync_stats_``). A file
    whose scan the vocabulary count kept here under ``keep`` is not read again."""
    from wordspace.distributed._vocab import kept_scan
    from wordspace.text.vocab import Vocabulary

    t0 = time.perf_counter()
    vocab = Vocabulary(words, np.ones(len(words), dtype=np.int64))
    all_ids, all_lens = [], []
    for spec, lo, hi, size in pieces:
        corpus = open_partition(spec)
        sc = kept_scan(keep, spec)
        if sc is not None:  # counted here: its ids are known (what corpus.scan() would cache)
            corpus._scan = sc
        ids, starts = corpus.to_ids(vocab)
        n = len(ids)
        a, b = n * lo // size, (n if hi == size else n * hi // size)
        heads = starts[:-1]
        s0 = int(np.searchsorted(heads, a, side="left"))
        s1 = int(np.searchsorted(heads, b, side="left"))
        all_ids.append(ids[starts[s0] : starts[s1]])
        all_lens.append(np.diff(starts[s0 : s1 + 1]))
    ids = np.ascontiguousarray(np.concatenate(all_ids)) if all_ids else np.zeros(0, np.int32)
    lens = np.concatenate(all_lens) if all_lens else np.zeros(0, np.int64)
    starts = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens, out=starts[1:])
    return ids, starts, time.perf_counter() - t0


def _file_homes(specs: list[dict[str, Any]], plan: list[list[tuple]], homes: list) -> list:
    """The worker of each file: the home of the part that holds most of its bytes."""
    where: dict[str, tuple[int, Any]] = {}
    for pieces, h in zip(plan, homes, strict=True):
        for spec, lo, hi, _ in pieces:
            if hi - lo > where.get(spec["path"], (-1, None))[0]:
                where[spec["path"]] = (hi - lo, h)
    return [where.get(s["path"], (0, None))[1] for s in specs]


def part_size(part: tuple) -> tuple[int, float]:
    """A part's words and the seconds its worker took to read it (runs where it is)."""
    return int(part[0].shape[0]), float(part[2])


def auto_lr_scale(n_parts: int, sync_words: int, n_vocab: int) -> float:
    """``lr_scale="auto"`` with ``merge="frequency"``: ``sqrt(n_parts)``, except 2 at 2 parts
    with rounds of ``4 V`` words or more (``V``: vocabulary size). The longer a round, the
    more words a part sees often enough to be averaged rather than summed, and at 2 parts
    long rounds lost 1-1.3 points of analogy at sqrt(2) and none at 2, while rounds of
    0.7 V words were 0.8 points better at sqrt(2) (wiki100m, docs/scaling.md)."""
    if n_parts == 2 and sync_words >= LONG_ROUND_ROWS * n_vocab:
        return 2.0
    return max(1.0, float(n_parts) ** 0.5)


def auto_sync_words(n_vocab: int, n_parts: int, part_words: int) -> int:
    """``sync_words="auto"``: the words each part trains between synchronisations.

    A round costs, beyond its training, a fixed latency plus work and bytes in proportion to
    the rows it changes, which approach all ``2 V`` rows of the input and output matrices
    (the negative samples reach nearly every output row); its training costs in proportion
    to its words. ``S = SYNC_ROWS * V`` words keep that exchange a small share of a round
    (docs/scaling.md measures both). Accuracy sets the other bound: with ``P`` parts a part
    misses ``(P - 1) S`` words of the others' progress per round; at 2 parts long rounds
    keep the single machine's accuracy, at 8 parts only rounds of about 20,000 words do
    (docs/scaling.md), so 3 parts and more keep ``SYNC_WORDS``. One part trains its whole
    part in one round per epoch: exactly the single-machine schedule and seeds."""
    part_words = max(int(part_words), 1)
    if n_parts <= 1:
        return part_words
    if n_parts == 2:
        return min(max(SYNC_WORDS, SYNC_ROWS * int(n_vocab)), part_words)
    return min(SYNC_WORDS, part_words)


# ------------------------------------------------------------------------ worker state
class StateLost(RuntimeError):
    """A worker cannot rebuild the synchronised weights a task needs (it joined late or
    fell more than ``KEEP_STEPS`` rounds behind): the driver restarts from its copy."""


_STATES: dict[str, dict[str, Any]] = {}  # run id -> this process's copy of the run's weights
_STATES_LOCK = threading.Lock()
_MAX_STATES = 4  # runs kept per process (an abandoned run's copy goes after 4 newer ones)


def _state(run: str) -> dict[str, Any]:
    with _STATES_LOCK:
        st = _STATES.get(run)
        if st is None:
            while len(_STATES) >= _MAX_STATES:
                _STATES.pop(next(iter(_STATES)))
            st = _STATES[run] = {"lock": threading.Lock(), "sync": None, "work": None, "v": 0}
        return st


def drop_state(run: str) -> None:
    """Free this process's copy of run ``run`` (end of a fit, or a restart)."""
    with _STATES_LOCK:
        _STATES.pop(run, None)


def apply_step(W: list[np.ndarray], step: tuple) -> None:
    """Add a merged step ``(rows0, s0, rows1, s1, rows2, s2, absolute, ...)`` to ``W`` in
    place (``absolute``: the rows' new values, from a round of one part)."""
    from wordspace.kernels.deltas import add_rows

    absolute = bool(step[6])
    for a in range(3):
        rows, val = step[2 * a], step[2 * a + 1]
        if len(rows) == 0:
            continue
        add_rows(W[a], rows, val.astype(np.float32, copy=False), absolute)  # one pass


def _sync_to(st: dict[str, Any], init: tuple | None, steps: list, first: int, need: int) -> None:
    """Bring this process's copy to version ``need`` (merged rounds since the run's start);
    ``steps[i]`` turns version ``first + i`` into ``first + i + 1``."""
    if st["sync"] is None:
        if init is None:  # the run's start is too far back to replay its steps
            raise StateLost(f"no copy of the weights here, and version {need} is past the start")
        st["sync"] = [np.array(a, dtype=np.float32, copy=True) for a in init]
        st["work"] = [np.array(a, dtype=np.float32, copy=True) for a in init]
        st["v"] = 0
    v = int(st["v"])
    if v > need or v < first:
        raise StateLost(f"weights at version {v}, a task needs {need} (steps from {first})")
    for step in steps[v - first :]:
        if isinstance(step, list):  # a round's results, merged here (LOCAL_MERGE_PARTS)
            if _merge_into(st["sync"], st["work"], *step[1:]):
                continue
            step = merge_round(*step[1:])
        apply_step(st["sync"], step)
        apply_step(st["work"], step)
    st["v"] = need


def _merge_into(
    sync: list[np.ndarray],
    work: list[np.ndarray],
    expected: np.ndarray | None,
    merge: str,
    dtype: str,
    *results: tuple,
) -> bool:
    """Merge a round's float32 deltas of several parts straight into ``sync`` and ``work``
    (:func:`~wordspace.kernels.deltas.merge_add`: one pass, bit for bit :func:`merge_round`
    then :func:`apply_step` twice); ``False`` where that path does not apply (one part,
    float16, rows out of order): the caller merges the plain way."""
    from wordspace.kernels.deltas import merge_add

    if len(results) < 2 or dtype != "float32" or any(bool(r[6]) for r in results):
        return False
    args = []
    for a in range(3):
        rows = tuple(np.ascontiguousarray(r[2 * a], dtype=np.int32) for r in results)
        vals = tuple(r[2 * a + 1] for r in results)
        if any(v.dtype != np.float32 for v in vals) or any(
            len(x) > 1 and not bool(np.all(x[1:] > x[:-1])) for x in rows
        ):
            return False
        args.append((rows, tuple(np.ascontiguousarray(v) for v in vals)))
    for a, (rows, vals) in enumerate(args):
        if not any(len(x) for x in rows):
            continue
        exp = expected if a < 2 and merge == "frequency" and expected is not None else _NO_EXP
        merge_add(sync[a], work[a], rows, vals, exp, merge == "average")
    return True


def _distinct(values: np.ndarray, n: int = 0) -> np.ndarray:
    """The distinct values of ``values`` (ints in ``[0, n)``; ``n`` 0: unknown), sorted, as
    ``int64``: ``np.unique`` by a mask over ``[0, n)``, a pass instead of a sort."""
    if len(values) == 0:
        return np.zeros(0, np.int64)
    n = max(int(n), int(values.max()) + 1)
    mask = np.zeros(n, dtype=bool)
    mask[values] = True
    return np.flatnonzero(mask)


def part_threads(workers: int) -> int:
    """The threads a part trains with: ``model.workers``, but no more than the Dask worker
    running the task has (``dask worker --nthreads``, ``threads_per_worker``: the CPU budget
    the cluster gave it). Two parts of 2 threads each in one-thread workers on a 2-core
    machine run 4 threads on 2 cores: wiki100m CBOW trained in 31.95 s against 27.22 s with
    one thread a part (medians of 3, docs/scaling.md). Outside a Dask worker (simulated parts): ``model.workers``."""
    try:
        from distributed import get_worker

        n = int(get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):  # not in a Dask worker
        return workers
    return max(1, min(workers, n))


def train_round(
    part: tuple,
    run: str,
    init: tuple | None,
    steps: list,
    first: int,
    need: int,
    tables: tuple,
    w0: int,
    w1: int,
    k_round: int,
    schedule: tuple,
    seed: tuple[int, int, int],
    workers: int,
    batch_words: int,
    compute_loss: bool,
    shared: bool,
    dtype: str,
    snap: bool = False,
) -> tuple:
    """Train the sentences of ``part`` starting in words ``[w0, w1)`` from the run's weights
    at version ``need`` and return the changed rows with their deltas: ``(rows0, d0, rows1,
    d1, rows2, d2, absolute, words_seen, words_trained, loss, last_alpha, seconds)`` (runs
    on a worker; ``absolute``: a round of one part in float32 returns the new values instead;
    ``seconds``: ``(apply, train, changed, task)``, the time spent bringing the weights up
    to date, training, finding the changed rows, and in all). ``snap``: keep a copy of the
    weights at version ``need`` (an epoch's end) for :func:`snapshot`."""
    from wordspace._base import mix_seed
    from wordspace.kernels.deltas import take_changed

    t_task = time.perf_counter()
    workers = part_threads(workers)
    ids, starts = part[0], part[1]
    kernel, sub = tables[-2], tables[-1]
    ktables = tables[:-2]
    negative, hs = int(ktables[8]), bool(ktables[7])
    heads = starts[:-1]
    s0 = int(np.searchsorted(heads, w0, side="left"))
    s1 = int(np.searchsorted(heads, w1, side="left"))
    alpha0, span, gpos, denom = schedule
    first_word = int(starts[s0])
    bounds = np.unique(
        np.concatenate(
            [
                [s0],
                np.searchsorted(
                    heads, np.arange(first_word + batch_words, int(starts[s1]), batch_words)
                ),
                [s1],
            ]
        )
    ).astype(np.int64)
    jobs = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
    st = _state(run)
    with st["lock"]:  # one task at a time trains on this process's working copy
        t_apply = time.perf_counter()
        _sync_to(st, init, steps, first, need)
        if snap:  # the end of an epoch: the driver's copy, fetched while this round trains
            st["snap"] = (need, tuple(np.array(a, copy=True) for a in st["sync"]))
        t_train = time.perf_counter()
        t_apply = t_train - t_apply
        sync, work = st["sync"], st["work"]
        if kernel == "fasttext":
            from wordspace.kernels.fasttext import train_job as ft_job

            def call(a, b, sd):
                return ft_job(
                    ids, starts, a, b, work[0], work[1], work[2], sub[0], sub[1], sub[2], *ktables,
                    alpha0, span, gpos + int(starts[a]) - first_word, denom, sd, compute_loss,
                )  # fmt: skip
        else:
            from wordspace.kernels.word2vec import train_job

            def call(a, b, sd):
                return train_job(
                    ids, starts, a, b, work[0], work[1], work[2], *ktables,
                    alpha0, span, gpos + int(starts[a]) - first_word, denom, sd,
                    compute_loss, shared,
                )  # fmt: skip

        def run_job(j: int):
            a, b = jobs[j]
            return call(a, b, np.uint64(mix_seed(seed[0], seed[1], seed[2] + j)))

        if workers > 1 and len(jobs) > 1:
            with ThreadPoolExecutor(workers) as pool:
                results = list(pool.map(run_job, range(len(jobs))))
        else:
            results = [run_job(j) for j in range(len(jobs))]
        t_changed = time.perf_counter()
        t_train = t_changed - t_train
        words = _distinct(ids[first_word : int(starts[s1])], work[0].shape[0])
        if kernel == "fasttext" and sub is not None:
            lo, hi = sub[0][words], sub[0][words + 1]
            cand = _distinct(
                np.concatenate([sub[1][x:y] for x, y in zip(lo.tolist(), hi.tolist(), strict=True)])
                if len(words)
                else np.zeros(0, np.int64),
                work[0].shape[0],
            )
        else:
            cand = words
        absolute = k_round == 1 and dtype == "float32"
        out: list[Any] = []
        for a, used, c in ((0, True, cand), (1, negative > 0, None), (2, hs, None)):
            if not used:
                out += [np.zeros(0, np.int32), np.zeros((0, work[a].shape[1]), dtype)]
                continue
            # the changed rows and their deltas; the working copy is the synchronised one
            # again (one compiled pass: kernels/deltas.py)
            rows, val = take_changed(
                work[a], sync[a], _EMPTY if c is None else c, c is None, absolute
            )
            out += [rows, val if absolute or dtype == "float32" else val.astype(dtype)]
    seen = sum(int(r[0]) for r in results)
    trained = sum(int(r[1]) for r in results)
    loss = float(sum(float(r[2]) for r in results))
    last = float(results[-1][3]) if results else float(alpha0)
    t_end = time.perf_counter()
    secs = (t_apply, t_train, t_end - t_changed, t_end - t_task)
    return (*out, absolute, seen, trained, loss, last, secs)


def merge_round(expected: np.ndarray | None, merge: str, dtype: str, *results: tuple) -> tuple:
    """The merged step of a round's results (runs on a worker): ``(rows0, s0, rows1, s1,
    rows2, s2, absolute, words_seen, words_trained, loss, last_alpha, bytes_in, seconds)``
    (``seconds``: the parts' ``train_round`` seconds). Deltas are added as
    :func:`_merge_rows` says; a round of one part passes its rows through."""
    secs = [r[11] for r in results]
    bytes_in = sum(r[2 * a].nbytes + r[2 * a + 1].nbytes for r in results for a in range(3))
    seen = sum(r[7] for r in results)
    trained = sum(r[8] for r in results)
    loss = float(sum(r[9] for r in results))
    last = min(float(r[10]) for r in results)
    if len(results) == 1:
        r = results[0]
        return (*r[:7], seen, trained, loss, last, bytes_in, secs)
    out: list[Any] = []
    for a in range(3):
        rows, step = _merge_rows(
            [r[2 * a] for r in results],
            [r[2 * a + 1] for r in results],
            merge,
            expected if a < 2 else None,
        )
        out += [rows, step.astype(dtype)]
    return (*out, False, seen, trained, loss, last, bytes_in, secs)


def step_summary(step: tuple) -> tuple:
    """What the driver needs of a merged step every round (runs where the step is): the
    counters and the bytes, not the rows: ``(words_seen, words_trained, loss, last_alpha,
    bytes_in, step_bytes, seconds)`` (``seconds``: every part's, as :func:`train_round`'s)."""
    step_bytes = sum(step[2 * a].nbytes + step[2 * a + 1].nbytes for a in range(3))
    return (*step[7:12], step_bytes, step[12])


def part_summary(res: tuple) -> tuple:
    """What the driver needs of one part's round when the workers merge themselves (runs
    where the result is): ``(words_seen, words_trained, loss, last_alpha, bytes, 0,
    [seconds])``."""
    nbytes = sum(res[2 * a].nbytes + res[2 * a + 1].nbytes for a in range(3))
    return (*res[7:11], nbytes, 0, [res[11]])


def _combine(summaries: list, local: bool) -> tuple:
    """A round's counters from its summaries (one merged step's, or every part's)."""
    if not local:
        return summaries[0]
    return (
        sum(x[0] for x in summaries),
        sum(x[1] for x in summaries),
        float(sum(x[2] for x in summaries)),
        min(float(x[3]) for x in summaries),
        sum(x[4] for x in summaries),
        0,
        [s for x in summaries for s in x[6]],
    )


def _futures(step: Any) -> list:
    """The futures a step entry holds: a merge task's, or (local merging) the round's train
    tasks' (the list's other items are the merge's arguments)."""
    if isinstance(step, list):
        return list(step[4:])
    return [step]


def snapshot(run: str, init: tuple | None, steps: list, first: int, need: int) -> tuple:
    """This worker's synchronised weights of run ``run`` at version ``need`` (copies): the
    driver's copy, fetched once an epoch instead of every merged step. The copy a round task
    kept (``snap``) serves when this worker has trained past ``need`` meanwhile."""
    st = _state(run)
    with st["lock"]:
        kept = st.get("snap")
        if kept is not None and kept[0] == need:
            st["snap"] = None
            return kept[1]
        _sync_to(st, init, steps, first, need)
        return tuple(np.array(a, copy=True) for a in st["sync"])


def _merge_rows(
    rows_list: list[np.ndarray],
    deltas: list[np.ndarray],
    merge: str,
    expected: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """The rows some part changed and their step: the mean of the deltas over the ``K``
    parts of the round (``"average"``), or their sum divided by each row's expected
    occurrences in one part's round clipped to ``[1, K]`` (``"frequency"``; without
    ``expected``, e.g. hierarchical-softmax nodes, by the parts that changed the row)."""
    K = len(rows_list)
    d = deltas[0].shape[1]
    if not any(len(r) for r in rows_list):
        return np.zeros(0, np.int32), np.zeros((0, d), np.float32)
    from wordspace.kernels.deltas import add_rows

    cat = np.concatenate(rows_list)
    mask = np.zeros(int(cat.max()) + 1, dtype=bool)
    mask[cat] = True
    rows = np.flatnonzero(mask)  # sorted, distinct: np.unique without the sort
    where = np.cumsum(mask) - 1  # row -> its position in rows
    acc = np.zeros((len(rows), d), np.float32)
    cnt = np.zeros(len(rows), np.int32)
    for r, dl in zip(rows_list, deltas, strict=True):  # rows are unique within a part
        pos = where[r]
        add_rows(acc, pos, dl.astype(np.float32, copy=False), False)  # in part order
        cnt[pos] += 1
    if merge == "average":
        acc *= np.float32(1.0 / K)
    else:  # "frequency": sum for rare words, mean for frequent ones
        div = np.clip(expected[rows], 1.0, K) if expected is not None else cnt
        acc /= div.astype(np.float32)[:, None]
    return rows.astype(np.int32), acc


def _check(
    sync_words: Any, merge: Any, n_parts: Any, max_retries: Any, staleness: Any, delta_dtype: Any
) -> None:
    from wordspace._base import is_int

    if sync_words != "auto" and (not is_int(sync_words) or sync_words < 1):
        raise ParameterError(
            f"sync_words must be a positive integer (words each worker trains between "
            f"synchronisations, e.g. 20_000, or 'auto'), got {sync_words!r}"
        )
    if merge not in MERGES:
        raise ParameterError(f"merge must be one of {', '.join(MERGES)}; got {merge!r}")
    if n_parts is not None and (not is_int(n_parts) or n_parts < 1):
        raise ParameterError(f"n_parts must be a positive integer or None, got {n_parts!r}")
    if not is_int(max_retries) or max_retries < 0:
        raise ParameterError(f"max_retries must be an integer >= 0, got {max_retries!r}")
    if not is_int(staleness) or not 0 <= staleness <= 2:
        raise ParameterError(
            f"staleness must be 0, 1 or 2 (rounds a worker may start before the last merges "
            f"arrived), got {staleness!r}"
        )
    if delta_dtype not in DELTA_DTYPES:
        raise ParameterError(
            f"delta_dtype must be one of {', '.join(DELTA_DTYPES)}; got {delta_dtype!r}"
        )


def _setup_model(model: Any, vocab: Any) -> tuple[list[np.ndarray], Any, str]:
    """Fresh weights for ``model`` (word2vec or fastText): ``(W, subword CSR or None,
    kernel)`` with ``W`` the model's own arrays (input, syn1neg, syn1)."""
    model._init_weights(vocab)
    if hasattr(model, "_subword_csr"):  # fastText: words + n-gram buckets share the kernels
        model._ensure_input()
        model._trained_ngrams = (int(model.minn), int(model.maxn))
        if int(model.maxn) == 0:
            return [model.wi_, model.syn1neg_, model.syn1_], None, "word2vec"
        ptr, idx = model._subword_csr()
        sub = (ptr, idx, model._subword_gains())
        return [model.wi_, model.syn1neg_, model.syn1_], sub, "fasttext"
    return [model.syn0_, model.syn1neg_, model.syn1_], None, "word2vec"


def _expected_rows(counts: np.ndarray, n_rows: int, sub: Any, per_round: float) -> np.ndarray:
    """Each input row's expected occurrences in one part's round (``merge="frequency"``'s
    divisor): a word's count, or for a fastText row the counts of the words using it."""
    c = np.asarray(counts, np.float64)
    if sub is None:
        out = c
    else:
        ptr, idx = sub[0], sub[1]
        owner = np.repeat(np.arange(len(c)), np.diff(ptr))
        out = np.bincount(idx, weights=c[owner], minlength=n_rows).astype(np.float64)
    return out * per_round


def fit_word2vec(
    model: Any,
    corpus: Any,
    client: Any = None,
    *,
    sync_words: int | str | None = "auto",
    merge: str = "frequency",
    n_parts: int | None = None,
    max_retries: int = 3,
    lr_scale: float | str = "auto",
    staleness: int = 0,
    delta_dtype: str = "float32",
    progress: Any = None,
) -> Any:
    """Train ``model`` (a :class:`~wordspace.Word2Vec` or :class:`~wordspace.FastText`)
    data-parallel on ``corpus`` (files).

    ``client``: a ``dask.distributed.Client`` (one part per worker by default), or ``None``
    to simulate ``n_parts`` workers in this process with the same rounds and merges.
    ``sync_words``: words each worker trains between synchronisations (``None``: a whole
    part, i.e. once per epoch; ``"auto"``, the default: :func:`auto_sync_words`, from the
    vocabulary size and the number of parts). ``merge``: ``"frequency"`` (rare words' changes summed,
    frequent words' averaged) or the ``"average"`` of the workers' changes (see the module
    docs and docs/scaling.md for the measurements).
    ``lr_scale``: every part trains with the learning rate (``alpha`` down to ``min_alpha``)
    times this factor, making up for averaging dividing each part's progress by the number of
    parts; ``"auto"``: with ``"frequency"`` :func:`auto_lr_scale` (``sqrt(n_parts)``, or 2 at
    2 parts with long rounds), ``max(1, n_parts / 2)`` with ``"average"`` (on wiki100m with
    8 parts and ``"frequency"``, 3 beat 4 and 6 diverged).
    ``staleness``: 0 (default) every round starts from all merged rounds before it; 1 or 2: a
    round starts without the last 1 or 2 merges, so the exchange overlaps the training.
    ``delta_dtype``: ``"float16"`` halves the bytes of the deltas and steps (rounded).
    Sets the usual fitted attributes plus ``sync_stats_`` (rounds, bytes per round and in
    total, seconds, retries).
    """
    from wordspace._base import check_finite
    from wordspace.distributed._engine import as_files_corpus
    from wordspace.distributed._vocab import build_vocabulary, drop_scans

    model._validate()
    if sync_words is None:
        sync_words = 2**62
    _check(sync_words, merge, n_parts, max_retries, staleness, delta_dtype)
    if not (
        lr_scale == "auto"
        or (isinstance(lr_scale, int | float) and not isinstance(lr_scale, bool) and lr_scale > 0)
    ):
        raise ParameterError(f"lr_scale must be a number > 0 or 'auto', got {lr_scale!r}")
    engine = engine_for(client, n_parts)
    corpus = as_files_corpus(
        corpus, lowercase=bool(model.lowercase), max_sentence_length=int(model.max_sentence_length)
    )
    t0 = time.perf_counter()
    phases: dict[str, float] = {}  # the driver's seconds per phase (sync_stats_["phases"])
    specs = partition_specs(corpus)
    K = int(n_parts or engine.n_workers)
    plan = plan_parts(specs, K)
    # one part per worker (the scheduler would put them all next to ``words``); every file
    # is counted where most of it will be trained, and its scan kept there (no second read)
    homes = engine.spread(len(plan))
    keep = uuid.uuid4().hex
    vocab = build_vocabulary(
        corpus,
        engine,
        min_count=model.min_count,
        max_vocab_size=model.max_vocab_size,
        max_final_vocab=model.max_final_vocab,
        homes=_file_homes(specs, plan, homes),
        keep=keep,
    )
    phases["vocab"] = time.perf_counter() - t0
    W, sub, kernel = _setup_model(model, vocab)
    model.tokenizer_ = corpus.tokenizer
    phases["setup"] = time.perf_counter() - t0 - phases["vocab"]
    # the vocabulary sent to every home (fetching it from another worker, busy loading its
    # own part, took seconds over TCP: the task that serves it holds the GIL)
    index_to_key = list(vocab.index_to_key)
    words_at = {h: engine.put(index_to_key, where=h) for h in dict.fromkeys(homes)}
    words = words_at[homes[0]]
    parts = [
        engine.submit(load_part, pieces, words_at[h], keep, **engine.near(h))
        for pieces, h in zip(plan, homes, strict=True)
    ]
    got = engine.gather([engine.submit(part_size, p) for p in parts])
    engine.run_everywhere(drop_scans, keep)
    sizes = np.asarray([g[0] for g in got], np.int64)
    model.vocab_seconds_ = time.perf_counter() - t0
    phases["load_parts"] = model.vocab_seconds_ - phases["vocab"] - phases["setup"]
    N = int(sizes.sum())
    if N == 0:
        raise CorpusError(f"{corpus.name} has no words of the vocabulary to train on")
    tables = engine.put((*model._tables(), kernel, sub))
    P = len(parts)
    if sync_words == "auto":
        S = auto_sync_words(len(vocab), P, int(sizes.max()))
    else:
        S = int(min(sync_words, int(sizes.max())))
    epochs = int(model.epochs)
    if lr_scale == "auto":  # measured: docs/scaling.md
        lr_scale = auto_lr_scale(P, S, len(vocab)) if merge == "frequency" else max(1.0, P / 2)
    lr_scale = float(lr_scale)
    denom = float(max(N * epochs - 1, 1))
    alpha0 = float(model.alpha)
    span_a = float(model.alpha - model.min_alpha)
    neg = int(model.negative) > 0
    expected = engine.put(
        _expected_rows(vocab.counts, W[0].shape[0], sub, S / max(N, 1))
        if merge == "frequency"
        else None
    )
    # every round of the fit, in order: (epoch, round, active parts, w0, w1, schedule, epoch#)
    rounds: list[tuple] = []
    e_first = int(model.epochs_trained_)
    for e in range(epochs):
        r = 0
        while True:
            w0 = r * S
            active = [k for k in range(P) if sizes[k] > w0]
            if not active:
                break
            G = e * N + int(np.minimum(sizes, w0).sum())
            # a word at offset i of its round stands near G + K i: alpha0 - K span (G/K + i)
            K_r = len(active)
            sched = (alpha0 * lr_scale, span_a * K_r * lr_scale, G // K_r, denom)
            rounds.append((e, r, active, w0, w0 + S, sched, e_first + e))
            r += 1
    n_receivers = min(P, engine.n_workers)
    w_bytes = sum(a.nbytes for a in W)
    stats: dict[str, Any] = {
        "parts": P,
        "part_words": sizes.tolist(),
        "sync_words": S,
        "sync_auto": sync_words == "auto",
        "merge": merge,
        "lr_scale": lr_scale,
        "staleness": int(staleness),
        "delta_dtype": delta_dtype,
        "rounds": 0,
        "bytes_initial": 0,  # the whole weights, once per worker and run
        "bytes_gathered": 0,  # the workers' deltas, to the merge task
        "bytes_broadcast": 0,  # the merged steps, to every worker (peer to peer)
        "bytes_to_driver": 0,  # the driver's copy of the steps
        "sync_seconds": 0.0,
        "wait_seconds": 0.0,
        "retries": 0,
        "restarts": 0,
        "phases": phases,
        "load_part_seconds": [round(float(g[1]), 3) for g in got],
    }
    # every part's seconds inside its round tasks: bringing the weights up to date (merging
    # the others' deltas included), training, finding the changed rows, the task in all
    busy = np.zeros((P, 4))
    first_task = [0.0] * P
    check = {
        "the vectors" if kernel == "word2vec" else "the input vectors": W[0],
        "the output weights": W[1] if neg else W[2],
    }
    model._call_callbacks("on_train_begin")
    logger.info(
        "data-parallel %s: %d words in %d parts, sync every %d words, merge=%s, %d epochs",
        kernel,
        N,
        P,
        S,
        merge,
        epochs,
    )
    depth = 2 + int(staleness)
    T = len(rounds)
    # up to LOCAL_MERGE_PARTS parts, a round's step is its train tasks' results, which every
    # worker fetches from the others and merges itself (each receives P - 1 parts' deltas);
    # beyond, one merge task adds them and every worker fetches the merged step from it
    local = P <= LOCAL_MERGE_PARTS
    train_futs: dict[int, list] = {}
    step_futs: dict[int, Any] = {}
    sum_futs: dict[int, Any] = {}
    pre_futs: dict[int, list] = {}  # prefetches of the others' deltas (local merging)

    def start_run(t: int) -> tuple[str, Any]:
        run = uuid.uuid4().hex
        d = W[0].shape[1]
        sent = (
            W[0],
            W[1] if neg else np.zeros((1, d), np.float32),
            W[2] if model.hs else np.zeros((1, d), np.float32),
        )
        stats["bytes_initial"] += sum(a.nbytes for a in sent) * n_receivers
        return run, engine.put(sent)

    def submit(t: int) -> None:
        e, r, active, w0, w1, sched, ep = rounds[t]
        need = max(0, t - base - int(staleness))
        first = max(0, need - KEEP_STEPS)
        steps = [step_futs[base + v] for v in range(first, need)]
        train_futs[t] = [
            engine.submit(
                train_round,
                parts[k],
                run,
                init if need <= KEEP_STEPS else None,  # later tasks cannot replay from it
                steps,
                first,
                need,
                tables,
                w0,
                w1,
                len(active),
                sched,
                (int(model.seed), ep, (r * P + k) << 24),
                int(model.workers),
                int(model.batch_words),
                bool(model.compute_loss),
                bool(getattr(model, "shared_negatives", False)),
                delta_dtype,
                k == 0 and need > 0 and epoch_end(base + need - 1),  # snap: see fetch_weights
                **engine.near(where[k]),  # where the part lives: both cores busy, no copies
            )
            for k in active
        ]
        if local:  # the next round's tasks merge the deltas themselves: one hop, no merge task
            step_futs[t] = ["local", expected, merge, delta_dtype, *train_futs[t]]
            sum_futs[t] = [engine.submit(part_summary, f) for f in train_futs[t]]
            # every worker fetches the others' deltas as soon as they exist, while it still
            # trains its own part of the round: the next round finds them there
            pre = [
                engine.prefetch(f, where[k])
                for j, f in zip(active, train_futs[t], strict=True)
                for k in active
                if k != j and where[k] != where[j]
            ]
            pre_futs[t] = [f for f in pre if f is not None]
        else:
            step_futs[t] = engine.submit(merge_round, expected, merge, delta_dtype, *train_futs[t])
            sum_futs[t] = [engine.submit(step_summary, step_futs[t])]

    def epoch_end(u: int) -> bool:
        return u + 1 == T or rounds[u + 1][0] != rounds[u][0]

    def fetch_weights(t: int) -> None:
        """The driver's copy: the weights after round ``t``, from the worker of part 0. The
        round after ``t`` (``+ staleness``) kept a copy of them there (``snap``), so the
        worker may train on meanwhile (the driver submits one round more before waiting)."""
        need = t + 1 - base
        first = max(0, need - KEEP_STEPS)
        steps = [step_futs[base + v] for v in range(first, need)]
        fut = engine.submit(
            snapshot, run, init if need <= KEEP_STEPS else None, steps, first, need,
            **engine.near(where[0]),
        )  # fmt: skip
        got = engine.gather([fut])[0]
        engine.release([fut])
        for a, used in ((0, True), (1, neg), (2, bool(model.hs))):
            if used:
                np.copyto(W[a], got[a])
                stats["bytes_to_driver"] += int(got[a].nbytes)

    where = engine.locate(parts)
    base = 0
    run, init = start_run(0)
    runs = [run]
    nxt = 0
    failures = 0
    t = 0
    t_kept = 0  # the driver's W holds the weights at the start of this round
    done_total = done_kept = 0
    seen = trained = 0
    loss = 0.0
    last_alpha = alpha0
    begun = -1  # the last epoch whose on_epoch_begin ran (a restart does not repeat it)
    t_train = te = time.perf_counter()
    while t < T:
        e, r = rounds[t][0], rounds[t][1]
        if r == 0:
            if begun != e:
                model._call_callbacks("on_epoch_begin")
                begun = e
                te = time.perf_counter()
            seen = trained = 0
            loss = 0.0
        last_of_epoch = epoch_end(t)
        # at an epoch's end one round more: the workers train on while the driver fetches
        while nxt < T and nxt < t + depth + int(last_of_epoch):
            submit(nxt)
            nxt += 1
        tw = time.perf_counter()
        try:
            res = _combine(engine.gather(sum_futs[t]), local)
            if last_of_epoch:  # the driver's copy: once an epoch, not every step
                ts = time.perf_counter()
                fetch_weights(t)
                stats["sync_seconds"] += time.perf_counter() - ts
        except WordspaceError:
            raise
        except Exception as exc:  # a lost worker or lost weights: restart from the driver's
            failures += 1
            if failures > max_retries:
                raise
            stats["retries"] += 1
            stats["restarts"] += 1
            stats["rounds"] -= t - t_kept  # trained again from the driver's copy
            engine.release(
                [f for u in range(t_kept, nxt) for f in train_futs.pop(u, ())]
                + [
                    f
                    for u in range(t_kept, nxt)
                    if u in step_futs
                    for f in _futures(step_futs.pop(u))
                ]
                + [f for u in range(t_kept, nxt) for f in sum_futs.pop(u, ())]
                + [f for u in range(t_kept, nxt) for f in pre_futs.pop(u, ())]
            )
            engine.refresh(parts, lambda k: engine.submit(load_part, plan[k], words))
            try:
                where = engine.locate(parts)
            except Exception:  # the scheduler will place them
                where = [None] * len(parts)
            logger.warning(
                "round %d failed (%s: %s); restarting from the last synchronised weights (%d/%d)",
                t,
                type(exc).__name__,
                exc,
                failures,
                max_retries,
            )
            base = nxt = t = t_kept
            done_total = done_kept
            run, init = start_run(t)
            runs.append(run)
            continue
        stats["wait_seconds"] += time.perf_counter() - tw
        failures = 0
        ts = time.perf_counter()
        r_seen, r_trained, r_loss, r_last, bytes_in, step_bytes, r_secs = res
        for k, sec in zip(rounds[t][2], r_secs, strict=True):
            busy[k] += sec
            if t == base:
                first_task[k] = float(sec[3])
        stats["bytes_gathered"] += int(bytes_in) * (n_receivers - 1 if local else 1)
        stats["bytes_broadcast"] += int(step_bytes) * n_receivers
        seen += r_seen
        trained += r_trained
        loss += r_loss
        done_total += r_seen
        last_alpha = float(r_last)
        done_futs = train_futs.pop(t)
        engine.release(sum_futs.pop(t) + pre_futs.pop(t, []) + ([] if local else done_futs))
        if init is not None and t > base + KEEP_STEPS + depth:
            engine.release([init])  # no task left takes it: workers hold 2 copies, not 3
            init = None
        old = t - KEEP_STEPS - depth
        if old in step_futs and old >= 0:
            engine.release(_futures(step_futs.pop(old)))
        stats["sync_seconds"] += time.perf_counter() - ts
        stats["rounds"] += 1
        t += 1
        if progress is not None:
            el = time.perf_counter() - t_train
            info = {
                "epoch": f"{e + 1}/{epochs}",
                "alpha": last_alpha,
                "round": r + 1,
                "words_per_sec": int(done_total / el) if el > 0 else 0,
            }
            if model.compute_loss:
                info["loss"] = loss / max(trained, 1)
            progress(done_total, N * epochs, **info)
        if last_of_epoch:  # W holds the weights after this round
            t_kept, done_kept = t, done_total
            secs = time.perf_counter() - te
            model.epochs_trained_ += 1
            st = {
                "epoch": model.epochs_trained_,
                "words": seen,
                "trained_words": trained,
                "seconds": secs,
                "words_per_sec": seen / secs if secs > 0 else 0.0,
                "alpha_end": last_alpha,
                "rounds": r + 1,
            }
            if model.compute_loss:
                st["loss"] = loss
                model.loss_history_.append(loss)
            model.epoch_stats_.append(st)
            check_finite(
                check,
                where=f"epoch {model.epochs_trained_}",
                loss=loss if model.compute_loss else None,
                fix=f"lower alpha (now {model.alpha}) or sync_words (now {S})",
            )
            model._make_wv()
            model._call_callbacks("on_epoch_end", epoch=model.epochs_trained_)
    model.train_seconds_ = time.perf_counter() - t_train
    t_end = time.perf_counter()
    phases["train"] = model.train_seconds_
    stats["worker_seconds"] = {
        name: [round(float(x), 3) for x in busy[:, i]]
        for i, name in enumerate(("apply", "train", "changed", "task"))
    }
    stats["worker_seconds"]["first_task"] = [round(x, 3) for x in first_task]
    stats["worker_seconds"]["idle"] = [
        round(model.train_seconds_ - float(x), 3) for x in busy[:, 3]
    ]
    total = sum(stats[k] for k in ("bytes_initial", "bytes_gathered", "bytes_broadcast"))
    stats["bytes_total"] = int(total + stats["bytes_to_driver"])
    stats["bytes_per_round"] = int(
        (stats["bytes_gathered"] + stats["bytes_broadcast"] + stats["bytes_to_driver"])
        / max(stats["rounds"], 1)
    )
    stats["bytes_weights"] = int(w_bytes)
    model.sync_stats_ = stats
    engine.release(
        [f for fs in train_futs.values() for f in fs]
        + [f for x in step_futs.values() for f in _futures(x)]
        + [f for fs in sum_futs.values() for f in fs]
        + [f for fs in pre_futs.values() for f in fs]
    )
    engine.release(parts)
    for run in runs:
        engine.run_everywhere(drop_state, run)
    model._make_wv()
    phases["finish"] = time.perf_counter() - t_end
    for k in phases:
        phases[k] = round(phases[k], 3)
    model._call_callbacks("on_train_end")
    return model
