"""Hardening III (issue 31): never destroy an input, bound every read, validate every file we
load. One test (or a few) per cause of the issue, named ``test_cN_...``, and the extra
findings (``test_extra_...``); hypothesis property tests for the CLI's path options and the
loaders."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wordspace as ws
from wordspace.cli import main
from wordspace.errors import (
    CheckpointError,
    FormatError,
    OutputPathError,
    ParameterError,
    WordspaceError,
)


def run(capsys, *args):
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture()
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    words = ["king", "queen", "man", "woman", "cat", "dog", "sat", "the", "mat"]
    words += [f"w{i}" for i in range(30)]
    vecs = rng.standard_normal((len(words), 8)).astype(np.float32)
    ws.WordVectors(words, vecs).save("model.wsv")
    ws.WordVectors(words, vecs).save_word2vec_format("x.txt")
    lines = [" ".join(f"a{(i * 7 + j) % 9}" for j in range(10)) for i in range(60)]
    (tmp_path / "c.txt").write_text("\n".join(lines) + "\n")
    pd.DataFrame({"w": [f"w{i}" for i in range(12)], "v": range(12)}).to_csv(
        "colors.csv", index=False
    )
    (tmp_path / "p.html").write_text("king\tqueen\t5\n")
    return tmp_path


# ---------------------------------------------------------------- 1. outputs are not inputs
TRAIN_SMALL = ["--epochs", "1", "--vector-size", "4", "--min-count", "1"]

SAME_AS_INPUT = [
    ["train", "word2vec", "c.txt", "-o", "c.txt", *TRAIN_SMALL],
    ["train", "glove", "c.txt", "-o", "c.txt", *TRAIN_SMALL],
    ["train", "fasttext", "c.txt", "-o", "c.txt", *TRAIN_SMALL],
    ["train", "valuevec", "colors.csv", "--word", "w", "--value", "v", "-o", "colors.csv"],
    [
        "train",
        "valuevec",
        "colors.csv",
        "--word",
        "w",
        "--value",
        "v",
        "-o",
        "m.wsv",
        "--pairs-out",
        "colors.csv",
    ],
    ["convert", "x.txt", "-o", "x.txt", "--limit", "10"],
    ["convert", "x.txt", "x.txt"],
    ["convert", "model.wsv", "-o", "model.wsv"],
    ["convert", "model.wsv", "./sub/../model.wsv"],
    ["train", "word2vec", "c.txt", "-o", "m.wsv", "--checkpoint-path", "c.txt", *TRAIN_SMALL],
    ["report", "x.txt", "--pairs", "p.html", "-o", "p.html"],
    ["tune", "valuevec", "colors.csv", "--word", "w", "--value", "v", "-o", "colors.csv"],
    ["phrases", "c.txt", "-o", "c.txt"],
]


@pytest.mark.parametrize("args", SAME_AS_INPUT, ids=lambda a: " ".join(a[:5]))
def test_c1_output_equal_to_an_input_is_refused(work, capsys, args):
    (work / "sub").mkdir(exist_ok=True)
    before = {p.name: digest(p) for p in work.iterdir() if p.is_file()}
    code, out, err = run(capsys, *args)
    assert code == 2, err
    assert err.count("\n") == 1 and "never overwrites an input" in err, err
    after = {p.name: digest(p) for p in work.iterdir() if p.is_file()}
    assert after == before  # nothing written, nothing removed


def test_c1_hard_link_and_symlink_of_the_input_are_refused(work, capsys):
    os.link(work / "x.txt", work / "hard.txt")
    os.symlink(work / "x.txt", work / "soft.txt")
    before = digest(work / "x.txt")
    for out in ("hard.txt", "soft.txt"):
        code, _, err = run(capsys, "convert", "x.txt", "-o", out, "--limit", "3")
        assert code == 2 and "never overwrites an input" in err
    code, _, err = run(capsys, "train", "word2vec", "hard.txt", "-o", "x.txt", *TRAIN_SMALL)
    assert code == 2 and "hard.txt" in err
    assert digest(work / "x.txt") == before


def test_c1_checkpoint_path_must_be_a_checkpoint(work, capsys):
    (work / "notes.ckpt").write_text("my notes")
    code, _, err = run(
        capsys,
        "train",
        "word2vec",
        "c.txt",
        "-o",
        "m.wsv",
        "--checkpoint-path",
        "notes.ckpt",
        "--checkpoint-every",
        "0.01",
        *TRAIN_SMALL,
    )
    assert code == 2 and "not a wordspace checkpoint" in err
    assert (work / "notes.ckpt").read_text() == "my notes"
    assert not (work / "m.wsv").exists()


def test_c1_library_checkpointer_refuses_a_foreign_file(work):
    (work / "notes.ckpt").write_text("my notes")
    model = ws.Word2Vec(
        vector_size=4, min_count=1, epochs=1, checkpoint_path="notes.ckpt", checkpoint_every=1
    )
    with pytest.raises(OutputPathError, match="not a wordspace checkpoint"):
        model.fit("c.txt")
    assert (work / "notes.ckpt").read_text() == "my notes"


def test_c1_checkpoint_deleted_at_the_end_only_when_it_is_one(work, capsys):
    code, _, err = run(
        capsys,
        "train",
        "word2vec",
        "c.txt",
        "-o",
        "m.wsv",
        "--checkpoint-path",
        "run.ckpt",
        "--checkpoint-every",
        "0.0001",
        *TRAIN_SMALL,
    )
    assert code == 0, err
    assert (work / "m.wsv").is_file() and not (work / "run.ckpt").exists()
    assert digest(work / "c.txt") == digest(work / "c.txt")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefix=st.sampled_from(["", "./", "sub/../", "sub/./../"]),
    via=st.sampled_from(["same", "symlink", "hardlink", "abs"]),
    option=st.sampled_from(["-o", "DST"]),
)
def test_c1_property_any_spelling_of_the_input_is_refused(work, capsys, prefix, via, option):
    (work / "sub").mkdir(exist_ok=True)
    name = {"same": "x.txt", "symlink": "l.txt", "hardlink": "h.txt", "abs": str(work / "x.txt")}[
        via
    ]
    if via == "symlink" and not (work / "l.txt").exists():
        os.symlink(work / "x.txt", work / "l.txt")
    if via == "hardlink" and not (work / "h.txt").exists():
        os.link(work / "x.txt", work / "h.txt")
    target = name if via == "abs" else prefix + name
    before = digest(work / "x.txt")
    args = ["convert", "x.txt", *(["-o", target] if option == "-o" else [target]), "--limit", "2"]
    code, _, err = run(capsys, *args)
    assert code == 2 and "never overwrites an input" in err
    assert digest(work / "x.txt") == before


# ---------------------------------------------------------------- extra: stale temporaries
def test_extra_stale_temporaries_of_the_same_target_are_removed(work):
    from wordspace._files import atomic_path

    stale = work / ".out.txt.abcd1234.tmp"
    stale.write_bytes(b"x" * 100)
    other = work / ".other.txt.abcd1234.tmp"  # another target's: kept
    other.write_bytes(b"y")
    odd = work / ".out.txt.notmine.tmp"  # not the pattern: kept
    odd.write_bytes(b"z")
    with atomic_path(work / "out.txt") as tmp:
        tmp.write_text("new")
    assert (work / "out.txt").read_text() == "new"
    assert not stale.exists() and other.exists() and odd.exists()


def test_extra_live_temporary_of_a_running_save_is_kept(work):
    from wordspace._files import atomic_path, remove_stale_temporaries

    with atomic_path(work / "out.txt") as tmp:
        tmp.write_text("new")
        assert remove_stale_temporaries(work / "out.txt") == []
        assert tmp.exists()


def test_extra_stale_staging_folder_of_a_dir_model_is_removed(work):
    stale = work / ".m.wsv.zz99zz99.tmp"
    stale.mkdir()
    (stale / "vectors.npy").write_bytes(b"0" * 10)
    ws.load("model.wsv").save(work / "m.wsv", layout="dir")
    assert (work / "m.wsv" / "meta.json").is_file() and not stale.exists()


# ---------------------------------------------------------------- 2. checkpoints validated
class StopAfter:
    def __init__(self, n):
        self.n, self.calls = n, 0

    def __call__(self, *a, **info):
        self.calls += 1
        if self.calls == self.n:
            raise KeyboardInterrupt


def _sentences(n=400, vocab=60, length=20, seed=0):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(vocab)]
    return [[words[k] for k in rng.zipf(1.3, length) % vocab] for _ in range(n)]


W2V = dict(vector_size=8, min_count=1, epochs=2, workers=1, seed=3, batch_words=400)


def _rewrite(path, change_meta=None, change_arrays=None):
    """Rewrite the zip checkpoint ``path`` with its meta.json (and arrays) changed."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    meta = json.loads(members["meta.json"])
    if change_meta is not None:
        change_meta(meta)
    members["meta.json"] = json.dumps(meta).encode()
    if change_arrays is not None:
        import io

        for name, arr in change_arrays.items():
            buf = io.BytesIO()
            np.save(buf, arr)
            members[f"{name}.npy"] = buf.getvalue()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for n, data in members.items():
            z.writestr(n, data)


