"""Benchmark ``wordspace.tune``: word2vec tuned on a Wikipedia prefix, dev vs test halves.

The first ``--mb`` MB of ``--corpus`` (cut at a space) are the training text. The Google
analogy sections, WordSim353 and (when the file exists) SimLex-999 are each cut into a seeded
dev half, which the search optimises, and a test half, which it never looks at. Prints one
JSON line per result:

* ``defaults``: ``Word2Vec()``'s defaults (CBOW, window 5, negative 5, sample 1e-3,
  alpha 0.025, 5 epochs), dev and test scores (and each part);
* ``tuned``: the best trial of ``--trials`` trials of the default Word2Vec search space
  (``wordspace.tune.DEFAULT_SPACES``), run by ``--processes`` processes sharing one SQLite
  study, within ``--timeout`` seconds: its parameters, dev and test scores, and how many
  trials finished / were pruned / failed;
* ``summary``: test gain over the defaults, and the dev gain (a dev gain far above the test
  gain would be overfitting to the dev half);
* ``colours`` (``--colours``, about a minute): on the ValueVec article's 30 colours with 30 %
  of the word pairs held out: the article's grid (dim 10/50/100 x lr 0.01/0.05/0.1, 2000
  epochs, the article's construction) and its chosen run (dim 15, 2000 epochs, lr 0.05), each
  as a grid trial and as a direct refit (equal scores), against ``ValueVec()`` tuned by TPE
  (``--colour-trials``).

Run (from the repository root; the full run takes about ``--timeout`` seconds)::

    PYTHONPATH=src python benchmarks/bench_tune.py                        # 20 MB, 30 trials
    PYTHONPATH=src python benchmarks/bench_tune.py --mb 2 --trials 4 --timeout 120   # a check
    PYTHONPATH=src python benchmarks/bench_tune.py --colours --skip-word2vec
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path("/work/shared/data")


def prefix(src: Path, mb: float, dst: Path) -> Path:
    """The first ``mb`` MB of ``src``, cut back to the last space or newline."""
    n = int(mb * 1_000_000)
    with open(src, "rb") as f:
        data = f.read(n)
    if len(data) == n:
        cut = max(data.rfind(b" "), data.rfind(b"\n"))
        data = data[:cut] if cut > 0 else data
    dst.write_bytes(data + b"\n")
    return dst


def common(args) -> dict:
    eval_data = {}
    metric = "analogy+ws353"
    if args.simlex and Path(args.simlex).is_file():
        eval_data["simlex"] = args.simlex
        metric += "+simlex"
    return dict(
        metric=metric, eval_data=eval_data, seed=args.seed, restrict_vocab=args.restrict_vocab
    )


def child(args) -> None:
    """One worker process: run trials of the shared study until the budget is spent."""
    import optuna

    import wordspace as ws

    # --trials is this process's share; its own sampler seed, so processes do not repeat
    ws.tune(
        ws.Word2Vec(workers=args.threads),
        args.text,
        n_trials=args.trials,
        timeout=args.timeout,
        storage=args.storage,
        study_name="bench",
        sampler=optuna.samplers.TPESampler(seed=args.seed + 1 + args.child_index),
        **common(args),
    )


def colours(args) -> None:
    import wordspace as ws

    df = ws.datasets.color_spectrum()
    kw = dict(word="keyword", value="estimated_value")
    grid = {"vector_size": [10, 50, 100], "alpha": [0.01, 0.05, 0.1]}
    for name, space in (
        ("article_grid", grid),
        ("article_best", {"vector_size": [15], "alpha": [0.05]}),
    ):
        res = ws.tune(
            ws.ValueVec.article(epochs=2000, workers=1),
            df,
            fit_kwargs=kw,
            space=space,
            sampler="grid",
            pruner="none",
            seed=args.seed,
        )
        for t in res.study.trials:
            again = res.refit(t.number)
            direct = res._task.score(again, "dev")
            print(
                json.dumps(
                    {
                        "setting": f"colours_{name}",
                        **t.params,
                        "dev": t.value,
                        "test": t.user_attrs["test"],
                        "refit_dev": direct,
                        "reproduced": direct == t.value,
                    }
                ),
                flush=True,
            )
        if name == "article_best":
            best_article = (res.best_score_, res.best_test_score_)
    t0 = time.perf_counter()
    tuned = ws.tune(
        ws.ValueVec(workers=1), df, fit_kwargs=kw, n_trials=args.colour_trials, seed=args.seed
    )
    print(
        json.dumps(
            {
                "setting": "colours_tuned",
                "params": tuned.best_params_,
                "dev": tuned.best_score_,
                "test": tuned.best_test_score_,
                "article_dev": best_article[0],
                "article_test": best_article[1],
                "beats_article_on_test": tuned.best_test_score_ > best_article[1],
                "trials": len(tuned.trials_),
                "seconds": time.perf_counter() - t0,
            }
        ),
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DATA / "corpus" / "wiki100m.txt")
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--timeout", type=float, default=1200.0)
    ap.add_argument("--processes", type=int, default=2, help="worker processes (one study)")
    ap.add_argument("--threads", type=int, default=1, help="word2vec threads per trial")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--restrict-vocab", type=int, default=30000)
    ap.add_argument("--simlex", default=str(DATA / "eval" / "simlex999.txt"))
    ap.add_argument("--storage", default=None, help="default: a SQLite file in a temp folder")
    ap.add_argument("--colours", action="store_true", help="also the ValueVec colours part")
    ap.add_argument("--colour-trials", type=int, default=50)
    ap.add_argument("--skip-word2vec", action="store_true")
    ap.add_argument("--child-index", type=int, default=-1, help=argparse.SUPPRESS)
    ap.add_argument("--text", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_index >= 0:
        child(args)
        return

    if args.colours:
        colours(args)
    if args.skip_word2vec:
        return

    import optuna

    import wordspace as ws

    with tempfile.TemporaryDirectory(prefix="bench-tune-") as tmp:
        text = prefix(args.corpus, args.mb, Path(tmp) / "corpus.txt")
        storage = args.storage or f"sqlite:///{Path(tmp) / 'tune.db'}"
        t0 = time.perf_counter()
        # the defaults, scored on the same split (a one-point grid; no pruning)
        base = ws.tune(
            ws.Word2Vec(workers=args.threads),
            str(text),
            space={"epochs": [5]},
            sampler="grid",
            pruner="none",
            **common(args),
        )
        d = base.study.best_trial
        print(
            json.dumps(
                {
                    "setting": "defaults",
                    "corpus_mb": args.mb,
                    "dev": d.value,
                    "test": d.user_attrs["test"],
                    "dev_parts": d.user_attrs.get("dev_parts"),
                    "test_parts": d.user_attrs.get("test_parts"),
                    "seconds": d.user_attrs["seconds"],
                }
            ),
            flush=True,
        )
        # make the study (and its split) once, then let the processes share it
        ws.tune(
            ws.Word2Vec(workers=args.threads),
            str(text),
            n_trials=1,
            timeout=args.timeout,
            storage=storage,
            study_name="bench",
            **common(args),
        )
        left = max(1.0, args.timeout - (time.perf_counter() - t0))
        share = -(-(args.trials - 1) // args.processes)  # the first trial made the study
        cmd = [
            sys.executable,
            __file__,
            "--text",
            str(text),
            "--storage",
            storage,
            "--trials",
            str(share),
            "--timeout",
            str(left),
            "--threads",
            str(args.threads),
            "--seed",
            str(args.seed),
            "--restrict-vocab",
            str(args.restrict_vocab),
            "--simlex",
            args.simlex,
        ]
        procs = [
            subprocess.Popen([*cmd, "--child-index", str(i)], env=os.environ.copy())
            for i in range(args.processes)
            if share > 0
        ]
        for p in procs:
            p.wait()
        study = optuna.load_study(study_name="bench", storage=storage)
        states: dict[str, int] = {}
        for t in study.trials:
            states[t.state.name] = states.get(t.state.name, 0) + 1
        b = study.best_trial
        print(
            json.dumps(
                {
                    "setting": "tuned",
                    "trials": len(study.trials),
                    "states": states,
                    "best_trial": b.number,
                    "params": b.params,
                    "dev": b.value,
                    "test": b.user_attrs["test"],
                    "dev_parts": b.user_attrs.get("dev_parts"),
                    "test_parts": b.user_attrs.get("test_parts"),
                    "seconds": b.user_attrs["seconds"],
                    "wall_seconds": time.perf_counter() - t0,
                }
            ),
            flush=True,
        )
        print(
            json.dumps(
                {
                    "setting": "summary",
                    "dev_gain": b.value - d.value,
                    "test_gain": b.user_attrs["test"] - d.user_attrs["test"],
                    "test_improved": b.user_attrs["test"] > d.user_attrs["test"],
                }
            )
        )


if __name__ == "__main__":
    main()
