"""Neighbour indexes: recall and speed of every backend tried, against the exact search.

Data (``--data``):

- ``glove50``: GloVe 6B 50d, 400,000 x 50 (extra ``[glove50]``, ``ws.load("glove-wiki-gigaword-50")``;
  ``--limit N``: its N most frequent words).
- ``glove-noise``: ``--rows`` x ``--dim`` float32 (the issue's size is 3,000,000 x 300): GloVe
  vectors mapped into ``--dim`` dimensions plus noise (``glove_noise``: each row a GloVe word's
  vector times a fixed random ``50 x dim`` matrix, plus Gaussian noise of ``--noise`` (0.5)
  times its norm), so the neighbourhoods are those of real embeddings, each word's copies
  included. Reproducible (seeded). Generated once into memory-mapped ``.npy`` files under
  ``--cache`` (the matrix, its unit matrix, the norms), which every process maps read-only.
- ``synthetic``: ``--n`` x ``--dim`` float32 (the issue's size is 3,000,000 x 300) with the
  clustered structure of real embeddings: ``--clusters`` centres drawn from a standard normal,
  each row a centre (chosen with Zipf-like weights, so some clusters are dense) plus Gaussian
  noise of standard deviation 0.6 times the centre's, plus a shared offset (real embeddings
  share a common direction); rows are shuffled by a seeded generator, so a run is reproducible.

The queries are ``--queries`` words drawn (seeded) from the vocabulary; a query word is not its
own neighbour (as ``most_similar``). The exact top-10 (``most_similar_many(exact=True)``) is the
ground truth. Each backend runs in its own process (so its peak RSS is its own) and prints one
JSON line:

- ``recall1``, ``recall10``: the share of the exact top-1 / top-10 found (single queries)
- ``single_qps``, ``single_p50_ms``, ``single_p95_ms``: one query at a time
- ``batch_qps``: all queries in one call (the backend's batch API, all threads)
- ``build_s``: building the index (for IVF-PQ, training included); ``index_mb``: saved size
- ``rss_data_mb``: peak RSS before building (data + unit matrix); ``peak_rss_mb``: after

Backends: ``exact`` (wordspace's fused float32 scan; ``most_similar_many`` for batches),
``ws-exact-f16``, ``ws-exact-int8``, ``ws-hnsw`` (wordspace's index through ``most_similar``,
the user's path), and the libraries through their own APIs: ``usearch-hnsw``, ``faiss-hnsw``,
``faiss-ivfpq``, ``hnswlib``, ``annoy``; ``gensim-annoy`` runs gensim 4.4's ``AnnoyIndexer``
with ``--gensim-python`` (a separate venv holding gensim and annoy). HNSW backends share
``M=16, ef_construction=200, ef=64`` (wordspace's defaults; wordspace's graph stores float16).

    python benchmarks/bench_index.py --data glove50 [--backends exact,ws-hnsw,...]
    python benchmarks/bench_index.py --data glove-noise --rows 3000000 --dim 300 \
        --backends exact,ws-exact-int8,ws-hnsw --gensim-python /work/bench-venvs/gensim/bin/python
    python benchmarks/bench_index.py --alternate exact,ws-exact-int8,ws-hnsw --ef 16,32,64
    python benchmarks/bench_index.py --data glove-noise --rows 300000 --dim 300 \
        --backends "ws-hnsw:dtype=i8" --build-rate 100000,200000,300000
    python benchmarks/bench_index.py --data glove-noise --rows 200000 --dim 300 \
        --backends "ws-hnsw:dtype=f16,ef_construction=64,ef=192,annoy:trees=400,search_k=40000"

A backend may carry parameters after a colon, ``name:key=value,...`` (``ws-hnsw``: ``M``,
``ef_construction``, ``ef``, ``dtype``, ``threads``; ``annoy``: ``trees``, ``search_k``;
``gensim-annoy``: ``trees``); ``annoy`` runs in ``--gensim-python`` too, where annoy is.
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

import numpy as np

ALL = [
    "exact",
    "ws-exact-f16",
    "ws-exact-int8",
    "ws-hnsw",
    "usearch-hnsw",
    "faiss-hnsw",
    "faiss-ivfpq",
    "hnswlib",
    "annoy",
]
M, EFC, EF = 16, 200, 64  # wordspace's defaults (vectors/index.py HNSW_DEFAULTS)


def synthetic(
    n: int, dim: int, clusters: int, seed: int = 0, out: np.ndarray | None = None
) -> np.ndarray:
    """The clustered matrix (see the module docstring), written into ``out`` when given (a
    memory map: the rows are made in blocks of 200,000)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    w = 1.0 / np.arange(1, clusters + 1) ** 0.8
    which = rng.choice(clusters, size=n, p=w / w.sum())
    offset = rng.standard_normal(dim).astype(np.float32) * 0.5
    out = np.empty((n, dim), dtype=np.float32) if out is None else out
    step = 200_000
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        noise = rng.standard_normal((hi - lo, dim), dtype=np.float32) * np.float32(0.6)
        out[lo:hi] = centres[which[lo:hi]] + noise + offset
    return out


