"""Benchmark: what checkpoints cost, and what resuming does to quality (issue 20).

Prints JSON lines:

* ``"part": "cost"``: Word2Vec CBOW (dim 100, negative 5, window 5, alpha 0.05) trained with a
  checkpoint every ``--probe-every`` seconds (default a fifth of the training time, so that
  several are written in one run): the
  checkpoint's size (bytes), the mean / max seconds to write one, how many were written, the
  training seconds, and the overhead at the default interval (600 s): mean write seconds / 600.
  With ``--baseline`` (default on) the same training without checkpoints is timed too, and the
  measured overhead at the probe interval is reported.
* ``"part": "quality"``: a ``--workers`` (2) run stopped twice (``KeyboardInterrupt`` at 1/3
  and 2/3 of the words, as Ctrl-C would) and resumed twice from its last checkpoint, against
  the uninterrupted run with the same seed and one with another seed (the run-to-run spread):
  analogy accuracy (questions-words, restrict_vocab=30000) and WordSim353 Spearman.
* ``"part": "glove_cost"`` (with ``--glove``): the same cost measurement for GloVe (its
  checkpoint also holds AdaGrad's sums and the shuffled co-occurrence records).

Usage:
    python benchmarks/bench_checkpoint.py [--corpus PATH] [--epochs 5] [--workers 2]
        [--probe-every S] [--no-baseline] [--no-quality] [--glove] [--tmp DIR]
Quick check: --corpus /tmp/wiki10m.txt --epochs 1 --probe-every 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DATA = Path(os.environ.get("WORDSPACE_SHARED_DATA", "/work/shared/data"))
CBOW = dict(sg=0, vector_size=100, negative=5, window=5, sample=1e-3, min_count=5, alpha=0.05)


def _emit(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


class _WriteTimes:
    """Wraps a model's checkpoint writer to time each write."""

    def __init__(self, model):
        self.times: list[float] = []
        original = model._write_checkpoint

        def timed(*a, **k):
            t = time.perf_counter()
            original(*a, **k)
            self.times.append(time.perf_counter() - t)

        model._write_checkpoint = timed


def _quality(wv) -> dict:
    from wordspace.analysis.evaluate import evaluate_word_analogies, evaluate_word_pairs

    an = evaluate_word_analogies(wv, restrict_vocab=30000)
    ws = evaluate_word_pairs(wv)
    return {"analogy": round(float(an.score), 4), "wordsim353": round(float(ws.spearman[0]), 4)}


def cost(args, tmp: Path) -> None:
    from wordspace import Word2Vec

    params = dict(CBOW, epochs=args.epochs, workers=args.workers, seed=1)
    Word2Vec(**{**params, "min_count": 1, "epochs": 1}).fit([["a", "b", "c"]] * 50)  # warm up
    plain = Word2Vec(**params).fit(args.corpus) if args.baseline else None
    probe = args.probe_every
    if probe is None:  # several checkpoints in one run, whatever the machine's speed
        probe = max(1.0, (plain.train_seconds_ if plain is not None else 60.0) / 5)
    ck = tmp / "cost.ckpt"
    m = Word2Vec(**params, checkpoint_path=str(ck), checkpoint_every=probe)
    timer = _WriteTimes(m)
    m.fit(args.corpus)
    out = {
        "part": "cost",
        "model": "word2vec cbow",
        "corpus": str(args.corpus),
        "epochs": args.epochs,
        "workers": args.workers,
        "vocabulary": len(m.wv),
        "probe_every_s": round(probe, 2),
        "checkpoints": len(timer.times),
        "checkpoint_bytes": ck.stat().st_size if ck.exists() else None,
        "train_seconds": round(m.train_seconds_, 2),
    }
    if timer.times:
        mean = statistics.mean(timer.times)
        out.update(
            write_seconds_mean=round(mean, 3),
            write_seconds_max=round(max(timer.times), 3),
            overhead_at_600s_percent=round(100 * mean / 600, 3),
        )
    if plain is not None:
        out["train_seconds_without"] = round(plain.train_seconds_, 2)
        out["measured_overhead_percent_at_probe"] = round(
            100 * (m.train_seconds_ - plain.train_seconds_) / plain.train_seconds_, 2
        )
    _emit(out)
    ck.unlink(missing_ok=True)


