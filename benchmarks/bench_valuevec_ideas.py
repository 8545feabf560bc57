"""ValueVec III, the untried ideas: label propagation, a stacked ridge + propagation predictor,
retrofitting (Faruqui et al. 2015) and confidence weights — each applied to the joint vectors
*and* to plain skip-gram of the same dimension, so a predictor that lifts both is no gain of
the joint model.

Two stages. ``fit`` runs ``ws.evaluate.value_holdout`` once per hold-out draw (20 % of the
valued words hidden; the draw seeds the split and every model; ``workers=1``) with the
baselines at dimension 100 (skip-gram and CBOW, k-NN and ridge), and keeps the joint and the
skip-gram vectors, the split and each word's review count in ``--cache`` (``.npz``, no
pickle). ``score`` reads them back and prints one JSON line per draw: every predictor on both
vector sets (``joint_<p>``, ``sg_<p>``), the CBOW baselines, the strongest plain baseline
(as ``value_holdout`` reports it, and with every predictor here), WordSim353 of both and the
value-block alignment. ``--summary FILE`` prints means ± sd over the draws.

Predictors (``unit`` = the unit vectors; ``train`` the valued words, ``test`` the hidden):
``knn`` (k = 10) and ``ridge`` at penalties 0.1 / 1 / 10 (``predict_from_vectors``);
``prop``: label propagation over the 10-nearest-neighbour graph of all words (Zhu and
Ghahramani 2002; training words clamped, 30 rounds); ``stack``: propagation whose unclamped
words are also pulled to their ridge prediction (weight 1 against the neighbours' summed
cosines), i.e. ridge smoothed over the graph; ``retro_knn``/``retro_ridge``: the probes after
retrofitting (each training word pulled towards its 10 nearest training words *in value*,
each word towards its 10 nearest words in the text space, α = 1 to the original vector, 10
rounds; Faruqui et al.'s update); ``sgc_ridge``/``sgc_knn``: the probes on vectors smoothed
once over the graph (half own vector, half the cosine-weighted mean of the 10 neighbours:
Wu et al. 2019's simple graph convolution); ``wridge``/``wknn``: ridge with sample weights and k-NN
with cosine × weight, the weight of a word the shrinkage factor n/(n + 10) of its n records.

    PYTHONPATH=src python benchmarks/bench_valuevec_ideas.py fit wine --seeds 0
    PYTHONPATH=src python benchmarks/bench_valuevec_ideas.py score wine --seeds 0 \\
        --out ideas.jsonl
    PYTHONPATH=src python benchmarks/bench_valuevec_ideas.py fit imdb --limit 10000 --seeds 0
    PYTHONPATH=src python benchmarks/bench_valuevec_ideas.py --summary ideas.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_valuevec2 import DATA, CachedTokenizer, emit, load  # noqa: E402

K = 10


def _tag(args: argparse.Namespace, seed: int) -> str:
    lim = args.limit or "all"
    extra = f"_{args.variant}" if args.variant else ""
    return f"{args.dataset}_{lim}_d{args.dim}_l{args.semantic_weight:g}_s{seed}{extra}"


def _confidence_patch(counts: dict[str, float]) -> None:
    """Joint training with each value pair's gradient weighted by the confidence of its two
    words, c = n/(n + 10) (n: the word's records), normalised to mean 1 over the pairs so the
    value loss's overall pace is unchanged. An experiment: it swaps the kernel ``fit`` calls."""
    from numba import njit

    import wordspace as ws
    import wordspace.kernels.valuevec_rank as vr
    from wordspace.kernels.valuevec_rank import _objective_grad

    state: dict = {}
    orig_set = ws.ValueVec._set_joint_pairs

    def set_pairs(self, wvals, vocab):
        orig_set(self, wvals, vocab)
        state["model"] = self
        state.pop("pw", None)

    ns = {"np": np, "_objective_grad": _objective_grad, "MSE": vr.MSE}
    exec(KERNEL, ns)
    kern = njit(nogil=True, fastmath=True)(ns["_weighted_value_sgd"])

    def value_sgd(w, rows, center, context, label, order, lo, hi, bs, lr, objective, scale):
        if "pw" not in state:
            words = state["model"].pairs_.words
            c = np.array([counts[x] / (counts[x] + 10.0) for x in words])
            pw = c[center] * c[context]
            state["pw"] = (pw / pw.mean()).astype(np.float32)
        return kern(
            w, rows, center, context, label, state["pw"], order, lo, hi, bs, lr, objective, scale
        )

    ws.ValueVec._set_joint_pairs = set_pairs
    vr.value_sgd = value_sgd


KERNEL = '''
def _weighted_value_sgd(
    w, rows, center, context, label, pw, order, lo, hi, batch_size, lr, objective, scale
):
    """``value_sgd`` with each pair's gradient scaled by ``pw[p]``."""
    d = w.shape[1]
    s = np.empty(batch_size, dtype=np.float32)
    y = np.empty(batch_size, dtype=np.float32)
    g = np.empty(batch_size, dtype=np.float64)
    nrm = np.empty(batch_size * 2, dtype=np.float32)
    delta = np.empty((batch_size * 2, d), dtype=np.float32)
    total = 0.0
    for b0 in range(lo, hi, batch_size):
        b1 = min(hi, b0 + batch_size)
        bsz = b1 - b0
        for t in range(b0, b1):
            p = order[t]
            xi = w[rows[center[p]]]
            xj = w[rows[context[p]]]
            ni = np.float32(0.0)
            nj = np.float32(0.0)
            dot = np.float32(0.0)
            for k in range(d):
                ni += xi[k] * xi[k]
                nj += xj[k] * xj[k]
                dot += xi[k] * xj[k]
            ni = np.sqrt(ni) if ni > 0 else np.float32(1.0)
            nj = np.sqrt(nj) if nj > 0 else np.float32(1.0)
            nrm[2 * (t - b0)] = ni
            nrm[2 * (t - b0) + 1] = nj
            s[t - b0] = dot / (ni * nj)
            y[t - b0] = label[p]
        loss = _objective_grad(s, y, bsz, objective, scale, g)
        if objective == MSE:  # per pair, not the batch mean
            loss *= bsz
            for q in range(bsz):
                g[q] *= bsz
        total += loss
        for t in range(b0, b1):
            p = order[t]
            q = t - b0
            xi = w[rows[center[p]]]
            xj = w[rows[context[p]]]
            ni = nrm[2 * q]
            nj = nrm[2 * q + 1]
            sp = s[q]
            gp = np.float32(g[q] * pw[p])
            for k in range(d):
                ui = xi[k] / ni
                uj = xj[k] / nj
                delta[2 * q, k] = -gp * (uj - sp * ui) * ni
                delta[2 * q + 1, k] = -gp * (ui - sp * uj) * nj
        a = np.float32(lr)
        for t in range(b0, b1):
            p = order[t]
            q = t - b0
            xi = w[rows[center[p]]]
            xj = w[rows[context[p]]]
            for k in range(d):
                xi[k] += a * delta[2 * q, k]
                xj[k] += a * delta[2 * q + 1, k]
        # a rotation, not a stretch: every moved row gets its norm from before the batch back
        for t in range(b0, b1):
            p = order[t]
            q = t - b0
            for r, n0 in ((rows[center[p]], nrm[2 * q]), (rows[context[p]], nrm[2 * q + 1])):
                x = w[r]
                cur = np.float32(0.0)
                for k in range(d):
                    cur += x[k] * x[k]
                if cur > 0:
                    f = n0 / np.sqrt(cur)
                    for k in range(d):
                        x[k] *= f
    return total
'''


def fit(args: argparse.Namespace) -> None:
    import wordspace as ws
    from wordspace.train.valuevec.values import records_to_word_values

    df, text, value, tr = load(args.dataset, args.data, args.limit, joint=True)
    tok = CachedTokenizer()
    has = df[value].notna().to_numpy()
    wvals = records_to_word_values(
        df[text][has].tolist(), df[value][has], tokenizer=tok, value_transform=tr
    )
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.confidence:
        _confidence_patch(dict(zip(wvals["word"], wvals["count"], strict=True)))
    for seed in args.seeds:
        t = time.perf_counter()
        est = ws.ValueVec(
            semantic_weight=args.semantic_weight,
            vector_size=args.dim,
            tokenizer=tok,
            workers=1,
            value_transform=tr,
            **json.loads(args.params),
        )
        r = ws.evaluate.value_holdout(
            est,
            df,
            text=text,
            value=value,
            seed=seed,
            baseline_sizes=(args.dim,),
            return_models=True,
        )
        joint, sg = r.pop("models")
        assert joint.wv.index_to_key == sg.wv.index_to_key
        vocab = list(joint.wv.index_to_key)
        cnt = dict(zip(wvals["word"], wvals["count"], strict=True))
        truth = dict(zip(wvals["word"], wvals["value"], strict=True))
        train = set(joint.pairs_.words)
        kti = joint.wv.key_to_index
        test = [w for w in wvals["word"] if w not in train and w in kti]
        path = args.cache / f"{_tag(args, seed)}.npz"
        np.savez(
            path,
            words=np.array(vocab, dtype=str),
            joint=joint.wv.vectors,
            sg=sg.wv.vectors,
            value_slice=np.array([joint._value_slice().start or 0, joint._value_slice().stop]),
            train_rows=joint.value_rows_,
            train_vals=np.asarray(joint.pairs_.values, np.float64),
            train_counts=np.array([cnt[w] for w in joint.pairs_.words], np.float64),
            test_rows=np.array([kti[w] for w in test], np.int64),
            test_vals=np.array([truth[w] for w in test], np.float64),
            result=np.array(json.dumps(r, default=float)),
        )
        print(f"{path}: {time.perf_counter() - t:.0f} s", flush=True)


def _graph(unit: np.ndarray, k: int = K) -> tuple[np.ndarray, np.ndarray]:
    n = len(unit)
    nb = np.empty((n, k), np.int64)
    wt = np.empty((n, k))
    for s in range(0, n, 2048):
        sims = unit[s : s + 2048] @ unit.T
        sims[np.arange(sims.shape[0]), np.arange(s, s + sims.shape[0])] = -np.inf
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        nb[s : s + 2048] = top
        wt[s : s + 2048] = np.clip(np.take_along_axis(sims, top, 1), 0, None)
    return nb, wt


def _propagate(nb, wt, rows, vals, prior=None, mu=0.0, rounds=30):
    n = len(nb)
    f = np.full(n, vals.mean()) if prior is None else prior.copy()
    f[rows] = vals
    clamp = np.zeros(n, bool)
    clamp[rows] = True
    base = np.zeros(n) if prior is None else prior
    tot = wt.sum(1) + mu
    tot = np.where(tot > 0, tot, 1.0)
    for _ in range(rounds):
        f = np.where(clamp, f, ((wt * f[nb]).sum(1) + mu * base) / tot)
    return f


def _retrofit(unit, nb, wt, rows, vals, k=K, rounds=10):
    """Faruqui et al.'s update: q_i = (α q̂_i + Σ_j β_ij q_j) / (α + Σ_j β_ij), α = 1; edges:
    each word's k text neighbours (β = cosine / k) and, for training words, their k nearest
    training words in value rank (β = 1 / k)."""
    from scipy.stats import rankdata

    r = rankdata(vals)
    order = np.argsort(r)
    pos = np.empty(len(r), np.int64)
    pos[order] = np.arange(len(r))
    # the k training words nearest in value: a window of the value order
    half = k // 2
    vnb = np.empty((len(rows), k), np.int64)
    for t in range(len(rows)):
        lo = min(max(pos[t] - half, 0), max(len(rows) - k - 1, 0))
        cand = order[lo : lo + k + 1]
        cand = cand[cand != t][:k]
        vnb[t, : len(cand)] = rows[cand]
        vnb[t, len(cand) :] = rows[t]
    q = unit.copy()
    tw = wt / k
    for _ in range(rounds):
        num = unit + (tw[:, :, None] * q[nb]).sum(1)
        den = 1.0 + tw.sum(1)
        num[rows] += q[vnb].sum(1) / k
        den[rows] += 1.0
        q = num / den[:, None]
    return q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)


