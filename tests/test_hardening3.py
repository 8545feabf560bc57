"""Hardening III (issue 31): never destroy an input, bound every read, validate every file we
load. One test (or a few) per cause of the issue, named ``test_cN_...``, and the extra
findings (``test_extra_...``); hypothesis property tests for the CLI's path options and the
loaders."""

from __future__ import annotations

import hashlib
import json
import math
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
    before = digest(work / "c.txt")
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
    assert digest(work / "c.txt") == before


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
    ("epoch", 99, "epoch' must be in"),
    ("epoch", -1, "epoch' must be in"),
    ("epoch", "x", "epoch' must be an integer"),
    ("epoch", True, "epoch' must be an integer"),
    ("epoch", 1.5, "epoch' must be an integer"),
    ("epoch", 1, "epoch"),
    ("job", 10**9, "job' must be in"),
    ("done", -5, "done' must be in"),
    ("done", None, "done' must be an integer"),
    ("base_epoch", 7, "base_epoch' must be in"),
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


# ---------------------------------------------------------------- 4. '$' in words
@pytest.fixture()
def dollar_model(tmp_path):
    rng = np.random.default_rng(1)
    words = ["$5", "$10", "a$b$", "\\$x$", "US$", "king", "queen", "man", "woman"]
    words += [f"w{i}" for i in range(20)]
    path = tmp_path / "dollars.wsv"
    ws.WordVectors(words, rng.standard_normal((len(words), 6)).astype(np.float32)).save(path)
    return path


def test_c4_words_with_dollars_draw_in_every_picture(dollar_model, tmp_path, capsys):
    from wordspace.viz import plot

    wv = ws.load(dollar_model)
    words = ["$5", "$10", "a$b$", "\\$x$", "US$", "king"]
    for fig in (
        plot.map(wv, words=words, method="pca"),
        plot.similarity_heatmap(wv, words, title="$ and $"),
        plot.analogy(wv, "$5", "$10", "a$b$"),
    ):
        png = plot.to_png(fig)
        assert png.startswith(b"\x89PNG")
        texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
        assert not any(t.count("$") - t.count("\\$") for t in texts)  # no math is parsed
    code, _, err = run(
        capsys,
        "plot",
        "heatmap",
        dollar_model,
        "--words",
        ",".join(words),
        "-o",
        tmp_path / "h.png",
    )
    assert code == 0, err
    code, _, err = run(
        capsys, "plot", "map", dollar_model, "--words", ",".join(words), "-o", tmp_path / "m.png"
    )
    assert code == 0, err
    code, _, err = run(
        capsys, "report", dollar_model, "--words", ",".join(words), "-o", tmp_path / "r.html"
    )
    assert code == 0, err
    assert "$10" in (tmp_path / "r.html").read_text()


def test_c4_plain_text_draws_the_characters_as_given():
    from matplotlib.text import Text

    from wordspace.viz.plot import plain_text

    for word in ["$5 and $10", "a$b$", "\\$x$", "$$", "plain"]:
        shown, ismath = Text(0, 0, plain_text(word))._preprocess_math(plain_text(word))
        assert ismath is False and shown == word


# ---------------------------------------------------------------- 6. report on a NaN model
@pytest.mark.parametrize("rows", ["all", "some"])
def test_c6_report_on_a_nan_model_skips_the_map_with_a_reason(tmp_path, capsys, rows):
    words = [f"w{i}" for i in range(30)]
    v = np.random.default_rng(0).standard_normal((30, 5)).astype(np.float32)
    v[: 30 if rows == "all" else 10] = np.nan
    ws.WordVectors(words, v).save(tmp_path / "nan.wsv")
    code, _, err = run(capsys, "report", tmp_path / "nan.wsv", "-o", tmp_path / "r.html")
    assert code == 0, err
    assert "internal error" not in err
    html = (tmp_path / "r.html").read_text()
    assert "Picture skipped" in html and "NaN or infinity" in html
    code, _, err = run(capsys, "plot", "map", tmp_path / "nan.wsv", "-o", tmp_path / "m.png")
    assert code == 2 and "NaN or infinity" in err and not (tmp_path / "m.png").exists()


