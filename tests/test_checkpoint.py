"""Checkpoints and resume: the whole training state, resumed bit for bit (workers=1), refused
with a typed error on another corpus or other parameters; partial models after an interrupt."""

import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from concurrent.futures import wait as _wait

import numpy as np
import pytest

import wordspace
import wordspace.train.glove as glove_mod
from wordspace import CheckpointError, FastText, GloVe, ParameterError, ValueVec, Word2Vec
from wordspace.io.native import PartialModelWarning, read_native

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def _sentences(n=1500, vocab=150, length=25, seed=0):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(vocab)]
    return [[words[k] for k in rng.zipf(1.3, length) % vocab] for _ in range(n)]


def _write_corpus(path, sents):
    path.write_text("\n".join(" ".join(s) for s in sents) + "\n")
    return str(path)


class StopAfter:
    """A progress callback that raises KeyboardInterrupt at its n-th call (like Ctrl-C)."""

    def __init__(self, n, stage=None):
        self.n, self.calls, self.stage = n, 0, stage

    def __call__(self, *a, **info):
        if self.stage is not None and info.get("stage") != self.stage:
            return
        self.calls += 1
        if self.calls == self.n:
            raise KeyboardInterrupt


W2V = dict(vector_size=12, min_count=1, epochs=3, workers=1, seed=3, batch_words=400)


# ----------------------------------------------------------------------------- word2vec
@pytest.mark.parametrize("extra", [{}, {"sg": 1, "hs": 1}])
def test_word2vec_interrupted_then_resumed_is_bit_for_bit(tmp_path, extra):
    sents = _sentences()
    ref = Word2Vec(**W2V, **extra).fit(sents)
    ck = tmp_path / "m.ckpt"
    m = Word2Vec(**W2V, **extra, checkpoint_path=str(ck), checkpoint_every=1e-9)
    with pytest.raises(KeyboardInterrupt):
        m.fit(sents, progress=StopAfter(120))
    # the estimator stays usable and says it is partial
    assert m.training_complete_ is False
    prog = m.training_progress_
    assert prog["epoch"] == 2 and prog["epochs"] == 3 and prog["unit"] == "words"
    assert 0 < prog["done"] < prog["total"]
    assert m.wv.most_similar("w1", topn=3)
    assert m.checkpoints_written_ >= 100
    r = Word2Vec.resume(ck)
    assert r.checkpoint_path == str(ck)  # goes on writing to the same file
    pos = r._resume_from["position"]
    assert (pos["epoch"], pos["job"]) != (0, 0)
    r.fit(sents)
    assert r.training_complete_ is True
    assert np.array_equal(r.syn0_, ref.syn0_)
    assert np.array_equal(r.syn1neg_, ref.syn1neg_)
    assert np.array_equal(r.syn1_, ref.syn1_)
    assert r.epochs_trained_ == ref.epochs_trained_ == 3


def test_word2vec_epoch_boundary_checkpoint_and_workers(tmp_path):
    sents = _sentences()
    ck = tmp_path / "m.ckpt"
    # a two-worker run drains its queue to a job boundary for every checkpoint
    m = Word2Vec(**{**W2V, "workers": 2}, checkpoint_path=str(ck), checkpoint_every=1e-9)
    with pytest.raises(KeyboardInterrupt):
        m.fit(sents, progress=StopAfter(100))
    r = Word2Vec.resume(ck, workers=2).fit(sents)
    ref = Word2Vec(**{**W2V, "workers": 2}).fit(sents)
    assert r.training_complete_ and r.epochs_trained_ == 3
    a, b = r.wv.similarity("w0", "w1"), ref.wv.similarity("w0", "w1")
    assert abs(a - b) < 0.3  # Hogwild: equal within the usual spread, not bitwise


