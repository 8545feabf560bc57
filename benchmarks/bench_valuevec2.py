"""Benchmark ValueVec II: defaults, mse vs cosent, and meaning + value in one space.

Prints one JSON line per measurement (``--out FILE`` also appends them there):

* ``colors``: the article's 30 colours, ``ValueVec()`` and ``ValueVec(objective="cosent")``
  at defaults — cosine/value Spearman (``ws.value_alignment``) and training seconds (after one
  warm-up fit, so numba's compilation is not counted);
* ``records``: value-only defaults, ``mse`` and ``cosent``, on Airbnb Barcelona (name → price,
  log), IMDB (review → rating 1–10, rated reviews only) and wine (description → price, log);
* ``joint``: IMDB (all 100,000 reviews lend their text; the 50,000 rated ones their rating)
  and wine (description → price, log) for each ``semantic_weight`` λ of the sweep:
  ``ws.evaluate.value_holdout`` (20 % of the valued words hidden, seed 0; ``--seeds``: one
  run per hold-out draw ``s``, which seeds the split and every model) — held-out
  Spearman/MAE of the joint model with both probes, every plain baseline (skip-gram and CBOW
  at the joint dimension and at 100, each with k-NN and ridge), the strongest and the gain
  against it, predict-the-mean — plus training-word alignment, WordSim353 / SimLex-999
  Spearman of the joint and the plain vectors, and seconds;
* ``defaults``: every table in ``values/`` fitted with ``ValueVec()`` at defaults (records:
  text → value; IMDB's unrated reviews, rating 0, left out) — the transform
  ``value_transform="auto"`` chose, and the alignment (``vv.alignment()``);
* ``pretrained``: a value block on GloVe (``glove-wiki-gigaword-50``, the ``glove50`` extra)
  from each value table's word values alone (records → shrunk means at defaults): 20 % of
  the valued words that GloVe holds are hidden (``--seeds`` draws), ``ValueVec().fit(train,
  vectors=glove)`` predicts them (k-NN and ridge), against k-NN and ridge on GloVe alone;
* ``propagation``: label propagation over the k-NN graph of the joint vectors (Zhu and
  Ghahramani 2002: unvalued words take the cosine-weighted mean of their 10 nearest words,
  valued words clamped, 30 rounds) against k-NN and ridge on the same vectors, per draw;
* ``--figure PATH``: held-out Spearman against WS353 over λ (the trade-off), one curve per
  data set whose vocabulary covers at least 100 WS353 pairs (wine covers 27), from the
  joint lines of this run (or of an earlier ``--out`` file with ``--replot FILE``).

Run from the repository root (the data live in ../shared/data; the full run takes long on
two cores — IMDB's 23M tokens are trained once per λ plus once for the baseline)::

    PYTHONPATH=src python benchmarks/bench_valuevec2.py --out bench_valuevec2.jsonl \\
        --figure docs/valuevec_tradeoff.png
    PYTHONPATH=src python benchmarks/bench_valuevec2.py --sections colors records
    PYTHONPATH=src python benchmarks/bench_valuevec2.py --sections joint --limit 5000 \\
        --lambdas 0.8 --datasets wine                                   # a quick slice
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
LAMBDAS = (0.6, 0.7, 0.8, 0.9, 0.95)
MIN_WS353_PAIRS = 100  # fewer pairs in the vocabulary: WS353 says nothing (wine: 27)


def emit(rec: dict, out: Path | None) -> None:
    line = json.dumps(
        rec, default=lambda x: None if isinstance(x, float) and math.isnan(x) else float(x)
    )
    print(line, flush=True)
    if out is not None:
        with out.open("a") as f:
            f.write(line + "\n")


def load(name: str, data: Path, limit: int | None, *, joint: bool = False):
    """(frame, text column, value column, value_transform) of one data set."""
    import pandas as pd

    v = data / "values"
    if name == "airbnb":
        df = pd.read_csv(v / "airbnb_barcelona.csv")
        text, value, tr = "name", "price", "auto"
    elif name == "wine":
        df = pd.read_csv(v / "wine_reviews.csv")
        text, value, tr = "description", "price", "auto"
        if not joint:
            df = df.dropna(subset=[value])
    elif name == "imdb":
        df = pd.read_csv(v / "imdb_reviews.tsv.gz", sep="\t")
        text, value, tr = "text", "rating", "auto"
        df["rating"] = df["rating"].where(df["rating"] > 0)  # 0 = unlabelled
        if not joint:
            df = df.dropna(subset=["rating"])
    else:
        raise SystemExit(f"unknown data set {name!r}")
    if limit:
        df = df.sample(n=min(limit, len(df)), random_state=0) if len(df) > limit else df
    return df.reset_index(drop=True), text, value, tr


class CachedTokenizer:
    """The default tokenizer (normalised), remembering each text's tokens."""

    def __init__(self) -> None:
        import wordspace as ws

        self.tok = ws.Tokenizer(normalize=True)
        self.memo: dict[str, list[str]] = {}

    def __call__(self, text: str) -> list[str]:
        got = self.memo.get(text)
        if got is None:
            got = self.memo[text] = self.tok(text)
        return got