def _wridge(x, y, w, q, alpha):
    mx = (w[:, None] * x).sum(0) / w.sum()
    my = float((w * y).sum() / w.sum())
    xc = x - mx
    a = (xc * w[:, None]).T @ xc + alpha * np.eye(x.shape[1])
    coef = np.linalg.solve(a, (xc * w[:, None]).T @ (y - my))
    return (q - mx) @ coef + my


def _wknn(unit, rows, vals, w, idx, k=K):
    sims = unit[idx] @ unit[rows].T
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    s = np.clip(np.take_along_axis(sims, top, 1), 0, None) * w[top]
    tot = s.sum(1)
    return np.where(tot > 0, (s * vals[top]).sum(1) / np.where(tot > 0, tot, 1), vals.mean())


def predictors(unit, rows, vals, counts, idx) -> dict[str, np.ndarray]:
    from wordspace.train.valuevec.probe import predict_from_vectors

    unit = unit.astype(np.float64)
    p = {"knn": predict_from_vectors(unit, rows, vals, idx, "knn", K, 1.0)}
    for a in (0.1, 1.0, 10.0):
        p[f"ridge{a:g}"] = predict_from_vectors(unit, rows, vals, idx, "ridge", K, a)
    nb, wt = _graph(unit)
    p["prop"] = _propagate(nb, wt, rows, vals)[idx]
    ridge_all = _wridge(unit[rows], vals, np.ones(len(rows)), unit, 1.0)  # clamped: no LOO
    p["stack"] = _propagate(nb, wt, rows, vals, prior=ridge_all, mu=1.0)[idx]
    q = _retrofit(unit, nb, wt, rows, vals)
    p["retro_knn"] = predict_from_vectors(q, rows, vals, idx, "knn", K, 1.0)
    p["retro_ridge"] = predict_from_vectors(q, rows, vals, idx, "ridge", K, 1.0)
    smooth = (
        0.5 * unit
        + 0.5 * (wt[:, :, None] * unit[nb]).sum(1) / np.maximum(wt.sum(1), 1e-12)[:, None]
    )  # one step of feature smoothing over the graph (SGC, Wu et al. 2019)
    smooth /= np.maximum(np.linalg.norm(smooth, axis=1, keepdims=True), 1e-12)
    p["sgc_ridge"] = predict_from_vectors(smooth, rows, vals, idx, "ridge", K, 1.0)
    p["sgc_knn"] = predict_from_vectors(smooth, rows, vals, idx, "knn", K, 1.0)
    w = counts / (counts + 10.0)
    p["wridge"] = _wridge(unit[rows], vals, w, unit[idx], 1.0)
    p["wknn"] = _wknn(unit, rows, vals, w, idx)
    return p


