"""Documents as features, classification: IMDB sentiment with logistic regression on TF-IDF,
mean word2vec, SIF (word2vec) and mean GloVe 6B 50d; accuracy and seconds in one table.

Data: the Large Movie Review Dataset v1.0 (Maas et al. 2011) as one TSV
(``split, label, id, rating, text``; ``split`` train/test as given, ``label`` pos/neg/unsup).
To bound the time, ``--n`` reviews are drawn per split (balanced, seeded; 0: all 25,000).
word2vec (skip-gram, 100 dimensions, 3 epochs) is trained here on the sampled training reviews
(labels unused) plus ``--unsup`` unlabelled reviews; its training time is reported apart. Every
representation sees the same tokens (:data:`wordspace.analysis.textsim.DEFAULT_TOKENIZER`).

    python examples/applied/classify_imdb.py --data ../shared/data/values/imdb_reviews.tsv.gz
"""

from __future__ import annotations

import argparse
import csv
import gzip
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import wordspace as ws
from wordspace.analysis.docfeatures import DocEmbedder
from wordspace.analysis.textsim import DEFAULT_TOKENIZER


def load_imdb(path: str, n: int, unsup: int, seed: int):
    """(train texts, train labels, test texts, test labels, unlabelled texts); ``n`` per split."""
    csv.field_size_limit(sys.maxsize)
    rows: dict[str, list[tuple[str, int]]] = {"train": [], "test": [], "unsup": []}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["label"] == "unsup":
                rows["unsup"].append((r["text"], -1))
            else:
                rows[r["split"]].append((r["text"], int(r["label"] == "pos")))
    rng = np.random.default_rng(seed)
    out = []
    for split in ("train", "test"):
        data = rows[split]
        if n and n < len(data):
            pos = [i for i, (_, y) in enumerate(data) if y == 1]
            neg = [i for i, (_, y) in enumerate(data) if y == 0]
            pick = np.concatenate(
                [rng.choice(pos, n // 2, replace=False), rng.choice(neg, n - n // 2, replace=False)]
            )
            data = [data[i] for i in rng.permutation(pick)]
        out += [[t for t, _ in data], np.array([y for _, y in data])]
    extra = [t for t, _ in rows["unsup"][:unsup]]
    return (*out, extra)


def representations(w2v, glove):
    tok = DEFAULT_TOKENIZER
    return {
        "TF-IDF": DocEmbedder("tfidf", tokenizer=tok),
        "mean word2vec": DocEmbedder("mean", wv=w2v, tokenizer=tok),
        "SIF word2vec": DocEmbedder("sif", wv=w2v, tokenizer=tok),
        "mean GloVe 6B 50d": DocEmbedder("mean", wv=glove, tokenizer=tok),
        "SIF GloVe 6B 50d": DocEmbedder("sif", wv=glove, tokenizer=tok),
    }


def run(data, *, n=5000, unsup=0, seed=0, glove="glove-wiki-gigaword-50", epochs=3, workers=2):
    x_train, y_train, x_test, y_test, extra = load_imdb(data, n, unsup, seed)
    t0 = time.perf_counter()
    sentences = [DEFAULT_TOKENIZER(t) for t in x_train + extra]
    w2v = ws.Word2Vec(
        vector_size=100, sg=1, epochs=epochs, min_count=5, seed=seed, workers=workers
    ).fit(sentences)
    w2v_seconds = time.perf_counter() - t0
    glove_wv = ws.load(glove)
    rows = []
    for name, emb in representations(w2v.wv, glove_wv).items():
        t0 = time.perf_counter()
        a = emb.fit(x_train).transform(x_train)
        b = emb.transform(x_test)
        steps = [LogisticRegression(max_iter=2000)]
        if emb.method != "tfidf":
            steps.insert(0, StandardScaler())
        clf = make_pipeline(*steps).fit(a, y_train)
        acc = float(clf.score(b, y_test))
        rows.append({"representation": name, "accuracy": acc, "seconds": time.perf_counter() - t0})
    return {
        "rows": rows,
        "n_train": len(x_train),
        "n_test": len(x_test),
        "word2vec_sentences": len(sentences),
        "word2vec_seconds": w2v_seconds,
        "word2vec_vocabulary": len(w2v.wv),
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/data/values/imdb_reviews.tsv.gz")
    ap.add_argument("--n", type=int, default=5000, help="reviews per split (0: all)")
    ap.add_argument("--unsup", type=int, default=0, help="unlabelled reviews for word2vec")
    ap.add_argument("--glove", default="glove-wiki-gigaword-50")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    res = run(a.data, n=a.n, unsup=a.unsup, seed=a.seed, glove=a.glove, epochs=a.epochs)
    print(
        f"IMDB: {res['n_train']:,} train / {res['n_test']:,} test reviews; word2vec on "
        f"{res['word2vec_sentences']:,} reviews in {res['word2vec_seconds']:.1f} s"
    )
    print(f"| {'representation':<20} | accuracy | seconds |")
    print(f"|{'-' * 22}|----------|---------|")
    for r in res["rows"]:
        print(f"| {r['representation']:<20} | {r['accuracy']:.4f}   | {r['seconds']:7.1f} |")


if __name__ == "__main__":
    main()
