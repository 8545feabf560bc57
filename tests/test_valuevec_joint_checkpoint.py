"""Joint ValueVec (meaning + value): checkpoints, Ctrl-C, resume bit for bit (workers=1),
refusals naming the difference, kill -9 + resume, the CLI's --resume, and partial_fit on
more text with a fixed vocabulary."""

import os
import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

import wordspace.kernels.word2vec as w2v_kernels
from test_checkpoint import _kill9_then_resume
from wordspace import CheckpointError, ParameterError, ValueDataError, ValueVec, datasets
from wordspace.io.native import PartialModelWarning, read_native

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")

# 2,500 records of 12 words: 30,000 tokens, 3 text jobs per pass (10,000 words each)
P = dict(
    semantic_weight=0.7, vector_size=12, epochs=6, text_epochs=3, min_count=2, workers=1, seed=7
)


@pytest.fixture(scope="module")
def records():
    return datasets.topic_records(n_topics=5, words_per_topic=12, n_records=2500, seed=2)


@pytest.fixture(scope="module")
def reference(records):
    return ValueVec(**P).fit(records, text="text", value="value")


class StopAtJob:
    """Replaces the skip-gram job kernel: raises KeyboardInterrupt (like Ctrl-C) instead of
    running the n-th job, so the interrupt lands between jobs, mid-epoch or at an epoch's
    start."""

    def __init__(self, monkeypatch, n):
        self.n, self.calls, self.real = n, 0, w2v_kernels.train_job
        monkeypatch.setattr(w2v_kernels, "train_job", self)

    def __call__(self, *a):
        self.calls += 1
        if self.calls == self.n:
            raise KeyboardInterrupt
        return self.real(*a)


def _same(a, b):
    assert np.array_equal(a.syn0_, b.syn0_)
    assert np.array_equal(a.syn1neg_, b.syn1neg_)
    assert np.array_equal(a.loss_history_, b.loss_history_)
    assert a.epochs_trained_ == b.epochs_trained_
    assert a.pairs_.words == b.pairs_.words
    assert np.array_equal(a.value_rows_, b.value_rows_)


@pytest.mark.parametrize("stop, epoch, job", [(6, 1, 2), (4, 1, 0)])
def test_interrupted_joint_fit_resumes_bit_for_bit(
    tmp_path, monkeypatch, records, reference, stop, epoch, job
):
    ck = tmp_path / "joint.ckpt"
    m = ValueVec(**P, checkpoint_path=str(ck), checkpoint_every=1e-9)
    stopper = StopAtJob(monkeypatch, stop)
    with pytest.raises(KeyboardInterrupt):
        m.fit(records, text="text", value="value")
    monkeypatch.setattr(w2v_kernels, "train_job", stopper.real)
    # the estimator stays usable and says it is partial
    assert m.training_complete_ is False and m.is_joint
    prog = m.training_progress_
    assert (prog["epoch"], prog["epochs"], prog["unit"]) == (2, 3, "text")
    assert prog["done"] == stop - 1 and prog["total"] == 9
    assert m.epochs_trained_ == 1 and len(m.loss_history_) == 1
    assert len(m.predict_value(["tawa", "tbwb"])) == 2
    assert m.checkpoints_written_ >= stop - 2
    # saved on purpose (--on-interrupt save): marked partial, loads as a joint model
    m.save(tmp_path / "partial.wsv")
    meta = read_native(tmp_path / "partial.wsv")[1]
    assert meta["complete"] is False and meta["training"]["done"] == stop - 1
    with pytest.warns(PartialModelWarning, match="partially trained"):
        back = ValueVec.load(tmp_path / "partial.wsv")
    assert back.is_joint and back.training_complete is False
    np.testing.assert_array_equal(back.syn1neg_, m.syn1neg_)
    # the checkpoint: a partial joint model with the optimiser's state and its position
    arrays, meta = read_native(ck)
    assert meta["complete"] is False and meta["training"]["unit"] == "text"
    assert {"vectors", "syn1neg", "value_rows", "ckpt_value_order"} <= set(arrays)
    pos = meta["checkpoint"]["position"]
    assert (pos["epoch"], pos["job"]) == (epoch, job) and pos["continued"] is False
    assert set(meta["checkpoint"]) >= {"vocabulary", "corpus", "values", "pairs", "params"}
    with pytest.warns(PartialModelWarning):
        ValueVec.load(ck)
    r = ValueVec.resume(ck)
    assert r.checkpoint_path == str(ck) and r.is_joint
    r.fit(records, text="text", value="value")
    assert r.training_complete_ is True
    _same(r, reference)
    np.testing.assert_array_equal(r.wv.vectors, reference.wv.vectors)
    assert r.predict_value("tcwd") == reference.predict_value("tcwd")