def colors(out: Path | None) -> None:
    import wordspace as ws

    df = ws.datasets.color_spectrum(30, seed=42)
    for objective in ("mse", "cosent"):
        ws.ValueVec(objective=objective, epochs=2).fit(
            df, word="keyword", value="estimated_value"
        )  # compile
        t = time.perf_counter()
        vv = ws.ValueVec(objective=objective).fit(df, word="keyword", value="estimated_value")
        sec = time.perf_counter() - t
        emit(
            {
                "section": "colors",
                "objective": objective,
                "spearman": ws.value_alignment(vv.wv)["spearman"],
                "epochs": vv.epochs_trained_,
                "train_seconds": vv.train_seconds_,
                "fit_seconds": sec,
            },
            out,
        )


def records(names: list[str], data: Path, limit: int | None, out: Path | None) -> None:
    import wordspace as ws

    for name in names:
        df, text, value, tr = load(name, data, limit)
        for objective in ("mse", "cosent"):
            t = time.perf_counter()
            vv = ws.ValueVec(objective=objective, value_transform=tr)
            vv.fit(df, text=text, value=value)
            sec = time.perf_counter() - t
            emit(
                {
                    "section": "records",
                    "dataset": name,
                    "objective": objective,
                    "records": len(df),
                    "words": len(vv.wv),
                    "pairs": len(vv.pairs_),
                    "spearman": ws.value_alignment(vv.wv)["spearman"],
                    "epochs": vv.epochs_trained_,
                    "train_seconds": vv.train_seconds_,
                    "fit_seconds": sec,
                },
                out,
            )


DEFAULT_TABLES = (
    ("airbnb_barcelona.csv", "name", "price"),
    ("airbnb_dc.csv", "name", "price"),
    ("car_prices.csv", "name", "selling_price"),
    ("salaries.csv", "Job Title", "Salary"),
    ("wine_reviews.csv", "description", "points"),
    ("wine_reviews.csv", "description", "price"),
    ("imdb_reviews.tsv.gz", "text", "rating"),
)


def defaults(data: Path, out: Path | None) -> None:
    """Records at defaults on every value table: ``ValueVec().fit(df, text=, value=)``."""
    import pandas as pd

    import wordspace as ws

    for fname, text, value in DEFAULT_TABLES:
        df = pd.read_csv(data / "values" / fname, sep="\t" if ".tsv" in fname else ",")
        if fname.startswith("imdb"):
            df = df[df["rating"] > 0]  # 0 = unlabelled
        df = df.dropna(subset=[value])
        t = time.perf_counter()
        vv = ws.ValueVec().fit(df, text=text, value=value)
        emit(
            {
                "section": "defaults",
                "table": fname,
                "text": text,
                "value": value,
                "records": len(df),
                "words": len(vv.wv),
                "value_transform": vv.value_transform_,
                "alignment": vv.alignment()["spearman"],
                "epochs": vv.epochs_trained_,
                "fit_seconds": time.perf_counter() - t,
            },
            out,
        )


