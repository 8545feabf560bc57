"""Documents as features, clustering: k-means over TF-IDF, mean word2vec, SIF (word2vec) and
mean GloVe 6B 50d on wine reviews labelled by grape variety; adjusted Rand index per
representation (1: the varieties found exactly; 0: chance).

Data: Winemag reviews (``description`` -> ``variety``), the ``--k`` most frequent single
varieties (blends left out). word2vec (skip-gram, 100 dimensions) is trained here on every
description of the file. Rows are l2-normalised before k-means (``n_init=10``, seeded), so the
representations are compared on direction, as cosine similarity does.

    python examples/applied/cluster_wine.py --data ../shared/data/values/wine_reviews.csv
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter

from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import normalize

import wordspace as ws
from wordspace.analysis.docfeatures import DocEmbedder
from wordspace.analysis.textsim import DEFAULT_TOKENIZER


def load_wine(path: str, k: int):
    with open(path, encoding="utf-8", newline="") as f:
        rows = [(r["description"], r["variety"]) for r in csv.DictReader(f) if r["description"]]
    counts = Counter(v for _, v in rows if "blend" not in v.lower())
    keep = [v for v, _ in counts.most_common(k)]
    texts = [t for t, v in rows if v in keep]
    labels = [keep.index(v) for _, v in rows if v in keep]
    return texts, labels, keep, [t for t, _ in rows]


def run(data, *, k=5, seed=0, glove="glove-wiki-gigaword-50", epochs=5, workers=2):
    texts, labels, names, everything = load_wine(data, k)
    t0 = time.perf_counter()
    w2v = ws.Word2Vec(
        vector_size=100, sg=1, epochs=epochs, min_count=3, seed=seed, workers=workers
    ).fit([DEFAULT_TOKENIZER(t) for t in everything])
    w2v_seconds = time.perf_counter() - t0
    glove_wv = ws.load(glove)
    tok = DEFAULT_TOKENIZER
    reps = {
        "TF-IDF": DocEmbedder("tfidf", tokenizer=tok),
        "mean word2vec": DocEmbedder("mean", wv=w2v.wv, tokenizer=tok),
        "SIF word2vec": DocEmbedder("sif", wv=w2v.wv, tokenizer=tok),
        "mean GloVe 6B 50d": DocEmbedder("mean", wv=glove_wv, tokenizer=tok),
        "SIF GloVe 6B 50d": DocEmbedder("sif", wv=glove_wv, tokenizer=tok),
    }
    rows = []
    for name, emb in reps.items():
        t0 = time.perf_counter()
        x = normalize(emb.fit_transform(texts))
        pred = KMeans(n_clusters=len(names), n_init=10, random_state=seed).fit_predict(x)
        rows.append(
            {
                "representation": name,
                "ari": float(adjusted_rand_score(labels, pred)),
                "seconds": time.perf_counter() - t0,
            }
        )
    return {
        "rows": rows,
        "varieties": names,
        "n_docs": len(texts),
        "word2vec_seconds": w2v_seconds,
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/data/values/wine_reviews.csv")
    ap.add_argument("--k", type=int, default=5, help="how many varieties")
    ap.add_argument("--glove", default="glove-wiki-gigaword-50")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    res = run(a.data, k=a.k, seed=a.seed, glove=a.glove)
    print(
        f"{res['n_docs']:,} reviews of {', '.join(res['varieties'])}; word2vec in "
        f"{res['word2vec_seconds']:.1f} s"
    )
    print(f"| {'representation':<20} | ARI    | seconds |")
    print(f"|{'-' * 22}|--------|---------|")
    for r in res["rows"]:
        print(f"| {r['representation']:<20} | {r['ari']:.4f} | {r['seconds']:7.1f} |")


if __name__ == "__main__":
    main()
