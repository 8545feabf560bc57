"""``wordspace models``: list, info, download (from a fixture server on 127.0.0.1), remove; and
query commands on a model by name."""

import json

import pytest

from pretrained_server import FixtureServer, make_fixture, use_fixture
from wordspace.cli import main
from wordspace.io import pretrained
from wordspace.io.pretrained import _download


@pytest.fixture()
def server():
    s = FixtureServer()
    yield s
    s.close()


@pytest.fixture()
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("WORDSPACE_HOME", str(h))
    monkeypatch.setattr(_download, "RETRY_BACKOFF_S", 0.0)
    return h


def run(capsys, *args):
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_models_lists_the_catalogue(home, capsys):
    code, out, _ = run(capsys, "models", "--json")
    recs = json.loads(out)
    assert code == 0 and [r["name"] for r in recs] == list(pretrained.CATALOGUE)
    assert {r["name"]: r["installed"] for r in recs}["glove-wiki-gigaword-50"]
    code, out2, _ = run(capsys, "models", "list", "--json")
    assert code == 0 and json.loads(out2) == recs
    code, out, _ = run(capsys, "models")
    assert code == 0
    for name in pretrained.CATALOGUE:
        assert name in out
    assert "PDDL 1.0" in out and "1,744" in out and max(map(len, out.splitlines())) <= 80


def test_models_info(home, capsys):
    code, out, _ = run(capsys, "models", "info", "fasttext-wiki-news-subwords-300", "--json")
    r = json.loads(out)
    assert code == 0 and r["md5"] == "de2bb3a20c46ce65c9c131e1ad9a77af"
    assert r["license"] == "CC BY-SA 3.0" and r["num_records"] == 999_999
    code, out, _ = run(capsys, "models", "info", "word2vec-ruscorpora-300")
    assert code == 0 and "9bdebdc8ae6d17d20839dd9b5af10bc4" in out and "CC BY 4.0" in out
    code, _, err = run(capsys, "models", "info", "glove-twitter-26")
    assert code == 2 and "not a model of the catalogue" in err


def test_models_download_then_query_offline_then_remove(
    home, server, monkeypatch, tmp_path, capsys
):
    fx = make_fixture("glove-twitter-25", tmp_path / "fx")
    use_fixture(monkeypatch, fx)
    server.serve(fx)
    monkeypatch.delenv("WORDSPACE_OFFLINE")
    code, out, err = run(
        capsys, "models", "download", "glove-twitter-25", "--base-url", server.base_url, "--json"
    )
    assert code == 0, err
    path = json.loads(out)["glove-twitter-25"]
    assert path == str(home / "models" / "glove-twitter-25.wsv")
    monkeypatch.setenv("WORDSPACE_OFFLINE", "1")
    code, out, err = run(capsys, "similar", "glove-twitter-25", "king", "-n", "3", "--json")
    assert code == 0, err
    assert [r["word"] for r in json.loads(out)["king"]] == [
        w for w, _ in fx.wv.most_similar("king", topn=3)
    ]
    code, out, _ = run(capsys, "info", "glove-twitter-25", "--json")
    assert json.loads(out)["format"] == "word2vec-text" and json.loads(out)["words"] == 200
    code, out, _ = run(capsys, "models", "--json")
    assert {r["name"]: r["cached"] for r in json.loads(out)}["glove-twitter-25"]
    code, out, _ = run(capsys, "models", "remove", "glove-twitter-25", "--json")
    assert code == 0 and json.loads(out)["removed"] == [path]
    code, _, err = run(capsys, "similar", "glove-twitter-25", "king")
    assert code == 2 and "WORDSPACE_OFFLINE forbids downloading" in err
    assert len(err.strip().splitlines()) == 1
    assert server.gets(fx.url_path) == [None]


def test_a_query_by_name_downloads_with_a_progress_bar(home, server, monkeypatch, tmp_path, capsys):
    fx = make_fixture("word2vec-google-news-300", tmp_path / "fx")
    use_fixture(monkeypatch, fx)
    server.serve(fx)
    monkeypatch.delenv("WORDSPACE_OFFLINE")
    monkeypatch.setenv("WORDSPACE_BASE_URL", server.base_url)
    code, out, err = run(
        capsys, "similarity", "word2vec-google-news-300", "king", "queen", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["cosine"] == pytest.approx(fx.wv.similarity("king", "queen"), abs=1e-6)
    assert "download" in err and "100%" in err


def test_download_errors_are_one_line(home, server, monkeypatch, capsys):
    monkeypatch.delenv("WORDSPACE_OFFLINE")
    code, _, err = run(
        capsys, "models", "download", "glove-twitter-50", "--base-url", server.base_url
    )
    assert code == 2 and "answered HTTP 404" in err and "Traceback" not in err
    code, _, err = run(capsys, "models", "download", "nope")
    assert code == 2 and "not a model of the catalogue" in err
    code, _, err = run(capsys, "models", "remove", "nope")
    assert code == 2 and "not a model of the catalogue" in err
