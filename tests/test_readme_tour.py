"""The README's command-line tour runs as written, line by line, from an empty folder.

Each line of the ``bash`` block under "Quick tour" runs in a fresh temporary folder (shared by
the lines, as in a terminal); ``wordspace`` is this interpreter's ``python -m wordspace``. The
explorer serves until stopped: it must answer on its port (a free one instead of the README's,
which another process may hold), then it is stopped.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # loads GloVe 6B 50d and trains ValueVec in subprocesses


def tour_lines() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = text.split("## Quick tour", 1)[1]
    block = re.search(r"```bash\n(.*?)```", tour, re.S)
    assert block, "the README's Quick tour has no bash block"
    lines = [shlex.split(line, comments=True) for line in block.group(1).splitlines()]
    return [argv for argv in lines if argv]


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        "COLUMNS": "100",
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the explorer exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 (localhost)
                return r.read().decode("utf-8", "replace")
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing answered on {url} within {seconds} s")


def test_the_tour_starts_from_an_empty_folder():
    lines = tour_lines()
    assert all(argv[0] == "wordspace" for argv in lines), lines
    made = {argv[argv.index("-o") + 1] for argv in lines if "-o" in argv}
    used = {a for argv in lines for a in argv if a.endswith((".csv", ".wsv", ".txt"))}
    assert used <= made, f"the tour uses {sorted(used - made)} which no earlier line creates"


def test_readme_cli_tour_runs_as_written(tmp_path):
    env = _env()
    outputs = []
    for argv in tour_lines():
        cmd = [sys.executable, "-m", "wordspace", *argv[1:]]
        if argv[1] == "explore":
            # the README's port may be taken on a shared machine: the same line on a free one
            i = cmd.index("--port") + 1
            cmd[i] = port = str(_free_port())
            proc = subprocess.Popen(
                cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
            try:
                page = _wait_for(f"http://127.0.0.1:{port}/", proc)
            finally:
                proc.terminate()
                proc.wait(timeout=20)
            assert "<html" in page.lower()
            continue
        r = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"{shlex.join(argv)} failed:\n{r.stdout}\n{r.stderr}"
        outputs.append((argv, r.stdout))
    said = {shlex.join(a): out for a, out in outputs}
    assert "town" in said["wordspace similar glove-wiki-gigaword-50 city -n 10"]
    crimson = said["wordspace similar colors.wsv crimson -n 5"]
    assert "crimson" in crimson and ("red" in crimson or "scarlet" in crimson)
    assert (tmp_path / "colors.csv").is_file() and (tmp_path / "colors.wsv").exists()