def test_fasttext_resume_is_bit_for_bit(tmp_path):
    sents = _sentences(n=600)
    p = dict(W2V, bucket=500, minn=2, maxn=3)
    ref = FastText(**p).fit(sents)
    ck = tmp_path / "f.ckpt"
    with pytest.raises(KeyboardInterrupt):
        FastText(**p, checkpoint_path=str(ck), checkpoint_every=1e-9).fit(
            sents, progress=StopAfter(20)
        )
    r = FastText.resume(ck).fit(sents)
    assert np.array_equal(r.wi_, ref.wi_) and np.array_equal(r.syn1neg_, ref.syn1neg_)


def test_resume_refuses_other_parameters_and_other_data(tmp_path):
    sents = _sentences()
    ck = tmp_path / "m.ckpt"
    with pytest.raises(KeyboardInterrupt):
        Word2Vec(**W2V, checkpoint_path=str(ck), checkpoint_every=1e-9).fit(
            sents, progress=StopAfter(10)
        )
    with pytest.raises(CheckpointError, match=r"alpha=0\.025 in the checkpoint, 0\.05 here"):
        Word2Vec.resume(ck, alpha=0.05)
    r = Word2Vec.resume(ck, workers=3)  # free: does not change what is computed
    assert r.workers == 3
    r.set_params(window=2)
    with pytest.raises(CheckpointError, match="window=5 in the checkpoint, 2 now"):
        r.fit(sents)
    with pytest.raises(
        CheckpointError,
        match=r"vocabulary differs \(.*size 150 in the "
        r"checkpoint, \d+ here",
    ):
        Word2Vec.resume(ck).fit(_sentences(n=50, vocab=300, seed=9))
    # same vocabulary and counts, but cut into other sentences: another corpus position
    joined = [w for s in sents for w in s]
    other = [joined[i : i + 40] for i in range(0, len(joined), 40)]
    with pytest.raises(CheckpointError, match="corpus differs"):
        Word2Vec.resume(ck).fit(other)
    # a GloVe checkpoint is not a Word2Vec one; a saved model is not a checkpoint
    with pytest.raises(CheckpointError, match="word2vec model, not a GloVe checkpoint"):
        GloVe.resume(ck)
    saved = tmp_path / "done.wsv"
    Word2Vec(**W2V).fit(sents).save(saved)
    with pytest.raises(CheckpointError, match="not a checkpoint"):
        Word2Vec.resume(saved)


def test_checkpoint_parameters_are_checked():
    with pytest.raises(ParameterError, match="needs checkpoint_path"):
        Word2Vec(checkpoint_every=60).fit([["a", "b"]])
    with pytest.raises(ParameterError, match="checkpoint_every must be"):
        GloVe(checkpoint_every=0, checkpoint_path="x.ckpt").fit([["a", "b"]])
    with pytest.raises(ParameterError, match="needs checkpoint_path"):
        ValueVec(semantic_weight=0.5, checkpoint_every=60).fit(
            {"a": 1.0, "b": 2.0, "c": 3.0}, corpus=["a b c"] * 10
        )


def test_checkpoint_file_is_a_partial_model(tmp_path):
    sents = _sentences()
    ck = tmp_path / "m.ckpt"
    with pytest.raises(KeyboardInterrupt):
        Word2Vec(**W2V, checkpoint_path=str(ck), checkpoint_every=1e-9).fit(
            sents, progress=StopAfter(30)
        )
    arrays, meta = read_native(ck)
    assert meta["complete"] is False and meta["training"]["unit"] == "words"
    assert {"syn1neg", "vectors", "counts"} <= set(arrays)
    assert meta["checkpoint"]["vocabulary"]["size"] == 150
    with pytest.warns(PartialModelWarning, match="partially trained"):
        wv = wordspace.load(str(ck))
    assert wv.meta["complete"] is False


def test_partial_model_saves_marked_and_loads_marked(tmp_path):
    sents = _sentences()
    m = Word2Vec(**W2V)
    with pytest.raises(KeyboardInterrupt):
        m.fit(sents, progress=StopAfter(15))
    path = tmp_path / "partial.wsv"
    m.save(path)
    _, meta = read_native(path)
    assert meta["complete"] is False
    assert meta["training"]["epoch"] == 1 and meta["training"]["epochs"] == 3
    assert 0 < meta["training"]["alpha"] < 0.025
    with pytest.warns(PartialModelWarning, match=r"epoch 1 of 3, \d+ % of the words"):
        loaded = Word2Vec.load(path)
    assert loaded.training_complete_ is False
    # a complete fit clears the mark
    m.fit(sents)
    m.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = Word2Vec.load(path)
    assert again.training_complete is True and "complete" not in read_native(path)[1]


