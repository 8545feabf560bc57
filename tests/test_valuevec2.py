"""ValueVec's defaults, the article preset, records under a log transform, and CoSENT."""

import random
import warnings

import numpy as np
import pandas as pd
import pytest

import wordspace as ws
from valuevec_article import ARTICLE_N_PAIRS, ARTICLE_PAIRS
from wordspace import datasets
from wordspace.kernels.valuevec import adam_epoch
from wordspace.kernels.valuevec_rank import COSENT, MSE, adam_epoch_objective, cosent_grad
from wordspace.train.valuevec.values import ValuePairs

COLOURS = dict(word="keyword", value="estimated_value")


def cosent_reference(s, y, lam):
    """CoSENT as written: log(1 + Σ_{y_a > y_b} exp(λ(s_b − s_a))), float64, O(B²)."""
    s = np.asarray(s, np.float64)
    y = np.asarray(y, np.float64)
    d = lam * (s[None, :] - s[:, None])  # [a, b] = λ(s_b − s_a)
    return float(np.log1p(np.exp(d[y[:, None] > y[None, :]]).sum()))


@pytest.mark.parametrize("objective", ["mse", "cosent"])
def test_defaults_order_the_article_colours(objective):
    df = datasets.color_spectrum(30, seed=42)
    vv = ws.ValueVec(objective=objective).fit(df, **COLOURS)
    assert ws.value_alignment(vv.wv)["spearman"] >= 0.95
    assert vv.alpha_ == 0.05 and vv.method == "adam"
    assert vv.loss_history_[-1] < 0.8 * vv.loss_history_[0]  # CoSENT's loss has a floor


def test_defaults_follow_the_value_on_records():
    g = np.random.default_rng(1)
    tiers = {
        w: float(i)
        for i, w in enumerate(
            ["bunk", "hostel", "room", "studio", "flat", "loft", "house", "villa", "palace"]
        )
    }
    filler = ["near", "the", "quiet", "sunny", "centre", "with", "view"]
    rows = []
    for _ in range(3000):
        w = g.choice(list(tiers))
        text = " ".join([w, *g.choice(filler, 3)])
        rows.append((text, float(np.exp(3 + 0.4 * tiers[w] + g.normal(0, 0.3)))))
    df = pd.DataFrame(rows, columns=["name", "price"])
    vv = ws.ValueVec(value_transform="log").fit(df, text="name", value="price")
    assert ws.value_alignment(vv.wv)["spearman"] >= 0.9
    assert vv.word_values_["word"].iloc[0] == "palace"


def test_article_preset_is_the_article_and_overridable():
    vv = ws.ValueVec.article(seed=3)
    for k, v in ws.ValueVec.ARTICLE.items():
        assert getattr(vv, k) == v
    assert vv.seed == 3 and ws.ValueVec.article(epochs=7).epochs == 7
    # the article's seed is passed by article(); the default seed is every trainer's 1
    assert ws.ValueVec.article().seed == ws.ValueVec.ARTICLE_SEED == 42
    assert ws.ValueVec().seed == ws.Word2Vec().seed == 1
    rng = random.Random(42)
    df = datasets.color_spectrum(30, 42, rng=rng)
    pairs = ValuePairs.from_values(df, **COLOURS, seed=rng)  # the published 204 pairs
    fitted = ws.ValueVec.article(epochs=3, seed=42).fit(pairs)
    assert len(fitted.pairs_) == ARTICLE_N_PAIRS and fitted.alpha_ == 0.05
    frame = fitted.pairs_.to_frame()
    for idx, cw, xw, label, cv, xv, kind in ARTICLE_PAIRS:
        row = frame.iloc[idx]
        assert (row.center_word, row.context_word, row.pair_type) == (cw, xw, kind)
        assert row.label == pytest.approx(label, abs=1e-6)
        assert (row.center_value, row.context_value) == pytest.approx((cv, xv), abs=1e-6)
    # the preset builds the same pairs as ValuePairs.from_values' (article) defaults
    a = ws.ValueVec.article(epochs=1, seed=9).fit(df, **COLOURS).pairs_
    b = ValuePairs.from_values(df, **COLOURS, seed=9)
    np.testing.assert_array_equal(a.center, b.center)
    np.testing.assert_array_equal(a.label, b.label)