def glove_cost(args, tmp: Path) -> None:
    from wordspace import GloVe

    ck = tmp / "glove.ckpt"
    params = dict(vector_size=100, epochs=args.glove_epochs, workers=args.workers, seed=1)
    probe = args.probe_every
    if probe is None:  # time one run, then write about five checkpoints in the measured one
        probe = max(1.0, GloVe(**params).fit(args.corpus).train_seconds_ / 5)
    m = GloVe(**params, checkpoint_path=str(ck), checkpoint_every=probe)
    timer = _WriteTimes(m)
    m.fit(args.corpus)
    out = {
        "part": "glove_cost",
        "corpus": str(args.corpus),
        "epochs": args.glove_epochs,
        "probe_every_s": round(probe, 2),
        "vocabulary": len(m.wv),
        "nonzeros": m.nonzeros_,
        "checkpoints": len(timer.times),
        "checkpoint_bytes": ck.stat().st_size if ck.exists() else None,
        "train_seconds": round(m.train_seconds_, 2),
    }
    if timer.times:
        mean = statistics.mean(timer.times)
        out.update(
            write_seconds_mean=round(mean, 3), overhead_at_600s_percent=round(100 * mean / 600, 3)
        )
    _emit(out)
    ck.unlink(missing_ok=True)


def quality(args, tmp: Path) -> None:
    from wordspace import Word2Vec

    params = dict(CBOW, epochs=args.epochs, workers=args.workers, seed=1)
    t = time.perf_counter()
    ref = Word2Vec(**params).fit(args.corpus)
    ref_s = time.perf_counter() - t
    other = Word2Vec(**{**params, "seed": 2}).fit(args.corpus)

    ck = tmp / "quality.ckpt"
    # a checkpoint must exist before the first stop (at a third of the words)
    every = args.quality_every if args.quality_every is not None else max(0.2, ref_s / 10)

    def stop_at(fraction):
        def progress(done, total, **info):
            if done >= fraction * total:
                raise KeyboardInterrupt

        return progress

    stops = []
    m = Word2Vec(**params, checkpoint_path=str(ck), checkpoint_every=every)
    try:
        m.fit(args.corpus, progress=stop_at(1 / 3))
    except KeyboardInterrupt:
        stops.append(m.training_progress_)
    m = Word2Vec.resume(ck)
    try:
        m.fit(args.corpus, progress=stop_at(2 / 3))
    except KeyboardInterrupt:
        stops.append(m.training_progress_)
    m = Word2Vec.resume(ck)
    m.fit(args.corpus)
    _emit(
        {
            "part": "quality",
            "corpus": str(args.corpus),
            "epochs": args.epochs,
            "workers": args.workers,
            "checkpoint_every_s": round(every, 2),
            "interrupted_at": [round(s["done"] / s["total"], 3) for s in stops],
            "uninterrupted": _quality(ref.wv),
            "resumed_twice": _quality(m.wv),
            "other_seed": _quality(other.wv),
            "uninterrupted_seconds": round(ref_s, 1),
        }
    )
    ck.unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DATA / "corpus" / "wiki100m.txt")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--probe-every",
        type=float,
        default=None,
        help="seconds between checkpoints in the cost run (default: a fifth of "
        "the measured training time, so several are written)",
    )
    ap.add_argument(
        "--quality-every",
        type=float,
        default=None,
        help="seconds between checkpoints in the interrupted run (default: a "
        "tenth of the uninterrupted run's time)",
    )
    ap.add_argument("--no-baseline", dest="baseline", action="store_false")
    ap.add_argument("--no-cost", dest="cost", action="store_false")
    ap.add_argument("--no-quality", dest="quality", action="store_false")
    ap.add_argument("--glove", action="store_true", help="also measure GloVe's checkpoints")
    ap.add_argument("--glove-epochs", type=int, default=3)
    ap.add_argument("--tmp", type=Path, default=None, help="folder for the checkpoints")
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"no corpus at {args.corpus}; give --corpus")
    with tempfile.TemporaryDirectory(dir=args.tmp) as d:
        tmp = Path(d)
        if args.cost:
            cost(args, tmp)
        if args.glove:
            glove_cost(args, tmp)
        if args.quality:
            quality(args, tmp)


if __name__ == "__main__":
    main()
