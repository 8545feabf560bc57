"""Benchmark: the same gensim snippets under real gensim and under wordspace.compat.gensim.

Every snippet below is gensim code with its package written ``PKG``; it runs once with
``PKG = gensim`` in gensim's own venv (a subprocess) and once with
``PKG = wordspace.compat.gensim`` here (also a subprocess), and one JSON line per snippet prints
both results side by side:

- ``docs``: gensim 4.4's ``Word2Vec`` docstring examples (``common_texts``, save/load, train,
  ``most_similar``): types, shapes and counts must be equal;
- ``same_vectors``: one word2vec text file (default: the first ``--vocab`` words of the
  installed GloVe 6B 50-d, exported once) loaded by both; ``evaluate_word_pairs`` on
  WordSim353 and SimLex-999, ``evaluate_word_analogies`` on the Google set
  (restrict_vocab=30000), and queries (``most_similar``, ``most_similar_cosmul``,
  ``doesnt_match``, ``n_similarity``, ``rank``) must give equal figures (``equal`` says
  whether every number agrees to 1e-6 and every list is identical);
- ``train``: ``Word2Vec(LineSentence(corpus), ...)`` with gensim's defaults (CBOW, 5 epochs,
  window 5, negative 5, min_count 5, workers ``--workers``) trained by each side, then its
  analogy accuracy (restrict_vocab=30000) and WordSim353 Spearman; ``within_1_point`` says
  whether the accuracies differ by at most 1 percentage point. Train seconds are shown too;
- ``train_fasttext`` (not run by default): the same with ``FastText`` (``--bucket``).

gensim lives in its own venv, never a project dependency (``--gensim-python``).

Usage:
    python benchmarks/bench_compat_gensim.py [--corpus /tmp/wiki10m.txt] [--quick]
        [--snippets docs,same_vectors,train,train_fasttext] [--workers 2] [--vocab 100000]
        [--bucket 2000000]
        [--gensim-python /work/bench-venvs/gensim/bin/python]
``--quick``: the first 2 MB of the corpus and 20,000 words of vectors (a smoke run).
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

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WORDSPACE_SHARED_DATA", "/work/shared/data"))
EVAL = DATA / "eval"
PKGS = {"gensim": "gensim", "wordspace": "wordspace.compat.gensim"}

SNIPPETS = {
    "docs": """
from PKG.test.utils import common_texts
from PKG.models import Word2Vec, KeyedVectors

model = Word2Vec(sentences=common_texts, vector_size=100, window=5, min_count=1, workers=4)
model.save(os.path.join(TMP, "word2vec.model"))
model = Word2Vec.load(os.path.join(TMP, "word2vec.model"))
ret = model.train([["hello", "world"]], total_examples=1, epochs=1)
vector = model.wv['computer']
sims = model.wv.most_similar('computer', topn=10)
model.wv.save(os.path.join(TMP, "word2vec.wordvectors"))
wv = KeyedVectors.load(os.path.join(TMP, "word2vec.wordvectors"), mmap='r')
sentences = [["cat", "say", "meow"], ["dog", "say", "woof"]]
m2 = Word2Vec(min_count=1)
m2.build_vocab(sentences)
ret2 = m2.train(sentences, total_examples=m2.corpus_count, epochs=m2.epochs)
RESULT = {
    "wv_type": type(model.wv).__name__, "vector_shape": list(vector.shape),
    "vector_dtype": str(vector.dtype), "n_sims": len(sims),
    "sims_types": sorted({type(w).__name__ + "/" + type(float(s)).__name__ for w, s in sims}),
    "vocab": sorted(model.wv.index_to_key), "train_unknown_words": [ret[0]],
    "loaded_type": type(wv).__name__, "loaded_equal": bool((wv['computer'] == vector).all()),
    "corpus_count": m2.corpus_count, "corpus_total_words": m2.corpus_total_words,
    "train_return_raw_words": ret2[1], "first_key": m2.wv.index_to_key[0],
    "count_of_say": int(m2.wv.get_vecattr("say", "count")),
}
""",
    "same_vectors": """
from PKG.models import KeyedVectors

kv = KeyedVectors.load_word2vec_format(VECTORS, binary=False)
RESULT = {"n": len(kv)}
for name, path in PAIRS.items():
    (p, pp), (s, sp), oov = kv.evaluate_word_pairs(path)
    RESULT[name] = {"pearson": float(p), "pearson_p": float(pp), "spearman": float(s),
                    "spearman_p": float(sp), "oov_ratio": float(oov)}
score, sections = kv.evaluate_word_analogies(ANALOGIES, restrict_vocab=30000)
RESULT["analogy"] = {"score": float(score),
                     "sections": [[s["section"], len(s["correct"]), len(s["incorrect"])]
                                  for s in sections]}
RESULT["most_similar"] = [[w, round(float(x), 6)] for w, x in
                          kv.most_similar(positive=["woman", "king"], negative=["man"])]
RESULT["most_similar_cosmul"] = [[w, round(float(x), 6)] for w, x in
                                 kv.most_similar_cosmul(positive=["woman", "king"],
                                                        negative=["man"])]
RESULT["doesnt_match"] = kv.doesnt_match("breakfast cereal dinner lunch".split())
RESULT["similarity"] = round(float(kv.similarity("woman", "man")), 6)
RESULT["n_similarity"] = round(float(kv.n_similarity(["sushi", "shop"],
                                                     ["japanese", "restaurant"])), 6)
RESULT["rank"] = int(kv.rank("king", "queen"))
RESULT["similar_by_word"] = [w for w, _ in kv.similar_by_word("cat")]
""",
    "train": """