@pytest.fixture(scope="module")
def w2v_checkpoint(tmp_path_factory):
    d = tmp_path_factory.mktemp("ck")
    sents = _sentences()
    ck = d / "m.ckpt"
    m = ws.Word2Vec(**W2V, checkpoint_path=str(ck), checkpoint_every=1e-9)
    with pytest.raises(KeyboardInterrupt):
        m.fit(sents, progress=StopAfter(3))
    return ck, sents


BAD_POSITIONS = [
    ("epoch", 99, "epoch must be in"),
    ("epoch", -1, "epoch must be in"),
    ("epoch", "x", "epoch must be an integer"),
    ("epoch", True, "epoch must be an integer"),
    ("epoch", 1.5, "epoch must be an integer"),
    ("epoch", 1, "epoch"),
    ("job", 10**9, "job must be in"),
    ("done", -5, "done must be in"),
    ("done", None, "done must be an integer"),
    ("base_epoch", 7, "base_epoch must be in"),
]


@pytest.mark.parametrize("field, value, message", BAD_POSITIONS)
def test_c2_checkpoint_position_is_validated(w2v_checkpoint, tmp_path, field, value, message):
    src, sents = w2v_checkpoint
    ck = tmp_path / "m.ckpt"
    ck.write_bytes(src.read_bytes())

    def change(meta):
        meta["checkpoint"]["position"][field] = value

    _rewrite(ck, change)
    with pytest.raises(CheckpointError, match=message) as e:
        ws.Word2Vec.resume(ck).fit(sents)
    assert str(ck) in str(e.value) and "checkpoint.position" in str(e.value)


