"""Benchmark: wordspace.distributed on Dask clusters vs one process (issues 17 and 33).

The corpus (default wiki100m.txt; ``--mb`` keeps its first N MB) is cut at whitespace into
``--shards`` files (16) in a temporary folder; the single-process runs read the same files
(``Corpus.from_files``), so both sides see the same sentences.

Part 1 -- cost (``--stages vocab,cooc,w2v``): every stage runs in a fresh subprocess, once
per ``--modes``: ``single`` (one process), ``cluster`` (a ``LocalCluster(n_workers=2,
threads_per_worker=1)`` started by that subprocess) and ``tcp`` (``dask scheduler`` and two
``dask worker --nthreads 1`` processes over TCP on 127.0.0.1, started as separate programs
and killed afterwards). Printed per stage: seconds, peak RSS (MB) of the driver and of every
worker process (``ru_maxrss``, so each stage gets fresh processes), and for vocab/cooc
whether the result equals the single-process one exactly. word2vec: CBOW, dim ``--dim``
(100), window 5, negative 5, sample 1e-3, alpha 0.05, min_count 5, ``--epochs`` (5); on the
clusters with the library's defaults (``sync_words``, merge "frequency", ``lr_scale`` auto)
unless ``--sync-words``, ``--staleness`` or ``--delta-dtype`` say otherwise, plus the
synchronisation counters: rounds, bytes per round and in total (initial weights, deltas to
the merge, merged steps to the workers and to the driver), seconds.
The time breakdown (issue 33): ``cluster_start_seconds`` (tcp: scheduler and workers up, not
in ``seconds``); ``phases``, the driver's seconds (clusters: ``vocab`` -- the distributed
count, every file scanned on the worker that trains it --, ``setup``, ``load_parts``,
``train``, ``finish``; one process: ``vocab_and_ids``, ``train``); ``worker_seconds``, per
part, summed over its round tasks: ``apply`` (merging the other parts' deltas into the
copies), ``train`` (the kernels), ``changed`` (finding the changed rows and their deltas),
``task`` (the three and the rest), ``first_task`` (the first round: numba's cache, the
initial weights), ``idle`` (training seconds outside the part's tasks: waiting for the
other part, transfers, scheduling); ``load_part_seconds`` (making each part's ids from the
kept scans); ``driver_cpu_s``, ``worker_cpu_s``, ``scheduler_cpu_s`` (CPU seconds of each
process since it started: on a loaded machine these, not the wall seconds, compare runs).

Part 2 -- accuracy (``--configs``): the distributed algorithm with K simulated workers in one
process (the same rounds and merges as on a cluster, run one part after the other), for K in
2, 4, 8 and three ``sync_words`` settings (``K:auto``: the library's default, ``sync_words=
"auto"``), next to Spark-style averaging once per epoch
(``spark``: sync_words = the part size, merge "average", learning rate unscaled) and the
single-machine model; ``--merges`` (default frequency) and ``--lr-scale`` (default auto)
set the other options of ``fit_word2vec``.
Printed per config: analogy (questions-words.txt, restrict_vocab=30000) and WordSim353
Spearman, seconds (training and in all), words/s, rounds, bytes per round and in total.

Usage:
    python benchmarks/bench_dask.py [--corpus PATH] [--mb N] [--shards 16] [--epochs 5]
        [--stages vocab,cooc,w2v] [--configs 2:100000,8:1000000,8:spark,...|default|none]
        [--merges frequency,average] [--lr-scale auto] [--modes single,cluster,tcp]
        [--dim 100] [--staleness 0] [--delta-dtype float32] [--sync-words N] [--workers 2]
Issue 33's before -> after (docs/scaling.md): --mb 20 --shards 4 --epochs 3 --stages w2v
--configs none
Quick check (~2 min on 2 idle cores): --mb 5 --epochs 1 --configs 8:200000,8:spark
Run for the docs (~15 min, 2 idle cores): --mb 30 --configs default
The merges compared (~4 min): --mb 10 --stages '' --configs 8:20000 --merges
frequency,average
The target (docs/scaling.md, ~6 min a run): --stages '' --configs single,8:20000,8:spark
Issue 33's target, one process / the 2-worker TCP cluster / 8 simulated workers, all with
the defaults (~8 min on 2 idle cores, most of it the 8 simulated parts' 530 rounds): --stages w2v --modes single,tcp --configs 8:auto
Prints JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WORDSPACE_SHARED_DATA", "/work/shared/data"))
W2V = dict(vector_size=100, window=5, negative=5, sample=1e-3, alpha=0.05, min_count=5, sg=0)
SYNCS = (20_000, 50_000, 1_000_000)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """This process's CPU seconds (user + system, all threads) since it started."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return round(r.ru_utime + r.ru_stime, 2)


