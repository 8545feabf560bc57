"""Data-parallel word2vec on a Dask cluster (or simulated in this process).

The corpus (files) is cut into ``n_parts`` parts of about equal size, one per worker, each
read once into vocabulary ids on its worker and kept there. Training runs in *rounds*: in
round ``r`` of an epoch every part trains its sentences starting in words
``[r * sync_words, (r + 1) * sync_words)`` of the part, starting from the current weights,
with the usual kernels (``kernels.word2vec.train_job``, ``model.workers`` threads,
Hogwild-style, jobs of ``batch_words``). Each worker returns only the rows it changed, as
deltas; the driver merges them into its copy of the weights and broadcasts the result for
the next round. Every epoch trains the whole corpus once.

Merging (``merge``):

* ``"frequency"`` (default): add, for every row of a word, the sum of the deltas divided by
  the word's expected occurrences in one part's round (from the vocabulary counts), clipped
  to ``[1, K]``: summed for words a part sees about once per round or less, averaged for
  words it sees K times or more (negative samples, which touch frequent output rows
  everywhere, do not count, as they would for a mean over the parts that touched a row).
* ``"average"``: add the mean of the deltas over the parts of the round, which is
  averaging the workers' models (Spark MLlib's rule, here every ``sync_words`` words).
  Updates of a word seen by one worker only shrink by the number of parts, so training
  slows down as parts are added.

Measured (docs/scaling.md, wiki100m, 8 parts, CBOW, 5 epochs; single machine 0.339
analogy): ``"frequency"`` with ``lr_scale`` about 3 is the best (0.317 at 100k words a
round, 0.324 at 50k, 0.338-0.341 at 20k, the default), ``"average"`` 0.280 (100k),
Spark-style averaging once per epoch 0.131. The other merges measured there (``"sum"``,
which diverges at 4 and 8 parts; ``"touched"``, ``"scaled"``, block momentum and ``"bmuf"``,
the ``sync_start`` ramp) were no better and were removed in 0.3.

With ``sync_words`` at least the part size there is one round per epoch: Spark-style
averaging once per epoch (``merge="average"``).

Learning rate: it decays linearly with the *global* corpus position, as on one machine. At
the start of round ``r`` of epoch ``e`` the corpus has advanced by ``G = e N + Σ_k min(n_k,
r S)`` words (``N`` words in all, ``n_k`` in part ``k``, ``S = sync_words``); with ``K``
parts training in the round, a word at offset ``i`` of its round stands at ``G + K i``
(computed as ``K (G // K + i)``). Job seeds come from ``(seed, epoch, round, part, job)``.
With one part and one round per epoch this is exactly the single-machine schedule and seeds:
``n_parts=1, workers=1`` trains bit for bit the model ``Word2Vec.fit`` trains.

Fault tolerance: nothing lives only on the workers. A part is the result of a task that reads
it from the files; the vocabulary, the tables and each round's weights are sent by the driver
inside a task that returns them (``engine.put``), so the scheduler holds them too. When a
worker dies (even SIGKILLed mid-round), the scheduler runs the lost tasks again on the
workers left, and the round's ``gather`` simply takes longer. Should a round still fail,
the driver, which holds the last synchronised weights, sends them again and re-runs the
round, up to ``max_retries`` times. (A ``scatter(broadcast=True)`` of the weights used to
hang here: the scheduler kept replicating to the dead worker's address, 30 s connection
timeouts at a time.)
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from wordspace._base import choice, integer, is_finite_num, rule, validate_params
from wordspace.distributed._engine import engine_for, open_partition, partition_specs
from wordspace.errors import CorpusError, WordspaceError

__all__ = ["fit_word2vec", "plan_parts"]

logger = logging.getLogger(__name__)

MERGES = ("frequency", "average")
SYNC_WORDS = 20_000  # the default sync_words (docs/scaling.md: measured defaults)


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


def load_part(pieces: list[tuple], words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """A part as vocabulary ids ``(ids, sentence_starts)`` (runs on a worker)."""
    from wordspace.text.vocab import Vocabulary

    vocab = Vocabulary(words, np.ones(len(words), dtype=np.int64))
    all_ids, all_lens = [], []
    for spec, lo, hi, size in pieces:
        ids, starts = open_partition(spec).to_ids(vocab)
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
    return ids, starts


def part_size(part: tuple[np.ndarray, np.ndarray]) -> int:
    return int(part[0].shape[0])


# ------------------------------------------------------------------------------ rounds
def train_part(
    part: tuple[np.ndarray, np.ndarray],
    weights: tuple,
    tables: tuple,
    w0: int,
    w1: int,
    schedule: tuple,
    seed: tuple[int, int, int],
    workers: int,
    batch_words: int,
    compute_loss: bool,
    shared: bool,
) -> tuple:
    """Train the sentences of ``part`` starting in words ``[w0, w1)`` from ``weights``
    (copied) and return the changed rows with their new values: ``(rows0, syn0[rows0],
    rows1, syn1neg[rows1], rows2, syn1[rows2], words_seen, words_trained, loss,
    last_alpha)`` (runs on a worker)."""
    from wordspace._base import mix_seed
    from wordspace.kernels.word2vec import train_job

    ids, starts = part
    base = tuple(weights)
    negative, hs = int(tables[8]), bool(tables[7])
    syn0 = base[0].copy()
    syn1neg = base[1].copy() if negative > 0 else base[1]
    syn1 = base[2].copy() if hs else base[2]
    heads = starts[:-1]
    s0 = int(np.searchsorted(heads, w0, side="left"))
    s1 = int(np.searchsorted(heads, w1, side="left"))
    alpha0, span, gpos, denom = schedule
    first = int(starts[s0])
    bounds = np.unique(
        np.concatenate(
            [
                [s0],
                np.searchsorted(
                    heads, np.arange(first + batch_words, int(starts[s1]), batch_words)
                ),
                [s1],
            ]
        )
    ).astype(np.int64)
    jobs = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))

    def run(j: int):
        a, b = jobs[j]
        args = (
            ids,
            starts,
            a,
            b,
            syn0,
            syn1neg,
            syn1,
            *tables,
            alpha0,
            span,
            gpos + int(starts[a]) - first,
            denom,
            np.uint64(mix_seed(seed[0], seed[1], seed[2] + j)),
            compute_loss,
            shared,
        )
        return train_job(*args)

    if workers > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(workers) as pool:
            results = list(pool.map(run, range(len(jobs))))
    else:
        results = [run(j) for j in range(len(jobs))]
    seen = sum(int(r[0]) for r in results)
    trained = sum(int(r[1]) for r in results)
    loss = float(sum(float(r[2]) for r in results))
    last = float(results[-1][3]) if results else float(alpha0)
    out: list[Any] = []
    for new, old, used in (
        (syn0, base[0], True),
        (syn1neg, base[1], negative > 0),
        (syn1, base[2], hs),
    ):
        if not used:
            out += [np.zeros(0, np.int64), np.zeros((0, old.shape[1]), np.float32)]
            continue
        rows = np.flatnonzero(np.any(new != old, axis=1))
        out += [rows, np.ascontiguousarray(new[rows])]
    return (*out, seen, trained, loss, last)


@validate_params(
    integer(
        "sync_words",
        optional=True,
        message="sync_words must be a positive integer (words each worker trains between "
        "synchronisations, e.g. 20_000), got {value!r}",
    ),
    choice(
        "merge",
        options=MERGES,
        message=f"merge must be one of {', '.join(MERGES)}; got {{value!r}}",
    ),
    integer(
        "n_parts",
        optional=True,
        message="n_parts must be a positive integer or None, got {value!r}",
    ),
    integer("max_retries", min=0, message="max_retries must be an integer >= 0, got {value!r}"),
    rule(
        "lr_scale",
        ok=lambda v, p: v == "auto" if isinstance(v, str) else is_finite_num(v) and v > 0,
        message="lr_scale must be a number > 0 or 'auto', got {value!r}",
    ),
)
def fit_word2vec(
    model: Any,
    corpus: Any,
    client: Any = None,
    *,
    sync_words: int | None = SYNC_WORDS,
    merge: str = "frequency",
    n_parts: int | None = None,
    max_retries: int = 3,
    lr_scale: float | str = "auto",
    progress: Any = None,
) -> Any:
    """Train ``model`` (a :class:`~wordspace.Word2Vec`) data-parallel on ``corpus`` (files).

    ``client``: a ``dask.distributed.Client`` (one part per worker by default), or ``None``
    to simulate ``n_parts`` workers in this process with the same rounds and merges.
    ``sync_words``: words each worker trains between synchronisations (``None``: a whole
    part, i.e. once per epoch). ``merge``: ``"frequency"`` (rare words' changes summed,
    frequent words' averaged) or the ``"average"`` of the workers' changes (see the module
    docs and docs/scaling.md for the measurements).
    ``lr_scale``: every part trains with the learning rate (``alpha`` down to ``min_alpha``)
    times this factor, making up for averaging dividing each part's progress by the number of
    parts; ``"auto"``: ``max(1, sqrt(n_parts))`` with ``"frequency"``, ``max(1, n_parts / 2)``
    with ``"average"`` (on wiki100m with 8 parts and ``"frequency"``, 3 beat 4 and 6
    diverged). Sets the usual
    fitted attributes plus ``sync_stats_`` (rounds, bytes and seconds of the
    synchronisations, retries).
    """
    from wordspace._base import check_finite
    from wordspace.distributed._engine import as_files_corpus
    from wordspace.distributed._vocab import build_vocabulary

    model._validate()
    if sync_words is None:
        sync_words = 2**62
    engine = engine_for(client, n_parts)
    corpus = as_files_corpus(
        corpus, lowercase=bool(model.lowercase), max_sentence_length=int(model.max_sentence_length)
    )
    t0 = time.perf_counter()
    vocab = build_vocabulary(
        corpus,
        engine,
        min_count=model.min_count,
        max_vocab_size=model.max_vocab_size,
        max_final_vocab=model.max_final_vocab,
    )
    model._init_weights(vocab)
    model.tokenizer_ = corpus.tokenizer
    specs = partition_specs(corpus)
    K = int(n_parts or engine.n_workers)
    words = engine.put(list(vocab.index_to_key))
    plan = plan_parts(specs, K)
    parts = [engine.submit(load_part, pieces, words) for pieces in plan]
    sizes = np.asarray(engine.gather([engine.submit(part_size, p) for p in parts]), np.int64)
    model.vocab_seconds_ = time.perf_counter() - t0
    N = int(sizes.sum())
    if N == 0:
        raise CorpusError(f"{corpus.name} has no words of the vocabulary to train on")
    tables = engine.put(model._tables())
    if lr_scale == "auto":  # measured: docs/scaling.md
        lr_scale = max(1.0, len(parts) ** 0.5) if merge == "frequency" else max(1.0, len(parts) / 2)
    lr_scale = float(lr_scale)
    epochs = int(model.epochs)
    S = int(sync_words)
    denom = float(max(N * epochs - 1, 1))
    alpha0 = float(model.alpha)
    span = float(model.alpha - model.min_alpha)
    neg = int(model.negative) > 0
    W = [model.syn0_, model.syn1neg_, model.syn1_]
    # merge="frequency": a row's expected occurrences in one part's round (its divisor)
    expected = np.asarray(vocab.counts, np.float64) * (min(S, int(sizes.max())) / max(N, 1))
    stats = {
        "parts": len(parts),
        "part_words": sizes.tolist(),
        "sync_words": int(min(S, sizes.max())),
        "merge": merge,
        "lr_scale": lr_scale,
        "rounds": 0,
        "bytes_broadcast": 0,
        "bytes_gathered": 0,
        "sync_seconds": 0.0,
        "retries": 0,
    }
    check = {
        "the vectors": model.syn0_,
        "the output weights": model.syn1neg_ if neg else model.syn1_,
    }
    model._call_callbacks("on_train_begin")
    logger.info(
        "data-parallel word2vec: %d words in %d parts, sync every %d words, merge=%s, %d epochs",
        N,
        len(parts),
        min(S, N),
        merge,
        epochs,
    )
    done_total = 0
    t_train = time.perf_counter()
    for e in range(epochs):
        model._call_callbacks("on_epoch_begin")
        te = time.perf_counter()
        seen = trained = 0
        loss = 0.0
        last_alpha = alpha0
        r = 0
        while True:
            w0, w1 = r * S, (r + 1) * S
            active = [k for k in range(len(parts)) if sizes[k] > w0]
            if not active:
                break
            G = e * N + int(np.minimum(sizes, w0).sum())
            # a word at offset i of its round stands near G + K i: alpha0 - K span (G/K + i)
            K_r = len(active)
            sched = (alpha0 * lr_scale, span * K_r * lr_scale, G // K_r, denom)
            results = _round(
                engine,
                parts,
                active,
                W,
                tables,
                r,
                (w0, w1),
                sched,
                (int(model.seed), int(model.epochs_trained_)),
                model,
                stats,
                max_retries,
                lambda k: engine.submit(load_part, plan[k], words),
            )
            ts = time.perf_counter()
            _merge(W, results, merge, stats, expected)
            for res in results:
                seen += res[6]
                trained += res[7]
                loss += res[8]
                done_total += res[6]
            last_alpha = min(float(res[9]) for res in results)
            stats["sync_seconds"] += time.perf_counter() - ts
            stats["rounds"] += 1
            r += 1
            if progress is not None:
                el = time.perf_counter() - t_train
                info = {
                    "epoch": f"{e + 1}/{epochs}",
                    "alpha": last_alpha,
                    "round": r,
                    "words_per_sec": int(done_total / el) if el > 0 else 0,
                }
                if model.compute_loss:
                    info["loss"] = loss / max(trained, 1)
                progress(done_total, N * epochs, **info)
        secs = time.perf_counter() - te
        model.epochs_trained_ += 1
        st = {
            "epoch": model.epochs_trained_,
            "words": seen,
            "trained_words": trained,
            "seconds": secs,
            "words_per_sec": seen / secs if secs > 0 else 0.0,
            "alpha_end": last_alpha,
            "rounds": r,
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
    model.sync_stats_ = stats
    engine.release(parts)
    model._make_wv()
    model._call_callbacks("on_train_end")
    return model


def _merge(
    W: list[np.ndarray],
    results: list[tuple],
    merge: str,
    stats: dict,
    expected: np.ndarray | None = None,
) -> None:
    """Add the workers' changes to ``W`` (in place): their mean over the parts of the round
    (``"average"``), or their sum divided by each word's expected occurrences in one part's
    round clipped to ``[1, K]`` (``"frequency"``). With one part the new rows are taken as
    they are (bit for bit)."""
    if len(results) == 1:
        for a in range(3):
            rows, new = results[0][2 * a], results[0][2 * a + 1]
            W[a][rows] = new
            stats["bytes_gathered"] += rows.nbytes + new.nbytes
        return
    K = len(results)
    for a in range(3):
        if not any(len(res[2 * a]) for res in results):
            continue
        acc = np.zeros_like(W[a])
        cnt = np.zeros(W[a].shape[0], dtype=np.int32)
        for res in results:  # every delta against the same synchronised W
            rows, new = res[2 * a], res[2 * a + 1]
            acc[rows] += new - W[a][rows]
            cnt[rows] += 1
            stats["bytes_gathered"] += rows.nbytes + new.nbytes
        rows = np.flatnonzero(cnt)
        if merge == "average":
            step = acc[rows] * np.float32(1.0 / K)
        else:  # "frequency": sum for rare words, mean for frequent ones
            if a < 2 and expected is not None:
                div = np.clip(expected[rows], 1.0, K)
            else:  # hs inner nodes: the parts that touched them
                div = cnt[rows]
            step = acc[rows] / div.astype(np.float32)[:, None]
        W[a][rows] += step


def _round(
    engine, parts, active, W, tables, r, span, sched, seed, model, stats, max_retries, reload
):
    """One synchronisation round: broadcast ``W``, train every active part, gather deltas.
    A failure that Dask did not absorb re-runs the round from ``W`` (the last synchronised
    weights), up to ``max_retries`` times."""
    for attempt in range(max_retries + 1):
        try:
            ts = time.perf_counter()
            d = W[0].shape[1]
            sent = (
                W[0],
                W[1] if model.negative > 0 else np.zeros((1, d), np.float32),
                W[2] if model.hs else np.zeros((1, d), np.float32),
            )
            wf = engine.put(sent)  # from the driver's copy; Dask can make it again
            stats["bytes_broadcast"] += sum(a.nbytes for a in sent) * engine.n_workers
            stats["sync_seconds"] += time.perf_counter() - ts
            futs = [
                engine.submit(
                    train_part,
                    parts[k],
                    wf,
                    tables,
                    span[0],
                    span[1],
                    sched,
                    (*seed, (r * len(parts) + k) << 24),
                    int(model.workers),
                    int(model.batch_words),
                    bool(model.compute_loss),
                    bool(model.shared_negatives),
                )
                for k in active
            ]
            return engine.gather(futs)
        except WordspaceError:
            raise
        except Exception as exc:  # a lost worker or lost data: start the round again
            if attempt == max_retries:
                raise
            stats["retries"] += 1
            engine.refresh(parts, reload)  # parts whose data Dask could not recover
            logger.warning(
                "round %d failed (%s: %s); retrying from the last synchronised weights (%d/%d)",
                r,
                type(exc).__name__,
                exc,
                attempt + 1,
                max_retries,
            )
    raise AssertionError("unreachable")  # pragma: no cover
