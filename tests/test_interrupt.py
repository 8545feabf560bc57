"""Ctrl-C and SIGTERM on the CLI's training commands: one line, exit 130/143, existing outputs
untouched, ``--on-interrupt save``, a second signal exits at once, ``--resume``."""

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from wordspace import Word2Vec
from wordspace.cli import main
from wordspace.cli._common import parse_duration
from wordspace.errors import ParameterError
from wordspace.io.native import read_native

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
LINE = re.compile(
    r"^interrupted at epoch (\d+) of (\d+) \((\d+) % of the (\w+)\); (.*)$", re.MULTILINE
)


@pytest.fixture
def corpus(tmp_path):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(300)]
    lines = [" ".join(words[k] for k in rng.zipf(1.3, 25) % 300) for _ in range(2000)]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env["COLUMNS"] = "200"
    return env


def _start(args, cwd):
    return subprocess.Popen(
        [sys.executable, "-m", "wordspace.cli", *args],
        cwd=cwd,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _when_exists(path, proc, timeout=120):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the command ended (rc {proc.returncode}) before {path} appeared: {err}")
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.02)


def _finish(proc, timeout=60):
    try:
        return proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _previous_model(path):
    Word2Vec(vector_size=4, min_count=1, epochs=1, workers=1).fit([["old", "model"]] * 5).save(path)
    return path.read_bytes()


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("moment", [0.0, 1.0])
def test_signal_stops_training_and_writes_nothing(tmp_path, corpus, sig, code, moment):
    out = tmp_path / "model.wsv"
    before = _previous_model(out)
    ck = tmp_path / "model.ckpt"
    proc = _start(
        [
            "train",
            "word2vec",
            corpus,
            "-o",
            str(out),
            "--epochs",
            "500",
            "--workers",
            "1",
            "--min-count",
            "1",
            "--checkpoint-every",
            "0.1s",
            "--json",
        ],
        tmp_path,
    )
    _when_exists(ck, proc)  # training has started
    time.sleep(moment)
    assert proc.poll() is None
    proc.send_signal(sig)
    stdout, stderr = _finish(proc)
    assert proc.returncode == code, stderr
    m = LINE.search(stderr)
    assert m, stderr
    assert m.group(2) == "500" and m.group(4) == "words"
    assert m.group(5).startswith("nothing saved")
    assert f"--resume {ck}" in m.group(5)  # the checkpoint is kept for a resume
    assert len([ln for ln in stderr.splitlines() if ln.strip()]) == 1, stderr
    assert stdout == ""  # no summary: the run did not finish
    assert out.read_bytes() == before  # the previous model is untouched
    assert read_native(ck)[1]["complete"] is False


def test_on_interrupt_save_writes_a_partial_model(tmp_path, corpus):
    out = tmp_path / "partial.wsv"
    ck = tmp_path / "partial.ckpt"
    proc = _start(
        [
            "train",
            "word2vec",
            corpus,
            "-o",
            str(out),
            "--epochs",
            "500",
            "--workers",
            "2",
            "--min-count",
            "1",
            "--checkpoint-every",
            "0.2s",
            "--on-interrupt",
            "save",
            "--json",
        ],
        tmp_path,
    )
    _when_exists(ck, proc)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, stderr = _finish(proc)
    assert proc.returncode == 130, stderr
    m = LINE.search(stderr)
    assert m and m.group(5).startswith(f"partial model saved to {out}"), stderr
    _, meta = read_native(out)
    assert meta["complete"] is False
    training = meta["training"]
    assert training["epochs"] == 500 and training["unit"] == "words"
    assert 0 < training["done"] < training["total"] and 0 < training["alpha"] < 0.05
    assert training["epoch"] == int(m.group(1))
    info = subprocess.run(
        [sys.executable, "-m", "wordspace.cli", "info", str(out), "--json"],
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(info.stdout)
    assert data["complete"] is False and data["training"]["epochs"] == 500
    assert "partially trained" in info.stderr  # the reader's warning
    table = subprocess.run(
        [sys.executable, "-m", "wordspace.cli", "info", str(out)],
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "partial" in table.stdout and "not a finished model" in table.stdout


def test_on_interrupt_save_needs_the_native_format(tmp_path, corpus, capsys):
    with pytest.raises(SystemExit) as e:
        main(["train", "word2vec", corpus, "-o", str(tmp_path / "v.txt"), "--on-interrupt", "save"])
    assert e.value.code == 2
    assert "only the native format" in capsys.readouterr().err
    assert not (tmp_path / "v.txt").exists()
    with pytest.raises(SystemExit) as e:
        main(["train", "word2vec", corpus, "-o", str(tmp_path / "m.wsv"), "--on-interrupt", "keep"])
    assert e.value.code == 2


def test_second_signal_exits_at_once(tmp_path):
    script = tmp_path / "slow_cleanup.py"
    script.write_text(
        textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {SRC!r})
        from wordspace.cli._common import interruptible
        with interruptible() as s:
            try:
                print("ready", flush=True)
                time.sleep(60)
            except KeyboardInterrupt:
                print("cleaning up", s["signum"], flush=True)
                time.sleep(60)  # a slow cleanup: the second Ctrl-C must not wait for it
    """)
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGINT)
        assert proc.stdout.readline().strip() == f"cleaning up {int(signal.SIGINT)}"
        t = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        assert time.monotonic() - t < 5
        assert proc.returncode == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_resume_ends_where_the_uninterrupted_run_ends(tmp_path, corpus):
    # long enough (about 2 s here) that the signal always lands during training
    common = [
        "--epochs",
        "40",
        "--workers",
        "1",
        "--min-count",
        "1",
        "--vector-size",
        "40",
        "--json",
    ]
    a = tmp_path / "a.wsv"
    done = subprocess.run(
        [sys.executable, "-m", "wordspace.cli", "train", "word2vec", corpus, "-o", str(a), *common],
        env=_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    b = tmp_path / "b.wsv"
    ck = tmp_path / "b.ckpt"
    proc = _start(
        ["train", "word2vec", corpus, "-o", str(b), "--checkpoint-every", "0.1", *common], tmp_path
    )
    _when_exists(ck, proc)
    proc.send_signal(signal.SIGTERM)
    _, stderr = _finish(proc)
    assert proc.returncode == 143, stderr
    assert not b.exists()
    # other options than the checkpoint's: refused, naming the difference
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "wordspace.cli",
            "train",
            "word2vec",
            corpus,
            "-o",
            str(b),
            "--resume",
            str(ck),
            "--window",
            "3",
            *common,
        ],
        env=_env(),
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "window=5 in the checkpoint, 3 here" in bad.stderr
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "wordspace.cli",
            "train",
            "word2vec",
            corpus,
            "-o",
            str(b),
            "--resume",
            str(ck),
            *common,
        ],
        env=_env(),
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    va, vb = read_native(a)[0], read_native(b)[0]
    assert np.array_equal(va["vectors"], vb["vectors"])
    assert np.array_equal(va["syn1neg"], vb["syn1neg"])
    assert "complete" not in read_native(b)[1]
    assert not ck.exists()  # superseded by the saved model


def test_parse_duration():
    assert parse_duration("600") == 600
    assert parse_duration("90s") == 90
    assert parse_duration("10m") == 600
    assert parse_duration("1.5h") == 5400
    for bad in ("abc", "0", "10x", "-5"):
        with pytest.raises(ParameterError, match="--checkpoint-every must be a duration"):
            parse_duration(bad)
