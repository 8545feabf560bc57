"""The HNSW walk (wordspace.kernels.index_hnsw) over usearch's graph: the graph read from
usearch's serialized bytes is usearch's own (every node's level-0 neighbours, checked against
the vectors usearch stored), the walk with ``ef`` as large as the model is the exact top-k,
batches equal single queries, the scratch of one index never confuses another, and a graph in
a layout the parser does not know falls back to usearch's walk with the same results."""

from __future__ import annotations

import logging

import numpy as np
import pytest

import wordspace as ws
from wordspace.kernels import index_hnsw as H
from wordspace.vectors.index import load_index


def model(n=2000, d=12, seed=5, bad=()):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    for i in bad:
        x[i, 0] = np.nan
    return ws.WordVectors([f"w{i}" for i in range(n)], x)


def exact_top(unit, q, k, skip=()):
    s = unit @ q
    s[list(skip)] = -np.inf
    return list(np.argsort(-s, kind="stable")[:k])


def test_the_parsed_graph_is_usearchs():
    wv = model(bad=(7, 1500))
    ix = wv.build_index("hnsw", dtype="f32")
    links0, up_row, upper, entry, top = H.parse_usearch(
        np.frombuffer(ix._backend.save(), np.uint8), len(wv)
    )
    n = len(wv)
    assert links0.shape == (n, 32) and links0.dtype == np.int32
    assert top == ix._backend.max_level and 0 <= entry < n
    # every node has neighbours, none of them itself, the NaN rows, or out of range; the NaN
    # rows are not nodes
    for r in range(n):
        nb = links0[r][links0[r] >= 0]
        if r in (7, 1500):
            assert len(nb) == 0 and up_row[r] == -1
            continue
        assert 0 < len(nb) <= 32 and r not in nb and not {7, 1500} & set(nb.tolist())
        assert len(set(nb.tolist())) == len(nb)
    # the keys: usearch's stored vector of each neighbour's key is that row's unit vector
    unit = wv.get_normed_vectors()
    rows = np.unique(links0[:50][links0[:50] >= 0]).astype(np.uint64)
    np.testing.assert_allclose(ix._backend.get(rows), unit[rows.astype(np.int64)], atol=1e-6)
    # the upper levels: the nodes usearch counts above level 0
    stats = ix._backend.levels_stats
    assert (up_row >= 0).sum() == stats[1].nodes
    assert upper.shape[1] == max(top, 1)


@pytest.mark.parametrize("codes", ["f32", "i8"])
@pytest.mark.parametrize("seed", [0, 1])
def test_a_walk_as_wide_as_the_model_is_exact(seed, codes):
    wv = model(n=600, d=8, seed=seed)
    ix = wv.build_index("hnsw", threads=1)  # one thread: the same graph every run
    ix._walk_codes = codes  # what the walk scores with (the top k is re-scored in float32)
    unit = wv.get_normed_vectors()
    links0 = ix._walk_graph(unit)[2]
    assert (links0 >= 0).sum(axis=1).min() >= 4  # a well connected graph: every row reachable
    ix.params["ef"] = 600  # the walk visits every node reachable from the entry
    rng = np.random.default_rng(seed)
    for i in rng.choice(600, 20, replace=False):
        q = np.ascontiguousarray(unit[i])
        idx, sc = ix.search_one(unit, q, 10)
        truth = exact_top(unit, q, 10)
        # the exact top 10, up to the order of float32 near-ties
        np.testing.assert_allclose(sc, (unit @ q)[truth], rtol=0, atol=1e-6)
        assert len(set(idx.tolist()) ^ set(truth)) <= 2
        ref = [np.float32(np.dot(unit[j].astype(np.float64), q)) for j in idx]
        np.testing.assert_allclose(sc, ref, rtol=0, atol=1e-6)
        assert list(sc) == sorted(sc, reverse=True)


def test_int8_rows_against_numpy():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((300, 37)).astype(np.float32)
    x[4] = 0
    x[5, 3] = np.nan
    x[6, 0] = np.inf
    x[7] = 0
    x[7, 2] = -1e-30  # a tiny row: the scale stays finite
    codes, scale = H.pack_rows_int8(x)
    assert codes.dtype == np.int8 and codes.shape == x.shape and np.abs(codes).max() <= 127
    for i in (4, 5, 6):
        assert not codes[i].any() and scale[i] == 1
    ok = np.r_[0:4, 7:300]
    ref_scale = np.abs(x[ok]).max(axis=1) / np.float32(127)
    np.testing.assert_array_equal(scale[ok], ref_scale)
    err = np.abs(codes[ok] * scale[ok, None] - x[ok])
    assert (err <= scale[ok, None] * 0.5001).all()
    assert (np.abs(codes[ok]).max(axis=1) == 127).all()


