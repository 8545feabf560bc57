"""ws.load reads fastText models (.bin, and native .wsv with n-grams) as SubwordVectors."""

from pathlib import Path

import numpy as np
import pytest

import wordspace as ws
from wordspace.io.formats import detect_format

TINY = Path(__file__).parent / "data" / "fasttext" / "tiny.bin"


def test_load_dispatches_bin_and_native_subwords(tmp_path):
    assert detect_format(TINY) == "fasttext-bin"
    wv = ws.load(TINY)
    assert isinstance(wv, ws.SubwordVectors) and wv["naïf"].shape == (4,)
    m = ws.FastText(vector_size=8, min_count=1, minn=2, maxn=4, bucket=50, epochs=1, workers=1).fit(
        [["cat", "cats", "dog"]] * 20
    )
    m.save(tmp_path / "m.wsv")
    m.wv.save(tmp_path / "v.wsv")
    for f in ("m.wsv", "v.wsv"):
        back = ws.load(tmp_path / f)
        assert isinstance(back, ws.SubwordVectors)
        np.testing.assert_array_equal(back["catz"], m.wv["catz"])
    assert isinstance(ws.WordVectors.load(tmp_path / "m.wsv"), ws.SubwordVectors)
    assert isinstance(ws.FastText.load(tmp_path / "m.wsv").wv, ws.SubwordVectors)


def test_cli_trains_fasttext_and_answers_oov(tmp_path, capsys):
    import json

    from wordspace.cli import main

    c = tmp_path / "c.txt"
    c.write_text(
        "\n".join(" ".join(f"blorf{(i + j) % 5} c{j % 4}" for j in range(8)) for i in range(200))
        + "\n"
    )
    out = tmp_path / "m.wsv"
    main(
        [
            "train",
            "fasttext",
            str(c),
            "-o",
            str(out),
            "--dim",
            "8",
            "--min-count",
            "1",
            "--epochs",
            "2",
            "--workers",
            "1",
            "--minn",
            "3",
            "--maxn",
            "5",
            "--bucket",
            "500",
            "--sg",
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["vocabulary"] == 9 and (data["minn"], data["maxn"], data["bucket"]) == (3, 5, 500)
    m = ws.FastText.load(out)
    assert m.wv.vector_size == 8 and "blorfzz" in m.wv
    main(["similar", str(out), "blorfzz", "--json"])
    assert "blorf" in capsys.readouterr().out
    main(
        [
            "train",
            "fasttext",
            str(c),
            "-o",
            str(tmp_path / "m.bin"),
            "--dim",
            "4",
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--bucket",
            "100",
            "--json",
        ]
    )
    capsys.readouterr()
    assert isinstance(ws.load(tmp_path / "m.bin"), ws.SubwordVectors)
    with pytest.raises(SystemExit) as e:
        main(
            [
                "train",
                "fasttext",
                str(c),
                "-o",
                str(tmp_path / "x.wsv"),
                "--minn",
                "5",
                "--maxn",
                "3",
            ]
        )
    assert e.value.code == 2 and "--minn=5 is larger than --maxn=3" in capsys.readouterr().err


def test_text_similarity_and_wmd_use_oov_words():
    pytest.importorskip("ot")
    sents = [["blorfa", "blorfe", "c1", "c2"], ["quaxta", "quaxte", "d1", "d2"]] * 100
    wv = (
        ws.FastText(
            vector_size=16,
            min_count=1,
            minn=3,
            maxn=5,
            bucket=500,
            epochs=5,
            workers=1,
            sg=1,
            sample=0,
        )
        .fit(sents)
        .wv
    )
    # "blorfo" and "quaxto" are not in the vocabulary: scored from their n-grams
    assert ws.oov_tokens(wv, ["blorfo", "zz"]) == []  # every word has n-grams of 3-5
    near = ws.text_similarity(wv, ["blorfo", "c1"], ["blorfa", "c2"])
    far = ws.text_similarity(wv, ["blorfo", "c1"], ["quaxta", "d2"])
    assert near > far
    d_near = ws.wmdistance(wv, ["blorfo"], ["blorfe"])
    d_far = ws.wmdistance(wv, ["blorfo"], ["quaxte"])
    assert 0 < d_near < d_far
    d, oov = ws.wmdistance(wv, ["blorfo"], ["blorfe"], return_oov=True)
    assert oov == ([], []) and d == pytest.approx(d_near)


def _two_topics():
    sents = [["blorfa", "blorfe", "blorfi", "cat"], ["quaxta", "quaxte", "quaxti", "dog"]] * 100
    return ws.FastText(
        vector_size=16, min_count=1, minn=3, maxn=5, bucket=2000, epochs=5, sg=1, workers=1, seed=3
    ).fit(sents)


def test_rank_documents_and_sif_use_oov_words():
    m = _two_topics()
    docs = ["quaxtoo quaxtuu", "blorfoo blorfuu"]  # every word outside the vocabulary
    for method in ("mean", "sif"):
        ranked = ws.rank_documents(m.wv, "blorfoo", docs, method=method)
        assert ranked[0].index == 1 and np.isfinite(ranked[0].score), method
    sif = ws.SIF(m.wv, n_components=0).fit(docs)
    x = sif.transform(docs)
    assert np.all(np.linalg.norm(x, axis=1) > 0)
    plain = ws.WordVectors(m.wv.index_to_key, m.wv.vectors)  # no subwords: OOV words dropped
    assert not np.any(ws.SIF(plain, n_components=0).fit(docs).transform(docs))


def test_explorer_answers_oov_words_of_subword_models():
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from wordspace.viz.explore import create_app

    m = _two_topics()
    client = TestClient(create_app(m.wv))
    r = client.get("/api/neighbors", params={"word": "blorfoo", "n": 3})
    assert r.status_code == 200 and r.json()["neighbors"][0]["word"].startswith("blorf")
    r = client.get("/api/map", params={"word": "blorfoo", "n": 4})
    assert r.status_code == 200 and len(r.json()["points"]) == 5
    r = client.get("/api/similarity", params={"w1": "blorfoo", "w2": "quaxtoo"})
    assert r.status_code == 200 and r.json()["cosine"] is not None
