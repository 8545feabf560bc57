"""Neighbour indexes (wordspace.vectors.index): recall where the exact answer is known, the
reduced-precision scans equal to the exact top-k, the stale-index refusal, save/load, the CLI
``index`` command and the gensim ``indexer=`` (the hnsw backend, usearch, is in ``[dev]``)."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

import wordspace as ws
from wordspace.cli import main
from wordspace.errors import FormatError, MissingDependencyError, ParameterError, StaleIndexError
from wordspace.vectors.index import index_path, load_index


def clustered(n_clusters=40, per=25, dim=24, noise=0.05, seed=0):
    """Clusters far apart (orthogonal-ish centres, small noise): a word's 10 nearest
    neighbours are members of its own cluster, whatever the noise drew."""
    rng = np.random.default_rng(seed)
    centres = np.linalg.qr(rng.standard_normal((dim * 2, dim * 2)))[0][:n_clusters, :dim]
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    x = np.repeat(centres, per, axis=0) + noise * rng.standard_normal((n_clusters * per, dim))
    words = [f"w{i}" for i in range(len(x))]
    return ws.WordVectors(words, x.astype(np.float32)), np.repeat(np.arange(n_clusters), per)


@pytest.fixture(scope="module")
def data():
    return clustered()


def names(res):
    return [w for w, _ in res]


@pytest.mark.parametrize("method", ["hnsw", "exact-f16", "exact-int8"])
def test_neighbours_stay_in_the_planted_cluster(data, method):
    wv, label = data
    wv = ws.WordVectors(wv.index_to_key, wv.vectors)  # a fresh object per method
    ix = wv.build_index(method)
    assert wv.index is ix
    hits = 0
    for i in range(0, len(wv), 7):
        res = wv.most_similar(f"w{i}", topn=10)
        assert len(res) == 10 and f"w{i}" not in names(res)
        hits += sum(label[int(w[1:])] == label[i] for w in names(res))
    assert hits == 10 * len(range(0, len(wv), 7))  # recall 1.0 of the known answer


@pytest.mark.parametrize("method", ["exact-f16", "exact-int8"])
def test_reduced_precision_equals_the_exact_top_k(method):
    """Random vectors (no structure to help) and near-duplicates 1e-4 apart (far below the
    float16/int8 rounding): the words and their order equal the float32 scan's wherever the
    float32 scores are not tied to within their last bits (summation order decides those)."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3000, 40)).astype(np.float32)
    x[1000:1100] = x[5] + 1e-4 * rng.standard_normal((100, 40)).astype(np.float32)
    wv = ws.WordVectors([f"w{i}" for i in range(len(x))], x)
    queries = [*range(0, 3000, 37), 5, 1001]
    exact = [wv.most_similar(f"w{i}", topn=16) for i in queries]
    ix = wv.build_index(method)
    untied = 0
    for i, ref in zip(queries, exact, strict=True):
        got = wv.most_similar(f"w{i}", topn=15)
        ref_s = np.array([s for _, s in ref])
        np.testing.assert_allclose([s for _, s in got], ref_s[:15], atol=1e-6)
        if np.diff(ref_s).max() < -1e-5:  # no near-tie, at the cut included
            assert names(got) == names(ref)[:15]
            untied += 1
    assert untied >= len(queries) - 10
    q = rng.standard_normal(40).astype(np.float32)
    assert names(wv.similar_by_vector(q, topn=5)) == names(
        wv.similar_by_vector(q, exact=True, topn=5)
    )
    # the crowd of near-duplicates around w5 (within the rounding bound of each other) all
    # reach the float32 re-ranking rather than be cut by the reduced-precision scores
    assert ix.stats["max_candidates"] >= 100
    assert ix.stats["candidates"] < ix.stats["queries"] * 3000 / 4


def test_hnsw_recall_on_random_vectors():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((8000, 32)).astype(np.float32)
    wv = ws.WordVectors([f"w{i}" for i in range(len(x))], x)
    queries = [f"w{i}" for i in range(0, 8000, 40)]
    exact = wv.most_similar_many(queries, topn=10)
    wv.build_index("hnsw")
    got = wv.most_similar_many(queries, topn=10)
    recall = np.mean(
        [len(set(names(a)) & set(names(b))) / 10 for a, b in zip(got, exact, strict=True)]
    )
    assert recall >= 0.95
    single = [wv.most_similar(q, topn=10) for q in queries[:50]]
    r1 = np.mean(
        [len(set(names(a)) & set(names(b))) / 10 for a, b in zip(single, exact, strict=False)]
    )
    assert r1 >= 0.95
    assert wv.most_similar_many(queries[:5], topn=10, exact=True) == exact[:5]