def test_auto_alpha_depends_on_method_and_vocabulary():
    assert ws.ValueVec()._alpha(30) == ws.ValueVec()._alpha(10**6) == 0.05
    avg = ws.ValueVec(method="averaged")
    assert avg._alpha(30) == pytest.approx(0.05)
    assert 0.5 < avg._alpha(10_000) < 1.0 and 3 < avg._alpha(10**6) < 8
    assert ws.ValueVec(alpha=0.3)._alpha(10) == 0.3
    with pytest.raises(ws.ParameterError, match="'auto' or a positive number"):
        ws.ValueVec(alpha="fast").fit({"a": 1.0, "b": 2.0, "c": 3.0})


def test_arc_labels_are_the_half_circle():
    df = datasets.color_spectrum(30, seed=42)
    p = ValuePairs.from_values(
        df,
        **COLOURS,
        positive_penalty="arc",
        negative_penalty="arc",
        positive_scale=1.0,
        negative_scale=1.0,
        seed=0,
    )
    diff = np.abs(p.normalized[p.center] - p.normalized[p.context])
    np.testing.assert_allclose(p.label, (1 + np.cos(np.pi * diff)) / 2, atol=1e-12)


def test_records_under_log_drop_non_positive_values_with_a_warning():
    words = ["cheap", "dear", "mid", "other"]
    rows = [(f"{words[i % 4]} flat", float(10 * (1 + i % 4))) for i in range(40)]
    rows += [("cheap flat", 0.0), ("dear flat", -5.0), ("mid flat", 0.0)]
    df = pd.DataFrame(rows, columns=["name", "price"])
    vv = ws.ValueVec(value_transform="log", epochs=5, min_count=2)
    with pytest.warns(UserWarning, match=r"dropped 3 of 43 records whose 'price' is <= 0"):
        vv.fit(df, text="name", value="price")
    assert vv.word_values_.set_index("word")["count"]["cheap"] == 10  # zero rows not counted
    with warnings.catch_warnings():  # log1p takes zeros: nothing dropped
        warnings.simplefilter("error")
        with pytest.warns(UserWarning, match="dropped 1 of 43 records whose 'price' is <= -1"):
            ws.ValueVec(value_transform="log1p", epochs=5, min_count=2).fit(
                df, text="name", value="price"
            )
    with pytest.raises(ws.ValueDataError, match="all 2 values"):
        ws.ValueVec(value_transform="log").fit(
            pd.DataFrame({"t": ["a b", "c"], "v": [0.0, -1.0]}), text="t", value="v"
        )
    with pytest.raises(ws.ValueDataError, match="needs positive values"):  # tables still raise
        ws.ValueVec(value_transform="log").fit({"a": 0.0, "b": 1.0, "c": 2.0})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cosent_kernel_matches_the_numpy_reference(seed):
    g = np.random.default_rng(seed)
    b = 40
    s = g.uniform(-1, 1, b).astype(np.float32)
    y = np.round(g.random(b), 1).astype(np.float32)  # many ties: they must not be ordered
    out = np.empty(b)
    for lam in (5.0, 20.0, 60.0):
        loss = cosent_grad(s, y, lam, out)
        assert loss == pytest.approx(cosent_reference(s, y, lam), rel=1e-9)
        h = 1e-5
        num = [
            (cosent_reference(s + h * e, y, lam) - cosent_reference(s - h * e, y, lam)) / (2 * h)
            for e in np.eye(b)
        ]
        np.testing.assert_allclose(out, num, rtol=1e-4, atol=1e-6)
    flat = np.empty(3)
    assert cosent_grad(s[:3], np.ones(3, np.float32), 20.0, flat) == 0 and not flat.any()


def small_problem(seed=4, n=6, pairs=30, d=5):
    g = np.random.default_rng(seed)

    def unit(m):
        return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)

    main, ctx = unit(g.standard_normal((n, d))), unit(g.standard_normal((n, d)))
    center = g.integers(0, n, pairs).astype(np.int32)
    context = g.integers(0, n, pairs).astype(np.int32)
    label = g.random(pairs).astype(np.float32)
    order = g.permutation(pairs).astype(np.int64)
    return main, ctx, center, context, label, order


