"""Compare two pytest ``--durations=0`` logs test by test (setup + call + teardown).

    PYTEST_ADDOPTS=--durations=0 CI=true bash .ci/run > before.log   # in a clean clone of each
    python tools/compare_durations.py before.log after.log

Prints the total over the tests both runs have, and every test of at least 0.5 s in the
second run that is more than 10 % slower than in the first (issue 37's "no test slower by
more than 10 %"), largest difference first.
"""

from __future__ import annotations

import re
import sys

LINE = re.compile(r"^([\d.]+)s (call|setup|teardown)\s+(\S+)")


def parse(path: str) -> dict[str, float]:
    out: dict[str, float] = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if m:
                out[m.group(3)] = out.get(m.group(3), 0.0) + float(m.group(1))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: compare_durations.py BEFORE.log AFTER.log", file=sys.stderr)
        return 2
    a, b = parse(argv[1]), parse(argv[2])
    common = sorted(set(a) & set(b))
    ta, tb = sum(a[k] for k in common), sum(b[k] for k in common)
    print(f"{len(common)} tests in both: {ta:.1f} s -> {tb:.1f} s ({tb / max(ta, 1e-9) - 1:+.1%})")
    slow = sorted(
        ((b[k] - a[k], k) for k in common if b[k] >= 0.5 and b[k] > 1.1 * a[k]), reverse=True
    )
    print(f"{len(slow)} tests of >= 0.5 s more than 10 % slower:")
    for _, k in slow:
        print(f"{a[k]:8.2f} -> {b[k]:8.2f}  {k}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