def pretrained(data: Path, seeds: list[int], out: Path | None) -> None:
    """A value block on GloVe-50 from word values alone, against probes on GloVe alone."""
    import pandas as pd
    from scipy.stats import spearmanr

    import wordspace as ws
    from wordspace.train.valuevec.probe import predict_from_vectors
    from wordspace.train.valuevec.values import records_to_word_values

    glove = ws.load("glove-wiki-gigaword-50")
    unit = glove.get_normed_vectors()
    for fname, text, value in DEFAULT_TABLES:
        df = pd.read_csv(data / "values" / fname, sep="\t" if ".tsv" in fname else ",")
        if fname.startswith("imdb"):
            df = df[df["rating"] > 0]
        df = df.dropna(subset=[value])
        wvals = records_to_word_values(
            df[text].tolist(), df[value], value_transform="auto", column=value
        )
        wvals = wvals[wvals["word"].isin(glove.key_to_index)].reset_index(drop=True)
        words = wvals["word"].to_numpy(object)
        vals = wvals["value"].to_numpy(np.float64)
        for seed in seeds:
            perm = np.random.default_rng(seed).permutation(len(words))
            n_test = int(round(0.2 * len(words)))
            test, train = perm[:n_test], perm[n_test:]
            t = time.perf_counter()
            vv = ws.ValueVec(value_transform=None, seed=42 + seed).fit(
                dict(zip(words[train], vals[train], strict=True)), vectors=glove
            )
            fit_s = time.perf_counter() - t
            rec = {
                "section": "pretrained",
                "table": fname,
                "value": value,
                "value_transform": wvals.attrs.get("value_transform"),
                "seed": seed,
                "words": len(words),
                "n_test": n_test,
                "alignment": vv.alignment()["spearman"],
                "fit_seconds": fit_s,
            }
            for how in ("knn", "ridge"):
                pred = vv.predict_value(list(words[test]), predictor=how)
                rec[f"valuevec_{how}"] = float(spearmanr(pred, vals[test]).statistic)
                rows = np.array([glove.key_to_index[w] for w in words[train]])
                idx = np.array([glove.key_to_index[w] for w in words[test]])
                base = predict_from_vectors(unit, rows, vals[train], idx, how, 10, 1.0)
                rec[f"glove_{how}"] = float(spearmanr(base, vals[test]).statistic)
            rec["gain"] = max(rec["valuevec_knn"], rec["valuevec_ridge"]) - max(
                rec["glove_knn"], rec["glove_ridge"]
            )
            emit(rec, out)


def _propagate(unit: np.ndarray, rows: np.ndarray, vals: np.ndarray, k: int = 10, rounds: int = 30):
    n = len(unit)
    nb = np.empty((n, k), np.int64)
    wt = np.empty((n, k))
    for s in range(0, n, 2048):
        sims = unit[s : s + 2048] @ unit.T
        sims[np.arange(sims.shape[0]), np.arange(s, s + sims.shape[0])] = -np.inf
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        nb[s : s + 2048] = top
        wt[s : s + 2048] = np.clip(np.take_along_axis(sims, top, 1), 0, None)
    f = np.full(n, vals.mean())
    f[rows] = vals
    clamp = np.zeros(n, bool)
    clamp[rows] = True
    tot = np.where(wt.sum(1) > 0, wt.sum(1), 1.0)
    for _ in range(rounds):
        f = np.where(clamp, f, (wt * f[nb]).sum(1) / tot)
    return f