def test_joint_resume_refuses_other_parameters_and_other_data(tmp_path, monkeypatch, records):
    ck = tmp_path / "joint.ckpt"
    stopper = StopAtJob(monkeypatch, 5)
    with pytest.raises(KeyboardInterrupt):
        ValueVec(**P, checkpoint_path=str(ck), checkpoint_every=1e-9).fit(
            records, text="text", value="value"
        )
    monkeypatch.setattr(w2v_kernels, "train_job", stopper.real)
    with pytest.raises(CheckpointError, match="text_window=5 in the checkpoint, 3 here"):
        ValueVec.resume(ck, text_window=3)
    with pytest.raises(CheckpointError, match="semantic_weight=0.7 in the checkpoint, 0.5 here"):
        ValueVec.resume(ck, semantic_weight=0.5)
    r = ValueVec.resume(ck, workers=2)  # free: does not change what is computed
    r.set_params(epochs=9)
    with pytest.raises(CheckpointError, match="epochs=6 in the checkpoint, 9 now"):
        r.fit(records, text="text", value="value")
    # other values, same text: the value table differs
    shifted = records.assign(value=records["value"] + np.where(records.index == 3, 5.0, 0.0))
    with pytest.raises(CheckpointError, match=r"other data: the values differs"):
        ValueVec.resume(ck).fit(shifted, text="text", value="value")
    # more text: another vocabulary (its counts)
    with pytest.raises(CheckpointError, match=r"other data: the vocabulary differs \(hash"):
        ValueVec.resume(ck).fit(records.iloc[:2400], text="text", value="value")
    # a values-only checkpoint is not a joint one, and the other way round
    with pytest.raises(CheckpointError, match="semantic_weight=0.7 in the checkpoint, None"):
        ValueVec.resume(ck, semantic_weight=None)


def test_joint_resume_with_two_workers_finishes(tmp_path, monkeypatch, records, reference):
    ck = tmp_path / "joint.ckpt"
    stopper = StopAtJob(monkeypatch, 5)
    with pytest.raises(KeyboardInterrupt):
        ValueVec(**P, checkpoint_path=str(ck), checkpoint_every=1e-9).fit(
            records, text="text", value="value"
        )
    monkeypatch.setattr(w2v_kernels, "train_job", stopper.real)
    r = ValueVec.resume(ck, workers=2).fit(records, text="text", value="value")
    assert r.training_complete_ and r.epochs_trained_ == 3
    assert r.alignment()["spearman"] > 0.85
    assert abs(r.alignment()["spearman"] - reference.alignment()["spearman"]) < 0.1


def test_checkpoints_without_interrupt_leave_the_result_unchanged(tmp_path, records, reference):
    ck = tmp_path / "joint.ckpt"
    m = ValueVec(**P, checkpoint_path=str(ck), checkpoint_every=1e-9)
    m.fit(records, text="text", value="value")
    assert m.checkpoints_written_ == 8  # after every job but the last
    _same(m, reference)
    assert m.training_complete_ is True
    assert m.training_progress_["done"] == m.training_progress_["total"] == 9


# ------------------------------------------------------------------ kill -9, then resume
def test_kill9_and_resume_joint_is_bit_for_bit(tmp_path):
    path = tmp_path / "records.csv"
    datasets.topic_records(n_topics=5, words_per_topic=12, n_records=4000, seed=4).to_csv(
        path, index=False
    )
    params = dict(P, text_epochs=40, epochs=20, vector_size=24)
    r, ref = _kill9_then_resume(
        tmp_path, "valuevec", ValueVec, params, str(path), {"text": "text", "value": "value"}
    )
    _same(r, ref)


