"""fastText kernels: n-gram extraction and hashing against hand-computed values and the
official tool's ids; the update kernels against a slow NumPy reference."""

import numpy as np
import pytest

from wordspace.kernels.fasttext import (
    build_subwords,
    cbow_update,
    compose_vectors,
    ft_hash,
    sg_update,
    subword_gains,
    train_job,
)
from wordspace.kernels.word2vec import _SIG_TABLE, EXP_TABLE_SIZE
from wordspace.vectors.subword import encode_marked, ngram_rows, ngrams, subword_table


def _fnv(data: bytes, signed: bool = True) -> int:
    """Reference: 32-bit FNV-1a; fastText xors each byte as a sign-extended signed char."""
    h = 2166136261
    for c in data:
        if signed and c >= 128:
            c |= 0xFFFFFF00
        h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    return h


def _h(s: str) -> int:
    b = np.frombuffer(s.encode(), np.uint8)
    return int(ft_hash(b, 0, len(b)))


def test_hash_hand_computed():
    # FNV-1a by hand: "" is the offset basis; one byte 'a' (0x61):
    # (2166136261 ^ 0x61) * 16777619 mod 2**32 = 0xE40C292C (the published FNV-1a test vector)
    assert _h("") == 2166136261
    assert _h("a") == 0xE40C292C
    assert _h("foobar") == 0xBF9CF968  # FNV-1a test vector
    # ASCII: fastText's variant equals textbook FNV-1a
    for s in ["<wh", "whe", "her", "ere", "re>", "<where>"]:
        assert _h(s) == _fnv(s.encode()) == _fnv(s.encode(), signed=False)


def test_hash_signed_char_quirk():
    # bytes >= 0x80 are sign-extended before the xor: "ï" = C3 AF differs from textbook FNV-1a
    s = "ï"
    assert _h(s) == _fnv(s.encode())
    assert _h(s) != _fnv(s.encode(), signed=False)
    # by hand, first byte 0xC3 -> 0xFFFFFFC3
    h = ((2166136261 ^ 0xFFFFFFC3) * 16777619) & 0xFFFFFFFF
    h = ((h ^ 0xFFFFFFAF) * 16777619) & 0xFFFFFFFF
    assert _h(s) == h


def test_ngrams_cut_on_characters_with_markers():
    assert ngrams("where", 3, 3) == ["<wh", "whe", "her", "ere", "re>"]
    # the paper's example: minn 3 maxn 6 of "where"
    got = ngrams("where", 3, 6)
    assert len(got) == 5 + 4 + 3 + 2 and "<where" in got and "where>" in got
    # single characters, but never a lone marker
    assert ngrams("ab", 1, 1) == ["a", "b"]
    # multi-byte characters are never split
    assert ngrams("日本", 2, 4) == ["<日", "<日本", "<日本>", "日本", "日本>", "本>"]


# the official fastText 0.9.2's get_subwords ids, model with 9670 words, bucket=97, minn=2,
# maxn=4 (ids are 9670 + hash % 97)
OFFICIAL = {
    "naïve": [
        9734,
        9682,
        9685,
        9714,
        9715,
        9724,
        9682,
        9764,
        9745,
        9742,
        9711,
        9692,
        9753,
        9716,
        9690,
    ],
    "日本": [9673, 9723, 9705, 9763, 9747, 9683],
}


@pytest.mark.parametrize("word", sorted(OFFICIAL))
def test_ngram_ids_match_the_official_tool(word):
    assert (ngram_rows(word, 2, 4, 97) + 9670).tolist() == OFFICIAL[word]
    expect = [9670 + _fnv(g.encode()) % 97 for g in ngrams(word, 2, 4)]
    assert expect == OFFICIAL[word]