# ---------------------------------------------------------------- 7. Phrases.load validates
@pytest.fixture(scope="module")
def phrases_doc(tmp_path_factory):
    path = tmp_path_factory.mktemp("ph") / "p.json"
    ws.Phrases(min_count=1, threshold=1.0).fit([["new", "york", "is", "big"]] * 5).export(path)
    return json.loads(path.read_text())


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.update(corpus_word_count="abc"), "corpus_word_count' must be an integer"),
        (lambda d: d.update(corpus_word_count={}), "corpus_word_count' must be an integer"),
        (lambda d: d.update(corpus_word_count=float("inf")), "corpus_word_count"),
        (lambda d: d.update(len_vocab=-1), "len_vocab' must be in"),
        (lambda d: d["params"].update(scoring="custom", threshold=float("nan")), "threshold"),
        (lambda d: d["params"].update(scoring="custom", min_count=-5), "min_count"),
        (lambda d: d["params"].update(min_count={"a": 1}), "min_count"),
        (lambda d: d["phrases"].append(["x_y", -3, 1.0]), "phrase #"),
        (lambda d: d["phrases"].append(d["phrases"][0]), "listed twice"),
    ],
)
def test_c7_phrases_load_validates_every_field(phrases_doc, tmp_path, change, message):
    doc = json.loads(json.dumps(phrases_doc))
    change(doc)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))  # Python writes Infinity/NaN as JSON allows it to
    with pytest.raises(FormatError, match=message) as e:
        ws.Phrases.load(path)
    assert str(path) in str(e.value)


def test_c7_custom_scoring_with_valid_fields_loads(phrases_doc, tmp_path):
    doc = json.loads(json.dumps(phrases_doc))
    doc["params"]["scoring"] = "custom"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    ph = ws.Phrases.load(path)
    assert ph.transform(["new", "york"]) == ["new_york"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=80, deadline=None)
@given(
    where=st.sampled_from(
        [
            "corpus_word_count",
            "len_vocab",
            "params.min_count",
            "params.threshold",
            "params.scoring",
            "params.delimiter",
            "params.max_vocab_size",
            "connector_words",
            "phrases",
            "phrases.0",
            "version",
        ]
    ),
    value=JSON_VALUES,
)
def test_c7_property_phrases_load_is_a_model_or_a_format_error(
    phrases_doc, tmp_path_factory, where, value
):
    doc = json.loads(json.dumps(phrases_doc))
    parts = where.split(".")
    target = doc
    for part in parts[:-1]:
        target = target[part]
    if isinstance(target, list):
        target[int(parts[-1])] = value
    else:
        target[parts[-1]] = value
    path = tmp_path_factory.mktemp("p") / "p.json"
    path.write_text(json.dumps(doc))
    try:
        ph = ws.Phrases.load(path)
    except FormatError as e:
        assert str(path) in str(e)
    else:
        ph.transform(["new", "york", "is", "big"])
        assert ph.corpus_word_count_ >= 0 and ph.len_vocab_ >= 0


# ---------------------------------------------------------------- 5. undecodable, empty inputs
@pytest.fixture()
def binary_file(work):
    path = work / "ft.bin"
    path.write_bytes(bytes(range(256)) * 8)
    return path


def test_c5_eval_pairs_on_a_binary_file(work, capsys, binary_file):
    code, _, err = run(capsys, "eval", "model.wsv", "--pairs", binary_file)
    assert code == 2 and "is not utf8 text" in err and "ft.bin" in err
    with pytest.raises(FormatError, match="ft.bin: line"):
        ws.load("model.wsv").evaluate_word_pairs(binary_file)


def test_c5_report_pairs_on_a_binary_file_skips_the_section(work, capsys, binary_file):
    code, _, err = run(capsys, "report", "model.wsv", "--pairs", binary_file, "-o", "r.html")
    assert code == 0 and "internal error" not in err
    assert "is not utf8 text" in (work / "r.html").read_text()


@pytest.mark.parametrize(
    "content, message",
    [
        (bytes(range(256)) * 8, "binary file"),
        (b"", "is empty"),
        (b"\xff\xfe,a\n1,2\n", "not UTF-8"),
    ],
)
def test_c5_train_valuevec_on_a_binary_or_empty_table(work, capsys, content, message):
    (work / "t.csv").write_bytes(content)
    code, _, err = run(capsys, "train", "valuevec", "t.csv", "--word", "w", "--value", "v")
    assert code == 2 and message in err and "t.csv" in err, err
    assert err.count("\n") == 1


