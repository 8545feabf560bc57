"""Benchmark: wordspace Phrases vs gensim 4.4's Phrases on the same corpus and settings.

For each setting (issue 14: ``default`` scorer, min_count 5, threshold 10; ``npmi``, min_count
5, threshold 0.5; both with gensim's ENGLISH_CONNECTOR_WORDS and max_vocab_size 40M) it runs
each tool in a fresh subprocess and prints JSON lines:

* ``{"tool": ..., "setting": ..., "seconds", "peak_rss_mb", "phrases"}``: learning the phrases
  from the file (reading and tokenising included; wordspace's compiled kernels are loaded by a
  warm-up fit on three words first, as the other benchmarks warm up numba);
* ``{"compare": setting, "symmetric_difference": n, "only_wordspace": [...], "only_gensim":
  [...], "scores_identical": bool, "max_abs_score_diff", "speedup", "rss_ratio"}``;
* ``{"top20": setting, "phrases": [[phrase, count, score], ...]}`` (wordspace's, by score).

With ``--train``: learn ``--train-passes`` passes (default scorer), train CBOW (5 epochs,
vector size 100, window 5, negative 5, min_count 5) on the joined stream (nothing written to
disk) and print ``{"neighbours": word, "top": [[word, cosine], ...]}`` for new_york,
los_angeles, united_states and world_war.

gensim lives in its own venv, never a project dependency; it reads the corpus with
``LineSentence(path, max_sentence_length=10000)``, which cuts lines as wordspace's Corpus does.

Usage:
    python benchmarks/bench_phrases.py [--corpus PATH] [--settings default,npmi] [--train]
        [--gensim-python /work/bench-venvs/gensim/bin/python] [--no-gensim] [--show 20]
Quick check: --corpus /tmp/wiki10m.txt (the first 10 MB of wiki100m.txt)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import peak_rss_mb

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WORDSPACE_SHARED_DATA", "/work/shared/data"))
SETTINGS = {
    "default": {"scoring": "default", "min_count": 5, "threshold": 10.0},
    "npmi": {"scoring": "npmi", "min_count": 5, "threshold": 0.5},
}
MAX_VOCAB = 40_000_000
WORDS = ("new_york", "los_angeles", "united_states", "world_war")

GENSIM_SCRIPT = r"""
import json, resource, sys, time
from gensim.models.phrases import Phrases, ENGLISH_CONNECTOR_WORDS
from gensim.models.word2vec import LineSentence
path, setting, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
conn = frozenset(json.loads(sys.argv[4]))
assert conn == ENGLISH_CONNECTOR_WORDS, "connector words differ"
t = time.perf_counter()
ph = Phrases(LineSentence(path, max_sentence_length=10000), connector_words=conn,
             max_vocab_size=int(sys.argv[5]), **setting)
table = ph.export_phrases()
sec = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
json.dump({"phrases": table}, open(out, "w"))
print(json.dumps({"seconds": sec, "peak_rss_mb": rss, "phrases": len(table),
                  "len_vocab": len(ph.vocab), "corpus_word_count": ph.corpus_word_count}))