def test_subword_table_csr():
    words = ["the", "</s>", "naïve"]
    ptr, idx = subword_table(words, 2, 4, 97)
    assert ptr.dtype == np.int64 and idx.dtype == np.int32
    rows = [idx[ptr[k] : ptr[k + 1]].tolist() for k in range(3)]
    assert rows[0] == [0] + (ngram_rows("the", 2, 4, 97) + 3).tolist()
    assert rows[1] == [1]  # end of sentence: no n-grams
    assert rows[2] == [2] + (ngram_rows("naïve", 2, 4, 97) + 3).tolist()
    # maxn=0: words only
    ptr0, idx0 = subword_table(words, 0, 0, 97)
    assert idx0.tolist() == [0, 1, 2] and ptr0.tolist() == [0, 1, 2, 3]
    # without the word's own row (out-of-vocabulary lookups)
    buf, off = encode_marked(["naïve"])
    p, i = build_subwords(buf, off, np.zeros(1, np.bool_), False, 2, 4, 97, 0)
    assert i.tolist() == ngram_rows("naïve", 2, 4, 97).tolist()


def test_compose_vectors_is_the_mean_of_rows():
    rng = np.random.default_rng(0)
    words = ["ab", "abc", "</s>"]
    ptr, idx = subword_table(words, 2, 3, 11)
    wi = rng.normal(size=(3 + 11, 4)).astype(np.float32)
    out = np.empty((3, 4), np.float32)
    compose_vectors(wi, ptr, idx, out)
    for k in range(3):
        np.testing.assert_allclose(out[k], wi[idx[ptr[k] : ptr[k + 1]]].mean(0), rtol=1e-6)


# ------------------------------------------------------------------ update kernels
def _sig(x):
    if x >= 8:
        return 1.0
    if x <= -8:
        return 0.0
    return float(_SIG_TABLE[int((x + 8) * EXP_TABLE_SIZE / 16)])


def _ref_ns(h, wo, target, negs, alpha):
    work = np.zeros_like(h)
    loss = 0.0
    for k, (t, label) in enumerate([(target, 1.0)] + [(n, 0.0) for n in negs]):
        f = h @ wo[t]
        g = (label - _sig(f)) * alpha
        loss += np.log1p(np.exp(-f)) if k == 0 else np.log1p(np.exp(f))
        work += g * wo[t]
        wo[t] += g * h
    return work, loss


def _ref_hs(h, syn1, code, point, alpha):
    work = np.zeros_like(h)
    loss = 0.0
    for c, p in zip(code.astype(np.float64), point, strict=True):
        f = h @ syn1[p]
        g = (1.0 - c - _sig(f)) * alpha
        loss += np.log1p(np.exp(-f)) if c == 0 else np.log1p(np.exp(f))
        work += g * syn1[p]
        syn1[p] += g * h
    return work, loss


@pytest.fixture
def model():
    rng = np.random.default_rng(7)
    words = ["cat", "cats", "dog", "</s>", "x"]
    ptr, idx = subword_table(words, 2, 3, 13)
    V, D = len(words), 6
    wi = rng.normal(0, 0.4, (V + 13, D)).astype(np.float32)
    wo = rng.normal(0, 0.4, (V, D)).astype(np.float32)
    syn1 = rng.normal(0, 0.4, (V - 1, D)).astype(np.float32)
    codes = np.array([[0, 1, 1], [1, 0, 0], [1, 1, 0], [0, 0, 0], [1, 0, 1]], np.uint8)
    points = np.array([[0, 1, 2], [0, 1, 3], [0, 2, 3], [0, 1, 2], [0, 3, 1]], np.int32)
    lens = np.array([3, 2, 3, 1, 2], np.int32)
    return ptr, idx, wi, wo, syn1, codes, points, lens


def _with_repeats(ptr, idx, word, rows):
    """The CSR with ``word``'s list replaced by ``rows`` (repeats allowed)."""
    lists = [list(idx[ptr[w] : ptr[w + 1]]) for w in range(len(ptr) - 1)]
    lists[word] = list(rows)
    new_ptr = np.concatenate([[0], np.cumsum([len(x) for x in lists])]).astype(np.int64)
    return new_ptr, np.array([r for x in lists for r in x], np.int32)