def test_c5_compat_fvocab_with_invalid_utf8(work):
    from wordspace.compat.gensim.models import KeyedVectors

    (work / "vocab.txt").write_bytes(b"king 5\n\xff\xfe 3\n")
    with pytest.raises(FormatError, match="vocab.txt, line 2: .* is not valid UTF-8"):
        KeyedVectors.load_word2vec_format("x.txt", fvocab="vocab.txt")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200))
def test_c5_property_pairs_files_give_a_result_or_a_format_error(work, data):
    (work / "pairs.bin").write_bytes(data)
    wv = ws.load("model.wsv")
    try:
        res = wv.evaluate_word_pairs(work / "pairs.bin")
    except FormatError as e:
        assert "pairs.bin" in str(e)
    else:
        assert res is not None


# ---------------------------------------------------------------- 11. models clear
@pytest.mark.parametrize("folder", ["downloads", "models", "files"])
def test_c11_models_clear_does_not_follow_a_symlinked_folder(tmp_path, monkeypatch, capsys, folder):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("WORDSPACE_HOME", str(home))
    mine = tmp_path / "mine"
    mine.mkdir()
    names = {
        "downloads": ["glove-wiki-gigaword-50.gz", "glove-wiki-gigaword-50.gz.part"],
        "models": ["glove-wiki-gigaword-50.wsv"],
        "files": ["0123456789abcdef0123456789abcdef.wsv"],
    }[folder]
    for n in names:
        (mine / n).write_text("user data")
    os.symlink(mine, home / folder)
    code, _, err = run(capsys, "models", "clear")
    assert code == 0, err
    for n in names:
        assert (mine / n).read_text() == "user data"