# ------------------------------------------------------------------------------- the CLI
def _cli(args, cwd, **kw):
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env["COLUMNS"] = "200"
    return subprocess.Popen(
        [sys.executable, "-m", "wordspace.cli", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def test_cli_joint_interrupt_and_resume(tmp_path):
    data = tmp_path / "records.csv"
    datasets.topic_records(n_topics=5, words_per_topic=12, n_records=3000, seed=4).to_csv(
        data, index=False
    )
    common = [
        "--text",
        "text",
        "--value",
        "value",
        "--semantic-weight",
        "0.7",
        "--text-epochs",
        "40",
        "--epochs",
        "20",
        "--min-count",
        "2",
        "--workers",
        "1",
        "--vector-size",
        "16",
        "--json",
    ]
    a = tmp_path / "a.wsv"
    done = _cli(["train", "valuevec", str(data), "-o", str(a), *common], tmp_path)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    b = tmp_path / "b.wsv"
    before = b"an older file the interrupted run must leave alone"
    b.write_bytes(before)
    ck = tmp_path / "b.ckpt"
    proc = _cli(
        ["train", "valuevec", str(data), "-o", str(b), "--checkpoint-every", "0.1s", *common],
        tmp_path,
    )
    try:
        deadline = time.monotonic() + 120
        while not ck.exists():
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 143, err
    assert "% of the text); nothing saved" in err and f"--resume {ck}" in err
    assert out == "" and b.read_bytes() == before
    assert read_native(ck)[1]["complete"] is False
    bad = _cli(
        [
            "train",
            "valuevec",
            str(data),
            "-o",
            str(b),
            "--resume",
            str(ck),
            *common,
            "--text-window",
            "3",
        ],
        tmp_path,
    )
    _, err = bad.communicate(timeout=120)
    assert bad.returncode == 2 and "--text-window=5 in the checkpoint, 3 here" in err
    again = _cli(
        ["train", "valuevec", str(data), "-o", str(b), "--resume", str(ck), *common], tmp_path
    )
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    va, (vb, mb) = read_native(a)[0], read_native(b)
    assert np.array_equal(va["vectors"], vb["vectors"])
    assert np.array_equal(va["syn1neg"], vb["syn1neg"])
    assert "complete" not in mb
    assert not ck.exists()  # superseded by the saved model


# ---------------------------------------------------------------------------- partial_fit
def test_partial_fit_continues_on_more_records(records, reference):
    more = datasets.topic_records(n_topics=5, words_per_topic=12, n_records=1500, seed=9)
    more.loc[0, "text"] = "zzunknown tawa " * 6  # a word outside the vocabulary
    m = ValueVec(**P).fit(records, text="text", value="value")
    before = m.syn0_.copy()
    old = m.word_values_.set_index("word")
    with pytest.warns(
        UserWarning,
        match=r"keeps the vocabulary of fit\(\): 1 of the "
        r"\d+ distinct words of the text \(6 of [\d,]+ "
        "tokens\\) are not in it",
    ):
        m.partial_fit(more, text="text", value="value")
    assert m.training_complete_ and m.epochs_trained_ == 6 and len(m.loss_history_) == 6
    np.testing.assert_array_equal(m.loss_history_[:3], reference.loss_history_)
    assert m.wv.index_to_key == reference.wv.index_to_key  # the vocabulary is fixed
    assert not np.array_equal(m.syn0_, before)
    assert m.alignment()["spearman"] > 0.9
    # values merged: count-weighted means of the two tables
    from wordspace.train.valuevec.values import records_to_word_values

    new = records_to_word_values(
        more["text"].tolist(), more["value"], min_count=2, prior_weight=10.0
    ).set_index("word")
    merged = m.word_values_.set_index("word")
    w = "tawa"
    n0, n1 = old.loc[w, "count"], new.loc[w, "count"]
    expect = (old.loc[w, "value"] * n0 + new.loc[w, "value"] * n1) / (n0 + n1)
    assert merged.loc[w, "value"] == pytest.approx(expect)
    assert merged.loc[w, "count"] == n0 + n1
    assert m.predict_value("tawa") == pytest.approx(0.0, abs=5)
    assert list(m.word_values_["value"]) == sorted(m.word_values_["value"], reverse=True)


def test_partial_fit_on_text_only_keeps_the_values(records):
    m = ValueVec(**P).fit(records, text="text", value="value")
    pairs, wvals = m.pairs_, m.word_values_.copy()
    texts = datasets.topic_records(n_topics=5, words_per_topic=12, n_records=800, seed=5)[
        "text"
    ].tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every word is known: no warning
        m.partial_fit(corpus=texts)
    assert m.pairs_ is pairs and m.word_values_.equals(wvals)
    assert m.epochs_trained_ == 6


def test_partial_fit_after_load_and_after_resume_is_bit_for_bit(tmp_path, monkeypatch, records):
    more = datasets.topic_records(n_topics=5, words_per_topic=12, n_records=2500, seed=9)
    m = ValueVec(**P).fit(records, text="text", value="value")
    m.save(tmp_path / "m.wsv")
    m.partial_fit(more, text="text", value="value")
    loaded = ValueVec.load(tmp_path / "m.wsv").partial_fit(more, text="text", value="value")
    _same(loaded, m)
    ck = tmp_path / "p.ckpt"
    stopped = ValueVec.load(tmp_path / "m.wsv")
    stopped.set_params(checkpoint_path=str(ck), checkpoint_every=1e-9)
    stopper = StopAtJob(monkeypatch, 5)
    with pytest.raises(KeyboardInterrupt):
        stopped.partial_fit(more, text="text", value="value")
    monkeypatch.setattr(w2v_kernels, "train_job", stopper.real)
    assert stopped.training_complete_ is False and stopped.epochs_trained_ == 4
    assert read_native(ck)[1]["checkpoint"]["position"]["continued"] is True
    with pytest.raises(CheckpointError, match="written by partial_fit"):
        ValueVec.resume(ck).fit(records, text="text", value="value")
    with pytest.raises(CheckpointError, match="the (corpus|values) differs"):
        ValueVec.resume(ck).partial_fit(records, text="text", value="value")
    r = ValueVec.resume(ck).partial_fit(more, text="text", value="value")
    assert r.training_complete_
    _same(r, m)


def test_partial_fit_errors(records):
    m = ValueVec(**P).fit(records, text="text", value="value")
    with pytest.raises(ParameterError, match="partial_fit needs"):
        m.partial_fit()
    with pytest.raises(ValueDataError, match="none of the 4 words of the text"):
        m.partial_fit(corpus=["qq rr", "ss tt"])
    with pytest.raises(ParameterError, match="needs semantic_weight"):
        m.set_params(semantic_weight=None).partial_fit(corpus=["tawa tawb"])