def test_exact_and_restrict_vocab_bypass_the_index(data):
    wv, _ = data
    wv = ws.WordVectors(wv.index_to_key, wv.vectors)
    ix = wv.build_index("exact-int8")
    before = ix.stats["queries"]
    wv.most_similar("w1", exact=True)
    wv.most_similar("w1", restrict_vocab=100)
    assert ix.stats["queries"] == before
    wv.most_similar("w1")
    assert ix.stats["queries"] == before + 1


def test_stale_index_is_refused(tmp_path, data):
    wv, _ = data
    model = tmp_path / "m.wsv"
    wv.save(model)
    wv2 = ws.WordVectors.load(model)
    wv2.build_index("exact-f16").save(index_path(model))
    edited = np.array(wv.vectors)
    edited[17, 3] += 0.5  # one number of one word
    ws.WordVectors(wv.index_to_key, edited).save(model)
    fresh = ws.WordVectors.load(model)
    with pytest.raises(StaleIndexError, match="rebuild"):
        fresh.attach_index(index_path(model))
    assert fresh.index is None
    # the same model, renamed words: stale too
    renamed = ws.WordVectors([w.upper() for w in wv.index_to_key], wv.vectors)
    with pytest.raises(StaleIndexError):
        renamed.attach_index(load_index(index_path(model)))
    # vectors replaced after attaching: the next query refuses, exact=True still answers
    ok = ws.WordVectors(wv.index_to_key, wv.vectors)
    ok.attach_index(wv2.index)
    ok.vectors = edited
    ok.fill_norms(force=True)
    with pytest.raises(StaleIndexError):
        ok.most_similar("w1")
    assert len(ok.most_similar("w1", exact=True)) == 10


@pytest.mark.parametrize("method", ["hnsw", "exact-f16", "exact-int8"])
def test_save_load_round_trip(tmp_path, data, method):
    wv, _ = data
    wv = ws.WordVectors(wv.index_to_key, wv.vectors)
    wv.build_index(method)
    before = [wv.most_similar(f"w{i}", topn=8) for i in range(0, 1000, 50)]
    p = tmp_path / "m.wsv.index"
    wv.index.save(p)
    other = ws.WordVectors(wv.index_to_key, wv.vectors)
    loaded = other.attach_index(p)
    assert loaded.method == method and loaded.fingerprint == wv.index.fingerprint
    if method != "hnsw":
        assert isinstance(loaded.arrays["blocks"], np.memmap)  # mapped, not read
    assert [other.most_similar(f"w{i}", topn=8) for i in range(0, 1000, 50)] == before
    eager = load_index(p, mmap=False)
    other.attach_index(eager)
    assert [other.most_similar(f"w{i}", topn=8) for i in range(0, 1000, 50)] == before


def test_damaged_index_files(tmp_path, data):
    wv, _ = data
    p = tmp_path / "x.index"
    p.write_bytes(b"not an index at all")
    with pytest.raises(FormatError, match="not a wordspace index"):
        load_index(p)
    ws.WordVectors(wv.index_to_key, wv.vectors).build_index("exact-int8").save(p)
    raw = p.read_bytes()
    p.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(FormatError, match="truncated or damaged"):
        load_index(p)
    with pytest.raises(FormatError, match="no index"):
        load_index(tmp_path / "missing.index")


def test_bad_parameters_and_missing_backend(data, monkeypatch):
    wv, _ = data
    with pytest.raises(ParameterError, match="method must be one of"):
        wv.build_index("annoy")
    with pytest.raises(ParameterError, match="unknown hnsw parameter"):
        wv.build_index("hnsw", trees=10)
    with pytest.raises(ParameterError, match="integer >= 2"):
        wv.build_index("hnsw", M=1)
    with pytest.raises(ParameterError, match="takes no parameters"):
        wv.build_index("exact-f16", M=16)
    monkeypatch.setitem(sys.modules, "usearch.index", None)  # as if not installed
    with pytest.raises(MissingDependencyError, match=r"wordspace\[index\]"):
        wv.build_index("hnsw")


