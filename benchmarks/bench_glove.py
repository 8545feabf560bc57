"""Benchmark: wordspace GloVe on a corpus, against Stanford's C tool's reference figures.

Prints one JSON line per run: the whole ``GloVe(...).fit(path)`` call's seconds
(``total_seconds``: what a user waits for, loading the compiled kernels from numba's on-disk
cache included), and beside it the vocabulary, co-occurrence and training seconds, seconds
per epoch, peak RSS of this process (MB) in all and up to the end of counting (vocabulary
scan, id array and co-occurrence matrix; the rest of the peak is training's records), number
of co-occurrence non-zeros, the loss of the
first and last epoch, analogy accuracy (questions-words.txt, restrict_vocab=30000, 3CosAdd as
gensim's ``evaluate_word_analogies``: case-insensitive, question words excluded, questions with
a word outside the 30,000 most frequent skipped), WordSim353 and SimLex-999 Spearman (pairs
with unknown words skipped, as gensim's ``evaluate_word_pairs``), and the C tool's figures from
the shared data README for comparison.

Issue 5 setting (the default): wiki100m.txt, dim 100, window 10 (symmetric, 1/distance),
min_count 5, x_max 100, alpha 0.75, eta 0.05, 15 epochs, 2 workers, memory 4 GiB. The C tool
took 918 s in all (880 s training) with a peak RSS of 1,490 MB; analogy 0.198, WS353 0.426,
SimLex 0.193.

Every run is a fresh process (the clock starts at the call; imports are not counted). One
untimed process first fits a tiny corpus, so that numba's on-disk cache exists and the timed
runs load the kernels from it, as a user's second run does. With ``--runs N`` (N fresh
processes) a last line gives the medians of the whole-call and training seconds, with the raw
figures.

Needs only the project's own dependencies (no bench venv): the evaluators are NumPy/SciPy.

Usage:
    python benchmarks/bench_glove.py [--corpus PATH] [--epochs 15] [--workers 2] [--dim 100]
        [--window 10] [--min-count 5] [--memory 4.0] [--seed 1] [--runs 1]
Quick check (the full corpus takes minutes: leave it to an idle machine):
    head -c 10000000 /work/shared/data/corpus/wiki100m.txt > /tmp/wiki10m.txt
    python benchmarks/bench_glove.py --corpus /tmp/wiki10m.txt --epochs 3
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from _common import peak_rss_mb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DATA = Path(os.environ.get("WORDSPACE_SHARED_DATA", ROOT.parent / "shared" / "data"))
if not DATA.exists():
    DATA = Path("/work/shared/data")

C_TOOL = {
    "total_seconds": 918.0,
    "train_seconds": 880.0,
    "cooccurrence_seconds": 19.6 + 16.7,
    "peak_rss_mb": 1490,
    "analogy": 0.198,
    "ws353": 0.426,
    "simlex": 0.193,
}


# ------------------------------------------------------------------ evaluation (numpy only)
def _unit(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return (m / n).astype(np.float32)


def analogy_accuracy(wv, path: Path, restrict_vocab: int = 30000) -> tuple[float, int]:
    """gensim's evaluate_word_analogies (3CosAdd, case-insensitive): (accuracy, questions)."""
    words = wv.index_to_key[:restrict_vocab]
    ok = {}
    for i in reversed(range(len(words))):  # the most frequent spelling wins, as gensim
        ok[words[i].upper()] = i
    U = _unit(np.asarray(wv.vectors[: len(words)], dtype=np.float32))
    quads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        parts = line.upper().split()
        if len(parts) != 4 or not all(p in ok for p in parts):
            continue
        quads.append([ok[p] for p in parts])
    if not quads:
        return 0.0, 0
    q = np.asarray(quads, dtype=np.int64)
    correct = 0
    for s in range(0, len(q), 2048):
        b = q[s : s + 2048]
        target = U[b[:, 1]] - U[b[:, 0]] + U[b[:, 2]]
        scores = target @ U.T
        rows = np.arange(len(b))
        for c in range(3):
            scores[rows, b[:, c]] = -np.inf
        correct += int((scores.argmax(1) == b[:, 3]).sum())
    return correct / len(q), len(q)


def pair_spearman(wv, path: Path) -> tuple[float, int]:
    """gensim's evaluate_word_pairs (case-insensitive, unknown words skipped)."""
    from scipy.stats import spearmanr

    idx = {}
    for i in reversed(range(len(wv.index_to_key))):
        idx[wv.index_to_key[i].upper()] = i
    U = None
    human, model = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        a, b, score = line.split("\t")[:3]
        a, b = a.upper(), b.upper()
        if a not in idx or b not in idx:
            continue
        if U is None:
            U = _unit(np.asarray(wv.vectors, dtype=np.float32))
        human.append(float(score))
        model.append(float(U[idx[a]] @ U[idx[b]]))
    if len(human) < 3:
        return float("nan"), len(human)
    return float(spearmanr(human, model).statistic), len(human)


