"""Small helpers shared by the trainers: parameter checks and per-job seeds."""

from __future__ import annotations

from typing import Any

import numpy as np


def mix_seed(*xs: int) -> int:
    """splitmix64 over a few integers: a job's or thread's seed from (seed, epoch, job)."""
    z = 0x9E3779B97F4A7C15
    m = (1 << 64) - 1
    for x in xs:
        z = (z ^ (int(x) & m)) & m
        z = (z + 0x9E3779B97F4A7C15) & m
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
        z ^= z >> 31
    return z or 1


def is_int(x: Any) -> bool:
    """An integer (Python or NumPy), not a bool."""
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def is_num(x: Any) -> bool:
    """A real number (Python or NumPy), not a bool."""
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)
