"""The word2vec settings of ``wordspace demo``: candidates on the embedded Brown corpus, scored.

Prints one JSON line per candidate: its settings, vocabulary, wall and CPU seconds of ``fit``,
analogy accuracy (Google questions, ``restrict_vocab=30000``) with its OOV share, WordSim353 and
SimLex-999 Spearman, and the five nearest neighbours of *money*. ``wordspace.demo`` uses the
best WordSim353 (see ``WORD2VEC_SETTINGS``).

    python benchmarks/bench_demo_settings.py                      # the dozen candidates
    python benchmarks/bench_demo_settings.py --only 0 --only 7    # some of them
    python benchmarks/bench_demo_settings.py --eval-dir /work/shared/data/eval   # + SimLex

Without ``--eval-dir`` the bundled questions-words.txt and wordsim353.tsv are used (no SimLex).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import wordspace as ws
from wordspace.analysis.evaluate import datapath, evaluate_word_analogies, evaluate_word_pairs
from wordspace.text.corpus import embedded_corpus

SG = {"sg": 1, "alpha": 0.025}
CBOW = {"sg": 0, "alpha": 0.05}
CANDIDATES = [
    {**CBOW, "epochs": 5, "lowercase": False},
    {**CBOW, "epochs": 5},
    {**CBOW, "epochs": 10},
    {**CBOW, "epochs": 10, "window": 10},
    {**CBOW, "epochs": 20},
    {**SG, "epochs": 5},
    {**SG, "epochs": 10},
    {**SG, "epochs": 10, "shared_negatives": True},
    {**SG, "epochs": 15, "shared_negatives": True},
    {**SG, "epochs": 5, "window": 10, "shared_negatives": True},
    {**SG, "epochs": 10, "window": 10, "shared_negatives": True},  # the demo's
    {**SG, "epochs": 10, "window": 10},
    {**SG, "epochs": 10, "min_count": 3, "shared_negatives": True},
    {**SG, "epochs": 10, "sample": 1e-4, "shared_negatives": True},
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", type=int, action="append", help="candidate index (repeatable)")
    ap.add_argument(
        "--eval-dir",
        type=Path,
        help="folder with questions-words.txt, "
        "wordsim353.tsv and simlex999.txt (default: the bundled files, no SimLex)",
    )
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    qw = a.eval_dir / "questions-words.txt" if a.eval_dir else datapath("questions-words.txt")
    ws353 = a.eval_dir / "wordsim353.tsv" if a.eval_dir else datapath("wordsim353.tsv")
    simlex = a.eval_dir / "simlex999.txt" if a.eval_dir else None
    for i in a.only or range(len(CANDIDATES)):
        cfg = dict(CANDIDATES[i])
        lowercase = cfg.pop("lowercase", True)
        model = ws.Word2Vec(workers=a.workers, seed=1, **cfg)
        t, cpu = time.perf_counter(), time.process_time()
        model.fit(embedded_corpus("brown", lowercase=lowercase))
        secs, cpu = time.perf_counter() - t, time.process_time() - cpu
        wv = model.wv
        an = evaluate_word_analogies(wv, qw, restrict_vocab=30000)
        line = {
            "candidate": i,
            **cfg,
            "lowercase": lowercase,
            "vocab": len(wv),
            "seconds": round(secs, 1),
            "cpu_seconds": round(cpu, 1),
            "analogy": round(an.score, 4),
            "analogy_oov_ratio": round(an.oov_ratio, 1),
            "ws353": round(evaluate_word_pairs(wv, ws353).spearman[0], 4),
        }
        if simlex is not None:
            line["simlex"] = round(evaluate_word_pairs(wv, simlex).spearman[0], 4)
        line["money"] = [w for w, _ in wv.most_similar("money", topn=5)]
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
