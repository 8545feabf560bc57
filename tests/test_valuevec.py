import random

import numpy as np
import pandas as pd
import pytest

import wordspace as ws
from wordspace import datasets
from wordspace.kernels.valuevec import adam_epoch, averaged_step, pair_cosines
from wordspace.train.valuevec.values import ValuePairs


def unit(m):
    return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)


def reference_averaged_epoch(main, ctx, center, context, label, lr):
    """The article's update_embeddings, one pair at a time (float64)."""
    main = main.astype(np.float64)
    ctx = ctx.astype(np.float64)
    mu, cu = np.zeros_like(main), np.zeros_like(ctx)
    mc, cc = np.zeros(len(main)), np.zeros(len(ctx))
    for c, x, y in zip(center, context, label, strict=True):
        u = main[c] / np.linalg.norm(main[c])
        v = ctx[x] / np.linalg.norm(ctx[x])
        s = u @ v
        e = ((s + 1) / 2 - y) * 0.5
        mu[c] -= lr * e * (v - s * u)
        cu[x] -= lr * e * (u - s * v)
        mc[c] += 1
        cc[x] += 1
    for i in range(len(main)):
        if mc[i] > 0:
            main[i] += mu[i] / mc[i]
        if cc[i] > 0:
            ctx[i] += cu[i] / cc[i]
    return unit(main), unit(ctx)


def csr(ids, n):
    order = np.argsort(ids, kind="stable").astype(np.int64)
    ptr = np.concatenate([[0], np.cumsum(np.bincount(ids, minlength=n))]).astype(np.int64)
    return ptr, order


def five_word_problem(seed=0, pairs=23, d=4):
    g = np.random.default_rng(seed)
    main = unit(g.standard_normal((5, d)))
    ctx = unit(g.standard_normal((5, d)))
    center = g.integers(0, 5, pairs).astype(np.int32)
    center[:4] = [0, 1, 2, 3]  # word 4 may never be a center: it must stay unchanged
    center[center == 4] = 0
    context = g.integers(0, 5, pairs).astype(np.int32)
    label = g.random(pairs).astype(np.float32)
    return main, ctx, center, context, label


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_averaged_step_matches_the_per_pair_reference(seed):
    main, ctx, center, context, label = five_word_problem(seed)
    sims = np.empty(len(center), dtype=np.float32)
    err = pair_cosines(main, ctx, center, context, label, sims, 4)
    s64 = np.einsum("ij,ij->i", main[center].astype(float), ctx[context].astype(float))
    np.testing.assert_allclose(sims, s64, atol=1e-6)
    assert err == pytest.approx(np.mean(np.abs((s64 + 1) / 2 - label)), abs=1e-6)
    c_ptr, c_order = csr(center, 5)
    x_ptr, x_order = csr(context, 5)
    new_main, new_ctx = np.empty_like(main), np.empty_like(ctx)
    averaged_step(
        main,
        ctx,
        center,
        context,
        label,
        sims,
        0.3,
        c_ptr,
        c_order,
        x_ptr,
        x_order,
        new_main,
        new_ctx,
    )
    ref_main, ref_ctx = reference_averaged_epoch(main, ctx, center, context, label, 0.3)
    np.testing.assert_allclose(new_main, ref_main, atol=2e-6)
    np.testing.assert_allclose(new_ctx, ref_ctx, atol=2e-6)
    np.testing.assert_allclose(new_main[4], main[4], atol=1e-7)
    assert not np.allclose(new_main[:4], main[:4], atol=1e-4)


