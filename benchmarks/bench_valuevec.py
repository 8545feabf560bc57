"""Benchmark ValueVec: ours against the `valuevec` 0.1.0 package, and a 1M-word scale run.

Prints one JSON line per setting:

* ``colors``: the article's 30 colours and its exact pairs (window 2, 3 negatives, seed 42),
  dim 15, 2000 epochs, lr 0.05 — seconds and alignment (``wordspace.value_alignment``) for
  valuevec's manual model, its nn model, and ours (``method="averaged"``; also ``"adam"``);
* ``scale``: ``--scale-words`` synthetic words (Gaussian-mixture values), dim 32, 100
  epochs — seconds (pairs, training, total), peak RSS (run in a child process) and alignment.

The valuevec package needs torch; it lives in its own venv, never in the project's::

    python3 -m venv /work/bench-venvs/valuevec
    /work/bench-venvs/valuevec/bin/pip install torch==2.13.0   # CPU wheel
    /work/bench-venvs/valuevec/bin/pip install valuevec==0.1.0 pandas

Run (from the repository root)::

    PYTHONPATH=src python benchmarks/bench_valuevec.py                       # everything
    PYTHONPATH=src python benchmarks/bench_valuevec.py --scale-words 100000  # smaller scale
    PYTHONPATH=src python benchmarks/bench_valuevec.py --skip-compare --scale-method adam

valuevec's models keep their own early stopping (manual: patience 10 checks, as the article)
and its nn model always runs every epoch; the epochs each actually ran are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import peak_rss_mb

RUNNER = r"""
import json, re, sys, time, io, contextlib
import numpy as np, pandas as pd, torch
from manual_model.train import train_model as train_manual
from nn_model.train import train_model as train_nn
pairs_csv, vocab_json, out_dir, dim, epochs, lr, seed, which = sys.argv[1:9]
dim, epochs, lr, seed = int(dim), int(epochs), float(lr), int(seed)
torch.set_num_threads(int(sys.argv[9]))
df = pd.read_csv(pairs_csv)
vocab = json.load(open(vocab_json))
for name, fn in (("manual", train_manual), ("nn", train_nn)):
    if which not in ("both", name):
        continue
    torch.manual_seed(seed)
    buf = io.StringIO()
    t = time.perf_counter()
    with contextlib.redirect_stdout(buf):
        emb, w2i = fn(df, vocab, embedding_dim=dim, num_epochs=epochs, learning_rate=lr)
    sec = time.perf_counter() - t
    m = re.search(r"Early stopping at epoch (\d+)", buf.getvalue())
    ran = int(m.group(1)) if m else epochs
    emb = emb.detach().numpy().astype(np.float32)
    order = [w2i[w] for w in vocab]
    np.save(f"{out_dir}/{name}.npy", emb[order])
    print(json.dumps({"model": name, "seconds": sec, "epochs_run": ran}), flush=True)
