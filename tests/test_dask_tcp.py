"""wordspace.distributed on a real deployment shape: a ``dask scheduler`` and two ``dask
worker`` processes started as separate programs, talking TCP on 127.0.0.1 (not a
LocalCluster). Every process is started here in its own session, waited for within a time
limit, and killed by its id when the test ends, whatever happened."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import wordspace as ws
from planted_topics import TOPICS, small_model, topic_gap
from wordspace.distributed import fit_word2vec

distributed = pytest.importorskip("distributed")  # the dev extra installs it

START_TIMEOUT = 90.0  # seconds for the scheduler and workers to come up (loaded machine)


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    """Four files of sentences from one of two planted topics, each sentence with one rare
    word of 1,500: a round touches only part of the rows, as on a real corpus."""
    root = tmp_path_factory.mktemp("tcp_topics")
    rng = np.random.default_rng(11)
    filler = ["the", "a", "of", "and"]
    rare = [f"r{i}" for i in range(1500)]
    for s in range(4):
        lines = []
        for _ in range(500):
            topic = TOPICS[int(rng.integers(2))]
            toks = [str(w) for w in rng.choice(topic + filler, size=11)]
            toks.insert(int(rng.integers(12)), rare[int(rng.integers(len(rare)))])
            lines.append(" ".join(toks))
        (root / f"shard{s:02d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@contextlib.contextmanager
def tcp_cluster(folder, n_workers=2):
    """``dask scheduler`` + ``n_workers`` × ``dask worker --nthreads 1 --no-nanny`` over TCP on
    127.0.0.1; yields ``(client, {worker address: process})``."""
    from distributed import Client

    sched_file = folder / "scheduler.json"
    procs: list[subprocess.Popen] = []
    log = open(folder / "cluster.log", "wb")  # noqa: SIM115 - closed in finally

    def start(*args):
        p = subprocess.Popen(
            [sys.executable, "-m", "dask", *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=folder,
            env=env,
        )
        procs.append(p)
        return p

    # every process imports the same wordspace (the scheduler unpickles the task graphs)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(os.path.abspath(p) for p in sys.path if p))
    client = None
    try:
        start(
            "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
            "--scheduler-file", str(sched_file),
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT
        while not sched_file.exists() or not sched_file.read_text().strip():
            assert time.monotonic() < deadline, "dask scheduler did not start"
            time.sleep(0.2)
        addr = json.loads(sched_file.read_text())["address"]
        assert addr.startswith("tcp://127.0.0.1:")
        workers = [
            start(
                "worker",
                addr,
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
                "--memory-limit",
                "0",
                "--local-directory",
                str(folder / f"w{i}"),
                "--death-timeout",
                "60",
            )  # fmt: skip
            for i in range(n_workers)
        ]
        client = Client(addr, timeout=START_TIMEOUT)
        client.wait_for_workers(n_workers, timeout=START_TIMEOUT)
        pids = client.run(os.getpid)
        by_pid = {p.pid: p for p in workers}
        yield client, {a: by_pid[pid] for a, pid in pids.items()}
    finally:
        if client is not None:
            client.close(timeout=10)
        for p in procs:  # only the processes this fixture started, by their id
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=30)
        log.close()


def _simulated(corpus_dir, **kw):
    m = small_model()
    return fit_word2vec(m, ws.Corpus.from_files(str(corpus_dir / "*")), None, n_parts=2, **kw)


@pytest.mark.slow
def test_trains_on_scheduler_and_worker_processes(corpus_dir, tmp_path):
    """Two-part training over TCP: the model is the simulated one bit for bit, it separates
    the planted topics, and a round sends fewer bytes than the weights (only changed rows)."""
    with tcp_cluster(tmp_path) as (client, workers):
        assert all(a.startswith("tcp://127.0.0.1:") for a in workers) and len(workers) == 2
        m = small_model().fit(ws.Corpus.from_files(str(corpus_dir / "*")), client=client,
                         sync_words=3000)  # fmt: skip
    st = m.sync_stats_
    assert st["parts"] == 2 and st["rounds"] >= 3 * 4 and st["restarts"] == 0
    # the input and output matrices (and a one-row stand-in for the unused syn1), once each
    assert st["bytes_initial"] == 2 * (m.syn0_.nbytes + m.syn1neg_.nbytes + 16 * 4)
    # a round sends only the rows it changed: less than the whole matrices (the old
    # broadcast), here mostly the output rows that the negative samples reach; at two parts
    # each worker fetches the other's deltas and merges them itself (no step broadcast)
    full = 2 * (m.syn0_.nbytes + m.syn1neg_.nbytes)
    assert st["bytes_broadcast"] == 0
    assert 0 < st["bytes_gathered"] / st["rounds"] < 0.8 * full, (st, full)
    assert st["bytes_total"] == sum(
        st[k] for k in ("bytes_initial", "bytes_gathered", "bytes_broadcast", "bytes_to_driver")
    )
    within, across = topic_gap(m.wv)
    assert within > across + 0.4, (within, across)
    sim = _simulated(corpus_dir, sync_words=3000)
    assert sim.sync_stats_["rounds"] == st["rounds"]
    np.testing.assert_array_equal(m.syn0_, sim.syn0_)
    np.testing.assert_array_equal(m.syn1neg_, sim.syn1neg_)


@pytest.mark.slow
def test_worker_process_killed_mid_run(corpus_dir, tmp_path):
    """SIGKILL one ``dask worker`` process (no nanny: nothing replaces it) while round 3 runs;
    its part is read again and trained on the worker left, and the run completes with the
    undisturbed model (same seeds and weights), which separates the topics."""
    killed = threading.Event()
    with tcp_cluster(tmp_path) as (client, workers):
        victim_addr = sorted(workers)[0]
        victim = workers[victim_addr]

        def progress(done, total, **info):
            if info["round"] == 2 and not killed.is_set():
                killed.set()

                def kill():
                    time.sleep(0.05)  # let the next round's tasks start
                    os.kill(victim.pid, signal.SIGKILL)

                threading.Thread(target=kill, daemon=True).start()

        m = small_model().fit(ws.Corpus.from_files(str(corpus_dir / "*")), client=client,
                         sync_words=1500, progress=progress)  # fmt: skip
        assert killed.is_set() and victim.wait(timeout=30) == -signal.SIGKILL
        assert victim_addr not in client.scheduler_info()["workers"]
    assert m.epochs_trained_ == 3 and sum(e["words"] for e in m.epoch_stats_) == 3 * 4 * 500 * 12
    within, across = topic_gap(m.wv)
    assert within > across + 0.4, (within, across)
    sim = _simulated(corpus_dir, sync_words=1500)
    assert m.sync_stats_["rounds"] == sim.sync_stats_["rounds"]
    np.testing.assert_array_equal(m.syn0_, sim.syn0_)
