import json

import numpy as np
import pytest

import wordspace as ws
from wordspace.cli import main


@pytest.fixture()
def model(tmp_path):
    rng = np.random.default_rng(1)
    words = ["king", "queen", "man", "woman", "city", "town", "cat", "dog", "car"]
    vecs = rng.standard_normal((len(words), 8)).astype(np.float32)
    vecs[1] = vecs[0] - vecs[2] + vecs[3] + 0.01
    vecs[5] = vecs[4] + 0.05
    p = tmp_path / "v.txt"
    ws.WordVectors(words, vecs).save_word2vec_format(p, write_header=False)
    return p


def run(capsys, *args):
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_info_json(capsys, model):
    code, out, _ = run(capsys, "info", model, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["words"] == 9 and d["dimension"] == 8 and d["format"] == "glove-text"


def test_similar_and_analogy(capsys, model):
    code, out, _ = run(capsys, "similar", model, "city", "-n", "2", "--json")
    assert code == 0 and json.loads(out)["city"][0]["word"] == "town"
    code, out, _ = run(capsys, "analogy", model, "king", "man", "woman", "--json")
    assert code == 0 and json.loads(out)["results"][0]["word"] == "queen"
    code, out, _ = run(capsys, "analogy", model, "king", "man", "woman", "--method", "3cosmul")
    assert code == 0 and "queen" in out


def test_similarity_pair_and_matrix(capsys, model):
    code, out, _ = run(capsys, "similarity", model, "cat", "dog", "--json")
    wv = ws.load(model)
    assert code == 0 and json.loads(out)["cosine"] == pytest.approx(wv.similarity("cat", "dog"))
    code, out, _ = run(capsys, "similarity", model, "cat", "dog", "car", "--json")
    m = json.loads(out)["matrix"]
    assert len(m) == 3 and m[0][0] == pytest.approx(1.0, abs=1e-5)


def test_convert_round_trip(capsys, model, tmp_path):
    dst = tmp_path / "m.wsv"
    code, _, _ = run(capsys, "convert", model, dst)
    assert code == 0 and ws.load(dst).index_to_key == ws.load(model).index_to_key
    back = tmp_path / "back.bin"
    code, _, _ = run(capsys, "convert", dst, back)
    assert code == 0
    np.testing.assert_array_equal(ws.load(back).vectors, ws.load(model).vectors)


def test_user_errors_exit_2_with_one_line(capsys, model, tmp_path):
    code, out, err = run(capsys, "similar", model, "lernraum")
    assert code == 2
    assert "'lernraum' is not in the vocabulary (9 words)" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "info", tmp_path / "nope.txt")
    assert code == 2 and "neither an existing file" in err
    bad = tmp_path / "bad.txt"
    bad.write_text("2 3\na 1 2 3\nb 1 2\n")
    code, _, err = run(capsys, "info", bad)
    assert code == 2 and "bad.txt:3" in err
    code, _, err = run(capsys, "convert", model, tmp_path / "x", "--to", "pdf")
    assert code == 2 and "--to must be one of" in err
    code, _, _ = run(capsys, "no-such-command")
    assert code == 2
