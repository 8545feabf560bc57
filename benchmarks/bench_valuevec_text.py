"""Text values (ValueVec III): the shrinkage and IDF of the propagation, and the ways to
combine it with vectors, on value_holdout's split (its words, values and draws).

``shrinkage``: propagation alone (no model) at each ``k`` of a grid, with and without IDF
weights: Spearman on the hidden words, and on the training words with their leave-one-out
text values (what ``shrinkage="auto"`` chooses by).
``predictors``: a joint ValueVec and plain skip-gram of the same dimension (``workers=1``,
seeded by the draw) probed with k-NN, ridge, ``text``, ``text+ridge`` and ``text+blend``
(:func:`wordspace.train.valuevec.probe.predict_with_text`) on the whole vectors and, for the
joint model, on its meaning dimensions (the vector without its value block).

    PYTHONPATH=src python benchmarks/bench_valuevec_text.py shrinkage wine --seeds 0,1,2,3,4
    PYTHONPATH=src python benchmarks/bench_valuevec_text.py shrinkage imdb --limit 20000
    PYTHONPATH=src python benchmarks/bench_valuevec_text.py predictors wine --dim 15
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_valuevec2 import DATA, CachedTokenizer, emit, load  # noqa: E402

GRID = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0)


def split_words(name: str, limit: int | None):
    """(tokens of every record, words, values, tokenizer) as value_holdout derives them."""
    from wordspace.train.valuevec.values import records_to_word_values

    df, text, value, tr = load(name, DATA, limit, joint=True)
    tok = CachedTokenizer()
    tokens = [tok(t) if isinstance(t, str) else [] for t in df[text].tolist()]
    has = df[value].notna().to_numpy()
    wv = records_to_word_values(
        df[text][has].tolist(),
        df[value][has],
        tokenizer=tok,
        prior_weight=10.0,
        min_count=5,
        value_transform=tr,
        column=value,
        tokens=[t for t, h in zip(tokens, has, strict=True) if h],
    )
    return tokens, wv["word"].to_numpy(object), wv["value"].to_numpy(np.float64), tok


def draw(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    perm = np.random.default_rng(seed).permutation(n)
    n_test = max(1, int(round(0.2 * n)))
    return perm[n_test:], perm[:n_test]


def shrinkage(args: argparse.Namespace) -> None:
    from scipy.stats import spearmanr

    from wordspace.text.corpus import as_corpus
    from wordspace.text.vocab import Vocabulary
    from wordspace.train.valuevec.propagation import incidence, text_values

    tokens, words, vals, _ = split_words(args.dataset, args.limit)
    corp = as_corpus(tokens)
    vocab = Vocabulary.build(corp, 5)
    ids, starts = corp.to_ids(vocab)
    docs = incidence(ids, starts, len(vocab))
    k2i = vocab.key_to_index
    for seed in args.seeds:
        train, test = draw(len(words), seed)
        train = np.array([i for i in train if words[i] in k2i])
        test = np.array([i for i in test if words[i] in k2i])
        rows = np.array([k2i[words[i]] for i in train])
        te = np.array([k2i[words[i]] for i in test])
        rec = {"section": "shrinkage", "dataset": args.dataset, "limit": args.limit, "seed": seed}
        for idf in (False, True):
            for k in GRID:
                t, _ = text_values(docs, rows, vals[train], shrinkage=k, idf=idf)
                ok, ok_r = np.isfinite(t[te]), np.isfinite(t[rows])
                tag = f"idf{int(idf)}_k{k:g}"
                rec[tag] = float(spearmanr(t[te][ok], vals[test][ok]).statistic)
                rec[tag + "_loo_train"] = float(
                    spearmanr(t[rows][ok_r], vals[train][ok_r]).statistic
                )
        rec["auto_k"] = text_values(docs, rows, vals[train])[1]
        emit(rec, args.out)


def predictors(args: argparse.Namespace) -> None:
    from scipy.stats import spearmanr

    import wordspace as ws
    from wordspace.train.valuevec.probe import predict_from_vectors, predict_with_text

    tokens, words, vals, tok = split_words(args.dataset, args.limit)
    for seed in args.seeds:
        train, test = draw(len(words), seed)
        known = dict(zip(words[train].tolist(), vals[train].tolist(), strict=True))
        rec = {"section": "predictors", "dataset": args.dataset, "dim": args.dim, "seed": seed}
        for tag, lam in (("joint", args.semantic_weight), ("sg", 1.0)):
            m = ws.ValueVec(
                semantic_weight=lam,
                vector_size=args.dim,
                value_transform=None,
                tokenizer=tok,
                workers=1,
                seed=seed,
            ).fit(known, corpus=tokens)
            kti = m.wv.key_to_index
            tr = [i for i in train if words[i] in kti]
            te = [i for i in test if words[i] in kti]
            rows = np.array([kti[words[i]] for i in tr])
            idx = np.array([kti[words[i]] for i in te])
            feats = {"full": m.wv.get_normed_vectors()}
            if tag == "joint":
                feats["meaning"] = m._meaning_vectors(np.arange(len(m.wv)))
                rec["alignment"] = float(m.alignment()["spearman"])
                rec["k"] = m.text_shrinkage_
            for part, unit in feats.items():
                for how in ("knn", "ridge"):
                    pred = predict_from_vectors(unit, rows, vals[tr], idx, how, 10, 1.0)
                    rec[f"{tag}_{part}_{how}"] = float(spearmanr(pred, vals[te]).statistic)
                for how in ("text", "text+ridge", "text+blend"):
                    pred = predict_with_text(unit, m.text_values_, rows, vals[tr], idx, how, 1.0)
                    rec[f"{tag}_{part}_{how}"] = float(spearmanr(pred, vals[te]).statistic)
        emit(rec, args.out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("section", choices=["shrinkage", "predictors"])
    ap.add_argument("dataset", choices=["wine", "airbnb", "imdb"])
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--dim", type=int, default=15)
    ap.add_argument("--semantic-weight", type=float, default=0.8)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    args.seeds = [int(x) for x in args.seeds.split(",") if x]
    (shrinkage if args.section == "shrinkage" else predictors)(args)


if __name__ == "__main__":
    main()
