"""Benchmark: documents as features (issue 35): the two applied examples, measured once.

* classification: ``examples/applied/classify_imdb.py`` (IMDB sentiment, logistic regression on
  TF-IDF, mean / SIF word2vec, mean / SIF GloVe 6B 50d): accuracy and seconds;
* clustering: ``examples/applied/cluster_wine.py`` (k-means on wine reviews labelled by
  variety): adjusted Rand index and seconds.

Prints one JSON line per table, with the settings, the data files' SHA-256, the versions and
the machine's CPU count (seconds on a shared machine vary: quote them with the load).

Usage:
    python benchmarks/bench_docfeatures.py [--data ../shared/data/values] [--n 5000] [--k 5]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "applied"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main() -> None:
    from wordspace.viz.report import versions

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/values")
    ap.add_argument("--n", type=int, default=5000, help="IMDB reviews per split (0: all)")
    ap.add_argument("--unsup", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-imdb", action="store_true")
    a = ap.parse_args()
    data = Path(a.data)
    common = {"versions": versions(), "cpus": os.cpu_count(), "load": os.getloadavg()}
    if not a.skip_imdb:
        imdb = data / "imdb_reviews.tsv.gz"
        t0 = time.perf_counter()
        res = _module("classify_imdb").run(
            str(imdb), n=a.n, unsup=a.unsup, seed=a.seed, epochs=a.epochs
        )
        res.update(
            part="classification",
            data_sha256=sha256(imdb),
            settings=vars(a),
            total_seconds=time.perf_counter() - t0,
            **common,
        )
        print(json.dumps(res), flush=True)
    wine = data / "wine_reviews.csv"
    t0 = time.perf_counter()
    res = _module("cluster_wine").run(str(wine), k=a.k, seed=a.seed)
    res.update(
        part="clustering",
        data_sha256=sha256(wine),
        settings=vars(a),
        total_seconds=time.perf_counter() - t0,
        **common,
    )
    print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