def score(args: argparse.Namespace) -> None:
    from scipy.stats import spearmanr

    import wordspace as ws

    for seed in args.seeds:
        path = args.cache / f"{_tag(args, seed)}.npz"
        z = np.load(path, allow_pickle=False)
        r = json.loads(str(z["result"]))
        rows, vals, counts = z["train_rows"], z["train_vals"], z["train_counts"]
        idx, y = z["test_rows"], z["test_vals"]
        rec: dict = {"dataset": args.dataset, "limit": args.limit, "vector_size": args.dim}
        rec.update(semantic_weight=args.semantic_weight, seed=seed, variant=args.variant)
        rec.update(n_train=len(rows), n_test=len(idx), alignment=r["alignment"])
        words = [str(w) for w in z["words"]]
        for tag in ("joint", "sg"):
            m = z[tag]
            unit = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)
            for k, v in predictors(unit, rows, vals, counts, idx).items():
                rec[f"{tag}_{k}"] = float(spearmanr(v, y).statistic)
            wv = ws.WordVectors(words, np.ascontiguousarray(m, dtype=np.float32))
            ev = ws.evaluate_word_pairs(wv, args.data / "eval" / "wordsim353.tsv")
            rec[f"{tag}_ws353"] = ev.spearman[0]
            rec["ws353_pairs"] = ev.n_pairs - ev.n_oov
        for b in r["baselines"]:
            rec[f"{b['model']}{b['vector_size']}_{b['predictor']}"] = b["spearman"]
        rec["strongest_value_holdout"] = r["strongest"]["spearman"]
        emit(rec, args.out)