# ------------------------------------------------------------------------------- GloVe
GLOVE = dict(vector_size=8, min_count=1, epochs=4, workers=1, seed=3, window=3)


@pytest.mark.parametrize("tile_bytes", [None, 640])
def test_glove_mid_epoch_resume_is_bit_for_bit(tmp_path, monkeypatch, tile_bytes):
    sents = _sentences(n=500)
    monkeypatch.setattr(glove_mod, "_PIECE", 64)  # the loss is summed per piece
    if tile_bytes is not None:  # 5 words a group: many tiles, some cut between pieces
        monkeypatch.setattr(glove_mod, "_TILE_BYTES", tile_bytes)
    ref = GloVe(**GLOVE).fit(sents)
    # small, slowed-down pieces and a fast polling loop: checkpoints fall inside epochs
    import wordspace.kernels.glove as kernels

    train_records = kernels.train_records

    def slow(*a):
        time.sleep(0.001)
        return train_records(*a)

    monkeypatch.setattr(kernels, "train_records", slow)
    wait_before = glove_mod.wait
    monkeypatch.setattr(glove_mod, "wait", lambda f, timeout: _wait(f, timeout=1e-4))
    ck = tmp_path / "g.ckpt"
    m = GloVe(**GLOVE, checkpoint_path=str(ck), checkpoint_every=1e-9)

    def stop(*a, **info):
        if getattr(m, "checkpoints_written_", 0) >= 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        m.fit(sents, progress=stop)
    assert m.training_complete_ is False and m.training_progress_["unit"] == "records"
    r = GloVe.resume(ck)
    threads = r._resume_from["position"]["threads"]
    assert any(t["p"] > 0 for t in threads), "expected a checkpoint inside an epoch"
    # the rest trains at full speed: the slowed kernel and fast polling were for the stop
    monkeypatch.setattr(kernels, "train_records", train_records)
    monkeypatch.setattr(glove_mod, "wait", wait_before)
    r.fit(sents)
    assert np.array_equal(r._W, ref._W) and np.array_equal(r._C, ref._C)
    assert np.array_equal(r._GW, ref._GW) and np.array_equal(r._GC, ref._GC)
    assert r.loss_history_ == ref.loss_history_
    assert r.nonzeros_ == ref.nonzeros_ and r.cooccurrence_ is None


# ---------------------------------------------------------------------------- ValueVec
@pytest.mark.parametrize("method", ["adam", "averaged"])
def test_valuevec_resume_is_bit_for_bit(tmp_path, method):
    rng = np.random.default_rng(0)
    vals = {f"w{i}": float(x) for i, x in enumerate(rng.random(200))}
    p = dict(vector_size=8, epochs=25, seed=3, method=method, patience=1, workers=1)
    ref = ValueVec(**p).fit(vals)
    ck = tmp_path / "v.ckpt"
    m = ValueVec(**p, checkpoint_path=str(ck), checkpoint_every=1e-9)
    with pytest.raises(KeyboardInterrupt):
        m.fit(vals, progress=StopAfter(14))
    assert m.training_complete_ is False and m.training_progress_["unit"] == "pairs"
    r = ValueVec.resume(ck).fit(vals)
    assert np.array_equal(r.main_vectors_, ref.main_vectors_)
    assert np.array_equal(r.context_vectors_, ref.context_vectors_)
    assert np.array_equal(r.loss_history_, ref.loss_history_)
    assert (r.epochs_trained_, r.stopped_early_) == (ref.epochs_trained_, ref.stopped_early_)
    with pytest.raises(CheckpointError, match="pairs differs|vocabulary differs"):
        ValueVec.resume(ck).fit({**vals, "extra": 0.5})


