"""Helpers shared by the benchmark scripts (imported as ``_common``: each script is run as
``python benchmarks/bench_x.py``, which puts this folder first on ``sys.path``)."""

from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    """This process's peak resident memory (MB): ``VmHWM``, which starts afresh at exec.
    (``ru_maxrss`` does not: Linux carries the high-water mark of the process image replaced
    by exec — the forked copy of the parent — into the child.)"""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: KiB
