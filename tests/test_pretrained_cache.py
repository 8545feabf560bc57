"""The path cache: a native copy of a text/binary vector file, keyed by real path, size and
modification time; used by the CLI's query commands unless --no-cache."""

import json
import os

import numpy as np
import pytest

import wordspace as ws
import wordspace.io.formats
from pretrained_server import is_mapped
from wordspace.cli import main
from wordspace.io import pretrained
from wordspace.io.pretrained import _cache


@pytest.fixture()
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("WORDSPACE_HOME", str(h))
    monkeypatch.setattr(_cache, "PATH_CACHE_MIN_BYTES", 0)
    return h


def _model(path, seed=0, n=50, binary=False):
    rng = np.random.default_rng(seed)
    words = ["king", "queen", "man", "woman"] + [f"w{i}" for i in range(n - 4)]
    wv = ws.WordVectors(words, rng.standard_normal((n, 16)).astype(np.float32))
    wv.save_word2vec_format(path, binary=binary)
    return wv


class _Counter:
    """Counts the parses of text/binary vector files."""

    def __init__(self, monkeypatch):
        self.calls = 0
        real = wordspace.io.formats.load_word2vec_format

        def counted(*a, **k):
            self.calls += 1
            return real(*a, **k)

        monkeypatch.setattr(wordspace.io.formats, "load_word2vec_format", counted)


def _entries(home):
    d = home / "files"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def test_second_load_uses_the_native_copy(home, tmp_path, monkeypatch):
    src = tmp_path / "vecs.txt"
    ref = _model(src)
    parses = _Counter(monkeypatch)
    first = ws.load(src, cache=True)
    assert parses.calls == 1 and len(_entries(home)) == 1
    second = ws.load(src, cache=True)
    assert parses.calls == 1 and is_mapped(second.vectors)
    assert second.index_to_key == ref.index_to_key
    np.testing.assert_allclose(second.vectors, first.vectors)
    stamp = second.meta["cached_from"]
    assert stamp["path"] == os.path.realpath(src) and stamp["size"] == src.stat().st_size
    assert ws.load(src, cache=True, limit=3).index_to_key == ref.index_to_key[:3]


def test_a_changed_file_is_parsed_again(home, tmp_path, monkeypatch):
    src = tmp_path / "vecs.txt"
    _model(src, seed=0)
    ws.load(src, cache=True)
    st = src.stat()
    new = _model(src, seed=1)  # same words and shape: (nearly) the same size
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    parses = _Counter(monkeypatch)
    got = ws.load(src, cache=True)
    assert parses.calls == 1
    np.testing.assert_allclose(got.vectors, new.vectors, rtol=1e-5, atol=1e-6)
    assert ws.load(src, cache=True).meta["cached_from"]["mtime_ns"] == src.stat().st_mtime_ns
    assert parses.calls == 1
    # a size change with the modification time put back is noticed too
    mtime = src.stat().st_mtime_ns
    bigger = _model(src, seed=2, n=60)
    os.utime(src, ns=(mtime, mtime))
    assert len(ws.load(src, cache=True)) == len(bigger) and parses.calls == 2
    assert len(_entries(home)) == 1  # one entry per path, replaced


def test_binary_and_gz_files_are_cached_too(home, tmp_path, monkeypatch):
    src = tmp_path / "vecs.bin.gz"
    ref = _model(src, binary=True)
    ws.load(src, cache=True)
    parses = _Counter(monkeypatch)
    got = ws.load(src, cache=True)
    assert parses.calls == 0
    np.testing.assert_array_equal(got.vectors, ref.vectors)


def test_no_cache_and_small_files_leave_nothing(home, tmp_path, monkeypatch):
    src = tmp_path / "vecs.txt"
    _model(src)
    ws.load(src)  # the library's default: no path cache
    ws.load(src, cache=False)
    assert _entries(home) == []
    monkeypatch.setattr(_cache, "PATH_CACHE_MIN_BYTES", src.stat().st_size + 1)
    ws.load(src, cache=True)
    assert _entries(home) == []