# ------------------------------------------------------------ kill -9, then resume
_CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {src!r})
    from wordspace import GloVe, ValueVec, Word2Vec
    kind, data, ck = sys.argv[1], sys.argv[2], sys.argv[3]
    cls = {{"word2vec": Word2Vec, "glove": GloVe, "valuevec": ValueVec}}[kind]
    if {slow_glove!r}:
        # a floor under the child's time (6 ms a kernel call, one call an epoch here) however
        # fast the machine, so that it is still training when it is killed; the arithmetic
        # is unchanged
        import time
        import wordspace.kernels.glove as kernels
        train_records = kernels.train_records
        def slow(*a):
            time.sleep(0.006)
            return train_records(*a)
        kernels.train_records = slow
    cls(**{params!r}, checkpoint_path=ck, checkpoint_every=0.05).fit(data, **{fit_kw!r})
""")


def _kill9_then_resume(tmp_path, kind, cls, params, data, fit_kw, settle=0.4, slow_glove=False):
    ck = tmp_path / f"{kind}.ckpt"
    script = tmp_path / "child.py"
    script.write_text(_CHILD.format(src=SRC, params=params, fit_kw=fit_kw, slow_glove=slow_glove))
    proc = subprocess.Popen([sys.executable, str(script), kind, data, str(ck)])
    try:
        deadline = time.monotonic() + 120
        while not ck.exists():
            assert proc.poll() is None, "the training process ended before its first checkpoint"
            assert time.monotonic() < deadline, "no checkpoint appeared"
            time.sleep(0.02)
        time.sleep(settle)  # let it write a few more: kill -9 at an arbitrary moment
        assert proc.poll() is None, "training finished before it could be killed; make it longer"
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    resumed = cls.resume(ck)
    assert resumed._resume_from["position"]["progress"]["done"] > 0
    resumed.fit(data, **fit_kw)
    ref = cls(**params).fit(data, **fit_kw)
    return resumed, ref


def test_kill9_and_resume_word2vec(tmp_path):
    data = _write_corpus(tmp_path / "c.txt", _sentences(n=2000, vocab=300))
    params = dict(vector_size=64, min_count=1, epochs=60, workers=1, seed=5, batch_words=1000)
    r, ref = _kill9_then_resume(tmp_path, "word2vec", Word2Vec, params, data, {})
    assert np.array_equal(r.syn0_, ref.syn0_) and np.array_equal(r.syn1neg_, ref.syn1neg_)


def test_kill9_and_resume_glove(tmp_path):
    data = _write_corpus(tmp_path / "c.txt", _sentences(n=2000, vocab=400, length=30))
    # the child sleeps 6 ms an epoch (slow_glove): 100 epochs take it at least 0.6 s, so it is
    # still training 0.4 s after its first checkpoint (0.05 s in) however fast the machine
    # (600 epochs without the sleep made the resumed and the reference fits 4-6x longer)
    params = dict(vector_size=32, min_count=1, epochs=100, workers=1, seed=5, window=5)
    r, ref = _kill9_then_resume(tmp_path, "glove", GloVe, params, data, {}, slow_glove=True)
    assert np.array_equal(r._W, ref._W) and np.array_equal(r._GW, ref._GW)
    assert r.loss_history_ == ref.loss_history_


def test_kill9_and_resume_valuevec(tmp_path):
    import pandas as pd

    rng = np.random.default_rng(1)
    path = tmp_path / "values.csv"
    pd.DataFrame({"word": [f"w{i}" for i in range(1500)], "value": rng.random(1500)}).to_csv(
        path, index=False
    )
    params = dict(vector_size=16, epochs=150, seed=5, patience=None, workers=1)
    kw = {"word": "word", "value": "value"}
    r, ref = _kill9_then_resume(tmp_path, "valuevec", ValueVec, params, str(path), kw)
    assert np.array_equal(r.main_vectors_, ref.main_vectors_)
    assert np.array_equal(r.loss_history_, ref.loss_history_)