def propagation(names: list[str], data: Path, seeds: list[int], out: Path | None) -> None:
    """Label propagation on the joint vectors vs their k-NN and ridge probes."""
    from scipy.stats import spearmanr

    import wordspace as ws
    from wordspace.train.valuevec.values import records_to_word_values

    for name in names:
        df, text, value, tr = load(name, data, None, joint=True)
        tok = CachedTokenizer()
        has = df[value].notna().to_numpy()
        wvals = records_to_word_values(
            df[text][has].tolist(), df[value][has], tokenizer=tok, value_transform=tr
        )
        truth = dict(zip(wvals["word"], wvals["value"], strict=True))
        for seed in seeds:
            est = ws.ValueVec(semantic_weight=0.8, tokenizer=tok, workers=1)
            r = ws.evaluate.value_holdout(
                est, df, text=text, value=value, seed=seed, baselines=False, return_models=True
            )
            joint = r["models"][0]
            rows, vals = joint._valued()
            f = _propagate(joint.wv.get_normed_vectors().astype(np.float64), rows, vals)
            valued = set(joint.pairs_.words)
            test = [w for w in joint.wv.index_to_key if w in truth and w not in valued]
            idx = np.array([joint.wv.key_to_index[w] for w in test])
            emit(
                {
                    "section": "propagation",
                    "dataset": name,
                    "seed": seed,
                    "n_test": len(test),
                    "joint_knn": r["probes"]["knn"]["spearman"],
                    "joint_ridge": r["probes"]["ridge"]["spearman"],
                    "joint_propagation": float(
                        spearmanr(f[idx], [truth[w] for w in test]).statistic
                    ),
                },
                out,
            )


def similarity(wv, data: Path) -> dict:
    import wordspace as ws

    res = {}
    for key, fname in (("ws353", "wordsim353.tsv"), ("simlex", "simlex999.txt")):
        r = ws.evaluate_word_pairs(wv, data / "eval" / fname)
        res[key] = r.spearman[0]
        res[f"{key}_pairs"] = r.n_pairs - r.n_oov
    return res


def joint(
    names: list[str],
    data: Path,
    limit: int | None,
    lambdas: list[float],
    args: argparse.Namespace,
    out: Path | None,
) -> list[dict]:
    import wordspace as ws

    lines = []
    for name in names:
        df, text, value, tr = load(name, data, limit, joint=True)
        tokenizer = CachedTokenizer()  # every λ (and the baseline) splits the same texts
        for seed, lam in [(s, x) for s in args.seeds for x in lambdas]:
            if lam == lambdas[0]:
                base = None  # one baseline per seed
            extra = {} if args.vector_size is None else {"vector_size": args.vector_size}
            est = ws.ValueVec(
                semantic_weight=lam,
                value_transform=tr,
                tokenizer=tokenizer,
                text_epochs=args.text_epochs,
                workers=args.workers,
                predictor=args.predictor,
                objective=args.objective,
                **extra,
            )
            r = ws.evaluate.value_holdout(
                est,
                df,
                text=text,
                value=value,
                seed=seed,
                baselines=base is None,
                return_models=True,
            )
            models = r.pop("models")
            if base is None:
                plain = models[1]
                base = {
                    "word2vec": r["word2vec"],
                    "baselines": r["baselines"],
                    "strongest": r["strongest"],
                    "mean": r["mean"],
                    "word2vec_similarity": similarity(plain.wv, data),
                    "word2vec_alignment": plain.alignment()["spearman"],
                    "word2vec_alignment_full": plain.alignment(full=True)["spearman"],
                }
            rec = {
                "section": "joint",
                "dataset": name,
                "semantic_weight": lam,
                "seed": seed,
                "vector_size": est.vector_size,
                "value_size": models[0]._value_slice().stop - models[0]._value_slice().start,
                "objective": models[0].objective_,
                "alpha": models[0].alpha_,
                "value_epochs": models[0].value_epochs_,
                "records": len(df),
                "records_with_value": int(df[value].notna().sum()),
                "vocabulary": len(models[0].wv),
                **r,
                **base,
                "similarity": similarity(models[0].wv, data),
                "gain_over_word2vec": r["spearman"] - base["word2vec"]["spearman"],
                "gain": r["spearman"] - base["strongest"]["spearman"],
                "gain_best_probe": max(p["spearman"] for p in r["probes"].values())
                - base["strongest"]["spearman"],
            }
            emit(rec, out)
            lines.append(rec)
    return lines