def test_adam_epoch_matches_a_numpy_reference():
    main, ctx, center, context, label = five_word_problem(3, pairs=17)
    order = np.random.default_rng(9).permutation(len(center)).astype(np.int64)
    b1, b2, eps, lr, bs = 0.9, 0.999, 1e-8, 0.05, 5
    # reference
    rm, rc = main.astype(np.float64), ctx.astype(np.float64)
    state = {k: np.zeros_like(rm) for k in ("mm", "vm", "mc", "vc")}
    step = 0
    for lo in range(0, len(order), bs):
        batch = order[lo : lo + bs]
        step += 1
        gm, gc = np.zeros_like(rm), np.zeros_like(rc)
        tm, tc = set(), set()
        for p in batch:
            c, x = center[p], context[p]
            u, v = rm[c], rc[x]
            s = u @ v
            g = ((s + 1) / 2 - label[p]) / len(batch)
            gm[c] += g * (v - s * u)
            gc[x] += g * (u - s * v)
            tm.add(c)
            tc.add(x)
        a = lr * np.sqrt(1 - b2**step) / (1 - b1**step)
        for w, g, m, v, rows in (
            (rm, gm, state["mm"], state["vm"], tm),
            (rc, gc, state["mc"], state["vc"], tc),
        ):
            for r in rows:
                m[r] = b1 * m[r] + (1 - b1) * g[r]
                v[r] = b2 * v[r] + (1 - b2) * g[r] ** 2
                w[r] -= a * m[r] / (np.sqrt(v[r]) + eps)
                w[r] /= np.linalg.norm(w[r])
    z = [np.zeros((5, 3, main.shape[1]), np.float32) for _ in range(2)]
    stamps = [
        np.zeros(5, np.int64),
        np.zeros(5, np.int64),
        np.empty(5, np.int64),
        np.empty(5, np.int64),
    ]
    m_, c_ = main.copy(), ctx.copy()
    n = adam_epoch(m_, c_, center, context, label, order, bs, lr, b1, b2, eps, *z, *stamps, 0)
    assert n == step
    np.testing.assert_allclose(m_, rm, atol=3e-5)
    np.testing.assert_allclose(c_, rc, atol=3e-5)
    assert np.all(z[0][:, 2] == 0) and np.all(z[1][:, 2] == 0)  # gradient buffers left clean


def test_fit_equals_the_reference_training_loop():
    df = datasets.color_spectrum(15, seed=1)
    vv = ws.ValueVec.article(vector_size=6, epochs=4, alpha=0.2, patience=None, seed=11)
    vv.fit(df, word="keyword", value="estimated_value")
    p = vv.pairs_
    g = np.random.default_rng(11)
    main = unit(g.standard_normal((p.n_words, 6), dtype=np.float32))
    ctx = unit(g.standard_normal((p.n_words, 6), dtype=np.float32))
    for _ in range(4):
        main, ctx = reference_averaged_epoch(
            main, ctx, p.center, p.context, p.label.astype(np.float32), 0.2
        )
    final = unit(main.astype(np.float64) + ctx)
    np.testing.assert_allclose(vv.wv.vectors, final, atol=1e-5)
    assert vv.wv.index_to_key == p.words and len(vv.loss_history_) == 4
    sims = np.einsum("ij,ij->i", main[p.center], ctx[p.context])
    assert vv.loss_history_[-1] == pytest.approx(
        np.mean(np.abs((sims + 1) / 2 - p.label)), abs=1e-5
    )


@pytest.mark.parametrize("method", ["averaged", "adam"])
def test_seeded_and_independent_of_workers(method):
    df = datasets.color_spectrum(30, seed=42)
    kw = dict(
        vector_size=8,
        epochs=60,
        method=method,
        batch_size=16,
        seed=5,
        alpha=0.05 if method == "averaged" else 0.02,
    )
    a = ws.ValueVec(workers=1, **kw).fit(df, word="keyword", value="estimated_value")
    b = ws.ValueVec(workers=2, **kw).fit(df, word="keyword", value="estimated_value")
    c = ws.ValueVec(**{**kw, "seed": 6}).fit(df, word="keyword", value="estimated_value")
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)
    np.testing.assert_array_equal(a.loss_history_, b.loss_history_)
    assert not np.array_equal(a.wv.vectors, c.wv.vectors)
    assert a.loss_history_[-1] < a.loss_history_[0]
    np.testing.assert_allclose(np.linalg.norm(a.wv.vectors, axis=1), 1, atol=1e-5)


def test_learns_the_colour_order():
    df = datasets.color_spectrum(30, seed=42)
    vv = ws.ValueVec.article(seed=42)
    vv.fit(df, word="keyword", value="estimated_value")
    assert vv.epochs_trained_ == len(vv.loss_history_) and vv.epochs_trained_ >= 100
    assert vv.loss_history_[-1] < 0.5 * vv.loss_history_[0]
    near = [w for w, _ in vv.wv.most_similar("crimson", topn=3)]
    assert set(near) <= {"light-crimson", "bright-crimson", "deep-crimson", "red"}
    # far pairs all have label 0 with the article's penalties, so only near/far is ordered
    assert vv.wv.similarity("crimson", "red") > 0.5 > vv.wv.similarity("crimson", "green")
    assert vv.wv.similarity("crimson", "violet") < 0
    assert vv.wv.values["crimson"] == 730.0
    assert vv.wv.index_to_key[0] == "deep-crimson"  # by value, highest first