def summary(path: Path) -> None:
    lines = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    groups: dict[tuple, list[dict]] = {}
    for x in lines:
        key = (x["dataset"], x["limit"], x["vector_size"], x["semantic_weight"], x.get("variant"))
        groups.setdefault(key, []).append(x)
    for key, g in groups.items():
        print(f"{key}: draws {[x['seed'] for x in g]}")
        preds = [k[len("joint_") :] for k in g[0] if k.startswith("joint_") and k != "joint_ws353"]

        def ms(vals):
            v = np.array(vals, dtype=float)
            sd = v.std(ddof=1) if len(v) > 1 else float("nan")
            return f"{v.mean():.3f} ± {sd:.3f}"

        best_plain = [
            max([x[f"sg_{p}"] for p in preds] + [x["strongest_value_holdout"]]) for x in g
        ]
        print(f"  strongest plain (any predictor, skip-gram/CBOW): {ms(best_plain)}")
        for p in preds:
            j = [x[f"joint_{p}"] for x in g]
            s = [x[f"sg_{p}"] for x in g]
            gain = [a - b for a, b in zip(j, best_plain, strict=True)]
            print(f"  {p:12s} joint {ms(j)}  sg {ms(s)}  joint − strongest {np.mean(gain):+.3f}")
        std = ["knn", "ridge0.1", "ridge1", "ridge10"]
        for name, ps in (("k-NN and ridge", std), ("every predictor", preds)):
            g2 = [
                max(x[f"joint_{p}"] for p in ps)
                - max([x[f"sg_{p}"] for p in ps] + [x["strongest_value_holdout"]])
                for x in g
            ]
            print(
                f"  best joint − best plain per draw ({name}): {ms(g2)}  "
                + " ".join(f"{v:+.3f}" for v in g2)
            )
        print(
            f"  WS353 joint {ms([x['joint_ws353'] for x in g])} sg "
            f"{ms([x['sg_ws353'] for x in g])} ({g[0]['ws353_pairs']} pairs); "
            f"alignment {ms([x['alignment'] for x in g])}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stage", nargs="?", choices=["fit", "score"])
    ap.add_argument("dataset", nargs="?", choices=["imdb", "wine", "airbnb"])
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--semantic-weight", type=float, default=0.8)
    ap.add_argument("--params", default="{}", help="more ValueVec parameters, as JSON")
    ap.add_argument("--variant", default="", help="a name for --params in the cache")
    ap.add_argument("--confidence", action="store_true", help="confidence-weighted pairs")
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/vv_ideas"))
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--summary", type=Path, default=None)
    args = ap.parse_args()
    if args.summary is not None:
        summary(args.summary)
        return
    if args.stage is None or args.dataset is None:
        ap.error("give a stage and a data set (or --summary FILE)")
    args.seeds = [int(x) for x in args.seeds.split(",") if x]
    fit(args) if args.stage == "fit" else score(args)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
