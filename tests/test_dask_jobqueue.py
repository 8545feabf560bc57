"""The batch-scheduler recipe (docs/howto/cluster-jobqueue.md) run through dask-jobqueue's
``SLURMCluster``, with stand-ins for Slurm's ``sbatch`` and ``scancel`` on ``PATH``: the job
scripts dask-jobqueue writes are run as they would be on a compute node (``bash`` in a session
of their own), their workers connect to the scheduler in this process over TCP, and the
recipe's calls train the model. What is not exercised: Slurm itself (queueing, ``#SBATCH``
resource limits), so the directives are checked as text."""

from __future__ import annotations

import os
import signal
import sys

import numpy as np
import pytest

import wordspace as ws
from planted_topics import TOPICS, small_model, topic_gap
from wordspace.distributed import fit_word2vec

START_TIMEOUT = 120.0  # seconds for the jobs' workers to come up (loaded machine)

SBATCH = r"""#!/usr/bin/env bash
# stand-in for Slurm's sbatch: keep the job script, run it in a session of its own, print the id
set -eu
id=$$
cp "$1" "$FAKE_SLURM_DIR/job-$id.sh"
setsid bash "$FAKE_SLURM_DIR/job-$id.sh" >"$FAKE_SLURM_DIR/job-$id.log" 2>&1 </dev/null &
echo "$!" >"$FAKE_SLURM_DIR/job-$id.pid"
echo "Submitted batch job $id"
"""

SCANCEL = r"""#!/usr/bin/env bash
# stand-in for Slurm's scancel: end the job's session
for id in "$@"; do
  echo "$id" >>"$FAKE_SLURM_DIR/cancelled"
  pid=$(cat "$FAKE_SLURM_DIR/job-$id.pid")
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
done
"""


@pytest.fixture
def corpus_dir(tmp_path):
    """Four files of sentences from one of two planted topics."""
    root = tmp_path / "shards"
    root.mkdir()
    rng = np.random.default_rng(5)
    filler = ["the", "a", "of", "and"]
    for s in range(4):
        lines = []
        for _ in range(400):
            topic = TOPICS[int(rng.integers(2))]
            lines.append(" ".join(str(w) for w in rng.choice(topic + filler, size=12)))
        (root / f"shard{s:02d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.mark.slow
def test_slurm_recipe_trains_through_dask_jobqueue(corpus_dir, tmp_path, monkeypatch):
    from dask_jobqueue import SLURMCluster
    from distributed import Client

    bin_dir, jobs = tmp_path / "bin", tmp_path / "jobs"
    bin_dir.mkdir()
    jobs.mkdir()
    for name, text in (("sbatch", SBATCH), ("scancel", SCANCEL)):
        (bin_dir / name).write_text(text, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_SLURM_DIR", str(jobs))
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the recipe's local_directory="$TMPDIR"
    # the jobs' workers import the same wordspace as this process (the scheduler unpickles)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(os.path.abspath(p) for p in sys.path if p))

    # the recipe's arguments, sized for this machine: 1 core and 2 GB a job instead of 16
    # and 64 GB; the scheduler on the loopback (on a cluster: the login node's address)
    cluster = SLURMCluster(
        queue="compute",
        cores=1,
        processes=1,
        memory="2GB",
        walltime="00:10:00",
        local_directory="$TMPDIR",
        job_extra_directives=["--exclusive"],
        python=sys.executable,
        scheduler_options={"host": "127.0.0.1", "dashboard_address": None},
    )
    try:
        script = cluster.job_script()
        for directive in ("-p compute", "--cpus-per-task=1", "-t 00:10:00", "--exclusive"):
            assert f"#SBATCH {directive}" in script, script
        assert "--nthreads 1" in script and "--local-directory $TMPDIR" in script, script
        cluster.scale(jobs=2)  # 2 workers = 2 parts
        with Client(cluster) as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT)
            corpus = ws.Corpus.from_files(str(corpus_dir / "*"))
            m = small_model().fit(corpus, client=client, sync_words=2000)
    finally:
        cluster.close()
        for pid_file in jobs.glob("job-*.pid"):  # whatever scancel left running
            try:
                os.killpg(int(pid_file.read_text()), signal.SIGKILL)
            except ProcessLookupError:
                pass

    # two jobs were submitted through sbatch, ran their workers, and were cancelled at close
    submitted = sorted(p.stem for p in jobs.glob("job-*.sh"))
    assert len(submitted) == 2
    cancelled = sorted(f"job-{i}" for i in (jobs / "cancelled").read_text().split())
    assert cancelled == submitted
    st = m.sync_stats_
    assert st["parts"] == 2 and st["rounds"] > 3 and st["restarts"] == 0
    assert m.epochs_trained_ == 3 and sum(e["words"] for e in m.epoch_stats_) == 3 * 4 * 400 * 12
    within, across = topic_gap(m.wv)
    assert within > across + 0.4, (within, across)
    # the same rounds simulated in this process: the cluster's model bit for bit
    sim = fit_word2vec(
        small_model(), ws.Corpus.from_files(str(corpus_dir / "*")), None, n_parts=2, sync_words=2000
    )
    np.testing.assert_array_equal(m.syn0_, sim.syn0_)
    np.testing.assert_array_equal(m.syn1neg_, sim.syn1neg_)