"""


def colors(args: argparse.Namespace) -> None:
    import wordspace as ws
    from wordspace.train.valuevec.values import ValuePairs

    rng = random.Random(42)
    df = ws.datasets.color_spectrum(30, 42, rng=rng)
    pairs = ValuePairs.from_values(
        df, word="keyword", value="estimated_value", window=2, negatives=3, seed=rng
    )
    values = np.asarray(pairs.values)

    def align(vectors: np.ndarray) -> dict:
        wv = ws.WordVectors(pairs.words, vectors, extras={"values": values})
        a = ws.value_alignment(wv)
        return {k: round(a[k], 4) for k in ("spearman", "pc1_spearman", "knn_mae")}

    results = []
    for method, lr in (("averaged", args.lr), ("adam", args.adam_lr)):
        kw = dict(
            vector_size=args.dim,
            epochs=args.epochs,
            alpha=lr,
            method=method,
            batch_size=64,
            seed=args.seed,
            workers=args.workers,
        )
        ws.ValueVec(**{**kw, "epochs": 2}).fit(pairs)  # compile (cached after the first run)
        t = time.perf_counter()
        vv = ws.ValueVec(**kw).fit(pairs)
        sec = time.perf_counter() - t
        results.append(
            {
                "model": f"wordspace-{method}",
                "seconds": round(sec, 4),
                "epochs_run": vv.epochs_trained_,
                **align(vv.wv.vectors),
            }
        )
        if method == "averaged":
            ours = results[-1]
    py = Path(args.venv) / "bin" / "python"
    if not py.exists():
        print(
            json.dumps(
                {
                    "bench": "valuevec",
                    "size": "colors",
                    "error": f"{py} missing: create the bench venv (see the docstring)",
                }
            )
        )
    else:
        with tempfile.TemporaryDirectory() as tmp:
            pairs_csv = Path(tmp) / "pairs.csv"
            pairs.to_frame().to_csv(pairs_csv, index=False)
            (Path(tmp) / "vocab.json").write_text(json.dumps(pairs.words))
            (Path(tmp) / "runner.py").write_text(RUNNER)
            cmd = [
                str(py),
                str(Path(tmp) / "runner.py"),
                str(pairs_csv),
                str(Path(tmp) / "vocab.json"),
                tmp,
                str(args.dim),
                str(args.their_epochs or args.epochs),
                str(args.lr),
                str(args.seed),
                args.their_models,
                str(args.workers or os.cpu_count()),
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise SystemExit(f"valuevec runner failed:\n{proc.stderr[-3000:]}")
            for line in proc.stdout.splitlines():
                r = json.loads(line)
                vec = np.load(Path(tmp) / f"{r['model']}.npy")
                results.append(
                    {
                        "model": f"valuevec-{r['model']}",
                        "seconds": round(r["seconds"], 3),
                        "epochs_run": r["epochs_run"],
                        **align(vec),
                    }
                )
    for r in results:
        if r["model"].startswith("valuevec-"):
            r["speedup_of_ours"] = round(r["seconds"] / ours["seconds"], 1)
            r["speedup_per_epoch"] = round(
                (r["seconds"] / r["epochs_run"]) / (ours["seconds"] / ours["epochs_run"]), 1
            )
    print(
        json.dumps(
            {
                "bench": "valuevec",
                "size": "colors",
                "words": pairs.n_words,
                "pairs": len(pairs),
                "dim": args.dim,
                "epochs": args.epochs,
                "lr": args.lr,
                "results": results,
            }
        ),
        flush=True,
    )


def scale_child(args: argparse.Namespace) -> None:
    import wordspace as ws

    t0 = time.perf_counter()
    data = ws.datasets.mixture_values(args.scale_words, n_components=8, seed=args.seed)
    t_data = time.perf_counter() - t0
    vv = ws.ValueVec(
        vector_size=32,
        epochs=args.scale_epochs,
        alpha=args.scale_alpha,
        method=args.scale_method,
        batch_size=args.batch_size,
        seed=args.seed,
        workers=args.workers,
        patience=None,
    )
    t1 = time.perf_counter()
    vv.fit(data, word="word", value="value")
    total = time.perf_counter() - t1
    rss = peak_rss_mb()
    t2 = time.perf_counter()
    a = ws.value_alignment(vv.wv, max_queries=5000)
    print(
        json.dumps(
            {
                "bench": "valuevec",
                "size": "scale",
                "words": args.scale_words,
                "pairs": len(vv.pairs_),
                "dim": 32,
                "epochs": vv.epochs_trained_,
                "method": args.scale_method,
                "alpha": args.scale_alpha,
                "workers": args.workers,
                "data_seconds": round(t_data, 2),
                "pairs_seconds": round(total - vv.train_seconds_, 2),
                "train_seconds": round(vv.train_seconds_, 2),
                "fit_seconds": round(total, 2),
                "peak_rss_mb": round(rss, 1),
                "final_error": round(float(vv.loss_history_[-1]), 4),
                "spearman": round(a["spearman"], 4),
                "pc1_spearman": round(a["pc1_spearman"], 4),
                "knn_mae": round(a["knn_mae"], 4),
                "knn_mae_baseline": round(a["knn_mae_baseline"], 4),
                "alignment_seconds": round(time.perf_counter() - t2, 2),
                "targets": {"fit_under_300s": total < 300, "rss_under_4GiB": rss < 4096},
            }
        ),
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--venv", default="/work/bench-venvs/valuevec")
    ap.add_argument("--dim", type=int, default=15)
    ap.add_argument("--epochs", type=int, default=2000)
    ap.add_argument(
        "--their-epochs",
        type=int,
        default=None,
        help="epochs for the valuevec models (default: --epochs)",
    )
    ap.add_argument("--their-models", choices=("both", "manual", "nn"), default="both")
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--adam-lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--skip-compare", action="store_true")
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--scale-words", type=int, default=1_000_000)
    ap.add_argument("--scale-epochs", type=int, default=100)
    ap.add_argument("--scale-method", choices=("averaged", "adam"), default="averaged")
    ap.add_argument("--scale-alpha", type=float, default=4.0)
    ap.add_argument("--batch-size", type=int, default=4096)
    ap.add_argument(
        "--_scale-child", dest="scale_child", action="store_true", help=argparse.SUPPRESS
    )
    args = ap.parse_args()
    if args.scale_child:
        scale_child(args)
        return
    if not args.skip_compare:
        colors(args)
    if not args.skip_scale:
        argv = [a for a in sys.argv[1:] if a not in ("--skip-compare",)]
        proc = subprocess.run([sys.executable, __file__, *argv, "--_scale-child"], check=False)
        if proc.returncode != 0:
            raise SystemExit(proc.returncode)


if __name__ == "__main__":
    main()