def test_early_stopping_and_history():
    df = datasets.color_spectrum(30, seed=42)
    vv = ws.ValueVec(
        vector_size=4, epochs=5000, alpha=0.5, patience=2, seed=0, method="adam", batch_size=256
    )
    vv.fit(df, word="keyword", value="estimated_value")
    assert vv.stopped_early_ and vv.epochs_trained_ < 5000
    assert vv.epochs_trained_ % 10 == 0 and len(vv.loss_history_) == vv.epochs_trained_
    h = vv.loss_history_
    checks = h[9::10]
    best_before = checks[:-2].min()
    assert checks[-1] >= best_before and checks[-2] >= best_before
    seen = []
    ws.ValueVec(vector_size=4, epochs=7, patience=None, seed=0).fit(
        df,
        word="keyword",
        value="estimated_value",
        progress=lambda done, total, **f: seen.append((done, total, sorted(f))),
    )
    assert seen[-1] == (7, 7, ["alpha", "loss"]) and len(seen) == 7


def test_fit_inputs_pairs_dict_sequences():
    rng = random.Random(42)
    df = datasets.color_spectrum(30, 42, rng=rng)
    pairs = ValuePairs.from_values(df, word="keyword", value="estimated_value", seed=rng)
    vv = ws.ValueVec(vector_size=5, epochs=20, seed=1).fit(pairs)
    assert vv.pairs_ is pairs and len(vv.wv) == 30
    d = dict(zip(df.keyword, df.estimated_value, strict=True))
    a = ws.ValueVec(vector_size=5, epochs=20, seed=1).fit(d)
    b = ws.ValueVec(vector_size=5, epochs=20, seed=1).fit(list(d), list(d.values()))
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)
    assert a.word_values_.columns.tolist() == ["word", "value", "count"]


def test_fit_from_records():
    g = np.random.default_rng(0)
    cheap, dear = ["hostel", "bunk", "shared", "basic"], ["villa", "penthouse", "luxury", "pool"]
    neutral = ["room", "flat", "near", "beach", "centre", "quiet"]
    rows = []
    for _ in range(400):
        tier = g.integers(0, 2)
        words = list(g.choice(cheap if tier == 0 else dear, 2)) + list(g.choice(neutral, 3))
        price = (30 if tier == 0 else 300) * g.lognormal(0, 0.2)
        rows.append((" ".join(words).title() + "!", price))
    df = pd.DataFrame(rows, columns=["title", "price"])
    vv = ws.ValueVec(vector_size=8, epochs=300, seed=0, value_transform="log", min_count=3)
    vv.fit(df, text="title", value="price")
    top = vv.word_values_.head(4)["word"].tolist()
    assert set(top) == set(dear)
    assert set(vv.word_values_.tail(4)["word"]) == set(cheap)
    assert vv.wv.values["villa"] == pytest.approx(
        vv.word_values_.set_index("word").loc["villa", "value"]
    )
    assert vv.wv.counts[vv.wv.get_index("villa")] > 50
    assert vv.wv.similarity("villa", "penthouse") > vv.wv.similarity("villa", "hostel")
    with pytest.raises(ws.ParameterError, match="not both"):
        ws.ValueVec().fit(df, text="title", word="title", value="price")


def test_save_load_roundtrip(tmp_path):
    df = datasets.color_spectrum(20, seed=3)
    vv = ws.ValueVec(
        vector_size=5,
        epochs=30,
        seed=2,
        value_transform="log",
        tokenizer=ws.Tokenizer(lowercase=True),
    )
    vv.fit(df, word="keyword", value="estimated_value")
    path = tmp_path / "colors.wsv"
    vv.save(path)
    back = ws.ValueVec.load(path)
    np.testing.assert_array_equal(back.wv.vectors, vv.wv.vectors)
    np.testing.assert_array_equal(back.main_vectors_, vv.main_vectors_)
    np.testing.assert_array_equal(back.loss_history_, vv.loss_history_)
    pd.testing.assert_frame_equal(back.pairs_.to_frame(), vv.pairs_.to_frame())
    pd.testing.assert_frame_equal(back.word_values_, vv.word_values_, check_dtype=False)
    assert back.get_params()["value_transform"] == "log"
    assert back.tokenizer == ws.Tokenizer(lowercase=True)
    assert back.epochs_trained_ == vv.epochs_trained_
    wv = ws.load(path)  # plain word vectors, values attached
    assert wv.values["crimson"] == pytest.approx(np.log(730.0))
    assert wv.most_similar("crimson", topn=2) == vv.wv.most_similar("crimson", topn=2)
    wv.save(tmp_path / "plain.wsv")
    with pytest.raises(ws.FormatError, match="not a ValueVec model"):
        ws.ValueVec.load(tmp_path / "plain.wsv")


