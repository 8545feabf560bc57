"""Corpus files named by fsspec URLs (text/_open.py): fsspec's in-process ``memory://`` file
system and a local HTTP server on 127.0.0.1; the same ``Corpus.from_files`` and the same
distributed code path as local files, compressed by suffix, reads bounded as for local files."""

from __future__ import annotations

import bz2
import functools
import gzip
import lzma
import sys
import threading
import uuid
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import fsspec  # the dask extra (and dev) installs it
import numpy as np
import pytest

import wordspace as ws
from wordspace.errors import CorpusError, MissingDependencyError, ParameterError

TEXTS = [
    "the cat sat on the mat\nthe dog ran\n",
    "a bird flew over the mat\n",
    "the cat and the dog\nsat ran flew\n",
    "over and over the dog sat\n",
]
COMPRESS = {
    ".txt.gz": gzip.compress,
    ".txt.bz2": bz2.compress,
    ".txt.xz": lzma.compress,
    ".txt": lambda b: b,
}


def _shards(n_lines: int = 0) -> list[tuple[str, bytes]]:
    """(name, bytes) of four shards, one per compression; ``n_lines`` random extra lines."""
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(40)] + ["the", "cat", "dog"]
    out = []
    for i, (text, (suffix, pack)) in enumerate(zip(TEXTS, COMPRESS.items(), strict=True)):
        extra = "".join(" ".join(rng.choice(words, size=9)) + "\n" for _ in range(n_lines))
        out.append((f"shard-{i}{suffix}", pack((text + extra).encode())))
    return out


@pytest.fixture
def memory_root():
    """A fresh folder of the in-process memory file system, holding the four shards."""
    fs = fsspec.filesystem("memory")
    root = f"/ws-{uuid.uuid4().hex[:8]}"
    for name, data in _shards(60):
        fs.pipe(f"{root}/{name}", data)
    yield root
    fs.rm(root, recursive=True)


@pytest.fixture
def local_copy(tmp_path):
    """The same four shards as local files (the reference)."""
    for name, data in _shards(60):
        (tmp_path / name).write_bytes(data)
    return tmp_path


@pytest.fixture(scope="module")
def http_root(tmp_path_factory):
    """A local HTTP server (127.0.0.1, an ephemeral port) serving the shards' folder."""
    root = tmp_path_factory.mktemp("http")
    for name, data in _shards(60):
        (root / name).write_bytes(data)
    (root / "sub").mkdir()

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):  # no request lines on stderr
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


# ------------------------------------------------------------------------ memory://
def test_memory_glob_reads_like_local_files(memory_root, local_copy):
    url = f"memory://{memory_root}/shard-*"
    c = ws.Corpus.from_files(url)
    local = ws.Corpus.from_files(str(local_copy / "shard-*"))
    assert [str(f) for f in c.files] == [f"memory://{memory_root}/{n}" for n, _ in _shards()]
    assert "4 files" in c.name and not c.is_file
    assert list(c) == list(local)  # gz, bz2, xz by suffix, and plain
    a, b = c.scan(cache=False), local.scan(cache=False)
    assert a.types == b.types
    np.testing.assert_array_equal(a.raw_ids, b.raw_ids)
    np.testing.assert_array_equal(a.sentence_starts, b.sentence_starts)
    # a folder (every file below it, sorted), a list of URLs (its order), one URL
    assert ws.Corpus.from_files(f"memory://{memory_root}").files == c.files
    rev = [str(f) for f in c.files][::-1]
    assert [str(f) for f in ws.Corpus.from_files(rev).files] == rev
    one = ws.Corpus(f"memory://{memory_root}/shard-0.txt.gz")
    assert one.is_file and list(one) == list(ws.Corpus(local_copy / "shard-0.txt.gz"))
    again = ws.Corpus(one, lowercase=True)  # a corpus of a corpus keeps the URL
    assert again.files == one.files and list(again) == [[t.lower() for t in s] for s in one]