def test_c2_untouched_checkpoint_still_resumes(w2v_checkpoint, tmp_path):
    src, sents = w2v_checkpoint
    ck = tmp_path / "m.ckpt"
    ck.write_bytes(src.read_bytes())
    r = ws.Word2Vec.resume(ck).fit(sents)
    ref = ws.Word2Vec(**W2V).fit(sents)
    assert r.epochs_trained_ == 2 and np.array_equal(r.syn0_, ref.syn0_)


def test_c2_checkpoint_with_nan_arrays_names_the_file(w2v_checkpoint, tmp_path):
    src, sents = w2v_checkpoint
    ck = tmp_path / "m.ckpt"
    ck.write_bytes(src.read_bytes())
    with zipfile.ZipFile(ck) as z:
        import io

        syn = np.load(io.BytesIO(z.read("syn1neg.npy")))
    syn[0, 0] = np.nan
    _rewrite(ck, change_arrays={"syn1neg": syn})
    with pytest.raises(CheckpointError, match="non-finite") as e:
        ws.Word2Vec.resume(ck)
    assert str(ck) in str(e.value) and "syn1neg" in str(e.value)


def test_c2_invalid_parameter_in_a_checkpoint_names_the_file(w2v_checkpoint, tmp_path):
    src, _ = w2v_checkpoint
    ck = tmp_path / "m.ckpt"
    ck.write_bytes(src.read_bytes())

    def change(meta):
        meta["word2vec"]["config"]["window"] = -3

    _rewrite(ck, change)
    with pytest.raises(CheckpointError, match="window") as e:
        ws.Word2Vec.resume(ck)
    assert str(ck) in str(e.value)


