"""Peak memory of wordspace's readers on hostile inputs that are about memory.

Each case builds one hostile file (a huge line, a huge header count, a decompression bomb, a
fastText ``.bin`` declaring huge sizes), reads it in a fresh Python process and prints one
JSON line: the case, the input's size on disk, the outcome (the typed error, or what was
read), the seconds taken, and the process's peak resident memory (``ru_maxrss``) before the
read (after reading tiny valid files, so numba, scipy, pandas and the parsers are loaded) and
after it; ``growth_mb`` is what the hostile read added to the peak.

    python tools/hostile_rss.py                     # every case, 100 MB lines
    python tools/hostile_rss.py --case text-long-line --case corpus-long-token
    WORDSPACE_MAX_LINE=4194304 python tools/hostile_rss.py --line-mb 100

``--one-process`` reads every case in one child (the test suite does, to stay fast); then
``peak_mb`` is monotonic and ``growth_mb`` is the growth since the first baseline.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

MB = 1 << 20


# ------------------------------------------------------------------------ the files
def _long_line(path: Path, prefix: bytes, line_mb: int) -> None:
    """``prefix`` then one line of ``line_mb`` MB ("b 0.5 0.5 ..."), written in blocks."""
    unit = b"0.5 " * (MB // 4)
    with open(path, "wb") as f:
        f.write(prefix + b"b ")
        for _ in range(line_mb):
            f.write(unit)
        f.write(b"\n")


def make_case(case: str, folder: Path, line_mb: int) -> Path:
    p = folder / case
    if case == "text-long-line":  # a header, then one huge line (a line after the first)
        p = p.with_suffix(".txt")
        _long_line(p, b"2 3\na 1 2 3\n", line_mb)
    elif case == "glove-long-first-line":
        p = p.with_suffix(".txt")
        _long_line(p, b"", line_mb)
    elif case == "pairs-long-line":
        p = p.with_suffix(".tsv")
        _long_line(p, b"a\tb\t1.0\n", line_mb)
    elif case == "analogies-long-line":
        p = p.with_suffix(".txt")
        _long_line(p, b": section\na b c d\n", line_mb)
    elif case == "table-long-line":
        p = p.with_suffix(".csv")
        _long_line(p, b"word,value\na,1\n", line_mb)
    elif case == "corpus-long-token":  # one token without whitespace: a sparse file of "x"?
        p = p.with_suffix(".txt")
        with open(p, "wb") as f:
            f.write(b"a b c\n")
            f.truncate(line_mb * MB)  # NUL bytes, a token (no whitespace), no disk used
    elif case == "text-huge-header-count":
        p = p.with_suffix(".txt")
        p.write_bytes(b"9999999999999 300\na " + b"0.5 " * 300 + b"\n")
    elif case == "binary-huge-header-count":
        p = p.with_suffix(".bin")
        p.write_bytes(b"9999999999999 300\na " + b"\0\0\0\x3f" * 300 + b"\n")
    elif case == "fasttext-bin-huge-sizes":
        p = p.with_suffix(".bin")
        args = struct.pack("<12i", 300, 5, 5, 1, 5, 1, 2, 2, 2_000_000, 3, 6, 100)
        head = struct.pack("<ii", 793712314, 12) + args + struct.pack("<d", 1e-4)
        sizes = struct.pack("<iii", 2_000_000_000, 2_000_000_000, 0) + struct.pack("<qq", 10, -1)
        p.write_bytes(head + sizes + b"a\0" + struct.pack("<qb", 1, 0))
    elif case == "bomb-text-gz":  # 1 GiB of vector lines in about 1 MB
        p = p.with_suffix(".txt.gz")
        unit = b"a 0.5\n" * (MB // 6)
        with gzip.open(p, "wb", compresslevel=9) as f:
            for _ in range(1024):
                f.write(unit)
    elif case == "bomb-wsv-zip":  # a native model whose vectors.npy inflates to 1 GiB
        p = p.with_suffix(".wsv")
        meta = {
            "format": "wordspace",
            "format_version": 1,
            "kind": "word_vectors",
            "count": 2,
            "vector_size": 2,
            "index_to_key": ["a", "b"],
            "arrays": ["vectors"],
        }
        n = (1 << 30) // 4
        header = f"{{'descr': '<f4', 'fortran_order': False, 'shape': ({n},), }}".encode()
        header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
        npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header
        with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("meta.json", json.dumps(meta))
            with z.open("vectors.npy", "w", force_zip64=True) as m:
                m.write(npy)
                zeros = b"\0" * (16 * MB)
                for _ in range((1 << 30) // len(zeros)):
                    m.write(zeros)
    else:
        raise SystemExit(f"unknown case {case!r}; the cases: {', '.join(CASES)}")
    return p


CASES = (
    "text-long-line",
    "glove-long-first-line",
    "pairs-long-line",
    "analogies-long-line",
    "table-long-line",
    "corpus-long-token",
    "text-huge-header-count",
    "binary-huge-header-count",
    "fasttext-bin-huge-sizes",
    "bomb-text-gz",
    "bomb-wsv-zip",
)


# ------------------------------------------------------------------------ the reader
def read_case(case: str, path: Path) -> str:
    """Read ``path`` as ``case`` needs; what was read (the caller catches the error)."""
    import wordspace as ws

    if case in (
        "text-long-line",
        "glove-long-first-line",
        "text-huge-header-count",
        "binary-huge-header-count",
        "bomb-text-gz",
        "bomb-wsv-zip",
    ):
        wv = ws.load(path, cache=False)
        return f"read {len(wv):,} words"
    if case == "fasttext-bin-huge-sizes":
        from wordspace.io.fasttext_bin import load_facebook_vectors

        wv = load_facebook_vectors(path)
        return f"read {len(wv):,} words"
    small = ws.WordVectors(["a", "b", "c", "d"], [[1, 0], [0, 1], [1, 1], [1, -1]])
    if case == "pairs-long-line":
        return f"read {small.evaluate_word_pairs(path)!r}"
    if case == "analogies-long-line":
        return f"read {small.evaluate_word_analogies(path)!r}"
    if case == "table-long-line":
        from wordspace.train.valuevec.values import read_table

        return f"read {len(read_table(path)):,} rows"
    if case == "corpus-long-token":
        scan = ws.Corpus(path).scan()
        return f"read {len(scan.types):,} types"
    raise SystemExit(f"unknown case {case!r}")


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(pairs: list[tuple[str, str]]) -> None:
    """Warm up, then read each (case, path) and print its JSON line."""
    import wordspace as ws
    from wordspace.train.valuevec.values import read_table

    with tempfile.TemporaryDirectory() as tmp:  # every reader (numba, scipy, pandas) loaded
        warm = Path(tmp) / "warm.txt"
        warm.write_text("2 3\na 1 2 3\nb 4 5 6\n")
        ws.load(warm, cache=False)
        ws.Corpus(warm).scan()
        judged = Path(tmp) / "pairs.tsv"
        judged.write_text("a\tb\t1\na\ta\t2\nb\tb\t3\n")
        ws.load(warm, cache=False).evaluate_word_pairs(judged)
        table = Path(tmp) / "table.csv"
        table.write_text("word,value\na,1\n")
        read_table(table)
    base = _peak_mb()
    for case, path in pairs:
        t0 = time.perf_counter()
        try:
            outcome, error = read_case(case, Path(path)), None
        except Exception as e:  # the outcome being measured
            outcome, error = "refused", f"{type(e).__name__}: {str(e)[:200]}"
        seconds = time.perf_counter() - t0
        peak = _peak_mb()
        print(
            json.dumps(
                {
                    "case": case,
                    "input_mb": round(os.stat(path).st_size / MB, 2),
                    "outcome": outcome,
                    "error": error,
                    "seconds": round(seconds, 2),
                    "baseline_mb": round(base, 1),
                    "peak_mb": round(peak, 1),
                    "growth_mb": round(peak - base, 1),
                    "max_line": os.environ.get("WORDSPACE_MAX_LINE") or "default",
                }
            ),
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--case", action="append", choices=CASES, help="a case (repeatable)")
    ap.add_argument("--line-mb", type=int, default=100, help="the huge lines' size in MB")
    ap.add_argument("--dir", type=Path, help="where to build the files (a temporary folder)")
    ap.add_argument("--one-process", action="store_true", help="read every case in one child")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        child(list(zip(a.child[::2], a.child[1::2], strict=True)))
        return 0
    cases = a.case or list(CASES)
    with tempfile.TemporaryDirectory(dir=a.dir, prefix="hostile-") as tmp:
        paths = [(c, str(make_case(c, Path(tmp), a.line_mb))) for c in cases]
        groups = [paths] if a.one_process else [[x] for x in paths]
        for group in groups:
            cmd = [sys.executable, __file__, "--child", *(x for pair in group for x in pair)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            sys.stdout.write(done.stdout)
            if done.returncode:
                sys.stderr.write(done.stderr)
                return done.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