def figure(lines: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    first = min(x.get("seed", 0) for x in lines) if lines else 0
    lines = [x for x in lines if x.get("seed", 0) == first]  # one run per λ
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for name in sorted({x["dataset"] for x in lines}):
        pairs = min(x["similarity"]["ws353_pairs"] for x in lines if x["dataset"] == name)
        if pairs < MIN_WS353_PAIRS:
            print(
                f"figure: {name} left out, its vocabulary covers only {pairs} WS353 pairs",
                file=sys.stderr,
            )
            continue
        pts = sorted((x for x in lines if x["dataset"] == name), key=lambda x: x["semantic_weight"])
        xs = [p["similarity"]["ws353"] for p in pts]
        ys = [p["spearman"] for p in pts]
        (ln,) = ax.plot(xs, ys, "o-", label=f"{name}: joint, λ = semantic_weight")
        for p, x, y in zip(pts, xs, ys, strict=True):
            ax.annotate(
                f"{p['semantic_weight']:g}",
                (x, y),
                textcoords="offset points",
                xytext=(4, 4),
                fontsize=8,
            )
        b = pts[0]
        ax.plot(
            [b["word2vec_similarity"]["ws353"]],
            [b["word2vec"]["spearman"]],
            "s",
            color=ln.get_color(),
            label=f"{name}: plain word2vec (λ = 1)",
        )
    ax.set_xlabel("WordSim353 Spearman (meaning kept)")
    ax.set_ylabel("held-out value Spearman (20 % of words hidden)")
    ax.set_title("ValueVec joint training: value vs meaning over λ")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    print(f"wrote {path}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sections",
        nargs="+",
        default=["colors", "records", "joint"],
        choices=["colors", "records", "joint", "defaults", "pretrained", "propagation"],
    )
    ap.add_argument(
        "--datasets", nargs="+", default=None, help="records: airbnb imdb wine; joint: imdb wine"
    )
    ap.add_argument("--lambdas", default=",".join(map(str, LAMBDAS)))
    ap.add_argument("--limit", type=int, default=None, help="sample this many records")
    ap.add_argument("--text-epochs", type=int, default=5)
    ap.add_argument(
        "--seeds",
        default="0",
        help="joint, pretrained: hold-out draws (joint: value_holdout seed s, split and models)",
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--predictor", default="auto", choices=["auto", "knn", "ridge", "text", "text+ridge"]
    )
    ap.add_argument("--objective", default="auto", choices=["auto", "mse", "cosent"])
    ap.add_argument(
        "--vector-size", type=int, default=None, help="joint: vector size (default: ValueVec's)"
    )
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--figure", type=Path, default=None)
    ap.add_argument(
        "--replot",
        type=Path,
        default=None,
        help="draw --figure from the joint lines of an earlier --out file, only",
    )
    args = ap.parse_args()
    if args.replot is not None:
        lines = [json.loads(x) for x in args.replot.read_text().splitlines() if x.strip()]
        figure(
            [x for x in lines if x.get("section") == "joint"],
            args.figure or Path("valuevec_tradeoff.png"),
        )
        return
    lambdas = [float(x) for x in args.lambdas.split(",") if x]
    args.seeds = [int(x) for x in args.seeds.split(",") if x]
    if "colors" in args.sections:
        colors(args.out)
    if "defaults" in args.sections:
        defaults(args.data, args.out)
    if "pretrained" in args.sections:
        pretrained(args.data, args.seeds, args.out)
    if "propagation" in args.sections:
        propagation(args.datasets or ["wine", "airbnb"], args.data, args.seeds, args.out)
    if "records" in args.sections:
        records(args.datasets or ["airbnb", "imdb", "wine"], args.data, args.limit, args.out)
    if "joint" in args.sections:
        lines = joint(
            args.datasets or ["imdb", "wine"], args.data, args.limit, lambdas, args, args.out
        )
        if args.figure is not None and lines:
            figure(lines, args.figure)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