def run_objective(main, ctx, center, context, label, order, bs, lr, objective, scale):
    n, d = main.shape
    st = [np.zeros((n, 3, d), np.float32) for _ in range(2)]
    stamps = [
        np.zeros(n, np.int64),
        np.zeros(n, np.int64),
        np.empty(n, np.int64),
        np.empty(n, np.int64),
    ]
    return adam_epoch_objective(
        main,
        ctx,
        center,
        context,
        label,
        order,
        bs,
        lr,
        0.9,
        0.999,
        1e-8,
        *st,
        *stamps,
        0,
        objective,
        scale,
    )


def test_adam_with_the_mse_objective_is_the_mse_kernel():
    args = small_problem()
    m1, c1 = args[0].copy(), args[1].copy()
    m2, c2 = args[0].copy(), args[1].copy()
    run_objective(m1, c1, *args[2:], 7, 0.05, MSE, 0.0)
    n, d = m2.shape
    st = [np.zeros((n, 3, d), np.float32) for _ in range(2)]
    stamps = [
        np.zeros(n, np.int64),
        np.zeros(n, np.int64),
        np.empty(n, np.int64),
        np.empty(n, np.int64),
    ]
    adam_epoch(m2, c2, *args[2:], 7, 0.05, 0.9, 0.999, 1e-8, *st, *stamps, 0)
    np.testing.assert_allclose(m1, m2, atol=1e-6)
    np.testing.assert_allclose(c1, c2, atol=1e-6)


def test_adam_cosent_epoch_matches_a_numpy_reference():
    main, ctx, center, context, label, order = small_problem(seed=7)
    bs, lr, lam = 8, 0.05, 5.0
    b1, b2, eps = 0.9, 0.999, 1e-8
    rm, rc = main.astype(np.float64), ctx.astype(np.float64)
    mom = {k: np.zeros_like(rm) for k in ("mm", "vm", "mc", "vc")}
    losses = []
    for step, lo in enumerate(range(0, len(order), bs), start=1):
        batch = order[lo : lo + bs]
        s = np.array([rm[center[p]] @ rc[context[p]] for p in batch])
        y = label[batch].astype(np.float64)
        losses.append(cosent_reference(s, y, lam))
        h = 1e-6
        dl = np.array(
            [
                (cosent_reference(s + h * e, y, lam) - cosent_reference(s - h * e, y, lam))
                / (2 * h)
                for e in np.eye(len(batch))
            ]
        )
        gm, gc = np.zeros_like(rm), np.zeros_like(rc)
        for q, p in enumerate(batch):
            u, v = rm[center[p]], rc[context[p]]
            gm[center[p]] += dl[q] * (v - s[q] * u)
            gc[context[p]] += dl[q] * (u - s[q] * v)
        a = lr * np.sqrt(1 - b2**step) / (1 - b1**step)
        for w, gr, m, v, rows in (
            (rm, gm, mom["mm"], mom["vm"], set(center[batch])),
            (rc, gc, mom["mc"], mom["vc"], set(context[batch])),
        ):
            for r in rows:
                m[r] = b1 * m[r] + (1 - b1) * gr[r]
                v[r] = b2 * v[r] + (1 - b2) * gr[r] ** 2
                w[r] -= a * m[r] / (np.sqrt(v[r]) + eps)
                w[r] /= np.linalg.norm(w[r])
    m_, c_ = main.copy(), ctx.copy()
    steps, mean_loss = run_objective(m_, c_, center, context, label, order, bs, lr, COSENT, lam)
    assert steps == step and mean_loss == pytest.approx(np.mean(losses), rel=1e-4)
    np.testing.assert_allclose(m_, rm, atol=2e-4)
    np.testing.assert_allclose(c_, rc, atol=2e-4)


def test_cosent_needs_adam_and_a_sane_scale():
    data = {f"w{i}": float(i) for i in range(10)}
    with pytest.raises(ws.ParameterError, match="needs method='adam'"):
        ws.ValueVec(objective="cosent", method="averaged").fit(data)
    with pytest.raises(ws.ParameterError, match="cosent_scale"):
        ws.ValueVec(objective="cosent", cosent_scale=0).fit(data)
    with pytest.raises(ws.ParameterError, match="objective must be one of"):
        ws.ValueVec(objective="hinge").fit(data)