def test_native_files_are_never_copied(home, tmp_path):
    src = tmp_path / "m.wsv"
    ws.WordVectors(["a", "b"], [[1.0, 0.0], [0.0, 1.0]]).save(src)
    ws.load(src, cache=True)
    assert _entries(home) == []


def test_an_unwritable_cache_is_only_a_warning(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("WORDSPACE_HOME", str(blocker / "home"))
    monkeypatch.setattr(_cache, "PATH_CACHE_MIN_BYTES", 0)
    src = tmp_path / "vecs.txt"
    ref = _model(src)
    with pytest.warns(RuntimeWarning, match="could not keep a native copy"):
        got = ws.load(src, cache=True)
    assert got.index_to_key == ref.index_to_key


def test_a_damaged_entry_is_rebuilt(home, tmp_path):
    src = tmp_path / "vecs.txt"
    ref = _model(src)
    ws.load(src, cache=True)
    entry = home / "files" / _entries(home)[0]
    entry.write_bytes(b"PK\x03\x04 not a zip any more")
    assert ws.load(src, cache=True).index_to_key == ref.index_to_key
    assert is_mapped(ws.load(src, cache=True).vectors)


def run(capsys, *args):
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_queries_use_the_cache_unless_no_cache(home, tmp_path, monkeypatch, capsys):
    src = tmp_path / "vecs.txt"
    _model(src)
    parses = _Counter(monkeypatch)
    code, out, err = run(capsys, "similar", src, "king", "-n", "2", "--json")
    assert code == 0, err
    assert parses.calls == 1 and len(_entries(home)) == 1
    expected = json.loads(out)
    for cmd in (
        ["similar", src, "king", "-n", "2", "--json"],
        ["info", src, "--json"],
        ["similarity", src, "king", "queen", "--json"],
        ["analogy", src, "king", "man", "woman", "--json"],
    ):
        code, out, err = run(capsys, *cmd)
        assert code == 0, err
    assert parses.calls == 1  # every later query used the native copy
    code, out, _ = run(capsys, "similar", src, "king", "-n", "2", "--json", "--no-cache")
    assert code == 0 and parses.calls == 2 and json.loads(out) == expected
    code, out, _ = run(capsys, "info", src, "--json")
    assert json.loads(out)["format"] == "word2vec-text"  # the file's format, not the copy's


def test_cli_convert_does_not_fill_the_cache(home, tmp_path, capsys):
    src = tmp_path / "vecs.txt"
    _model(src)
    code, _, err = run(capsys, "convert", src, tmp_path / "out.wsv")
    assert code == 0, err
    assert _entries(home) == []


def test_clearing_the_cache_removes_only_wordspace_files(home, tmp_path, capsys):
    src = tmp_path / "vecs.txt"
    _model(src)
    ws.load(src, cache=True)
    (home / "models").mkdir()
    ours = home / "models" / "glove-twitter-25.wsv"
    ws.WordVectors(["a"], [[1.0, 2.0]]).save(ours)
    foreign = [home / "files" / "notes.txt", home / "models" / "my-own.wsv", home / "readme"]
    for f in foreign:
        f.write_text("mine")
    code, out, _ = run(capsys, "models", "cache", "--json")
    listed = json.loads(out)
    assert code == 0 and listed["cache_dir"] == str(home)
    assert sorted(e["kind"] for e in listed["entries"]) == ["file", "model"]
    assert {e["name"] for e in listed["entries"]} == {"glove-twitter-25", os.path.realpath(src)}
    code, out, _ = run(capsys, "models", "clear", "--json")
    assert code == 0 and len(json.loads(out)["removed"]) == 2
    assert not ours.exists() and _entries(home) == ["notes.txt"]
    assert all(f.read_text() == "mine" for f in foreign)
    assert pretrained.cache_entries() == []