from PKG.models import Word2Vec
from PKG.models.word2vec import LineSentence

t0 = time.perf_counter()
model = Word2Vec(LineSentence(CORPUS), min_count=5, workers=WORKERS)
secs = time.perf_counter() - t0
score, _ = model.wv.evaluate_word_analogies(ANALOGIES, restrict_vocab=30000)
ws353 = model.wv.evaluate_word_pairs(PAIRS["wordsim353"])
RESULT = {"seconds": round(secs, 2), "vocab": len(model.wv), "analogy": float(score),
          "wordsim353_spearman": float(ws353[1][0]), "corpus_count": model.corpus_count}
""",
    "train_fasttext": """
from PKG.models import FastText
from PKG.models.word2vec import LineSentence

t0 = time.perf_counter()
model = FastText(LineSentence(CORPUS), min_count=5, workers=WORKERS, bucket=BUCKET)
secs = time.perf_counter() - t0
score, _ = model.wv.evaluate_word_analogies(ANALOGIES, restrict_vocab=30000)
ws353 = model.wv.evaluate_word_pairs(PAIRS["wordsim353"])
RESULT = {"seconds": round(secs, 2), "vocab": len(model.wv), "analogy": float(score),
          "wordsim353_spearman": float(ws353[1][0]), "corpus_count": model.corpus_count}
""",
}


# ------------------------------------------------------------------ one side (a subprocess)
def run_side(side: str, snippet: str, ctx: dict) -> None:
    code = SNIPPETS[snippet].replace("PKG", PKGS[side])
    ns = {"os": os, "time": time, **ctx}
    with tempfile.TemporaryDirectory() as tmp:
        ns["TMP"] = tmp
        try:
            exec(compile(code, f"<{snippet} under {side}>", "exec"), ns)  # noqa: S102
            out = ns["RESULT"]
        except Exception as e:  # noqa: BLE001 - reported side by side
            out = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(out))


def spawn(python: str, side: str, snippet: str, ctx: dict) -> dict:
    env = dict(os.environ)
    if side == "wordspace":
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [
        python,
        str(Path(__file__).resolve()),
        "--side",
        side,
        "--snippet",
        snippet,
        "--ctx",
        json.dumps(ctx),
    ]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        return {"error": p.stderr.strip().splitlines()[-1] if p.stderr else "failed"}
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["_wall_seconds"] = round(time.perf_counter() - t0, 2)
    return res


# ------------------------------------------------------------------ comparison
def same(a, b, tol: float = 1e-6) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        keys = (set(a) | set(b)) - {"_wall_seconds"}
        return all(same(a.get(k), b.get(k), tol) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(a)))
        except (TypeError, ValueError):
            return False
    return a == b


def differences(a, b, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted((set(a) | set(b)) - {"_wall_seconds"}):
            out += differences(a.get(k), b.get(k), f"{path}.{k}" if path else k)
        return out
    return [] if same(a, b) else [path]


def export_vectors(n: int, path: Path) -> None:
    import wordspace as ws

    ws.load("glove-wiki-gigaword-50", limit=n).save_word2vec_format(path)


def head_of(corpus: Path, nbytes: int, out: Path) -> Path:
    with open(corpus, "rb") as f, open(out, "wb") as g:
        g.write(f.read(nbytes).rsplit(b" ", 1)[0] + b"\n")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default="/tmp/wiki10m.txt")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--snippets", default="docs,same_vectors,train")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--vocab",
        type=int,
        default=100_000,
        help="words of GloVe 6B 50-d exported for same_vectors",
    )
    ap.add_argument(
        "--bucket", type=int, default=2_000_000, help="FastText n-gram buckets for train_fasttext"
    )
    ap.add_argument(
        "--vectors", default=None, help="a word2vec text file to use for same_vectors instead"
    )
    ap.add_argument("--gensim-python", default="/work/bench-venvs/gensim/bin/python")
    ap.add_argument("--side", choices=sorted(PKGS), help=argparse.SUPPRESS)
    ap.add_argument("--snippet", help=argparse.SUPPRESS)
    ap.add_argument("--ctx", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.side:
        run_side(args.side, args.snippet, json.loads(args.ctx))
        return

    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        corpus = Path(args.corpus)
        if args.quick:
            corpus = head_of(corpus, 2_000_000, tmpd / "corpus.txt")
        vectors = args.vectors
        n_vocab = min(args.vocab, 20_000) if args.quick else args.vocab
        ctx = {
            "CORPUS": str(corpus),
            "WORKERS": args.workers,
            "BUCKET": args.bucket,
            "ANALOGIES": str(EVAL / "questions-words.txt"),
            "PAIRS": {
                "wordsim353": str(EVAL / "wordsim353.tsv"),
                "simlex999": str(EVAL / "simlex999.txt"),
            },
        }
        for snippet in args.snippets.split(","):
            if snippet == "same_vectors" and vectors is None:
                vectors = str(tmpd / "vectors.txt")
                export_vectors(n_vocab, Path(vectors))
            ctx["VECTORS"] = vectors
            res = {
                side: spawn(
                    args.gensim_python if side == "gensim" else sys.executable, side, snippet, ctx
                )
                for side in ("gensim", "wordspace")
            }
            line = {"snippet": snippet, **res}
            g, w = res["gensim"], res["wordspace"]
            if snippet.startswith("train"):
                if "analogy" in g and "analogy" in w:
                    line["analogy_diff_points"] = round(100 * (w["analogy"] - g["analogy"]), 2)
                    line["within_1_point"] = abs(w["analogy"] - g["analogy"]) <= 0.01
            else:
                line["equal"] = same(g, w)
                line["differences"] = differences(g, w)
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