# ------------------------------------------------------------------------------ run
def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=str(DATA / "corpus" / "wiki100m.txt"))
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--window", type=int, default=10)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--x-max", type=float, default=100.0)
    ap.add_argument("--alpha", type=float, default=0.75)
    ap.add_argument("--eta", type=float, default=0.05)
    ap.add_argument("--memory", type=float, default=4.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--restrict-vocab", type=int, default=30000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--_child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--_warm-up", dest="warm_up", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.warm_up:
        _warm_up()
        return
    if not args._child:
        _parent(args, sys.argv[1:] if argv is None else argv)
        return

    from wordspace.train.glove import GloVe

    model = GloVe(
        vector_size=args.dim,
        window=args.window,
        min_count=args.min_count,
        epochs=args.epochs,
        x_max=args.x_max,
        weight_exponent=args.alpha,
        alpha=args.eta,
        memory=args.memory,
        workers=args.workers,
        seed=args.seed,
    )
    counted: list[float] = []

    def progress(done: int, total: int, stage: str = "", **info) -> None:
        if stage == "counting" and done == total:
            counted.append(peak_rss_mb())  # the peak so far: scan, ids and counting

    t0 = time.perf_counter()
    model.fit(args.corpus, progress=progress)
    total = time.perf_counter() - t0
    peak = peak_rss_mb()
    ev = DATA / "eval"
    acc, nq = analogy_accuracy(model.wv, ev / "questions-words.txt", args.restrict_vocab)
    ws, nws = pair_spearman(model.wv, ev / "wordsim353.tsv")
    sl, nsl = pair_spearman(model.wv, ev / "simlex999.txt")
    epoch_s = [e["seconds"] for e in model.epoch_stats_]
    print(
        json.dumps(
            {
                "tool": "wordspace",
                "model": "glove",
                "corpus": args.corpus,
                "corpus_words": model.vocab.total_words,
                "vocabulary": len(model.wv),
                "nonzeros": int(model.cooccurrence_.nnz),
                "dim": args.dim,
                "window": args.window,
                "min_count": args.min_count,
                "epochs": args.epochs,
                "workers": args.workers,
                "memory_gib": args.memory,
                "vocab_seconds": round(model.vocab_seconds_, 2),
                "cooccurrence_seconds": round(model.cooccurrence_seconds_, 2),
                "train_seconds": round(model.train_seconds_, 2),
                "total_seconds": round(total, 2),
                "epoch_seconds_mean": round(float(np.mean(epoch_s)), 3),
                "epoch_seconds_min": round(float(np.min(epoch_s)), 3),
                "peak_rss_mb": round(peak),
                "peak_rss_counting_mb": round(counted[-1]) if counted else None,
                "loss_first": model.loss_history_[0],
                "loss_last": model.loss_history_[-1],
                "analogy": round(acc, 4),
                "analogy_questions": nq,
                "ws353": round(ws, 4),
                "ws353_pairs": nws,
                "simlex": round(sl, 4),
                "simlex_pairs": nsl,
                "c_tool_reference": C_TOOL,
            }
        )
    )


def _parent(args: argparse.Namespace, argv: list[str]) -> None:
    """The warm-up process, then ``--runs`` fresh timed processes; one line each, and a
    line of medians when there are several."""
    import statistics
    import subprocess

    me = [sys.executable, str(Path(__file__).resolve())]
    env = dict(os.environ, NUMBA_NUM_THREADS=str(args.workers))
    subprocess.run([*me, "--_warm-up"], check=True, env=env)
    lines = []
    for _ in range(args.runs):
        r = subprocess.run([*me, *argv, "--_child"], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            raise SystemExit(f"run failed:\n{r.stderr[-3000:]}")
        lines.append(json.loads(r.stdout.strip().splitlines()[-1]))
        print(json.dumps(lines[-1]), flush=True)
    if len(lines) > 1:
        summary = {"tool": "wordspace", "model": "glove", "runs": len(lines)}
        for key in ("total_seconds", "train_seconds", "cooccurrence_seconds", "peak_rss_mb"):
            vals = [ln[key] for ln in lines]
            summary[key + "_median"] = statistics.median(vals)
            summary[key + "_all"] = vals
        summary["analogy_median"] = statistics.median(ln["analogy"] for ln in lines)
        print(json.dumps(summary), flush=True)


def _warm_up() -> None:
    """Compile every kernel (or load it from numba's cache) on a tiny corpus, in a process of
    its own, so that the timed runs find the on-disk cache."""
    from wordspace.train.glove import GloVe

    sents = [["a", "b", "c", "a", "b"], ["c", "a", "d"]] * 3
    GloVe(vector_size=4, window=2, min_count=1, epochs=1, workers=2).fit(sents)
    GloVe(vector_size=4, window=2, min_count=1, epochs=1, workers=1).fit(sents)


if __name__ == "__main__":
    main()