def test_c11_models_clear_still_clears_its_own_files(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    (home / "downloads").mkdir(parents=True)
    monkeypatch.setenv("WORDSPACE_HOME", str(home))
    part = home / "downloads" / "glove-wiki-gigaword-50.gz.part"
    part.write_bytes(b"x" * 10)
    code, _, err = run(capsys, "models", "clear")
    assert code == 0, err
    assert not part.exists()


# ---------------------------------------------------------------- 3. tune --storage
TUNE = ["tune", "valuevec", "colors.csv", "--word", "w", "--value", "v", "--trials", "1"]


@pytest.mark.parametrize(
    "storage, message",
    [
        ("sqlite:///nofolder/t.db", "does not exist"),
        ("sqlite:///notdb.db", "is not an SQLite database"),
        ("sqlite:///afolder", "is a folder"),
        ("bogus://x", "cannot be opened"),
        ("postgresql://u@localhost/db", "needs a database driver"),
        ("tune.db", "sqlite:///tune.db"),
    ],
)
def test_c3_tune_storage_values_are_one_line_errors(work, capsys, storage, message):
    pytest.importorskip("optuna")
    (work / "notdb.db").write_text("hello")
    (work / "afolder").mkdir()
    code, out, err = run(capsys, *TUNE, "--storage", storage, "-o", "best.wsv")
    assert code == 2, err
    assert message in err and "internal error" not in err and err.count("\n") == 1, err
    assert (work / "notdb.db").read_text() == "hello"
    assert not (work / "best.wsv").exists()


def test_c3_read_only_storage_folder_is_refused(work, monkeypatch):
    from wordspace.tune import search

    (work / "ro").mkdir()
    real = os.access
    monkeypatch.setattr(
        search.os, "access", lambda p, m: False if str(p).endswith("ro") else real(p, m)
    )
    with pytest.raises(ParameterError, match="cannot write in the folder"):
        search.check_storage("sqlite:///ro/t.db")


def test_extra_tune_never_takes_an_inf_metric_as_best(work):
    pytest.importorskip("optuna")
    colours = ws.datasets.color_spectrum()

    def metric(est):
        return math.inf if est.alpha > 0.05 else 0.5

    res = ws.tune(
        ws.ValueVec(epochs=5, workers=1),
        colours,
        fit_kwargs={"word": "keyword", "value": "estimated_value"},
        metric=metric,
        space={"alpha": [0.01, 0.1]},
        sampler="grid",
        pruner="none",
    )
    assert res.best_params_ == {"alpha": 0.01} and res.best_score_ == 0.5
    states = res.trials_.set_index("params_alpha")["state"]
    assert states[0.1] == "FAIL" and states[0.01] == "COMPLETE"


# ---------------------------------------------------------------- 8. fastText .bin
@pytest.fixture(scope="module")
def ft_bin(tmp_path_factory):
    from wordspace.io.fasttext_bin import save_facebook_model

    d = tmp_path_factory.mktemp("ftbin")
    odd = b"caf\xe9".decode("utf-8", "surrogateescape")  # Latin-1 bytes, not UTF-8
    sents = [["the", "cat", odd, "sat"], ["the", "dog", "sat", odd]] * 20
    model = ws.FastText(
        vector_size=4, min_count=1, epochs=1, bucket=50, minn=2, maxn=3, seed=1, workers=1
    ).fit(sents)
    path = d / "ft.bin"
    save_facebook_model(model, path)
    return path, odd


def _matrix_offset(path, wi):
    data = path.read_bytes()
    off = data.find(np.ascontiguousarray(wi[0], dtype="<f4").tobytes())
    assert off > 0
    return off


def test_c8_non_utf8_words_round_trip_load_save_load(ft_bin, tmp_path):
    from wordspace.io.fasttext_bin import load_facebook_vectors, read_bin, save_facebook_model

    path, odd = ft_bin
    wv = load_facebook_vectors(path)
    assert odd in wv.key_to_index
    save_facebook_model(wv, tmp_path / "again.bin")
    first, second = read_bin(path), read_bin(tmp_path / "again.bin")
    assert first["raw"] == second["raw"] and b"caf\xe9" in second["raw"]
    assert first["keys"] == second["keys"]
    np.testing.assert_array_equal(first["input"], second["input"])


def test_c8_negative_counts_are_refused(ft_bin, tmp_path):
    from wordspace.io.fasttext_bin import load_facebook_vectors

    path, _ = ft_bin
    data = bytearray(path.read_bytes())
    at = data.find(b"the\x00") + 4
    data[at : at + 8] = np.int64(-5).tobytes()
    bad = tmp_path / "neg.bin"
    bad.write_bytes(bytes(data))
    with pytest.raises(FormatError, match="count -5") as e:
        load_facebook_vectors(bad)
    assert "neg.bin" in str(e.value)


def test_c8_nan_rows_warn_and_inf_ngrams_blame_the_file(ft_bin, tmp_path):
    from wordspace.io.fasttext_bin import load_facebook_vectors, read_bin

    path, _ = ft_bin
    info = read_bin(path)
    wi, nwords = info["input"], len(info["keys"])
    off = _matrix_offset(path, wi)
    data = bytearray(path.read_bytes())
    dim = wi.shape[1]
    start = off + nwords * dim * 4
    data[start : start + (wi.shape[0] - nwords) * dim * 4] = np.full(
        (wi.shape[0] - nwords) * dim, np.inf, "<f4"
    ).tobytes()
    bad = tmp_path / "inf.bin"
    bad.write_bytes(bytes(data))
    with pytest.warns(RuntimeWarning, match="hold NaN or infinity"):
        wv = load_facebook_vectors(bad)
    with pytest.raises(FormatError, match="non-finite n-gram vectors") as e:
        wv.most_similar("zebra")
    assert "inf.bin" in str(e.value)


@settings(max_examples=60, deadline=None)
@given(pos=st.integers(min_value=0, max_value=10**6), byte=st.integers(0, 255))
def test_c8_property_a_damaged_bin_loads_or_is_a_format_error(ft_bin, tmp_path_factory, pos, byte):
    from wordspace.io.fasttext_bin import load_facebook_vectors

    path, _ = ft_bin
    data = bytearray(path.read_bytes())
    data[pos % len(data)] = byte
    bad = tmp_path_factory.mktemp("b") / "x.bin"
    bad.write_bytes(bytes(data))
    import warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            wv = load_facebook_vectors(bad)
        except FormatError as e:
            assert "x.bin" in str(e)
        else:
            assert (wv.counts >= 0).all()
    # the only warning a damaged file may give is the non-finite rows one, naming it
    assert all("x.bin" in str(w.message) and "NaN or infinity" in str(w.message) for w in seen)


# ---------------------------------------------------------------- 10. bounded downloads
@pytest.fixture()
def hostile_server():
    """127.0.0.1 only: /endless sends bytes for ever, /trickle one byte every 0.2 s,
    /liar announces more than the catalogue's size."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            self.send_response(200)
            if self.path == "/liar":
                self.send_header("Content-Length", str(10**9))
            self.end_headers()
            try:
                if self.path == "/endless":
                    for _ in range(10_000):  # 640 MB at most, never reached
                        self.wfile.write(b"x" * 65536)
                elif self.path in ("/trickle", "/liar"):
                    for _ in range(200):
                        self.wfile.write(b"y")
                        self.wfile.flush()
                        time.sleep(0.2)
            except (BrokenPipeError, ConnectionResetError):
                pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_c10_a_download_is_bounded_by_the_catalogue_size(hostile_server, tmp_path, monkeypatch):
    from wordspace.io.pretrained._download import fetch

    monkeypatch.delenv("WORDSPACE_OFFLINE", raising=False)
    dest = tmp_path / "m.gz"
    with pytest.raises(ws.errors.DownloadError, match="sent more than the catalogue") as e:
        fetch(f"{hostile_server}/endless", dest, md5=None, size=100_000, retries=0)
    assert "m.gz" not in os.listdir(tmp_path) and not (tmp_path / "m.gz.part").exists()
    assert "100,000" in str(e.value)
    with pytest.raises(ws.errors.DownloadError, match="announces"):
        fetch(f"{hostile_server}/liar", dest, md5=None, size=100_000, retries=0)


def test_c10_a_trickling_download_has_an_overall_deadline(hostile_server, tmp_path, monkeypatch):
    import time

    from wordspace.io.pretrained._download import fetch

    monkeypatch.delenv("WORDSPACE_OFFLINE", raising=False)
    t0 = time.monotonic()
    with pytest.raises(ws.errors.DownloadError, match="did not finish within") as e:
        fetch(f"{hostile_server}/trickle", tmp_path / "t.gz", md5=None, size=None, deadline=1.0)
    assert time.monotonic() - t0 < 5  # the per-read timeout (60 s) never fired
    assert "WORDSPACE_DOWNLOAD_DEADLINE" in str(e.value)
    monkeypatch.setenv("WORDSPACE_DOWNLOAD_DEADLINE", "0.5")
    # the part kept is resumed; this server ignores Range, and the warning says so
    with (
        pytest.warns(RuntimeWarning, match="does not resume downloads: starting again from byte 0"),
        pytest.raises(ws.errors.DownloadError, match="within 0 s|within 1 s"),
    ):
        fetch(f"{hostile_server}/trickle", tmp_path / "t.gz", md5=None, size=None)
    monkeypatch.setenv("WORDSPACE_DOWNLOAD_DEADLINE", "soon")
    with pytest.raises(ws.errors.DownloadError, match="must be a number of seconds"):
        fetch(f"{hostile_server}/trickle", tmp_path / "t.gz", md5=None, size=None)


# ---------------------------------------------------------------- 10. bounded reads
def _gz(path, data: bytes):
    import gzip

    path.write_bytes(gzip.compress(data, compresslevel=1))
    return path


def test_c10_a_gz_bomb_is_refused_with_the_option_to_raise_the_limit(tmp_path, monkeypatch):
    import wordspace._files as files

    monkeypatch.setattr(files, "DECOMPRESSION_FLOOR", 1 << 20)
    bomb = _gz(tmp_path / "bomb.txt.gz", b"2 3\nw " + b"1" * (8 << 20) + b"\n")
    assert bomb.stat().st_size < (8 << 20) // files.DECOMPRESSION_RATIO
    with pytest.raises(FormatError, match="decompression bomb") as e:
        ws.load(bomb, cache=False)
    assert "bomb.txt.gz" in str(e.value) and "WORDSPACE_MAX_DECOMPRESSED" in str(e.value)
    monkeypatch.setenv("WORDSPACE_MAX_DECOMPRESSED", "0")  # no limit: read, then refused as text
    with pytest.raises(FormatError, match="bomb.txt.gz") as e:
        ws.load(bomb, cache=False)
    assert "decompression bomb" not in str(e.value)
    monkeypatch.setenv("WORDSPACE_MAX_DECOMPRESSED", "lots")
    with pytest.raises(ParameterError, match="WORDSPACE_MAX_DECOMPRESSED must be"):
        ws.load(bomb, cache=False)


def test_c10_a_genuine_gz_within_the_ratio_still_loads(work):
    data = (work / "x.txt").read_bytes()
    _gz(work / "x2.txt.gz", data)
    assert ws.load(work / "x2.txt.gz", cache=False).index_to_key == ws.load("x.txt").index_to_key


def test_c10_an_endless_first_line_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("WORDSPACE_MAX_LINE", str(1 << 20))
    one_line = _gz(tmp_path / "line.txt.gz", b"w " + b"0.5 " * (1 << 19))
    with pytest.raises(FormatError, match="line is longer than 1,048,576 bytes") as e:
        ws.load(one_line, cache=False)
    assert "line.txt.gz: line 1:" in str(e.value) and "WORDSPACE_MAX_LINE" in str(e.value)


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_c10_special_files_are_refused_before_opening(tmp_path, capsys, special):
    if special == "fifo":
        special = tmp_path / "fifo"
        os.mkfifo(special)  # opening it for reading would block for ever
    for loader in (ws.load, ws.WordVectors.load):
        with pytest.raises(FormatError, match="not a regular file"):
            loader(special)
    code, _, err = run(capsys, "info", special)
    assert code == 2 and "not a regular file" in err
    code, _, err = run(capsys, "train", "word2vec", special, "-o", tmp_path / "m.wsv")
    assert code == 2 and "not a regular file" in err


# ---------------------------------------------------------------- extra findings
def test_extra_short_row_text_file_that_fits_the_binary_layout_is_refused(tmp_path):
    rows = b"".join(b"w%d 0.1234 0.2345 9\n" % i for i in range(3))  # 3 numbers, not 4
    path = tmp_path / "short.txt"
    path.write_bytes(b"3 4\n" + rows)
    with pytest.raises(FormatError, match=r"short.txt:2: expected a word and 4 numbers"):
        ws.load(path, cache=False)


def test_extra_compat_downloader_takes_catalogue_names_only(tmp_path):
    from wordspace.compat.gensim import downloader

    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    for name in (str(secret), "../../etc/passwd", "glove-wiki-gigaword-5O"):
        with pytest.raises(ParameterError, match="not a model name of the catalogue") as e:
            downloader.load(name)
        assert "root:x" not in str(e.value)


def test_extra_report_into_a_missing_folder_creates_it(work, capsys):
    code, _, err = run(capsys, "report", "model.wsv", "-o", "new/sub/r.html")
    assert code == 0, err
    assert (work / "new" / "sub" / "r.html").stat().st_size > 1000


def test_extra_plot_into_a_missing_folder_creates_it_as_other_writers_do(work, capsys):
    from wordspace.viz import plot

    code, _, err = run(capsys, "plot", "map", "model.wsv", "-o", "figs/new/map.png")
    assert code == 0, err
    assert (work / "figs" / "new" / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    fig = plot.map(ws.load("model.wsv"), words=["king", "queen", "man"])
    out = plot.save(fig, work / "more" / "deep" / "m.svg")
    assert Path(out).read_text(encoding="utf-8").lstrip().startswith("<?xml")
    (work / "afile").write_text("keep")  # under a file: refused, and the file is kept
    with pytest.raises(OutputPathError, match="is a file, not a folder"):
        plot.save(fig, work / "afile" / "m.png")
    assert (work / "afile").read_text() == "keep"
    code, _, err = run(capsys, "plot", "map", "model.wsv", "-o", "afile/m.png")
    assert code == 2 and "is a file, not a folder" in err and len(err.strip().splitlines()) == 1


def test_extra_download_retries_are_warning_lines(capsys, monkeypatch, tmp_path):
    from wordspace.cli import _warnings_as_lines
    from wordspace.cli._common import io
    from wordspace.io.pretrained import _download

    calls = []

    def flaky(url, part, size, progress, timeout, **kw):
        calls.append(1)
        if len(calls) < 3:
            raise _download._Dropped("ConnectionResetError: reset")
        part.path.write_bytes(b"ok")
        part.have = 2

    monkeypatch.setattr(_download, "_transfer", flaky)
    monkeypatch.setattr(_download, "RETRY_BACKOFF_S", 0.0)
    monkeypatch.delenv("WORDSPACE_OFFLINE", raising=False)
    io.reset()
    with _warnings_as_lines(io.err), pytest.warns(RuntimeWarning) as seen:
        _download.fetch("http://127.0.0.1:9/x.gz", tmp_path / "x.gz", md5=None)
    assert len(seen) == 2
    assert all("retrying" in str(w.message) and "resuming" not in str(w.message) for w in seen)


# ---------------------------------------------------------------- one helper, native metadata
@settings(max_examples=60, deadline=None)
@given(
    field=st.sampled_from(
        [
            "format_version",
            "count",
            "vector_size",
            "kind",
            "model",
            "complete",
            "training",
            "provenance",
            "index_to_key",
            "arrays",
        ]
    ),
    value=JSON_VALUES,
)
def test_native_meta_property_a_model_or_a_format_error(tmp_path_factory, field, value):
    d = tmp_path_factory.mktemp("n") / "m.wsv"
    ws.WordVectors(["a", "b"], np.eye(2, dtype=np.float32)).save(d, layout="dir")
    meta = json.loads((d / "meta.json").read_text())
    meta[field] = value
    (d / "meta.json").write_text(json.dumps(meta))
    try:
        wv = ws.load(d)
    except FormatError as e:
        assert str(d) in str(e)
    else:
        assert len(wv) == 2


def test_schema_fields_name_the_file_and_the_field():
    from wordspace._schema import Fields

    f = Fields({"a": {"b": "x"}, "n": 2.0, "t": True}, where="f.json", section="top")
    with pytest.raises(FormatError, match=r"f.json: field 'top.a.b' must be an integer"):
        f.obj("a").int("b")
    with pytest.raises(FormatError, match=r"field 'top.n' must be an integer, got 2.0"):
        f.int("n")
    with pytest.raises(FormatError, match=r"field 'top.t' must be a number"):
        f.num("t")
    with pytest.raises(CheckpointError, match=r"field 'top.missing' is missing"):
        Fields({}, where="c.ckpt", section="top", error=CheckpointError).int("missing")
    assert f.int("absent", default=None) is None
    with pytest.raises(FormatError, match="must be an integer"):
        Fields({"x": None}, where="f").int("x", default=None)  # present but null: checked


@pytest.fixture(scope="module")
def glove_checkpoint(tmp_path_factory):
    ck = tmp_path_factory.mktemp("g") / "g.ckpt"
    sents = _sentences()
    m = ws.GloVe(
        vector_size=6,
        min_count=1,
        epochs=3,
        workers=1,
        seed=2,
        checkpoint_path=str(ck),
        checkpoint_every=1e-9,
    )

    def stop(*a, **info):
        if getattr(m, "checkpoints_written_", 0) >= 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        m.fit(sents, progress=stop)
    return ck, sents


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p.update(epoch=99), "epoch' must be in"),
        (lambda p: p.update(first=-1), "first' must be in"),
        (lambda p: p.update(threads=[]), "threads"),
        (lambda p: p["threads"][0].update(p=-7), r"threads\[0\].p' must be in"),
        (lambda p: p["threads"][0].update(state="x"), r"threads\[0\].state' must be an integer"),
        (lambda p: p["threads"][0].update(out=[1.0]), "must hold 2 numbers"),
    ],
)
def test_c2_glove_checkpoint_position_is_validated(glove_checkpoint, tmp_path, change, message):
    src, sents = glove_checkpoint
    ck = tmp_path / "g.ckpt"
    ck.write_bytes(src.read_bytes())
    _rewrite(ck, lambda meta: change(meta["checkpoint"]["position"]))
    with pytest.raises(CheckpointError, match=message) as e:
        ws.GloVe.resume(ck).fit(sents)
    assert str(ck) in str(e.value)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p.update(epoch=99), "epoch' must be in"),
        (lambda p: p.update(first="0"), "first' must be an integer"),
        (lambda p: p.update(gen={"bit_generator": "nope"}), "not a random generator state"),
    ],
)
def test_c2_valuevec_checkpoint_position_is_validated(tmp_path, change, message):
    rng = np.random.default_rng(0)
    vals = {f"w{i}": float(x) for i, x in enumerate(rng.random(60))}
    p = dict(vector_size=4, epochs=6, seed=3, patience=1, workers=1)
    ck = tmp_path / "v.ckpt"
    m = ws.ValueVec(**p, checkpoint_path=str(ck), checkpoint_every=1e-9)
    with pytest.raises(KeyboardInterrupt):
        m.fit(vals, progress=StopAfter(3))
    _rewrite(ck, lambda meta: change(meta["checkpoint"]["position"]))
    with pytest.raises(CheckpointError, match=message) as e:
        ws.ValueVec.resume(ck).fit(vals)
    assert str(ck) in str(e.value)