def glove_noise(
    n: int, dim: int, noise: float = 0.5, seed: int = 0, out: np.ndarray | None = None
) -> np.ndarray:
    """``n`` x ``dim`` float32 rows with the neighbourhoods of real embeddings: each row is a
    GloVe 6B 50d vector (a word drawn uniformly, with replacement) mapped into ``dim``
    dimensions by one fixed random matrix (``R``: ``50 x dim``, standard normal over
    ``sqrt(50)``, which keeps the GloVe geometry up to a near-isometry), plus Gaussian noise
    of ``noise`` times the row's norm in total (``noise / sqrt(dim)`` a component), which
    fills the other ``dim - 50`` directions and makes the copies of one word differ. Built in
    blocks of 200,000 rows into ``out`` (a memory map) when given, so memory is one block."""
    import wordspace as ws

    base = np.asarray(ws.load("glove-wiki-gigaword-50").vectors, dtype=np.float32)
    rng = np.random.default_rng(seed)
    r = (rng.standard_normal((base.shape[1], dim)) / np.sqrt(base.shape[1])).astype(np.float32)
    which = rng.integers(0, len(base), size=n)
    out = np.empty((n, dim), dtype=np.float32) if out is None else out
    step = 200_000
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        x = base[which[lo:hi]] @ r
        nrm = np.linalg.norm(x, axis=1, keepdims=True)
        z = rng.standard_normal((hi - lo, dim), dtype=np.float32)
        out[lo:hi] = x + z * (nrm * np.float32(noise / np.sqrt(dim)))
    return out


def _cache_dir(args) -> Path:
    return Path(args.cache or Path(tempfile.gettempdir()) / "wordspace-bench-index")


def cached_data(args) -> tuple[np.ndarray, ...]:
    """The generated matrix and its unit matrix, made once into two ``.npy`` files under
    ``--cache`` (default: ``$TMPDIR/wordspace-bench-index``) and memory-mapped read-only by
    every process: the per-backend processes share the pages (one copy in the page cache,
    not two private 3.6 GB copies each at 3,000,000 x 300). Both are written in blocks of
    200,000 rows (memory: one block) under temporary names and renamed into place, so an
    interrupted run leaves no half file that a later one would take for whole."""
    from numpy.lib.format import open_memmap

    from wordspace.vectors.keyed import WordVectors

    if args.data == "glove-noise":
        name = f"glove-noise-{args.n}x{args.dim}-noise{args.noise:g}-seed0"
    else:
        name = f"synthetic-{args.n}x{args.dim}-c{args.clusters}-seed0"
    d = _cache_dir(args)
    data, unit, norms = d / f"{name}.npy", d / f"{name}.unit.npy", d / f"{name}.norms.npy"
    if not (data.is_file() and unit.is_file() and norms.is_file()):
        d.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        tmp = d / f".{name}.{os.getpid()}.npy"
        x = open_memmap(tmp, mode="w+", dtype=np.float32, shape=(args.n, args.dim))
        if args.data == "glove-noise":
            glove_noise(args.n, args.dim, args.noise, out=x)
        else:
            synthetic(args.n, args.dim, args.clusters, out=x)
        x.flush()
        tmpu = d / f".{name}.unit.{os.getpid()}.npy"
        u = open_memmap(tmpu, mode="w+", dtype=np.float32, shape=(args.n, args.dim))
        nrm = np.empty(args.n, dtype=np.float32)
        step = 200_000
        for lo in range(0, args.n, step):
            # wordspace's own normalisation, block by block (row-wise: the same bits as one
            # fill_norms over the whole matrix)
            block = WordVectors([str(i) for i in range(min(step, args.n - lo))], x[lo : lo + step])
            u[lo : lo + step] = block.get_normed_vectors()
            nrm[lo : lo + step] = block.norms
            if len(block.nonfinite_rows):
                raise SystemExit("generated data holds NaN/inf rows")
        u.flush()
        del x, u
        tmpn = d / f".{name}.norms.{os.getpid()}.npy"
        np.save(tmpn, nrm)
        os.replace(tmp, data)
        os.replace(tmpu, unit)
        os.replace(tmpn, norms)
        print(json.dumps({"bench": "index-data", "cache": str(data),
                          "seconds": round(time.perf_counter() - t, 1)}), file=sys.stderr)  # fmt: skip
    # plain arrays over the maps (a np.memmap subclass would wrap every row taken from it)
    return tuple(np.asarray(np.load(f, mmap_mode="r")) for f in (data, unit, norms))