def cut_shards(corpus: Path, mb: float | None, n: int, folder: Path) -> list[Path]:
    """The first ``mb`` MB of ``corpus`` cut at whitespace into ``n`` files."""
    data = corpus.read_bytes() if mb is None else corpus.open("rb").read(int(mb * 1e6))
    cut = data.rfind(b" ") if mb is not None else len(data)
    data = data[: cut if cut > 0 else len(data)]
    bounds = [0]
    for k in range(1, n):
        b = data.find(b" ", len(data) * k // n)
        bounds.append(b if b > bounds[-1] else bounds[-1])
    bounds.append(len(data))
    paths = []
    for k in range(n):
        p = folder / f"shard{k:02d}.txt"
        p.write_bytes(data[bounds[k] : bounds[k + 1]].strip() + b"\n")
        paths.append(p)
    return paths


# ----------------------------------------------------------------------- one stage, one run
def run_stage(
    stage: str,
    mode: str,
    folder: str,
    epochs: int,
    workers: int,
    w2v: dict | None = None,
    dist: dict | None = None,
) -> dict:
    """Runs in a fresh subprocess: one stage on one process, on a 2-worker LocalCluster
    (``cluster``) or on ``dask scheduler`` + 2 ``dask worker`` processes over TCP (``tcp``).
    ``w2v``: word2vec parameters over ``W2V``; ``dist``: options of ``fit_word2vec``."""
    import numpy as np

    import wordspace as ws
    from wordspace.distributed import _cooccurrence
    from wordspace.text.cooccurrence import cooccurrence_matrix

    corpus = ws.Corpus.from_files(os.path.join(folder, "*.txt"))
    out: dict = {"stage": stage, "mode": mode}
    client = cluster = None
    procs: list = []
    if mode == "cluster":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        )
        client = Client(cluster)
    elif mode == "tcp":
        ts = time.perf_counter()
        client, procs = tcp_cluster(Path(folder) / "tcp", 2)
        out["cluster_start_seconds"] = round(time.perf_counter() - ts, 2)
    t0 = time.perf_counter()
    if stage == "vocab":
        v = ws.Vocabulary.build(corpus, min_count=5, client=client)
        out["seconds"] = time.perf_counter() - t0
        out["words"] = len(v)
        out["digest"] = _digest(v.index_to_key, v.counts)
    elif stage == "cooc":
        v = ws.Vocabulary.build(corpus, min_count=5)  # not timed: the matrix alone
        t0 = time.perf_counter()
        if client is None:
            ids, starts = corpus.to_ids(v)
            X = cooccurrence_matrix(ids, starts, len(v), window=10)
        else:
            X = _cooccurrence.cooccurrence(corpus, v, client, window=10)
        out["seconds"] = time.perf_counter() - t0
        out["nnz"] = int(X.nnz)
        out["digest"] = _digest(X.indptr.astype(np.int64), X.indices, X.data)
    elif stage == "w2v":
        m = ws.Word2Vec(**{**W2V, **(w2v or {})}, epochs=epochs, workers=workers)
        if client is None:
            m.fit(corpus)
        else:
            from wordspace.distributed import fit_word2vec

            fit_word2vec(m, corpus, client, **(dist or {}))
        out["seconds"] = time.perf_counter() - t0
        out["train_seconds"] = m.train_seconds_
        out["words_per_sec"] = round(sum(e["words"] for e in m.epoch_stats_) / m.train_seconds_)
        out.update(_quality(m.wv))
        if client is not None:
            st = m.sync_stats_
            out["sync"] = _sync_summary(st)
            out["phases"] = st["phases"]  # the driver's seconds: vocab, load, train, finish
            out["worker_seconds"] = st["worker_seconds"]  # per part, inside the round tasks
            out["load_part_seconds"] = st["load_part_seconds"]
        else:
            out["phases"] = {
                "vocab_and_ids": round(m.vocab_seconds_, 3),
                "train": round(m.train_seconds_, 3),
            }
    out["driver_peak_mb"] = round(_rss_mb(), 1)
    out["driver_cpu_s"] = _cpu_s()  # the process in all (imports and evaluation included)
    if client is not None:
        peaks = client.run(_rss_mb)
        out["worker_peak_mb"] = [round(x, 1) for x in peaks.values()]
        out["worker_cpu_s"] = list(client.run(_cpu_s).values())
        out["scheduler_cpu_s"] = client.run_on_scheduler(_cpu_s)
        client.close()
        if cluster is not None:
            cluster.close()
        stop(procs)
    out["seconds"] = round(out["seconds"], 2)
    return out