def test_memory_vocabulary_and_word2vec_through_the_distributed_path(memory_root, local_copy):
    """The worker code (partition specs, open_partition, parts by size) on URLs: the same
    vocabulary and the very same weights as on the local copy (2 simulated workers)."""
    from wordspace.distributed import build_vocabulary, fit_word2vec

    c = ws.Corpus.from_files(f"memory://{memory_root}/shard-*")
    local = ws.Corpus.from_files(str(local_copy / "shard-*"))
    va, vb = build_vocabulary(c, None, min_count=1), build_vocabulary(local, None, min_count=1)
    assert va.index_to_key == vb.index_to_key
    np.testing.assert_array_equal(va.counts, vb.counts)
    kw = dict(vector_size=8, window=2, min_count=1, epochs=2, workers=1, seed=1)
    a = fit_word2vec(ws.Word2Vec(**kw), c, None, n_parts=2, sync_words=200)
    b = fit_word2vec(ws.Word2Vec(**kw), local, None, n_parts=2, sync_words=200)
    assert a.sync_stats_["rounds"] == b.sync_stats_["rounds"] > 2
    np.testing.assert_array_equal(a.syn0_, b.syn0_)
    # and Word2Vec.fit on one machine takes the URL pattern too
    m = ws.Word2Vec(**kw).fit(c)
    assert len(m.wv) == len(va)


def test_memory_errors_are_typed(memory_root, monkeypatch):
    fs = fsspec.filesystem("memory")
    with pytest.raises(CorpusError, match="no such file"):
        ws.Corpus(f"memory://{memory_root}/missing.txt")
    with pytest.raises(CorpusError, match="no files match"):
        ws.Corpus.from_files(f"memory://{memory_root}/nothing-*.txt")
    with pytest.raises(CorpusError, match="is a folder"):
        ws.Corpus(f"memory://{memory_root}")
    fs.pipe(f"{memory_root}/bad.txt.gz", b"not gzip at all")  # named .gz, plain inside
    with pytest.raises(CorpusError, match="bad.txt.gz is a truncated or corrupt gzip"):
        list(ws.Corpus(f"memory://{memory_root}/bad.txt.gz"))
    # the decompression bound holds for URLs as for local files
    fs.pipe(f"{memory_root}/bomb.txt.gz", gzip.compress(b"word " * 200_000))
    monkeypatch.setenv("WORDSPACE_MAX_DECOMPRESSED", "100000")
    with pytest.raises(CorpusError, match="decompresses to more than 100,000 bytes"):
        list(ws.Corpus(f"memory://{memory_root}/bomb.txt.gz"))


def test_unknown_protocol_and_missing_driver(monkeypatch):
    with pytest.raises(ParameterError, match="unknown protocol 'nosuchproto'"):
        ws.Corpus.from_files("nosuchproto://bucket/shard-*.txt.gz")
    # s3fs not installed (made so here, whatever this machine has): the package is named
    from fsspec.registry import _registry  # the classes already imported

    monkeypatch.setitem(sys.modules, "s3fs", None)
    monkeypatch.delitem(_registry, "s3", raising=False)
    monkeypatch.delitem(_registry, "s3a", raising=False)
    with pytest.raises(MissingDependencyError, match="install it with: pip install s3fs"):
        ws.Corpus.from_files("s3://bucket/shard-*.txt.gz")
    with pytest.raises(ImportError):  # also the built-in it stands for
        ws.Corpus("s3://bucket/shard-0.txt.gz")


def test_fsspec_missing_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "fsspec", None)
    with pytest.raises(MissingDependencyError, match=r"wordspace\[dask\]"):
        ws.Corpus.from_files("memory://bucket/*.txt")


# ---------------------------------------------------------------------------- http://
def test_http_server_glob_and_files(http_root, local_copy):
    base, root = http_root
    c = ws.Corpus.from_files(f"{base}/shard-*")
    assert [str(f) for f in c.files] == [f"{base}/{n}" for n, _ in _shards()]
    assert [f.size for f in c.files] == [(root / n).stat().st_size for n, _ in _shards()]
    assert list(c) == list(ws.Corpus.from_files(str(local_copy / "shard-*")))
    with pytest.raises(CorpusError, match="no such file"):
        ws.Corpus(f"{base}/missing.txt.gz")


def test_http_unreachable_is_a_corpus_error():
    import socket

    with socket.socket() as s:  # a port nobody listens on (bound, never accepting)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        with pytest.raises(CorpusError, match=f"127.0.0.1:{port}/.*cannot be reached"):
            ws.Corpus(f"http://127.0.0.1:{port}/shard-0.txt")
