"""Benchmark: wordspace's WEAT against WEFE's, on Caliskan et al.'s ten tests (issue 35).

WEFE (the Word Embedding Fairness Evaluation framework) is never a wordspace dependency: this
script runs it in its own virtual environment, ``--venv`` (default ``/tmp/weat-venv``), which it
creates with ``python -m venv`` and ``pip install wefe`` when it does not exist yet.

For each test, the vectors of every word of the test (as written, else lowercased: the lookup
``ws.evaluate.weat`` does) are written to a word2vec text file at float32's full precision, so
WEFE's gensim ``KeyedVectors`` hold the very same numbers; WEFE's ``WEAT().run_query(...,
preprocessors=[{}, {"lowercase": True}], return_effect_size=True)`` then gives its effect size.
WEFE's p-value is not compared: it draws its "permutations" with replacement
(``rng.choice(..., size=n)``), which is not the permutation test of the paper.

Prints one JSON line per test (wordspace's effect size and p-value, WEFE's effect size, their
absolute difference, the published GloVe 840B figure) and a summary line with the largest
difference. Exit status 1 when a difference exceeds ``--tol`` (1e-6).

Usage:
    python benchmarks/bench_weat.py [--model glove-wiki-gigaword-50] [--venv /tmp/weat-venv]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import wordspace as ws

WEFE_SCRIPT = r"""
import json, sys, warnings
warnings.filterwarnings("ignore")
from gensim.models import KeyedVectors
from wefe.metrics import WEAT
from wefe.query import Query
from wefe.word_embedding_model import WordEmbeddingModel
spec = json.load(open(sys.argv[1]))
out = {}
for t in spec:
    kv = KeyedVectors.load_word2vec_format(t["vectors"], binary=False)
    model = WordEmbeddingModel(kv, "model")
    q = Query([t["X"], t["Y"]], [t["A"], t["B"]], ["X", "Y"], ["A", "B"])
    r = WEAT().run_query(q, model, return_effect_size=True,
                         preprocessors=[{}, {"lowercase": True}], lost_vocabulary_threshold=0.5)
    out[t["id"]] = {"effect_size": float(r["effect_size"]), "weat": float(r["weat"])}
print(json.dumps(out))
"""


def ensure_venv(venv: str) -> str:
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    probe = subprocess.run([py, "-c", "import wefe"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([py, "-m", "pip", "install", "-q", "wefe"], check=True)
    return py


def write_vectors(wv, words: list[str], path: str) -> None:
    rows = {}
    for w in words:
        for form in (w, w.lower()):
            if form in wv.key_to_index and form not in rows:
                rows[form] = np.asarray(wv[form], dtype=np.float32)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{len(rows)} {wv.vector_size}\n")
        for w, v in rows.items():
            f.write(w + " " + " ".join(repr(float(x)) for x in v) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="glove-wiki-gigaword-50")
    ap.add_argument("--venv", default="/tmp/weat-venv")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--permutations", type=int, default=100_000)
    args = ap.parse_args()
    py = ensure_venv(args.venv)
    wv = ws.load(args.model)
    tests = ws.evaluate.caliskan_tests()
    with tempfile.TemporaryDirectory() as tmp:
        spec = []
        for t in tests:
            p = os.path.join(tmp, f"{t.id}.txt")
            write_vectors(wv, t.X + t.Y + t.A + t.B, p)
            spec.append({"id": t.id, "vectors": p, "X": t.X, "Y": t.Y, "A": t.A, "B": t.B})
        sp = os.path.join(tmp, "spec.json")
        with open(sp, "w") as f:
            json.dump(spec, f)
        script = os.path.join(tmp, "wefe_run.py")
        with open(script, "w") as f:
            f.write(WEFE_SCRIPT)
        t0 = time.perf_counter()
        res = subprocess.run([py, script, sp], capture_output=True, text=True, check=True)
        wefe_s = time.perf_counter() - t0
    wefe = json.loads(res.stdout.strip().splitlines()[-1])
    worst = 0.0
    t0 = time.perf_counter()
    ours = ws.evaluate.weat_caliskan(wv, n_permutations=args.permutations)
    ours_s = time.perf_counter() - t0
    for t, r in zip(tests, ours, strict=True):
        assert not isinstance(r, str), r
        diff = abs(r.effect_size - wefe[t.id]["effect_size"])
        worst = max(worst, diff)
        print(
            json.dumps(
                {
                    "test": t.id,
                    "wordspace_effect_size": round(r.effect_size, 6),
                    "wefe_effect_size": round(wefe[t.id]["effect_size"], 6),
                    "abs_diff": diff,
                    "p_value": r.p_value,
                    "p_exact": r.exact,
                    "missing": r.missing,
                    "published_glove840b": t.published,
                }
            )
        )
    print(
        json.dumps(
            {
                "model": args.model,
                "max_abs_diff": worst,
                "tol": args.tol,
                "wordspace_seconds_all_ten_with_p": round(ours_s, 2),
                "wefe_seconds_effect_sizes_only": round(wefe_s, 2),
            }
        )
    )
    return 0 if worst <= args.tol else 1


if __name__ == "__main__":
    sys.exit(main())