def load_data(args):
    import wordspace as ws
    from wordspace.vectors.keyed import WordVectors

    if args.data == "glove50":
        return ws.load("glove-wiki-gigaword-50", limit=args.limit)
    x, unit, norms = cached_data(args)
    wv = WordVectors([f"w{i}" for i in range(len(x))], x)
    # the norms and unit matrix made once with the data (wordspace's normalisation, checked
    # finite): attached as the model's cache instead of a private copy in every process
    wv._norms, wv._unit = norms, unit
    wv._nonfinite = np.zeros(0, dtype=np.int64)
    return wv


def _variant(b: str) -> tuple[str, dict]:
    """``"ws-hnsw:M=32,dtype=f16"`` -> ``("ws-hnsw", {"M": 32, "dtype": "f16"})``: a backend
    with its parameters (integers where they parse)."""
    name, _, rest = b.partition(":")
    params: dict = {}
    for item in filter(None, rest.split(",")):
        key, _, val = item.partition("=")
        params[key] = int(val) if val.lstrip("-").isdigit() else val
    return name, params


def _split_backends(spec: str) -> list[str]:
    """Backends separated by commas; a ``key=value`` item without a colon belongs to the
    backend before it (``"exact,ws-hnsw:M=32,dtype=f16"`` is two backends)."""
    out: list[str] = []
    for tok in filter(None, spec.split(",")):
        if "=" in tok and ":" not in tok and out:
            out[-1] += "," + tok
        else:
            out.append(tok)
    return out


def _rss() -> float:
    sys.path.insert(0, str(Path(__file__).parent))
    from _common import peak_rss_mb

    return peak_rss_mb()