@settings(max_examples=40, deadline=None)
@given(
    field=st.sampled_from(["epoch", "job", "done", "base_epoch"]),
    value=st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=5),
        st.none(),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
    ),
)
def test_c2_property_checkpoint_position_never_reaches_a_bare_error(
    w2v_checkpoint, tmp_path_factory, field, value
):
    src, sents = w2v_checkpoint
    ck = tmp_path_factory.mktemp("p") / "m.ckpt"
    ck.write_bytes(src.read_bytes())
    orig = json.loads(zipfile.ZipFile(src).read("meta.json"))["checkpoint"]["position"][field]

    def change(meta):
        meta["checkpoint"]["position"][field] = value

    _rewrite(ck, change)
    try:
        r = ws.Word2Vec.resume(ck).fit(sents)
    except CheckpointError as e:
        assert str(ck) in str(e)
    else:  # only a value equal to the original (or one in range) may train
        assert r.training_complete_ and r.epochs_trained_ == 2
        assert isinstance(value, int) and not isinstance(value, bool)
        assert field in ("job", "done") or value == orig


# ---------------------------------------------------------------- 9. lookup keys
@pytest.fixture(scope="module")
def ft_model():
    return ws.FastText(
        vector_size=6, min_count=1, epochs=1, bucket=200, minn=2, maxn=3, seed=1
    ).fit([["the", "cat", "sat"], ["the", "dog", "sat"]] * 20)


def test_c9_surrogate_keys_are_absent_not_unicode_errors(work, ft_model):
    wv = ws.load("model.wsv")
    with pytest.raises(ws.OutOfVocabularyError):
        wv["\ud800x"]
    assert "\ud800x" not in wv
    assert "\ud800x" not in ft_model.wv and "\ud800" not in ft_model.wv
    with pytest.raises(ws.OutOfVocabularyError):
        ft_model.wv["\ud800"]
    # a word with n-grams is still built from them
    assert "\ud800x" in ft_model.wv or ft_model.wv["catx"].shape == (6,)


@pytest.mark.parametrize("key", [123, None, 1.5, b"the", bytearray(b"the")])
def test_c9_non_str_keys_are_typed_errors(work, ft_model, key):
    wv = ws.load("model.wsv")
    for vectors in (wv, ft_model.wv):
        with pytest.raises(ParameterError, match="looked up by str"):
            vectors[key]
        with pytest.raises(ParameterError, match="looked up by str"):
            vectors.get_index(key)
        assert (key in vectors) is False
    assert ["the"] not in wv  # unhashable: absent, not a TypeError


@settings(max_examples=60, deadline=None)
@given(key=st.one_of(st.text(max_size=6), st.binary(max_size=4), st.integers(), st.none()))
def test_c9_property_lookup_gives_a_vector_or_a_typed_error(ft_model, key):
    for vectors in (ft_model.wv,):
        assert isinstance(key in vectors, bool)
        try:
            v = vectors[key]
        except WordspaceError as e:
            assert isinstance(e, ws.OutOfVocabularyError | ParameterError)
        else:
            assert isinstance(key, str) and v.shape == (6,)


# ---------------------------------------------------------------- 12. CLI ranges
@pytest.mark.parametrize(
    "args",
    [
        ["similar", "model.wsv", "king", "-n", "0"],
        ["similar", "model.wsv", "king", "-n", "-5"],
        ["analogy", "model.wsv", "king", "man", "woman", "-n", "0"],
        ["rank", "model.wsv", "the cat", "c.txt", "-n", "0"],
    ],
)
def test_c12_topn_below_one_is_refused(work, capsys, args):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert "--topn must be at least 1" in err and err.count("\n") == 1
