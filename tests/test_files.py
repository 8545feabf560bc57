"""The file layer: output checks, atomic and umask-respecting saves, kill -9 safety of the
directory layout, and typed errors for damaged compressed inputs."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import signal
import stat

import numpy as np
import pytest

import wordspace as ws
from wordspace import FormatError, OutputPathError, WordVectors
from wordspace import _files as FL
from wordspace.errors import CorpusError
from wordspace.io.cooccurrence import load_cooccurrence, save_cooccurrence
from wordspace.text.cooccurrence import cooccurrence_matrix


def _wv(n=5, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return WordVectors(
        [f"w{i}" for i in range(n)],
        rng.standard_normal((n, d)).astype(np.float32),
        counts=np.arange(n, 0, -1) * 10,
    )


# --------------------------------------------------------------- class 1: no deletion
def test_saving_into_a_user_folder_is_refused_and_deletes_nothing(tmp_path):
    d = tmp_path / "photos"
    d.mkdir()
    (d / "holiday.jpg").write_bytes(b"precious")
    for kwargs in ({}, {"layout": "dir"}, {"layout": "zip"}):
        with pytest.raises(OutputPathError, match="photos"):
            _wv().save(d, **kwargs)
    with pytest.raises(OutputPathError, match="photos"):
        _wv().save_word2vec_format(d)
    assert sorted(p.name for p in d.iterdir()) == ["holiday.jpg"]
    assert (d / "holiday.jpg").read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photos"]  # no temp files left


def test_model_folder_is_overwritten_but_foreign_files_stay(tmp_path):
    d = tmp_path / "model"
    big = _wv(6, 4)
    FL.check_output(d, layout="dir")
    big.save(d, layout="dir")
    (d / "notes.txt").write_text("mine")
    # a model with an extra array, then one without: the stale array file is removed
    from wordspace.io.native import save_native

    save_native(big, d, extra_arrays={"syn1neg": np.ones((6, 4), np.float32)})
    assert (d / "syn1neg.npy").exists()
    small = _wv(3, 2, seed=1)
    small.save(d)  # existing model folder: the directory layout is kept
    assert d.is_dir()
    back = ws.load(d)
    assert back.index_to_key == small.index_to_key
    np.testing.assert_array_equal(back.vectors, small.vectors)
    assert (d / "notes.txt").read_text() == "mine"
    assert not (d / "syn1neg.npy").exists()
    assert sorted(p.name for p in d.iterdir()) == [
        "counts.npy",
        "meta.json",
        "notes.txt",
        "vectors.npy",
    ]


def test_check_output_rules(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x")
    assert FL.check_output(f) == f.resolve()  # a regular file named explicitly: replaceable
    with pytest.raises(OutputPathError, match="existing file"):
        FL.check_output(f, layout="dir")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert FL.check_output(empty, layout="dir") == empty.resolve()
    with pytest.raises(OutputPathError, match="is a folder"):
        FL.check_output(empty, layout="file")
    with pytest.raises(OutputPathError, match="is a file, not a folder"):
        FL.check_output(f / "sub" / "m.wsv")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputPathError, match="not a regular file"):
        FL.check_output(fifo)
    with pytest.raises(ws.ParameterError, match="layout"):
        FL.check_output(f, layout="tar")
    with pytest.raises(OutputPathError, match="empty"):
        FL.check_output("")
    # a symbolic link: the file it points to is replaced, the link kept
    link = tmp_path / "link.wsv"
    link.symlink_to(f)
    assert FL.check_output(link) == f.resolve()
    _wv().save(link)
    assert link.is_symlink() and ws.load(link).index_to_key == _wv().index_to_key


def test_check_output_unwritable_folder(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if str(p) == str(ro.resolve()) else real_access(p, mode)
    )
    with pytest.raises(OutputPathError, match="permission denied"):
        FL.check_output(ro / "m.wsv")


def test_empty_folder_becomes_a_model(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    _wv().save(d)
    assert ws.load(d).index_to_key == _wv().index_to_key


def test_zip_over_model_folder_and_dir_over_file_are_refused(tmp_path):
    d = tmp_path / "m"
    _wv().save(d, layout="dir")
    with pytest.raises(OutputPathError):
        _wv().save(d, layout="zip")
    f = tmp_path / "m.wsv"
    _wv().save(f)
    with pytest.raises(OutputPathError, match="existing file"):
        _wv().save(f, layout="dir")
    assert f.is_file() and ws.load(f).index_to_key == _wv().index_to_key


# --------------------------------------------------------------------- class 8: modes
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_saved_files_follow_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        wv = _wv()
        wv.save(tmp_path / "m.wsv")
        wv.save(tmp_path / "d.wsv", layout="dir")
        wv.save_word2vec_format(tmp_path / "v.txt")
        wv.save_word2vec_format(tmp_path / "v.bin.gz", binary=True)
        X = cooccurrence_matrix(np.array([0, 1, 2], np.int32), None, 3, window=2)
        save_cooccurrence(tmp_path / "c.npz", X)
    finally:
        os.umask(old)
    for name in ("m.wsv", "v.txt", "v.bin.gz", "c.npz", "d.wsv/meta.json", "d.wsv/vectors.npy"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name
    assert stat.S_IMODE((tmp_path / "d.wsv").stat().st_mode) == 0o777 & ~umask


def test_replaced_file_keeps_its_mode(tmp_path):
    p = tmp_path / "m.wsv"
    _wv().save(p)
    p.chmod(0o640)
    _wv(seed=3).save(p)
    assert stat.S_IMODE(p.stat().st_mode) == 0o640


# ----------------------------------------------------- class 9: kill -9 in a dir save
def _save_and_die(model_dir, new, kill_at):
    """In a forked child: save ``new`` into ``model_dir``, SIGKILL at the kill_at-th rename,
    unlink or rmdir (the steps that change what the folder holds)."""
    pid = os.fork()
    if pid == 0:  # child
        calls = [0]

        def wrap(fn):
            def inner(*a, **k):
                calls[0] += 1
                if calls[0] == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
                return fn(*a, **k)

            return inner

        os.replace = wrap(os.replace)
        os.rename = wrap(os.rename)
        os.unlink = wrap(os.unlink)
        os.rmdir = wrap(os.rmdir)
        try:
            new.save(model_dir, layout="dir")
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status)


def test_directory_save_survives_kill_9_at_every_step(tmp_path):
    from wordspace.io.native import save_native

    old = _wv(5, 3, seed=0)
    new = _wv(4, 2, seed=1)
    killed_somewhere = False
    seen = set()
    for kill_at in range(1, 30):
        d = tmp_path / f"m{kill_at}"
        save_native(old, d, layout="dir", extra_arrays={"syn1neg": np.zeros((5, 3), np.float32)})
        (d / "mine.txt").write_text("keep")
        died = _save_and_die(d, new, kill_at)
        killed_somewhere |= died
        got = ws.load(d)
        if got.index_to_key == old.index_to_key:
            np.testing.assert_array_equal(got.vectors, old.vectors)
            seen.add("old")
        else:
            seen.add("new")
            assert got.index_to_key == new.index_to_key, kill_at
            np.testing.assert_array_equal(got.vectors, new.vectors)
        assert (d / "mine.txt").read_text() == "keep"
        # the next save finishes or discards what was left, and leaves no debris
        third = _wv(3, 3, seed=2)
        third.save(d)
        assert ws.load(d).index_to_key == third.index_to_key
        assert sorted(p.name for p in d.iterdir()) == [
            "counts.npy",
            "meta.json",
            "mine.txt",
            "vectors.npy",
        ]
        if not died:
            break
    assert killed_somewhere and seen == {"old", "new"} and kill_at > 4


# ------------------------------------------------------ class 6: compressed inputs
@pytest.mark.parametrize(
    "suffix,opener", [(".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)]
)
def test_truncated_compressed_files_raise_format_error(tmp_path, suffix, opener):
    p = tmp_path / f"v.txt{suffix}"
    _wv(200, 5).save_word2vec_format(p)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError, match=r"v\.txt.*truncated"):
        ws.load(p)
    # corrupt the middle: a typed error too
    p.write_bytes(data[:20] + bytes(b ^ 0x55 for b in data[20:60]) + data[60:])
    with pytest.raises(FormatError, match=r"v\.txt"):
        ws.load(p)


def test_file_named_gz_that_is_not_gzip(tmp_path):
    p = tmp_path / "v.txt.gz"
    p.write_text("2 2\na 1 2\nb 3 4\n")
    with pytest.raises(FormatError, match="named .gz but is not gzip-compressed"):
        ws.load(p)
    with pytest.raises(CorpusError, match="gzip"):
        with FL.open_binary(p, error=CorpusError) as f:
            f.read()


def test_open_binary_reads_lines_and_blocks(tmp_path):
    p = tmp_path / "t.txt.gz"
    with gzip.open(p, "wb") as f:
        f.write(b"one\ntwo\n" * 1000)
    with FL.open_binary(p) as f:
        assert f.readline() == b"one\n"
        assert f.read(4) == b"two\n"
        assert sum(1 for _ in f) == 1998


def test_cooccurrence_truncated_and_text_input(tmp_path):
    X = cooccurrence_matrix(np.arange(50, dtype=np.int32) % 7, None, 7, window=3)
    p = tmp_path / "c.npz"
    save_cooccurrence(p, X, compressed=True)
    p.write_bytes(p.read_bytes()[:-40])
    with pytest.raises(FormatError, match="c.npz.*truncated or damaged"):
        load_cooccurrence(p)
    t = tmp_path / "corpus.txt"
    t.write_text("the cat sat on the mat\n")
    with pytest.raises(FormatError, match="not a co-occurrence file.*text file") as e:
        load_cooccurrence(t)
    assert "pickle" not in str(e.value)
