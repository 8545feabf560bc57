"""Text similarity: WMD by hand on 2-D vectors, strings vs characters, SIF, ranking."""

from __future__ import annotations

import json
import math
import sys
from collections import Counter

import numpy as np
import ot  # POT: a dev dependency (the wmd extra)
import pytest
from scipy.spatial.distance import cdist

from wordspace import WordVectors
from wordspace.analysis.textsim import (
    SIF,
    _encode_docs,
    _rwmd,
    doc_tokens,
    mean_vector,
    rank_documents,
    text_similarity,
    wmdistance,
)
from wordspace.errors import MissingDependencyError, ParameterError


def tiny() -> WordVectors:
    # a=(0,0) b=(1,0) c=(0,1) d=(3,4)
    return WordVectors(["a", "b", "c", "d"], np.array([[0, 0], [1, 0], [0, 1], [3, 4]]))


def test_wmd_by_hand_raw_vectors():
    wv = tiny()
    # a and b (1/2 each) both move to c: 0.5 * 1 + 0.5 * sqrt(2)
    assert wmdistance(wv, ["a", "b"], ["c"], norm=False) == pytest.approx(0.5 + 0.5 * math.sqrt(2))
    # a: 2/3, b: 1/3 -> c: 1/2, d: 1/2. Flow a->c = x in [1/6, 1/2]; cost is linear in x with
    # slope 1 - 5 - sqrt2 + sqrt20 < 0, so x = 1/2: a->c 1/2 (cost 1), a->d 1/6 (cost 5),
    # b->d 1/3 (cost sqrt(20))
    expected = 0.5 * 1 + 5 / 6 + math.sqrt(20) / 3
    assert wmdistance(wv, ["a", "a", "b"], ["c", "d"], norm=False) == pytest.approx(expected)
    assert wmdistance(wv, ["c", "d"], ["a", "b", "a"], norm=False) == pytest.approx(expected)


def test_wmd_by_hand_unit_vectors_default():
    wv = tiny()
    # norm=True (gensim's default): d=(3,4) becomes (0.6, 0.8); b=(1,0)
    assert wmdistance(wv, ["b"], ["d"]) == pytest.approx(math.hypot(0.4, 0.8))
    assert wv.wmdistance(["b", "c"], ["c", "b"]) == pytest.approx(0.0, abs=1e-12)
    assert wv.wmdistance(["c"], ["c", "c"]) == 0.0  # one word in all: 0 (gensim)


def _gensim_wmd(wv, d1, d2, norm=True):
    """Transcription of gensim 4.4's KeyedVectors.wmdistance (square matrix over the union)."""
    d1 = [t for t in d1 if t in wv]
    d2 = [t for t in d2 if t in wv]
    if not d1 or not d2:
        return float("inf")
    vocab = sorted(set(d1) | set(d2))
    if len(vocab) == 1:
        return 0.0
    pos = {w: i for i, w in enumerate(vocab)}
    l1, l2 = list(set(d1)), list(set(d2))
    v1 = np.array([wv.get_vector(t, norm=norm) for t in l1])
    v2 = np.array([wv.get_vector(t, norm=norm) for t in l2])
    dm = np.zeros((len(vocab), len(vocab)))
    dm[np.ix_([pos[t] for t in l1], [pos[t] for t in l2])] = cdist(v1, v2)

    def nbow(doc):
        x = np.zeros(len(vocab))
        for t, c in Counter(doc).items():
            x[pos[t]] = c / len(doc)
        return x

    return float(ot.emd2(nbow(d1), nbow(d2), dm))


@pytest.mark.filterwarnings("ignore:at least one of the documents")
def test_wmd_equals_gensim_formulation_on_random_docs():
    rng = np.random.default_rng(0)
    keys = [f"w{i}" for i in range(40)]
    wv = WordVectors(keys, rng.standard_normal((40, 5)))
    for _ in range(30):
        d1 = [f"w{i}" for i in rng.integers(0, 45, size=rng.integers(1, 8))]
        d2 = [f"w{i}" for i in rng.integers(0, 45, size=rng.integers(1, 8))]
        for norm in (True, False):
            ours = wmdistance(wv, d1, d2, norm=norm)
            assert ours == pytest.approx(_gensim_wmd(wv, d1, d2, norm), rel=1e-9, abs=1e-12)


def words_wv() -> WordVectors:
    rng = np.random.default_rng(3)
    words = [
        "cat",
        "dog",
        "the",
        "sat",
        "on",
        "mat",
        "cafe",
        "au",
        "lait",
        "car",
        "c",
        "a",
        "t",
        "d",
        "o",
        "g",
    ]
    return WordVectors(words, rng.standard_normal((len(words), 6)))