def test_nonfinite_rows_are_never_returned():
    """Rows holding NaN are coded as zeros in the reduced copies: with every other row
    pointing away from the query they would score best, yet they are never candidates."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((500, 16)).astype(np.float32)
    x[2:] -= 3 * x[1]  # every other word has a negative cosine with w1
    x[[3, 40]] = np.nan
    wv = ws.WordVectors([f"w{i}" for i in range(500)], x)
    ref = wv.most_similar("w1", topn=20)
    for method in ("hnsw", "exact-f16", "exact-int8"):
        wv.build_index(method)
        got = wv.most_similar("w1", topn=20)
        assert not {"w3", "w40"} & set(names(got))
        if method != "hnsw":
            assert names(got) == names(ref)


# ------------------------------------------------------------------------------------ CLI
def run(capsys, *args):
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_index_then_queries_use_it(capsys, tmp_path, data):
    wv, _ = data
    model = tmp_path / "m.wsv"
    wv.save(model)
    code, out, err = run(capsys, "index", model, "--method", "exact-int8", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["index"] == str(index_path(model)) and rec["words"] == len(wv)
    assert index_path(model).is_file()
    code, out, _ = run(capsys, "similar", model, "w3", "-n", "5", "--json")
    assert code == 0
    assert [r["word"] for r in json.loads(out)["w3"]] == names(wv.most_similar("w3", topn=5))
    # the model edited after indexing: one line, exit 2; --exact still answers
    edited = np.array(wv.vectors)
    edited[0] *= -1
    ws.WordVectors(wv.index_to_key, edited).save(model)
    code, out, err = run(capsys, "similar", model, "w3")
    assert code == 2 and "wordspace index MODEL" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, "similar", model, "w3", "--exact", "--json")
    assert code == 0 and len(json.loads(out)["w3"]) == 10
    code, out, err = run(capsys, "index", model)  # rebuild (hnsw) over the old index file
    assert code == 0 and "hnsw index" in out
    code, out, _ = run(capsys, "analogy", model, "w1", "w2", "w3", "--json")
    assert code == 0 and json.loads(out)["results"]


def test_cli_index_refuses_bad_input(capsys, tmp_path, data):
    wv, _ = data
    model = tmp_path / "m.wsv"
    wv.save(model)
    code, _, err = run(capsys, "index", model, "-o", model)
    assert code == 2 and "is the model itself" in err
    assert ws.WordVectors.load(model).index_to_key == wv.index_to_key  # untouched
    code, _, err = run(capsys, "index", model, "--method", "exact-f16", "--ef", "50")
    assert code == 2 and "--method hnsw" in err
    code, _, err = run(capsys, "index", model, "--method", "lsh")
    assert code == 2 and "--method must be one of" in err
    code, _, err = run(capsys, "similar", model, "w1", "--index", tmp_path / "none.index")
    assert code == 2 and "does not exist" in err


# --------------------------------------------------------------------------------- gensim
def test_gensim_annoy_indexer(tmp_path, data):
    from wordspace.compat.gensim.models import KeyedVectors
    from wordspace.compat.gensim.similarities.annoy import AnnoyIndexer

    wv, label = data
    kv = KeyedVectors(wv.vector_size)
    kv.add_vectors(wv.index_to_key, np.asarray(wv.vectors))
    ix = AnnoyIndexer(kv, 100)
    res = kv.most_similar("w30", topn=5, indexer=ix)
    assert res[0][0] == "w30" and res[0][1] == pytest.approx(1.0, abs=1e-5)  # as gensim
    assert all(label[int(w[1:])] == label[30] for w, _ in res)
    assert names(kv.most_similar("w30", topn=4)) == names(res[1:])
    p = tmp_path / "annoy.index"
    ix.save(str(p))
    again = AnnoyIndexer()
    again.load(str(p))
    again.model = kv
    assert kv.most_similar("w30", topn=5, indexer=again) == res
    with pytest.raises(ParameterError, match="Only a Word2Vec"):
        AnnoyIndexer(object(), 10)


def test_explorer_uses_the_index(data):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about httpx versions
        from fastapi.testclient import TestClient

    from wordspace.viz.explore import create_app

    wv, _ = data
    wv = ws.WordVectors(wv.index_to_key, wv.vectors)
    ix = wv.build_index("exact-int8")
    client = TestClient(create_app(wv))
    assert client.get("/api/info").json()["index"] == "exact-int8"
    before = ix.stats["queries"]
    got = client.get("/api/neighbors", params={"word": "w7", "n": 5}).json()
    assert ix.stats["queries"] == before + 1
    assert [r["word"] for r in got["neighbors"]] == names(wv.most_similar("w7", topn=5, exact=True))
