"""Type checking stays clean: ``mypy`` over ``src/wordspace`` with the configuration in
``pyproject.toml`` (the public API's foundation modules with ``--strict``'s per-module flags,
the rest with the defaults) reports no error.

A failure lists every error, as ``mypy`` prints it, so the fix starts from the message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _mypy() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--no-color-output",
            "--no-error-summary",
            "--show-error-codes",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "MYPY_FORCE_COLOR": "0"},
    )


def test_mypy_is_clean_on_src():
    r = _mypy()
    errors = [line for line in r.stdout.splitlines() if ": error:" in line]
    assert r.returncode == 0 and not errors, (
        f"mypy found {len(errors)} error(s) in src/ (exit {r.returncode}):\n"
        + "\n".join(errors or [r.stdout, r.stderr])
    )


def test_every_type_ignore_says_why():
    """``# type: ignore[code]`` names its error code and gives a reason on the same line."""
    bad = []
    for p in sorted((ROOT / "src" / "wordspace").rglob("*.py")):
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if "type: ignore" not in line:
                continue
            rest = line.split("type: ignore", 1)[1]
            if not rest.startswith("[") or "#" not in rest.split("]", 1)[1]:
                bad.append(f"{p.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not bad, "give each type: ignore an error code and a reason:\n" + "\n".join(bad)
