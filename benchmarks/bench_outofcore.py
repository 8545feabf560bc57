"""Benchmark: training memory against corpus size (out of core), and the parallel corpus scan.

Prints JSON lines:

* ``{"bench": "scan", ...}``: ``Corpus.scan`` of the corpus with ``workers=1`` and ``workers=2``
  (wall and CPU seconds of the process; identical results are checked).
* ``{"bench": "train", "case": ...}``: CBOW (negative 5, window 5, dim 100, sample 1e-3,
  min_count 5, alpha 0.05, 1 epoch, ``--workers`` threads) on

  - ``1x``: the corpus, default settings (in memory: it is below ``OUT_OF_CORE_BYTES``);
  - ``1x-disk``: the corpus with ``out_of_core=True``;
  - ``10x``: the corpus concatenated ``--times`` times into a temporary file (one copy per
    line), default settings (out of core if it is larger than ``OUT_OF_CORE_BYTES``, as
    wiki100m x 10 is);
  - ``10x-disk``: the same with ``out_of_core=True`` (for quick checks on small corpora);

  each in a fresh subprocess: vocabulary seconds, train seconds, words/s (corpus tokens x
  epochs / train seconds) and peak RSS (MB, ``VmHWM`` after training), then the median of
  ``--runs`` runs and ``rss_ratio`` (10x / 1x).

  The 10x cases use ``min_count`` x ``--times``: every count is exactly ``--times`` times the
  1x count, so both runs train the same vocabulary (the same model size) and only the corpus
  size differs. (With min_count 5 on both, the 10x vocabulary is three times larger -- every
  word seen once in 1x passes -- and the weights alone would grow the RSS.)

The temporary corpus and the id files go to ``--tmp`` (default: ``$WORDSPACE_TMP`` or the
system's temporary folder) and are deleted at the end; about 11x the corpus size of free disk
is needed (text, then ids).

Usage:
    python benchmarks/bench_outofcore.py [--corpus PATH] [--times 10] [--runs 3]
        [--workers 2] [--tmp DIR] [--no-scan] [--cases 1x,1x-disk,10x]
Quick check: head -c 10000000 wiki100m.txt > /tmp/wiki10m.txt; --corpus /tmp/wiki10m.txt
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import peak_rss_mb

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WORDSPACE_SHARED_DATA", "/work/shared/data"))
CBOW = {
    "sg": 0,
    "negative": 5,
    "window": 5,
    "vector_size": 100,
    "sample": 1e-3,
    "min_count": 5,
    "alpha": 0.05,
    "epochs": 1,
}


def _child(args: argparse.Namespace) -> None:
    """One training run (in its own process): one JSON line."""
    from wordspace import Corpus, Vocabulary, Word2Vec

    kw = {} if args.out_of_core is None else {"out_of_core": args.out_of_core == "1"}
    corpus = Corpus(args.child, tmp_dir=args.tmp, **kw)
    params = {**CBOW, "min_count": args.min_count}
    t0 = time.perf_counter()
    Vocabulary.build(corpus, min_count=args.min_count)  # the scan (kept for fit)
    t_vocab = time.perf_counter() - t0
    m = Word2Vec(**params, workers=args.workers, seed=1)
    m.fit(corpus)
    words = m.vocab_.total_words * CBOW["epochs"]
    rss = peak_rss_mb()
    print(
        json.dumps(
            {
                "vocab_s": round(t_vocab, 3),
                "train_s": round(m.train_seconds_, 3),
                "words": words,
                "words_per_sec": round(words / m.train_seconds_),
                "peak_rss_mb": round(rss, 1),
                "on_disk": corpus._on_disk(),
                "vocab": len(m.vocab_),
                "min_count": args.min_count,
            }
        )
    )


def _run_child(
    path: Path,
    out_of_core: str | None,
    args: argparse.Namespace,
    min_count: int = CBOW["min_count"],
) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        str(path),
        "--workers",
        str(args.workers),
        "--min-count",
        str(min_count),
    ]
    if out_of_core is not None:
        cmd += ["--out-of-core", out_of_core]
    if args.tmp is not None:
        cmd += ["--tmp", str(args.tmp)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if p.returncode != 0:
        raise SystemExit(f"child failed ({' '.join(cmd)}):\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def _scan(path: Path) -> None:
    import numpy as np

    from wordspace import Corpus

    Corpus(path, workers=2).scan(cache=False)  # compile / warm the file cache
    out = {}
    for w in (1, 2):
        wall, cpu = [], []
        for _ in range(3):
            c = Corpus(path, workers=w)
            t, u = time.perf_counter(), time.process_time()
            sc = c.scan(cache=False)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - u)
        out[w] = sc
        print(
            json.dumps(
                {
                    "bench": "scan",
                    "workers": w,
                    "wall_s": round(min(wall), 3),
                    "wall_s_runs": [round(x, 3) for x in wall],
                    "cpu_s": round(min(cpu), 3),
                    "tokens": sc.total_words,
                    "types": len(sc.types),
                    "loadavg": round(os.getloadavg()[0], 2),
                }
            ),
            flush=True,
        )
    a, b = out[1], out[2]
    same = (
        a.types == b.types
        and np.array_equal(a.counts, b.counts)
        and np.array_equal(a.raw_ids, b.raw_ids)
        and np.array_equal(a.sentence_starts, b.sentence_starts)
    )
    print(json.dumps({"bench": "scan", "identical": bool(same)}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DATA / "corpus" / "wiki100m.txt")
    ap.add_argument("--times", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tmp", type=Path, default=None)
    ap.add_argument("--cases", default="1x,1x-disk,10x")
    ap.add_argument("--no-scan", dest="scan", action="store_false")
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out-of-core", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--min-count", type=int, default=CBOW["min_count"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        _child(args)
        return
    if args.scan:
        _scan(args.corpus)
    cases = args.cases.split(",")
    folder = Path(tempfile.mkdtemp(prefix="bench-outofcore-", dir=args.tmp))
    try:
        big = folder / f"corpus_x{args.times}.txt"
        if "10x" in cases or "10x-disk" in cases:
            data = args.corpus.read_bytes()
            with open(big, "wb") as f:
                for k in range(args.times):
                    f.write(data)
                    if k + 1 < args.times:
                        f.write(b"\n")
            del data
        # warm-up: numba's on-disk cache is filled before anything is measured
        warm = folder / "warm.txt"
        with open(args.corpus, "rb") as f:
            warm.write_bytes(f.read(1 << 20))
        _run_child(warm, None, args)
        _run_child(warm, "1", args)
        plan = {
            "1x": (args.corpus, None),
            "1x-disk": (args.corpus, "1"),
            "10x": (big, None),
            "10x-disk": (big, "1"),
        }
        med = {}
        for case in cases:
            path, ooc = plan[case]
            mc = CBOW["min_count"] * (args.times if case.startswith("10x") else 1)
            rows = []
            for r in range(args.runs):
                row = _run_child(path, ooc, args, mc)
                rows.append(row)
                print(
                    json.dumps(
                        {
                            "bench": "train",
                            "case": case,
                            "run": r + 1,
                            **row,
                            "loadavg": round(os.getloadavg()[0], 2),
                        }
                    ),
                    flush=True,
                )
            med[case] = {
                k: statistics.median(x[k] for x in rows)
                for k in ("vocab_s", "train_s", "words_per_sec", "peak_rss_mb")
            }
            print(
                json.dumps({"bench": "train", "case": case, "median_of": args.runs, **med[case]}),
                flush=True,
            )
        for big_case in ("10x", "10x-disk"):
            for base in ("1x", "1x-disk"):
                if big_case in med and base in med:
                    print(
                        json.dumps(
                            {
                                "bench": "train",
                                "compare": f"{big_case}/{base}",
                                "rss_ratio": round(
                                    med[big_case]["peak_rss_mb"] / med[base]["peak_rss_mb"], 3
                                ),
                                "words_per_sec_ratio": round(
                                    med[big_case]["words_per_sec"] / med[base]["words_per_sec"], 3
                                ),
                            }
                        )
                    )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