def test_strings_are_normalised_and_tokenised_not_characters():
    wv = words_wv()
    assert doc_tokens("The CAT sat, on the mat!") == ["the", "cat", "sat", "on", "the", "mat"]
    assert doc_tokens("Café au lait") == ["cafe", "au", "lait"]
    s = wmdistance(wv, "Cat!", "DOG")
    assert s == pytest.approx(wmdistance(wv, ["cat"], ["dog"]))
    # the pitfall: iterating a string gives characters, which are words here
    chars = wmdistance(wv, list("cat"), list("dog"))
    assert abs(s - chars) > 1e-3
    assert wv.oov_tokens("Café au lait, s'il vous plaît") == ["s", "il", "vous", "plait"]
    with pytest.raises(ParameterError):
        doc_tokens(b"cat dog")
    with pytest.raises(ParameterError):
        doc_tokens([1, 2])


def test_oov_dropped_and_reported():
    wv = words_wv()
    d, (o1, o2) = wmdistance(wv, "the cat sat zzz zzz", "a dog yyy", return_oov=True)
    assert o1 == ["zzz"] and o2 == ["yyy"]
    assert d == pytest.approx(wmdistance(wv, ["the", "cat", "sat"], ["a", "dog"]))


def test_empty_document_is_inf_with_warning():
    wv = words_wv()
    with pytest.warns(UserWarning, match="no words that were in the vocabulary"):
        assert wmdistance(wv, "", "the cat") == float("inf")
    with pytest.warns(UserWarning):
        assert wmdistance(wv, "the cat", ["zzz"]) == float("inf")
    with pytest.warns(UserWarning):
        assert math.isnan(text_similarity(wv, "zzz", "the cat"))


def test_missing_pot_raises_typed_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "ot", None)
    with pytest.raises(MissingDependencyError, match=r"wordspace\[wmd\]"):
        wmdistance(tiny(), ["a"], ["b"])


def test_mean_vector_and_cosine():
    wv = words_wv()
    v = mean_vector(wv, "The cat zzz")
    assert np.allclose(v, (wv["the"] + wv["cat"]) / 2, atol=1e-6)
    vw = wv.mean_vector(["the", "cat"], {"cat": 3.0})  # 'the' absent -> weight 0
    assert np.allclose(vw, 3 * wv["cat"] / 2, atol=1e-6)
    vec, oov = mean_vector(wv, "cat zzz", return_oov=True)
    assert oov == ["zzz"]
    with pytest.raises(ParameterError, match="none of the tokens"):
        mean_vector(wv, "zzz yyy")
    s = text_similarity(wv, "the cat", "the dog")
    u, w = (wv["the"] + wv["cat"]) / 2, (wv["the"] + wv["dog"]) / 2
    assert s == pytest.approx(float(u @ w / np.linalg.norm(u) / np.linalg.norm(w)), abs=1e-6)


def test_sif_weights_and_component_removal():
    rng = np.random.default_rng(5)
    keys = [f"w{i}" for i in range(50)]
    counts = np.arange(50, 0, -1) * 10
    wv = WordVectors(keys, rng.standard_normal((50, 8)) + 2.0, counts=counts)
    sents = [[f"w{i}" for i in rng.integers(0, 50, size=6)] for _ in range(40)]
    sif = SIF(wv, a=1e-2).fit(sents)
    assert sif.weights_source_ == "counts"
    p = counts / counts.sum()
    assert np.allclose(sif.word_weights_, 1e-2 / (1e-2 + p), rtol=1e-5)
    x = sif.transform(sents)
    assert np.abs(x @ sif.components_[0]).max() < 1e-3  # common component removed
    s0 = sents[0]
    ids = [wv.get_index(t) for t in s0]
    raw = (sif.word_weights_[ids][:, None] * wv.vectors[ids]).mean(axis=0)
    c = sif.components_[0]
    assert np.allclose(x[0], raw - (raw @ c) * c, atol=1e-4)
    # no counts: Zipf estimate from rank
    wv2 = WordVectors(keys, wv.vectors)
    sif2 = SIF(wv2, n_components=0).fit([])
    assert sif2.weights_source_ == "zipf"
    h = np.sum(1.0 / np.arange(1, 51))
    assert sif2.word_weights_[0] == pytest.approx(1e-3 / (1e-3 + 1 / h), rel=1e-5)
    assert np.all(np.diff(sif2.word_weights_) > 0)  # rarer words weigh more
    with pytest.raises(ParameterError):
        SIF(wv, a=-1).fit(sents)
    with pytest.raises(ParameterError):
        SIF(wv).transform(sents)


def test_rwmd_is_a_lower_bound():
    rng = np.random.default_rng(7)
    keys = [f"w{i}" for i in range(60)]
    wv = WordVectors(keys, rng.standard_normal((60, 4)))
    q = [f"w{i}" for i in rng.integers(0, 60, size=5)]
    docs = [[f"w{i}" for i in rng.integers(0, 60, size=rng.integers(1, 9))] for _ in range(50)]
    qp, qids, qw = _encode_docs(wv, [q])
    ptr, ids, w = _encode_docs(wv, docs)
    uniq, pos = np.unique(ids, return_inverse=True)
    unit = wv.get_normed_vectors()
    cost = cdist(unit[qids].astype(float), unit[uniq].astype(float))
    lb = _rwmd(cost, qw, pos, w, ptr)
    exact = np.array([wmdistance(wv, q, d) for d in docs])
    assert np.all(lb <= exact + 1e-9)
    assert np.mean(lb / exact) > 0.5  # and not trivially zero