def run_one(args) -> dict:
    wv = load_data(args)
    unit = wv.get_normed_vectors()
    n, d = unit.shape
    q_idx = np.load(args.queries_file)
    truth = np.load(args.truth_file)
    words = [wv.index_to_key[i] for i in q_idx]
    qv = np.ascontiguousarray(unit[q_idx])
    k = 10
    rec: dict = {"bench": "index", "data": args.data, "n": n, "dim": d, "backend": args.one}
    rec["rss_data_mb"] = round(_rss(), 1)
    tmp = Path(tempfile.mkdtemp(prefix="bench-index-"))
    path = tmp / "index"
    search_one = None
    search_batch = None
    t0 = time.perf_counter()
    b, bparams = _variant(args.one)
    if bparams:
        rec["params"] = bparams
    if b == "exact":
        wv.most_similar(words[0], topn=k)  # compile the kernel
        t0 = time.perf_counter()

        def search_one(i):  # noqa: F811
            return [wv.key_to_index[w] for w, _ in wv.most_similar(words[i], topn=k, exact=True)]

        def search_batch():
            return wv.most_similar_many(words, topn=k, exact=True)

    elif b.startswith("ws-"):
        method = b[3:]
        ix = wv.build_index(method, **bparams)
        rec["build_s"] = round(time.perf_counter() - t0, 2)
        ix.save(path)
        wv.most_similar(words[0], topn=k)  # compile

        def search_one(i):  # noqa: F811
            return [wv.key_to_index[w] for w, _ in wv.most_similar(words[i], topn=k)]

        def search_batch():
            return wv.most_similar_many(words, topn=k)

    elif b == "usearch-hnsw":
        from usearch.index import Index

        ix = Index(
            ndim=d, metric="ip", dtype="f32", connectivity=M, expansion_add=EFC, expansion_search=EF
        )
        ix.add(np.arange(n), unit, threads=0)
        rec["build_s"] = round(time.perf_counter() - t0, 2)
        ix.save(str(path))

        def search_one(i):  # noqa: F811
            return np.asarray(ix.search(qv[i], k + 1, threads=1).keys).tolist()

        def search_batch():
            return ix.search(qv, k + 1, threads=0).keys

    elif b in ("faiss-hnsw", "faiss-ivfpq"):
        import faiss

        if b == "faiss-hnsw":
            ix = faiss.IndexHNSWFlat(d, M, faiss.METRIC_INNER_PRODUCT)
            ix.hnsw.efConstruction = EFC
            ix.add(unit)
            ix.hnsw.efSearch = EF
        else:
            nlist = int(4 * np.sqrt(n))
            msub = next(m for m in (d // 2, d // 4, d // 5, 10, 5, 2, 1) if m and d % m == 0)
            quant = faiss.IndexFlatIP(d)
            base = faiss.IndexIVFPQ(quant, d, nlist, msub, 8, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(1)
            base.train(unit[rng.choice(n, size=min(n, 50 * nlist), replace=False)])
            base.nprobe = 32
            ix = faiss.IndexRefineFlat(base)  # re-ranks 4k candidates with the flat vectors
            ix.k_factor = 4
            ix.add(unit)
            rec["params"] = {"nlist": nlist, "pq_m": msub, "nprobe": 32, "refine": 4}
        rec["build_s"] = round(time.perf_counter() - t0, 2)
        faiss.write_index(ix, str(path))

        def search_one(i):  # noqa: F811
            return ix.search(qv[i : i + 1], k + 1)[1][0].tolist()

        def search_batch():
            return ix.search(qv, k + 1)[1]

    elif b == "hnswlib":
        import hnswlib

        ix = hnswlib.Index(space="ip", dim=d)
        ix.init_index(max_elements=n, ef_construction=EFC, M=M)
        ix.add_items(unit, np.arange(n))
        ix.set_ef(EF)
        rec["build_s"] = round(time.perf_counter() - t0, 2)
        ix.save_index(str(path))

        def search_one(i):  # noqa: F811
            ix.set_num_threads(1)
            return ix.knn_query(qv[i], k + 1)[0][0].tolist()

        def search_batch():
            ix.set_num_threads(os.cpu_count() or 1)
            return ix.knn_query(qv, k + 1)[0]

    elif b == "annoy":
        from annoy import AnnoyIndex

        trees = int(bparams.get("trees", args.annoy_trees))
        search_k = int(bparams.get("search_k", args.annoy_search_k))
        ix = AnnoyIndex(d, "angular")
        for i in range(n):
            ix.add_item(i, unit[i])
        ix.build(trees, n_jobs=-1)
        rec["build_s"] = round(time.perf_counter() - t0, 2)
        rec["params"] = {"n_trees": trees, "search_k": search_k}
        ix.save(str(path))

        def search_one(i):  # noqa: F811
            return ix.get_nns_by_vector(qv[i], k + 1, search_k=search_k)

        def search_batch():
            return [search_one(i) for i in range(len(qv))]

    elif b == "gensim-annoy":
        from gensim.models import KeyedVectors
        from gensim.similarities.annoy import AnnoyIndexer

        kv = KeyedVectors(d)
        kv.add_vectors(wv.index_to_key, np.asarray(wv.vectors))
        t0 = time.perf_counter()
        trees = int(bparams.get("trees", args.annoy_trees))
        ix = AnnoyIndexer(kv, trees)
        rec["build_s"] = round(time.perf_counter() - t0, 2)
        rec["params"] = {"num_trees": trees}
        ix.save(str(path))

        def search_one(i):  # noqa: F811
            r = kv.most_similar(words[i], topn=k + 1, indexer=ix)
            return [kv.key_to_index[w] for w, _ in r]

        def search_batch():
            return [search_one(i) for i in range(len(qv))]

    else:
        raise SystemExit(f"unknown backend {b}")
    size = sum(f.stat().st_size for f in tmp.iterdir()) if path.exists() else 0
    rec["index_mb"] = round(size / 2**20, 1)

    def clean(row, i):
        return [int(x) for x in row if int(x) >= 0 and int(x) != int(q_idx[i])][:k]

    def measure(search_one, nsingle) -> dict:
        found, times = [], []
        for i in range(len(words)):
            t = time.perf_counter()
            r = search_one(i)
            if i < nsingle:
                times.append(time.perf_counter() - t)
            found.append(clean(r, i))
        r1 = np.mean([bool(f) and f[0] == truth[i, 0] for i, f in enumerate(found)])
        r10 = np.mean([len(set(f) & set(truth[i].tolist())) / k for i, f in enumerate(found)])
        return {
            "recall1": round(float(r1), 4),
            "recall10": round(float(r10), 4),
            "single_qps": round(len(times) / sum(times), 1),
            "single_p50_ms": round(1e3 * statistics.median(times), 3),
            "single_p95_ms": round(1e3 * float(np.percentile(times, 95)), 3),
        }

    nsingle = len(words) if b not in ("exact",) else min(len(words), args.exact_single)
    rec.update(measure(search_one, nsingle))
    # query-time settings swept over the same build: one line each (bench "index-sweep")
    sweeps = []
    default_ef = wv.index.params["ef"] if b == "ws-hnsw" else None
    if b == "ws-hnsw" and args.sweep_ef:
        for ef in [int(x) for x in args.sweep_ef.split(",")]:
            wv.index.params["ef"] = ef
            sweeps.append(({"ef": ef}, search_one))
    if b == "gensim-annoy" and args.sweep_search_k:
        # gensim's most_similar(indexer=) has no search_k: annoy's own call on the index
        # AnnoyIndexer built (gensim's default is search_k = trees * topn)
        for sk in [int(x) for x in args.sweep_search_k.split(",")]:

            def annoy_one(i, sk=sk):
                return ix.index.get_nns_by_vector(qv[i], k + 1, search_k=sk)

            sweeps.append(({"search_k": sk}, annoy_one))
    for params, fn in sweeps:
        if b == "ws-hnsw":
            wv.index.params["ef"] = params["ef"]
        line = {"bench": "index-sweep", "n": n, "dim": d, "backend": args.one, **params}
        line.update(measure(fn, nsingle))
        print(json.dumps(line), flush=True)
    if b == "ws-hnsw" and sweeps:
        wv.index.params["ef"] = default_ef
    bt = []
    for _ in range(3):
        t = time.perf_counter()
        search_batch()
        bt.append(time.perf_counter() - t)
    rec["batch_qps"] = round(len(words) / statistics.median(bt), 1)
    if b.startswith("ws-exact"):
        rec["stats"] = wv.index.stats
    rec["peak_rss_mb"] = round(_rss(), 1)
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()
    return rec


def kernels(args) -> None:
    """The scan kernels alone on ``--rows`` x ``--dim`` random unit vectors, taken in turn, the
    fastest of ten each: the float32 scan (``topk_dot``), the int8 and float16 scans, and the
    int8 scan with the candidate selection and float32 re-ranking (a whole query)."""
    import numba

    from wordspace.kernels import quantized as qz
    from wordspace.kernels.topk import topk_dot

    rng = np.random.default_rng(0)
    n, d = args.n, args.dim
    u = rng.standard_normal((n, d), dtype=np.float32)
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    none = np.zeros(0, np.int64)
    b8, s8 = qz.pack_int8(u, none)
    b16, s16 = qz.pack_f16(u, none)
    q = u[0].copy()
    nch = max(1, numba.get_num_threads()) * 4
    cu, ci = np.empty(len(s16), np.float32), np.empty(len(s16), np.int64)
    room = np.empty(len(s16), np.int64)
    h8, h16, g = np.float32(0.5 * np.abs(q).sum()), np.float32(2.0**-11), np.float32(1e-5)
    q112 = q * np.float32(2.0**112)
    fs = {
        "float32": lambda: topk_dot(u, q, 11, n, nch),
        "int8": lambda: qz.scan_int8(b8, s8, q, h8, g, 11, nch, cu, ci),
        "float16": lambda: qz.scan_f16(b16, s16, q112, h16, g, 11, nch, cu, ci),
        "int8+select": lambda: qz.select_exact(
            *qz.scan_int8(b8, s8, q, h8, g, 11, nch, cu, ci), cu, ci, u, q, 11, room
        ),
    }
    for f in fs.values():
        f()
    best = dict.fromkeys(fs, float("inf"))
    for _ in range(10):
        for name, f in fs.items():
            t = time.perf_counter()
            f()
            best[name] = min(best[name], time.perf_counter() - t)
    print(json.dumps({"bench": "index-kernels", "n": n, "dim": d, "threads": numba.get_num_threads(),
                      **{f"{k}_ms": round(1e3 * v, 3) for k, v in best.items()}}))  # fmt: skip


def build_rate(args) -> None:
    """The hnsw build over the first N rows of the (cached) data for each N of
    ``--build-rate``, with the parameters of ``--backends`` (one ``ws-hnsw:...``): wall and
    CPU seconds (all threads), rows a second, and the index size, one JSON line each, to
    extrapolate a build too long to run (a 3,000,000-row one)."""
    from wordspace.vectors.keyed import WordVectors

    x, unit, norms = cached_data(args)
    name, bparams = _variant(_split_backends(args.backends)[0])
    if name != "ws-hnsw":
        raise SystemExit("--build-rate builds ws-hnsw: give --backends ws-hnsw:dtype=i8,...")
    for n in (int(v) for v in args.build_rate.split(",")):
        wv = WordVectors([f"w{i}" for i in range(n)], x[:n])
        wv._norms, wv._unit = norms[:n], unit[:n]
        wv._nonfinite = np.zeros(0, dtype=np.int64)
        c, t = time.process_time(), time.perf_counter()
        ix = wv.build_index("hnsw", **bparams)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        size = len(ix._backend.save())
        print(json.dumps({"bench": "index-build-rate", "n": n, "dim": x.shape[1],
                          "params": ix.params, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
                          "rows_per_cpu_s": round(n / cpu, 1), "index_mb": round(size / 2**20, 1),
                          "threads": _threads(), "load": os.getloadavg()[0],
                          "peak_rss_mb": round(_rss(), 1)}), flush=True)  # fmt: skip
        del ix, wv


def _threads() -> int:
    import numba

    return int(numba.get_num_threads())


def alternate(args) -> None:
    """Single-query latency of several wordspace paths taken in turn, 25 queries each (A B C
    A B C ...), so a load that changes during the run weighs on each alike; three rounds, the
    median latency of each round and the median of the three. One process; the ws paths are
    ``most_similar`` (the user's path) on one WordVectors each, sharing the matrix."""
    from wordspace.vectors.index import load_index
    from wordspace.vectors.keyed import WordVectors

    base = load_data(args)
    n = len(base)
    rng = np.random.default_rng(7)
    q_idx = rng.choice(n, size=min(args.queries, n), replace=False)
    words = [base.index_to_key[i] for i in q_idx]
    truth = base.most_similar_many(words, topn=10, exact=True)
    paths: dict[str, tuple] = {}
    for b in _split_backends(args.alternate):
        if b == "exact":
            paths[b] = (base, {"exact": True})
            continue
        name, bparams = _variant(b)
        method = name[3:]
        wv = WordVectors(base.index_to_key, base.vectors)
        t = time.perf_counter()
        if method == "hnsw" and args.hnsw_index:
            wv.attach_index(load_index(args.hnsw_index))
        else:
            wv.build_index(method, **bparams)
        print(
            json.dumps(
                {"bench": "index-build", "backend": b, "seconds": round(time.perf_counter() - t, 2)}
            ),
            flush=True,
        )
        efs = [int(e) for e in args.ef.split(",")] if method == "hnsw" and args.ef else [None]
        for ef in efs:
            paths[b if ef is None else f"{b}@ef{ef}"] = (wv, {}, ef)
    for wv, kw, *ef in paths.values():  # compile, warm
        if ef and ef[0]:
            wv.index.params["ef"] = ef[0]
        wv.most_similar(words[0], topn=10, **kw)
    lat: dict[str, list[list[float]]] = {p: [] for p in paths}
    cpu: dict[str, list[float]] = {p: [] for p in paths}
    allw: dict[str, list[float]] = {p: [] for p in paths}
    found: dict[str, list] = {p: [None] * len(words) for p in paths}
    for _round in range(3):
        cur: dict[str, list[float]] = {p: [] for p in paths}
        # in turn by groups of 25 queries: a path's first query after another path pays for
        # the caches that path evicted (the exact scan streams the whole matrix)
        for g0 in range(0, len(words), 25):
            for name, (wv, kw, *ef) in paths.items():
                if ef and ef[0]:
                    wv.index.params["ef"] = ef[0]
                for i in range(g0, min(len(words), g0 + 25)):
                    c = time.process_time()
                    t = time.perf_counter()
                    r = wv.most_similar(words[i], topn=10, **kw)
                    cur[name].append(time.perf_counter() - t)
                    cpu[name].append(time.process_time() - c)
                    found[name][i] = [x for x, _ in r]
        for p in paths:
            lat[p].append(1e3 * statistics.median(cur[p]))
            allw[p].extend(cur[p])
    more: dict[str, dict] = {p: {} for p in paths}
    if args.latency:
        # batches (most_similar_many, all queries in one call, three times, the median) and
        # the explorer (its /api/neighbors request in process through the ASGI app: routing,
        # the query, JSON), p50/p95 over the queries; the paths in turn again
        from starlette.testclient import TestClient

        from wordspace.viz.explore.app import create_app

        clients = {p: TestClient(create_app(v[0])) for p, v in paths.items()}
        bt: dict[str, list[float]] = {p: [] for p in paths}
        ex: dict[str, list[float]] = {p: [] for p in paths}
        for _name, (wv, kw, *ef) in paths.items():  # warm
            if ef and ef[0]:
                wv.index.params["ef"] = ef[0]
            wv.most_similar_many(words[:2], topn=10, **kw)
        for _round in range(3):
            for name, (wv, kw, *ef) in paths.items():
                if ef and ef[0]:
                    wv.index.params["ef"] = ef[0]
                t = time.perf_counter()
                wv.most_similar_many(words, topn=10, **kw)
                bt[name].append(time.perf_counter() - t)
        for g0 in range(0, len(words), 25):
            for name, (wv, _kw, *ef) in paths.items():
                if ef and ef[0]:
                    wv.index.params["ef"] = ef[0]
                for w in words[g0 : g0 + 25]:
                    t = time.perf_counter()
                    resp = clients[name].get("/api/neighbors", params={"word": w, "n": 10})
                    ex[name].append(time.perf_counter() - t)
                    assert resp.status_code == 200, resp.text
        for p in paths:
            more[p] = {
                "batch_qps": round(len(words) / statistics.median(bt[p]), 1),
                "explore_p50_ms": round(1e3 * statistics.median(ex[p]), 3),
                "explore_p95_ms": round(1e3 * float(np.percentile(ex[p], 95)), 3),
            }
    for name in paths:
        rec = sum(
            len(set(f) & {x for x, _ in t}) / 10 for f, t in zip(found[name], truth, strict=True)
        )
        med = statistics.median(lat[name])
        print(json.dumps({
            "bench": "index-alternate", "backend": name, "n": n, "queries": len(words),
            "recall10": round(rec / len(words), 4),
            "p50_ms_rounds": [round(x, 3) for x in lat[name]], "p50_ms": round(med, 3),
            "speedup_vs_exact": round(statistics.median(lat["exact"]) / med, 2) if "exact" in lat else None,
            "p95_ms": round(1e3 * float(np.percentile(allw[name], 95)), 3),
            "cpu_p50_ms": round(1e3 * statistics.median(cpu[name]), 3),
            "cpu_speedup_vs_exact": round(statistics.median(cpu["exact"]) / statistics.median(cpu[name]), 2) if "exact" in cpu else None,
            "threads": _threads(),
            **more[name],
            **({"stats": dict(paths[name][0].index.stats)} if name != "exact" else {}),
        }), flush=True)  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", choices=("glove50", "glove-noise", "synthetic"), default="glove50")
    ap.add_argument("--limit", type=int, default=None, help="glove50: the first N words only")
    ap.add_argument("--n", "--rows", dest="n", type=int, default=3_000_000)
    ap.add_argument("--noise", type=float, default=0.5, help="glove-noise: noise / row norm")
    ap.add_argument("--dim", type=int, default=300)
    ap.add_argument("--clusters", type=int, default=2000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--exact-single", type=int, default=300, help="single exact queries timed")
    ap.add_argument("--backends", default=",".join(ALL))
    ap.add_argument("--annoy-trees", type=int, default=100)
    ap.add_argument("--annoy-search-k", type=int, default=-1)
    ap.add_argument("--gensim-python", default=None, help="python of a venv with gensim 4.4")
    ap.add_argument("--kernels", action="store_true", help="the scan kernels alone (random data)")
    ap.add_argument(
        "--alternate", default=None, help="paths timed in turn, e.g. exact,ws-exact-int8"
    )
    ap.add_argument(
        "--latency",
        action="store_true",
        help="--alternate: also batches (most_similar_many) and the explorer's request latency",
    )
    ap.add_argument("--hnsw-index", default=None, help="--alternate: a saved hnsw index to attach")
    ap.add_argument(
        "--ef", default=None, help="--alternate: hnsw ef values to sweep, e.g. 16,32,64"
    )
    ap.add_argument(
        "--cache",
        default=None,
        help="glove-noise/synthetic: where the generated matrix and its unit matrix are kept "
        "(memory-mapped .npy, made once and reused; default $TMPDIR/wordspace-bench-index)",
    )
    ap.add_argument(
        "--build-rate",
        default=None,
        help="glove-noise/synthetic: build ws-hnsw (--backends ws-hnsw:...) over the first N "
        "rows for each N, e.g. 100000,200000,300000 (with --rows >= the largest)",
    )
    ap.add_argument(
        "--sweep-ef", default=None, help="ws-hnsw: also recall and latency at these ef values"
    )
    ap.add_argument(
        "--sweep-search-k",
        default=None,
        help="gensim-annoy: also recall and latency at these annoy search_k values",
    )
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--queries-file", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--truth-file", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.kernels:
        kernels(args)
        return
    if args.alternate:
        alternate(args)
        return
    if args.build_rate:
        build_rate(args)
        return
    if args.one:
        print(json.dumps(run_one(args)), flush=True)
        return
    wv = load_data(args)
    rng = np.random.default_rng(7)
    q_idx = np.sort(rng.choice(len(wv), size=min(args.queries, len(wv)), replace=False))
    t = time.perf_counter()
    res = wv.most_similar_many([wv.index_to_key[i] for i in q_idx], topn=10, exact=True)
    print(json.dumps({"bench": "index-truth", "seconds": round(time.perf_counter() - t, 2)}))
    truth = np.array([[wv.key_to_index[w] for w, _ in r] for r in res], dtype=np.int64)
    del wv, res
    tmp = Path(tempfile.mkdtemp(prefix="bench-index-q-"))
    np.save(tmp / "q.npy", q_idx)
    np.save(tmp / "t.npy", truth)
    backends = _split_backends(args.backends)
    if args.gensim_python:
        backends.append("gensim-annoy")
    passthrough = [
        "--data", args.data, "--n", str(args.n), "--dim", str(args.dim), "--noise", str(args.noise),
        *(["--limit", str(args.limit)] if args.limit else []),
        "--clusters", str(args.clusters), "--exact-single", str(args.exact_single),
        "--annoy-trees", str(args.annoy_trees), "--annoy-search-k", str(args.annoy_search_k),
        "--queries-file", str(tmp / "q.npy"), "--truth-file", str(tmp / "t.npy"),
        "--cache", str(_cache_dir(args)),
        *(["--sweep-ef", args.sweep_ef] if args.sweep_ef else []),
        *(["--sweep-search-k", args.sweep_search_k] if args.sweep_search_k else []),
    ]  # fmt: skip
    for b in backends:
        # annoy is installed in the gensim venv: both annoy backends run there when given
        annoyish = _variant(b)[0] in ("gensim-annoy", "annoy") and args.gensim_python
        exe = args.gensim_python if annoyish else sys.executable
        out = subprocess.run(
            [exe, __file__, "--one", b, *passthrough], capture_output=True, text=True
        )
        lines = [x for x in out.stdout.splitlines() if x.startswith("{")]
        if out.returncode == 0 and lines:
            for x in lines:
                print(x, flush=True)
        else:
            err = (out.stderr.strip().splitlines() or ["?"])[-1]
            print(json.dumps({"bench": "index", "backend": b, "error": err}), flush=True)
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()


if __name__ == "__main__":
    main()