@pytest.mark.parametrize(
    "params,match",
    [
        ({"method": "sgd"}, "method"),
        ({"epochs": 0}, "epochs"),
        ({"alpha": -1.0}, "alpha"),
        ({"vector_size": 2.5}, "vector_size"),
        ({"patience": 0}, "patience"),
        ({"duplicates": "first"}, "duplicates"),
        ({"value_transform": "sqrt"}, "value_transform"),
        ({"window": 0, "negative": 0}, "no pairs"),
        ({"seed": "x"}, "seed"),
        ({"min_distance": 0}, "min_distance"),
    ],
)
def test_parameters_are_checked_before_any_work(params, match):
    with pytest.raises(ws.ParameterError, match=match):
        ws.ValueVec(**params).fit("/no/such/file.csv", word="a", value="b")


def test_unfitted_model():
    with pytest.raises(ws.ParameterError, match="not fitted"):
        ws.ValueVec().save("/tmp/never.wsv")


def test_adam_on_a_large_vocabulary_uses_block_shuffling_and_learns():
    data = datasets.mixture_values(20_000, seed=3)  # >= 16384 words: block-shuffled epochs
    kw = dict(
        vector_size=8, epochs=4, method="adam", alpha=0.02, batch_size=512, seed=1, patience=None
    )
    a = ws.ValueVec(workers=1, **kw).fit(data, word="word", value="value")
    b = ws.ValueVec(workers=2, **kw).fit(data, word="word", value="value")
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)
    assert np.all(np.diff(a.loss_history_) < 0) and a.loss_history_[-1] < 0.75 * a.loss_history_[0]


def test_values_that_overflow_or_transforms_that_give_nan_are_named():
    big = {f"w{i}": v for i, v in enumerate([1e308, -1e308, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0])}
    with pytest.raises(ws.ValueDataError, match="range overflows float64"):
        ws.ValueVec(epochs=5, value_transform=None).fit(big)
    assert ws.ValueVec(epochs=5).fit(big).value_transform_ == "rank"  # "auto" ranks them
    plain = {f"w{i}": float(i) for i in range(8)}
    with pytest.raises(ws.ValueDataError, match="value_transform returned 8 NaN"):
        ws.ValueVec(epochs=5, value_transform=lambda v: v * np.nan).fit(plain)
    df = pd.DataFrame({"word": ["a", "a", "b", "c"], "value": [1e308, 1e308, 1.0, 2.0]})
    with pytest.raises(ws.ValueDataError, match="non-finite value when their rows are combined"):
        ws.ValueVec(epochs=5).fit(df, word="word", value="value")


@pytest.mark.parametrize("method", ["averaged", "adam"])
def test_diverging_learning_rate_raises(method):
    data = {f"w{i}": float(i) for i in range(40)}
    vv = ws.ValueVec(epochs=30, alpha=1e300, method=method)
    with pytest.raises(ws.TrainingDivergedError, match=r"epoch 1: .*lower alpha \(now"):
        vv.fit(data)
    assert not vv.is_fitted


def test_partial_fit_continues_and_fit_restarts(tmp_path):
    data = {f"w{i}": float(i) for i in range(40)}
    vv = ws.ValueVec(epochs=20, patience=None).fit(data)
    first = vv.wv.vectors.copy()
    vv.fit(data)
    assert vv.epochs_trained_ == 20 and np.array_equal(vv.wv.vectors, first)
    vv.partial_fit()
    assert vv.epochs_trained_ == 40 and len(vv.loss_history_) == 40
    vv.save(tmp_path / "v.wsv")
    loaded = ws.ValueVec.load(tmp_path / "v.wsv")
    loaded.partial_fit(dict(reversed(list(data.items()))))  # same words, other order
    assert loaded.epochs_trained_ == 60
    assert loaded.loss_history_[-1] <= vv.loss_history_[19] + 1e-6
    with pytest.raises(ws.ParameterError, match="same words"):
        loaded.partial_fit({**data, "new": 99.0})
    assert loaded.is_fitted and len(loaded.wv) == 40