"""


def worker(args: argparse.Namespace) -> None:
    """One wordspace run in this (fresh) process: learn, dump the table, print a JSON line."""
    sys.path.insert(0, str(ROOT / "src"))
    import wordspace as ws
    from wordspace.text.phrases import ENGLISH_CONNECTOR_WORDS

    setting = json.loads(args.worker_setting)
    ws.Phrases(min_count=1, threshold=0.1).fit([["warm", "up", "warm", "up"]])  # load kernels
    t = time.perf_counter()
    ph = ws.Phrases(
        connector_words=ENGLISH_CONNECTOR_WORDS, max_vocab_size=MAX_VOCAB, **setting
    ).fit(args.corpus)
    sec = time.perf_counter() - t
    rss = peak_rss_mb()
    df = ph.phrases_
    with open(args.worker_out, "w", encoding="utf-8") as f:
        json.dump(
            {
                "phrases": ph.phrasegrams_,
                "top": [
                    [r.phrase, int(r.count), float(r.score)]
                    for r in df.head(args.show).itertuples()
                ],
            },
            f,
        )
    print(
        json.dumps(
            {
                "seconds": sec,
                "peak_rss_mb": rss,
                "phrases": len(ph),
                "len_vocab": ph.len_vocab_,
                "corpus_word_count": ph.corpus_word_count_,
            }
        )
    )


def run_wordspace(corpus: str, setting: dict, out: str, show: int) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--corpus",
        corpus,
        "--show",
        str(show),
        "--worker-setting",
        json.dumps(setting),
        "--worker-out",
        out,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(res.stdout.strip().splitlines()[-1])


def run_gensim(python: str, corpus: str, setting: dict, out: str) -> dict:
    from_ws = sorted(_connectors())
    cmd = [
        python,
        "-c",
        GENSIM_SCRIPT,
        corpus,
        json.dumps(setting),
        out,
        json.dumps(from_ws),
        str(MAX_VOCAB),
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def _connectors() -> frozenset[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from wordspace.text.phrases import ENGLISH_CONNECTOR_WORDS

    return ENGLISH_CONNECTOR_WORDS


def emit(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def train(corpus: str, passes: int) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import wordspace as ws
    from wordspace.cli.phrases import phrased_corpus

    t = time.perf_counter()
    c = phrased_corpus(corpus, passes, min_count=5, threshold=10.0)
    learn_s = time.perf_counter() - t
    model = ws.Word2Vec(
        sg=0,
        vector_size=100,
        window=5,
        negative=5,
        min_count=5,
        epochs=5,
        alpha=0.05,
        workers=os.cpu_count() or 1,
        seed=1,
    ).fit(c)
    emit(
        {
            "train": "cbow",
            "passes": passes,
            "phrase_seconds": round(learn_s, 3),
            "train_seconds": round(model.train_seconds_, 3),
            "vocabulary": len(model.wv),
            "phrases_per_pass": [len(p) for p in c.phrases],
        }
    )
    for w in WORDS:
        if w in model.wv.key_to_index:
            top = [[k, round(float(s), 4)] for k, s in model.wv.most_similar(w, topn=10)]
            emit({"neighbours": w, "top": top})
        else:
            emit({"neighbours": w, "missing": "not a learned phrase / below min_count"})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=str(DATA / "corpus" / "wiki100m.txt"))
    ap.add_argument("--settings", default="default,npmi")
    ap.add_argument("--gensim-python", default="/work/bench-venvs/gensim/bin/python")
    ap.add_argument("--no-gensim", action="store_true")
    ap.add_argument("--show", type=int, default=20, help="top phrases to print")
    ap.add_argument("--train", action="store_true", help="also train CBOW on the phrased corpus")
    ap.add_argument("--train-passes", type=int, default=2)
    ap.add_argument("--worker-setting", help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker_setting:
        worker(args)
        return
    if not Path(args.corpus).exists():
        sys.exit(f"corpus {args.corpus} does not exist (give --corpus)")
    use_gensim = not args.no_gensim and Path(args.gensim_python).exists()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.settings.split(","):
            setting = SETTINGS[name]
            ws_out, gs_out = f"{tmp}/ws-{name}.json", f"{tmp}/gs-{name}.json"
            w = run_wordspace(args.corpus, setting, ws_out, args.show)
            emit({"tool": "wordspace", "setting": name, **setting, **w})
            ws_table = json.load(open(ws_out, encoding="utf-8"))
            if use_gensim:
                g = run_gensim(args.gensim_python, args.corpus, setting, gs_out)
                emit({"tool": "gensim", "setting": name, **setting, **g})
                gt = json.load(open(gs_out, encoding="utf-8"))["phrases"]
                wt = ws_table["phrases"]
                only_w = sorted(set(wt) - set(gt))
                only_g = sorted(set(gt) - set(wt))
                both = set(wt) & set(gt)
                diffs = [abs(wt[k] - gt[k]) for k in both]
                emit(
                    {
                        "compare": name,
                        "symmetric_difference": len(only_w) + len(only_g),
                        "only_wordspace": only_w[:50],
                        "only_gensim": only_g[:50],
                        "scores_identical": all(wt[k] == gt[k] for k in both),
                        "max_abs_score_diff": max(diffs, default=0.0),
                        "speedup": round(g["seconds"] / w["seconds"], 2),
                        "rss_ratio": round(w["peak_rss_mb"] / g["peak_rss_mb"], 3),
                    }
                )
            emit(
                {
                    "top20" if args.show == 20 else f"top{args.show}": name,
                    "phrases": ws_table["top"],
                }
            )
    if args.train:
        train(args.corpus, args.train_passes)


if __name__ == "__main__":
    main()
