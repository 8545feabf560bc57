"""ValueVec's trade-off: held-out value Spearman against WordSim353, over the dimension and
``semantic_weight`` (λ), as JSON lines and a figure drawn from them.

Each point is one ``ws.evaluate.value_holdout`` run (20 % of the valued words hidden, hold-out
draw ``--seed``, which also seeds the model) of ``ValueVec(semantic_weight=λ,
vector_size=d)`` at its other defaults (value block a third of the vector, ``value_transform=
"auto"``): the held-out Spearman with both probes (k-NN, the default predictor, and ridge),
the value block's alignment on the training words, and WordSim353 / SimLex-999 of the whole
vectors. λ = 1 is plain skip-gram on the same text with the same settings (the baseline
``value_holdout`` calls skip-gram), so each dimension's curve ends on its own baseline.

Run from the repository root (data in ../shared/data)::

    PYTHONPATH=src python benchmarks/bench_valuevec_tradeoff.py --limit 10000 \\
        --dims 15,50,100 --lambdas 0.6,0.8,0.9,0.95,1 --out tradeoff.jsonl
    PYTHONPATH=src python benchmarks/bench_valuevec_tradeoff.py --plot tradeoff.jsonl \\
        --figure docs/valuevec_tradeoff_dim.svg

Only data sets whose vocabulary covers at least 100 WordSim353 pairs make sense here (IMDB;
wine covers 27, Airbnb 12).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_valuevec2 import DATA, CachedTokenizer, emit, load, similarity  # noqa: E402


def sweep(args: argparse.Namespace) -> None:
    import wordspace as ws

    df, text, value, tr = load(args.dataset, args.data, args.limit, joint=True)
    tokenizer = CachedTokenizer()  # every point splits the same texts
    for d in args.dims:
        for lam in args.lambdas:
            t = time.perf_counter()
            est = ws.ValueVec(
                semantic_weight=lam,
                vector_size=d,
                value_transform=tr,
                tokenizer=tokenizer,
                workers=args.workers,
            )
            r = ws.evaluate.value_holdout(
                est, df, text=text, value=value, seed=args.seed, baselines=False, return_models=True
            )
            model = r.pop("models")[0]
            block = model._value_slice()
            emit(
                {
                    "section": "tradeoff",
                    "dataset": args.dataset,
                    "limit": args.limit,
                    "seed": args.seed,
                    "vector_size": d,
                    "value_size": block.stop - block.start,
                    "semantic_weight": lam,
                    "knn": r["probes"]["knn"]["spearman"],
                    "ridge": r["probes"]["ridge"]["spearman"],
                    "n_test": r["n_test"],
                    "alignment": model.alignment()["spearman"],
                    **similarity(model.wv, args.data),
                    "seconds": time.perf_counter() - t,
                },
                args.out,
            )


def plot(lines: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # one point per (data, sample, draw, dimension, λ): a rerun replaces the earlier line
    keyed = {
        (x["dataset"], x.get("limit"), x["seed"], x["vector_size"], x["semantic_weight"]): x
        for x in lines
        if x.get("section") == "tradeoff"
    }
    lines = list(keyed.values())
    if not lines:
        raise SystemExit("no tradeoff lines to draw")
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
    for ax, probe in zip(axes, ("knn", "ridge"), strict=True):
        for d in sorted({x["vector_size"] for x in lines}):
            pts = sorted(
                (x for x in lines if x["vector_size"] == d), key=lambda x: x["semantic_weight"]
            )
            joint = [p for p in pts if p["semantic_weight"] < 1]
            plain = [p for p in pts if p["semantic_weight"] == 1]
            (ln,) = ax.plot(
                [p["ws353"] for p in pts],
                [p[probe] for p in pts],
                "o-",
                label=f"dim {d}: joint over λ",
            )
            for p in joint:
                ax.annotate(
                    f"{p['semantic_weight']:g}",
                    (p["ws353"], p[probe]),
                    textcoords="offset points",
                    xytext=(4, 3),
                    fontsize=7,
                )
            if plain:
                p = plain[0]
                ax.plot(
                    [p["ws353"]],
                    [p[probe]],
                    "s",
                    ms=9,
                    mfc="none",
                    color=ln.get_color(),
                    label=f"dim {d}: plain skip-gram (λ = 1)",
                )
        ax.set_title(
            f"held-out values, {'k-NN (the default)' if probe == 'knn' else 'ridge'} probe"
        )
        ax.set_xlabel("WordSim353 Spearman (meaning kept)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("held-out value Spearman (20 % of valued words hidden)")
    axes[1].legend(fontsize=7, loc="best")
    first = lines[0]
    fig.suptitle(
        f"ValueVec joint training, {first['dataset']}"
        + (f" ({first['limit']:,} records)" if first.get("limit") else "")
        + f", hold-out draw {first['seed']}: value against meaning over dimension and λ",
        fontsize=10,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Date": None} if path.suffix == ".svg" else None)
    print(f"wrote {path}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="imdb", choices=["imdb", "wine", "airbnb"])
    ap.add_argument("--limit", type=int, default=10000, help="sample this many records (0: all)")
    ap.add_argument("--dims", default="15,50,100")
    ap.add_argument("--lambdas", default="0.6,0.8,0.9,0.95,1")
    ap.add_argument("--seed", type=int, default=0, help="hold-out draw (seeds the model too)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=None, help="append the JSON lines here")
    ap.add_argument("--plot", type=Path, default=None, help="draw --figure from these lines only")
    ap.add_argument("--figure", type=Path, default=Path("docs/valuevec_tradeoff_dim.svg"))
    args = ap.parse_args()
    if args.plot is not None:
        plot([json.loads(x) for x in args.plot.read_text().splitlines() if x.strip()], args.figure)
        return
    args.limit = args.limit or None
    args.dims = [int(x) for x in args.dims.split(",") if x]
    args.lambdas = [float(x) for x in args.lambdas.split(",") if x]
    sweep(args)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
