"""ValueVec III: the joint model against plain skip-gram of the same dimension, probe by probe.

For each hold-out draw (``ws.evaluate.value_holdout``, 20 % of the valued words hidden, the draw
seeding the split and both models, ``workers=1``), fits ``ValueVec(semantic_weight=λ,
vector_size=d)`` and plain skip-gram (``semantic_weight=1``, the same engine, text and
settings: the baseline ``value_holdout`` calls skip-gram) and scores the hidden words' values
(Spearman) with the same probes on both: k-NN (k = 10), ridge at penalties 0.1, 1 (the
default), 3 and 10, and an ensemble (the sum of the k-NN and ridge predictions' z-scored ranks).
A probe that helps the plain vectors as much as the joint ones is no gain of the joint model.
One JSON line per draw, ``joint_<probe>`` and ``sg_<probe>``; ``--summary FILE`` prints means ±
sd and the gains.

    PYTHONPATH=src python benchmarks/bench_valuevec_probes.py wine --dim 100 --seeds 0,1,2,3,4
    PYTHONPATH=src python benchmarks/bench_valuevec_probes.py imdb --dim 100 --limit 10000 \\
        --seeds 1,2
    PYTHONPATH=src python benchmarks/bench_valuevec_probes.py --summary probes_wine.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_valuevec2 import DATA, CachedTokenizer, emit, load  # noqa: E402

PENALTIES = (0.1, 1.0, 3.0, 10.0)


def _z(x: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    r = rankdata(x)
    return (r - r.mean()) / r.std()


def run(args: argparse.Namespace) -> None:
    from scipy.stats import spearmanr

    import wordspace as ws
    from wordspace.train.valuevec.probe import predict_from_vectors
    from wordspace.train.valuevec.values import records_to_word_values

    df, text, value, tr = load(args.dataset, args.data, args.limit, joint=True)
    tok = CachedTokenizer()
    has = df[value].notna().to_numpy()
    wvals = records_to_word_values(
        df[text][has].tolist(), df[value][has], tokenizer=tok, value_transform=tr
    )
    truth = dict(zip(wvals["word"], wvals["value"], strict=True))
    for seed in args.seeds:
        t = time.perf_counter()
        rec: dict = {"dataset": args.dataset, "limit": args.limit, "vector_size": args.dim}
        rec.update(semantic_weight=args.semantic_weight, seed=seed)
        for weight, tag in ((args.semantic_weight, "joint"), (1.0, "sg")):
            est = ws.ValueVec(
                semantic_weight=weight,
                vector_size=args.dim,
                tokenizer=tok,
                workers=1,
                value_transform=tr,
            )
            r = ws.evaluate.value_holdout(
                est, df, text=text, value=value, seed=seed, baselines=False, return_models=True
            )
            m = r["models"][0]
            train = list(m.pairs_.words)
            valued = set(train)
            test = [w for w in truth if w not in valued and w in m.wv.key_to_index]
            y = np.array([truth[w] for w in test])
            unit = m.wv.get_normed_vectors()
            rows = np.array([m.wv.key_to_index[w] for w in train])
            idx = np.array([m.wv.key_to_index[w] for w in test])
            tv = np.array([truth[w] for w in train])
            pred = {"knn": predict_from_vectors(unit, rows, tv, idx, "knn", 10, 1.0)}
            for a in PENALTIES:
                pred[f"ridge{a:g}"] = predict_from_vectors(unit, rows, tv, idx, "ridge", 10, a)
            pred["ensemble"] = _z(pred["knn"]) + _z(pred["ridge1"])
            for k, v in pred.items():
                rec[f"{tag}_{k}"] = float(spearmanr(v, y).statistic)
            if tag == "joint":
                rec["alignment"] = r["alignment"]
            rec["n_test"] = len(test)
        rec["seconds"] = time.perf_counter() - t
        emit(rec, args.out)


def summary(path: Path) -> None:
    lines = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    probes = [k[len("joint_") :] for k in lines[0] if k.startswith("joint_")]
    print(f"{path}: draws {[x['seed'] for x in lines]}")
    for tag in ("joint", "sg"):
        for p in probes:
            v = np.array([x[f"{tag}_{p}"] for x in lines])
            sd = v.std(ddof=1) if len(v) > 1 else float("nan")
            print(f"{tag}_{p:10s} {v.mean():.3f} ± {sd:.3f}   " + " ".join(f"{a:.3f}" for a in v))
    al = np.array([x["alignment"] for x in lines])
    print(f"alignment {al.mean():.3f} (min {al.min():.3f})")
    for p in probes:
        g = np.array([x[f"joint_{p}"] - x["sg_ridge1"] for x in lines])
        print(f"gain joint_{p} - sg_ridge1: {g.mean():+.3f}")
    best = np.array(
        [max(x[f"joint_{p}"] for p in probes) - max(x[f"sg_{p}"] for p in probes) for x in lines]
    )
    print(f"gain best joint probe - best skip-gram probe (per draw): {best.mean():+.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", nargs="?", choices=["imdb", "wine", "airbnb"])
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--semantic-weight", type=float, default=0.8)
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--summary", type=Path, default=None)
    args = ap.parse_args()
    if args.summary is not None:
        summary(args.summary)
        return
    if args.dataset is None:
        ap.error("give a data set (or --summary FILE)")
    args.seeds = [int(x) for x in args.seeds.split(",") if x]
    run(args)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