def _sync_summary(st: dict) -> dict:
    """The synchronisation counters of ``sync_stats_`` (bytes per round and in total)."""
    keys = (
        "parts", "sync_words", "sync_auto", "rounds", "staleness", "delta_dtype", "bytes_initial",
        "bytes_gathered", "bytes_broadcast", "bytes_to_driver", "bytes_per_round",
        "bytes_total", "sync_seconds", "wait_seconds", "retries", "restarts",
    )  # fmt: skip
    out = {k: st[k] for k in keys if k in st}
    for k in ("sync_seconds", "wait_seconds"):
        if k in out:
            out[k] = round(out[k], 2)
    return out


def tcp_cluster(folder: Path, n_workers: int):
    """``dask scheduler`` + ``n_workers`` x ``dask worker --nthreads 1`` over TCP on 127.0.0.1
    (subprocesses); returns ``(client, processes)``; :func:`stop` ends them."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    sched_file = folder / "scheduler.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(os.path.abspath(p) for p in sys.path if p))
    log = open(folder / "cluster.log", "wb")  # noqa: SIM115 - lives with the processes

    def start(*args):
        return subprocess.Popen(
            [sys.executable, "-m", "dask", *args],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env,
        )  # fmt: skip

    procs = [
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", str(sched_file))
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not sched_file.exists() or not sched_file.read_text().strip():
            if time.monotonic() > deadline:
                raise TimeoutError("dask scheduler did not start in 120 s")
            time.sleep(0.2)
        addr = json.loads(sched_file.read_text())["address"]
        procs += [
            start("worker", addr, "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1",
                  "--memory-limit", "0", "--local-directory", str(folder / f"w{i}"))
            for i in range(n_workers)
        ]  # fmt: skip
        client = Client(addr, timeout=120)
        client.wait_for_workers(n_workers, timeout=120)
    except BaseException:
        stop(procs)
        raise
    return client, procs


def stop(procs: list) -> None:
    """Kill the processes :func:`tcp_cluster` started (by their process group id)."""
    import signal

    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait(timeout=30)


def _digest(*arrays) -> str:
    import hashlib

    import numpy as np

    h = hashlib.sha256()
    for a in arrays:
        if isinstance(a, list):
            h.update("\n".join(a).encode())
        else:
            h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


def _quality(wv) -> dict:
    import wordspace as ws

    an = ws.evaluate_word_analogies(wv, DATA / "eval" / "questions-words.txt", restrict_vocab=30000)
    sim = ws.evaluate_word_pairs(wv, DATA / "eval" / "wordsim353.tsv")
    return {"analogy": round(float(an.score), 4), "ws353": round(float(sim.spearman[0]), 4)}


# --------------------------------------------------------------------------- accuracy part
def run_config(
    cfg: str,
    merge: str,
    folder: str,
    epochs: int,
    workers: int,
    lr_scale: str = "auto",
    w2v: dict | None = None,
    dist: dict | None = None,
) -> dict:
    """One simulated configuration ``K:sync_words`` / ``K:spark`` / ``single``."""
    import wordspace as ws
    from wordspace.distributed import fit_word2vec

    corpus = ws.Corpus.from_files(os.path.join(folder, "*.txt"))
    m = ws.Word2Vec(**{**W2V, **(w2v or {})}, epochs=epochs, workers=workers)
    t0 = time.perf_counter()
    out: dict = {"config": cfg}
    if cfg == "single":
        m.fit(corpus)
    else:
        k, s = cfg.split(":")
        spark = s == "spark"
        merge = "average" if spark else merge
        ls = lr_scale if lr_scale == "auto" or spark else float(lr_scale)
        fit_word2vec(
            m,
            corpus,
            None,
            n_parts=int(k),
            sync_words=None if spark else (s if s == "auto" else int(s)),
            merge=merge,
            lr_scale=1.0 if spark else ls,
            **(dist or {}),
        )
        st = m.sync_stats_
        out.update(merge=merge, lr_scale=st["lr_scale"], **_sync_summary(st))
    out["seconds"] = round(time.perf_counter() - t0, 1)
    out["train_seconds"] = round(m.train_seconds_, 2)
    out["words_per_sec"] = round(sum(e["words"] for e in m.epoch_stats_) / m.train_seconds_)
    out.update(_quality(m.wv))
    return out


def _child(kind: str, *args) -> dict:
    code = (
        f"import sys, json; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
        f"import bench_dask as b; print('RESULT', json.dumps(b.{kind}(*{args!r})))"
    )
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return {"error": (p.stderr or p.stdout)[-2000:]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DATA / "corpus" / "wiki100m.txt")
    ap.add_argument("--mb", type=float, default=None, help="use the first N MB only")
    ap.add_argument("--shards", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument(
        "--workers",
        type=int,
        default=2,
        help="threads of the one-process runs and of each simulated part",
    )
    ap.add_argument("--stages", default="vocab,cooc,w2v")
    ap.add_argument(
        "--configs",
        default="default",
        help="comma list of K:sync_words, K:spark, single; 'default' = K in 2,4,8 "
        f"x sync_words in {SYNCS} + K:spark + single; 'none' skips part 2",
    )
    ap.add_argument(
        "--lr-scale",
        default="auto",
        help="learning-rate factor of the parts "
        "(auto: the library's, sqrt(parts) with frequency, parts/2 with average; "
        "Spark-style runs always use 1)",
    )
    ap.add_argument("--merges", default="frequency", help="any of frequency,average")
    ap.add_argument(
        "--modes",
        default="single,cluster,tcp",
        help="where the stages run: single (one process), cluster (LocalCluster, 2 x 1 "
        "thread), tcp (dask scheduler + 2 dask worker processes over TCP)",
    )
    ap.add_argument("--dim", type=int, default=100, help="vector_size of word2vec")
    ap.add_argument("--staleness", type=int, default=0, help="fit_word2vec's staleness")
    ap.add_argument("--delta-dtype", default="float32", help="float32 or float16")
    ap.add_argument(
        "--sync-words",
        type=lambda x: x if x == "auto" else int(x),
        default=None,
        help="sync_words of the cluster (default: the library's, auto)",
    )
    a = ap.parse_args()
    w2v = {"vector_size": a.dim}
    dist = {"staleness": a.staleness, "delta_dtype": a.delta_dtype}
    if a.sync_words is not None:
        dist["sync_words"] = a.sync_words
    modes = [m for m in a.modes.split(",") if m]
    stages = [s for s in a.stages.split(",") if s]
    if a.configs == "default":
        configs = ["single"] + [f"{k}:{s}" for k in (2, 4, 8) for s in (*SYNCS, "spark")]
    elif a.configs == "none":
        configs = []
    else:
        configs = [c for c in a.configs.split(",") if c]
    with tempfile.TemporaryDirectory(prefix="bench_dask_") as tmp:
        files = cut_shards(a.corpus, a.mb, a.shards, Path(tmp))
        print(
            json.dumps(
                {
                    "corpus": str(a.corpus),
                    "mb": a.mb,
                    "shards": len(files),
                    "bytes": sum(p.stat().st_size for p in files),
                }
            ),
            flush=True,
        )
        for stage in stages:
            rows = {
                mode: _child("run_stage", stage, mode, tmp, a.epochs, a.workers, w2v, dist)
                for mode in modes
            }
            line = {"stage": stage, **{m: r for m, r in rows.items()}}
            if stage in ("vocab", "cooc") and "digest" in rows.get("single", {}):
                line["exact"] = all(
                    rows["single"]["digest"] == r.get("digest") for r in rows.values()
                )
            print(json.dumps(line), flush=True)
        for cfg in configs:
            merges = (
                ["average"] if cfg.endswith(":spark") or cfg == "single" else a.merges.split(",")
            )
            for merge in merges:
                print(
                    json.dumps(
                        _child(
                            "run_config",
                            cfg,
                            merge,
                            tmp,
                            a.epochs,
                            a.workers,
                            a.lr_scale,
                            w2v,
                            {k: v for k, v in dist.items() if k != "sync_words"},
                        )
                    ),
                    flush=True,
                )


if __name__ == "__main__":
    main()
