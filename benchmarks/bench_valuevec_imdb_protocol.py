"""Issue 36's own IMDB protocol, written apart from ``value_holdout``: joint ValueVec against
plain skip-gram-100 and CBOW-100 on the same text, both probes (k-NN, ridge).

Reviews tokenised with ``re.findall(r"[a-z']+", text.lower())``; a word's value is the shrunk
mean rating of the rated reviews that contain it, ``(Σ ratings + 10·μ)/(n + 10)`` (``μ`` the
mean rating of the rated reviews), for the words in ≥ 20 rated reviews; 20 % of those words,
in sorted order, hidden (``numpy.random.default_rng(seed).permutation``); the joint model gets
every review's text and only the training words' values. ``--limit N``: a sample of N reviews
(``random_state=0``) instead of all 100,000. One JSON line per draw, with seconds per model.

Text values (ValueVec III): every ValueVec fit on text computes each word's value propagated
through the reviews (``text_values_``); the rows ``text`` (propagation alone, no vectors),
``<model>_text+ridge`` and ``<model>_text+blend`` (the text value combined with the joint
or the plain skip-gram vectors, :func:`~wordspace.train.valuevec.probe.predict_with_text`)
come from the same fitted models. ``gain``: the joint vectors' best probe against the best
plain probe (the issue's definition); ``gain_text``: the joint model's best predictor with
text values against the same; ``gain_vs_all``: that against every other row (propagation
alone and skip-gram + text values included).

    PYTHONPATH=src python benchmarks/bench_valuevec_imdb_protocol.py --limit 20000 --seeds 0
    PYTHONPATH=src python benchmarks/bench_valuevec_imdb_protocol.py --seeds 0   # all reviews
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_valuevec2 import DATA, emit  # noqa: E402

WORD = re.compile(r"[a-z']+")


def tokenize(text: str) -> list[str]:
    return WORD.findall(text.lower())


def run(args: argparse.Namespace) -> None:
    import pandas as pd
    from scipy.stats import spearmanr

    import wordspace as ws
    from wordspace.train.valuevec.probe import (
        TEXT_PREDICTORS,
        predict_from_vectors,
        predict_with_text,
    )

    df = pd.read_csv(args.data / "values" / "imdb_reviews.tsv.gz", sep="\t")
    if args.limit and len(df) > args.limit:
        df = df.sample(n=args.limit, random_state=0).reset_index(drop=True)
    tokens = [tokenize(t) if isinstance(t, str) else [] for t in df["text"]]
    rating = df["rating"].to_numpy(np.float64)
    rated = rating > 0
    mu = float(rating[rated].mean())
    tot: dict[str, float] = defaultdict(float)
    cnt: dict[str, int] = defaultdict(int)
    for toks, r in zip(
        (t for t, h in zip(tokens, rated, strict=True) if h), rating[rated], strict=True
    ):
        for w in set(toks):
            tot[w] += r
            cnt[w] += 1
    words = sorted(w for w, n in cnt.items() if n >= args.min_reviews)
    value = np.array([(tot[w] + 10.0 * mu) / (cnt[w] + 10.0) for w in words])
    for seed in args.seeds:
        perm = np.random.default_rng(seed).permutation(len(words))
        n_test = int(round(0.2 * len(words)))
        test, train = perm[:n_test], perm[n_test:]
        train_values = {words[i]: float(value[i]) for i in train}
        rec: dict = {"protocol": "issue36-imdb", "reviews": len(df), "seed": seed}
        rec.update(valued=len(words), hidden=n_test, vector_size=args.dim)
        models = {}
        fitted = {}
        fits = () if args.cbow_only else (("joint", args.semantic_weight), ("sg", 1.0))
        joint = ws.ValueVec(vector_size=args.dim, workers=args.workers, seed=seed)
        for tag, weight in fits:
            t = time.perf_counter()
            m = ws.ValueVec(
                semantic_weight=weight,
                vector_size=args.dim,
                value_transform=None,
                workers=args.workers,
                seed=seed,
            ).fit(train_values, corpus=tokens)
            rec[f"{tag}_seconds"] = time.perf_counter() - t
            models[tag] = m.wv
            fitted[tag] = m
            if tag == "joint":
                rec["alignment"] = float(m.alignment()["spearman"])
                joint = m
            print(f"{tag}: {rec[f'{tag}_seconds']:.0f} s", file=sys.stderr, flush=True)
        if not args.no_cbow:
            t = time.perf_counter()
            models["cbow"] = joint.plain_vectors(tokens, sg=0, vector_size=args.dim)
            rec["cbow_seconds"] = time.perf_counter() - t
        for tag, wv in models.items():
            kti = wv.key_to_index
            tr = [i for i in train if words[i] in kti]
            te = [i for i in test if words[i] in kti]
            rows = np.array([kti[words[i]] for i in tr], np.int64)
            idx = np.array([kti[words[i]] for i in te], np.int64)
            unit = wv.get_normed_vectors()
            for how in ("knn", "ridge"):
                pred = predict_from_vectors(unit, rows, value[tr], idx, how, 10, 1.0)
                rec[f"{tag}_{how}"] = float(spearmanr(pred, value[te]).statistic)
            if tag in fitted:  # a ValueVec: its text values, alone and with the vectors
                text = fitted[tag].text_values_
                rec["text_shrinkage"] = fitted[tag].text_shrinkage_
                for how in TEXT_PREDICTORS:
                    if how == "text" and "text" in rec:
                        continue  # the same for every model of the same text and values
                    pred = predict_with_text(unit, text, rows, value[tr], idx, how, 1.0)
                    key = "text" if how == "text" else f"{tag}_{how}"
                    rec[key] = float(spearmanr(pred, value[te]).statistic)
                rec["text_missing"] = int((~np.isfinite(text[idx])).sum())
                if tag == "joint":  # the meaning dimensions only: the value block has seen
                    # the training words' values, so a probe fitted on them overrates it
                    cut = fitted[tag]._value_slice().start
                    mean = wv.vectors[:, :cut].astype(np.float64)
                    mean /= np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
                    for how in ("ridge", "text+ridge"):
                        pred = (
                            predict_from_vectors(mean, rows, value[tr], idx, how, 10, 1.0)
                            if how == "ridge"
                            else predict_with_text(mean, text, rows, value[tr], idx, how, 1.0)
                        )
                        rec[f"joint_meaning_{how}"] = float(spearmanr(pred, value[te]).statistic)
            ev = ws.evaluate_word_pairs(wv, args.data / "eval" / "wordsim353.tsv")
            rec[f"{tag}_ws353"] = ev.spearman[0]
            rec[f"{tag}_n_test"] = len(te)
        if "joint" in models:
            plain = [rec[f"{m}_{h}"] for m in models if m != "joint" for h in ("knn", "ridge")]
            rec["gain"] = max(rec["joint_knn"], rec["joint_ridge"]) - max(plain)
            with_text = [rec[f"joint_{h}"] for h in TEXT_PREDICTORS[1:] if f"joint_{h}" in rec]
            with_text += [rec.get("joint_meaning_text+ridge", -1.0)]
            if with_text:
                rec["gain_text"] = max(with_text) - max(plain)
                others = (
                    plain
                    + [rec["text"]]
                    + [rec[f"sg_{h}"] for h in TEXT_PREDICTORS[1:] if f"sg_{h}" in rec]
                )
                rec["gain_vs_all"] = max(with_text) - max(others)
        emit(rec, args.out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--semantic-weight", type=float, default=0.8)
    ap.add_argument("--min-reviews", type=int, default=20)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--no-cbow", action="store_true", help="skip CBOW (never the strongest)")
    ap.add_argument("--cbow-only", action="store_true", help="only the CBOW baseline")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    args.seeds = [int(x) for x in args.seeds.split(",") if x]
    run(args)


if __name__ == "__main__":
    main()
