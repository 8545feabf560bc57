"""Benchmark: wordspace FastText vs gensim 4.4's FastText vs the official fastText tool.

Every tool is timed for **the whole call a user waits for**: wordspace
``FastText(...).fit(corpus)``, gensim's constructor given the corpus (``FastText(sentences=
LineSentence(corpus), ...)``: vocabulary and training), the official
``fasttext.train_unsupervised``: reading, vocabulary, n-gram hashing, allocation, training and
the final word vectors. Beside it: ``train_s`` (training alone, where the tool reports it:
wordspace's ``train_seconds_``, gensim's ``total_train_time``) and ``other_s`` (the rest of the
call). wordspace's numba kernels are compiled (and cached on disk) by a small warm-up fit in
the same process before the timed call; its time is ``warmup_s``.

Same corpus and settings for all three: the official tool's defaults (skip-gram, dim 100,
window 5, negative 5, minn 3, maxn 6, bucket 2,000,000, min_count 5, t 1e-4, lr 0.05), 1 epoch
(``--epochs``), 2 threads. ``ws_at_defaults`` says whether those are also wordspace's
``FastText()`` defaults (they are; gensim's differ: CBOW, lr 0.025, sample 1e-3, ns_exponent
0.75). One JSON line per run: whole-call seconds, words/s (corpus tokens x epochs / whole-call
seconds), peak RSS (MB, of a fresh subprocess per run, after training), analogy accuracy
(questions-words.txt, restrict_vocab=30000, 3CosAdd as gensim), and WordSim353 and Stanford
Rare Words Spearman with out-of-vocabulary words scored from their n-grams (``oov_words``: how
many distinct words of the set are outside the vocabulary; ``pairs``: pairs scored). With
``--runs N`` the tools alternate (ws, gensim, official, ws, ...) and one ``median`` line per
tool follows; a last line has the ratios (gensim's and the official tool's whole-call time over
wordspace's) and the targets.

``--interop`` instead checks the .bin exchange on a small prefix of the corpus: a model trained
by the official tool, read by wordspace, against its ``get_word_vector`` (in-vocabulary and OOV
words), and a .bin written by wordspace, read by the official tool.

Reference tools live in their own venvs, never project dependencies:
    python3 -m venv /work/bench-venvs/gensim && /work/bench-venvs/gensim/bin/pip install gensim
    python3 -m venv /work/bench-venvs/fasttext && \\
        /work/bench-venvs/fasttext/bin/pip install fasttext-wheel   # or fasttext
Usage:
    python benchmarks/bench_fasttext.py [--corpus PATH] [--workers 2] [--tools ws,gensim,official]
        [--bucket 2000000] [--epochs 1] [--runs N]
    python benchmarks/bench_fasttext.py --interop [--corpus PATH]
    python benchmarks/bench_fasttext.py --kernel-ab OLD.py [--tokens 1000000] [--runs 5]

``--kernel-ab OLD.py`` compares the training kernel alone, in one process: ``OLD.py`` is an
older ``kernels/fasttext.py`` (``git show REV:src/wordspace/kernels/fasttext.py > OLD.py``)
against the current one, on the first ``--tokens`` words of the corpus (the official tool's
defaults, one thread, the same starting matrices each time), alternating old and new; one
untimed round first (it compiles the old file), then ``--runs`` rounds; CPU seconds of the
training call (``time.process_time``, less sensitive to the machine's load than wall time).
Quick check: head -c 2000000 wiki100m.txt > /tmp/wiki2m.txt; --corpus /tmp/wiki2m.txt
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _common import peak_rss_mb as _rss_mb  # noqa: E402
from bench_word2vec import _rank, analogy_accuracy  # noqa: E402

DATA = Path(os.environ.get("WORDSPACE_SHARED_DATA", "/work/shared/data"))
VENVS = Path(os.environ.get("WORDSPACE_BENCH_VENVS", "/work/bench-venvs"))
#: the official tool's defaults (``fasttext skipgram``), except the epochs of the issue's table
PARAMS = {
    "sg": 1,
    "vector_size": 100,
    "window": 5,
    "negative": 5,
    "ns_exponent": 0.5,
    "minn": 3,
    "maxn": 6,
    "bucket": 2_000_000,
    "min_count": 5,
    "sample": 1e-4,
    "alpha": 0.05,
    "epochs": 1,
}
PAIR_SETS = {
    "ws353": DATA / "eval" / "wordsim353.tsv",
    "rw": DATA / "eval" / "RW" / "EN-RW-STANFORD.txt",
}


# ------------------------------------------------------------------ evaluation (numpy only)
def pair_spearman(vector, in_vocab, path):
    """Spearman of cosine vs gold over every pair; OOV words get their n-gram vectors."""
    import numpy as np

    gold, pred, oov, skipped = [], [], set(), 0
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        a, b, s = line.rstrip("\n").split("\t")[:3]
        a, b = a.lower(), b.lower()
        vs = []
        for w in (a, b):
            if not in_vocab(w):
                oov.add(w)
            v = vector(w)
            vs.append(None if v is None else np.asarray(v, dtype=np.float64))
        if any(v is None or not np.any(v) for v in vs):
            skipped += 1
            continue
        gold.append(float(s))
        pred.append(float(vs[0] @ vs[1] / (np.linalg.norm(vs[0]) * np.linalg.norm(vs[1]))))
    rho = float(np.corrcoef(_rank(np.asarray(gold)), _rank(np.asarray(pred)))[0, 1])
    return {
        "spearman": round(rho, 4),
        "pairs": len(gold),
        "skipped": skipped,
        "oov_words": len(oov),
    }


def evaluate(keys, vectors, vector, in_vocab):
    acc, nq = analogy_accuracy(keys, vectors, DATA / "eval" / "questions-words.txt")
    out = {"analogy": round(acc, 4), "analogy_questions": nq}
    for name, path in PAIR_SETS.items():
        out[name] = pair_spearman(vector, in_vocab, path)
    return out


def count_tokens(path):
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            n += len(chunk.split())
    return n  # a word cut at a chunk boundary counts twice: off by < 1 per 16 MB


# ------------------------------------------------------------------ children
def _warm_up(workers):
    """Compile (or load from numba's cache) every kernel a fit uses, on a tiny corpus."""
    from wordspace import FastText

    words = [f"w{i}x" for i in range(40)]
    sents = [[words[(i * 7 + j) % 40] for j in range(12)] for i in range(60)]
    t = time.perf_counter()
    FastText(workers=workers, epochs=1, bucket=1000, min_count=1).fit(sents)
    return time.perf_counter() - t


def child_ws(corpus, p, workers, seed):
    sys.path.insert(0, str(ROOT / "src"))
    from wordspace import FastText

    warm = _warm_up(workers)
    defaults = FastText().get_params()
    at_defaults = all(defaults[k] == v for k, v in p.items() if k not in ("epochs", "bucket"))
    m = FastText(workers=workers, seed=seed, **p)
    t = time.perf_counter()
    m.fit(corpus)
    total = time.perf_counter() - t
    rss = _rss_mb()
    tokens = m.vocab_.total_words
    wv = m.wv
    out = {
        "total_s": total,
        "train_s": m.train_seconds_,
        "other_s": total - m.train_seconds_,
        "warmup_s": warm,
        "ws_at_defaults": at_defaults,
        "tokens": tokens,
        "words_per_s": tokens * p["epochs"] / total,
        "peak_rss_mb": rss,
    }
    n = min(30000, len(wv))
    out.update(
        evaluate(wv.index_to_key[:n], wv.vectors[:n], wv.get_vector, lambda w: w in wv.key_to_index)
    )
    return out


def child_gensim(corpus, p, workers, seed):
    from gensim.models import FastText
    from gensim.models.word2vec import LineSentence

    t = time.perf_counter()
    m = FastText(
        sentences=LineSentence(corpus),
        vector_size=p["vector_size"],
        window=p["window"],
        min_count=p["min_count"],
        sg=p["sg"],
        negative=p["negative"],
        ns_exponent=p["ns_exponent"],
        sample=p["sample"],
        alpha=p["alpha"],
        min_n=p["minn"],
        max_n=p["maxn"],
        bucket=p["bucket"],
        epochs=p["epochs"],
        workers=workers,
        seed=seed,
    )
    total = time.perf_counter() - t
    rss = _rss_mb()
    tokens = m.corpus_total_words
    tt = float(m.total_train_time)
    out = {
        "total_s": total,
        "train_s": tt,
        "other_s": total - tt,
        "tokens": tokens,
        "words_per_s": tokens * p["epochs"] / total,
        "peak_rss_mb": rss,
    }
    wv = m.wv
    n = min(30000, len(wv))
    out.update(
        evaluate(
            list(wv.index_to_key[:n]),
            wv.vectors[:n],
            lambda w: wv[w],
            lambda w: w in wv.key_to_index,
        )
    )
    return out


def child_official(corpus, p, workers, seed):
    import fasttext
    import numpy as np

    t = time.perf_counter()
    m = fasttext.train_unsupervised(
        corpus,
        model="skipgram" if p["sg"] else "cbow",
        dim=p["vector_size"],
        ws=p["window"],
        neg=p["negative"],
        minn=p["minn"],
        maxn=p["maxn"],
        bucket=p["bucket"],
        minCount=p["min_count"],
        t=p["sample"],
        lr=p["alpha"],
        epoch=p["epochs"],
        thread=workers,
        verbose=0,
    )
    total = time.perf_counter() - t
    rss = _rss_mb()
    tokens = count_tokens(corpus)
    out = {
        "total_s": total,
        "tokens": tokens,
        "words_per_s": tokens * p["epochs"] / total,
        "peak_rss_mb": rss,
    }
    words = [w for w in m.words if w != "</s>"]
    vocab = set(words)
    n = min(30000, len(words))
    vecs = np.vstack([m.get_word_vector(w) for w in words[:n]])
    out.update(evaluate(words[:n], vecs, m.get_word_vector, lambda w: w in vocab))
    return out


CHILDREN = {"ws": child_ws, "gensim": child_gensim, "official": child_official}


def interop(corpus):
    """Official .bin -> wordspace, and wordspace .bin -> official (run in the official venv
    for the second half)."""
    sys.path.insert(0, str(ROOT / "src"))
    import numpy as np

    from wordspace import FastText
    from wordspace.io.fasttext_bin import load_facebook_vectors

    py = str(VENVS / "fasttext" / "bin" / "python")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        queries = [
            "anarchism",
            "philosophy",
            "the",
            "lernraum",
            "tehnology",
            "xqzv",
            "anarchisms",
            "philosopy",
        ]
        script = (
            "import fasttext, json, sys\n"
            "m = fasttext.train_unsupervised(sys.argv[1], model='skipgram', dim=20, minn=3,"
            " maxn=6, bucket=5000, epoch=1, minCount=2, thread=1, verbose=0)\n"
            "m.save_model(sys.argv[2])\n"
            "q = json.loads(sys.argv[3]) + m.words[:200]\n"
            "print(json.dumps({w: [float(x) for x in m.get_word_vector(w)] for w in q}))\n"
        )
        r = subprocess.run(
            [py, "-c", script, corpus, f"{tmp}/off.bin", json.dumps(queries)],
            capture_output=True,
            text=True,
            check=True,
        )
        expect = json.loads(r.stdout.strip().splitlines()[-1])
        wv = load_facebook_vectors(f"{tmp}/off.bin")
        diffs = {w: float(np.abs(wv[w] - np.asarray(v)).max()) for w, v in expect.items()}
        oov = [w for w in expect if w not in wv.key_to_index]
        out["official_to_ws"] = {
            "max_abs_diff": max(diffs.values()),
            "words": len(diffs),
            "oov_words": len(oov),
            "max_abs_diff_oov": max(diffs[w] for w in oov),
        }
        m = FastText(
            vector_size=20, minn=3, maxn=6, bucket=5000, epochs=1, min_count=2, sg=1, workers=1
        ).fit(corpus)
        m.save_facebook_model(f"{tmp}/ws.bin")
        ours = {w: m.wv[w].tolist() for w in queries + m.wv.index_to_key[:200]}
        script = (
            "import fasttext, json, sys\n"
            "import numpy as np\n"
            "m = fasttext.load_model(sys.argv[1])\n"
            "exp = json.load(open(sys.argv[2]))\n"
            "print(json.dumps(max(float(np.abs(m.get_word_vector(w) - np.array(v)).max())"
            " for w, v in exp.items())))\n"
        )
        Path(f"{tmp}/ours.json").write_text(json.dumps(ours))
        r = subprocess.run(
            [py, "-c", script, f"{tmp}/ws.bin", f"{tmp}/ours.json"],
            capture_output=True,
            text=True,
            check=True,
        )
        out["ws_to_official"] = {
            "max_abs_diff": float(r.stdout.strip().splitlines()[-1]),
            "words": len(ours),
        }
    out["ok"] = (
        out["official_to_ws"]["max_abs_diff"] <= 1e-5
        and out["ws_to_official"]["max_abs_diff"] <= 1e-5
    )
    return out


def run_child(python, tool, corpus, params, workers, seed):
    cmd = [
        python,
        str(Path(__file__).resolve()),
        "--_child",
        tool,
        "--corpus",
        corpus,
        "--params",
        json.dumps(params),
        "--workers",
        str(workers),
        "--seed",
        str(seed),
    ]
    env = dict(os.environ, NUMBA_NUM_THREADS=str(workers))
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"{tool} run failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def kernel_ab(corpus: str, old_path: str, tokens: int, rounds: int, seed: int) -> dict:
    """One-thread CPU time of skip-gram training: an old ``kernels/fasttext.py`` against the
    current one, alternating, on the same ids and starting matrices (see ``--kernel-ab``)."""
    import importlib.util
    import shutil

    import numpy as np

    import wordspace.kernels.fasttext as kft
    from wordspace.train import word2vec as w2v
    from wordspace.train.fasttext import FastText

    with tempfile.TemporaryDirectory() as tmp:  # a fresh path: numba compiles it anew
        path = shutil.copy(old_path, os.path.join(tmp, "old_fasttext_kernel.py"))
        spec = importlib.util.spec_from_file_location("old_fasttext_kernel", path)
        assert spec is not None and spec.loader is not None
        old = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(old)
        got: dict = {}
        run_epochs = w2v.Word2Vec._run_epochs
        w2v.Word2Vec._run_epochs = lambda self, ids, starts, job, *a, **k: got.update(
            ids=ids, starts=starts, job=job
        )
        try:
            params = {k: v for k, v in PARAMS.items() if k != "epochs"}
            model = FastText(**params, epochs=1, workers=1, seed=seed).fit(corpus)
        finally:
            w2v.Word2Vec._run_epochs = run_epochs
        ids, starts, job = got["ids"], got["starts"], got["job"]
        s1 = max(1, int(np.searchsorted(starts, min(tokens, len(ids)))))
        wi0, wo0 = model.wi_.copy(), model.syn1neg_.copy()
        new = kft.train_job
        schedule = (PARAMS["alpha"], PARAMS["alpha"] - 0.0001, 0, float(len(ids)))
        cpu: dict[str, list[float]] = {"old": [], "new": []}
        try:
            for r in range(rounds + 1):
                for name, fn in (("old", old.train_job), ("new", new)):
                    model.wi_[:] = wi0
                    model.syn1neg_[:] = wo0
                    kft.train_job = fn  # the trainer's job looks the kernel up at each call
                    c0 = time.process_time()
                    job(0, s1, schedule, np.uint64(seed))
                    if r > 0:
                        cpu[name].append(round(time.process_time() - c0, 3))
        finally:
            kft.train_job = new
    med = {k: statistics.median(v) for k, v in cpu.items()}
    return {
        "kernel_ab": {"old": old_path, "tokens": int(starts[s1]), "rounds": rounds},
        "cpu_s_old": cpu["old"],
        "cpu_s_new": cpu["new"],
        "median_old": med["old"],
        "median_new": med["new"],
        "new_over_old": round(med["new"] / med["old"], 3),
    }


def _rounded(d):
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in d.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=str(DATA / "corpus" / "wiki100m.txt"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tools", default="ws,gensim,official")
    ap.add_argument("--bucket", type=int, default=PARAMS["bucket"])
    ap.add_argument("--epochs", type=int, default=PARAMS["epochs"])
    ap.add_argument("--runs", type=int, default=1, help="runs per tool (alternating); medians")
    ap.add_argument("--interop", action="store_true")
    ap.add_argument("--kernel-ab", default=None, metavar="OLD.py")
    ap.add_argument("--tokens", type=int, default=1_000_000, help="--kernel-ab's corpus prefix")
    ap.add_argument("--params", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--_child", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._child:
        print(json.dumps(CHILDREN[a._child](a.corpus, json.loads(a.params), a.workers, a.seed)))
        return
    if a.kernel_ab:
        rounds = a.runs if a.runs > 1 else 5
        print(json.dumps(kernel_ab(a.corpus, a.kernel_ab, a.tokens, rounds, a.seed)), flush=True)
        return
    if a.interop:
        print(json.dumps({"interop": interop(a.corpus), "corpus": a.corpus}), flush=True)
        return
    params = dict(PARAMS, bucket=a.bucket, epochs=a.epochs)
    pythons = {
        "ws": sys.executable,
        "gensim": str(VENVS / "gensim" / "bin" / "python"),
        "official": str(VENVS / "fasttext" / "bin" / "python"),
    }
    tools = [t.strip() for t in a.tools.split(",") if t.strip()]
    for tool in tools:
        if tool not in CHILDREN:
            sys.exit(f"unknown tool {tool!r}; choose from {', '.join(CHILDREN)}")
    head = {"params": params, "corpus": a.corpus, "workers": a.workers}
    raw: dict[str, list[dict]] = {t: [] for t in tools}
    for run in range(a.runs):  # alternate the tools: the load is shared alike
        for tool in tools:
            res = _rounded(run_child(pythons[tool], tool, a.corpus, params, a.workers, a.seed))
            raw[tool].append(res)
            print(json.dumps({"tool": tool, "run": run + 1, **head, **res}), flush=True)
    results = {t: _median_run(rs) for t, rs in raw.items()}
    if a.runs > 1:
        for tool, res in results.items():
            print(json.dumps({"tool": tool, "median_of": a.runs, **head, **res}), flush=True)
    if "ws" in results and len(results) > 1:
        ws = results["ws"]
        ratios = {}
        for other in ("gensim", "official"):
            if other in results:
                o = results[other]
                ratios[other] = {
                    "whole_call_speedup": round(o["total_s"] / ws["total_s"], 3),
                    "peak_rss": round(ws["peak_rss_mb"] / o["peak_rss_mb"], 3),
                    "analogy_diff": round(ws["analogy"] - o["analogy"], 4),
                    "ws353_diff": round(ws["ws353"]["spearman"] - o["ws353"]["spearman"], 4),
                    "rw_diff": round(ws["rw"]["spearman"] - o["rw"]["spearman"], 4),
                }
        targets = {
            "whole_call_3x_gensim": ratios.get("gensim", {}).get("whole_call_speedup", 0) >= 3,
            "peak_rss_le_gensim": ratios.get("gensim", {}).get("peak_rss", 9) <= 1,
        }
        if "official" in ratios:
            r = ratios["official"]
            targets["quality_within_0.01_of_official"] = all(
                r[k] >= -0.01 for k in ("analogy_diff", "ws353_diff", "rw_diff")
            )
        print(json.dumps({"ratios": ratios, "targets": targets}), flush=True)


def _median_run(runs):
    """Medians of the numeric fields (nested dicts too) over runs; the raw whole-call times."""

    def med(vals):
        if isinstance(vals[0], dict):
            return {k: med([v[k] for v in vals]) for k in vals[0]}
        if isinstance(vals[0], int | float) and not isinstance(vals[0], bool):
            return round(statistics.median(vals), 4)
        return vals[0]

    out = {k: med([r[k] for r in runs]) for k in runs[0]}
    if len(runs) > 1:
        out["total_s_all"] = [r["total_s"] for r in runs]
    return out


if __name__ == "__main__":
    main()