@pytest.mark.parametrize("dim", [16, 80])
def test_auto_walks_float32_rows_when_short_and_int8_codes_when_long(dim):
    wv = model(n=400, d=dim)
    ix = wv.build_index("hnsw")
    wv.most_similar("w1")
    vec = ix._graph[0]
    assert vec.dtype == (np.float32 if dim * 4 <= 256 else np.int8)
    # either way the scores are the float32 cosines and the rows the exact ones where the walk
    # is as wide as the model
    ix.params["ef"] = 400
    got = wv.most_similar("w1", topn=5)
    assert [w for w, _ in got] == [w for w, _ in wv.most_similar("w1", topn=5, exact=True)]


def test_batches_equal_single_queries_and_scratch_is_per_index():
    a, b = model(seed=1), model(seed=2)
    a.build_index("hnsw")
    b.build_index("hnsw")
    words = [f"w{i}" for i in range(0, 2000, 37)]
    many = a.most_similar_many(words, topn=8)
    # single queries interleaved with another index's on the same thread: each index keeps
    # its own visited marks and epoch
    for w, m in zip(words, many, strict=True):
        one = a.most_similar(w, topn=8)
        # the same rows; the scores to float32's last bits (most_similar_many normalises the
        # query in float32, a single word's query is its row over the float64 norm)
        assert [x for x, _ in one] == [x for x, _ in m]
        np.testing.assert_allclose([s for _, s in one], [s for _, s in m], rtol=0, atol=1e-6)
        b.most_similar(w, topn=8)
    assert a.index.stats["queries"] == 2 * len(words)


def test_the_epoch_wraps():
    wv = model(n=500, d=8)
    ix = wv.build_index("hnsw")
    unit = wv.get_normed_vectors()
    first = ix.search_one(unit, np.ascontiguousarray(unit[3]), 5)
    vis, epoch, *_ = ix._scratch(500, 64)
    epoch[0] = np.uint32(2**32 - 1)
    vis[:] = np.uint32(2**32 - 1)  # every row marked by the last epoch before the wrap
    again = ix.search_one(unit, np.ascontiguousarray(unit[3]), 5)
    assert epoch[0] == 1
    assert list(again[0]) == list(first[0]) and list(again[1]) == list(first[1])


def test_an_unknown_layout_falls_back_to_usearchs_walk(tmp_path, caplog):
    wv = model()
    ix = wv.build_index("hnsw")
    words = [f"w{i}" for i in range(0, 2000, 101)]
    ours = wv.most_similar_many(words, topn=5)
    ix.save(tmp_path / "m.index")
    back = load_index(tmp_path / "m.index")
    back._keep = back._keep[:-4]  # the parser finds the nodes do not end where the bytes do
    wv2 = model()
    wv2.attach_index(back)
    with caplog.at_level(logging.WARNING, logger="wordspace.vectors.index"):
        theirs = wv2.most_similar_many(words, topn=5)
        single = [wv2.most_similar(w, topn=5) for w in words]
    assert "usearch's own walk" in caplog.text
    assert back._graph is False
    assert [[x for x, _ in r] for r in theirs] == [[x for x, _ in r] for r in single]
    overlap = np.mean(
        [len({x for x, _ in a} & {x for x, _ in b}) / 5 for a, b in zip(ours, theirs, strict=True)]
    )
    assert overlap >= 0.95


@pytest.mark.parametrize("damage", ["short", "longer", "magic"])
def test_the_parser_refuses_damaged_bytes(damage):
    wv = model(n=300, d=6)
    ix = wv.build_index("hnsw")
    blob = np.frombuffer(ix._backend.save(), np.uint8).copy()
    if damage == "short":
        bad = blob[:6]
    elif damage == "longer":
        bad = np.concatenate([blob, np.zeros(8, np.uint8)])
    else:  # the magic after the vectors is gone
        bad = blob.copy()
        rows, cols = np.frombuffer(bad[:8].tobytes(), "<u4")
        bad[8 + int(rows) * int(cols)] = ord("X")
    with pytest.raises(H.GraphFormatError):
        H.parse_usearch(bad, len(wv))
    H.parse_usearch(blob, len(wv))  # the undamaged bytes parse
    with pytest.raises(H.GraphFormatError, match="out of range"):
        H.parse_usearch(blob, 100)  # keys beyond the model's rows