def test_rank_documents_wmd_equals_brute_force():
    rng = np.random.default_rng(11)
    keys = [f"w{i}" for i in range(80)]
    wv = WordVectors(keys, rng.standard_normal((80, 5)))
    q = [f"w{i}" for i in rng.integers(0, 80, size=4)]  # token lists (digits would be
    docs = [
        [f"w{i}" for i in rng.integers(0, 85, size=rng.integers(1, 7))]  # normalised away)
        for _ in range(200)
    ]
    docs[17] = ["zzz"]  # no known word
    docs[30] = list(q)  # identical: distance 0
    with pytest.warns(UserWarning):
        exact = [wmdistance(wv, q, d) for d in docs]
    order = sorted(range(len(docs)), key=lambda i: (exact[i], i))
    for topn in (1, 5, None):
        got = rank_documents(wv, q, docs, "wmd", topn)
        want = order[: (len(docs) if topn is None else topn)]
        assert [r.index for r in got] == want
        assert [r.score for r in got] == pytest.approx([exact[i] for i in want], abs=1e-9)
    assert got[-1].score == float("inf")
    assert 17 in {r.index for r in got if r.score == float("inf")}
    assert got[0].index == 30 and got[0].score == pytest.approx(0.0, abs=1e-9)


def test_rank_documents_mean_and_sif():
    wv = words_wv()
    docs = ["the dog sat", "cafe au lait", "the cat sat on the mat", "zzz"]
    q = "the cat on the mat"
    got = rank_documents(wv, q, docs, "mean", None)
    want = sorted(range(3), key=lambda i: -text_similarity(wv, q, docs[i]))
    assert [r.index for r in got] == [*want, 3]
    assert math.isnan(got[-1].score)
    for r in got[:3]:
        assert r.score == pytest.approx(text_similarity(wv, q, docs[r.index]), abs=1e-5)
    sif = SIF(wv, n_components=0).fit([])
    got = wv.rank_documents(q, docs, "sif", 2, sif=sif)
    assert len(got) == 2 and got[0].index == 2
    assert got[0].score == pytest.approx(text_similarity(wv, q, docs[2], "sif", sif=sif))
    with pytest.raises(ParameterError):
        rank_documents(wv, q, docs, "bm25")


def test_cli_compare_and_rank(tmp_path, capsys):
    from wordspace.cli import main

    wv = words_wv()
    model = tmp_path / "m.wsv"
    wv.save(model)
    main(["compare", str(model), "The cat sat", "the dog zzz", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["oov2"] == ["zzz"]
    assert out["distance"] == pytest.approx(wmdistance(wv, "the cat sat", "the dog"))
    main(["compare", str(model), "The cat sat", "the dog", "--method", "mean"])
    assert "cosine" in capsys.readouterr().out
    (tmp_path / "q.txt").write_text("the cat\non the mat\n")
    (tmp_path / "d.txt").write_text("the dog sat\ncafe au lait\nthe cat sat on the mat\n")
    main(
        ["rank", str(model), str(tmp_path / "q.txt"), str(tmp_path / "d.txt"), "-n", "2", "--json"]
    )
    out = json.loads(capsys.readouterr().out)
    assert len(out["results"]) == 2 and out["results"][0]["line"] == 3
    main(
        ["rank", str(model), "the cat on the mat", str(tmp_path / "d.txt"), "-n", "2", "--json"]
    )  # the query as a string: the same ranking
    assert json.loads(capsys.readouterr().out)["results"] == out["results"]
    main(["rank", str(model), "the cat " * 200, str(tmp_path / "d.txt"), "--json"])
    assert json.loads(capsys.readouterr().out)["results"][0]["line"] == 3  # too long for a path


def test_cli_rank_mistyped_query_file_is_an_error(tmp_path, capsys):
    from wordspace.cli import main

    model = tmp_path / "m.wsv"
    words_wv().save(model)
    (tmp_path / "d.txt").write_text("the dog sat\n")
    with pytest.raises(SystemExit) as e:
        main(["rank", str(model), str(tmp_path / "qq.txt"), str(tmp_path / "d.txt")])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "QUERY" in err and "qq.txt" in err and "does not exist" in err


def test_cli_compare_sif_with_corpus(tmp_path, capsys):
    from wordspace.cli import main

    wv = words_wv()
    model = tmp_path / "m.wsv"
    wv.save(model)
    corpus = tmp_path / "c.txt"
    corpus.write_text("the cat sat on the mat\nthe dog sat\ncafe au lait\n")
    main(
        [
            "compare",
            str(model),
            "the cat",
            "the dog",
            "--method",
            "sif",
            "--corpus",
            str(corpus),
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    sif = SIF(wv).fit(["the cat sat on the mat", "the dog sat", "cafe au lait"])
    assert out["cosine"] == pytest.approx(
        text_similarity(wv, "the cat", "the dog", "sif", sif=sif), abs=1e-6
    )