@pytest.mark.parametrize("repeats", [False, True])
@pytest.mark.parametrize("use_neg,use_hs", [(True, False), (False, True), (True, True)])
def test_skipgram_update_against_numpy(model, use_neg, use_hs, repeats):
    ptr, idx, wi, wo, syn1, codes, points, lens = model
    word, alpha = 1, 0.1
    if repeats:  # a row twice in the list (an n-gram repeated, or two sharing a bucket)
        ptr, idx = _with_repeats(ptr, idx, word, [1, 7, 9, 7, 12])
    targets = np.array([0, 2, 4], np.int32)
    negs = np.array([[2, 3], [0, 0], [1, 3]], np.int32)
    n_negs = np.array([2, 1, 2], np.int64)
    # reference in float64, the official tool's order: for each target, the mean of the
    # centre word's rows (recomputed), its gradient, then every row of the list updated
    rwi, rwo, rs1 = (a.astype(np.float64) for a in (wi, wo, syn1))
    rows = idx[ptr[word] : ptr[word + 1]]
    loss_ref = 0.0
    for t, ng, k in zip(targets, negs, n_negs, strict=True):
        h = rwi[rows].mean(0)
        grad = np.zeros(6)
        if use_hs:
            w, ls = _ref_hs(h, rs1, codes[t][: lens[t]], points[t][: lens[t]], alpha)
            grad += w
            loss_ref += ls
        if use_neg:
            w, ls = _ref_ns(h, rwo, t, ng[:k], alpha)
            grad += w
            loss_ref += ls
        for r in rows:  # repeats get the gradient once per occurrence
            rwi[r] += grad
    gains = subword_gains(ptr, idx)
    if repeats:
        assert gains[word] == pytest.approx((1 + 4 + 1 + 1) / 5)  # row 7 twice: 2**2
    assert np.all(np.delete(gains, word) >= 1.0)
    loss = sg_update(
        wi,
        wo,
        syn1,
        ptr,
        idx,
        gains,
        word,
        targets,
        3,
        negs,
        n_negs,
        codes,
        points,
        lens,
        np.float32(alpha),
        np.zeros(6, np.float32),
        np.zeros(6, np.float32),
        np.zeros(6, np.float32),
        use_neg,
        use_hs,
        True,
    )
    np.testing.assert_allclose(wi, rwi, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(wo, rwo, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(syn1, rs1, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(loss_ref, rel=1e-5)


@pytest.mark.parametrize("cbow_mean", [1, 0])
@pytest.mark.parametrize("use_neg,use_hs", [(True, False), (False, True)])
def test_cbow_update_against_numpy(model, cbow_mean, use_neg, use_hs):
    ptr, idx, wi, wo, syn1, codes, points, lens = model
    word, alpha = 2, 0.05
    ctx = np.array([0, 1, 3], np.int32)
    negs = np.array([4, 1], np.int32)
    rwi, rwo, rs1 = (a.astype(np.float64) for a in (wi, wo, syn1))
    rows = np.concatenate([idx[ptr[c] : ptr[c + 1]] for c in ctx])
    h = rwi[rows].sum(0)
    if cbow_mean:
        h = h / len(rows)
    work = np.zeros(6)
    loss_ref = 0.0
    if use_hs:
        w, loss_ref = _ref_hs(h, rs1, codes[word][: lens[word]], points[word][: lens[word]], alpha)
        work += w
    if use_neg:
        w, ls = _ref_ns(h, rwo, word, negs, alpha)
        work += w
        loss_ref += ls
    if not cbow_mean:
        work /= len(rows)
    for r in rows:
        rwi[r] += work
    loss = cbow_update(
        wi,
        wo,
        syn1,
        ptr,
        idx,
        ctx,
        3,
        word,
        negs,
        2,
        codes[word],
        points[word],
        lens[word],
        np.float32(alpha),
        np.zeros(6, np.float32),
        np.zeros(6, np.float32),
        cbow_mean,
        use_neg,
        use_hs,
        True,
    )
    np.testing.assert_allclose(wi, rwi, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(wo, rwo, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(syn1, rs1, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(loss_ref, rel=1e-5)


@pytest.mark.parametrize("compute_loss", [True, False])
def test_skipgram_update_with_five_noise_words_against_numpy(compute_loss):
    """negative=5 (the default) takes a six-row path when the five are distinct; a repeat
    among them falls back to row by row, where the second copy sees the first's update."""
    rng = np.random.default_rng(11)
    words = ["cat", "cats", "dog", "dogs", "bird", "fish", "cow", "ant", "</s>"]
    ptr, idx = subword_table(words, 2, 4, 29)
    V, D = len(words), 37  # 37: the vector loops' remainder is exercised too
    wi = rng.normal(0, 0.4, (V + 29, D)).astype(np.float32)
    wo = rng.normal(0, 0.4, (V, D)).astype(np.float32)
    word, alpha = 3, 0.1
    targets = np.array([0, 5, 2], np.int32)
    negs = np.array([[1, 2, 3, 4, 6], [7, 7, 1, 0, 8], [8, 6, 4, 1, 0]], np.int32)
    n_negs = np.full(3, 5, np.int64)
    rwi, rwo = wi.astype(np.float64), wo.astype(np.float64)
    rows = idx[ptr[word] : ptr[word + 1]]
    loss_ref = 0.0
    for t, ng in zip(targets, negs, strict=True):
        h = rwi[rows].mean(0)
        grad, ls = _ref_ns(h, rwo, t, ng, alpha)
        loss_ref += ls
        for r in rows:
            rwi[r] += grad
    dummy = np.zeros((1, 1), np.uint8), np.zeros((1, 1), np.int32), np.zeros(1, np.int32)
    loss = sg_update(
        wi,
        wo,
        np.zeros((1, D), np.float32),
        ptr,
        idx,
        subword_gains(ptr, idx),
        word,
        targets,
        3,
        negs,
        n_negs,
        *dummy,
        np.float32(alpha),
        np.zeros(D, np.float32),
        np.zeros(D, np.float32),
        np.zeros(D, np.float32),
        True,
        False,
        compute_loss,
    )
    np.testing.assert_allclose(wi, rwi, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(wo, rwo, rtol=1e-5, atol=1e-6)
    if compute_loss:
        assert loss == pytest.approx(loss_ref, rel=1e-5)
    else:
        assert loss == 0.0


# ------------------------------------------------------------------ a whole job
_M64 = (1 << 64) - 1


def _lcg(x):
    return (x * 25214903917 + 11) & _M64


def _ref_job(ids, starts, wi, wo, ptr, idx, thr, alias, sg, negative, window, alpha, seed, drawn):
    """Reference job: sample=0, fixed windows, constant alpha; the kernel's random stream.
    Every draw of noise words is appended to ``drawn``."""
    wi, wo = wi.astype(np.float64), wo.astype(np.float64)
    r = seed
    n_noise = len(thr)

    def draw(avoid):
        nonlocal r
        out = []
        for _ in range(negative):
            r1 = _lcg(r)
            r = _lcg(r1)
            i = ((r1 >> 32) * n_noise) >> 32
            u = (r >> 16) & 0xFFFFFFFF
            t = i if u < thr[i] else int(alias[i])
            if t != avoid:
                out.append(t)
        drawn.append(out)
        return out

    for s in range(len(starts) - 1):
        sent = list(ids[starts[s] : starts[s + 1]])
        for _ in sent:
            r = _lcg(r)  # the subsampling draw (sample=0 keeps every word)
        for i, w in enumerate(sent):
            ctx = [
                sent[j] for j in range(max(0, i - window), min(len(sent), i + window + 1)) if j != i
            ]
            if not ctx:
                continue
            if sg:
                rows = idx[ptr[w] : ptr[w + 1]]
                for c in ctx:  # the official tool: pair by pair, the mean recomputed
                    h = wi[rows].mean(0)
                    grad = _ref_ns(h, wo, c, draw(c), alpha)[0]
                    for q in rows:
                        wi[q] += grad
            else:
                rows = np.concatenate([idx[ptr[c] : ptr[c + 1]] for c in ctx])
                h = wi[rows].mean(0)
                work = _ref_ns(h, wo, w, draw(w), alpha)[0]
                for q in rows:
                    wi[q] += work
    return wi, wo


@pytest.mark.parametrize("negative", [3, 5])
@pytest.mark.parametrize("sg", [1, 0])
def test_train_job_against_numpy(sg, negative):
    from wordspace.text.vocab import Vocabulary

    rng = np.random.default_rng(3)
    words = ["aa", "ab", "ba", "bb", "abc", "ca", "cb", "cc", "bcd", "dd", "</s>"]
    V = len(words)
    vocab = Vocabulary(words, [9, 7, 5, 4, 3, 3, 3, 2, 2, 2, 2])
    ptr, idx = subword_table(words, 2, 3, 17)
    wi = rng.uniform(-0.2, 0.2, (V + 17, 5)).astype(np.float32)
    wo = rng.uniform(-0.2, 0.2, (V, 5)).astype(np.float32)
    ids = rng.integers(0, V, 40).astype(np.int32)
    starts = np.array([0, 7, 19, 20, 40], np.int64)
    thr, alias = vocab.noise_alias(0.75)
    keep = np.full(V, 2**32 - 1, np.int64)
    alpha, seed = 0.05, 12345
    drawn: list[list[int]] = []
    ref_wi, ref_wo = _ref_job(
        ids, starts, wi, wo, ptr, idx, thr, alias, sg, negative, 2, alpha, seed, drawn
    )
    if sg and negative == 5:  # both of skip-gram's paths ran: five distinct, and a repeat
        assert any(len(set(d)) == 5 for d in drawn)
        assert any(len(set(d)) < len(d) for d in drawn)
    dummy = np.zeros((1, 1), np.uint8), np.zeros((1, 1), np.int32), np.zeros(1, np.int32)
    seen, trained, _, _ = train_job(
        ids,
        starts,
        0,
        4,
        wi,
        wo,
        np.zeros((5, 5), np.float32),
        ptr,
        idx,
        subword_gains(ptr, idx),
        keep,
        thr,
        alias,
        *dummy,
        sg,
        False,
        negative,
        1,
        2,
        False,
        alpha,
        0.0,
        0,
        1.0,
        np.uint64(seed),
        False,
    )
    assert seen == trained == 40
    np.testing.assert_allclose(wi, ref_wi, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(wo, ref_wo, rtol=1e-4, atol=1e-5)


def test_uniform_rows_range_moments_and_thread_split():
    from wordspace.kernels.fasttext import uniform_rows
    from wordspace.train.fasttext import _uniform_matrix

    a = _uniform_matrix(140_000, 50, 7, 1)
    b = _uniform_matrix(140_000, 50, 7, 3)  # three threads: the same matrix
    np.testing.assert_array_equal(a, b)
    assert a.min() >= -1 / 50 and a.max() < 1 / 50
    # uniform on [-1/d, 1/d): mean 0, std 1/(d sqrt 3); 7M draws
    assert abs(a.mean()) < 1e-5
    assert a.std() * 50 * np.sqrt(3) == pytest.approx(1.0, abs=1e-3)
    assert not np.array_equal(a, _uniform_matrix(140_000, 50, 8, 1))  # the seed matters
    # rows filled one range at a time give the same rows as one call
    out = np.zeros((10, 50), np.float32)
    uniform_rows(out, 0, 4, np.uint64(99))
    uniform_rows(out, 4, 10, np.uint64(99))
    ref = np.zeros((10, 50), np.float32)
    uniform_rows(ref, 0, 10, np.uint64(99))
    np.testing.assert_array_equal(out, ref)
    assert len({tuple(r) for r in ref}) == 10  # rows differ
